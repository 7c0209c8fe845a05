"""Model-based property test of the storage core (MVCC + branches) on both engines.

A hypothesis RuleBasedStateMachine interleaves, across three concurrent
transactions, begin / get / scan (forward and reverse, bounded) / put /
delete / savepoint / rollback-to / commit / abort, branch create (also at a
past point) / rename / drop, and the background work (history vacuum,
materialization, reclaiming and collapsing dropped branches), and checks
every observable result against the plain-Python model in ``model.py``.

Keys include long keys (> 448 bytes, several sharing their first 448 bytes
so they form one long-key group) and scan bounds that cut through them.

``HELIOS_SLOW=1`` runs many more examples.
"""
from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, event, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from heliosd import errcodes
from heliosd.errors import PgError, SerializationFailure
from heliosd.storage import keycode
from heliosd.storage.kv import LmdbEngine, MemoryEngine
from heliosd.storage.locks import WouldBlock
from heliosd.storage.mvcc import NOCHECK, Store

from model import MBranch, Model, MTxn

SLOW = bool(os.environ.get("HELIOS_SLOW"))
NS = 1
OBJS = (10, 11)
_LONG_A = "L" * 460
_LONG_B = "L" * 430 + "Z" * 40
TEXTS = ["a", "b", "c", "ab", "b\x00", "zz",
         _LONG_A + "a", _LONG_A + "b", _LONG_A + "c", _LONG_A + "ab",
         _LONG_B + "a", _LONG_B + "b", "L" * 100]
KEYS = sorted(keycode.encode_key((t,)) for t in TEXTS)
NAMES = ["t1", "t2", "t3", "t4", "t5", "t6"]


def _bounds():
    out = [b""]
    for k in KEYS:
        out += [k, k + b"\x00", k[:-1]]
        if len(k) > 440:
            out += [k[:430], k[:439], k[:440], k[:445], k[:460]]
    out.append(b"\xff")
    return sorted(set(out))


BOUNDS = _bounds()


class FakeClock:
    def __init__(self):
        self.t = 1_000_000.0

    def __call__(self):
        return self.t


