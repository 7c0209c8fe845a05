"""Background vacuum: drop versions nobody can see, reclaim dropped branches,
and collapse dropped ancestors so paths stay short.

All of it runs as *step generators* (see ``Store.run_steps``): each step is
one bounded engine write through the pipeline's writer, serialized with
commits, and the generator publishes the in-memory state (stats, has_data,
branch structure) between steps, in the event-loop thread.  Maintenance
tasks are serialized among themselves (``Store.maint_lock``).

1. History versions
===================

A history version ``(k, s)`` of branch B is visible to reads at caps in
``[s, next)``, where ``next`` is the seq of the following (newer) version of
k in B.  It is *needed* while any of these holds:

1. a registered snapshot lies in ``[s, next)`` (a running statement or
   transaction, an AS OF read in progress, the fork point of a branch being
   created: ``Txn`` registers all of them);
2. ``next > horizon``: a read at some seq inside the retention window (AS OF,
   CREATE BRANCH ... AS OF) would see it;
3. a *read cap* of B lies in ``[s, next)``: for every branch X whose path
   includes B, the cap at which X reads B (``min`` of the fork points on the
   way).  Direct children's fork points are such caps, but so are smaller
   ones from grandchildren forked at an older point.

Everything else is deleted, in chunks of ``CHUNK`` keys per engine write.
Deletion is safe against concurrent commits and reads: a version that no
snapshot, window or cap can see now can never become visible again (new
snapshots are >= latest; new forks are at a registered snapshot or within
the window, and the horizon never moves backwards).

2. Reclaiming dropped branches
==============================

A branch is *needed* if it is not dropped, or if one of its children is
needed.  A dropped branch that is not needed is reclaimed: its ``cur`` and
``hist`` entries, stats, complete marks and path override are deleted in
chunks, and a ``gone|bid`` marker is written last (so a restart mid-way
simply resumes).  Reclaiming starts only when every transaction that was
running when the branch was dropped (or detached, below) has ended
(``BranchInfo.retire_txid``), so no statement still holds a path through it.

3. Collapsing a dropped branch into its only needed child
=========================================================

::

    P --f_B--> B (dropped) --f_C--> C        becomes        P --min(f_B,f_C)--> C
                                                           (C holds B's rows)

When dropped B has exactly one needed child C, and every read of B through
C happens at cap f_C (no registered snapshot older than f_C, and every
branch below C reads B at f_C), then for each object: every version B shows
at cap f_C that C does not shadow at f_C is copied into C with its original
seq and the copy flag (into ``cur`` if C has no entry, else into ``hist``,
older than all of C's own versions, which are > f_C).  Tombstones are copied
too (they hide P's rows).  Complete marks of B that hold at f_C are carried
over to C.  The last step writes ``path|C = (P, min(f_B, f_C))`` and, in
memory, re-points C.  Reads stay exact at every point: before the switch B
and C answer alike for caps >= f_C; after it C's own level answers.

How BranchInfo changes stay safe for concurrent readers
-------------------------------------------------------

- ``parent``/``fork_seq`` of C are assigned in the event-loop thread, between
  two statements' steps (readers never run concurrently with it), after the
  engine write that holds all the copies returned.
- ``Store.structure_changed`` drops every cached chain and path; the next
  ``levels`` call recomputes them.  ``Store.epoch`` is bumped, so every
  transaction reopens its engine reader before its next read: the new, short
  path is never followed through an lmdb view that predates the copies
  (mvcc invariant 5).
- A scan already running keeps the old path (its levels were computed when
  it started), on its old reader or, once that reader was refreshed, on a
  newer view (kv invariant 2): either way B's data is still there, because B
  is reclaimed only after every transaction that was running at the switch
  has ended (``retire_txid``).
- Fork points: C's new fork point ``min(f_B, f_C)`` on P is the one B already
  had, so rule 3 above keeps protecting the same versions of P.

4. Compacting the commit log
===========================

Commit-log records below ``min(horizon, Store.log_hold)`` lose their write
lists (each keeps ``(time, [])``, so commit times stay known for AS OF
TIMESTAMP and fork times): their versions live in cur/hist, and neither an
AS OF point nor a log consumer (a standby sets ``log_hold``) needs them.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import marshal
import struct

from . import keycode
from .mvcc import (COPY, SYSTEM_BRANCH, TOMB, _copy_writer, _has_version_at, _pack_II, _pack_Q, _scan_level_raw,
                   _split_val, _unpack_II, _unpack_Q, persist_stats)

log = logging.getLogger("heliosd.vacuum")
CHUNK = 5000
_MAXQ = (1 << 64) - 1


# ------------------------------------------------------------------ 1. history


def read_caps(store) -> dict[int, list[int]]:
    """For each branch A: the sorted caps at which some branch's path reads A."""
    caps: dict[int, set[int]] = {}
    for bid in list(store.branches):
        for a, cap in store.chain(bid)[1:]:
            caps.setdefault(a, set()).add(cap)
    return {a: sorted(c) for a, c in caps.items()}


