"""Acceptance (b): roll migration v48 out to 50 tenants with branch-and-swap
from psycopg2, in parallel threads, while tenants keep working; verify,
roll one tenant back by renaming, show the template and every other tenant
untouched, and run the three report queries on migrated tenants.

The migration client is the workload README's, one transaction per tenant::

    CREATE BRANCH tenant_X_v48 FROM tenant_X; USE BRANCH tenant_X_v48;
    <migration_v48.sql>; row counts on both branches;
    ALTER BRANCH tenant_X RENAME TO tenant_X_retired_v48;
    ALTER BRANCH tenant_X_v48 RENAME TO tenant_X; COMMIT
"""
from __future__ import annotations

import queue
import threading
import time

import psycopg2
import pytest

from .util import connect, report_queries, workload_file

DB = "br_mig"
MIGRATED = 50
UNTOUCHED = 4
WRITTEN = (3, 11, 19, 27, 35)  # tenants whose application keeps inserting during the rollout
ROLLED_BACK = 8
TABLES = ("projects", "tasks", "time_entries", "team_members")
MIGRATION = workload_file("migration_v48.sql")


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def one(c, sql, args=None):
    return q(c, sql, args)[0][0]


def tname(i):
    return f"tenant_{i:03d}"


def fingerprint(c):
    """Row counts and a content digest of every table of the session's branch."""
    out = {}
    for t in TABLES:
        out[t] = (one(c, f"SELECT count(*) FROM {t}"), one(c, f"SELECT md5(coalesce(string_agg(x::text, '|' "
                                                             f"ORDER BY x.id), '')) FROM {t} x"))
    return out


def has_v48(c):
    return one(c, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'tasks' "
                  "AND column_name = 'priority_label'") == 1


def seed_tenant(c, i):
    """A tenant with its own shape: 2-4 projects, 60-120 tasks, time entries, members."""
    n_proj, n_tasks, n_members = 2 + i % 3, 60 + i % 61, 3 + i % 4
    q(c, f"CREATE BRANCH {tname(i)} FROM template_v47")
    q(c, f"USE BRANCH {tname(i)}")
    q(c, "INSERT INTO team_members (email, display_name, role) SELECT 'u' || g || '@t%s.example', "
         "'User ' || g, CASE WHEN g = 1 THEN 'admin' ELSE 'member' END FROM generate_series(1, %s) g", (i, n_members))
    q(c, "INSERT INTO projects (name, status, owner_id, settings) SELECT 'Project ' || g, "
         "CASE WHEN g %% 4 = 0 THEN 'archived' ELSE 'active' END, 1, jsonb_build_object('n', g) "
         "FROM generate_series(1, %s) g", (n_proj,))
    q(c, "INSERT INTO tasks (project_id, title, status, priority, assignee_id, due_date, estimated_hours, tags) "
         "SELECT p.ids[1 + g %% %s], 'Task ' || g, (ARRAY['todo', 'doing', 'done'])[1 + g %% 3], g %% 10, "
         "1 + g %% %s, CURRENT_DATE + (g %% 30 - 10), (g %% 8) * 1.25, "
         "CASE WHEN g %% 5 = 0 THEN '[\"urgent\"]'::jsonb ELSE '[\"later\"]'::jsonb END "
         "FROM generate_series(1, %s) g, (SELECT array_agg(id ORDER BY id) AS ids FROM projects WHERE id > 1) p",
      (n_proj, n_members, n_tasks))
    q(c, "INSERT INTO time_entries (task_id, user_id, started_at, ended_at, duration_minutes, billable) "
         "SELECT t.ids[1 + g %% %s], 1 + g %% %s, NOW() - (g %% 25) * INTERVAL '1 day', NOW(), 15 + g %% 90, "
         "g %% 3 <> 0 FROM generate_series(1, %s) g, (SELECT array_agg(id ORDER BY id) AS ids FROM tasks) t",
      (n_tasks, n_members, 2 * n_tasks))
    q(c, "USE BRANCH main")


