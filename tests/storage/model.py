"""A plain-Python reference model of MVCC with copy-on-write branches.

It knows nothing of engines, physical keys, history tables or levels
caches: a branch is ``{parent, fork_seq}``, each branch keeps, per logical
key, the list of its own committed versions ``[(seq, value|None)]``, and a
read walks the path with caps exactly as the architecture brief states:

    read k on B at snapshot S: B with cap S; if B never wrote k (visible at the
    cap), the parent with cap min(S, fork_seq), and so on; a tombstone answers
    "no row".

The storage core must agree with it on every read, every commit outcome and
every commit seq, whatever it does underneath (history, vacuum,
materialization, collapsing dropped branches).
"""
from __future__ import annotations

import bisect

from heliosd.storage import keycode
from heliosd.storage.mvcc import OBJ_BRANCH_NAMES, OBJ_BRANCHES, SYSTEM_BRANCH, lkey


class MBranch:
    def __init__(self, bid, parent, fork_seq, created_seq, name):
        self.bid = bid
        self.parent = parent
        self.fork_seq = fork_seq
        self.created_seq = created_seq
        self.name = name
        self.dropped = False


class MTxn:
    def __init__(self, model, repeatable):
        self.repeatable = repeatable
        self.snapshot = model.latest
        self.start_seq = model.latest
        self.writes: dict[tuple, bytes | None] = {}  # (bid, obj, key) -> value
        self.base: dict[tuple, int] = {}
        self.created: dict[int, MBranch] = {}
        self.names: dict[str, int | None] = {}  # own name changes: name -> bid | None (freed)
        self.dropped: set[int] = set()
        self.savepoints: list = []
        #: bases the storage must use for branch-registry rows, as the model expects them
        self.sys_base: dict[bytes, int] = {}
        self.guarded: set[int] = set()
        self.sys_writes_seen: set[bytes] = set()

    def state(self):
        return (dict(self.writes), dict(self.base), dict(self.created), dict(self.names), set(self.dropped),
                dict(self.sys_base), set(self.guarded), set(self.sys_writes_seen))

    def restore(self, st):
        (self.writes, self.base, self.created, self.names, self.dropped, self.sys_base, self.guarded,
         self.sys_writes_seen) = (dict(st[0]), dict(st[1]), dict(st[2]), dict(st[3]), set(st[4]), dict(st[5]),
                                  set(st[6]), set(st[7]))


