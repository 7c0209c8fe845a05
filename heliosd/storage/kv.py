"""The small key-value interface under MVCC, and its two engines.

Everything above this module (versions, branches, the commit log) is written
once against :class:`Engine`; the engines only store ordered byte keys.

Interface
=========

An engine has a fixed set of named tables (``TABLES``), each an ordered map
``bytes -> bytes`` compared bytewise.

- ``engine.reader()`` returns a :class:`Reader`: ``get(table, key)``,
  ``seek(table, key)`` (the first ``(k, v)`` with ``k >= key``, or None) and
  ``iter(table, start, stop=None, reverse=False)`` (``start <= key < stop``;
  reversed iteration yields keys ``< stop`` downward to ``start``).  A reader
  is cheap; readers never block writers.
- ``engine.write(fn)`` runs ``fn(writer)`` inside the single write
  transaction and commits it atomically; ``writer`` has ``get``/``seek``
  plus ``put`` and ``delete``.  ``durable=True`` makes the commit survive a
  power loss before ``write`` returns; otherwise it survives a process crash
  (the OS has the pages) but may be lost with the machine.  If ``fn`` raises,
  nothing is written.
- Keys are 1 to ``MAX_KEY`` bytes (lmdb's limits); the MVCC layer maps
  longer logical keys onto this.
- Failures surface as :class:`StorageError` with a SQLSTATE: 53100 (disk
  full, or the map cannot grow), XX001 (corrupted or foreign data), 58030
  (other I/O), 54000 (a key over ``MAX_KEY``).

Invariants
==========

1. A write is all-or-nothing: after a crash, a reopened engine shows every
   ``write`` that returned (for ``durable=True``, also after power loss) and
   no part of one that did not.
2. Each reader call sees the state after some prefix of the committed
   writes, never part of a write.  An iteration may move to a newer state
   between two steps (the memory engine always does; lmdb does after the map
   grew), but then it resumes strictly after the last key it returned.  The
   MVCC layer filters versions by seq, so it needs no more than that.
3. Only one ``write`` runs at a time (the commit pipeline calls it from one
   thread; maintenance goes through the same writer).

Engines
=======

- :class:`LmdbEngine`: one lmdb environment (``data.mdb``) with one named
  database per table.  Opened with ``metasync=False``: each commit flushes
  its data pages (so the meta page can never point at unwritten pages: no
  corruption even on power loss), and a durable commit also syncs the meta
  page with ``env.sync``, one fsync for a whole group of commits.
- :class:`MemoryEngine`: sorted in-memory maps, for tests.  Its readers
  read the live maps (each step atomic) instead of a frozen view.

Growing the lmdb map
====================

``mdb_env_set_mapsize`` must not run while any transaction of the process is
open: readers hold pointers into the old mapping (a crash, not an error).
So growth is never done behind a reader's back:

1. The map is reserved large (``DEFAULT_MAP_SIZE``, address space only: the
   file grows with the data), so growth is rare.
2. A write that hits ``MDB_MAP_FULL`` is aborted (nothing written).  When
   the write was started with ``grow_inline=False`` (the pipeline's writer
   thread), it raises :class:`MapFull` and the pipeline calls :meth:`grow` in
   the event-loop thread, the only thread that uses readers, then retries
   the same batch.  Otherwise (a write from that thread itself) it grows
   inline and retries.
3. :meth:`grow` holds the write lock (no write transaction can be open),
   *suspends* every open reader (aborts its lmdb transaction; the reader
   object stays valid), doubles the map, and returns.  A suspended reader
   reopens a fresh lmdb transaction on its next call, and an iteration in
   progress resumes after the last key it returned (invariant 2).
4. If the map cannot grow (address space, disk), the commit fails with 53100;
   nothing is corrupted and the next commit tries again.

Readers must therefore only be used from the thread that calls ``grow`` (the
event loop); worker processes that open the same environment get
``MDB_MAP_RESIZED`` handling from lmdb itself.
"""

from __future__ import annotations

import bisect
import errno
import os
import threading
import weakref
from typing import Callable, Iterator

from .. import errcodes
from ..errors import PgError

TABLES = ("cur", "hist", "log", "meta")
MAX_KEY = 511


class StorageError(PgError):
    pass


