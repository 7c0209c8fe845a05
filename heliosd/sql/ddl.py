"""DDL: analysis and execution of CREATE/ALTER/DROP for tables, indexes,
views, sequences and schemas, TRUNCATE and COMMENT ON.

Every DDL statement runs inside the session's transaction (DDL is
transactional, as in PostgreSQL): it writes catalog rows and data through
the transaction's buffer, then bumps the branch's catalog token so later
statements (of this transaction now, of everyone after commit) see the new
catalog.  Object names follow PostgreSQL's conventions (``t_pkey``,
``t_col_key``, ``t_col_fkey``, ``t_col_check``, ``t_col_seq``, ``t_col_idx``)
including its 63-byte truncation and numeric suffixes for clashes.
"""

from __future__ import annotations

import re

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..engine import catalog as C
from ..errors import PgError
from ..exec import expr as E
from ..storage import keycode
from . import resolve as R
from .analyze import Analyzer, RangeItem, Scope, ident
from .types_sql import datatype_info

NAMEDATALEN = 64


class DdlStatement:
    def __init__(self, tag, run, kind="ddl"):
        self.tag = tag
        self.run = run  # run(ctx) -> optional tag override
        self.kind = kind
        self.columns = None
        self.plan = None


def _sql(node) -> str:
    return node.sql(dialect="postgres")


# ----------------------------------------------------------------- naming


