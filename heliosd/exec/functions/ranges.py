"""Range functions and operators (PostgreSQL's rangetypes.c) for the six built-in range
types.  PostgreSQL declares them on anyrange/anyelement; here every range type gets
concrete overloads (same names, argument and result types as the polymorphic
ones resolve to).  Multiranges are not implemented.
"""

from __future__ import annotations

from ... import types as T
from ...errors import PgError
from ...types import ranges as RG
from . import op, register

_CMP = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_FLAGS = {"[]": (True, True), "[)": (True, False), "(]": (False, True), "()": (False, False)}


def _f(name, args, ret, impl=None, **kw):
    return register(name, args, ret, impl, **kw)


def _constructor(kind):
    def make2(lo, up):
        return kind.make(lo, up, True, False, lo is None, up is None)

    def make3(lo, up, flags):
        if flags is None:
            raise PgError("range constructor flags argument must not be null", "22000")
        fl = _FLAGS.get(flags)
        if fl is None:
            raise PgError("invalid range bound flags", "42601",
                          hint='Valid values are "[]", "[)", "(]", and "()".')
        return kind.make(lo, up, fl[0], fl[1], lo is None, up is None)

    return make2, make3


def _lower(r):
    return None if r.flags & (RG.EMPTY | RG.LB_INF) else r.lower


def _upper(r):
    return None if r.flags & (RG.EMPTY | RG.UB_INF) else r.upper


def _register(rt):
    kind = rt.extra
    sub = kind.subtype
    make2, make3 = _constructor(kind)
    _f(rt.name, [sub, sub], rt, make2, strict=False)
    _f(rt.name, [sub, sub, T.TEXT], rt, make3, strict=False)
    _f("lower", [rt], sub, _lower, strict=True)
    _f("upper", [rt], sub, _upper, strict=True)
    _f("isempty", [rt], T.BOOL, lambda r: bool(r.flags & RG.EMPTY))
    _f("lower_inc", [rt], T.BOOL, lambda r: bool(r.flags & RG.LB_INC))
    _f("upper_inc", [rt], T.BOOL, lambda r: bool(r.flags & RG.UB_INC))
    _f("lower_inf", [rt], T.BOOL, lambda r: bool(r.flags & RG.LB_INF))
    _f("upper_inf", [rt], T.BOOL, lambda r: bool(r.flags & RG.UB_INF))
    _f("range_merge", [rt, rt], rt, lambda a, b, k=kind: RG.union(k, a, b, strict=False))
    _f("range_cmp", [rt, rt], T.INT4, lambda a, b: a.cmp(b))
    _f("range_contains_elem", [rt, sub], T.BOOL, RG.contains_elem)
    _f("elem_contained_by_range", [sub, rt], T.BOOL, lambda v, r: RG.contains_elem(r, v))
    _f("range_contains", [rt, rt], T.BOOL, RG.contains)
    _f("range_contained_by", [rt, rt], T.BOOL, lambda a, b: RG.contains(b, a))
    _f("range_overlaps", [rt, rt], T.BOOL, RG.overlaps)
    _f("range_before", [rt, rt], T.BOOL, RG.before)
    _f("range_after", [rt, rt], T.BOOL, RG.after)
    _f("range_overleft", [rt, rt], T.BOOL, RG.overleft)
    _f("range_overright", [rt, rt], T.BOOL, RG.overright)
    _f("range_adjacent", [rt, rt], T.BOOL, lambda a, b, k=kind: RG.adjacent(k, a, b))
    _f("range_union", [rt, rt], rt, lambda a, b, k=kind: RG.union(k, a, b))
    _f("range_intersect", [rt, rt], rt, lambda a, b, k=kind: RG.intersect(k, a, b))
    _f("range_minus", [rt, rt], rt, lambda a, b, k=kind: RG.minus(k, a, b))
    for sym, py in _CMP.items():
        op(sym, rt, rt, T.BOOL, template="({0} %s {1})" % py, filter_safe=True)
    op("@>", rt, rt, T.BOOL, RG.contains)
    op("@>", rt, sub, T.BOOL, RG.contains_elem)
    op("<@", rt, rt, T.BOOL, lambda a, b: RG.contains(b, a))
    op("<@", sub, rt, T.BOOL, lambda v, r: RG.contains_elem(r, v))
    op("&&", rt, rt, T.BOOL, RG.overlaps)
    op("<<", rt, rt, T.BOOL, RG.before)
    op(">>", rt, rt, T.BOOL, RG.after)
    op("&<", rt, rt, T.BOOL, RG.overleft)
    op("&>", rt, rt, T.BOOL, RG.overright)
    op("-|-", rt, rt, T.BOOL, lambda a, b, k=kind: RG.adjacent(k, a, b))
    op("+", rt, rt, rt, lambda a, b, k=kind: RG.union(k, a, b))
    op("*", rt, rt, rt, lambda a, b, k=kind: RG.intersect(k, a, b))
    op("-", rt, rt, rt, lambda a, b, k=kind: RG.minus(k, a, b))


for _rt in T.RANGE_TYPES:
    _register(_rt)
