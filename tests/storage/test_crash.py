"""Crash test: kill -9 a process that commits in a loop, then check the store.

A child (crash_child.py) commits through the lmdb engine and the commit
pipeline (group commit, durable and synchronous_commit=off commits, branch
creations) and prints each acknowledged commit.  It is killed with SIGKILL at
a random moment (sometimes during its first start).  After each kill the
store must open cleanly, every acknowledged commit must be there, and no
commit may be partially visible.  The same data directory is reused across
trials, so later trials also crash a store that was recovered before.

20 trials normally, 200 with HELIOS_SLOW=1.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from heliosd.storage import keycode
from heliosd.storage.kv import LmdbEngine
from heliosd.storage.mvcc import Store

CHILD = os.path.join(os.path.dirname(__file__), "crash_child.py")
NS = 1
WORKERS = 6
TRIALS = 200 if os.environ.get("HELIOS_SLOW") else 20


def _run_and_kill(path: str, seed: int, rnd: random.Random) -> list[tuple[int, int, int]]:
    proc = subprocess.Popen([sys.executable, CHILD, path, str(seed)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    early = rnd.random() < 0.15
    if early:
        time.sleep(rnd.uniform(0.0, 0.15))  # maybe before READY: during open / first commits
    else:
        line = proc.stdout.readline()
        assert line == b"READY\n", (line, proc.stderr.read())
        time.sleep(rnd.uniform(0.0, 0.25))
    proc.send_signal(signal.SIGKILL)
    data, err = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, (proc.returncode, err.decode()[-2000:])
    acks = []
    for line in data.decode().splitlines():
        if line.startswith("ACK "):
            _, w, i, seq = line.split()
            acks.append((int(w), int(i), int(seq)))
    return acks


def _check(path: str, acked: dict[int, int]) -> dict[int, int]:
    store = Store(LmdbEngine(path))  # must open cleanly
    try:
        t = store.begin()
        main = t.branch_id(NS, "main")
        if main is None:
            assert not acked
            return {}
        names = {r["name"]: r["id"] for r in t.list_branches(NS)}
        last = {}
        for w in range(WORKERS):
            v = t.get(main, 12, keycode.enc_int(w))
            n = int(v) if v is not None else -1
            last[w] = n
            # every acknowledged commit is there
            assert n >= acked.get(w, -1), (w, n, acked.get(w))
            # every commit up to the counter is complete, none after it exists
            for i in range(n + 2):
                key = keycode.encode_key((w, i))
                a = t.get(main, 10, key)
                b = t.get(main, 11, key)
                if i <= n:
                    assert a is not None and a.startswith(b"a%d:%d" % (w, i)), (w, i)
                    assert b == b"b%d:%d" % (w, i), (w, i)
                    if i % 7 == 3:
                        bid = names.get(f"w{w}-{i}")
                        assert bid is not None, (w, i)
                        assert t.get(bid, 10, key) == b"branch"
                        # forked at the transaction's snapshot: the worker's previous
                        # commit is inherited, this transaction's own writes to main are not
                        assert t.get(bid, 11, key) is None
                        prev = keycode.encode_key((w, i - 1))
                        assert t.get(bid, 11, prev) == b"b%d:%d" % (w, i - 1)
                else:
                    assert a is None and b is None, (w, i)
                    assert f"w{w}-{i}" not in names
        # the commit log agrees with last_seq: every seq has its record
        seqs = [s for s, _t, _w in store.read_log(1)]
        assert seqs == list(range(1, store.latest + 1))
        t.rollback()
        return last
    finally:
        store.engine.close()


def test_kill_9_loses_no_acknowledged_commit(tmp_path):
    rnd = random.Random(int(os.environ.get("HELIOS_CRASH_SEED", time.time())))
    path = str(tmp_path / "store")
    acked: dict[int, int] = {}
    total = 0
    for trial in range(TRIALS):
        acks = _run_and_kill(path, rnd.randrange(1 << 30), rnd)
        total += len(acks)
        for w, i, _seq in acks:
            acked[w] = max(acked.get(w, -1), i)
        last = _check(path, acked)
        for w, n in last.items():
            acked[w] = max(acked.get(w, -1), n)
    assert total > TRIALS  # the children did commit between kills