def make_object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: truncate the longer part so it fits 63 bytes."""
    overhead = 0
    if name2:
        overhead += 1
    if label:
        overhead += len(label) + 1
    avail = NAMEDATALEN - 1 - overhead
    n1 = name1
    n2 = name2 or ""
    while len(n1.encode()) + len(n2.encode()) > avail:
        if len(n1.encode()) > len(n2.encode()):
            n1 = n1[:-1]
        else:
            n2 = n2[:-1]
    out = n1
    if name2:
        out += "_" + n2
    if label:
        out += "_" + label
    return out


def choose_name(cat: C.Catalog, ns: int, name1: str, name2: str | None, label: str, taken=()) -> str:
    pass_ = 0
    base_label = label
    while True:
        cand = make_object_name(name1, name2, label)
        if not cat.relation_name_taken(ns, cand) and cand not in taken and \
                cat.constraints_in_ns(ns, cand) is None:
            return cand
        pass_ += 1
        label = f"{base_label}{pass_}"


def truncate_ident(name: str) -> str:
    b = name.encode()
    if len(b) > NAMEDATALEN - 1:
        return b[:NAMEDATALEN - 1].decode("utf-8", "ignore")
    return name


# ----------------------------------------------------------------- helpers


class DdlCtx:
    """What DDL execution needs (built by the session from its state)."""

    def __init__(self, txn, bid, catalog_fn, table_store_fn, analyzer_fn, search_path, user_oid, notice):
        self.txn = txn
        self.bid = bid
        self.catalog_fn = catalog_fn  # () -> current Catalog (re-read after writes)
        self.table_store_fn = table_store_fn  # (rel, cat) -> TableStore
        self.analyzer_fn = analyzer_fn  # (cat) -> Analyzer
        self.search_path = search_path
        self.user_oid = user_oid
        self.notice = notice

    @property
    def cat(self):
        return self.catalog_fn()

    def oid(self) -> int:
        return self.txn.store.allocate_oid()

    def write(self, obj):
        if isinstance(obj, C.Relation) and obj.persistence == "p":
            ns = self.cat.namespaces.get(obj.namespace)
            if ns is not None and C.is_temp_ns_name(ns.name):
                obj.persistence = "t"  # everything in a temp schema is temporary (relpersistence)
        C.write_object(self.txn, self.bid, obj)

    def delete(self, oid):
        C.delete_object(self.txn, self.bid, oid)

    def bump(self):
        C.bump_token(self.txn, self.bid)


def creation_namespace(ctx: DdlCtx, schema: str | None, temp: bool = False) -> C.Namespace:
    if temp or (schema is not None and schema.startswith("pg_temp")):
        from ..session import temp as _temp

        ns = _temp.creation_namespace(ctx, schema, temp)
        if ns is not None:
            return ns
    cat = ctx.cat
    if schema is not None:
        ns = cat.namespace(schema)
        if ns is None:
            raise PgError(f'schema "{schema}" does not exist', errcodes.INVALID_SCHEMA_NAME)
        return ns
    for s in ctx.search_path:
        ns = cat.namespace(s)
        if ns is not None and s not in ("pg_catalog", "information_schema") and not C.is_temp_ns_name(s):
            return ns
    raise PgError("no schema has been selected to create in", errcodes.INVALID_SCHEMA_NAME)


def _check_fk_persistence(cat, rel, prel) -> None:
    """ATAddForeignKeyConstraint: temporary and permanent tables never reference each other."""
    def temp(r):
        ns = cat.namespaces.get(r.namespace)
        return ns is not None and C.is_temp_ns_name(ns.name)

    if temp(rel) != temp(prel):
        raise PgError("constraints on temporary tables may reference only temporary tables" if temp(rel) else
                      "constraints on permanent tables may reference only permanent tables",
                      errcodes.INVALID_TABLE_DEFINITION)


def check_creatable(ns, name: str) -> None:
    """heap_create: no new relations in pg_catalog/pg_toast (allow_system_table_mods is off)."""
    if ns.oid in (C.PG_CATALOG_NS, C.PG_TOAST_NS):
        raise PgError(f'permission denied to create "{ns.name}.{name}"', errcodes.INSUFFICIENT_PRIVILEGE,
                      detail="System catalog modifications are currently disallowed.")


def find_rel(ctx: DdlCtx, table: exp.Table, kinds=None, missing_ok=False, what="relation"):
    name = ident(table.this)
    schema = ident(table.args["db"]) if table.args.get("db") else None
    cat = ctx.cat
    rel = cat.find_relation(name, schema, ctx.search_path)
    if rel is None or (kinds and rel.kind not in kinds):
        if rel is not None and kinds:
            kname = {"r": "a table", "i": "an index", "v": "a view", "S": "a sequence"}
            raise PgError(f'"{name}" is not {kname.get(kinds[0], "a table")}', errcodes.WRONG_OBJECT_TYPE)
        if missing_ok:
            return None
        full = f"{schema}.{name}" if schema else name
        msg = {"index": f'index "{full}" does not exist', "view": f'view "{full}" does not exist',
               "sequence": f'sequence "{full}" does not exist', "table": f'table "{full}" does not exist'}
        raise PgError(msg.get(what, f'relation "{full}" does not exist'),
                      errcodes.UNDEFINED_OBJECT if what == "index" else errcodes.UNDEFINED_TABLE)
    return rel


def _const_value(an: Analyzer, node) -> object:
    e = an.expr(node, Scope())
    if not E.is_constant(e):
        return None
    return E.eval_const(e)


# ----------------------------------------------------------------- CREATE TABLE


class _ColSpec:
    def __init__(self, name):
        self.name = name
        self.type = None
        self.typmod = -1
        self.serial = None
        self.not_null = False
        self.null_explicit = False
        self.default = None
        self.default_node = None
        self.identity = ""
        self.identity_opts = {}
        self.generated = None
        self.constraints = []  # (kind, name, payload)


def analyze_create_table(an: Analyzer, node: exp.Create) -> DdlStatement:
    schema_node = node.this
    if isinstance(schema_node, exp.Schema):
        table = schema_node.this
        elems = schema_node.expressions
    else:
        table = schema_node
        elems = []
    ine = bool(node.args.get("exists"))
    props = node.args.get("properties")
    temp = False
    if props is not None:
        for p in props.expressions:
            if isinstance(p, exp.TemporaryProperty):
                temp = True
    as_query = node.args.get("expression")
    tname = truncate_ident(ident(table.this))
    sname = ident(table.args["db"]) if table.args.get("db") else None
    on_commit = (node.meta.get("helios_temp") or {}).get("on_commit")
    if on_commit is None and props is not None:
        for p in props.expressions:
            if isinstance(p, exp.OnCommitProperty):
                on_commit = "DELETE" if p.args.get("delete") else "PRESERVE"
    if on_commit is not None and not temp:
        raise PgError("ON COMMIT can only be used on temporary tables", errcodes.INVALID_TABLE_DEFINITION)

    def run(ctx: DdlCtx):
        from ..session import temp as _temp

        cat = ctx.cat
        ns = creation_namespace(ctx, sname, temp)
        cat = ctx.cat
        if cat.relation_name_taken(ns.oid, tname):
            if ine:
                ctx.notice(f'relation "{tname}" already exists, skipping', "42P07")
                return "CREATE TABLE"
            raise PgError(f'relation "{tname}" already exists', errcodes.DUPLICATE_TABLE)
        if (ns.oid, tname) in cat.type_by_name:  # a user-defined type (heliosd.sql.ddl_types)
            raise PgError(f'type "{tname}" already exists', errcodes.DUPLICATE_OBJECT,
                          hint="A relation has an associated type of the same name, so you must use a name "
                               "that doesn't conflict with any existing type.")
        if as_query is not None:
            tag = _create_table_as(an, ctx, ns, tname, as_query, elems, node)
        else:
            cols, table_cons, likes = _collect_columns(an, elems, tname)
            extra = []
            for at, like in reversed(likes):
                lcols, lspecs = _expand_like(ctx, like)
                cols[at:at] = lcols
                extra[:0] = lspecs
            build_table(an, ctx, ns, tname, cols, table_cons, extra_specs=extra)
            tag = "CREATE TABLE"
        if on_commit in ("DROP", "DELETE"):
            rel = ctx.cat.rel_by_name.get((ns.oid, tname))
            if rel is not None:
                _temp.note_on_commit(ctx, rel.oid, on_commit)
        return tag

    return DdlStatement("CREATE TABLE", run)


def _collect_columns(an, elems, table=""):
    cols: list[_ColSpec] = []
    table_cons = []
    likes = []
    for el in elems:
        if isinstance(el, exp.ColumnDef):
            cols.append(_column_spec(an, el, table))
        elif isinstance(el, exp.LikeProperty):
            likes.append((len(cols), el))
        else:
            table_cons.append(el)
    return cols, table_cons, likes


_LIKE_OPTIONS = ("COMMENTS", "COMPRESSION", "CONSTRAINTS", "DEFAULTS", "GENERATED", "IDENTITY", "INDEXES",
                 "STATISTICS", "STORAGE")


def _expand_like(ctx, like):
    """LIKE source [{INCLUDING|EXCLUDING} option ...]: the source's columns (NOT NULL always),
    with defaults/generation expressions/identity as included, and the CHECK constraints and
    primary key/unique constraints to create (constraint specs as _table_constraint gives)."""
    from .dml import parse_sql_expr

    rel = find_rel(ctx, like.this, "rv")
    inc = set()
    for p in like.expressions:
        word = str(p.this).upper()
        what = str(p.args.get("value") or "").upper()
        names = _LIKE_OPTIONS if what == "ALL" else (what,)
        if word == "INCLUDING":
            inc.update(names)
        else:
            inc.difference_update(names)
    cat = ctx.cat
    out = []
    for c in rel.live_columns:
        cs = _ColSpec(c.name)
        cs.type = c.type
        cs.typmod = c.typmod
        cs.not_null = c.not_null
        if c.generated:
            if "GENERATED" in inc:
                cs.generated = parse_sql_expr(c.default)
        elif c.identity:
            if "IDENTITY" in inc:
                cs.identity = c.identity
                seq = cat.sequences_owned.get((rel.oid, c.attnum))
                if seq is not None:
                    sd = seq.seq
                    cs.identity_opts = {"start": sd.start, "increment": sd.increment, "minvalue": sd.min,
                                        "maxvalue": sd.max, "cycle": sd.cycle, "cache": sd.cache}
        elif "DEFAULTS" in inc and c.default is not None:
            cs.default = c.default
        out.append(cs)
    specs = []
    if "CONSTRAINTS" in inc:
        for con in cat.constraints_of.get(rel.oid, []):
            if con.kind == "c" and con.check:
                specs.append(("c", con.name, [], parse_sql_expr(con.check), None))
    if "INDEXES" in inc:
        for con in cat.constraints_of.get(rel.oid, []):
            if con.kind in ("p", "u"):
                names = [rel.column_by_attnum(a).name for a in con.columns]
                defer = (con.deferrable, con.deferred)
                if con.kind == "p":
                    specs.append(("p", None, names, defer, names[0] if names else None))
                else:
                    irel = cat.relations.get(con.index) if con.index else None
                    nnd = bool(irel and irel.index and irel.index.nulls_not_distinct)
                    specs.append(("u", None, names, (nnd, defer), names[0] if names else None))
    return out, specs


def _column_spec(an, cd: exp.ColumnDef, table: str = "") -> _ColSpec:
    cs = _ColSpec(truncate_ident(ident(cd.this)))
    kind = cd.args.get("kind")
    if kind is None:
        raise PgError(f'column "{cs.name}" has no type', errcodes.SYNTAX_ERROR)
    t, tm, serial = datatype_info(kind)
    cs.type, cs.typmod, cs.serial = t, (tm if tm is not None else -1), serial
    for cc in cd.args.get("constraints") or []:
        cname = ident(cc.this) if isinstance(cc, exp.ColumnConstraint) and cc.this is not None else None
        k = cc.args.get("kind") if isinstance(cc, exp.ColumnConstraint) else cc
        if isinstance(k, exp.NotNullColumnConstraint):
            if k.args.get("allow_null"):
                cs.null_explicit = True
            else:
                cs.not_null = True
        elif isinstance(k, exp.DefaultColumnConstraint):
            if cs.default_node is not None:
                raise PgError(f'multiple default values specified for column "{cs.name}" of table "{table}"',
                              errcodes.SYNTAX_ERROR)
            cs.default_node = k.this
            cs.default = _sql(k.this)
        elif isinstance(k, exp.PrimaryKeyColumnConstraint):
            cs.constraints.append(("p", cname, _deferral(k.args.get("options"))))
        elif isinstance(k, exp.UniqueColumnConstraint):
            cs.constraints.append(("u", cname, (bool(k.args.get("nulls")), _deferral(k.args.get("options")))))
        elif isinstance(k, exp.CheckColumnConstraint):
            cs.constraints.append(("c", cname, k.this))
        elif isinstance(k, exp.Reference):
            cs.constraints.append(("f", cname, k))
        elif isinstance(k, exp.GeneratedAsIdentityColumnConstraint):
            if k.args.get("expression") is not None:
                cs.generated = k.args["expression"]
            else:
                if cs.identity:
                    raise PgError(f'multiple identity specifications for column "{cs.name}" of table "{table}"',
                                  errcodes.SYNTAX_ERROR)
                cs.identity = "d" if k.args.get("this") is False else "a"
                for opt in ("start", "increment", "minvalue", "maxvalue", "cycle"):
                    v = k.args.get(opt)
                    if v is not None:
                        cs.identity_opts[opt] = v
        elif isinstance(k, exp.CollateColumnConstraint):
            pass
        elif isinstance(k, exp.ComputedColumnConstraint):
            cs.generated = k.this
        else:
            raise PgError(f"unsupported column constraint {_sql(cc)}", errcodes.FEATURE_NOT_SUPPORTED)
    return cs


def build_table(an, ctx: DdlCtx, ns, tname, cols: list, table_cons: list, kind="r", extra_specs=()):
    cat = ctx.cat
    seen = set()
    for c in cols:
        if c.name in seen:
            raise PgError(f'column "{c.name}" specified more than once', errcodes.DUPLICATE_COLUMN)
        seen.add(c.name)
        if c.identity and c.default is not None:
            raise PgError(f'both default and identity specified for column "{c.name}" of table "{tname}"',
                          errcodes.SYNTAX_ERROR)
    toid = ctx.oid()
    check_creatable(ns, tname)
    rel = C.Relation(toid, tname, ns.oid, kind, owner=ctx.user_oid)
    taken = set()
    new_seqs = []
    for i, c in enumerate(cols):
        col = C.Column(c.name, c.type.oid, c.typmod, not_null=c.not_null, attnum=i + 1)
        if c.serial or c.identity:
            seqname = choose_name(cat, ns.oid, tname, c.name, "seq", taken)
            taken.add(seqname)
            seq = _new_sequence(ctx, ns, seqname, c.type, c.identity_opts if c.identity else {}, an,
                                for_identity=bool(c.identity))
            seq.seq.owned_by = (toid, col.attnum)
            new_seqs.append(seq)
            ctx.notice(f'CREATE TABLE will create implicit sequence "{seqname}" for serial column '
                       f'"{tname}.{c.name}"', severity="DEBUG")
            col.not_null = True
            if c.serial:
                col.default = f"nextval({regclass_oid_text(seq.oid)})"
            else:
                col.identity = c.identity
        elif c.generated is not None:
            if c.default is not None:
                raise PgError(f'both default and generation expression specified for column "{c.name}" of table '
                              f'"{tname}"', errcodes.SYNTAX_ERROR)
            col.generated = "s"
            col.default = _sql(c.generated)
        rel.columns.append(col)
    for s in new_seqs:
        ctx.write(s)
        C.write_sequence(ctx.txn, ctx.bid, s.oid, s.seq.start, False)
    if new_seqs:
        ctx.bump()  # PostgreSQL creates serial/identity sequences first: defaults may name them
    for c, col in zip(cols, rel.columns):
        if not (c.serial or c.identity) and c.generated is None and c.default is not None:
            col.default = _check_default(an, c, col)
    ctx.write(rel)
    cons_specs = []
    for c in cols:
        for kind_, cname, payload in c.constraints:
            cons_specs.append((kind_, cname, [c.name], payload, c.name))
    for tc in table_cons:
        cons_specs.extend(_table_constraint(tc))
    cons_specs.extend(extra_specs)
    # primary key first (PostgreSQL creates the pkey index before unique ones)
    cons_specs.sort(key=lambda s: 0 if s[0] == "p" else 1)
    pk_count = sum(1 for s in cons_specs if s[0] == "p")
    if pk_count > 1:
        raise PgError(f'multiple primary keys for table "{tname}" are not allowed', errcodes.INVALID_TABLE_DEFINITION)
    for spec in cons_specs:
        add_constraint(an, ctx, rel, spec, taken, creating=True)
    ctx.write(rel)
    ctx.bump()
    return rel


def _check_default(an, c, col):
    if c.default_node is not None:
        try:
            e = an.expr(c.default_node, Scope())
        except PgError as err:
            if err.code in (errcodes.UNDEFINED_COLUMN, errcodes.UNDEFINED_TABLE) and \
                    any(isinstance(n, exp.Column) for n in c.default_node.walk()):
                raise PgError("cannot use column reference in DEFAULT expression", errcodes.FEATURE_NOT_SUPPORTED,
                              position=err.position) from None
            raise
        for n in E.walk(e):
            if isinstance(n, (E.ColRef, E.OuterRef)):
                raise PgError("cannot use column reference in DEFAULT expression",
                              errcodes.FEATURE_NOT_SUPPORTED)
            if isinstance(n, E.SubPlan):
                raise PgError("cannot use subquery in DEFAULT expression", errcodes.FEATURE_NOT_SUPPORTED)
            if isinstance(n, E.AggRef):
                raise PgError("aggregate functions are not allowed in DEFAULT expressions",
                              errcodes.GROUPING_ERROR)
        R.coerce(e, col.type, col.typmod, "assignment")
        if _is_null_literal(c.default_node):
            return None  # PostgreSQL stores no default for a NULL constant
        bound = bind_regclass_literals(an, c.default_node)
        if bound is not None:
            return _sql(bound)
    return c.default


def _is_null_literal(node) -> bool:
    """NULL, (NULL), NULL::type: a default that cooks to a NULL constant."""
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return isinstance(node, exp.Null)


#: a regclass constant as stored default text writes it (by OID): '16390'::regclass
REGCLASS_OID_TEXT = re.compile(r"'(\d+)'(?:\s*::\s*regclass\b|\s+AS\s+REGCLASS\s*\))", re.I)
_SEQ_FUNCS = ("nextval", "currval", "setval")


def regclass_oid_text(oid: int) -> str:
    return f"'{oid}'::regclass"


def bind_regclass_literals(an, node):
    """PostgreSQL stores a default's ``'seq'::regclass`` (and ``nextval('seq')``) as a regclass
    constant, i.e. by OID: the default follows a renamed sequence and records a dependency on it.
    Stored defaults are SQL text here, so write such literals as their OID ('16390'::regclass;
    regclass input accepts numeric OIDs and the deparser prints the name).  Returns the rewritten
    copy of ``node``, or None when it has no such literal."""
    import sqlglot

    def oid_of(lit):
        e = an.expr(exp.Cast(this=lit.copy(), to=exp.DataType.build("regclass", dialect="postgres")), Scope())
        return e.value if isinstance(e, E.Const) and isinstance(e.value, int) else None

    def oid_cast(o):
        return sqlglot.parse_one(regclass_oid_text(o), read="postgres")

    node = node.copy()
    changed = False
    for n in list(node.walk()):
        if isinstance(n, exp.Cast) and isinstance(n.this, exp.Literal) and n.this.is_string and \
                _sql(n.args["to"]).upper() == "REGCLASS":
            o = oid_of(n.this)
            if o is not None:
                n.this.replace(exp.Literal.string(str(o)))
                changed = True
        elif isinstance(n, exp.Anonymous) and str(n.this).lower() in _SEQ_FUNCS and n.expressions and \
                isinstance(n.expressions[0], exp.Literal) and n.expressions[0].is_string and \
                not (isinstance(n.parent, exp.Dot) and ident(n.parent.this) != "pg_catalog"):
            o = oid_of(n.expressions[0])
            if o is not None:
                n.expressions[0].replace(oid_cast(o))
                changed = True
    return node if changed else None


def _table_constraint(tc):
    """(kind, name, column names, payload, first column name)."""
    cname = None
    node = tc
    if isinstance(tc, exp.Constraint):
        cname = ident(tc.this)
        node = tc.expressions[0]
    if isinstance(node, exp.PrimaryKey):
        names = [ident(x.this if isinstance(x, exp.Ordered) else x) for x in node.expressions]
        return [("p", cname, names, _deferral(node.args.get("options")), names[0] if names else None)]
    if isinstance(node, (exp.UniqueColumnConstraint, exp.Unique if hasattr(exp, "Unique") else ())):
        this = node.this
        items = this.expressions if isinstance(this, exp.Schema) else (node.expressions or [])
        names = [ident(x.this if isinstance(x, exp.Ordered) else x) for x in items]
        return [("u", cname, names, (bool(node.args.get("nulls")), _deferral(node.args.get("options"))),
                 names[0] if names else None)]
    if isinstance(node, exp.CheckColumnConstraint):
        return [("c", cname, [], node.this, None)]
    if isinstance(node, exp.Check if hasattr(exp, "Check") else ()):
        return [("c", cname, [], node.this, None)]
    if isinstance(node, exp.ForeignKey):
        names = [ident(x) for x in node.expressions]
        return [("f", cname, names, node.args.get("reference"), names[0] if names else None)]
    if isinstance(node, exp.ColumnConstraint):
        k = node.args.get("kind")
        if isinstance(k, exp.CheckColumnConstraint):
            return [("c", cname, [], k.this, None)]
    raise PgError(f"unsupported table constraint {_sql(tc)}", errcodes.FEATURE_NOT_SUPPORTED)


def _deferral(options) -> tuple[bool, bool]:
    """(deferrable, initially deferred) from a constraint's option list."""
    words = [" ".join(str(o).upper().split()) for o in (options or [])]
    deferrable = "DEFERRABLE" in words and "NOT DEFERRABLE" not in words
    deferred = "INITIALLY DEFERRED" in words
    if deferred:
        deferrable = True
    return deferrable, deferred


