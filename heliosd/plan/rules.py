"""Logical rewrite rules, applied in order (sqlglot/toydb style: each rule is
a pure function Node -> Node over the whole tree).

RULES
=====

1. ``merge_filters``: Filter(Filter(x)) -> one Filter with both conjuncts.
2. ``push_filters_into_joins``: a Filter over an inner/cross join becomes
   part of the join condition; over a left join, conjuncts that read only
   the left side move below the join (PostgreSQL does the same; conjuncts
   on the nullable side must stay above).
3. ``push_filters_into_scans``: Filter directly over a Scan/VirtualScan
   becomes the scan's pushed-down conjuncts (the physical planner turns
   them into index bounds when it can).

Join conditions are split per side at lowering time (``physical._Join``).
"""

from __future__ import annotations

from .. import types as T
from ..exec import expr as E
from . import nodes as N


def _conj(e):
    if isinstance(e, E.BoolOp) and e.op == "and":
        out = []
        for a in e.args:
            out.extend(_conj(a))
        return out
    return [e]


def _and(cs):
    if len(cs) == 1:
        return cs[0]
    return E.BoolOp("and", cs, T.BOOL)


def _map(node: N.Node, fn) -> N.Node:
    node.set_inputs([_map(c, fn) for c in node.inputs()])
    return fn(node)


def merge_filters(node: N.Node) -> N.Node:
    def f(n):
        if isinstance(n, N.Filter) and isinstance(n.child, N.Filter):
            return N.Filter(n.child.child, _and(_conj(n.child.pred) + _conj(n.pred)))
        return n

    return _map(node, f)


def _reads_only_left(e, lw) -> bool:
    for n in E.walk(e):
        if isinstance(n, E.ColRef) and n.index >= lw:
            return False
        if isinstance(n, E.SubPlan):
            return False
    return True


def push_filters_into_joins(node: N.Node) -> N.Node:
    def f(n):
        if isinstance(n, N.Filter) and isinstance(n.child, N.Join) and not n.child.lateral:
            j = n.child
            cs = _conj(n.pred)
            if j.kind in ("inner", "cross"):
                cond = _conj(j.cond) if j.cond is not None else []
                j.cond = _and(cond + cs)
                j.kind = "inner"
                return j
            if j.kind in ("left", "semi", "anti"):
                lw = j.left.width
                down = [c for c in cs if _reads_only_left(c, lw) and _safe(c)]
                up = [c for c in cs if not (_reads_only_left(c, lw) and _safe(c))]
                if down:
                    j.left = push_filters_into_joins(N.Filter(j.left, _and(down)))
                    return N.Filter(j, _and(up)) if up else j
        return n

    return _map(node, f)


def _safe(e) -> bool:
    for n in E.walk(e):
        if isinstance(n, E.Call) and n.fn.volatility == "v":
            return False
        if isinstance(n, (E.AggRef, E.WindowRef)):
            return False
    return True


def push_filters_into_scans(node: N.Node) -> N.Node:
    def f(n):
        if isinstance(n, N.Filter) and isinstance(n.child, (N.Scan, N.VirtualScan)):
            n.child.filters = list(n.child.filters) + _conj(n.pred)
            return n.child
        return n

    return _map(node, f)


def _strip_project(plan):
    """(inner plan, projection exprs or None) below a subquery's select list."""
    proj = None
    p = plan
    while isinstance(p, (N.Project, N.Limit)):
        if isinstance(p, N.Limit):
            lim = p.limit
            if p.offset is not None or not (lim is None or isinstance(lim, E.Const) and (lim.value or 0) >= 1):
                return None, None
        elif proj is None:
            proj = p.exprs
        else:
            proj = [_subst_cols(e, proj) for e in proj] if False else None
            return None, None
        p = p.child
    return p, proj


def _subst_cols(e, exprs):
    return e


def _only_depth0(e) -> bool:
    for n in E.walk(e):
        if isinstance(n, E.SubPlan):
            return False
    return True


def _to_join_side(e, lw):
    """Inner-side expression -> join-condition expression: inner ColRef(j) ->
    ColRef(lw + j); OuterRef(0, i) -> ColRef(i) (the outer query's row);
    deeper OuterRefs move one level up."""
    from .physical import _deepcopy_expr

    def f(n):
        if isinstance(n, E.ColRef):
            return E.ColRef(lw + n.index, n.type, n.typmod, n.name)
        if isinstance(n, E.OuterRef):
            if n.depth == 0:
                return E.ColRef(n.index, n.type, n.typmod, n.name)
            return E.OuterRef(n.depth - 1, n.index, n.type, n.typmod, n.name)
        return None

    return E.transform(_deepcopy_expr(e), f)


def _has_outer(e, depth=0) -> bool:
    return any(isinstance(n, E.OuterRef) for n in E.walk(e))


def _plan_outer_refs_only_in(inner, filters_ok) -> bool:
    """True when OuterRefs appear only in the top filter conjuncts we will move."""
    from ..sql.exprs import _node_exprs

    for node in N.walk(inner):
        if node is filters_ok:
            continue
        for e in _node_exprs(node):
            for n in E.walk(e):
                if isinstance(n, E.OuterRef):
                    return False
                if isinstance(n, E.SubPlan):
                    from ..sql.exprs import plan_uses_outer

                    if plan_uses_outer(n.plan, 1):
                        return False
        if isinstance(node, (N.Aggregate, N.Window, N.SetOp, N.Distinct, N.RecursiveUnion, N.CteScan,
                             N.WorkTableScan, N.ProjectSet, N.LockRows)):
            return False
        if isinstance(node, N.Join) and node.lateral:
            return False
        if isinstance(node, N.FunctionScan) and node.lateral:
            return False
    return True


