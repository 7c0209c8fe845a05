"""Mathematical functions and the operators core.py does not cover.

Numeric (``decimal.Decimal``) results follow PostgreSQL's numeric.c scale
rules: ``sqrt``, ``exp``, ``ln``, ``log`` and ``power`` choose a result scale
giving at least 16 significant digits and never less than the inputs'
display scales (``NUMERIC_MIN_SIG_DIGITS``), computed with Python's decimal
module at a higher precision and rounded half away from zero, as
``round_var`` does.  ``round(numeric)`` rounds half away from zero,
``round(float8)`` half to even (C's rint).  Float trigonometry in degrees
(``sind``...) reproduces PostgreSQL's exact-at-special-angles algorithms.
Errors carry PostgreSQL's SQLSTATEs (22012 division by zero, 2201E/2201F
logarithm/power/sqrt domain errors, 22003 out of range).
"""

from __future__ import annotations

import decimal
import math
from decimal import Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime
from . import op, register
from ._common import check_float8, float8_overflow, float8_underflow
from .core import _num_scale, num_div

N = T.NUMERIC
F8 = T.FLOAT8
F4 = T.FLOAT4
I2, I4, I8 = T.INT2, T.INT4, T.INT8
INTS = (I2, I4, I8)
_LIMITS = {I2.oid: (-32768, 32767, "smallint"), I4.oid: (-2147483648, 2147483647, "integer"),
           I8.oid: (-9223372036854775808, 9223372036854775807, "bigint")}

