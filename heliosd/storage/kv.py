"""The small key-value interface under MVCC, and its two engines.

Everything above this module (versions, branches, the commit log) is written
once against :class:`Engine`; the engines only store ordered byte keys.

Interface
=========

An engine has a fixed set of named tables (``TABLES``), each an ordered map
``bytes -> bytes`` compared bytewise.

- ``engine.reader()`` returns a :class:`Reader`: a consistent read view.
  ``get(table, key)`` and ``iter(table, start, stop=None, reverse=False)``
  (``start <= key < stop``; reversed iteration yields keys ``< stop``
  downward to ``start``).  A reader is cheap; readers never block writers.
- ``engine.write(fn)`` runs ``fn(writer)`` inside the single write
  transaction and commits it atomically; ``writer`` has the reader methods
  plus ``put`` and ``delete``.  ``durable=True`` makes the commit survive a
  power loss before ``write`` returns; otherwise it survives a process crash
  (the OS has the pages) but may be lost with the machine.  If ``fn`` raises,
  nothing is written.
- Keys are at most ``MAX_KEY`` bytes (lmdb's limit); the MVCC layer maps
  longer logical keys onto this.

Invariants
==========

1. A write is all-or-nothing: after a crash, a reopened engine shows every
   ``write`` that returned (for ``durable=True``, also after power loss) and
   no part of one that did not.
2. Each reader call sees the state after some prefix of the committed
   writes, never part of a write (lmdb readers even keep one state for their
   whole life; the MVCC layer does not rely on that).
3. Only one ``write`` runs at a time (the commit pipeline calls it from one
   thread).

Engines
=======

- :class:`LmdbEngine`: one lmdb environment (``data.mdb``) with one named
  database per table.  The map is reserved large (virtual address space, not
  disk) and grows itself when full.  Opened with ``metasync=False``: each
  commit flushes data pages (ordering kept), and a durable commit also syncs
  the meta page with ``env.sync``.
- :class:`MemoryEngine`: sorted in-memory maps, for tests.  Its readers
  read the live maps (each step atomic) instead of a frozen view; see
  :class:`_MemReader` for why the MVCC layer needs no more than that.
"""

from __future__ import annotations

import bisect
import os
import threading
from typing import Callable, Iterator

from .. import errcodes
from ..errors import PgError

TABLES = ("cur", "hist", "log", "meta")
MAX_KEY = 511


class StorageError(PgError):
    pass


