"""A small SQL lexer: statement splitting and literal-normalized fingerprints.

Both run on every simple-protocol query before any parsing, so they are
written as one pass over the string with ``re`` doing the heavy lifting.

- :func:`split_statements` cuts a query string at top-level semicolons,
  respecting '...' (with '' escapes), E'...' (backslash escapes), "..."
  identifiers, $tag$...$tag$ dollar quotes, -- and nested /* */ comments.
- :func:`fingerprint` lifts constants (numbers and plain string literals)
  out of a statement: ``SELECT * FROM t WHERE id = 42`` becomes the key
  ``SELECT * FROM t WHERE id = $1`` (with the real parameter count offset)
  and the constant list ``['42']``.  Statements differing only in literals
  share a key, so the plan cache serves pgbench's 100k distinct literals
  with one plan.  A literal followed by ``::`` (a cast) and literals in
  positions where a parameter is not allowed are lifted too: the planner
  treats lifted constants as *unknown-typed* constants, so typing is the
  same as for the literal; contexts that require a literal (LIMIT is fine,
  but e.g. ``interval '1 day'`` typed literal syntax, ``COLLATE``, DDL)
  are simply not fingerprinted (``None``): the caller parses them
  normally.
"""

from __future__ import annotations

import re

from .. import errcodes
from ..errors import PgError

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<lc>--[^\n]*)
  | (?P<bc>/\*)
  | (?P<estr>[eE]'(?:[^'\\]|\\.|'')*')
  | (?P<str>'(?:[^']|'')*')
  | (?P<ident>"(?:[^"]|"")*")
  | (?P<dollar>\$(?:[A-Za-z_][A-Za-z_0-9]*)?\$)
  | (?P<param>\$\d+)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_\x80-\U0010ffff][A-Za-z_0-9$\x80-\U0010ffff]*)
  | (?P<semi>;)
  | (?P<op>::|[^\sA-Za-z0-9_'";$])
  | (?P<other>.)
    """,
    re.X | re.S,
)


def _skip_block_comment(s: str, i: int) -> int:
    start = i
    depth = 1
    i += 2
    n = len(s)
    while i < n and depth:
        if s.startswith("/*", i):
            depth += 1
            i += 2
        elif s.startswith("*/", i):
            depth -= 1
            i += 2
        else:
            i += 1
    if depth:
        raise PgError(f"unterminated /* comment at or near \"{s[start:]}\"", errcodes.SYNTAX_ERROR,
                      position=start + 1)
    return i


def tokens(s: str):
    """Yield (kind, text, start) for every token, comments excluded."""
    i = 0
    n = len(s)
    m = _TOKEN.match
    while i < n:
        mo = m(s, i)
        if mo is None:  # pragma: no cover - 'other' matches anything
            raise PgError("syntax error", errcodes.SYNTAX_ERROR)
        kind = mo.lastgroup
        if kind == "bc":
            i = _skip_block_comment(s, i)
            continue
        if kind == "dollar":
            tag = mo.group()
            end = s.find(tag, mo.end())
            if end < 0:
                raise PgError(f"unterminated dollar-quoted string at or near \"{s[i:]}\"",
                              errcodes.SYNTAX_ERROR, position=i + 1)
            yield "dstr", s[i:end + len(tag)], i
            i = end + len(tag)
            continue
        if kind in ("str", "estr") and not mo.group().endswith("'"):  # pragma: no cover
            pass
        j = mo.end()
        if kind == "ws" or kind == "lc":
            i = j
            continue
        if kind == "other" and s[i] == "'":
            raise PgError(f"unterminated quoted string at or near \"{s[i:]}\"",
                          errcodes.SYNTAX_ERROR, position=i + 1)
        if kind == "other" and s[i] == '"':
            raise PgError(f"unterminated quoted identifier at or near \"{s[i:]}\"",
                          errcodes.SYNTAX_ERROR, position=i + 1)
        yield kind, mo.group(), i
        i = j


def split_statements(s: str) -> list[tuple[str, int]]:
    """[(statement text, offset in s)] for the non-empty statements of s."""
    out = []
    start = 0
    has_content = False
    for kind, text, pos in tokens(s):
        if kind == "semi":
            if has_content:
                out.append((s[start:pos].strip(), start + (len(s[start:pos]) - len(s[start:pos].lstrip()))))
            start = pos + 1
            has_content = False
        else:
            has_content = True
    if has_content:
        tail = s[start:]
        out.append((tail.strip(), start + (len(tail) - len(tail.lstrip()))))
    return out


def first_words(s: str, n: int = 3) -> list[str]:
    """The first n word tokens, upper-cased (for statement classification)."""
    out = []
    for kind, text, _pos in tokens(s):
        if kind != "word":
            break
        out.append(text.upper())
        if len(out) >= n:
            break
    return out


_NOFP = {"INTERVAL", "DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "COLLATE", "ARRAY", "JSON", "JSONB",
         "UUID", "NUMERIC", "DECIMAL", "TEXT", "VARCHAR", "BOOLEAN", "BOOL", "INT", "INTEGER", "BIGINT",
         "SMALLINT", "REAL", "FLOAT", "CHAR", "CHARACTER", "BYTEA", "ESCAPE", "UESCAPE", "INT2", "INT4",
         "INT8", "FLOAT4", "FLOAT8", "DOUBLE", "PRECISION", "NAME", "OID", "REGCLASS", "REGTYPE", "BIT"}
_DML = {"SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES"}


_CLAUSE_END = {"LIMIT", "OFFSET", "HAVING", "WINDOW", "FETCH", "FOR", "UNION", "EXCEPT", "INTERSECT",
               "RETURNING", "WHERE", "FROM", "SELECT", "ON", "USING"}


def fingerprint(s: str, nparams: int = 0):
    """(key, constants) or None when the statement should not be normalized.

    ``constants`` are (kind, text) with kind 'num' or 'str'; they become
    parameters ``$nparams+1 ...`` in ``key``.  Not lifted: typed literals
    (``DATE '...'``), type modifiers (``varchar(10)``), ordinals in ORDER BY /
    GROUP BY, E'' and dollar strings (the statement is then not normalized)."""
    parts = []
    consts = []
    last = 0
    prev_word = None
    first = None
    prev_kind = None
    prev_text = None
    parens = []  # word before each open paren
    in_by = False
    by_depth = 0
    for kind, text, pos in tokens(s):
        if first is None:
            if kind != "word" or text.upper() not in _DML:
                return None
            first = text.upper()
        if kind == "word":
            w = text.upper()
            if w == "BY" and prev_word in ("ORDER", "GROUP"):
                in_by = True
                by_depth = len(parens)
            elif in_by and w in _CLAUSE_END and len(parens) <= by_depth:
                in_by = False
            prev_word = w
            prev_kind = kind
            prev_text = text
            continue
        if kind == "op" or kind == "other":
            closed = None
            if text == "(":
                parens.append(prev_word if prev_kind == "word" else None)
            elif text == ")":
                if parens:
                    closed = parens.pop()
                if in_by and len(parens) < by_depth:
                    in_by = False
            if text != ".":
                prev_word = None if text != "(" else prev_word
            if text == ")" and closed in _NOFP:
                prev_word = closed  # numeric(10,2) '5' is a typed literal
                kind = "word"
            prev_kind = kind
            prev_text = text
            continue
        if kind in ("num", "str"):
            typed = prev_kind == "word" and prev_word in _NOFP
            in_typmod = bool(parens) and parens[-1] in _NOFP
            if typed or in_typmod or (kind == "num" and in_by):
                pass
            elif kind == "num" and prev_text == "-" and text.isdigit() and int(text) > 2147483647:
                # -2147483648 is an int4 and -9223372036854775808 an int8 constant in PostgreSQL
                # (the minus folds into the literal); a lifted parameter would widen their type
                return None
            else:
                parts.append(s[last:pos])
                consts.append((kind, text))
                parts.append(f"${nparams + len(consts)}")
                last = pos + len(text)
            prev_kind = kind
            prev_word = None
            prev_text = text
            continue
        if kind in ("estr", "dstr"):
            return None
        prev_kind = kind
        prev_word = None
        prev_text = text
    parts.append(s[last:])
    _ = prev_text
    return "".join(parts), consts
