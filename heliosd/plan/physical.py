"""Lowering logical plans to physical operators: access paths, join
algorithms, expression compilation.

Decisions made here
===================

- **Scans.**  A scan's pushed-down conjuncts are matched against the primary
  key and the indexes of the table.  Equality on every primary-key column
  (or an IN list on a one-column key) becomes :class:`KeyLookup` (one
  storage get per key, whatever the table size).  Otherwise the index with
  the longest equality prefix (then one range column) becomes an
  :class:`IndexRangeScan`; partial indexes qualify only when every conjunct
  of their predicate appears among the scan's conjuncts.  Else a
  :class:`SeqScan`.  All conjuncts stay as the residual filter (cheap, and
  exact whatever the index matched).
- **Order.**  ``ORDER BY`` over a single table whose keys match an index's
  columns after its equality prefix (same or all-reversed directions) reads
  the index in order and drops the sort; with LIMIT that is PostgreSQL's
  "top-N by index".
- **Joins.**  Equi-joins are hash joins building the right side, unless the
  left side is estimated small and the right side is a base table with an
  index on the join key: then an index nested loop (parameterized inner
  scan).  Other joins are nested loops.
"""

from __future__ import annotations

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec import dml as D
from ..exec import expr as E
from ..exec import operators as O
from ..exec.window import WinSpec
from ..storage import keycode
from . import nodes as N
from . import rules

SMALL = 200


class Physical:
    """A lowered plan: the root operator and the parameter list its compiled
    expressions read (filled per execution)."""

    def __init__(self, root: O.Op, params: list):
        self.root = root
        self.params = params


def lower(node: N.Node, catalog=None) -> Physical:
    node = rules.optimize(node)
    p = Lowerer()
    root = p.op(node)
    return Physical(root, p.params)


def _strip(e):
    """Remove binary-compatible relabel casts (varchar -> text...)."""
    while isinstance(e, E.Cast) and getattr(e.fn, "__name__", "") == "_identity":
        e = e.arg
    return e


def conjuncts(e) -> list:
    if e is None:
        return []
    if isinstance(e, E.BoolOp) and e.op == "and":
        out = []
        for a in e.args:
            out.extend(conjuncts(a))
        return out
    return [e]


def _refs_row(e) -> bool:
    return any(isinstance(n, E.ColRef) for n in E.walk(e))


def _free(e) -> bool:
    """No reference to the current row and no volatile calls: computable before the scan."""
    for n in E.walk(e):
        if isinstance(n, (E.ColRef, E.AggRef, E.WindowRef)):
            return False
        if isinstance(n, E.Call) and n.fn.volatility == "v":
            return False
        if isinstance(n, E.SubPlan):
            return False
    return True


_FLIP = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def _compare_parts(c):
    """(column index, op, value expr) for col OP free-expr comparisons, else None."""
    if not isinstance(c, E.Call) or c.fn.kind != "o" or len(c.args) != 2:
        return None
    name = c.fn.name
    if name not in _FLIP:
        return None
    a, b = _strip(c.args[0]), _strip(c.args[1])
    if name != "=" and (a.type.typtype == "e" or b.type.typtype == "e"):
        return None  # enum index keys are encoded by label: usable for equality only
    if isinstance(a, E.ColRef) and _free(b):
        return a.index, name, b
    if isinstance(b, E.ColRef) and _free(a):
        return b.index, _FLIP[name], a
    return None


def _filter_into(child, cond):
    """A conjunct pushed to one side of a join: into that side's own inner/cross
    join condition when it is one (so it keeps travelling down to the scans:
    ``FROM a, b, c WHERE a.x = 1 AND ...`` never builds a x b), else a Filter."""
    if isinstance(child, N.Join) and child.kind in ("inner", "cross") and not child.lateral:
        child.cond = cond if child.cond is None else E.BoolOp("and", conjuncts(child.cond) + [cond], T.BOOL)
        child.kind = "inner"
        return child
    return N.Filter(child, cond)


