"""Commit pipeline: group commit, synchronous_commit=off, idle transactions,
lmdb map growth, and failures (disk full, corrupted or foreign data, oversized
input) surfacing as errors with a SQLSTATE."""
from __future__ import annotations

import asyncio
import os
import random
import subprocess
import sys
import textwrap
import time

import pytest

from heliosd import errcodes
from heliosd.errors import PgError
from heliosd.storage import keycode
from heliosd.storage.kv import LmdbEngine, MemoryEngine, StorageError
from heliosd.storage.mvcc import Store
from heliosd.storage.pipeline import CommitPipeline

NS = 1
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def k(i) -> bytes:
    return keycode.enc_int(i)


def _root(store) -> int:
    t = store.begin()
    bid = t.create_branch(NS, "main", None)
    store.commit_sync(t)
    return bid


def test_group_commit_many_committers_few_engine_writes(tmp_path):
    store = Store(LmdbEngine(str(tmp_path / "s")))
    main = _root(store)

    async def go():
        pipe = CommitPipeline(store, asyncio.get_running_loop())
        w0, s0 = store.engine.writes, store.engine.syncs

        async def committer(c):
            rnd = random.Random(c)
            for i in range(10):
                await asyncio.sleep(rnd.random() * 0.002)
                t = store.begin()
                t.put(main, 10, k(c * 1000 + i), b"x" * 100)
                await store.commit(t)

        t0 = time.perf_counter()
        await asyncio.gather(*(committer(c) for c in range(100)))
        dt = time.perf_counter() - t0
        return pipe, store.engine.writes - w0, store.engine.syncs - s0, dt

    pipe, writes, syncs, dt = asyncio.run(go())
    assert pipe.commits == 1000
    # group commit: far fewer engine writes and fsyncs than commits
    assert writes == pipe.batches and syncs == pipe.batches
    assert pipe.batches <= 250, (pipe.batches, dt)
    t = store.begin()
    assert sum(1 for _ in t.scan(main, 10)) == 1000
    t.rollback()
    store.engine.close()


def test_synchronous_commit_off_skips_the_sync_and_survives_reopen(tmp_path):
    path = str(tmp_path / "s")
    store = Store(LmdbEngine(path))
    main = _root(store)
    s0 = store.engine.syncs

    async def go():
        CommitPipeline(store, asyncio.get_running_loop())
        for i in range(50):
            t = store.begin()
            t.put(main, 10, k(i), b"v%d" % i)
            await store.commit(t, durable=False)

    asyncio.run(go())
    assert store.engine.syncs == s0
    store.engine.close()
    store = Store(LmdbEngine(path))
    t = store.begin()
    assert [v for _k, v in t.scan(main, 10)] == [b"v%d" % i for i in range(50)]
    t.rollback()
    store.engine.close()


@pytest.mark.parametrize("kind", ["memory", "lmdb"])
def test_idle_transaction_never_blocks_writers(tmp_path, kind):
    store = Store(MemoryEngine() if kind == "memory" else LmdbEngine(str(tmp_path / "s")))
    main = _root(store)

    async def go():
        CommitPipeline(store, asyncio.get_running_loop())
        idle = store.begin("repeatable read")
        assert idle.get(main, 10, k(1)) is None
        idle.put(main, 10, k(1), b"idle")  # buffered, holds nothing
        list(idle.scan(main, 10))  # and an open read view

        async def writers():
            for i in range(100):
                t = store.begin()
                t.put(main, 10, k(1000 + i), b"w")
                await store.commit(t)

        await asyncio.wait_for(writers(), timeout=10)
        # the idle transaction still commits its own, non-conflicting write
        await store.commit(idle)

    asyncio.run(go())
    t = store.begin()
    assert t.get(main, 10, k(1)) == b"idle"
    assert sum(1 for _ in t.scan(main, 10)) == 101
    t.rollback()


