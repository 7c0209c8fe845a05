"""Physical operators.

Every operator implements ``run(ctx) -> iterator of batches``; a batch is a
list of row tuples.  An *empty* batch is a tick: the operator did work but
has nothing to hand on yet (a selective scan, a sort reading its input).
The driver uses ticks to check cancellation/statement_timeout and to yield
to the event loop, so a long query never freezes other sessions.

Invariants
==========

1. Operators never hold rows of another execution: all per-run state lives
   in the ``run`` generator's frame (plans are cached and re-run).
2. Expressions were compiled once, at plan time; per row an operator makes
   one Python call per compiled expression (filters and projections
   combined into a single function where possible).
3. Correlated expressions read the enclosing rows from ``ctx.outer``,
   captured when ``run`` starts; ``Subplan`` runners set ``ctx.outer`` for
   the duration of the inner run and restore it.
4. An operator yields at least every ``TICK`` input rows.
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter
from operator import itemgetter

from .. import errcodes
from ..errors import PgError
from ..storage import keycode
from . import runtime

# Batches are small enough (a few ms of work) that a long statement reaches its time slice
# check often: the session driver shares the event loop between long statements by time
# (session.py, _slice), and a short query waits for one round of everybody's slices.
BATCH = 256
TICK = 1024


class Op:
    children: tuple = ()
    label = "?"
    est_rows = None

    def run(self, ctx):  # pragma: no cover - interface
        raise NotImplementedError

    def explain(self) -> list[str]:
        return [self.label]

    def all_rows(self, ctx) -> list:
        out = []
        for b in self.run(ctx):
            out.extend(b)
        return out


def rows_of(op: Op, ctx) -> list:
    out = []
    for b in op.run(ctx):
        out.extend(b)
    return out


# ----------------------------------------------------------------- leaves


class ResultOp(Op):
    label = "Result"

    def run(self, ctx):
        yield [()]


class ValuesOp(Op):
    label = "Values Scan"

    def __init__(self, row_fns, consts=None):
        self.row_fns = row_fns  # list of compiled projections f(r, o) -> tuple
        self.consts = consts  # precomputed rows when all constant

    def run(self, ctx):
        if self.consts is not None:
            yield list(self.consts)
            return
        o = ctx.outer
        yield [f((), o) for f in self.row_fns]


class SeqScan(Op):
    """Full scan of a table's rows in key order, with a pushed-down filter."""

    def __init__(self, store, pred=None, with_key=False, reverse=False, lo=b"", hi=None, as_of=None, label=None):
        self.store = store
        self.pred = pred
        self.with_key = with_key
        self.reverse = reverse
        self.lo = lo
        self.hi = hi
        self.as_of = as_of
        self.label = label or f"Seq Scan on {store.rel.name}"
        self.filter_text = None

    def run(self, ctx):
        store = self.store
        dec = store.decode_row
        pred = self.pred
        o = ctx.outer
        wk = self.with_key
        snap = snapshot_for(ctx, self.as_of)
        batch = []
        n = 0
        for k, v in ctx.txn.scan(ctx.bid, store.oid, self.lo, self.hi, self.reverse, snapshot=snap):
            r = dec(v)
            if wk:
                r = r + (k,)
            if pred is None or pred(r, o):
                batch.append(r)
                if len(batch) >= BATCH:
                    yield batch
                    batch = []
            n += 1
            if n >= TICK:
                n = 0
                yield batch
                batch = []
        if batch:
            yield batch


def snapshot_for(ctx, as_of):
    if as_of is None:
        return ctx.snapshot_override
    return ctx.session.resolve_as_of(as_of, ctx) if ctx.session is not None else None


class KeyLookup(Op):
    """Point lookups by full primary key: one storage get per key."""

    def __init__(self, store, key_fns, pred=None, with_key=False, as_of=None, label=None):
        self.store = store
        self.key_fns = key_fns  # compiled: f((), o) -> tuple of pk values (one per lookup)
        self.pred = pred
        self.with_key = with_key
        self.as_of = as_of
        self.label = label or f"Index Scan using {store.pk.name} on {store.rel.name}"

    def run(self, ctx):
        store = self.store
        o = ctx.outer
        pk = store.pk
        ek = keycode.encode_key
        snap = snapshot_for(ctx, self.as_of)
        out = []
        seen = set()
        for f in self.key_fns:
            vals = f((), o)
            if any(v is None for v in vals):
                continue
            key = ek(vals, pk.desc, pk.nulls_first)
            if key in seen:
                continue
            seen.add(key)
            v = ctx.txn.get(ctx.bid, store.oid, key, snapshot=snap)
            if v is None:
                continue
            r = store.decode_row(v)
            if self.with_key:
                r = r + (key,)
            if self.pred is None or self.pred(r, o):
                out.append(r)
        yield out