class Lowerer:
    def __init__(self):
        self.params: list = []

    # ------------------------------------------------------------ compile
    def compile(self, e, filter=False):
        fn = E.compile_expr(e, filter=filter, params_ref=self.params)
        self._bind_subplans(fn)
        return fn

    def compile_many(self, exprs):
        fn = E.compile_many(exprs, params_ref=self.params)
        self._bind_subplans(fn)
        return fn

    def _bind_subplans(self, fn):
        for sp in getattr(fn, "__heliosd_subplans__", ()):
            if sp.runner is None:
                op = self.op(rules.optimize(sp.plan))
                O.bind_subplan(sp, op)

    def compile_row_fn(self, exprs):
        """f(r, o) -> tuple; identity when exprs are exactly the row."""
        return self.compile_many(exprs)

    # ------------------------------------------------------------ dispatch
    def op(self, n: N.Node) -> O.Op:
        m = getattr(self, "_" + type(n).__name__)
        return m(n)

    def _Result(self, n):
        return O.ResultOp()

    def _Values(self, n):
        if all(isinstance(e, E.Const) for r in n.rows for e in r):
            return O.ValuesOp([], consts=[tuple(e.value for e in r) for r in n.rows])
        return O.ValuesOp([self.compile_many(r) for r in n.rows])

    def _Filter(self, n):
        child = n.child
        if isinstance(child, N.Scan):
            child.filters = child.filters + conjuncts(n.pred)
            return self.op(child)
        return O.FilterOp(self.op(child), self.compile(n.pred, filter=True))

    def _Project(self, n):
        child = self.op(n.child)
        if all(isinstance(e, E.ColRef) for e in n.exprs) and \
                [e.index for e in n.exprs] == list(range(n.child.width)):
            return child
        return O.ProjectOp(child, self.compile_many(n.exprs))

    def _ProjectSet(self, n):
        srfs = []
        for c in n.srfs:
            srfs.append((c.fn.impl, self.compile_many(c.args), c.fn.strict, False))
        return O.ProjectSetOp(self.op(n.child), srfs)

    def _VirtualScan(self, n):
        pred = self.compile(E.BoolOp("and", n.filters, T.BOOL), filter=True) if n.filters else None
        if len(n.filters) == 1:
            pred = self.compile(n.filters[0], filter=True)
        return O.VirtualScanOp(n.name, n.rows_fn, pred)

    def _FunctionScan(self, n):
        return O.FunctionScanOp(n.fn, [self.compile(a) for a in n.args], n.width, n.ordinality,
                                getattr(n, "multi", False), n.name)

    def _Limit(self, n):
        child = n.child
        lim_const = n.limit.value if isinstance(n.limit, E.Const) else None
        if isinstance(child, N.Sort) and lim_const is not None:
            child.limit_hint = lim_const + (n.offset.value if isinstance(n.offset, E.Const) and n.offset.value else 0)
        order_fn = None
        if n.with_ties:
            if isinstance(child, N.Sort):
                order_fn = self.compile_many([k[0] for k in child.keys])
                order_fn = (lambda r, f=order_fn: f(r, ()))
            else:
                raise PgError("WITH TIES cannot be specified without ORDER BY clause", errcodes.SYNTAX_ERROR)
        return O.LimitOp(self.op(child), self.compile(n.limit) if n.limit is not None else None,
                         self.compile(n.offset) if n.offset is not None else None, n.with_ties, order_fn)

    def _Sort(self, n):
        ordered = self._ordered_scan(n)
        if ordered is not None:
            return ordered
        child = self.op(n.child)
        keys = []
        for e, desc, nf in n.keys:
            isf = _sort_kind(e.type)
            if isinstance(e, E.ColRef):
                keys.append((e.index, desc, nf, isf))
            else:
                f = self.compile(e)
                keys.append(((lambda r, f=f: f(r, ())), desc, nf, isf))
        return O.SortOp(child, keys)

    def _ordered_scan(self, n: N.Sort):
        """Sort over (Project over)* Scan: can an index deliver the order?"""
        proj_chain = []
        child = n.child
        while isinstance(child, (N.Project, N.Filter)):
            proj_chain.append(child)
            child = child.child
        if not isinstance(child, N.Scan) or child.with_key and False:
            return None
        # map sort keys to table column positions
        cols = []
        for e, desc, nf in n.keys:
            e = _strip(e)
            if not isinstance(e, E.ColRef) or e.type.typtype in "ec":
                return None  # enum/composite keys are not stored in their sort order
            idx = e.index
            for p in proj_chain:
                if isinstance(p, N.Project):
                    src = _strip(p.exprs[idx])
                    if not isinstance(src, E.ColRef):
                        return None
                    idx = src.index
            cols.append((idx, desc, nf))
        scan = child
        for p in reversed(proj_chain):
            if isinstance(p, N.Filter):
                scan.filters = scan.filters + conjuncts(p.pred)
        choice = self._order_index(scan, cols)
        if choice is None:
            return None
        scan.order_choice = choice
        op = self._Scan(scan)
        # rebuild the projections above the ordered scan
        for p in reversed(proj_chain):
            if isinstance(p, N.Project):
                op = O.ProjectOp(op, self.compile_many(p.exprs))
        return op

    def _order_index(self, scan, cols):
        store = scan.store
        eqcols = set()
        for c in scan.filters:
            parts = _compare_parts(c)
            if parts and parts[1] == "=":
                eqcols.add(parts[0])
        for info in ([store.pk] if store.pk else []) + [i for i in store.indexes if not i.primary]:
            if info is None:
                continue
            if info.pred is not None and not self._implied(scan, info):
                continue
            pos = [store.pos.get(a) if a else None for a in info.attnums]
            # skip leading equality-bound columns
            k = 0
            while k < len(pos) and pos[k] in eqcols and (k >= len(cols) or pos[k] != cols[0][0]):
                k += 1
            if len(pos) - k < len(cols):
                continue
            ok = True
            reverse = None
            for j, (ci, desc, nf) in enumerate(cols):
                if pos[k + j] != ci:
                    ok = False
                    break
                idesc = info.desc[k + j]
                inf = info.nulls_first[k + j]
                same = (desc == idesc and nf == inf)
                rev = (desc != idesc and nf != inf)
                r = False if same else (True if rev else None)
                if r is None or (reverse is not None and r != reverse):
                    ok = False
                    break
                reverse = r
            if ok:
                return info, bool(reverse)
        return None

    def _implied(self, scan, info) -> bool:
        from . import rules as _r

        pred_conj = getattr(info, "pred_exprs", None)
        if pred_conj is None:
            return False
        have = {_r.key(c) for c in scan.filters}
        return all(_r.key(c) in have for c in pred_conj)

    # ------------------------------------------------------------ scans
    def _Scan(self, n: N.Scan):
        op = self._scan_op(n)
        self._annotate_scan(op, n)
        return op

    def _annotate_scan(self, op, n):
        from ..session.explain import expr_text

        if not n.filters:
            return
        if isinstance(op, O.SeqScan):
            op.explain_filter = expr_text(_and(n.filters))
            return
        info = getattr(op, "index", None) if isinstance(op, O.IndexRangeScan) else n.store.pk
        cols = set()
        store = n.store
        if info is not None:
            cols = {store.pos.get(a) for a in info.attnums}
        elif store.pk is not None:
            cols = {store.pos.get(a) for a in store.pk.attnums}
        conds, rest = [], []
        for c in n.filters:
            parts = _compare_parts(c)
            if parts and parts[0] in cols:
                conds.append(c)
            elif isinstance(c, E.InList) and isinstance(_strip(c.arg), E.ColRef) and _strip(c.arg).index in cols:
                conds.append(c)
            else:
                rest.append(c)
        if conds:
            op.explain_cond = "Index Cond: " + expr_text(_and(conds))
        if rest:
            op.explain_filter = expr_text(_and(rest))

    def _scan_op(self, n: N.Scan):
        store = n.store
        filters = n.filters
        pred = self.compile(_and(filters), filter=True) if filters else None
        as_of = n.as_of
        if as_of is not None and not isinstance(as_of, tuple):
            as_of = self.compile(as_of)
        choice = getattr(n, "order_choice", None)
        # exact primary-key lookups
        if store.pk is not None and choice is None:
            lookup = self._pk_lookup(store, filters)
            if lookup is not None:
                key_fns = lookup
                return O.KeyLookup(store, key_fns, pred, n.with_key, as_of)
        best = self._best_index(n) if choice is None else self._index_for_order(n, *choice)
        if best is not None:
            info, bounds_fn, reverse = best
            if info is not None and info.primary:
                return O.IndexRangeScan(store, None, bounds_fn, pred, n.with_key, reverse, as_of)
            return O.IndexRangeScan(store, info, bounds_fn, pred, n.with_key, reverse, as_of)
        return O.SeqScan(store, pred, n.with_key, as_of=as_of)

    def _pk_lookup(self, store, filters):
        pk = store.pk
        want = [store.pos[a] for a in pk.attnums]
        eq = {}
        inlist = None
        for c in filters:
            parts = _compare_parts(c)
            if parts and parts[1] == "=" and parts[0] in want and parts[0] not in eq:
                eq[parts[0]] = parts[2]
            elif isinstance(c, E.InList) and not c.negate and len(want) == 1 and \
                    isinstance(_strip(c.arg), E.ColRef) and _strip(c.arg).index == want[0] and \
                    all(_free(i) for i in c.items) and c.eq is None:
                inlist = c
        if len(eq) == len(want):
            return [self.compile_many([eq[p] for p in want])]
        if inlist is not None:
            return [self.compile_many([i]) for i in inlist.items]
        return None

    def _best_index(self, n: N.Scan):
        store = n.store
        filters = n.filters
        eqs = {}
        ranges = {}
        for c in filters:
            parts = _compare_parts(c)
            if not parts:
                continue
            col, op, val = parts
            if op == "=":
                eqs.setdefault(col, val)
            else:
                ranges.setdefault(col, []).append((op, val))
        if not eqs and not ranges:
            return None
        best = None
        best_score = 0
        cands = ([store.pk] if store.pk else []) + [i for i in store.indexes if not i.primary]
        for info in cands:
            if info.pred is not None and not self._implied(n, info):
                continue
            pos = [store.pos.get(a) if a else None for a in info.attnums]
            k = 0
            while k < len(pos) and pos[k] is not None and pos[k] in eqs:
                k += 1
            rng = ranges.get(pos[k]) if k < len(pos) and pos[k] is not None else None
            if k == 0 and not rng:
                continue
            score = k * 10 + (5 if rng else 0) + (3 if info.unique and k == len(pos) else 0) + \
                (1 if info.primary else 0)
            if score > best_score:
                best_score = score
                best = (info, pos[:k], rng, k)
        if best is None:
            return None
        info, eqpos, rng, k = best
        eq_fn = self.compile_many([eqs[p] for p in eqpos])
        rng_fns = [(op, self.compile(val)) for op, val in (rng or [])]
        desc = info.desc
        nf = info.nulls_first

        def bounds(ctx, o, eq_fn=eq_fn, rng_fns=rng_fns, k=k, desc=desc, nf=nf):
            vals = eq_fn((), o)
            if any(v is None for v in vals):
                return None
            prefix = keycode.encode_key(list(vals), desc[:k], nf[:k])
            lo, hi = prefix, keycode.prefix_successor(prefix)
            if rng_fns:
                d = desc[k]
                cnf = nf[k]
                for op, f in rng_fns:
                    v = f((), o)
                    if v is None:
                        return None
                    lo, hi = _narrow(prefix, lo, hi, op, v, d, cnf)
                # exclude NULLs of the range column
                lo, hi = _exclude_nulls(prefix, lo, hi, d, cnf)
            if hi is not None and lo >= hi:
                return None
            return (lo, hi)

        return info, bounds, False

    def _index_for_order(self, n, info, reverse):
        store = n.store
        eqs = {}
        for c in n.filters:
            parts = _compare_parts(c)
            if parts and parts[1] == "=":
                eqs.setdefault(parts[0], parts[2])
        pos = [store.pos.get(a) if a else None for a in info.attnums]
        k = 0
        while k < len(pos) and pos[k] is not None and pos[k] in eqs:
            k += 1
        eq_fn = self.compile_many([eqs[p] for p in pos[:k]])
        desc = info.desc
        nf = info.nulls_first

        def bounds(ctx, o, eq_fn=eq_fn, k=k):
            vals = eq_fn((), o)
            if any(v is None for v in vals):
                return None
            prefix = keycode.encode_key(list(vals), desc[:k], nf[:k])
            return (prefix, keycode.prefix_successor(prefix))

        return info, bounds, reverse

    # ------------------------------------------------------------ joins
    def _Join(self, n: N.Join):
        kind = n.kind
        lw = n.left.width
        rw = n.right.width
        if n.lateral:
            cond = self.compile(n.cond, filter=True) if n.cond is not None else None
            return O.NestedLoopJoin(kind if kind != "cross" else "inner", self.op(n.left), self.op(n.right), cond,
                                    rw, lw, lateral=True)
        conds = conjuncts(n.cond)
        # push single-side conjuncts of inner joins down
        if kind in ("inner", "cross"):
            keep = []
            for c in conds:
                side = _side(c, lw)
                if side == "l" and _pushable(c):
                    n.left = _filter_into(n.left, c)
                elif side == "r" and _pushable(c):
                    n.right = _filter_into(n.right, _shift(c, -lw))
                else:
                    keep.append(c)
            conds = keep
        elif kind in ("left", "semi", "anti"):
            keep = []
            for c in conds:
                if _side(c, lw) == "r" and _pushable(c):
                    n.right = _filter_into(n.right, _shift(c, -lw))
                else:
                    keep.append(c)
            conds = keep
        elif kind == "right":
            keep = []
            for c in conds:
                if _side(c, lw) == "l" and _pushable(c):
                    n.left = _filter_into(n.left, c)
                else:
                    keep.append(c)
            conds = keep
        lkeys, rkeys, residual = [], [], []
        for c in conds:
            pair = _equi(c, lw)
            if pair is not None:
                lkeys.append(pair[0])
                rkeys.append(_shift(pair[1], -lw))
            else:
                residual.append(c)
        res_fn = self.compile(_and(residual), filter=True) if residual else None
        jkind = "inner" if kind == "cross" else kind
        if lkeys:
            inl = self._index_nl(n, jkind, lkeys, rkeys, residual, lw, rw)
            if inl is not None:
                return inl
            lk = self._key_fn(lkeys)
            rk = self._key_fn(rkeys)
            return O.HashJoin(jkind, self.op(n.left), self.op(n.right), lk, rk, res_fn, rw, lw)
        return O.NestedLoopJoin(jkind, self.op(n.left), self.op(n.right), res_fn, rw, lw)

    def _key_fn(self, exprs):
        if len(exprs) == 1:
            f = self.compile(exprs[0])
            if isinstance(exprs[0], E.ColRef):
                i = exprs[0].index
                return lambda r, i=i: r[i]
            return lambda r, f=f: f(r, ())
        f = self.compile_many(exprs)

        def k(r, f=f):
            t = f(r, ())
            return None if None in t else O.hashable(t)

        return k

    def _index_nl(self, n, kind, lkeys, rkeys, residual, lw, rw):
        if kind not in ("inner", "left", "semi", "anti"):
            return None
        right = n.right
        scan = right
        while isinstance(scan, N.Filter):
            scan = scan.child
        if not isinstance(scan, N.Scan) or scan is not right and not isinstance(right, N.Filter):
            return None
        if rules.estimate(n.left) > SMALL:
            return None
        store = scan.store
        indexed = set()
        for info in ([store.pk] if store.pk else []) + store.indexes:
            if info is not None and info.attnums and info.pred is None:
                p0 = store.pos.get(info.attnums[0])
                if p0 is not None:
                    indexed.add(p0)
        extra = []
        for lk, rk in zip(lkeys, rkeys):
            rk0 = _strip(rk)
            if isinstance(rk0, E.ColRef) and (rk0.index in indexed or True):
                outer = _to_outer(lk)
                extra.append((rk0.index, outer, rk))
        if not extra or not any(e[0] in indexed for e in extra):
            return None
        # build the parameterized inner: right filters + key = outer value
        conds = []
        r = right
        while isinstance(r, N.Filter):
            conds.extend(conjuncts(r.pred))
            r = r.child
        for idx, outer, rk in extra:
            eqop = _eq_call(rk, outer)
            if eqop is None:
                return None
            conds.append(eqop)
        inner = N.Scan(scan.store, scan.rel, scan.alias, scan.with_key)
        inner.filters = list(scan.filters) + conds
        inner.as_of = scan.as_of
        inner_op = self._Scan(inner)
        res = self.compile(_and(residual), filter=True) if residual else None
        return O.IndexNestedLoop(kind, self.op(n.left), inner_op, rw, res)

    # ------------------------------------------------------------ aggregation
    def _Aggregate(self, n: N.Aggregate):
        child = self.op(n.child)
        key_fn = self.compile_many(n.keys) if n.keys else None
        specs = []
        for a in n.aggs:
            arg_fn = self.compile_many(a.args)
            filt = self.compile(a.filter, filter=True) if a.filter is not None else None
            order = None
            if a.order:
                order = [(self.compile(e), d, nf, _sort_kind(e.type)) for e, d, nf in a.order]
            direct_fn = self.compile_many(a.direct) if a.direct else None
            specs.append(O.AggSpec(a.agg, arg_fn, len(a.args), a.distinct, filt, order, direct_fn))
        step_all = None
        if n.aggs and all(not a.distinct and a.filter is None and not a.order for a in n.aggs) and \
                not any(isinstance(x, E.SubPlan) for a in n.aggs for e in a.args for x in E.walk(e)):
            step_all = E.compile_agg_step([a.args for a in n.aggs], [a.agg.strict for a in n.aggs],
                                          params_ref=self.params)
        op = O.HashAggOp(child, key_fn, len(n.keys), specs, n.grouping_sets)
        op.step_all = step_all
        return op

    def _Window(self, n: N.Window):
        child = self.op(n.child)
        specs = []
        for w in n.funcs:
            arg_fns = [self.compile(a) for a in w.args]
            part = [self.compile(p) for p in w.partition]
            order = [(self.compile(e), d, nf, _sort_kind(e.type)) for e, d, nf in w.order]
            frame = w.frame
            if frame is not None:
                frame = dict(frame)
                for k in ("start", "end"):
                    b = frame.get(k)
                    if b is not None and b[0] == "offset":
                        frame[k] = (b[0], b[1], self.compile(b[2]))
            filt = self.compile(w.filter, filter=True) if w.filter is not None else None
            specs.append(WinSpec(w.func, arg_fns, part, order, frame, w.is_agg, filt))
        return O.WindowOp(child, specs)

    def _Distinct(self, n):
        child = self.op(n.child)
        if n.on is None:
            return O.DistinctOp(child)
        f = self.compile_many(n.on)
        return O.DistinctOp(child, on_fn=lambda r, f=f: f(r, ()))

    def _SetOp(self, n):
        return O.SetOpOp(n.kind, n.all, self.op(n.left), self.op(n.right))

    def _CteScan(self, n):
        cte = n.cte
        op = getattr(cte, "_op", None)
        if op is None:
            op = cte._op = self.op(rules.optimize(cte.plan))
        return O.CteScanOp(cte.id, op, cte.name)

    def _ForceCtes(self, n):
        ops = []
        for cte in n.ctes:
            op = getattr(cte, "_op", None)
            if op is None:
                op = cte._op = self.op(rules.optimize(cte.plan))
            ops.append(O.CteScanOp(cte.id, op, cte.name))
        return O.ForceCtesOp(self.op(n.child), ops)

    def _WorkTableScan(self, n):
        return O.WorkTableScanOp(n.cte.id, n.cte.name)

    def _RecursiveUnion(self, n):
        return O.RecursiveUnionOp(self.op(n.base), self.op(n.recursive), n.all, n.cte.id)

    def _LockRows(self, n):
        child = self.op(n.child)
        targets = [(s.store, s.key_col) for s in n.targets if getattr(s, "key_col", None) is not None]
        return O.LockRowsOp(child, targets, n.mode, n.wait)

    def _ModifyTable(self, n: N.ModifyTable):
        from ..exec.dml import ConflictSpec

        child = self.op(n.child)
        ret = self.compile_many(n.returning) if n.returning is not None else None
        if n.kind == "insert":
            conflict = None
            if n.on_conflict is not None:
                oc = n.on_conflict
                set_fn = self.compile_many(oc["set"]) if oc.get("set") is not None else None
                where_fn = self.compile(oc["where"], filter=True) if oc.get("where") is not None else None
                conflict = ConflictSpec(oc["arbiters"], oc["action"], set_fn, where_fn)
            op = D.InsertOp(n.store, child, ret, conflict)
            op.returning_xmax = n.returning_xmax
            return op
        recheck = self.compile(_and(n.recheck), filter=True) if n.recheck else None
        if n.kind == "update":
            return D.UpdateOp(n.store, child, self.compile_many(n.set_exprs), ret, recheck)
        return D.DeleteOp(n.store, child, ret, recheck)


