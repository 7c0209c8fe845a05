"""ALTER TABLE / ALTER INDEX / ALTER VIEW.

Actions run in order within the statement's transaction; each one writes
catalog rows and bumps the catalog token, so the next action sees it.

- ADD COLUMN with a constant (or no) default does not rewrite the table: the
  column records a *missing value* that rows written before it existed
  report (PostgreSQL 11+'s attmissingval).  A volatile default (now(),
  nextval(...)) rewrites every row, as PostgreSQL does.
- DROP COLUMN marks the column dropped (its physical slot stays; rows are
  not rewritten) and drops indexes and constraints that use it.
- ALTER COLUMN TYPE rewrites every row through the conversion (USING
  expression or the assignment cast) and rebuilds the table's indexes.
- SET NOT NULL / ADD CONSTRAINT CHECK|FOREIGN KEY validate existing rows;
  ADD PRIMARY KEY / UNIQUE build their index (failing on duplicates).
"""

from __future__ import annotations

import copy

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..engine import catalog as C
from ..errors import PgError
from ..exec import expr as E
from . import ddl as D
from . import resolve as R
from .analyze import Analyzer, Scope, ident
from .ddl import DdlStatement, _sql
from .types_sql import datatype_info


def alter_table(an: Analyzer, tree: exp.Alter, kind: str) -> DdlStatement:
    table = tree.this
    if_exists = bool(tree.args.get("exists"))
    actions = tree.args.get("actions") or []
    tag = f"ALTER {kind}"

    def run(ctx: D.DdlCtx):
        want = {"TABLE": "r", "INDEX": "i", "VIEW": "v"}[kind]
        rel = D.find_rel(ctx, table, None, missing_ok=True)
        if rel is None:
            if if_exists:
                ctx.notice(f'relation "{ident(table.this)}" does not exist, skipping')
                return tag
            raise PgError(f'relation "{ident(table.this)}" does not exist', errcodes.UNDEFINED_TABLE)
        if kind == "TABLE" and rel.kind not in ("r", "S", "v", "i"):
            raise PgError(f'"{rel.name}" is not a table', errcodes.WRONG_OBJECT_TYPE)
        if kind != "TABLE" and rel.kind != want and not (kind == "VIEW" and rel.kind == "v"):
            raise PgError(f'"{rel.name}" is not {"an index" if want == "i" else "a view"}',
                          errcodes.WRONG_OBJECT_TYPE)
        for act in actions:
            rel = ctx.cat.relations[rel.oid]
            _action(an, ctx, rel, act, not_valid=bool(tree.args.get("not_valid")))
            ctx.bump()
        return tag

    return DdlStatement(tag, run)


def _own(rel):
    return copy.deepcopy(rel)


