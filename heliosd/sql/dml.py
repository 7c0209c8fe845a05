"""INSERT / UPDATE / DELETE analysis -> ModifyTable plans."""

from __future__ import annotations

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec import expr as E
from ..plan import nodes as N
from . import resolve as R
from .analyze import Analyzer, Query, RangeItem, ResultColumn, Scope, _default_name, _pos, ident

KEYCOL = "\x00key"


def _target_rel(an: Analyzer, table: exp.Table, verb: str = "insert into"):
    name = ident(table.this)
    schema = ident(table.args["db"]) if table.args.get("db") else None
    rel = an.lookup_relation(name, schema, table)
    if not hasattr(rel, "kind") or rel.kind != "r":
        kind = getattr(rel, "kind", None)
        if kind == "v":
            why = view_not_updatable(rel)
            raise PgError(f'cannot {verb} view "{name}"', errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE,
                          detail=why, hint=_view_hint(verb))
        if kind == "S":
            raise PgError(f'cannot change sequence "{name}"', errcodes.WRONG_OBJECT_TYPE)
        raise PgError(f'cannot change relation "{name}"' if kind else f'relation "{name}" does not exist',
                      errcodes.WRONG_OBJECT_TYPE)
    an.require(rel, _PRIV[verb])
    return rel


_PRIV = {"insert into": "a", "update": "w", "delete from": "d"}


def _reads_target(node) -> bool:
    """Whether DML reads its target's columns (WHERE, RETURNING, SET expressions,
    FROM/USING, ON CONFLICT DO UPDATE): PostgreSQL then needs SELECT as well."""
    if node.args.get("where") is not None or node.args.get("returning") is not None:
        return True
    if node.args.get("from_") is not None or node.args.get("using"):
        return True
    conflict = node.args.get("conflict")
    if conflict is not None and conflict.args.get("expressions"):
        return True
    if isinstance(node, exp.Update):
        for eq in node.expressions:
            if eq.expression is not None and eq.expression.find(exp.Column) is not None:
                return True
    return False


class _AsOwner:
    """Analyze a view's base-table DML with the view owner's rights."""

    def __init__(self, an, owner):
        self.an = an
        self.owner = owner

    def __enter__(self):
        self.an._check_as.append(self.owner)

    def __exit__(self, *exc):
        self.an._check_as.pop()


def _view_hint(verb):
    what = {"insert into": ("inserting into", "INSERT"), "update": ("updating", "UPDATE"),
            "delete from": ("deleting from", "DELETE")}[verb]
    return (f"To enable {what[0]} the view, provide an INSTEAD OF {what[1]} trigger or an unconditional "
            f"ON {what[1]} DO INSTEAD rule.")


# ----------------------------------------------------------------- automatically updatable views


def view_not_updatable(rel) -> str | None:
    """PostgreSQL's view_query_is_auto_updatable: the reason, or None if updatable."""
    from .parser import parse_sql

    q = parse_sql(rel.view_sql)
    if isinstance(q, (exp.Union, exp.Intersect, exp.Except)):
        return "Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable."
    if not isinstance(q, exp.Select):
        return "Views that do not select from a single table or view are not automatically updatable."
    if q.args.get("with_") is not None:
        return "Views containing WITH are not automatically updatable."
    if q.args.get("distinct") is not None:
        return "Views containing DISTINCT are not automatically updatable."
    if q.args.get("group") is not None:
        return "Views containing GROUP BY are not automatically updatable."
    if q.args.get("having") is not None:
        return "Views containing HAVING are not automatically updatable."
    if q.args.get("limit") is not None or q.args.get("offset") is not None:
        return "Views containing LIMIT or OFFSET are not automatically updatable."
    from .analyze import _AGG_NAMES

    for e in q.expressions:
        for n in e.walk():
            if isinstance(n, exp.Window):
                return "Views that return window functions are not automatically updatable."
            if isinstance(n, exp.Anonymous) and str(n.this).lower() in _AGG_NAMES():
                return "Views that return aggregate functions are not automatically updatable."
    frm = q.args.get("from_")
    if frm is None or q.args.get("joins") or (frm.expressions if hasattr(frm, "expressions") else None) or \
            not isinstance(frm.this, exp.Table) or not isinstance(frm.this.this, exp.Identifier):
        return "Views that do not select from a single table or view are not automatically updatable."
    return None


