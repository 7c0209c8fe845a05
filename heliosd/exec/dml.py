"""INSERT, UPDATE, DELETE operators and foreign-key actions.

Row-level concurrency follows PostgreSQL's rules:

1. UPDATE/DELETE find rows with the statement's snapshot, then lock each
   target row.  A concurrent writer's lock makes the lock manager raise
   WouldBlock: the session rolls the statement back to its savepoint, waits,
   and re-runs it *on the same snapshot* (the rows locked so far stay
   locked), so the scan finds the same rows as before the wait.
2. After the lock, the newest committed version is read.  READ COMMITTED: if
   it differs from the version the scan saw, the row's own quals are
   re-checked on the newest version and the SET list is computed from it
   (PostgreSQL's EvalPlanQual: ``SET x = x + 1`` never loses an update, and a
   row that no longer matches is skipped; rows the snapshot did not match
   are not reconsidered).  A row that vanished was deleted or moved to a new
   key by a primary-key update; heliosd keeps no link to the new key, so the
   statement restarts on a fresh snapshot (:class:`RestartStatement`) where
   PostgreSQL would follow the update chain.
3. REPEATABLE READ/SERIALIZABLE instead fail with 40001 when the locked row
   changed or vanished after the snapshot (here, and by commit sequence in
   TableStore._base_for_write).
4. A row already changed by this statement (a cascade, a join producing it
   twice) is not changed again.
"""

from __future__ import annotations

from .. import errcodes
from ..errors import PgError
from ..storage.locks import EXCLUSIVE
from .operators import BATCH, Op


class InsertOp(Op):
    def __init__(self, store, child, returning_fn=None, conflict=None, label=None):
        self.children = (child,)
        self.store = store
        self.returning_fn = returning_fn
        self.conflict = conflict  # ConflictSpec or None
        self.returning_xmax = False  # append the xmax system column to rows given to RETURNING
        self.label = label or f"Insert on {store.rel.name}"

    def run(self, ctx):
        store = self.store
        txn = ctx.txn
        bid = ctx.bid
        ret = self.returning_fn
        o = ctx.outer
        conflict = self.conflict
        xmax = self.returning_xmax
        for b in self.children[0].run(ctx):
            out = []
            for row in b:
                if conflict is not None:
                    # PostgreSQL's ExecInsert checks NOT NULL/CHECK on the proposed row before the
                    # speculative insertion looks for a conflict
                    if store.generated:
                        row = store.apply_generated(row)
                    store.check_row(row, ctx)
                    handled, res_row = conflict.handle(ctx, store, row)
                    if handled:
                        if res_row is not None:
                            ctx.processed += 1
                            if ret is not None:
                                out.append(ret(res_row + (int(txn.txid),), o) if xmax else ret(res_row, o))
                        continue
                if store.generated:
                    row = store.apply_generated(row)
                store.insert(txn, bid, row, ctx)
                ctx.processed += 1
                if ret is not None:
                    out.append(ret(row + (0,), o) if xmax else ret(row, o))
            yield out


class ConflictSpec:
    """ON CONFLICT (arbiter) DO NOTHING | DO UPDATE SET ... [WHERE ...]."""

    def __init__(self, arbiters, action, set_fn=None, where_fn=None):
        self.arbiters = arbiters  # list of IndexInfo (None entries = primary key)
        self.action = action  # 'nothing' | 'update'
        self.set_fn = set_fn  # f(existing_row + excluded_row) -> new row
        self.where_fn = where_fn

    def handle(self, ctx, store, row):
        """(handled, row to return or None)."""
        from ..storage import keycode
        from ..storage.mvcc import lkey

        txn = ctx.txn
        bid = ctx.bid
        arbs = self.arbiters if self.arbiters else ([None] + [i for i in store.indexes if i.unique])
        for info in arbs:
            if info is None or info.primary:
                if store.pk is None:
                    continue
                key = store.row_key(row)
                txn.lock(lkey(bid, store.oid, key), EXCLUSIVE)
                v = txn.get(bid, store.oid, key, latest=True)
                existing = None if v is None else (key, store.decode_row(v))
            else:
                if info.pred is not None and info.pred(row) is not True:
                    continue
                vals = info.key_fn(row)
                if not info.nulls_not_distinct and any(x is None for x in vals):
                    continue
                prefix = keycode.encode_key(vals, info.desc, info.nulls_first)
                txn.lock(lkey(bid, info.oid, prefix), EXCLUSIVE)
                existing = None
                for _ik, pk in txn.scan(bid, info.oid, prefix, keycode.prefix_successor(prefix), latest=True):
                    v = txn.get(bid, store.oid, pk, latest=True)
                    if v is not None:
                        existing = (pk, store.decode_row(v))
                        break
            if existing is None:
                continue
            if self.action == "nothing":
                return True, None
            key, old = existing
            store.lock_row(txn, bid, key, EXCLUSIVE)
            seen = ctx.__dict__.setdefault("_conflict_updated", set())
            if key in seen:
                raise PgError("ON CONFLICT DO UPDATE command cannot affect row a second time",
                              errcodes.CARDINALITY_VIOLATION,
                              hint="Ensure that no rows proposed for insertion within the same command have "
                                   "duplicate constrained values.")
            combined = old + row
            if self.where_fn is not None and not self.where_fn(combined, ctx.outer):
                return True, None
            new = self.set_fn(combined, ctx.outer)
            store.update(txn, bid, key, old, new, ctx)
            seen.add(key)
            return True, new
        return False, None


