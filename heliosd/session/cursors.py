"""SQL cursors: DECLARE, FETCH, MOVE, CLOSE.

A cursor's query runs when it is declared and its rows are kept with the
cursor (so every FETCH sees the snapshot of the DECLARE, as in PostgreSQL,
whatever READ COMMITTED statements run in between).  The position follows
PostgreSQL's model: 0 is before the first row, 1..N are rows, N+1 is after
the last row; FETCH returns the rows it moves onto.

- ``WITH HOLD`` cursors survive COMMIT (the session drops the others when a
  transaction ends); without HOLD, DECLARE needs a transaction block
  (25P01), as in PostgreSQL.
- ``NO SCROLL`` cursors refuse to move backward (55000); plain and
  ``SCROLL`` cursors can (PostgreSQL allows backward scans of plain cursors
  whenever the plan supports them, which materialized rows always do).
- ``BINARY`` cursors return binary-format rows to simple-query FETCH.
"""

from __future__ import annotations

from .. import errcodes
from ..errors import PgError
from ..wire import protocol as P


class Cursor:
    __slots__ = ("name", "columns", "rows", "pos", "hold", "scroll", "binary", "query", "created", "statement")

    def __init__(self, name, columns, rows, hold, scroll, binary, query):
        self.name = name
        self.columns = columns
        self.rows = rows
        self.pos = 0
        self.hold = hold
        self.scroll = scroll  # True | False | None (unspecified)
        self.binary = binary
        self.query = query
        self.statement = query
        import time

        self.created = time.time()

    def get(self, key, default=None):  # the session treats cursors as dicts in places
        return getattr(self, key, default)

    def __getitem__(self, key):
        return getattr(self, key)


def _find(s, name) -> Cursor:
    c = s.cursors.get(name)
    if c is None:
        raise PgError(f'cursor "{name}" does not exist', errcodes.INVALID_CURSOR_NAME)
    return c


async def declare(s, u, multi: bool = False, statement: str | None = None) -> None:
    opts = [o.upper() for o in (u.options or [])]
    hold = bool(u.hold)
    if not hold and (s.txn is None or (s.txn_implicit and not multi)):
        raise PgError("DECLARE CURSOR can only be used in transaction blocks", errcodes.NO_ACTIVE_SQL_TRANSACTION)
    if u.name in s.cursors:
        raise PgError(f'cursor "{u.name}" already exists', errcodes.DUPLICATE_CURSOR)
    scroll = None
    if "NO" in opts and "SCROLL" in opts:
        scroll = False
    elif "SCROLL" in opts:
        scroll = True
    binary = "BINARY" in opts
    if not u.query:
        raise PgError("syntax error at end of input", errcodes.SYNTAX_ERROR)
    from ..sql.lexer import tokens

    for kind, text, _pos in tokens(u.query):
        # the grammar only takes a SELECT-like statement here
        if not (kind == "word" and text.upper() in ("SELECT", "VALUES", "WITH", "TABLE")) and text != "(":
            raise PgError(f'syntax error at or near "{text}"', errcodes.SYNTAX_ERROR)
        break
    p = s.prepare(u.query, [])
    if p.kind != "query" or p.columns is None:
        raise PgError(f"cannot open {p.tag} query as cursor" if getattr(p, "tag", None) else
                      "DECLARE CURSOR must be a SELECT or VALUES query", errcodes.INVALID_CURSOR_DEFINITION)
    if scroll and getattr(p, "can_block", False) and "FOR UPDATE" in u.query.upper():
        raise PgError("DECLARE SCROLL CURSOR ... FOR UPDATE/SHARE is not supported", errcodes.FEATURE_NOT_SUPPORTED,
                      detail="Scrollable cursors must be READ ONLY.")
    rows = await s._execute(p, [], stream=False)
    s.cursors[u.name] = Cursor(u.name, p.columns, list(rows or []), hold, scroll, binary, u.query)
    s.cursors[u.name].statement = statement or u.query  # pg_cursors shows the DECLARE statement
    s.out.append(P.command_complete("DECLARE CURSOR"))


