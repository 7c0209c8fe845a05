"""Aggregate functions (PostgreSQL 15's pg_aggregate, with its result types).

Each aggregate is an :class:`~heliosd.exec.functions.Aggregate` whose
``make()`` returns an accumulator with ``step(*args)`` and ``result()``; the
executor (``HashAggOp``, window frames) skips rows with a NULL argument for
strict aggregates and replays sorted/distinct input for ``agg(DISTINCT x)``,
``agg(x ORDER BY y)`` and ordered-set aggregates (``WITHIN GROUP``), which
also receive their direct arguments through ``direct(*args)`` first.

Result types follow PostgreSQL: ``sum(int2|int4) -> int8``, ``sum(int8) ->
numeric``, ``avg(integer types|numeric) -> numeric`` (scale from numeric
division), ``avg(float4|float8) -> float8``, ``sum(float4) -> float4``,
``stddev``/``variance`` of exact types -> numeric, of floats -> float8
(Youngs-Cramer accumulation, so the float results match PostgreSQL's bits),
and an empty input gives NULL except for ``count`` (0).

Aggregates whose output depends on the argument's type (min/max of arrays,
json_agg of anything, percentile_disc, mode) use a ``binder`` and receive the
concrete types from the analyzer (see :func:`heliosd.exec.functions.specialize`).
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import Aggregate, register_agg
from ._common import (arg_fields, float8_overflow, json_converter, jsonb_converter, sort_key, text_out)
from .core import num_div

_BIG = decimal.Context(prec=100000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, traps=[])
_NAN = Decimal("NaN")
_PINF = Decimal("Infinity")
_NINF = Decimal("-Infinity")

INT_TYPES = (T.INT2, T.INT4, T.INT8)


def _agg(name, args, ret, make, strict=True, binder=None, **kw):
    a = register_agg(Aggregate(name, args, ret, make, strict=strict, **kw))
    if binder is not None:
        a.binder = binder
    return a


# ====================================================================== count


class _Count:
    __slots__ = ("n",)

    def __init__(self):
        self.n = 0

    def step(self, *args):
        self.n += 1

    def result(self):
        return self.n


_agg("count", [], T.INT8, _Count, strict=False)
_agg("count", ["any"], T.INT8, _Count)


# ====================================================================== sum / avg


class _IntSum:
    """sum(int2/int4) -> int8 and sum(int8) -> numeric: exact Python ints."""

    __slots__ = ("s", "seen")

    def __init__(self):
        self.s = 0
        self.seen = False

    def step(self, v):
        self.s += v
        self.seen = True

    def result(self):
        if not self.seen:
            return None
        if not -2 ** 63 <= self.s < 2 ** 63:
            raise PgError("bigint out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
        return self.s


class _Int8Sum(_IntSum):
    __slots__ = ()

    def result(self):
        return Decimal(self.s) if self.seen else None


class _IntAvg:
    __slots__ = ("s", "n")

    def __init__(self):
        self.s = 0
        self.n = 0

    def step(self, v):
        self.s += v
        self.n += 1

    def result(self):
        if not self.n:
            return None
        return num_div(Decimal(self.s), Decimal(self.n))


class _NumSum:
    """numeric sum with PostgreSQL's NaN/Infinity rules and exact finite part."""

    __slots__ = ("s", "n", "nan", "pinf", "ninf")

    def __init__(self):
        self.s = Decimal(0)
        self.n = 0
        self.nan = self.pinf = self.ninf = 0

    def step(self, v):
        self.n += 1
        if v.is_finite():
            self.s = _BIG.add(self.s, v)
        elif v.is_nan():
            self.nan += 1
        elif v > 0:
            self.pinf += 1
        else:
            self.ninf += 1

    def _special(self):
        if self.nan or (self.pinf and self.ninf):
            return _NAN
        if self.pinf:
            return _PINF
        if self.ninf:
            return _NINF
        return None

    def result(self):
        if not self.n:
            return None
        sp = self._special()
        if sp is not None:
            return sp
        return self.s


