"""PgType objects, the type registries, type-name resolution, typmods, format_type."""

from __future__ import annotations

import re

from ..errors import PgError
from . import _pgdata

UNDEFINED_OBJECT = "42704"
_UTC = __import__("datetime").timezone.utc


def _no_text_out(v):
    raise PgError("no output function for this type", "0A000")


def _no_text_in(s, typmod=-1, tz=None):
    raise PgError("no input function for this type", "0A000")


def _no_binary_out(v):
    raise PgError("no binary output function available for this type", "42883")


def _no_binary_in(b, typmod=-1):
    raise PgError("no binary input function available for this type", "42883")


class PgType:
    """One PostgreSQL data type (a pg_type row plus Python I/O functions).

    PgType objects are singletons per OID: compare them with ``is`` or ``==``
    (identity), use them as dict keys.

    I/O attributes, prebindable:

    - ``text_out(value) -> str``: PostgreSQL's output function (timestamptz
      in UTC; use :meth:`text_out_for` for a session zone).
    - ``text_in(text, typmod=-1, tz=None) -> value``: the input function,
      applying the typmod with implicit-cast semantics (as PostgreSQL's input
      functions do) and reading zone-less timestamptz text in ``tz``.
    - ``binary_out(value) -> bytes`` / ``binary_in(data, typmod=-1) -> value``:
      the send/recv functions of the binary wire format.
    """

    __slots__ = ("oid", "name", "namespace", "typlen", "byval", "typtype", "category", "preferred", "delim",
                 "elem", "array", "array_oid", "align", "storage", "collation", "row", "text_out", "text_in",
                 "binary_out", "binary_in", "tz_dependent", "pytype", "is_array", "elem_is_list", "_out_for",
                 "extra", "__weakref__")

    def __init__(self, row: dict):
        self.row = row
        self.oid = row["oid"]
        self.name = row["typname"]
        self.namespace = row["typnamespace"]
        self.typlen = row["typlen"]
        self.byval = row["typbyval"]
        self.typtype = row["typtype"]
        self.category = row["typcategory"]
        self.preferred = row["typispreferred"]
        self.delim = row["typdelim"]
        self.align = row["typalign"]
        self.storage = row["typstorage"]
        self.collation = row["typcollation"]
        self.array_oid = row["typarray"]
        self.elem = None
        self.array = None
        self.is_array = False
        self.elem_is_list = False
        self.text_out = _no_text_out
        self.text_in = _no_text_in
        self.binary_out = _no_binary_out
        self.binary_in = _no_binary_in
        self.tz_dependent = False
        self.pytype = object
        self._out_for = None
        self.extra = None  # per-kind metadata: enum labels, domain base/typmod, composite fields

    # -- identity ----------------------------------------------------------------

    def __repr__(self):
        return f"<PgType {self.name} oid={self.oid}>"

    def __reduce__(self):
        return (by_oid, (self.oid,))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    # -- properties the analyzer uses ------------------------------------------

    @property
    def is_pseudo(self) -> bool:
        return self.typtype == "p"

    @property
    def is_polymorphic(self) -> bool:
        return self.oid in POLYMORPHIC_OIDS

    @property
    def base(self) -> "PgType":
        """The base type of a domain (itself for other types)."""
        t = self
        while t.typtype == "d":
            t = t.extra["base"] if t.extra else by_oid(t.row["typbasetype"])
        return t

    @property
    def elem_oid(self) -> int:
        return self.elem.oid if self.elem is not None else 0

    @property
    def sql_name(self) -> str:
        """format_type(oid, NULL): 'integer', 'character varying', 'text[]', ..."""
        return format_type(self.oid, None)

    def format(self, typmod: int = -1) -> str:
        """format_type(oid, typmod)."""
        return format_type(self.oid, typmod)

    def pg_type_row(self) -> dict:
        """This type's pg_type row (column name -> value; regproc columns as function names)."""
        r = dict(self.row)
        r.setdefault("typdefaultbin", None)
        r.setdefault("typdefault", None)
        r.setdefault("typacl", None)
        return r

    # -- convenience I/O ------------------------------------------------------------

    def text_out_for(self, tz=None, extra_float_digits: int = 1, bytea_output: str = "hex",
                     interval_style: str = "postgres", datestyle: str = "ISO, MDY"):
        """A one-argument output function for the session settings given.

        ``tz``: TimeZone (a tzinfo); ``interval_style``: 'postgres', 'postgres_verbose',
        'sql_standard', 'iso_8601'; ``datestyle``: 'ISO, MDY', 'SQL, DMY', 'German', ...
        (canonical 'Style, ORDER' as :func:`heliosd.types.tz.parse_datestyle` returns).
        Returns the plain ``text_out`` whenever the settings do not matter for
        this type, so calling this per column per statement is cheap.
        """
        f = self._out_for
        if f is None:
            return self.text_out
        if (tz is None or tz is _UTC) and extra_float_digits == 1 and bytea_output == "hex" and \
                interval_style == "postgres" and datestyle == "ISO, MDY":
            return self.text_out
        return f(tz, extra_float_digits, bytea_output, interval_style, datestyle)

    def to_text(self, value, tz=None) -> str | None:
        if value is None:
            return None
        if tz is not None and self.tz_dependent:
            return self.text_out_for(tz)(value)
        return self.text_out(value)

    def from_text(self, text: str | None, typmod: int = -1, tz=None):
        if text is None:
            return None
        return self.text_in(text, typmod, tz)

    def to_binary(self, value) -> bytes | None:
        if value is None:
            return None
        return self.binary_out(value)

    def from_binary(self, data, typmod: int = -1):
        if data is None:
            return None
        return self.binary_in(data, typmod)


