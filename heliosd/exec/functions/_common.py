"""Helpers shared by the function library modules (no registrations here).

- :func:`text_out` -- a value's text form as ``value::text`` gives it (session
  TimeZone read at call time), for concat/format/string_agg of ``any`` args.
- :func:`sort_key` -- a key function ordering values of one type the way
  PostgreSQL's btree opclass does (NaN above every float, NULL array
  elements after non-NULL ones, bpchar without trailing blanks, jsonb's
  container order), or None when Python's own order is already right.
- :func:`json_converter` / :func:`jsonb_converter` -- to_json / to_jsonb of
  a value of a given type (datum_to_json / datum_to_jsonb in PostgreSQL).
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
from decimal import Decimal
from json.encoder import encode_basestring as _quote

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime


def err(msg, code, **kw):
    return PgError(msg, code, **kw)


# ---------------------------------------------------------------- text output


def text_out(t):
    """f(value) -> str: the value's text output (as a cast to text)."""
    if t is None or t is T.UNKNOWN or t is T.TEXT or t is T.VARCHAR or t is T.NAME:
        return _str_id
    if t is T.BPCHAR:
        return _str_id
    f = T.make_coercion(t, T.TEXT, -1, "explicit")
    if f is None or f is T.IDENTITY:
        out = t.text_out
        return out
    st = runtime.state

    def conv(v, f=f, st=st):
        return f(v, st.tz)

    return conv


def _str_id(v):
    return v if v.__class__ is str else str(v)


# ---------------------------------------------------------------- ordering


class _Desc:
    pass


def _float_key(v):
    return (1, 0.0) if v != v else (0, v)


def _bpchar_key(v):
    return v.rstrip(" ")


def sort_key(t):
    """A key function giving PostgreSQL's ordering for type ``t`` (None: natural order)."""
    if t is None:
        return None
    if t is T.FLOAT4 or t is T.FLOAT8:
        return _float_key
    if t is T.BPCHAR:
        return _bpchar_key
    if t is T.JSONB:
        return _JSONB_KEY
    if t.is_array:
        ek = sort_key(t.elem) if t.elem is not None else None
        return _array_key(ek)
    if t is T.RECORD:
        return _record_key
    if t is T.NUMERIC:
        return _numeric_key
    tt = t.typtype
    if tt == "e" and t.extra:  # enums order by enumsortorder, not by label
        return t.extra["sort"].__getitem__
    if tt == "d":
        return sort_key(t.base)
    if tt == "c" and t.extra:
        keys = [sort_key(ft) or _generic_key for _n, ft in t.extra["fields"]]
        return lambda v: tuple((1,) if x is None else (0, k(x)) for x, k in zip(v, keys))
    return None


def jsonb_order_cmp(a, b):
    """PostgreSQL's jsonb btree order at top level: a raw scalar is a one-element pseudo array,
    so an empty array sorts before every scalar and a non-empty one after (compareJsonbContainers)."""
    la, lb = a.__class__ is list, b.__class__ is list
    sa = not la and a.__class__ is not dict
    sb = not lb and b.__class__ is not dict
    if la and sb:
        return -1 if len(a) == 0 else 1
    if sa and lb:
        return 1 if len(b) == 0 else -1
    return T.jsonb_compare(a, b)


_JSONB_KEY = functools.cmp_to_key(jsonb_order_cmp)


def _numeric_key(v):
    # NaN sorts above everything, including +Infinity
    if v.is_nan():
        return (1, 0)
    return (0, v)


def _record_key(v):
    return tuple((1,) if x is None else (0, _generic_key(x)) for x in v)


def _generic_key(x):
    if x.__class__ is float:
        return _float_key(x)
    if x.__class__ is list:
        return _array_key(None)(x)
    if x.__class__ is tuple:
        return _record_key(x)
    return x


def _flatten(v, out, dims, depth):
    if len(dims) <= depth:
        dims.append(len(v))
    for x in v:
        if x.__class__ is list:
            _flatten(x, out, dims, depth + 1)
        else:
            out.append(x)


def _array_key(ek):
    def key(v):
        flat = []
        dims = []
        if v:
            _flatten(v, flat, dims, 0)
        if ek is None:
            items = tuple((1,) if x is None else (0, _generic_key(x)) for x in flat)
        else:
            items = tuple((1,) if x is None else (0, ek(x)) for x in flat)
        return (items, len(dims), tuple(dims))

    return key


def compare_fn(t):
    """cmp(a, b) -> -1/0/1 for non-NULL values of type ``t``."""
    k = sort_key(t)
    if k is None:
        def cmp(a, b):
            return -1 if a < b else (1 if a > b else 0)
    else:
        def cmp(a, b):
            ka, kb = k(a), k(b)
            return -1 if ka < kb else (1 if ka > kb else 0)
    return cmp


