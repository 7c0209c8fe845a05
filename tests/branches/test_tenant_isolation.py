"""Tenant isolation: tenant roles, each granted USAGE on its own branch only,
try every path to another tenant's data or existence.  Every attempt fails
with 42501, or with exactly the error a missing branch gets, or sees nothing.

Setup (the recommended layout, docs/branches.md "Tenants and privileges"):
the group role ``iso_app`` holds the table privileges, granted once on the
template (forks inherit the template's catalog, ACLs included); each tenant
role is a member of ``iso_app`` and has USAGE on its own branch only; the
database's root branch ``main``, usable by PUBLIC by default like a
database's CONNECT, is revoked from PUBLIC.
"""
from __future__ import annotations

import threading
import time

import psycopg2
import pytest

from .util import connect, pg_error

DB = "br_iso"


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def one(c, sql, args=None):
    return q(c, sql, args)[0][0]


@pytest.fixture(scope="module")
def env(heliosd, saas):
    db = saas(DB)
    admin = connect(heliosd, db)
    q(admin, "CREATE ROLE iso_app NOLOGIN")
    q(admin, "REVOKE USAGE ON BRANCH main FROM PUBLIC")  # main is usable by everyone by default
    q(admin, "USE BRANCH template_v47")
    q(admin, "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO iso_app")
    for t in ("alpha", "beta"):
        q(admin, f"CREATE ROLE iso_{t} LOGIN PASSWORD 'pw_{t}' IN ROLE iso_app")
        q(admin, f"CREATE BRANCH iso_{t} FROM template_v47")
        q(admin, f"GRANT USAGE ON BRANCH iso_{t} TO iso_{t}")
        q(admin, f"USE BRANCH iso_{t}")
        q(admin, "INSERT INTO projects (name, owner_id) VALUES (%s, 1)", (f"secret project of {t}",))
    q(admin, "USE BRANCH iso_beta")
    q(admin, "CREATE TABLE beta_only_secret (id int PRIMARY KEY, v text)")
    q(admin, "GRANT SELECT ON beta_only_secret TO iso_app")
    q(admin, "USE BRANCH main")
    # a tenant role with CREATEBRANCH too: even that must not reach other branches
    q(admin, "ALTER ROLE iso_alpha CREATEBRANCH")
    a = connect(heliosd, db, branch="iso_alpha", user="iso_alpha", password="pw_alpha")
    b = connect(heliosd, db, branch="iso_beta", user="iso_beta", password="pw_beta")
    yield {"db": db, "admin": admin, "a": a, "b": b}
    for c in (a, b, admin):
        c.close()


def missing_vs_other(c, template: str):
    """The error for a branch that does not exist and for beta's branch: identical."""
    e1 = pg_error(lambda: q(c, template.format("iso_no_such_branch")))
    e2 = pg_error(lambda: q(c, template.format("iso_beta")))
    return e1, e2


@pytest.mark.parametrize("stmt", [
    "USE BRANCH {}",
    "SET helios.branch = '{}'",
    "SET helios.branch TO {}",
    "CREATE BRANCH iso_steal FROM {}",
    "CREATE BRANCH iso_steal FROM {} AS OF SEQ 1",
    "DROP BRANCH {}",
    "ALTER BRANCH {} RENAME TO iso_stolen",
    "ALTER BRANCH {} OWNER TO iso_alpha",
    "GRANT USAGE ON BRANCH {} TO iso_alpha",
    "REVOKE USAGE ON BRANCH {} FROM iso_beta",
])
def test_branch_statements_answer_as_for_a_missing_branch(env, stmt):
    a = env["a"]
    e_missing, e_other = missing_vs_other(a, stmt)
    assert e_other[0] == e_missing[0] and e_other[0] in ("42704", "42501")
    assert e_other[1].replace("iso_beta", "X") == e_missing[1].replace("iso_no_such_branch", "X")
    assert one(a, "SHOW helios.branch") == "iso_alpha"