class _NumAvg(_NumSum):
    __slots__ = ()

    def result(self):
        if not self.n:
            return None
        sp = self._special()
        if sp is not None:
            return sp
        return num_div(self.s, Decimal(self.n))


class _FloatSum:
    __slots__ = ("s", "seen", "f4")

    def __init__(self, f4=False):
        self.s = 0.0
        self.seen = False
        self.f4 = f4

    def step(self, v):
        s = self.s + v
        if s - s != 0 and s == s and v - v == 0 and self.s - self.s == 0:
            raise float8_overflow()
        if self.f4:
            s = T.to_float4(s)
        self.s = s
        self.seen = True

    def result(self):
        return self.s if self.seen else None


class _FloatAvg:
    __slots__ = ("s", "n")

    def __init__(self):
        self.s = 0.0
        self.n = 0

    def step(self, v):
        s = self.s + v
        if s - s != 0 and s == s and v - v == 0 and self.s - self.s == 0:
            raise float8_overflow()
        self.s = s
        self.n += 1

    def result(self):
        return self.s / self.n if self.n else None


class _IntervalSum:
    __slots__ = ("s", "n")

    def __init__(self):
        self.s = T.Interval(0, 0, 0)
        self.n = 0

    def step(self, v):
        self.s = self.s.add(v)
        self.n += 1

    def result(self):
        return self.s if self.n else None


class _IntervalAvg(_IntervalSum):
    __slots__ = ()

    def result(self):
        if not self.n:
            return None
        return self.s.div(float(self.n))


_agg("sum", [T.INT2], T.INT8, _IntSum)
_agg("sum", [T.INT4], T.INT8, _IntSum)
_agg("sum", [T.INT8], T.NUMERIC, _Int8Sum)
_agg("sum", [T.NUMERIC], T.NUMERIC, _NumSum)
_agg("sum", [T.FLOAT4], T.FLOAT4, lambda: _FloatSum(True))
_agg("sum", [T.FLOAT8], T.FLOAT8, _FloatSum)
_agg("sum", [T.INTERVAL], T.INTERVAL, _IntervalSum)
for _t in INT_TYPES:
    _agg("avg", [_t], T.NUMERIC, _IntAvg)
_agg("avg", [T.NUMERIC], T.NUMERIC, _NumAvg)
_agg("avg", [T.FLOAT4], T.FLOAT8, _FloatAvg)
_agg("avg", [T.FLOAT8], T.FLOAT8, _FloatAvg)
_agg("avg", [T.INTERVAL], T.INTERVAL, _IntervalAvg)


# ====================================================================== min / max


class _Max:
    __slots__ = ("v",)

    def __init__(self):
        self.v = None

    def step(self, v):
        cur = self.v
        if cur is None or v > cur:
            self.v = v

    def result(self):
        return self.v


class _Min(_Max):
    __slots__ = ()

    def step(self, v):
        cur = self.v
        if cur is None or v < cur:
            self.v = v


class _KeyMax:
    __slots__ = ("v", "k", "key")

    def __init__(self, key):
        self.v = None
        self.k = None
        self.key = key

    def step(self, v):
        k = self.key(v)
        if self.v is None or k > self.k:
            self.v = v
            self.k = k

    def result(self):
        return self.v


class _KeyMin(_KeyMax):
    __slots__ = ()

    def step(self, v):
        k = self.key(v)
        if self.v is None or k < self.k:
            self.v = v
            self.k = k


def _minmax_binder(is_max):
    def bind(c, argtypes, args):
        key = sort_key(argtypes[0]) if argtypes else None
        if key is not None:
            c.make = (lambda key=key: _KeyMax(key)) if is_max else (lambda key=key: _KeyMin(key))

    return bind


