"""Scale: 10,000 branches in one database.  Creating a branch and listing
branches stay fast (generous bounds here: the figures are in
docs/benchmarks.md, from bench/branch_bench.py)."""
from __future__ import annotations

import os
import statistics
import time

from .util import connect

BRANCHES = int(os.environ.get("HELIOS_SCALE_BRANCHES", "10000"))


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def test_ten_thousand_branches(heliosd, saas):
    db = saas("br_scale")
    c = connect(heliosd, db)
    q(c, "CREATE ROLE sc_tenant LOGIN PASSWORD 'pw'")
    t0 = time.monotonic()
    batch = 250
    for start in range(0, BRANCHES, batch):
        q(c, "BEGIN")
        for i in range(start, min(start + batch, BRANCHES)):
            q(c, f"CREATE BRANCH sc_{i:05d} FROM template_v47")
        q(c, "COMMIT")
    build = time.monotonic() - t0
    # one more branch at a time, with 10,000 already there
    lat = []
    for i in range(100):
        t = time.perf_counter()
        q(c, f"CREATE BRANCH sc_x{i:03d} FROM template_v47")
        lat.append(time.perf_counter() - t)
    lat.sort()
    p50 = statistics.median(lat)
    q(c, "GRANT USAGE ON BRANCH sc_04242 TO sc_tenant")
    # listing: the superuser sees everything; a tenant sees its one branch
    q(c, "SELECT count(*) FROM helios_branches()")  # warm
    t = time.perf_counter()
    n = q(c, "SELECT count(*) FROM helios_branches()")[0][0]
    list_all = time.perf_counter() - t
    assert n == BRANCHES + 100 + 2
    t = time.perf_counter()
    rows = q(c, "SELECT branch_name, own_rows FROM helios_branches() WHERE branch_name LIKE 'sc\\_0424%%' "
                "ORDER BY branch_name")
    list_filtered = time.perf_counter() - t
    assert [r[0] for r in rows] == [f"sc_0424{d}" for d in range(10)]
    tc = connect(heliosd, db, branch="sc_04242", user="sc_tenant", password="pw")
    t = time.perf_counter()
    assert sorted(q(tc, "SELECT branch_name FROM helios_branches()")) == [("main",), ("sc_04242",)]
    list_tenant = time.perf_counter() - t
    t = time.perf_counter()
    connect(heliosd, db, branch="sc_09999").close()
    connect_time = time.perf_counter() - t
    tc.close()
    print(f"\n{BRANCHES} branches built in {build:.1f} s; CREATE BRANCH p50 {p50 * 1e3:.2f} ms "
          f"p99 {lat[98] * 1e3:.2f} ms; list all {list_all * 1e3:.0f} ms, filtered {list_filtered * 1e3:.0f} ms, "
          f"as a tenant {list_tenant * 1e3:.1f} ms; connect {connect_time * 1e3:.1f} ms")
    assert p50 < 0.05 and list_all < 2.0 and list_tenant < 0.5
    c.close()
