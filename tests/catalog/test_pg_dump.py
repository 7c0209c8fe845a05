"""pg_dump 15 works against heliosd: the schema dump of the SaaS database is
PostgreSQL's own (same objects, definitions and order), and a full dump
restores into a new database that dumps identically."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

import psqlcmp as Q


def _bin(name):
    for d in (os.environ.get("HELIOS_PG_BINDIR"), "/usr/lib/postgresql/15/bin"):
        if d and Path(d, name).exists():
            return str(Path(d, name))
    pytest.skip(f"{name} not installed")


def _dump(server, password, db, *args, rename=True):
    env = dict(os.environ, PGPASSWORD=password or "")
    p = subprocess.run([_bin("pg_dump"), *args, "-h", server.host, "-p", str(server.port), "-U", server.user, db],
                       capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    out = []
    for line in p.stdout.splitlines():
        if line.startswith(("\\restrict", "\\unrestrict", "-- Dumped from database version")):
            continue
        out.append(re.sub(rf"\b{re.escape(server.user)}\b", "postgres", line) if rename else line)
    return out


def test_schema_dump_matches_postgres(saas_heliosd, saas_pg15):
    got = _dump(saas_heliosd, saas_heliosd.password, Q.DBNAME, "-s")
    want = _dump(saas_pg15, "", Q.DBNAME, "-s")
    assert got == want


def test_dump_restore_round_trip(saas_heliosd):
    h = saas_heliosd
    first = _dump(h, h.password, Q.DBNAME, rename=False)
    assert any(line.startswith("COPY public.projects") for line in first)
    Q.run_psql(h.host, h.port, h.user, h.password, "postgres", "DROP DATABASE IF EXISTS catalog_restored")
    Q.run_psql(h.host, h.port, h.user, h.password, "postgres", "CREATE DATABASE catalog_restored")
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"catalog_dump_{os.getpid()}.sql"
    path.write_text("\n".join(first) + "\n")
    try:
        Q.run_psql_file(h.host, h.port, h.user, h.password, "catalog_restored", path)
    finally:
        path.unlink()
    second = _dump(h, h.password, "catalog_restored", rename=False)
    assert second == first