_MINMAX_TYPES = [T.INT2, T.INT4, T.INT8, T.OID, T.FLOAT4, T.FLOAT8, T.NUMERIC, T.TEXT, T.BPCHAR, T.DATE, T.TIME,
                 getattr(T, "TIMETZ", None), T.TIMESTAMP, T.TIMESTAMPTZ, T.INTERVAL, T.TID, T.XID8, T.PG_LSN]
if getattr(T, "MONEY", None) is not None:
    _MINMAX_TYPES.append(T.MONEY)
if getattr(T, "INET", None) is not None:
    _MINMAX_TYPES.append(T.INET)
for _t in _MINMAX_TYPES:
    if _t is None:
        continue
    _b = _t in (T.FLOAT4, T.FLOAT8, T.BPCHAR, T.NUMERIC)
    _agg("max", [_t], _t, _Max, binder=_minmax_binder(True) if _b else None)
    _agg("min", [_t], _t, _Min, binder=_minmax_binder(False) if _b else None)
_agg("max", ["anyarray"], lambda ts: ts[0], _Max, binder=_minmax_binder(True))
_agg("min", ["anyarray"], lambda ts: ts[0], _Min, binder=_minmax_binder(False))


# ====================================================================== bool / bit


class _BoolAnd:
    __slots__ = ("v",)

    def __init__(self):
        self.v = None

    def step(self, v):
        self.v = v if self.v is None else (self.v and v)

    def result(self):
        return self.v


class _BoolOr(_BoolAnd):
    __slots__ = ()

    def step(self, v):
        self.v = v if self.v is None else (self.v or v)


_agg("bool_and", [T.BOOL], T.BOOL, _BoolAnd)
_agg("every", [T.BOOL], T.BOOL, _BoolAnd)
_agg("bool_or", [T.BOOL], T.BOOL, _BoolOr)


class _Bit:
    __slots__ = ("v", "op")

    def __init__(self, op):
        self.v = None
        self.op = op

    def step(self, v):
        self.v = v if self.v is None else self.op(self.v, v)

    def result(self):
        return self.v


for _t in INT_TYPES:
    _agg("bit_and", [_t], _t, lambda: _Bit(lambda a, b: a & b))
    _agg("bit_or", [_t], _t, lambda: _Bit(lambda a, b: a | b))
    _agg("bit_xor", [_t], _t, lambda: _Bit(lambda a, b: a ^ b))


# ====================================================================== string_agg / array_agg


class _StringAgg:
    __slots__ = ("parts", "seen", "empty")

    def __init__(self, empty=""):
        self.parts = []
        self.seen = False
        self.empty = empty

    def step(self, v, d):
        if v is None:
            return
        if self.seen:
            if d is not None:
                self.parts.append(d)
        else:
            self.seen = True
        self.parts.append(v)

    def result(self):
        if not self.seen:
            return None
        return self.empty.join(self.parts)


_agg("string_agg", [T.TEXT, T.TEXT], T.TEXT, _StringAgg, strict=False)
_agg("string_agg", [T.BYTEA, T.BYTEA], T.BYTEA, lambda: _StringAgg(b""), strict=False)


class _ArrayAgg:
    __slots__ = ("items",)

    def __init__(self):
        self.items = []

    def step(self, v):
        self.items.append(v)

    def result(self):
        return self.items if self.items else None


def _dims(v):
    d = []
    while v.__class__ is list:
        d.append(len(v))
        if not v:
            break
        v = v[0]
    return d


class _ArrayAggArr:
    __slots__ = ("items", "dims")

    def __init__(self):
        self.items = []
        self.dims = None

    def step(self, v):
        if v is None:
            raise PgError("cannot accumulate null arrays", errcodes.NULL_VALUE_NOT_ALLOWED)
        if not v:
            raise PgError("cannot accumulate empty arrays", errcodes.ARRAY_SUBSCRIPT_ERROR)
        d = _dims(v)
        if self.dims is None:
            if len(d) >= 6:
                raise PgError("number of array dimensions (7) exceeds the maximum allowed (6)",
                              errcodes.PROGRAM_LIMIT_EXCEEDED)
            self.dims = d
        elif d != self.dims:
            raise PgError("cannot accumulate arrays of different dimensionality",
                          errcodes.ARRAY_SUBSCRIPT_ERROR)
        self.items.append(v)

    def result(self):
        return self.items if self.items else None