_BIG = decimal.Context(prec=2000, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN, rounding=decimal.ROUND_HALF_UP,
                       traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
NAN = Decimal("NaN")
PINF = Decimal("Infinity")
NINF = Decimal("-Infinity")
MIN_SIG = 16
MAX_DISPLAY = 1000


def _f(name, args, ret, impl=None, **kw):
    return register(name, args, ret, impl, **kw)


def _range(t):
    lo, hi, name = _LIMITS[t.oid]

    def chk(v):
        if v < lo or v > hi:
            raise PgError(f"{name} out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
        return v

    return chk


def dscale(d: Decimal) -> int:
    return _num_scale(d)


def quantize(d: Decimal, scale: int, rounding=decimal.ROUND_HALF_UP) -> Decimal:
    """Round to ``scale`` digits after the point (negative: to tens...; result scale >= 0)."""
    if not d.is_finite():
        return d
    ctx = decimal.Context(prec=max(50, d.adjusted() + abs(scale) + 10), rounding=rounding,
                          Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
    r = d.quantize(Decimal(1).scaleb(-scale), context=ctx)
    if scale < 0:
        r = r.quantize(Decimal(1), context=ctx)
    if r == 0:
        r = abs(r)
    return r


def _prec_ctx(digits):
    return decimal.Context(prec=max(digits, 30), Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN,
                           rounding=decimal.ROUND_HALF_EVEN)


def nbase_digits(d: Decimal):
    """(weight, digits) of |d| in PostgreSQL's base-10000 NumericVar form (normalized)."""
    if d == 0 or not d.is_finite():
        return 0, []
    sign, digs, exp = abs(d).as_tuple()
    n = int("".join(map(str, digs)))
    e4 = (exp // 4) * 4
    n *= 10 ** (exp - e4)
    groups = []
    while n:
        n, r = divmod(n, 10000)
        groups.append(r)
    groups.reverse()
    weight = len(groups) - 1 + e4 // 4
    while groups and groups[-1] == 0:
        groups.pop()
    return weight, groups


def _to_float(d: Decimal) -> float:
    try:
        return float(d)
    except OverflowError:
        return math.inf if d > 0 else -math.inf


def estimate_ln_dweight(d: Decimal) -> int:
    if d <= 0:
        return 0
    if Decimal("0.9") <= d <= Decimal("1.1"):
        x = d - 1
        if x == 0:
            return 0
        return x.adjusted()
    w, digs = nbase_digits(d)
    if not digs:
        return 0
    digits = digs[0]
    dweight = w * 4
    if len(digs) > 1:
        digits = digits * 10000 + digs[1]
        dweight -= 4
    lnv = math.log(digits) + dweight * 2.302585092994046
    if lnv == 0:
        return 0
    return int(math.log10(abs(lnv)))


def _clamp_scale(rs, *scales):
    for s in scales:
        rs = max(rs, s)
    rs = max(rs, 0)
    return min(rs, MAX_DISPLAY)


# ====================================================================== abs / sign / rounding


def _abs_int(t):
    chk = _range(t)
    return lambda v: chk(abs(v))


for _t in INTS:
    _f("abs", [_t], _t, _abs_int(_t))
_f("abs", [F4], F4, abs)
_f("abs", [F8], F8, abs)
_f("abs", [N], N, lambda v: abs(v) if not v.is_nan() else v)


def _num_sign(v):
    if v.is_nan():
        return NAN
    if v > 0:
        return Decimal(1)
    if v < 0:
        return Decimal(-1)
    return Decimal(0)


def _f8_sign(v):
    if v != v:
        return v
    return 1.0 if v > 0 else (-1.0 if v < 0 else 0.0)


_f("sign", [N], N, _num_sign)
_f("sign", [F8], F8, _f8_sign)


def _num_round(v, s=0):
    if not v.is_finite():
        return v
    s = max(min(s, 2000), -2000)
    return quantize(v, s, decimal.ROUND_HALF_UP)


def _num_trunc(v, s=0):
    if not v.is_finite():
        return v
    s = max(min(s, 2000), -2000)
    return quantize(v, s, decimal.ROUND_DOWN)


def _rint(v):
    if v != v or v - v != 0:
        return v
    r = float(round(v))
    return math.copysign(r, v) if r == 0 else r


def _ftrunc(v):
    if v != v or v - v != 0:
        return v
    r = float(math.trunc(v))
    return math.copysign(r, v) if r == 0 else r


def _fceil(v):
    if v != v or v - v != 0:
        return v
    r = float(math.ceil(v))
    return math.copysign(r, v) if r == 0 else r


def _ffloor(v):
    if v != v or v - v != 0:
        return v
    return float(math.floor(v))


def _num_ceil(v):
    if not v.is_finite():
        return v
    r = v.to_integral_value(rounding=decimal.ROUND_CEILING)
    return abs(r) if r == 0 else r.quantize(Decimal(1), context=_BIG)


def _num_floor(v):
    if not v.is_finite():
        return v
    r = v.to_integral_value(rounding=decimal.ROUND_FLOOR)
    return abs(r) if r == 0 else r.quantize(Decimal(1), context=_BIG)


_f("round", [N], N, _num_round)
_f("round", [N, I4], N, _num_round)
_f("round", [F8], F8, _rint)
_f("trunc", [N], N, _num_trunc)
_f("trunc", [N, I4], N, _num_trunc)
_f("trunc", [F8], F8, _ftrunc)
for _name in ("ceil", "ceiling"):
    _f(_name, [N], N, _num_ceil)
    _f(_name, [F8], F8, _fceil)
_f("floor", [N], N, _num_floor)
_f("floor", [F8], F8, _ffloor)


# ====================================================================== mod / div / gcd / lcm / factorial


def _int_mod(a, b):
    if b == 0:
        raise PgError("division by zero", errcodes.DIVISION_BY_ZERO)
    r = abs(a) % abs(b)
    return r if a >= 0 else -r


def _num_mod(a, b):
    from .core import num_mod

    return num_mod(a, b)


for _t in INTS:
    _f("mod", [_t, _t], _t, _int_mod)
_f("mod", [N, N], N, _num_mod)


def _num_div_trunc(a, b):
    if a.is_nan() or b.is_nan():
        return NAN
    if b == 0:
        raise PgError("division by zero", errcodes.DIVISION_BY_ZERO)
    if a.is_infinite():
        if b.is_infinite():
            return NAN
        return a if b > 0 else -a
    if b.is_infinite():
        return Decimal(0)
    q = _BIG.divide_int(a, b)
    return abs(q) if q == 0 else q.quantize(Decimal(1), context=_BIG)


_f("div", [N, N], N, _num_div_trunc)


def _gcd_int(t):
    chk = _range(t)

    def g(a, b):
        return chk(math.gcd(a, b))

    return g


def _lcm_int(t):
    chk = _range(t)

    def lcm(a, b):
        if a == 0 or b == 0:
            return 0
        return chk(abs(a * b) // math.gcd(a, b))

    return lcm


def _num_int_check(name, *vals):
    for v in vals:
        if v.is_nan():
            return NAN
        if v.is_infinite():
            return NAN
    return None


def _gcd_num(a, b):
    sp = _num_int_check("gcd", a, b)
    if sp is not None:
        return sp
    sc = max(dscale(a), dscale(b))
    m = 10 ** sc
    r = Decimal(math.gcd(int(a * m), int(b * m))) / m
    return quantize(r, sc)


def _lcm_num(a, b):
    sp = _num_int_check("lcm", a, b)
    if sp is not None:
        return sp
    sc = max(dscale(a), dscale(b))
    m = 10 ** sc
    ia, ib = int(a * m), int(b * m)
    if ia == 0 or ib == 0:
        return quantize(Decimal(0), sc)
    r = Decimal(abs(ia * ib) // math.gcd(ia, ib)) / m
    return quantize(r, sc)


for _t in (I4, I8):
    _f("gcd", [_t, _t], _t, _gcd_int(_t))
    _f("lcm", [_t, _t], _t, _lcm_int(_t))
_f("gcd", [N, N], N, _gcd_num)
_f("lcm", [N, N], N, _lcm_num)


def _factorial(n):
    if n < 0:
        raise PgError("factorial of a negative number is undefined", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    if n > 32177:
        raise PgError("value overflows numeric format", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return Decimal(math.factorial(n))


_f("factorial", [I8], N, _factorial)


# ====================================================================== power / sqrt / exp / ln / log


def _pow_err_zero_neg():
    return PgError("zero raised to a negative power is undefined", errcodes.INVALID_ARGUMENT_FOR_POWER_FUNCTION)


def _pow_err_complex():
    return PgError("a negative number raised to a non-integer power yields a complex result",
                   errcodes.INVALID_ARGUMENT_FOR_POWER_FUNCTION)


def f8_pow(a, b):
    # PostgreSQL's dpow: POSIX pow() with SQL-standard errors
    if a != a:
        return 1.0 if b == 0 else a
    if b != b:
        return 1.0 if a == 1 else b
    if a == 0 and b < 0:
        raise _pow_err_zero_neg()
    if a < 0 and not math.isinf(b) and math.floor(b) != b:
        raise _pow_err_complex()
    if math.isinf(b):
        aa = abs(a)
        if aa == 1:
            return 1.0
        if (aa > 1) == (b > 0):
            return math.inf
        return 0.0
    if math.isinf(a):
        if b == 0:
            return 1.0
        odd = math.floor(b) == b and int(b) % 2 == 1
        if a > 0:
            return math.inf if b > 0 else 0.0
        if b > 0:
            return -math.inf if odd else math.inf
        return -0.0 if odd else 0.0
    try:
        r = math.pow(a, b)
    except OverflowError:
        raise float8_overflow() from None
    except ValueError:
        raise _pow_err_complex() from None
    if math.isinf(r):
        raise float8_overflow()
    if r == 0 and a != 0:
        raise float8_underflow()
    return r


def _is_integral(d):
    return d == d.to_integral_value()


def num_power(a, b):
    # NaN / Infinity handling (numeric_power)
    if a.is_nan() or b.is_nan():
        if a.is_nan():
            if not b.is_nan() and b == 0:
                return Decimal(1)
            return NAN
        if a == 1:
            return Decimal(1)
        return NAN
    if a.is_infinite() or b.is_infinite():
        if b.is_infinite():
            if a == 0 and b < 0:
                raise _pow_err_zero_neg()
            aa = abs(a)
            if aa == 1:
                return Decimal(1)
            if b > 0:
                return PINF if aa > 1 else Decimal(0)
            return Decimal(0) if aa > 1 else PINF
        # a infinite, b finite
        if b == 0:
            return Decimal(1)
        if a > 0:
            return PINF if b > 0 else Decimal(0)
        if b > 0:
            if _is_integral(b):
                return NINF if int(b) % 2 else PINF
            return PINF
        if _is_integral(b) and int(b) % 2:
            return Decimal("-0")
        return Decimal(0)
    if a == 0 and b < 0:
        raise _pow_err_zero_neg()
    if a < 0 and not _is_integral(b):
        raise _pow_err_complex()
    # power_var
    if _is_integral(b) and -2 ** 31 <= b < 2 ** 31:
        return _power_int(a, int(b), dscale(b))
    if a == 0:
        return quantize(Decimal(0), MIN_SIG)
    ln_dw = estimate_ln_dweight(a)
    c = _prec_ctx(60)
    ln_num = c.multiply(c.ln(a), b)
    val = _to_float(ln_num)
    if abs(val) > 1000 * 3.01:
        if val > 0:
            raise PgError("value overflows numeric format", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
        return quantize(Decimal(0), MAX_DISPLAY)
    val *= 0.434294481903252
    rscale = _clamp_scale(MIN_SIG - int(val), dscale(a), dscale(b))
    sig = max(rscale + int(val), 0)
    c = _prec_ctx(sig + 30 + max(0, int(val)))
    r = c.exp(c.multiply(c.ln(a), b))
    return quantize(r, rscale)


def _power_int(a, e, e_dscale):
    if a != 0:
        w, digs = nbase_digits(a)
        f = float(digs[0])
        p = w * 4
        i = 1
        while i < len(digs) and i * 4 < 16:
            f = f * 10000 + digs[i]
            p -= 4
            i += 1
        f = e * (math.log10(f) + p)
    else:
        f = 0.0
    # PostgreSQL 15's power_var: an integer exponent gets rscale max(16, dscale(base))
    # (the weight-based scale of power_var_int is PostgreSQL 16's)
    rscale = _clamp_scale(MIN_SIG, dscale(a))
    if e == 0:
        return quantize(Decimal(1), rscale)
    if f > 3 * 32767 * 4:
        raise PgError("value overflows numeric format", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    if a != 0 and e not in (1, -1, 2) and f + 1 < -rscale:
        return quantize(Decimal(0), rscale)
    if e > 0:
        r = _BIG.power(a, e) if abs(f) < 1500 else _prec_ctx(int(abs(f)) + rscale + 20).power(a, e)
        return quantize(r, rscale)
    c = _prec_ctx(rscale + int(abs(f)) + 40)
    r = c.divide(Decimal(1), c.power(a, -e))
    return quantize(r, rscale)


for _t in (F8,):
    _f("power", [F8, F8], F8, f8_pow)
    _f("pow", [F8, F8], F8, f8_pow)
_f("power", [N, N], N, num_power)
_f("pow", [N, N], N, num_power)
op("^", F8, F8, F8, f8_pow)
op("^", N, N, N, num_power)


def _f8_sqrt(v):
    if v < 0:
        raise PgError("cannot take square root of a negative number", errcodes.INVALID_ARGUMENT_FOR_POWER_FUNCTION)
    return math.sqrt(v)


def num_sqrt(v):
    if v.is_nan():
        return v
    if v < 0:
        raise PgError("cannot take square root of a negative number", errcodes.INVALID_ARGUMENT_FOR_POWER_FUNCTION)
    if v.is_infinite():
        return v
    w, _d = nbase_digits(v)
    sweight = (w + 1) * 4 // 2 - 1
    rscale = _clamp_scale(MIN_SIG - sweight, dscale(v))
    c = _prec_ctx(rscale + max(v.adjusted(), 0) + 30)
    return quantize(c.sqrt(v), rscale)


def _cbrt(v):
    return math.cbrt(v)


_f("sqrt", [F8], F8, _f8_sqrt)
_f("sqrt", [N], N, num_sqrt)
_f("cbrt", [F8], F8, _cbrt)
op("|/", None, F8, F8, _f8_sqrt)
op("||/", None, F8, F8, _cbrt)


def _f8_exp(v):
    if v != v:
        return v
    if math.isinf(v):
        return v if v > 0 else 0.0
    try:
        r = math.exp(v)
    except OverflowError:
        raise float8_overflow() from None
    if r == 0:
        raise float8_underflow()
    return r


def num_exp(v):
    if v.is_nan():
        return v
    if v.is_infinite():
        return v if v > 0 else Decimal(0)
    val = _to_float(v) * 0.434294481903252
    val = max(min(val, 2000), -2000)
    if val > 131072:
        raise PgError("value overflows numeric format", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    rscale = _clamp_scale(MIN_SIG - int(val), dscale(v))
    c = _prec_ctx(rscale + max(int(val), 0) + 30)
    return quantize(c.exp(v), rscale)


def _log_domain(v, zero_msg=True):
    if v == 0:
        return PgError("cannot take logarithm of zero", errcodes.INVALID_ARGUMENT_FOR_LOGARITHM)
    return PgError("cannot take logarithm of a negative number", errcodes.INVALID_ARGUMENT_FOR_LOGARITHM)


def _f8_ln(v):
    if v <= 0:
        raise _log_domain(v)
    return math.log(v)


def _f8_log10(v):
    if v <= 0:
        raise _log_domain(v)
    return math.log10(v)


def num_ln(v):
    if v.is_nan():
        return v
    if v <= 0:
        raise _log_domain(v)
    if v.is_infinite():
        return v
    rscale = _clamp_scale(MIN_SIG - estimate_ln_dweight(v), dscale(v))
    c = _prec_ctx(rscale + 30 + len(str(abs(v.adjusted()))))
    return quantize(c.ln(v), rscale)


def num_log(b, x):
    if b.is_nan() or x.is_nan():
        return NAN
    if b <= 0:
        raise _log_domain(b)
    if x <= 0:
        raise _log_domain(x)
    if b.is_infinite() or x.is_infinite():
        if b.is_infinite() and x.is_infinite():
            return NAN
        if x.is_infinite():
            return PINF if b > 1 else NINF
        return Decimal(0)
    if b == 1:
        raise PgError("division by zero", errcodes.DIVISION_BY_ZERO)
    rd = estimate_ln_dweight(x) - estimate_ln_dweight(b)
    rscale = _clamp_scale(MIN_SIG - rd, dscale(b), dscale(x))
    c = _prec_ctx(rscale + 40)
    return quantize(c.divide(c.ln(x), c.ln(b)), rscale)


def _num_log10(x):
    return num_log(Decimal(10), x)


_f("exp", [F8], F8, _f8_exp)
_f("exp", [N], N, num_exp)
_f("ln", [F8], F8, _f8_ln)
_f("ln", [N], N, num_ln)
_f("log", [F8], F8, _f8_log10)
_f("log10", [F8], F8, _f8_log10)
_f("log", [N], N, _num_log10)
_f("log10", [N], N, _num_log10)
_f("log", [N, N], N, num_log)


# ====================================================================== trig

RADIANS_PER_DEGREE = 0.0174532925199432957692


def _trig_check(v):
    if math.isinf(v):
        raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)


def _wrap1(fn, domain=None):
    def f(v):
        if v != v:
            return v
        if domain is not None and not (domain[0] <= v <= domain[1]):
            raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
        _trig_check(v) if domain is None else None
        r = fn(v)
        if math.isinf(r):
            raise float8_overflow()
        return r

    return f


def _cot(v):
    t = math.tan(v)
    return math.inf if t == 0 else 1.0 / t


_f("sin", [F8], F8, _wrap1(math.sin))
_f("cos", [F8], F8, _wrap1(math.cos))
_f("tan", [F8], F8, _wrap1(math.tan))
_f("cot", [F8], F8, _wrap1(_cot))
_f("asin", [F8], F8, _wrap1(math.asin, (-1.0, 1.0)))
_f("acos", [F8], F8, _wrap1(math.acos, (-1.0, 1.0)))
_f("atan", [F8], F8, lambda v: v if v != v else math.atan(v))
_f("atan2", [F8, F8], F8, lambda a, b: math.nan if a != a or b != b else math.atan2(a, b))
_f("sinh", [F8], F8, lambda v: v if v != v or math.isinf(v) else _ovf(math.sinh, v))
_f("cosh", [F8], F8, lambda v: v if v != v else (math.inf if math.isinf(v) else _ovf(math.cosh, v)))
_f("tanh", [F8], F8, lambda v: v if v != v else math.tanh(v))
_f("asinh", [F8], F8, lambda v: math.asinh(v))
_f("acosh", [F8], F8, lambda v: _domain(math.acosh, v, v < 1))
_f("atanh", [F8], F8, lambda v: _atanh(v))


def _ovf(fn, v):
    try:
        return fn(v)
    except OverflowError:
        return math.copysign(math.inf, v) if fn is math.sinh else math.inf


def _domain(fn, v, bad):
    if v != v:
        return v
    if bad:
        raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return fn(v)


def _atanh(v):
    if v != v:
        return v
    if v < -1 or v > 1:
        raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    if v == 1:
        return math.inf
    if v == -1:
        return -math.inf
    return math.atanh(v)


_sin_30 = math.sin(30.0 * RADIANS_PER_DEGREE)
_one_minus_cos_60 = 1.0 - math.cos(60.0 * RADIANS_PER_DEGREE)
_asin_0_5 = math.asin(0.5)
_acos_0_5 = math.acos(0.5)
_atan_1_0 = math.atan(1.0)


def _sind_0_to_30(x):
    return (math.sin(x * RADIANS_PER_DEGREE) / _sin_30) / 2.0


def _cosd_0_to_60(x):
    return 1.0 - ((1.0 - math.cos(x * RADIANS_PER_DEGREE)) / _one_minus_cos_60) / 2.0


def _sind_q1(x):
    return _sind_0_to_30(x) if x <= 30.0 else _cosd_0_to_60(90.0 - x)


def _cosd_q1(x):
    return _cosd_0_to_60(x) if x <= 60.0 else _sind_0_to_30(90.0 - x)


_tan_45 = _sind_q1(45.0) / _cosd_q1(45.0)
_cot_45 = _cosd_q1(45.0) / _sind_q1(45.0)


def _deg_in(v):
    if math.isinf(v):
        raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)


def sind(a):
    if a != a:
        return a
    _deg_in(a)
    a = math.fmod(a, 360.0)
    sign = 1.0
    if a < 0.0:
        a = -a
        sign = -sign
    if a > 180.0:
        a = 360.0 - a
        sign = -sign
    if a > 90.0:
        a = 180.0 - a
    return sign * _sind_q1(a)


def cosd(a):
    if a != a:
        return a
    _deg_in(a)
    a = math.fmod(a, 360.0)
    sign = 1.0
    if a < 0.0:
        a = -a
    if a > 180.0:
        a = 360.0 - a
    if a > 90.0:
        a = 180.0 - a
        sign = -sign
    return sign * _cosd_q1(a)


def tand(a):
    if a != a:
        return a
    _deg_in(a)
    a = math.fmod(a, 360.0)
    sign = 1.0
    if a < 0.0:
        a = -a
        sign = -sign
    if a > 180.0:
        a = 360.0 - a
        sign = -sign
    if a > 90.0:
        a = 180.0 - a
        sign = -sign
    c = _cosd_q1(a)
    t = _sind_q1(a) / c if c != 0 else math.inf
    r = sign * (t / _tan_45)
    return 0.0 if r == 0.0 else r


def cotd(a):
    if a != a:
        return a
    _deg_in(a)
    a = math.fmod(a, 360.0)
    sign = 1.0
    if a < 0.0:
        a = -a
        sign = -sign
    if a > 180.0:
        a = 360.0 - a
        sign = -sign
    if a > 90.0:
        a = 180.0 - a
        sign = -sign
    s = _sind_q1(a)
    t = _cosd_q1(a) / s if s != 0 else math.inf
    r = sign * (t / _cot_45)
    return 0.0 if r == 0.0 else r


def _asind_q1(x):
    if x <= 0.5:
        return (math.asin(x) / _asin_0_5) * 30.0
    return 90.0 - (math.acos(x) / _acos_0_5) * 60.0


def _acosd_q1(x):
    if x <= 0.5:
        return 90.0 - (math.asin(x) / _asin_0_5) * 30.0
    return (math.acos(x) / _acos_0_5) * 60.0


def asind(a):
    if a != a:
        return a
    if a < -1.0 or a > 1.0:
        raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return _asind_q1(a) if a >= 0.0 else -_asind_q1(-a)


def acosd(a):
    if a != a:
        return a
    if a < -1.0 or a > 1.0:
        raise PgError("input is out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return _acosd_q1(a) if a >= 0.0 else 90.0 + _asind_q1(-a)


def atand(a):
    if a != a:
        return a
    return (math.atan(a) / _atan_1_0) * 45.0


def atan2d(a, b):
    if a != a or b != b:
        return math.nan
    return (math.atan2(a, b) / _atan_1_0) * 45.0


for _n, _fn in (("sind", sind), ("cosd", cosd), ("tand", tand), ("cotd", cotd), ("asind", asind),
                ("acosd", acosd), ("atand", atand)):
    _f(_n, [F8], F8, _fn)
_f("atan2d", [F8, F8], F8, atan2d)
_f("pi", [], F8, lambda: math.pi)


def _degrees(v):
    return check_float8(v / RADIANS_PER_DEGREE, inf_ok=math.isinf(v))


def _radians(v):
    return check_float8(v * RADIANS_PER_DEGREE, inf_ok=math.isinf(v))


_f("degrees", [F8], F8, _degrees)
_f("radians", [F8], F8, _radians)


# ====================================================================== random


def _random():
    return runtime.state.rng.random()


def _setseed(v):
    if not -1.0 <= v <= 1.0 or v != v:
        raise PgError(f"setseed parameter {v:g} is out of allowed range [-1,1]", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    runtime.state.rng.seed(v)
    return ""  # a void result is a non-NULL empty value


def _random_normal(mean=0.0, stddev=1.0):
    return runtime.state.rng.gauss(mean, stddev)


_f("random", [], F8, _random, volatility="v", strict=False)
_f("setseed", [F8], T.VOID, _setseed, volatility="v")


# ====================================================================== width_bucket


def _wb_err(msg):
    return PgError(msg, errcodes.INVALID_ARGUMENT_FOR_WIDTH_BUCKET_FUNCTION)


def _wb_float(op_, b1, b2, count):
    if count <= 0:
        raise _wb_err("count must be greater than zero")
    if op_ != op_ or b1 != b1 or b2 != b2:
        raise _wb_err("operand, lower bound, and upper bound cannot be NaN")
    if math.isinf(b1) or math.isinf(b2):
        raise _wb_err("lower and upper bounds must be finite")
    if b1 < b2:
        if op_ < b1:
            return 0
        if op_ >= b2:
            return _chk_i4(count + 1)
        d = b2 - b1
        if not math.isinf(d):
            r = count * ((op_ - b1) / d)
        else:
            r = count * ((op_ / 2 - b1 / 2) / (b2 / 2 - b1 / 2))
    elif b1 > b2:
        if op_ > b1:
            return 0
        if op_ <= b2:
            return _chk_i4(count + 1)
        d = b1 - b2
        if not math.isinf(d):
            r = count * ((b1 - op_) / d)
        else:
            r = count * ((b1 / 2 - op_ / 2) / (b1 / 2 - b2 / 2))
    else:
        raise _wb_err("lower bound cannot equal upper bound")
    r = int(r)
    if r >= count:
        r = count - 1
    return r + 1


def _chk_i4(v):
    if v > 2147483647:
        raise PgError("integer out of range", errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return v


def _wb_num(op_, b1, b2, count):
    if count <= 0:
        raise _wb_err("count must be greater than zero")
    if op_.is_nan() or b1.is_nan() or b2.is_nan():
        raise _wb_err("operand, lower bound, and upper bound cannot be NaN")
    if b1.is_infinite() or b2.is_infinite():
        raise _wb_err("lower and upper bounds must be finite")
    if b1 < b2:
        if op_ < b1:
            return 0
        if op_ >= b2:
            return _chk_i4(count + 1)
        r = int(_BIG.divide_int(_BIG.multiply(op_ - b1, count), b2 - b1)) + 1
    elif b1 > b2:
        if op_ > b1:
            return 0
        if op_ <= b2:
            return _chk_i4(count + 1)
        r = int(_BIG.divide_int(_BIG.multiply(b1 - op_, count), b1 - b2)) + 1
    else:
        raise _wb_err("lower bound cannot equal upper bound")
    return r


def _wb_array_bind(c, argtypes, args):
    from ._common import sort_key

    k = sort_key(argtypes[0]) or (lambda v: v)

    def wb(v, arr):
        if arr and arr[0].__class__ is list:
            raise PgError("thresholds must be one-dimensional array", errcodes.ARRAY_SUBSCRIPT_ERROR)
        if any(x is None for x in arr):
            raise PgError("thresholds array must not contain NULLs", errcodes.NULL_VALUE_NOT_ALLOWED)
        kv = k(v)
        lo, hi = 0, len(arr)
        while lo < hi:
            mid = (lo + hi) // 2
            if kv < k(arr[mid]):
                hi = mid
            else:
                lo = mid + 1
        return lo

    c.impl = wb


_f("width_bucket", [F8, F8, F8, I4], I4, _wb_float)
_f("width_bucket", [N, N, N, I4], I4, _wb_num)
_wbf = _f("width_bucket", ["anycompatible", "anycompatiblearray"], I4, None)
_wbf.binder = _wb_array_bind


# ====================================================================== numeric scale functions


def _scale(v):
    if not v.is_finite():
        return None
    return dscale(v)


def _min_scale(v):
    if not v.is_finite():
        return None
    n = v.normalize(_BIG)
    e = n.as_tuple().exponent
    return -e if e < 0 else 0


def _trim_scale(v):
    if not v.is_finite():
        return v
    return quantize(v, _min_scale(v))


_f("scale", [N], I4, _scale)
_f("min_scale", [N], I4, _min_scale)
_f("trim_scale", [N], N, _trim_scale)
_f("numeric_inc", [N], N, lambda v: v + 1 if v.is_finite() else v)


# ====================================================================== float4 arithmetic with float4 rounding


def _f4(fn):
    def g(a, b):
        r = fn(a, b)
        r4 = T.to_float4(r)
        return r4

    return g
