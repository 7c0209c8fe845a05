"""Date/time functions and operators (PostgreSQL 15's date.c, timestamp.c).

Values: ``date``, naive ``datetime`` (timestamp), aware-UTC ``datetime``
(timestamptz), ``time``, :class:`heliosd.types.Interval`, plus the
+/-infinity singletons.  Operations that depend on the session TimeZone
(timestamptz + interval with months/days, date_trunc/extract/age on
timestamptz, casts) read it from ``runtime.state.tz`` at run time.

Arithmetic follows timestamp.c: adding months clamps the day to the end of
the month, days are added in local (wall-clock) time and the offset is
re-determined afterwards (DST), ``timestamp - timestamp`` is justified into
days + time, ``age`` borrows field by field.  ``extract`` returns numeric
(PostgreSQL 14+ scales: seconds with 6 decimals, epoch of a date as an
integer...), ``date_part`` float8.

Not supported: BC dates and years beyond 9999 (Python's datetime range),
time with time zone (``current_time``/``localtime`` return ``time``).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import math
from decimal import Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from ...types.casts import _local_to_utc, _utc_to_local
from .. import runtime
from . import op, register
from .core import num_add, num_div

D, TS, TSTZ, TM, IV = T.DATE, T.TIMESTAMP, T.TIMESTAMPTZ, T.TIME, T.INTERVAL
I4, I8, F8, N, TX = T.INT4, T.INT8, T.FLOAT8, T.NUMERIC, T.TEXT
UTC = _dt.timezone.utc
USECS_PER_DAY = 86_400_000_000
USECS_PER_SEC = 1_000_000
EPOCH = _dt.datetime(1970, 1, 1)
EPOCH_UTC = _dt.datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_DATE = _dt.date(1970, 1, 1)
INF = T.is_infinite


def _f(name, args, ret, impl=None, **kw):
    return register(name, args, ret, impl, **kw)


def _ts_range():
    return PgError("timestamp out of range", errcodes.DATETIME_FIELD_OVERFLOW)


def _date_range():
    return PgError("date out of range", errcodes.DATETIME_FIELD_OVERFLOW)


def _tz():
    return runtime.state.tz or UTC


def _sign(v):
    return v.sign


# ====================================================================== current time


def _now():
    return runtime.state.txn_start


def _stmt_ts():
    ctx = runtime.state.ctx
    if ctx is None:
        return _dt.datetime.now(UTC)
    t = getattr(ctx, "_stmt_ts", None)
    if t is None:
        t = max(_dt.datetime.now(UTC), runtime.state.txn_start)
        ctx._stmt_ts = t
    return t


def _round_prec(v, prec):
    """Round a datetime/time to ``prec`` fractional digits (half up, like PostgreSQL)."""
    if prec is None:
        return v
    if prec < 0:
        raise PgError(f"TIMESTAMP({prec}) precision must not be negative", errcodes.INVALID_PARAMETER_VALUE)
    prec = min(prec, 6)
    q = 10 ** (6 - prec)
    us = v.microsecond
    r = (us + q // 2) // q * q
    if r >= 1_000_000:
        return v.replace(microsecond=0) + _dt.timedelta(seconds=1)
    return v.replace(microsecond=r)


def _local_now():
    return _utc_to_local(_now(), _tz())


_f("now", [], TSTZ, _now, volatility="s", strict=False)
_f("transaction_timestamp", [], TSTZ, _now, volatility="s", strict=False)
_f("current_timestamp", [], TSTZ, _now, volatility="s", strict=False)
_f("current_timestamp", [I4], TSTZ, lambda p: _round_prec(_now(), p), volatility="s")
_f("statement_timestamp", [], TSTZ, _stmt_ts, volatility="s", strict=False)
_f("clock_timestamp", [], TSTZ, lambda: _dt.datetime.now(UTC), volatility="v", strict=False)
_f("current_date", [], D, lambda: _local_now().date(), volatility="s", strict=False)
_f("localtimestamp", [], TS, _local_now, volatility="s", strict=False)
_f("localtimestamp", [I4], TS, lambda p: _round_prec(_local_now(), p), volatility="s")
_f("current_time", [], TM, lambda: _local_now().time(), volatility="s", strict=False)
_f("current_time", [I4], TM, lambda p: _round_prec(_local_now(), p).time(), volatility="s")
_f("localtime", [], TM, lambda: _local_now().time(), volatility="s", strict=False)
_f("localtime", [I4], TM, lambda p: _round_prec(_local_now(), p).time(), volatility="s")


def _timeofday():
    now = _dt.datetime.now(UTC)
    local = now.astimezone(_tz())
    name = local.tzname() or runtime.state.tzname
    return local.strftime("%a %b %d %H:%M:%S.") + "%06d" % local.microsecond + local.strftime(" %Y ") + name


_f("timeofday", [], TX, _timeofday, volatility="v", strict=False)


# ====================================================================== arithmetic


def add_months(d, months):
    """date/datetime + months, clamping the day to the month's end."""
    if not months:
        return d
    m0 = d.year * 12 + (d.month - 1) + months
    y, m = divmod(m0, 12)
    m += 1
    if y < 1 or y > 9999:
        raise _ts_range()
    last = calendar.monthrange(y, m)[1]
    return d.replace(year=y, month=m, day=min(d.day, last))