class MapFull(Exception):
    """Internal: the write did not fit the lmdb map; grow (in the reader thread) and retry."""


def _too_long(key: bytes) -> StorageError:
    if not key:
        return StorageError("empty storage key", errcodes.PROGRAM_LIMIT_EXCEEDED)
    return StorageError(f"key of {len(key)} bytes exceeds {MAX_KEY}", errcodes.PROGRAM_LIMIT_EXCEEDED)


class Reader:
    def get(self, table: str, key: bytes) -> bytes | None:  # pragma: no cover - interface
        raise NotImplementedError

    def seek(self, table: str, key: bytes) -> tuple[bytes, bytes] | None:  # pragma: no cover
        raise NotImplementedError

    def iter(self, table: str, start: bytes, stop: bytes | None = None, reverse: bool = False) -> Iterator[tuple[bytes, bytes]]:  # pragma: no cover
        raise NotImplementedError

    def suspend(self) -> None:
        """Release the underlying view now; the reader stays usable and reopens a
        fresh view on its next call (an iteration resumes after its last key)."""

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

    def __init__(self):
        #: engine writes and durable syncs done (group commit is measured with these)
        self.writes = 0
        self.syncs = 0

    def reader(self) -> Reader:  # pragma: no cover
        raise NotImplementedError

    def write(self, fn: Callable[[Writer], object], durable: bool = True, grow_inline: bool = True):  # pragma: no cover
        raise NotImplementedError

    def grow(self) -> None:
        pass

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
    while an iteration is suspended is either seen or not, never half-seen."""

    def __init__(self, tables: dict[str, _MemTable]):
        self._t = tables

    def get(self, table, key):
        return self._t[table].data.get(key)

    def seek(self, table, key):
        t = self._t[table]
        i = bisect.bisect_left(t.keys, key)
        if i < len(t.keys):
            k = t.keys[i]
            return k, t.data[k]
        return None

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

    def seek(self, table, key):
        ops = self.ops[table]
        t = self._t[table]
        i = bisect.bisect_left(t.keys, key)
        while i < len(t.keys) and ops.get(t.keys[i], b"") is None:
            i += 1
        best = t.keys[i] if i < len(t.keys) else None
        for k, v in ops.items():
            if v is not None and k >= key and (best is None or k < best):
                best = k
        if best is None:
            return None
        return best, self.get(table, best)

    def iter(self, table, start, stop=None, reverse=False):
        raise NotImplementedError("memory writers do not iterate; use a reader")

    def put(self, table, key, value):
        if not 0 < len(key) <= MAX_KEY:
            raise _too_long(key)
        self.ops[table][key] = bytes(value)

    def delete(self, table, key):
        self.ops[table][key] = None


class MemoryEngine(Engine):
    """In-memory engine for tests; writes run in the caller's thread."""

    name = "memory"

    def __init__(self):
        super().__init__()
        self._tables = {t: _MemTable() for t in TABLES}
        self._lock = threading.Lock()
        #: tests set this to make the next writes fail like a full disk
        self.fail_writes: PgError | None = None

    def reader(self):
        return _MemReader(self._tables)

    def write(self, fn, durable=True, grow_inline=True):
        with self._lock:
            w = _MemWriter(self._tables)
            result = fn(w)
            if self.fail_writes is not None:
                raise self.fail_writes
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
            self.writes += 1
            if durable:
                self.syncs += 1
            return result

    def disk_bytes(self):
        return sum(len(k) + len(v) for t in self._tables.values() for k, v in t.data.items())


# ----------------------------------------------------------------------- lmdb


