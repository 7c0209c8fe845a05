"""psql's describe commands for user-defined types (\\dT, \\dT+, \\dD, \\d of a composite type and of a
table using them) print on heliosd what they print on PostgreSQL 15, both servers running the same
DDL; and pg_dump's output of them restores on PostgreSQL 15."""
from __future__ import annotations

import subprocess

import psycopg
import pytest

import psqlcmp as Q

DDL = """
CREATE SCHEMA ut_s;
CREATE TYPE ut_mood AS ENUM ('sad', 'ok', 'happy');
ALTER TYPE ut_mood ADD VALUE 'meh' BEFORE 'ok';
COMMENT ON TYPE ut_mood IS 'how one feels';
CREATE TYPE ut_s.color AS ENUM ('red', 'green');
CREATE TYPE ut_pt AS (x integer, y text, m ut_mood);
CREATE DOMAIN ut_posint AS integer NOT NULL DEFAULT 1 CHECK (VALUE > 0);
CREATE DOMAIN ut_code AS varchar(5) CONSTRAINT ut_code_upper CHECK (VALUE = upper(VALUE));
COMMENT ON DOMAIN ut_code IS 'upper-case codes';
CREATE DOMAIN ut_colors AS ut_s.color[] CHECK (cardinality(VALUE) > 0);
CREATE TABLE ut_person (id integer PRIMARY KEY, m ut_mood DEFAULT 'ok', p ut_pt, q ut_posint,
                        c ut_code, cs ut_colors);
"""

COMMANDS = [r"\dT", r"\dT+ ut_*", r"\dT ut_s.*", r"\dD", r"\dD+", r"\d ut_pt", r"\d ut_person"]


def _setup(host, port, user, password, db):
    with psycopg.connect(host=host, port=port, user=user, password=password, dbname="postgres",
                         autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {db}")
        c.execute(f"CREATE DATABASE {db}")
    with psycopg.connect(host=host, port=port, user=user, password=password, dbname=db, autocommit=True) as c:
        c.execute(DDL)


@pytest.fixture(scope="module")
def servers(heliosd, pg15):
    _setup(heliosd.host, heliosd.port, heliosd.user, heliosd.password, "utpsql")
    _setup(pg15.host, pg15.port, pg15.user, "", "utpsql")
    return heliosd, pg15


@pytest.mark.parametrize("command", COMMANDS)
def test_describe_user_types(servers, command):
    h, pg = servers
    expected = Q.normalize(Q.run_psql(pg.host, pg.port, pg.user, "", "utpsql", command), owner=pg.user)
    got = Q.normalize(Q.run_psql(h.host, h.port, h.user, h.password, "utpsql", command), owner=h.user)
    assert got == expected, "\n".join(["expected:"] + expected + ["got:"] + got)


def test_pg_dump_restores_on_postgres(servers):
    h, pg = servers
    import os
    from pathlib import Path

    bindir = Path(Q.psql_bin()).parent
    pg_dump = str(bindir / "pg_dump") if (bindir / "pg_dump").exists() else "pg_dump"
    env = dict(os.environ, PGPASSWORD=h.password)
    dump = subprocess.run([pg_dump, "-h", h.host, "-p", str(h.port), "-U", h.user, "--no-owner", "utpsql"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert dump.returncode == 0, dump.stderr
    with psycopg.connect(host=pg.host, port=pg.port, user=pg.user, dbname="postgres", autocommit=True) as c:
        c.execute("DROP DATABASE IF EXISTS utrestore")
        c.execute("CREATE DATABASE utrestore")
    r = subprocess.run([Q.psql_bin(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", pg.host, "-p", str(pg.port), "-U",
                        pg.user, "-d", "utrestore"], input=dump.stdout, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    with psycopg.connect(host=pg.host, port=pg.port, user=pg.user, dbname="utrestore") as c:
        assert c.execute("SELECT enum_range(NULL::ut_mood)::text").fetchone() == ("{sad,meh,ok,happy}",)
        assert c.execute("SELECT count(*) FROM pg_constraint WHERE contypid <> 0 AND connamespace = "
                         "'public'::regnamespace").fetchone() == (3,)
