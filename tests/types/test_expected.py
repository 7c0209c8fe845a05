"""Replay PostgreSQL 15's recorded answers (expected.json) against heliosd.types.

The fixture is produced by gen_expected.py from a real PostgreSQL 15; no
server is needed here.  A handful of documented deviations (values heliosd's
Python representation cannot hold) are listed in DEVIATIONS with the error
heliosd raises instead.
"""

from __future__ import annotations

import json
import os

import pytest

from heliosd import types as T
from heliosd.errors import PgError
from heliosd.types import casts as C

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "expected.json")) as f:
    EXPECTED = json.load(f)

# (kind, type or src->dst, input) -> SQLSTATE heliosd raises instead of PostgreSQL's result.
DEVIATIONS = {
    # arrays keep no lower bounds: '[0:1]={1,2}' reads as {1,2}
    ("in", "int4[]", "[0:1]={1,2}"): None,
    ("in", "time", "23:59:60"): "0A000",  # 24:00:00
    ("in", "date", "tue julian 0"): "22008",  # 4714-11-24 BC: Python's datetime has no BC dates
    ("in", "time", "23:59:59.9999999"): "0A000",  # rounds to 24:00:00
}


def _tz(name):
    return T.parse_timezone_setting(name)


def _ids(cases, key):
    return [f"{i}:{c.get('type') or c.get('src')}:{c.get(key)!r}"[:80] for i, c in enumerate(cases)]


def _check_error(exc: PgError, case):
    assert exc.code == case["error"], (exc.code, exc.message, case)
    assert exc.message == case["message"], (exc.message, case["message"])
    if case.get("detail") is not None:
        assert exc.detail == case["detail"]
    if case.get("hint") is not None:
        assert exc.hint == case["hint"]


IN_CASES = EXPECTED["in"]


@pytest.mark.parametrize("case", IN_CASES, ids=_ids(IN_CASES, "input"))
def test_input_output(case):
    t = T.by_oid(case["oid"])
    tz = _tz(case["tz"])
    dev = DEVIATIONS.get(("in", case["type"], case["input"]), "absent")
    if dev != "absent":
        if dev is None:
            pytest.skip("documented deviation")
        with pytest.raises(PgError) as ei:
            t.text_in(case["input"], case["typmod"], tz)
        assert ei.value.code == dev
        return
    if "error" in case:
        with pytest.raises(PgError) as ei:
            t.text_in(case["input"], case["typmod"], tz)
        _check_error(ei.value, case)
        return
    v = t.text_in(case["input"], case["typmod"], tz)
    if case["typmod"] == -1:
        # 'input'::char is an explicit cast to character(1): input, then the typmod explicitly
        _t, spelled_typmod = T.parse_type_name(case["type"])
        v = T.apply_typmod(v, t, spelled_typmod, explicit=True)
    out = t.text_out_for(tz)(v)
    assert out == case["output"]
    if case.get("send") is not None:
        sent = t.binary_out(v)
        assert sent.hex() == case["send"]
        back = t.binary_in(bytes.fromhex(case["send"]), case["typmod"])
        assert t.text_out_for(tz)(back) == case["output"]


CAST_CASES = EXPECTED["cast"]


@pytest.mark.parametrize("case", CAST_CASES, ids=_ids(CAST_CASES, "input"))
def test_cast(case):
    tz = _tz(case["tz"])
    src, src_typmod = T.parse_type_name(case["src"])
    dst, dst_typmod = T.parse_type_name(case["dst"])

    def run():
        v = src.text_in(case["input"], src_typmod, tz)
        r = C.coerce(v, src, dst, dst_typmod, case["context"], tz)
        return "<NULL>" if r is None else dst.text_out_for(tz)(r)

    if "error" in case:
        with pytest.raises(PgError) as ei:
            run()
        _check_error(ei.value, case)
    else:
        expected = case["output"] if case["output"] is not None else "<NULL>"
        assert run() == expected


@pytest.mark.parametrize("case", EXPECTED["format_type"], ids=lambda c: f"{c['oid']}/{c['typmod']}")
def test_format_type(case):
    if "error" in case:
        pytest.skip("PostgreSQL rejects this typmod")
    assert T.format_type(case["oid"], case["typmod"]) == case["output"]


