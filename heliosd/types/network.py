"""Network address types: inet, cidr, macaddr, macaddr8 (PostgreSQL's network.c,
inet_net_pton.c, inet_net_ntop.c, inet_cidr_ntop.c, mac.c, mac8.c).

Values
======

- inet and cidr: :class:`Inet` (immutable): ``family`` (4 or 6), ``bits`` (the
  netmask length) and ``addr`` (the whole address as an unsigned int).  Both
  types share the representation, as in PostgreSQL (cidr -> inet is a binary
  relabel); a cidr value never has bits set right of its mask.  Python ordering
  and equality are PostgreSQL's btree order (network_cmp: family, then the
  network part, then the mask length, then the whole address): the key
  ``(family, network, bits, addr)`` orders exactly like network_cmp_internal.
- macaddr: :class:`MacAddr` (6 bytes), macaddr8: :class:`MacAddr8` (8 bytes);
  ordered bytewise.

Text output is byte-for-byte PostgreSQL's: inet suppresses ``/32`` (``/128``)
only, cidr always shows the mask; IPv6 compresses the longest run of >= 2 zero
words and prints IPv4-mapped/compatible addresses with a dotted quad.
"""

from __future__ import annotations

import struct

from ..errors import PgError

PGSQL_AF_INET = 2
PGSQL_AF_INET6 = 3
_HEX = "0123456789abcdefABCDEF"
_DIGITS = "0123456789"


class Inet:
    """An inet/cidr value: family 4|6, mask length, address as an int."""

    __slots__ = ("family", "bits", "addr")

    def __init__(self, family: int, bits: int, addr: int):
        self.family = family
        self.bits = bits
        self.addr = addr

    @property
    def maxbits(self) -> int:
        return 32 if self.family == 4 else 128

    @property
    def nbytes(self) -> int:
        return 4 if self.family == 4 else 16

    def network_int(self) -> int:
        mb = self.maxbits
        return (self.addr >> (mb - self.bits)) << (mb - self.bits) if self.bits < mb else self.addr

    def key(self):
        return (self.family, self.network_int(), self.bits, self.addr)

    def addr_bytes(self) -> bytes:
        return self.addr.to_bytes(self.nbytes, "big")

    def __eq__(self, o):
        if o.__class__ is not Inet:
            return NotImplemented
        return self.family == o.family and self.bits == o.bits and self.addr == o.addr

    def __ne__(self, o):
        if o.__class__ is not Inet:
            return NotImplemented
        return not (self.family == o.family and self.bits == o.bits and self.addr == o.addr)

    def __hash__(self):
        return hash((self.family, self.bits, self.addr))

    def __lt__(self, o):
        return self.key() < o.key()

    def __le__(self, o):
        return self.key() <= o.key()

    def __gt__(self, o):
        return self.key() > o.key()

    def __ge__(self, o):
        return self.key() >= o.key()

    def __repr__(self):
        return f"Inet({inet_out(self)!r})"

    def __reduce__(self):
        return (Inet, (self.family, self.bits, self.addr))


# ---------------------------------------------------------------------- parsing (inet_net_pton.c)


def _isdigit(ch):
    return "0" <= ch <= "9"


def _isxdigit(ch):
    return ch != "" and ch in _HEX



def _v4_prefix(s: str, i: int, ch: str, dst) -> int | None:
    """The '/bits' suffix of an IPv4 literal (inet_net_pton): -1 when there is none, None
    when what follows the address is not a valid suffix.  ``ch`` is the character at i-1."""
    bits = -1
    if ch == "/" and _isdigit(s[i]) and dst:
        ch = s[i]
        i += 1
        bits = 0
        while True:
            bits = bits * 10 + (ord(ch) - 48)
            ch = s[i]
            i += 1
            if ch == "\0" or not _isdigit(ch):
                break
        if ch != "\0" or bits > 32:
            return None
    if ch != "\0":
        return None
    return bits

