"""Text and binary I/O of the simple scalar types.

bool, int2/int4/int8, oid and the reg* types, xid/cid, float4/float8, the
text family (text, varchar, bpchar, name, unknown, ...), bytea, uuid, "char",
tid and pg_lsn.

Every input function has the signature ``(s: str, typmod: int = -1, tz=None)``
and every binary receive function ``(data: bytes, typmod: int = -1)`` so that
callers can prebind them without caring which type they hold.
"""

from __future__ import annotations

import math
import re
import struct
import uuid as _uuid

from ..errors import PgError
from ._util import (INVALID_PARAM, INVALID_TEXT, OUT_OF_RANGE, TRUNCATION, bad_binary, decode_utf8,
                    invalid_syntax, out_of_range_value)

_WS = " \t\n\r\v\f"

# ----------------------------------------------------------------- bool

_TRUE_WORDS = ("true", "yes")
_FALSE_WORDS = ("false", "no")


def parse_bool(s: str):
    """PostgreSQL's parse_bool: True/False, or None when not a boolean."""
    v = s.strip(_WS).lower()
    n = len(v)
    if not n:
        return None
    c = v[0]
    if c == "t":
        return True if "true".startswith(v) else None
    if c == "f":
        return False if "false".startswith(v) else None
    if c == "y":
        return True if "yes".startswith(v) else None
    if c == "n":
        return False if "no".startswith(v) else None
    if c == "o":
        if n >= 2 and "on".startswith(v):
            return True
        if n >= 2 and "off".startswith(v):
            return False
        return None
    if v == "1":
        return True
    if v == "0":
        return False
    return None


_BOOL_FAST = {"t": True, "f": False, "true": True, "false": False}


def bool_in(s: str, typmod: int = -1, tz=None) -> bool:
    v = _BOOL_FAST.get(s)
    if v is None:
        v = parse_bool(s)
        if v is None:
            raise invalid_syntax("boolean", s)
    return v


bool_out = {True: "t", False: "f"}.__getitem__


def bool_send(v) -> bytes:
    return b"\x01" if v else b"\x00"


def bool_recv(b, typmod: int = -1) -> bool:
    if len(b) != 1:
        raise bad_binary("insufficient data left in message" if len(b) < 1 else "incorrect binary data format")
    return b[0] != 0


# ----------------------------------------------------------------- integers

_INT_RE = re.compile(r"[ \t\n\r\v\f]*[+-]?[0-9]+[ \t\n\r\v\f]*\Z")


_INT_PREFIX = re.compile(r"[ \t\n\r\v\f]*([+-]?[0-9]+)")


def _make_int_in(typname: str, lo: int, hi: int):
    def int_in(s: str, typmod: int = -1, tz=None, _int=int) -> int:
        try:
            v = _int(s)
            # int() also takes '1_000', non-ASCII digits and Unicode spaces: re-check the rare shapes
            if not s.isascii() or "_" in s or not ("0" <= s[-1] <= "9"):
                if _INT_RE.match(s) is None:
                    raise ValueError
        except ValueError:
            # PostgreSQL's pg_strtoint: digits first (overflow wins), then only whitespace may follow
            m = _INT_PREFIX.match(s)
            if m is None:
                raise invalid_syntax(typname, s) from None
            digits = m.group(1)
            if len(digits) > 40:
                raise out_of_range_value(typname, s) from None
            v = _int(digits)
            if v < lo or v > hi:
                raise out_of_range_value(typname, s) from None
            if s[m.end():].strip(_WS):
                raise invalid_syntax(typname, s) from None
        if v < lo or v > hi:
            raise out_of_range_value(typname, s)
        return v

    int_in.__name__ = f"{typname.replace(' ', '_')}_in"
    return int_in


int2_in = _make_int_in("smallint", -32768, 32767)
int4_in = _make_int_in("integer", -2147483648, 2147483647)
int8_in = _make_int_in("bigint", -9223372036854775808, 9223372036854775807)