class IndexRangeScan(Op):
    """A range of an index (or of the primary key order), with residual filter.

    ``bounds_fn(ctx, o) -> (lo, hi)`` computes the byte range per execution
    (values come from parameters or outer rows)."""

    def __init__(self, store, index, bounds_fn, pred=None, with_key=False, reverse=False, as_of=None,
                 label=None, limit_hint=None):
        self.store = store
        self.index = index  # IndexInfo, or None for the table's own key order
        self.bounds_fn = bounds_fn
        self.pred = pred
        self.with_key = with_key
        self.reverse = reverse
        self.as_of = as_of
        name = index.name if index is not None else (store.pk.name if store.pk else "pkey")
        self.label = label or f"Index Scan{' Backward' if reverse else ''} using {name} on {store.rel.name}"

    def run(self, ctx):
        store = self.store
        o = ctx.outer
        bounds = self.bounds_fn(ctx, o)
        if bounds is None:
            return
        snap = snapshot_for(ctx, self.as_of)
        pred = self.pred
        wk = self.with_key
        batch = []
        n = 0
        ranges = bounds if isinstance(bounds, list) else [bounds]
        for lo, hi in ranges:
            if self.index is None:
                it = ((k, store.decode_row(v)) for k, v in
                      ctx.txn.scan(ctx.bid, store.oid, lo, hi, self.reverse, snapshot=snap))
            else:
                it = store.index_scan(ctx.txn, ctx.bid, self.index.oid, lo, hi, self.reverse, snapshot=snap)
            for k, r in it:
                if wk:
                    r = r + (k,)
                if pred is None or pred(r, o):
                    batch.append(r)
                    if len(batch) >= BATCH:
                        yield batch
                        batch = []
                n += 1
                if n >= TICK:
                    n = 0
                    yield batch
                    batch = []
        if batch:
            yield batch


class VirtualScanOp(Op):
    def __init__(self, name, rows_fn, pred=None):
        self.rows_fn = rows_fn
        self.pred = pred
        self.label = f"Seq Scan on {name}"

    def run(self, ctx):
        o = ctx.outer
        pred = self.pred
        rows = self.rows_fn(ctx)
        if pred is None:
            yield list(rows)
        else:
            yield [r for r in rows if pred(r, o)]


class FunctionScanOp(Op):
    def __init__(self, fn, arg_fns, width, ordinality, multi, name, pred=None):
        self.fn = fn
        self.arg_fns = arg_fns
        self.width = width
        self.ordinality = ordinality
        self.multi = multi
        self.label = f"Function Scan on {name}"
        self.pred = pred

    def run(self, ctx):
        o = ctx.outer
        args = [f((), o) for f in self.arg_fns]
        if self.fn.strict and any(a is None for a in args):
            return
        impl = self.fn.impl
        res = impl(*args)
        if not self.fn.retset:
            # a plain function in FROM: one row (a NULL composite is a row of NULLs)
            res = [res if res is not None or not self.multi else (None,) * self.width]
        batch = []
        i = 0
        pred = self.pred
        for item in res:
            i += 1
            if self.multi:
                r = tuple(item)
            else:
                r = (item,)
            if self.ordinality:
                r = r + (i,)
            if pred is None or pred(r, o):
                batch.append(r)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


# ----------------------------------------------------------------- row-by-row


class FilterOp(Op):
    def __init__(self, child, pred, text=None):
        self.children = (child,)
        self.pred = pred
        self.label = "Filter"
        self.text = text

    def run(self, ctx):
        pred = self.pred
        o = ctx.outer
        for b in self.children[0].run(ctx):
            yield [r for r in b if pred(r, o)]


class ProjectOp(Op):
    def __init__(self, child, fn, identity=False):
        self.children = (child,)
        self.fn = fn
        self.label = "Project"

    def run(self, ctx):
        f = self.fn
        o = ctx.outer
        for b in self.children[0].run(ctx):
            yield [f(r, o) for r in b]


