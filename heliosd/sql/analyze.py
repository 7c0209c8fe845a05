"""Semantic analysis: sqlglot trees -> typed expressions and logical plans.

Responsibilities (PostgreSQL's parser/analyze.c and friends):

- name resolution of tables (search_path, schemas, CTEs, pg_catalog
  relations) and columns (range-table scopes, qualified names, USING/NATURAL
  merged columns, correlated references to enclosing queries);
- typing every expression with PostgreSQL's types, resolving operator and
  function overloads and inserting coercions (:mod:`heliosd.sql.resolve`);
- building the logical plan of a query: FROM/joins -> WHERE -> GROUP BY /
  aggregates -> HAVING -> window functions -> SELECT list -> DISTINCT ->
  ORDER BY -> LIMIT/OFFSET, plus set operations and CTEs;
- the result description (names, type OIDs, typmods, source table/column)
  that the wire protocol sends in RowDescription.

Scopes
======

A :class:`Scope` is the FROM clause of one query level: a list of range
items (:class:`RangeItem`), each owning a slice ``[offset, offset+n)`` of
the rows flowing out of the FROM plan.  A column reference resolves to
``ColRef(offset+i)`` in its own level or ``OuterRef(depth, offset+i)`` in
an enclosing level (a correlated subquery).  Ambiguity is 42702, unknown
columns 42703, unknown tables 42P01, as PostgreSQL reports them.
"""

from __future__ import annotations

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec import expr as E
from ..exec import functions as F
from ..plan import nodes as N
from . import resolve as R

# ----------------------------------------------------------------- results


class ResultColumn:
    __slots__ = ("name", "type", "typmod", "table_oid", "attnum", "field_types")

    def __init__(self, name, type, typmod=-1, table_oid=0, attnum=0):
        self.name = name
        self.type = type
        self.typmod = typmod
        self.table_oid = table_oid
        self.attnum = attnum
        self.field_types = None  # a record column's field types, when known (ROW(...), t.*)


class Query:
    """An analyzed query: plan + output columns."""

    def __init__(self, plan: N.Node, columns: list[ResultColumn]):
        self.plan = plan
        self.columns = columns


# ----------------------------------------------------------------- scopes


class RangeItem:
    __slots__ = ("alias", "names", "types", "typmods", "offset", "table_oid", "attnums", "hidden", "rel",
                 "scan", "merged", "nullable", "scalar_fn")

    def __init__(self, alias, names, types, typmods=None, offset=0, table_oid=0, attnums=None, rel=None,
                 scan=None):
        self.alias = alias
        self.names = names
        self.types = types
        self.typmods = typmods or [-1] * len(names)
        self.offset = offset
        self.table_oid = table_oid
        self.attnums = attnums or [0] * len(names)
        self.hidden = False
        self.rel = rel
        self.scan = scan
        self.merged = {}  # name -> Expr for USING/NATURAL merged columns (join aliases)
        self.nullable = False
        self.scalar_fn = False  # a FROM function returning a base type: its whole-row reference is the value


class Scope:
    def __init__(self, parent: "Scope | None" = None):
        self.parent = parent
        self.items: list[RangeItem] = []
        self.width = 0
        self.using: list[tuple[str, E.Expr, set]] = []  # merged USING columns: (name, expr, items hidden)
        self.lateral_ok = True

    def add(self, item: RangeItem) -> RangeItem:
        if item.alias is not None and any(it.alias == item.alias for it in self.items):
            raise PgError(f'table name "{item.alias}" specified more than once', errcodes.DUPLICATE_ALIAS)
        item.offset = self.width
        self.items.append(item)
        self.width += len(item.names)
        return item

    def find_item(self, name: str) -> RangeItem | None:
        found = [it for it in self.items if it.alias == name]
        return found[0] if found else None


# ----------------------------------------------------------------- helpers


def ident(node) -> str:
    if isinstance(node, exp.Identifier):
        return node.this if node.quoted else node.this.lower()
    if isinstance(node, str):
        return node.lower()
    if node is None:
        return None
    if isinstance(node, exp.Column):
        return ident(node.this)
    if isinstance(node, exp.Literal):
        return node.this
    if isinstance(node, exp.Var):
        return node.this.lower()
    return node.name.lower() if hasattr(node, "name") else str(node)


def _pos(node) -> int | None:
    """1-based character position of ``node`` in the statement text, as PostgreSQL reports it
    for column and relation references (the start of the qualified name), or None."""
    meta = getattr(node, "meta", None) or {}
    p = meta.get("position")
    if p is not None:
        return p
    if isinstance(node, exp.Column):
        parts = (node.args.get("catalog"), node.args.get("db"), node.args.get("table"), node.this)
    elif isinstance(node, exp.Table):
        parts = (node.args.get("catalog"), node.args.get("db"), node.this)
    elif isinstance(node, exp.Identifier):
        parts = (node,)
    else:
        return None
    for part in parts:
        if isinstance(part, exp.Identifier):
            start = part.meta.get("start") if part.meta else None
            if start is not None:
                return start + 1
            return None
    return None


BOOL = None  # bound lazily to T.BOOL (types may load after this module)

_BINOPS = {
    exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">=",
    exp.Add: "+", exp.Sub: "-", exp.Mul: "*", exp.Div: "/", exp.Mod: "%", exp.Pow: "^",
    exp.DPipe: "||", exp.BitwiseAnd: "&", exp.BitwiseOr: "|", exp.BitwiseXor: "#",
    exp.BitwiseLeftShift: "<<", exp.BitwiseRightShift: ">>", exp.Like: "~~", exp.ILike: "~~*",
    exp.RegexpLike: "~", exp.RegexpILike: "~*", exp.ArrayContainsAll: "@>", exp.ArrayContainedBy: "<@",
    exp.JSONBContainsTopKey: "?", exp.JSONBContainsAnyTopKeys: "?|", exp.JSONBContainsAllTopKeys: "?&",
    exp.JSONBExtract: "#>", exp.JSONBExtractScalar: "#>>", exp.ArrayOverlaps: "&&",
    exp.Adjacent: "-|-", exp.ExtendsLeft: "&<", exp.ExtendsRight: "&>",
}
_NEGATED = {"~~": "!~~", "~~*": "!~~*", "~": "!~", "~*": "!~*"}


class Env:
    """What the analyzer needs from the session, per statement."""

    def __init__(self, catalog, search_path, table_store, virtual_relation=None, param_types=None,
                 user=None, database=None, branch=None, settings=None):
        self.catalog = catalog
        self.search_path = search_path
        self.table_store = table_store
        self.virtual_relation = virtual_relation or (lambda schema, name: None)
        self.param_types = param_types if param_types is not None else []
        self.user = user
        self.database = database
        self.branch = branch
        self.settings = settings or {}


