"""The wire protocol over real sockets against a running heliosd, compared with
PostgreSQL 15 where the exact behaviour matters."""
from __future__ import annotations

import socket
import struct
import threading
import time

import psycopg
import pytest

from conftest import HCONF_MAX_MESSAGE, connect_raw
from pgmsg import (SYNC, TERMINATE, RawConn, bind, cancel_request, close, data_row, describe, error_fields,
                   execute, gssenc_request, msg, parse, query, ssl_request, startup)


def types(msgs):
    return "".join(t for t, _ in msgs)


def errors(msgs):
    return [error_fields(p) for t, p in msgs if t == "E"]


def run(c, data: bytes):
    c.send(data)
    return c.until_ready()


# ------------------------------------------------------------------ startup


@pytest.mark.parametrize("order", [("ssl", "gss"), ("gss", "ssl")])
def test_ssl_and_gssenc_refused_in_any_order(heliosd, order):
    s = socket.create_connection((heliosd.host, heliosd.port), timeout=5)
    try:
        for what in order:
            s.sendall(ssl_request() if what == "ssl" else gssenc_request())
            assert s.recv(1) == b"N"
        c = RawConn.__new__(RawConn)
        c.sock, c.buf, c.pid, c.key = s, b"", None, None
        c.login(heliosd.user, "postgres", heliosd.password)
        assert types(run(c, query("select 1"))) == "TDCZ"
    finally:
        s.close()


@pytest.mark.parametrize("version", [2 << 16, 4 << 16, 1234 << 16])
def test_unsupported_protocol_versions(heliosd, pg15, version):
    def attempt(server):
        c = RawConn(server.host, server.port)
        c.send(startup({"user": "x"}, version=version))
        msgs = c.recv_until(lambda m: m[0] in ("E", "EOF"))
        assert c.closed()
        c.close()
        return errors(msgs)[0]

    if version < (3 << 16):
        # PostgreSQL answers pre-3.0 clients in the 2.0 format: 'E', text, NUL
        def attempt_v2(server):
            c = RawConn(server.host, server.port)
            c.send(startup({"user": "x"}, version=version))
            assert c.closed()
            c.close()
            return c.buf

        assert attempt_v2(heliosd) == attempt_v2(pg15) == (
            b"EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n\0")
        return
    mine, theirs = attempt(heliosd), attempt(pg15)
    assert mine["S"] == theirs["S"] == "FATAL"
    assert mine["C"] == theirs["C"] == "0A000"
    assert mine["M"].split(":")[0] == theirs["M"].split(":")[0]
    assert mine["M"].endswith("server supports 3.0 to 3.0")


def test_newer_minor_version_is_negotiated(heliosd):
    c = RawConn(heliosd.host, heliosd.port)
    c.send(startup({"user": heliosd.user, "database": "postgres", "_pq_.something": "1"}, version=(3 << 16) | 1))
    msgs = c.recv_until(lambda m: m[0] in ("R", "E", "EOF"))
    assert msgs[0][0] == "v"
    newest, n = struct.unpack_from("!II", msgs[0][1])
    assert newest == 196608 and n == 1 and msgs[0][1][8:] == b"_pq_.something\0"
    assert msgs[-1][0] == "R"
    c.close()


def test_garbage_startup_is_closed(heliosd):
    c = RawConn(heliosd.host, heliosd.port)
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    msgs = c.recv_until(lambda m: m[0] in ("E", "EOF"))
    assert c.closed()
    assert errors(msgs) == [] or errors(msgs)[0]["C"] == "08P01"


def test_parameter_status_and_backend_key(heliosd):
    c = RawConn(heliosd.host, heliosd.port)
    msgs = c.login(heliosd.user, "postgres", heliosd.password, application_name="ptest")
    ps = {}
    for t, p in msgs:
        if t == "S":
            k, v, _ = p.split(b"\0")
            ps[k.decode()] = v.decode()
    for name in ("server_version", "server_encoding", "client_encoding", "DateStyle", "IntervalStyle", "TimeZone",
                 "integer_datetimes", "standard_conforming_strings", "application_name", "is_superuser",
                 "session_authorization", "default_transaction_read_only", "in_hot_standby"):
        assert name in ps, name
    assert ps["server_version"].startswith("15.")
    assert ps["application_name"] == "ptest"
    assert ps["client_encoding"] == "UTF8" and ps["integer_datetimes"] == "on"
    assert c.pid is not None and c.key is not None
    assert types(msgs)[-2:] == "KZ"
    c.close()


