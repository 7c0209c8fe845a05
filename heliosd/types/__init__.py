"""PostgreSQL 15 data types for heliosd: values, text/binary I/O, typmods, casts.

A leaf package: it imports only the standard library and ``heliosd.errors`` /
``heliosd.errcodes``.  Anyone may import it (``from heliosd import types as T``).

Representation (fixed; the executor, storage and wire layers rely on it)
=========================================================================

A SQL NULL is always ``None``.  Otherwise:

=========================== ==================================================
bool                        ``bool``
int2 int4 int8              ``int`` (range-checked on input and casts)
oid, reg*, xid, cid         ``int`` (unsigned 32-bit)
float4 float8               ``float`` (float4 values are exactly representable
                            as IEEE single: every producer rounds through
                            :func:`to_float4`)
numeric                     ``decimal.Decimal``; exponent = -scale (``1.50``
                            keeps its scale), no negative zero, NaN and
                            +/-Infinity as PostgreSQL 15 allows
text varchar name unknown   ``str``; bpchar values are stored blank-padded to
                            n as PostgreSQL does; name is truncated to 63 bytes
"char"                      ``str`` of length 0 or 1 whose code point is the
                            byte (0..255); '' is the zero byte
bytea                       ``bytes``
date                        ``datetime.date``
time                        ``datetime.time`` (naive; no 24:00:00)
timestamp                   naive ``datetime.datetime``
timestamptz                 aware ``datetime.datetime`` with tzinfo
                            ``datetime.timezone.utc`` (always UTC)
+/-infinity                 the singletons DATE_INFINITY, DATE_NEG_INFINITY,
                            TIMESTAMP_INFINITY, ... (see :mod:`.temporal`);
                            test with :func:`is_infinite`
interval                    :class:`Interval` (months, days, micros) with
                            PostgreSQL's comparison (30-day months, 24-h days)
uuid                        ``uuid.UUID``
json                        ``str``: the exact input text
jsonb                       dict/list/str/int/Decimal/bool/None-inside; a
                            top-level JSON null is :data:`JSON_NULL`
arrays                      ``list`` (nested lists for several dimensions,
                            lower bounds are always 1; None elements allowed)
int2vector, oidvector       ``list`` of ``int``
tid                         ``(block, offset)`` tuple
inet, cidr                  :class:`.network.Inet` (family 4|6, mask bits,
                            address int); cidr never has host bits set;
                            Python order is network_cmp's
macaddr, macaddr8           :class:`.network.MacAddr` / ``MacAddr8`` (bytes)
int4range int8range         :class:`.ranges.Range` (lower, upper, PostgreSQL's
numrange daterange          flag bits), normalized as make_range leaves it
tsrange tstzrange           (discrete ranges in ``[)`` form); Python order is
                            range_cmp's; ``t.extra`` is the type's RangeKind
                            (``make(...)``); multiranges are not implemented
pg_lsn, xid8                ``int``
record                      ``tuple`` (print with :func:`record_out`)
=========================== ==================================================

Invariants
==========

1. One :class:`PgType` object per OID; compare types with ``is``.
2. Every type has prebindable I/O attributes: ``text_out(v) -> str``,
   ``text_in(s, typmod=-1, tz=None)``, ``binary_out(v) -> bytes``,
   ``binary_in(b, typmod=-1)``.  They never receive ``None``.  Session
   settings (TimeZone, extra_float_digits, bytea_output, IntervalStyle) are
   bound once with ``t.text_out_for(tz, extra_float_digits, bytea_output,
   interval_style)``, which returns the plain ``text_out`` when the settings do
   not matter for ``t``.
3. Text output is byte-for-byte PostgreSQL 15's.  ``text_out`` is for the
   defaults (DateStyle ISO, MDY; IntervalStyle postgres; extra_float_digits 1,
   i.e. shortest round-trip floats; bytea_output hex; TimeZone UTC); other
   settings go through ``text_out_for``.  Input functions accept PostgreSQL's
   syntaxes and raise its errors (SQLSTATE, message, detail, hint).  Input
   that depends on session state reads ContextVars the session sets once per
   connection task: :data:`date_order` (DateStyle's MDY/DMY/YMD),
   :data:`interval_style`, :data:`current_timestamp` ('now', 'today').
4. Input functions apply a typmod with implicit-coercion semantics (as
   PostgreSQL's do); casts apply it through :func:`length_coercion` with
   explicit or assignment semantics.
5. Cast functions ``f(value, tz=None)`` never see NULL and never mutate their
   argument; values are immutable or treated as such (lists and dicts of
   arrays/jsonb are never modified in place by this package).

Main entry points
=================

- Types: ``INT4``, ``TEXT``, ... (also ``INT4_ARRAY``, ...), ``by_oid(oid)``,
  ``by_name(typname)``, ``all_types()``, ``register_type(t)``.
- Names: ``lookup_type_name('double precision') -> PgType``,
  ``parse_type_name('numeric(10,2)[]') -> (PgType, typmod)``,
  ``typmod_in(t, [params])``, ``format_type(oid, typmod)``.
- Text/binary: ``to_text(t, v, tz=None)``, ``from_text(t, s, typmod=-1,
  tz=None)``, ``to_binary(t, v)``, ``from_binary(t, b, typmod=-1)``.
- Casts: ``find_cast``, ``length_coercion``, ``make_coercion``, ``coerce``,
  ``apply_typmod``, ``can_coerce``, ``can_coerce_implicitly``,
  ``common_type``, ``common_typmod``.
- Settings: ``parse_datestyle(value, current)`` -> (canonical, style, order).
- Time zones: ``parse_timezone`` (AT TIME ZONE names),
  ``parse_timezone_setting`` (SET TimeZone values), ``timezone_from_interval``,
  ``timezone_name``.
- Comparisons where Python differs from PostgreSQL (numeric/float NaN):
  ``numeric_cmp``, ``numeric_key``, ``float_cmp``, ``float_key``.
"""