def fork_points(store) -> dict[int, list[int]]:  # kept for callers; read caps include them
    return read_caps(store)


def _any_in(sorted_vals: list[int], lo: int, hi: int) -> bool:
    """Whether some value v in sorted_vals has lo <= v < hi."""
    i = bisect.bisect_left(sorted_vals, lo)
    return i < len(sorted_vals) and sorted_vals[i] < hi


def collect_garbage(store, start: bytes = b"", limit: int = CHUNK):
    """Scan hist from ``start``; return (keys to delete, next start or None)."""
    caps = read_caps(store)
    snaps = sorted(store._snapshots)
    horizon = store.horizon()
    r = store.engine.reader()
    dead = []
    try:
        prev_pk = None
        newer_seq = None
        n = 0
        last = None
        for hk, _hv in r.iter("hist", start):
            n += 1
            pk = hk[:-8]
            seq = _MAXQ - _unpack_Q(hk, len(hk) - 8)[0]
            if pk != prev_pk:
                cv = r.get("cur", pk)
                newer_seq = _unpack_Q(cv)[0] if cv is not None else None
                prev_pk = pk
            nxt = newer_seq
            newer_seq = seq
            last = hk
            if n >= limit:
                break
            if nxt is None or nxt > horizon or _any_in(snaps, seq, nxt):
                continue
            bid = struct.unpack_from(">I", pk)[0]
            c = caps.get(bid)
            if c and _any_in(c, seq, nxt):
                continue
            dead.append(hk)
        more = last if n >= limit else None
    finally:
        r.close()
    return dead, more


def _delete_writer(table: str, keys: list[bytes]):
    """Delete keys of ``table`` (cur or hist); returns stats deltas."""

    def fn(w):
        deltas: dict[tuple[int, int], list[int]] = {}
        for k in keys:
            v = w.get(table, k)
            if v is None:
                continue
            w.delete(table, k)
            bo = _unpack_II(k)
            d = deltas.get(bo)
            if d is None:
                d = deltas[bo] = [0, 0, 0, 0]
            if table == "hist":
                d[2] -= 1
                d[3] -= len(k) + len(v)
            elif not v[8] & TOMB:
                d[0] -= 1
                d[1] -= len(k) + len(v)
        persist_stats(w, deltas)
        return deltas

    return fn


def gc_steps(store, limit: int = CHUNK):
    """Remove unneeded history versions; returns how many."""
    total = 0
    start = b""
    while True:
        dead, more = collect_garbage(store, start, limit)
        if dead:
            deltas = yield _delete_writer("hist", dead)
            store.add_stats(deltas)
            total += len(dead)
        if more is None:
            return total
        start = more


def log_compact_steps(store, chunk: int = CHUNK):
    """Drop the writes of commit-log records below min(horizon, log_hold): their
    versions are in cur/hist already and no AS OF point or log consumer needs
    them.  Each record keeps ``(time, [])`` so commit times stay known (AS OF
    TIMESTAMP, fork times).  The log's counterpart of PostgreSQL recycling WAL."""
    upto = store.horizon()
    if store.log_hold is not None:
        upto = min(upto, store.log_hold)
    done = 0
    start = store.log_compacted
    while start < upto:
        r = store.engine.reader()
        try:
            items = []
            for k, v in r.iter("log", _pack_Q(start), _pack_Q(upto)):
                items.append((k, v))
                if len(items) >= chunk:
                    break
        finally:
            r.close()
        full = len(items) >= chunk
        start = _unpack_Q(items[-1][0])[0] if full else upto
        mark = _pack_Q(start)

        def fn(w, items=items, mark=mark):
            n = 0
            for k, v in items:
                if k[8:] != b"\0\0\0\0":
                    w.delete("log", k)
                    n += 1
                    continue
                t, writes = marshal.loads(v)
                if writes:
                    w.put("log", k, marshal.dumps((t, [])))
                    n += 1
            w.put("meta", b"log_compacted", mark)
            return n

        done += yield fn
        store.log_compacted = start
        if not full:
            break
    return done


# ------------------------------------------------------------------ 2./3. branches


