"""Row and key locks: an in-process lock manager with wait queues and deadlock detection.

One server process owns every session, so locks live in memory.  A lock is
named by bytes (the MVCC layer uses the logical key of the row or of the
unique-index value being claimed) and held by transactions (by id) in one of
two modes, SHARE or EXCLUSIVE (PostgreSQL's FOR KEY SHARE/FOR SHARE map to
SHARE; FOR NO KEY UPDATE/FOR UPDATE, UPDATE and DELETE to EXCLUSIVE).

States of one lock name::

    free --acquire--> held(holders) --release by all--> free
                        |  ^
          incompatible  v  | holders release; queue head compatible
                      held + queue of waiters (FIFO)

Invariants
==========

1. Holders are mutually compatible: any number of SHARE holders, or exactly
   one EXCLUSIVE holder (a SHARE holder may upgrade when it is the only one).
2. Waiters are granted in FIFO order; a new request that is compatible with
   the holders still queues behind an existing waiter (no starvation of
   EXCLUSIVE requests), except a re-request by a current holder.
3. Every transaction waits for at most one lock at a time.  When it starts to
   wait, the waits-for graph (waiter -> each incompatible holder, and each
   incompatible waiter ahead of it) is searched from it; a cycle means
   deadlock and the *requesting* transaction gets 40P01 without waiting.
4. Locks are released only all at once, when their transaction ends
   (``release_all``); releasing grants queued waiters and wakes them.

The API is synchronous and never blocks: :meth:`LockManager.acquire` either
grants, or raises :class:`WouldBlock` carrying a :class:`Waiter` that is
already queued.  The caller (a session, which owns an event loop) undoes the
statement, awaits ``waiter.future`` with its lock_timeout/statement_timeout,
and re-runs the statement, which then finds the lock granted.  This keeps the
executor synchronous and fast while waits are cooperative.
"""

from __future__ import annotations

from collections import deque

from ..errors import DeadlockDetected, LockNotAvailable

SHARE = 1
EXCLUSIVE = 2


class Waiter:
    __slots__ = ("txid", "name", "mode", "future", "granted", "cancelled")

    def __init__(self, txid, name, mode, future):
        self.txid = txid
        self.name = name
        self.mode = mode
        self.future = future  # resolved (set_result(True)) when granted; may be None in sync use
        self.granted = False
        self.cancelled = False


class WouldBlock(Exception):
    """Raised by acquire when the lock is held incompatibly; the waiter is queued."""

    def __init__(self, waiter: Waiter):
        super().__init__("lock wait")
        self.waiter = waiter


class _Lock:
    __slots__ = ("holders", "queue")

    def __init__(self):
        self.holders: dict[int, int] = {}
        self.queue: deque[Waiter] = deque()


def _compatible(mode: int, holders: dict[int, int], txid: int) -> bool:
    for t, m in holders.items():
        if t == txid:
            continue
        if mode == EXCLUSIVE or m == EXCLUSIVE:
            return False
    return True


