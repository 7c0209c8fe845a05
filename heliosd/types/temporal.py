"""date, time, timestamp, timestamptz and interval: parsing, printing, wire format.

Representation
==============

- date -> ``datetime.date``; timestamp -> naive ``datetime.datetime``;
  timestamptz -> aware ``datetime.datetime`` whose tzinfo is
  ``datetime.timezone.utc`` (always UTC: the session TimeZone only matters
  for input without a zone and for output); time -> ``datetime.time``
  (naive); interval -> :class:`heliosd.types.interval.Interval`.
- PostgreSQL's ``infinity`` / ``-infinity`` for date, timestamp and
  timestamptz are the singletons :data:`DATE_INFINITY`,
  :data:`DATE_NEG_INFINITY`, :data:`TIMESTAMP_INFINITY`, ... .  They are
  instances of private subclasses of ``date``/``datetime`` that compare
  above/below every ordinary value (and equal only to themselves), print as
  ``infinity``/``-infinity`` and send PostgreSQL's sentinel binary values.
  Date arithmetic on them is meaningless: test with :func:`is_infinite`
  first.  Key encoders should use :func:`date_to_days` /
  :func:`timestamp_to_micros`, which map them to int32/int64 min/max exactly
  as PostgreSQL does.
- Python's datetime covers years 1..9999; PostgreSQL also has BC dates and
  years up to 294276 (timestamps) or 5874897 (dates).  Input outside
  Python's range raises 22008 (``date out of range: "..."`` /
  ``timestamp out of range: "..."``), as PostgreSQL does beyond its own range.
- ``time '24:00:00'`` (valid in PostgreSQL) is not representable: its input
  raises 0A000.

Input follows PostgreSQL 15's datetime.c (ParseDateTime + DecodeDateTime /
DecodeTimeOnly / DecodeInterval / DecodeISO8601Interval) with DateStyle
``ISO, MDY``; output is DateStyle ISO and IntervalStyle postgres.
``'now'``, ``'today'``, ``'tomorrow'``, ``'yesterday'`` read the statement
time from :data:`current_timestamp` (a ContextVar the session sets; the wall
clock when unset).
"""

from __future__ import annotations

import contextvars
import datetime as _dt
import math
import re
import struct

from ..errors import PgError
from . import tz as _tz
from ._util import (BAD_DATETIME, DATETIME_OVERFLOW, INTERVAL_OVERFLOW, INVALID_PARAM, NOT_SUPPORTED,
                    TZ_DISPLACEMENT, bad_binary)
from .interval import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, USECS_PER_DAY, USECS_PER_HOUR, \
    USECS_PER_MINUTE, USECS_PER_SEC, Interval

date = _dt.date
datetime = _dt.datetime
time = _dt.time
timedelta = _dt.timedelta
UTC = _dt.timezone.utc

#: The statement's transaction timestamp (aware, UTC) for 'now'/'today' input.
current_timestamp: contextvars.ContextVar = contextvars.ContextVar("heliosd_types_now", default=None)
#: DateStyle's field order for date input: 'MDY', 'DMY' or 'YMD' (the session sets it).
date_order: contextvars.ContextVar = contextvars.ContextVar("heliosd_types_date_order", default="MDY")
#: The session's DateStyle ('ISO, MDY', 'German, DMY'...): what casts to text print.
date_style: contextvars.ContextVar = contextvars.ContextVar("heliosd_types_date_style", default="ISO, MDY")
#: IntervalStyle, which also changes interval input ('sql_standard' applies a leading sign to all fields).
interval_style: contextvars.ContextVar = contextvars.ContextVar("heliosd_types_interval_style", default="postgres")


def _now() -> datetime:
    n = current_timestamp.get()
    if n is None:
        n = datetime.now(UTC)
    return n


# ====================================================================== infinities


def _make_infinity(base, args, sign: int, text: str, name: str):
    """A singleton subclass of date/datetime standing for PostgreSQL's +/-infinity."""

    def __eq__(self, other):
        return other is self

    def __ne__(self, other):
        return other is not self

    def __hash__(self):
        return hash((name, sign))

    if sign > 0:
        def __lt__(self, other):
            return False if isinstance(other, base) else NotImplemented

        def __le__(self, other):
            return (other is self) if isinstance(other, base) else NotImplemented

        def __gt__(self, other):
            return (other is not self) if isinstance(other, base) else NotImplemented

        def __ge__(self, other):
            return True if isinstance(other, base) else NotImplemented
    else:
        def __lt__(self, other):
            return (other is not self) if isinstance(other, base) else NotImplemented

        def __le__(self, other):
            return True if isinstance(other, base) else NotImplemented

        def __gt__(self, other):
            return False if isinstance(other, base) else NotImplemented

        def __ge__(self, other):
            return (other is self) if isinstance(other, base) else NotImplemented

    def isoformat(self, *a, **k):
        return text

    def __repr__(self):
        return name

    def __reduce__(self):
        return (_infinity_by_name, (name,))

    ns = dict(__slots__=(), __eq__=__eq__, __ne__=__ne__, __hash__=__hash__, __lt__=__lt__, __le__=__le__,
              __gt__=__gt__, __ge__=__ge__, isoformat=isoformat, __str__=isoformat, __repr__=__repr__,
              __reduce__=__reduce__, __reduce_ex__=lambda self, proto: __reduce__(self), sign=sign, __copy__=lambda self: self,
              __deepcopy__=lambda self, memo: self)
    cls = type("_" + name.title().replace("_", ""), (base,), ns)
    return cls(*args)


DATE_INFINITY = _make_infinity(date, (9999, 12, 31), 1, "infinity", "DATE_INFINITY")
DATE_NEG_INFINITY = _make_infinity(date, (1, 1, 1), -1, "-infinity", "DATE_NEG_INFINITY")
TIMESTAMP_INFINITY = _make_infinity(datetime, (9999, 12, 31, 23, 59, 59, 999999), 1, "infinity",
                                    "TIMESTAMP_INFINITY")
TIMESTAMP_NEG_INFINITY = _make_infinity(datetime, (1, 1, 1), -1, "-infinity", "TIMESTAMP_NEG_INFINITY")
TIMESTAMPTZ_INFINITY = _make_infinity(datetime, (9999, 12, 31, 23, 59, 59, 999999, UTC), 1, "infinity",
                                      "TIMESTAMPTZ_INFINITY")
TIMESTAMPTZ_NEG_INFINITY = _make_infinity(datetime, (1, 1, 1, 0, 0, 0, 0, UTC), -1, "-infinity",
                                          "TIMESTAMPTZ_NEG_INFINITY")
_INFINITIES = {v.__class__: v for v in (DATE_INFINITY, DATE_NEG_INFINITY, TIMESTAMP_INFINITY,
                                         TIMESTAMP_NEG_INFINITY, TIMESTAMPTZ_INFINITY,
                                         TIMESTAMPTZ_NEG_INFINITY)}
_INF_BY_NAME = {repr(v): v for v in _INFINITIES.values()}


def _infinity_by_name(name):
    return _INF_BY_NAME[name]


def is_infinite(v) -> bool:
    """True for the +/-infinity date/timestamp singletons."""
    return v.__class__ in _INFINITIES


# ====================================================================== conversions

PG_EPOCH_ORDINAL = date(2000, 1, 1).toordinal()
UNIX_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MIN_ORD = date.min.toordinal()
_MAX_ORD = date.max.toordinal()
_EPOCH_TS = datetime(2000, 1, 1)
_EPOCH_TSTZ = datetime(2000, 1, 1, tzinfo=UTC)


def date_to_days(d) -> int:
    """Days since 2000-01-01 (PostgreSQL's DateADT); infinities -> int32 max/min."""
    if d.__class__ is not date:
        if d is DATE_INFINITY:
            return INT32_MAX
        if d is DATE_NEG_INFINITY:
            return INT32_MIN
        if isinstance(d, datetime):
            d = d.date()
    return d.toordinal() - PG_EPOCH_ORDINAL


def days_to_date(n: int):
    if n == INT32_MAX:
        return DATE_INFINITY
    if n == INT32_MIN:
        return DATE_NEG_INFINITY
    o = n + PG_EPOCH_ORDINAL
    if o < _MIN_ORD or o > _MAX_ORD:
        raise PgError("date out of range", DATETIME_OVERFLOW)
    return date.fromordinal(o)


def timestamp_to_micros(ts) -> int:
    """Microseconds since 2000-01-01 00:00 (UTC for timestamptz); infinities -> int64 max/min."""
    if ts.__class__ is not datetime:
        s = getattr(ts, "sign", None)
        if s is not None:
            return INT64_MAX if s > 0 else INT64_MIN
    tzi = ts.tzinfo
    if tzi is not None and tzi is not UTC:
        ts = ts.astimezone(UTC)
    return (((ts.toordinal() - PG_EPOCH_ORDINAL) * 86400 + ts.hour * 3600 + ts.minute * 60 + ts.second)
            * 1_000_000 + ts.microsecond)


def micros_to_timestamp(n: int, aware: bool = False):
    if n == INT64_MAX:
        return TIMESTAMPTZ_INFINITY if aware else TIMESTAMP_INFINITY
    if n == INT64_MIN:
        return TIMESTAMPTZ_NEG_INFINITY if aware else TIMESTAMP_NEG_INFINITY
    days, us = divmod(n, USECS_PER_DAY)
    o = days + PG_EPOCH_ORDINAL
    if o < _MIN_ORD or o > _MAX_ORD:
        raise PgError("timestamp out of range", DATETIME_OVERFLOW)
    s, us = divmod(us, 1_000_000)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    d = date.fromordinal(o)
    return datetime(d.year, d.month, d.day, h, m, s, us, UTC if aware else None)


def time_to_micros(t) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def micros_to_time(n: int):
    if n == USECS_PER_DAY:
        raise _time24()
    if n < 0 or n > USECS_PER_DAY:
        raise PgError("time out of range", DATETIME_OVERFLOW)
    s, us = divmod(n, 1_000_000)
    h, s = divmod(s, 3600)
    m, s = divmod(s, 60)
    return time(h, m, s, us)


def _time24():
    return PgError('time value "24:00:00" is not supported', NOT_SUPPORTED,
                   hint="heliosd represents time with Python's datetime.time, which ends at 23:59:59.999999.")


# ====================================================================== output

def date_out(d) -> str:
    return d.isoformat()


def time_out(t) -> str:
    if t.microsecond:
        return t.isoformat().rstrip("0")
    return t.isoformat()


def timestamp_out(ts) -> str:
    if ts.microsecond:
        return ts.isoformat(" ").rstrip("0")
    return ts.isoformat(" ")


_OFFSET_TEXT: dict = {}


def format_offset(seconds_east: int) -> str:
    """'+00', '+05:30', '-03', '-04:56:02' (PostgreSQL's EncodeTimezone)."""
    s = _OFFSET_TEXT.get(seconds_east)
    if s is None:
        a = abs(seconds_east)
        h, rem = divmod(a, 3600)
        m, sec = divmod(rem, 60)
        sign = "-" if seconds_east < 0 else "+"
        if sec:
            s = f"{sign}{h:02d}:{m:02d}:{sec:02d}"
        elif m:
            s = f"{sign}{h:02d}:{m:02d}"
        else:
            s = f"{sign}{h:02d}"
        _OFFSET_TEXT[seconds_east] = s
    return s


_DATE_PREFIX: dict = {}


def timestamptz_out_utc(ts) -> str:
    if ts.__class__ is not datetime:
        if ts.__class__ in _INFINITIES:
            return ts.isoformat()
    if ts.tzinfo is not UTC:
        if ts.tzinfo is None:
            ts = datetime(ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second, ts.microsecond, UTC)
        else:
            ts = ts.astimezone(UTC)
    o = ts.toordinal()
    d = _DATE_PREFIX.get(o)
    if d is None:
        if len(_DATE_PREFIX) >= 8192:
            _DATE_PREFIX.clear()
        d = _DATE_PREFIX[o] = ts.date().isoformat() + " "
    us = ts.microsecond
    if us:
        return d + ("%02d:%02d:%02d.%06d" % (ts.hour, ts.minute, ts.second, us)).rstrip("0") + "+00"
    return d + "%02d:%02d:%02d+00" % (ts.hour, ts.minute, ts.second)