class UpdateOp(Op):
    """Child rows: target row (ncols) + key + any FROM columns."""

    def __init__(self, store, child, set_fn, returning_fn=None, recheck_fn=None, label=None):
        self.children = (child,)
        self.store = store
        self.set_fn = set_fn  # f(child_row) -> new target row
        self.returning_fn = returning_fn  # f(new_row + child_row[ncols+1:]) -> tuple
        self.recheck_fn = recheck_fn  # f(target_row) -> bool (target quals)
        self.label = label or f"Update on {store.rel.name}"

    def run(self, ctx):
        store = self.store
        txn = ctx.txn
        bid = ctx.bid
        nc = store.ncols
        o = ctx.outer
        done = set()
        ret = self.returning_fn
        for b in self.children[0].run(ctx):
            out = []
            for crow in b:
                key = crow[nc]
                if key in done:
                    continue
                cur = _lock_and_refresh(ctx, store, key, crow[:nc], self.recheck_fn)
                if cur is None:
                    continue
                if cur is not crow[:nc]:
                    crow = cur + crow[nc:]
                new = self.set_fn(crow, o)
                if store.generated:
                    new = store.apply_generated(new)
                store.update(txn, bid, key, cur, new, ctx)
                done.add(key)
                ctx.processed += 1
                if ret is not None:
                    out.append(ret(new + crow[nc:], o))
            yield out


class DeleteOp(Op):
    def __init__(self, store, child, returning_fn=None, recheck_fn=None, label=None):
        self.children = (child,)
        self.store = store
        self.returning_fn = returning_fn
        self.recheck_fn = recheck_fn
        self.label = label or f"Delete on {store.rel.name}"

    def run(self, ctx):
        store = self.store
        txn = ctx.txn
        bid = ctx.bid
        nc = store.ncols
        o = ctx.outer
        done = set()
        ret = self.returning_fn
        for b in self.children[0].run(ctx):
            out = []
            for crow in b:
                key = crow[nc]
                if key in done:
                    continue
                cur = _lock_and_refresh(ctx, store, key, crow[:nc], self.recheck_fn)
                if cur is None:
                    continue
                store.delete(txn, bid, key, cur, ctx)
                done.add(key)
                ctx.processed += 1
                if ret is not None:
                    out.append(ret(cur + crow[nc:], o))
            yield out


class RestartStatement(Exception):
    """READ COMMITTED: re-run the statement on a new snapshot (see rule 2 above)."""


def _lock_and_refresh(ctx, store, key, seen_row, recheck):
    """Lock the row; return its newest version if it still qualifies, else None."""
    from ..errors import SerializationFailure
    from ..storage.mvcc import lkey

    txn = ctx.txn
    bid = ctx.bid
    store.lock_row(txn, bid, key, EXCLUSIVE)
    v = txn.get(bid, store.oid, key, latest=True)
    own = lkey(bid, store.oid, key) in txn.writes
    if v is None:
        if own:
            return None  # deleted by this transaction (earlier in this statement)
        if txn.repeatable:
            raise SerializationFailure("could not serialize access due to concurrent delete")
        raise RestartStatement()
    cur = store.decode_row(v)
    if cur == seen_row:
        return seen_row
    if own:
        # the scan saw this transaction's own version: it changed during this
        # statement (cascade, trigger, a second join row): leave it alone
        return None
    if txn.repeatable:
        raise SerializationFailure()
    if recheck is not None and not recheck(cur, ctx.outer):
        return None
    return cur


