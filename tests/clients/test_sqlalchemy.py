"""SQLAlchemy 2 against heliosd: Core and ORM (create_all, sessions, relationships),
with the psycopg2, psycopg 3 and asyncpg dialects."""
from __future__ import annotations

import asyncio
import datetime as dt
import decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import ForeignKey, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship, selectinload


def engine_url(server, driver):
    return f"postgresql+{driver}://{server.user}:{server.password}@{server.host}:{server.port}/postgres"


@pytest.fixture(params=["psycopg2", "psycopg"])
def engine(request, heliosd):
    eng = sa.create_engine(engine_url(heliosd, request.param), pool_size=3)
    yield eng
    eng.dispose()


def test_core(engine):
    md = sa.MetaData()
    users = sa.Table("sa_core_users", md,
                     sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("name", sa.String(50), nullable=False, unique=True),
                     sa.Column("balance", sa.Numeric(12, 2), server_default="0"),
                     sa.Column("created", sa.DateTime(timezone=True), server_default=func.now()),
                     sa.Column("tags", sa.ARRAY(sa.Text)),
                     sa.Column("meta", sa.dialects.postgresql.JSONB))
    orders = sa.Table("sa_core_orders", md,
                      sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
                      sa.Column("user_id", sa.ForeignKey("sa_core_users.id", ondelete="CASCADE"), nullable=False),
                      sa.Column("amount", sa.Numeric(10, 2)),
                      sa.Index("ix_sa_core_orders_user", "user_id"))
    md.drop_all(engine)
    md.create_all(engine)
    insp = sa.inspect(engine)
    assert {"sa_core_users", "sa_core_orders"} <= set(insp.get_table_names())
    assert [c["name"] for c in insp.get_columns("sa_core_users")] == ["id", "name", "balance", "created", "tags",
                                                                      "meta"]
    with engine.begin() as conn:
        res = conn.execute(users.insert().returning(users.c.id),
                           [{"name": f"u{i}", "balance": decimal.Decimal(i), "tags": ["a", str(i)],
                             "meta": {"i": i}} for i in range(10)])
        ids = [r[0] for r in res]
        assert len(ids) == 10
        conn.execute(orders.insert(), [{"user_id": ids[i % 3], "amount": decimal.Decimal("9.99")} for i in range(9)])
    with engine.connect() as conn:
        q = (select(users.c.name, func.count(orders.c.id).label("n"), func.sum(orders.c.amount).label("total"))
             .join(orders, orders.c.user_id == users.c.id)
             .group_by(users.c.name).order_by(users.c.name))
        assert [tuple(r) for r in conn.execute(q)] == [("u0", 3, decimal.Decimal("29.97")),
                                                       ("u1", 3, decimal.Decimal("29.97")),
                                                       ("u2", 3, decimal.Decimal("29.97"))]
        row = conn.execute(select(users).where(users.c.name == "u5")).one()
        assert row.balance == decimal.Decimal("5.00") and row.tags == ["a", "5"] and row.meta == {"i": 5}
        assert isinstance(row.created, dt.datetime) and row.created.tzinfo is not None
        assert conn.execute(select(func.count()).select_from(users).where(sa.literal("7") == sa.any_(users.c.tags))).scalar() == 1
    with engine.begin() as conn:
        conn.execute(users.update().where(users.c.name == "u0").values(balance=users.c.balance + 100))
        conn.execute(users.delete().where(users.c.name == "u1"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(orders)).scalar() == 6  # ON DELETE CASCADE
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(users.insert().values(name="u2"))
        conn.rollback()
    md.drop_all(engine)


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "sa_orm_authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    books: Mapped[list["Book"]] = relationship(back_populates="author", cascade="all, delete-orphan",
                                               order_by="Book.title")


class Book(Base):
    __tablename__ = "sa_orm_books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    year: Mapped[int | None]
    author_id: Mapped[int] = mapped_column(ForeignKey("sa_orm_authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


def test_orm(engine):
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        a = Author(name="Le Guin", books=[Book(title="The Dispossessed", year=1974),
                                          Book(title="A Wizard of Earthsea", year=1968)])
        b = Author(name="Lem", books=[Book(title="Solaris", year=1961)])
        s.add_all([a, b])
        s.commit()
        assert a.id is not None and all(bk.id for bk in a.books)
    with Session(engine) as s:
        authors = s.scalars(select(Author).options(selectinload(Author.books)).order_by(Author.name)).all()
        assert [(x.name, [bk.title for bk in x.books]) for x in authors] == [
            ("Le Guin", ["A Wizard of Earthsea", "The Dispossessed"]), ("Lem", ["Solaris"])]
        solaris = s.scalars(select(Book).where(Book.title == "Solaris")).one()
        solaris_id = solaris.id
        assert solaris.author.name == "Lem"  # lazy load
        solaris.year = 1962
        s.delete(authors[0])
        s.commit()
    with Session(engine) as s:
        assert s.scalar(select(func.count(Book.id))) == 1
        assert s.get(Book, solaris_id).year == 1962
        q = select(Author.name, func.count(Book.id)).join(Author.books).group_by(Author.name)
        assert s.execute(q).all() == [("Lem", 1)]
        # a failed flush rolls back the session's transaction
        s.add(Author(name="Lem"))
        with pytest.raises(sa.exc.IntegrityError):
            s.commit()
        s.rollback()
        assert s.scalar(select(func.count(Author.id))) == 1
    Base.metadata.drop_all(engine)


def test_asyncpg_dialect(heliosd):
    from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

    async def main():
        eng = create_async_engine(engine_url(heliosd, "asyncpg"))
        try:
            async with eng.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
                await conn.run_sync(Base.metadata.create_all)
            async with AsyncSession(eng) as s:
                s.add(Author(name="Borges", books=[Book(title="Ficciones", year=1944)]))
                await s.commit()
                res = await s.execute(select(Author).options(selectinload(Author.books)))
                (author,) = res.scalars().all()
                assert author.books[0].title == "Ficciones"
            async with eng.begin() as conn:
                await conn.run_sync(Base.metadata.drop_all)
        finally:
            await eng.dispose()

    asyncio.run(main())