def _action(an, ctx, rel, act, not_valid=False):
    t = type(act)
    if isinstance(act, exp.ColumnDef):
        return _add_column(an, ctx, rel, act)
    if t is exp.Drop:
        kind = str(act.args.get("kind") or "").upper()
        if kind == "COLUMN":
            for c in act.args.get("tables") or []:
                _drop_column(an, ctx, ctx.cat.relations[rel.oid], ident(c.this if isinstance(c, exp.Column) else c),
                             bool(act.args.get("exists")), bool(act.args.get("cascade")))
                ctx.bump()
            return
        if kind == "CONSTRAINT":
            for c in act.args.get("tables") or []:
                _drop_constraint(ctx, ctx.cat.relations[rel.oid], ident(c.this if hasattr(c, "this") else c),
                                 bool(act.args.get("exists")), bool(act.args.get("cascade")))
            return
        raise PgError(f"ALTER TABLE DROP {kind} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    if t is exp.AlterColumn:
        return _alter_column(an, ctx, rel, act)
    if t is exp.RenameColumn:
        old = ident(act.this.this if isinstance(act.this, exp.Column) else act.this)
        new = ident(act.args["to"].this if isinstance(act.args["to"], exp.Column) else act.args["to"])
        r = _own(rel)
        col = r.column(old)
        if col is None:
            raise PgError(f'column "{old}" does not exist', errcodes.UNDEFINED_COLUMN)
        if r.column(new) is not None:
            raise PgError(f'column "{new}" of relation "{r.name}" already exists', errcodes.DUPLICATE_COLUMN)
        col.name = D.truncate_ident(new)
        ctx.write(r)
        return
    if t is exp.AlterRename:
        new = ident(act.this.this if isinstance(act.this, exp.Table) else act.this)
        new = D.truncate_ident(new)
        if ctx.cat.relation_name_taken(rel.namespace, new):
            raise PgError(f'relation "{new}" already exists', errcodes.DUPLICATE_TABLE)
        r = _own(rel)
        r.name = new
        ctx.write(r)
        return
    if t is exp.AddConstraint:
        for c in act.expressions:
            r = _own(ctx.cat.relations[rel.oid])
            for spec in D._table_constraint(c):
                old_cat = ctx.cat
                D.add_constraint(an, ctx, r, spec, set(), creating=False, not_valid=not_valid)
                ctx.write(r)
                ctx.bump()
                if spec[0] == "p":
                    rekey_table(ctx, old_cat, r.oid)
                r = _own(ctx.cat.relations[rel.oid])
        return
    if t is exp.RenameConstraint if hasattr(exp, "RenameConstraint") else False:
        pass
    name = type(act).__name__
    if name == "AlterSet" or name == "Property":
        return
    raise PgError(f"unsupported ALTER TABLE action: {_sql(act)}", errcodes.FEATURE_NOT_SUPPORTED)


def _add_column(an, ctx, rel, cd: exp.ColumnDef):
    if rel.kind != "r":
        raise PgError(f'"{rel.name}" is not a table', errcodes.WRONG_OBJECT_TYPE)
    spec = D._column_spec(an, cd, rel.name)
    if spec.identity and spec.default is not None:
        raise PgError(f'both default and identity specified for column "{spec.name}" of table "{rel.name}"',
                      errcodes.SYNTAX_ERROR)
    if rel.column(spec.name) is not None:
        if cd.args.get("exists"):
            ctx.notice(f'column "{spec.name}" of relation "{rel.name}" already exists, skipping', "42701")
            return
        raise PgError(f'column "{spec.name}" of relation "{rel.name}" already exists', errcodes.DUPLICATE_COLUMN)
    r = _own(rel)
    attnum = max((c.attnum for c in r.columns), default=0) + 1
    col = C.Column(spec.name, spec.type.oid, spec.typmod, not_null=spec.not_null, attnum=attnum)
    cat = ctx.cat
    rewrite_default = None
    if spec.serial or spec.identity:
        ns = cat.namespaces[r.namespace]
        seqname = D.choose_name(cat, r.namespace, r.name, spec.name, "seq")
        seq = D._new_sequence(ctx, ns, seqname, spec.type, spec.identity_opts if spec.identity else {}, an,
                              for_identity=bool(spec.identity))
        seq.seq.owned_by = (r.oid, attnum)
        ctx.write(seq)
        C.write_sequence(ctx.txn, ctx.bid, seq.oid, seq.seq.start, False)
        col.not_null = True
        if spec.serial:
            col.default = f"nextval({D.regclass_oid_text(seq.oid)})"
        else:
            col.identity = spec.identity
        rewrite_default = True
    elif spec.default is not None:
        col.default = D._check_default(an, spec, col)
        e = an.expr(spec.default_node, Scope())
        e = R.coerce(e, col.type, col.typmod, "assignment")
        if E.is_constant(e):
            col.has_missing = True
            col.missing = E.eval_const(e)
        else:
            rewrite_default = True
    r.columns.append(col)
    ctx.write(r)
    ctx.bump()
    cat = ctx.cat
    r2 = cat.relations[r.oid]
    store = ctx.table_store_fn(r2, cat)
    if rewrite_default:
        from .dml import default_expr

        de = default_expr(Analyzer(an.env.__class__(cat, ctx.search_path, lambda rel_: ctx.table_store_fn(rel_, cat),
                                                    an.env.virtual_relation, user=an.env.user,
                                                    database=an.env.database)), col, r2)
        f = E.compile_expr(de)
        pos = len(store.live) - 1
        for key, row in list(store.scan(ctx.txn, ctx.bid)):
            new = row[:pos] + (f(()),) + row[pos + 1:]
            ctx.txn.put(ctx.bid, r2.oid, key, store.encode_row(new))
    if col.not_null:
        pos = len(store.live) - 1
        for _k, row in store.scan(ctx.txn, ctx.bid):
            if row[pos] is None:
                raise PgError(f'column "{col.name}" of relation "{r.name}" contains null values',
                              errcodes.NOT_NULL_VIOLATION, table=r.name, column=col.name)
    taken = set()
    for kind_, cname, payload in spec.constraints:
        r3 = _own(ctx.cat.relations[r.oid])
        D.add_constraint(an, ctx, r3, (kind_, cname, [spec.name], payload, spec.name), taken, creating=False)
        ctx.write(r3)
        ctx.bump()


def _drop_column(an, ctx, rel, name, if_exists, cascade):
    r = _own(rel)
    col = r.column(name)
    if col is None:
        if if_exists:
            ctx.notice(f'column "{name}" of relation "{r.name}" does not exist, skipping')
            return
        raise PgError(f'column "{name}" of relation "{r.name}" does not exist', errcodes.UNDEFINED_COLUMN)
    cat = ctx.cat
    if len(r.live_columns) == 1 and False:
        pass
    # indexes and constraints using the column go with it
    for irel in cat.indexes_of.get(r.oid, []):
        uses = any(k.attnum == col.attnum for k in irel.index.keys) or (
            irel.index.predicate is not None and name in irel.index.predicate) or any(
            k.expr is not None and name in k.expr for k in irel.index.keys)
        if uses:
            if irel.index.constraint:
                con = cat.constraints.get(irel.index.constraint)
                if con is not None:
                    ctx.delete(con.oid)
                    if con.kind == "p":
                        r.pk = None
            ctx.delete(irel.oid)
            _wipe(ctx, irel.oid)
    for con in cat.constraints_of.get(r.oid, []):
        if con.kind in ("c", "f") and col.attnum in con.columns:
            if con.kind == "c" and len(con.columns) > 1 and not cascade:
                pass
            ctx.delete(con.oid)
    for con in cat.referencing.get(r.oid, []):
        if col.attnum in con.ref_columns:
            if not cascade:
                child = cat.relations[con.table]
                raise PgError(f"cannot drop column {name} of table {r.name} because other objects depend on it",
                              errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                              detail=f"constraint {con.name} on table {child.name} depends on column {name} of "
                                     f"table {r.name}",
                              hint="Use DROP ... CASCADE to drop the dependent objects too.")
            ctx.notice(f"drop cascades to constraint {con.name} on table {cat.relations[con.table].name}")
            ctx.delete(con.oid)
    seq = cat.sequences_owned.get((r.oid, col.attnum))
    if seq is not None:
        ctx.delete(seq.oid)
    pk_dropped = rel.pk is not None and r.pk is None
    col.dropped = True
    col.name = f"........pg.dropped.{col.attnum}........"
    col.not_null = False
    col.default = None
    ctx.write(r)
    if pk_dropped:
        ctx.bump()
        rekey_table(ctx, cat, r.oid)


def _wipe(ctx, obj):
    for k, _v in list(ctx.txn.scan(ctx.bid, obj, latest=True)):
        ctx.txn.delete(ctx.bid, obj, k)


def _drop_constraint(ctx, rel, name, if_exists, cascade):
    cat = ctx.cat
    con = cat.constraint_by_name(rel.oid, name)
    if con is None:
        if if_exists:
            ctx.notice(f'constraint "{name}" of relation "{rel.name}" does not exist, skipping')
            return
        raise PgError(f'constraint "{name}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_OBJECT)
    if con.kind in ("p", "u"):
        deps = [c for c in cat.referencing.get(rel.oid, []) if sorted(c.ref_columns) == sorted(con.columns)]
        if deps and not cascade:
            d0 = deps[0]
            raise PgError(f"cannot drop constraint {name} on table {rel.name} because other objects depend on it",
                          errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                          detail=f"constraint {d0.name} on table {cat.relations[d0.table].name} depends on "
                                 f"index {name}",
                          hint="Use DROP ... CASCADE to drop the dependent objects too.")
        for d in deps:
            ctx.notice(f"drop cascades to constraint {d.name} on table {cat.relations[d.table].name}")
            ctx.delete(d.oid)
        if con.index:
            ctx.delete(con.index)
            _wipe(ctx, con.index)
        if con.kind == "p":
            r = _own(rel)
            r.pk = None
            ctx.write(r)
    ctx.delete(con.oid)
    if con.kind == "p":
        ctx.bump()
        rekey_table(ctx, cat, rel.oid)


def rekey_table(ctx, old_cat, oid):
    """Re-store every row under its new key after the primary key changed.

    Row keys are the encoded primary key (or a rowid when there is none), so
    adding or dropping a primary key rewrites the rows under new keys and
    rebuilds the secondary indexes (whose entries point at row keys)."""
    new_cat = ctx.cat
    old_store = ctx.table_store_fn(old_cat.relations[oid], old_cat)
    new_store = ctx.table_store_fn(new_cat.relations[oid], new_cat)
    # old live layout -> new live layout (by attnum: dropped columns disappear)
    idx = [old_store.pos[c.attnum] for c in new_store.live]
    rows = [(k, tuple(r[i] for i in idx)) for k, r in old_store.scan(ctx.txn, ctx.bid)]
    for key, _row in rows:
        ctx.txn.delete(ctx.bid, oid, key)
    for irel in new_cat.indexes_of.get(oid, []):
        if not irel.index.primary:
            _wipe(ctx, irel.oid)
    for _key, row in rows:
        nkey = new_store.new_key(ctx.txn, row)
        ctx.txn.put(ctx.bid, oid, nkey, new_store.encode_row(row))
    for irel in new_cat.indexes_of.get(oid, []):
        if not irel.index.primary:
            D.build_index(ctx, oid, irel.oid)


def _alter_column(an, ctx, rel, act: exp.AlterColumn):
    name = ident(act.this)
    r = _own(rel)
    col = r.column(name)
    if col is None:
        raise PgError(f'column "{name}" of relation "{r.name}" does not exist', errcodes.UNDEFINED_COLUMN)
    dtype = act.args.get("dtype")
    if dtype is not None:
        return _alter_type(an, ctx, r, col, dtype, act.args.get("using"))
    if "default" in act.args and act.args.get("default") is not None:
        dnode = act.args["default"]
        spec = D._ColSpec(col.name)
        spec.default_node = dnode
        spec.default = _sql(dnode)
        col.default = D._check_default(an, spec, col)
        ctx.write(r)
        return
    if act.args.get("drop") and act.args.get("allow_null") is None:
        if col.identity:
            raise PgError(f'column "{name}" of relation "{r.name}" is an identity column',
                          errcodes.SYNTAX_ERROR, hint="Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.")
        col.default = None
        ctx.write(r)
        return
    if act.args.get("allow_null") is not None:
        allow = bool(act.args["allow_null"])
        if allow:
            if r.pk is not None:
                pk = ctx.cat.relations.get(r.pk)
                if pk is not None and any(k.attnum == col.attnum for k in pk.index.keys):
                    raise PgError(f'column "{name}" is in a primary key', errcodes.INVALID_TABLE_DEFINITION)
            if col.identity:
                raise PgError(f'column "{name}" of relation "{r.name}" is an identity column',
                              errcodes.SYNTAX_ERROR)
            col.not_null = False
        else:
            cat = ctx.cat
            store = ctx.table_store_fn(cat.relations[r.oid], cat)
            pos = store.pos[col.attnum]
            for _k, row in store.scan(ctx.txn, ctx.bid):
                if row[pos] is None:
                    raise PgError(f'column "{name}" of relation "{r.name}" contains null values',
                                  errcodes.NOT_NULL_VIOLATION, table=r.name, column=name)
            col.not_null = True
        ctx.write(r)
        return
    comment = act.args.get("comment")
    if comment is not None:
        col.comment = comment.this
        ctx.write(r)
        return
    raise PgError(f"unsupported ALTER COLUMN form: {_sql(act)}", errcodes.FEATURE_NOT_SUPPORTED)


def _alter_type(an, ctx, r, col, dtype, using):
    t, tm, serial = datatype_info(dtype)
    if serial:
        raise PgError(f'type "{serial.lower()}" does not exist', errcodes.UNDEFINED_OBJECT)
    cat = ctx.cat
    old_rel = cat.relations[r.oid]
    store = ctx.table_store_fn(old_rel, cat)
    pos = store.pos[col.attnum]
    scope = D._rel_scope(old_rel)
    if using:
        e = an.expr(using, scope)
        conv = R.coerce(e, t, tm, "assignment")
    else:
        src = E.ColRef(pos, col.type, col.typmod, col.name)
        try:
            conv = R.coerce(src, t, tm, "assignment")
        except PgError:
            raise PgError(f'column "{col.name}" cannot be cast automatically to type {T.format_type(t.oid, tm)}',
                          errcodes.DATATYPE_MISMATCH,
                          hint=f'You might need to specify "USING {col.name}::{T.format_type(t.oid, tm)}".') from None
    f = E.compile_expr(conv)
    # the default must still convert (PostgreSQL: assignment cast or an error)
    if col.default is not None and not col.generated:
        try:
            from .parser import parse_sql as _ps

            dexpr = an.expr(_ps(f"SELECT {col.default}").expressions[0], Scope())
            R.coerce(dexpr, t, tm, "assignment")
        except PgError:
            raise PgError(f'default for column "{col.name}" cannot be cast automatically to type '
                          f'{T.format_type(t.oid, tm)}', errcodes.DATATYPE_MISMATCH) from None
    col.type_oid = t.oid
    col.typmod = tm if tm is not None else -1
    if col.has_missing and col.missing is not None:
        col.missing = f(tuple(col.missing if i == pos else None for i in range(len(store.live))))
    ctx.write(r)
    ctx.bump()
    new_cat = ctx.cat
    new_store = ctx.table_store_fn(new_cat.relations[r.oid], new_cat)
    rows = list(store.scan(ctx.txn, ctx.bid))
    # rewrite rows and rebuild every index of the table
    for irel in new_cat.indexes_of.get(r.oid, []):
        if not irel.index.primary:
            _wipe(ctx, irel.oid)
    for key, row in rows:
        nv = f(row)
        new = row[:pos] + (nv,) + row[pos + 1:]
        new_store.check_row(new)
        nkey = new_store.row_key(new) if new_store.row_key is not None else key
        if nkey != key:
            ctx.txn.delete(ctx.bid, r.oid, key)
        ctx.txn.put(ctx.bid, r.oid, nkey, new_store.encode_row(new))
    for irel in new_cat.indexes_of.get(r.oid, []):
        if not irel.index.primary:
            D.build_index(ctx, r.oid, irel.oid)
        elif len(rows) > 1:
            D.build_index(ctx, r.oid, irel.oid)


def alter_table_text(an: Analyzer, sql: str) -> DdlStatement:
    """ALTER TABLE forms sqlglot does not model: RENAME CONSTRAINT, VALIDATE
    CONSTRAINT, OWNER TO, SET SCHEMA, identity columns, storage options."""
    from .utility import _P

    p = _P(sql)
    p.expect("ALTER")
    kind = p.expect("TABLE", "INDEX", "VIEW")
    if_exists = False
    if p.accept("IF"):
        p.expect("EXISTS")
        if_exists = True
    p.accept("ONLY")
    schema, name = p.qualified()
    p.accept_op("*")
    actions = []
    while True:
        actions.append(_parse_text_action(p))
        if not p.accept_op(","):
            break
    p.end()
    tag = f"ALTER {kind}"

    def run(ctx: D.DdlCtx):
        cat = ctx.cat
        rel = cat.find_relation(name, schema, ctx.search_path)
        if rel is None:
            if if_exists:
                ctx.notice(f'relation "{name}" does not exist, skipping')
                return tag
            raise PgError(f'relation "{name}" does not exist', errcodes.UNDEFINED_TABLE)
        for act in actions:
            _run_text_action(an, ctx, ctx.cat.relations[rel.oid], act)
            ctx.bump()
        return tag

    return DdlStatement(tag, run)


def _parse_text_action(p):
    if p.accept("RENAME"):
        if p.accept("CONSTRAINT"):
            a = p.ident()
            p.expect("TO")
            return ("rename_constraint", a, p.ident())
        p.accept("COLUMN")
        a = p.ident()
        p.expect("TO")
        return ("rename_column", a, p.ident())
    if p.accept("VALIDATE"):
        p.expect("CONSTRAINT")
        return ("validate", p.ident())
    if p.accept("OWNER"):
        p.expect("TO")
        return ("owner", p.ident())
    if p.accept("SET"):
        if p.accept("SCHEMA"):
            return ("set_schema", p.ident())
        if p.accept("LOGGED", "UNLOGGED", "WITHOUT"):
            p.accept("CLUSTER", "OIDS")
            return ("noop",)
        if p.accept("TABLESPACE"):
            p.ident()
            return ("noop",)
        if p.accept_op("("):
            _skip_parens(p)
            return ("noop",)
        p.error()
    if p.accept("RESET"):
        if p.accept_op("("):
            _skip_parens(p)
        return ("noop",)
    if p.accept("CLUSTER"):
        p.expect("ON")
        p.ident()
        return ("noop",)
    if p.accept("REPLICA"):
        p.expect("IDENTITY")
        while not p.at_end() and p.peek()[1] != ",":
            p.next()
        return ("noop",)
    if p.accept("ENABLE", "DISABLE"):
        while not p.at_end() and p.peek()[1] != ",":
            p.next()
        return ("noop",)
    if p.accept("ALTER"):
        p.accept("COLUMN")
        col = p.ident()
        if p.accept("ADD"):
            p.expect("GENERATED")
            always = p.accept("ALWAYS")
            if not always:
                p.expect("BY")
                p.expect("DEFAULT")
            p.expect("AS")
            p.expect("IDENTITY")
            opts = {}
            if p.accept_op("("):
                opts = _seq_opts_text(p)
            return ("add_identity", col, "a" if always else "d", opts)
        if p.accept("DROP"):
            p.expect("IDENTITY")
            ie = False
            if p.accept("IF"):
                p.expect("EXISTS")
                ie = True
            return ("drop_identity", col, ie)
        if p.word() == "SET" and p.word(1) in ("STATISTICS", "STORAGE", "COMPRESSION"):
            p.next()
            p.next()
            p.next()
            return ("noop",)
        if p.word() == "SET" and p.peek(1)[1] == "(":
            p.next()
            p.next()
            _skip_parens(p)
            return ("noop",)
        ops = []
        while True:
            if p.accept("RESTART"):
                p.accept("WITH")
                v = None
                if not p.at_end() and (p.peek()[0] == "num" or p.peek()[1] in ("-", "+")):
                    v = _signed_int(p)
                ops.append(("restart", v))
            elif p.word() == "SET" and p.word(1) == "GENERATED":
                p.next()
                p.next()
                always = p.accept("ALWAYS")
                if not always:
                    p.expect("BY")
                    p.expect("DEFAULT")
                ops.append(("generated", "a" if always else "d"))
            elif p.word() == "SET" and p.word(1) in _SEQ_OPT_WORDS:
                p.next()
                ops.append(("opt",) + _seq_opt_text(p))
            else:
                break
        if not ops:
            p.error()
        return ("identity_options", col, ops)
    p.error()


def _skip_parens(p):
    depth = 1
    while depth:
        k, t, _ = p.next()
        if k is None:
            p.error()
        if t == "(":
            depth += 1
        elif t == ")":
            depth -= 1


_SEQ_OPT_WORDS = ("START", "INCREMENT", "MINVALUE", "MAXVALUE", "CACHE", "CYCLE", "NO", "AS", "OWNED",
                  "SEQUENCE", "RESTART")


def _signed_int(p) -> int:
    neg = p.accept_op("-")
    if not neg:
        p.accept_op("+")
    k, t, _ = p.peek()
    if k != "num":
        p.error()
    p.next()
    return int(t) * (-1 if neg else 1)


def _seq_opt_text(p) -> tuple:
    """One SeqOptElem: (key, value); value None for NO MINVALUE/NO MAXVALUE and a bare RESTART."""
    w = p.expect(*_SEQ_OPT_WORDS)
    if w in ("START", "INCREMENT", "MINVALUE", "MAXVALUE", "CACHE"):
        p.accept("WITH", "BY")
        return (w.lower(), _signed_int(p))
    if w == "RESTART":
        p.accept("WITH")
        if not p.at_end() and (p.peek()[0] == "num" or p.peek()[1] in ("-", "+")):
            return ("restart", _signed_int(p))
        return ("restart", None)
    if w == "CYCLE":
        return ("cycle", True)
    if w == "NO":
        w2 = p.expect("CYCLE", "MINVALUE", "MAXVALUE")
        return ("cycle", False) if w2 == "CYCLE" else (w2.lower(), None)
    if w == "AS":
        return ("as", p.ident())
    if w == "OWNED":
        p.expect("BY")
        parts = [p.ident()]
        while p.accept_op("."):
            parts.append(p.ident())
        return ("owned", parts)
    p.expect("NAME")  # SEQUENCE NAME
    return ("sequence_name", p.qualified())


def _seq_opts_text(p) -> dict:
    opts = {}
    while not p.accept_op(")"):
        k, v = _seq_opt_text(p)
        opts[k] = v
    return opts


def _run_text_action(an, ctx, rel, act):
    kind = act[0]
    cat = ctx.cat
    if kind == "noop":
        return
    if kind == "rename_constraint":
        con = cat.constraint_by_name(rel.oid, act[1])
        if con is None:
            raise PgError(f'constraint "{act[1]}" for table "{rel.name}" does not exist', errcodes.UNDEFINED_OBJECT)
        if cat.constraint_by_name(rel.oid, act[2]) is not None:
            raise PgError(f'constraint "{act[2]}" for relation "{rel.name}" already exists',
                          errcodes.DUPLICATE_OBJECT)
        c = copy.deepcopy(con)
        c.name = act[2]
        ctx.write(c)
        if c.index:
            irel = copy.deepcopy(cat.relations[c.index])
            irel.name = act[2]
            ctx.write(irel)
        return
    if kind == "rename_column":
        r = _own(rel)
        col = r.column(act[1])
        if col is None:
            raise PgError(f'column "{act[1]}" does not exist', errcodes.UNDEFINED_COLUMN)
        if r.column(act[2]) is not None:
            raise PgError(f'column "{act[2]}" of relation "{r.name}" already exists', errcodes.DUPLICATE_COLUMN)
        col.name = act[2]
        ctx.write(r)
        return
    if kind == "validate":
        con = cat.constraint_by_name(rel.oid, act[1])
        if con is None:
            raise PgError(f'constraint "{act[1]}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_OBJECT)
        if con.kind == "c":
            e = an.bool_expr(__import__("heliosd.sql.parser", fromlist=["parse_sql"]).parse_sql(
                f"SELECT {con.check}").expressions[0], D._rel_scope(rel), "CHECK")
            D._validate_check(ctx, rel, con, e)
        elif con.kind == "f":
            D._validate_fk(ctx, rel, con)
        c = copy.deepcopy(con)
        c.validated = True
        ctx.write(c)
        return
    if kind == "owner":
        from ..engine import cluster as CL

        role = CL.get_role_by_name(ctx.txn, act[1])
        if role is None:
            raise PgError(f'role "{act[1]}" does not exist', errcodes.UNDEFINED_OBJECT)
        r = _own(rel)
        r.owner = role["oid"]
        ctx.write(r)
        return
    if kind == "set_schema":
        ns = cat.namespace(act[1])
        if ns is None:
            raise PgError(f'schema "{act[1]}" does not exist', errcodes.INVALID_SCHEMA_NAME)
        old_ns = cat.namespaces.get(rel.namespace)
        if C.is_temp_ns_name(ns.name) or (old_ns is not None and C.is_temp_ns_name(old_ns.name)):
            raise PgError("cannot move objects into or out of temporary schemas", errcodes.FEATURE_NOT_SUPPORTED)
        if cat.relation_name_taken(ns.oid, rel.name):
            raise PgError(f'relation "{rel.name}" already exists in schema "{act[1]}"', errcodes.DUPLICATE_TABLE)
        for obj in [rel] + list(cat.indexes_of.get(rel.oid, [])):
            o = copy.deepcopy(obj)
            o.namespace = ns.oid
            ctx.write(o)
        return
    if kind in ("add_identity", "drop_identity", "identity_options"):
        r = _own(rel)
        col = r.column(act[1])
        if col is None:
            raise PgError(f'column "{act[1]}" of relation "{r.name}" does not exist', errcodes.UNDEFINED_COLUMN)
        seq = cat.sequences_owned.get((r.oid, col.attnum))
        if kind == "add_identity":
            for k in ("owned", "sequence_name", "restart", "as"):
                if k in act[3] and k != "sequence_name":
                    raise PgError(f'sequence option "{k}" not supported here', errcodes.SYNTAX_ERROR)
            if col.type_oid not in D.SEQ_TYPE_BOUNDS:
                raise PgError("identity column type must be smallint, integer, or bigint",
                              errcodes.INVALID_PARAMETER_VALUE)
            if not col.not_null:
                raise PgError(f'column "{col.name}" of relation "{r.name}" must be declared NOT NULL before '
                              f'identity can be added', errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
            if col.identity:
                raise PgError(f'column "{col.name}" of relation "{r.name}" is already an identity column',
                              errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
            if col.default is not None:
                raise PgError(f'column "{col.name}" of relation "{r.name}" already has a default value',
                              errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
            ns = cat.namespaces[r.namespace]
            seqname = D.choose_name(cat, r.namespace, r.name, col.name, "seq")
            opts = {k: v for k, v in act[3].items() if k != "sequence_name"}
            s = D._new_sequence(ctx, ns, seqname, col.type, opts, an, for_identity=True)
            s.seq.owned_by = (r.oid, col.attnum)
            ctx.write(s)
            C.write_sequence(ctx.txn, ctx.bid, s.oid, s.seq.start, False)
            col.identity = act[2]
        elif kind == "drop_identity":
            if not col.identity:
                if act[2]:
                    ctx.notice(f'column "{col.name}" of relation "{r.name}" is not an identity column, skipping')
                    return
                raise PgError(f'column "{col.name}" of relation "{r.name}" is not an identity column',
                              errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
            col.identity = ""
            if seq is not None:
                ctx.delete(seq.oid)
        else:
            if not col.identity or seq is None:
                raise PgError(f'column "{col.name}" of relation "{r.name}" is not an identity column',
                              errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
            opts = {}
            for op in act[2]:
                if op[0] == "generated":
                    col.identity = op[1]
                elif op[0] == "restart":
                    opts["restart"] = op[1]
                else:
                    if op[1] in ("owned", "sequence_name", "as"):
                        raise PgError(f'sequence option "{op[1]}" not supported here', errcodes.SYNTAX_ERROR)
                    opts[op[1]] = op[2]
            if opts:
                s = copy.deepcopy(seq)
                cur = C.sequence_state(ctx.txn, ctx.bid, s.oid)
                v = D._apply_seq_opts(an, s.seq, opts, creating=False, last_value=cur[0] if cur else None)
                ctx.write(s)
                if v is not None:
                    C.write_sequence(ctx.txn, ctx.bid, s.oid, v, False)
                if hasattr(ctx, "sequence_changed"):
                    ctx.sequence_changed(s.oid)
        ctx.write(r)
        return
    raise PgError(f"unsupported ALTER TABLE action {kind}", errcodes.FEATURE_NOT_SUPPORTED)
