"""Arrays: text and binary I/O built from the element type's functions.

An array value is a Python ``list``; elements may be ``None`` (SQL NULL); a
multi-dimensional array is a list of equally long lists.  Lower bounds are
always 1: input with explicit bounds (``'[0:1]={1,2}'``) is accepted but the
bounds are not kept.  For element types whose own values are lists (jsonb,
int2vector, oidvector) only one-dimensional arrays are supported.

int2vector and oidvector (catalog types) are lists of ints printed
space-separated; their binary form is a one-dimensional array with lower
bound 0.
"""

from __future__ import annotations

import re
import struct

from ..errors import PgError
from ._util import INVALID_TEXT, bad_binary

MAXDIM = 6
_ISSPACE = " \t\n\r\v\f"


def _malformed(s: str, detail: str) -> PgError:
    return PgError(f'malformed array literal: "{s}"', INVALID_TEXT, detail=detail)


# ---------------------------------------------------------------------- text output


def _needs_quote_re(delim: str):
    return re.compile(r'[{}"\\ \t\n\r\v\f' + re.escape(delim) + "]")


_QUOTE_RE = {",": _needs_quote_re(","), ";": _needs_quote_re(";")}


def _quote_elem(t: str, search) -> str:
    if not t or search(t) is not None or (len(t) == 4 and t.lower() == "null"):
        return '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return t


def make_array_out(elem_out, delim: str = ",", never_quotes: bool = False, elem_is_list: bool = False):
    """Build ``out(list) -> str`` for arrays whose elements print with ``elem_out``.

    ``never_quotes``: the element text can never need quoting (numbers,
    booleans), which allows a faster path.
    """
    search = _QUOTE_RE.get(delim) or _needs_quote_re(delim)
    search = search.search

    def out(v) -> str:
        if not v:
            return "{}"
        if elem_is_list or v[0].__class__ is not list:
            if never_quotes:
                if None not in v:
                    return "{" + delim.join([elem_out(x) for x in v]) + "}"
                return "{" + delim.join(["NULL" if x is None else elem_out(x) for x in v]) + "}"
            return "{" + delim.join(["NULL" if x is None else _quote_elem(elem_out(x), search) for x in v]) + "}"
        return "{" + delim.join([out(x) for x in v]) + "}"

    return out


# ---------------------------------------------------------------------- text input


