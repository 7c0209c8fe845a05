"""Server-free tests of the golden/isolation harness and corpus hygiene."""
from __future__ import annotations

import pytest

import isorunner as iso
import sqlgolden as g


def stmts(text):
    return [it.text for it in g.split_sql(text) if it.kind == "stmt"]


def test_split_basic():
    assert stmts("SELECT 1; SELECT 2;\nSELECT 3") == ["SELECT 1", "SELECT 2", "SELECT 3"]


@pytest.mark.parametrize("sql", [
    "SELECT 'a;b'",
    "SELECT 'it''s; here'",
    "SELECT E'it\\'s; here'",
    "SELECT E'\\\\'",
    'SELECT 1 AS "we;ird"""',
    "SELECT $$a;b$$",
    "SELECT $fn$ $$ ; $fn$",
    "SELECT 1 -- comment; with semicolon\n + 1",
    "SELECT /* a; /* nested; */ b; */ 1",
    "SELECT $1::int",
    "SELECT U&'d\\0061t\\+000061;'",
    "SELECT x'0f', b'101', n'x;y'",
])
def test_split_keeps_quoted_semicolons(sql):
    assert stmts(sql + ";SELECT 2;") == [sql, "SELECT 2"]


def test_split_backslash_not_escape_in_plain_string():
    assert stmts("SELECT 'a\\'; SELECT 2;") == ["SELECT 'a\\'", "SELECT 2"]


def test_split_comments_between_statements():
    items = g.split_sql("-- first\nSELECT 1; -- after\n/* block */\n-- second\nSELECT 2;")
    assert [(i.kind, i.text) for i in items] == [
        ("comment", "-- first"), ("stmt", "SELECT 1"), ("comment", "-- after"),
        ("comment", "-- second"), ("stmt", "SELECT 2")]


def test_order_by_detection():
    assert g.has_top_level_order_by("SELECT * FROM t ORDER BY 1")
    assert g.has_top_level_order_by("SELECT 1 UNION SELECT 2 order  by 1")
    assert not g.has_top_level_order_by("SELECT * FROM (SELECT * FROM t ORDER BY 1) s")
    assert not g.has_top_level_order_by("SELECT string_agg(x, ',' ORDER BY x) FROM t")
    assert not g.has_top_level_order_by("SELECT 'ORDER BY' FROM t")
    assert not g.has_top_level_order_by("SELECT row_number() OVER (ORDER BY x) FROM t")


@pytest.mark.parametrize("value,shown", [
    (None, "<NULL>"), ("", "''"), ("abc", "abc"), ("ab   ", "'ab   '"),
    ("a\nb", "'a\\nb'"), ("a|b", "'a|b'"), ("<NULL>", "'<NULL>'"), ("'q", "'\\'q'"),
    ("\\x0f", "\\x0f"), (" x", "' x'"), ("a\\b\tc", "'a\\\\b\\tc'"),
])
def test_fmt_value(value, shown):
    assert g.fmt_value(value) == shown


def test_statement_blocks():
    text = "-- s\nSELECT 1;\nx:23\n1\n(1 row)\nSELECT 1\n\n-- t\nBEGIN;\nBEGIN\n\n-- end\n"
    assert g.statement_blocks(text) == ["SELECT 1;\nx:23\n1\n(1 row)\nSELECT 1", "BEGIN;\nBEGIN"]
    assert g.compare_blocks(text, text.replace("BEGIN\n\n", "ERROR\n\n")) == (1, 2, [1])


def test_parse_spec():
    steps = iso.parse_spec("-- x\nT1: BEGIN; SELECT 1; -- note\nT2: UPDATE t\n   SET a = 1;\n")
    assert [(s.kind, s.session, s.sql) for s in steps] == [
        ("comment", "", "-- x"), ("stmt", "T1", "BEGIN"), ("stmt", "T1", "SELECT 1"),
        ("stmt", "T2", "UPDATE t\n   SET a = 1")]


GOLDEN = g.corpus_files()
SPECS = iso.spec_files()


@pytest.mark.parametrize("path", GOLDEN + SPECS,
                         ids=[str(p.relative_to(g.GOLDEN_DIR.parent)) for p in GOLDEN + SPECS])
def test_corpus_out_is_current(path):
    """Every corpus file has an .out with one block per statement (regenerated after edits)."""
    out = g.out_path(path)
    assert out.exists(), f"missing {out}: run tools/regen_golden.py {path}"
    if path.suffix == ".spec":
        n = sum(1 for s in iso.parse_spec(path.read_text()) if s.kind == "stmt")
        blocks = g.statement_blocks(out.read_text())
        steps = [b for b in blocks if "<completed>" not in b.split("\n", 1)[0]]
        assert len(steps) == n, f"{out} is stale: run tools/regen_golden.py {path}"
    else:
        items = [it for it in g.split_sql(path.read_text()) if it.kind == "stmt"]
        blocks = g.statement_blocks(out.read_text())
        assert len(blocks) == len(items), f"{out} is stale: run tools/regen_golden.py {path}"
        for it, b in zip(items, blocks):
            assert b.startswith(g.echo_statement(it.text)), (
                f"{out} is stale at line {it.lineno}: run tools/regen_golden.py {path}")