# ---------------------------------------------------------------- json conversion

_CAT_NUMERIC = {T.INT2.oid, T.INT4.oid, T.INT8.oid, T.NUMERIC.oid, T.FLOAT4.oid, T.FLOAT8.oid, T.OID.oid}


def _xsd_offset(secs):
    sign = "-" if secs < 0 else "+"
    a = abs(secs)
    h, rem = divmod(a, 3600)
    m, s = divmod(rem, 60)
    if s:
        return f"{sign}{h:02d}:{m:02d}:{s:02d}"
    return f"{sign}{h:02d}:{m:02d}"


def xsd_date(d):
    if T.is_infinite(d):
        return str(d)
    return d.isoformat()


def xsd_timestamp(ts):
    if T.is_infinite(ts):
        return str(ts)
    s = ts.isoformat("T")
    if ts.microsecond:
        s = s.rstrip("0")
    return s


def xsd_timestamptz(ts):
    if T.is_infinite(ts):
        return str(ts)
    tz = runtime.state.tz
    local = ts.astimezone(tz) if tz is not None else ts
    off = local.utcoffset()
    secs = off.days * 86400 + off.seconds
    s = local.replace(tzinfo=None).isoformat("T")
    if local.microsecond:
        s = s.rstrip("0")
    return s + _xsd_offset(secs)


def _float_json(t):
    out = t.text_out

    def conv(v):
        s = out(v)
        if v != v or v - v != 0:
            return _quote(s)
        return s

    return conv


def json_converter(t, fields=None):
    """f(value) -> json text (value non-NULL) for type ``t`` (datum_to_json)."""
    if t is T.BOOL:
        return lambda v: "true" if v else "false"
    if t in (T.INT2, T.INT4, T.INT8, T.OID):
        return str
    if t is T.NUMERIC:
        out = T.NUMERIC.text_out

        def num(v):
            s = out(v)
            return s if v.is_finite() else _quote(s)

        return num
    if t is T.FLOAT4 or t is T.FLOAT8:
        return _float_json(t)
    if t is T.JSON:
        return _str_id
    if t is T.JSONB:
        return T.JSONB.text_out
    if t is T.DATE:
        return lambda v: _quote(xsd_date(v))
    if t is T.TIMESTAMP:
        return lambda v: _quote(xsd_timestamp(v))
    if t is T.TIMESTAMPTZ:
        return lambda v: _quote(xsd_timestamptz(v))
    if t.is_array:
        ec = json_converter(t.elem) if t.elem is not None else _generic_json

        def arr(v):
            return _json_array(v, ec)

        return arr
    if t is T.RECORD or t.typtype == "c":
        return record_json_converter(fields)
    if t is None or t is T.UNKNOWN or t in (T.TEXT, T.VARCHAR, T.NAME, T.BPCHAR):
        return _quote
    out = text_out(t)
    return lambda v: _quote(out(v))


def _json_array(v, ec):
    parts = []
    for x in v:
        if x is None:
            parts.append("null")
        elif x.__class__ is list:
            parts.append(_json_array(x, ec))
        else:
            parts.append(ec(x))
    return "[" + ",".join(parts) + "]"


def record_json_converter(fields):
    """fields: [(name, type)] or None (names f1.., types guessed from values)."""
    if fields is None:
        def rec(v):
            parts = []
            for i, x in enumerate(v):
                parts.append(_quote(f"f{i + 1}") + ":" + ("null" if x is None else _generic_json(x)))
            return "{" + ",".join(parts) + "}"

        return rec
    convs = [(_quote(n), json_converter(t, sub)) for n, t, sub in _fields3(fields)]

    def rec2(v):
        parts = []
        for (qn, c), x in zip(convs, v):
            parts.append(qn + ":" + ("null" if x is None else c(x)))
        return "{" + ",".join(parts) + "}"

    return rec2


def _fields3(fields):
    out = []
    for f in fields:
        if len(f) == 2:
            out.append((f[0], f[1], None))
        else:
            out.append(tuple(f))
    return out


