"""Branch SQL and its semantics (docs/branches.md): CREATE/USE/DROP/ALTER BRANCH,
SHOW/SET/RESET helios.branch, the startup option, helios_branches() as a table,
transactional branch operations, DROP BRANCH with connected sessions, DISCARD ALL.
"""
from __future__ import annotations

import psycopg2
import pytest

from .util import connect, pg_error

DB = "br_sql"


@pytest.fixture(scope="module")
def db(heliosd, saas):
    return saas(DB)


@pytest.fixture
def admin(heliosd, db):
    c = connect(heliosd, db)
    yield c
    c.close()


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def one(c, sql, args=None):
    return q(c, sql, args)[0][0]


def test_root_branch_and_show(admin):
    assert one(admin, "SHOW helios.branch") == "main"
    assert one(admin, "SELECT current_setting('helios.branch')") == "main"
    rows = q(admin, "SELECT branch_name, parent_name, is_current FROM helios_branches() ORDER BY branch_name")
    assert ("main", None, True) in rows and ("template_v47", "main", False) in rows
    assert pg_error(lambda: q(admin, "DROP BRANCH main")) == (
        "55006", 'cannot drop the root branch "main" of a database')
    assert pg_error(lambda: q(admin, "ALTER BRANCH main RENAME TO other"))[0] == "55006"


def test_create_use_from_current_and_from_parent(admin):
    q(admin, "USE BRANCH template_v47")
    q(admin, "CREATE BRANCH s_child")  # no FROM: from the session's current branch
    assert q(admin, "SELECT parent_name FROM helios_branches() WHERE branch_name = 's_child'") == [("template_v47",)]
    q(admin, "USE BRANCH main")
    q(admin, "CREATE BRANCH s_child2 FROM s_child")
    q(admin, "USE BRANCH s_child2")
    assert one(admin, "SHOW helios.branch") == "s_child2"
    assert one(admin, "SELECT name FROM projects") == "Getting Started"  # inherited from the template
    assert pg_error(lambda: q(admin, "CREATE BRANCH s_child FROM main")) == ("42710", 'branch "s_child" already exists')
    q(admin, "CREATE BRANCH IF NOT EXISTS s_child FROM main")
    assert pg_error(lambda: q(admin, "CREATE BRANCH s_x FROM nope")) == ("42704", 'branch "nope" does not exist')
    assert pg_error(lambda: q(admin, "USE BRANCH nope")) == ("42704", 'branch "nope" does not exist')
    assert pg_error(lambda: q(admin, 'CREATE BRANCH "' + "x" * 64 + '"'))[0] == "42602"
    q(admin, "USE BRANCH main")
    q(admin, "DROP BRANCH s_child2")
    q(admin, "DROP BRANCH s_child")
    q(admin, "DROP BRANCH IF EXISTS s_child")
    assert admin.notices and "does not exist, skipping" in admin.notices[-1]


def test_set_reset_and_startup_option(heliosd, admin):
    q(admin, "CREATE BRANCH s_set FROM template_v47")
    q(admin, "SET helios.branch = 's_set'")
    assert one(admin, "SHOW helios.branch") == "s_set"
    q(admin, "RESET helios.branch")
    assert one(admin, "SHOW helios.branch") == "main"
    assert pg_error(lambda: q(admin, "SET helios.branch = 'nope'")) == ("42704", 'branch "nope" does not exist')
    c = connect(heliosd, DB, branch="s_set")
    assert one(c, "SHOW helios.branch") == "s_set"
    q(c, "USE BRANCH main")
    q(c, "DISCARD ALL")  # poolers: back to the startup branch
    assert one(c, "SHOW helios.branch") == "s_set"
    q(c, "SET helios.branch = 'main'")
    q(c, "RESET ALL")
    assert one(c, "SHOW helios.branch") == "s_set"
    c.close()
    # a missing branch at startup: a clean FATAL 3D000, never a hang
    with pytest.raises(psycopg2.OperationalError) as ei:
        connect(heliosd, DB, branch="nope")
    assert 'branch "nope" does not exist' in str(ei.value)
    q(admin, "DROP BRANCH s_set")


