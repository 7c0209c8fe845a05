"""Built-in range types (PostgreSQL's rangetypes.c): int4range, int8range, numrange,
daterange, tsrange, tstzrange.  Multiranges are not implemented.

Values
======

:class:`Range` (immutable): ``lower``, ``upper`` (element values, None when the
bound is infinite or the range is empty) and ``flags``, PostgreSQL's flag bits
(:data:`EMPTY`, :data:`LB_INC`, :data:`UB_INC`, :data:`LB_INF`, :data:`UB_INF`).
Values are always normalized as range_serialize + the canonical function leave
them: an empty range has only EMPTY set, an infinite bound is never inclusive,
and discrete ranges (int4/int8/date) are in ``[)`` form.  Python equality,
hashing and ordering are PostgreSQL's (range_cmp: empty first, then lower
bounds, then upper bounds).

:class:`RangeKind` (``t.extra`` of a range PgType) knows the subtype and makes
values: ``kind.make(lower, upper, lower_inc, upper_inc, lower_inf, upper_inf)``
is make_range (validation, empty detection, canonicalization).
"""

from __future__ import annotations

import datetime as _dt
import struct
from decimal import Decimal

from ..errors import PgError

EMPTY = 0x01
LB_INC = 0x02
UB_INC = 0x04
LB_INF = 0x08
UB_INF = 0x10
_MASK = EMPTY | LB_INC | UB_INC | LB_INF | UB_INF


def elem_cmp(a, b) -> int:
    """Subtype btree comparison (numeric NaN sorts above everything)."""
    if a.__class__ is Decimal and (a.is_nan() or b.is_nan()):
        an, bn = a.is_nan(), b.is_nan()
        return 0 if an and bn else (1 if an else -1)
    if a < b:
        return -1
    return 1 if b < a else 0


# bound comparison (range_cmp_bounds): bounds are (value, inclusive, infinite, is_lower)


def cmp_bounds(v1, inc1, inf1, lower1, v2, inc2, inf2, lower2) -> int:
    if inf1 and inf2:
        if lower1 == lower2:
            return 0
        return -1 if lower1 else 1
    if inf1:
        return -1 if lower1 else 1
    if inf2:
        return 1 if lower2 else -1
    r = elem_cmp(v1, v2)
    if r == 0:
        if not inc1 and not inc2:
            if lower1 == lower2:
                return 0
            return 1 if lower1 else -1
        if not inc1:
            return 1 if lower1 else -1
        if not inc2:
            return -1 if lower2 else 1
    return r


def cmp_bound_values(b1, b2) -> int:
    """range_cmp_bound_values: bound tuples compared on their values only."""
    if b1[2] and b2[2]:
        if b1[3] == b2[3]:
            return 0
        return -1 if b1[3] else 1
    if b1[2]:
        return -1 if b1[3] else 1
    if b2[2]:
        return 1 if b2[3] else -1
    return elem_cmp(b1[0], b2[0])


