"""Branch-and-swap under concurrency (docs/branches.md, "What a pooled session
sees"): sessions follow their branch name at each transaction start, a
transaction that wrote to (or writes to) a branch swapped out under it fails
with 40001 at commit, a migration whose source got commits after the fork
fails with 40001, and the swap is atomic to every other session.
"""
from __future__ import annotations

import threading
import time

import psycopg2
import pytest

from .util import connect, workload_file

DB = "br_swap"
MIGRATION = workload_file("migration_v48.sql")
NOOP = "UPDATE tasks SET priority_label = priority_label WHERE false"


@pytest.fixture(scope="module")
def db(heliosd, saas):
    return saas(DB)


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def one(c, sql, args=None):
    return q(c, sql, args)[0][0]


def has_v48(c) -> bool:
    return one(c, "SELECT count(*) FROM information_schema.columns "
                  "WHERE table_name = 'tasks' AND column_name = 'priority_label'") == 1


def new_tenant(admin, name, tasks=20):
    q(admin, f"CREATE BRANCH {name} FROM template_v47")
    q(admin, f"USE BRANCH {name}")
    q(admin, "INSERT INTO tasks (project_id, title, priority) SELECT 1, 't' || g, g %% 10 "
             "FROM generate_series(1, %s) g", (tasks,))
    q(admin, "USE BRANCH main")


def migrate(c, name, retired_suffix="_retired_v48", before_swap=None, sql=MIGRATION):
    """The branch-and-swap migration of the workload README, in one transaction
    (``sql``: the migration; later swaps of an already migrated tenant use a no-op)."""
    cur = c.cursor()
    cur.execute(f"CREATE BRANCH {name}_v48 FROM {name}")
    cur.execute(f"USE BRANCH {name}_v48")
    cur.execute(sql)
    n_new = one(c, "SELECT count(*) FROM tasks")
    cur.execute(f"USE BRANCH {name}")
    n_old = one(c, "SELECT count(*) FROM tasks")
    assert n_new == n_old
    if before_swap is not None:
        before_swap()
    cur.execute(f"ALTER BRANCH {name} RENAME TO {name}{retired_suffix}")
    cur.execute(f"ALTER BRANCH {name}_v48 RENAME TO {name}")
    c.commit()
    cur.execute("USE BRANCH main")
    c.commit()


def test_pooled_session_follows_the_swap(heliosd, db):
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_a")
    pooled = connect(heliosd, db, branch="sw_a")
    assert not has_v48(pooled)
    m = connect(heliosd, db, autocommit=False)
    migrate(m, "sw_a")
    assert has_v48(pooled)  # the next transaction resolves the name anew
    assert one(pooled, "SELECT count(*) FROM tasks WHERE priority_label IS NOT NULL") == 20
    assert one(pooled, "SHOW helios.branch") == "sw_a"
    # the retired branch is no longer "in use" by the idle pooled session
    q(admin, "DROP BRANCH sw_a_retired_v48")
    for c in (pooled, m, admin):
        c.close()


def run_in_thread(fn):
    out = {}

    def go():
        try:
            out["ok"] = fn()
        except psycopg2.Error as e:
            out["err"] = e.pgcode

    th = threading.Thread(target=go)
    th.start()
    return th, out


def test_open_writer_holds_off_the_swap(heliosd, db):
    """A transaction that wrote to the tenant and is still open makes the fork
    (and a rename) wait; once it commits, the migration includes its write."""
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_b")
    w = connect(heliosd, db, branch="sw_b", autocommit=False)
    q(w, "INSERT INTO tasks (project_id, title) VALUES (1, 'in flight')")
    m = connect(heliosd, db, autocommit=False)
    th, out = run_in_thread(lambda: migrate(m, "sw_b"))
    time.sleep(0.3)
    assert th.is_alive()  # CREATE BRANCH waits for the open writer
    w.commit()
    th.join(20)
    assert out == {"ok": None}
    assert one(w, "SELECT count(*) FROM tasks WHERE title = 'in flight' AND priority_label IS NOT NULL") == 1
    w.commit()
    # a rename-only swap (rolling a tenant back) waits for open writers the same way
    q(w, "INSERT INTO tasks (project_id, title) VALUES (1, 'before rollback')")

    def rollback_by_rename():
        cur = m.cursor()
        cur.execute("ALTER BRANCH sw_b RENAME TO sw_b_failed_v48")
        cur.execute("ALTER BRANCH sw_b_retired_v48 RENAME TO sw_b")
        m.commit()

    th, out = run_in_thread(rollback_by_rename)
    time.sleep(0.3)
    assert th.is_alive()
    w.commit()
    th.join(20)
    assert out == {"ok": None}
    assert not has_v48(w)  # w follows the name to the rolled-back (v47) branch
    w.commit()
    for c in (w, m, admin):
        c.close()


