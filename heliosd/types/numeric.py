"""numeric: ``decimal.Decimal`` values with PostgreSQL's scale, typmod and wire format.

Invariants of a stored numeric value ``d`` (a ``Decimal``):

1. ``d.as_tuple().exponent <= 0`` for finite values: the exponent is minus
   PostgreSQL's *display scale* (dscale), so ``Decimal('1.50')`` prints
   ``1.50`` exactly as PostgreSQL prints ``1.50::numeric``.  Values coming
   from elsewhere with a positive exponent (``Decimal('1E+2')``) are still
   printed correctly (``100``); :func:`normalize` fixes them up.
2. No negative zero: ``-0.00`` is stored and printed as ``0.00``.
3. NaN is ``Decimal('NaN')`` (never signalling, never negative);
   ``Decimal('Infinity')`` / ``Decimal('-Infinity')`` are PostgreSQL 14+'s
   infinite numerics.

Arithmetic belongs to the executor; use :data:`CONTEXT` (unbounded
precision) for exact operations.
"""

from __future__ import annotations

import decimal
import re
import struct
from decimal import ROUND_HALF_UP, Decimal

from ..errors import PgError
from ._util import OUT_OF_RANGE, bad_binary, invalid_syntax

NUMERIC_MAX_PRECISION = 1000
NUMERIC_MIN_SCALE = -1000
NUMERIC_MAX_SCALE = 1000
NUMERIC_MAX_DISPLAY_SCALE = 1000
NUMERIC_DSCALE_MAX = 0x3FFF
NUMERIC_WEIGHT_MAX = 0x7FFF  # in base-10000 digits

#: A context with effectively unlimited precision, for exact operations.
CONTEXT = decimal.Context(prec=1_000_000, rounding=ROUND_HALF_UP, Emax=decimal.MAX_EMAX,
                          Emin=decimal.MIN_EMIN, traps=[decimal.InvalidOperation, decimal.DivisionByZero,
                                                        decimal.Overflow])

NAN = Decimal("NaN")
INF = Decimal("Infinity")
NINF = Decimal("-Infinity")
ZERO = Decimal(0)

_NUM_RE = re.compile(r"[ \t\n\r\v\f]*([+-]?)(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?[ \t\n\r\v\f]*\Z")
_SPECIAL = {
    "nan": NAN, "infinity": INF, "+infinity": INF, "-infinity": NINF,
    "inf": INF, "+inf": INF, "-inf": NINF,
}
_WS = " \t\n\r\v\f"


def normalize(d: Decimal) -> Decimal:
    """Bring a Decimal to the stored form (exponent <= 0, no -0, plain NaN)."""
    if not d.is_finite():
        if d.is_nan():
            return NAN
        return d
    sign, digits, exp = d.as_tuple()
    if exp > 0:
        if digits == (0,):
            return ZERO
        d = Decimal((sign, digits + (0,) * exp, 0))
    if sign and not d:
        d = d.copy_abs()
    return d


_Dec = Decimal
_DIGITS = frozenset("0123456789")


def numeric_in(s: str, typmod: int = -1, tz=None) -> Decimal:
    # fast path: plain decimal notation (no exponent, no specials), as Decimal reads it exactly
    if s and s[-1] in _DIGITS and len(s) < 16000 and "e" not in s and "E" not in s and "_" not in s \
            and s.isascii():
        try:
            d = _Dec(s)
        except decimal.InvalidOperation:
            d = None
        if d is not None:
            if not d and "-" in s:
                d = d.copy_abs()
            if typmod >= 4:
                d = apply_typmod(d, typmod)
            return d
    m = _NUM_RE.match(s)
    if m is None:
        sp = _SPECIAL.get(s.strip(_WS).lower())
        if sp is None:
            raise invalid_syntax("numeric", s)
        if typmod >= 4 and sp.is_infinite():
            return apply_typmod(sp, typmod)
        return sp
    sign, body, exp = m.groups()
    d = Decimal(sign + body + "e" + exp) if exp is not None else Decimal(sign + body)
    t = d.as_tuple()
    if t.exponent < -NUMERIC_DSCALE_MAX or (d and d.adjusted() >= (NUMERIC_WEIGHT_MAX + 1) * 4):
        raise PgError("value overflows numeric format", OUT_OF_RANGE)
    if t.exponent > 0:
        d = Decimal((t.sign, t.digits + (0,) * t.exponent, 0)) if d else ZERO
    if t.sign and not d:
        d = d.copy_abs()
    if typmod >= 4:
        d = apply_typmod(d, typmod)
    return d


def numeric_out(d) -> str:
    s = str(d)
    if "E" in s:
        s = format(d, "f")
    if s[0] == "-":
        if not d.is_finite():
            return "NaN" if d.is_nan() else s
        if not d:
            return s[1:]
    return s


def numeric_typmod(precision: int, scale: int = 0) -> int:
    """Typmod for numeric(precision, scale), validated like numerictypmodin."""
    if precision < 1 or precision > NUMERIC_MAX_PRECISION:
        raise PgError(f"NUMERIC precision {precision} must be between 1 and {NUMERIC_MAX_PRECISION}",
                      "22023")
    if scale < NUMERIC_MIN_SCALE or scale > NUMERIC_MAX_SCALE:
        raise PgError(f"NUMERIC scale {scale} must be between {NUMERIC_MIN_SCALE} and {NUMERIC_MAX_SCALE}",
                      "22023")
    return ((precision << 16) | (scale & 0x7FF)) + 4