# ---------------------------------------------------------------------- registries

_BY_OID: dict[int, PgType] = {}
_BY_NAME: dict[str, PgType] = {}
_MISSING = object()

#: User-defined types (enums, composites, domains) live in a branch's catalog, not in these
#: registries: the session sets this ContextVar to an object with ``by_oid(oid)`` and
#: ``by_name(name, schema)`` (both -> PgType or None) for the catalog its statement uses
#: (:mod:`heliosd.sql.ddl_types`); :func:`by_oid` and the type-name resolvers consult it
#: after the built-in types.
import contextvars as _cv  # noqa: E402

type_scope = _cv.ContextVar("helios_type_scope", default=None)


def by_oid(oid: int, default=_MISSING) -> PgType:
    """The PgType for ``oid``; raises 42704 unless ``default`` is given."""
    t = _BY_OID.get(oid)
    if t is None:
        sc = type_scope.get()
        if sc is not None:
            t = sc.by_oid(oid)
            if t is not None:
                return t
        if default is not _MISSING:
            return default
        raise PgError(f"type with OID {oid} does not exist", UNDEFINED_OBJECT)
    return t


def by_name(typname: str, default=_MISSING) -> PgType:
    """The PgType whose pg_type.typname is ``typname`` ('int4', '_text', 'bpchar', ...)."""
    t = _BY_NAME.get(typname)
    if t is None:
        if default is not _MISSING:
            return default
        raise PgError(f'type "{typname}" does not exist', UNDEFINED_OBJECT)
    return t


def all_types() -> list:
    """Every registered type, ordered by OID (for building pg_type)."""
    return [_BY_OID[o] for o in sorted(_BY_OID)]


def register_type(t: PgType) -> PgType:
    """Add a type (built-in, or one the catalog defines: enum, domain, composite...)."""
    _BY_OID[t.oid] = t
    _BY_NAME[t.name] = t
    return t


def unregister_type(oid: int) -> None:
    t = _BY_OID.pop(oid, None)
    if t is not None and _BY_NAME.get(t.name) is t:
        del _BY_NAME[t.name]


