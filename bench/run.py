#!/usr/bin/env python3
"""heliosd side by side with PostgreSQL 15 on this machine, in one run (issue 8).

    .venv/bin/python bench/run.py --quick     # make bench       (under 10 minutes here)
    .venv/bin/python bench/run.py --full      # make bench-full  (scale 10, 150k-record tenant, 200 tenants, 5k conns)
    .venv/bin/python bench/run.py --quick --only pgbench,reports --no-doc

Starts a heliosd (``python -m heliosd serve``, lmdb, temporary data dir) and a
throwaway PostgreSQL 15 (tests/pgserver.py: Debian's binaries, its own data dir
and port, run as user ``postgres`` when we are root) with PostgreSQL's own
defaults for durability (fsync, synchronous_commit=on, full_page_writes,
autovacuum, shared_buffers 128MB) -- heliosd's synchronous_commit default is
also ``on`` (fsync at commit). Then runs the same work against both and reports
heliosd/PostgreSQL ratios of medians over at least 3 runs (with min and max).

Sections (``--only`` takes a comma list):

- ``protocol``  SELECT 1 rate (pgbench custom script, 8 clients; and a one-connection
                libpq loop) -- bench/protocol_bench.py's code;
- ``pgbench``   ``pgbench -S`` (simple and ``-M prepared``) and tpcb-like, 1/8/32 clients;
- ``bulk``      100k rows by COPY and by multi-row INSERT (1,000 rows per statement);
                point SELECT by primary key from one connection;
- ``reports``   the SaaS workload's three report queries on tenants of 500, 5k
                (and, --full, 150k) records (heliosd: branches of template_v47;
                PostgreSQL: databases made from a template database);
- ``fleet``     provisioning N tenants (CREATE BRANCH vs CREATE DATABASE ... TEMPLATE vs
                schema-per-tenant), each seeded with 500 records; bytes on disk;
- ``oltp``      point reads and updates on tasks across the fleet, paced, p50/p99;
- ``noisy``     one tenant runs the dashboard query on 10 connections while 50 others run
                paced point queries: their p99 with and without it;
- ``migrate``   migration v48 over the fleet (heliosd: branch-and-swap, bench/branch_bench.py;
                PostgreSQL: in each tenant database / schema), 8 threads;
- ``conns``     RSS with 1k (--full: also 5k) idle connections.

Raw results go to bench/out/run-{quick,full}.json; docs/benchmarks.md gets the
tables between ``<!-- bench:run.py MODE start/end -->`` markers (created at the
top of the file the first time). Nothing here is asserted by `make test`.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import os
import platform
import queue
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402
import psycopg2  # noqa: E402

from branch_bench import MIGRATION_SQL, TEMPLATE_SQL, du, migrate_tenant, pct  # noqa: E402
from heliosserver import HeliosServer  # noqa: E402
from pgserver import PgServer  # noqa: E402
from protocol_bench import failed, pgbench, select1_loop, tps  # noqa: E402

QUERIES_SQL = (ROOT / "tests" / "branches" / "saas" / "queries.sql").read_text()
DOC = ROOT / "docs" / "benchmarks.md"

# PostgreSQL's defaults where tests/pgserver.py's FAST_SETTINGS differ (durability and
# background work); the rest of FAST_SETTINGS (UTC, C messages, loopback) stays.
PG_SETTINGS = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
    "wal_level": "replica",
    "max_wal_senders": "10",
    "shared_buffers": "128MB",
    "autovacuum": "on",
    "jit": "on",
}


def split_queries(sql: str) -> list[str]:
    out = []
    for part in sql.split(";"):
        lines = [ln for ln in part.splitlines() if ln.strip() and not ln.strip().startswith("--")]
        if lines:
            out.append("\n".join(lines))
    return out


REPORTS = dict(zip(("dashboard", "utilization", "search"), split_queries(QUERIES_SQL)))
TEMPLATE_STMTS = [s for s in split_queries(TEMPLATE_SQL) if not s.upper().startswith(("CREATE BRANCH", "USE BRANCH"))]
MIGRATION_STMTS = split_queries(MIGRATION_SQL)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def summary(xs: list[float]) -> dict:
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs), "runs": list(xs)}


# ----------------------------------------------------------------------------- servers


class Target:
    """One server under test: connection facts plus helpers for both drivers."""

    def __init__(self, name: str, host: str, port: int, user: str, password: str):
        self.name, self.host, self.port, self.user, self.password = name, host, port, user, password

    def dsn(self, db="postgres", branch=None):
        d = f"host={self.host} port={self.port} user={self.user} dbname={db}"
        if self.password:
            d += f" password={self.password}"
        if branch:
            d += f" options='-c helios.branch={branch}'"
        return d

    def connect(self, db="postgres", branch=None, autocommit=True):
        c = psycopg2.connect(self.dsn(db, branch))
        c.autocommit = autocommit
        return c

    async def aconnect(self, db="postgres", branch=None, **kw):
        import asyncpg

        return await asyncpg.connect(host=self.host, port=self.port, user=self.user,
                                     password=self.password or None, database=db,
                                     server_settings={"helios.branch": branch} if branch else None, **kw)

    def pgbench(self, *args, timeout=900):
        """bench/protocol_bench.py's pgbench runner, against database postgres."""
        return pgbench(self.host, self.port, self.user, self.password, *args, timeout=timeout)


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def rss_kb(pid: int) -> tuple[int, int]:
    """(VmRSS, Pss) of one process in kB (0 when it is gone)."""
    rss = pss = 0
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
        for line in open(f"/proc/{pid}/smaps_rollup"):
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                st = open(f"/proc/{d}/stat").read()
                ppid = int(st[st.rindex(")") + 2:].split()[1])
            except (OSError, ValueError):
                continue
            if ppid == pid:
                out.append(int(d))
    return out


