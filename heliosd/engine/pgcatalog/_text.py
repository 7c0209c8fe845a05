"""Catalog SQL snippets -> PostgreSQL's deparsed text.

heliosd stores column defaults, CHECK expressions, index expressions and
predicates and view queries as SQL text.  To show them the way PostgreSQL's
ruleutils.c does (``nextval('tasks_id_seq'::regclass)``,
``'todo'::character varying``, ``(status)::text <> 'done'::text``), the
text is analyzed again into heliosd's typed expression IR (in a scope made
of the table's columns, with the search path pinned to the object's schema)
and printed by :mod:`heliosd.exec.deparse`.  Results are memoized on the
immutable Catalog per (object, pretty flag, search path).

This module sits in the engine package but drives the SQL analyzer
(imported lazily): it is the bridge between stored catalog text and the
client-visible deparsed form, used by pg_catalog rows and by the
pg_get_*def() functions alike.  Anything that fails to analyze is shown as
the stored text rather than failing the client's query.
"""

from __future__ import annotations

import re

from ... import types as T
from .. import catalog as C

_REF = re.compile(r"\{HELIOS :(\w+)((?: \d+)*)\}")


def _session(ctx):
    s = getattr(ctx, "session", None)
    if s is None:
        from ...exec import runtime

        s = runtime.state.session
    return s


def _snippet_path(cat, rel) -> list[str]:
    ns = cat.namespaces.get(rel.namespace) if rel is not None else None
    path = ["pg_catalog"]
    if ns is not None and ns.name not in path:
        path.append(ns.name)
    if "public" not in path:
        path.append("public")
    return path


class _Scope:
    def __init__(self, rel):
        self.rel = rel
        self.live = rel.live_columns if rel is not None else []


def analyze(ctx, cat, rel, sql: str):
    """SQL text -> typed IR in a scope of ``rel``'s columns."""
    from ...exec.functions.pgcatalog_names import snippet_path
    from ...sql.analyze import Analyzer, RangeItem, Scope
    from ...sql.parser import parse_sql

    s = _session(ctx)
    env = s.env_for(cat)
    path = _snippet_path(cat, rel)
    env.search_path = path
    tree = parse_sql(f"SELECT {sql}")
    an = Analyzer(env)
    scope = Scope()
    if rel is not None:
        live = rel.live_columns
        scope.add(RangeItem(rel.name, [c.name for c in live], [c.type for c in live], [c.typmod for c in live],
                            table_oid=rel.oid, attnums=[c.attnum for c in live], rel=rel))
    from ...sql import exprs as X

    prev = X.FOLD[0]
    X.FOLD[0] = False  # stored expressions are shown unfolded, as PostgreSQL stores them
    try:
        with snippet_path(path):
            return an.expr(tree.expressions[0], scope)
    finally:
        X.FOLD[0] = prev


def _context(ctx, rel, pretty, qualify=None):
    from ...exec import deparse as DP

    live = rel.live_columns if rel is not None else []
    s = _session(ctx)

    def colname(e):
        i = e.index
        n = live[i].name if 0 <= i < len(live) else getattr(e, "name", "?")
        q = DP.quote_ident(n)
        return f"{DP.quote_ident(qualify)}.{q}" if qualify else q

    out = None
    if s is not None:
        try:
            tz = s.tz()
            efd = int(s.get_guc("extra_float_digits"))
            bo = s.get_guc("bytea_output")
            ist = s.get_guc("IntervalStyle")

            def _out(t, v, _c={}):
                f = _c.get(t.oid)
                if f is None:
                    f = _c[t.oid] = t.text_out_for(tz, efd, bo, ist)
                return f(v)

            out = _out
        except Exception:
            out = None
    return DP.Context(colname, pretty, out)


def _memo(ctx, cat, key, fn):
    from ...exec.functions.pgcatalog_names import search_path

    k = ("pgtext",) + key + (tuple(search_path()),)
    hit = cat.cache.get(k)
    if hit is None:
        try:
            hit = fn()
        except Exception:
            hit = None
        cat.cache[k] = hit if hit is not None else ""
    return hit if hit != "" else None


def deparse_sql(ctx, cat, rel, sql, pretty, toplevel_type=None, qualify=None):
    from ...exec import deparse as DP
    from ...sql import resolve as R

    e = analyze(ctx, cat, rel, sql)
    if toplevel_type is not None and e.type is T.UNKNOWN:
        e = R.coerce(e, toplevel_type, -1, "assignment")
    return DP.deparse(e, _context(ctx, rel, pretty, qualify))


