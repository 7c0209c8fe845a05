"""Sans-IO tests of heliosd.wire.protocol: bytes in, events out; no sockets."""
from __future__ import annotations

import struct

import pytest

from heliosd.wire import protocol as P
from pgmsg import (COPY_DONE, FLUSH, SYNC, TERMINATE, bind, cancel_request, close, copy_data, copy_fail, describe,
                   execute, gssenc_request, msg, parse, query, ssl_request, startup)


def ready() -> P.ServerProtocol:
    p = P.ServerProtocol()
    evs = p.feed(startup({"user": "alice", "database": "db"}))
    assert isinstance(evs[0], P.Startup)
    p.auth_done()
    assert p.state == p.READY
    return p


def types(evs):
    return [type(e).__name__ for e in evs]


# ------------------------------------------------------------------ startup


def test_startup_message_params():
    p = P.ServerProtocol()
    evs = p.feed(startup({"user": "alice", "database": "db", "options": "-c helios.branch=t1",
                          "application_name": "x"}))
    assert evs == [P.Startup(P.PROTOCOL_V3, {"user": "alice", "database": "db",
                                             "options": "-c helios.branch=t1", "application_name": "x"}, [])]
    assert p.state == p.AUTH
    assert not evs[0].needs_negotiation


def test_startup_split_into_single_bytes():
    p = P.ServerProtocol()
    data = startup({"user": "alice"}) + msg(b"p", b"secret\0")
    evs = []
    for i in range(len(data)):
        evs += p.feed(data[i:i + 1])
    assert types(evs) == ["Startup", "PasswordMessage"]
    assert evs[1].data == b"secret\0"


@pytest.mark.parametrize("order", [("ssl", "gss"), ("gss", "ssl"), ("ssl",), ("gss",)])
def test_ssl_and_gssenc_requests_in_any_order(order):
    p = P.ServerProtocol()
    for what in order:
        evs = p.feed(ssl_request() if what == "ssl" else gssenc_request())
        assert types(evs) == ["SSLRequest" if what == "ssl" else "GSSENCRequest"]
        assert p.state == p.NEGOTIATING
        # nothing more is parsed until the server has answered
        assert p.feed(b"") == []
        assert (p.ssl_answered(False) if what == "ssl" else p.gss_answered(False)) is None
        assert p.state == p.STARTUP
    assert types(p.feed(startup())) == ["Startup"]


def test_startup_pipelined_after_refused_ssl_request():
    """With 'N' the client may already have sent its startup packet (PG accepts it)."""
    p = P.ServerProtocol()
    evs = p.feed(ssl_request() + startup())
    assert types(evs) == ["SSLRequest"]
    assert p.ssl_answered(False) is None
    assert types(p.feed(b"")) == ["Startup"]


def test_unencrypted_data_after_accepted_ssl_request_is_a_violation():
    p = P.ServerProtocol()
    evs = p.feed(ssl_request() + startup())
    assert types(evs) == ["SSLRequest"]
    v = p.ssl_answered(True)
    assert isinstance(v, P.Violation)
    assert v.error.code == "08P01" and "unencrypted data after SSL request" in v.error.message
    assert p.state == p.CLOSED


def test_second_ssl_request_is_rejected():
    p = P.ServerProtocol()
    p.feed(ssl_request())
    p.ssl_answered(False)
    evs = p.feed(ssl_request())
    assert types(evs) == ["Violation"]
    assert "unsupported frontend protocol 1234.5679" in evs[0].error.message


@pytest.mark.parametrize("version,shown", [(2 << 16, "2.0"), (4 << 16, "4.0"), ((1 << 16) | 5, "1.5")])
def test_unsupported_protocol_major_version(version, shown):
    p = P.ServerProtocol()
    evs = p.feed(startup({"user": "u"}, version=version))
    assert types(evs) == ["Violation"]
    e = evs[0].error
    assert e.code == "0A000" and e.severity == "FATAL"
    assert e.message == f"unsupported frontend protocol {shown}: server supports 3.0 to 3.0"
    assert p.state == p.CLOSED


def test_newer_minor_version_and_pq_options_negotiate():
    p = P.ServerProtocol()
    evs = p.feed(startup({"user": "u", "_pq_.compression": "on"}, version=(3 << 16) | 2))
    st = evs[0]
    assert isinstance(st, P.Startup) and st.needs_negotiation
    assert st.protocol_options == ["_pq_.compression"] and "_pq_.compression" not in st.params
    out = P.negotiate_protocol_version(st.protocol_options)
    assert out[:1] == b"v"
    assert struct.unpack_from("!II", out, 5) == (P.PROTOCOL_V3, 1)
    assert out[13:] == b"_pq_.compression\0"


