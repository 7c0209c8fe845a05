"""Isolation runner: several named sessions, one statement at a time.

Spec format (``tests/isolation/**/<name>.spec``)
------------------------------------------------
::

    -- G0: dirty writes                       <- section marker, copied to the output
    setup: CREATE TABLE test (id int PRIMARY KEY, value int);
    T1: BEGIN ISOLATION LEVEL READ COMMITTED;
    T2: BEGIN ISOLATION LEVEL READ COMMITTED;
    T1: UPDATE test SET value = 11 WHERE id = 1;
    T2: UPDATE test SET value = 12 WHERE id = 1;   -- annotations after ';' are dropped
    T1: COMMIT;

A step line starts in column 0 with ``<session>:``; a line that starts with
whitespace continues the previous step. A step may hold several statements;
each runs as its own step. Sessions connect on first use (one libpq
connection each, simple query protocol) to a fresh database named after the
file. The session name is arbitrary; ``setup`` is just a session like others.

Blocking, decided by the server, never by elapsed time
-------------------------------------------------------
A statement is sent without waiting. The runner then polls, alternating:
has the statement completed (libpq ``consume_input`` / ``is_busy``)? does
the server report that session's backend waiting on a lock
(``SELECT wait_event_type FROM pg_stat_activity WHERE pid = <pid>`` on a
separate control connection is ``'Lock'``)? The first of the two decides:
the result is recorded, or ``<waiting>``. On servers that have
``pg_blocking_pids`` (PostgreSQL) a ``'Lock'`` report must also name a
blocker: PostgreSQL grants a released lock to the waiter before the waiter
has woken up and cleared its wait event, so ``wait_event_type`` alone is
stale for a moment right after the blocker commits.

After every step, each session that is still waiting is settled the same way
(completed, or still waiting on a lock), repeatedly until nothing changes;
completions are recorded as ``<session>: <completed> <statement>`` followed
by their result, in the order the sessions started waiting. Only a generous
safety timeout (``HELIOS_ISO_SAFETY_TIMEOUT``, default 60 s) is time-based:
reaching it fails the run. A server that cannot answer the control query
(no ``pg_stat_activity`` yet) never has a session considered blocked: a
statement that really waits then fails the run at the safety timeout, with
the control query's error in the message.

Output: one block per step / completion, separated by blank lines, each result
rendered exactly as the golden runner renders it (see ``sqlgolden``).
"""
from __future__ import annotations

import dataclasses
import os
import re
import select
import time
from pathlib import Path

from psycopg import pq

import sqlgolden as g

SAFETY_TIMEOUT = float(os.environ.get("HELIOS_ISO_SAFETY_TIMEOUT", "60"))  # tools may lower it
POLL_INTERVAL = 0.005

_STEP = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(.*)$")


class SpecError(Exception):
    pass


class IsolationFailure(Exception):
    pass


@dataclasses.dataclass
class Step:
    kind: str           # "stmt" | "comment"
    session: str
    sql: str


def parse_spec(text: str) -> list[Step]:
    raw: list[list] = []   # [kind, session, text]
    for ln in text.splitlines():
        if not ln.strip():
            continue
        if ln.startswith("--"):
            raw.append(["comment", "", ln.rstrip()])
            continue
        if ln[0].isspace():
            if not raw or raw[-1][0] != "stmt":
                raise SpecError(f"continuation line without a step: {ln!r}")
            raw[-1][2] += "\n" + ln
            continue
        m = _STEP.match(ln)
        if not m:
            raise SpecError(f"not a step line (expected '<session>: <sql>'): {ln!r}")
        raw.append(["stmt", m.group(1), m.group(2).strip()])
    steps: list[Step] = []
    for kind, sess, body in raw:
        if kind == "comment":
            steps.append(Step("comment", "", body))
            continue
        for it in g.split_sql(body):
            if it.kind == "stmt":
                steps.append(Step("stmt", sess, it.text))
    return steps


class Session:
    def __init__(self, name: str, conn: pq.PGconn) -> None:
        self.name = name
        self.conn = conn
        self.pid = conn.backend_pid
        self.pending: str | None = None      # statement text while it has not completed
        self.results: list = []

    def poll(self) -> bool:
        """Drain what the server sent; True once the pending statement completed."""
        conn = self.conn
        while conn.flush() != 0:
            select.select([], [conn.socket], [], 0.1)
        try:
            conn.consume_input()
        except Exception as e:
            raise g.ConnectionLost(str(e)) from e
        while not conn.is_busy():
            res = conn.get_result()
            if res is None:
                return True
            self.results.append(res)
            if res.status == pq.ExecStatus.COPY_IN:
                conn.put_copy_end(b"COPY is not supported by the isolation runner")
            if conn.status == pq.ConnStatus.BAD:
                return True
        return False

    def render(self, stmt: str) -> list[str]:
        ordered = g.has_top_level_order_by(stmt)
        lines: list[str] = []
        for res in self.results:
            lines.extend(g.render_result(res, ordered))
        self.results = []
        if not lines:
            lines.append("NO RESULT")
        return lines


