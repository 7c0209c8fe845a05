"""COPY ... FROM STDIN and COPY ... TO STDOUT: text, CSV and binary formats.

Entry point: :func:`run_copy` (called by the utility dispatcher for a COPY
statement, from a simple Query or from an extended-protocol Execute).

COPY FROM STDIN, the flow on the wire::

    client                          server
    Query "COPY t FROM STDIN"  -->
                               <--  CopyInResponse          (proto.start_copy_in())
    CopyData* (any chunking)   -->  CopyIn.feed(): parse records, insert rows
    CopyDone                   -->  CopyIn.feed() -> done   (proto.copy_in_done())
                               <--  CommandComplete "COPY n"
    (CopyFail                  -->  ERROR 57014 "COPY from stdin failed: ...")

Invariants
==========

1. While a COPY FROM is in progress the connection's state machine is in
   COPY_IN: the driver here *pulls* events from the connection
   (``conn.next_event()``) and hands them to :meth:`CopyIn.feed`.  Flush and
   Sync are dropped by the state machine (as PostgreSQL does); any other
   frontend message arrives as a ``MessageError`` (08P01 "unexpected message
   type 0x51 during COPY from stdin") and aborts the COPY.
2. Every error aborts the whole COPY (the statement's rows are rolled back
   with the statement or the transaction), carrying PostgreSQL's CONTEXT
   line: ``COPY t, line 3, column x: "..."``.  After an error the
   state machine is back in READY (or SKIPPING for extended protocol) and
   the client's remaining CopyData/CopyDone are dropped.
3. Records are parsed from bytes: UTF-8 is validated per field, a record
   may span any number of CopyData messages (and, in CSV, several lines).
4. Rows go through ``TableStore.insert`` (NOT NULL, CHECK, UNIQUE, FK),
   with column defaults (sequences included) for the columns not listed.
   A lock conflict (WouldBlock) waits for the lock and retries the row.
5. COPY TO runs the query through the normal executor, streaming one
   CopyData per row (clients such as psycopg 3 rely on that).
"""

from __future__ import annotations

import asyncio
import struct
import time

from .. import errcodes
from ..errors import PgError
from ..sql.lexer import tokens
from ..storage.locks import WouldBlock
from ..wire import protocol as P

BINARY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
MAX_DISPLAY = 100  # PostgreSQL's MAX_COPY_DATA_DISPLAY


# ====================================================================== statement


class CopyStmt:
    def __init__(self):
        self.table = None  # (schema, name)
        self.columns = None  # list of names or None
        self.query = None  # SQL text of COPY (query) TO
        self.is_from = True
        self.target = "stdin"  # stdin | stdout | file | program
        self.where = None
        self.format = "text"
        self.freeze = False
        self.delimiter = None
        self.null = None
        self.header = False  # False | True | "match"
        self.quote = None
        self.escape = None
        self.force_quote = None  # list | "*" | None
        self.force_not_null = None
        self.force_null = None
        self.encoding = None
        self._seen = set()


def _err(msg, code=errcodes.SYNTAX_ERROR, **kw):
    return PgError(msg, code, **kw)


class _Toks:
    def __init__(self, sql):
        self.sql = sql
        self.toks = [t for t in tokens(sql) if t[0] != "semi"]
        self.i = 0

    def peek(self, off=0):
        j = self.i + off
        return self.toks[j] if j < len(self.toks) else (None, None, len(self.sql))

    def word(self, off=0):
        k, t, _ = self.peek(off)
        return t.upper() if k == "word" else None

    def next(self):
        t = self.peek()
        self.i += 1
        return t

    def accept(self, *words):
        if self.word() in words:
            self.i += 1
            return True
        return False

    def accept_op(self, op):
        k, t, _ = self.peek()
        if k in ("op", "other") and t == op:
            self.i += 1
            return True
        return False

    def error(self):
        k, t, p = self.peek()
        if k is None:
            return _err("syntax error at end of input", position=len(self.sql) + 1)
        return _err(f'syntax error at or near "{t}"', position=p + 1)

    def expect_op(self, op):
        if not self.accept_op(op):
            raise self.error()

    def ident(self):
        k, t, _ = self.peek()
        if k == "word":
            self.i += 1
            return t.lower()
        if k == "ident":
            self.i += 1
            return t[1:-1].replace('""', '"')
        raise self.error()

    def string(self):
        k, t, _ = self.peek()
        if k == "str":
            self.i += 1
            return t[1:-1].replace("''", "'")
        if k == "estr":
            self.i += 1
            from ..sql.literals import decode_estring

            return decode_estring(t[2:-1])
        if k == "dstr":
            self.i += 1
            tag_end = t.index("$", 1) + 1
            return t[tag_end:-tag_end]
        raise self.error()

    def at_end(self):
        return self.i >= len(self.toks)


def parse_copy(sql: str) -> CopyStmt:
    """Parse COPY in both the option-list syntax and the pre-9.0 syntax."""
    t = _Toks(sql)
    st = CopyStmt()
    if t.word() != "COPY":
        raise t.error()
    t.next()
    if t.accept("BINARY"):  # pre-7.3 syntax: COPY BINARY t ...
        _set_opt(st, "format", "binary", None, sql)
    if t.accept_op("("):
        depth = 1
        start = t.peek()[2]
        while True:
            k, tx, p = t.next()
            if k is None:
                raise _err("syntax error at end of input", position=len(sql) + 1)
            if k in ("op", "other") and tx == "(":
                depth += 1
            elif k in ("op", "other") and tx == ")":
                depth -= 1
                if depth == 0:
                    st.query = sql[start:p].strip()
                    break
    else:
        a = t.ident()
        if t.accept_op("."):
            st.table = (a, t.ident())
        else:
            st.table = (None, a)
        if t.accept_op("("):
            st.columns = [t.ident()]
            while t.accept_op(","):
                st.columns.append(t.ident())
            t.expect_op(")")
    w = t.word()
    if w == "FROM":
        st.is_from = True
    elif w == "TO":
        st.is_from = False
    else:
        raise t.error()
    t.next()
    if st.query is not None and st.is_from:
        k, tx, p = t.toks[t.i - 1]
        raise _err('syntax error at or near "FROM"', position=p + 1)
    if t.accept("STDIN"):
        st.target = "stdin"
    elif t.accept("STDOUT"):
        st.target = "stdout"
    elif t.accept("PROGRAM"):
        t.string()
        st.target = "program"
    elif t.peek()[0] in ("str", "estr", "dstr"):
        st.filename = t.string()
        st.target = "file"
    else:
        raise t.error()
    if (st.target == "stdin" and not st.is_from) or (st.target == "stdout" and st.is_from):
        raise t.error() if False else _err(
            f'syntax error at or near "{st.target.upper()}"')
    # [USING] DELIMITERS 'x' (pre-7.3)
    if t.accept("USING"):
        if t.word() != "DELIMITERS":
            raise t.error()
    if t.accept("DELIMITERS"):
        _set_opt(st, "delimiter", t.string(), None, sql)
    t.accept("WITH")
    if t.accept_op("("):
        _option_list(t, st)
    else:
        _legacy_options(t, st)
    if t.accept("WHERE"):
        if not st.is_from:
            raise _err("WHERE clause not allowed with COPY TO", errcodes.FEATURE_NOT_SUPPORTED,
                       position=t.toks[t.i - 1][2] + 1)
        st.where = t.sql[t.peek()[2]:].strip() if not t.at_end() else None
        if not st.where:
            raise _err("syntax error at end of input", position=len(sql) + 1)
        t.i = len(t.toks)
    if not t.at_end():
        raise t.error()
    _validate(st)
    return st


