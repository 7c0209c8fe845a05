"""Property tests: random, truncated, mutated and oversized input never makes
the protocol state machine raise, and parsing does not depend on how the
bytes are split into TCP segments."""
from __future__ import annotations

import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heliosd.wire import protocol as P
from pgmsg import (COPY_DONE, FLUSH, SYNC, TERMINATE, bind, close, copy_data, copy_fail, describe, execute,
                   gssenc_request, msg, parse, query, ssl_request, startup)

EVENT_TYPES = (P.SSLRequest, P.GSSENCRequest, P.CancelRequest, P.Startup, P.PasswordMessage, P.Query, P.Parse,
               P.Bind, P.Describe, P.Execute, P.Close, P.Sync, P.Flush, P.Terminate, P.CopyData, P.CopyDone,
               P.CopyFail, P.FunctionCall, P.MessageError, P.Violation)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

names = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=12)
sqls = st.text(st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)
params = st.lists(st.one_of(st.none(), st.binary(max_size=16)), max_size=4)

valid_message = st.one_of(
    sqls.map(query),
    st.builds(parse, names, sqls, st.lists(st.integers(0, 2**32 - 1), max_size=3)),
    st.builds(bind, names, names, params, st.lists(st.sampled_from([0, 1]), max_size=3),
              st.lists(st.sampled_from([0, 1]), max_size=3)),
    st.builds(describe, st.sampled_from("SP"), names),
    st.builds(execute, names, st.integers(-(2**31), 2**31 - 1)),
    st.builds(close, st.sampled_from("SP"), names),
    st.just(SYNC), st.just(FLUSH),
    st.binary(max_size=32).map(copy_data), st.just(COPY_DONE), names.map(copy_fail),
)


@st.composite
def mutated(draw):
    """A valid message, then maybe truncated, with a byte flipped, or its length field changed."""
    m = bytearray(draw(valid_message))
    how = draw(st.sampled_from(["keep", "truncate", "flip", "length", "type"]))
    if how == "truncate" and len(m) > 1:
        m = m[:draw(st.integers(0, len(m) - 1))]
    elif how == "flip":
        i = draw(st.integers(0, len(m) - 1))
        m[i] = draw(st.integers(0, 255))
    elif how == "length":
        struct.pack_into("!I", m, 1, draw(st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 64))))
    elif how == "type":
        m[0] = draw(st.integers(0, 255))
    return bytes(m)


def ready(max_message_size=P.DEFAULT_MAX_MESSAGE):
    p = P.ServerProtocol(max_message_size)
    p.feed(startup({"user": "u"}))
    p.auth_done()
    return p


def drive(p, data: bytes, actions=()):
    """Feed data and pull every event, applying server-side transitions as a server would."""
    p.receive_data(data)
    out = []
    acts = list(actions)
    while True:
        ev = p.next_event()
        if ev is P.NEED_DATA:
            return out
        assert isinstance(ev, EVENT_TYPES), ev
        out.append(ev)
        if isinstance(ev, P.Violation):
            assert p.state == p.CLOSED
            assert ev.error.severity == "FATAL" and ev.error.code
        if isinstance(ev, P.MessageError):
            assert ev.error.severity == "ERROR" and ev.error.code
        if isinstance(ev, P.SSLRequest):
            p.ssl_answered(False)
        if isinstance(ev, P.GSSENCRequest):
            p.gss_answered(False)
        if acts:
            a = acts.pop(0)
            if a == "error":
                p.error_in_extended()
            elif a == "copy":
                p.start_copy_in()
            elif a == "copydone":
                p.copy_in_done()
            elif a == "auth":
                p.auth_done()


@SETTINGS
@given(st.binary(max_size=512))
def test_random_bytes_before_startup(data):
    p = P.ServerProtocol()
    drive(p, data)


@SETTINGS
@given(st.binary(max_size=512))
def test_random_bytes_in_auth(data):
    p = P.ServerProtocol()
    p.feed(startup())
    drive(p, data)


@SETTINGS
@given(st.binary(max_size=512))
def test_random_bytes_after_auth(data):
    drive(ready(), data)


@SETTINGS
@given(st.lists(mutated(), max_size=12),
       st.lists(st.sampled_from(["none", "error", "copy", "copydone", "auth"]), max_size=12))
def test_mutated_message_streams(msgs, actions):
    drive(ready(), b"".join(msgs), actions)


@SETTINGS
@given(st.lists(st.one_of(mutated(), st.just(ssl_request()), st.just(gssenc_request()),
                          st.binary(max_size=16).map(lambda b: startup({"user": b.hex()}))), max_size=6))
def test_mutated_startup_sequences(msgs):
    drive(P.ServerProtocol(), b"".join(msgs), ["auth"] * 6)


@SETTINGS
@given(st.lists(valid_message, min_size=1, max_size=15), st.data())
def test_segmentation_does_not_matter(msgs, data):
    """Valid messages give the same events however the bytes are chopped up."""
    blob = b"".join(msgs)
    whole = drive(ready(), blob)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(blob)), max_size=10)))
    p = ready()
    pieces = []
    prev = 0
    for c in cuts + [len(blob)]:
        pieces.append(blob[prev:c])
        prev = c
    got = []
    for piece in pieces:
        got += drive(p, piece)
    assert got == whole
    # every valid message gives exactly one event, except COPY messages outside COPY (ignored)
    n_copy = sum(1 for m in msgs if m[:1] in (b"d", b"c", b"f"))
    assert len(whole) == len(msgs) - n_copy


@SETTINGS
@given(st.sampled_from(b"QPBdFSHXCDEcf"), st.integers(0, 2**32 - 1))
def test_oversized_and_bogus_lengths(t, length):
    p = ready(max_message_size=4096)
    evs = drive(p, bytes([t]) + struct.pack("!I", length) + b"\0" * 64)
    limit = 4096 if t in b"QPBdF" else P.SMALL_MESSAGE_LIMIT
    if length < 4 or length > limit:
        assert [type(e) for e in evs] == [P.Violation]
        assert p.state == p.CLOSED


@SETTINGS
@given(st.lists(valid_message, max_size=8), st.binary(max_size=64))
def test_closed_after_terminate(msgs, tail):
    p = ready()
    evs = drive(p, b"".join(msgs) + TERMINATE + tail)
    assert isinstance(evs[-1], P.Terminate)
    assert p.state == p.CLOSED
    assert drive(p, b"".join(msgs)) == []


def test_huge_stream_of_small_messages_is_linear():
    """Buffer compaction keeps a long pipelined stream from going quadratic."""
    import time

    p = ready()
    blob = (parse("", "select 1") + bind("", "") + execute() + SYNC) * 20000
    t0 = time.perf_counter()
    evs = drive(p, blob)
    assert len(evs) == 80000
    assert time.perf_counter() - t0 < 5
    assert msg(b"S") == SYNC
