"""pgbench against heliosd: -i with its default steps, then -S and the default
tpcb-like script, with no failed transactions."""
from __future__ import annotations

import os
import re
import shutil
import subprocess

import pytest

PGBENCH = shutil.which("pgbench") or (
    "/usr/lib/postgresql/15/bin/pgbench" if os.path.exists("/usr/lib/postgresql/15/bin/pgbench") else None)
pytestmark = pytest.mark.skipif(PGBENCH is None, reason="pgbench is not installed (make system-deps)")


def pgbench(server, *args, timeout=300):
    env = dict(os.environ, PGPASSWORD=server.password)
    cmd = [PGBENCH, "-h", server.host, "-p", str(server.port), "-U", server.user, *args, "postgres"]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)


def _check_run(r):
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    m = re.search(r"number of transactions actually processed: (\d+)", out)
    assert m and int(m.group(1)) > 0, out
    failed = re.search(r"number of failed transactions: (\d+)", out)
    assert failed is None or int(failed.group(1)) == 0, out
    assert "aborted" not in out.lower() or "number of transactions actually processed" in out
    tps = re.search(r"tps = ([\d.]+)", out)
    return float(tps.group(1)) if tps else 0.0


@pytest.fixture(scope="module")
def initialized(heliosd):
    r = pgbench(heliosd, "-i", "-s", "1")
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "done in" in out
    return heliosd


def test_init_default_steps(initialized):
    import psycopg

    with psycopg.connect(initialized.dsn()) as c:
        counts = c.execute("select (select count(*) from pgbench_accounts), (select count(*) from pgbench_branches),"
                           " (select count(*) from pgbench_tellers), (select count(*) from pgbench_history)").fetchone()
        assert counts == (100000, 1, 10, 0)
        pk = c.execute("select count(*) from pg_constraint where contype = 'p' and conrelid = "
                       "'pgbench_accounts'::regclass").fetchone()
        assert pk == (1,)


def test_select_only(initialized, capsys):
    tps = _check_run(pgbench(initialized, "-S", "-c", "4", "-j", "2", "-T", "3"))
    with capsys.disabled():
        print(f"\n[pgbench -S, 4 clients, 3 s] {tps:.0f} tps")


def test_tpcb_like(initialized, capsys):
    tps = _check_run(pgbench(initialized, "-c", "4", "-j", "2", "-T", "3"))
    with capsys.disabled():
        print(f"\n[pgbench tpcb-like, 4 clients, 3 s] {tps:.0f} tps")
    import psycopg

    with psycopg.connect(initialized.dsn()) as c:
        # the balances stay consistent: every transaction updated all three the same way
        a, b, t, h = c.execute("select (select sum(abalance) from pgbench_accounts), "
                               "(select sum(bbalance) from pgbench_branches), "
                               "(select sum(tbalance) from pgbench_tellers), "
                               "(select sum(delta) from pgbench_history)").fetchone()
        assert a == b == t == h


def test_prepared_protocol(initialized):
    _check_run(pgbench(initialized, "-M", "prepared", "-c", "2", "-T", "2"))
    _check_run(pgbench(initialized, "-M", "extended", "-S", "-c", "2", "-T", "2"))