class LockManager:
    def __init__(self, future_factory=None):
        self._locks: dict[bytes, _Lock] = {}
        self._held: dict[int, set[bytes]] = {}
        self._waiting: dict[int, Waiter] = {}
        self._future_factory = future_factory

    # ------------------------------------------------------------- queries
    def holds(self, txid: int, name: bytes, mode: int = SHARE) -> bool:
        lk = self._locks.get(name)
        if lk is None:
            return False
        m = lk.holders.get(txid)
        return m is not None and m >= mode

    def is_locked_by_other(self, txid: int, name: bytes, mode: int = EXCLUSIVE) -> bool:
        lk = self._locks.get(name)
        return lk is not None and not _compatible(mode, lk.holders, txid)

    def holders(self, name: bytes) -> dict[int, int]:
        lk = self._locks.get(name)
        return dict(lk.holders) if lk else {}

    def waiting_for(self, txid: int) -> Waiter | None:
        return self._waiting.get(txid)

    # ------------------------------------------------------------- acquire
    def acquire(self, txid: int, name: bytes, mode: int = EXCLUSIVE, nowait: bool = False) -> bool:
        """Grant the lock or raise.

        Returns True when granted.  With ``nowait`` an incompatible lock raises
        LockNotAvailable (55P03) at once; callers implementing SKIP LOCKED use
        :meth:`try_acquire` instead.  Otherwise raises WouldBlock with a queued
        waiter, or DeadlockDetected if waiting would close a cycle.
        """
        lk = self._locks.get(name)
        if lk is None:
            lk = self._locks[name] = _Lock()
        cur = lk.holders.get(txid)
        if cur is not None and cur >= mode:
            return True
        if _compatible(mode, lk.holders, txid) and (not lk.queue or cur is not None):
            lk.holders[txid] = mode if cur is None else max(cur, mode)
            self._held.setdefault(txid, set()).add(name)
            return True
        if nowait:
            raise LockNotAvailable("could not obtain lock on row in relation")
        fut = self._future_factory() if self._future_factory else None
        w = Waiter(txid, name, mode, fut)
        if self._closes_cycle(txid, lk, mode):
            if not lk.holders and not lk.queue:
                del self._locks[name]
            raise DeadlockDetected(
                "deadlock detected",
                detail="Process waits for a lock held by another transaction, which waits for a lock held by this one.",
                hint="See server log for query details.",
            )
        lk.queue.append(w)
        self._waiting[txid] = w
        raise WouldBlock(w)

    def try_acquire(self, txid: int, name: bytes, mode: int = EXCLUSIVE) -> bool:
        """Grant if possible right now (and no one queues ahead); else False."""
        lk = self._locks.get(name)
        if lk is None:
            lk = self._locks[name] = _Lock()
        cur = lk.holders.get(txid)
        if cur is not None and cur >= mode:
            return True
        if _compatible(mode, lk.holders, txid) and (not lk.queue or cur is not None):
            lk.holders[txid] = mode if cur is None else max(cur, mode)
            self._held.setdefault(txid, set()).add(name)
            return True
        if not lk.holders and not lk.queue:
            del self._locks[name]
        return False

    def _blockers(self, txid: int, lk: _Lock, mode: int, upto: Waiter | None = None) -> set[int]:
        out = {t for t, m in lk.holders.items() if t != txid and (mode == EXCLUSIVE or m == EXCLUSIVE)}
        for w in lk.queue:
            if w is upto:
                break
            if w.txid != txid and (mode == EXCLUSIVE or w.mode == EXCLUSIVE):
                out.add(w.txid)
        return out

    def _closes_cycle(self, txid: int, lk: _Lock, mode: int) -> bool:
        stack = list(self._blockers(txid, lk, mode))
        seen = set()
        while stack:
            t = stack.pop()
            if t == txid:
                return True
            if t in seen:
                continue
            seen.add(t)
            w = self._waiting.get(t)
            if w is None or w.granted or w.cancelled:
                continue
            wl = self._locks.get(w.name)
            if wl is None:
                continue
            stack.extend(self._blockers(t, wl, w.mode, upto=w))
        return False

    # ------------------------------------------------------------- release
    def cancel_wait(self, waiter: Waiter) -> None:
        """Give up waiting (timeout, cancel).  If it was granted meanwhile, it stays held."""
        if self._waiting.get(waiter.txid) is waiter:
            del self._waiting[waiter.txid]
        if waiter.granted:
            return
        waiter.cancelled = True
        lk = self._locks.get(waiter.name)
        if lk is not None:
            try:
                lk.queue.remove(waiter)
            except ValueError:
                pass
            self._grant_waiters(waiter.name, lk)

    def release_all(self, txid: int) -> None:
        w = self._waiting.pop(txid, None)
        if w is not None and not w.granted:
            self.cancel_wait(w)
        names = self._held.pop(txid, ())
        for name in names:
            lk = self._locks.get(name)
            if lk is None:
                continue
            lk.holders.pop(txid, None)
            self._grant_waiters(name, lk)

    def _grant_waiters(self, name: bytes, lk: _Lock) -> None:
        while lk.queue:
            w = lk.queue[0]
            if w.cancelled:
                lk.queue.popleft()
                continue
            if not _compatible(w.mode, lk.holders, w.txid):
                break
            lk.queue.popleft()
            cur = lk.holders.get(w.txid)
            lk.holders[w.txid] = w.mode if cur is None else max(cur, w.mode)
            self._held.setdefault(w.txid, set()).add(name)
            w.granted = True
            if self._waiting.get(w.txid) is w:
                del self._waiting[w.txid]
            if w.future is not None and not w.future.done():
                w.future.set_result(True)
        if not lk.holders and not lk.queue:
            del self._locks[name]

    def stats(self) -> dict:
        return {"locks": len(self._locks), "waiting": len(self._waiting)}


def branch_write_lock(bid: int) -> bytes:
    """Lock name of a branch's write lock (docs/branches.md, "Branch write lock").

    Every statement that writes to a branch (DML, DDL, COPY FROM) holds it in
    SHARE mode until its transaction ends; CREATE BRANCH c FROM p takes p's in
    EXCLUSIVE mode: the fork waits for p's open writers, and p's writers wait
    until the forking transaction ends, so a branch-and-swap migration can
    never be starved by a busy tenant (its commits cannot land between the
    fork and the swap)."""
    return b"\x00branch-writes:" + bid.to_bytes(4, "big")
