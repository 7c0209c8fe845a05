"""The API other layers use: registries, names, casts, coercion rules, hooks, value classes."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal

import pytest

from heliosd import types as T
from heliosd.errors import PgError


def test_registry_and_constants():
    assert T.by_oid(23) is T.INT4 and T.by_name("int4") is T.INT4
    assert T.INT4.array is T.INT4_ARRAY and T.INT4_ARRAY.elem is T.INT4
    assert (T.INT4_ARRAY.oid, T.TEXT_ARRAY.oid, T.JSONB_ARRAY.oid, T.NUMERIC_ARRAY.oid) == (1007, 1009, 3807, 1231)
    assert T.INT4.array_oid == 1007 and T.TEXT.typlen == -1 and T.INT8.byval and T.INT8.typlen == 8
    assert T.TEXT.category == "S" and T.TEXT.preferred and T.FLOAT8.preferred and not T.INT4.preferred
    assert T.by_oid(12345, None) is None
    with pytest.raises(PgError) as ei:
        T.by_oid(12345)
    assert ei.value.code == "42704"
    oids = [t.oid for t in T.all_types()]
    assert oids == sorted(oids) and 705 in oids and 2249 in oids and 2287 in oids
    assert T.RECORD.is_pseudo and T.ANYELEMENT.is_polymorphic and not T.INT4.is_polymorphic
    assert T.is_array(T.TEXT_ARRAY) and not T.is_array(T.INT2VECTOR) and not T.is_array(T.NAME)
    assert T.element_type(T.TEXT_ARRAY) is T.TEXT and T.element_type(T.TEXT) is None
    assert T.array_of(T.UUID) is T.UUID_ARRAY


def test_pg_type_row():
    r = T.INT4.pg_type_row()
    assert r["typname"] == "int4" and r["typinput"] == "int4in" and r["typarray"] == 1007
    assert r["typcategory"] == "N" and r["typalign"] == "i" and r["typdefault"] is None
    assert T.NAME.pg_type_row()["typelem"] == 18 and T.NAME.pg_type_row()["typcollation"] == 950


def test_types_are_singletons_through_copy_and_pickle():
    assert copy.deepcopy(T.INT4) is T.INT4
    assert pickle.loads(pickle.dumps(T.TEXT_ARRAY)) is T.TEXT_ARRAY


def test_type_names():
    assert T.lookup_type_name("double precision") is T.FLOAT8
    assert T.lookup_type_name("Character Varying") is T.VARCHAR
    assert T.lookup_type_name('"char"') is T.CHAR and T.lookup_type_name("char") is T.BPCHAR
    assert T.lookup_type_name("int[]") is T.INT4_ARRAY
    assert T.parse_type_name("varchar(20)") == (T.VARCHAR, 24)
    assert T.parse_type_name("numeric(6,2)[]") == (T.NUMERIC_ARRAY, (6 << 16 | 2) + 4)
    assert T.parse_type_name("timestamp(3) with time zone") == (T.TIMESTAMPTZ, 3)
    assert T.parse_type_name("float(24)") == (T.FLOAT4, -1)
    with pytest.raises(PgError) as ei:
        T.lookup_type_name("foo")
    assert (ei.value.code, ei.value.message) == ("42704", 'type "foo" does not exist')
    with pytest.raises(PgError) as ei:
        T.lookup_type_name("xml")
    assert ei.value.code == "0A000"
    notices = []
    assert T.parse_type_name("timestamp(9)", notices) == (T.TIMESTAMP, 6)
    assert notices == ["TIMESTAMP(9) precision reduced to maximum allowed, 6"]


def test_format_type():
    assert T.format_type(1043, 24) == "character varying(20)"
    assert T.format_type(1042, -1) == "bpchar" and T.format_type(1042, None) == "character"
    assert T.format_type(1015, 24) == "character varying(20)[]"
    assert T.format_type(1114, None) == "timestamp without time zone"
    assert T.format_type(1186, T.interval_typmod("day to second", 3)) == "interval day to second(3)"
    assert T.INT4_ARRAY.sql_name == "integer[]" and T.CHAR.format() == '"char"'
    assert T.format_type(None) is None and T.format_type(424242) == "???"


def test_typmod_in_errors():
    with pytest.raises(PgError) as ei:
        T.typmod_in(T.VARCHAR, [0])
    assert ei.value.message == "length for type varchar must be at least 1"
    assert T.typmod_in(T.NUMERIC, [10]) == (10 << 16) + 4
    with pytest.raises(PgError):
        T.typmod_in(T.INT4, [3])


def test_null_handling():
    assert T.to_text(T.INT4, None) is None and T.from_text(T.INT4, None) is None
    assert T.to_binary(T.TEXT, None) is None and T.from_binary(T.TEXT, None) is None
    assert T.to_text(T.JSONB, T.JSON_NULL) == "null"
    assert T.JSONB.text_in("null") is T.JSON_NULL and T.JSON_NULL is not None
    assert T.JSONB.text_in("[null]") == [None]
    assert T.jsonb_from_python(None) is T.JSON_NULL
    assert T.jsonb_from_python({"a": (1, 2.5, None, float("nan"))}) == {"a": [1, Decimal("2.5"), None, "NaN"]}


def test_jsonb_key_order_and_equality():
    v = T.JSONB.text_in('{"bb": 1, "a": 2, "ccc": {"y": 1, "x": [1.50, true]}}')
    assert T.JSONB.text_out(v) == '{"a": 2, "bb": 1, "ccc": {"x": [1.50, true], "y": 1}}'
    assert T.jsonb_equal(T.JSONB.text_in("1"), T.JSONB.text_in("1.0"))
    assert not T.jsonb_equal(T.JSONB.text_in("true"), T.JSONB.text_in("1"))
    assert T.jsonb_compare(T.JSONB.text_in("{}"), T.JSONB.text_in("[]")) > 0


def test_text_out_for_settings():
    ny = T.parse_timezone("America/New_York")
    ts = dt.datetime(2024, 7, 1, 12, 0, tzinfo=T.UTC)
    assert T.TIMESTAMPTZ.text_out_for(ny)(ts) == "2024-07-01 08:00:00-04"
    assert T.TIMESTAMPTZ_ARRAY.text_out_for(ny)([ts, None]) == '{"2024-07-01 08:00:00-04",NULL}'
    assert T.INT4.text_out_for(ny) is T.INT4.text_out
    assert T.TIMESTAMPTZ.to_text(ts, ny) == "2024-07-01 08:00:00-04"
    assert T.FLOAT8.text_out_for(None, 0)(0.1) == "0.1"
    assert T.FLOAT8.text_out_for(None, 3)(0.1) == "0.1"


def test_interval_class():
    a = T.INTERVAL.text_in("1 mon")
    b = T.INTERVAL.text_in("30 days")
    assert a == b and hash(a) == hash(b) and not a.identical(b)
    assert T.INTERVAL.text_in("1 day") < T.INTERVAL.text_in("25 hours")
    assert a.total_micros() == 30 * 86400 * 10**6
    with pytest.raises(AttributeError):
        a.months = 3
    assert (a + b).identical(T.Interval(1, 30, 0)) and (-a).identical(T.Interval(-1, 0, 0))
    assert a.mul(1.5).identical(T.Interval(1, 15, 0)) and (a * 2).identical(T.Interval(2, 0, 0))
    assert pickle.loads(pickle.dumps(a)).identical(a)
    assert str(T.Interval(0, -1, 7200 * 10**6)) == "-1 days +02:00:00"
    with pytest.raises(PgError) as ei:
        a.div(0)
    assert ei.value.code == "22012"
    with pytest.raises(PgError) as ei:
        T.Interval(2**31 - 1, 0, 0) + T.Interval(1, 0, 0)
    assert ei.value.message == "interval out of range"


def test_infinities():
    d = T.DATE.text_in("infinity")
    assert d is T.DATE_INFINITY and T.is_infinite(d) and not T.is_infinite(dt.date(2024, 1, 1))
    assert dt.date.max < T.DATE_INFINITY and T.DATE_NEG_INFINITY < dt.date.min
    assert T.DATE_NEG_INFINITY < T.DATE_INFINITY and T.DATE_INFINITY != dt.date.max
    assert sorted([T.DATE_INFINITY, dt.date(2020, 1, 1), T.DATE_NEG_INFINITY]) == \
        [T.DATE_NEG_INFINITY, dt.date(2020, 1, 1), T.DATE_INFINITY]
    assert pickle.loads(pickle.dumps(T.TIMESTAMPTZ_INFINITY)) is T.TIMESTAMPTZ_INFINITY
    assert T.TIMESTAMP.text_out(T.TIMESTAMP_NEG_INFINITY) == "-infinity"
    assert T.TIMESTAMPTZ.binary_out(T.TIMESTAMPTZ_INFINITY) == b"\x7f\xff\xff\xff\xff\xff\xff\xff"
    assert T.DATE.binary_in(b"\x80\x00\x00\x00") is T.DATE_NEG_INFINITY
    assert T.date_to_days(dt.date(2000, 1, 2)) == 1 and T.timestamp_to_micros(T.TIMESTAMP_INFINITY) == 2**63 - 1
    assert len({T.DATE_INFINITY, T.DATE_INFINITY, dt.date.max}) == 2


def test_now_input_uses_statement_timestamp():
    tok = T.set_statement_timestamp(dt.datetime(2024, 3, 10, 6, 30, tzinfo=T.UTC))
    try:
        ny = T.parse_timezone("America/New_York")
        assert T.DATE.text_in("today", -1, ny) == dt.date(2024, 3, 10)
        assert T.DATE.text_in("yesterday", -1, ny) == dt.date(2024, 3, 9)
        assert T.TIMESTAMPTZ.text_in("now") == dt.datetime(2024, 3, 10, 6, 30, tzinfo=T.UTC)
        assert T.TIMESTAMP.text_in("now", -1, ny) == dt.datetime(2024, 3, 10, 1, 30)
        assert T.TIME.text_in("now", -1, ny) == dt.time(1, 30)
    finally:
        T.reset_statement_timestamp(tok)


def test_timezones():
    assert T.parse_timezone("UTC") is T.UTC
    assert T.parse_timezone("PST").utcoffset(None) == dt.timedelta(hours=-8)
    assert T.parse_timezone("america/new_york").key == "America/New_York"
    assert T.parse_timezone("+05:30").utcoffset(None) == dt.timedelta(hours=-5, minutes=-30)  # POSIX sign
    assert T.parse_timezone_setting("-8").utcoffset(None) == dt.timedelta(hours=-8)  # ISO sign
    assert T.parse_timezone("EST5EDT").utcoffset(dt.datetime(2024, 7, 1)) == dt.timedelta(hours=-4)
    with pytest.raises(PgError) as ei:
        T.parse_timezone("foo")
    assert (ei.value.code, ei.value.message) == ("22023", 'time zone "foo" not recognized')
    with pytest.raises(PgError) as ei:
        T.parse_timezone_setting("foo")
    assert ei.value.message == 'invalid value for parameter "TimeZone": "foo"'
    assert T.timezone_name("america/new_york") == "America/New_York" and T.timezone_name("-8") == "<-08>+08"


def test_cast_contexts():
    assert T.find_cast(T.INT4, T.INT8, "implicit") is not None
    assert T.find_cast(T.INT8, T.INT4, "implicit") is None
    assert T.find_cast(T.INT8, T.INT4, "assignment") is not None
    assert T.find_cast(T.INT4, T.TEXT, "implicit") is None and T.find_cast(T.INT4, T.TEXT, "assignment")
    assert T.find_cast(T.TEXT, T.INT4, "assignment") is None and T.find_cast(T.TEXT, T.INT4, "explicit")
    assert T.find_cast(T.INT4, T.BOOL, "assignment") is None and T.find_cast(T.INT4, T.BOOL, "explicit")
    assert T.find_cast(T.JSON, T.JSONB, "assignment") and not T.find_cast(T.JSON, T.JSONB, "implicit")
    assert T.find_cast(T.UUID, T.INT4, "explicit") is None
    assert T.cast_path(T.VARCHAR, T.TEXT) == "relabel" and T.cast_path(T.INT4, T.INT8) == "func"
    assert T.cast_path(T.INT4_ARRAY, T.INT8_ARRAY) == "array" and T.cast_path(T.INT4, T.TEXT) == "io"
    assert T.can_coerce_implicitly(T.UNKNOWN, T.DATE) and T.can_coerce_implicitly(T.INT2, T.NUMERIC)
    assert not T.can_coerce_implicitly(T.NUMERIC, T.INT4)
    assert T.can_coerce(T.INT4_ARRAY, T.ANYARRAY) and not T.can_coerce(T.INT4, T.ANYARRAY)
    assert T.can_coerce(T.INT4, T.ANYELEMENT) and T.can_coerce(T.INT4, T.ANY)
    assert T.make_coercion(T.VARCHAR, T.TEXT) is T.IDENTITY and T.cast_function(T.TEXT, T.VARCHAR) is T.IDENTITY


def test_coerce_semantics():
    assert T.coerce("abcdef", T.TEXT, T.VARCHAR, 7, "explicit") == "abc"
    with pytest.raises(PgError) as ei:
        T.coerce("abcdef", T.TEXT, T.VARCHAR, 7, "assignment")
    assert ei.value.code == "22001"
    assert T.coerce("ab", T.TEXT, T.BPCHAR, 7) == "ab "
    assert T.coerce(2.5, T.FLOAT8, T.INT4) == 2 and T.coerce(Decimal("2.5"), T.NUMERIC, T.INT4) == 3
    assert T.coerce(True, T.BOOL, T.TEXT) == "true"
    ny = T.parse_timezone("America/New_York")
    assert T.coerce(dt.datetime(2024, 1, 1), T.TIMESTAMP, T.TIMESTAMPTZ, tz=ny) == \
        dt.datetime(2024, 1, 1, 5, tzinfo=T.UTC)
    assert T.coerce([1, None, [2]] and [[1, None], [2, 3]], T.INT4_ARRAY, T.TEXT_ARRAY) == [["1", None], ["2", "3"]]
    with pytest.raises(PgError) as ei:
        T.coerce(1, T.INT4, T.UUID)
    assert (ei.value.code, ei.value.message) == ("42846", "cannot cast type integer to uuid")
    assert T.parse_literal("abcdef", T.VARCHAR, 7, "explicit") == "abc"
    assert T.parse_literal("1 day 02:03", T.INTERVAL, T.interval_typmod("day")).identical(T.Interval(0, 1, 0))
    assert T.apply_typmod(Decimal("1.005"), T.NUMERIC, T.numeric_typmod(5, 2)) == Decimal("1.01")


def test_common_type():
    assert T.common_type([T.INT4, T.INT8]) is T.INT8
    assert T.common_type([T.UNKNOWN, T.UNKNOWN]) is T.TEXT
    assert T.common_type([T.UNKNOWN, T.DATE]) is T.DATE
    assert T.common_type([T.INT4, T.NUMERIC, T.FLOAT8]) is T.FLOAT8
    with pytest.raises(PgError) as ei:
        T.common_type([T.INT4, T.TEXT], "CASE")
    assert (ei.value.code, ei.value.message) == ("42804", "CASE types integer and text cannot be matched")
    assert T.common_type([T.INT4, T.TEXT], "CASE", none_if_fail=True) is None
    assert T.common_typmod([5, 5]) == 5 and T.common_typmod([5, 6]) == -1


def test_reg_hooks():
    names = {"pg_class": 1259}
    old_in, old_out = T.REGCLASS.text_in, T.REGCLASS.text_out
    try:
        T.set_reg_io(T.REGCLASS, lambda s, typmod=-1, tz=None: names[s], lambda oid: "pg_class")
        assert T.REGCLASS.text_in("pg_class") == 1259 and T.REGCLASS.text_out(1259) == "pg_class"
        assert T.REGCLASS_ARRAY.text_out([1259]) == "{pg_class}"
        T.set_regclass_resolver(lambda s: names[s])
        assert T.coerce("pg_class", T.TEXT, T.REGCLASS, context="implicit") == 1259
    finally:
        T.set_regclass_resolver(None)
        T.set_reg_io(T.REGCLASS, old_in, old_out)
    assert T.REGCLASS.text_in("1259") == 1259


def test_record_out_and_vectors():
    assert T.record_out((1, "a b", None, "", 'q"'), [str, str, str, str, str]) == '(1,"a b",,"","q""")'
    assert T.INT2VECTOR.text_in("1 2 3") == [1, 2, 3] and T.OIDVECTOR.text_out([26, 23]) == "26 23"
    assert T.INT2VECTOR.binary_in(T.INT2VECTOR.binary_out([1, 2])) == [1, 2]


