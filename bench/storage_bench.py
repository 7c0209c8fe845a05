"""Storage core benchmark (not a test): prints a table of figures.

    .venv/bin/python bench/storage_bench.py            # full run (a few minutes)
    .venv/bin/python bench/storage_bench.py --quick    # smaller sizes, for a smoke check
    .venv/bin/python bench/storage_bench.py --only depth,fanout

Sections (all on the lmdb engine, in a temporary directory unless --dir):

- ops:     point get, insert (batched and one row per commit, with and
           without fsync), range scan, on a single-level table of N rows;
- create:  CREATE BRANCH time with a 10k-row and a 1M-row parent;
- depth:   a tenant migrated by branch-and-swap D times (each migration
           forks a new branch from the old one, rewrites every row of one
           table there, swaps the names and drops the old branch), with the
           server's background maintenance (materialization trigger, vacuum:
           collapse + reclaim); point get and scan cost at depth 1, 10, 50 on
           the rewritten table and on an untouched one; also without
           maintenance, for contrast;
- fanout:  bytes used by 1,000 branches forked from a ~100 MB parent with 1%
           of the rows changed in each.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from heliosd.storage import keycode, vacuum  # noqa: E402
from heliosd.storage.kv import LmdbEngine  # noqa: E402
from heliosd.storage.mvcc import Store  # noqa: E402
from heliosd.storage.pipeline import CommitPipeline  # noqa: E402

NS = 1
ROWS: list[tuple[str, str, str]] = []


def row(section, what, value):
    ROWS.append((section, what, value))
    print(f"  {what:<58} {value}", flush=True)


def enc(i):
    return keycode.enc_int(i)


def new_store(base, name, **kw):
    path = os.path.join(base, name)
    shutil.rmtree(path, ignore_errors=True)
    return Store(LmdbEngine(path), **kw)


def load(store, bid, obj, n, size=100, batch=20000, start=0):
    payload = os.urandom(size)
    for lo in range(start, start + n, batch):
        t = store.begin()
        for i in range(lo, min(lo + batch, start + n)):
            t.put(bid, obj, enc(i), payload)
        store.commit_sync(t, durable=False)


def root(store, name="main"):
    t = store.begin()
    b = t.create_branch(NS, name, None)
    store.commit_sync(t)
    return b


def best_of(fn, reps=5):
    return min(fn() for _ in range(reps))


def time_gets(store, bid, obj, n, count=100000):
    keys = [enc(random.randrange(n)) for _ in range(count)]
    t = store.begin("repeatable read")

    def once():
        get = t.get
        t0 = time.perf_counter()
        for k in keys:
            get(bid, obj, k)
        return (time.perf_counter() - t0) / count

    r = best_of(once, 9)
    t.rollback()
    return r


def time_scan(store, bid, obj):
    t = store.begin("repeatable read")

    def once():
        t0 = time.perf_counter()
        n = 0
        for _ in t.scan(bid, obj):
            n += 1
        return (time.perf_counter() - t0) / max(n, 1)

    r = best_of(once, 3)
    t.rollback()
    return r


def time_range_scans(store, bid, obj, n, width=100, count=2000):
    starts = [random.randrange(max(n - width, 1)) for _ in range(count)]
    t = store.begin("repeatable read")

    def once():
        t0 = time.perf_counter()
        for s in starts:
            for _ in t.scan(bid, obj, enc(s), enc(s + width)):
                pass
        return (time.perf_counter() - t0) / count

    r = best_of(once, 3)
    t.rollback()
    return r


# ---------------------------------------------------------------- sections


def bench_ops(base, n):
    print(f"ops (single-level table of {n:,} rows of 100 bytes)")
    s = new_store(base, "ops")
    main = root(s)
    t0 = time.perf_counter()
    load(s, main, 10, n)
    dt = time.perf_counter() - t0
    row("ops", "insert, 20k-row transactions (rows/s)", f"{n / dt:,.0f}")
    g = time_gets(s, main, 10, n)
    row("ops", "point get (gets/s)", f"{1 / g:,.0f}  ({g * 1e6:.2f} us)")
    sc = time_scan(s, main, 10)
    row("ops", "full scan (rows/s)", f"{1 / sc:,.0f}  ({sc * 1e6:.3f} us/row)")
    rs = time_range_scans(s, main, 10, n)
    row("ops", "range scan of 100 rows (scans/s)", f"{1 / rs:,.0f}  ({rs * 1e6:.1f} us)")

    async def commits(durable, count):
        CommitPipeline(s, asyncio.get_running_loop())
        t0 = time.perf_counter()
        for i in range(count):
            t = s.begin()
            t.put(main, 11, enc(i), b"x" * 100)
            await s.commit(t, durable=durable)
        one = (time.perf_counter() - t0) / count
        # 64 concurrent committers: group commit
        w0, f0 = s.engine.writes, s.engine.syncs

        async def committer(c):
            for i in range(count // 16):
                t = s.begin()
                t.put(main, 12, enc(c * 100000 + i), b"x" * 100)
                await s.commit(t, durable=durable)

        t0 = time.perf_counter()
        await asyncio.gather(*(committer(c) for c in range(64)))
        total = 64 * (count // 16)
        return one, total / (time.perf_counter() - t0), total, s.engine.writes - w0, s.engine.syncs - f0

    for durable in (True, False):
        one, rate, total, writes, syncs = asyncio.run(commits(durable, 2000))
        label = "synchronous_commit=on" if durable else "synchronous_commit=off"
        row("ops", f"single-row commit, one session, {label} (commits/s)", f"{1 / one:,.0f}  ({one * 1e3:.3f} ms)")
        row("ops", f"64 concurrent sessions, {label} (commits/s)",
            f"{rate:,.0f}  ({total} commits in {writes} engine writes, {syncs} fsyncs)")
    s.engine.close()


def bench_create(base, big):
    print("create (CREATE BRANCH, commit included)")
    for n in (10000, big):
        s = new_store(base, f"create{n}")
        main = root(s)
        load(s, main, 10, n)
        times, calls = [], []
        for i in range(30):
            t0 = time.perf_counter()
            t = s.begin()
            t.create_branch(NS, f"b{i}", main)
            t1 = time.perf_counter()
            s.commit_sync(t)
            times.append(time.perf_counter() - t0)
            calls.append(t1 - t0)
        row("create", f"create branch, parent of {n:,} rows: call / with commit+fsync (median ms)",
            f"{statistics.median(calls) * 1e3:.3f} / {statistics.median(times) * 1e3:.3f}")
        s.engine.close()


def migrate(s, name, obj, n, tag):
    t = s.begin()
    old = t.branch_id(NS, name)
    new = t.create_branch(NS, name + "_next", old)
    payload = tag + os.urandom(90)
    for i in range(n):  # UPDATE tasks SET ... (every row)
        t.put(new, obj, enc(i), payload)
    t.drop_branch(NS, name)
    t.rename_branch(NS, name + "_next", name)
    return t, new


def bench_depth(base, n, depths, maintenance):
    label = "with maintenance" if maintenance else "no maintenance"
    print(f"depth ({label}): tenant migrated by branch-and-swap; table A rewritten each time, "
          f"table B untouched; {n:,} rows each; ratios against a depth-1 tenant measured alongside")
    s = new_store(base, f"depth{int(maintenance)}", retention_seconds=0)
    s.auto_materialize = maintenance
    tmpl = root(s, "template")
    load(s, tmpl, 10, n)
    load(s, tmpl, 11, n)
    t = s.begin()
    tenant = t.create_branch(NS, "tenant", tmpl)
    ref = t.create_branch(NS, "reference", tmpl)  # depth 1, never migrated
    s.commit_sync(t)
    results = {}

    async def run():
        nonlocal tenant
        CommitPipeline(s, asyncio.get_running_loop())
        done = 0
        for d in depths:
            while done < d - 1:
                t, new = migrate(s, "tenant", 10, n, b"m%d" % done)
                await s.commit(t, durable=False)
                tenant = new
                done += 1
                if maintenance:
                    while s.maint_queue or (s._maint_task is not None and not s._maint_task.done()):
                        await asyncio.sleep(0.001)
                    await vacuum.vacuum_once(s)
            results[d] = measure()

    def measure():
        out = {"chain": len(s.chain(tenant))}
        for obj, tag in ((10, "A"), (11, "B")):
            g = {tenant: [], ref: []}
            sc = {tenant: [], ref: []}
            for _round in range(3):  # interleaved, so machine noise hits both alike
                for b in (ref, tenant):
                    g[b].append(time_gets(s, b, obj, n, 30000))
                    sc[b].append(time_scan(s, b, obj))
            out[tag] = (len(s.levels(tenant, obj, s.latest)), min(g[tenant]), min(sc[tenant]),
                        min(g[ref]), min(sc[ref]))
        return out

    asyncio.run(run())
    for d in depths:
        r = results[d]
        for tag in ("A", "B"):
            lv, g, sc, g1, sc1 = r[tag]
            row(f"depth/{label}", f"depth {d:>2} ({r['chain']} on chain), table {tag}: {lv} level(s): get, scan",
                f"{g * 1e6:5.2f} us ({g / g1:.2f}x)  {sc * 1e6:5.3f} us/row ({sc / sc1:.2f}x)")
    s.engine.close()


def bench_fanout(base, parent_rows, branches, frac, row_size=100):
    print(f"fanout: {branches:,} branches of a {parent_rows:,}-row parent ({parent_rows * row_size / 1e6:.0f} MB "
          f"of rows), {frac:.0%} of rows changed in each")
    s = new_store(base, "fanout", retention_seconds=0)
    s.auto_materialize = False  # 1% changed: no materialization wanted
    main = root(s)
    load(s, main, 10, parent_rows, size=row_size)
    eng = s.engine
    vacuum.vacuum_sync(s)
    parent_live = live_pages(eng)
    parent_stats = s.branch_stats(main)
    changed = int(parent_rows * frac)
    rnd = random.Random(1)
    t0 = time.perf_counter()
    for b in range(branches):
        t = s.begin()
        bid = t.create_branch(NS, f"t{b}", main)
        s.commit_sync(t, durable=False)
        t = s.begin()
        payload = os.urandom(row_size)
        for i in rnd.sample(range(parent_rows), changed):
            t.put(bid, 10, enc(i), payload)
        s.commit_sync(t, durable=False)
    dt = time.perf_counter() - t0
    before = live_pages(eng)
    res = vacuum.vacuum_sync(s)
    after = live_pages(eng)
    change_bytes = branches * changed * (row_size + 9)
    parent_pages = parent_live["total"]
    row("fanout", "parent: live lmdb pages (MB)", f"{parent_pages / 1e6:,.1f}  (rows+keys {parent_stats['own_bytes'] / 1e6:,.1f} MB)")
    row("fanout", "the changes: rows x (payload + key) (MB)", f"{change_bytes / 1e6:,.1f}")
    row("fanout", "all branches, before vacuum: live pages cur/hist/log/total (MB)",
        " / ".join(f"{before[t] / 1e6:,.1f}" for t in ("cur", "hist", "log", "total")))
    row("fanout", "all branches, after vacuum (log compacted): same (MB)",
        " / ".join(f"{after[t] / 1e6:,.1f}" for t in ("cur", "hist", "log", "total")))
    row("fanout", "data file high-water mark (MB)", f"{eng.used_bytes() / 1e6:,.1f}")
    row("fanout", "live after vacuum / (2 x parent + changes)", f"{after['total'] / (2 * parent_pages + change_bytes):.2f}")
    row("fanout", "time to create and fill the branches (s)", f"{dt:,.1f}  (vacuum: {res})")
    s.engine.close()


def live_pages(eng):
    """Bytes of the B-tree pages each table uses (what the data needs, free pages excluded)."""
    out = {}
    with eng.env.begin() as txn:
        for name, db in eng._dbs.items():
            st = txn.stat(db)
            out[name] = (st["branch_pages"] + st["leaf_pages"] + st["overflow_pages"]) * st["psize"]
    out["total"] = sum(out.values())
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--dir", default=None)
    ap.add_argument("--only", default="ops,create,depth,fanout")
    args = ap.parse_args()
    base = args.dir or tempfile.mkdtemp(prefix="helios-bench-")
    only = set(args.only.split(","))
    q = args.quick
    random.seed(7)
    print(f"storage bench ({'quick' if q else 'full'}), data in {base}")
    try:
        if "ops" in only:
            bench_ops(base, 20000 if q else 200000)
        if "create" in only:
            bench_create(base, 100000 if q else 1000000)
        if "depth" in only:
            depths = [1, 5, 10] if q else [1, 10, 50]
            bench_depth(base, 2000 if q else 10000, depths, True)
            bench_depth(base, 2000 if q else 10000, depths[:2] if q else [1, 10], False)
        if "fanout" in only:
            if q:
                bench_fanout(base, 20000, 50, 0.01)
            else:
                bench_fanout(base, 1000000, 1000, 0.01)
    finally:
        if not args.dir:
            shutil.rmtree(base, ignore_errors=True)
    print()
    print(f"{'section':<22} {'measure':<58} value")
    for sec, what, val in ROWS:
        print(f"{sec:<22} {what:<58} {val}")


if __name__ == "__main__":
    main()
