"""Typed expression IR and its compiler to Python closures.

The analyzer (``heliosd.sql``) turns SQL expressions into the nodes below,
every node carrying its PostgreSQL type.  The executor never walks this tree
per row: :func:`compile_expr` generates Python source for the whole tree once
per plan and ``eval``s it into one function of the input row.

Row model: an operator's input is a tuple; ``ColRef(i)`` reads ``row[i]``.
Correlated references read the outer rows through ``OuterRef(depth, i)``:
the compiled function takes ``(r, o)`` where ``o`` is the tuple of enclosing
rows (innermost first), bound per evaluation by the subplan machinery.

NULL semantics (invariants of the generated code)
=================================================

1. A *value-context* expression evaluates to a Python value or None (SQL
   NULL), with PostgreSQL's three-valued logic: AND is false if either side
   is false, else NULL if either is NULL; OR dually; NOT NULL is NULL.
2. A *strict* function or operator returns NULL without being called when
   any argument is NULL.  Each argument is evaluated exactly once (walrus
   temporaries), so volatile functions are not repeated.
3. A *filter-context* expression (WHERE, JOIN ON, HAVING, CHECK's inverse
   use) evaluates to something truthy exactly when the SQL value is TRUE;
   NULL and FALSE are both falsy.  This allows cheaper code (``x == c``
   instead of a NULL-guarded comparison when either side is a non-null
   constant and equality cannot raise).
"""

from __future__ import annotations

import itertools
from typing import Any, Callable

from .. import errcodes
from ..errors import PgError


class Expr:
    __slots__ = ("type", "typmod")

    def children(self) -> list["Expr"]:
        return []

    def __repr__(self) -> str:  # pragma: no cover - debug aid
        return f"{type(self).__name__}({', '.join(repr(c) for c in self.children())})"


class Const(Expr):
    __slots__ = ("value", "position")

    def __init__(self, value, type, typmod: int = -1, position=None):
        self.value = value
        self.type = type
        self.typmod = typmod
        self.position = position  # of a constant written in the statement (error reports)

    def __repr__(self):  # pragma: no cover
        return f"Const({self.value!r})"


class Param(Expr):
    """$n (0-based index).  Values are bound per execution into ``ctx.params``."""

    __slots__ = ("index",)

    def __init__(self, index: int, type, typmod: int = -1):
        self.index = index
        self.type = type
        self.typmod = typmod


class ColRef(Expr):
    __slots__ = ("index", "name")

    def __init__(self, index: int, type, typmod: int = -1, name: str = "?"):
        self.index = index
        self.type = type
        self.typmod = typmod
        self.name = name

    def __repr__(self):  # pragma: no cover
        return f"Col({self.index}:{self.name})"


class OuterRef(Expr):
    """A column of an enclosing query's current row (correlated subquery)."""

    __slots__ = ("depth", "index", "name")

    def __init__(self, depth: int, index: int, type, typmod: int = -1, name: str = "?"):
        self.depth = depth
        self.index = index
        self.type = type
        self.typmod = typmod
        self.name = name


class Call(Expr):
    """A function or operator application.

    ``fn`` is a :class:`heliosd.exec.functions.Function` (impl, strictness,
    optional inline ``template`` with ``{0}``, ``{1}``... placeholders).
    """

    __slots__ = ("fn", "args", "name")

    def __init__(self, fn, args: list[Expr], type, typmod: int = -1, name: str | None = None):
        self.fn = fn
        self.args = args
        self.type = type
        self.typmod = typmod
        self.name = name or fn.name

    def children(self):
        return self.args


class Cast(Expr):
    """Apply a conversion function (value -> value); NULL stays NULL."""

    __slots__ = ("arg", "fn", "explicit")

    def __init__(self, arg: Expr, fn: Callable, type, typmod: int = -1, explicit: bool = True):
        self.arg = arg
        self.fn = fn
        self.type = type
        self.typmod = typmod
        self.explicit = explicit

    def children(self):
        return [self.arg]


class BoolOp(Expr):
    __slots__ = ("op", "args")

    def __init__(self, op: str, args: list[Expr], type):
        self.op = op  # 'and' | 'or'
        self.args = args
        self.type = type
        self.typmod = -1

    def children(self):
        return self.args


