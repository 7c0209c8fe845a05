"""Wire the I/O functions into the built-in PgType objects and name them."""

from __future__ import annotations

import datetime as _dt
import uuid as _uuid
from decimal import Decimal

from . import arrays as A
from . import jsonb as J
from . import numeric as N
from . import scalars as S
from . import temporal as TM
from .core import by_oid
from .interval import Interval


def _setup(oid, text_in, text_out, binary_in=None, binary_out=None, pytype=object, out_for=None,
           tz_dependent=False, elem_is_list=False):
    t = by_oid(oid)
    t.text_in = text_in
    t.text_out = text_out
    if binary_in is not None:
        t.binary_in = binary_in
    if binary_out is not None:
        t.binary_out = binary_out
    t.pytype = pytype
    t._out_for = out_for
    t.tz_dependent = tz_dependent
    t.elem_is_list = elem_is_list
    return t


def _styles(datestyle):
    style, _, order = (datestyle or "ISO, MDY").partition(",")
    return style.strip() or "ISO", order.strip() or "MDY"


def _float8_out_for(tz, efd, bytea_output, interval_style, datestyle):
    if efd > 0:
        return S.float8_out
    return lambda v: S.float8_out_digits(v, efd)


def _float4_out_for(tz, efd, bytea_output, interval_style, datestyle):
    if efd > 0:
        return S.float4_out
    return lambda v: S.float4_out_digits(v, efd)


def _bytea_out_for(tz, efd, bytea_output, interval_style, datestyle):
    return S.bytea_escape_out if bytea_output == "escape" else S.bytea_out


def _tstz_out_for(tz, efd, bytea_output, interval_style, datestyle):
    style, order = _styles(datestyle)
    return TM.make_timestamptz_out_styled(tz, style, order)


def _timestamp_out_for(tz, efd, bytea_output, interval_style, datestyle):
    style, order = _styles(datestyle)
    return TM.make_timestamp_out(style, order)


def _date_out_for(tz, efd, bytea_output, interval_style, datestyle):
    style, order = _styles(datestyle)
    return TM.make_date_out(style, order)


def _interval_out_for(tz, efd, bytea_output, interval_style, datestyle):
    return TM.interval_out_for(interval_style)