def rewrite_view_dml(an, node, rel, verb):
    """Rewrite DML on an automatically updatable view into DML on its base table
    (PostgreSQL's rewriteTargetView): view columns map to base columns, the view's
    WHERE restricts UPDATE/DELETE and is checked for WITH CHECK OPTION."""
    from .parser import parse_sql

    why = view_not_updatable(rel)
    if why is not None:
        raise PgError(f'cannot {verb} view "{rel.name}"', errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE, detail=why,
                      hint=_view_hint(verb))
    q = parse_sql(rel.view_sql)
    base = q.args["from_"].this
    view_cols = [c.name for c in rel.live_columns]
    mapping = {}
    for vc, e in zip(view_cols, q.expressions):
        inner = e.this if isinstance(e, exp.Alias) else e
        if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Identifier):
            mapping[vc] = ident(inner.this)
        else:
            mapping[vc] = None  # not updatable column
    where = q.args.get("where")
    return base, mapping, (where.this if where is not None else None), view_cols, q


def _rename_cols(node, mapping, alias, rel_name):
    def f(n):
        if isinstance(n, exp.Column) and isinstance(n.this, exp.Identifier):
            tbl = ident(n.args["table"]) if n.args.get("table") else None
            if tbl in (None, alias, rel_name):
                nm = ident(n.this)
                if nm in mapping:
                    if mapping[nm] is None:
                        raise PgError(f'cannot update column "{nm}" of view "{rel_name}"',
                                      errcodes.FEATURE_NOT_SUPPORTED,
                                      detail="View columns that are not columns of their base relation are not "
                                             "updatable.")
                    return exp.Column(this=exp.Identifier(this=mapping[nm], quoted=True),
                                      table=n.args.get("table"))
        return n

    return node.transform(f)


def _view_returning(node, mapping, view_cols, alias):
    ret = node.args.get("returning")
    if ret is None:
        return
    items = []
    for it in ret.expressions:
        if isinstance(it, exp.Star):
            for vc in view_cols:
                if mapping.get(vc):
                    items.append(exp.Alias(this=exp.Column(this=exp.Identifier(this=mapping[vc], quoted=True)),
                                           alias=exp.Identifier(this=vc, quoted=True)))
        else:
            inner = it.this if isinstance(it, exp.Alias) else it
            name = ident(it.args["alias"]) if isinstance(it, exp.Alias) else (
                ident(inner.this) if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Identifier)
                else None)
            new = _rename_cols(inner.copy(), mapping, alias, None)
            items.append(exp.Alias(this=new, alias=exp.Identifier(this=name, quoted=True)) if name else new)
    ret.set("expressions", items)


def default_expr(an: Analyzer, col, rel=None) -> E.Expr:
    if col.generated:
        return E.Const(None, col.type, col.typmod)  # computed by the table on write
    if col.identity:
        seq = an.env.catalog.sequences_owned.get((rel.oid, col.attnum)) if rel is not None else None
        if seq is not None:
            return _nextval_expr(an, seq, col)
    text = col.default
    if text is None and col.type.typtype == "d":
        from .ddl_types import domain_default

        text = domain_default(col.type)  # a domain's DEFAULT applies when the column has none
    if text is None:
        return E.Const(None, col.type, col.typmod)
    from .parser import parse_sql

    tree = parse_sql(f"SELECT {text}")
    e = an.expr(tree.expressions[0], Scope())
    return R.coerce(e, col.type, col.typmod, "assignment")


def _nextval_expr(an, seq, col):
    from .exprs import call_function

    ns = an.env.catalog.namespaces.get(seq.namespace)
    qual = f"{ns.name}.{seq.name}" if ns and ns.name != "public" else seq.name
    e = call_function(an, "nextval", [R.coerce(E.Const(qual, T.UNKNOWN), T.REGCLASS)], None, None)
    return R.coerce(e, col.type, col.typmod, "assignment")