class Not(Expr):
    __slots__ = ("arg",)

    def __init__(self, arg: Expr, type):
        self.arg = arg
        self.type = type
        self.typmod = -1

    def children(self):
        return [self.arg]


class NullTest(Expr):
    __slots__ = ("arg", "negate")

    def __init__(self, arg: Expr, negate: bool, type):
        self.arg = arg
        self.negate = negate
        self.type = type
        self.typmod = -1

    def children(self):
        return [self.arg]


class BoolTest(Expr):
    """IS [NOT] TRUE | FALSE | UNKNOWN."""

    __slots__ = ("arg", "what", "negate")

    def __init__(self, arg: Expr, what: bool | None, negate: bool, type):
        self.arg = arg
        self.what = what
        self.negate = negate
        self.type = type
        self.typmod = -1

    def children(self):
        return [self.arg]


class Case(Expr):
    __slots__ = ("whens", "else_")

    def __init__(self, whens: list[tuple[Expr, Expr]], else_: Expr | None, type, typmod: int = -1):
        self.whens = whens
        self.else_ = else_
        self.type = type
        self.typmod = typmod

    def children(self):
        out = []
        for c, v in self.whens:
            out += [c, v]
        if self.else_ is not None:
            out.append(self.else_)
        return out


class Coalesce(Expr):
    __slots__ = ("args",)

    def __init__(self, args: list[Expr], type, typmod: int = -1):
        self.args = args
        self.type = type
        self.typmod = typmod

    def children(self):
        return self.args


class MinMax(Expr):
    """GREATEST / LEAST: NULLs ignored, NULL only if all are NULL."""

    __slots__ = ("op", "args")

    def __init__(self, op: str, args: list[Expr], type, typmod: int = -1):
        self.op = op
        self.args = args
        self.type = type
        self.typmod = typmod

    def children(self):
        return self.args


class InList(Expr):
    """``arg [NOT] IN (v1, v2, ...)`` with scalar items (already coerced).

    PostgreSQL semantics: TRUE if any item equals; else NULL if arg or any
    item is NULL; else FALSE (NOT IN negates that).
    """

    __slots__ = ("arg", "items", "negate", "eq")

    def __init__(self, arg: Expr, items: list[Expr], negate: bool, type, eq=None):
        self.arg = arg
        self.items = items
        self.negate = negate
        self.type = type
        self.typmod = -1
        self.eq = eq  # optional equality function; None = Python ==

    def children(self):
        return [self.arg] + self.items


class ArrayExpr(Expr):
    __slots__ = ("items",)

    def __init__(self, items: list[Expr], type):
        self.items = items
        self.type = type
        self.typmod = -1

    def children(self):
        return self.items


class RowExpr(Expr):
    """ROW(...) or a whole-row reference; ``names`` are the field names of a
    whole-row reference (None for ROW(...), whose fields are f1, f2...)."""

    __slots__ = ("items", "names", "nullable")

    def __init__(self, items: list[Expr], type, names=None, nullable=False):
        self.items = items
        self.type = type
        self.typmod = -1
        self.names = names
        # a whole-row reference to the nullable side of an outer join: NULL when the row was
        # null-extended (taken as: every column NULL)
        self.nullable = nullable

    def children(self):
        return self.items


def _null_extended_row(r):
    for v in r:
        if v is not None:
            return r
    return None


class Func(Expr):
    """An arbitrary Python function over evaluated children (used for
    constructs that need custom NULL handling, e.g. ANY/ALL over arrays,
    IS DISTINCT FROM, row comparisons).  ``fn(*values)`` gets NULLs too."""

    __slots__ = ("fn", "args", "name")

    def __init__(self, fn: Callable, args: list[Expr], type, typmod: int = -1, name: str = "func"):
        self.fn = fn
        self.args = args
        self.type = type
        self.typmod = typmod
        self.name = name

    def children(self):
        return self.args


