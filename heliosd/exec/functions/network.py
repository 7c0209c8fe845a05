"""Network address functions and operators (PostgreSQL's network.c, mac.c, mac8.c).

inet/cidr values are :class:`heliosd.types.network.Inet`; cidr arguments reach
the inet overloads through the binary-compatible cidr -> inet cast, as in
PostgreSQL.  macaddr / macaddr8 are :class:`MacAddr` / :class:`MacAddr8`.
"""

from __future__ import annotations

from ... import types as T
from ...errors import PgError
from ...types import network as NW
from . import op, register

Inet = NW.Inet
INET, CIDR, MACADDR, MACADDR8 = T.INET, T.CIDR, T.MACADDR, T.MACADDR8
_CMP = {"=": "==", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _f(name, args, ret, impl=None, **kw):
    return register(name, args, ret, impl, **kw)


# ---------------------------------------------------------------------- inet / cidr


def _mask(bits, maxbits):
    return ((1 << bits) - 1) << (maxbits - bits)


def _host(v):
    return NW.net_ntop(v, v.maxbits)


def _abbrev_inet(v):
    return NW.net_ntop(v, v.bits)


def _abbrev_cidr(v):
    return NW.cidr_ntop(v)


def _broadcast(v):
    mb = v.maxbits
    return Inet(v.family, v.bits, v.addr | ((1 << (mb - v.bits)) - 1))


def _family(v):
    return v.family


def _masklen(v):
    return v.bits


def _netmask(v):
    mb = v.maxbits
    return Inet(v.family, mb, _mask(v.bits, mb))


def _hostmask(v):
    mb = v.maxbits
    return Inet(v.family, mb, (1 << (mb - v.bits)) - 1)


def _network(v):
    return Inet(v.family, v.bits, v.network_int())


def _check_masklen(v, bits):
    mb = v.maxbits
    if bits == -1:
        bits = mb
    if bits < 0 or bits > mb:
        raise PgError(f"invalid mask length: {bits}", "22023")
    return bits


def _set_masklen_inet(v, bits):
    return Inet(v.family, _check_masklen(v, bits), v.addr)


def _set_masklen_cidr(v, bits):
    bits = _check_masklen(v, bits)
    mb = v.maxbits
    return Inet(v.family, bits, v.addr & _mask(bits, mb))


def _same_family(a, b):
    return a.family == b.family


def _bitncmp_eq(a, b, n):
    """First n bits of a's and b's addresses equal (same family)."""
    mb = a.maxbits
    return (a.addr >> (mb - n)) == (b.addr >> (mb - n))


def _inet_merge(a, b):
    if a.family != b.family:
        raise PgError("cannot merge addresses from different families", "22023")
    mb = a.maxbits
    n = min(a.bits, b.bits)
    # the common prefix length (bitncommon)
    x = (a.addr ^ b.addr) >> (mb - n) if n else 0
    common = n - x.bit_length()
    return Inet(a.family, common, a.addr & _mask(common, mb))


def _sub(a, b):
    return a.family == b.family and a.bits > b.bits and _bitncmp_eq(a, b, b.bits)


def _subeq(a, b):
    return a.family == b.family and a.bits >= b.bits and _bitncmp_eq(a, b, b.bits)


def _sup(a, b):
    return a.family == b.family and a.bits < b.bits and _bitncmp_eq(a, b, a.bits)


def _supeq(a, b):
    return a.family == b.family and a.bits <= b.bits and _bitncmp_eq(a, b, a.bits)


def _overlap(a, b):
    return a.family == b.family and _bitncmp_eq(a, b, min(a.bits, b.bits))


def _inetnot(a):
    mb = a.maxbits
    return Inet(a.family, a.bits, ~a.addr & ((1 << mb) - 1))


def _inetand(a, b):
    if a.family != b.family:
        raise PgError("cannot AND inet values of different sizes", "22023")
    return Inet(a.family, max(a.bits, b.bits), a.addr & b.addr)


def _inetor(a, b):
    if a.family != b.family:
        raise PgError("cannot OR inet values of different sizes", "22023")
    return Inet(a.family, max(a.bits, b.bits), a.addr | b.addr)


def _inetpl(a, n):
    r = a.addr + n
    if r < 0 or r >= (1 << a.maxbits):
        raise PgError("result is out of range", "22003")
    return Inet(a.family, a.bits, r)


def _inetmi_int8(a, n):
    return _inetpl(a, -n)


def _inetmi(a, b):
    if a.family != b.family:
        raise PgError("cannot subtract inet values of different sizes", "22023")
    r = a.addr - b.addr
    if r < -(1 << 63) or r >= (1 << 63):
        raise PgError("result is out of range", "22003")
    return r


for _sym, _py in _CMP.items():
    op(_sym, INET, INET, T.BOOL, template="({0} %s {1})" % _py, filter_safe=True)
    op(_sym, MACADDR, MACADDR, T.BOOL, template="({0} %s {1})" % _py, filter_safe=True)
    op(_sym, MACADDR8, MACADDR8, T.BOOL, template="({0} %s {1})" % _py, filter_safe=True)

op("<<", INET, INET, T.BOOL, _sub)
op("<<=", INET, INET, T.BOOL, _subeq)
op(">>", INET, INET, T.BOOL, _sup)
op(">>=", INET, INET, T.BOOL, _supeq)
op("&&", INET, INET, T.BOOL, _overlap)
op("~", None, INET, INET, _inetnot)
op("&", INET, INET, INET, _inetand)
op("|", INET, INET, INET, _inetor)
op("+", INET, T.INT8, INET, _inetpl)
op("+", T.INT8, INET, INET, lambda n, a: _inetpl(a, n))
op("-", INET, T.INT8, INET, _inetmi_int8)
op("-", INET, INET, T.INT8, _inetmi)

_f("abbrev", [INET], T.TEXT, _abbrev_inet)
_f("abbrev", [CIDR], T.TEXT, _abbrev_cidr)
_f("broadcast", [INET], INET, _broadcast)
_f("family", [INET], T.INT4, _family)
_f("host", [INET], T.TEXT, _host)
_f("hostmask", [INET], INET, _hostmask)
_f("masklen", [INET], T.INT4, _masklen)
_f("netmask", [INET], INET, _netmask)
_f("network", [INET], CIDR, _network)
_f("set_masklen", [INET, T.INT4], INET, _set_masklen_inet)
_f("set_masklen", [CIDR, T.INT4], CIDR, _set_masklen_cidr)
_f("text", [INET], T.TEXT, NW.network_show)
_f("inet_same_family", [INET, INET], T.BOOL, _same_family)
_f("inet_merge", [INET, INET], CIDR, _inet_merge)
_f("network_cmp", [INET, INET], T.INT4, lambda a, b: (a > b) - (a < b))
_f("network_larger", [INET, INET], INET, lambda a, b: a if a > b else b)
_f("network_smaller", [INET, INET], INET, lambda a, b: a if a < b else b)
_f("network_sub", [INET, INET], T.BOOL, _sub)
_f("network_subeq", [INET, INET], T.BOOL, _subeq)
_f("network_sup", [INET, INET], T.BOOL, _sup)
_f("network_supeq", [INET, INET], T.BOOL, _supeq)
_f("network_overlap", [INET, INET], T.BOOL, _overlap)


# ---------------------------------------------------------------------- macaddr / macaddr8


def _mac_not(v):
    return v.__class__(bytes(~x & 0xFF for x in v.b))


def _mac_and(a, b):
    return a.__class__(bytes(x & y for x, y in zip(a.b, b.b)))


def _mac_or(a, b):
    return a.__class__(bytes(x | y for x, y in zip(a.b, b.b)))


def _mac_trunc(v):
    return NW.MacAddr(v.b[:3] + b"\0\0\0")


def _mac8_trunc(v):
    return NW.MacAddr8(v.b[:3] + b"\0\0\0\0\0")


def _mac8_set7bit(v):
    return NW.MacAddr8(bytes((v.b[0] | 0x02,)) + v.b[1:])


for _t in (MACADDR, MACADDR8):
    op("~", None, _t, _t, _mac_not)
    op("&", _t, _t, _t, _mac_and)
    op("|", _t, _t, _t, _mac_or)
_f("trunc", [MACADDR], MACADDR, _mac_trunc)
_f("trunc", [MACADDR8], MACADDR8, _mac8_trunc)
_f("macaddr8_set7bit", [MACADDR8], MACADDR8, _mac8_set7bit)
_f("macaddr_cmp", [MACADDR, MACADDR], T.INT4, lambda a, b: (a > b) - (a < b))
_f("macaddr8_cmp", [MACADDR8, MACADDR8], T.INT4, lambda a, b: (a > b) - (a < b))
# cidr(inet), macaddr8(macaddr), macaddr(macaddr8) are function-style casts (pg_cast functions)
