"""The branch's schema as PostgreSQL's catalogs: pg_namespace, pg_class,
pg_attribute, pg_type, pg_index, pg_constraint, pg_attrdef, pg_description,
pg_depend, pg_sequence, pg_statistic_ext (empty)...

Everything here is derived from the branch's immutable
:class:`~heliosd.engine.catalog.Catalog` (memoized on it), plus the static
rows of PostgreSQL's own catalogs (pg_catalog and information_schema
relations are listed in pg_class/pg_attribute with PostgreSQL's OIDs).

Expressions (column defaults, CHECK constraints, index expressions and
predicates) are kept by heliosd as SQL text.  The ``pg_node_tree`` columns
(adbin, conbin, indexprs, indpred) therefore hold a *reference*, e.g.
``{HELIOS :default 16390 5}``, that ``pg_get_expr`` resolves against the
catalog and deparses the way PostgreSQL's ruleutils.c does.
"""

from __future__ import annotations

import functools

from ... import types as T
from .. import catalog as C
from . import _pgdefs as D
from . import builtin as B
from ._base import (ALL_PRIVS, PG_ATTRDEF, PG_CLASS, PG_CONSTRAINT, PG_NAMESPACE, PG_TYPE, acl_text, arraytype_oid,
                    attrdef_oid, catalog, maker, relation, role_names, rowtype_oid)

RELKIND_AM = {"r": 2, "m": 2, "i": 403, "t": 2}


def node_ref(kind: str, *ids) -> str:
    return "{HELIOS :" + kind + "".join(f" {i}" for i in ids) + "}"


# ----------------------------------------------------------------- namespaces

_NS_DEFAULT_ACL = {
    C.PG_CATALOG_NS: [(0, "U", C.BOOTSTRAP_SUPERUSER)],
    C.INFORMATION_SCHEMA_NS: [(0, "U", C.BOOTSTRAP_SUPERUSER)],
    C.PUBLIC_NS: [(0, "U", 6171)],
}


def namespace_acl(ns) -> list | None:
    if ns.acl is not None:
        return ns.acl
    extra = _NS_DEFAULT_ACL.get(ns.oid)
    if extra is None:
        return None
    return [(ns.owner, "UC", ns.owner)] + [(g, p, ns.owner) for g, p, _o in extra]