def _array_count(s: str, p: int, delim: str):
    """Port of PostgreSQL 15's ArrayCount: validates braces, returns (ndim, dims).

    Its errors quote the input from the opening brace on, as PostgreSQL's do.
    """
    s = s[p:]
    p = 0
    NO_LEVEL, LEVEL_STARTED, ELEM_STARTED, ELEM_COMPLETED, QUOTED_STARTED, QUOTED_COMPLETED, \
        ELEM_DELIMITED, LEVEL_COMPLETED, LEVEL_DELIMITED = range(9)
    nest_level = 0
    ndim = 1
    temp = [0] * MAXDIM
    nelems = [1] * MAXDIM
    nelems_last = [0] * MAXDIM
    in_quotes = False
    eo_array = False
    empty_array = True
    state = NO_LEVEL
    n = len(s)
    while not eo_array:
        itemdone = False
        while not itemdone:
            if state == ELEM_STARTED or state == QUOTED_STARTED:
                empty_array = False
            if p >= n:
                raise _malformed(s, "Unexpected end of input.")
            c = s[p]
            if c == "\\":
                if state not in (LEVEL_STARTED, ELEM_STARTED, QUOTED_STARTED, ELEM_DELIMITED):
                    raise _malformed(s, 'Unexpected "\\" character.')
                if state != QUOTED_STARTED:
                    state = ELEM_STARTED
                if p + 1 < n:
                    p += 1
                else:
                    raise _malformed(s, "Unexpected end of input.")
            elif c == '"':
                if state not in (LEVEL_STARTED, QUOTED_STARTED, ELEM_DELIMITED):
                    raise _malformed(s, "Unexpected array element.")
                in_quotes = not in_quotes
                state = QUOTED_STARTED if in_quotes else QUOTED_COMPLETED
            elif c == "{":
                if not in_quotes:
                    if state not in (NO_LEVEL, LEVEL_STARTED, LEVEL_DELIMITED):
                        raise _malformed(s, 'Unexpected "{" character.')
                    state = LEVEL_STARTED
                    if nest_level >= MAXDIM:
                        raise PgError(f"number of array dimensions ({nest_level + 1}) exceeds the maximum "
                                      f"allowed ({MAXDIM})", "54000")
                    temp[nest_level] = 0
                    nest_level += 1
                    if ndim < nest_level:
                        ndim = nest_level
            elif c == "}":
                if not in_quotes:
                    if state not in (ELEM_STARTED, ELEM_COMPLETED, QUOTED_COMPLETED, LEVEL_COMPLETED) and \
                            not (nest_level == 1 and state == LEVEL_STARTED):
                        raise _malformed(s, 'Unexpected "}" character.')
                    state = LEVEL_COMPLETED
                    if nest_level == 0:
                        raise _malformed(s, 'Unmatched "}" character.')
                    nest_level -= 1
                    if nelems_last[nest_level] != 0 and nelems[nest_level] != nelems_last[nest_level]:
                        raise _malformed(s, "Multidimensional arrays must have sub-arrays with matching "
                                            "dimensions.")
                    nelems_last[nest_level] = nelems[nest_level]
                    nelems[nest_level] = 1
                    if nest_level == 0:
                        eo_array = itemdone = True
                    else:
                        temp[nest_level - 1] += 1
            else:
                if not in_quotes:
                    if c == delim:
                        if state not in (ELEM_STARTED, ELEM_COMPLETED, QUOTED_COMPLETED, LEVEL_COMPLETED):
                            raise _malformed(s, f'Unexpected "{delim}" character.')
                        state = LEVEL_DELIMITED if state == LEVEL_COMPLETED else ELEM_DELIMITED
                        itemdone = True
                        nelems[nest_level - 1] += 1
                    elif c not in _ISSPACE:
                        if state not in (LEVEL_STARTED, ELEM_STARTED, ELEM_DELIMITED):
                            raise _malformed(s, "Unexpected array element.")
                        state = ELEM_STARTED
            if not itemdone:
                p += 1
        temp[ndim - 1] += 1
        p += 1
    while p < n:
        if s[p] not in _ISSPACE:
            raise _malformed(s, "Junk after closing right brace.")
        p += 1
    if empty_array:
        return 0, []
    return ndim, temp[:ndim]


def _read_elements(s: str, p: int, delim: str):
    """Second pass (ReadArrayStr): nested lists of (text, is_null) leaves."""
    stack = []
    cur = None
    n = len(s)
    root = None
    while p < n:
        c = s[p]
        if c == "{":
            new = []
            if cur is not None:
                cur.append(new)
                stack.append(cur)
            else:
                root = new
            cur = new
            p += 1
            continue
        if c == "}":
            if stack:
                cur = stack.pop()
            else:
                return root
            p += 1
            continue
        if c == delim or c in _ISSPACE:
            p += 1
            continue
        # an element
        buf = []
        has_quote = False
        in_quotes = False
        last_significant = 0  # length of buf up to the last non-space or escaped/quoted char
        while p < n:
            c = s[p]
            if c == "\\":
                buf.append(s[p + 1])
                p += 2
                last_significant = len(buf)
                has_quote = True
                continue
            if c == '"':
                in_quotes = not in_quotes
                has_quote = True
                p += 1
                if not in_quotes:
                    last_significant = len(buf)
                continue
            if in_quotes:
                buf.append(c)
                last_significant = len(buf)
                p += 1
                continue
            if c == delim or c == "}":
                break
            buf.append(c)
            if c not in _ISSPACE:
                last_significant = len(buf)
            p += 1
        text = "".join(buf[:last_significant])
        is_null = not has_quote and len(text) == 4 and text.lower() == "null"
        cur.append((text, is_null))
    return root