def children(store) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for bid, info in list(store.branches.items()):
        if info.parent is not None:
            out.setdefault(info.parent, []).append(bid)
    return out


def needed_branches(store) -> set[int]:
    """Branches that are live or have a live descendant (by current paths)."""
    kids = children(store)
    need: set[int] = set()

    def visit(b) -> bool:
        n = not store.branches[b].dropped
        for c in kids.get(b, ()):
            if visit(c):
                n = True
        if n:
            need.add(b)
        return n

    for bid, info in list(store.branches.items()):
        if info.parent is None or info.parent not in store.branches:
            visit(bid)
    return need


def reclaimable(store) -> list[int]:
    need = needed_branches(store)
    oldest = store.oldest_active_txid()
    return sorted(b for b, info in list(store.branches.items())
                  if b != SYSTEM_BRANCH and info.dropped and b not in need and info.retire_txid <= oldest)


def reclaim_steps(store, bid: int, chunk: int = CHUNK):
    """Delete everything of a dropped, unneeded branch."""
    prefix = struct.pack(">I", bid)
    stop = keycode.prefix_successor(prefix)
    for table in ("cur", "hist"):
        while True:
            r = store.engine.reader()
            try:
                keys = []
                for k, _v in r.iter(table, prefix, stop):
                    keys.append(k)
                    if len(keys) >= chunk:
                        break
            finally:
                r.close()
            if not keys:
                break
            deltas = yield _delete_writer(table, keys)
            store.add_stats(deltas)
    objs = sorted({o for (b, o) in list(store.obj_stats) if b == bid} | {o for (b, o) in list(store.complete) if b == bid})

    def final(w):
        for o in objs:
            w.delete("meta", b"stats" + _pack_II(bid, o))
            w.delete("meta", b"complete" + _pack_II(bid, o))
        w.delete("meta", b"path" + prefix)
        w.put("meta", b"gone" + prefix, b"")

    yield final
    store.branches.pop(bid, None)
    for bo in [bo for bo in list(store.has_data) if bo[0] == bid]:
        store.has_data.discard(bo)
    for bo in [bo for bo in list(store.obj_stats) if bo[0] == bid]:
        del store.obj_stats[bo]
    for bo in [bo for bo in list(store.complete) if bo[0] == bid]:
        del store.complete[bo]
    store.stats.pop(bid, None)
    store.structure_changed()
    return True


def collapsible(store) -> list[tuple[int, int]]:
    """[(B, C)]: dropped B whose only needed child C reads it at C's fork point
    only; deepest first (so a chain of dropped ancestors collapses bottom-up)."""
    need = needed_branches(store)
    kids = children(store)
    oldest_snap = min(store._snapshots) if store._snapshots else None
    out = []
    for b, info in list(store.branches.items()):
        if not info.dropped or b not in need or b == SYSTEM_BRANCH:
            continue
        nk = [c for c in kids.get(b, ()) if c in need]
        if len(nk) != 1:
            continue
        c = nk[0]
        f = store.branches[c].fork_seq
        if oldest_snap is not None and oldest_snap < f:
            continue
        if not _reads_only_at(store, kids, c, b, f):
            continue
        out.append((len(store.chain(b)), b, c))
    out.sort(reverse=True)
    return [(b, c) for _d, b, c in out]


def _reads_only_at(store, kids, c: int, b: int, f: int) -> bool:
    stack = [c]
    while stack:
        x = stack.pop()
        for a, cap in store.chain(x):
            if a == b:
                if cap != f:
                    return False
                break
        stack.extend(kids.get(x, ()))
    return True