_agg("array_agg", ["anynonarray"], lambda ts: (ts[0].array or T.TEXT_ARRAY) if ts[0] is not T.UNKNOWN
     else T.TEXT_ARRAY, _ArrayAgg, strict=False)
_agg("array_agg", ["anyarray"], lambda ts: ts[0], _ArrayAggArr, strict=False)


# ====================================================================== json aggregates


class _JsonAgg:
    __slots__ = ("buf", "conv", "structured")

    def __init__(self, conv, structured):
        self.buf = None
        self.conv = conv
        self.structured = structured

    def step(self, v):
        if self.buf is None:
            self.buf = ["["]
        else:
            self.buf.append(", ")
        if v is None:
            self.buf.append("null")
            return
        if self.structured and len(self.buf) > 2:
            self.buf.append("\n ")
        self.buf.append(self.conv(v))

    def result(self):
        if self.buf is None:
            return None
        return "".join(self.buf) + "]"


def _structured(t):
    return t.is_array or t is T.RECORD or t.typtype == "c"


def _json_agg_bind(c, argtypes, args):
    t = argtypes[0]
    conv = json_converter(t, arg_fields(args, 0))
    st = _structured(t)
    c.make = lambda: _JsonAgg(conv, st)


class _JsonbAgg:
    __slots__ = ("items", "conv")

    def __init__(self, conv):
        self.items = None
        self.conv = conv

    def step(self, v):
        if self.items is None:
            self.items = []
        if v is None:
            self.items.append(None)
        else:
            r = self.conv(v)
            self.items.append(None if r is T.JSON_NULL else r)

    def result(self):
        return self.items


def _jsonb_agg_bind(c, argtypes, args):
    conv = jsonb_converter(argtypes[0], arg_fields(args, 0))
    c.make = lambda: _JsonbAgg(conv)


_agg("json_agg", ["anyelement"], T.JSON, None, strict=False, binder=_json_agg_bind)
_agg("jsonb_agg", ["anyelement"], T.JSONB, None, strict=False, binder=_jsonb_agg_bind)


def _json_key_check(t):
    if t.is_array or t is T.RECORD or t.typtype == "c" or t in (T.JSON, T.JSONB):
        raise PgError("key value must be scalar, not array, composite, or json", errcodes.INVALID_PARAMETER_VALUE)


def _null_key():
    return PgError("field name must not be null", errcodes.INVALID_PARAMETER_VALUE)


class _JsonObjAgg:
    __slots__ = ("buf", "kconv", "vconv")

    def __init__(self, kconv, vconv):
        self.buf = None
        self.kconv = kconv
        self.vconv = vconv

    def step(self, k, v):
        if self.buf is None:
            self.buf = ["{ "]
        else:
            self.buf.append(", ")
        if k is None:
            raise _null_key()
        from json.encoder import encode_basestring as q

        self.buf.append(q(self.kconv(k)))
        self.buf.append(" : ")
        self.buf.append("null" if v is None else self.vconv(v))

    def result(self):
        if self.buf is None:
            return None
        return "".join(self.buf) + " }"


def _json_obj_agg_bind(c, argtypes, args):
    _json_key_check(argtypes[0])
    kconv = text_out(argtypes[0])
    vconv = json_converter(argtypes[1], arg_fields(args, 1))
    c.make = lambda: _JsonObjAgg(kconv, vconv)


class _JsonbObjAgg:
    __slots__ = ("d", "kconv", "vconv")

    def __init__(self, kconv, vconv):
        self.d = None
        self.kconv = kconv
        self.vconv = vconv

    def step(self, k, v):
        if self.d is None:
            self.d = {}
        if k is None:
            raise _null_key()
        key = self.kconv(k)
        if v is None:
            self.d[key] = None
        else:
            r = self.vconv(v)
            self.d[key] = None if r is T.JSON_NULL else r

    def result(self):
        return self.d


