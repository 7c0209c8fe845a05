"""The function and operator library: signatures (for the analyzer's overload
resolution, and for pg_proc/pg_operator) and implementations (for the
compiler).

A :class:`Function` is one overload.  Operators are functions registered
under their operator symbol (``"="``, ``"+"``, ``"~~"``...) with ``kind='o'``.
Aggregates and window functions register :class:`Aggregate` /
:class:`WindowFunction` objects.

Conventions
===========

- Implementations take and return internal values (see ``heliosd.types``);
  they raise :class:`heliosd.errors.PgError` with PostgreSQL's SQLSTATE and
  message for bad input (e.g. 22012 division by zero).
- ``strict=True`` (the default, like PostgreSQL's STRICT) means the compiler
  never calls the implementation with a NULL argument: it yields NULL.
- ``template`` is optional inline Python for the compiler, with ``{0}``,
  ``{1}``... for the already-evaluated, non-NULL arguments.  Names used in a
  template must be provided in ``env`` (merged into the compiled code's
  globals; prefix them ``_h_`` to avoid clashes).
- ``filter_safe``: the template yields a plain bool and Python's operator
  matches PostgreSQL's for this type (so filters may use it directly).
- ``ret`` is a type, or a callable ``(argtypes) -> type`` for polymorphic
  functions (anyelement, anyarray, ...).
- Argument types may be the pseudo-type names ``"any"``, ``"anyelement"``,
  ``"anyarray"``, ``"anynonarray"``, ``"anycompatible"``,
  ``"anycompatiblearray"``; ``variadic=True`` makes the last one repeat.

Modules in this package register their functions on import; importing
``heliosd.exec.functions`` loads them all.
"""

from __future__ import annotations

from typing import Any, Callable

_oid_counter = [90000]


class Function:
    __slots__ = ("name", "args", "ret", "impl", "strict", "volatility", "template", "filter_safe",
                 "variadic", "retset", "kind", "env", "oid", "needs_ctx", "description", "min_args",
                 "arg_names", "nulls_hint", "out_columns", "binder", "arg_defaults", "out_name")

    def __init__(self, name, args, ret, impl=None, *, strict=True, volatility="i", template=None,
                 filter_safe=False, variadic=False, retset=False, kind="f", env=None, needs_ctx=False,
                 description="", min_args=None, arg_names=None, oid=None):
        self.name = name
        self.args = list(args)
        self.ret = ret
        self.impl = impl
        self.strict = strict
        self.volatility = volatility
        self.template = template
        self.filter_safe = filter_safe
        self.variadic = variadic
        self.retset = retset
        self.kind = kind
        self.env = env or {}
        self.needs_ctx = needs_ctx
        self.description = description
        self.min_args = min_args if min_args is not None else len(self.args)
        self.arg_names = arg_names
        self.out_columns = None
        if oid is None:
            _oid_counter[0] += 1
            oid = _oid_counter[0]
        self.oid = oid

    def result_type(self, argtypes):
        r = self.ret
        return r(argtypes) if callable(r) and not hasattr(r, "oid") else r

    def __repr__(self):  # pragma: no cover
        return f"<Function {self.name}({', '.join(getattr(a, 'name', str(a)) for a in self.args)})>"


class Aggregate:
    """An aggregate overload.

    ``make()`` returns a fresh accumulator with ``step(*args)`` and
    ``result()``.  ``strict`` accumulators are not stepped with rows where
    any argument is NULL (PostgreSQL's strict transition functions); an
    accumulator that saw no rows returns what ``result()`` says (NULL for
    most, 0 for count).
    """

    __slots__ = ("name", "args", "ret", "make", "strict", "oid", "kind", "variadic", "min_args",
                 "ordered_set", "description", "binder")

    def __init__(self, name, args, ret, make, strict=True, variadic=False, ordered_set=False, oid=None,
                 description=""):
        self.name = name
        self.args = list(args)
        self.ret = ret
        self.make = make
        self.strict = strict
        self.kind = "a"
        self.variadic = variadic
        self.min_args = len(self.args)
        self.ordered_set = ordered_set
        self.description = description
        self.binder = None
        if oid is None:
            _oid_counter[0] += 1
            oid = _oid_counter[0]
        self.oid = oid

    def result_type(self, argtypes):
        r = self.ret
        return r(argtypes) if callable(r) and not hasattr(r, "oid") else r


class WindowFunction:
    """A pure window function (row_number, rank, lag...).

    ``compute(partition_rows, order_keys, args_fns, frame, ctx) -> list`` gives
    one value per row of a partition (rows already in window order).
    """

    __slots__ = ("name", "args", "ret", "compute", "oid", "kind", "min_args", "variadic", "strict",
                 "description", "binder")

    def __init__(self, name, args, ret, compute, min_args=None, oid=None, description=""):
        self.name = name
        self.args = list(args)
        self.ret = ret
        self.compute = compute
        self.kind = "w"
        self.min_args = len(self.args) if min_args is None else min_args
        self.variadic = False
        self.strict = False
        self.description = description
        self.binder = None
        if oid is None:
            _oid_counter[0] += 1
            oid = _oid_counter[0]
        self.oid = oid

    def result_type(self, argtypes):
        r = self.ret
        return r(argtypes) if callable(r) and not hasattr(r, "oid") else r


FUNCTIONS: dict[str, list] = {}
OPERATORS: dict[str, list] = {}


def register(name: str, args, ret, impl: Callable | None = None, **kw) -> Function:
    fn = Function(name, args, ret, impl, **kw)
    (OPERATORS if fn.kind == "o" else FUNCTIONS).setdefault(name.lower() if fn.kind != "o" else name,
                                                            []).append(fn)
    return fn


def register_agg(agg: Aggregate) -> Aggregate:
    FUNCTIONS.setdefault(agg.name, []).append(agg)
    return agg


def register_window(wf: WindowFunction) -> WindowFunction:
    FUNCTIONS.setdefault(wf.name, []).append(wf)
    return wf


def op(symbol: str, left, right, ret, impl=None, **kw) -> Function:
    args = [right] if left is None else [left, right]
    return register(symbol, args, ret, impl, kind="o", **kw)


def specialize(cand, argtypes, args=None):
    """The overload to use at one call site.

    Most overloads are used as they are.  One with a ``binder`` (set as an
    attribute after registration) needs the call's concrete argument types
    (``to_json(anyelement)``, ``format(text, VARIADIC any)``, ``json_agg``...):
    ``binder(copy, argtypes, args)`` fills in ``impl``/``make``/``compute``
    of a shallow copy, which keeps the overload's name and oid.  ``args`` are
    the analyzed argument expressions (record field names, constants), or
    None when unknown.  The analyzer calls this once per call site.
    """
    b = getattr(cand, "binder", None)
    if b is None:
        return cand
    import copy

    c = copy.copy(cand)
    c.binder = None
    b(c, list(argtypes), args)
    return c


def lookup_functions(name: str) -> list:
    return FUNCTIONS.get(name.lower(), [])


def lookup_operators(symbol: str) -> list:
    return OPERATORS.get(symbol, [])


def _load() -> None:
    import importlib
    import pkgutil

    from . import core  # noqa: F401  (registers on import)

    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if m.name != "core":
            importlib.import_module(f"{__name__}.{m.name}")


_load()
