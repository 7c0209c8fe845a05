"""PostgreSQL v3 wire protocol, server side, sans-IO.

This module turns bytes from a client into events and events into bytes; it
never touches sockets or asyncio (like h11 or asyncpg's CoreProtocol).  The
server hands it whatever arrives (``receive_data``), pulls events one at a
time (``next_event``) and writes what the encoders return.  ``feed`` does
both at once for tests and simple callers.

Events are *pulled*, not pushed: the server asks for the next event only
when it has finished the previous one, so a state change the server makes
while handling an event (an error inside the extended protocol, the start of
COPY FROM STDIN, a TLS handshake) applies to the very next message, even if
the client pipelined it in the same TCP segment.

Connection states::

      +-----------+   SSLRequest / GSSENCRequest (each at most once, any order)
      |  STARTUP  |-----------------------------+
      +-----------+<---- ssl_answered() --------+-- NEGOTIATING (waits for the
        |      |                                     server's 'S'/'N'; data
        |      | CancelRequest -> CLOSED             buffered after an accepted
        |      v                                     SSLRequest -> Violation)
        | StartupMessage 3.x  (other majors -> Violation 0A000)
        v
      +-----------+   'p' (password, SASLInitialResponse, SASLResponse)
      |   AUTH    |   anything else -> Violation
      +-----------+
        | auth_done()
        v
      +-----------+  Q P B D E S H C F X     start_copy_in()   +-----------+
      |   READY   |------------------------------------------->|  COPY_IN  |
      +-----------+<-------------------------------------------+-----------+
        |     ^    copy_in_done()     d c f pass; H S are dropped; any other
        |     |                       message -> MessageError (08P01), state READY
        | error_in_extended() / malformed P B D E C H message
        v     | Sync
      +-----------+
      | SKIPPING  |  every message but Sync and Terminate is discarded
      +-----------+
                       any state --Terminate / Violation--> CLOSED

Invariants
==========

1. Startup-phase packets are untyped (int32 length incl. itself, payload);
   later messages are typed (byte, int32 length, payload).  A length below
   4, or above the limit for that message type (``max_message_size`` for
   Query/Parse/Bind/CopyData/FunctionCall, 10000 bytes for the small control
   messages and startup packets, 65535 during authentication), is a
   ``Violation`` (FATAL 08P01): the connection gets an ErrorResponse and is
   closed.  The limit is checked on the header, before the body is buffered.
2. A message that is framed correctly but whose contents are malformed
   (truncated fields, a string without its terminator, invalid UTF-8, an
   unknown Describe/Close subtype) is a ``MessageError`` (ERROR, SQLSTATE
   08P01 or 22021), as in PostgreSQL: the session goes on.  If the message
   belongs to the extended protocol the state becomes SKIPPING.
3. After the server reports an error while processing an extended-protocol
   message (Parse/Bind/Describe/Execute/Close/Flush) it calls
   ``error_in_extended``; the state is SKIPPING until the next Sync, as in
   PostgreSQL.  The simple Query message never enters SKIPPING.
4. CopyData/CopyDone/CopyFail outside COPY_IN are dropped (PostgreSQL
   accepts and ignores them: they are the tail of a COPY that failed).
5. ``next_event`` returns complete events only; partial messages wait in
   the buffer.  Nothing is lost or reordered; no exception escapes
   ``receive_data``/``next_event``/``feed`` whatever the bytes are.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .. import errcodes
from ..errors import PgError

PROTOCOL_V3 = 196608  # 3.0
PROTOCOL_LATEST = PROTOCOL_V3
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
DEFAULT_MAX_MESSAGE = (1 << 30) - 1  # PostgreSQL's PQ_LARGE_MESSAGE_LIMIT
SMALL_MESSAGE_LIMIT = 10000  # PQ_SMALL_MESSAGE_LIMIT, MAX_STARTUP_PACKET_LENGTH
AUTH_MESSAGE_LIMIT = 65535  # PG_MAX_AUTH_TOKEN_LENGTH
LARGE_TYPES = frozenset(b"QPBdF")

_I = struct.Struct("!I")
_i = struct.Struct("!i")
_h = struct.Struct("!h")
_H = struct.Struct("!H")
_ii = struct.Struct("!ii")


class ProtocolViolation(PgError):
    code = errcodes.PROTOCOL_VIOLATION
    severity = "FATAL"


class _Malformed(PgError):
    """Bad contents inside a well-framed message (an ERROR, not FATAL)."""

    code = errcodes.PROTOCOL_VIOLATION


class _NeedData:
    def __repr__(self):
        return "NEED_DATA"


NEED_DATA = _NeedData()


# ----------------------------------------------------------------- events


@dataclass
class SSLRequest:
    pass


@dataclass
class GSSENCRequest:
    pass


@dataclass
class CancelRequest:
    pid: int
    key: int


@dataclass
class Startup:
    version: int
    params: dict
    protocol_options: list = field(default_factory=list)  # unrecognized _pq_.* names

    @property
    def needs_negotiation(self) -> bool:
        return (self.version & 0xFFFF) > (PROTOCOL_LATEST & 0xFFFF) or bool(self.protocol_options)


@dataclass
class PasswordMessage:
    data: bytes


@dataclass
class Query:
    sql: str


@dataclass
class Parse:
    name: str
    sql: str
    param_oids: list


@dataclass
class Bind:
    portal: str
    statement: str
    param_formats: list
    params: list  # bytes or None
    result_formats: list


@dataclass
class Describe:
    kind: str  # 'S' or 'P'
    name: str


@dataclass
class Execute:
    portal: str
    max_rows: int


@dataclass
class Close:
    kind: str
    name: str


@dataclass
class Sync:
    pass


@dataclass
class Flush:
    pass


@dataclass
class Terminate:
    pass


@dataclass
class CopyData:
    data: bytes


@dataclass
class CopyDone:
    pass


@dataclass
class CopyFail:
    message: str


@dataclass
class FunctionCall:
    """FunctionCall ('F'): call the function with OID ``oid`` (the fast-path interface)."""

    oid: int = 0
    arg_formats: list = field(default_factory=list)
    args: list = field(default_factory=list)  # bytes or None (NULL)
    result_format: int = 0


@dataclass
class MessageError:
    """A well-framed message with bad contents: the server answers ``error``
    (severity ERROR) and goes on.  ``msg_type`` is the message's type byte as
    a one-character string; ``extended`` tells whether the state machine went
    to SKIPPING because of it (the server must not send ReadyForQuery then)."""

    error: PgError
    msg_type: str = "?"
    extended: bool = False


@dataclass
class Violation:
    """The client broke the protocol; the server sends ``error`` and closes."""

    error: PgError = field(default=None)


EXTENDED = (Parse, Bind, Describe, Execute, Close, Flush)
_EXTENDED_TYPES = frozenset("PBDECH")


def _utf8(raw: bytes) -> str:
    """Decode client text as PostgreSQL's pg_verify_mbstr would accept it."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise invalid_utf8(raw, e.start) from None


