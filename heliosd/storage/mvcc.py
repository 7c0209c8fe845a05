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
- **branch**: ``{id, parent, fork_seq}``.  Branch 0 is the system branch
  (roles, databases, the branch registry itself).  A database's root branch
  has no parent.  Names are not part of the structure: they live in MVCC
  rows of the system branch, so creating, renaming and dropping branches are
  ordinary transactional writes.
- **object**: a u32 id inside a branch (a table, an index, a sequence, a
  system catalog).  Logical key of an entry: ``lk = bid:u32 | obj:u32 | key``
  where ``key`` comes from :mod:`keycode` (prefix-free per object).
- **level**: the entries one branch holds for one object; the *path* of
  (B, o) is the list of levels a read of B consults.

Key layout (engine tables)
==========================

::

    cur   phys(lk)                 -> seq:u64 | flags:u8 | [lklen:u16 lk] | payload
    hist  phys(lk) | ~seq:u64      -> flags:u8 | [lklen:u16 lk] | payload
    log   seq:u64 | part:u32       -> marshal((time, [(lk, payload|None), ...]))
    meta  b"format"                -> format version
          b"last_seq"              -> u64
          b"next_oid" / b"next_bid"-> u64 high-water marks (allocated in blocks)
          b"stats" | bid | obj     -> marshal((rows, bytes, hist_rows, hist_bytes))
          b"complete" | bid | obj  -> u64 cap: the object is materialized in bid
          b"path" | bid            -> marshal((parent, fork_seq)): collapsed path
          b"gone" | bid            -> b"": the dropped branch was reclaimed
          b"log_compacted"         -> u64: log records below it keep (time, []) only

``flags``: bit 0 tombstone, bit 1 long key, bit 2 *copy* (a version placed by
materialization or collapsing, not written by the branch: see below).
``~seq`` is ``2**64-1-seq`` so a key's versions sort newest first.
``phys(lk)`` is ``lk`` when it is at most ``LONG`` bytes; a longer ``lk`` is
stored as ``lk[:LONG] | sha256(lk)[:16]`` with the full ``lk`` inside the
value (the *long-key fallback*).  Keys that share those ``LONG`` bytes form a
contiguous *group* whose physical order is arbitrary; scans re-sort a group
by logical key.  (No short key can fall inside a group, and a group never
straddles a short bound: keys are prefix-free, so only a bound longer than
``LONG`` can cut through a group, and then the group is filtered logically.)

Reading key k of object o on branch B at snapshot S
===================================================

The path of (B, o) is B, parent(B), ... each with a cap::

    cap(B) = S;  cap(parent) = min(cap(child), fork_seq(child))

Levels that never held data for o are skipped (``has_data``), and the path
stops at a level where o is *complete* (materialized, see below) for the
level's cap.  At each level: if ``cur`` has the key with seq <= cap, that
version answers; if its seq > cap, the newest ``hist`` version with seq <= cap
answers; if there is none, or the key is absent, the next level is asked.  A
tombstone answers "no row".  Scans merge the levels' cursors, the upper level
shadowing.  ``Store.levels`` caches the path per (B, o) for the usual case
(snapshot newer than every fork point on it), so a deep branch costs one dict
lookup, not a walk.

Invariants
==========

1. A commit is one engine write: all of its versions, its log record, and the
   published counters, or none of it.
2. ``cur`` holds the newest version of every key a branch ever wrote that
   vacuum has not reclaimed; superseded versions are in ``hist``.  Versions
   of one key in one branch have strictly increasing seqs.
3. A version is never removed while a registered snapshot, the retention
   window, or a cap on the path of a live branch can see it (vacuum.py).
4. Creating a branch writes one registry row; its cost does not depend on
   data size.  A branch's structure (parent, fork_seq) changes only when a
   dropped ancestor is collapsed into it (vacuum.py), and only in a way that
   leaves every read at a snapshot >= its fork point unchanged.
5. Only the commit pipeline writes commits to the engine, and it publishes
   ``latest`` only after the engine write returned, so a snapshot never
   names a seq the engine does not yet show.  A transaction's engine reader
   is (re)opened after its snapshot was taken (``Txn._fresh_reader``): a
   read at S never uses an lmdb view older than S, and never one older than
   the last structural change (``Store.epoch``: a complete mark, a collapse).
6. A transaction's writes are invisible to others until its commit is
   published; it reads its own writes before any level.
7. Write-write conflicts: every write may carry the seq of the branch-own
   version it replaces (``base``, 0 for none); the pipeline refuses the
   commit with 40001 if the current own version differs (first committer
   wins).  A *copy* is not an own version: ``own_seq`` reports 0 for it and
   validation treats it as 0, so materializing never fails a commit.
   Upper layers lock rows before writing so that READ COMMITTED waits instead.
8. Reads of branch B at a snapshot older than B's creation (``created_seq``)
   are not supported (the session refuses AS OF there); maintenance relies
   on it when it collapses paths.

Materialization (keeping paths short)
=====================================

A tenant migrated by branch-and-swap N times sits at depth N+2.  Reads skip
levels without data for the object, and when a branch has rewritten most of
an object (``UPDATE tasks SET ...`` of every row) or its path for the object
has more than ``MATERIALIZE_LEVELS`` levels with data, :meth:`Store.materialize`
copies the rows it still inherits into it and marks the object complete::

    B (fork f)  own rows + copies of every live row its parents show at cap f
      |  complete|B|o = f: a read of B at cap >= f stops here
    parent ... (still serves B's reads at caps < f, and B's children at theirs)

Copies keep the *original* seq (and carry the copy flag), so a copy answers
exactly the snapshots the parent's version answered at caps >= f: reads stay
correct at every intermediate point of a materialization, which runs in
chunks through the pipeline's writer (one engine write per chunk).  If a
commit wrote the key in B meanwhile, the copy goes to ``hist`` under its
original seq instead (it is older than every own version).  The complete mark
is published after the last chunk; ``Store.epoch`` makes every transaction
reopen its reader before it next reads, so no read follows the short path
through a view that lacks the copies.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import marshal
import struct
import time
from typing import Iterator

from .. import errcodes
from ..errors import PgError
from . import keycode
from .kv import Engine, Reader
from .locks import EXCLUSIVE, LockManager

SYSTEM_BRANCH = 0
OBJ_BRANCHES = 1  # system branch: key=enc_int(bid) -> marshal(record)
OBJ_BRANCH_NAMES = 2  # system branch: key=enc((ns, name)) -> marshal(bid)
FIRST_USER_OID = 16384