@pytest.mark.parametrize("length", [0, 3, 7, 10001, 0x7FFFFFFF])
def test_bad_startup_length(length):
    p = P.ServerProtocol()
    evs = p.feed(struct.pack("!II", length, P.PROTOCOL_V3))
    assert types(evs) == ["Violation"]
    assert evs[0].error.message == "invalid length of startup packet"


def test_startup_without_terminator():
    p = P.ServerProtocol()
    body = struct.pack("!I", P.PROTOCOL_V3) + b"user\0alice\0"
    evs = p.feed(struct.pack("!I", len(body) + 4) + body)
    assert types(evs) == ["Violation"]
    assert "expected terminator" in evs[0].error.message


def test_cancel_request():
    p = P.ServerProtocol()
    assert p.feed(cancel_request(1234, -5)) == [P.CancelRequest(1234, -5)]
    assert p.state == p.CLOSED
    assert p.feed(query("select 1")) == []


def test_auth_state_accepts_only_password_messages():
    p = P.ServerProtocol()
    p.feed(startup())
    evs = p.feed(msg(b"p", b"n,,n=,r=abc") + query("select 1"))
    assert types(evs) == ["PasswordMessage", "Violation"]
    assert evs[1].error.code == "08P01"


def test_auth_message_limit():
    p = P.ServerProtocol()
    p.feed(startup())
    evs = p.feed(b"p" + struct.pack("!I", 70000))
    assert types(evs) == ["Violation"]
    assert evs[0].error.message == "invalid message length"


# ------------------------------------------------------------------ simple and extended query


def test_messages_decode():
    p = ready()
    data = (query("select 1") + parse("s1", "select $1::int", [23]) +
            bind("p1", "s1", [b"\x00\x00\x00\x07", None], [1], [1, 0]) + describe("S", "s1") + describe("P", "p1") +
            execute("p1", 10) + close("S", "s1") + close("P", "p1") + FLUSH + SYNC + TERMINATE)
    evs = p.feed(data)
    assert evs == [
        P.Query("select 1"), P.Parse("s1", "select $1::int", [23]),
        P.Bind("p1", "s1", [1], [b"\x00\x00\x00\x07", None], [1, 0]),
        P.Describe("S", "s1"), P.Describe("P", "p1"), P.Execute("p1", 10), P.Close("S", "s1"),
        P.Close("P", "p1"), P.Flush(), P.Sync(), P.Terminate()]
    assert p.state == p.CLOSED


def test_pull_api_applies_server_state_changes_to_pipelined_messages():
    """Events are pulled one at a time, so error_in_extended() called while
    handling Parse skips the Bind/Execute that arrived in the same segment."""
    p = ready()
    p.receive_data(parse("", "bad sql") + bind("", "") + execute() + SYNC + query("select 2"))
    assert isinstance(p.next_event(), P.Parse)
    p.error_in_extended()  # the server failed the Parse
    assert p.state == p.SKIPPING
    assert isinstance(p.next_event(), P.Sync)
    assert p.state == p.READY
    assert p.next_event() == P.Query("select 2")
    assert p.next_event() is P.NEED_DATA


def test_skipping_discards_everything_but_sync_and_terminate():
    p = ready()
    p.error_in_extended()
    evs = p.feed(bind("", "") + execute() + query("select 1") + describe("S") + FLUSH + copy_data(b"x"))
    assert evs == []
    assert p.state == p.SKIPPING
    assert p.feed(SYNC) == [P.Sync()]
    assert p.state == p.READY
    p.error_in_extended()
    assert p.feed(TERMINATE) == [P.Terminate()]
    assert p.state == p.CLOSED


def test_simple_query_errors_do_not_skip():
    p = ready()
    evs = p.feed(query(b"select \xff") + query("select 1"))
    assert types(evs) == ["MessageError", "Query"]
    e = evs[0]
    assert not e.extended and e.msg_type == "Q"
    assert e.error.code == "22021" and e.error.severity == "ERROR"
    assert e.error.message == 'invalid byte sequence for encoding "UTF8": 0xff'
    assert p.state == p.READY


def test_invalid_utf8_reports_the_whole_character():
    p = ready()
    (e,) = p.feed(query(b"select '\xc3\x28'"))
    assert e.error.message == 'invalid byte sequence for encoding "UTF8": 0xc3 0x28'