@relation("pg_namespace")
def pg_namespace(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    mk = maker("pg_namespace")
    out = []
    for ns in sorted(cat.namespaces.values(), key=lambda n: n.oid):
        out.append(mk(oid=ns.oid, nspname=ns.name, nspowner=ns.owner, nspacl=acl_text(namespace_acl(ns), names)))
    return out


# ----------------------------------------------------------------- system relations


@functools.cache
def _system_classes():
    mk = maker("pg_class")
    out = []
    for nsp, relname, oid, kind, reltype, natts, shared, hasindex in D.CLASSES:
        ns = C.PG_CATALOG_NS if nsp == "pg_catalog" else C.INFORMATION_SCHEMA_NS
        out.append(mk(oid=oid, relname=relname, relnamespace=ns, reltype=reltype, relowner=10,
                      relam=2 if kind == "r" else 0, relfilenode=0 if shared or kind != "r" else oid,
                      reltablespace=1664 if shared else 0, reltuples=-1.0, relhasindex=hasindex,
                      relisshared=shared, relpersistence="p", relkind=kind, relnatts=natts,
                      relispopulated=True, relreplident="n" if kind != "r" else "d", relacl=None))
    return out


_sys_acl_cache: dict = {}


def _system_classes_for(su_name: str):
    """System relations with PostgreSQL's ACL {su=arwdDxt/su,=r/su} for the bootstrap superuser's name."""
    hit = _sys_acl_cache.get(su_name)
    if hit is None:
        i = maker("pg_class").index["relacl"]
        acl = acl_text([(C.BOOTSTRAP_SUPERUSER, "arwdDxt", C.BOOTSTRAP_SUPERUSER), (0, "r", C.BOOTSTRAP_SUPERUSER)],
                       {C.BOOTSTRAP_SUPERUSER: su_name})
        hit = _sys_acl_cache[su_name] = [r[:i] + (acl,) + r[i + 1:] for r in _system_classes()]
    return hit


@functools.cache
def _system_attributes():
    mk = _attr_maker()
    out = []
    for (nsp, relname), (oid, _kind, cols) in D.RELATIONS.items():
        nn = D.NOT_NULL.get((nsp, relname), ())
        for i, (att, toid, typmod) in enumerate(cols):
            t = T.by_oid(toid) if _known(toid) else None
            out.append(_attr_row(mk, oid, att, toid, typmod, i + 1, t, False, not_null=att in nn))
    return out


def _known(oid):
    try:
        T.by_oid(oid)
        return True
    except Exception:
        return False


# ----------------------------------------------------------------- pg_class


def _relkind(r) -> str:
    return r.kind


def user_classes(ctx):
    cat = catalog(ctx)
    key = ("pgcat", "user_classes")
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    mk = maker("pg_class")
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        kind = _relkind(r)
        cons = cat.constraints_of.get(r.oid, [])
        nchecks = sum(1 for c in cons if c.kind == "c")
        has_fk = any(c.kind == "f" for c in cons) or bool(cat.referencing.get(r.oid))
        natts = len(r.columns)
        if kind == "i" and r.index is not None:
            natts = len(r.index.keys) + len(r.index.include)
        elif kind == "S":
            natts = 3
        out.append(mk(oid=r.oid, relname=r.name, relnamespace=r.namespace,
                      reltype=0 if kind == "i" else rowtype_oid(r.oid), reloftype=0, relowner=r.owner,
                      relam=RELKIND_AM.get(kind, 0) if not (kind == "i" and r.index is not None) else
                      _am_oid(r.index.method),
                      relfilenode=0 if kind == "v" else r.oid, reltablespace=0, relpages=0,
                      reltuples=-1.0 if kind in ("r", "m", "i", "p") else 0.0 if kind != "S" else 1.0,
                      relallvisible=0, reltoastrelid=0,
                      relhasindex=bool(cat.indexes_of.get(r.oid)), relisshared=False,
                      relpersistence=r.persistence or "p", relkind=kind, relnatts=natts, relchecks=nchecks,
                      relhasrules=kind == "v", relhastriggers=has_fk and kind in ("r", "p"),
                      relhassubclass=False, relrowsecurity=False, relforcerowsecurity=False,
                      relispopulated=True, relreplident="d" if kind in ("r", "p", "m") else "n",
                      relispartition=False, relrewrite=0,
                      relfrozenxid=0 if kind in ("v", "i", "S") else 716, relminmxid=0 if kind in ("v", "i", "S")
                      else 1, relacl=None, reloptions=_reloptions(r), relpartbound=None))
    cat.cache[key] = out
    return out


def _reloptions(r):
    if not r.options:
        return None
    out = []
    for o in r.options:
        out.append(o if isinstance(o, str) else f"{o[0]}={o[1]}")
    return out


def _am_oid(method: str) -> int:
    for r in D.AM_ROWS:
        if r[1] == method:
            return r[0]
    return 403


@relation("pg_class")
def pg_class(ctx):
    cat = catalog(ctx)
    names = role_names(ctx)
    rows = []
    mkidx = maker("pg_class").index
    acl_i = mkidx["relacl"]
    for row in user_classes(ctx):
        rel = cat.relations.get(row[0])
        if rel is not None and rel.acl is not None:
            row = row[:acl_i] + (acl_text(rel.acl, names),) + row[acl_i + 1:]
        rows.append(row)
    from .usertypes import composite_class_rows

    return _system_classes_for(names.get(C.BOOTSTRAP_SUPERUSER, "postgres")) + rows + composite_class_rows(ctx)


# ----------------------------------------------------------------- pg_attribute


def _attr_maker():
    return maker("pg_attribute", attstattarget=-1, attcacheoff=-1, attislocal=True, atttypmod=-1,
                 attcompression="", attidentity="", attgenerated="")


def _attr_row(mk, relid, name, toid, typmod, attnum, t, dropped, not_null=False, hasdef=False,
              identity="", generated="", collation=None, has_missing=False, ndims=None):
    if t is None:
        typlen, byval, align, storage, coll = -1, False, "i", "x", 0
    else:
        typlen = t.typlen if t.typlen is not None else -1
        byval, align, storage, coll = bool(t.byval), t.align or "i", t.storage or "p", t.collation or 0
    if collation:
        coll = collation
    return mk(attrelid=relid, attname=name, atttypid=0 if dropped else toid, attlen=typlen, attnum=attnum,
              attndims=(1 if t is not None and t.is_array else 0) if ndims is None else ndims,
              atttypmod=typmod, attbyval=byval, attalign=align, attstorage=storage, attnotnull=not_null,
              atthasdef=hasdef, atthasmissing=has_missing, attidentity=identity, attgenerated=generated,
              attisdropped=dropped, attcollation=0 if dropped else coll)


_SEQ_COLS = [("last_value", 20), ("log_cnt", 20), ("is_called", 16)]


def user_attributes(ctx):
    cat = catalog(ctx)
    key = ("pgcat", "user_attributes")
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    mk = _attr_maker()
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind == "S":
            for i, (n, toid) in enumerate(_SEQ_COLS):
                out.append(_attr_row(mk, r.oid, n, toid, -1, i + 1, T.by_oid(toid), False, not_null=True))
            continue
        if r.kind == "i" and r.index is not None:
            tbl = cat.relations.get(r.index.table)
            keys = list(r.index.keys) + [C.IndexKey(attnum=a) for a in r.index.include]
            used = set()
            for i, k in enumerate(keys):
                col = tbl.column_by_attnum(k.attnum) if tbl is not None and k.attnum else None
                name = _unique_name(col.name if col is not None else _index_expr_name(k.expr), used)
                if col is not None:
                    out.append(_attr_row(mk, r.oid, name, col.type_oid, col.typmod, i + 1, col.type, False,
                                         collation=col.collation or None))
                else:
                    toid, typmod = index_expr_type(ctx, cat, r, i)
                    out.append(_attr_row(mk, r.oid, name, toid, typmod, i + 1,
                                         T.by_oid(toid) if _known(toid) else None, False))
            continue
        for c in r.columns:
            if c.dropped:
                out.append(_attr_row(mk, r.oid, f"........pg.dropped.{c.attnum}........", 0, -1, c.attnum, None,
                                     True))
                continue
            t = c.type if _known(c.type_oid) else None
            out.append(_attr_row(mk, r.oid, c.name, c.type_oid, c.typmod, c.attnum, t, False,
                                 not_null=c.not_null, hasdef=c.default is not None or bool(c.generated),
                                 identity=c.identity or "", generated=c.generated or "",
                                 collation=c.collation or None, has_missing=bool(c.has_missing)))
    cat.cache[key] = out
    return out


def _index_expr_name(sql) -> str:
    """FigureIndexColname: a function call's name, a cast's type name, else "expr"."""
    try:
        from ...sql.analyze import _default_name
        from ...sql.parser import parse_sql

        n = _default_name(parse_sql(f"SELECT {sql}").expressions[0])
        return "expr" if n == "?column?" else n
    except Exception:
        return "expr"


def _unique_name(name, used) -> str:
    """ChooseIndexColumnNames: a repeated name gets 1, 2... appended."""
    cur = name
    i = 1
    while cur in used:
        cur = f"{name}{i}"
        i += 1
    used.add(cur)
    return cur


def index_expr_type(ctx, cat, irel, i):
    """(type oid, typmod) of the i-th key of an index, expressions included."""
    from ._text import expr_type

    try:
        t = expr_type(ctx, cat, irel.index.table, irel.index.keys[i].expr)
        return t.oid, -1
    except Exception:
        return 25, -1


@relation("pg_attribute")
def pg_attribute(ctx):
    from .usertypes import composite_attribute_rows

    return _system_attributes() + user_attributes(ctx) + composite_attribute_rows(ctx, _attr_maker(), _attr_row)


# ----------------------------------------------------------------- pg_type


def _type_maker():
    return maker("pg_type", typowner=10, typisdefined=True, typdelim=",", typtypmod=-1, typalign="d",
                 typstorage="x")


def user_types(ctx):
    cat = catalog(ctx)
    key = ("pgcat", "user_types")
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    mk = _type_maker()
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind == "i":
            continue
        rt, at = rowtype_oid(r.oid), arraytype_oid(r.oid)
        out.append(mk(oid=rt, typname=r.name, typnamespace=r.namespace, typowner=r.owner, typlen=-1,
                      typbyval=False, typtype="c", typcategory="C", typispreferred=False, typrelid=r.oid,
                      typsubscript=0, typelem=0, typarray=at, typinput=2290, typoutput=2291, typreceive=2402,
                      typsend=2403, typmodin=0, typmodout=0, typanalyze=0, typnotnull=False, typbasetype=0,
                      typndims=0, typcollation=0))
        out.append(mk(oid=at, typname=_array_name(r.name), typnamespace=r.namespace, typowner=r.owner, typlen=-1,
                      typbyval=False, typtype="b", typcategory="A", typispreferred=False, typrelid=0,
                      typsubscript=6179, typelem=rt, typarray=0, typinput=750, typoutput=751, typreceive=2400,
                      typsend=2401, typmodin=0, typmodout=0, typanalyze=3816, typnotnull=False, typbasetype=0,
                      typndims=0, typcollation=0))
    cat.cache[key] = out
    return out


def _array_name(name: str) -> str:
    n = "_" + name
    return n if len(n.encode()) <= 63 else n[:63]


@relation("pg_type")
def pg_type(ctx):
    from .usertypes import user_type_rows

    return B.builtin_type_rows() + user_types(ctx) + user_type_rows(ctx)


# ----------------------------------------------------------------- pg_index


def user_indexes(ctx):
    cat = catalog(ctx)
    key = ("pgcat", "user_indexes")
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    mk = maker("pg_index", indimmediate=True, indisvalid=True, indisready=True, indislive=True)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind != "i" or r.index is None:
            continue
        ix = r.index
        tbl = cat.relations.get(ix.table)
        am = _am_oid(ix.method)
        keys = list(ix.keys)
        indkey, indclass, indoption, indcoll = [], [], [], []
        has_expr = False
        for i, k in enumerate(keys):
            indkey.append(k.attnum or 0)
            col = tbl.column_by_attnum(k.attnum) if tbl is not None and k.attnum else None
            if col is not None:
                toid = col.type_oid
                coll = (col.collation or (col.type.collation if _known(col.type_oid) else 0))
            else:
                has_expr = True
                toid, _tm = index_expr_type(ctx, cat, r, i)
                coll = T.by_oid(toid).collation if _known(toid) else 0
            indclass.append(_opclass_oid(am, toid, k.opclass))
            indcoll.append(coll or 0)
            indoption.append((1 if k.desc else 0) | (2 if k.effective_nulls_first else 0) if am == 403 else 0)
        for a in ix.include:
            indkey.append(a)
        con = cat.constraints.get(ix.constraint) if ix.constraint else None
        out.append(mk(indexrelid=r.oid, indrelid=ix.table, indnatts=len(indkey), indnkeyatts=len(keys),
                      indisunique=ix.unique, indnullsnotdistinct=ix.nulls_not_distinct, indisprimary=ix.primary,
                      indisexclusion=False, indimmediate=not (con is not None and con.deferrable),
                      indisclustered=False, indisvalid=ix.valid, indcheckxmin=False, indisready=True,
                      indislive=True, indisreplident=False, indkey=indkey, indcollation=indcoll,
                      indclass=indclass, indoption=indoption,
                      indexprs=node_ref("indexprs", r.oid) if has_expr else None,
                      indpred=node_ref("indpred", r.oid) if ix.predicate else None))
    cat.cache[key] = out
    return out


def _opclass_oid(am, toid, name):
    if name:
        for r in D.OPCLASS_ROWS:
            if r[2] == name and r[1] == am:
                return r[0]
    return B.opclass_for(am, toid)


@relation("pg_index")
def pg_index(ctx):
    return user_indexes(ctx)


# ----------------------------------------------------------------- pg_constraint


def fk_index(cat, con) -> int:
    """The unique index on the referenced table that an FK uses."""
    ref = cat.relations.get(con.ref_table)
    if ref is None:
        return 0
    want = sorted(con.ref_columns)
    for irel in cat.indexes_of.get(ref.oid, []):
        ix = irel.index
        if ix.unique and ix.predicate is None and sorted(k.attnum for k in ix.keys) == want:
            return irel.oid
    return 0


def user_constraints(ctx):
    cat = catalog(ctx)
    key = ("pgcat", "user_constraints")
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    mk = maker("pg_constraint", convalidated=True, conislocal=True, confupdtype=" ", confdeltype=" ",
               confmatchtype=" ")
    out = []
    for c in sorted(cat.constraints.values(), key=lambda c: c.oid):
        rel = cat.relations.get(c.table)
        kw = dict(oid=c.oid, conname=c.name, connamespace=c.namespace, contype=c.kind,
                  condeferrable=c.deferrable, condeferred=c.deferred, convalidated=c.validated,
                  conrelid=c.table, contypid=0, conparentid=0, confrelid=0, conislocal=True, coninhcount=0,
                  connoinherit=c.no_inherit, conkey=list(c.columns) or None)
        if c.kind in ("p", "u", "x"):
            kw["conindid"] = c.index or 0
        elif c.kind == "f":
            kw.update(conindid=fk_index(cat, c), confrelid=c.ref_table or 0, confupdtype=c.on_update,
                      confdeltype=c.on_delete, confmatchtype=c.match, confkey=list(c.ref_columns))
            ref = cat.relations.get(c.ref_table)
            ops = []
            for a, b in zip(c.columns, c.ref_columns):
                ca = rel.column_by_attnum(a) if rel else None
                cb = ref.column_by_attnum(b) if ref else None
                ops.append(B.eq_operator(cb.type_oid) if cb is not None else 0)
                _ = ca
            kw.update(conpfeqop=ops, conppeqop=ops, conffeqop=ops)
        elif c.kind == "c":
            kw.update(conbin=node_ref("check", c.oid), conkey=_check_attnums(ctx, cat, c))
        out.append(mk(**kw))
    cat.cache[key] = out
    return out


def _check_attnums(ctx, cat, con):
    if con.columns:
        return list(con.columns)
    from ._text import referenced_attnums

    try:
        return referenced_attnums(ctx, cat, con.table, con.check) or None
    except Exception:
        return None


@relation("pg_constraint")
def pg_constraint(ctx):
    from .usertypes import domain_constraint_rows

    return user_constraints(ctx) + domain_constraint_rows(ctx)


# ----------------------------------------------------------------- pg_attrdef


@relation("pg_attrdef", memo="catalog")
def pg_attrdef(ctx):
    cat = catalog(ctx)
    mk = maker("pg_attrdef")
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind not in ("r", "p", "v", "m", "f"):
            continue
        for c in r.columns:
            if c.dropped or (c.default is None and not c.generated):
                continue
            out.append(mk(oid=attrdef_oid(r.oid, c.attnum), adrelid=r.oid, adnum=c.attnum,
                          adbin=node_ref("default", r.oid, c.attnum)))
    return out


# ----------------------------------------------------------------- comments


@functools.cache
def _builtin_descriptions():
    return [r for r in D.DESCRIPTION_ROWS] + [(B.PLPGSQL_EXT_OID, 3079, 0, "PL/pgSQL procedural language"),
                                              (B.PLPGSQL_LANG_OID, 2612, 0, "PL/pgSQL procedural language")]


@relation("pg_description", memo="catalog")
def pg_description(ctx):
    cat = catalog(ctx)
    out = [r for r in _builtin_descriptions() if r[1] != PG_NAMESPACE]
    for ns in sorted(cat.namespaces.values(), key=lambda n: n.oid):
        if ns.comment:
            out.append((ns.oid, PG_NAMESPACE, 0, ns.comment))
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.comment:
            out.append((r.oid, PG_CLASS, 0, r.comment))
        for c in r.columns:
            if c.comment and not c.dropped:
                out.append((r.oid, PG_CLASS, c.attnum, c.comment))
    for c in sorted(cat.constraints.values(), key=lambda c: c.oid):
        if c.comment:
            out.append((c.oid, PG_CONSTRAINT, 0, c.comment))
    for ut in sorted(cat.user_types.values(), key=lambda u: u.oid):  # COMMENT ON TYPE / DOMAIN
        if ut.comment:
            out.append((ut.oid, 1247, 0, ut.comment))
        for c in ut.checks:
            if c.comment:
                out.append((c.oid, PG_CONSTRAINT, 0, c.comment))
    return out


@relation("pg_shdescription", memo=None)
def pg_shdescription(ctx):
    from ._base import databases

    out = []
    for d in databases(ctx):
        text = d.get("comment") or _DB_COMMENTS.get(d["name"])
        if text:
            out.append((d["oid"], 1262, text))
    return out


_DB_COMMENTS = {"postgres": "default administrative connection database",
                "template1": "default template for new databases", "template0": "unmodifiable empty database"}


# ----------------------------------------------------------------- dependencies


@relation("pg_depend", memo="catalog")
def pg_depend(ctx):
    """Enough of pg_depend for clients: sequences owned by columns ('a' for
    serial, 'i' for identity), indexes of constraints ('i'), tables of
    indexes ('a'), row types of tables ('i'), column defaults ('a')."""
    cat = catalog(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind == "S" and r.seq is not None and r.seq.owned_by:
            t, a = r.seq.owned_by
            tbl = cat.relations.get(t)
            col = tbl.column_by_attnum(a) if tbl is not None else None
            dep = "i" if col is not None and col.identity else "a"
            out.append((PG_CLASS, r.oid, 0, PG_CLASS, t, a, dep))
        if r.kind == "i" and r.index is not None:
            ix = r.index
            if ix.constraint:
                out.append((PG_CLASS, r.oid, 0, PG_CONSTRAINT, ix.constraint, 0, "i"))
            else:
                for k in ix.keys:
                    out.append((PG_CLASS, r.oid, 0, PG_CLASS, ix.table, k.attnum, "a"))
        if r.kind != "i":
            out.append((PG_TYPE, rowtype_oid(r.oid), 0, PG_CLASS, r.oid, 0, "i"))
            out.append((PG_TYPE, arraytype_oid(r.oid), 0, PG_TYPE, rowtype_oid(r.oid), 0, "i"))
        for c in r.columns:
            if not c.dropped and (c.default is not None or c.generated):
                out.append((PG_ATTRDEF, attrdef_oid(r.oid, c.attnum), 0, PG_CLASS, r.oid, c.attnum, "a"))
                seq = cat.sequences_owned.get((r.oid, c.attnum))
                if seq is not None and c.default and "nextval" in c.default.lower():
                    out.append((PG_ATTRDEF, attrdef_oid(r.oid, c.attnum), 0, PG_CLASS, seq.oid, 0, "n"))
        if r.kind in ("v", "m"):
            ro = rule_oid(r.oid)
            out.append((2618, ro, 0, PG_CLASS, r.oid, 0, "i"))
            for ref in view_references(ctx, cat, r):
                out.append((2618, ro, 0, PG_CLASS, ref, 0, "n"))
    for c in sorted(cat.constraints.values(), key=lambda c: c.oid):
        for a in c.columns:
            out.append((PG_CONSTRAINT, c.oid, 0, PG_CLASS, c.table, a, "a"))
        if c.kind == "f":
            idx = fk_index(cat, c)
            if idx:
                out.append((PG_CONSTRAINT, c.oid, 0, PG_CLASS, idx, 0, "n"))
            for a in c.ref_columns:
                out.append((PG_CONSTRAINT, c.oid, 0, PG_CLASS, c.ref_table, a, "n"))
    from .usertypes import user_type_depends

    return out + user_type_depends(cat)


REWRITE_BASE = 0x60000000


def rule_oid(view_oid: int) -> int:
    return (REWRITE_BASE + view_oid) & 0xFFFFFFFF


def view_references(ctx, cat, rel) -> list[int]:
    """OIDs of the relations a view's query reads (its _RETURN rule's dependencies)."""
    key = ("pgcat", "view_refs", rel.oid)
    hit = cat.cache.get(key)
    if hit is not None:
        return hit
    out = []
    try:
        from sqlglot import exp

        from ...sql.parser import parse_sql

        tree = parse_sql(rel.view_sql)
        ctes = {c.alias_or_name.lower() for c in tree.find_all(exp.CTE)} if hasattr(tree, "find_all") else set()
        ns = cat.namespaces.get(rel.namespace)
        path = ["pg_catalog", ns.name if ns else "public", "public"]
        for t in tree.find_all(exp.Table):
            if not isinstance(t.this, exp.Identifier):
                continue
            name = t.this.this if t.this.quoted else t.this.this.lower()
            db = t.args.get("db")
            schema = (db.this if db.quoted else db.this.lower()) if isinstance(db, exp.Identifier) else None
            if schema is None and name in ctes:
                continue
            try:
                r = cat.find_relation(name, schema, path)
            except Exception:
                r = None
            if r is not None and r.oid not in out:
                out.append(r.oid)
    except Exception:
        out = []
    cat.cache[key] = out
    return out


@relation("pg_rewrite", memo="catalog")
def pg_rewrite(ctx):
    """The _RETURN rule of every view (the rule itself is the view's stored query)."""
    cat = catalog(ctx)
    return [(rule_oid(r.oid), "_RETURN", r.oid, "1", "O", True, None, node_ref("viewquery", r.oid))
            for r in sorted(cat.relations.values(), key=lambda r: r.oid) if r.kind in ("v", "m")]


@relation("pg_sequence", memo="catalog")
def pg_sequence(ctx):
    cat = catalog(ctx)
    out = []
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        if r.kind == "S" and r.seq is not None:
            s = r.seq
            out.append((r.oid, s.type_oid, s.start, s.increment, s.max, s.min, s.cache, s.cycle))
    return out


# ----------------------------------------------------------------- table privileges (defaults)


def relation_acl(rel):
    """A relation's effective ACL entries (implicit owner ACL when NULL)."""
    if rel.acl is not None:
        return rel.acl
    return [(rel.owner, ALL_PRIVS.get(rel.kind, "arwdDxt"), rel.owner, "")]


@relation("pg_init_privs")
def pg_init_privs(ctx):
    """The initial privileges of the system objects (so pg_dump does not dump them)."""
    cat = catalog(ctx)
    names = role_names(ctx)
    out = []
    for oid in (C.PG_CATALOG_NS, C.INFORMATION_SCHEMA_NS):
        ns = cat.namespaces.get(oid)
        if ns is not None:
            out.append((oid, PG_NAMESPACE, 0, "i", acl_text(namespace_acl(ns), names)))
    i = maker("pg_class").index["relacl"]
    for row in _system_classes_for(names.get(C.BOOTSTRAP_SUPERUSER, "postgres")):
        out.append((row[0], PG_CLASS, 0, "i", row[i]))
    return out