def make_row(**kw) -> dict:
    """A pg_type row with PostgreSQL's defaults for the columns not given."""
    row = {
        "oid": 0, "typname": "", "typnamespace": 11, "typowner": 10, "typlen": -1, "typbyval": False,
        "typtype": "b", "typcategory": "U", "typispreferred": False, "typisdefined": True, "typdelim": ",",
        "typrelid": 0, "typsubscript": "-", "typelem": 0, "typarray": 0, "typinput": "-", "typoutput": "-",
        "typreceive": "-", "typsend": "-", "typmodin": "-", "typmodout": "-", "typanalyze": "-",
        "typalign": "i", "typstorage": "p", "typnotnull": False, "typbasetype": 0, "typtypmod": -1,
        "typndims": 0, "typcollation": 0,
    }
    row.update(kw)
    return row


def _load_builtin_rows():
    cols = _pgdata.PG_TYPE_COLUMNS
    for r in _pgdata.PG_TYPE_ROWS:
        register_type(PgType(dict(zip(cols, r))))
    for t in list(_BY_OID.values()):
        eo = t.row["typelem"]
        if eo:
            t.elem = _BY_OID.get(eo)
            t.is_array = t.typlen == -1 and t.row["typsubscript"] == "array_subscript_handler" \
                and t.oid not in (22, 30)
        if t.array_oid:
            t.array = _BY_OID.get(t.array_oid)


_load_builtin_rows()

# pseudo-type OIDs
ANY_OID, ANYELEMENT_OID, ANYARRAY_OID, ANYNONARRAY_OID, ANYENUM_OID, ANYRANGE_OID = 2276, 2283, 2277, 2776, 3500, \
    3831
ANYMULTIRANGE_OID = 4537
ANYCOMPATIBLE_OID, ANYCOMPATIBLEARRAY_OID, ANYCOMPATIBLENONARRAY_OID, ANYCOMPATIBLERANGE_OID = 5077, 5078, 5079, \
    5080
ANYCOMPATIBLEMULTIRANGE_OID = 4538
POLYMORPHIC_OIDS = frozenset({ANYELEMENT_OID, ANYARRAY_OID, ANYNONARRAY_OID, ANYENUM_OID, ANYRANGE_OID,
                              ANYMULTIRANGE_OID, ANYCOMPATIBLE_OID, ANYCOMPATIBLEARRAY_OID,
                              ANYCOMPATIBLENONARRAY_OID, ANYCOMPATIBLERANGE_OID, ANYCOMPATIBLEMULTIRANGE_OID})


# ---------------------------------------------------------------------- format_type

_SQL_NAMES = {
    16: "boolean", 20: "bigint", 21: "smallint", 23: "integer", 700: "real", 701: "double precision",
    1043: "character varying", 1042: "character", 1083: "time without time zone",
    1114: "timestamp without time zone", 1184: "timestamp with time zone", 1266: "time with time zone",
    1186: "interval", 1700: "numeric", 1560: "bit", 1562: "bit varying",
}
# typnames that are SQL keywords and get double quotes from quote_identifier
_QUOTED = {"char": '"char"', "any": '"any"'}


def _typmod_suffix(oid: int, typmod: int) -> str:
    if oid in (1043, 1042):
        return f"({typmod - 4})" if typmod >= 4 else ""
    if oid == 1700:
        if typmod < 4:
            return ""
        p = ((typmod - 4) >> 16) & 0xFFFF
        s = (((typmod - 4) & 0x7FF) ^ 1024) - 1024
        return f"({p},{s})"
    if oid in (1083, 1114, 1184, 1266):
        return f"({typmod})" if typmod >= 0 else ""
    if oid == 1186:
        from .temporal import interval_typmod_out
        return interval_typmod_out(typmod)
    if typmod >= 0:
        return f"({typmod})"
    return ""


