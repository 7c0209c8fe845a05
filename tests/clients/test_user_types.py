"""User-defined types (enums, composites, domains) through real clients: SQLAlchemy 2's Enum
(create_all/insert/query/drop_all) with psycopg2 and asyncpg, asyncpg's type introspection and
codecs, psycopg 3's EnumInfo/CompositeInfo, the wire formats, and branch isolation of types."""
from __future__ import annotations

import asyncio
import enum

import asyncpg
import psycopg
import pytest
import sqlalchemy as sa
from psycopg.types.composite import CompositeInfo, register_composite
from psycopg.types.enum import EnumInfo, register_enum
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column


def run(coro):
    return asyncio.run(coro)


def _url(server, driver, db="postgres"):
    return f"postgresql+{driver}://{server.user}:{server.password}@{server.host}:{server.port}/{db}"


class Mood(enum.Enum):
    sad = "sad"
    ok = "ok"
    happy = "happy"


# ------------------------------------------------------------------ SQLAlchemy


@pytest.mark.parametrize("driver", ["psycopg2", "psycopg"])
def test_sqlalchemy_enum_column(heliosd, driver):
    class Base(DeclarativeBase):
        pass

    class Person(Base):
        __tablename__ = f"sa_enum_person_{driver}"
        id: Mapped[int] = mapped_column(primary_key=True)
        name: Mapped[str] = mapped_column(sa.String(40))
        mood: Mapped[Mood] = mapped_column(sa.Enum(Mood, name=f"sa_mood_{driver}"))

    eng = sa.create_engine(_url(heliosd, driver))
    try:
        Base.metadata.drop_all(eng)
        Base.metadata.create_all(eng)  # CREATE TYPE sa_mood_x AS ENUM (...), checked through pg_type/pg_enum
        with Session(eng) as s:
            s.add_all([Person(id=1, name="moe", mood=Mood.happy), Person(id=2, name="larry", mood=Mood.sad),
                       Person(id=3, name="curly", mood=Mood.ok)])
            s.commit()
        with Session(eng) as s:
            got = s.scalars(sa.select(Person).order_by(Person.mood, Person.id)).all()
            assert [(p.name, p.mood) for p in got] == [("larry", Mood.sad), ("curly", Mood.ok),
                                                       ("moe", Mood.happy)]
            n = s.scalar(sa.select(sa.func.count()).select_from(Person).where(Person.mood > Mood.sad))
            assert n == 2
        insp = sa.inspect(eng)
        enums = {e["name"]: e["labels"] for e in insp.get_enums()}
        assert enums[f"sa_mood_{driver}"] == ["sad", "ok", "happy"]
        cols = {c["name"]: c for c in insp.get_columns(Person.__tablename__)}
        assert isinstance(cols["mood"]["type"], sa.Enum) and list(cols["mood"]["type"].enums) == \
            ["sad", "ok", "happy"]
        Base.metadata.drop_all(eng)  # DROP TABLE, then DROP TYPE
        with eng.connect() as c:
            assert c.scalar(sa.text("select count(*) from pg_type where typname = :n"),
                            {"n": f"sa_mood_{driver}"}) == 0
    finally:
        eng.dispose()


def test_sqlalchemy_enum_asyncpg(heliosd):
    from sqlalchemy.ext.asyncio import create_async_engine

    md = sa.MetaData()
    t = sa.Table("sa_enum_async", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("mood", sa.Enum(Mood, name="sa_mood_async"), nullable=False))

    async def main():
        eng = create_async_engine(_url(heliosd, "asyncpg"))
        try:
            async with eng.begin() as c:
                await c.run_sync(md.drop_all)
                await c.run_sync(md.create_all)
                await c.execute(t.insert(), [{"id": 1, "mood": Mood.ok}, {"id": 2, "mood": Mood.happy},
                                             {"id": 3, "mood": Mood.sad}])
            async with eng.connect() as c:
                rows = (await c.execute(sa.select(t).order_by(t.c.mood.desc()))).all()
                assert [tuple(r) for r in rows] == [(2, Mood.happy), (1, Mood.ok), (3, Mood.sad)]
                one = (await c.execute(sa.select(t.c.id).where(t.c.mood == Mood.happy))).scalar_one()
                assert one == 2
            async with eng.begin() as c:
                await c.run_sync(md.drop_all)
        finally:
            await eng.dispose()

    run(main())


