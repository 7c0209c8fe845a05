"""The network server: asyncio (uvloop) transport, TLS, startup and
authentication, cancel keys, dispatch of protocol events to sessions.

One :class:`Connection` per client socket.  Bytes go to the sans-IO
:class:`heliosd.wire.protocol.ServerProtocol`; a processing coroutine pulls
events one at a time and awaits the session for each.  It is run eagerly
from ``data_received`` and becomes a Task only if it has to wait (a lock, a
commit, a slow client, COPY data), so a statement that never waits costs no
Task.  Output accumulates in ``session.out`` and is written at
ReadyForQuery, on Flush, on errors of the extended protocol, and whenever a
large result streams (with backpressure: the coroutine awaits ``drain`` when
the transport's buffer is above its high-water mark).

Invariants
==========

1. At most one processing coroutine per connection; events are handled in
   arrival order, each to completion before the next is pulled.
2. Reading is paused only while complete messages wait unprocessed (more
   than HIGH_WATER bytes), never in the middle of a message.
3. One connection's failure (protocol violation, internal error) closes
   that connection only; an exception never reaches the event loop.
4. A FATAL error is written before the transport is closed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
import time

from .. import errcodes
from ..config import PG_VERSION, VERSION, ServerConfig
from ..engine import cluster as CL
from ..errors import FatalError, PgError
from ..session.cluster import Cluster
from ..session.session import Portal, Session
from ..storage.pipeline import CommitPipeline
from ..wire.encodings import transcode_out
from ..wire import protocol as P
from .auth import ScramServer

log = logging.getLogger("heliosd.server")


HIGH_WATER = 4 << 20  # pause reading when this much unparsed input is buffered
LOW_WATER = 1 << 20


class _Done:
    """Stands for a finished task when a coroutine completed without suspending."""

    __slots__ = ()

    def done(self):
        return True

    def add_done_callback(self, cb):
        cb(self)


_DONE = _Done()


class _Continue:
    """Drives the rest of a coroutine that was started eagerly and then suspended
    on ``pending`` (a future, or None for a bare yield): wrapped in a Task it
    resumes the coroutine exactly as a Task would have."""

    __slots__ = ("coro", "pending")

    def __init__(self, coro, pending):
        self.coro = coro
        self.pending = pending

    def __await__(self):
        coro = self.coro
        pending = self.pending
        self.pending = None
        while True:
            try:
                yield pending
            except BaseException as e:  # cancellation, thrown in by the Task
                try:
                    pending = coro.throw(e)
                except StopIteration as stop:
                    return stop.value
                continue
            try:
                pending = coro.send(None)
            except StopIteration as stop:
                return stop.value


async def _await(aw):
    return await aw


def _run_eagerly(coro):
    """Run a coroutine synchronously up to its first suspension (most protocol
    messages never suspend: SELECT 1 answers without awaiting anything), and
    only then hand it to a Task.  Saves a Task and a loop iteration per message,
    like Python 3.12's eager tasks."""
    try:
        pending = coro.send(None)
    except StopIteration:
        return _DONE
    return asyncio.get_event_loop().create_task(_await(_Continue(coro, pending)))