def collapse_steps(store, b: int, c: int, chunk: int = CHUNK):
    """Copy what C sees through B into C, then re-point C past B."""
    binfo = store.branches[b]
    cinfo = store.branches[c]
    f = cinfo.fork_seq
    objs = sorted({o for (x, o) in list(store.has_data) if x == b} | {o for (x, o) in list(store.complete) if x == b})
    for obj in objs:
        after = b""
        while True:
            if cinfo.parent != b or cinfo.fork_seq != f or store.branches.get(b) is not binfo:
                return False
            r = store.engine.reader()
            try:
                todo = []
                last = None
                n = 0
                for lk, seq, flags, payload in _scan_level_raw(r, b, obj, after, f):
                    last = lk[8:]
                    n += 1
                    ck = _pack_II(c, obj) + lk[8:]
                    if not _has_version_at(r, ck, f):
                        todo.append((ck, seq, flags, payload))
                    if n >= chunk:
                        break
                done = n < chunk
            finally:
                r.close()
            if todo:
                deltas = yield _copy_writer(todo, f)
                store.add_stats(deltas)
                if (c, obj) not in store.has_data:
                    store.has_data.add((c, obj))
                    store.layout_version += 1
            if done:
                break
            after = last + b"\x00"
    if cinfo.parent != b or cinfo.fork_seq != f or store.branches.get(b) is not binfo:
        return False
    oldest_snap = min(store._snapshots) if store._snapshots else None
    if oldest_snap is not None and oldest_snap < f:
        return False  # someone started reading at an older point meanwhile: try again later
    parent = binfo.parent
    newfork = min(binfo.fork_seq, f) if parent is not None else 0
    comp = [o for o in objs if store.complete.get((b, o), f + 1) <= f and (c, o) not in store.complete]
    path = marshal.dumps((parent, newfork))

    def switch(w):
        w.put("meta", b"path" + struct.pack(">I", c), path)
        for o in comp:
            w.put("meta", b"complete" + _pack_II(c, o), _pack_Q(f))

    yield switch
    cinfo.parent = parent
    cinfo.fork_seq = newfork
    for o in comp:
        store.complete[(c, o)] = f
    binfo.retire_txid = store._next_txid
    store.structure_changed()
    store.epoch += 1
    return True


# ------------------------------------------------------------------ drivers


def maintenance_steps(store):
    """One full maintenance pass: history GC, reclaim, collapse (bottom-up), reclaim."""
    removed = yield from gc_steps(store)
    reclaimed = 0
    for bid in reclaimable(store):
        yield from reclaim_steps(store, bid)
        reclaimed += 1
    collapsed = 0
    for _ in range(len(store.branches)):
        cand = collapsible(store)
        if not cand:
            break
        b, c = cand[0]
        if not (yield from collapse_steps(store, b, c)):
            break
        collapsed += 1
    for bid in reclaimable(store):
        yield from reclaim_steps(store, bid)
        reclaimed += 1
    compacted = yield from log_compact_steps(store)
    return {"versions": removed, "reclaimed": reclaimed, "collapsed": collapsed, "log_records": compacted}


def vacuum_sync(store) -> dict:
    """A full maintenance pass in the caller's thread (tests, tools)."""
    store.run_maintenance_sync()
    return store.run_steps_sync(maintenance_steps(store))


async def vacuum_once(store) -> dict:
    """A full maintenance pass through the pipeline's writer."""
    async with store.maint_lock():
        return await store.run_steps(maintenance_steps(store))


def start_vacuum(store, loop, interval: float = 30.0):
    async def runner():
        while True:
            await asyncio.sleep(interval)
            try:
                res = await vacuum_once(store)
                if any(res.values()):
                    log.info("vacuum: removed %(versions)d old versions, reclaimed %(reclaimed)d "
                             "and collapsed %(collapsed)d dropped branches, compacted %(log_records)d "
                             "commit-log records", res)
            except Exception:  # keep vacuuming next time; never take the server down
                log.exception("vacuum pass failed")

    return loop.create_task(runner())


# ------------------------------------------------------------------ checks


def recount_stats(store) -> dict[tuple[int, int], list[int]]:
    """Recompute per-(branch, object) statistics from the engine (tests, tools)."""
    out: dict[tuple[int, int], list[int]] = {}
    r = store.engine.reader()
    try:
        for k, v in r.iter("cur", b""):
            bo = _unpack_II(k)
            s = out.setdefault(bo, [0, 0, 0, 0])
            if not v[8] & TOMB:
                s[0] += 1
                s[1] += len(k) + len(v)
        for k, v in r.iter("hist", b""):
            bo = _unpack_II(k)
            s = out.setdefault(bo, [0, 0, 0, 0])
            s[2] += 1
            s[3] += len(k) + len(v)
        persisted = {}
        for k, v in r.iter("meta", b"stats", b"statt"):
            persisted[_unpack_II(k, 5)] = list(marshal.loads(v))
    finally:
        r.close()
    return out, persisted


def check_stats(store) -> None:
    """Assert that the published and the persisted statistics are exact."""
    actual, persisted = recount_stats(store)
    nz = lambda d: {k: list(v) for k, v in d.items() if any(v)}  # noqa: E731
    assert nz(store.obj_stats) == nz(actual), (nz(store.obj_stats), nz(actual))
    assert nz(persisted) == nz(actual), (nz(persisted), nz(actual))


__all__ = ["collect_garbage", "gc_steps", "reclaim_steps", "collapse_steps", "maintenance_steps",
           "vacuum_sync", "vacuum_once", "start_vacuum", "check_stats", "read_caps", "COPY", "_split_val"]