def _returning(an, node, scope, rel):
    ret = node.args.get("returning")
    if ret is None:
        return None, None
    targets = []
    for item in ret.expressions:
        targets.extend(an._target(item, scope))
    exprs = [t[1] for t in targets]
    cols = []
    for name, e, _src, toid, attnum in targets:
        t = e.type if e.type is not T.UNKNOWN else T.TEXT
        cols.append(ResultColumn(name, t, e.typmod, toid, attnum))
    exprs = [R.coerce(e, T.TEXT) if e.type is T.UNKNOWN else e for e in exprs]
    for e in exprs:
        for n in E.walk(e):
            if isinstance(n, E.AggRef):
                raise PgError("aggregate functions are not allowed in RETURNING", errcodes.GROUPING_ERROR)
    return exprs, cols


class DmlStatement:
    def __init__(self, kind, plan, columns, tag):
        self.kind = kind
        self.plan = plan
        self.columns = columns  # RETURNING columns or None
        self.tag = tag


def _generated_error(col):
    raise PgError(f'cannot insert a non-DEFAULT value into column "{col.name}"', errcodes.GENERATED_ALWAYS,
                  detail=f'Column "{col.name}" is a generated column.')


def _check_identity(col, explicit_default=False, overriding=None):
    if col.identity == "a" and overriding not in ("system", "user"):
        raise PgError(f'cannot insert a non-DEFAULT value into column "{col.name}"',
                      errcodes.GENERATED_ALWAYS,
                      detail=f'Column "{col.name}" is an identity column defined as GENERATED ALWAYS.',
                      hint="Use OVERRIDING SYSTEM VALUE to override.")