class Connection(asyncio.Protocol):
    def __init__(self, server: "Server"):
        self.server = server
        self.cluster = server.cluster
        self.proto = P.ServerProtocol(server.config.max_message_size)
        self.transport = None
        self.session: Session | None = None
        self.task = None
        self.peer = None
        self.peer_port = None
        self.startup_params = None
        self.scram = None
        self.auth_role = None
        self.auth_user = None
        self.auth_db = None
        self._drain_waiter = None
        self._data_waiter = None
        self._idle_timer = None
        self._paused = False
        self._at_rfq = False  # the last thing sent was ReadyForQuery
        self.closed = False
        self.tls = False
        self.started = time.monotonic()

    # ---------------------------------------------------------- transport callbacks
    def connection_made(self, transport):
        self.transport = transport
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple):
            self.peer, self.peer_port = peer[0], peer[1]
        self.server.connections.add(self)
        if self.server.stopping:
            self.fatal(PgError("the database system is shutting down", errcodes.CANNOT_CONNECT_NOW))
            return
        self._idle_timer = asyncio.get_event_loop().call_later(
            self.server.config.authentication_timeout, self._auth_timeout)

    def data_received(self, data):
        if self.closed:
            return
        self.proto.receive_data(data)
        if self._idle_timer is not None and self.session is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        if not self._paused and self.proto.buffered > HIGH_WATER and self.proto.has_complete_message:
            self.transport.pause_reading()
            self._paused = True
        w = self._data_waiter
        if w is not None:
            self._data_waiter = None
            if not w.done():
                w.set_result(None)
            return
        if self.task is None or self.task.done():
            try:
                self.task = _run_eagerly(self._process())
            except Exception:  # pragma: no cover - _process handles its own errors
                log.exception("connection processing failed")
                self.task = None
                self.close()

    def eof_received(self):
        return False  # close our side too

    def connection_lost(self, exc):
        self.closed = True
        self.proto.close()
        self.server.connections.discard(self)
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        for w in (self._drain_waiter, self._data_waiter):
            if w is not None and not w.done():
                w.set_result(None)
        self._drain_waiter = self._data_waiter = None
        if self.session is not None:
            s = self.session
            log.debug("disconnection: session %s user=%s database=%s host=%s duration=%.3fs", s.pid,
                      self.auth_user, self.auth_db, self.peer, time.monotonic() - self.started)
            if self.task is not None and not self.task.done():
                # let a running statement notice the cancel and end; then close the session
                self.task.add_done_callback(lambda _t: s.close())
                s.cancel("connection lost")
            else:
                s.close()

    def pause_writing(self):
        if self._drain_waiter is None:
            self._drain_waiter = asyncio.get_event_loop().create_future()

    def resume_writing(self):
        w = self._drain_waiter
        self._drain_waiter = None
        if w is not None and not w.done():
            w.set_result(None)

    # ---------------------------------------------------------- output
    def write_out(self):
        s = self.session
        if s is not None and s.out:
            data = b"".join(s.out)
            s.out.clear()
            codec = s.client_codec()
            if codec is not None:
                data = transcode_out(data, codec)  # names, tags, errors, notices in client_encoding
            if not self.closed:
                self.transport.write(data)

    async def flush(self):
        self.write_out()
        w = self._drain_waiter
        if w is not None:
            await w

    def send(self, data: bytes):
        if not self.closed:
            self.transport.write(data)

    def fatal(self, e: PgError):
        f = e.fields()
        f["S"] = f["V"] = "FATAL"
        if e.code not in (errcodes.ADMIN_SHUTDOWN,):
            log.info("FATAL %s: %s (host=%s user=%s)", e.code, e.message, self.peer, self.auth_user)
        self.send(P.error_response_v2(e.message) if getattr(e, "legacy_v2", False) else P.error_response(f))
        self.close()

    def close(self):
        self.proto.close()
        if self.transport is not None and not self.closed:
            self.transport.close()
        self.closed = True

    # ---------------------------------------------------------- input
    def _pull(self):
        s = self.session
        if s is not None:
            self.proto.codec = s.client_codec()  # text fields arrive in client_encoding
        ev = self.proto.next_event()
        if self._paused and not self.closed and (self.proto.buffered < LOW_WATER
                                                 or not self.proto.has_complete_message):
            self.transport.resume_reading()
            self._paused = False
        return ev

    async def next_event(self):
        """The next protocol event, waiting for bytes if needed (COPY FROM STDIN
        pulls its CopyData this way); None once the connection is gone."""
        while True:
            if self.closed:
                return None
            ev = self._pull()
            if ev is not P.NEED_DATA:
                return ev
            self.write_out()
            fut = asyncio.get_event_loop().create_future()
            self._data_waiter = fut
            await fut

    # ---------------------------------------------------------- event loop per connection
    async def _process(self):
        while not self.closed:
            ev = self._pull()
            if ev is P.NEED_DATA:
                break
            self._at_rfq = False
            try:
                await self._handle(ev)
            except FatalError as e:
                self.write_out()
                self.fatal(e)
                return
            except Exception as e:  # never let one connection's bug kill the server
                log.exception("connection handler failed: %s", e)
                try:
                    self.write_out()
                    self.fatal(PgError(f"internal error: {e}", errcodes.INTERNAL_ERROR))
                except Exception:
                    pass
                return
            if self._at_rfq and self.server.stopping:
                self.write_out()
                self.fatal(PgError("terminating connection due to administrator command", errcodes.ADMIN_SHUTDOWN))
                return
        self._went_idle()

    def _went_idle(self):
        """Arm idle_in_transaction_session_timeout / idle_session_timeout, which
        PostgreSQL starts when it sends ReadyForQuery."""
        s = self.session
        if s is None or self.closed or not self._at_rfq:
            return
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        try:
            if s.txn_state in ("T", "E"):
                ms = int(_guc_fast(s, "idle_in_transaction_session_timeout", "0"))
                cb = self._idle_in_txn_timeout
            else:
                ms = int(_guc_fast(s, "idle_session_timeout", "0"))
                cb = self._idle_session_timeout
        except ValueError:
            return
        if ms > 0:
            self._idle_timer = asyncio.get_event_loop().call_later(ms / 1000.0, cb)

    def _idle_in_txn_timeout(self):
        self._idle_timer = None
        if self.closed or (self.task is not None and not self.task.done()) or self.proto.buffered:
            return
        self.fatal(PgError("terminating connection due to idle-in-transaction timeout",
                           errcodes.IDLE_IN_TRANSACTION_SESSION_TIMEOUT))

    def _idle_session_timeout(self):
        self._idle_timer = None
        if self.closed or (self.task is not None and not self.task.done()) or self.proto.buffered:
            return
        self.fatal(PgError("terminating connection due to idle-session timeout", errcodes.IDLE_SESSION_TIMEOUT))

    def _auth_timeout(self):
        self._idle_timer = None
        if self.session is None and not self.closed:
            log.info("authentication timeout for host=%s", self.peer)
            self.close()

    def _log_statement(self, s, sql):
        """log_statement = all and log_min_duration_statement, as PostgreSQL logs them."""
        ls = _guc_fast(s, "log_statement", "none")
        ms = _guc_fast(s, "log_min_duration_statement", "-1")
        if ls != "all" and ms == "-1":
            return  # the common case, checked without get_guc's generality
        try:
            ms = int(ms)
        except ValueError:
            return
        if ls == "all":
            log.info("statement: %s (pid %s, user %s)", sql, s.pid, self.auth_user)
        if ms >= 0 and s.query_start is not None:
            took = (time.time() - s.query_start) * 1000
            if took >= ms:
                log.info("duration: %.3f ms  statement: %s (pid %s)", took, sql, s.pid)

    def _ready(self):
        s = self.session
        s.out.append(P.ready_for_query(s.ready_status()))
        s.state = "idle in transaction" if s.txn_state == "T" else (
            "idle in transaction (aborted)" if s.txn_state == "E" else "idle")
        self._at_rfq = True
        self._deliver_notifications()
        self.write_out()

    async def _handle(self, ev):
        t = type(ev)
        s = self.session
        if t is P.Query:
            s.state = "active"
            s.query_start = time.time()
            await s.simple_query(ev.sql)
            self._log_statement(s, ev.sql)
            self._ready()
            return
        if t in (P.Parse, P.Bind, P.Describe, P.Execute, P.Close):
            await self._extended(ev)
            return
        if t is P.Sync:
            await self._sync()
            return
        if t is P.Flush:
            self.write_out()
            return
        if t is P.Terminate:
            self.close()
            return
        if t is P.Startup:
            await self._startup(ev)
            return
        if t is P.SSLRequest:
            ctx = self.server.ssl_context
            if ctx is not None and not self.tls:
                self.send(b"S")
                v = self.proto.ssl_answered(True)
                if v is not None:
                    self.fatal(v.error)
                    return
                await self._start_tls(ctx)
            else:
                self.send(b"N")
                self.proto.ssl_answered(False)
            return
        if t is P.GSSENCRequest:
            self.send(b"N")
            self.proto.gss_answered(False)
            return
        if t is P.CancelRequest:
            ok = self.server.cancel(ev.pid, ev.key)
            log.debug("cancel request for pid %s from %s: %s", ev.pid, self.peer, "sent" if ok else "no match")
            self.close()
            return
        if t is P.PasswordMessage:
            await self._password(ev)
            return
        if t is P.Violation:
            e = ev.error
            self.fatal(e if isinstance(e, PgError) else PgError(str(e), errcodes.PROTOCOL_VIOLATION))
            return
        if t is P.MessageError:
            s._send_error(ev.error)
            s._after_error()
            if not ev.extended:
                self._ready()
            return
        if t in (P.CopyData, P.CopyDone, P.CopyFail):
            return  # only COPY FROM STDIN consumes these (it pulls them itself)
        if t is P.FunctionCall:
            s.state = "active"
            s.query_start = time.time()
            await self._function_call(ev)
            self._ready()
            return

    async def _function_call(self, ev: P.FunctionCall):
        """FunctionCall ('F'), PostgreSQL's fastpath.c: call a function by OID in the session's
        transaction (an implicit one if none is open, committed at once like a simple Query)
        and answer FunctionCallResponse ('V'); the caller sends ReadyForQuery.  The call runs
        as ``SELECT pg_catalog.f($1, ...)`` with the overload's exact argument types, so it
        goes through the statement driver (locks, timeouts, cancellation) like any query."""
        s = self.session
        try:
            if s.txn_state == "E":
                raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                              errcodes.IN_FAILED_SQL_TRANSACTION)
            from ..engine.pgcatalog.builtin import function_by_oid

            fn = function_by_oid(ev.oid)
            if fn is None:
                raise PgError(f"function with OID {ev.oid} does not exist", errcodes.UNDEFINED_FUNCTION)
            if fn.kind != "f" or getattr(fn, "retset", False):
                raise PgError(f'cannot call function "{fn.name}" via fastpath interface', errcodes.WRONG_OBJECT_TYPE)
            argtypes = list(fn.args)
            if any(isinstance(a, str) or not hasattr(a, "oid") for a in argtypes) or (
                    callable(fn.ret) and not hasattr(fn.ret, "oid")):
                raise PgError(f'cannot call polymorphic function "{fn.name}" via fastpath interface',
                              errcodes.FEATURE_NOT_SUPPORTED)
            n = len(argtypes)
            if len(ev.args) != n:
                raise PgError(f"function call message contains {len(ev.args)} arguments but function requires {n}",
                              errcodes.PROTOCOL_VIOLATION)
            if len(ev.arg_formats) not in (0, 1, n):
                raise PgError(f"function call message contains {len(ev.arg_formats)} argument formats but "
                              f"{n} arguments", errcodes.PROTOCOL_VIOLATION)
            if ev.result_format not in (0, 1):
                raise PgError(f"unsupported format code: {ev.result_format}", errcodes.INVALID_PARAMETER_VALUE)
            params = self._decode_params(ev.args, argtypes, ev.arg_formats, "function call argument %d")
            if s.txn is None:
                s._begin_txn(implicit=True)
            sql = 'SELECT pg_catalog."%s"(%s)' % (fn.name.replace('"', '""'),
                                                   ", ".join(f"${i + 1}" for i in range(n)))
            s.query_text = sql
            p = s.prepare(sql, argtypes)
            rows = await s._execute(p, params, stream=False)
            v = rows[0][0] if rows else None
            if v is None:
                s.out.append(P.function_call_response(None))
            else:
                enc = s.row_encoders(p.columns, [ev.result_format])[0]
                s.out.append(P.function_call_response(enc(v)))
            if s.txn is not None and s.txn_implicit:
                await s._commit_txn()
        except PgError as e:
            s._send_error(e)
            s._after_error()
        except Exception as e:  # internal bug: XX000, session lives on
            s._internal_error(e)
            s._after_error()

    def _decode_params(self, raws, types, fmts, where: str) -> list:
        """Decode Bind parameters / FunctionCall arguments (text or binary per format code)."""
        s = self.session
        params = []
        tz = s.tz()
        from ..exec import runtime  # reg* parameters (regclass...) resolve names in this session's catalog

        runtime.state.session = s
        runtime.state.ctx = None
        for i, (raw, t) in enumerate(zip(raws, types)):
            fmt = fmts[0] if len(fmts) == 1 else (fmts[i] if fmts else 0)
            if fmt not in (0, 1):
                raise PgError(f"unsupported format code: {fmt}", errcodes.INVALID_PARAMETER_VALUE,
                              where=where % (i + 1))
            if raw is None:
                params.append(None)
                continue
            try:
                if fmt == 1:
                    params.append(t.binary_in(raw, -1))
                else:
                    codec = s.client_codec()
                    if codec is not None:
                        text = codec.decode(raw)
                    else:
                        try:
                            text = raw.decode("utf-8")
                        except UnicodeDecodeError as e:
                            raise P.invalid_utf8(raw, e.start) from None
                    if "\x00" in text:
                        raise PgError('invalid byte sequence for encoding "UTF8": 0x00',
                                      errcodes.CHARACTER_NOT_IN_REPERTOIRE)
                    params.append(t.text_in(text, -1, tz))
            except PgError as e:
                if fmt == 1:
                    # PostgreSQL: a receive function that runs out of bytes fails in
                    # pq_getmsg* (08P01); leftover bytes are Bind's own check (22P03)
                    if e.message == "insufficient data left in message":
                        e.code = errcodes.PROTOCOL_VIOLATION
                    elif e.message == "incorrect binary data format":
                        e.message = f"incorrect binary data format in bind parameter {i + 1}"
                if e.where is None:
                    # PostgreSQL shows text values as '...' (log_parameter_max_length_on_error = 0)
                    e.where = where % (i + 1) + (" = '...'" if fmt == 0 else "")
                raise
            except Exception:
                raise PgError(f"incorrect binary data format in bind parameter {i + 1}",
                              errcodes.INVALID_BINARY_REPRESENTATION, where=where % (i + 1)) from None
        return params

    async def _start_tls(self, ctx):
        loop = asyncio.get_event_loop()
        try:
            new_transport = await loop.start_tls(self.transport, self, ctx, server_side=True)
        except Exception as e:
            log.info("TLS handshake failed: %s", e)
            self.close()
            return
        self.transport = new_transport
        self.tls = True

    # ---------------------------------------------------------- startup / auth
    async def _startup(self, ev: P.Startup):
        params = ev.params
        self.startup_params = params
        user = params.get("user")
        if not user:
            raise FatalError("no PostgreSQL user name specified in startup packet", errcodes.INVALID_AUTHORIZATION_SPECIFICATION)
        dbname = params.get("database") or user
        if ev.needs_negotiation:
            self.send(P.negotiate_protocol_version(ev.protocol_options))
        if params.get("replication") not in (None, "false", "0", "off"):
            try:
                from ..replication import handle_replication_startup
            except ImportError:
                raise FatalError("replication connections are not supported",
                                 errcodes.FEATURE_NOT_SUPPORTED) from None
            await handle_replication_startup(self, params)
            return
        log.debug("connection received: host=%s port=%s user=%s database=%s", self.peer, self.peer_port,
                  user, dbname)
        method = self.server.hba_method(self.peer, user, dbname)
        if method == "reject":
            enc = "SSL encryption" if self.tls else "no encryption"
            raise FatalError(f'no pg_hba.conf entry for host "{self.peer or "[local]"}", user "{user}", '
                             f'database "{dbname}", {enc}', errcodes.INVALID_AUTHORIZATION_SPECIFICATION)
        txn = self.cluster.store.begin()
        try:
            role = CL.get_role_by_name(txn, user)
        finally:
            txn.rollback()
        self.auth_role = role
        self.auth_user = user
        self.auth_db = dbname
        if method == "trust":
            await self._auth_ok()
            return
        self.scram = ScramServer(role.get("password") if role else None)
        self.send(P.auth_sasl(["SCRAM-SHA-256"]))

    async def _password(self, ev: P.PasswordMessage):
        if self.scram is None:
            raise FatalError("unexpected password message", errcodes.PROTOCOL_VIOLATION)
        data = ev.data
        try:
            if not getattr(self, "_scram_first_done", False):
                mech, pos = data.split(b"\x00", 1)[0].decode(), data.index(b"\x00") + 1
                if mech != "SCRAM-SHA-256":
                    raise FatalError("password authentication failed for user "
                                     f'"{self.auth_user}"', errcodes.INVALID_PASSWORD)
                n = int.from_bytes(data[pos:pos + 4], "big", signed=True)
                client_first = data[pos + 4:pos + 4 + n].decode() if n >= 0 else ""
                server_first = self.scram.first(client_first)
                self._scram_first_done = True
                self.send(P.auth_sasl_continue(server_first.encode()))
                return
            server_final = self.scram.final(data.decode())
        except FatalError:
            raise
        except Exception as e:
            log.warning("password authentication failed for user %r from %s: %s", self.auth_user, self.peer, e)
            raise FatalError(f'password authentication failed for user "{self.auth_user}"',
                             errcodes.INVALID_PASSWORD) from None
        self.send(P.auth_sasl_final(server_final.encode()))
        await self._auth_ok()

    async def _auth_ok(self):
        role = self.auth_role
        user = self.auth_user
        if role is None:
            raise FatalError(f'role "{user}" does not exist', errcodes.INVALID_AUTHORIZATION_SPECIFICATION)
        if not role.get("login"):
            raise FatalError(f'role "{user}" is not permitted to log in', errcodes.INVALID_AUTHORIZATION_SPECIFICATION)
        vu = role.get("valid_until")
        if vu and self.scram is not None:
            from .. import types as T

            try:
                exp = T.TIMESTAMPTZ.text_in(vu, -1, None) if isinstance(vu, str) else vu
                expired = exp.timestamp() < time.time()
            except (PgError, AttributeError, ValueError, OverflowError):
                expired = False  # 'infinity' and the like
            if expired:
                log.warning('password authentication failed for user "%s": password expired (VALID UNTIL %s)',
                            user, vu)
                raise FatalError(f'password authentication failed for user "{user}"', errcodes.INVALID_PASSWORD)
        txn = self.cluster.store.begin()
        try:
            db = CL.get_database_by_name(txn, self.auth_db)
        finally:
            txn.rollback()
        if db is None:
            raise FatalError(f'database "{self.auth_db}" does not exist', errcodes.INVALID_CATALOG_NAME)
        if not db.get("allow_conn", True):
            raise FatalError(f'database "{self.auth_db}" is not currently accepting connections',
                             errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
        cl = role.get("connlimit", -1)
        if cl is not None and cl >= 0 and not role.get("super"):
            n = sum(1 for x in self.cluster.sessions.values() if x.session_role and x.session_role["oid"] == role["oid"])
            if n >= cl:
                raise FatalError(f'too many connections for role "{user}"', errcodes.TOO_MANY_CONNECTIONS)
        if len(self.cluster.sessions) >= self.server.config.max_connections:
            raise FatalError("sorry, too many clients already", errcodes.TOO_MANY_CONNECTIONS)
        s = Session(self.cluster, self)
        s.client_addr = self.peer
        s.bind(role, db, self.startup_params)
        self.session = s
        self.proto.auth_done()
        s.deliver_notification = self._notify
        s.terminate = self._terminate
        out = [P.AUTH_OK] + s.parameter_status_messages()
        out.append(P.backend_key_data(s.pid, s.secret))
        out.append(P.ready_for_query("I"))
        self.send(b"".join(out))
        self._at_rfq = True
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
        log.debug("connection authorized: user=%s database=%s branch=%s host=%s%s", self.auth_user, self.auth_db,
                  s.branch_name, self.peer, " SSL" if self.tls else "")

    def _notify(self, pid, channel, payload):
        self.__dict__.setdefault("pending_notifications", []).append(P.notification(pid, channel, payload))
        if self.session is not None and self.session.state == "idle":
            self._deliver_notifications()
            self.write_out()

    def _deliver_notifications(self):
        pend = self.__dict__.pop("pending_notifications", None)
        if pend and self.session is not None:
            self.session.out.extend(pend)

    def _terminate(self, message="terminating connection due to administrator command"):
        e = PgError(message, errcodes.ADMIN_SHUTDOWN, severity="FATAL")
        if self.session is not None:
            self.session.cancel(message)
        self.write_out()
        self.fatal(e)

    # ---------------------------------------------------------- extended protocol
    async def _extended(self, ev):
        s = self.session
        try:
            t = type(ev)
            if t is P.Parse:
                self._parse(ev)
            elif t is P.Bind:
                self._bind(ev)
            elif t is P.Describe:
                self._describe(ev)
            elif t is P.Execute:
                await self._execute(ev)
            elif t is P.Close:
                if ev.kind == "S":
                    s.prepared.pop(ev.name, None)
                elif s.portals.pop(ev.name, None) is None:
                    s.cursors.pop(ev.name, None)
                s.out.append(P.CLOSE_COMPLETE)
        except PgError as e:
            s._send_error(e)
            s._after_error() if s.txn is not None and not s.txn_implicit else None
            if s.txn is not None and s.txn_implicit:
                s._rollback_txn()
            self.proto.error_in_extended()
            self.write_out()  # PostgreSQL flushes an ErrorResponse at once
        except Exception as e:
            s._internal_error(e)
            if s.txn is not None:
                if s.txn_implicit:
                    s._rollback_txn()
                else:
                    s.txn_state = "E"
            self.proto.error_in_extended()
            self.write_out()

    def _parse(self, ev: P.Parse):
        from .. import types as T

        s = self.session
        if ev.name and ev.name in s.prepared:
            raise PgError(f'prepared statement "{ev.name}" already exists', errcodes.DUPLICATE_PREPARED_STATEMENT)
        if s.txn_state == "E" and not _is_txn_exit(ev.sql):
            raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                          errcodes.IN_FAILED_SQL_TRANSACTION)
        types = []
        if any(o and T.by_oid(o, None) is None for o in ev.param_oids) and s.branch_id is not None:
            # a user-defined type (enum, domain, composite): resolved through the branch catalog
            if s.txn is None:
                s._begin_txn(implicit=True)
            s.catalog()
        for oid in ev.param_oids:
            if oid == 0:
                types.append(T.UNKNOWN)
            else:
                t = T.by_oid(oid, None)
                if t is None:
                    raise PgError(f"type with OID {oid} does not exist", errcodes.UNDEFINED_OBJECT)
                types.append(t)
        from ..sql.lexer import split_statements

        stmts = split_statements(ev.sql)
        if len(stmts) > 1:
            raise PgError("cannot insert multiple commands into a prepared statement", errcodes.SYNTAX_ERROR)
        sql = stmts[0][0] if stmts else ""
        if s.txn is None:
            s._begin_txn(implicit=True)
        p = s.prepare(sql, types)
        s.prepared[ev.name] = p
        if ev.name:  # pg_prepared_statements lists named protocol-level statements too
            s.__dict__.setdefault("prepared_info", {})[ev.name] = (sql, time.time(), False)
        s.out.append(P.PARSE_COMPLETE)

    def _bind(self, ev: P.Bind):
        s = self.session
        p = s.prepared.get(ev.statement)
        if p is None:
            raise PgError(f'prepared statement "{ev.statement}" does not exist', errcodes.INVALID_SQL_STATEMENT_NAME)
        if s.txn_state == "E" and not _is_txn_exit(p.sql):
            raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                          errcodes.IN_FAILED_SQL_TRANSACTION)
        n = len(p.param_types)
        if len(ev.params) != n:
            raise PgError(f'bind message supplies {len(ev.params)} parameters, but prepared statement '
                          f'"{ev.statement}" requires {n}', errcodes.PROTOCOL_VIOLATION)
        fmts = ev.param_formats
        if len(fmts) not in (0, 1, n):
            raise PgError(f"bind message has {len(fmts)} parameter formats but {n} parameters",
                          errcodes.PROTOCOL_VIOLATION)
        where = (f'portal "{ev.portal}"' if ev.portal else "unnamed portal") + " parameter $%d"
        params = self._decode_params(ev.params, p.param_types, fmts, where)
        if s.txn is None:
            s._begin_txn(implicit=True)
        p2 = s.revalidate(p)
        if p2 is not p:
            s.prepared[ev.statement] = p = p2
        cols = p.columns if p.kind in ("query", "dml") else None
        rf = ev.result_formats
        if cols is not None and len(rf) not in (0, 1, len(cols)):
            raise PgError(f"bind message has {len(rf)} result formats but query has {len(cols)} columns",
                          errcodes.PROTOCOL_VIOLATION)
        s.portals[ev.portal] = Portal(ev.portal, p, params, ev.result_formats)
        s.out.append(P.BIND_COMPLETE)

    def _describe(self, ev: P.Describe):
        s = self.session
        if ev.kind == "S":
            p = s.prepared.get(ev.name)
            if p is None:
                raise PgError(f'prepared statement "{ev.name}" does not exist', errcodes.INVALID_SQL_STATEMENT_NAME)
            s.out.append(P.parameter_description([t.oid for t in p.param_types]))
            cols = _describe_cols(p, s)
            if cols is None:
                s.out.append(P.NO_DATA)
            else:
                s.out.append(s.row_description(cols, []))
        else:
            portal = s.portals.get(ev.name)
            if portal is None and ev.name in s.cursors:
                # a DECLAREd cursor is a portal too (psycopg 3 describes its server-side cursors)
                cur = s.cursors[ev.name]
                s.out.append(s.row_description(cur.columns, [1] if cur.binary else []))
                return
            if portal is None:
                raise PgError(f'portal "{ev.name}" does not exist', errcodes.INVALID_CURSOR_NAME)
            cols = _describe_cols(portal.prepared, s)
            if cols is None:
                s.out.append(P.NO_DATA)
            else:
                s.out.append(s.row_description(cols, portal.result_formats))
                portal.sent_description = True

    async def _execute(self, ev: P.Execute):
        s = self.session
        portal = s.portals.get(ev.portal)
        if portal is None:
            raise PgError(f'portal "{ev.portal}" does not exist', errcodes.INVALID_CURSOR_NAME)
        if s.txn_state == "E" and not _is_txn_exit(portal.prepared.sql):
            raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                          errcodes.IN_FAILED_SQL_TRANSACTION)
        for f in portal.result_formats:
            if f not in (0, 1):
                raise PgError(f"unsupported format code: {f}", errcodes.INVALID_PARAMETER_VALUE)
        if portal.done and portal.rows is not None:
            s.out.append(P.command_complete(portal.tag))
            return
        if s.txn is None:
            s._begin_txn(implicit=True)
        s.state = "active"
        s.query_text = portal.prepared.sql
        s.query_start = time.time()
        p = portal.prepared
        if p.kind == "empty":
            s.out.append(P.EMPTY_QUERY)
            return
        if p.kind != "utility":
            await s.run_portal(portal, ev.max_rows, describe=False)
            self._log_statement(s, p.sql)
            return
        # utility statements write RowDescription as the simple protocol wants
        # it; Execute must not send one (Describe does)
        start = len(s.out)
        s.portal_formats = portal.result_formats
        try:
            await s.run_portal(portal, ev.max_rows, describe=False)
        finally:
            s.portal_formats = None
        if len(s.out) > start:
            s.out[start:] = [m for m in s.out[start:] if m[:1] != b"T"]

    async def _sync(self):
        s = self.session
        if s is None:
            return
        if s.txn is not None and s.txn_implicit:
            try:
                await s._commit_txn()
            except PgError as e:
                s._send_error(e)
        s.portals.pop("", None)
        self._ready()


