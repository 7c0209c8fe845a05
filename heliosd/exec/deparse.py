"""Typed expression IR -> SQL text, the way PostgreSQL's ruleutils.c prints it.

Used for pg_get_expr, pg_get_constraintdef, pg_get_indexdef, pg_get_viewdef,
information_schema's column_default/check_clause and the defaults psql's
``\\d`` shows.  The rules followed (ruleutils.c, PostgreSQL 15):

1. Non-pretty mode parenthesizes every operator, boolean and test node:
   ``((status)::text <> 'done'::text)``; pretty mode (PRETTYFLAG_PAREN)
   adds parentheses only where precedence needs them (``isSimpleNode``):
   ``status::text <> 'done'::text``.
2. Implicit casts are hidden at the top of an expression and in places
   that do not show them, and shown (``(x)::type``, pretty ``x::type``) in
   operator and function arguments (get_rule_expr_paren(..., showimplicit
   = true)).  Explicit casts are always shown.
3. Constants: int4 bare (negative ones as ``'-1'::integer``), numeric bare
   when it looks like a float, booleans ``true``/``false``, everything else
   a quoted literal with ``::type`` (no typmod: PostgreSQL applies typmods
   with a separate, hidden length coercion).  An integral value of another
   numeric type is printed ``(5)::bigint``, because it comes from an
   integer literal that heliosd folded through an implicit cast (PostgreSQL
   keeps the int4 constant under a visible cast).
4. Identifiers are quoted as quote_identifier does (anything but
   ``[a-z_][a-z0-9_$]*`` or a non-unreserved keyword).
"""

from __future__ import annotations

import re

from .. import types as T
from . import expr as E

_PLAIN = re.compile(r"[a-z_][a-z0-9_$]*\Z")
_KEYWORDS: dict | None = None

# SQLValueFunction spellings: Call.name values the analyzer gives them
SQL_VALUE_FUNCTIONS = {"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP",
                       "CURRENT_ROLE", "CURRENT_USER", "USER", "SESSION_USER", "CURRENT_CATALOG",
                       "CURRENT_SCHEMA"}


def _keywords() -> dict:
    global _KEYWORDS
    if _KEYWORDS is None:
        from ..engine.pgcatalog import _pgdefs

        _KEYWORDS = {w: c for w, c, *_ in _pgdefs.KEYWORDS}
    return _KEYWORDS


def quote_ident(name: str) -> str:
    if _PLAIN.match(name) and _keywords().get(name, "U") == "U":
        return name
    return '"' + name.replace('"', '""') + '"'


def quote_literal(s: str) -> str:
    """simple_quote_literal with standard_conforming_strings on."""
    return "'" + s.replace("'", "''") + "'"


def quote_literal_e(s: str) -> str:
    """quote_literal(): E'' when the value contains a backslash."""
    if "\\" in s:
        return "E'" + s.replace("\\", "\\\\").replace("'", "''") + "'"
    return "'" + s.replace("'", "''") + "'"


class Context:
    """What the deparser needs besides the tree.

    ``colname(e)`` names a ColRef/OuterRef (already quoted/qualified as wanted);
    ``out(type, value)`` is the type's text output (session settings bound)."""

    def __init__(self, colname, pretty=False, out=None, indent=0):
        self.colname = colname
        self.pretty = pretty
        self.out = out or (lambda t, v: t.text_out(v))
        self.indent = indent  # ruleutils' indentLevel where the expression starts (CASE layout)


_NL = re.compile(r" *\x01(\d+)\x02")


def finalize(text: str) -> str:
    """Turn line-break markers into newlines + indentation, dropping the blanks before
    them (appendContextKeyword's removeStringInfoSpaces)."""
    return _NL.sub(lambda m: "\n" + " " * int(m.group(1)), text) if "\x01" in text else text