def _jsonb_obj_agg_bind(c, argtypes, args):
    kt = argtypes[0]
    _json_key_check(kt)
    kconv = text_out(kt)
    vconv = jsonb_converter(argtypes[1], arg_fields(args, 1))
    c.make = lambda: _JsonbObjAgg(kconv, vconv)


_agg("json_object_agg", ["any", "any"], T.JSON, None, strict=False, binder=_json_obj_agg_bind)
_agg("jsonb_object_agg", ["any", "any"], T.JSONB, None, strict=False, binder=_jsonb_obj_agg_bind)


# ====================================================================== statistics


class _FloatAccum:
    """float8_accum: N, Sx, Sxx with the Youngs-Cramer update (PostgreSQL's float.c)."""

    __slots__ = ("N", "Sx", "Sxx", "kind")

    def __init__(self, kind):
        self.N = 0.0
        self.Sx = 0.0
        self.Sxx = 0.0
        self.kind = kind

    def step(self, x):
        N = self.N + 1.0
        old_sx = self.Sx
        Sx = old_sx + x
        Sxx = self.Sxx
        if self.N > 0.0:
            tmp = x * N - Sx
            Sxx += tmp * tmp / (N * (N - 1.0))
            if math.isinf(Sx) or math.isinf(Sxx):
                if not math.isinf(old_sx) and not math.isinf(x):
                    raise float8_overflow()
                Sxx = math.nan
        else:
            if math.isnan(x) or math.isinf(x):
                Sxx = math.nan
        self.N, self.Sx, self.Sxx = N, Sx, Sxx

    def result(self):
        N, Sxx = self.N, self.Sxx
        k = self.kind
        if k in ("var_pop", "stddev_pop"):
            if N == 0.0:
                return None
            v = Sxx / N
        else:
            if N <= 1.0:
                return None
            v = Sxx / (N - 1.0)
        if k.startswith("stddev"):
            return math.sqrt(v) if v == v else v
        return v


class _NumAccum:
    """numeric variance/stddev from exact N, sum(X), sum(X*X) (numeric.c)."""

    __slots__ = ("N", "sx", "sxx", "kind", "nan", "inf", "scale")

    def __init__(self, kind):
        self.N = 0
        self.sx = Decimal(0)
        self.sxx = Decimal(0)
        self.kind = kind
        self.nan = 0
        self.inf = 0

    def step(self, x):
        self.N += 1
        if x.__class__ is int:
            x = Decimal(x)
        elif not x.is_finite():
            if x.is_nan():
                self.nan += 1
            else:
                self.inf += 1
            return
        self.sx = _BIG.add(self.sx, x)
        self.sxx = _BIG.add(self.sxx, _BIG.multiply(x, x))

    def result(self):
        k = self.kind
        sample = k in ("var_samp", "stddev_samp", "variance", "stddev")
        N = self.N
        if N == 0 or (sample and N <= 1):
            return None
        if self.nan or self.inf:
            return _NAN
        sx, sxx = self.sx, self.sxx
        numer = _BIG.subtract(_BIG.multiply(Decimal(N), sxx), _BIG.multiply(sx, sx))
        if numer <= 0:
            return Decimal(0)
        denom = Decimal(N * (N - 1)) if sample else Decimal(N * N)
        q = num_div(numer, denom)
        if k.startswith("stddev"):
            scale = -q.as_tuple().exponent
            c = decimal.Context(prec=scale + q.adjusted() + 40, rounding=decimal.ROUND_HALF_UP)
            r = c.sqrt(numer / denom if False else _BIG.divide(numer, denom))
            return r.quantize(Decimal(1).scaleb(-scale), context=c)
        return q


