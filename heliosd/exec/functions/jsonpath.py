"""SQL/JSON path language (PostgreSQL 15's jsonpath_gram.y / jsonpath_exec.c, a subset).

Paths are parsed when a function first sees their text (cached) and evaluated over
heliosd's jsonb representation (dict/list/str/int/Decimal/bool/None inside,
``T.JSON_NULL`` at top level).  Supported: ``lax``/``strict`` modes, ``$``, ``@``,
``$var`` (from the ``vars`` object), ``last``, ``.key``, ``."key"``, ``.*``,
``[*]``, ``[i]``, ``[i to j]``, filters ``? (...)``, comparisons, ``&&``, ``||``,
``!``, ``exists (...)``, ``(...) is unknown``, ``like_regex``, ``starts with``,
arithmetic ``+ - * / %`` and unary ``+ -``, and the methods ``type()``,
``size()``, ``double()``, ``ceiling()``, ``floor()``, ``abs()``, ``keyvalue()``.
Not supported (42601 at parse): ``.**``, ``.datetime()``.

Functions: jsonb_path_exists, jsonb_path_match, jsonb_path_query (set-returning),
jsonb_path_query_array, jsonb_path_query_first (optional ``vars``, ``silent``),
and the operators ``@?`` / ``@@`` (silent).
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal

from ... import errcodes
from ... import types as T
from ...errors import PgError
from . import op, register

J = T.JSONB
NULL = T.JSON_NULL

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<var>\$[A-Za-z_][A-Za-z_0-9]*|\$"(?:[^"\\]|\\.)*")
  | (?P<word>[A-Za-z_][A-Za-z_0-9]*)
  | (?P<op>==|!=|<>|<=|>=|&&|\|\||\.\*\*|[$@.\[\]()?,*<>!+\-/%])
""", re.X)


def _syntax(near):
    if near is None:
        return PgError("syntax error at end of jsonpath input", errcodes.SYNTAX_ERROR)
    return PgError(f'syntax error at or near "{near}" of jsonpath input', errcodes.SYNTAX_ERROR)


def _unquote(s):
    import json

    try:
        return json.loads(s)
    except ValueError:
        raise _syntax(s) from None