INF = (1 << 63) - 1
LONG = 448
_pack_II = struct.Struct(">II").pack
_unpack_II = struct.Struct(">II").unpack_from
_pack_Q = struct.Struct(">Q").pack
_unpack_Q = struct.Struct(">Q").unpack_from
_pack_H = struct.Struct(">H").pack
_unpack_H = struct.Struct(">H").unpack_from
_MAXQ = (1 << 64) - 1
TOMB = 1
LONGKEY = 2
COPY = 4
_ABSENT = object()
NOCHECK = -1
FORMAT = b"heliosd-storage-2"
#: materialize (B, o) when B's own live rows of o reach this share of the rows
#: its ancestors' levels hold for o ...
MATERIALIZE_RATIO = 0.5
#: ... or when more than this many levels on the path hold data for o
MATERIALIZE_LEVELS = 4
MATERIALIZE_CHUNK = 2000
#: longest key an object may use (the long-key fallback stores it inside the value)
MAX_KEY_BYTES = 8000
#: largest row payload (PostgreSQL's limit for one field is 1 GB)
MAX_VALUE_BYTES = (1 << 30) - 1


def lkey(bid: int, obj: int, key: bytes) -> bytes:
    return _pack_II(bid, obj) + key


def phys(lk: bytes) -> bytes:
    if len(lk) <= LONG:
        return lk
    return lk[:LONG] + hashlib.sha256(lk).digest()[:16]


def _inv(seq: int) -> bytes:
    return _pack_Q(_MAXQ - seq)


def stats_key(bid: int, obj: int) -> bytes:
    return b"stats" + _pack_II(bid, obj)


class BranchInfo:
    """In-memory structure of one branch (published state).

    ``parent``/``fork_seq`` change only by a collapse (vacuum.py); ``chain``
    caches the path and is reset whenever any structure changes."""

    __slots__ = ("id", "parent", "fork_seq", "created_seq", "chain", "dropped", "retire_txid")

    def __init__(self, id: int, parent: int | None, fork_seq: int, created_seq: int):
        self.id = id
        self.parent = parent
        self.fork_seq = fork_seq
        self.created_seq = created_seq
        self.chain: list[tuple[int, int]] | None = None  # [(bid, cap)] cached
        self.dropped = False
        #: reclaim/detach only once every transaction with a smaller txid ended
        self.retire_txid = 0


def _encode_val(flags: int, lk: bytes, payload: bytes | None) -> bytes:
    if len(lk) > LONG:
        flags |= LONGKEY
        head = bytes((flags,)) + _pack_H(len(lk)) + lk
    else:
        head = bytes((flags,))
    return head + payload if payload else head


def _split_val(v: bytes, off: int) -> tuple[int, bytes | None, bytes | None]:
    """(flags, logical key if long else None, payload or None for tombstone)."""
    flags = v[off]
    p = off + 1
    lk = None
    if flags & LONGKEY:
        n = _unpack_H(v, p)[0]
        lk = v[p + 2:p + 2 + n]
        p += 2 + n
    if flags & TOMB:
        return flags, lk, None
    return flags, lk, v[p:]


def _hist_at(r: Reader, pk: bytes, cap: int):
    """Payload (None = tombstone) of the newest hist version of pk with seq <= cap, or _ABSENT."""
    item = r.seek("hist", pk + _inv(cap))
    if item is not None:
        hk = item[0]
        if len(hk) == len(pk) + 8 and hk.startswith(pk):
            return _split_val(item[1], 0)[2]
    return _ABSENT


def _hist_item_at(r: Reader, pk: bytes, cap: int):
    """(seq, raw hist value) of the newest hist version of pk with seq <= cap, or None."""
    item = r.seek("hist", pk + _inv(cap))
    if item is not None:
        hk = item[0]
        if len(hk) == len(pk) + 8 and hk.startswith(pk):
            return _MAXQ - _unpack_Q(hk, len(pk))[0], item[1]
    return None


def _get_level(r: Reader, lk: bytes, cap: int):
    """The version of lk in one level visible at cap: payload, None (tombstone) or _ABSENT."""
    pk = lk if len(lk) <= LONG else phys(lk)
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
    return _hist_at(r, pk, cap)


def _scan_level(r: Reader, bid: int, obj: int, lo: bytes, hi: bytes | None, cap: int,
                reverse: bool, live_only: bool) -> Iterator[tuple[bytes, bytes | None]]:
    """Yield (key, payload|None) of one level at cap, keys relative to the object
    prefix, in logical key order.  ``live_only`` drops tombstones."""
    prefix = _pack_II(bid, obj)
    lo_full = prefix + lo
    stop = prefix + hi if hi is not None else keycode.prefix_successor(prefix)
    pstart = lo_full if len(lo_full) <= LONG else lo_full[:LONG]
    pstop = stop if len(stop) <= LONG else keycode.prefix_successor(stop[:LONG])
    check_lo = len(lo_full) > LONG
    it = r.iter("cur", pstart, pstop, reverse)
    for k, v in it:
        while len(k) > LONG:
            # a long-key group: every entry sharing the LONG-byte prefix, re-sorted
            g = k[:LONG]
            group = [(k, v)]
            carry = None
            for k2, v2 in it:
                if len(k2) > LONG and k2.startswith(g):
                    group.append((k2, v2))
                else:
                    carry = (k2, v2)
                    break
            resolved = []
            for gk, gv in group:
                _flags, glk, payload = _split_val(gv, 8)
                if glk is None:  # pragma: no cover - long physical keys always carry lk
                    glk = gk
                if not (lo_full <= glk < stop):
                    continue
                if _unpack_Q(gv)[0] > cap:
                    payload = _hist_at(r, gk, cap)
                    if payload is _ABSENT:
                        continue
                if payload is None and live_only:
                    continue
                resolved.append((glk, payload))
            resolved.sort(reverse=reverse)
            for full, payload in resolved:
                yield full[8:], payload
            if carry is None:
                return
            k, v = carry
        if _unpack_Q(v)[0] <= cap:
            flags = v[8]
            if flags & TOMB:
                if live_only:
                    continue
                payload = None
            else:
                payload = v[9:]
        else:
            payload = _hist_at(r, k, cap)
            if payload is _ABSENT or (payload is None and live_only):
                continue
        if check_lo and k < lo_full:
            continue  # a short key equal to a long lower bound's first LONG bytes
        yield k[8:], payload