class Range:
    __slots__ = ("lower", "upper", "flags")

    def __init__(self, lower, upper, flags: int):
        self.lower = lower
        self.upper = upper
        self.flags = flags

    @property
    def empty(self) -> bool:
        return bool(self.flags & EMPTY)

    @property
    def lower_inc(self) -> bool:
        return bool(self.flags & LB_INC)

    @property
    def upper_inc(self) -> bool:
        return bool(self.flags & UB_INC)

    @property
    def lower_inf(self) -> bool:
        return bool(self.flags & LB_INF)

    @property
    def upper_inf(self) -> bool:
        return bool(self.flags & UB_INF)

    # bound tuples for cmp_bounds
    def lb(self):
        f = self.flags
        return (self.lower, bool(f & LB_INC), bool(f & LB_INF), True)

    def ub(self):
        f = self.flags
        return (self.upper, bool(f & UB_INC), bool(f & UB_INF), False)

    def cmp(self, o: "Range") -> int:
        """range_cmp."""
        e1, e2 = self.flags & EMPTY, o.flags & EMPTY
        if e1 and e2:
            return 0
        if e1:
            return -1
        if e2:
            return 1
        r = cmp_bounds(*self.lb(), *o.lb())
        if r == 0:
            r = cmp_bounds(*self.ub(), *o.ub())
        return r

    def __eq__(self, o):
        if o.__class__ is not Range:
            return NotImplemented
        if self.flags != o.flags:
            return False
        if self.flags & EMPTY:
            return True
        return self.cmp(o) == 0

    def __ne__(self, o):
        r = self.__eq__(o)
        return r if r is NotImplemented else not r

    def __hash__(self):
        lo = self.lower
        up = self.upper
        if lo.__class__ is Decimal:
            lo = lo.normalize() if lo.is_finite() else str(lo)
        if up.__class__ is Decimal:
            up = up.normalize() if up.is_finite() else str(up)
        return hash((lo, up, self.flags))

    def __lt__(self, o):
        return self.cmp(o) < 0

    def __le__(self, o):
        return self.cmp(o) <= 0

    def __gt__(self, o):
        return self.cmp(o) > 0

    def __ge__(self, o):
        return self.cmp(o) >= 0

    def __repr__(self):
        if self.flags & EMPTY:
            return "Range(empty)"
        return "Range(%s%r,%r%s)" % ("[" if self.flags & LB_INC else "(", self.lower, self.upper,
                                     "]" if self.flags & UB_INC else ")")

    def __reduce__(self):
        return (Range, (self.lower, self.upper, self.flags))


EMPTY_RANGE = Range(None, None, EMPTY)


def _bound_err():
    return PgError("range lower bound must be less than or equal to range upper bound", "22000")


class RangeKind:
    """The subtype behaviour of one range type (the PgType's ``extra``)."""

    __slots__ = ("name", "oid", "subtype", "canonical", "sub_in", "sub_out", "sub_send", "sub_recv",
                 "sub_out_for")

    def __init__(self, name, oid, subtype, canonical):
        self.name = name
        self.oid = oid
        self.subtype = subtype
        self.canonical = canonical  # None or f(v) -> v + 1 (the discrete successor)

    def make(self, lower, upper, lower_inc=True, upper_inc=False, lower_inf=False, upper_inf=False,
             empty=False) -> Range:
        """make_range: range_serialize + the canonical function."""
        if lower_inf:
            lower = None
            lower_inc = False
        if upper_inf:
            upper = None
            upper_inc = False
        if empty:
            return EMPTY_RANGE
        if not lower_inf and not upper_inf:
            c = elem_cmp(lower, upper)
            if c > 0:
                raise _bound_err()
            if c == 0 and not (lower_inc and upper_inc):
                return EMPTY_RANGE
        flags = (LB_INF if lower_inf else (LB_INC if lower_inc else 0)) | \
            (UB_INF if upper_inf else (UB_INC if upper_inc else 0))
        succ = self.canonical
        if succ is not None:
            changed = False
            if not lower_inf and not lower_inc and _finite(lower):
                lower = succ(lower)
                lower_inc = True
                changed = True
            if not upper_inf and upper_inc and _finite(upper):
                upper = succ(upper)
                upper_inc = False
                changed = True
            if changed:
                if not lower_inf and not upper_inf:
                    c = elem_cmp(lower, upper)
                    if c > 0:
                        raise _bound_err()
                    if c == 0 and not (lower_inc and upper_inc):
                        return EMPTY_RANGE
                flags = (LB_INF if lower_inf else (LB_INC if lower_inc else 0)) | \
                    (UB_INF if upper_inf else (UB_INC if upper_inc else 0))
        return Range(lower, upper, flags)

    def from_bounds(self, lb, ub) -> Range:
        """make_range from two bound tuples (value, inclusive, infinite, is_lower)."""
        return self.make(lb[0], ub[0], lb[1], ub[1], lb[2], ub[2])


def _finite(v) -> bool:
    # infinite dates are left alone by daterange_canonical
    return not (isinstance(v, _dt.date) and v.__class__ is not _dt.date and v.__class__ is not _dt.datetime)


