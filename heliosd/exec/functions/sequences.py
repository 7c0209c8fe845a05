"""Sequence functions: nextval, currval, setval, lastval.

Semantics (PostgreSQL's sequence.c)
===================================

1. nextval/setval are **not transactional**: a value handed out is never
   handed out again on that branch, even if the calling transaction rolls
   back.  Their storage writes go through a separate tiny storage
   transaction committed at once (``Store.commit_sync(durable=False)``),
   never through the session's transaction.
2. Each branch has its own sequence state (the key lives in the branch's
   keyspace), and a fork starts from its parent's state at the fork point:
   the child continues after everything the parent had reserved by then.
3. currval/lastval are per session (``Session.currvals``/``lastval``).

Preallocation (PostgreSQL's SEQ_LOG_VALS)
-----------------------------------------
Writing storage for every nextval would make a pgbench-style insert pay a
commit per row.  Instead the stored value is a *reservation*: storage says
``(R, is_called=True)`` while the process hands out values up to ``R`` from
an in-memory cache (``cluster.sequence_cache[(branch, oid)]``).  Only when
the next value passes ``R`` is a new reservation (32 steps ahead, clamped to
the bounds) written.  After a crash or restart the cache is gone and
nextval continues after ``R``: values are skipped, never repeated -- the
same trade-off PostgreSQL makes.  A reservation write precedes every durable
commit that could have stored one of its values (lmdb syncs the whole
environment), so a durable row never carries a value the restarted server
can hand out again.

Cache validity: every nextval reads the stored tuple (a cheap KV get, newest
committed state plus the session transaction's own writes); the cache entry
remembers the tuple it was derived from, and any difference (CREATE, ALTER
SEQUENCE RESTART, DDL in the current transaction, another branch
generation) reinitialises it from storage.  The sequence's definition
(increment, bounds, cycle) is re-read from the catalog on every call.
Everything runs on the event loop thread without awaiting, so concurrent
sessions see one consistent cache.
"""

from __future__ import annotations

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime
from . import register

SEQ_LOG_VALS = 32


class _SeqState:
    __slots__ = ("last", "called", "reserved", "stored")

    def __init__(self, last, called, reserved, stored):
        self.last = last
        self.called = called
        self.reserved = reserved  # highest (lowest, for negative increments) value covered by storage
        self.stored = stored  # the storage tuple this state corresponds to


def _C():
    from ...engine import catalog as C

    return C


def _seq_rel(oid):
    ctx = runtime.state.ctx
    if ctx is None:
        raise PgError("sequence functions need a running statement", errcodes.INTERNAL_ERROR)
    rel = ctx.catalog.relations.get(oid) if ctx.catalog is not None else None
    if rel is None:
        raise PgError(f"could not open relation with OID {oid}", errcodes.UNDEFINED_TABLE)
    if rel.kind != "S" or rel.seq is None:
        raise PgError(f'"{rel.name}" is not a sequence', errcodes.WRONG_OBJECT_TYPE)
    return ctx, rel


def _cache():
    s = runtime.state.session
    if s is not None and getattr(s, "cluster", None) is not None:
        return s.cluster.sequence_cache
    return _LOCAL_CACHE


_LOCAL_CACHE: dict = {}


def _stored(ctx, oid):
    C = _C()
    v = C.read_sequence(ctx.txn, ctx.bid, oid, latest=True)
    return tuple(v) if v is not None else None


def _own_pending(ctx, oid) -> bool:
    """Did the session's transaction itself write this sequence's row (DDL in this transaction)?"""
    from ...storage import keycode
    from ...storage.mvcc import _pack_II

    C = _C()
    return (_pack_II(ctx.bid, C.OBJ_SEQVALS) + keycode.enc_int(oid)) in ctx.txn.writes


def _write(ctx, oid, value, called):
    """Write the sequence row outside the session's transaction (committed immediately)."""
    C = _C()
    if _own_pending(ctx, oid):
        # the sequence was created/altered by this (uncommitted) transaction: its row lives there
        C.write_sequence(ctx.txn, ctx.bid, oid, value, called)
        return (value, called)
    store = ctx.txn.store
    t = store.begin()
    try:
        C.write_sequence(t, ctx.bid, oid, value, called)
        store.commit_sync(t, durable=False)
    except BaseException:
        if getattr(t, "active", False):
            try:
                t.rollback()
            except Exception:  # noqa: BLE001 - best effort
                pass
        raise
    return (value, called)


def _state(ctx, rel):
    key = (ctx.bid, rel.oid)
    cache = _cache()
    stored = _stored(ctx, rel.oid)
    st = cache.get(key)
    if st is None or st.stored != stored:
        if stored is None:
            last, called = rel.seq.start, False
        else:
            last, called = stored
        # a stored row is either exact (DDL, setval) or our own reservation: either way nothing
        # beyond it was handed out, so it is also the reservation bound
        st = _SeqState(last, called, last, stored)
        cache[key] = st
    return st


