"""Order-preserving encoding of SQL values into byte strings.

The storage core orders everything by raw byte comparison (lmdb's default
comparator, ``memcmp``).  Index and primary keys are tuples of SQL values, so
this module maps a tuple to bytes such that::

    compare(encode(a), encode(b)) == PostgreSQL's btree order of a and b

Invariants
==========

1. **Order.** For two values of the same column type and direction,
   ``a < b`` in PostgreSQL's default btree order iff ``enc(a) < enc(b)``
   bytewise; ``a = b`` iff the encodings are equal (so ``-0.0`` and ``0.0``,
   ``1.0`` and ``1.00``, ``'1 month'`` and ``'30 days'`` encode alike: they are
   equal to PostgreSQL's btree too).
2. **Prefix-free.** No encoded value is a proper prefix of another encoding
   of the same type.  Hence a tuple's encoding is the plain concatenation of
   its elements' encodings, tuples compare element by element, and the
   encoding of a whole key is never a prefix of another key of the same
   object (the MVCC layer relies on this to append version suffixes).
3. **DESC** is the bytewise complement of the ASC encoding.  Because of (2),
   complementing reverses the order exactly.
4. **NULLs** take a one-byte tag that sorts before (NULLS FIRST) or after
   (NULLS LAST) every non-null tag.  PostgreSQL's defaults are NULLS LAST for
   ASC and NULLS FIRST for DESC.

Layout of one element (before a DESC complement)::

    0x01                     NULL, NULLS FIRST
    0x10 <8 bytes>           int2/int4/int8, date, time, timestamp, timestamptz,
                             oid: big-endian two's complement with the sign bit flipped
    0x11 <8 bytes>           float4/float8: IEEE-754 bits, sign-flipped for
                             positives, all-inverted for negatives; NaN is the
                             largest value (as in PostgreSQL), -0.0 == 0.0
    0x12 <numeric>           numeric, see ``_enc_numeric``
    0x13 <16 bytes>          interval: total microseconds (months = 30 days,
                             days = 24 h, as PostgreSQL's interval_cmp)
    0x14 <escaped bytes>     text (C collation: UTF-8 byte order = code point order),
                             bytea; 0x00 is escaped as 0x00 0xFF, end is 0x00 0x01
    0x15 0x00 | 0x15 0x01    false | true
    0x16 <16 bytes>          uuid
    0x17 <fam> <net> <bits> <addr>   inet/cidr: family (4|6), network part and whole
                             address (4 or 16 bytes each), mask length: network_cmp's order
    0x18 <6 bytes>           macaddr
    0x19 <8 bytes>           macaddr8
    0x1A 0x00 | 0x1A 0x01 <lower> <upper>
                             range: empty | bounds; lower = 0x00 (-inf) or 0x01 <elem>
                             <0x00 inclusive | 0x01 exclusive>; upper = 0x02 (+inf) or
                             0x01 <elem> <0x00 exclusive | 0x01 inclusive> (range_cmp)
    0xFE                     NULL, NULLS LAST

Composite values not listed here (arrays, jsonb) are encoded with their
canonical text under the 0x14 tag: equal values encode equally, which is all
a unique index needs; their btree order is not PostgreSQL's.
"""

from __future__ import annotations

import datetime as _dt
import struct
import uuid as _uuid
from decimal import Decimal

NULL_FIRST = b"\x01"
NULL_LAST = b"\xfe"
T_INT = 0x10
T_FLOAT = 0x11
T_NUMERIC = 0x12
T_INTERVAL = 0x13
T_BYTES = 0x14
T_BOOL = 0x15
T_UUID = 0x16

_INT_BIAS = 1 << 63
_pack_q = struct.Struct(">Q").pack
_pack_d = struct.Struct(">d").pack
_unpack_Q = struct.Struct(">Q").unpack
_EPOCH_DATE = _dt.date(2000, 1, 1)
_EPOCH_TS = _dt.datetime(2000, 1, 1)
_EPOCH_TSTZ = _dt.datetime(2000, 1, 1, tzinfo=_dt.timezone.utc)
_INVERT = bytes(255 - i for i in range(256))


def enc_int(v: int) -> bytes:
    return b"\x10" + _pack_q(v + _INT_BIAS)


def enc_float(v: float) -> bytes:
    if v != v:  # NaN: canonical, above +inf
        return b"\x11\xff\xf8\x00\x00\x00\x00\x00\x00"
    if v == 0.0:
        v = 0.0  # -0.0 == 0.0
    b = _pack_d(v)
    if b[0] & 0x80:
        return b"\x11" + b.translate(_INVERT)
    return b"\x11" + bytes((b[0] | 0x80,)) + b[1:]


def enc_bytes(v: bytes) -> bytes:
    return b"\x14" + v.replace(b"\x00", b"\x00\xff") + b"\x00\x01"


def enc_text(v: str) -> bytes:
    return enc_bytes(v.encode("utf-8", "surrogatepass"))


