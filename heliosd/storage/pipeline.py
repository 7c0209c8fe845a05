"""The commit pipeline: validation, seq assignment, group commit, publication.

Every change to the engine goes through here, so that exactly one writer
exists and an idle transaction never holds it (a transaction's writes wait
in its own buffer until COMMIT).

States of a commit request::

    queued --(batch taken)--> applying (in the writer thread, inside one
    engine write with the rest of its batch) --> written --(loop thread)-->
    published (latest advanced, locks released, waiter woken)
                          \\-> failed (validation: 40001; engine: 53100/58030)

Invariants
==========

1. One batch = one engine write = one fsync for all its durable commits
   (group commit).  While a batch is being written, new commits queue; the
   next batch takes all of them.
2. Within a batch, requests are validated and applied in queue order; each
   sees the effects of the ones before it.  A request that fails validation
   is skipped; the others commit.
3. Seqs are assigned consecutively to the requests that apply, in order.
4. Publication (``Store.latest``, ``has_data``, branch structure, stats) and
   lock release happen in the event-loop thread after the engine write
   returned (MVCC invariant 5); a failed batch publishes nothing.
5. For each written key the previous ``cur`` version moves to ``hist``
   (vacuum later drops what no snapshot, window or fork point needs), and a
   commit-log record is written in the same engine write, as are the exact
   per-(branch, object) statistics.  A commit's writes are applied in key
   order, so lmdb appends into fresh pages instead of splitting random ones.
6. A batch that does not fit the lmdb map is retried after the map grew; the
   growth itself happens in the event-loop thread (kv.py, "Growing the lmdb
   map"), never behind a reader's back.  Every request of a retried batch is
   validated and applied afresh.
7. ``synchronous_commit=off`` (``durable=False``): the batch's engine write
   still flushes its data pages (no corruption on power loss) but skips the
   meta-page sync; a batch with any durable request syncs once for all.
8. An idle transaction never holds the writer: a transaction's writes wait in
   its own buffer until COMMIT, and the writer only ever runs batches of
   COMMIT requests and maintenance steps (``run_in_writer``).
"""

from __future__ import annotations

import asyncio
import marshal
import struct

from .. import errcodes
from ..errors import PgError, SerializationFailure
from .kv import MapFull
from .mvcc import (COPY, LONG, OBJ_BRANCHES, SYSTEM_BRANCH, TOMB, _encode_val, _inv,
                   _unpack_II, phys)

OBJ_BRANCH_ACL = 15  # heliosd.engine.cluster.OBJ_BRANCH_ACL (grants change name resolution)
_BRANCH_PREFIX = struct.pack(">II", SYSTEM_BRANCH, OBJ_BRANCHES)

_pack_Q = struct.Struct(">Q").pack
_unpack_Q = struct.Struct(">Q").unpack_from
_pack_I = struct.Struct(">I").pack
LOG_PART = 2000


class CommitRequest:
    __slots__ = ("txn", "durable", "seq", "error", "future", "stats_delta", "time")

    def __init__(self, txn, durable: bool):
        self.txn = txn
        self.durable = durable
        self.seq: int | None = None
        self.error: BaseException | None = None
        self.future = None
        self.stats_delta: dict[bytes, list[int]] = {}
        self.time = 0.0


def _validate(store, w, req: CommitRequest) -> None:
    txn = req.txn
    for lk, base in txn.base.items():
        v = w.get("cur", lk if len(lk) <= LONG else phys(lk))
        cur = 0 if v is None or v[8] & COPY else _unpack_Q(v)[0]
        if cur != base:
            if lk[:8] == _BRANCH_PREFIX:
                raise SerializationFailure(
                    "could not serialize access: the branch was renamed or dropped by a concurrent transaction",
                    hint="Retry the transaction; the session's branch name now refers to the current branch.")
            raise SerializationFailure()
    # branch-and-swap is lossless: a branch forked here from a parent that this
    # transaction renames or drops must have seen every commit of that parent
    for parent, fork_seq, child in txn.forks:
        if parent in txn.retired and store.branch_last_write.get(parent, 0) > fork_seq:
            raise SerializationFailure(
                f'could not serialize access: the source branch changed after branch "{child}" was forked from it',
                hint="Retry the migration transaction.")


