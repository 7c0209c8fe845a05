"""Literal decoding shared by the lexer-level parsers (E'' strings, U& escapes)."""

from __future__ import annotations

from .. import errcodes
from ..errors import PgError

_SIMPLE = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "\\": "\\", "'": "'", '"': '"'}


def decode_estring(body: str) -> str:
    """Decode the inside of E'...' (PostgreSQL's escape string syntax)."""
    out = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c == "'" and i + 1 < n and body[i + 1] == "'":
            out.append("'")
            i += 2
            continue
        if c != "\\":
            out.append(c)
            i += 1
            continue
        i += 1
        if i >= n:
            break
        c = body[i]
        if c in _SIMPLE:
            out.append(_SIMPLE[c])
            i += 1
        elif c in "01234567":
            j = i
            while j < n and j < i + 3 and body[j] in "01234567":
                j += 1
            out.append(chr(int(body[i:j], 8) & 0xFF))
            i = j
        elif c == "x":
            j = i + 1
            while j < n and j < i + 3 and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                out.append("x")
                i += 1
            else:
                out.append(chr(int(body[i + 1:j], 16)))
                i = j
        elif c in "uU":
            width = 4 if c == "u" else 8
            hexs = body[i + 1:i + 1 + width]
            if len(hexs) != width or any(h not in "0123456789abcdefABCDEF" for h in hexs):
                raise PgError("invalid Unicode escape", errcodes.INVALID_ESCAPE_SEQUENCE,
                              hint="Unicode escapes must be \\uXXXX or \\UXXXXXXXX.")
            out.append(chr(int(hexs, 16)))
            i += 1 + width
        else:
            out.append(c)
            i += 1
    s = "".join(out)
    if "\x00" in s:
        raise PgError("invalid byte sequence for encoding \"UTF8\": 0x00", errcodes.CHARACTER_NOT_IN_REPERTOIRE)
    return s
