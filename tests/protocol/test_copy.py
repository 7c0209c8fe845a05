"""COPY FROM STDIN / TO STDOUT against heliosd, byte-compared with PostgreSQL 15."""
from __future__ import annotations

import struct

import psycopg
import pytest

from conftest import connect_raw
from pgmsg import COPY_DONE, SYNC, bind, copy_data, copy_fail, error_fields, execute, parse, query

TABLE = """create table {t} (id int primary key, name text, price numeric(8,2), ok boolean,
    ts timestamptz, d date, tags text[], js jsonb, u uuid, b bytea, f float8 default 1.5,
    n int default 7)"""

ROWS = [
    "1\talpha\t1.50\tt\t2024-01-02 03:04:05+00\t2024-01-02\t{a,b}\t{\"k\": 1}\t"
    "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\t\\\\x00ff\t2.5\t1",
    "2\tbe\\ttab\\nnewline\\\\back\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N",
    "3\t\t0\tf\t1999-12-31 23:59:59.5+00\t1999-12-31\t{}\t[]\t00000000-0000-0000-0000-000000000000\t"
    "\\\\x\t-0\t0",
    "4\tcomma, \"quote\"\t-12.34\ttrue\t2100-01-01 00:00:00+00\t0001-01-01\t{\"x y\",NULL}\tnull\t\\N\t\\\\x41\tNaN\t-1",
]


def both(heliosd, pg15):
    h = psycopg.connect(heliosd.dsn(), autocommit=True)
    p = psycopg.connect(pg15.dsn(), autocommit=True)
    for c in (h, p):
        c.execute("set timezone = 'UTC'")
    return h, p


def copy_out(conn, sql) -> bytes:
    out = bytearray()
    with conn.cursor() as cur:
        with cur.copy(sql) as cp:
            for chunk in cp:
                out += chunk
    return bytes(out)


def copy_in(conn, sql, data: bytes | str, chunk=7):
    if isinstance(data, str):
        data = data.encode()
    with conn.cursor() as cur:
        with cur.copy(sql) as cp:
            for i in range(0, len(data), chunk):
                cp.write(data[i:i + chunk])
        return cur.rowcount


def error_of(conn, sql, data):
    with pytest.raises(psycopg.Error) as ei:
        copy_in(conn, sql, data)
    d = ei.value.diag
    return (d.sqlstate, d.message_primary, d.context)


@pytest.fixture
def pair(heliosd, pg15, request):
    t = "cp_" + request.node.name.split("[")[0].replace("test_", "")[:40]
    h, p = both(heliosd, pg15)
    for c in (h, p):
        c.execute(f"drop table if exists {t}")
        c.execute(TABLE.format(t=t))
    yield h, p, t
    h.close()
    p.close()


def test_copy_text_round_trip_matches_postgres(pair):
    h, p, t = pair
    data = "\n".join(ROWS) + "\n"
    for c in (h, p):
        assert copy_in(c, f"copy {t} from stdin", data) == 4
    for sql in (f"copy {t} to stdout", f"copy {t} to stdout with (format csv, header)",
                f"copy {t} (id, name) to stdout (delimiter '|', null 'NULL')",
                f"copy (select * from {t} order by id desc) to stdout",
                f"copy {t} to stdout with csv force quote *",
                f"copy {t} to stdout (format csv, quote '''', escape '\\', force_quote (name))",
                f"copy {t} to stdout (format text, header true)",
                f"copy {t} to stdout with delimiter ',' null ''",
                f"copy {t} to stdout (format binary)",
                "copy (select 1 as one, null::text as n, 'a\"b' as q, '' as e, '\\.' as dot) to stdout csv",
                "copy (select '\\.' as dot) to stdout csv",
                "copy (values (1, 'x'), (2, 'y')) to stdout",
                "copy (select g, g * 2 from generate_series(1, 1000) g) to stdout"):
        assert copy_out(h, sql) == copy_out(p, sql), sql


def test_copy_csv_in_matches_postgres(pair):
    h, p, t = pair
    data = ('id,name,price\n1,"multi\nline, ""quoted""",3.5\n2,,\n3,"",1\n4,plain,"2"\n')
    for c in (h, p):
        assert copy_in(c, f"copy {t} (id, name, price) from stdin (format csv, header)", data) == 4
    q = f"copy (select id, name, price, name is null from {t} order by id) to stdout csv"
    assert copy_out(h, q) == copy_out(p, q)
    data2 = "5;'x;y';NULL\n6;NULL;'NULL'\n"
    for c in (h, p):
        copy_in(c, f"copy {t} (id, name, b) from stdin with delimiter ';' null 'NULL' csv quote ''''", data2)
    data3 = '7,"",\n8,,""\n'
    for c in (h, p):
        copy_in(c, f"copy {t} (id, name, tags) from stdin (format csv, force_not_null (name), force_null (tags))",
                data3)
    q = f"copy (select id, name is null, name, tags is null from {t} where id >= 5 order by id) to stdout"
    assert copy_out(h, q) == copy_out(p, q)


