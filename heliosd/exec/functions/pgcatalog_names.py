"""Object names <-> OIDs: the reg* types' text I/O and visibility tests.

``'tasks'::regclass``, ``c.oid::regclass`` printing ``tasks``,
``'integer'::regtype``, ``'now'::regproc``, ``'public'::regnamespace``,
``'alice'::regrole``, and the text -> regclass cast nextval() uses, all
resolve against the catalog of the statement that is running (the
branch's :class:`~heliosd.engine.catalog.Catalog` from
``runtime.state.ctx``, or the session's current one) and the session's
search_path, as PostgreSQL's regclassin/regclassout do: a name is printed
schema-qualified only when it is not visible in the search path.

Installed at import with :func:`heliosd.types.set_reg_io` and
:func:`heliosd.types.set_regclass_resolver`; this is the one resolver the
function library shares (nextval's text -> regclass included).

While the catalog's own SQL snippets (defaults, CHECKs) are re-analyzed for
display, :func:`snippet_path` pins the search path to the object's schema
so that e.g. ``nextval('tasks_id_seq'::regclass)`` resolves whatever the
session's search_path is.
"""

from __future__ import annotations

import contextlib

from ... import errcodes
from ... import types as T
from ...errors import PgError
from .. import runtime

_path_override: list = []


@contextlib.contextmanager
def snippet_path(path: list[str]):
    _path_override.append(path)
    try:
        yield
    finally:
        _path_override.pop()


def current_catalog():
    """(catalog, txn) of the running statement / session, or (None, None)."""
    st = runtime.state
    ctx = st.ctx
    if ctx is not None and getattr(ctx, "catalog", None) is not None and \
            (st.session is None or getattr(ctx, "session", None) in (None, st.session)):
        return ctx.catalog, ctx.txn
    s = st.session
    if s is not None and getattr(s, "txn", None) is not None and s.branch_id is not None:
        try:
            return s.catalog(s.txn), s.txn
        except Exception:
            return None, None
    if s is not None and s.branch_id is not None:
        txn = s.store.begin()
        try:
            return s.catalog(txn), None  # Catalog objects are immutable: usable after the txn ends
        except Exception:
            return None, None
        finally:
            txn.rollback()
    return None, None


def _role_txn(fn):
    """Run fn(txn) in the statement's transaction, or a short read-only one."""
    _cat, txn = current_catalog()
    if txn is not None:
        return fn(txn)
    s = runtime.state.session
    if s is None:
        return None
    t = s.store.begin()
    try:
        return fn(t)
    finally:
        t.rollback()


def search_path() -> list[str]:
    if _path_override:
        return _path_override[-1]
    s = runtime.state.session
    if s is None:
        return ["pg_catalog", "public"]
    try:
        return s.search_path()
    except Exception:
        return ["pg_catalog", "public"]


def split_qualified(text: str) -> list[str]:
    """PostgreSQL's stringToQualifiedNameList: dots outside quotes, unquoted names downcased."""
    parts = []
    cur = []
    quoted = False
    was_quoted = False
    i = 0
    s = text.strip()
    while i < len(s):
        ch = s[i]
        if quoted:
            if ch == '"':
                if s[i + 1:i + 2] == '"':
                    cur.append('"')
                    i += 2
                    continue
                quoted = False
            else:
                cur.append(ch)
        elif ch == '"':
            quoted = True
            was_quoted = True
        elif ch == ".":
            parts.append("".join(cur) if was_quoted else "".join(cur).strip().lower())
            cur = []
            was_quoted = False
        else:
            cur.append(ch)
        i += 1
    if quoted:
        raise PgError("invalid name syntax", errcodes.INVALID_NAME)
    parts.append("".join(cur) if was_quoted else "".join(cur).strip().lower())
    if any(p == "" for p in parts):
        raise PgError("invalid name syntax", errcodes.INVALID_NAME)
    return parts


def _qident(name: str) -> str:
    from ..deparse import quote_ident

    return quote_ident(name)


def _defs():
    from ...engine.pgcatalog import _pgdefs

    return _pgdefs


_sys_by_name: dict = {}
_sys_by_oid: dict = {}


