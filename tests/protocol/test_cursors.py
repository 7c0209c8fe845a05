"""SQL cursors (DECLARE / FETCH / MOVE / CLOSE) compared with PostgreSQL 15."""
from __future__ import annotations

import psycopg
import psycopg2
import pytest

SCRIPT = [
    "begin",
    "declare c1 scroll cursor for select g, g * 10 from generate_series(1, 10) g order by g",
    "fetch c1", "fetch 2 from c1", "fetch prior from c1", "fetch last from c1", "fetch next from c1",
    "fetch absolute 3 from c1", "fetch absolute -2 from c1", "fetch absolute 0 from c1", "fetch absolute 11 from c1",
    "fetch relative -1 from c1", "fetch relative 0 from c1", "fetch relative 3 from c1", "fetch relative -30 from c1",
    "move forward all in c1", "fetch backward 2 from c1", "fetch backward all from c1", "fetch first in c1",
    "fetch forward 3 in c1", "fetch forward 0 in c1", "fetch backward 0 in c1", "move backward 1 in c1",
    "move absolute 5 in c1", "move relative 100 in c1", "fetch -2 from c1", "fetch all from c1", "fetch 5 from c1",
    "declare c2 no scroll cursor for select 1 union all select 2",
    "fetch c2", "fetch c2", "fetch c2",
    "close c2",
    "close c1",
    "declare c3 cursor for select g from generate_series(1, 3) g",
    "close all",
    "commit",
]

ERRORS = [
    ["begin", "fetch nope"],
    ["begin", "close nope"],
    ["begin", "declare d cursor for select 1", "declare d cursor for select 2"],
    ["begin", "declare d no scroll cursor for select 1", "fetch d", "fetch prior from d"],
    ["declare d cursor for select 1"],
    ["begin", "declare d cursor for insert into never_exists values (1)"],
]


def _run(conn, stmts):
    out = []
    cur = conn.cursor()
    for q in stmts:
        try:
            cur.execute(q)
        except psycopg.Error as e:
            out.append((q, "ERROR", e.diag.sqlstate, e.diag.message_primary))
            conn.rollback()
            continue
        rows = cur.fetchall() if cur.description else None
        out.append((q, cur.statusmessage, rows))
    return out


def test_fetch_directions_match_postgres(heliosd, pg15):
    with psycopg.connect(heliosd.dsn()) as h, psycopg.connect(pg15.dsn()) as p:
        assert _run(h, SCRIPT) == _run(p, SCRIPT)


@pytest.mark.parametrize("stmts", ERRORS, ids=[s[-1] for s in ERRORS])
def test_cursor_errors_match_postgres(heliosd, pg15, stmts):
    with psycopg.connect(heliosd.dsn()) as h, psycopg.connect(pg15.dsn()) as p:
        mine, theirs = _run(h, stmts), _run(p, stmts)
        assert [r[:3] for r in mine] == [r[:3] for r in theirs]


def test_with_hold_survives_commit_and_sees_declare_snapshot(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        c.execute("drop table if exists cur_hold")
        c.execute("create table cur_hold (i int)")
        c.execute("insert into cur_hold select generate_series(1, 5)")
        c.execute("declare h cursor with hold for select i from cur_hold order by i")
        c.execute("insert into cur_hold values (6)")
        assert c.execute("fetch all from h").fetchall() == [(1,), (2,), (3,), (4,), (5,)]
        c.execute("close h")
        with pytest.raises(psycopg.errors.NoActiveSqlTransaction):
            c.execute("declare nh cursor for select 1")
    with psycopg.connect(heliosd.dsn()) as c:
        c.execute("declare w cursor without hold for select 1")
        c.commit()
        with pytest.raises(psycopg.errors.InvalidCursorName):
            c.execute("fetch w")


def test_psycopg2_named_cursors(heliosd):
    conn = psycopg2.connect(heliosd.dsn())
    try:
        cur = conn.cursor()
        cur.execute("drop table if exists cur_named; create table cur_named (i int, t text)")
        cur.execute("insert into cur_named select g, 'row ' || g from generate_series(1, 2500) g")
        conn.commit()
        named = conn.cursor("big_scan")
        named.itersize = 1000
        named.execute("select i, t from cur_named order by i")
        seen = [r[0] for r in named]
        assert seen == list(range(1, 2501))
        named.close()
        sc = conn.cursor("scroller", scrollable=True)
        sc.execute("select i from cur_named where i <= 10 order by i")
        assert sc.fetchmany(3) == [(1,), (2,), (3,)]
        sc.scroll(-2)
        assert sc.fetchone() == (2,)
        sc.scroll(7, mode="absolute")
        assert sc.fetchone() == (8,)
        assert sc.fetchall() == [(9,), (10,)]
        sc.close()
        wh = conn.cursor("held", withhold=True)
        wh.execute("select i from cur_named where i < 4 order by i")
        conn.commit()
        assert wh.fetchall() == [(1,), (2,), (3,)]
        wh.close()
    finally:
        conn.close()


def test_binary_cursor(heliosd):
    with psycopg.connect(heliosd.dsn()) as c:
        c.execute("declare b binary cursor for select 258::int4")
        cur = c.execute("fetch b")
        assert cur.pgresult.get_value(0, 0) == b"\x00\x00\x01\x02"
        assert cur.pgresult.fformat(0) == 1
