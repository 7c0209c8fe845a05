"""Array functions and operators (PostgreSQL 15's arrayfuncs.c / array_userfuncs.c).

Arrays are Python lists (nested lists for more dimensions, lower bound
always 1; see ``heliosd.types``).  Element comparisons use the element
type's ordering (:func:`._common.sort_key`): NaN equals NaN, NULL elements
sort after everything and never match in ``@>``/``<@``/``&&``.

Polymorphism follows PostgreSQL 15: ``array_append(anycompatiblearray,
anycompatible)``, ``||`` between arrays and elements, ``array_position``...
"""

from __future__ import annotations

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import op, register
from ._common import sort_key

I4 = T.INT4
BOOL = T.BOOL


def _f(name, args, ret, impl=None, binder=None, **kw):
    f = register(name, args, ret, impl, **kw)
    if binder is not None:
        f.binder = binder
    return f


def _arr_ret(ts):
    for t in ts:
        if t.is_array:
            return t
    for t in ts:
        if t is not T.UNKNOWN and t.array is not None:
            return t.array
    return T.TEXT_ARRAY


def _elem_ret(ts):
    t = ts[0]
    return t.elem if t.is_array and t.elem is not None else T.TEXT


def dims(v):
    d = []
    while v.__class__ is list:
        d.append(len(v))
        if not v:
            return [] if len(d) == 1 else d
        v = v[0]
    return d


def flat(v):
    out = []
    _flat_into(v, out)
    return out


def _flat_into(v, out):
    for x in v:
        if x.__class__ is list:
            _flat_into(x, out)
        else:
            out.append(x)


def _is_multi(v):
    return bool(v) and v[0].__class__ is list


def _key_for(t):
    et = t.elem if t is not None and t.is_array else t
    k = sort_key(et) if et is not None else None
    return k or (lambda x: x)


# ====================================================================== comparison


def _cmp_bind(sym):
    def bind(c, argtypes, args):
        from ._common import _array_key

        ek = sort_key(argtypes[0].elem) if argtypes[0].is_array and argtypes[0].elem is not None else None
        key = _array_key(ek)
        import operator

        f = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
             "=": operator.eq, "<>": operator.ne}[sym]
        c.impl = lambda a, b: f(key(a), key(b))

    return bind


for _sym in ("<", "<=", ">", ">="):
    _o = op(_sym, "anyarray", "anyarray", BOOL, None)
    _o.binder = _cmp_bind(_sym)


def _contains_bind(kind):
    def bind(c, argtypes, args):
        key = _key_for(argtypes[0])

        def keys(v):
            out = set()
            lst = []
            for x in flat(v):
                if x is None:
                    continue
                k = key(x)
                try:
                    out.add(k)
                except TypeError:
                    lst.append(k)
            return out, lst

        def has(ks, k):
            s, lst = ks
            try:
                return k in s
            except TypeError:
                return k in lst

        def contains(a, b):  # a @> b
            ka = keys(a)
            for x in flat(b):
                if x is None or not has(ka, key(x)):
                    return False
            return True

        def overlap(a, b):
            ka = keys(a)
            for x in flat(b):
                if x is not None and has(ka, key(x)):
                    return True
            return False

        if kind == "@>":
            c.impl = contains
        elif kind == "<@":
            c.impl = lambda a, b: contains(b, a)
        else:
            c.impl = overlap

    return bind


for _sym in ("@>", "<@", "&&"):
    _o = op(_sym, "anyarray", "anyarray", BOOL, None)
    _o.binder = _contains_bind(_sym)
_f("arraycontains", ["anyarray", "anyarray"], BOOL, binder=_contains_bind("@>"))
_f("arraycontained", ["anyarray", "anyarray"], BOOL, binder=_contains_bind("<@"))
_f("arrayoverlap", ["anyarray", "anyarray"], BOOL, binder=_contains_bind("&&"))


# ====================================================================== concatenation


def _incompatible(detail):
    return PgError("cannot concatenate incompatible arrays", errcodes.ARRAY_SUBSCRIPT_ERROR, detail=detail)