def _make_uint32_in(typname: str):
    """oid/xid/cid: unsigned 32-bit; negative input wraps like strtoul (oid: down to -2^31)."""

    def uint_in(s: str, typmod: int = -1, tz=None) -> int:
        if _INT_RE.match(s) is None:
            raise invalid_syntax(typname, s)
        if len(s) > 60 and len(s.strip(_WS).lstrip("+-").lstrip("0")) > 20:
            raise out_of_range_value(typname, s)
        v = int(s)
        if typname == "oid":
            if v < -2147483648 or v > 4294967295:
                raise out_of_range_value(typname, s)
        elif v < -4294967295 or v > 4294967295:
            raise out_of_range_value(typname, s)
        return v & 0xFFFFFFFF

    return uint_in


oid_in = _make_uint32_in("oid")

_STRTOUL0 = re.compile(r"[ \t\n\r\v\f]*([+-]?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)")


def xid_in(s: str, typmod: int = -1, tz=None) -> int:
    """xid/cid input is C strtoul(s, NULL, 0): hex/octal prefixes, junk ignored, '' is 0."""
    m = _STRTOUL0.match(s)
    if m is None:
        return 0
    body = m.group(2)[:40]
    if body[:2] in ("0x", "0X"):
        v = int(body, 16)
    elif len(body) > 1 and body[0] == "0":
        v = int(body, 8)
    else:
        v = int(body)
    if v > 0xFFFFFFFFFFFFFFFF:
        v = 0xFFFFFFFFFFFFFFFF
    if m.group(1) == "-":
        v = -v
    return v & 0xFFFFFFFF


cid_in = xid_in


def xid8_in(s: str, typmod: int = -1, tz=None) -> int:
    if _INT_RE.match(s) is None:
        raise invalid_syntax("xid8", s)
    if len(s.strip(_WS).lstrip("+-").lstrip("0")) > 40:
        raise out_of_range_value("xid8", s)
    v = int(s)
    if v < 0 or v > 0xFFFFFFFFFFFFFFFF:
        raise out_of_range_value("xid8", s)
    return v


int_out = str

_h = struct.Struct("!h")
_i = struct.Struct("!i")
_q = struct.Struct("!q")
_I = struct.Struct("!I")
_Q = struct.Struct("!Q")
_f = struct.Struct("!f")
_d = struct.Struct("!d")


def _make_send(st):
    pack = st.pack

    def send(v) -> bytes:
        return pack(v)

    return send


def _make_recv(st):
    unpack = st.unpack
    size = st.size

    def recv(b, typmod: int = -1):
        if len(b) != size:
            raise bad_binary("insufficient data left in message" if len(b) < size
                             else "incorrect binary data format")
        return unpack(b)[0]

    return recv


int2_send, int2_recv = _h.pack, _make_recv(_h)
int4_send, int4_recv = _i.pack, _make_recv(_i)
int8_send, int8_recv = _q.pack, _make_recv(_q)
oid_send, oid_recv = _I.pack, _make_recv(_I)
xid8_send, xid8_recv = _Q.pack, _make_recv(_Q)


# ----------------------------------------------------------------- floats

_FLT_MAX = 3.4028234663852886e38
_FLT_MIN_NORMAL = 1.1754943508222875e-38
_to_f32 = struct.Struct("<f")  # standard size: packing raises OverflowError past FLT_MAX


_STRTOD = re.compile(r"[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?"
                     r"|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|infinity|inf|nan)", re.I)