def test_lmdb_map_grows_under_load_with_open_readers(tmp_path):
    """A tiny initial map: commits through the pipeline (writer thread) and
    maintenance writes fill it again and again; readers and scans that are open
    meanwhile keep working and keep their snapshot."""
    store = Store(LmdbEngine(str(tmp_path / "s"), map_size=64 << 10))
    main = _root(store)
    t = store.begin()
    for i in range(50):
        t.put(main, 10, k(i), b"seed%d" % i)
    store.commit_sync(t)

    async def go():
        CommitPipeline(store, asyncio.get_running_loop())
        reader = store.begin("repeatable read")
        scan = reader.scan(main, 10)
        first = [next(scan) for _ in range(5)]
        rev = reader.scan(main, 10, reverse=True)
        first_rev = [next(rev) for _ in range(5)]

        async def committer(c):
            for i in range(30):
                t = store.begin()
                for j in range(5):
                    t.put(main, 11, k(c * 10000 + i * 10 + j), os.urandom(2000))
                await store.commit(t, durable=False)

        await asyncio.gather(*(committer(c) for c in range(8)))
        rest = list(scan)
        rest_rev = list(rev)
        assert first + rest == [(k(i), b"seed%d" % i) for i in range(50)]
        assert first_rev + rest_rev == [(k(i), b"seed%d" % i) for i in reversed(range(50))]
        assert reader.get(main, 11, k(5)) is None  # still its snapshot
        reader.rollback()
        # a maintenance write through the pipeline's writer grows the map too
        child = store.begin()
        cb = child.create_branch(NS, "child", main)
        await store.commit(child)
        grows = store.engine.grows
        assert await store.materialize(cb, 11, chunk=100000)
        return grows

    grows = asyncio.run(go())
    assert store.engine.grows >= 5
    assert store.engine.grows > grows  # the materialization itself grew the map
    t = store.begin()
    assert sum(1 for _ in t.scan(main, 11)) == 8 * 30 * 5
    t.rollback()
    store.engine.close()


def test_disk_full_is_53100_and_the_store_keeps_working():
    eng = MemoryEngine()
    store = Store(eng)
    main = _root(store)

    async def go():
        CommitPipeline(store, asyncio.get_running_loop())
        eng.fail_writes = StorageError("could not write to the data directory: no space left on device",
                                       errcodes.DISK_FULL)
        latest = store.latest
        t = store.begin()
        t.put(main, 10, k(1), b"x")
        with pytest.raises(PgError) as ei:
            await store.commit(t)
        assert ei.value.code == errcodes.DISK_FULL
        assert not t.active and store.latest == latest
        eng.fail_writes = None
        t = store.begin()
        t.put(main, 10, k(1), b"y")
        await store.commit(t)

    asyncio.run(go())
    t = store.begin()
    assert t.get(main, 10, k(1)) == b"y"
    t.rollback()


_DISK_FULL_CHILD = textwrap.dedent("""
    import asyncio, resource, signal, sys
    sys.path.insert(0, {repo!r})
    from heliosd.storage import keycode
    from heliosd.storage.kv import LmdbEngine
    from heliosd.storage.mvcc import Store
    from heliosd.storage.pipeline import CommitPipeline
    from heliosd.errors import PgError
    store = Store(LmdbEngine({path!r}))
    t = store.begin(); main = t.create_branch(1, "main", None); store.commit_sync(t)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4 << 20, 4 << 20))   # the "disk" holds 4 MB
    async def go():
        CommitPipeline(store, asyncio.get_running_loop())
        ok = 0
        for i in range(100000):
            t = store.begin()
            t.put(main, 10, keycode.enc_int(i), b"x" * 20000)
            try:
                await store.commit(t)
                ok += 1
            except PgError as e:
                print("ERR", e.code, ok, flush=True)
                break
        t = store.begin()                  # a small commit may still fit or fail the same way
        t.put(main, 11, b"k", b"v")
        try:
            await store.commit(t)
        except PgError as e:
            print("ERR2", e.code, flush=True)
    asyncio.run(go())
    print("ALIVE", flush=True)
""")


def test_disk_full_on_lmdb_is_53100_not_a_crash(tmp_path):
    path = str(tmp_path / "s")
    p = subprocess.run([sys.executable, "-c", _DISK_FULL_CHILD.format(repo=REPO, path=path)],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-3000:]
    lines = p.stdout.split()
    assert lines[0] == "ERR" and lines[1] == errcodes.DISK_FULL, p.stdout
    assert "ALIVE" in lines
    ok = int(lines[2])
    assert ok > 10
    store = Store(LmdbEngine(path))  # reopens cleanly with every commit that succeeded
    t = store.begin()
    main = t.branch_id(NS, "main")
    assert sum(1 for _ in t.scan(main, 10)) == ok
    t.rollback()
    store.engine.close()