def _local_text(local) -> str:
    """isoformat of an aware local datetime with PostgreSQL's offset suffix."""
    s = local.isoformat(" ")
    off = local.utcoffset()
    secs = off.days * 86400 + off.seconds
    cut = 9 if secs % 60 else 6
    body = s[:-cut]
    if local.microsecond:
        body = body.rstrip("0")
    return body + format_offset(secs)


def timestamptz_out(ts, tz=None) -> str:
    """timestamptz text in session time zone ``tz`` (a tzinfo; UTC when None)."""
    if tz is None or tz is UTC:
        return timestamptz_out_utc(ts)
    if ts.__class__ is not datetime and ts.__class__ in _INFINITIES:
        return ts.isoformat()
    if ts.tzinfo is None:
        ts = datetime(ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second, ts.microsecond, UTC)
    try:
        local = ts.astimezone(tz)
    except (OverflowError, ValueError):
        return timestamptz_out_utc(ts)
    return _local_text(local)


def make_timestamptz_out(tz):
    """A one-argument timestamptz output function bound to session zone ``tz``."""
    if tz is None or tz is UTC:
        return timestamptz_out_utc

    def out(ts):
        return timestamptz_out(ts, tz)

    return out


_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # indexed by date.weekday()


def _date_fields_text(y: int, m: int, d: int, style: str, order: str) -> str:
    if style == "SQL":
        return f"{d:02d}/{m:02d}/{y:04d}" if order == "DMY" else f"{m:02d}/{d:02d}/{y:04d}"
    if style == "German":
        return f"{d:02d}.{m:02d}.{y:04d}"
    if style == "Postgres":
        return f"{d:02d}-{m:02d}-{y:04d}" if order == "DMY" else f"{m:02d}-{d:02d}-{y:04d}"
    return f"{y:04d}-{m:02d}-{d:02d}"


def _time_text(t) -> str:
    s = "%02d:%02d:%02d" % (t.hour, t.minute, t.second)
    if t.microsecond:
        s += ("." + "%06d" % t.microsecond).rstrip("0")
    return s


def _encode_datetime(local, style: str, order: str, tzn) -> str:
    """EncodeDateTime for the non-ISO DateStyles (tzn: zone abbreviation or None)."""
    if style == "Postgres":
        dow = _DAY_ABBR[local.weekday()]
        mon = _MONTH_ABBR[local.month - 1]
        if order == "DMY":
            s = f"{dow} {local.day:02d} {mon} {_time_text(local)} {local.year:04d}"
        else:
            s = f"{dow} {mon} {local.day:02d} {_time_text(local)} {local.year:04d}"
    else:
        s = _date_fields_text(local.year, local.month, local.day, style, order) + " " + _time_text(local)
    if tzn is not None:
        s += " " + tzn
    return s


def make_date_out(style: str = "ISO", order: str = "MDY"):
    """date output for a DateStyle (style: ISO, SQL, Postgres, German; order: MDY, DMY, YMD)."""
    if style == "ISO":
        return date_out

    def out(d):
        if d.__class__ is not date and d.__class__ in _INFINITIES:
            return d.isoformat()
        return _date_fields_text(d.year, d.month, d.day, style, order)

    return out


def make_timestamp_out(style: str = "ISO", order: str = "MDY"):
    if style == "ISO":
        return timestamp_out

    def out(ts):
        if ts.__class__ is not datetime and ts.__class__ in _INFINITIES:
            return ts.isoformat()
        return _encode_datetime(ts, style, order, None)

    return out


def make_timestamptz_out_styled(tz, style: str = "ISO", order: str = "MDY"):
    """timestamptz output in session zone ``tz`` for a DateStyle (non-ISO styles print the zone
    abbreviation, e.g. '02/01/2024 05:00:00 EST')."""
    if style == "ISO":
        return make_timestamptz_out(tz)
    zone = tz if tz is not None else UTC

    def out(ts):
        if ts.__class__ is not datetime and ts.__class__ in _INFINITIES:
            return ts.isoformat()
        if ts.tzinfo is None:
            ts = datetime(ts.year, ts.month, ts.day, ts.hour, ts.minute, ts.second, ts.microsecond, UTC)
        try:
            local = ts.astimezone(zone)
        except (OverflowError, ValueError):
            local = ts
        return _encode_datetime(local, style, order, local.tzname())

    return out