def _parse_float(s: str, typname: str) -> float:
    """PostgreSQL's float8in_internal over C strtod (glibc): the longest numeric prefix is the
    number; out-of-range is reported on that prefix; then only whitespace may follow."""
    try:
        v = float(s)
        if s.isascii() and "_" not in s and v - v == 0.0 and v != 0.0:
            return v  # the common case: finite and nonzero
    except ValueError:
        pass
    num = s.lstrip(_WS)
    m = _STRTOD.match(num)
    if not num or m is None:
        raise invalid_syntax(typname, s)
    text = m.group(0)
    body = text.lstrip("+-")
    if body[:2] in ("0x", "0X"):
        try:
            v = float.fromhex(text)
        except OverflowError:
            raise PgError(f'"{text}" is out of range for type {typname}', OUT_OF_RANGE) from None
        except ValueError:
            raise invalid_syntax(typname, s) from None
    else:
        v = float(text)
        if v - v != 0.0 and v == v and body[:1] not in ("i", "I"):
            raise PgError(f'"{text}" is out of range for type {typname}', OUT_OF_RANGE)
    if v == 0.0:
        mant = re.split(r"[eEpP]", body, 1)[0] if body[:2] not in ("0x", "0X") else re.split(r"[pP]", body, 1)[0][2:]
        if re.search(r"[1-9a-fA-F]", mant):
            raise PgError(f'"{text}" is out of range for type {typname}', OUT_OF_RANGE)
    if num[m.end():].strip(_WS):
        raise invalid_syntax(typname, s)
    return v


def float8_in(s: str, typmod: int = -1, tz=None) -> float:
    return _parse_float(s, "double precision")


def float4_in(s: str, typmod: int = -1, tz=None) -> float:
    try:
        v = _parse_float(s, "real")
    except PgError as e:
        if e.code == OUT_OF_RANGE:  # float4in reports the whole input, float8in the number only
            raise PgError(f'"{s}" is out of range for type real', OUT_OF_RANGE) from None
        raise
    if v - v != 0.0:
        return v
    try:
        r = to_float4(v)
        if r == 0.0 and v != 0.0:
            raise OverflowError
    except OverflowError:
        raise PgError(f'"{s}" is out of range for type real', OUT_OF_RANGE) from None
    return r


_FLT_ROUND_LIMIT = _FLT_MAX + 2.0 ** 103  # from here on, rounding to float4 gives infinity


def to_float4(v: float) -> float:
    """Round a Python float to the nearest float4; raises OverflowError when out of range."""
    try:
        return _to_f32.unpack(_to_f32.pack(v))[0]
    except OverflowError:
        if v != v or abs(v) >= _FLT_ROUND_LIMIT:
            raise
        return _FLT_MAX if v > 0 else -_FLT_MAX


def float8_out(v) -> str:
    """Shortest round-trip text, PostgreSQL style (its Ryu never takes a tie as shortest)."""
    r = repr(v)
    if r[-2:] == ".0":
        r = r[:-2]
        if r[-1] == "0" and (v >= 9007199254740992.0 or v <= -9007199254740992.0):
            return _float8_tie_checked(v, r)
        if len(r) >= 16:
            # PostgreSQL switches to exponent notation from 1e15 (Python from 1e16)
            neg = r[0] == "-"
            digits = r[1:] if neg else r
            if len(digits) == 16:
                ds = digits.rstrip("0")
                m = ds[0] + ("." + ds[1:] if len(ds) > 1 else "")
                return ("-" if neg else "") + m + "e+15"
        return r
    c = r[-1]
    if c == "f" or c == "n":  # inf, -inf, nan
        return "Infinity" if r == "inf" else "-Infinity" if r == "-inf" else "NaN"
    e = r.find("e")
    if e < 0:
        if c == "5":
            ip, _, fp = r.lstrip("-").partition(".")
            if not int(ip + fp) % (5 ** len(fp)):  # a dyadic decimal: possibly a midpoint
                return _float8_tie_checked(v, r)
        if v >= 1e15 or v <= -1e15:  # 1e15 <= |v| < 1e16 with a fraction: exponent form in PostgreSQL
            neg = r[0] == "-"
            ip, fp = (r[1:] if neg else r).split(".")
            ds = (ip + fp).rstrip("0")
            return ("-" if neg else "") + ds[0] + "." + ds[1:] + "e+15"
        return r
    if r[e + 1] == "+" or r[e - 1] == "5":
        return _float8_tie_checked(v, r)
    return r