class _LmdbReader(Reader):
    """A read view.  ``_txn`` is None while suspended by a map growth; every
    call reopens it then (see "Growing the lmdb map")."""

    __slots__ = ("_engine", "_txn", "_dbs", "_curs", "_gen")

    def __init__(self, engine, txn, dbs):
        self._engine = engine
        self._txn = txn
        self._dbs = dbs
        self._curs = {}
        self._gen = 0

    def _reopen(self):
        if self._txn is None:
            self._txn = self._engine._begin_read()
            self._curs = {}
            self._gen += 1
            self._engine._readers.add(self)
        return self._txn

    def suspend(self):
        self._suspend()

    def _suspend(self):
        if self._txn is not None:
            self._curs = {}
            self._txn.abort()
            self._txn = None
        self._engine._readers.discard(self)

    def get(self, table, key):
        try:
            return self._txn.get(key, db=self._dbs[table])
        except AttributeError:
            if self._txn is not None:
                raise
            return self._reopen().get(key, db=self._dbs[table])
        except self._engine._lmdb.Error as e:
            raise self._engine._translate(e) from e

    def seek(self, table, key):
        try:
            c = self._curs.get(table)
            if c is None:
                c = self._curs[table] = self._reopen().cursor(self._dbs[table])
            if c.set_range(key):
                return c.item()
            return None
        except self._engine._lmdb.Error as e:
            raise self._engine._translate(e) from e

    def iter(self, table, start, stop=None, reverse=False):
        lmdb_error = self._engine._lmdb.Error
        db = self._dbs[table]
        last = None
        while True:
            gen = self._gen
            try:
                cur = self._reopen().cursor(db)
                if not reverse:
                    if last is None:
                        ok = cur.set_range(start)
                    else:
                        ok = cur.set_range(last)
                        if ok and cur.key() == last:
                            ok = cur.next()
                    if not ok:
                        return
                    if stop is None:
                        for k, v in cur.iternext():
                            last = k
                            yield k, v
                    else:
                        for k, v in cur.iternext():
                            if k >= stop:
                                return
                            last = k
                            yield k, v
                    return
                else:
                    bound = stop if last is None else last
                    if bound is None:
                        ok = cur.last()
                    elif cur.set_range(bound):
                        ok = cur.prev()
                    else:
                        ok = cur.last()
                    if not ok:
                        return
                    for k, v in cur.iterprev():
                        if k < start:
                            return
                        last = k
                        yield k, v
                    return
            except lmdb_error as e:
                if self._txn is not None and self._gen == gen:
                    raise self._engine._translate(e) from e
                # suspended by a map growth: resume after ``last`` on a new view

    def close(self):
        if self._txn is not None:
            self._curs = {}
            self._txn.abort()
            self._txn = None
        self._engine._readers.discard(self)