# ------------------------------------------------------------------ asyncpg


async def _connect(server, **kw):
    return await asyncpg.connect(host=server.host, port=server.port, user=server.user,
                                 password=server.password, database="postgres", **kw)


def test_asyncpg_enum_composite_domain(heliosd):
    async def main():
        c = await _connect(heliosd)
        try:
            await c.execute("""
                DROP TABLE IF EXISTS apg_ut; DROP TYPE IF EXISTS apg_mood CASCADE;
                DROP TYPE IF EXISTS apg_pt CASCADE; DROP DOMAIN IF EXISTS apg_posint CASCADE;
                CREATE TYPE apg_mood AS ENUM ('sad', 'ok', 'happy');
                CREATE TYPE apg_pt AS (x int, y text, m apg_mood);
                CREATE DOMAIN apg_posint AS int CHECK (VALUE > 0);
                CREATE TABLE apg_ut (id int PRIMARY KEY, m apg_mood, p apg_pt, q apg_posint, ms apg_mood[])""")
            # parameters of the user types (asyncpg introspects their OIDs through pg_type)
            await c.execute("INSERT INTO apg_ut VALUES ($1, $2, $3, $4, $5)", 1, "happy", (1, "a b", "ok"), 5,
                            ["sad", "happy"])
            await c.execute("INSERT INTO apg_ut VALUES ($1, $2, $3, $4, $5)", 2, "sad", (2, None, None), 7, None)
            rows = await c.fetch("SELECT id, m, p, q, ms FROM apg_ut ORDER BY m")
            assert [r["id"] for r in rows] == [2, 1]
            r = rows[1]
            assert r["m"] == "happy" and r["q"] == 5 and r["ms"] == ["sad", "happy"]
            assert tuple(r["p"]) == (1, "a b", "ok") and r["p"]["y"] == "a b"
            assert tuple(rows[0]["p"]) == (2, None, None)
            assert await c.fetchval("SELECT $1::apg_mood", "ok") == "ok"
            assert await c.fetchval("SELECT (p).y FROM apg_ut WHERE id = 1") == "a b"
            with pytest.raises(asyncpg.InvalidTextRepresentationError):
                await c.fetchval("SELECT $1::apg_mood", "angry")
            with pytest.raises(asyncpg.CheckViolationError):
                await c.execute("INSERT INTO apg_ut (id, q) VALUES ($1, $2)", 3, 0)
            # a domain column is described as its base type (int4), like PostgreSQL
            st = await c.prepare("SELECT q FROM apg_ut")
            assert [a.type.name for a in st.get_attributes()] == ["int4"]
            st = await c.prepare("SELECT m, p FROM apg_ut")
            types = [a.type for a in st.get_attributes()]
            assert types[0].name == "apg_mood" and types[0].kind == "scalar"
            assert types[1].name == "apg_pt" and types[1].kind == "composite"
            # binary (asyncpg's default for records) and text codecs agree
            await c.set_type_codec("apg_mood", encoder=str, decoder=lambda s: s.upper(), schema="public",
                                   format="text")
            assert await c.fetchval("SELECT m FROM apg_ut WHERE id = 1") == "HAPPY"
            await c.execute("DROP TABLE apg_ut; DROP TYPE apg_pt; DROP TYPE apg_mood; DROP DOMAIN apg_posint")
        finally:
            await c.close()

    run(main())


# ------------------------------------------------------------------ psycopg 3


