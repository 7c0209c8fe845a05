"""Branch benchmark (not a test): the figures of docs/benchmarks.md, "Branches".

    .venv/bin/python bench/branch_bench.py                 # everything (~15-25 minutes here)
    .venv/bin/python bench/branch_bench.py --only create   # create | disk | migrate
    .venv/bin/python bench/branch_bench.py --quick         # small sizes, a smoke check

Everything goes through the real server (``python -m heliosd serve`` on lmdb,
started in a temporary directory) and the wire protocol, as an application
would see it:

- create:  CREATE BRANCH latency (one autocommit statement each, p50/p99 over
           ``--forks`` forks, interleaved) from a ~1 MB template branch and from
           a large one (``--big-mb``, default 1024 MB: one table of ~1 KB rows,
           loaded with INSERT ... SELECT generate_series in batches);
- disk:    bytes on disk for ``--tenants`` (1,000) tenants forked from one
           template (the SaaS template_v47 schema + ~1 MB of seed data), each
           then provisioned with two small writes, against PostgreSQL 15's
           ``CREATE DATABASE tenant TEMPLATE tmpl`` (a throwaway server from
           tests/pgserver.py; sizes from pg_database_size);
- migrate: wall time of the branch-and-swap client (the workload README's
           transaction per tenant, ``--threads`` threads) over ``--mig-tenants``
           (200) tenants of 5,000 tasks each.
"""
from __future__ import annotations

import argparse
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import psycopg2  # noqa: E402

from heliosserver import HeliosServer  # noqa: E402

WORKLOAD = ROOT / "tests" / "branches" / "saas"
TEMPLATE_SQL = (WORKLOAD / "template_v47.sql").read_text()
MIGRATION_SQL = (WORKLOAD / "migration_v48.sql").read_text()
OUT: list[str] = []


def say(line=""):
    OUT.append(line)
    print(line, flush=True)


def conn(server, db, branch=None, autocommit=True):
    c = psycopg2.connect(host=server.host, port=server.port, user=server.user, password=server.password, dbname=db,
                         options=f"-c helios.branch={branch}" if branch else None)
    c.autocommit = autocommit
    return c


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def du(path) -> int:
    out = subprocess.run(["du", "-s", "--block-size=1", str(path)], capture_output=True, text=True).stdout
    return int(out.split()[0])


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def load_template(c):
    for stmt in TEMPLATE_SQL.split(";"):
        if stmt.strip():
            q(c, stmt)


def seed_1mb(c):
    """~1 MB of template data: 2,000 tasks of ~500 bytes."""
    q(c, "INSERT INTO tasks (project_id, title, description, priority, tags) "
         "SELECT 1, 'Template task ' || g, repeat('lorem ipsum ', 40), g % 10, '[\"onboarding\"]' "
         "FROM generate_series(1, 2000) g")


# ----------------------------------------------------------------------------- create


def bench_create(server, args):
    say("## CREATE BRANCH latency")
    c = conn(server, "postgres")
    q(c, "CREATE DATABASE bench_create")
    c.close()
    c = conn(server, "bench_create")
    q(c, "CREATE BRANCH small FROM main")
    q(c, "USE BRANCH small")
    q(c, "CREATE TABLE t (id bigint PRIMARY KEY, payload text)")
    q(c, "INSERT INTO t SELECT g, repeat('x', 1000) FROM generate_series(1, 1000) g")
    q(c, "USE BRANCH main")
    q(c, "CREATE BRANCH big FROM main")
    q(c, "USE BRANCH big")
    q(c, "CREATE TABLE t (id bigint PRIMARY KEY, payload text)")
    rows = args.big_mb * 1000
    t0 = time.monotonic()
    batch = 20000
    before = du(server.datadir)
    for start in range(0, rows, batch):
        q(c, "INSERT INTO t SELECT g, repeat(md5(g::text), 31) FROM generate_series(%s, %s) g",
          (start + 1, min(rows, start + batch)))
    load_s = time.monotonic() - t0
    q(c, "USE BRANCH main")
    sizes = {r[0]: (r[1], r[2]) for r in q(c, "SELECT branch_name, own_rows, own_bytes FROM helios_branches() "
                                              "WHERE branch_name IN ('small', 'big')")}
    say(f"templates: small {sizes['small'][0]:,} rows / {sizes['small'][1] / 1e6:.1f} MB, "
        f"big {sizes['big'][0]:,} rows / {sizes['big'][1] / 1e6:.0f} MB (loaded in {load_s:.0f} s; "
        f"data dir grew {(du(server.datadir) - before) / 1e6:.0f} MB)")
    lat = {"small": [], "big": []}
    for i in range(args.forks):
        for parent in ("small", "big"):
            t = time.perf_counter()
            q(c, f"CREATE BRANCH f_{parent}_{i} FROM {parent}")
            lat[parent].append((time.perf_counter() - t) * 1e3)
    # reads in a fork of the big template go through the parent's rows
    q(c, "USE BRANCH f_big_0")
    t = time.perf_counter()
    n = q(c, "SELECT count(*) FROM t")[0][0]
    scan_s = time.perf_counter() - t
    q(c, "USE BRANCH main")
    say("| template | forks | p50 | p99 | max |")
    say("|---|---|---|---|---|")
    for parent, label in (("small", f"{sizes['small'][1] / 1e6:.1f} MB"), ("big", f"{sizes['big'][1] / 1e6:.0f} MB")):
        xs = lat[parent]
        say(f"| {label} | {len(xs)} | {statistics.median(xs):.2f} ms | {pct(xs, 99):.2f} ms | {max(xs):.2f} ms |")
    say(f"(a fork of the big template counts its {n:,} inherited rows in {scan_s:.2f} s)")
    say()
    c.close()


