"""Function calls: ordinary functions, aggregates, window functions, and the
SQL-standard special forms that parse as function calls (coalesce, nullif,
greatest, least, row)."""

from __future__ import annotations

from sqlglot import exp

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec import expr as E
from ..exec import functions as F
from . import resolve as R
from .analyze import _nulls_first, _pos, ident


def _fname(node: exp.Anonymous) -> str:
    n = node.this
    if isinstance(n, exp.Identifier):
        return n.this if n.quoted else n.this.lower()
    return str(n).lower()


def _split_args(an, node, scope):
    """Arguments, with DISTINCT and an ORDER BY inside the call."""
    from .exprs import analyze_expr

    distinct = False
    order = []
    raw = list(node.expressions)
    star = False
    out = []
    for i, a in enumerate(raw):
        if isinstance(a, exp.Distinct):
            if not a.expressions:
                raise PgError('syntax error at or near ")"', errcodes.SYNTAX_ERROR)
            distinct = True
            for x in a.expressions:
                out.append(x)
            continue
        if isinstance(a, exp.Order):
            if a.this is not None:
                inner = a.this
                if isinstance(inner, exp.Distinct):
                    distinct = True
                    out.extend(inner.expressions)
                else:
                    out.append(inner)
            order = a.expressions
            continue
        if isinstance(a, exp.Star):
            star = True
            continue
        if isinstance(a, exp.Kwarg) or isinstance(a, exp.PropertyEQ):
            out.append(a)
            continue
        out.append(a)
    named = {}
    args = []
    for a in out:
        if isinstance(a, (exp.Kwarg, exp.PropertyEQ)):
            named[ident(a.this)] = analyze_expr(an, a.expression, scope)
        else:
            args.append(analyze_expr(an, a, scope))
    return args, distinct, order, star, named


def _named_args(name, args, named, cands, node):
    """Positional arguments for a call with ``name => value`` arguments (functions with arg_names)."""
    for c in cands:
        names = getattr(c, "arg_names", None)
        if not names or c.kind != "f" or any(k not in names for k in named):
            continue
        if any(names.index(k) < len(args) for k in named):
            continue
        defaults = getattr(c, "arg_defaults", None) or {}
        out = list(args)
        last = max(names.index(k) for k in named)
        for i in range(len(args), last + 1):
            nm = names[i]
            if nm in named:
                out.append(named[nm])
            elif nm in defaults:
                out.append(E.Const(defaults[nm], c.args[i]))
            else:
                break
        else:
            return out
    raise PgError(f"function {name}({', '.join(R.type_name(a.type) for a in args)}"
                  f"{', ' if args else ''}{', '.join(k + ' => ' + R.type_name(v.type) for k, v in named.items())})"
                  " does not exist", errcodes.UNDEFINED_FUNCTION, position=_pos(node),
                  hint="No function matches the given name and argument types. "
                       "You might need to add explicit type casts.")


def analyze_call(an, node: exp.Anonymous, scope, schema=None, window=None, agg_filter=None, within=None):
    from .exprs import _coalesce_args, analyze_expr, nullif_expr

    name = _fname(node)
    if schema not in (None, "pg_catalog", "public", "information_schema"):
        raise PgError(f'schema "{schema}" does not exist', errcodes.INVALID_SCHEMA_NAME, position=_pos(node))
    if name == "array" and len(node.expressions) == 1 and \
            isinstance(node.expressions[0], (exp.Select, exp.Union, exp.Subquery)):
        # ARRAY(subquery): the sublink form (the parser sees a call named "array")
        from .exprs import _array_ctor

        return _array_ctor(an, exp.Array(expressions=[node.expressions[0]]), scope)
    if node.expressions and isinstance(node.expressions[-1], exp.Variadic):
        return _variadic_call(an, node, name, scope)
    args, distinct, order, star, named = _split_args(an, node, scope)
    if named:
        args = _named_args(name, args, named, F.lookup_functions(name), node)
    low = name
    if window is None and agg_filter is None and within is None and not distinct and not order:
        if low == "coalesce":
            if not args:
                raise PgError('syntax error at or near ")"', errcodes.SYNTAX_ERROR)
            cargs, t = _coalesce_args(an, "coalesce", args, node)
            return E.Coalesce(cargs, t)
        if low in ("greatest", "least"):
            cargs, t = _coalesce_args(an, low, args, node)
            return E.MinMax(low, cargs, t)
        if low == "nullif" and len(args) == 2:
            return nullif_expr(an, args[0], args[1], node)
        if low == "row":
            # ROW(t.*, x): t.* contributes its columns, not one whole-row field
            items = []
            for a, n in zip(args, node.expressions):
                if isinstance(a, E.RowExpr) and isinstance(n, exp.Column) and isinstance(n.this, exp.Star):
                    items.extend(a.items)
                else:
                    items.append(a)
            return E.RowExpr(items, T.RECORD)
        if low == "grouping" and schema in (None, "pg_catalog"):
            # resolved against the GROUP BY keys by the aggregate mapper
            return E.Func(None, args, T.INT4, name="grouping")
    cands = F.lookup_functions(low)
    if len(args) == 1 and window is None and agg_filter is None and within is None and not distinct \
            and not order and not star and not named:
        co = _function_style_cast(name, args[0], cands, node)
        if co is not None:
            return co
    if not cands:
        raise PgError(f"function {name}({', '.join(R.type_name(a.type) for a in args)}) does not exist",
                      errcodes.UNDEFINED_FUNCTION, position=_pos(node),
                      hint="No function matches the given name and argument types. "
                           "You might need to add explicit type casts.")
    is_agg = any(c.kind == "a" for c in cands)
    is_win = any(c.kind == "w" for c in cands)
    if star:
        if low != "count":
            raise PgError(f"{name}(*) specified, but {name} is not an aggregate function",
                          errcodes.WRONG_OBJECT_TYPE, position=_pos(node))
        args = []
    if window is not None:
        return _window_call(an, node, name, cands, args, window, scope, agg_filter, star)
    if is_win and not is_agg:
        raise PgError(f"window function {name} requires an OVER clause", errcodes.WRONG_OBJECT_TYPE,
                      position=_pos(node))
    if is_agg:
        aggs = [c for c in cands if c.kind == "a"]
        if within is not None:
            direct = args
            wargs = [analyze_expr(an, o.this, scope) for o in within.expressions]
            worder = [(w, bool(o.args.get("desc")), _nulls_first(o, bool(o.args.get("desc"))))
                      for w, o in zip(wargs, within.expressions)]
            cand, ptypes = R.select_overload(aggs, [a.type for a in direct + wargs], "function", name, _pos(node))
            cargs = [R.coerce(a, p) for a, p in zip(direct + wargs, ptypes)]
            cand = F.specialize(cand, ptypes, cargs)
            nd = len(direct)
            ar = E.AggRef(cand, cargs[nd:], cand.result_type(ptypes), False, None,
                          [(cargs[nd + i],) + tuple(worder[i][1:]) for i in range(len(worder))], name=name,
                          direct=cargs[:nd])
            return ar
        cand, ptypes = R.select_overload(aggs, [a.type for a in args], "function", name, _pos(node))
        cargs = [R.coerce(a, p) for a, p in zip(args, ptypes)]
        cand = F.specialize(cand, ptypes, cargs)
        filt = None
        if agg_filter is not None:
            filt = analyze_expr(an, agg_filter, scope)
            if filt.type is not T.BOOL:
                if filt.type is not T.UNKNOWN:
                    raise PgError(f"argument of FILTER must be type boolean, not type {R.type_name(filt.type)}",
                                  errcodes.DATATYPE_MISMATCH, position=_pos(agg_filter))
                filt = R.coerce(filt, T.BOOL)
        ords = []
        for o in order:
            oe = analyze_expr(an, o.this, scope)
            if oe.type is T.UNKNOWN:
                oe = R.coerce(oe, T.TEXT)
            desc = bool(o.args.get("desc"))
            ords.append((oe, desc, _nulls_first(o, desc)))
        for a in cargs:
            for n in E.walk(a):
                if isinstance(n, E.AggRef):
                    raise PgError("aggregate function calls cannot be nested", errcodes.GROUPING_ERROR,
                                  position=_pos(node))
                if isinstance(n, E.Call) and getattr(n.fn, "retset", False):
                    raise PgError("aggregate function calls cannot contain set-returning function calls",
                                  errcodes.FEATURE_NOT_SUPPORTED, position=_pos(node),
                                  hint="You might be able to move the set-returning function into a LATERAL "
                                       "FROM item.")
        return E.AggRef(cand, cargs, cand.result_type(ptypes), distinct, filt, ords, name=name)
    if distinct or order or agg_filter is not None:
        raise PgError(f"DISTINCT specified, but {name} is not an aggregate function" if distinct else
                      f"ORDER BY specified, but {name} is not an aggregate function" if order else
                      f"FILTER specified, but {name} is not an aggregate function",
                      errcodes.WRONG_OBJECT_TYPE, position=_pos(node))
    return resolve_call(an, name, args, node)


def _variadic_call(an, node, name, scope):
    """``f(a, VARIADIC arr)``: the array's elements are the variadic arguments.  The
    overload is resolved for the element type; the call spreads the array at run time
    (a NULL array gives NULL, as PostgreSQL's VARIADIC functions return)."""
    from .exprs import analyze_expr

    fixed = [analyze_expr(an, x, scope) for x in node.expressions[:-1]]
    arr = analyze_expr(an, node.expressions[-1].this, scope)
    cands = [c for c in F.lookup_functions(name) if c.kind == "f" and c.variadic and len(c.args) == len(fixed) + 1]
    if arr.type is T.UNKNOWN:
        # '{a,b}': an array of the variadic parameter's type (text for "any")
        vt = next((c.args[-1] for c in cands if not isinstance(c.args[-1], str)), T.TEXT)
        arr = R.coerce(arr, vt.array)
    if not arr.type.is_array:
        raise PgError("VARIADIC argument must be an array", errcodes.DATATYPE_MISMATCH, position=_pos(node))
    et = arr.type.elem
    if not cands:
        raise PgError(f"function {name}({', '.join([R.type_name(a.type) for a in fixed] + ['VARIADIC ' + R.type_name(arr.type)])}) "
                      "does not exist", errcodes.UNDEFINED_FUNCTION, position=_pos(node),
                      hint="No function matches the given name and argument types. "
                           "You might need to add explicit type casts.")
    cand, ptypes = R.select_overload(cands, [a.type for a in fixed] + [et], "function", name, _pos(node))
    pet = ptypes[-1]
    cfixed = [R.coerce(a, p) for a, p in zip(fixed, ptypes)]
    carr = R.coerce(arr, pet.array) if pet is not et and pet.array is not None else arr
    rtype = cand.result_type(ptypes)
    nfixed = len(cfixed)
    specs = {}

    def call(*vals, cand=cand, ptypes=ptypes, pet=pet):
        a = vals[nfixed]
        if a is None:
            return None
        elems = list(a)
        f = specs.get(len(elems))
        if f is None:
            c = F.specialize(cand, list(ptypes[:nfixed]) + [pet] * len(elems), None)
            f = specs[len(elems)] = c
        if f.impl is None:
            raise PgError(f"VARIADIC is not supported for {name}", errcodes.FEATURE_NOT_SUPPORTED)
        args = list(vals[:nfixed]) + elems
        if f.strict and any(x is None for x in args):
            return None
        return f.impl(*args)

    return E.Func(call, cfixed + [carr], rtype, name=name)


def _function_style_cast(name, arg, cands, node):
    """``int4(1.5)``, ``text(12)``, ``float8(1)``: a one-argument call named like a type with
    no exactly matching function is a cast (func_get_detail's FUNCDETAIL_COERCION)."""
    t = T.by_name(name, None)
    if t is None or t.category == "P" or t is T.UNKNOWN:
        return None
    src = arg.type
    for c in cands:
        if c.kind in ("f", "a", "w") and len(c.args) == 1 and c.args[0] is src and not c.variadic:
            return None  # an exact match: call the function
    if src is T.UNKNOWN and isinstance(arg, E.Const):
        return R.coerce(arg, t, -1, "explicit", _pos(node))
    if src is T.UNKNOWN or (src is T.RECORD or src.category == "C") and t.category == "S":
        return None
    if T.find_cast(src, t, "explicit") is None:
        return None
    return R.coerce(arg, t, -1, "explicit", _pos(node))