def _option_list(t: _Toks, st: CopyStmt) -> None:
    while True:
        k, tx, p = t.peek()
        if k not in ("word", "ident"):
            raise t.error()
        name = t.ident()
        val = None
        k2, tx2, _ = t.peek()
        if k2 in ("op", "other") and tx2 == "(":
            t.next()
            val = [t.ident()]
            while t.accept_op(","):
                val.append(t.ident())
            t.expect_op(")")
        elif k2 in ("op", "other") and tx2 == "*":
            t.next()
            val = "*"
        elif k2 in ("str", "estr", "dstr"):
            val = t.string()
        elif k2 == "num":
            val = t.next()[1]
        elif k2 in ("word", "ident"):
            val = t.ident()
        _set_opt(st, name, val, p, t.sql)
        if t.accept_op(","):
            continue
        t.expect_op(")")
        return


def _legacy_options(t: _Toks, st: CopyStmt) -> None:
    while not t.at_end() and t.word() not in ("WHERE", None):
        w = t.word()
        p = t.peek()[2]
        t.next()
        if w == "BINARY":
            _set_opt(st, "format", "binary", p, t.sql)
        elif w == "CSV":
            _set_opt(st, "format", "csv", p, t.sql)
        elif w == "HEADER":
            _set_opt(st, "header", "true", p, t.sql)
        elif w == "FREEZE":
            _set_opt(st, "freeze", "true", p, t.sql)
        elif w == "OIDS":
            raise _err("COPY with OIDS is not supported", errcodes.FEATURE_NOT_SUPPORTED)
        elif w in ("DELIMITER", "NULL", "QUOTE", "ESCAPE", "ENCODING"):
            t.accept("AS")
            _set_opt(st, w.lower(), t.string(), p, t.sql)
        elif w == "FORCE":
            if t.accept("QUOTE"):
                if t.accept_op("*"):
                    _set_opt(st, "force_quote", "*", p, t.sql)
                    continue
                name = "force_quote"
            elif t.accept("NOT"):
                if not t.accept("NULL"):
                    raise t.error()
                name = "force_not_null"
            elif t.accept("NULL"):
                name = "force_null"
            else:
                raise t.error()
            cols = [t.ident()]
            while t.accept_op(","):
                cols.append(t.ident())
            _set_opt(st, name, cols, p, t.sql)
        else:
            t.i -= 1
            raise t.error()


def _bool(name, val):
    if val is None:
        return True
    v = str(val).lower()
    if v in ("true", "on", "1", "yes", "t", "y"):
        return True
    if v in ("false", "off", "0", "no", "f", "n"):
        return False
    raise PgError(f"{name} requires a Boolean value", errcodes.SYNTAX_ERROR)


def _set_opt(st: CopyStmt, name: str, val, pos, sql) -> None:
    position = pos + 1 if pos is not None else None
    if name in st._seen:
        raise _err("conflicting or redundant options", position=position)
    st._seen.add(name)
    if name == "format":
        v = str(val).lower() if val is not None else ""
        if v not in ("text", "csv", "binary"):
            raise _err(f'COPY format "{val}" not recognized', errcodes.INVALID_PARAMETER_VALUE, position=position)
        st.format = v
    elif name == "freeze":
        st.freeze = _bool(name, val)
    elif name in ("delimiter", "null", "quote", "escape", "encoding"):
        if val is None or isinstance(val, list):
            raise _err(f"{name} requires a string value" if name != "null" else "null requires a string value")
        setattr(st, name, str(val))
    elif name == "header":
        if val is not None and str(val).lower() == "match":
            st.header = "match"
        else:
            st.header = _bool(name, val)
    elif name in ("force_quote", "force_not_null", "force_null"):
        if val is None or (isinstance(val, str) and (val != "*" or name != "force_quote")):
            raise _err(f'argument to option "{name}" must be a list of column names',
                       position=position)
        setattr(st, name, val)
    else:
        raise _err(f'option "{name}" not recognized', position=position)


