"""Property tests: the key encoding preserves PostgreSQL's btree order."""
import datetime as dt
import math
import uuid
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from heliosd.storage import keycode as kc


def pg_cmp_float(a, b):
    # PostgreSQL: NaN = NaN, NaN > everything else; -0 = 0
    an, bn = math.isnan(a), math.isnan(b)
    if an or bn:
        return (an > bn) - (an < bn)
    return (a > b) - (a < b)


def cmp(a, b):
    return (a > b) - (a < b)


def check(a, b, pgcmp):
    ea, eb = kc.encode_value(a), kc.encode_value(b)
    assert cmp(ea, eb) == pgcmp(a, b), (a, b, ea, eb)
    # DESC reverses, NULLS default first for DESC
    da, db = kc.encode_key([a], [True]), kc.encode_key([b], [True])
    assert cmp(da, db) == -pgcmp(a, b)


@given(st.integers(-(2**63), 2**63 - 1), st.integers(-(2**63), 2**63 - 1))
def test_int_order(a, b):
    check(a, b, cmp)


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats(allow_nan=True, allow_infinity=True))
def test_float_order(a, b):
    check(a, b, pg_cmp_float)


def test_float_special():
    vals = [float("-inf"), -1e308, -1.0, -5e-324, -0.0, 0.0, 5e-324, 1.0, 1e308, float("inf"), float("nan")]
    enc = [kc.encode_value(v) for v in vals]
    assert enc[4] == enc[5]
    for x, y in zip(enc, enc[1:]):
        assert x <= y


decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.decimals(
    min_value=-10**6, max_value=10**6, places=4)


@given(decimals, decimals)
def test_numeric_order(a, b):
    check(a, b, cmp)


@given(decimals)
def test_numeric_roundtrip(a):
    (back,) = kc.decode_key(kc.encode_value(a), ["numeric"])
    assert back == a


def test_numeric_equal_scales():
    assert kc.encode_value(Decimal("1.0")) == kc.encode_value(Decimal("1.00")) == kc.encode_value(Decimal("1"))
    assert kc.encode_value(Decimal("NaN")) > kc.encode_value(Decimal("Infinity")) > kc.encode_value(Decimal("1e1000"))
    big = Decimal("1234567890123456789012345678901234567890.123456789012345678901")
    assert kc.decode_key(kc.encode_value(big), ["numeric"])[0] == big


@given(st.text(), st.text())
def test_text_order_c_collation(a, b):
    # C collation compares code points, which is UTF-8 byte order
    check(a, b, lambda x, y: cmp(x.encode("utf-8", "surrogatepass"), y.encode("utf-8", "surrogatepass")))


@given(st.binary(), st.binary())
def test_bytea_order(a, b):
    check(a, b, cmp)


@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=2, max_size=2),
       st.lists(st.one_of(st.none(), st.integers(-5, 5)), min_size=2, max_size=2),
       st.lists(st.booleans(), min_size=2, max_size=2),
       st.lists(st.booleans(), min_size=2, max_size=2))
def test_composite_with_nulls_and_directions(a, b, desc, nf):
    def elem_cmp(x, y, d, nullsfirst):
        if x is None or y is None:
            if x is None and y is None:
                return 0
            # null placement is absolute (already accounts for direction)
            return (-1 if nullsfirst else 1) * (1 if x is None else -1)
        c = cmp(x, y)
        return -c if d else c

    expect = 0
    for x, y, d, n in zip(a, b, desc, nf):
        c = elem_cmp(x, y, d, n)
        if c:
            expect = c
            break
    got = cmp(kc.encode_key(a, desc, nf), kc.encode_key(b, desc, nf))
    assert got == expect


def test_pg_default_null_placement():
    # ASC: NULLS LAST; DESC: NULLS FIRST
    assert kc.encode_key([None]) > kc.encode_key([10**18])
    assert kc.encode_key([None], [True]) < kc.encode_key([10**18], [True])


@given(st.datetimes(), st.datetimes())
def test_timestamp_order(a, b):
    check(a, b, cmp)


@given(st.dates(), st.dates())
def test_date_order(a, b):
    check(a, b, cmp)


@given(st.times(), st.times())
def test_time_order(a, b):
    check(a, b, cmp)


@given(st.uuids(), st.uuids())
def test_uuid_order(a, b):
    check(a, b, cmp)