def _tdiv(a: int, b: int) -> int:
    """C integer division (truncates toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _append_seconds(sec: int, fsec: int) -> str:
    s = "%02d" % abs(sec)
    if fsec:
        s += ("." + "%06d" % abs(fsec)).rstrip("0")
    return s


def interval_out(iv) -> str:
    """IntervalStyle 'postgres': '1 year 2 mons 3 days 04:05:06.5', '-1 days +02:00:00'."""
    months = iv.months
    days = iv.days
    micros = iv.micros
    if not months and not days:
        # the common time-only case
        if micros >= 0:
            h, r = divmod(micros, USECS_PER_HOUR)
            m, r = divmod(r, USECS_PER_MINUTE)
            s, f = divmod(r, USECS_PER_SEC)
            return "%02d:%02d:%s" % (h, m, _append_seconds(s, f))
    year = _tdiv(months, 12)
    mon = months - year * 12
    hour = _tdiv(micros, USECS_PER_HOUR)
    micros -= hour * USECS_PER_HOUR
    minute = _tdiv(micros, USECS_PER_MINUTE)
    micros -= minute * USECS_PER_MINUTE
    sec = _tdiv(micros, USECS_PER_SEC)
    fsec = micros - sec * USECS_PER_SEC
    parts = []
    is_zero = True
    is_before = False
    for value, unit in ((year, "year"), (mon, "mon"), (days, "day")):
        if value:
            parts.append("%s%s%d %s%s" % ("" if is_zero else " ", "+" if is_before and value > 0 else "",
                                          value, unit, "" if value == 1 else "s"))
            is_before = value < 0
            is_zero = False
    if is_zero or hour or minute or sec or fsec:
        minus = hour < 0 or minute < 0 or sec < 0 or fsec < 0
        parts.append("%s%s%02d:%02d:%s" % ("" if is_zero else " ", "-" if minus else ("+" if is_before else ""),
                                           abs(hour), abs(minute), _append_seconds(sec, fsec)))
    return "".join(parts)


def _interval_fields(iv):
    year = _tdiv(iv.months, 12)
    mon = iv.months - year * 12
    micros = iv.micros
    hour = _tdiv(micros, USECS_PER_HOUR)
    micros -= hour * USECS_PER_HOUR
    minute = _tdiv(micros, USECS_PER_MINUTE)
    micros -= minute * USECS_PER_MINUTE
    sec = _tdiv(micros, USECS_PER_SEC)
    fsec = micros - sec * USECS_PER_SEC
    return year, mon, iv.days, hour, minute, sec, fsec


def interval_out_sql_standard(iv) -> str:
    """IntervalStyle 'sql_standard': '1-2', '3 4:05:06', '-1-2 +3 -4:05:06.5'."""
    year, mon, mday, hour, minute, sec, fsec = _interval_fields(iv)
    has_negative = year < 0 or mon < 0 or mday < 0 or hour < 0 or minute < 0 or sec < 0 or fsec < 0
    has_positive = year > 0 or mon > 0 or mday > 0 or hour > 0 or minute > 0 or sec > 0 or fsec > 0
    has_year_month = year != 0 or mon != 0
    has_day_time = mday != 0 or hour != 0 or minute != 0 or sec != 0 or fsec != 0
    has_day = mday != 0
    sql_standard_value = not (has_negative and has_positive) and not (has_year_month and has_day_time)
    prefix = ""
    if has_negative and sql_standard_value:
        prefix = "-"
        year, mon, mday, hour, minute, sec, fsec = -year, -mon, -mday, -hour, -minute, -sec, -fsec
    if not has_negative and not has_positive:
        return "0"
    if not sql_standard_value:
        year_sign = "-" if (year < 0 or mon < 0) else "+"
        day_sign = "-" if mday < 0 else "+"
        sec_sign = "-" if (hour < 0 or minute < 0 or sec < 0 or fsec < 0) else "+"
        return (f"{prefix}{year_sign}{abs(year)}-{abs(mon)} {day_sign}{abs(mday)} {sec_sign}{abs(hour)}:"
                f"{abs(minute):02d}:{_append_seconds(sec, fsec)}")
    if has_year_month:
        return f"{prefix}{year}-{mon}"
    if has_day:
        return f"{prefix}{mday} {hour}:{minute:02d}:{_append_seconds(sec, fsec)}"
    return f"{prefix}{hour}:{minute:02d}:{_append_seconds(sec, fsec)}"


def interval_out_verbose(iv) -> str:
    """IntervalStyle 'postgres_verbose': '@ 1 year 2 mons 3 days 4 hours 5 mins 6 secs', '@ 1 hour ago'."""
    year, mon, mday, hour, minute, sec, fsec = _interval_fields(iv)
    out = ["@"]
    is_zero = True
    is_before = False
    for value, unit in ((year, "year"), (mon, "mon"), (mday, "day"), (hour, "hour"), (minute, "min")):
        if not value:
            continue
        if is_zero:
            is_before = value < 0
            value = abs(value)
        elif is_before:
            value = -value
        out.append(f" {value} {unit}{'' if value == 1 else 's'}")
        is_zero = False
    if sec or fsec:
        piece = " "
        if sec < 0 or (sec == 0 and fsec < 0):
            if is_zero:
                is_before = True
            elif not is_before:
                piece += "-"
        elif is_before:
            piece += "-"
        num = str(abs(sec))
        if fsec:
            num += ("." + "%06d" % abs(fsec)).rstrip("0")
        piece += num + (" secs" if (abs(sec) != 1 or fsec != 0) else " sec")
        out.append(piece)
        is_zero = False
    if is_zero:
        out.append(" 0")
    if is_before:
        out.append(" ago")
    return "".join(out)


def interval_out_for(style: str):
    return {"postgres": interval_out, "iso_8601": interval_out_iso8601, "sql_standard": interval_out_sql_standard,
            "postgres_verbose": interval_out_verbose}.get(style, interval_out)


def interval_out_iso8601(iv) -> str:
    """IntervalStyle 'iso_8601': 'P1Y2M3DT4H5M6.5S'."""
    year = _tdiv(iv.months, 12)
    mon = iv.months - year * 12
    micros = iv.micros
    hour = _tdiv(micros, USECS_PER_HOUR)
    micros -= hour * USECS_PER_HOUR
    minute = _tdiv(micros, USECS_PER_MINUTE)
    micros -= minute * USECS_PER_MINUTE
    sec = _tdiv(micros, USECS_PER_SEC)
    fsec = micros - sec * USECS_PER_SEC
    if not (year or mon or iv.days or hour or minute or sec or fsec):
        return "PT0S"
    out = ["P"]
    for v, u in ((year, "Y"), (mon, "M"), (iv.days, "D")):
        if v:
            out.append(f"{v}{u}")
    if hour or minute or sec or fsec:
        out.append("T")
    for v, u in ((hour, "H"), (minute, "M")):
        if v:
            out.append(f"{v}{u}")
    if sec or fsec:
        s = "-" if (sec < 0 or fsec < 0) else ""
        s += str(abs(sec))
        if fsec:
            s += ("." + "%06d" % abs(fsec)).rstrip("0")
        out.append(s + "S")
    return "".join(out)


# ====================================================================== binary

_i32 = struct.Struct("!i")
_i64 = struct.Struct("!q")
_interval_st = struct.Struct("!qii")


def date_send(d) -> bytes:
    return _i32.pack(date_to_days(d))


def date_recv(b, typmod: int = -1):
    if len(b) != 4:
        raise bad_binary("insufficient data left in message" if len(b) < 4 else "incorrect binary data format")
    return days_to_date(_i32.unpack(b)[0])


def time_send(t) -> bytes:
    return _i64.pack(time_to_micros(t))


def time_recv(b, typmod: int = -1):
    if len(b) != 8:
        raise bad_binary("insufficient data left in message" if len(b) < 8 else "incorrect binary data format")
    n = _i64.unpack(b)[0]
    if typmod >= 0:
        n = adjust_time_micros(n, typmod)
    return micros_to_time(n)


def timestamp_send(ts) -> bytes:
    return _i64.pack(timestamp_to_micros(ts))


def timestamp_recv(b, typmod: int = -1):
    if len(b) != 8:
        raise bad_binary("insufficient data left in message" if len(b) < 8 else "incorrect binary data format")
    n = _i64.unpack(b)[0]
    if typmod >= 0 and INT64_MIN < n < INT64_MAX:
        n = adjust_timestamp_micros(n, typmod)
    return micros_to_timestamp(n, False)


def timestamptz_recv(b, typmod: int = -1):
    if len(b) != 8:
        raise bad_binary("insufficient data left in message" if len(b) < 8 else "incorrect binary data format")
    n = _i64.unpack(b)[0]
    if typmod >= 0 and INT64_MIN < n < INT64_MAX:
        n = adjust_timestamp_micros(n, typmod)
    return micros_to_timestamp(n, True)


def interval_send(iv) -> bytes:
    return _interval_st.pack(iv.micros, iv.days, iv.months)


def interval_recv(b, typmod: int = -1):
    if len(b) != 16:
        raise bad_binary("insufficient data left in message" if len(b) < 16 else "incorrect binary data format")
    micros, days, months = _interval_st.unpack(b)
    iv = Interval(months, days, micros)
    if typmod >= 0:
        iv = adjust_interval(iv, typmod)
    return iv


# ====================================================================== typmods

MAX_TIME_PRECISION = 6
MAX_TIMESTAMP_PRECISION = 6
MAX_INTERVAL_PRECISION = 6
_SCALES = [10 ** (6 - p) for p in range(7)]


def _round_prec(n: int, typmod: int) -> int:
    if typmod < 0 or typmod >= 6:
        return n
    scale = _SCALES[typmod]
    off = scale // 2
    if n >= 0:
        return ((n + off) // scale) * scale
    return -(((-n + off) // scale) * scale)


def adjust_time_micros(n: int, typmod: int) -> int:
    return _round_prec(n, typmod)


def adjust_timestamp_micros(n: int, typmod: int) -> int:
    if typmod >= 0 and (typmod > MAX_TIMESTAMP_PRECISION):
        raise PgError(f"timestamp({typmod}) precision must be between 0 and {MAX_TIMESTAMP_PRECISION}",
                      INVALID_PARAM)
    return _round_prec(n, typmod)


def apply_time_typmod(t, typmod: int):
    """time(p): round the fraction half away from zero."""
    if typmod < 0 or typmod >= 6 or t.microsecond == 0:
        return t
    return micros_to_time(_round_prec(time_to_micros(t), typmod))


def apply_timestamp_typmod(ts, typmod: int):
    """timestamp(p)/timestamptz(p): round the fraction half away from zero."""
    if typmod < 0 or typmod >= 6 or ts.microsecond == 0 or ts.__class__ in _INFINITIES:
        return ts
    scale = _SCALES[typmod]
    us = ts.microsecond
    r = ((us + scale // 2) // scale) * scale
    if r == us:
        return ts
    try:
        return ts.replace(microsecond=0) + timedelta(microseconds=r)
    except OverflowError:
        raise PgError("timestamp out of range", DATETIME_OVERFLOW) from None


# interval typmod: fields mask << 16 | precision
IM_MONTH = 1 << 1
IM_YEAR = 1 << 2
IM_DAY = 1 << 3
IM_HOUR = 1 << 10
IM_MINUTE = 1 << 11
IM_SECOND = 1 << 12
INTERVAL_FULL_RANGE = 0x7FFF
INTERVAL_FULL_PRECISION = 0xFFFF

INTERVAL_FIELDS = {
    "year": IM_YEAR, "month": IM_MONTH, "day": IM_DAY, "hour": IM_HOUR, "minute": IM_MINUTE,
    "second": IM_SECOND,
    "year to month": IM_YEAR | IM_MONTH,
    "day to hour": IM_DAY | IM_HOUR,
    "day to minute": IM_DAY | IM_HOUR | IM_MINUTE,
    "day to second": IM_DAY | IM_HOUR | IM_MINUTE | IM_SECOND,
    "hour to minute": IM_HOUR | IM_MINUTE,
    "hour to second": IM_HOUR | IM_MINUTE | IM_SECOND,
    "minute to second": IM_MINUTE | IM_SECOND,
}
_INTERVAL_FIELD_NAMES = {v: k for k, v in INTERVAL_FIELDS.items()}


def interval_typmod(fields: str | None = None, precision: int | None = None, notices=None) -> int:
    """Typmod of ``interval [fields] [(precision)]`` (e.g. fields='day to second', precision=3).

    Returns -1 for plain ``interval``.  ``notices`` (a list) receives
    PostgreSQL's WARNING text when the precision is reduced to 6.
    """
    if fields is None and precision is None:
        return -1
    rng = INTERVAL_FULL_RANGE
    if fields is not None:
        key = " ".join(fields.lower().split())
        if key not in INTERVAL_FIELDS:
            raise PgError("invalid INTERVAL type modifier", "22023")
        rng = INTERVAL_FIELDS[key]
    prec = INTERVAL_FULL_PRECISION
    if precision is not None:
        if precision < 0:
            raise PgError(f"INTERVAL({precision}) precision must not be negative", "22023")
        if precision > MAX_INTERVAL_PRECISION:
            if notices is not None:
                notices.append(f"INTERVAL({precision}) precision reduced to maximum allowed, "
                               f"{MAX_INTERVAL_PRECISION}")
            precision = MAX_INTERVAL_PRECISION
        prec = precision
        if fields is not None and not (rng & IM_SECOND):
            raise PgError("interval precision specified twice" if False else
                          "invalid INTERVAL type modifier", "22023")
    return (rng << 16) | prec


def interval_typmod_out(typmod: int) -> str:
    """The suffix format_type prints after 'interval' (' day to second(3)', '(2)', ...)."""
    if typmod < 0:
        return ""
    rng = (typmod >> 16) & 0x7FFF
    prec = typmod & 0xFFFF
    s = "" if rng == INTERVAL_FULL_RANGE else " " + _INTERVAL_FIELD_NAMES.get(rng, "")
    if prec != INTERVAL_FULL_PRECISION:
        s += f"({prec})"
    return s


def adjust_interval(iv, typmod: int):
    """PostgreSQL's AdjustIntervalForTypmod."""
    if typmod < 0:
        return iv
    rng = (typmod >> 16) & 0x7FFF
    prec = typmod & 0xFFFF
    months, days, micros = iv.months, iv.days, iv.micros
    if rng == INTERVAL_FULL_RANGE:
        pass
    elif rng == IM_YEAR:
        months = _tdiv(months, 12) * 12
        days = 0
        micros = 0
    elif rng in (IM_MONTH, IM_YEAR | IM_MONTH):
        days = 0
        micros = 0
    elif rng == IM_DAY:
        micros = 0
    elif rng in (IM_HOUR, IM_DAY | IM_HOUR):
        micros = _tdiv(micros, USECS_PER_HOUR) * USECS_PER_HOUR
    elif rng in (IM_MINUTE, IM_DAY | IM_HOUR | IM_MINUTE, IM_HOUR | IM_MINUTE):
        micros = _tdiv(micros, USECS_PER_MINUTE) * USECS_PER_MINUTE
    elif rng in (IM_SECOND, IM_DAY | IM_HOUR | IM_MINUTE | IM_SECOND, IM_HOUR | IM_MINUTE | IM_SECOND,
                 IM_MINUTE | IM_SECOND):
        pass
    else:
        raise PgError(f"unrecognized interval typmod: {typmod}", "XX000")
    if prec != INTERVAL_FULL_PRECISION:
        if prec < 0 or prec > MAX_INTERVAL_PRECISION:
            raise PgError(f"interval({prec}) precision must be between 0 and {MAX_INTERVAL_PRECISION}",
                          INVALID_PARAM)
        micros = _round_prec(micros, prec)
    if (months, days, micros) == (iv.months, iv.days, iv.micros):
        return iv
    return Interval(months, days, micros)


def time_typmod(precision: int, typname: str = "TIME", notices=None) -> int:
    """Typmod for time(p)/timestamp(p): validate like anytime_typmod_check."""
    if precision < 0:
        raise PgError(f"{typname}({precision}) precision must not be negative", "22023")
    if precision > 6:
        if notices is not None:
            notices.append(f"{typname}({precision}) precision reduced to maximum allowed, 6")
        return 6
    return precision


# ====================================================================== the parser
#
# A port of PostgreSQL 15's datetime.c field decoder.  Offsets inside the
# decoder are kept in seconds EAST of Greenwich (PostgreSQL keeps them west).

class _DtErr(Exception):
    def __init__(self, code, tzname=None):
        self.code = code
        self.tzname = tzname


BAD_FORMAT = -1
FIELD_OVERFLOW = -2
MD_FIELD_OVERFLOW = -3
INTERVAL_OVERFLOW_ERR = -4
TZDISP_OVERFLOW = -5
BAD_TIMEZONE = -6

# field types from ParseDateTime
F_NUMBER, F_STRING, F_DATE, F_TIME, F_TZ, F_SPECIAL = 0, 1, 2, 3, 4, 6

# token types
RESERV, MONTH, YEAR, DAY, JULIAN, TZ, DTZ, DYNTZ, IGNORE, AMPM, HOUR, MINUTE, SECOND, MILLISECOND, \
    MICROSECOND, DOY, DOW, UNITS, ADBC, AGO = range(20)
ISOTIME = 23
WEEK, DECADE, CENTURY, MILLENNIUM, DTZMOD = 24, 25, 26, 27, 28
UNKNOWN = 31


def M(t):
    return 1 << t


DATE_M = M(YEAR) | M(MONTH) | M(DAY)
ALL_SECS_M = M(SECOND) | M(MILLISECOND) | M(MICROSECOND)
TIME_M = M(HOUR) | M(MINUTE) | ALL_SECS_M

# DTK values (dtype results and unit values)
K_DATE, K_TIME, K_TZ = 2, 3, 4
K_EARLY, K_LATE, K_EPOCH, K_NOW, K_YESTERDAY, K_TODAY, K_TOMORROW, K_ZULU, K_DELTA = 9, 10, 11, 12, 13, 14, 15, \
    16, 17
K_SECOND, K_MINUTE, K_HOUR, K_DAY, K_WEEK, K_MONTH, K_QUARTER, K_YEAR, K_DECADE, K_CENTURY, K_MILLENNIUM, \
    K_MILLISEC, K_MICROSEC, K_JULIAN, K_DOW, K_DOY, K_TZ_HOUR, K_TZ_MINUTE, K_ISOYEAR, K_ISODOW = range(18, 38)
AM, PM, HR24 = 0, 1, 2
AD, BC = 0, 1

