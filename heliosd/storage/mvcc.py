"""MVCC over the KV engine, with copy-on-write branches.

This is the storage core.  Everything a tenant is (a branch), everything a
statement sees (a snapshot) and everything a commit makes durable goes
through here.

Terms
=====

- **seq**: the global commit sequence number.  Commit N gets seq N; seq 0 is
  "before everything".  ``Store.latest`` is the newest *published* seq:
  every commit with seq <= latest is fully visible in the engine.
- **snapshot**: a seq S.  A read at S sees exactly the commits with seq <= S
  (plus the reading transaction's own writes).
- **branch**: ``{id, parent, fork_seq}``; immutable once created.  Branch 0
  is the system branch (roles, databases, the branch registry itself).  A
  database's root branch has no parent.  Names are not part of the
  structure: they live in MVCC rows of the system branch, so creating,
  renaming and dropping branches are ordinary transactional writes.
- **object**: a u32 id inside a branch (a table, an index, a sequence, a
  system catalog).  Logical key of an entry: ``lk = bid:u32 | obj:u32 | key``
  where ``key`` comes from :mod:`keycode` (prefix-free per object).

Key layout (engine tables)
==========================

::

    cur   phys(lk)                 -> seq:u64 | flags:u8 | [lklen:u16 lk] | payload
    hist  phys(lk) | ~seq:u64      -> flags:u8 | [lklen:u16 lk] | payload
    log   seq:u64 | part:u32       -> marshal((time, [(lk, payload|None), ...]))
    meta  b"format"                -> format version
          b"last_seq"              -> u64
          b"next_oid" / b"next_bid"-> u64 high-water marks (allocated in blocks)
          b"stats" | bid:u32       -> marshal((live_rows, live_bytes))
          b"complete" | bid | obj  -> u64 seq: the object is materialized in bid

``flags``: bit 0 tombstone, bit 1 long key.  ``~seq`` is ``2**64-1-seq`` so a
key's versions sort newest first.  ``phys(lk)`` is ``lk`` when it is at most
``LONG`` bytes; a longer ``lk`` is stored as ``lk[:LONG] | sha256(lk)[:16]``
with the full ``lk`` inside the value (the *long-key fallback*).  Keys that
share those ``LONG`` bytes form a contiguous *group* whose physical order is
arbitrary; scans re-sort a group by logical key.

Reading key k of object o on branch B at snapshot S
===================================================

The *path* of (B, o) is B, parent(B), ... each with a cap::

    cap(B) = S;  cap(parent) = min(cap(child), fork_seq(child))

Levels that never held data for o are skipped (``has_data``), and the path
stops at a level where o is *complete* (materialized, see below).  At each
level: if ``cur`` has the key with seq <= cap, that version answers; if its
seq > cap, the newest ``hist`` version with seq <= cap answers; if there is
none, or the key is absent, the next level is asked.  A tombstone answers
"no row".  Scans merge the levels' cursors, the upper level shadowing.

Invariants
==========

1. A commit is one engine write: all of its versions, its log record, and the
   published counters, or none of it.
2. ``cur`` holds the newest version of every key a branch ever wrote that
   vacuum has not reclaimed; superseded versions are in ``hist``.  Versions
   of one key have strictly increasing seqs.
3. A version is never removed while a registered snapshot, the retention
   window, or the fork point of a live descendant branch can see it.
4. Creating a branch writes one registry row; its cost does not depend on
   data size.  A branch's structure (parent, fork_seq) never changes.
5. Only the commit pipeline writes to the engine, and it publishes
   ``latest`` only after the engine write returned, so a snapshot never
   names a seq the engine does not yet show.
6. A transaction's writes are invisible to others until its commit is
   published; it reads its own writes before any level.
7. Write-write conflicts: every write may carry the seq of the branch-own
   version it replaces (``base``, 0 for none); the pipeline refuses the
   commit with 40001 if the current version differs (first committer wins).
   Upper layers lock rows before writing so that READ COMMITTED waits instead.

Materialization (keeping paths short)
=====================================

A tenant migrated by branch-and-swap N times sits at depth N+2.  Reads skip
levels without data for the object, and when a branch has rewritten an
object (e.g. ``UPDATE tasks SET ...`` of every row), :meth:`Store.materialize`
copies the rows it still inherits into it (same seq, so every snapshot reads
the same values) and marks the object *complete* there: the path for that
object then ends at that branch, whatever its depth.
"""

