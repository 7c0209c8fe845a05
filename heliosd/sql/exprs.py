"""Expression analysis: one sqlglot expression node -> one typed IR expression."""

from __future__ import annotations

from decimal import Decimal

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec import expr as E
from ..exec import functions as F
from ..plan import nodes as N
from . import resolve as R
from .analyze import _BINOPS, _NEGATED, Scope, _pos, ident

_INT4_MIN, _INT4_MAX = -(2 ** 31), 2 ** 31 - 1
_INT8_MIN, _INT8_MAX = -(2 ** 63), 2 ** 63 - 1


def number_const(text: str) -> E.Const:
    t = text.strip()
    if all(c.isdigit() for c in t) and t:
        v = int(t)
        if v <= _INT4_MAX:
            return E.Const(v, T.INT4)
        if v <= _INT8_MAX:
            return E.Const(v, T.INT8)
        return E.Const(Decimal(t), T.NUMERIC)
    low = t.lower()
    if low.startswith("0x") or low.startswith("0o") or low.startswith("0b"):
        v = int(t, 0)
        return E.Const(v, T.INT4 if v <= _INT4_MAX else T.INT8)
    return E.Const(Decimal(t), T.NUMERIC)


def analyze_expr(an, node, scope: Scope) -> E.Expr:
    t = type(node)
    h = _HANDLERS.get(t)
    if h is not None:
        return h(an, node, scope)
    op = _BINOPS.get(t)
    if op is not None:
        return _binary(an, node, scope, op)
    for base, fn in _BASE_HANDLERS:
        if isinstance(node, base):
            return fn(an, node, scope)
    raise PgError(f"unsupported expression: {node.sql(dialect='postgres')[:80]}", errcodes.FEATURE_NOT_SUPPORTED,
                  position=_pos(node))


# ----------------------------------------------------------------- leaves


def _literal(an, node: exp.Literal, scope):
    if node.is_string:
        return E.Const(node.this, T.UNKNOWN, position=_pos(node))
    return number_const(node.this)


def _bytestring(an, node, scope):
    return E.Const(node.this, T.UNKNOWN)


def record_text_fn(types):
    """Text output of a record whose field types are known."""
    from ..types.arrays import record_out

    outs = [(T.TEXT if t is T.UNKNOWN else t).text_out for t in types]

    def f(v):
        return None if v is None else record_out(v, outs)

    return f


def _concat(an, node, scope):
    """sqlglot's Concat only comes from string constants separated by a newline
    ('a'\n'b', SQL's continuation syntax: one constant 'ab'); concat() calls are Anonymous."""
    parts = node.expressions
    if parts and all(isinstance(p, exp.Literal) and p.is_string for p in parts):
        return E.Const("".join(p.this for p in parts), T.UNKNOWN)
    raise PgError("unsupported expression: " + node.sql(dialect="postgres"), errcodes.FEATURE_NOT_SUPPORTED)


def _unicode_string(an, node, scope):
    s = node.this
    esc = node.args.get("escape")
    ch = esc.this if isinstance(esc, exp.Literal) else "\\"
    out = []
    i = 0
    while i < len(s):
        if s[i] == ch:
            if s[i + 1:i + 2] == ch:
                out.append(ch)
                i += 2
                continue
            if s[i + 1:i + 2] == "+":
                out.append(chr(int(s[i + 2:i + 8], 16)))
                i += 8
                continue
            out.append(chr(int(s[i + 1:i + 5], 16)))
            i += 5
            continue
        out.append(s[i])
        i += 1
    return E.Const("".join(out), T.UNKNOWN)


def _null(an, node, scope):
    return E.Const(None, T.UNKNOWN)


def _boolean(an, node, scope):
    return E.Const(bool(node.this), T.BOOL)


def _parameter(an, node, scope):
    inner = node.this
    if node.args.get("op") == "@":
        # prefix @ (absolute value), see parser._parse_parameter_or_abs
        return make_op(an, "@", [analyze_expr(an, inner, scope)], _pos(node))
    if isinstance(inner, exp.Literal):
        n = int(inner.this)
        if n < 1:
            raise PgError(f"there is no parameter ${n}", errcodes.UNDEFINED_PARAMETER, position=_pos(node))
        return an.param(n - 1)
    if isinstance(inner, exp.Var):
        # sqlglot reads "@x" (absolute value) as a parameter
        return make_op(an, "@", [analyze_expr(an, exp.Column(this=exp.Identifier(this=inner.this)), scope)])
    raise PgError("syntax error at or near \"$\"", errcodes.SYNTAX_ERROR)


def _placeholder(an, node, scope):
    raise PgError('syntax error at or near "?"', errcodes.SYNTAX_ERROR, position=_pos(node))


def _paren(an, node, scope):
    return analyze_expr(an, node.this, scope)


# ----------------------------------------------------------------- columns


def resolve_column(an, name: str, qual: str | None, scope: Scope, node=None, schema: str | None = None):
    depth = 0
    s = scope
    while s is not None:
        r = _lookup(s, name, qual, node)
        if r is not None:
            idx, typ, typmod = r
            if isinstance(idx, E.Expr):
                if depth == 0:
                    return idx
                return _shift_outer(idx, depth)
            if depth == 0:
                return E.ColRef(idx, typ, typmod, name)
            return E.OuterRef(depth - 1, idx, typ, typmod, name)
        s = s.parent
        depth += 1
    _invisible_error(an, name, qual, node)
    hint = _fuzzy_hint(scope, name, qual)
    if qual is not None:
        s = scope
        while s is not None:
            for it in s.items:
                if it.rel is not None and it.rel.name == qual and it.alias != qual:
                    raise PgError(f'invalid reference to FROM-clause entry for table "{qual}"',
                                  errcodes.UNDEFINED_TABLE, position=_pos(node),
                                  hint=f'Perhaps you meant to reference the table alias "{it.alias}".')
            s = s.parent
        # is the qualifier a known table anywhere?
        s = scope
        while s is not None:
            if s.find_item(qual) is not None:
                raise PgError(f'column {qual}.{name} does not exist', errcodes.UNDEFINED_COLUMN, position=_pos(node),
                              hint=hint)
            s = s.parent
        raise PgError(f'missing FROM-clause entry for table "{qual}"', errcodes.UNDEFINED_TABLE,
                      position=_pos(node))
    raise PgError(f'column "{name}" does not exist', errcodes.UNDEFINED_COLUMN, position=_pos(node), hint=hint)


def _invisible_error(an, name, qual, node):
    """A non-LATERAL subquery referencing a sibling FROM item: PostgreSQL's wording."""
    for sc in reversed(getattr(an, "invisible", [])):
        for it in sc.items:
            if qual is not None and it.alias == qual:
                raise PgError(f'invalid reference to FROM-clause entry for table "{qual}"', errcodes.UNDEFINED_TABLE,
                              position=_pos(node),
                              hint=f'There is an entry for table "{qual}", but it cannot be referenced from this '
                                   f'part of the query.')
            if qual is None and name in it.names and it.alias:
                raise PgError(f'column "{name}" does not exist', errcodes.UNDEFINED_COLUMN, position=_pos(node),
                              hint=f'There is a column named "{name}" in table "{it.alias}", but it cannot be '
                                   f'referenced from this part of the query.')


def _levenshtein(a: str, b: str, limit: int) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


def _fuzzy_hint(scope, name: str, qual: str | None):
    """PostgreSQL's errorMissingColumn suggestion (parse_relation.c, MAX_FUZZY_DISTANCE 3)."""
    best = 4
    first = second = None
    s = scope
    while s is not None:
        for it in s.items:
            if it.alias is None:
                continue
            penalty = 0
            if qual is not None:
                penalty = _levenshtein(qual, it.alias, 100)
                if penalty > best:
                    continue
            for col in it.names:
                if not col or col.startswith("\x00"):
                    continue
                d = _levenshtein(col, name, 100)
                if d > len(name) // 2:
                    continue
                d += penalty
                if d < best:
                    best, first, second = d, (it.alias, col), None
                elif d == best:
                    if second is not None:
                        first = second = None
                    elif first is not None:
                        second = (it.alias, col)
        s = s.parent
    if first is None:
        return None
    if qual is None and first[1] == name and second is None:
        return None
    if second is not None:
        return (f'Perhaps you meant to reference the column "{first[0]}.{first[1]}" or the column '
                f'"{second[0]}.{second[1]}".')
    return f'Perhaps you meant to reference the column "{first[0]}.{first[1]}".'



def _shift_outer(e: E.Expr, depth: int) -> E.Expr:
    def f(n):
        if isinstance(n, E.ColRef):
            return E.OuterRef(depth - 1, n.index, n.type, n.typmod, n.name)
        if isinstance(n, E.OuterRef):
            return E.OuterRef(n.depth + depth, n.index, n.type, n.typmod, n.name)
        return None

    import copy

    return E.transform(copy.copy(e), f)


