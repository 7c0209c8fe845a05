"""information_schema views computed from the branch's catalog.

Column lists are PostgreSQL 15's; its domains are exposed as their base
types (sql_identifier -> name, cardinal_number -> integer, character_data
-> varchar, yes_or_no -> varchar(3), time_stamp -> timestamptz(2)), which
is also what PostgreSQL sends in RowDescription.  Semantics follow
information_schema.sql: NOT NULL columns appear as CHECK constraints named
``<nsp oid>_<rel oid>_<attnum>_not_null``; objects are listed when the
current role owns them (or is a member of the owner), has some privilege on
them, or is a superuser.  System relations appear in ``tables`` and
``columns`` like PostgreSQL's do; system constraints and functions other
than heliosd's library are not listed.
"""

from __future__ import annotations

from ... import types as T
from .. import catalog as C
from . import _pgdefs as D
from ._base import catalog, current_db, current_role_oid, is_superuser, maker, memo, relation, role_names

IS = "information_schema"
YES, NO = "YES", "NO"


def _db(ctx):
    d = current_db(ctx)
    return d["name"] if d else None


def _my_roles(ctx):
    from .. import cluster as CL

    return memo(ctx, "my_roles", lambda: CL.roles_of(ctx.txn, current_role_oid(ctx)))


def _other_temp(ctx, rel) -> bool:
    """In another session's temp schema: information_schema's NOT pg_is_other_temp_schema(nc.oid)."""
    if rel.persistence != "t":
        return False
    ns = catalog(ctx).namespaces.get(rel.namespace)
    slot = getattr(ctx.session, "temp_slot", None) if ctx.session is not None else None
    return ns is not None and ns.name != f"{C.TEMP_NS_PREFIX}{slot}"


def _visible(ctx, rel) -> bool:
    if _other_temp(ctx, rel):
        return False
    if is_superuser(ctx):
        return True
    mine = _my_roles(ctx)
    if rel.owner in mine:
        return True
    for ent in rel.acl or ():
        if ent[0] == 0 or ent[0] in mine:
            return True
    return False


def _owns(ctx, owner) -> bool:
    return is_superuser(ctx) or owner in _my_roles(ctx)


def _ns(cat, oid):
    ns = cat.namespaces.get(oid)
    return ns.name if ns is not None else None


# ----------------------------------------------------------------- type facts


def _char_max_length(t, typmod):
    if t.oid in (1042, 1043) and typmod != -1:
        return typmod - 4
    if t.oid in (1560, 1562) and typmod != -1:
        return typmod
    return None


def _char_octet_length(t, typmod):
    if t.category != "S" and t.oid not in (25,):
        return None
    if t.oid in (1042, 1043) and typmod != -1:
        return (typmod - 4) * 4
    if t.oid in (1042, 1043, 25, 19) or t.category == "S":
        return 1073741824
    return None


def _numeric_precision(t, typmod):
    o = t.oid
    if o == 21:
        return 16
    if o == 23:
        return 32
    if o == 20:
        return 64
    if o == 1700:
        return ((typmod - 4) >> 16) & 65535 if typmod != -1 else None
    if o == 700:
        return 24
    if o == 701:
        return 53
    return None


def _numeric_radix(t):
    if t.oid in (21, 23, 20, 700, 701):
        return 2
    if t.oid == 1700:
        return 10
    return None


def _numeric_scale(t, typmod):
    if t.oid in (21, 23, 20):
        return 0
    if t.oid == 1700:
        return (typmod - 4) & 65535 if typmod != -1 else None
    return None


def _datetime_precision(t, typmod):
    o = t.oid
    if o == 1082:
        return 0
    if o in (1083, 1114, 1184, 1266):
        return typmod if typmod >= 0 else 6
    if o == 1186:
        if typmod < 0 or (typmod & 0xFFFF) == 0xFFFF:
            return 6
        return typmod & 0xFFFF
    return None


def _data_type(t):
    if t.is_array:
        return "ARRAY"
    if t.namespace == 11 or t.oid < 16384:
        return T.format_type(t.oid, None)
    return "USER-DEFINED"


def _type_of(oid):
    try:
        return T.by_oid(oid)
    except Exception:
        return None