def _enc_numeric(v: Decimal) -> bytes:
    """Numeric: sign byte, then exponent and digits, order-preserving.

    - NaN -> 0xFF (PostgreSQL sorts NaN above every number), +inf 0xFE, -inf 0x00
    - zero -> 0x80
    - positive -> 0xC0, exponent (u16, biased), base-10 digit string as pairs
      packed 2 digits per byte as value+1 (1..100) and terminated by 0x00
    - negative -> 0x40, complemented exponent and digit bytes, terminated by 0xFF
    The digit string carries no trailing zeros, so equal values are equal bytes.
    """
    if v.is_nan():
        return b"\x12\xff"
    if v.is_infinite():
        return b"\x12\xfe" if v > 0 else b"\x12\x00"
    if not v:
        return b"\x12\x80"
    sign, digits, exp = v.as_tuple()
    ds = "".join(map(str, digits)).rstrip("0")  # no leading zeros: Decimal never has them
    # value = 0.d1d2d3... * 10**e
    e = len(digits) + exp
    if len(ds) % 2:
        ds += "0"
    pairs = bytes(int(ds[i:i + 2]) + 1 for i in range(0, len(ds), 2))
    ebytes = struct.pack(">H", (e + 0x8000) & 0xFFFF)
    if not sign:
        return b"\x12\xc0" + ebytes + pairs + b"\x00"
    return b"\x12\x40" + ebytes.translate(_INVERT) + pairs.translate(_INVERT) + b"\xff"


def enc_interval(months: int, days: int, micros: int) -> bytes:
    total = (months * 30 + days) * 86_400_000_000 + micros
    return b"\x13" + (total + (1 << 127)).to_bytes(16, "big")


def encode_value(v, nulls_first: bool = False) -> bytes:
    """Encode one ascending element, dispatching on the Python type of ``v``."""
    if v is None:
        return NULL_FIRST if nulls_first else NULL_LAST
    t = type(v)
    if t is int:
        return b"\x10" + _pack_q(v + _INT_BIAS)
    if t is str:
        return b"\x14" + v.encode("utf-8", "surrogatepass").replace(b"\x00", b"\x00\xff") + b"\x00\x01"
    if t is bool:
        return b"\x15\x01" if v else b"\x15\x00"
    if t is float:
        return enc_float(v)
    if t is Decimal:
        return _enc_numeric(v)
    if t is bytes or t is bytearray or t is memoryview:
        return enc_bytes(bytes(v))
    if t is _dt.datetime:
        if v.tzinfo is None:
            d = v - _EPOCH_TS
        else:
            d = v - _EPOCH_TSTZ
        return enc_int((d.days * 86400 + d.seconds) * 1_000_000 + d.microseconds)
    if t is _dt.date:
        return enc_int((v - _EPOCH_DATE).days)
    if t is _dt.time:
        return enc_int(((v.hour * 60 + v.minute) * 60 + v.second) * 1_000_000 + v.microsecond)
    if t is _uuid.UUID:
        return b"\x16" + v.bytes
    tm = getattr(v, "total_micros", None)
    if tm is not None:  # interval
        return b"\x13" + (tm() + (1 << 127)).to_bytes(16, "big")
    if isinstance(v, _dt.date):  # +/-infinity date/timestamp singletons (subclasses)
        return enc_int((1 << 62) if v.year == 9999 else -(1 << 62))
    enc = _EXTRA_ENCODERS.get(t)
    if enc is not None:
        return enc(v)
    if t is tuple:
        return enc_text(_canonical_text(list(v)))
    return enc_text(_canonical_text(v))


def _enc_inet(v) -> bytes:
    # network_cmp order: family, network part, mask length, whole address
    n = v.nbytes
    return b"\x17" + bytes((v.family, )) + v.network_int().to_bytes(n, "big") + bytes((v.bits,)) + \
        v.addr.to_bytes(n, "big")


def _enc_mac(v) -> bytes:
    return (b"\x18" if len(v.b) == 6 else b"\x19") + v.b


def _enc_range(v) -> bytes:
    # range_cmp order: empty first; then the lower bound (-inf first; at one value an
    # inclusive bound before an exclusive one), then the upper bound (+inf last; at one
    # value an exclusive bound before an inclusive one)
    f = v.flags
    if f & 0x01:
        return b"\x1a\x00"
    parts = [b"\x1a\x01"]
    if f & 0x08:
        parts.append(b"\x00")
    else:
        parts.append(b"\x01" + encode_value(v.lower) + (b"\x00" if f & 0x02 else b"\x01"))
    if f & 0x10:
        parts.append(b"\x02")
    else:
        parts.append(b"\x01" + encode_value(v.upper) + (b"\x01" if f & 0x04 else b"\x00"))
    return b"".join(parts)


def _extra_encoders():
    from ..types.network import Inet, MacAddr, MacAddr8
    from ..types.ranges import Range

    return {Inet: _enc_inet, MacAddr: _enc_mac, MacAddr8: _enc_mac, Range: _enc_range}


_EXTRA_ENCODERS = _extra_encoders()