class _Parser:
    def __init__(self, text):
        self.toks = []
        i = 0
        n = len(text)
        while i < n:
            m = _TOKEN.match(text, i)
            if m is None:
                raise _syntax(text[i])
            if m.lastgroup != "ws":
                self.toks.append((m.lastgroup, m.group()))
            i = m.end()
        self.i = 0

    def peek(self, k=0):
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else (None, None)

    def next(self):
        t = self.peek()
        self.i += 1
        return t

    def accept(self, text, kind=None):
        k, t = self.peek()
        if t is not None and (t == text or (k == "word" and t.lower() == text)) and (kind is None or k == kind):
            self.i += 1
            return True
        return False

    def expect(self, text):
        if not self.accept(text):
            raise _syntax(self.peek()[1])

    def parse(self):
        strict = False
        if self.accept("strict", "word"):
            strict = True
        else:
            self.accept("lax", "word")
        e = self.expr()
        if self.peek()[1] is not None:
            raise _syntax(self.peek()[1])
        return strict, e

    # precedence: || < && < ! < comparison/predicates < + - < * / % < unary < accessor chain
    def expr(self):
        left = self.and_()
        while self.accept("||"):
            left = ("or", left, self.and_())
        return left

    def and_(self):
        left = self.not_()
        while self.accept("&&"):
            left = ("and", left, self.not_())
        return left

    def not_(self):
        if self.accept("!"):
            self.expect("(")
            e = self.expr()
            self.expect(")")
            return ("not", e)
        return self.pred()

    def pred(self):
        if self.peek()[0] == "word" and self.peek()[1].lower() == "exists" and self.peek(1)[1] == "(":
            self.next()
            self.next()
            e = self.expr()
            self.expect(")")
            return ("exists", e)
        left = self.add()
        k, t = self.peek()
        if t in ("==", "!=", "<>", "<", "<=", ">", ">="):
            self.next()
            return ("cmp", "!=" if t == "<>" else t, left, self.add())
        if k == "word" and t.lower() == "like_regex":
            self.next()
            k2, pat = self.next()
            if k2 != "str":
                raise _syntax(pat)
            flags = ""
            if self.accept("flag", "word"):
                k3, fl = self.next()
                if k3 != "str":
                    raise _syntax(fl)
                flags = _unquote(fl)
            return ("like_regex", left, _compile_regex(_unquote(pat), flags))
        if k == "word" and t.lower() == "starts" and self.peek(1)[1] and self.peek(1)[1].lower() == "with":
            self.next()
            self.next()
            return ("starts", left, self.add())
        if k == "word" and t.lower() == "is" and self.peek(1)[1] and self.peek(1)[1].lower() == "unknown":
            self.next()
            self.next()
            return ("isunknown", left)
        return left

    def add(self):
        left = self.mul()
        while self.peek()[1] in ("+", "-"):
            o = self.next()[1]
            left = ("arith", o, left, self.mul())
        return left

    def mul(self):
        left = self.unary()
        while self.peek()[1] in ("*", "/", "%"):
            o = self.next()[1]
            left = ("arith", o, left, self.unary())
        return left

    def unary(self):
        if self.peek()[1] in ("+", "-"):
            o = self.next()[1]
            return ("unary", o, self.unary())
        return self.chain()

    def chain(self):
        k, t = self.next()
        if t is None:
            raise _syntax(None)
        if t == "$":
            base = ("root",)
        elif t == "@":
            base = ("current",)
        elif k == "var":
            base = ("var", _unquote(t[1:]) if t[1] == '"' else t[1:])
        elif k == "num":
            base = ("lit", int(t) if re.fullmatch(r"\d+", t) else Decimal(t))
        elif k == "str":
            base = ("lit", _unquote(t))
        elif k == "word" and t.lower() in ("true", "false"):
            base = ("lit", t.lower() == "true")
        elif k == "word" and t.lower() == "null":
            base = ("lit", None)
        elif k == "word" and t.lower() == "last":
            base = ("last",)
        elif t == "(":
            base = self.expr()
            self.expect(")")
        else:
            raise _syntax(t)
        steps = []
        while True:
            k, t = self.peek()
            if t == ".":
                self.next()
                k2, t2 = self.next()
                if t2 == "*":
                    steps.append(("anykey",))
                elif k2 == "str":
                    steps.append(("key", _unquote(t2)))
                elif k2 == "word":
                    if self.peek()[1] == "(":
                        self.next()
                        self.expect(")")
                        m = t2.lower()
                        if m not in _METHODS:
                            raise _syntax(t2)
                        steps.append(("method", m))
                    else:
                        steps.append(("key", t2))
                else:
                    raise _syntax(t2)
            elif t == ".**":
                raise PgError(".** accessor is not supported by heliosd", errcodes.FEATURE_NOT_SUPPORTED)
            elif t == "[":
                self.next()
                if self.accept("*"):
                    self.expect("]")
                    steps.append(("anyidx",))
                    continue
                subs = []
                while True:
                    a = self.expr()
                    b = None
                    if self.accept("to", "word"):
                        b = self.expr()
                    subs.append((a, b))
                    if self.accept(","):
                        continue
                    self.expect("]")
                    break
                steps.append(("idx", subs))
            elif t == "?":
                self.next()
                self.expect("(")
                e = self.expr()
                self.expect(")")
                steps.append(("filter", e))
            else:
                break
        return ("chain", base, steps) if steps else base


_METHODS = {"type", "size", "double", "ceiling", "floor", "abs", "keyvalue"}


def _compile_regex(pat, flags):
    f = 0
    for c in flags:
        if c == "i":
            f |= re.I
        elif c == "s":
            f |= re.S
        elif c == "m":
            f |= re.M
        elif c == "x":
            f |= re.X
        elif c == "q":
            pat = re.escape(pat)
        else:
            raise PgError('invalid input syntax for type jsonpath', errcodes.INVALID_TEXT_REPRESENTATION,
                          detail=f'Unrecognized flag character "{c}" in LIKE_REGEX predicate.')
    return re.compile(pat, f)


@functools.lru_cache(maxsize=512)
def parse_path(text: str):
    return _Parser(text).parse()


# ---------------------------------------------------------------------- evaluation


class _PathError(Exception):
    """An error that lax mode or silent=true suppresses (PgError payload)."""

    def __init__(self, err):
        self.err = err


