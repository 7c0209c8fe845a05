"""json and jsonb.

- json values are ``str``: the exact input text, validated with PostgreSQL's
  grammar and error messages (json_in keeps whitespace, key order,
  duplicate keys and escapes verbatim).
- jsonb values are plain Python JSON structures: ``dict`` (str keys),
  ``list``, ``str``, ``int`` (integral numbers written without a fraction),
  ``decimal.Decimal`` (everything else, keeping the numeric scale: ``1.50``
  stays ``Decimal('1.50')``), ``bool`` and ``None`` for a JSON null *inside* a
  container.  A top-level JSON null is the singleton :data:`JSON_NULL`, so a
  SQL NULL (``None``) and ``'null'::jsonb`` differ.  Duplicate keys: the last
  wins.  Output orders object keys as jsonb stores them: shorter keys
  (in UTF-8 bytes) first, then bytewise.  Use :func:`jsonb_from_python` to
  turn arbitrary Python data (floats, tuples, top-level None, ...) into this
  form.
"""

from __future__ import annotations

import json as _json
from decimal import Decimal, InvalidOperation
from json.encoder import encode_basestring as _quote

from ..errors import PgError
from ._util import INVALID_TEXT, UNTRANSLATABLE, bad_binary, decode_utf8
from .numeric import NUMERIC_DSCALE_MAX as _NUMERIC_DSCALE_MAX
from .numeric import NUMERIC_WEIGHT_MAX
from .numeric import normalize as _numeric_normalize
from .numeric import numeric_out


class _JsonNull:
    """The jsonb value ``null`` at top level (a non-NULL SQL value)."""

    __slots__ = ()
    _inst = None

    def __new__(cls):
        if cls._inst is None:
            cls._inst = object.__new__(cls)
        return cls._inst

    def __repr__(self):
        return "JSON_NULL"

    def __reduce__(self):
        return (_JsonNull, ())

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


JSON_NULL = _JsonNull()


def _json_error(detail: str, code: str = INVALID_TEXT) -> PgError:
    return PgError("invalid input syntax for type json", code, detail=detail)


# ---------------------------------------------------------------------- PostgreSQL-exact parser

_WS = " \t\n\r"


def _is_alnum_byte(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c == "_") or not c.isascii()


