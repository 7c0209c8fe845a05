"""Frontend message builders and a tiny raw-socket client for protocol tests.

Nothing here depends on heliosd: the bytes are what libpq would send, so the
same helpers can talk to PostgreSQL 15 to compare behaviour.
"""
from __future__ import annotations

import socket
import struct
import time

V3 = 196608


def startup(params: dict | None = None, version: int = V3) -> bytes:
    body = struct.pack("!I", version)
    for k, v in (params or {"user": "u", "database": "d"}).items():
        body += k.encode() + b"\0" + v.encode() + b"\0"
    body += b"\0"
    return struct.pack("!I", len(body) + 4) + body


def ssl_request() -> bytes:
    return struct.pack("!II", 8, 80877103)


def gssenc_request() -> bytes:
    return struct.pack("!II", 8, 80877104)


def cancel_request(pid: int, key: int) -> bytes:
    return struct.pack("!IIii", 16, 80877102, pid, key)


def msg(t: bytes, payload: bytes = b"") -> bytes:
    return t + struct.pack("!I", len(payload) + 4) + payload


def z(s: str | bytes) -> bytes:
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def query(sql: str | bytes) -> bytes:
    return msg(b"Q", z(sql))


def parse(name: str, sql: str | bytes, oids=()) -> bytes:
    return msg(b"P", z(name) + z(sql) + struct.pack("!h", len(oids)) + b"".join(struct.pack("!I", o) for o in oids))


def bind(portal: str, stmt: str, params=(), formats=(), result_formats=()) -> bytes:
    p = z(portal) + z(stmt) + struct.pack("!h", len(formats)) + b"".join(struct.pack("!h", f) for f in formats)
    p += struct.pack("!h", len(params))
    for v in params:
        if v is None:
            p += struct.pack("!i", -1)
        else:
            v = v.encode() if isinstance(v, str) else v
            p += struct.pack("!i", len(v)) + v
    p += struct.pack("!h", len(result_formats)) + b"".join(struct.pack("!h", f) for f in result_formats)
    return msg(b"B", p)


def describe(kind: str, name: str = "") -> bytes:
    return msg(b"D", kind.encode() + z(name))


def execute(portal: str = "", max_rows: int = 0) -> bytes:
    return msg(b"E", z(portal) + struct.pack("!i", max_rows))


def close(kind: str, name: str = "") -> bytes:
    return msg(b"C", kind.encode() + z(name))


SYNC = msg(b"S")
FLUSH = msg(b"H")
TERMINATE = msg(b"X")
COPY_DONE = msg(b"c")


def copy_data(data: bytes) -> bytes:
    return msg(b"d", data)


def copy_fail(why: str) -> bytes:
    return msg(b"f", z(why))


# ------------------------------------------------------------------ backend side


def parse_backend(buf: bytes):
    """Split backend bytes into (type char, payload) pairs; returns (messages, rest)."""
    out = []
    pos = 0
    while len(buf) - pos >= 5:
        t = chr(buf[pos])
        (n,) = struct.unpack_from("!I", buf, pos + 1)
        if len(buf) - pos < n + 1:
            break
        out.append((t, bytes(buf[pos + 5:pos + 1 + n])))
        pos += 1 + n
    return out, buf[pos:]


def error_fields(payload: bytes) -> dict:
    f = {}
    for part in payload.split(b"\0"):
        if part:
            f[chr(part[0])] = part[1:].decode("utf-8", "replace")
    return f


def data_row(payload: bytes) -> list:
    (n,) = struct.unpack_from("!h", payload, 0)
    pos = 2
    vals = []
    for _ in range(n):
        (ln,) = struct.unpack_from("!i", payload, pos)
        pos += 4
        if ln < 0:
            vals.append(None)
        else:
            vals.append(payload[pos:pos + ln])
            pos += ln
    return vals


class RawConn:
    """A raw TCP client speaking the v3 protocol, for tests that need to send
    exactly the bytes they want (trust-authenticated users only)."""

    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buf = b""
        self.pid = self.key = None

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def recv_until(self, pred, timeout: float = 10.0) -> list:
        """Read messages until pred(message) is true for one of them; returns all read.
        Returns what it has if the server closes the connection."""
        out = []
        deadline = time.monotonic() + timeout
        while True:
            msgs, self.buf = parse_backend(self.buf)
            for m in msgs:
                out.append(m)
            if any(pred(m) for m in msgs):
                return out
            if time.monotonic() > deadline:
                raise TimeoutError(f"no matching message; got {out!r}")
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                out.append(("EOF", b""))
                return out
            self.buf += chunk

    def until_ready(self, timeout: float = 10.0) -> list:
        return self.recv_until(lambda m: m[0] in ("Z", "EOF"), timeout)

    def login(self, user: str, database: str = "postgres", password: str | None = None, **params) -> list:
        """Startup (+ SCRAM-SHA-256 when the server asks and a password is given)."""
        p = {"user": user, "database": database, **params}
        self.send(startup(p))
        msgs = self.recv_until(lambda m: m[0] in ("Z", "E", "EOF") or (m[0] == "R" and m[1][:4] != b"\0\0\0\0"))
        t, pl = msgs[-1]
        if t == "R":
            (code,) = struct.unpack_from("!I", pl)
            if code != 10 or password is None:
                raise RuntimeError(f"server wants authentication {code}")
            import scramp

            client = scramp.ScramClient(["SCRAM-SHA-256"], user, password)
            first = client.get_client_first().encode()
            self.send(msg(b"p", z("SCRAM-SHA-256") + struct.pack("!i", len(first)) + first))
            m = self.recv_until(lambda m: m[0] in ("R", "E", "EOF"))
            if m[-1][0] != "R":
                raise RuntimeError(error_fields(m[-1][1]) if m[-1][0] == "E" else "closed")
            client.set_server_first(m[-1][1][4:].decode())
            self.send(msg(b"p", client.get_client_final().encode()))
            msgs = self.until_ready()
        for t, pl in msgs:
            if t == "K":
                self.pid, self.key = struct.unpack("!ii", pl)
            if t == "E":
                raise RuntimeError(error_fields(pl))
        return msgs

    def closed(self, timeout: float = 5.0) -> bool:
        """True if the server closed the connection (reads until EOF)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return False
            except ConnectionResetError:
                return True
            if not chunk:
                return True
            self.buf += chunk
        return False

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass
