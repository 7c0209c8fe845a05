"""pg_get_viewdef: a view's stored query printed as PostgreSQL 15 prints it.

The view's SQL is re-analyzed (FROM items into a scope, every expression
into typed IR) and printed clause by clause in ruleutils.c's layout::

     SELECT tasks.id,
        tasks.project_id
       FROM tasks
      WHERE tasks.status::text <> 'done'::text;

Column references are always qualified with their range item's name (a
view's query has OLD/NEW range entries in PostgreSQL, so ruleutils
prefixes every Var); an output column gets ``AS name`` unless it is a
column of the same name.  Pretty mode drops redundant parentheses; the
default mode keeps PostgreSQL's full parenthesization (but, like
PostgreSQL, still breaks lines).  Queries this printer does not handle
(set operations, CTEs, subqueries in FROM) are shown as their stored text.
"""

from __future__ import annotations

from sqlglot import exp


def view_def(ctx, cat, rel, pretty: bool) -> str | None:
    if not rel.view_sql:
        return None
    from ...exec.functions.pgcatalog_names import search_path

    key = ("pgviewdef", rel.oid, pretty, tuple(search_path()))
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    try:
        text = _view_text(ctx, cat, rel, pretty)
    except Exception:
        text = " " + rel.view_sql + ";"
    cat.cache[key] = text
    return text


def _view_text(ctx, cat, rel, pretty):
    from ...exec import deparse as DP
    from ...exec.functions.pgcatalog_names import snippet_path
    from ...sql.analyze import Analyzer, Scope, ident
    from ...sql.parser import parse_sql
    from ._text import _session, _snippet_path

    tree = parse_sql(rel.view_sql)
    if not isinstance(tree, exp.Select) or tree.args.get("with_"):
        raise ValueError("unsupported view query")
    s = _session(ctx)
    env = s.env_for(cat)
    from ...exec.functions.pgcatalog_names import search_path as _session_path

    out_path = list(_session_path())  # relation names print as visible from the session
    path = _snippet_path(cat, rel)
    env.search_path = path
    an = Analyzer(env)
    scope = Scope()
    with snippet_path(path):
        an.from_clause(tree, scope)
        items = list(scope.items)

        def colname(e):
            i = e.index
            for it in items:
                if it.offset <= i < it.offset + len(it.names):
                    return f"{DP.quote_ident(it.alias)}.{DP.quote_ident(it.names[i - it.offset])}"
            return DP.quote_ident(getattr(e, "name", "?"))

        out = None
        try:
            tz = s.tz()

            def _out(t, v, _c={}):
                f = _c.get(t.oid)
                if f is None:
                    f = _c[t.oid] = t.text_out_for(tz, int(s.get_guc("extra_float_digits")),
                                                   s.get_guc("bytea_output"), s.get_guc("IntervalStyle"))
                return f(v)

            out = _out
        except Exception:
            out = None
        dctx = DP.Context(colname, pretty, out, indent=8)

        def dp(e, showimplicit=False):
            return DP.deparse(e, dctx, showimplicit, raw=True)

        targets = []
        for item in tree.expressions:
            targets.extend(an._target(item, scope))
        names = [c.name for c in rel.live_columns] or [t[0] for t in targets]
        parts = []
        from ...exec import expr as E

        for i, (tname, e, _node, _toid, _attnum) in enumerate(targets):
            oname = names[i] if i < len(names) else tname
            text = dp(e)
            if pretty and _needs_target_parens(e):
                pass
            if isinstance(e, E.ColRef) and colname(e).split(".")[-1] == DP.quote_ident(oname):
                parts.append(text)
            else:
                parts.append(f"{text} AS {DP.quote_ident(oname)}")
        distinct = tree.args.get("distinct")
        sql = " SELECT " + ("DISTINCT " if distinct is not None else "")
        for i, p in enumerate(parts):
            # a column that starts on a line of its own (CASE) does not get the usual break
            sql += ("" if i == 0 else "," if p.startswith("\x01") else ",\n    ") + p
        sql += "\n   FROM " + _from_text(an, tree, scope, items, dp, pretty, cat, ident, out_path)
        where = tree.args.get("where")
        if where is not None:
            sql += "\n  WHERE " + dp(an.expr(where.this, scope))
        group = tree.args.get("group")
        if group is not None:
            gs = []
            for g in group.expressions:
                if isinstance(g, exp.Literal) and not g.is_string:
                    gs.append(dp(targets[int(g.this) - 1][1]))
                else:
                    gs.append(dp(an.expr(g, scope)))
            sql += "\n  GROUP BY " + ", ".join(gs)
        having = tree.args.get("having")
        if having is not None:
            sql += "\n HAVING " + dp(an.expr(having.this, scope))
        order = tree.args.get("order")
        if order is not None:
            os_ = []
            for o in order.expressions:
                x = o.this
                if isinstance(x, exp.Literal) and not x.is_string:
                    txt = dp(targets[int(x.this) - 1][1])
                else:
                    match = None
                    if isinstance(x, exp.Column) and not x.table:
                        nm = ident(x.this)
                        for t in targets:
                            if t[0] == nm:
                                match = t[1]
                                break
                    txt = dp(match if match is not None else an.expr(x, scope))
                if o.args.get("desc"):
                    txt += " DESC"
                nf = o.args.get("nulls_first")
                desc = bool(o.args.get("desc"))
                if nf is not None and bool(nf) != desc:
                    txt += " NULLS FIRST" if nf else " NULLS LAST"
                os_.append(txt)
            sql += "\n  ORDER BY " + ", ".join(os_)
        limit = tree.args.get("limit")
        if limit is not None:
            le = limit.expression if isinstance(limit, exp.Limit) else limit
            sql += "\n LIMIT " + dp(an.expr(le, Scope()))
        offset = tree.args.get("offset")
        if offset is not None:
            oe = offset.expression if isinstance(offset, exp.Offset) else offset
            sql += "\n OFFSET " + dp(an.expr(oe, Scope()))
    return DP.finalize(sql + ";")


