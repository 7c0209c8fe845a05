"""A client session: transaction state, settings, prepared statements, portals,
the session's database, branch and role, and the statement driver.

Transaction states (the ReadyForQuery status byte)::

        'I' idle --BEGIN--> 'T' in block --error--> 'E' failed (25P02 for
         ^  |                  |  ^                   |   everything but
         |  | implicit txn     |  | ROLLBACK TO       |   ROLLBACK [TO])
         |  v (one message /   |  +-------------------+
         |    until Sync)      | COMMIT/ROLLBACK
         +---------------------+

Invariants
==========

1. A storage transaction exists iff the state is 'T'/'E' or a statement
   is running in an implicit transaction; it never holds the engine's
   writer (writes are buffered until COMMIT: idle-in-transaction sessions
   block nobody's writes, only the rows they locked).
2. Every statement runs under a statement savepoint.  A lock conflict
   (WouldBlock) rolls the statement back to it, waits for the lock (with
   lock_timeout/statement_timeout/cancel), and re-runs the statement with a
   fresh snapshot in READ COMMITTED.  Output of statements that can wait
   (DML, FOR UPDATE, DDL) is buffered until they finish, so a re-run never
   duplicates rows sent to the client.
3. The session's branch is fixed by the startup option / USE BRANCH / SET
   helios.branch; switching is refused inside a transaction that already
   wrote to another branch?  No: PostgreSQL-style freedom is kept — one
   transaction may read and write several branches (the migration workflow
   needs it); each statement runs on the branch current when it starts.
4. Errors never end the session except FATAL ones; internal errors become
   XX000 with the traceback logged.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from decimal import Decimal

from .. import config as CFG
from .. import errcodes
from .. import types as T
from ..engine import catalog as C
from ..engine import cluster as CL
from ..engine.table import TableStore
from ..errors import FatalError, PgError, QueryCanceled
from ..exec import runtime
from ..storage.locks import branch_write_lock
from ..exec.context import ExecContext
from ..exec.dml import FkActions, RestartStatement
from ..sql.analyze import Env
from ..sql.statement import Prepared, prepare
from ..sql.ddl_types import TypeScope as _TypeScope
from . import temp as _temp
from ..storage.locks import SHARE, WouldBlock
from ..wire import protocol as P

log = logging.getLogger("heliosd.session")

_ISOLATIONS = {"read uncommitted": "read committed", "read committed": "read committed",
               "repeatable read": "repeatable read", "serializable": "serializable"}


class Portal:
    __slots__ = ("name", "prepared", "params", "result_formats", "rows", "pos", "done", "tag", "ctx", "gen",
                 "encoders", "sent_description")

    def __init__(self, name, prepared, params, result_formats):
        self.name = name
        self.prepared = prepared
        self.params = params
        self.result_formats = result_formats
        self.rows = None  # materialized rows for suspended portals
        self.pos = 0
        self.done = False
        self.tag = None
        self.ctx = None
        self.gen = None
        self.encoders = None
        self.sent_description = False



# Fair time slices.  A statement gives the event loop back after its slice (checked at operator
# batches and ticks); one loop round runs every yielded statement's next slice before the loop
# polls sockets again, so the round, not the slice, is what a newly arrived short query waits.
# The slice shrinks with the number of long statements so a round stays near 10 ms.
_LONG = [0]  # statements running past their first slice (they share the loop)


def _slice() -> float:
    n = _LONG[0]
    return 0.01 if n <= 1 else max(0.001, 0.01 / n)


class SessionCompiler:
    """Compiles catalog SQL snippets (index expressions, CHECK, defaults) for TableStore."""

    def __init__(self, session, cat):
        self.session = session
        self.cat = cat

    def _scope(self, rel):
        from ..sql.analyze import RangeItem, Scope

        s = Scope()
        live = rel.live_columns
        s.add(RangeItem(rel.name, [c.name for c in live], [c.type for c in live], [c.typmod for c in live],
                        table_oid=rel.oid, attnums=[c.attnum for c in live], rel=rel))
        return s

    def _expr(self, sql, rel):
        from ..sql.analyze import Analyzer
        from ..sql.parser import parse_sql

        tree = parse_sql(f"SELECT {sql}")
        an = Analyzer(self.session.env_for(self.cat))
        return an.expr(tree.expressions[0], self._scope(rel))

    def scalar(self, sql, rel):
        from ..exec.expr import compile_expr

        e = self._expr(sql, rel)
        f = compile_expr(e)

        def g(r, f=f):
            return f(r)

        g.result_type = e.type
        return g, e.type

    def text(self, sql, rel) -> str:
        """PostgreSQL's rendering of a stored expression (for error details: Key (lower(email))=...)."""
        from ..exec import deparse as DP

        e = self._expr(sql, rel)
        live = rel.live_columns

        def colname(c):
            i = c.index
            return DP.quote_ident(live[i].name if 0 <= i < len(live) else getattr(c, "name", "?"))

        return DP.deparse(e, DP.Context(colname))

    def predicate(self, sql, rel):
        from ..exec.expr import compile_expr

        e = self._expr(sql, rel)
        f = compile_expr(e)
        fn = (lambda r, f=f: f(r))
        from ..plan.physical import conjuncts

        fn.pred_exprs = conjuncts(e)
        return fn

    def predicate_check(self, sql, rel):
        from ..exec.expr import compile_expr

        e = self._expr(sql, rel)
        f = compile_expr(e)
        return lambda r, f=f: f(r)