class ProjectSetOp(Op):
    label = "ProjectSet"

    def __init__(self, child, srfs):
        """srfs: [(impl, arg_fn(r, o) -> tuple, strict, multi)]"""
        self.children = (child,)
        self.srfs = srfs

    def run(self, ctx):
        o = ctx.outer
        srfs = self.srfs
        for b in self.children[0].run(ctx):
            out = []
            for r in b:
                iters = []
                for impl, arg_fn, strict, multi in srfs:
                    args = arg_fn(r, o)
                    if strict and None in args:
                        iters.append(iter(()))
                    else:
                        res = impl(*args)
                        iters.append(iter(res if res is not None else ()))
                while True:
                    vals = []
                    alive = False
                    for it, (_i, _a, _s, multi) in zip(iters, srfs):
                        v = next(it, _END)
                        if v is _END:
                            vals.append(None)
                        else:
                            alive = True
                            vals.append(tuple(v) if multi else v)
                    if not alive:
                        break
                    out.append(r + tuple(vals))
            yield out


_END = object()


class LimitOp(Op):
    label = "Limit"

    def __init__(self, child, limit_fn, offset_fn, with_ties=False, order_fn=None):
        self.children = (child,)
        self.limit_fn = limit_fn
        self.offset_fn = offset_fn
        self.with_ties = with_ties
        self.order_fn = order_fn

    def run(self, ctx):
        o = ctx.outer
        lim = self.limit_fn((), o) if self.limit_fn else None
        off = self.offset_fn((), o) if self.offset_fn else 0
        off = off or 0
        if lim is not None and lim < 0:
            raise PgError("LIMIT must not be negative", errcodes.INVALID_ROW_COUNT_IN_LIMIT_CLAUSE)
        if off < 0:
            raise PgError("OFFSET must not be negative", errcodes.INVALID_ROW_COUNT_IN_RESULT_OFFSET_CLAUSE)
        if lim == 0 and not self.with_ties:
            return
        skipped = 0
        taken = 0
        last_key = None
        for b in self.children[0].run(ctx):
            if not b:
                yield b
                continue
            if skipped < off:
                need = off - skipped
                if len(b) <= need:
                    skipped += len(b)
                    yield []
                    continue
                b = b[need:]
                skipped = off
            if lim is None:
                yield b
                continue
            room = lim - taken
            if len(b) < room:
                taken += len(b)
                yield b
                continue
            out = b[:room]
            taken += len(out)
            if self.with_ties and out:
                last_key = self.order_fn(out[-1])
                extra = []
                for r in b[room:]:
                    if self.order_fn(r) == last_key:
                        extra.append(r)
                    else:
                        yield out + extra
                        return
                out = out + extra
                yield out
                for b2 in self.children[0].run(ctx) if False else ():
                    pass
                return
            yield out
            return


class SortOp(Op):
    def __init__(self, child, keys, limit_fn=None):
        """keys: [(fn(row)->value, desc, nulls_first, is_float)]"""
        self.children = (child,)
        self.keys = keys
        self.label = "Sort"
        self.limit_fn = limit_fn

    def run(self, ctx):
        rows = []
        for b in self.children[0].run(ctx):
            rows.extend(b)
            yield []
        sort_rows(rows, self.keys)
        for i in range(0, len(rows), BATCH):
            yield rows[i:i + BATCH]


def _nan_key(v):
    return (v != v, v if v == v else 0.0)


def sort_rows(rows: list, keys) -> None:
    """Stable multi-key sort with PostgreSQL NULL placement (in place)."""
    if not rows:
        return
    if len(keys) == 1:
        f, desc, nf, isf = keys[0]
        if isinstance(f, int):
            vals_have_null = any(r[f] is None for r in rows)
            if not vals_have_null and not isf:
                rows.sort(key=itemgetter(f), reverse=desc)
                return
    for f, desc, nf, isf in reversed(keys):
        get = itemgetter(f) if isinstance(f, int) else f
        # with reverse=True the flag order flips: pick flags so NULLs land where asked
        if desc:
            null_flag, val_flag = (1, 0) if nf else (0, 1)
        else:
            null_flag, val_flag = (0, 1) if nf else (1, 0)
        if callable(isf):
            # a type-specific key (jsonb, arrays...): see exec.functions._common.sort_key
            def k(r, get=get, nfl=null_flag, vfl=val_flag, sk=isf):
                v = get(r)
                return (nfl, 0) if v is None else (vfl, sk(v))
        elif isf:
            def k(r, get=get, nfl=null_flag, vfl=val_flag):
                v = get(r)
                return (nfl, (0, 0.0)) if v is None else (vfl, _nan_key(v))
        else:
            def k(r, get=get, nfl=null_flag, vfl=val_flag):
                v = get(r)
                return (nfl, 0) if v is None else (vfl, v)
        try:
            rows.sort(key=k, reverse=desc)
        except TypeError:
            rows.sort(key=lambda r, k=k: _total_key(k(r)), reverse=desc)


def _total_key(k):
    flag, v = k
    if isinstance(v, (dict, list)):
        import json

        return (flag, json.dumps(v, sort_keys=True, default=str))
    return (flag, str(v))