def invalid_utf8(raw: bytes, pos: int) -> PgError:
    """22021 with PostgreSQL's message: the bytes of the offending character."""
    b = raw[pos]
    n = 2 if b & 0xE0 == 0xC0 else 3 if b & 0xF0 == 0xE0 else 4 if b & 0xF8 == 0xF0 else 1
    shown = " ".join(f"0x{x:02x}" for x in raw[pos:pos + n])
    return PgError(f'invalid byte sequence for encoding "UTF8": {shown}', errcodes.CHARACTER_NOT_IN_REPERTOIRE)


class _Reader:
    """pq_getmsg*: reads fields of one message; raises _Malformed like PostgreSQL."""

    __slots__ = ("p", "pos", "codec")

    def __init__(self, payload: bytes, codec=None):
        self.p = payload
        self.pos = 0
        self.codec = codec  # heliosd.wire.encodings.Codec of client_encoding, None for UTF-8

    def _need(self, n: int) -> None:
        if n < 0 or self.pos + n > len(self.p):
            raise _Malformed("insufficient data left in message")

    def byte(self) -> int:
        self._need(1)
        b = self.p[self.pos]
        self.pos += 1
        return b

    def int16(self) -> int:
        self._need(2)
        v = _h.unpack_from(self.p, self.pos)[0]
        self.pos += 2
        return v

    def int32(self) -> int:
        self._need(4)
        v = _i.unpack_from(self.p, self.pos)[0]
        self.pos += 4
        return v

    def uint32(self) -> int:
        self._need(4)
        v = _I.unpack_from(self.p, self.pos)[0]
        self.pos += 4
        return v

    def bytes(self, n: int) -> bytes:
        self._need(n)
        v = self.p[self.pos:self.pos + n]
        self.pos += n
        return v

    def cstr(self) -> str:
        end = self.p.find(b"\x00", self.pos)
        if end < 0:
            raise _Malformed("invalid string in message")
        raw = self.p[self.pos:end]
        self.pos = end + 1
        if self.codec is not None:
            return self.codec.decode(raw)
        return _utf8(raw)

    def end(self) -> None:
        if self.pos != len(self.p):
            raise _Malformed("invalid message format")