def typmod_precision(typmod: int) -> int:
    return ((typmod - 4) >> 16) & 0xFFFF


def typmod_scale(typmod: int) -> int:
    return (((typmod - 4) & 0x7FF) ^ 1024) - 1024


_QUANT = {}


def _quantum(scale: int) -> Decimal:
    q = _QUANT.get(scale)
    if q is None:
        q = _QUANT[scale] = Decimal((0, (1,), -scale))
    return q


def round_scale(d: Decimal, scale: int) -> Decimal:
    """Round half away from zero to ``scale`` fractional digits (scale may be negative)."""
    r = d.quantize(_quantum(scale), rounding=ROUND_HALF_UP, context=CONTEXT)
    if scale < 0:
        r = normalize(r)
    elif r.is_signed() and not r:
        r = r.copy_abs()
    return r


def apply_typmod(d: Decimal, typmod: int) -> Decimal:
    """Round to numeric(p,s) and check the precision, as PostgreSQL's apply_typmod."""
    if typmod < 4:
        return d
    precision = typmod_precision(typmod)
    scale = typmod_scale(typmod)
    if not d.is_finite():
        if d.is_nan():
            return d
        raise PgError("numeric field overflow", OUT_OF_RANGE,
                      detail=f"A field with precision {precision}, scale {scale} cannot hold an infinite value.")
    r = round_scale(d, scale)
    maxdigits = precision - scale
    if r and r.adjusted() >= maxdigits:
        raise PgError("numeric field overflow", OUT_OF_RANGE,
                      detail=f"A field with precision {precision}, scale {scale} must round to an absolute "
                             f"value less than {'10^%d' % maxdigits if maxdigits else '1'}.")
    return r


# ----------------------------------------------------------------- binary

_hhhh = struct.Struct("!hhHh")
_NUMERIC_POS = 0x0000
_NUMERIC_NEG = 0x4000
_NUMERIC_NAN = 0xC000
_NUMERIC_PINF = 0xD000
_NUMERIC_NINF = 0xF000


def numeric_send(d) -> bytes:
    if d.__class__ is not Decimal:
        d = Decimal(d)
    if not d.is_finite():
        # PostgreSQL sends NUMERIC_DSCALE() of the special header: 0 for NaN, 32 for +/-Infinity
        if d.is_nan():
            return _hhhh.pack(0, 0, _NUMERIC_NAN, 0)
        return _hhhh.pack(0, 0, _NUMERIC_NINF if d < 0 else _NUMERIC_PINF, 32)
    sign, digits, exp = d.as_tuple()
    dscale = -exp if exp < 0 else 0
    s4 = (dscale + 3) & ~3
    # |d| * 10^s4 is an integer: base-10000 digits with the point on a group boundary
    n = int(Decimal((0, digits, 0))) * 10 ** (exp + s4)
    if not n:
        return _hhhh.pack(0, 0, _NUMERIC_POS, dscale)
    groups = []
    while n:
        n, r = divmod(n, 10000)
        groups.append(r)
    weight = len(groups) - s4 // 4 - 1
    i = 0
    while groups[i] == 0:  # trailing (least significant) zero groups
        i += 1
    if i:
        del groups[:i]
    groups.reverse()
    ng = len(groups)
    return _hhhh.pack(ng, weight, _NUMERIC_NEG if sign else _NUMERIC_POS, dscale) + struct.pack(f"!{ng}h", *groups)


def numeric_recv(b, typmod: int = -1) -> Decimal:
    b = bytes(b)
    if len(b) < 8:
        raise bad_binary("insufficient data left in message")
    ndigits, weight, sign, dscale = _hhhh.unpack_from(b)
    if ndigits < 0 or len(b) != 8 + 2 * ndigits:
        raise bad_binary("insufficient data left in message" if len(b) < 8 + 2 * max(ndigits, 0)
                         else "incorrect binary data format")
    if sign == _NUMERIC_NAN:
        return NAN
    if sign == _NUMERIC_PINF:
        d = INF
    elif sign == _NUMERIC_NINF:
        d = NINF
    else:
        if sign not in (_NUMERIC_POS, _NUMERIC_NEG):
            raise PgError("invalid sign in external \"numeric\" value", "22P03")
        if dscale & 0xC000:
            raise PgError("invalid scale in external \"numeric\" value", "22P03")
        groups = struct.unpack_from(f"!{ndigits}h", b, 8)
        n = 0
        for g in groups:
            if g < 0 or g >= 10000:
                raise PgError("invalid digit in external \"numeric\" value", "22P03")
            n = n * 10000 + g
        exp10 = 4 * (weight - ndigits + 1)
        d = Decimal((1 if sign == _NUMERIC_NEG else 0, tuple(map(int, str(n))), exp10)) if ndigits else ZERO
        d = d.quantize(_quantum(dscale), rounding=decimal.ROUND_DOWN, context=CONTEXT)
        if d.is_signed() and not d:
            d = d.copy_abs()
    if typmod >= 4:
        d = apply_typmod(d, typmod)
    return d


__all__ = ["numeric_in", "numeric_out", "numeric_send", "numeric_recv", "apply_typmod", "numeric_typmod",
           "normalize", "round_scale", "CONTEXT", "NAN", "INF", "NINF"]