def _perr(msg, code):
    return _PathError(PgError(msg, code))


def _type_name(v):
    if v is None or v is NULL:
        return "null"
    if v is True or v is False:
        return "boolean"
    if isinstance(v, (int, Decimal, float)):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _is_num(v):
    return isinstance(v, (int, Decimal, float)) and not isinstance(v, bool)


class _Ctx:
    def __init__(self, root, vars_, strict):
        self.root = root
        self.vars = vars_
        self.strict = strict


def _eval(node, ctx, cur, last=None):
    """The sequence (list) of items node yields."""
    kind = node[0]
    if kind == "root":
        return [ctx.root]
    if kind == "current":
        return [cur]
    if kind == "lit":
        return [node[1]]
    if kind == "last":
        if last is None:
            raise PgError("LAST is allowed only in array subscripts", errcodes.SYNTAX_ERROR)
        return [last]
    if kind == "var":
        if not isinstance(ctx.vars, dict) or node[1] not in ctx.vars:
            raise PgError(f'could not find jsonpath variable "{node[1]}"', errcodes.UNDEFINED_OBJECT)
        return [ctx.vars[node[1]]]
    if kind == "chain":
        items = _eval(node[1], ctx, cur, last)
        for st in node[2]:
            items = _step(st, items, ctx)
        return items
    if kind == "arith":
        return [_arith(node[1], node[2], node[3], ctx, cur, last)]
    if kind == "unary":
        out = []
        for v in _unwrap(_eval(node[2], ctx, cur, last), ctx):
            if not _is_num(v):
                raise _perr(f"operand of unary jsonpath operator {node[1]} is not a numeric value",
                            errcodes.SQL_JSON_NUMBER_NOT_FOUND if hasattr(errcodes, "SQL_JSON_NUMBER_NOT_FOUND")
                            else "22039")
            out.append(-v if node[1] == "-" else v)
        return out
    # a predicate used as a value: true/false/null
    r = _pred(node, ctx, cur, last)
    return [r]


def _unwrap(items, ctx):
    if ctx.strict:
        return items
    out = []
    for v in items:
        if isinstance(v, list):
            out.extend(v)
        else:
            out.append(v)
    return out


def _arith(o, a, b, ctx, cur, last):
    la = _unwrap(_eval(a, ctx, cur, last), ctx)
    lb = _unwrap(_eval(b, ctx, cur, last), ctx)
    if len(la) != 1 or not _is_num(la[0]):
        raise _perr(f"left operand of jsonpath operator {o} is not a single numeric value", "22038")
    if len(lb) != 1 or not _is_num(lb[0]):
        raise _perr(f"right operand of jsonpath operator {o} is not a single numeric value", "22038")
    x, y = Decimal(la[0]), Decimal(lb[0])
    if o in ("/", "%") and y == 0:
        raise _perr("division by zero", errcodes.DIVISION_BY_ZERO)
    if o == "+":
        r = x + y
    elif o == "-":
        r = x - y
    elif o == "*":
        r = x * y
    elif o == "/":
        from .core import num_div

        r = num_div(x, y)
    else:
        r = x - y * int(x / y)
    return int(r) if r == r.to_integral_value() and r.as_tuple().exponent >= 0 else r


