"""History retention, vacuum, DROP BRANCH reclamation, collapsing dropped
ancestors, materialization and per-branch statistics."""
from __future__ import annotations

import asyncio

import pytest

from heliosd import errcodes
from heliosd.errors import PgError
from heliosd.storage import keycode, vacuum
from heliosd.storage.kv import LmdbEngine, MemoryEngine
from heliosd.storage.mvcc import Store
from heliosd.storage.pipeline import CommitPipeline

NS = 1


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self):
        return self.t


def k(i):
    return keycode.enc_int(i)


@pytest.fixture(params=["memory", "lmdb"])
def mk(request, tmp_path):
    made = []

    def make(**kw):
        eng = MemoryEngine() if request.param == "memory" else LmdbEngine(str(tmp_path / f"s{len(made)}"))
        s = Store(eng, **kw)
        made.append(s)
        return s

    yield make
    for s in made:
        s.engine.close()


def root(store, name="main"):
    t = store.begin()
    b = t.create_branch(NS, name, None)
    store.commit_sync(t)
    return b


def write(store, bid, obj, items, clock=None, dt=1.0):
    if clock is not None:
        clock.t += dt
    t = store.begin()
    for key, v in items:
        t.put(bid, obj, key, v)
    return store.commit_sync(t)


def fork(store, name, parent, fork_seq=None):
    t = store.begin()
    b = t.create_branch(NS, name, parent, fork_seq)
    store.commit_sync(t)
    return b


def drop(store, name):
    t = store.begin()
    t.drop_branch(NS, name)
    store.commit_sync(t)


def read(store, bid, obj, key, snap=None):
    t = store.begin()
    try:
        return t.get(bid, obj, key, snapshot=snap)
    finally:
        t.rollback()


def hist_count(store):
    r = store.engine.reader()
    try:
        return sum(1 for _ in r.iter("hist", b""))
    finally:
        r.close()


# ------------------------------------------------------------------ history


def test_retention_window_and_as_of(mk):
    clock = Clock()
    s = mk(retention_seconds=10, clock=clock)
    main = root(s)
    seqs = [write(s, main, 10, [(k(1), b"v%d" % i)], clock, dt=1.0) for i in range(30)]
    clock.t += 0.0
    vacuum.vacuum_sync(s)
    h = s.horizon()
    # commits at t=1001..1030; window 10 s at t=1030: versions readable from the horizon on
    assert s.commit_time(h) <= clock.t - 10 < (s.commit_time(h + 1) or 1e18)
    for i, seq in enumerate(seqs):
        if seq >= h:
            assert read(s, main, 10, k(1), seq) == b"v%d" % i
    # older points are refused with a clear error
    with pytest.raises(PgError) as ei:
        s.check_as_of(seqs[0])
    assert ei.value.code == errcodes.SNAPSHOT_TOO_OLD
    s.check_as_of(h)
    # only what the window needs stays: the version current at the horizon and newer ones
    assert hist_count(s) == sum(1 for seq in seqs[:-1] if seq >= h - 1) or hist_count(s) <= 12
    vacuum.check_stats(s)


def test_horizon_is_cached_and_monotonic(mk, monkeypatch):
    clock = Clock()
    s = mk(retention_seconds=5, clock=clock)
    main = root(s)
    for i in range(20):
        write(s, main, 10, [(k(1), b"x")], clock)
    calls = []
    orig = s.seq_at_time
    monkeypatch.setattr(s, "seq_at_time", lambda ts: calls.append(ts) or orig(ts))
    hs = [s.horizon() for _ in range(1000)]
    assert len(calls) <= 1 and len(set(hs)) == 1
    clock.t += 3
    h2 = s.horizon()
    assert len(calls) == 2 and h2 >= hs[0]
    clock.t -= 100  # the wall clock jumps back: the horizon does not
    assert s.horizon() >= h2


def test_vacuum_keeps_what_snapshots_see(mk):
    clock = Clock()
    s = mk(retention_seconds=0, clock=clock)
    main = root(s)
    write(s, main, 10, [(k(1), b"old")], clock)
    rr = s.begin("repeatable read")
    assert rr.get(main, 10, k(1)) == b"old"
    for i in range(5):
        write(s, main, 10, [(k(1), b"new%d" % i)], clock)
    vacuum.vacuum_sync(s)
    assert rr.get(main, 10, k(1)) == b"old"
    assert hist_count(s) == 1  # only the version the snapshot needs
    rr.rollback()
    vacuum.vacuum_sync(s)
    assert hist_count(s) == 0
    assert read(s, main, 10, k(1)) == b"new4"
    vacuum.check_stats(s)


