"""Window functions proper (PostgreSQL 15's windowfuncs.c).

``compute(rows, okeys, args, peer_start, peer_end, spec)`` returns one value
per row of a partition whose rows are already in window order: ``args[i]``
are the evaluated arguments for row ``i``, ``peer_start[i]:peer_end[i]`` the
row's peer group (rows equal on ORDER BY), and ``spec`` the
:class:`heliosd.exec.window.WinSpec` (for frames: ``spec.frame_bounds``).

Ranking functions ignore the frame; ``first_value``, ``last_value`` and
``nth_value`` honour it (including EXCLUDE), as in PostgreSQL: with the
default frame ``last_value`` is the last peer of the current row.
"""

from __future__ import annotations

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import WindowFunction, register_window


def _wf(name, args, ret, compute, min_args=None):
    return register_window(WindowFunction(name, args, ret, compute, min_args=min_args))


def _row_number(rows, okeys, args, ps, pe, spec):
    return list(range(1, len(rows) + 1))


def _rank(rows, okeys, args, ps, pe, spec):
    return [s + 1 for s in ps]


def _dense_rank(rows, okeys, args, ps, pe, spec):
    out = []
    g = 0
    last = -1
    for s in ps:
        if s != last:
            g += 1
            last = s
        out.append(g)
    return out


def _percent_rank(rows, okeys, args, ps, pe, spec):
    n = len(rows)
    if n <= 1:
        return [0.0] * n
    return [s / (n - 1) for s in ps]


def _cume_dist(rows, okeys, args, ps, pe, spec):
    n = len(rows)
    return [e / n for e in pe]


def _ntile(rows, okeys, args, ps, pe, spec):
    n = len(rows)
    if not n:
        return []
    nb = args[0][0]
    if nb is None:
        return [None] * n
    if nb <= 0:
        raise PgError("argument of ntile must be greater than zero", errcodes.INVALID_ARGUMENT_FOR_NTILE_FUNCTION)
    per = n // nb
    rem = n % nb
    out = []
    bucket = 1
    left = per + (1 if rem > 0 else 0)
    for _ in range(n):
        if left == 0:
            bucket += 1
            left = per + (1 if bucket <= rem else 0)
        out.append(bucket)
        left -= 1
    return out


def _leadlag(forward):
    def compute(rows, okeys, args, ps, pe, spec):
        n = len(rows)
        out = []
        for i in range(n):
            a = args[i]
            off = a[1] if len(a) > 1 else 1
            if off is None:
                out.append(None)
                continue
            j = i + off if forward else i - off
            if 0 <= j < n:
                out.append(args[j][0])
            else:
                out.append(a[2] if len(a) > 2 else None)
        return out

    return compute


def _frame_rows(spec, i, n, okeys, ps, pe, rows):
    """Indexes of the rows in row i's frame (after EXCLUDE), in order."""
    s, e = spec.frame_bounds(i, n, okeys, ps, pe, (), rows)
    fr = spec.frame
    ex = fr.get("exclude") if fr else None
    if not ex or ex == "NO OTHERS":
        return range(s, e)
    if ex == "CURRENT ROW":
        return [k for k in range(s, e) if k != i]
    if ex == "GROUP":
        return [k for k in range(s, e) if not (ps[i] <= k < pe[i])]
    if ex == "TIES":
        return [k for k in range(s, e) if k == i or not (ps[i] <= k < pe[i])]
    return range(s, e)


def _first_value(rows, okeys, args, ps, pe, spec):
    n = len(rows)
    out = []
    for i in range(n):
        fr = _frame_rows(spec, i, n, okeys, ps, pe, rows)
        out.append(args[fr[0]][0] if len(fr) else None)
    return out


def _last_value(rows, okeys, args, ps, pe, spec):
    n = len(rows)
    out = []
    for i in range(n):
        fr = _frame_rows(spec, i, n, okeys, ps, pe, rows)
        out.append(args[fr[-1]][0] if len(fr) else None)
    return out


def _nth_value(rows, okeys, args, ps, pe, spec):
    n = len(rows)
    out = []
    for i in range(n):
        k = args[i][1]
        if k is None:
            out.append(None)
            continue
        if k <= 0:
            raise PgError("argument of nth_value must be greater than zero",
                          errcodes.INVALID_ARGUMENT_FOR_NTH_VALUE_FUNCTION)
        fr = _frame_rows(spec, i, n, okeys, ps, pe, rows)
        out.append(args[fr[k - 1]][0] if len(fr) >= k else None)
    return out


def _same(ts):
    return ts[0] if ts[0] is not T.UNKNOWN else T.TEXT


_wf("row_number", [], T.INT8, _row_number)
_wf("rank", [], T.INT8, _rank)
_wf("dense_rank", [], T.INT8, _dense_rank)
_wf("percent_rank", [], T.FLOAT8, _percent_rank)
_wf("cume_dist", [], T.FLOAT8, _cume_dist)
_wf("ntile", [T.INT4], T.INT4, _ntile)
for _name, _fwd in (("lag", False), ("lead", True)):
    _wf(_name, ["anyelement"], _same, _leadlag(_fwd))
    _wf(_name, ["anyelement", T.INT4], _same, _leadlag(_fwd))
    _wf(_name, ["anycompatible", T.INT4, "anycompatible"], _same, _leadlag(_fwd))
_wf("first_value", ["anyelement"], _same, _first_value)
_wf("last_value", ["anyelement"], _same, _last_value)
_wf("nth_value", ["anyelement", T.INT4], _same, _nth_value)