def _fk_actions(ref: exp.Reference):
    on_delete = on_update = "a"
    for opt in ref.args.get("options") or []:
        s = str(opt).upper().strip()
        act = None
        for word, code in (("CASCADE", "c"), ("SET NULL", "n"), ("SET DEFAULT", "d"), ("RESTRICT", "r"),
                           ("NO ACTION", "a")):
            if word in s:
                act = code
                break
        if act is None:
            continue
        if "DELETE" in s:
            on_delete = act
        elif "UPDATE" in s:
            on_update = act
    return on_delete, on_update


def add_constraint(an, ctx: DdlCtx, rel: C.Relation, spec, taken, creating=False, not_valid=False):
    kind, cname, colnames, payload, first = spec
    cat = ctx.cat
    ns_oid = rel.namespace
    attnums = []
    for nm in colnames:
        col = rel.column(nm)
        if col is None:
            if kind == "f":
                raise PgError(f'column "{nm}" referenced in foreign key constraint does not exist',
                              errcodes.UNDEFINED_COLUMN)
            raise PgError(f'column "{nm}" named in key does not exist', errcodes.UNDEFINED_COLUMN)
        attnums.append(col.attnum)
    if cname is not None:
        if any(c.name == cname for c in cat.constraints_of.get(rel.oid, [])) or cname in taken:
            raise PgError(f'constraint "{cname}" for relation "{rel.name}" already exists',
                          errcodes.DUPLICATE_OBJECT)
    if kind == "p":
        if rel.pk is not None:
            raise PgError(f'multiple primary keys for table "{rel.name}" are not allowed',
                          errcodes.INVALID_TABLE_DEFINITION)
        for a in attnums:
            rel.column_by_attnum(a).not_null = True
        name = cname or choose_name(cat, ns_oid, rel.name, None, "pkey", taken)
        taken.add(name)
        ctx.notice(f'{"CREATE TABLE / PRIMARY KEY" if creating else "ALTER TABLE / ADD PRIMARY KEY"} will create '
                   f'implicit index "{name}" for table "{rel.name}"', severity="DEBUG")
        _make_unique(an, ctx, rel, name, attnums, primary=True, nulls_not_distinct=False, creating=creating,
                     deferral=payload if isinstance(payload, tuple) else (False, False))
    elif kind == "u":
        name = cname or choose_name(cat, ns_oid, rel.name, "_".join(colnames), "key", taken)
        taken.add(name)
        ctx.notice(f'{"CREATE TABLE / UNIQUE" if creating else "ALTER TABLE / ADD UNIQUE"} will create '
                   f'implicit index "{name}" for table "{rel.name}"', severity="DEBUG")
        nnd, deferral = payload if isinstance(payload, tuple) else (bool(payload), (False, False))
        _make_unique(an, ctx, rel, name, attnums, primary=False, nulls_not_distinct=nnd,
                     creating=creating, deferral=deferral)
    elif kind == "c":
        expr_node = payload
        scope = _rel_scope(rel)
        e = an.bool_expr(expr_node, scope, "CHECK")
        for n in E.walk(e):
            if isinstance(n, E.SubPlan):
                raise PgError("cannot use subquery in check constraint", errcodes.FEATURE_NOT_SUPPORTED)
            if isinstance(n, E.AggRef):
                raise PgError("aggregate functions are not allowed in check constraints", errcodes.GROUPING_ERROR)
        if cname is None:
            # PostgreSQL: "tab_col_check" when the expression uses exactly one column, else "tab_check"
            refcols = []
            for n in E.walk(e):
                if isinstance(n, E.ColRef):
                    nm = rel.live_columns[n.index].name
                    if nm not in refcols:
                        refcols.append(nm)
            base = refcols[0] if len(refcols) == 1 else None
            name = choose_name(cat, ns_oid, rel.name, base, "check", taken)
        else:
            name = cname
        taken.add(name)
        con = C.Constraint(ctx.oid(), name, ns_oid, "c", rel.oid,
                           columns=sorted({rel.live_columns[n.index].attnum for n in E.walk(e)
                                           if isinstance(n, E.ColRef)}),
                           check=_sql(expr_node), validated=not not_valid)
        if not creating and not not_valid:
            _validate_check(ctx, rel, con, e)
        ctx.write(con)
    elif kind == "f":
        ref: exp.Reference = payload
        rtable = ref.this.this if isinstance(ref.this, exp.Schema) else ref.this
        rcols_nodes = ref.this.expressions if isinstance(ref.this, exp.Schema) else []
        if rtable.name == rel.name and not rtable.args.get("db"):
            prel = rel
        else:
            prel = find_rel(ctx, rtable, "r")
        if prel.oid == rel.oid:
            prel = rel
        _check_fk_persistence(ctx.cat, rel, prel)
        if rcols_nodes:
            rnames = [ident(x) for x in rcols_nodes]
            ratt = []
            for nm in rnames:
                pc = prel.column(nm)
                if pc is None:
                    raise PgError(f'column "{nm}" referenced in foreign key constraint does not exist',
                                  errcodes.UNDEFINED_COLUMN)
                ratt.append(pc.attnum)
        else:
            pk_idx = _pk_attnums(ctx, prel)
            if pk_idx is None:
                raise PgError(f'there is no primary key for referenced table "{prel.name}"',
                              errcodes.INVALID_FOREIGN_KEY)
            ratt = pk_idx
        if len(ratt) != len(attnums):
            raise PgError("number of referencing and referenced columns for foreign key disagree",
                          errcodes.INVALID_FOREIGN_KEY)
        if cname is None:
            cname_final = choose_name(cat, ns_oid, rel.name, "_".join(colnames), "fkey", taken)
        else:
            cname_final = cname
        if not _has_unique_on(ctx, prel, ratt):
            raise PgError(f'there is no unique constraint matching given keys for referenced table "{prel.name}"',
                          errcodes.INVALID_FOREIGN_KEY)
        for a, b in zip(attnums, ratt):
            ca = rel.column_by_attnum(a)
            cb = prel.column_by_attnum(b)
            if ca.type_oid != cb.type_oid and not R.can_coerce(ca.type, cb.type) and \
                    not R.can_coerce(cb.type, ca.type):
                raise PgError(f'foreign key constraint "{cname_final}" cannot be implemented',
                              errcodes.DATATYPE_MISMATCH,
                              detail=f'Key columns "{ca.name}" and "{cb.name}" are of incompatible types: '
                                     f'{T.format_type(ca.type_oid, -1)} and {T.format_type(cb.type_oid, -1)}.')
        on_delete, on_update = _fk_actions(ref)
        name = cname_final
        taken.add(name)
        con = C.Constraint(ctx.oid(), name, ns_oid, "f", rel.oid, columns=attnums, ref_table=prel.oid,
                           ref_columns=ratt, on_update=on_update, on_delete=on_delete)
        con.deferrable, con.deferred = _deferral(ref.args.get("options"))
        con.validated = not not_valid
        ctx.write(con)
        if not creating and not not_valid:
            ctx.bump()
            _validate_fk(ctx, rel, con)
    return