# ----------------------------------------------------------------- defaults, checks, indexes


def default_text(ctx, cat, rel, col, pretty=False) -> str | None:
    sql = col.default if col.default is not None else col.generated_expr if hasattr(col, "generated_expr") \
        else None
    if sql is None:
        return None

    def f():
        return deparse_sql(ctx, cat, rel, sql, pretty, toplevel_type=col.type)

    return _memo(ctx, cat, ("default", rel.oid, col.attnum, pretty), f) or sql


def check_text(ctx, cat, con, pretty=False) -> str:
    rel = cat.relations.get(con.table)

    def f():
        return deparse_sql(ctx, cat, rel, con.check, pretty)

    return _memo(ctx, cat, ("check", con.oid, pretty), f) or con.check


def index_key_text(ctx, cat, irel, i, pretty=False) -> str:
    from ...exec import deparse as DP

    ix = irel.index
    tbl = cat.relations.get(ix.table)
    keys = list(ix.keys) + [C.IndexKey(attnum=a) for a in ix.include]
    k = keys[i]
    if k.attnum:
        col = tbl.column_by_attnum(k.attnum) if tbl is not None else None
        return DP.quote_ident(col.name) if col is not None else str(k.attnum)

    def f():
        s = deparse_sql(ctx, cat, tbl, k.expr, pretty)
        # an index expression that is not a plain function call gets parentheses
        from ...exec import expr as E
        e = analyze(ctx, cat, tbl, k.expr)
        if not (isinstance(e, (E.Call, E.Coalesce, E.MinMax)) and getattr(e.fn, "kind", "f") != "o"
                if isinstance(e, E.Call) else isinstance(e, (E.Coalesce, E.MinMax))):
            s = f"({s})"
        return s

    return _memo(ctx, cat, ("idxkey", irel.oid, i, pretty), f) or f"({k.expr})"


def predicate_text(ctx, cat, irel, pretty=False) -> str | None:
    ix = irel.index
    if not ix.predicate:
        return None
    tbl = cat.relations.get(ix.table)

    def f():
        return deparse_sql(ctx, cat, tbl, ix.predicate, pretty)

    return _memo(ctx, cat, ("indpred", irel.oid, pretty), f) or ix.predicate


def expr_type(ctx, cat, table_oid, sql):
    rel = cat.relations.get(table_oid)
    return analyze(ctx, cat, rel, sql).type


def referenced_attnums(ctx, cat, table_oid, sql) -> list[int]:
    from ...exec import expr as E

    rel = cat.relations.get(table_oid)
    e = analyze(ctx, cat, rel, sql)
    live = rel.live_columns
    out = []
    for n in E.walk(e):
        if isinstance(n, E.ColRef) and 0 <= n.index < len(live):
            a = live[n.index].attnum
            if a not in out:
                out.append(a)
    return sorted(out)


# ----------------------------------------------------------------- pg_get_expr


def node_text(ctx, cat, node: str, relid: int, pretty: bool) -> str | None:
    """pg_get_expr: a heliosd node reference (see relations.node_ref) or raw SQL."""
    m = _REF.fullmatch(node.strip())
    if m is None:
        rel = cat.relations.get(relid)

        def f():
            return deparse_sql(ctx, cat, rel, node, pretty)

        return _memo(ctx, cat, ("raw", node, relid, pretty), f) or node
    kind = m.group(1)
    ids = [int(x) for x in m.group(2).split()]
    if kind == "default":
        rel = cat.relations.get(ids[0])
        col = rel.column_by_attnum(ids[1]) if rel is not None else None
        return default_text(ctx, cat, rel, col, pretty) if col is not None else None
    if kind == "check":
        con = cat.constraints.get(ids[0])
        return check_text(ctx, cat, con, pretty) if con is not None else None
    if kind in ("domcheck", "domdefault"):
        from . import usertypes as U

        if kind == "domdefault":
            ut = cat.user_types.get(ids[0])
            return U.domain_default_text(ctx, cat, ut) if ut is not None else None
        hit = cat.domain_constraints.get(ids[0])
        return U.domain_check_text(ctx, cat, hit[0], hit[1], pretty) if hit is not None else None
    if kind == "indpred":
        irel = cat.relations.get(ids[0])
        return predicate_text(ctx, cat, irel, pretty) if irel is not None else None
    if kind == "indexprs":
        irel = cat.relations.get(ids[0])
        if irel is None:
            return None
        return ", ".join(index_key_text(ctx, cat, irel, i, pretty) for i, k in enumerate(irel.index.keys)
                         if not k.attnum)
    return None