def resolve_call(an, name: str, args: list, node) -> E.Expr:
    from .exprs import _fold

    cands = [c for c in F.lookup_functions(name) if c.kind == "f"]
    if not cands:
        raise PgError(f"function {name}({', '.join(R.type_name(a.type) for a in args)}) does not exist",
                      errcodes.UNDEFINED_FUNCTION, position=_pos(node) if node is not None else None,
                      hint="No function matches the given name and argument types. "
                           "You might need to add explicit type casts.")
    cand, ptypes = R.select_overload(cands, [a.type for a in args], "function", name,
                                     _pos(node) if node is not None else None)
    if getattr(cand, "retset", False):
        # a set-returning function in the select list: handled as a ProjectSet-like call
        pass
    cargs = [R.coerce(a, p) for a, p in zip(args, ptypes)]
    rtype = cand.result_type(ptypes)
    cand = F.specialize(cand, ptypes, cargs)
    if cand.needs_ctx:
        call = E.Call(cand, cargs, rtype, name=name)
        return call
    return _fold(E.Call(cand, cargs, rtype, name=name))


def analyze_window(an, node: exp.Window, scope):
    fn = node.this
    agg_filter = None
    if isinstance(fn, exp.Filter):
        where = fn.expression
        agg_filter = where.this if isinstance(where, exp.Where) else where
        fn = fn.this
    if isinstance(fn, exp.Anonymous):
        return analyze_call(an, fn, scope, window=node, agg_filter=agg_filter)
    raise PgError(f"OVER specified, but {fn.sql('postgres')} is not a window function nor an aggregate function",
                  errcodes.WRONG_OBJECT_TYPE, position=_pos(node))


def _window_def(an, node: exp.Window, scope, defining=False):
    """Partition, order and frame, following a named window reference if any."""
    from .exprs import analyze_expr

    part_nodes = node.args.get("partition_by") or []
    order_node = node.args.get("order")
    spec = node.args.get("spec")
    alias = node.args.get("alias") if not defining else None
    base = None
    if alias is not None:
        wname = ident(alias)
        base = getattr(an, "named_windows", {}).get(wname)
        if base is None:
            raise PgError(f'window "{wname}" does not exist', errcodes.UNDEFINED_OBJECT, position=_pos(node))
    partition = [analyze_expr(an, p, scope) for p in part_nodes]
    order = []
    if order_node is not None:
        for o in order_node.expressions:
            oe = analyze_expr(an, o.this, scope)
            if oe.type is T.UNKNOWN:
                oe = R.coerce(oe, T.TEXT)
            desc = bool(o.args.get("desc"))
            order.append((oe, desc, _nulls_first(o, desc)))
    frame = None
    if spec is not None:
        frame = _frame(an, spec, scope)
    if base is not None:
        bpart, border, bframe = base
        partition = partition or bpart
        order = order or border
        frame = frame or bframe
    if frame is not None:
        _check_frame(an, frame, order)
    return partition, order, frame


