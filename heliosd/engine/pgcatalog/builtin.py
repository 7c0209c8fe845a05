"""Built-in objects: pg_proc, pg_operator, pg_type (built-in part), pg_am,
pg_opclass, pg_opfamily, pg_collation, pg_language, pg_extension, pg_cast,
pg_range, pg_tablespace, pg_aggregate.

pg_proc and pg_operator list what heliosd's function library implements
(:data:`heliosd.exec.functions.FUNCTIONS` / ``OPERATORS``): an overload that
PostgreSQL also has gets PostgreSQL's row (OID, volatility, argument names...)
from postgres.bki; a heliosd-only one (helios_branches...) gets a row built
from its signature.  Functions PostgreSQL has and heliosd does not are not
listed, so clients that probe pg_proc see what will actually work.
"""

from __future__ import annotations

import functools

from ... import types as T
from . import _pgdefs as D
from ._base import maker, relation

PSEUDO = {"any": 2276, "anyelement": 2283, "anyarray": 2277, "anynonarray": 2776, "anycompatible": 5077,
          "anycompatiblearray": 5078, "anycompatiblenonarray": 5079, "anyenum": 3500, "anyrange": 3831,
          "anycompatiblerange": 5080, "anymultirange": 4537, "record": 2249, "internal": 2281,
          "cstring": 2275, "void": 2278, "trigger": 2279}

PLPGSQL_EXT_OID = 13559
PLPGSQL_LANG_OID = 13563


def _col(cols, name):
    return cols.index(name)


def _typ_oid(a) -> int:
    if isinstance(a, str):
        return PSEUDO.get(a, 2276)
    return getattr(a, "oid", 2276)


@functools.cache
def bki_procs():
    """(by (name, argtypes), by oid)"""
    by_sig = {}
    by_oid = {}
    for r in D.PROC_ROWS:
        if r[25] is None:  # prosrc: stored only when it differs from proname
            r = r[:25] + (r[1],) + r[26:]
        by_sig.setdefault((r[1], tuple(r[19])), r)
        by_oid[r[0]] = r
    return by_sig, by_oid


@functools.cache
def bki_proc_names() -> dict[int, str]:
    return {r[0]: r[1] for r in D.PROC_ROWS}


def _registry():
    from ...exec import functions as F

    return F


_proc_cache: dict = {}


def proc_rows():
    """pg_proc rows of the function library (recomputed when it grows)."""
    F = _registry()
    n = sum(len(v) for v in F.FUNCTIONS.values()) + sum(len(v) for v in F.OPERATORS.values())
    hit = _proc_cache.get("rows")
    if hit is not None and hit[0] == n:
        return hit[1]
    by_sig, _by_oid = bki_procs()
    mk = maker("pg_proc")
    rows = []
    seen = set()
    fn_oid = {}
    for name, overloads in sorted(F.FUNCTIONS.items()):
        for fn in overloads:
            args = [_typ_oid(a) for a in fn.args]
            r = by_sig.get((name, tuple(args)))
            if r is None and getattr(fn, "variadic", False) and args:
                last = fn.args[-1]
                arr = 2276 if last == "any" else (_typ_oid(last.array) if hasattr(last, "array") and
                                                  last.array is not None else 2277)
                r = by_sig.get((name, tuple(args[:-1] + [arr])))
            if r is None and getattr(fn, "min_args", len(args)) < len(args):
                r = by_sig.get((name, tuple(args[:fn.min_args])))
            if r is not None:
                if r[0] in seen:
                    fn_oid[id(fn)] = r[0]
                    continue
                seen.add(r[0])
                fn_oid[id(fn)] = r[0]
                rows.append(r)
                continue
            ret = fn.ret
            if callable(ret) and not hasattr(ret, "oid"):
                try:
                    ret_oid = ret([a if not isinstance(a, str) else T.TEXT for a in fn.args]).oid
                except Exception:
                    ret_oid = 2283
            else:
                ret_oid = _typ_oid(ret)
            kind = {"a": "a", "w": "w"}.get(fn.kind, "f")
            fn_oid[id(fn)] = fn.oid
            if fn.oid in seen:
                continue
            seen.add(fn.oid)
            rows.append(mk(oid=fn.oid, proname=name, pronamespace=11, proowner=10, prolang=12, procost=1.0,
                           prorows=1000.0 if getattr(fn, "retset", False) else 0.0,
                           provariadic=args[-1] if getattr(fn, "variadic", False) and args else 0,
                           prokind=kind, proisstrict=bool(getattr(fn, "strict", False)),
                           proretset=bool(getattr(fn, "retset", False)),
                           provolatile=getattr(fn, "volatility", "v") if kind == "f" else "i",
                           proparallel="s", pronargs=len(args), pronargdefaults=0, prorettype=ret_oid,
                           proargtypes=args, prosrc=name))
    for sym, overloads in F.OPERATORS.items():
        for fn in overloads:
            fn_oid.setdefault(id(fn), fn.oid)
    rows.sort(key=lambda r: r[0])
    _proc_cache["rows"] = (n, rows)
    _proc_cache["fn_oid"] = fn_oid
    return rows


def function_oid(fn) -> int:
    proc_rows()
    return _proc_cache["fn_oid"].get(id(fn), fn.oid)


def function_by_oid(oid: int):
    """The function library's overload with pg_proc OID ``oid`` (the FunctionCall message), or None."""
    proc_rows()
    hit = _proc_cache.get("by_oid")
    if hit is None or hit[0] is not _proc_cache["fn_oid"]:
        F = _registry()
        fns = {id(fn): fn for overloads in F.FUNCTIONS.values() for fn in overloads}
        m = {}
        for fid, o in _proc_cache["fn_oid"].items():
            fn = fns.get(fid)
            if fn is not None:
                m.setdefault(o, fn)
        hit = _proc_cache["by_oid"] = (_proc_cache["fn_oid"], m)
    return hit[1].get(oid)