# ----------------------------------------------------------------- relation names


def relation_name(ctx, cat, oid, qualify_always=False) -> str:
    from ...exec import deparse as DP
    from ...exec.functions.pgcatalog_names import regclass_out

    rel = cat.relations.get(oid)
    if rel is None:
        return regclass_out(oid)
    if qualify_always:
        ns = cat.namespaces.get(rel.namespace)
        return f"{DP.quote_ident(ns.name)}.{DP.quote_ident(rel.name)}"
    return regclass_out(oid)


# ----------------------------------------------------------------- pg_get_constraintdef


_FK_ACTIONS = {"r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


def constraint_def(ctx, cat, con, pretty=False) -> str:
    from ...exec import deparse as DP

    rel = cat.relations.get(con.table)

    def cols(r, attnums):
        out = []
        for a in attnums:
            c = r.column_by_attnum(a) if r is not None else None
            out.append(DP.quote_ident(c.name) if c is not None else str(a))
        return ", ".join(out)

    if con.kind in ("p", "u"):
        s = "PRIMARY KEY" if con.kind == "p" else "UNIQUE"
        irel = cat.relations.get(con.index) if con.index else None
        if con.kind == "u" and irel is not None and irel.index.nulls_not_distinct:
            s += " NULLS NOT DISTINCT"
        s += f" ({cols(rel, con.columns)})"
        if irel is not None and irel.index.include:
            s += f" INCLUDE ({cols(rel, irel.index.include)})"
    elif con.kind == "f":
        ref = cat.relations.get(con.ref_table)
        s = f"FOREIGN KEY ({cols(rel, con.columns)}) REFERENCES {relation_name(ctx, cat, con.ref_table)}" \
            f"({cols(ref, con.ref_columns)})"
        if con.match == "f":
            s += " MATCH FULL"
        elif con.match == "p":
            s += " MATCH PARTIAL"
        if con.on_update in _FK_ACTIONS:
            s += f" ON UPDATE {_FK_ACTIONS[con.on_update]}"
        if con.on_delete in _FK_ACTIONS:
            s += f" ON DELETE {_FK_ACTIONS[con.on_delete]}"
    elif con.kind == "c" and con.table == 0 and con.oid in cat.domain_constraints:
        from .usertypes import domain_check_text

        s = f"CHECK ({domain_check_text(ctx, cat, con, cat.domain_constraints[con.oid][1], pretty)})"
    elif con.kind == "c":
        body = check_text(ctx, cat, con, pretty)
        s = f"CHECK ({body})"
        if con.no_inherit:
            s += " NO INHERIT"
    else:
        s = con.kind
    if con.deferrable:
        s += " DEFERRABLE"
    if con.deferred:
        s += " INITIALLY DEFERRED"
    if not con.validated:
        s += " NOT VALID"
    return s


# ----------------------------------------------------------------- pg_get_indexdef


def index_def(ctx, cat, irel, column: int = 0, pretty=False) -> str:
    from ...exec import deparse as DP

    ix = irel.index
    tbl = cat.relations.get(ix.table)
    nkeys = len(ix.keys)
    if column > 0:
        if column > nkeys + len(ix.include):
            return None
        return index_key_text(ctx, cat, irel, column - 1, pretty)
    parts = []
    for i, k in enumerate(ix.keys):
        s = index_key_text(ctx, cat, irel, i, pretty)
        if k.collation:
            s += f" COLLATE {DP.quote_ident(k.collation)}"
        if k.opclass:
            s += f" {k.opclass}"
        if ix.method == "btree":
            if k.desc:
                s += " DESC"
                if k.nulls_first is False:
                    s += " NULLS LAST"
            elif k.nulls_first:
                s += " NULLS FIRST"
        parts.append(s)
    tname = relation_name(ctx, cat, ix.table, qualify_always=not pretty)
    s = f"CREATE {'UNIQUE ' if ix.unique else ''}INDEX {DP.quote_ident(irel.name)} ON {tname} USING {ix.method} " \
        f"({', '.join(parts)})"
    if ix.include:
        s += " INCLUDE (" + ", ".join(index_key_text(ctx, cat, irel, nkeys + j, pretty)
                                      for j in range(len(ix.include))) + ")"
    if ix.nulls_not_distinct:
        s += " NULLS NOT DISTINCT"
    if ix.predicate:
        pred = predicate_text(ctx, cat, irel, pretty)
        s += f" WHERE {pred}"
    _ = tbl
    return s