class DistinctOp(Op):
    """DISTINCT over whole rows (hash), or DISTINCT ON over sorted input."""

    def __init__(self, child, on_fn=None):
        self.children = (child,)
        self.on_fn = on_fn
        self.label = "Unique" if on_fn else "HashAggregate"

    def run(self, ctx):
        if self.on_fn is None:
            seen = set()
            for b in self.children[0].run(ctx):
                out = []
                for r in b:
                    k = hashable(r)
                    if k not in seen:
                        seen.add(k)
                        out.append(r)
                yield out
        else:
            f = self.on_fn
            last = object()
            for b in self.children[0].run(ctx):
                out = []
                for r in b:
                    k = hashable(f(r))
                    if k != last:
                        last = k
                        out.append(r)
                yield out


def hashable(v):
    t = type(v)
    if t is tuple:
        try:
            hash(v)
        except TypeError:
            return tuple(hashable(x) for x in v)
        for x in v:
            if x != x:  # NaN: every NaN is one value for PostgreSQL (tuples compare NaNs by identity)
                return tuple(hashable(x) for x in v)
        return v
    if t is list:
        return ("\x00list",) + tuple(hashable(x) for x in v)
    if t is dict:
        return ("\x00dict",) + tuple(sorted((k, hashable(x)) for k, x in v.items()))
    if v != v:  # float or numeric NaN
        return ("\x00nan",)
    return v


class SetOpOp(Op):
    def __init__(self, kind, all_, left, right):
        self.children = (left, right)
        self.kind = kind
        self.all = all_
        self.label = {"union": "Append" if all_ else "HashAggregate", "intersect": "HashSetOp Intersect",
                      "except": "HashSetOp Except"}[kind] + (" All" if all_ and kind != "union" else "")

    def run(self, ctx):
        left, right = self.children
        if self.kind == "union":
            if self.all:
                for b in left.run(ctx):
                    yield b
                for b in right.run(ctx):
                    yield b
                return
            seen = set()
            for side in (left, right):
                for b in side.run(ctx):
                    out = []
                    for r in b:
                        k = hashable(r)
                        if k not in seen:
                            seen.add(k)
                            out.append(r)
                    yield out
            return
        rcount = Counter()
        for b in right.run(ctx):
            for r in b:
                rcount[hashable(r)] += 1
            yield []
        out = []
        if self.kind == "intersect":
            if self.all:
                for b in left.run(ctx):
                    for r in b:
                        k = hashable(r)
                        if rcount[k] > 0:
                            rcount[k] -= 1
                            out.append(r)
            else:
                seen = set()
                for b in left.run(ctx):
                    for r in b:
                        k = hashable(r)
                        if rcount[k] > 0 and k not in seen:
                            seen.add(k)
                            out.append(r)
        else:
            if self.all:
                for b in left.run(ctx):
                    for r in b:
                        k = hashable(r)
                        if rcount[k] > 0:
                            rcount[k] -= 1
                        else:
                            out.append(r)
            else:
                seen = set()
                for b in left.run(ctx):
                    for r in b:
                        k = hashable(r)
                        if rcount[k] == 0 and k not in seen:
                            seen.add(k)
                            out.append(r)
        yield out


# ----------------------------------------------------------------- joins


class NestedLoopJoin(Op):
    """Nested loop: the right side is materialized once (or re-run per left
    row when lateral/parameterized)."""

    def __init__(self, kind, left, right, cond, right_width, left_width, lateral=False):
        self.children = (left, right)
        self.kind = kind
        self.cond = cond
        self.right_width = right_width
        self.left_width = left_width
        self.lateral = lateral
        self.label = "Nested Loop" + ({"left": " Left Join", "right": " Right Join", "full": " Full Join",
                                       "semi": " Semi Join", "anti": " Anti Join"}.get(kind, ""))

    def run(self, ctx):
        left, right = self.children
        cond = self.cond
        o = ctx.outer
        kind = self.kind
        rnull = (None,) * self.right_width
        lnull = (None,) * self.left_width
        rmatched = None
        if not self.lateral:
            rrows = rows_of(right, ctx)
            rmatched = [False] * len(rrows) if kind in ("right", "full") else None
        for b in left.run(ctx):
            out = []
            for lr in b:
                if self.lateral:
                    saved = ctx.outer
                    ctx.outer = (lr,) + saved
                    try:
                        rrows = rows_of(right, ctx)
                    finally:
                        ctx.outer = saved
                matched = False
                for j, rr in enumerate(rrows):
                    row = lr + rr
                    if cond is None or cond(row, o):
                        matched = True
                        if kind == "semi":
                            break
                        if kind == "anti":
                            break
                        out.append(row)
                        if rmatched is not None and not self.lateral:
                            rmatched[j] = True
                if kind == "semi" and matched:
                    out.append(lr)
                elif kind == "anti" and not matched:
                    out.append(lr)
                elif not matched and kind in ("left", "full"):
                    out.append(lr + rnull)
            yield out
        if kind in ("right", "full") and not self.lateral:
            yield [lnull + rr for j, rr in enumerate(rrows) if not rmatched[j]]