def _rel_scope(rel):
    s = Scope()
    live = rel.live_columns
    s.add(RangeItem(rel.name, [c.name for c in live], [c.type for c in live], [c.typmod for c in live],
                    table_oid=rel.oid, attnums=[c.attnum for c in live], rel=rel))
    return s


def _pk_attnums(ctx, rel):
    cat = ctx.cat
    if rel.pk is None:
        return None
    idx = cat.relations.get(rel.pk)
    if idx is None:
        # created in this same statement (self-reference): read from the relation we hold
        return getattr(rel, "_pk_attnums", None)
    return [k.attnum for k in idx.index.keys]


def _has_unique_on(ctx, rel, attnums):
    cat = ctx.cat
    for irel in cat.indexes_of.get(rel.oid, []):
        idx = irel.index
        if idx.unique and idx.predicate is None and sorted(k.attnum for k in idx.keys) == sorted(attnums):
            return True
    if getattr(rel, "_pk_attnums", None) and sorted(rel._pk_attnums) == sorted(attnums):
        return True
    for u in getattr(rel, "_uniques", []):
        if sorted(u) == sorted(attnums):
            return True
    return False


def _make_unique(an, ctx, rel, name, attnums, primary, nulls_not_distinct, creating, deferral=(False, False)):
    cat = ctx.cat
    if cat.relation_name_taken(rel.namespace, name):
        raise PgError(f'relation "{name}" already exists', errcodes.DUPLICATE_TABLE)
    ioid = ctx.oid()
    coid = ctx.oid()
    idx = C.IndexDef(rel.oid, [C.IndexKey(attnum=a) for a in attnums], unique=True, primary=primary,
                     constraint=coid, nulls_not_distinct=nulls_not_distinct)
    irel = C.Relation(ioid, name, rel.namespace, "i", owner=rel.owner, index=idx)
    con = C.Constraint(coid, name, rel.namespace, "p" if primary else "u", rel.oid, columns=list(attnums),
                       index=ioid, deferrable=deferral[0], deferred=deferral[1])
    if primary:
        rel.pk = ioid
        rel._pk_attnums = list(attnums)
    else:
        rel.__dict__.setdefault("_uniques", []).append(list(attnums))
    ctx.write(rel)
    ctx.write(irel)
    ctx.write(con)
    if not creating:
        ctx.bump()
        build_index(ctx, rel.oid, ioid)