def analyze_insert(an: Analyzer, node: exp.Insert) -> DmlStatement:
    target = node.this
    cols_node = None
    if isinstance(target, exp.Schema):
        cols_node = target.expressions
        table = target.this
    else:
        table = target
    alias = None
    if isinstance(table, exp.Table) and table.args.get("alias") is not None:
        alias = ident(table.args["alias"].this)
    vrel = an.lookup_relation(ident(table.this), ident(table.args["db"]) if table.args.get("db") else None, table)
    if getattr(vrel, "kind", None) == "v":
        base, mapping, _w, view_cols, _q = rewrite_view_dml(an, node, vrel, "insert into")
        node = node.copy()
        names = [ident(c) for c in cols_node] if cols_node else [v for v in view_cols]
        for nm in names:
            if nm in mapping and mapping[nm] is None:
                raise PgError(f'cannot insert into column "{nm}" of view "{vrel.name}"',
                              errcodes.FEATURE_NOT_SUPPORTED,
                              detail="View columns that are not columns of their base relation are not updatable.")
        new_cols = [exp.Identifier(this=mapping.get(nm, nm), quoted=True) for nm in names]
        new_table = base.copy()
        if alias:
            new_table.set("alias", exp.TableAlias(this=exp.Identifier(this=alias, quoted=True)))
        node.set("this", exp.Schema(this=new_table, expressions=new_cols))
        _view_returning(node, mapping, view_cols, alias)
        an.require(vrel, "ar" if _reads_target(node) else "a")
        with _AsOwner(an, vrel.owner):
            stmt = analyze_insert(an, node)
        stmt.view = vrel
        return stmt
    rel = _target_rel(an, table)
    if _reads_target(node):
        an.require(rel, "r")
    store = an.env.table_store(rel)
    live = rel.live_columns
    if cols_node:
        names = [ident(c) for c in cols_node]
        tcols = []
        for nm, cnode in zip(names, cols_node):
            c = rel.column(nm)
            if c is None:
                raise PgError(f'column "{nm}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_COLUMN,
                              position=_pos(cnode))
            if c in tcols:
                raise PgError(f'column "{nm}" specified more than once', errcodes.DUPLICATE_COLUMN)
            tcols.append(c)
    else:
        tcols = list(live)
        # without a column list, the values fill the leading columns (the rest default)
        n = None
        if isinstance(node.expression, exp.Values) and node.expression.expressions:
            first = node.expression.expressions[0]
            n = len(first.expressions) if isinstance(first, exp.Tuple) else 1
        if n is not None and n < len(tcols):
            tcols = tcols[:n]
    overriding = None
    if node.args.get("overriding") is not None:
        overriding = str(node.args.get("overriding")).lower()
    src = node.expression
    defaults = {}

    def dflt(col):
        if col.attnum not in defaults:
            defaults[col.attnum] = default_expr(an, col, rel)
        return defaults[col.attnum]

    pos_of = {c.attnum: i for i, c in enumerate(tcols)}
    if src is None or isinstance(src, exp.Var) and src.this.upper() == "DEFAULT VALUES" or \
            node.args.get("default"):
        rows = [[dflt(c) for c in live]]
        plan = N.Values(rows, [c.type for c in live])
    elif isinstance(src, exp.Values):
        rows = []
        for tup in src.expressions:
            items = tup.expressions if isinstance(tup, exp.Tuple) else [tup]
            if len(items) > len(tcols):
                raise PgError("INSERT has more expressions than target columns", errcodes.SYNTAX_ERROR,
                              position=_pos(items[len(tcols)]))
            if len(items) < len(tcols):
                raise PgError("INSERT has more target columns than expressions", errcodes.SYNTAX_ERROR)
            vals = {}
            for c, it in zip(tcols, items):
                if _is_default(it):
                    vals[c.attnum] = dflt(c)
                    continue
                if c.identity == "a":
                    _check_identity(c, overriding=overriding)
                if c.generated:
                    _generated_error(c)
                e = an.expr(it, Scope())
                try:
                    vals[c.attnum] = R.coerce(e, c.type, c.typmod, "assignment", _pos(it))
                    if c.identity and overriding == "user":
                        vals[c.attnum] = dflt(c)
                except PgError as err:
                    if err.code == errcodes.DATATYPE_MISMATCH:
                        raise PgError(f'column "{c.name}" is of type {T.format_type(c.type.oid, c.typmod)} but '
                                      f'expression is of type {R.type_name(e.type)}', errcodes.DATATYPE_MISMATCH,
                                      hint="You will need to rewrite or cast the expression.",
                                      position=_pos(it)) from None
                    raise
            rows.append([vals[c.attnum] if c.attnum in vals else dflt(c) for c in live])
        plan = N.Values(rows, [c.type for c in live])
    else:
        q = an._branch(src, None)  # unknown literals take the target columns' types (as PostgreSQL)
        for i, qc in enumerate(q.columns):
            if qc.type is T.UNKNOWN:
                target = tcols[i].type if i < len(tcols) else T.TEXT
                if an._coerce_output(q, i, target) is None:
                    an._coerce_output(q, i, T.TEXT)
                    qc.type = T.TEXT
                else:
                    qc.type = target
        if not cols_node and len(q.columns) < len(tcols):
            tcols = tcols[:len(q.columns)]
            pos_of = {c.attnum: i for i, c in enumerate(tcols)}
        if len(q.columns) > len(tcols):
            raise PgError("INSERT has more expressions than target columns", errcodes.SYNTAX_ERROR)
        if len(q.columns) < len(tcols):
            raise PgError("INSERT has more target columns than expressions", errcodes.SYNTAX_ERROR)
        exprs = []
        for c in live:
            if c.attnum in pos_of:
                i = pos_of[c.attnum]
                qc = q.columns[i]
                if c.identity == "a":
                    _check_identity(c, overriding=overriding)
                if c.generated:
                    _generated_error(c)
                ref = E.ColRef(i, qc.type, qc.typmod)
                try:
                    exprs.append(R.coerce(ref, c.type, c.typmod, "assignment"))
                    if c.identity and overriding == "user":
                        exprs[-1] = dflt(c)
                except PgError as err:
                    if err.code == errcodes.DATATYPE_MISMATCH:
                        raise PgError(f'column "{c.name}" is of type {T.format_type(c.type.oid, c.typmod)} but '
                                      f'expression is of type {R.type_name(qc.type)}', errcodes.DATATYPE_MISMATCH,
                                      hint="You will need to rewrite or cast the expression.") from None
                    raise
            else:
                exprs.append(dflt(c))
        plan = N.Project(q.plan, exprs)
    mt = N.ModifyTable("insert", store, rel, plan)
    scope = Scope()
    scope.add(RangeItem(alias or rel.name, [c.name for c in live], [c.type for c in live],
                        [c.typmod for c in live], table_oid=rel.oid, attnums=[c.attnum for c in live], rel=rel))
    conflict = node.args.get("conflict")
    if conflict is not None:
        mt.on_conflict = _on_conflict(an, conflict, rel, store, scope, live, alias)
    # RETURNING may read the system column xmax (the upsert idiom "xmax = 0 AS inserted"):
    # 0 for an inserted row, the transaction id for a row ON CONFLICT DO UPDATE changed
    it = scope.items[0]
    it.names = it.names + ["\x00xmax"]
    it.types = it.types + [T.XID]
    it.typmods = it.typmods + [-1]
    it.attnums = it.attnums + [0]
    mt.returning, cols = _returning(an, node, scope, rel)
    if mt.returning is not None:
        xpos = len(live)
        mt.returning_xmax = any(isinstance(n, E.ColRef) and n.index == xpos
                                for e in mt.returning for n in E.walk(e))
    return DmlStatement("insert", mt, cols, "INSERT")