def _step(st, items, ctx):
    kind = st[0]
    out = []
    if kind == "key":
        for v in items:
            if isinstance(v, dict):
                if st[1] in v:
                    out.append(v[st[1]])
                elif ctx.strict:
                    raise _perr(f'JSON object does not contain key "{st[1]}"', "2203A")
            elif isinstance(v, list) and not ctx.strict:
                out.extend(_step(st, [x for x in v], ctx))
            elif ctx.strict:
                raise _perr("jsonpath member accessor can only be applied to an object", "2203A")
        return out
    if kind == "anykey":
        for v in items:
            if isinstance(v, dict):
                out.extend(v.values())
            elif isinstance(v, list) and not ctx.strict:
                out.extend(_step(st, v, ctx))
            elif ctx.strict:
                raise _perr("jsonpath wildcard member accessor can only be applied to an object", "2203C")
        return out
    if kind == "anyidx":
        for v in items:
            if isinstance(v, list):
                out.extend(v)
            elif not ctx.strict:
                out.append(v)
            else:
                raise _perr("jsonpath wildcard array accessor can only be applied to an array", "2203B")
        return out
    if kind == "idx":
        for v in items:
            arr = v if isinstance(v, list) else None
            if arr is None:
                if ctx.strict:
                    raise _perr("jsonpath array accessor can only be applied to an array", "2203B")
                arr = [v]
            n = len(arr)
            for a, b in st[1]:
                lo = _index(a, ctx, v, n - 1)
                hi = _index(b, ctx, v, n - 1) if b is not None else lo
                if ctx.strict and (lo < 0 or hi >= n or lo > hi):
                    raise _perr("jsonpath array subscript is out of bounds", "22033")
                for i in range(max(lo, 0), min(hi, n - 1) + 1):
                    out.append(arr[i])
        return out
    if kind == "filter":
        for v in _unwrap(items, ctx):
            if _pred(st[1], ctx, v, None) is True:
                out.append(v)
        return out
    if kind == "method":
        return _method(st[1], items, ctx)
    raise PgError("unsupported jsonpath step", errcodes.FEATURE_NOT_SUPPORTED)


def _index(e, ctx, cur, last):
    vals = _eval(e, ctx, cur, last)
    if len(vals) != 1 or not _is_num(vals[0]):
        raise _perr("jsonpath array subscript is not a single numeric value", "22033")
    return int(vals[0])


def _method(m, items, ctx):
    out = []
    if m == "type":
        return [_type_name(v) for v in items]
    if m == "size":
        for v in items:
            if isinstance(v, list):
                out.append(len(v))
            elif ctx.strict:
                raise _perr("jsonpath item method .size() can only be applied to an array", "22039")
            else:
                out.append(1)
        return out
    for v in _unwrap(items, ctx):
        if m == "keyvalue":
            if not isinstance(v, dict):
                raise _perr("jsonpath item method .keyvalue() can only be applied to an object", "22039")
            for k, x in v.items():
                out.append({"key": k, "value": x, "id": 0})
            continue
        if m == "double":
            if isinstance(v, str):
                try:
                    f = float(v)
                except ValueError:
                    raise _perr("jsonpath item method .double() can only be applied to a string or numeric "
                                "value", "22039") from None
            elif _is_num(v):
                f = float(v)
            else:
                raise _perr("jsonpath item method .double() can only be applied to a string or numeric value",
                            "22039")
            if math.isinf(f) or math.isnan(f):
                raise _perr("numeric argument of jsonpath item method .double() is out of range for type double "
                            "precision", "22039")
            d = Decimal(repr(f))
            out.append(int(d) if d == d.to_integral_value() and "e" not in repr(f) and "." not in repr(f) else d)
            continue
        if not _is_num(v):
            raise _perr(f"jsonpath item method .{m}() can only be applied to a numeric value", "22039")
        d = Decimal(v)
        if m == "abs":
            r = abs(d)
        elif m == "floor":
            r = d.to_integral_value(rounding="ROUND_FLOOR")
        else:
            r = d.to_integral_value(rounding="ROUND_CEILING")
        out.append(int(r) if m != "abs" or isinstance(v, int) else r)
    return out


def _pred(node, ctx, cur, last):
    """True / False / None (unknown)."""
    kind = node[0]
    if kind == "and":
        a = _pred(node[1], ctx, cur, last)
        if a is False:
            return False
        b = _pred(node[2], ctx, cur, last)
        if b is False:
            return False
        return True if a is True and b is True else None
    if kind == "or":
        a = _pred(node[1], ctx, cur, last)
        if a is True:
            return True
        b = _pred(node[2], ctx, cur, last)
        if b is True:
            return True
        return False if a is False and b is False else None
    if kind == "not":
        a = _pred(node[1], ctx, cur, last)
        return None if a is None else not a
    if kind == "isunknown":
        return _pred(node[1], ctx, cur, last) is None
    if kind == "exists":
        try:
            return bool(_eval(node[1], ctx, cur, last))
        except _PathError:
            return None
    if kind in ("cmp", "like_regex", "starts"):
        try:
            left = _unwrap(_eval(node[2] if kind == "cmp" else node[1], ctx, cur, last), ctx)
            if kind == "cmp":
                right = _unwrap(_eval(node[3], ctx, cur, last), ctx)
            elif kind == "starts":
                right = _unwrap(_eval(node[2], ctx, cur, last), ctx)
        except _PathError:
            return None
        found = False
        unknown = False
        if kind == "like_regex":
            for v in left:
                if not isinstance(v, str):
                    unknown = True
                elif node[2].search(v):
                    found = True
            return True if found else (None if unknown else False)
        if kind == "starts":
            if len(right) != 1 or not isinstance(right[0], str):
                return None
            for v in left:
                if not isinstance(v, str):
                    unknown = True
                elif v.startswith(right[0]):
                    found = True
            return True if found else (None if unknown else False)
        for a in left:
            for b in right:
                r = _compare(node[1], a, b)
                if r is None:
                    unknown = True
                elif r:
                    found = True
                if ctx.strict and (found or unknown):
                    break
        return True if found else (None if unknown else False)
    # a value used as a predicate (only booleans and nulls are allowed there)
    vals = _eval(node, ctx, cur, last)
    if len(vals) == 1 and (vals[0] is True or vals[0] is False):
        return vals[0]
    return None


