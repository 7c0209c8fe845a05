"""Golden SQL runner: execute a .sql file statement by statement, render the
raw results as text, compare with the ``.out`` produced by PostgreSQL 15.

The expected output is always real PostgreSQL's. The same code runs a file
against PostgreSQL (to (re)generate the ``.out``) and against heliosd (to
test it), so any difference is heliosd's.

File format (``tests/golden/<area>/<name>.sql``)
------------------------------------------------
Plain SQL. :func:`split_sql` cuts it into statements at top-level ``;``; it
understands ``'...'`` (with ``''``), ``E'...'`` (with backslash escapes),
``"identifiers"``, ``$tag$ dollar quotes $tag$``, ``-- line`` and nested
``/* block */`` comments. ``--`` comment lines *between* statements are copied
to the output as section markers. Every statement runs on its own with the
simple query protocol, in one connection per file (so BEGIN/SET carry over),
in a fresh database named after the file.

Output format (``.out``)
------------------------
For each statement: its text (trailing blanks and blank lines removed,
ending in ``;``), then either

* for a row-returning statement: a header ``name:typeoid | name:typeoid``,
  one line per row with the values as the server's text joined by `` | ``,
  ``(N rows)`` and the command tag. Rows are written in the server's order
  when the statement has a top-level ``ORDER BY``, otherwise sorted;
* for other statements: the command tag (``INSERT 0 3``, ``CREATE TABLE``);
* for an error: ``ERROR <SQLSTATE>: <primary message>`` and, when present,
  ``DETAIL: ...`` and ``HINT: ...`` lines.

then one empty line. NULL is written ``<NULL>``. A value (or column name)
that is empty, contains a control character or ``|``, starts with a quote or
has leading/trailing whitespace, is written quoted and escaped:
``'ab   '``, ``'line1\\nline2'``, ``''``. So values never contain a newline
and an empty line always ends a statement block. Notices are ignored.
"""
from __future__ import annotations

import dataclasses
import difflib
import os
import re
import select
import time
from pathlib import Path
from typing import Callable, Iterable

from psycopg import pq
from psycopg.conninfo import make_conninfo

NULL_MARKER = "<NULL>"
DF = pq.DiagnosticField
STMT_TIMEOUT = float(os.environ.get("HELIOS_GOLDEN_STMT_TIMEOUT", "60"))


# --------------------------------------------------------------------------
# Splitting
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Item:
    kind: str          # "stmt" or "comment"
    text: str          # statement text without the terminating ';', or the comment line
    lineno: int        # 1-based line of the first character


_IDENT_CHARS = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$")
_DOLLAR_TAG = re.compile(r"\$([A-Za-z_\x80-\uffff][A-Za-z0-9_\x80-\uffff]*)?\$")


def _skip_quoted(s: str, i: int, backslash: bool) -> int:
    """s[i] is the opening quote char; return the index just past the closing one."""
    q = s[i]
    i += 1
    n = len(s)
    while i < n:
        c = s[i]
        if backslash and c == "\\":
            i += 2
            continue
        if c == q:
            if i + 1 < n and s[i + 1] == q:  # doubled quote
                i += 2
                continue
            return i + 1
        i += 1
    return n


def _skip_block_comment(s: str, i: int) -> int:
    depth = 0
    n = len(s)
    while i < n:
        if s.startswith("/*", i):
            depth += 1
            i += 2
        elif s.startswith("*/", i):
            depth -= 1
            i += 2
            if depth == 0:
                return i
        else:
            i += 1
    return n


def scan_tokens(s: str) -> Iterable[tuple[str, int, int]]:
    """Yield (kind, start, end) lexical chunks: kinds 'str', 'ident', 'dollar',
    'line_comment', 'block_comment', 'semicolon', 'lparen', 'rparen', 'word',
    'space', 'other'. Just enough lexing to split statements safely."""
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c.isspace():
            j = i + 1
            while j < n and s[j].isspace():
                j += 1
            yield "space", i, j
            i = j
        elif c == "-" and s.startswith("--", i):
            j = s.find("\n", i)
            j = n if j < 0 else j
            yield "line_comment", i, j
            i = j
        elif c == "/" and s.startswith("/*", i):
            j = _skip_block_comment(s, i)
            yield "block_comment", i, j
            i = j
        elif c == "'":
            yield "str", i, _skip_quoted(s, i, backslash=False)
            i = _skip_quoted(s, i, backslash=False)
        elif c == '"':
            j = _skip_quoted(s, i, backslash=False)
            yield "ident", i, j
            i = j
        elif c == "$":
            m = _DOLLAR_TAG.match(s, i)
            if m and not (i > 0 and s[i - 1] in _IDENT_CHARS):
                tag = m.group(0)
                end = s.find(tag, m.end())
                j = n if end < 0 else end + len(tag)
                yield "dollar", i, j
                i = j
            else:
                j = i + 1
                while j < n and s[j].isdigit():
                    j += 1
                yield "other", i, j
                i = j
        elif c == ";":
            yield "semicolon", i, i + 1
            i += 1
        elif c == "(":
            yield "lparen", i, i + 1
            i += 1
        elif c == ")":
            yield "rparen", i, i + 1
            i += 1
        elif c.isalpha() or c == "_" or ord(c) > 127:
            j = i + 1
            while j < n and (s[j] in _IDENT_CHARS or ord(s[j]) > 127):
                j += 1
            word = s[i:j]
            # E'...' (backslash escapes), also B'', X'', U&'', N''
            if j < n and s[j] == "'" and word.upper() in ("E", "B", "X", "N"):
                k = _skip_quoted(s, j, backslash=word.upper() == "E")
                yield "str", i, k
                i = k
            elif word.upper() == "U" and s.startswith("&'", j):
                k = _skip_quoted(s, j + 1, backslash=False)
                yield "str", i, k
                i = k
            elif word.upper() == "U" and s.startswith('&"', j):
                k = _skip_quoted(s, j + 1, backslash=False)
                yield "ident", i, k
                i = k
            else:
                yield "word", i, j
                i = j
        else:
            yield "other", i, i + 1
            i += 1


