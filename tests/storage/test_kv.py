"""The KV interface, one suite run on both engines (memory and lmdb)."""
from __future__ import annotations

import os
import random

import pytest

from heliosd import errcodes
from heliosd.storage.kv import MAX_KEY, TABLES, LmdbEngine, MemoryEngine, StorageError


@pytest.fixture(params=["memory", "lmdb"])
def engine(request, tmp_path):
    if request.param == "memory":
        e = MemoryEngine()
    else:
        e = LmdbEngine(str(tmp_path / "db"), map_size=32 << 20)
    yield e
    e.close()


def put_all(engine, table, items, durable=False):
    def fn(w):
        for k, v in items:
            if v is None:
                w.delete(table, k)
            else:
                w.put(table, k, v)

    engine.write(fn, durable=durable)


def test_tables_are_separate(engine):
    for t in TABLES:
        put_all(engine, t, [(b"k", t.encode())])
    r = engine.reader()
    try:
        for t in TABLES:
            assert r.get(t, b"k") == t.encode()
    finally:
        r.close()


def test_get_put_delete_overwrite(engine):
    put_all(engine, "cur", [(b"a", b"1"), (b"b", b"2")])
    put_all(engine, "cur", [(b"a", b"3"), (b"b", None), (b"c", b"")])
    r = engine.reader()
    assert r.get("cur", b"a") == b"3"
    assert r.get("cur", b"b") is None
    assert r.get("cur", b"c") == b""
    assert r.get("cur", b"zz") is None
    r.close()


def _model_iter(keys, start, stop, reverse):
    out = [k for k in sorted(keys) if k >= start and (stop is None or k < stop)]
    return out[::-1] if reverse else out


def test_iter_and_seek_match_a_sorted_model(engine):
    rnd = random.Random(7)
    keys = {bytes(rnd.randrange(0, 4) for _ in range(rnd.randrange(1, 5))) for _ in range(120)}
    keys.add(b"\xff" * 3)
    put_all(engine, "hist", [(k, b"v" + k) for k in keys])
    bounds = sorted(keys | {b"\x00", b"\x01\x02", b"\x03\x03\x03\x03\x03", b"\xff" * 4})
    r = engine.reader()
    try:
        for start in bounds[::3]:
            for stop in [None] + bounds[::4]:
                for reverse in (False, True):
                    got = [k for k, v in r.iter("hist", start, stop, reverse)]
                    assert got == _model_iter(keys, start, stop, reverse), (start, stop, reverse)
            want = _model_iter(keys, start, None, False)
            item = r.seek("hist", start)
            assert (item[0] if item else None) == (want[0] if want else None)
            if item:
                assert item[1] == b"v" + item[0]
    finally:
        r.close()


def test_empty_table_iteration(engine):
    r = engine.reader()
    assert list(r.iter("log", b"")) == []
    assert list(r.iter("log", b"", None, True)) == []
    assert r.seek("log", b"") is None
    r.close()


def test_write_is_all_or_nothing(engine):
    put_all(engine, "cur", [(b"a", b"1")])

    def fn(w):
        w.put("cur", b"a", b"2")
        w.put("cur", b"b", b"2")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        engine.write(fn)
    r = engine.reader()
    assert r.get("cur", b"a") == b"1"
    assert r.get("cur", b"b") is None
    r.close()


def test_write_returns_the_function_result_and_sees_its_own_writes(engine):
    def fn(w):
        w.put("meta", b"x", b"1")
        assert w.get("meta", b"x") == b"1"
        assert w.seek("meta", b"w") == (b"x", b"1")
        w.delete("meta", b"x")
        assert w.get("meta", b"x") is None
        return 42

    assert engine.write(fn) == 42


def test_key_limit(engine):
    put_all(engine, "cur", [(b"k" * MAX_KEY, b"ok")])
    with pytest.raises(StorageError) as ei:
        put_all(engine, "cur", [(b"", b"no")])
    assert ei.value.code == errcodes.PROGRAM_LIMIT_EXCEEDED
    with pytest.raises(StorageError) as ei:
        put_all(engine, "cur", [(b"k" * (MAX_KEY + 1), b"no")])
    assert ei.value.code == errcodes.PROGRAM_LIMIT_EXCEEDED