class HashJoin(Op):
    """Equi-join: build a hash table on the right side, probe with the left.

    NULL keys never match (SQL equality).  kinds: inner, left, right, full,
    semi, anti (for anti: PostgreSQL's NOT EXISTS semantics)."""

    def __init__(self, kind, left, right, lkey, rkey, residual, right_width, left_width):
        self.children = (left, right)
        self.kind = kind
        self.lkey = lkey
        self.rkey = rkey
        self.residual = residual
        self.right_width = right_width
        self.left_width = left_width
        self.label = "Hash " + {"inner": "Join", "left": "Left Join", "right": "Right Join", "full": "Full Join",
                                "semi": "Semi Join", "anti": "Anti Join"}[kind]

    def run(self, ctx):
        left, right = self.children
        rkey = self.rkey
        lkey = self.lkey
        kind = self.kind
        res = self.residual
        o = ctx.outer
        table: dict = {}
        all_right = [] if kind in ("right", "full") else None
        n = 0
        for b in right.run(ctx):
            for rr in b:
                k = rkey(rr)
                if all_right is not None:
                    all_right.append(rr)
                if k is None:
                    continue
                lst = table.get(k)
                if lst is None:
                    table[k] = [rr]
                else:
                    lst.append(rr)
            n += len(b)
            yield []
        matched_ids = set() if all_right is not None else None
        rnull = (None,) * self.right_width
        lnull = (None,) * self.left_width
        get = table.get
        for b in left.run(ctx):
            out = []
            for lr in b:
                k = lkey(lr)
                cand = get(k) if k is not None else None
                if kind == "inner":
                    if cand:
                        if res is None:
                            out.extend([lr + rr for rr in cand])
                        else:
                            for rr in cand:
                                row = lr + rr
                                if res(row, o):
                                    out.append(row)
                    continue
                matched = False
                if cand:
                    for rr in cand:
                        row = lr + rr
                        if res is None or res(row, o):
                            matched = True
                            if kind in ("semi", "anti"):
                                break
                            out.append(row)
                            if matched_ids is not None:
                                matched_ids.add(id(rr))
                if kind == "semi":
                    if matched:
                        out.append(lr)
                elif kind == "anti":
                    if not matched:
                        out.append(lr)
                elif not matched and kind in ("left", "full"):
                    out.append(lr + rnull)
            yield out
        if all_right is not None:
            yield [lnull + rr for rr in all_right if id(rr) not in matched_ids]


class IndexNestedLoop(Op):
    """For each left row, look up matching right rows through an index
    (parameterized inner scan: the inner op reads the left row as outer row 0)."""

    def __init__(self, kind, left, inner, right_width, residual=None):
        self.children = (left, inner)
        self.kind = kind
        self.right_width = right_width
        self.residual = residual
        self.label = "Nested Loop" + ({"left": " Left Join", "semi": " Semi Join", "anti": " Anti Join"}
                                      .get(kind, ""))

    def run(self, ctx):
        left, inner = self.children
        kind = self.kind
        rnull = (None,) * self.right_width
        res = self.residual
        o = ctx.outer
        for b in left.run(ctx):
            out = []
            for lr in b:
                saved = ctx.outer
                ctx.outer = (lr,) + saved
                try:
                    rrows = rows_of(inner, ctx)
                finally:
                    ctx.outer = saved
                matched = False
                for rr in rrows:
                    row = lr + rr
                    if res is not None and not res(row, o):
                        continue
                    matched = True
                    if kind in ("semi", "anti"):
                        break
                    out.append(row)
                if kind == "semi" and matched:
                    out.append(lr)
                elif kind == "anti" and not matched:
                    out.append(lr)
                elif kind == "left" and not matched:
                    out.append(lr + rnull)
            yield out


# ----------------------------------------------------------------- aggregation


class AggSpec:
    __slots__ = ("agg", "arg_fn", "nargs", "distinct", "filter", "order", "strict", "direct_fn")

    def __init__(self, agg, arg_fn, nargs, distinct, filter, order, direct_fn=None):
        self.agg = agg
        self.arg_fn = arg_fn  # f(r) -> tuple of args
        self.nargs = nargs
        self.distinct = distinct
        self.filter = filter
        self.order = order  # [(fn, desc, nf, isfloat)] or None
        self.strict = agg.strict
        self.direct_fn = direct_fn