class SubPlan(Expr):
    """A subquery used as an expression.

    kind: 'exists' | 'scalar' | 'array' | 'any' | 'all'.
    ``plan`` is a physical operator; ``correlated`` tells whether it reads
    OuterRefs (then it re-runs for every outer row; otherwise its result is
    computed once per execution and cached).  For 'any'/'all', ``test`` is a
    function (left_value, right_value) -> bool|None and ``left`` the
    left-hand expression(s).
    """

    __slots__ = ("kind", "plan", "correlated", "left", "test", "runner", "test_ir")

    def __init__(self, kind: str, plan, correlated: bool, type, left: list[Expr] | None = None, test=None):
        self.kind = kind
        self.plan = plan
        self.correlated = correlated
        self.type = type
        self.typmod = -1
        self.left = left or []
        self.test = test
        self.test_ir = None  # [(operator Function, right-side expr over ColRef(1))] for ANY/ALL
        self.runner = None  # bound by the executor: callable(outer_rows) -> result

    def children(self):
        return list(self.left)


class AggRef(Expr):
    """Placeholder for an aggregate's result; replaced by a ColRef into the
    aggregate operator's output row during planning."""

    __slots__ = ("agg", "args", "distinct", "filter", "order", "index", "name", "direct")

    def __init__(self, agg, args, type, distinct=False, filter=None, order=None, name="agg", direct=None):
        self.agg = agg
        self.args = args
        self.type = type
        self.typmod = -1
        self.distinct = distinct
        self.filter = filter
        self.order = order or []
        self.index = None
        self.name = name
        self.direct = direct or []

    def children(self):
        out = list(self.args)
        if self.filter is not None:
            out.append(self.filter)
        return out


class WindowRef(Expr):
    __slots__ = ("func", "args", "partition", "order", "frame", "index", "name", "is_agg", "filter")

    def __init__(self, func, args, type, partition, order, frame, name="window", is_agg=False, filter=None):
        self.func = func
        self.args = args
        self.type = type
        self.typmod = -1
        self.partition = partition
        self.order = order
        self.frame = frame
        self.index = None
        self.name = name
        self.is_agg = is_agg
        self.filter = filter

    def children(self):
        return list(self.args)


# ----------------------------------------------------------------- walking


def walk(e: Expr):
    yield e
    for c in e.children():
        yield from walk(c)


def transform(e: Expr, fn: Callable[[Expr], Expr | None]) -> Expr:
    """Rebuild bottom-up: fn(node) returns a replacement or None to keep.

    Nodes are mutated in place for their child lists (expressions are not
    shared between plans, the analyzer builds fresh trees)."""
    r = fn(e)
    if r is not None:
        return r
    if isinstance(e, (Call, BoolOp, Coalesce, MinMax, Func)):
        e.args = [transform(a, fn) for a in e.args]
    elif isinstance(e, (Cast, Not, NullTest, BoolTest)):
        e.arg = transform(e.arg, fn)
    elif isinstance(e, Case):
        e.whens = [(transform(c, fn), transform(v, fn)) for c, v in e.whens]
        if e.else_ is not None:
            e.else_ = transform(e.else_, fn)
    elif isinstance(e, InList):
        e.arg = transform(e.arg, fn)
        e.items = [transform(i, fn) for i in e.items]
    elif isinstance(e, (ArrayExpr, RowExpr)):
        e.items = [transform(i, fn) for i in e.items]
    elif isinstance(e, SubPlan):
        e.left = [transform(a, fn) for a in e.left]
    elif isinstance(e, AggRef):
        e.args = [transform(a, fn) for a in e.args]
        if e.filter is not None:
            e.filter = transform(e.filter, fn)
    elif isinstance(e, WindowRef):
        e.args = [transform(a, fn) for a in e.args]
    return e


def is_constant(e: Expr) -> bool:
    """No column, param, subquery, aggregate or volatile call below."""
    for n in walk(e):
        if isinstance(n, (ColRef, OuterRef, Param, SubPlan, AggRef, WindowRef)):
            return False
        if isinstance(n, Call) and n.fn.volatility != "i":
            return False
        if isinstance(n, Func):
            return False
    return True


def uses_outer(e: Expr) -> bool:
    return any(isinstance(n, OuterRef) for n in walk(e))


# ----------------------------------------------------------------- compiler


def _runtime_constant(e: Expr) -> bool:
    """The same value for every row of one execution: no column, outer reference, subquery,
    aggregate, window or opaque function below, and no volatile call (now(), parameters and
    stable functions are fine)."""
    for n in walk(e):
        if isinstance(n, (ColRef, OuterRef, SubPlan, AggRef, WindowRef, Func)):
            return False
        if isinstance(n, Call) and n.fn.volatility == "v":
            return False
    return True


