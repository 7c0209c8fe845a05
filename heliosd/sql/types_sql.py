"""SQL type names (as sqlglot parses them) -> PostgreSQL types and typmods.

sqlglot normalizes type names into its own enum (DOUBLE, DECIMAL, ...); we
render the DataType back to PostgreSQL spelling and resolve that text with
heliosd.types' name table, so every PostgreSQL spelling (``int``,
``double precision``, ``character varying(20)``, ``timestamptz(3)``,
``text[]``, ``"char"``) lands on the right type, and typmods are computed
by the type's own typmod-in rules.
"""

from __future__ import annotations

import re

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..errors import PgError

SERIALS = {"SERIAL": "int4", "SERIAL4": "int4", "BIGSERIAL": "int8", "SERIAL8": "int8",
           "SMALLSERIAL": "int2", "SERIAL2": "int2"}

_SQLGLOT_NAMES = {
    "INT": "int4", "INTEGER": "int4", "BIGINT": "int8", "SMALLINT": "int2", "DOUBLE PRECISION": "float8",
    "DOUBLE": "float8", "REAL": "float4", "FLOAT": "float8", "DECIMAL": "numeric", "NUMERIC": "numeric",
    "BOOLEAN": "bool", "BOOL": "bool", "TEXT": "text", "VARCHAR": "varchar", "CHAR": "bpchar",
    "CHARACTER": "bpchar", "NCHAR": "bpchar", "NVARCHAR": "varchar", "BPCHAR": "bpchar",
    "TIMESTAMP": "timestamp", "TIMESTAMPTZ": "timestamptz", "TIMESTAMPNTZ": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz", "TIMESTAMP WITHOUT TIME ZONE": "timestamp",
    "DATE": "date", "TIME": "time", "TIMETZ": "timetz", "INTERVAL": "interval", "UUID": "uuid",
    "JSON": "json", "JSONB": "jsonb", "BYTEA": "bytea", "VARBINARY": "bytea", "BLOB": "bytea",
    "BINARY": "bytea", "OID": "oid", "NAME": "name", "XML": "xml", "MONEY": "money", "INET": "inet",
    "CIDR": "cidr", "BIT": "bit", "VARBIT": "varbit", "TINYINT": "int2", "INT2": "int2", "INT4": "int4",
    "INT8": "int8", "FLOAT4": "float4", "FLOAT8": "float8", "REGCLASS": "regclass", "REGTYPE": "regtype",
    "REGPROC": "regproc", "REGNAMESPACE": "regnamespace", "REGROLE": "regrole", "REGPROCEDURE": "regprocedure",
}


def datatype_to_type(dt) -> tuple:
    """(PgType, typmod) for a sqlglot DataType; serial types raise (use datatype_info)."""
    t, tm, serial = datatype_info(dt)
    if serial:
        raise PgError(f'type "{serial.lower()}" does not exist', errcodes.UNDEFINED_OBJECT)
    return t, tm


def datatype_info(dt):
    """(PgType, typmod, serial name or None)."""
    if not isinstance(dt, exp.DataType):
        raise PgError(f"unsupported type expression {dt}", errcodes.SYNTAX_ERROR)
    this = dt.this
    if this == exp.DataType.Type.ARRAY:
        inner = dt.expressions[0] if dt.expressions else None
        et, tm, serial = datatype_info(inner)
        if et.is_array:
            return et, tm, None  # text[][] is text[]: PostgreSQL ignores the number of dimensions
        at = et.array
        if at is None:
            raise PgError(f"could not find array type for data type {T.format_type(et.oid, -1)}",
                          errcodes.UNDEFINED_OBJECT)
        return at, tm, None
    if this == exp.DataType.Type.USERDEFINED:
        kind = dt.args.get("kind")
        if isinstance(kind, exp.Dot) and isinstance(kind.expression, exp.Identifier) and \
                (kind.this.this if isinstance(kind.this, exp.Identifier) and kind.this.quoted
                 else str(kind.this).lower()) == "pg_catalog":
            kind = kind.expression  # pg_catalog."char", pg_catalog.int4
            qualified = True
        else:
            qualified = False
        if isinstance(kind, exp.Identifier) and kind.quoted and not dt.expressions:
            # a quoted name is a pg_type name as is: "char" is the one-byte type, not character(1)
            try:
                return T.by_name(kind.this), -1, None
            except PgError:
                pass
        name = kind.this if isinstance(kind, exp.Identifier) and kind.quoted else str(kind).lower() \
            if kind is not None else dt.sql("postgres").lower()
        name = name.strip('"')
        if name.startswith("pg_catalog."):
            name = name[len("pg_catalog."):]
        params = [_param_value(p) for p in dt.expressions or []]
        try:
            t, tm = _resolve(name, params)
        except PgError as e:
            if qualified and e.code == errcodes.UNDEFINED_OBJECT and e.message == f'type "{name}" does not exist':
                raise PgError(f'type "pg_catalog.{name}" does not exist', errcodes.UNDEFINED_OBJECT) from None
            raise
        return t, tm, None
    sqlname = this.name if hasattr(this, "name") else str(this)
    if sqlname in SERIALS:
        return T.lookup_type_name(SERIALS[sqlname]), -1, sqlname
    params = [_param_value(p) for p in dt.expressions or []]
    rendered = dt.sql("postgres").upper()
    base = re.sub(r"\(.*\)", "", rendered).strip()
    pgname = _SQLGLOT_NAMES.get(base)
    if pgname is None:
        pgname = _SQLGLOT_NAMES.get(sqlname.replace("_", " "))
    if pgname is None:
        pgname = base.lower()
    if sqlname == "DOUBLE":
        pgname = "float8"
    if sqlname in ("FLOAT", "DOUBLE") and params:  # sqlglot reads float(p) as DOUBLE(p)
        p = params[0]
        pgname = "float4" if p <= 24 else "float8"
        if p < 1:
            raise PgError("precision for type float must be at least 1 bit", errcodes.INVALID_PARAMETER_VALUE)
        if p > 53:
            raise PgError("precision for type float must be less than 54 bits", errcodes.INVALID_PARAMETER_VALUE)
        params = []
    if sqlname in ("CHAR", "NCHAR") and not params:
        params = [1]  # CHARACTER without a length is character(1) (the grammar's default)
    t, tm = _resolve(pgname, params)
    return t, tm, None


def _param_value(p):
    v = p.this if isinstance(p, exp.DataTypeParam) else p
    if isinstance(v, exp.Literal):
        try:
            return int(v.this)
        except ValueError:
            return v.this
    if isinstance(v, exp.Neg) and isinstance(v.this, exp.Literal):
        return -int(v.this.this)
    return str(v)


def _resolve(name: str, params: list):
    t = T.lookup_type_name(name)
    tm = T.typmod_in(t, params) if params else -1
    return t, tm


def parse_type_text(text: str):
    """Resolve a type written as text (e.g. from a '::type' in a string, or PREPARE types)."""
    import sqlglot

    try:
        dt = exp.DataType.build(text, dialect="postgres", udt=True)
    except Exception:
        raise PgError(f'type "{text}" does not exist', errcodes.UNDEFINED_OBJECT) from None
    return datatype_to_type(dt)