class HashAggOp(Op):
    """GROUP BY with hashing; also plain aggregation (no keys: one group, even
    over no rows).  Output: key values then aggregate results (then a
    grouping-set id when grouping sets are used)."""

    def __init__(self, child, key_fn, nkeys, specs, grouping_sets=None):
        self.children = (child,)
        self.key_fn = key_fn
        self.nkeys = nkeys
        self.specs = specs
        self.sets = grouping_sets
        self.label = "HashAggregate" if nkeys else "Aggregate"
        self.step_all = None  # expr.compile_agg_step: all simple aggregates in one call per row

    def run(self, ctx):
        o = ctx.outer
        specs = self.specs
        simple = all(not s.distinct and s.order is None and s.filter is None for s in specs)
        if self.sets is None:
            groups: dict = {}
            key_fn = self.key_fn
            order_keys = []
            step_all = self.step_all if simple else None
            for b in self.children[0].run(ctx):
                for r in b:
                    k = key_fn(r, o) if key_fn is not None else ()
                    hk = _hk(k)
                    st = groups.get(hk)
                    if st is None:
                        st = groups[hk] = (k, [_new_acc(s) for s in specs])
                        order_keys.append(hk)
                    accs = st[1]
                    if step_all is not None:
                        step_all(r, o, accs)
                    elif simple:
                        for s, a in zip(specs, accs):
                            args = s.arg_fn(r, o)
                            if s.strict and None in args:
                                continue
                            a.step(*args)
                    else:
                        _step_complex(specs, accs, r, o)
                yield []
            if not groups and self.nkeys == 0:
                groups[()] = ((), [_new_acc(s) for s in specs])
                order_keys.append(())
            out = []
            for hk in order_keys:
                k, accs = groups[hk]
                out.append(tuple(k) + tuple(_finish(s, a, ctx, o) for s, a in zip(specs, accs)))
                if len(out) >= BATCH:
                    yield out
                    out = []
            yield out
            return
        # grouping sets: one pass per set over the materialized input
        rows = rows_of(self.children[0], ctx)
        out = []
        nk = self.nkeys
        for gid, gset in enumerate(self.sets):
            groups = {}
            order_keys = []
            for r in rows:
                full = self.key_fn(r, o) if self.key_fn is not None else ()
                k = tuple(full[i] if i in gset else None for i in range(nk))
                hk = _hk(k)
                st = groups.get(hk)
                if st is None:
                    st = groups[hk] = (k, [_new_acc(s) for s in specs])
                    order_keys.append(hk)
                _step_complex(specs, st[1], r, o)
            if not groups and not gset:
                groups[()] = (tuple([None] * nk), [_new_acc(s) for s in specs])
                order_keys.append(())
            mask = 0
            for i in range(nk):
                if i not in gset:
                    mask |= 1 << (nk - 1 - i)
            for hk in order_keys:
                k, accs = groups[hk]
                out.append(tuple(k) + tuple(_finish(s, a, ctx, o) for s, a in zip(specs, accs)) + (mask,))
        yield out


_hk = hashable  # group keys: lists/dicts made hashable, every NaN one group


class _Collect:
    """Accumulator wrapper for DISTINCT / ORDER BY aggregates: collect, then replay."""

    __slots__ = ("rows", "acc")

    def __init__(self, acc):
        self.rows = []
        self.acc = acc


def _new_acc(s: AggSpec):
    a = s.agg.make()
    if s.distinct or s.order is not None:
        return _Collect(a)
    return a


def _step_complex(specs, accs, r, o):
    for s, a in zip(specs, accs):
        if s.filter is not None and not s.filter(r, o):
            continue
        args = s.arg_fn(r, o)
        if isinstance(a, _Collect):
            if s.strict and None in args:
                continue
            okeys = tuple(f(r, o) for f, *_ in s.order) if s.order else ()
            a.rows.append((args, okeys))
            continue
        if s.strict and None in args:
            continue
        a.step(*args)


def _finish(s: AggSpec, a, ctx, o):
    if isinstance(a, _Collect):
        rows = a.rows
        if s.order:
            keyspecs = [(lambda t, i=i: t[1][i], d, nf, isf) for i, (_f, d, nf, isf) in enumerate(s.order)]
            sort_rows(rows, keyspecs)
        if s.distinct:
            seen = set()
            uniq = []
            for args, ok in rows:
                k = hashable(args)
                if k not in seen:
                    seen.add(k)
                    uniq.append((args, ok))
            rows = uniq
        acc = a.acc
        if s.direct_fn is not None:
            acc.direct(*s.direct_fn((), o))
        for args, _ok in rows:
            acc.step(*args)
        return acc.result()
    if s.direct_fn is not None:
        a.direct(*s.direct_fn((), o))
    return a.result()


