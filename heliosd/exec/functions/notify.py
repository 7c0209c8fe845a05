"""pg_notify(channel, payload): the function form of NOTIFY.

Like the NOTIFY statement (heliosd.session.utility), it queues the
notification on the running session; the session delivers its queue when the
transaction commits and drops it on rollback.  Channels are scoped to the
session's database and branch, as for LISTEN/NOTIFY.
"""

from __future__ import annotations

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime
from . import register


def _pg_notify(channel, payload):
    s = runtime.state.session
    if not channel:
        raise PgError("channel name cannot be empty", errcodes.INVALID_PARAMETER_VALUE)
    if len(channel.encode()) >= 64:
        raise PgError("channel name too long", errcodes.INVALID_PARAMETER_VALUE)
    payload = payload or ""
    if len(payload.encode()) >= 8000:
        raise PgError("payload string too long", errcodes.INVALID_PARAMETER_VALUE)
    if s is None or s.db is None:
        return None
    pending = s.__dict__.setdefault("pending_notifies", [])
    item = ((s.db["oid"], s.branch_id, channel), payload)
    if item not in pending:  # PostgreSQL folds duplicates within a transaction
        pending.append(item)
    return None


register("pg_notify", [T.TEXT, T.TEXT], T.VOID, _pg_notify, volatility="v", strict=False)
