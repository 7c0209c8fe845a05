"""pg_largeobject_metadata and pg_largeobject: the branch's large objects
(``heliosd.engine.largeobj``), read at the statement's snapshot.  lomacl is
NULL: heliosd has no GRANT ... ON LARGE OBJECT.  pg_largeobject (the data) is
for superusers only, as in PostgreSQL."""

from __future__ import annotations

from ... import errcodes
from ...errors import PgError
from .. import largeobj as LO
from ._base import relation


@relation("pg_largeobject_metadata")
def pg_largeobject_metadata(ctx):
    if ctx.txn is None or ctx.bid is None:
        return []
    return [(loid, owner, None) for loid, owner in LO.list_objects(ctx.txn, ctx.bid)]


@relation("pg_largeobject")
def pg_largeobject(ctx):
    if ctx.txn is None or ctx.bid is None:
        return []
    s = getattr(ctx, "session", None)
    role = getattr(s, "role", None) if s is not None else None
    if role is not None and not role.get("super"):
        # PostgreSQL revokes SELECT on pg_largeobject from PUBLIC: the data is for superusers
        raise PgError("permission denied for table pg_largeobject", errcodes.INSUFFICIENT_PRIVILEGE)
    return [(loid, pageno, data) for loid, pageno, data in LO.list_pages(ctx.txn, ctx.bid)]