def format_type(oid: int | None, typmod: int | None = None) -> str | None:
    """PostgreSQL's format_type(oid, typmod); ``typmod=None`` is SQL NULL (no typmod given)."""
    if oid is None:
        return None
    if oid == 0:
        return "-"
    t = _BY_OID.get(oid)
    if t is None:
        sc = type_scope.get()
        t = sc.by_oid(oid) if sc is not None else None
        if t is None:
            return "???"
        if t.typtype in "ecd" and not t.is_array:
            return sc.qualified_name(t)
    given = typmod is not None
    tm = typmod if given else -1
    if t.is_array and t.elem is not None:
        # arrays: the element's name with the typmod applied to it, then []
        return format_type(t.elem.oid, typmod if given else None) + "[]"
    if oid == 1042:
        if given and tm >= 0:
            return "character" + _typmod_suffix(oid, tm)
        return "bpchar" if given else "character"
    if oid in (1083, 1114, 1184, 1266):
        base = _SQL_NAMES[oid]
        if given and tm >= 0:
            head, _, rest = base.partition(" ")
            return f"{head}({tm}) {rest}"
        return base
    name = _SQL_NAMES.get(oid)
    if name is not None:
        # the built-in names of format_type's switch: only these use the typmod
        if given and tm >= 0 and oid in (1043, 1700, 1186, 1560, 1562):
            return name + _typmod_suffix(oid, tm)
        return name
    name = _QUOTED.get(t.name)
    if name is None:
        name = t.name if _plain_ident(t.name) else '"' + t.name.replace('"', '""') + '"'
    if given and tm >= 0:
        return f"{name}({tm})" if t.row.get("typmodout", "-") == "-" else name + _typmod_suffix(oid, tm)
    return name


_VISIBLE_NAMESPACES = {11, 2200}
_IDENT_RE = re.compile(r"[a-z_][a-z0-9_$]*\Z")


def _plain_ident(s: str) -> bool:
    return _IDENT_RE.match(s) is not None


# ---------------------------------------------------------------------- typmods


def _typmod_param(p) -> int:
    if p.__class__ is int:
        return p
    try:
        return int(str(p).strip())
    except ValueError:
        raise PgError("type modifiers must be simple constants or identifiers", "42601") from None


def typmod_in(t: PgType, params: list, notices=None) -> int:
    """The typmod for ``type(params...)``, validated as PostgreSQL's typmodin functions do.

    ``params`` are the integers inside the parentheses.  ``notices`` (a list)
    receives WARNING texts (time/timestamp precision reduced to 6).
    """
    oid = t.oid
    params = [_typmod_param(p) for p in params]
    if t.is_array and t.elem is not None:
        return typmod_in(t.elem, params, notices)
    name = format_type(oid, None)
    if oid in (1043, 1042):
        tname = "varchar" if oid == 1043 else "char"
        if len(params) != 1:
            raise PgError("invalid type modifier", "22023")
        n = params[0]
        if n < 1:
            raise PgError(f"length for type {tname} must be at least 1", "22023")
        if n > 10485760:
            raise PgError(f"length for type {tname} cannot exceed 10485760", "22023")
        return n + 4
    if oid == 1700:
        from .numeric import numeric_typmod
        if len(params) == 1:
            return numeric_typmod(params[0], 0)
        if len(params) == 2:
            return numeric_typmod(params[0], params[1])
        raise PgError("invalid NUMERIC type modifier", "22023")
    if oid in (1083, 1114, 1184, 1266):
        if len(params) != 1:
            raise PgError("invalid type modifier", "22023")
        from .temporal import time_typmod
        label = {1083: "TIME", 1266: "TIME", 1114: "TIMESTAMP", 1184: "TIMESTAMP"}[oid] + \
            ("" if oid in (1083, 1114) else " WITH TIME ZONE")
        if oid == 1184:
            label = "TIMESTAMP"
        return time_typmod(params[0], label, notices)
    if oid == 1186:
        from .temporal import interval_typmod
        if len(params) != 1:
            raise PgError("invalid INTERVAL type modifier", "22023")
        return interval_typmod(None, params[0], notices)
    raise PgError(f"type modifier is not allowed for type \"{name}\"", "42601")


# ---------------------------------------------------------------------- type names