def test_startup_fatal_sqlstate(heliosd, db):
    """The FATAL carries SQLSTATE 3D000, as for a missing database (asyncpg exposes it)."""
    import asyncio

    import asyncpg

    async def go():
        try:
            await asyncio.wait_for(asyncpg.connect(host=heliosd.host, port=heliosd.port, user=heliosd.user,
                                                   password=heliosd.password, database=db,
                                                   server_settings={"helios.branch": "nope"}), 10)
        except asyncpg.PostgresError as e:
            return e.sqlstate, e.args[0]
        return None

    assert asyncio.run(go()) == ("3D000", 'branch "nope" does not exist')


def test_helios_branches_is_a_table(admin):
    for n in ("s_t_a", "s_t_b"):
        q(admin, f"CREATE BRANCH {n} FROM template_v47")
    q(admin, "USE BRANCH s_t_a")
    q(admin, "INSERT INTO projects (name, owner_id) VALUES ('mine', 1)")
    q(admin, "USE BRANCH main")
    cols = [d[0] for d in admin.cursor().description or []] or None
    cur = admin.cursor()
    cur.execute("SELECT * FROM helios_branches() LIMIT 0")
    cols = [d[0] for d in cur.description]
    for c in ("branch_name", "parent_name", "created_at", "fork_seq", "fork_time", "own_rows", "own_bytes",
              "inherited_bytes", "active_sessions", "is_current", "owner", "depth"):
        assert c in cols
    rows = q(admin, "SELECT branch_name, own_rows > 0, inherited_bytes > 0, depth FROM helios_branches() "
                    "WHERE branch_name LIKE 's\\_t\\_%' ORDER BY branch_name DESC")
    assert rows == [("s_t_b", False, True, 4), ("s_t_a", True, True, 4)]
    # joins: with itself and with a VALUES list / table
    rows = q(admin, "SELECT c.branch_name, p.branch_name FROM helios_branches() c "
                    "JOIN helios_branches() p ON p.branch_name = c.parent_name "
                    "WHERE c.branch_name IN ('s_t_a', 's_t_b') ORDER BY 1")
    assert rows == [("s_t_a", "template_v47"), ("s_t_b", "template_v47")]
    rows = q(admin, "SELECT v.n, b.fork_seq IS NOT NULL FROM (VALUES ('s_t_a'), ('zz')) v(n) "
                    "LEFT JOIN helios_branches() b ON b.branch_name = v.n ORDER BY 1")
    assert rows == [("s_t_a", True), ("zz", False)]
    assert one(admin, "SELECT count(*) FROM helios_branches() WHERE is_current") == 1
    assert one(admin, "SELECT fork_time <= created_at FROM helios_branches() WHERE branch_name = 's_t_a'")
    for n in ("s_t_a", "s_t_b"):
        q(admin, f"DROP BRANCH {n}")


def test_transactional_branch_operations(admin):
    q(admin, "BEGIN")
    q(admin, "CREATE BRANCH s_tx FROM template_v47")
    q(admin, "USE BRANCH s_tx")
    q(admin, "CREATE TABLE extra (id int PRIMARY KEY)")
    q(admin, "INSERT INTO extra VALUES (1)")
    q(admin, "INSERT INTO projects (name, owner_id) VALUES ('tx', 1)")
    q(admin, "USE BRANCH template_v47")
    assert one(admin, "SELECT count(*) FROM projects") == 1
    q(admin, "ROLLBACK")
    assert one(admin, "SHOW helios.branch") == "main"  # USE BRANCH is undone with the transaction
    assert q(admin, "SELECT 1 FROM helios_branches() WHERE branch_name = 's_tx'") == []
    # savepoints undo branch operations too
    q(admin, "BEGIN")
    q(admin, "CREATE BRANCH s_tx FROM template_v47")
    q(admin, "SAVEPOINT a")
    q(admin, "USE BRANCH s_tx")
    q(admin, "CREATE BRANCH s_tx2")
    q(admin, "ROLLBACK TO SAVEPOINT a")
    assert one(admin, "SHOW helios.branch") == "main"
    q(admin, "COMMIT")
    assert q(admin, "SELECT branch_name FROM helios_branches() WHERE branch_name LIKE 's\\_tx%'") == [("s_tx",)]
    # drop and re-create a name in one transaction; rollback keeps the old branch
    q(admin, "BEGIN")
    q(admin, "DROP BRANCH s_tx")
    q(admin, "CREATE BRANCH s_tx FROM main")
    q(admin, "ROLLBACK")
    assert one(admin, "SELECT parent_name FROM helios_branches() WHERE branch_name = 's_tx'") == "template_v47"
    q(admin, "DROP BRANCH s_tx")