def apply_group(store, w, reqs: list[CommitRequest]) -> None:
    """Validate and apply a batch inside one engine write (runs in the writer thread)."""
    v = w.get("meta", b"last_seq")
    seq = _unpack_Q(v)[0] if v else 0
    now = store.clock()
    stats_total: dict[bytes, list[int]] = {}
    branches = store.branches
    for req in reqs:
        req.error = None
        req.seq = None
        req.stats_delta = delta = {}
        try:
            _validate(store, w, req)
        except PgError as e:
            req.error = e
            continue
        seq += 1
        req.seq = seq
        req.time = now
        seq8 = _pack_Q(seq)
        txn = req.txn
        local = txn.local_branches
        # structure a reader may need once this seq is visible is registered before the
        # engine commit (a superset is harmless): a commit published out of order (e.g.
        # Store.commit_sync on the loop thread) then never exposes data a path skips
        for bo in txn.written_objects:
            if bo not in store.has_data:
                store.has_data.add(bo)
                store.layout_version_w += 1
        for bid, info in local.items():
            if bid not in branches:
                branches[bid] = info
                store.layout_version_w += 1
        log: list = []
        part = 0
        items = txn.writes.items()
        if len(txn.writes) > 1:
            # key order: lmdb appends into fresh pages instead of splitting random ones
            # (full pages, fewer pages touched per commit)
            items = sorted(items)
        for lk, val in items:
            pk = lk if len(lk) <= LONG else phys(lk)
            pre = lk[:8]
            d = delta.get(pre)
            if d is None:
                d = delta[pre] = [0, 0, 0, 0]
            old = w.get("cur", pk)
            if old is not None:
                hk = pk + _inv(_unpack_Q(old)[0])
                hv = old[8:]
                w.put("hist", hk, hv)
                d[2] += 1
                d[3] += len(hk) + len(hv)
                if not old[8] & TOMB:
                    d[0] -= 1
                    d[1] -= len(pk) + len(old)
            if val is None:
                if old is None:
                    bid = _unpack_II(lk)[0]
                    info = branches.get(bid) or local.get(bid)
                    if info is None or info.parent is None:
                        # nothing of this key in this root branch: nothing to hide
                        log.append((lk, None))
                        continue
                w.put("cur", pk, seq8 + _encode_val(TOMB, lk, None))
            else:
                nv = seq8 + _encode_val(0, lk, val)
                w.put("cur", pk, nv)
                d[0] += 1
                d[1] += len(pk) + len(nv)
            log.append((lk, val))
            if len(log) >= LOG_PART:
                w.put("log", seq8 + _pack_I(part), marshal.dumps((now, log)))
                part += 1
                log = []
        w.put("log", seq8 + _pack_I(part), marshal.dumps((now, log)))
        for pre in delta:
            store.branch_last_write[_unpack_II(pre)[0]] = seq
        for pre, d in delta.items():
            t = stats_total.get(pre)
            if t is None:
                stats_total[pre] = list(d)
            else:
                for i in range(4):
                    t[i] += d[i]
    w.put("meta", b"last_seq", _pack_Q(seq))
    for pre, d in stats_total.items():
        if not any(d):
            continue
        key = b"stats" + pre
        old = w.get("meta", key)
        cur = marshal.loads(old) if old else (0, 0, 0, 0)
        w.put("meta", key, marshal.dumps(tuple(c + x for c, x in zip(cur, d))))