def _system_relations():
    if not _sys_by_oid:
        for (schema, name), (oid, _k, _c) in _defs().RELATIONS.items():
            _sys_by_name[(schema, name)] = oid
            _sys_by_oid[oid] = (schema, name)
    return _sys_by_name, _sys_by_oid


def _effective_path(path):
    return path if "pg_catalog" in path else ["pg_catalog"] + list(path)


# ----------------------------------------------------------------- regclass


def lookup_relation(text: str, missing_ok=False):
    s = text.strip()
    if s.isdigit():
        return int(s)
    parts = split_qualified(s)
    if len(parts) > 3:
        raise PgError(f"improper relation name (too many dotted names): {text}", errcodes.SYNTAX_ERROR)
    if len(parts) == 3:
        parts = parts[1:]
    by_name, _ = _system_relations()
    cat, _txn = current_catalog()
    if len(parts) == 2:
        schema, name = parts
        oid = by_name.get((schema, name))
        if oid is not None:
            return oid
        if cat is not None:
            ns = cat.namespace(schema)
            if ns is None:
                if missing_ok:
                    return None
                raise PgError(f'schema "{schema}" does not exist', errcodes.INVALID_SCHEMA_NAME)
            r = cat.rel_by_name.get((ns.oid, name))
            if r is not None:
                return r.oid
    else:
        name = parts[0]
        for schema in _effective_path(search_path()):
            oid = by_name.get((schema, name))
            if oid is not None and schema == "pg_catalog":
                return oid
            if cat is not None:
                ns = cat.namespace(schema)
                if ns is not None:
                    r = cat.rel_by_name.get((ns.oid, name))
                    if r is not None:
                        return r.oid
            if oid is not None:
                return oid
    if missing_ok:
        return None
    raise PgError(f'relation "{text.strip()}" does not exist', errcodes.UNDEFINED_TABLE)


def relation_visible(cat, rel) -> bool:
    ns_name = cat.namespaces[rel.namespace].name if rel.namespace in cat.namespaces else None
    for schema in _effective_path(search_path()):
        if schema == "pg_catalog" and (schema, rel.name) in _system_relations()[0]:
            return False
        ns = cat.namespace(schema)
        if ns is None:
            continue
        r = cat.rel_by_name.get((ns.oid, rel.name))
        if r is not None:
            return r.oid == rel.oid
        if schema == ns_name:
            return False
    return False


def regclass_out(oid: int) -> str:
    if oid == 0:
        return "-"
    _by_name, by_oid = _system_relations()
    sysrel = by_oid.get(oid)
    if sysrel is not None:
        schema, name = sysrel
        if schema == "pg_catalog" or schema in search_path():
            return _qident(name)
        return f"{_qident(schema)}.{_qident(name)}"
    cat, _txn = current_catalog()
    if cat is not None:
        rel = cat.relations.get(oid)
        if rel is not None:
            if relation_visible(cat, rel):
                return _qident(rel.name)
            ns = cat.namespaces.get(rel.namespace)
            return f"{_qident(ns.name if ns else '?')}.{_qident(rel.name)}"
    return str(oid)


def regclass_in(text, typmod=-1, tz=None):
    return lookup_relation(text)


# ----------------------------------------------------------------- regtype


def lookup_type(text: str, missing_ok=False):
    s = text.strip()
    if s.isdigit():
        return int(s)
    try:
        t, _tm = T.parse_type_name(s)
        return t.oid
    except PgError:
        pass
    # a table's row type
    try:
        parts = split_qualified(s)
    except PgError:
        parts = [s]
    arr = False
    if parts[-1].endswith("[]"):
        arr = True
        parts[-1] = parts[-1][:-2]
    oid = None
    try:
        oid = lookup_relation(".".join(_qident(p) for p in parts), missing_ok=True)
    except PgError:
        oid = None
    if oid is not None:
        from ...engine.pgcatalog._base import arraytype_oid, rowtype_oid

        return arraytype_oid(oid) if arr else rowtype_oid(oid)
    if missing_ok:
        return None
    raise PgError(f'type "{s}" does not exist', errcodes.UNDEFINED_OBJECT)