def test_rename_keeps_data_and_renaming_session_follows_its_branch(admin):
    q(admin, "CREATE BRANCH s_ren FROM template_v47")
    q(admin, "USE BRANCH s_ren")
    q(admin, "INSERT INTO projects (name, owner_id) VALUES ('ren', 1)")
    q(admin, "ALTER BRANCH s_ren RENAME TO s_ren2")
    assert one(admin, "SHOW helios.branch") == "s_ren2"
    assert one(admin, "SELECT count(*) FROM projects") == 2
    assert pg_error(lambda: q(admin, "ALTER BRANCH nope RENAME TO x"))[0] == "42704"
    q(admin, "CREATE BRANCH s_ren3 FROM main")
    assert pg_error(lambda: q(admin, "ALTER BRANCH s_ren2 RENAME TO s_ren3")) == (
        "42710", 'branch "s_ren3" already exists')
    q(admin, "USE BRANCH main")
    q(admin, "DROP BRANCH s_ren2")
    q(admin, "DROP BRANCH s_ren3")


def test_drop_with_sessions_needs_force(heliosd, admin):
    q(admin, "CREATE BRANCH s_drop FROM template_v47")
    t = connect(heliosd, DB, branch="s_drop")
    code, msg = pg_error(lambda: q(admin, "DROP BRANCH s_drop"))
    assert (code, msg) == ("55006", 'branch "s_drop" is being accessed by other users')
    q(admin, "USE BRANCH s_drop")
    assert pg_error(lambda: q(admin, "DROP BRANCH s_drop WITH (FORCE)")) == ("55006", "cannot drop the currently open branch")
    q(admin, "USE BRANCH main")
    q(admin, "DROP BRANCH s_drop (FORCE)")
    with pytest.raises(psycopg2.Error):
        q(t, "SELECT 1")
    t.close()
    assert q(admin, "SELECT 1 FROM helios_branches() WHERE branch_name = 's_drop'") == []


def test_orphaned_session_stays_usable(heliosd, admin):
    """A session whose branch name goes away (renamed without a replacement)
    gets 42704 for statements that need a branch, and can still USE BRANCH."""
    q(admin, "CREATE BRANCH s_orph FROM template_v47")
    t = connect(heliosd, DB, branch="s_orph")
    assert one(t, "SELECT count(*) FROM projects") == 1
    q(admin, "ALTER BRANCH s_orph RENAME TO s_orph_old")
    code, msg = pg_error(lambda: q(t, "SELECT count(*) FROM projects"))
    assert (code, msg) == ("42704", 'branch "s_orph" does not exist')
    assert one(t, "SHOW helios.branch") == "s_orph"
    q(t, "USE BRANCH s_orph_old")
    assert one(t, "SELECT count(*) FROM projects") == 1
    q(admin, "ALTER BRANCH s_orph_old RENAME TO s_orph")  # t follows its branch name
    assert pg_error(lambda: q(t, "SELECT 1 FROM projects"))[0] == "42704"
    q(t, "DISCARD ALL")  # back to the startup branch name, which exists again
    assert one(t, "SELECT count(*) FROM projects") == 1
    t.close()
    q(admin, "DROP BRANCH s_orph")


def test_create_branch_privilege(heliosd, admin):
    q(admin, "CREATE ROLE s_nobranch LOGIN PASSWORD 'pw'")
    q(admin, "CREATE ROLE s_brancher LOGIN PASSWORD 'pw' CREATEBRANCH")
    q(admin, "CREATE BRANCH s_priv FROM template_v47")
    q(admin, "GRANT USAGE ON BRANCH s_priv TO s_nobranch, s_brancher")
    n = connect(heliosd, DB, branch="s_priv", user="s_nobranch", password="pw")
    assert pg_error(lambda: q(n, "CREATE BRANCH s_priv_child")) == ("42501", "permission denied to create branch")
    assert pg_error(lambda: q(n, "DROP BRANCH s_priv"))[0] == "42501"
    assert pg_error(lambda: q(n, "ALTER BRANCH s_priv RENAME TO s_z"))[0] == "42501"
    b = connect(heliosd, DB, branch="s_priv", user="s_brancher", password="pw")
    q(b, "CREATE BRANCH s_priv_child")  # owner of the new branch, with the parent's grants
    assert q(b, "SELECT owner, parent_name FROM helios_branches() WHERE branch_name = 's_priv_child'") == [
        ("s_brancher", "s_priv")]
    q(n, "USE BRANCH s_priv_child")  # the fork copied s_nobranch's USAGE
    q(n, "USE BRANCH s_priv")
    q(b, "ALTER BRANCH s_priv_child RENAME TO s_priv_kid")
    q(b, "DROP BRANCH s_priv_kid")
    # without USAGE on the parent even CREATEBRANCH cannot fork it
    assert pg_error(lambda: q(b, "CREATE BRANCH s_y FROM template_v47")) == (
        "42704", 'branch "template_v47" does not exist')
    n.close()
    b.close()
    q(admin, "DROP BRANCH s_priv")
    q(admin, "DROP ROLE s_nobranch")
    q(admin, "DROP ROLE s_brancher")


