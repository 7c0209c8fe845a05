"""Large object functions (PostgreSQL's be-fsstubs.c): lo_creat, lo_create,
lo_open, lo_close, loread, lowrite, lo_lseek[64], lo_tell[64], lo_truncate[64],
lo_unlink, lo_from_bytea, lo_get, lo_put, and the refused server-file
lo_import/lo_export.

Storage is ``heliosd.engine.largeobj`` (per branch, transactional).  libpq's
client-side ``lo_*`` calls reach these through the FunctionCall protocol
message (``heliosd.server.main``), by OID, so every overload carries
PostgreSQL's pg_proc OID.

Descriptors
===========

1. A descriptor lives in the transaction that opened it: the session keeps
   ``(txn, {fd: _Desc})`` and a table that belongs to another (ended)
   transaction is empty, as PostgreSQL closes every descriptor at
   transaction end.  New descriptors take the lowest free number.
2. ``INV_WRITE`` (0x20000) opens for reading and writing, ``INV_READ``
   (0x40000) alone for reading; other bits are ignored, neither bit is 22023.
3. Every write first takes the branch write lock (SHARE, like DML) and the
   object's lock; a lock conflict raises WouldBlock before the descriptor's
   position changes, so the session driver may re-run the statement.
4. Privileges: the owner and superusers may read and write a large object;
   heliosd has no GRANT ... ON LARGE OBJECT, so other roles get 42501 (as
   PostgreSQL does for roles without grants).

Differences from PostgreSQL 15: writes in a read-only transaction are 25006
(``cannot execute lo_create() in a read-only transaction``, PostgreSQL 16's
behaviour; 15 lets them through, and heliosd's storage refuses every write of
a read-only transaction).  Descriptors opened in a subtransaction that rolls
back stay open (their object may be gone: 42704 on use).  A statement re-run
after a lock wait (the session driver's WouldBlock retry) re-applies position
changes made before the wait by earlier calls in the same statement.
"""

from __future__ import annotations

from ... import errcodes
from ... import types as T
from ...engine import largeobj as LO
from ...errors import PgError
from ...storage.locks import SHARE, branch_write_lock
from .. import runtime
from . import register

INV_WRITE = 0x20000
INV_READ = 0x40000
INT_MAX = 0x7FFFFFFF


class _Desc:
    __slots__ = ("loid", "write", "offset")

    def __init__(self, loid, write):
        self.loid = loid
        self.write = write
        self.offset = 0


def _ctx():
    ctx = runtime.state.ctx
    if ctx is None or ctx.txn is None or ctx.bid is None:
        raise PgError("large object functions need a running statement", errcodes.INTERNAL_ERROR)
    return ctx


def _fds(ctx) -> dict:
    s = runtime.state.session
    holder = s.__dict__ if s is not None else ctx.__dict__
    st = holder.get("lo_descriptors")
    if st is None or st[0] is not ctx.txn:
        st = (ctx.txn, {})
        holder["lo_descriptors"] = st
    return st[1]


def _role():
    s = runtime.state.session
    return (s.role or {}) if s is not None else {"oid": 10, "super": True}


def _read_only_check(ctx, what: str) -> None:
    if getattr(ctx.txn, "read_only", False):
        raise PgError(f"cannot execute {what} in a read-only transaction", errcodes.READ_ONLY_SQL_TRANSACTION)


def _branch_write_lock(ctx) -> None:
    # the branch write lock every writing statement holds (SHARE, to the transaction's end)
    ctx.txn.lock(branch_write_lock(ctx.bid), SHARE)


