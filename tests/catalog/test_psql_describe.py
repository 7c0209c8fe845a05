"""psql 15's describe commands print on heliosd what they print on PostgreSQL 15.

The expected outputs were recorded from a throwaway PostgreSQL 15 by
tools/record_catalog_expected.py; only owner names are normalized (see
psqlcmp).  Every command runs psql's own catalog queries (psql -E shows
them): pg_class/pg_attribute/pg_index/pg_constraint joins, pg_get_expr,
pg_get_indexdef, pg_get_constraintdef, regclass casts, format_type...
"""
from __future__ import annotations

import pytest

import psqlcmp as Q


@pytest.mark.parametrize("name,command", Q.COMMANDS, ids=[c[0] for c in Q.COMMANDS])
def test_describe_matches_postgres(saas_heliosd, name, command):
    s = saas_heliosd
    expected = Q.normalize((Q.EXPECTED / f"{name}.out").read_text())
    got = Q.normalize(Q.run_psql(s.host, s.port, s.user, s.password, Q.DBNAME, command), owner=s.user)
    if name in Q.FILTERED:
        keep = Q.first_cells(expected)
        got = Q.restrict_rows(got, keep)
        expected = Q.restrict_rows(expected, keep)
    assert got == expected, "\n".join(["expected:"] + expected + ["got:"] + got)