class _Lexer:
    """PostgreSQL's json lexer over a str; tokens are (kind, start, end)."""

    __slots__ = ("s", "n", "pos", "decode", "for_jsonb")

    def __init__(self, s: str, decode: bool, for_jsonb: bool):
        self.s = s
        self.n = len(s)
        self.pos = 0
        self.decode = decode
        self.for_jsonb = for_jsonb

    def next(self):
        """Returns (kind, text, value). kind in '{}[],:' 'string' 'number' 'true' 'false' 'null' 'end'."""
        s, n = self.s, self.n
        p = self.pos
        while p < n and s[p] in _WS:
            p += 1
        if p >= n:
            self.pos = p
            return ("end", "", None)
        c = s[p]
        if c in "{}[],:":
            self.pos = p + 1
            return (c, c, None)
        if c == '"':
            return self._string(p)
        if c == "-" or ("0" <= c <= "9"):
            return self._number(p)
        q = p
        while q < n and _is_alnum_byte(s[q]):
            q += 1
        if q == p:
            raise _json_error(f'Token "{s[p]}" is invalid.')
        word = s[p:q]
        self.pos = q
        if word in ("true", "false", "null"):
            return (word, word, None)
        raise _json_error(f'Token "{word}" is invalid.')

    def _number(self, p):
        s, n = self.s, self.n
        start = p
        if s[p] == "-":
            p += 1
        error = False
        if p < n and s[p] == "0":
            p += 1
        elif p < n and "1" <= s[p] <= "9":
            while p < n and "0" <= s[p] <= "9":
                p += 1
        else:
            error = True
        if p < n and s[p] == ".":
            p += 1
            if p >= n or not ("0" <= s[p] <= "9"):
                error = True
            else:
                while p < n and "0" <= s[p] <= "9":
                    p += 1
        if p < n and s[p] in "eE":
            p += 1
            if p < n and s[p] in "+-":
                p += 1
            if p >= n or not ("0" <= s[p] <= "9"):
                error = True
            else:
                while p < n and "0" <= s[p] <= "9":
                    p += 1
        while p < n and _is_alnum_byte(s[p]):
            p += 1
            error = True
        self.pos = p
        text = s[start:p]
        if error:
            raise _json_error(f'Token "{text}" is invalid.')
        return ("number", text, None)

    def _string(self, p):
        s, n = self.s, self.n
        start = p
        p += 1
        out = [] if self.decode else None
        hi_surrogate = -1
        while True:
            if p >= n:
                raise _json_error(f'Token "{s[start:p]}" is invalid.')
            c = s[p]
            if c == '"':
                break
            if c < "\x20":
                raise _json_error(f"Character with value 0x{ord(c):02x} must be escaped.")
            if c == "\\":
                p += 1
                if p >= n:
                    raise _json_error(f'Token "{s[start:p]}" is invalid.')
                e = s[p]
                if e == "u":
                    hexs = s[p + 1:p + 5]
                    if len(hexs) < 4 or any(h not in "0123456789abcdefABCDEF" for h in hexs):
                        raise _json_error('"\\u" must be followed by four hexadecimal digits.')
                    ch = int(hexs, 16)
                    p += 5
                    if self.decode:
                        if 0xD800 <= ch <= 0xDBFF:
                            if hi_surrogate != -1:
                                raise _json_error("Unicode high surrogate must not follow a high surrogate.")
                            hi_surrogate = ch
                            continue
                        if 0xDC00 <= ch <= 0xDFFF:
                            if hi_surrogate == -1:
                                raise _json_error("Unicode low surrogate must follow a high surrogate.")
                            ch = 0x10000 + ((hi_surrogate & 0x3FF) << 10) + (ch & 0x3FF)
                            hi_surrogate = -1
                        if hi_surrogate != -1:
                            raise _json_error("Unicode low surrogate must follow a high surrogate.")
                        if ch == 0:
                            raise PgError("unsupported Unicode escape sequence", UNTRANSLATABLE,
                                          detail="\\u0000 cannot be converted to text.")
                        out.append(chr(ch))
                    continue
                if hi_surrogate != -1:
                    raise _json_error("Unicode low surrogate must follow a high surrogate.")
                m = _SIMPLE_ESCAPES.get(e)
                if m is None:
                    raise _json_error(f'Escape sequence "\\{e}" is invalid.')
                if self.decode:
                    out.append(m)
                p += 1
                continue
            if hi_surrogate != -1:
                raise _json_error("Unicode low surrogate must follow a high surrogate.")
            if self.decode:
                q = p + 1
                while q < n and s[q] not in '"\\' and s[q] >= "\x20":
                    q += 1
                out.append(s[p:q])
                p = q
            else:
                p += 1
        if hi_surrogate != -1:
            raise _json_error("Unicode low surrogate must follow a high surrogate.")
        self.pos = p + 1
        return ("string", s[start:p + 1], "".join(out) if self.decode else None)


_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _found(tok) -> str:
    if tok[0] == "end":
        return None
    return tok[1]


def _expect_error(what: str, tok) -> PgError:
    if tok[0] == "end":
        return _json_error("The input string ended unexpectedly.")
    return _json_error(f'Expected {what}, but found "{tok[1]}".')


def _parse_value(lex: _Lexer, tok, build: bool, ctx: str):
    kind = tok[0]
    if kind == "{":
        return _parse_object(lex, build)
    if kind == "[":
        return _parse_array(lex, build)
    if kind == "string":
        return tok[2]
    if kind == "number":
        return _number_value(tok[1]) if build else None
    if kind == "true":
        return True
    if kind == "false":
        return False
    if kind == "null":
        return None
    raise _expect_error(ctx, tok)


def _parse_object(lex: _Lexer, build: bool):
    pairs = [] if build else None
    tok = lex.next()
    if tok[0] == "}":
        return {} if build else None
    if tok[0] != "string":
        raise _expect_error('string or "}"', tok)
    while True:
        key = tok[2]
        tok = lex.next()
        if tok[0] != ":":
            raise _expect_error('":"', tok)
        val = _parse_value(lex, lex.next(), build, "JSON value")
        if build:
            pairs.append((key, val))
        tok = lex.next()
        if tok[0] == "}":
            break
        if tok[0] != ",":
            raise _expect_error('"," or "}"', tok)
        tok = lex.next()
        if tok[0] != "string":
            raise _expect_error("string", tok)
    return _make_object(pairs) if build else None


def _parse_array(lex: _Lexer, build: bool):
    out = [] if build else None
    tok = lex.next()
    if tok[0] == "]":
        return out
    val = _parse_value(lex, tok, build, "JSON value")
    if build:
        out.append(val)
    while True:
        tok = lex.next()
        if tok[0] == "]":
            return out
        if tok[0] != ",":
            raise _expect_error('"," or "]"', tok)
        val = _parse_value(lex, lex.next(), build, "JSON value")
        if build:
            out.append(val)