from __future__ import annotations

import hashlib
import marshal
import struct
import time
from typing import Iterator

from .. import errcodes
from ..errors import PgError, SerializationFailure
from . import keycode
from .kv import Engine, Reader
from .locks import EXCLUSIVE, SHARE, LockManager

SYSTEM_BRANCH = 0
OBJ_BRANCHES = 1  # system branch: key=enc_int(bid) -> marshal(record)
OBJ_BRANCH_NAMES = 2  # system branch: key=enc((ns, name)) -> marshal(bid)
FIRST_USER_OID = 16384

INF = (1 << 63) - 1
LONG = 448
_pack_II = struct.Struct(">II").pack
_pack_Q = struct.Struct(">Q").pack
_unpack_Q = struct.Struct(">Q").unpack_from
_MAXQ = (1 << 64) - 1
TOMB = 1
LONGKEY = 2
_ABSENT = object()
NOCHECK = -1
FORMAT = b"heliosd-storage-1"


def lkey(bid: int, obj: int, key: bytes) -> bytes:
    return _pack_II(bid, obj) + key


def phys(lk: bytes) -> bytes:
    if len(lk) <= LONG:
        return lk
    return lk[:LONG] + hashlib.sha256(lk).digest()[:16]


def _inv(seq: int) -> bytes:
    return _pack_Q(_MAXQ - seq)


class BranchInfo:
    __slots__ = ("id", "parent", "fork_seq", "created_seq", "chain")

    def __init__(self, id: int, parent: int | None, fork_seq: int, created_seq: int):
        self.id = id
        self.parent = parent
        self.fork_seq = fork_seq
        self.created_seq = created_seq
        self.chain: list[tuple[int, int]] | None = None  # [(bid, cap)] cached


def _encode_val(flags: int, lk: bytes, payload: bytes | None) -> bytes:
    if len(lk) > LONG:
        flags |= LONGKEY
        head = bytes((flags,)) + struct.pack(">H", len(lk)) + lk
    else:
        head = bytes((flags,))
    return head + payload if payload else head


def _split_val(v: bytes, off: int) -> tuple[int, bytes | None, bytes | None]:
    """(flags, logical key if long else None, payload or None for tombstone)."""
    flags = v[off]
    p = off + 1
    lk = None
    if flags & LONGKEY:
        n = struct.unpack_from(">H", v, p)[0]
        lk = v[p + 2:p + 2 + n]
        p += 2 + n
    if flags & TOMB:
        return flags, lk, None
    return flags, lk, v[p:]


