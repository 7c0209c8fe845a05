"""Type coercion and function/operator overload resolution (PostgreSQL's
parse_coerce.c / parse_func.c / parse_oper.c rules, simplified).

- :func:`coerce` wraps an expression in the conversion to a target type
  (constant-folding unknown literals through the target's input function,
  so ``'2024-01-01'::date`` is a date constant and a bad literal fails at
  analysis, as in PostgreSQL).
- :func:`select_overload` picks one candidate for given argument types:
  exact matches first, then candidates reachable by implicit coercion,
  preferring exact positions, preferred types and, for unknown-typed
  literals, the string category; ambiguity is 42725, no match 42883.
"""

from __future__ import annotations

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..exec.expr import Cast, Const, Expr, Param

POLY = {"any", "anyelement", "anyarray", "anynonarray", "anycompatible", "anycompatiblearray",
        "anycompatiblenonarray", "anyenum", "anyrange"}


def type_name(t) -> str:
    return T.format_type(t.oid, -1) if t is not None else "unknown"


def is_unknown(t) -> bool:
    return t is T.UNKNOWN


def _cast_fn(src, dst, typmod, context):
    """A one-argument conversion for compiled code (the session TimeZone is read at run time)."""
    f = T.make_coercion(src, dst, typmod, context)
    if f is None or f is T.IDENTITY:
        return f
    from ..exec import runtime

    st = runtime.state

    def conv(v, f=f, st=st):
        return f(v, st.tz)

    conv.__name__ = "cast"
    return conv


def parse_literal(text: str, target, typmod: int = -1):
    """An unknown-type literal converted to target (input function + typmod, explicit)."""
    from ..exec import runtime

    # interval input reads the fields of its typmod ('90' MINUTE is 90 minutes)
    v = target.text_in(text, typmod if target is T.INTERVAL else -1, runtime.state.tz)
    if typmod != -1:
        lc = T.length_coercion(target, typmod, True)
        if lc is not None:
            v = lc(v, runtime.state.tz)
    return v


def coerce(e: Expr, target, typmod: int = -1, context: str = "implicit", position=None) -> Expr:
    """Convert e to target; raise 42804/42846 when not allowed in this context."""
    src = e.type
    if src is target and (typmod == -1 or typmod == e.typmod):
        return e
    if target.typtype == "c" and target.extra and src is T.RECORD and type(e).__name__ == "RowExpr":
        from .ddl_types import row_to_composite

        return row_to_composite(e, target, context, position)
    if isinstance(e, Const) and (src is T.UNKNOWN or e.value is None):
        if e.value is None:
            return Const(None, target, typmod)
        try:
            v = parse_literal(e.value, target, typmod) if context == "explicit" or typmod == -1 else \
                _parse_assign(e.value, target, typmod)
        except PgError as err:
            if err.position is None:
                err.position = getattr(e, "position", None) or position  # the constant, as PostgreSQL
            raise
        return Const(v, target, typmod)
    if isinstance(e, Param) and src is T.UNKNOWN:
        # the parameter takes the type; the typmod is a length coercion on top
        # ($1::varchar(2) truncates, as coerce_type + coerce_type_typmod do)
        e.type = target
        e.typmod = -1
        if typmod == -1:
            return e
        lc = T.length_coercion(target, typmod, context == "explicit")
        if lc is None:
            e.typmod = typmod
            return e
        return Cast(e, lc, target, typmod, explicit=(context == "explicit"))
    fn = _cast_fn(src, target, typmod, context)
    if fn is None:
        if context == "explicit":
            raise PgError(f"cannot cast type {type_name(src)} to {T.format_type(target.oid, typmod)}",
                          errcodes.CANNOT_COERCE, position=position)
        raise PgError(
            f"column is of type {T.format_type(target.oid, typmod)} but expression is of type {type_name(src)}"
            if context == "assignment" else
            f"cannot cast type {type_name(src)} to {T.format_type(target.oid, typmod)}",
            errcodes.DATATYPE_MISMATCH, position=position,
            hint="You will need to rewrite or cast the expression." if context == "assignment" else None)
    if fn is T.IDENTITY:
        if typmod == -1 or typmod == e.typmod:
            # binary-compatible: relabel
            e2 = _relabel(e, target, typmod, context == "explicit")
            return e2
    if isinstance(e, Const) and e.value is not None:
        return Const(fn(e.value), target, typmod)
    return Cast(e, fn, target, typmod, explicit=(context == "explicit"))