# SQL spellings -> typname (lower-cased, whitespace collapsed)
_SPELLINGS = {
    "int": "int4", "integer": "int4", "int4": "int4", "smallint": "int2", "int2": "int2",
    "bigint": "int8", "int8": "int8", "real": "float4", "float4": "float4", "float": "float8",
    "double precision": "float8", "float8": "float8", "decimal": "numeric", "dec": "numeric",
    "numeric": "numeric", "boolean": "bool", "bool": "bool", "character varying": "varchar",
    "char varying": "varchar", "varchar": "varchar", "national character varying": "varchar",
    "national char varying": "varchar", "nchar varying": "varchar", "character": "bpchar",
    "char": "bpchar", "national character": "bpchar", "national char": "bpchar", "nchar": "bpchar",
    "bpchar": "bpchar", "text": "text", "name": "name", '"char"': "char",
    "timestamp": "timestamp", "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamptz", "timestamptz": "timestamptz",
    "time": "time", "time without time zone": "time", "time with time zone": "timetz", "timetz": "timetz",
    "interval": "interval", "date": "date", "bytea": "bytea", "json": "json", "jsonb": "jsonb",
    "uuid": "uuid", "oid": "oid", "regclass": "regclass", "regtype": "regtype", "regproc": "regproc",
    "regprocedure": "regprocedure", "regoper": "regoper", "regoperator": "regoperator",
    "regnamespace": "regnamespace", "regrole": "regrole", "regconfig": "regconfig",
    "regdictionary": "regdictionary", "regcollation": "regcollation", "xid": "xid", "cid": "cid",
    "tid": "tid", "xid8": "xid8", "pg_lsn": "pg_lsn", "int2vector": "int2vector", "oidvector": "oidvector",
    "unknown": "unknown", "void": "void", "record": "record", "cstring": "cstring", "any": "any",
    '"any"': "any", "anyelement": "anyelement", "anyarray": "anyarray", "anynonarray": "anynonarray",
    "anyenum": "anyenum", "anyrange": "anyrange", "anymultirange": "anymultirange",
    "anycompatible": "anycompatible", "anycompatiblearray": "anycompatiblearray",
    "anycompatiblenonarray": "anycompatiblenonarray", "anycompatiblerange": "anycompatiblerange",
    "internal": "internal", "trigger": "trigger", "event_trigger": "event_trigger",
    "language_handler": "language_handler", "refcursor": "refcursor", "aclitem": "aclitem",
    "pg_node_tree": "pg_node_tree", "fdw_handler": "fdw_handler", "index_am_handler": "index_am_handler",
    "table_am_handler": "table_am_handler", "tsm_handler": "tsm_handler",
}

# real PostgreSQL types heliosd does not implement: 0A000 instead of "does not exist"
_UNSUPPORTED = {
    "timetz", "bit", "varbit", "bit varying", "money", "xml",
    "point", "line", "lseg", "box", "path", "polygon", "circle", "tsvector", "tsquery", "jsonpath",
    "txid_snapshot", "pg_snapshot", "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange",
    "datemultirange", "gtsvector", "pg_ndistinct", "pg_dependencies", "pg_mcv_list",
}

_WS_RE = re.compile(r"\s+")
_ARRAY_SUFFIX_RE = re.compile(r"(\s*\[\s*\d*\s*\])+\s*\Z")
_ARRAY_KEYWORD_RE = re.compile(r"\s+array(\s*\[\s*\d*\s*\])?\s*\Z", re.I)


def _normalize_name(name: str) -> str:
    s = name.strip()
    if s.startswith('"') and s.endswith('"') and len(s) >= 2:
        inner = s[1:-1].replace('""', '"')
        return '"char"' if inner == "char" else ('"any"' if inner == "any" else inner)
    s = _WS_RE.sub(" ", s.lower())
    if s.startswith("pg_catalog."):
        s = s[11:]
        if s.startswith('"') and s.endswith('"'):
            return _normalize_name(s)
    return s