def _scan_level_raw(r: Reader, bid: int, obj: int | None, lo: bytes, cap: int):
    """Forward scan of one level for maintenance: yield (lk, seq, flags, payload|None)
    of the version visible at cap, in logical order, from logical key ``lo``
    (relative to the object prefix; with ``obj=None`` every object of bid,
    ``lo`` relative to the bid prefix)."""
    prefix = _pack_II(bid, obj) if obj is not None else struct.pack(">I", bid)
    lo_full = prefix + lo
    stop = keycode.prefix_successor(prefix)
    pstart = lo_full if len(lo_full) <= LONG else lo_full[:LONG]
    it = r.iter("cur", pstart, stop)

    def resolve(k, v):
        flags, lk, payload = _split_val(v, 8)
        lk = lk if lk is not None else k
        seq = _unpack_Q(v)[0]
        if seq > cap:
            item = _hist_item_at(r, k, cap)
            if item is None:
                return None
            seq = item[0]
            flags, _lk2, payload = _split_val(item[1], 0)
        return lk, seq, flags & (TOMB | COPY), payload

    for k, v in it:
        while len(k) > LONG:
            g = k[:LONG]
            group = [(k, v)]
            carry = None
            for k2, v2 in it:
                if len(k2) > LONG and k2.startswith(g):
                    group.append((k2, v2))
                else:
                    carry = (k2, v2)
                    break
            out = []
            for gk, gv in group:
                x = resolve(gk, gv)
                if x is not None and x[0] >= lo_full:
                    out.append(x)
            out.sort()
            yield from out
            if carry is None:
                return
            k, v = carry
        x = resolve(k, v)
        if x is not None and x[0] >= lo_full:
            yield x