# ----------------------------------------------------------------- helpers


def _and(conds):
    if not conds:
        return E.Const(True, T.BOOL)
    if len(conds) == 1:
        return conds[0]
    return E.BoolOp("and", list(conds), T.BOOL)


def _side(e, lw):
    """'l', 'r', 'b' (both) or 'n' (neither) for which side's columns e reads."""
    left = right = False
    for n in E.walk(e):
        if isinstance(n, E.ColRef):
            if n.index < lw:
                left = True
            else:
                right = True
        if isinstance(n, E.SubPlan):
            return "b"
    if left and right:
        return "b"
    return "l" if left else ("r" if right else "n")


def _pushable(e) -> bool:
    for n in E.walk(e):
        if isinstance(n, E.Call) and n.fn.volatility == "v":
            return False
        if isinstance(n, (E.SubPlan, E.AggRef, E.WindowRef)):
            return False
    return True


def _shift(e, delta):
    import copy

    def f(n):
        if isinstance(n, E.ColRef):
            return E.ColRef(n.index + delta, n.type, n.typmod, n.name)
        return None

    return E.transform(_deepcopy_expr(e), f)


def _deepcopy_expr(e):
    import copy

    if isinstance(e, (E.ColRef, E.Const, E.Param, E.OuterRef)):
        return e
    c = copy.copy(e)
    if isinstance(c, (E.Call, E.BoolOp, E.Coalesce, E.MinMax, E.Func)):
        c.args = [_deepcopy_expr(a) for a in c.args]
    elif isinstance(c, (E.Cast, E.Not, E.NullTest, E.BoolTest)):
        c.arg = _deepcopy_expr(c.arg)
    elif isinstance(c, E.Case):
        c.whens = [(_deepcopy_expr(a), _deepcopy_expr(b)) for a, b in c.whens]
        if c.else_ is not None:
            c.else_ = _deepcopy_expr(c.else_)
    elif isinstance(c, E.InList):
        c.arg = _deepcopy_expr(c.arg)
        c.items = [_deepcopy_expr(i) for i in c.items]
    elif isinstance(c, (E.ArrayExpr, E.RowExpr)):
        c.items = [_deepcopy_expr(i) for i in c.items]
    return c