class ServerProtocol:
    """The sans-IO state machine for one server-side connection."""

    STARTUP, NEGOTIATING, AUTH, READY, SKIPPING, COPY_IN, CLOSED = (
        "startup", "negotiating", "auth", "ready", "skipping", "copy_in", "closed")

    def __init__(self, max_message_size: int = DEFAULT_MAX_MESSAGE):
        self.state = self.STARTUP
        self.buf = bytearray()
        self.pos = 0  # parse position in buf (consumed bytes are trimmed lazily)
        self.max_message_size = max_message_size
        self.ssl_done = False
        self.gss_done = False
        self._negotiating = None  # 'ssl' | 'gss' while waiting for ssl_answered/gss_answered
        self.codec = None  # client_encoding's codec for text fields (the server sets it; None = UTF-8)

    # ------------------------------------------------------------ server-driven transitions
    def auth_done(self) -> None:
        if self.state == self.AUTH:
            self.state = self.READY

    def error_in_extended(self) -> None:
        if self.state in (self.READY, self.COPY_IN):
            self.state = self.SKIPPING

    def start_copy_in(self) -> None:
        if self.state == self.READY:
            self.state = self.COPY_IN

    def copy_in_done(self) -> None:
        if self.state == self.COPY_IN:
            self.state = self.READY

    def close(self) -> None:
        self.state = self.CLOSED
        self.buf = bytearray()
        self.pos = 0

    def ssl_answered(self, accepted: bool):
        """The server answered an SSLRequest ('S' when ``accepted``).  Returns a
        Violation if the client already sent more bytes in the clear after an
        accepted request (they cannot be trusted: CVE-2021-23214), else None."""
        return self._answered(accepted, "SSL")

    def gss_answered(self, accepted: bool):
        return self._answered(accepted, "GSSAPI")

    def _answered(self, accepted: bool, what: str):
        if self.state != self.NEGOTIATING:
            return None
        self.state = self.STARTUP
        self._negotiating = None
        if accepted and self.pos < len(self.buf):
            self.close()
            return Violation(ProtocolViolation(
                f"received unencrypted data after {what} request",
                detail="This could be either a client-software bug or evidence of an attempted "
                       "man-in-the-middle attack."))
        return None

    @property
    def buffered(self) -> int:
        return len(self.buf) - self.pos

    @property
    def has_complete_message(self) -> bool:
        """Whether a whole message is waiting (flow control: a server may stop
        reading while complete messages wait, never while one is half-read)."""
        avail = len(self.buf) - self.pos
        if self.state == self.STARTUP:
            return avail >= 4 and avail >= _I.unpack_from(self.buf, self.pos)[0]
        return avail >= 5 and avail >= 1 + _I.unpack_from(self.buf, self.pos + 1)[0]

    # ------------------------------------------------------------ input
    def receive_data(self, data: bytes) -> None:
        if self.state == self.CLOSED or not data:
            return
        if self.pos and self.pos == len(self.buf):
            self.buf.clear()
            self.pos = 0
        self.buf += data

    def feed(self, data: bytes) -> list:
        """receive_data + every event now complete (stops at NEGOTIATING:
        the server must answer SSL/GSS requests before more is parsed)."""
        self.receive_data(data)
        out = []
        while True:
            ev = self.next_event()
            if ev is NEED_DATA:
                return out
            out.append(ev)

    def next_event(self):
        """The next complete event, or NEED_DATA.  Never raises."""
        while True:
            try:
                ev = self._next()
            except ProtocolViolation as e:
                self.close()
                return Violation(e)
            except Exception as e:  # defensive: the state machine must not raise
                self.close()
                return Violation(ProtocolViolation(f"invalid message format: {type(e).__name__}"))
            if ev is not None:
                return ev

    def _compact(self) -> None:
        if self.pos > 65536 and self.pos * 2 > len(self.buf):
            del self.buf[:self.pos]
            self.pos = 0

    def _next(self):
        st = self.state
        if st in (self.CLOSED, self.NEGOTIATING):
            return NEED_DATA
        buf = self.buf
        pos = self.pos
        avail = len(buf) - pos
        if st == self.STARTUP:
            if avail < 4:
                return NEED_DATA
            length = _I.unpack_from(buf, pos)[0]
            if length < 8 or length > SMALL_MESSAGE_LIMIT:
                raise ProtocolViolation("invalid length of startup packet")
            if avail < length:
                return NEED_DATA
            payload = bytes(buf[pos + 4:pos + length])
            self.pos = pos + length
            self._compact()
            return self._startup(payload)
        if avail < 5:
            return NEED_DATA
        t = buf[pos]
        length = _I.unpack_from(buf, pos + 1)[0]
        if st == self.AUTH:
            limit = AUTH_MESSAGE_LIMIT
        elif t in LARGE_TYPES:
            limit = self.max_message_size
        else:
            limit = SMALL_MESSAGE_LIMIT
        if length < 4 or length > limit:
            raise ProtocolViolation(
                "invalid message length",
                detail=f"Message type {_show_type(t)} claims {length} bytes; the limit is {limit}."
                if length >= 4 else None)
        if avail < length + 1:
            return NEED_DATA
        payload = bytes(buf[pos + 5:pos + 1 + length])
        self.pos = pos + 1 + length
        self._compact()
        c = chr(t)
        if st == self.AUTH:
            if c == "p":
                return PasswordMessage(payload)
            if c == "X":
                self.close()
                return Terminate()
            raise ProtocolViolation(f"expected password response, got message type {t}")
        if st == self.SKIPPING:
            if c == "S":
                self.state = self.READY
                return Sync()
            if c == "X":
                self.close()
                return Terminate()
            if c not in _KNOWN:
                raise ProtocolViolation(f"invalid frontend message type {t}")
            return None  # discarded
        if st == self.COPY_IN:
            if c == "d":
                return CopyData(payload)
            if c == "c":
                return CopyDone()
            if c == "f":
                try:
                    return CopyFail(_Reader(payload, self.codec).cstr())
                except PgError:
                    return CopyFail(payload.split(b"\x00", 1)[0].decode("utf-8", "replace"))
            if c in "HS":
                return None  # PostgreSQL ignores Flush/Sync during COPY FROM STDIN
            if c == "X":
                self.close()
                return Terminate()
            if c not in _KNOWN:
                raise ProtocolViolation(f"invalid frontend message type {t}")
            self.state = self.READY
            return MessageError(PgError(f"unexpected message type 0x{t:02X} during COPY from stdin",
                                        errcodes.PROTOCOL_VIOLATION), c)
        # READY
        if c in "dcf":
            return None  # leftovers of a failed COPY: accepted and ignored
        fn = _PARSERS.get(c)
        if fn is None:
            raise ProtocolViolation(f"invalid frontend message type {t}")
        try:
            ev = fn(_Reader(payload, self.codec))
        except ProtocolViolation:
            raise
        except PgError as e:
            ext = c in _EXTENDED_TYPES
            if ext:
                self.state = self.SKIPPING
            return MessageError(e, c, ext)
        if c == "X":
            self.close()
        return ev

    def _startup(self, payload: bytes):
        code = _I.unpack_from(payload, 0)[0]
        if code == SSL_REQUEST and not self.ssl_done:
            self.ssl_done = True
            self.state = self.NEGOTIATING
            return SSLRequest()
        if code == GSSENC_REQUEST and not self.gss_done:
            self.gss_done = True
            self.state = self.NEGOTIATING
            return GSSENCRequest()
        if code == CANCEL_REQUEST:
            if len(payload) != 12:
                raise ProtocolViolation("invalid length of cancel request packet")
            pid, key = _ii.unpack_from(payload, 4)
            self.close()
            return CancelRequest(pid, key)
        major, minor = code >> 16, code & 0xFFFF
        if major != 3:
            e = ProtocolViolation(
                f"unsupported frontend protocol {major}.{minor}: server supports 3.0 to 3.0",
                errcodes.FEATURE_NOT_SUPPORTED)
            e.legacy_v2 = major < 3  # answer in the old format the client can read
            raise e
        params = {}
        options = []
        n = len(payload)
        off = 4
        while off < n:
            if payload[off] == 0:
                break
            kend = payload.find(b"\x00", off)
            if kend < 0 or kend + 1 >= n:
                break
            vend = payload.find(b"\x00", kend + 1)
            if vend < 0:
                off = n
                break
            k = payload[off:kend].decode("utf-8", "replace")
            v = payload[kend + 1:vend].decode("utf-8", "replace")
            off = vend + 1
            if k.startswith("_pq_."):
                options.append(k)
            else:
                params[k] = v
        if off != n - 1:
            raise ProtocolViolation("invalid startup packet layout: expected terminator as last byte")
        self.state = self.AUTH
        return Startup(code, params, options)


