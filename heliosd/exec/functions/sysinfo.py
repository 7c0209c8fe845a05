"""System information and session functions that need no pg_catalog relation.

version(), current_user/session_user, current_database(), current_schema(s),
pg_backend_pid(), txid_current()/pg_current_xact_id(), current_setting()/
set_config(), pg_typeof(), num_nulls()/num_nonnulls(), gen_random_uuid(),
pg_postmaster_start_time(), pg_sleep().

They read the running session through :data:`heliosd.exec.runtime.state`
and are registered stable ('s') or volatile ('v') so the analyzer never
constant-folds them into a cached plan.

pg_sleep
--------
A function runs inside a compiled expression, which cannot ``await``; a
blocking ``time.sleep`` would freeze every session on the event loop.  So
pg_sleep only *records* the time to sleep on the statement's ExecContext
(``ctx.sleep_for``, summed over calls) and returns; the session driver,
which already yields to the event loop between batches, awaits that much
(checking cancellation and statement_timeout) before it sends the batch on.
The observable behaviour matches PostgreSQL for ``SELECT pg_sleep(n)`` and
for sleeps in the select list of a multi-row query (the total is the same;
the pauses come once per batch instead of per row).
"""

from __future__ import annotations

import datetime as _dt
import time
import uuid

from ... import config as CFG
from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime
from . import register


def _session():
    s = runtime.state.session
    if s is None:
        raise PgError("no session", errcodes.INTERNAL_ERROR)
    return s


def _f(name, args, ret, impl, vol="s", **kw):
    return register(name, args, ret, impl, volatility=vol, **kw)


_f("version", [], T.TEXT, lambda: CFG.VERSION_STRING, strict=False)


def _current_user():
    s = runtime.state.session
    return s.role["name"] if s is not None and s.role else None


def _session_user():
    s = runtime.state.session
    if s is None:
        return None
    r = s.session_role or s.role
    return r["name"] if r else None


_f("current_user", [], T.NAME, _current_user, strict=False)
_f("current_role", [], T.NAME, _current_user, strict=False)
_f("user", [], T.NAME, _current_user, strict=False)
_f("session_user", [], T.NAME, _session_user, strict=False)


def _current_database():
    s = runtime.state.session
    return s.db["name"] if s is not None and s.db else None


_f("current_database", [], T.NAME, _current_database, strict=False)
_f("current_catalog", [], T.NAME, _current_database, strict=False)


def _catalog():
    ctx = runtime.state.ctx
    if ctx is not None and ctx.catalog is not None:
        return ctx.catalog
    s = runtime.state.session
    return s.catalog() if s is not None else None


def _schemas(implicit: bool):
    s = runtime.state.session
    if s is None:
        return []
    raw = s.get_guc("search_path")
    cat = _catalog()
    out = []
    parts = []
    for p in _split_path(raw):
        if p == "$user":
            p = s.role["name"] if s.role else ""
        parts.append(p)
    tn = None
    if getattr(s, "temp_slot", None) is not None:
        name = f"pg_temp_{s.temp_slot}"
        if cat is not None and cat.namespace(name) is not None:
            tn = name
    parts = [tn if p == "pg_temp" else p for p in parts if p != "pg_temp" or tn is not None]
    if implicit and tn is not None and tn not in parts:
        out.append(tn)  # the session's temp schema is searched first (namespace.c)
    if implicit and "pg_catalog" not in parts:
        out.append("pg_catalog")
    for p in parts:
        if cat is not None and cat.namespace(p) is None:
            continue
        if p not in out:
            out.append(p)
    return out


def _split_path(raw: str) -> list[str]:
    out = []
    for part in raw.split(","):
        p = part.strip()
        if not p:
            continue
        if p.startswith('"') and p.endswith('"'):
            out.append(p[1:-1].replace('""', '"'))
        else:
            out.append(p.lower())
    return out


def _current_schema():
    sc = _schemas(False)
    for p in sc:
        return p
    return None


_f("current_schema", [], T.NAME, _current_schema, strict=False)
_f("current_schemas", [T.BOOL], T.NAME_ARRAY, lambda b: _schemas(b))
_f("pg_backend_pid", [], T.INT4, lambda: _session().pid, strict=False)
_f("pg_client_encoding", [], T.NAME, lambda: "UTF8", strict=False)
_f("getdatabaseencoding", [], T.NAME, lambda: "UTF8", strict=False)


def _cur_txn():
    ctx = runtime.state.ctx
    txn = ctx.txn if ctx is not None and ctx.txn is not None else getattr(runtime.state.session, "txn", None)
    if txn is None:
        raise PgError("no transaction", errcodes.INTERNAL_ERROR)
    return txn


def _txid():
    """txid_current(): assigns the transaction id if the transaction has none yet (as PG)."""
    txn = _cur_txn()
    txn.xid_assigned = True
    return int(txn.txid)