class Store:
    """The storage core: engine + published state + lock manager + commit entry points."""

    def __init__(self, engine: Engine, retention_seconds: float = 0.0, future_factory=None):
        self.engine = engine
        self.locks = LockManager(future_factory)
        self.retention_seconds = retention_seconds
        self.branches: dict[int, BranchInfo] = {}
        self.has_data: set[tuple[int, int]] = set()
        self.complete: dict[tuple[int, int], int] = {}
        self.layout_version = 0
        self._snapshots: dict[int, int] = {}  # seq -> refcount
        self._next_txid = 1
        self._counters: dict[str, tuple[int, int]] = {}
        self._counter_start = {"oid": FIRST_USER_OID, "bid": 1, "rowid": 1}
        self.stats: dict[int, tuple[int, int]] = {}
        self.branch_last_write: dict[int, int] = {}  # bid -> seq of its newest commit (since start)
        self.names_version = 0  # bumped when branch names or grants change (session name caches)
        self.watched_objects: set[int] = set()  # object ids whose commits bump watch_epoch
        self.watch_epoch = 0  # e.g. catalog versions: caches keyed by it stay valid until it moves
        self.pipeline = None  # set by pipeline.CommitPipeline
        self.on_publish = []  # callbacks(list_of_commit_records) for replication/feeds
        self._open()

    # -------------------------------------------------------------- startup
    def _open(self) -> None:
        r = self.engine.reader()
        try:
            fmt = r.get("meta", b"format")
            if fmt is None:
                anything = next(iter(r.iter("cur", b"")), None)
                if anything is not None:
                    raise PgError("data directory has data but no heliosd format marker",
                                  errcodes.DATA_CORRUPTED)
                self.engine.write(self._init_fresh)
                fmt = FORMAT
            if fmt != FORMAT:
                raise PgError(f"data directory format {fmt!r} is not {FORMAT!r}", errcodes.DATA_CORRUPTED)
        finally:
            r.close()
        r = self.engine.reader()
        try:
            v = r.get("meta", b"last_seq")
            self.latest = _unpack_Q(v)[0] if v else 0
            # branch structure from the registry rows (newest version of each)
            prefix = _pack_II(SYSTEM_BRANCH, OBJ_BRANCHES)
            self.branches[SYSTEM_BRANCH] = BranchInfo(SYSTEM_BRANCH, None, 0, 0)
            for k, v in r.iter("cur", prefix, keycode.prefix_successor(prefix)):
                flags, _lk, payload = _split_val(v, 8)
                if payload is None:
                    continue
                rec = marshal.loads(payload)
                self.branches[rec["id"]] = BranchInfo(rec["id"], rec["parent"], rec["fork_seq"], rec["created_seq"])
            # which (branch, object) pairs hold data: one seek per pair
            k = b""
            while True:
                nxt = next(iter(r.iter("cur", k)), None)
                if nxt is None:
                    break
                bid, obj = struct.unpack_from(">II", nxt[0])
                self.has_data.add((bid, obj))
                k = keycode.prefix_successor(nxt[0][:8])
                if k is None:
                    break
            for k, v in r.iter("meta", b"stats", b"statt"):
                self.stats[struct.unpack_from(">I", k, 5)[0]] = marshal.loads(v)
            for k, v in r.iter("meta", b"complete", b"completf"):
                bid, obj = struct.unpack_from(">II", k, 8)
                self.complete[(bid, obj)] = _unpack_Q(v)[0]
        finally:
            r.close()

    @staticmethod
    def _init_fresh(w) -> None:
        w.put("meta", b"format", FORMAT)
        w.put("meta", b"last_seq", _pack_Q(0))

    # -------------------------------------------------------------- ids
    def _alloc(self, name: str, block: int) -> int:
        """Durable, non-transactional counters (gaps allowed, never reused).

        The high-water mark is persisted a block ahead, so a restart skips at
        most one block of ids."""
        nxt, lim = self._counters.get(name, (None, None))
        if nxt is None:
            r = self.engine.reader()
            try:
                v = r.get("meta", b"next_" + name.encode())
            finally:
                r.close()
            nxt = lim = _unpack_Q(v)[0] if v else self._counter_start.get(name, 1)
        if nxt >= lim:
            lim = nxt + block
            packed = _pack_Q(lim)
            key = b"next_" + name.encode()
            self.engine.write(lambda w: w.put("meta", key, packed), durable=False)
        self._counters[name] = (nxt + 1, lim)
        return nxt

    def allocate_oid(self) -> int:
        return self._alloc("oid", 1000)

    def allocate_bid(self) -> int:
        return self._alloc("bid", 100)

    def allocate_rowid(self) -> int:
        return self._alloc("rowid", 10000)

    def new_txid(self) -> int:
        self._next_txid += 1
        return self._next_txid - 1

    # -------------------------------------------------------------- snapshots
    def register_snapshot(self, seq: int) -> None:
        self._snapshots[seq] = self._snapshots.get(seq, 0) + 1

    def release_snapshot(self, seq: int) -> None:
        n = self._snapshots.get(seq, 0) - 1
        if n <= 0:
            self._snapshots.pop(seq, None)
        else:
            self._snapshots[seq] = n

    def oldest_snapshot(self) -> int:
        return min(self._snapshots) if self._snapshots else self.latest

    # -------------------------------------------------------------- paths
    def chain(self, bid: int, local: dict | None = None) -> list[tuple[int, int]]:
        """[(bid, cap)] from the branch to its root; cap is the fork cap from below."""
        info = self.branches.get(bid)
        if info is None and local:
            info = local.get(bid)
        if info is None:
            raise PgError(f"branch {bid} does not exist", errcodes.UNDEFINED_OBJECT)
        if info.chain is not None:
            return info.chain
        out = [(bid, INF)]
        cap = INF
        cur = info
        while cur.parent is not None:
            cap = min(cap, cur.fork_seq)
            out.append((cur.parent, cap))
            nxt = self.branches.get(cur.parent)
            if nxt is None and local:
                nxt = local.get(cur.parent)
            if nxt is None:
                break
            cur = nxt
        info.chain = out
        return out

    def levels(self, bid: int, obj: int, snap: int, local: dict | None = None) -> list[tuple[int, int]]:
        out = []
        has = self.has_data
        comp = self.complete
        for b, cap in self.chain(bid, local):
            c = snap if snap < cap else cap
            if (b, obj) in has:
                out.append((b, c))
            cs = comp.get((b, obj))
            if cs is not None and cs <= c:
                break
        return out

    # -------------------------------------------------------------- low-level reads
    @staticmethod
    def _get_level(r: Reader, lk: bytes, cap: int):
        """The version of lk in one level visible at cap: payload, None (tombstone) or _ABSENT."""
        pk = phys(lk)
        v = r.get("cur", pk)
        if v is None:
            return _ABSENT
        if _unpack_Q(v)[0] <= cap:
            flags = v[8]
            if flags & TOMB:
                return None
            if flags & LONGKEY:
                return _split_val(v, 8)[2]
            return v[9:]
        for hk, hv in r.iter("hist", pk + _inv(cap), pk + b"\xff" * 9):
            if len(hk) == len(pk) + 8 and hk[:-8] == pk:
                return _split_val(hv, 0)[2]
            break
        return _ABSENT

    @staticmethod
    def _seq_in_level(r: Reader, lk: bytes) -> int:
        v = r.get("cur", phys(lk))
        return 0 if v is None else _unpack_Q(v)[0]

    def _scan_level(self, r: Reader, bid: int, obj: int, lo: bytes, hi: bytes | None, cap: int,
                    reverse: bool) -> Iterator[tuple[bytes, bytes | None]]:
        """Yield (key, payload|None) of one level, keys relative to the object prefix."""
        prefix = _pack_II(bid, obj)
        start = prefix + lo
        stop = prefix + hi if hi is not None else keycode.prefix_successor(prefix)
        logical_filter = len(start) > LONG or len(stop) > LONG
        if len(start) > LONG:
            start = start[:LONG]
        pstop = stop if len(stop) <= LONG else keycode.prefix_successor(stop[:LONG])
        it = r.iter("cur", start, pstop, reverse)
        hist_lookup = self._hist_at
        lo_full = prefix + lo
        for k, v in it:
            while len(k) > LONG:
                # long-key group: every entry sharing the LONG-byte prefix, re-sorted
                g = k[:LONG]
                group = [(k, v)]
                carry = None
                for k2, v2 in it:
                    if len(k2) > LONG and k2[:LONG] == g:
                        group.append((k2, v2))
                    else:
                        carry = (k2, v2)
                        break
                resolved = []
                for gk, gv in group:
                    _flags, glk, payload = _split_val(gv, 8)
                    if _unpack_Q(gv)[0] > cap:
                        payload = hist_lookup(r, gk, cap)
                        if payload is _ABSENT:
                            continue
                    resolved.append((glk if glk is not None else gk, payload))
                resolved.sort(key=lambda x: x[0], reverse=reverse)
                for full, payload in resolved:
                    if lo_full <= full < stop:
                        yield full[8:], payload
                if carry is None:
                    return
                k, v = carry
            if _unpack_Q(v)[0] <= cap:
                flags = v[8]
                if flags & TOMB:
                    payload = None
                elif flags & LONGKEY:
                    payload = _split_val(v, 8)[2]
                else:
                    payload = v[9:]
            else:
                payload = hist_lookup(r, k, cap)
                if payload is _ABSENT:
                    continue
            if logical_filter and not (lo_full <= k < stop):
                continue
            yield k[8:], payload

    @staticmethod
    def _hist_at(r: Reader, pk: bytes, cap: int):
        for hk, hv in r.iter("hist", pk + _inv(cap), pk + b"\xff" * 9):
            if len(hk) == len(pk) + 8 and hk[:-8] == pk:
                return _split_val(hv, 0)[2]
            break
        return _ABSENT

    # -------------------------------------------------------------- transactions
    def begin(self, isolation: str = "read committed", read_only: bool = False) -> "Txn":
        return Txn(self, isolation, read_only)

    def commit_sync(self, txn: "Txn", durable: bool = True) -> int:
        """Commit in the caller's thread (tests, tools, startup).  Returns the seq."""
        from .pipeline import apply_group, publish_group

        if not txn.writes:
            txn._finish()
            return self.latest
        req = txn._commit_request(durable)
        self.engine.write(lambda w: apply_group(self, w, [req]), durable=durable)
        publish_group(self, [req])
        if req.error is not None:
            txn._finish()
            raise req.error
        txn._finish()
        return req.seq

    async def commit(self, txn: "Txn", durable: bool = True) -> int:
        if not txn.writes:
            txn._finish()
            return self.latest
        if self.pipeline is None:
            return self.commit_sync(txn, durable)
        return await self.pipeline.commit(txn, durable)

    # -------------------------------------------------------------- branch registry reads
    def branch_record(self, bid: int, txn: "Txn | None" = None) -> dict | None:
        t = txn or self.begin()
        try:
            v = t.get(SYSTEM_BRANCH, OBJ_BRANCHES, keycode.enc_int(bid), latest=True)
        finally:
            if txn is None:
                t.rollback()
        return marshal.loads(v) if v is not None else None

    # -------------------------------------------------------------- time
    def seq_at_time(self, ts: float) -> int:
        """The newest seq committed at or before unix time ``ts`` (0 if none)."""
        r = self.engine.reader()
        try:
            lo, hi = 0, self.latest
            while lo < hi:
                mid = (lo + hi + 1) // 2
                t = self._commit_time(r, mid)
                if t is None or t <= ts:
                    lo = mid
                else:
                    hi = mid - 1
            return lo
        finally:
            r.close()

    @staticmethod
    def _commit_time(r: Reader, seq: int) -> float | None:
        for k, v in r.iter("log", _pack_Q(seq), _pack_Q(seq + 1)):
            return marshal.loads(v)[0]
        return None

    def commit_time(self, seq: int) -> float | None:
        r = self.engine.reader()
        try:
            return self._commit_time(r, seq)
        finally:
            r.close()

    def horizon(self) -> int:
        """Oldest seq still readable with AS OF (retention window)."""
        if self.retention_seconds <= 0:
            return self.latest
        return self.seq_at_time(time.time() - self.retention_seconds)

    def read_log(self, from_seq: int) -> Iterator[tuple[int, float, list]]:
        """Commit records with seq >= from_seq, in order: (seq, time, writes)."""
        r = self.engine.reader()
        try:
            cur_seq = None
            acc: list = []
            t0 = 0.0
            for k, v in r.iter("log", _pack_Q(from_seq)):
                seq = _unpack_Q(k)[0]
                rec = marshal.loads(v)
                if seq != cur_seq:
                    if cur_seq is not None:
                        yield cur_seq, t0, acc
                    cur_seq, t0, acc = seq, rec[0], []
                acc.extend(rec[1])
            if cur_seq is not None:
                yield cur_seq, t0, acc
        finally:
            r.close()


