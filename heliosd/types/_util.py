"""Small shared helpers: error constructors with PostgreSQL's exact messages."""

from __future__ import annotations

from .. import errcodes
from ..errors import PgError

INVALID_TEXT = errcodes.INVALID_TEXT_REPRESENTATION  # 22P02
OUT_OF_RANGE = errcodes.NUMERIC_VALUE_OUT_OF_RANGE  # 22003
DATETIME_OVERFLOW = errcodes.DATETIME_FIELD_OVERFLOW  # 22008
BAD_DATETIME = errcodes.INVALID_DATETIME_FORMAT  # 22007
INVALID_PARAM = errcodes.INVALID_PARAMETER_VALUE  # 22023
TRUNCATION = "22001"  # string_data_right_truncation (errcodes has the 01004 warning under that name)
NOT_SUPPORTED = errcodes.FEATURE_NOT_SUPPORTED  # 0A000
INTERVAL_OVERFLOW = "22015"
TZ_DISPLACEMENT = "22009"
DATETIME_VALUE_OUT_OF_RANGE = "22008"
BAD_BINARY = "22P03"  # invalid_binary_representation
CHARACTER_NOT_IN_REPERTOIRE = "22021"
UNTRANSLATABLE = "22P05"


def invalid_syntax(typname: str, s: str, code: str = INVALID_TEXT, **kw) -> PgError:
    return PgError(f'invalid input syntax for type {typname}: "{s}"', code, **kw)


def out_of_range_value(typname: str, s: str) -> PgError:
    return PgError(f'value "{s}" is out of range for type {typname}', OUT_OF_RANGE)


def out_of_range(what: str) -> PgError:
    """'integer out of range' and friends."""
    return PgError(f"{what} out of range", OUT_OF_RANGE)


def bad_binary(msg: str = "incorrect binary data format") -> PgError:
    return PgError(msg, BAD_BINARY)


def invalid_utf8(data: bytes) -> PgError:
    """PostgreSQL's message for a byte sequence that is not valid UTF-8."""
    try:
        data.decode("utf-8")
        bad = b"\x00" if b"\x00" in data else data[:1]
    except UnicodeDecodeError as e:
        bad = data[e.start:e.start + max(1, min(e.end - e.start, 4))]
    hexes = " ".join(f"0x{b:02x}" for b in bad)
    return PgError(f'invalid byte sequence for encoding "UTF8": {hexes}', CHARACTER_NOT_IN_REPERTOIRE)


def decode_utf8(data) -> str:
    """Decode a wire/binary payload as UTF-8 text, rejecting NUL like PostgreSQL."""
    try:
        s = bytes(data).decode("utf-8")
    except UnicodeDecodeError:
        raise invalid_utf8(bytes(data)) from None
    if "\x00" in s:
        raise invalid_utf8(b"\x00")
    return s