def _decimal_parts(r: str):
    """'-1.25e-07' -> (significant digits '125', decimal exponent of the first digit -7, negative)."""
    neg = r[0] == "-"
    if neg:
        r = r[1:]
    mant, _, ex = r.partition("e")
    ip, _, fp = mant.partition(".")
    allds = ip + fp
    stripped = allds.lstrip("0")
    if not stripped:
        return "0", 0, neg
    lead_zeros = len(allds) - len(stripped)
    exp10 = (int(ex) if ex else 0) + len(ip) - 1 - lead_zeros
    return stripped.rstrip("0"), exp10, neg


def _float8_tie_checked(v: float, r: str) -> str:
    """Python's repr may return a decimal exactly halfway to a neighbouring double (round-half-even
    accepts it); PostgreSQL then needs more digits.  Checked exactly; reached for few values."""
    digits, exp10, neg = _decimal_parts(r)
    k = exp10 - len(digits) + 1  # |value| = digits * 10^k
    if k >= 0:
        if abs(v) >= 9007199254740992.0:  # every double here is an integer: integer arithmetic
            n = int(digits) * 10 ** k
            iv = int(abs(v))
            diff = n - iv
            if diff:
                nb = math.nextafter(abs(v), math.inf if diff > 0 else -math.inf)
                if 2 * abs(diff) == abs(int(nb) - iv):
                    return _longer_float8(v, len(digits), abs(diff))
        return _pg_float8_format(digits, exp10, neg)
    if int(digits) % (5 ** (-k)):
        return _pg_float8_format(digits, exp10, neg)  # not a dyadic rational: cannot be a midpoint
    from fractions import Fraction

    fd = Fraction(int(digits), 10 ** (-k))
    fv = Fraction(abs(v))
    if fd != fv:
        nb = math.nextafter(abs(v), math.inf if fd > fv else -math.inf)
        if fd == (fv + Fraction(nb)) / 2:
            return _longer_float8(v, len(digits), None)
    return _pg_float8_format(digits, exp10, neg)


def _longer_float8(v: float, ndigits: int, _unused) -> str:
    """The closest decimal with more digits that reads back as v and is not itself a midpoint."""
    from fractions import Fraction

    fv = Fraction(v)
    for p in range(ndigits, 17):
        s = "%.*e" % (p, v)
        if float(s) != v:
            continue
        d2, e2, n2 = _decimal_parts(s)
        f2 = Fraction(int(d2)) * Fraction(10) ** (e2 - len(d2) + 1) * (-1 if n2 else 1)
        if f2 == fv:
            return _pg_float8_format(d2, e2, n2)
        nb = math.nextafter(v, math.inf if f2 > fv else -math.inf)
        if f2 != (fv + Fraction(nb)) / 2:
            return _pg_float8_format(d2, e2, n2)
    return _pg_float8_format(*_decimal_parts("%.16e" % v))


def _pg_float8_format(digits: str, exp10: int, neg: bool) -> str:
    return _format_shortest(digits, exp10, neg, 15)


def _format_shortest(digits: str, exp10: int, neg: bool, fixed_max: int) -> str:
    """Format significant ``digits`` (d.ddd x 10^exp10) the way PostgreSQL's ryu output does."""
    sign = "-" if neg else ""
    if -4 <= exp10 < fixed_max:
        n = len(digits)
        if exp10 >= 0:
            if n <= exp10 + 1:
                return sign + digits + "0" * (exp10 + 1 - n)
            return sign + digits[:exp10 + 1] + "." + digits[exp10 + 1:]
        return sign + "0." + "0" * (-exp10 - 1) + digits
    m = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{m}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"