def _canonical_text(v) -> str:
    import json

    if isinstance(v, (list, tuple)):
        return "[" + ",".join(_canonical_text(x) for x in v) + "]"
    try:
        return json.dumps(v, sort_keys=True, separators=(",", ":"), default=str)
    except TypeError:
        return str(v)


def encode_key(values, desc=None, nulls_first=None) -> bytes:
    """Encode a tuple of values.

    ``desc`` and ``nulls_first`` are optional sequences of booleans, one per
    element.  When ``nulls_first`` is None the PostgreSQL default applies
    (NULLS FIRST exactly for DESC elements).
    """
    if desc is None:
        return b"".join([encode_value(v) for v in values])
    parts = []
    for i, v in enumerate(values):
        d = desc[i]
        nf = nulls_first[i] if nulls_first is not None else d
        if d:
            # the complement flips NULL placement too: pre-swap it
            parts.append(encode_value(v, not nf).translate(_INVERT))
        else:
            parts.append(encode_value(v, nf))
    return b"".join(parts)


def prefix_successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``."""
    p = bytearray(prefix)
    while p:
        if p[-1] != 0xFF:
            p[-1] += 1
            return bytes(p)
        p.pop()
    return None


# ----------------------------------------------------------------- decoding
#
# Primary keys are stored in index entries and row keys are decoded when a
# scan needs the key values (row values are stored separately, so most reads
# never decode keys).  Decoding is needed for ints, text and the like; the
# numeric/float/interval/date decodings are given so that a key alone can be
# turned back into values for every type that appears in primary keys.


def decode_key(data: bytes, kinds) -> tuple:
    """Decode a key encoded ascending, given each element's kind.

    ``kinds`` holds one of 'int', 'float', 'numeric', 'text', 'bytea', 'bool',
    'uuid', 'date', 'time', 'timestamp', 'timestamptz', 'interval' per element.
    """
    out = []
    pos = 0
    for kind in kinds:
        tag = data[pos]
        if tag == 0x01 or tag == 0xFE:
            out.append(None)
            pos += 1
            continue
        pos += 1
        if tag == T_INT:
            n = _unpack_Q(data[pos:pos + 8])[0] - _INT_BIAS
            pos += 8
            if kind == "int":
                out.append(n)
            elif kind == "date":
                out.append(_EPOCH_DATE + _dt.timedelta(days=n))
            elif kind == "timestamp":
                out.append(_EPOCH_TS + _dt.timedelta(microseconds=n))
            elif kind == "timestamptz":
                out.append(_EPOCH_TSTZ + _dt.timedelta(microseconds=n))
            elif kind == "time":
                s, us = divmod(n, 1_000_000)
                m, s = divmod(s, 60)
                h, m = divmod(m, 60)
                out.append(_dt.time(h, m, s, us))
            else:
                out.append(n)
        elif tag == T_BYTES:
            end = pos
            while True:
                end = data.index(b"\x00", end)
                if data[end + 1] == 0x01:
                    break
                end += 2
            raw = data[pos:end].replace(b"\x00\xff", b"\x00")
            pos = end + 2
            out.append(raw if kind == "bytea" else raw.decode("utf-8", "surrogatepass"))
        elif tag == T_BOOL:
            out.append(data[pos] == 1)
            pos += 1
        elif tag == T_UUID:
            out.append(_uuid.UUID(bytes=bytes(data[pos:pos + 16])))
            pos += 16
        elif tag == T_FLOAT:
            b = bytes(data[pos:pos + 8])
            pos += 8
            if b[0] & 0x80:
                b = bytes((b[0] & 0x7F,)) + b[1:]
            else:
                b = b.translate(_INVERT)
            out.append(struct.unpack(">d", b)[0])
        elif tag == T_NUMERIC:
            s = data[pos]
            pos += 1
            if s == 0xFF:
                out.append(Decimal("NaN"))
            elif s == 0xFE:
                out.append(Decimal("Infinity"))
            elif s == 0x00:
                out.append(Decimal("-Infinity"))
            elif s == 0x80:
                out.append(Decimal(0))
            else:
                neg = s == 0x40
                eb = bytes(data[pos:pos + 2])
                pos += 2
                end_mark = 0xFF if neg else 0x00
                end = data.index(bytes((end_mark,)), pos)
                pairs = bytes(data[pos:end])
                pos = end + 1
                if neg:
                    eb = eb.translate(_INVERT)
                    pairs = pairs.translate(_INVERT)
                e = struct.unpack(">H", eb)[0] - 0x8000
                ds = "".join("%02d" % (p - 1) for p in pairs)
                out.append(Decimal(("-" if neg else "") + "0." + ds + "E" + str(e)))
        elif tag == T_INTERVAL:
            total = int.from_bytes(data[pos:pos + 16], "big") - (1 << 127)
            pos += 16
            out.append(total)
        else:  # pragma: no cover - corrupt key
            raise ValueError(f"bad key tag {tag:#x} at {pos - 1}")
    return tuple(out)
