"""Helpers for the branch / tenant workflow tests (tests/branches).

* ``saas``: a factory ``saas(name) -> dbname`` that creates database ``name``
  on the shared heliosd server and loads ``template_v47.sql`` of the SaaS
  workload (a copy of ../shared/workloads/saas lives in tests/branches/saas,
  so the suite runs from the repository alone).
* ``connect(server, dbname, branch=None, user=None, password=None, autocommit=True)``:
  a psycopg2 connection; ``branch`` becomes ``options=-c helios.branch=...``.
"""
from __future__ import annotations

from pathlib import Path

import psycopg2

HERE = Path(__file__).resolve().parent
WORKLOAD = HERE / "saas"


def workload_file(name: str) -> str:
    return (WORKLOAD / name).read_text()


def connect(server, dbname, branch=None, user=None, password=None, autocommit=True, **kw):
    c = psycopg2.connect(host=server.host, port=server.port, user=user or server.user,
                         password=password if password is not None else server.password, dbname=dbname,
                         options=f"-c helios.branch={branch}" if branch else None, connect_timeout=10, **kw)
    c.autocommit = autocommit
    return c


def report_queries() -> list[str]:
    """The three report queries of queries.sql, one string each."""
    text = workload_file("queries.sql")
    out, cur = [], []
    for line in text.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        cur.append(line)
        if line.rstrip().endswith(";"):
            out.append("\n".join(cur).rstrip().rstrip(";"))
            cur = []
    return out


def pg_error(fn):
    """Run fn(); return (pgcode, message) of the psycopg2 error it raises."""
    try:
        fn()
    except psycopg2.Error as e:
        return e.pgcode, (e.diag.message_primary if e.diag else str(e))
    raise AssertionError("expected an error")

