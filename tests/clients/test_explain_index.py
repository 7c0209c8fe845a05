"""A primary-key point query uses the index, and what it reads does not grow with the table:
EXPLAIN shows an Index Scan on the primary key at every size, and EXPLAIN ANALYZE shows that
scan producing the one matching row (a filter on a non-indexed column reads every row)."""
from __future__ import annotations

import psycopg2


def _plan(cur, sql):
    cur.execute(sql)
    return [r[0] for r in cur.fetchall()]


def test_pk_point_query_uses_index_at_every_size(heliosd):
    c = psycopg2.connect(heliosd.dsn())
    c.autocommit = True
    cur = c.cursor()
    for n in (100, 20_000):
        cur.execute("drop table if exists pk_sizes; create table pk_sizes (id int primary key, v text)")
        cur.execute("insert into pk_sizes select g, 'v' || g from generate_series(1, %s) g", (n,))
        plan = _plan(cur, "explain select * from pk_sizes where id = 42")
        assert plan[0] == "Index Scan using pk_sizes_pkey on pk_sizes", plan
        assert plan[1].strip() == "Index Cond: (id = 42)", plan
        analyzed = _plan(cur, "explain analyze select * from pk_sizes where id = 42")
        assert analyzed[0] == "Index Scan using pk_sizes_pkey on pk_sizes (actual rows=1 loops=1)", analyzed
        # the same lookup by a non-indexed column scans the whole table
        seq = _plan(cur, "explain analyze select * from pk_sizes where v = 'v42'")
        assert seq[0].startswith("Seq Scan on pk_sizes (actual rows=1"), seq
        cur.execute("select v from pk_sizes where id = 42")
        assert cur.fetchone() == ("v42",)
    cur.execute("drop table pk_sizes")
    c.close()
