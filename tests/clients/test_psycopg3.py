"""psycopg 3 against heliosd: extended protocol, prepared statements, pipeline mode, binary, COPY."""
from __future__ import annotations

import datetime as dt
import decimal
import uuid

import psycopg
import psycopg.errors
import pytest
from psycopg.types.json import Jsonb


@pytest.fixture
def conn(heliosd):
    with psycopg.connect(heliosd.dsn()) as c:
        yield c


def test_parameters_use_the_extended_protocol(conn):
    cur = conn.execute("select %s::int + %s, %s || 'x', %s", (40, 2, "a", None))
    assert cur.fetchone() == (42, "ax", None)
    cur = conn.execute("select %(a)s::text, %(a)s::text = %(b)s", {"a": "same", "b": "same"})
    assert cur.fetchone() == ("same", True)
    # server-side prepared statements (prepare=True, and automatically after prepare_threshold uses)
    for i in range(8):
        assert conn.execute("select %s::int * 2", (i,), prepare=True).fetchone() == (i * 2,)
    conn.prepare_threshold = 1
    for i in range(5):
        assert conn.execute("select %s::text || '!'", (str(i),)).fetchone() == (f"{i}!",)
    conn.rollback()


def test_binary_results_and_params(conn):
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    vals = (1, 2**40, 1.5, decimal.Decimal("12345.678"), "texte", b"\x00\x01", True,
            dt.date(2020, 2, 29), dt.datetime(2021, 3, 4, 5, 6, 7, 890000),
            dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.timezone.utc), u, [1, 2, 3], ["a", None],
            Jsonb({"k": [True, None]}), dt.timedelta(hours=25))
    q = ("select %s::int4, %s::int8, %s::float8, %s::numeric, %s::text, %s::bytea, %s::bool, %s::date, "
         "%s::timestamp, %s::timestamptz, %s::uuid, %s::int4[], %s::text[], %s::jsonb, %s::interval")
    for binary in (False, True):
        cur = conn.cursor(binary=binary)
        cur.execute(q, vals)
        row = cur.fetchone()
        assert row[:13] == vals[:13]
        assert row[13] == {"k": [True, None]} and row[14] == dt.timedelta(hours=25)
        if binary:
            assert all(cur.pgresult.fformat(i) == 1 for i in range(cur.pgresult.nfields))
    # binary parameters explicitly (%b)
    cur = conn.execute("select %b::int8 + 1, %b::text, %b::bytea", (41, "bin", b"\xff"))
    assert cur.fetchone() == (42, "bin", b"\xff")
    conn.rollback()


def test_pipeline_mode(conn):
    conn.autocommit = True
    conn.execute("drop table if exists pg3_pipe")
    conn.execute("create table pg3_pipe (id int primary key, v text)")
    with conn.pipeline() as p:
        curs = []
        for i in range(50):
            curs.append(conn.execute("insert into pg3_pipe values (%s, %s) returning id", (i, f"v{i}")))
        sel = conn.execute("select count(*) from pg3_pipe")
        p.sync()
        assert [c.fetchone()[0] for c in curs] == list(range(50))
        assert sel.fetchone() == (50,)
    # an error inside a pipeline aborts the rest until the sync
    with pytest.raises(psycopg.errors.UniqueViolation):
        with conn.pipeline():
            conn.execute("insert into pg3_pipe values (%s, 'dup')", (1,))
            conn.execute("insert into pg3_pipe values (%s, 'never')", (1000,))
    assert conn.execute("select count(*) from pg3_pipe where id = 1000").fetchone() == (0,)
    with conn.pipeline():
        with conn.cursor() as cur:
            cur.executemany("insert into pg3_pipe values (%s, %s)", [(100 + i, "m") for i in range(20)])
    assert conn.execute("select count(*) from pg3_pipe").fetchone() == (70,)


def test_transactions_and_errors(conn):
    conn.execute("drop table if exists pg3_tx")
    conn.execute("create table pg3_tx (id int primary key, v int check (v > 0))")
    conn.commit()
    with conn.transaction():
        conn.execute("insert into pg3_tx values (1, 1)")
        with pytest.raises(psycopg.errors.CheckViolation) as ei:
            with conn.transaction():  # a savepoint
                conn.execute("insert into pg3_tx values (2, -1)")
        assert ei.value.diag.constraint_name == "pg3_tx_v_check"
        conn.execute("insert into pg3_tx values (3, 3)")
    assert conn.execute("select array_agg(id order by id) from pg3_tx").fetchone() == ([1, 3],)
    conn.rollback()
    with pytest.raises(psycopg.errors.UndefinedTable) as ei:
        conn.execute("select * from pg3_missing_xyz")
    assert ei.value.diag.sqlstate == "42P01"
    conn.rollback()


def test_copy(conn):
    conn.execute("drop table if exists pg3_copy")
    conn.execute("create table pg3_copy (id int, t text, ts timestamptz)")
    with conn.cursor() as cur:
        with cur.copy("copy pg3_copy from stdin") as cp:
            for i in range(100):
                cp.write_row((i, f"row {i}", dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)))
        with cur.copy("copy pg3_copy (id, t) from stdin (format binary)") as cp:
            cp.set_types(["int4", "text"])
            cp.write_row((1000, "binary"))
        with cur.copy("copy (select id, t from pg3_copy order by id desc limit 2) to stdout") as cp:
            assert list(cp.rows()) == [("1000", "binary"), ("99", "row 99")]
        with cur.copy("copy (select id, t from pg3_copy order by id limit 2) to stdout (format binary)") as cp:
            cp.set_types(["int4", "text"])
            assert list(cp.rows()) == [(0, "row 0"), (1, "row 1")]
    conn.commit()


def test_server_side_cursor_and_executemany(conn):
    conn.execute("drop table if exists pg3_ss")
    conn.execute("create table pg3_ss (i int)")
    with conn.cursor() as cur:
        cur.executemany("insert into pg3_ss values (%s)", [(i,) for i in range(300)])
    with conn.cursor(name="pg3_named") as cur:
        cur.itersize = 64
        cur.execute("select i from pg3_ss order by i")
        assert sum(r[0] for r in cur) == sum(range(300))
    with conn.cursor(name="pg3_scroll", scrollable=True) as cur:
        cur.execute("select i from pg3_ss where i < 10 order by i")
        cur.scroll(5, mode="absolute")
        assert cur.fetchone() == (5,)
    conn.commit()


def test_notifications(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as listener, \
            psycopg.connect(heliosd.dsn(), autocommit=True) as sender:
        listener.execute("listen pg3_chan")
        sender.execute("notify pg3_chan, 'payload one'")
        sender.execute("select pg_notify('pg3_chan', 'payload two')")
        got = []
        for n in listener.notifies(timeout=5, stop_after=2):
            got.append((n.channel, n.payload, n.pid == sender.info.backend_pid))
        assert got == [("pg3_chan", "payload one", True), ("pg3_chan", "payload two", True)]


async def _async_part(dsn):
    async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as ac:
        cur = await ac.execute("select %s::int + 1", (41,))
        assert await cur.fetchone() == (42,)
        async with ac.pipeline():
            c1 = await ac.execute("select 1")
            c2 = await ac.execute("select 2")
        assert (await c1.fetchone(), await c2.fetchone()) == ((1,), (2,))


def test_async_connection(heliosd):
    import asyncio

    asyncio.run(_async_part(heliosd.dsn()))