def make_array_in(elem_in, delim: str = ",", elem_is_list: bool = False):
    """Build ``in(text, typmod=-1, tz=None) -> list`` applying ``elem_in`` to every element."""

    special = re.compile(r'[{}"\\]').search

    def array_in(s: str, typmod: int = -1, tz=None):
        # fast path: one dimension, no quoting or escapes
        if s[:1] == "{" and s[-1:] == "}":
            inner = s[1:-1]
            if special(inner) is None:
                if not inner.strip(_ISSPACE):
                    return []
                items = [x.strip(_ISSPACE) for x in inner.split(delim)]
                if all(items):  # else malformed: the full parser reports it
                    return [None if len(x) == 4 and x.lower() == "null" else elem_in(x, typmod, tz)
                            for x in items]
        p = 0
        n = len(s)
        while p < n and s[p] in _ISSPACE:
            p += 1
        given = None
        if p < n and s[p] == "[":
            given = []
            while True:
                while p < n and s[p] in _ISSPACE:
                    p += 1
                if p >= n or s[p] != "[":
                    break
                p += 1
                if len(given) >= MAXDIM:
                    raise PgError(f"number of array dimensions ({len(given) + 1}) exceeds the maximum allowed "
                                  f"({MAXDIM})", "54000")
                q = p
                while q < n and (s[q].isdigit() or s[q] in "+-"):
                    q += 1
                if q == p:
                    raise _malformed(s, '"[" must introduce explicitly-specified array dimensions.')
                if q < n and s[q] == ":":
                    lb = _atoi(s[p:q])
                    p = q + 1
                    q = p
                    while q < n and (s[q].isdigit() or s[q] in "+-"):
                        q += 1
                    if q == p:
                        raise _malformed(s, "Missing array dimension value.")
                else:
                    lb = 1
                if q >= n or s[q] != "]":
                    raise _malformed(s, 'Missing "]" after array dimensions.')
                ub = _atoi(s[p:q])
                p = q + 1
                if ub < lb:
                    raise PgError("upper bound cannot be less than lower bound", "2202E")
                given.append(ub - lb + 1)
            if s[p:p + 1] != "=":
                raise _malformed(s, 'Missing "=" after array dimensions.')
            p += 1
            while p < n and s[p] in _ISSPACE:
                p += 1
            if p >= n or s[p] != "{":
                raise _malformed(s, 'Array contents must start with "{".')
        elif p >= n or s[p] != "{":
            raise _malformed(s, 'Array value must start with "{" or dimension information.')
        ndim, dims = _array_count(s, p, delim)
        if given is not None and (ndim != len(given) or dims != given):
            raise _malformed(s, "Specified array dimensions do not match array contents.")
        if ndim == 0:
            return []
        if ndim > 1 and elem_is_list:
            raise PgError("multidimensional arrays of this element type are not supported", "0A000")
        tree = _read_elements(s, p, delim)

        def conv(node, depth):
            if depth == ndim:
                if node.__class__ is not tuple:
                    raise _malformed(s, "Multidimensional arrays must have sub-arrays with matching "
                                        "dimensions.")
                text, is_null = node
                return None if is_null else elem_in(text, typmod, tz)
            if node.__class__ is not list or len(node) != dims[depth]:
                raise _malformed(s, "Multidimensional arrays must have sub-arrays with matching dimensions.")
            return [conv(x, depth + 1) for x in node]

        return conv(tree, 0)

    return array_in


def _atoi(s: str) -> int:
    m = re.match(r"[+-]?\d+", s)
    if not m:
        return 0
    digits = m.group(0)
    v = int(digits) if len(digits) < 25 else (2**63 if digits[0] != "-" else -2**63 - 1)
    # C atoi: strtol clamps to LONG_MAX/LONG_MIN, then the int conversion keeps the low 32 bits
    v = max(min(v, 2**63 - 1), -2**63) & 0xFFFFFFFF
    return v - 2**32 if v >= 2**31 else v


# ---------------------------------------------------------------------- binary

_iii = struct.Struct("!iiI")
_ii = struct.Struct("!ii")
_i = struct.Struct("!i")
_NULL_LEN = _i.pack(-1)