def _semi_join(child, sp, negate):
    """Turn [NOT] EXISTS / IN (subquery) into a semi/anti join, or None."""
    inner, proj = _strip_project(sp.plan)
    if inner is None:
        return None
    lw = child.width
    moved = []
    top = inner
    if isinstance(inner, N.Filter):
        keep = []
        for c in _conj(inner.pred):
            if _has_outer(c):
                if not _only_depth0(c):
                    return None
                moved.append(c)
            else:
                keep.append(c)
        top = inner
        if not _plan_outer_refs_only_in(inner.child, None):
            return None
        right = N.Filter(inner.child, _and(keep)) if keep else inner.child
    else:
        if not _plan_outer_refs_only_in(inner, None):
            return None
        right = inner
    _ = top
    conds = [_to_join_side(c, lw) for c in moved]
    if sp.kind == "any":
        if sp.test_ir is None or proj is None or len(proj) != len(sp.left):
            return None
        for (fn, rconv), left, pe in zip(sp.test_ir, sp.left, proj):
            if fn.name != "=" or _has_outer(pe) or any(isinstance(n, E.SubPlan) for n in E.walk(pe)):
                return None

            def sub1(n, pe=pe):
                if isinstance(n, E.ColRef) and n.index == 1:
                    return _to_join_side(pe, lw)
                return None

            from .physical import _deepcopy_expr

            rhs = E.transform(_deepcopy_expr(rconv), sub1)
            conds.append(E.Call(fn, [left, rhs], T.BOOL, name="="))
        kind = "semi"
    else:
        kind = "anti" if negate else "semi"
    if sp.kind == "any" and negate:
        return None
    return N.Join(kind, child, right, _and(conds) if conds else None)


def decorrelate_sublinks(node: N.Node) -> N.Node:
    """WHERE [NOT] EXISTS (correlated subquery) and WHERE x IN (subquery) become
    semi/anti joins (hashable, index-nested-loopable) instead of a subquery run
    per outer row.  NOT IN keeps its subplan (its NULL semantics differ from an
    anti join)."""

    def f(n):
        if not isinstance(n, N.Filter):
            return n
        child = n.child
        rest = []
        changed = False
        for c in _conj(n.pred):
            sp, negate = None, False
            if isinstance(c, E.SubPlan) and c.kind in ("exists", "any"):
                sp = c
            elif isinstance(c, E.Not) and isinstance(c.arg, E.SubPlan) and c.arg.kind == "exists":
                sp, negate = c.arg, True
            j = _semi_join(child, sp, negate) if sp is not None else None
            if j is None:
                rest.append(c)
            else:
                child = j
                changed = True
        if not changed:
            return n
        return N.Filter(child, _and(rest)) if rest else child

    return _map(node, f)


RULES = (decorrelate_sublinks, merge_filters, push_filters_into_joins, merge_filters, push_filters_into_scans)


def optimize(node: N.Node) -> N.Node:
    if getattr(node, "_optimized", False):
        return node
    for rule in RULES:
        node = rule(node)
    node._optimized = True
    return node


def key(e):
    from ..sql.analyze import _expr_key

    return _expr_key(e)


def estimate(n: N.Node) -> float:
    """A rough row-count estimate (enough to pick index nested loops)."""
    if isinstance(n, N.Scan):
        store = n.store
        eqcols = set()
        for c in n.filters:
            if isinstance(c, E.Call) and c.fn.name == "=" and len(c.args) == 2:
                for a, b in ((c.args[0], c.args[1]), (c.args[1], c.args[0])):
                    while isinstance(a, E.Cast):
                        a = a.arg
                    if isinstance(a, E.ColRef) and not any(isinstance(x, E.ColRef) for x in E.walk(b)):
                        eqcols.add(a.index)
        if store.pk is not None and all(store.pos[x] in eqcols for x in store.pk.attnums):
            return 1
        for info in store.indexes:
            if info.unique and info.attnums and all(store.pos.get(x) in eqcols for x in info.attnums):
                return 1
        for info in store.indexes:
            if info.attnums and store.pos.get(info.attnums[0]) in eqcols:
                return 20
        return 100000
    if isinstance(n, N.Values):
        return len(n.rows)
    if isinstance(n, N.Result):
        return 1
    if isinstance(n, N.Limit):
        if isinstance(n.limit, E.Const) and n.limit.value is not None:
            return min(n.limit.value, estimate(n.child))
        return estimate(n.child)
    if isinstance(n, N.Filter):
        return max(1, estimate(n.child) / 3)
    if isinstance(n, N.Join):
        return max(estimate(n.left), estimate(n.right))
    if isinstance(n, N.Aggregate):
        return 1 if not n.keys else max(1, estimate(n.child) / 10)
    if isinstance(n, N.FunctionScan):
        return 1000
    for c in n.inputs():
        return estimate(c)
    return 1000
