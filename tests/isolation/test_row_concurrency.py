"""Row-level concurrency through real connections (the specs in this directory pin
single interleavings against PostgreSQL 15; these run many at once).

* READ COMMITTED ``UPDATE ... SET n = n + 1`` never loses an update: a writer that
  waited for the row lock computes from the version the other writer committed
  (EvalPlanQual, heliosd/exec/dml.py), so every increment hands out a distinct value.
* REPEATABLE READ fails such a writer with 40001 instead; retried transactions
  account for every committed increment exactly once.
"""
from __future__ import annotations

import threading

import psycopg
import pytest
from psycopg import errors

WORKERS = 4
ROUNDS = 25


@pytest.fixture
def dsn(heliosd):
    name = "iso_row_concurrency"
    with psycopg.connect(heliosd.dsn("postgres"), autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {name}")
        c.execute(f"CREATE DATABASE {name}")
    d = heliosd.dsn(name)
    with psycopg.connect(d, autocommit=True) as c:
        c.execute("CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)")
        c.execute("INSERT INTO counter VALUES (1, 0), (2, 0)")
    return d


def _run_workers(dsn, isolation):
    seen, failures, errs = [], [], []
    lock = threading.Lock()
    start = threading.Barrier(WORKERS)

    def work():
        try:
            with psycopg.connect(dsn, autocommit=True) as c:
                start.wait()
                done = 0
                while done < ROUNDS:
                    c.execute(f"BEGIN ISOLATION LEVEL {isolation}")
                    try:
                        # read first so the snapshot predates other writers' commits
                        c.execute("SELECT n FROM counter WHERE id = 1").fetchone()
                        row = c.execute("UPDATE counter SET n = n + 1 WHERE id = 1 RETURNING n").fetchone()
                        c.execute("UPDATE counter SET n = n + 1 WHERE id = 2")
                        c.execute("COMMIT")
                    except errors.SerializationFailure:
                        c.execute("ROLLBACK")
                        with lock:
                            failures.append(1)
                        continue
                    with lock:
                        seen.append(row[0])
                    done += 1
        except Exception as e:  # pragma: no cover - reported below
            errs.append(e)

    threads = [threading.Thread(target=work) for _ in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errs, errs
    with psycopg.connect(dsn, autocommit=True) as c:
        final = dict(c.execute("SELECT id, n FROM counter").fetchall())
    return seen, failures, final


def test_read_committed_increment_loses_no_update(dsn):
    seen, failures, final = _run_workers(dsn, "READ COMMITTED")
    total = WORKERS * ROUNDS
    assert not failures
    assert sorted(seen) == list(range(1, total + 1))
    assert final == {1: total, 2: total}


def test_repeatable_read_increment_fails_with_40001_and_retries(dsn):
    seen, failures, final = _run_workers(dsn, "REPEATABLE READ")
    total = WORKERS * ROUNDS
    assert sorted(seen) == list(range(1, total + 1))
    assert final == {1: total, 2: total}


def test_repeatable_read_update_after_concurrent_commit_is_40001(dsn):
    with psycopg.connect(dsn, autocommit=True) as a, psycopg.connect(dsn, autocommit=True) as b:
        a.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        b.execute("UPDATE counter SET n = 5 WHERE id = 1")  # before a's first query: a sees it
        assert a.execute("SELECT n FROM counter WHERE id = 1").fetchone() == (5,)
        b.execute("UPDATE counter SET n = 6 WHERE id = 1")
        with pytest.raises(errors.SerializationFailure, match="concurrent update"):
            a.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
        a.execute("ROLLBACK")
        a.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        assert a.execute("SELECT n FROM counter WHERE id = 1").fetchone() == (6,)
        b.execute("DELETE FROM counter WHERE id = 1")
        with pytest.raises(errors.SerializationFailure, match="concurrent delete"):
            a.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
        a.execute("ROLLBACK")