def lookup_type_name(name: str) -> PgType:
    """Resolve a SQL type name (no typmod) to a PgType: 'integer', 'double precision',
    'character varying', '"char"', 'timestamp with time zone', 'text[]', 'int4', '_int4', ...

    Raises 42704 ``type "foo" does not exist`` like PostgreSQL, and 0A000 for real
    PostgreSQL types heliosd does not implement.
    """
    t, _ = _resolve(name, with_typmod=False)
    return t


def parse_type_name(text: str, notices=None) -> tuple:
    """Resolve a full SQL type spelling, typmod included: returns (PgType, typmod).

    Handles 'varchar(20)', 'numeric(10,2)', 'char' (= character(1)),
    'timestamp(3) with time zone', 'time(0)', 'interval year to month',
    'interval day to second(3)', 'float(24)', 'int[]', 'integer array',
    'text[][]', 'numeric(6,2)[]'.
    """
    return _resolve(text, with_typmod=True, notices=notices)


_MOD_RE = re.compile(r"\(\s*([+-]?\d+)\s*(?:,\s*([+-]?\d+)\s*)?\)")


def _resolve(text: str, with_typmod: bool, notices=None):
    raw = text.strip()
    is_array = False
    m = _ARRAY_KEYWORD_RE.search(raw)
    if m is not None and m.start() > 0:
        is_array = True
        raw = raw[:m.start()]
    else:
        m = _ARRAY_SUFFIX_RE.search(raw)
        if m is not None and m.start() > 0:
            is_array = True
            raw = raw[:m.start()]
    try:
        base, typmod = _resolve_scalar(raw, text, with_typmod, notices)
    except PgError as e:
        if e.code == UNDEFINED_OBJECT and is_array and e.message.startswith('type "'):
            e.message = f'type "{_display(text)}" does not exist'
            e.args = (e.message,)
        raise
    if is_array:
        if base.array is None:
            raise PgError(f'could not find array type for data type {format_type(base.oid, None)}',
                          UNDEFINED_OBJECT)
        return base.array, typmod
    return base, typmod


def _resolve_scalar(raw: str, original: str, with_typmod: bool, notices):
    params = None
    fields = None
    s = raw.strip()
    if not (s.startswith('"') and s.endswith('"')):
        low = _WS_RE.sub(" ", s.lower())
        # interval [fields] [(p)]
        if low.startswith("interval") and (len(low) == 8 or low[8] in " ("):
            rest = low[8:].strip()
            prec = None
            pm = re.match(r"\(\s*([+-]?\d+)\s*\)\s*", rest)
            if pm:
                prec = int(pm.group(1))
                rest = rest[pm.end():]
            pm2 = re.search(r"\(\s*([+-]?\d+)\s*\)\s*\Z", rest)
            if pm2:
                if prec is not None:
                    raise PgError("interval precision specified twice", "42601")
                prec = int(pm2.group(1))
                rest = rest[:pm2.start()].strip()
            fields = rest or None
            from .temporal import INTERVAL_FIELDS, interval_typmod
            if fields is not None and fields not in INTERVAL_FIELDS:
                raise PgError(f'type "{raw.strip()}" does not exist', UNDEFINED_OBJECT)
            t = _BY_NAME["interval"]
            if not with_typmod:
                return t, -1
            return t, interval_typmod(fields, prec, notices)
        # time/timestamp (p) [with[out] time zone]
        tm = re.match(r"(timestamp|time)\s*\(\s*([+-]?\d+)\s*\)\s*(.*)\Z", low)
        if tm and tm.group(2)[0] in "+-":
            raise PgError(f'syntax error at or near "{tm.group(2)[0]}"', "42601")
        if tm:
            word, p, rest = tm.group(1), int(tm.group(2)), tm.group(3).strip()
            key = (word + " " + rest).strip()
            typname = _SPELLINGS.get(key)
            if typname is None:
                raise PgError(f'type "{raw.strip()}" does not exist', UNDEFINED_OBJECT)
            t = _lookup_typname(typname, raw)
            return t, (typmod_in(t, [p], notices) if with_typmod else -1)
        mm = _MOD_RE.search(s)
        if mm is not None and s[mm.end():].strip() == "":
            params = [int(mm.group(1))] + ([int(mm.group(2))] if mm.group(2) is not None else [])
            s = s[:mm.start()].strip()
    key = _normalize_name(s)
    if key in ("float", "double precision") and params is not None:
        p = params[0]
        if p < 1:
            raise PgError("precision for type float must be at least 1 bit", "22023")
        if p > 53:
            raise PgError("precision for type float must be less than 54 bits", "22023")
        return _BY_NAME["float4" if p <= 24 else "float8"], -1
    typname = _SPELLINGS.get(key)
    if typname is None:
        if key.startswith("_") and key[1:] in _SPELLINGS.values():
            typname = key
        elif key in _BY_NAME:
            typname = key
        else:
            ut = _scope_lookup(s)
            if ut is not None:
                if not with_typmod or params is None:
                    return ut, -1
                return ut, typmod_in(ut, params, notices)
            if key in _UNSUPPORTED:
                raise PgError(f'type "{key}" is not supported by heliosd', "0A000")
            raise PgError(f'type "{_display(s)}" does not exist', UNDEFINED_OBJECT)
    t = _lookup_typname(typname, s)
    if not with_typmod:
        return t, -1
    if params is not None:
        return t, typmod_in(t, params, notices)
    if typname == "bpchar" and key in ("character", "char", "national character", "national char", "nchar"):
        return t, 5  # CHARACTER without length is CHARACTER(1)
    return t, -1


