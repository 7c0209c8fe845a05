"""A session's temporary objects: its temp schema ``pg_temp_N``, ON COMMIT actions,
DISCARD TEMP, and dropping everything when the session ends.

The storage and isolation design is in :mod:`heliosd.engine.catalog` ("Temporary
objects").  Session state: ``temp_slot`` (N, allocated on first use from
``cluster.temp_slots``, freed only after the session's temp objects are gone),
``temp_branches`` (branches where this session made its temp schema; a rolled-back
creation leaves a harmless entry: callers look the schema up in the catalog) and
``temp_on_commit`` ({relation oid: (branch, 'DROP' | 'DELETE')}; entries whose
relation no longer exists are dropped lazily).

Branches: a temp schema belongs to the branch the session was on when it made it.
USE BRANCH (or following a rename swap) leaves it behind: the session's temp tables
are visible again when it comes back, and all of them are dropped when it ends
(docs/branches.md, "Temporary tables").
"""

from __future__ import annotations

import asyncio
import logging

from .. import errcodes
from ..engine import catalog as C
from ..errors import PgError

log = logging.getLogger("heliosd.session")


def temp_name(s) -> str | None:
    slot = s.temp_slot
    return None if slot is None else f"{C.TEMP_NS_PREFIX}{slot}"


def _alloc_slot(s) -> int:
    if s.temp_slot is None:
        used = s.cluster.__dict__.setdefault("temp_slots", set())
        n = 3  # PostgreSQL's first client backends get ids 3, 4, ...: pg_temp_3
        while n in used:
            n += 1
        used.add(n)
        s.temp_slot = n
    return s.temp_slot


def search_path(s, path: list[str]) -> list[str]:
    """The relation search path with the session's temp schema: first, or where ``pg_temp``
    stands explicitly (PostgreSQL's recomputeNamespacePath)."""
    tn = temp_name(s) if s.branch_id in s.temp_branches else None
    # another session's temp schema is never searched (nor part of a plan cache key)
    path = [p for p in path if not C.is_temp_ns_name(p) or p == tn]
    if "pg_temp" in path:
        path = [tn if p == "pg_temp" else p for p in path if p != "pg_temp" or tn is not None]
    elif tn is not None:
        path = [tn] + path
    return path


def ensure_namespace(ctx) -> C.Namespace:
    """The session's temp schema in the DDL's branch, created (and recorded) on first use.
    A leftover of the slot's previous owner is emptied first."""
    s = getattr(ctx, "session", None)
    if s is None:
        raise PgError("cannot create temporary relations here", errcodes.FEATURE_NOT_SUPPORTED)
    slot = _alloc_slot(s)
    name = temp_name(s)
    ns = ctx.cat.namespace(name)
    if ns is not None and ctx.bid in s.temp_branches:
        return ns
    if ns is not None:
        C.drop_temp_namespace(ctx.txn, ctx.bid, name)
    oid = ctx.oid()
    ctx.write(C.Namespace(oid, name, owner=C.BOOTSTRAP_SUPERUSER))
    C.register_temp_namespace(ctx.txn, ctx.bid, oid, slot)
    ctx.bump()
    s.temp_branches.add(ctx.bid)
    s._cat_cache = None
    return ctx.cat.namespace(name)


def creation_namespace(ctx, schema: str | None, temp: bool):
    """The namespace a CREATE [TEMP] names, when the temp schema is involved; else None."""
    s = getattr(ctx, "session", None)
    mine = temp_name(s) if s is not None else None
    if schema is not None and C.is_temp_ns_name(schema) and schema != mine:
        if ctx.cat.namespace(schema) is not None:
            raise PgError("cannot create relations in temporary schemas of other sessions",
                          errcodes.INVALID_TABLE_DEFINITION)
    if temp:
        if schema is not None and schema not in ("pg_temp", mine):
            raise PgError("cannot create temporary relation in non-temporary schema",
                          errcodes.INVALID_TABLE_DEFINITION)
        return ensure_namespace(ctx)
    if schema == "pg_temp" or (schema is not None and schema == mine):
        return ensure_namespace(ctx)
    return None


def note_on_commit(ctx, oid: int, action: str | None) -> None:
    if action in ("DROP", "DELETE") and getattr(ctx, "session", None) is not None:
        ctx.session.temp_on_commit[oid] = (ctx.bid, action)


def dml_only_on_temp(p) -> bool:
    """INSERT/UPDATE/DELETE whose target is a temporary table: allowed in a read-only
    transaction, as PostgreSQL's ExecCheckXactReadOnly allows it."""
    from ..plan.nodes import ModifyTable

    plan = p.plan
    return (p.kind == "dml" and not p.has_locks and isinstance(plan, ModifyTable)
            and getattr(plan.rel, "persistence", "p") == "t")


