"""System catalog information functions (PostgreSQL's ruleutils.c, acl.c,
dbsize.c, namespace.c... equivalents) over heliosd's catalogs.

format_type, pg_get_expr / pg_get_constraintdef / pg_get_indexdef /
pg_get_viewdef (through :mod:`heliosd.engine.pgcatalog._text` and the
deparser), pg_get_userbyid, pg_get_serial_sequence, pg_*_is_visible,
encodings, obj/col/shobj_description, has_*_privilege, sizes,
to_reg*, pg_cancel_backend/pg_terminate_backend, pg_is_in_recovery,
pg_get_keywords and the helpers psql's describe queries call.

Every function reads the running statement's catalog (the branch's, through
``runtime.state.ctx``) and is registered stable or volatile so that no plan
caches a result.

Sizes (pg_relation_size and friends) are real figures: the key and value
bytes of the object's own rows in the current branch, counted by a scan
(rows inherited from an ancestor branch count too: they are what the branch
reads).  pg_database_size sums the branch statistics the store keeps
(``Store.stats``: own bytes of every live branch of the database).
"""

from __future__ import annotations

import re

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime
from . import register
from . import pgcatalog_names as NM


def _f(name, args, ret, impl, vol="s", **kw):
    return register(name, args, ret, impl, volatility=vol, **kw)


class _Ctx:
    """A stand-in ExecContext when a function runs outside a statement (analysis)."""

    def __init__(self, session, txn, cat):
        self.session = session
        self.txn = txn
        self.catalog = cat
        self.bid = session.branch_id if session is not None else None


def _ctx():
    st = runtime.state
    ctx = st.ctx
    if ctx is not None and getattr(ctx, "catalog", None) is not None:
        return ctx
    cat, txn = NM.current_catalog()
    return _Ctx(st.session, txn, cat)


def _cat():
    return _ctx().catalog


# ----------------------------------------------------------------- format_type


def format_type(oid, typmod):
    if oid is None:
        return None
    try:
        T.by_oid(oid)
    except Exception:
        s = NM.regtype_out(oid)
        return s if not s.isdigit() else "???"
    return T.format_type(oid, typmod)


_f("format_type", [T.OID, T.INT4], T.TEXT, format_type, vol="s", strict=False)


# ----------------------------------------------------------------- deparsing


def _text_mod():
    from ...engine.pgcatalog import _text

    return _text


def pg_get_expr(node, relid, pretty=False):
    if node is None:
        return None
    ctx = _ctx()
    return _text_mod().node_text(ctx, ctx.catalog, node, relid or 0, bool(pretty))


_f("pg_get_expr", [T.PG_NODE_TREE, T.OID], T.TEXT, pg_get_expr)
_f("pg_get_expr", [T.PG_NODE_TREE, T.OID, T.BOOL], T.TEXT, pg_get_expr)


def pg_get_constraintdef(oid, pretty=False):
    ctx = _ctx()
    con = ctx.catalog.constraints.get(oid)
    if con is None:
        dom = ctx.catalog.domain_constraints.get(oid)  # a domain's CHECK (heliosd.sql.ddl_types)
        if dom is None:
            return None
        con = dom[0]
    return _text_mod().constraint_def(ctx, ctx.catalog, con, bool(pretty))


_f("pg_get_constraintdef", [T.OID], T.TEXT, pg_get_constraintdef)
_f("pg_get_constraintdef", [T.OID, T.BOOL], T.TEXT, pg_get_constraintdef)


def pg_get_indexdef(oid, column=0, pretty=False):
    ctx = _ctx()
    irel = ctx.catalog.relations.get(oid)
    if irel is None or irel.kind != "i" or irel.index is None:
        return None
    return _text_mod().index_def(ctx, ctx.catalog, irel, column or 0, bool(pretty))


_f("pg_get_indexdef", [T.OID], T.TEXT, pg_get_indexdef)
_f("pg_get_indexdef", [T.OID, T.INT4, T.BOOL], T.TEXT, pg_get_indexdef)


def pg_get_viewdef(view, pretty=False):
    ctx = _ctx()
    cat = ctx.catalog
    if isinstance(view, str):
        oid = NM.lookup_relation(view)
    else:
        oid = view
    rel = cat.relations.get(oid)
    if rel is None or rel.kind not in ("v", "m"):
        return None
    from ...engine.pgcatalog import viewdef

    return viewdef.view_def(ctx, cat, rel, bool(pretty))