@pytest.mark.parametrize("bad,message", [
    (msg(b"P", b"name\0select 1"), "invalid string in message"),
    (msg(b"P", b"\0select 1\0\x00\x02\x00\x00\x00\x17"), "insufficient data left in message"),
    (msg(b"B", b"\0\0\x00\x00\x00\x01\x00\x00\x10\x00ab\x00\x00"), "insufficient data left in message"),
    (msg(b"B", b"\0\0\x00\x00\x00\x01\xff\xff\xff\xfe\x00\x00"), "invalid message format"),
    (msg(b"D", b"X\0"), "invalid DESCRIBE message subtype 88"),
    (msg(b"C", b"Q\0"), "invalid CLOSE message subtype 81"),
    (msg(b"E", b"\0\x00\x00"), "insufficient data left in message"),
    (msg(b"P", b"\0select 1\0\x00\x00trailing"), "invalid message format"),
    (msg(b"P", b"\0select \xfe\0\x00\x00"), 'invalid byte sequence for encoding "UTF8": 0xfe'),
])
def test_malformed_extended_messages_are_errors_and_skip(bad, message):
    p = ready()
    evs = p.feed(bad + bind("", "") + execute() + SYNC + query("select 1"))
    assert types(evs) == ["MessageError", "Sync", "Query"]
    assert evs[0].extended and evs[0].error.severity == "ERROR"
    assert evs[0].error.message == message


def test_query_with_embedded_nul():
    p = ready()
    (e,) = p.feed(msg(b"Q", b"select 1\0select 2\0"))
    assert isinstance(e, P.MessageError) and e.error.message == "invalid message format"


def test_unknown_message_type_is_fatal():
    p = ready()
    evs = p.feed(msg(b"@", b"hello") + query("select 1"))
    assert types(evs) == ["Violation"]
    assert evs[0].error.message == "invalid frontend message type 64"
    assert evs[0].error.severity == "FATAL"
    assert p.state == p.CLOSED


# ------------------------------------------------------------------ limits


def test_maximum_message_size_checked_on_the_header():
    p = P.ServerProtocol(max_message_size=1000)
    p.feed(startup())
    p.auth_done()
    # only the 5-byte header has arrived: rejected before any body is buffered
    evs = p.feed(b"Q" + struct.pack("!I", 5000))
    assert types(evs) == ["Violation"]
    assert evs[0].error.code == "08P01" and evs[0].error.message == "invalid message length"
    assert p.state == p.CLOSED


def test_message_at_the_limit_is_fine():
    p = P.ServerProtocol(max_message_size=100)
    p.feed(startup())
    p.auth_done()
    sql = "x" * (100 - 4 - 1)
    assert p.feed(query(sql)) == [P.Query(sql)]


def test_small_messages_have_a_small_limit():
    p = ready()
    evs = p.feed(b"S" + struct.pack("!I", 20000))
    assert types(evs) == ["Violation"]


@pytest.mark.parametrize("length", [0, 1, 3])
def test_message_length_below_four(length):
    p = ready()
    evs = p.feed(b"Q" + struct.pack("!I", length))
    assert types(evs) == ["Violation"]


# ------------------------------------------------------------------ COPY


def test_copy_in_state():
    p = ready()
    p.receive_data(query("copy t from stdin") + copy_data(b"1\n") + FLUSH + SYNC + copy_data(b"2\n") + COPY_DONE
                   + query("select 1"))
    assert isinstance(p.next_event(), P.Query)
    p.start_copy_in()
    assert p.next_event() == P.CopyData(b"1\n")
    assert p.next_event() == P.CopyData(b"2\n")  # Flush and Sync are ignored during COPY
    assert p.next_event() == P.CopyDone()
    p.copy_in_done()
    assert p.next_event() == P.Query("select 1")


def test_copy_fail_and_unexpected_message_during_copy():
    p = ready()
    p.start_copy_in()
    assert p.feed(copy_fail("client gave up")) == [P.CopyFail("client gave up")]
    evs = p.feed(query("select 1"))
    assert types(evs) == ["MessageError"]
    assert evs[0].error.message == "unexpected message type 0x51 during COPY from stdin"
    assert p.state == p.READY


def test_copy_messages_outside_copy_are_ignored():
    p = ready()
    assert p.feed(copy_data(b"late") + COPY_DONE + copy_fail("x") + query("select 1")) == [P.Query("select 1")]


def test_error_during_extended_copy_skips_until_sync():
    p = ready()
    p.start_copy_in()
    p.error_in_extended()
    assert p.feed(copy_data(b"x") + COPY_DONE + SYNC) == [P.Sync()]


# ------------------------------------------------------------------ encoders


