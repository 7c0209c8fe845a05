"""The execution context of one statement run."""

from __future__ import annotations

import time

from .. import errcodes
from ..errors import PgError, QueryCanceled


class ExecContext:
    """Everything operators need while a statement runs.

    ``params`` is the list object the compiled expressions read as ``p``;
    the executor fills it in place before each run (see expr.compile_expr).
    """

    def __init__(self, txn, bid, catalog, table_store, session=None, params=None):
        self.txn = txn
        self.bid = bid
        self.catalog = catalog
        self.table_store = table_store  # oid -> TableStore
        self.session = session
        self.params = params if params is not None else []
        self.outer: tuple = ()
        self.cte_cache: dict = {}
        self.subplan_cache: dict = {}
        self.deadline: float | None = None
        self.cancelled = False
        self.cancel_reason = None
        self.rows_processed = 0
        self.analyze = False  # EXPLAIN ANALYZE counters
        self.snapshot_override = None
        self.fk = None  # foreign-key action handler (exec.dml.FkActions)
        self.processed = 0  # rows affected (command tag)
        self.notices: list = []
        self.fk_pending: dict | None = None

    def check(self) -> None:
        """Called at yield points: honour cancellation and statement_timeout."""
        if self.cancelled:
            raise QueryCanceled(self.cancel_reason or "canceling statement due to user request")
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise QueryCanceled("canceling statement due to statement timeout")

    # FK hooks called by TableStore (delegated to exec.dml)
    def on_parent_delete(self, store, bid, key, old):
        if self.fk is not None:
            self.fk.parent_delete(self, store, bid, key, old)

    def on_parent_update(self, store, bid, key, old, new):
        if self.fk is not None:
            self.fk.parent_update(self, store, bid, key, old, new)

    # ------------------------------------------------------------- AFTER-trigger style checks
    def queue_fk_check(self, item, con) -> None:
        """Referential checks run at statement end (NO ACTION, referencing side)
        or at COMMIT for INITIALLY DEFERRED constraints (PostgreSQL's RI
        triggers).  Duplicates collapse."""
        sess = self.session
        if con.deferrable and sess is not None:
            mode = getattr(sess, "constraints_mode", None)
            if mode == "deferred" or (mode is None and con.deferred):
                sess.defer_fk_check(item, con)
                return
        if self.fk_pending is None:
            self.fk_pending = {}
        self.fk_pending[item] = con

    def run_fk_checks(self) -> None:
        while self.fk_pending:
            pending, self.fk_pending = self.fk_pending, None
            for item, con in pending.items():
                run_fk_check(self, item, con)

    def notice(self, message: str, code: str = "00000", **kw):
        self.notices.append(PgError(message, code, severity="NOTICE", **kw))


_ = errcodes


def run_fk_check(ctx, item, con) -> None:
    kind = item[0]
    if kind == "child":
        store = ctx.table_store(item[1])
        store.run_child_check(ctx.txn, ctx.bid, con, item[3], ctx)
    elif kind == "parent":
        ctx.fk.check_still_referenced(ctx, item, con)
    elif kind == "unique":
        ctx.table_store(item[1]).run_unique_check(ctx.txn, ctx.bid, item[2], item[3])