# ---------------------------------------------------------------------- text I/O


def _malformed(s, detail):
    return PgError(f'malformed range literal: "{s}"', "22P02", detail=detail)


_WS = " \t\n\r\f\v"


def range_parse(s: str):
    """range_parse: (flags, lower text or None, upper text or None)."""
    n = len(s)
    i = 0
    while i < n and s[i] in _WS:
        i += 1
    if s[i:i + 5].lower() == "empty":
        i += 5
        while i < n and s[i] in _WS:
            i += 1
        if i != n:
            raise _malformed(s, 'Junk after "empty" key word.')
        return EMPTY, None, None
    flags = 0
    if i < n and s[i] == "[":
        flags |= LB_INC
        i += 1
    elif i < n and s[i] == "(":
        i += 1
    else:
        raise _malformed(s, "Missing left parenthesis or bracket.")
    lo, inf, i = _parse_bound(s, i)
    if inf:
        flags |= LB_INF
    if i < n and s[i] == ",":
        i += 1
    else:
        raise _malformed(s, "Missing comma after lower bound.")
    up, inf, i = _parse_bound(s, i)
    if inf:
        flags |= UB_INF
    if i < n and s[i] == "]":
        flags |= UB_INC
        i += 1
    elif i < n and s[i] == ")":
        i += 1
    else:
        raise _malformed(s, "Too many commas.")
    while i < n and s[i] in _WS:
        i += 1
    if i != n:
        raise _malformed(s, "Junk after right parenthesis or bracket.")
    return flags, lo, up


def _parse_bound(s, i):
    n = len(s)
    if i < n and s[i] in ",)]":
        return None, True, i
    if i >= n:
        raise _malformed(s, "Unexpected end of input.")
    buf = []
    inquote = False
    while inquote or not (i < n and s[i] in ",)]"):
        if i >= n:
            raise _malformed(s, "Unexpected end of input.")
        ch = s[i]
        i += 1
        if ch == "\\":
            if i >= n:
                raise _malformed(s, "Unexpected end of input.")
            buf.append(s[i])
            i += 1
        elif ch == '"':
            if not inquote:
                inquote = True
            elif i < n and s[i] == '"':
                buf.append('"')
                i += 1
            else:
                inquote = False
        else:
            buf.append(ch)
    return "".join(buf), False, i


def bound_escape(v: str) -> str:
    nq = v == "" or any(ch in '"\\()[],' or ch in _WS for ch in v)
    out = v.replace("\\", "\\\\").replace('"', '""') if ('"' in v or "\\" in v) else v
    return f'"{out}"' if nq else out


def make_range_in(kind: RangeKind):
    def range_in(s, typmod=-1, tz=None):
        flags, lo, up = range_parse(s)
        if flags & EMPTY:
            return EMPTY_RANGE
        sub_in = kind.sub_in
        lv = None if flags & LB_INF else sub_in(lo, -1, tz)
        uv = None if flags & UB_INF else sub_in(up, -1, tz)
        return kind.make(lv, uv, bool(flags & LB_INC), bool(flags & UB_INC), bool(flags & LB_INF),
                         bool(flags & UB_INF))

    return range_in


def make_range_out(sub_out):
    def range_out(v: Range) -> str:
        f = v.flags
        if f & EMPTY:
            return "empty"
        lo = "" if f & LB_INF else bound_escape(sub_out(v.lower))
        up = "" if f & UB_INF else bound_escape(sub_out(v.upper))
        return ("[" if f & LB_INC else "(") + lo + "," + up + ("]" if f & UB_INC else ")")

    return range_out


# ---------------------------------------------------------------------- binary I/O

_pack_i = struct.Struct("!i").pack
_unpack_i = struct.Struct("!i").unpack_from


def make_range_send(kind: RangeKind):
    def range_send(v: Range) -> bytes:
        f = v.flags
        parts = [bytes((f,))]
        if not f & EMPTY:
            send = kind.sub_send
            if not f & LB_INF:
                b = send(v.lower)
                parts.append(_pack_i(len(b)))
                parts.append(b)
            if not f & UB_INF:
                b = send(v.upper)
                parts.append(_pack_i(len(b)))
                parts.append(b)
        return b"".join(parts)

    return range_send


