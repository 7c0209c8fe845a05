"""inet/cidr/macaddr/ranges through the drivers' own codecs (binary and text) against heliosd,
compared with the same round trips against PostgreSQL 15."""
from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import ipaddress

import asyncpg
import psycopg
import pytest
from asyncpg.types import Range as ARange

UTC = dt.timezone.utc

ASYNCPG_VALUES = [
    ("inet", ipaddress.ip_interface("10.1.2.3/8")),
    ("inet", ipaddress.ip_address("10.1.2.3")),
    ("inet", ipaddress.ip_address("2001:db8::1")),
    ("inet", ipaddress.ip_interface("2001:db8::1/64")),
    ("cidr", ipaddress.ip_network("10.0.0.0/8")),
    ("cidr", ipaddress.ip_network("2001:db8::/32")),
    ("cidr", ipaddress.ip_network("1.2.3.4/32")),
    ("macaddr", "08:00:2b:01:02:03"),
    ("int4range", ARange(1, 5)),
    ("int4range", ARange(1, 5, lower_inc=False, upper_inc=True)),
    ("int4range", ARange(empty=True)),
    ("int4range", ARange(None, 5)),
    ("int4range", ARange(3, None, upper_inc=True)),
    ("int8range", ARange(-(2 ** 40), 2 ** 40)),
    ("numrange", ARange(decimal.Decimal("1.50"), decimal.Decimal("2.5"), upper_inc=True)),
    ("daterange", ARange(dt.date(2020, 1, 1), dt.date(2020, 2, 1), upper_inc=True)),
    ("tsrange", ARange(dt.datetime(2020, 1, 1, 10), dt.datetime(2020, 1, 1, 12, 30))),
    ("tstzrange", ARange(dt.datetime(2020, 1, 1, 10, tzinfo=UTC), None)),
]


async def _asyncpg_roundtrips(server, password):
    c = await asyncpg.connect(host=server.host, port=server.port, user=server.user, password=password,
                              database="postgres")
    try:
        out = []
        for typ, v in ASYNCPG_VALUES:
            # binary in ($1 typed by the server), binary out; and the server's text form
            got, txt = await c.fetchrow(f"select $1::{typ}, $1::{typ}::text", v)
            out.append((typ, got, txt))
        arr = await c.fetchval("select $1::inet[]", [ipaddress.ip_interface("10.0.0.1/8"), None,
                                                      ipaddress.ip_address("::1")])
        out.append(("inet[]", arr, None))
        rarr = await c.fetchval("select $1::int4range[]", [ARange(1, 3), ARange(empty=True)])
        out.append(("int4range[]", rarr, None))
        out.append(("ops", tuple(await c.fetchrow(
            "select $1::inet << $2::cidr, $3::int4range @> 4, upper($3::int4range), lower($4::tstzrange)",
            ipaddress.ip_address("10.1.2.3"), ipaddress.ip_network("10.0.0.0/8"), ARange(1, 5),
            ARange(dt.datetime(2020, 1, 1, tzinfo=UTC), None))), None))
        await c.execute("drop table if exists codec_t")
        await c.execute("create table codec_t (a inet primary key, n cidr, r int4range, d daterange)")
        await c.executemany("insert into codec_t values ($1, $2, $3, $4)", [
            (ipaddress.ip_address("10.0.0.2"), ipaddress.ip_network("10.0.0.0/8"), ARange(1, 3),
             ARange(dt.date(2020, 1, 1), None)),
            (ipaddress.ip_interface("10.0.0.1/8"), None, ARange(empty=True), None),
        ])
        rows = await c.fetch("select * from codec_t order by a")
        out.append(("table", [tuple(r) for r in rows], None))
        await c.execute("drop table codec_t")
        return out
    finally:
        await c.close()


