"""Child process of the crash test: commits in a loop through the lmdb engine and
the commit pipeline, and reports every acknowledged commit on stdout.

Usage: python crash_child.py DATA_DIR SEED

Each commit of worker w, number i writes, all in one transaction:
  (main, 10, w:i) = b"a%d:%d", (main, 11, w:i) = b"b%d:%d", (main, 12, w) = i
and every 7th commit also creates the branch "w{w}-{i}" with a row in it.
Some commits are durable=False (synchronous_commit=off): a process kill must
not lose those either (the OS holds their pages).  A line "ACK w i seq" is
written (unbuffered) after the commit returned.
"""
import asyncio
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from heliosd.storage import keycode  # noqa: E402
from heliosd.storage.kv import LmdbEngine  # noqa: E402
from heliosd.storage.mvcc import Store  # noqa: E402
from heliosd.storage.pipeline import CommitPipeline  # noqa: E402

NS = 1
WORKERS = 6


def out(line: str) -> None:
    os.write(1, (line + "\n").encode())


async def main(path: str, seed: int) -> None:
    rnd = random.Random(seed)
    store = Store(LmdbEngine(path, map_size=rnd.choice([1 << 20, 4 << 20, 1 << 30])))
    CommitPipeline(store, asyncio.get_running_loop())
    t = store.begin()
    main_bid = t.branch_id(NS, "main")
    if main_bid is None:
        main_bid = t.create_branch(NS, "main", None)
        await store.commit(t)
    else:
        t.rollback()
    # resume numbering after what a previous run committed
    t = store.begin()
    start = {}
    for w in range(WORKERS):
        v = t.get(main_bid, 12, keycode.enc_int(w))
        start[w] = int(v) + 1 if v else 0
    t.rollback()
    out("READY")

    async def worker(w):
        i = start[w]
        while True:
            t = store.begin()
            key = keycode.encode_key((w, i))
            t.put(main_bid, 10, key, b"a%d:%d" % (w, i) + b"x" * rnd.randrange(0, 3000))
            t.put(main_bid, 11, key, b"b%d:%d" % (w, i))
            t.put(main_bid, 12, keycode.enc_int(w), b"%d" % i)
            if i % 7 == 3:
                b = t.create_branch(NS, f"w{w}-{i}", main_bid)
                t.put(b, 10, key, b"branch")
            durable = rnd.random() < 0.8
            seq = await store.commit(t, durable=durable)
            out(f"ACK {w} {i} {seq}")
            i += 1

    await asyncio.gather(*(worker(w) for w in range(WORKERS)))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2])))
