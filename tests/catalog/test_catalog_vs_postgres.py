"""Catalog queries answer on heliosd what they answer on PostgreSQL 15.

Each query runs on both servers (the SaaS schema plus deparse_schema.sql
loaded in each) and the results are compared; OIDs differ between the two,
so queries select names and deparsed text, not OIDs (information_schema's
not-null constraint names embed OIDs and are normalized).
"""
from __future__ import annotations

import re

import psycopg
import pytest

import psqlcmp as Q

QUERIES = [
    # deparsed defaults, checks, indexes (pretty and not)
    "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid), pg_get_expr(d.adbin, d.adrelid, true) "
    "FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
    "WHERE d.adrelid = 'billing.invoices'::regclass ORDER BY a.attnum",
    "SELECT conname, contype, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) FROM pg_constraint "
    "WHERE connamespace = 'billing'::regnamespace ORDER BY conname",
    "SELECT c.relname, pg_get_indexdef(i.indexrelid), pg_get_indexdef(i.indexrelid, 0, true), "
    "pg_get_indexdef(i.indexrelid, 1, true), pg_get_expr(i.indpred, i.indrelid, true), i.indisunique, "
    "i.indisprimary, i.indnatts, i.indnkeyatts, i.indoption::text "
    "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace = 'billing'::regnamespace "
    "ORDER BY 1",
    "SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes WHERE schemaname IN ('public', 'billing') "
    "ORDER BY 1, 3",
    "SELECT pg_get_viewdef('open_tasks'::regclass), pg_get_viewdef('open_tasks'::regclass, true)",
    "SELECT pg_get_viewdef('billing.v_open'::regclass), pg_get_viewdef('billing.v_open'::regclass, true)",
    "SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname = 'public'",
    # pg_class / pg_attribute / pg_type facts
    "SELECT relname, relkind, relnatts, relchecks, relhasindex, relpersistence, relreplident, "
    "pg_get_userbyid(relowner) = current_user FROM pg_class "
    "WHERE relnamespace IN ('public'::regnamespace, 'billing'::regnamespace) ORDER BY 1",
    "SELECT attname, format_type(atttypid, atttypmod), attnotnull, atthasdef, attlen, attalign, attstorage, "
    "attndims, attidentity, attgenerated FROM pg_attribute WHERE attrelid = 'billing.invoices'::regclass "
    "AND attnum > 0 ORDER BY attnum",
    "SELECT t.typname, t.typtype, t.typcategory, e.typname FROM pg_type t LEFT JOIN pg_type e ON e.oid = t.typelem "
    "WHERE t.typrelid = 'tasks'::regclass OR t.typname = '_tasks' ORDER BY 1",
    "SELECT 'tasks'::regclass, 'billing.invoices'::regclass, 'pg_class'::regclass, 'integer'::regtype, "
    "'billing'::regnamespace, to_regclass('nope'), to_regclass('tasks')::oid = 'tasks'::regclass::oid, "
    "'varchar(20)'::regtype, 'tasks'::regtype",
    "SELECT pg_get_serial_sequence('tasks', 'id'), pg_get_serial_sequence('billing.invoices', 'id'), "
    "pg_table_is_visible('tasks'::regclass), pg_table_is_visible('billing.invoices'::regclass)",
    "SELECT format_type('numeric'::regtype, 393222), format_type(1043, 24), format_type(1043, NULL), "
    "format_type('int4[]'::regtype, NULL), format_type(1184, 3)",
    "SELECT obj_description('billing.invoices'::regclass, 'pg_class'), "
    "col_description('billing.invoices'::regclass, 2), obj_description('public'::regnamespace, 'pg_namespace')",
    "SELECT seqstart, seqincrement, seqmax, seqmin, seqcache, seqcycle, format_type(seqtypid, NULL) "
    "FROM pg_sequence WHERE seqrelid = 'invoice_seq'::regclass",
    "SELECT schemaname, sequencename, data_type, start_value, last_value FROM pg_sequences ORDER BY 2",
    "SELECT d.deptype, c.relname, a.attname FROM pg_depend d JOIN pg_class c ON c.oid = d.refobjid "
    "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid "
    "WHERE d.classid = 'pg_class'::regclass AND d.objid = 'tasks_id_seq'::regclass",
    "SELECT nspname, pg_get_userbyid(nspowner) = current_user, nspacl IS NULL FROM pg_namespace "
    "WHERE nspname IN ('public', 'billing', 'pg_catalog', 'information_schema') ORDER BY 1",
    "SELECT amname, amtype FROM pg_am ORDER BY 1",
    "SELECT extname, extversion FROM pg_extension",
    "SELECT collname FROM pg_collation WHERE collname IN ('C', 'POSIX', 'default') ORDER BY 1",
    "SELECT spcname FROM pg_tablespace ORDER BY 1",
    "SELECT tablename, hasindexes, hastriggers FROM pg_tables WHERE schemaname IN ('public', 'billing') ORDER BY 1",
    "SELECT pg_size_pretty(0::bigint), pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint), "
    "pg_size_pretty(123456789::bigint), pg_size_pretty(-20000::bigint), pg_size_pretty(1099511627776::bigint)",
    "SELECT has_table_privilege('tasks', 'select'), has_schema_privilege('public', 'usage'), "
    "has_database_privilege(current_database(), 'connect'), has_sequence_privilege('tasks_id_seq', 'usage')",
    "SELECT name, setting, vartype, context FROM pg_settings WHERE name IN ('search_path', 'TimeZone', "
    "'statement_timeout', 'DateStyle', 'integer_datetimes') ORDER BY 1",
    # information_schema
    "SELECT table_schema, table_name, table_type, is_insertable_into FROM information_schema.tables "
    "WHERE table_schema IN ('public', 'billing') ORDER BY 1, 2",
    "SELECT table_name, column_name, ordinal_position, column_default, is_nullable, data_type, "
    "character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix, numeric_scale, "
    "datetime_precision, udt_name, is_identity, is_generated, is_updatable FROM information_schema.columns "
    "WHERE table_schema IN ('public', 'billing') ORDER BY 1, 3",
    "SELECT constraint_schema, constraint_name, table_name, constraint_type, is_deferrable, initially_deferred, "
    "nulls_distinct FROM information_schema.table_constraints WHERE table_schema IN ('public', 'billing') "
    "ORDER BY 3, 2",
    "SELECT constraint_name, check_clause FROM information_schema.check_constraints "
    "WHERE constraint_schema IN ('public', 'billing') ORDER BY 1",
    "SELECT constraint_name, table_name, column_name, ordinal_position, position_in_unique_constraint "
    "FROM information_schema.key_column_usage WHERE table_schema IN ('public', 'billing') ORDER BY 1, 4",
    "SELECT constraint_name, unique_constraint_name, match_option, update_rule, delete_rule "
    "FROM information_schema.referential_constraints ORDER BY 1",
    "SELECT table_name, column_name, constraint_name FROM information_schema.constraint_column_usage "
    "WHERE table_schema IN ('public', 'billing') ORDER BY 3, 2",
    "SELECT schema_name FROM information_schema.schemata ORDER BY 1",
    "SELECT sequence_schema, sequence_name, data_type, numeric_precision, start_value, minimum_value, "
    "maximum_value, increment, cycle_option FROM information_schema.sequences ORDER BY 2",
    "SELECT table_name, view_definition, check_option, is_updatable FROM information_schema.views "
    "WHERE table_schema = 'public'",
    "SELECT character_set_name, character_repertoire, form_of_use FROM information_schema.character_sets",
]