_f("pg_get_viewdef", [T.OID], T.TEXT, pg_get_viewdef)
_f("pg_get_viewdef", [T.OID, T.BOOL], T.TEXT, pg_get_viewdef)
_f("pg_get_viewdef", [T.TEXT], T.TEXT, pg_get_viewdef)
_f("pg_get_viewdef", [T.TEXT, T.BOOL], T.TEXT, pg_get_viewdef)
_f("pg_get_viewdef", [T.OID, T.INT4], T.TEXT, lambda o, w: pg_get_viewdef(o, True))


_f("pg_get_triggerdef", [T.OID], T.TEXT, lambda oid: None)
_f("pg_get_triggerdef", [T.OID, T.BOOL], T.TEXT, lambda oid, p: None)
_f("pg_get_ruledef", [T.OID], T.TEXT, lambda oid: None)
_f("pg_get_ruledef", [T.OID, T.BOOL], T.TEXT, lambda oid, p: None)
_f("pg_get_statisticsobjdef_columns", [T.OID], T.TEXT, lambda oid: None)
_f("pg_get_statisticsobjdef", [T.OID], T.TEXT, lambda oid: None)
_f("pg_get_partkeydef", [T.OID], T.TEXT, lambda oid: None)
_f("pg_get_partition_constraintdef", [T.OID], T.TEXT, lambda oid: None)
_f("pg_get_function_sqlbody", [T.OID], T.TEXT, lambda oid: None)
_f("pg_relation_is_publishable", [T.REGCLASS], T.BOOL,
   lambda oid: (lambda r: r is not None and r.kind in ("r", "p"))(_cat().relations.get(oid)))


def _partition_ancestors(oid):
    return [oid] if _cat().relations.get(oid) is not None else []


_pa = _f("pg_partition_ancestors", [T.REGCLASS], T.REGCLASS, _partition_ancestors, retset=True)
_pa.out_columns = [("relid", T.REGCLASS)]


def _partition_tree(oid):
    r = _cat().relations.get(oid)
    if r is None:
        return []
    return [(oid, None, True, 0)]


_pt = _f("pg_partition_tree", [T.REGCLASS], T.RECORD, _partition_tree, retset=True)
_pt.out_columns = [("relid", T.REGCLASS), ("parentrelid", T.REGCLASS), ("isleaf", T.BOOL), ("level", T.INT4)]
_f("pg_partition_root", [T.REGCLASS], T.REGCLASS, lambda oid: oid)


# ----------------------------------------------------------------- functions' signatures


def _proc(oid):
    from ...engine.pgcatalog.builtin import bki_procs, proc_rows

    row = bki_procs()[1].get(oid)
    if row is None:
        for r in proc_rows():
            if r[0] == oid:
                return r
    return row


def _fmt(oid):
    return NM.regtype_out(oid)


def pg_get_function_arguments(oid):
    r = _proc(oid)
    if r is None:
        return None
    argtypes = r[20] if r[20] is not None else r[19]
    modes = r[21]
    names = r[22]
    out = []
    for i, t in enumerate(argtypes):
        m = modes[i] if modes else "i"
        if m == "t":
            continue
        pre = {"o": "OUT ", "b": "INOUT ", "v": "VARIADIC "}.get(m, "")
        n = names[i] if names and i < len(names) and names[i] else ""
        out.append(f"{pre}{n + ' ' if n else ''}{_fmt(t)}")
    return ", ".join(out)


def pg_get_function_identity_arguments(oid):
    r = _proc(oid)
    if r is None:
        return None
    return ", ".join(_fmt(t) for t in r[19])


def pg_get_function_result(oid):
    r = _proc(oid)
    if r is None:
        return None
    if r[9] == "p":
        return None
    ret = _fmt(r[18])
    if r[20] is not None and r[21] and any(m in ("t",) for m in r[21]):
        cols = [f"{r[22][i]} {_fmt(t)}" for i, t in enumerate(r[20]) if r[21][i] == "t"]
        return "TABLE(" + ", ".join(cols) + ")"
    return ("SETOF " if r[13] else "") + ret


_f("pg_get_function_arguments", [T.OID], T.TEXT, pg_get_function_arguments)
_f("pg_get_function_identity_arguments", [T.OID], T.TEXT, pg_get_function_identity_arguments)
_f("pg_get_function_result", [T.OID], T.TEXT, pg_get_function_result)
_f("pg_get_functiondef", [T.OID], T.TEXT, lambda oid: None)