def publish_group(store, reqs: list[CommitRequest], failed: BaseException | None = None) -> None:
    """Make a written batch visible (event-loop thread)."""
    latest = store.latest
    records = []
    written = set()
    for req in reqs:
        txn = req.txn
        if failed is not None and req.error is None:
            req.error = failed
            req.seq = None
        if req.error is None and req.seq is not None:
            if req.seq > latest:
                latest = req.seq
            if not store.names_objects.isdisjoint(txn.written_objects) or \
                    (SYSTEM_BRANCH, OBJ_BRANCH_ACL) in txn.written_objects:
                store.names_version += 1
            watched = store.watched_objects
            for bo in txn.written_objects:
                if bo[1] in watched:
                    store.watch_epoch += 1
                if bo not in store.has_data:
                    store.has_data.add(bo)
                    store.layout_version += 1
            written |= txn.written_objects
            if txn.local_branches:
                for bid, info in txn.local_branches.items():
                    store.branches[bid] = info
                store.layout_version += 1
            for bid in txn.dropped_branches:
                info = store.branches.get(bid)
                if info is not None:
                    info.dropped = True
                    info.retire_txid = store._next_txid
            if req.stats_delta:
                store.add_stats({_unpack_II(pre): d for pre, d in req.stats_delta.items()})
            txn.commit_seq = req.seq
            records.append(req)
    store.latest = latest
    for req in reqs:
        req.txn._finish()
        if req.error is None:
            for cb in req.txn.on_commit:
                cb()
    for cb in store.on_publish:
        cb(records)
    if written:
        store.maybe_materialize(written)


class CommitPipeline:
    """Async front of the pipeline: queue, batch, write in a thread, publish."""

    def __init__(self, store, loop: asyncio.AbstractEventLoop | None = None, executor=None):
        import concurrent.futures

        self.store = store
        self.loop = loop or asyncio.get_event_loop()
        self.executor = executor or concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="heliosd-commit")
        self.queue: list[CommitRequest] = []
        self.running = False
        self.batches = 0
        self.commits = 0
        self.idle = asyncio.Event()
        self.idle.set()
        store.pipeline = self

    async def commit(self, txn, durable: bool = True) -> int:
        req = txn._commit_request(durable)
        req.future = self.loop.create_future()
        self.queue.append(req)
        if not self.running:
            self.running = True
            self.idle.clear()
            self.loop.create_task(self._run())
        await asyncio.shield(req.future)
        if req.error is not None:
            raise req.error
        return req.seq

    async def _write(self, fn, durable: bool):
        """One engine write; grows the lmdb map here (loop thread) when it is full."""
        engine = self.store.engine
        while True:
            try:
                if engine.threaded_writes:
                    return await self.loop.run_in_executor(self.executor, engine.write, fn, durable, False)
                return engine.write(fn, durable)
            except MapFull:
                engine.grow()

    async def _run(self) -> None:
        store = self.store
        try:
            while self.queue:
                batch, self.queue = self.queue, []
                durable = any(r.durable for r in batch)
                failed = None
                try:
                    await self._write(lambda w: apply_group(store, w, batch), durable)
                except BaseException as e:  # engine failure: the whole batch fails
                    failed = e if isinstance(e, PgError) else PgError(f"could not commit: {e}", errcodes.IO_ERROR)
                publish_group(store, batch, failed)
                self.batches += 1
                for r in batch:
                    if r.error is None:
                        self.commits += 1
                    if not r.future.done():
                        r.future.set_result(r.seq)
        finally:
            self.running = False
            self.idle.set()

    async def run_in_writer(self, fn, durable: bool = False):
        """Run fn(writer) as its own engine write, serialized with commits (vacuum, materialize)."""
        while self.running:
            await self.idle.wait()
        self.running = True
        self.idle.clear()
        try:
            return await self._write(fn, durable)
        finally:
            self.running = False
            self.idle.set()
            if self.queue:
                self.running = True
                self.idle.clear()
                self.loop.create_task(self._run())
