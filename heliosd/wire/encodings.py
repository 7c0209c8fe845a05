"""Client encodings: the server stores and processes text as UTF-8; a client may
ask for another encoding (``client_encoding``) and PostgreSQL converts at the
connection boundary.  So does heliosd.

Where conversion happens
========================

* Incoming: every text field the protocol decodes (query strings, names, text
  Bind parameters, COPY FROM text/CSV data) is decoded with the client codec;
  an invalid byte sequence is 22021 ``invalid byte sequence for encoding "X"``.
* Outgoing: DataRow text values and COPY TO text/CSV data are encoded by the
  session's encoders with the client codec (a character the encoding lacks is
  22P05 ``character with byte sequence ... in encoding "UTF8" has no equivalent
  in encoding "X"``, as PostgreSQL says); every other message is transcoded as a
  whole by :func:`transcode_out`, which knows each message type's layout, so
  binary fields (and binary-format DataRows) are never touched.  Messages a
  client must always be able to read (errors, notices) replace what the client
  encoding cannot show with ``?``.

``SQL_ASCII`` is PostgreSQL's "no conversion": bytes pass as they are (the
server still only accepts valid UTF-8), which is also UTF8's behaviour, so both
use no codec.
"""

from __future__ import annotations

import re
import struct

from .. import errcodes
from ..errors import PgError

# canonical PostgreSQL name -> Python codec (None: no conversion)
_CODECS = {
    "UTF8": None, "SQL_ASCII": None,
    "LATIN1": "latin-1", "LATIN2": "iso8859-2", "LATIN3": "iso8859-3", "LATIN4": "iso8859-4",
    "LATIN5": "iso8859-9", "LATIN6": "iso8859-10", "LATIN7": "iso8859-13", "LATIN8": "iso8859-14",
    "LATIN9": "iso8859-15", "LATIN10": "iso8859-16",
    "ISO_8859_5": "iso8859-5", "ISO_8859_6": "iso8859-6", "ISO_8859_7": "iso8859-7", "ISO_8859_8": "iso8859-8",
    "WIN1250": "cp1250", "WIN1251": "cp1251", "WIN1252": "cp1252", "WIN1253": "cp1253", "WIN1254": "cp1254",
    "WIN1255": "cp1255", "WIN1256": "cp1256", "WIN1257": "cp1257", "WIN1258": "cp1258",
    "WIN866": "cp866", "WIN874": "cp874", "KOI8R": "koi8-r", "KOI8U": "koi8-u",
    "EUC_JP": "euc_jp", "EUC_JIS_2004": "euc_jis_2004", "EUC_KR": "euc_kr", "EUC_CN": "gb2312",
    "SJIS": "shift_jis", "SHIFT_JIS_2004": "shift_jis_2004", "BIG5": "big5", "GBK": "gbk",
    "GB18030": "gb18030", "UHC": "cp949", "JOHAB": "johab",
}

# PostgreSQL's pg_encname_tbl (names after clean_encoding_name: lower case, alphanumerics only)
_ALIASES = {
    "abc": "WIN1258", "alt": "WIN866", "big5": "BIG5", "euccn": "EUC_CN", "eucjis2004": "EUC_JIS_2004",
    "eucjp": "EUC_JP", "euckr": "EUC_KR", "gb18030": "GB18030", "gbk": "GBK", "iso88591": "LATIN1",
    "iso885910": "LATIN6", "iso885913": "LATIN7", "iso885914": "LATIN8", "iso885915": "LATIN9",
    "iso885916": "LATIN10", "iso88592": "LATIN2", "iso88593": "LATIN3", "iso88594": "LATIN4",
    "iso88595": "ISO_8859_5", "iso88596": "ISO_8859_6", "iso88597": "ISO_8859_7", "iso88598": "ISO_8859_8",
    "iso88599": "LATIN5", "johab": "JOHAB", "koi8": "KOI8R", "koi8r": "KOI8R", "koi8u": "KOI8U",
    "latin1": "LATIN1", "latin10": "LATIN10", "latin2": "LATIN2", "latin3": "LATIN3", "latin4": "LATIN4",
    "latin5": "LATIN5", "latin6": "LATIN6", "latin7": "LATIN7", "latin8": "LATIN8", "latin9": "LATIN9",
    "mskanji": "SJIS", "shiftjis": "SJIS", "shiftjis2004": "SHIFT_JIS_2004", "sjis": "SJIS",
    "sqlascii": "SQL_ASCII", "tcvn": "WIN1258", "tcvn5712": "WIN1258", "uhc": "UHC", "unicode": "UTF8",
    "utf8": "UTF8", "vscii": "WIN1258", "win": "WIN1251", "win1250": "WIN1250", "win1251": "WIN1251",
    "win1252": "WIN1252", "win1253": "WIN1253", "win1254": "WIN1254", "win1255": "WIN1255",
    "win1256": "WIN1256", "win1257": "WIN1257", "win1258": "WIN1258", "win866": "WIN866",
    "win874": "WIN874", "win932": "SJIS", "win936": "GBK", "win949": "UHC", "win950": "BIG5",
    "windows1250": "WIN1250", "windows1251": "WIN1251", "windows1252": "WIN1252", "windows1253": "WIN1253",
    "windows1254": "WIN1254", "windows1255": "WIN1255", "windows1256": "WIN1256", "windows1257": "WIN1257",
    "windows1258": "WIN1258", "windows866": "WIN866", "windows874": "WIN874", "windows932": "SJIS",
    "windows936": "GBK", "windows949": "UHC", "windows950": "BIG5",
}


