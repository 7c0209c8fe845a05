"""JSON and JSONB functions and operators (PostgreSQL 15's json.c, jsonb.c, jsonfuncs.c).

jsonb values are Python structures (see ``heliosd.types.jsonb``); a
top-level JSON null is ``T.JSON_NULL``.  json values are the original text:
operators on json (``->``, ``->>``, ``#>``...) return the exact source text
of the selected element, like PostgreSQL (duplicate keys: the last wins for
``->``; ``json_object_keys`` lists them all).

Text forms follow PostgreSQL: ``json_build_object`` -> ``{"a" : 1, "b" : 2}``,
``json_build_array``/``json_agg`` -> ``[1, 2]``, ``to_json``/``row_to_json``
compact (``{"a":1}``), jsonb output ``{"a": 1}``.

json[b]_populate_record[set] fill a composite type from a JSON object (strings
through the field type's input, arrays element by element, nested objects
into composite fields).

SQL/JSON path (jsonb_path_*, ``@?``, ``@@``) is :mod:`.jsonpath`.
Not implemented: jsonb_to_record* (need column definition lists).
"""

from __future__ import annotations

from decimal import Decimal
from json.encoder import encode_basestring as _quote

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import lookup_functions as FUNCTIONS_OF
from . import op, register
from ._common import arg_fields, json_converter, jsonb_converter, text_out

J = T.JSONB
JS = T.JSON
TX = T.TEXT
I4 = T.INT4
BOOL = T.BOOL
TXA = T.TEXT_ARRAY
NULL = T.JSON_NULL


def _f(name, args, ret, impl=None, binder=None, **kw):
    f = register(name, args, ret, impl, **kw)
    if binder is not None:
        f.binder = binder
    return f


def _err(msg, code=errcodes.INVALID_PARAMETER_VALUE, **kw):
    return PgError(msg, code, **kw)


def _inner(v):
    """A jsonb value as stored inside a container (JSON_NULL -> None)."""
    return None if v is NULL else v


def _top(v):
    """A jsonb value taken out of a container as a top-level value (None -> JSON_NULL)."""
    return NULL if v is None else v


def _is_scalar(v):
    c = v.__class__
    return c is not dict and c is not list


def jsonb_text(v):
    """->> semantics: strings unquoted, null -> SQL NULL, others -> jsonb text."""
    if v is None or v is NULL:
        return None
    if v.__class__ is str:
        return v
    return J.text_out(v)


# ====================================================================== jsonb extraction


def _get_key(v, k):
    if v.__class__ is dict:
        return v.get(k, _MISSING)
    return _MISSING


def _get_idx(v, i):
    if v.__class__ is not list and v.__class__ is not dict:
        v = [v]  # a raw scalar is a one-element pseudo array (jsonb_array_element)
    if v.__class__ is list:
        n = len(v)
        if i < 0:
            i += n
        if 0 <= i < n:
            return v[i]
    return _MISSING


_MISSING = object()


def _out(r):
    return None if r is _MISSING else _top(r)


def _path_get(v, path):
    cur = v
    for p in path:
        if p is None:
            return _MISSING
        if cur.__class__ is dict:
            cur = cur.get(p, _MISSING)
        elif cur.__class__ is list:
            try:
                i = int(p)
            except ValueError:
                return _MISSING
            cur = _get_idx(cur, i)
        else:
            return _MISSING
        if cur is _MISSING:
            return _MISSING
    return cur


def _jb_path(v, path):
    if _is_multi(path):
        raise _err("wrong number of array subscripts", errcodes.ARRAY_SUBSCRIPT_ERROR)
    r = _path_get(v, path)
    return None if r is _MISSING else _top(r)


def _jb_path_text(v, path):
    if _is_multi(path):
        raise _err("wrong number of array subscripts", errcodes.ARRAY_SUBSCRIPT_ERROR)
    r = _path_get(v, path)
    if r is _MISSING:
        return None
    return jsonb_text(r)


def _is_multi(a):
    return bool(a) and a[0].__class__ is list