# system columns a range item may carry as hidden "\x00<name>" columns (catalog relations: tableoid)
_SYSTEM_COLUMNS = frozenset({"tableoid", "xmax"})


def _lookup(scope: Scope, name: str, qual: str | None, node):
    if qual is None:
        for u in scope.using:
            if u[0] == name:
                return u[1], None, None
        found = []
        for it in scope.items:
            for i, n in enumerate(it.names):
                if n == name:
                    found.append((it.offset + i, it.types[i], it.typmods[i]))
        if not found and name in _SYSTEM_COLUMNS:
            for it in scope.items:
                for i, n in enumerate(it.names):
                    if n == "\x00" + name:
                        found.append((it.offset + i, it.types[i], it.typmods[i]))
        if len(found) > 1:
            raise PgError(f'column reference "{name}" is ambiguous', errcodes.AMBIGUOUS_COLUMN, position=_pos(node))
        return found[0] if found else None
    its = [it for it in scope.items if it.alias == qual]
    if not its:
        return None
    if len(its) > 1:
        raise PgError(f'table reference "{qual}" is ambiguous', errcodes.AMBIGUOUS_ALIAS, position=_pos(node))
    it = its[0]
    for i, n in enumerate(it.names):
        if n == name or (n == "\x00" + name and name in _SYSTEM_COLUMNS):
            return it.offset + i, it.types[i], it.typmods[i]
    raise PgError(f"column {qual}.{name} does not exist", errcodes.UNDEFINED_COLUMN, position=_pos(node),
                  hint=_fuzzy_hint(scope, name, qual))


def _column(an, node: exp.Column, scope):
    if isinstance(node.this, exp.Star) and node.args.get("table") is not None and not node.args.get("db"):
        # t.* outside a select list (count(t.*), row(t.*), f(t.*)): the whole-row value of t
        return _column(an, exp.Column(this=node.args["table"].copy()), scope)
    if isinstance(node.this, exp.Star):
        raise PgError("row expansion via \"*\" is not supported here", errcodes.FEATURE_NOT_SUPPORTED,
                      position=_pos(node))
    name = ident(node.this)
    qual = ident(node.args["table"]) if node.args.get("table") else None
    if node.args.get("db"):
        qual = ident(node.args["table"])
    if qual is None:
        # special keywords sqlglot reads as columns
        low = name
        if not getattr(node.this, "quoted", False):
            kw = _KEYWORD_VALUES.get(low)
            if kw is not None:
                try:
                    return resolve_column(an, name, None, scope, node)
                except PgError:
                    return kw(an)
    try:
        return resolve_column(an, name, qual, scope, node)
    except PgError as err:
        if qual is None and err.code == errcodes.UNDEFINED_COLUMN:
            # a whole-row reference to a table alias
            s = scope
            while s is not None:
                it = s.find_item(name)
                if it is not None and getattr(it, "scalar_fn", False) and len(it.names) == 1:
                    return resolve_column(an, it.names[0], name, scope, node)
                if it is not None:
                    items = [E.ColRef(it.offset + i, it.types[i], it.typmods[i], n) for i, n in enumerate(it.names)
                             if not n.startswith("\x00")]
                    return E.RowExpr(items, T.RECORD, names=[n for n in it.names if not n.startswith("\x00")],
                                     nullable=bool(it.nullable))
                s = s.parent
        raise


def _kw_func(fname, sqlname=None):
    def f(an):
        return _sql_value_function(call_function(an, fname, [], None, None), sqlname)

    return f


def _sql_value_function(e, sqlname):
    """Name a call made for SQL keyword syntax (CURRENT_DATE...) as PostgreSQL deparses it."""
    if sqlname and isinstance(e, E.Call):
        e.name = sqlname
    return e


_KEYWORD_VALUES = {
    "current_user": _kw_func("current_user", "CURRENT_USER"),
    "session_user": _kw_func("session_user", "SESSION_USER"),
    "user": _kw_func("current_user", "USER"),
    "current_role": _kw_func("current_user", "CURRENT_ROLE"),
    "current_catalog": _kw_func("current_database", "CURRENT_CATALOG"),
    "current_schema": _kw_func("current_schema", "CURRENT_SCHEMA"),
    "localtimestamp": _kw_func("localtimestamp", "LOCALTIMESTAMP"),
    "localtime": _kw_func("localtime", "LOCALTIME"),
    "current_time": _kw_func("current_time", "CURRENT_TIME"),
}


def _dot(an, node: exp.Dot, scope):
    left = node.this
    right = node.expression
    if isinstance(right, exp.Anonymous) and isinstance(left, (exp.Identifier, exp.Column)):
        schema = ident(left)
        return _anonymous(an, right, scope, schema=schema)
    # (composite).field
    base = analyze_expr(an, left, scope)
    field = ident(right)
    if isinstance(base, E.RowExpr):
        names = getattr(base, "names", None)
        if names and field in names:
            return base.items[names.index(field)]
    if base.type.typtype == "c" and base.type.extra:  # a user composite type (heliosd.sql.ddl_types)
        from .ddl_types import field_select

        fe = field_select(base, field)
        if fe is not None:
            return fe
    raise PgError(f'column "{field}" not found in data type {R.type_name(base.type)}', errcodes.UNDEFINED_COLUMN,
                  position=_pos(node))


# ----------------------------------------------------------------- operators


def make_op(an, sym: str, args: list[E.Expr], position=None) -> E.Expr:
    cands = F.lookup_operators(sym)
    types = [a.type for a in args]
    if sym in ("=", "<>") and len(args) == 2 and all(t.is_array or t is T.UNKNOWN for t in types) and \
            any(t.is_array for t in types):
        return _array_compare(an, sym, args, position)
    if sym in ("=", "<>", "<", "<=", ">", ">=") and len(args) == 2 and \
            all(isinstance(a, E.RowExpr) and a.type is T.RECORD for a in args):
        # (ROW(...)::composite values compare with record_eq & co, as in PostgreSQL)
        return _row_compare(an, sym, args, position)
    if not cands:
        raise R._no_match("operator", sym, types, position)
    cand, ptypes = R.select_overload(cands, types, "operator", sym, position)
    cargs = [R.coerce(a, p, -1, "implicit", position) for a, p in zip(args, ptypes)]
    rtype = cand.result_type(ptypes)
    cand = F.specialize(cand, ptypes, cargs)
    call = E.Call(cand, cargs, rtype, name=sym)
    return _fold(call)


#: FOLD[0] False while stored expressions (defaults, CHECKs, index expressions) are analyzed for
#: display: PostgreSQL stores them unfolded (folding is a planner step), so pg_get_expr shows
#: (1.5 * (2)::numeric) and ARRAY['a'::text]; see engine/pgcatalog/_text.analyze
FOLD = [True]


def _fold(e: E.Expr) -> E.Expr:
    """Evaluate immutable calls over constants at analysis time."""
    if FOLD[0] and isinstance(e, E.Call) and e.fn.volatility == "i" and not e.fn.retset and \
            all(isinstance(a, E.Const) for a in e.args) and \
            not getattr(e.fn, "needs_ctx", False):
        try:
            v = E.eval_const(e)
        except PgError:
            return e  # raise at run time, like PostgreSQL when it cannot fold
        return E.Const(v, e.type, e.typmod)
    return e


def _binary(an, node, scope, sym):
    if node.args.get("negate") and sym in _NEGATED:  # sqlglot reads "a !~~ b" as Like(negate=True)
        sym = _NEGATED[sym]
    left = analyze_expr(an, node.this, scope)
    right_node = node.expression
    if isinstance(right_node, exp.Anonymous) and str(right_node.this).lower() in ("all", "any", "some") and \
            len(right_node.expressions) == 1 and not getattr(right_node.this, "quoted", False):
        # sqlglot reads "x <> ALL (array_expr)" as a call named ALL
        cls = exp.All if str(right_node.this).lower() == "all" else exp.Any
        right_node = cls(this=exp.Paren(this=right_node.expressions[0]))
    if isinstance(right_node, (exp.Any, exp.All)):
        return _any_all(an, sym, left, right_node, scope, node)
    if sym in ("~~", "~~*") and isinstance(right_node, exp.Escape):
        right = analyze_expr(an, right_node.this, scope)
        esc = analyze_expr(an, right_node.expression, scope)
        pat = call_function(an, "like_escape", [R.coerce(right, T.TEXT) if right.type is T.UNKNOWN else right,
                                                 R.coerce(esc, T.TEXT) if esc.type is T.UNKNOWN else esc], None, node)
        return make_op(an, sym, [left, pat], _pos(node))
    right = analyze_expr(an, right_node, scope)
    if sym == "^" and False:
        pass
    return make_op(an, sym, [left, right], _pos(node))