class Store:
    """The storage core: engine + published state + lock manager + commit entry points."""

    def __init__(self, engine: Engine, retention_seconds: float = 0.0, future_factory=None, clock=None):
        self.engine = engine
        self.locks = LockManager(future_factory)
        self.retention_seconds = retention_seconds
        #: wall clock for commit times and the retention window (tests inject one)
        self.clock = clock or time.time
        self.branches: dict[int, BranchInfo] = {}
        self.has_data: set[tuple[int, int]] = set()
        self.complete: dict[tuple[int, int], int] = {}
        #: bumped by every change of has_data / complete / branch structure (levels cache);
        #: ``layout_version`` only in the event-loop thread, ``layout_version_w`` only in the
        #: writer thread (apply_group registers structure early), so no bump is ever lost
        self.layout_version = 0
        self.layout_version_w = 0
        #: bumped when a structural change needs every reader reopened (invariant 5)
        self.epoch = 0
        self._lc: dict[tuple[int, int], tuple] = {}
        self._lc_ver = -1
        self._snapshots: dict[int, int] = {}  # seq -> refcount
        self._next_txid = 1
        self._active: dict[int, None] = {}  # txids of transactions not yet finished
        self._counters: dict[str, tuple[int, int]] = {}
        self._counter_start = {"oid": FIRST_USER_OID, "bid": 1, "rowid": 1}
        #: (bid, obj) -> [live rows, live bytes, hist versions, hist bytes]; exact
        self.obj_stats: dict[tuple[int, int], list[int]] = {}
        #: bid -> (live rows, live bytes): sums of obj_stats (kept for callers)
        self.stats: dict[int, tuple[int, int]] = {}
        self._horizon = 0
        self._horizon_at = float("-inf")
        self.branch_last_write: dict[int, int] = {}  # bid -> seq of its newest commit (since start)
        self.names_version = 0  # bumped when branch names or grants change (session name caches)
        #: ns -> (names_version, branch records): list_branches of the committed registry
        self._branch_lists: dict = {}
        #: (bid, obj) whose commits bump names_version (upper layers add their grant/role objects)
        self.names_objects: set[tuple[int, int]] = {(SYSTEM_BRANCH, OBJ_BRANCH_NAMES), (SYSTEM_BRANCH, OBJ_BRANCHES)}
        self.watched_objects: set[int] = set()  # object ids whose commits bump watch_epoch
        self.watch_epoch = 0  # e.g. catalog versions: caches keyed by it stay valid until it moves
        #: commit-log records below this seq have had their writes dropped by vacuum
        self.log_compacted = 0
        #: a consumer of the log (a standby) sets the oldest seq it still needs; vacuum
        #: compacts the log only below min(horizon, log_hold)
        self.log_hold: int | None = None
        self.pipeline = None  # set by pipeline.CommitPipeline
        self.on_publish = []  # callbacks(list_of_commit_records) for replication/feeds
        #: background work: ("materialize", bid, obj) -> None, drained by maintenance
        self.maint_queue: dict[tuple, None] = {}
        self._maint_task = None
        self._maint_lock = None  # asyncio.Lock, created on first use (maint_lock)
        self.materialize_ratio = MATERIALIZE_RATIO
        self.materialize_levels = MATERIALIZE_LEVELS
        self.auto_materialize = True
        self._open()

    # -------------------------------------------------------------- startup
    def _open(self) -> None:
        r = self.engine.reader()
        try:
            fmt = r.get("meta", b"format")
            if fmt is None:
                anything = r.seek("cur", b"") or r.seek("log", b"") or r.seek("meta", b"")
                if anything is not None:
                    raise PgError("data directory has data but no heliosd format marker",
                                  errcodes.DATA_CORRUPTED,
                                  hint="The directory was not created by this heliosd version, or is damaged.")
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
            v = r.get("meta", b"log_compacted")
            self.log_compacted = _unpack_Q(v)[0] if v else 0
            self._horizon = 0
            # branch structure from the registry rows (newest version of each)
            prefix = _pack_II(SYSTEM_BRANCH, OBJ_BRANCHES)
            self.branches[SYSTEM_BRANCH] = BranchInfo(SYSTEM_BRANCH, None, 0, 0)
            for k, v in r.iter("cur", prefix, keycode.prefix_successor(prefix)):
                flags, _lk, payload = _split_val(v, 8)
                if payload is None:
                    continue
                rec = marshal.loads(payload)
                info = BranchInfo(rec["id"], rec["parent"], rec["fork_seq"], rec["created_seq"])
                info.dropped = rec.get("dropped") is not None
                self.branches[rec["id"]] = info
            for k, v in r.iter("meta", b"path", b"patk"):
                bid = struct.unpack_from(">I", k, 4)[0]
                info = self.branches.get(bid)
                if info is not None:
                    info.parent, info.fork_seq = marshal.loads(v)
            for k, _v in r.iter("meta", b"gone", b"gonf"):
                self.branches.pop(struct.unpack_from(">I", k, 4)[0], None)
            # which (branch, object) pairs hold data: one seek per pair
            k = b""
            while True:
                nxt = r.seek("cur", k)
                if nxt is None:
                    break
                bid, obj = _unpack_II(nxt[0])
                self.has_data.add((bid, obj))
                k = keycode.prefix_successor(nxt[0][:8])
                if k is None:
                    break
            for k, v in r.iter("meta", b"stats", b"statt"):
                bid, obj = _unpack_II(k, 5)
                self.obj_stats[(bid, obj)] = list(marshal.loads(v))
            self._recount_branch_stats()
            for k, v in r.iter("meta", b"complete", b"completf"):
                bid, obj = _unpack_II(k, 8)
                self.complete[(bid, obj)] = _unpack_Q(v)[0]
        finally:
            r.close()

    @staticmethod
    def _init_fresh(w) -> None:
        w.put("meta", b"format", FORMAT)
        w.put("meta", b"last_seq", _pack_Q(0))

    def _recount_branch_stats(self) -> None:
        tot: dict[int, list[int]] = {}
        for (bid, _obj), s in self.obj_stats.items():
            t = tot.setdefault(bid, [0, 0])
            t[0] += s[0]
            t[1] += s[1]
        self.stats = {b: (t[0], t[1]) for b, t in tot.items()}

    def add_stats(self, deltas: dict) -> None:
        """Publish stats deltas {(bid, obj): [rows, bytes, hrows, hbytes]} (loop thread)."""
        os_ = self.obj_stats
        st = self.stats
        for bo, d in deltas.items():
            s = os_.get(bo)
            if s is None:
                s = os_[bo] = [0, 0, 0, 0]
            for i in range(4):
                s[i] += d[i]
            rows, nbytes = st.get(bo[0], (0, 0))
            st[bo[0]] = (rows + d[0], nbytes + d[1])

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

    def oldest_active_txid(self) -> int:
        """Smallest txid of a transaction still running (``_next_txid`` if none)."""
        for t in self._active:  # insertion order = txid order
            return t
        return self._next_txid

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
        cacheable = bid in self.branches
        while cur.parent is not None:
            cap = min(cap, cur.fork_seq)
            out.append((cur.parent, cap))
            nxt = self.branches.get(cur.parent)
            if nxt is None and local:
                nxt = local.get(cur.parent)
                cacheable = False
            if nxt is None:
                break
            cur = nxt
        if cacheable:
            info.chain = out
        return out

    def structure_changed(self) -> None:
        """Forget cached chains and paths after a change of branch structure."""
        for info in list(self.branches.values()):
            info.chain = None
        self.layout_version += 1

    def levels(self, bid: int, obj: int, snap: int, local: dict | None = None) -> list[tuple[int, int]]:
        """[(bid, cap)] of the levels a read of (bid, obj) at snap consults.

        The result may be shared: callers must not mutate it."""
        ver = (self.layout_version, self.layout_version_w)
        if self._lc_ver != ver:
            self._lc.clear()
            self._lc_ver = ver
        ent = self._lc.get((bid, obj))
        if ent is None:
            if bid not in self.branches:
                return self._levels_slow(bid, obj, snap, local)
            ent = self._lc[(bid, obj)] = self._levels_entry(bid, obj)
        threshold, own, tail, own_only = ent
        if snap >= threshold:
            if own:
                if own_only:
                    return [(bid, snap)]
                return [(bid, snap)] + tail
            return tail
        return self._levels_slow(bid, obj, snap, local)

    def _levels_entry(self, bid: int, obj: int):
        """Cache entry: valid for every snap >= threshold."""
        chain = self.chain(bid)
        threshold = 0
        for b, cap in chain[1:]:
            threshold = max(threshold, cap)
        for b, _cap in chain:
            cs = self.complete.get((b, obj))
            if cs is not None:
                threshold = max(threshold, cs)
        full = self._levels_slow(bid, obj, INF if threshold == 0 else max(threshold, 1), None)
        own = bool(full) and full[0][0] == bid
        tail = full[1:] if own else full
        return threshold, own, tail, own and not tail

    def _levels_slow(self, bid: int, obj: int, snap: int, local: dict | None) -> list[tuple[int, int]]:
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

    # -------------------------------------------------------------- transactions
    def begin(self, isolation: str = "read committed", read_only: bool = False,
              defer_snapshot: bool = False) -> "Txn":
        return Txn(self, isolation, read_only, defer_snapshot)

    def commit_sync(self, txn: "Txn", durable: bool = True) -> int:
        """Commit in the caller's thread (tests, tools, startup).  Returns the seq."""
        from .pipeline import apply_group, publish_group

        if not txn.writes:
            txn._finish()
            return self.latest
        req = txn._commit_request(durable)
        try:
            self.engine.write(lambda w: apply_group(self, w, [req]), durable=durable)
        except BaseException as e:
            err = e if isinstance(e, PgError) else PgError(f"could not commit: {e}", errcodes.IO_ERROR)
            publish_group(self, [req], err)
            raise err from (None if err is e else e)
        publish_group(self, [req])
        if req.error is not None:
            raise req.error
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

    # -------------------------------------------------------------- statistics
    def branch_stats(self, bid: int) -> dict:
        """Per-branch statistics.

        ``own_rows``/``own_bytes``: live rows the branch's own levels hold (its
        writes, plus copies placed by materialization/collapse) and their bytes
        (key + stored value); ``hist_rows``/``hist_bytes``: superseded versions
        kept for snapshots, the retention window and fork points.  These are
        exact (maintained by every commit, vacuum and maintenance step).
        ``inherited_rows``/``inherited_bytes``: what the ancestor levels on the
        branch's paths hold, per object, up to where the path ends (a complete
        level); an upper bound of what the branch reads through its parents
        (rows it shadows are included).  ``depth``: levels on its chain."""
        own = [0, 0, 0, 0]
        inh_rows = inh_bytes = 0
        objs = {o for (b, o) in list(self.obj_stats) if b == bid}
        chain = self.chain(bid)
        anc = {b for b, _ in chain[1:]}
        for (b, o) in list(self.obj_stats):
            if b in anc:
                objs.add(o)
        for o in objs:
            s = self.obj_stats.get((bid, o))
            if s is not None:
                for i in range(4):
                    own[i] += s[i]
            for b, _cap in self.levels(bid, o, self.latest):
                if b == bid:
                    continue
                s = self.obj_stats.get((b, o))
                if s is not None:
                    inh_rows += s[0]
                    inh_bytes += s[1]
        return {"own_rows": own[0], "own_bytes": own[1], "hist_rows": own[2], "hist_bytes": own[3],
                "inherited_rows": inh_rows, "inherited_bytes": inh_bytes, "depth": len(chain)}

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
        item = r.seek("log", _pack_Q(seq))
        if item is not None and item[0][:8] == _pack_Q(seq):
            return marshal.loads(item[1])[0]
        return None

    def commit_time(self, seq: int) -> float | None:
        r = self.engine.reader()
        try:
            return self._commit_time(r, seq)
        finally:
            r.close()

    #: recompute the horizon at most this often (seconds of ``clock``)
    HORIZON_REFRESH = 0.5

    def horizon(self) -> int:
        """Oldest seq still readable with AS OF (the retention window).

        Cached: recomputed (a binary search over the commit log) at most every
        ``HORIZON_REFRESH`` seconds, and never moves backwards, so every check
        against it and every vacuum decision agree (vacuum only removes what
        no seq >= the horizon it used can see, and later checks use a horizon
        at least as new)."""
        if self.retention_seconds <= 0:
            h = self.latest
        else:
            now = self.clock()
            if now - self._horizon_at < self.HORIZON_REFRESH:
                return self._horizon
            self._horizon_at = now
            h = self.seq_at_time(now - self.retention_seconds)
        if h > self._horizon:
            self._horizon = h
        return self._horizon

    def check_as_of(self, seq: int, bid: int | None = None) -> None:
        """Raise the error a read or fork at ``seq`` outside the window gets."""
        if seq > self.latest or seq < self.horizon():
            raise PgError(f"AS OF point is outside the retention window ({int(self.retention_seconds)} seconds)",
                          errcodes.SNAPSHOT_TOO_OLD,
                          hint="Set helios.retention (server option retention_seconds) to keep more history.")
        if bid is not None:
            info = self.branches.get(bid)
            if info is not None and seq < info.created_seq:
                raise PgError("branch did not exist at that point", errcodes.INVALID_PARAMETER_VALUE)

    def read_log(self, from_seq: int) -> Iterator[tuple[int, float, list]]:
        """Commit records with seq >= from_seq, in order: (seq, time, writes).

        Records below ``log_compacted`` have an empty write list (vacuum keeps
        the log's writes for the retention window and ``log_hold`` only)."""
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

    # -------------------------------------------------------------- maintenance
    def write_maintenance(self, fn):
        """One engine write of a maintenance step, in the caller's thread."""
        return self.engine.write(fn, durable=False)

    def run_steps_sync(self, gen):
        """Drive a maintenance step generator synchronously (tests, tools).

        A step generator yields writer functions, receives each one's result,
        and publishes in-memory state itself between steps."""
        res = None
        try:
            while True:
                fn = gen.send(res)
                res = self.write_maintenance(fn)
        except StopIteration as e:
            return e.value

    async def run_steps(self, gen):
        """Drive a step generator: each write through the pipeline's writer (serialized
        with commits), yielding to the event loop between steps."""
        res = None
        try:
            while True:
                fn = gen.send(res)
                if self.pipeline is not None:
                    res = await self.pipeline.run_in_writer(fn)
                else:
                    res = self.write_maintenance(fn)
                await asyncio.sleep(0)
        except StopIteration as e:
            return e.value

    def materialize_sync(self, bid: int, obj: int, chunk: int = MATERIALIZE_CHUNK) -> bool:
        return self.run_steps_sync(self.materialize_steps(bid, obj, chunk))

    async def materialize(self, bid: int, obj: int, chunk: int = MATERIALIZE_CHUNK) -> bool:
        """Copy the rows (bid, obj) still inherits into bid and mark the object complete.

        Returns True if the object is complete in bid afterwards."""
        return await self.run_steps(self.materialize_steps(bid, obj, chunk))

    def materialize_steps(self, bid: int, obj: int, chunk: int = MATERIALIZE_CHUNK):
        info = self.branches.get(bid)
        if info is None or info.parent is None or info.dropped:
            return False
        if (bid, obj) in self.complete:
            return True
        f = info.fork_seq
        after = b""
        while True:
            if self.branches.get(bid) is not info or info.fork_seq != f or info.dropped:
                return False  # structure changed under us (collapsed/dropped): try later
            r = self.engine.reader()
            try:
                todo = []
                lv = [(b, c) for b, c in self.levels(bid, obj, f) if b != bid]
                sources = [_raw_source(r, b, obj, after, c) for b, c in lv]
                last = None
                for key, rec in merge_sources(sources, False):
                    last = key
                    lk = _pack_II(bid, obj) + key
                    if _has_version_at(r, lk, f):
                        continue
                    todo.append((lk, rec[0], rec[1], rec[2]))
                    if len(todo) >= chunk:
                        break
                done = len(todo) < chunk
            finally:
                r.close()
            if todo:
                deltas = yield _copy_writer(todo, f)
                self.add_stats(deltas)
                if (bid, obj) not in self.has_data:
                    self.has_data.add((bid, obj))
                    self.layout_version += 1
            if done:
                break
            after = last + b"\x00"
        key = b"complete" + _pack_II(bid, obj)
        packed = _pack_Q(f)
        yield lambda w: w.put("meta", key, packed)
        self.complete[(bid, obj)] = f
        self.layout_version += 1
        self.epoch += 1
        return True

    def maybe_materialize(self, written_objects) -> None:
        """After a commit: queue materialization for objects a branch rewrote or
        reads through too many levels (the trigger)."""
        if not self.auto_materialize:
            return
        for bo in written_objects:
            bid, obj = bo
            if bid == SYSTEM_BRANCH or bo in self.complete or ("materialize", bid, obj) in self.maint_queue:
                continue
            info = self.branches.get(bid)
            if info is None or info.parent is None or info.dropped:
                continue
            lv = self.levels(bid, obj, self.latest)
            if len(lv) <= 1 and (not lv or lv[0][0] == bid):
                continue
            own = self.obj_stats.get(bo)
            own_rows = own[0] if own else 0
            inh = 0
            for b, _c in lv:
                if b != bid:
                    s = self.obj_stats.get((b, obj))
                    if s:
                        inh += s[0]
            if len(lv) > self.materialize_levels or (inh > 0 and own_rows >= self.materialize_ratio * inh):
                self.maint_queue[("materialize", bid, obj)] = None
        if self.maint_queue:
            self.kick_maintenance()

    def kick_maintenance(self) -> None:
        """Start the background maintenance worker if a loop runs the pipeline."""
        if self.pipeline is None or (self._maint_task is not None and not self._maint_task.done()):
            return
        self._maint_task = self.pipeline.loop.create_task(self._maintenance_worker())

    async def _maintenance_worker(self) -> None:
        import logging

        log = logging.getLogger("heliosd.storage")
        while self.maint_queue:
            task = next(iter(self.maint_queue))
            del self.maint_queue[task]
            try:
                async with self.maint_lock():
                    if task[0] == "materialize":
                        await self.materialize(task[1], task[2])
            except Exception:  # never take the server down; the next trigger retries
                log.exception("maintenance task %r failed", task)

    def maint_lock(self):
        """Serializes maintenance tasks (materialize, vacuum, reclaim, collapse)."""
        if self._maint_lock is None:
            self._maint_lock = asyncio.Lock()
        return self._maint_lock

    def run_maintenance_sync(self) -> None:
        """Run queued maintenance now, in the caller's thread (tests, tools)."""
        while self.maint_queue:
            task = next(iter(self.maint_queue))
            del self.maint_queue[task]
            if task[0] == "materialize":
                self.materialize_sync(task[1], task[2])