# ----------------------------------------------------------------- foreign keys


class FkActions:
    """Referential actions when a referenced (parent) row is deleted or its key changes."""

    def __init__(self, default_fns):
        self.default_fns = default_fns  # (table oid, attnum) -> f() -> default value

    def _children(self, ctx, store, con, vals):
        child = ctx.table_store(con.table)
        rows = child.find_by_columns(ctx.txn, ctx.bid, con.columns, vals, latest=True)
        return child, rows

    def _error(self, ctx, store, con, vals):
        from ..engine.table import format_value, quote_ident

        child_rel = ctx.catalog.relations[con.table]
        cols = ", ".join(quote_ident(store.live[store.pos[a]].name) for a in con.ref_columns)
        shown = ", ".join(format_value(v, store.live[store.pos[a]].type_oid) for v, a in zip(vals, con.ref_columns))
        return PgError(
            f'update or delete on table "{store.rel.name}" violates foreign key constraint "{con.name}" '
            f'on table "{child_rel.name}"', errcodes.FOREIGN_KEY_VIOLATION,
            detail=f'Key ({cols})=({shown}) is still referenced from table "{child_rel.name}".',
            table=child_rel.name, constraint=con.name)

    def parent_delete(self, ctx, store, bid, key, old):
        for con in store.referenced_by:
            vals = tuple(old[store.pos[a]] for a in con.ref_columns)
            if any(v is None for v in vals):
                continue
            self._parent_action(ctx, store, bid, con, con.on_delete, vals, None)

    def parent_update(self, ctx, store, bid, key, old, new):
        for con in store.referenced_by:
            ovals = tuple(old[store.pos[a]] for a in con.ref_columns)
            nvals = tuple(new[store.pos[a]] for a in con.ref_columns)
            if ovals == nvals or any(v is None for v in ovals):
                continue
            self._parent_action(ctx, store, bid, con, con.on_update, ovals, nvals)

    def _parent_action(self, ctx, store, bid, con, act, vals, nvals):
        if act == "a":
            # NO ACTION: checked at the end of the statement (or at COMMIT if deferred)
            ctx.queue_fk_check(("parent", store.oid, con.oid, vals), con)
            return
        child, rows = self._children(ctx, store, con, vals)
        if not rows:
            return
        if act == "r":
            raise self._error(ctx, store, con, vals)
        for ckey, crow in rows:
            child.lock_row(ctx.txn, bid, ckey, EXCLUSIVE)
            v = ctx.txn.get(bid, child.oid, ckey, latest=True)
            if v is None:
                continue
            crow = child.decode_row(v)
            if act == "c" and nvals is None:
                child.delete(ctx.txn, bid, ckey, crow, ctx)
                continue
            nrow = list(crow)
            for i, a in enumerate(con.columns):
                p = child.pos[a]
                if act == "c":
                    nrow[p] = nvals[i]
                elif act == "n":
                    nrow[p] = None
                else:
                    nrow[p] = self._default(ctx, con.table, a)
            child.update(ctx.txn, bid, ckey, crow, tuple(nrow), ctx)
            if act == "d" and tuple(nrow[child.pos[a]] for a in con.columns) == vals:
                # the default still points at the row being removed (ri_triggers.c)
                raise self._error(ctx, store, con, vals)

    def check_still_referenced(self, ctx, item, con):
        """Deferred NO ACTION check: the old key is gone from the parent but a
        child row still references it."""
        _kind, parent_oid, _c, vals = item
        parent = ctx.table_store(parent_oid)
        if parent.find_by_columns(ctx.txn, ctx.bid, con.ref_columns, vals, latest=True):
            return  # the key exists again (e.g. updated back, or re-inserted)
        child, rows = self._children(ctx, parent, con, vals)
        if rows:
            raise self._error(ctx, parent, con, vals)

    def _default(self, ctx, table, attnum):
        f = self.default_fns(table, attnum) if callable(self.default_fns) else None
        return f() if f is not None else None


_ = BATCH