def test_asyncpg_codecs_match_postgres(heliosd, pg15):
    ours = asyncio.run(_asyncpg_roundtrips(heliosd, heliosd.password))
    theirs = asyncio.run(_asyncpg_roundtrips(pg15, None))
    assert ours == theirs
    # sanity: the values really round-tripped
    assert ours[0][1] == ipaddress.ip_interface("10.1.2.3/8") and ours[0][2] == "10.1.2.3/8"
    assert ours[9][1] == ARange(2, 6) and ours[9][2] == "[2,6)"


def _psycopg_roundtrips(dsn):
    from psycopg.types.range import Range

    with psycopg.connect(dsn, autocommit=True) as c:
        out = []
        vals = [
            ipaddress.ip_interface("10.1.2.3/8"), ipaddress.ip_address("192.168.0.1"),
            ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_address("2001:db8::1"),
            Range(1, 5), Range(1, 5, "(]"), Range(empty=True), Range(None, 7),
            Range(decimal.Decimal("1.5"), decimal.Decimal("2")),
            Range(dt.date(2020, 1, 1), dt.date(2020, 3, 1), "[]"),
            Range(dt.datetime(2020, 1, 1, 10), dt.datetime(2020, 1, 2)),
            Range(dt.datetime(2020, 1, 1, 10, tzinfo=UTC), None),
        ]
        for binary in (False, True):
            cur = c.cursor(binary=binary)
            for v in vals:
                cur.execute("select %s", (v,))
                got, = cur.fetchone()
                out.append((binary, cur.description[0].type_code, got))
            cur.execute("select '10.1.2.3/8'::inet, '10.0.0.0/8'::cidr, '08:00:2b:01:02:03'::macaddr, "
                        "'[1,5)'::int4range, 'empty'::numrange, '(,)'::daterange, "
                        "array['1.2.3.4'::inet, '::1/64'], array[int4range(1,2), 'empty']")
            out.append((binary, "literals", cur.fetchone()))
        return out


def test_psycopg3_codecs_match_postgres(heliosd, pg15):
    ours = _psycopg_roundtrips(heliosd.dsn())
    theirs = _psycopg_roundtrips(pg15.dsn())
    assert ours == theirs


def test_psycopg2_text_values(heliosd):
    import psycopg2
    import psycopg2.extras

    with psycopg2.connect(heliosd.dsn()) as c:
        cur = c.cursor()
        cur.execute("select '10.1.2.3/8'::inet, '[1,5]'::int4range, '(,2020-01-01]'::daterange")
        a, r, d = cur.fetchone()
        assert a == "10.1.2.3/8"
        assert isinstance(r, psycopg2.extras.NumericRange) and (r.lower, r.upper, r.lower_inc, r.upper_inc) == (1, 6, True, False)
        assert isinstance(d, psycopg2.extras.DateRange) and d.lower is None and d.upper == dt.date(2020, 1, 2)
    c.close()


def test_asyncpg_introspects_range_types(heliosd):
    """asyncpg's type introspection (pg_type / pg_range) for a range's array in a composite context."""
    async def main():
        c = await asyncpg.connect(host=heliosd.host, port=heliosd.port, user=heliosd.user,
                                  password=heliosd.password, database="postgres")
        try:
            rows = await c.fetch("select rngtypid::regtype::text, rngsubtype::regtype::text from pg_range "
                                 "order by rngtypid")
            got = {tuple(r) for r in rows}
            assert ("int4range", "integer") in got and ("tstzrange", "timestamp with time zone") in got
            t = await c.fetchrow("select typtype::text, typcategory::text from pg_type where typname = 'int4range'")
            assert tuple(t) == ("r", "R")
        finally:
            await c.close()

    asyncio.run(main())


@pytest.mark.parametrize("sql", ["select '1.2.3'::inet", "select '[2,1]'::int4range"])
def test_errors_reach_the_driver(heliosd, sql):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        with pytest.raises(psycopg.errors.DataError):
            c.execute(sql)