def _writable_desc(ctx, fd: int, what: str):
    """The descriptor fd, which must be open for writing, in a transaction that may write."""
    d = _desc(ctx, fd)
    if not d.write:
        raise PgError(f"large object descriptor {fd} was not opened for writing",
                      errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
    _read_only_check(ctx, what)
    return d


def _check_access(ctx, loid: int, write: bool) -> None:
    meta = LO.get_meta(ctx.txn, ctx.bid, loid)
    if meta is None:
        raise LO.not_found(loid)
    role = _role()
    if role.get("super") or meta[0] == role.get("oid"):
        return
    from ...engine import cluster as CL

    if meta[0] in CL.roles_of(ctx.txn, role.get("oid")):
        return
    raise PgError(f"permission denied for large object {loid}", errcodes.INSUFFICIENT_PRIVILEGE)


def _desc(ctx, fd: int) -> _Desc:
    d = _fds(ctx).get(fd)
    if d is None:
        raise PgError(f"invalid large-object descriptor: {fd}", errcodes.UNDEFINED_OBJECT)
    return d


def _lock_write(ctx, loid: int) -> None:
    _branch_write_lock(ctx)
    LO.lock_for_write(ctx.txn, ctx.bid, loid)


def _new_loid(ctx) -> int:
    store = ctx.txn.store
    while True:
        oid = store.allocate_oid()
        if not LO.exists(ctx.txn, ctx.bid, oid, latest=True):
            return oid


def _create(ctx, loid: int, what: str) -> int:
    _read_only_check(ctx, what)
    _branch_write_lock(ctx)
    if loid == 0:
        loid = _new_loid(ctx)
    LO.create(ctx.txn, ctx.bid, loid, _role().get("oid", 10))
    return loid


def lo_creat(_mode):
    return _create(_ctx(), 0, "lo_creat()")


def lo_create(loid):
    return _create(_ctx(), loid, "lo_create()")


def lo_open(loid, mode):
    ctx = _ctx()
    if not mode & (INV_READ | INV_WRITE):
        raise PgError(f"invalid flags for opening a large object: {mode}", errcodes.INVALID_PARAMETER_VALUE)
    write = bool(mode & INV_WRITE)
    if write:
        _read_only_check(ctx, "lo_open(INV_WRITE)")
    _check_access(ctx, loid, write)
    fds = _fds(ctx)
    fd = 0
    while fd in fds:
        fd += 1
    fds[fd] = _Desc(loid, write)
    return fd


def lo_close(fd):
    ctx = _ctx()
    _desc(ctx, fd)
    del _fds(ctx)[fd]
    return 0


def _read(ctx, d: _Desc, n: int) -> bytes:
    if n < 0:
        n = 0
    if not LO.exists(ctx.txn, ctx.bid, d.loid):
        raise LO.not_found(d.loid)
    data = LO.read(ctx.txn, ctx.bid, d.loid, d.offset, n)
    d.offset += len(data)
    return data


def loread(fd, n):
    ctx = _ctx()
    return _read(ctx, _desc(ctx, fd), n)


def lowrite(fd, data):
    ctx = _ctx()
    d = _writable_desc(ctx, fd, "lowrite()")
    if d.offset + len(data) > LO.MAX_LARGE_OBJECT_SIZE:
        raise PgError(f"invalid large object write request size: {len(data)}", errcodes.INVALID_PARAMETER_VALUE)
    _lock_write(ctx, d.loid)
    LO.write(ctx.txn, ctx.bid, d.loid, d.offset, data)
    d.offset += len(data)
    return len(data)


def _seek(fd, offset, whence, wide: bool):
    ctx = _ctx()
    d = _desc(ctx, fd)
    if whence == 0:
        new = offset
    elif whence == 1:
        new = d.offset + offset
    elif whence == 2:
        new = LO.size(ctx.txn, ctx.bid, d.loid, latest=d.write) + offset
    else:
        raise PgError(f"invalid whence setting: {whence}", errcodes.INVALID_PARAMETER_VALUE)
    if new < 0 or new > LO.MAX_LARGE_OBJECT_SIZE:
        raise PgError(f"invalid large object seek target: {new}", errcodes.INVALID_PARAMETER_VALUE)
    if not wide and new > INT_MAX:
        raise PgError(f"lo_lseek result out of range for large-object descriptor {fd}",
                      errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    d.offset = new
    return new


def lo_lseek(fd, offset, whence):
    return _seek(fd, offset, whence, False)


def lo_lseek64(fd, offset, whence):
    return _seek(fd, offset, whence, True)


def lo_tell(fd):
    ctx = _ctx()
    d = _desc(ctx, fd)
    if d.offset > INT_MAX:
        raise PgError(f"lo_tell result out of range for large-object descriptor {fd}",
                      errcodes.NUMERIC_VALUE_OUT_OF_RANGE)
    return d.offset


def lo_tell64(fd):
    ctx = _ctx()
    return _desc(ctx, fd).offset


def _truncate(fd, length):
    ctx = _ctx()
    d = _writable_desc(ctx, fd, "lo_truncate()")
    if length < 0 or length > LO.MAX_LARGE_OBJECT_SIZE:
        raise PgError(f"invalid large object truncation target: {length}", errcodes.INVALID_PARAMETER_VALUE)
    _lock_write(ctx, d.loid)
    LO.truncate(ctx.txn, ctx.bid, d.loid, length)
    return 0


def lo_unlink(loid):
    ctx = _ctx()
    _read_only_check(ctx, "lo_unlink()")
    meta = LO.get_meta(ctx.txn, ctx.bid, loid)
    if meta is None:
        raise LO.not_found(loid)
    role = _role()
    if not role.get("super") and meta[0] != role.get("oid"):
        from ...engine import cluster as CL

        if meta[0] not in CL.roles_of(ctx.txn, role.get("oid")):
            raise PgError(f"must be owner of large object {loid}", errcodes.INSUFFICIENT_PRIVILEGE)
    _branch_write_lock(ctx)
    LO.unlink(ctx.txn, ctx.bid, loid)
    # descriptors of this transaction on the object are closed (PostgreSQL's lo_unlink)
    fds = _fds(ctx)
    for fd in [fd for fd, d in fds.items() if d.loid == loid]:
        del fds[fd]
    return 1


def lo_from_bytea(loid, data):
    ctx = _ctx()
    loid = _create(ctx, loid, "lo_from_bytea()")
    LO.write(ctx.txn, ctx.bid, loid, 0, data)
    return loid


def _get(loid, offset=0, n=None):
    ctx = _ctx()
    _check_access(ctx, loid, False)
    if offset < 0 or offset > LO.MAX_LARGE_OBJECT_SIZE:
        raise PgError(f"invalid large object seek target: {offset}", errcodes.INVALID_PARAMETER_VALUE)
    if n is None:
        n = max(0, LO.size(ctx.txn, ctx.bid, loid) - offset)
        if n > (1 << 30) - 1:
            raise PgError("large object read request is too large", errcodes.PROGRAM_LIMIT_EXCEEDED)
    elif n < 0:
        raise PgError("requested length cannot be negative", errcodes.INVALID_PARAMETER_VALUE)
    return LO.read(ctx.txn, ctx.bid, loid, offset, n)


def lo_put(loid, offset, data):
    ctx = _ctx()
    _read_only_check(ctx, "lo_put()")
    _check_access(ctx, loid, True)
    if offset < 0 or offset > LO.MAX_LARGE_OBJECT_SIZE:
        raise PgError(f"invalid large object seek target: {offset}", errcodes.INVALID_PARAMETER_VALUE)
    _lock_write(ctx, loid)
    LO.write(ctx.txn, ctx.bid, loid, offset, data)
    return ""  # void


def _server_file(name: str):
    def f(*_args):
        role = _role()
        if not role.get("super"):
            raise PgError(f"permission denied for function {name}", errcodes.INSUFFICIENT_PRIVILEGE)
        raise PgError(f"{name} of a server-side file is not supported", errcodes.FEATURE_NOT_SUPPORTED,
                      hint="Use the client-side large object interface (libpq's lo_import/lo_export, "
                           "psql's \\lo_import/\\lo_export).")

    return f


_V = {"volatility": "v"}
register("lo_creat", [T.INT4], T.OID, lo_creat, oid=957, **_V)
register("lo_create", [T.OID], T.OID, lo_create, oid=715, **_V)
register("lo_open", [T.OID, T.INT4], T.INT4, lo_open, oid=952, **_V)
register("lo_close", [T.INT4], T.INT4, lo_close, oid=953, **_V)
register("loread", [T.INT4, T.INT4], T.BYTEA, loread, oid=954, **_V)
register("lowrite", [T.INT4, T.BYTEA], T.INT4, lowrite, oid=955, **_V)
register("lo_lseek", [T.INT4, T.INT4, T.INT4], T.INT4, lo_lseek, oid=956, **_V)
register("lo_lseek64", [T.INT4, T.INT8, T.INT4], T.INT8, lo_lseek64, oid=3170, **_V)
register("lo_tell", [T.INT4], T.INT4, lo_tell, oid=958, **_V)
register("lo_tell64", [T.INT4], T.INT8, lo_tell64, oid=3171, **_V)
register("lo_truncate", [T.INT4, T.INT4], T.INT4, _truncate, oid=1004, **_V)
register("lo_truncate64", [T.INT4, T.INT8], T.INT4, _truncate, oid=3172, **_V)
register("lo_unlink", [T.OID], T.INT4, lo_unlink, oid=964, **_V)
register("lo_from_bytea", [T.OID, T.BYTEA], T.OID, lo_from_bytea, oid=3457, **_V)
register("lo_get", [T.OID], T.BYTEA, _get, oid=3458, **_V)
register("lo_get", [T.OID, T.INT8, T.INT4], T.BYTEA, _get, oid=3459, **_V)
register("lo_put", [T.OID, T.INT8, T.BYTEA], T.VOID, lo_put, oid=3460, **_V)
register("lo_import", [T.TEXT], T.OID, _server_file("lo_import"), oid=764, **_V)
register("lo_import", [T.TEXT, T.OID], T.OID, _server_file("lo_import"), oid=767, **_V)
register("lo_export", [T.OID, T.TEXT], T.INT4, _server_file("lo_export"), oid=765, **_V)