def test_binary_wire_examples():
    # values checked against int4send / numeric_send / array_send of PostgreSQL 15 (see expected.json)
    assert T.INT4.binary_out(42) == b"\x00\x00\x00\x2a"
    assert T.NUMERIC.binary_out(Decimal("-12.345")).hex() == "0002000040000003000c0d7a"
    assert T.INT4_ARRAY.binary_out([1, None]).hex() == \
        "000000010000000100000017000000020000000100000004000000" + "01ffffffff"
    assert T.JSONB.binary_out({"a": 1}) == b'\x01{"a": 1}'
    assert T.INTERVAL.binary_out(T.Interval(1, 2, 3)) == (3).to_bytes(8, "big") + (2).to_bytes(4, "big") + \
        (1).to_bytes(4, "big")
    with pytest.raises(PgError) as ei:
        T.INT8_ARRAY.binary_in(T.INT4_ARRAY.binary_out([1]))
    assert ei.value.code == "42804"


def test_nan_aware_comparisons():
    nan, one, inf = Decimal("NaN"), Decimal(1), Decimal("Infinity")
    assert sorted([nan, inf, one, Decimal("-Infinity")], key=T.numeric_key) == [Decimal("-Infinity"), one, inf, nan]
    assert T.numeric_cmp(nan, nan) == 0 and T.numeric_cmp(nan, inf) == 1 and T.numeric_cmp(one, nan) == -1
    assert T.float_cmp(float("nan"), float("inf")) == 1 and T.float_eq(float("nan"), float("nan"))
    assert T.float_eq(-0.0, 0.0) and T.bpchar_key("ab  ") == "ab"


