"""Set-returning functions that are not tied to another family:
generate_series over integers, numerics and timestamps.

(unnest/generate_subscripts live in arrays.py, regexp_matches/
regexp_split_to_table/string_to_table in text.py, the jsonb_* SRFs in
json.py.)  A set-returning implementation returns any iterable; the
executor (FunctionScan in FROM, ProjectSet in a select list) consumes it
lazily, so ``generate_series(1, 100000000)`` never materializes its range.
"""

from __future__ import annotations

from decimal import Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import register
from .datetime import ts_pl_interval, tstz_pl_interval

I4, I8, N = T.INT4, T.INT8, T.NUMERIC


def _zero_step():
    return PgError("step size cannot equal zero", errcodes.INVALID_PARAMETER_VALUE)


def gs_int(a, b, step=1):
    if step == 0:
        raise _zero_step()
    return range(a, b + (1 if step > 0 else -1), step)


def gs_numeric(a, b, step=Decimal(1)):
    for v, what in ((a, "start value"), (b, "stop value"), (step, "step size")):
        if v.is_nan():
            raise PgError(f"{what} cannot be NaN", errcodes.INVALID_PARAMETER_VALUE)
        if v.is_infinite() and what != "step size" or (what == "step size" and v.is_infinite()):
            raise PgError(f"{what} cannot be infinity", errcodes.INVALID_PARAMETER_VALUE)
    if step == 0:
        raise _zero_step()
    return _gs_num_iter(a, b, step)


def _gs_num_iter(a, b, step):
    cur = a
    if step > 0:
        while cur <= b:
            yield cur
            cur = cur + step
    else:
        while cur >= b:
            yield cur
            cur = cur + step


def _gs_ts(add):
    def gs(a, b, step):
        sign = step.total_micros()
        if sign == 0:
            raise _zero_step()
        return _gs_ts_iter(a, b, step, sign > 0, add)

    return gs


def _gs_ts_iter(a, b, step, up, add):
    cur = a
    while (cur <= b) if up else (cur >= b):
        yield cur
        try:
            cur = add(cur, step)
        except PgError:
            return


for _t in (I4, I8):
    register("generate_series", [_t, _t], _t, gs_int, retset=True)
    register("generate_series", [_t, _t, _t], _t, gs_int, retset=True)
register("generate_series", [N, N], N, gs_numeric, retset=True)
register("generate_series", [N, N, N], N, gs_numeric, retset=True)
register("generate_series", [T.TIMESTAMP, T.TIMESTAMP, T.INTERVAL], T.TIMESTAMP, _gs_ts(ts_pl_interval), retset=True)
register("generate_series", [T.TIMESTAMPTZ, T.TIMESTAMPTZ, T.INTERVAL], T.TIMESTAMPTZ, _gs_ts(tstz_pl_interval),
         retset=True, volatility="s")