def _equi(c, lw):
    """(left expr, right expr) if c is an equality between the two sides."""
    if not isinstance(c, E.Call) or c.fn.name != "=" or len(c.args) != 2:
        return None
    if c.fn.template is None and c.fn.kind == "o":
        # non-trivial equality (e.g. float NaN rules): fine for hashing only if python == agrees
        if c.args[0].type in (T.FLOAT4, T.FLOAT8):
            return None
    a, b = c.args
    sa, sb = _side(a, lw), _side(b, lw)
    if sa == "l" and sb == "r":
        return a, b
    if sa == "r" and sb == "l":
        return b, a
    return None


def _to_outer(e):
    """Rewrite a left-side expression so a parameterized inner scan can read it."""

    def f(n):
        if isinstance(n, E.ColRef):
            return E.OuterRef(0, n.index, n.type, n.typmod, n.name)
        if isinstance(n, E.OuterRef):
            return E.OuterRef(n.depth + 1, n.index, n.type, n.typmod, n.name)
        return None

    return E.transform(_deepcopy_expr(e), f)


def _eq_call(rk, outer):
    from ..exec.functions import lookup_operators

    for c in lookup_operators("="):
        if len(c.args) == 2 and c.args[0] is rk.type and c.args[1] is outer.type:
            return E.Call(c, [rk, outer], T.BOOL, name="=")
    return None