def test_vacuum_keeps_what_fork_points_need_including_grandchildren(mk):
    """A grandchild forked from its parent at an older point reads the grandparent
    at that older cap: vacuum must keep that version too (it only looked at
    direct children's fork points before)."""
    clock = Clock()
    s = mk(retention_seconds=100, clock=clock)
    a = root(s, "a")
    s1 = write(s, a, 10, [(k(1), b"a1")], clock)
    b = fork(s, "b", a)  # fork at s1
    c = fork(s, "c", b, fork_seq=s1)  # AS OF the same point
    write(s, a, 10, [(k(1), b"a2")], clock)
    write(s, a, 10, [(k(1), b"a3")], clock)
    assert read(s, c, 10, k(1)) == b"a1"
    clock.t += 1000  # everything leaves the retention window
    vacuum.vacuum_sync(s)
    assert read(s, b, 10, k(1)) == b"a1"
    assert read(s, c, 10, k(1)) == b"a1"
    assert read(s, a, 10, k(1)) == b"a3"
    # a fork at a point that was superseded before b's fork point: the grandchild
    # reads a at its own, older cap
    s2 = write(s, a, 11, [(k(2), b"x1")], clock)
    write(s, a, 11, [(k(2), b"x2")], clock)
    d = fork(s, "d", a)
    write(s, d, 12, [(k(0), b"d")], clock)
    t = s.begin()
    e = t.create_branch(NS, "e", d, None)
    s.commit_sync(t)
    assert read(s, e, 11, k(2)) == b"x2"
    del s2
    vacuum.vacuum_sync(s)
    assert read(s, e, 11, k(2)) == b"x2"
    vacuum.check_stats(s)


# ------------------------------------------------------------------ reclaiming


def test_dropped_branch_is_reclaimed_after_running_transactions_end(mk):
    s = mk()
    main = root(s)
    write(s, main, 10, [(k(i), b"m") for i in range(10)])
    t1 = fork(s, "t1", main)
    write(s, t1, 10, [(k(i), b"t") for i in range(5)])
    write(s, t1, 10, [(k(i), b"t2") for i in range(3)])
    old = s.begin()  # a transaction that was running when the branch was dropped
    drop(s, "t1")
    vacuum.vacuum_sync(s)
    assert t1 in s.branches  # not yet: ``old`` may still read it
    assert old.get(t1, 10, k(0)) == b"t2"
    old.rollback()
    res = vacuum.vacuum_sync(s)
    assert res["reclaimed"] == 1
    assert t1 not in s.branches and s.stats.get(t1) is None
    r = s.engine.reader()
    assert not [kk for kk, _v in r.iter("cur", b"") if kk[:4] == t1.to_bytes(4, "big")]
    assert not [kk for kk, _v in r.iter("hist", b"") if kk[:4] == t1.to_bytes(4, "big")]
    r.close()
    vacuum.check_stats(s)
    assert read(s, main, 10, k(0)) == b"m"
    # the name is free and a new branch can take it
    t1b = fork(s, "t1", main)
    assert read(s, t1b, 10, k(0)) == b"m"


def test_reclaim_state_survives_reopen(tmp_path):
    path = str(tmp_path / "s")
    s = Store(LmdbEngine(path))
    main = root(s)
    write(s, main, 10, [(k(1), b"m")])
    t1 = fork(s, "t1", main)
    write(s, t1, 10, [(k(1), b"t")])
    drop(s, "t1")
    vacuum.vacuum_sync(s)
    s.engine.close()
    s = Store(LmdbEngine(path))
    assert t1 not in s.branches
    vacuum.check_stats(s)
    s.engine.close()


def migrate(s, name, obj, rows, value, drop_old=True):
    """Branch-and-swap: fork name' from name, rewrite rows of obj, swap, drop the old one."""
    t = s.begin()
    old = t.branch_id(NS, name)
    new = t.create_branch(NS, name + "_new", old)
    for i in rows:
        t.put(new, obj, k(i), value)
    if drop_old:
        t.drop_branch(NS, name)
    else:
        t.rename_branch(NS, name, name + "_old%d" % new)
    t.rename_branch(NS, name + "_new", name)
    s.commit_sync(t)
    return new