def _split_qualified(s: str):
    """'a."B".c' -> ['a', 'B', 'c'] (unquoted parts lower-cased), or None."""
    parts = []
    i, n = 0, len(s)
    while i < n:
        if s[i] == '"':
            j = i + 1
            buf = []
            while j < n:
                if s[j] == '"':
                    if j + 1 < n and s[j + 1] == '"':
                        buf.append('"')
                        j += 2
                        continue
                    break
                buf.append(s[j])
                j += 1
            if j >= n:
                return None
            parts.append("".join(buf))
            i = j + 1
        else:
            j = s.find(".", i)
            if j < 0:
                j = n
            word = s[i:j].strip()
            if not word or '"' in word:
                return None
            parts.append(word.lower())
            i = j
        while i < n and s[i] == " ":
            i += 1
        if i < n:
            if s[i] != ".":
                return None
            i += 1
    return parts


def _scope_lookup(s: str):
    sc = type_scope.get()
    if sc is None:
        return None
    parts = _split_qualified(s.strip())
    if not parts or len(parts) > 3:
        return None
    return sc.by_name(parts[-1], parts[-2] if len(parts) > 1 else None)


def _display(s: str) -> str:
    """The name as PostgreSQL's TypeNameToString shows it in 'type "..." does not exist'."""
    s = s.strip()
    if s.startswith('"') and s.endswith('"') and '"' not in s[1:-1].replace('""', ''):
        return s[1:-1].replace('""', '"')
    out = []
    for part in re.split(r'("(?:[^"]|"")*")', s):
        if part.startswith('"'):
            out.append(part[1:-1].replace('""', '"'))
        else:
            out.append(_WS_RE.sub(" ", part.lower()))
    return re.sub(r"\s*\[\s*\]", "[]", "".join(out))


def _lookup_typname(typname: str, shown: str) -> PgType:
    t = _BY_NAME.get(typname)
    if t is None:
        if typname in _UNSUPPORTED:
            raise PgError(f'type "{format_sql_name(typname)}" is not supported by heliosd', "0A000")
        raise PgError(f'type "{_display(shown)}" does not exist', UNDEFINED_OBJECT)
    return t


def format_sql_name(typname: str) -> str:
    return {"timetz": "time with time zone", "varbit": "bit varying"}.get(typname, typname)