def _parse_document(s: str, build: bool, for_jsonb: bool):
    lex = _Lexer(s, decode=build, for_jsonb=for_jsonb)
    try:
        v = _parse_value(lex, lex.next(), build, "JSON value")
    except RecursionError:
        raise PgError("stack depth limit exceeded", "54001",
                      hint="The JSON document is nested too deeply.") from None
    tok = lex.next()
    if tok[0] != "end":
        raise _expect_error("end of input", tok)
    return v


# ---------------------------------------------------------------------- values


_NUMERIC_MAX_DIGITS = (NUMERIC_WEIGHT_MAX + 1) * 4
_MAX_INT_DIGITS = 4000  # Python refuses str <-> int conversions beyond 4300 digits


def _number_value(text: str):
    """A JSON number literal -> int (integral, no fraction/exponent) or normalized Decimal.

    Numbers follow numeric's limits (PostgreSQL stores them as numeric):
    22003 'value overflows numeric format' beyond them.
    """
    if "." not in text and "e" not in text and "E" not in text and len(text) <= _MAX_INT_DIGITS:
        return int(text)
    try:
        d = Decimal(text)
    except InvalidOperation:  # exponent beyond what Decimal holds
        raise PgError("value overflows numeric format", "22003") from None
    t = d.as_tuple()
    if t.exponent < -_NUMERIC_DSCALE_MAX or (d and d.adjusted() >= _NUMERIC_MAX_DIGITS):
        raise PgError("value overflows numeric format", "22003")
    if t.exponent >= 0:
        if d.adjusted() < _MAX_INT_DIGITS:
            return int(d)
        return _numeric_normalize(d)
    return _numeric_normalize(d)


def _keykey(k: str):
    return (len(k) if k.isascii() else len(k.encode("utf-8", "surrogatepass")), k)


def _make_object(pairs) -> dict:
    d = dict(pairs)  # last duplicate wins
    if len(d) > 1:
        return {k: d[k] for k in sorted(d, key=_keykey)}
    return d


def _reject_constant(name):
    raise ValueError(name)


_decoder = _json.JSONDecoder(parse_float=_number_value, parse_int=_number_value, parse_constant=_reject_constant,
                             object_pairs_hook=_make_object)
_decode_fast = _decoder.decode


def _ignore(x):
    return None


# json (text) only validates: numbers are never converted
_validate_fast = _json.JSONDecoder(parse_float=_ignore, parse_int=_ignore, parse_constant=_reject_constant,
                                   object_pairs_hook=_ignore).decode


def jsonb_in(s: str, typmod: int = -1, tz=None):
    if "\\u" not in s:
        try:
            v = _decode_fast(s)
        except (ValueError, RecursionError, PgError):
            v = _parse_document(s, True, True)  # raises PostgreSQL's error, in its order
    else:
        v = _parse_document(s, True, True)
    return JSON_NULL if v is None else v


def json_in(s: str, typmod: int = -1, tz=None) -> str:
    if "\\u" not in s:
        try:
            _validate_fast(s)
            return s
        except (ValueError, RecursionError):
            pass
    _parse_document(s, False, False)
    return s


def json_validate(s: str) -> None:
    """Raise PostgreSQL's error if ``s`` is not valid json."""
    json_in(s)


def parse_json_value(s: str):
    """Parse json text to the jsonb Python form (decoding escapes); JSON_NULL for 'null'."""
    return jsonb_in(s)


def json_out(s) -> str:
    return s


def jsonb_out(v) -> str:
    if v is JSON_NULL or v is None:
        return "null"
    parts = []
    _emit(v, parts.append)
    return "".join(parts)


def _emit(v, w):
    t = v.__class__
    if t is str:
        w(_quote(v))
    elif t is dict:
        if not v:
            w("{}")
            return
        w("{")
        first = True
        for k in sorted(v, key=_keykey):
            if first:
                first = False
            else:
                w(", ")
            w(_quote(k))
            w(": ")
            _emit(v[k], w)
        w("}")
    elif t is list or t is tuple:
        if not v:
            w("[]")
            return
        w("[")
        first = True
        for x in v:
            if first:
                first = False
            else:
                w(", ")
            _emit(x, w)
        w("]")
    elif v is None or v is JSON_NULL:
        w("null")
    elif t is bool:
        w("true" if v else "false")
    elif t is int:
        w(str(v))
    elif t is Decimal:
        w(numeric_out(v))
    elif t is float:
        from .scalars import float8_out
        w(float8_out(v) if v == v and v - v == 0 else _quote(float8_out(v)))
    elif isinstance(v, dict):
        _emit(dict(v), w)
    elif isinstance(v, str):
        w(_quote(str(v)))
    elif isinstance(v, int):
        w(str(int(v)))
    else:
        raise TypeError(f"not a jsonb value: {v!r}")