class Analyzer:
    def __init__(self, env: Env, sql: str = ""):
        self.env = env
        self.sql = sql
        self.ctes: list[dict] = []  # stack of {name: CteDef}
        self.invisible: list = []  # FROM levels a non-LATERAL subquery may not reference (for PG's errors)
        self.pending_forward = None  # a later WITH item referenced too early (error wording)
        self.dml_ctes: list = []  # data-modifying CTEs: always executed, exactly once
        self.named_windows: dict = {}
        self.n_sublinks = 0
        self.as_of_markers = []
        #: relations the statement uses, for privilege checks (heliosd.session.access):
        #: (relation, privilege letters, role to check as: None = the current user,
        #: else the owner of the view being expanded)
        self.access: list = []
        self._check_as: list = []

    def require(self, rel, letters: str) -> None:
        """Note that the statement needs ``letters`` (PostgreSQL's ACL letters:
        r SELECT, a INSERT, w UPDATE, d DELETE) on ``rel``."""
        self.access.append((rel, letters, self._check_as[-1] if self._check_as else None))

    # ============================================================ params
    def param(self, index: int, position=None) -> E.Param:
        pts = self.env.param_types
        while len(pts) <= index:
            pts.append(T.UNKNOWN)
        return _ParamRef(index, pts)

    # ============================================================ queries
    def query(self, node, outer: Scope | None = None) -> Query:
        if isinstance(node, exp.Subquery):
            inner = node.this
            q = self.query(inner, outer)
            return self._apply_outer_clauses(node, q, outer)
        if isinstance(node, exp.Paren):
            return self.query(node.this, outer)
        with_ = node.args.get("with_") if isinstance(node, (exp.Select, exp.Union, exp.Intersect,
                                                             exp.Except, exp.Values)) else None
        if with_ is not None:
            self.ctes.append({})
            try:
                self._with(with_, outer)
                return self._query_body(node, outer)
            finally:
                self.ctes.pop()
        return self._query_body(node, outer)

    def _query_body(self, node, outer):
        if isinstance(node, exp.Select):
            return self.select(node, outer)
        if isinstance(node, (exp.Union, exp.Intersect, exp.Except)):
            return self.setop(node, outer)
        if isinstance(node, exp.Values):
            return self.values_query(node, outer)
        if isinstance(node, exp.Subquery):
            return self.query(node, outer)
        raise PgError(f"unsupported query type {type(node).__name__}", errcodes.FEATURE_NOT_SUPPORTED)

    def _apply_outer_clauses(self, node, q: Query, outer) -> Query:
        """ORDER BY / LIMIT attached to a parenthesized query."""
        order = node.args.get("order")
        limit = node.args.get("limit")
        offset = node.args.get("offset")
        if not (order or limit or offset):
            return q
        plan = q.plan
        if order:
            keys = self._order_on_output(order, q)
            plan = N.Sort(plan, keys)
        plan = self._limit(plan, limit, offset, node)
        return Query(plan, q.columns)

    def _with(self, with_, outer):
        recursive = bool(with_.args.get("recursive"))
        names = [ident(c.args["alias"].this) for c in with_.expressions]
        for i, nm in enumerate(names):
            if nm in names[:i]:
                raise PgError(f'WITH query name "{nm}" specified more than once', errcodes.DUPLICATE_ALIAS)
        for pos, cte in enumerate(with_.expressions):
            name = names[pos]
            colnames = [ident(c) for c in (cte.args["alias"].columns or [])]
            body = cte.this
            if not recursive:
                # a reference to a later WITH item is PostgreSQL's 42P01 with a hint
                for later in names[pos + 1:]:
                    if self._references(body, later) and self.find_cte(later) is None:
                        self.pending_forward = later
            if recursive and self._references(body, name):
                if not (isinstance(body, exp.Union)):
                    raise PgError(f'recursive query "{name}" does not have the form non-recursive-term UNION '
                                  f'[ALL] recursive-term', errcodes.INVALID_RECURSION)
                if self._references(body.this, name):
                    raise PgError(f'recursive reference to query "{name}" must not appear within its '
                                  f'non-recursive term', errcodes.INVALID_RECURSION)
                nrefs = sum(1 for t in body.expression.find_all(exp.Table)
                            if not t.args.get("db") and ident(t.this) == name)
                if nrefs > 1:
                    raise PgError(f'recursive reference to query "{name}" must not appear more than once',
                                  errcodes.INVALID_RECURSION)
                rec_node = body.expression
                if isinstance(rec_node, exp.Select):
                    for n in rec_node.expressions:
                        for x in n.walk():
                            if isinstance(x, exp.Anonymous) and str(x.this).lower() in _AGG_NAMES() and \
                                    not isinstance(x.parent, exp.Window):
                                raise PgError("aggregate functions are not allowed in a recursive query's "
                                              "recursive term", errcodes.INVALID_RECURSION)
                base_q = self._branch(body.this, outer)
                cols = colnames or [c.name for c in base_q.columns]
                if len(cols) != len(base_q.columns):
                    raise PgError(f'WITH query "{name}" has {len(base_q.columns)} columns available but '
                                  f'{len(cols)} columns specified', errcodes.INVALID_COLUMN_REFERENCE)
                for i, c in enumerate(base_q.columns):
                    if c.type is T.UNKNOWN:
                        self._coerce_output(base_q, i, T.TEXT)
                        c.type = T.TEXT
                d = N.CteDef(name, None, [ResultColumn(n, c.type, c.typmod) for n, c in zip(cols, base_q.columns)],
                             recursive=True)
                self.ctes[-1][name] = d
                rec_q = self._branch(body.expression, outer)
                if len(rec_q.columns) != len(base_q.columns):
                    raise PgError("each UNION query must have the same number of columns",
                                  errcodes.SYNTAX_ERROR)
                rec_plan = rec_q.plan
                # coerce the recursive term to the base term's types
                exprs = []
                for i, (bc, rc) in enumerate(zip(base_q.columns, rec_q.columns)):
                    if rc.type is not bc.type:
                        done = self._coerce_output(rec_q, i, bc.type) if rc.type is T.UNKNOWN else None
                        if done is None:
                            try:
                                ref = R.coerce(E.ColRef(i, rc.type, rc.typmod), bc.type, -1, "implicit")
                            except PgError:
                                raise PgError(f'recursive query "{name}" column {i + 1} has type '
                                              f'{T.format_type(bc.type.oid, bc.typmod)} in non-recursive term but '
                                              f'type {T.format_type(rc.type.oid, rc.typmod)} overall',
                                              errcodes.DATATYPE_MISMATCH,
                                              hint="Cast the output of the non-recursive term to the correct "
                                                   "type.") from None
                        else:
                            ref = E.ColRef(i, bc.type, bc.typmod)
                    else:
                        ref = E.ColRef(i, rc.type, rc.typmod)
                    exprs.append(ref)
                if any(not (isinstance(x, E.ColRef) and x.index == j) for j, x in enumerate(exprs)):
                    rec_plan = N.Project(rec_plan, exprs)
                d.plan = N.RecursiveUnion(base_q.plan, rec_plan, not body.args.get("distinct", True), d)
            elif isinstance(body, (exp.Insert, exp.Update, exp.Delete)):
                from .dml import analyze_delete, analyze_insert, analyze_update

                fn = {exp.Insert: analyze_insert, exp.Update: analyze_update, exp.Delete: analyze_delete}[type(body)]
                dm = fn(self, body)
                if dm.columns is None:
                    raise PgError(f'WITH query "{name}" does not have a RETURNING clause',
                                  errcodes.FEATURE_NOT_SUPPORTED)
                cols = colnames or [c.name for c in dm.columns]
                cols = cols + [c.name for c in dm.columns[len(cols):]]
                d = N.CteDef(name, dm.plan, [ResultColumn(n, c.type, c.typmod) for n, c in zip(cols, dm.columns)])
                d.dml = True
                self.ctes[-1][name] = d
                self.dml_ctes.append(d)
            else:
                q = self.query(body, outer)
                cols = colnames or [c.name for c in q.columns]
                if len(cols) > len(q.columns):
                    raise PgError(f'WITH query "{name}" has {len(q.columns)} columns available but '
                                  f'{len(cols)} columns specified', errcodes.INVALID_COLUMN_REFERENCE)
                cols = cols + [c.name for c in q.columns[len(cols):]]
                d = N.CteDef(name, q.plan, [ResultColumn(n, c.type, c.typmod) for n, c in zip(cols, q.columns)])
                self.ctes[-1][name] = d
            self.pending_forward = None

    @staticmethod
    def _references(node, name) -> bool:
        for t in node.find_all(exp.Table):
            if not t.args.get("db") and ident(t.this) == name:
                return True
        return False

    def find_cte(self, name):
        for level in reversed(self.ctes):
            if name in level:
                return level[name]
        return None

    # ------------------------------------------------------------ VALUES
    def values_query(self, node: exp.Values, outer) -> Query:
        scope = Scope(outer)
        rows = []
        for tup in node.expressions:
            items = tup.expressions if isinstance(tup, exp.Tuple) else [tup]
            rows.append([self.expr(i, scope) for i in items])
        n = len(rows[0]) if rows else 0
        for r in rows:
            if len(r) != n:
                raise PgError("VALUES lists must all be the same length", errcodes.SYNTAX_ERROR)
        types = []
        for j in range(n):
            col = [r[j] for r in rows]
            t = T.common_type([c.type for c in col], "VALUES")
            if t is T.UNKNOWN:
                t = T.TEXT
            for r in rows:
                r[j] = R.coerce(r[j], t)
            types.append(t)
        plan = N.Values(rows, types)
        cols = [ResultColumn(f"column{j + 1}", t, _common_typmod([r[j] for r in rows])) for j, t in enumerate(types)]
        q = Query(plan, cols)
        order = node.args.get("order")
        return q if not order else self._apply_outer_clauses(node, q, outer)

    # ------------------------------------------------------------ set operations
    def _branch(self, node, outer) -> Query:
        """A set-operation branch: unknown-typed outputs stay unresolved."""
        if isinstance(node, exp.Select) and node.args.get("with_") is None:
            return self.select(node, outer, resolve_unknown=False)
        return self.query(node, outer)

    @staticmethod
    def _coerce_output(q: Query, i: int, t) -> E.Expr | None:
        """Coerce output column i of a branch in place when its top is a projection."""
        plan = q.plan
        if isinstance(plan, N.Project) and i < len(plan.exprs):
            plan.exprs[i] = R.coerce(plan.exprs[i], t)
            return E.ColRef(i, t, plan.exprs[i].typmod)
        return None

    def setop(self, node, outer) -> Query:
        kind = {exp.Union: "union", exp.Intersect: "intersect", exp.Except: "except"}[type(node)]
        for side in (node.this, node.expression):
            lk = side.args.get("locks") if isinstance(side, exp.Select) else None
            if lk:
                raise PgError(f"{self._lock_strength(lk[0])} is not allowed with UNION/INTERSECT/EXCEPT",
                              errcodes.FEATURE_NOT_SUPPORTED)
        distinct = node.args.get("distinct", True)
        left = self._branch(node.this, outer)
        right = self._branch(node.expression, outer)
        if len(left.columns) != len(right.columns):
            raise PgError(f"each {kind.upper()} query must have the same number of columns", errcodes.SYNTAX_ERROR)
        lexprs, rexprs, cols = [], [], []
        for i, (lc, rc) in enumerate(zip(left.columns, right.columns)):
            t = T.common_type([lc.type, rc.type], kind.upper())
            if t is T.UNKNOWN:
                t = T.TEXT
            if distinct and t in _NO_EQUALITY:
                raise PgError(f"could not identify an equality operator for type {R.type_name(t)}",
                              errcodes.UNDEFINED_FUNCTION)
            le = self._coerce_output(left, i, t) if lc.type is not t else None
            re_ = self._coerce_output(right, i, t) if rc.type is not t else None
            if le is None:
                le = R.coerce(E.ColRef(i, lc.type if lc.type is not T.UNKNOWN else T.TEXT, lc.typmod), t)
            if re_ is None:
                re_ = R.coerce(E.ColRef(i, rc.type if rc.type is not T.UNKNOWN else T.TEXT, rc.typmod), t)
            lexprs.append(le)
            rexprs.append(re_)
            tm = lc.typmod if lc.typmod == rc.typmod else -1
            cols.append(ResultColumn(lc.name, t, tm))
        lp, rp = left.plan, right.plan
        if any(not (isinstance(x, E.ColRef) and x.index == j) for j, x in enumerate(lexprs)):
            lp = N.Project(lp, lexprs)
        if any(not (isinstance(x, E.ColRef) and x.index == j) for j, x in enumerate(rexprs)):
            rp = N.Project(rp, rexprs)
        plan = N.SetOp(kind, not distinct, lp, rp)
        q = Query(plan, cols)
        order = node.args.get("order")
        limit = node.args.get("limit")
        offset = node.args.get("offset")
        if order:
            q = Query(N.Sort(q.plan, self._order_on_output(order, q)), cols)
        if limit or offset:
            q = Query(self._limit(q.plan, limit, offset, node), cols)
        return q

    def _order_on_output(self, order, q: Query):
        """ORDER BY over a query's output columns (set ops, parenthesized queries)."""
        keys = []
        for o in order.expressions:
            e = o.this
            idx = None
            if isinstance(e, exp.Literal) and not e.is_string:
                n = int(e.this)
                if n < 1 or n > len(q.columns):
                    raise PgError(f"ORDER BY position {n} is not in select list", errcodes.INVALID_COLUMN_REFERENCE)
                idx = n - 1
            elif isinstance(e, exp.Column) and not e.table:
                name = ident(e.this)
                for i, c in enumerate(q.columns):
                    if c.name == name:
                        idx = i
                        break
            if idx is None:
                if isinstance(e, exp.Column) and isinstance(e.this, exp.Identifier):
                    if e.table:
                        raise PgError(f'missing FROM-clause entry for table "{ident(e.args["table"])}"',
                                      errcodes.UNDEFINED_TABLE)
                    raise PgError(f'column "{ident(e.this)}" does not exist', errcodes.UNDEFINED_COLUMN)
                raise PgError("invalid UNION/INTERSECT/EXCEPT ORDER BY clause", errcodes.FEATURE_NOT_SUPPORTED,
                              detail="Only result column names can be used, not expressions or functions.",
                              hint="Add the expression/function to every SELECT, or move the UNION into a FROM "
                                   "clause.")
            c = q.columns[idx]
            desc = bool(o.args.get("desc"))
            keys.append((E.ColRef(idx, c.type, c.typmod), desc, _nulls_first(o, desc)))
        return keys

    def _limit(self, plan, limit, offset, node):
        lim = off = None
        with_ties = False
        if limit is not None:
            le = limit.expression if isinstance(limit, exp.Limit) else limit
            if isinstance(limit, exp.Fetch):
                le = limit.args.get("count")
                lo = limit.args.get("limit_options")
                with_ties = bool(limit.args.get("with_ties")) or bool(lo is not None and lo.args.get("with_ties"))
                if le is None:
                    le = exp.Literal.number(1)
                if with_ties and node.args.get("order") is None:
                    raise PgError("WITH TIES cannot be specified without ORDER BY clause", errcodes.SYNTAX_ERROR)
            if isinstance(le, exp.Var) and le.name.upper() == "ALL":
                le = None
            if le is not None and not isinstance(le, exp.Null):
                lim = R.coerce(self.expr(le, Scope()), T.INT8, -1, "implicit")
        if offset is not None:
            oe = offset.expression if isinstance(offset, exp.Offset) else offset
            off = R.coerce(self.expr(oe, Scope()), T.INT8, -1, "implicit")
        if lim is None and off is None:
            return plan
        return N.Limit(plan, lim, off, with_ties)

    # ------------------------------------------------------------ SELECT
    def select(self, node: exp.Select, outer: Scope | None, resolve_unknown: bool = True) -> Query:
        saved = self.named_windows
        self.named_windows = dict(saved)
        try:
            return self._select(node, outer, resolve_unknown)
        finally:
            self.named_windows = saved

    def _select(self, node: exp.Select, outer: Scope | None, resolve_unknown: bool) -> Query:
        scope = Scope(outer)
        locks = node.args.get("locks")
        saved_keys = getattr(self, "_want_keys", False)
        self._want_keys = bool(locks)
        try:
            plan = self.from_clause(node, scope)
        finally:
            self._want_keys = saved_keys
        if locks:
            self._check_lockable(node, locks)
        where = node.args.get("where")
        if where is not None:
            pred = self.bool_expr(where.this, scope, "WHERE")
            self._no_aggs(pred, "WHERE")
            plan = N.Filter(plan, pred)
        for w in node.args.get("windows") or []:
            from .funcs import _window_def

            wname = ident(w.this)
            if wname in self.named_windows and any(ident(x.this) == wname for x in node.args["windows"][:0]):
                pass
            self.named_windows[wname] = _window_def(self, w, scope, defining=True)
        # SELECT list (expanding *)
        targets: list[tuple[str, E.Expr, exp.Expression, int, int]] = []
        for item in node.expressions:
            targets.extend(self._target(item, scope))
        group = node.args.get("group")
        having = node.args.get("having")
        aggs: list[E.AggRef] = []
        wins: list[E.WindowRef] = []
        exprs = [t[1] for t in targets]
        for e in exprs:
            _collect(e, aggs, wins)
        having_pred = None
        if having is not None:
            having_pred = self.bool_expr(having.this, scope, "HAVING")
            _collect(having_pred, aggs, [])
        # ORDER BY (resolved against the output list first, like PostgreSQL)
        order = node.args.get("order")
        order_items = []
        if order is not None:
            for o in order.expressions:
                order_items.append(self._order_item(o, targets, scope))
            for oe, _d, _n, _ti in order_items:
                if oe is not None:
                    _collect(oe, aggs, wins)
        distinct = node.args.get("distinct")
        distinct_on = None
        if distinct is not None and distinct.args.get("on") is not None:
            on = distinct.args["on"]
            on_items = on.expressions if isinstance(on, exp.Tuple) else [on]
            distinct_on = [self._order_item(exp.Ordered(this=x), targets, scope) for x in on_items]
            for oe, *_ in distinct_on:
                if oe is not None:
                    _collect(oe, aggs, wins)
        grouped = group is not None or aggs or having is not None
        if grouped:
            dep_extra = [oe for oe, *_ in order_items + (distinct_on or []) if oe is not None]
            plan, mapper, nkeys = self._aggregate(plan, scope, group, aggs, targets, node, having_pred,
                                                  dep_extra)
            exprs = [mapper(e) for e in exprs]
            if having_pred is not None:
                plan = N.Filter(plan, mapper(having_pred))
            order_items = [(mapper(oe) if oe is not None else None, d, nf, ti) for oe, d, nf, ti in order_items]
            if distinct_on is not None:
                distinct_on = [(mapper(oe) if oe is not None else None, d, nf, ti) for oe, d, nf, ti in distinct_on]
            wins = []
            for e in exprs:
                _collect(e, [], wins)
            for oe, *_ in order_items:
                if oe is not None:
                    _collect(oe, [], wins)
        if wins:
            plan, wmap = self._windows(plan, wins)
            exprs = [wmap(e) for e in exprs]
            order_items = [(wmap(oe) if oe is not None else None, d, nf, ti) for oe, d, nf, ti in order_items]
            if distinct_on is not None:
                distinct_on = [(wmap(oe) if oe is not None else None, d, nf, ti) for oe, d, nf, ti in distinct_on]
        # set-returning functions in the select list (ProjectSet)
        srfs: list = []
        exprs = [_lift_srfs(e, srfs, plan_width=_width_of(plan)) for e in exprs]
        if srfs:
            if distinct_on is not None or any(oe is not None for oe, *_ in order_items):
                pass
            plan = N.ProjectSet(plan, srfs)
        # projection: targets + hidden sort keys
        proj = list(exprs)
        sort_keys = []
        for oe, desc, nf, ti in order_items:
            if ti is not None:
                sort_keys.append((E.ColRef(ti, proj[ti].type, proj[ti].typmod), desc, nf))
            else:
                if distinct is not None and distinct_on is None:
                    raise PgError("for SELECT DISTINCT, ORDER BY expressions must appear in select list",
                                  errcodes.INVALID_COLUMN_REFERENCE)
                proj.append(oe)
                sort_keys.append((E.ColRef(len(proj) - 1, oe.type, oe.typmod), desc, nf))
        don_keys = None
        if distinct_on is not None:
            don_keys = []
            for oe, _d, _nf, ti in distinct_on:
                if ti is not None:
                    don_keys.append(E.ColRef(ti, proj[ti].type, proj[ti].typmod))
                else:
                    proj.append(oe)
                    don_keys.append(E.ColRef(len(proj) - 1, oe.type, oe.typmod))
        columns = []
        for (name, e, _src, toid, attnum), pe in zip(targets, exprs):
            t = pe.type
            if t is T.UNKNOWN:
                t = T.TEXT
            columns.append(ResultColumn(name, t, pe.typmod, toid, attnum))
            if t is T.RECORD and isinstance(pe, E.RowExpr):
                columns[-1].field_types = [i.type for i in pe.items]
        if resolve_unknown:
            proj = [R.coerce(p, T.TEXT) if p.type is T.UNKNOWN else p for p in proj]
        else:
            # a set-operation branch: leave unknown-typed literals for the set operation to resolve
            for i, p in enumerate(proj[:len(columns)]):
                if p.type is T.UNKNOWN:
                    columns[i].type = T.UNKNOWN
        plan = N.Project(plan, proj)
        for k, _d, _nf in sort_keys:
            check_sortable(k.type)
        if distinct is not None and distinct_on is None:
            for c in columns:
                check_hashable(c.type)
        if distinct is not None:
            if distinct_on is not None:
                # sort by DISTINCT ON keys (then ORDER BY), keep first per key
                lead = sort_keys[:len(don_keys)]
                for i, k in enumerate(don_keys):
                    if i < len(lead) and not _same_ref(lead[i][0], k):
                        raise PgError("SELECT DISTINCT ON expressions must match initial ORDER BY expressions",
                                      errcodes.INVALID_COLUMN_REFERENCE)
                if not sort_keys:
                    sort_keys = [(k, False, False) for k in don_keys]
                elif len(sort_keys) < len(don_keys):
                    sort_keys = sort_keys + [(k, False, False) for k in don_keys[len(sort_keys):]]
                plan = N.Sort(plan, sort_keys)
                plan = N.Distinct(plan, don_keys)
                sort_keys = []
            else:
                plan = N.Distinct(plan, None)
        if sort_keys:
            plan = N.Sort(plan, sort_keys)
        if locks:
            # row locks below LIMIT (so SKIP LOCKED + LIMIT returns unlocked rows), on
            # hidden key columns carried through the projection
            plan = self._locking(plan, locks, scope, proj)
        plan = self._limit(plan, node.args.get("limit"), node.args.get("offset"), node)
        if len(proj) > len(targets):
            plan = N.Project(plan, [E.ColRef(i, proj[i].type, proj[i].typmod) for i in range(len(targets))])
        return Query(plan, columns)

    def _lock_strength(self, lk) -> str:
        if lk.args.get("update"):
            return "FOR NO KEY UPDATE" if lk.args.get("key") else "FOR UPDATE"
        return "FOR KEY SHARE" if lk.args.get("key") else "FOR SHARE"

    def _check_lockable(self, node, locks):
        what = self._lock_strength(locks[0])
        reasons = []
        if node.args.get("distinct") is not None:
            reasons.append("DISTINCT clause")
        if node.args.get("group") is not None:
            reasons.append("GROUP BY clause")
        if node.args.get("having") is not None:
            reasons.append("HAVING clause")
        has_agg = has_win = False
        for e in node.expressions:
            for n in e.walk():
                if isinstance(n, exp.Window):
                    has_win = True
                elif isinstance(n, exp.Anonymous) and str(n.this).lower() in _AGG_NAMES():
                    has_agg = True
        if reasons:
            raise PgError(f"{what} is not allowed with {reasons[0]}", errcodes.FEATURE_NOT_SUPPORTED)
        if has_agg:
            raise PgError(f"{what} is not allowed with aggregate functions", errcodes.FEATURE_NOT_SUPPORTED)
        if has_win:
            raise PgError(f"{what} is not allowed with window functions", errcodes.FEATURE_NOT_SUPPORTED)

    def _locking(self, plan, locks, scope, proj):
        from ..storage.locks import EXCLUSIVE, SHARE

        lk = locks[0]
        mode = EXCLUSIVE if lk.args.get("update") else SHARE
        wait = lk.args.get("wait")
        waitmode = "wait" if wait is None else ("nowait" if wait is True else
                                                ("skip" if wait is False else "wait"))
        names = [ident(e.this if isinstance(e, exp.Column) else e) for e in (lk.expressions or [])]
        for nm in names:
            if scope.find_item(nm) is None:
                raise PgError(f'relation "{nm}" in {self._lock_strength(lk)} clause not found in FROM clause',
                              errcodes.UNDEFINED_TABLE)
        targets = []
        for item in scope.items:
            if item.scan is None or not item.scan.with_key:
                continue
            if names and item.alias not in names:
                continue
            if item.nullable:
                raise PgError(f"{self._lock_strength(lk)} cannot be applied to the nullable side of an outer join",
                              errcodes.FEATURE_NOT_SUPPORTED)
            keypos = item.offset + len(item.names) - 1
            proj.append(E.ColRef(keypos, T.BYTEA, -1, "\x00key"))
            item.scan.key_col = len(proj) - 1
            item.scan.lock_mode = mode
            targets.append(item.scan)
        # the projection under the sort must carry the key columns too
        node = plan
        while not isinstance(node, N.Project):
            node = node.inputs()[0]
        node.exprs = proj
        node.width = len(proj)
        p = plan
        while p is not node:
            p.width = len(proj)
            p = p.inputs()[0]
        return N.LockRows(plan, targets, mode, waitmode)

    def _order_item(self, o, targets, scope):
        """(expr or None, desc, nulls_first, target index or None)."""
        e = o.this if isinstance(o, exp.Ordered) else o
        desc = bool(o.args.get("desc")) if isinstance(o, exp.Ordered) else False
        nf = _nulls_first(o, desc) if isinstance(o, exp.Ordered) else desc
        if isinstance(e, exp.Literal) and not e.is_string:
            try:
                n = int(e.this)
            except ValueError:
                n = None
            if n is not None:
                if n < 1 or n > len(targets):
                    raise PgError(f"ORDER BY position {n} is not in select list", errcodes.INVALID_COLUMN_REFERENCE,
                                  position=_pos(e))
                return None, desc, nf, n - 1
        if isinstance(e, exp.Column) and not e.table and isinstance(e.this, exp.Identifier):
            name = ident(e.this)
            matches = [i for i, t in enumerate(targets) if t[0] == name]
            if matches:
                # an output column name wins (PostgreSQL's SQL92 rule)
                return None, desc, nf, matches[0]
        ex = self.expr(e, scope)
        # an expression equal to a target reuses it
        key = _expr_key(ex)
        for i, t in enumerate(targets):
            if _expr_key(t[1]) == key:
                return None, desc, nf, i
        return ex, desc, nf, None

    # ------------------------------------------------------------ targets
    def _target(self, item, scope) -> list:
        """[(name, expr, src node, table oid, attnum)]"""
        if isinstance(item, exp.Star):
            return self._star(scope, None)
        if isinstance(item, exp.Column) and isinstance(item.this, exp.Star):
            return self._star(scope, item)
        alias = None
        node = item
        if isinstance(item, exp.Alias):
            alias = ident(item.args["alias"])
            node = item.this
        e = self.expr(node, scope)
        toid = attnum = 0
        if isinstance(e, E.ColRef) and isinstance(node, exp.Column):
            it, ci = self._item_of(scope, e.index)
            if it is not None:
                toid, attnum = it.table_oid, it.attnums[ci]
        name = alias or _default_name(node)
        return [(name, e, node, toid, attnum)]

    def _item_of(self, scope, index):
        for it in scope.items:
            if it.offset <= index < it.offset + len(it.names):
                return it, index - it.offset
        return None, None

    def _star(self, scope, col) -> list:
        out = []
        if col is not None and col.table:
            qual = ident(col.args["table"])
            it = scope.find_item(qual)
            if it is None:
                raise PgError(f'missing FROM-clause entry for table "{qual}"', errcodes.UNDEFINED_TABLE)
            items = [it]
            merged = []
        else:
            if not scope.items:
                raise PgError("SELECT * with no tables specified is not valid", errcodes.SYNTAX_ERROR)
            items = [it for it in scope.items if not it.hidden]
            merged = scope.using
        hidden_names = {}
        for name, e, hid in merged:
            out.append((name, e, None, 0, 0))
            for h in hid:
                hidden_names.setdefault(id(h), set()).add(name)
        for it in items:
            skip = hidden_names.get(id(it), set())
            for i, n in enumerate(it.names):
                if n in skip:
                    continue
                if n.startswith("\x00"):
                    continue
                out.append((n, E.ColRef(it.offset + i, it.types[i], it.typmods[i], n), None, it.table_oid,
                            it.attnums[i]))
        return out

    # ------------------------------------------------------------ FROM
    def from_clause(self, node, scope: Scope) -> N.Node:
        frm = node.args.get("from_")
        joins = node.args.get("joins") or []
        if frm is None:
            if joins:
                raise PgError("syntax error at or near \"JOIN\"", errcodes.SYNTAX_ERROR)
            return N.Result()
        plan = self.range_item(frm.this, scope)
        if isinstance(plan, _LateralMarker):  # first item: outer references are plain correlation
            plan = plan.plan
        extra = frm.expressions if hasattr(frm, "expressions") else []
        for x in extra or []:
            right = self.range_item(x, scope, lateral_left=plan)
            plan = self._cross(plan, right)
        for j in joins:
            plan = self.join(plan, j, scope)
        return plan

    def _cross(self, left, right):
        if isinstance(right, _LateralMarker):
            return N.Join("inner", left, right.plan, None, lateral=True)
        return N.Join("cross", left, right)

    def join(self, left_plan, j: exp.Join, scope: Scope) -> N.Node:
        kind = (j.args.get("side") or "").lower()
        jkind = (j.args.get("kind") or "").lower()
        natural = jkind == "natural" or bool(j.args.get("natural")) or \
            str(j.args.get("method") or "").upper() == "NATURAL"
        if jkind == "cross":
            kind = "cross"
        left_items = list(scope.items)
        right = self.range_item(j.this, scope, lateral_left=left_plan)
        lateral = isinstance(right, _LateralMarker)
        right_plan = right.plan if lateral else right
        right_items = [it for it in scope.items if it not in left_items]
        on = j.args.get("on")
        using = j.args.get("using")
        if kind == "":
            kind = "inner"
        if kind in ("left", "full"):
            for it in right_items:
                it.nullable = True
        if kind in ("right", "full"):
            for it in left_items:
                it.nullable = True
        cond = None
        if natural or using:
            if natural:
                lnames = [n for it in left_items if not it.hidden for n in it.names if not n.startswith("\x00")]
                rnames = [n for it in right_items for n in it.names if not n.startswith("\x00")]
                names = [n for n in _dedup(lnames) if n in rnames]
            else:
                names = [ident(u) for u in using]
            conds = []
            for name in names:
                le = self._resolve_in_items(name, left_items, scope, "USING")
                re_ = self._resolve_in_items(name, right_items, scope, "USING")
                conds.append(self.binop("=", le, re_))
                if kind == "right":
                    merged = re_
                elif kind == "full":
                    t = T.common_type([le.type, re_.type], "JOIN/USING")
                    merged = E.Coalesce([R.coerce(le, t), R.coerce(re_, t)], t)
                else:
                    merged = le
                hid = {it for it in left_items + right_items if name in it.names}
                scope.using = [u for u in scope.using if u[0] != name]
                scope.using.append((name, merged, hid))
            cond = _and_all(conds) if conds else None
        elif on is not None:
            cond = self.bool_expr(on, scope, "JOIN/ON")
        elif kind in ("left", "right", "full"):
            raise PgError(f'syntax error at or near "{kind.upper()}"', errcodes.SYNTAX_ERROR)
        # (a bare "JOIN b" and a comma parse alike in sqlglot: both are cross joins here)
        if kind == "cross" or (kind == "inner" and cond is None):
            return N.Join("inner", left_plan, right_plan, None, lateral=lateral)
        return N.Join(kind, left_plan, right_plan, cond, lateral=lateral)

    def _resolve_in_items(self, name, items, scope, what):
        found = []
        for it in items:
            for i, n in enumerate(it.names):
                if n == name:
                    found.append(E.ColRef(it.offset + i, it.types[i], it.typmods[i], n))
        for u in scope.using:
            if u[0] == name and any(h in items for h in u[2]):
                return u[1]
        if not found:
            raise PgError(f'column "{name}" specified in USING clause does not exist in '
                          f'{"left" if items and items[0].offset == 0 else "right"} table',
                          errcodes.UNDEFINED_COLUMN)
        if len(found) > 1:
            raise PgError(f'common column name "{name}" appears more than once in left table',
                          errcodes.AMBIGUOUS_COLUMN)
        return found[0]

    def range_item(self, node, scope: Scope, lateral_left=None):
        """Add one FROM item to the scope; return its plan (or a lateral marker)."""
        alias_node = node.args.get("alias") if hasattr(node, "args") else None
        alias = ident(alias_node.this) if alias_node is not None and alias_node.this is not None else None
        colaliases = [ident(c) for c in (alias_node.columns or [])] if alias_node is not None else []
        if isinstance(node, exp.Table):
            if node.args.get("rows_from"):
                return self._rows_from_item(node, alias, colaliases, scope, lateral_left)
            fn = node.this
            if isinstance(fn, (exp.Anonymous, exp.Func)) and not isinstance(fn, exp.Identifier):
                return self._function_item(node, fn, alias, colaliases, scope, lateral_left)
            return self._table_item(node, alias, colaliases, scope)
        if isinstance(node, exp.Subquery):
            lateral = False
            inner = node.this
            if isinstance(inner, exp.Table) and inner.args.get("joins"):
                # a parenthesized join: analyzed on its own (its row starts at column 0),
                # then its range items join this FROM level
                sub = Scope(scope.parent)
                first = inner.copy()
                first.set("joins", None)
                plan = self.range_item(first, sub, lateral_left)
                if isinstance(plan, _LateralMarker):
                    plan = plan.plan
                for j in inner.args["joins"]:
                    plan = self.join(plan, j, sub)
                for it in sub.items:
                    scope.add(it)
                scope.using.extend(sub.using)
                return plan
            if alias is None:
                raise PgError("VALUES in FROM must have an alias" if isinstance(inner, exp.Values) else
                              "subquery in FROM must have an alias", errcodes.SYNTAX_ERROR,
                              hint="For example, FROM (VALUES ...) [AS] foo." if isinstance(inner, exp.Values)
                              else "For example, FROM (SELECT ...) [AS] foo.")
            sub_scope_parent = scope if lateral_left is not None else scope.parent
            if isinstance(inner, exp.Values):
                q = self.values_query(inner, scope.parent)
            else:
                is_lat = _is_lateral(node)
                if not is_lat:
                    self.invisible.append(scope)
                try:
                    q = self.query(node, scope if is_lat else scope.parent)
                finally:
                    if not is_lat:
                        self.invisible.pop()
                lateral = is_lat and _uses_outer_plan(q.plan)
            names = [c.name for c in q.columns]
            for i, a in enumerate(colaliases[:len(names)]):
                names[i] = a
            if alias is None:
                alias = None if not isinstance(inner, exp.Values) else "*VALUES*"
            it = RangeItem(alias, names, [c.type for c in q.columns], [c.typmod for c in q.columns])
            scope.add(it)
            _ = sub_scope_parent
            return _LateralMarker(q.plan) if lateral else q.plan
        if isinstance(node, exp.Values):
            q = self.values_query(node, scope.parent)
            names = [c.name for c in q.columns]
            for i, a in enumerate(colaliases[:len(names)]):
                names[i] = a
            it = RangeItem(alias or "*VALUES*", names, [c.type for c in q.columns], [c.typmod for c in q.columns])
            scope.add(it)
            return q.plan
        if isinstance(node, exp.Lateral):
            inner = node.this
            if isinstance(inner, exp.Subquery) or isinstance(inner, exp.Select):
                q = self.query(inner, scope)
                al = node.args.get("alias")
                alias = ident(al.this) if al is not None and al.this is not None else alias
                names = [c.name for c in q.columns]
                if al is not None:
                    for i, a in enumerate([ident(c) for c in (al.columns or [])][:len(names)]):
                        names[i] = a
                scope.add(RangeItem(alias, names, [c.type for c in q.columns], [c.typmod for c in q.columns]))
                return _LateralMarker(q.plan) if _uses_outer_plan(q.plan) else q.plan
            if isinstance(inner, exp.Unnest):
                u = inner.copy()
                u.set("alias", node.args.get("alias"))
                return self._unnest_item(u, alias, colaliases, scope, lateral_left)
            if isinstance(inner, (exp.Anonymous, exp.Func)):
                tnode = exp.Table(this=inner, alias=node.args.get("alias"), ordinality=node.args.get("ordinality"))
                return self._function_item(tnode, inner, alias, colaliases, scope, lateral_left, force_lateral=True)
        if isinstance(node, exp.Unnest):
            return self._unnest_item(node, alias, colaliases, scope, lateral_left)
        raise PgError(f"unsupported FROM item {type(node).__name__}", errcodes.FEATURE_NOT_SUPPORTED)

    def _table_item(self, node: exp.Table, alias, colaliases, scope):
        name = ident(node.this)
        schema = ident(node.args.get("db")) if node.args.get("db") else None
        if node.args.get("catalog"):
            cat = ident(node.args["catalog"])
            if self.env.database and cat != self.env.database:
                raise PgError(f"cross-database references are not implemented: {cat}.{schema}.{name}",
                              errcodes.FEATURE_NOT_SUPPORTED)
        if schema is None:
            cte = self.find_cte(name)
            if cte is not None:
                names = [c.name for c in cte.columns]
                for i, a in enumerate(colaliases[:len(names)]):
                    names[i] = a
                it = RangeItem(alias or name, names, [c.type for c in cte.columns], [c.typmod for c in cte.columns])
                scope.add(it)
                if cte.recursive and cte.plan is None:
                    return N.WorkTableScan(cte, len(names))
                return N.CteScan(cte, len(names))
        rel = self.lookup_relation(name, schema, node)
        if isinstance(rel, N.VirtualScan) or callable(getattr(rel, "make_scan", None)):
            vs = rel.make_scan() if not isinstance(rel, N.VirtualScan) else rel
            names = [c[0] for c in vs.columns]
            for i, a in enumerate(colaliases[:len(names)]):
                names[i] = a
            it = RangeItem(alias or name, names, [c[1] for c in vs.columns],
                           [c[2] if len(c) > 2 else -1 for c in vs.columns], table_oid=getattr(vs, "oid", 0),
                           attnums=list(range(1, len(names) + 1)))
            scope.add(it)
            return vs
        self.require(rel, "r")
        if rel.kind == "v":
            return self._view_item(rel, alias or name, colaliases, scope)
        if rel.kind == "S":
            return self._sequence_item(rel, alias or name, scope)
        if rel.kind not in ("r", "p", "m"):
            raise PgError(f'"{name}" is not a table', errcodes.WRONG_OBJECT_TYPE)
        store = self.env.table_store(rel)
        cols = rel.live_columns
        names = [c.name for c in cols]
        for i, a in enumerate(colaliases[:len(names)]):
            names[i] = a
        scan = N.Scan(store, rel, alias or name, with_key=getattr(self, "_want_keys", False))
        if scan.with_key:
            names = names + ["\x00key"]
        as_of = self._as_of_for(node)
        if as_of is not None:
            scan.as_of = as_of
        extra = 1 if scan.with_key else 0
        it = RangeItem(alias or name, names, [c.type for c in cols] + [T.BYTEA] * extra,
                       [c.typmod for c in cols] + [-1] * extra,
                       table_oid=rel.oid, attnums=[c.attnum for c in cols] + [0] * extra, rel=rel, scan=scan)
        scope.add(it)
        return scan

    def _as_of_for(self, node):
        comments = node.comments or []
        for c in comments:
            c = c.strip()
            if c.startswith("helios_as_of_"):
                idx = int(c[len("helios_as_of_"):])
                root = node.root()
                kind, val = root.meta.get("helios_as_of", [])[idx]
                if kind == "SEQ":
                    return ("seq", int(val.strip("'")))
                return ("timestamp", val[1:-1].replace("''", "'"))
        return None

    def _view_item(self, rel, alias, colaliases, scope):
        from .parser import parse_sql

        tree = parse_sql(rel.view_sql)
        saved = self.ctes
        self.ctes = []
        self._check_as.append(rel.owner)  # a view reads its tables with its owner's rights
        try:
            q = self.query(tree, None)
        finally:
            self.ctes = saved
            self._check_as.pop()
        names = [c.name for c in rel.live_columns] or [c.name for c in q.columns]
        for i, a in enumerate(colaliases[:len(names)]):
            names[i] = a
        it = RangeItem(alias, names, [c.type for c in q.columns], [c.typmod for c in q.columns])
        scope.add(it)
        return q.plan

    def _sequence_item(self, rel, alias, scope):
        from ..engine.syscat import sequence_relation_scan

        vs = sequence_relation_scan(rel)
        it = RangeItem(alias, [c[0] for c in vs.columns], [c[1] for c in vs.columns])
        scope.add(it)
        return vs

    def lookup_relation(self, name, schema, node=None):
        cat = self.env.catalog
        if schema in (None, "pg_catalog", "information_schema"):
            v = self.env.virtual_relation(schema, name)
            if v is not None and (schema is not None or not cat.find_relation(
                    name, None, [s for s in self.env.search_path if s != "pg_catalog"])):
                return v
        rel = cat.find_relation(name, schema, self.env.search_path)
        if rel is None:
            full = f"{schema}.{name}" if schema else name
            if schema is None and self.pending_forward == name:
                raise PgError(f'relation "{full}" does not exist', errcodes.UNDEFINED_TABLE, position=_pos(node),
                              detail=f'There is a WITH item named "{name}", but it cannot be referenced from this '
                                     f'part of the query.',
                              hint="Use WITH RECURSIVE, or re-order the WITH items to remove forward references.")
            raise PgError(f'relation "{full}" does not exist', errcodes.UNDEFINED_TABLE, position=_pos(node))
        return rel

    def _function_item(self, tnode, fn, alias, colaliases, scope, lateral_left, force_lateral=False):
        fname = fn.this if isinstance(fn, exp.Anonymous) else fn.sql_name()
        fname = ident(fname) if not isinstance(fname, str) else fname.lower()
        ordinality = bool(tnode.args.get("ordinality")) or bool(
            tnode.args.get("alias") is not None and False)
        # a function in FROM is implicitly LATERAL: items to its left are outer references (depth 0)
        arg_scope = Scope(parent=scope) if lateral_left is not None else scope
        args = [self.expr(a, arg_scope) for a in fn.expressions]
        from ..exec.functions import lookup_functions

        cands = [c for c in lookup_functions(fname) if getattr(c, "retset", False) or c.kind == "f"]
        if not cands:
            raise PgError(f"function {fname}({', '.join(R.type_name(a.type) for a in args)}) does not exist",
                          errcodes.UNDEFINED_FUNCTION,
                          hint="No function matches the given name and argument types. "
                               "You might need to add explicit type casts.")
        cand, ptypes = R.select_overload(cands, [a.type for a in args], "function", fname)
        args = [R.coerce(a, t) for a, t in zip(args, ptypes)]
        rtype = cand.result_type(ptypes)
        from ..exec.functions import specialize

        cand = specialize(cand, ptypes, args)
        out_cols = getattr(cand, "out_columns", None)
        if callable(out_cols):
            out_cols = out_cols(ptypes)
        if out_cols:
            names = [c[0] for c in out_cols]
            types = [c[1] for c in out_cols]
        else:
            # a single OUT parameter names the column (jsonb_array_elements -> value), else the alias
            names = [getattr(cand, "out_name", None) or alias or fname]
            types = [rtype]
        if ordinality:
            names = names + ["ordinality"]
            types = types + [T.INT8]
        for i, a in enumerate(colaliases[:len(names)]):
            if a is not None:
                names[i] = a
        if not out_cols and colaliases and alias:
            pass
        uses_outer = any(E.uses_outer(a) for a in args)
        fn_item = scope.add(RangeItem(alias or fname, names, types))
        fn_item.scalar_fn = not out_cols and not ordinality
        width = len(types) - (1 if ordinality else 0)
        uses_outer = uses_outer and lateral_left is not None  # first FROM item: plain correlation
        plan = N.FunctionScan(cand, args, width, ordinality, lateral=uses_outer, name=fname)
        plan.multi = bool(out_cols)
        return _LateralMarker(plan) if uses_outer else plan

    def _rows_from_item(self, node, alias, colaliases, scope, lateral_left=None):
        """ROWS FROM (f(...), g(...)) [WITH ORDINALITY]: the functions' rows side by side,
        the shorter ones padded with NULLs; analyzed one by one like FROM functions."""
        parts = []
        names: list = []
        types: list = []
        lateral = False
        for k, item in enumerate(node.args["rows_from"]):
            width0, nitems = scope.width, len(scope.items)
            if isinstance(item, exp.Unnest):
                plan = self._unnest_item(item, None, [], scope, lateral_left)
            else:
                fn = item.this if isinstance(item, exp.Table) else item
                if not isinstance(fn, (exp.Anonymous, exp.Func)):
                    raise PgError("syntax error in ROWS FROM", errcodes.SYNTAX_ERROR)
                plan = self._function_item(exp.Table(this=fn), fn, None, [], scope, lateral_left)
            it = scope.items[-1]
            del scope.items[nitems:]
            scope.width = width0
            if isinstance(plan, _LateralMarker):
                lateral = True
                plan = plan.plan
            parts.append((plan.fn, len(plan.args), plan.width, plan.multi or plan.ordinality))
            names.extend(it.names)
            types.extend(it.types)
            if k == 0:
                args = list(plan.args)
            else:
                args.extend(plan.args)
        ordinality = bool(node.args.get("ordinality"))
        width = len(names)
        if ordinality:
            names.append("ordinality")
            types.append(T.INT8)
        names = list(names)
        for i, a in enumerate(colaliases[:len(names)]):
            if a is not None:
                names[i] = a
        scope.add(RangeItem(alias or "rows_from", names, types))
        plan = N.FunctionScan(_RowsFrom(parts), args, width, ordinality, lateral=lateral, name="rows from")
        plan.multi = True
        return _LateralMarker(plan) if lateral else plan

    def _unnest_item(self, node, alias, colaliases, scope, lateral_left=None):
        fn = exp.Anonymous(this="unnest", expressions=node.expressions)
        t = exp.Table(this=fn, alias=node.args.get("alias"))
        off = node.args.get("offset")
        if off or node.args.get("ordinality"):
            t.set("ordinality", True)
        if isinstance(off, exp.Identifier):  # sqlglot moves the ordinality column alias here
            n_cols = max(1, len(node.expressions))
            colaliases = list(colaliases) + [None] * (n_cols - len(colaliases))
            colaliases = colaliases[:n_cols] + [ident(off)]
        return self._function_item(t, fn, alias, colaliases, scope, lateral_left)

    # ============================================================ aggregation
    def _aggregate(self, plan, scope, group, aggs, targets, node, having_pred_for_deps=None, dep_extra=()):
        keys: list[E.Expr] = []
        sets = None
        if group is not None:
            import itertools

            def key_of(x):
                k = self._group_key(x, targets, scope)
                for n in E.walk(k):
                    if isinstance(n, E.AggRef):
                        raise PgError("aggregate functions are not allowed in GROUP BY", errcodes.GROUPING_ERROR)
                    if isinstance(n, E.WindowRef):
                        raise PgError("window functions are not allowed in GROUP BY", errcodes.WINDOWING_ERROR)
                check_hashable(k.type)
                kk = _expr_key(k)
                for i, e0 in enumerate(keys):
                    if _expr_key(e0) == kk:
                        return i
                keys.append(k)
                return len(keys) - 1

            def members(item):
                if isinstance(item, exp.Tuple):
                    return list(item.expressions)
                if isinstance(item, exp.Paren):
                    return [] if item.this is None else [item.this]
                return [item]

            combos = [[]]
            grouping = False
            for x in group.expressions or []:
                if isinstance(x, exp.Rollup):
                    grouping = True
                    idx = [[key_of(m) for m in members(it)] for it in x.expressions]
                    opts = [sum(idx[:k], []) for k in range(len(idx), -1, -1)]
                elif isinstance(x, exp.Cube):
                    grouping = True
                    idx = [[key_of(m) for m in members(it)] for it in x.expressions]
                    opts = []
                    for k in range(len(idx), -1, -1):
                        for combo in itertools.combinations(idx, k):
                            opts.append(sum(combo, []))
                elif isinstance(x, exp.GroupingSets):
                    grouping = True
                    opts = []
                    for it in x.expressions:
                        if isinstance(it, (exp.Rollup, exp.Cube)):
                            raise PgError("nested ROLLUP/CUBE inside GROUPING SETS is not supported",
                                          errcodes.FEATURE_NOT_SUPPORTED)
                        opts.append([key_of(m) for m in members(it)])
                else:
                    opts = [[key_of(x)]]
                combos = [c + o for c in combos for o in opts]
            if grouping:
                sets = [sorted(set(c)) for c in combos]
        # PostgreSQL allows columns functionally dependent on a grouped primary key
        key_sigs = {_expr_key(k): i for i, k in enumerate(keys)}
        dep_items = self._pk_grouped_items(scope, keys) if sets is None else []
        for i, a in enumerate(aggs):
            a.index = i
        nkeys = len(keys)
        agg_node = N.Aggregate(plan, keys, aggs, sets)

        def key_index(n):
            """Position of n among the group keys (adding functionally dependent
            columns as keys during discovery), or None."""
            k = _expr_key(n)
            if k in key_sigs:
                return key_sigs[k]
            if isinstance(n, E.ColRef) and discovering[0]:
                for it in dep_items:
                    if it.offset <= n.index < it.offset + len(it.names):
                        keys.append(E.ColRef(n.index, n.type, n.typmod, n.name))
                        key_sigs[k] = len(keys) - 1
                        return key_sigs[k]
            return None

        def ungrouped(index):
            it, ci = self._item_of(scope, index)
            nm = it.names[ci] if it else "?"
            qual = f"{it.alias}.{nm}" if it is not None and it.alias else nm
            return PgError(f'column "{qual}" must appear in the GROUP BY clause or be used in an '
                           f'aggregate function', errcodes.GROUPING_ERROR)

        def mapper(e):
            from ..plan.physical import _deepcopy_expr

            def f(n):
                if isinstance(n, E.AggRef):
                    return E.ColRef(nkeys_now() + n.index, n.type, n.typmod, n.name)
                i = key_index(n)
                if i is not None:
                    return E.ColRef(i, n.type, n.typmod, getattr(n, "name", "?"))
                if isinstance(n, E.ColRef):
                    raise ungrouped(n.index)
                if isinstance(n, E.SubPlan):
                    _remap_outer(n.plan, 0, lambda idx, t, tm: key_index(E.ColRef(idx, t, tm)), ungrouped)
                if isinstance(n, E.Func) and n.name == "grouping" and n.fn is None:
                    idxs = []
                    for a in n.args:
                        i = key_index(a)
                        if i is None:
                            raise PgError("arguments to GROUPING must be grouping expressions of the associated "
                                          "query level", errcodes.GROUPING_ERROR)
                        idxs.append(i)
                    if sets is None:
                        return E.Const(0, T.INT4)
                    return E.Func(_grouping_bits(idxs, nkeys_now()), [E.ColRef(nkeys_now() + len(aggs), T.INT4)],
                                  T.INT4, name="grouping_bits")
                return None

            return _map_expr(_deepcopy_expr(e), f)

        discovering = [bool(dep_items)]

        def nkeys_now():
            return len(keys)

        if dep_items:
            # discover functionally dependent columns first (on copies), then fix the key list
            for t in targets:
                try:
                    mapper(t[1])
                except PgError:
                    pass
            for e in ([having_pred_for_deps] if having_pred_for_deps is not None else []) + list(dep_extra):
                try:
                    mapper(e)
                except PgError:
                    pass
            discovering[0] = False
        nkeys = len(keys)
        agg_node.keys = keys
        agg_node.width = len(keys) + len(aggs) + (1 if sets is not None else 0)
        if sets is not None:
            self._grouping_id_col = nkeys + len(aggs)
        return agg_node, mapper, nkeys

    def _pk_grouped_items(self, scope, keys):
        out = []
        key_cols = {k.index for k in keys if isinstance(k, E.ColRef)}
        for it in scope.items:
            rel = it.rel
            if rel is None or rel.pk is None:
                continue
            pk = self.env.catalog.relations.get(rel.pk)
            if pk is None:
                continue
            pos = {a: i for i, a in enumerate(it.attnums)}
            needed = {it.offset + pos[k.attnum] for k in pk.index.keys if k.attnum in pos}
            if needed and needed <= key_cols:
                out.append(it)
        return out

    def _group_key(self, x, targets, scope):
        if isinstance(x, exp.Literal) and not x.is_string:
            n = int(x.this)
            if n < 1 or n > len(targets):
                raise PgError(f"GROUP BY position {n} is not in select list", errcodes.INVALID_COLUMN_REFERENCE)
            return targets[n - 1][1]
        if isinstance(x, exp.Column) and not x.table and isinstance(x.this, exp.Identifier):
            name = ident(x.this)
            # input columns take precedence over output aliases in GROUP BY
            try:
                return self.expr(x, scope)
            except PgError as err:
                if err.code != errcodes.UNDEFINED_COLUMN:
                    raise
                for t in targets:
                    if t[0] == name:
                        return t[1]
                raise
        e = self.expr(x, scope)
        return e

    def _windows(self, plan, wins):
        base = plan.width
        for i, w in enumerate(wins):
            w.index = base + i
        node = N.Window(plan, wins)

        def wmap(e):
            def f(n):
                if isinstance(n, E.WindowRef):
                    return E.ColRef(n.index, n.type, n.typmod, n.name)
                return None

            return _map_expr(e, f)

        return node, wmap

    def _no_aggs(self, e, where):
        for n in E.walk(e):
            if isinstance(n, E.AggRef):
                raise PgError(f"aggregate functions are not allowed in {where}", errcodes.GROUPING_ERROR)
            if isinstance(n, E.WindowRef):
                raise PgError(f"window functions are not allowed in {where}", errcodes.WINDOWING_ERROR)
            if isinstance(n, E.Call) and getattr(n.fn, "retset", False):
                raise PgError(f"set-returning functions are not allowed in {where}",
                              errcodes.FEATURE_NOT_SUPPORTED)

    # ============================================================ expressions
    def bool_expr(self, node, scope, where) -> E.Expr:
        e = self.expr(node, scope)
        if e.type is not T.BOOL:
            if e.type is T.UNKNOWN:
                return R.coerce(e, T.BOOL)
            raise PgError(f"argument of {where} must be type boolean, not type {R.type_name(e.type)}",
                          errcodes.DATATYPE_MISMATCH, position=_pos(node))
        return e

    def expr(self, node, scope: Scope) -> E.Expr:
        from .exprs import analyze_expr

        return analyze_expr(self, node, scope)

    def binop(self, sym, left: E.Expr, right: E.Expr, position=None) -> E.Expr:
        from .exprs import make_op

        return make_op(self, sym, [left, right], position)