class _LmdbWriter(Writer):
    __slots__ = ("_txn", "_dbs", "_curs")

    def __init__(self, txn, dbs):
        self._txn = txn
        self._dbs = dbs
        self._curs = {}

    def get(self, table, key):
        return self._txn.get(key, db=self._dbs[table])

    def seek(self, table, key):
        c = self._curs.get(table)
        if c is None:
            c = self._curs[table] = self._txn.cursor(self._dbs[table])
        if c.set_range(key):
            return c.item()
        return None

    def iter(self, table, start, stop=None, reverse=False):
        cur = self._txn.cursor(self._dbs[table])
        if reverse:
            raise NotImplementedError("writers iterate forward only")
        if not cur.set_range(start):
            return
        for k, v in cur.iternext():
            if stop is not None and k >= stop:
                return
            yield k, v

    def put(self, table, key, value):
        if not 0 < len(key) <= MAX_KEY:
            raise _too_long(key)
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

        super().__init__()
        self._lmdb = lmdb
        self.path = path
        self.grows = 0
        self._readers: weakref.WeakSet = weakref.WeakSet()
        try:
            os.makedirs(path, exist_ok=True)
        except OSError as e:
            raise StorageError(f'could not create data directory "{path}": {e.strerror}',
                               errcodes.DISK_FULL if e.errno == errno.ENOSPC else errcodes.IO_ERROR) from e
        data = os.path.join(path, "data.mdb")
        if not os.path.exists(data) and any(n not in ("lock.mdb",) for n in os.listdir(path)):
            raise StorageError(f'data directory "{path}" is not empty and holds no heliosd store',
                               errcodes.DATA_CORRUPTED,
                               hint="Point heliosd at an empty directory or at one it created.")
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
        except lmdb.Error as e:
            raise StorageError(f'could not open data directory "{path}": {e}', errcodes.DATA_CORRUPTED) from e
        try:
            self._check_foreign()
            self._dbs = {}
            for t in TABLES:
                while True:
                    try:
                        self._dbs[t] = self.env.open_db(t.encode())
                        break
                    except lmdb.MapFullError:
                        self._grow_locked()
        except StorageError:
            self.env.close()
            raise
        except lmdb.Error as e:
            self.env.close()
            raise StorageError(f'could not open data directory "{path}": {e}', errcodes.DATA_CORRUPTED) from e
        self._write_lock = threading.Lock()

    def _check_foreign(self) -> None:
        """An lmdb environment someone else created has other names in its main
        database; refuse it before creating ours (which would write to it)."""
        with self.env.begin() as txn:
            names = [k for k, _v in txn.cursor()]
        if names and not set(names) <= {t.encode() for t in TABLES}:
            raise StorageError(f'data directory "{self.path}" holds an lmdb environment that is not a heliosd store',
                               errcodes.DATA_CORRUPTED)

    def _begin_read(self):
        try:
            return self.env.begin(buffers=False)
        except self._lmdb.Error as e:
            raise self._translate(e) from e

    def reader(self):
        r = _LmdbReader(self, self._begin_read(), self._dbs)
        self._readers.add(r)
        return r

    def write(self, fn, durable=True, grow_inline=True):
        lmdb = self._lmdb
        with self._write_lock:
            while True:
                try:
                    txn = self.env.begin(write=True)
                except lmdb.Error as e:
                    raise self._translate(e) from e
                w = _LmdbWriter(txn, self._dbs)
                try:
                    result = fn(w)
                    txn.commit()
                except lmdb.MapFullError:
                    txn.abort()
                    if not grow_inline:
                        raise MapFull() from None
                    self._grow_locked()
                    continue
                except lmdb.Error as e:
                    txn.abort()
                    raise self._translate(e) from e
                except OSError as e:
                    txn.abort()
                    raise self._translate(e) from e
                except BaseException:
                    txn.abort()
                    raise
                self.writes += 1
                if durable:
                    try:
                        self.env.sync(True)
                    except (lmdb.Error, OSError) as e:
                        raise self._translate(e) from e
                    self.syncs += 1
                return result

    def grow(self) -> None:
        """Double the map (event-loop thread only; see the module docstring)."""
        with self._write_lock:
            self._grow_locked()

    def _grow_locked(self) -> None:
        for r in list(self._readers):
            r._suspend()
        size = self.env.info()["map_size"] * 2
        try:
            self.env.set_mapsize(size)
        except self._lmdb.Error as e:
            raise StorageError(f"could not extend the data file to {size} bytes: {e}", errcodes.DISK_FULL) from e
        self.grows += 1

    def _out_of_space(self) -> bool:
        """After a failed write: is the disk (or the process's file size limit) exhausted?
        lmdb reports a short write, which is how ENOSPC/EFBIG usually show, as EIO."""
        try:
            st = os.statvfs(self.path)
            if st.f_bavail * st.f_frsize < (64 << 20):
                return True
        except OSError:
            pass
        try:
            import resource

            soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
            if soft != resource.RLIM_INFINITY and \
                    os.path.getsize(os.path.join(self.path, "data.mdb")) + (1 << 20) >= soft:
                return True
        except (OSError, ImportError, ValueError):
            pass
        return False

    def _translate(self, e):
        lmdb = self._lmdb
        msg = str(e)
        err = getattr(e, "errno", None)
        if err in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or "No space left" in msg or "ENOSPC" in msg \
                or "File too large" in msg or "quota" in msg.lower() \
                or ((err == errno.EIO or "Input/output error" in msg) and self._out_of_space()):
            return StorageError("could not write to the data directory: no space left on device",
                                errcodes.DISK_FULL, hint="Free disk space, then retry.")
        if isinstance(e, (lmdb.CorruptedError, lmdb.PageNotFoundError, lmdb.InvalidError, lmdb.VersionMismatchError)) \
                or "MDB_CORRUPTED" in msg or "MDB_PAGE_NOTFOUND" in msg or "MDB_INVALID" in msg:
            return StorageError(f"data directory is corrupted: {msg}", errcodes.DATA_CORRUPTED)
        if isinstance(e, lmdb.BadValsizeError):
            return StorageError(f"key or value too large for storage: {msg}", errcodes.PROGRAM_LIMIT_EXCEEDED)
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
        for r in list(self._readers):
            r._suspend()
        self.env.close()