# ----------------------------------------------------------------- catalog-level


@relation("information_schema_catalog_name", IS)
def information_schema_catalog_name(ctx):
    return [(_db(ctx),)]


@relation("schemata", IS)
def schemata(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker("schemata", IS)
    db = _db(ctx)
    return [mk(catalog_name=db, schema_name=ns.name, schema_owner=names.get(ns.owner))
            for ns in sorted(cat.namespaces.values(), key=lambda n: n.name) if _owns(ctx, ns.owner)]


@relation("character_sets", IS)
def character_sets(ctx):
    mk = maker("character_sets", IS)
    return [mk(character_set_name="UTF8", character_repertoire="UCS", form_of_use="UTF8",
               default_collate_catalog=_db(ctx))]


@relation("enabled_roles", IS)
def enabled_roles(ctx):
    names = role_names(ctx)
    return [(names[r],) for r in sorted(_my_roles(ctx)) if r in names]


@relation("applicable_roles", IS)
def applicable_roles(ctx):
    from .. import cluster as CL

    names = role_names(ctx)
    mine = _my_roles(ctx)
    out = []
    for r, m, d in CL.memberships(ctx.txn):
        if m in mine and r in names and m in names:
            out.append((names[m], names[r], YES if d.get("admin") else NO))
    return out


# ----------------------------------------------------------------- tables and columns


@relation("tables", IS)
def tables(ctx):
    cat = catalog(ctx)
    mk = maker("tables", IS)
    db = _db(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "v", "p", "f") or not _visible(ctx, r):
            continue
        ttype = {"r": "BASE TABLE", "p": "BASE TABLE", "v": "VIEW", "f": "FOREIGN"}[r.kind]
        if r.persistence == "t":  # nc.oid = pg_my_temp_schema()
            ttype = "LOCAL TEMPORARY"
        out.append(mk(table_catalog=db, table_schema=_ns(cat, r.namespace), table_name=r.name, table_type=ttype,
                      is_insertable_into=YES if r.kind in ("r", "p") or _view_updatable(ctx, cat, r) else NO,
                      is_typed=NO))
    for nsp, relname, _oid, kind, _rt, _n, _sh, _hi in D.CLASSES:
        if kind not in ("r", "v"):
            continue
        out.append(mk(table_catalog=db, table_schema=nsp, table_name=relname,
                      table_type="BASE TABLE" if kind == "r" else "VIEW",
                      is_insertable_into=YES if kind == "r" and is_superuser(ctx) else NO, is_typed=NO))
    return out


def _view_updatable(ctx, cat, rel) -> bool:
    """Simple views (one table, plain column references, no aggregates/DISTINCT/LIMIT) are updatable."""
    key = ("pgcat", "view_updatable", rel.oid)
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    ok = False
    try:
        from sqlglot import exp

        from ...sql.parser import parse_sql

        tree = parse_sql(rel.view_sql)
        if isinstance(tree, exp.Select) and not tree.args.get("joins") and not tree.args.get("group") and \
                not tree.args.get("distinct") and not tree.args.get("limit") and not tree.args.get("having") and \
                not tree.args.get("with_") and tree.args.get("from_") is not None and \
                isinstance(tree.args["from_"].this, exp.Table) and not tree.args["from_"].expressions:
            ok = not any(isinstance(n, (exp.AggFunc, exp.Window)) for n in tree.expressions)
    except Exception:
        ok = False
    cat.cache[key] = ok
    return ok


def _col_row(mk, ctx, cat, db, schema, rel, c, updatable):
    t = _type_of(c.type_oid)
    tm = c.typmod
    dom = None
    if t is not None and t.typtype == "d":  # a domain column shows its base type and the domain
        dom = t
        if tm == -1 and t.extra:
            tm = t.extra["typmod"]
        t = t.base
    default = None
    if c.default is not None and not c.generated:
        from ._text import default_text

        default = default_text(ctx, cat, rel, c, False)
    ident = c.identity or ""
    seq = cat.sequences_owned.get((rel.oid, c.attnum)) if ident else None
    s = seq.seq if seq is not None else None
    gen_expr = None
    if c.generated and c.default is not None:
        from ._text import default_text

        gen_expr = default_text(ctx, cat, rel, c, False)
    return mk(table_catalog=db, table_schema=schema, table_name=rel.name, column_name=c.name,
              ordinal_position=c.attnum, column_default=default, is_nullable=NO if c.not_null else YES,
              data_type=_data_type(t) if t is not None else "USER-DEFINED",
              character_maximum_length=_char_max_length(t, tm) if t is not None else None,
              character_octet_length=_char_octet_length(t, tm) if t is not None else None,
              numeric_precision=_numeric_precision(t, tm) if t is not None else None,
              numeric_precision_radix=_numeric_radix(t) if t is not None else None,
              numeric_scale=_numeric_scale(t, tm) if t is not None else None,
              datetime_precision=_datetime_precision(t, tm) if t is not None else None,
              udt_catalog=db, udt_schema=(_ns(cat, t.namespace) if t.namespace != 11 else "pg_catalog")
              if t is not None else schema,
              domain_catalog=db if dom is not None else None,
              domain_schema=_ns(cat, dom.namespace) if dom is not None else None,
              domain_name=dom.name if dom is not None else None,
              udt_name=t.name if t is not None else None, dtd_identifier=str(c.attnum), is_self_referencing=NO,
              is_identity=YES if ident else NO,
              identity_generation={"a": "ALWAYS", "d": "BY DEFAULT"}.get(ident),
              identity_start=str(s.start) if s else None, identity_increment=str(s.increment) if s else None,
              identity_maximum=str(s.max) if s else None, identity_minimum=str(s.min) if s else None,
              identity_cycle=(YES if s and s.cycle else NO),
              is_generated="ALWAYS" if c.generated else "NEVER", generation_expression=gen_expr,
              is_updatable=YES if updatable else NO)


def _system_columns(ctx):
    mk = maker("columns", IS)
    out = []
    for (nsp, relname), (oid, kind, cols) in D.RELATIONS.items():
        nn = D.NOT_NULL.get((nsp, relname), ())
        for i, (att, toid, typmod) in enumerate(cols):
            t = _type_of(toid)
            out.append(mk(table_schema=nsp, table_name=relname, column_name=att, ordinal_position=i + 1,
                          is_nullable=NO if att in nn else YES, data_type=_data_type(t) if t is not None else "USER-DEFINED",
                          character_maximum_length=_char_max_length(t, typmod) if t else None,
                          character_octet_length=_char_octet_length(t, typmod) if t else None,
                          numeric_precision=_numeric_precision(t, typmod) if t else None,
                          numeric_precision_radix=_numeric_radix(t) if t else None,
                          numeric_scale=_numeric_scale(t, typmod) if t else None,
                          datetime_precision=_datetime_precision(t, typmod) if t else None,
                          udt_schema="pg_catalog", udt_name=t.name if t else None, dtd_identifier=str(i + 1),
                          is_self_referencing=NO, is_identity=NO, identity_cycle=NO, is_generated="NEVER",
                          is_updatable=YES if kind == "r" else NO))
    return out


_SYS_COLUMNS: list = []


@relation("columns", IS)
def columns(ctx):
    cat = catalog(ctx)
    mk = maker("columns", IS)
    db = _db(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "v", "p", "f") or not _visible(ctx, r):
            continue
        schema = _ns(cat, r.namespace)
        upd = r.kind in ("r", "p") or (r.kind == "v" and _view_updatable(ctx, cat, r))
        for c in r.columns:
            if c.dropped:
                continue
            out.append(_col_row(mk, ctx, cat, db, schema, r, c, upd))
    if not _SYS_COLUMNS:
        _SYS_COLUMNS.extend(_system_columns(ctx))
    ci = mk.index
    icat, iudt = ci["table_catalog"], ci["udt_catalog"]
    for row in _SYS_COLUMNS:
        row = list(row)
        row[icat] = db
        row[iudt] = db
        out.append(tuple(row))
    return out


# ----------------------------------------------------------------- constraints


def _not_null_name(r, c):
    return f"{r.namespace}_{r.oid}_{c.attnum}_not_null"


@relation("table_constraints", IS)
def table_constraints(ctx):
    cat = catalog(ctx)
    mk = maker("table_constraints", IS)
    db = _db(ctx)
    out = []
    for con in sorted(cat.constraints.values(), key=lambda c: c.oid):
        r = cat.relations.get(con.table)
        if r is None or r.kind not in ("r", "p") or not _visible(ctx, r):
            continue
        ctype = {"c": "CHECK", "f": "FOREIGN KEY", "p": "PRIMARY KEY", "u": "UNIQUE"}.get(con.kind)
        if ctype is None:
            continue
        nd = None
        if con.kind == "u":
            irel = cat.relations.get(con.index) if con.index else None
            nd = NO if irel is not None and irel.index.nulls_not_distinct else YES
        out.append(mk(constraint_catalog=db, constraint_schema=_ns(cat, con.namespace), constraint_name=con.name,
                      table_catalog=db, table_schema=_ns(cat, r.namespace), table_name=r.name,
                      constraint_type=ctype, is_deferrable=YES if con.deferrable else NO,
                      initially_deferred=YES if con.deferred else NO, enforced=YES, nulls_distinct=nd))
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "p") or not _visible(ctx, r):
            continue
        schema = _ns(cat, r.namespace)
        for c in r.columns:
            if c.not_null and not c.dropped:
                out.append(mk(constraint_catalog=db, constraint_schema=schema, constraint_name=_not_null_name(r, c),
                              table_catalog=db, table_schema=schema, table_name=r.name, constraint_type="CHECK",
                              is_deferrable=NO, initially_deferred=NO, enforced=YES))
    return out


