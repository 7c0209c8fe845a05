"""Temporary tables across sessions, branches and restarts (heliosd.session.temp,
engine/catalog.py "Temporary objects"): every session has its own pg_temp_N, other
sessions' temp tables are invisible or refused (0A000), everything is dropped when the
session ends or at the next start after a crash, and forks never see them."""
from __future__ import annotations

import os
import signal
import time

import psycopg2
import pytest

from heliosserver import HeliosServer

from .util import connect

DB = "temp_tables"


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def one(c, sql, args=None):
    return q(c, sql, args)[0][0]


def wait_until(fn, timeout=10.0):
    end = time.monotonic() + timeout
    while True:
        v = fn()
        if v or time.monotonic() > end:
            return v
        time.sleep(0.05)


@pytest.fixture(scope="module")
def db(heliosd):
    c = connect(heliosd, "postgres")
    q(c, f"DROP DATABASE IF EXISTS {DB}")
    q(c, f"CREATE DATABASE {DB}")
    c.close()
    c = connect(heliosd, DB)
    q(c, "CREATE TABLE shared (id int)")
    q(c, "INSERT INTO shared VALUES (1)")
    c.close()
    return DB


def temp_count(c, where=""):
    return one(c, f"SELECT count(*) FROM pg_class WHERE relpersistence = 't' {where}")


def test_two_sessions_same_name(heliosd, db):
    a, b = connect(heliosd, db), connect(heliosd, db)
    q(a, "CREATE TEMP TABLE table1 (id int PRIMARY KEY, v text)")
    q(b, "CREATE TEMP TABLE table1 (id int PRIMARY KEY, v text)")  # no 42P07: each has its own
    q(a, "INSERT INTO table1 VALUES (1, 'a')")
    q(b, "INSERT INTO table1 VALUES (1, 'b'), (2, 'b')")
    assert q(a, "SELECT v FROM table1") == [("a",)]
    assert one(b, "SELECT count(*) FROM table1") == 2
    sa = one(a, "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")
    sb = one(b, "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")
    assert sa != sb and sa.startswith("pg_temp_") and sb.startswith("pg_temp_")
    # both show in pg_class (as in PostgreSQL), only one's own in information_schema
    assert one(a, "SELECT count(*) FROM pg_class WHERE relname = 'table1'") == 2
    assert q(a, "SELECT table_schema FROM information_schema.tables WHERE table_name = 'table1'") == [(sa,)]
    assert one(a, "SELECT pg_is_other_temp_schema(%s::regnamespace)", (sb,)) is True
    # another session's temp schema: refused when qualified
    with pytest.raises(psycopg2.Error) as ei:
        q(a, f"SELECT * FROM {sb}.table1")
    assert ei.value.pgcode == "0A000"
    assert "temporary tables of other sessions" in ei.value.pgerror
    with pytest.raises(psycopg2.Error) as ei:
        q(a, f"INSERT INTO {sb}.table1 VALUES (9, 'x')")
    assert ei.value.pgcode == "0A000"
    with pytest.raises(psycopg2.Error) as ei:
        q(a, f"CREATE TABLE {sb}.intruder (a int)")
    assert ei.value.pgcode == "42P16"
    # a third session sees none of it by name
    c = connect(heliosd, db)
    with pytest.raises(psycopg2.errors.UndefinedTable):
        q(c, "SELECT * FROM table1")
    c.close()
    a.close()
    b.close()


def test_shadowing_and_plan_cache(heliosd, db):
    """The same text resolves per session: a plan made for one session's temp table is never
    used by another session (nor the other way round)."""
    a, b = connect(heliosd, db), connect(heliosd, db)
    q(a, "CREATE TEMP TABLE shared (id int)")
    q(a, "INSERT INTO shared VALUES (42)")
    for _ in range(3):
        assert q(a, "SELECT id FROM shared") == [(42,)]
        assert q(b, "SELECT id FROM shared") == [(1,)]
    ca, cb = a.cursor(), b.cursor()
    for c, want in ((ca, 42), (cb, 1), (ca, 42), (cb, 1)):
        c.execute("SELECT id FROM shared WHERE id = %s", (want,))
        assert c.fetchall() == [(want,)]
    a.close()
    b.close()


