"""The row-lock manager: compatibility, FIFO queues, upgrades, deadlock detection,
NOWAIT, cancellation and release."""
from __future__ import annotations

import pytest

from heliosd import errcodes
from heliosd.errors import DeadlockDetected, LockNotAvailable
from heliosd.storage.locks import EXCLUSIVE, SHARE, LockManager, WouldBlock


class Fut:
    def __init__(self):
        self.result = None

    def done(self):
        return self.result is not None

    def set_result(self, v):
        self.result = v


@pytest.fixture
def lm():
    return LockManager(Fut)


def wait(lm, txid, name, mode):
    with pytest.raises(WouldBlock) as ei:
        lm.acquire(txid, name, mode)
    return ei.value.waiter


def test_share_locks_are_compatible_exclusive_is_not(lm):
    assert lm.acquire(1, b"r", SHARE) and lm.acquire(2, b"r", SHARE)
    w = wait(lm, 3, b"r", EXCLUSIVE)
    lm.release_all(1)
    assert not w.granted
    lm.release_all(2)
    assert w.granted and w.future.result is True
    assert lm.holders(b"r") == {3: EXCLUSIVE}


def test_waiters_are_granted_in_fifo_order_and_new_requests_queue_behind(lm):
    lm.acquire(1, b"r", EXCLUSIVE)
    w2 = wait(lm, 2, b"r", EXCLUSIVE)
    w3 = wait(lm, 3, b"r", SHARE)
    # a compatible request still queues behind a waiter (no starvation of writers)
    w4 = wait(lm, 4, b"r", SHARE)
    lm.release_all(1)
    assert w2.granted and not w3.granted and not w4.granted
    lm.release_all(2)
    assert w3.granted and w4.granted  # both shares at once


def test_reacquire_and_upgrade(lm):
    assert lm.acquire(1, b"r", SHARE)
    assert lm.acquire(1, b"r", SHARE)
    assert lm.acquire(1, b"r", EXCLUSIVE)  # the only holder upgrades
    assert lm.holds(1, b"r", EXCLUSIVE)
    assert lm.acquire(1, b"r", SHARE)  # already stronger
    lm.acquire(2, b"s", SHARE)
    lm.acquire(3, b"s", SHARE)
    w = wait(lm, 2, b"s", EXCLUSIVE)  # upgrade must wait for the other share holder
    lm.release_all(3)
    assert w.granted and lm.holders(b"s") == {2: EXCLUSIVE}


def test_deadlock_is_detected_for_the_requester(lm):
    lm.acquire(1, b"a", EXCLUSIVE)
    lm.acquire(2, b"b", EXCLUSIVE)
    w1 = wait(lm, 1, b"b", EXCLUSIVE)
    with pytest.raises(DeadlockDetected) as ei:
        lm.acquire(2, b"a", EXCLUSIVE)
    assert ei.value.code == errcodes.DEADLOCK_DETECTED
    lm.release_all(2)  # the victim aborts
    assert w1.granted


def test_three_way_deadlock_and_queue_edges(lm):
    lm.acquire(1, b"a", EXCLUSIVE)
    lm.acquire(2, b"b", EXCLUSIVE)
    lm.acquire(3, b"c", EXCLUSIVE)
    wait(lm, 1, b"b", EXCLUSIVE)
    wait(lm, 2, b"c", EXCLUSIVE)
    with pytest.raises(DeadlockDetected):
        lm.acquire(3, b"a", SHARE)
    # waiting behind a queued waiter that waits for us is a deadlock too
    lm2 = LockManager(Fut)
    lm2.acquire(1, b"x", SHARE)
    lm2.acquire(2, b"y", EXCLUSIVE)
    wait(lm2, 2, b"x", EXCLUSIVE)  # 2 waits for 1
    w = wait(lm2, 3, b"x", SHARE)  # 3 queues behind 2
    with pytest.raises(DeadlockDetected):
        lm2.acquire(1, b"y", SHARE)  # 1 -> 2 -> 1
    assert not w.granted


def test_nowait_and_try_lock(lm):
    lm.acquire(1, b"r", EXCLUSIVE)
    with pytest.raises(LockNotAvailable) as ei:
        lm.acquire(2, b"r", SHARE, nowait=True)
    assert ei.value.code == errcodes.LOCK_NOT_AVAILABLE
    assert lm.try_acquire(2, b"r", SHARE) is False
    assert lm.try_acquire(2, b"other") is True
    assert lm.stats()["waiting"] == 0


def test_cancelled_wait_lets_the_queue_move_and_release_frees_everything(lm):
    lm.acquire(1, b"r", EXCLUSIVE)
    w2 = wait(lm, 2, b"r", EXCLUSIVE)
    w3 = wait(lm, 3, b"r", SHARE)
    lm.cancel_wait(w2)  # lock_timeout / cancel
    assert w2.cancelled and lm.waiting_for(2) is None
    lm.release_all(1)
    assert w3.granted
    lm.release_all(3)
    lm.release_all(2)
    assert lm.stats() == {"locks": 0, "waiting": 0}


def test_transaction_lock_api_releases_at_end():
    from heliosd.storage.kv import MemoryEngine
    from heliosd.storage.mvcc import Store

    s = Store(MemoryEngine(), future_factory=Fut)
    t1, t2 = s.begin(), s.begin()
    assert t1.lock(b"row")
    assert not t2.try_lock(b"row")
    with pytest.raises(WouldBlock) as ei:
        t2.lock(b"row")
    t1.rollback()
    assert ei.value.waiter.granted
    t2.rollback()
    assert s.locks.stats() == {"locks": 0, "waiting": 0}