_DATETKTBL = {
    "-infinity": (RESERV, K_EARLY), "ad": (ADBC, AD), "allballs": (RESERV, K_ZULU), "am": (AMPM, AM),
    "apr": (MONTH, 4), "april": (MONTH, 4), "at": (IGNORE, 0), "aug": (MONTH, 8), "august": (MONTH, 8),
    "bc": (ADBC, BC), "d": (UNITS, K_DAY), "dec": (MONTH, 12), "december": (MONTH, 12),
    "dow": (UNITS, K_DOW), "doy": (UNITS, K_DOY), "dst": (DTZMOD, 3600), "epoch": (RESERV, K_EPOCH),
    "feb": (MONTH, 2), "february": (MONTH, 2), "fri": (DOW, 5), "friday": (DOW, 5), "h": (UNITS, K_HOUR),
    "infinity": (RESERV, K_LATE), "isodow": (UNITS, K_ISODOW), "isoyear": (UNITS, K_ISOYEAR),
    "j": (UNITS, K_JULIAN), "jan": (MONTH, 1), "january": (MONTH, 1), "jd": (UNITS, K_JULIAN),
    "jul": (MONTH, 7), "julian": (UNITS, K_JULIAN), "july": (MONTH, 7), "jun": (MONTH, 6),
    "june": (MONTH, 6), "m": (UNITS, K_MONTH), "mar": (MONTH, 3), "march": (MONTH, 3), "may": (MONTH, 5),
    "mm": (UNITS, K_MINUTE), "mon": (DOW, 1), "monday": (DOW, 1), "nov": (MONTH, 11),
    "november": (MONTH, 11), "now": (RESERV, K_NOW), "oct": (MONTH, 10), "october": (MONTH, 10),
    "on": (IGNORE, 0), "pm": (AMPM, PM), "s": (UNITS, K_SECOND), "sat": (DOW, 6), "saturday": (DOW, 6),
    "sep": (MONTH, 9), "sept": (MONTH, 9), "september": (MONTH, 9), "sun": (DOW, 0), "sunday": (DOW, 0),
    "t": (ISOTIME, K_TIME), "thu": (DOW, 4), "thur": (DOW, 4), "thurs": (DOW, 4), "thursday": (DOW, 4),
    "today": (RESERV, K_TODAY), "tomorrow": (RESERV, K_TOMORROW), "tue": (DOW, 2), "tues": (DOW, 2),
    "tuesday": (DOW, 2), "wed": (DOW, 3), "wednesday": (DOW, 3), "weds": (DOW, 3), "y": (UNITS, K_YEAR),
    "yesterday": (RESERV, K_YESTERDAY),
}

_DELTATKTBL = {
    "@": (IGNORE, 0), "ago": (AGO, 0), "c": (UNITS, K_CENTURY), "cent": (UNITS, K_CENTURY),
    "centuries": (UNITS, K_CENTURY), "century": (UNITS, K_CENTURY), "d": (UNITS, K_DAY),
    "day": (UNITS, K_DAY), "days": (UNITS, K_DAY), "dec": (UNITS, K_DECADE), "decade": (UNITS, K_DECADE),
    "decades": (UNITS, K_DECADE), "decs": (UNITS, K_DECADE), "h": (UNITS, K_HOUR), "hour": (UNITS, K_HOUR),
    "hours": (UNITS, K_HOUR), "hr": (UNITS, K_HOUR), "hrs": (UNITS, K_HOUR), "m": (UNITS, K_MINUTE),
    "microsecon": (UNITS, K_MICROSEC), "mil": (UNITS, K_MILLENNIUM), "millennia": (UNITS, K_MILLENNIUM),
    "millennium": (UNITS, K_MILLENNIUM), "millisecon": (UNITS, K_MILLISEC), "mils": (UNITS, K_MILLENNIUM),
    "min": (UNITS, K_MINUTE), "mins": (UNITS, K_MINUTE), "minute": (UNITS, K_MINUTE),
    "minutes": (UNITS, K_MINUTE), "mon": (UNITS, K_MONTH), "mons": (UNITS, K_MONTH),
    "month": (UNITS, K_MONTH), "months": (UNITS, K_MONTH), "ms": (UNITS, K_MILLISEC),
    "msec": (UNITS, K_MILLISEC), "msecond": (UNITS, K_MILLISEC), "mseconds": (UNITS, K_MILLISEC),
    "msecs": (UNITS, K_MILLISEC), "qtr": (UNITS, K_QUARTER), "quarter": (UNITS, K_QUARTER),
    "s": (UNITS, K_SECOND), "sec": (UNITS, K_SECOND), "second": (UNITS, K_SECOND),
    "seconds": (UNITS, K_SECOND), "secs": (UNITS, K_SECOND), "timezone": (UNITS, K_TZ),
    "timezone_h": (UNITS, K_TZ_HOUR), "timezone_m": (UNITS, K_TZ_MINUTE), "us": (UNITS, K_MICROSEC),
    "usec": (UNITS, K_MICROSEC), "usecond": (UNITS, K_MICROSEC), "useconds": (UNITS, K_MICROSEC),
    "usecs": (UNITS, K_MICROSEC), "w": (UNITS, K_WEEK), "week": (UNITS, K_WEEK), "weeks": (UNITS, K_WEEK),
    "y": (UNITS, K_YEAR), "year": (UNITS, K_YEAR), "years": (UNITS, K_YEAR), "yr": (UNITS, K_YEAR),
    "yrs": (UNITS, K_YEAR),
}

TOKMAXLEN = 10


def _decode_special(tok: str):
    return _DATETKTBL.get(tok[:TOKMAXLEN], (UNKNOWN, 0))


def _decode_units(tok: str):
    return _DELTATKTBL.get(tok[:TOKMAXLEN], (UNKNOWN, 0))


def _decode_tz_abbrev(tok: str):
    a = _tz.ABBREVIATIONS.get(tok)
    if a is None:
        return UNKNOWN, 0
    return (DTZ if a[1] else TZ), a[0]


def _isdigit(c):
    return "0" <= c <= "9"


def _isalpha(c):
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _isalnum(c):
    return _isdigit(c) or _isalpha(c)


_SPACE = " \t\n\r\v\f"
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


MAXDATELEN = 128


def parse_datetime_fields(s: str, buflen: int = MAXDATELEN + 1):
    """ParseDateTime: split into (text, type) fields; raises _DtErr(BAD_FORMAT).

    Like PostgreSQL, the fields (plus one terminator each) must fit a work
    buffer of ``buflen`` bytes (129 for date/time input, 256 for interval).
    """
    fields = _parse_datetime_fields(s)
    used = 0
    for f, _t in fields:
        used += len(f.encode("utf-8")) if not f.isascii() else len(f)
        if used + 1 >= buflen:
            raise _DtErr(BAD_FORMAT)
        used += 1
    return fields


def _parse_datetime_fields(s: str):
    fields = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c in _SPACE:
            i += 1
            continue
        start = i
        if _isdigit(c):
            i += 1
            while i < n and _isdigit(s[i]):
                i += 1
            if i < n and s[i] == ":":
                ft = F_TIME
                i += 1
                while i < n and (_isdigit(s[i]) or s[i] == ":" or s[i] == "."):
                    i += 1
                fields.append((s[start:i], ft))
                continue
            if i < n and s[i] in "-/.":
                delim = s[i]
                i += 1
                if i < n and _isdigit(s[i]):
                    ft = F_NUMBER if delim == "." else F_DATE
                    while i < n and _isdigit(s[i]):
                        i += 1
                    if i < n and s[i] == delim:
                        ft = F_DATE
                        i += 1
                        while i < n and (_isdigit(s[i]) or s[i] == delim):
                            i += 1
                    fields.append((s[start:i], ft))
                else:
                    while i < n and (_isalnum(s[i]) or s[i] == delim):
                        i += 1
                    fields.append((s[start:i].lower(), F_DATE))
                continue
            fields.append((s[start:i], F_NUMBER))
            continue
        if c == ".":
            i += 1
            while i < n and _isdigit(s[i]):
                i += 1
            fields.append((s[start:i], F_NUMBER))
            continue
        if _isalpha(c):
            i += 1
            while i < n and _isalpha(s[i]):
                i += 1
            ft = F_STRING
            is_date = False
            if i < n and s[i] in "-/.":
                is_date = True
            elif i < n and (s[i] == "+" or _isdigit(s[i])):
                if s[start:i].lower()[:TOKMAXLEN] not in _DATETKTBL:
                    is_date = True
            if is_date:
                ft = F_DATE
                i += 1
                while i < n and (s[i] in "+-/_.:" or _isalnum(s[i])):
                    i += 1
            fields.append((s[start:i].lower(), ft))
            continue
        if c == "+" or c == "-":
            i += 1
            while i < n and s[i] in _SPACE:
                i += 1
            if i < n and _isdigit(s[i]):
                j = i + 1
                while j < n and (_isdigit(s[j]) or s[j] in ":.-"):
                    j += 1
                fields.append((c + s[i:j], F_TZ))
                i = j
                continue
            if i < n and _isalpha(s[i]):
                j = i + 1
                while j < n and _isalpha(s[j]):
                    j += 1
                fields.append(((c + s[i:j]).lower(), F_SPECIAL))
                i = j
                continue
            raise _DtErr(BAD_FORMAT)
        if c in _PUNCT:
            i += 1
            continue
        raise _DtErr(BAD_FORMAT)
    return fields


class _TM:
    __slots__ = ("year", "mon", "mday", "hour", "min", "sec", "fsec", "yday", "wday", "isdst", "tz")

    def __init__(self):
        self.year = self.mon = self.mday = 0
        self.hour = self.min = self.sec = self.fsec = 0
        self.yday = self.wday = 0
        self.isdst = -1
        self.tz = None  # seconds east, or None when no zone was given


def _strtoint(s: str, pos: int = 0):
    """strtol: (value, end position); value None when no digits."""
    n = len(s)
    i = pos
    while i < n and s[i] in _SPACE:
        i += 1
    j = i
    if j < n and s[j] in "+-":
        j += 1
    k = j
    while k < n and _isdigit(s[k]):
        k += 1
    if k == j:
        return None, pos
    if k - j > 30 and s[j:k].lstrip("0")[30:]:
        raise _DtErr(FIELD_OVERFLOW)  # strtol's ERANGE (and beyond Python's str->int limit)
    return int(s[i:k]), k


def _c_strtol(s: str, pos: int = 0):
    """C strtol: (value, end); with no digits, (0, pos) -- the end pointer stays at the start."""
    v, cp = _strtoint(s, pos)
    if v is None:
        return 0, pos
    return v, cp


def _int32_check(v):
    if v < INT32_MIN or v > INT32_MAX:
        raise _DtErr(FIELD_OVERFLOW)
    return v


def _parse_fraction(frac: str) -> float:
    """'.123' -> 0.123 (only digits after the point)."""
    if frac == ".":
        return 0.0
    digits = frac[1:]
    if not digits.isdigit() or not digits.isascii():
        raise _DtErr(BAD_FORMAT)
    return float(frac)


def _parse_fractional_second(frac: str) -> int:
    return int(round(_parse_fraction(frac) * 1000000))


def _date2j(y, m, d):
    if m > 2:
        m += 1
        y += 4800
    else:
        m += 13
        y += 4799
    century = y // 100
    julian = y * 365 - 32167
    julian += y // 4 - century + century // 4
    julian += 7834 * m // 256 + d
    return julian


def _j2date(jd):
    julian = jd + 32044
    quad = julian // 146097
    extra = (julian - quad * 146097) * 4 + 3
    julian += 60 + quad * 3 + extra // 146097
    quad = julian // 1461
    julian -= quad * 1461
    y = julian * 4 // 1461
    julian = ((julian + 305) % 365 if y != 0 else (julian + 306) % 366) + 123
    y += quad * 4
    year = y - 4800
    quad = julian * 2141 // 65536
    day = julian - 7834 * quad // 256
    month = (quad + 10) % 12 + 1
    return year, month, day


def _isleap(y):
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


_DAY_TAB = ((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31))