def split_sql(text: str) -> list[Item]:
    """Split a script into statements and between-statement ``--`` comments."""
    items: list[Item] = []
    start: int | None = None  # start offset of the current statement
    line_starts = [0]
    for m in re.finditer("\n", text):
        line_starts.append(m.end())

    def lineno(off: int) -> int:
        import bisect
        return bisect.bisect_right(line_starts, off)

    for kind, a, b in scan_tokens(text):
        if start is None:
            if kind == "space" or kind == "block_comment":
                continue
            if kind == "line_comment":
                items.append(Item("comment", text[a:b].rstrip(), lineno(a)))
                continue
            if kind == "semicolon":  # empty statement
                continue
            start = a
        if kind == "semicolon":
            items.append(Item("stmt", text[start:a].strip(), lineno(start)))
            start = None
    if start is not None and text[start:].strip():
        items.append(Item("stmt", text[start:].strip(), lineno(start)))
    return items


def has_top_level_order_by(stmt: str) -> bool:
    depth = 0
    prev_word = None
    for kind, a, b in scan_tokens(stmt):
        if kind == "lparen":
            depth += 1
        elif kind == "rparen":
            depth -= 1
        elif kind == "word":
            w = stmt[a:b].upper()
            if depth == 0 and w == "BY" and prev_word == "ORDER":
                return True
            prev_word = w
        elif kind in ("space", "line_comment", "block_comment"):
            continue
        else:
            prev_word = None
    return False


def echo_statement(stmt: str) -> str:
    lines = [ln.rstrip() for ln in stmt.splitlines()]
    return "\n".join(ln for ln in lines if ln) + ";"


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------

_NEEDS_QUOTE = re.compile(r"[\x00-\x1f\x7f|]")


def fmt_value(v: str | None) -> str:
    if v is None:
        return NULL_MARKER
    if (v == "" or v == NULL_MARKER or v[0] == "'" or v[0].isspace() or v[-1].isspace()
            or _NEEDS_QUOTE.search(v)):
        out = []
        for ch in v:
            if ch == "\\":
                out.append("\\\\")
            elif ch == "'":
                out.append("\\'")
            elif ch == "\n":
                out.append("\\n")
            elif ch == "\r":
                out.append("\\r")
            elif ch == "\t":
                out.append("\\t")
            elif ord(ch) < 32 or ord(ch) == 127:
                out.append(f"\\x{ord(ch):02x}")
            else:
                out.append(ch)
        return "'" + "".join(out) + "'"
    return v


def _dec(b: bytes | None) -> str | None:
    return None if b is None else b.decode("utf-8", "replace")


def _one_line(s: str) -> str:
    return s.replace("\r", "\\r").replace("\n", "\\n")


def render_error(res_or_msg, severity: str | None = None) -> list[str]:
    if isinstance(res_or_msg, str):
        return [_one_line(res_or_msg)]
    res = res_or_msg
    sev = _dec(res.error_field(DF.SEVERITY_NONLOCALIZED)) or _dec(res.error_field(DF.SEVERITY)) or "ERROR"
    code = _dec(res.error_field(DF.SQLSTATE)) or "?????"
    msg = _dec(res.error_field(DF.MESSAGE_PRIMARY))
    if msg is None:
        msg = _dec(res.error_message) or ""
        msg = msg.strip()
    lines = [f"{sev} {code}: {_one_line(msg)}"]
    detail = _dec(res.error_field(DF.MESSAGE_DETAIL))
    if detail is not None:
        lines.append(f"DETAIL: {_one_line(detail)}")
    hint = _dec(res.error_field(DF.MESSAGE_HINT))
    if hint is not None:
        lines.append(f"HINT: {_one_line(hint)}")
    return lines