@relation("check_constraints", IS)
def check_constraints(ctx):
    from ._text import constraint_def
    from ...exec.deparse import quote_ident

    cat = catalog(ctx)
    mk = maker("check_constraints", IS)
    db = _db(ctx)
    out = []
    for con in sorted(cat.constraints.values(), key=lambda c: c.oid):
        if con.kind != "c":
            continue
        r = cat.relations.get(con.table)
        if r is None or not _owns(ctx, r.owner):
            continue
        d = constraint_def(ctx, cat, con, False)
        clause = d[6:] if d.startswith("CHECK ") else d
        if clause.endswith(" NOT VALID"):
            clause = clause[: -len(" NOT VALID")]
        out.append(mk(constraint_catalog=db, constraint_schema=_ns(cat, con.namespace), constraint_name=con.name,
                      check_clause=clause))
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "p") or not _owns(ctx, r.owner):
            continue
        for c in r.columns:
            if c.not_null and not c.dropped:
                out.append(mk(constraint_catalog=db, constraint_schema=_ns(cat, r.namespace),
                              constraint_name=_not_null_name(r, c), check_clause=f"{quote_ident(c.name)} IS NOT NULL"))
    return out


def _unique_constraint_for(cat, con):
    """The PRIMARY KEY / UNIQUE constraint an FK references."""
    from .relations import fk_index

    idx = fk_index(cat, con)
    if not idx:
        return None
    for c in cat.constraints_of.get(con.ref_table, []):
        if c.kind in ("p", "u") and c.index == idx:
            return c
    return None