def _decode_timezone(s: str) -> int:
    """DecodeTimezone: '+05', '-0530', '+05:30:15' -> seconds east."""
    if not s or s[0] not in "+-":
        raise _DtErr(BAD_FORMAT)
    hr, cp = _strtoint(s, 1)
    if hr is None:
        hr, cp = 0, 1
    sec = 0
    if cp < len(s) and s[cp] == ":":
        mn, cp2 = _strtoint(s, cp + 1)
        mn = mn if mn is not None else 0
        cp = cp2 if cp2 != cp + 1 else cp + 1
        if cp < len(s) and s[cp] == ":":
            sv, cp3 = _strtoint(s, cp + 1)
            sec = sv if sv is not None else 0
            cp = cp3 if cp3 != cp + 1 else cp + 1
    elif cp == len(s) and len(s) > 3:
        mn = hr % 100
        hr = hr // 100
    else:
        mn = 0
    if hr < 0 or hr > 15 or mn < 0 or mn >= 60 or sec < 0 or sec >= 60:
        raise _DtErr(TZDISP_OVERFLOW)
    tz = (hr * 60 + mn) * 60 + sec
    if s[0] == "-":
        tz = -tz
    if cp != len(s):
        raise _DtErr(BAD_FORMAT)
    return tz


def _decode_time(s: str, rng: int = INTERVAL_FULL_RANGE):
    """DecodeTimeCommon: 'hh:mm[:ss[.fff]]' (or 'mm:ss.fff') -> (hour, min, sec, usec)."""
    hour, cp = _strtoint(s, 0)
    if hour is None or cp >= len(s) or s[cp] != ":":
        raise _DtErr(BAD_FORMAT)
    mn, cp2 = _strtoint(s, cp + 1)
    if mn is None:
        mn, cp2 = 0, cp + 1
    cp = cp2
    fsec = 0
    if cp == len(s):
        sec = 0
        if rng == (IM_MINUTE | IM_SECOND):
            sec, mn, hour = mn, hour, 0
    elif s[cp] == ".":
        fsec = _parse_fractional_second(s[cp:])
        sec, mn, hour = mn, hour, 0
    elif s[cp] == ":":
        sec, cp3 = _strtoint(s, cp + 1)
        if sec is None:
            sec, cp3 = 0, cp + 1
        cp = cp3
        if cp < len(s):
            if s[cp] == ".":
                fsec = _parse_fractional_second(s[cp:])
            else:
                raise _DtErr(BAD_FORMAT)
    else:
        raise _DtErr(BAD_FORMAT)
    if hour < 0 or mn < 0 or mn > 59 or sec < 0 or sec > 60 or fsec < 0 or fsec > 1000000:
        raise _DtErr(FIELD_OVERFLOW)
    return hour, mn, sec, fsec


def _decode_number_field(s: str, fmask: int, tm: _TM, st: dict):
    """DecodeNumberField: run-together date (yyyymmdd) or time (hhmmss[.fff]); returns (dtk, tmask)."""
    if s.strip("0123456789.") != "":
        raise _DtErr(BAD_FORMAT)
    if len(s) > 40:
        raise _DtErr(FIELD_OVERFLOW)
    cp = s.find(".")
    if cp >= 0:
        tm.fsec = _parse_fractional_second(s[cp:])
        s = s[:cp]
    elif (fmask & DATE_M) != DATE_M:
        if len(s) >= 6:
            tm.mday = int(s[-2:])
            tm.mon = int(s[-4:-2])
            tm.year = int(s[:-4])
            if len(s) - 4 == 2:
                st["is2digits"] = True
            return K_DATE, DATE_M
    if (fmask & TIME_M) != TIME_M:
        if len(s) == 6:
            tm.sec = int(s[4:6])
            tm.min = int(s[2:4])
            tm.hour = int(s[0:2])
            return K_TIME, TIME_M
        if len(s) == 4:
            tm.sec = 0
            tm.min = int(s[2:4])
            tm.hour = int(s[0:2])
            return K_TIME, TIME_M
    raise _DtErr(BAD_FORMAT)


def _decode_number(s: str, have_text_month: bool, fmask: int, tm: _TM, st: dict) -> int:
    """DecodeNumber: a plain number in date context; returns tmask."""
    flen = len(s)
    val, cp = _strtoint(s, 0)
    if val is None:
        raise _DtErr(BAD_FORMAT)
    _int32_check(val)
    if cp < flen and s[cp] == ".":
        if cp > 2:
            _, tmask = _decode_number_field(s, fmask | DATE_M, tm, st)
            return tmask
        tm.fsec = _parse_fractional_second(s[cp:])
    elif cp != flen:
        raise _DtErr(BAD_FORMAT)
    if flen == 3 and (fmask & DATE_M) == M(YEAR) and 1 <= val <= 366:
        tm.yday = val
        return M(DOY) | M(MONTH) | M(DAY)
    f = fmask & DATE_M
    if f == 0:
        order = date_order.get()
        if flen >= 3 or order == "YMD":
            tmask = M(YEAR)
            tm.year = val
        elif order == "DMY":
            tmask = M(DAY)
            tm.mday = val
        else:
            tmask = M(MONTH)
            tm.mon = val
    elif f == M(YEAR):
        tmask = M(MONTH)
        tm.mon = val
    elif f == M(MONTH):
        if have_text_month:
            if flen >= 3 or date_order.get() == "YMD":
                tmask = M(YEAR)
                tm.year = val
            else:
                tmask = M(DAY)
                tm.mday = val
        else:
            tmask = M(DAY)
            tm.mday = val
    elif f == M(YEAR) | M(MONTH):
        if have_text_month:
            if flen >= 3 and st.get("is2digits"):
                tmask = M(DAY)
                tm.mday = tm.year
                tm.year = val
                st["is2digits"] = False
            else:
                tmask = M(DAY)
                tm.mday = val
        else:
            tmask = M(DAY)
            tm.mday = val
    elif f == M(DAY):
        tmask = M(MONTH)
        tm.mon = val
    elif f == M(MONTH) | M(DAY):
        tmask = M(YEAR)
        tm.year = val
    elif f == DATE_M:
        _, tmask = _decode_number_field(s, fmask, tm, st)
        return tmask
    else:
        raise _DtErr(BAD_FORMAT)
    if tmask == M(YEAR):
        st["is2digits"] = flen <= 2
    return tmask


def _decode_date(s: str, fmask: int, tm: _TM, st: dict) -> int:
    """DecodeDate: a field with delimiters ('2024-01-02', 'jan-02-2024'); returns tmask."""
    parts = []
    i, n = 0, len(s)
    while i < n:
        while i < n and not _isalnum(s[i]):
            i += 1
        if i >= n:
            raise _DtErr(BAD_FORMAT)
        j = i
        if _isdigit(s[i]):
            while j < n and _isdigit(s[j]):
                j += 1
        else:
            while j < n and _isalpha(s[j]):
                j += 1
        parts.append(s[i:j])
        i = j
        if i < n:
            i += 1  # skip one delimiter
        if len(parts) >= 25:
            break
    tmask = 0
    have_text_month = False
    rest = []
    for p in parts:
        if p and _isalpha(p[0]):
            typ, val = _decode_special(p.lower())
            if typ == IGNORE:
                continue
            if typ != MONTH:
                raise _DtErr(BAD_FORMAT)
            dmask = M(MONTH)
            tm.mon = val
            have_text_month = True
            if fmask & dmask:
                raise _DtErr(BAD_FORMAT)
            fmask |= dmask
            tmask |= dmask
        else:
            rest.append(p)
    for p in rest:
        if not p:
            raise _DtErr(BAD_FORMAT)
        dmask = _decode_number(p, have_text_month, fmask, tm, st)
        if fmask & dmask:
            raise _DtErr(BAD_FORMAT)
        fmask |= dmask
        tmask |= dmask
    if (fmask & ~(M(DOY) | M(TZ))) != DATE_M:
        raise _DtErr(BAD_FORMAT)
    return tmask


def _validate_date(fmask: int, isjulian: bool, is2digits: bool, bc: bool, tm: _TM):
    if fmask & M(YEAR):
        if isjulian:
            pass
        elif bc:
            if tm.year <= 0:
                raise _DtErr(FIELD_OVERFLOW)
            tm.year = -(tm.year - 1)
        elif is2digits:
            if tm.year < 0:
                raise _DtErr(FIELD_OVERFLOW)
            if tm.year < 70:
                tm.year += 2000
            elif tm.year < 100:
                tm.year += 1900
        elif tm.year <= 0:
            raise _DtErr(FIELD_OVERFLOW)
    if fmask & M(DOY):
        tm.year, tm.mon, tm.mday = _j2date(_date2j(tm.year, 1, 1) + tm.yday - 1)
    if fmask & M(MONTH):
        if tm.mon < 1 or tm.mon > 12:
            raise _DtErr(MD_FIELD_OVERFLOW)
    if fmask & M(DAY):
        if tm.mday < 1 or tm.mday > 31:
            raise _DtErr(MD_FIELD_OVERFLOW)
    if (fmask & DATE_M) == DATE_M:
        if tm.mday > _DAY_TAB[_isleap(tm.year)][tm.mon - 1]:
            raise _DtErr(FIELD_OVERFLOW)


def _time_overflows(hour, mn, sec, fsec) -> bool:
    if hour < 0 or hour > 24 or mn < 0 or mn >= 60 or sec < 0 or sec > 60 or fsec < 0 or fsec > 1000000:
        return True
    return (((hour * 60 + mn) * 60 + sec) * 1000000 + fsec) > USECS_PER_DAY


def _zone_by_name(name: str):
    z = _tz.lookup_zone(name)
    if z is None:
        raise _DtErr(BAD_TIMEZONE, name)
    return z


def _local_tm_now(zone):
    """Statement time as local wall-clock fields in ``zone``: (datetime local, offset seconds east)."""
    now = _now()
    local = now.astimezone(zone) if zone is not UTC else now
    off = local.utcoffset()
    return _naive(local), off.days * 86400 + off.seconds


def _naive(d):
    return datetime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond)


def _aware_utc(d):
    return datetime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond, UTC)


def _offset_in_zone(zone, tm: _TM) -> int:
    """DetermineTimeZoneOffset for the local time in tm."""
    if zone is UTC:
        return 0
    if isinstance(zone, _dt.timezone):
        off = zone.utcoffset(None)
        return off.days * 86400 + off.seconds
    try:
        local = datetime(tm.year, tm.mon, tm.mday, min(tm.hour, 23), tm.min, min(tm.sec, 59))
    except (ValueError, OverflowError):
        return 0
    return _tz.utc_offset_seconds(zone, local)


def _decode_ptype_number(field: str, ptype: int, fmask: int, tm: _TM, st: dict):
    """A number labelled by a preceding unit ('y2001', 'j2451187', 't040506'): (tmask, isjulian)."""
    val, cp = _c_strtol(field, 0)
    _int32_check(val)
    isjulian = False
    if cp < len(field) and field[cp] == ".":
        if ptype not in (K_JULIAN, K_TIME, K_SECOND):
            raise _DtErr(BAD_FORMAT)
    elif cp != len(field):
        raise _DtErr(BAD_FORMAT)
    if ptype == K_YEAR:
        tm.year = val
        tmask = M(YEAR)
    elif ptype == K_MONTH:
        if (fmask & M(MONTH)) and (fmask & M(HOUR)):
            tm.min = val
            tmask = M(MINUTE)
        else:
            tm.mon = val
            tmask = M(MONTH)
    elif ptype == K_DAY:
        tm.mday = val
        tmask = M(DAY)
    elif ptype == K_HOUR:
        tm.hour = val
        tmask = M(HOUR)
    elif ptype == K_MINUTE:
        tm.min = val
        tmask = M(MINUTE)
    elif ptype == K_SECOND:
        tm.sec = val
        tmask = M(SECOND)
        if cp < len(field) and field[cp] == ".":
            tm.fsec = _parse_fractional_second(field[cp:])
            tmask = ALL_SECS_M
    elif ptype == K_TZ:
        tmask = M(TZ)
        tm.tz = _decode_timezone(field)
    elif ptype == K_JULIAN:
        if val < 0:
            raise _DtErr(FIELD_OVERFLOW)
        tmask = DATE_M
        tm.year, tm.mon, tm.mday = _j2date(val)
        isjulian = True
        if cp < len(field) and field[cp] == ".":
            t = int(_parse_fraction(field[cp:]) * USECS_PER_DAY)
            tm.hour, r = divmod(t, USECS_PER_HOUR)
            tm.min, r = divmod(r, USECS_PER_MINUTE)
            tm.sec, tm.fsec = divmod(r, USECS_PER_SEC)
            tmask |= TIME_M
    elif ptype == K_TIME:
        _, tmask = _decode_number_field(field, fmask | DATE_M, tm, st)
        if tmask != TIME_M:
            raise _DtErr(BAD_FORMAT)
    else:
        raise _DtErr(BAD_FORMAT)
    return tmask, isjulian