@relation("pg_proc", memo=None)
def pg_proc(ctx):
    return proc_rows()


@functools.cache
def bki_operators():
    by_sig = {}
    for r in D.OPERATOR_ROWS:
        by_sig.setdefault((r[1], r[7], r[8]), r)
    return by_sig


_op_cache: dict = {}


def operator_rows():
    F = _registry()
    n = sum(len(v) for v in F.OPERATORS.values())
    hit = _op_cache.get("rows")
    if hit is not None and hit[0] == n:
        return hit[1]
    by_sig = bki_operators()
    mk = maker("pg_operator")
    rows = []
    seen = set()
    for sym, overloads in sorted(F.OPERATORS.items()):
        for fn in overloads:
            args = [_typ_oid(a) for a in fn.args]
            left, right = (args[0], args[1]) if len(args) == 2 else (0, args[0] if args else 0)
            r = by_sig.get((sym, left, right))
            if r is not None:
                if r[0] not in seen:
                    seen.add(r[0])
                    rows.append(r)
                continue
            if fn.oid in seen:
                continue
            seen.add(fn.oid)
            ret = fn.ret
            ret_oid = _typ_oid(ret) if hasattr(ret, "oid") or isinstance(ret, str) else 0
            rows.append(mk(oid=fn.oid, oprname=sym, oprnamespace=11, oprowner=10,
                           oprkind="b" if len(args) == 2 else "l", oprleft=left, oprright=right,
                           oprresult=ret_oid, oprcode=0, oprrest=0, oprjoin=0))
    rows.sort(key=lambda r: r[0])
    _op_cache["rows"] = (n, rows)
    return rows


@relation("pg_operator", memo=None)
def pg_operator(ctx):
    return operator_rows()


# ----------------------------------------------------------------- types


@functools.cache
def builtin_type_rows():
    """pg_type rows of the built-in types heliosd implements (bki rows)."""
    have = {t.oid for t in T.all_types()}
    rows = [r for r in D.TYPE_ROWS if r[0] in have]
    return rows


@relation("pg_am", memo=None)
def pg_am(ctx):
    return D.AM_ROWS


@relation("pg_opclass", memo=None)
def pg_opclass(ctx):
    return D.OPCLASS_ROWS


@relation("pg_opfamily", memo=None)
def pg_opfamily(ctx):
    return D.OPFAMILY_ROWS


@relation("pg_collation", memo=None)
def pg_collation(ctx):
    return D.COLLATIONS


@relation("pg_language", memo=None)
def pg_language(ctx):
    mk = maker("pg_language")
    return list(D.LANGUAGE_ROWS) + [mk(oid=PLPGSQL_LANG_OID, lanname="plpgsql", lanowner=10, lanispl=True,
                                       lanpltrusted=True, lanplcallfoid=13560, laninline=13561,
                                       lanvalidator=13562)]


@relation("pg_extension", memo=None)
def pg_extension(ctx):
    mk = maker("pg_extension")
    return [mk(oid=PLPGSQL_EXT_OID, extname="plpgsql", extowner=10, extnamespace=11, extrelocatable=False,
               extversion="1.0")]


@relation("pg_available_extensions", memo=None)
def pg_available_extensions(ctx):
    mk = maker("pg_available_extensions")
    return [mk(name="plpgsql", default_version="1.0", installed_version="1.0",
               comment="PL/pgSQL procedural language")]


@functools.cache
def cast_rows():
    have = {t.oid for t in T.all_types()}
    return [r for r in D.CAST_ROWS if r[1] in have and r[2] in have]


@relation("pg_cast", memo=None)
def pg_cast(ctx):
    return cast_rows()


@relation("pg_range", memo=None)
def pg_range(ctx):
    have = {t.oid for t in T.all_types()}
    return [r for r in D.RANGE_ROWS if r[0] in have]


@relation("pg_tablespace", memo=None)
def pg_tablespace(ctx):
    return D.TABLESPACE_ROWS


@relation("pg_aggregate", memo=None)
def pg_aggregate(ctx):
    have = {r[0] for r in proc_rows()}
    return [r for r in D.AGGREGATE_ROWS if r[0] in have]


@functools.cache
def default_opclasses() -> dict[tuple[int, int], int]:
    """(am oid, type oid) -> default operator class oid."""
    out = {}
    for r in D.OPCLASS_ROWS:
        # oid, opcmethod, opcname, opcnamespace, opcowner, opcfamily, opcintype, opcdefault, opckeytype
        if r[7]:
            out[(r[1], r[6])] = r[0]
    return out


def opclass_for(am: int, type_oid: int) -> int:
    d = default_opclasses()
    oc = d.get((am, type_oid))
    if oc is not None:
        return oc
    try:
        t = T.by_oid(type_oid)
    except Exception:
        return 0
    if t.is_array:
        return d.get((am, 2277), 0)
    if t.category == "S":
        return d.get((am, 25), 0)
    return 0


@functools.cache
def opclass_names() -> dict[int, str]:
    return {r[0]: r[2] for r in D.OPCLASS_ROWS}


@functools.cache
def eq_operator(type_oid: int) -> int:
    for r in D.OPERATOR_ROWS:
        if r[1] == "=" and r[7] == type_oid and r[8] == type_oid:
            return r[0]
    return 0