class Model:
    def __init__(self):
        self.latest = 0
        self.branches: dict[int, MBranch] = {}
        self.names: dict[str, int] = {}
        # (bid, obj, key) -> [(seq, value|None)] ascending
        self.versions: dict[tuple, list] = {}
        # per (bid, obj): sorted list of keys ever written (for scans)
        self.keys: dict[tuple, list] = {}
        # opaque own-seq tracking of system rows: lk -> seq
        self.sys_seq: dict[bytes, int] = {}
        self.last_write: dict[int, int] = {}  # bid -> seq of its newest commit

    # ----------------------------------------------------------- reads
    def branch(self, bid, txn=None):
        b = self.branches.get(bid)
        if b is None and txn is not None:
            b = txn.created.get(bid)
        return b

    def path(self, bid, snap, txn=None):
        out = []
        cap = snap
        b = self.branch(bid, txn)
        while b is not None:
            out.append((b.bid, cap))
            if b.parent is None:
                break
            cap = min(cap, b.fork_seq)
            b = self.branch(b.parent, txn)
        return out

    def level_version(self, bid, obj, key, cap):
        vs = self.versions.get((bid, obj, key))
        if not vs:
            return None
        i = -1
        for j, (s, _v) in enumerate(vs):
            if s <= cap:
                i = j
            else:
                break
        if i < 0:
            return None
        return vs[i]

    def read(self, bid, obj, key, snap, txn=None):
        if txn is not None and (bid, obj, key) in txn.writes:
            return txn.writes[(bid, obj, key)]
        for b, cap in self.path(bid, snap, txn):
            v = self.level_version(b, obj, key, cap)
            if v is not None:
                return v[1]
        return None

    def scan(self, bid, obj, lo, hi, reverse, snap, txn=None):
        cand = set()
        for b, _cap in self.path(bid, snap, txn):
            cand.update(self.keys.get((b, obj), ()))
        if txn is not None:
            cand.update(k for (b, o, k) in txn.writes if b == bid and o == obj)
        out = []
        for k in sorted(cand, reverse=reverse):
            if k < lo or (hi is not None and k >= hi):
                continue
            v = self.read(bid, obj, k, snap, txn)
            if v is not None:
                out.append((k, v))
        return out

    def own_seq(self, bid, obj, key):
        vs = self.versions.get((bid, obj, key))
        return vs[-1][0] if vs else 0

    def own_seq_at(self, bid, obj, key, snap):
        v = self.level_version(bid, obj, key, snap)
        return v[0] if v else 0

    def is_root(self, bid, txn=None):
        b = self.branch(bid, txn)
        return b is None or b.parent is None

    # ----------------------------------------------------------- branch registry rows
    @staticmethod
    def name_lk(ns, name) -> bytes:
        return lkey(SYSTEM_BRANCH, OBJ_BRANCH_NAMES, keycode.encode_key((ns, name)))

    @staticmethod
    def record_lk(bid) -> bytes:
        return lkey(SYSTEM_BRANCH, OBJ_BRANCHES, keycode.enc_int(bid))

    def sys_base(self, txn: MTxn, lk: bytes, base: int) -> None:
        if lk not in txn.sys_base:
            txn.sys_base[lk] = base

    def note_write(self, txn: MTxn, bid: int) -> None:
        """A write to a user branch guards its registry row (renamed/dropped meanwhile -> 40001)."""
        if bid not in txn.guarded:
            txn.guarded.add(bid)
            if bid not in txn.created:
                lk = self.record_lk(bid)
                if lk not in txn.sys_base and lk not in txn.sys_writes_seen:
                    txn.sys_base[lk] = self.sys_seq.get(lk, 0)

    def note_create(self, txn: MTxn, ns, name, bid) -> None:
        self.sys_base(txn, self.record_lk(bid), 0)
        self.sys_base(txn, self.name_lk(ns, name), self.sys_seq.get(self.name_lk(ns, name), 0))
        txn.sys_writes_seen.update((self.record_lk(bid), self.name_lk(ns, name)))

    def note_sys_write(self, txn: MTxn, *lks) -> None:
        txn.sys_writes_seen.update(lks)

    # ----------------------------------------------------------- names
    def name_bid(self, name, txn=None):
        if txn is not None and name in txn.names:
            return txn.names[name]
        return self.names.get(name)

    # ----------------------------------------------------------- commit
    def commit(self, txn: MTxn, real_writes: dict, real_base: dict, forks=(), retired=()) -> int | None:
        """Apply a transaction.  ``real_writes``/``real_base``: the storage
        transaction's buffers, used only for system-branch rows (branch
        registry); user rows come from the model's own buffer.  Returns the
        commit seq, 0 for a commit without writes, or None for a conflict."""
        if not real_writes:
            return 0
        sys_real = {lk: b for lk, b in real_base.items() if lk[:4] == b"\0\0\0\0"}
        assert sys_real == txn.sys_base, (sys_real, txn.sys_base)
        for lk, base in txn.sys_base.items():
            if self._own_seq_lk(lk) != base:
                return None
        for (bid, obj, key), base in txn.base.items():
            if self.own_seq(bid, obj, key) != base:
                return None
        # branch-and-swap is lossless: no commit to a retired parent after the fork
        for parent, fork_seq, _child in forks:
            if parent in retired and self.last_write.get(parent, 0) > fork_seq:
                return None
        self.latest += 1
        seq = self.latest
        for lk in real_writes:
            self.last_write[int.from_bytes(lk[:4], "big")] = seq
        for lk, v in real_writes.items():
            bid = int.from_bytes(lk[:4], "big")
            obj = int.from_bytes(lk[4:8], "big")
            if bid == 0:
                if v is None and self.sys_seq.get(lk, 0) == 0:
                    continue  # root branch, nothing to hide
                self.sys_seq[lk] = seq
                continue
        for (bid, obj, key), v in txn.writes.items():
            vs = self.versions.setdefault((bid, obj, key), [])
            if v is None and not vs and self.is_root(bid, txn):
                continue
            vs.append((seq, v))
            ks = self.keys.setdefault((bid, obj), [])
            i = bisect.bisect_left(ks, key)
            if i >= len(ks) or ks[i] != key:
                ks.insert(i, key)
        for bid, b in txn.created.items():
            self.branches[bid] = b
        for name, bid in txn.names.items():
            if bid is None:
                self.names.pop(name, None)
            else:
                self.names[name] = bid
        for bid in txn.dropped:
            if bid in self.branches:
                self.branches[bid].dropped = True
        return seq

    def _own_seq_lk(self, lk: bytes) -> int:
        bid = int.from_bytes(lk[:4], "big")
        obj = int.from_bytes(lk[4:8], "big")
        if bid == 0:
            return self.sys_seq.get(lk, 0)
        return self.own_seq(bid, obj, lk[8:])
