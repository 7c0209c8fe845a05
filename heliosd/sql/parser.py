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



def _parse_parameter_or_abs(self):
    """``$1`` stays a parameter; ``@ expr`` is PostgreSQL's prefix absolute-value operator,
    which sqlglot reads as a parameter of one primary: take a whole additive operand
    (``@ -2``, ``@ x * 2``), the precedence of a prefix Op in PostgreSQL's grammar."""
    if self._prev.text == "@":
        this = self._parse_term()
        if this is None:
            self.raise_error("Required operand after @")
        return exp.Parameter(this=this, op="@")
    return self._parse_parameter()


from sqlglot.tokens import TokenType as _TT  # noqa: E402

# sqlglot splits INTERVAL '3 days 04:05:06' into '3' DAYS (dropping the rest) and reads
# INTERVAL '2 years' YEAR as an alias: keep the string whole, so the field list after it is
# the interval's typmod as in PostgreSQL (an impossible pattern: nothing is split)
exp.INTERVAL_STRING_RE = re.compile(r"(?!)(.)(.)")

# jsonb -> x / ->> x: keep the right operand as written (sqlglot turns it into a JSON path and
# loses whether 1.5 was a number or a string)
Postgres.Parser.JSON_OPERATORS = {
    **Postgres.Parser.JSON_OPERATORS,
    _TT.ARROW: lambda self, this, path: exp.JSONExtract(this=this, expression=path),
    _TT.DARROW: lambda self, this, path: exp.JSONExtractScalar(this=this, expression=path),
}

Postgres.Parser.PLACEHOLDER_PARSERS = {**Postgres.Parser.PLACEHOLDER_PARSERS,
                                       _TT.PARAMETER: _parse_parameter_or_abs}

import logging as _logging

_logging.getLogger("sqlglot").setLevel(_logging.ERROR)

_DROP_LIST = re.compile(r"\s*DROP\s+(INDEX|SEQUENCE|VIEW)\s[^;]*,", re.I)

# user-defined types (heliosd.sql.ddl_types); ALTER TYPE ... ADD/DROP ATTRIBUTE is not handled there
_USER_TYPE_DDL = re.compile(r"\s*((CREATE|DROP)\s+(TYPE|DOMAIN)\s|ALTER\s+DOMAIN\s|"
                            r"COMMENT\s+ON\s+(TYPE|DOMAIN|CONSTRAINT\s+\S+\s+ON\s+DOMAIN)\s|"
                            r"ALTER\s+TYPE\s(?![^;]*\b(ATTRIBUTE|ATTRIBUTES)\b))", re.I)

_CREATE_SEQUENCE = re.compile(r"\s*CREATE\s+((TEMP|TEMPORARY|UNLOGGED)\s+)?SEQUENCE\s", re.I)

# CREATE [LOCAL|GLOBAL] TEMP|TEMPORARY TABLE/VIEW ... [ON COMMIT ...]: sqlglot knows neither
# LOCAL/GLOBAL nor ON COMMIT DROP, and ON COMMIT only partly: cut them out, keep them in meta
_CREATE_TEMP = re.compile(r"(\s*CREATE\s+(?:OR\s+REPLACE\s+)?)(LOCAL\s+|GLOBAL\s+)?(TEMP|TEMPORARY)\s", re.I)
_CREATE_TABLE_HEAD = re.compile(r"\s*CREATE\s+((LOCAL|GLOBAL)\s+)?((TEMP|TEMPORARY|UNLOGGED)\s+)?TABLE\s", re.I)
_ON_COMMIT = re.compile(r"\bON\s+COMMIT\s+(DROP|DELETE\s+ROWS|PRESERVE\s+ROWS)\b", re.I)


def _cut_temp(sql: str):
    """(sql for sqlglot, {"global": bool, "on_commit": 'DROP'|'DELETE'|'PRESERVE'|None})."""
    info = {"global": False, "on_commit": None}
    m = _CREATE_TEMP.match(sql)
    if m and m.group(2):
        info["global"] = m.group(2).strip().upper() == "GLOBAL"
        sql = m.group(1) + "TEMPORARY " + sql[m.end():]
    if _CREATE_TABLE_HEAD.match(sql):
        # the clause comes before AS/WITH of CREATE TABLE AS, never inside the query's strings
        head_end = re.search(r"\)\s*(WITH|WITHOUT|TABLESPACE|AS)\b|\bAS\s*(\(|SELECT|VALUES|WITH|TABLE|EXECUTE)\b",
                             sql, re.I)
        mc = _ON_COMMIT.search(sql)
        if mc and (head_end is None or mc.start() < head_end.end() or
                   sql[head_end.start():mc.start()].upper().lstrip(") ").startswith(("WITH", "WITHOUT", "TABLESPACE"))):
            info["on_commit"] = mc.group(1).split()[0].upper()
            sql = sql[:mc.start()] + " " * (mc.end() - mc.start()) + sql[mc.end():]
    return sql, info


