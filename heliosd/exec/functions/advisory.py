"""Advisory locks: pg_advisory_lock and its family (session and transaction
level, exclusive and shared, one bigint key or two int4 keys).

State
=====

``cluster.advisory`` (server-wide) maps a lock key
``(database oid, 'i8' | 'i4', k1, k2, branch name)`` to ``{"holders": {pid: counts},
"waiters": [futures]}``; ``session.advisory_locks`` maps the keys a session
holds to its own counts ``{"x": n, "s": n, "xx": n, "xs": n}`` (session /
transaction level, exclusive / shared).  Locks are re-entrant: every
acquisition counts and needs its own release, as in PostgreSQL.

Waiting
=======

A blocking request (``pg_advisory_lock`` on a lock another session holds
incompatibly) raises the lock manager's :class:`WouldBlock` with a waiter
whose future this module resolves when a holder releases the key; the
session driver then rolls the statement back, waits (honouring
lock_timeout, statement_timeout and cancel, and showing
``wait_event_type = 'Lock'`` in pg_stat_activity) and re-runs it, exactly
as for row locks.  Deadlocks between advisory locks are not detected
(the waits time out instead).

Release: transaction-level locks when the transaction ends
(:func:`release`, called by the session), session-level ones by
pg_advisory_unlock[_all], DISCARD ALL and at disconnect.
"""

from __future__ import annotations

import asyncio

from ... import types as T
from .. import runtime
from . import register

_COUNTS = ("x", "s", "xx", "xs")


def _session():
    return runtime.state.session


def _key(session, args):
    # scoped to the database and the branch *name*: tenants never contend for
    # (or probe) each other's locks, and a tenant's sessions share one lock
    # space across a branch-and-swap
    db = session.db["oid"] if session.db else 0
    br = session.branch_name
    if len(args) == 1:
        return (db, "i8", args[0], 0, br)
    return (db, "i4", args[0], args[1], br)


def _entry(cluster, key):
    e = cluster.advisory.get(key)
    if e is None or not isinstance(e, dict) or "holders" not in e:
        e = cluster.advisory[key] = {"holders": {}, "waiters": []}
    return e


def _compatible(entry, pid, shared) -> bool:
    for hp, c in entry["holders"].items():
        if hp == pid:
            continue
        if not shared:
            return False
        if c.get("x") or c.get("xx"):
            return False
    return True


def _grant(session, key, entry, slot):
    c = entry["holders"].setdefault(session.pid, dict.fromkeys(_COUNTS, 0))
    c[slot] += 1
    mine = session.advisory_locks.setdefault(key, dict.fromkeys(_COUNTS, 0))
    mine[slot] = mine.get(slot, 0) + 1
    mine["xact"] = bool(mine.get("xx") or mine.get("xs")) and not (mine.get("x") or mine.get("s"))


def _wake(entry):
    ws = entry["waiters"]
    entry["waiters"] = []
    for fut in ws:
        if not fut.done():
            fut.set_result(True)


def _drop(session, key, slot, n=1) -> bool:
    cluster = session.cluster
    entry = cluster.advisory.get(key)
    mine = session.advisory_locks.get(key)
    if entry is None or mine is None or mine.get(slot, 0) <= 0:
        return False
    mine[slot] -= n
    c = entry["holders"].get(session.pid)
    if c is not None:
        c[slot] = max(0, c.get(slot, 0) - n)
        if not any(c.get(k) for k in _COUNTS):
            del entry["holders"][session.pid]
    if not any(mine.get(k) for k in _COUNTS):
        del session.advisory_locks[key]
    else:
        mine["xact"] = bool(mine.get("xx") or mine.get("xs")) and not (mine.get("x") or mine.get("s"))
    _wake(entry)
    if not entry["holders"] and not entry["waiters"]:
        cluster.advisory.pop(key, None)
    return True


def _acquire(args, shared, xact, wait):
    s = _session()
    key = _key(s, args)
    entry = _entry(s.cluster, key)
    slot = ("x" if xact else "") + ("s" if shared else "x")
    slot = {"x": "x", "s": "s", "xx": "xx", "xs": "xs"}[slot]
    if _compatible(entry, s.pid, shared):
        _grant(s, key, entry, slot)
        s.__dict__.pop("advisory_waiting", None)
        return True
    if not wait:
        if not entry["holders"] and not entry["waiters"]:
            s.cluster.advisory.pop(key, None)
        return False
    from ...storage.locks import Waiter, WouldBlock

    fut = asyncio.get_running_loop().create_future()
    entry["waiters"].append(fut)
    s.advisory_waiting = (key, shared)  # shown in pg_locks while the session waits
    txid = s.txn.txid if s.txn is not None else -s.pid
    raise WouldBlock(Waiter(txid, b"advisory:" + repr(key).encode(), 1 if shared else 2, fut))


def _lock(shared, xact):
    def f(*args):
        _acquire(args, shared, xact, True)
        return ""  # void

    return f


def _try(shared, xact):
    def f(*args):
        return _acquire(args, shared, xact, False)

    return f


def _unlock(shared):
    def f(*args):
        s = _session()
        key = _key(s, args)
        if _drop(s, key, "s" if shared else "x"):
            return True
        s.notice(f"you don't own a lock of type {'ShareLock' if shared else 'ExclusiveLock'}", "01000",
                 severity="WARNING")
        return False

    return f


def release(session, xact_only: bool) -> None:
    """Release the session's transaction-level locks (and session-level ones unless xact_only)."""
    for key in list(session.advisory_locks):
        mine = session.advisory_locks.get(key) or {}
        for slot in ("xx", "xs") if xact_only else _COUNTS:
            n = mine.get(slot, 0)
            if n:
                _drop(session, key, slot, n)
                mine = session.advisory_locks.get(key) or {}


def _unlock_all():
    s = _session()
    for key in list(s.advisory_locks):
        mine = s.advisory_locks.get(key) or {}
        for slot in ("x", "s"):
            n = mine.get(slot, 0)
            if n:
                _drop(s, key, slot, n)
                mine = s.advisory_locks.get(key) or {}
    return ""  # void


for _args in ([T.INT8], [T.INT4, T.INT4]):
    register("pg_advisory_lock", _args, T.VOID, _lock(False, False), volatility="v")
    register("pg_advisory_lock_shared", _args, T.VOID, _lock(True, False), volatility="v")
    register("pg_advisory_xact_lock", _args, T.VOID, _lock(False, True), volatility="v")
    register("pg_advisory_xact_lock_shared", _args, T.VOID, _lock(True, True), volatility="v")
    register("pg_try_advisory_lock", _args, T.BOOL, _try(False, False), volatility="v")
    register("pg_try_advisory_lock_shared", _args, T.BOOL, _try(True, False), volatility="v")
    register("pg_try_advisory_xact_lock", _args, T.BOOL, _try(False, True), volatility="v")
    register("pg_try_advisory_xact_lock_shared", _args, T.BOOL, _try(True, True), volatility="v")
    register("pg_advisory_unlock", _args, T.BOOL, _unlock(False), volatility="v")
    register("pg_advisory_unlock_shared", _args, T.BOOL, _unlock(True), volatility="v")
register("pg_advisory_unlock_all", [], T.VOID, _unlock_all, strict=False, volatility="v")