def _cidr_pton_ipv4(src: str, size: int):
    """inet_cidr_pton_ipv4: (bits, bytes) or None."""
    s = src + "\0"
    i = 0
    dst = []
    ch = s[i]
    i += 1
    if ch == "0" and s[i] in "xX" and _isxdigit(s[i + 1]):
        if size <= 0:
            return None
        dirty = 0
        tmp = 0
        i += 1
        while True:
            ch = s[i]
            i += 1
            if ch == "\0" or not _isxdigit(ch):
                break
            n = int(ch, 16)
            tmp = n if dirty == 0 else ((tmp << 4) | n)
            dirty += 1
            if dirty == 2:
                if size <= 0:
                    return None
                size -= 1
                dst.append(tmp & 0xFF)
                dirty = 0
        if dirty:
            if size <= 0:
                return None
            size -= 1
            dst.append((tmp << 4) & 0xFF)
    elif _isdigit(ch):
        while True:
            tmp = 0
            while True:
                tmp = tmp * 10 + (ord(ch) - 48)
                if tmp > 255:
                    return None
                ch = s[i]
                i += 1
                if ch == "\0" or not _isdigit(ch):
                    break
            if size <= 0:
                return None
            size -= 1
            dst.append(tmp)
            if ch == "\0" or ch == "/":
                break
            if ch != ".":
                return None
            ch = s[i]
            i += 1
            if not _isdigit(ch):
                return None
    else:
        return None
    bits = _v4_prefix(s, i, ch, dst)
    if bits is None:
        return None
    if not dst:
        return None
    if bits == -1:
        o = dst[0]
        if o >= 240:
            bits = 32
        elif o >= 224:
            bits = 8
        elif o >= 192:
            bits = 24
        elif o >= 128:
            bits = 16
        else:
            bits = 8
        if bits < len(dst) * 8:
            bits = len(dst) * 8
        if bits == 8 and o == 224:
            bits = 4
    while bits > len(dst) * 8:
        if size <= 0:
            return None
        size -= 1
        dst.append(0)
    return bits, dst


def _net_pton_ipv4(src: str):
    """inet_net_pton_ipv4 (inet input): (bits, bytes) or None."""
    s = src + "\0"
    i = 0
    dst = []
    size = 4
    ch = ""
    while True:
        ch = s[i]
        i += 1
        if not _isdigit(ch):
            break
        tmp = 0
        while True:
            tmp = tmp * 10 + (ord(ch) - 48)
            if tmp > 255:
                return None
            ch = s[i]
            i += 1
            if ch == "\0" or not _isdigit(ch):
                break
        if size == 0:
            return None
        size -= 1
        dst.append(tmp)
        if ch == "\0" or ch == "/":
            break
        if ch != ".":
            return None
    bits = _v4_prefix(s, i, ch, dst)
    if bits is None:
        return None
    if bits == -1:
        if len(dst) == 4:
            bits = 32
        else:
            return None
    if not dst:
        return None
    if bits // 8 > len(dst):
        return None
    while len(dst) < 4:
        dst.append(0)
    return bits, dst


def _getbits(src: str):
    val = 0
    n = 0
    for ch in src:
        if _isdigit(ch):
            if n != 0 and val == 0:
                return None
            n += 1
            val = val * 10 + (ord(ch) - 48)
            if val > 128:
                return None
            continue
        return None
    if n == 0:
        return None
    return val


def _getv4(src: str):
    """getv4: (4 bytes, bits or -1) or None."""
    dst = []
    val = 0
    n = 0
    i = 0
    while i < len(src):
        ch = src[i]
        i += 1
        if _isdigit(ch):
            if n != 0 and val == 0:
                return None
            n += 1
            val = val * 10 + (ord(ch) - 48)
            if val > 255:
                return None
            continue
        if ch == "." or ch == "/":
            if len(dst) > 3:
                return None
            dst.append(val)
            if ch == "/":
                b = _getbits(src[i:])
                if b is None:
                    return None
                return dst, b
            val = 0
            n = 0
            continue
        return None
    if n == 0:
        return None
    if len(dst) > 3:
        return None
    dst.append(val)
    return dst, -1