# ----------------------------------------------------------------- utilities


class _ParamRef(E.Param):
    """A parameter whose type may be inferred by analysis (Parse with type 0)."""

    __slots__ = ("types",)

    def __init__(self, index, types):
        self.index = index
        self.types = types
        self.typmod = -1

    @property
    def type(self):
        return self.types[self.index]

    @type.setter
    def type(self, t):
        self.types[self.index] = t


class _RowsFrom:
    """The set-returning function of a ROWS FROM item: zips its functions' results."""

    retset = True
    strict = False
    kind = "f"

    def __init__(self, parts):
        self.parts = parts  # (function, number of args, output width, yields tuples)

    def impl(self, *args):
        iters = []
        pos = 0
        for fn, n, width, multi in self.parts:
            a = args[pos:pos + n]
            pos += n
            it = None if fn.strict and any(x is None for x in a) else iter(fn.impl(*a))
            iters.append([it, width, multi])
        while True:
            row = []
            alive = False
            for slot in iters:
                it, width, multi = slot
                if it is not None:
                    try:
                        item = next(it)
                    except StopIteration:
                        slot[0] = None
                    else:
                        alive = True
                        row.extend(tuple(item)[:width] if multi else (item,))
                        continue
                row.extend([None] * width)
            if not alive:
                return
            yield tuple(row)