def decode_datetime(fields, session_zone):
    """DecodeDateTime.  Returns (dtype, tm); tm.tz is the zone offset (seconds east) or None."""
    tm = _TM()
    fmask = 0
    ptype = 0
    mer = HR24
    have_text_month = False
    isjulian = False
    bc = False
    st = {"is2digits": False}
    named_tz = None
    dtype = K_DATE
    tz = None
    nf = len(fields)
    for i in range(nf):
        field, ftype = fields[i]
        if ftype == F_DATE:
            if ptype == K_JULIAN:
                val, cp = _c_strtol(field, 0)
                if val < 0 or val > INT32_MAX:
                    raise _DtErr(FIELD_OVERFLOW)
                tm.year, tm.mon, tm.mday = _j2date(val)
                isjulian = True
                tz = _decode_timezone(field[cp:])
                tmask = DATE_M | TIME_M | M(TZ)
                ptype = 0
            elif ptype != 0 or (fmask & (M(MONTH) | M(DAY))) == (M(MONTH) | M(DAY)):
                if _isdigit(field[0]) or ptype != 0:
                    if ptype != 0:
                        if ptype != K_TIME:
                            raise _DtErr(BAD_FORMAT)
                        ptype = 0
                    if (fmask & TIME_M) == TIME_M:
                        raise _DtErr(BAD_FORMAT)
                    cp = field.find("-")
                    if cp < 0:
                        raise _DtErr(BAD_FORMAT)
                    tz = _decode_timezone(field[cp:])
                    _, tmask = _decode_number_field(field[:cp], fmask, tm, st)
                    tmask |= M(TZ)
                else:
                    named_tz = _zone_by_name(field)
                    tmask = M(TZ)
            else:
                tmask = _decode_date(field, fmask, tm, st)
        elif ftype == F_TIME:
            if ptype != 0:  # only an ISO "t" may label a time field here
                if ptype != K_TIME:
                    raise _DtErr(BAD_FORMAT)
                ptype = 0
            tm.hour, tm.min, tm.sec, tm.fsec = _decode_time(field)
            tmask = TIME_M
            if _time_overflows(tm.hour, tm.min, tm.sec, tm.fsec):
                raise _DtErr(FIELD_OVERFLOW)
        elif ftype == F_TZ:
            tz = _decode_timezone(field)
            tmask = M(TZ)
        elif ftype == F_NUMBER:
            if ptype != 0:
                tmask, jul = _decode_ptype_number(field, ptype, fmask, tm, st)
                isjulian = isjulian or jul
                if ptype == K_TZ:
                    tz = tm.tz
                ptype = 0
                dtype = K_DATE
            else:
                flen = len(field)
                cp = field.find(".")
                if cp >= 0 and not (fmask & DATE_M):
                    tmask = _decode_date(field, fmask, tm, st)
                elif cp >= 0 and cp > 2:
                    _, tmask = _decode_number_field(field, fmask, tm, st)
                elif flen >= 6 and (not (fmask & DATE_M) or not (fmask & TIME_M)):
                    _, tmask = _decode_number_field(field, fmask, tm, st)
                else:
                    tmask = _decode_number(field, have_text_month, fmask, tm, st)
        elif ftype == F_STRING or ftype == F_SPECIAL:
            typ, val = _decode_tz_abbrev(field)
            if typ == UNKNOWN:
                typ, val = _decode_special(field)
            if typ == IGNORE:
                continue
            tmask = M(typ)
            if typ == RESERV:
                if val == K_NOW:
                    tmask = DATE_M | TIME_M | M(TZ)
                    dtype = K_DATE
                    local, off = _local_tm_now(session_zone)
                    tm.year, tm.mon, tm.mday = local.year, local.month, local.day
                    tm.hour, tm.min, tm.sec, tm.fsec = local.hour, local.minute, local.second, local.microsecond
                    tz = off
                elif val in (K_YESTERDAY, K_TODAY, K_TOMORROW):
                    tmask = DATE_M
                    dtype = K_DATE
                    local, _off = _local_tm_now(session_zone)
                    d = local.date()
                    if val == K_YESTERDAY:
                        d = d - timedelta(days=1)
                    elif val == K_TOMORROW:
                        d = d + timedelta(days=1)
                    tm.year, tm.mon, tm.mday = d.year, d.month, d.day
                elif val == K_ZULU:
                    tmask = TIME_M | M(TZ)
                    dtype = K_DATE
                    tm.hour = tm.min = tm.sec = 0
                    tz = 0
                else:  # epoch, infinity, -infinity (PostgreSQL 15: tmask stays DTK_M(RESERV))
                    dtype = val
            elif typ == MONTH:
                if (fmask & M(MONTH)) and not have_text_month and not (fmask & M(DAY)) and 1 <= tm.mon <= 31:
                    tm.mday = tm.mon
                    tmask = M(DAY)
                have_text_month = True
                tm.mon = val
            elif typ == DTZMOD:
                tmask |= M(DTZ)
                tm.isdst = 1
                tz = (tz or 0) + val
            elif typ == DTZ:
                tmask |= M(TZ)
                tm.isdst = 1
                tz = val
            elif typ == TZ:
                tm.isdst = 0
                tz = val
            elif typ == AMPM:
                mer = val
            elif typ == ADBC:
                bc = val == BC
            elif typ == DOW:
                tm.wday = val
            elif typ == UNITS:
                tmask = 0
                ptype = val
            elif typ == ISOTIME:
                tmask = 0
                if (fmask & DATE_M) != DATE_M:
                    raise _DtErr(BAD_FORMAT)  # no preceding date
                if i >= nf - 1 or fields[i + 1][1] not in (F_NUMBER, F_TIME, F_DATE):
                    raise _DtErr(BAD_FORMAT)
                ptype = val
            elif typ == UNKNOWN:
                z = _tz.lookup_zone(field)
                if z is None:
                    raise _DtErr(BAD_FORMAT)
                named_tz = z
                tmask = M(TZ)
            else:
                raise _DtErr(BAD_FORMAT)
        else:
            raise _DtErr(BAD_FORMAT)
        if tmask & fmask:
            raise _DtErr(BAD_FORMAT)
        fmask |= tmask

    _validate_date(fmask, isjulian, st["is2digits"], bc, tm)
    if mer != HR24 and tm.hour > 12:
        raise _DtErr(FIELD_OVERFLOW)
    if mer == AM and tm.hour == 12:
        tm.hour = 0
    elif mer == PM and tm.hour != 12:
        tm.hour += 12
    if dtype == K_DATE:
        if (fmask & DATE_M) != DATE_M:
            if (fmask & TIME_M) == TIME_M:
                raise _DtErr(BAD_FORMAT)  # time only: callers reject (PostgreSQL returns 1)
            raise _DtErr(BAD_FORMAT)
        if named_tz is not None:
            if fmask & M(DTZMOD):
                raise _DtErr(BAD_FORMAT)
            tz = _offset_in_zone(named_tz, tm)
        if not (fmask & M(TZ)):
            if fmask & M(DTZMOD):
                raise _DtErr(BAD_FORMAT)
            tz = None  # caller applies the session zone
    tm.tz = tz
    return dtype, tm


def decode_time_only(fields, session_zone):
    """DecodeTimeOnly (for time input): returns tm with hour/min/sec/fsec."""
    tm = _TM()
    fmask = 0
    ptype = 0
    isjulian = False
    bc = False
    mer = HR24
    named_tz = None
    st = {"is2digits": False}
    nf = len(fields)
    ftypes = [f[1] for f in fields]
    for i in range(nf):
        field, ftype = fields[i]
        if ftype == F_DATE:
            if i == 0 and nf >= 2 and (ftypes[nf - 1] == F_DATE or ftypes[1] == F_TIME):
                tmask = _decode_date(field, fmask, tm, st)
            elif _isdigit(field[0]):
                if (fmask & TIME_M) == TIME_M:
                    raise _DtErr(BAD_FORMAT)
                cp = field.find("-")
                if cp < 0:
                    raise _DtErr(BAD_FORMAT)
                tm.tz = _decode_timezone(field[cp:])
                dt_, tmask = _decode_number_field(field[:cp], fmask | DATE_M, tm, st)
                ftypes[i] = dt_
                tmask |= M(TZ)
            else:
                named_tz = _zone_by_name(field)
                ftypes[i] = F_TZ
                tmask = M(TZ)
        elif ftype == F_TIME:
            tm.hour, tm.min, tm.sec, tm.fsec = _decode_time(field)
            tmask = TIME_M
        elif ftype == F_TZ:
            tm.tz = _decode_timezone(field)
            tmask = M(TZ)
        elif ftype == F_NUMBER:
            if ptype != 0:
                tmask, jul = _decode_ptype_number(field, ptype, fmask, tm, st)
                isjulian = isjulian or jul
                ptype = 0
            else:
                flen = len(field)
                cp = field.find(".")
                if cp >= 0:
                    if i == 0 and nf >= 2 and ftypes[nf - 1] == F_DATE:
                        tmask = _decode_date(field, fmask, tm, st)
                    elif cp > 2:
                        dt_, tmask = _decode_number_field(field, fmask | DATE_M, tm, st)
                        ftypes[i] = dt_
                    else:
                        raise _DtErr(BAD_FORMAT)
                elif flen > 4:
                    dt_, tmask = _decode_number_field(field, fmask | DATE_M, tm, st)
                    ftypes[i] = dt_
                else:
                    tmask = _decode_number(field, False, fmask | DATE_M, tm, st)
        elif ftype == F_STRING or ftype == F_SPECIAL:
            typ, val = _decode_tz_abbrev(field)
            if typ == UNKNOWN:
                typ, val = _decode_special(field)
            if typ == IGNORE:
                continue
            tmask = M(typ)
            if typ == RESERV:
                if val == K_NOW:
                    tmask = TIME_M
                    local, _off = _local_tm_now(session_zone)
                    tm.hour, tm.min, tm.sec, tm.fsec = local.hour, local.minute, local.second, local.microsecond
                elif val == K_ZULU:
                    tmask = TIME_M | M(TZ)
                    tm.hour = tm.min = tm.sec = 0
                else:
                    raise _DtErr(BAD_FORMAT)
            elif typ == DTZMOD:
                tmask |= M(DTZ)
            elif typ in (DTZ, TZ):
                if typ == DTZ:
                    tmask |= M(TZ)
                ftypes[i] = F_TZ
            elif typ == AMPM:
                mer = val
            elif typ == ADBC:
                bc = val == BC
            elif typ == UNITS:
                tmask = 0
                ptype = val
            elif typ == ISOTIME:
                tmask = 0
                if i >= nf - 1 or ftypes[i + 1] not in (F_NUMBER, F_TIME, F_DATE):
                    raise _DtErr(BAD_FORMAT)
                ptype = val
            elif typ == UNKNOWN:
                named_tz = _tz.lookup_zone(field)
                if named_tz is None:
                    raise _DtErr(BAD_FORMAT)
                tmask = M(TZ)
            else:
                raise _DtErr(BAD_FORMAT)
        else:
            raise _DtErr(BAD_FORMAT)
        if tmask & fmask:
            raise _DtErr(BAD_FORMAT)
        fmask |= tmask
    _validate_date(fmask, isjulian, st["is2digits"], bc, tm)
    if mer != HR24 and tm.hour > 12:
        raise _DtErr(FIELD_OVERFLOW)
    if mer == AM and tm.hour == 12:
        tm.hour = 0
    elif mer == PM and tm.hour != 12:
        tm.hour += 12
    if _time_overflows(tm.hour, tm.min, tm.sec, tm.fsec):
        raise _DtErr(FIELD_OVERFLOW)
    if (fmask & TIME_M) != TIME_M:
        raise _DtErr(BAD_FORMAT)
    if named_tz is not None:
        if fmask & M(DTZMOD):
            raise _DtErr(BAD_FORMAT)
        if not _zone_is_fixed(named_tz) and (fmask & DATE_M) != DATE_M:
            raise _DtErr(BAD_FORMAT)  # a zone with DST needs a date
    if not (fmask & M(TZ)):
        # the session zone applies: a partial date is an error ('04:05:06 d02')
        if fmask & M(DTZMOD):
            raise _DtErr(BAD_FORMAT)
        if (fmask & DATE_M) and (fmask & DATE_M) != DATE_M:
            raise _DtErr(BAD_FORMAT)
    return tm


