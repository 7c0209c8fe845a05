"""Function library end to end through a real heliosd (sequences, pg_sleep, lateral SRFs, result types)."""
import threading
import time

import psycopg
import pytest


@pytest.fixture
def conn(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        yield c


def q(c, sql, *args):
    cur = c.cursor()
    cur.execute(sql, args or None)
    return cur.fetchall() if cur.description else None


def test_nextval_is_not_rolled_back_and_currval_is_per_session(conn, heliosd):
    q(conn, "drop sequence if exists ft_seq")
    q(conn, "create sequence ft_seq")
    assert q(conn, "select nextval('ft_seq'), nextval('ft_seq')") == [(1, 2)]
    conn.autocommit = False
    q(conn, "select nextval('ft_seq')")
    conn.rollback()
    conn.autocommit = True
    assert q(conn, "select nextval('ft_seq')") == [(4,)]
    assert q(conn, "select last_value, is_called from ft_seq") == [(4, True)]
    with psycopg.connect(heliosd.dsn(), autocommit=True) as other:
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as e:
            q(other, "select currval('ft_seq')")
        assert 'currval of sequence "ft_seq" is not yet defined in this session' in str(e.value)
        assert q(other, "select nextval('ft_seq')") == [(5,)]
    assert q(conn, "select currval('ft_seq'), lastval()") == [(4, 4)]
    assert q(conn, "select setval('ft_seq', 100), nextval('ft_seq')") == [(100, 101)]


def test_sequence_limit_and_many_nextvals(conn):
    q(conn, "drop sequence if exists ft_tiny")
    q(conn, "create sequence ft_tiny maxvalue 2")
    assert q(conn, "select nextval('ft_tiny'), nextval('ft_tiny')") == [(1, 2)]
    with pytest.raises(psycopg.errors.SequenceGeneratorLimitExceeded) as e:
        q(conn, "select nextval('ft_tiny')")
    assert 'reached maximum value of sequence "ft_tiny" (2)' in str(e.value)
    q(conn, "drop table if exists ft_ser")
    q(conn, "create table ft_ser (id serial primary key, v int)")
    q(conn, "insert into ft_ser (v) select g from generate_series(1, 500) g")
    assert q(conn, "select count(*), count(distinct id), min(id), max(id) from ft_ser") == [(500, 500, 1, 500)]


def test_sequence_state_per_branch(conn, heliosd):
    q(conn, "drop sequence if exists ft_bseq")
    q(conn, "create sequence ft_bseq")
    q(conn, "select nextval('ft_bseq')")  # 1 on main
    q(conn, "drop branch if exists ft_child")
    q(conn, "create branch ft_child from main")
    main_next = q(conn, "select nextval('ft_bseq')")[0][0]
    with psycopg.connect(heliosd.dsn(), autocommit=True, options="-c helios.branch=ft_child") as child:
        child_next = q(child, "select nextval('ft_bseq')")[0][0]
        child_next2 = q(child, "select nextval('ft_bseq')")[0][0]
    assert main_next == 2
    # the fork continues after everything main had reserved at the fork: never a value main handed out
    assert child_next > 1 and child_next2 == child_next + 1
    assert q(conn, "select nextval('ft_bseq')") == [(3,)]


def test_pg_sleep_does_not_block_other_sessions(conn, heliosd):
    done = {}

    def sleeper():
        with psycopg.connect(heliosd.dsn(), autocommit=True) as c2:
            t0 = time.monotonic()
            q(c2, "select pg_sleep(0.6)")
            done["slept"] = time.monotonic() - t0

    th = threading.Thread(target=sleeper)
    th.start()
    time.sleep(0.15)
    t0 = time.monotonic()
    assert q(conn, "select 1") == [(1,)]
    assert time.monotonic() - t0 < 0.3
    th.join()
    assert done["slept"] >= 0.55
    q(conn, "set statement_timeout = 100")
    try:
        with pytest.raises(psycopg.errors.QueryCanceled):
            q(conn, "select pg_sleep(5)")
    finally:
        q(conn, "set statement_timeout = 0")


def test_lateral_srfs_and_result_types(conn):
    q(conn, "drop table if exists ft_orders")
    q(conn, "create table ft_orders (id int primary key, items jsonb, tags text[])")
    q(conn, """insert into ft_orders values (1, '[{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1}]', '{x,y}'),
               (2, '[]', null)""")
    rows = q(conn, "select o.id, item->>'sku', (item->>'qty')::int from ft_orders o, "
                   "jsonb_array_elements(o.items) item order by 1, 2")
    assert rows == [(1, "A", 2), (1, "B", 1)]
    assert q(conn, "select o.id, t.tag, t.n from ft_orders o, unnest(o.tags) with ordinality t(tag, n) "
                   "order by 1, 3") == [(1, "x", 1), (1, "y", 2)]
    assert q(conn, "select id, (select count(*) from jsonb_array_elements(items)) from ft_orders order by id") == \
        [(1, 2), (2, 0)]
    r = q(conn, "select pg_typeof(sum(1::int4))::text, pg_typeof(sum(1::int8))::text, pg_typeof(avg(1))::text, "
                "pg_typeof(count(*))::text, pg_typeof(extract(year from now()))::text, "
                "pg_typeof(date_part('year', now()))::text")
    assert r == [("bigint", "numeric", "numeric", "bigint", "numeric", "double precision")]
    assert q(conn, "select to_char(date '2024-07-05', 'FMDay FMDD FMMonth'), "
                   "date_trunc('week', timestamp '2024-07-17 13:45')::text") == [("Friday 5 July",
                                                                                 "2024-07-15 00:00:00")]