def test_options_startup_parameter(heliosd):
    with psycopg.connect(heliosd.dsn(), options="-c statement_timeout=1234 -c search_path=a,public "
                                                "-c application_name=opt\\ app") as c:
        assert c.execute("show statement_timeout").fetchone() == ("1234ms",)
        assert c.execute("show search_path").fetchone() == ("a,public",)  # as PostgreSQL: kept as given
        assert c.execute("show application_name").fetchone() == ("opt app",)


def test_unknown_startup_setting_is_fatal(heliosd):
    with pytest.raises(psycopg.OperationalError, match="unrecognized configuration parameter"):
        psycopg.connect(heliosd.dsn(), options="-c no_such_setting=1")


# ------------------------------------------------------------------ authentication


def _sqlstate(excinfo):
    e = excinfo.value
    return getattr(e, "sqlstate", None) or getattr(getattr(e, "diag", None), "sqlstate", None)


def test_failed_logins_do_not_reveal_role_existence(heliosd):
    msgs = {}
    for user in (heliosd.user, "no_such_role_xyz"):
        c = RawConn(heliosd.host, heliosd.port)
        with pytest.raises(RuntimeError) as ei:
            c.login(user, "postgres", "wrong password")
        f = ei.value.args[0]
        assert f["C"] == "28P01" and f["S"] == "FATAL"
        msgs[user] = f["M"].replace(user, "USER")
        c.close()
    assert msgs[heliosd.user] == msgs["no_such_role_xyz"] == 'password authentication failed for user "USER"'


def test_missing_database(heliosd):
    with pytest.raises(psycopg.OperationalError) as ei:
        psycopg.connect(heliosd.dsn("no_such_db_xyz"))
    assert 'database "no_such_db_xyz" does not exist' in str(ei.value)
    c = RawConn(heliosd.host, heliosd.port)
    with pytest.raises(RuntimeError) as ei:
        c.login(heliosd.user, "no_such_db_xyz", heliosd.password)
    assert ei.value.args[0]["C"] == "3D000"


def test_hba_rules_from_config(hconf):
    # trust rule: no password asked
    c = RawConn(hconf.host, hconf.port)
    msgs = c.login("trusty", "postgres")
    assert ("R", b"\0\0\0\0") in msgs
    c.close()
    # reject rule by user
    with pytest.raises(psycopg.OperationalError) as ei:
        psycopg.connect(f"host={hconf.host} port={hconf.port} user=banned password=banned dbname=postgres")
    assert "no pg_hba.conf entry" in str(ei.value) and _sqlstate(ei) in (None, "28000")
    # reject rule by database
    with pytest.raises(psycopg.OperationalError, match="no pg_hba.conf entry"):
        psycopg.connect(f"host={hconf.host} port={hconf.port} user=scrammy password=right dbname=closed")
    # scram for everyone else
    with psycopg.connect(f"host={hconf.host} port={hconf.port} user=scrammy password=right dbname=postgres") as c2:
        assert c2.execute("select current_user").fetchone() == ("scrammy",)
        # [settings] in the config file are session defaults
        assert c2.execute("show application_name").fetchone()[0] in ("from-config", "")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(f"host={hconf.host} port={hconf.port} user=scrammy password=wrong dbname=postgres")