def run_on_commit(s, txn) -> None:
    """ON COMMIT DROP / DELETE ROWS, in the committing transaction (PreCommit_on_commit_actions)."""
    from ..sql import ddl_dispatch as DD

    for oid, (bid, action) in list(s.temp_on_commit.items()):
        cat = s.catalog(txn, bid)
        rel = cat.relations.get(oid)
        if rel is None:
            s.temp_on_commit.pop(oid, None)
            continue
        if action == "DROP":
            ctx = _ddl_ctx(s, txn, bid)
            DD.drop_relation(ctx, rel, True)
            C.bump_token(txn, bid)
            s.temp_on_commit.pop(oid, None)
        elif (bid, oid) in txn.written_objects:  # rows only come from this transaction
            for obj in [oid] + [i.oid for i in cat.indexes_of.get(oid, [])]:
                for k, _v in list(txn.scan(bid, obj, latest=True)):
                    txn.delete(bid, obj, k)


def _ddl_ctx(s, txn, bid):
    from ..sql.ddl import DdlCtx

    ctx = DdlCtx(txn, bid, lambda: s.catalog(txn, bid), lambda rel, cat: s.table_store(rel, cat),
                 lambda cat: None, s.search_path(), s.role["oid"] if s.role else C.BOOTSTRAP_SUPERUSER,
                 lambda msg, code="00000", **kw: None)
    ctx.session = s
    return ctx


def discard(s, txn) -> None:
    """DISCARD TEMP (and ALL): drop all of the session's temp objects, in every branch."""
    if temp_name(s) is None or not s.temp_branches:
        return
    _drop_all(s, txn)  # temp_branches stays: a rolled-back DISCARD leaves the schemas
    s._cat_cache = None


# ----------------------------------------------------------------- session end


def _drop_all(s, txn) -> list:
    """Drop the session's temp schemas in every branch; [(bid, oid)] of dropped sequences."""
    name = temp_name(s)
    seqs = []
    for bid in sorted(s.temp_branches):
        info = s.store.branches.get(bid)
        if info is None or info.dropped:
            for rb, nsoid, _slot in C.temp_registry(txn):
                if rb == bid:
                    txn.delete(0, C.OBJ_TEMP_REGISTRY, C.temp_registry_key(rb, nsoid))
            continue
        seqs += [(bid, o.oid) for o in C.drop_temp_namespace(txn, bid, name)
                 if isinstance(o, C.Relation) and o.kind == "S"]
    return seqs


def _forget_sequences(s, seqs) -> None:
    cache = s.cluster.sequence_cache
    for key in seqs:
        cache.pop(key, None)


def schedule_cleanup(s) -> None:
    """At session end: drop the temp schemas in every branch, then free the slot."""
    if s.temp_slot is None or s.__dict__.get("_temp_closing"):
        return
    s._temp_closing = True
    if not s.temp_branches:
        _free(s)
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:
        txn = s.store.begin()
        try:
            seqs = _drop_all(s, txn)
            s.store.commit_sync(txn)
            _forget_sequences(s, seqs)
        except Exception:
            log.exception("dropping the temporary objects of session %s failed", s.pid)
        finally:
            _free(s)
        return
    tasks = s.cluster.__dict__.setdefault("temp_cleanups", set())
    t = loop.create_task(cleanup(s))
    tasks.add(t)
    t.add_done_callback(tasks.discard)


async def cleanup(s) -> None:
    from ..storage.locks import SHARE
    from .session import branch_write_lock

    try:
        for attempt in range(200):
            txn = s.store.begin()
            try:
                # like any writer, wait while a fork of one of the branches is in progress
                if not all(txn.try_lock(branch_write_lock(b), SHARE) for b in s.temp_branches
                           if b in s.store.branches):
                    txn.rollback()
                    await asyncio.sleep(0.05)
                    continue
                seqs = _drop_all(s, txn)
                await s.store.commit(txn)
                _forget_sequences(s, seqs)
                return
            except PgError as e:
                if txn.active:
                    txn.rollback()
                if e.code != errcodes.SERIALIZATION_FAILURE or attempt > 5:
                    raise
        log.warning("temporary objects of session %s left for the next start: branches busy", s.pid)
    except Exception:
        log.exception("dropping the temporary objects of session %s failed", s.pid)
    finally:
        _free(s)


def _free(s) -> None:
    if s.temp_slot is not None:
        s.cluster.__dict__.setdefault("temp_slots", set()).discard(s.temp_slot)
        s.temp_slot = None
    s.temp_branches = set()
    s.temp_on_commit = {}


async def wait_cleanups(cluster) -> None:
    """Server shutdown: let the running session cleanups commit before the pipeline stops."""
    tasks = list(cluster.__dict__.get("temp_cleanups", ()))
    if tasks:
        await asyncio.wait(tasks, timeout=5)