class _LateralMarker:
    def __init__(self, plan):
        self.plan = plan


def _is_lateral(node) -> bool:
    return bool(node.args.get("lateral")) if hasattr(node, "args") else False


def _uses_outer_plan(plan) -> bool:
    from .exprs import plan_uses_outer

    return plan_uses_outer(plan, 0)


def _nulls_first(o, desc: bool) -> bool:
    nf = o.args.get("nulls_first")
    # sqlglot's postgres dialect fills nulls_first with the default; explicit is the same
    if nf is None:
        return desc
    return bool(nf)


def _default_name(node) -> str:
    if isinstance(node, exp.Column):
        if isinstance(node.this, exp.Star):
            t = node.args.get("table")
            return ident(t) if t is not None else "?column?"  # t.* is named t
        return ident(node.this)
    if isinstance(node, exp.Cast):
        inner = node.this
        if _strong_name(inner):
            name = _default_name(inner)
            if name != "?column?":  # operators sqlglot parses as functions (->, @>) have no name
                return name
        dt = node.args.get("to")
        return _type_default_name(dt)
    if isinstance(node, exp.Anonymous):
        n = node.this
        return n.this if isinstance(n, exp.Identifier) else str(n).lower()
    if isinstance(node, exp.Dot):
        e = node.expression
        if isinstance(e, exp.Anonymous):
            return _default_name(e)
        return ident(e)
    if isinstance(node, exp.Window):
        return _default_name(node.this)
    if isinstance(node, exp.Filter):
        return _default_name(node.this)
    if isinstance(node, exp.WithinGroup):
        return _default_name(node.this)
    if isinstance(node, (exp.Case,)):
        default = node.args.get("default")
        return _default_name(default) if default is not None and _strong_name(default) else "case"
    if isinstance(node, exp.Coalesce):
        return "coalesce"
    if isinstance(node, exp.Nullif):
        return "nullif"
    if isinstance(node, exp.Greatest):
        return "greatest"
    if isinstance(node, exp.Least):
        return "least"
    if isinstance(node, exp.Exists):
        return "exists"
    if isinstance(node, exp.Overlaps):
        return "overlaps"
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Column) and \
            node.expression.name.upper().startswith("NORMALIZED"):
        return "is_normalized"  # x IS [form] NORMALIZED is a call of is_normalized()
    if isinstance(node, exp.Array):
        return "array"
    if isinstance(node, exp.Subquery):
        inner = node.this
        if isinstance(inner, exp.Select) and len(inner.expressions) == 1:
            e = inner.expressions[0]
            if isinstance(e, exp.Alias):
                return ident(e.args["alias"])
            return _default_name(e)
        return "?column?"
    if isinstance(node, exp.Extract):
        return "extract"
    if isinstance(node, exp.Substring):
        return "substring"
    if isinstance(node, exp.StrPosition):
        return "position"
    if isinstance(node, exp.Trim):
        return "btrim" if not node.args.get("position") or str(node.args.get("position")).upper() == "BOTH" else \
            ("ltrim" if str(node.args.get("position")).upper() == "LEADING" else "rtrim")
    if isinstance(node, exp.Overlay):
        return "overlay"
    if isinstance(node, (exp.CurrentDate,)):
        return "current_date"
    if isinstance(node, exp.CurrentTimestamp):
        return "current_timestamp"
    if isinstance(node, exp.CurrentTime):
        return "current_time"
    if isinstance(node, exp.Localtimestamp if hasattr(exp, "Localtimestamp") else ()):
        return "localtimestamp"
    if isinstance(node, exp.CurrentUser):
        return "current_user"
    if isinstance(node, exp.Interval):
        return "interval"
    if isinstance(node, exp.Paren):
        return _default_name(node.this)
    if isinstance(node, exp.Bracket):
        return _default_name(node.this)
    if isinstance(node, (exp.AtTimeZone,)):
        return "timezone"
    if isinstance(node, exp.Row if hasattr(exp, "Row") else ()):
        return "row"
    return "?column?"