def _fetch(dsn, sql):
    with psycopg.connect(dsn, autocommit=True) as c:
        try:
            rows = c.execute(sql).fetchall()
        except psycopg.Error as e:
            return f"ERROR: {e.diag.message_primary}"
    return [tuple(re.sub(r"\b\d+_\d+_(\d+)_not_null\b", r"N_N_\1_not_null", v) if isinstance(v, str) else v
                  for v in r) for r in rows]


@pytest.fixture(scope="module")
def both(saas_heliosd, saas_pg15):
    h = saas_heliosd
    Q.run_psql_file(h.host, h.port, h.user, h.password, Q.DBNAME, Q.HERE / "deparse_schema.sql")
    Q.run_psql_file(saas_pg15.host, saas_pg15.port, saas_pg15.user, "", Q.DBNAME, Q.HERE / "deparse_schema.sql")
    yield h.dsn(Q.DBNAME), saas_pg15.dsn(Q.DBNAME)
    for dsn in (h.dsn(Q.DBNAME), saas_pg15.dsn(Q.DBNAME)):
        with psycopg.connect(dsn, autocommit=True) as c:
            c.execute("DROP SCHEMA billing CASCADE")


@pytest.mark.parametrize("sql", QUERIES, ids=[f"q{i:02d}" for i in range(len(QUERIES))])
def test_query_matches_postgres(both, sql):
    got_dsn, want_dsn = both
    want = _fetch(want_dsn, sql)
    got = _fetch(got_dsn, sql)
    assert got == want