op("->", J, TX, J, lambda v, k: _out(_get_key(v, k)))
op("->", J, I4, J, lambda v, i: _out(_get_idx(v, i)))
op("->>", J, TX, TX, lambda v, k: jsonb_text(_get_key(v, k)) if _get_key(v, k) is not _MISSING else None)
op("->>", J, I4, TX, lambda v, i: jsonb_text(_get_idx(v, i)) if _get_idx(v, i) is not _MISSING else None)
op("#>", J, TXA, J, _jb_path)
op("#>>", J, TXA, TX, _jb_path_text)
_f("jsonb_extract_path", [J, TX], J, lambda v, *p: _jb_path(v, list(p)), variadic=True)
_f("jsonb_extract_path_text", [J, TX], TX, lambda v, *p: _jb_path_text(v, list(p)), variadic=True)
_f("jsonb_extract_path", [J, TXA], J, _jb_path)
_f("jsonb_extract_path_text", [J, TXA], TX, _jb_path_text)


# ====================================================================== json (text) parsing with raw slices


def _skip_ws(s, i):
    n = len(s)
    while i < n and s[i] in " \t\n\r":
        i += 1
    return i


def _scan_value(s, i):
    """Index just past the JSON value starting at s[i] (s is valid JSON)."""
    c = s[i]
    if c == '"':
        i += 1
        while True:
            ch = s[i]
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                return i + 1
            i += 1
    if c in "[{":
        depth = 0
        n = len(s)
        while i < n:
            ch = s[i]
            if ch == '"':
                i = _scan_value(s, i)
                continue
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        return i
    j = i
    n = len(s)
    while j < n and s[j] not in ",]} \t\n\r":
        j += 1
    return j


def _raw(s):
    """('o', [(key, raw)]) | ('a', [raw]) | ('s', raw) for json text s."""
    i = _skip_ws(s, 0)
    c = s[i]
    if c == "{":
        out = []
        i = _skip_ws(s, i + 1)
        if s[i] == "}":
            return "o", out
        while True:
            i = _skip_ws(s, i)
            j = _scan_value(s, i)
            key = J.text_in(s[i:j])
            i = _skip_ws(s, j)
            i = _skip_ws(s, i + 1)  # ':'
            j = _scan_value(s, i)
            out.append((key, s[i:j]))
            i = _skip_ws(s, j)
            if s[i] == "}":
                return "o", out
            i += 1
    if c == "[":
        out = []
        i = _skip_ws(s, i + 1)
        if s[i] == "]":
            return "a", out
        while True:
            i = _skip_ws(s, i)
            j = _scan_value(s, i)
            out.append(s[i:j])
            i = _skip_ws(s, j)
            if s[i] == "]":
                return "a", out
            i += 1
    j = _scan_value(s, i)
    return "s", s[i:j]


def _json_text_of(raw):
    """->> for a raw json element: strings decoded, null -> NULL."""
    if raw == "null":
        return None
    if raw.startswith('"'):
        return J.text_in(raw)
    return raw


def _js_key(s, k):
    kind, items = _raw(s)
    if kind != "o":
        return None
    r = None
    for kk, raw in items:
        if kk == k:
            r = raw
    return r


def _js_idx(s, i):
    kind, items = _raw(s)
    if kind != "a":
        return None
    n = len(items)
    if i < 0:
        i += n
    return items[i] if 0 <= i < n else None


def _js_path(s, path):
    cur = s
    for p in path:
        if p is None:
            return None
        kind, items = _raw(cur)
        if kind == "o":
            cur = None
            for kk, raw in items:
                if kk == p:
                    cur = raw
        elif kind == "a":
            try:
                i = int(p)
            except ValueError:
                return None
            n = len(items)
            if i < 0:
                i += n
            cur = items[i] if 0 <= i < n else None
        else:
            return None
        if cur is None:
            return None
    return cur


op("->", JS, TX, JS, _js_key)
op("->", JS, I4, JS, _js_idx)
op("->>", JS, TX, TX, lambda s, k: _nt(_js_key(s, k)))
op("->>", JS, I4, TX, lambda s, i: _nt(_js_idx(s, i)))
op("#>", JS, TXA, JS, lambda s, p: _js_path(s, p))
op("#>>", JS, TXA, TX, lambda s, p: (s if not p else _nt(_js_path(s, p))))
_f("json_extract_path", [JS, TX], JS, lambda s, *p: _js_path(s, list(p)), variadic=True)
_f("json_extract_path_text", [JS, TX], TX, lambda s, *p: _nt(_js_path(s, list(p))), variadic=True)