def _json_path_arg(path):
    parts = path.expressions if isinstance(path, exp.JSONPath) else []
    keys = [p for p in parts if not isinstance(p, exp.JSONPathRoot)]
    if len(keys) != 1:
        return None
    k = keys[0]
    if isinstance(k, exp.JSONPathKey):
        v = k.this
        if isinstance(v, exp.Expression):
            return v
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return number_const(str(v))  # jsonb -> 1.5: a numeric, which no -> operator takes
        return E.Const(str(v), T.UNKNOWN)
    if isinstance(k, exp.JSONPathSubscript):
        v = k.this
        if isinstance(v, exp.Expression):
            return v
        return E.Const(int(v), T.INT4)
    return None


def _json_extract(sym):
    def h(an, node, scope):
        left = analyze_expr(an, node.this, scope)
        arg = node.expression
        if isinstance(arg, exp.JSONPath):
            r = _json_path_arg(arg)
            if r is None:
                raise PgError("unsupported JSON path", errcodes.FEATURE_NOT_SUPPORTED)
            right = r if isinstance(r, E.Expr) else analyze_expr(an, r, scope)
        else:
            right = analyze_expr(an, arg, scope)
        return make_op(an, sym, [left, right], _pos(node))

    return h


def _operator(an, node: exp.Operator, scope):
    sym = str(node.args.get("operator"))
    if sym.lower().startswith("pg_catalog."):
        sym = sym[len("pg_catalog."):]
    left = analyze_expr(an, node.this, scope)
    right = analyze_expr(an, node.expression, scope)
    return make_op(an, sym, [left, right], _pos(node))


def _neg(an, node, scope):
    inner = node.this
    if isinstance(inner, exp.Literal) and not inner.is_string:
        c = number_const("".join(inner.this.split()))
        v = -c.value
        if c.type is T.INT8 and v >= _INT4_MIN:
            return E.Const(v, T.INT4)
        if c.type is T.NUMERIC and v == -(2 ** 63):
            return E.Const(int(v), T.INT8)
        if c.type is T.NUMERIC and isinstance(v, Decimal) and v == v.to_integral_value() and \
                "." not in inner.this and "e" not in inner.this.lower() and v >= _INT8_MIN:
            return E.Const(int(v), T.INT8 if v < _INT4_MIN else T.INT4)
        return E.Const(v, c.type)
    return make_op(an, "-", [analyze_expr(an, inner, scope)], _pos(node))


def _bitnot(an, node, scope):
    return make_op(an, "~", [analyze_expr(an, node.this, scope)], _pos(node))


def _sqrt(an, node, scope):
    return make_op(an, "|/", [analyze_expr(an, node.this, scope)], _pos(node))


# ----------------------------------------------------------------- boolean


def _to_bool(an, e, what, node=None):
    if e.type is T.BOOL:
        return e
    if e.type is T.UNKNOWN:
        return R.coerce(e, T.BOOL)
    raise PgError(f"argument of {what} must be type boolean, not type {R.type_name(e.type)}",
                  errcodes.DATATYPE_MISMATCH, position=_pos(node))


def _and(an, node, scope):
    args = []
    for side in (node.this, node.expression):
        e = _to_bool(an, analyze_expr(an, side, scope), "AND", side)
        if isinstance(e, E.BoolOp) and e.op == "and":
            args.extend(e.args)
        else:
            args.append(e)
    return E.BoolOp("and", args, T.BOOL)


def _or(an, node, scope):
    args = []
    for side in (node.this, node.expression):
        e = _to_bool(an, analyze_expr(an, side, scope), "OR", side)
        if isinstance(e, E.BoolOp) and e.op == "or":
            args.extend(e.args)
        else:
            args.append(e)
    return E.BoolOp("or", args, T.BOOL)


def _not(an, node: exp.Not, scope):
    inner = node.this
    if isinstance(inner, exp.In):
        return _in(an, inner, scope, negate=True)
    if isinstance(inner, exp.Exists):
        return _exists(an, inner, scope, negate=True)
    if isinstance(inner, (exp.Like, exp.ILike, exp.RegexpLike, exp.RegexpILike)):
        sym = _NEGATED[_BINOPS[type(inner)]]
        left = analyze_expr(an, inner.this, scope)
        rn = inner.expression
        if isinstance(rn, exp.Escape):
            right = analyze_expr(an, rn.this, scope)
            esc = analyze_expr(an, rn.expression, scope)
            right = call_function(an, "like_escape", [R.coerce(right, T.TEXT) if right.type is T.UNKNOWN else right,
                                                      R.coerce(esc, T.TEXT) if esc.type is T.UNKNOWN else esc],
                                  None, node)
        else:
            right = analyze_expr(an, rn, scope)
        return make_op(an, sym, [left, right], _pos(node))
    if isinstance(inner, exp.SimilarTo):
        return E.Not(_similar(an, inner, scope), T.BOOL)
    if isinstance(inner, exp.Between):
        return E.Not(_between(an, inner, scope), T.BOOL)
    e = _to_bool(an, analyze_expr(an, inner, scope), "NOT", inner)
    if isinstance(e, E.Const):
        return E.Const(None if e.value is None else not e.value, T.BOOL)
    return E.Not(e, T.BOOL)


_NORMALIZED_FORMS = {"NORMALIZED": "NFC", "NORMALIZED_NFC": "NFC", "NORMALIZED_NFD": "NFD",
                     "NORMALIZED_NFKC": "NFKC", "NORMALIZED_NFKD": "NFKD"}


