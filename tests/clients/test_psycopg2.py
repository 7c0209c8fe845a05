"""psycopg2 against heliosd: execute_values, copy_expert, transactions, named cursors, types."""
from __future__ import annotations

import datetime as dt
import decimal
import io
import uuid

import psycopg2
import psycopg2.errors
import psycopg2.extras
import pytest


@pytest.fixture
def conn(heliosd):
    c = psycopg2.connect(heliosd.dsn())
    yield c
    c.close()


def test_execute_values_and_executemany(conn):
    cur = conn.cursor()
    cur.execute("drop table if exists pg2_items; create table pg2_items (id int primary key, name text, "
                "price numeric(10,2), added date)")
    rows = [(i, f"item {i}", decimal.Decimal(i) / 4, dt.date(2024, 1, 1 + i % 28)) for i in range(1, 501)]
    psycopg2.extras.execute_values(cur, "insert into pg2_items values %s", rows, page_size=100)
    assert cur.rowcount == 100  # rowcount of the last page
    cur.executemany("update pg2_items set name = %s where id = %s", [("first", 1), ("second", 2)])
    conn.commit()
    cur.execute("select count(*), sum(price) from pg2_items")
    assert cur.fetchone() == (500, decimal.Decimal("31312.50"))
    cur.execute("select name, added from pg2_items where id in %s order by id", ((1, 2, 3),))
    assert cur.fetchall() == [("first", dt.date(2024, 1, 2)), ("second", dt.date(2024, 1, 3)),
                              ("item 3", dt.date(2024, 1, 4))]
    ret = psycopg2.extras.execute_values(cur, "insert into pg2_items (id, name) values %s returning id",
                                         [(1001, "a"), (1002, "b")], fetch=True)
    assert ret == [(1001,), (1002,)]
    conn.rollback()


def test_copy_expert(conn):
    cur = conn.cursor()
    cur.execute("drop table if exists pg2_copy; create table pg2_copy (id int, t text, v float8)")
    cur.copy_expert("copy pg2_copy from stdin with (format csv, header)",
                    io.StringIO("id,t,v\n1,one,1.5\n2,\"two\nlines\",\n3,,-2e10\n"))
    assert cur.rowcount == 3
    cur.copy_from(io.StringIO("4\tfour\t4\n"), "pg2_copy", columns=("id", "t", "v"))
    buf = io.StringIO()
    cur.copy_expert("copy (select * from pg2_copy order by id) to stdout with csv", buf)
    assert buf.getvalue() == '1,one,1.5\n2,"two\nlines",\n3,,-20000000000\n4,four,4\n'
    buf = io.StringIO()
    cur.copy_to(buf, "pg2_copy", columns=("id",))
    assert buf.getvalue().split() == ["1", "2", "3", "4"]
    with pytest.raises(psycopg2.errors.InvalidTextRepresentation):
        cur.copy_expert("copy pg2_copy from stdin", io.StringIO("x\ty\tz\n"))
    conn.rollback()


def test_transactions(conn, heliosd):
    cur = conn.cursor()
    cur.execute("drop table if exists pg2_tx; create table pg2_tx (id int primary key)")
    conn.commit()
    cur.execute("insert into pg2_tx values (1)")
    conn.rollback()
    with conn:
        with conn.cursor() as c2:
            c2.execute("insert into pg2_tx values (2)")
    other = psycopg2.connect(heliosd.dsn())
    oc = other.cursor()
    oc.execute("select array_agg(id) from pg2_tx")
    assert oc.fetchone() == ([2],)
    other.close()
    cur.execute("insert into pg2_tx values (3)")
    with pytest.raises(psycopg2.errors.UniqueViolation) as ei:
        cur.execute("insert into pg2_tx values (2)")
    assert ei.value.diag.constraint_name == "pg2_tx_pkey"
    with pytest.raises(psycopg2.errors.InFailedSqlTransaction):
        cur.execute("select 1")
    conn.rollback()
    cur.execute("savepoint s1")
    cur.execute("insert into pg2_tx values (4)")
    cur.execute("rollback to savepoint s1")
    cur.execute("insert into pg2_tx values (5)")
    conn.commit()
    cur.execute("select array_agg(id order by id) from pg2_tx")
    assert cur.fetchone() == ([2, 5],)
    conn.commit()
    conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
    cur.execute("show transaction_isolation")
    assert cur.fetchone() == ("repeatable read",)
    with pytest.raises(psycopg2.errors.ReadOnlySqlTransaction):
        cur.execute("insert into pg2_tx values (6)")
    conn.rollback()
    conn.set_session(isolation_level="READ COMMITTED", readonly=False)
    conn.autocommit = True
    cur.execute("insert into pg2_tx values (7)")
    assert conn.get_transaction_status() == psycopg2.extensions.TRANSACTION_STATUS_IDLE


def test_named_cursor_streams(conn):
    cur = conn.cursor()
    cur.execute("drop table if exists pg2_named; create table pg2_named (i int)")
    cur.execute("insert into pg2_named select generate_series(1, 5000)")
    conn.commit()
    with conn.cursor(name="pg2_stream") as named:
        named.itersize = 777
        named.execute("select i from pg2_named where i %% %s = 0 order by i", (5,))
        total = 0
        for (i,) in named:
            total += i
    assert total == sum(range(5, 5001, 5))
    conn.commit()