def test_passwords_are_stored_as_scram_verifiers(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        c.execute("drop role if exists verif_role")
        c.execute("create role verif_role login password 'pw1'")
        c.execute("grant usage on branch main to verif_role")
        row = c.execute("select rolpassword from pg_authid where rolname = 'verif_role'").fetchone()
        assert row[0].startswith("SCRAM-SHA-256$4096:") and "pw1" not in row[0]
    with psycopg.connect(f"host={heliosd.host} port={heliosd.port} user=verif_role password=pw1 "
                         f"dbname=postgres") as c:
        assert c.execute("select 1").fetchone() == (1,)


# ------------------------------------------------------------------ simple query


def test_error_response_fields(raw):
    msgs = run(raw, query("selec 1"))
    (f,) = errors(msgs)
    assert f["S"] == f["V"] == "ERROR" and f["C"] == "42601" and f["P"].isdigit()
    assert f["M"].startswith("syntax error at or near")
    msgs = run(raw, query("select no_such_function_xyz(1)"))
    (f,) = errors(msgs)
    assert f["C"] == "42883" and "H" in f
    run(raw, query("drop table if exists errf; create table errf (id int primary key)"))
    msgs = run(raw, query("insert into errf values (1), (1)"))
    (f,) = errors(msgs)
    assert f["C"] == "23505" and f["D"] == "Key (id)=(1) already exists." and f["n"] == "errf_pkey"
    assert types(run(raw, query("select 1"))) == "TDCZ"


def test_notice_response(raw):
    msgs = run(raw, query("drop table if exists surely_not_here_xyz"))
    assert types(msgs) == "NCZ"
    f = error_fields(msgs[0][1])
    assert f["S"] == "NOTICE" and f["C"] == "00000" and "does not exist, skipping" in f["M"]
    msgs = run(raw, query("set client_min_messages = warning; drop table if exists surely_not_here_xyz"))
    assert "N" not in types(msgs)


def test_empty_query(raw, pgraw):
    for q in ("", ";", " ; ;", "-- just a comment"):
        assert types(run(raw, query(q))) == types(run(pgraw, query(q))), q
    assert types(run(raw, query(""))) == "IZ"


def test_terminate_closes(heliosd):
    c = connect_raw(heliosd)
    c.send(TERMINATE)
    assert c.closed()


def fcall(oid: int, args, formats=(), result_format: int = 0) -> bytes:
    """FunctionCall ('F'): args are bytes or None (NULL)."""
    p = struct.pack("!Ih", oid, len(formats)) + b"".join(struct.pack("!h", f) for f in formats)
    p += struct.pack("!h", len(args))
    for a in args:
        p += struct.pack("!i", -1) if a is None else struct.pack("!i", len(a)) + a
    return msg(b"F", p + struct.pack("!h", result_format))


def _fcall_outcome(msgs):
    out = []
    for t, p in msgs:
        if t == "V":
            (n,) = struct.unpack_from("!i", p, 0)
            out.append(("V", None if n == -1 else p[4:4 + n]))
        elif t == "E":
            out.append(("E", error_fields(p)["C"]))
        else:
            out.append((t, p if t == "Z" else None))
    return out


FCALLS = [
    fcall(1622, [b"ab", b"3"]),  # repeat(text, int4): text in, text out
    fcall(1622, [b"ab", struct.pack("!i", 3)], [1], 1),  # binary in and out
    fcall(1622, [b"ab", struct.pack("!i", 2)], [0, 1]),  # a format per argument
    fcall(1622, [None, b"3"]),  # strict function, NULL argument: NULL result
    fcall(1622, [b"ab"]),  # wrong number of arguments
    fcall(1622, [b"ab", b"x"]),  # bad input
    fcall(1622, [b"ab", b"1"], [0, 0, 0]),  # format count mismatch
    fcall(1622, [b"ab", b"1"], [], 2),  # bad result format
    fcall(4000000000, []),  # no such function
    fcall(1598, []) + b"",  # random(): a volatile call works
    fcall(953, [b"12345"]),  # lo_close: invalid descriptor
    fcall(952, [b"1", b"262144"]),  # lo_open: no such large object
    msg(b"F", struct.pack("!I", 1598) + b"\0\0\0\0\0\0\0\0"),  # malformed: trailing bytes
]


def test_function_call_matches_postgres(raw, pgraw):
    for i, m in enumerate(FCALLS):
        h, p = _fcall_outcome(run(raw, m)), _fcall_outcome(run(pgraw, m))
        if i == 9:  # random(): a value of its own, in text
            assert [t for t, _ in h] == [t for t, _ in p] == ["V", "Z"]
            continue
        assert h == p, (i, h, p)
    assert types(run(raw, query("select 1"))) == "TDCZ"


def test_function_call_in_transaction_block(raw, pgraw):
    """Inside BEGIN the call runs in the transaction; an error aborts it (status E)."""
    for c in (raw, pgraw):
        run(c, query("begin"))
    for m in (fcall(1622, [b"a", b"2"]), fcall(953, [b"0"]), fcall(1622, [b"a", b"2"])):
        assert _fcall_outcome(run(raw, m)) == _fcall_outcome(run(pgraw, m))
    for c in (raw, pgraw):
        assert run(c, query("rollback"))[-1] == ("Z", b"I")


def test_function_call_large_object_round_trip(raw):
    """libpq's lo_* flow: lo_creat, lo_open, lowrite, lo_lseek, loread, lo_close, lo_unlink by OID."""
    def call(oid, args, formats=(1,), rf=1):
        msgs = run(raw, fcall(oid, args, formats, rf))
        assert [t for t, _ in msgs] == ["V", "Z"], msgs
        (n,) = struct.unpack_from("!i", msgs[0][1], 0)
        return msgs[0][1][4:4 + n]

    i32 = lambda v: struct.pack("!i", v)  # noqa: E731
    run(raw, query("begin"))
    loid = struct.unpack("!I", call(957, [i32(0x60000)]))[0]
    fd = struct.unpack("!i", call(952, [struct.pack("!I", loid), i32(0x60000)]))[0]
    assert struct.unpack("!i", call(955, [i32(fd), b"hello, large object"]))[0] == 19
    assert struct.unpack("!i", call(956, [i32(fd), i32(7), i32(0)]))[0] == 7
    assert call(954, [i32(fd), i32(100)]) == b"large object"
    assert struct.unpack("!q", call(3171, [i32(fd)]))[0] == 19
    assert call(1004, [b"%d" % fd, b"5"], (0,), 0) == b"0"
    assert call(953, [i32(fd)]) == i32(0)
    assert types(run(raw, query("commit"))) == "CZ"
    assert run(raw, query(f"select encode(lo_get({loid}), 'escape')"))[1][1].endswith(b"hello")
    assert call(964, [struct.pack("!I", loid)], (1,), 0) == b"1"
    assert errors(run(raw, fcall(964, [b"%d" % loid])))[0]["C"] == "42704"


MULTI = [
    "select 1; select 1/0; select 2",
    "insert into mt values (1); select 1/0",
    "insert into mt values (2); commit; insert into mt values (3); select 1/0",
    "begin; insert into mt values (4); commit; insert into mt values (5); select 1/0",
    "select 1; begin; select 2",
    "rollback",
    "begin; select 1/0; select 2",
    "rollback",
    "select 1; vacuum",
    "select 1; savepoint a",
    "select 1; rollback; select 2",
    "insert into mt values (6); rollback; insert into mt values (7)",
    "select 1; commit; select 2",
    "begin; select 1; commit; select 2; begin",
    "commit",
    "begin; select 1/0; rollback; select 3",
    "select 1;;; select 2;",
    "begin; insert into mt values (8); savepoint s; insert into mt values (9); rollback to s; commit",
    "select * from mt order by 1",
    "select 1; create database never_made_xyz",
]


def _summary(msgs):
    out = []
    for t, p in msgs:
        if t == "C":
            out.append("C:" + p[:-1].decode())
        elif t == "E":
            f = error_fields(p)
            out.append(f"E:{f['C']}:{f['M']}")
        elif t == "N":
            f = error_fields(p)
            out.append(f"N:{f['S']}:{f['M']}")
        elif t == "Z":
            out.append("Z:" + p.decode())
        elif t == "I":
            out.append("I")
        elif t == "D":
            out.append("D:" + ",".join((v or b"NULL").decode() for v in data_row(p)))
    return out


def test_multi_statement_implicit_transactions_match_postgres(raw, pgraw):
    for c in (raw, pgraw):
        run(c, query("drop table if exists mt; create table mt (i int)"))
    for q in MULTI:
        assert _summary(run(raw, query(q))) == _summary(run(pgraw, query(q))), q


# ------------------------------------------------------------------ extended query


def test_skip_until_sync_after_error(raw):
    raw.send(parse("", "selec bad") + bind("", "") + execute() + parse("", "select 1") + bind("", "") + execute())
    raw.send(msg(b"H"))  # Flush: the error is sent, nothing else until Sync
    msgs = raw.recv_until(lambda m: m[0] == "E")
    assert types(msgs) == "E"
    with pytest.raises(TimeoutError):
        raw.recv_until(lambda m: True, timeout=0.3)
    msgs = run(raw, SYNC)
    assert types(msgs) == "Z"
    msgs = run(raw, parse("", "select 2") + bind("", "") + execute() + SYNC)
    assert types(msgs) == "12DCZ"


def test_error_in_transaction_block_via_extended(raw):
    msgs = run(raw, query("begin"))
    msgs = run(raw, parse("", "select 1/0") + bind("", "") + execute() + SYNC)
    assert types(msgs) == "12EZ" and msgs[-1][1] == b"E"
    msgs = run(raw, parse("", "select 1") + bind("", "") + execute() + SYNC)
    assert errors(msgs)[0]["C"] == "25P02"
    msgs = run(raw, parse("", "rollback") + bind("", "") + execute() + SYNC)
    assert types(msgs) == "12CZ" and msgs[-1][1] == b"I"


def test_execute_row_limit_and_portal_suspended(raw, pgraw):
    q = "select g from generate_series(1, 5) g"
    for c in (raw, pgraw):
        run(c, query("begin"))
        msgs = run(c, parse("s", q) + bind("p", "s") + execute("p", 2) + execute("p", 2) + execute("p", 2) + SYNC)
        assert types(msgs) == "12DDsDDsDCZ", types(msgs)
        vals = [data_row(p)[0] for t, p in msgs if t == "D"]
        assert vals == [b"1", b"2", b"3", b"4", b"5"]
        assert msgs[-2] == ("C", b"SELECT 1\0")
        run(c, query("rollback"))


def test_named_statements_and_portals(raw):
    msgs = run(raw, parse("st1", "select $1::int + 1 as x") + parse("st2", "select 'two'") +
               bind("pa", "st1", ["41"]) + bind("pb", "st2") + execute("pb") + execute("pa") + SYNC)
    assert types(msgs) == "1122DCDCZ"
    rows = [data_row(p)[0] for t, p in msgs if t == "D"]
    assert rows == [b"two", b"42"]
    # statements outlive Sync; re-bind
    msgs = run(raw, bind("", "st1", ["1"]) + execute() + close("S", "st1") + SYNC)
    assert types(msgs) == "2DC3Z"
    msgs = run(raw, bind("", "st1", ["1"]) + execute() + SYNC)
    assert errors(msgs)[0]["C"] == "26000"
    msgs = run(raw, parse("st2", "select 3") + SYNC)
    assert errors(msgs)[0]["C"] == "42P05"
    msgs = run(raw, close("S", "never_existed") + close("P", "never_existed") + SYNC)
    assert types(msgs) == "33Z"
    msgs = run(raw, execute("no_portal") + SYNC)
    assert errors(msgs)[0]["C"] == "34000"


def test_describe_statement_infers_parameter_types(raw, pgraw):
    for c in (raw, pgraw):
        run(c, query("drop table if exists dtypes; create table dtypes (a int8, b text, c numeric(8,2), "
                     "d timestamptz, e boolean)"))
    cases = [
        ("select $1 + 1, $2 || 'x'", [0, 0]),
        ("insert into dtypes values ($1, $2, $3, $4, $5)", [0, 0, 0, 0, 0]),
        ("select * from dtypes where a = $1 and c > $2", [0, 0]),
        ("update dtypes set b = $1 where e = $2", [0, 0]),
        ("select $1::int, $2", [0, 25]),
        ("select a from dtypes limit $1", [0]),
    ]
    for q, oids in cases:
        got = []
        for c in (raw, pgraw):
            msgs = run(c, parse("", q, oids) + describe("S", "") + SYNC)
            pd = [p for t, p in msgs if t == "t"]
            assert pd, (q, msgs)
            n = struct.unpack_from("!h", pd[0])[0]
            got.append(list(struct.unpack_from(f"!{n}I", pd[0], 2)))
            rd = [t for t, _ in msgs if t in ("T", "n")]
            got.append(rd)
        assert got[0] == got[2] and got[1] == got[3], (q, got)


BINARY_CASES = [
    ("select $1::int2, $2::int4, $3::int8", [21, 23, 20],
     [struct.pack("!h", -7), struct.pack("!i", 123456), struct.pack("!q", -(2**40))]),
    ("select $1::float8, $2::float4, $3::bool", [701, 700, 16],
     [struct.pack("!d", 3.25), struct.pack("!f", -1.5), b"\x01"]),
    ("select $1::text, $2::bytea, $3::varchar", [25, 17, 1043], ["héllo".encode(), b"\x00\xff\x10", b"vc"]),
    ("select $1::uuid, $2::date", [2950, 1082],
     [bytes(range(16)), struct.pack("!i", 8000)]),
    ("select $1::timestamp, $2::timestamptz", [1114, 1184],
     [struct.pack("!q", 700_000_000_123_456), struct.pack("!q", -5_000_000)]),
    ("select $1::numeric, $1::numeric * 2", [1700], [None]),
    ("select $1::jsonb, $2::json", [3802, 114], [b"\x01" + b'{"a": [1, 2]}', b'{"b":1}']),
    ("select $1::int4[], $2::text[]", [1007, 1009], [None, None]),
    ("select 12.5::numeric, -0.001::numeric, 'NaN'::numeric, 1e20::numeric", [], []),
    ("select array[1,2,null]::int4[], array['a','b']::text[], '{{1,2},{3,4}}'::int8[]", [], []),
    ("select '2024-02-29 12:34:56.789'::timestamp, interval '1 year 2 days 3 hours', '12:30'::time", [], []),
    ("select null::int4, true, 'x'::char(3), 'ab'::name, 99::oid", [], []),
]


@pytest.mark.parametrize("q,oids,params", BINARY_CASES, ids=[c[0][:40] for c in BINARY_CASES])
def test_binary_params_and_results_match_postgres(raw, pgraw, q, oids, params):
    out = []
    for c in (raw, pgraw):
        msgs = run(c, parse("", q, oids) + bind("", "", params, [1] * len(params), [1]) + execute() + SYNC)
        assert not errors(msgs), errors(msgs)
        out.append([data_row(p) for t, p in msgs if t == "D"])
    assert out[0] == out[1]


def test_binary_result_formats_per_column(raw):
    msgs = run(raw, parse("", "select 1::int4, 2::int4") + bind("", "", [], [], [0, 1]) + execute() + SYNC)
    (row,) = [data_row(p) for t, p in msgs if t == "D"]
    assert row == [b"1", b"\x00\x00\x00\x02"]


def test_bad_parameters_match_postgres(raw, pgraw):
    cases = [([b"\x00\x01"], [1], []), ([b"\x00\x01\x00\x00\x00"], [1], []), ([b"12"], [7], []),
             ([b"12"], [1, 1], []), ([b"abc"], [0], []), ([b"12"], [0], [0, 0])]
    for params, fmts, rfmts in cases:
        got = []
        for c in (raw, pgraw):
            msgs = run(c, parse("", "select $1::int4", [23]) + bind("", "", params, fmts, rfmts) + execute() + SYNC)
            f = errors(msgs)[0]
            got.append((f["C"], f["M"], f.get("W")))
        assert got[0] == got[1], (params, fmts, got)
    assert types(run(raw, query("select 1"))) == "TDCZ"


def test_bind_parameter_count_mismatch(raw):
    msgs = run(raw, parse("", "select $1::int") + bind("", "", []) + SYNC)
    assert errors(msgs)[0]["C"] == "08P01"


# ------------------------------------------------------------------ bad input


def test_invalid_utf8_everywhere(raw):
    msgs = run(raw, query(b"select '\xff'"))
    assert errors(msgs)[0]["C"] == "22021" and types(msgs) == "EZ"
    msgs = run(raw, parse("", b"select '\xc3\x28'") + bind("", "") + execute() + SYNC)
    assert types(msgs) == "EZ" and errors(msgs)[0]["C"] == "22021"
    msgs = run(raw, parse("", "select $1::text", [25]) + bind("", "", [b"\xfe\xfe"]) + execute() + SYNC)
    assert errors(msgs)[0]["C"] == "22021"
    assert types(run(raw, query("select 1"))) == "TDCZ"


def test_invalid_utf8_in_transaction_aborts_it(raw):
    run(raw, query("begin"))
    msgs = run(raw, query(b"select '\xff'"))
    assert msgs[-1] == ("Z", b"E")
    assert run(raw, query("rollback"))[-1] == ("Z", b"I")


def test_huge_values(raw):
    big = "x" * 5_000_000
    msgs = run(raw, parse("", "select length($1::text)", [25]) + bind("", "", [big]) + execute() + SYNC)
    assert [data_row(p) for t, p in msgs if t == "D"] == [[b"5000000"]]
    big = big[:500_000]
    msgs = run(raw, query("select '" + big + "' = '" + big + "'"))
    assert [data_row(p) for t, p in msgs if t == "D"] == [[b"t"]]
    msgs = run(raw, query("select 2147483647::int4 + 1"))
    assert errors(msgs)[0]["C"] == "22003"
    # many pipelined messages totalling more than the read buffer's high-water mark
    n = 3000
    msgs = run(raw, (parse("", "select $1::text", [25]) + bind("", "", ["y" * 2000]) + execute()) * n + SYNC)
    assert types(msgs).count("D") == n


def test_unknown_message_type_is_fatal_for_that_connection_only(heliosd, raw):
    bad = connect_raw(heliosd)
    bad.send(msg(b"@", b"junk"))
    msgs = bad.recv_until(lambda m: m[0] in ("E", "EOF"))
    f = errors(msgs)[0]
    assert f["S"] == "FATAL" and f["C"] == "08P01" and "invalid frontend message type 64" in f["M"]
    assert bad.closed()
    assert types(run(raw, query("select 1"))) == "TDCZ"


def test_message_size_limit(hconf):
    c = RawConn(hconf.host, hconf.port)
    c.login("trusty")
    # within the limit
    sql = "select '" + "y" * (HCONF_MAX_MESSAGE - 100) + "' is not null"
    assert types(run(c, query(sql))) == "TDCZ"
    # over the limit: FATAL, checked on the header before the body arrives
    c.send(b"Q" + struct.pack("!I", HCONF_MAX_MESSAGE + 1000))
    msgs = c.recv_until(lambda m: m[0] in ("E", "EOF"))
    f = errors(msgs)[0]
    assert f["S"] == "FATAL" and f["C"] == "08P01" and f["M"] == "invalid message length"
    assert c.closed()
    c2 = RawConn(hconf.host, hconf.port)
    c2.login("trusty")
    assert types(run(c2, query("select 1"))) == "TDCZ"
    c2.close()


# ------------------------------------------------------------------ async features


def test_listen_notify(heliosd):
    a = connect_raw(heliosd)
    b = connect_raw(heliosd)
    try:
        run(a, query("listen chan_x"))
        run(b, query("notify chan_x, 'hello'"))
        msgs = a.recv_until(lambda m: m[0] == "A", timeout=5)
        pid = struct.unpack_from("!I", msgs[-1][1])[0]
        assert pid == b.pid and msgs[-1][1][4:] == b"chan_x\0hello\0"
        # inside a transaction: delivered at commit only
        run(b, query("begin; notify chan_x, 'later'; select pg_notify('chan_x', 'fn')"))
        with pytest.raises(TimeoutError):
            a.recv_until(lambda m: m[0] == "A", timeout=0.3)
        run(b, query("commit"))
        msgs = a.recv_until(lambda m: m[0] == "A" and b"fn" in m[1], timeout=5)
        payloads = [p[4:] for t, p in msgs if t == "A"]
        assert payloads == [b"chan_x\0later\0", b"chan_x\0fn\0"]
        # rolled back: never delivered; unlisten stops delivery
        run(b, query("begin; notify chan_x, 'never'; rollback"))
        run(a, query("unlisten chan_x"))
        run(b, query("notify chan_x, 'after unlisten'"))
        with pytest.raises(TimeoutError):
            a.recv_until(lambda m: m[0] == "A", timeout=0.3)
    finally:
        a.close()
        b.close()


LONG_QUERY = "select count(*) from generate_series(1, 200000000)"


def test_cancel_request_cancels_running_statement(heliosd):
    c = connect_raw(heliosd)
    other = connect_raw(heliosd)
    c.send(query(LONG_QUERY))
    time.sleep(0.5)
    t0 = time.monotonic()
    # a wrong key does nothing
    s = socket.create_connection((heliosd.host, heliosd.port))
    s.sendall(cancel_request(c.pid, c.key ^ 1))
    assert s.recv(10) == b""
    s.close()
    # meanwhile, other sessions are served (the event loop is not stalled)
    assert types(run(other, query("select 1"))) == "TDCZ"
    s = socket.create_connection((heliosd.host, heliosd.port))
    s.sendall(cancel_request(c.pid, c.key))
    assert s.recv(10) == b""
    s.close()
    msgs = c.until_ready(timeout=10)
    assert time.monotonic() - t0 < 5
    f = errors(msgs)[0]
    assert f["C"] == "57014" and f["M"] == "canceling statement due to user request"
    assert types(run(c, query("select 1"))) == "TDCZ"
    c.close()
    other.close()


def test_cancel_with_psycopg(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        threading.Timer(0.4, c.cancel).start()
        with pytest.raises(psycopg.errors.QueryCanceled):
            c.execute("select sum(a * b) from generate_series(1, 3000) a, generate_series(1, 3000) b")
        assert c.execute("select 1").fetchone() == (1,)


def test_statement_timeout(raw):
    t0 = time.monotonic()
    msgs = run(raw, query("set statement_timeout = '200ms'; " + LONG_QUERY))
    assert time.monotonic() - t0 < 5
    f = errors(msgs)[0]
    assert f["C"] == "57014" and f["M"] == "canceling statement due to statement timeout"
    run(raw, query("reset statement_timeout"))
    assert types(run(raw, query("select 1"))) == "TDCZ"


def test_idle_in_transaction_session_timeout(heliosd):
    c = connect_raw(heliosd)
    run(c, query("set idle_in_transaction_session_timeout = 300; begin; select 1"))
    t0 = time.monotonic()
    msgs = c.recv_until(lambda m: m[0] in ("E", "EOF"), timeout=10)
    assert 0.2 < time.monotonic() - t0 < 5
    f = errors(msgs)[0]
    assert f["S"] == "FATAL" and f["C"] == "25P03"
    assert f["M"] == "terminating connection due to idle-in-transaction timeout"
    assert c.closed()
    # an idle session outside a transaction is not affected
    c = connect_raw(heliosd)
    run(c, query("set idle_in_transaction_session_timeout = 100"))
    time.sleep(0.4)
    assert types(run(c, query("select 1"))) == "TDCZ"
    c.close()


def test_idle_session_timeout(heliosd):
    c = connect_raw(heliosd)
    run(c, query("set idle_session_timeout = 200"))
    msgs = c.recv_until(lambda m: m[0] in ("E", "EOF"), timeout=10)
    assert errors(msgs)[0]["C"] == "57P05"
    assert c.closed()


# ------------------------------------------------------------------ robustness


def _bad_client(host, port, payload: bytes, linger: float):
    try:
        s = socket.create_connection((host, port), timeout=5)
        s.sendall(payload)
        time.sleep(linger)
        s.close()
    except OSError:
        pass


BAD_PAYLOADS = [
    b"",
    b"\x00\x00",
    struct.pack("!I", 3),
    struct.pack("!I", 0x7FFFFFFF),
    struct.pack("!II", 8, 0x12345678),
    startup({"user": "x"})[:-3],
    startup({"user": "x"}, version=2 << 16),
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 100,  # a TLS ClientHello
    ssl_request() + startup({"user": "x"}),
    b"GET /metrics HTTP/1.0\r\n\r\n",
    bytes(range(256)) * 4,
]


def test_bad_connections_are_closed_alone(heliosd):
    good = connect_raw(heliosd)
    threads = [threading.Thread(target=_bad_client, args=(heliosd.host, heliosd.port, p, 0.2))
               for p in BAD_PAYLOADS * 3]
    for t in threads:
        t.start()
    for _ in range(20):
        assert types(run(good, query("select 1"))) == "TDCZ"
    for t in threads:
        t.join()
    # authenticated connections that then misbehave
    for payload in (msg(b"Q", b"no terminator"), b"Z" * 64, msg(b"B", b"\xff" * 20) + SYNC,
                    msg(b"P", b"\0select 1\0\xff\xff") + SYNC, b"Q\xff\xff\xff\xff"):
        bad = connect_raw(heliosd)
        bad.send(payload)
        try:
            bad.recv_until(lambda m: m[0] in ("Z", "EOF"), timeout=5)
        except TimeoutError:
            pass
        bad.close()
        assert types(run(good, query("select 1"))) == "TDCZ"
    good.close()
    with psycopg.connect(heliosd.dsn()) as c:
        assert c.execute("select 42").fetchone() == (42,)


def test_client_disconnects_mid_statement(heliosd):
    for _ in range(3):
        c = connect_raw(heliosd)
        c.send(query(LONG_QUERY))
        time.sleep(0.2)
        c.close()
    with psycopg.connect(heliosd.dsn()) as c:
        assert c.execute("select 1").fetchone() == (1,)


def test_role_connection_limit_valid_until_and_nologin(heliosd):
    with psycopg.connect(heliosd.dsn(), autocommit=True) as c:
        c.execute("drop role if exists lim_role")
        c.execute("drop role if exists old_role")
        c.execute("drop role if exists nolog_role")
        c.execute("create role lim_role login password 'pw' connection limit 1")
        c.execute("create role old_role login password 'pw' valid until '2001-01-01'")
        c.execute("create role nolog_role password 'pw'")
        c.execute("grant usage on branch main to lim_role, old_role, nolog_role")

    def dsn(user):
        return f"host={heliosd.host} port={heliosd.port} user={user} password=pw dbname=postgres"

    first = psycopg.connect(dsn("lim_role"))
    try:
        with pytest.raises(psycopg.OperationalError, match='too many connections for role "lim_role"'):
            psycopg.connect(dsn("lim_role"))
    finally:
        first.close()
    time.sleep(0.2)
    psycopg.connect(dsn("lim_role")).close()
    with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "old_role"'):
        psycopg.connect(dsn("old_role"))
    with pytest.raises(psycopg.OperationalError, match='role "nolog_role" is not permitted to log in'):
        psycopg.connect(dsn("nolog_role"))