def array_dims(v, elem_is_list: bool = False) -> list:
    """Dimensions of a (rectangular) nested-list array value."""
    dims = []
    x = v
    while True:
        dims.append(len(x))
        if elem_is_list or not x or x[0].__class__ is not list:
            break
        x = x[0]
    return dims


def _flatten(v, depth, ndim, out):
    if depth == ndim - 1:
        out.extend(v)
    else:
        for x in v:
            _flatten(x, depth + 1, ndim, out)


def make_array_send(elem_send, elem_oid: int, elem_is_list: bool = False, lower_bound: int = 1):
    def send(v) -> bytes:
        if not v:
            return _iii.pack(0, 0, elem_oid)
        dims = array_dims(v, elem_is_list)
        ndim = len(dims)
        if ndim == 1:
            flat = v
        else:
            flat = []
            _flatten(v, 0, ndim, flat)
            total = 1
            for d in dims:
                total *= d
            if len(flat) != total:
                raise PgError("multidimensional arrays must have array expressions with matching dimensions",
                              "2202E")
        has_null = None in flat
        parts = [_iii.pack(ndim, 1 if has_null else 0, elem_oid)]
        for d in dims:
            parts.append(_ii.pack(d, lower_bound))
        pack = _i.pack
        for x in flat:
            if x is None:
                parts.append(_NULL_LEN)
            else:
                b = elem_send(x)
                parts.append(pack(len(b)))
                parts.append(b)
        return b"".join(parts)

    return send


def make_array_recv(elem_recv, elem_oid: int, elem_name: str = "", elem_is_list: bool = False):
    def recv(b, typmod: int = -1):
        b = bytes(b)
        if len(b) < 12:
            raise bad_binary("insufficient data left in message")
        ndim, flags, etype = _iii.unpack_from(b, 0)
        if ndim < 0:
            raise PgError(f"invalid number of dimensions: {ndim}", "22P03")
        if ndim > MAXDIM:
            raise PgError(f"number of array dimensions ({ndim}) exceeds the maximum allowed ({MAXDIM})", "54000")
        if flags not in (0, 1):
            raise PgError("invalid array flags", "22P03")
        if etype != elem_oid:
            raise PgError(f"binary data has array element type {etype} instead of expected {elem_oid}"
                          + (f" ({elem_name})" if elem_name else ""), "42804")
        pos = 12
        dims = []
        for _ in range(ndim):
            if pos + 8 > len(b):
                raise bad_binary("insufficient data left in message")
            d, _lb = _ii.unpack_from(b, pos)
            pos += 8
            if d < 0:
                raise PgError("array size exceeds the maximum allowed", "54000")
            dims.append(d)
        if ndim == 0 or 0 in dims:
            if pos != len(b):
                raise bad_binary("incorrect binary data format")
            return []
        if ndim > 1 and elem_is_list:
            raise PgError("multidimensional arrays of this element type are not supported", "0A000")
        total = 1
        for d in dims:
            total *= d
        flat = []
        unpack = _i.unpack_from
        for _ in range(total):
            if pos + 4 > len(b):
                raise bad_binary("insufficient data left in message")
            ln = unpack(b, pos)[0]
            pos += 4
            if ln == -1:
                flat.append(None)
                continue
            if ln < 0 or pos + ln > len(b):
                raise bad_binary("insufficient data left in message")
            flat.append(elem_recv(b[pos:pos + ln], typmod))
            pos += ln
        if pos != len(b):
            raise bad_binary("incorrect binary data format")
        return _unflatten(flat, dims)

    return recv


def _unflatten(flat, dims):
    if len(dims) == 1:
        return flat
    step = 1
    for d in dims[1:]:
        step *= d
    return [_unflatten(flat[i * step:(i + 1) * step], dims[1:]) for i in range(dims[0])]


# ---------------------------------------------------------------------- int2vector / oidvector