def render_result(res, ordered: bool) -> list[str]:
    st = res.status
    ES = pq.ExecStatus
    if st == ES.TUPLES_OK:
        nf = res.nfields
        if nf == 0:
            header = "(no columns)"
        else:
            header = " | ".join(
                f"{fmt_value(_dec(res.fname(i)))}:{res.ftype(i)}" for i in range(nf))
        rows = []
        for r in range(res.ntuples):
            if nf == 0:
                rows.append("()")
            else:
                rows.append(" | ".join(fmt_value(_dec(res.get_value(r, c))) for c in range(nf)))
        if not ordered:
            rows.sort()
        n = res.ntuples
        return [header, *rows, f"({n} row{'' if n == 1 else 's'})",
                _dec(res.command_status) or ""]
    if st == ES.COMMAND_OK:
        return [_dec(res.command_status) or ""]
    if st == ES.EMPTY_QUERY:
        return ["EMPTY QUERY"]
    if st in (ES.FATAL_ERROR, ES.NONFATAL_ERROR):
        return render_error(res)
    return [f"UNEXPECTED RESULT STATUS {st.name}"]


# --------------------------------------------------------------------------
# Connections
# --------------------------------------------------------------------------

@dataclasses.dataclass
class Target:
    """Where to run: a server address and credentials."""
    host: str
    port: int
    user: str
    password: str | None = None

    def conninfo(self, dbname: str, **extra) -> str:
        kw = dict(host=self.host, port=str(self.port), user=self.user, dbname=dbname,
                  client_encoding="UTF8", connect_timeout="10")
        if self.password:
            kw["password"] = self.password
        kw.update(extra)
        return make_conninfo("", **kw)


class ConnectionLost(Exception):
    pass


def connect(conninfo: str) -> pq.PGconn:
    conn = pq.PGconn.connect(conninfo.encode())
    if conn.status != pq.ConnStatus.OK:
        msg = _dec(conn.error_message) or "connection failed"
        conn.finish()
        raise ConnectionLost(msg.strip())
    conn.notice_handler = lambda res: None
    return conn


def execute(conn: pq.PGconn, sql: str, timeout: float = STMT_TIMEOUT) -> list:
    """Run one simple-protocol query; return its PGresults. Raises ConnectionLost
    or TimeoutError (after cancelling the query)."""
    try:
        conn.send_query(sql.encode())
    except Exception as e:
        raise ConnectionLost((_dec(conn.error_message) or str(e)).strip()) from e
    deadline = time.monotonic() + timeout
    results = []
    cancelled = False
    while True:
        while conn.flush() != 0:
            select.select([], [conn.socket], [], 1.0)
        while conn.is_busy():
            remaining = deadline - time.monotonic()
            if remaining <= 0 and not cancelled:
                try:
                    conn.get_cancel().cancel()
                except Exception:
                    pass
                cancelled = True
                deadline = time.monotonic() + 10
                continue
            if remaining <= 0 and cancelled:
                raise TimeoutError(f"statement did not finish in {timeout}s, cancel ignored")
            select.select([conn.socket], [], [], min(remaining, 1.0))
            try:
                conn.consume_input()
            except Exception as e:
                raise ConnectionLost(str(e)) from e
        res = conn.get_result()
        if res is None:
            break
        if res.status == pq.ExecStatus.COPY_IN:
            conn.put_copy_end(b"COPY FROM STDIN is not supported by the golden runner")
        elif res.status == pq.ExecStatus.COPY_OUT:
            while True:
                nbytes, data = conn.get_copy_data(0)
                if nbytes <= 0:
                    break
        results.append(res)
        if conn.status == pq.ConnStatus.BAD:
            break
    if cancelled:
        raise TimeoutError(f"statement did not finish in {timeout}s (cancelled)")
    if conn.status == pq.ConnStatus.BAD and not results:
        raise ConnectionLost((_dec(conn.error_message) or "connection lost").strip())
    return results


def run_statement(conn: pq.PGconn, stmt: str, timeout: float = STMT_TIMEOUT) -> list[str]:
    """Execute a statement and render its result lines (no echo)."""
    results = execute(conn, stmt, timeout)
    ordered = has_top_level_order_by(stmt)
    lines: list[str] = []
    for res in results:
        lines.extend(render_result(res, ordered))
    if not results:
        lines.append("NO RESULT")
    return lines


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------

def dbname_for(path: Path, prefix: str = "golden") -> str:
    p = Path(path)
    parts = [prefix, p.parent.name, p.stem]
    name = re.sub(r"[^a-z0-9_]+", "_", "_".join(parts).lower())
    return name[:63]