def _show_type(t: int) -> str:
    return repr(chr(t)) if 32 <= t < 127 else str(t)


# ------------------------------------------------------------ message parsers


def _p_query(r: _Reader):
    sql = r.cstr()
    r.end()
    return Query(sql)


def _p_parse(r: _Reader):
    name = r.cstr()
    sql = r.cstr()
    n = r.int16()
    if n < 0:
        raise _Malformed("invalid message format")
    oids = [r.uint32() for _ in range(n)]
    r.end()
    return Parse(name, sql, oids)


def _p_bind(r: _Reader):
    portal = r.cstr()
    stmt = r.cstr()
    nf = r.int16()
    if nf < 0:
        raise _Malformed("invalid message format")
    fmts = [r.int16() for _ in range(nf)]
    np_ = r.int16()
    if np_ < 0:
        raise _Malformed("invalid message format")
    params = []
    for _ in range(np_):
        ln = r.int32()
        if ln == -1:
            params.append(None)
        elif ln < 0:
            raise _Malformed("invalid message format")  # pq_getmsgbytes would run off the end
        else:
            params.append(r.bytes(ln))
    nr = r.int16()
    if nr < 0:
        raise _Malformed("invalid message format")
    rfmts = [r.int16() for _ in range(nr)]
    r.end()
    return Bind(portal, stmt, fmts, params, rfmts)