def regtype_out(oid: int) -> str:
    if oid == 0:
        return "-"
    try:
        T.by_oid(oid)
        return T.format_type(oid, None)
    except Exception:
        pass
    from ...engine.pgcatalog._base import ARRAYTYPE_BASE, ROWTYPE_BASE

    for base, suffix in ((ROWTYPE_BASE, ""), (ARRAYTYPE_BASE, "[]")):
        rel_oid = (oid - base) & 0xFFFFFFFF
        cat, _txn = current_catalog()
        if cat is not None and rel_oid in cat.relations:
            return regclass_out(rel_oid) + suffix
    return str(oid)


def regtype_in(text, typmod=-1, tz=None):
    return lookup_type(text)


# ----------------------------------------------------------------- regproc


def _proc_names():
    from ...engine.pgcatalog.builtin import bki_proc_names

    return bki_proc_names()


def lookup_proc(text: str, missing_ok=False, with_args=False):
    s = text.strip()
    if s.isdigit():
        return int(s)
    from ...engine.pgcatalog.builtin import proc_rows

    name = s
    args = None
    if "(" in s and s.endswith(")"):
        name, _, rest = s.partition("(")
        args = [a.strip() for a in rest[:-1].split(",") if a.strip()]
    parts = split_qualified(name)
    fname = parts[-1]
    rows = [r for r in proc_rows() if r[1] == fname]
    if args is not None:
        want = []
        for a in args:
            want.append(lookup_type(a))
        rows = [r for r in rows if list(r[19]) == want]
    if not rows:
        if missing_ok:
            return None
        if args is not None:
            raise PgError(f"function {s} does not exist", errcodes.UNDEFINED_FUNCTION)
        raise PgError(f'function "{s}" does not exist', errcodes.UNDEFINED_FUNCTION)
    if len(rows) > 1 and args is None:
        if missing_ok:
            return None
        raise PgError(f'more than one function named "{s}"', errcodes.AMBIGUOUS_FUNCTION)
    return rows[0][0]


def regproc_out(oid: int) -> str:
    if oid == 0:
        return "-"
    n = _proc_names().get(oid)
    if n is None:
        from ...engine.pgcatalog.builtin import proc_rows

        for r in proc_rows():
            if r[0] == oid:
                n = r[1]
                break
    return _qident(n) if n is not None else str(oid)


def regprocedure_out(oid: int) -> str:
    if oid == 0:
        return "-"
    from ...engine.pgcatalog.builtin import bki_procs, proc_rows

    row = bki_procs()[1].get(oid)
    if row is None:
        for r in proc_rows():
            if r[0] == oid:
                row = r
                break
    if row is None:
        return str(oid)
    return f"{_qident(row[1])}(" + ",".join(regtype_out(a) for a in row[19]) + ")"


# ----------------------------------------------------------------- regnamespace / regrole / regoper


def lookup_namespace(text: str, missing_ok=False):
    s = text.strip()
    if s.isdigit():
        return int(s)
    parts = split_qualified(s)
    if len(parts) != 1:
        raise PgError("invalid name syntax", errcodes.INVALID_NAME)
    cat, _txn = current_catalog()
    ns = cat.namespace(parts[0]) if cat is not None else None
    if ns is None:
        if missing_ok:
            return None
        raise PgError(f'schema "{parts[0]}" does not exist', errcodes.UNDEFINED_SCHEMA)
    return ns.oid


def regnamespace_out(oid: int) -> str:
    if oid == 0:
        return "-"
    cat, _txn = current_catalog()
    ns = cat.namespaces.get(oid) if cat is not None else None
    return _qident(ns.name) if ns is not None else str(oid)


def lookup_role(text: str, missing_ok=False):
    from ...engine import cluster as CL

    s = text.strip()
    if s.isdigit():
        return int(s)
    parts = split_qualified(s)
    if len(parts) != 1:
        raise PgError("invalid name syntax", errcodes.INVALID_NAME)
    r = _role_txn(lambda txn: CL.get_role_by_name(txn, parts[0]))
    if r is None:
        if missing_ok:
            return None
        raise PgError(f'role "{parts[0]}" does not exist', errcodes.UNDEFINED_OBJECT)
    return r["oid"]