def _validate(st: CopyStmt) -> None:
    binary = st.format == "binary"
    csv = st.format == "csv"
    if binary and st.delimiter is not None:
        raise _err("cannot specify DELIMITER in BINARY mode")
    if binary and st.null is not None:
        raise _err("cannot specify NULL in BINARY mode")
    if binary and st.header:
        raise _err("cannot specify HEADER in BINARY mode", errcodes.FEATURE_NOT_SUPPORTED)
    if st.delimiter is None:
        st.delimiter = "," if csv else "\t"
    if st.null is None:
        st.null = "" if csv else "\\N"
    if csv:
        if st.quote is None:
            st.quote = '"'
        if st.escape is None:
            st.escape = st.quote
    if len(st.delimiter.encode()) != 1:
        raise _err("COPY delimiter must be a single one-byte character", errcodes.FEATURE_NOT_SUPPORTED)
    if st.delimiter in "\r\n":
        raise _err("COPY delimiter cannot be newline or carriage return", errcodes.INVALID_PARAMETER_VALUE)
    if "\r" in st.null or "\n" in st.null:
        raise _err("COPY null representation cannot use newline or carriage return",
                   errcodes.INVALID_PARAMETER_VALUE)
    if not csv and not binary and st.delimiter in "\\.abcdefghijklmnopqrstuvwxyz0123456789":
        raise _err(f'COPY delimiter cannot be "{st.delimiter}"', errcodes.INVALID_PARAMETER_VALUE)
    if st.header == "match" and not st.is_from:
        raise _err('cannot use "match" with HEADER in COPY TO', errcodes.FEATURE_NOT_SUPPORTED)
    if not csv and st.quote is not None:
        raise _err("COPY quote available only in CSV mode", errcodes.FEATURE_NOT_SUPPORTED)
    if csv and len(st.quote.encode()) != 1:
        raise _err("COPY quote must be a single one-byte character", errcodes.FEATURE_NOT_SUPPORTED)
    if csv and st.delimiter == st.quote:
        raise _err("COPY delimiter and quote must be different", errcodes.INVALID_PARAMETER_VALUE)
    if not csv and st.escape is not None:
        raise _err("COPY escape available only in CSV mode", errcodes.FEATURE_NOT_SUPPORTED)
    if csv and len(st.escape.encode()) != 1:
        raise _err("COPY escape must be a single one-byte character", errcodes.FEATURE_NOT_SUPPORTED)
    if st.force_quote is not None and not csv:
        raise _err("COPY force quote available only in CSV mode", errcodes.FEATURE_NOT_SUPPORTED)
    if st.force_quote is not None and st.is_from:
        raise _err("COPY force quote only available using COPY TO", errcodes.FEATURE_NOT_SUPPORTED)
    for opt, label in (("force_not_null", "force not null"), ("force_null", "force null")):
        if getattr(st, opt) is not None and not csv:
            raise _err(f"COPY {label} available only in CSV mode", errcodes.FEATURE_NOT_SUPPORTED)
        if getattr(st, opt) is not None and not st.is_from:
            raise _err(f"COPY {label} only available using COPY FROM", errcodes.FEATURE_NOT_SUPPORTED)
    if not binary and st.delimiter in st.null:
        raise _err("COPY delimiter must not appear in the NULL specification", errcodes.INVALID_PARAMETER_VALUE)
    if csv and st.quote in st.null:
        raise _err("CSV quote character must not appear in the NULL specification",
                   errcodes.INVALID_PARAMETER_VALUE)
    if st.encoding is not None and st.encoding.upper().replace("-", "").replace("_", "") not in (
            "UTF8", "UNICODE", "SQLASCII"):
        raise _err('argument to option "encoding" must be a valid encoding name',
                   errcodes.INVALID_PARAMETER_VALUE)


# ====================================================================== entry point


async def run_copy(session, sql: str) -> None:
    st = parse_copy(sql)
    if st.target in ("file", "program"):
        what = "from a file" if st.target == "file" else "to or from an external program"
        raise PgError(f"COPY {what} is not supported by heliosd", errcodes.FEATURE_NOT_SUPPORTED,
                      hint="COPY FROM STDIN and COPY TO STDOUT work; with psql use \\copy.")
    if st.is_from:
        await _copy_from(session, st)
    else:
        await _copy_to(session, st)


def _display(raw) -> str:
    """A value or line as PostgreSQL shows it in CONTEXT (at most 100 bytes)."""
    if isinstance(raw, (bytes, bytearray)):
        b = bytes(raw)
        if len(b) > MAX_DISPLAY:
            return b[:MAX_DISPLAY].decode("utf-8", "ignore") + "..."
        return b.decode("utf-8", "replace")
    s = str(raw)
    if len(s.encode()) > MAX_DISPLAY:
        return s.encode()[:MAX_DISPLAY].decode("utf-8", "ignore") + "..."
    return s


def _check(session, cat, rel, letters: str) -> None:
    """Table privileges (heliosd.session.access): SELECT for COPY TO, INSERT for COPY FROM."""
    if hasattr(rel, "acl"):
        from .access import check

        check(session, session.txn, cat, [(rel, letters, None)])


async def _branch_write_lock(s) -> None:
    """COPY FROM writes to the branch: hold its write lock in SHARE mode
    (session.branch_write_lock), waiting while a fork of it is in progress."""
    from ..exec.context import ExecContext
    from ..storage.locks import SHARE
    from .session import branch_write_lock

    while True:
        try:
            s.txn.lock(branch_write_lock(s.branch_id), SHARE)
            return
        except WouldBlock as wb:
            await s._wait_lock(wb.waiter, ExecContext(s.txn, s.branch_id, None, None, session=s))


def _lookup_table(session, cat, st: CopyStmt):
    from ..sql.analyze import Analyzer

    schema, name = st.table
    an = Analyzer(session.env_for(cat))
    return an.lookup_relation(name, schema)


# ====================================================================== COPY TO


def _quoted(name: str) -> str:
    # always quoted: unreserved keywords (insert, name...) are column names PostgreSQL accepts
    # bare, but the SELECT built below goes through sqlglot, which does not
    return '"' + name.replace('"', '""') + '"'