def _guc_fast(s, name, default):
    """A plain (non-computed) setting's current value: SET LOCAL, SET, session default."""
    lg = s.local_gucs
    if lg and name in lg:
        return lg[name]
    v = s.gucs.get(name)
    if v is not None:
        return v
    return s.guc_defaults.get(name, default)


def _is_txn_exit(sql: str) -> bool:
    """COMMIT / ROLLBACK [TO]: the statements an aborted transaction still accepts."""
    from ..sql.lexer import first_words

    try:
        w = first_words(sql, 1)
    except PgError:
        return False
    return bool(w) and w[0] in ("COMMIT", "ROLLBACK", "END", "ABORT")


def _describe_cols(p, s=None):
    """Result columns a Describe reports for a prepared statement (None: NoData)."""
    if p.kind in ("query", "dml"):
        return p.columns
    if p.kind == "utility" and s is not None:
        u = p.utility
        from ..sql.analyze import ResultColumn
        from .. import types as T

        try:
            if u.kind == "show":
                if u.name == "all":
                    return [ResultColumn("name", T.TEXT), ResultColumn("setting", T.TEXT),
                            ResultColumn("description", T.TEXT)]
                from .. import config as CFG

                g = CFG.find_guc(u.name)
                return [ResultColumn(g.name if g is not None else u.name.lower(), T.TEXT)]
            if u.kind == "explain":
                return [ResultColumn("QUERY PLAN", T.TEXT)]
            if u.kind == "fetch":
                from ..session.cursors import describe_fetch

                return describe_fetch(s, u)
            if u.kind == "execute":
                q = s.prepared.get(u.name)
                return _describe_cols(q, s) if q is not None else None
        except PgError:
            return None
    return None