def array_cat(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if not a:
        return b
    if not b:
        return a
    da, db = dims(a), dims(b)
    if len(da) == len(db):
        if da[1:] != db[1:]:
            raise _incompatible("Arrays with differing element dimensions are not compatible for concatenation.")
        return a + b
    if len(da) == len(db) + 1:
        if da[1:] != db:
            raise _incompatible("Arrays with differing dimensions are not compatible for concatenation.")
        return a + [b]
    if len(db) == len(da) + 1:
        if db[1:] != da:
            raise _incompatible("Arrays with differing dimensions are not compatible for concatenation.")
        return [a] + b
    raise _incompatible(f"Arrays of {len(da)} and {len(db)} dimensions are not compatible for concatenation.")


def array_append(a, x):
    if a is None:
        return [x]
    if _is_multi(a):
        raise PgError("argument must be empty or one-dimensional array", errcodes.DATA_EXCEPTION)
    return a + [x]


def array_prepend(x, a):
    if a is None:
        return [x]
    if _is_multi(a):
        raise PgError("argument must be empty or one-dimensional array", errcodes.DATA_EXCEPTION)
    return [x] + a


_f("array_cat", ["anycompatiblearray", "anycompatiblearray"], _arr_ret, array_cat, strict=False)
_f("array_append", ["anycompatiblearray", "anycompatible"], _arr_ret, array_append, strict=False)
_f("array_prepend", ["anycompatible", "anycompatiblearray"], _arr_ret, array_prepend, strict=False)
op("||", "anycompatiblearray", "anycompatiblearray", _arr_ret, array_cat, strict=False)
op("||", "anycompatiblearray", "anycompatible", _arr_ret, array_append, strict=False)
op("||", "anycompatible", "anycompatiblearray", _arr_ret, array_prepend, strict=False)


# ====================================================================== dimensions


def array_length(a, d):
    ds = dims(a)
    if d < 1 or d > len(ds):
        return None
    return ds[d - 1]


def array_lower(a, d):
    ds = dims(a)
    if d < 1 or d > len(ds):
        return None
    return 1


def array_ndims(a):
    ds = dims(a)
    return len(ds) if ds else None


def array_dims(a):
    ds = dims(a)
    if not ds:
        return None
    return "".join(f"[1:{n}]" for n in ds)


def cardinality(a):
    n = 1
    ds = dims(a)
    if not ds:
        return 0
    for x in ds:
        n *= x
    return n


_f("array_length", ["anyarray", I4], I4, array_length)
_f("array_lower", ["anyarray", I4], I4, array_lower)
_f("array_upper", ["anyarray", I4], I4, array_length)
_f("array_ndims", ["anyarray"], I4, array_ndims)
_f("array_dims", ["anyarray"], T.TEXT, array_dims)
_f("cardinality", ["anyarray"], I4, cardinality)


# ====================================================================== searching / editing


def _search_bind(positions):
    def bind(c, argtypes, args):
        key = _key_for(argtypes[0])

        def search(a, x, start=None):
            if a is None:
                return None
            if _is_multi(a):
                raise PgError("searching for elements in multidimensional arrays is not supported",
                              errcodes.FEATURE_NOT_SUPPORTED)
            kx = key(x) if x is not None else None
            out = []
            s = 0
            if start is not None:
                s = max(start - 1, 0)
            for i in range(s, len(a)):
                e = a[i]
                hit = (e is None) if x is None else (e is not None and key(e) == kx)
                if hit:
                    if not positions:
                        return i + 1
                    out.append(i + 1)
            return out if positions else None

        def search3(a, x, start):
            if start is None:
                raise PgError("initial position must not be null", errcodes.NULL_VALUE_NOT_ALLOWED)
            return search(a, x, start)

        c.impl = search3 if len(argtypes) == 3 else search

    return bind


_f("array_position", ["anycompatiblearray", "anycompatible"], I4, binder=_search_bind(False), strict=False)
_f("array_position", ["anycompatiblearray", "anycompatible", I4], I4, binder=_search_bind(False), strict=False)
_f("array_positions", ["anycompatiblearray", "anycompatible"], T.INT4_ARRAY, binder=_search_bind(True),
   strict=False)


def _remove_bind(replace):
    def bind(c, argtypes, args):
        key = _key_for(argtypes[0])

        def same(e, x):
            if x is None:
                return e is None
            return e is not None and key(e) == key(x)

        def remove(a, x):
            if a is None:
                return None
            if _is_multi(a):
                raise PgError("removing elements from multidimensional arrays is not supported",
                              errcodes.FEATURE_NOT_SUPPORTED)
            return [e for e in a if not same(e, x)]

        def rep(v, x, y):
            if v.__class__ is list:
                return [rep(e, x, y) for e in v]
            return y if same(v, x) else v

        def replace_(a, x, y):
            if a is None:
                return None
            return [rep(e, x, y) for e in a]

        c.impl = replace_ if replace else remove

    return bind


_f("array_remove", ["anycompatiblearray", "anycompatible"], _arr_ret, binder=_remove_bind(False), strict=False)
_f("array_replace", ["anycompatiblearray", "anycompatible", "anycompatible"], _arr_ret,
   binder=_remove_bind(True), strict=False)


def array_fill(x, d, lb=None):
    if d is None:
        raise PgError("dimension array or low bound array cannot be null", errcodes.NULL_VALUE_NOT_ALLOWED)
    if lb is not None and len(lb) != len(d):
        raise PgError("wrong number of array subscripts", errcodes.ARRAY_SUBSCRIPT_ERROR,
                      detail="Low bound array has different size than dimensions array.")
    if any(v is None for v in d):
        raise PgError("dimension values cannot be null", errcodes.NULL_VALUE_NOT_ALLOWED)
    total = 1
    for n in d:
        total *= n
        if n < 0 or total > 134217727:  # ArrayGetNItems
            raise PgError("array size exceeds the maximum allowed (134217727)", errcodes.PROGRAM_LIMIT_EXCEEDED)
    if not d or total == 0:
        return []

    def build(k):
        if k == len(d) - 1:
            return [x] * d[k]
        return [build(k + 1) for _ in range(d[k])]

    return build(0)


_f("array_fill", ["anyelement", T.INT4_ARRAY], lambda ts: ts[0].array or T.TEXT_ARRAY, array_fill, strict=False)
_f("array_fill", ["anyelement", T.INT4_ARRAY, T.INT4_ARRAY], lambda ts: ts[0].array or T.TEXT_ARRAY, array_fill,
   strict=False)


def trim_array(a, n):
    ln = len(a)
    if n < 0 or n > ln:
        raise PgError("number of elements to trim must be between 0 and %d" % ln, errcodes.ARRAY_SUBSCRIPT_ERROR)
    return a[:ln - n]


_f("trim_array", ["anyarray", I4], lambda ts: ts[0], trim_array)


# ====================================================================== set-returning


def unnest(a):
    return flat(a)


_f("unnest", ["anyarray"], _elem_ret, unnest, retset=True)


def _unnest_multi(*arrays):
    lists = [flat(a) if a is not None else [] for a in arrays]
    n = max((len(x) for x in lists), default=0)
    for i in range(n):
        yield tuple(x[i] if i < len(x) else None for x in lists)




def _unnest_cols(ts):
    return [("unnest", t.elem if t.is_array and t.elem is not None else T.TEXT) for t in ts]


def _um_bind(c, argtypes, args):
    for t in argtypes:
        if not t.is_array and t is not T.UNKNOWN:
            raise PgError(f"function unnest({', '.join(T.format_type(x.oid, -1) for x in argtypes)}) does not exist",
                          errcodes.UNDEFINED_FUNCTION,
                          hint="No function matches the given name and argument types. "
                               "You might need to add explicit type casts.")
    c.out_columns = _unnest_cols(argtypes)


for _n in range(2, 9):
    # unnest(a, b, ...) in FROM: one column per array (ROWS FROM(unnest(a), unnest(b)))
    _f("unnest", ["any"] * _n, T.RECORD, _unnest_multi, retset=True, strict=False, binder=_um_bind)


def generate_subscripts(a, d, rev=False):
    ds = dims(a)
    if d < 1 or d > len(ds):
        return []
    r = range(1, ds[d - 1] + 1)
    return list(reversed(r)) if rev else list(r)


_f("generate_subscripts", ["anyarray", I4], I4, generate_subscripts, retset=True)
_f("generate_subscripts", ["anyarray", I4, BOOL], I4, generate_subscripts, retset=True)
