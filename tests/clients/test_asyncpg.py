"""asyncpg against heliosd: fetch*, prepared statements, executemany, COPY (binary), transactions, codecs."""
from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import json
import uuid

import asyncpg
import pytest


def run(coro):
    return asyncio.run(coro)


async def connect(server):
    return await asyncpg.connect(host=server.host, port=server.port, user=server.user,
                                 password=server.password, database="postgres")


def test_fetch_fetchrow_fetchval(heliosd):
    async def main():
        c = await connect(heliosd)
        try:
            assert await c.fetchval("select 1 + $1::int", 41) == 42
            row = await c.fetchrow("select $1::text as a, $2::int as b", "x", 7)
            assert row["a"] == "x" and row["b"] == 7 and tuple(row) == ("x", 7)
            rows = await c.fetch("select g, g * g as sq from generate_series(1, $1::int) g", 5)
            assert [tuple(r) for r in rows] == [(i, i * i) for i in range(1, 6)]
            assert await c.fetchrow("select 1 where false") is None
            assert await c.execute("select 1") == "SELECT 1"
            assert c.get_server_version().major == 15
            assert await c.fetchval("show server_version") is not None
        finally:
            await c.close()
    run(main())


def test_prepared_statements_and_executemany(heliosd):
    async def main():
        c = await connect(heliosd)
        try:
            await c.execute("drop table if exists apg_items; create table apg_items (id int primary key, "
                            "name text not null, price numeric(10, 2), tags text[])")
            ins = await c.prepare("insert into apg_items values ($1, $2, $3, $4)")
            for i in range(5):
                await ins.fetch(i, f"n{i}", decimal.Decimal(i) / 2, [f"t{i}"])
            await c.executemany("insert into apg_items values ($1, $2, $3, $4)",
                                [(i, f"m{i}", None, None) for i in range(5, 105)])
            sel = await c.prepare("select id, name from apg_items where id >= $1 order by id limit $2")
            assert [p.name for p in sel.get_parameters()] == ["int4", "int8"]
            assert [a.name for a in sel.get_attributes()] == ["id", "name"]
            assert [tuple(r) for r in await sel.fetch(100, 3)] == [(100, "m100"), (101, "m101"), (102, "m102")]
            assert await sel.fetchval(104, 1) == 104
            assert await c.fetchval("select count(*) from apg_items") == 105
            with pytest.raises(asyncpg.UniqueViolationError):
                await c.execute("insert into apg_items values (1, 'dup')")
            with pytest.raises(asyncpg.NotNullViolationError):
                await ins.fetch(999, None, None, None)
            # a cursor over a prepared statement (portals with row limits inside a transaction)
            async with c.transaction():
                got = [r["id"] async for r in c.cursor("select id from apg_items order by id", prefetch=7)]
            assert got == list(range(105))
        finally:
            await c.close()
    run(main())


def test_copy_records_and_copy_out(heliosd, tmp_path):
    async def main():
        c = await connect(heliosd)
        try:
            await c.execute("drop table if exists apg_copy; create table apg_copy (id int, name text, "
                            "amount numeric, at timestamptz, flag bool, data bytea, ids int8[], doc jsonb)")
            t = dt.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=dt.timezone.utc)
            recs = [(i, f"name {i}", decimal.Decimal(f"{i}.{i % 10}"), t, i % 2 == 0, bytes([i % 256]) * 3,
                     [i, i + 1], json.dumps({"i": i})) for i in range(1000)]
            recs.append((None, None, None, None, None, None, None, None))
            res = await c.copy_records_to_table("apg_copy", records=recs)
            assert res == "COPY 1001"
            res = await c.copy_records_to_table("apg_copy", records=[(5000, "partial")], columns=["id", "name"])
            assert res == "COPY 1"
            assert await c.fetchval("select count(*) from apg_copy") == 1002
            r = await c.fetchrow("select * from apg_copy where id = 7")
            assert r["amount"] == decimal.Decimal("7.7") and r["at"] == t and r["flag"] is False
            assert r["data"] == b"\x07\x07\x07" and r["ids"] == [7, 8] and json.loads(r["doc"]) == {"i": 7}
            out = tmp_path / "out.csv"
            await c.copy_from_query("select id, name from apg_copy where id < 3 order by id", output=str(out),
                                    format="csv")
            assert out.read_text() == "0,name 0\n1,name 1\n2,name 2\n"
            src = tmp_path / "in.txt"
            src.write_text("9001\tfrom file\n9002\t\\N\n")
            await c.copy_to_table("apg_copy", source=str(src), columns=["id", "name"])
            assert await c.fetchval("select count(*) from apg_copy where id > 9000") == 2
        finally:
            await c.close()
    run(main())


def test_transactions(heliosd):
    async def main():
        c = await connect(heliosd)
        try:
            await c.execute("drop table if exists apg_tx; create table apg_tx (id int primary key)")
            async with c.transaction():
                await c.execute("insert into apg_tx values (1)")
                try:
                    async with c.transaction():  # savepoint
                        await c.execute("insert into apg_tx values (2)")
                        raise RuntimeError("roll back the savepoint")
                except RuntimeError:
                    pass
                await c.execute("insert into apg_tx values (3)")
            with pytest.raises(ZeroDivisionError):
                async with c.transaction():
                    await c.execute("insert into apg_tx values (4)")
                    1 / 0
            async with c.transaction(isolation="repeatable_read", readonly=True):
                assert await c.fetchval("show transaction_isolation") == "repeatable read"
                with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
                    await c.execute("insert into apg_tx values (5)")
            assert [r[0] for r in await c.fetch("select id from apg_tx order by id")] == [1, 3]
        finally:
            await c.close()
    run(main())