BOOL = _setup(16, S.bool_in, S.bool_out, S.bool_recv, S.bool_send, bool)
BYTEA = _setup(17, S.bytea_in, S.bytea_out, S.bytea_recv, S.bytea_send, bytes, _bytea_out_for)
CHAR = _setup(18, S.char_in, S.char_out, S.char_recv, S.char_send, str)
NAME = _setup(19, S.name_in, S.text_out, S.name_recv, S.text_send, str)
INT8 = _setup(20, S.int8_in, S.int_out, S.int8_recv, S.int8_send, int)
INT2 = _setup(21, S.int2_in, S.int_out, S.int2_recv, S.int2_send, int)
INT4 = _setup(23, S.int4_in, S.int_out, S.int4_recv, S.int4_send, int)
TEXT = _setup(25, S.text_in, S.text_out, S.text_recv, S.text_send, str)
OID = _setup(26, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
TID = _setup(27, S.tid_in, S.tid_out, S.tid_recv, S.tid_send, tuple)
XID = _setup(28, S.xid_in, S.int_out, S.oid_recv, S.oid_send, int)
CID = _setup(29, S.cid_in, S.int_out, S.oid_recv, S.oid_send, int)
JSON = _setup(114, J.json_in, J.json_out, J.json_recv, J.json_send, str)
PG_NODE_TREE = _setup(194, S.text_in, S.text_out, S.text_recv, S.text_send, str)
FLOAT4 = _setup(700, S.float4_in, S.float4_out, S.float4_recv, S.float4_send, float, _float4_out_for)
FLOAT8 = _setup(701, S.float8_in, S.float8_out, S.float8_recv, S.float8_send, float, _float8_out_for)
UNKNOWN = _setup(705, S.text_in, S.text_out, S.text_recv, S.text_send, str)
ACLITEM = _setup(1033, S.text_in, S.text_out, None, None, str)
BPCHAR = _setup(1042, S.bpchar_in, S.text_out, S.bpchar_recv, S.text_send, str)
VARCHAR = _setup(1043, S.varchar_in, S.text_out, S.varchar_recv, S.text_send, str)
DATE = _setup(1082, TM.date_in, TM.date_out, TM.date_recv, TM.date_send, _dt.date, _date_out_for)
TIME = _setup(1083, TM.time_in, TM.time_out, TM.time_recv, TM.time_send, _dt.time)
TIMESTAMP = _setup(1114, TM.timestamp_in, TM.timestamp_out, TM.timestamp_recv, TM.timestamp_send, _dt.datetime,
                   _timestamp_out_for)
TIMESTAMPTZ = _setup(1184, TM.timestamptz_in, TM.timestamptz_out_utc, TM.timestamptz_recv, TM.timestamp_send,
                     _dt.datetime, _tstz_out_for, tz_dependent=True)
INTERVAL = _setup(1186, TM.interval_in, TM.interval_out, TM.interval_recv, TM.interval_send, Interval,
                  _interval_out_for)
NUMERIC = _setup(1700, N.numeric_in, N.numeric_out, N.numeric_recv, N.numeric_send, Decimal)
REFCURSOR = _setup(1790, S.text_in, S.text_out, S.text_recv, S.text_send, str)
UUID = _setup(2950, S.uuid_in, S.uuid_out, S.uuid_recv, S.uuid_send, _uuid.UUID)
PG_LSN = _setup(3220, S.pg_lsn_in, S.pg_lsn_out, S.xid8_recv, S.xid8_send, int)
JSONB = _setup(3802, J.jsonb_in, J.jsonb_out, J.jsonb_recv, J.jsonb_send, object, elem_is_list=True)
XID8 = _setup(5069, S.xid8_in, S.int_out, S.xid8_recv, S.xid8_send, int)

# reg* types: plain OIDs here; the catalog layer installs name-resolving I/O with set_reg_io()
REGPROC = _setup(24, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGPROCEDURE = _setup(2202, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGOPER = _setup(2203, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGOPERATOR = _setup(2204, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGCLASS = _setup(2205, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGTYPE = _setup(2206, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGCONFIG = _setup(3734, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGDICTIONARY = _setup(3769, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGNAMESPACE = _setup(4089, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGROLE = _setup(4096, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REGCOLLATION = _setup(4191, S.oid_in, S.int_out, S.oid_recv, S.oid_send, int)
REG_TYPES = (REGPROC, REGPROCEDURE, REGOPER, REGOPERATOR, REGCLASS, REGTYPE, REGCONFIG, REGDICTIONARY,
             REGNAMESPACE, REGROLE, REGCOLLATION)

INT2VECTOR = _setup(22, A.make_vector_in(S.int2_in, "smallint"), A.vector_out,
                    A.make_vector_recv(S.int2_recv, 21, "int2vector"), A.make_vector_send(S.int2_send, 21), list,
                    elem_is_list=True)
OIDVECTOR = _setup(30, A.make_vector_in(S.oid_in, "oid"), A.vector_out,
                   A.make_vector_recv(S.oid_recv, 26, "oidvector"), A.make_vector_send(S.oid_send, 26), list,
                   elem_is_list=True)

# pseudo-types
RECORD = by_oid(2249)
CSTRING = _setup(2275, S.text_in, S.text_out, S.text_recv, S.text_send, str)
ANY = by_oid(2276)
ANYARRAY = by_oid(2277)
VOID = _setup(2278, S.void_in, S.void_out, S.void_recv, S.void_send, type(None))
TRIGGER = by_oid(2279)
EVENT_TRIGGER = by_oid(3838)
LANGUAGE_HANDLER = by_oid(2280)
INTERNAL = by_oid(2281)
ANYELEMENT = by_oid(2283)
ANYNONARRAY = by_oid(2776)
ANYENUM = by_oid(3500)
ANYRANGE = by_oid(3831)
ANYMULTIRANGE = by_oid(4537)
ANYCOMPATIBLE = by_oid(5077)
ANYCOMPATIBLEARRAY = by_oid(5078)
ANYCOMPATIBLENONARRAY = by_oid(5079)
ANYCOMPATIBLERANGE = by_oid(5080)
ANYCOMPATIBLEMULTIRANGE = by_oid(4538)
RECORD.pytype = tuple


# network address types (network.py) and range types (ranges.py)
from . import network as NW  # noqa: E402
from . import ranges as RG  # noqa: E402

INET = _setup(869, NW.inet_in, NW.inet_out, NW.inet_recv, NW.inet_send, NW.Inet)
CIDR = _setup(650, NW.cidr_in, NW.cidr_out, NW.cidr_recv, NW.cidr_send, NW.Inet)
MACADDR = _setup(829, NW.macaddr_in, NW.macaddr_out, NW.macaddr_recv, NW.macaddr_send, NW.MacAddr)
MACADDR8 = _setup(774, NW.macaddr8_in, NW.macaddr8_out, NW.macaddr8_recv, NW.macaddr8_send, NW.MacAddr8)


def _setup_range(oid, sub):
    kind = RG.make_kind(oid, sub)
    out_for = None
    if sub._out_for is not None:
        def out_for(tz, efd, bytea_output, interval_style, datestyle, _sub=sub, _oid=oid):
            so = _sub.text_out_for(tz, efd, bytea_output, interval_style, datestyle)
            return by_oid(_oid).text_out if so is _sub.text_out else RG.make_range_out(so)
    t = _setup(oid, RG.make_range_in(kind), RG.make_range_out(sub.text_out), RG.make_range_recv(kind),
               RG.make_range_send(kind), RG.Range, out_for, tz_dependent=sub.tz_dependent)
    t.extra = kind
    return t


INT4RANGE = _setup_range(3904, INT4)
INT8RANGE = _setup_range(3926, INT8)
NUMRANGE = _setup_range(3906, NUMERIC)
DATERANGE = _setup_range(3912, DATE)
TSRANGE = _setup_range(3908, TIMESTAMP)
TSTZRANGE = _setup_range(3910, TIMESTAMPTZ)
RANGE_TYPES = (INT4RANGE, INT8RANGE, NUMRANGE, DATERANGE, TSRANGE, TSTZRANGE)


_NEVER_QUOTES = {16, 20, 21, 23, 26, 28, 29, 700, 701, 1700, 24, 2202, 2203, 2204, 2205, 2206, 3734, 3769,
                 4089, 4096, 4191, 5069, 2950, 1082}


def _wire_array(arr):
    el = arr.elem
    if el is None or not arr.is_array:
        return
    delim = el.delim
    elist = el.elem_is_list
    arr.pytype = list
    arr.text_out = A.make_array_out(el.text_out, delim, el.oid in _NEVER_QUOTES, elist)
    arr.text_in = A.make_array_in(el.text_in, delim, elist)
    if el.binary_out is not None:
        arr.binary_out = A.make_array_send(el.binary_out, el.oid, elist)
        arr.binary_in = A.make_array_recv(el.binary_in, el.oid, el.name, elist)
    arr.tz_dependent = el.tz_dependent
    arr.elem_is_list = False
    if el._out_for is not None:
        def out_for(tz, efd, bytea_output, interval_style, datestyle, _el=el, _arr=arr):
            eo = _el.text_out_for(tz, efd, bytea_output, interval_style, datestyle)
            if eo is _el.text_out:
                return _arr.text_out
            return A.make_array_out(eo, _el.delim, _el.oid in _NEVER_QUOTES, _el.elem_is_list)

        arr._out_for = out_for


def wire_arrays():
    from .core import all_types
    for t in all_types():
        if t.is_array:
            _wire_array(t)


wire_arrays()


def array_of(t):
    """The array type of ``t`` (PgType), or None."""
    return t.array


def set_reg_io(t, text_in=None, text_out=None):
    """Install name-resolving input/output for a reg* type (regclass, regtype, ...).

    The functions have the usual signatures: ``text_in(s, typmod=-1, tz=None) -> oid``
    and ``text_out(oid) -> str``.  The array type is rewired to use them.
    """
    if text_in is not None:
        t.text_in = text_in
    if text_out is not None:
        t.text_out = text_out
    if t.array is not None:
        _wire_array(t.array)


def set_text_io(t, text_in=None, text_out=None):
    """Generic hook: replace a type's text I/O (the array type follows)."""
    set_reg_io(t, text_in, text_out)


RECORD_ARRAY = RECORD.array
INT2_ARRAY, INT4_ARRAY, INT8_ARRAY, TEXT_ARRAY = INT2.array, INT4.array, INT8.array, TEXT.array
FLOAT4_ARRAY, FLOAT8_ARRAY, NUMERIC_ARRAY, BOOL_ARRAY = FLOAT4.array, FLOAT8.array, NUMERIC.array, BOOL.array
VARCHAR_ARRAY, BPCHAR_ARRAY, NAME_ARRAY, CHAR_ARRAY = VARCHAR.array, BPCHAR.array, NAME.array, CHAR.array
OID_ARRAY, JSON_ARRAY, JSONB_ARRAY, UUID_ARRAY = OID.array, JSON.array, JSONB.array, UUID.array
DATE_ARRAY, TIME_ARRAY, TIMESTAMP_ARRAY = DATE.array, TIME.array, TIMESTAMP.array
TIMESTAMPTZ_ARRAY, INTERVAL_ARRAY, BYTEA_ARRAY = TIMESTAMPTZ.array, INTERVAL.array, BYTEA.array
ACLITEM_ARRAY, REGTYPE_ARRAY, REGCLASS_ARRAY = ACLITEM.array, REGTYPE.array, REGCLASS.array
CSTRING_ARRAY = CSTRING.array


# ---------------------------------------------------------------------- values without a declared type

def infer_type(v):
    """A reasonable PgType for a bare Python value (record fields, anyarray values, debugging).

    int -> int8 (ints print alike whatever their width), float -> float8, str -> text,
    naive datetime -> timestamp, aware -> timestamptz, list -> the array of its first
    non-NULL element's type, dict/JSON_NULL -> jsonb, tuple -> record.
    """
    t = v.__class__
    if t is bool:
        return BOOL
    if t is int:
        return INT8
    if t is str:
        return TEXT
    if t is float:
        return FLOAT8
    if t is Decimal:
        return NUMERIC
    if isinstance(v, _dt.datetime):
        return TIMESTAMPTZ if v.tzinfo is not None else TIMESTAMP
    if isinstance(v, _dt.date):
        return DATE
    if t is _dt.time:
        return TIME
    if t is Interval:
        return INTERVAL
    if t is _uuid.UUID:
        return UUID
    if t is bytes or t is bytearray or t is memoryview:
        return BYTEA
    if t is dict or v is J.JSON_NULL:
        return JSONB
    if t is tuple:
        return RECORD
    if t is NW.Inet:
        return INET
    if t is NW.MacAddr:
        return MACADDR
    if t is NW.MacAddr8:
        return MACADDR8
    if t is RG.Range:
        x = v.lower if v.lower is not None else v.upper
        if x is None:
            return INT4RANGE
        et = infer_type(x)
        return {INT8: INT8RANGE, NUMERIC: NUMRANGE, DATE: DATERANGE, TIMESTAMP: TSRANGE,
                TIMESTAMPTZ: TSTZRANGE}.get(et, INT4RANGE)
    if t is list:
        for x in v:
            if x is not None:
                et = infer_type(x)
                if et is RECORD:
                    return RECORD.array
                if et.is_array:
                    return et
                return et.array or TEXT_ARRAY
        return TEXT_ARRAY
    return TEXT


def _record_text_out(values) -> str:
    return A.record_out(values, [infer_type(x).text_out if x is not None else str for x in values])


def _record_send(values) -> bytes:
    import struct
    parts = [struct.pack("!i", len(values))]
    for x in values:
        if x is None:
            parts.append(struct.pack("!Ii", 705, -1))  # an untyped NULL field is "unknown"
            continue
        t = infer_type(x)
        b = t.binary_out(x)
        parts.append(struct.pack("!Ii", t.oid, len(b)))
        parts.append(b)
    return b"".join(parts)


def _anyarray_out(v) -> str:
    return infer_type(v).text_out(v) if v else "{}"


RECORD.text_out = _record_text_out


def _anonymous_record_in(s, typmod=-1, tz=None):
    from ..errors import PgError
    raise PgError("input of anonymous composite types is not implemented", "0A000")


RECORD.text_in = _anonymous_record_in
RECORD.binary_out = _record_send
RECORD.array.text_out = A.make_array_out(_record_text_out)
ANYARRAY.text_out = _anyarray_out
ANYELEMENT.text_out = lambda v: infer_type(v).text_out(v)


# ---------------------------------------------------------------------- user-defined types


def _register_array(elem, array_oid: int, namespace: int, owner: int, register: bool = True):
    from .core import PgType, make_row, register_type
    arr = PgType(make_row(oid=array_oid, typname=_array_typname(elem.name), typnamespace=namespace,
                          typowner=owner, typlen=-1, typcategory="A", typelem=elem.oid,
                          typsubscript="array_subscript_handler",
                          typinput="array_in", typoutput="array_out", typreceive="array_recv",
                          typsend="array_send", typanalyze="array_typanalyze",
                          typalign="d" if elem.align == "d" else "i", typstorage="x",
                          typcollation=elem.collation))
    arr.elem = elem
    arr.is_array = True
    elem.array = arr
    if register:
        register_type(arr)
    _wire_array(arr)
    return arr


def _array_typname(name: str) -> str:
    n = "_" + name
    return n if len(n.encode()) <= 63 else n.encode()[:63].decode("utf-8", "ignore")


def make_enum_type(oid: int, name: str, labels, array_oid: int = 0, namespace: int = 2200, owner: int = 10,
                   register: bool = True):
    """Create (and register, unless ``register=False``: user types live in a branch catalog) an enum
    type: values are the label strings.  ``labels`` are label strings in sort order, or
    ``(label, sortorder)`` pairs; ``t.extra`` holds {'labels': [...], 'sort': {label: sortorder}}
    (comparisons and ORDER BY use the sort order)."""
    from .core import PgType, make_row, register_type
    pairs = [(x, i) if isinstance(x, str) else (x[0], float(x[1])) for i, x in enumerate(labels)]
    labels = [lab for lab, _o in pairs]
    t = PgType(make_row(oid=oid, typname=name, typnamespace=namespace, typowner=owner, typlen=4, typbyval=True,
                        typtype="e", typcategory="E", typarray=array_oid, typinput="enum_in",
                        typoutput="enum_out", typreceive="enum_recv", typsend="enum_send"))
    pos = dict(pairs)
    t.extra = {"labels": labels, "sort": pos, "sortorders": pairs}

    def enum_in(s, typmod=-1, tz=None):
        if s not in pos:
            from ..errors import PgError
            raise PgError(f'invalid input value for enum {name}: "{s}"', "22P02")
        return s

    def enum_recv(b, typmod=-1):
        return enum_in(S.decode_utf8(b))

    t.text_in, t.text_out, t.binary_in, t.binary_out, t.pytype = enum_in, str, enum_recv, S.text_send, str
    if register:
        register_type(t)
    if array_oid:
        _register_array(t, array_oid, namespace, owner, register)
    return t


def make_domain_type(oid: int, name: str, base, typmod: int = -1, not_null: bool = False, array_oid: int = 0,
                     namespace: int = 2200, owner: int = 10, default: str | None = None, check=None,
                     register: bool = True):
    """Create (and register unless ``register=False``) a domain over ``base`` (a PgType).  Values
    and I/O are the base type's; input applies the domain's typmod and ``check(value) -> value``
    (the CHECK constraints, compiled by the caller; it raises 23514).  ``t.extra['not_null']`` is
    the NOT NULL of this domain or any domain under it."""
    from .core import PgType, make_row, register_type
    b = base.base
    t = PgType(make_row(oid=oid, typname=name, typnamespace=namespace, typowner=owner, typlen=b.typlen,
                        typbyval=b.byval, typtype="d", typcategory=b.category, typarray=array_oid,
                        typinput="domain_in", typoutput=b.row["typoutput"], typreceive="domain_recv",
                        typsend=b.row["typsend"], typalign=b.align, typstorage=b.storage, typnotnull=not_null,
                        typbasetype=base.oid, typtypmod=typmod, typcollation=b.collation, typdefault=default))
    inherited_nn = bool(base.extra and base.typtype == "d" and base.extra.get("not_null"))
    t.extra = {"base": base, "typmod": typmod, "not_null": not_null or inherited_nn, "check": check}
    # input: the ultimate base type's function with the nearest typmod of the chain, then every
    # CHECK of the chain (``check`` runs the inner domains' too)
    d = base
    while typmod == -1 and d.typtype == "d" and d.extra:
        typmod = d.extra["typmod"]
        d = d.extra["base"]
    bin_, brecv = b.text_in, b.binary_in
    if check is None and base.typtype == "d":
        check = base.extra.get("check") if base.extra else None
    if check is None:
        t.text_in = (lambda s, tm=-1, tz=None: bin_(s, typmod, tz)) if typmod >= 0 else b.text_in
        t.binary_in = (lambda data, tm=-1: brecv(data, typmod)) if typmod >= 0 else b.binary_in
    else:
        t.text_in = lambda s, tm=-1, tz=None: check(bin_(s, typmod, tz))
        t.binary_in = lambda data, tm=-1: check(brecv(data, typmod))
    t.text_out, t.binary_out, t.pytype = b.text_out, b.binary_out, b.pytype
    t._out_for, t.tz_dependent, t.elem_is_list = b._out_for, b.tz_dependent, b.elem_is_list
    if register:
        register_type(t)
    if array_oid:
        _register_array(t, array_oid, namespace, owner, register)
    return t


def make_composite_type(oid: int, name: str, relid: int, fields, array_oid: int = 0, namespace: int = 2200,
                        owner: int = 10, register: bool = True):
    """Create (and register unless ``register=False``) a composite (row) type; ``fields`` is
    [(name, PgType)] or [(name, PgType, typmod)], values are tuples.  Text I/O is record_in/record_out
    with PostgreSQL's quoting; binary is record_send/record_recv (field count, then OID-prefixed
    fields)."""
    import struct

    from .core import PgType, make_row, register_type
    fields = [(f[0], f[1], f[2] if len(f) > 2 else -1) for f in fields]
    t = PgType(make_row(oid=oid, typname=name, typnamespace=namespace, typowner=owner, typlen=-1, typtype="c",
                        typcategory="C", typrelid=relid, typarray=array_oid, typinput="record_in",
                        typoutput="record_out", typreceive="record_recv", typsend="record_send",
                        typalign="d", typstorage="x"))
    t.extra = {"fields": [(n, ft) for n, ft, _tm in fields], "typmods": [tm for _n, _ft, tm in fields]}
    ftypes = [ft for _n, ft, _tm in fields]

    def rec_out(v):
        return A.record_out(v, [ft.text_out for ft in ftypes])

    def rec_in(s, typmod=-1, tz=None):
        return A.record_in(s, name, [(ft, tm) for _n, ft, tm in fields], tz)

    def rec_send(v):
        parts = [struct.pack("!i", len(ftypes))]
        for x, ft in zip(v, ftypes):
            wire = ft.base.oid if ft.typtype == "d" else ft.oid
            if x is None:
                parts.append(struct.pack("!Ii", wire, -1))
                continue
            b = ft.binary_out(x)
            parts.append(struct.pack("!Ii", wire, len(b)))
            parts.append(b)
        return b"".join(parts)

    def rec_recv(data, typmod=-1):
        from ..errors import PgError
        data = bytes(data)
        n = struct.unpack_from("!i", data, 0)[0]
        if n != len(ftypes):
            raise PgError(f"wrong number of columns: {n}, expected {len(ftypes)}", "42804")
        off = 4
        out = []
        for ft, (_n, _t, tm) in zip(ftypes, fields):
            _oid, ln = struct.unpack_from("!Ii", data, off)
            off += 8
            if ln < 0:
                out.append(None)
                continue
            out.append(ft.binary_in(data[off:off + ln], tm))
            off += ln
        return tuple(out)

    t.text_out, t.text_in, t.binary_out, t.binary_in = rec_out, rec_in, rec_send, rec_recv
    t.pytype = tuple
    if register:
        register_type(t)
    if array_oid:
        _register_array(t, array_oid, namespace, owner, register)
    return t


__all__ = sorted([_n for _n, _v in list(globals().items()) if not _n.startswith("_") and _v.__class__.__name__ == "PgType"]
                 + ["REG_TYPES", "RANGE_TYPES", "array_of", "set_reg_io", "set_text_io", "infer_type", "wire_arrays",
                    "make_enum_type", "make_domain_type", "make_composite_type"])