class _OnceCell:
    """The value of a runtime-constant subexpression for one execution (the ExecContext it
    was computed under): ``created_at > now() - interval '1 day'`` computes the bound once,
    not per row.  Plans are shared between sessions; another execution just recomputes."""

    __slots__ = ("c", "v")

    def __init__(self):
        self.c = _NO_CTX
        self.v = None

    def set(self, ctx, v):
        if ctx is not None:
            self.c = ctx
            self.v = v
        return v


_NO_CTX = object()


class _Gen:
    def __init__(self):
        self.env: dict[str, Any] = {}
        self.counter = itertools.count()
        self.uses_params = False
        self.uses_outer = False
        self.subplans: list[SubPlan] = []
        self.hoisting = False

    def bind(self, obj, prefix="k") -> str:
        name = f"_{prefix}{next(self.counter)}"
        self.env[name] = obj
        return name

    def tmp(self) -> str:
        return f"_t{next(self.counter)}"

    # value context
    def v(self, e: Expr) -> str:
        t = type(e)
        if (t is Call or t is Cast) and not self.hoisting and _runtime_constant(e):
            from . import runtime

            self.hoisting = True
            try:
                body = self.v(e)
            finally:
                self.hoisting = False
            h = self.bind(_OnceCell(), "h")
            rs = self.bind(runtime.state, "rs")
            return f"({h}.v if {h}.c is {rs}.ctx else {h}.set({rs}.ctx, {body}))"
        if t is ColRef:
            return f"r[{e.index}]"
        if t is Const:
            val = e.value
            if val is None:
                return "None"
            if type(val) in (int, bool) or (type(val) is str and len(val) < 200):
                return repr(val)
            return self.bind(val)
        if t is Param:
            self.uses_params = True
            return f"p[{e.index}]"
        if t is OuterRef:
            self.uses_outer = True
            return f"o[{e.depth}][{e.index}]"
        if t is Call:
            return self._call(e)
        if t is Cast:
            f = self.bind(e.fn, "c")
            x = self.tmp()
            return f"(None if ({x} := {self.v(e.arg)}) is None else {f}({x}))"
        if t is BoolOp:
            parts = [self.v(a) for a in e.args]
            tmps = [self.tmp() for _ in parts]
            if e.op == "and":
                # false dominates, then null
                s = "True"
                for tname, src in reversed(list(zip(tmps, parts))):
                    s = f"(False if ({tname} := {src}) is False else {s})"
                nullchk = " or ".join(f"{tn} is None" for tn in tmps)
                return f"(False if {s} is False else (None if ({nullchk}) else True))"
            s = "False"
            for tname, src in reversed(list(zip(tmps, parts))):
                s = f"(True if ({tname} := {src}) is True else {s})"
            nullchk = " or ".join(f"{tn} is None" for tn in tmps)
            return f"(True if {s} is True else (None if ({nullchk}) else False))"
        if t is Not:
            x = self.tmp()
            return f"(None if ({x} := {self.v(e.arg)}) is None else not {x})"
        if t is NullTest:
            return f"({self.v(e.arg)} is {'not ' if e.negate else ''}None)"
        if t is BoolTest:
            if e.what is None:
                s = f"({self.v(e.arg)} is None)"
            else:
                s = f"({self.v(e.arg)} is {e.what!r})"
            return f"(not {s})" if e.negate else s
        if t is Case:
            s = self.v(e.else_) if e.else_ is not None else "None"
            for cond, val in reversed(e.whens):
                s = f"({self.v(val)} if {self.f(cond)} else {s})"
            return s
        if t is Coalesce:
            tmps = [self.tmp() for _ in e.args]
            s = "None"
            for tn, a in reversed(list(zip(tmps, e.args))):
                s = f"({tn} if ({tn} := {self.v(a)}) is not None else {s})"
            return s
        if t is MinMax:
            from .functions._common import sort_key

            key = sort_key(e.type)  # PostgreSQL's order (numeric/float NaN, bpchar, jsonb, arrays)
            if key is not None:
                f = self.bind(_greatest_key(key) if e.op == "greatest" else _least_key(key), "m")
            else:
                f = self.bind(_greatest if e.op == "greatest" else _least, "m")
            return f"{f}(" + ", ".join(self.v(a) for a in e.args) + ")"
        if t is InList:
            return self._inlist(e)
        if t is ArrayExpr:
            return "[" + ", ".join(self.v(a) for a in e.items) + "]"
        if t is RowExpr:
            tup = "(" + "".join(self.v(a) + ", " for a in e.items) + ")"
            if getattr(e, "nullable", False):
                return f"{self.bind(_null_extended_row, 'f')}({tup})"
            return tup
        if t is Func:
            if e.fn is None:
                raise PgError(f"{e.name}() is not allowed here", errcodes.GROUPING_ERROR
                              if e.name == "grouping" else errcodes.SYNTAX_ERROR)
            f = self.bind(e.fn, "f")
            return f"{f}(" + ", ".join(self.v(a) for a in e.args) + ")"
        if t is SubPlan:
            self.subplans.append(e)
            sp = self.bind(e, "s")
            self.uses_outer = True
            if e.kind in ("any", "all"):
                left = "(" + "".join(self.v(a) + ", " for a in e.left) + ")"
                return f"{sp}.runner(r, o, {left})"
            return f"{sp}.runner(r, o, None)"
        if isinstance(e, Param):
            self.uses_params = True
            return f"p[{e.index}]"
        raise PgError(f"cannot compile expression node {t.__name__}", errcodes.INTERNAL_ERROR)

    def _call(self, e: Call) -> str:
        fn = e.fn
        args = e.args
        tpl = fn.template
        if fn.env:
            self.env.update(fn.env)
        if not fn.strict:
            f = self.bind(fn.impl, "f")
            return f"{f}(" + ", ".join(self.v(a) for a in args) + ")"
        # strict: NULL in -> NULL out, each argument evaluated once
        srcs = []
        guards = []
        for a in args:
            if isinstance(a, Const) and a.value is not None:
                srcs.append(self.v(a))
            elif isinstance(a, Const):
                return "None"
            else:
                tn = self.tmp()
                guards.append(f"({tn} := {self.v(a)}) is None")
                srcs.append(tn)
        if tpl is not None:
            body = tpl.format(*srcs)
        else:
            f = self.bind(fn.impl, "f")
            body = f"{f}(" + ", ".join(srcs) + ")"
        if not guards:
            return f"({body})"
        return f"(None if ({' or '.join(guards)}) else {body})"

    def _inlist(self, e: InList) -> str:
        x = self.tmp()
        consts = [i for i in e.items if isinstance(i, Const)]
        if e.eq is None and len(consts) == len(e.items):
            vals = [c.value for c in consts]
            has_null = any(v is None for v in vals)
            try:
                st = frozenset(v for v in vals if v is not None)
                sname = self.bind(st, "set")
                found = f"{x} in {sname}"
            except TypeError:
                lname = self.bind([v for v in vals if v is not None], "lst")
                found = f"{x} in {lname}"
            if e.negate:
                res = f"(False if {found} else ({'None' if has_null else 'True'}))"
            else:
                res = f"(True if {found} else ({'None' if has_null else 'False'}))"
            return f"(None if ({x} := {self.v(e.arg)}) is None else {res})"
        f = self.bind(_inlist_eval, "in")
        eq = self.bind(e.eq, "eq") if e.eq is not None else "None"
        items = "(" + "".join(self.v(i) + ", " for i in e.items) + ")"
        return f"{f}({self.v(e.arg)}, {items}, {eq}, {e.negate!r})"

    # filter context: truthy iff TRUE
    def f(self, e: Expr) -> str:
        t = type(e)
        if t is BoolOp:
            j = " and " if e.op == "and" else " or "
            return "(" + j.join(self.f(a) for a in e.args) + ")"
        if t is Not:
            return f"({self.v(e.arg)} is False)"
        if t is Call and e.fn.template is not None and e.fn.strict and e.fn.filter_safe:
            if e.fn.env:
                self.env.update(e.fn.env)
            # comparisons: a None operand must yield falsy without raising
            srcs = []
            guards = []
            for a in e.args:
                if isinstance(a, Const):
                    if a.value is None:
                        return "False"
                    srcs.append(self.v(a))
                else:
                    tn = self.tmp()
                    guards.append(f"({tn} := {self.v(a)}) is not None")
                    srcs.append(tn)
            body = e.fn.template.format(*srcs)
            if not guards:
                return f"({body})"
            return "(" + " and ".join(guards) + f" and {body})"
        if t is NullTest or t is BoolTest:
            return self.v(e)
        return f"({self.v(e)} is True)"