_u32 = struct.Struct("<I")


def _is_float4_tie(v: float, f: float) -> bool:
    """Is f exactly halfway between float4 v and a neighbour (PostgreSQL's Ryu rejects those)?"""
    bits = _u32.unpack(_to_f32.pack(v))[0]
    other = bits + 1 if (f > v) == (v > 0) else bits - 1
    if other < 0 or (other & 0x7FFFFFFF) >= 0x7F800000:
        return False
    nb = _to_f32.unpack(_u32.pack(other))[0]
    return f == (v + nb) / 2


def float4_out(v) -> str:
    if v != v:
        return "NaN"
    if v - v != 0.0:
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0.0:
        return "-0" if math.copysign(1.0, v) < 0 else "0"
    pack, unpack = _to_f32.pack, _to_f32.unpack
    # The correctly rounded 6-digit decimal is the unique candidate when any <= 6-digit decimal
    # reads back as v (FLT_DIG = 6); otherwise the closest 7, 8 or 9-digit one is the shortest.
    for p in ((5, 6, 7, 8) if abs(v) >= _FLT_MIN_NORMAL else range(9)):
        s = "%.*e" % (p, v)
        try:
            f = float(s)
            if unpack(pack(f))[0] == v and (f == v or not _is_float4_tie(v, f)):
                break
        except OverflowError:
            if abs(float(s)) < _FLT_ROUND_LIMIT and abs(v) == _FLT_MAX:
                break
    mant, _, ex = s.partition("e")
    neg = mant[0] == "-"
    if neg:
        mant = mant[1:]
    digits = mant.replace(".", "").rstrip("0") or "0"
    return _format_shortest(digits, int(ex), neg, 6)


def float8_out_digits(v: float, extra_float_digits: int) -> str:
    """float8 output for extra_float_digits <= 0: %.{15+efd}g like PostgreSQL."""
    if v != v:
        return "NaN"
    if v - v != 0.0:
        return "Infinity" if v > 0 else "-Infinity"
    return _g_style("%.*g" % (max(1, 15 + extra_float_digits), v))


def float4_out_digits(v: float, extra_float_digits: int) -> str:
    if v != v:
        return "NaN"
    if v - v != 0.0:
        return "Infinity" if v > 0 else "-Infinity"
    return _g_style("%.*g" % (max(1, 6 + extra_float_digits), v))


def _g_style(s: str) -> str:
    # C's %g prints at least two exponent digits, as Python does: nothing to fix
    return s


float4_send = _f.pack
float8_send = _d.pack
float4_recv = _make_recv(_f)
float8_recv = _make_recv(_d)


# ----------------------------------------------------------------- text family

def text_in(s: str, typmod: int = -1, tz=None) -> str:
    return s


text_out = str


def text_send(v: str) -> bytes:
    return v.encode("utf-8", "surrogatepass")


def text_recv(b, typmod: int = -1) -> str:
    return decode_utf8(b)


def varchar_in(s: str, typmod: int = -1, tz=None) -> str:
    if typmod >= 5:
        return varchar_apply(s, typmod, False)
    return s


def varchar_recv(b, typmod: int = -1) -> str:
    s = decode_utf8(b)
    if typmod >= 5:
        return varchar_apply(s, typmod, False)
    return s


def varchar_apply(s: str, typmod: int, explicit: bool) -> str:
    """varchar(n) length coercion.  Assignment: too long -> 22001 unless the excess is spaces."""
    n = typmod - 4
    if typmod < 5 or len(s) <= n:
        return s
    if not explicit and s[n:].strip(" "):
        raise PgError(f"value too long for type character varying({n})", TRUNCATION)
    return s[:n]


