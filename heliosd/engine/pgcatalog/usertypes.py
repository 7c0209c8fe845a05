"""Catalog rows of user-defined types (heliosd.engine.catalog.UserType; see heliosd.sql.ddl_types):
pg_type (the type and its array type ``_name``), pg_enum, pg_class / pg_attribute of composite
types (relkind 'c'), pg_constraint rows of domain CHECKs (contypid), information_schema.domains.

The rows are what PostgreSQL 15 has for the same DDL (typinput/typoutput... are the built-in
functions' OIDs: enum_in, record_in, domain_in, array_in...; a domain copies its base type's
length, alignment, storage, category, collation, output and send functions)."""

from __future__ import annotations

from ... import types as T
from . import _pgdefs as D
from ._base import catalog, maker, relation

ENUM_IO = dict(typinput=3506, typoutput=3507, typreceive=3532, typsend=3533)
RECORD_IO = dict(typinput=2290, typoutput=2291, typreceive=2402, typsend=2403)
ARRAY_IO = dict(typinput=750, typoutput=751, typreceive=2400, typsend=2401, typanalyze=3816, typsubscript=6179)
DOMAIN_IN, DOMAIN_RECV = 2597, 2598

_COLS = D.TYPE_COLUMNS


def _builtin_row(oid):
    for r in D.TYPE_ROWS:
        if r[0] == oid:
            return dict(zip(_COLS, r))
    return None


def _base_row(oid, done):
    return done.get(oid) or _builtin_row(oid)


def _defaults(**kw):
    d = dict(typowner=10, typlen=-1, typbyval=False, typtype="b", typcategory="U", typispreferred=False,
             typisdefined=True, typdelim=",", typrelid=0, typsubscript=0, typelem=0, typarray=0, typinput=0,
             typoutput=0, typreceive=0, typsend=0, typmodin=0, typmodout=0, typanalyze=0, typalign="i",
             typstorage="p", typnotnull=False, typbasetype=0, typtypmod=-1, typndims=0, typcollation=0,
             typdefaultbin=None, typdefault=None, typacl=None)
    d.update(kw)
    return d


def domain_default_text(ctx, cat, ut) -> str | None:
    """typdefault as PostgreSQL shows it: the default coerced to the base type, deparsed."""
    if ut.default is None:
        return None
    from ._text import _memo

    def f():
        from ...exec import deparse as DP
        from ...sql import resolve as R
        from ._text import _context, analyze

        e = analyze(ctx, cat, None, ut.default)
        base = T.by_oid(ut.base_oid)
        e = R.coerce(e, base, ut.typmod, "assignment")
        return DP.deparse(e, _context(ctx, None, False))

    return _memo(ctx, cat, ("domdefault", ut.oid, hash(ut.default)), f) or ut.default


def domain_check_text(ctx, cat, con, ut, pretty=False) -> str:
    """The CHECK expression of a domain constraint, deparsed (``VALUE > 0``)."""
    from ._text import _memo

    def f():
        from ...exec import deparse as DP
        from ...exec.functions.pgcatalog_names import snippet_path
        from ...sql import exprs as X
        from ...sql.analyze import Analyzer, RangeItem, Scope
        from ...sql.parser import parse_sql
        from ._text import _context, _session

        s = _session(ctx)
        env = s.env_for(cat)
        ns = cat.namespaces.get(ut.namespace)
        path = ["pg_catalog"] + ([ns.name] if ns is not None else []) + ["public"]
        env.search_path = path
        an = Analyzer(env)
        scope = Scope()
        scope.add(RangeItem("", ["value"], [T.by_oid(ut.base_oid)], [ut.typmod]))
        prev = X.FOLD[0]
        X.FOLD[0] = False
        try:
            with snippet_path(path):
                e = an.expr(parse_sql(f"SELECT {con.check}").expressions[0], scope)
        finally:
            X.FOLD[0] = prev
        c = _context(ctx, None, pretty)
        c.colname = lambda _e: "VALUE"
        return DP.deparse(e, c)

    return _memo(ctx, cat, ("domcheck", con.oid, pretty), f) or con.check