def _validate_check(ctx, rel, con, e):
    cat = ctx.cat
    store = ctx.table_store_fn(cat.relations[rel.oid], cat)
    f = E.compile_expr(e, filter=False)
    for _k, row in store.scan(ctx.txn, ctx.bid):
        if f(row) is False:
            raise PgError(f'check constraint "{con.name}" of relation "{rel.name}" is violated by some row',
                          errcodes.CHECK_VIOLATION)


def _validate_fk(ctx, rel, con):
    cat = ctx.cat
    store = ctx.table_store_fn(cat.relations[rel.oid], cat)
    parent = ctx.table_store_fn(cat.relations[con.ref_table], cat)
    from ..engine.table import format_value, quote_ident

    for _k, row in store.scan(ctx.txn, ctx.bid):
        vals = tuple(row[store.pos[a]] for a in con.columns)
        if any(v is None for v in vals):
            continue
        if not parent.find_by_columns(ctx.txn, ctx.bid, con.ref_columns, vals, latest=True):
            cols = ", ".join(quote_ident(store.live[store.pos[a]].name) for a in con.columns)
            shown = ", ".join(format_value(v, store.live[store.pos[a]].type_oid) for v, a in zip(vals, con.columns))
            raise PgError(f'insert or update on table "{rel.name}" violates foreign key constraint "{con.name}"',
                          errcodes.FOREIGN_KEY_VIOLATION,
                          detail=f'Key ({cols})=({shown}) is not present in table "{parent.rel.name}".')