# ----------------------------------------------------------------------------- disk


def bench_disk(server, args):
    from pgserver import PgServer

    n = args.tenants
    say(f"## Bytes on disk: {n} tenants from one template")
    c = conn(server, "postgres")
    q(c, "CREATE DATABASE bench_disk")
    c.close()
    c = conn(server, "bench_disk")
    load_template(c)
    q(c, "USE BRANCH template_v47")
    seed_1mb(c)
    tmpl_bytes = q(c, "SELECT own_bytes FROM helios_branches() WHERE branch_name = 'template_v47'")[0][0]
    q(c, "USE BRANCH main")
    time.sleep(1)
    d0 = du(server.datadir)
    t0 = time.monotonic()
    for i in range(n):
        q(c, f"CREATE BRANCH tenant_{i} FROM template_v47")
    fork_s = time.monotonic() - t0
    time.sleep(1)
    d1 = du(server.datadir)
    for i in range(n):
        q(c, f"USE BRANCH tenant_{i}")
        q(c, "INSERT INTO projects (name, owner_id, settings) VALUES (%s, %s, '{\"plan\": \"trial\"}')",
          (f"Tenant {i}", i))
        q(c, "INSERT INTO team_members (email, display_name, role) VALUES (%s, 'Owner', 'admin')",
          (f"owner@t{i}.example",))
    q(c, "USE BRANCH main")
    time.sleep(1)
    d2 = du(server.datadir)
    c.close()
    say(f"heliosd: template branch {tmpl_bytes / 1e6:.2f} MB of rows; {n} forks in {fork_s:.1f} s: "
        f"data dir +{(d1 - d0) / 1e6:.1f} MB; after each tenant's 2 provisioning rows: "
        f"+{(d2 - d0) / 1e6:.1f} MB ({(d2 - d0) / n / 1e3:.1f} kB per tenant)")
    # PostgreSQL 15: CREATE DATABASE ... TEMPLATE
    pg_n = min(n, args.pg_tenants)
    pg = PgServer()
    try:
        pc = psycopg2.connect(pg.dsn("postgres"))
        pc.autocommit = True
        q(pc, "CREATE DATABASE tmpl")
        tc = psycopg2.connect(pg.dsn("tmpl"))
        tc.autocommit = True
        for stmt in TEMPLATE_SQL.split(";"):
            s = stmt.strip()
            if s and not s.upper().startswith(("CREATE BRANCH", "USE BRANCH")):
                q(tc, s)
        seed_1mb(tc)
        tc.close()
        tmpl_size = q(pc, "SELECT pg_database_size('tmpl')")[0][0]
        t0 = time.monotonic()
        for i in range(pg_n):
            q(pc, f"CREATE DATABASE tenant_{i} TEMPLATE tmpl")
        pg_s = time.monotonic() - t0
        total = sum(r[0] for r in q(pc, "SELECT pg_database_size(datname) FROM pg_database "
                                        "WHERE datname LIKE 'tenant\\_%'"))
        pc.close()
    finally:
        pg.stop()
    per = total / pg_n
    extra = "" if pg_n == n else f" (measured {pg_n}, x{n / pg_n:.0f} extrapolated)"
    say(f"PostgreSQL 15: template database {tmpl_size / 1e6:.1f} MB; {pg_n} CREATE DATABASE ... TEMPLATE in "
        f"{pg_s:.1f} s ({pg_s / pg_n * 1e3:.0f} ms each); {per / 1e6:.2f} MB per tenant, "
        f"{per * n / 1e9:.2f} GB for {n}{extra}")
    say("| | per tenant | 1,000 tenants | ratio |")
    say("|---|---|---|---|")
    say(f"| heliosd, fork only | {(d1 - d0) / n / 1e3:.1f} kB | {(d1 - d0) / n * 1000 / 1e6:.1f} MB | "
        f"1 : {per / max(1, (d1 - d0) / n):,.0f} |")
    say(f"| heliosd, fork + 2 rows | {(d2 - d0) / n / 1e3:.1f} kB | {(d2 - d0) / n * 1000 / 1e6:.1f} MB | "
        f"1 : {per / max(1, (d2 - d0) / n):,.0f} |")
    say(f"| PostgreSQL 15 TEMPLATE | {per / 1e6:.2f} MB | {per * 1000 / 1e9:.2f} GB | |")
    say()