def user_type_rows(ctx):
    cat = catalog(ctx)
    key = ("pgcat", "user_type_rows")
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    mk = maker("pg_type")
    done: dict = {}
    out = []
    for ut in sorted(cat.user_types.values(), key=lambda u: u.oid):
        _row_for(ctx, cat, ut, done)
    for oid in sorted(done):
        out.append(mk(**{"oid": oid, **done[oid]}))
    cat.cache[key] = out
    return out


def _row_for(ctx, cat, ut, done):
    if ut.oid in done:
        return done[ut.oid]
    common = dict(typname=ut.name, typnamespace=ut.namespace, typowner=ut.owner, typarray=ut.array_oid)
    if ut.kind == "e":
        row = _defaults(typlen=4, typbyval=True, typtype="e", typcategory="E", **ENUM_IO, **common)
    elif ut.kind == "c":
        row = _defaults(typtype="c", typcategory="C", typrelid=ut.relid, typalign="d", typstorage="x",
                        **RECORD_IO, **common)
    else:
        bu = cat.user_types.get(ut.base_oid)
        base = _row_for(ctx, cat, bu, done) if bu is not None else _base_row(ut.base_oid, done)
        base = base or _defaults()
        dflt = domain_default_text(ctx, cat, ut)
        row = _defaults(typlen=base["typlen"], typbyval=base["typbyval"], typtype="d",
                        typcategory=base["typcategory"], typinput=DOMAIN_IN, typoutput=base["typoutput"],
                        typreceive=DOMAIN_RECV, typsend=base["typsend"], typalign=base["typalign"],
                        typstorage=base["typstorage"], typnotnull=ut.not_null, typbasetype=ut.base_oid,
                        typtypmod=ut.typmod, typcollation=base["typcollation"],
                        typndims=1 if base.get("typcategory") == "A" else 0,
                        typdefault=dflt, typdefaultbin=f"{{HELIOS :domdefault {ut.oid}}}" if dflt else None,
                        **common)
    done[ut.oid] = row
    if ut.array_oid:
        done[ut.array_oid] = _defaults(typname=_array_name(ut.name), typnamespace=ut.namespace,
                                       typowner=ut.owner, typcategory="A", typelem=ut.oid,
                                       typalign="d" if row["typalign"] == "d" else "i", typstorage="x",
                                       typcollation=row["typcollation"], **ARRAY_IO)
    return row


def _array_name(name: str) -> str:
    n = "_" + name
    return n if len(n.encode()) <= 63 else n.encode()[:63].decode("utf-8", "ignore")


@relation("pg_enum")
def pg_enum(ctx):
    cat = catalog(ctx)
    mk = maker("pg_enum")
    out = []
    for ut in sorted(cat.user_types.values(), key=lambda u: u.oid):
        if ut.kind == "e":
            for lab, order, oid in ut.labels:
                out.append(mk(oid=oid, enumtypid=ut.oid, enumsortorder=order, enumlabel=lab))
    return out


def composite_class_rows(ctx):
    """pg_class rows (relkind 'c') of composite types."""
    cat = catalog(ctx)
    mk = maker("pg_class")
    out = []
    for ut in sorted(cat.user_types.values(), key=lambda u: u.oid):
        if ut.kind != "c":
            continue
        out.append(mk(oid=ut.relid, relname=ut.name, relnamespace=ut.namespace, reltype=ut.oid, reloftype=0,
                      relowner=ut.owner, relam=0, relfilenode=0, reltablespace=0, relpages=0, reltuples=-1.0,
                      relallvisible=0, reltoastrelid=0, relhasindex=False, relisshared=False,
                      relpersistence="p", relkind="c", relnatts=len(ut.fields), relchecks=0, relhasrules=False,
                      relhastriggers=False, relhassubclass=False, relrowsecurity=False,
                      relforcerowsecurity=False, relispopulated=True, relreplident="n", relispartition=False,
                      relrewrite=0, relfrozenxid=0, relminmxid=0, relacl=None, reloptions=None,
                      relpartbound=None))
    return out


def composite_attribute_rows(ctx, mk, attr_row):
    cat = catalog(ctx)
    out = []
    for ut in sorted(cat.user_types.values(), key=lambda u: u.oid):
        if ut.kind != "c":
            continue
        for f in ut.fields:
            if f.dropped:
                out.append(attr_row(mk, ut.relid, f"........pg.dropped.{f.attnum}........", 0, -1, f.attnum, None,
                                    True))
                continue
            t = T.by_oid(f.type_oid, None)
            out.append(attr_row(mk, ut.relid, f.name, f.type_oid, f.typmod, f.attnum, t, False,
                                collation=(t.collation or None) if t is not None else None))
    return out