def jsonb_send(v) -> bytes:
    return b"\x01" + jsonb_out(v).encode("utf-8", "surrogatepass")


def jsonb_recv(b, typmod: int = -1):
    b = bytes(b)
    if not b:
        raise bad_binary("insufficient data left in message")
    if b[0] != 1:
        raise PgError(f"unsupported jsonb version number {b[0]}", "XX000")
    return jsonb_in(decode_utf8(b[1:]))


def json_send(s) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def json_recv(b, typmod: int = -1) -> str:
    return json_in(decode_utf8(b))


# ---------------------------------------------------------------------- helpers for other layers

def jsonb_from_python(obj, _top: bool = True):
    """Convert Python data to the jsonb representation (see module docstring).

    None -> JSON_NULL at top level (None inside containers); float -> Decimal
    (NaN/Infinity become the strings "NaN"/"Infinity" as to_jsonb does);
    tuples -> lists; dict keys -> str; JSON_NULL inside a container -> None.
    """
    t = obj.__class__
    if obj is None or obj is JSON_NULL:
        return JSON_NULL if _top else None
    if t is str or t is bool or t is int:
        return obj
    if t is Decimal:
        if not obj.is_finite():
            return "NaN" if obj.is_nan() else ("Infinity" if obj > 0 else "-Infinity")
        if obj.as_tuple().exponent >= 0:
            return int(obj)
        return _numeric_normalize(obj)
    if t is float:
        if obj != obj:
            return "NaN"
        if obj - obj != 0:
            return "Infinity" if obj > 0 else "-Infinity"
        if obj == int(obj) and abs(obj) < 1e16:
            return int(obj)
        from .scalars import float8_out
        return jsonb_from_python(Decimal(float8_out(obj)), _top)
    if isinstance(obj, dict):
        return _make_object([(k if isinstance(k, str) else str(k), jsonb_from_python(v, False))
                             for k, v in obj.items()])
    if isinstance(obj, (list, tuple)):
        return [jsonb_from_python(x, False) for x in obj]
    if isinstance(obj, bool):
        return bool(obj)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, str):
        return str(obj)
    raise TypeError(f"cannot convert {type(obj).__name__} to jsonb")


normalize = jsonb_from_python


def jsonb_type_name(v) -> str:
    """PostgreSQL's jsonb_typeof: object, array, string, number, boolean, null."""
    t = v.__class__
    if t is dict:
        return "object"
    if t is list:
        return "array"
    if t is str:
        return "string"
    if t is bool:
        return "boolean"
    if v is None or v is JSON_NULL:
        return "null"
    return "number"


# jsonb btree order: Object > Array > Boolean > Number > String > Null
_RANK = {"null": 0, "string": 1, "number": 2, "boolean": 3, "array": 4, "object": 5}


def jsonb_compare(a, b) -> int:
    """PostgreSQL's jsonb btree comparison (compareJsonbContainers), -1/0/1."""
    ta, tb = jsonb_type_name(a), jsonb_type_name(b)
    if ta != tb:
        # a raw scalar at top level is stored as a one-element array that sorts as an array
        # below real arrays only in the (empty array) corner case; ranks suffice elsewhere
        return -1 if _RANK[ta] < _RANK[tb] else 1
    if ta == "object":
        if len(a) != len(b):
            return -1 if len(a) < len(b) else 1
        ka = sorted(a, key=_keykey)
        kb = sorted(b, key=_keykey)
        for x, y in zip(ka, kb):
            if x != y:
                return -1 if _keykey(x) < _keykey(y) else 1
            c = jsonb_compare(a[x], b[y])
            if c:
                return c
        return 0
    if ta == "array":
        if len(a) != len(b):
            return -1 if len(a) < len(b) else 1
        for x, y in zip(a, b):
            c = jsonb_compare(x, y)
            if c:
                return c
        return 0
    if ta == "null":
        return 0
    if ta == "string":
        if a == b:
            return 0
        return -1 if a.encode("utf-8", "surrogatepass") < b.encode("utf-8", "surrogatepass") else 1
    if ta == "boolean":
        return 0 if a == b else (-1 if not a else 1)
    da, db = Decimal(a), Decimal(b)
    return 0 if da == db else (-1 if da < db else 1)


def jsonb_equal(a, b) -> bool:
    return jsonb_compare(a, b) == 0