class Server:
    def __init__(self, config: ServerConfig, cluster: Cluster | None = None):
        self.config = config
        self.cluster = cluster or Cluster(config)
        self.connections: set[Connection] = set()
        self.ssl_context = None
        if config.tls_cert and config.tls_key:
            self.ssl_context = make_ssl_context(config)
            self.cluster.config.settings.setdefault("ssl", "on")
        self._servers = []
        self.pipeline = None
        self.stopping = False
        self._vacuum = None

    def hba_method(self, peer, user, database) -> str:
        """First matching rule of config.hba decides: scram-sha-256 | trust | reject."""
        for rule in self.config.hba:
            if rule.matches(peer, user, database):
                return rule.method
        return "reject"

    def cancel(self, pid, key) -> bool:
        s = self.cluster.sessions.get(pid)
        if s is not None and s.secret == key:
            s.cancel()
            return True
        return False

    async def start(self):
        loop = asyncio.get_event_loop()
        self.pipeline = CommitPipeline(self.cluster.store, loop)
        # lock waits are awaited on the event loop: the lock manager hands each
        # waiter a future of this loop (the Store was built before the loop ran)
        locks = self.cluster.store.locks
        if getattr(locks, "_future_factory", None) is None:
            locks._future_factory = loop.create_future
        hosts = [h.strip() for h in str(self.config.host).split(",") if h.strip()] or ["127.0.0.1"]
        hosts = [None if h == "*" else h for h in hosts]
        for h in hosts:
            srv = await loop.create_server(lambda: Connection(self), h, self.config.port,
                                           reuse_address=True, backlog=4096)
            self._servers.append(srv)
        if self.config.unix_socket_dir:
            import os

            path = os.path.join(self.config.unix_socket_dir, f".s.PGSQL.{self.config.port}")
            if os.path.exists(path):
                os.unlink(path)  # a stale socket of a previous run (the TCP bind above proved the port free)
            srv = await loop.create_unix_server(lambda: Connection(self), path)
            os.chmod(path, 0o777)  # access is decided by the hba rules ('local')
            self._servers.append(srv)
            self._unix_path = path
            log.info("listening on unix socket %s", path)
        if self.config.metrics_port:
            from .metrics import start_metrics

            await start_metrics(self, hosts[0] or "0.0.0.0", self.config.metrics_port)
        from ..storage.vacuum import start_vacuum

        self._vacuum = start_vacuum(self.cluster.store, loop)
        log.info("heliosd %s (PostgreSQL %s compatible) listening on %s port %s; data %s (%s engine); TLS %s; "
                 "max_connections %s", VERSION, PG_VERSION, self.config.host, self.config.port,
                 self.config.data_dir, self.config.engine, "on" if self.ssl_context else "off",
                 self.config.max_connections)
        for r in self.config.hba:
            log.info("hba: address=%s user=%s database=%s method=%s", r.address, r.user, r.database, r.method)

    def _busy(self):
        return [c for c in self.connections if c.task is not None and not c.task.done()]

    async def stop(self):
        """Graceful shutdown (SIGTERM/SIGINT), like PostgreSQL's fast shutdown but
        kinder to work in flight:

        1. stop accepting connections;
        2. idle connections get FATAL 57P01 and are closed (their open
           transactions roll back); a connection busy with a message finishes
           it (a COMMIT in flight completes and is acknowledged), then is closed
           at its next ReadyForQuery;
        3. after ``shutdown_timeout`` seconds running statements are canceled;
        4. the commit pipeline drains, then the storage engine is closed.
        """
        self.stopping = True
        for srv in self._servers:
            srv.close()
        n = len(self.connections)
        busy = self._busy()
        log.info("shutting down: %d connection(s), %d busy", n, len(busy))
        admin = PgError("terminating connection due to administrator command", errcodes.ADMIN_SHUTDOWN)
        for c in list(self.connections):
            if c.task is None or c.task.done():
                try:
                    c.fatal(admin)
                except Exception:
                    pass
        deadline = time.monotonic() + self.config.shutdown_timeout
        while self._busy() and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        busy = self._busy()
        if busy:
            log.warning("canceling %d statement(s) still running after %.0fs", len(busy),
                        self.config.shutdown_timeout)
            for c in busy:
                if c.session is not None:
                    c.session.cancel("canceling statement due to administrator command")
            deadline = time.monotonic() + 5
            while self._busy() and time.monotonic() < deadline:
                await asyncio.sleep(0.02)
        # closed sessions drop their temporary objects (heliosd.session.temp) before the pipeline stops
        await asyncio.sleep(0)
        from ..session import temp as _temp

        await _temp.wait_cleanups(self.cluster)
        if self.pipeline is not None:
            await self.pipeline.idle.wait()
        for c in list(self.connections):
            try:
                c.write_out()
                c.fatal(admin)
            except Exception:
                pass
        if self._vacuum is not None:
            self._vacuum.cancel()
        if getattr(self, "_unix_path", None):
            import os

            try:
                os.unlink(self._unix_path)
            except OSError:
                pass
        await asyncio.sleep(0)
        self.cluster.store.engine.close()
        log.info("database system is shut down")


def make_ssl_context(config: ServerConfig) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(config.tls_cert, config.tls_key)
    if config.tls_ca:
        ctx.load_verify_locations(config.tls_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    return ctx


def run(config: ServerConfig) -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover
        pass
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = Server(config)
    loop.run_until_complete(server.start())
    stop = asyncio.Event()

    def _sig(name):
        log.info("received %s: shutting down", name)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _sig, sig.name)
    try:
        loop.run_until_complete(stop.wait())
        loop.run_until_complete(server.stop())
    finally:
        loop.close()