async def _copy_to(s, st: CopyStmt) -> None:
    quote_ident = _quoted

    if st.query is not None:
        p = s.prepare(st.query, [])
        if p.kind == "dml" and p.columns is None:
            raise PgError("COPY query must have a RETURNING clause", errcodes.FEATURE_NOT_SUPPORTED)
        if p.kind not in ("query", "dml") or p.columns is None:
            raise PgError("COPY (query) TO is only supported for SELECT, VALUES, and DML with RETURNING",
                          errcodes.FEATURE_NOT_SUPPORTED)
    else:
        cat = s.catalog()
        rel = _lookup_table(s, cat, st)
        kind = getattr(rel, "kind", "r")
        if kind == "v":
            raise PgError(f'cannot copy from view "{rel.name}"', errcodes.WRONG_OBJECT_TYPE,
                          hint="Try the COPY (SELECT ...) TO variant.")
        if kind == "S":
            raise PgError(f'cannot copy from sequence "{rel.name}"', errcodes.WRONG_OBJECT_TYPE)
        _check(s, cat, rel, "r")
        names = [c.name for c in getattr(rel, "live_columns", [])] if hasattr(rel, "live_columns") else None
        if st.columns is not None:
            if names is not None:
                for c in st.columns:
                    if c not in names:
                        raise PgError(f'column "{c}" of relation "{rel.name}" does not exist',
                                      errcodes.UNDEFINED_COLUMN)
            seen = set()
            for c in st.columns:
                if c in seen:
                    raise PgError(f'column "{c}" specified more than once', errcodes.DUPLICATE_COLUMN)
                seen.add(c)
            cols_sql = ", ".join(quote_ident(c) for c in st.columns)
        else:
            cols_sql = "*"
        schema, name = st.table
        tname = (quote_ident(schema) + "." if schema else "") + quote_ident(name)
        p = s.prepare(f"SELECT {cols_sql} FROM {tname}", [])
    cols = p.columns
    binary = st.format == "binary"
    fmt_row = _row_formatter(s, st, cols)
    out = s.out
    out.append(P.copy_out_response(len(cols), binary))
    if binary:
        # PostgreSQL sends the file header in the same CopyData as the first
        # row (psycopg 3 relies on it), or with the trailer when there are none
        header = [BINARY_SIGNATURE + b"\x00\x00\x00\x00\x00\x00\x00\x00"]
        fmt_one = fmt_row

        def fmt_row(r):
            if header:
                return header.pop() + fmt_one(r)
            return fmt_one(r)
    codec = s.client_codec()
    if codec is not None and not binary:
        # text and CSV data go out in client_encoding (22P05 for a character it lacks)
        fmt_utf8 = fmt_row

        def fmt_row(r):
            return codec.encode(fmt_utf8(r).decode("utf-8", "surrogatepass"))
    if st.header and not binary:
        line = _header_line(st, [c.name for c in cols])
        out.append(P.copy_data(codec.encode(line.decode("utf-8")) if codec is not None else line))
    cd = P.copy_data
    n = 0
    if p.can_block or p.kind != "query":
        rows = await s._execute(p, [], stream=False)
        for r in rows:
            out.append(cd(fmt_row(r)))
            if len(out) > 512:
                await s.flush()
        n = len(rows)
    else:
        n = await _stream_query(s, p, lambda batch: out.extend(cd(fmt_row(r)) for r in batch))
    if binary:
        out.append(P.copy_data((header.pop() if header else b"") + b"\xff\xff"))
    out.append(P.COPY_DONE)
    out.append(P.command_complete(f"COPY {n}"))


async def _stream_query(s, p, sink) -> int:
    """Run a read-only query, handing batches of rows to ``sink`` as they come."""
    txn = s.txn
    phys = p.get_physical()
    txn.new_statement()
    ctx = s._new_ctx(p, [])
    s.current_ctx = ctx
    n = 0
    from ..exec import runtime

    try:
        gen = phys.root.run(ctx)
        last = time.monotonic()
        while True:
            s.bind_runtime(ctx, phys)
            try:
                batch = next(gen)
            except StopIteration:
                break
            if batch:
                n += len(batch)
                sink(batch)
                if len(s.out) > 512:
                    await s.flush()
            now = time.monotonic()
            if now - last > 0.01:
                ctx.check()
                await asyncio.sleep(0)
                last = time.monotonic()
        ctx.check()
    finally:
        runtime.state.ctx = None
        s._flush_notices(ctx)
        s.current_ctx = None
    return n


def _header_line(st: CopyStmt, names) -> bytes:
    if st.format == "csv":
        return (st.delimiter.join(_csv_quote(n, st, False) for n in names) + "\n").encode()
    return (st.delimiter.join(_text_escape(n, st.delimiter) for n in names) + "\n").encode()