def _pton_ipv6(src: str):
    """inet_cidr_pton_ipv6: (bits, 16 bytes) or None."""
    tmp = [0] * 16
    tp = 0
    endp = 16
    colonp = None
    s = src + "\0"
    i = 0
    if s[0] == ":":
        i = 1
        if s[i] != ":":
            return None
    curtok = i
    saw_xdigit = False
    val = 0
    digits = 0
    bits = -1
    while True:
        ch = s[i]
        i += 1
        if ch == "\0":
            break
        if ch in _HEX:
            val = (val << 4) | int(ch, 16)
            digits += 1
            if digits > 4:
                return None
            saw_xdigit = True
            continue
        if ch == ":":
            curtok = i
            if not saw_xdigit:
                if colonp is not None:
                    return None
                colonp = tp
                continue
            elif s[i] == "\0":
                return None
            if tp + 2 > endp:
                return None
            tmp[tp] = (val >> 8) & 0xFF
            tmp[tp + 1] = val & 0xFF
            tp += 2
            saw_xdigit = False
            digits = 0
            val = 0
            continue
        if ch == "." and tp + 4 <= endp:
            r = _getv4(src[curtok:])
            if r is not None:
                v4, b = r
                # getv4 writes the octets it parsed (fewer than 4 leaves zeros)
                for k, o in enumerate(v4):
                    tmp[tp + k] = o & 0xFF
                if b != -1:
                    bits = b
                tp += 4
                saw_xdigit = False
                break
        if ch == "/":
            b = _getbits(s[i:-1])
            if b is not None:
                bits = b
                break
        return None
    if saw_xdigit:
        if tp + 2 > endp:
            return None
        tmp[tp] = (val >> 8) & 0xFF
        tmp[tp + 1] = val & 0xFF
        tp += 2
    if bits == -1:
        bits = 128
    if colonp is not None:
        n = tp - colonp
        if tp == endp:
            return None
        for k in range(1, n + 1):
            tmp[endp - k] = tmp[colonp + n - k]
            tmp[colonp + n - k] = 0
        tp = endp
    if tp != endp:
        return None
    return bits, tmp


def _addr_ok(addr: int, bits: int, maxbits: int) -> bool:
    return addr & ((1 << (maxbits - bits)) - 1) == 0


def network_in(s: str, is_cidr: bool) -> Inet:
    name = "cidr" if is_cidr else "inet"
    if "\0" in s:
        s = s.split("\0", 1)[0]
    if ":" in s:
        fam, maxbits = 6, 128
        r = _pton_ipv6(s)
    else:
        fam, maxbits = 4, 32
        r = _cidr_pton_ipv4(s, 4) if is_cidr else _net_pton_ipv4(s)
    if r is None or r[0] < 0 or r[0] > maxbits:
        raise PgError(f'invalid input syntax for type {name}: "{s}"', "22P02")
    bits, b = r
    nb = maxbits // 8
    addr = int.from_bytes(bytes(b[:nb]) + bytes(max(0, nb - len(b))), "big")
    if is_cidr and not _addr_ok(addr, bits, maxbits):
        raise PgError(f'invalid cidr value: "{s}"', "22P02", detail="Value has bits set to right of mask.")
    return Inet(fam, bits, addr)


def inet_in(s, typmod=-1, tz=None):
    return network_in(s, False)


def cidr_in(s, typmod=-1, tz=None):
    return network_in(s, True)


# ---------------------------------------------------------------------- output (inet_net_ntop.c)


def _ntop_ipv6(b: bytes, bits: int) -> str:
    words = [(b[2 * i] << 8) | b[2 * i + 1] for i in range(8)]
    best_base, best_len = -1, 0
    cur_base, cur_len = -1, 0
    for i in range(8):
        if words[i] == 0:
            if cur_base == -1:
                cur_base, cur_len = i, 1
            else:
                cur_len += 1
        elif cur_base != -1:
            if best_base == -1 or cur_len > best_len:
                best_base, best_len = cur_base, cur_len
            cur_base = -1
    if cur_base != -1 and (best_base == -1 or cur_len > best_len):
        best_base, best_len = cur_base, cur_len
    if best_base != -1 and best_len < 2:
        best_base = -1
    out = []
    for i in range(8):
        if best_base != -1 and best_base <= i < best_base + best_len:
            if i == best_base:
                out.append(":")
            continue
        if i != 0:
            out.append(":")
        if i == 6 and best_base == 0 and (best_len == 6 or (best_len == 7 and words[7] != 1)
                                          or (best_len == 5 and words[5] == 0xFFFF)):
            out.append("%d.%d.%d.%d" % (b[12], b[13], b[14], b[15]))
            break
        out.append("%x" % words[i])
    if best_base != -1 and best_base + best_len == 8:
        out.append(":")
    if bits != -1 and bits != 128:
        out.append("/%d" % bits)
    return "".join(out)