def regrole_out(oid: int) -> str:
    from ...engine import cluster as CL

    if oid == 0:
        return "-"
    r = _role_txn(lambda txn: CL.get_role(txn, oid))
    return _qident(r["name"]) if r is not None else str(oid)


def lookup_operator_with_args(text: str, missing_ok=False):
    """regoperatorin: ``+(int4,int4)``, ``-(NONE,int4)``."""
    s = text.strip()
    if s.isdigit():
        return int(s)
    from ...engine.pgcatalog.builtin import operator_rows

    i = s.find("(")
    if i < 0:
        raise PgError("expected a left parenthesis", errcodes.INVALID_TEXT_REPRESENTATION)
    if not s.endswith(")"):
        raise PgError("expected a right parenthesis", errcodes.INVALID_TEXT_REPRESENTATION)
    name = s[:i].strip().split(".")[-1]
    args = [a.strip() for a in s[i + 1:-1].split(",")]
    if len(args) != 2:
        raise PgError("expected two type names" if len(args) < 2 else "too many arguments",
                      errcodes.INVALID_TEXT_REPRESENTATION)
    oids = [0 if a.upper() == "NONE" else lookup_type(a) for a in args]
    for r in operator_rows():
        if r[1] == name and (r[7] or 0) == oids[0] and (r[8] or 0) == oids[1]:
            return r[0]
    if missing_ok:
        return None
    raise PgError(f"operator does not exist: {s}", errcodes.UNDEFINED_FUNCTION)


def lookup_operator(text: str, missing_ok=False):
    s = text.strip()
    if s.isdigit():
        return int(s)
    from ...engine.pgcatalog.builtin import operator_rows

    name = s.split(".")[-1]
    rows = [r for r in operator_rows() if r[1] == name]
    if len(rows) == 1:
        return rows[0][0]
    if missing_ok:
        return None
    if not rows:
        raise PgError(f"operator does not exist: {s}", errcodes.UNDEFINED_FUNCTION)
    raise PgError(f'more than one operator named {s}', errcodes.AMBIGUOUS_FUNCTION)


def regoper_out(oid: int) -> str:
    from ...engine.pgcatalog.builtin import operator_rows

    for r in operator_rows():
        if r[0] == oid:
            return r[1]
    return str(oid)


def regoperator_out(oid: int) -> str:
    from ...engine.pgcatalog.builtin import operator_rows

    for r in operator_rows():
        if r[0] == oid:
            left = regtype_out(r[7]) if r[7] else "NONE"
            return f"{r[1]}({left},{regtype_out(r[8])})"
    return str(oid)


def _guard_out(fn, dash=True):
    def out(v):
        if v == 0:
            return "-" if dash else "0"  # InvalidOid (regoper/regoperator print 0: "-" is an operator)
        try:
            return fn(v)
        except PgError:
            return str(v)
    return out


def _install():
    def _in(lookup, dash=True):
        def f(text, typmod=-1, tz=None):
            if dash and text.strip() == "-":
                return 0
            return lookup(text)
        return f

    T.set_reg_io(T.REGCLASS, _in(lookup_relation), _guard_out(regclass_out))
    T.set_reg_io(T.REGTYPE, _in(lookup_type), _guard_out(regtype_out))
    T.set_reg_io(T.REGPROC, _in(lookup_proc), _guard_out(regproc_out))
    T.set_reg_io(T.REGPROCEDURE, _in(lambda t: lookup_proc(t, with_args=True)), _guard_out(regprocedure_out))
    T.set_reg_io(T.REGNAMESPACE, _in(lookup_namespace), _guard_out(regnamespace_out))
    T.set_reg_io(T.REGROLE, _in(lookup_role), _guard_out(regrole_out))
    T.set_reg_io(T.REGOPER, _in(lookup_operator, False), _guard_out(regoper_out, False))
    T.set_reg_io(T.REGOPERATOR, _in(lookup_operator_with_args, False), _guard_out(regoperator_out, False))
    T.set_regclass_resolver(lookup_relation)


_install()
