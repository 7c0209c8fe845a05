"""EXPLAIN [ANALYZE] in PostgreSQL-like text.

heliosd has no cost model comparable to PostgreSQL's, so plans are shown
without cost estimates (as PostgreSQL's ``COSTS OFF``); EXPLAIN ANALYZE adds
``(actual rows=N loops=L)`` per node and the total execution time.  The
statement is analyzed afresh (never a cached, shared plan), and for
ANALYZE it is executed inside the current transaction like PostgreSQL does
(its writes stay, use BEGIN/ROLLBACK around it to discard them).
"""

from __future__ import annotations

import time

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec import expr as E
from ..exec import operators as O
from ..plan.physical import lower
from ..sql.analyze import ResultColumn
from ..sql.statement import prepare
from ..wire import protocol as P


def expr_text(e) -> str:
    t = type(e)
    if t is E.ColRef or t is E.OuterRef:
        return e.name if e.name and e.name != "?" else f"${e.index}"
    if t is E.Const:
        if e.value is None:
            return "NULL"
        try:
            txt = e.type.text_out(e.value)
        except Exception:
            txt = str(e.value)
        if e.type in (T.INT2, T.INT4, T.INT8, T.NUMERIC, T.FLOAT8, T.FLOAT4, T.BOOL):
            return txt if e.type is not T.BOOL else ("true" if e.value else "false")
        return "'" + txt.replace("'", "''") + "'::" + T.format_type(e.type.oid, e.typmod)
    if isinstance(e, E.Param):
        return f"${e.index + 1}"
    if t is E.Call:
        if e.fn.kind == "o":
            if len(e.args) == 2:
                return f"({expr_text(e.args[0])} {e.fn.name} {expr_text(e.args[1])})"
            return f"({e.fn.name} {expr_text(e.args[0])})"
        return f"{e.fn.name}({', '.join(expr_text(a) for a in e.args)})"
    if t is E.Cast:
        if getattr(e.fn, "__name__", "") == "_identity":
            return expr_text(e.arg)
        return f"({expr_text(e.arg)})::{T.format_type(e.type.oid, e.typmod)}"
    if t is E.BoolOp:
        j = " AND " if e.op == "and" else " OR "
        return "(" + j.join(expr_text(a) for a in e.args) + ")"
    if t is E.Not:
        return f"(NOT {expr_text(e.arg)})"
    if t is E.NullTest:
        return f"({expr_text(e.arg)} IS {'NOT ' if e.negate else ''}NULL)"
    if t is E.InList:
        return f"({expr_text(e.arg)} {'<> ALL' if e.negate else '= ANY'} " \
               f"('{{{','.join(expr_text(i) for i in e.items)}}}'))"
    if t is E.SubPlan:
        return f"(SubPlan {e.kind})"
    return t.__name__


def _details(op) -> list[str]:
    out = []
    f = getattr(op, "explain_filter", None)
    if f:
        out.append(f"Filter: {f}")
    c = getattr(op, "explain_cond", None)
    if c:
        out.append(c)
    return out


def plan_lines(op, indent=0, analyze_stats=None) -> list[str]:
    lines = []
    pad = " " * indent
    label = op.label
    if analyze_stats is not None:
        st = analyze_stats.get(id(op))
        if st is not None:
            label += f" (actual rows={st[0]} loops={st[1]})"
        else:
            label += " (never executed)"
    if indent == 0:
        lines.append(label)
    else:
        lines.append(pad + "->  " + label)
    sub = pad + ("  " if indent == 0 else "      ")
    for d in _details(op):
        lines.append(sub + d)
    for c in getattr(op, "children", ()) or ():
        lines.extend(plan_lines(c, indent + (2 if indent == 0 else 6), analyze_stats))
    return lines


def _instrument(op, stats):
    orig = op.run

    def run(ctx, _orig=orig, _id=id(op)):
        st = stats.setdefault(_id, [0, 0])
        st[1] += 1
        for b in _orig(ctx):
            st[0] += len(b)
            yield b

    op.run = run
    for c in getattr(op, "children", ()) or ():
        _instrument(c, stats)


async def run_explain(s, u) -> None:
    opts = u.options
    fmt = opts.get("format", "text")
    if fmt not in (True, "text"):
        raise PgError(f'EXPLAIN option FORMAT {fmt} is not supported', errcodes.FEATURE_NOT_SUPPORTED)
    txn = s.txn
    cat = s.catalog(txn)
    env = s.env_for(cat)
    p = prepare(env, u.query, [], cache=None)
    if p.kind not in ("query", "dml"):
        raise PgError("EXPLAIN is only supported for SELECT, INSERT, UPDATE and DELETE",
                      errcodes.FEATURE_NOT_SUPPORTED)
    phys = lower(p.plan)
    p.physical = phys
    lines = []
    if opts.get("analyze"):
        stats = {}
        _instrument(phys.root, stats)
        t0 = time.perf_counter()
        await s._execute(p, [], stream=False, portal=None)
        dt = (time.perf_counter() - t0) * 1000
        lines = plan_lines(phys.root, 0, stats)
        lines.append(f"Execution Time: {dt:.3f} ms")
    else:
        lines = plan_lines(phys.root)
    cols = [ResultColumn("QUERY PLAN", T.TEXT)]
    s.out.append(s.row_description(cols, []))
    for line in lines:
        s.out.append(P.data_row([line.encode()]))
    s.out.append(P.command_complete("EXPLAIN"))


_ = O