_STAT_KINDS = ("stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop")
for _k in _STAT_KINDS:
    for _t in INT_TYPES + (T.NUMERIC,):
        _agg(_k, [_t], T.NUMERIC, lambda k=_k: _NumAccum(k))
    _agg(_k, [T.FLOAT4], T.FLOAT8, lambda k=_k: _FloatAccum(k))
    _agg(_k, [T.FLOAT8], T.FLOAT8, lambda k=_k: _FloatAccum(k))


class _RegrAccum:
    """float8_regr_accum: N, Sx, Sxx, Sy, Syy, Sxy (first argument is Y)."""

    __slots__ = ("N", "Sx", "Sxx", "Sy", "Syy", "Sxy", "kind")

    def __init__(self, kind):
        self.N = self.Sx = self.Sxx = self.Sy = self.Syy = self.Sxy = 0.0
        self.kind = kind

    def step(self, y, x):
        oldN = self.N
        N = oldN + 1.0
        Sx = self.Sx + x
        Sy = self.Sy + y
        Sxx, Syy, Sxy = self.Sxx, self.Syy, self.Sxy
        if oldN > 0.0:
            tmpX = x * N - Sx
            tmpY = y * N - Sy
            scale = 1.0 / (N * oldN)
            Sxx += tmpX * tmpX * scale
            Syy += tmpY * tmpY * scale
            Sxy += tmpX * tmpY * scale
            if math.isinf(Sx) or math.isinf(Sxx) or math.isinf(Sy) or math.isinf(Syy) or math.isinf(Sxy):
                if (math.isinf(Sx) and not math.isinf(self.Sx) and not math.isinf(x)) or \
                        (math.isinf(Sy) and not math.isinf(self.Sy) and not math.isinf(y)) or \
                        ((math.isinf(Sxx) or math.isinf(Syy) or math.isinf(Sxy)) and not any(
                            math.isinf(v) for v in (self.Sx, x, self.Sy, y))):
                    raise float8_overflow()
                if math.isinf(Sxx):
                    Sxx = math.nan
                if math.isinf(Syy):
                    Syy = math.nan
                if math.isinf(Sxy):
                    Sxy = math.nan
        else:
            if math.isnan(x) or math.isinf(x):
                Sxx = Sxy = math.nan
            if math.isnan(y) or math.isinf(y):
                Syy = Sxy = math.nan
        self.N, self.Sx, self.Sy, self.Sxx, self.Syy, self.Sxy = N, Sx, Sy, Sxx, Syy, Sxy

    def result(self):
        k = self.kind
        N = self.N
        if k == "regr_count":
            return int(N)
        if N < 1.0:
            return None
        Sx, Sy, Sxx, Syy, Sxy = self.Sx, self.Sy, self.Sxx, self.Syy, self.Sxy
        if k == "covar_pop":
            return Sxy / N
        if k == "covar_samp":
            return None if N < 2.0 else Sxy / (N - 1.0)
        if k == "corr":
            if Sxx == 0 or Syy == 0:
                return None
            return Sxy / math.sqrt(Sxx * Syy)
        if k == "regr_sxx":
            return Sxx
        if k == "regr_syy":
            return Syy
        if k == "regr_sxy":
            return Sxy
        if k == "regr_avgx":
            return Sx / N
        if k == "regr_avgy":
            return Sy / N
        if k == "regr_r2":
            if Sxx == 0:
                return None
            if Syy == 0:
                return 1.0
            return (Sxy * Sxy) / (Sxx * Syy)
        if k == "regr_slope":
            if Sxx == 0:
                return None
            return Sxy / Sxx
        if k == "regr_intercept":
            if Sxx == 0:
                return None
            return (Sy - Sx * Sxy / Sxx) / N
        return None


for _k in ("corr", "covar_pop", "covar_samp", "regr_sxx", "regr_syy", "regr_sxy", "regr_avgx", "regr_avgy",
           "regr_r2", "regr_slope", "regr_intercept"):
    _agg(_k, [T.FLOAT8, T.FLOAT8], T.FLOAT8, lambda k=_k: _RegrAccum(k))