def _is(an, node: exp.Is, scope):
    left = analyze_expr(an, node.this, scope)
    right = node.expression
    neg = bool(node.args.get("negate"))
    if isinstance(right, exp.Null):
        if isinstance(left, E.RowExpr):
            # row IS NULL: all fields null; IS NOT NULL: all fields non-null
            tests = [E.NullTest(i, neg, T.BOOL) for i in left.items]
            return E.BoolOp("and", tests, T.BOOL) if len(tests) > 1 else tests[0]
        if left.type.typtype == "c" and left.type.extra:
            # a composite value IS NULL when it or all its fields are null, IS NOT NULL when
            # all its fields are non-null (PostgreSQL's argisrow null test)
            if neg:
                return E.Func(lambda v: v is not None and all(x is not None for x in v), [left], T.BOOL,
                              name="is not null")
            return E.Func(lambda v: v is None or all(x is None for x in v), [left], T.BOOL, name="is null")
        return E.NullTest(left, neg, T.BOOL)
    if isinstance(right, exp.Boolean):
        left = _to_bool(an, left, "IS TRUE" if right.this else "IS FALSE", node)
        return E.BoolTest(left, bool(right.this), neg, T.BOOL)
    if isinstance(right, exp.Var) and right.this.upper() == "UNKNOWN" or \
            isinstance(right, exp.Column) and ident(right) == "unknown":
        left = _to_bool(an, left, "IS UNKNOWN", node)
        return E.BoolTest(left, None, neg, T.BOOL)
    if isinstance(right, exp.Column) and not right.this.quoted and not right.table and \
            right.name.upper() in _NORMALIZED_FORMS:
        # x IS [NOT] [NFC|NFD|NFKC|NFKD] NORMALIZED (the parser spells the form NORMALIZED_NFD)
        form = _NORMALIZED_FORMS[right.name.upper()]
        return call_function(an, "is_normalized", [left, E.Const(form, T.UNKNOWN)], scope, node)
    if isinstance(right, exp.Var) and right.this.upper() in ("DOCUMENT",):
        raise PgError("IS DOCUMENT is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    # IS [NOT] DISTINCT FROM parsed as Is in some forms
    other = analyze_expr(an, right, scope)
    return _distinct(an, left, other, not neg, node)


def _distinct(an, left, right, distinct: bool, node):
    eq = make_op(an, "=", [left, right], _pos(node))
    fn = _mk_distinct(E.compile_expr(E.Call(eq.fn, [E.ColRef(0, eq.args[0].type), E.ColRef(1, eq.args[1].type)],
                                            T.BOOL)) if isinstance(eq, E.Call) else None, distinct)
    la, ra = (eq.args if isinstance(eq, E.Call) else (left, right))
    return E.Func(fn, [la, ra], T.BOOL, name="is distinct from" if distinct else "is not distinct from")


def _mk_distinct(eqf, distinct):
    def f(a, b):
        if a is None or b is None:
            same = a is None and b is None
        else:
            same = bool(eqf((a, b))) if eqf is not None else a == b
        return not same if distinct else same

    return f


def _nullsafe_eq(an, node, scope):
    return _distinct(an, analyze_expr(an, node.this, scope), analyze_expr(an, node.expression, scope), False, node)


def _nullsafe_neq(an, node, scope):
    return _distinct(an, analyze_expr(an, node.this, scope), analyze_expr(an, node.expression, scope), True, node)


def _between(an, node: exp.Between, scope):
    x = analyze_expr(an, node.this, scope)
    lo = analyze_expr(an, node.args["low"], scope)
    hi = analyze_expr(an, node.args["high"], scope)
    if node.args.get("symmetric"):
        a = E.BoolOp("and", [make_op(an, ">=", [x, lo]), make_op(an, "<=", [x, hi])], T.BOOL)
        b = E.BoolOp("and", [make_op(an, ">=", [x, hi]), make_op(an, "<=", [x, lo])], T.BOOL)
        return E.BoolOp("or", [a, b], T.BOOL)
    return E.BoolOp("and", [make_op(an, ">=", [x, lo], _pos(node)), make_op(an, "<=", [x, hi], _pos(node))], T.BOOL)


def _in(an, node: exp.In, scope, negate=False):
    left = analyze_expr(an, node.this, scope)
    q = node.args.get("query")
    if q is not None:
        sub = q.this if isinstance(q, exp.Subquery) else q
        return _sublink_any(an, "=", left, sub, scope, node, negate_all=negate)
    unnest = node.args.get("unnest")
    if unnest is not None:
        raise PgError("IN UNNEST is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    items = [analyze_expr(an, i, scope) for i in node.expressions]
    if isinstance(left, E.RowExpr):
        ors = [_row_compare(an, "=", [left, i], _pos(node)) for i in items]
        res = ors[0] if len(ors) == 1 else E.BoolOp("or", ors, T.BOOL)
        return E.Not(res, T.BOOL) if negate else res
    t = T.common_type([left.type] + [i.type for i in items], "IN")
    if t is T.UNKNOWN:
        t = T.TEXT
    # resolve the equality operator once
    eq = make_op(an, "=", [E.ColRef(0, left.type), E.ColRef(1, t if items else left.type)], _pos(node))
    if not isinstance(eq, E.Call):
        raise PgError("could not resolve IN", errcodes.INTERNAL_ERROR)
    ltype, rtype = eq.args[0].type if not isinstance(eq.args[0], E.Cast) else eq.args[0].type, eq.args[1].type
    larg = R.coerce(left, ltype) if left.type is not ltype else left
    citems = [R.coerce(i, rtype) for i in items]
    python_eq = eq.fn.template in ("({0} == {1})",) and ltype is rtype
    eqf = None
    if not python_eq:
        cf = E.compile_expr(E.Call(eq.fn, [E.ColRef(0, ltype), E.ColRef(1, rtype)], T.BOOL))
        eqf = (lambda a, b, _f=cf: _f((a, b)))
    return E.InList(larg, citems, negate, T.BOOL, eq=eqf)


def _any_all(an, sym, left, node, scope, parent):
    kind = "any" if isinstance(node, exp.Any) else "all"
    inner = node.this
    if isinstance(inner, exp.Paren) and isinstance(inner.this, (exp.Select, exp.Union)):
        inner = inner.this
    if isinstance(inner, (exp.Select, exp.Union, exp.Subquery)):
        sub = inner.this if isinstance(inner, exp.Subquery) else inner
        return _sublink_any(an, sym, left, sub, scope, parent, kind=kind)
    arr = analyze_expr(an, inner.this if isinstance(inner, exp.Paren) else inner, scope)
    if arr.type is T.UNKNOWN:
        arr = R.coerce(arr, (left.type if left.type is not T.UNKNOWN else T.TEXT).array)
    if not arr.type.is_array and arr.type.elem is None:
        raise PgError("op ANY/ALL (array) requires array on right side", errcodes.WRONG_OBJECT_TYPE,
                      position=_pos(parent))
    et = arr.type.elem
    cmp = make_op(an, sym, [E.ColRef(0, left.type), E.ColRef(1, et)], _pos(parent))
    if not isinstance(cmp, E.Call):
        raise PgError("could not resolve ANY/ALL operator", errcodes.INTERNAL_ERROR)
    lt = cmp.args[0].type
    larg = R.coerce(left, lt) if left.type is not lt else left
    cf = E.compile_expr(E.Call(cmp.fn, [E.ColRef(0, lt), E.ColRef(1, cmp.args[1].type)], T.BOOL))
    conv = None
    if cmp.args[1].type is not et:
        conv = R.coerce(E.ColRef(0, et), cmp.args[1].type)
        conv = E.compile_expr(conv)
    fn = _mk_any_all(cf, kind, conv)
    return E.Func(fn, [larg, arr], T.BOOL, name=f"{sym} {kind}")


def _mk_any_all(cf, kind, conv):
    def f(x, arr):
        if arr is None:
            return None
        if not arr:
            return kind == "all"
        if x is None:
            return None
        saw_null = False
        for v in _flatten(arr):
            if v is None:
                saw_null = True
                continue
            if conv is not None:
                v = conv((v,))
            r = cf((x, v))
            if r is None:
                saw_null = True
            elif kind == "any" and r:
                return True
            elif kind == "all" and not r:
                return False
        if saw_null:
            return None
        return kind == "all"

    return f


def _flatten(arr):
    for v in arr:
        if type(v) is list:
            yield from _flatten(v)
        else:
            yield v


def _array_compare(an, sym, args, position=None):
    a, b = args
    if a.type is T.UNKNOWN:
        a = R.coerce(a, b.type)
    if b.type is T.UNKNOWN:
        b = R.coerce(b, a.type)
    if a.type is not b.type:
        # anyarray = anyarray: both sides must be the same array type (integer[] = text[] is 42883)
        raise R._no_match("operator", sym, [a.type, b.type], position)
    from ..exec.functions._common import sort_key

    key = sort_key(a.type)  # the element type's equality (numeric NaN, bpchar blanks, ...)
    if key is None:
        fn = (lambda x, y: x == y) if sym == "=" else (lambda x, y: x != y)
    elif sym == "=":
        def fn(x, y, key=key):
            return key(x) == key(y)
    else:
        def fn(x, y, key=key):
            return key(x) != key(y)
    return E.Call(F.Function(sym, [a.type, b.type], T.BOOL, fn), [a, b], T.BOOL)


def _row_compare(an, sym, args, position):
    a, b = args
    if len(a.items) != len(b.items):
        raise PgError("unequal number of entries in row expressions", errcodes.SYNTAX_ERROR, position=position)
    if sym in ("=", "<>"):
        parts = [make_op(an, "=", [x, y], position) for x, y in zip(a.items, b.items)]
        eq = parts[0] if len(parts) == 1 else E.BoolOp("and", parts, T.BOOL)
        return eq if sym == "=" else E.Not(eq, T.BOOL)
    # lexicographic: (a1,a2) < (b1,b2) = a1 < b1 OR (a1 = b1 AND a2 < b2)
    strict = sym[0]
    res = make_op(an, sym, [a.items[-1], b.items[-1]], position)
    for x, y in reversed(list(zip(a.items[:-1], b.items[:-1]))):
        res = E.BoolOp("or", [make_op(an, strict, [x, y], position),
                              E.BoolOp("and", [make_op(an, "=", [x, y], position), res], T.BOOL)], T.BOOL)
    return res


def _similar(an, node, scope):
    left = analyze_expr(an, node.this, scope)
    pat = analyze_expr(an, node.expression, scope)
    esc = node.args.get("escape")
    args = [R.coerce(pat, T.TEXT) if pat.type is T.UNKNOWN else pat]
    if esc is not None:
        args.append(R.coerce(analyze_expr(an, esc, scope), T.TEXT))
    rx = call_function(an, "similar_to_escape", args, None, node)
    return make_op(an, "~", [left, rx], _pos(node))


# ----------------------------------------------------------------- subqueries


def _subquery_plan(an, node, scope):
    q = an.query(node, scope)
    return q


def plan_uses_outer(plan: N.Node, depth: int) -> bool:
    """Does the plan reference OuterRef(depth) (i.e. the row of the query `depth` levels up)?"""
    for n in N.walk(plan):
        for e in _node_exprs(n):
            for x in E.walk(e):
                if isinstance(x, E.OuterRef) and x.depth >= depth:
                    return True
                if isinstance(x, E.SubPlan) and plan_uses_outer(x.plan, depth + 1):
                    return True
        if isinstance(n, N.CteScan) and n.cte.plan is not None and False:
            pass
        if isinstance(n, N.Join) and n.lateral:
            if plan_uses_outer(n.right, depth + 1) and _lateral_reaches(n.right, depth + 1):
                return True
        if isinstance(n, N.FunctionScan) and n.lateral:
            for a in n.args:
                for x in E.walk(a):
                    if isinstance(x, E.OuterRef) and x.depth >= depth + 1:
                        return True
    return False


def _lateral_reaches(plan, depth):
    return True


def _node_exprs(n: N.Node):
    if isinstance(n, N.Filter):
        return [n.pred]
    if isinstance(n, N.Project):
        return n.exprs
    if isinstance(n, N.Join):
        return [n.cond] if n.cond is not None else []
    if isinstance(n, N.Aggregate):
        out = list(n.keys)
        for a in n.aggs:
            out.extend(a.args)
            if a.filter is not None:
                out.append(a.filter)
            out.extend(o[0] for o in a.order)
        return out
    if isinstance(n, N.Window):
        out = []
        for w in n.funcs:
            out.extend(w.args)
            out.extend(w.partition)
            out.extend(o[0] for o in w.order)
        return out
    if isinstance(n, N.Sort):
        return [k[0] for k in n.keys]
    if isinstance(n, N.Limit):
        return [x for x in (n.limit, n.offset) if x is not None]
    if isinstance(n, N.Values):
        return [e for r in n.rows for e in r]
    if isinstance(n, N.FunctionScan):
        return list(n.args) if not n.lateral else []
    if isinstance(n, N.Scan):
        return list(n.filters)
    if isinstance(n, N.Distinct):
        return list(n.on or [])
    return []


def _exists(an, node: exp.Exists, scope, negate=False):
    q = an.query(node.this, scope)
    corr = plan_uses_outer(q.plan, 0)
    sp = E.SubPlan("exists", q.plan, corr, T.BOOL)
    return E.Not(sp, T.BOOL) if negate else sp


def _scalar_subquery(an, node: exp.Subquery, scope):
    q = an.query(node.this if not isinstance(node.this, exp.Subquery) else node.this, scope)
    q2 = an._apply_outer_clauses(node, q, scope) if node.args.get("order") or node.args.get("limit") else q
    if len(q2.columns) != 1:
        raise PgError("subquery must return only one column", errcodes.SYNTAX_ERROR, position=_pos(node))
    c = q2.columns[0]
    corr = plan_uses_outer(q2.plan, 0)
    sp = E.SubPlan("scalar", q2.plan, corr, c.type)
    sp.typmod = c.typmod
    return sp


def _sublink_any(an, sym, left, sub, scope, node, kind="any", negate_all=False):
    q = an.query(sub, scope)
    lefts = left.items if isinstance(left, E.RowExpr) else [left]
    if len(q.columns) != len(lefts):
        raise PgError("subquery has too many columns" if len(q.columns) > len(lefts) else
                      "subquery has too few columns", errcodes.SYNTAX_ERROR, position=_pos(node))
    tests = []
    test_ir = []
    coerced_left = []
    for i, (l, c) in enumerate(zip(lefts, q.columns)):
        cmp = make_op(an, sym, [E.ColRef(0, l.type, l.typmod), E.ColRef(1, c.type, c.typmod)], _pos(node))
        if not isinstance(cmp, E.Call):
            raise PgError("could not resolve subquery comparison", errcodes.INTERNAL_ERROR)
        lt = cmp.args[0].type
        coerced_left.append(R.coerce(l, lt) if l.type is not lt else l)
        rconv = cmp.args[1]
        tests.append((E.compile_expr(E.Call(cmp.fn, [E.ColRef(0, lt), E.ColRef(1, rconv.type)], T.BOOL)),
                      E.compile_expr(rconv) if not (isinstance(rconv, E.ColRef)) else None))
        test_ir.append((cmp.fn, rconv))
    corr = plan_uses_outer(q.plan, 0)
    sp = E.SubPlan("all" if (kind == "all") else "any", q.plan, corr, T.BOOL, left=coerced_left, test=tests)
    sp.test_ir = test_ir
    if negate_all:
        return E.Not(sp, T.BOOL)
    return sp


def _array_ctor(an, node: exp.Array, scope, target=None):
    """ARRAY[...] (or ARRAY(subquery)).  ``target``: the array type of a cast right around
    it (ARRAY[...]::int[]), which PostgreSQL pushes into the elements and sub-arrays, so
    ARRAY[]::int[] and ARRAY[ARRAY[]]::int[] have a type."""
    exprs = node.expressions
    if target is not None and target.is_array and target.elem is not None and not (
            len(exprs) == 1 and isinstance(exprs[0], (exp.Select, exp.Union, exp.Subquery))):
        # transformArrayExpr: with any sub-array (ARRAY[...] or an array-typed element) the
        # constructor is multidimensional and every element is coerced to the array type
        done = [_array_ctor(an, x, scope, target) if isinstance(x, exp.Array) else analyze_expr(an, x, scope)
                for x in exprs]
        multi = any(isinstance(x, exp.Array) for x in exprs) or any(e.type.is_array for e in done)
        items = [R.coerce(e, target if multi else target.elem, -1, "explicit", _pos(x)) for e, x in zip(done, exprs)]
        if all(isinstance(i, E.Const) and i.value == [] for i in items):
            return E.Const([], target)  # no elements at any depth: the empty array
        if FOLD[0] and all(isinstance(i, E.Const) for i in items):
            return E.Const([i.value for i in items], target)
        return E.ArrayExpr(items, target)
    if len(exprs) == 1 and isinstance(exprs[0], (exp.Select, exp.Union, exp.Subquery)):
        sub = exprs[0].this if isinstance(exprs[0], exp.Subquery) else exprs[0]
        q = an.query(sub, scope)
        if len(q.columns) != 1:
            raise PgError("subquery must return only one column", errcodes.SYNTAX_ERROR)
        et = q.columns[0].type
        at = et.array if not et.is_array else et
        return E.SubPlan("array", q.plan, plan_uses_outer(q.plan, 0), at)
    items = [analyze_expr(an, x, scope) for x in exprs]
    if not items:
        raise PgError("cannot determine type of empty array", errcodes.INDETERMINATE_DATATYPE,
                      hint="Explicitly cast to the desired type, for example ARRAY[]::integer[].")
    t = T.common_type([i.type for i in items], "ARRAY")
    if t is T.UNKNOWN:
        t = T.TEXT
    if t.is_array:
        at = t
    else:
        at = t.array
        if at is None:
            raise PgError(f"could not find array type for data type {R.type_name(t)}", errcodes.UNDEFINED_OBJECT)
    items = [R.coerce(i, t) for i in items]
    if FOLD[0] and all(isinstance(i, E.Const) for i in items):
        return E.Const([i.value for i in items], at)
    return E.ArrayExpr(items, at)


def _bracket(an, node: exp.Bracket, scope):
    # a[1:2][1:2] is one subscript list of a (sqlglot nests the brackets): analyze the
    # innermost base once, then either take all subscripts together (arrays) or apply the
    # levels one by one (jsonb, name, vectors)
    levels = [node.expressions]
    inner = node.this
    while isinstance(inner, exp.Bracket):
        levels.append(inner.expressions)
        inner = inner.this
    levels.reverse()
    base = analyze_expr(an, inner, scope)
    if base.type.is_array and base.type.oid not in (22, 30):
        return _subscript(an, base, [ix for lv in levels for ix in lv], node, scope)
    for lv in levels:
        base = _subscript(an, base, lv, node, scope)
    return base


def _subscript(an, base, idxs, node, scope):
    if base.type is T.JSONB or base.type is T.JSON:
        # jsonb subscripting (PostgreSQL 14+)
        cur = base
        for ix in idxs:
            ie = analyze_expr(an, ix, scope)
            if isinstance(ix, exp.Literal) and not ix.is_string:
                ie = E.Const(int(ix.this) + 1, T.INT4)
            cur = make_op(an, "->", [cur, ie])
        return cur
    if base.type is T.NAME and len(idxs) == 1 and not isinstance(idxs[0], exp.Slice):
        # name is a fixed char array (raw_array_subscript_handler): name[i] is its i-th byte, from 0
        ie = _index_expr(an, idxs[0], scope)
        return E.Func(_name_byte, [base, ie], T.CHAR, name="subscript")
    zero_based = base.type.oid in (22, 30)  # int2vector / oidvector: lists with lower bound 0
    if zero_based:
        base = R.coerce(base, T.INT2_ARRAY if base.type.oid == 22 else T.OID_ARRAY)
    if not base.type.is_array:
        if base.type is T.UNKNOWN:
            raise PgError("cannot subscript type unknown because it is not an array", errcodes.DATATYPE_MISMATCH)
        raise PgError(f"cannot subscript type {R.type_name(base.type)} because it does not support subscripting",
                      errcodes.DATATYPE_MISMATCH, position=_pos(node))
    et = base.type.elem
    args = [base]
    slices = []
    for ix in idxs:
        if isinstance(ix, exp.Slice):
            lo = ix.this
            hi = ix.expression
            lo_e = _index_expr(an, lo, scope) if lo is not None else E.Const(None, T.INT4)
            hi_e = _index_expr(an, hi, scope) if hi is not None else E.Const(None, T.INT4)
            slices.append(True)
            args.extend([lo_e, hi_e])
        else:
            slices.append(False)
            ie = _index_expr(an, ix, scope)
            args.extend([make_op(an, "+", [ie, E.Const(1, T.INT4)]) if zero_based else ie])
    is_slice = any(slices)
    fn = _mk_subscript(slices, et is T.JSON or et is T.JSONB)
    return E.Func(fn, args, base.type if is_slice else et, name="subscript")


def _name_byte(s, i):
    if s is None or i is None:
        return None
    b = s.encode()
    return chr(b[i]) if 0 <= i < len(b) else ""


def _index_expr(an, ix, scope):
    if isinstance(ix, exp.Literal) and not ix.is_string:
        # sqlglot's postgres dialect shifts integer literals to 0-based; undo
        return E.Const(int(ix.this) + 1, T.INT4)
    if isinstance(ix, exp.Neg) and isinstance(ix.this, exp.Literal) and not ix.this.is_string and \
            ix.this.this.isdigit():
        # ... and x[0] arrives as Neg(1)
        return E.Const(-int(ix.this.this) + 1, T.INT4)
    e = analyze_expr(an, ix, scope)
    return R.coerce(e, T.INT4)


def _ndim(arr, flat) -> int:
    n = 0
    cur = arr
    while type(cur) is list:
        if not cur:
            return n
        n += 1
        if flat:
            return n
        cur = cur[0]
    return n


def _mk_subscript(slices, flat_elems=False):
    """PostgreSQL's array subscripting on nested lists: element fetch needs exactly ndim
    subscripts (else NULL); if any subscript is a slice all are, a plain i meaning 1:i, fewer
    subscripts than dimensions take the rest whole and more give an empty array."""
    nsub = len(slices)

    if not any(slices):
        def f(arr, *ix):
            if arr is None:
                return None
            if _ndim(arr, flat_elems) != nsub:
                return None
            cur = arr
            for i in ix:
                if i is None or i < 1 or i > len(cur):
                    return None
                cur = cur[i - 1]
            return cur
        return f

    def g(arr, *ix):
        if arr is None:
            return None
        ndim = _ndim(arr, flat_elems)
        if ndim < nsub or ndim == 0:
            return []
        bounds = []
        pos = 0
        for is_sl in slices:
            if is_sl:
                lo, hi = ix[pos], ix[pos + 1]
                pos += 2
            else:
                lo, hi = 1, ix[pos]
                pos += 1
                if hi is None:
                    return None
            bounds.append((lo, hi))

        def cut(cur, k):
            if k == nsub:
                return cur
            lo, hi = bounds[k]
            lo = 1 if lo is None else max(lo, 1)
            hi = len(cur) if hi is None else min(hi, len(cur))
            if hi < lo:
                return None
            out = []
            for x in cur[lo - 1:hi]:
                y = cut(x, k + 1)
                if y is None:
                    return None
                out.append(y)
            return out

        r = cut(arr, 0)
        return [] if r is None else r

    return g


def _case(an, node: exp.Case, scope):
    operand = node.this
    op_e = analyze_expr(an, operand, scope) if operand is not None else None
    whens = []
    results = []
    for ifn in node.args.get("ifs") or []:
        cond_node = ifn.this
        if op_e is not None:
            cond = make_op(an, "=", [op_e, analyze_expr(an, cond_node, scope)], _pos(cond_node))
        else:
            cond = _to_bool(an, analyze_expr(an, cond_node, scope), "CASE/WHEN", cond_node)
        whens.append(cond)
        results.append(analyze_expr(an, ifn.args["true"], scope))
    default = node.args.get("default")
    else_ = analyze_expr(an, default, scope) if default is not None else None
    # PostgreSQL resolves the ELSE result first (transformCaseExpr), which decides error texts
    types = ([else_.type] if else_ is not None else []) + [r.type for r in results]
    t = T.common_type(types, "CASE")
    if t is T.UNKNOWN:
        t = T.TEXT
    results = [R.coerce(r, t) for r in results]
    if else_ is not None:
        else_ = R.coerce(else_, t)
    tms = {r.typmod for r in results + ([else_] if else_ is not None else [])}
    return E.Case(list(zip(whens, results)), else_, t, tms.pop() if len(tms) == 1 else -1)


def _if(an, node: exp.If, scope):
    cond = _to_bool(an, analyze_expr(an, node.this, scope), "CASE/WHEN", node)
    a = analyze_expr(an, node.args["true"], scope)
    f = node.args.get("false")
    b = analyze_expr(an, f, scope) if f is not None else None
    t = T.common_type([a.type] + ([b.type] if b else []), "CASE")
    if t is T.UNKNOWN:
        t = T.TEXT
    return E.Case([(cond, R.coerce(a, t))], R.coerce(b, t) if b else None, t)


def _coalesce_args(an, name, args, node):
    t = T.common_type([a.type for a in args], name.upper())
    if t is T.UNKNOWN:
        t = T.TEXT
    return [R.coerce(a, t) for a in args], t


def _coalesce(an, node, scope):
    args = [analyze_expr(an, node.this, scope)] + [analyze_expr(an, x, scope) for x in node.expressions]
    args, t = _coalesce_args(an, "coalesce", args, node)
    return E.Coalesce(args, t)


def _cast(an, node: exp.Cast, scope):
    from .types_sql import datatype_to_type

    target, typmod = datatype_to_type(node.args["to"])
    if isinstance(node.this, exp.Array) and target.is_array:
        # ARRAY[...]::int[]: the cast types the elements (and gives ARRAY[] its type)
        inner = _array_ctor(an, node.this, scope, target)
        return R.coerce(inner, target, typmod, "explicit", _pos(node))
    inner = analyze_expr(an, node.this, scope)
    if isinstance(inner, E.RowExpr) and target.category == "S":
        # ROW(...)::text, t::text: the fields print with their own types (a jsonb field holding a
        # list is not an array)
        text = E.Func(record_text_fn([i.type for i in inner.items]), [inner], T.TEXT, name="record_out")
        return R.coerce(text, target, typmod, "explicit", _pos(node))
    if isinstance(inner, E.Const) and inner.type is T.UNKNOWN and isinstance(node.this, exp.Literal):
        # a bad constant is reported at the constant ('x'::int) or its type name (int 'x')
        return R.coerce(inner, target, typmod, "explicit", _pos(node.this) or _pos(node))
    return R.coerce(inner, target, typmod, "explicit", _pos(node))


def _interval(an, node: exp.Interval, scope):
    this = node.this
    unit = node.args.get("unit")
    if isinstance(this, exp.Literal):
        # INTERVAL '1:30' HOUR TO MINUTE: the fields are the typmod the input is read with
        typmod = -1
        if unit is not None:
            fields = unit.sql(dialect="postgres") if not isinstance(unit, exp.Var) else unit.name
            typmod = T.parse_type_name("interval " + fields)[1]
        return R.coerce(E.Const(str(this.this), T.UNKNOWN), T.INTERVAL, typmod, "explicit", _pos(node))
    e = analyze_expr(an, this, scope)
    if unit is not None:
        e = make_op(an, "*", [R.coerce(E.Const("1 " + str(unit.name), T.UNKNOWN), T.INTERVAL), e])
        return e
    return R.coerce(e, T.INTERVAL, -1, "explicit")


def _collate(an, node, scope):
    inner = analyze_expr(an, node.this, scope)
    coll = node.expression
    name = ident(coll) if not isinstance(coll, exp.Column) else ident(coll.this)
    if name not in ("c", "C", "default", "posix", "POSIX", "ucs_basic", "C.UTF-8", "c.utf-8", "en_US.UTF-8",
                    "en_us.utf8", "und-x-icu"):
        raise PgError(f'collation "{name}" for encoding "UTF8" does not exist', errcodes.UNDEFINED_OBJECT,
                      position=_pos(node))
    if inner.type is T.UNKNOWN:
        inner = R.coerce(inner, T.TEXT)
    return inner


def _tuple(an, node: exp.Tuple, scope):
    items = [analyze_expr(an, x, scope) for x in node.expressions]
    return E.RowExpr(items, T.RECORD)


def _extract(an, node: exp.Extract, scope):
    field = node.this
    fname = field.name.lower() if hasattr(field, "name") else str(field).lower()
    src = analyze_expr(an, node.expression, scope)
    return call_function(an, "extract", [E.Const(fname, T.TEXT), src], None, node)


def _substring(an, node: exp.Substring, scope):
    args = [analyze_expr(an, node.this, scope)]
    start = node.args.get("start")
    length = node.args.get("length")
    if start is None:
        start_e = E.Const(1, T.INT4)
    else:
        start_e = analyze_expr(an, start, scope)
    args.append(start_e)
    if length is not None:
        args.append(analyze_expr(an, length, scope))
    return call_function(an, "substring", args, None, node)


def _position(an, node: exp.StrPosition, scope):
    sub = analyze_expr(an, node.args["substr"], scope)
    s = analyze_expr(an, node.this, scope)
    return call_function(an, "position", [s, sub], None, node)


def _trim(an, node: exp.Trim, scope):
    pos = str(node.args.get("position") or "BOTH").upper()
    fname = {"BOTH": "btrim", "LEADING": "ltrim", "TRAILING": "rtrim"}.get(pos, "btrim")
    args = [analyze_expr(an, node.this, scope)]
    chars = node.expression
    if chars is not None:
        args.append(analyze_expr(an, chars, scope))
    return call_function(an, fname, args, None, node)


def _overlay(an, node: exp.Overlay, scope):
    args = [analyze_expr(an, node.this, scope), analyze_expr(an, node.expression, scope),
            analyze_expr(an, node.args["from_"], scope)]
    if node.args.get("for_") is not None:
        args.append(analyze_expr(an, node.args["for_"], scope))
    return call_function(an, "overlay", args, None, node)


def _at_time_zone(an, node, scope):
    x = analyze_expr(an, node.this, scope)
    zone = analyze_expr(an, node.args["zone"], scope)
    return call_function(an, "timezone", [zone, x], None, node)


def _current(fname, sqlname=None):
    def h(an, node, scope):
        prec = node.this if hasattr(node, "this") else None
        return _sql_value_function(call_function(an, fname, [], None, node), sqlname)

    return h


def _window_spec_node(an, node, scope):
    raise PgError("window specification outside of a window function", errcodes.SYNTAX_ERROR)


def _anonymous(an, node: exp.Anonymous, scope, schema=None, window=None, agg_filter=None, within=None):
    from .funcs import analyze_call

    return analyze_call(an, node, scope, schema=schema, window=window, agg_filter=agg_filter, within=within)


def call_function(an, name, args, scope, node):
    from .funcs import resolve_call

    return resolve_call(an, name, args, node)


def _window(an, node: exp.Window, scope):
    from .funcs import analyze_window

    return analyze_window(an, node, scope)


def _filter(an, node: exp.Filter, scope):
    from .funcs import analyze_call

    fn = node.this
    where = node.expression
    cond = where.this if isinstance(where, exp.Where) else where
    if isinstance(fn, exp.Anonymous):
        return analyze_call(an, fn, scope, agg_filter=cond)
    raise PgError("FILTER specified, but it is not an aggregate function", errcodes.WRONG_OBJECT_TYPE,
                  position=_pos(node))


def _within_group(an, node: exp.WithinGroup, scope):
    from .funcs import analyze_call

    fn = node.this
    return analyze_call(an, fn, scope, within=node.expression)


def _greatest_least(kind):
    def h(an, node, scope):
        args = [analyze_expr(an, node.this, scope)] + [analyze_expr(an, x, scope) for x in node.expressions]
        args, t = _coalesce_args(an, kind, args, node)
        return E.MinMax(kind, args, t)

    return h


def _nullif(an, node, scope):
    a = analyze_expr(an, node.this, scope)
    b = analyze_expr(an, node.expression, scope)
    return nullif_expr(an, a, b, node)


def nullif_expr(an, a, b, node):
    eq = make_op(an, "=", [a, b], _pos(node))
    # the result has the type of the '=' operator's left input (nullif(NULL, 1) is an
    # integer, nullif(1, 2.0) a numeric)
    t = a.type
    try:
        _cand, ptypes = R.select_overload(F.lookup_operators("="), [a.type, b.type], "operator", "=")
        if ptypes[0].category != "P":
            t = ptypes[0]
    except PgError:
        pass
    if t is T.UNKNOWN:
        t = T.TEXT
    a2 = R.coerce(a, t)
    return E.Case([(eq, E.Const(None, t))], a2, t, a2.typmod)


def _distinct_node(an, node, scope):
    raise PgError("DISTINCT is only allowed in aggregate calls", errcodes.SYNTAX_ERROR, position=_pos(node))


def _star(an, node, scope):
    raise PgError('syntax error at or near "*"', errcodes.SYNTAX_ERROR, position=_pos(node))


def _var(an, node: exp.Var, scope):
    return resolve_column(an, node.this.lower(), None, scope, node)


def _identifier(an, node, scope):
    return resolve_column(an, ident(node), None, scope, node)


def _escape(an, node, scope):
    inner = node.this
    if isinstance(inner, (exp.Like, exp.ILike)):
        # x [NOT] [I]LIKE pat ESCAPE e  ->  x ~~ like_escape(pat, e)
        sym = _BINOPS[type(inner)]
        if inner.args.get("negate"):
            sym = _NEGATED[sym]
        left = analyze_expr(an, inner.this, scope)
        right = analyze_expr(an, inner.expression, scope)
        esc = analyze_expr(an, node.expression, scope)
        pat = call_function(an, "like_escape", [R.coerce(right, T.TEXT) if right.type is T.UNKNOWN else right,
                                                 R.coerce(esc, T.TEXT) if esc.type is T.UNKNOWN else esc], None, node)
        return make_op(an, sym, [left, pat], _pos(node))
    raise PgError("ESCAPE is only allowed after LIKE", errcodes.SYNTAX_ERROR)


def _unary_op(sym):
    def h(an, node, scope):
        return make_op(an, sym, [analyze_expr(an, node.this, scope)], _pos(node))

    return h


def _binary_op(sym):
    def h(an, node, scope):
        return make_op(an, sym, [analyze_expr(an, node.this, scope), analyze_expr(an, node.expression, scope)],
                       _pos(node))

    return h


def _current_user(an, node, scope):
    return _sql_value_function(call_function(an, "current_user", [], scope, node), "CURRENT_USER")


def _current_schema(an, node, scope):
    return call_function(an, "current_schema", [], scope, node)


def _select_as_expr(an, node, scope):
    return _scalar_subquery(an, exp.Subquery(this=node), scope)


_HANDLERS = {
    exp.Literal: _literal,
    exp.Null: _null,
    exp.Boolean: _boolean,
    exp.Column: _column,
    exp.Dot: _dot,
    exp.Parameter: _parameter,
    exp.Placeholder: _placeholder,
    exp.Paren: _paren,
    exp.And: _and,
    exp.Or: _or,
    exp.Not: _not,
    exp.Is: _is,
    exp.NullSafeEQ: _nullsafe_eq,
    exp.NullSafeNEQ: _nullsafe_neq,
    exp.Between: _between,
    exp.In: _in,
    exp.Exists: _exists,
    exp.Subquery: _scalar_subquery,
    exp.Case: _case,
    exp.If: _if,
    exp.Coalesce: _coalesce,
    exp.Cast: _cast,
    exp.TryCast: _cast,
    exp.Interval: _interval,
    exp.Anonymous: _anonymous,
    exp.Window: _window,
    exp.Filter: _filter,
    exp.WithinGroup: _within_group,
    exp.Array: _array_ctor,
    exp.Bracket: _bracket,
    exp.Neg: _neg,
    exp.BitwiseNot: _bitnot,
    exp.Sqrt: _sqrt,
    exp.Collate: _collate,
    exp.Tuple: _tuple,
    exp.Extract: _extract,
    exp.Substring: _substring,
    exp.StrPosition: _position,
    exp.Trim: _trim,
    exp.Overlay: _overlay,
    exp.AtTimeZone: _at_time_zone,
    exp.CurrentDate: _current("current_date", "CURRENT_DATE"),
    exp.CurrentTimestamp: _current("now", "CURRENT_TIMESTAMP"),
    exp.CurrentTime: _current("current_time", "CURRENT_TIME"),
    exp.CurrentUser: _current_user,
    exp.JSONExtract: _json_extract("->"),
    exp.JSONExtractScalar: _json_extract("->>"),
    exp.Operator: _operator,
    exp.SimilarTo: _similar,
    exp.ByteString: _bytestring,
    exp.RawString: _bytestring,  # $$dollar-quoted$$: a string literal of unknown type
    exp.Concat: _concat,  # 'a'<newline>'b
    exp.UnicodeString: _unicode_string,
    exp.Greatest: _greatest_least("greatest"),
    exp.Least: _greatest_least("least"),
    exp.Nullif: _nullif,
    exp.Distinct: _distinct_node,
    exp.Star: _star,
    exp.Var: _var,
    exp.Identifier: _identifier,
    exp.Escape: _escape,
    exp.Select: _select_as_expr,
}
def _overlaps(an, node, scope):
    args = []
    for side in (node.this, node.expression):
        items = side.expressions if isinstance(side, exp.Tuple) else [side]
        if len(items) != 2:
            raise PgError("wrong number of parameters on left side of OVERLAPS expression" if side is node.this else
                          "wrong number of parameters on right side of OVERLAPS expression",
                          errcodes.SYNTAX_ERROR, position=_pos(node))
        args.extend(analyze_expr(an, x, scope) for x in items)
    return call_function(an, "overlaps", args, scope, node)


if getattr(exp, "Overlaps", None) is not None:
    _HANDLERS[exp.Overlaps] = _overlaps
def _lambda_as_arrow(an, node, scope):
    # sqlglot reads "f(x -> 'k')" as a lambda; PostgreSQL has none: it is the jsonb -> operator
    params = node.expressions
    if len(params) != 1 or not isinstance(params[0], exp.Identifier):
        raise PgError(f"unsupported expression: {node.sql(dialect='postgres')[:80]}",
                      errcodes.FEATURE_NOT_SUPPORTED, position=_pos(node))
    left = analyze_expr(an, exp.Column(this=params[0].copy()), scope)
    right = analyze_expr(an, node.this, scope)
    return make_op(an, "->", [left, right], _pos(node))


_HANDLERS[exp.Lambda] = _lambda_as_arrow
if getattr(exp, "JSONBDeleteAtPath", None) is not None:
    _HANDLERS[exp.JSONBDeleteAtPath] = _binary_op("#-")
# operators sqlglot reads as function nodes (the function spellings parse as Anonymous)
_HANDLERS[exp.StartsWith] = _binary_op("^@")
if getattr(exp, "JSONBPathExists", None) is not None:
    _HANDLERS[exp.JSONBPathExists] = _binary_op("@?")


def _match_against(an, node, scope):
    # jsonb @@ jsonpath (sqlglot reads "a @@ b" as MatchAgainst(this=b, expressions=[a]))
    if len(node.expressions) != 1:
        raise PgError("unsupported expression: " + node.sql(dialect="postgres")[:80], errcodes.FEATURE_NOT_SUPPORTED)
    return make_op(an, "@@", [analyze_expr(an, node.expressions[0], scope), analyze_expr(an, node.this, scope)],
                   _pos(node))


if getattr(exp, "MatchAgainst", None) is not None:
    _HANDLERS[exp.MatchAgainst] = _match_against
if getattr(exp, "Cbrt", None) is not None:
    _HANDLERS[exp.Cbrt] = _unary_op("||/")
for _name in ("Localtimestamp", "Localtime", "CurrentSchema", "SessionUser"):
    _cls = getattr(exp, _name, None)
    if _cls is not None:
        _HANDLERS[_cls] = _current({"Localtimestamp": "localtimestamp", "Localtime": "localtime",
                                    "CurrentSchema": "current_schema", "SessionUser": "session_user"}[_name],
                                   _name.upper().replace("CURRENTSCHEMA", "CURRENT_SCHEMA")
                                   .replace("SESSIONUSER", "SESSION_USER"))

_BASE_HANDLERS: list = []


# ----------------------------------------------------------------- subscript assignment


def subscript_assignment(an, left: exp.Bracket, right, col, base: E.Expr, scope) -> E.Expr:
    """``UPDATE t SET a[i] = x`` / ``a[i:j] = arr`` / ``j['k'] = v``: the column's new value
    from ``base`` (its current value, or an earlier assignment to the same column).
    Element assignment extends a one-dimensional array with NULLs; a NULL array is empty."""
    levels = [left.expressions]
    inner = left.this
    while isinstance(inner, exp.Bracket):
        levels.append(inner.expressions)
        inner = inner.this
    levels.reverse()
    idxs = [ix for lv in levels for ix in lv]
    t = col.type
    if t is T.JSONB:
        keys = []
        for ix in idxs:
            if isinstance(ix, exp.Slice):
                raise PgError("jsonb subscript does not support slices", errcodes.DATATYPE_MISMATCH)
            ie = analyze_expr(an, ix, scope)
            if isinstance(ix, exp.Literal) and not ix.is_string:
                ie = E.Const(int(ix.this) + 1, T.INT4)
            elif ie.type is T.UNKNOWN:
                ie = R.coerce(ie, T.TEXT)
            elif ie.type not in (T.TEXT, T.INT4):
                ie = R.coerce(ie, T.INT4) if ie.type.category == "N" else R.coerce(ie, T.TEXT)
            keys.append(ie)
        val = R.coerce(analyze_expr(an, right, scope), T.JSONB, -1, "assignment", _pos(right))
        return E.Func(_jsonb_assign, [base, val, *keys], T.JSONB, name="subscript assignment")
    if not t.is_array or t.oid in (22, 30):
        raise PgError(f'cannot subscript type {R.type_name(t)} because it does not support subscripting',
                      errcodes.DATATYPE_MISMATCH, position=_pos(left))
    et = t.elem
    slices = [isinstance(ix, exp.Slice) for ix in idxs]
    args = [base]
    for ix in idxs:
        if isinstance(ix, exp.Slice):
            args.append(_index_expr(an, ix.this, scope) if ix.this is not None else E.Const(None, T.INT4))
            args.append(_index_expr(an, ix.expression, scope) if ix.expression is not None
                        else E.Const(None, T.INT4))
        else:
            args.append(_index_expr(an, ix, scope))
    rv = analyze_expr(an, right, scope)
    if any(slices):
        val = R.coerce(rv, t, col.typmod, "assignment", _pos(right))
    else:
        val = R.coerce(rv, et, col.typmod, "assignment", _pos(right))
    args.append(val)
    return E.Func(_mk_subscript_assign(slices), args, t, col.typmod, name="subscript assignment")


def _jsonb_assign(j, val, *keys):
    for k in keys:
        if k is None:
            raise PgError("jsonb subscript in assignment must not be null", errcodes.NULL_VALUE_NOT_ALLOWED)
    if j is T.JSON_NULL:
        j = None
    if val is None or val is T.JSON_NULL:
        val = None  # a JSON null inside the document
    r = _jsonb_put(j, list(keys), val)
    return T.JSON_NULL if r is None else r


def _jsonb_put(cur, keys, val):
    """Set cur[keys...] = val, creating missing levels (objects for text keys, arrays for
    integers) and padding arrays with nulls, as jsonb subscript assignment does."""
    if not keys:
        return val
    k = keys[0]
    if cur is None:
        cur = [] if isinstance(k, int) else {}
    if isinstance(cur, dict):
        key = str(k)
        out = dict(cur)
        out[key] = _jsonb_put(cur.get(key), keys[1:], val)
        return out
    if isinstance(cur, list):
        if not isinstance(k, int):
            try:
                k = int(k)
            except ValueError:
                raise PgError(f'path element at position 1 is not an integer: "{k}"',
                              errcodes.INVALID_TEXT_REPRESENTATION) from None
        out = list(cur)
        if k < 0:
            k += len(out)
            if k < 0:
                raise PgError("path element at position 1 is out of range: %d" % (k - len(out)),
                              errcodes.INVALID_PARAMETER_VALUE)
        if k >= len(out):
            out.extend([None] * (k + 1 - len(out)))
        out[k] = _jsonb_put(out[k], keys[1:], val)
        return out
    raise PgError("cannot replace existing key", errcodes.INVALID_PARAMETER_VALUE,
                  detail="The path assumes key is a composite object, but it is a scalar value.")


def _mk_subscript_assign(slices):
    nsub = len(slices)

    def assign(arr, *args):
        ix, val = args[:-1], args[-1]
        if arr is None:
            arr = []
        pos = 0
        bounds = []
        for is_sl in slices:
            if is_sl:
                lo, hi = ix[pos], ix[pos + 1]
                pos += 2
            else:
                lo = hi = ix[pos]
                pos += 1
                if lo is None:
                    raise PgError("array subscript in assignment must not be null", errcodes.NULL_VALUE_NOT_ALLOWED)
            bounds.append((lo, hi))
        ndim = _ndim(arr, False) if arr else nsub
        if arr and ndim != nsub:
            raise PgError("wrong number of array subscripts", errcodes.ARRAY_SUBSCRIPT_ERROR)
        if not any(slices):
            if nsub == 1:
                i = bounds[0][0]
                if i < 1 and arr or i != 1 and not arr:
                    raise PgError("array lower bounds other than 1 are not supported",
                                  errcodes.FEATURE_NOT_SUPPORTED)
                out = list(arr)
                if i > len(out):
                    out.extend([None] * (i - len(out)))
                out[i - 1] = val
                return out
            if not arr:
                raise PgError("array lower bounds other than 1 are not supported", errcodes.FEATURE_NOT_SUPPORTED)
            out = _deep_copy(arr)
            cur = out
            for k, (i, _h) in enumerate(bounds):
                if i < 1 or i > len(cur):
                    raise PgError("array subscript out of range", errcodes.ARRAY_SUBSCRIPT_ERROR)
                if k == nsub - 1:
                    cur[i - 1] = val
                else:
                    cur = cur[i - 1]
            return out
        if nsub != 1:
            raise PgError("slice assignment to a multidimensional array is not supported",
                          errcodes.FEATURE_NOT_SUPPORTED)
        lo, hi = bounds[0]
        src = list(val) if val is not None else None
        if src is None:
            return arr  # assigning NULL to a slice leaves the array unchanged
        lo = 1 if lo is None else lo
        hi = (len(arr) if arr else lo + len(src) - 1) if hi is None else hi
        if lo < 1 or (not arr and lo != 1):
            raise PgError("array lower bounds other than 1 are not supported", errcodes.FEATURE_NOT_SUPPORTED)
        if hi < lo:
            raise PgError("upper bound cannot be less than lower bound", errcodes.ARRAY_SUBSCRIPT_ERROR)
        n = hi - lo + 1
        if len(src) < n:
            raise PgError("source array too small", errcodes.ARRAY_SUBSCRIPT_ERROR)
        out = list(arr)
        if hi > len(out):
            if lo > len(out) + 1:
                out.extend([None] * (lo - 1 - len(out)))
            out.extend([None] * (hi - len(out)))
        out[lo - 1:hi] = src[:n]
        return out

    return assign


def _deep_copy(a):
    return [_deep_copy(x) if isinstance(x, list) else x for x in a]