def canonical(name: str) -> str | None:
    """PostgreSQL's canonical encoding name for a client_encoding value, or None."""
    return _ALIASES.get(re.sub(r"[^a-z0-9]", "", name.lower()))


def supported(canon: str) -> bool:
    return canon in _CODECS


class Codec:
    """Conversion between server text (str / UTF-8) and one client encoding."""

    __slots__ = ("name", "py")

    def __init__(self, name: str, py: str):
        self.name = name
        self.py = py

    def decode(self, raw: bytes) -> str:
        try:
            return raw.decode(self.py)
        except UnicodeDecodeError as e:
            raise self.decode_error(raw, e.start) from None

    def decode_error(self, raw: bytes, pos: int) -> PgError:
        """PostgreSQL's report: a single-byte encoding lacks the character (22P05); a
        multibyte one got an invalid sequence (22021), shown as the bytes the lead byte
        announces (pg_encoding_mblen)."""
        if self.name not in _MULTIBYTE:
            return PgError(f'character with byte sequence 0x{raw[pos]:02x} in encoding "{self.name}" has no '
                           f'equivalent in encoding "UTF8"', errcodes.UNTRANSLATABLE_CHARACTER)
        n = _mblen(self.name, raw, pos)
        bad = " ".join(f"0x{b:02x}" for b in raw[pos:pos + n])
        return PgError(f'invalid byte sequence for encoding "{self.name}": {bad}',
                       errcodes.CHARACTER_NOT_IN_REPERTOIRE)

    def encode(self, s: str) -> bytes:
        try:
            return s.encode(self.py)
        except UnicodeEncodeError as e:
            ch = s[e.start]
            seq = " ".join(f"0x{b:02x}" for b in ch.encode("utf-8"))
            raise PgError(f'character with byte sequence {seq} in encoding "UTF8" has no equivalent in '
                          f'encoding "{self.name}"', errcodes.UNTRANSLATABLE_CHARACTER) from None

    def lenient(self, raw: bytes) -> bytes:
        """UTF-8 bytes -> client bytes, '?' for what the client encoding lacks."""
        return raw.decode("utf-8", "replace").encode(self.py, "replace")


_MULTIBYTE = frozenset({"EUC_JP", "EUC_JIS_2004", "EUC_KR", "EUC_CN", "SJIS", "SHIFT_JIS_2004", "BIG5", "GBK",
                        "GB18030", "UHC", "JOHAB"})


def _mblen(enc: str, raw: bytes, pos: int) -> int:
    b = raw[pos]
    if b < 0x80:
        return 1
    if enc in ("EUC_JP", "EUC_JIS_2004"):
        return 3 if b == 0x8F else 2
    if enc in ("SJIS", "SHIFT_JIS_2004"):
        return 1 if 0xA1 <= b <= 0xDF else 2
    if enc == "GB18030":
        nxt = raw[pos + 1] if pos + 1 < len(raw) else 0
        return 4 if 0x30 <= nxt <= 0x39 else 2
    return 2


def codec_for(canon: str) -> Codec | None:
    py = _CODECS.get(canon)
    return Codec(canon, py) if py is not None else None


_I = struct.Struct("!I")
# message types whose payload is only NUL-terminated strings (+ terminators)
_ALL_TEXT = frozenset(b"CSEN")


def transcode_out(data: bytes, codec: Codec) -> bytes:
    """Re-encode the text fields of a buffer of backend messages from UTF-8 to the
    client encoding.  DataRow and CopyData payloads are left alone (the session's
    encoders already produced client bytes for text values and must not touch binary
    ones)."""
    out = []
    pos = 0
    n = len(data)
    lenient = codec.lenient
    while pos < n:
        t = data[pos]
        ln = _I.unpack_from(data, pos + 1)[0]
        end = pos + 1 + ln
        payload = data[pos + 5:end]
        if t in _ALL_TEXT and any(b >= 0x80 for b in payload):
            if t in (0x45, 0x4E):  # 'E', 'N': (code byte, string)* NUL
                body = bytearray()
                i = 0
                while i < len(payload) and payload[i] != 0:
                    j = payload.index(0, i + 1)
                    body.append(payload[i])
                    body += lenient(payload[i + 1:j]) + b"\x00"
                    i = j + 1
                body += b"\x00"
                new = bytes(body)
            else:
                new = b"\x00".join(lenient(part) for part in payload.split(b"\x00"))
            out.append(bytes([t]) + _I.pack(len(new) + 4) + new)
        elif t == 0x54 and any(b >= 0x80 for b in payload):  # 'T': names + fixed fields
            body = bytearray(payload[:2])
            i = 2
            for _ in range(struct.unpack_from("!H", payload, 0)[0]):
                j = payload.index(0, i)
                body += lenient(payload[i:j]) + b"\x00" + payload[j + 1:j + 19]
                i = j + 19
            out.append(b"T" + _I.pack(len(body) + 4) + bytes(body))
        elif t == 0x41 and any(b >= 0x80 for b in payload[4:]):  # 'A': pid, channel, payload
            rest = b"\x00".join(lenient(part) for part in payload[4:].split(b"\x00"))
            new = payload[:4] + rest
            out.append(b"A" + _I.pack(len(new) + 4) + new)
        else:
            out.append(data[pos:end])
        pos = end
    return b"".join(out)