_FIXED_PROBES = [datetime(y, m, 1) for y in (1850, 1900, 1950, 1980, 2000, 2024) for m in (1, 7)]


def _zone_is_fixed(zone) -> bool:
    """pg_get_timezone_offset: does the zone have a single UTC offset in all its history?"""
    if zone is UTC or isinstance(zone, _dt.timezone):
        return True
    offs = {zone.utcoffset(d) for d in _FIXED_PROBES}
    return len(offs) == 1


def _raise_dterr(e: _DtErr, s: str, typname: str):
    if e.code == FIELD_OVERFLOW:
        raise PgError(f'date/time field value out of range: "{s}"', DATETIME_OVERFLOW) from None
    if e.code == MD_FIELD_OVERFLOW:
        raise PgError(f'date/time field value out of range: "{s}"', DATETIME_OVERFLOW,
                      hint='Perhaps you need a different "datestyle" setting.') from None
    if e.code == INTERVAL_OVERFLOW_ERR:
        raise PgError(f'interval field value out of range: "{s}"', INTERVAL_OVERFLOW) from None
    if e.code == TZDISP_OVERFLOW:
        raise PgError(f'time zone displacement out of range: "{s}"', TZ_DISPLACEMENT) from None
    if e.code == BAD_TIMEZONE:
        raise PgError(f'time zone "{e.tzname}" not recognized', INVALID_PARAM) from None
    raise PgError(f'invalid input syntax for type {typname}: "{s}"', BAD_DATETIME) from None


# ---------------------------------------------------------------------- fast paths
#
# The common ISO shapes are recognized by a regex and handed to the C-level
# fromisoformat(); anything else (or anything fromisoformat rejects) takes the
# full PostgreSQL decoder, which also produces the exact error messages.

_ISO_TS_BODY = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?")
_ISO_ZONE = re.compile(r"(?:Z|z|[+-]\d\d(?::?\d\d)?)\Z")
_ISO_TIME = re.compile(r"\d\d:\d\d(?::\d\d(?:\.\d{1,6})?)?\Z")
_fromiso_dt = datetime.fromisoformat
_fromiso_d = date.fromisoformat
_fromiso_t = time.fromisoformat
_ZONE_OFFSETS: dict = {}


def _fast_offset(z: str):
    off = _ZONE_OFFSETS.get(z)
    if off is None:
        if not _ISO_ZONE.match(z):
            return None
        if z in ("Z", "z"):
            off = 0
        else:
            sign = -1 if z[0] == "-" else 1
            h = int(z[1:3])
            m = int(z[-2:]) if len(z) > 3 else 0
            if h > 15:
                return None
            off = sign * (h * 3600 + m * 60)
        if len(_ZONE_OFFSETS) < 512:
            _ZONE_OFFSETS[z] = off
    return off


def _fast_local(s: str):
    """(naive datetime, zone suffix) for 'YYYY-MM-DD HH:MM[:SS[.ffffff]][zone]', else None."""
    m = _ISO_TS_BODY.match(s)
    if m is None:
        return None
    e = m.end()
    body = s if e == len(s) else s[:e]
    try:
        local = _fromiso_dt(body)
    except ValueError:
        return None
    return local, s[e:]


# ---------------------------------------------------------------------- input functions


def _tm_to_datetime(tm: _TM, s: str, typname: str) -> datetime:
    if tm.year < 1 or tm.year > 9999:
        raise PgError(f'{"date" if typname == "date" else "timestamp"} out of range: "{s}"', DATETIME_OVERFLOW,
                      hint="heliosd supports years 1 to 9999 AD.")
    try:
        base = datetime(tm.year, tm.mon, tm.mday)
        if tm.hour or tm.min or tm.sec or tm.fsec:
            base += timedelta(hours=tm.hour, minutes=tm.min, seconds=tm.sec, microseconds=tm.fsec)
    except (ValueError, OverflowError):
        raise PgError(f'{"date" if typname == "date" else "timestamp"} out of range: "{s}"',
                      DATETIME_OVERFLOW) from None
    return base


def date_in(s: str, typmod: int = -1, tz=None):
    if len(s) == 10 and s[4] == "-" and s[7] == "-":
        try:
            return _fromiso_d(s)
        except ValueError:
            pass
    try:
        fields = parse_datetime_fields(s)
        dtype, tm = decode_datetime(fields, tz or UTC)
    except _DtErr as e:
        _raise_dterr(e, s, "date")
    if dtype == K_EPOCH:
        return date(1970, 1, 1)
    if dtype == K_LATE:
        return DATE_INFINITY
    if dtype == K_EARLY:
        return DATE_NEG_INFINITY
    if tm.year < 1 or tm.year > 9999:
        raise PgError(f'date out of range: "{s}"', DATETIME_OVERFLOW, hint="heliosd supports years 1 to 9999 AD.")
    return date(tm.year, tm.mon, tm.mday)


def _timestamp_parse(s: str, tz, aware: bool, typname: str):
    zone = tz or UTC
    m = _ISO_TS_BODY.match(s)
    if m is not None:
        e = m.end()
        if e == len(s):
            if not aware:
                try:
                    return _fromiso_dt(s)
                except ValueError:
                    pass
            elif zone is UTC:
                try:
                    return _fromiso_dt(s + "+00:00")
                except ValueError:
                    pass
            else:
                try:
                    local = _fromiso_dt(s)
                except ValueError:
                    local = None
                if local is not None:
                    off = _tz.utc_offset_seconds(zone, local)
                    try:
                        return _aware_utc(local - timedelta(seconds=off))
                    except OverflowError:
                        pass
        else:
            z = s[e:]
            off = _fast_offset(z)
            if off is not None:
                try:
                    if not aware:
                        return _fromiso_dt(s[:e])
                    if not off:
                        return _fromiso_dt(s[:e] + "+00:00")
                    return _fromiso_dt(s).astimezone(UTC)
                except (ValueError, OverflowError):
                    pass
    try:
        fields = parse_datetime_fields(s)
        dtype, tm = decode_datetime(fields, zone)
    except _DtErr as e:
        _raise_dterr(e, s, typname)
    if dtype == K_EPOCH:
        return datetime(1970, 1, 1, tzinfo=UTC if aware else None)
    if dtype == K_LATE:
        return TIMESTAMPTZ_INFINITY if aware else TIMESTAMP_INFINITY
    if dtype == K_EARLY:
        return TIMESTAMPTZ_NEG_INFINITY if aware else TIMESTAMP_NEG_INFINITY
    local = _tm_to_datetime(tm, s, typname)
    if not aware:
        return local
    off = tm.tz
    if off is None:
        off = _tz.utc_offset_seconds(zone, local) if tm.hour < 24 else _offset_in_zone(zone, tm)
    try:
        r = local - timedelta(seconds=off)
        if r.year < 1 or r.year > 9999:
            raise OverflowError
        return _aware_utc(r)
    except OverflowError:
        raise PgError(f'timestamp out of range: "{s}"', DATETIME_OVERFLOW) from None


def timestamp_in(s: str, typmod: int = -1, tz=None):
    v = _timestamp_parse(s, tz, False, "timestamp")
    if typmod >= 0 and v.microsecond:
        v = apply_timestamp_typmod(v, typmod)
    return v


def timestamptz_in(s: str, typmod: int = -1, tz=None):
    v = _timestamp_parse(s, tz, True, "timestamp with time zone")
    if typmod >= 0 and v.microsecond:
        v = apply_timestamp_typmod(v, typmod)
    return v


def time_in(s: str, typmod: int = -1, tz=None):
    if _ISO_TIME.match(s):
        try:
            t = _fromiso_t(s)
        except ValueError:
            t = None
        if t is not None:
            if typmod >= 0 and t.microsecond:
                t = apply_time_typmod(t, typmod)
            return t
    try:
        fields = parse_datetime_fields(s)
        tm = decode_time_only(fields, tz or UTC)
    except _DtErr as e:
        _raise_dterr(e, s, "time")
    n = ((tm.hour * 60 + tm.min) * 60 + tm.sec) * USECS_PER_SEC + tm.fsec
    if typmod >= 0:
        n = adjust_time_micros(n, typmod)
    return micros_to_time(n)


# ---------------------------------------------------------------------- interval input

class _ITM:
    __slots__ = ("usec", "mday", "mon", "year")

    def __init__(self):
        self.usec = 0
        self.mday = 0
        self.mon = 0
        self.year = 0


def _chk64(v):
    if v < INT64_MIN or v > INT64_MAX:
        raise _DtErr(FIELD_OVERFLOW)
    return v


def _chk32(v):
    if v < INT32_MIN or v > INT32_MAX:
        raise _DtErr(FIELD_OVERFLOW)
    return v


def _adjust_fract_micros(frac: float, scale: int, itm: _ITM):
    if frac == 0:
        return
    frac *= scale
    usec = int(frac)
    frac -= usec
    if frac > 0.5:
        usec += 1
    elif frac < -0.5:
        usec -= 1
    itm.usec = _chk64(itm.usec + usec)


def _adjust_fract_days(frac: float, scale: int, itm: _ITM):
    if frac == 0:
        return
    frac *= scale
    extra = int(frac)
    itm.mday = _chk32(itm.mday + extra)
    frac -= extra
    _adjust_fract_micros(frac, USECS_PER_DAY, itm)


def _adjust_fract_years(frac: float, scale: int, itm: _ITM):
    extra = int(round(frac * scale * 12))
    itm.mon = _chk32(itm.mon + extra)


def _adjust_micros(val: int, fval: float, scale: int, itm: _ITM):
    itm.usec = _chk64(itm.usec + _chk64(val * scale))
    _adjust_fract_micros(fval, scale, itm)


def _adjust_days(val: int, scale: int, itm: _ITM):
    _chk32(val)
    itm.mday = _chk32(itm.mday + _chk32(val * scale))


def _adjust_months(val: int, itm: _ITM):
    _chk32(val)
    itm.mon = _chk32(itm.mon + val)


def _adjust_years(val: int, scale: int, itm: _ITM):
    _chk32(val)
    itm.year = _chk32(itm.year + _chk32(val * scale))


def _strtoi64(s: str, pos: int = 0):
    v, cp = _strtoint(s, pos)
    if v is not None and (v < INT64_MIN or v > INT64_MAX):
        raise _DtErr(FIELD_OVERFLOW)
    return v, cp