def _greatest(*vals):
    vals = [v for v in vals if v is not None]
    return max(vals) if vals else None


def _greatest_key(key):
    def greatest(*vals):
        vals = [v for v in vals if v is not None]
        return max(vals, key=key) if vals else None
    return greatest


def _least_key(key):
    def least(*vals):
        vals = [v for v in vals if v is not None]
        return min(vals, key=key) if vals else None
    return least


def _least(*vals):
    vals = [v for v in vals if v is not None]
    return min(vals) if vals else None


def _inlist_eval(x, items, eq, negate):
    if x is None:
        return None
    saw_null = False
    for i in items:
        if i is None:
            saw_null = True
            continue
        if (eq(x, i) if eq is not None else x == i):
            return False if negate else True
    if saw_null:
        return None
    return True if negate else False


def compile_expr(e: Expr, filter: bool = False, params_ref: list | None = None) -> Callable:
    """Compile ``e`` into ``f(r, o=())`` (value or filter context).

    Parameters are read from ``params_ref`` (a list the executor fills per
    execution; the same list object is reused so compiled plans stay valid).
    """
    g = _Gen()
    body = g.f(e) if filter else g.v(e)
    g.env["p"] = params_ref if params_ref is not None else []
    src = f"lambda r, o=(): {body}"
    try:
        fn = eval(src, g.env)  # noqa: S307 - source generated from our own IR
    except SyntaxError as ex:  # pragma: no cover - compiler bug
        raise PgError(f"internal compiler error: {ex}: {src[:500]}", errcodes.INTERNAL_ERROR) from ex
    fn.__heliosd_source__ = src
    fn.__heliosd_subplans__ = g.subplans
    return fn


