"""Per-branch catalogs, privileges, advisory locks and the live-session views.

- every branch shows its own schema in pg_catalog/information_schema/psql;
- GRANT/REVOKE show in \\dp, \\dn+, \\l and has_*_privilege as on PostgreSQL 15;
- advisory locks block, show in pg_locks/pg_stat_activity ('Lock') and are
  released by unlock/unlock_all/transaction end/disconnect;
- pg_cancel_backend / pg_terminate_backend reach the other session.
"""
from __future__ import annotations

import threading
import time

import psycopg
import pytest

import psqlcmp as Q


def _conn(server, branch=None, db=Q.DBNAME):
    dsn = server.dsn(db)
    if branch:
        dsn += f" options='-c helios.branch={branch}'"
    return psycopg.connect(dsn, autocommit=True)


def test_each_branch_shows_its_own_schema(saas_heliosd):
    h = saas_heliosd
    with _conn(h) as c:
        c.execute("DROP BRANCH IF EXISTS catalog_b1")
        c.execute("CREATE BRANCH catalog_b1")
    try:
        with _conn(h, "catalog_b1") as b:
            b.execute("CREATE TABLE only_in_b1 (id int PRIMARY KEY, note text DEFAULT 'x')")
            b.execute("ALTER TABLE tasks ADD COLUMN branch_col int")
            assert b.execute("SELECT count(*) FROM pg_class WHERE relname = 'only_in_b1'").fetchone() == (1,)
            assert b.execute("SELECT column_default FROM information_schema.columns "
                             "WHERE table_name = 'only_in_b1' AND column_name = 'note'").fetchone() == ("'x'::text",)
            assert b.execute("SELECT count(*) FROM pg_attribute WHERE attrelid = 'tasks'::regclass "
                             "AND attname = 'branch_col'").fetchone() == (1,)
            b_oid = b.execute("SELECT 'tasks'::regclass::oid").fetchone()[0]
        with _conn(h) as m:
            assert m.execute("SELECT count(*) FROM pg_class WHERE relname = 'only_in_b1'").fetchone() == (0,)
            assert m.execute("SELECT to_regclass('only_in_b1')").fetchone() == (None,)
            assert m.execute("SELECT count(*) FROM information_schema.columns WHERE table_name = 'tasks' "
                             "AND column_name = 'branch_col'").fetchone() == (0,)
            # a forked table keeps its OID
            assert m.execute("SELECT 'tasks'::regclass::oid").fetchone()[0] == b_oid
        out = Q.run_psql(h.host, h.port, h.user, h.password, Q.DBNAME, r"\dt")
        assert "only_in_b1" not in out and "tasks" in out
        got = Q.run_psql(h.host, h.port, h.user, h.password, Q.DBNAME, "USE BRANCH catalog_b1; " + r"\dt")
        _ = got
    finally:
        with _conn(h) as c:
            c.execute("DROP BRANCH IF EXISTS catalog_b1")


GRANT_SCRIPT = """
CREATE SCHEMA catalog_priv;
CREATE TABLE catalog_priv.t1 (id serial PRIMARY KEY, v text);
CREATE TABLE catalog_priv.t2 (id int PRIMARY KEY);
CREATE ROLE catalog_alice LOGIN;
GRANT SELECT, INSERT ON catalog_priv.t1 TO catalog_alice;
GRANT ALL ON catalog_priv.t2 TO catalog_alice WITH GRANT OPTION;
GRANT USAGE ON SCHEMA catalog_priv TO catalog_alice;
GRANT USAGE ON SEQUENCE catalog_priv.t1_id_seq TO catalog_alice;
REVOKE INSERT ON catalog_priv.t1 FROM catalog_alice;
"""
GRANT_CHECKS = [r"\dp catalog_priv.*", r"\dn+ catalog_priv",
                "SELECT has_table_privilege('catalog_alice', 'catalog_priv.t1', 'select'), "
                "has_table_privilege('catalog_alice', 'catalog_priv.t1', 'insert'), "
                "has_table_privilege('catalog_alice', 'catalog_priv.t2', 'delete with grant option'), "
                "has_schema_privilege('catalog_alice', 'catalog_priv', 'create'), "
                "has_schema_privilege('catalog_alice', 'catalog_priv', 'usage'), "
                "has_sequence_privilege('catalog_alice', 'catalog_priv.t1_id_seq', 'usage'), "
                "has_table_privilege('catalog_alice', 'tasks', 'select')",
                "SELECT grantee, table_name, privilege_type, is_grantable FROM information_schema.table_privileges "
                "WHERE grantee = 'catalog_alice' ORDER BY 2, 3",
                "REVOKE ALL ON catalog_priv.t2 FROM catalog_alice", r"\dp catalog_priv.t2"]
