"""Statement parsing: our utility parser first, sqlglot's postgres dialect for
the rest.

sqlglot is configured once, at import: its postgres dialect maps many
function names to its own typed nodes (``date_trunc`` -> TimestampTrunc,
``now`` -> CurrentTimestamp...) which lose PostgreSQL's spelling and
overloading.  We clear that mapping so every ordinary function call parses
as ``exp.Anonymous(name, args)`` and resolves against our own function
library; only genuine special syntax (CAST, EXTRACT, SUBSTRING(x FROM ..),
POSITION(a IN b), TRIM(BOTH ..), OVERLAY) keeps a node of its own.

Also handled here, before sqlglot sees the text:

- ``AS OF TIMESTAMP '...'`` / ``AS OF SEQ n`` after a table reference
  (heliosd time travel) is cut out and remembered per table position.
- ParseError becomes PostgreSQL's 42601 ``syntax error at or near "x"``
  with the character position.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import ParseError, TokenError

from .. import errcodes
from ..errors import PgError
from .utility import Utility, parse_utility

_KEEP_FUNCTION_PARSERS = {"CAST", "EXTRACT", "OVERLAY", "POSITION", "SUBSTRING", "TRIM", "TRY_CAST",
                          "SAFE_CAST"}
Postgres.Parser.FUNCTIONS.clear()
for _k in list(Postgres.Parser.FUNCTION_PARSERS):
    if _k not in _KEEP_FUNCTION_PARSERS:
        del Postgres.Parser.FUNCTION_PARSERS[_k]

import logging as _logging

_logging.getLogger("sqlglot").setLevel(_logging.ERROR)

_DROP_LIST = re.compile(r"\s*DROP\s+(INDEX|SEQUENCE|VIEW)\s[^;]*,", re.I)

_COMMENT_NULL = re.compile(r"(\s*COMMENT\s+ON\s.*\sIS\s+)NULL\s*;?\s*$", re.I | re.S)

_AS_OF = re.compile(r"\bAS\s+OF\s+(TIMESTAMP|SEQ)\s+('(?:[^']|'')*'|\d+)", re.I)


def parse_sql(sql: str):
    """Parse one statement: a :class:`Utility` or a sqlglot expression."""
    u = parse_utility(sql)
    if u is not None:
        return u
    if _DROP_LIST.match(sql):
        return Utility("drop_list_text", sql=sql)
    m = _COMMENT_NULL.match(sql)
    if m:
        sql = m.group(1) + "''"
    as_of = None
    if _AS_OF.search(sql):
        as_of = []

        def cut(m):
            as_of.append((m.group(1).upper(), m.group(2)))
            return f" /*helios_as_of_{len(as_of) - 1}*/ "

        sql = _AS_OF.sub(cut, sql)
    try:
        trees = sqlglot.parse(_space_params(sql) if "$" in sql or "[" in sql else sql, read="postgres")
    except ParseError as e:
        raise _syntax_error(sql, e) from None
    except TokenError as e:
        raise PgError(f"syntax error: {e}", errcodes.SYNTAX_ERROR) from None
    trees = [t for t in trees if t is not None]
    if not trees:
        return Utility("empty")
    if len(trees) > 1:
        raise PgError("cannot insert multiple commands into a prepared statement", errcodes.SYNTAX_ERROR)
    tree = trees[0]
    if isinstance(tree, exp.Command):
        head = sql.lstrip()[:60].upper().split()
        if head[:2] in (["ALTER", "TABLE"], ["ALTER", "INDEX"], ["ALTER", "VIEW"]):
            return Utility("alter_table_text", sql=sql)
        if head[:2] == ["ALTER", "SEQUENCE"]:
            return Utility("alter_sequence_text", sql=sql)
        if head[:2] == ["CREATE", "SCHEMA"]:
            return Utility("create_schema_text", sql=sql)
        if head[:2] == ["ALTER", "SCHEMA"]:
            return Utility("alter_schema_text", sql=sql)
        raise _unsupported(sql, tree)
    if as_of:
        tree.meta["helios_as_of"] = as_of
    return tree


_OBJECT_IDENTIFIER_TYPES = {"oid", "regclass", "regcollation", "regconfig", "regdictionary", "regnamespace",
                            "regoper", "regoperator", "regproc", "regprocedure", "regrole", "regtype"}
_ARRAY_SUFFIX = re.compile(r"\s*\[\s*\]")


def _space_params(sql: str) -> str:
    """Work around two sqlglot tokenizer/parser gaps, outside quotes and comments:

    - a parameter glued to a preceding symbol (``$1,$2``, ``($1)+$2``) is
      read as a dollar quote: put a blank before it;
    - the object-identifier types cannot take ``[]`` (``$1::oid[]``): spell
      the array type by its pg_type name (``_oid``)."""
    from .lexer import _TOKEN

    out = []
    prev = ""
    prev_tok = ""
    i = 0
    n = len(sql)
    changed = False
    while i < n:
        m = _TOKEN.match(sql, i)
        if m is None:
            return sql
        kind = m.lastgroup
        if kind == "bc":  # block comments: copy verbatim up to the end
            j = sql.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(sql[i:j])
            prev = "/"
            i = j
            continue
        tok = m.group()
        if kind == "param" and prev and not prev.isspace() and prev not in "(":
            out.append(" ")
            changed = True
        if kind == "word" and tok.lower() in _OBJECT_IDENTIFIER_TYPES and prev_tok == "::":
            a = _ARRAY_SUFFIX.match(sql, m.end())
            if a is not None:
                out.append(f"_{tok.lower()}")
                prev = '"'
                prev_tok = tok
                i = a.end()
                changed = True
                continue
        out.append(tok)
        prev = tok[-1]
        if kind != "ws":
            prev_tok = tok
        i = m.end()
    return "".join(out) if changed else sql


def _syntax_error(sql: str, e: ParseError) -> PgError:
    errs = getattr(e, "errors", None) or []
    pos = None
    near = None
    if errs:
        first = errs[0]
        line = first.get("line")
        col = first.get("col")
        near = first.get("highlight")
        if line is not None and col is not None:
            lines = sql.split("\n")
            off = sum(len(x) + 1 for x in lines[:line - 1]) + col
            pos = max(1, off - len(near or "") + 1)
    if near:
        return PgError(f'syntax error at or near "{near}"', errcodes.SYNTAX_ERROR, position=pos)
    return PgError("syntax error at end of input", errcodes.SYNTAX_ERROR, position=len(sql) + 1)


def _unsupported(sql: str, cmd: exp.Command) -> PgError:
    words = sql.split()
    head = " ".join(words[:2]).upper() if words else ""
    return PgError(f"{head} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