def guess_type(x):
    """The PgType a bare Python value most likely has (for untyped record fields)."""
    c = x.__class__
    if c is bool:
        return T.BOOL
    if c is int:
        return T.INT8 if not -2 ** 31 <= x < 2 ** 31 else T.INT4
    if c is float:
        return T.FLOAT8
    if c is Decimal:
        return T.NUMERIC
    if c is str:
        return T.TEXT
    if isinstance(x, _dt.datetime):
        return T.TIMESTAMPTZ if x.tzinfo is not None else T.TIMESTAMP
    if isinstance(x, _dt.date):
        return T.DATE
    if isinstance(x, _dt.time):
        return T.TIME
    if c is T.Interval:
        return T.INTERVAL
    if c is dict or x is T.JSON_NULL:
        return T.JSONB
    if c is bytes:
        return T.BYTEA
    if c is tuple:
        return T.RECORD
    if c is list:
        for e in _iter_flat(x):
            if e is not None:
                et = guess_type(e)
                return et.array or T.TEXT_ARRAY
        return T.TEXT_ARRAY
    import uuid

    if c is uuid.UUID:
        return T.UUID
    return T.TEXT


def _iter_flat(v):
    for x in v:
        if x.__class__ is list:
            yield from _iter_flat(x)
        else:
            yield x


def _generic_json(x):
    return json_converter(guess_type(x))(x)


def jsonb_converter(t, fields=None):
    """f(value) -> jsonb value (non-NULL input; JSON_NULL never returned for non-NULL input except json 'null')."""
    if t is T.JSONB:
        return _identity
    if t is T.JSON:
        return T.JSONB.text_in
    if t is T.BOOL:
        return bool
    if t in (T.INT2, T.INT4, T.INT8, T.OID):
        return int
    if t is T.NUMERIC:
        def num(v):
            if not v.is_finite():
                return T.NUMERIC.text_out(v)
            return T.jsonb_from_python(v, False)

        return num
    if t is T.FLOAT4 or t is T.FLOAT8:
        out = t.text_out

        def flt(v):
            if v != v or v - v != 0:
                return out(v)
            return T.jsonb_from_python(Decimal(out(v)), False)

        return flt
    if t is T.DATE:
        return xsd_date
    if t is T.TIMESTAMP:
        return xsd_timestamp
    if t is T.TIMESTAMPTZ:
        return xsd_timestamptz
    if t.is_array:
        ec = jsonb_converter(t.elem) if t.elem is not None else _generic_jsonb

        def arr(v):
            return _jsonb_array(v, ec)

        return arr
    if t is T.RECORD or t.typtype == "c":
        if fields is None:
            def rec(v):
                return _mk_obj([(f"f{i + 1}", None if x is None else _generic_jsonb(x)) for i, x in enumerate(v)])

            return rec
        convs = [(n, jsonb_converter(ft, sub)) for n, ft, sub in _fields3(fields)]

        def rec2(v):
            return _mk_obj([(n, None if x is None else c(x)) for (n, c), x in zip(convs, v)])

        return rec2
    if t is None or t is T.UNKNOWN or t in (T.TEXT, T.VARCHAR, T.NAME, T.BPCHAR):
        return _str_id
    return text_out(t)


def _mk_obj(pairs):
    d = {}
    for k, v in pairs:
        d[k] = None if v is T.JSON_NULL else v
    return d


def _jsonb_array(v, ec):
    out = []
    for x in v:
        if x is None:
            out.append(None)
        elif x.__class__ is list:
            out.append(_jsonb_array(x, ec))
        else:
            r = ec(x)
            out.append(None if r is T.JSON_NULL else r)
    return out


def _generic_jsonb(x):
    return jsonb_converter(guess_type(x))(x)


def _identity(v):
    return v


def record_fields(arg):
    """[(name, type, subfields)] for a record-typed argument expression, or None."""
    from ..expr import RowExpr

    if isinstance(arg, RowExpr):
        names = getattr(arg, "names", None)
        out = []
        for i, it in enumerate(arg.items):
            sub = record_fields(it) if it.type is T.RECORD else None
            out.append((names[i] if names else f"f{i + 1}", it.type, sub))
        return out
    return None


def arg_fields(args, i):
    if args is None or i >= len(args):
        return None
    return record_fields(args[i])


def float8_overflow():
    return PgError("value out of range: overflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)


def float8_underflow():
    return PgError("value out of range: underflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)


def check_float8(v, inf_ok=False, zero_ok=True):
    if not inf_ok and math.isinf(v):
        raise float8_overflow()
    if not zero_ok and v == 0.0:
        raise float8_underflow()
    return v


# ---------------------------------------------------------------- generic record output


def _generic_record_out(v):
    """Text output of an anonymous record whose field types are not known: guessed per value."""
    return T.record_out(v, [text_out(guess_type(x)) if x is not None else None for x in v])


def _install_record_out():
    from ...types import core as _core

    if T.RECORD.text_out is _core._no_text_out:
        T.RECORD.text_out = _generic_record_out


_install_record_out()