def make_range_recv(kind: RangeKind):
    def range_recv(data, typmod=-1) -> Range:
        data = bytes(data)
        if not data:
            raise PgError("insufficient data left in message", "08P01")
        flags = data[0] & _MASK
        pos = 1
        vals = []
        for has in (not (flags & (EMPTY | LB_INF)), not (flags & (EMPTY | UB_INF))):
            if not has:
                vals.append(None)
                continue
            if pos + 4 > len(data):
                raise PgError("insufficient data left in message", "08P01")
            ln = _unpack_i(data, pos)[0]
            pos += 4
            if ln < 0 or pos + ln > len(data):
                raise PgError("insufficient data left in message", "08P01")
            vals.append(kind.sub_recv(data[pos:pos + ln], -1))
            pos += ln
        if pos != len(data):
            raise PgError("incorrect binary data format", "22P03")
        if flags & EMPTY:
            return EMPTY_RANGE
        return kind.make(vals[0], vals[1], bool(flags & LB_INC), bool(flags & UB_INC), bool(flags & LB_INF),
                         bool(flags & UB_INF))

    return range_recv


# ---------------------------------------------------------------------- operations (rangetypes.c)


def contains_elem(r: Range, v) -> bool:
    f = r.flags
    if f & EMPTY:
        return False
    if not f & LB_INF:
        c = elem_cmp(r.lower, v)
        if c > 0 or (c == 0 and not f & LB_INC):
            return False
    if not f & UB_INF:
        c = elem_cmp(r.upper, v)
        if c < 0 or (c == 0 and not f & UB_INC):
            return False
    return True


def contains(r1: Range, r2: Range) -> bool:
    if r2.flags & EMPTY:
        return True
    if r1.flags & EMPTY:
        return False
    return cmp_bounds(*r1.lb(), *r2.lb()) <= 0 and cmp_bounds(*r1.ub(), *r2.ub()) >= 0


def before(r1: Range, r2: Range) -> bool:
    if (r1.flags | r2.flags) & EMPTY:
        return False
    return cmp_bounds(*r1.ub(), *r2.lb()) < 0


def after(r1: Range, r2: Range) -> bool:
    if (r1.flags | r2.flags) & EMPTY:
        return False
    return cmp_bounds(*r1.lb(), *r2.ub()) > 0


def overlaps(r1: Range, r2: Range) -> bool:
    if (r1.flags | r2.flags) & EMPTY:
        return False
    if cmp_bounds(*r1.lb(), *r2.lb()) >= 0 and cmp_bounds(*r1.lb(), *r2.ub()) <= 0:
        return True
    if cmp_bounds(*r2.lb(), *r1.lb()) >= 0 and cmp_bounds(*r2.lb(), *r1.ub()) <= 0:
        return True
    return False


def overleft(r1: Range, r2: Range) -> bool:
    if (r1.flags | r2.flags) & EMPTY:
        return False
    return cmp_bounds(*r1.ub(), *r2.ub()) <= 0


def overright(r1: Range, r2: Range) -> bool:
    if (r1.flags | r2.flags) & EMPTY:
        return False
    return cmp_bounds(*r1.lb(), *r2.lb()) >= 0


def bounds_adjacent(kind: RangeKind, ub, lb) -> bool:
    """bounds_adjacent: upper bound ``ub`` and lower bound ``lb`` touch with nothing between."""
    c = cmp_bound_values(ub, lb)
    if c < 0:
        if kind.canonical is None:
            return False
        # a discrete range: is (ub, lb) empty once canonicalized?
        r = kind.make(ub[0], lb[0], not ub[1], not lb[1], False, False)
        return r.flags & EMPTY != 0
    if c == 0:
        # same value: adjacent iff exactly one is inclusive
        return ub[1] != lb[1]
    return False


