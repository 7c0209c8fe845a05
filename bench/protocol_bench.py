#!/usr/bin/env python3
"""Protocol-level figures, heliosd against PostgreSQL 15 on this machine, in one run.

    python bench/protocol_bench.py [--seconds 10] [--clients 8] [--scale 1]

Both servers listen on 127.0.0.1 (TCP) and are driven by the same clients:

1. ``SELECT 1`` rate: pgbench with a one-line custom script (simple protocol),
   several clients, no transaction wrapping: queries per second.
2. ``SELECT 1`` from one connection: a psycopg (libpq) loop, simple protocol:
   round-trip latency without client concurrency.
3. ``pgbench -S`` (select-only TPC-B) TPS after ``pgbench -i -s SCALE``.

PostgreSQL is a throwaway cluster (tests/pgserver.py: fsync off, shared_buffers
64MB); heliosd runs on its default lmdb engine in a temporary directory.
Results are printed and written to bench/out/protocol.json.  Not part of
`make test` (`make bench-protocol`).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from heliosserver import HeliosServer  # noqa: E402
from pgserver import PgServer  # noqa: E402

PGBENCH = shutil.which("pgbench") or "/usr/lib/postgresql/15/bin/pgbench"


def pgbench(host, port, user, password, *args, timeout=600):
    env = dict(os.environ, PGPASSWORD=password or "")
    cmd = [PGBENCH, "-h", host, "-p", str(port), "-U", user, *args, "postgres"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"pgbench {' '.join(args)} failed:\n{r.stdout}\n{r.stderr}")
    return r.stdout + r.stderr


def tps(out: str) -> float:
    m = re.search(r"tps = ([\d.]+) \(without initial connection time\)", out) or re.search(r"tps = ([\d.]+)", out)
    return float(m.group(1))


def failed(out: str) -> int:
    m = re.search(r"number of failed transactions: (\d+)", out)
    return int(m.group(1)) if m else 0


def select1_loop(dsn: str, seconds: float) -> float:
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as c:
        pg = c.pgconn
        n = 0
        t0 = time.perf_counter()
        end = t0 + seconds
        while True:
            for _ in range(200):
                pg.exec_(b"SELECT 1")
            n += 200
            if time.perf_counter() > end:
                break
        return n / (time.perf_counter() - t0)


def measure(name, host, port, user, password, dsn, args, script):
    res = {}
    print(f"-- {name}: SELECT 1 via pgbench ({args.clients} clients, {args.seconds}s)", flush=True)
    out = pgbench(host, port, user, password, "-n", "-f", script, "-c", str(args.clients), "-j",
                  str(max(1, args.clients // 2)), "-T", str(args.seconds))
    res["select1_qps"] = tps(out)
    print(f"-- {name}: SELECT 1 from one connection ({args.seconds}s)", flush=True)
    res["select1_single_qps"] = select1_loop(dsn, args.seconds)
    print(f"-- {name}: pgbench -i -s {args.scale}", flush=True)
    t0 = time.perf_counter()
    pgbench(host, port, user, password, "-i", "-s", str(args.scale), "-q")
    res["init_seconds"] = time.perf_counter() - t0
    print(f"-- {name}: pgbench -S ({args.clients} clients, {args.seconds}s)", flush=True)
    out = pgbench(host, port, user, password, "-S", "-c", str(args.clients), "-j", str(max(1, args.clients // 2)),
                  "-T", str(args.seconds))
    res["pgbench_S_tps"] = tps(out)
    res["pgbench_S_failed"] = failed(out)
    print(f"-- {name}: pgbench -S -M prepared", flush=True)
    out = pgbench(host, port, user, password, "-S", "-M", "prepared", "-c", str(args.clients), "-j",
                  str(max(1, args.clients // 2)), "-T", str(args.seconds))
    res["pgbench_S_prepared_tps"] = tps(out)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--out", default=str(ROOT / "bench" / "out" / "protocol.json"))
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="heliosd-bench-"))
    script = tmp / "select1.sql"
    script.write_text("SELECT 1;\n")
    os.chmod(tmp, 0o755)
    script.chmod(0o644)
    results = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform()},
               "params": vars(args)}
    pg = PgServer()
    try:
        results["postgresql"] = measure("postgresql 15", pg.host, pg.port, pg.user, "", pg.dsn(), args, str(script))
    finally:
        pg.stop()
    h = HeliosServer(str(tmp / "data"))
    h.start()
    try:
        results["heliosd"] = measure("heliosd", h.host, h.port, h.user, h.password, h.dsn(), args, str(script))
    finally:
        h.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    p, hd = results["postgresql"], results["heliosd"]
    print()
    print(f"{'':32} {'PostgreSQL 15':>14} {'heliosd':>12} {'ratio':>7}")
    for key, label in (("select1_qps", f"SELECT 1, {args.clients} clients (q/s)"),
                       ("select1_single_qps", "SELECT 1, 1 connection (q/s)"),
                       ("pgbench_S_tps", f"pgbench -S, {args.clients} clients (tps)"),
                       ("pgbench_S_prepared_tps", "pgbench -S -M prepared (tps)"),
                       ("init_seconds", f"pgbench -i -s {args.scale} (s)")):
        print(f"{label:32} {p[key]:14.0f} {hd[key]:12.0f} {hd[key] / p[key]:7.2f}" if key != "init_seconds" else
              f"{label:32} {p[key]:14.2f} {hd[key]:12.2f} {hd[key] / p[key]:7.2f}")
    print(f"\nfailed transactions: postgresql {p['pgbench_S_failed']}, heliosd {hd['pgbench_S_failed']}")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
