"""Prepared statements: parse + analyze + plan, cached.

A :class:`Prepared` is what the extended protocol's Parse creates and what
the simple protocol builds per statement.  Its plan is valid for one catalog
version (token) and search_path; :func:`prepare` caches Prepared objects on
the immutable Catalog (so all branches sharing a catalog version share
plans) keyed by (sql, parameter types, search_path).  Plans are re-entrant:
per-execution state lives in the ExecContext, and the parameter list is
re-bound by the driver before each batch it pulls.
"""

from __future__ import annotations

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..plan.physical import lower
from .analyze import Analyzer, Env, Query, ResultColumn
from .parser import parse_sql
from .utility import Utility

PLAN_CACHE_LIMIT = 500


class Prepared:
    __slots__ = ("sql", "kind", "tree", "utility", "param_types", "columns", "tag", "plan", "physical", "ddl",
                 "token", "has_locks", "can_block", "explain")

    def __init__(self, sql):
        self.sql = sql
        self.kind = None  # 'query' | 'dml' | 'ddl' | 'utility' | 'empty'
        self.tree = None
        self.utility = None
        self.param_types = []
        self.columns: list[ResultColumn] | None = None
        self.tag = ""
        self.plan = None
        self.physical = None
        self.ddl = None
        self.token = None
        self.has_locks = False
        self.can_block = False
        self.explain = None

    def get_physical(self):
        if self.physical is None:
            self.physical = lower(self.plan)
        return self.physical


_DDL_TAGS = {
    ("create", "table"): "CREATE TABLE", ("create", "index"): "CREATE INDEX", ("create", "view"): "CREATE VIEW",
    ("create", "sequence"): "CREATE SEQUENCE", ("create", "schema"): "CREATE SCHEMA",
    ("drop", "table"): "DROP TABLE", ("drop", "index"): "DROP INDEX", ("drop", "view"): "DROP VIEW",
    ("drop", "sequence"): "DROP SEQUENCE", ("drop", "schema"): "DROP SCHEMA",
}


def prepare(env: Env, sql: str, param_types: list | None = None, tree=None, cache=None) -> Prepared:
    """Analyze and plan one statement (cached on the catalog when possible)."""
    key = None
    if cache is not None and tree is None:
        key = (sql, tuple(t.oid if t is not None else 0 for t in (param_types or ())),
               tuple(env.search_path), env.user, getattr(env, "access_key", None),
               getattr(env, "settings_key", None))  # TimeZone/DateStyle/IntervalStyle read literals
        p = cache.get(key)
        if p is not None:
            return p
    p = Prepared(sql)
    if tree is None:
        tree = parse_sql(sql)
        if not isinstance(tree, Utility):
            _locate_calls(tree, sql)
    if isinstance(tree, Utility) and tree.kind in _TEXT_DDL:
        env.param_types = list(param_types or [])
        an = Analyzer(env, sql)
        d = _TEXT_DDL[tree.kind](an, tree.sql)
        p.kind = "ddl"
        p.ddl = d
        p.tag = d.tag
        p.can_block = True
        return p
    if isinstance(tree, Utility):
        p.kind = "empty" if tree.kind == "empty" else "utility"
        p.utility = tree
        p.param_types = list(param_types or [])
        return p
    env.param_types = list(param_types or [])
    an = Analyzer(env, sql)
    into = None
    if isinstance(tree, exp.Select):
        into = tree.args.get("into")
    elif isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        first = tree
        while isinstance(first, (exp.Union, exp.Intersect, exp.Except)):
            first = first.this
        for sel in tree.find_all(exp.Select):
            if sel.args.get("into") is not None:
                if sel is not first:
                    raise PgError("INTO is only allowed on first SELECT of UNION/INTERSECT/EXCEPT",
                                  errcodes.SYNTAX_ERROR)
                into = sel.args["into"]
    if into is not None:
        # SELECT ... INTO [TEMP] t FROM ... is CREATE TABLE t AS SELECT ...
        query = tree.copy()
        for sel in query.find_all(exp.Select):
            sel.set("into", None)
        props = []
        if into.args.get("temporary"):
            props.append(exp.TemporaryProperty())
        if into.args.get("unlogged"):
            props.append(exp.UnloggedProperty())
        tree = exp.Create(this=into.this, kind="TABLE", expression=query,
                          properties=exp.Properties(expressions=props) if props else None)
    p.tree = tree
    if isinstance(tree, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values, exp.Subquery)):
        q = an.query(tree)
        p.kind = "query"
        p.plan = q.plan
        p.columns = q.columns
        p.tag = "SELECT"
        locks = tree.args.get("locks") if isinstance(tree, exp.Select) else None
        if locks:
            sql_low = " ".join(sql.lower().split())
            strength = "UPDATE" if locks[0].args.get("update") else "SHARE"
            if "for no key update" in sql_low:
                strength = "NO KEY UPDATE"
            elif "for key share" in sql_low:
                strength = "KEY SHARE"
            p.has_locks = "SELECT FOR " + strength
        p.has_locks = p.has_locks or False
        p.can_block = p.has_locks
    elif isinstance(tree, (exp.Insert, exp.Update, exp.Delete)):
        from .dml import analyze_delete, analyze_insert, analyze_update

        if tree.args.get("with_") is not None:
            an.ctes.append({})
            an._with(tree.args["with_"], None)
        fn = {exp.Insert: analyze_insert, exp.Update: analyze_update, exp.Delete: analyze_delete}[type(tree)]
        d = fn(an, tree)
        p.kind = "dml"
        p.plan = d.plan
        p.columns = d.columns
        p.tag = d.tag
        p.can_block = True
    else:
        from .ddl_dispatch import analyze_ddl

        d = analyze_ddl(an, tree)
        p.kind = "ddl"
        p.ddl = d
        p.tag = d.tag
        p.can_block = True
    check_access = getattr(env, "check_access", None)
    if check_access is not None and an.access and p.kind in ("query", "dml"):
        check_access(an.access)  # table privileges (heliosd.session.access): before caching
    if an.dml_ctes and p.plan is not None:
        from ..plan import nodes as N

        p.plan = N.ForceCtes(p.plan, list(an.dml_ctes))
        p.can_block = True
    for i, t in enumerate(env.param_types):
        if t is T.UNKNOWN:
            # PostgreSQL leaves unresolved parameters as text when it can
            env.param_types[i] = T.TEXT
    p.param_types = list(env.param_types)
    if key is not None and p.kind in ("query", "dml"):
        if len(cache) > PLAN_CACHE_LIMIT:
            cache.pop(next(iter(cache)))
        cache[key] = p
    return p