def _nt(raw):
    return None if raw is None else _json_text_of(raw)


# ====================================================================== containment / existence


def jsonb_contains(a, b):
    """PostgreSQL's JsonbDeepContains for top-level values (raw scalars act as 1-element arrays)."""
    ta, tb = a.__class__, b.__class__
    if ta is dict:
        if tb is not dict:
            return False
        for k, bv in b.items():
            if k not in a:
                return False
            av = a[k]
            if not _contains_val(av, bv):
                return False
        return True
    if ta is list:
        if tb is dict:
            return False
        bl = b if tb is list else [b]
        for bv in bl:
            if not any(_contains_val(av, bv) for av in a):
                return False
        return True
    # raw scalar
    if tb is list or tb is dict:
        return False
    return _scalar_eq(a, b)


def _contains_val(av, bv):
    ta, tb = av.__class__, bv.__class__
    if ta is dict or tb is dict:
        return ta is tb and jsonb_contains(av, bv)
    if ta is list or tb is list:
        if ta is not list or tb is not list:
            return False
        for x in bv:
            if not any(_contains_val(y, x) for y in av):
                return False
        return True
    return _scalar_eq(av, bv)


def _scalar_eq(a, b):
    if a is None or a is NULL:
        return b is None or b is NULL
    if b is None or b is NULL:
        return False
    if a.__class__ is bool or b.__class__ is bool:
        return a.__class__ is b.__class__ and a == b
    if a.__class__ is str or b.__class__ is str:
        return a.__class__ is b.__class__ and a == b
    return Decimal(a) == Decimal(b)


def jsonb_exists(v, k):
    if v.__class__ is dict:
        return k in v
    if v.__class__ is list:
        return any(x.__class__ is str and x == k for x in v)
    return v.__class__ is str and v == k


op("@>", J, J, BOOL, jsonb_contains)
op("<@", J, J, BOOL, lambda a, b: jsonb_contains(b, a))
op("?", J, TX, BOOL, jsonb_exists)
op("?|", J, TXA, BOOL, lambda v, ks: any(k is not None and jsonb_exists(v, k) for k in ks))
op("?&", J, TXA, BOOL, lambda v, ks: all(k is None or jsonb_exists(v, k) for k in ks))
_f("jsonb_contains", [J, J], BOOL, jsonb_contains)
_f("jsonb_contained", [J, J], BOOL, lambda a, b: jsonb_contains(b, a))
_f("jsonb_exists", [J, TX], BOOL, jsonb_exists)


# ====================================================================== comparison


def _cmp_op(sym):
    import operator

    f = {"=": operator.eq, "<>": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt,
         ">=": operator.ge}[sym]
    from ._common import jsonb_order_cmp as cmp

    return lambda a, b: f(cmp(a, b), 0)


for _sym in ("=", "<>", "<", "<=", ">", ">="):
    op(_sym, J, J, BOOL, _cmp_op(_sym))
_f("jsonb_cmp", [J, J], I4, lambda a, b: __import__("heliosd.exec.functions._common", fromlist=["x"]).jsonb_order_cmp(a, b))
_f("jsonb_hash", [J], I4, lambda v: hash(J.text_out(v)) & 0x7FFFFFFF)


# ====================================================================== concatenation / deletion


def jsonb_concat(a, b):
    if a.__class__ is dict and b.__class__ is dict:
        r = dict(a)
        r.update(b)
        return r
    la = a if a.__class__ is list else [_inner(a)]
    lb = b if b.__class__ is list else [_inner(b)]
    return la + lb


def _scalar_del():
    return _err("cannot delete from scalar")


def jsonb_delete_key(v, k):
    if v.__class__ is dict:
        if k not in v:
            return v
        r = dict(v)
        del r[k]
        return r
    if v.__class__ is list:
        return [x for x in v if not (x.__class__ is str and x == k)]
    raise _scalar_del()


def jsonb_delete_keys(v, ks):
    if v.__class__ is dict:
        drop = {k for k in ks if k is not None}
        return {k: x for k, x in v.items() if k not in drop}
    if v.__class__ is list:
        drop = {k for k in ks if k is not None}
        return [x for x in v if not (x.__class__ is str and x in drop)]
    raise _scalar_del()