from __future__ import annotations

from .arrays import record_out
from .builtin import *  # noqa: F401,F403 - the type constants
from .builtin import infer_type, set_reg_io, set_text_io
from .casts import (IDENTITY, apply_typmod, can_coerce, can_coerce_implicitly, cast_path, check_common_type,
                    coerce, common_type, common_typmod, find_cast, is_preferred_type, length_coercion,
                    make_coercion, set_regclass_resolver, type_category)
from .core import (POLYMORPHIC_OIDS, PgType, all_types, by_name, by_oid, format_type, lookup_type_name, make_row,
                   parse_type_name, register_type, type_scope, typmod_in, unregister_type)
from .interval import Interval
from .jsonb import JSON_NULL, jsonb_compare, jsonb_equal, jsonb_from_python, jsonb_type_name
from .jsonb import normalize as jsonb_normalize
from .numeric import apply_typmod as numeric_apply_typmod
from .numeric import numeric_typmod
from .scalars import parse_bool, to_float4
from .temporal import (DATE_INFINITY, DATE_NEG_INFINITY, TIMESTAMP_INFINITY, TIMESTAMP_NEG_INFINITY,
                       TIMESTAMPTZ_INFINITY, TIMESTAMPTZ_NEG_INFINITY, current_timestamp, date_order, date_to_days,
                       interval_style, date_style,
                       days_to_date, interval_typmod, is_infinite, micros_to_time, micros_to_timestamp,
                       time_to_micros, timestamp_to_micros)
from .compare import bpchar_key, float_cmp, float_eq, float_key, numeric_cmp, numeric_eq, numeric_key
from .tz import (UTC, canonical_timezone_name, parse_datestyle, parse_timezone, parse_timezone_setting,
                 timezone_from_interval, timezone_name)

# Convenience aliases used around the code base
INT = INT4  # noqa: F405
FLOAT = FLOAT8  # noqa: F405


def to_text(t: PgType, value, tz=None) -> str | None:
    """PostgreSQL's text output of ``value`` of type ``t`` (None for NULL).

    ``to_text(value, t)`` (value first) is accepted too.
    """
    if t.__class__ is not PgType and value.__class__ is PgType:
        t, value = value, t
    if value is None:
        return None
    if tz is not None and t.tz_dependent:
        return t.text_out_for(tz)(value)
    return t.text_out(value)


def from_text(t: PgType, text: str | None, typmod: int = -1, tz=None):
    """PostgreSQL's input function of ``t`` (None for NULL)."""
    if text is None:
        return None
    return t.text_in(text, typmod, tz)


def to_binary(t: PgType, value) -> bytes | None:
    if value is None:
        return None
    return t.binary_out(value)


def from_binary(t: PgType, data, typmod: int = -1):
    if data is None:
        return None
    return t.binary_in(data, typmod)


def set_statement_timestamp(ts):
    """Set the statement/transaction time 'now'/'today' input reads (aware datetime).

    Returns a token for :func:`reset_statement_timestamp`.  It is a
    ContextVar, so each asyncio task (session) has its own.
    """
    return current_timestamp.set(ts)


def reset_statement_timestamp(token) -> None:
    current_timestamp.reset(token)


# ---------------------------------------------------------------------- analyzer helpers


def is_array(t: PgType) -> bool:
    """True for true array types (int4[], text[], ...; not int2vector/oidvector/name)."""
    return t.is_array


def element_type(t: PgType):
    """The element type of an array type, else None."""
    return t.elem if t.is_array else None


def is_preferred(t: PgType) -> bool:
    return t.preferred


def category(t: PgType) -> str:
    """pg_type.typcategory: 'N' numeric, 'S' string, 'D' datetime, 'A' array, ..."""
    return t.category


def cast_function(src: PgType, dst: PgType, typmod: int = -1, context: str = "implicit"):
    """Full coercion function ``f(value, tz=None)`` (cast + typmod) or None if not allowed.

    Returns :data:`IDENTITY` when the conversion is a no-op (binary-compatible
    relabel without typmod work).  Pass the session TimeZone as ``tz`` for
    the casts that depend on it (timestamp <-> timestamptz, date ->
    timestamptz, timestamptz -> date/time/text, ...).
    """
    return make_coercion(src, dst, typmod, context)


def parse_literal(value, target: PgType, typmod: int = -1, context: str = "implicit", tz=None):
    """Coerce an unknown-type literal (a string constant) to ``target``, as coerce_type does:
    the input function with typmod -1 (interval: with the typmod), then the typmod with
    explicit-cast semantics only when ``context == 'explicit'`` (CAST / ::).
    """
    if value is None:
        return None
    if value.__class__ is not str:
        value = str(value)
    v = target.text_in(value, typmod if target is INTERVAL else -1, tz)  # noqa: F405
    if typmod >= 0:
        f = length_coercion(target, typmod, context in ("explicit", "e"))
        if f is not None:
            v = f(v)
    return v


def jsonb_to_text(v) -> str:
    return JSONB.text_out(v)  # noqa: F405


def jsonb_from_text(s: str):
    return JSONB.text_in(s)  # noqa: F405


def default_column_name(t: PgType) -> str:
    """The column name PostgreSQL gives ``expr::type`` (FigureColname): the typname, e.g.
    'int4' for ::integer, 'float8' for ::double precision, 'varchar', 'bpchar', 'int4' for ::int[]."""
    if t.is_array and t.elem is not None:
        t = t.elem
    return t.name
