"""Server-free tests of the function library's building blocks (values as PostgreSQL 15 gives them)."""
from decimal import Decimal

import pytest

from heliosd import types as T
from heliosd.errors import PgError
from heliosd.exec import functions as F
from heliosd.exec.functions import aggregates as A
from heliosd.exec.functions import formatting, math as M, text as X
from heliosd.exec.functions._common import jsonb_order_cmp, sort_key


def _agg(name, argtypes, rows, direct=None):
    cands = [c for c in F.lookup_functions(name) if c.kind == "a" and len(c.args) == len(argtypes)]
    c = next(c for c in cands if all(a is t or isinstance(a, str) for a, t in zip(c.args, argtypes)))
    c = F.specialize(c, argtypes, None)
    acc = c.make()
    if direct is not None:
        acc.direct(*direct)
    for r in rows:
        if c.strict and None in r:
            continue
        acc.step(*r)
    return acc.result(), c.result_type(argtypes)


def test_sum_avg_types_and_scales():
    assert _agg("sum", [T.INT4], [(1,), (2,)]) == (3, T.INT8)
    assert _agg("sum", [T.INT8], [(2 ** 62,), (2 ** 62,)]) == (Decimal(2 ** 63), T.NUMERIC)
    v, t = _agg("avg", [T.INT4], [(100,), (200,), (150,), (50,), (25,)])
    assert str(v) == "105.0000000000000000" and t is T.NUMERIC
    v, _ = _agg("avg", [T.NUMERIC], [(Decimal("10.50"),), (Decimal("20.25"),), (Decimal("5.00"),)])
    assert str(v) == "11.9166666666666667"
    assert _agg("sum", [T.INT4], []) == (None, T.INT8)
    assert _agg("count", [], [(), ()])[0] == 2
    assert _agg("count", [T.INT4], [])[0] == 0


def test_variance_float_and_numeric():
    v, t = _agg("stddev", [T.INT4], [(100,), (200,), (150,), (50,), (25,)])
    assert t is T.NUMERIC and str(v) == "71.5891053163817658"  # PostgreSQL 15
    v, t = _agg("var_pop", [T.FLOAT8], [(1.0,), (2.0,), (4.0,)])
    assert t is T.FLOAT8 and abs(v - 1.5555555555555556) < 1e-15


def test_ordered_set_aggregates():
    rows = [(25.0,), (50.0,), (100.0,), (150.0,), (200.0,)]
    assert _agg("percentile_cont", [T.FLOAT8, T.FLOAT8], rows, direct=(0.5,))[0] == 100.0
    assert _agg("percentile_cont", [T.FLOAT8, T.FLOAT8], rows, direct=(0.25,))[0] == 50.0
    with pytest.raises(PgError) as e:
        _agg("percentile_cont", [T.FLOAT8, T.FLOAT8], rows, direct=(1.5,))
    assert e.value.code == "22003"
    assert _agg("mode", [T.TEXT], [("a",), ("b",), ("b",), ("c",), ("c",)])[0] == "b"


def test_min_max_float_nan_and_arrays():
    assert _agg("max", [T.FLOAT8], [(1.0,), (float("nan"),), (3.0,)])[0] != _agg("max", [T.FLOAT8], [(1.0,)])[0]
    assert _agg("max", [T.INT4_ARRAY], [([1, 2],), ([1, None],), ([1, 3],)])[0] == [1, None]


def test_json_agg_text_format():
    v, _ = _agg("json_agg", [T.TEXT], [("a",), (None,), ("b",)])
    assert v == '["a", null, "b"]'
    v, _ = _agg("json_agg", [T.INT4_ARRAY], [([1, 2],), ([3],)])
    assert v == "[[1,2], \n [3]]"


def test_like_matcher_and_escape():
    assert X.like_matcher("a%c")("abbbc")
    assert not X.like_matcher("a_c")("abbc")
    assert X.like_matcher("%\\%%")("50%")
    assert X.like_matcher("line1%line2")("line1\nline2")
    assert X.like_escape("a#%b", "#") == "a\\%b"
    with pytest.raises(PgError) as e:
        X.like_matcher("abc\\")
    assert e.value.code == "22025"
    assert not X._ilike("Straße", "STRASSE") and X._ilike("ÄBC", "äbc")