def test_collapse_dropped_ancestors_keeps_paths_short(mk):
    s = mk()
    s.auto_materialize = False
    tmpl = root(s, "template")
    write(s, tmpl, 10, [(k(i), b"t%d" % i) for i in range(20)])
    write(s, tmpl, 11, [(k(i), b"u%d" % i) for i in range(20)])
    cur = fork(s, "tenant", tmpl)
    write(s, cur, 10, [(k(1), None), (k(2), b"own2")])
    expect10 = {i: b"t%d" % i for i in range(20)}
    del expect10[1]
    expect10[2] = b"own2"
    for m in range(8):
        rows = [3 + m, 10 + (m % 5)]
        cur = migrate(s, "tenant", 10, rows, b"m%d" % m)
        for i in rows:
            expect10[i] = b"m%d" % m
    assert len(s.chain(cur)) == 10

    def check():
        t = s.begin()
        assert dict((keycode.decode_key(kk, ["int"])[0], v) for kk, v in t.scan(cur, 10)) == expect10
        assert [v for _k, v in t.scan(cur, 11, reverse=True)] == [b"u%d" % i for i in reversed(range(20))]
        assert t.get(cur, 10, k(1)) is None
        t.rollback()

    check()
    res = vacuum.vacuum_sync(s)
    assert res["collapsed"] == 8 and res["reclaimed"] == 8
    assert [b for b, _c in s.chain(cur)] == [cur, tmpl]
    assert len(s.levels(cur, 10, s.latest)) <= 2
    check()
    vacuum.check_stats(s)
    st = s.branch_stats(cur)
    assert st["own_rows"] == 13 and st["depth"] == 2  # k2 + keys 3..14 rewritten by migrations


def test_collapse_waits_for_old_snapshots(mk):
    s = mk()
    tmpl = root(s, "template")
    write(s, tmpl, 10, [(k(1), b"t")])
    cur = fork(s, "tenant", tmpl)
    snap = s.begin("repeatable read")  # may read the branch chain at an older point
    write(s, tmpl, 11, [(k(0), b"later")])
    new = migrate(s, "tenant", 10, [2], b"x")
    assert vacuum.vacuum_sync(s)["collapsed"] == 0
    snap.rollback()
    assert vacuum.vacuum_sync(s)["collapsed"] == 1
    assert read(s, new, 10, k(1)) == b"t"
    del cur


def test_collapsed_path_survives_reopen(tmp_path):
    path = str(tmp_path / "s")
    s = Store(LmdbEngine(path))
    tmpl = root(s, "template")
    write(s, tmpl, 10, [(k(i), b"t") for i in range(5)])
    fork(s, "tenant", tmpl)
    for m in range(3):
        cur = migrate(s, "tenant", 10, [m], b"m%d" % m)
    vacuum.vacuum_sync(s)
    chain = s.chain(cur)
    s.engine.close()
    s = Store(LmdbEngine(path))
    assert s.chain(cur) == chain == [(cur, s.chain(cur)[0][1]), (tmpl, chain[1][1])]
    assert [v for _k, v in s.begin().scan(cur, 10)] == [b"m0", b"m1", b"m2", b"t", b"t"]
    s.engine.close()


# ------------------------------------------------------------------ materialization


def test_materialize_copies_inherited_rows_with_their_seqs(mk):
    s = mk()
    s.auto_materialize = False
    main = root(s)
    s1 = write(s, main, 10, [(k(i), b"a%d" % i) for i in range(10)])
    s2 = write(s, main, 10, [(k(i), b"b%d" % i) for i in range(5)])
    child = fork(s, "c", main)
    write(s, main, 10, [(k(i), b"late") for i in range(10)])  # after the fork: invisible
    write(s, child, 10, [(k(0), b"own"), (k(9), None)])
    before = [list(s.begin().scan(child, 10, reverse=r)) for r in (False, True)]
    assert len(s.levels(child, 10, s.latest)) == 2
    assert s.materialize_sync(child, 10, chunk=3)
    assert s.levels(child, 10, s.latest) == [(child, s.latest)]
    assert [list(s.begin().scan(child, 10, reverse=r)) for r in (False, True)] == before
    # copies keep their original seqs: own_seq reports 0 (not a branch write)
    t = s.begin()
    assert t.own_seq(child, 10, k(5)) == 0 and t.own_seq(child, 10, k(0)) > s2
    # and a writer that saw "inherited" (base 0) still commits
    t.put(child, 10, k(5), b"w", base=0)
    s.commit_sync(t)
    vacuum.check_stats(s)
    del s1


