"""Casts and coercion rules (PostgreSQL's pg_cast + parse_coerce.c).

Cast functions have the signature ``f(value, tz=None) -> value`` (``tz`` is
the session TimeZone, a tzinfo, for the casts that depend on it) and are
never called with ``None`` (SQL NULL maps to NULL without a call).

- :func:`find_cast` (src, dst, context) -> the conversion function, or None
  when the cast is not allowed in that context.  Does *not* apply a typmod.
- :func:`length_coercion` (dst, typmod, explicit) -> the typmod function
  (varchar(n) truncation or 22001, numeric(p,s) rounding, timestamp(p), ...).
- :func:`make_coercion` combines both; :func:`coerce` applies it to one value.
- :func:`can_coerce` / :func:`can_coerce_implicitly` / :func:`cast_path`
  answer the analyzer's questions; :func:`common_type` is select_common_type.

Contexts are ``'implicit'``, ``'assignment'`` and ``'explicit'`` (also
accepted: PostgreSQL's letters ``'i'``, ``'a'``, ``'e'``).
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal

from ..errors import PgError
from . import _pgdata
from . import builtin as B
from . import jsonb as J
from . import numeric as N
from . import scalars as S
from . import temporal as TM
from . import tz as _tz
from .core import (ANY_OID, ANYARRAY_OID, ANYCOMPATIBLE_OID, ANYCOMPATIBLEARRAY_OID, ANYCOMPATIBLENONARRAY_OID,
                   ANYELEMENT_OID, ANYENUM_OID, ANYNONARRAY_OID, PgType, format_type)
from .interval import USECS_PER_DAY, Interval

_CTX = {"implicit": 0, "i": 0, "assignment": 1, "a": 1, "explicit": 2, "e": 2}
UTC = _dt.timezone.utc


def _ctx(context) -> int:
    if context.__class__ is int:
        return context
    try:
        return _CTX[context]
    except KeyError:
        raise ValueError(f"bad coercion context {context!r}") from None


# ---------------------------------------------------------------------- pg_cast

#: (source oid, target oid) -> (context letter, method letter, function name)
PG_CAST = {(s, t): (c, m, f) for s, t, c, m, f in _pgdata.PG_CAST_ROWS}

INT_LIMITS = {21: (-32768, 32767, "smallint"), 23: (-2147483648, 2147483647, "integer"),
              20: (-9223372036854775808, 9223372036854775807, "bigint")}
_INT_OIDS = (20, 21, 23)
_OIDLIKE = {26, 24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191}
_STRING_OIDS = {25, 1043, 1042, 19, 705}


def _range_err(what):
    return PgError(f"{what} out of range", "22003")


def _int_to_int(dst):
    lo, hi, name = INT_LIMITS[dst]

    def f(v, tz=None):
        if v < lo or v > hi:
            raise _range_err(name)
        return v

    return f


def _float_to_int(dst):
    lo, hi, name = INT_LIMITS[dst]

    def f(v, tz=None):
        if v != v or v - v != 0:
            raise _range_err(name)
        r = round(v)  # half to even, as rint()
        if r < lo or r > hi:
            raise _range_err(name)
        return r

    return f


def _numeric_to_int(dst):
    lo, hi, name = INT_LIMITS[dst]

    def f(v, tz=None):
        if not v.is_finite():
            raise PgError(f"cannot convert {'NaN' if v.is_nan() else 'infinity'} to {name}", "0A000")
        r = int(v.to_integral_value(rounding=ROUND_HALF_UP))
        if r < lo or r > hi:
            raise _range_err(name)
        return r

    return f


def _int_to_float8(v, tz=None):
    return float(v)


def _int_to_float4(v, tz=None):
    return S.to_float4(float(v))


def _float8_to_float4(v, tz=None):
    if v != v or v - v != 0:
        return v
    try:
        r = S.to_float4(v)
    except OverflowError:
        raise PgError("value out of range: overflow", "22003") from None
    if r == 0.0 and v != 0.0:
        raise PgError("value out of range: underflow", "22003")
    return r


def _identity(v, tz=None):
    return v


def _float8_to_numeric(v, tz=None):
    if v != v:
        return N.NAN
    if v - v != 0:
        return N.INF if v > 0 else N.NINF
    return N.numeric_in("%.15g" % v)


def _float4_to_numeric(v, tz=None):
    if v != v:
        return N.NAN
    if v - v != 0:
        return N.INF if v > 0 else N.NINF
    return N.numeric_in("%.6g" % v)


def _int_to_numeric(v, tz=None):
    return Decimal(v)


def _numeric_to_float8(v, tz=None):
    if not v.is_finite():
        return float(v)
    r = float(v)
    if r - r != 0:
        raise PgError(f'"{N.numeric_out(v)}" is out of range for type double precision', "22003")
    if r == 0.0 and v:
        raise PgError(f'"{N.numeric_out(v)}" is out of range for type double precision', "22003")
    return r


def _numeric_to_float4(v, tz=None):
    if not v.is_finite():
        return float(v)
    return S.float4_in(N.numeric_out(v))


def _int8_to_oid(v, tz=None):
    if v < 0 or v > 0xFFFFFFFF:
        raise PgError("OID out of range", "22003")
    return v


def _int4_to_oid(v, tz=None):
    return v & 0xFFFFFFFF


def _oid_to_int4(v, tz=None):
    return v - 0x100000000 if v >= 0x80000000 else v


def _bool_to_int(v, tz=None):
    return 1 if v else 0


def _int_to_bool(v, tz=None):
    return v != 0


def _int_to_char(v, tz=None):
    if v < -128 or v > 127:
        raise PgError('"char" out of range', "22003")
    return chr(v & 0xFF) if v else ""


def _char_to_int(v, tz=None):
    if not v:
        return 0
    o = ord(v)
    return o - 256 if o >= 128 else o


def _text_to_char(v, tz=None):
    return S.char_in(v)


def _char_to_text(v, tz=None):
    return S.char_out(v)


def _bool_to_text(v, tz=None):
    return "true" if v else "false"


def _bpchar_to_text(v, tz=None):
    return v.rstrip(" ")


def _bpchar_to_name(v, tz=None):
    return S.truncate_name(v.rstrip(" "))


def _to_name(v, tz=None):
    return S.truncate_name(v)


def _zone(tz):
    return tz if tz is not None else UTC


def _date_to_timestamp(v, tz=None):
    if v.__class__ is not _dt.date and TM.is_infinite(v):
        return TM.TIMESTAMP_INFINITY if v.sign > 0 else TM.TIMESTAMP_NEG_INFINITY
    return _dt.datetime(v.year, v.month, v.day)


def _naive(d):
    return _dt.datetime(d.year, d.month, d.day, d.hour, d.minute, d.second, d.microsecond)


def _local_to_utc(local: _dt.datetime, tz) -> _dt.datetime:
    z = _zone(tz)
    off = 0 if z is UTC else _tz.utc_offset_seconds(z, local)
    try:
        r = local - _dt.timedelta(seconds=off) if off else local
        if r.year < 1 or r.year > 9999:
            raise OverflowError
    except OverflowError:
        raise PgError("timestamp out of range", "22008") from None
    return _dt.datetime(r.year, r.month, r.day, r.hour, r.minute, r.second, r.microsecond, UTC)


def _utc_to_local(v: _dt.datetime, tz) -> _dt.datetime:
    z = _zone(tz)
    if v.tzinfo is None:
        return v if z is UTC else _utc_to_local(_dt.datetime(v.year, v.month, v.day, v.hour, v.minute, v.second,
                                                             v.microsecond, UTC), z)
    if z is UTC and v.tzinfo is UTC:
        return _naive(v)
    try:
        return _naive(v.astimezone(z))
    except OverflowError:
        raise PgError("timestamp out of range", "22008") from None


def _date_to_timestamptz(v, tz=None):
    if v.__class__ is not _dt.date and TM.is_infinite(v):
        return TM.TIMESTAMPTZ_INFINITY if v.sign > 0 else TM.TIMESTAMPTZ_NEG_INFINITY
    return _local_to_utc(_dt.datetime(v.year, v.month, v.day), tz)


def _timestamp_to_timestamptz(v, tz=None):
    if v.__class__ is not _dt.datetime and TM.is_infinite(v):
        return TM.TIMESTAMPTZ_INFINITY if v.sign > 0 else TM.TIMESTAMPTZ_NEG_INFINITY
    return _local_to_utc(v, tz)


def _timestamptz_to_timestamp(v, tz=None):
    if v.__class__ is not _dt.datetime and TM.is_infinite(v):
        return TM.TIMESTAMP_INFINITY if v.sign > 0 else TM.TIMESTAMP_NEG_INFINITY
    return _utc_to_local(v, tz)


def _timestamp_to_date(v, tz=None):
    if v.__class__ is not _dt.datetime and TM.is_infinite(v):
        return TM.DATE_INFINITY if v.sign > 0 else TM.DATE_NEG_INFINITY
    return v.date()


def _timestamptz_to_date(v, tz=None):
    if v.__class__ is not _dt.datetime and TM.is_infinite(v):
        return TM.DATE_INFINITY if v.sign > 0 else TM.DATE_NEG_INFINITY
    return _utc_to_local(v, tz).date()


def _timestamp_to_time(v, tz=None):
    if v.__class__ is not _dt.datetime and TM.is_infinite(v):
        return None  # PostgreSQL's timestamp_time returns NULL for infinities
    return v.time()


def _timestamptz_to_time(v, tz=None):
    if v.__class__ is not _dt.datetime and TM.is_infinite(v):
        return None
    return _utc_to_local(v, tz).time()


def _time_to_interval(v, tz=None):
    return Interval(0, 0, TM.time_to_micros(v))


def _interval_to_time(v, tz=None):
    r = v.micros % USECS_PER_DAY
    return TM.micros_to_time(r)


def _json_to_jsonb(v, tz=None):
    return J.jsonb_in(v)


def _jsonb_to_json(v, tz=None):
    return J.jsonb_out(v)


_JSONB_KIND = {"object": "object", "array": "array", "string": "string", "number": "numeric",
               "boolean": "boolean", "null": "null"}


def _jsonb_scalar(v, want: str, sqltype: str):
    kind = J.jsonb_type_name(v)
    if kind != want:
        raise PgError(f"cannot cast jsonb {_JSONB_KIND[kind]} to type {sqltype}", "22023")
    return v


def _jsonb_to_numeric_fn(then, sqltype):
    def f(v, tz=None):
        _jsonb_scalar(v, "number", sqltype)
        d = v if v.__class__ is Decimal else Decimal(v)
        return then(d) if then is not None else d

    return f


def _jsonb_to_bool(v, tz=None):
    return _jsonb_scalar(v, "boolean", "boolean")


def _xid8_to_xid(v, tz=None):
    return v & 0xFFFFFFFF


def _oid_to_int8(v, tz=None):
    return v


def _length_only(v, tz=None):
    return v


def _pg_cast_function(src: int, dst: int, method: str, fname: str):
    """The Python implementation of one pg_cast row."""
    from .network import CAST_FUNCS as _net_casts
    if (src, dst) in _net_casts:
        return _net_casts[(src, dst)]
    if method == "i":  # I/O conversion casts listed in pg_cast (json <-> jsonb)
        if src == 114 and dst == 3802:
            return _json_to_jsonb
        if src == 3802 and dst == 114:
            return _jsonb_to_json
        return None
    if method == "b":  # binary coercible
        if src == 23 and dst in _OIDLIKE:
            return _int4_to_oid
        if src in _OIDLIKE and dst == 23:
            return _oid_to_int4
        return _identity
    # method 'f'
    if src == dst:
        return _length_only  # length coercion function: typmod applied separately
    if src == 3802:
        if dst == 16:
            return _jsonb_to_bool
        if dst == 1700:
            return _jsonb_to_numeric_fn(None, "numeric")
        if dst in _INT_OIDS:
            name = INT_LIMITS[dst][2]
            return _jsonb_to_numeric_fn(lambda d, _f=_numeric_to_int(dst): _f(d), name)
        if dst == 701:
            return _jsonb_to_numeric_fn(_numeric_to_float8, "double precision")
        if dst == 700:
            return _jsonb_to_numeric_fn(_numeric_to_float4, "real")
    if dst in _INT_OIDS:
        if src in _INT_OIDS:
            return _int_to_int(dst)
        if src in (700, 701):
            return _float_to_int(dst)
        if src == 1700:
            return _numeric_to_int(dst)
        if src == 16:
            return _bool_to_int
        if src == 18:
            return _char_to_int
        if src in _OIDLIKE:  # oid/reg* -> int8
            return _oid_to_int8
    if dst == 701:
        if src in _INT_OIDS:
            return _int_to_float8
        if src == 700:
            return _identity
        if src == 1700:
            return _numeric_to_float8
    if dst == 700:
        if src in _INT_OIDS:
            return _int_to_float4
        if src == 701:
            return _float8_to_float4
        if src == 1700:
            return _numeric_to_float4
    if dst == 1700:
        if src in _INT_OIDS:
            return _int_to_numeric
        if src == 701:
            return _float8_to_numeric
        if src == 700:
            return _float4_to_numeric
    if dst in _OIDLIKE:
        if src == 20:
            return _int8_to_oid
        if src == 21:
            return _int4_to_oid
        if src in (25, 1043) and dst == 2205:
            return _text_to_regclass
    if dst == 16 and src in _INT_OIDS:
        return _int_to_bool
    if dst == 28 and src == 5069:
        return _xid8_to_xid
    if dst == 18:
        if src in _INT_OIDS:
            return _int_to_char
        if src in (25, 1043, 1042):
            return _text_to_char
    if dst in (25, 1043, 1042):
        if src == 16:
            return _bool_to_text
        if src == 18:
            return _char_to_text
        if src == 1042:
            return _bpchar_to_text
        if src in (19, 25, 1043):
            return _identity
    if dst == 19:
        if src == 1042:
            return _bpchar_to_name
        return _to_name
    if dst == 1114:
        if src == 1082:
            return _date_to_timestamp
        if src == 1184:
            return _timestamptz_to_timestamp
    if dst == 1184:
        if src == 1082:
            return _date_to_timestamptz
        if src == 1114:
            return _timestamp_to_timestamptz
    if dst == 1082:
        if src == 1114:
            return _timestamp_to_date
        if src == 1184:
            return _timestamptz_to_date
    if dst == 1083:
        if src == 1114:
            return _timestamp_to_time
        if src == 1184:
            return _timestamptz_to_time
        if src == 1186:
            return _interval_to_time
    if dst == 1186 and src == 1083:
        return _time_to_interval
    return None


# text -> regclass needs the catalog: the catalog layer installs it with set_regclass_resolver()
_regclass_resolver = None


def set_regclass_resolver(fn) -> None:
    """Install ``fn(name: str) -> oid`` used by the text/varchar -> regclass casts."""
    global _regclass_resolver
    _regclass_resolver = fn


def _text_to_regclass(v, tz=None):
    if _regclass_resolver is not None:
        return _regclass_resolver(v)
    return B.REGCLASS.text_in(v)


_CAST_FUNCS: dict = {}
for (_s, _t), (_c, _m, _f) in PG_CAST.items():
    _fn = _pg_cast_function(_s, _t, _m, _f)
    if _fn is not None:
        _CAST_FUNCS[(_s, _t)] = (_CTX[_c], _fn)


# ---------------------------------------------------------------------- length coercion (typmods)


def length_coercion(dst: PgType, typmod: int, explicit: bool = False):
    """The function applying ``typmod`` of ``dst`` to a value, or None if nothing to do.

    ``explicit``: CAST semantics (varchar(n)/char(n) silently truncate);
    otherwise assignment/implicit semantics (22001 unless the excess is spaces).
    """
    if typmod < 0:
        return None
    dst = dst.base
    oid = dst.oid
    if oid == 1043:
        if typmod < 5:
            return None
        return lambda v, tz=None: S.varchar_apply(v, typmod, explicit)
    if oid == 1042:
        if typmod < 5:
            return None
        return lambda v, tz=None: S.bpchar_apply(v, typmod, explicit)
    if oid == 1700:
        if typmod < 4:
            return None
        return lambda v, tz=None: N.apply_typmod(v, typmod)
    if oid in (1114, 1184):
        if typmod >= 6:
            return None
        return lambda v, tz=None: TM.apply_timestamp_typmod(v, typmod)
    if oid == 1083:
        if typmod >= 6:
            return None
        return lambda v, tz=None: TM.apply_time_typmod(v, typmod)
    if oid == 1186:
        return lambda v, tz=None: TM.adjust_interval(v, typmod)
    if dst.is_array and dst.elem is not None:
        inner = length_coercion(dst.elem, typmod, explicit)
        if inner is None:
            return None
        return _array_map(inner)
    return None


def apply_typmod(value, t: PgType, typmod: int, explicit: bool = False):
    """Apply ``typmod`` to one value of type ``t`` (None passes through)."""
    if value is None:
        return None
    f = length_coercion(t, typmod, explicit)
    return value if f is None else f(value)


def _array_map(fn, tz_aware=True):
    def mapper(v, tz=None):
        return _map_nested(v, fn, tz)

    return mapper


def _map_nested(v, fn, tz):
    out = []
    for x in v:
        if x is None:
            out.append(None)
        elif x.__class__ is list:
            out.append(_map_nested(x, fn, tz))
        else:
            out.append(fn(x, tz))
    return out


def _map_flat(v, fn, tz):
    return [None if x is None else fn(x, tz) for x in v]


# ---------------------------------------------------------------------- pathway


def cast_path(src: PgType, dst: PgType, context="explicit"):
    """PostgreSQL's find_coercion_pathway: 'none', 'relabel', 'func', 'array' or 'io'."""
    c = _ctx(context)
    src, dst = src.base, dst.base  # domains coerce as their base types
    if src is dst:
        return "relabel"
    e = _CAST_FUNCS.get((src.oid, dst.oid))
    if e is not None:
        if e[0] <= c:
            pc = PG_CAST[(src.oid, dst.oid)]
            return "relabel" if pc[1] == "b" else ("io" if pc[1] == "i" else "func")
        return "none"
    if (src.oid, dst.oid) in PG_CAST:
        return "none" if PG_CAST[(src.oid, dst.oid)][0] != "i" and _CTX[PG_CAST[(src.oid, dst.oid)][0]] > c \
            else "func"
    if (src.oid, dst.oid) in ((22, 1005), (30, 1028)):  # int2vector/oidvector -> int2[]/oid[]
        return "relabel"
    if src.is_array and dst.is_array and src.elem is not None and dst.elem is not None:
        ep = cast_path(src.elem, dst.elem, c)
        if ep != "none":
            return "relabel" if ep == "relabel" else "array"
    if src.oid == 705:
        return "io"
    if c >= 1 and dst.category == "S":
        return "io"
    if c >= 2 and src.category == "S":
        return "io"
    return "none"


