"""Object sizes for pg_relation_size() and friends.

A relation's size is the number of key + value bytes of its rows as the
current branch sees them (its own rows and those inherited from ancestor
branches), counted by a scan of the object in the statement's transaction:
exact, and proportional to the object's size like PostgreSQL's stat() of
the relation files.  A sequence's size is that of its value record; a view
has none.  A database's size is the sum of the own bytes of its live
branches (``Store.stats``, maintained by the commit pipeline), i.e. what
the database stores, shared rows counted once.
"""

from __future__ import annotations

from .. import catalog as C
from ...storage import keycode


def _scan_bytes(ctx, obj: int) -> int:
    total = 0
    for k, v in ctx.txn.scan(ctx.bid, obj):
        total += len(k) + (len(v) if v is not None else 0)
    return total


def relation_size(ctx, oid):
    rel = ctx.catalog.relations.get(oid)
    if rel is None:
        return None
    if rel.kind == "v":
        return 0
    if rel.kind == "S":
        v = ctx.txn.get(ctx.bid, C.OBJ_SEQVALS, keycode.enc_int(oid))
        return len(v) + 8 if v is not None else 0
    return _scan_bytes(ctx, oid)


def table_size(ctx, oid):
    return relation_size(ctx, oid)


def indexes_size(ctx, oid):
    cat = ctx.catalog
    if oid not in cat.relations:
        return None
    return sum(_scan_bytes(ctx, i.oid) for i in cat.indexes_of.get(oid, []))


def total_size(ctx, oid):
    t = table_size(ctx, oid)
    if t is None:
        return None
    return t + (indexes_size(ctx, oid) or 0)


def database_size(ctx, db):
    from .. import cluster as CL

    d = CL.get_database(ctx.txn, db) if isinstance(db, int) else CL.get_database_by_name(ctx.txn, db)
    if d is None:
        if isinstance(db, int):
            return None
        from ...errors import PgError
        from ... import errcodes

        raise PgError(f'database "{db}" does not exist', errcodes.UNDEFINED_DATABASE)
    store = ctx.session.store
    total = 0
    for rec in ctx.txn.list_branches(d["oid"]):
        total += store.stats.get(rec["id"], (0, 0))[1]
    return total


def column_size(v):
    if v is None:
        return None
    if isinstance(v, (bytes, str)):
        n = len(v.encode() if isinstance(v, str) else v)
        return n + (1 if n < 127 else 4)
    if isinstance(v, bool):
        return 1
    if isinstance(v, int):
        return 4 if -2 ** 31 <= v < 2 ** 31 else 8
    if isinstance(v, float):
        return 8
    return len(repr(v))
