"""Enum support functions and operators (PostgreSQL's enum.c): comparisons by
``enumsortorder`` (not by label), enum_first / enum_last / enum_range.

An enum value is its label (``str``); the type's ``extra['sort']`` maps labels
to sort orders and ``extra['labels']`` lists them in order (see
:func:`heliosd.types.make_enum_type`).  Overloads are declared over
``anyenum`` and bound to the call's concrete enum type by a binder.
"""

from __future__ import annotations

import operator

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import op, register

_PY = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}

for _sym, _py in (("=", "=="), ("<>", "!=")):
    op(_sym, "anyenum", "anyenum", T.BOOL, template="({0} %s {1})" % _py, filter_safe=True)


def _cmp_bind(sym):
    f = _PY[sym]

    def bind(c, argtypes, args):
        pos = argtypes[0].extra["sort"]
        c.impl = lambda a, b: f(pos[a], pos[b])
        c.template = None

    return bind


for _sym in _PY:
    _o = op(_sym, "anyenum", "anyenum", T.BOOL, None)
    _o.binder = _cmp_bind(_sym)


def _enum_type(argtypes):
    t = argtypes[0] if argtypes else None
    if t is None or t.typtype != "e" or not t.extra:
        raise PgError("could not determine actual enum type", errcodes.FEATURE_NOT_SUPPORTED)
    return t


def _first_bind(which):
    def bind(c, argtypes, args):
        t = _enum_type(argtypes)
        labels = t.extra["labels"]

        def impl(_v):
            if not labels:
                raise PgError(f"enum {T.format_type(t.oid, None)} contains no values",
                              errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
            return labels[0] if which == "first" else labels[-1]

        c.impl = impl

    return bind


_f = register("enum_first", ["anyenum"], lambda at: at[0], None, strict=False, volatility="s")
_f.binder = _first_bind("first")
_f = register("enum_last", ["anyenum"], lambda at: at[0], None, strict=False, volatility="s")
_f.binder = _first_bind("last")


def _range1_bind(c, argtypes, args):
    labels = _enum_type(argtypes).extra["labels"]
    c.impl = lambda _v: list(labels)


def _range2_bind(c, argtypes, args):
    t = _enum_type(argtypes)
    labels = t.extra["labels"]
    pos = t.extra["sort"]

    def impl(a, b):
        lo = pos[a] if a is not None else None
        hi = pos[b] if b is not None else None
        return [lab for lab in labels if (lo is None or pos[lab] >= lo) and (hi is None or pos[lab] <= hi)]

    c.impl = impl


_f = register("enum_range", ["anyenum"], lambda at: at[0].array, None, strict=False, volatility="s")
_f.binder = _range1_bind
_f = register("enum_range", ["anyenum", "anyenum"], lambda at: at[0].array, None, strict=False, volatility="s")
_f.binder = _range2_bind


# min / max (anyenum): ordered by sort order
from .aggregates import _Max, _Min, _agg, _minmax_binder  # noqa: E402

_agg("max", ["anyenum"], lambda ts: ts[0], _Max, binder=_minmax_binder(True))
_agg("min", ["anyenum"], lambda ts: ts[0], _Min, binder=_minmax_binder(False))