def _strong_name(node) -> bool:
    """Does PostgreSQL's FigureColnameInternal give ``node`` a strong (2) name, which a cast
    around it keeps?  Weak: constants, operators, CASE without a strong ELSE, casts of those;
    ARRAY[...] and ROW(...) act like functions (strong)."""
    while isinstance(node, (exp.Paren, exp.Bracket, exp.Cast)):
        node = node.this
    if isinstance(node, exp.Column):
        return not isinstance(node.this, exp.Star) or node.args.get("table") is not None
    if isinstance(node, exp.Case):
        default = node.args.get("default")
        return default is not None and _strong_name(default)
    return isinstance(node, (exp.Func, exp.Array, exp.Struct, exp.Dot, exp.Window, exp.Filter, exp.WithinGroup, exp.Subquery,
                             exp.AtTimeZone))


def _type_default_name(dt) -> str:
    try:
        from .types_sql import datatype_to_type

        t, _tm = datatype_to_type(dt)
        # the name as written: int[] is named int4, "_int4" is _int4
        written_array = isinstance(dt, exp.DataType) and dt.this == exp.DataType.Type.ARRAY
        return (t.elem.name if written_array and t.is_array and t.elem is not None else t.name)
    except Exception:
        return "?column?"


def _remap_outer(plan, depth, find, fail):
    """Rewrite OuterRef(depth) inside a subquery plan through find(index) (used when
    the enclosing row changes shape, e.g. after GROUP BY)."""
    from .exprs import _node_exprs

    seen = set()

    def fix(e):
        for n in E.walk(e):
            if id(n) in seen:
                continue
            seen.add(id(n))
            if isinstance(n, E.OuterRef) and n.depth == depth:
                i = find(n.index, n.type, n.typmod)
                if i is None:
                    raise fail(n.index)
                n.index = i
            elif isinstance(n, E.SubPlan):
                _remap_outer(n.plan, depth + 1, find, fail)

    for node in N.walk(plan):
        for e in _node_exprs(node):
            fix(e)
        if isinstance(node, N.Join) and node.lateral:
            pass  # walked through N.walk already (right side included)
        if isinstance(node, N.FunctionScan) and node.lateral:
            for a in node.args:
                fix(a)