def find_cast(src: PgType, dst: PgType, context="explicit"):
    """The conversion function ``f(value, tz=None)`` from src to dst, or None.

    The typmod of the target is not applied: see :func:`length_coercion` /
    :func:`make_coercion`.
    """
    c = _ctx(context)
    src, dst = src.base, dst.base  # domains coerce as their base types
    if src is dst:
        return _identity
    e = _CAST_FUNCS.get((src.oid, dst.oid))
    if e is not None:
        return e[1] if e[0] <= c else None
    if (src.oid, dst.oid) in PG_CAST:
        return None
    if (src.oid, dst.oid) in ((22, 1005), (30, 1028)):  # int2vector/oidvector -> int2[]/oid[]: same lists
        return _identity
    if src.is_array and dst.is_array and src.elem is not None and dst.elem is not None:
        ef = find_cast(src.elem, dst.elem, c)
        if ef is not None:
            if ef is _identity:
                return _identity
            if src.elem.elem_is_list or dst.elem.elem_is_list:
                return lambda v, tz=None: _map_flat(v, ef, tz)
            return _array_map(ef)
    if src.oid == 705 or (c >= 1 and dst.category == "S") or (c >= 2 and src.category == "S"):
        return _io_cast(src, dst)
    return None


_IO_CACHE: dict = {}