def _check_frame(an, frame, order):
    from .exprs import make_op

    start, end, kind = frame["start"], frame["end"], frame["kind"]
    err = errcodes.WINDOWING_ERROR
    if start is not None and start[0] == "unbounded" and start[1] == "FOLLOWING":
        raise PgError("frame start cannot be UNBOUNDED FOLLOWING", err)
    if end is not None and end[0] == "unbounded" and end[1] == "PRECEDING":
        raise PgError("frame end cannot be UNBOUNDED PRECEDING", err)
    if start is not None and start[0] == "current" and end is not None and end[0] == "offset" and \
            end[1] == "PRECEDING":
        raise PgError("frame starting from current row cannot have preceding rows", err)
    if start is not None and start[0] == "offset" and start[1] == "FOLLOWING" and end is not None and \
            (end[0] == "current" or end[0] == "offset" and end[1] == "PRECEDING"):
        raise PgError("frame starting from following row cannot have preceding rows", err)
    offsets = [b for b in (start, end) if b is not None and b[0] == "offset"]
    if not offsets:
        return
    if kind in ("ROWS", "GROUPS"):
        if kind == "GROUPS" and not order:
            raise PgError("GROUPS mode requires an ORDER BY clause", err)
        for k in ("start", "end"):
            b = frame[k]
            if b is not None and b[0] == "offset":
                frame[k] = (b[0], b[1], R.coerce(b[2], T.INT8))
        return
    if len(order) != 1:
        raise PgError("RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column", err)
    ot = order[0][0].type
    if ot.category not in ("N", "D", "T"):
        raise PgError(f"RANGE with offset PRECEDING/FOLLOWING is not supported for column type {R.type_name(ot)}",
                      errcodes.FEATURE_NOT_SUPPORTED)
    for k in ("start", "end"):
        b = frame[k]
        if b is not None and b[0] == "offset":
            off = b[2]
            if ot.category == "N":
                off = R.coerce(off, ot if off.type is T.UNKNOWN or off.type.category == "N" else off.type)
            elif off.type is T.UNKNOWN:
                off = R.coerce(off, T.INTERVAL)
            frame[k] = (b[0], b[1], off)
            add = make_op(an, "+", [E.ColRef(0, ot), E.ColRef(1, off.type)])
            sub = make_op(an, "-", [E.ColRef(0, ot), E.ColRef(1, off.type)])
            fa, fs = E.compile_expr(add), E.compile_expr(sub)
            frame["range_add"] = lambda v, o, fa=fa: fa((v, o))
            frame["range_sub"] = lambda v, o, fs=fs: fs((v, o))


def _frame(an, spec, scope):
    from .exprs import analyze_expr

    kind = str(spec.args.get("kind") or "RANGE").upper()

    def bound(val, side):
        if val is None:
            return None
        if isinstance(val, str):
            v = val.upper()
            if v == "UNBOUNDED":
                return ("unbounded", side.upper() if side else "PRECEDING")
            if v == "CURRENT ROW":
                return ("current", None)
        if isinstance(val, exp.Expression):
            if isinstance(val, exp.Var) and val.name.upper() == "UNBOUNDED":
                return ("unbounded", (side or "PRECEDING").upper())
            e = analyze_expr(an, val, scope)
            return ("offset", (side or "PRECEDING").upper(), e)
        return None

    start = bound(spec.args.get("start"), spec.args.get("start_side"))
    end = bound(spec.args.get("end"), spec.args.get("end_side"))
    exclude = spec.args.get("exclude")
    return {"kind": kind, "start": start, "end": end or ("current", None),
            "exclude": str(exclude).upper() if exclude else None}


def _window_call(an, node, name, cands, args, window, scope, agg_filter, star):
    from .exprs import analyze_expr

    partition, order, frame = _window_def(an, window, scope)
    wfs = [c for c in cands if c.kind in ("w", "a")]
    cand, ptypes = R.select_overload(wfs, [a.type for a in args], "function", name, _pos(node))
    cargs = [R.coerce(a, p) for a, p in zip(args, ptypes)]
    cand = F.specialize(cand, ptypes, cargs)
    filt = None
    if agg_filter is not None:
        if cand.kind != "a":
            raise PgError("FILTER is not implemented for non-aggregate window functions",
                          errcodes.FEATURE_NOT_SUPPORTED, position=_pos(node))
        filt = R.coerce(analyze_expr(an, agg_filter, scope), T.BOOL)
    for n in [x for a in cargs for x in E.walk(a)]:
        if isinstance(n, E.WindowRef):
            raise PgError("window function calls cannot be nested", errcodes.WINDOWING_ERROR, position=_pos(node))
    return E.WindowRef(cand, cargs, cand.result_type(ptypes), partition, order, frame, name=name,
                       is_agg=(cand.kind == "a"), filter=filt)