def test_reads_stay_correct_while_materialization_runs_in_chunks(mk):
    s = mk()
    s.auto_materialize = False
    main = root(s)
    write(s, main, 10, [(k(i), b"p%d" % i) for i in range(50)])
    child = fork(s, "c", main)
    write(s, child, 10, [(k(i), b"c%d" % i) for i in range(0, 50, 7)])
    want = list(s.begin().scan(child, 10))
    rr = s.begin("repeatable read")
    gen = s.materialize_steps(child, 10, chunk=4)
    res = None
    steps = 0
    scan = rr.scan(child, 10)
    part = [next(scan)]
    try:
        while True:
            fn = gen.send(res)
            res = s.write_maintenance(fn)
            steps += 1
            assert list(s.begin().scan(child, 10)) == want
            assert rr.get(child, 10, k(3)) == b"p3"
            if steps == 3:  # a concurrent commit into a key not yet copied
                write(s, child, 10, [(k(48), b"late")])
                want = list(s.begin().scan(child, 10))
    except StopIteration:
        pass
    assert steps > 5
    part += list(scan)
    assert part == [(kk, v) for kk, v in want if kk != k(48)] + [] or len(part) == 50
    assert s.levels(child, 10, s.latest) == [(child, s.latest)]
    assert list(s.begin().scan(child, 10)) == want
    rr.rollback()
    vacuum.check_stats(s)


def test_materialization_triggers_in_the_background_after_a_rewrite(tmp_path):
    s = Store(LmdbEngine(str(tmp_path / "s")))
    main = root(s)
    write(s, main, 10, [(k(i), b"p") for i in range(100)])
    write(s, main, 11, [(k(i), b"q") for i in range(100)])
    child = fork(s, "c", main)

    async def go():
        CommitPipeline(s, asyncio.get_running_loop())
        t = s.begin()
        for i in range(60):  # UPDATE of most rows of object 10
            t.put(child, 10, k(i), b"c")
        t.put(child, 11, k(0), b"c")  # one row of object 11
        await s.commit(t)
        while s.maint_queue or (s._maint_task and not s._maint_task.done()):
            await asyncio.sleep(0.01)

    asyncio.run(go())
    assert (child, 10) in s.complete and (child, 11) not in s.complete
    assert s.levels(child, 10, s.latest) == [(child, s.latest)]
    assert len(s.levels(child, 11, s.latest)) == 2
    vals = [v for _k, v in s.begin().scan(child, 10)]
    assert vals == [b"c"] * 60 + [b"p"] * 40
    vacuum.check_stats(s)
    s.engine.close()


# ------------------------------------------------------------------ stats


def test_branch_stats_are_exact_across_commits_and_vacuum(mk):
    s = mk()
    main = root(s)
    write(s, main, 10, [(k(i), b"x" * 10) for i in range(10)])
    c = fork(s, "c", main)
    write(s, c, 10, [(k(0), b"y" * 20), (k(1), None)])
    write(s, c, 10, [(k(0), b"z" * 30)])
    st = s.branch_stats(c)
    assert st["own_rows"] == 1 and st["hist_rows"] == 1
    assert st["inherited_rows"] == 10 and st["inherited_bytes"] == s.branch_stats(main)["own_bytes"]
    assert s.branch_stats(main)["own_rows"] == 10
    vacuum.check_stats(s)
    vacuum.vacuum_sync(s)
    assert s.branch_stats(c)["hist_rows"] == 0
    vacuum.check_stats(s)


def test_commit_log_is_compacted_outside_the_window_and_the_hold(mk):
    clock = Clock()
    s = mk(retention_seconds=10, clock=clock)
    main = root(s)
    seqs = [write(s, main, 10, [(k(i), b"v%d" % i)], clock) for i in range(30)]
    s.log_hold = seqs[5]  # a standby still needs the log from here
    vacuum.vacuum_sync(s)
    log = {seq: (t, w) for seq, t, w in s.read_log(1)}
    assert sorted(log) == list(range(1, s.latest + 1))  # every commit keeps its record...
    assert all(not log[q][1] for q in range(1, seqs[5]))  # ...writes dropped below the hold
    assert all(log[q][1] for q in seqs[5:])
    s.log_hold = None
    vacuum.vacuum_sync(s)
    h = s.horizon()
    log = {seq: (t, w) for seq, t, w in s.read_log(1)}
    assert all(not log[q][1] for q in range(1, h)) and all(log[q][1] for q in range(h, s.latest + 1))
    # commit times survive compaction: AS OF TIMESTAMP still resolves
    assert s.seq_at_time(s.commit_time(seqs[2])) == seqs[2]
    assert read(s, main, 10, k(29)) == b"v29"