def bpchar_apply(s: str, typmod: int, explicit: bool) -> str:
    """char(n): truncate (explicit, or trailing spaces) or raise 22001, then pad to n."""
    n = typmod - 4
    if typmod < 5:
        return s
    ln = len(s)
    if ln > n:
        if not explicit and s[n:].strip(" "):
            raise PgError(f"value too long for type character({n})", TRUNCATION)
        return s[:n]
    if ln < n:
        return s + " " * (n - ln)
    return s


def bpchar_in(s: str, typmod: int = -1, tz=None) -> str:
    if typmod >= 5:
        return bpchar_apply(s, typmod, False)
    return s


def bpchar_recv(b, typmod: int = -1) -> str:
    s = decode_utf8(b)
    if typmod >= 5:
        return bpchar_apply(s, typmod, False)
    return s


NAMEDATALEN = 64


def truncate_name(s: str) -> str:
    """Truncate to NAMEDATALEN-1 bytes at a character boundary (PostgreSQL's namein)."""
    if len(s) < 16 or (len(s) < NAMEDATALEN and s.isascii()):
        return s
    b = s.encode("utf-8", "surrogatepass")
    if len(b) < NAMEDATALEN:
        return s
    b = b[:NAMEDATALEN - 1]
    return b.decode("utf-8", "ignore")


def name_in(s: str, typmod: int = -1, tz=None) -> str:
    return truncate_name(s)


def name_recv(b, typmod: int = -1) -> str:
    return truncate_name(decode_utf8(b))


# ----------------------------------------------------------------- "char"

_OCT = "01234567"

def char_in(s: str, typmod: int = -1, tz=None) -> str:
    """"char": one byte; '\\ooo' octal form, else the first byte of the input."""
    if len(s) == 4 and s[0] == "\\" and s[1] in _OCT and s[2] in _OCT and s[3] in _OCT:
        b = int(s[1:], 8) & 0xFF
        return chr(b) if b else ""
    if not s:
        return ""
    c = s[0]
    if c < "\x80":
        return c if c != "\x00" else ""
    return chr(c.encode("utf-8", "surrogatepass")[0])


def char_out(c: str) -> str:
    if not c:
        return ""
    o = ord(c)
    if o >= 128:
        return "\\%03o" % o
    return c


def char_send(c: str) -> bytes:
    return bytes((ord(c),)) if c else b"\x00"


def char_recv(b, typmod: int = -1) -> str:
    if len(b) != 1:
        raise bad_binary("insufficient data left in message" if len(b) < 1 else "incorrect binary data format")
    return chr(b[0]) if b[0] else ""


# ----------------------------------------------------------------- bytea

_HEXDIGITS = frozenset("0123456789abcdefABCDEF")
_HEX_WS = " \n\t\r"


def bytea_in(s: str, typmod: int = -1, tz=None) -> bytes:
    if s[:2] == "\\x":
        h = s[2:]
        try:
            return bytes.fromhex(h) if " " not in h else _hex_decode(h)
        except ValueError:
            return _hex_decode(h)
    if "\\" not in s:
        return s.encode("utf-8", "surrogatepass")
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c != "\\":
            j = s.find("\\", i)
            if j < 0:
                j = n
            out += s[i:j].encode("utf-8", "surrogatepass")
            i = j
            continue
        if i + 1 < n and s[i + 1] == "\\":
            out.append(0x5C)
            i += 2
        elif (i + 3 < n + 0 and s[i + 1] in "0123" and s[i + 2] in "01234567"
              and s[i + 3] in "01234567"):
            out.append(int(s[i + 1:i + 4], 8))
            i += 4
        else:
            raise PgError("invalid input syntax for type bytea", INVALID_TEXT)
    return bytes(out)


def _hex_decode(h: str) -> bytes:
    out = bytearray()
    i, n = 0, len(h)
    while i < n:
        c = h[i]
        if c in _HEX_WS:
            i += 1
            continue
        if c not in _HEXDIGITS:
            raise PgError(f'invalid hexadecimal digit: "{c}"', INVALID_PARAM)
        if i + 1 >= n:
            raise PgError("invalid hexadecimal data: odd number of digits", INVALID_PARAM)
        d = h[i + 1]
        if d not in _HEXDIGITS:
            raise PgError(f'invalid hexadecimal digit: "{d}"', INVALID_PARAM)
        out.append(int(c + d, 16))
        i += 2
    return bytes(out)