def test_timezone_from_interval():
    tz = T.timezone_from_interval(T.INTERVAL.text_in("-08:00"))
    assert tz.utcoffset(None) == dt.timedelta(hours=-8) and T.timezone_name(tz) == "<-08>+08"
    with pytest.raises(PgError) as ei:
        T.timezone_from_interval(T.INTERVAL.text_in("1 day"))
    assert ei.value.message == "invalid interval value for time zone: day not allowed"


def test_typmod_params_as_text():
    assert T.typmod_in(T.VARCHAR, ["3"]) == 7 and T.typmod_in(T.NUMERIC, ["10", "-2"]) == ((10 << 16) | (-2 & 0x7FF)) + 4
    with pytest.raises(PgError) as ei:
        T.typmod_in(T.VARCHAR, ["x"])
    assert ei.value.code == "42601"


def test_records_and_inference():
    import uuid as _uuid
    assert T.infer_type(5) is T.INT8 and T.infer_type([None, "x"]) is T.TEXT_ARRAY
    assert T.infer_type(dt.datetime(2024, 1, 1, tzinfo=T.UTC)) is T.TIMESTAMPTZ and T.infer_type(_uuid.uuid4()) is T.UUID
    r = (1, "a b", None, Decimal("1.50"), [1, 2], {"x": 1}, dt.datetime(2024, 1, 1, tzinfo=T.UTC), (1, "x"))
    # SELECT row(1, 'a b', null, 1.50, array[1,2], '{"x":1}'::jsonb, '2024-01-01'::timestamptz, row(1,'x'))
    assert T.RECORD.text_out(r) == '(1,"a b",,1.50,"{1,2}","{""x"": 1}","2024-01-01 00:00:00+00","(1,x)")'
    # record_send(row(1::int8, 'a'::text, null))
    assert T.RECORD.binary_out((1, "a", None)).hex() == \
        "000000030000001400000008000000000000000100000019000000016100000" + "2c1ffffffff"