class Reader:
    def get(self, table: str, key: bytes) -> bytes | None:  # pragma: no cover - interface
        raise NotImplementedError

    def iter(self, table: str, start: bytes, stop: bytes | None = None, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:  # pragma: no cover
        raise NotImplementedError

    def close(self) -> None:
        pass


class Writer(Reader):
    def put(self, table: str, key: bytes, value: bytes) -> None:  # pragma: no cover
        raise NotImplementedError

    def delete(self, table: str, key: bytes) -> None:  # pragma: no cover
        raise NotImplementedError


class Engine:
    name = "?"
    #: whether write() may run in a thread other than the readers' thread
    threaded_writes = False

    def reader(self) -> Reader:  # pragma: no cover
        raise NotImplementedError

    def write(self, fn: Callable[[Writer], object], durable: bool = True):  # pragma: no cover
        raise NotImplementedError

    def disk_bytes(self) -> int:
        return 0

    def close(self) -> None:
        pass


# --------------------------------------------------------------------- memory


class _MemTable:
    """An ordered map: a dict plus a sorted key list."""

    __slots__ = ("data", "keys")

    def __init__(self):
        self.data: dict[bytes, bytes] = {}
        self.keys: list[bytes] = []


class _MemReader(Reader):
    """Reads the live tables.  Every get and every iteration step is atomic and
    iteration re-seeks after the last key it returned, so a write committed
    while an iteration is suspended is either seen or not, never half-seen.
    (The MVCC layer filters versions by sequence number, so it does not need
    a frozen view: it needs atomic commits and that the versions its
    snapshots need are not removed, which vacuum guarantees.)"""

    def __init__(self, tables: dict[str, _MemTable]):
        self._t = tables

    def get(self, table, key):
        return self._t[table].data.get(key)

    def iter(self, table, start, stop=None, reverse=False):
        t = self._t[table]
        keys, data = t.keys, t.data
        bl, br = bisect.bisect_left, bisect.bisect_right
        if not reverse:
            i = bl(keys, start)
            while True:
                if i >= len(keys):
                    return
                k = keys[i]
                if stop is not None and k >= stop:
                    return
                v = data.get(k)
                n = len(keys)
                if v is not None:
                    yield k, v
                if len(keys) != n or i >= len(keys) or keys[i] != k:
                    i = br(keys, k)
                else:
                    i += 1
        else:
            i = (bl(keys, stop) if stop is not None else len(keys)) - 1
            while i >= 0:
                if i >= len(keys):
                    i = len(keys) - 1
                    continue
                k = keys[i]
                if k < start:
                    return
                v = data.get(k)
                n = len(keys)
                if v is not None:
                    yield k, v
                if len(keys) != n or i >= len(keys) or keys[i] != k:
                    i = bl(keys, k) - 1
                else:
                    i -= 1


class _MemWriter(Writer):
    """Buffers puts and deletes; the engine applies them at once on success."""

    def __init__(self, tables):
        self._t = tables
        self.ops: dict[str, dict[bytes, bytes | None]] = {t: {} for t in TABLES}

    def get(self, table, key):
        ops = self.ops[table]
        if key in ops:
            return ops[key]
        return self._t[table].data.get(key)

    def iter(self, table, start, stop=None, reverse=False):
        raise NotImplementedError("writers do not iterate; use a reader")

    def put(self, table, key, value):
        if len(key) > MAX_KEY:
            raise StorageError(f"key of {len(key)} bytes exceeds {MAX_KEY}", errcodes.PROGRAM_LIMIT_EXCEEDED)
        self.ops[table][key] = bytes(value)

    def delete(self, table, key):
        self.ops[table][key] = None


class MemoryEngine(Engine):
    """In-memory engine for tests; writes run in the caller's thread."""

    name = "memory"

    def __init__(self):
        self._tables = {t: _MemTable() for t in TABLES}
        self._lock = threading.Lock()

    def reader(self):
        return _MemReader(self._tables)

    def write(self, fn, durable=True):
        with self._lock:
            w = _MemWriter(self._tables)
            result = fn(w)
            for table, ops in w.ops.items():
                t = self._tables[table]
                for k, v in ops.items():
                    if v is None:
                        if k in t.data:
                            del t.data[k]
                            del t.keys[bisect.bisect_left(t.keys, k)]
                    else:
                        if k not in t.data:
                            bisect.insort(t.keys, k)
                        t.data[k] = v
            return result

    def disk_bytes(self):
        return sum(len(k) + len(v) for t in self._tables.values() for k, v in t.data.items())


# ----------------------------------------------------------------------- lmdb


class _LmdbReader(Reader):
    __slots__ = ("_txn", "_dbs")

    def __init__(self, txn, dbs):
        self._txn = txn
        self._dbs = dbs

    def get(self, table, key):
        return self._txn.get(key, db=self._dbs[table])

    def iter(self, table, start, stop=None, reverse=False):
        cur = self._txn.cursor(self._dbs[table])
        if not reverse:
            if not cur.set_range(start):
                return
            if stop is None:
                yield from cur.iternext()
                return
            for k, v in cur.iternext():
                if k >= stop:
                    return
                yield k, v
        else:
            if stop is None:
                if not cur.last():
                    return
            else:
                if cur.set_range(stop):
                    if not cur.prev():
                        return
                elif not cur.last():
                    return
            for k, v in cur.iterprev():
                if k < start:
                    return
                yield k, v

    def close(self):
        if self._txn is not None:
            self._txn.abort()
            self._txn = None


class _LmdbWriter(_LmdbReader, Writer):
    def put(self, table, key, value):
        if len(key) > MAX_KEY:
            raise StorageError(f"key of {len(key)} bytes exceeds {MAX_KEY}", errcodes.PROGRAM_LIMIT_EXCEEDED)
        self._txn.put(key, value, db=self._dbs[table])

    def delete(self, table, key):
        self._txn.delete(key, db=self._dbs[table])


class LmdbEngine(Engine):
    name = "lmdb"
    threaded_writes = True
    #: virtual reservation; the file only grows as data is written
    DEFAULT_MAP_SIZE = 1 << 40

    def __init__(self, path: str, map_size: int | None = None, max_readers: int = 4096):
        import lmdb

        self._lmdb = lmdb
        os.makedirs(path, exist_ok=True)
        self.path = path
        try:
            self.env = lmdb.open(
                path,
                map_size=map_size or self.DEFAULT_MAP_SIZE,
                max_dbs=len(TABLES) + 2,
                max_readers=max_readers,
                metasync=False,
                sync=True,
                readahead=False,
                lock=True,
                subdir=True,
            )
            self._dbs = {t: self.env.open_db(t.encode()) for t in TABLES}
        except lmdb.Error as e:
            raise StorageError(
                f'could not open data directory "{path}": {e}', errcodes.DATA_CORRUPTED
            ) from e
        self._write_lock = threading.Lock()

    def reader(self):
        return _LmdbReader(self.env.begin(buffers=False), self._dbs)

    def write(self, fn, durable=True):
        lmdb = self._lmdb
        with self._write_lock:
            while True:
                txn = self.env.begin(write=True)
                w = _LmdbWriter(txn, self._dbs)
                try:
                    result = fn(w)
                    txn.commit()
                except lmdb.MapFullError:
                    txn.abort()
                    self._grow()
                    continue
                except lmdb.Error as e:
                    txn.abort()
                    raise self._translate(e) from e
                except BaseException:
                    txn.abort()
                    raise
                if durable:
                    self.env.sync(True)
                return result

    def _grow(self):
        info = self.env.info()
        self.env.set_mapsize(info["map_size"] * 2)

    def _translate(self, e):
        lmdb = self._lmdb
        msg = str(e)
        if isinstance(e, lmdb.DiskError) or "No space left" in msg or "ENOSPC" in msg:
            return StorageError("could not write to the data directory: no space left on device", errcodes.DISK_FULL)
        if isinstance(e, lmdb.CorruptedError) or isinstance(e, lmdb.PageNotFoundError):
            return StorageError(f"data directory is corrupted: {msg}", errcodes.DATA_CORRUPTED)
        return StorageError(f"storage error: {msg}", errcodes.IO_ERROR)

    def disk_bytes(self):
        total = 0
        for name in ("data.mdb",):
            try:
                total += os.stat(os.path.join(self.path, name)).st_blocks * 512
            except OSError:
                pass
        return total

    def used_bytes(self) -> int:
        info = self.env.info()
        stat = self.env.stat()
        return (info["last_pgno"] + 1) * stat["psize"]

    def close(self):
        self.env.close()