class Session:
    def __init__(self, cluster, conn=None):
        self.cluster = cluster
        self.store = cluster.store
        self.conn = conn
        self.pid = cluster.new_pid()
        import secrets

        self.secret = secrets.randbits(31)
        self.role: dict | None = None
        self.session_role: dict | None = None
        self.db: dict | None = None
        self.branch_id: int | None = None
        self.branch_name: str | None = None
        self.startup_branch: str | None = None
        self.gucs: dict[str, str] = {}
        self.guc_defaults: dict[str, str] = {}
        self.local_gucs: dict[str, str] | None = None
        self.txn = None
        self.txn_state = "I"
        self.txn_implicit = False
        self.txn_start = time.time()
        self.savepoints: list = []
        self.prepared: dict[str, Prepared] = {}
        self.portals: dict[str, Portal] = {}
        self.cursors: dict = {}
        self.currvals: dict = {}
        self.lastval = None
        self.out: list[bytes] = []
        self.current_ctx: ExecContext | None = None
        self.cancel_pending = False
        self.state = "idle"
        self.query_text = ""
        self.query_start = None
        self.application_name = ""
        self.client_addr = None
        self.backend_start = time.time()
        self.txn_modes: dict = {}
        self.char_modes = {}
        self.listening: set = set()
        self.notices: list = []
        self.waiting = False
        self.branch_generation = None
        self.advisory_locks: dict = {}
        self._tz = None
        self._names_seen = -1
        self._branch_error = None
        self._cat_cache = None
        self._settings_gen = 0
        self._style_cache = None  # see _style()
        self._enc_cache: dict = {}
        self.temp_slot: int | None = None  # temporary objects: heliosd.session.temp
        self.temp_branches: set = set()
        self.temp_on_commit: dict = {}

    # ============================================================ startup
    def bind(self, role: dict, database: dict, params: dict) -> None:
        """Attach to a database/branch after authentication (raises FatalError)."""
        self.role = role
        self.session_role = role
        self.db = database
        self.application_name = params.get("application_name", "")
        for k, g in CFG.GUCS.items():
            self.guc_defaults[k] = g.default
        for k, v in self.cluster.config.settings.items():
            g = CFG.find_guc(k)
            if g is not None:
                self.guc_defaults[g.name] = g.normalize(str(v))
        cfg_role = role.get("config") or {}
        for k, v in cfg_role.items():
            g = CFG.find_guc(k)
            if g is not None:
                self.guc_defaults[g.name] = v
        self.guc_defaults["is_superuser"] = "on" if role.get("super") else "off"
        self.guc_defaults["session_authorization"] = role["name"]
        self.guc_defaults["application_name"] = self.application_name
        self.guc_defaults["port"] = str(self.cluster.config.port)
        startup_gucs = {}
        for k, v in params.items():
            if k in ("user", "database", "options", "replication"):
                continue
            startup_gucs[k] = v
        opts = params.get("options")
        if opts:
            for k, v in _parse_options(opts):
                startup_gucs[k] = v
        for k, v in startup_gucs.items():
            g = CFG.find_guc(k)
            if g is None:
                if "." in k:
                    self.guc_defaults[k] = v
                    continue
                raise FatalError(f'unrecognized configuration parameter "{k}"', errcodes.UNDEFINED_OBJECT)
            if g.context == "internal" and g.name not in ("application_name",):
                if g.name in ("server_version", "server_encoding", "integer_datetimes", "is_superuser",
                              "in_hot_standby", "session_authorization"):
                    continue
            try:
                val = g.normalize(v)
                if g.name == "TimeZone":
                    val = self._check_timezone(val)
                self.guc_defaults[g.name] = val
            except PgError as e:
                raise FatalError(e.message, e.code) from None
        branch = self.guc_defaults.get("helios.branch") or "main"
        self.startup_branch = branch
        txn = self.store.begin()
        try:
            bid = txn.branch_id(database["oid"], branch)
            if bid is None or not self._branch_usage(txn, bid, branch):
                # 3D000 like a missing database (a branch is what the client connects
                # to); a forbidden branch gets exactly the same answer: no existence leak
                raise FatalError(f'branch "{branch}" does not exist', errcodes.INVALID_CATALOG_NAME)
        finally:
            txn.rollback()
        self.branch_id = bid
        self.branch_name = branch
        self.gucs = {}
        self.cluster.register(self)

    def parameter_status_messages(self) -> list[bytes]:
        out = []
        for k, g in CFG.GUCS.items():
            if g.report:
                out.append(P.parameter_status(k, self.get_guc(k)))
        return out

    # ============================================================ settings
    def get_guc(self, name: str) -> str:
        g = CFG.find_guc(name)
        key = g.name if g is not None else name
        if self.local_gucs is not None and key in self.local_gucs:
            return self.local_gucs[key]
        if key in self.gucs:
            return self.gucs[key]
        if key == "transaction_isolation":
            if self.txn is not None:
                return getattr(self.txn, "isolation_name", self.txn.isolation)
            return self.get_guc("default_transaction_isolation")
        if key == "transaction_read_only":
            if self.txn is not None:
                return "on" if self.txn.read_only else "off"
            return self.get_guc("default_transaction_read_only")
        if key == "transaction_deferrable":
            if self.txn is not None:
                return "on" if getattr(self.txn, "deferrable", False) else "off"
            return self.get_guc("default_transaction_deferrable")
        if key == "helios.branch":
            return self.branch_name or "main"
        if key in self.guc_defaults:
            return self.guc_defaults[key]
        if g is not None:
            return g.default
        raise PgError(f'unrecognized configuration parameter "{name}"', errcodes.UNDEFINED_OBJECT)

    def set_guc(self, name: str, value: str | None, local: bool = False, is_reset: bool = False) -> None:
        g = CFG.find_guc(name)
        if g is None:
            if "." in name:
                key = name.lower()
                if value is None:
                    self.gucs.pop(key, None)
                else:
                    self.gucs[key] = value
                return
            raise PgError(f'unrecognized configuration parameter "{name}"', errcodes.UNDEFINED_OBJECT)
        if g.context == "internal":
            raise PgError(f'parameter "{g.name}" cannot be changed', errcodes.CANT_CHANGE_RUNTIME_PARAM)
        if g.name == "helios.branch":
            if value is None:
                value = self.startup_branch or "main"
            self.use_branch(value)
            return
        if g.name in ("transaction_isolation", "transaction_read_only", "transaction_deferrable"):
            if value is None:
                return
            if g.name == "transaction_isolation":
                self._set_txn_modes({"isolation": g.normalize(value)})
            elif g.name == "transaction_read_only":
                self._set_txn_modes({"read_only": g.normalize(value) == "on"})
            else:
                self._set_txn_modes({"deferrable": g.normalize(value) == "on"})
            return
        if value is not None:
            value = g.normalize(value)
            if g.name == "TimeZone":
                value = self._check_timezone(value)
            if g.name == "DateStyle":
                value = T.parse_datestyle(value, self.get_guc("DateStyle"))[0]
            if g.name == "search_path":
                value = _normalize_search_path(value)
        target = self.local_gucs if local and self.txn is not None else self.gucs
        if local and self.txn is None:
            target = None  # SET LOCAL outside a transaction has no effect (warning in PG)
        old = self.get_guc(g.name)
        if not local and self.local_gucs and g.name in self.local_gucs:
            del self.local_gucs[g.name]  # a session SET overrides an earlier SET LOCAL
        if target is not None:
            if value is None:
                target.pop(g.name, None)
                if local and self.local_gucs is not None:
                    self.local_gucs[g.name] = self.gucs.get(g.name, self.guc_defaults.get(g.name, g.default))
            else:
                target[g.name] = value
        if g.name == "TimeZone":
            self._tz = None
        self._settings_gen += 1
        self._enc_cache.clear()
        new = self.get_guc(g.name)
        if g.report and new != old:
            self.out.append(P.parameter_status(g.name, new))

    def _check_timezone(self, value: str) -> str:
        try:
            T.parse_timezone_setting(value)
        except PgError:
            raise PgError(f'invalid value for parameter "TimeZone": "{value}"', errcodes.INVALID_PARAMETER_VALUE)
        return T.timezone_name(value) if hasattr(T, "timezone_name") else value

    def tz(self):
        if self._tz is None:
            self._tz = T.parse_timezone_setting(self.get_guc("TimeZone"))
        return self._tz

    def search_path(self) -> list[str]:
        raw = self.get_guc("search_path")
        out = []
        for part in _split_path(raw):
            if part == "$user":
                out.append(self.role["name"] if self.role else "")
            else:
                out.append(part)
        if "pg_catalog" not in out:
            out.insert(0, "pg_catalog")
        if self.temp_slot is not None or any(p.startswith("pg_temp") for p in out):
            out = _temp.search_path(self, out)
        return out

    # ============================================================ branches
    def _branch_usage(self, txn, bid: int, name: str = "") -> bool:
        """USAGE on branch ``bid`` for the current role (see engine/cluster.py).

        Answers for the committed catalog are shared by all sessions
        (``cluster.usage_cache``); a transaction that changed branch names,
        grants or roles itself is answered from its own view."""
        role = self.role
        if role is None or role.get("super"):
            return True
        if txn is None:
            t = self.store.begin()
            try:
                return self._branch_usage(t, bid, name)
            finally:
                t.rollback()
        if not self.store.names_objects.isdisjoint(txn.written_objects):
            return CL.has_branch_usage(txn, role, bid)
        cache = self.cluster.usage_cache()
        key = (role["oid"], bid)
        v = cache.get(key)
        if v is None:
            v = cache[key] = CL.has_branch_usage(txn, role, bid)
        return v

    def resolve_branch(self, txn, name: str, for_what: str = "use") -> int:
        bid = txn.branch_id(self.db["oid"], name)
        if bid is None or not self._branch_usage(txn, bid, name):
            # the same answer whether it is missing or forbidden: no existence leak
            raise PgError(f'branch "{name}" does not exist', errcodes.UNDEFINED_OBJECT)
        return bid

    def use_branch(self, name: str) -> None:
        txn = self.txn or self.store.begin()
        try:
            bid = self.resolve_branch(txn, name)
        finally:
            if txn is not self.txn:
                txn.rollback()
        if self.txn is not None:
            self.txn.pin_branch(bid)
        self._switch_branch(bid, name)
        self._names_seen = self.store.names_version if self.txn is None else -1

    def _switch_branch(self, bid: int | None, name: str) -> None:
        """Point the session at another branch.  LISTEN registrations follow
        the session: it always listens on its current branch."""
        old = self.branch_id
        self.branch_id = bid
        self.branch_name = name
        self._branch_error = None
        if old != bid and self.listening:
            lst = self.cluster.listeners
            moved = set()
            for key in self.listening:
                lst.get(key, set()).discard(self)
                nk = (key[0], bid, key[2])
                moved.add(nk)
                if bid is not None:
                    lst.setdefault(nk, set()).add(self)
            self.listening = moved

    # ============================================================ catalog access
    def catalog(self, txn=None, bid=None):
        """The catalog the transaction sees for a branch.  Cached per session
        while no catalog version changed anywhere (store.watch_epoch) and the
        transaction has no DDL of its own."""
        txn = txn or self.txn
        if bid is None:
            bid = self.branch_id
            if bid is None:
                raise self._branch_error or PgError("the session has no branch", errcodes.UNDEFINED_OBJECT)
        key = (bid, self.store.watch_epoch)
        cc = self._cat_cache
        if cc is not None and cc[0] == key and (txn is None or not txn.written_objects or
                                                not self._private_catalog(txn)):
            return self._activate_types(cc[1])
        cat = self.cluster.catalogs.get(txn, bid)
        if txn is None or not self._private_catalog(txn):
            self._cat_cache = (key, cat)
        return self._activate_types(cat)

    def _activate_types(self, cat):
        """User-defined types resolve through the catalog the statement uses (heliosd.sql.ddl_types)."""
        sc = self.__dict__.get("_type_scope")
        if sc is None or sc.cat is not cat:
            sc = self._type_scope = _TypeScope(cat, self.search_path)
        T.type_scope.set(sc)
        C.temp_scope.set(_temp.temp_name(self))
        return cat

    def table_store(self, rel, cat) -> TableStore:
        key = ("ts", rel.oid)
        ts = cat.cache.get(key)
        if ts is None or ts.rel is not rel:
            ts = TableStore(rel, cat, SessionCompiler(self, cat))
            for info in ts.indexes:
                if info.pred is not None:
                    info.pred_exprs = getattr(info.pred, "pred_exprs", None)
            cat.cache[key] = ts
        return ts

    def env_for(self, cat) -> Env:
        from ..engine import syscat

        env = Env(cat, self.search_path(), lambda rel: self.table_store(rel, cat),
                  virtual_relation=lambda schema, name: syscat.virtual_relation(self, cat, schema, name),
                  user=self.role["name"] if self.role else None, database=self.db["name"] if self.db else None,
                  branch=self.branch_name)
        env.settings_key = self.style_settings()
        return env

    # ============================================================ transactions
    def _refresh_branch(self) -> None:
        """Sessions are bound to a branch *name*: each transaction resolves it
        anew when branch names or grants changed, so a rename swap moves
        pooled sessions to the new branch at their next transaction (and a
        revoked grant takes effect)."""
        v = self.store.names_version
        if v == self._names_seen:
            return
        txn = self.store.begin()
        try:
            bid = txn.branch_id(self.db["oid"], self.branch_name)
            if bid is not None and not self._branch_usage(txn, bid, self.branch_name):
                bid = None
        finally:
            txn.rollback()
        self._names_seen = v
        if bid is None:
            # the name is gone (renamed away, dropped) or no longer usable: the
            # session stays connected; statements that need a branch fail with
            # this error until USE BRANCH / SET helios.branch / DISCARD ALL
            name = self.branch_name
            self._switch_branch(None, name)
            self._branch_error = PgError(
                f'branch "{name}" does not exist', errcodes.UNDEFINED_OBJECT,
                hint="The session's branch was renamed or dropped; use USE BRANCH to choose another.")
            return
        if bid != self.branch_id:
            self._switch_branch(bid, self.branch_name)

    def _begin_txn(self, implicit: bool) -> None:
        self._refresh_branch()
        modes = self.txn_modes
        iso = modes.get("isolation") or self.get_guc("default_transaction_isolation")
        ro = modes.get("read_only")
        if ro is None:
            ro = self.get_guc("default_transaction_read_only") == "on"
        # the snapshot is fixed by the first statement that needs one (BEGIN, SET and
        # SHOW take none: a REPEATABLE READ transaction sees what committed before it)
        self.txn = self.store.begin(_ISOLATIONS.get(iso, "read committed"), ro, defer_snapshot=True)
        if self.branch_id is not None:
            # writes to the branch commit only if it was not swapped out since now
            self.txn.pin_branch(self.branch_id)
        self.txn.isolation_name = iso
        df = modes.get("deferrable")
        self.txn.deferrable = (self.get_guc("default_transaction_deferrable") == "on") if df is None else df
        self.txn.ran_query = False
        # SET is transactional in PostgreSQL: a rolled-back transaction undoes it
        self._gucs_at_begin = (dict(self.gucs), self.branch_id, self.branch_name)
        self.txn_state = "T"
        self.txn_implicit = implicit
        self.txn_start = time.time()
        self.savepoints = []
        self.local_gucs = {}
        self.txn_modes = {}

    def defer_fk_check(self, item, con) -> None:
        self.__dict__.setdefault("deferred_checks", {})[item] = con

    def _run_deferred_checks(self) -> None:
        pending = self.__dict__.pop("deferred_checks", None)
        if not pending or self.txn is None:
            return
        from ..exec.context import run_fk_check

        ctx = self._new_ctx(None, [])
        self.bind_runtime(ctx)
        try:
            for item, con in pending.items():
                run_fk_check(ctx, item, con)
        finally:
            runtime.state.ctx = None

    async def _commit_txn(self) -> None:
        self.__dict__.pop("_gucs_at_begin", None)
        if self.txn is not None and self.__dict__.get("deferred_checks"):
            self.txn.new_statement()
            try:
                self._run_deferred_checks()
            except PgError:
                self._rollback_txn()
                raise
        if self.txn is not None and self.temp_on_commit:
            try:
                _temp.run_on_commit(self, self.txn)
            except PgError:
                self._rollback_txn()
                raise
        txn = self.txn
        self.txn = None
        self.txn_state = "I"
        self.txn_implicit = False
        self.local_gucs = None
        self.savepoints = []
        self._tz = None
        if txn is None:
            return
        durable = self.get_guc("synchronous_commit") != "off"
        try:
            await self.store.commit(txn, durable=durable)
            self.cluster.stats["xact_commit"] += 1
        except PgError:
            self.cluster.stats["xact_rollback"] += 1
            self.__dict__.pop("pending_notifies", None)
            raise
        finally:
            self._txn_ended()
        if self.__dict__.get("pending_notifies"):
            from .utility import deliver_notifies

            deliver_notifies(self)

    def _rollback_txn(self) -> None:
        self.__dict__.pop("pending_notifies", None)  # NOTIFYs of a rolled-back transaction are never sent
        txn = self.txn
        saved = self.__dict__.pop("_gucs_at_begin", None)
        if txn is not None and saved is not None:
            old_gucs, bid, bname = saved
            changed = [k for k in set(old_gucs) | set(self.gucs) if old_gucs.get(k) != self.gucs.get(k)]
            before = {k: self.get_guc(k) for k in changed if CFG.find_guc(k) is not None}
            self.gucs = old_gucs
            if (bid, bname) != (self.branch_id, self.branch_name):
                self._switch_branch(bid, bname)
                self._names_seen = -1  # re-resolve the restored name at the next transaction
            for k, v in before.items():
                g = CFG.find_guc(k)
                if g.report and self.get_guc(k) != v:
                    self.out.append(P.parameter_status(g.name, self.get_guc(k)))
            self._enc_cache.clear()
        self.txn = None
        self.txn_state = "I"
        self.txn_implicit = False
        self.local_gucs = None
        self.savepoints = []
        self._tz = None
        if txn is not None:
            txn.rollback()
            self.cluster.stats["xact_rollback"] += 1
        self._txn_ended()

    def _txn_ended(self) -> None:
        self.__dict__.pop("deferred_checks", None)
        self.constraints_mode = None
        for name in [n for n, c in self.cursors.items() if not c.get("hold")]:
            self.cursors.pop(name, None)
        # unnamed portals die with the transaction in PostgreSQL
        for name in list(self.portals):
            self.portals.pop(name, None)
        self.advisory_xact_release()

    def _set_txn_modes(self, modes: dict, begin: bool = False) -> None:
        if self.txn is None:
            return
        txn = self.txn
        if "isolation" in modes:
            iso = modes["isolation"]
            if getattr(txn, "ran_query", False) and iso != getattr(txn, "isolation_name", iso):
                raise PgError("SET TRANSACTION ISOLATION LEVEL must be called before any query",
                              errcodes.ACTIVE_SQL_TRANSACTION)
            txn.isolation = _ISOLATIONS.get(iso, "read committed")
            txn.isolation_name = iso
        if "read_only" in modes:
            if not modes["read_only"] and txn.read_only and getattr(txn, "ran_query", False):
                raise PgError("transaction read-write mode must be set before any query",
                              errcodes.ACTIVE_SQL_TRANSACTION)
            txn.read_only = modes["read_only"]
        if "deferrable" in modes:
            if modes["deferrable"] != getattr(txn, "deferrable", False) and getattr(txn, "ran_query", False):
                raise PgError("SET TRANSACTION [NOT] DEFERRABLE must be called before any query",
                              errcodes.ACTIVE_SQL_TRANSACTION)
            txn.deferrable = modes["deferrable"]

    # ============================================================ protocol entry points
    def ready_status(self) -> str:
        return self.txn_state

    async def simple_query(self, sql: str) -> None:
        """Handle a Query message (possibly several statements)."""
        from ..sql.lexer import split_statements

        self.query_text = sql
        try:
            stmts = split_statements(sql)
        except PgError as e:
            self._send_error(e)
            self._after_error()
            return
        if not stmts:
            self.out.append(P.EMPTY_QUERY)
            return
        multi = len(stmts) > 1
        implicit_started = False
        for text, _off in stmts:
            if self.txn is None:
                self._begin_txn(implicit=True)
                implicit_started = True
            try:
                await self._exec_simple(text, multi)
            except PgError as e:
                if e.position is not None and _off:
                    e.position += _off  # PostgreSQL counts from the start of the query string
                self._send_error(e)
                self._after_error()
                return
            except Exception as e:  # internal bug: XX000, session lives on
                self._internal_error(e)
                self._after_error()
                return
            if self.txn is not None and self.txn_implicit and not multi:
                try:
                    await self._finish_implicit()
                except PgError as e:
                    self._send_error(e)
                    return
        if self.txn is not None and self.txn_implicit:
            try:
                await self._finish_implicit()
            except PgError as e:
                self._send_error(e)
        _ = implicit_started

    async def _finish_implicit(self) -> None:
        try:
            await self._commit_txn()
        except PgError:
            raise

    def _after_error(self) -> None:
        if self.txn is None:
            return
        if self.txn_implicit:
            self._rollback_txn()
        else:
            self.txn_state = "E"

    def _send_error(self, e: PgError) -> None:
        self.cluster.stats["errors"] += 1
        self.out.append(P.error_response(e.fields()))

    def _internal_error(self, e: Exception) -> None:
        log.error("internal error in session %s: %s\n%s", self.pid, e, traceback.format_exc())
        err = PgError(f"internal error: {type(e).__name__}: {e}", errcodes.INTERNAL_ERROR)
        self._send_error(err)

    def _flush_notices(self, ctx) -> None:
        if ctx is None:
            return
        for n in ctx.notices:
            self._notice(n)
        ctx.notices = []

    def _notice(self, n: PgError) -> None:
        level = self.get_guc("client_min_messages")
        order = ["debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"]
        sev = n.severity.lower()
        if sev == "debug":
            sev = "debug1"  # PostgreSQL sends DEBUG1..5 as severity "DEBUG"
        if sev in order and level in order and order.index(sev) < order.index(level):
            return
        self.out.append(P.notice_response(n.fields()))

    def notice(self, message: str, code: str = "00000", severity: str = "NOTICE", **kw) -> None:
        self._notice(PgError(message, code, severity=severity, **kw))

    async def _exec_simple(self, text: str, multi: bool) -> None:
        if self.txn_state == "E":
            from ..sql.utility import parse_utility

            u = None
            try:
                u = parse_utility(text)
            except PgError:
                u = None
            if u is None or u.kind not in ("rollback", "rollback_to", "commit"):
                raise PgError("current transaction is aborted, commands ignored until end of transaction block",
                              errcodes.IN_FAILED_SQL_TRANSACTION)
        p, params = self._prepare_simple(text)
        if p.kind == "empty":
            self.out.append(P.EMPTY_QUERY)
            return
        if p.kind == "utility":
            from . import utility as U

            await U.run_utility(self, p.utility, text, multi)
            return
        portal = Portal("", p, params, [])
        await self.run_portal(portal, 0, describe=True)

    def _prepare_simple(self, text: str):
        """Simple-protocol statements share plans across literal values: the
        constants are lifted out as parameters (heliosd.sql.lexer.fingerprint)
        and the statement is prepared once per shape.  Any failure on that
        path falls back to preparing the literal text, so errors and results
        are exactly what the literal statement gives."""
        from ..sql.lexer import fingerprint

        fp = fingerprint(text)
        if fp is not None and fp[1]:
            key, consts = fp
            types = []
            values = []
            for kind, lit in consts:
                if kind == "num":
                    if lit.isdigit():
                        v = int(lit)
                        if v <= 2147483647:
                            types.append(T.INT4)
                        elif v <= 9223372036854775807:
                            types.append(T.INT8)
                        else:
                            types.append(T.NUMERIC)
                            v = Decimal(lit)
                    else:
                        types.append(T.NUMERIC)
                        v = Decimal(lit)
                    values.append(v)
                else:
                    types.append(T.UNKNOWN)
                    values.append(lit[1:-1].replace("''", "'"))
            try:
                p = self.prepare(key, types)
                if p.kind in ("query", "dml") and len(p.param_types) == len(values):
                    tz = self.tz()
                    # reg* constants ('orders'::regclass) resolve names in this session's
                    # catalog, not in whatever session ran last
                    runtime.state.session = self
                    runtime.state.ctx = None
                    for i, (kind, _lit) in enumerate(consts):
                        if kind == "str":
                            values[i] = p.param_types[i].text_in(values[i], -1, tz)
                    return p, values
            except PgError:
                pass
        return self.prepare(text, []), []

    # ============================================================ preparing
    def prepare(self, sql: str, param_types: list) -> Prepared:
        txn = self.txn
        own_txn = False
        if txn is None:
            txn = self.store.begin()
            own_txn = True
        st = runtime.state
        saved = (st.session, st.ctx)
        try:
            if self.branch_id is None:
                # the session's branch went away: only utility statements (USE
                # BRANCH, SET, DISCARD...) can run until it picks another one
                from ..sql.parser import parse_sql
                from ..sql.utility import Utility

                tree = parse_sql(sql)
                if not isinstance(tree, Utility) or tree.kind.endswith("_text"):
                    raise self._branch_error or PgError("the session has no branch", errcodes.UNDEFINED_OBJECT)
                return prepare(None, sql, param_types, tree=tree)
            cat = self.catalog(txn)
            env = self.env_for(cat)
            if not self.role.get("super"):
                from .access import checker

                env.check_access = checker(self, txn, cat)
                env.access_key = (self.role["oid"], self.cluster.roles_version)
            cache = cat.cache.setdefault("plans", {}) if not self._private_catalog(txn) else None
            # analysis may resolve names ('tasks'::regclass): against this session's catalog
            st.session = self
            st.ctx = ExecContext(txn, self.branch_id, cat, None, session=self)
            st.tz = self.tz()  # literals of timestamptz are read in the session's TimeZone
            p = prepare(env, sql, param_types, cache=cache)
            p.token = cat.token
            return p
        finally:
            st.session, st.ctx = saved
            if own_txn:
                txn.rollback()

    def revalidate(self, p: Prepared) -> Prepared:
        """A prepared statement whose catalog changed since it was planned is planned again
        (PostgreSQL's plan-cache invalidation); a different result row type is 0A000
        "cached plan must not change result type" (drivers such as asyncpg then re-prepare)."""
        token = getattr(p, "token", None)
        if token is None or p.kind not in ("query", "dml") or self.txn is None or self.branch_id is None:
            return p
        if self.catalog(self.txn).token == token:
            return p
        np = self.prepare(p.sql, list(p.param_types))
        old = [(c.type.oid, c.typmod) for c in (p.columns or [])]
        new = [(c.type.oid, c.typmod) for c in (np.columns or [])]
        if old != new or (p.columns is None) != (np.columns is None):
            raise PgError("cached plan must not change result type", errcodes.FEATURE_NOT_SUPPORTED,
                          routine="RevalidateCachedQuery")
        return np

    def _private_catalog(self, txn) -> bool:
        from ..storage.mvcc import lkey

        return lkey(self.branch_id, C.OBJ_CATVER, b"") in txn.writes

    # ============================================================ running
    async def run_portal(self, portal: Portal, max_rows: int, describe: bool = False) -> None:
        """Execute a portal, sending RowDescription (when describe), DataRows and
        CommandComplete / PortalSuspended."""
        p = portal.prepared
        if p.kind == "ddl":
            await self._run_ddl(p)
            return
        if p.kind == "utility":
            from . import utility as U

            await U.run_utility(self, p.utility, p.sql, False, portal=portal)
            return
        if describe and p.columns is not None:
            self.out.append(self.row_description(p.columns, portal.result_formats))
        if portal.rows is not None:
            self._send_portal_rows(portal, max_rows)
            return
        buffered = p.can_block or max_rows > 0
        rows = await self._execute(p, portal.params, stream=not buffered, portal=portal)
        if buffered:
            portal.rows = rows if rows is not None else []
            portal.pos = 0
            self._send_portal_rows(portal, max_rows)

    def _send_portal_rows(self, portal: Portal, max_rows: int) -> None:
        runtime.state.session = self  # output functions (regclass...) resolve names for this session
        rows = portal.rows
        enc = portal.encoders
        start = portal.pos
        end = len(rows) if max_rows <= 0 else min(len(rows), start + max_rows)
        if rows and enc is None and portal.prepared.columns is not None:
            enc = portal.encoders = self.row_encoders(portal.prepared.columns, portal.result_formats)
        if enc is not None:
            out = self.out
            dr = P.data_row
            for r in rows[start:end]:
                out.append(dr([None if v is None else f(v) for f, v in zip(enc, r)]))
        portal.pos = end
        if max_rows > 0 and end - start == max_rows:
            # a full batch: PostgreSQL does not look ahead, the portal is suspended
            # even when no rows remain (the next Execute completes with 0 rows)
            self.out.append(P.PORTAL_SUSPENDED)
            return
        tag = portal.tag
        if max_rows > 0 and tag and tag.startswith("SELECT "):
            tag = f"SELECT {end - start}"  # rows of this Execute, as PostgreSQL counts them
        self.out.append(P.command_complete(tag))
        portal.done = True

    def row_description(self, cols, formats) -> bytes:
        fields = []
        for i, c in enumerate(cols):
            fmt = _fmt(formats, i)
            t = c.type
            typmod = c.typmod
            if t.typtype == "d":  # a domain: PostgreSQL describes the base type (printtup.c)
                if typmod == -1:
                    typmod = t.extra["typmod"] if t.extra else -1
                t = t.base
            fields.append((c.name, c.table_oid or 0, c.attnum or 0, t.oid, t.typlen if t.typlen is not None else -1,
                           typmod, fmt))
        return P.row_description(fields)

    def row_encoders(self, cols, formats):
        key = (id(cols), tuple(formats) if formats else (), id(self.tz()), self._settings_gen)
        hit = self._enc_cache.get(key)
        if hit is not None and hit[0] is cols:
            return hit[1]
        enc = self._row_encoders(cols, formats)
        if len(self._enc_cache) > 200:
            self._enc_cache.clear()
        self._enc_cache[key] = (cols, enc)
        return enc

    def _row_encoders(self, cols, formats):
        tz = self.tz()
        efd = int(self.get_guc("extra_float_digits"))
        bo = self.get_guc("bytea_output")
        ist = self.get_guc("IntervalStyle")
        ds = self.get_guc("DateStyle")
        codec = self.client_codec()
        out = []
        for i, c in enumerate(cols):
            t = c.type
            if _fmt(formats, i) == 1:
                f = t.binary_out
                out.append(f)
            else:
                to = t.text_out_for(tz, efd, bo, ist, ds)
                if t is T.RECORD and getattr(c, "field_types", None):
                    from ..sql.exprs import record_text_fn

                    to = record_text_fn(c.field_types)
                if codec is None:
                    out.append(lambda v, to=to: to(v).encode("utf-8", "surrogatepass"))
                else:
                    out.append(lambda v, to=to, enc=codec.encode: enc(to(v)))
        return out

    def _new_ctx(self, p: Prepared | None, params) -> ExecContext:
        txn = self.txn
        cat = self.catalog(txn)
        ctx = ExecContext(txn, self.branch_id, cat,
                          lambda oid, cat=cat: self.table_store(cat.relations[oid], cat), session=self,
                          params=list(params))
        ctx.fk = FkActions(lambda table, attnum, cat=cat: self._default_fn(cat, table, attnum))
        st = int(self.get_guc("statement_timeout"))
        if st > 0:
            ctx.deadline = time.monotonic() + st / 1000.0
        as_of = self.get_guc("helios.as_of")
        if as_of:
            if p is not None and p.kind == "dml":
                raise PgError(f"cannot execute {p.tag} while helios.as_of is set", errcodes.READ_ONLY_SQL_TRANSACTION,
                              hint="RESET helios.as_of to write; AS OF reads show the past, writes go to the present.")
            a = as_of.strip()
            spec = ("seq", int(a[4:])) if a.lower().startswith("seq ") and a[4:].strip().isdigit() else ("timestamp", a)
            ctx.snapshot_override = self.resolve_as_of(spec, ctx)
        return ctx

    def _default_fn(self, cat, table, attnum):
        rel = cat.relations[table]
        col = rel.column_by_attnum(attnum)
        if col is None:
            return None
        from ..sql.analyze import Analyzer
        from ..sql.dml import default_expr
        from ..exec.expr import eval_const

        e = default_expr(Analyzer(self.env_for(cat)), col, rel)
        return lambda: eval_const(e)

    def _style(self) -> tuple:
        """(key, date order, DateStyle, IntervalStyle, transaction start datetime, settings tuple),
        recomputed only when a setting, the GUC dicts (SET/RESET/rollback) or the transaction
        start changed: bind_runtime runs for every statement and message."""
        # local_gucs and gucs change content only through set_guc / rollbacks, which bump
        # _settings_gen; a transaction's fresh empty local_gucs changes nothing
        key = (self._settings_gen, self.txn_start, id(self.gucs), bool(self.local_gucs))
        c = self._style_cache
        if c is None or c[0] != key:
            import datetime as dt

            start = dt.datetime.fromtimestamp(self.txn_start, dt.timezone.utc)
            if c is not None and c[0][0] == key[0] and c[0][2:] == key[2:]:
                # a new transaction, same settings
                c = self._style_cache = (key, c[1], c[2], c[3], start, c[5])
                return c
            ds = self.get_guc("DateStyle")
            ist = self.get_guc("IntervalStyle")
            c = self._style_cache = (key, ds.rpartition(",")[2].strip() or "MDY", ds, ist, start,
                                     (self.get_guc("TimeZone"), ds, ist))
        return c

    def client_codec(self):
        """The heliosd.wire.encodings.Codec for client_encoding, or None (UTF8, SQL_ASCII)."""
        key = (self._settings_gen, id(self.gucs), bool(self.local_gucs))
        c = self.__dict__.get("_codec_cache")
        if c is None or c[0] != key:
            from ..wire.encodings import codec_for

            c = self._codec_cache = (key, codec_for(self.get_guc("client_encoding")))
        return c[1]

    def style_settings(self) -> tuple:
        """(TimeZone, DateStyle, IntervalStyle): settings that change how literals are read,
        so analysis results (folded constants) depend on them; also sets the input ContextVars
        of heliosd.types (DateStyle's field order, IntervalStyle) for this connection's task."""
        c = self._style()
        T.date_order.set(c[1])
        T.date_style.set(c[2])
        T.interval_style.set(c[3])
        T.current_timestamp.set(c[4])  # 'now', 'today': the transaction's start
        return c[5]

    def bind_runtime(self, ctx, phys=None) -> None:
        st = runtime.state
        st.session = self
        st.ctx = ctx
        st.tz = self.tz()
        st.txn_start = self.style_settings() and self._style_cache[4]
        if phys is not None:
            prm = phys.params
            prm[:] = ctx.params

    @property
    def _txn_start_dt(self):
        return self._style()[4]

    async def _execute(self, p: Prepared, params, stream: bool, portal: Portal | None = None):
        """Run a query/DML prepared statement.  Streams DataRows when ``stream``;
        otherwise returns the rows.  Sets portal.tag."""
        txn = self.txn
        txn.ran_query = True
        if txn.read_only and (p.kind == "dml" or p.has_locks) and not _temp.dml_only_on_temp(p):
            what = p.tag if p.kind == "dml" else p.has_locks
            raise PgError(f"cannot execute {what} in a read-only transaction", errcodes.READ_ONLY_SQL_TRANSACTION)
        sp = txn.savepoint()
        phys = p.get_physical()
        waits = 0
        writes = p.kind == "dml" or (p.can_block and not p.has_locks)
        fresh = True
        while True:
            if fresh:
                txn.new_statement()
            else:
                txn.restart_statement()
            ctx = self._new_ctx(p, params)
            self.current_ctx = ctx
            self.bind_runtime(ctx, phys)
            rows = [] if not stream else None
            enc = None
            if stream and p.columns is not None:
                enc = self.row_encoders(p.columns, portal.result_formats if portal else [])
            n = 0
            running = False
            sliced = False
            try:
                if writes:
                    txn.lock(branch_write_lock(self.branch_id), SHARE)
                running = True
                last = time.monotonic()
                gen = phys.root.run(ctx)
                out = self.out
                dr = P.data_row
                while True:
                    self.bind_runtime(ctx, phys)
                    try:
                        batch = next(gen)
                    except StopIteration:
                        break
                    if getattr(ctx, "sleep_for", 0.0):
                        await self._pg_sleep(ctx)
                    if batch:
                        n += len(batch)
                        if stream:
                            if enc is not None:
                                for r in batch:
                                    out.append(dr([None if v is None else f(v) for f, v in zip(enc, r)]))
                            if len(out) > 256:
                                await self.flush()
                        else:
                            rows.extend(batch)
                    now = time.monotonic()
                    if now - last > _slice():
                        ctx.check()
                        if not sliced:
                            sliced = True
                            _LONG[0] += 1
                        await asyncio.sleep(0)
                        last = time.monotonic()
                ctx.check()
                ctx.run_fk_checks()
            except WouldBlock as wb:
                txn.rollback_to(sp)
                self._flush_notices(ctx)
                await self._wait_lock(wb.waiter, ctx)
                waits += 1
                # DML that waited for a row lock re-runs on the same snapshot: the rows
                # it locks are re-checked on their newest versions (EvalPlanQual,
                # exec/dml.py); SELECT ... FOR UPDATE/SHARE has no row re-check and
                # re-runs on a new snapshot, as does a statement that waited for the
                # branch write lock before it ran (PostgreSQL's executor snapshot
                # follows the relation locks)
                fresh = p.kind != "dml" or not running
                continue
            except RestartStatement:
                # a row this DML locked vanished (deleted, or moved to another key
                # by a primary-key update): re-run with a new snapshot
                txn.rollback_to(sp)
                self._flush_notices(ctx)
                waits += 1
                fresh = True
                continue
            except PgError:
                self._flush_notices(ctx)
                self.current_ctx = None
                raise
            finally:
                runtime.state.ctx = None
                if sliced:
                    _LONG[0] -= 1
            self._flush_notices(ctx)
            self.current_ctx = None
            break
        count = ctx.processed if p.kind == "dml" else n
        tag = p.tag
        if tag == "INSERT":
            tag = f"INSERT 0 {count}"
        else:
            tag = f"{tag} {count}"
        if portal is not None:
            portal.tag = tag
        if stream:
            self.out.append(P.command_complete(tag))
            if portal is not None:
                portal.done = True
        return rows

    async def _pg_sleep(self, ctx) -> None:
        """pg_sleep() records its time on the context (it runs inside a compiled expression and cannot
        await); the driver waits here without blocking the event loop, honouring cancel and timeouts."""
        end = time.monotonic() + ctx.sleep_for
        ctx.sleep_for = 0.0
        while True:
            ctx.check()
            rem = end - time.monotonic()
            if rem <= 0:
                return
            await asyncio.sleep(min(rem, 0.05))

    async def _wait_lock(self, waiter, ctx) -> None:
        self.waiting = True
        self.state = "active"
        try:
            lt = int(self.get_guc("lock_timeout"))
            timeout = lt / 1000.0 if lt > 0 else None
            if ctx.deadline is not None:
                rem = ctx.deadline - time.monotonic()
                timeout = rem if timeout is None else min(timeout, rem)
                if rem <= 0:
                    self.store.locks.cancel_wait(waiter)
                    raise QueryCanceled("canceling statement due to statement timeout")
            fut = waiter.future
            if fut is None:
                raise PgError("lock wait without a future", errcodes.INTERNAL_ERROR)
            self._waiting_future = fut
            try:
                await asyncio.wait_for(asyncio.shield(fut), timeout)
            except asyncio.TimeoutError:
                self.store.locks.cancel_wait(waiter)
                if ctx.deadline is not None and time.monotonic() >= ctx.deadline - 0.001:
                    raise QueryCanceled("canceling statement due to statement timeout") from None
                from ..errors import LockNotAvailable

                raise LockNotAvailable("canceling statement due to lock timeout") from None
            except asyncio.CancelledError:
                self.store.locks.cancel_wait(waiter)
                raise
            if ctx.cancelled or self.cancel_pending:
                self.store.locks.cancel_wait(waiter)
                self.cancel_pending = False
                raise QueryCanceled()
        finally:
            self.waiting = False
            self._waiting_future = None

    def cancel(self, reason=None) -> None:
        """A CancelRequest for this session: cancel the running statement (57014)."""
        ctx = self.current_ctx
        if ctx is not None:
            ctx.cancelled = True
            ctx.cancel_reason = reason
        fut = getattr(self, "_waiting_future", None)
        if fut is not None and not fut.done():
            self.cancel_pending = True
            fut.set_result(False)

    async def _run_ddl(self, p: Prepared) -> None:
        self.txn.ran_query = True
        if self.txn.read_only:
            raise PgError(f"cannot execute {p.tag} in a read-only transaction", errcodes.READ_ONLY_SQL_TRANSACTION)
        from ..sql.ddl import DdlCtx

        txn = self.txn
        sp = txn.savepoint()
        while True:
            txn.new_statement()
            notices = []
            dctx = DdlCtx(txn, self.branch_id, lambda: self.catalog(txn),
                          lambda rel, cat: self.table_store(rel, cat),
                          lambda cat: None, self.search_path(), self.role["oid"],
                          lambda msg, code="00000", severity="NOTICE", **kw: notices.append(
                              PgError(msg, code, severity=severity, **kw)))
            dctx.session = self
            ctx = ExecContext(txn, self.branch_id, None, None, session=self)
            self.bind_runtime(ctx)
            try:
                txn.lock(branch_write_lock(self.branch_id), SHARE)
                tag = p.ddl.run(dctx)
                ctx.run_fk_checks()
            except WouldBlock as wb:
                txn.rollback_to(sp)
                await self._wait_lock(wb.waiter, ctx)
                continue
            finally:
                runtime.state.ctx = None
            for n in notices:
                self._notice(n)
            break
        self.out.append(P.command_complete(tag or p.tag))

    async def flush(self) -> None:
        if self.conn is not None:
            await self.conn.flush()

    # ============================================================ AS OF
    def resolve_as_of(self, spec, ctx) -> int:
        """The snapshot (commit seq) of an AS OF point on the session's branch.

        ``('seq', n)`` or ``('timestamp', text | value | compiled expr)``.  The
        point must lie in the retention window (server option --retention,
        default 3600 s: 72000 snapshot_too_old otherwise) and not before the
        branch was created (22023): a branch's history starts at its fork,
        so time travel never shows what an ancestor held before it."""
        kind, val = spec[0], spec[1]
        store = self.store
        window = store.retention_seconds
        too_old = PgError(f"AS OF point is outside the retention window ({int(window)} seconds)",
                          errcodes.SNAPSHOT_TOO_OLD,
                          hint="The server keeps history for --retention seconds (retention in the config file).")
        if kind == "seq":
            seq = int(val)
            if seq < 0:
                raise too_old
            if seq > store.latest:
                raise PgError(f"AS OF SEQ {seq} is after the newest commit ({store.latest})",
                              errcodes.INVALID_PARAMETER_VALUE)
        else:
            if callable(val):
                v = val((), ())
            else:
                v = T.TIMESTAMPTZ.text_in(val, -1, self.tz()) if isinstance(val, str) else val
            import datetime as dt

            if isinstance(v, dt.datetime):
                if v.tzinfo is None:
                    v = v.replace(tzinfo=self.tz() if not isinstance(self.tz(), str) else dt.timezone.utc)
                ts = v.timestamp()
            else:
                ts = float(v)
            now = store.clock()
            if ts > now + 1:
                raise PgError("AS OF timestamp is in the future", errcodes.INVALID_PARAMETER_VALUE)
            if window <= 0 or ts < now - window:
                raise too_old
            seq = store.seq_at_time(ts)
        horizon = store.horizon() if window > 0 else store.latest
        if seq < horizon:
            raise too_old
        bid = ctx.bid if ctx is not None and getattr(ctx, "bid", None) is not None else self.branch_id
        info = store.branches.get(bid)
        if info is not None and seq < info.created_seq:
            raise PgError(f'branch "{self.branch_name}" did not exist at that point', errcodes.INVALID_PARAMETER_VALUE,
                          detail="A branch's history starts when it is created.")
        return seq

    # ============================================================ advisory locks
    def advisory_xact_release(self) -> None:
        if self.advisory_locks:
            from ..exec.functions import advisory

            advisory.release(self, xact_only=True)

    def close(self) -> None:
        if self.txn is not None:
            self._rollback_txn()
        self.cluster.unregister(self)
        _temp.schedule_cleanup(self)
        if self.advisory_locks:
            from ..exec.functions import advisory

            advisory.release(self, xact_only=False)