# ----------------------------------------------------------------- names, owners


def pg_get_userbyid(oid):
    from ...engine import cluster as CL

    r = NM._role_txn(lambda txn: CL.get_role(txn, oid))
    return r["name"] if r is not None else f"unknown (OID={oid})"


_f("pg_get_userbyid", [T.OID], T.NAME, pg_get_userbyid)


def pg_get_serial_sequence(table, column):
    ctx = _ctx()
    cat = ctx.catalog
    oid = NM.lookup_relation(table)
    rel = cat.relations.get(oid)
    if rel is None:
        raise PgError(f'relation "{table}" does not exist', errcodes.UNDEFINED_TABLE)
    col = rel.column(column) if column == column.lower() else rel.column(column)
    if col is None:
        col = rel.column(column.strip('"')) if column.startswith('"') else rel.column(column.lower())
    if col is None:
        raise PgError(f'column "{column}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_COLUMN)
    seq = cat.sequences_owned.get((rel.oid, col.attnum))
    if seq is None:
        return None
    from ..deparse import quote_ident

    ns = cat.namespaces.get(seq.namespace)
    return f"{quote_ident(ns.name)}.{quote_ident(seq.name)}"


_f("pg_get_serial_sequence", [T.TEXT, T.TEXT], T.TEXT, pg_get_serial_sequence)


def pg_table_is_visible(oid):
    cat = _cat()
    rel = cat.relations.get(oid)
    if rel is None and cat.user_types:
        for ut in cat.user_types.values():  # a composite type's pg_class row (relkind 'c')
            if ut.relid == oid:
                return _user_type_visible(cat, ut)
    if rel is None:
        _n, by_oid = NM._system_relations()
        sysrel = by_oid.get(oid)
        if sysrel is None:
            return None
        return sysrel[0] == "pg_catalog" or sysrel[0] in NM.search_path()
    return NM.relation_visible(cat, rel)


def _user_type_visible(cat, ut):
    hit = cat.find_type(ut.name, None, NM._effective_path(NM.search_path()))
    return hit is not None and hit[0].oid == ut.oid and not hit[1]


def pg_type_is_visible(oid):
    cat = _cat()
    if cat.user_types:
        ut = cat.user_types.get(oid)
        if ut is None:
            ut = next((u for u in cat.user_types.values() if u.array_oid == oid), None)
            if ut is not None:
                hit = cat.find_type("_" + ut.name, None, NM._effective_path(NM.search_path()))
                return hit is not None and hit[0].oid == ut.oid
        if ut is not None:
            return _user_type_visible(cat, ut)
    try:
        t = T.by_oid(oid)
        return t.namespace == 11 or t.namespace in (2200,)
    except Exception:
        pass
    from ...engine.pgcatalog._base import ARRAYTYPE_BASE, ROWTYPE_BASE

    cat = _cat()
    for base in (ROWTYPE_BASE, ARRAYTYPE_BASE):
        rel = cat.relations.get((oid - base) & 0xFFFFFFFF)
        if rel is not None:
            return NM.relation_visible(cat, rel)
    return None


def _ns_visible(nsoid):
    cat = _cat()
    ns = cat.namespaces.get(nsoid)
    return ns is not None and ns.name in NM._effective_path(NM.search_path())


_f("pg_table_is_visible", [T.OID], T.BOOL, pg_table_is_visible)
_f("pg_type_is_visible", [T.OID], T.BOOL, pg_type_is_visible)
_f("pg_function_is_visible", [T.OID], T.BOOL, lambda oid: True if _proc(oid) is not None else None)
_f("pg_operator_is_visible", [T.OID], T.BOOL, lambda oid: True)
_f("pg_opclass_is_visible", [T.OID], T.BOOL, lambda oid: True)
_f("pg_collation_is_visible", [T.OID], T.BOOL, lambda oid: True)
_f("pg_conversion_is_visible", [T.OID], T.BOOL, lambda oid: True)
_f("pg_ts_config_is_visible", [T.OID], T.BOOL, lambda oid: True)
_f("pg_statistics_obj_is_visible", [T.OID], T.BOOL, lambda oid: True)


_ENCODINGS = {0: "SQL_ASCII", 6: "UTF8", 8: "LATIN1"}
_f("pg_encoding_to_char", [T.INT4], T.NAME, lambda e: _ENCODINGS.get(e, ""), vol="i")
_f("pg_char_to_encoding", [T.NAME], T.INT4,
   lambda n: {v.lower(): k for k, v in _ENCODINGS.items()}.get(n.lower().replace("-", ""), -1), vol="i")
_f("pg_encoding_max_length", [T.INT4], T.INT4, lambda e: 4 if e == 6 else 1, vol="i")
_f("pg_tablespace_location", [T.OID], T.TEXT, lambda oid: "")
_f("pg_is_in_recovery", [], T.BOOL, lambda: False, vol="v", strict=False)
_f("pg_is_wal_replay_paused", [], T.BOOL, lambda: False, vol="v", strict=False)
_f("pg_get_wal_replay_pause_state", [], T.TEXT, lambda: "not paused", vol="v", strict=False)


# ----------------------------------------------------------------- comments


def _class_oid(name: str) -> int:
    return {"pg_class": 1259, "pg_type": 1247, "pg_proc": 1255, "pg_namespace": 2615, "pg_constraint": 2606,
            "pg_am": 2601, "pg_language": 2612, "pg_extension": 3079, "pg_database": 1262, "pg_authid": 1260,
            "pg_tablespace": 1213, "pg_collation": 3456, "pg_operator": 2617, "pg_opclass": 2616,
            "pg_trigger": 2620, "pg_rewrite": 2618, "pg_attrdef": 2604, "pg_index": 2610}.get(name, 0)


def _descriptions(ctx):
    from ...engine.pgcatalog._base import memo
    from ...engine.syscat import virtual_relation

    def build():
        vr = virtual_relation(ctx.session, ctx.catalog, "pg_catalog", "pg_description")
        out = {}
        for objoid, classoid, objsubid, text, *_ in vr.rows_fn(ctx):
            out[(objoid, classoid, objsubid)] = text
        return out

    return memo(ctx, "descriptions", build)


def obj_description(oid, catalog_name=None):
    ctx = _ctx()
    d = _descriptions(ctx)
    if catalog_name is None:
        for (o, _c, sub), text in d.items():
            if o == oid and sub == 0:
                return text
        return None
    return d.get((oid, _class_oid(catalog_name), 0))


def col_description(oid, attnum):
    ctx = _ctx()
    return _descriptions(ctx).get((oid, 1259, attnum))


def shobj_description(oid, catalog_name):
    ctx = _ctx()
    if catalog_name == "pg_database":
        from ...engine import cluster as CL
        from ...engine.pgcatalog.relations import _DB_COMMENTS

        d = CL.get_database(ctx.txn, oid)
        if d is None:
            return None
        return d.get("comment") or _DB_COMMENTS.get(d["name"])
    return None


_f("obj_description", [T.OID, T.NAME], T.TEXT, obj_description)
_f("obj_description", [T.OID], T.TEXT, obj_description)
_f("col_description", [T.OID, T.INT4], T.TEXT, col_description)
_f("shobj_description", [T.OID, T.NAME], T.TEXT, shobj_description)


# ----------------------------------------------------------------- to_reg*


def _missing_ok(lookup):
    def f(text):
        try:
            return lookup(text, missing_ok=True)
        except PgError as e:
            if e.code in (errcodes.INVALID_NAME, errcodes.SYNTAX_ERROR):
                raise
            return None

    return f


_f("to_regclass", [T.TEXT], T.REGCLASS, _missing_ok(NM.lookup_relation))
_f("to_regtype", [T.TEXT], T.REGTYPE, _missing_ok(NM.lookup_type))
_f("to_regproc", [T.TEXT], T.REGPROC, _missing_ok(NM.lookup_proc))
_f("to_regprocedure", [T.TEXT], T.REGPROCEDURE, _missing_ok(NM.lookup_proc))
_f("to_regnamespace", [T.TEXT], T.REGNAMESPACE, _missing_ok(NM.lookup_namespace))
_f("to_regrole", [T.TEXT], T.REGROLE, _missing_ok(NM.lookup_role))
_f("to_regoper", [T.TEXT], T.REGOPER, _missing_ok(NM.lookup_operator))


# ----------------------------------------------------------------- keywords


def _keywords():
    from ...engine.pgcatalog import _pgdefs

    return list(_pgdefs.KEYWORDS)


_kw = _f("pg_get_keywords", [], T.RECORD, _keywords, retset=True, strict=False)
_kw.out_columns = [("word", T.TEXT), ("catcode", T.CHAR), ("barelabel", T.BOOL), ("catdesc", T.TEXT),
                   ("baredesc", T.TEXT)]


# ----------------------------------------------------------------- backends


def _other_session(pid):
    s = runtime.state.session
    if s is None:
        return None, None
    other = s.cluster.sessions.get(pid)
    if other is None:
        s.notice(f"PID {pid} is not a PostgreSQL server process", "01000", severity="WARNING")
        return s, None
    me = s.role or {}
    if not me.get("super"):
        orole = other.role or {}
        if orole.get("super"):
            raise PgError("must be a superuser to cancel superuser query", errcodes.INSUFFICIENT_PRIVILEGE)
        if orole.get("oid") != me.get("oid"):
            from ...engine import cluster as CL

            mine = CL.roles_of(s.txn, me["oid"]) if s.txn is not None else {me.get("oid")}
            if 4200 not in mine and orole.get("oid") not in mine:
                raise PgError("must be a member of the role whose query is being canceled or member of "
                              "pg_signal_backend", errcodes.INSUFFICIENT_PRIVILEGE)
    return s, other


def pg_cancel_backend(pid):
    _s, other = _other_session(pid)
    if other is None:
        return False
    other.cancel()
    return True


def pg_terminate_backend(pid, timeout=0):
    _s, other = _other_session(pid)
    if other is None:
        return False
    term = getattr(other, "terminate", None)
    if term is not None:
        term()
        return True
    # FATAL 57P01 to its client, then close (after the current statement when it is ourselves)
    msg = "terminating connection due to administrator command"
    other.cancel(msg)
    conn = getattr(other, "conn", None)
    if conn is not None and hasattr(conn, "fatal"):
        import asyncio

        def kill():
            conn.write_out() if hasattr(conn, "write_out") else None
            conn.fatal(PgError(msg, errcodes.ADMIN_SHUTDOWN))

        try:
            asyncio.get_running_loop().call_soon(kill)
        except RuntimeError:
            kill()
    return True


_f("pg_cancel_backend", [T.INT4], T.BOOL, pg_cancel_backend, vol="v")
_f("pg_terminate_backend", [T.INT4], T.BOOL, pg_terminate_backend, vol="v")
_f("pg_terminate_backend", [T.INT4, T.INT8], T.BOOL, pg_terminate_backend, vol="v")


def pg_blocking_pids(pid):
    s = runtime.state.session
    if s is None:
        return []
    other = s.cluster.sessions.get(pid)
    if other is None or not other.waiting:
        return []
    adv = getattr(other, "advisory_waiting", None)
    if adv is not None:
        key, shared = adv
        entry = s.cluster.advisory.get(key) or {}
        return sorted(hp for hp, c in entry.get("holders", {}).items()
                      if hp != pid and (not shared or c.get("x") or c.get("xx")))
    if other.txn is None:
        return []
    locks = s.store.locks
    w = locks.waiting_for(other.txn.txid)
    if w is None or w.granted:
        return []
    from ...storage.locks import EXCLUSIVE

    holders = locks.holders(w.name)
    blockers = set()
    for txid, mode in holders.items():
        if txid != other.txn.txid and (mode == EXCLUSIVE or w.mode == EXCLUSIVE):
            blockers.add(txid)
    out = []
    for sess in s.cluster.sessions.values():
        if sess.txn is not None and sess.txn.txid in blockers:
            out.append(sess.pid)
    return sorted(out)


_f("pg_blocking_pids", [T.INT4], T.INT4_ARRAY, pg_blocking_pids, vol="v")


# ----------------------------------------------------------------- privileges (see heliosd.session.privileges)


def _priv_mod():
    from ...engine.pgcatalog import acl

    return acl


def _has(kind, nargs):
    def f(*args):
        return _priv_mod().has_privilege(_ctx(), kind, args)

    return f


for _kind, _objt in (("table", T.TEXT), ("sequence", T.TEXT), ("schema", T.TEXT), ("database", T.TEXT),
                     ("function", T.TEXT), ("column", None), ("any_column", T.TEXT), ("language", T.TEXT),
                     ("tablespace", T.TEXT), ("foreign_data_wrapper", T.TEXT), ("server", T.TEXT),
                     ("type", T.TEXT)):
    _name = f"has_{_kind}_privilege"
    if _kind == "column":
        for _obj in (T.TEXT, T.OID):
            for _col in (T.TEXT, T.INT2):
                _f(_name, [_obj, _col, T.TEXT], T.BOOL, _has(_kind, 3))
                _f(_name, [T.NAME, _obj, _col, T.TEXT], T.BOOL, _has(_kind, 4))
                _f(_name, [T.OID, _obj, _col, T.TEXT], T.BOOL, _has(_kind, 4))
        continue
    for _obj in (T.TEXT, T.OID):
        _f(_name, [_obj, T.TEXT], T.BOOL, _has(_kind, 2))
        _f(_name, [T.NAME, _obj, T.TEXT], T.BOOL, _has(_kind, 3))
        _f(_name, [T.OID, _obj, T.TEXT], T.BOOL, _has(_kind, 3))


def pg_has_role(*args):
    return _priv_mod().pg_has_role(_ctx(), args)


for _r in (T.NAME, T.OID):
    _f("pg_has_role", [_r, T.TEXT], T.BOOL, pg_has_role)
    _f("pg_has_role", [T.NAME, _r, T.TEXT], T.BOOL, pg_has_role)
    _f("pg_has_role", [T.OID, _r, T.TEXT], T.BOOL, pg_has_role)


# ----------------------------------------------------------------- sizes


def _size_mod():
    from ...engine.pgcatalog import sizes

    return sizes


_f("pg_relation_size", [T.REGCLASS], T.INT8, lambda oid: _size_mod().relation_size(_ctx(), oid), vol="v")
_f("pg_relation_size", [T.REGCLASS, T.TEXT], T.INT8,
   lambda oid, fork: _size_mod().relation_size(_ctx(), oid) if fork == "main" else 0, vol="v")
_f("pg_table_size", [T.REGCLASS], T.INT8, lambda oid: _size_mod().table_size(_ctx(), oid), vol="v")
_f("pg_indexes_size", [T.REGCLASS], T.INT8, lambda oid: _size_mod().indexes_size(_ctx(), oid), vol="v")
_f("pg_total_relation_size", [T.REGCLASS], T.INT8, lambda oid: _size_mod().total_size(_ctx(), oid), vol="v")
_f("pg_database_size", [T.NAME], T.INT8, lambda d: _size_mod().database_size(_ctx(), d), vol="v")
_f("pg_database_size", [T.OID], T.INT8, lambda d: _size_mod().database_size(_ctx(), d), vol="v")
_f("pg_tablespace_size", [T.NAME], T.INT8, lambda d: 0, vol="v")
_f("pg_tablespace_size", [T.OID], T.INT8, lambda d: 0, vol="v")
_f("pg_column_size", ["any"], T.INT4, lambda v: _size_mod().column_size(v), vol="s")


_SIZE_UNITS = (("bytes", 10 * 1024, False, 0), ("kB", 20 * 1024 - 1, True, 10), ("MB", 20 * 1024 - 1, True, 20),
               ("GB", 20 * 1024 - 1, True, 30), ("TB", 20 * 1024 - 1, True, 40), ("PB", 20 * 1024 - 1, True, 50))


def _cdiv(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def pg_size_pretty(size):
    """dbsize.c's pg_size_pretty (C integer division, half rounding)."""
    size = int(size)
    units = _SIZE_UNITS
    for i, (name, limit, rnd, bits) in enumerate(units):
        last = i == len(units) - 1
        if last or abs(size) < limit:
            if rnd:
                size = _cdiv(size + (-1 if size < 0 else 1), 2)
            return f"{size} {name}"
        nxt = units[i + 1]
        shift = nxt[3] - bits - (1 if nxt[2] else 0) + (1 if rnd else 0)
        size = _cdiv(size, 1 << shift)
    return f"{size} bytes"


_f("pg_size_pretty", [T.INT8], T.TEXT, pg_size_pretty, vol="i")
_f("pg_size_pretty", [T.NUMERIC], T.TEXT, lambda d: pg_size_pretty(int(d)), vol="i")


def pg_size_bytes(text):
    m = re.fullmatch(r"\s*([+-]?\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*", text)
    if not m:
        raise PgError(f'invalid size: "{text}"', errcodes.INVALID_PARAMETER_VALUE)
    mult = {"": 1, "bytes": 1, "b": 1, "kb": 1024, "mb": 1024 ** 2, "gb": 1024 ** 3, "tb": 1024 ** 4,
            "pb": 1024 ** 5}.get(m.group(2).lower())
    if mult is None:
        raise PgError(f'invalid size: "{text}"', errcodes.INVALID_PARAMETER_VALUE,
                      detail=f'Invalid size unit: "{m.group(2)}".',
                      hint='Valid units are "bytes", "kB", "MB", "GB", "TB", and "PB".')
    return int(float(m.group(1)) * mult)


_f("pg_size_bytes", [T.TEXT], T.INT8, pg_size_bytes, vol="i")


# ----------------------------------------------------------------- misc stubs psql/drivers call


_f("pg_get_backend_memory_contexts", [], T.TEXT, lambda: None, strict=False)
_f("inet_server_addr", [], T.TEXT, lambda: "127.0.0.1", strict=False)
_f("inet_server_port", [], T.INT4, lambda: int(runtime.state.session.get_guc("port")), strict=False)
_f("inet_client_addr", [], T.TEXT, lambda: getattr(runtime.state.session, "client_addr", None), strict=False)
_f("pg_current_logfile", [], T.TEXT, lambda: None, strict=False)
_f("pg_conf_load_time", [], T.TIMESTAMPTZ,
   lambda: __import__("datetime").datetime.fromtimestamp(runtime.state.session.cluster.start_time,
                                                         __import__("datetime").timezone.utc), strict=False)
_f("pg_stat_get_numscans", [T.OID], T.INT8, lambda oid: 0)
_f("pg_stat_get_live_tuples", [T.OID], T.INT8, lambda oid: 0)
_f("pg_stat_get_dead_tuples", [T.OID], T.INT8, lambda oid: 0)
_f("pg_stat_get_backend_pid", [T.INT4], T.INT4, lambda i: None)
_f("pg_jit_available", [], T.BOOL, lambda: False, strict=False)
for _fname in ("pg_ts_parser_is_visible", "pg_ts_dict_is_visible", "pg_ts_template_is_visible",
               "pg_opfamily_is_visible"):
    _f(_fname, [T.OID], T.BOOL, lambda oid: True)


def pg_describe_object(classid, objid, objsubid):
    """A readable description of a catalog object (for the common classes)."""
    ctx = _ctx()
    cat = ctx.catalog
    if classid == 1259:
        rel = cat.relations.get(objid)
        name = NM.regclass_out(objid)
        kind = {"r": "table", "i": "index", "S": "sequence", "v": "view", "m": "materialized view",
                "p": "table", "f": "foreign table"}.get(rel.kind if rel is not None else "r", "table")
        if objsubid and rel is not None:
            col = rel.column_by_attnum(objsubid)
            return f"column {col.name if col else objsubid} of {kind} {name}"
        return f"{kind} {name}"
    if classid == 1255:
        return f"function {NM.regprocedure_out(objid)}"
    if classid == 1247:
        return f"type {NM.regtype_out(objid)}"
    if classid == 2615:
        return f"schema {NM.regnamespace_out(objid)}"
    if classid == 2606:
        con = cat.constraints.get(objid)
        if con is not None:
            return f"constraint {con.name} on table {NM.regclass_out(con.table)}"
    if classid == 2612:
        return {12: "language internal", 13: "language c", 14: "language sql"}.get(objid, "language plpgsql")
    if classid == 3079:
        return "extension plpgsql"
    return f"{classid}:{objid}:{objsubid}"


_f("pg_describe_object", [T.OID, T.OID, T.INT4], T.TEXT, pg_describe_object)


# ----------------------------------------------------------------- ACL helpers (pg_dump)

_ACL_DEFAULTS = {"r": [("o", "arwdDxt")], "s": [("o", "rwU")], "d": [("p", "Tc"), ("o", "CTc")],
                 "f": [("p", "X"), ("o", "X")], "l": [("p", "U"), ("o", "U")], "n": [("o", "UC")],
                 "T": [("p", "U"), ("o", "U")], "t": [("o", "C")], "F": [("o", "U")], "S": [("o", "U")],
                 "L": [("o", "rw")], "p": [], "c": []}


def acldefault(kind, owner):
    from ...engine.pgcatalog._base import acl_text

    spec = _ACL_DEFAULTS.get(kind)
    if spec is None:
        raise PgError(f"unrecognized object type abbreviation: {kind}", errcodes.INVALID_PARAMETER_VALUE)
    ents = [(0 if who == "p" else owner, privs, owner) for who, privs in spec]
    names = {}
    r = NM._role_txn(lambda txn: __import__("heliosd.engine.cluster", fromlist=["get_role"]).get_role(txn, owner))
    names[owner] = r["name"] if r else str(owner)
    return acl_text(ents, names)


_f("acldefault", [T.CHAR, T.OID], T.ACLITEM_ARRAY, acldefault)


def aclexplode(acl):
    """(grantor, grantee, privilege_type, is_grantable) of an aclitem[] (text form)."""
    from ...engine.pgcatalog._base import LETTER_ORDER

    names = {"a": "INSERT", "r": "SELECT", "w": "UPDATE", "d": "DELETE", "D": "TRUNCATE", "x": "REFERENCES",
             "t": "TRIGGER", "X": "EXECUTE", "U": "USAGE", "C": "CREATE", "T": "TEMPORARY", "c": "CONNECT",
             "s": "SET", "A": "ALTER SYSTEM"}
    out = []
    for item in acl or ():
        if item is None:
            continue
        who, _, rest = item.partition("=")
        privs, _, grantor = rest.partition("/")
        grantee = 0 if who == "" else NM.lookup_role(who.strip('"'), missing_ok=True) or 0
        gr = NM.lookup_role(grantor.strip('"'), missing_ok=True) or 0
        i = 0
        while i < len(privs):
            ch = privs[i]
            go = i + 1 < len(privs) and privs[i + 1] == "*"
            if ch in LETTER_ORDER:
                out.append((gr, grantee, names.get(ch, ch), go))
            i += 2 if go else 1
    return out


_ae = _f("aclexplode", [T.ACLITEM_ARRAY], T.RECORD, aclexplode, retset=True)
_ae.out_columns = [("grantor", T.OID), ("grantee", T.OID), ("privilege_type", T.TEXT), ("is_grantable", T.BOOL)]


def pg_options_to_table(opts):
    out = []
    for o in opts or ():
        if o is None:
            continue
        k, _, v = o.partition("=")
        out.append((k, v))
    return out


_ot = _f("pg_options_to_table", [T.TEXT_ARRAY], T.RECORD, pg_options_to_table, retset=True)
_ot.out_columns = [("option_name", T.TEXT), ("option_value", T.TEXT)]


# ----------------------------------------------------------------- int2vector / oidvector bounds
# These catalog vectors are arrays with lower bound 0 (pg_index.indkey[0] is the first key);
# heliosd's arrays always start at 1, so the bound-sensitive functions get exact overloads.


def _vec_subscripts(v, dim, reverse=False):
    if v is None or dim != 1 or not v:
        return []
    r = range(0, len(v))
    return list(reversed(r)) if reverse else list(r)


for _vt in (T.INT2VECTOR, T.OIDVECTOR):
    _f("generate_subscripts", [_vt, T.INT4], T.INT4, _vec_subscripts, vol="i", retset=True)
    _f("generate_subscripts", [_vt, T.INT4, T.BOOL], T.INT4, _vec_subscripts, vol="i", retset=True)
    _f("array_lower", [_vt, T.INT4], T.INT4, lambda v, d: 0 if d == 1 and v else None, vol="i")
    _f("array_upper", [_vt, T.INT4], T.INT4, lambda v, d: len(v) - 1 if d == 1 and v else None, vol="i")


# temporary schemas (heliosd.session.temp)
def _my_temp_ns():
    s = runtime.state.session
    slot = getattr(s, "temp_slot", None) if s is not None else None
    if slot is None:
        return None
    return _cat().namespace(f"pg_temp_{slot}")


def pg_my_temp_schema():
    ns = _my_temp_ns()
    return ns.oid if ns is not None else 0


def pg_is_other_temp_schema(oid):
    from ...engine.catalog import is_temp_ns_name

    ns = _cat().namespaces.get(oid)
    if ns is None or not is_temp_ns_name(ns.name):
        return False
    mine = _my_temp_ns()
    return mine is None or mine.oid != ns.oid


_f("pg_my_temp_schema", [], T.OID, pg_my_temp_schema, strict=False)
_f("pg_is_other_temp_schema", [T.OID], T.BOOL, pg_is_other_temp_schema)
