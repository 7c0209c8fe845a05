"""Record PostgreSQL 15's psql describe output for tests/catalog.

Usage: .venv/bin/python tools/record_catalog_expected.py

Starts a throwaway PostgreSQL 15 (tests/pgserver.py), creates the database
``catalog_saas``, loads tests/catalog/saas_schema.sql and writes the output
of every command in tests/catalog/psqlcmp.COMMANDS to
tests/catalog/expected/<name>.out.  Review the diff and commit it.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "tests" / "catalog"))

from pgserver import PgServer  # noqa: E402
import psqlcmp as Q  # noqa: E402


def main():
    with PgServer() as pg:
        Q.run_psql(pg.host, pg.port, pg.user, "", "postgres", f"CREATE DATABASE {Q.DBNAME}")
        Q.run_psql_file(pg.host, pg.port, pg.user, "", Q.DBNAME, Q.SCHEMA)
        Q.EXPECTED.mkdir(exist_ok=True)
        for name, cmd in Q.COMMANDS:
            out = Q.run_psql(pg.host, pg.port, pg.user, "", Q.DBNAME, cmd)
            (Q.EXPECTED / f"{name}.out").write_text(out)
            print(f"{name:24} {cmd:28} {len(out.splitlines())} lines")


if __name__ == "__main__":
    main()
