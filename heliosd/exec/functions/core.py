"""Core operators: comparison, arithmetic on numbers, boolean and text basics.

These are the operators every plan uses; they carry inline templates so the
compiled code has no call overhead for them.
"""

from __future__ import annotations

import math
from decimal import Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import op

INT_TYPES = (T.INT2, T.INT4, T.INT8)
_RANK = {T.INT2.oid: 0, T.INT4.oid: 1, T.INT8.oid: 2}
_LIMITS = {T.INT2.oid: (-32768, 32767, "smallint"),
           T.INT4.oid: (-2147483648, 2147483647, "integer"),
           T.INT8.oid: (-9223372036854775808, 9223372036854775807, "bigint")}


def _range_checker(t):
    lo, hi, name = _LIMITS[t.oid]

    def check(v):
        if v < lo or v > hi:
            raise PgError(f"{name} out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
        return v

    return check


def _div_zero():
    return PgError("division by zero", errcodes.DIVISION_BY_ZERO)


def _int_div(a, b):
    if b == 0:
        raise _div_zero()
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _int_mod(a, b):
    if b == 0:
        raise _div_zero()
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


# ------------------------------------------------------------------ comparisons

_CMP = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _float_cmp(sym):
    # PostgreSQL: NaN equals NaN and sorts above every other value
    def key(x):
        return (1, 0.0) if x != x else (0, x)

    import operator as o

    f = {"=": o.eq, "<>": o.ne, "<": o.lt, "<=": o.le, ">": o.gt, ">=": o.ge}[sym]
    return lambda a, b: f(key(a), key(b))


def _register_comparisons():
    plain = [T.BOOL, T.TEXT, T.NAME, T.BYTEA, T.DATE, T.TIME, T.TIMESTAMP, T.TIMESTAMPTZ,
             T.UUID, T.OID, T.CHAR]
    for t in plain:
        for sym, py in _CMP.items():
            op(sym, t, t, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
    # numeric: NaN equals NaN and sorts above everything (Decimal raises on NaN < x)
    from ...types.compare import numeric_cmp

    nenv = {"_numeric_cmp": numeric_cmp}
    for sym, py in _CMP.items():
        if sym == "=":
            tpl = "({0} == {1} or ({0}.is_nan() and {1}.is_nan()))"
        elif sym == "<>":
            tpl = "({0} != {1} and not ({0}.is_nan() and {1}.is_nan()))"
        else:
            tpl = "(({0} %s {1}) if not ({0}.is_nan() or {1}.is_nan()) else (_numeric_cmp({0}, {1}) %s 0))" % (py, py)
        op(sym, T.NUMERIC, T.NUMERIC, T.BOOL, template=tpl, filter_safe=True, env=nenv)
    # all integer combinations compare natively
    for a in INT_TYPES:
        for b in INT_TYPES:
            for sym, py in _CMP.items():
                op(sym, a, b, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
    for a in (T.FLOAT4, T.FLOAT8):
        for b in (T.FLOAT4, T.FLOAT8):
            for sym in _CMP:
                op(sym, a, b, T.BOOL, _float_cmp(sym))
    # xid: equality only, also against integer (RETURNING xmax = 0)
    for sym in ("=", "<>"):
        py = _CMP[sym]
        op(sym, T.XID, T.XID, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
        op(sym, T.XID, T.INT4, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
    # name vs text (PostgreSQL has these cross-type operators)
    for sym, py in _CMP.items():
        op(sym, T.NAME, T.TEXT, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
        op(sym, T.TEXT, T.NAME, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
    # bpchar: trailing spaces are insignificant
    for sym, py in _CMP.items():
        op(sym, T.BPCHAR, T.BPCHAR, T.BOOL, template="({0}.rstrip(' ') %s {1}.rstrip(' '))" % py,
           filter_safe=True)
    # interval compares by normalized value (the Interval class implements it)
    for sym, py in _CMP.items():
        op(sym, T.INTERVAL, T.INTERVAL, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
    # date vs timestamp cross-type
    for sym, py in _CMP.items():
        op(sym, T.DATE, T.TIMESTAMP, T.BOOL, lambda a, b, _f=py: _cmp_date_ts(a, b, _f))
        op(sym, T.TIMESTAMP, T.DATE, T.BOOL, lambda a, b, _f=py: _cmp_date_ts(b, a, _swap(_f)))


def _swap(py):
    return {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(py, py)


def _cmp_date_ts(d, ts, py):
    import datetime as dt

    a = dt.datetime(d.year, d.month, d.day)
    return eval(f"a {py} ts", {"a": a, "ts": ts})  # noqa: S307 - fixed operator symbols


# ------------------------------------------------------------------ arithmetic


def _register_int_arith():
    for a in INT_TYPES:
        for b in INT_TYPES:
            res = a if _RANK[a.oid] >= _RANK[b.oid] else b
            chk = _range_checker(res)
            env = {"_h_chk%s" % res.oid: chk, "_h_idiv": _int_div, "_h_imod": _int_mod}
            c = "_h_chk%s" % res.oid
            op("+", a, b, res, template=f"{c}({{0}} + {{1}})", env=env)
            op("-", a, b, res, template=f"{c}({{0}} - {{1}})", env=env)
            op("*", a, b, res, template=f"{c}({{0}} * {{1}})", env=env)
            op("/", a, b, res, template=f"{c}(_h_idiv({{0}}, {{1}}))", env=env)
            op("%", a, b, res, template="_h_imod({0}, {1})", env=env)
    for t in INT_TYPES:
        chk = _range_checker(t)
        c = "_h_chk%s" % t.oid
        op("-", None, t, t, template=f"{c}(-{{0}})", env={c: chk})
        op("+", None, t, t, template="{0}")
        op("@", None, t, t, template=f"{c}(abs({{0}}))", env={c: chk})
        op("&", t, t, t, template="({0} & {1})")
        op("|", t, t, t, template="({0} | {1})")
        op("#", t, t, t, template="({0} ^ {1})")
        op("~", None, t, t, template="(~{0})")
        op("<<", t, T.INT4, t, template=f"{c}({{0}} << {{1}})", env={c: chk})
        op(">>", t, T.INT4, t, template="({0} >> {1})")


def _float_check(v, name="double precision"):
    if math.isinf(v):
        raise PgError("value out of range: overflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return v


def _fdiv(a, b):
    if b == 0:
        raise _div_zero()
    return a / b


def _f_add(a, b):
    r = a + b
    if math.isinf(r) and not (math.isinf(a) or math.isinf(b)):
        raise PgError("value out of range: overflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return r


def _f_mul(a, b):
    try:
        r = a * b
    except OverflowError:
        raise PgError("value out of range: overflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE) from None
    if math.isinf(r) and not (math.isinf(a) or math.isinf(b)):
        raise PgError("value out of range: overflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    if r == 0 and a != 0 and b != 0:
        raise PgError("value out of range: underflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return r


def _fmod(a, b):
    if b == 0:
        raise _div_zero()
    return math.fmod(a, b)


def _f4(v):
    try:
        return T.to_float4(v)
    except OverflowError:
        raise PgError("value out of range: overflow", errcodes.NUMERIC_VALUE_OUT_OF_RANGE) from None


def _register_float_arith():
    for a in (T.FLOAT4, T.FLOAT8):
        for b in (T.FLOAT4, T.FLOAT8):
            res = T.FLOAT8 if T.FLOAT8 in (a, b) else T.FLOAT4
            if res is T.FLOAT4:
                # float4 arithmetic rounds to single precision (float4pl...)
                op("+", a, b, res, lambda x, y: _f4(_f_add(x, y)))
                op("-", a, b, res, lambda x, y: _f4(_f_add(x, -y)))
                op("*", a, b, res, lambda x, y: _f4(_f_mul(x, y)))
                op("/", a, b, res, lambda x, y: _f4(_fdiv(x, y)))
                continue
            op("+", a, b, res, _f_add)
            op("-", a, b, res, lambda x, y: _f_add(x, -y))
            op("*", a, b, res, _f_mul)
            op("/", a, b, res, _fdiv)
    for t in (T.FLOAT4, T.FLOAT8):
        op("-", None, t, t, template="(-{0})")
        op("+", None, t, t, template="{0}")
        op("@", None, t, t, template="abs({0})")


# numeric: PostgreSQL's result scales


def _num_scale(d: Decimal) -> int:
    if not d.is_finite():
        return 0
    e = d.as_tuple().exponent
    return -e if e < 0 else 0


def num_add(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if a.is_infinite() or b.is_infinite():
        if a.is_infinite() and b.is_infinite() and a != b:
            return Decimal("NaN")
        return a if a.is_infinite() else b
    r = a + b if not _needs_ctx(a, b) else _ctx().add(a, b)
    return _rescale(r, max(_num_scale(a), _num_scale(b)))


def num_sub(a: Decimal, b: Decimal) -> Decimal:
    return num_add(a, -b)


def num_mul(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if a.is_infinite() or b.is_infinite():
        if a == 0 or b == 0:
            return Decimal("NaN")
        neg = (a < 0) != (b < 0)
        return Decimal("-Infinity") if neg else Decimal("Infinity")
    r = _ctx().multiply(a, b)
    return _rescale(r, _num_scale(a) + _num_scale(b))


def _ctx():
    import decimal

    c = decimal.Context(prec=100000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    return c


def _needs_ctx(a, b):
    return len(a.as_tuple().digits) + len(b.as_tuple().digits) > 25


def _rescale(d: Decimal, scale: int) -> Decimal:
    if not d.is_finite():
        return d
    return d.quantize(Decimal(1).scaleb(-scale), context=_ctx()) if _num_scale(d) != scale else d


def num_weight(d: Decimal) -> int:
    """PostgreSQL's NumericVar weight: base-10000 digit position of the first digit."""
    if d == 0:
        return 0
    adj = d.adjusted()  # exponent of the most significant decimal digit
    return adj // 4


def num_div(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if b == 0:
        raise _div_zero()
    if a.is_infinite():
        if b.is_infinite():
            return Decimal("NaN")
        return a if b > 0 else -a
    if b.is_infinite():
        return Decimal(0)
    # select_div_scale (numeric.c)
    w1 = num_weight(a)
    w2 = num_weight(b)
    f1 = _first_digit_group(a)
    f2 = _first_digit_group(b)
    qweight = w1 - w2
    if f1 <= f2:
        qweight -= 1
    rscale = 16 - qweight * 4
    rscale = max(rscale, _num_scale(a), _num_scale(b))
    rscale = max(rscale, 0)
    rscale = min(rscale, 1000)
    import decimal

    c = decimal.Context(prec=max(50, rscale + abs(a.adjusted()) + 20), rounding=decimal.ROUND_HALF_UP)
    q = c.divide(a, b)
    return q.quantize(Decimal(1).scaleb(-rscale), context=c)


def _first_digit_group(d: Decimal) -> int:
    """The value of the most significant base-10000 digit."""
    if d == 0:
        return 0
    a = abs(d)
    w = num_weight(a)
    return int(a.scaleb(-4 * w)) if True else 0


def num_mod(a: Decimal, b: Decimal) -> Decimal:
    if a.is_nan() or b.is_nan():
        return Decimal("NaN")
    if b == 0:
        raise _div_zero()
    if a.is_infinite():
        return Decimal("NaN")
    if b.is_infinite():
        return a
    r = _ctx().remainder(a, b)
    return _rescale(r, max(_num_scale(a), _num_scale(b)))


def _register_numeric_arith():
    N = T.NUMERIC
    op("+", N, N, N, num_add)
    op("-", N, N, N, num_sub)
    op("*", N, N, N, num_mul)
    op("/", N, N, N, num_div)
    op("%", N, N, N, num_mod)
    op("-", None, N, N, template="(-{0})")
    op("+", None, N, N, template="{0}")
    op("@", None, N, N, template="abs({0})")


# ------------------------------------------------------------------ text and bool


def _register_text():
    op("||", T.TEXT, T.TEXT, T.TEXT, template="({0} + {1})")


_register_comparisons()
_register_int_arith()
_register_float_arith()
_register_numeric_arith()
_register_text()