class Bench:
    def __init__(self, args):
        self.args = args
        self.full = args.full
        self.mode = "full" if args.full else "quick"
        self.res: dict = {"mode": self.mode, "sections": {}, "errors": {}}
        self.tmp = Path(tempfile.mkdtemp(prefix="heliosd-run-"))
        os.chmod(self.tmp, 0o755)
        self.h_server: HeliosServer | None = None
        self.pg_server: PgServer | None = None
        # sizes
        self.runs = max(3, args.runs)
        self.scale = 10 if self.full else 1
        self.pgb_seconds = 10 if self.full else 2
        self.sizes = [500, 5000, 150000] if self.full else [500, 5000]
        self.fleet = 200
        self.oltp_tenants = 200 if self.full else 50
        self.conn_counts = [1000, 5000] if self.full else [1000]
        self.load_seconds = 10 if self.full else 3

    # -- lifecycle -------------------------------------------------------------

    def start(self):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = min(hard, 65536)
        if soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        maxc = max(self.conn_counts) + 300
        log(f"starting PostgreSQL 15 (max_connections={maxc})")
        self.pg_server = PgServer(settings=dict(PG_SETTINGS, max_connections=str(maxc)))
        log(f"starting heliosd (data dir {self.tmp / 'heliosdata'})")
        self.h_server = HeliosServer(str(self.tmp / "heliosdata"), env={"HELIOS_LOG_LEVEL": "warning"},
                                     extra_args=["--log-level", "warning", "--max-connections", str(maxc)])
        self.h_server.start(timeout=60)
        self.H = Target("heliosd", self.h_server.host, self.h_server.port, self.h_server.user,
                        self.h_server.password)
        self.P = Target("postgresql", self.pg_server.host, self.pg_server.port, self.pg_server.user, "")
        self.both = (self.P, self.H)

    def stop(self):
        if self.h_server:
            self.h_server.stop()
        if self.pg_server:
            self.pg_server.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def machine(self):
        cpu = ""
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem = 0
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1])
        c = self.P.connect()
        pgv = q(c, "SELECT version()")[0][0]
        c.close()
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "heliosd"], cwd=ROOT, capture_output=True,
                               text=True).stdout.strip()
        return {"cpu": cpu, "cpus": os.cpu_count(), "mem_gb": round(mem / 1e6, 1), "kernel": platform.release(),
                "python": platform.python_version(), "postgresql": pgv, "heliosd_commit": rev,
                "heliosd_uncommitted_files": len(dirty.splitlines()),
                "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                "loadavg_start": os.getloadavg()}

    def run_section(self, name, fn):
        log(f"== {name}")
        t0 = time.monotonic()
        try:
            self.res["sections"][name] = fn()
        except Exception as e:
            traceback.print_exc()
            self.res["errors"][name] = f"{type(e).__name__}: {str(e)[:500]}"
        self.res.setdefault("seconds", {})[name] = round(time.monotonic() - t0, 1)
        log(f"== {name} done in {time.monotonic() - t0:.0f} s (load average {os.getloadavg()[0]:.2f})")

    # -- alternating runs ------------------------------------------------------

    def paired(self, fn, runs=None) -> dict:
        """fn(target) -> float, run alternately on both servers ``runs`` times."""
        xs: dict[str, list] = {"postgresql": [], "heliosd": []}
        for _ in range(runs or self.runs):
            for t in self.both:
                xs[t.name].append(fn(t))
        return {k: summary(v) for k, v in xs.items()}

    # -- 1. protocol -----------------------------------------------------------

    def sec_protocol(self):
        script = self.tmp / "select1.sql"
        script.write_text("SELECT 1;\n")
        script.chmod(0o644)
        secs = self.pgb_seconds
        out = {}
        out["select1_8c_qps"] = self.paired(lambda t: tps(t.pgbench(
            "-n", "-f", str(script), "-c", "8", "-j", "2", "-T", str(secs))))
        out["select1_1conn_qps"] = self.paired(lambda t: select1_loop(t.dsn(), secs))
        out["_params"] = {"seconds": secs}
        return out

    # -- 2. pgbench ------------------------------------------------------------

    def sec_pgbench(self):
        out = {"_params": {"scale": self.scale, "seconds": self.pgb_seconds}}
        for t in self.both:
            t0 = time.monotonic()
            t.pgbench("-i", "-s", str(self.scale), "-q")
            out.setdefault("init_seconds", {})[t.name] = time.monotonic() - t0
            log(f"pgbench -i -s {self.scale} on {t.name}: {time.monotonic() - t0:.1f} s")
        for label, extra in (("select_simple", ["-S"]), ("select_prepared", ["-S", "-M", "prepared"]),
                             ("tpcb", ["--max-tries=10"])):
            for clients in (1, 8, 32):
                lat: dict[str, list] = {"postgresql": [], "heliosd": []}
                fails: dict[str, int] = {"postgresql": 0, "heliosd": 0}

                def one(t, extra=extra, clients=clients, lat=lat, fails=fails):
                    o = t.pgbench(*extra, "-c", str(clients), "-j", str(min(2, clients)),
                                  "-T", str(self.pgb_seconds))
                    m = re.search(r"latency average = ([\d.]+) ms", o)
                    lat[t.name].append(float(m.group(1)) if m else float("nan"))
                    fails[t.name] += failed(o)
                    return tps(o)

                r = self.paired(one)
                r["latency_ms"] = {k: summary(v) for k, v in lat.items()}
                r["failed"] = fails
                out[f"{label}_{clients}c"] = r
                log(f"pgbench {label} {clients}c: PG {r['postgresql']['median']:.0f} tps, "
                    f"heliosd {r['heliosd']['median']:.0f} tps")
        return out

    # -- 3. bulk insert and point selects ----------------------------------------

    def sec_bulk(self):
        n = 100_000
        n_ins = n if self.full else 20_000  # heliosd parses a 1,000-row VALUES list slowly: keep quick mode quick
        base = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
        rows = [(i, i % 1000, f"row number {i} payload {'x' * (i % 40)}", base + dt.timedelta(seconds=i))
                for i in range(1, n + 1)]
        buf = io.StringIO()
        for r in rows:
            buf.write(f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3].isoformat()}\n")
        copy_text = buf.getvalue()
        ddl = "CREATE TABLE bulk (id bigint PRIMARY KEY, a int NOT NULL, b text, c timestamptz)"

        def fresh(t):
            c = t.connect()
            q(c, "DROP TABLE IF EXISTS bulk")
            q(c, ddl)
            return c

        def by_copy(t):
            c = fresh(t)
            c.autocommit = False
            t0 = time.perf_counter()
            c.cursor().copy_expert("COPY bulk FROM STDIN", io.StringIO(copy_text))
            c.commit()
            el = time.perf_counter() - t0
            c.close()
            return n / el

        def by_insert(t):
            from psycopg2.extras import execute_values

            c = fresh(t)
            c.autocommit = False
            cur = c.cursor()
            t0 = time.perf_counter()
            execute_values(cur, "INSERT INTO bulk (id, a, b, c) VALUES %s", rows[:n_ins], page_size=1000)
            c.commit()
            el = time.perf_counter() - t0
            c.close()
            return n_ins / el

        def point(t):
            rnd = random.Random(7)
            with psycopg.connect(t.dsn(), autocommit=True) as c:
                for _ in range(50):  # warm the prepared statement
                    c.execute("SELECT id, a, b, c FROM bulk WHERE id = %s", (rnd.randint(1, n),)).fetchone()
                k = 0
                t0 = time.perf_counter()
                end = t0 + self.pgb_seconds
                while time.perf_counter() < end:
                    for _ in range(100):
                        c.execute("SELECT id, a, b, c FROM bulk WHERE id = %s", (rnd.randint(1, n),)).fetchone()
                    k += 100
                return k / (time.perf_counter() - t0)

        out = {"_params": {"rows": n, "insert_rows": n_ins, "insert_rows_per_statement": 1000}}
        out["copy_rows_per_s"] = self.paired(by_copy)
        out["point_select_per_s"] = self.paired(point)
        out["insert_rows_per_s"] = self.paired(by_insert)
        return out

    # -- SaaS helpers ------------------------------------------------------------

    @staticmethod
    def tenant_data_sql(records: int) -> list[str]:
        """Deterministic tenant rows (explicit ids) for ``records`` records in all, split
        as team members, projects, tasks (~1/3) and time entries (~2/3), dated relative
        to now so the 4-week utilization report has rows."""
        m = max(8, records // 250)
        p = max(4, records // 1000)
        t = (records - m - p) // 3
        e = records - m - p - t
        return [
            f"INSERT INTO team_members (id, email, display_name, role, settings) "
            f"SELECT g, 'user' || g || '@tenant.test', 'Member ' || lpad(g::text, 4, '0'), "
            f"CASE g % 4 WHEN 0 THEN 'admin' WHEN 2 THEN 'contractor' ELSE 'member' END, "
            f"jsonb_build_object('tz', CASE WHEN g % 2 = 0 THEN 'UTC' ELSE 'Europe/Oslo' END) "
            f"FROM generate_series(1, {m}) g",
            f"INSERT INTO projects (id, name, description, status, owner_id, settings) "
            f"SELECT g, 'Project ' || g, 'Generated project ' || g, "
            f"CASE WHEN g % 5 = 4 THEN 'archived' ELSE 'active' END, 1 + g % {m}, "
            f"jsonb_build_object('budget', g * 1000) FROM generate_series(2, {p + 1}) g",
            f"INSERT INTO tasks (id, project_id, title, description, status, priority, assignee_id, due_date, "
            f"estimated_hours, tags) "
            f"SELECT g, 1 + (g * 3 + g / 6) % {p + 1}, 'Task ' || g, "
            f"CASE WHEN g % 3 = 0 THEN NULL ELSE 'Details for task ' || g END, "
            f"CASE WHEN g % 7 = 0 OR g % 11 = 0 OR g % 4 = 1 THEN 'done' WHEN g % 5 = 2 THEN 'in_progress' "
            f"ELSE 'todo' END, g % 10, CASE WHEN g % 9 = 0 THEN NULL ELSE 1 + (g * 5) % {m} END, "
            f"CASE WHEN g % 47 = 0 THEN NULL ELSE CURRENT_DATE - 60 + g % 120 END, "
            f"CASE WHEN g % 6 = 0 THEN NULL ELSE round((g % 17) * 1.25 + 0.5, 2) END, "
            f"(CASE g % 5 WHEN 0 THEN '[\"urgent\"]' WHEN 1 THEN '[\"urgent\", \"backend\"]' "
            f"WHEN 2 THEN '[\"frontend\"]' WHEN 3 THEN '[\"backend\", \"chore\"]' ELSE '[]' END)::jsonb "
            f"FROM generate_series(1, {t}) g",
            f"INSERT INTO time_entries (id, task_id, user_id, started_at, ended_at, duration_minutes, notes, "
            f"billable) "
            f"SELECT g, 1 + (g * 7) % {t}, 1 + (g * 5 + g / 12) % {m}, "
            f"date_trunc('hour', now()::timestamp) - ((g * 3) % 56) * interval '1 day' - (g % 9) * interval '1 hour', "
            f"date_trunc('hour', now()::timestamp) - ((g * 3) % 56) * interval '1 day' - (g % 9) * interval '1 hour' "
            f"+ (15 + (g * 43) % 240) * interval '1 minute', 15 + (g * 43) % 240, "
            f"CASE WHEN g % 4 = 0 THEN 'note ' || g END, g % 5 <> 0 "
            f"FROM generate_series(1, {e}) g",
        ]

    @staticmethod
    def tasks_of(records: int) -> int:
        m, p = max(8, records // 250), max(4, records // 1000)
        return (records - m - p) // 3

    def saas_setup(self):
        """heliosd: database saasdb with branch template_v47; PostgreSQL: database tmpl
        (template for database-per-tenant) and database saas_schemas (schema-per-tenant)."""
        if getattr(self, "_saas_ready", False):
            return
        c = self.H.connect()
        q(c, "CREATE DATABASE saasdb")
        c.close()
        c = self.H.connect("saasdb")
        for s in split_queries(TEMPLATE_SQL):
            q(c, s)
        q(c, "USE BRANCH main")
        c.close()
        c = self.P.connect()
        q(c, "CREATE DATABASE tmpl")
        q(c, "CREATE DATABASE saas_schemas")
        c.close()
        c = self.P.connect("tmpl")
        for s in TEMPLATE_STMTS:
            q(c, s)
        c.close()
        self._saas_ready = True

    def tenant_conn(self, t: Target, name: str, autocommit=True):
        """A psycopg2 connection to tenant ``name`` (branch / database)."""
        if t is self.H:
            return t.connect("saasdb", branch=name, autocommit=autocommit)
        return t.connect(name, autocommit=autocommit)

    def make_tenant(self, t: Target, name: str) -> float:
        """Provision one tenant on an admin connection; returns seconds."""
        admin = self.__dict__.setdefault("_admin", {})
        if t.name not in admin:
            admin[t.name] = self.H.connect("saasdb") if t is self.H else self.P.connect()
        c = admin[t.name]
        t0 = time.perf_counter()
        if t is self.H:
            q(c, f"CREATE BRANCH {name} FROM template_v47")
        else:
            q(c, f"CREATE DATABASE {name} TEMPLATE tmpl")
        return time.perf_counter() - t0

    def seed_tenant(self, t: Target, name: str, records: int, migrate=False):
        c = self.tenant_conn(t, name, autocommit=False)
        for s in self.tenant_data_sql(records):
            q(c, s)
        c.commit()
        if migrate:
            for s in MIGRATION_STMTS:
                q(c, s)
            c.commit()
        c.autocommit = True
        q(c, "ANALYZE")
        c.close()

    # -- 4. report queries ---------------------------------------------------------

    def sec_reports(self):
        self.saas_setup()
        out = {"_params": {"sizes": self.sizes}}
        for size in self.sizes:
            name = f"rep_{size}"
            for t in self.both:
                t0 = time.monotonic()
                self.make_tenant(t, name)
                self.seed_tenant(t, name, size, migrate=True)
                out.setdefault(f"load_seconds_{size}", {})[t.name] = time.monotonic() - t0
                log(f"tenant {name} on {t.name}: loaded in {time.monotonic() - t0:.1f} s")
            conns = {t.name: self.tenant_conn(t, name) for t in self.both}
            runs = self.runs if size < 100000 else 3
            for qname, sql in REPORTS.items():
                nrows = {}
                for t in self.both:  # warm-up, and row counts must agree
                    nrows[t.name] = len(q(conns[t.name], sql))

                def one(t, sql=sql):
                    t0 = time.perf_counter()
                    q(conns[t.name], sql)
                    return (time.perf_counter() - t0) * 1e3

                r = self.paired(one, runs=runs)
                r["rows"] = nrows
                out[f"{qname}_{size}_ms"] = r
                log(f"{qname} @ {size}: PG {r['postgresql']['median']:.1f} ms, heliosd {r['heliosd']['median']:.1f} ms"
                    f" rows {nrows}")
            for c in conns.values():
                c.close()
        return out

    # -- 5. fleet: provisioning and storage ------------------------------------------

    def sec_fleet(self):
        self.saas_setup()
        n = self.fleet
        out = {"_params": {"tenants": n, "records_per_tenant": 500}}
        time.sleep(1)
        h_dir = Path(self.h_server.datadir)
        pg_dir = self.pg_server.datadir
        pc = self.P.connect()
        q(pc, "CHECKPOINT")
        pg_base = Path(pg_dir) / "base"  # the databases' files (pg_wal is reported apart)
        d0 = {"heliosd": du(h_dir), "postgresql": du(pg_base)}
        lat = {"heliosd": [], "postgresql": [], "postgresql_schema": []}
        # provisioning, interleaved by tenant
        sc = self.P.connect("saas_schemas", autocommit=False)
        for i in range(n):
            for t in self.both:
                lat[t.name].append(self.make_tenant(t, f"tenant_{i}"))
            t0 = time.perf_counter()
            q(sc, f"CREATE SCHEMA tenant_{i}")
            q(sc, f"SET LOCAL search_path = tenant_{i}")
            for s in TEMPLATE_STMTS:
                q(sc, s)
            sc.commit()
            lat["postgresql_schema"].append(time.perf_counter() - t0)
        q(pc, "CHECKPOINT")
        time.sleep(1)
        d1 = {"heliosd": du(h_dir), "postgresql": du(pg_base)}
        log(f"provisioned {n} tenants x 3 ways")
        # batches as runs: tenants/s of each third of the fleet
        k = max(1, n // 3)
        for key, xs in lat.items():
            per_batch = [len(xs[i:i + k]) / sum(xs[i:i + k]) for i in range(0, k * 3, k)]
            out[f"provision_{key}"] = {"tenants_per_s": summary(per_batch), "p50_ms": statistics.median(xs) * 1e3,
                                       "p99_ms": pct(xs, 99) * 1e3, "total_s": sum(xs)}
        # seeding: 500 records each
        t0 = time.monotonic()
        for i in range(n):
            for t in self.both:
                self.seed_tenant(t, f"tenant_{i}", 500)
            sc.autocommit = False
            q(sc, f"SET LOCAL search_path = tenant_{i}")
            for s in self.tenant_data_sql(500):
                q(sc, s)
            sc.commit()
        sc.autocommit = True
        q(sc, "ANALYZE")
        log(f"seeded {n} tenants x 3 ways in {time.monotonic() - t0:.0f} s")
        q(pc, "CHECKPOINT")
        time.sleep(2)
        d2 = {"heliosd": du(h_dir), "postgresql": du(pg_base)}
        pg_db = sum(r[0] for r in q(pc, "SELECT pg_database_size(datname) FROM pg_database "
                                        "WHERE datname LIKE 'tenant\\_%'"))
        pg_schema = q(sc, "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n "
                          "ON n.oid = c.relnamespace WHERE n.nspname LIKE 'tenant\\_%' AND c.relkind IN ('r', 'm')")
        pg_schema = int(pg_schema[0][0] or 0)
        pc.close()
        sc.close()
        out["storage"] = {
            "heliosd_du_provisioned": d1["heliosd"] - d0["heliosd"], "heliosd_du_seeded": d2["heliosd"] - d0["heliosd"],
            "pg_du_provisioned": d1["postgresql"] - d0["postgresql"],
            "pg_du_seeded": d2["postgresql"] - d0["postgresql"],
            "pg_database_size_sum": pg_db, "pg_schema_relations_size": pg_schema,
            "pg_wal_du": du(Path(pg_dir) / "pg_wal")}
        log(f"storage: {out['storage']}")
        return out

    # -- 6. mixed OLTP ------------------------------------------------------------------

    async def _paced(self, conn, kind_rate, end, lat, rnd, ntasks, stats):
        """Paced point reads (80%) and updates (20%) on one tenant's tasks until ``end``."""
        loop = asyncio.get_running_loop()
        nxt = loop.time()
        while True:
            nxt += rnd.expovariate(kind_rate)
            now = loop.time()
            if nxt > end:
                return
            if nxt > now:
                await asyncio.sleep(nxt - now)
            tid = rnd.randint(1, ntasks)
            t0 = time.perf_counter()
            if rnd.random() < 0.8 or stats is None:
                await conn.fetchrow("SELECT id, title, status, priority, assignee_id, due_date FROM tasks "
                                    "WHERE id = $1", tid)
                kind = "read"
            else:
                await conn.execute("UPDATE tasks SET status = $2, updated_at = now() WHERE id = $1", tid,
                                   rnd.choice(("todo", "in_progress", "done")))
                kind = "update"
            lat[kind].append(time.perf_counter() - t0)

    async def _connect_tenants(self, t, names):
        if t is self.H:
            return await asyncio.gather(*(t.aconnect("saasdb", branch=nm) for nm in names))
        return await asyncio.gather(*(t.aconnect(nm) for nm in names))

    def oltp_run(self, t, names, rate_total, seconds, seed, updates=True, noisy=None):
        async def go():
            conns = await self._connect_tenants(t, names)
            lat = {"read": [], "update": []}
            loop = asyncio.get_running_loop()
            stop = [False]
            noisy_done = [0]
            noisy_conns = []
            if noisy:
                noisy_conns = await self._connect_tenants(t, [noisy] * 10)

                async def hog(c):
                    while not stop[0]:
                        await c.fetch(REPORTS["dashboard"])
                        noisy_done[0] += 1
                hogs = [asyncio.ensure_future(hog(c)) for c in noisy_conns]
                await asyncio.sleep(1.0)
            end = loop.time() + seconds
            rate = rate_total / len(conns)
            rnd = random.Random(seed)
            ntasks = self.tasks_of(500)
            await asyncio.gather(*(self._paced(c, rate, end, lat, random.Random(rnd.random()), ntasks,
                                               {} if updates else None) for c in conns))
            if noisy:
                stop[0] = True
                await asyncio.gather(*hogs)
            for c in list(conns) + noisy_conns:
                await c.close()
            return lat, noisy_done[0]
        return asyncio.run(go())

    def sec_oltp(self):
        names = [f"tenant_{i}" for i in range(self.oltp_tenants)]
        rate = 500
        out = {"_params": {"tenants": len(names), "offered_ops_per_s": rate, "seconds": self.load_seconds,
                           "mix": "80% point SELECT by id, 20% UPDATE by id (autocommit), asyncpg"}}
        res = {t.name: {"p50": [], "p99": [], "upd_p99": [], "ops": []} for t in self.both}
        for r in range(self.runs):
            for t in self.both:
                lat, _ = self.oltp_run(t, names, rate, self.load_seconds, seed=r)
                allx = lat["read"] + lat["update"]
                res[t.name]["p50"].append(statistics.median(allx) * 1e3)
                res[t.name]["p99"].append(pct(allx, 99) * 1e3)
                res[t.name]["upd_p99"].append(pct(lat["update"], 99) * 1e3 if lat["update"] else 0)
                res[t.name]["ops"].append(len(allx) / self.load_seconds)
                log(f"oltp run {r} {t.name}: p50 {res[t.name]['p50'][-1]:.2f} ms, p99 {res[t.name]['p99'][-1]:.2f}"
                    f" ms, {res[t.name]['ops'][-1]:.0f} ops/s")
        for m in ("p50", "p99", "upd_p99", "ops"):
            out[m] = {k: summary(v[m]) for k, v in res.items()}
        return out

    # -- 7. noisy neighbour ----------------------------------------------------------------

    def sec_noisy(self):
        names = [f"tenant_{i}" for i in range(50)]
        noisy = "rep_5000"
        rate = 500
        out = {"_params": {"quiet_tenants": 50, "offered_point_queries_per_s": rate, "seconds": self.load_seconds,
                           "noisy": f"{noisy}: dashboard query in a loop on 10 connections"}}
        res = {t.name: {"alone_p99": [], "noisy_p99": [], "alone_p50": [], "noisy_p50": [], "dash_per_s": []}
               for t in self.both}
        for r in range(self.runs):
            for t in self.both:
                lat, _ = self.oltp_run(t, names, rate, self.load_seconds, seed=100 + r, updates=False)
                res[t.name]["alone_p99"].append(pct(lat["read"], 99) * 1e3)
                res[t.name]["alone_p50"].append(statistics.median(lat["read"]) * 1e3)
                lat, nd = self.oltp_run(t, names, rate, self.load_seconds, seed=100 + r, updates=False, noisy=noisy)
                res[t.name]["noisy_p99"].append(pct(lat["read"], 99) * 1e3)
                res[t.name]["noisy_p50"].append(statistics.median(lat["read"]) * 1e3)
                res[t.name]["dash_per_s"].append(nd / (self.load_seconds + 1))
                log(f"noisy run {r} {t.name}: p99 alone {res[t.name]['alone_p99'][-1]:.2f} ms, "
                    f"with noisy {res[t.name]['noisy_p99'][-1]:.2f} ms ({nd} dashboards)")
        for m in ("alone_p50", "alone_p99", "noisy_p50", "noisy_p99", "dash_per_s"):
            out[m] = {k: summary(v[m]) for k, v in res.items()}
        out["p99_factor"] = {k: summary([a / b for a, b in zip(v["noisy_p99"], v["alone_p99"])])
                             for k, v in res.items()}
        return out

    # -- 8. migration fan-out ----------------------------------------------------------------

    def fan_out(self, worker, names, threads=8):
        work: queue.Queue = queue.Queue()
        for nm in names:
            work.put(nm)
        per: list[float] = []
        errors: list[str] = []
        retries = [0]

        def run():
            state = {}
            try:
                while True:
                    try:
                        nm = work.get_nowait()
                    except queue.Empty:
                        return
                    s = time.perf_counter()
                    retries[0] += worker(state, nm) or 0
                    per.append(time.perf_counter() - s)
            except Exception as e:
                errors.append(repr(e))
            finally:
                for c in state.values():
                    c.close()

        t0 = time.perf_counter()
        ths = [threading.Thread(target=run) for _ in range(threads)]
        for th in ths:
            th.start()
        for th in ths:
            th.join()
        if errors:
            raise RuntimeError(f"migration errors: {errors[:3]}")
        return time.perf_counter() - t0, per, retries[0]

    def sec_migrate(self):
        n = self.fleet
        names = [f"tenant_{i}" for i in range(n)]
        batches = [names[i::3] for i in range(3)]
        out = {"_params": {"tenants": n, "threads": 8, "records_per_tenant": 500,
                           "runs": "three interleaved thirds of the fleet"}}

        def h_worker(state, nm):
            if "c" not in state:
                state["c"] = self.H.connect("saasdb", autocommit=False)
            return migrate_tenant(state["c"], nm)

        def pg_db_worker(state, nm):
            c = self.P.connect(nm, autocommit=False)
            try:
                cur = c.cursor()
                cur.execute(MIGRATION_SQL)
                cur.execute("SELECT count(*) FROM tasks")
                c.commit()
            finally:
                c.close()

        def pg_schema_worker(state, nm):
            if "c" not in state:
                state["c"] = self.P.connect("saas_schemas", autocommit=False)
            cur = state["c"].cursor()
            cur.execute(f"SET LOCAL search_path = {nm}")
            cur.execute(MIGRATION_SQL)
            cur.execute("SELECT count(*) FROM tasks")
            state["c"].commit()

        res = {"heliosd": [], "postgresql": [], "postgresql_schema": []}
        per_all = {k: [] for k in res}
        retries = 0
        for b in batches:
            for key, w in (("postgresql", pg_db_worker), ("heliosd", h_worker),
                           ("postgresql_schema", pg_schema_worker)):
                wall, per, r = self.fan_out(w, b)
                res[key].append(len(b) / wall)
                per_all[key].extend(per)
                retries += r if key == "heliosd" else 0
                log(f"migrate batch {key}: {len(b)} tenants in {wall:.1f} s")
        for k in res:
            out[k] = {"tenants_per_s": summary(res[k]), "p50_s": statistics.median(per_all[k]),
                      "p99_s": pct(per_all[k], 99), "wall_s": sum(len(b) / x for b, x in zip(batches, res[k]))}
        out["heliosd_retries"] = retries
        return out

    # -- 9. idle connections ---------------------------------------------------------------------

    def sec_conns(self):
        out = {"_params": {"counts": self.conn_counts, "driver": "asyncpg, connections opened 100 at a time, idle"}}
        pg_pid = int(Path(self.pg_server.datadir, "postmaster.pid").read_text().split()[0])
        h_pid = [0]

        def mem(t):
            if t is not self.P:
                return rss_kb(h_pid[0])
            tot_r = tot_p = 0
            for pid in [pg_pid] + children(pg_pid):
                r, p = rss_kb(pid)
                tot_r += r
                tot_p += p
            return tot_r, tot_p

        def one(t, k):
            async def go():
                base = mem(t)
                conns = []
                t0 = time.perf_counter()
                for i in range(0, k, 100):
                    conns += await asyncio.gather(*(t.aconnect() for _ in range(min(100, k - i))))
                conn_s = time.perf_counter() - t0
                await asyncio.sleep(2)
                v = await conns[-1].fetchval("SELECT 1")
                assert v == 1
                after = mem(t)
                await asyncio.gather(*(c.close() for c in conns))
                return base, after, conn_s
            return asyncio.run(go())

        for k in self.conn_counts:
            xs = {t.name: {"rss_mb": [], "rss_per_conn_kb": [], "pss_per_conn_kb": [], "connect_per_s": []}
                  for t in self.both}
            for r in range(self.runs):
                for t in self.both:
                    fresh = None
                    if t is self.H:  # a fresh heliosd: Python keeps freed memory for reuse, so a server that
                        # already served the other sections would hide what connections cost
                        fresh = HeliosServer(str(self.tmp / f"conns-{k}-{r}"), env={"HELIOS_LOG_LEVEL": "warning"},
                                             extra_args=["--log-level", "warning", "--max-connections",
                                                         str(max(self.conn_counts) + 300)])
                        fresh.start(timeout=60)
                        h_pid[0] = fresh.proc.pid
                        t = Target("heliosd", fresh.host, fresh.port, fresh.user, fresh.password)
                    try:
                        base, after, conn_s = one(t, k)
                    finally:
                        if fresh:
                            fresh.stop()
                    xs[t.name]["rss_mb"].append(after[0] / 1024)
                    xs[t.name]["rss_per_conn_kb"].append((after[0] - base[0]) / k)
                    xs[t.name]["pss_per_conn_kb"].append((after[1] - base[1]) / k)
                    xs[t.name]["connect_per_s"].append(k / conn_s)
                    time.sleep(2)
                    log(f"{k} idle conns on {t.name}: RSS {after[0] / 1024:.0f} MB "
                        f"(+{(after[0] - base[0]) / k:.0f} kB/conn, PSS +{(after[1] - base[1]) / k:.0f} kB/conn)")
            out[f"{k}"] = {m: {n: summary(v[m]) for n, v in xs.items()} for m in next(iter(xs.values()))}
        return out


# ----------------------------------------------------------------------------- the document


def fmt(x, unit=""):
    if x != x:  # nan
        return "n/a"
    if abs(x) >= 100:
        s = f"{x:,.0f}"
    elif abs(x) >= 10:
        s = f"{x:.1f}"
    elif abs(x) >= 1:
        s = f"{x:.2f}"
    else:
        s = f"{x:.3f}"
    return s + unit


def cell(s, unit=""):
    return f"{fmt(s['median'], unit)} ({fmt(s['min'])}-{fmt(s['max'])})"


def ratio(h, p):
    if not p or p != p or h != h:
        return "n/a"
    r = h / p
    return f"**{r:.2f}**" if r >= 0.095 else f"**{r:.2g}**"


def render(res: dict) -> str:
    S = res["sections"]
    m = res["machine"]
    mode = res["mode"]
    full = mode == "full"
    L: list[str] = []
    a = L.append
    a(f"Generated by `bench/run.py --{mode}` (`make {'bench-full' if full else 'bench'}`) on {m['date']}, "
      f"heliosd commit `{m['heliosd_commit']}`"
      + (f" (the working tree it ran from had {m['heliosd_uncommitted_files']} files under heliosd/ with "
         "uncommitted changes by engineers working concurrently)" if m.get("heliosd_uncommitted_files") else "")
      + f"; raw figures in `bench/out/run-{mode}.json`.")
    a("")
    a(f"- Machine: {m['cpus']} vCPUs ({m['cpu']}), {m['mem_gb']} GB RAM, virtual disk, Linux {m['kernel']}, "
      f"Python {m['python']}. Load average (1 min) {m['loadavg_start'][0]:.2f} at the start and "
      f"{res.get('loadavg_end', [float('nan')])[0]:.2f} at the end (other engineers' test runs share the machine). "
      f"Run took {res.get('total_seconds', 0) / 60:.1f} minutes.")
    a(f"- {m['postgresql'].split(',')[0]} (Debian package), a throwaway cluster started by the bench "
      "(tests/pgserver.py) with PostgreSQL's defaults for `fsync`, `synchronous_commit` (on), `full_page_writes`, "
      "`wal_level`, `autovacuum`, `jit`, `shared_buffers` (128MB); `max_connections` raised for the "
      "connections section. heliosd: `python -m heliosd serve` on lmdb in a temporary directory, "
      "`synchronous_commit` on (its default: fsync at commit). Both on 127.0.0.1 over TCP, "
      "clients on the same 2 vCPUs.")
    a("- Each figure is the median of 3 runs, (min-max) after it; the two servers run alternately. "
      "**ratio = heliosd / PostgreSQL** of the medians: above 1 is better for heliosd on rates, "
      "below 1 is better on times, latencies and sizes.")
    if not full:
        a("- Quick mode: pgbench at scale 1 for 2 s per run, report queries at 500 and 5k records (150k is in "
          "`--full`), mixed OLTP over 50 of the 200 tenants, 3 s load phases, 1k idle connections only.")
    else:
        a("- Full mode: pgbench at scale 10 for 10 s per run, report queries up to 150k records, "
          "OLTP over all 200 tenants, 10 s load phases, 1k and 5k idle connections.")
    if res.get("errors"):
        for k, v in res["errors"].items():
            a(f"- Section `{k}` failed in this run: `{v}`")
    a("")

    def table(title, head, rows, note=None):
        if not rows:
            return
        a(f"### {title}")
        a("")
        if note:
            a(note)
            a("")
        a("| " + " | ".join(head) + " |")
        a("|" + "---|" * len(head))
        for r in rows:
            a("| " + " | ".join(r) + " |")
        a("")

    def pair_row(label, d, unit=""):
        return [label, cell(d["postgresql"]), cell(d["heliosd"]),
                ratio(d["heliosd"]["median"], d["postgresql"]["median"])]

    H = ["measure", "PostgreSQL 15", "heliosd", "ratio"]
    if "protocol" in S or "bulk" in S:
        rows = []
        if "protocol" in S:
            p = S["protocol"]
            rows.append(pair_row("SELECT 1, pgbench custom script, 8 clients (queries/s)", p["select1_8c_qps"]))
            rows.append(pair_row("SELECT 1, one connection, libpq loop (queries/s)", p["select1_1conn_qps"]))
        if "bulk" in S:
            b = S["bulk"]
            rows.append(pair_row("bulk load 100k rows, COPY FROM STDIN, one transaction (rows/s)",
                                 b["copy_rows_per_s"]))
            rows.append(pair_row(f"bulk load {b['_params'].get('insert_rows', 100000) // 1000}k rows, "
                                 "INSERT ... VALUES of 1,000 rows each, one transaction (rows/s)",
                                 b["insert_rows_per_s"]))
            rows.append(pair_row("point SELECT by primary key, one connection, psycopg 3 prepared (queries/s)",
                                 b["point_select_per_s"]))
        table("Protocol, bulk load, point selects", H, rows,
              "Bulk table: `(id bigint PRIMARY KEY, a int NOT NULL, b text, c timestamptz)`, ~60-byte rows, "
              "recreated before each run; point selects hit it at random ids.")
    if "pgbench" in S:
        g = S["pgbench"]
        sc, secs = g["_params"]["scale"], g["_params"]["seconds"]
        rows = []
        for label, key in (("`-S` (simple)", "select_simple"), ("`-S -M prepared`", "select_prepared"),
                           ("tpcb-like (default script)", "tpcb")):
            for c in (1, 8, 32):
                d = g.get(f"{key}_{c}c")
                if not d:
                    continue
                lat = d["latency_ms"]
                rows.append([f"{label}, {c} client{'s' if c > 1 else ''}", cell(d["postgresql"]), cell(d["heliosd"]),
                             ratio(d["heliosd"]["median"], d["postgresql"]["median"]),
                             f"{fmt(lat['postgresql']['median'])} / {fmt(lat['heliosd']['median'])}",
                             f"{d['failed']['postgresql']} / {d['failed']['heliosd']}"])
        init = g.get("init_seconds", {})
        table(f"pgbench, scale {sc}, {secs} s per run (TPS)",
              ["script, clients", "PostgreSQL 15 tps", "heliosd tps", "ratio", "latency avg ms PG / heliosd",
               "failed PG / heliosd"], rows,
              f"`pgbench -i -s {sc}`: PostgreSQL {fmt(init.get('postgresql', float('nan')))} s, heliosd "
              f"{fmt(init.get('heliosd', float('nan')))} s. `-j 2` (one for 1 client); tpcb-like with "
              "`--max-tries=10` (retries serialization failures and deadlocks; failed = after all tries).")
    if "reports" in S:
        r = S["reports"]
        rows = []
        for size in r["_params"]["sizes"]:
            for qn in ("dashboard", "utilization", "search"):
                d = r.get(f"{qn}_{size}_ms")
                if not d:
                    continue
                rows.append([f"{qn} @ {size:,} records ({d['rows']['heliosd']} rows)", cell(d["postgresql"]),
                             cell(d["heliosd"]), ratio(d["heliosd"]["median"], d["postgresql"]["median"])])
        loads = "; ".join(f"{s:,}: PG {fmt(r[f'load_seconds_{s}']['postgresql'])} s, heliosd "
                          f"{fmt(r[f'load_seconds_{s}']['heliosd'])} s" for s in r["_params"]["sizes"]
                          if f"load_seconds_{s}" in r)
        table("SaaS report queries (ms per query, one connection)", ["query @ tenant size", "PostgreSQL 15 ms",
                                                                       "heliosd ms", "ratio"], rows,
              "`../shared/workloads/saas/queries.sql` verbatim, on a tenant made from the template (heliosd: "
              "a branch of template_v47; PostgreSQL: `CREATE DATABASE ... TEMPLATE`), filled by "
              "`INSERT ... SELECT generate_series` (team members, projects, ~1/3 tasks, ~2/3 time entries, "
              "dated around now), migrated to v48, ANALYZEd; one warm-up run, row counts equal on both. "
              f"Generating the tenant (incl. migration): {loads}.")
    if "fleet" in S:
        f = S["fleet"]
        n = f["_params"]["tenants"]
        rows = []
        for key, label in (("provision_heliosd", "heliosd `CREATE BRANCH tenant FROM template_v47`"),
                           ("provision_postgresql", "PostgreSQL `CREATE DATABASE tenant TEMPLATE tmpl`"),
                           ("provision_postgresql_schema",
                            "PostgreSQL schema per tenant (`CREATE SCHEMA` + template DDL, one transaction)")):
            d = f[key]
            rows.append([label, cell(d["tenants_per_s"]), fmt(d["p50_ms"]), fmt(d["p99_ms"]), fmt(d["total_s"])])
        bd = f["provision_heliosd"]["tenants_per_s"]["median"]
        table(f"Provisioning {n} tenants from the template", ["method", "tenants/s (3 thirds of the fleet)",
                                                                 "p50 ms", "p99 ms", "total s"], rows,
              f"One autocommit statement (or transaction) per tenant, the three methods interleaved. heliosd "
              f"provisions {bd / f['provision_postgresql']['tenants_per_s']['median']:.0f}x as many tenants per "
              f"second as CREATE DATABASE and "
              f"{bd / f['provision_postgresql_schema']['tenants_per_s']['median']:.0f}x as schema-per-tenant.")
        s = f["storage"]
        mb = 1e6
        rows = [
            ["heliosd data directory (`du`), growth", fmt(s["heliosd_du_provisioned"] / mb),
             fmt(s["heliosd_du_seeded"] / mb), fmt(s["heliosd_du_seeded"] / n / 1e3)],
            ["PostgreSQL `base/` (`du`, after CHECKPOINT; database- and schema-per-tenant together), "
             "growth", fmt(s["pg_du_provisioned"] / mb), fmt(s["pg_du_seeded"] / mb), ""],
            ["PostgreSQL database-per-tenant, sum of `pg_database_size`", "", fmt(s["pg_database_size_sum"] / mb),
             fmt(s["pg_database_size_sum"] / n / 1e3)],
            ["PostgreSQL schema-per-tenant, sum of `pg_total_relation_size`", "",
             fmt(s["pg_schema_relations_size"] / mb), fmt(s["pg_schema_relations_size"] / n / 1e3)],
        ]
        table(f"Bytes on disk for {n} tenants of 500 records",
              ["", "after provisioning MB", "after seeding MB", "per tenant kB"], rows,
              f"heliosd / PostgreSQL database-per-tenant: "
              f"**{s['heliosd_du_seeded'] / max(1, s['pg_database_size_sum']):.3f}**; heliosd / schema-per-tenant "
              f"relations: **{s['heliosd_du_seeded'] / max(1, s['pg_schema_relations_size']):.2f}**. "
              f"(PostgreSQL's pg_wal held another {s['pg_wal_du'] / mb:.0f} MB at the end; heliosd's `du` "
              "includes its commit log. A fork writes a registry row into lmdb pages the file already has, "
              "so provisioning alone may not grow the directory at all.)")
    if "oltp" in S:
        o = S["oltp"]
        p = o["_params"]
        rows = [pair_row("p50 latency, all operations (ms)", o["p50"]),
                pair_row("p99 latency, all operations (ms)", o["p99"]),
                pair_row("p99 latency, updates (ms)", o["upd_p99"]),
                pair_row("achieved operations/s", o["ops"])]
        table(f"Mixed OLTP across {p['tenants']} tenants", H, rows,
              f"One asyncpg connection per tenant (heliosd: `helios.branch` startup option; PostgreSQL: the "
              f"tenant's database); {p['mix']}; {p['offered_ops_per_s']} operations/s offered in all "
              f"(Poisson arrivals per tenant) for {p['seconds']} s per run.")
    if "noisy" in S:
        o = S["noisy"]
        p = o["_params"]
        rows = [pair_row("quiet tenants' p50 alone (ms)", o["alone_p50"]),
                pair_row("quiet tenants' p99 alone (ms)", o["alone_p99"]),
                pair_row("quiet tenants' p50 next to the noisy tenant (ms)", o["noisy_p50"]),
                pair_row("quiet tenants' p99 next to the noisy tenant (ms)", o["noisy_p99"]),
                pair_row("p99 with / p99 alone (x)", o["p99_factor"]),
                pair_row("noisy tenant's dashboards/s", o["dash_per_s"])]
        table("Noisy neighbour", H, rows,
              f"{p['quiet_tenants']} tenants run paced point SELECTs by id ({p['offered_point_queries_per_s']}/s "
              f"in all) for {p['seconds']} s, alone and then while {p['noisy']} (5k records; it starts 1 s "
              "before the measurement).")
    if "migrate" in S:
        o = S["migrate"]
        p = o["_params"]
        rows = []
        for key, label in (("heliosd", "heliosd: branch-and-swap (README transaction)"),
                           ("postgresql", "PostgreSQL: migration in each tenant database, one transaction"),
                           ("postgresql_schema", "PostgreSQL: migration in each tenant schema, one transaction")):
            d = o[key]
            rows.append([label, cell(d["tenants_per_s"]), fmt(d["p50_s"] * 1e3), fmt(d["p99_s"] * 1e3),
                         fmt(d["wall_s"])])
        table(f"Migration v48 fanned out over {p['tenants']} tenants, {p['threads']} threads",
              ["method", "tenants/s", "per tenant p50 ms", "p99 ms", "wall s"], rows,
              f"Tenants of {p['records_per_tenant']} records; runs = {p['runs']}; heliosd retries: "
              f"{o['heliosd_retries']}. ratio heliosd / PostgreSQL database-per-tenant (tenants/s): "
              f"{ratio(o['heliosd']['tenants_per_s']['median'], o['postgresql']['tenants_per_s']['median'])}.")
    if "conns" in S:
        o = S["conns"]
        rows = []
        for k in o["_params"]["counts"]:
            d = o.get(str(k))
            if not d:
                continue
            rows.append(pair_row(f"{k:,} idle: total RSS (MB; PG: postmaster + all backends)", d["rss_mb"]))
            rows.append(pair_row(f"{k:,} idle: RSS per connection (kB)", d["rss_per_conn_kb"]))
            rows.append(pair_row(f"{k:,} idle: PSS per connection (kB; shared pages split)", d["pss_per_conn_kb"]))
            rows.append(pair_row(f"{k:,} idle: connections opened/s (asyncpg, 100 at a time)", d["connect_per_s"]))
        table("Idle connections", H, rows,
              "heliosd is one process: its RSS. PostgreSQL has a process per connection: the sum of its "
              "processes' RSS counts shared buffers and libraries once per backend, so PSS (proportional set "
              "size) is the fairer per-connection figure. heliosd authenticates with SCRAM-SHA-256, the bench's "
              "PostgreSQL with trust.")
    return "\n".join(L).rstrip() + "\n"


def write_doc(res: dict) -> None:
    mode = res["mode"]
    start, end = f"<!-- bench:run.py {mode} start -->", f"<!-- bench:run.py {mode} end -->"
    title = ("## Side by side with PostgreSQL 15 (make bench)" if mode == "quick"
             else "## Side by side with PostgreSQL 15, full (make bench-full)")
    cmd = ("    make bench        # = .venv/bin/python bench/run.py --quick  (about 8 minutes here)" if mode == "quick"
           else "    make bench-full   # = .venv/bin/python bench/run.py --full")
    block = f"{start}\n{title}\n\nCommand:\n\n{cmd}\n\n{render(res)}{end}\n"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    if start in text and end in text:
        a, rest = text.split(start, 1)
        _, b = rest.split(end, 1)
        text = a + block + "\n" + b.lstrip("\n")
        if not text.endswith("\n"):
            text += "\n"
    else:
        # first time: after the quick block if there is one, else before the first "## " section
        qend = "<!-- bench:run.py quick end -->"
        if mode == "full" and qend in text:
            a, b = text.split(qend, 1)
            text = a + qend + "\n\n" + block + "\n" + b.lstrip("\n")
        else:
            i = text.find("\n## ")
            i = len(text) if i < 0 else i + 1
            text = text[:i] + block + "\n" + text[i:]
    DOC.write_text(text)


SECTIONS = ["protocol", "pgbench", "bulk", "reports", "fleet", "oltp", "noisy", "migrate", "conns"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="the `make bench` run (default)")
    g.add_argument("--full", action="store_true", help="the `make bench-full` run")
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma list of sections")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    ap.add_argument("--render", metavar="JSON", help="only rewrite the doc from a results file")
    args = ap.parse_args()
    if args.render:
        res = json.loads(Path(args.render).read_text())
        write_doc(res)
        print(render(res))
        return 0
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    for s in only:
        if s not in SECTIONS:
            ap.error(f"unknown section {s}")
    # sections depend on one another's tenants: fleet before oltp/noisy/migrate, reports before noisy
    if any(s in only for s in ("oltp", "noisy", "migrate")) and "fleet" not in only:
        only.insert(0, "fleet")
    if "noisy" in only and "reports" not in only:
        only.insert(0, "reports")
    only = [s for s in SECTIONS if s in only]
    b = Bench(args)
    t0 = time.monotonic()
    try:
        b.start()
        b.res["machine"] = b.machine()
        log(f"machine: {b.res['machine']}")
        for s in only:
            b.run_section(s, getattr(b, f"sec_{s}"))
    finally:
        b.stop()
    b.res["loadavg_end"] = os.getloadavg()
    b.res["total_seconds"] = time.monotonic() - t0
    out = ROOT / "bench" / "out" / f"run-{b.mode}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(b.res, indent=1, default=str))
    text = render(b.res)
    print("\n" + text)
    if not args.no_doc:
        write_doc(b.res)
        log(f"docs/benchmarks.md updated; raw results in {out}")
    return 1 if b.res["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