class _Undo:
    __slots__ = ("kind", "key", "old", "oldbase")

    def __init__(self, kind, key, old, oldbase):
        self.kind = kind
        self.key = key
        self.old = old
        self.oldbase = oldbase


class Txn:
    """A transaction: a snapshot, a write buffer, branch changes and held locks.

    States: active -> (committed | aborted).  Reads and writes are allowed
    only while active.  The snapshot is taken by :meth:`new_statement`
    (READ COMMITTED: every statement; REPEATABLE READ/SERIALIZABLE: the
    first one).
    """

    def __init__(self, store: Store, isolation: str, read_only: bool):
        self.store = store
        self.isolation = isolation
        self.read_only = read_only
        self.txid = store.new_txid()
        self.writes: dict[bytes, bytes | None] = {}
        self.base: dict[bytes, int] = {}
        self._sorted: dict[bytes, list[bytes] | None] = {}  # per bid|obj prefix: sorted keys or None=dirty
        self._undo: list[_Undo] = []
        self.local_branches: dict[int, BranchInfo] = {}
        self.snapshot: int | None = None
        self._reader: Reader | None = None
        self.active = True
        self.written_objects: set[tuple[int, int]] = set()
        self._guarded: set[int] = set()
        self.forks: list[tuple[int, int, str]] = []  # (parent bid, fork seq, child name) created here
        self.retired: set[int] = set()  # branches renamed or dropped by this transaction
        self.commit_seq: int | None = None
        self.on_commit: list = []  # callbacks run after publish (session caches)
        self.new_statement()

    @property
    def repeatable(self) -> bool:
        return self.isolation in ("repeatable read", "serializable")

    # -------------------------------------------------------------- snapshots
    def new_statement(self) -> None:
        """Start a statement: READ COMMITTED takes a fresh snapshot."""
        if self.snapshot is None or not self.repeatable:
            if self.snapshot is not None:
                self.store.release_snapshot(self.snapshot)
            self.snapshot = self.store.latest
            self.store.register_snapshot(self.snapshot)
        self.release_reader()

    def reader(self) -> Reader:
        r = self._reader
        if r is None:
            r = self._reader = self.store.engine.reader()
        return r

    def release_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    # -------------------------------------------------------------- reads
    def get(self, bid: int, obj: int, key: bytes, snapshot: int | None = None, latest: bool = False):
        """The row payload for key, or None."""
        lk = _pack_II(bid, obj) + key
        w = self.writes
        if lk in w:
            return w[lk]
        snap = self.store.latest if latest else (snapshot if snapshot is not None else self.snapshot)
        r = self.reader()
        for b, cap in self.store.levels(bid, obj, snap, self.local_branches):
            v = Store._get_level(r, _pack_II(b, obj) + key, cap)
            if v is not _ABSENT:
                return v
        return None

    def own_seq(self, bid: int, obj: int, key: bytes) -> int:
        """Seq of the branch-own newest committed version (0 if the branch never wrote key)."""
        return Store._seq_in_level(self.reader(), _pack_II(bid, obj) + key)

    def scan(self, bid: int, obj: int, lo: bytes = b"", hi: bytes | None = None, reverse: bool = False,
             snapshot: int | None = None, latest: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """Yield (key, payload) for live rows with lo <= key < hi, in key order."""
        snap = self.store.latest if latest else (snapshot if snapshot is not None else self.snapshot)
        store = self.store
        r = self.reader()
        levels = store.levels(bid, obj, snap, self.local_branches)
        own = self._own_range(bid, obj, lo, hi, reverse)
        if not own and len(levels) == 1:
            b, cap = levels[0]
            for k, v in store._scan_level(r, b, obj, lo, hi, cap, reverse):
                if v is not None:
                    yield k, v
            return
        if not own and not levels:
            return
        sources = []
        if own:
            sources.append(iter(own))
        for b, cap in levels:
            sources.append(store._scan_level(r, b, obj, lo, hi, cap, reverse))
        yield from merge_sources(sources, reverse)

    def _own_range(self, bid, obj, lo, hi, reverse):
        prefix = _pack_II(bid, obj)
        if prefix not in self._sorted:
            return None
        keys = self._sorted[prefix]
        if keys is None:
            keys = sorted(k for k in self.writes if k[:8] == prefix)
            self._sorted[prefix] = keys
        import bisect

        start = prefix + lo
        i = bisect.bisect_left(keys, start)
        j = bisect.bisect_left(keys, prefix + hi) if hi is not None else len(keys)
        w = self.writes
        out = [(k[8:], w[k]) for k in keys[i:j]]
        if reverse:
            out.reverse()
        return out

    # -------------------------------------------------------------- writes
    def _check_writable(self) -> None:
        if not self.active:
            raise PgError("transaction is not active", errcodes.INVALID_TRANSACTION_STATE)
        if self.read_only:
            raise PgError("cannot execute write in a read-only transaction", errcodes.READ_ONLY_SQL_TRANSACTION)

    def put(self, bid: int, obj: int, key: bytes, value: bytes | None, base: int = NOCHECK) -> None:
        """Buffer a write (value None = delete).  ``base``: see invariant 7."""
        lk = _pack_II(bid, obj) + key
        w = self.writes
        old = w.get(lk, _ABSENT)
        self._undo.append(_Undo("w", lk, old, self.base.get(lk, _ABSENT)))
        w[lk] = value
        if lk not in self.base and base != NOCHECK:
            self.base[lk] = base
        if old is _ABSENT:
            prefix = lk[:8]
            self._sorted[prefix] = None
        if (bid, obj) not in self.written_objects:
            self.written_objects.add((bid, obj))
            if bid != SYSTEM_BRANCH and bid not in self._guarded:
                self._guard_branch(bid)

    def delete(self, bid: int, obj: int, key: bytes, base: int = NOCHECK) -> None:
        self.put(bid, obj, key, None, base)

    def _guard_branch(self, bid: int) -> None:
        """A transaction writing to a branch validates at commit that the branch
        was not renamed or dropped meanwhile (its registry row is unchanged):
        a writer never commits into a branch that was swapped out under it."""
        self._guarded.add(bid)
        if bid in self.local_branches:
            return
        rk = _pack_II(SYSTEM_BRANCH, OBJ_BRANCHES) + keycode.enc_int(bid)
        if rk not in self.base and rk not in self.writes:
            self.base[rk] = Store._seq_in_level(self.reader(), rk)

    def savepoint(self) -> int:
        return len(self._undo)

    def rollback_to(self, sp: int) -> None:
        w = self.writes
        while len(self._undo) > sp:
            u = self._undo.pop()
            if u.kind == "w":
                if u.old is _ABSENT:
                    w.pop(u.key, None)
                    self._sorted[u.key[:8]] = None
                else:
                    w[u.key] = u.old
                if u.oldbase is _ABSENT:
                    self.base.pop(u.key, None)
                else:
                    self.base[u.key] = u.oldbase
            elif u.kind == "b":
                self.local_branches.pop(u.key, None)

    # -------------------------------------------------------------- locks
    def lock(self, name: bytes, mode: int = EXCLUSIVE, nowait: bool = False) -> bool:
        return self.store.locks.acquire(self.txid, name, mode, nowait)

    def try_lock(self, name: bytes, mode: int = EXCLUSIVE) -> bool:
        return self.store.locks.try_acquire(self.txid, name, mode)

    # -------------------------------------------------------------- branches
    def create_branch(self, ns: int, name: str, parent: int | None, fork_seq: int | None = None,
                      meta: dict | None = None) -> int:
        """Register a new branch (O(1)).  The caller checked privileges and name rules."""
        self._check_writable_branches()
        namekey = keycode.encode_key((ns, name))
        self.lock(_pack_II(SYSTEM_BRANCH, OBJ_BRANCH_NAMES) + namekey)
        if self.get(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, namekey, latest=True) is not None:
            raise PgError(f'branch "{name}" already exists', errcodes.DUPLICATE_OBJECT)
        if parent is not None:
            self.store.chain(parent, self.local_branches)  # must exist
        if fork_seq is None:
            fork_seq = self.snapshot if parent is not None else 0
        bid = self.store.allocate_bid()
        rec = {"id": bid, "name": name, "ns": ns, "parent": parent, "fork_seq": fork_seq,
               "created_seq": self.snapshot, "created_at": time.time(), "dropped": None}
        if meta:
            rec.update(meta)
        self.put(SYSTEM_BRANCH, OBJ_BRANCHES, keycode.enc_int(bid), marshal.dumps(rec), base=0)
        self.put(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, namekey, marshal.dumps(bid), base=0)
        info = BranchInfo(bid, parent, fork_seq, self.snapshot)
        self.local_branches[bid] = info
        if parent is not None:
            self.forks.append((parent, fork_seq, name))
        self._undo.append(_Undo("b", bid, None, None))
        return bid

    def _check_writable_branches(self) -> None:
        self._check_writable()

    def branch_id(self, ns: int, name: str) -> int | None:
        """Resolve a name: this transaction's own changes, else the newest committed."""
        v = self.get(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, keycode.encode_key((ns, name)), latest=True)
        return marshal.loads(v) if v is not None else None

    def branch_record(self, bid: int) -> dict | None:
        v = self.get(SYSTEM_BRANCH, OBJ_BRANCHES, keycode.enc_int(bid), latest=True)
        return marshal.loads(v) if v is not None else None

    def update_branch_record(self, bid: int, rec: dict) -> None:
        self.lock(_pack_II(SYSTEM_BRANCH, OBJ_BRANCHES) + keycode.enc_int(bid))
        self.put(SYSTEM_BRANCH, OBJ_BRANCHES, keycode.enc_int(bid), marshal.dumps(rec))

    def rename_branch(self, ns: int, old: str, new: str) -> int:
        self._check_writable_branches()
        oldkey = keycode.encode_key((ns, old))
        newkey = keycode.encode_key((ns, new))
        self.lock(_pack_II(SYSTEM_BRANCH, OBJ_BRANCH_NAMES) + oldkey)
        bid = self.branch_id(ns, old)
        if bid is None:
            raise PgError(f'branch "{old}" does not exist', errcodes.UNDEFINED_OBJECT)
        if old == new:
            return bid
        self.lock(_pack_II(SYSTEM_BRANCH, OBJ_BRANCH_NAMES) + newkey)
        if self.branch_id(ns, new) is not None:
            raise PgError(f'branch "{new}" already exists', errcodes.DUPLICATE_OBJECT)
        self.put(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, oldkey, None)
        self.put(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, newkey, marshal.dumps(bid))
        self.retired.add(bid)
        rec = self.branch_record(bid)
        rec["name"] = new
        self.update_branch_record(bid, rec)
        return bid

    def drop_branch(self, ns: int, name: str) -> int:
        """Free the name and mark the branch dropped; data is reclaimed by vacuum."""
        self._check_writable_branches()
        key = keycode.encode_key((ns, name))
        self.lock(_pack_II(SYSTEM_BRANCH, OBJ_BRANCH_NAMES) + key)
        bid = self.branch_id(ns, name)
        if bid is None:
            raise PgError(f'branch "{name}" does not exist', errcodes.UNDEFINED_OBJECT)
        self.put(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, key, None)
        self.retired.add(bid)
        rec = self.branch_record(bid)
        rec["dropped"] = time.time()
        self.update_branch_record(bid, rec)
        return bid

    def list_branches(self, ns: int | None = None) -> list[dict]:
        out = []
        for _k, v in self.scan(SYSTEM_BRANCH, OBJ_BRANCHES, latest=True):
            rec = marshal.loads(v)
            if rec.get("dropped") is None and (ns is None or rec["ns"] == ns):
                out.append(rec)
        return out

    # -------------------------------------------------------------- end
    def _commit_request(self, durable: bool):
        from .pipeline import CommitRequest

        self.release_reader()
        return CommitRequest(self, durable)

    def rollback(self) -> None:
        self._finish()

    def _finish(self) -> None:
        if not self.active:
            return
        self.active = False
        self.release_reader()
        if self.snapshot is not None:
            self.store.release_snapshot(self.snapshot)
        self.store.locks.release_all(self.txid)


def merge_sources(sources, reverse: bool) -> Iterator[tuple[bytes, bytes]]:
    """Merge sorted (key, payload|None) iterators; the lowest-index source holding a
    key shadows the others; tombstones (None) hide the key."""
    heads = []
    for i, s in enumerate(sources):
        item = next(s, None)
        if item is not None:
            heads.append((item[0], i, item[1], s))
    pick = max if reverse else min
    while heads:
        best = pick(h[0] for h in heads)
        winner = None
        nxt = []
        for h in heads:
            if h[0] == best:
                if winner is None or h[1] < winner[1]:
                    winner = h
                item = next(h[3], None)
                if item is not None:
                    nxt.append((item[0], h[1], item[1], h[3]))
            else:
                nxt.append(h)
        heads = nxt
        if winner[2] is not None:
            yield best, winner[2]

