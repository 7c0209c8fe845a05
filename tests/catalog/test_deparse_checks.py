"""CHECK constraints print (pg_get_constraintdef, plain and pretty) as on PostgreSQL 15.

Known differences, not tested: ``ARRAY[1]`` constants (heliosd folds them
into an array literal), ``NULLIF`` (analyzed into a CASE), ``text ||
varchar`` (heliosd resolves a different ``||`` overload).
"""
from __future__ import annotations

import psycopg
import pytest

import psqlcmp as Q

EXPRS = [
    "a > 0", "a + b * 2 > c", "(a + b) * 2 > 0", "a - (b - c) > 0", "a - b - c > 0", "a % 3 = 1",
    "t <> ''", "t LIKE 'x%'", "t NOT LIKE 'x%'", "t ILIKE '%y'", "t ~ '^[a-z]+$'", "t !~* 'q'",
    "length(t) < 10", "lower(t) = t", "upper(v) <> 'X'", "v IN ('a', 'b')", "a IN (1, 2, 3)", "a NOT IN (4, 5)",
    "a BETWEEN 1 AND 10", "a IS NOT NULL AND b IS NULL", "NOT (a = 1 OR b = 2)", "f", "NOT f", "f IS TRUE",
    "COALESCE(a, 0) >= 0", "n >= 0.5", "n < 100", "n <> -1", "d > '2020-01-01'", "ts < now()",
    "ts > CURRENT_TIMESTAMP", "d <= CURRENT_DATE", "j ? 'k'", "j @> '{\"a\": 1}'", "cardinality(arr) < 5",
    "a = ANY (arr)", "a <> ALL (arr)", "CASE WHEN a > 0 THEN b ELSE c END > 0", "CASE WHEN a > 0 THEN b END > 0",
    "a::text <> 'x'", "CAST(t AS int) > 0", "-a < 0", "abs(a) < 100", "greatest(a, b) < 10",
    "t IS DISTINCT FROM v", "a > 0 AND (b > 0 OR c > 0)", "(a > 0 OR b > 0) AND c > 0", "big > 10", "big > a",
    "r > 1.5", "r > 1", "sm < 5",
]


def _defs(dsn):
    out = []
    with psycopg.connect(dsn, autocommit=True) as c:
        c.execute("DROP TABLE IF EXISTS dp_chk")
        c.execute("CREATE TABLE dp_chk (a int, b int, c int, t text, v varchar(10), f boolean, n numeric, d date, "
                  "ts timestamp, j jsonb, arr int[], big bigint, r float8, sm smallint)")
        for i, e in enumerate(EXPRS):
            c.execute(f"ALTER TABLE dp_chk ADD CONSTRAINT c{i} CHECK ({e})")
        out = c.execute("SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) "
                        "FROM pg_constraint WHERE conrelid = 'dp_chk'::regclass ORDER BY oid").fetchall()
        c.execute("CREATE VIEW dp_case AS SELECT a, CASE WHEN a > 0 THEN 'pos' ELSE 'neg' END AS sign, "
                  "CASE WHEN t = 'x' THEN 1 END FROM dp_chk WHERE CASE WHEN b > 1 THEN true ELSE false END")
        out += c.execute("SELECT pg_get_viewdef('dp_case'::regclass), pg_get_viewdef('dp_case'::regclass, true)"
                         ).fetchall()
        c.execute("DROP VIEW dp_case")
        c.execute("DROP TABLE dp_chk")
    return out


@pytest.fixture(scope="module")
def defs(saas_heliosd, saas_pg15):
    return _defs(saas_heliosd.dsn(Q.DBNAME)), _defs(saas_pg15.dsn(Q.DBNAME))


@pytest.mark.parametrize("i", range(len(EXPRS) + 1), ids=EXPRS + ["view with CASE"])
def test_deparse_matches_postgres(defs, i):
    got, want = defs
    assert got[i] == want[i]