def _narrow(prefix, lo, hi, op, v, desc, nf):
    enc = keycode.encode_key([v], [desc], [nf])
    succ = keycode.prefix_successor(enc)
    # in encoded space, DESC reverses the comparison
    if desc:
        op = _FLIP[op]
    if op == ">":
        nlo = prefix + succ
        lo = max(lo, nlo)
    elif op == ">=":
        lo = max(lo, prefix + enc)
    elif op == "<":
        nhi = prefix + enc
        hi = nhi if hi is None else min(hi, nhi)
    elif op == "<=":
        nhi = prefix + succ
        hi = nhi if hi is None else min(hi, nhi)
    return lo, hi


def _exclude_nulls(prefix, lo, hi, desc, nf):
    null_enc = keycode.encode_key([None], [desc], [nf])
    if null_enc[0] < 0x80:
        # NULLs sort first in byte order: start after them
        lo = max(lo, prefix + keycode.prefix_successor(null_enc))
    else:
        nhi = prefix + null_enc
        hi = nhi if hi is None else min(hi, nhi)
    return lo, hi


def _sort_kind(t):
    """The sort-key flag for ORDER BY over type t: True for floats (NaN last), a key function for
    types Python cannot order as PostgreSQL does (jsonb, arrays, bpchar...), else False."""
    if t in (T.FLOAT4, T.FLOAT8):
        return True
    if t.typtype == "d":
        t = t.base
    if t is T.JSONB or t.is_array or t is T.BPCHAR or t is T.NUMERIC or t is T.RECORD or t.typtype in "ec":
        from ..exec.functions._common import sort_key

        return sort_key(t) or False
    return False