def test_user_defined_types():
    mood = T.make_enum_type(900001, "mood", ["sad", "ok", "happy"], array_oid=900002)
    try:
        assert T.by_oid(900001) is mood and T.lookup_type_name("mood") is mood and mood.array.oid == 900002
        assert mood.text_in("ok") == "ok" and mood.array.text_out(["sad", None]) == "{sad,NULL}"
        with pytest.raises(PgError) as ei:
            mood.text_in("meh")
        assert (ei.value.code, ei.value.message) == ("22P02", 'invalid input value for enum mood: "meh"')
        assert mood.category == "E" and T.can_coerce(mood, T.ANYENUM) and T.format_type(900002, -1) == "mood[]"
        assert mood.extra["sort"]["happy"] == 2
        dom = T.make_domain_type(900003, "short_text", T.VARCHAR, typmod=9)
        assert dom.base is T.VARCHAR and dom.pg_type_row()["typbasetype"] == 1043
        with pytest.raises(PgError):
            dom.text_in("far too long")
        assert T.find_cast(dom, T.TEXT, "implicit") is not None and T.can_coerce(T.TEXT, dom)
        comp = T.make_composite_type(900004, "pair", 900005, [("a", T.INT4), ("b", T.TEXT)])
        assert comp.text_out((1, "x y")) == '(1,"x y")' and comp.row["typrelid"] == 900005
    finally:
        for oid in (900001, 900002, 900003, 900004):
            T.unregister_type(oid)