_TEXT_ESC = {"\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def _text_escape(v: str, delim: str) -> str:
    if not any(c in v for c in "\\\b\f\n\r\t\v") and delim not in v:
        return v
    out = []
    for c in v:
        e = _TEXT_ESC.get(c)
        if e is not None:
            out.append(e)
        elif c == delim:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def _csv_quote(v: str, st: CopyStmt, force: bool, single: bool = False) -> str:
    q = st.quote
    e = st.escape
    # "\." alone on a line would read back as the end-of-data marker
    need = force or v == st.null or st.delimiter in v or q in v or "\n" in v or "\r" in v or (
        single and v == "\\.")
    if not need:
        return v
    if q in v or (e != q and e in v):
        buf = []
        for c in v:
            if c == q or c == e:
                buf.append(e)
            buf.append(c)
        v = "".join(buf)
    return q + v + q


def _row_formatter(s, st: CopyStmt, cols):
    if st.format == "binary":
        outs = [c.type.binary_out for c in cols]
        pk_h = struct.Struct("!h").pack
        pk_i = struct.Struct("!i").pack
        ncols = pk_h(len(cols))

        def fmt_binary(row):
            parts = [ncols]
            for f, v in zip(outs, row):
                if v is None:
                    parts.append(b"\xff\xff\xff\xff")
                else:
                    b = f(v)
                    parts.append(pk_i(len(b)))
                    parts.append(b)
            return b"".join(parts)

        return fmt_binary
    tz = s.tz()
    efd = int(s.get_guc("extra_float_digits"))
    bo = s.get_guc("bytea_output")
    ist = s.get_guc("IntervalStyle")
    outs = [c.type.text_out_for(tz, efd, bo, ist) for c in cols]
    delim = st.delimiter
    null = st.null
    if st.format == "csv":
        fq = st.force_quote
        names = [c.name for c in cols]
        if fq == "*":
            force = [True] * len(cols)
        elif fq:
            for n in fq:
                if n not in names:
                    raise PgError(f'FORCE_QUOTE column "{n}" not referenced by COPY', errcodes.INVALID_COLUMN_REFERENCE)
            force = [n in fq for n in names]
        else:
            force = [False] * len(cols)

        single = len(cols) == 1

        def fmt_csv(row):
            return (delim.join(null if v is None else _csv_quote(f(v), st, fo, single)
                               for f, v, fo in zip(outs, row, force)) + "\n").encode("utf-8", "surrogatepass")

        return fmt_csv

    def fmt_text(row):
        return (delim.join(null if v is None else _text_escape(f(v), delim)
                           for f, v in zip(outs, row)) + "\n").encode("utf-8", "surrogatepass")

    return fmt_text


# ====================================================================== COPY FROM


async def _copy_from(s, st: CopyStmt) -> None:
    conn = s.conn
    if conn is None or not hasattr(conn, "next_event"):
        raise PgError("COPY FROM STDIN is not supported on this connection", errcodes.FEATURE_NOT_SUPPORTED)
    if s.txn.read_only:
        raise PgError("cannot execute COPY FROM in a read-only transaction", errcodes.READ_ONLY_SQL_TRANSACTION)
    cat = s.catalog()
    rel = _lookup_table(s, cat, st)
    kind = getattr(rel, "kind", None)
    if kind != "r":
        what = {"v": "view", "S": "sequence", "m": "materialized view"}.get(kind, "non-table relation")
        raise PgError(f'cannot copy to {what} "{rel.name}"', errcodes.WRONG_OBJECT_TYPE)
    _check(s, cat, rel, "a")
    await _branch_write_lock(s)
    store = s.table_store(rel, cat)
    ci = CopyIn(s, st, rel, store, cat)
    s.out.append(P.copy_in_response(len(ci.targets), st.format == "binary"))
    conn.proto.start_copy_in()
    s.copy_in = ci
    s.current_ctx = ci.ctx
    try:
        await conn.flush()
        while True:
            ev = await conn.next_event()
            try:
                done = ci.feed(ev)
            except _Desync as d:
                # another message arrived in the middle of the COPY data.  Like
                # PostgreSQL: report it, then end the connection (its framing can
                # no longer be trusted)
                err = d.error
                err.where = f"COPY {rel.name}, line {ci.lineno + 1}"
                s._send_error(err)
                conn.write_out()
                conn.fatal(PgError("terminating connection because protocol synchronization was lost",
                                   errcodes.PROTOCOL_VIOLATION))
                raise err from None
            except WouldBlock as wb:
                done = False
                while True:
                    ci.ctx.txn.new_statement()
                    await s._wait_lock(wb.waiter, ci.ctx)
                    try:
                        done = ci.resume()
                        break
                    except WouldBlock as wb2:
                        wb = wb2
            if done:
                break
            ci.ctx.check()
            if ci.since_yield > 5000:
                ci.since_yield = 0
                await asyncio.sleep(0)
    finally:
        conn.proto.copy_in_done()
        s.copy_in = None
        s.current_ctx = None
        from ..exec import runtime

        runtime.state.ctx = None
        s._flush_notices(ci.ctx)
    s.out.append(P.command_complete(f"COPY {ci.count}"))


class _Desync(Exception):
    def __init__(self, error):
        super().__init__(error.message)
        self.error = error


class CopyIn:
    """Consumes COPY FROM STDIN events: parses records and inserts rows.

    ``feed(event) -> bool`` returns True at CopyDone; raises PgError (with
    CONTEXT) on bad data, CopyFail or a protocol violation, and WouldBlock
    on a lock conflict (the driver waits and calls ``resume``)."""

    def __init__(self, s, st: CopyStmt, rel, store, cat):
        from ..exec.expr import compile_expr
        from ..sql.analyze import Analyzer
        from ..sql.dml import default_expr
        from ..exec import expr as E

        self.s = s
        self.st = st
        self.rel = rel
        self.store = store
        codec = s.client_codec()
        self.decoder = None  # client_encoding -> UTF-8 for text/CSV data
        if codec is not None and st.format != "binary":
            import codecs

            self.decoder = codecs.getincrementaldecoder(codec.py)()
            self.codec_name = codec.name
        live = rel.live_columns
        names = [c.name for c in live]
        if st.columns is None:
            targets = list(live)
        else:
            targets = []
            for n in st.columns:
                c = rel.column(n) if hasattr(rel, "column") else None
                if c is None or c not in live:
                    raise PgError(f'column "{n}" of relation "{rel.name}" does not exist', errcodes.UNDEFINED_COLUMN)
                if c in targets:
                    raise PgError(f'column "{n}" specified more than once', errcodes.DUPLICATE_COLUMN)
                targets.append(c)
        self.targets = targets
        self.ctx = s._new_ctx(None, [])
        s.bind_runtime(self.ctx)
        # row template: position of each target in the live row; defaults for the rest
        pos = {c.attnum: i for i, c in enumerate(live)}
        self.tpos = [pos[c.attnum] for c in targets]
        an = Analyzer(s.env_for(cat))
        consts = [None] * len(live)
        volatile = []
        tset = {c.attnum for c in targets}
        for i, c in enumerate(live):
            if c.attnum in tset:
                continue
            e = default_expr(an, c, rel)
            if isinstance(e, E.Const):
                consts[i] = e.value
            else:
                volatile.append((i, compile_expr(e)))
        self.template = consts
        self.volatile = volatile
        self.identity = len(targets) == len(live) and self.tpos == list(range(len(live))) and not volatile
        tz = s.tz()
        self.tz = tz
        self.in_funcs = [c.type.text_in for c in targets]
        self.typmods = [c.typmod if c.typmod is not None else -1 for c in targets]
        self.bin_funcs = [c.type.binary_in for c in targets]
        self.col_names = [c.name for c in targets]
        self.type_names = [c.type.sql_name for c in targets]
        self.where = None
        if st.where:
            from .session import SessionCompiler

            self.where = SessionCompiler(s, cat).predicate_check(st.where, rel)
        # format state
        self.format = st.format
        self.buf = bytearray()
        self.pos = 0
        self.lineno = 0
        self.count = 0
        self.since_yield = 0
        self.pending: list = []  # (lineno, line bytes, row) waiting to be inserted
        self.eof_marker = False
        self.header_pending = bool(st.header)
        self.binary_header_done = False
        self.binary_trailer = False
        self.delim = st.delimiter.encode()
        self.null = st.null.encode()
        self.crlf = None
        self._carry = None  # text format: a line whose newline was escaped, waiting for the rest
        if st.format == "csv":
            self.quote = st.quote.encode()
            self.escape = st.escape.encode()
            fnn = set(st.force_not_null or [])
            fn_ = set(st.force_null or [])
            for label, cols in (("FORCE_NOT_NULL", fnn), ("FORCE_NULL", fn_)):
                for n in cols:
                    if n not in self.col_names:
                        raise PgError(f'{label} column "{n}" not referenced by COPY', errcodes.INVALID_COLUMN_REFERENCE)
            self.force_not_null = [n in fnn for n in self.col_names]
            self.force_null = [n in fn_ for n in self.col_names]
        _ = names

    def _from_client(self, data: bytes, final: bool) -> bytes:
        """Text/CSV data in client_encoding -> UTF-8 (characters may span CopyData messages)."""
        try:
            return self.decoder.decode(data, final).encode("utf-8")
        except UnicodeDecodeError as e:
            err = self.s.client_codec().decode_error(e.object, e.start)
            err.where = self._context(self.lineno + 1)
            raise err from None

    # ---------------------------------------------------------------- events
    def feed(self, ev) -> bool:
        # other sessions ran between CopyData messages: input functions (reg* types) and
        # defaults must see this session's state
        self.s.bind_runtime(self.ctx)
        if self.pending:
            self._insert_pending()
        t = type(ev)
        if t is P.CopyData:
            if self.eof_marker or self.binary_trailer:
                if self.binary_trailer and ev.data:
                    raise PgError("received copy data after EOF marker", errcodes.BAD_COPY_FILE_FORMAT)
                return False
            data = ev.data
            if self.decoder is not None:
                data = self._from_client(data, False)
            self.buf += data
            self._parse(final=False)
            self._insert_pending()
            return False
        if t is P.CopyDone:
            if not self.eof_marker and not self.binary_trailer:
                if self.decoder is not None:
                    self.buf += self._from_client(b"", True)
                self._parse(final=True)
                self._insert_pending()
            return True
        if t is P.CopyFail:
            raise PgError(f"COPY from stdin failed: {ev.message}", errcodes.QUERY_CANCELED)
        if t is P.MessageError:
            raise _Desync(ev.error)
        if ev is None:
            raise PgError("unexpected EOF on client connection with an open transaction",
                          errcodes.CONNECTION_FAILURE)
        if t is P.Terminate:
            raise PgError("terminating connection because the client ended it during COPY",
                          errcodes.CONNECTION_FAILURE)
        if t is P.Violation:
            raise ev.error
        raise PgError(f"unexpected message during COPY from stdin: {t.__name__}", errcodes.PROTOCOL_VIOLATION)

    def resume(self) -> bool:
        self._insert_pending()
        return False

    # ---------------------------------------------------------------- inserting
    def _context(self, lineno, line=None, col=None, value=None) -> str:
        w = f"COPY {self.rel.name}, line {lineno}"
        if col is not None:
            w += f", column {col}"
            if value is not None:
                w += f": \"{_display(value)}\""
            return w
        if line is not None:
            w += f": \"{_display(line)}\""
        return w

    def _insert_pending(self) -> None:
        s = self.s
        ctx = self.ctx
        txn = ctx.txn
        bid = ctx.bid
        store = self.store
        where = self.where
        pend = self.pending
        i = 0
        s.bind_runtime(ctx)
        try:
            for i, (lineno, line, row) in enumerate(pend):
                if where is not None:
                    try:
                        ok = where(row)
                    except PgError as e:
                        if e.where is None:
                            e.where = self._context(lineno, line)
                        raise
                    if ok is not True:
                        continue
                try:
                    store.insert(txn, bid, row, ctx)
                except PgError as e:
                    if e.where is None:
                        if e.code in (errcodes.UNIQUE_VIOLATION, errcodes.FOREIGN_KEY_VIOLATION,
                                      errcodes.EXCLUSION_VIOLATION):
                            e.where = self._context(lineno)
                        else:
                            e.where = self._context(lineno, line)
                    raise
                self.count += 1
            i = len(pend)
        finally:
            # rows before i are in; on WouldBlock the row at i is retried
            del pend[:i]
        self.since_yield += i

    def _make_row(self, vals):
        if self.identity:
            row = vals
        else:
            row = list(self.template)
            for p, v in zip(self.tpos, vals):
                row[p] = v
        if self.volatile:
            if not isinstance(row, list):
                row = list(row)
            for p, f in self.volatile:
                row[p] = f(())
        return tuple(row)

    # ---------------------------------------------------------------- parsing
    def _parse(self, final: bool) -> None:
        if self.format == "binary":
            self._parse_binary(final)
        elif self.format == "csv":
            self._parse_csv(final)
        else:
            self._parse_text(final)
        if self.pos > 65536:
            del self.buf[:self.pos]
            self.pos = 0

    def _lines(self, final: bool):
        """Every complete line now buffered (without EOL), counting line numbers;
        at the end of the data, the unterminated tail too."""
        buf = self.buf
        end = buf.rfind(b"\n", self.pos)
        if end < 0:
            if not (final and self.pos < len(buf)):
                if final and self._carry is not None:
                    self.lineno += 1
                    line, self._carry = self._carry, None
                    yield line + b"\n"
                return
            lines = [bytes(buf[self.pos:])]
            tail = 0  # index of an unterminated last line
            self.pos = len(buf)
        else:
            lines = bytes(buf[self.pos:end]).split(b"\n")
            tail = -1
            self.pos = end + 1
            if final and self.pos < len(buf):
                lines.append(bytes(buf[self.pos:]))
                tail = len(lines) - 1
                self.pos = len(buf)
        if self.crlf is None:
            self.crlf = lines[0].endswith(b"\r")
        crlf = self.crlf
        carry = self._carry
        for i, line in enumerate(lines):
            if crlf and line.endswith(b"\r"):
                line = line[:-1]
            if carry is not None:
                line = carry + b"\n" + line
                carry = None
            if i != tail and line.endswith(b"\\") and (len(line) - len(line.rstrip(b"\\"))) % 2 == 1:
                # a backslash escapes the newline: the field goes on on the next line
                carry = line
                continue
            self.lineno += 1
            yield line
            if self.eof_marker:
                break
        if final and carry is not None and not self.eof_marker:
            self.lineno += 1
            yield carry + b"\n"  # the data ended right after an escaped newline
            carry = None
        self._carry = carry

    def _next_line(self, final: bool):
        """The next complete line (without its EOL), or None."""
        buf = self.buf
        i = buf.find(b"\n", self.pos)
        if i < 0:
            if final and self.pos < len(buf):
                line = bytes(buf[self.pos:])
                self.pos = len(buf)
            else:
                return None
        else:
            line = bytes(buf[self.pos:i])
            self.pos = i + 1
        if self.crlf is None:
            self.crlf = line.endswith(b"\r")
        if self.crlf and line.endswith(b"\r"):
            line = line[:-1]
        self.lineno += 1
        return line

    def _decode_fields(self, fields, lineno):
        """bytes fields -> str (UTF-8 validated, 22021 with the line's CONTEXT)."""
        out = []
        for f in fields:
            if f is None:
                out.append(None)
                continue
            try:
                out.append(f.decode("utf-8"))
            except UnicodeDecodeError as e:
                err = P.invalid_utf8(f, e.start)
                err.where = self._context(lineno)
                raise err from None
        return out

    def _convert(self, fields, lineno, line):
        """Text fields (None = NULL) -> typed values, with PostgreSQL's errors."""
        n = len(self.targets)
        if len(fields) != n:
            if len(fields) > n:
                if n == 0 and fields == [""]:
                    return ()
                raise PgError("extra data after last expected column", errcodes.BAD_COPY_FILE_FORMAT,
                              where=self._context(lineno, line))
            raise PgError(f'missing data for column "{self.col_names[len(fields)]}"', errcodes.BAD_COPY_FILE_FORMAT,
                          where=self._context(lineno, line))
        tz = self.tz
        try:
            return [None if f is None else fn(f, tm, tz) for fn, tm, f in zip(self.in_funcs, self.typmods, fields)]
        except Exception:
            pass
        # a field failed: find it and report it as PostgreSQL does
        out = []
        for i, (f, text) in enumerate(zip(self.in_funcs, fields)):
            if text is None:
                out.append(None)
                continue
            try:
                out.append(f(text, self.typmods[i], tz))
            except PgError as e:
                if e.where is None:
                    e.where = self._context(lineno, col=self.col_names[i], value=text)
                raise
            except Exception:
                raise PgError(f'invalid input syntax for type {self.type_names[i]}: "{text}"',
                              errcodes.INVALID_TEXT_REPRESENTATION,
                              where=self._context(lineno, col=self.col_names[i], value=text)) from None
        return out

    def _check_header(self, fields, lineno, line):
        if self.st.header != "match":
            return
        names = list(fields)
        if len(names) != len(self.col_names):
            raise PgError(f"wrong number of fields in header line: got {len(names)}, expected {len(self.col_names)}",
                          errcodes.BAD_COPY_FILE_FORMAT, where=self._context(lineno, line))
        for i, (got, exp) in enumerate(zip(names, self.col_names)):
            if got is None:
                raise PgError(f'column name mismatch in header line field {i + 1}: got null value ("{self.st.null}"), '
                              f'expected "{exp}"', errcodes.BAD_COPY_FILE_FORMAT, where=self._context(lineno, line))
            if got != exp:
                raise PgError(f'column name mismatch in header line field {i + 1}: got "{got}", expected "{exp}"',
                              errcodes.BAD_COPY_FILE_FORMAT, where=self._context(lineno, line))

    # text ----------------------------------------------------------------
    def _parse_text(self, final: bool) -> None:
        delim = self.delim
        null = self.null
        delim_s = self.st.delimiter
        null_s = self.st.null
        pend = self.pending
        for line in self._lines(final):
            if line == b"\\.":
                self.eof_marker = True
                return
            if b"\\" in line:
                fields = self._decode_fields(_split_text_escaped(line, delim, null, self.lineno, self), self.lineno)
            else:
                try:
                    text = line.decode("utf-8")
                except UnicodeDecodeError as e:
                    err = P.invalid_utf8(line, e.start)
                    err.where = self._context(self.lineno)
                    raise err from None
                fields = text.split(delim_s)
                if null_s in fields or not null_s:
                    fields = [None if f == null_s else f for f in fields]
            if self.header_pending:
                self.header_pending = False
                self._check_header(fields, self.lineno, line)
                continue
            vals = self._convert(fields, self.lineno, line)
            pend.append((self.lineno, line, self._make_row(vals)))

    # csv -----------------------------------------------------------------
    def _parse_csv(self, final: bool) -> None:
        pend = self.pending
        q = self.quote
        while not self.eof_marker:
            start_pos = self.pos
            start_line = self.lineno
            line = self._next_line(final)
            if line is None:
                return
            if line == b"\\.":
                self.eof_marker = True
                return
            first_lineno = self.lineno
            if q not in line:
                raw = [(f, False) for f in line.split(self.delim)]
                record = line
            else:
                record = line
                while True:
                    raw = _split_csv(record, self.delim, q, self.escape)
                    if raw is not None:
                        break
                    nxt = self._next_line(final)
                    if nxt is None:
                        if final:
                            raise PgError("unterminated CSV quoted field", errcodes.BAD_COPY_FILE_FORMAT,
                                          where=self._context(first_lineno, record + b"\n"))
                        # wait for more data: rewind to the start of this record
                        self.pos = start_pos
                        self.lineno = start_line
                        return
                    record = record + b"\n" + nxt
            fields = []
            for i, (f, quoted) in enumerate(raw):
                if i < len(self.targets):
                    if not quoted and f == self.null and not self.force_not_null[i]:
                        fields.append(None)
                    elif quoted and self.force_null[i] and f == self.null:
                        fields.append(None)
                    else:
                        fields.append(f)
                else:
                    fields.append(f)
            fields = self._decode_fields(fields, first_lineno)
            if self.header_pending:
                self.header_pending = False
                self._check_header(fields, first_lineno, record)
                continue
            vals = self._convert(fields, first_lineno, record)
            pend.append((first_lineno, record, self._make_row(vals)))

    # binary --------------------------------------------------------------
    def _parse_binary(self, final: bool) -> None:
        buf = self.buf
        pend = self.pending
        if not self.binary_header_done:
            if len(buf) - self.pos >= 11 and bytes(buf[self.pos:self.pos + 11]) != BINARY_SIGNATURE:
                raise PgError("COPY file signature not recognized", errcodes.BAD_COPY_FILE_FORMAT)
            if len(buf) - self.pos < 19:
                if final:
                    raise PgError("COPY file signature not recognized" if len(buf) - self.pos < 11 else
                                  "invalid COPY file header (missing flags)", errcodes.BAD_COPY_FILE_FORMAT)
                return
            if bytes(buf[self.pos:self.pos + 11]) != BINARY_SIGNATURE:
                raise PgError("COPY file signature not recognized", errcodes.BAD_COPY_FILE_FORMAT)
            flags, extlen = struct.unpack_from("!ii", buf, self.pos + 11)
            if flags & (1 << 16):
                raise PgError("invalid COPY file header (WITH OIDS)", errcodes.BAD_COPY_FILE_FORMAT)
            if flags & 0xFFFF:
                raise PgError("unrecognized critical flags in COPY file header", errcodes.BAD_COPY_FILE_FORMAT)
            if extlen < 0:
                raise PgError("invalid COPY file header (missing length)", errcodes.BAD_COPY_FILE_FORMAT)
            if len(buf) - self.pos < 19 + extlen:
                if final:
                    raise PgError("invalid COPY file header (wrong length)", errcodes.BAD_COPY_FILE_FORMAT)
                return
            self.pos += 19 + extlen
            self.binary_header_done = True
        n = len(self.targets)
        unpack_h = struct.Struct("!h").unpack_from
        unpack_i = struct.Struct("!i").unpack_from
        funcs = self.bin_funcs
        typmods = self.typmods
        while True:
            pos = self.pos
            end = len(buf)
            if end - pos < 2:
                break
            (cnt,) = unpack_h(buf, pos)
            lineno = self.lineno + 1
            if cnt == -1:
                self.pos = pos + 2
                self.binary_trailer = True
                if self.pos < len(buf):
                    raise PgError("received copy data after EOF marker", errcodes.BAD_COPY_FILE_FORMAT,
                                  where=f"COPY {self.rel.name}, line {lineno}")
                return
            if cnt != n:
                raise PgError(f"row field count is {cnt}, expected {n}", errcodes.BAD_COPY_FILE_FORMAT,
                              where=f"COPY {self.rel.name}, line {lineno}")
            p = pos + 2
            raws = []
            complete = True
            for i in range(n):
                if end - p < 4:
                    complete = False
                    break
                (ln,) = unpack_i(buf, p)
                p += 4
                if ln == -1:
                    raws.append(None)
                    continue
                if ln < -1:
                    raise PgError("invalid field size", errcodes.BAD_COPY_FILE_FORMAT,
                                  where=f"COPY {self.rel.name}, line {lineno}, column {self.col_names[i]}")
                if end - p < ln:
                    complete = False
                    break
                raws.append(bytes(buf[p:p + ln]))
                p += ln
            if not complete:
                break
            self.pos = p
            self.lineno = lineno
            vals = []
            for i, raw in enumerate(raws):
                if raw is None:
                    vals.append(None)
                    continue
                try:
                    vals.append(funcs[i](raw, typmods[i]))
                except PgError as e:
                    if e.where is None:
                        e.where = f"COPY {self.rel.name}, line {lineno}, column {self.col_names[i]}"
                    raise
                except Exception:
                    raise PgError("incorrect binary data format", errcodes.INVALID_BINARY_REPRESENTATION,
                                  where=f"COPY {self.rel.name}, line {lineno}, column {self.col_names[i]}") from None
            pend.append((lineno, None, self._make_row(vals)))
        if final and self.pos < len(buf):
            raise PgError("unexpected EOF in COPY data", errcodes.BAD_COPY_FILE_FORMAT,
                          where=f"COPY {self.rel.name}, line {self.lineno + 1}")
        if final and not self.binary_trailer and self.binary_header_done and self.pos == len(buf):
            pass  # PostgreSQL accepts a stream that ends without the trailer


def _split_text_escaped(line: bytes, delim: bytes, null: bytes, lineno, ci) -> list:
    """Split one text-format line honouring backslash escapes; NULL is matched
    on the raw (still escaped) field, as PostgreSQL does."""
    d = delim[0]
    out = []
    n = len(line)
    i = 0
    while True:
        start = i
        buf = bytearray()
        while i < n:
            c = line[i]
            if c == d:
                break
            if c == 0x5C and i + 1 < n:  # backslash
                i += 1
                c = line[i]
                if 0x30 <= c <= 0x37:  # octal
                    v = c - 0x30
                    j = 1
                    while j < 3 and i + 1 < n and 0x30 <= line[i + 1] <= 0x37:
                        i += 1
                        v = v * 8 + line[i] - 0x30
                        j += 1
                    buf.append(v & 0xFF)
                elif c == 0x78 and i + 1 < n and chr(line[i + 1]) in "0123456789abcdefABCDEF":  # \xHH
                    v = int(chr(line[i + 1]), 16)
                    i += 1
                    if i + 1 < n and chr(line[i + 1]) in "0123456789abcdefABCDEF":
                        i += 1
                        v = v * 16 + int(chr(line[i]), 16)
                    buf.append(v)
                else:
                    buf.append({0x62: 8, 0x66: 12, 0x6E: 10, 0x72: 13, 0x74: 9, 0x76: 11}.get(c, c))
                i += 1
                continue
            buf.append(c)
            i += 1
        raw = line[start:i]
        out.append(None if raw == null else bytes(buf))
        if i >= n:
            break
        i += 1  # skip the delimiter
    return out


def _split_csv(record: bytes, delim: bytes, quote: bytes, escape: bytes):
    """[(field bytes, was quoted)] for one CSV record, or None if it ends inside quotes."""
    d, q, e = delim[0], quote[0], escape[0]
    out = []
    n = len(record)
    i = 0
    while True:
        buf = bytearray()
        quoted = False
        in_q = False
        while i < n:
            c = record[i]
            if in_q:
                if c == e and i + 1 < n and record[i + 1] in (q, e) and (e != q or record[i + 1] == q):
                    buf.append(record[i + 1])
                    i += 2
                    continue
                if c == q:
                    in_q = False
                    i += 1
                    continue
                buf.append(c)
                i += 1
                continue
            if c == d:
                break
            if c == q:
                in_q = True
                quoted = True
                i += 1
                continue
            buf.append(c)
            i += 1
        if in_q:
            return None
        out.append((bytes(buf), quoted))
        if i >= n:
            return out
        i += 1