def test_psycopg3_enum_and_composite_info(heliosd):
    with psycopg.connect(heliosd.dsn("postgres"), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS pg3_ut; DROP TYPE IF EXISTS pg3_card CASCADE; "
                     "DROP TYPE IF EXISTS pg3_suit CASCADE")
        conn.execute("CREATE TYPE pg3_suit AS ENUM ('clubs', 'diamonds', 'hearts', 'spades')")
        conn.execute("CREATE TYPE pg3_card AS (value int, suit pg3_suit)")
        conn.execute("CREATE TABLE pg3_ut (id int PRIMARY KEY, s pg3_suit, c pg3_card)")

        class Suit(enum.Enum):
            clubs = "clubs"
            diamonds = "diamonds"
            hearts = "hearts"
            spades = "spades"

        ei = EnumInfo.fetch(conn, "pg3_suit")
        assert ei is not None and list(ei.labels) == ["clubs", "diamonds", "hearts", "spades"]
        register_enum(ei, conn, Suit)
        ci = CompositeInfo.fetch(conn, "pg3_card")
        assert ci is not None and list(ci.field_names) == ["value", "suit"]
        assert list(ci.field_types) == [23, ei.oid]
        register_composite(ci, conn)
        conn.execute("INSERT INTO pg3_ut VALUES (%s, %s, %s)", (1, Suit.hearts, ci.python_type(10, Suit.spades)))
        conn.execute("INSERT INTO pg3_ut VALUES (%s, %s, %s)", (2, Suit.clubs, ci.python_type(3, None)))
        rows = conn.execute("SELECT id, s, c FROM pg3_ut ORDER BY s").fetchall()
        assert [r[0] for r in rows] == [2, 1]
        assert rows[1][1] is Suit.hearts and rows[1][2].value == 10 and rows[1][2].suit is Suit.spades
        assert rows[0][2].suit is None
        for binary in (False, True):
            cur = conn.cursor(binary=binary)
            r = cur.execute("SELECT s, c, ARRAY[s] FROM pg3_ut WHERE id = 1").fetchone()
            assert r[0] is Suit.hearts and r[1].value == 10 and r[1].suit is Suit.spades and r[2] == [Suit.hearts]
        conn.execute("DROP TABLE pg3_ut; DROP TYPE pg3_card; DROP TYPE pg3_suit")


def test_wire_formats(heliosd):
    """Text and binary wire format of an enum is its label; a composite's binary form is
    record_send's (field count, then OID-prefixed fields); a domain is sent as its base type."""
    with psycopg.connect(heliosd.dsn("postgres"), autocommit=True) as conn:
        conn.execute("DROP TYPE IF EXISTS wf_pt; DROP TYPE IF EXISTS wf_mood; DROP DOMAIN IF EXISTS wf_d")
        conn.execute("CREATE TYPE wf_mood AS ENUM ('a', 'b c')")
        conn.execute("CREATE TYPE wf_pt AS (x int, y text)")
        conn.execute("CREATE DOMAIN wf_d AS int8 NOT NULL")
        cur = conn.cursor(binary=True)
        cur.execute("SELECT 'b c'::wf_mood")
        assert cur.pgresult.get_value(0, 0) == b"b c"
        cur.execute("SELECT ROW(7, 'hi')::wf_pt")
        assert cur.pgresult.get_value(0, 0).hex() == (
            "00000002" + "00000017" + "00000004" + "00000007" + "00000019" + "00000002" + b"hi".hex())
        cur.execute("SELECT 5::wf_d")
        assert cur.pgresult.ftype(0) == 20 and cur.pgresult.get_value(0, 0) == (5).to_bytes(8, "big")
        t = conn.cursor()
        t.execute("SELECT 'b c'::wf_mood, ROW(7, 'h i')::wf_pt")
        assert t.pgresult.get_value(0, 0) == b"b c" and t.pgresult.get_value(0, 1) == b'(7,"h i")'
        conn.execute("DROP TYPE wf_pt; DROP TYPE wf_mood; DROP DOMAIN wf_d")


# ------------------------------------------------------------------ branches


