"""Stand-ins for general functions the catalog work depends on, registered
only when no module of the function library provides them (this module is
imported last, so any real implementation wins and these stay unused).

now(), nextval()/currval()/setval(), generate_series(int, int[, int]).
The sequence stand-ins update the sequence value inside the transaction
(PostgreSQL's are non-transactional); they exist so that catalog tests can
create SERIAL columns before the sequence functions land.
"""

from __future__ import annotations

import datetime as _dt

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime
from . import lookup_functions, register


def _missing(name):
    return not lookup_functions(name)


if _missing("now"):
    def _now():
        st = runtime.state
        return st.txn_start if st.txn_start is not None else _dt.datetime.now(_dt.timezone.utc)

    register("now", [], T.TIMESTAMPTZ, _now, strict=False, volatility="s")
    register("transaction_timestamp", [], T.TIMESTAMPTZ, _now, strict=False, volatility="s")
    register("statement_timestamp", [], T.TIMESTAMPTZ, _now, strict=False, volatility="s")
    register("clock_timestamp", [], T.TIMESTAMPTZ, lambda: _dt.datetime.now(_dt.timezone.utc), strict=False,
             volatility="v")


def _seq(oid):
    from ...engine import catalog as C

    ctx = runtime.state.ctx
    cat = ctx.catalog
    rel = cat.relations.get(oid) if cat is not None else None
    if rel is None or rel.kind != "S":
        raise PgError(f'"{oid}" is not a sequence', errcodes.WRONG_OBJECT_TYPE)
    return ctx, rel, C


if _missing("nextval"):
    def _nextval(oid):
        ctx, rel, C = _seq(oid)
        s = rel.seq
        cur = C.read_sequence(ctx.txn, ctx.bid, oid)
        last, called = cur if cur is not None else (s.start, False)
        v = last + s.increment if called else last
        if (s.increment > 0 and v > s.max) or (s.increment < 0 and v < s.min):
            if not s.cycle:
                raise PgError(f'nextval: reached maximum value of sequence "{rel.name}" ({s.max})',
                              errcodes.SEQUENCE_GENERATOR_LIMIT_EXCEEDED)
            v = s.min if s.increment > 0 else s.max
        C.write_sequence(ctx.txn, ctx.bid, oid, v, True)
        sess = runtime.state.session
        if sess is not None:
            sess.currvals[oid] = v
            sess.lastval = v
        return v

    def _currval(oid):
        sess = runtime.state.session
        v = sess.currvals.get(oid) if sess is not None else None
        if v is None:
            _ctx, rel, _C = _seq(oid)
            raise PgError(f'currval of sequence "{rel.name}" is not yet defined in this session',
                          errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
        return v

    def _setval(oid, v, called=True):
        ctx, rel, C = _seq(oid)
        C.write_sequence(ctx.txn, ctx.bid, oid, v, bool(called))
        if called and runtime.state.session is not None:
            runtime.state.session.currvals[oid] = v
        return v

    register("nextval", [T.REGCLASS], T.INT8, _nextval, volatility="v")
    register("currval", [T.REGCLASS], T.INT8, _currval, volatility="v")
    register("setval", [T.REGCLASS, T.INT8], T.INT8, _setval, volatility="v")
    register("setval", [T.REGCLASS, T.INT8, T.BOOL], T.INT8, _setval, volatility="v")


if _missing("generate_series"):
    def _gs(a, b, step=1):
        if step == 0:
            raise PgError("step size cannot equal zero", errcodes.INVALID_PARAMETER_VALUE)
        return range(a, b + (1 if step > 0 else -1), step)

    for _t in (T.INT4, T.INT8):
        register("generate_series", [_t, _t], _t, _gs, retset=True, volatility="i")
        register("generate_series", [_t, _t, _t], _t, _gs, retset=True, volatility="i")


if _missing("json_build_object"):
    import json as _json
    from decimal import Decimal as _Dec

    def _jv(v):
        if v is None:
            return None
        if isinstance(v, (bool, int, float, str, list, dict)):
            return v
        if isinstance(v, _Dec):
            return float(v) if v != v.to_integral_value() else int(v)
        if isinstance(v, (_dt.datetime, _dt.date, _dt.time)):
            return v.isoformat()
        return str(v)

    def _json_build_object(*args):
        if len(args) % 2:
            raise PgError("argument list must have even number of elements", errcodes.INVALID_PARAMETER_VALUE,
                          hint="The arguments of json_build_object() must consist of alternating keys and values.")
        parts = []
        for i in range(0, len(args), 2):
            k, v = args[i], args[i + 1]
            if k is None:
                raise PgError("null value not allowed for object key", errcodes.INVALID_PARAMETER_VALUE)
            parts.append(f"{_json.dumps(str(k))} : {_json.dumps(_jv(v))}")
        return "{" + ", ".join(parts) + "}"

    register("json_build_object", ["any"], T.JSON, _json_build_object, strict=False, variadic=True,
             volatility="s")
    register("json_build_object", [], T.JSON, lambda: "{}", strict=False, volatility="s")