def _p_describe(r: _Reader):
    kind = r.byte()
    name = r.cstr()
    r.end()
    if kind not in (0x53, 0x50):
        raise _Malformed(f"invalid DESCRIBE message subtype {kind}")
    return Describe(chr(kind), name)


def _p_execute(r: _Reader):
    portal = r.cstr()
    mx = r.int32()
    r.end()
    return Execute(portal, mx)


def _p_close(r: _Reader):
    kind = r.byte()
    name = r.cstr()
    r.end()
    if kind not in (0x53, 0x50):
        raise _Malformed(f"invalid CLOSE message subtype {kind}")
    return Close(chr(kind), name)


def _p_function(r: _Reader):
    oid = r.uint32()
    nf = r.int16()
    if nf < 0:
        raise _Malformed("invalid message format")
    fmts = [r.int16() for _ in range(nf)]
    na = r.int16()
    if na < 0:
        raise _Malformed("invalid message format")
    args = []
    for _ in range(na):
        ln = r.int32()
        if ln == -1:
            args.append(None)
        elif ln < 0:
            raise _Malformed(f"invalid argument size {ln} in function call message")
        else:
            args.append(r.bytes(ln))
    rf = r.int16()
    r.end()
    return FunctionCall(oid, fmts, args, rf)


def _p_password(r: _Reader):
    raise ProtocolViolation("unexpected password message")


_PARSERS = {
    "Q": _p_query, "P": _p_parse, "B": _p_bind, "D": _p_describe, "E": _p_execute, "C": _p_close,
    "S": lambda r: Sync(), "H": lambda r: Flush(), "X": lambda r: Terminate(), "F": _p_function,
    "p": _p_password,
}
_KNOWN = frozenset(_PARSERS) | frozenset("dcf")


# ----------------------------------------------------------------- encoders


def _msg(t: bytes, payload: bytes) -> bytes:
    return t + _I.pack(len(payload) + 4) + payload


def _z(s: str) -> bytes:
    return s.encode("utf-8") + b"\x00"


