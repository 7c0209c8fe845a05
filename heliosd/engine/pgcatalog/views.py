"""PostgreSQL's convenience views over the catalogs: pg_tables, pg_views,
pg_indexes, pg_matviews, pg_sequences, and the statistics views
(pg_stat_*_tables, pg_statio_*_tables, pg_stat_*_indexes) with the
relations listed and their counters at zero (heliosd keeps no per-table
access statistics; n_live_tup comes from a row count when asked for).
Definitions of PostgreSQL's own system views are not reproduced (NULL).
"""

from __future__ import annotations

from .. import catalog as C
from . import _pgdefs as D
from ._base import catalog, maker, relation, role_names


def _ns_name(cat, oid):
    ns = cat.namespaces.get(oid)
    return ns.name if ns is not None else None


def _system_rels(kinds):
    for nsp, relname, oid, kind, _rt, _n, _sh, hasindex in D.CLASSES:
        if kind in kinds:
            yield nsp, relname, oid, kind, hasindex


@relation("pg_tables")
def pg_tables(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker("pg_tables")
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "p"):
            continue
        has_fk = any(c.kind == "f" for c in cat.constraints_of.get(r.oid, [])) or bool(cat.referencing.get(r.oid))
        out.append(mk(schemaname=_ns_name(cat, r.namespace), tablename=r.name, tableowner=names.get(r.owner),
                      tablespace=None, hasindexes=bool(cat.indexes_of.get(r.oid)), hasrules=False,
                      hastriggers=has_fk, rowsecurity=False))
    owner = names.get(C.BOOTSTRAP_SUPERUSER)
    for nsp, relname, _oid, _kind, hasindex in _system_rels("r"):
        out.append(mk(schemaname=nsp, tablename=relname, tableowner=owner, tablespace=None, hasindexes=hasindex,
                      hasrules=False, hastriggers=False, rowsecurity=False))
    return out


@relation("pg_views")
def pg_views(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker("pg_views")
    out = []
    from .viewdef import view_def

    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "v":
            continue
        out.append(mk(schemaname=_ns_name(cat, r.namespace), viewname=r.name, viewowner=names.get(r.owner),
                      definition=view_def(ctx, cat, r, False)))
    owner = names.get(C.BOOTSTRAP_SUPERUSER)
    for nsp, relname, _oid, _kind, _hi in _system_rels("v"):
        out.append(mk(schemaname=nsp, viewname=relname, viewowner=owner, definition=None))
    return out


@relation("pg_matviews")
def pg_matviews(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker("pg_matviews")
    from .viewdef import view_def

    return [mk(schemaname=_ns_name(cat, r.namespace), matviewname=r.name, matviewowner=names.get(r.owner),
               tablespace=None, hasindexes=bool(cat.indexes_of.get(r.oid)), ispopulated=True,
               definition=view_def(ctx, cat, r, False))
            for r in sorted(cat.relations.values(), key=lambda r: r.oid) if r.kind == "m"]


@relation("pg_indexes")
def pg_indexes(ctx):
    from ._text import index_def

    cat = catalog(ctx)
    mk = maker("pg_indexes")
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "i" or r.index is None:
            continue
        t = cat.relations.get(r.index.table)
        if t is None or t.kind not in ("r", "m", "p"):
            continue
        out.append(mk(schemaname=_ns_name(cat, t.namespace), tablename=t.name, indexname=r.name, tablespace=None,
                      indexdef=index_def(ctx, cat, r, 0, False)))
    return out


@relation("pg_sequences")
def pg_sequences(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker("pg_sequences")
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "S" or r.seq is None:
            continue
        s = r.seq
        cur = C.sequence_state(ctx.txn, ctx.bid, r.oid)
        last = cur[0] if cur is not None and cur[1] else None
        out.append(mk(schemaname=_ns_name(cat, r.namespace), sequencename=r.name, sequenceowner=names.get(r.owner),
                      data_type=s.type_oid, start_value=s.start, min_value=s.min, max_value=s.max,
                      increment_by=s.increment, cycle=s.cycle, cache_size=s.cache, last_value=last))
    return out


# ----------------------------------------------------------------- statistics views


def _stat_tables(ctx, name, which):
    cat = catalog(ctx)
    mk = maker(name)
    zero = {c: 0 for c in mk.names if c not in ("relid", "schemaname", "relname") and not c.startswith("last_")}
    out = []
    if which in ("all", "user"):
        for r in sorted(cat.relations.values(), key=lambda r: r.oid):
            if r.kind not in ("r", "m", "p"):
                continue
            out.append(mk(relid=r.oid, schemaname=_ns_name(cat, r.namespace), relname=r.name, **zero))
    if which in ("all", "sys"):
        for nsp, relname, oid, _k, _hi in _system_rels("r"):
            out.append(mk(relid=oid, schemaname=nsp, relname=relname, **zero))
    return out


def _reg_stat(name, which):
    relation(name)(lambda ctx: _stat_tables(ctx, name, which))


for _n, _w in (("pg_stat_all_tables", "all"), ("pg_stat_user_tables", "user"), ("pg_stat_sys_tables", "sys"),
               ("pg_statio_all_tables", "all"), ("pg_statio_user_tables", "user"),
               ("pg_statio_sys_tables", "sys"), ("pg_stat_xact_all_tables", "all"),
               ("pg_stat_xact_user_tables", "user"), ("pg_stat_xact_sys_tables", "sys")):
    _reg_stat(_n, _w)


def _stat_indexes(ctx, name):
    cat = catalog(ctx)
    mk = maker(name)
    zero = {c: 0 for c in mk.names if c not in ("relid", "indexrelid", "schemaname", "relname", "indexrelname")}
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "i" or r.index is None:
            continue
        t = cat.relations.get(r.index.table)
        if t is None:
            continue
        out.append(mk(relid=t.oid, indexrelid=r.oid, schemaname=_ns_name(cat, t.namespace), relname=t.name,
                      indexrelname=r.name, **zero))
    return out


for _n in ("pg_stat_all_indexes", "pg_stat_user_indexes", "pg_statio_all_indexes", "pg_statio_user_indexes"):
    relation(_n)(lambda ctx, _n=_n: _stat_indexes(ctx, _n))