_NO_EQUALITY = set()


def _init_no_equality():
    for name in ("JSON", "XML", "POINT"):
        t = getattr(T, name, None)
        if t is not None:
            _NO_EQUALITY.add(t)
            if getattr(t, "array", None) is not None:
                _NO_EQUALITY.add(t.array)


_init_no_equality()


def check_sortable(t, position=None):
    if t in _NO_EQUALITY:
        raise PgError(f"could not identify an ordering operator for type {R.type_name(t)}",
                      errcodes.UNDEFINED_FUNCTION, position=position,
                      hint="Use an explicit ordering operator or modify the query.")


def check_hashable(t, position=None):
    if t in _NO_EQUALITY:
        raise PgError(f"could not identify an equality operator for type {R.type_name(t)}",
                      errcodes.UNDEFINED_FUNCTION, position=position)


def _grouping_bits(idxs, nkeys):
    def f(mask):
        out = 0
        for i in idxs:
            out = (out << 1) | ((mask >> (nkeys - 1 - i)) & 1)
        return out

    return f


def _AGG_NAMES():
    return {name for name, cands in F.FUNCTIONS.items() if any(c.kind == "a" for c in cands)}


def _width_of(plan) -> int:
    return plan.width


def _lift_srfs(e: E.Expr, srfs: list, plan_width: int) -> E.Expr:
    """Replace set-returning calls by references to ProjectSet output columns."""

    def f(n):
        if isinstance(n, E.Call) and getattr(n.fn, "retset", False):
            for a in n.args:
                for x in E.walk(a):
                    if isinstance(x, E.Call) and getattr(x.fn, "retset", False):
                        raise PgError("set-returning functions must appear at top level of FROM",
                                      errcodes.FEATURE_NOT_SUPPORTED)
            srfs.append(n)
            return E.ColRef(plan_width + len(srfs) - 1, n.type, n.typmod, n.name)
        return None

    return _map_expr(e, f)