# ----------------------------------------------------------------------------- migrate


def migrate_tenant(m, t: str, home: str = "main") -> int:
    """Roll migration v48 out to tenant branch ``t`` by branch-and-swap, in one
    transaction on psycopg2 connection ``m`` (autocommit off), as the workload
    README describes; retried on 40001. Returns the number of retries."""
    cur = m.cursor()
    retries = 0
    while True:
        try:
            cur.execute(f"CREATE BRANCH {t}_v48 FROM {t}")
            cur.execute(f"USE BRANCH {t}_v48")
            cur.execute(MIGRATION_SQL)
            cur.execute("SELECT count(*) FROM tasks")
            a = cur.fetchone()[0]
            cur.execute(f"USE BRANCH {t}")
            cur.execute("SELECT count(*) FROM tasks")
            b = cur.fetchone()[0]
            if a != b:
                raise RuntimeError(f"{t}: {a} != {b}")
            cur.execute(f"ALTER BRANCH {t} RENAME TO {t}_retired_v48")
            cur.execute(f"ALTER BRANCH {t}_v48 RENAME TO {t}")
            m.commit()
            cur.execute(f"USE BRANCH {home}")
            m.commit()
            return retries
        except psycopg2.errors.SerializationFailure:
            m.rollback()
            retries += 1


def bench_migrate(server, args):
    n, tasks = args.mig_tenants, args.mig_tasks
    say(f"## Branch-and-swap rollout: {n} tenants of {tasks:,} tasks, {args.threads} threads")
    c = conn(server, "postgres")
    q(c, "CREATE DATABASE bench_mig")
    c.close()
    c = conn(server, "bench_mig")
    load_template(c)
    t0 = time.monotonic()
    for i in range(n):
        q(c, f"CREATE BRANCH tenant_{i} FROM template_v47")
        q(c, f"USE BRANCH tenant_{i}")
        q(c, "INSERT INTO tasks (project_id, title, status, priority, tags) SELECT 1, 'Task ' || g, "
             "(ARRAY['todo', 'doing', 'done'])[1 + g %% 3], g %% 10, "
             "CASE WHEN g %% 5 = 0 THEN '[\"urgent\"]'::jsonb ELSE '[]'::jsonb END FROM generate_series(1, %s) g",
          (tasks,))
    q(c, "USE BRANCH main")
    say(f"seeded {n * tasks:,} tasks in {time.monotonic() - t0:.0f} s")
    c.close()
    work: queue.Queue = queue.Queue()
    for i in range(n):
        work.put(f"tenant_{i}")
    per: list[float] = []
    retries = [0]
    errors: list = []

    def client():
        m = conn(server, "bench_mig", autocommit=False)
        try:
            while True:
                try:
                    t = work.get_nowait()
                except queue.Empty:
                    return
                s = time.perf_counter()
                retries[0] += migrate_tenant(m, t)
                per.append(time.perf_counter() - s)
        except Exception as e:  # report, don't hang
            errors.append(repr(e))
        finally:
            m.close()

    t0 = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(args.threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.monotonic() - t0
    if errors:
        say(f"errors: {errors[:3]}")
    say(f"migrated {len(per)} tenants in {wall:.1f} s wall ({len(per) / wall:.1f} tenants/s); per tenant "
        f"p50 {statistics.median(per):.2f} s, p99 {pct(per, 99):.2f} s; {retries[0]} retries")
    say()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="create,disk,migrate")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--dir", default=None, help="work directory (default: a temporary one)")
    ap.add_argument("--big-mb", type=int, default=1024)
    ap.add_argument("--forks", type=int, default=200)
    ap.add_argument("--tenants", type=int, default=1000)
    ap.add_argument("--pg-tenants", type=int, default=1000)
    ap.add_argument("--mig-tenants", type=int, default=200)
    ap.add_argument("--mig-tasks", type=int, default=5000)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    if args.quick:
        args.big_mb, args.forks, args.tenants, args.pg_tenants = 20, 50, 50, 20
        args.mig_tenants, args.mig_tasks = 10, 500
    base = Path(args.dir or tempfile.mkdtemp(prefix="branch_bench_"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        for section in args.only.split(","):
            d = base / section
            shutil.rmtree(d, ignore_errors=True)
            server = HeliosServer(str(d), env={"HELIOS_LOG_LEVEL": "warning"})
            server.start(timeout=60)
            try:
                {"create": bench_create, "disk": bench_disk, "migrate": bench_migrate}[section](server, args)
            finally:
                server.stop()
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