def _txid_if_assigned():
    """NULL until the transaction wrote something (PostgreSQL assigns an xid at the first write)
    or asked for its id; heliosd numbers every transaction, so "assigned" is tracked separately."""
    txn = _cur_txn()
    if getattr(txn, "xid_assigned", False) or txn.writes or txn.written_objects:
        return int(txn.txid)
    return None


_f("txid_current", [], T.INT8, _txid, vol="v", strict=False)
_f("pg_current_xact_id", [], T.XID8, _txid, vol="v", strict=False)
_f("txid_current_if_assigned", [], T.INT8, _txid_if_assigned, vol="v", strict=False)
_f("pg_current_xact_id_if_assigned", [], T.XID8, _txid_if_assigned, vol="v", strict=False)


def _postmaster_start():
    s = _session()
    return _dt.datetime.fromtimestamp(s.cluster.start_time, _dt.timezone.utc)


_f("pg_postmaster_start_time", [], T.TIMESTAMPTZ, _postmaster_start, strict=False)


def _current_setting(name, missing_ok=False):
    if name is None:
        return None
    s = _session()
    try:
        return s.get_guc(name)
    except PgError as e:
        if missing_ok and e.code == errcodes.UNDEFINED_OBJECT:
            return None
        raise


def _current_setting2(name, missing_ok):
    if name is None or missing_ok is None:
        return None
    return _current_setting(name, missing_ok)


def _set_config(name, value, is_local):
    if name is None:
        raise PgError("SET requires parameter name", errcodes.INVALID_PARAMETER_VALUE)
    s = _session()
    s.set_guc(name, value, local=bool(is_local))
    try:
        return s.get_guc(name)
    except PgError:
        return value


_f("current_setting", [T.TEXT], T.TEXT, _current_setting)
_f("current_setting", [T.TEXT, T.BOOL], T.TEXT, _current_setting2)
_f("set_config", [T.TEXT, T.TEXT, T.BOOL], T.TEXT, _set_config, vol="v", strict=False)


def _gen_uuid():
    return uuid.uuid4()


_f("gen_random_uuid", [], T.UUID, _gen_uuid, vol="v", strict=False)
_f("uuid_generate_v4", [], T.UUID, _gen_uuid, vol="v", strict=False)


# ------------------------------------------------------------------ pg_typeof, num_nulls


def _typeof_bind(c, argtypes, args):
    t = argtypes[0] if argtypes else T.UNKNOWN
    oid = t.oid
    c.impl = lambda v: oid


_pt = register("pg_typeof", ["any"], T.REGTYPE, None, strict=False)
_pt.binder = _typeof_bind


def _num_nulls(*vals):
    return sum(1 for v in vals if v is None)


def _num_nonnulls(*vals):
    return sum(1 for v in vals if v is not None)


def _variadic_nulls(count_null):
    def bind(c, argtypes, args):
        # VARIADIC array: count the array's elements
        c.impl = (_num_nulls if count_null else _num_nonnulls)

    return bind


_nn = register("num_nulls", ["any"], T.INT4, _num_nulls, strict=False, variadic=True)
_nnn = register("num_nonnulls", ["any"], T.INT4, _num_nonnulls, strict=False, variadic=True)


# ------------------------------------------------------------------ pg_sleep


def _pg_sleep(secs):
    if secs is None:
        return None
    if secs != secs or secs <= 0:
        return ""
    ctx = runtime.state.ctx
    if ctx is None:
        time.sleep(min(secs, 0.01))
        return ""
    ctx.sleep_for = getattr(ctx, "sleep_for", 0.0) + secs
    return ""  # void


def _pg_sleep_for(iv):
    if iv is None:
        return None
    return _pg_sleep(iv.total_micros() / 1e6)


def _pg_sleep_until(ts):
    if ts is None:
        return None
    now = _dt.datetime.now(_dt.timezone.utc)
    if T.is_infinite(ts):
        raise PgError("timestamp out of range", errcodes.DATETIME_FIELD_OVERFLOW)
    return _pg_sleep((ts - now).total_seconds())


_f("pg_sleep", [T.FLOAT8], T.VOID, _pg_sleep, vol="v", strict=False)
_f("pg_sleep_for", [T.INTERVAL], T.VOID, _pg_sleep_for, vol="v", strict=False)
_f("pg_sleep_until", [T.TIMESTAMPTZ], T.VOID, _pg_sleep_until, vol="v", strict=False)


# ------------------------------------------------------------------ regtype text I/O for built-in types


def _install_regtype_io():
    from ...types import scalars as S

    if T.REGTYPE.text_out is not S.int_out:
        return  # the catalog layer installed its own

    def regtype_out(oid):
        t = T.by_oid(oid)
        if t is None:
            return str(oid)
        return T.format_type(oid, -1)

    def regtype_in(s, typmod=-1, tz=None):
        st = s.strip()
        if st.isdigit():
            return int(st)
        try:
            t, _tm = T.parse_type_name(st)
        except PgError:
            raise PgError(f'type "{st}" does not exist', errcodes.UNDEFINED_OBJECT) from None
        return t.oid

    T.set_reg_io(T.REGTYPE, regtype_in, regtype_out)


_install_regtype_io()