def _collect(e: E.Expr, aggs: list, wins: list) -> None:
    """Collect AggRefs/WindowRefs not nested inside another aggregate or subquery."""
    stack = [e]
    while stack:
        n = stack.pop()
        if isinstance(n, E.AggRef):
            if all(n is not a for a in aggs):
                aggs.append(n)
            continue
        if isinstance(n, E.WindowRef):
            if all(n is not w for w in wins):
                wins.append(n)
            for a in n.args:
                stack.append(a)
            for p in n.partition:
                stack.append(p)
            for o in n.order:
                stack.append(o[0])
            if n.filter is not None:
                stack.append(n.filter)
            continue
        stack.extend(n.children())


def _map_expr(e: E.Expr, f):
    """Replace subtrees top-down: f(node) returns a replacement or None to recurse."""
    r = f(e)
    if r is not None:
        return r
    if isinstance(e, E.WindowRef):
        e.args = [_map_expr(a, f) for a in e.args]
        e.partition = [_map_expr(p, f) for p in e.partition]
        e.order = [(_map_expr(o[0], f),) + tuple(o[1:]) for o in e.order]
        if e.filter is not None:
            e.filter = _map_expr(e.filter, f)
        return e
    if isinstance(e, E.AggRef):
        return e
    return E.transform(e, lambda n: None if n is e else _map_expr(n, f))