def jsonb_delete_idx(v, i):
    if v.__class__ is list:
        n = len(v)
        if i < 0:
            i += n
        if 0 <= i < n:
            return v[:i] + v[i + 1:]
        return v
    if v.__class__ is dict:
        raise _err("cannot delete from object using integer index")
    raise _scalar_del()


def jsonb_delete_path(v, path):
    if _is_scalar(v):
        raise _err("cannot delete path in scalar")
    if not path:
        return v
    return _del_path(v, path, 0)


def _del_path(v, path, k):
    p = path[k]
    last = k == len(path) - 1
    if v.__class__ is dict:
        if p not in v:
            return v
        r = dict(v)
        if last:
            del r[p]
        else:
            r[p] = _del_path(v[p], path, k + 1)
        return r
    if v.__class__ is list:
        try:
            i = int(p)
        except (TypeError, ValueError):
            raise PgError(f'path element at position {k + 1} is not an integer: "{p}"',
                          errcodes.INVALID_TEXT_REPRESENTATION) from None
        n = len(v)
        if i < 0:
            i += n
        if not 0 <= i < n:
            return v
        if last:
            return v[:i] + v[i + 1:]
        r = list(v)
        r[i] = _del_path(v[i], path, k + 1)
        return r
    return v


op("||", J, J, J, jsonb_concat)
op("-", J, TX, J, jsonb_delete_key)
op("-", J, TXA, J, jsonb_delete_keys)
op("-", J, I4, J, jsonb_delete_idx)
op("#-", J, TXA, J, jsonb_delete_path)
_f("jsonb_concat", [J, J], J, jsonb_concat)
_f("jsonb_delete", [J, TX], J, jsonb_delete_key)
_f("jsonb_delete_path", [J, TXA], J, jsonb_delete_path)


# ====================================================================== set / insert


def _path_int(p, pos):
    try:
        return int(p)
    except (TypeError, ValueError):
        raise PgError(f'path element at position {pos} is not an integer: "{p}"',
                      errcodes.INVALID_TEXT_REPRESENTATION) from None


def _setpath(v, path, k, new, create, insert=False, after=False):
    p = path[k]
    last = k == len(path) - 1
    if p is None:
        raise PgError(f"path element at position {k + 1} is null", errcodes.NULL_VALUE_NOT_ALLOWED)
    if v.__class__ is dict:
        if last:
            if insert and p in v:
                raise _err("cannot replace existing key", hint="Try using the function jsonb_set to replace key value.")
            if p in v or create:
                r = dict(v)
                r[p] = new
                return r
            return v
        if p not in v:
            return v
        r = dict(v)
        r[p] = _setpath(v[p], path, k + 1, new, create, insert, after)
        return r
    if v.__class__ is list:
        i = _path_int(p, k + 1)
        n = len(v)
        if i < 0:
            i += n
        if last:
            if insert:
                if i < 0:
                    i = 0
                if i > n:
                    i = n
                pos = i + 1 if after else i
                return v[:pos] + [new] + v[pos:]
            if 0 <= i < n:
                r = list(v)
                r[i] = new
                return r
            if not create:
                return v
            if i < 0:
                return [new] + v
            return v + [new]
        if not 0 <= i < n:
            return v
        r = list(v)
        r[i] = _setpath(v[i], path, k + 1, new, create, insert, after)
        return r
    return v


def jsonb_set(target, path, new, create=True):
    if _is_scalar(target):
        raise _err("cannot set path in scalar")
    if not path:
        return target
    return _setpath(target, path, 0, _inner(new), create)


def _jsonb_set_ns(target, path, new, create=True):
    if target is None or path is None or create is None:
        return None
    if new is None:
        return None
    return jsonb_set(target, path, new, create)


def jsonb_set_lax(target, path, new, create=True, treat="use_json_null"):
    if target is None or path is None or create is None or treat is None:
        if treat is None:
            raise _err("null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or "
                       "\"raise_exception\"")
        return None
    if new is None:
        t = treat.lower()
        if t == "raise_exception":
            raise PgError("JSON value must not be null", errcodes.NULL_VALUE_NOT_ALLOWED,
                          detail="Exception was raised because null_value_treatment is \"raise_exception\".",
                          hint="To avoid, either change the null_value_treatment argument or ensure that an SQL "
                               "NULL is not passed.")
        if t == "use_json_null":
            return jsonb_set(target, path, NULL, create)
        if t == "delete_key":
            return jsonb_delete_path(target, path)
        if t == "return_target":
            return target
        raise _err("null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or "
                   "\"raise_exception\"")
    return jsonb_set(target, path, new, create)