PSQL_COMMANDS = [r"\d billing.invoices", r"\d+ billing.invoices", r"\d billing.lines", r"\d+ billing.lines",
                 r"\d billing.inv_expr", r"\d billing.inv_partial", r"\d billing.inv_lower", r"\di billing.*",
                 r"\dt billing.*", r"\d billing.invoices_id_seq", r"\dn", r"\dd billing.*", r"\ds billing.*",
                 r"\d billing.invoices_code_currency_key"]


@pytest.mark.parametrize("command", PSQL_COMMANDS)
def test_psql_matches_postgres(both, saas_heliosd, saas_pg15, command):
    h, pg = saas_heliosd, saas_pg15
    got = Q.normalize(Q.run_psql(h.host, h.port, h.user, h.password, Q.DBNAME, command), owner=h.user)
    want = Q.normalize(Q.run_psql(pg.host, pg.port, pg.user, "", Q.DBNAME, command))
    assert got == want, "\n".join(["expected:"] + want + ["got:"] + got)


def _inspect_billing(url):
    sqlalchemy = pytest.importorskip("sqlalchemy")
    eng = sqlalchemy.create_engine(url)
    try:
        i = sqlalchemy.inspect(eng)
        out = {"tables": sorted(i.get_table_names(schema="billing"))}
        for t in out["tables"]:
            out[t] = {
                "comment": i.get_table_comment(t, schema="billing"),
                "checks": sorted((c["name"], c["sqltext"]) for c in i.get_check_constraints(t, schema="billing")),
                "columns": [(c["name"], str(c["type"]), c["nullable"], c["default"], c.get("comment"),
                             c.get("autoincrement")) for c in i.get_columns(t, schema="billing")],
                "pk": i.get_pk_constraint(t, schema="billing"),
                "fks": i.get_foreign_keys(t, schema="billing"),
                "indexes": sorted(i.get_indexes(t, schema="billing"), key=lambda x: x["name"]),
                "uniques": i.get_unique_constraints(t, schema="billing"),
            }
        return out
    finally:
        eng.dispose()


def test_sqlalchemy_inspector_matches_postgres(both, saas_heliosd, saas_pg15):
    h, pg = saas_heliosd, saas_pg15
    got = _inspect_billing(f"postgresql+psycopg://{h.user}:{h.password}@{h.host}:{h.port}/{Q.DBNAME}")
    want = _inspect_billing(f"postgresql+psycopg://{pg.user}@{pg.host}:{pg.port}/{Q.DBNAME}")
    assert got == want