def test_types_round_trip(conn):
    cur = conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor)
    u = uuid.uuid4()
    psycopg2.extras.register_uuid()
    cur.execute("select %(i)s::int8 as i, %(t)s as t, %(n)s::numeric as n, %(b)s as b, %(ts)s::timestamp as ts, "
                "%(tz)s::timestamptz as tz, %(d)s as d, %(arr)s::int[] as arr, %(by)s as by, %(u)s as u, "
                "%(js)s::jsonb as js, %(f)s::float8 as f, %(iv)s::interval as iv",
                dict(i=2**40, t="héllo wörld", n=decimal.Decimal("-123.4500"), b=True,
                     ts=dt.datetime(2024, 2, 29, 12, 0, 1, 500), tz=dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),
                     d=dt.date(1999, 12, 31), arr=[1, None, 3], by=psycopg2.Binary(b"\x00\xffab"), u=u,
                     js=psycopg2.extras.Json({"a": [1, 2, {"b": None}]}), f=1.25, iv=dt.timedelta(days=2, seconds=3)))
    r = cur.fetchone()
    assert r["i"] == 2**40 and r["t"] == "héllo wörld" and r["n"] == decimal.Decimal("-123.4500")
    assert r["b"] is True and r["ts"] == dt.datetime(2024, 2, 29, 12, 0, 1, 500)
    assert r["tz"] == dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) and r["d"] == dt.date(1999, 12, 31)
    assert r["arr"] == [1, None, 3] and bytes(r["by"]) == b"\x00\xffab" and r["u"] == u
    assert r["js"] == {"a": [1, 2, {"b": None}]} and r["f"] == 1.25 and r["iv"] == dt.timedelta(days=2, seconds=3)


def test_server_version_and_notices(conn):
    assert 150000 <= conn.server_version < 160000
    cur = conn.cursor()
    cur.execute("drop table if exists pg2_surely_missing")
    assert any("does not exist, skipping" in n for n in conn.notices)
    conn.rollback()


def test_lock_table_waits_nowait_timeout_deadlock(heliosd):
    """LOCK TABLE conflicts with other LOCK TABLEs: NOWAIT fails at once, a wait honours
    lock_timeout, and two sessions locking two tables in opposite orders get one 40P01."""
    import threading

    setup = psycopg2.connect(heliosd.dsn())
    setup.autocommit = True
    setup.cursor().execute("drop table if exists lt_a, lt_b; create table lt_a (x int); create table lt_b (x int)")
    a, b = psycopg2.connect(heliosd.dsn()), psycopg2.connect(heliosd.dsn())
    ca, cb = a.cursor(), b.cursor()
    ca.execute("lock table lt_a in access exclusive mode")
    with pytest.raises(psycopg2.errors.LockNotAvailable) as ei:
        cb.execute("lock table lt_a in exclusive mode nowait")
    assert ei.value.diag.message_primary == 'could not obtain lock on relation "lt_a"'
    b.rollback()
    cb.execute("set lock_timeout = '200ms'")
    with pytest.raises(psycopg2.errors.LockNotAvailable):
        cb.execute("lock table lt_a")
    b.rollback()
    a.rollback()
    errors = []
    step1, step2 = threading.Event(), threading.Event()

    def task(first, second, mine, other):
        c = psycopg2.connect(heliosd.dsn())
        try:
            cur = c.cursor()
            cur.execute(f"lock table {first} in access exclusive mode")
            mine.set()
            other.wait(5)
            cur.execute(f"lock table {second} in access exclusive mode")
        except psycopg2.DatabaseError as e:
            errors.append(e.pgcode)
            mine.set()
        finally:
            c.close()

    t1 = threading.Thread(target=task, args=("lt_a", "lt_b", step1, step2))
    t2 = threading.Thread(target=task, args=("lt_b", "lt_a", step2, step1))
    t1.start()
    t2.start()
    t1.join(20)
    t2.join(20)
    assert errors == ["40P01"]
    a.close()
    b.close()
    setup.cursor().execute("drop table lt_a, lt_b")
    setup.close()


def test_regclass_constant_resolves_in_own_database(heliosd):
    """A 'name'::regclass constant (simple protocol, shared plan with the constant lifted
    out) resolves in the session's own catalog even right after another session, in another
    database with a same-named table, ran a statement."""
    admin = psycopg2.connect(heliosd.dsn())
    admin.autocommit = True
    for db in ("regc_a", "regc_b"):
        admin.cursor().execute(f"drop database if exists {db}")
        admin.cursor().execute(f"create database {db}")
    a, b = psycopg2.connect(heliosd.dsn("regc_a")), psycopg2.connect(heliosd.dsn("regc_b"))
    a.autocommit = b.autocommit = True
    ca, cb = a.cursor(), b.cursor()
    ca.execute("create table orders (id int); comment on table orders is 'A orders'")
    cb.execute("create table filler (x int); create table orders (id int); comment on table orders is 'B orders'")
    ca.execute("select oid from pg_class where relname = 'orders'")
    own = ca.fetchone()[0]
    for _ in range(3):
        cb.execute("select 1")
        ca.execute("select 'orders'::regclass::oid, obj_description('orders'::regclass, 'pg_class')")
        assert ca.fetchone() == (own, "A orders")
    a.close()
    b.close()
    admin.close()