def test_as_of_reads(admin):
    import time

    q(admin, "CREATE BRANCH s_asof FROM template_v47")
    q(admin, "USE BRANCH s_asof")
    t0 = one(admin, "SELECT clock_timestamp()::text")
    seq0 = one(admin, "SELECT max(fork_seq) FROM helios_branches()")
    time.sleep(0.05)
    q(admin, "UPDATE projects SET name = 'renamed'")
    assert one(admin, "SELECT name FROM projects") == "renamed"
    assert one(admin, f"SELECT name FROM projects AS OF TIMESTAMP '{t0}'") == "Getting Started"
    assert one(admin, f"SELECT p.name FROM projects AS OF TIMESTAMP '{t0}' p JOIN projects c ON c.id = p.id") == \
        "Getting Started"
    q(admin, "SET helios.as_of = %s", (t0,))
    assert one(admin, "SELECT name FROM projects") == "Getting Started"
    assert pg_error(lambda: q(admin, "UPDATE projects SET name = 'x'"))[0] == "25006"
    q(admin, "RESET helios.as_of")
    assert one(admin, "SELECT name FROM projects") == "renamed"
    # restore from the past into the present
    q(admin, f"INSERT INTO projects (name, owner_id) SELECT name || ' (restored)', owner_id "
             f"FROM projects AS OF TIMESTAMP '{t0}'")
    assert one(admin, "SELECT count(*) FROM projects") == 2
    # before the branch existed: refused (a branch's history starts at its fork)
    assert pg_error(lambda: q(admin, f"SELECT * FROM projects AS OF SEQ {max(seq0 - 5, 0)}"))[0] == "22023"
    assert pg_error(lambda: q(admin, "SELECT * FROM projects AS OF TIMESTAMP '2000-01-01'"))[0] == "72000"
    assert pg_error(lambda: q(admin, "SELECT * FROM projects AS OF TIMESTAMP '2999-01-01'"))[0] == "22023"
    # CREATE BRANCH ... AS OF: a fork of the past
    q(admin, f"CREATE BRANCH s_asof_past FROM s_asof AS OF TIMESTAMP '{t0}'")
    q(admin, "USE BRANCH s_asof_past")
    assert q(admin, "SELECT name FROM projects") == [("Getting Started",)]
    q(admin, "USE BRANCH main")
    q(admin, "DROP BRANCH s_asof_past")
    q(admin, "DROP BRANCH s_asof")


def test_main_is_public_until_revoked(heliosd, admin):
    """Every role may use a database's root branch (as PUBLIC may CONNECT to a
    PostgreSQL database); REVOKE USAGE ON BRANCH main FROM PUBLIC turns it off,
    and forks of main never inherit it."""
    q(admin, "CREATE ROLE s_plain LOGIN PASSWORD 'pw'")
    c = connect(heliosd, DB, user="s_plain", password="pw")
    assert one(c, "SHOW helios.branch") == "main"
    assert pg_error(lambda: q(c, "USE BRANCH template_v47"))[0] == "42704"
    c.close()
    q(admin, "CREATE BRANCH s_main_fork FROM main")
    with pytest.raises(psycopg2.OperationalError):
        connect(heliosd, DB, branch="s_main_fork", user="s_plain", password="pw")
    q(admin, "REVOKE USAGE ON BRANCH main FROM PUBLIC")
    with pytest.raises(psycopg2.OperationalError):
        connect(heliosd, DB, user="s_plain", password="pw")
    q(admin, "GRANT USAGE ON BRANCH main TO PUBLIC")
    connect(heliosd, DB, user="s_plain", password="pw").close()
    q(admin, "DROP BRANCH s_main_fork")
    q(admin, "DROP ROLE s_plain")