def fresh_database(target: Target, dbname: str) -> None:
    admin = connect(target.conninfo("postgres"))
    try:
        for sql in (f'DROP DATABASE IF EXISTS "{dbname}"', f'CREATE DATABASE "{dbname}"'):
            res = execute(admin, sql, timeout=120)
            for r in res:
                if r.status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK):
                    raise RuntimeError(f"{sql}: {' '.join(render_error(r))}")
    finally:
        admin.finish()


def drop_database(target: Target, dbname: str) -> None:
    try:
        admin = connect(target.conninfo("postgres"))
    except ConnectionLost:
        return
    try:
        execute(admin, f'DROP DATABASE IF EXISTS "{dbname}"', timeout=60)
    except Exception:
        pass
    finally:
        admin.finish()


@dataclasses.dataclass
class Block:
    kind: str                 # "stmt" | "comment"
    text: str                 # rendered block (no trailing newline)
    stmt: str = ""


def run_items(items: list[Item], conn_factory: Callable[[], pq.PGconn],
              timeout: float = STMT_TIMEOUT) -> list[Block]:
    blocks: list[Block] = []
    conn: pq.PGconn | None = None
    try:
        for it in items:
            if it.kind == "comment":
                blocks.append(Block("comment", it.text))
                continue
            echo = echo_statement(it.text)
            try:
                if conn is None:
                    conn = conn_factory()
                lines = run_statement(conn, it.text, timeout)
                if conn.status == pq.ConnStatus.BAD:
                    lines.append("CONNECTION LOST")
                    conn.finish()
                    conn = None
            except ConnectionLost as e:
                lines = [f"CONNECTION LOST: {_one_line(str(e))}"]
                if conn is not None:
                    conn.finish()
                conn = None
            except TimeoutError as e:
                lines = [f"TIMEOUT: {e}"]
                if conn is not None:
                    conn.finish()
                conn = None
            blocks.append(Block("stmt", "\n".join([echo, *lines]), it.text))
    finally:
        if conn is not None:
            conn.finish()
    return blocks


def render_blocks(blocks: list[Block]) -> str:
    out = []
    for b in blocks:
        if b.kind == "comment":
            out.append(b.text + "\n")
        else:
            out.append(b.text + "\n\n")
    return "".join(out)


def run_file(path: Path, target: Target, *, dbname: str | None = None,
             keep_db: bool = False, timeout: float = STMT_TIMEOUT) -> str:
    """Run a golden .sql file against target in a fresh database; return the output text."""
    path = Path(path)
    items = split_sql(path.read_text())
    db = dbname or dbname_for(path)
    fresh_database(target, db)
    try:
        blocks = run_items(items, lambda: connect(target.conninfo(db)), timeout)
    finally:
        if not keep_db:
            drop_database(target, db)
    return render_blocks(blocks)


def out_path(sql_path: Path) -> Path:
    return Path(sql_path).with_suffix(".out")


def statement_blocks(text: str) -> list[str]:
    """Split an output text into per-statement blocks (section comments dropped)."""
    blocks = []
    for chunk in text.split("\n\n"):
        lines = chunk.split("\n")
        while lines and (lines[0].startswith("--") or lines[0] == ""):
            lines.pop(0)
        if lines:
            blocks.append("\n".join(lines))
    return blocks


def count_statements(text: str) -> int:
    return len(statement_blocks(text))


def compare_blocks(expected: str, actual: str) -> tuple[int, int, list[int]]:
    """Per-statement comparison: (passed, total, indexes of failing statements)."""
    exp = statement_blocks(expected)
    act = statement_blocks(actual)
    # Align the two block lists (an isolation run may add or lose a completion block).
    matched: set[int] = set()
    sm = difflib.SequenceMatcher(None, exp, act, autojunk=False)
    for a, _b, size in sm.get_matching_blocks():
        matched.update(range(a, a + size))
    failing = [i for i in range(len(exp)) if i not in matched]
    return len(matched), len(exp), failing


def unified_diff(expected: str, actual: str, name: str) -> str:
    return "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), actual.splitlines(keepends=True),
        fromfile=f"{name} (expected, PostgreSQL 15)", tofile=f"{name} (actual)", n=3))


# --------------------------------------------------------------------------
# Corpus discovery
# --------------------------------------------------------------------------

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def corpus_files(root: Path = GOLDEN_DIR, *, include_pending: bool = True,
                 only_pending: bool = False) -> list[Path]:
    files = sorted(Path(root).glob("*/*.sql")) + sorted(Path(root).glob("pending/*/*.sql"))
    out = []
    seen = set()
    for f in files:
        if f in seen:
            continue
        seen.add(f)
        pending = "pending" in f.relative_to(root).parts
        if pending and not include_pending:
            continue
        if only_pending and not pending:
            continue
        out.append(f)
    return sorted(out)