_COMMENT_NULL = re.compile(r"(\s*COMMENT\s+ON\s.*\sIS\s+)NULL\s*;?\s*$", re.I | re.S)

_AS_OF = re.compile(r"\bAS\s+OF\s+(TIMESTAMP|SEQ)\s+('(?:[^']|'')*'|\d+)", re.I)


_HELIOS_SYNTAX = re.compile(
    r"\s*(CREATE\s+BRANCH|USE\s+BRANCH|DROP\s+BRANCH|ALTER\s+BRANCH|"
    r"(GRANT|REVOKE)\b[^;]*\bON\s+BRANCH\b|(CREATE|ALTER)\s+(ROLE|USER)\b[^;]*\b(NO)?CREATEBRANCH\b)",
    re.I | re.S)
# errors PostgreSQL's grammar raises with a SQLSTATE other than 42601
_GRAMMAR_CODES = {
    "frame start cannot be UNBOUNDED FOLLOWING": errcodes.WINDOWING_ERROR,
    "frame end cannot be UNBOUNDED PRECEDING": errcodes.WINDOWING_ERROR,
    "frame starting from current row cannot have preceding rows": errcodes.WINDOWING_ERROR,
    "frame starting from following row cannot have preceding rows": errcodes.WINDOWING_ERROR,
    "frame starting from following row cannot end with current row": errcodes.WINDOWING_ERROR,
    "aggregate ORDER BY is not implemented for window functions": errcodes.FEATURE_NOT_SUPPORTED,
    "DISTINCT is not implemented for window functions": errcodes.FEATURE_NOT_SUPPORTED,
    "LIMIT #,# syntax is not supported": errcodes.FEATURE_NOT_SUPPORTED,
}
_GRAMMAR_PREFIX_CODES = (
    ("invalid Unicode escape value", errcodes.CHARACTER_NOT_IN_REPERTOIRE),
    ("unsafe use of string constant with Unicode escapes", errcodes.FEATURE_NOT_SUPPORTED),
    ("WITH TIES cannot be specified without ORDER BY", errcodes.SYNTAX_ERROR),
)
# hints PostgreSQL's grammar attaches (libpg_query reports only the message)
_GRAMMAR_HINTS = {
    "subquery in FROM must have an alias": "For example, FROM (SELECT ...) [AS] foo.",
    "VALUES in FROM must have an alias": "For example, FROM (VALUES ...) [AS] foo.",
    "missing argument": "Use NONE to denote the missing argument of a unary operator.",
}
_PG_ERR = re.compile(r"^(.*), at index (\d+)$", re.S)


def check_syntax(sql: str) -> None:
    """Validate with PostgreSQL 15's own grammar (libpg_query via pglast), so syntax
    errors carry PostgreSQL's exact message and position.  heliosd's own
    statements (branches, AS OF, CREATEBRANCH) are not PostgreSQL syntax and skip it."""
    if _HELIOS_SYNTAX.match(sql):
        return
    try:
        _pg_parse_json(sql)
    except _PgParseError as e:
        msg = str(e.args[0]) if e.args else str(e)
        pos = None
        if len(e.args) > 1 and isinstance(e.args[1], int):
            pos = e.args[1] + 1
        m = _PG_ERR.match(msg)
        if m:
            msg, pos = m.group(1), int(m.group(2)) + 1
        if "end of input" in msg:
            pos = len(sql) + 1 if pos is None else pos
        code = _GRAMMAR_CODES.get(msg)
        if code is None:
            code = next((c for prefix, c in _GRAMMAR_PREFIX_CODES if msg.startswith(prefix)), errcodes.SYNTAX_ERROR)
        hint = _GRAMMAR_HINTS.get(msg)
        if msg.startswith("invalid Unicode escape"):
            hint = "Unicode escapes must be \\XXXX or \\+XXXXXX."
        raise PgError(msg, code, position=pos, hint=hint) from None