def jsonb_insert(target, path, new, after=False):
    if _is_scalar(target):
        raise _err("cannot set path in scalar")
    if not path:
        return target
    return _setpath(target, path, 0, _inner(new), True, True, after)


_f("jsonb_set", [J, TXA, J], J, lambda t, p, n: _jsonb_set_ns(t, p, n), strict=False)
_f("jsonb_set", [J, TXA, J, BOOL], J, _jsonb_set_ns, strict=False)
_f("jsonb_set_lax", [J, TXA, J], J, jsonb_set_lax, strict=False)
_f("jsonb_set_lax", [J, TXA, J, BOOL], J, jsonb_set_lax, strict=False)
_f("jsonb_set_lax", [J, TXA, J, BOOL, TX], J, jsonb_set_lax, strict=False)
_f("jsonb_insert", [J, TXA, J], J, jsonb_insert)
_f("jsonb_insert", [J, TXA, J, BOOL], J, jsonb_insert)


# ====================================================================== typeof / length / strip / pretty


def _typeof(v):
    return T.jsonb_type_name(v)


def jsonb_array_length(v):
    if v.__class__ is list:
        return len(v)
    if v.__class__ is dict:
        raise _err("cannot get array length of a non-array")
    raise _err("cannot get array length of a scalar")


def json_array_length(s):
    kind, items = _raw(s)
    if kind == "a":
        return len(items)
    if kind == "o":
        raise _err("cannot get array length of a non-array")
    raise _err("cannot get array length of a scalar")


def _json_typeof(s):
    kind, raw = _raw(s)
    if kind == "o":
        return "object"
    if kind == "a":
        return "array"
    c = raw[0]
    if c == '"':
        return "string"
    if raw == "null":
        return "null"
    if raw in ("true", "false"):
        return "boolean"
    return "number"


def strip_nulls(v):
    if v.__class__ is dict:
        return {k: strip_nulls(x) for k, x in v.items() if x is not None}
    if v.__class__ is list:
        return [strip_nulls(x) for x in v]
    return v


def _json_strip_nulls(s):
    def strip_raw(raw):
        kind, items = _raw(raw)
        if kind == "o":
            parts = [_quote(k) + ":" + strip_raw(r) for k, r in items if r != "null"]
            return "{" + ",".join(parts) + "}"
        if kind == "a":
            return "[" + ",".join(strip_raw(r) for r in items) + "]"
        return items

    return strip_raw(s)


def jsonb_pretty(v):
    out = []

    def emit(x, ind):
        if x.__class__ is dict:
            if not x:
                out.append("{}")
                return
            out.append("{\n")
            keys = sorted(x, key=lambda k: (len(k.encode("utf-8", "surrogatepass")), k.encode("utf-8", "surrogatepass")))
            for i, k in enumerate(keys):
                out.append("    " * (ind + 1) + _quote(k) + ": ")
                emit(x[k], ind + 1)
                out.append(",\n" if i < len(keys) - 1 else "\n")
            out.append("    " * ind + "}")
        elif x.__class__ is list:
            if not x:
                out.append("[]")
                return
            out.append("[\n")
            for i, e in enumerate(x):
                out.append("    " * (ind + 1))
                emit(e, ind + 1)
                out.append(",\n" if i < len(x) - 1 else "\n")
            out.append("    " * ind + "]")
        else:
            out.append(J.text_out(_top(x)))

    emit(v, 0)
    return "".join(out)


_f("jsonb_typeof", [J], TX, _typeof)
_f("json_typeof", [JS], TX, _json_typeof)
_f("jsonb_array_length", [J], I4, jsonb_array_length)
_f("json_array_length", [JS], I4, json_array_length)
_f("jsonb_strip_nulls", [J], J, strip_nulls)
_f("json_strip_nulls", [JS], JS, _json_strip_nulls)
_f("jsonb_pretty", [J], TX, jsonb_pretty)