def _compare(o, a, b):
    if a is NULL:
        a = None
    if b is NULL:
        b = None
    ta, tb = _type_name(a), _type_name(b)
    if ta != tb:
        if ta == "null" or tb == "null":
            return o == "!="
        return None
    if ta in ("array", "object"):
        return None
    if ta == "null":
        c = 0
    elif ta == "boolean":
        c = (a > b) - (a < b)
    elif ta == "number":
        x, y = Decimal(a), Decimal(b)
        c = (x > y) - (x < y)
    else:
        c = (a > b) - (a < b)
    return {"==": c == 0, "!=": c != 0, "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[o]


def _run(target, path, vars_=None, silent=False):
    """(items, error): the path's items over target (errors raised unless silent)."""
    strict, node = parse_path(path)
    if vars_ is not None and vars_ is not NULL and not isinstance(vars_, dict):
        raise PgError('"vars" argument is not an object', errcodes.INVALID_PARAMETER_VALUE,
                      detail="Jsonpath parameters should be encoded as key-value pairs of \"vars\" object.")
    root = None if target is NULL else target
    ctx = _Ctx(root, vars_ if isinstance(vars_, dict) else {}, strict)
    try:
        return _eval(node, ctx, root), None
    except _PathError as e:
        if silent:
            return None, e.err
        raise e.err from None


def _out(v):
    return NULL if v is None else v


def path_exists(target, path, vars_=None, silent=False):
    items, err = _run(target, path, vars_, silent)
    if err is not None:
        return None
    return bool(items)


def path_match(target, path, vars_=None, silent=False):
    items, err = _run(target, path, vars_, silent)
    if err is not None:
        return None
    if len(items) == 1:
        v = items[0]
        if v is True or v is False:
            return v
        if v is None or v is NULL:
            return None
    if silent:
        return None
    raise PgError("single boolean result is expected", "22038")


def path_query(target, path, vars_=None, silent=False):
    items, err = _run(target, path, vars_, silent)
    for v in items or ():
        yield _out(v)


def path_query_array(target, path, vars_=None, silent=False):
    items, err = _run(target, path, vars_, silent)
    return list(items or [])


def path_query_first(target, path, vars_=None, silent=False):
    items, err = _run(target, path, vars_, silent)
    return _out(items[0]) if items else None


_NAMES = ["target", "path", "vars", "silent"]
for _name, _impl, _ret, _set in (("jsonb_path_exists", path_exists, T.BOOL, False),
                                 ("jsonb_path_match", path_match, T.BOOL, False),
                                 ("jsonb_path_query", path_query, J, True),
                                 ("jsonb_path_query_array", path_query_array, J, False),
                                 ("jsonb_path_query_first", path_query_first, J, False)):
    for _tz in ("", "_tz"):
        _fn = register(_name + _tz, [J, T.TEXT, J, T.BOOL], _ret, _impl, retset=_set, min_args=2)
        _fn.arg_names = list(_NAMES)
        _fn.arg_defaults = {"vars": {}, "silent": False}

op("@?", J, T.TEXT, T.BOOL, lambda j, p: path_exists(j, p, None, True))
op("@@", J, T.TEXT, T.BOOL, lambda j, p: path_match(j, p, None, True))