def decode_interval(fields, rng: int) -> _ITM:
    """DecodeInterval (IntervalStyle postgres)."""
    itm = _ITM()
    is_before = False
    fmask = 0
    typ = IGNORE
    nf = len(fields)
    force_negative = False
    if nf and fields[0][0][:1] == "-" and interval_style.get() == "sql_standard":
        force_negative = not any(f[0][:1] in "+-" for f in fields[1:])
    for i in range(nf - 1, -1, -1):
        field, ftype = fields[i]
        if ftype == F_TIME:
            h, mi, se, us = _decode_time(field, rng)
            itm.usec = _chk64(us + h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + se * USECS_PER_SEC)
            if force_negative and itm.usec > 0:
                itm.usec = -itm.usec
            tmask = TIME_M
            typ = K_DAY
        elif ftype in (F_TZ, F_DATE, F_NUMBER):
            handled = False
            if ftype == F_TZ and ":" in field[1:]:
                try:
                    h, mi, se, us = _decode_time(field[1:], rng)
                    usec = _chk64(us + h * USECS_PER_HOUR + mi * USECS_PER_MINUTE + se * USECS_PER_SEC)
                    ok = True
                except _DtErr:
                    ok = False  # PostgreSQL falls through to the number syntax (and fails there)
                if ok:
                    itm.usec = -usec if field[0] == "-" else usec
                    if force_negative and itm.usec > 0:
                        itm.usec = -itm.usec
                    tmask = TIME_M
                    typ = K_DAY
                    handled = True
            if not handled:
                if typ == IGNORE:
                    if rng == IM_YEAR:
                        typ = K_YEAR
                    elif rng in (IM_MONTH, IM_YEAR | IM_MONTH):
                        typ = K_MONTH
                    elif rng == IM_DAY:
                        typ = K_DAY
                    elif rng in (IM_HOUR, IM_DAY | IM_HOUR):
                        typ = K_HOUR
                    elif rng in (IM_MINUTE, IM_HOUR | IM_MINUTE, IM_DAY | IM_HOUR | IM_MINUTE):
                        typ = K_MINUTE
                    else:
                        typ = K_SECOND
                val, cp = _c_strtol(field, 0)
                if val < INT64_MIN or val > INT64_MAX:
                    raise _DtErr(FIELD_OVERFLOW)
                if cp < len(field) and field[cp] == "-":
                    val2, cp2 = _c_strtol(field, cp + 1)
                    if val2 < 0 or val2 >= 12:
                        raise _DtErr(FIELD_OVERFLOW)
                    if cp2 != len(field):
                        raise _DtErr(BAD_FORMAT)
                    typ = K_MONTH
                    if field[0] == "-":
                        val2 = -val2
                    val = _chk64(_chk64(val * 12) + val2)
                    fval = 0.0
                elif cp < len(field) and field[cp] == ".":
                    fval = _parse_fraction(field[cp:])
                    if field[0] == "-":
                        fval = -fval
                elif cp == len(field):
                    fval = 0.0
                else:
                    raise _DtErr(BAD_FORMAT)
                if force_negative:
                    if val > 0:
                        val = -val
                    if fval > 0:
                        fval = -fval
                if typ == K_MICROSEC:
                    _adjust_micros(val, fval, 1, itm)
                    tmask = M(MICROSECOND)
                elif typ == K_MILLISEC:
                    _adjust_micros(val, fval, 1000, itm)
                    tmask = M(MILLISECOND)
                elif typ == K_SECOND:
                    _adjust_micros(val, fval, USECS_PER_SEC, itm)
                    tmask = M(SECOND) if fval == 0 else ALL_SECS_M
                elif typ == K_MINUTE:
                    _adjust_micros(val, fval, USECS_PER_MINUTE, itm)
                    tmask = M(MINUTE)
                elif typ == K_HOUR:
                    _adjust_micros(val, fval, USECS_PER_HOUR, itm)
                    tmask = M(HOUR)
                    typ = K_DAY
                elif typ == K_DAY:
                    _adjust_days(val, 1, itm)
                    _adjust_fract_micros(fval, USECS_PER_DAY, itm)
                    tmask = M(DAY)
                elif typ == K_WEEK:
                    _adjust_days(val, 7, itm)
                    _adjust_fract_days(fval, 7, itm)
                    tmask = M(WEEK)
                elif typ == K_MONTH:
                    _adjust_months(val, itm)
                    _adjust_fract_days(fval, 30, itm)
                    tmask = M(MONTH)
                elif typ == K_YEAR:
                    _adjust_years(val, 1, itm)
                    _adjust_fract_years(fval, 1, itm)
                    tmask = M(YEAR)
                elif typ == K_DECADE:
                    _adjust_years(val, 10, itm)
                    _adjust_fract_years(fval, 10, itm)
                    tmask = M(DECADE)
                elif typ == K_CENTURY:
                    _adjust_years(val, 100, itm)
                    _adjust_fract_years(fval, 100, itm)
                    tmask = M(CENTURY)
                elif typ == K_MILLENNIUM:
                    _adjust_years(val, 1000, itm)
                    _adjust_fract_years(fval, 1000, itm)
                    tmask = M(MILLENNIUM)
                else:
                    raise _DtErr(BAD_FORMAT)
        elif ftype in (F_STRING, F_SPECIAL):
            t, uval = _decode_units(field)
            if t == IGNORE:
                continue
            tmask = 0
            if t == UNITS:
                typ = uval
            elif t == AGO:
                is_before = True
                typ = uval
            else:
                raise _DtErr(BAD_FORMAT)
        else:
            raise _DtErr(BAD_FORMAT)
        if tmask & fmask:
            raise _DtErr(BAD_FORMAT)
        fmask |= tmask
    if fmask == 0:
        raise _DtErr(BAD_FORMAT)
    if is_before:
        itm.usec = _chk64(-itm.usec)
        itm.mday = _chk32(-itm.mday)
        itm.mon = _chk32(-itm.mon)
        itm.year = _chk32(-itm.year)
    return itm


_ISO_NUM = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def _parse_iso_number(s: str, pos: int):
    if pos >= len(s) or not (_isdigit(s[pos]) or s[pos] == "-" or s[pos] == "."):
        raise _DtErr(BAD_FORMAT)
    m = _ISO_NUM.match(s, pos)
    if m is None:
        raise _DtErr(BAD_FORMAT)
    val = float(m.group(0))
    if math.isnan(val) or val < -1.0e15 or val > 1.0e15:
        raise _DtErr(FIELD_OVERFLOW)
    ipart = int(math.floor(val)) if val >= 0 else -int(math.floor(-val))
    return m.end(), ipart, val - ipart


def _iso_int_width(s: str, pos: int) -> int:
    if pos < len(s) and s[pos] == "-":
        pos += 1
    n = 0
    while pos + n < len(s) and _isdigit(s[pos + n]):
        n += 1
    return n


def decode_iso8601_interval(s: str) -> _ITM:
    itm = _ITM()
    if len(s) < 2 or s[0] != "P":
        raise _DtErr(BAD_FORMAT)
    pos = 1
    datepart = True
    havefield = False
    n = len(s)
    while pos < n:
        if s[pos] == "T":
            datepart = False
            havefield = False
            pos += 1
            continue
        fieldstart = pos
        pos, val, fval = _parse_iso_number(s, pos)
        unit = s[pos] if pos < n else "\0"
        pos += 1
        if datepart:
            if unit == "Y":
                _adjust_years(val, 1, itm)
                _adjust_fract_years(fval, 1, itm)
            elif unit == "M":
                _adjust_months(val, itm)
                _adjust_fract_days(fval, 30, itm)
            elif unit == "W":
                _adjust_days(val, 7, itm)
                _adjust_fract_days(fval, 7, itm)
            elif unit == "D":
                _adjust_days(val, 1, itm)
                _adjust_fract_micros(fval, USECS_PER_DAY, itm)
            elif unit in ("T", "\0", "-"):
                if unit != "-" and _iso_int_width(s, fieldstart) == 8 and not havefield:
                    _adjust_years(_tdiv(val, 10000), 1, itm)
                    _adjust_months(_tdiv(val, 100) % 100 if val >= 0 else -((-val // 100) % 100), itm)
                    _adjust_days(val % 100 if val >= 0 else -((-val) % 100), 1, itm)
                    _adjust_fract_micros(fval, USECS_PER_DAY, itm)
                    if unit == "\0":
                        return itm
                    datepart = False
                    havefield = False
                    continue
                if havefield:
                    raise _DtErr(BAD_FORMAT)
                _adjust_years(val, 1, itm)
                _adjust_fract_years(fval, 1, itm)
                if unit == "\0":
                    return itm
                if unit == "T":
                    datepart = False
                    havefield = False
                    continue
                pos, val, fval = _parse_iso_number(s, pos)
                _adjust_months(val, itm)
                _adjust_fract_days(fval, 30, itm)
                if pos >= n:
                    return itm
                if s[pos] == "T":
                    datepart = False
                    havefield = False
                    continue
                if s[pos] != "-":
                    raise _DtErr(BAD_FORMAT)
                pos += 1
                pos, val, fval = _parse_iso_number(s, pos)
                _adjust_days(val, 1, itm)
                _adjust_fract_micros(fval, USECS_PER_DAY, itm)
                if pos >= n:
                    return itm
                if s[pos] == "T":
                    datepart = False
                    havefield = False
                    continue
                raise _DtErr(BAD_FORMAT)
            else:
                raise _DtErr(BAD_FORMAT)
        else:
            if unit == "H":
                _adjust_micros(val, fval, USECS_PER_HOUR, itm)
            elif unit == "M":
                _adjust_micros(val, fval, USECS_PER_MINUTE, itm)
            elif unit == "S":
                _adjust_micros(val, fval, USECS_PER_SEC, itm)
            elif unit in ("\0", ":"):
                if unit == "\0" and _iso_int_width(s, fieldstart) == 6 and not havefield:
                    _adjust_micros(_tdiv(val, 10000), 0, USECS_PER_HOUR, itm)
                    _adjust_micros(_tdiv(val, 100) - _tdiv(val, 10000) * 100, 0, USECS_PER_MINUTE, itm)
                    _adjust_micros(val - _tdiv(val, 100) * 100, 0, USECS_PER_SEC, itm)
                    _adjust_fract_micros(fval, 1, itm)
                    return itm
                if havefield:
                    raise _DtErr(BAD_FORMAT)
                _adjust_micros(val, fval, USECS_PER_HOUR, itm)
                if unit == "\0":
                    return itm
                pos, val, fval = _parse_iso_number(s, pos)
                _adjust_micros(val, fval, USECS_PER_MINUTE, itm)
                if pos >= n:
                    return itm
                if s[pos] != ":":
                    raise _DtErr(BAD_FORMAT)
                pos += 1
                pos, val, fval = _parse_iso_number(s, pos)
                _adjust_micros(val, fval, USECS_PER_SEC, itm)
                if pos >= n:
                    return itm
                raise _DtErr(BAD_FORMAT)
            else:
                raise _DtErr(BAD_FORMAT)
        havefield = True
    return itm


_INTERVAL_CACHE: dict = {}


def interval_in(s: str, typmod: int = -1, tz=None):
    """interval input (IntervalStyle postgres input rules; ISO 8601 and SQL forms too)."""
    key = (s, typmod, interval_style.get())  # sql_standard reads '-1 2:03:04' differently
    iv = _INTERVAL_CACHE.get(key)
    if iv is None:
        iv = _interval_in(s, typmod)
        if len(_INTERVAL_CACHE) >= 2048:
            _INTERVAL_CACHE.clear()
        _INTERVAL_CACHE[key] = iv  # Interval values are immutable
    return iv


def _interval_in(s: str, typmod: int = -1):
    rng = ((typmod >> 16) & 0x7FFF) if typmod >= 0 else INTERVAL_FULL_RANGE
    try:
        try:
            fields = parse_datetime_fields(s, 256)
            itm = decode_interval(fields, rng)
        except _DtErr as e:
            if e.code != BAD_FORMAT:
                raise
            itm = decode_iso8601_interval(s)
    except _DtErr as e:
        if e.code == FIELD_OVERFLOW:
            e.code = INTERVAL_OVERFLOW_ERR
        _raise_dterr(e, s, "interval")
    total_months = itm.year * 12 + itm.mon
    if total_months < INT32_MIN or total_months > INT32_MAX:
        raise PgError("interval out of range", DATETIME_OVERFLOW)
    iv = Interval(total_months, itm.mday, itm.usec)
    if typmod >= 0:
        iv = adjust_interval(iv, typmod)
    return iv