def deparse(e: E.Expr, ctx: Context, showimplicit: bool = False, raw: bool = False) -> str:
    """``raw`` keeps the line-break markers for a caller that lays out more text around them."""
    s = _Deparser(ctx).expr(e, showimplicit)
    return s if raw else finalize(s)


def type_name(t, typmod=-1) -> str:
    """format_type_with_typemod: a typmod of -1 still counts as given (``bpchar``)."""
    return T.format_type(t.oid, typmod if typmod is not None else -1)


_LOPRI = ("+", "-")
_HIPRI = ("*", "/", "%")


class _Deparser:
    def __init__(self, ctx: Context):
        self.ctx = ctx
        self.pretty = ctx.pretty
        self.level = ctx.indent

    def kw(self, word, before, after, plus) -> str:
        """appendContextKeyword with PRETTYFLAG_INDENT (always on in pg_get_*def/expr)."""
        self.level += before
        s = f"\x01{max(self.level, 0) + plus}\x02{word}"
        self.level = max(self.level + after, 0)
        return s

    # --------------------------------------------------------- precedence
    def simple(self, node, parent) -> bool:
        t = type(node)
        if t in (E.ColRef, E.OuterRef, E.Const) or isinstance(node, E.Param):
            return True
        if t is E.Cast:
            return self.simple(node.arg, node) if not self._shows_cast(node, True) else True
        if t in (E.ArrayExpr, E.RowExpr, E.Coalesce, E.MinMax, E.AggRef, E.WindowRef, E.Case):
            return True
        if t is E.Call and not _is_op(node):
            return True
        if t is E.Func and node.name == "subscript":
            return True
        if t is E.Call and _is_op(node):
            if self.pretty and _is_op(parent) and len(node.args) == 2 and len(parent.args) == 2:
                op, pop = node.name, parent.name
                lo, hi = op in _LOPRI, op in _HIPRI
                plo, phi = pop in _LOPRI, pop in _HIPRI
                if not (lo or hi) or not (plo or phi):
                    return False
                if hi and plo:
                    return True
                if lo and phi:
                    return False
                return node is parent.args[0]
            return self._simple_by_parent(parent)
        if t in (E.NullTest, E.BoolTest, E.SubPlan) or (t is E.Func and "distinct" in node.name):
            return self._simple_by_parent(parent)
        if t in (E.BoolOp, E.Not):
            if type(parent) in (E.BoolOp, E.Not):
                if not self.pretty:
                    return False
                mine = "not" if t is E.Not else node.op
                pt = "not" if type(parent) is E.Not else parent.op
                if mine in ("not", "and"):
                    return pt in ("and", "or")
                return pt == "or"
            return self._simple_by_parent(parent)
        return False

    def _simple_by_parent(self, parent) -> bool:
        pt = type(parent)
        if pt is E.Call and not _is_op(parent):
            return True
        if pt is E.Cast:
            return False
        return pt in (E.ArrayExpr, E.RowExpr, E.Coalesce, E.MinMax, E.AggRef, E.WindowRef, E.Case, E.BoolOp,
                      E.Not)

    def paren(self, node, parent, showimplicit) -> str:
        s = self.expr(node, showimplicit)
        if self.pretty and not self.simple(node, parent):
            return f"({s})"
        return s

    def _shows_cast(self, c, showimplicit) -> bool:
        return c.explicit or showimplicit

    # --------------------------------------------------------- nodes
    def expr(self, e, showimplicit=False) -> str:
        t = type(e)
        if t is E.Const:
            return self.const(e)
        if t in (E.ColRef, E.OuterRef):
            return self.ctx.colname(e)
        if isinstance(e, E.Param):
            return f"${e.index + 1}"
        if t is E.Cast:
            return self.cast(e, showimplicit)
        if t is E.Call:
            return self.call(e)
        if t is E.BoolOp:
            sep = " AND " if e.op == "and" else " OR "
            body = sep.join(self.paren(a, e, False) for a in e.args)
            return body if self.pretty else f"({body})"
        if t is E.Not:
            body = "NOT " + self.paren(e.arg, e, False)
            return body if self.pretty else f"({body})"
        if t is E.NullTest:
            body = self.paren(e.arg, e, True) + (" IS NOT NULL" if e.negate else " IS NULL")
            return body if self.pretty else f"({body})"
        if t is E.BoolTest:
            what = {True: "TRUE", False: "FALSE", None: "UNKNOWN"}[e.what]
            body = self.paren(e.arg, e, False) + (" IS NOT " if e.negate else " IS ") + what
            return body if self.pretty else f"({body})"
        if t is E.Case:
            s = self.kw("CASE", 0, 4, 0)
            for c, v in e.whens:
                s += self.kw("WHEN ", 0, 0, 0) + self.expr(c, False) + " THEN " + self.expr(v, True)
            els = e.else_ if e.else_ is not None else E.Const(None, e.type, e.typmod)
            s += self.kw("ELSE ", 0, 0, 0) + self.expr(els, True)
            return s + self.kw("END", -4, 0, 0)
        if t is E.Coalesce:
            return "COALESCE(" + ", ".join(self.expr(a, True) for a in e.args) + ")"
        if t is E.MinMax:
            return e.op.upper() + "(" + ", ".join(self.expr(a, True) for a in e.args) + ")"
        if t is E.InList:
            a = e.arg
            if type(a) is E.Cast and not a.explicit and a.type.array is not None and \
                    all(type(i) is E.Const for i in e.items):
                # PostgreSQL types the list like the operand, then casts the array: varchar IN -> text[]
                arr = "ARRAY[" + ", ".join(self.const(E.Const(i.value, a.arg.type)) for i in e.items) + "]"
                arr = f"{arr if self.pretty else '(' + arr + ')'}::{type_name(a.type.array)}"
            else:
                arr = "ARRAY[" + ", ".join(self.expr(i, True) for i in e.items) + "]"
            body = f"{self.paren(e.arg, e, True)} {'<>' if e.negate else '='} {'ALL' if e.negate else 'ANY'} ({arr})"
            return body if self.pretty else f"({body})"
        if t is E.ArrayExpr:
            return "ARRAY[" + ", ".join(self.expr(i, True) for i in e.items) + "]"
        if t is E.RowExpr:
            return "ROW(" + ", ".join(self.expr(i, True) for i in e.items) + ")"
        if t is E.Func:
            return self.func(e)
        if t is E.AggRef:
            args = ", ".join(self.expr(a, True) for a in e.args) or ("*" if e.name == "count" else "")
            s = f"{quote_ident(e.name)}({'DISTINCT ' if e.distinct else ''}{args}"
            if e.order:
                s += " ORDER BY " + ", ".join(self.expr(o[0], True) + (" DESC" if o[1] else "") for o in e.order)
            s += ")"
            if e.filter is not None:
                s += f" FILTER (WHERE {self.expr(e.filter)})"
            return s
        if t is E.WindowRef:
            args = ", ".join(self.expr(a, True) for a in e.args)
            over = []
            if e.partition:
                over.append("PARTITION BY " + ", ".join(self.expr(p, True) for p in e.partition))
            if e.order:
                over.append("ORDER BY " + ", ".join(self.expr(o[0], True) + (" DESC" if o[1] else "")
                                                    for o in e.order))
            return f"{quote_ident(e.name)}({args}) OVER ({' '.join(over)})"
        if t is E.SubPlan:
            return "(SubPlan)"
        return "???"

    def const(self, e: E.Const, showtype=0) -> str:
        v = e.value
        t = e.type
        if v is None:
            return "NULL" if showtype < 0 or t is T.UNKNOWN else f"NULL::{type_name(t, e.typmod)}"
        oid = t.oid
        if oid == 16:
            return "true" if v else "false"
        text = self.ctx.out(t, v)
        if oid == 23:
            return text if not text.startswith("-") else (f"'{text}'" + ("" if showtype < 0 else "::integer"))
        if oid == 1700:
            if text[:1].isdigit() and any(ch in text for ch in ".eE"):
                return text
            if showtype >= 0 and re.fullmatch(r"-?\d+", text):
                return self._folded(text, "integer", "numeric")
            return quote_literal(text) + ("" if showtype < 0 else "::numeric")
        if oid in (20, 21, 700, 701) and showtype >= 0:
            if re.fullmatch(r"-?\d+", text):
                return self._folded(text, "integer", type_name(t))
            if oid in (700, 701) and re.fullmatch(r"-?\d+\.\d+", text):
                return self._folded(text, "numeric", type_name(t))
        if t is T.UNKNOWN or showtype < 0:
            return quote_literal(text)
        tm = e.typmod if oid == 1186 else -1
        return quote_literal(text) + "::" + type_name(t, tm)

    def _folded(self, text, literal_type, target) -> str:
        """A constant heliosd folded through an implicit cast: PostgreSQL shows the literal
        under a visible cast (``(0)::numeric``, ``('-1'::integer)::numeric``, ``(1.5)::double precision``)."""
        inner = text if not text.startswith("-") else f"'{text}'::{literal_type}"
        if self.pretty:
            return f"{inner}::{target}"
        return f"({inner})::{target}"

    def cast(self, e: E.Cast, showimplicit) -> str:
        if not self._shows_cast(e, showimplicit):
            return self.paren(e.arg, e, False)
        arg = e.arg
        tname = type_name(e.type, e.typmod)
        if isinstance(arg, E.Const) and arg.type is e.type and arg.typmod == -1:
            return self.const(arg, -1) + "::" + tname
        inner = self.paren(arg, e, False)
        if not self.pretty:
            inner = f"({inner})"
        return f"{inner}::{tname}"

    def call(self, e: E.Call) -> str:
        fn = e.fn
        if _is_op(e):
            if len(e.args) == 2:
                body = f"{self.paren(e.args[0], e, True)} {e.name} {self.paren(e.args[1], e, True)}"
            else:
                body = f"{e.name} {self.paren(e.args[0], e, True)}"
            return body if self.pretty else f"({body})"
        name = e.name or fn.name
        if name in SQL_VALUE_FUNCTIONS:
            return name
        low = name.lower()
        args = [self.expr(a, True) for a in e.args]
        if low == "extract" and len(e.args) == 2 and isinstance(e.args[0], E.Const):
            return f"EXTRACT({e.args[0].value} FROM {args[1]})"
        if low == "timezone" and len(args) == 2:
            return f"({self.paren(e.args[1], e, True)} AT TIME ZONE {self.paren(e.args[0], e, True)})"
        return f"{quote_ident(low)}({', '.join(args)})"

    def func(self, e: E.Func) -> str:
        n = e.name
        if n == "subscript":
            base = self.paren(e.args[0], e, False)
            idx = "".join(f"[{self.expr(a, False)}]" for a in e.args[1:])
            return base + idx
        if n in ("is distinct from", "is not distinct from"):
            body = f"{self.paren(e.args[0], e, True)} IS DISTINCT FROM {self.paren(e.args[1], e, True)}"
            if n == "is not distinct from":
                body = f"NOT ({body})" if self.pretty else f"(NOT ({body}))"
                return body
            return body if self.pretty else f"({body})"
        m = re.fullmatch(r"(\S+) (any|all)", n)
        if m and len(e.args) == 2:
            body = f"{self.paren(e.args[0], e, True)} {m.group(1)} {m.group(2).upper()} ({self.expr(e.args[1], True)})"
            return body if self.pretty else f"({body})"
        return f"{quote_ident(n)}(" + ", ".join(self.expr(a, True) for a in e.args) + ")"


def _is_op(e) -> bool:
    return type(e) is E.Call and getattr(e.fn, "kind", "f") == "o"