def test_drop_if_exists_says_the_same(env):
    a = env["a"]
    a.notices.clear()
    q(a, "DROP BRANCH IF EXISTS iso_beta")
    q(a, "DROP BRANCH IF EXISTS iso_no_such_branch")
    assert [n.replace("iso_beta", "X") for n in a.notices[:1]] == \
        [n.replace("iso_no_such_branch", "X") for n in a.notices[1:2]]


def test_startup_option_is_a_missing_branch(heliosd, env):
    errs = []
    for br in ("iso_beta", "iso_no_such_branch"):
        with pytest.raises(psycopg2.OperationalError) as ei:
            connect(heliosd, env["db"], branch=br, user="iso_alpha", password="pw_alpha")
        errs.append(str(ei.value).replace(br, "X"))
    assert errs[0] == errs[1] and "does not exist" in errs[0]
    # default branch main: not granted either
    with pytest.raises(psycopg2.OperationalError):
        connect(heliosd, env["db"], user="iso_alpha", password="pw_alpha")


def test_data_and_catalogs_show_only_the_own_branch(env):
    a, b = env["a"], env["b"]
    assert [r[0] for r in q(a, "SELECT name FROM projects ORDER BY id")] == ["Getting Started",
                                                                            "secret project of alpha"]
    assert pg_error(lambda: q(a, "SELECT * FROM beta_only_secret"))[0] == "42P01"
    assert one(b, "SELECT count(*) FROM beta_only_secret") == 0
    for sql in ("SELECT count(*) FROM pg_class WHERE relname = 'beta_only_secret'",
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'beta_only_secret'",
                "SELECT count(*) FROM pg_tables WHERE tablename = 'beta_only_secret'",
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%beta%' AND usename = 'iso_beta'"):
        assert one(a, sql) == 0, sql
    assert one(a, "SELECT to_regclass('beta_only_secret') IS NULL")
    rows = q(a, "SELECT branch_name, parent_name FROM helios_branches()")
    assert rows == [("iso_alpha", None)]  # not even the template's name
    assert one(a, "SELECT count(*) FROM helios_branches() WHERE branch_name LIKE 'iso\\_b%%'") == 0


def test_time_travel_stays_on_the_own_branch(env):
    a = env["a"]
    seq = one(a, "SELECT fork_seq FROM helios_branches() WHERE branch_name = 'iso_alpha'")
    # before the branch existed: refused, never the template's (or anyone's) older state
    assert pg_error(lambda: q(a, f"SELECT * FROM projects AS OF SEQ {seq - 1}"))[0] == "22023"
    q(a, "SET helios.as_of = 'seq %s'" % (seq + 1))
    names = [r[0] for r in q(a, "SELECT name FROM projects")]
    q(a, "RESET helios.as_of")
    assert all("beta" not in n for n in names)
    e1 = pg_error(lambda: q(a, "CREATE BRANCH iso_x FROM iso_beta AS OF TIMESTAMP 'now'"))
    assert e1 == ("42704", 'branch "iso_beta" does not exist')


def test_pg_stat_activity_hides_other_tenants(heliosd, env):
    a, b = env["a"], env["b"]
    done = threading.Event()

    def busy():
        c = connect(heliosd, env["db"], branch="iso_beta", user="iso_beta", password="pw_beta")
        q(c, "SELECT pg_sleep(1.5) /* beta's confidential query */")
        c.close()
        done.set()

    th = threading.Thread(target=busy)
    th.start()
    time.sleep(0.4)
    try:
        rows = q(a, "SELECT pid, usename, query, state FROM pg_stat_activity")
        assert all(r[1] != "iso_beta" for r in rows), rows
        assert all("confidential" not in (r[2] or "") for r in rows)
        assert one(a, "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity s USING (pid) "
                      "WHERE s.usename = 'iso_beta'") == 0
        # the superuser sees it
        assert one(env["admin"], "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%confidential%' "
                                 "AND usename = 'iso_beta'") == 1
        assert one(b, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'iso_alpha'") == 0
    finally:
        th.join(5)


def test_signals_to_other_tenants_fail(env):
    a, b = env["a"], env["b"]
    bpid = one(b, "SELECT pg_backend_pid()")
    for fn in ("pg_cancel_backend", "pg_terminate_backend"):
        code, msg = pg_error(lambda: q(a, f"SELECT {fn}(%s)", (bpid,)))
        assert code == "42501" and "must be a member of the role" in msg
    assert one(b, "SELECT 1") == 1  # still alive


def test_listen_notify_are_per_branch(heliosd, env):
    a, b = env["a"], env["b"]
    q(b, "LISTEN events")
    q(a, "NOTIFY events, 'from alpha'")
    q(a, "SELECT pg_notify('events', 'from alpha again')")
    b2 = connect(heliosd, env["db"], branch="iso_beta", user="iso_beta", password="pw_beta")
    q(b2, "NOTIFY events, 'from beta'")
    time.sleep(0.2)
    q(b, "SELECT 1")
    b.poll()
    payloads = [n.payload for n in b.notifies]
    assert payloads == ["from beta"]
    q(b, "UNLISTEN *")
    b2.close()


def test_advisory_locks_are_per_branch(env):
    a, b = env["a"], env["b"]
    q(b, "SELECT pg_advisory_lock(4242)")
    try:
        assert one(a, "SELECT pg_try_advisory_lock(4242)")  # a separate lock space
        assert one(a, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'") == 1  # only its own
        q(a, "SELECT pg_advisory_unlock(4242)")
    finally:
        q(b, "SELECT pg_advisory_unlock(4242)")


def test_error_messages_do_not_leak(env):
    a = env["a"]
    # names of other tenants never appear in what alpha can provoke
    texts = []
    for sql in ("SELECT * FROM iso_beta.projects", "SELECT * FROM projects AS OF SEQ 999999999",
                "USE BRANCH iso_beta", "SELECT current_setting('helios.branch')"):
        try:
            texts.append(str(q(a, sql)))
        except psycopg2.Error as e:
            texts.append(str(e))
    assert texts[2] == 'branch "iso_beta" does not exist\n'
    assert not any("secret project of beta" in t for t in texts)


def test_grants_and_table_privileges(heliosd, env):
    a, admin = env["a"], env["admin"]
    # table privileges are enforced inside the own branch too
    q(admin, "USE BRANCH iso_alpha")
    q(admin, "REVOKE DELETE ON tasks FROM iso_app")
    code, msg = pg_error(lambda: q(a, "DELETE FROM tasks"))
    assert (code, msg) == ("42501", "permission denied for table tasks")
    q(admin, "GRANT DELETE ON tasks TO iso_app")
    q(a, "DELETE FROM tasks WHERE false")
    # a tenant cannot grant its branch to others
    assert pg_error(lambda: q(a, "GRANT USAGE ON BRANCH iso_alpha TO iso_beta"))[0] == "42501"
    # revoking USAGE takes effect at the tenant's next transaction
    q(admin, "REVOKE USAGE ON BRANCH iso_alpha FROM iso_alpha")
    assert pg_error(lambda: q(a, "SELECT count(*) FROM projects")) == ("42704", 'branch "iso_alpha" does not exist')
    q(admin, "GRANT USAGE ON BRANCH iso_alpha TO iso_alpha")
    assert one(a, "SELECT count(*) FROM projects") == 2
    q(admin, "USE BRANCH main")


def test_fork_inherits_grants(heliosd, env):
    admin = env["admin"]
    q(admin, "CREATE BRANCH iso_alpha_copy FROM iso_alpha")
    c = connect(heliosd, env["db"], branch="iso_alpha_copy", user="iso_alpha", password="pw_alpha")
    assert one(c, "SELECT count(*) FROM projects") == 2
    c.close()
    with pytest.raises(psycopg2.OperationalError):
        connect(heliosd, env["db"], branch="iso_alpha_copy", user="iso_beta", password="pw_beta")
    q(admin, "DROP BRANCH iso_alpha_copy")