def test_transaction_spanning_a_swap_fails_40001(heliosd, db):
    """A transaction that began (and read) before a swap and writes after it
    fails with 40001 at commit: it never writes into the retired branch."""
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_f")
    w = connect(heliosd, db, branch="sw_f", autocommit=False)
    m = connect(heliosd, db, autocommit=False)
    q(w, "SELECT count(*) FROM tasks")
    migrate(m, "sw_f")
    q(w, "UPDATE tasks SET title = 'late' WHERE title = 't1'")
    with pytest.raises(psycopg2.errors.SerializationFailure) as ei:
        w.commit()
    assert "renamed or dropped" in str(ei.value)
    w.rollback()
    q(admin, "USE BRANCH sw_f_retired_v48")
    assert one(admin, "SELECT count(*) FROM tasks WHERE title = 'late'") == 0
    q(admin, "USE BRANCH main")
    # the retry runs on the new branch
    q(w, "UPDATE tasks SET title = 'late' WHERE title = 't1'")
    w.commit()
    assert one(w, "SELECT priority_label FROM tasks WHERE title = 'late'") is not None
    w.commit()
    # a read-only transaction spanning a swap commits (it wrote nothing)
    q(w, "SELECT count(*) FROM tasks")
    migrate(m, "sw_f", retired_suffix="_retired_v49", sql=NOOP)
    q(w, "SELECT count(*) FROM tasks")
    w.commit()
    for c in (w, m, admin):
        c.close()


def test_migration_fails_if_source_changed_after_fork(heliosd, db):
    """A REPEATABLE READ migration forks at its transaction snapshot: a tenant
    commit after that snapshot makes the swap fail (40001), never lose it."""
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_c")
    tenant = connect(heliosd, db, branch="sw_c")
    m = connect(heliosd, db, autocommit=False)
    m.set_session(isolation_level="REPEATABLE READ")
    one(m, "SELECT count(*) FROM helios_branches()")  # the snapshot
    q(tenant, "INSERT INTO tasks (project_id, title) VALUES (1, 'after snapshot')")
    with pytest.raises(psycopg2.errors.SerializationFailure) as ei:
        migrate(m, "sw_c")
    assert "changed after" in str(ei.value)
    m.rollback()
    assert q(admin, "SELECT branch_name FROM helios_branches() WHERE branch_name LIKE 'sw\\_c%'") == [("sw_c",)]
    migrate(m, "sw_c")  # the retry sees the write and keeps it
    assert one(tenant, "SELECT count(*) FROM tasks WHERE title = 'after snapshot' AND priority_label IS NOT NULL") == 1
    for c in (tenant, m, admin):
        c.close()