def _io_cast(src: PgType, dst: PgType):
    key = (src.oid, dst.oid)
    f = _IO_CACHE.get(key)
    if f is not None:
        return f
    out = src.text_out
    tin = dst.text_in
    if src.tz_dependent or src._out_for is not None:
        from .temporal import date_style, interval_style

        def f(v, tz=None, _src=src, _tin=tin):
            ds = date_style.get()
            ist = interval_style.get()
            if ds != "ISO, MDY" or ist != "postgres":  # the session's DateStyle/IntervalStyle
                return _tin(_src.text_out_for(tz, 1, "hex", ist, ds)(v), -1, tz)
            return _tin(_src.text_out_for(tz)(v) if tz is not None else _src.text_out(v), -1, tz)
    else:
        def f(v, tz=None, _out=out, _tin=tin):
            return _tin(_out(v), -1, tz)
    _IO_CACHE[key] = f
    return f


def make_coercion(src: PgType, dst: PgType, typmod: int = -1, context="explicit"):
    """Full coercion ``f(value, tz=None)``: cast + typmod; None if not allowed.

    Returns ``_identity``-like functions for no-ops; callers may compare the
    result with :data:`IDENTITY` to skip the call.
    """
    if dst.typtype == "d" and dst.extra:
        # a domain: the base type's coercion (with the domain's typmod), then its CHECKs
        x = dst.extra
        d = dst
        while typmod == -1 and d.typtype == "d" and d.extra:
            typmod = d.extra["typmod"]
            d = d.extra["base"]
        # the ultimate base type; the check runs the CHECKs of every domain in the chain
        f = make_coercion(src, dst.base, typmod, context)
        chk = x.get("check")
        if f is None or chk is None:
            return f
        if f is _identity:
            return lambda v, tz=None: chk(v)
        return lambda v, tz=None: chk(f(v, tz))
    if dst.typtype == "c" and dst.extra and src.oid == 2249:
        return _record_to_composite(dst, context)
    if dst.oid == 2249 and src.typtype == "c":
        return _identity  # a composite value is a record
    if dst.is_array and dst.elem is not None and dst.elem.typtype == "d" and dst.elem.extra and \
            dst.elem.extra.get("check") is not None and src is not dst:
        # an array of a domain: the element coercion, then the domain's CHECKs on every element
        ebase = dst.elem.base
        f = make_coercion(src, ebase.array, typmod, context) if ebase.array is not None else None
        if f is None:
            return None
        chk = dst.elem.extra["check"]

        def each(v, tz=None):
            v = f(v, tz)
            _map_nested(v, lambda x, _tz=None: chk(x), tz)
            return v

        return each
    f = find_cast(src, dst, context)
    if f is None:
        return None
    lc = length_coercion(dst, typmod, _ctx(context) == 2)
    if lc is None:
        return f
    if f is _identity:
        return lc

    def both(v, tz=None):
        return lc(f(v, tz), tz)

    return both


