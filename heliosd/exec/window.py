"""Window function evaluation over one partition (rows in window order)."""

from __future__ import annotations

from .. import errcodes
from ..errors import PgError


def _comparable(v):
    """Dates compare with the timestamps that date +/- interval produce."""
    import datetime as dt

    if type(v) is dt.date:
        return dt.datetime(v.year, v.month, v.day)
    return v


class WinSpec:
    """One window function call: partition/order key functions, the function
    and how to compute it over a partition."""

    def __init__(self, func, arg_fns, part_fns, order_fns, frame, is_agg, filter_fn=None, peer_fn=None):
        self.func = func
        self.arg_fns = arg_fns  # f(r, o) -> value, per argument
        self.part_fns = part_fns
        self.order_fns = order_fns  # [(f(r, o), desc, nulls_first, isfloat)]
        self.frame = frame
        self.is_agg = is_agg
        self.filter_fn = filter_fn

    def compute(self, rows, o, ctx) -> list:
        n = len(rows)
        okeys = [tuple(f(r, o) for f, *_ in self.order_fns) for r in rows]
        # peer groups: rows with equal ORDER BY values
        peer_start = [0] * n
        peer_end = [0] * n
        i = 0
        while i < n:
            j = i + 1
            while j < n and okeys[j] == okeys[i]:
                j += 1
            for k in range(i, j):
                peer_start[k] = i
                peer_end[k] = j
            i = j
        if not self.is_agg:
            args = [[f(r, o) for f in self.arg_fns] for r in rows]
            return self.func.compute(rows, okeys, args, peer_start, peer_end, self)
        return self._aggregate(rows, o, okeys, peer_start, peer_end, ctx)

    def frame_bounds(self, i, n, okeys, peer_start, peer_end, o, rows):
        fr = self.frame
        if fr is None:
            # default: RANGE UNBOUNDED PRECEDING .. CURRENT ROW (peers included); no ORDER BY: whole partition
            if not self.order_fns:
                return 0, n
            return 0, peer_end[i]
        kind = fr["kind"]

        def pos(b, is_start):
            t = b[0]
            if t == "unbounded":
                return 0 if b[1] == "PRECEDING" else n
            if t == "current":
                if kind == "ROWS":
                    return i if is_start else i + 1
                return peer_start[i] if is_start else peer_end[i]
            off = b[2]
            val = off if not callable(off) else off((), o)
            if val is None:
                raise PgError("frame starting offset must not be null", errcodes.NULL_VALUE_NOT_ALLOWED)
            if kind == "ROWS":
                if val < 0:
                    raise PgError("frame starting offset must not be negative",
                                  errcodes.INVALID_PRECEDING_OR_FOLLOWING_SIZE)
                k = i - val if b[1] == "PRECEDING" else i + val
                if is_start:
                    return min(max(k, 0), n)
                return min(max(k + 1, 0), n)
            if kind == "GROUPS":
                # group index arithmetic
                groups = []
                g = 0
                starts = sorted(set(peer_start))
                gi = starts.index(peer_start[i])
                target = gi - val if b[1] == "PRECEDING" else gi + val
                if target < 0:
                    return 0
                if target >= len(starts):
                    return n
                s = starts[target]
                if is_start:
                    return s
                return peer_end[s]
            # RANGE with offset: compare on the single ORDER BY key
            desc = self.order_fns[0][1]
            ok = okeys
            cur = ok[i][0]
            if cur is None:
                return peer_start[i] if is_start else peer_end[i]
            conv, add = _range_ops(cur, val)
            if (b[1] == "PRECEDING") != desc:
                bound = add(conv(cur), val, -1)
            else:
                bound = add(conv(cur), val, 1)
            if conv is not _ident:
                ok = [(None,) if k[0] is None else (conv(k[0]),) for k in ok]
            if is_start:
                for k in range(n):
                    v = ok[k][0]
                    if v is None:
                        continue
                    if (v >= bound) if not desc else (v <= bound):
                        return k
                return n
            last = 0
            for k in range(n):
                v = ok[k][0]
                if v is None:
                    continue
                if (v <= bound) if not desc else (v >= bound):
                    last = k + 1
            return last

        s = pos(fr["start"], True)
        e = pos(fr["end"], False)
        return s, max(s, e)

    def _aggregate(self, rows, o, okeys, peer_start, peer_end, ctx):
        n = len(rows)
        agg = self.func
        args = [tuple(f(r, o) for f in self.arg_fns) for r in rows]
        keep = [self.filter_fn is None or bool(self.filter_fn(r, o)) for r in rows]
        out = [None] * n
        # fast path: running aggregate with default frame (or whole partition)
        fr = self.frame
        if fr is None:
            if not self.order_fns:
                acc = agg.make()
                for a, k in zip(args, keep):
                    if k and not (agg.strict and None in a):
                        acc.step(*a)
                v = acc.result()
                return [v] * n
            acc = agg.make()
            i = 0
            while i < n:
                j = peer_end[i]
                for k in range(i, j):
                    if keep[k] and not (agg.strict and None in args[k]):
                        acc.step(*args[k])
                v = acc.result()
                for k in range(i, j):
                    out[k] = v
                i = j
            return out
        exclude = fr.get("exclude")
        for i in range(n):
            s, e = self.frame_bounds(i, n, okeys, peer_start, peer_end, o, rows)
            acc = agg.make()
            for k in range(s, e):
                if exclude == "CURRENT ROW" and k == i:
                    continue
                if exclude == "GROUP" and peer_start[k] == peer_start[i]:
                    continue
                if exclude == "TIES" and peer_start[k] == peer_start[i] and k != i:
                    continue
                if keep[k] and not (agg.strict and None in args[k]):
                    acc.step(*args[k])
            out[i] = acc.result()
        return out


def _ident(v):
    return v


def _num_add(v, off, sign):
    return v + off if sign > 0 else v - off


def _range_ops(cur, off):
    """(key conversion, add(key, offset, sign)) for RANGE offset frames (PostgreSQL's in_range)."""
    import datetime as dt

    from .. import types as T

    if off is not None and off.__class__ is T.Interval:
        from .functions.datetime import _date_to_ts, _time_pl_interval, ts_pl_interval, tstz_pl_interval

        if isinstance(cur, dt.datetime):
            f = tstz_pl_interval if cur.tzinfo is not None else ts_pl_interval
            return _ident, (lambda v, o, sgn: f(v, o if sgn > 0 else o.neg()))
        if isinstance(cur, dt.date):
            return _date_to_ts, (lambda v, o, sgn: ts_pl_interval(v, o if sgn > 0 else o.neg()))
        if isinstance(cur, dt.time):
            return _ident, (lambda v, o, sgn: _time_pl_interval(v, o if sgn > 0 else o.neg()))
        if cur.__class__ is T.Interval:
            return _ident, (lambda v, o, sgn: v.add(o) if sgn > 0 else v.sub(o))
    if isinstance(cur, (int, float)) or cur.__class__.__name__ == "Decimal":
        if isinstance(cur, bool):
            raise _range_type_error("boolean")
        return _ident, _num_add
    raise _range_type_error({str: "text", bytes: "bytea"}.get(cur.__class__, cur.__class__.__name__))


def _range_type_error(tname):
    return PgError(f"RANGE with offset PRECEDING/FOLLOWING is not supported for column type {tname}",
                   errcodes.FEATURE_NOT_SUPPORTED)