def _parse_assign(text, target, typmod):
    from ..exec import runtime

    return target.text_in(text, typmod, runtime.state.tz)


def _relabel(e: Expr, target, typmod, explicit=True):
    if isinstance(e, Const):
        return Const(e.value, target, typmod)
    c = Cast(e, _identity, target, typmod, explicit=explicit)
    return c


def _identity(v):
    return v


def can_coerce(src, dst, context="implicit") -> bool:
    if src is dst or src is T.UNKNOWN:
        return True
    return T.can_coerce(src, dst, context)


# ----------------------------------------------------------------- overloads


def _matches_poly(argtypes, cand_args):
    """Resolve polymorphic parameters; return concrete types per position or None."""
    elem = None
    arr = None
    for a, p in zip(argtypes, cand_args):
        if isinstance(p, str):
            if a is T.UNKNOWN or p == "any":
                continue
            if p in ("anyelement", "anynonarray", "anycompatible", "anycompatiblenonarray", "anyenum"):
                if p in ("anynonarray", "anycompatiblenonarray") and a.is_array:
                    return None
                if p == "anyenum" and a.typtype != "e":
                    return None
                if elem is None:
                    elem = a
                elif elem is not a:
                    if p.startswith("anycompatible"):
                        try:
                            elem = T.common_type([elem, a])
                        except PgError:
                            return None
                    else:
                        return None
            elif p in ("anyarray", "anycompatiblearray"):
                if a.oid in (22, 30):  # int2vector / oidvector act as int2[] / oid[]
                    a = T.INT2_ARRAY if a.oid == 22 else T.OID_ARRAY
                if not a.is_array:
                    return None
                e = a.elem
                if elem is None:
                    elem = e
                elif elem is not e:
                    if p == "anycompatiblearray":
                        try:
                            elem = T.common_type([elem, e])
                        except PgError:
                            return None
                    else:
                        return None
    if elem is None and arr is None:
        # all unknown: PostgreSQL resolves to text
        elem = T.TEXT if any(isinstance(p, str) and p != "any" for p in cand_args) else None
    out = []
    for a, p in zip(argtypes, cand_args):
        if isinstance(p, str):
            if p == "any":
                out.append(a)
            elif p in ("anyarray", "anycompatiblearray"):
                out.append(elem.array if elem is not None else a)
            else:
                out.append(elem if elem is not None else a)
        else:
            out.append(p)
    return out


def expand_args(cand, n: int):
    args = list(cand.args)
    if cand.variadic:
        if n < len(args):  # a VARIADIC parameter takes at least one argument
            return None
        last = args[-1]
        if isinstance(last, str) and last.endswith("array") and last != "anyarray" and False:
            pass
        return args[:-1] + [last] * (n - len(args) + 1)
    if n < cand.min_args or n > len(args):
        return None
    return args[:n]


def select_overload(cands, argtypes, what: str, name: str, position=None):
    """Pick one overload.  Returns (candidate, concrete param types)."""
    if not any(a is not None and a.typtype == "d" for a in argtypes):
        return _select_overload(cands, argtypes, what, name, position)
    # a domain argument resolves as its base type (PostgreSQL's getBaseType in func/oper lookup);
    # an "any" parameter still receives the domain (pg_typeof)
    base = [a.base if a is not None and a.typtype == "d" else a for a in argtypes]
    c, conc = _select_overload(cands, base, what, name, position)
    decl = expand_args(c, len(argtypes)) or []
    conc = [a if d == "any" else q for a, q, d in zip(argtypes, conc, decl)] + list(conc[len(decl):])
    return c, conc