IDENTITY = _identity


def _record_to_composite(dst: PgType, context):
    """record -> composite type: field by field (the fields' source types are the values' own)."""
    from .builtin import infer_type

    fields = dst.extra["fields"]
    tms = dst.extra.get("typmods") or [-1] * len(fields)
    name = format_type(dst.oid, None)

    def f(v, tz=None):
        if len(v) != len(fields):
            raise PgError(f"cannot cast type record to {name}", "42846",
                          detail=f"Input has {'too few' if len(v) < len(fields) else 'too many'} columns.")
        out = []
        for x, (_n, ft), tm in zip(v, fields, tms):
            if x is None:
                out.append(None)
                continue
            st = infer_type(x) if x.__class__ is not str else B.UNKNOWN
            if st is B.UNKNOWN:
                out.append(ft.text_in(x, tm, tz))
                continue
            g = make_coercion(st, ft, tm, context)
            if g is None:
                raise PgError(f"cannot cast type record to {name}", "42846")
            out.append(x if g is _identity else g(x, tz))
        return tuple(out)

    return f


def coerce(value, src: PgType, dst: PgType, typmod: int = -1, context="explicit", tz=None):
    """Convert one value; raises 42846 'cannot cast type X to Y' when no cast exists."""
    if value is None:
        return None
    f = make_coercion(src, dst, typmod, context)
    if f is None:
        raise PgError(f"cannot cast type {format_type(src.oid, None)} to {format_type(dst.oid, None)}",
                      "42846")
    return f(value, tz)