def test_other_temp_schema_in_search_path_is_ignored(heliosd, db):
    """Naming another session's temp schema in search_path finds nothing there (and can never
    share a cached plan with its owner)."""
    a, b = connect(heliosd, db), connect(heliosd, db)
    q(b, "CREATE TEMP TABLE only_b (v text)")
    q(b, "INSERT INTO only_b VALUES ('b secret')")
    sb = one(b, "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")
    q(a, f"SET search_path = {sb}, public")
    for _ in range(2):
        assert q(b, "SELECT v FROM only_b") == [("b secret",)]
        with pytest.raises(psycopg2.errors.UndefinedTable):
            q(a, "SELECT v FROM only_b")
    a.close()
    b.close()


def test_dropped_at_disconnect(heliosd, db):
    a = connect(heliosd, db)
    q(a, "CREATE TEMP TABLE gone (id int)")
    q(a, "CREATE INDEX gone_i ON gone (id)")
    q(a, "CREATE TEMP SEQUENCE gone_seq")
    q(a, "INSERT INTO gone SELECT g FROM generate_series(1, 500) g")
    schema = one(a, "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")
    pid = one(a, "SELECT pg_backend_pid()")
    obs = connect(heliosd, db)
    assert one(obs, "SELECT count(*) FROM pg_class WHERE relname IN ('gone', 'gone_i', 'gone_seq')") == 3
    a.close()
    assert wait_until(lambda: one(obs, "SELECT count(*) FROM pg_class WHERE relname LIKE 'gone%'") == 0)
    assert wait_until(lambda: one(obs, "SELECT count(*) FROM pg_namespace WHERE nspname = %s", (schema,)) == 0)
    # a session that is terminated loses them too
    t = connect(heliosd, db)
    q(t, "CREATE TEMP TABLE gone2 (id int)")
    tpid = one(t, "SELECT pg_backend_pid()")
    assert tpid != pid
    q(obs, "SELECT pg_terminate_backend(%s)", (tpid,))
    assert wait_until(lambda: one(obs, "SELECT count(*) FROM pg_class WHERE relname = 'gone2'") == 0)
    # the slot is reused, empty
    n = connect(heliosd, db)
    q(n, "CREATE TEMP TABLE fresh (a int)")
    assert one(n, "SELECT count(*) FROM pg_class WHERE relnamespace = pg_my_temp_schema() AND relkind = 'r'") == 1
    n.close()
    obs.close()


def test_abrupt_disconnect(heliosd, db):
    """A connection that just vanishes (no Terminate message)."""
    a = connect(heliosd, db)
    q(a, "CREATE TEMP TABLE vanished (id int)")
    os.close(a.fileno())
    obs = connect(heliosd, db)
    assert wait_until(lambda: one(obs, "SELECT count(*) FROM pg_class WHERE relname = 'vanished'") == 0)
    obs.close()


def test_open_transaction_does_not_block_others(heliosd, db):
    a, b = connect(heliosd, db, autocommit=False), connect(heliosd, db)
    q(a, "CREATE TEMP TABLE t_open (a int)")
    q(a, "INSERT INTO t_open VALUES (1)")
    q(b, "CREATE TEMP TABLE t_open (a int)")  # a's uncommitted one is no obstacle
    q(b, "DROP TABLE t_open")
    a.rollback()
    with pytest.raises(psycopg2.errors.UndefinedTable):
        q(a, "SELECT * FROM t_open")
    a.rollback()
    a.close()
    b.close()