# ====================================================================== construction


def _key_check(t, i):
    if t.is_array or t is T.RECORD or t.typtype == "c" or t in (J, JS):
        raise _err("key value must be scalar, not array, composite, or json")


def _build_object_bind(jsonb):
    def bind(c, argtypes, args):
        if len(argtypes) % 2:
            raise _err("argument list must have even number of elements",
                       hint=f"The arguments of {'jsonb' if jsonb else 'json'}_build_object() must consist of "
                            "alternating keys and values.")
        kconvs = []
        vconvs = []
        for i in range(0, len(argtypes), 2):
            _key_check(argtypes[i], i + 1)
            kconvs.append(text_out(argtypes[i]))
            f = arg_fields(args, i + 1)
            vconvs.append(jsonb_converter(argtypes[i + 1], f) if jsonb else json_converter(argtypes[i + 1], f))

        def build(*vals):
            pairs = []
            for j in range(0, len(vals), 2):
                k = vals[j]
                if k is None:
                    raise _err(f"argument {j + 1}: key must not be null")
                v = vals[j + 1]
                pairs.append((kconvs[j // 2](k), v, vconvs[j // 2]))
            if jsonb:
                d = {}
                for k, v, conv in pairs:
                    d[k] = None if v is None else _inner(conv(v))
                return d
            return "{" + ", ".join(_quote(k) + " : " + ("null" if v is None else conv(v)) for k, v, conv in pairs) \
                + "}"

        c.impl = build

    return bind


def _build_array_bind(jsonb):
    def bind(c, argtypes, args):
        convs = [jsonb_converter(t, arg_fields(args, i)) if jsonb else json_converter(t, arg_fields(args, i))
                 for i, t in enumerate(argtypes)]

        def build(*vals):
            if jsonb:
                return [None if v is None else _inner(cv(v)) for cv, v in zip(convs, vals)]
            return "[" + ", ".join("null" if v is None else cv(v) for cv, v in zip(convs, vals)) + "]"

        c.impl = build

    return bind


_f("jsonb_build_object", ["any"], J, None, binder=_build_object_bind(True), strict=False, variadic=True,
   volatility="s")
_f("json_build_object", ["any"], JS, None, binder=_build_object_bind(False), strict=False, variadic=True,
   volatility="s")
_f("jsonb_build_object", [], J, lambda: {}, strict=False)
_f("json_build_object", [], JS, lambda: "{}", strict=False)
_f("jsonb_build_array", ["any"], J, None, binder=_build_array_bind(True), strict=False, variadic=True,
   volatility="s")
_f("json_build_array", ["any"], JS, None, binder=_build_array_bind(False), strict=False, variadic=True,
   volatility="s")
_f("jsonb_build_array", [], J, lambda: [], strict=False)
_f("json_build_array", [], JS, lambda: "[]", strict=False)


def _to_json_bind(jsonb):
    def bind(c, argtypes, args):
        conv = (jsonb_converter if jsonb else json_converter)(argtypes[0], arg_fields(args, 0))
        if jsonb:
            c.impl = lambda v: _top(conv(v))
        else:
            c.impl = conv

    return bind


_f("to_jsonb", ["anyelement"], J, None, binder=_to_json_bind(True), volatility="s")
_f("to_json", ["anyelement"], JS, None, binder=_to_json_bind(False), volatility="s")
_f("row_to_json", [T.RECORD], JS, None, binder=_to_json_bind(False), volatility="s")


def _row_to_json_pretty_bind(c, argtypes, args):
    conv = json_converter(argtypes[0], arg_fields(args, 0))

    def f(v, pretty):
        s = conv(v)
        if not pretty:
            return s
        return s.replace(',"', ',\n "')

    c.impl = f


_f("row_to_json", [T.RECORD, BOOL], JS, None, binder=_row_to_json_pretty_bind, volatility="s")
_f("array_to_json", ["anyarray"], JS, None, binder=_to_json_bind(False), volatility="s")


def _object_from_array(a, b=None):
    def flat(x):
        out = []
        for e in x:
            if e.__class__ is list:
                out.extend(flat(e))
            else:
                out.append(e)
        return out

    if b is None:
        if a and a[0].__class__ is list:
            if any(len(r) != 2 for r in a):
                raise _err("array must have two columns", errcodes.ARRAY_SUBSCRIPT_ERROR)
            items = flat(a)
        else:
            items = a
            if len(items) % 2:
                raise _err("array must have even number of elements", errcodes.ARRAY_SUBSCRIPT_ERROR)
        pairs = [(items[i], items[i + 1]) for i in range(0, len(items), 2)]
    else:
        if len(a) != len(b):
            raise _err("mismatched array dimensions", errcodes.ARRAY_SUBSCRIPT_ERROR)
        pairs = list(zip(a, b))
    for k, _v in pairs:
        if k is None:
            raise _err("null value not allowed for object key", errcodes.NULL_VALUE_NOT_ALLOWED)
    return pairs


def _jsonb_object(a, b=None):
    d = {}
    for k, v in _object_from_array(a, b):
        d[k] = v
    return d


def _json_object(a, b=None):
    return "{" + ", ".join(_quote(k) + " : " + ("null" if v is None else _quote(v))
                           for k, v in _object_from_array(a, b)) + "}"


_f("jsonb_object", [TXA], J, _jsonb_object)
_f("jsonb_object", [TXA, TXA], J, _jsonb_object)
_f("json_object", [TXA], JS, _json_object)
_f("json_object", [TXA, TXA], JS, _json_object)


# ====================================================================== set-returning


def jsonb_object_keys(v):
    if v.__class__ is not dict:
        if v.__class__ is list:
            raise _err("cannot call jsonb_object_keys on an array")
        raise _err("cannot call jsonb_object_keys on a scalar")
    return sorted(v, key=lambda k: (len(k.encode("utf-8", "surrogatepass")), k.encode("utf-8", "surrogatepass")))


def json_object_keys(s):
    kind, items = _raw(s)
    if kind != "o":
        raise _err("cannot call json_object_keys on an array" if kind == "a" else
                   "cannot call json_object_keys on a scalar")
    return [k for k, _r in items]


def jsonb_array_elements(v):
    if v.__class__ is list:
        return [_top(x) for x in v]
    if v.__class__ is dict:
        raise _err("cannot extract elements from an object")
    raise _err("cannot extract elements from a scalar")


def jsonb_array_elements_text(v):
    return [jsonb_text(x) for x in jsonb_array_elements(v)]


def json_array_elements(s):
    kind, items = _raw(s)
    if kind == "a":
        return items
    raise _err("cannot extract elements from an object" if kind == "o" else "cannot extract elements from a scalar")


def _ordered_items(v):
    return [(k, v[k]) for k in jsonb_object_keys(v)]


def jsonb_each(v):
    if v.__class__ is not dict:
        raise _err("cannot call jsonb_each on a non-object")
    return [(k, _top(x)) for k, x in _ordered_items(v)]


def jsonb_each_text(v):
    if v.__class__ is not dict:
        raise _err("cannot call jsonb_each_text on a non-object")
    return [(k, jsonb_text(x)) for k, x in _ordered_items(v)]


def json_each(s):
    kind, items = _raw(s)
    if kind != "o":
        raise _err("cannot call json_each on a non-object")
    return items


def json_each_text(s):
    kind, items = _raw(s)
    if kind != "o":
        raise _err("cannot call json_each_text on a non-object")
    return [(k, _json_text_of(r)) for k, r in items]


_f("jsonb_object_keys", [J], TX, jsonb_object_keys, retset=True)
_f("json_object_keys", [JS], TX, json_object_keys, retset=True)
_f("jsonb_array_elements", [J], J, jsonb_array_elements, retset=True)
_f("jsonb_array_elements_text", [J], TX, jsonb_array_elements_text, retset=True)
_f("json_array_elements", [JS], JS, json_array_elements, retset=True)
_f("json_array_elements_text", [JS], TX, lambda s: [_json_text_of(r) for r in json_array_elements(s)], retset=True)
for _n in ("jsonb_array_elements", "jsonb_array_elements_text", "json_array_elements", "json_array_elements_text"):
    for _c in FUNCTIONS_OF(_n):
        _c.out_name = "value"
for _n, _fn, _arg, _vt in (("jsonb_each", jsonb_each, J, J), ("jsonb_each_text", jsonb_each_text, J, TX),
                           ("json_each", json_each, JS, JS), ("json_each_text", json_each_text, JS, TX)):
    _srf = _f(_n, [_arg], T.RECORD, _fn, retset=True)
    _srf.out_columns = [("key", TX), ("value", _vt)]


# ====================================================================== populate_record


def _to_sql_value(v, t, typmod, key, tz=None):
    """A JSON value (jsonb representation, None = JSON null) as a value of SQL type ``t``
    (populate_record_field: strings through the type's input, arrays element by element,
    objects into composite fields, jsonb/json kept as documents)."""
    if v is None or v is NULL:
        return None
    if t is J:
        return v
    if t is JS:
        return J.text_out(v)
    if t.is_array and t.elem is not None:
        if v.__class__ is list:
            return [_to_sql_value(x, t.elem, typmod, key, tz) for x in v]
        if v.__class__ is str:
            return t.text_in(v, typmod, tz)
        raise PgError("expected JSON array", errcodes.INVALID_TEXT_REPRESENTATION,
                      hint=f'See the value of key "{key}".')
    if t.typtype == "c" and t.extra:
        if v.__class__ is dict:
            return _populate_one(t, None, v, "populate_composite", tz)
        if v.__class__ is str:
            return t.text_in(v, typmod, tz)
        raise _err("cannot call populate_composite on " + ("an array" if v.__class__ is list else "a scalar"))
    s = v if v.__class__ is str else J.text_out(v)
    val = t.text_in(s, -1, tz)
    if typmod != -1:
        lc = T.length_coercion(t, typmod, False)
        if lc is not None:
            val = lc(val, tz)
    return val


def _populate_one(rt, base, obj, fname, tz=None):
    if obj.__class__ is not dict:
        raise _err("cannot call populate_composite on " + ("an array" if obj.__class__ is list else "a scalar"))
    fields = rt.extra["fields"]
    tms = rt.extra.get("typmods") or [-1] * len(fields)
    out = []
    for i, ((name, ft), tm) in enumerate(zip(fields, tms)):
        if name in obj:
            out.append(_to_sql_value(obj[name], ft, tm, name, tz))
        else:
            out.append(base[i] if base is not None else None)
    return tuple(out)


def _first_type(argtypes):
    return argtypes[0]


def _populate_bind(fname, is_set, is_json):
    def bind(c, argtypes, args):
        rt = argtypes[0]
        if rt is T.RECORD:
            raise PgError(f"could not determine row type for result of {fname}", errcodes.FEATURE_NOT_SUPPORTED,
                          hint="Provide a non-null record argument, or call the function in the FROM clause "
                               "using a column definition list.")
        if rt.typtype != "c" or not rt.extra or "fields" not in rt.extra:
            raise PgError(f"first argument of {fname} must be a row type", errcodes.DATATYPE_MISMATCH)
        c.out_columns = [(n, ft) for n, ft in rt.extra["fields"]]
        from ..runtime import state

        def doc(j):
            return J.text_in(j) if is_json else j

        if not is_set:
            def populate(base, j):
                if j is None:
                    return None
                return _populate_one(rt, base, doc(j), fname, state.tz)
            c.impl = populate
        else:
            def populate_set(base, j):
                if j is None:
                    return
                d = doc(j)
                if d.__class__ is not list:
                    raise _err(f"cannot call {fname} on a non-array" if not is_json else
                               f"cannot call {fname} on an object")
                for x in d:
                    if x.__class__ is not dict:
                        raise _err(f"argument of {fname} must be an array of objects")
                for x in d:
                    yield _populate_one(rt, base, x, fname, state.tz)
            c.impl = populate_set

    return bind


_f("jsonb_populate_record", ["anyelement", J], _first_type, None, binder=_populate_bind("jsonb_populate_record", False, False),
   strict=False, volatility="s")
_f("json_populate_record", ["anyelement", JS], _first_type, None, binder=_populate_bind("json_populate_record", False, True),
   strict=False, volatility="s")
_f("jsonb_populate_recordset", ["anyelement", J], _first_type, None,
   binder=_populate_bind("jsonb_populate_recordset", True, False), strict=False, retset=True, volatility="s")
_f("json_populate_recordset", ["anyelement", JS], _first_type, None,
   binder=_populate_bind("json_populate_recordset", True, True), strict=False, retset=True, volatility="s")