def build_index(ctx: DdlCtx, table_oid: int, index_oid: int):
    """Write the entries of a new index for every existing row; enforce uniqueness."""
    cat = ctx.cat
    rel = cat.relations[table_oid]
    store = ctx.table_store_fn(rel, cat)
    info = next(i for i in store.indexes if i.oid == index_oid)
    txn = ctx.txn
    bid = ctx.bid
    seen = {}
    for key, row in store.scan(txn, bid):
        if info.pred is not None and info.pred(row) is not True:
            continue
        vals = info.key_fn(row)
        if info.unique and (info.nulls_not_distinct or not any(v is None for v in vals)):
            hk = keycode.encode_key(vals, info.desc, info.nulls_first)
            if hk in seen:
                raise PgError(f'could not create unique index "{info.name}"', errcodes.UNIQUE_VIOLATION,
                              detail=store._key_detail(info, vals) + " is duplicated.")
            seen[hk] = key
        if info.primary:
            continue
        txn.put(bid, index_oid, keycode.encode_key(vals, info.desc, info.nulls_first) + key, key)


SEQ_TYPE_BOUNDS = {21: (-32768, 32767), 23: (-2147483648, 2147483647),
                   20: (-9223372036854775808, 9223372036854775807)}


def _new_sequence(ctx, ns, name, type_, opts, an, for_identity=False):
    t = type_ if type_ is not None else T.INT8
    if t.oid not in SEQ_TYPE_BOUNDS:
        raise PgError("identity column type must be smallint, integer, or bigint" if for_identity else
                      "sequence type must be smallint, integer, or bigint", errcodes.INVALID_PARAMETER_VALUE)
    sd = C.SequenceDef(type_oid=t.oid, start=1, increment=1, min=1, max=SEQ_TYPE_BOUNDS[t.oid][1])
    _apply_seq_opts(an, sd, opts)
    check_creatable(ns, name)
    return C.Relation(ctx.oid(), name, ns.oid, "S", owner=ctx.user_oid, seq=sd)