def test_types_are_per_branch(heliosd):
    """A type created in one branch is absent from a sibling; a fork sees its parent's types."""
    dsn = heliosd.dsn("postgres")
    with psycopg.connect(dsn, autocommit=True) as root:
        root.execute("DROP BRANCH IF EXISTS ut_tenant_a")
        root.execute("DROP BRANCH IF EXISTS ut_tenant_b")
        root.execute("DROP TYPE IF EXISTS ut_shared CASCADE")
        root.execute("CREATE TYPE ut_shared AS ENUM ('x', 'y')")
        root.execute("CREATE BRANCH ut_tenant_a")
        root.execute("CREATE BRANCH ut_tenant_b")
        try:
            with psycopg.connect(dsn + " options='-c helios.branch=ut_tenant_a'", autocommit=True) as a, \
                    psycopg.connect(dsn + " options='-c helios.branch=ut_tenant_b'", autocommit=True) as b:
                # both forks see the parent's type
                assert a.execute("SELECT 'y'::ut_shared::text").fetchone() == ("y",)
                assert b.execute("SELECT 'x'::ut_shared::text").fetchone() == ("x",)
                a.execute("CREATE TYPE ut_tenant_only AS ENUM ('p', 'q')")
                a.execute("CREATE DOMAIN ut_dom AS int CHECK (VALUE > 10)")
                a.execute("ALTER TYPE ut_shared ADD VALUE 'z'")
                assert a.execute("SELECT 'q'::ut_tenant_only::text, 11::ut_dom").fetchone() == ("q", 11)
                assert a.execute("SELECT enum_range(NULL::ut_shared)::text").fetchone() == ("{x,y,z}",)
                with pytest.raises(psycopg.errors.UndefinedObject):
                    b.execute("SELECT 'q'::ut_tenant_only")
                with pytest.raises(psycopg.errors.UndefinedObject):
                    b.execute("SELECT 1::ut_dom")
                assert b.execute("SELECT enum_range(NULL::ut_shared)::text").fetchone() == ("{x,y}",)
                with pytest.raises(psycopg.errors.InvalidTextRepresentation):
                    b.execute("SELECT 'z'::ut_shared")
                assert b.execute("SELECT count(*) FROM pg_type WHERE typname IN "
                                 "('ut_tenant_only', 'ut_dom')").fetchone() == (0,)
                assert a.execute("SELECT count(*) FROM pg_type WHERE typname IN "
                                 "('ut_tenant_only', '_ut_tenant_only', 'ut_dom')").fetchone() == (3,)
                with pytest.raises(psycopg.errors.UndefinedObject):
                    root.execute("SELECT 'p'::ut_tenant_only")
        finally:
            root.execute("DROP BRANCH IF EXISTS ut_tenant_a")
            root.execute("DROP BRANCH IF EXISTS ut_tenant_b")
            root.execute("DROP TYPE IF EXISTS ut_shared")


def test_types_survive_restart(tmp_path):
    from heliosserver import HeliosServer

    server = HeliosServer(str(tmp_path / "data"))
    server.start()
    try:
        with psycopg.connect(server.dsn("postgres"), autocommit=True) as c:
            c.execute("CREATE TYPE rs_mood AS ENUM ('a', 'b')")
            c.execute("ALTER TYPE rs_mood ADD VALUE 'c' BEFORE 'a'")
            c.execute("CREATE DOMAIN rs_d AS text CHECK (VALUE <> '')")
            c.execute("CREATE TYPE rs_pt AS (m rs_mood, d rs_d)")
            c.execute("CREATE TABLE rs_t (id int PRIMARY KEY, p rs_pt)")
            c.execute("INSERT INTO rs_t VALUES (1, ROW('c', 'x'))")
    finally:
        server.stop()
    server2 = HeliosServer(str(tmp_path / "data"))
    server2.start()
    try:
        with psycopg.connect(server2.dsn("postgres"), autocommit=True) as c:
            assert c.execute("SELECT enum_range(NULL::rs_mood)::text, p::text, ((p).m < 'a')  FROM rs_t"
                             ).fetchone() == ("{c,a,b}", "(c,x)", True)
            with pytest.raises(psycopg.errors.CheckViolation):
                c.execute("SELECT ''::rs_d")
    finally:
        server2.stop()