def test_large_values(engine):
    big = os.urandom(3 << 20)
    put_all(engine, "cur", [(b"big", big)])
    r = engine.reader()
    assert r.get("cur", b"big") == big
    r.close()


def test_iteration_survives_concurrent_writes(engine):
    """A suspended iteration resumes strictly after the last key it returned and
    never returns a key twice or out of order (engine invariant 2)."""
    put_all(engine, "cur", [(b"%03d" % i, b"x") for i in range(0, 100, 2)])
    r = engine.reader()
    for reverse in (False, True):
        it = r.iter("cur", b"", None, reverse)
        seen = [next(it)[0] for _ in range(10)]
        put_all(engine, "cur", [(b"%03d" % i, b"y") for i in range(1, 100, 2)] + [(seen[-1], None)])
        seen += [k for k, _v in it]
        assert seen == sorted(seen, reverse=reverse)
        assert len(seen) == len(set(seen))
    r.close()


def test_counters_count_writes_and_syncs(engine):
    w0, s0 = engine.writes, engine.syncs
    put_all(engine, "cur", [(b"a", b"1")], durable=True)
    put_all(engine, "cur", [(b"a", b"2")], durable=False)
    assert engine.writes == w0 + 2
    assert engine.syncs == s0 + 1


# ---------------------------------------------------------------- lmdb only


def test_lmdb_map_grows_under_open_readers_and_iterations(tmp_path):
    """A write that does not fit the map grows it without invalidating readers:
    open readers reopen transparently and suspended iterations resume."""
    e = LmdbEngine(str(tmp_path / "db"), map_size=256 << 10)
    put_all(e, "cur", [(b"k%05d" % i, b"v" * 50) for i in range(200)])
    readers = [e.reader() for _ in range(3)]
    its = [r.iter("cur", b"", None, rev) for r, rev in zip(readers, (False, True, False))]
    firsts = [next(it)[0] for it in its]
    for round_ in range(6):
        put_all(e, "hist", [(b"h%d-%05d" % (round_, i), os.urandom(200)) for i in range(500)])
    assert e.grows >= 2
    rest = [[k for k, _v in it] for it in its]
    assert [firsts[0]] + rest[0] == [b"k%05d" % i for i in range(200)]
    assert [firsts[1]] + rest[1] == [b"k%05d" % i for i in reversed(range(200))]
    for r in readers:
        assert r.get("cur", b"k00007") == b"v" * 50
        assert r.seek("hist", b"h5-00499")[0] == b"h5-00499"
        r.close()
    e.close()
    e = LmdbEngine(str(tmp_path / "db"))
    r = e.reader()
    assert sum(1 for _ in r.iter("hist", b"")) == 3000
    r.close()
    e.close()


def test_lmdb_reopen_keeps_data(tmp_path):
    e = LmdbEngine(str(tmp_path / "db"))
    put_all(e, "cur", [(b"a", b"1")], durable=True)
    e.close()
    e = LmdbEngine(str(tmp_path / "db"))
    r = e.reader()
    assert r.get("cur", b"a") == b"1"
    r.close()
    e.close()


def test_lmdb_garbage_file_is_data_corrupted(tmp_path):
    d = tmp_path / "db"
    d.mkdir()
    (d / "data.mdb").write_bytes(os.urandom(64 << 10))
    with pytest.raises(StorageError) as ei:
        LmdbEngine(str(d))
    assert ei.value.code == errcodes.DATA_CORRUPTED


def test_lmdb_foreign_environment_is_refused_untouched(tmp_path):
    import lmdb

    d = tmp_path / "db"
    env = lmdb.open(str(d), max_dbs=2)
    other = env.open_db(b"somebody-elses")
    with env.begin(write=True) as t:
        t.put(b"x", b"y", db=other)
    env.close()
    before = (d / "data.mdb").read_bytes()
    with pytest.raises(StorageError) as ei:
        LmdbEngine(str(d))
    assert ei.value.code == errcodes.DATA_CORRUPTED
    assert (d / "data.mdb").read_bytes() == before


def test_lmdb_non_store_directory_is_refused(tmp_path):
    d = tmp_path / "pgdata"
    d.mkdir()
    (d / "PG_VERSION").write_text("15\n")
    with pytest.raises(StorageError) as ei:
        LmdbEngine(str(d))
    assert ei.value.code == errcodes.DATA_CORRUPTED