def make_vector_in(elem_in, typname_for_errors: str):
    def vector_in(s: str, typmod: int = -1, tz=None):
        out = []
        for tok in s.split():
            out.append(elem_in(tok))
        if not s.strip(_ISSPACE) and s.strip():
            raise PgError(f'invalid input syntax for type {typname_for_errors}: "{s}"', INVALID_TEXT)
        return out

    return vector_in


def vector_out(v) -> str:
    return " ".join(map(str, v))


def make_vector_send(elem_send, elem_oid: int):
    inner = make_array_send(elem_send, elem_oid, True, lower_bound=0)

    def send(v) -> bytes:
        if not v:
            return _iii.pack(1, 0, elem_oid) + _ii.pack(0, 0)
        return inner(v)

    return send


def make_vector_recv(elem_recv, elem_oid: int, typname: str):
    def recv(b, typmod: int = -1):
        b = bytes(b)
        if len(b) < 12:
            raise bad_binary("insufficient data left in message")
        ndim, flags, etype = _iii.unpack_from(b, 0)
        if ndim == 0:
            return []
        if ndim != 1 or flags != 0 or etype != elem_oid or len(b) < 20:
            raise PgError(f"invalid {typname} data", "22P03")
        d, lb = _ii.unpack_from(b, 12)
        if lb != 0:
            raise PgError(f"invalid {typname} data", "22P03")
        pos = 20
        out = []
        for _ in range(d):
            ln = _i.unpack_from(b, pos)[0]
            pos += 4
            if ln < 0:
                raise PgError(f"invalid {typname} data", "22P03")
            out.append(elem_recv(b[pos:pos + ln]))
            pos += ln
        return out

    return recv


# ---------------------------------------------------------------------- records

_RECORD_QUOTE = re.compile(r'[",\\() \t\n\r\v\f]')


def record_out(values, outs) -> str:
    """Composite/record text output: '(1,"a b",)' with PostgreSQL's quoting.

    ``outs`` is one text-output function per field.
    """
    parts = []
    for v, out in zip(values, outs):
        if v is None:
            parts.append("")
            continue
        t = out(v)
        if not t or _RECORD_QUOTE.search(t):
            parts.append('"' + t.replace("\\", "\\\\").replace('"', '""') + '"')
        else:
            parts.append(t)
    return "(" + ",".join(parts) + ")"


def record_in(s: str, typname: str, fields, tz=None) -> tuple:
    """PostgreSQL's record_in for a composite type: ``fields`` is [(PgType, typmod)].
    '(1,"a b",)' -> (1, 'a b', None); whitespace is kept inside fields (as PostgreSQL does)."""

    def bad(detail):
        return PgError(f'malformed record literal: "{s}"', INVALID_TEXT, detail=detail)

    n = len(s)
    p = 0
    while p < n and s[p].isspace():
        p += 1
    if p >= n or s[p] != "(":
        raise bad("Missing left parenthesis.")
    p += 1
    out = []
    nf = len(fields)
    for i, (ft, tm) in enumerate(fields):
        if i > 0:
            if p < n and s[p] == ",":
                p += 1
            else:
                raise bad("Too few columns.")
        if p < n and s[p] in ",)":
            out.append(None)
            continue
        buf = []
        inq = False
        while True:
            if p >= n:
                raise bad("Unexpected end of input.")
            c = s[p]
            if not inq and c in ",)":
                break
            if c == "\\":
                p += 1
                if p >= n:
                    raise bad("Unexpected end of input.")
                buf.append(s[p])
            elif c == '"':
                if not inq:
                    inq = True
                elif p + 1 < n and s[p + 1] == '"':
                    buf.append('"')
                    p += 1
                else:
                    inq = False
            else:
                buf.append(c)
            p += 1
        out.append(ft.text_in("".join(buf), tm, tz))
    if p < n and s[p] == "," and nf:
        raise bad("Too many columns.")
    if p >= n or s[p] != ")":
        raise bad("Too many columns." if p < n else "Unexpected end of input.")
    p += 1
    while p < n and s[p].isspace():
        p += 1
    if p < n:
        raise bad("Junk after right parenthesis.")
    return tuple(out)
