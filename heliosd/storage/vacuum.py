"""Background vacuum: drop superseded versions nobody can see any more.

A history version ``(k, s)`` of branch B is visible to snapshots in
``[s, next)``, where ``next`` is the seq of the following (newer) version of
k in B.  It is *needed* while any of these holds:

1. a registered snapshot (a running transaction or statement) lies in
   ``[s, next)``;
2. ``next > horizon``: some time inside the retention window (AS OF reads,
   CREATE BRANCH ... AS OF) still sees it;
3. a branch forked from B (dropped or not: a dropped parent still serves its
   surviving children) has its fork point in ``[s, next)``.

Everything else is deleted, in chunks of ``CHUNK`` keys per engine write,
serialized with commits through the pipeline's writer.  Deletion is safe
against concurrent commits: a version that no snapshot, window or fork can
see now can never become visible again (new snapshots and forks are newer).
"""

from __future__ import annotations

import asyncio
import logging
import struct

from .mvcc import _unpack_Q

log = logging.getLogger("heliosd.vacuum")
CHUNK = 5000
_MAXQ = (1 << 64) - 1


def fork_points(store) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for b in store.branches.values():
        if b.parent is not None:
            out.setdefault(b.parent, []).append(b.fork_seq)
    return out


def collect_garbage(store, start: bytes = b"", limit: int = CHUNK):
    """Scan hist from ``start``; return (keys to delete, next start or None)."""
    forks = fork_points(store)
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
            if nxt is None:
                continue
            if nxt > horizon:
                continue
            if any(seq <= sn < nxt for sn in snaps):
                continue
            bid = struct.unpack_from(">I", pk)[0]
            if any(seq <= f < nxt for f in forks.get(bid, ())):
                continue
            dead.append(hk)
            if n >= limit:
                break
        more = last if n >= limit else None
    finally:
        r.close()
    return dead, more


async def vacuum_once(store) -> int:
    """One full pass over history; returns the number of versions removed."""
    total = 0
    start = b""
    while True:
        dead, more = collect_garbage(store, start)
        if dead:
            def delete(w, dead=dead):
                for k in dead:
                    w.delete("hist", k)

            if store.pipeline is not None:
                await store.pipeline.run_in_writer(delete)
            else:
                store.engine.write(delete, durable=False)
            total += len(dead)
        if more is None:
            return total
        start = more + b"\x00"
        await asyncio.sleep(0)


def start_vacuum(store, loop, interval: float = 30.0):
    async def runner():
        while True:
            await asyncio.sleep(interval)
            try:
                n = await vacuum_once(store)
                if n:
                    log.info("vacuum removed %d old versions", n)
            except Exception:  # keep vacuuming next time; never take the server down
                log.exception("vacuum pass failed")

    return loop.create_task(runner())
