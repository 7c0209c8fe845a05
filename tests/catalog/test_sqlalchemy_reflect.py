"""SQLAlchemy 2 reflection of the SaaS schema: heliosd gives what PostgreSQL 15 gives.

MetaData.reflect() and the Inspector run SQLAlchemy's PostgreSQL dialect
queries (pg_class/pg_attribute/pg_constraint/pg_index joins, unnest and
generate_subscripts over int2vector, json_build_object, pg_get_expr,
pg_get_constraintdef, pg_get_indexdef, format_type, regclass casts...).
"""
from __future__ import annotations

import pytest

sqlalchemy = pytest.importorskip("sqlalchemy")

import psqlcmp as Q  # noqa: E402


def _describe(url):
    from sqlalchemy import MetaData, create_engine, inspect

    eng = create_engine(url)
    try:
        md = MetaData()
        md.reflect(eng)
        out = {}
        for t in md.tables.values():
            cols = [(c.name, repr(c.type), c.nullable,
                     str(c.server_default.arg) if c.server_default is not None else None, c.primary_key,
                     c.autoincrement) for c in t.columns]
            fks = sorted((fk.name, tuple(c.name for c in fk.columns), fk.referred_table.name,
                          tuple(e.column.name for e in fk.elements), fk.ondelete, fk.onupdate)
                         for fk in t.foreign_key_constraints)
            uniques = sorted((type(c).__name__, c.name, tuple(x.name for x in getattr(c, "columns", [])))
                             for c in t.constraints)
            idx = sorted((i.name, tuple(c.name for c in i.columns), i.unique,
                          str(i.dialect_options["postgresql"].get("where"))) for i in t.indexes)
            out[t.name] = {"columns": cols, "fks": fks, "constraints": uniques, "indexes": idx,
                           "pk": (t.primary_key.name, tuple(c.name for c in t.primary_key.columns))}
        insp = inspect(eng)
        out["_views"] = sorted(insp.get_view_names())
        out["_sequences"] = sorted(insp.get_sequence_names())
        out["_schemas"] = sorted(insp.get_schema_names())
        out["_viewdef"] = insp.get_view_definition("open_tasks")
        out["_pk_tasks"] = insp.get_pk_constraint("tasks")
        out["_fk_tasks"] = insp.get_foreign_keys("tasks")
        out["_uq_team"] = insp.get_unique_constraints("team_members")
        out["_ix_tasks"] = sorted(insp.get_indexes("tasks"), key=lambda i: i["name"])
        out["_cols_tasks"] = [{k: str(v) for k, v in c.items()} for c in insp.get_columns("tasks")]
        return out
    finally:
        eng.dispose()


def test_reflection_matches_postgres(saas_heliosd, saas_pg15):
    h = saas_heliosd
    got = _describe(f"postgresql+psycopg://{h.user}:{h.password}@{h.host}:{h.port}/{Q.DBNAME}")
    want = _describe(f"postgresql+psycopg://{saas_pg15.user}@{saas_pg15.host}:{saas_pg15.port}/{Q.DBNAME}")
    assert sorted(k for k in got if not k.startswith("_")) == ["projects", "tasks", "team_members", "time_entries"]
    for key in sorted(want):
        assert got.get(key) == want[key], key