# ---------------------------------------------------------------------- can_coerce / common type


def can_coerce(src: PgType, dst: PgType, context="implicit") -> bool:
    """PostgreSQL's can_coerce_type for one argument (polymorphic targets included)."""
    if src is dst:
        return True
    src, dst = src.base, dst.base
    if src is dst:
        return True
    d = dst.oid
    if d == ANY_OID:
        return True
    if src.oid == 705:
        return True
    if d in (ANYELEMENT_OID, ANYCOMPATIBLE_OID):
        return not src.is_pseudo or src.oid == 2249
    if d in (ANYARRAY_OID, ANYCOMPATIBLEARRAY_OID):
        return src.is_array or src.oid == ANYARRAY_OID
    if d in (ANYNONARRAY_OID, ANYCOMPATIBLENONARRAY_OID):
        return not src.is_array and not src.is_pseudo
    if d == ANYENUM_OID:
        return src.category == "E"
    if d == 2249 and (src.row.get("typrelid") or src.oid == 2249):
        return True
    return cast_path(src, dst, context) != "none"


def can_coerce_implicitly(src: PgType, dst: PgType) -> bool:
    return can_coerce(src, dst, "implicit")


def type_category(t: PgType) -> str:
    return t.category


def is_preferred_type(t: PgType, category: str | None = None) -> bool:
    """typispreferred (optionally: and belongs to ``category``)."""
    return t.preferred and (category is None or t.category == category)