class IsolationRun:
    def __init__(self, target: g.Target, dbname: str) -> None:
        self.target = target
        self.dbname = dbname
        self.control = g.connect(target.conninfo(dbname, application_name="iso-control"))
        self.sessions: dict[str, Session] = {}
        self.waiting: list[Session] = []     # in the order they started waiting
        self.blocks: list[g.Block] = []
        self.has_blocking_pids = self._probe_blocking_pids()
        self.control_error: str | None = None

    # -- server-side view of a session ---------------------------------------------

    def _probe_blocking_pids(self) -> bool:
        try:
            res = g.execute(self.control, "SELECT pg_blocking_pids(pg_backend_pid())")
        except Exception:
            return False
        return bool(res) and res[-1].status == pq.ExecStatus.TUPLES_OK

    def _blocked_on_lock(self, s: Session) -> bool:
        if self.has_blocking_pids:
            sql = (f"SELECT wait_event_type, cardinality(pg_blocking_pids(pid)) "
                   f"FROM pg_stat_activity WHERE pid = {s.pid}")
        else:
            sql = f"SELECT wait_event_type FROM pg_stat_activity WHERE pid = {s.pid}"
        res = g.execute(self.control, sql)
        r = res[-1]
        if r.status != pq.ExecStatus.TUPLES_OK:
            # No lock-wait information: the statement is never considered blocked;
            # if it really waits, the safety timeout fails the run with this reason.
            self.control_error = " ".join(g.render_error(r))
            return False
        if r.ntuples == 0:
            return False
        wet = r.get_value(0, 0)
        if wet != b"Lock":
            return False
        if self.has_blocking_pids:
            return int(r.get_value(0, 1) or b"0") > 0
        return True

    def settle(self, s: Session) -> bool:
        """Wait until s's pending statement completed (True) or the server reports
        it waiting on a lock (False)."""
        deadline = time.monotonic() + SAFETY_TIMEOUT
        while True:
            if s.poll():
                return True
            if self._blocked_on_lock(s):
                # it may have completed between the two checks: prefer completion
                return s.poll()
            if time.monotonic() > deadline:
                why = (f" (lock-wait query failed: {self.control_error})"
                       if self.control_error else "")
                raise IsolationFailure(
                    f"session {s.name}: statement neither completed nor reported waiting "
                    f"on a lock within {SAFETY_TIMEOUT}s{why}: {s.pending}")
            select.select([s.conn.socket], [], [], POLL_INTERVAL)

    # -- steps ------------------------------------------------------------------------

    def session(self, name: str) -> Session:
        s = self.sessions.get(name)
        if s is None:
            conn = g.connect(self.target.conninfo(self.dbname, application_name=f"iso-{name}"))
            s = Session(name, conn)
            self.sessions[name] = s
        return s

    def step(self, st: Step) -> None:
        s = self.session(st.session)
        head = f"{st.session}: {g.echo_statement(st.sql)}"
        if s.pending is not None:
            raise SpecError(f"step for session {st.session} while its previous statement "
                            f"is still waiting: {st.sql}")
        try:
            s.conn.send_query(st.sql.encode())
        except Exception as e:
            raise g.ConnectionLost(str(e)) from e
        s.pending = st.sql
        if self.settle(s):
            s.pending = None
            self.blocks.append(g.Block("stmt", "\n".join([head, *s.render(st.sql)]), st.sql))
        else:
            self.waiting.append(s)
            self.blocks.append(g.Block("stmt", head + "\n<waiting>", st.sql))
        self.settle_waiting(exclude=s)

    def settle_waiting(self, exclude: Session | None = None) -> None:
        changed = True
        while changed:
            changed = False
            for w in list(self.waiting):
                if w is exclude:
                    continue
                if self.settle(w):
                    stmt = w.pending or ""
                    w.pending = None
                    self.waiting.remove(w)
                    head = f"{w.name}: <completed> {g.echo_statement(stmt)}"
                    self.blocks.append(g.Block("stmt", "\n".join([head, *w.render(stmt)]), stmt))
                    changed = True
            exclude = None   # a completion may unblock the session we just stepped, too

    def finish(self) -> None:
        for w in list(self.waiting):
            self.blocks.append(g.Block("stmt", f"{w.name}: <still waiting at end> "
                                       f"{g.echo_statement(w.pending or '')}", w.pending or ""))
            try:
                w.conn.get_cancel().cancel()
            except Exception:
                pass
        self.waiting.clear()
        for s in self.sessions.values():
            s.conn.finish()
        self.sessions.clear()
        self.control.finish()


def run_spec(path: Path, target: g.Target, *, keep_db: bool = False) -> str:
    path = Path(path)
    steps = parse_spec(path.read_text())
    db = g.dbname_for(path, prefix="iso")
    g.fresh_database(target, db)
    run = IsolationRun(target, db)
    try:
        for st in steps:
            if st.kind == "comment":
                run.blocks.append(g.Block("comment", st.sql))
            else:
                run.step(st)
    except (IsolationFailure, g.ConnectionLost) as e:
        run.blocks.append(g.Block("stmt", f"RUN ABORTED: {e}"))
    finally:
        run.finish()
        if not keep_db:
            g.drop_database(target, db)
    return g.render_blocks(run.blocks)


ISOLATION_DIR = Path(__file__).resolve().parent / "isolation"


def spec_files(root: Path = ISOLATION_DIR, *, include_pending: bool = True) -> list[Path]:
    out = []
    for f in sorted(Path(root).rglob("*.spec")):
        if not include_pending and "pending" in f.relative_to(root).parts:
            continue
        out.append(f)
    return out
