"""PostgreSQL comparison semantics where Python's differ.

- numeric: NaN equals NaN and sorts above every other value, +Infinity
  included (Python's Decimal raises InvalidOperation on ``NaN < x`` and says
  ``NaN != NaN``).
- float4/float8: likewise for NaN; -0.0 equals 0.0 (as in Python).
- jsonb: see :func:`heliosd.types.jsonb.jsonb_compare`.

Use the ``*_key`` functions as sort keys (``sorted(values, key=numeric_key)``)
and the ``*_cmp`` functions for three-way comparisons.  ``None`` (SQL NULL)
is not handled here: NULL ordering belongs to the executor.
"""

from __future__ import annotations

_NAN_KEY = (1, 0)


def numeric_key(d):
    """Sort key for a numeric (Decimal) value with PostgreSQL's NaN-is-largest order."""
    if d.is_nan():
        return _NAN_KEY
    return (0, d)


def numeric_cmp(a, b) -> int:
    an = a.is_nan()
    bn = b.is_nan()
    if an or bn:
        return 0 if an and bn else (1 if an else -1)
    return 0 if a == b else (-1 if a < b else 1)


def numeric_eq(a, b) -> bool:
    return numeric_cmp(a, b) == 0


def float_key(f):
    """Sort key for float4/float8: NaN above +Infinity, -0.0 equal to 0.0."""
    if f != f:
        return (1, 0.0)
    return (0, f)


def float_cmp(a, b) -> int:
    an = a != a
    bn = b != b
    if an or bn:
        return 0 if an and bn else (1 if an else -1)
    return 0 if a == b else (-1 if a < b else 1)


def float_eq(a, b) -> bool:
    return float_cmp(a, b) == 0


def bpchar_key(s: str) -> str:
    """char(n) compares ignoring trailing spaces."""
    return s.rstrip(" ")