@relation("key_column_usage", IS)
def key_column_usage(ctx):
    cat = catalog(ctx)
    mk = maker("key_column_usage", IS)
    db = _db(ctx)
    out = []
    for con in sorted(cat.constraints.values(), key=lambda c: c.oid):
        if con.kind not in ("p", "u", "f"):
            continue
        r = cat.relations.get(con.table)
        if r is None or not _visible(ctx, r):
            continue
        uniq = _unique_constraint_for(cat, con) if con.kind == "f" else None
        for i, a in enumerate(con.columns):
            col = r.column_by_attnum(a)
            pos = None
            if con.kind == "f":
                ref_att = con.ref_columns[i] if i < len(con.ref_columns) else None
                if uniq is not None and ref_att in uniq.columns:
                    pos = uniq.columns.index(ref_att) + 1
                else:
                    pos = i + 1
            out.append(mk(constraint_catalog=db, constraint_schema=_ns(cat, con.namespace), constraint_name=con.name,
                          table_catalog=db, table_schema=_ns(cat, r.namespace), table_name=r.name,
                          column_name=col.name if col else None, ordinal_position=i + 1,
                          position_in_unique_constraint=pos))
    return out


_RULES = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@relation("referential_constraints", IS)
def referential_constraints(ctx):
    cat = catalog(ctx)
    mk = maker("referential_constraints", IS)
    db = _db(ctx)
    out = []
    for con in sorted(cat.constraints.values(), key=lambda c: c.oid):
        if con.kind != "f":
            continue
        r = cat.relations.get(con.table)
        if r is None or not _visible(ctx, r):
            continue
        uniq = _unique_constraint_for(cat, con)
        out.append(mk(constraint_catalog=db, constraint_schema=_ns(cat, con.namespace), constraint_name=con.name,
                      unique_constraint_catalog=db if uniq else None,
                      unique_constraint_schema=_ns(cat, uniq.namespace) if uniq else None,
                      unique_constraint_name=uniq.name if uniq else None,
                      match_option={"f": "FULL", "p": "PARTIAL"}.get(con.match, "NONE"),
                      update_rule=_RULES.get(con.on_update, "NO ACTION"),
                      delete_rule=_RULES.get(con.on_delete, "NO ACTION")))
    return out


