"""Comparison operators of composite (row) types: PostgreSQL's record_eq / record_lt ...
(btrecordcmp): field by field with each field type's order, NULL fields equal to each other and
sorting after non-NULL ones.  Declared over ``record`` (a composite type coerces to it) and bound
to the call's concrete composite type by a binder."""

from __future__ import annotations

import operator

from ... import types as T
from . import op
from ._common import sort_key

_PY = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
       ">=": operator.ge}


def _bind(sym):
    f = _PY[sym]

    def bind(c, argtypes, args):
        t = argtypes[0] if argtypes and argtypes[0].typtype == "c" else (
            argtypes[1] if len(argtypes) > 1 and argtypes[1].typtype == "c" else None)
        key = sort_key(t) if t is not None and t.extra else None
        if key is None:
            from ._common import _record_key

            key = _record_key
        c.impl = lambda a, b: f(key(a), key(b))

    return bind


for _sym in _PY:
    _o = op(_sym, T.RECORD, T.RECORD, T.BOOL, None)
    _o.binder = _bind(_sym)
