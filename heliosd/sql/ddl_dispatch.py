"""Dispatch of DDL trees to their implementations (heliosd.sql.ddl), plus the
smaller DDL statements: CREATE INDEX/VIEW/SCHEMA/SEQUENCE, DROP, TRUNCATE,
ALTER TABLE/SEQUENCE/INDEX/VIEW, COMMENT ON."""

from __future__ import annotations

import re

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..engine import catalog as C
from ..errors import PgError
from ..exec import expr as E
from ..storage import keycode
from . import ddl as D
from . import resolve as R
from .analyze import Analyzer, Scope, ident
from .ddl import DdlStatement, _sql


def analyze_ddl(an: Analyzer, tree) -> DdlStatement:
    if isinstance(tree, exp.Create):
        kind = str(tree.args.get("kind") or "").upper()
        if kind == "TABLE":
            return D.analyze_create_table(an, tree)
        if kind == "INDEX":
            return create_index(an, tree)
        if kind == "VIEW":
            return create_view(an, tree)
        if kind == "SEQUENCE":
            return create_sequence(an, tree)
        if kind == "SCHEMA":
            return create_schema(an, tree)
        raise PgError(f"CREATE {kind} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    if isinstance(tree, exp.Drop):
        return drop(an, tree)
    if isinstance(tree, exp.TruncateTable):
        return truncate(an, tree)
    if isinstance(tree, exp.Alter):
        return alter(an, tree)
    if isinstance(tree, exp.Comment):
        return comment(an, tree)
    raise PgError(f"unsupported statement: {type(tree).__name__}", errcodes.FEATURE_NOT_SUPPORTED)


# ----------------------------------------------------------------- CREATE INDEX


def create_index(an: Analyzer, tree: exp.Create) -> DdlStatement:
    idx = tree.this
    name = D.truncate_ident(ident(idx.this)) if idx.this is not None else None
    table = idx.args.get("table")
    params = idx.args.get("params")
    unique = bool(tree.args.get("unique"))
    ine = bool(tree.args.get("exists"))
    cols = params.args.get("columns") if params is not None else []
    where = params.args.get("where") if params is not None else None
    using = params.args.get("using") if params is not None else None
    method = str(using.name if hasattr(using, "name") else using).lower() if using is not None else "btree"
    if method not in ("btree", "hash"):
        raise PgError(f'access method "{method}" is not supported', errcodes.FEATURE_NOT_SUPPORTED)
    nnd = bool(params.args.get("nulls_not_distinct")) if params is not None else False

    def run(ctx: D.DdlCtx):
        rel = D.find_rel(ctx, table, "r")
        cat = ctx.cat
        keys = []
        colnames = []
        scope = D._rel_scope(rel)
        for o in cols:
            e = o.this if isinstance(o, exp.Ordered) else o
            desc = bool(o.args.get("desc")) if isinstance(o, exp.Ordered) else False
            nf_raw = o.args.get("nulls_first") if isinstance(o, exp.Ordered) else None
            nf = None
            if nf_raw is not None and bool(nf_raw) != desc:
                nf = bool(nf_raw)
            if isinstance(e, exp.Column) and not e.table:
                cname = ident(e.this)
                c = rel.column(cname)
                if c is None:
                    raise PgError(f'column "{cname}" does not exist', errcodes.UNDEFINED_COLUMN)
                keys.append(C.IndexKey(attnum=c.attnum, desc=desc, nulls_first=nf))
                colnames.append(cname)
            else:
                ex = e.this if isinstance(e, exp.Paren) else e
                ir = an.expr(ex, scope)
                for n in E.walk(ir):
                    if isinstance(n, E.Call) and n.fn.volatility != "i":
                        raise PgError("functions in index expression must be marked IMMUTABLE",
                                      errcodes.INVALID_OBJECT_DEFINITION)
                keys.append(C.IndexKey(attnum=0, expr=_sql(ex), desc=desc, nulls_first=nf))
                fname = ex.this if isinstance(ex, exp.Anonymous) else None
                colnames.append(str(fname).lower() if fname is not None else "expr")
        pred_sql = None
        if where is not None:
            pe = where.this if isinstance(where, exp.Where) else where
            an.bool_expr(pe, scope, "WHERE")
            pred_sql = _sql(pe)
        iname = name
        if iname is None:
            iname = D.choose_name(cat, rel.namespace, rel.name, "_".join(colnames), "idx")
        if cat.relation_name_taken(rel.namespace, iname):
            if ine:
                ctx.notice(f'relation "{iname}" already exists, skipping', "42P07")
                return "CREATE INDEX"
            raise PgError(f'relation "{iname}" already exists', errcodes.DUPLICATE_TABLE)
        ioid = ctx.oid()
        idef = C.IndexDef(rel.oid, keys, unique=unique, predicate=pred_sql, nulls_not_distinct=nnd, method=method)
        ctx.write(C.Relation(ioid, iname, rel.namespace, "i", owner=rel.owner, index=idef))
        ctx.bump()
        D.build_index(ctx, rel.oid, ioid)
        return "CREATE INDEX"

    return DdlStatement("CREATE INDEX", run)


# ----------------------------------------------------------------- CREATE VIEW


def _qualify_tables(cat, query, search_path):
    """The view's query with unqualified user tables named by schema: PostgreSQL binds a view to
    its relations when it is created (by OID), so a later search_path (or CREATE SCHEMA's
    temporary one) must not change what it reads."""
    q = query.copy()
    ctes = {ident(c.args["alias"].this) for c in q.find_all(exp.CTE) if c.args.get("alias") is not None}
    changed = False
    for t in list(q.find_all(exp.Table)):
        if t.args.get("db") is not None or not isinstance(t.this, exp.Identifier):
            continue
        name = ident(t.this)
        if name in ctes:
            continue
        rel = cat.find_relation(name, None, search_path)
        ns = cat.namespaces.get(rel.namespace) if rel is not None else None
        if ns is not None:
            t.set("db", exp.Identifier(this=ns.name, quoted=True))
            changed = True
    return q if changed else query


def _reads_temp(cat, query, search_path) -> bool:
    """A view over a temporary relation is temporary itself (PostgreSQL's isQueryUsingTempRelation)."""
    ctes = {ident(c.args["alias"].this) for c in query.find_all(exp.CTE) if c.args.get("alias") is not None}
    for t in query.find_all(exp.Table):
        if not isinstance(t.this, exp.Identifier):
            continue
        name = ident(t.this)
        schema = ident(t.args["db"]) if t.args.get("db") is not None else None
        if schema is None and name in ctes:
            continue
        rel = cat.find_relation(name, schema, search_path)
        if rel is not None and rel.persistence == "t":
            return True
    return False


def create_view(an: Analyzer, tree: exp.Create) -> DdlStatement:
    target = tree.this
    colnames = []
    if isinstance(target, exp.Schema):
        colnames = [ident(c) for c in target.expressions]
        target = target.this
    query = tree.args.get("expression")
    replace = bool(tree.args.get("replace"))
    vname = D.truncate_ident(ident(target.this))
    sname = ident(target.args["db"]) if target.args.get("db") else None
    props = tree.args.get("properties")
    temp = props is not None and any(isinstance(p, exp.TemporaryProperty) for p in props.expressions)

    def run(ctx: D.DdlCtx):
        q = an.query(query, None)
        is_temp = temp or _reads_temp(ctx.cat, query, ctx.search_path)
        if is_temp and not temp:
            ctx.notice(f'view "{vname}" will be a temporary view')
        ns = D.creation_namespace(ctx, sname, is_temp)
        cat = ctx.cat
        existing = cat.rel_by_name.get((ns.oid, vname))
        if existing is not None:
            if not replace or existing.kind != "v":
                raise PgError(f'relation "{vname}" already exists', errcodes.DUPLICATE_TABLE)
        if len(colnames) > len(q.columns):
            raise PgError("CREATE VIEW specifies more column names than columns", errcodes.SYNTAX_ERROR)
        cols = []
        for i, c in enumerate(q.columns):
            t = c.type if c.type is not T.UNKNOWN else T.TEXT
            cols.append(C.Column(colnames[i] if i < len(colnames) else c.name, t.oid, c.typmod, attnum=i + 1))
        if existing is not None:
            old = existing.live_columns
            if len(cols) < len(old) or any(a.name != b.name or a.type_oid != b.type_oid
                                           for a, b in zip(old, cols)):
                raise PgError(f'cannot change name of view column "{old[0].name}"' if old and cols and
                              old[0].name != cols[0].name else "cannot drop columns from view",
                              errcodes.INVALID_TABLE_DEFINITION)
            oid = existing.oid
        else:
            oid = ctx.oid()
        D.check_creatable(ns, vname)
        rel = C.Relation(oid, vname, ns.oid, "v", owner=ctx.user_oid, columns=cols,
                         view_sql=_sql(_qualify_tables(cat, query, ctx.search_path)))
        ctx.write(rel)
        ctx.bump()
        return "CREATE VIEW"

    return DdlStatement("CREATE VIEW", run)


# ----------------------------------------------------------------- CREATE SCHEMA


def create_schema(an: Analyzer, tree: exp.Create) -> DdlStatement:
    target = tree.this
    name = ident(target.args["db"]) if target.args.get("db") else ident(target.this)
    ine = bool(tree.args.get("exists"))

    def run(ctx: D.DdlCtx):
        cat = ctx.cat
        if name.startswith("pg_"):
            raise PgError(f'unacceptable schema name "{name}"', errcodes.RESERVED_NAME,
                          detail='The prefix "pg_" is reserved for system schemas.')
        if cat.namespace(name) is not None:
            if ine:
                ctx.notice(f'schema "{name}" already exists, skipping', "42P06")
                return "CREATE SCHEMA"
            raise PgError(f'schema "{name}" already exists', errcodes.DUPLICATE_SCHEMA)
        ctx.write(C.Namespace(ctx.oid(), name, owner=ctx.user_oid))
        ctx.bump()
        return "CREATE SCHEMA"

    return DdlStatement("CREATE SCHEMA", run)


def create_schema_text(an, sql: str) -> DdlStatement:
    """CREATE SCHEMA [IF NOT EXISTS] name [AUTHORIZATION role] [schema_element ...]."""
    from .lexer import tokens

    toks = [t for t in tokens(sql) if t[0] != "semi"]
    i = 2
    ine = False
    if len(toks) > i + 2 and toks[i][1].upper() == "IF":
        ine = True
        i += 3
    name = None
    auth = None
    if i < len(toks) and toks[i][1].upper() != "AUTHORIZATION":
        name = toks[i][1][1:-1] if toks[i][0] == "ident" else toks[i][1].lower()
        i += 1
    if i < len(toks) and toks[i][1].upper() == "AUTHORIZATION":
        auth = toks[i + 1][1][1:-1] if toks[i + 1][0] == "ident" else toks[i + 1][1].lower()
        i += 2
    if name is None:
        if auth is None:
            raise PgError("syntax error at or near \"SCHEMA\"", errcodes.SYNTAX_ERROR)
        name = auth
    elements = []
    if i < len(toks):
        start = toks[i][2]
        depth = 0
        for k, t, pos in toks[i:]:
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
            elif depth == 0 and k == "word" and t.upper() in ("CREATE", "GRANT") and pos > start:
                elements.append(sql[start:pos].strip())
                start = pos
        elements.append(sql[start:].strip().rstrip(";"))
    tree = exp.Create(this=exp.Table(this=exp.Identifier(this=name, quoted=True)), kind="SCHEMA", exists=ine)
    head = create_schema(an, tree)

    def run(ctx: D.DdlCtx):
        from .parser import parse_sql

        tag = head.run(ctx)
        if auth is not None:
            from ..engine import cluster as CL

            role = CL.get_role_by_name(ctx.txn, auth)
            if role is None:
                raise PgError(f'role "{auth}" does not exist', errcodes.UNDEFINED_OBJECT)
            import copy

            ns = copy.deepcopy(ctx.cat.namespace(name))
            ns.owner = role["oid"]
            ctx.write(ns)
            ctx.bump()
        saved_sp, saved_env = ctx.search_path, an.env.search_path
        ctx.search_path = [name]
        an.env.search_path = [name]
        try:
            for el in elements:
                an.env.catalog = ctx.cat
                an.env.table_store = lambda rel, _c=ctx: _c.table_store_fn(rel, _c.cat)
                d = analyze_ddl(an, parse_sql(el))
                d.run(ctx)
                ctx.bump()
        finally:
            ctx.search_path, an.env.search_path = saved_sp, saved_env
        return tag

    return DdlStatement("CREATE SCHEMA", run)


def alter_schema_text(an, sql: str) -> DdlStatement:
    from .utility import _P

    p = _P(sql)
    p.expect("ALTER")
    p.expect("SCHEMA")
    name = p.ident()
    if p.accept("RENAME"):
        p.expect("TO")
        new = p.ident()
        owner = None
    else:
        p.expect("OWNER")
        p.expect("TO")
        owner = p.ident()
        new = None
    p.end()

    def run(ctx: D.DdlCtx):
        import copy

        cat = ctx.cat
        ns = cat.namespace(name)
        if ns is None:
            raise PgError(f'schema "{name}" does not exist', errcodes.INVALID_SCHEMA_NAME)
        ns = copy.deepcopy(ns)
        if new is not None:
            if cat.namespace(new) is not None:
                raise PgError(f'schema "{new}" already exists', errcodes.DUPLICATE_SCHEMA)
            if new.startswith("pg_"):
                raise PgError(f'unacceptable schema name "{new}"', errcodes.RESERVED_NAME,
                              detail='The prefix "pg_" is reserved for system schemas.')
            ns.name = new
        else:
            from ..engine import cluster as CL

            role = CL.get_role_by_name(ctx.txn, owner)
            if role is None:
                raise PgError(f'role "{owner}" does not exist', errcodes.UNDEFINED_OBJECT)
            ns.owner = role["oid"]
        ctx.write(ns)
        ctx.bump()
        return "ALTER SCHEMA"

    return DdlStatement("ALTER SCHEMA", run)


# ----------------------------------------------------------------- sequences


def _seq_opts_from_props(props) -> dict:
    opts = {}
    if props is None:
        return opts
    for p in props.expressions:
        if isinstance(p, exp.SequenceProperties):
            for k in ("start", "increment", "minvalue", "maxvalue", "cache"):
                v = p.args.get(k)
                if v is not None:
                    opts[k] = v
            for o in p.args.get("options") or []:
                s = str(o.this if hasattr(o, "this") else o).upper()
                if s == "NO MAXVALUE":
                    opts["maxvalue"] = None
                elif s == "NO MINVALUE":
                    opts["minvalue"] = None
                elif s == "CYCLE":
                    opts["cycle"] = True
                elif s == "NO CYCLE":
                    opts["cycle"] = False
            if p.args.get("owned") is not None:
                opts["owned"] = p.args["owned"]
    return opts


def create_sequence(an: Analyzer, tree: exp.Create) -> DdlStatement:
    target = tree.this
    name = D.truncate_ident(ident(target.this))
    sname = ident(target.args["db"]) if target.args.get("db") else None
    ine = bool(tree.args.get("exists"))
    opts = _seq_opts_from_props(tree.args.get("properties"))
    type_ = None
    if isinstance(tree.args.get("expression"), exp.DataType):  # CREATE SEQUENCE s AS integer
        from .types_sql import datatype_to_type

        type_ = datatype_to_type(tree.args["expression"])[0]
    return _create_sequence_run(an, name, sname, ine, opts, type_)


def create_sequence_text(an, sql: str) -> DdlStatement:
    """CREATE [TEMP|UNLOGGED] SEQUENCE [IF NOT EXISTS] name [option ...] with PostgreSQL's full
    SeqOptElem list (sqlglot reads only part of it)."""
    from .alter import _seq_opt_text
    from .utility import _P

    p = _P(sql)
    p.expect("CREATE")
    temp = bool(p.accept("TEMP", "TEMPORARY")) if not p.accept("UNLOGGED") else False
    p.expect("SEQUENCE")
    ine = False
    if p.accept("IF"):
        p.expect("NOT")
        p.expect("EXISTS")
        ine = True
    sname, name = p.qualified()
    name = D.truncate_ident(name)
    opts = {}
    while not p.at_end():
        k, v = _seq_opt_text(p)
        if k in opts:
            raise PgError("conflicting or redundant options", errcodes.SYNTAX_ERROR)
        opts[k] = v
    if "sequence_name" in opts:
        raise PgError("invalid sequence option SEQUENCE NAME", errcodes.SYNTAX_ERROR)
    type_ = None
    if "as" in opts:
        from .types_sql import datatype_to_type

        type_ = datatype_to_type(exp.DataType.build(opts.pop("as"), dialect="postgres"))[0]
    owned = opts.pop("owned", None)
    if owned is not None:
        opts["owned"] = ("parts", owned)
    return _create_sequence_run(an, name, sname, ine, opts, type_, temp)


def _create_sequence_run(an, name, sname, ine, opts, type_=None, temp=False):
    def run(ctx: D.DdlCtx):
        ns = D.creation_namespace(ctx, sname, temp)
        cat = ctx.cat
        if cat.relation_name_taken(ns.oid, name):
            if ine:
                ctx.notice(f'relation "{name}" already exists, skipping', "42P07")
                return "CREATE SEQUENCE"
            raise PgError(f'relation "{name}" already exists', errcodes.DUPLICATE_TABLE)
        owned = opts.pop("owned", None)
        rel = D._new_sequence(ctx, ns, name, type_ or T.INT8, opts, an)
        if owned is not None:
            rel.seq.owned_by = _owned_by(ctx, owned)
        ctx.write(rel)
        first = opts.get("restart") if opts.get("restart") is not None else rel.seq.start
        C.write_sequence(ctx.txn, ctx.bid, rel.oid, first, False)
        ctx.bump()
        return "CREATE SEQUENCE"

    return DdlStatement("CREATE SEQUENCE", run)


def _owned_by(ctx, owned):
    if isinstance(owned, tuple) and owned[0] == "parts":
        parts = owned[1]
        if len(parts) == 1:
            if parts[0] == "none":
                return None
            raise PgError("invalid OWNED BY option", errcodes.SYNTAX_ERROR,
                          hint="Specify OWNED BY table.column or OWNED BY NONE.")
        tname, cname = parts[-2], parts[-1]
        schema = parts[-3] if len(parts) > 2 else None
        rel = ctx.cat.find_relation(tname, schema, ctx.search_path)
        if rel is None:
            raise PgError(f'relation "{".".join(parts[:-1])}" does not exist', errcodes.UNDEFINED_TABLE)
        col = rel.column(cname)
        if col is None:
            raise PgError(f'column "{cname}" of relation "{tname}" does not exist', errcodes.UNDEFINED_COLUMN)
        return (rel.oid, col.attnum)
    if isinstance(owned, exp.Column):
        tname = ident(owned.args["table"]) if owned.args.get("table") else None
        cname = ident(owned.this)
        if tname is None:
            if cname == "none":
                return None
            raise PgError("invalid OWNED BY option", errcodes.SYNTAX_ERROR,
                          hint="Specify OWNED BY table.column or OWNED BY NONE.")
        rel = ctx.cat.find_relation(tname, None, ctx.search_path)
        if rel is None:
            raise PgError(f'relation "{tname}" does not exist', errcodes.UNDEFINED_TABLE)
        col = rel.column(cname)
        if col is None:
            raise PgError(f'column "{cname}" of relation "{tname}" does not exist', errcodes.UNDEFINED_COLUMN)
        return (rel.oid, col.attnum)
    return None


def alter_sequence_text(an, sql: str) -> DdlStatement:
    """ALTER SEQUENCE name [option ...] (parsed here: sqlglot has no node for it)."""
    from .utility import _P

    p = _P(sql)
    p.expect("ALTER")
    p.expect("SEQUENCE")
    ie = False
    if p.accept("IF"):
        p.expect("EXISTS")
        ie = True
    schema, name = p.qualified()
    opts = {}
    restart = None
    rename = None
    owned = None
    set_schema = None
    owner_to = None
    while not p.at_end():
        if p.accept("RESTART"):
            p.accept("WITH")
            k, t, _ = p.peek()
            if k == "num" or t == "-":
                neg = p.accept_op("-")
                restart = int(p.next()[1]) * (-1 if neg else 1)
            else:
                restart = "start"
        elif p.accept("START"):
            p.accept("WITH")
            neg = p.accept_op("-")
            opts["start"] = int(p.next()[1]) * (-1 if neg else 1)
        elif p.accept("INCREMENT"):
            p.accept("BY")
            neg = p.accept_op("-")
            opts["increment"] = int(p.next()[1]) * (-1 if neg else 1)
        elif p.accept("MINVALUE"):
            neg = p.accept_op("-")
            opts["minvalue"] = int(p.next()[1]) * (-1 if neg else 1)
        elif p.accept("MAXVALUE"):
            neg = p.accept_op("-")
            opts["maxvalue"] = int(p.next()[1]) * (-1 if neg else 1)
        elif p.accept("NO"):
            w = p.expect("MINVALUE", "MAXVALUE", "CYCLE")
            if w == "CYCLE":
                opts["cycle"] = False
            else:
                opts[w.lower()] = None
        elif p.accept("CYCLE"):
            opts["cycle"] = True
        elif p.accept("CACHE"):
            opts["cache"] = int(p.next()[1])
        elif p.accept("RENAME"):
            p.expect("TO")
            rename = p.ident()
        elif p.accept("OWNED"):
            p.expect("BY")
            if p.accept("NONE"):
                owned = "none"
            else:
                t1 = p.ident()
                p.accept_op(".")
                t2 = p.ident()
                owned = (t1, t2)
                if p.accept_op("."):  # schema.table.column (pg_dump writes it so)
                    owned = (t2, p.ident(), t1)
        elif p.accept("AS"):
            opts["as"] = p.ident()
        elif p.word() == "SET" and p.word(1) == "SCHEMA":
            p.next()
            p.next()
            set_schema = p.ident()
        elif p.word() == "SET" and p.word(1) in ("LOGGED", "UNLOGGED"):
            p.next()
            p.next()
        elif p.accept("OWNER"):
            p.expect("TO")
            owner_to = p.ident()
        else:
            p.error()

    def run(ctx: D.DdlCtx):
        cat = ctx.cat
        rel = cat.find_relation(name, schema, ctx.search_path)
        if rel is None or rel.kind != "S":
            if ie:
                ctx.notice(f'relation "{name}" does not exist, skipping', "00000")
                return "ALTER SEQUENCE"
            if rel is not None:
                raise PgError(f'"{name}" is not a sequence', errcodes.WRONG_OBJECT_TYPE)
            raise PgError(f'relation "{name}" does not exist', errcodes.UNDEFINED_TABLE)
        import copy

        rel = copy.deepcopy(rel)
        if rename:
            if cat.relation_name_taken(rel.namespace, rename):
                raise PgError(f'relation "{rename}" already exists', errcodes.DUPLICATE_TABLE)
            rel.name = rename
        if set_schema is not None:
            ns = cat.namespace(set_schema)
            if ns is None:
                raise PgError(f'schema "{set_schema}" does not exist', errcodes.INVALID_SCHEMA_NAME)
            if rel.seq.owned_by:
                t = cat.relations.get(rel.seq.owned_by[0])
                raise PgError("cannot move an owned sequence into another schema", errcodes.FEATURE_NOT_SUPPORTED,
                              detail=f'Sequence "{rel.name}" is linked to table "{t.name if t else "?"}".')
            if ns.oid != rel.namespace:
                if cat.relation_name_taken(ns.oid, rel.name):
                    raise PgError(f'relation "{rel.name}" already exists in schema "{ns.name}"',
                                  errcodes.DUPLICATE_TABLE)
                rel.namespace = ns.oid
        if owner_to is not None:
            from ..engine import cluster as CL

            role = CL.get_role_by_name(ctx.txn, owner_to)
            if role is None:
                raise PgError(f'role "{owner_to}" does not exist', errcodes.UNDEFINED_OBJECT)
            rel.owner = role["oid"]
        sd = rel.seq
        o = {k: v for k, v in opts.items() if k != "as"}
        if restart is not None:
            o["restart"] = None if restart == "start" else restart
        new_type = None
        if "as" in opts:
            from .types_sql import datatype_to_type

            new_type = datatype_to_type(exp.DataType.build(opts["as"], dialect="postgres"))[0]
        cur = C.sequence_state(ctx.txn, ctx.bid, rel.oid)
        v = D._apply_seq_opts(an, sd, o, creating=False, last_value=cur[0] if cur else None, new_type=new_type)
        if owned == "none":
            sd.owned_by = None
        elif owned is not None:
            orel = cat.find_relation(owned[0], owned[2] if len(owned) > 2 else None, ctx.search_path)
            if orel is None:
                raise PgError(f'relation "{owned[0]}" does not exist', errcodes.UNDEFINED_TABLE)
            col = orel.column(owned[1])
            if col is None:
                raise PgError(f'column "{owned[1]}" of relation "{owned[0]}" does not exist',
                              errcodes.UNDEFINED_COLUMN)
            sd.owned_by = (orel.oid, col.attnum)
        ctx.write(rel)
        if v is not None:
            C.write_sequence(ctx.txn, ctx.bid, rel.oid, v, False)
        ctx.bump()
        ctx.sequence_changed(rel.oid) if hasattr(ctx, "sequence_changed") else None
        return "ALTER SEQUENCE"

    return DdlStatement("ALTER SEQUENCE", run)


# ----------------------------------------------------------------- DROP


def _dependent_views(cat, oids: set) -> list:
    """Views whose definition mentions any of the relations (by name), transitively,
    as (view, the relation it depends on) in PostgreSQL's reporting order."""
    out = []
    seen = set(oids)
    frontier = [cat.relations[o] for o in oids if o in cat.relations]
    while frontier:
        nxt = []
        for base in frontier:
            pat = re.compile(r"\b" + re.escape(base.name.lower()) + r"\b")
            for r in sorted(cat.relations.values(), key=lambda r: r.oid):
                if r.kind == "v" and r.oid not in seen and r.view_sql and pat.search(r.view_sql.lower()):
                    seen.add(r.oid)
                    out.append((r, base))
                    nxt.append(r)
        frontier = nxt
    return out


def drop_relation(ctx: D.DdlCtx, rel: C.Relation, cascade: bool, dropped: set | None = None):
    """Remove a relation with its indexes, constraints, owned sequences and data."""
    cat = ctx.cat
    dropped = dropped if dropped is not None else set()
    if rel.oid in dropped:
        return
    dropped.add(rel.oid)
    if rel.kind in ("r", "v"):
        deps = [(v, b) for v, b in _dependent_views(cat, {rel.oid}) if v.oid not in dropped]
        if deps:
            if not cascade:
                raise PgError(f"cannot drop {'table' if rel.kind == 'r' else 'view'} {rel.name} because other "
                              f"objects depend on it", errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                              detail="\n".join(f"view {v.name} depends on {'table' if b.kind == 'r' else 'view'} "
                                               f"{b.name}" for v, b in deps),
                              hint="Use DROP ... CASCADE to drop the dependent objects too.")
            if len(deps) == 1:
                ctx.notice(f"drop cascades to view {deps[0][0].name}")
            else:
                ctx.notice(f"drop cascades to {len(deps)} other objects",
                           detail="\n".join(f"drop cascades to view {v.name}" for v, _b in deps))
            for v, _b in reversed(deps):
                if v.oid not in dropped:
                    dropped.add(v.oid)
                    ctx.delete(v.oid)
    if rel.kind == "r":
        fks = [c for c in cat.referencing.get(rel.oid, []) if c.table != rel.oid and c.table not in dropped]
        if fks:
            if not cascade:
                c0 = fks[0]
                raise PgError(f"cannot drop table {rel.name} because other objects depend on it",
                              errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                              detail="\n".join(f"constraint {c.name} on table {cat.relations[c.table].name} "
                                               f"depends on table {rel.name}" for c in fks),
                              hint="Use DROP ... CASCADE to drop the dependent objects too.")
            for c in fks:
                ctx.notice(f"drop cascades to constraint {c.name} on table {cat.relations[c.table].name}")
                ctx.delete(c.oid)
        for c in cat.constraints_of.get(rel.oid, []):
            ctx.delete(c.oid)
        for irel in cat.indexes_of.get(rel.oid, []):
            ctx.delete(irel.oid)
            _delete_data(ctx, irel.oid)
        owned = [s for s in sorted(cat.relations.values(), key=lambda r: r.oid)
                 if s.kind == "S" and s.seq is not None and s.seq.owned_by and s.seq.owned_by[0] == rel.oid]
        deps = [(s, t, c) for s in owned for t, c in _default_dependents(cat, s.oid, dropped | {rel.oid})]
        if deps:
            _drop_defaults(ctx, deps, cascade, f"table {rel.name}")
        for s in owned:
            dropped.add(s.oid)
            ctx.delete(s.oid)
            ctx.txn.delete(ctx.bid, C.OBJ_SEQVALS, keycode.enc_int(s.oid))
        _delete_data(ctx, rel.oid)
    elif rel.kind == "i":
        if rel.index.constraint:
            con = cat.constraints.get(rel.index.constraint)
            if con is not None:
                t = cat.relations.get(rel.index.table)
                raise PgError(f"cannot drop index {rel.name} because constraint {con.name} on table "
                              f"{t.name if t else '?'} requires it", errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                              hint=f"You can drop constraint {con.name} on table {t.name if t else '?'} instead.")
        _delete_data(ctx, rel.oid)
    elif rel.kind == "S":
        deps = [(rel, t, c) for t, c in _default_dependents(cat, rel.oid, dropped)]
        if deps:
            _drop_defaults(ctx, deps, cascade, f"sequence {rel.name}")
        ctx.txn.delete(ctx.bid, C.OBJ_SEQVALS, keycode.enc_int(rel.oid))
    ctx.delete(rel.oid)


def _default_dependents(cat, seq_oid: int, dropped) -> list:
    """(table, column) pairs whose default holds a regclass constant for the sequence (stored by
    OID, see ddl.bind_regclass_literals): PostgreSQL's pg_depend entries for column defaults."""
    out = []
    key = str(seq_oid)
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "r" or r.oid in dropped:
            continue
        for c in r.live_columns:
            if c.default and not c.generated and key in c.default and \
                    any(int(m) == seq_oid for m in D.REGCLASS_OID_TEXT.findall(c.default)):
                out.append((r, c))
    return out


def _drop_defaults(ctx, deps, cascade: bool, what: str) -> None:
    """RESTRICT: refuse (2BP01) naming every dependent default; CASCADE: drop the defaults."""
    if not cascade:
        raise PgError(f"cannot drop {what} because other objects depend on it",
                      errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                      detail="\n".join(f"default value for column {c.name} of table {t.name} depends on "
                                       f"sequence {s.name}" for s, t, c in deps),
                      hint="Use DROP ... CASCADE to drop the dependent objects too.")
    if len(deps) == 1:
        ctx.notice(f"drop cascades to default value for column {deps[0][2].name} of table {deps[0][1].name}")
    else:
        ctx.notice(f"drop cascades to {len(deps)} other objects",
                   detail="\n".join(f"drop cascades to default value for column {c.name} of table {t.name}"
                                    for _s, t, c in deps))
    import copy

    tables = {}
    for _s, t, c in deps:
        cur = tables.get(t.oid)
        if cur is None:
            cur = tables[t.oid] = copy.deepcopy(ctx.cat.relations[t.oid])
        col = cur.column_by_attnum(c.attnum)
        col.default = None
    for t in tables.values():
        ctx.write(t)


def _delete_data(ctx, obj: int) -> None:
    txn = ctx.txn
    for k, _v in list(txn.scan(ctx.bid, obj, latest=True)):
        txn.delete(ctx.bid, obj, k)


def drop_list_text(an, sql: str) -> DdlStatement:
    """DROP INDEX a, b [CASCADE] (sqlglot reads only one index name)."""
    from .utility import _P

    p = _P(sql)
    p.expect("DROP")
    kind = p.expect("INDEX", "SEQUENCE", "VIEW")
    p.accept("CONCURRENTLY")
    ie = False
    if p.accept("IF"):
        p.expect("EXISTS")
        ie = True
    tables = []
    while True:
        sch, nm = p.qualified()
        t = exp.Table(this=exp.Identifier(this=nm, quoted=True))
        if sch:
            t.set("db", exp.Identifier(this=sch, quoted=True))
        tables.append(t)
        if not p.accept_op(","):
            break
    cascade = p.accept("CASCADE")
    p.accept("RESTRICT")
    p.end()
    return drop(an, exp.Drop(kind=kind, tables=tables, exists=ie, cascade=cascade))


def drop(an: Analyzer, tree: exp.Drop) -> DdlStatement:
    kind = str(tree.args.get("kind") or "").upper()
    if_exists = bool(tree.args.get("exists"))
    cascade = bool(tree.args.get("cascade"))
    objs = tree.args.get("tables") or ([tree.this] if tree.this is not None else [])
    tag = f"DROP {kind}"
    kinds = {"TABLE": "r", "INDEX": "i", "VIEW": "v", "SEQUENCE": "S", "MATERIALIZED VIEW": "m"}

    def run(ctx: D.DdlCtx):
        cat = ctx.cat
        if kind == "SCHEMA":
            for t in objs:
                nm = ident(t.args["db"]) if t.args.get("db") else ident(t.this)
                ns = cat.namespace(nm)
                if ns is None:
                    if if_exists:
                        ctx.notice(f'schema "{nm}" does not exist, skipping')
                        continue
                    raise PgError(f'schema "{nm}" does not exist', errcodes.INVALID_SCHEMA_NAME)
                members = [r for r in cat.relations.values() if r.namespace == ns.oid]
                if members and not cascade:
                    raise PgError(f"cannot drop schema {nm} because other objects depend on it",
                                  errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                                  detail="\n".join(f"{_kind_word(r)} {nm}.{r.name} depends on schema {nm}"
                                                   for r in members if r.kind != "i" and not _owned_seq(cat, r)),
                                  hint="Use DROP ... CASCADE to drop the dependent objects too.")
                dropped = set()
                shown = [r for r in members if r.kind not in ("i",) and not _owned_seq(cat, r)]
                if len(shown) == 1:
                    ctx.notice(f"drop cascades to {_kind_word(shown[0])} {nm}.{shown[0].name}")
                elif shown:
                    ctx.notice(f"drop cascades to {len(shown)} other objects",
                               detail="\n".join(f"drop cascades to {_kind_word(r)} {nm}.{r.name}" for r in shown))
                for r in sorted(members, key=lambda r: {"v": 0, "r": 1, "i": 2, "S": 3}.get(r.kind, 4)):
                    cur = ctx.cat.relations.get(r.oid)
                    if r.oid in dropped or cur is None:
                        continue
                    if cur.kind == "i" and cur.index is not None and (cur.index.table in dropped or
                                                                       cur.index.constraint):
                        continue
                    drop_relation(ctx, cur, True, dropped)
                    ctx.bump()
                ctx.delete(ns.oid)
                ctx.bump()
            return tag
        want = kinds.get(kind)
        if want is None:
            raise PgError(f"DROP {kind} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
        rels = []
        for t in objs:
            nm = ident(t.this)
            sch = ident(t.args["db"]) if t.args.get("db") else None
            if sch is not None and cat.namespace(sch) is None:
                if if_exists:
                    ctx.notice(f'schema "{sch}" does not exist, skipping')
                    continue
                raise PgError(f'schema "{sch}" does not exist', errcodes.INVALID_SCHEMA_NAME)
            rel = cat.find_relation(nm, sch, ctx.search_path)
            if rel is None:
                if if_exists:
                    ctx.notice(f'{_kind_name(kind)} "{nm}" does not exist, skipping')
                    continue
                raise PgError(f'{_kind_name(kind)} "{(sch + ".") if sch else ""}{nm}" does not exist',
                              errcodes.UNDEFINED_OBJECT if kind == "INDEX" else errcodes.UNDEFINED_TABLE)
            if rel.kind != want:
                raise PgError(f'"{nm}" is not {_article(kind)}', errcodes.WRONG_OBJECT_TYPE,
                              hint=f"Use DROP {_kind_for(rel.kind)} to remove {_article_for(rel.kind)}.")
            rels.append(rel)
        dropped = set()
        names = {r.oid for r in rels}
        for rel in rels:
            cur = ctx.cat.relations.get(rel.oid)
            if cur is None:
                continue
            if kind == "TABLE":
                # FKs among the dropped set don't block each other
                for c in ctx.cat.referencing.get(rel.oid, []):
                    if c.table in names:
                        ctx.delete(c.oid)
                ctx.bump()
                cur = ctx.cat.relations.get(rel.oid)
            drop_relation(ctx, cur, cascade, dropped)
            ctx.bump()
        return tag

    return DdlStatement(tag, run)


def _owned_seq(cat, r):
    return r.kind == "S" and r.seq is not None and r.seq.owned_by is not None


def _kind_word(r):
    return {"r": "table", "v": "view", "S": "sequence", "i": "index"}.get(r.kind, "relation")


def _kind_name(kind):
    return {"TABLE": "table", "INDEX": "index", "VIEW": "view", "SEQUENCE": "sequence"}.get(kind, "relation")


def _article(kind):
    return {"TABLE": "a table", "INDEX": "an index", "VIEW": "a view", "SEQUENCE": "a sequence"}.get(kind,
                                                                                                    "a relation")


def _kind_for(k):
    return {"r": "TABLE", "v": "VIEW", "S": "SEQUENCE", "i": "INDEX"}.get(k, "TABLE")


def _article_for(k):
    return {"r": "a table", "v": "a view", "S": "a sequence", "i": "an index"}.get(k, "a relation")


# ----------------------------------------------------------------- TRUNCATE


def truncate(an: Analyzer, tree: exp.TruncateTable) -> DdlStatement:
    tables = tree.expressions
    restart = str(tree.args.get("identity") or "").upper() == "RESTART"
    cascade = str(tree.args.get("option") or "").upper() == "CASCADE"

    def run(ctx: D.DdlCtx):
        cat = ctx.cat
        rels = [D.find_rel(ctx, t, "r", what="relation") for t in tables]
        oids = {r.oid for r in rels}
        for r in list(rels):
            for c in cat.referencing.get(r.oid, []):
                if c.table not in oids:
                    if cascade:
                        child = cat.relations[c.table]
                        ctx.notice(f'truncate cascades to table "{child.name}"')
                        rels.append(child)
                        oids.add(child.oid)
                    else:
                        child = cat.relations[c.table]
                        raise PgError("cannot truncate a table referenced in a foreign key constraint",
                                      errcodes.FEATURE_NOT_SUPPORTED,
                                      detail=f'Table "{child.name}" references "{r.name}".',
                                      hint=f'Truncate table "{child.name}" at the same time, or use TRUNCATE ... '
                                           f'CASCADE.')
        for r in rels:
            _delete_data(ctx, r.oid)
            for irel in cat.indexes_of.get(r.oid, []):
                _delete_data(ctx, irel.oid)
            if restart:
                for (toid, _a), s in cat.sequences_owned.items():
                    if toid == r.oid:
                        C.write_sequence(ctx.txn, ctx.bid, s.oid, s.seq.start, False)
        return "TRUNCATE TABLE"

    return DdlStatement("TRUNCATE TABLE", run)


# ----------------------------------------------------------------- COMMENT


def comment(an: Analyzer, tree: exp.Comment) -> DdlStatement:
    kind = str(tree.args.get("kind") or "").upper()
    target = tree.this
    text_node = tree.args.get("expression")
    text = None if isinstance(text_node, exp.Null) else (text_node.this if text_node is not None else None)

    def run(ctx: D.DdlCtx):
        import copy

        cat = ctx.cat
        if kind in ("TABLE", "VIEW", "INDEX", "SEQUENCE"):
            rel = D.find_rel(ctx, target, {"TABLE": "r", "VIEW": "v", "INDEX": "i", "SEQUENCE": "S"}[kind])
            rel = copy.deepcopy(rel)
            rel.comment = text or None
            ctx.write(rel)
        elif kind == "COLUMN":
            tname = ident(target.args["table"]) if target.args.get("table") else None
            sch = ident(target.args["db"]) if target.args.get("db") else None
            cname = ident(target.this)
            rel = cat.find_relation(tname, sch, ctx.search_path) if tname else None
            if rel is None:
                raise PgError(f'relation "{tname}" does not exist', errcodes.UNDEFINED_TABLE)
            rel = copy.deepcopy(rel)
            col = rel.column(cname)
            if col is None:
                raise PgError(f'column "{cname}" of relation "{tname}" does not exist', errcodes.UNDEFINED_COLUMN)
            col.comment = text or None
            ctx.write(rel)
        elif kind == "SCHEMA":
            nm = ident(target.this) if isinstance(target, exp.Table) else ident(target)
            ns = cat.namespace(nm)
            if ns is None:
                raise PgError(f'schema "{nm}" does not exist', errcodes.INVALID_SCHEMA_NAME)
            ns = copy.deepcopy(ns)
            ns.comment = text or None
            ctx.write(ns)
        elif kind == "CONSTRAINT":
            raise PgError("COMMENT ON CONSTRAINT is not supported", errcodes.FEATURE_NOT_SUPPORTED)
        else:
            raise PgError(f"COMMENT ON {kind} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
        ctx.bump()
        return "COMMENT"

    return DdlStatement("COMMENT", run)


# ----------------------------------------------------------------- ALTER TABLE


def alter(an: Analyzer, tree: exp.Alter) -> DdlStatement:
    kind = str(tree.args.get("kind") or "TABLE").upper()
    if kind not in ("TABLE", "INDEX", "VIEW"):
        raise PgError(f"ALTER {kind} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    from .alter import alter_table

    return alter_table(an, tree, kind)


_ = (Scope, R, E)