def test_fork_does_not_copy_temp_tables(heliosd, db):
    a = connect(heliosd, db)
    q(a, "CREATE TEMP TABLE parent_tmp (id int)")
    q(a, "INSERT INTO parent_tmp VALUES (1)")
    q(a, "CREATE TEMP VIEW parent_tmp_v AS SELECT * FROM parent_tmp")
    schema = one(a, "SELECT nspname FROM pg_namespace WHERE oid = pg_my_temp_schema()")
    admin = connect(heliosd, db)
    q(admin, "CREATE BRANCH temp_fork")
    f = connect(heliosd, db, branch="temp_fork")
    assert one(f, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'") == 0
    assert one(f, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pg_temp%'") == 0
    assert one(f, "SELECT count(*) FROM shared") == 1  # the permanent data did come along
    with pytest.raises(psycopg2.Error):
        q(f, f"SELECT * FROM {schema}.parent_tmp")
    # a session in the fork that happens to get the same slot starts empty
    q(f, "CREATE TEMP TABLE parent_tmp (id int)")
    assert one(f, "SELECT count(*) FROM parent_tmp") == 0
    # the parent's session still has its own
    assert one(a, "SELECT count(*) FROM parent_tmp") == 1
    f.close()
    a.close()
    q(admin, "DROP BRANCH temp_fork")
    admin.close()


def test_use_branch_leaves_temp_tables_behind(heliosd, db):
    a = connect(heliosd, db)
    q(a, "CREATE BRANCH temp_other")
    q(a, "CREATE TEMP TABLE on_main (a int)")
    q(a, "USE BRANCH temp_other")
    with pytest.raises(psycopg2.errors.UndefinedTable):
        q(a, "SELECT * FROM on_main")
    assert one(a, "SELECT pg_my_temp_schema()") == 0
    q(a, "CREATE TEMP TABLE on_other (a int)")
    q(a, "USE BRANCH main")
    assert q(a, "SELECT * FROM on_main") == []
    with pytest.raises(psycopg2.errors.UndefinedTable):
        q(a, "SELECT * FROM on_other")
    obs_main = connect(heliosd, db)
    obs_other = connect(heliosd, db, branch="temp_other")
    a.close()
    assert wait_until(lambda: one(obs_main, "SELECT count(*) FROM pg_class WHERE relname = 'on_main'") == 0)
    assert wait_until(lambda: one(obs_other, "SELECT count(*) FROM pg_class WHERE relname = 'on_other'") == 0)
    obs_other.close()
    q(obs_main, "DROP BRANCH temp_other")
    obs_main.close()


def test_graceful_shutdown_drops_them(tmp_path):
    srv = HeliosServer(str(tmp_path / "data")).start()
    try:
        c = psycopg2.connect(srv.dsn())
        c.autocommit = True
        q(c, "CREATE TEMP TABLE at_stop (a int)")
        srv.stop()  # SIGTERM: the idle session is closed and cleans up before the pipeline stops
        assert "dropping the temporary objects" not in srv.stderr_text()
        srv.start()
        c = psycopg2.connect(srv.dsn())
        assert one(c, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'") == 0
        c.close()
    finally:
        srv.stop()


def test_nothing_survives_a_crash(tmp_path):
    srv = HeliosServer(str(tmp_path / "data")).start()
    try:
        c = psycopg2.connect(srv.dsn())
        c.autocommit = True
        q(c, "CREATE TABLE keep (a int)")
        q(c, "CREATE TEMP TABLE lost (a int)")
        q(c, "INSERT INTO lost VALUES (1)")
        q(c, "CREATE TEMP TABLE keep (b int)")  # shadows the permanent one
        q(c, "CREATE BRANCH crash_b")
        q(c, "USE BRANCH crash_b")
        q(c, "CREATE TEMP TABLE lost_b (a int)")
        os.kill(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait()
        c.close()
        srv.start()
        for branch in (None, "crash_b"):
            c = psycopg2.connect(srv.dsn(), options=f"-c helios.branch={branch}" if branch else None)
            c.autocommit = True
            assert one(c, "SELECT count(*) FROM pg_class WHERE relpersistence = 't'") == 0
            assert one(c, "SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'pg_temp%'") == 0
            assert q(c, "SELECT * FROM keep") == []
            assert [r[0] for r in q(c, "SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'keep'")] == ["a"]
            # the slot is free and empty again
            q(c, "CREATE TEMP TABLE lost (a int)")
            assert q(c, "SELECT * FROM lost") == []
            c.close()
    finally:
        srv.stop()
