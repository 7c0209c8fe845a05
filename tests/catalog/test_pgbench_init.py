"""``pgbench -i`` (default steps, scale 1) runs unmodified against heliosd."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

import psqlcmp as Q


def _pgbench():
    for p in ("/usr/lib/postgresql/15/bin/pgbench", shutil.which("pgbench")):
        if p and Path(p).exists():
            return p
    return None


def test_pgbench_init(heliosd):
    exe = _pgbench()
    if exe is None:
        pytest.skip("pgbench not installed")
    h = heliosd
    Q.run_psql(h.host, h.port, h.user, h.password, "postgres", "DROP DATABASE IF EXISTS catalog_pgbench")
    Q.run_psql(h.host, h.port, h.user, h.password, "postgres", "CREATE DATABASE catalog_pgbench")
    env = dict(os.environ, PGPASSWORD=h.password)
    p = subprocess.run([exe, "-i", "-h", h.host, "-p", str(h.port), "-U", h.user, "catalog_pgbench"],
                       capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "done in" in p.stderr
    with psycopg.connect(h.dsn("catalog_pgbench"), autocommit=True) as c:
        counts = {t: c.execute(f"SELECT count(*) FROM pgbench_{t}").fetchone()[0]
                  for t in ("branches", "tellers", "accounts", "history")}
        assert counts == {"branches": 1, "tellers": 10, "accounts": 100000, "history": 0}
        pks = c.execute("SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'p' "
                        "ORDER BY 1").fetchall()
        assert pks == [("pgbench_accounts", "pgbench_accounts_pkey"), ("pgbench_branches", "pgbench_branches_pkey"),
                       ("pgbench_tellers", "pgbench_tellers_pkey")]