def _select_overload(cands, argtypes, what: str, name: str, position=None):
    n = len(argtypes)
    viable = []
    for c in cands:
        params = expand_args(c, n)
        if params is None:
            continue
        if any(isinstance(p, str) for p in params):
            conc = _matches_poly(argtypes, params)
            if conc is None:
                continue
        else:
            conc = params
        viable.append((c, conc))
    if not viable:
        raise _no_match(what, name, argtypes, position)
    # exact match on all known args (unknowns match anything)
    # (declared types: a polymorphic parameter is never an exact match, as in PostgreSQL)
    exact = [(c, p) for c, p in viable if all((a is q and not isinstance(d, str)) or a is T.UNKNOWN
                                              for a, q, d in zip(argtypes, p, expand_args(c, n)))]
    if len(exact) == 1:
        return exact[0]
    # binary operator with one unknown: assume it has the other's type
    if what == "operator" and n == 2 and (argtypes[0] is T.UNKNOWN) != (argtypes[1] is T.UNKNOWN):
        known = argtypes[1] if argtypes[0] is T.UNKNOWN else argtypes[0]
        for c, p in viable:
            if p[0] is known and p[1] is known:
                return c, p
    coercible = [(c, p) for c, p in viable
                 if all(a is q or a is T.UNKNOWN or can_coerce(a, q) for a, q in zip(argtypes, p))]
    if not coercible:
        raise _no_match(what, name, argtypes, position)
    if len(coercible) == 1:
        return coercible[0]

    # most exact matches (against the declared types: a polymorphic parameter is never exact)
    decl = {id(c): expand_args(c, n) for c, _p in coercible}

    def nexact(cp):
        return sum(1 for a, q, d in zip(argtypes, cp[1], decl[id(cp[0])]) if a is q and not isinstance(d, str))

    best = max(nexact(cp) for cp in coercible)
    coercible = [cp for cp in coercible if nexact(cp) == best]
    if len(coercible) == 1:
        return coercible[0]

    # preferred types at coerced positions
    def npref(cp):
        # PostgreSQL's func_select_candidate skips unknown-typed inputs here
        return sum(1 for a, q, d in zip(argtypes, cp[1], decl[id(cp[0])])
                   if a is not q and a is not T.UNKNOWN and q.preferred and not isinstance(d, str))

    best = max(npref(cp) for cp in coercible)
    coercible = [cp for cp in coercible if npref(cp) == best]
    if len(coercible) == 1:
        return coercible[0]
    # unknown args: prefer string category, then a category all agree on, then preferred
    unk = [i for i, a in enumerate(argtypes) if a is T.UNKNOWN]
    if unk:
        keep = coercible
        for i in unk:
            cats = {cp[1][i].category for cp in keep}
            if "S" in cats:
                keep = [cp for cp in keep if cp[1][i].category == "S"]
            if "S" in cats or len(cats) == 1:
                # within the chosen category, a preferred type wins (func_select_candidate)
                pref = [cp for cp in keep if cp[1][i].preferred]
                if pref:
                    keep = pref
        if len(keep) >= 1:
            # known args: if all known args share a type, prefer candidates using it at unknown positions
            known = {a for a in argtypes if a is not T.UNKNOWN}
            if len(known) == 1:
                kt = next(iter(known))
                k2 = [cp for cp in keep if all(cp[1][i] is kt for i in unk)]
                if k2:
                    keep = k2
            if len(keep) == 1:
                return keep[0]
            coercible = keep
    # identical signatures registered twice: first wins
    sigs = {tuple(id(x) for x in cp[1]) for cp in coercible}
    if len(sigs) == 1:
        return coercible[0]
    raise PgError(
        (f"{what} is not unique: {_sig(what, name, argtypes)}" if what == "operator" else
         f"{what} {_sig(what, name, argtypes)} is not unique"), errcodes.AMBIGUOUS_FUNCTION, position=position,
        hint=f"Could not choose a best candidate {what}. You might need to add explicit type casts.")


def _sig(what, name, argtypes) -> str:
    names = [type_name(a) for a in argtypes]
    if what == "operator":
        if len(names) == 1:
            return f"{name} {names[0]}"
        return f"{names[0]} {name} {names[1]}"
    return f"{name}({', '.join(names)})"


def _no_match(what, name, argtypes, position):
    if what == "operator":
        return PgError(f"operator does not exist: {_sig(what, name, argtypes)}", errcodes.UNDEFINED_FUNCTION,
                       position=position,
                       hint="No operator matches the given name and argument type. "
                            "You might need to add an explicit type cast." if len(argtypes) == 1 else
                       "No operator matches the given name and argument types. "
                       "You might need to add explicit type casts.")
    return PgError(f"function {_sig(what, name, argtypes)} does not exist", errcodes.UNDEFINED_FUNCTION,
                   position=position,
                   hint="No function matches the given name and argument types. "
                        "You might need to add explicit type casts.")