def _apply_seq_opts(an, sd, opts, minv=None, maxv=None, creating=True, last_value=None, new_type=None):
    """PostgreSQL's init_params (sequence.c): apply CREATE/ALTER SEQUENCE options to ``sd`` in its
    order of checks.  ``last_value`` (ALTER) is the current value, checked against new bounds when
    there is no RESTART; returns the value a RESTART asks for (or None)."""
    def val(v):
        if isinstance(v, int):
            return v
        x = _const_value(an, v)
        return int(x)

    def fmt_type(oid):
        return {21: "smallint", 23: "integer", 20: "bigint"}.get(oid, str(oid))

    reset_max = reset_min = False
    if "increment" in opts:
        sd.increment = val(opts["increment"])
        if sd.increment == 0:
            raise PgError("INCREMENT must not be zero", errcodes.INVALID_PARAMETER_VALUE)
    if new_type is not None:
        if new_type.oid not in SEQ_TYPE_BOUNDS:
            raise PgError("sequence type must be smallint, integer, or bigint", errcodes.INVALID_PARAMETER_VALUE)
        if not creating:
            lo, hi = SEQ_TYPE_BOUNDS.get(sd.type_oid, SEQ_TYPE_BOUNDS[20])
            reset_max = sd.max == hi
            reset_min = sd.min == lo
        sd.type_oid = new_type.oid
    lo, hi = SEQ_TYPE_BOUNDS.get(sd.type_oid, SEQ_TYPE_BOUNDS[20])
    if "cycle" in opts:
        sd.cycle = bool(opts["cycle"])
    if opts.get("maxvalue") is not None:
        sd.max = val(opts["maxvalue"])
    elif creating or "maxvalue" in opts or reset_max:
        sd.max = hi if (sd.increment > 0 or reset_max) else -1
    if sd.max < lo or sd.max > hi:
        raise PgError(f"MAXVALUE ({sd.max}) is out of range for sequence data type {fmt_type(sd.type_oid)}",
                      errcodes.INVALID_PARAMETER_VALUE)
    if opts.get("minvalue") is not None:
        sd.min = val(opts["minvalue"])
    elif creating or "minvalue" in opts or reset_min:
        sd.min = lo if (sd.increment < 0 or reset_min) else 1
    if sd.min < lo or sd.min > hi:
        raise PgError(f"MINVALUE ({sd.min}) is out of range for sequence data type {fmt_type(sd.type_oid)}",
                      errcodes.INVALID_PARAMETER_VALUE)
    if sd.min >= sd.max:
        raise PgError(f"MINVALUE ({sd.min}) must be less than MAXVALUE ({sd.max})", errcodes.INVALID_PARAMETER_VALUE)
    if "start" in opts:
        sd.start = val(opts["start"])
    elif creating:
        sd.start = sd.min if sd.increment > 0 else sd.max
    if sd.start < sd.min:
        raise PgError(f"START value ({sd.start}) cannot be less than MINVALUE ({sd.min})",
                      errcodes.INVALID_PARAMETER_VALUE)
    if sd.start > sd.max:
        raise PgError(f"START value ({sd.start}) cannot be greater than MAXVALUE ({sd.max})",
                      errcodes.INVALID_PARAMETER_VALUE)
    restart = None
    if "restart" in opts:
        restart = sd.start if opts["restart"] is None else val(opts["restart"])
        last_value = restart
    elif creating:
        last_value = sd.start
    if last_value is not None:
        if last_value < sd.min:
            raise PgError(f"RESTART value ({last_value}) cannot be less than MINVALUE ({sd.min})",
                          errcodes.INVALID_PARAMETER_VALUE)
        if last_value > sd.max:
            raise PgError(f"RESTART value ({last_value}) cannot be greater than MAXVALUE ({sd.max})",
                          errcodes.INVALID_PARAMETER_VALUE)
    if "cache" in opts:
        sd.cache = val(opts["cache"])
        if sd.cache <= 0:
            raise PgError(f"CACHE ({sd.cache}) must be greater than zero", errcodes.INVALID_PARAMETER_VALUE)
    return restart


def _create_table_as(an, ctx, ns, tname, query_node, elems, node):
    q = an.query(query_node, None)
    names = [ident(e) for e in elems] if elems else []
    cols = []
    for i, c in enumerate(q.columns):
        cs = _ColSpec(names[i] if i < len(names) else c.name)
        cs.type = c.type if c.type is not T.UNKNOWN else T.TEXT
        cs.typmod = c.typmod
        cols.append(cs)
    rel = build_table(an, ctx, ns, tname, cols, [])
    from ..plan.physical import lower

    phys = lower(q.plan)
    cat = ctx.cat
    store = ctx.table_store_fn(cat.relations[rel.oid], cat)
    from ..exec.context import ExecContext

    ectx = ExecContext(ctx.txn, ctx.bid, cat, lambda oid: ctx.table_store_fn(cat.relations[oid], cat))
    from ..exec import runtime

    prev = runtime.state.ctx
    runtime.state.ctx = ectx
    n = 0
    try:
        for b in phys.root.run(ectx):
            for row in b:
                store.insert(ctx.txn, ctx.bid, row, ectx)
                n += 1
    finally:
        runtime.state.ctx = prev
    return f"SELECT {n}"