def _plan(c: Cursor, direction: str, count):
    """(rows to return, new position, command-tag count) for a FETCH/MOVE."""
    n = len(c.rows)
    pos = c.pos
    if direction in ("next", "forward") or (direction == "next" and count is not None):
        cnt = n + 1 if count is None else count
        if direction == "next":
            cnt = 1
        if cnt < 0:
            return _plan(c, "backward", -cnt)
        if cnt == 0:  # FETCH FORWARD 0: the current row again
            return _plan(c, "relative", 0)
        lo = pos + 1
        hi = min(pos + cnt, n)
        rows = c.rows[lo - 1:hi] if lo <= hi else []
        newpos = pos + cnt if pos + cnt <= n else n + 1
        return rows, newpos, len(rows)
    if direction in ("prior", "backward"):
        cnt = 1 if direction == "prior" else (n + 1 if count is None else count)
        if cnt < 0:
            return _plan(c, "forward", -cnt)
        if cnt == 0:
            return _plan(c, "relative", 0)
        start = min(pos - 1, n)
        stop = max(pos - cnt, 1)
        rows = [c.rows[i - 1] for i in range(start, stop - 1, -1)] if start >= stop else []
        newpos = pos - cnt if pos - cnt >= 1 else 0
        return rows, newpos, len(rows)
    if direction == "first":
        return _plan(c, "absolute", 1)
    if direction == "last":
        return _plan(c, "absolute", -1)
    if direction == "absolute":
        k = count
        if k > 0:
            if k <= n:
                return [c.rows[k - 1]], k, 1
            return [], n + 1, 0
        if k < 0:
            idx = n + 1 + k
            if idx >= 1:
                return [c.rows[idx - 1]], idx, 1
            return [], 0, 0
        return [], 0, 0
    if direction == "relative":
        if count == 0:
            if 1 <= pos <= n:
                return [c.rows[pos - 1]], pos, 1
            return [], pos, 0
        target = pos + count
        if target < 1:
            return [], 0, 0
        if target > n:
            return [], n + 1, 0
        return [c.rows[target - 1]], target, 1
    raise PgError(f"unsupported FETCH direction {direction}", errcodes.FEATURE_NOT_SUPPORTED)


def _backward(c: Cursor, direction: str, count) -> bool:
    if direction in ("prior", "first", "last"):
        return direction == "prior" or direction == "first" and c.pos > 1 or False
    if direction == "backward":
        return count is None or count > 0
    if direction == "forward":
        return count is not None and count < 0
    if direction in ("absolute", "relative"):
        if direction == "relative":
            return count < 0
        target = count if count > 0 else len(c.rows) + 1 + count
        return target < c.pos
    return False


class _PortalCursor:
    """A protocol-level portal (Bind) seen through FETCH/MOVE, as PostgreSQL allows:
    asyncpg moves its cursors with ``MOVE FORWARD n "<portal>"``.  The portal's rows are
    materialized on first use; its position is shared with Execute."""

    scroll = False
    binary = False

    def __init__(self, portal):
        self.portal = portal
        self.columns = portal.prepared.columns
        self.rows = portal.rows

    @property
    def pos(self):
        return self.portal.pos

    @pos.setter
    def pos(self, v):
        self.portal.pos = max(0, min(v, len(self.rows)))


async def _find_for_fetch(s, name):
    c = s.cursors.get(name)
    if c is not None:
        return c
    portal = s.portals.get(name) if name else None
    if portal is not None and portal.prepared.kind == "query" and portal.prepared.columns is not None:
        if portal.rows is None:
            rows = await s._execute(portal.prepared, portal.params, stream=False, portal=portal)
            portal.rows = list(rows or [])
            portal.pos = 0
        return _PortalCursor(portal)
    return _find(s, name)


async def fetch(s, u) -> None:
    c = await _find_for_fetch(s, u.name)
    direction = u.direction
    count = u.count
    if direction == "next" and count != 1:
        direction = "forward"  # FETCH n / FETCH ALL
    if c.scroll is False and _backward(c, direction, count):
        raise PgError("cursor can only scan forward", errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE,
                      hint="Declare it with SCROLL option to enable backward scan.")
    rows, newpos, k = _plan(c, direction, count)
    c.pos = newpos
    if u.move:
        s.out.append(P.command_complete(f"MOVE {k}"))
        return
    fmts = [1] if c.binary else (getattr(s, "portal_formats", None) or [])
    if not getattr(u, "no_description", False):
        s.out.append(s.row_description(c.columns, fmts))
    enc = s.row_encoders(c.columns, fmts)
    out = s.out
    dr = P.data_row
    for r in rows:
        out.append(dr([None if v is None else f(v) for f, v in zip(enc, r)]))
    out.append(P.command_complete(f"FETCH {k}"))


async def close(s, u) -> None:
    if u.name is None:
        s.cursors.clear()
    else:
        _find(s, u.name)
        del s.cursors[u.name]
    s.out.append(P.command_complete("CLOSE CURSOR" if u.name is not None else "CLOSE CURSOR ALL"))


def describe_fetch(s, u):
    """Result columns of a FETCH (for Describe in the extended protocol); None for MOVE."""
    if u.move:
        return None
    portal = s.portals.get(u.name) if u.name and u.name not in s.cursors else None
    if portal is not None and portal.prepared.kind == "query":
        return portal.prepared.columns
    return _find(s, u.name).columns