def _alter_table_text(an, sql):
    from .alter import alter_table_text

    return alter_table_text(an, sql)


def _alter_sequence_text(an, sql):
    from .ddl_dispatch import alter_sequence_text

    return alter_sequence_text(an, sql)


def _create_sequence_text(an, sql):
    from .ddl_dispatch import create_sequence_text

    return create_sequence_text(an, sql)


def _create_schema_text(an, sql):
    from .ddl_dispatch import create_schema_text

    return create_schema_text(an, sql)


def _alter_schema_text(an, sql):
    from .ddl_dispatch import alter_schema_text

    return alter_schema_text(an, sql)


def _user_type_text(an, sql):
    from .ddl_types import analyze_text

    return analyze_text(an, sql)


def _drop_list_text(an, sql):
    from .ddl_dispatch import drop_list_text

    return drop_list_text(an, sql)


_TEXT_DDL = {"alter_table_text": _alter_table_text, "alter_sequence_text": _alter_sequence_text,
             "create_schema_text": _create_schema_text,
             "create_sequence_text": _create_sequence_text, "alter_schema_text": _alter_schema_text,
             "drop_list_text": _drop_list_text, "user_type_text": _user_type_text}


def describe_columns(p: Prepared) -> list[ResultColumn] | None:
    return p.columns


_ = (errcodes, PgError, Query)


def _locate_calls(tree, sql: str) -> None:
    """Give function calls and string constants their position in the statement text
    (sqlglot keeps positions only on identifiers), so errors point where PostgreSQL points:
    the k-th call of a name in the tree is the k-th ``name(`` in the text, the k-th string
    constant the k-th quoted string, each when the counts agree."""
    calls: dict = {}
    strings = []
    for n in tree.walk(bfs=False):
        if isinstance(n, exp.Anonymous) and isinstance(n.this, str):
            calls.setdefault(n.this.lower(), []).append(n)
        elif isinstance(n, exp.Literal) and n.is_string:
            strings.append(n)
    if not calls and not strings:
        return
    from .lexer import tokens

    found: dict = {}
    string_pos = []
    prev = None
    try:
        for tok in tokens(sql):
            if tok[1] == "(" and prev is not None and prev[0] == "word":
                name = prev[1].lower()
                if name in calls:
                    found.setdefault(name, []).append(prev[2] + 1)
            elif tok[0] in ("str", "estr"):
                string_pos.append(tok[2] + 1)
            prev = tok
    except PgError:
        return
    for name, nodes in calls.items():
        where = found.get(name)
        if where is not None and len(where) == len(nodes):
            for n, pos in zip(nodes, where):
                n.meta["position"] = pos
    if strings and len(strings) == len(string_pos):
        for n, pos in zip(strings, string_pos):
            n.meta["position"] = pos
