"""Large objects (PostgreSQL's pg_largeobject_metadata / pg_largeobject) in a branch.

Storage
=======

Two internal objects of every branch, written through the session's storage
transaction like table rows (so they are MVCC, transactional, and a fork sees
its parent's large objects copy-on-write):

- ``OBJ_LO_META``: ``enc_int(loid) -> marshal((owner oid,))``, one row per
  large object (pg_largeobject_metadata).
- ``OBJ_LO_DATA``: ``enc_int(loid) + enc_int(pageno) -> bytes``: the object's
  contents in pages of ``LOBLKSIZE`` (2048) bytes (pg_largeobject).  As in
  PostgreSQL a page may be shorter than 2048 bytes only if it is the last one,
  and a missing page is a hole that reads as zeros.  The object's size is the
  end of its last page.

Invariants
==========

1. A writer locks the object (``lock_name``, EXCLUSIVE, held to the end of the
   transaction) before it reads what it will rewrite, and reads the newest
   committed state then (``latest``), so concurrent READ COMMITTED writers
   serialize instead of losing each other's pages; every write carries the
   base seq of the version it replaces (storage invariant 7) and a REPEATABLE
   READ writer whose object changed after its snapshot gets 40001, as for rows.
2. Readers read at the statement's snapshot (the transaction's for REPEATABLE
   READ).  Difference from PostgreSQL: a read-only descriptor does not keep the
   snapshot of its ``lo_open`` in READ COMMITTED; it sees what each statement
   sees.
"""

from __future__ import annotations

import marshal

from .. import errcodes
from ..errors import PgError, SerializationFailure
from ..storage import keycode
from ..storage.locks import EXCLUSIVE
from ..storage.mvcc import lkey

OBJ_LO_META = 6
OBJ_LO_DATA = 7

LOBLKSIZE = 2048
#: PostgreSQL's MAX_LARGE_OBJECT_SIZE (INT_MAX pages)
MAX_LARGE_OBJECT_SIZE = LOBLKSIZE * 0x7FFFFFFF

_BIAS = 1 << 63


def _k(loid: int) -> bytes:
    return keycode.enc_int(loid)


def _pk(loid: int, pageno: int) -> bytes:
    return keycode.enc_int(loid) + keycode.enc_int(pageno)


def _pageno(key: bytes) -> int:
    return int.from_bytes(key[-8:], "big") - _BIAS


def lock_name(bid: int, loid: int) -> bytes:
    return lkey(bid, OBJ_LO_META, _k(loid))


def not_found(loid: int) -> PgError:
    return PgError(f"large object {loid} does not exist", errcodes.UNDEFINED_OBJECT)


def get_meta(txn, bid: int, loid: int, latest: bool = False):
    v = txn.get(bid, OBJ_LO_META, _k(loid), latest=latest)
    return marshal.loads(v) if v is not None else None


def exists(txn, bid: int, loid: int, latest: bool = False) -> bool:
    return txn.get(bid, OBJ_LO_META, _k(loid), latest=latest) is not None


def list_objects(txn, bid: int):
    """(loid, owner) of every large object visible to the statement, in loid order."""
    for k, v in txn.scan(bid, OBJ_LO_META):
        yield int.from_bytes(k[1:9], "big") - _BIAS, marshal.loads(v)[0]


def list_pages(txn, bid: int):
    """(loid, pageno, data) of every page visible to the statement."""
    for k, v in txn.scan(bid, OBJ_LO_DATA):
        yield int.from_bytes(k[1:9], "big") - _BIAS, _pageno(k), v


def _base(txn, bid: int, obj: int, key: bytes) -> int:
    seq = txn.own_seq(bid, obj, key)
    if getattr(txn, "repeatable", False) and seq > (txn.snapshot or 0) and lkey(bid, obj, key) not in txn.writes:
        raise SerializationFailure()
    return seq


def _put(txn, bid: int, obj: int, key: bytes, value) -> None:
    txn.put(bid, obj, key, value, base=_base(txn, bid, obj, key))


def lock_for_write(txn, bid: int, loid: int) -> None:
    """Lock the object (may raise WouldBlock) and check it still exists in the newest state."""
    txn.lock(lock_name(bid, loid), EXCLUSIVE)
    if not exists(txn, bid, loid, latest=True):
        raise not_found(loid)