def test_encoders():
    assert P.ready_for_query("T") == b"Z\x00\x00\x00\x05T"
    assert P.command_complete("SELECT 1") == b"C\x00\x00\x00\x0dSELECT 1\x00"
    assert P.data_row([b"1", None, b""]) == (b"D" + struct.pack("!Ih", 4 + 2 + 4 + 1 + 4 + 4, 3)
                                             + struct.pack("!i", 1) + b"1" + struct.pack("!i", -1)
                                             + struct.pack("!i", 0))
    assert P.parameter_description([23, 25]) == b"t" + struct.pack("!IhII", 14, 2, 23, 25)
    e = P.error_response({"S": "ERROR", "V": "ERROR", "C": "42601", "M": "syntax error", "P": "8"})
    body = b"SERROR\0VERROR\0C42601\0Msyntax error\0P8\0\0"
    assert e == b"E" + struct.pack("!I", 4 + len(body)) + body
    assert P.notification(7, "ch", "hi") == b"A" + struct.pack("!II", 4 + 4 + 3 + 3, 7) + b"ch\0hi\0"
    assert P.copy_in_response(2) == b"G" + struct.pack("!IBhhh", 4 + 1 + 2 + 4, 0, 2, 0, 0)
    assert P.copy_out_response(1, binary=True) == b"H" + struct.pack("!IBhh", 4 + 1 + 2 + 2, 1, 1, 1)
    assert P.row_description([("a", 0, 0, 23, 4, -1, 0)]) == (
        b"T" + struct.pack("!Ih", 4 + 2 + 2 + 18, 1) + b"a\0" + struct.pack("!IhIhih", 0, 0, 23, 4, -1, 0))
    assert P.auth_sasl(["SCRAM-SHA-256"]) == b"R" + struct.pack("!II", 4 + 4 + 14 + 1, 10) + b"SCRAM-SHA-256\0\0"


def test_has_complete_message_for_flow_control():
    p = ready()
    assert not p.has_complete_message
    data = query("select 1")
    p.receive_data(data[:-1])
    assert not p.has_complete_message  # never stop reading in the middle of a message
    p.receive_data(data[-1:])
    assert p.has_complete_message
    assert isinstance(p.next_event(), P.Query)
    assert not p.has_complete_message


# ------------------------------------------------------------------ FunctionCall / FunctionCallResponse


def _fcall(oid, formats, args, rf) -> bytes:
    p = struct.pack("!Ih", oid, len(formats)) + b"".join(struct.pack("!h", f) for f in formats)
    p += struct.pack("!h", len(args))
    for a in args:
        p += struct.pack("!i", -1) if a is None else struct.pack("!i", len(a)) + a
    return msg(b"F", p + struct.pack("!h", rf))


def test_function_call_decodes():
    p = ready()
    evs = p.feed(_fcall(952, [1], [struct.pack("!I", 16400), None, b""], 1) + _fcall(3000000000, [], [], 0))
    assert evs == [P.FunctionCall(952, [1], [struct.pack("!I", 16400), None, b""], 1),
                   P.FunctionCall(3000000000, [], [], 0)]
    assert p.state == p.READY


def test_function_call_split_into_single_bytes():
    p = ready()
    data = _fcall(954, [0, 1], [b"0", struct.pack("!i", 10)], 0)
    evs = []
    for i in range(len(data)):
        evs += p.feed(data[i:i + 1])
    assert evs == [P.FunctionCall(954, [0, 1], [b"0", struct.pack("!i", 10)], 0)]


@pytest.mark.parametrize("payload", [
    struct.pack("!I", 1598) + b"\0\0\0\0\0\0\0\0",  # trailing bytes
    struct.pack("!Ih", 1598, 0),  # truncated
    struct.pack("!Ihhi", 1598, 0, 1, -2) + b"\0\0",  # negative argument length
    struct.pack("!Ih", 1598, -1) + b"\0\0\0\0",  # negative format count
])
def test_malformed_function_call_is_an_error_not_skipping(payload):
    """FunctionCall is not part of the extended protocol: an error does not enter SKIPPING."""
    p = ready()
    evs = p.feed(msg(b"F", payload) + query("select 1"))
    assert types(evs) == ["MessageError", "Query"]
    assert evs[0].error.code == "08P01" and not evs[0].extended and evs[0].msg_type == "F"
    assert p.state == p.READY


def test_function_call_skipped_after_extended_error():
    p = ready()
    p.error_in_extended()
    evs = p.feed(_fcall(1598, [], [], 0) + SYNC)
    assert types(evs) == ["Sync"]


def test_function_call_response_encoder():
    assert P.function_call_response(b"abc") == b"V\0\0\0\x0b\0\0\0\x03abc"
    assert P.function_call_response(b"") == b"V\0\0\0\x08\0\0\0\0"
    assert P.function_call_response(None) == b"V\0\0\0\x08\xff\xff\xff\xff"
