"""Per-session runtime state read by functions and casts while a statement runs.

One event loop runs every session, and statements of different sessions
interleave only at the executor's yield points (between batches).  The
driver sets :data:`state` from the session before it pulls each batch, so
functions like ``now()`` or casts to ``timestamptz`` can read the session's
TimeZone and transaction start time without threading a context argument
through every compiled closure.
"""

from __future__ import annotations

import datetime as _dt
import random


class Runtime:
    __slots__ = ("tz", "tzname", "txn_start", "stmt_start", "session", "rng", "datestyle", "intervalstyle",
                 "extra_float_digits", "bytea_output", "ctx")

    def __init__(self):
        self.tz = _dt.timezone.utc
        self.tzname = "UTC"
        self.txn_start = _dt.datetime.now(_dt.timezone.utc)
        self.stmt_start = self.txn_start
        self.session = None
        self.rng = random.Random()
        self.datestyle = "ISO, MDY"
        self.intervalstyle = "postgres"
        self.extra_float_digits = 1
        self.bytea_output = "hex"
        self.ctx = None


state = Runtime()
