"""PostgreSQL v3 wire protocol, server side, sans-IO.

This module turns bytes from a client into events and events into bytes; it
never touches sockets or asyncio (like h11 or asyncpg's CoreProtocol).  The
server feeds it whatever arrives (``feed``) and writes what the encoders
return.

Connection states::

        +----------+  SSLRequest/GSSENCRequest (answered 'S'/'N' by the server,
        | STARTUP  |<-+  then the client sends the next startup packet)
        +----------+  |
          | StartupMessage (v3.0)        CancelRequest -> CLOSED
          v
        +----------+  'p' messages (password, SASLInitialResponse, SASLResponse)
        |   AUTH   |
        +----------+
          | authenticated (server calls ``auth_done``)
          v
        +----------+  Q P B D E S H C F d c f X ...
        |  READY   |--------------------------------+
        +----------+                                |
          | error inside extended protocol          |
          v                                         |
        +----------+  every message but Sync and    |
        | SKIPPING |  Terminate is discarded        |
        +----------+                                |
          | Sync -> READY                           |
          v                                         v
        CLOSED  (Terminate, protocol violation, or oversized message)

Invariants
==========

1. Startup-phase packets are untyped (int32 length incl. itself, payload);
   later messages are typed (byte, int32 length, payload).  A length below
   4, or above ``max_message_size``, is a protocol violation: the connection
   gets an ErrorResponse (08P01 or 54000) and is closed; other connections are
   untouched.
2. After the server reports an error while processing an extended-protocol
   message (Parse/Bind/Describe/Execute/Close/Flush), the state is SKIPPING
   until the next Sync, as PostgreSQL does (``error_in_extended``).  The
   simple Query message never enters SKIPPING.
3. ``feed`` returns complete events only; partial messages wait in the
   buffer.  Nothing is lost or reordered.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

from .. import errcodes
from ..errors import PgError

PROTOCOL_V3 = 196608  # 3.0
SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
DEFAULT_MAX_MESSAGE = 1 << 30

_I = struct.Struct("!I")
_i = struct.Struct("!i")
_h = struct.Struct("!h")
_H = struct.Struct("!H")
_ii = struct.Struct("!ii")


class ProtocolViolation(PgError):
    code = errcodes.PROTOCOL_VIOLATION
    severity = "FATAL"


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
    pass


@dataclass
class Violation:
    """The client broke the protocol; the server sends ``error`` and closes."""

    error: PgError = field(default=None)


EXTENDED = (Parse, Bind, Describe, Execute, Close, Flush)


def _cstr(buf: bytes, pos: int) -> tuple[str, int]:
    end = buf.index(b"\x00", pos)
    return buf[pos:end].decode("utf-8"), end + 1


class ServerProtocol:
    """The sans-IO state machine for one server-side connection."""

    STARTUP, AUTH, READY, SKIPPING, CLOSED = "startup", "auth", "ready", "skipping", "closed"

    def __init__(self, max_message_size: int = DEFAULT_MAX_MESSAGE):
        self.state = self.STARTUP
        self.buf = bytearray()
        self.max_message_size = max_message_size

    # state transitions driven by the server
    def auth_done(self) -> None:
        self.state = self.READY

    def error_in_extended(self) -> None:
        if self.state == self.READY:
            self.state = self.SKIPPING

    def close(self) -> None:
        self.state = self.CLOSED

    def feed(self, data: bytes) -> list:
        """Add received bytes; return the complete events they finish."""
        if self.state == self.CLOSED:
            return []
        self.buf += data
        out = []
        buf = self.buf
        pos = 0
        n = len(buf)
        try:
            while self.state != self.CLOSED:
                if self.state == self.STARTUP:
                    if n - pos < 4:
                        break
                    length = _I.unpack_from(buf, pos)[0]
                    if length < 8 or length > 10000:
                        raise ProtocolViolation("invalid length of startup packet")
                    if n - pos < length:
                        break
                    payload = bytes(buf[pos + 4:pos + length])
                    pos += length
                    ev = self._startup(payload)
                    out.append(ev)
                    if isinstance(ev, Startup):
                        self.state = self.AUTH
                    elif isinstance(ev, CancelRequest):
                        self.state = self.CLOSED
                    continue
                if n - pos < 5:
                    break
                t = buf[pos]
                length = _I.unpack_from(buf, pos + 1)[0]
                if length < 4:
                    raise ProtocolViolation(f"invalid message length {length}")
                if length > self.max_message_size:
                    e = PgError(f"message of {length} bytes exceeds the maximum of {self.max_message_size}",
                                errcodes.PROGRAM_LIMIT_EXCEEDED, severity="FATAL")
                    raise _as_violation(e)
                if n - pos < length + 1:
                    break
                payload = bytes(buf[pos + 5:pos + 1 + length])
                pos += 1 + length
                ev = self._message(t, payload)
                if ev is None:
                    continue
                if self.state == self.SKIPPING:
                    if isinstance(ev, Sync):
                        self.state = self.READY
                    elif not isinstance(ev, Terminate):
                        continue
                if isinstance(ev, Terminate):
                    self.state = self.CLOSED
                out.append(ev)
        except ProtocolViolation as e:
            self.state = self.CLOSED
            out.append(Violation(e))
        except (UnicodeDecodeError, ValueError, IndexError, struct.error) as e:
            self.state = self.CLOSED
            out.append(Violation(ProtocolViolation(f"invalid message format: {e}")))
        del buf[:pos]
        return out

    def _startup(self, payload: bytes):
        code = _I.unpack_from(payload, 0)[0]
        if code == SSL_REQUEST:
            return SSLRequest()
        if code == GSSENC_REQUEST:
            return GSSENCRequest()
        if code == CANCEL_REQUEST:
            pid, key = _ii.unpack_from(payload, 4)
            return CancelRequest(pid, key)
        major = code >> 16
        if major != 3:
            raise ProtocolViolation(
                f"unsupported frontend protocol {major}.{code & 0xFFFF}: server supports 3.0 to 3.0",
                errcodes.FEATURE_NOT_SUPPORTED)
        params = {}
        pos = 4
        while pos < len(payload) and payload[pos] != 0:
            k, pos = _cstr(payload, pos)
            v, pos = _cstr(payload, pos)
            params[k] = v
        return Startup(code, params)

    def _message(self, t: int, p: bytes):
        c = chr(t)
        if self.state == self.AUTH:
            if c == "p":
                return PasswordMessage(p)
            if c == "X":
                return Terminate()
            raise ProtocolViolation(f"expected password response, got message type {c!r}")
        if c == "Q":
            sql, _ = _cstr(p, 0)
            return Query(sql)
        if c == "P":
            name, pos = _cstr(p, 0)
            sql, pos = _cstr(p, pos)
            (nparams,) = _h.unpack_from(p, pos)
            pos += 2
            oids = list(struct.unpack_from(f"!{nparams}I", p, pos)) if nparams > 0 else []
            return Parse(name, sql, oids)
        if c == "B":
            portal, pos = _cstr(p, 0)
            stmt, pos = _cstr(p, pos)
            (nf,) = _h.unpack_from(p, pos)
            pos += 2
            fmts = list(struct.unpack_from(f"!{nf}h", p, pos)) if nf > 0 else []
            pos += 2 * max(nf, 0)
            (np_,) = _h.unpack_from(p, pos)
            pos += 2
            params = []
            for _ in range(np_):
                (ln,) = _i.unpack_from(p, pos)
                pos += 4
                if ln == -1:
                    params.append(None)
                else:
                    if ln < 0 or pos + ln > len(p):
                        raise ProtocolViolation("invalid parameter length in Bind message")
                    params.append(p[pos:pos + ln])
                    pos += ln
            (nr,) = _h.unpack_from(p, pos)
            pos += 2
            rfmts = list(struct.unpack_from(f"!{nr}h", p, pos)) if nr > 0 else []
            return Bind(portal, stmt, fmts, params, rfmts)
        if c == "D":
            kind = chr(p[0])
            name, _ = _cstr(p, 1)
            if kind not in "SP":
                raise ProtocolViolation(f"invalid DESCRIBE message subtype {kind!r}")
            return Describe(kind, name)
        if c == "E":
            portal, pos = _cstr(p, 0)
            (mx,) = _i.unpack_from(p, pos)
            return Execute(portal, mx)
        if c == "C":
            kind = chr(p[0])
            name, _ = _cstr(p, 1)
            if kind not in "SP":
                raise ProtocolViolation(f"invalid CLOSE message subtype {kind!r}")
            return Close(kind, name)
        if c == "S":
            return Sync()
        if c == "H":
            return Flush()
        if c == "X":
            return Terminate()
        if c == "d":
            return CopyData(p)
        if c == "c":
            return CopyDone()
        if c == "f":
            msg, _ = _cstr(p, 0)
            return CopyFail(msg)
        if c == "F":
            return FunctionCall()
        if c == "p":
            # a stray password message after authentication
            raise ProtocolViolation("unexpected password message")
        raise ProtocolViolation(f"invalid frontend message type {t}")


def _as_violation(e: PgError) -> ProtocolViolation:
    v = ProtocolViolation(e.message, e.code)
    return v


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
    parts = [_h.pack(len(fields))]
    for name, toid, attnum, typoid, typlen, typmod, fmt in fields:
        parts.append(_z(name) + struct.pack("!IhIhih", toid, attnum, typoid, typlen, typmod, fmt))
    return _msg(b"T", b"".join(parts))


def parameter_description(oids) -> bytes:
    return _msg(b"t", _h.pack(len(oids)) + b"".join(_I.pack(o) for o in oids))


def data_row(values) -> bytes:
    """values: encoded bytes per column, or None for NULL."""
    parts = [_h.pack(len(values))]
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


def notice_response(fields: dict) -> bytes:
    return _fields_msg(b"N", fields)


def copy_in_response(ncols: int, binary: bool = False) -> bytes:
    fmt = 1 if binary else 0
    return _msg(b"G", bytes((fmt,)) + _h.pack(ncols) + b"".join(_h.pack(fmt) for _ in range(ncols)))


def copy_out_response(ncols: int, binary: bool = False) -> bytes:
    fmt = 1 if binary else 0
    return _msg(b"H", bytes((fmt,)) + _h.pack(ncols) + b"".join(_h.pack(fmt) for _ in range(ncols)))


def copy_data(data: bytes) -> bytes:
    return _msg(b"d", data)


def notification(pid: int, channel: str, payload: str) -> bytes:
    return _msg(b"A", _I.pack(pid) + _z(channel) + _z(payload))