def bytea_out(v) -> str:
    return "\\x" + v.hex()


def bytea_escape_out(v) -> str:
    """bytea_output = 'escape'."""
    out = []
    for b in v:
        if b == 0x5C:
            out.append("\\\\")
        elif b < 0x20 or b > 0x7E:
            out.append("\\%03o" % b)
        else:
            out.append(chr(b))
    return "".join(out)


def bytea_send(v) -> bytes:
    return bytes(v)


def bytea_recv(b, typmod: int = -1) -> bytes:
    return bytes(b)


# ----------------------------------------------------------------- uuid

_UUID_FAST = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def uuid_in(s: str, typmod: int = -1, tz=None) -> _uuid.UUID:
    if len(s) == 36 and _UUID_FAST.match(s):
        return _uuid.UUID(s)
    src = s
    i = 0
    braces = False
    if src[:1] == "{":
        braces = True
        i = 1
    hexs = []
    n = len(src)
    for k in range(16):
        if i + 1 >= n + 0 or src[i] not in _HEXDIGITS or src[i + 1] not in _HEXDIGITS:
            raise invalid_syntax("uuid", s)
        hexs.append(src[i:i + 2])
        i += 2
        if i < n and src[i] == "-" and k % 2 == 1 and k < 15:
            i += 1
    if braces:
        if i >= n or src[i] != "}":
            raise invalid_syntax("uuid", s)
        i += 1
    if i != n:
        raise invalid_syntax("uuid", s)
    return _uuid.UUID("".join(hexs))


uuid_out = str


def uuid_send(v) -> bytes:
    return v.bytes


def uuid_recv(b, typmod: int = -1) -> _uuid.UUID:
    if len(b) != 16:
        raise bad_binary("insufficient data left in message" if len(b) < 16 else "incorrect binary data format")
    return _uuid.UUID(bytes=bytes(b))


# ----------------------------------------------------------------- tid, pg_lsn

_TID_RE = re.compile(r"\((\d+),(\d+)\)\Z")


def tid_in(s: str, typmod: int = -1, tz=None) -> tuple:
    m = _TID_RE.match(s)
    if m is None or len(s) > 40:
        raise invalid_syntax("tid", s)
    blk, off = int(m.group(1)), int(m.group(2))
    if blk > 0xFFFFFFFF or off > 0xFFFF:
        raise invalid_syntax("tid", s)
    return (blk, off)


def tid_out(v) -> str:
    return f"({v[0]},{v[1]})"


_tid = struct.Struct("!IH")


def tid_send(v) -> bytes:
    return _tid.pack(v[0], v[1])


def tid_recv(b, typmod: int = -1) -> tuple:
    if len(b) != 6:
        raise bad_binary()
    return _tid.unpack(b)


_LSN_RE = re.compile(r"([0-9a-fA-F]{1,8})/([0-9a-fA-F]{1,8})\Z")


def pg_lsn_in(s: str, typmod: int = -1, tz=None) -> int:
    m = _LSN_RE.match(s)
    if m is None:
        raise invalid_syntax("pg_lsn", s)
    return (int(m.group(1), 16) << 32) | int(m.group(2), 16)


def pg_lsn_out(v: int) -> str:
    return f"{v >> 32:X}/{v & 0xFFFFFFFF:X}"


# ----------------------------------------------------------------- void

def void_in(s: str, typmod: int = -1, tz=None):
    return None


def void_out(v) -> str:
    return ""


def void_send(v) -> bytes:
    return b""


def void_recv(b, typmod: int = -1):
    return None