def _fmt(formats, i) -> int:
    if not formats:
        return 0
    if len(formats) == 1:
        return formats[0]
    return formats[i] if i < len(formats) else 0


def _parse_options(opts: str):
    """Parse libpq's options string: '-c name=value -c x=y' (with backslash escapes)."""
    toks = []
    cur = []
    i = 0
    while i < len(opts):
        ch = opts[i]
        if ch == "\\" and i + 1 < len(opts):
            cur.append(opts[i + 1])
            i += 2
            continue
        if ch.isspace():
            if cur:
                toks.append("".join(cur))
                cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    if cur:
        toks.append("".join(cur))
    out = []
    j = 0
    while j < len(toks):
        t = toks[j]
        if t == "-c" and j + 1 < len(toks):
            kv = toks[j + 1]
            j += 2
        elif t.startswith("-c"):
            kv = t[2:]
            j += 1
        elif t.startswith("--"):
            kv = t[2:]
            j += 1
        else:
            j += 1
            continue
        if "=" in kv:
            k, v = kv.split("=", 1)
            out.append((k.replace("-", "_") if "." not in k else k, v))
    return out


def _split_path(raw: str) -> list[str]:
    out = []
    for part in raw.split(","):
        p = part.strip()
        if not p:
            continue
        if p.startswith('"') and p.endswith('"'):
            out.append(p[1:-1].replace('""', '"'))
        else:
            out.append(p.lower())
    return out


def _normalize_search_path(value: str) -> str:
    parts = []
    for part in value.split(","):
        p = part.strip()
        if not p:
            continue
        if p.startswith('"'):
            parts.append(p)
        elif p == "$user":
            parts.append('"$user"')
        else:
            parts.append(p.lower() if p.isidentifier() or p.replace("_", "").isalnum() else f'"{p}"')
    return ", ".join(parts)