try:
    from pglast.parser import ParseError as _PgParseError
    from pglast.parser import parse_sql_json as _pg_parse_json
except ImportError:  # pragma: no cover - pglast is a declared dependency
    def _pg_parse_json(sql):
        return None

    class _PgParseError(Exception):
        pass


def parse_sql(sql: str):
    """Parse one statement: a :class:`Utility` or a sqlglot expression."""
    if not _AS_OF.search(sql):
        check_syntax(sql)
    else:
        check_syntax(_AS_OF.sub(lambda m: " " * len(m.group(0)), sql))
    u = parse_utility(sql)
    if u is not None:
        return u
    if _USER_TYPE_DDL.match(sql):
        return Utility("user_type_text", sql=sql)
    if _DROP_LIST.match(sql):
        return Utility("drop_list_text", sql=sql)
    if _CREATE_SEQUENCE.match(sql):
        return Utility("create_sequence_text", sql=sql)
    m = _COMMENT_NULL.match(sql)
    if m:
        sql = m.group(1) + "''"
    temp_info = None
    if _CREATE_TEMP.match(sql) or (_CREATE_TABLE_HEAD.match(sql) and _ON_COMMIT.search(sql)):
        sql, temp_info = _cut_temp(sql)
    as_of = None
    if _AS_OF.search(sql):
        as_of = []

        def cut(m):
            as_of.append((m.group(1).upper(), m.group(2)))
            return f" /*helios_as_of_{len(as_of) - 1}*/ "

        sql = _AS_OF.sub(cut, sql)
    overriding = None
    if _OVERRIDING.search(sql):
        sql, overriding = _cut_overriding(sql)
    if "ORMALIZED" in sql.upper():
        sql = _spell_normalized(sql)
    if "'" in sql and ("::" in sql or "[" in sql or "nterval" in sql or "NTERVAL" in sql):
        sql = _paren_typed_literals(sql)
    if "<<=" in sql or ">>=" in sql:
        sql = _spell_network_ops(sql)
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
    if temp_info is not None:
        tree.meta["helios_temp"] = temp_info
    if overriding is not None:
        ins = tree if isinstance(tree, exp.Insert) else tree.find(exp.Insert)
        if ins is not None:
            ins.set("overriding", overriding)
    return tree


_OVERRIDING = re.compile(r"\bOVERRIDING\b", re.I)


def _cut_overriding(sql: str):
    """``INSERT ... OVERRIDING {SYSTEM|USER} VALUE``: sqlglot has no syntax for it; blank the
    clause out (outside quotes and comments) and return ``(sql, "system"|"user"|None)``."""
    from .lexer import _TOKEN

    toks = []
    i = 0
    n = len(sql)
    while i < n:
        m = _TOKEN.match(sql, i)
        if m is None:
            return sql, None
        if m.lastgroup == "bc":
            j = sql.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if m.lastgroup not in ("ws", "lc"):
            toks.append((m.group().upper(), m.start(), m.end()))
        i = m.end()
    for k in range(len(toks) - 2):
        if toks[k][0] == "OVERRIDING" and toks[k + 1][0] in ("SYSTEM", "USER") and toks[k + 2][0] == "VALUE":
            a, b = toks[k][1], toks[k + 2][2]
            return sql[:a] + " " * (b - a) + sql[b:], toks[k + 1][0].lower()
    return sql, None


_OBJECT_IDENTIFIER_TYPES = {"oid", "regclass", "regcollation", "regconfig", "regdictionary", "regnamespace",
                            "regoper", "regoperator", "regproc", "regprocedure", "regrole", "regtype"}
_ARRAY_SUFFIX = re.compile(r"\s*\[\s*\]")


def _spell_normalized(sql: str) -> str:
    """``x IS [NOT] NFD NORMALIZED``: sqlglot has no normal-form syntax; spell the form and
    NORMALIZED as one word (``IS NORMALIZED_NFD``), which the analyzer turns into
    is_normalized(x, 'NFD')."""
    from .lexer import tokens

    try:
        toks = list(tokens(sql))
    except PgError:
        return sql
    out = []
    last = 0
    for i in range(1, len(toks) - 1):
        k, t, p = toks[i]
        nk, nt, np_ = toks[i + 1]
        if k == "word" and t.upper() in ("NFC", "NFD", "NFKC", "NFKD") and nk == "word" and \
                nt.upper() == "NORMALIZED" and toks[i - 1][1].upper() in ("IS", "NOT"):
            out.append(sql[last:p])
            out.append("NORMALIZED_" + t.upper())
            last = np_ + len(nt)
    if not out:
        return sql
    out.append(sql[last:])
    return "".join(out)