def _limit_error(rel, inc):
    s = rel.seq
    if inc > 0:
        return PgError(f'nextval: reached maximum value of sequence "{rel.name}" ({s.max})',
                       errcodes.SEQUENCE_GENERATOR_LIMIT_EXCEEDED)
    return PgError(f'nextval: reached minimum value of sequence "{rel.name}" ({s.min})',
                   errcodes.SEQUENCE_GENERATOR_LIMIT_EXCEEDED)


def _check_writable(ctx, what, rel=None):
    # a temporary sequence may change in a read-only transaction (PostgreSQL's PreventCommandIfReadOnly
    # is skipped for temp relations)
    if getattr(ctx.txn, "read_only", False) and getattr(rel, "persistence", "p") != "t":
        raise PgError(f"cannot execute {what}() in a read-only transaction", errcodes.READ_ONLY_SQL_TRANSACTION)


def nextval(oid):
    ctx, rel = _seq_rel(oid)
    _check_writable(ctx, "nextval", rel)
    s = rel.seq
    inc = s.increment
    st = _state(ctx, rel)
    wrapped = False
    if not st.called:
        v = st.last
        if (inc > 0 and v > s.max) or (inc < 0 and v < s.min):
            raise _limit_error(rel, inc)
    else:
        v = st.last + inc
        if (inc > 0 and v > s.max) or (inc < 0 and v < s.min):
            if not s.cycle:
                raise _limit_error(rel, inc)
            v = s.min if inc > 0 else s.max
            wrapped = True
    need = wrapped or not st.called or (v > st.reserved if inc > 0 else v < st.reserved) or st.stored is None
    if need:
        r = v + inc * (SEQ_LOG_VALS - 1)
        r = min(r, s.max) if inc > 0 else max(r, s.min)
        st.stored = _write(ctx, oid, r, True)
        st.reserved = r
    st.last = v
    st.called = True
    sess = runtime.state.session
    if sess is not None:
        sess.currvals[oid] = v
        sess.lastval = (oid, v)
    return v


def currval(oid):
    sess = runtime.state.session
    v = sess.currvals.get(oid) if sess is not None else None
    if v is None:
        _ctx, rel = _seq_rel(oid)
        raise PgError(f'currval of sequence "{rel.name}" is not yet defined in this session',
                      errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
    return v


def lastval():
    sess = runtime.state.session
    lv = getattr(sess, "lastval", None) if sess is not None else None
    if lv is None:
        raise PgError("lastval is not yet defined in this session", errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
    if isinstance(lv, tuple):
        oid, v = lv
        ctx = runtime.state.ctx
        if ctx is not None and ctx.catalog is not None and oid not in ctx.catalog.relations:
            raise PgError("lastval is not yet defined in this session", errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
        return v
    return lv


def setval(oid, v, called=True):
    ctx, rel = _seq_rel(oid)
    _check_writable(ctx, "setval")
    s = rel.seq
    if v < s.min or v > s.max:
        raise PgError(f'setval: value {v} is out of bounds for sequence "{rel.name}" ({s.min}..{s.max})',
                      errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    called = bool(called)
    stored = _write(ctx, oid, v, called)
    _cache()[(ctx.bid, oid)] = _SeqState(v, called, v, stored)
    if called:
        sess = runtime.state.session
        if sess is not None:
            sess.currvals[oid] = v
    return v


def _setval3(oid, v, called):
    if oid is None or v is None or called is None:
        return None
    return setval(oid, v, called)


register("nextval", [T.REGCLASS], T.INT8, nextval, volatility="v")
register("currval", [T.REGCLASS], T.INT8, currval, volatility="v")
register("lastval", [], T.INT8, lastval, volatility="v", strict=False)
register("setval", [T.REGCLASS, T.INT8], T.INT8, setval, volatility="v")
register("setval", [T.REGCLASS, T.INT8, T.BOOL], T.INT8, _setval3, volatility="v", strict=False)


def peek(bid, oid):
    """(last_value, is_called) as the session-visible state of a cached sequence, or None.

    Used by ``SELECT * FROM a_sequence`` / pg_sequences, which would otherwise show the
    reservation stored for crash safety."""
    st = _LOCAL_CACHE.get((bid, oid))
    s = runtime.state.session
    if s is not None and getattr(s, "cluster", None) is not None:
        st = s.cluster.sequence_cache.get((bid, oid))
    if st is None:
        return None
    return st.last, st.called, st.stored


def _install_peek():
    C = _C()
    C.sequence_peek = peek


_install_peek()