def _needs_target_parens(e):
    return False


def _rel_text(cat, node, ident, out_path):
    from ...exec import deparse as DP
    from ...exec.functions.pgcatalog_names import lookup_relation, regclass_out, snippet_path

    name = ident(node.this)
    schema = ident(node.args["db"]) if node.args.get("db") else None
    oid = lookup_relation(f"{DP.quote_ident(schema)}.{DP.quote_ident(name)}" if schema else DP.quote_ident(name))
    with snippet_path(out_path):  # qualified unless visible from the session
        text = regclass_out(oid)
    alias = node.args.get("alias")
    real = cat.relations.get(oid)
    real_name = real.name if real is not None else name
    if alias is not None and alias.this is not None and ident(alias.this) != real_name:
        text += " " + DP.quote_ident(ident(alias.this))
    return text


def _from_text(an, tree, scope, items, dp, pretty, cat, ident, out_path):
    frm = tree.args.get("from_")
    joins = tree.args.get("joins") or []
    first = frm.this
    if not isinstance(first, exp.Table):
        raise ValueError("unsupported FROM item")
    text = _rel_text(cat, first, ident, out_path)
    extra = frm.expressions or []
    for x in extra:
        if not isinstance(x, exp.Table):
            raise ValueError("unsupported FROM item")
        text += ",\n    " + _rel_text(cat, x, ident, out_path)
    for j in joins:
        if not isinstance(j.this, exp.Table):
            raise ValueError("unsupported join item")
        side = (j.args.get("side") or "").upper()
        kind = (j.args.get("kind") or "").upper()
        if kind == "CROSS":
            word = "CROSS JOIN"
        elif side in ("LEFT", "RIGHT", "FULL"):
            word = f"{side} JOIN"
        else:
            word = "JOIN"
        rt = _rel_text(cat, j.this, ident, out_path)
        on = j.args.get("on")
        cond = ""
        if on is not None:
            c = dp(an.expr(on, scope))
            cond = f" ON {c}" if pretty else f" ON ({c})"
        elif j.args.get("using"):
            cond = " USING (" + ", ".join(ident(u) for u in j.args["using"]) + ")"
        text = text + f"\n     {word} {rt}{cond}"
        if not pretty:
            text = "(" + text + ")"
    return text