class StorageMachine(RuleBasedStateMachine):
    engine_kind = "memory"

    def __init__(self):
        super().__init__()
        self.tmp = None
        self.clock = FakeClock()
        if self.engine_kind == "lmdb":
            self.tmp = tempfile.mkdtemp(prefix="helios-model-")
            engine = LmdbEngine(self.tmp, map_size=64 << 20)
        else:
            engine = MemoryEngine()
        self.store = Store(engine, retention_seconds=5.0, clock=self.clock)
        self.model = Model()
        self.txns: list = [None, None, None]  # (real, model)
        self.counter = 0
        # a root branch to start from
        t = self.store.begin()
        bid = t.create_branch(NS, "main", None)
        seq = self.store.commit_sync(t)
        self.model.latest = seq
        self.model.branches[bid] = MBranch(bid, None, 0, 0, "main")
        self.model.names["main"] = bid
        self._sync_sys(t)
        # seed: rows in main, a child branch "t1" that overwrites and deletes some
        t = self.store.begin()
        mt = MTxn(self.model, False)
        for j, k in enumerate(KEYS):
            if j % 3 != 2:
                for obj in OBJS:
                    v = self._value()
                    t.put(bid, obj, k, v)
                    self.model.note_write(mt, bid)
                    mt.writes[(bid, obj, k)] = v
        writes, base = dict(t.writes), dict(t.base)
        self.model.commit(mt, writes, base)
        self.store.commit_sync(t)
        t = self.store.begin()
        mt = MTxn(self.model, False)
        child = t.create_branch(NS, "t1", bid)
        mt.created[child] = MBranch(child, bid, t.snapshot, t.snapshot, "t1")
        self.model.note_create(mt, NS, "t1", child)
        mt.names["t1"] = child
        for j, k in enumerate(KEYS):
            if j % 4 == 1:
                v = None if j % 8 == 1 else self._value()
                t.put(child, OBJS[0], k, v)
                mt.writes[(child, OBJS[0], k)] = v
        writes, base = dict(t.writes), dict(t.base)
        self.model.commit(mt, writes, base)
        self.store.commit_sync(t)
        self._sync_sys(t)

    def _sync_sys(self, t):
        for lk in t.writes:
            if lk[:4] == b"\0\0\0\0":
                self.model.sys_seq[lk] = self.store.latest

    def teardown(self):
        for i, pair in enumerate(self.txns):
            if pair is not None:
                pair[0].rollback()
        self.store.engine.close()
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------ helpers
    def _value(self):
        self.counter += 1
        return b"v%d" % self.counter

    def _targets(self, i):
        """Branches transaction i may use: committed live ones and its own new ones."""
        m = self.model
        mt = self.txns[i][1]
        out = [b for b, br in m.branches.items() if not br.dropped and b not in mt.dropped]
        out += [b for b in mt.created if b not in mt.dropped]
        return sorted(out)

    def _target(self, i, data):
        t = self._targets(i)
        return data.draw(st.sampled_from(t)) if t else None

    def _pick_txn(self, data):
        live = [i for i, p in enumerate(self.txns) if p is not None]
        if not live:
            i = data.draw(st.integers(0, 2))
            self.begin(i, data.draw(st.booleans()), data)
            return i
        return data.draw(st.sampled_from(live))

    def _clock_tick(self):
        self.clock.t += 1.0

    def _abort(self, i):
        real, _m = self.txns[i]
        real.rollback()
        self.txns[i] = None

    # ------------------------------------------------------------ transactions
    @rule(i=st.integers(0, 2), rr=st.booleans(), data=st.data())
    def begin(self, i, rr, data):
        if self.txns[i] is not None:
            return
        real = self.store.begin("repeatable read" if rr else "read committed")
        mt = MTxn(self.model, rr)
        assert real.snapshot == mt.snapshot
        self.txns[i] = (real, mt)

    @rule(data=st.data())
    def new_statement(self, data):
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        real.new_statement()
        if not mt.repeatable:
            mt.snapshot = self.model.latest
        assert real.snapshot == mt.snapshot

    @rule(data=st.data(), obj=st.sampled_from(OBJS), ki=st.integers(0, len(KEYS) - 1))
    def get(self, data, obj, ki):
        key = KEYS[ki]
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        bid = self._target(i, data)
        if bid is None:
            return
        got = real.get(bid, obj, key)
        assert got == self.model.read(bid, obj, key, mt.snapshot, mt), (bid, obj, key)

    @rule(data=st.data(), obj=st.sampled_from(OBJS), ki=st.integers(0, len(KEYS) - 1))
    def get_latest_and_own_seq(self, data, obj, ki):
        key = KEYS[ki]
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        bid = self._target(i, data)
        if bid is None:
            return
        got = real.get(bid, obj, key, latest=True)
        assert got == self.model.read(bid, obj, key, self.model.latest, mt), (bid, obj, key)
        assert real.own_seq(bid, obj, key) == self.model.own_seq(bid, obj, key)

    @rule(data=st.data(), obj=st.sampled_from(OBJS), loi=st.integers(0, len(BOUNDS) - 1),
          hii=st.none() | st.integers(0, len(BOUNDS) - 1), reverse=st.booleans())
    def scan(self, data, obj, loi, hii, reverse):
        lo = BOUNDS[loi]
        hi = None if hii is None else BOUNDS[hii]
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        bid = self._target(i, data)
        if bid is None:
            return
        got = list(real.scan(bid, obj, lo, hi, reverse))
        want = self.model.scan(bid, obj, lo, hi, reverse, mt.snapshot, mt)
        event(f"scan levels={len(self.store.levels(bid, obj, mt.snapshot, real.local_branches))} "
              f"rows={'0' if not want else '1-3' if len(want) <= 3 else '4+'}")
        assert got == want, (bid, obj, lo[:12], hi and hi[:12], reverse)

    @rule(data=st.data(), obj=st.sampled_from(OBJS), reverse=st.booleans())
    def scan_as_of(self, data, obj, reverse):
        """A read at an explicit past snapshot inside the retention window."""
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        bid = self._target(i, data)
        if bid is None:
            return
        br = self.model.branch(bid, mt)
        lo = max(self.store.horizon(), br.created_seq)
        if lo > self.model.latest:
            return
        snap = data.draw(st.integers(lo, self.model.latest))
        got = list(real.scan(bid, obj, reverse=reverse, snapshot=snap))
        want = self.model.scan(bid, obj, b"", None, reverse, snap, mt)
        assert got == want, (bid, obj, snap, reverse)

    @rule(data=st.data(), obj=st.sampled_from(OBJS), ki=st.integers(0, len(KEYS) - 1), delete=st.booleans(),
          base_mode=st.sampled_from(["nocheck", "own_seq", "snapshot"]))
    def put(self, data, obj, ki, delete, base_mode):
        key = KEYS[ki]
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        bid = self._target(i, data)
        if bid is None:
            return
        value = None if delete else self._value()
        if base_mode == "nocheck":
            base = NOCHECK
        elif base_mode == "own_seq":
            base = real.own_seq(bid, obj, key)
            assert base == self.model.own_seq(bid, obj, key)
        else:
            base = self.model.own_seq_at(bid, obj, key, mt.snapshot)
        real.put(bid, obj, key, value, base=base)
        self.model.note_write(mt, bid)
        lk = (bid, obj, key)
        mt.writes[lk] = value
        if lk not in mt.base and base != NOCHECK:
            mt.base[lk] = base

    @rule(data=st.data())
    def savepoint(self, data):
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        mt.savepoints.append((real.savepoint(), mt.state()))

    @rule(data=st.data())
    def rollback_to(self, data):
        cand = [i for i, p in enumerate(self.txns) if p is not None and p[1].savepoints]
        if not cand:
            return
        i = data.draw(st.sampled_from(cand))
        real, mt = self.txns[i]
        j = data.draw(st.integers(0, len(mt.savepoints) - 1))
        sp, state = mt.savepoints[j]
        del mt.savepoints[j + 1:]
        real.rollback_to(sp)
        mt.restore(state)

    @rule(data=st.data())
    def commit(self, data):
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        self.txns[i] = None
        writes, base = dict(real.writes), dict(real.base)
        self._clock_tick()
        expect = self.model.commit(mt, writes, base, list(real.forks), set(real.retired))
        event("commit " + ("conflict" if expect is None else "empty" if expect == 0 else "ok"))
        if expect is None:
            with pytest.raises(SerializationFailure):
                self.store.commit_sync(real)
            assert not real.active
        else:
            seq = self.store.commit_sync(real)
            if expect:
                assert seq == expect
        assert self.store.latest == self.model.latest

    @rule(data=st.data())
    def abort(self, data):
        self._abort(self._pick_txn(data))

    @rule(data=st.data(), obj=st.sampled_from(OBJS), kis=st.lists(st.integers(0, len(KEYS) - 1), min_size=1,
                                                               max_size=4), delete=st.booleans())
    def autocommit_write(self, data, obj, kis, delete):
        """A one-statement transaction writing a few keys of one branch."""
        live = sorted(b for b, br in self.model.branches.items() if not br.dropped)
        if not live:
            return
        bid = data.draw(st.sampled_from(live))
        real = self.store.begin()
        mt = MTxn(self.model, False)
        for ki in kis:
            v = None if delete and ki % 2 else self._value()
            real.put(bid, obj, KEYS[ki], v)
            m_ = self.model
            m_.note_write(mt, bid)
            mt.writes[(bid, obj, KEYS[ki])] = v
        self._clock_tick()
        expect = self.model.commit(mt, dict(real.writes), dict(real.base), list(real.forks), set(real.retired))
        if expect is None:
            with pytest.raises(SerializationFailure):
                self.store.commit_sync(real)
        else:
            self.store.commit_sync(real)

    @rule(data=st.data(), obj=st.sampled_from(OBJS), kis=st.lists(st.integers(0, len(KEYS) - 1), min_size=1,
                                                               max_size=5), drop_old=st.booleans())
    def migrate(self, data, obj, kis, drop_old):
        """Branch-and-swap in one transaction: fork a new branch from a tenant's branch,
        rewrite some rows there, swap the names, retire (rename or drop) the old one."""
        m = self.model
        named = sorted(n for n in m.names if n != "main")
        free = [n for n in NAMES if n not in m.names]
        if not named or len(free) < (1 if drop_old else 2):
            return
        name = data.draw(st.sampled_from(named))
        tmp = free[0]
        old_bid = m.names[name]
        real = self.store.begin()
        mt = MTxn(m, False)
        try:
            new_bid = real.create_branch(NS, tmp, old_bid)
            mt.created[new_bid] = MBranch(new_bid, old_bid, real.snapshot, real.snapshot, tmp)
            m.note_create(mt, NS, tmp, new_bid)
            for ki in kis:
                v = self._value()
                real.put(new_bid, obj, KEYS[ki], v)
                m.note_write(mt, new_bid)
                mt.writes[(new_bid, obj, KEYS[ki])] = v
            if drop_old:
                real.drop_branch(NS, name)
                mt.dropped.add(old_bid)
                m.note_sys_write(mt, m.record_lk(old_bid))
            else:
                real.rename_branch(NS, name, free[1])
                mt.names[free[1]] = old_bid
                m.note_sys_write(mt, m.record_lk(old_bid))
            real.rename_branch(NS, tmp, name)
        except WouldBlock:
            real.rollback()
            return
        mt.names[tmp] = None
        mt.names[name] = new_bid
        self._clock_tick()
        expect = m.commit(mt, dict(real.writes), dict(real.base), list(real.forks), set(real.retired))
        event("migrate " + ("conflict" if expect is None else "ok"))
        if expect is None:
            with pytest.raises(SerializationFailure):
                self.store.commit_sync(real)
        else:
            self.store.commit_sync(real)

    # ------------------------------------------------------------ branches
    @rule(data=st.data(), name=st.sampled_from(NAMES), root=st.booleans(), past=st.booleans())
    def create_branch(self, data, name, root, past):
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        parent = None if root and data.draw(st.integers(0, 4)) == 0 else self._target(i, data)
        fork = None
        if parent is not None and past:
            pb = self.model.branch(parent, mt)
            lo = max(self.store.horizon(), pb.created_seq)
            if lo <= real.snapshot:
                fork = data.draw(st.integers(lo, real.snapshot))
        exists = self.model.name_bid(name, mt) is not None
        try:
            bid = real.create_branch(NS, name, parent, fork_seq=fork)
        except WouldBlock:
            self._abort(i)
            return
        except PgError as e:
            assert exists and e.code == errcodes.DUPLICATE_OBJECT, e
            return
        assert not exists
        mt.created[bid] = MBranch(bid, parent, fork if fork is not None else real.snapshot, real.snapshot, name)
        mt.names[name] = bid
        self.model.note_create(mt, NS, name, bid)

    @rule(data=st.data(), old=st.sampled_from(NAMES + ["main"]), new=st.sampled_from(NAMES))
    def rename_branch(self, data, old, new):
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        m = self.model
        bid = m.name_bid(old, mt)
        try:
            got = real.rename_branch(NS, old, new)
        except WouldBlock:
            self._abort(i)
            return
        except PgError as e:
            if bid is None:
                assert e.code == errcodes.UNDEFINED_OBJECT
            else:
                assert e.code == errcodes.DUPLICATE_OBJECT and m.name_bid(new, mt) is not None
            return
        assert got == bid
        if old != new:
            assert m.name_bid(new, mt) is None
            mt.names[old] = None
            mt.names[new] = bid
            m.note_sys_write(mt, m.record_lk(bid))

    @rule(data=st.data(), name=st.sampled_from(NAMES))
    def drop_branch(self, data, name):
        i = self._pick_txn(data)
        real, mt = self.txns[i]
        bid = self.model.name_bid(name, mt)
        try:
            got = real.drop_branch(NS, name)
        except WouldBlock:
            self._abort(i)
            return
        except PgError as e:
            assert bid is None and e.code == errcodes.UNDEFINED_OBJECT, e
            return
        assert got == bid
        mt.names[name] = None
        mt.dropped.add(bid)
        self.model.note_sys_write(mt, self.model.record_lk(bid))

    @rule()
    def check_names(self):
        t = self.store.begin()
        try:
            got = {r["name"]: r["id"] for r in t.list_branches(NS)}
            for name in NAMES + ["main"]:
                assert t.branch_id(NS, name) == self.model.names.get(name)
        finally:
            t.rollback()
        assert got == self.model.names

    # ------------------------------------------------------------ background work
    @rule(ticks=st.integers(0, 8))
    def time_passes(self, ticks):
        self.clock.t += ticks

    @rule()
    def vacuum(self):
        from heliosd.storage import vacuum

        res = vacuum.vacuum_sync(self.store)
        for k, v in res.items():
            if v:
                event(f"vacuum {k}")

    @rule(data=st.data(), obj=st.sampled_from(OBJS))
    def materialize(self, data, obj):
        live = [b for b, br in self.model.branches.items() if br.parent is not None]
        if not live:
            return
        if data.draw(st.integers(0, 2)):
            return  # keep deep paths around most of the time
        bid = data.draw(st.sampled_from(sorted(live)))
        before = dict(self.store.obj_stats)
        ok = self.store.materialize_sync(bid, obj, chunk=data.draw(st.integers(1, 4)))
        event(f"materialize {'complete' if ok else 'skipped'}{' copied' if self.store.obj_stats != before else ''}")

    @rule()
    def stats_are_exact(self):
        from heliosd.storage import vacuum

        vacuum.check_stats(self.store)

    @invariant()
    def latest_agrees(self):
        assert self.store.latest == self.model.latest


class MemoryMachine(StorageMachine):
    engine_kind = "memory"


class LmdbMachine(StorageMachine):
    engine_kind = "lmdb"


_settings = settings(
    max_examples=400 if SLOW else 100,
    stateful_step_count=80 if SLOW else 50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)

TestMemoryModel = MemoryMachine.TestCase
TestMemoryModel.settings = _settings
TestLmdbModel = LmdbMachine.TestCase
TestLmdbModel.settings = settings(_settings, max_examples=_settings.max_examples // 2)
