"""asyncpg against heliosd: array, jsonb, numeric and uuid values round-trip
(binary protocol), and its type-introspection queries run (they join
pg_type, pg_namespace, pg_range, pg_attribute with a recursive CTE and take
``$1::oid[]``)."""
from __future__ import annotations

import asyncio
import decimal
import json
import uuid

import pytest

asyncpg = pytest.importorskip("asyncpg")

import psqlcmp as Q  # noqa: E402


async def _run(dsn):
    c = await asyncpg.connect(dsn, timeout=15, command_timeout=30)
    try:
        await c.execute("DROP TABLE IF EXISTS apg_types")
        await c.execute("CREATE TABLE apg_types (id int PRIMARY KEY, ia int[], ta text[], j jsonb, "
                        "n numeric(10,3), u uuid)")
        u = uuid.uuid4()
        await c.execute("INSERT INTO apg_types VALUES ($1,$2,$3,$4,$5,$6)", 1, [1, 2, None], ["a", "b c", None],
                        json.dumps({"k": [1, 2], "s": "x"}), decimal.Decimal("12.345"), u)
        await c.executemany("INSERT INTO apg_types (id, ia) VALUES ($1, $2)", [(2, []), (3, [7])])
        row = await c.fetchrow("SELECT * FROM apg_types WHERE id = $1", 1)
        assert row["ia"] == [1, 2, None]
        assert row["ta"] == ["a", "b c", None]
        assert json.loads(row["j"]) == {"k": [1, 2], "s": "x"}
        assert row["n"] == decimal.Decimal("12.345")
        assert row["u"] == u
        assert [r["ia"] for r in await c.fetch("SELECT ia FROM apg_types WHERE id > 1 ORDER BY id")] == [[], [7]]
        # set_type_codec runs the introspection query by type name
        await c.set_type_codec("jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog")
        assert await c.fetchval("SELECT j FROM apg_types WHERE id = 1") == {"k": [1, 2], "s": "x"}
        await c.execute("UPDATE apg_types SET j = $1 WHERE id = 2", {"a": None})
        assert await c.fetchval("SELECT j FROM apg_types WHERE id = 2") == {"a": None}
        # and by OID (what asyncpg does for a type it does not know)
        types, _ = await c._introspect_types([1007, 1009, 3802, 2950, 1700], 10)
        got = {r["oid"]: (r["name"], r["kind"], r["elemtype"]) for r in types}
        assert got[1007] == ("_int4", b"b", 23)
        assert got[3802] == ("jsonb", b"b", 0)
        assert got[2950][0] == "uuid"
        # pools reset connections with this
        await c.execute("SELECT pg_advisory_unlock_all()")
        await c.execute("DROP TABLE apg_types")
    finally:
        await c.close()


def test_asyncpg_round_trip_and_introspection(saas_heliosd):
    h = saas_heliosd
    asyncio.run(_run(f"postgresql://{h.user}:{h.password}@{h.host}:{h.port}/{Q.DBNAME}"))