@pytest.mark.parametrize("case", EXPECTED["typename"], ids=lambda c: c["spelling"])
def test_type_names(case):
    if "error" in case:
        with pytest.raises(PgError) as ei:
            T.parse_type_name(case["spelling"])
        if case["error"] == "42704" and ei.value.code == "0A000":
            return  # a real PostgreSQL type heliosd does not implement
        assert ei.value.code == case["error"], (ei.value.code, ei.value.message)
        assert ei.value.message == case["message"] or ei.value.code == "0A000"
        return
    if case["spelling"] == "serial":  # a CREATE TABLE shorthand, not a type (handled by the DDL layer)
        with pytest.raises(PgError) as ei:
            T.parse_type_name(case["spelling"])
        assert ei.value.code == "42704"
        return
    if case["spelling"] in ("bit", "xml", "money", "timetz", "time with time zone"):
        with pytest.raises(PgError) as ei:
            T.parse_type_name(case["spelling"])
        assert ei.value.code == "0A000"
        return
    t, typmod = T.parse_type_name(case["spelling"])
    assert (t.oid, typmod) == (case["oid"], case["typmod"])
    assert T.format_type(t.oid, typmod) == case["format"]


@pytest.mark.parametrize("case", EXPECTED["common"], ids=lambda c: c["construct"] + ":" + ",".join(c["types"]))
def test_common_type(case):
    types = [T.lookup_type_name(n) for n in case["types"]]
    if "error" in case:
        with pytest.raises(PgError) as ei:
            T.common_type(types, case["construct"])
        _check_error(ei.value, case)
    else:
        assert T.common_type(types, case["construct"]).oid == case["oid"]


def _run_sql(q):
    """The few expression shapes used in the 'sql' section."""
    import re
    from decimal import Decimal

    iv = T.INTERVAL.text_in
    m = re.fullmatch(r"select '([^']*)'::interval \* (-?[\d.]+|'nan'::float8)", q)
    if m:
        f = float("nan") if "nan" in m.group(2) else Decimal(m.group(2))
        return T.INTERVAL.text_out(iv(m.group(1)).mul(f))
    m = re.fullmatch(r"select '([^']*)'::interval / (-?[\d.]+)", q)
    if m:
        return T.INTERVAL.text_out(iv(m.group(1)).div(Decimal(m.group(2))))
    m = re.fullmatch(r"select '([^']*)'::interval ([-+=>]) '([^']*)'::interval", q)
    if m:
        a, op, b = iv(m.group(1)), m.group(2), iv(m.group(3))
        if op == "+":
            return T.INTERVAL.text_out(a + b)
        if op == "-":
            return T.INTERVAL.text_out(a - b)
        if op == "=":
            return "t" if a == b else "f"
        return "t" if a > b else "f"
    m = re.fullmatch(r"select -'([^']*)'::interval", q)
    if m:
        return T.INTERVAL.text_out(-iv(m.group(1)))
    m = re.fullmatch(r"select (justify_hours|justify_days)\('([^']*)'::interval\)", q)
    if m:
        return T.INTERVAL.text_out(getattr(iv(m.group(2)), m.group(1))())
    raise AssertionError(f"unsupported test query {q}")


@pytest.mark.parametrize("case", EXPECTED["sql"], ids=lambda c: c["sql"])
def test_sql(case):
    if "error" in case:
        with pytest.raises(PgError) as ei:
            _run_sql(case["sql"])
        _check_error(ei.value, case)
    else:
        assert _run_sql(case["sql"]) == case["output"]


@pytest.mark.parametrize("case", EXPECTED["settings"], ids=lambda c: f"{c['type']}:{c['input']}:{c['settings']}")
def test_settings(case):
    from heliosd.types import temporal as TM
    from heliosd.types.tz import parse_datestyle

    t, typmod = T.parse_type_name(case["type"])
    g = case["settings"]
    datestyle, _style, order = parse_datestyle(g.get("datestyle", "ISO, MDY"))
    istyle = g.get("intervalstyle", "postgres")
    tz = T.parse_timezone_setting(g["timezone"]) if "timezone" in g else None
    tokens = (TM.date_order.set(order), TM.interval_style.set(istyle))
    try:
        out = t.text_out_for(tz, int(g.get("extra_float_digits", 1)), g.get("bytea_output", "hex"), istyle,
                             datestyle)
        if "error" in case:
            with pytest.raises(PgError) as ei:
                t.text_in(case["input"], typmod, tz)
            _check_error(ei.value, case)
            return
        assert out(t.text_in(case["input"], typmod, tz)) == case["output"]
    finally:
        TM.interval_style.reset(tokens[1])
        TM.date_order.reset(tokens[0])