@relation("constraint_column_usage", IS)
def constraint_column_usage(ctx):
    cat = catalog(ctx)
    mk = maker("constraint_column_usage", IS)
    db = _db(ctx)
    out = []
    for con in sorted(cat.constraints.values(), key=lambda c: c.oid):
        if con.kind == "f":
            r = cat.relations.get(con.ref_table)
            atts = con.ref_columns
        else:
            r = cat.relations.get(con.table)
            atts = con.columns
            if con.kind == "c" and not atts:
                from ._text import referenced_attnums

                try:
                    atts = referenced_attnums(ctx, cat, con.table, con.check)
                except Exception:
                    atts = []
        if r is None or not _owns(ctx, r.owner):
            continue
        for a in atts:
            col = r.column_by_attnum(a)
            if col is None:
                continue
            out.append(mk(table_catalog=db, table_schema=_ns(cat, r.namespace), table_name=r.name,
                          column_name=col.name, constraint_catalog=db, constraint_schema=_ns(cat, con.namespace),
                          constraint_name=con.name))
    return out


@relation("constraint_table_usage", IS)
def constraint_table_usage(ctx):
    cat = catalog(ctx)
    mk = maker("constraint_table_usage", IS)
    db = _db(ctx)
    out = []
    for con in sorted(cat.constraints.values(), key=lambda c: c.oid):
        r = cat.relations.get(con.ref_table if con.kind == "f" else con.table)
        if r is None or not _owns(ctx, r.owner):
            continue
        out.append(mk(table_catalog=db, table_schema=_ns(cat, r.namespace), table_name=r.name, constraint_catalog=db,
                      constraint_schema=_ns(cat, con.namespace), constraint_name=con.name))
    return out


# ----------------------------------------------------------------- views, sequences