AUTH_OK = _msg(b"R", _I.pack(0))
PARSE_COMPLETE = _msg(b"1", b"")
BIND_COMPLETE = _msg(b"2", b"")
CLOSE_COMPLETE = _msg(b"3", b"")
NO_DATA = _msg(b"n", b"")
PORTAL_SUSPENDED = _msg(b"s", b"")
EMPTY_QUERY = _msg(b"I", b"")
COPY_DONE = _msg(b"c", b"")
READY = {"I": _msg(b"Z", b"I"), "T": _msg(b"Z", b"T"), "E": _msg(b"Z", b"E")}


def auth_cleartext() -> bytes:
    return _msg(b"R", _I.pack(3))


def auth_sasl(mechanisms: list[str]) -> bytes:
    return _msg(b"R", _I.pack(10) + b"".join(_z(m) for m in mechanisms) + b"\x00")


def auth_sasl_continue(data: bytes) -> bytes:
    return _msg(b"R", _I.pack(11) + data)


def auth_sasl_final(data: bytes) -> bytes:
    return _msg(b"R", _I.pack(12) + data)


def parameter_status(name: str, value: str) -> bytes:
    return _msg(b"S", _z(name) + _z(value))


def backend_key_data(pid: int, key: int) -> bytes:
    return _msg(b"K", _ii.pack(pid, key))


def ready_for_query(status: str) -> bytes:
    return READY[status]


def command_complete(tag: str) -> bytes:
    return _msg(b"C", _z(tag))


def row_description(fields) -> bytes:
    """fields: iterable of (name, table_oid, attnum, type_oid, typlen, typmod, format)."""
    parts = [_H.pack(len(fields))]
    for name, toid, attnum, typoid, typlen, typmod, fmt in fields:
        parts.append(_z(name) + struct.pack("!IhIhih", toid, attnum, typoid, typlen, typmod, fmt))
    return _msg(b"T", b"".join(parts))


def parameter_description(oids) -> bytes:
    return _msg(b"t", _H.pack(len(oids)) + b"".join(_I.pack(o) for o in oids))


def data_row(values) -> bytes:
    """values: encoded bytes per column, or None for NULL."""
    parts = [_H.pack(len(values))]
    for v in values:
        if v is None:
            parts.append(b"\xff\xff\xff\xff")
        else:
            parts.append(_I.pack(len(v)))
            parts.append(v)
    payload = b"".join(parts)
    return b"D" + _I.pack(len(payload) + 4) + payload


def _fields_msg(t: bytes, fields: dict) -> bytes:
    body = b"".join(k.encode() + _z(str(v)) for k, v in fields.items()) + b"\x00"
    return _msg(t, body)


def error_response(fields: dict) -> bytes:
    return _fields_msg(b"E", fields)


def error_response_v2(message: str) -> bytes:
    """A protocol-2.0 ErrorResponse ('E', text, NUL; no length word): what
    PostgreSQL sends a client that asked for protocol 1.x/2.x."""
    return b"E" + f"FATAL:  {message}\n".encode("utf-8") + b"\x00"


def notice_response(fields: dict) -> bytes:
    return _fields_msg(b"N", fields)


def copy_in_response(ncols: int, binary: bool = False) -> bytes:
    fmt = 1 if binary else 0
    return _msg(b"G", bytes((fmt,)) + _h.pack(ncols) + b"".join(_h.pack(fmt) for _ in range(ncols)))


def copy_out_response(ncols: int, binary: bool = False) -> bytes:
    fmt = 1 if binary else 0
    return _msg(b"H", bytes((fmt,)) + _h.pack(ncols) + b"".join(_h.pack(fmt) for _ in range(ncols)))


def negotiate_protocol_version(options) -> bytes:
    """NegotiateProtocolVersion: the newest version we support (PostgreSQL 15
    sends the full 3.0 code here) and the _pq_ options we did not recognize."""
    return _msg(b"v", _I.pack(PROTOCOL_LATEST) + _I.pack(len(options)) + b"".join(_z(o) for o in options))


def function_call_response(value: bytes | None) -> bytes:
    """FunctionCallResponse ('V'): the result (None = NULL)."""
    if value is None:
        return _msg(b"V", _i.pack(-1))
    return _msg(b"V", _i.pack(len(value)) + value)


def copy_data(data: bytes) -> bytes:
    return _msg(b"d", data)


def notification(pid: int, channel: str, payload: str) -> bytes:
    return _msg(b"A", _I.pack(pid) + _z(channel) + _z(payload))