def _is_default(it) -> bool:
    return (isinstance(it, exp.Var) and it.this.upper() == "DEFAULT") or \
        (isinstance(it, exp.Column) and isinstance(it.this, exp.Identifier) and not it.this.quoted and
         it.this.this.upper() == "DEFAULT" and not it.table) or type(it).__name__ == "Default"


def _on_conflict(an, conflict, rel, store, scope, live, alias):
    action = "update" if conflict.args.get("duplicate") or conflict.args.get("expressions") else "nothing"
    act = conflict.args.get("action")
    if act is not None and "NOTHING" in str(act).upper():
        action = "nothing"
    keys = conflict.args.get("conflict_keys") or []
    constraint = conflict.args.get("constraint")
    arbiters = []
    if constraint is not None:
        cname = ident(constraint)
        con = an.env.catalog.constraint_by_name(rel.oid, cname)
        if con is None or con.index is None:
            raise PgError(f'constraint "{cname}" for table "{rel.name}" does not exist', errcodes.UNDEFINED_OBJECT)
        arbiters = [i for i in store.indexes if i.oid == con.index]
    elif keys:
        from . import ddl as D

        rscope = D._rel_scope(rel)
        want = []
        for k in keys:
            kn = k.this if isinstance(k, exp.Ordered) else k
            if isinstance(kn, exp.Paren):
                kn = kn.this
            if isinstance(kn, (exp.Column, exp.Identifier)) and not (isinstance(kn, exp.Column) and kn.table):
                nm = ident(kn)
                c = rel.column(nm)
                if c is None:
                    raise PgError(f'column "{nm}" does not exist', errcodes.UNDEFINED_COLUMN, position=_pos(kn))
                want.append(("c", c.attnum))
            else:
                want.append(("e", _canon(an.expr(kn, rscope))))
        want.sort()
        where = conflict.args.get("index_predicate")
        wconj = None
        if where is not None:
            we = an.bool_expr(where.this if isinstance(where, exp.Where) else where, rscope, "WHERE")
            wconj = {_canon(x) for x in _conjuncts(we)}
        for info in store.indexes:
            if not info.unique:
                continue
            have = []
            for a, etext in zip(info.attnums, info.exprs):
                if a:
                    have.append(("c", a))
                else:
                    have.append(("e", _canon(an.expr(parse_sql_expr(etext), rscope))))
            if sorted(have) != want:
                continue
            if info.pred is not None:
                if wconj is None:
                    continue
                ptext = info.rel.index.predicate
                pe = an.bool_expr(parse_sql_expr(ptext), rscope, "WHERE")
                if not all(_canon(x) in wconj for x in _conjuncts(pe)):
                    continue
            arbiters.append(info)
        if not arbiters:
            raise PgError("there is no unique or exclusion constraint matching the ON CONFLICT specification",
                          errcodes.INVALID_COLUMN_REFERENCE)
    elif action == "update":
        raise PgError("ON CONFLICT DO UPDATE requires inference specification or constraint name",
                      errcodes.SYNTAX_ERROR,
                      hint="For example, ON CONFLICT (column_name).")
    for info in arbiters:
        if info.constraint is not None and info.constraint.deferrable:
            raise PgError("ON CONFLICT does not support deferrable unique constraints/exclusion constraints as "
                          "arbiters", errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
    out = {"arbiters": arbiters, "action": action, "set": None, "where": None}
    if action == "update":
        cscope = Scope()
        n = len(live)
        cscope.add(RangeItem(alias or rel.name, [c.name for c in live], [c.type for c in live],
                             [c.typmod for c in live], table_oid=rel.oid, rel=rel))
        cscope.add(RangeItem("excluded", [c.name for c in live], [c.type for c in live], [c.typmod for c in live]))
        sets = {}
        for eq in conflict.args.get("expressions") or []:
            _assign(an, eq, rel, cscope, sets)
        out["set"] = [sets.get(c.attnum, E.ColRef(i, c.type, c.typmod)) for i, c in enumerate(live)]
        where = conflict.args.get("where")
        if where is not None:
            out["where"] = an.bool_expr(where.this if isinstance(where, exp.Where) else where, cscope, "WHERE")
        _ = n
    return out


def parse_sql_expr(text: str):
    from .parser import parse_sql

    return parse_sql(f"SELECT {text}").expressions[0]


def _conjuncts(e) -> list:
    """The AND-ed parts of a boolean expression (PostgreSQL's make_ands_implicit)."""
    if isinstance(e, E.BoolOp) and e.op == "and":
        out = []
        for a in e.args:
            out.extend(_conjuncts(a))
        return out
    return [e]


def _canon(e) -> str:
    """A comparable text for an analyzed expression over the target relation (ON CONFLICT
    inference compares index expressions and predicates with the statement's by structure)."""
    from ..exec import deparse as DP

    return DP.deparse(e, DP.Context(lambda c: f"${c.index}"))


def _assign(an, eq, rel, scope, sets):
    """One SET item (col = expr, or (a, b) = (x, y) / = (SELECT ...))."""
    left = eq.this
    right = eq.expression
    if isinstance(left, (exp.Tuple, exp.Paren)) and not isinstance(left, exp.Column):
        lcols = left.expressions if isinstance(left, exp.Tuple) else [left.this]
        names = [ident(c.this if isinstance(c, exp.Column) else c) for c in lcols]
        if isinstance(right, (exp.Tuple,)):
            rvals = right.expressions
            if len(rvals) != len(names):
                raise PgError("number of columns does not match number of values", errcodes.SYNTAX_ERROR)
            for nm, rv in zip(names, rvals):
                _set_one(an, nm, rv, rel, scope, sets)
            return
        if isinstance(right, exp.Subquery):
            q = an.query(right.this, scope)
            if len(q.columns) != len(names):
                raise PgError("number of columns does not match number of values", errcodes.SYNTAX_ERROR)
            from .exprs import plan_uses_outer

            corr = plan_uses_outer(q.plan, 0)
            for i, nm in enumerate(names):
                col = rel.column(nm)
                sub = N.Project(q.plan, [E.ColRef(i, q.columns[i].type, q.columns[i].typmod)])
                sp = E.SubPlan("scalar", sub, corr, q.columns[i].type)
                sets[col.attnum] = R.coerce(sp, col.type, col.typmod, "assignment")
            return
        raise PgError("source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression",
                      errcodes.SYNTAX_ERROR)
    if isinstance(left, exp.Bracket):
        _set_subscript(an, left, right, rel, scope, sets)
        return
    if isinstance(left, exp.Column):
        name = ident(left.this)
        if left.args.get("table") and ident(left.args["table"]) not in (rel.name,):
            # "SET t.col = x" is not PostgreSQL syntax unless t is a composite column
            pass
    else:
        name = ident(left)
    _set_one(an, name, right, rel, scope, sets, _pos(left))


def _set_subscript(an, left, right, rel, scope, sets):
    """SET a[i] = x, a[i:j] = arr, j['k'] = v (several may target one column: they compose)."""
    from .exprs import subscript_assignment

    inner = left
    while isinstance(inner, exp.Bracket):
        inner = inner.this
    name = ident(inner.this) if isinstance(inner, exp.Column) else ident(inner)
    col = rel.column(name)
    if col is None:
        raise PgError(f'column "{name}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_COLUMN,
                      position=_pos(inner))
    prev = sets.get(col.attnum)
    if prev is not None and getattr(prev, "name", None) != "subscript assignment":
        raise PgError(f'multiple assignments to same column "{name}"', errcodes.SYNTAX_ERROR)
    if col.generated or col.identity == "a":
        _set_one(an, name, right, rel, scope, {})  # raises PostgreSQL's error for the column
    base = prev if prev is not None else an.expr(exp.Column(this=exp.to_identifier(name)), scope)
    sets[col.attnum] = subscript_assignment(an, left, right, col, base, scope)


def _set_one(an, name, right, rel, scope, sets, position=None):
    col = rel.column(name)
    if col is None:
        raise PgError(f'column "{name}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_COLUMN,
                      position=position)
    if col.attnum in sets:
        raise PgError(f'multiple assignments to same column "{name}"', errcodes.SYNTAX_ERROR)
    if _is_default(right):
        sets[col.attnum] = default_expr(an, col, rel)
        return
    if col.identity == "a":
        raise PgError(f'column "{name}" can only be updated to DEFAULT', errcodes.GENERATED_ALWAYS,
                      detail=f'Column "{name}" is an identity column defined as GENERATED ALWAYS.')
    if col.generated:
        raise PgError(f'column "{name}" can only be updated to DEFAULT', errcodes.GENERATED_ALWAYS,
                      detail=f'Column "{name}" is a generated column.')
    e = an.expr(right, scope)
    try:
        sets[col.attnum] = R.coerce(e, col.type, col.typmod, "assignment", _pos(right))
    except PgError as err:
        if err.code == errcodes.DATATYPE_MISMATCH:
            raise PgError(f'column "{name}" is of type {T.format_type(col.type.oid, col.typmod)} but expression '
                          f'is of type {R.type_name(e.type)}', errcodes.DATATYPE_MISMATCH,
                          hint="You will need to rewrite or cast the expression.", position=_pos(right)) from None
        raise


def _target_scope(an, rel, store, alias, extra_from, node):
    scope = Scope()
    live = rel.live_columns
    scan = N.Scan(store, rel, alias or rel.name, with_key=True)
    as_of = None
    if as_of is not None:
        scan.as_of = as_of
    names = [c.name for c in live] + [KEYCOL]
    types = [c.type for c in live] + [T.BYTEA]
    item = RangeItem(alias or rel.name, names, types, [c.typmod for c in live] + [-1], table_oid=rel.oid,
                     attnums=[c.attnum for c in live] + [0], rel=rel, scan=scan)
    scope.add(item)
    plan = scan
    for f in extra_from:
        right = an.range_item(f, scope)
        from .analyze import _LateralMarker

        if isinstance(right, _LateralMarker):
            plan = N.Join("inner", plan, right.plan, None, lateral=True)
        else:
            plan = N.Join("inner", plan, right)
    return scope, plan


def _recheck_conds(pred, ncols):
    from ..plan.physical import conjuncts

    out = []
    for c in conjuncts(pred):
        ok = True
        for n in E.walk(c):
            if isinstance(n, E.ColRef) and n.index >= ncols:
                ok = False
            if isinstance(n, E.SubPlan):
                ok = False
        if ok:
            out.append(c)
    return out


def _view_target(an, node, verb):
    """UPDATE/DELETE on an updatable view -> the same statement on its base table."""
    table = node.this
    vrel = an.lookup_relation(ident(table.this), ident(table.args["db"]) if table.args.get("db") else None, table)
    if getattr(vrel, "kind", None) != "v":
        return None
    base, mapping, vwhere, view_cols, _q = rewrite_view_dml(an, node, vrel, verb)
    an.require(vrel, _PRIV[verb] + ("r" if _reads_target(node) else ""))
    alias = ident(table.args["alias"].this) if table.args.get("alias") is not None else vrel.name
    node = node.copy()
    node.meta["helios_view"] = vrel
    new_table = base.copy()
    new_table.set("alias", exp.TableAlias(this=exp.Identifier(this=alias, quoted=True)))
    node.set("this", new_table)
    if isinstance(node, exp.Update):
        sets = []
        for eq in node.expressions:
            eq = eq.copy()
            left = eq.this
            nm = ident(left.this if isinstance(left, exp.Column) else left)
            if nm in mapping and mapping[nm] is None:
                raise PgError(f'cannot update column "{nm}" of view "{vrel.name}"', errcodes.FEATURE_NOT_SUPPORTED,
                              detail="View columns that are not columns of their base relation are not updatable.")
            eq.set("this", exp.Column(this=exp.Identifier(this=mapping.get(nm, nm), quoted=True)))
            eq.set("expression", _rename_cols(eq.expression, mapping, alias, vrel.name))
            sets.append(eq)
        node.set("expressions", sets)
    where = node.args.get("where")
    conds = []
    if where is not None:
        conds.append(_rename_cols(where.this.copy(), mapping, alias, vrel.name))
    if vwhere is not None:
        conds.append(vwhere.copy())
    if conds:
        c = conds[0] if len(conds) == 1 else exp.And(this=exp.Paren(this=conds[0]), expression=exp.Paren(this=conds[1]))
        node.set("where", exp.Where(this=c))
    _view_returning(node, mapping, view_cols, alias)
    return node


def analyze_update(an: Analyzer, node: exp.Update) -> DmlStatement:
    vnode = _view_target(an, node, "update")
    if vnode is not None:
        with _AsOwner(an, vnode.meta["helios_view"].owner):
            return analyze_update(an, vnode)
    table = node.this
    alias = ident(table.args["alias"].this) if table.args.get("alias") is not None else None
    rel = _target_rel(an, table, "update")
    if _reads_target(node):
        an.require(rel, "r")
    store = an.env.table_store(rel)
    frm = node.args.get("from_")
    extra = []
    if frm is not None:
        extra = [frm.this] + list(frm.expressions or [])
    joins = node.args.get("joins") or []
    scope, plan = _target_scope(an, rel, store, alias, extra, node)
    for j in joins:
        plan = an.join(plan, j, scope)
    where = node.args.get("where")
    pred = None
    if where is not None:
        pred = an.bool_expr(where.this, scope, "WHERE")
        an._no_aggs(pred, "WHERE")
        plan = N.Filter(plan, pred)
    live = rel.live_columns
    sets = {}
    for eq in node.expressions:
        _assign(an, eq, rel, scope, sets)
    for e in sets.values():
        an._no_aggs(e, "UPDATE")
    set_exprs = [sets.get(c.attnum, E.ColRef(i, c.type, c.typmod)) for i, c in enumerate(live)]
    mt = N.ModifyTable("update", store, rel, plan)
    mt.set_exprs = set_exprs
    mt.recheck = _recheck_conds(pred, len(live)) if pred is not None else None
    mt.returning, cols = _returning(an, node, scope, rel)
    return DmlStatement("update", mt, cols, "UPDATE")


def analyze_delete(an: Analyzer, node: exp.Delete) -> DmlStatement:
    vnode = _view_target(an, node, "delete from")
    if vnode is not None:
        with _AsOwner(an, vnode.meta["helios_view"].owner):
            return analyze_delete(an, vnode)
    table = node.this
    alias = ident(table.args["alias"].this) if table.args.get("alias") is not None else None
    rel = _target_rel(an, table, "delete from")
    if _reads_target(node):
        an.require(rel, "r")
    store = an.env.table_store(rel)
    using = node.args.get("using") or []
    scope, plan = _target_scope(an, rel, store, alias, using, node)
    where = node.args.get("where")
    pred = None
    if where is not None:
        pred = an.bool_expr(where.this, scope, "WHERE")
        an._no_aggs(pred, "WHERE")
        plan = N.Filter(plan, pred)
    mt = N.ModifyTable("delete", store, rel, plan)
    mt.recheck = _recheck_conds(pred, len(rel.live_columns)) if pred is not None else None
    mt.returning, cols = _returning(an, node, scope, rel)
    return DmlStatement("delete", mt, cols, "DELETE")


_ = (Query, _default_name)
