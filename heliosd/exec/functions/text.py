"""String functions and operators (PostgreSQL 15's varlena.c, oracle_compat.c,
like.c, regexp.c, encode.c).

Semantics worth knowing:

- Character functions count code points (the database encoding is UTF-8);
  ``octet_length`` counts UTF-8 bytes.
- ``upper``/``lower``/``initcap`` map one character to one character (like
  towupper/towlower in the reference's C.UTF-8 ctype): ``upper('ß')`` stays
  ``ß``.
- ``concat``, ``concat_ws``, ``format`` and ``||`` with a non-text operand
  print values with their type's output function (arguments' types come
  from the analyzer through the overload's ``binder``).

LIKE
----
Patterns compile to Python regular expressions (``%`` -> ``.*``, ``_`` ->
``.``, DOTALL, anchored), cached per pattern; common shapes (no wildcard,
``prefix%``, ``%suffix``, ``%infix%``) take string fast paths.  A pattern
ending in the escape character raises 22025 like PostgreSQL.  ILIKE
lower-cases both sides one character at a time, as PostgreSQL does, so
``'Straße' ILIKE 'STRASSE'`` is false.

Regular expressions (documented differences)
--------------------------------------------
PostgreSQL's engine is Henry Spencer's ARE; heliosd translates an ARE to
Python's ``re`` (see :func:`translate_are`):

- handled: ``.`` matches newline and ``$`` only matches at the very end
  (PostgreSQL's default non-newline-sensitive mode; flag ``n`` switches to
  newline-sensitive), ``\\m`` ``\\M`` ``\\y`` ``\\Y`` word boundaries,
  ``[[:alpha:]]``-style classes (also inside brackets), ``[[:<:]]``
  ``[[:>:]]``, ``\\Z``, flags ``i c n p w s x q g``, embedded ``(?i)``-style
  options at the start, and replacement strings with ``\\1``..``\\9`` and
  ``\\&``;
- errors map to PostgreSQL's messages (``invalid regular expression:
  parentheses () not balanced`` ...) with SQLSTATE 2201B;
- not reproduced: ARE's "longest match wins" rule for alternations and the
  greediness of a whole RE being decided by its first quantifier (Python
  is always leftmost-first, per quantifier), collating elements
  ``[[.x.]]``/equivalence classes ``[[=x=]]``, the ``***=`` / ``***:``
  director prefixes, and ``b``/``e`` (BRE/ERE) flags, which are rejected.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
import unicodedata

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import op, register
from ._common import text_out

def _output(t):
    """f(value) -> str: the type's output function (concat, format, array_to_string print
    with it: true is 't', char(n) keeps its blanks), where a cast to text differs."""
    if t is T.BOOL:
        return lambda v: "t" if v else "f"
    if t is T.BPCHAR:
        return lambda v: v
    return text_out(t)


TX = T.TEXT
I4 = T.INT4
I8 = T.INT8
B = T.BYTEA
BOOL = T.BOOL


def _f(name, args, ret, impl=None, **kw):
    return register(name, args, ret, impl, **kw)


def _binder(fn, name, args, ret, **kw):
    f = register(name, args, ret, None, **kw)
    f.binder = fn
    return f


# ====================================================================== case mapping


def _map1(c, f):
    r = f(c)
    return r if len(r) == 1 else c


@functools.lru_cache(maxsize=4096)
def _upper_char(c):
    return _map1(c, str.upper)


@functools.lru_cache(maxsize=4096)
def _lower_char(c):
    return _map1(c, str.lower)


def pg_upper(s):
    if s.isascii():
        return s.upper()
    return "".join(_upper_char(c) for c in s)


def pg_lower(s):
    if s.isascii():
        return s.lower()
    return "".join(_lower_char(c) for c in s)


def pg_initcap(s):
    out = []
    in_word = False
    for c in s:
        if in_word:
            out.append(_lower_char(c))
        else:
            out.append(_upper_char(c))
        in_word = c.isalnum()
    return "".join(out)


_f("upper", [TX], TX, pg_upper)
_f("lower", [TX], TX, pg_lower)
_f("initcap", [TX], TX, pg_initcap)


# ====================================================================== lengths


def _octets(s):
    return len(s.encode("utf-8", "surrogatepass"))


for _n in ("length", "char_length", "character_length"):
    _f(_n, [TX], I4, len)
_f("length", [T.BPCHAR], I4, lambda s: len(s.rstrip(" ")))
_f("char_length", [T.BPCHAR], I4, lambda s: len(s.rstrip(" ")))
_f("character_length", [T.BPCHAR], I4, lambda s: len(s.rstrip(" ")))
_f("length", [B], I4, len)
_f("octet_length", [TX], I4, _octets)
_f("octet_length", [B], I4, len)
_f("octet_length", [T.BPCHAR], I4, _octets)
_f("bit_length", [TX], I4, lambda s: 8 * _octets(s))
_f("bit_length", [B], I4, lambda b: 8 * len(b))


# ====================================================================== concatenation


def _textcat_bind(left_text):
    def bind(c, argtypes, args):
        other = argtypes[1] if left_text else argtypes[0]
        out = text_out(other)
        if left_text:
            c.impl = lambda a, b: a + out(b)
        else:
            c.impl = lambda a, b: out(a) + b

    return bind


_tc = op("||", TX, "anynonarray", TX, None)
_tc.binder = _textcat_bind(True)
_ct = op("||", "anynonarray", TX, TX, None)
_ct.binder = _textcat_bind(False)
op("||", B, B, B, template="({0} + {1})")


def _concat_bind(c, argtypes, args):
    outs = [_output(t) for t in argtypes]

    def concat(*vals):
        return "".join(o(v) for o, v in zip(outs, vals) if v is not None)

    c.impl = concat


def _concat_ws_bind(c, argtypes, args):
    outs = [_output(t) for t in argtypes[1:]]

    def concat_ws(sep, *vals):
        if sep is None:
            return None
        return sep.join(o(v) for o, v in zip(outs, vals) if v is not None)

    c.impl = concat_ws


_binder(_concat_bind, "concat", ["any"], TX, strict=False, variadic=True, volatility="s")
_binder(_concat_ws_bind, "concat_ws", [TX, "any"], TX, strict=False, variadic=True, volatility="s")


# ====================================================================== substring / position


def _neg_len():
    return PgError("negative substring length not allowed", errcodes.SUBSTRING_ERROR)


def pg_substr(s, start, length=None):
    if length is None:
        if start <= 1:
            return s
        return s[start - 1:]
    if length < 0:
        raise _neg_len()
    end = start + length
    if start < 1:
        start = 1
    if end <= start:
        return ""
    return s[start - 1:end - 1]


_f("substring", [TX, I4], TX, pg_substr)
_f("substring", [TX, I4, I4], TX, pg_substr)
_f("substr", [TX, I4], TX, pg_substr)
_f("substr", [TX, I4, I4], TX, pg_substr)
_f("substring", [B, I4], B, pg_substr)
_f("substring", [B, I4, I4], B, pg_substr)
_f("substr", [B, I4], B, pg_substr)
_f("substr", [B, I4, I4], B, pg_substr)


def _strpos(s, sub):
    return s.find(sub) + 1


_f("position", [TX, TX], I4, _strpos)
_f("strpos", [TX, TX], I4, _strpos)
_f("position", [B, B], I4, _strpos)


def _replace(s, a, b):
    if a == "":
        return s
    return s.replace(a, b)


_f("replace", [TX, TX, TX], TX, _replace)


def _split_part(s, d, n):
    if n == 0:
        raise PgError("field position must not be zero", errcodes.INVALID_PARAMETER_VALUE)
    if d == "":
        return s if n in (1, -1) else ""
    parts = s.split(d) if s else [""]
    if s == "":
        return ""
    if n > 0:
        return parts[n - 1] if n <= len(parts) else ""
    return parts[n] if -n <= len(parts) else ""


_f("split_part", [TX, TX, I4], TX, _split_part)


# ====================================================================== trimming / padding


def _btrim(s, chars=" "):
    return s.strip(chars) if chars else s


def _ltrim(s, chars=" "):
    return s.lstrip(chars) if chars else s


def _rtrim(s, chars=" "):
    return s.rstrip(chars) if chars else s


for _n, _fn in (("btrim", _btrim), ("ltrim", _ltrim), ("rtrim", _rtrim)):
    _f(_n, [TX], TX, _fn)
    _f(_n, [TX, TX], TX, _fn)


def _btrim_bytes(b, chars):
    return b.strip(chars) if chars else b


_f("btrim", [B, B], B, _btrim_bytes)
_f("ltrim", [B, B], B, lambda b, c: b.lstrip(c) if c else b)
_f("rtrim", [B, B], B, lambda b, c: b.rstrip(c) if c else b)


def _left(s, n):
    if n >= 0:
        return s[:n]
    return s[:max(len(s) + n, 0)]


def _right(s, n):
    if n >= 0:
        return s[len(s) - n:] if n < len(s) else s
    return s[-n:] if -n < len(s) else ""


_f("left", [TX, I4], TX, _left)
_f("right", [TX, I4], TX, _right)


def _lpad(s, n, fill=" "):
    if n <= 0:
        return ""
    if len(s) >= n:
        return s[:n]
    if not fill:
        return s
    need = n - len(s)
    pad = (fill * (need // len(fill) + 1))[:need]
    return pad + s


def _rpad(s, n, fill=" "):
    if n <= 0:
        return ""
    if len(s) >= n:
        return s[:n]
    if not fill:
        return s
    need = n - len(s)
    pad = (fill * (need // len(fill) + 1))[:need]
    return s + pad


_f("lpad", [TX, I4], TX, _lpad)
_f("lpad", [TX, I4, TX], TX, _lpad)
_f("rpad", [TX, I4], TX, _rpad)
_f("rpad", [TX, I4, TX], TX, _rpad)


def _repeat(s, n):
    if n <= 0:
        return ""
    if len(s) * n > (1 << 30) - 1:
        raise PgError("requested length too large", errcodes.PROGRAM_LIMIT_EXCEEDED)
    return s * n


_f("repeat", [TX, I4], TX, _repeat)
_f("reverse", [TX], TX, lambda s: s[::-1])


def _translate(s, frm, to):
    m = {}
    for i, c in enumerate(frm):
        if c in m:
            continue
        m[c] = to[i] if i < len(to) else None
    return "".join((m[c] or "") if c in m else c for c in s)


_f("translate", [TX, TX, TX], TX, _translate)


def _overlay(s, r, start, count=None):
    if count is None:
        count = len(r)
    if start < 1:
        raise _neg_len() if False else PgError("negative substring length not allowed", errcodes.SUBSTRING_ERROR)
    if count < 0:
        raise _neg_len()
    return pg_substr(s, 1, start - 1) + r + pg_substr(s, start + count)


_f("overlay", [TX, TX, I4], TX, _overlay)
_f("overlay", [TX, TX, I4, I4], TX, _overlay)
_f("overlay", [B, B, I4], B, _overlay)
_f("overlay", [B, B, I4, I4], B, _overlay)


def _starts_with(s, p):
    return s.startswith(p)


_f("starts_with", [TX, TX], BOOL, _starts_with)
op("^@", TX, TX, BOOL, _starts_with)


# ====================================================================== format / quoting


def quote_ident(s):
    from ..deparse import quote_ident as q  # PostgreSQL's rule: plain names and unreserved keywords bare

    return q(s)


def quote_literal(s):
    q = "'" + s.replace("'", "''") + "'"
    if "\\" in s:
        return "E" + q.replace("\\", "\\\\")
    return q


_f("quote_ident", [TX], TX, quote_ident)
_f("quote_literal", [TX], TX, quote_literal)
_f("quote_nullable", [TX], TX, lambda s: "NULL" if s is None else quote_literal(s), strict=False)


def _ql_bind(nullable):
    def bind(c, argtypes, args):
        out = text_out(argtypes[0])
        if nullable:
            c.impl = lambda v: "NULL" if v is None else quote_literal(out(v))
        else:
            c.impl = lambda v: quote_literal(out(v))

    return bind


_binder(_ql_bind(False), "quote_literal", ["anyelement"], TX, volatility="s")
_binder(_ql_bind(True), "quote_nullable", ["anyelement"], TX, volatility="s", strict=False)


def _fmt_err(msg, hint=None):
    return PgError(msg, errcodes.INVALID_PARAMETER_VALUE, hint=hint)


def _format_impl(outs, fmt, vals):
    out = []
    i = 0
    n = len(fmt)
    argi = 0
    nargs = len(vals)

    def read_int(p):
        st = p
        while p < n and fmt[p].isdigit():
            p += 1
        if p == st:
            return None, p
        v = int(fmt[st:p])
        return v, p

    while i < n:
        c = fmt[i]
        if c != "%":
            j = fmt.find("%", i)
            if j < 0:
                out.append(fmt[i:])
                break
            out.append(fmt[i:j])
            i = j
            continue
        i += 1
        if i >= n:
            raise _fmt_err("unterminated format() type specifier", 'For a single "%" use "%%".')
        if fmt[i] == "%":
            out.append("%")
            i += 1
            continue
        # [argpos$][flags][width][type]
        argpos = None
        v, p = read_int(i)
        if v is not None and p < n and fmt[p] == "$":
            if v == 0:
                raise _fmt_err("format specifies argument 0, but arguments are numbered from 1")
            argpos = v
            i = p + 1
        left = False
        while i < n and fmt[i] == "-":
            left = True
            i += 1
        width = None
        if i < n and fmt[i] == "*":
            i += 1
            wv, p = read_int(i)
            if wv is not None and p < n and fmt[p] == "$":
                wpos = wv
                i = p + 1
            else:
                wpos = argi + 1
                argi += 1
            if wpos > nargs:
                raise _fmt_err("too few arguments for format()")
            w = vals[wpos - 1]
            if w is not None:
                width = int(w)
                if width < 0:
                    left = True
                    width = -width
            if argpos is None:
                pass
        else:
            wv, p = read_int(i)
            if wv is not None:
                width = wv
                i = p
        if i >= n:
            raise _fmt_err("unterminated format() type specifier", 'For a single "%" use "%%".')
        typ = fmt[i]
        i += 1
        if typ not in "sIL":
            raise _fmt_err(f'unrecognized format() type specifier "{typ}"', 'For a single "%" use "%%".')
        if argpos is None:
            argi += 1
            idx = argi
        else:
            idx = argpos
            argi = argpos
        if idx > nargs:
            raise _fmt_err("too few arguments for format()")
        val = vals[idx - 1]
        if typ == "s":
            s = "" if val is None else outs[idx - 1](val)
        elif typ == "I":
            if val is None:
                raise PgError("null values cannot be formatted as an SQL identifier",
                              errcodes.NULL_VALUE_NOT_ALLOWED)
            s = quote_ident(outs[idx - 1](val))
        else:
            s = "NULL" if val is None else quote_literal(outs[idx - 1](val))
        if width is not None and len(s) < width:
            s = s.ljust(width) if left else s.rjust(width)
        out.append(s)
    return "".join(out)


def _format_bind(c, argtypes, args):
    outs = [_output(t) for t in argtypes[1:]]

    def fmt(f, *vals):
        if f is None:
            return None
        return _format_impl(outs, f, vals)

    c.impl = fmt


_binder(_format_bind, "format", [TX], TX, strict=False, volatility="s")
_binder(_format_bind, "format", [TX, "any"], TX, strict=False, variadic=True, volatility="s")


# ====================================================================== characters, hashes, encodings


def _ascii(s):
    return ord(s[0]) if s else 0


def _chr(n):
    if n == 0:
        raise PgError("null character not permitted", errcodes.PROGRAM_LIMIT_EXCEEDED)
    if n < 0:
        raise PgError("character number must be positive", errcodes.INVALID_PARAMETER_VALUE)
    if n > 0x10FFFF:
        raise PgError(f"requested character too large for encoding: {n}", errcodes.PROGRAM_LIMIT_EXCEEDED)
    if 0xD800 <= n <= 0xDFFF:
        raise PgError(f"requested character not valid for encoding: {n}", errcodes.PROGRAM_LIMIT_EXCEEDED)
    return chr(n)


_f("ascii", [TX], I4, _ascii)
_f("chr", [I4], TX, _chr)
_f("to_hex", [I4], TX, lambda v: format(v & 0xFFFFFFFF, "x"))
_f("to_hex", [I8], TX, lambda v: format(v & 0xFFFFFFFFFFFFFFFF, "x"))


def _utf8(s):
    return s.encode("utf-8", "surrogatepass")


def _byte_index(b: bytes, n: int, bits: bool = False) -> None:
    hi = len(b) * (8 if bits else 1) - 1
    if n < 0 or n > hi:
        raise PgError(f"index {n} out of valid range, 0..{hi}", errcodes.ARRAY_SUBSCRIPT_ERROR)


def get_byte(b, n):
    _byte_index(b, n)
    return b[n]


def set_byte(b, n, v):
    _byte_index(b, n)
    return b[:n] + bytes([v & 0xFF]) + b[n + 1:]


def get_bit(b, n):
    _byte_index(b, n, True)
    return (b[n // 8] >> (n % 8)) & 1


def set_bit(b, n, v):
    _byte_index(b, n, True)
    if v not in (0, 1):
        raise PgError("new bit must be 0 or 1", errcodes.INVALID_PARAMETER_VALUE)
    i, m = n // 8, 1 << (n % 8)
    x = (b[i] | m) if v else (b[i] & ~m)
    return b[:i] + bytes([x]) + b[i + 1:]


_f("get_byte", [B, T.INT4], T.INT4, get_byte)
_f("set_byte", [B, T.INT4, T.INT4], B, set_byte)
_f("get_bit", [B, T.INT8], T.INT4, get_bit)
_f("set_bit", [B, T.INT8, T.INT4], B, set_bit)
_f("bit_count", [B], T.INT8, lambda b: sum(bin(x).count("1") for x in b))

_f("md5", [TX], TX, lambda s: hashlib.md5(_utf8(s)).hexdigest())
_f("md5", [B], TX, lambda b: hashlib.md5(b).hexdigest())
for _n in ("sha224", "sha256", "sha384", "sha512"):
    _f(_n, [B], B, lambda b, _h=_n: hashlib.new(_h, b).digest())


def _encode(b, fmt):
    f = fmt.lower()
    if f == "hex":
        return b.hex()
    if f == "base64":
        s = base64.b64encode(b).decode("ascii")
        return "\n".join(s[i:i + 76] for i in range(0, len(s), 76))
    if f == "escape":
        out = []
        for x in b:
            if x == 0x5C:
                out.append("\\\\")
            elif x == 0 or x >= 0x80:
                out.append("\\%03o" % x)
            else:
                out.append(chr(x))
        return "".join(out)
    raise PgError(f'unrecognized encoding: "{fmt}"', errcodes.INVALID_PARAMETER_VALUE)


def _decode(s, fmt):
    f = fmt.lower()
    if f == "hex":
        t = "".join(s.split())
        if len(t) % 2:
            raise PgError("invalid hexadecimal data: odd number of digits", errcodes.INVALID_PARAMETER_VALUE)
        try:
            return bytes.fromhex(t)
        except ValueError:
            bad = next((c for c in t if c not in "0123456789abcdefABCDEF"), "?")
            raise PgError(f'invalid hexadecimal digit: "{bad}"', errcodes.INVALID_PARAMETER_VALUE) from None
    if f == "base64":
        t = "".join(s.split())
        try:
            return base64.b64decode(t, validate=True)
        except (binascii.Error, ValueError):
            raise PgError("invalid base64 end sequence", errcodes.INVALID_PARAMETER_VALUE,
                          hint="Input data is missing padding, is truncated, or is otherwise corrupted.") from None
    if f == "escape":
        out = bytearray()
        i = 0
        raw = s.encode("utf-8", "surrogatepass")
        n = len(raw)
        while i < n:
            c = raw[i]
            if c != 0x5C:
                out.append(c)
                i += 1
                continue
            if raw[i + 1:i + 2] == b"\\":
                out.append(0x5C)
                i += 2
                continue
            oct_ = raw[i + 1:i + 4]
            if len(oct_) == 3 and all(0x30 <= x <= 0x37 for x in oct_[:1]) and all(0x30 <= x <= 0x37 for x in oct_):
                out.append(int(oct_, 8) & 0xFF)
                i += 4
                continue
            raise PgError("invalid input syntax for type bytea", errcodes.INVALID_TEXT_REPRESENTATION)
        return bytes(out)
    raise PgError(f'unrecognized encoding: "{fmt}"', errcodes.INVALID_PARAMETER_VALUE)


_f("encode", [B, TX], TX, _encode)
_f("decode", [TX, TX], B, _decode)

_ENCODINGS = {"utf8": "utf-8", "unicode": "utf-8", "utf-8": "utf-8", "latin1": "latin-1", "iso88591": "latin-1",
              "sql_ascii": "ascii", "win1252": "cp1252", "latin2": "iso8859-2", "win1251": "cp1251",
              "euc_jp": "euc_jp", "sjis": "shift_jis", "koi8r": "koi8_r"}


def _codec(name):
    key = name.lower().replace("-", "").replace("_", "") if name else ""
    for k, v in _ENCODINGS.items():
        if k.replace("_", "").replace("-", "") == key:
            return v
    raise PgError(f'invalid encoding name "{name}"', errcodes.INVALID_PARAMETER_VALUE)


def _convert_to(s, enc):
    codec = _codec(enc)
    try:
        return s.encode(codec)
    except UnicodeEncodeError as e:
        ch = s[e.start]
        bs = " ".join("0x%02x" % x for x in ch.encode("utf-8"))
        raise PgError(f'character with byte sequence {bs} in encoding "UTF8" has no equivalent in encoding '
                      f'"{enc.upper()}"', errcodes.UNTRANSLATABLE_CHARACTER) from None


def _convert_from(b, enc):
    codec = _codec(enc)
    try:
        return b.decode(codec)
    except UnicodeDecodeError:
        raise PgError(f'invalid byte sequence for encoding "{enc.upper()}"',
                      errcodes.CHARACTER_NOT_IN_REPERTOIRE) from None


_f("convert_to", [TX, T.NAME], B, _convert_to)
_f("convert_from", [B, T.NAME], TX, _convert_from)
_f("convert", [B, T.NAME, T.NAME], B, lambda b, a, z: _convert_to(_convert_from(b, a), z))


def _unistr(s):
    out = []
    i = 0
    n = len(s)

    def bad():
        return PgError("invalid Unicode escape", errcodes.INVALID_PARAMETER_VALUE,
                       hint="Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.")

    def hexn(p, k):
        h = s[p:p + k]
        if len(h) != k or any(c not in "0123456789abcdefABCDEF" for c in h):
            raise bad()
        return int(h, 16)

    pending_hi = None
    while i < n:
        c = s[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if s[i + 1:i + 2] == "\\":
            out.append("\\")
            i += 2
            continue
        if s[i + 1:i + 2] == "+":
            cp = hexn(i + 2, 6)
            i += 8
        elif s[i + 1:i + 2] == "u":
            cp = hexn(i + 2, 4)
            i += 6
        elif s[i + 1:i + 2] == "U":
            cp = hexn(i + 2, 8)
            i += 10
        else:
            cp = hexn(i + 1, 4)
            i += 5
        if 0xD800 <= cp <= 0xDBFF:
            pending_hi = cp
            continue
        if 0xDC00 <= cp <= 0xDFFF:
            if pending_hi is None:
                raise PgError("invalid Unicode surrogate pair", errcodes.INVALID_PARAMETER_VALUE)
            cp = 0x10000 + ((pending_hi - 0xD800) << 10) + (cp - 0xDC00)
            pending_hi = None
        if cp > 0x10FFFF or cp == 0:
            raise PgError("invalid Unicode code point: %04X" % cp, errcodes.INVALID_PARAMETER_VALUE)
        out.append(chr(cp))
    return "".join(out)


_f("unistr", [TX], TX, _unistr)


def _norm_form(form):
    f = (form or "NFC").upper()
    if f not in ("NFC", "NFD", "NFKC", "NFKD"):
        raise PgError(f'invalid normalization form: {form}', errcodes.INVALID_PARAMETER_VALUE)
    return f


_f("normalize", [TX], TX, lambda s: unicodedata.normalize("NFC", s))
_f("normalize", [TX, TX], TX, lambda s, f: unicodedata.normalize(_norm_form(f), s))
_f("is_normalized", [TX], BOOL, lambda s: unicodedata.is_normalized("NFC", s))
_f("is_normalized", [TX, TX], BOOL, lambda s, f: unicodedata.is_normalized(_norm_form(f), s))


# ====================================================================== string_to_array / array_to_string


def string_to_array(s, d, null=None):
    if s == "":
        return []
    if d is None:
        parts = list(s)
    elif d == "":
        parts = [s]
    else:
        parts = s.split(d)
    if null is not None:
        parts = [None if p == null else p for p in parts]
    return parts


def _string_to_array_ns(s, d, null):
    if s is None:
        return None
    return string_to_array(s, d, null)


_f("string_to_array", [TX, TX], T.TEXT_ARRAY, lambda s, d: None if s is None else string_to_array(s, d),
   strict=False)
_f("string_to_array", [TX, TX, TX], T.TEXT_ARRAY, _string_to_array_ns, strict=False)


def _string_to_table(s, d, null=None):
    if s is None:
        return []
    return string_to_array(s, d, null)


_f("string_to_table", [TX, TX], TX, _string_to_table, strict=False, retset=True)
_f("string_to_table", [TX, TX, TX], TX, _string_to_table, strict=False, retset=True)


def _flat(v):
    for x in v:
        if x.__class__ is list:
            yield from _flat(x)
        else:
            yield x


def _a2s_bind(c, argtypes, args):
    et = argtypes[0].elem if argtypes[0].is_array else T.TEXT
    out = _output(et)

    def a2s(arr, d, null=None):
        if arr is None or d is None:
            return None
        parts = []
        for x in _flat(arr):
            if x is None:
                if null is not None:
                    parts.append(null)
            else:
                parts.append(out(x))
        return d.join(parts)

    c.impl = a2s


_binder(_a2s_bind, "array_to_string", ["anyarray", TX], TX, volatility="s")
_binder(_a2s_bind, "array_to_string", ["anyarray", TX, TX], TX, volatility="s", strict=False)


# ====================================================================== LIKE


def _like_end_escape():
    return PgError("LIKE pattern must not end with escape character", errcodes.INVALID_ESCAPE_SEQUENCE)


@functools.lru_cache(maxsize=1024)
def like_matcher(pat: str, esc: str | None = "\\", icase: bool = False):
    """A predicate f(s) -> bool for ``s LIKE pat`` (pattern already lower-cased for ILIKE)."""
    parts = []  # literal strings and wildcards ('%', '_')
    lit = []
    i = 0
    n = len(pat)
    while i < n:
        c = pat[i]
        if esc and c == esc:
            i += 1
            if i >= n:
                raise _like_end_escape()
            lit.append(pat[i])
        elif c == "%" or c == "_":
            if lit:
                parts.append("".join(lit))
                lit = []
            parts.append((c,))
        else:
            lit.append(c)
        i += 1
    if lit:
        parts.append("".join(lit))
    # fast paths
    if not parts:
        return lambda s: s == ""
    if all(isinstance(p, str) for p in parts):
        lit_s = "".join(parts)
        return lambda s: s == lit_s
    if len(parts) == 2 and parts[1] == ("%",) and isinstance(parts[0], str):
        pre = parts[0]
        return lambda s: s.startswith(pre)
    if len(parts) == 2 and parts[0] == ("%",) and isinstance(parts[1], str):
        suf = parts[1]
        return lambda s: s.endswith(suf)
    if len(parts) == 3 and parts[0] == ("%",) and parts[2] == ("%",) and isinstance(parts[1], str):
        mid = parts[1]
        return lambda s: mid in s
    if all(p == ("%",) for p in parts):
        return lambda s: True
    rx = []
    for p in parts:
        if isinstance(p, str):
            rx.append(re.escape(p))
        elif p == ("%",):
            rx.append(".*")
        else:
            rx.append(".")
    r = re.compile("".join(rx), re.DOTALL)
    m = r.fullmatch
    return lambda s: m(s) is not None


def _like(s, p):
    return like_matcher(p)(s)


def _ilike(s, p):
    return like_matcher(pg_lower(p))(pg_lower(s))


def _like_bytes(s, p):
    return like_matcher(p.decode("latin-1"))(s.decode("latin-1"))


def _bp(s):
    return s.rstrip(" ")


for _lt in (TX, T.NAME):
    op("~~", _lt, TX, BOOL, _like)
    op("!~~", _lt, TX, BOOL, lambda s, p: not _like(s, p))
    op("~~*", _lt, TX, BOOL, _ilike)
    op("!~~*", _lt, TX, BOOL, lambda s, p: not _ilike(s, p))
op("~~", T.BPCHAR, TX, BOOL, lambda s, p: _like(_bp(s), p))
op("!~~", T.BPCHAR, TX, BOOL, lambda s, p: not _like(_bp(s), p))
op("~~*", T.BPCHAR, TX, BOOL, lambda s, p: _ilike(_bp(s), p))
op("!~~*", T.BPCHAR, TX, BOOL, lambda s, p: not _ilike(_bp(s), p))
op("~~", B, B, BOOL, _like_bytes)
op("!~~", B, B, BOOL, lambda s, p: not _like_bytes(s, p))


def like_escape(pat, esc):
    """Rewrite ``pat`` from escape character ``esc`` to the default backslash."""
    if esc == "\\":
        return pat
    if len(esc) > 1:
        raise PgError("invalid escape string", errcodes.INVALID_ESCAPE_SEQUENCE,
                      hint="Escape string must be empty or one character.")
    out = []
    i = 0
    n = len(pat)
    while i < n:
        c = pat[i]
        if esc and c == esc:
            i += 1
            if i >= n:
                raise _like_end_escape()
            out.append("\\" + pat[i])
        elif c == "\\":
            out.append("\\\\")
        else:
            out.append(c)
        i += 1
    return "".join(out)


_f("like_escape", [TX, TX], TX, like_escape)
_f("like_escape", [B, B], B, lambda p, e: like_escape(p.decode("latin-1"), e.decode("latin-1")).encode("latin-1"))
_f("like", [TX, TX], BOOL, _like)
_f("ilike", [TX, TX], BOOL, _ilike)
_f("textlike", [TX, TX], BOOL, _like)


# ====================================================================== POSIX regular expressions


def _rx_error(msg):
    return PgError(f"invalid regular expression: {msg}", errcodes.INVALID_REGULAR_EXPRESSION)


_CLASSES = {
    "alpha": r"^\W\d_", "digit": r"0-9", "alnum": r"^\W_", "upper": r"A-Z", "lower": r"a-z",
    "space": r"\s", "punct": r"!-/:-@\[-`{-~", "xdigit": r"0-9A-Fa-f", "word": r"\w", "blank": r" \t",
    "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}


def _class_set(name):
    if name not in _CLASSES:
        raise _rx_error("invalid character class")
    return _CLASSES[name]


def translate_are(p: str, newline_sensitive=False) -> str:
    """Translate a PostgreSQL ARE to Python ``re`` syntax (see the module docstring)."""
    out = []
    i = 0
    n = len(p)
    depth = 0
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n:
                raise _rx_error("invalid escape \\ sequence")
            d = p[i + 1]
            if d == "m":
                out.append(r"\b(?=\w)")
            elif d == "M":
                out.append(r"\b(?<=\w)")
            elif d == "y":
                out.append(r"\b")
            elif d == "Y":
                out.append(r"\B")
            elif d == "Z":
                out.append(r"\Z")
            elif d == "A":
                out.append(r"\A")
            elif d in "dDsSwWbBtnrfva":
                out.append("\\" + d)
            elif d == "e":
                out.append(r"\x1b")
            elif d == "x":
                j = i + 2
                while j < n and p[j] in "0123456789abcdefABCDEF":
                    j += 1
                out.append(re.escape(chr(int(p[i + 2:j] or "0", 16))))
                i = j
                continue
            elif d == "u" or d == "U":
                k = 4 if d == "u" else 8
                out.append(re.escape(chr(int(p[i + 2:i + 2 + k], 16))))
                i += 2 + k
                continue
            elif d.isdigit():
                j = i + 1
                while j < n and p[j].isdigit():
                    j += 1
                num = p[i + 1:j]
                if num.startswith("0"):
                    out.append(re.escape(chr(int(num, 8))))
                else:
                    out.append("\\" + num if len(num) < 3 else "(?:\\" + num + ")")
                i = j
                continue
            else:
                out.append(re.escape(d))
            i += 2
            continue
        if c == "[":
            j = i + 1
            buf = ["["]
            if j < n and p[j] == "^":
                buf.append("^")
                j += 1
            if p.startswith("[:<:]]", i + 1):
                out.append(r"\b(?=\w)")
                i += 7
                continue
            if p.startswith("[:>:]]", i + 1):
                out.append(r"\b(?<=\w)")
                i += 7
                continue
            first = True
            closed = False
            while j < n:
                ch = p[j]
                if ch == "]" and not first:
                    closed = True
                    j += 1
                    break
                first = False
                if ch == "[" and j + 1 < n and p[j + 1] == ":":
                    k = p.find(":]", j + 2)
                    if k < 0:
                        raise _rx_error("brackets [] not balanced")
                    nm = p[j + 2:k]
                    cs = _class_set(nm)
                    if cs.startswith("^"):
                        # negated classes inside a set: use the positive equivalents
                        cs = {"alpha": "a-zA-Z\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff",
                              "alnum": "a-zA-Z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff"}[nm]
                    buf.append(cs)
                    j = k + 2
                    continue
                if ch == "[" and j + 1 < n and p[j + 1] in ".=":
                    raise _rx_error("invalid collation character" if p[j + 1] == "." else
                                    "invalid collation character")
                if ch == "\\" and j + 1 < n:
                    buf.append(p[j:j + 2])
                    j += 2
                    continue
                if ch in "[&~|":
                    buf.append("\\" + ch)
                else:
                    buf.append(ch)
                j += 1
            if not closed:
                raise _rx_error("brackets [] not balanced")
            buf.append("]")
            out.append("".join(buf))
            i = j
            continue
        if c == "$":
            out.append(r"(?=\n|\Z)" if newline_sensitive else r"\Z")
            i += 1
            continue
        if c == "(":
            depth += 1
            if p.startswith("(?#", i):
                k = p.find(")", i)
                if k < 0:
                    raise _rx_error("parentheses () not balanced")
                i = k + 1
                depth -= 1
                continue
        if c == ")":
            depth -= 1
            if depth < 0:
                raise _rx_error("parentheses () not balanced")
        if c == "{":
            m = re.match(r"\{(\d*)(,?)(\d*)\}", p[i:])
            if m:
                lo, comma, hi = m.group(1), m.group(2), m.group(3)
                if lo == "" and (hi != "" or comma):
                    raise _rx_error("invalid repetition count(s)")
                if lo and hi and int(lo) > int(hi):
                    raise _rx_error("invalid repetition count(s)")
                if (lo and int(lo) > 255) or (hi and int(hi) > 255):
                    raise _rx_error("invalid repetition count(s)")
                out.append(m.group(0))
                i += len(m.group(0))
                continue
            if i + 1 < n and p[i + 1].isdigit():
                raise _rx_error("braces {} not balanced")
            out.append(r"\{")
            i += 1
            continue
        if c == "}":
            out.append(r"\}")
            i += 1
            continue
        out.append(c)
        i += 1
    if depth != 0:
        raise _rx_error("parentheses () not balanced")
    return "".join(out)


_PY_ERRORS = [
    ("missing )", "parentheses () not balanced"), ("unbalanced parenthesis", "parentheses () not balanced"),
    ("unterminated subpattern", "parentheses () not balanced"),
    ("bad character range", "invalid character range"),
    ("min repeat greater than max repeat", "invalid repetition count(s)"),
    ("unterminated character set", "brackets [] not balanced"),
    ("nothing to repeat", "quantifier operand invalid"), ("multiple repeat", "quantifier operand invalid"),
    ("bad escape", "invalid escape \\ sequence"), ("invalid group reference", "invalid backreference number"),
    ("unknown group", "invalid backreference number"),
    ("look-behind requires fixed-width pattern", "invalid regular expression"),
]


def _flags(flags: str | None, allow_g=True):
    """(re flags, global?, newline-sensitive?, literal?) for a PostgreSQL flags string."""
    fl = re.DOTALL
    glob = False
    nl = False
    lit = False
    icase = False
    for ch in flags or "":
        if ch == "g" and allow_g:
            glob = True
        elif ch == "i":
            icase = True
        elif ch == "c":
            icase = False
        elif ch in "nm":
            nl = True
        elif ch == "s":
            nl = False
        elif ch == "p":
            nl = True
        elif ch == "w":
            nl = True
        elif ch == "x":
            fl |= re.VERBOSE
        elif ch == "q":
            lit = True
        elif ch == "t":
            pass
        else:
            raise PgError(f'invalid regular expression option: "{ch}"', errcodes.INVALID_PARAMETER_VALUE)
    if icase:
        fl |= re.IGNORECASE
    if nl:
        fl &= ~re.DOTALL
        fl |= re.MULTILINE
    return fl, glob, nl, lit


@functools.lru_cache(maxsize=1024)
def compile_regex(pat: str, flags: str | None = None, allow_g: bool = True):
    fl, glob, nl, lit = _flags(flags, allow_g)
    # embedded options at the start: (?i) (?n) ...
    m = re.match(r"\(\?([bceimnpqstwx]+)\)", pat)
    if m:
        extra = m.group(1)
        pat = pat[m.end():]
        f2, _g, nl2, lit2 = _flags(extra, False)
        fl |= f2 & re.IGNORECASE
        if nl2:
            fl = (fl & ~re.DOTALL) | re.MULTILINE
            nl = True
        lit = lit or lit2
    if pat.startswith("***="):
        lit = True
        pat = pat[4:]
    src = re.escape(pat) if lit else translate_are(pat, nl)
    try:
        return re.compile(src, fl), glob
    except re.error as e:
        msg = str(e)
        for k, v in _PY_ERRORS:
            if k in msg:
                raise _rx_error(v) from None
        raise _rx_error(msg) from None
    except (OverflowError, RecursionError):
        raise PgError("invalid regular expression: regular expression is too complex",
                      errcodes.INVALID_REGULAR_EXPRESSION) from None


def _rx_match(s, p):
    return compile_regex(p)[0].search(s) is not None


def _rx_imatch(s, p):
    return compile_regex(p, "i")[0].search(s) is not None


for _lt in (TX, T.NAME):
    op("~", _lt, TX, BOOL, _rx_match)
    op("!~", _lt, TX, BOOL, lambda s, p: not _rx_match(s, p))
    op("~*", _lt, TX, BOOL, _rx_imatch)
    op("!~*", _lt, TX, BOOL, lambda s, p: not _rx_imatch(s, p))
op("~", T.BPCHAR, TX, BOOL, lambda s, p: _rx_match(_bp(s), p))
op("!~", T.BPCHAR, TX, BOOL, lambda s, p: not _rx_match(_bp(s), p))
op("~*", T.BPCHAR, TX, BOOL, lambda s, p: _rx_imatch(_bp(s), p))
op("!~*", T.BPCHAR, TX, BOOL, lambda s, p: not _rx_imatch(_bp(s), p))
_f("textregexeq", [TX, TX], BOOL, _rx_match)


def _groups(m):
    if m.re.groups == 0:
        return [m.group(0)]
    return list(m.groups())


def regexp_match(s, p, flags=None):
    if flags and "g" in flags:
        raise PgError('regexp_match() does not support the "global" option', errcodes.INVALID_PARAMETER_VALUE,
                      hint="Use the regexp_matches function instead.")
    r, _g = compile_regex(p, flags)
    m = r.search(s)
    return _groups(m) if m else None


def _iter_matches(r, s, start=0, ignore_degenerate=False):
    pos = start
    n = len(s)
    prev_end = start
    while pos <= n:
        m = r.search(s, pos)
        if m is None:
            break
        so, eo = m.span()
        if not ignore_degenerate or (so < n and eo > prev_end):
            yield m
        prev_end = eo
        pos = eo if eo > so else eo + 1


def regexp_matches(s, p, flags=None):
    r, glob = compile_regex(p, flags)
    if not glob:
        m = r.search(s)
        return [_groups(m)] if m else []
    return [_groups(m) for m in _iter_matches(r, s)]


_f("regexp_match", [TX, TX], T.TEXT_ARRAY, regexp_match)
_f("regexp_match", [TX, TX, TX], T.TEXT_ARRAY, regexp_match)
_f("regexp_matches", [TX, TX], T.TEXT_ARRAY, regexp_matches, retset=True)
_f("regexp_matches", [TX, TX, TX], T.TEXT_ARRAY, regexp_matches, retset=True)


def _repl_fn(rep):
    """PostgreSQL replacement text (\\1..\\9, \\&, \\\\) -> function(match)."""
    parts = []
    lit = []
    i = 0
    n = len(rep)
    while i < n:
        c = rep[i]
        if c == "\\" and i + 1 < n:
            d = rep[i + 1]
            if d.isdigit() and d != "0":
                if lit:
                    parts.append("".join(lit))
                    lit = []
                parts.append(int(d))
                i += 2
                continue
            if d == "&":
                if lit:
                    parts.append("".join(lit))
                    lit = []
                parts.append(0)
                i += 2
                continue
            if d == "\\":
                lit.append("\\")
                i += 2
                continue
            lit.append(c)
            i += 1
            continue
        lit.append(c)
        i += 1
    if lit:
        parts.append("".join(lit))
    if all(isinstance(x, str) for x in parts):
        const = "".join(parts)
        return lambda m: const

    def f(m):
        out = []
        ng = m.re.groups
        for x in parts:
            if isinstance(x, str):
                out.append(x)
            elif x == 0 or x <= ng:
                out.append(m.group(x) or "")
        return "".join(out)

    return f


def regexp_replace(s, p, rep, flags=None):
    r, glob = compile_regex(p, flags)
    f = _repl_fn(rep)
    return _replace_matches(r, s, f, 0, 0 if glob else 1)


def _replace_matches(r, s, f, start, nth):
    """Replace the nth match (1-based; 0 = all) at or after ``start``."""
    out = []
    last = 0
    k = 0
    for m in _iter_matches(r, s, start):
        k += 1
        if nth and k != nth:
            continue
        so, eo = m.span()
        out.append(s[last:so])
        out.append(f(m))
        last = eo
        if nth:
            break
    out.append(s[last:])
    return "".join(out)


def _regexp_replace_pos(s, p, rep, start, n=None, flags=None):
    if start is None:
        return None
    if start <= 0:
        raise PgError(f'invalid value for parameter "start": {start}', errcodes.INVALID_PARAMETER_VALUE)
    if n is not None and n < 0:
        raise PgError(f'invalid value for parameter "n": {n}', errcodes.INVALID_PARAMETER_VALUE)
    r, glob = compile_regex(p, flags)
    f = _repl_fn(rep)
    nth = n if n is not None else (0 if glob else 1)
    if n is None:
        nth = 1 if not glob else 0
    return _replace_matches(r, s, f, start - 1, nth)


_f("regexp_replace", [TX, TX, TX], TX, regexp_replace)
_f("regexp_replace", [TX, TX, TX, TX], TX, regexp_replace)
_f("regexp_replace", [TX, TX, TX, I4], TX, lambda s, p, r, st: _regexp_replace_pos(s, p, r, st))
_f("regexp_replace", [TX, TX, TX, I4, I4], TX, lambda s, p, r, st, n: _regexp_replace_pos(s, p, r, st, n))
_f("regexp_replace", [TX, TX, TX, I4, I4, TX], TX, _regexp_replace_pos)


def regexp_split(s, p, flags=None):
    r, glob = compile_regex(p, flags, allow_g=False)
    if flags and "g" in flags:
        raise PgError('regexp_split_to_table() does not support the "global" option',
                      errcodes.INVALID_PARAMETER_VALUE)
    out = []
    last = 0
    for m in _iter_matches(r, s, 0, ignore_degenerate=True):
        out.append(s[last:m.start()])
        last = m.end()
    out.append(s[last:])
    return out


_f("regexp_split_to_array", [TX, TX], T.TEXT_ARRAY, regexp_split)
_f("regexp_split_to_array", [TX, TX, TX], T.TEXT_ARRAY, regexp_split)
_f("regexp_split_to_table", [TX, TX], TX, regexp_split, retset=True)
_f("regexp_split_to_table", [TX, TX, TX], TX, regexp_split, retset=True)


def _check_start(start):
    if start <= 0:
        raise PgError(f'invalid value for parameter "start": {start}', errcodes.INVALID_PARAMETER_VALUE)


def regexp_count(s, p, start=1, flags=None):
    _check_start(start)
    r, _g = compile_regex(p, flags, allow_g=False)
    if flags and "g" in flags:
        raise PgError('regexp_count() does not support the "global" option', errcodes.INVALID_PARAMETER_VALUE)
    return sum(1 for _ in _iter_matches(r, s, start - 1))


def _nth_match(r, s, start, n):
    k = 0
    for m in _iter_matches(r, s, start - 1):
        k += 1
        if k == n:
            return m
    return None


def regexp_instr(s, p, start=1, n=1, endopt=0, flags=None, sub=0):
    _check_start(start)
    if n <= 0:
        raise PgError(f'invalid value for parameter "n": {n}', errcodes.INVALID_PARAMETER_VALUE)
    if endopt not in (0, 1):
        raise PgError(f'invalid value for parameter "endoption": {endopt}', errcodes.INVALID_PARAMETER_VALUE)
    if sub < 0:
        raise PgError(f'invalid value for parameter "subexpr": {sub}', errcodes.INVALID_PARAMETER_VALUE)
    r, _g = compile_regex(p, flags, allow_g=False)
    if sub > r.groups:
        return 0
    m = _nth_match(r, s, start, n)
    if m is None or m.start(sub) < 0:
        return 0
    return (m.end(sub) if endopt else m.start(sub)) + 1


def regexp_substr(s, p, start=1, n=1, flags=None, sub=0):
    _check_start(start)
    if n <= 0:
        raise PgError(f'invalid value for parameter "n": {n}', errcodes.INVALID_PARAMETER_VALUE)
    if sub < 0:
        raise PgError(f'invalid value for parameter "subexpr": {sub}', errcodes.INVALID_PARAMETER_VALUE)
    r, _g = compile_regex(p, flags, allow_g=False)
    if sub > r.groups:
        return None
    m = _nth_match(r, s, start, n)
    if m is None:
        return None
    return m.group(sub)


def regexp_like(s, p, flags=None):
    if flags and "g" in flags:
        raise PgError('regexp_like() does not support the "global" option', errcodes.INVALID_PARAMETER_VALUE)
    r, _g = compile_regex(p, flags)
    return r.search(s) is not None


_f("regexp_count", [TX, TX], I4, regexp_count)
_f("regexp_count", [TX, TX, I4], I4, regexp_count)
_f("regexp_count", [TX, TX, I4, TX], I4, regexp_count)
_f("regexp_instr", [TX, TX], I4, regexp_instr)
_f("regexp_instr", [TX, TX, I4], I4, regexp_instr)
_f("regexp_instr", [TX, TX, I4, I4], I4, regexp_instr)
_f("regexp_instr", [TX, TX, I4, I4, I4], I4, regexp_instr)
_f("regexp_instr", [TX, TX, I4, I4, I4, TX], I4, regexp_instr)
_f("regexp_instr", [TX, TX, I4, I4, I4, TX, I4], I4, regexp_instr)
_f("regexp_substr", [TX, TX], TX, regexp_substr)
_f("regexp_substr", [TX, TX, I4], TX, regexp_substr)
_f("regexp_substr", [TX, TX, I4, I4], TX, regexp_substr)
_f("regexp_substr", [TX, TX, I4, I4, TX], TX, regexp_substr)
_f("regexp_substr", [TX, TX, I4, I4, TX, I4], TX, regexp_substr)
_f("regexp_like", [TX, TX], BOOL, regexp_like)
_f("regexp_like", [TX, TX, TX], BOOL, regexp_like)


def _substring_regex(s, p):
    r, _g = compile_regex(p)
    m = r.search(s)
    if m is None:
        return None
    if r.groups:
        return m.group(1)
    return m.group(0)


_f("substring", [TX, TX], TX, _substring_regex)


# ---------------------------------------------------------------------- SIMILAR TO


def similar_to_escape(pat, esc="\\"):
    """PostgreSQL's similar_escape(): SQL regular expression -> ARE anchored at both ends."""
    if esc is None:
        esc = ""
    elif len(esc) > 1:
        raise PgError("invalid escape string", errcodes.INVALID_ESCAPE_SEQUENCE,
                      hint="Escape string must be empty or one character.")
    out = ["^(?:"]
    afterescape = False
    incharclass = False
    nquotes = 0
    i = 0
    n = len(pat)
    while i < n:
        c = pat[i]
        if afterescape:
            if c == '"' and not incharclass:
                if nquotes == 0:
                    out.append("){1,1}?(")
                elif nquotes == 1:
                    out.append("){1,1}(?:")
                else:
                    raise PgError("SQL regular expression may not contain more than two escape-double-quote "
                                  "separators", errcodes.INVALID_USE_OF_ESCAPE_CHARACTER)
                nquotes += 1
            else:
                out.append("\\" + c)
            afterescape = False
        elif esc and c == esc:
            afterescape = True
        elif incharclass:
            if c == "\\":
                out.append("\\")
            out.append(c)
            if c == "]":
                incharclass = False
        elif c == "[":
            out.append(c)
            incharclass = True
        elif c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        elif c == "(":
            out.append("(?:")
        elif c in "\\.^$":
            out.append("\\" + c)
        else:
            out.append(c)
        i += 1
    out.append(")$")
    return "".join(out)


_f("similar_to_escape", [TX], TX, similar_to_escape)
_f("similar_to_escape", [TX, TX], TX, similar_to_escape, strict=False)
_f("similar_escape", [TX, TX], TX, lambda p, e: None if p is None else similar_to_escape(p, e), strict=False)


def _substring_similar(s, p, esc):
    rx = similar_to_escape(p, esc)
    r, _g = compile_regex(rx)
    m = r.search(s)
    if m is None:
        return None
    if r.groups >= 1:
        # the part between the escape-double-quotes
        return m.group(1) if r.groups >= 1 else m.group(0)
    return m.group(0)


_f("substring", [TX, TX, TX], TX, _substring_similar)