def common_type(types, context: str | None = None, none_if_fail: bool = False, verify: bool = True):
    """PostgreSQL's select_common_type over input types.

    ``context`` is the construct name used in the error ('CASE', 'UNION',
    'COALESCE', 'VALUES', 'ARRAY', ...): 42804 ``CASE types integer and text
    cannot be matched``.  All-unknown inputs resolve to text.  With
    ``none_if_fail`` returns None instead of raising.  With ``verify`` (the
    default) every input must also coerce implicitly to the result, else
    42846 ``COALESCE could not convert type jsonb to json`` (what
    coerce_to_common_type reports).
    """
    r = _select_common_type(types, context, none_if_fail)
    if verify and r is not None:
        for t in types:
            if t is not r and not can_coerce(t, r, "implicit"):
                if none_if_fail:
                    return None
                raise PgError(f"{context or 'argument'} could not convert type {format_type(t.oid, None)} to "
                              f"{format_type(r.oid, None)}", "42846")
    return r


def _select_common_type(types, context, none_if_fail):
    types = list(types)
    if not types:
        raise ValueError("common_type of no types")
    ptype = types[0]
    if all(t is ptype for t in types):
        if ptype.oid == 705:
            return B.TEXT
        return ptype
    # find the first non-unknown type
    idx = 0
    while idx < len(types) and types[idx].oid == 705:
        idx += 1
    if idx == len(types):
        return B.TEXT
    ptype = types[idx]
    pcategory = ptype.category
    pispreferred = ptype.preferred
    for ntype in types[idx + 1:]:
        if ntype.oid == 705 or ntype is ptype:
            continue
        ncategory = ntype.category
        if ncategory != pcategory:
            if none_if_fail:
                return None
            raise PgError(f"{context or 'argument'} types {format_type(ptype.oid, None)} and "
                          f"{format_type(ntype.oid, None)} cannot be matched", "42804")
        if not pispreferred and can_coerce(ptype, ntype, "implicit") and \
                not can_coerce(ntype, ptype, "implicit"):
            ptype = ntype
            pcategory = ncategory
            pispreferred = ntype.preferred
    return ptype


def common_typmod(typmods, types=None) -> int:
    """select_common_typmod: the common typmod if all inputs agree, else -1."""
    typmods = list(typmods)
    if not typmods:
        return -1
    first = typmods[0]
    for t in typmods[1:]:
        if t != first:
            return -1
    return first


def check_common_type(types, target: PgType, context: str = "argument") -> None:
    """verify_common_type: raise 42804 if some input cannot be implicitly coerced to target."""
    for t in types:
        if not can_coerce(t, target, "implicit"):
            raise PgError(f"{context} could not convert type {format_type(t.oid, None)} to "
                          f"{format_type(target.oid, None)}", "42804")


__all__ = ["find_cast", "length_coercion", "make_coercion", "coerce", "apply_typmod", "cast_path", "can_coerce",
           "can_coerce_implicitly", "common_type", "common_typmod", "check_common_type", "type_category",
           "is_preferred_type", "set_regclass_resolver", "IDENTITY", "PG_CAST"]