def test_codecs(heliosd):
    async def main():
        c = await connect(heliosd)
        try:
            u = uuid.uuid4()
            ts = dt.datetime(2023, 12, 31, 23, 59, 59, 999999)
            tstz = dt.datetime(2023, 6, 1, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
            vals = [
                ("int2", 12), ("int4", -2**31), ("int8", 2**62), ("text", "snow ☃"), ("varchar", "v"),
                ("numeric", decimal.Decimal("-1234567890.0987654321")), ("numeric", decimal.Decimal("NaN")),
                ("float4", 1.5), ("float8", -2.25e-300), ("timestamp", ts), ("timestamptz", tstz),
                ("date", dt.date(2000, 2, 29)), ("time", dt.time(13, 14, 15, 16)),
                ("interval", dt.timedelta(days=-3, seconds=7, microseconds=8)),
                ("jsonb", '{"a": [1, 2.5, "x", null, true]}'), ("json", '[1, {"b": 2}]'), ("uuid", u),
                ("bool", True), ("bool", False), ("bytea", b"\x00\x01\xfe\xff"),
                ("int4[]", [1, None, 3]), ("text[]", ["a", "b c", None, ""]), ("int8[]", []),
                ("float8[]", [1.5, -0.0]), ("numeric[]", [decimal.Decimal("1.10")]),
                ("bool[]", [True, False]), ("uuid[]", [u]), ("date[]", [dt.date(2020, 1, 1)]),
            ]
            for typ, v in vals:
                got = await c.fetchval(f"select $1::{typ}", v)
                if typ == "numeric" and v.is_nan():
                    assert got.is_nan()
                elif typ == "jsonb":
                    assert json.loads(got) == json.loads(v)
                elif typ == "timestamptz":
                    assert got == v
                else:
                    assert got == v, (typ, v, got)
            # values computed by the server decode as the same Python objects
            row = await c.fetchrow("select 1::int4 as a, 'x'::text as b, 1.50::numeric(5,2) as c, "
                                   "'2024-01-02 03:04:05'::timestamp as d, '{\"k\": 1}'::jsonb as e, "
                                   "'{1,2}'::int4[] as f, true as g, '\\xdead'::bytea as h, "
                                   "'00000000-0000-0000-0000-000000000001'::uuid as i")
            assert tuple(row) == (1, "x", decimal.Decimal("1.50"), dt.datetime(2024, 1, 2, 3, 4, 5), '{"k": 1}',
                                  [1, 2], True, b"\xde\xad", uuid.UUID(int=1))
        finally:
            await c.close()
    run(main())


def test_pool(heliosd):
    async def main():
        pool = await asyncpg.create_pool(host=heliosd.host, port=heliosd.port, user=heliosd.user,
                                         password=heliosd.password, database="postgres", min_size=2, max_size=8)
        try:
            async def one(i):
                async with pool.acquire() as c:
                    return await c.fetchval("select $1::int * 2", i)
            assert await asyncio.gather(*[one(i) for i in range(50)]) == [i * 2 for i in range(50)]
        finally:
            await pool.close()
    run(main())


def test_listen(heliosd):
    async def main():
        a = await connect(heliosd)
        b = await connect(heliosd)
        got = asyncio.get_running_loop().create_future()
        try:
            await a.add_listener("apg_chan", lambda conn, pid, chan, payload: got.set_result((chan, payload)))
            await b.execute("notify apg_chan, 'hi'")
            assert await asyncio.wait_for(got, 5) == ("apg_chan", "hi")
        finally:
            await a.close()
            await b.close()
    run(main())


def test_statement_cache_after_ddl_cursor_forward_named_execute(heliosd):
    """What asyncpg's own suite checks: its statement cache survives DDL (the server's
    'cached plan must not change result type' makes it re-prepare), Cursor.forward() moves a
    protocol-level portal with MOVE, EXECUTE of a named statement uses the Bind's formats."""
    async def main():
        c = await connect(heliosd)
        try:
            await c.execute("drop table if exists apg_inval; create table apg_inval (a int, b int)")
            await c.execute("insert into apg_inval values (1, 2)")
            assert tuple(await c.fetchrow("select * from apg_inval")) == (1, 2)
            await c.execute("alter table apg_inval alter column b set data type text")
            assert tuple(await c.fetchrow("select * from apg_inval")) == (1, "2")  # re-prepared silently
            async with c.transaction():
                await c.fetchrow("select * from apg_inval")
                await c.execute("alter table apg_inval add column c int")
                with pytest.raises(asyncpg.exceptions.InvalidCachedStatementError):
                    await c.fetchrow("select * from apg_inval")
            st = await c.prepare("select generate_series(0, 20)")
            async with c.transaction():
                cur = await st.cursor()
                assert [r[0] for r in await cur.fetch(2)] == [0, 1]
                assert await cur.forward(5) == 5
                assert (await cur.fetchrow())[0] == 7
            ps = await c.prepare("select 1::int4", name="apg_named")
            assert ps.get_name() == "apg_named"
            assert await c.fetchval("EXECUTE apg_named") == 1
            with pytest.raises(asyncpg.exceptions.DuplicatePreparedStatementError):
                await c.prepare("select 1", name="apg_named")
            await c.execute("drop table apg_inval")
        finally:
            await c.close()
    run(main())
