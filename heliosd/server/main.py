"""The network server: asyncio (uvloop) transport, TLS, startup and
authentication, cancel keys, dispatch of protocol events to sessions.

One :class:`Connection` per client socket.  Bytes go through the sans-IO
:class:`heliosd.wire.protocol.ServerProtocol`; events are handled in order
by one task per connection; output accumulates in ``session.out`` and is
written at Sync/ReadyForQuery, on Flush, and whenever a large result
streams (with backpressure: the task awaits ``drain`` when the transport's
buffer is above its high-water mark).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import ssl
import time

from .. import errcodes
from ..config import ServerConfig
from ..engine import cluster as CL
from ..errors import FatalError, PgError
from ..session.cluster import Cluster
from ..session.session import Portal, Session
from ..storage.pipeline import CommitPipeline
from ..wire import protocol as P
from .auth import ScramServer

log = logging.getLogger("heliosd.server")


class Connection(asyncio.Protocol):
    def __init__(self, server: "Server"):
        self.server = server
        self.cluster = server.cluster
        self.proto = P.ServerProtocol(server.config.max_message_size)
        self.transport = None
        self.session: Session | None = None
        self.queue: list = []
        self.task = None
        self.peer = None
        self.startup_params = None
        self.scram = None
        self.auth_role = None
        self.auth_db = None
        self._drain_waiter = None
        self._paused = False
        self.closed = False
        self.tls = False

    # ---------------------------------------------------------- transport callbacks
    def connection_made(self, transport):
        self.transport = transport
        peer = transport.get_extra_info("peername")
        self.peer = peer[0] if isinstance(peer, tuple) else None
        self.server.connections.add(self)

    def data_received(self, data):
        try:
            events = self.proto.feed(data)
        except Exception as e:  # pragma: no cover - the state machine must not raise
            log.error("protocol error: %s", e)
            events = [P.Violation(PgError(str(e), errcodes.PROTOCOL_VIOLATION))]
        if not events:
            return
        self.queue.extend(events)
        if self.task is None or self.task.done():
            self.task = asyncio.get_event_loop().create_task(self._process())
        if len(self.queue) > 1000 and not self._paused:
            self.transport.pause_reading()
            self._paused = True

    def connection_lost(self, exc):
        self.closed = True
        self.server.connections.discard(self)
        if self._drain_waiter is not None and not self._drain_waiter.done():
            self._drain_waiter.set_result(None)
        if self.session is not None:
            s = self.session
            if self.task is not None and not self.task.done():
                # let a running statement finish or fail; then close the session
                self.task.add_done_callback(lambda _t: s.close())
                s.cancel("connection lost")
            else:
                s.close()

    def pause_writing(self):
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
        self.send(P.error_response(f))
        self.close()

    def close(self):
        self.proto.close()
        if self.transport is not None:
            self.transport.close()

    # ---------------------------------------------------------- event loop per connection
    async def _process(self):
        while self.queue:
            ev = self.queue.pop(0)
            if self._paused and len(self.queue) < 100:
                self.transport.resume_reading()
                self._paused = False
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
            if self.closed:
                return

    async def _handle(self, ev):
        t = type(ev)
        s = self.session
        if t is P.Query:
            s.state = "active"
            s.query_start = time.time()
            await s.simple_query(ev.sql)
            s.out.append(P.ready_for_query(s.ready_status()))
            s.state = "idle in transaction" if s.txn_state == "T" else (
                "idle in transaction (aborted)" if s.txn_state == "E" else "idle")
            self._deliver_notifications()
            self.write_out()
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
                await self._start_tls(ctx)
            else:
                self.send(b"N")
            return
        if t is P.GSSENCRequest:
            self.send(b"N")
            return
        if t is P.CancelRequest:
            self.server.cancel(ev.pid, ev.key)
            self.close()
            return
        if t is P.PasswordMessage:
            await self._password(ev)
            return
        if t is P.Violation:
            e = ev.error
            self.fatal(e if isinstance(e, PgError) else PgError(str(e), errcodes.PROTOCOL_VIOLATION))
            return
        if t in (P.CopyData, P.CopyDone, P.CopyFail):
            if s is not None and getattr(s, "copy_in", None) is not None:
                await s.copy_in.feed(ev)
            # CopyData outside COPY is ignored (PostgreSQL does the same)
            return
        if t is P.FunctionCall:
            s.out.append(P.error_response(PgError("function call protocol is not supported",
                                                  errcodes.FEATURE_NOT_SUPPORTED).fields()))
            return

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
        if params.get("replication") not in (None, "false", "0", "off"):
            from ..replication import handle_replication_startup

            await handle_replication_startup(self, params)
            return
        method = self.server.hba_method(self.peer, user, dbname)
        if method == "reject":
            raise FatalError(f'no pg_hba.conf entry for host "{self.peer}", user "{user}", database "{dbname}"',
                             errcodes.INVALID_AUTHORIZATION_SPECIFICATION)
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
            log.info("authentication failed for %r from %s: %s", self.auth_user, self.peer, e)
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
                exp = T.TIMESTAMPTZ.text_in(vu, -1, None)
                if exp.timestamp() < time.time():
                    raise FatalError(f'password authentication failed for user "{user}"', errcodes.INVALID_PASSWORD)
            except PgError:
                pass
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
                else:
                    s.portals.pop(ev.name, None)
                s.out.append(P.CLOSE_COMPLETE)
        except PgError as e:
            s._send_error(e)
            s._after_error() if s.txn is not None and not s.txn_implicit else None
            if s.txn is not None and s.txn_implicit:
                s._rollback_txn()
            self.proto.error_in_extended()
        except Exception as e:
            s._internal_error(e)
            if s.txn is not None:
                if s.txn_implicit:
                    s._rollback_txn()
                else:
                    s.txn_state = "E"
            self.proto.error_in_extended()

    def _parse(self, ev: P.Parse):
        from .. import types as T

        s = self.session
        if ev.name and ev.name in s.prepared:
            raise PgError(f'prepared statement "{ev.name}" already exists', errcodes.DUPLICATE_PSTATEMENT)
        if s.txn_state == "E":
            raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                          errcodes.IN_FAILED_SQL_TRANSACTION)
        types = []
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
        s.out.append(P.PARSE_COMPLETE)

    def _bind(self, ev: P.Bind):
        s = self.session
        p = s.prepared.get(ev.statement)
        if p is None:
            raise PgError(f'prepared statement "{ev.statement}" does not exist', errcodes.UNDEFINED_PSTATEMENT)
        if s.txn_state == "E":
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
        params = []
        tz = s.tz()
        for i, (raw, t) in enumerate(zip(ev.params, p.param_types)):
            if raw is None:
                params.append(None)
                continue
            fmt = fmts[0] if len(fmts) == 1 else (fmts[i] if fmts else 0)
            try:
                if fmt == 1:
                    params.append(t.binary_in(raw, -1))
                else:
                    try:
                        text = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        raise PgError('invalid byte sequence for encoding "UTF8"',
                                      errcodes.CHARACTER_NOT_IN_REPERTOIRE) from None
                    if "\x00" in text:
                        raise PgError('invalid byte sequence for encoding "UTF8": 0x00',
                                      errcodes.CHARACTER_NOT_IN_REPERTOIRE)
                    params.append(t.text_in(text, -1, tz))
            except PgError:
                raise
            except Exception:
                raise PgError(f'incorrect binary data format in bind parameter {i + 1}',
                              errcodes.INVALID_BINARY_REPRESENTATION) from None
        if s.txn is None:
            s._begin_txn(implicit=True)
        s.portals[ev.portal] = Portal(ev.portal, p, params, ev.result_formats)
        s.out.append(P.BIND_COMPLETE)

    def _describe(self, ev: P.Describe):
        s = self.session
        if ev.kind == "S":
            p = s.prepared.get(ev.name)
            if p is None:
                raise PgError(f'prepared statement "{ev.name}" does not exist', errcodes.UNDEFINED_PSTATEMENT)
            s.out.append(P.parameter_description([t.oid for t in p.param_types]))
            cols = _describe_cols(p)
            if cols is None:
                s.out.append(P.NO_DATA)
            else:
                s.out.append(s.row_description(cols, []))
        else:
            portal = s.portals.get(ev.name)
            if portal is None:
                raise PgError(f'portal "{ev.name}" does not exist', errcodes.UNDEFINED_CURSOR)
            cols = _describe_cols(portal.prepared)
            if cols is None:
                s.out.append(P.NO_DATA)
            else:
                s.out.append(s.row_description(cols, portal.result_formats))
                portal.sent_description = True

    async def _execute(self, ev: P.Execute):
        s = self.session
        portal = s.portals.get(ev.portal)
        if portal is None:
            raise PgError(f'portal "{ev.portal}" does not exist', errcodes.UNDEFINED_CURSOR)
        if s.txn_state == "E":
            raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                          errcodes.IN_FAILED_SQL_TRANSACTION)
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
        await s.run_portal(portal, ev.max_rows, describe=False)

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
        s.out.append(P.ready_for_query(s.ready_status()))
        s.state = "idle in transaction" if s.txn_state == "T" else (
            "idle in transaction (aborted)" if s.txn_state == "E" else "idle")
        self._deliver_notifications()
        self.write_out()


def _describe_cols(p):
    if p.kind in ("query", "dml"):
        return p.columns
    if p.kind == "utility" and p.utility.kind in ("show", "explain", "fetch", "execute"):
        from ..session.utility import describe_utility

        return describe_utility(p)
    return None


class Server:
    def __init__(self, config: ServerConfig, cluster: Cluster | None = None):
        self.config = config
        self.cluster = cluster or Cluster(config)
        self.connections: set[Connection] = set()
        self.ssl_context = None
        if config.tls_cert and config.tls_key:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(config.tls_cert, config.tls_key)
            self.ssl_context = ctx
            self.cluster.config.settings.setdefault("ssl", "on")
        self._servers = []
        self.pipeline = None
        self.stopping = False

    def hba_method(self, peer, user, database) -> str:
        for rule in self.config.hba:
            if rule.matches(peer, user, database):
                return rule.method
        return "reject"

    def cancel(self, pid, key) -> None:
        s = self.cluster.sessions.get(pid)
        if s is not None and s.secret == key:
            s.cancel()

    async def start(self):
        loop = asyncio.get_event_loop()
        self.pipeline = CommitPipeline(self.cluster.store, loop)
        srv = await loop.create_server(lambda: Connection(self), self.config.host, self.config.port,
                                       reuse_address=True, backlog=4096)
        self._servers.append(srv)
        if self.config.metrics_port:
            from .metrics import start_metrics

            start_metrics(self, self.config.host, self.config.metrics_port)
        from ..storage.vacuum import start_vacuum

        self._vacuum = start_vacuum(self.cluster.store, loop)
        log.info("heliosd listening on %s:%s (data %s)", self.config.host, self.config.port, self.config.data_dir)

    async def stop(self):
        """Graceful shutdown: stop accepting, let running statements and commits finish."""
        self.stopping = True
        for srv in self._servers:
            srv.close()
        deadline = time.monotonic() + 10
        while any(c.task is not None and not c.task.done() for c in self.connections) and \
                time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        if self.pipeline is not None:
            await self.pipeline.idle.wait()
        for c in list(self.connections):
            try:
                c.send(P.error_response(PgError("terminating connection due to administrator command",
                                                errcodes.ADMIN_SHUTDOWN, severity="FATAL").fields()))
                c.close()
            except Exception:
                pass
        self.cluster.store.engine.close()


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

    def _sig():
        log.info("shutting down")
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, _sig)
    try:
        loop.run_until_complete(stop.wait())
        loop.run_until_complete(server.stop())
    finally:
        loop.close()