_agg("regr_count", [T.FLOAT8, T.FLOAT8], T.INT8, lambda: _RegrAccum("regr_count"))


# ====================================================================== ordered-set aggregates


def _check_pct(p):
    if p is None:
        return
    if not (0 <= p <= 1) or p != p:
        raise PgError(f"percentile value {_g(p)} is not between 0 and 1", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)


def _g(p):
    s = "%g" % p
    return s


class _Percentile:
    """percentile_cont / percentile_disc, one fraction or an array of them (sorted input)."""

    __slots__ = ("vals", "p", "cont", "lerp", "arr")

    def __init__(self, cont, lerp=None, arr=False):
        self.vals = []
        self.p = None
        self.cont = cont
        self.lerp = lerp
        self.arr = arr

    def direct(self, p):
        self.p = p

    def step(self, v):
        self.vals.append(v)

    def _one(self, p):
        vals = self.vals
        n = len(vals)
        if p is None:
            return None
        _check_pct(p)
        if self.cont:
            pos = p * (n - 1)
            lo = math.floor(pos)
            hi = math.ceil(pos)
            a = vals[lo]
            if lo == hi:
                return a
            return self.lerp(a, vals[hi], pos - lo)
        row = math.ceil(p * n)
        if row < 1:
            row = 1
        return vals[row - 1]

    def result(self):
        p = self.p
        if self.arr:
            if p is None:
                return None
            if not self.vals:
                return None
            return _map_nested(p, self._one)
        if p is None:
            _check_pct(p)
            return None
        _check_pct(p)
        if not self.vals:
            return None
        return self._one(p)


def _map_nested(v, f):
    return [(_map_nested(x, f) if x.__class__ is list else f(x)) for x in v]


def _lerp_float(a, b, frac):
    return a + (b - a) * frac


def _lerp_interval(a, b, frac):
    return a.add(b.sub(a).mul(frac))


_agg("percentile_cont", [T.FLOAT8, T.FLOAT8], T.FLOAT8, lambda: _Percentile(True, _lerp_float), ordered_set=True)
_agg("percentile_cont", [T.FLOAT8, T.INTERVAL], T.INTERVAL, lambda: _Percentile(True, _lerp_interval),
     ordered_set=True)
_agg("percentile_cont", [T.FLOAT8_ARRAY, T.FLOAT8], T.FLOAT8_ARRAY,
     lambda: _Percentile(True, _lerp_float, arr=True), ordered_set=True)
_agg("percentile_cont", [T.FLOAT8_ARRAY, T.INTERVAL], T.INTERVAL_ARRAY,
     lambda: _Percentile(True, _lerp_interval, arr=True), ordered_set=True)
_agg("percentile_disc", [T.FLOAT8, "anyelement"], lambda ts: ts[1], lambda: _Percentile(False), ordered_set=True)
_agg("percentile_disc", [T.FLOAT8_ARRAY, "anyelement"], lambda ts: ts[1].array or T.TEXT_ARRAY,
     lambda: _Percentile(False, arr=True), ordered_set=True)


class _Mode:
    __slots__ = ("best", "bestn", "cur", "curn", "eq")

    def __init__(self, eq=None):
        self.best = None
        self.bestn = 0
        self.cur = None
        self.curn = 0
        self.eq = eq

    def direct(self):
        pass

    def step(self, v):
        if self.curn and (self.eq(self.cur, v) if self.eq else self.cur == v):
            self.curn += 1
        else:
            self.cur = v
            self.curn = 1
        if self.curn > self.bestn:
            self.best = self.cur
            self.bestn = self.curn

    def result(self):
        return self.best if self.bestn else None


def _mode_bind(c, argtypes, args):
    k = sort_key(argtypes[0]) if argtypes else None
    if k is not None:
        c.make = lambda: _Mode(lambda a, b: k(a) == k(b))


_agg("mode", ["anyelement"], lambda ts: ts[0], _Mode, ordered_set=True, binder=_mode_bind)