# ----------------------------------------------------------------- window


class WindowOp(Op):
    """Computes window functions; appends their values to each row.

    Rows are grouped by partition and sorted by the window's ORDER BY; each
    window function runs over each partition (aggregates with a frame).  The
    output keeps PostgreSQL's behaviour of emitting rows in window order."""

    def __init__(self, child, windows):
        self.children = (child,)
        self.windows = windows  # list of WinSpec
        self.label = "WindowAgg"

    def run(self, ctx):
        rows = rows_of(self.children[0], ctx)
        yield []
        o = ctx.outer
        n = len(rows)
        results = [[None] * len(self.windows) for _ in range(n)]
        idx = list(range(n))
        final_order = None
        for wi, w in enumerate(self.windows):
            # sort indexes by partition then order
            keys = [(lambda i, f=f: f(rows[i], o), False, False, False) for f in w.part_fns]
            keys += [(lambda i, f=f: f(rows[i], o), d, nf, isf) for f, d, nf, isf in w.order_fns]
            order = list(range(n))
            sort_rows(order, keys)
            final_order = order
            # split partitions
            start = 0
            pk = [hashable(tuple(f(rows[i], o) for f in w.part_fns)) for i in order]
            while start < n:
                end = start + 1
                while end < n and pk[end] == pk[start]:
                    end += 1
                part = order[start:end]
                vals = w.compute([rows[i] for i in part], o, ctx)
                for i, v in zip(part, vals):
                    results[i][wi] = v
                start = end
        order = final_order if final_order is not None else idx
        out = [rows[i] + tuple(results[i]) for i in order]
        for i in range(0, len(out), BATCH):
            yield out[i:i + BATCH]


# ----------------------------------------------------------------- CTEs


class CteScanOp(Op):
    def __init__(self, cte_id, plan_op, name):
        self.cte_id = cte_id
        self.children = (plan_op,)
        self.label = f"CTE Scan on {name}"

    def run(self, ctx):
        """The first reader runs the CTE and caches its rows while streaming them
        (so LIMIT over an endless recursive CTE stops it); later readers replay
        the cache, re-running only if the first reader stopped early."""
        cached = ctx.cte_cache.get(self.cte_id)
        if cached is not None and cached[1]:
            yield list(cached[0])
            return
        rows = []
        entry = [rows, False]
        ctx.cte_cache[self.cte_id] = entry
        for b in self.children[0].run(ctx):
            rows.extend(b)
            yield b
        entry[1] = True


class ForceCtesOp(Op):
    label = "ModifyTable CTEs"

    def __init__(self, child, cte_ops):
        self.children = (child,) + tuple(cte_ops)
        self.cte_ops = cte_ops

    def run(self, ctx):
        before = ctx.processed
        for op in self.cte_ops:
            for _b in op.run(ctx):
                yield []
        ctx.processed = before  # the command tag counts the main statement only
        yield from self.children[0].run(ctx)


class WorkTableScanOp(Op):
    def __init__(self, cte_id, name):
        self.cte_id = cte_id
        self.label = f"WorkTable Scan on {name}"

    def run(self, ctx):
        yield list(ctx.cte_cache.get(("work", self.cte_id), ()))


class RecursiveUnionOp(Op):
    label = "Recursive Union"

    def __init__(self, base, recursive, all_, cte_id, limit=1_000_000_000):
        self.children = (base, recursive)
        self.all = all_
        self.cte_id = cte_id

    def run(self, ctx):
        base, rec = self.children
        seen = set() if not self.all else None
        work = []
        for r in rows_of(base, ctx):
            if seen is not None:
                k = hashable(r)
                if k in seen:
                    continue
                seen.add(k)
            work.append(r)
        yield list(work)
        while work:
            ctx.cte_cache[("work", self.cte_id)] = work
            # the recursive term's CTE scans must not cache across iterations
            new = []
            for r in rows_of(rec, ctx):
                if seen is not None:
                    k = hashable(r)
                    if k in seen:
                        continue
                    seen.add(k)
                new.append(r)
            ctx.check()
            work = new
            yield list(work)


# ----------------------------------------------------------------- locking