def ts_pl_interval(ts, iv):
    """timestamp + interval (naive)."""
    if INF(ts):
        return ts
    try:
        if iv.months:
            ts = add_months(ts, iv.months)
        if iv.days:
            ts = ts + _dt.timedelta(days=iv.days)
        if iv.micros:
            ts = ts + _dt.timedelta(microseconds=iv.micros)
    except (OverflowError, ValueError):
        raise _ts_range() from None
    return ts


def tstz_pl_interval(ts, iv, tz=None):
    if INF(ts):
        return ts
    z = tz if tz is not None else _tz()
    try:
        if iv.months or iv.days:
            local = _utc_to_local(ts, z)
            if iv.months:
                local = add_months(local, iv.months)
            if iv.days:
                local = local + _dt.timedelta(days=iv.days)
            ts = _local_to_utc(local, z)
        if iv.micros:
            ts = ts + _dt.timedelta(microseconds=iv.micros)
        if ts.year < 1 or ts.year > 9999:
            raise _ts_range()
    except (OverflowError, ValueError):
        raise _ts_range() from None
    return ts


def _neg(iv):
    return iv.neg()


def ts_mi_interval(ts, iv):
    return ts_pl_interval(ts, iv.neg())


def tstz_mi_interval(ts, iv):
    return tstz_pl_interval(ts, iv.neg())


def _micros(td):
    return (td.days * 86400 + td.seconds) * USECS_PER_SEC + td.microseconds


def ts_mi(a, b):
    if INF(a) or INF(b):
        raise PgError("cannot subtract infinite timestamps", errcodes.DATETIME_FIELD_OVERFLOW)
    return T.Interval(0, 0, _micros(a - b)).justify_hours()


def _date_pl_days(d, n):
    if INF(d):
        return d
    try:
        return d + _dt.timedelta(days=n)
    except OverflowError:
        raise _date_range() from None


def _date_mi_date(a, b):
    if INF(a) or INF(b):
        raise PgError("cannot subtract infinite dates", errcodes.DATETIME_FIELD_OVERFLOW)
    return (a - b).days


def _date_to_ts(d):
    if INF(d):
        return T.TIMESTAMP_INFINITY if d.sign > 0 else T.TIMESTAMP_NEG_INFINITY
    return _dt.datetime(d.year, d.month, d.day)


def _date_pl_interval(d, iv):
    return ts_pl_interval(_date_to_ts(d), iv)


def _date_mi_interval(d, iv):
    return ts_pl_interval(_date_to_ts(d), iv.neg())


def _date_pl_time(d, t):
    if INF(d):
        return _date_to_ts(d)
    return _dt.datetime.combine(d, t)


def _time_pl_interval(t, iv):
    us = (t.hour * 3600 + t.minute * 60 + t.second) * USECS_PER_SEC + t.microsecond + iv.micros
    us %= USECS_PER_DAY
    return T.micros_to_time(us)


def _time_mi_time(a, b):
    ua = (a.hour * 3600 + a.minute * 60 + a.second) * USECS_PER_SEC + a.microsecond
    ub = (b.hour * 3600 + b.minute * 60 + b.second) * USECS_PER_SEC + b.microsecond
    return T.Interval(0, 0, ua - ub)