def _raw_source(r: Reader, bid: int, obj: int, lo: bytes, cap: int):
    """(key, (seq, flags, payload)) of one level for merge_sources; tombstones as None."""
    for lk, seq, flags, payload in _scan_level_raw(r, bid, obj, lo, cap):
        yield lk[8:], (None if flags & TOMB else (seq, flags, payload))


def _has_version_at(r: Reader, lk: bytes, cap: int) -> bool:
    """Whether lk's own level has a version with seq <= cap (a copy or an own write)."""
    pk = phys(lk)
    v = r.get("cur", pk)
    if v is None:
        return False
    if _unpack_Q(v)[0] <= cap:
        return True
    return _hist_item_at(r, pk, cap) is not None


def persist_stats(w, deltas) -> None:
    """Add stats deltas {(bid, obj): [4 ints]} to the persisted meta rows (inside a write)."""
    for (bid, obj), d in deltas.items():
        if not any(d):
            continue
        key = b"stats" + _pack_II(bid, obj)
        old = w.get("meta", key)
        cur = marshal.loads(old) if old else (0, 0, 0, 0)
        w.put("meta", key, marshal.dumps(tuple(c + x for c, x in zip(cur, d))))


def _copy_writer(todo, cap: int):
    """A writer fn placing copies [(lk, seq, flags, payload)] (see Materialization):
    into cur when the key is absent there, else into hist under the original seq
    when every version the level has is newer than cap.  Returns stats deltas."""

    def fn(w):
        deltas: dict[tuple[int, int], list[int]] = {}
        for lk, seq, flags, payload in todo:
            pk = phys(lk)
            bo = _unpack_II(lk)
            d = deltas.get(bo)
            if d is None:
                d = deltas[bo] = [0, 0, 0, 0]
            fl = (flags & TOMB) | COPY
            cur = w.get("cur", pk)
            if cur is None:
                v = _pack_Q(seq) + _encode_val(fl, lk, payload)
                w.put("cur", pk, v)
                if not fl & TOMB:
                    d[0] += 1
                    d[1] += len(pk) + len(v)
                continue
            if _unpack_Q(cur)[0] <= cap:
                continue  # the level has its version for cap already
            hk = pk + _inv(seq)
            if w.get("hist", hk) is None:
                hv = _encode_val(fl, lk, payload)
                w.put("hist", hk, hv)
                d[2] += 1
                d[3] += len(hk) + len(hv)
        persist_stats(w, deltas)
        return deltas

    return fn


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
    first one).  Snapshots given explicitly to reads (AS OF) and the fork
    points of branches it creates are registered for the transaction's life,
    so vacuum keeps what they see.

    ``defer_snapshot`` (sessions): the snapshot taken at begin is only
    provisional, as in PostgreSQL where BEGIN, SET and SHOW take none.  Until
    the first :meth:`new_statement` fixes it, reads at the transaction's
    snapshot follow the newest published seq; a REPEATABLE READ transaction
    therefore sees everything committed before its first real statement.
    :meth:`restart_statement` re-runs a statement after a lock wait on the
    same snapshot (READ COMMITTED re-checks the rows it locked on their newest
    versions instead of re-scanning with a new snapshot, see exec/dml.py).
    """

    def __init__(self, store: Store, isolation: str, read_only: bool, defer_snapshot: bool = False):
        self.store = store
        self.isolation = isolation
        self.read_only = read_only
        self.txid = store.new_txid()
        store._active[self.txid] = None
        self.writes: dict[bytes, bytes | None] = {}
        self.base: dict[bytes, int] = {}
        self._sorted: dict[bytes, list[bytes] | None] = {}  # per bid|obj prefix: sorted keys or None=dirty
        self._undo: list[_Undo] = []
        self.local_branches: dict[int, BranchInfo] = {}
        self.dropped_branches: set[int] = set()
        self.snapshot: int | None = None
        self._reader: Reader | None = None
        self._reader_seq = -1
        self._reader_epoch = -1
        self._old_readers: list[Reader] = []
        self._extra_snaps: set[int] = set()
        self.active = True
        self.written_objects: set[tuple[int, int]] = set()
        self._guarded: set[int] = set()
        self.forks: list[tuple[int, int, str]] = []  # (parent bid, fork seq, child name) created here
        self.retired: set[int] = set()  # branches renamed or dropped by this transaction
        #: bid -> seq at which the session resolved the branch's name (``pin_branch``)
        self._pins: dict[int, int] = {}
        self.commit_seq: int | None = None
        self.on_commit: list = []  # callbacks run after publish (session caches)
        self.snapshot_provisional = False
        self.new_statement()
        self.snapshot_provisional = defer_snapshot

    @property
    def repeatable(self) -> bool:
        return self.isolation in ("repeatable read", "serializable")

    # -------------------------------------------------------------- snapshots
    def new_statement(self) -> None:
        """Start a statement: READ COMMITTED takes a fresh snapshot, REPEATABLE
        READ its first one (replacing a provisional one)."""
        if self.snapshot is None or not self.repeatable or self.snapshot_provisional:
            self._take_snapshot()
        self.snapshot_provisional = False
        self.release_reader()

    def restart_statement(self) -> None:
        """Run the current statement again on its snapshot (after a lock wait)."""
        self.release_reader()

    def _take_snapshot(self) -> None:
        if self.snapshot is not None:
            if self.snapshot == self.store.latest:
                return
            self.store.release_snapshot(self.snapshot)
        self.snapshot = self.store.latest
        self.store.register_snapshot(self.snapshot)

    def _current_snapshot(self) -> int:
        if self.snapshot_provisional:
            self._take_snapshot()
        return self.snapshot

    def _use_snapshot(self, seq: int) -> None:
        if seq != self.snapshot and seq not in self._extra_snaps:
            self._extra_snaps.add(seq)
            self.store.register_snapshot(seq)

    def _fresh_reader(self) -> Reader:
        """A reader opened now (invariant 5).  The previous one is suspended, not
        closed: a scan still iterating it resumes on a fresh view (kv invariant 2;
        the versions its snapshot needs are registered), and no lmdb read
        transaction piles up however many times a long statement refreshes."""
        old = self._reader
        if old is not None:
            old.suspend()
            self._old_readers.append(old)
        store = self.store
        self._reader_seq = store.latest
        self._reader_epoch = store.epoch
        r = self._reader = store.engine.reader()
        return r

    def reader(self) -> Reader:
        r = self._reader
        if r is None or self._reader_epoch != self.store.epoch:
            r = self._fresh_reader()
        return r

    def release_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self._old_readers:
            for r in self._old_readers:
                r.close()
            self._old_readers = []

    # -------------------------------------------------------------- reads
    def get(self, bid: int, obj: int, key: bytes, snapshot: int | None = None, latest: bool = False):
        """The row payload for key, or None."""
        lk = _pack_II(bid, obj) + key
        w = self.writes
        if lk in w:
            return w[lk]
        store = self.store
        if latest:
            snap = store.latest
        elif snapshot is None:
            snap = self.snapshot if not self.snapshot_provisional else self._current_snapshot()
        else:
            snap = snapshot
            self._use_snapshot(snap)
        r = self._reader
        if r is None or snap > self._reader_seq or self._reader_epoch != store.epoch:
            r = self._fresh_reader()
        for b, cap in store.levels(bid, obj, snap, self.local_branches):
            v = _get_level(r, lk if b == bid else _pack_II(b, obj) + key, cap)
            if v is not _ABSENT:
                return v
        return None

    def own_seq(self, bid: int, obj: int, key: bytes) -> int:
        """Seq of the branch-own newest committed version (0 if the branch never
        wrote key; a copy counts as not written).  Reads the newest committed state."""
        store = self.store
        r = self._reader
        if r is None or store.latest > self._reader_seq or self._reader_epoch != store.epoch:
            r = self._fresh_reader()
        v = r.get("cur", phys(_pack_II(bid, obj) + key))
        if v is None or v[8] & COPY:
            return 0
        return _unpack_Q(v)[0]

    def scan(self, bid: int, obj: int, lo: bytes = b"", hi: bytes | None = None, reverse: bool = False,
             snapshot: int | None = None, latest: bool = False) -> Iterator[tuple[bytes, bytes]]:
        """Yield (key, payload) for live rows with lo <= key < hi, in key order."""
        store = self.store
        if latest:
            snap = store.latest
        elif snapshot is None:
            snap = self.snapshot if not self.snapshot_provisional else self._current_snapshot()
        else:
            snap = snapshot
            self._use_snapshot(snap)
        r = self._reader
        if r is None or snap > self._reader_seq or self._reader_epoch != store.epoch:
            r = self._fresh_reader()
        levels = store.levels(bid, obj, snap, self.local_branches)
        own = self._own_range(bid, obj, lo, hi, reverse) if self._sorted else None
        if not own:
            if len(levels) == 1:
                b, cap = levels[0]
                yield from _scan_level(r, b, obj, lo, hi, cap, reverse, True)
                return
            if not levels:
                return
        sources = []
        if own:
            sources.append(iter(own))
        for b, cap in levels:
            sources.append(_scan_level(r, b, obj, lo, hi, cap, reverse, False))
        yield from merge_sources(sources, reverse)

    def _own_range(self, bid, obj, lo, hi, reverse):
        prefix = _pack_II(bid, obj)
        if prefix not in self._sorted:
            return None
        keys = self._sorted[prefix]
        if keys is None:
            keys = sorted(k for k in self.writes if k[:8] == prefix)
            self._sorted[prefix] = keys
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
        if len(key) > MAX_KEY_BYTES or (value is not None and len(value) > MAX_VALUE_BYTES):
            self._too_big(key, value)
        lk = _pack_II(bid, obj) + key
        w = self.writes
        old = w.get(lk, _ABSENT)
        self._undo.append(_Undo("w", lk, old, self.base.get(lk, _ABSENT)))
        w[lk] = value
        if lk not in self.base and base != NOCHECK:
            self.base[lk] = base
        if old is _ABSENT:
            self._sorted[lk[:8]] = None
        if (bid, obj) not in self.written_objects:
            self.written_objects.add((bid, obj))
        if bid not in self._guarded and bid != SYSTEM_BRANCH:
            self._guard_branch(bid)

    def _guard_branch(self, bid: int) -> None:
        """A transaction writing to a branch validates at commit that the branch
        was not renamed or dropped since the session resolved its name (its
        registry row is unchanged since the pin, see :meth:`pin_branch`): a
        writer never commits into a branch that was swapped out under it, even
        when the swap committed before its first write."""
        self._guarded.add(bid)
        added = None  # savepoint rollback forgets the guard again (undo "g")
        if bid not in self.local_branches:
            rk = _pack_II(SYSTEM_BRANCH, OBJ_BRANCHES) + keycode.enc_int(bid)
            if rk not in self.base and rk not in self.writes:
                pin = self._pins.get(bid)
                key = keycode.enc_int(bid)
                if pin is None or pin >= self.store.latest:
                    self.base[rk] = self.own_seq(SYSTEM_BRANCH, OBJ_BRANCHES, key)
                else:
                    self.base[rk] = self.registry_seq_at(bid, pin)
                added = rk
        self._undo.append(_Undo("g", bid, added, None))

    def pin_branch(self, bid: int) -> None:
        """Record that the session resolved a branch name to ``bid`` now: a write
        to bid later in this transaction commits only if the branch's registry
        row (name, dropped) did not change after this point.  O(1): the seq is
        remembered, the registry is read only if the transaction writes."""
        if bid not in self._pins and bid not in self.local_branches:
            self._pins[bid] = self.store.latest

    def registry_seq_at(self, bid: int, cap: int) -> int:
        """Seq of the newest registry row version of ``bid`` if it is not newer
        than ``cap`` (0: no row), else -1 (changed after cap)."""
        r = self.reader()
        if self.store.latest > self._reader_seq:
            r = self._fresh_reader()
        pk = _pack_II(SYSTEM_BRANCH, OBJ_BRANCHES) + keycode.enc_int(bid)
        v = r.get("cur", pk)
        if v is None:
            return 0
        seq = _unpack_Q(v)[0]
        # a newer version means the row changed after cap: -1 never validates
        return seq if seq <= cap else -1

    @staticmethod
    def _too_big(key: bytes, value: bytes | None):
        if len(key) > MAX_KEY_BYTES:
            raise PgError(f"key size {len(key)} exceeds the maximum {MAX_KEY_BYTES} for storage",
                          errcodes.PROGRAM_LIMIT_EXCEEDED,
                          hint="Values larger than 1/3 of a buffer page cannot be indexed.")
        raise PgError(f"row size {len(value)} exceeds the maximum {MAX_VALUE_BYTES}", errcodes.PROGRAM_LIMIT_EXCEEDED)

    def delete(self, bid: int, obj: int, key: bytes, base: int = NOCHECK) -> None:
        self.put(bid, obj, key, None, base)

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
            elif u.kind == "d":
                self.dropped_branches.discard(u.key)
            elif u.kind == "f":
                self.forks.pop()
            elif u.kind == "r":
                self.retired.discard(u.key)
            elif u.kind == "g":
                self._guarded.discard(u.key)
                if u.old is not None:
                    self.base.pop(u.old, None)

    # -------------------------------------------------------------- locks
    def lock(self, name: bytes, mode: int = EXCLUSIVE, nowait: bool = False) -> bool:
        return self.store.locks.acquire(self.txid, name, mode, nowait)

    def try_lock(self, name: bytes, mode: int = EXCLUSIVE) -> bool:
        return self.store.locks.try_acquire(self.txid, name, mode)

    # -------------------------------------------------------------- branches
    def create_branch(self, ns: int, name: str, parent: int | None, fork_seq: int | None = None,
                      meta: dict | None = None) -> int:
        """Register a new branch (O(1)).  The caller checked privileges and name rules.

        ``fork_seq`` (a past point of the parent, within the retention window)
        defaults to the transaction's snapshot."""
        self._check_writable_branches()
        namekey = keycode.encode_key((ns, name))
        self.lock(_pack_II(SYSTEM_BRANCH, OBJ_BRANCH_NAMES) + namekey)
        if self.get(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, namekey, latest=True) is not None:
            raise PgError(f'branch "{name}" already exists', errcodes.DUPLICATE_OBJECT)
        # the name may have been used before (a dropped or renamed branch left a
        # tombstone): conflict only with a concurrent change of the name
        name_base = self.own_seq(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, namekey)
        if parent is not None:
            self.store.chain(parent, self.local_branches)  # must exist
            if parent in self.dropped_branches:
                raise PgError(f"branch {parent} does not exist", errcodes.UNDEFINED_OBJECT)
            prec = self.branch_record(parent)
            if prec is not None and prec.get("dropped") is not None:
                raise PgError(f"branch {parent} does not exist", errcodes.UNDEFINED_OBJECT)
        if fork_seq is None:
            fork_seq = self.snapshot if parent is not None else 0
        elif parent is not None and fork_seq != self.snapshot:
            pinfo = self.store.branches.get(parent) or self.local_branches.get(parent)
            if fork_seq > self.snapshot:
                raise PgError("cannot branch from a point after the transaction's snapshot",
                              errcodes.INVALID_PARAMETER_VALUE)
            if pinfo is not None and parent in self.store.branches:
                self.store.check_as_of(fork_seq, parent)
            self._use_snapshot(fork_seq)
        bid = self.store.allocate_bid()
        rec = {"id": bid, "name": name, "ns": ns, "parent": parent, "fork_seq": fork_seq,
               "created_seq": self.snapshot, "created_at": self.store.clock(), "dropped": None}
        if meta:
            rec.update(meta)
        self.put(SYSTEM_BRANCH, OBJ_BRANCHES, keycode.enc_int(bid), marshal.dumps(rec), base=0)
        self.put(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, namekey, marshal.dumps(bid), base=name_base)
        info = BranchInfo(bid, parent, fork_seq, self.snapshot)
        self.local_branches[bid] = info
        self._undo.append(_Undo("b", bid, None, None))
        if parent is not None:
            self.forks.append((parent, fork_seq, name))
            self._undo.append(_Undo("f", bid, None, None))
        return bid

    def _retire(self, bid: int) -> None:
        if bid not in self.retired:
            self.retired.add(bid)
            self._undo.append(_Undo("r", bid, None, None))

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
        self._retire(bid)
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
        self._retire(bid)
        rec = self.branch_record(bid)
        self.update_branch_record(bid, dict(rec, dropped=self.store.clock()))
        if bid not in self.dropped_branches:
            self.dropped_branches.add(bid)
            self._undo.append(_Undo("d", bid, None, None))
        return bid

    def list_branches(self, ns: int | None = None) -> list[dict]:
        """Live branch records (of one namespace, in name order, read through the
        name index: cost grows with that namespace's branches only)."""
        store = self.store
        shared = not ({(SYSTEM_BRANCH, OBJ_BRANCHES), (SYSTEM_BRANCH, OBJ_BRANCH_NAMES)} & self.written_objects)
        if shared and ns is not None:
            hit = store._branch_lists.get(ns)
            if hit is not None and hit[0] == store.names_version:
                return list(hit[1])
        out = []
        if ns is None:
            for _k, v in self.scan(SYSTEM_BRANCH, OBJ_BRANCHES, latest=True):
                rec = marshal.loads(v)
                if rec.get("dropped") is None:
                    out.append(rec)
            return out
        prefix = keycode.encode_key((ns,))
        bids = [marshal.loads(v) for _k, v in self.scan(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, prefix,
                                                        keycode.prefix_successor(prefix), latest=True)]
        for bid in bids:
            rec = self.branch_record(bid)
            if rec is not None and rec.get("dropped") is None:
                out.append(rec)
        if shared:
            if len(store._branch_lists) > 64:
                store._branch_lists.clear()
            store._branch_lists[ns] = (store.names_version, tuple(out))
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
        store = self.store
        if self.snapshot is not None:
            store.release_snapshot(self.snapshot)
        for s in self._extra_snaps:
            store.release_snapshot(s)
        self._extra_snaps = set()
        store._active.pop(self.txid, None)
        store.locks.release_all(self.txid)


def merge_sources(sources, reverse: bool) -> Iterator[tuple[bytes, object]]:
    """Merge sorted (key, payload|None) iterators; the lowest-index source holding a
    key shadows the others; tombstones (None) hide the key."""
    heads = []
    for i, s in enumerate(sources):
        item = next(s, None)
        if item is not None:
            heads.append([item[0], i, item[1], s])
    if len(heads) == 1:
        k, _i, v, s = heads[0]
        if v is not None:
            yield k, v
        for k, v in s:
            if v is not None:
                yield k, v
        return
    pick = max if reverse else min
    while heads:
        best = pick([h[0] for h in heads])
        wi = -1
        wv = None
        keep = []
        for h in heads:
            if h[0] == best:
                if wi < 0 or h[1] < wi:
                    wi = h[1]
                    wv = h[2]
                item = next(h[3], None)
                if item is not None:
                    h[0] = item[0]
                    h[2] = item[1]
                    keep.append(h)
            else:
                keep.append(h)
        heads = keep
        if wv is not None:
            yield best, wv
        if len(heads) == 1:
            k, _i, v, s = heads[0]
            if v is not None:
                yield k, v
            for k, v in s:
                if v is not None:
                    yield k, v
            return