def migrate_tenant(c, t):
    """One tenant's branch-and-swap in one transaction; returns the row counts."""
    cur = c.cursor()
    cur.execute(f"CREATE BRANCH {t}_v48 FROM {t}")
    cur.execute(f"USE BRANCH {t}_v48")
    cur.execute(MIGRATION)
    new = {tb: one(c, f"SELECT count(*) FROM {tb}") for tb in TABLES}
    labelled = one(c, "SELECT count(*) FROM tasks WHERE priority_label IS NOT NULL")
    cur.execute(f"USE BRANCH {t}")
    old = {tb: one(c, f"SELECT count(*) FROM {tb}") for tb in TABLES}
    if new != old or labelled != new["tasks"]:
        raise AssertionError(f"{t}: row counts differ {old} vs {new} (labelled {labelled})")
    cur.execute(f"ALTER BRANCH {t} RENAME TO {t}_retired_v48")
    cur.execute(f"ALTER BRANCH {t}_v48 RENAME TO {t}")
    c.commit()
    cur.execute("USE BRANCH main")
    c.commit()
    return new


@pytest.fixture(scope="module")
def fleet(heliosd, saas):
    db = saas(DB)
    admin = connect(heliosd, db)
    for i in range(MIGRATED + UNTOUCHED):
        seed_tenant(admin, i)
    before = {}
    for i in range(MIGRATED + UNTOUCHED):
        q(admin, f"USE BRANCH {tname(i)}")
        before[i] = fingerprint(admin)
    q(admin, "USE BRANCH template_v47")
    template = fingerprint(admin)
    q(admin, "USE BRANCH main")
    yield {"db": db, "admin": admin, "before": before, "template": template}
    admin.close()