op("+", D, I4, D, _date_pl_days)
op("+", I4, D, D, lambda n, d: _date_pl_days(d, n))
op("-", D, I4, D, lambda d, n: _date_pl_days(d, -n))
op("-", D, D, I4, _date_mi_date)
op("+", D, IV, TS, _date_pl_interval)
op("+", IV, D, TS, lambda iv, d: _date_pl_interval(d, iv))
op("-", D, IV, TS, _date_mi_interval)
op("+", D, TM, TS, _date_pl_time)
op("+", TM, D, TS, lambda t, d: _date_pl_time(d, t))
op("+", TS, IV, TS, ts_pl_interval)
op("+", IV, TS, TS, lambda iv, ts: ts_pl_interval(ts, iv))
op("-", TS, IV, TS, ts_mi_interval)
op("-", TS, TS, IV, ts_mi)
op("+", TSTZ, IV, TSTZ, tstz_pl_interval, volatility="s")
op("+", IV, TSTZ, TSTZ, lambda iv, ts: tstz_pl_interval(ts, iv), volatility="s")
op("-", TSTZ, IV, TSTZ, tstz_mi_interval, volatility="s")
op("-", TSTZ, TSTZ, IV, ts_mi)
op("+", TM, IV, TM, _time_pl_interval)
op("+", IV, TM, TM, lambda iv, t: _time_pl_interval(t, iv))
op("-", TM, IV, TM, lambda t, iv: _time_pl_interval(t, iv.neg()))
op("-", TM, TM, IV, _time_mi_time)
op("+", IV, IV, IV, lambda a, b: a.add(b))
op("-", IV, IV, IV, lambda a, b: a.sub(b))
op("-", None, IV, IV, lambda a: a.neg())
op("+", None, IV, IV, lambda a: a)
op("*", IV, F8, IV, lambda a, f: a.mul(f))
op("*", F8, IV, IV, lambda f, a: a.mul(f))
op("/", IV, F8, IV, lambda a, f: a.div(f))


# cross-type comparisons with timestamptz (session time zone)

def _as_tstz(v, t):
    if t is TSTZ:
        return v
    if INF(v):
        return T.TIMESTAMPTZ_INFINITY if v.sign > 0 else T.TIMESTAMPTZ_NEG_INFINITY
    if t is D:
        v = _dt.datetime(v.year, v.month, v.day)
    return _local_to_utc(v, _tz())


def _mk_cmp(sym, ta, tb):
    import operator

    f = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
         ">=": operator.ge}[sym]
    return lambda a, b: f(_as_tstz(a, ta), _as_tstz(b, tb))


for _sym in ("=", "<>", "<", "<=", ">", ">="):
    for _a, _b in ((TS, TSTZ), (TSTZ, TS), (D, TSTZ), (TSTZ, D)):
        op(_sym, _a, _b, T.BOOL, _mk_cmp(_sym, _a, _b), volatility="s")


# ====================================================================== units

_UNIT_ALIASES = {
    "microsecond": "microseconds", "microseconds": "microseconds", "us": "microseconds", "usec": "microseconds",
    "usecs": "microseconds", "usecond": "microseconds", "useconds": "microseconds",
    "millisecond": "milliseconds", "milliseconds": "milliseconds", "ms": "milliseconds", "msec": "milliseconds",
    "msecs": "milliseconds", "msecond": "milliseconds", "mseconds": "milliseconds",
    "second": "second", "seconds": "second", "s": "second", "sec": "second", "secs": "second",
    "minute": "minute", "minutes": "minute", "m": "minute", "min": "minute", "mins": "minute",
    "hour": "hour", "hours": "hour", "h": "hour", "hr": "hour", "hrs": "hour",
    "day": "day", "days": "day", "d": "day",
    "week": "week", "weeks": "week", "w": "week",
    "month": "month", "months": "month", "mon": "month", "mons": "month",
    "quarter": "quarter", "qtr": "quarter",
    "year": "year", "years": "year", "y": "year", "yr": "year", "yrs": "year",
    "decade": "decade", "decades": "decade", "dec": "decade", "decs": "decade",
    "century": "century", "centuries": "century", "c": "century", "cent": "century",
    "millennium": "millennium", "millennia": "millennium", "mil": "millennium", "mils": "millennium",
    "millenniums": "millennium",
    "epoch": "epoch", "dow": "dow", "isodow": "isodow", "doy": "doy", "isoyear": "isoyear",
    "julian": "julian", "j": "julian", "timezone": "timezone", "timezone_h": "timezone_hour",
    "timezone_hour": "timezone_hour", "timezone_m": "timezone_minute", "timezone_minute": "timezone_minute",
}


def _unit(name, tname, err_unknown=True):
    u = _UNIT_ALIASES.get(name.lower().strip())
    if u is None:
        raise PgError(f'unit "{name}" not recognized for type {tname}', errcodes.INVALID_PARAMETER_VALUE)
    return u


def _unsupported(name, tname):
    return PgError(f'unit "{name}" not supported for type {tname}', errcodes.FEATURE_NOT_SUPPORTED)


# ====================================================================== date_trunc

_TRUNC_UNITS = ("microseconds", "milliseconds", "second", "minute", "hour", "day", "week", "month", "quarter",
                "year", "decade", "century", "millennium")


