"""Fixtures of the catalog tests: the SaaS schema loaded in a fresh database
``catalog_saas`` on the heliosd fixture and on the PostgreSQL 15 fixture."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psqlcmp as Q  # noqa: E402


def _load(host, port, user, password):
    Q.run_psql(host, port, user, password, "postgres", f"DROP DATABASE IF EXISTS {Q.DBNAME}")
    out = Q.run_psql(host, port, user, password, "postgres", f"CREATE DATABASE {Q.DBNAME}")
    assert "CREATE DATABASE" in out, out
    Q.run_psql_file(host, port, user, password, Q.DBNAME, Q.SCHEMA)


@pytest.fixture(scope="session")
def saas_heliosd(heliosd):
    """The heliosd fixture with catalog_saas loaded."""
    _load(heliosd.host, heliosd.port, heliosd.user, heliosd.password)
    return heliosd


@pytest.fixture(scope="session")
def saas_pg15(pg15):
    """The PostgreSQL 15 fixture with catalog_saas loaded."""
    _load(pg15.host, pg15.port, pg15.user, "")
    return pg15