def test_rollout_rollback_and_reports(heliosd, fleet):
    db, admin, before = fleet["db"], fleet["admin"], fleet["before"]
    # pooled application sessions, connected before the rollout and left idle
    pooled = {i: connect(heliosd, db, branch=tname(i)) for i in range(0, MIGRATED + UNTOUCHED, 7)}
    for i, c in pooled.items():
        assert not has_v48(c)
    # tenants that keep writing during the rollout
    stop = threading.Event()
    acked = {i: [] for i in WRITTEN}
    errors = []

    def app(i):
        c = connect(heliosd, db, branch=tname(i))
        k = 0
        try:
            while not stop.is_set():
                title = f"live-{i}-{k}"
                k += 1
                try:
                    q(c, "INSERT INTO tasks (project_id, title, priority) VALUES (1, %s, 9)", (title,))
                    acked[i].append(title)
                except psycopg2.errors.SerializationFailure:
                    pass  # its branch was swapped under the statement: not acknowledged, retried by the app
                time.sleep(0.005)
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    apps = [threading.Thread(target=app, args=(i,)) for i in WRITTEN]
    for th in apps:
        th.start()
    time.sleep(0.2)

    work: queue.Queue = queue.Queue()
    for i in range(MIGRATED):
        work.put(tname(i))
    done, retries = [], []

    def migrator():
        c = connect(heliosd, db, autocommit=False)
        try:
            while True:
                try:
                    t = work.get_nowait()
                except queue.Empty:
                    return
                for _attempt in range(20):
                    try:
                        migrate_tenant(c, t)
                        done.append(t)
                        break
                    except psycopg2.errors.SerializationFailure:
                        c.rollback()
                        retries.append(t)
                else:
                    errors.append(f"{t}: gave up")
        except Exception as e:
            errors.append(repr(e))
        finally:
            c.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=migrator) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(600)
    wall = time.monotonic() - t0
    stop.set()
    for th in apps:
        th.join(30)
    assert not errors, errors[:5]
    assert sorted(done) == [tname(i) for i in range(MIGRATED)]
    print(f"\nmigrated {MIGRATED} tenants in {wall:.2f} s with 8 threads ({len(retries)} retries)")

    # every migrated tenant: v48 schema, every row labelled, nothing lost
    for i in range(MIGRATED):
        q(admin, f"USE BRANCH {tname(i)}")
        assert has_v48(admin)
        assert one(admin, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_tasks_priority_label'") == 1
        assert one(admin, "SELECT count(*) FROM tasks WHERE priority_label IS NULL AND title NOT LIKE 'live-%%'") == 0
        n_live = len(acked.get(i, []))
        counts = {t: one(admin, f"SELECT count(*) FROM {t}") for t in TABLES}
        expect = {t: before[i][t][0] + (n_live if t == "tasks" else 0) for t in TABLES}
        assert counts == expect, (i, counts, expect)
        if n_live:
            titles = {r[0] for r in q(admin, "SELECT title FROM tasks WHERE title LIKE 'live-%%'")}
            assert titles == set(acked[i])  # acknowledged writes are all in the live branch
        # the retired branch is the tenant as it was (v47), writes made before its swap included
        q(admin, f"USE BRANCH {tname(i)}_retired_v48")
        assert not has_v48(admin)
        if not n_live:
            assert fingerprint(admin) == before[i]
    q(admin, "USE BRANCH main")

    # pooled sessions moved to the new branches at their next transaction
    for i, c in pooled.items():
        assert has_v48(c) == (i < MIGRATED)

    # the three report queries on migrated tenants
    dash, team, search = report_queries()
    for i in (0, 1, ROLLED_BACK + 1, MIGRATED - 1):
        c = connect(heliosd, db, branch=tname(i))
        rows = q(c, dash)
        assert len(rows) == one(c, "SELECT count(*) FROM projects WHERE status = 'active'")
        assert sum(r[3] for r in rows) == one(
            c, "SELECT count(*) FROM tasks t JOIN projects p ON p.id = t.project_id "
               "LEFT JOIN time_entries te ON te.task_id = t.id WHERE p.status = 'active'")
        rows = q(c, team)
        assert rows and all(r[2] is not None for r in rows)
        rows = q(c, search)
        assert len(rows) == one(c, "SELECT count(*) FROM tasks t JOIN projects p ON t.project_id = p.id "
                                   "WHERE t.status <> 'done' AND t.tags @> '[\"urgent\"]'")
        assert rows and {r[3] for r in rows} <= {"critical", "high", "medium", "low"}
        c.close()

    # roll one tenant back by renaming (no copy: the retired branch is the old tenant)
    t = tname(ROLLED_BACK)
    assert ROLLED_BACK not in WRITTEN
    c = connect(heliosd, db, autocommit=False)
    q(c, f"ALTER BRANCH {t} RENAME TO {t}_failed_v48")
    q(c, f"ALTER BRANCH {t}_retired_v48 RENAME TO {t}")
    c.commit()
    c.close()
    rb = pooled.get(ROLLED_BACK) or connect(heliosd, db, branch=t)
    assert not has_v48(rb)
    assert fingerprint(rb) == before[ROLLED_BACK]

    # the template and the tenants outside the rollout are untouched
    q(admin, "USE BRANCH template_v47")
    assert not has_v48(admin) and fingerprint(admin) == fleet["template"]
    for i in range(MIGRATED, MIGRATED + UNTOUCHED):
        q(admin, f"USE BRANCH {tname(i)}")
        assert not has_v48(admin) and fingerprint(admin) == before[i]
    q(admin, "USE BRANCH main")
    names = {r[0] for r in q(admin, "SELECT branch_name FROM helios_branches()")}
    assert {f"{tname(i)}_retired_v48" for i in range(MIGRATED) if i != ROLLED_BACK} <= names
    assert f"{t}_failed_v48" in names and not any(n.endswith("_v48") and not n.endswith(("retired_v48",
                                                                                         "failed_v48"))
                                                   for n in names)
    for c in pooled.values():
        c.close()
    # the retired branches can go: the live tenants keep reading the rows they share
    for i in range(MIGRATED):
        if i != ROLLED_BACK:
            q(admin, f"DROP BRANCH {tname(i)}_retired_v48")
    q(admin, f"USE BRANCH {tname(0)}")
    assert one(admin, "SELECT count(*) FROM tasks") == before[0]["tasks"][0] + len(acked.get(0, []))
    q(admin, "USE BRANCH main")