@relation("views", IS)
def views(ctx):
    from .viewdef import view_def

    cat = catalog(ctx)
    mk = maker("views", IS)
    db = _db(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "v" or not _visible(ctx, r):
            continue
        upd = _view_updatable(ctx, cat, r)
        out.append(mk(table_catalog=db, table_schema=_ns(cat, r.namespace), table_name=r.name,
                      view_definition=view_def(ctx, cat, r, False) if _owns(ctx, r.owner) else None,
                      check_option={"local": "LOCAL", "cascaded": "CASCADED"}.get((r.check_option or "").lower(),
                                                                                   "NONE"),
                      is_updatable=YES if upd else NO, is_insertable_into=YES if upd else NO,
                      is_trigger_updatable=NO, is_trigger_deletable=NO, is_trigger_insertable_into=NO))
    return out


@relation("sequences", IS)
def sequences(ctx):
    cat = catalog(ctx)
    mk = maker("sequences", IS)
    db = _db(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "S" or r.seq is None or not _visible(ctx, r):
            continue
        s = r.seq
        if s.owned_by:  # identity sequences (an internal dependency in PostgreSQL) are not listed
            t = cat.relations.get(s.owned_by[0])
            col = t.column_by_attnum(s.owned_by[1]) if t is not None else None
            if col is not None and col.identity:
                continue
        t = _type_of(s.type_oid) or T.INT8
        out.append(mk(sequence_catalog=db, sequence_schema=_ns(cat, r.namespace), sequence_name=r.name,
                      data_type=T.format_type(t.oid, None), numeric_precision=_numeric_precision(t, -1),
                      numeric_precision_radix=2, numeric_scale=0, start_value=str(s.start),
                      minimum_value=str(s.min), maximum_value=str(s.max), increment=str(s.increment),
                      cycle_option=YES if s.cycle else NO))
    return out


# ----------------------------------------------------------------- privileges


def _grants(ctx, rel):
    """(grantor, grantee, privilege letter, grantable) of a relation's effective ACL."""
    from .relations import relation_acl

    for ent in relation_acl(rel):
        grantee, privs, grantor = ent[0], ent[1], ent[2]
        gopts = ent[3] if len(ent) > 3 else ""
        for ch in privs:
            yield grantor, grantee, ch, ch in gopts or grantee == rel.owner


_PRIV_NAMES = {"a": "INSERT", "r": "SELECT", "w": "UPDATE", "d": "DELETE", "D": "TRUNCATE", "x": "REFERENCES",
               "t": "TRIGGER"}


def _priv_rows(ctx, view):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker(view, IS)
    db = _db(ctx)
    mine = _my_roles(ctx)
    su = is_superuser(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "v", "p", "f", "m"):
            continue
        schema = _ns(cat, r.namespace)
        for grantor, grantee, ch, grantable in _grants(ctx, r):
            if not (su or grantor in mine or grantee in mine or grantee == 0):
                continue
            pname = _PRIV_NAMES.get(ch)
            if pname is None:
                continue
            gname = "PUBLIC" if grantee == 0 else names.get(grantee)
            if view == "column_privileges":
                if ch not in "arwx":
                    continue
                for c in r.live_columns:
                    out.append(mk(grantor=names.get(grantor), grantee=gname, table_catalog=db, table_schema=schema,
                                  table_name=r.name, column_name=c.name, privilege_type=pname,
                                  is_grantable=YES if grantable else NO))
            else:
                kw = dict(grantor=names.get(grantor), grantee=gname, table_catalog=db, table_schema=schema,
                          table_name=r.name, privilege_type=pname, is_grantable=YES if grantable else NO,
                          with_hierarchy=YES if ch == "r" else NO)
                out.append(mk(**kw))
    return out


@relation("column_privileges", IS)
def column_privileges(ctx):
    return _priv_rows(ctx, "column_privileges")


@relation("table_privileges", IS)
def table_privileges(ctx):
    return _priv_rows(ctx, "table_privileges")


@relation("role_table_grants", IS)
def role_table_grants(ctx):
    return _priv_rows(ctx, "role_table_grants")


# ----------------------------------------------------------------- routines


@relation("routines", IS)
def routines(ctx):
    from .builtin import proc_rows

    mk = maker("routines", IS)
    db = _db(ctx)
    out = []
    for r in proc_rows():
        oid, name, kind = r[0], r[1], r[9]
        ret = _type_of(r[18])
        out.append(mk(specific_catalog=db, specific_schema="pg_catalog", specific_name=f"{name}_{oid}",
                      routine_catalog=db, routine_schema="pg_catalog", routine_name=name,
                      routine_type={"f": "FUNCTION", "p": "PROCEDURE"}.get(kind),
                      data_type=(_data_type(ret) if ret is not None else "USER-DEFINED") if kind != "p" else None,
                      type_udt_catalog=db if kind != "p" else None,
                      type_udt_schema="pg_catalog" if kind != "p" else None,
                      type_udt_name=ret.name if ret is not None and kind != "p" else None,
                      dtd_identifier="0" if kind != "p" else None, routine_body="EXTERNAL",
                      external_name=r[25] or name, external_language="INTERNAL", parameter_style="GENERAL",
                      is_deterministic=YES if r[14] == "i" else NO, sql_data_access="MODIFIES",
                      is_null_call=YES if r[12] else NO if kind != "p" else None,
                      schema_level_routine=YES, max_dynamic_result_sets=0, is_user_defined_cast=NO,
                      is_implicitly_invocable=NO, security_type="INVOKER", as_locator=NO, is_udt_dependent=NO,
                      new_savepoint_level=NO))
    return out


_ = C