_INTERVAL_FIELDS = {"year", "month", "day", "hour", "minute", "second"}
_NOT_TYPED_LITERAL = {"interval", "any", "some", "all", "record", "unknown", "void", "trigger"}


def _is_type_word(w: str) -> bool:
    from .. import types as T

    if w in _NOT_TYPED_LITERAL:
        return False
    try:
        T.lookup_type_name(w)
    except PgError as e:
        return e.code == errcodes.FEATURE_NOT_SUPPORTED
    return True


def _paren_typed_literals(sql: str) -> str:
    """``date '2024-02-01'::text`` is a date literal cast to text, but sqlglot applies the
    ``::`` (or ``[i]``) to the string first: parenthesize such typed literals,
    ``(date'2024-02-01')::text``, keeping the string where it was when a blank separates
    the type name from it (error positions inside the literal stay right)."""
    from .lexer import tokens

    try:
        toks = list(tokens(sql))
    except PgError:
        return sql
    edits = []  # (start of the type name, end of the string)
    for i, (k, t, p) in enumerate(toks):
        if k not in ("str", "estr") or i + 1 >= len(toks) or i == 0:
            continue
        j = i - 1
        if toks[j][0] != "word":
            continue
        w = toks[j][1].lower()
        if w == "interval":
            # INTERVAL '2 days' PRECEDING, INTERVAL '1 day' alias: sqlglot would take the word
            # after the string for the interval's unit (only a field name is one)
            nk, nt, _np = toks[i + 1]
            if nk == "word" and nt.lower() not in _INTERVAL_FIELDS and not (j > 0 and toks[j - 1][1] in ("::", ".")):
                edits.append((toks[j][2], p, p + len(t)))
            continue
        if toks[i + 1][1] not in ("::", "["):
            continue
        words = [x[1].lower() for x in toks[max(0, j - 3):j]]
        if w == "zone" and len(words) == 3 and words[0] in ("timestamp", "time") and \
                words[1] in ("with", "without") and words[2] == "time":
            start = toks[j - 3][2]
        elif w == "precision" and words and words[-1] == "double":
            start = toks[j - 1][2]
        elif w == "varying" and words and words[-1] in ("character", "char"):
            start = toks[j - 1][2]
        elif _is_type_word(w) and not (j > 0 and toks[j - 1][1] in ("::", ".")):
            start = toks[j][2]
        else:
            continue
        edits.append((start, p, p + len(t)))
    if not edits:
        return sql
    out = []
    last = 0
    for start, lit, end in edits:
        out.append(sql[last:start])
        head = sql[start:lit]
        if head[-1:].isspace() and len(head) >= 2:
            out.append("(" + head[:-1])  # drop one blank: the string keeps its position
        else:
            out.append("(" + head)
        out.append(sql[lit:end] + ")")
        last = end
    out.append(sql[last:])
    return "".join(out)


def _spell_network_ops(sql: str) -> str:
    """sqlglot has no ``<<=`` / ``>>=`` (inet is contained by or equals / contains or equals):
    spell them ``OPERATOR(<<=)``, which it parses with PostgreSQL's precedence for Op."""
    from .lexer import tokens

    try:
        toks = list(tokens(sql))
    except PgError:
        return sql
    cuts = []
    for i in range(len(toks) - 2):
        a, b, c = toks[i], toks[i + 1], toks[i + 2]
        if a[0] == "op" and b[0] == "op" and c[0] == "op" and a[1] == b[1] and a[1] in "<>" and c[1] == "=" \
                and b[2] == a[2] + 1 and c[2] == a[2] + 2 and \
                not (i + 3 < len(toks) and toks[i + 3][0] == "op" and toks[i + 3][2] == a[2] + 3) and \
                not (i > 0 and toks[i - 1][0] == "op" and toks[i - 1][2] == a[2] - 1):
            cuts.append(a[2])
    out = []
    last = 0
    for p in cuts:
        out.append(sql[last:p])
        out.append(" OPERATOR(" + sql[p:p + 3] + ") ")
        last = p + 3
    out.append(sql[last:])
    return "".join(out)


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
        if kind == "param" and prev and not prev.isspace():
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