def create(txn, bid: int, loid: int, owner: int) -> None:
    txn.lock(lock_name(bid, loid), EXCLUSIVE)
    if exists(txn, bid, loid, latest=True):
        raise PgError('duplicate key value violates unique constraint "pg_largeobject_metadata_oid_index"',
                      errcodes.UNIQUE_VIOLATION, detail=f"Key (oid)=({loid}) already exists.",
                      schema="pg_catalog", table="pg_largeobject_metadata",
                      constraint="pg_largeobject_metadata_oid_index")
    _put(txn, bid, OBJ_LO_META, _k(loid), marshal.dumps((owner,)))


def unlink(txn, bid: int, loid: int) -> None:
    lock_for_write(txn, bid, loid)
    for k, _v in list(txn.scan(bid, OBJ_LO_DATA, _k(loid), _k(loid) + b"\x11", latest=True)):
        _put(txn, bid, OBJ_LO_DATA, k, None)
    _put(txn, bid, OBJ_LO_META, _k(loid), None)


def size(txn, bid: int, loid: int, latest: bool = False) -> int:
    pre = _k(loid)
    for k, v in txn.scan(bid, OBJ_LO_DATA, pre, pre + b"\x11", reverse=True, latest=latest):
        return _pageno(k) * LOBLKSIZE + len(v)
    return 0


def read(txn, bid: int, loid: int, offset: int, n: int, latest: bool = False) -> bytes:
    """Up to n bytes from offset (fewer at the end of the object); holes read as zeros."""
    if n <= 0:
        return b""
    end = offset + n
    first, last = offset // LOBLKSIZE, (end - 1) // LOBLKSIZE
    pre = _k(loid)
    out = bytearray()
    pos = offset  # the next byte wanted
    for k, v in txn.scan(bid, OBJ_LO_DATA, _pk(loid, first), _pk(loid, last + 1) if last + 1 < 0x7FFFFFFF
                         else pre + b"\x11", latest=latest):
        pstart = _pageno(k) * LOBLKSIZE
        if pstart > pos:
            out += bytes(min(pstart, end) - pos)  # a hole
            pos = min(pstart, end)
        lo = pos - pstart
        hi = min(len(v), end - pstart)
        if hi > lo:
            out += v[lo:hi]
            pos = pstart + hi
        if pos >= end:
            break
    if pos < end:
        # past the last page read: a hole up to the object's end, or the end itself
        stop = min(end, size(txn, bid, loid, latest))
        if stop > pos:
            out += bytes(stop - pos)
    return bytes(out)


def write(txn, bid: int, loid: int, offset: int, data: bytes) -> None:
    """Write data at offset (the caller holds the object's lock)."""
    pos = 0
    n = len(data)
    while pos < n:
        at = offset + pos
        pageno, off = divmod(at, LOBLKSIZE)
        take = min(LOBLKSIZE - off, n - pos)
        key = _pk(loid, pageno)
        old = txn.get(bid, OBJ_LO_DATA, key, latest=True) or b""
        if off == 0 and take == LOBLKSIZE:
            page = data[pos:pos + take]
        else:
            buf = bytearray(old)
            if len(buf) < off:
                buf += bytes(off - len(buf))
            buf[off:off + take] = data[pos:pos + take]
            page = bytes(buf)
        _put(txn, bid, OBJ_LO_DATA, key, page)
        pos += take


def truncate(txn, bid: int, loid: int, length: int) -> None:
    """Cut or zero-extend the object to length bytes (the caller holds the object's lock)."""
    pre = _k(loid)
    if length == 0:
        keep_last = -1
    else:
        keep_last = (length - 1) // LOBLKSIZE
    for k, _v in list(txn.scan(bid, OBJ_LO_DATA, _pk(loid, keep_last + 1), pre + b"\x11", latest=True)):
        _put(txn, bid, OBJ_LO_DATA, k, None)
    if keep_last < 0:
        return
    off = length - keep_last * LOBLKSIZE
    key = _pk(loid, keep_last)
    old = txn.get(bid, OBJ_LO_DATA, key, latest=True)
    if old is None:
        _put(txn, bid, OBJ_LO_DATA, key, bytes(off))
    elif len(old) != off:
        page = old[:off] if len(old) > off else old + bytes(off - len(old))
        _put(txn, bid, OBJ_LO_DATA, key, page)