def test_writers_wait_for_the_fork_then_retry(heliosd, db):
    """READ COMMITTED migration: CREATE BRANCH holds the source's write lock, so a
    tenant write issued meanwhile waits, then fails 40001 (its branch was swapped
    out) instead of committing to the retired branch; its retry lands on the new one."""
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_e")
    tenant = connect(heliosd, db, branch="sw_e")
    m = connect(heliosd, db, autocommit=False)
    result = {}

    def write():
        try:
            q(tenant, "INSERT INTO tasks (project_id, title) VALUES (1, 'during migration')")
            result["ok"] = True
        except psycopg2.Error as e:
            result["err"] = e.pgcode

    cur = m.cursor()
    cur.execute("CREATE BRANCH sw_e_v48 FROM sw_e")
    th = threading.Thread(target=write)
    th.start()
    time.sleep(0.3)
    assert th.is_alive(), "the tenant write should wait for the migration"
    waiting = one(admin, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    assert waiting >= 1
    cur.execute("USE BRANCH sw_e_v48")
    cur.execute(MIGRATION)
    cur.execute("ALTER BRANCH sw_e RENAME TO sw_e_retired_v48")
    cur.execute("ALTER BRANCH sw_e_v48 RENAME TO sw_e")
    m.commit()
    th.join(10)
    assert result == {"err": "40001"}
    q(tenant, "INSERT INTO tasks (project_id, title) VALUES (1, 'during migration')")
    assert one(tenant, "SELECT count(*) FROM tasks WHERE title = 'during migration'") == 1
    q(admin, "USE BRANCH sw_e_retired_v48")
    assert one(admin, "SELECT count(*) FROM tasks WHERE title = 'during migration'") == 0
    for c in (tenant, m, admin):
        c.close()


def test_swap_is_atomic_and_writes_are_never_lost(heliosd, db):
    """Readers and writers hammer a tenant through pooled sessions (and new
    connections) while it is migrated and swapped back and forth; no reader
    ever fails or sees a mixture, and every acknowledged insert is in the
    tenant's live branch at the end."""
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_d", tasks=50)
    stop = threading.Event()
    errors: list = []
    acked: list = []
    seen: set = set()

    def reader():
        c = connect(heliosd, db, branch="sw_d")
        try:
            while not stop.is_set():
                c.autocommit = False
                v48 = has_v48(c)
                # within one transaction the schema and the data agree
                n = one(c, "SELECT count(*) FROM tasks WHERE priority_label IS NOT NULL") if v48 else None
                c.commit()
                c.autocommit = True
                seen.add(v48)
                if v48 and n is None:
                    errors.append("mixed")
        except Exception as e:  # any failure is a bug here
            errors.append(repr(e))
        finally:
            c.close()

    def connector():
        try:
            while not stop.is_set():
                c = connect(heliosd, db, branch="sw_d")
                one(c, "SELECT count(*) FROM tasks")
                c.close()
        except Exception as e:
            errors.append(repr(e))

    def writer(k):
        c = connect(heliosd, db, branch="sw_d")
        i = 0
        try:
            while not stop.is_set():
                title = f"w{k}-{i}"
                try:
                    q(c, "INSERT INTO tasks (project_id, title) VALUES (1, %s)", (title,))
                    acked.append(title)
                except psycopg2.errors.SerializationFailure:
                    pass  # a swap moved the branch: the insert was not acknowledged
                i += 1
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    threads = [threading.Thread(target=reader) for _ in range(3)] + [threading.Thread(target=connector)] + \
        [threading.Thread(target=writer, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    # READ COMMITTED, as psycopg2's default: CREATE BRANCH holds the source's write
    # lock, so writers wait and both row counts agree; the migration never starves
    m = connect(heliosd, db, autocommit=False)
    swaps = 0
    retries = 0
    deadline = time.monotonic() + 60
    try:
        for round_ in range(4):
            while time.monotonic() < deadline:
                try:
                    migrate(m, "sw_d", retired_suffix=f"_old{round_}", sql=MIGRATION if round_ == 0 else NOOP)
                    swaps += 1
                    break
                except psycopg2.errors.SerializationFailure:
                    m.rollback()  # a migration client retries; the write lock makes it rare
                    retries += 1
            time.sleep(0.2)
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        m.close()
    assert not errors, errors[:5]
    assert swaps == 4 and retries == 0 and seen <= {False, True}
    live = connect(heliosd, db, branch="sw_d")
    titles = {r[0] for r in q(live, "SELECT title FROM tasks WHERE title LIKE 'w%%'")}
    assert set(acked) <= titles and len(acked) > 0
    assert one(live, "SELECT count(*) FROM tasks WHERE priority_label IS NULL AND title NOT LIKE 'w%%'") == 0
    live.close()
    admin.close()


def test_listen_follows_the_swap(heliosd, db):
    """A pooled session LISTENing on its tenant keeps hearing the tenant's
    NOTIFYs after the branch-and-swap (registrations follow the session)."""
    admin = connect(heliosd, db)
    new_tenant(admin, "sw_g")
    listener = connect(heliosd, db, branch="sw_g")
    q(listener, "LISTEN jobs")
    m = connect(heliosd, db, autocommit=False)
    migrate(m, "sw_g")
    q(listener, "SELECT 1")  # its next transaction moves it to the new branch
    sender = connect(heliosd, db, branch="sw_g")
    q(sender, "NOTIFY jobs, 'after swap'")
    old = connect(heliosd, db, branch="sw_g_retired_v48")
    q(old, "NOTIFY jobs, 'to the retired branch'")
    time.sleep(0.2)
    q(listener, "SELECT 1")
    listener.poll()
    assert [n.payload for n in listener.notifies] == ["after swap"]
    for c in (listener, sender, old, m, admin):
        c.close()