def compile_many(exprs: list[Expr], params_ref: list | None = None) -> Callable:
    """Compile a projection: ``f(r, o=()) -> tuple`` of all expressions."""
    g = _Gen()
    parts = [g.v(e) for e in exprs]
    g.env["p"] = params_ref if params_ref is not None else []
    if all(isinstance(e, ColRef) for e in exprs):
        if not exprs:
            src = "lambda r, o=(): ()"
        else:
            src = "lambda r, o=(): (" + "".join(p + ", " for p in parts) + ")"
    else:
        src = "lambda r, o=(): (" + "".join(p + ", " for p in parts) + ")"
    fn = eval(src, g.env)  # noqa: S307
    fn.__heliosd_source__ = src
    fn.__heliosd_subplans__ = g.subplans
    return fn


def compile_agg_step(arg_lists: list, strict: list, params_ref: list | None = None) -> Callable:
    """One ``f(r, o, accs)`` that feeds a row to every aggregate of a group: each
    aggregate's arguments are evaluated inline and ``accs[i].step(...)`` is called unless
    a strict aggregate sees a NULL argument (the per-aggregate loop costs several Python
    calls per row per aggregate)."""
    g = _Gen()
    lines = ["def _agg_step(r, o, accs):"]
    for i, (args, st) in enumerate(zip(arg_lists, strict)):
        parts = [g.v(a) for a in args]
        if not parts:
            lines.append(f"    accs[{i}].step()")
        elif st:
            tmps = [g.tmp() for _ in parts]
            for t, src in zip(tmps, parts):
                lines.append(f"    {t} = {src}")
            cond = " and ".join(f"{t} is not None" for t in tmps)
            lines.append(f"    if {cond}:")
            lines.append(f"        accs[{i}].step({', '.join(tmps)})")
        else:
            lines.append(f"    accs[{i}].step({', '.join(parts)})")
    if len(lines) == 1:
        lines.append("    pass")
    g.env["p"] = params_ref if params_ref is not None else []
    src = "\n".join(lines) + "\n"
    exec(src, g.env)  # noqa: S102 - source generated from our own IR
    fn = g.env["_agg_step"]
    fn.__heliosd_source__ = src
    fn.__heliosd_subplans__ = g.subplans
    return fn


def eval_const(e: Expr, params: list | None = None):
    """Evaluate an expression without a row (constants, params)."""
    return compile_expr(e, params_ref=params if params is not None else [])(())