def _trunc_fields(dt, u):
    """Truncate a naive datetime to unit u."""
    if u == "microseconds":
        return dt
    if u == "milliseconds":
        return dt.replace(microsecond=dt.microsecond // 1000 * 1000)
    if u == "second":
        return dt.replace(microsecond=0)
    if u == "minute":
        return dt.replace(second=0, microsecond=0)
    if u == "hour":
        return dt.replace(minute=0, second=0, microsecond=0)
    d = dt.replace(hour=0, minute=0, second=0, microsecond=0)
    if u == "day":
        return d
    if u == "week":
        return d - _dt.timedelta(days=d.weekday())
    if u == "month":
        return d.replace(day=1)
    if u == "quarter":
        return d.replace(month=(d.month - 1) // 3 * 3 + 1, day=1)
    if u == "year":
        return d.replace(month=1, day=1)
    y = d.year
    if u == "decade":
        y = y - y % 10
    elif u == "century":
        y = ((y + 99) // 100) * 100 - 99
    elif u == "millennium":
        y = ((y + 999) // 1000) * 1000 - 999
    if y < 1:
        raise _ts_range()
    return d.replace(year=y, month=1, day=1)


def date_trunc_ts(unit, ts):
    u = _unit(unit, "timestamp without time zone")
    if u not in _TRUNC_UNITS:
        raise _unsupported(unit, "timestamp without time zone")
    if INF(ts):
        return ts
    return _trunc_fields(ts, u)


def _trunc_tstz(unit, ts, zone):
    u = _unit(unit, "timestamp with time zone")
    if u not in _TRUNC_UNITS:
        raise _unsupported(unit, "timestamp with time zone")
    if INF(ts):
        return ts
    local = ts.astimezone(zone)
    naive = _dt.datetime(local.year, local.month, local.day, local.hour, local.minute, local.second,
                         local.microsecond)
    tr = _trunc_fields(naive, u)
    if u in ("microseconds", "milliseconds", "second", "minute", "hour"):
        off = local.utcoffset()
        r = tr - off
        return _dt.datetime(r.year, r.month, r.day, r.hour, r.minute, r.second, r.microsecond, UTC)
    return _local_to_utc(tr, zone)


def date_trunc_tstz(unit, ts):
    return _trunc_tstz(unit, ts, _tz())


def date_trunc_tstz_zone(unit, ts, zone):
    return _trunc_tstz(unit, ts, zone_of(zone))


def date_trunc_interval(unit, iv):
    u = _unit(unit, "interval")
    if u not in _TRUNC_UNITS or u == "week":
        if u == "week":
            raise PgError(f'unit "{unit}" not supported for type interval', errcodes.FEATURE_NOT_SUPPORTED,
                          detail="Months usually have fractional weeks.")
        raise _unsupported(unit, "interval")
    years, mons = _tdiv(iv.months, 12), _tmod(iv.months, 12)
    days = iv.days
    us = iv.micros
    hours = _tdiv(us, 3_600_000_000)
    us -= hours * 3_600_000_000
    mins = _tdiv(us, 60_000_000)
    us -= mins * 60_000_000
    secs = _tdiv(us, USECS_PER_SEC)
    us -= secs * USECS_PER_SEC
    order = ["millennium", "century", "decade", "year", "quarter", "month", "day", "hour", "minute", "second",
             "milliseconds", "microseconds"]
    k = order.index(u)
    if k <= 3:
        div = (1000, 100, 10, 1)[k]
        years = _tdiv(years, div) * div
        mons = 0
    elif k == 4:
        mons = _tdiv(mons, 3) * 3
    if k <= 5:
        days = 0
    if k <= 6:
        hours = 0
    if k <= 7:
        mins = 0
    if k <= 8:
        secs = 0
    if k <= 9:
        us = 0
    elif k == 10:
        us = _tdiv(us, 1000) * 1000
    return T.Interval(years * 12 + mons, days, ((hours * 60 + mins) * 60 + secs) * USECS_PER_SEC + us)


def _tdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _tmod(a, b):
    return a - _tdiv(a, b) * b


_f("date_trunc", [TX, TS], TS, date_trunc_ts)
_f("date_trunc", [TX, TSTZ], TSTZ, date_trunc_tstz, volatility="s")
_f("date_trunc", [TX, TSTZ, TX], TSTZ, date_trunc_tstz_zone)
_f("date_trunc", [TX, IV], IV, date_trunc_interval)


# ====================================================================== extract / date_part


def _julian(y, m, d):
    return _dt.date(y, m, d).toordinal() + 1721425


def _int_fields(dt, u):
    """Integer-valued fields of a date/datetime; None if u is not one of them."""
    if u == "day":
        return dt.day
    if u == "month":
        return dt.month
    if u == "year":
        return dt.year
    if u == "quarter":
        return (dt.month - 1) // 3 + 1
    if u == "week":
        return dt.isocalendar()[1]
    if u == "dow":
        return dt.isoweekday() % 7
    if u == "isodow":
        return dt.isoweekday()
    if u == "doy":
        return dt.timetuple().tm_yday
    if u == "isoyear":
        return dt.isocalendar()[0]
    if u == "decade":
        return dt.year // 10
    if u == "century":
        return (dt.year + 99) // 100
    if u == "millennium":
        return (dt.year + 999) // 1000
    return None


def _secs_dec(sec, us, scale):
    total = sec * USECS_PER_SEC + us
    d = Decimal(total).scaleb(-6)
    q = Decimal(1).scaleb(-scale)
    return d.quantize(q)


_MONOTONIC = ("year", "decade", "century", "millennium", "julian", "isoyear", "epoch")


def _inf_extract(v, u, tname):
    if u in _MONOTONIC:
        return Decimal("Infinity") if v.sign > 0 else Decimal("-Infinity")
    return None


def extract_ts(field, ts, tz_local=False):
    tname = "timestamp with time zone" if tz_local else "timestamp without time zone"
    u = _unit(field, tname)
    if INF(ts):
        return _inf_extract(ts, u, tname)
    if tz_local:
        local = ts.astimezone(_tz())
    else:
        local = ts
    r = _int_fields(local, u)
    if r is not None:
        return Decimal(r)
    if u == "microseconds":
        return Decimal(local.second * USECS_PER_SEC + local.microsecond)
    if u == "milliseconds":
        return _secs_dec(local.second, local.microsecond, 6).scaleb(3).quantize(Decimal("0.001"))
    if u == "second":
        return _secs_dec(local.second, local.microsecond, 6)
    if u == "minute":
        return Decimal(local.minute)
    if u == "hour":
        return Decimal(local.hour)
    if u == "epoch":
        base = EPOCH_UTC if tz_local else EPOCH
        us = _micros(ts - base)
        return Decimal(us).scaleb(-6).quantize(Decimal("0.000001"))
    if u == "julian":
        j = _julian(local.year, local.month, local.day)
        frac_us = ((local.hour * 60 + local.minute) * 60 + local.second) * USECS_PER_SEC + local.microsecond
        return num_add(Decimal(j), num_div(Decimal(frac_us), Decimal(USECS_PER_DAY)))
    if u in ("timezone", "timezone_hour", "timezone_minute"):
        if not tz_local:
            raise _unsupported(field, tname)
        off = local.utcoffset()
        secs = off.days * 86400 + off.seconds
        if u == "timezone":
            return Decimal(secs)
        if u == "timezone_hour":
            return Decimal(_tdiv(secs, 3600))
        return Decimal(_tdiv(secs, 60) - _tdiv(secs, 3600) * 60)
    raise _unsupported(field, tname)


def extract_date(field, d):
    u = _unit(field, "date")
    if INF(d):
        return _inf_extract(d, u, "date")
    r = _int_fields(d, u)
    if r is not None:
        return Decimal(r)
    if u == "julian":
        return Decimal(_julian(d.year, d.month, d.day))
    if u == "epoch":
        return Decimal((d - EPOCH_DATE).days * 86400)
    raise _unsupported(field, "date")


def extract_time(field, t):
    u = _unit(field, "time without time zone")
    if u == "microseconds":
        return Decimal(t.second * USECS_PER_SEC + t.microsecond)
    if u == "milliseconds":
        return _secs_dec(t.second, t.microsecond, 6).scaleb(3).quantize(Decimal("0.001"))
    if u == "second":
        return _secs_dec(t.second, t.microsecond, 6)
    if u == "minute":
        return Decimal(t.minute)
    if u == "hour":
        return Decimal(t.hour)
    if u == "epoch":
        us = ((t.hour * 60 + t.minute) * 60 + t.second) * USECS_PER_SEC + t.microsecond
        return Decimal(us).scaleb(-6).quantize(Decimal("0.000001"))
    raise _unsupported(field, "time without time zone")


def extract_interval(field, iv):
    u = _unit(field, "interval")
    years, mons = _tdiv(iv.months, 12), _tmod(iv.months, 12)
    us = iv.micros
    hours = _tdiv(us, 3_600_000_000)
    rem = us - hours * 3_600_000_000
    mins = _tdiv(rem, 60_000_000)
    rem -= mins * 60_000_000
    if u == "microseconds":
        return Decimal(rem)
    if u == "milliseconds":
        return Decimal(rem).scaleb(-3).quantize(Decimal("0.001"))
    if u == "second":
        return Decimal(rem).scaleb(-6).quantize(Decimal("0.000001"))
    if u == "minute":
        return Decimal(mins)
    if u == "hour":
        return Decimal(hours)
    if u == "day":
        return Decimal(iv.days)
    if u == "month":
        return Decimal(mons)
    if u == "quarter":
        return Decimal(_tdiv(mons, 3) + 1)
    if u == "year":
        return Decimal(years)
    if u == "decade":
        return Decimal(_tdiv(years, 10))
    if u == "century":
        return Decimal(_tdiv(years, 100))
    if u == "millennium":
        return Decimal(_tdiv(years, 1000))
    if u == "epoch":
        secs_dm = (int(365.25 * _tdiv(iv.months, 12)) + 30 * _tmod(iv.months, 12) + iv.days) * 86400
        return Decimal(secs_dm * USECS_PER_SEC + iv.micros).scaleb(-6).quantize(Decimal("0.000001"))
    raise _unsupported(field, "interval")


def _to_f8(d):
    if d is None:
        return None
    return float(d)


_f("extract", [TX, TS], N, extract_ts)
_f("extract", [TX, TSTZ], N, lambda f, v: extract_ts(f, v, True), volatility="s")
_f("extract", [TX, D], N, extract_date)
_f("extract", [TX, TM], N, extract_time)
_f("extract", [TX, IV], N, extract_interval)
_f("date_part", [TX, TS], F8, lambda f, v: _to_f8(extract_ts(f, v)))
_f("date_part", [TX, TSTZ], F8, lambda f, v: _to_f8(extract_ts(f, v, True)), volatility="s")
_f("date_part", [TX, D], F8, lambda f, v: _to_f8(extract_ts(f, _date_to_ts(v))))
_f("date_part", [TX, TM], F8, lambda f, v: _to_f8(extract_time(f, v)))
_f("date_part", [TX, IV], F8, lambda f, v: _to_f8(extract_interval(f, v)))


# ====================================================================== age

_DAY_TAB = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))


def _isleap(y):
    return calendar.isleap(y)


def _age_fields(a, b, dt1_lt_dt2):
    fsec = a.microsecond - b.microsecond
    sec = a.second - b.second
    mn = a.minute - b.minute
    hr = a.hour - b.hour
    mday = a.day - b.day
    mon = a.month - b.month
    year = a.year - b.year
    if dt1_lt_dt2:
        fsec, sec, mn, hr, mday, mon, year = -fsec, -sec, -mn, -hr, -mday, -mon, -year
    while fsec < 0:
        fsec += USECS_PER_SEC
        sec -= 1
    while sec < 0:
        sec += 60
        mn -= 1
    while mn < 0:
        mn += 60
        hr -= 1
    while hr < 0:
        hr += 24
        mday -= 1
    while mday < 0:
        if dt1_lt_dt2:
            mday += _DAY_TAB[_isleap(a.year)][a.month - 1]
        else:
            mday += _DAY_TAB[_isleap(b.year)][b.month - 1]
        mon -= 1
    while mon < 0:
        mon += 12
        year -= 1
    if dt1_lt_dt2:
        fsec, sec, mn, hr, mday, mon, year = -fsec, -sec, -mn, -hr, -mday, -mon, -year
    return T.Interval(year * 12 + mon, mday, ((hr * 60 + mn) * 60 + sec) * USECS_PER_SEC + fsec)


def age_ts(a, b):
    if INF(a) or INF(b):
        raise PgError("cannot subtract infinite timestamps", errcodes.DATETIME_FIELD_OVERFLOW)
    return _age_fields(a, b, a < b)


def age_tstz(a, b):
    if INF(a) or INF(b):
        raise PgError("cannot subtract infinite timestamps", errcodes.DATETIME_FIELD_OVERFLOW)
    z = _tz()
    return _age_fields(_utc_to_local(a, z), _utc_to_local(b, z), a < b)


def _midnight_today():
    n = _local_now()
    return _dt.datetime(n.year, n.month, n.day)


_f("age", [TS, TS], IV, age_ts)
_f("age", [TSTZ, TSTZ], IV, age_tstz, volatility="s")
_f("age", [TS], IV, lambda a: age_ts(_midnight_today(), a), volatility="s")
_f("age", [TSTZ], IV, lambda a: age_tstz(_local_to_utc(_midnight_today(), _tz()), a), volatility="s")


# ====================================================================== make_*


def make_date(y, m, d):
    try:
        if y <= 0:
            raise ValueError
        return _dt.date(y, m, d)
    except (ValueError, OverflowError):
        if y < 0 and 1 <= m <= 12:
            raise PgError("BC dates are not supported", errcodes.FEATURE_NOT_SUPPORTED,
                          hint="heliosd stores dates as Python dates (years 1..9999).") from None
        raise PgError(f"date field value out of range: {y}-{m:02d}-{d:02d}", errcodes.DATETIME_FIELD_OVERFLOW) \
            from None


def _sec_parts(sec):
    us = round(sec * USECS_PER_SEC)
    return us // USECS_PER_SEC, us % USECS_PER_SEC


def make_time(h, m, sec):
    s, us = _sec_parts(sec)
    if not (0 <= h <= 23 and 0 <= m <= 59 and 0 <= sec < 60):
        if h == 24 and m == 0 and sec == 0:
            raise PgError('time value "24:00:00" is not supported', errcodes.FEATURE_NOT_SUPPORTED)
        raise PgError(f"time field value out of range: {h:02d}:{m:02d}:{_g(sec)}", errcodes.DATETIME_FIELD_OVERFLOW)
    return _dt.time(h, m, s, us)


def _g(v):
    s = "%02g" % v if v == int(v) else repr(v)
    return s if v >= 10 or "." in s else s.zfill(2)


def make_timestamp(y, mo, d, h, mi, sec):
    dd = make_date(y, mo, d)
    if not (0 <= h <= 23 and 0 <= mi <= 59 and 0 <= sec < 60):
        raise PgError(f"date field value out of range: {y}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{_g(sec)}",
                      errcodes.DATETIME_FIELD_OVERFLOW)
    s, us = _sec_parts(sec)
    return _dt.datetime(dd.year, dd.month, dd.day, h, mi, s, us)


def make_timestamptz(y, mo, d, h, mi, sec, zone=None):
    local = make_timestamp(y, mo, d, h, mi, sec)
    return _local_to_utc(local, zone_of(zone) if zone is not None else _tz())


def make_interval(years=0, months=0, weeks=0, days=0, hours=0, mins=0, secs=0.0):
    if secs != secs or math.isinf(secs):
        raise PgError("interval out of range", errcodes.DATETIME_FIELD_OVERFLOW)
    us = round(secs * USECS_PER_SEC) + (hours * 60 + mins) * 60 * USECS_PER_SEC
    from ...types.interval import checked

    return checked(years * 12 + months, weeks * 7 + days, us)


_f("make_date", [I4, I4, I4], D, make_date)
_f("make_time", [I4, I4, F8], TM, make_time)
_f("make_timestamp", [I4, I4, I4, I4, I4, F8], TS, make_timestamp)
_f("make_timestamptz", [I4, I4, I4, I4, I4, F8], TSTZ, make_timestamptz, volatility="s")
_f("make_timestamptz", [I4, I4, I4, I4, I4, F8, TX], TSTZ, make_timestamptz)
_mi = _f("make_interval", [I4, I4, I4, I4, I4, I4, F8], IV, make_interval, min_args=0)
_mi.arg_names = ["years", "months", "weeks", "days", "hours", "mins", "secs"]
_mi.arg_defaults = {"years": 0, "months": 0, "weeks": 0, "days": 0, "hours": 0, "mins": 0, "secs": 0.0}


# ====================================================================== justify / isfinite / date_bin


def justify_interval(iv):
    month, day, time = iv.months, iv.days, iv.micros
    if (day > 0 and time > 0) or (day < 0 and time < 0):
        whole = _tdiv(time, USECS_PER_DAY)
        time -= whole * USECS_PER_DAY
        day += whole
    wm = _tdiv(day, 30)
    day -= wm * 30
    month += wm
    if month > 0 and (day < 0 or (day == 0 and time < 0)):
        day += 30
        month -= 1
    elif month < 0 and (day > 0 or (day == 0 and time > 0)):
        day -= 30
        month += 1
    whole = _tdiv(time, USECS_PER_DAY)
    time -= whole * USECS_PER_DAY
    day += whole
    if day > 0 and time < 0:
        time += USECS_PER_DAY
        day -= 1
    elif day < 0 and time > 0:
        time -= USECS_PER_DAY
        day += 1
    from ...types.interval import checked

    return checked(month, day, time)


_f("justify_days", [IV], IV, lambda iv: iv.justify_days())
_f("justify_hours", [IV], IV, lambda iv: iv.justify_hours())
_f("justify_interval", [IV], IV, justify_interval)
_f("isfinite", [D], T.BOOL, lambda v: not INF(v))
_f("isfinite", [TS], T.BOOL, lambda v: not INF(v))
_f("isfinite", [TSTZ], T.BOOL, lambda v: not INF(v))
_f("isfinite", [IV], T.BOOL, lambda v: True)


def _date_bin(stride, ts, origin):
    if INF(ts):
        return ts
    if INF(origin):
        raise PgError("origin out of range", errcodes.DATETIME_FIELD_OVERFLOW)
    if stride.months:
        raise PgError("timestamps cannot be binned into intervals containing months or years",
                      errcodes.FEATURE_NOT_SUPPORTED)
    su = stride.days * USECS_PER_DAY + stride.micros
    if su <= 0:
        raise PgError("stride must be greater than zero", errcodes.INVALID_PARAMETER_VALUE)
    diff = _micros(ts - origin)
    delta = diff - int(math.fmod(diff, su)) if False else diff - (diff - _tdiv(diff, su) * su)
    if origin > ts and su > 1:
        delta -= su
    return origin + _dt.timedelta(microseconds=delta)


_f("date_bin", [IV, TS, TS], TS, _date_bin)
_f("date_bin", [IV, TSTZ, TSTZ], TSTZ, _date_bin)


# ====================================================================== OVERLAPS


def _overlaps(ts1, te1, ts2, te2):
    if ts1 is None:
        if te1 is None:
            return None
        ts1, te1 = te1, None
    elif te1 is not None and ts1 > te1:
        ts1, te1 = te1, ts1
    if ts2 is None:
        if te2 is None:
            return None
        ts2, te2 = te2, None
    elif te2 is not None and ts2 > te2:
        ts2, te2 = te2, ts2
    if ts1 > ts2:
        if te2 is None:
            return None
        if ts1 < te2:
            return True
        if te1 is None:
            return None
        return False
    if ts1 < ts2:
        if te1 is None:
            return None
        if ts2 < te1:
            return True
        if te2 is None:
            return None
        return False
    if te1 is None or te2 is None:
        return None
    return True


def _ovl(add):
    def plus(a, iv):
        if a is None or iv is None:
            return None
        return add(a, iv)

    return plus


for _t, _add in ((TS, ts_pl_interval), (TSTZ, tstz_pl_interval), (TM, _time_pl_interval)):
    _p = _ovl(_add)
    _f("overlaps", [_t, _t, _t, _t], T.BOOL, _overlaps, strict=False)
    _f("overlaps", [_t, IV, _t, IV], T.BOOL, lambda a, b, c, d, p=_p: _overlaps(a, p(a, b), c, p(c, d)),
       strict=False)
    _f("overlaps", [_t, _t, _t, IV], T.BOOL, lambda a, b, c, d, p=_p: _overlaps(a, b, c, p(c, d)), strict=False)
    _f("overlaps", [_t, IV, _t, _t], T.BOOL, lambda a, b, c, d, p=_p: _overlaps(a, p(a, b), c, d), strict=False)


# ====================================================================== AT TIME ZONE


@functools.lru_cache(maxsize=512)
def zone_of(name):
    return T.parse_timezone(name)


def _iv_zone(iv):
    if iv.months or iv.days:
        raise PgError(f'interval time zone "{T.INTERVAL.text_out(iv)}" must not include months or days',
                      errcodes.INVALID_PARAMETER_VALUE)
    return _dt.timezone(_dt.timedelta(microseconds=iv.micros))


def _tz_tstz(zone, ts):
    if INF(ts):
        return T.TIMESTAMP_INFINITY if ts.sign > 0 else T.TIMESTAMP_NEG_INFINITY
    return _utc_to_local(ts, zone)


def _tz_ts(zone, ts):
    if INF(ts):
        return T.TIMESTAMPTZ_INFINITY if ts.sign > 0 else T.TIMESTAMPTZ_NEG_INFINITY
    return _local_to_utc(ts, zone)


_f("timezone", [TX, TSTZ], TS, lambda z, ts: _tz_tstz(zone_of(z), ts))
_f("timezone", [TX, TS], TSTZ, lambda z, ts: _tz_ts(zone_of(z), ts))
_f("timezone", [IV, TSTZ], TS, lambda z, ts: _tz_tstz(_iv_zone(z), ts))
_f("timezone", [IV, TS], TSTZ, lambda z, ts: _tz_ts(_iv_zone(z), ts))
_f("timezone", [TX, TM], TM, lambda z, t: t)
_f("timezone", [TSTZ], TS, lambda ts: _tz_tstz(_tz(), ts), volatility="s")


# ====================================================================== to_timestamp(double)


def _to_timestamp_f8(v):
    if v != v:
        raise PgError("timestamp cannot be NaN", errcodes.DATETIME_FIELD_OVERFLOW)
    if math.isinf(v):
        return T.TIMESTAMPTZ_INFINITY if v > 0 else T.TIMESTAMPTZ_NEG_INFINITY
    us = round(v * USECS_PER_SEC)
    try:
        return EPOCH_UTC + _dt.timedelta(microseconds=us)
    except OverflowError:
        raise PgError(f"timestamp out of range: \"{v:g}\"", errcodes.DATETIME_FIELD_OVERFLOW) from None


_f("to_timestamp", [F8], TSTZ, _to_timestamp_f8)