@settings(max_examples=200)
@given(st.lists(st.one_of(st.none(), st.integers(-2**63, 2**63 - 1), st.text(), st.booleans(), st.uuids(),
                          st.dates(), st.datetimes(), st.binary())))
def test_roundtrip_and_prefix_free(vals):
    kinds = []
    for v in vals:
        kinds.append({int: "int", str: "text", bool: "bool", uuid.UUID: "uuid", dt.date: "date",
                      dt.datetime: "timestamp", bytes: "bytea", type(None): "int"}[type(v)])
    enc = kc.encode_key(vals)
    assert kc.decode_key(enc, kinds) == tuple(vals)
    for i in range(len(enc) - 1):
        # a proper prefix is never a complete encoding of the same kinds
        try:
            dec = kc.decode_key(enc[:i], kinds)
        except (IndexError, ValueError, Exception):
            continue
        assert kc.encode_key(list(dec)) != enc[:i] or not vals


def test_prefix_successor():
    assert kc.prefix_successor(b"ab") == b"ac"
    assert kc.prefix_successor(b"a\xff") == b"b"
    assert kc.prefix_successor(b"\xff\xff") is None


# ----------------------------------------------------------------- inet / cidr, macaddr, ranges

def _inet_cmp(a, b):
    """PostgreSQL's network_cmp_internal, written out independently of Inet's own order."""
    if a.family != b.family:
        return -1 if a.family < b.family else 1
    mb = 32 if a.family == 4 else 128
    n = min(a.bits, b.bits)
    pa, pb = a.addr >> (mb - n), b.addr >> (mb - n)
    if pa != pb:
        return -1 if pa < pb else 1
    if a.bits != b.bits:
        return -1 if a.bits < b.bits else 1
    return (a.addr > b.addr) - (a.addr < b.addr)


_inets = st.one_of(
    st.builds(lambda bits, addr: __import__("heliosd.types.network", fromlist=["Inet"]).Inet(4, bits, addr),
              st.integers(0, 32), st.integers(0, 2 ** 32 - 1)),
    st.builds(lambda bits, addr: __import__("heliosd.types.network", fromlist=["Inet"]).Inet(6, bits, addr),
              st.integers(0, 128), st.sampled_from([0, 1, 2 ** 127, 2 ** 128 - 1, 0xffff << 32])))


@settings(max_examples=300)
@given(_inets, _inets)
def test_inet_keys_follow_network_cmp(a, b):
    c = _inet_cmp(a, b)
    ka, kb = kc.encode_value(a), kc.encode_value(b)
    assert (ka > kb) - (ka < kb) == c
    assert (a > b) - (a < b) == c
    da, db = kc.encode_key([a], [True]), kc.encode_key([b], [True])
    assert (da < db) - (da > db) == c


_ranges_src = st.tuples(st.one_of(st.none(), st.integers(-5, 5)), st.one_of(st.none(), st.integers(-5, 5)),
                        st.sampled_from(["[]", "[)", "(]", "()"]))


@settings(max_examples=300)
@given(_ranges_src, _ranges_src, st.integers(-3, 3))
def test_range_keys_follow_range_cmp(ra, rb, tail):
    from heliosd import types as T
    from heliosd.errors import PgError

    def mk(src):
        lo, hi, fl = src
        try:
            return T.NUMRANGE.extra.make(None if lo is None else Decimal(lo), None if hi is None else Decimal(hi),
                                         fl[0] == "[", fl[1] == "]", lo is None, hi is None)
        except PgError:
            return T.NUMRANGE.extra.make(None, None, empty=True)

    a, b = mk(ra), mk(rb)
    c = a.cmp(b)
    ka, kb = kc.encode_key([a, tail]), kc.encode_key([b, tail])
    assert (ka > kb) - (ka < kb) == c
    assert (a == b) == (kc.encode_value(a) == kc.encode_value(b))


def test_macaddr_keys():
    from heliosd.types.network import MacAddr, MacAddr8

    macs = [MacAddr(bytes([0, 0, 0, 0, 0, 1])), MacAddr(bytes([0, 0, 0, 0, 1, 0])), MacAddr(b"\xff" * 6)]
    assert sorted(macs, key=kc.encode_value) == macs == sorted(macs)
    assert kc.encode_value(MacAddr8(b"\x01" * 8)) < kc.encode_value(MacAddr8(b"\x02" + b"\x00" * 7))