def adjacent(kind: RangeKind, r1: Range, r2: Range) -> bool:
    if (r1.flags | r2.flags) & EMPTY:
        return False
    return bounds_adjacent(kind, r1.ub(), r2.lb()) or bounds_adjacent(kind, r2.ub(), r1.lb())


def union(kind: RangeKind, r1: Range, r2: Range, strict: bool = True) -> Range:
    if r1.flags & EMPTY:
        return r2
    if r2.flags & EMPTY:
        return r1
    if strict and not overlaps(r1, r2) and not adjacent(kind, r1, r2):
        raise PgError("result of range union would not be contiguous", "22000")
    lb = r1.lb() if cmp_bounds(*r1.lb(), *r2.lb()) < 0 else r2.lb()
    ub = r1.ub() if cmp_bounds(*r1.ub(), *r2.ub()) > 0 else r2.ub()
    return kind.from_bounds(lb, ub)


def intersect(kind: RangeKind, r1: Range, r2: Range) -> Range:
    if (r1.flags | r2.flags) & EMPTY or not overlaps(r1, r2):
        return EMPTY_RANGE
    lb = r1.lb() if cmp_bounds(*r1.lb(), *r2.lb()) >= 0 else r2.lb()
    ub = r1.ub() if cmp_bounds(*r1.ub(), *r2.ub()) <= 0 else r2.ub()
    return kind.from_bounds(lb, ub)


def minus(kind: RangeKind, r1: Range, r2: Range) -> Range:
    if (r1.flags | r2.flags) & EMPTY:
        return r1
    l1, u1, l2, u2 = r1.lb(), r1.ub(), r2.lb(), r2.ub()
    cmp_l1l2 = cmp_bounds(*l1, *l2)
    cmp_l1u2 = cmp_bounds(*l1, *u2)
    cmp_u1l2 = cmp_bounds(*u1, *l2)
    cmp_u1u2 = cmp_bounds(*u1, *u2)
    if cmp_l1l2 < 0 and cmp_u1u2 > 0:
        raise PgError("result of range difference would not be contiguous", "22000")
    if cmp_l1u2 > 0 or cmp_u1l2 < 0:
        return r1
    if cmp_l1l2 >= 0 and cmp_u1u2 <= 0:
        return EMPTY_RANGE
    if cmp_l1l2 <= 0 and cmp_u1l2 >= 0 and cmp_u1u2 <= 0:
        # upper2 becomes the new upper bound, flipped to exclusive/inclusive
        nb = (l2[0], not l2[1], l2[2], False)
        return kind.from_bounds(l1, nb)
    if cmp_l1l2 >= 0 and cmp_u1u2 >= 0 and cmp_l1u2 <= 0:
        nb = (u2[0], not u2[1], u2[2], True)
        return kind.from_bounds(nb, u1)
    raise PgError("unexpected case in range_minus", "XX000")


# ---------------------------------------------------------------------- setup


def _int_succ(limit, name):
    def succ(v):
        v += 1
        if v > limit:
            raise PgError(f"{name} out of range", "22003")
        return v

    return succ


def _date_succ(v):
    from .temporal import DATE_INFINITY
    try:
        return v + _dt.timedelta(days=1)
    except OverflowError:
        return DATE_INFINITY


RANGE_SUBTYPES = {
    # range oid: (name, subtype oid, canonical successor)
    3904: ("int4range", 23, _int_succ(2147483647, "integer")),
    3926: ("int8range", 20, _int_succ(9223372036854775807, "bigint")),
    3906: ("numrange", 1700, None),
    3912: ("daterange", 1082, _date_succ),
    3908: ("tsrange", 1114, None),
    3910: ("tstzrange", 1184, None),
}


def make_kind(oid: int, subtype) -> RangeKind:
    name, _sub, succ = RANGE_SUBTYPES[oid]
    k = RangeKind(name, oid, subtype, succ)
    k.sub_in = subtype.text_in
    k.sub_out = subtype.text_out
    k.sub_send = subtype.binary_out
    k.sub_recv = subtype.binary_in
    return k