def test_are_translation():
    r, _ = X.compile_regex(r"\mbar\M")
    assert r.search("foo bar") and not r.search("foobar")
    r, _ = X.compile_regex("^a.c$")
    assert r.search("a\nc") and not r.search("abc\n")
    r, _ = X.compile_regex("[[:digit:]]+")
    assert r.search("x42").group(0) == "42"
    for pat, msg in (("(", "parentheses () not balanced"), ("[z-a]", "invalid character range"),
                     ("a{2,1}", "invalid repetition count(s)")):
        with pytest.raises(PgError) as e:
            X.compile_regex(pat)
        assert e.value.code == "2201B" and e.value.message == f"invalid regular expression: {msg}"
    assert X.regexp_replace("2024-01-15", r"(\d+)-(\d+)-(\d+)", r"\3/\2/\1") == "15/01/2024"
    assert X.regexp_split("a, b,c ,  d", r"\s*,\s*") == ["a", "b", "c", "d"]
    assert X.regexp_split("abc", "") == ["a", "b", "c"]


def test_format():
    outs = [str] * 3
    assert X._format_impl(outs, "%3$s %1$s %2$s", ("a", "b", "c")) == "c a b"
    assert X._format_impl(outs, "|%5s|%-5s|", ("ab", "cd")) == "|   ab|cd   |"
    assert X._format_impl([str], "%I", ("my table",)) == '"my table"'
    assert X._format_impl([str], "%L", (None,)) == "NULL"
    with pytest.raises(PgError):
        X._format_impl([str], "%s %s", ("one",))


def test_case_mapping_is_one_to_one():
    assert X.pg_upper("ß") == "ß" and X.pg_lower("ÀÉÎ") == "àéî"
    assert X.pg_initcap("hello wORLD foo-bar") == "Hello World Foo-Bar"


def test_numeric_math_scales():
    assert str(M.num_sqrt(Decimal("2.0"))) == "1.414213562373095"
    assert str(M.num_power(Decimal("2.0"), Decimal("0.5"))) == "1.4142135623730950"
    assert str(M.num_power(Decimal("2.0"), Decimal("2"))) == "4.0000000000000000"
    assert str(M.num_exp(Decimal("1.0"))) == "2.7182818284590452"
    assert str(M.num_log(Decimal("2"), Decimal("8"))) == "3.0000000000000000"
    assert str(M._num_round(Decimal("123.456"), -1)) == "120"
    assert str(M._num_round(Decimal("-0.125"), 2)) == "-0.13"
    assert M._rint(2.5) == 2.0 and M._rint(-0.5) == -0.0
    assert M.sind(30.0) == 0.5 and M.cosd(60.0) == 0.5 and M.tand(45.0) == 1.0
    with pytest.raises(PgError) as e:
        M.f8_pow(0.0, -1.0)
    assert e.value.code == "2201F"


def test_to_char_numbers():
    assert formatting.format_number(Decimal("1234567.891"), "9,999,999.99") == " 1,234,567.89"
    assert formatting.format_number(Decimal("0.5"), "0.00") == " 0.50"
    assert formatting.format_number(Decimal("-12.3"), "S999.9") == " -12.3"
    assert formatting.format_number(42, "000999") == " 000042"
    assert formatting.format_number(Decimal("1234.5"), "FM9999.00") == "1234.50"
    assert formatting.format_number(12, "RN") == "            XII"
    assert formatting.format_number(485, "FM999th") == "485th"


def test_jsonb_top_level_order():
    vals = [1, "a", T.JSON_NULL, True, [], {}, [1], {"a": 1}, False, Decimal("-1.5")]
    import functools

    out = sorted(vals, key=functools.cmp_to_key(jsonb_order_cmp))
    assert out == [[], T.JSON_NULL, "a", Decimal("-1.5"), 1, False, True, [1], {}, {"a": 1}]
    k = sort_key(T.INT4_ARRAY)
    assert sorted([[1, None], [1, 2], [1]], key=k) == [[1], [1, 2], [1, None]]