def test_copy_binary_round_trip_matches_postgres(pair):
    h, p, t = pair
    for c in (h, p):
        copy_in(c, f"copy {t} from stdin", "\n".join(ROWS) + "\n")
    blob = copy_out(p, f"copy {t} to stdout (format binary)")
    assert copy_out(h, f"copy {t} to stdout (format binary)") == blob
    for c in (h, p):
        c.execute(f"truncate {t}")
        assert copy_in(c, f"copy {t} from stdin (format binary)", blob, chunk=13) == 4
    assert copy_out(h, f"copy {t} to stdout") == copy_out(p, f"copy {t} to stdout")


def test_copy_defaults_freeze_and_where(pair):
    h, p, t = pair
    for c in (h, p):
        c.execute("begin")
        c.execute(f"truncate {t}")
        copy_in(c, f"copy {t} (id, name) from stdin with (freeze)", "1\ta\n2\tb\n3\tc\n")
        c.execute("commit")
        copy_in(c, f"copy {t} (id, name) from stdin where id % 2 = 0", "10\tx\n11\ty\n12\tz\n")
    q = f"copy (select id, name, f, n from {t} order by id) to stdout"
    assert copy_out(h, q) == copy_out(p, q)


def test_copy_serial_defaults(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        c.execute("drop table if exists cp_serial")
        c.execute("create table cp_serial (id serial primary key, v text, created date default '2020-01-01')")
        copy_in(c, "copy cp_serial (v) from stdin", "a\nb\nc\n")
        assert c.execute("select id, v, created::text from cp_serial order by id").fetchall() == [
            (1, "a", "2020-01-01"), (2, "b", "2020-01-01"), (3, "c", "2020-01-01")]


ERRORS = [
    ("copy {t} (id, name) from stdin", "1\tx\n2\ty\textra\n"),
    ("copy {t} (id, name) from stdin", "1\tx\n2\n"),
    ("copy {t} (id, name) from stdin", "1\tx\nabc\ty\n"),
    ("copy {t} (id, name) from stdin", "1\tx\n1\ty\n"),
    ("copy {t} (id, price) from stdin", "1\t123456789\n"),
    ("copy {t} (id, ok) from stdin", "1\tmaybe\n"),
    ("copy {t} (id, name) from stdin csv", '1,"abc\n'),
    ("copy {t} (id, name) from stdin (format csv, header match)", "id,nam\n"),
    ("copy {t} (id, name) from stdin (format csv, header match)", "id\n"),
    ("copy {t} (id, name) from stdin (format binary)", "not a binary copy"),
    ("copy {t} (id, name) from stdin", "\\N\tnull id\n"),
    ("copy {t} (id, ts) from stdin", "1\tnot a time\n"),
    ("copy {t} (id, tags) from stdin", "1\t{unbalanced\n"),
    ("copy {t} (id, name) from stdin", b"1\t\xff\n"),
    ("copy {t} (nope) from stdin", ""),
    ("copy {t} from stdin (format xml)", ""),
    ("copy {t} from stdin (delimiter 'ab')", ""),
    ("copy {t} from stdin (format binary, header)", ""),
    ("copy {t} from stdin (bogus 1)", ""),
    ("copy {t} from stdin (format csv, format text)", ""),
    ("copy {t} from stdin (quote '\"')", ""),
    ("copy {t} from stdin (format csv, delimiter ',', quote ',')", ""),
    ("copy {t} to stdout (format csv, force_not_null (id))", ""),
    ("copy nonexistent_table_xyz from stdin", ""),
]


@pytest.mark.parametrize("sql,data", ERRORS, ids=[f"{i}" for i in range(len(ERRORS))])
def test_copy_errors_match_postgres(pair, sql, data):
    h, p, t = pair
    sql = sql.format(t=t)
    if " to stdout" in sql:
        got = []
        for c in (h, p):
            with pytest.raises(psycopg.Error) as ei:
                copy_out(c, sql)
            got.append((ei.value.diag.sqlstate, ei.value.diag.message_primary))
        assert got[0] == got[1]
        return
    mine, theirs = error_of(h, sql, data), error_of(p, sql, data)
    assert mine[:2] == theirs[:2]
    assert (mine[2] or "").replace(t, "T") == (theirs[2] or "").replace(t, "T")
    # the COPY was all-or-nothing and the session goes on
    assert h.execute(f"select count(*) from {t}").fetchone() == (0,)


def test_copy_fail_from_client(pair):
    h, p, t = pair
    for c in (h, p):
        with pytest.raises(RuntimeError):  # psycopg sends CopyFail, then re-raises
            with c.cursor() as cur:
                with cur.copy(f"copy {t} (id) from stdin") as cp:
                    cp.write(b"1\n2\n")
                    raise RuntimeError("client changed its mind")
        assert c.execute(f"select count(*) from {t}").fetchone() == (0,)


def test_copy_fail_on_the_wire(heliosd):
    c = connect_raw(heliosd)
    c.send(query("drop table if exists cp_fail; create table cp_fail (i int)"))
    c.until_ready()
    c.send(query("copy cp_fail from stdin"))
    c.recv_until(lambda m: m[0] == "G")
    c.send(copy_data(b"1\n") + copy_fail("changed my mind"))
    msgs = c.until_ready()
    f = [error_fields(p) for t, p in msgs if t == "E"][0]
    assert (f["C"], f["M"]) == ("57014", "COPY from stdin failed: changed my mind")
    c.close()


def test_copy_in_transaction_block_and_error_aborts_it(pair):
    h, _, t = pair
    h.execute("begin")
    copy_in(h, f"copy {t} (id) from stdin", "1\n2\n")
    with pytest.raises(psycopg.errors.BadCopyFileFormat):
        copy_in(h, f"copy {t} (id) from stdin", "3\n4\textra\n")
    with pytest.raises(psycopg.errors.InFailedSqlTransaction):
        h.execute("select 1")
    h.execute("rollback")
    assert h.execute(f"select count(*) from {t}").fetchone() == (0,)


def test_unexpected_message_during_copy(heliosd, pg15):
    """A Query in the middle of COPY FROM STDIN aborts the COPY with 08P01; the session lives."""
    from pgmsg import RawConn

    out = []
    for server in (heliosd, pg15):
        if server is heliosd:
            c = connect_raw(heliosd)
        else:
            c = RawConn(pg15.host, pg15.port)
            c.login(pg15.user)
        c.send(query("drop table if exists cp_unexp; create table cp_unexp (i int)"))
        c.until_ready()
        c.send(query("copy cp_unexp from stdin"))
        msgs = c.recv_until(lambda m: m[0] == "G")
        c.send(copy_data(b"1\n") + query("select 1"))
        msgs = c.until_ready()
        # PostgreSQL: the ERROR (with its COPY context), then FATAL: the framing is lost
        out.append([(f["S"], f["C"], f["M"], f.get("W")) for f in (error_fields(p) for t, p in msgs if t == "E")])
        assert msgs[-1][0] == "EOF"
        c.close()
    assert out[0] == out[1]
    assert out[0][1][2] == "terminating connection because protocol synchronization was lost"
    with psycopg.connect(heliosd.dsn()) as conn:
        assert conn.execute("select count(*) from cp_unexp").fetchone() == (0,)


def test_copy_via_extended_protocol(heliosd):
    c = connect_raw(heliosd)
    c.send(query("drop table if exists cp_ext; create table cp_ext (i int, t text)"))
    c.until_ready()
    c.send(parse("", "copy cp_ext from stdin") + bind("", "") + execute() + SYNC)
    msgs = c.recv_until(lambda m: m[0] == "G")
    assert "".join(t for t, _ in msgs) == "12G"
    c.send(copy_data(b"1\tone\n2\ttwo\n") + COPY_DONE + SYNC)
    msgs = c.until_ready()
    assert ("C", b"COPY 2\0") in msgs
    # an error in extended-protocol COPY skips to the next Sync
    c.send(parse("", "copy cp_ext from stdin") + bind("", "") + execute() + SYNC)
    c.recv_until(lambda m: m[0] == "G")
    c.send(copy_data(b"x\ty\n") + copy_data(b"3\tz\n") + COPY_DONE + SYNC)
    msgs = c.until_ready()
    assert [error_fields(p)["C"] for t, p in msgs if t == "E"] == ["22P02"]
    c.send(copy_fail("nope") + query("select count(*) from cp_ext"))
    msgs = c.until_ready()
    assert [p for t, p in msgs if t == "D"] == [b"\x00\x01\x00\x00\x00\x012"]
    c.close()


def test_copy_big_and_chunked(heliosd):
    n = 50_000
    data = "".join(f"{i}\tname {i}\t{i % 100}.{i % 10}\n" for i in range(n)).encode()
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        c.execute("drop table if exists cp_big")
        c.execute("create table cp_big (id int primary key, name text, v numeric)")
        assert copy_in(c, "copy cp_big from stdin", data, chunk=65536) == n
        assert c.execute("select count(*), sum(id) from cp_big").fetchone() == (n, n * (n - 1) // 2)
        out = copy_out(c, "copy (select * from cp_big order by id) to stdout")
        assert out.count(b"\n") == n and out.startswith(b"0\tname 0\t0.0\n")


def test_copy_to_stdout_binary_header_and_trailer(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        blob = copy_out(c, "copy (select 1::int4 where false) to stdout (format binary)")
        assert blob == b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0) + b"\xff\xff"


def test_copy_text_escaped_newlines_match_postgres(pair):
    h, p, t = pair
    data = "1\tfoo\\\nbar\n2\tends with backslash \\\\\n3\ttwo\\\n\\\nbreaks\n4\tlast\\\n"
    for c in (h, p):
        for chunk in (1, 5, 1000):
            c.execute(f"truncate {t}")
            copy_in(c, f"copy {t} (id, name) from stdin", data, chunk=chunk)
    q = f"copy (select id, name from {t} order by id) to stdout csv"
    assert copy_out(h, q) == copy_out(p, q)