def test_corrupted_or_foreign_data_directories_are_xx001(tmp_path):
    import lmdb

    # garbage instead of a data file
    d = tmp_path / "garbage"
    d.mkdir()
    (d / "data.mdb").write_bytes(os.urandom(1 << 16))
    with pytest.raises(PgError) as ei:
        Store(LmdbEngine(str(d)))
    assert ei.value.code == errcodes.DATA_CORRUPTED
    # an lmdb store with our tables and data but no format marker
    d = tmp_path / "nomarker"
    e = LmdbEngine(str(d))
    e.write(lambda w: w.put("cur", b"\0\0\0\1junk", b"x"))
    e.close()
    with pytest.raises(PgError) as ei:
        Store(LmdbEngine(str(d)))
    assert ei.value.code == errcodes.DATA_CORRUPTED
    # another format version
    d = tmp_path / "format"
    e = LmdbEngine(str(d))
    e.write(lambda w: w.put("meta", b"format", b"heliosd-storage-0"))
    e.close()
    with pytest.raises(PgError) as ei:
        Store(LmdbEngine(str(d)))
    assert ei.value.code == errcodes.DATA_CORRUPTED
    # a truncated data file
    d = tmp_path / "trunc"
    s = Store(LmdbEngine(str(d)))
    s.engine.close()
    with open(d / "data.mdb", "r+b") as f:
        f.truncate(100)
    with pytest.raises(PgError) as ei:
        Store(LmdbEngine(str(d)))
    assert ei.value.code == errcodes.DATA_CORRUPTED
    del lmdb


def test_server_on_a_corrupted_data_directory_exits_once_with_a_clear_error(tmp_path):
    data = tmp_path / "data"
    (data / "store").mkdir(parents=True)
    (data / "store" / "data.mdb").write_bytes(os.urandom(1 << 16))
    env = dict(os.environ, HELIOS_PASSWORD="pw", HELIOS_SUPERUSER="helios")
    t0 = time.monotonic()
    p = subprocess.run([sys.executable, "-m", "heliosd", "serve", "--data", str(data), "--port", "0"],
                       capture_output=True, text=True, timeout=60, cwd=REPO, env=env)
    assert p.returncode == 1, (p.returncode, p.stderr[-2000:])
    assert "corrupted" in p.stderr or "not a heliosd store" in p.stderr, p.stderr[-2000:]
    assert "Traceback" not in p.stderr
    assert time.monotonic() - t0 < 30


@pytest.mark.parametrize("kind", ["memory", "lmdb"])
def test_oversized_keys_and_values_are_54000(tmp_path, kind):
    store = Store(MemoryEngine() if kind == "memory" else LmdbEngine(str(tmp_path / "s")))
    main = _root(store)
    t = store.begin()
    with pytest.raises(PgError) as ei:
        t.put(main, 10, b"k" * 9000, b"v")
    assert ei.value.code == errcodes.PROGRAM_LIMIT_EXCEEDED

    class Huge(bytes):
        def __len__(self):
            return 1 << 31

    with pytest.raises(PgError) as ei:
        t.put(main, 10, b"k", Huge(b"x"))
    assert ei.value.code == errcodes.PROGRAM_LIMIT_EXCEEDED
    # long keys up to the limit work (the long-key fallback)
    t.put(main, 10, b"k" * 8000, b"v")
    store.commit_sync(t)
    t = store.begin()
    assert t.get(main, 10, b"k" * 8000) == b"v"
    assert list(t.scan(main, 10)) == [(b"k" * 8000, b"v")]
    t.rollback()


def test_refreshed_readers_do_not_pile_up_and_scans_survive_refresh(tmp_path):
    """A long statement that reads the newest state after every concurrent commit
    reopens its view each time; the superseded views are released at once (not
    at statement end), and a scan still iterating one resumes correctly."""
    store = Store(LmdbEngine(str(tmp_path / "s"), max_readers=64))
    main = _root(store)
    t = store.begin()
    for i in range(100):
        t.put(main, 10, k(i), b"v")
    store.commit_sync(t)
    long = store.begin("repeatable read")
    scan = long.scan(main, 10)
    got = [next(scan)]
    for i in range(500):
        w = store.begin()
        w.put(main, 11, k(i), b"x")
        store.commit_sync(w)
        assert long.get(main, 11, k(i), latest=True) == b"x"
        if i % 10 == 0:
            got.append(next(scan))
    assert len(store.engine._readers) < 10
    got += list(scan)
    assert got == [(k(i), b"v") for i in range(100)]
    long.rollback()
    store.engine.close()