def _expr_key(e: E.Expr):
    """A structural signature: equal keys = same expression (for GROUP BY matching)."""
    t = type(e)
    if t is E.ColRef:
        return ("c", e.index)
    if t is E.OuterRef:
        return ("o", e.depth, e.index)
    if t is E.Const:
        v = e.value
        try:
            hash(v)
        except TypeError:
            v = repr(v)
        return ("k", v, e.type.oid if e.type is not None else 0)
    if isinstance(e, E.Param):
        return ("p", e.index)
    if t is E.Call:
        return ("f", id(e.fn)) + tuple(_expr_key(a) for a in e.args)
    if t is E.Cast:
        return ("x", e.type.oid, e.typmod, _expr_key(e.arg))
    if t is E.AggRef:
        return ("a", id(e))
    if t is E.WindowRef:
        return ("w", id(e))
    if t is E.SubPlan:
        return ("s", id(e))
    if t is E.Func:
        return ("F", e.name, id(e.fn)) + tuple(_expr_key(a) for a in e.args)
    return (t.__name__,) + tuple(_expr_key(c) for c in e.children()) + (getattr(e, "op", None),
                                                                         getattr(e, "negate", None))


def _same_ref(a, b) -> bool:
    return _expr_key(a) == _expr_key(b)


def _and_all(conds):
    if len(conds) == 1:
        return conds[0]
    return E.BoolOp("and", conds, T.BOOL)


def _dedup(xs):
    seen = set()
    out = []
    for x in xs:
        if x not in seen:
            seen.add(x)
            out.append(x)
    return out


def _common_typmod(exprs) -> int:
    tms = {e.typmod for e in exprs}
    return tms.pop() if len(tms) == 1 else -1