def net_ntop(v: Inet, bits: int) -> str:
    """pg_inet_net_ntop: the address, with /bits unless bits is the maximum."""
    if v.family == 4:
        a = v.addr
        s = "%d.%d.%d.%d" % ((a >> 24) & 255, (a >> 16) & 255, (a >> 8) & 255, a & 255)
        return s if bits == 32 else f"{s}/{bits}"
    return _ntop_ipv6(v.addr_bytes(), bits)


def cidr_ntop(v: Inet) -> str:
    """pg_inet_cidr_ntop (abbrev(cidr))."""
    bits = v.bits
    src = v.addr_bytes()
    if v.family == 4:
        out = ""
        if bits == 0:
            out = "0"
        parts = [str(src[k]) for k in range(bits // 8)]
        out += ".".join(parts)
        b = bits % 8
        if b > 0:
            m = ((1 << b) - 1) << (8 - b)
            if out:
                out += "."
            out += str(src[bits // 8] & m)
        return f"{out}/{bits}"
    if bits == 0:
        return f"::/{bits}"
    p = (bits + 7) // 8
    s = bytearray(src[:p]) + bytearray(16 - p)
    b = bits % 8
    if b != 0:
        s[p - 1] &= (0xFF << (8 - b)) & 0xFF
    words = (bits + 15) // 16
    if words == 1:
        words = 2
    zero_s = zero_l = tmp_s = tmp_l = 0
    for i in range(0, words * 2, 2):
        if (s[i] | s[i + 1]) == 0:
            if tmp_l == 0:
                tmp_s = i // 2
            tmp_l += 1
        elif tmp_l and zero_l < tmp_l:
            zero_s, zero_l, tmp_l = tmp_s, tmp_l, 0
    if tmp_l and zero_l < tmp_l:
        zero_s, zero_l = tmp_s, tmp_l
    is_ipv4 = zero_l != words and zero_s == 0 and (
        zero_l == 6 or (zero_l == 5 and s[10] == 0xFF and s[11] == 0xFF)
        or (zero_l == 7 and s[14] != 0 and s[15] != 1))
    out = []
    pos = 0
    for p in range(words):
        if zero_l != 0 and zero_s <= p < zero_s + zero_l:
            if p == zero_s:
                out.append(":")
            if p == words - 1:
                out.append(":")
            pos += 2
            continue
        if is_ipv4 and p > 5:
            out.append(":" if p == 6 else ".")
            out.append(str(s[pos]))
            pos += 1
            if p != 7 or bits > 120:
                out.append(".")
                out.append(str(s[pos]))
                pos += 1
        else:
            if out:
                out.append(":")
            out.append("%x" % (s[pos] * 256 + s[pos + 1]))
            pos += 2
    return "".join(out) + f"/{bits}"


def inet_out(v: Inet) -> str:
    return net_ntop(v, v.bits)


def cidr_out(v: Inet) -> str:
    s = net_ntop(v, v.bits)
    if "/" not in s:
        s += f"/{v.bits}"
    return s


def network_show(v: Inet) -> str:
    """text(inet): the address with its mask length always shown."""
    return cidr_out(v)


# ---------------------------------------------------------------------- binary


def _network_send(v: Inet, is_cidr: bool) -> bytes:
    fam = PGSQL_AF_INET if v.family == 4 else PGSQL_AF_INET6
    return bytes((fam, v.bits, 1 if is_cidr else 0, v.nbytes)) + v.addr_bytes()


def inet_send(v: Inet) -> bytes:
    return _network_send(v, False)


def cidr_send(v: Inet) -> bytes:
    return _network_send(v, True)


def _network_recv(b, is_cidr: bool) -> Inet:
    name = "cidr" if is_cidr else "inet"
    b = bytes(b)
    if len(b) < 1:
        raise PgError("insufficient data left in message", "08P01")
    fam = b[0]
    if fam not in (PGSQL_AF_INET, PGSQL_AF_INET6):
        raise PgError(f'invalid address family in external "{name}" value', "22P03")
    if len(b) < 4:
        raise PgError("insufficient data left in message", "08P01")
    maxbits = 32 if fam == PGSQL_AF_INET else 128
    bits = b[1]
    if bits > maxbits:
        raise PgError(f'invalid bits in external "{name}" value', "22P03")
    nb = b[3]
    if nb != maxbits // 8:
        raise PgError(f'invalid length in external "{name}" value', "22P03")
    if len(b) < 4 + nb:
        raise PgError("insufficient data left in message", "08P01")
    if len(b) > 4 + nb:
        raise PgError("incorrect binary data format", "22P03")
    addr = int.from_bytes(b[4:4 + nb], "big")
    if is_cidr and not _addr_ok(addr, bits, maxbits):
        raise PgError('invalid external "cidr" value', "22P03", detail="Value has bits set to right of mask.")
    return Inet(4 if fam == PGSQL_AF_INET else 6, bits, addr)


def inet_recv(b, typmod=-1):
    return _network_recv(b, False)


def cidr_recv(b, typmod=-1):
    return _network_recv(b, True)


# ---------------------------------------------------------------------- casts


def inet_to_cidr(v: Inet, tz=None) -> Inet:
    mb = v.maxbits
    if v.bits == mb:
        return v
    return Inet(v.family, v.bits, v.network_int())


def inet_to_text(v: Inet, tz=None) -> str:
    return network_show(v)


# ---------------------------------------------------------------------- macaddr / macaddr8


class MacAddr:
    """A macaddr value (6 bytes); ordered bytewise."""

    __slots__ = ("b",)
    size = 6

    def __init__(self, b: bytes):
        self.b = bytes(b)

    def __eq__(self, o):
        return o.__class__ is self.__class__ and self.b == o.b

    def __ne__(self, o):
        return not self.__eq__(o)

    def __hash__(self):
        return hash((self.__class__.__name__, self.b))

    def __lt__(self, o):
        return self.b < o.b

    def __le__(self, o):
        return self.b <= o.b

    def __gt__(self, o):
        return self.b > o.b

    def __ge__(self, o):
        return self.b >= o.b

    def __repr__(self):
        return f"{self.__class__.__name__}({':'.join('%02x' % x for x in self.b)!r})"

    def __reduce__(self):
        return (self.__class__, (self.b,))


class MacAddr8(MacAddr):
    """A macaddr8 value (8 bytes)."""

    __slots__ = ()
    size = 8


def _scan_hex(s: str, i: int, width):
    """sscanf's %x (width None = unbounded): (value, new index) or None."""
    n = len(s)
    while i < n and s[i] in " \t\n\r\f\v":
        i += 1
    start = i
    limit = n if width is None else min(n, i + width)
    neg = False
    if i < limit and s[i] in "+-":
        neg = s[i] == "-"
        i += 1
    if i + 1 < limit and s[i] == "0" and s[i + 1] in "xX" and i + 2 < n and s[i + 2] in _HEX and \
            (width is None or i + 2 < limit):
        i += 2
    j = i
    while j < limit and s[j] in _HEX:
        j += 1
    if j == i:
        if i > start and s[start:i].lstrip("+-") in ("0x", "0X"):
            return None
        return None
    v = int(s[i:j], 16)
    return (-v if neg else v), j


def _sscanf_mac(s: str, seps, widths):
    """One of macaddr_in's sscanf patterns: 6 ints or None (trailing junk -> None)."""
    vals = []
    i = 0
    for k in range(6):
        r = _scan_hex(s, i, widths)
        if r is None:
            return None
        v, i = r
        vals.append(v)
        if k < 5 and seps[k]:
            if i >= len(s) or s[i] != seps[k]:
                return None
            i += 1
    if s[i:].strip(" \t\n\r\f\v"):
        return None
    return vals


_MAC_PATTERNS = (
    ((":",) * 5, None), (("-",) * 5, None), (("", "", ":", "", ""), 2), (("", "", "-", "", ""), 2),
    (("", ".", "", ".", ""), 2), (("", "-", "", "-", ""), 2), (("",) * 5, 2),
)


def macaddr_in(s, typmod=-1, tz=None) -> MacAddr:
    vals = None
    for seps, w in _MAC_PATTERNS:
        vals = _sscanf_mac(s, seps, w)
        if vals is not None:
            break
    if vals is None:
        raise PgError(f'invalid input syntax for type macaddr: "{s}"', "22P02")
    if any(v < 0 or v > 255 for v in vals):
        raise PgError(f'invalid octet value in "macaddr" value: "{s}"', "22003")
    return MacAddr(bytes(vals))


def macaddr_out(v: MacAddr) -> str:
    return ":".join("%02x" % x for x in v.b)


def macaddr_send(v: MacAddr) -> bytes:
    return v.b


def macaddr_recv(b, typmod=-1) -> MacAddr:
    b = bytes(b)
    if len(b) < 6:
        raise PgError("insufficient data left in message", "08P01")
    if len(b) > 6:
        raise PgError("incorrect binary data format", "22P03")
    return MacAddr(b)


def macaddr8_in(s, typmod=-1, tz=None) -> MacAddr8:
    def fail():
        return PgError(f'invalid input syntax for type macaddr8: "{s}"', "22P02")

    ws = " \t\n\r\f\v"
    p = s.split("\0", 1)[0]
    n = len(p)
    i = 0
    while i < n and p[i] in ws:
        i += 1
    out = []
    spacer = ""
    while i < n and i + 1 < n:
        if len(out) >= 8:
            raise fail()
        h = p[i:i + 2]
        if h[0] not in _HEX or h[1] not in _HEX:
            raise fail()
        out.append(int(h, 16))
        i += 2
        if i < n and p[i] in ":-.":
            if spacer == "":
                spacer = p[i]
            elif spacer != p[i]:
                raise fail()
            i += 1
        if len(out) in (6, 8) and i < n and p[i] in ws:
            i += 1
            while i < n and p[i] in ws:
                i += 1
            if i < n:
                raise fail()
    if len(out) == 6:
        out = out[:3] + [0xFF, 0xFE] + out[3:]
    elif len(out) != 8:
        raise fail()
    return MacAddr8(bytes(out))


def macaddr8_out(v: MacAddr8) -> str:
    return ":".join("%02x" % x for x in v.b)


def macaddr8_send(v: MacAddr8) -> bytes:
    return v.b


def macaddr8_recv(b, typmod=-1) -> MacAddr8:
    b = bytes(b)
    if len(b) == 6:
        return MacAddr8(b[:3] + b"\xff\xfe" + b[3:])
    if len(b) < 8:
        raise PgError("insufficient data left in message", "08P01")
    if len(b) > 8:
        raise PgError("incorrect binary data format", "22P03")
    return MacAddr8(b)


def macaddr_to_macaddr8(v: MacAddr, tz=None) -> MacAddr8:
    b = v.b
    return MacAddr8(b[:3] + b"\xff\xfe" + b[3:])


def macaddr8_to_macaddr(v: MacAddr8, tz=None) -> MacAddr:
    b = v.b
    if b[3] != 0xFF or b[4] != 0xFE:
        raise PgError("macaddr8 data out of range to convert to macaddr", "22003",
                      hint="Only addresses that have FF and FE as values in the 4th and 5th bytes from the left, "
                           "for example xx:xx:xx:ff:fe:xx:xx:xx, are eligible to be converted from macaddr8 to "
                           "macaddr.")
    return MacAddr(b[:3] + b[5:])


#: pg_cast functions of these types: (source oid, target oid) -> f(value, tz=None)
CAST_FUNCS = {
    (869, 650): inet_to_cidr,
    (869, 25): inet_to_text, (869, 1043): inet_to_text, (869, 1042): inet_to_text,
    (650, 25): inet_to_text, (650, 1043): inet_to_text, (650, 1042): inet_to_text,
    (829, 774): macaddr_to_macaddr8,
    (774, 829): macaddr8_to_macaddr,
}

_ = struct
