"""Transaction snapshots as sessions use them: a deferred (provisional) snapshot that the
first statement fixes, and a statement restart after a lock wait that keeps it."""
from __future__ import annotations

from heliosd.storage import keycode
from heliosd.storage.kv import MemoryEngine
from heliosd.storage.mvcc import Store

OBJ = 20000


def _setup():
    store = Store(MemoryEngine())
    t = store.begin()
    bid = t.create_branch(1, "main", None)
    store.commit_sync(t)
    return store, bid


def _write(store, bid, value):
    t = store.begin()
    t.put(bid, OBJ, keycode.enc_int(1), value)
    store.commit_sync(t)


def test_deferred_repeatable_read_snapshot_is_fixed_by_first_statement():
    store, bid = _setup()
    _write(store, bid, b"a")
    rr = store.begin("repeatable read", defer_snapshot=True)
    assert rr.snapshot_provisional
    _write(store, bid, b"b")  # commits after BEGIN, before the first statement
    rr.new_statement()
    assert not rr.snapshot_provisional
    assert rr.get(bid, OBJ, keycode.enc_int(1)) == b"b"
    _write(store, bid, b"c")
    rr.new_statement()
    assert rr.get(bid, OBJ, keycode.enc_int(1)) == b"b"
    assert rr.get(bid, OBJ, keycode.enc_int(1), latest=True) == b"c"
    rr.rollback()


def test_provisional_snapshot_reads_follow_newest_commit():
    store, bid = _setup()
    _write(store, bid, b"a")
    rr = store.begin("repeatable read", defer_snapshot=True)
    _write(store, bid, b"b")
    # catalog lookups while a statement is prepared happen before new_statement
    assert rr.get(bid, OBJ, keycode.enc_int(1)) == b"b"
    assert [v for _k, v in rr.scan(bid, OBJ)] == [b"b"]
    rr.rollback()
    assert not store._snapshots


def test_storage_begin_still_takes_the_snapshot_at_once():
    store, bid = _setup()
    _write(store, bid, b"a")
    rr = store.begin("repeatable read")
    _write(store, bid, b"b")
    rr.new_statement()
    assert rr.get(bid, OBJ, keycode.enc_int(1)) == b"a"
    rr.rollback()


def test_restart_statement_keeps_read_committed_snapshot():
    store, bid = _setup()
    _write(store, bid, b"a")
    rc = store.begin("read committed", defer_snapshot=True)
    rc.new_statement()
    _write(store, bid, b"b")
    rc.restart_statement()  # re-run after a lock wait: same snapshot
    assert rc.get(bid, OBJ, keycode.enc_int(1)) == b"a"
    assert rc.get(bid, OBJ, keycode.enc_int(1), latest=True) == b"b"
    rc.new_statement()  # the next statement sees the commit
    assert rc.get(bid, OBJ, keycode.enc_int(1)) == b"b"
    rc.rollback()
    assert not store._snapshots