UNGRANT_SCRIPT = """
DROP SCHEMA catalog_priv CASCADE;
DROP ROLE catalog_alice;
"""


def _grants(server, password):
    args = (server.host, server.port, server.user, password, Q.DBNAME)
    Q.run_psql(*args, "DROP SCHEMA IF EXISTS catalog_priv CASCADE")
    Q.run_psql(*args, "DROP ROLE IF EXISTS catalog_alice")
    out = [Q.run_psql(*args, GRANT_SCRIPT)]
    out += [Q.run_psql(*args, c) for c in GRANT_CHECKS]
    out.append(Q.run_psql(*args, UNGRANT_SCRIPT))
    return [Q.normalize(o, owner=server.user) for o in out]


def test_privileges_match_postgres(saas_heliosd, saas_pg15):
    assert _grants(saas_heliosd, saas_heliosd.password) == _grants(saas_pg15, "")


def test_advisory_locks_and_activity(saas_heliosd):
    h = saas_heliosd
    a, b, c = _conn(h), _conn(h), _conn(h)
    try:
        assert a.execute("SELECT pg_advisory_lock(4242)").fetchone() == ("",)
        assert b.execute("SELECT pg_try_advisory_lock(4242)").fetchone() == (False,)
        done = {}

        def wait():
            t = time.monotonic()
            b.execute("SELECT pg_advisory_lock(4242)")
            done["t"] = time.monotonic() - t

        th = threading.Thread(target=wait)
        th.start()
        pid_b = b.info.backend_pid
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r = c.execute("SELECT wait_event_type, state FROM pg_stat_activity WHERE pid = %s", (pid_b,)).fetchone()
            if r == ("Lock", "active"):
                break
            time.sleep(0.05)
        assert r == ("Lock", "active")
        assert c.execute("SELECT pg_blocking_pids(%s)", (pid_b,)).fetchone() == ([a.info.backend_pid],)
        locks = c.execute("SELECT pid, mode, granted FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 "
                          "ORDER BY granted DESC").fetchall()
        assert locks == [(a.info.backend_pid, "ExclusiveLock", True), (pid_b, "ExclusiveLock", False)]
        assert a.execute("SELECT pg_advisory_unlock(4242), pg_advisory_unlock(4242)").fetchone() == (True, False)
        th.join(10)
        assert "t" in done
        assert a.execute("SELECT pg_try_advisory_lock(4242)").fetchone() == (False,)
        b.execute("SELECT pg_advisory_unlock_all()")
        assert a.execute("SELECT pg_try_advisory_lock_shared(4242)").fetchone() == (True,)
        assert b.execute("SELECT pg_try_advisory_lock_shared(4242)").fetchone() == (True,)
        assert c.execute("SELECT pg_try_advisory_lock(4242)").fetchone() == (False,)
        a.execute("SELECT pg_advisory_unlock_all()")
        b.close()  # disconnect releases the rest
        time.sleep(0.2)
        assert c.execute("SELECT pg_try_advisory_lock(4242)").fetchone() == (True,)
        with c.transaction():
            c.execute("SELECT pg_advisory_xact_lock(77, 1)")
            assert a.execute("SELECT pg_try_advisory_lock(77, 1)").fetchone() == (False,)
        assert a.execute("SELECT pg_try_advisory_lock(77, 1)").fetchone() == (True,)
    finally:
        for x in (a, b, c):
            x.close()


def test_cancel_and_terminate_backend(saas_heliosd):
    h = saas_heliosd
    a, b = _conn(h), _conn(h)
    try:
        pid = b.info.backend_pid
        seen = {}

        def sleeper():
            try:
                b.execute("SELECT pg_sleep(20)")
            except psycopg.Error as e:
                seen["err"] = e.sqlstate

        th = threading.Thread(target=sleeper)
        th.start()
        time.sleep(0.5)
        assert a.execute("SELECT pg_cancel_backend(%s)", (pid,)).fetchone() == (True,)
        th.join(10)
        assert seen.get("err") == "57014"
        assert b.execute("SELECT 1").fetchone() == (1,)
        assert a.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        time.sleep(0.3)
        with pytest.raises(psycopg.OperationalError):
            b.execute("SELECT 1")
        assert a.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() == (0,)
    finally:
        a.close()
        b.close()