class LockRowsOp(Op):
    """SELECT ... FOR UPDATE/SHARE: lock each target row's key column."""

    def __init__(self, child, targets, mode, wait):
        self.children = (child,)
        self.targets = targets  # [(TableStore, key column index)]
        self.mode = mode
        self.wait = wait
        self.label = "LockRows"

    def run(self, ctx):
        txn = ctx.txn
        bid = ctx.bid
        for b in self.children[0].run(ctx):
            out = []
            for r in b:
                ok = True
                for store, ki in self.targets:
                    key = r[ki]
                    if key is None:
                        continue
                    if self.wait == "skip":
                        if not store.try_lock_row(txn, bid, key, self.mode):
                            ok = False
                            break
                    else:
                        if self.wait == "nowait":
                            from ..errors import LockNotAvailable

                            if not store.try_lock_row(txn, bid, key, self.mode):
                                raise LockNotAvailable(
                                    f'could not obtain lock on row in relation "{store.rel.name}"')
                        else:
                            store.lock_row(txn, bid, key, self.mode)
                        if txn.repeatable:
                            seq = txn.own_seq(bid, store.oid, key)
                            if seq > txn.snapshot:
                                from ..errors import SerializationFailure

                                raise SerializationFailure()
                if ok:
                    out.append(r)
            yield out


# ----------------------------------------------------------------- subplans


def bind_subplan(sp, op):
    """Give a SubPlan expression its runner (called from compiled code)."""
    kind = sp.kind
    corr = sp.correlated
    key = id(sp)
    hashed = (kind == "any" and not corr and sp.test_ir is not None and
              all(fn.name == "=" and fn.template == "({0} == {1})" for fn, _r in sp.test_ir))

    def runner(r, o, left):
        ctx = runtime.state.ctx
        if not corr:
            cache = ctx.subplan_cache
            if kind in ("scalar", "exists", "array") and key in cache:
                return cache[key]
        saved = ctx.outer
        ctx.outer = (r,) + o
        try:
            if kind == "exists":
                res = False
                for b in op.run(ctx):
                    if b:
                        res = True
                        break
            elif kind == "scalar":
                rows = []
                for b in op.run(ctx):
                    rows.extend(b)
                    if len(rows) > 1:
                        raise PgError("more than one row returned by a subquery used as an expression",
                                      errcodes.CARDINALITY_VIOLATION)
                res = rows[0][0] if rows else None
            elif kind == "array":
                res = [row[0] for row in rows_of(op, ctx)]
            else:
                if not corr and key in ctx.subplan_cache:
                    rows = ctx.subplan_cache[key]
                else:
                    rows = rows_of(op, ctx)
                    if not corr:
                        if hashed:
                            rows = _HashedRows(sp, rows)
                        ctx.subplan_cache[key] = rows
                if type(rows) is _HashedRows:
                    return rows.lookup(left)
                res = _any_all(sp, left, rows)
                return res
        finally:
            ctx.outer = saved
        if not corr:
            ctx.subplan_cache[key] = res
        return res

    sp.runner = runner


class _HashedRows:
    """x IN (uncorrelated subquery) with Python-compatible equality: a set
    lookup per outer row instead of a scan of the subquery's rows, with SQL's
    NULL semantics (no match + any NULL on the right = NULL)."""

    __slots__ = ("values", "has_null", "rows", "sp")

    def __init__(self, sp, rows):
        self.sp = sp
        self.rows = rows
        self.values = set()
        self.has_null = False
        tests = sp.test
        for row in rows:
            vals = []
            for i, (_cf, conv) in enumerate(tests):
                v = row[i]
                if v is not None and conv is not None:
                    v = conv((None, v))
                vals.append(v)
            if None in vals:
                self.has_null = True
            else:
                self.values.add(hashable(tuple(vals)))

    def lookup(self, left):
        if not self.rows:
            return False
        if None in left:
            return _any_all(self.sp, left, self.rows)
        if hashable(tuple(left)) in self.values:
            return True
        return None if self.has_null else False


def _any_all(sp, left, rows):
    tests = sp.test
    kind = sp.kind
    if not rows:
        return kind == "all"
    saw_null = False
    for row in rows:
        res = True
        for i, (cf, conv) in enumerate(tests):
            lv = left[i]
            rv = row[i]
            if conv is not None and rv is not None:
                rv = conv((None, rv))
            if lv is None or rv is None:
                r = None
            else:
                r = cf((lv, rv))
            if r is None:
                res = None if res is not False else False
            elif not r:
                res = False
        if kind == "any":
            if res is True:
                return True
            if res is None:
                saw_null = True
        else:
            if res is False:
                return False
            if res is None:
                saw_null = True
    if saw_null:
        return None
    return kind == "all"


_ = (heapq, itertools)