def domain_constraint_rows(ctx):
    cat = catalog(ctx)
    mk = maker("pg_constraint", convalidated=True, conislocal=True, confupdtype=" ", confdeltype=" ",
               confmatchtype=" ")
    out = []
    for oid in sorted(cat.domain_constraints):
        con, ut = cat.domain_constraints[oid]
        out.append(mk(oid=con.oid, conname=con.name, connamespace=ut.namespace, contype="c", condeferrable=False,
                      condeferred=False, convalidated=con.validated, conrelid=0, contypid=ut.oid, conindid=0,
                      conparentid=0, confrelid=0, conislocal=True, coninhcount=0, connoinherit=False,
                      conkey=None, conbin=f"{{HELIOS :domcheck {con.oid}}}"))
    return out


@relation("domains", "information_schema")
def domains(ctx):
    from .infoschema import (_char_max_length, _char_octet_length, _data_type, _datetime_precision, _db,
                             _numeric_precision, _numeric_radix, _numeric_scale)

    cat = catalog(ctx)
    mk = maker("domains", "information_schema")
    db = _db(ctx)
    out = []
    for ut in sorted(cat.user_types.values(), key=lambda u: (u.namespace, u.name)):
        if ut.kind != "d":
            continue
        t = T.by_oid(ut.base_oid, None)
        if t is None:
            continue
        tm = ut.typmod
        bns = cat.namespaces.get(t.namespace)
        ns = cat.namespaces.get(ut.namespace)
        out.append(mk(domain_catalog=db, domain_schema=ns.name if ns else None, domain_name=ut.name,
                      data_type=_data_type(t), character_maximum_length=_char_max_length(t, tm),
                      character_octet_length=_char_octet_length(t, tm),
                      numeric_precision=_numeric_precision(t, tm), numeric_precision_radix=_numeric_radix(t),
                      numeric_scale=_numeric_scale(t, tm), datetime_precision=_datetime_precision(t, tm),
                      domain_default=domain_default_text(ctx, cat, ut), udt_catalog=db,
                      udt_schema=bns.name if bns else "pg_catalog", udt_name=t.name, dtd_identifier="1"))
    return out


def user_type_depends(cat) -> list:
    """pg_depend rows of user types, as PostgreSQL records them: array type -> element ('i'),
    composite type <-> its pg_class row, domain -> base type, composite attribute / table column ->
    its type ('n'), domain CHECK -> domain ('a')."""
    PG_TYPE, PG_CLASS, PG_CONSTRAINT = 1247, 1259, 2606
    out = []
    user = set(cat.user_types) | {u.array_oid for u in cat.user_types.values() if u.array_oid}

    def is_user(oid):
        return oid in user or oid >= 16384

    for ut in sorted(cat.user_types.values(), key=lambda u: u.oid):
        if ut.array_oid:
            out.append((PG_TYPE, ut.array_oid, 0, PG_TYPE, ut.oid, 0, "i"))
        if ut.kind == "c":
            out.append((PG_CLASS, ut.relid, 0, PG_TYPE, ut.oid, 0, "i"))
            out.append((PG_TYPE, ut.oid, 0, PG_CLASS, ut.relid, 0, "i"))
            for f in ut.fields:
                if not f.dropped and is_user(f.type_oid):
                    out.append((PG_CLASS, ut.relid, f.attnum, PG_TYPE, f.type_oid, 0, "n"))
        if ut.kind == "d":
            if is_user(ut.base_oid):
                out.append((PG_TYPE, ut.oid, 0, PG_TYPE, ut.base_oid, 0, "n"))
            for c in ut.checks:
                out.append((PG_CONSTRAINT, c.oid, 0, PG_TYPE, ut.oid, 0, "a"))
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        for c in r.columns:
            if not c.dropped and c.type_oid in user:
                out.append((PG_CLASS, r.oid, c.attnum, PG_TYPE, c.type_oid, 0, "n"))
    return out
