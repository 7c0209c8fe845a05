"""The three SaaS report queries on a large tenant (>= 50,000 tasks, >= 100,000 time
entries) return exactly PostgreSQL 15's rows, result types and text.

The tenant is generated once on PostgreSQL (the bench's deterministic generator,
bench/run.py) and copied row for row into heliosd with COPY, so both servers hold the
same data; template v47 and migration v48 run on both.  The queries read NOW() and
CURRENT_DATE, so the comparison never straddles an hour boundary (the generated
timestamps sit on whole hours)."""
from __future__ import annotations

import io
import sys
import time
from pathlib import Path

import psycopg2
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run as bench  # noqa: E402  (bench/run.py: generator, template, migration, queries)

RECORDS = 151_000  # -> 50,081 tasks and 100,164 time entries
TABLES = ("team_members", "projects", "tasks", "time_entries")
# the output columns each query's ORDER BY sorts on (search also sorts on priority, not shown)
ORDER_KEYS = {"dashboard": ("overdue_tasks", "completion_pct"), "utilization": ("avg_weekly_hours",),
              "search": ("due_date",)}


def _conn(dsn):
    c = psycopg2.connect(dsn)
    c.autocommit = True
    return c


def _run_all(c, stmts):
    cur = c.cursor()
    for s in stmts:
        cur.execute(s)


def _results(c, sql):
    cur = c.cursor()
    cur.execute(sql)
    rows = cur.fetchall()
    types = [d.type_code for d in cur.description]
    names = [d.name for d in cur.description]
    cur.execute(f"SELECT q::text FROM ({sql}) q")  # PostgreSQL's text of every row, in order
    text = [r[0] for r in cur.fetchall()]
    return names, types, rows, text


def _away_from_hour_boundary():
    # the report queries compare against NOW() and CURRENT_DATE; the data sits on whole hours
    left = 3600 - time.time() % 3600
    if left < 90:
        time.sleep(left + 2)


def test_report_queries_match_postgresql_on_a_large_tenant(heliosd, pg15):
    pg = _conn(pg15.dsn("postgres"))
    pg.cursor().execute("DROP DATABASE IF EXISTS reports_big")
    pg.cursor().execute("CREATE DATABASE reports_big")
    pg.close()
    h = _conn(heliosd.dsn())
    h.cursor().execute("DROP DATABASE IF EXISTS reports_big")
    h.cursor().execute("CREATE DATABASE reports_big")
    h.close()
    pg = _conn(pg15.dsn("reports_big"))
    h = _conn(heliosd.dsn("reports_big"))
    try:
        _run_all(pg, bench.TEMPLATE_STMTS)
        _run_all(h, bench.TEMPLATE_STMTS)
        pg.autocommit = False
        _run_all(pg, bench.Bench.tenant_data_sql(RECORDS))
        pg.commit()
        pg.autocommit = True
        hc = h.cursor()
        hc.execute("TRUNCATE " + ", ".join(TABLES) + " CASCADE")  # the template's seed rows come along
        for t in TABLES:  # the same rows on both servers
            buf = io.StringIO()
            pg.cursor().copy_expert(f"COPY {t} TO STDOUT", buf)
            buf.seek(0)
            hc.copy_expert(f"COPY {t} FROM STDIN", buf)
        counts = {}
        for c in (pg, h):
            cur = c.cursor()
            cur.execute("SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM time_entries)")
            counts[c is pg] = cur.fetchone()
        assert counts[True] == counts[False]
        assert counts[True][0] >= 50_000 and counts[True][1] >= 100_000
        _run_all(pg, bench.MIGRATION_STMTS)
        _run_all(h, bench.MIGRATION_STMTS)
        pg.cursor().execute("ANALYZE")
        for name, sql in bench.REPORTS.items():
            _away_from_hour_boundary()
            expected = _results(pg, sql)
            actual = _results(h, sql)
            assert actual[0] == expected[0], name  # column names
            assert actual[1] == expected[1], name  # result type OIDs
            assert len(expected[2]) > 0, name
            # rows and their text: equal as multisets, and in the same order of the ORDER BY
            # keys; rows tied on every key may come in any order (PostgreSQL's own tie order
            # depends on its hash table), so ties are compared as groups
            assert sorted(map(repr, actual[2])) == sorted(map(repr, expected[2])), name
            assert sorted(actual[3]) == sorted(expected[3]), name
            keys = [expected[0].index(k) for k in ORDER_KEYS[name]]
            assert [tuple(r[i] for i in keys) for r in actual[2]] == \
                   [tuple(r[i] for i in keys) for r in expected[2]], name
    finally:
        pg.close()
        h.close()
