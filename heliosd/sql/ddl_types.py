"""User-defined types: enums, composite types and domains.

Statements: CREATE TYPE name AS ENUM (...) / AS (field type, ...), CREATE DOMAIN,
ALTER TYPE (ADD VALUE, RENAME VALUE, RENAME TO, SET SCHEMA, OWNER TO),
ALTER DOMAIN (ADD/DROP/RENAME/VALIDATE CONSTRAINT, SET/DROP DEFAULT, SET/DROP
NOT NULL, RENAME TO, SET SCHEMA, OWNER TO), DROP TYPE / DROP DOMAIN.  They are
parsed with PostgreSQL's own grammar (pglast's JSON parse tree); expressions
(domain CHECK and DEFAULT) are kept as SQL text cut out of the statement and
analyzed by the ordinary analyzer.

Where types live
================

A user type is a :class:`heliosd.engine.catalog.UserType` row in its branch's
catalog, so a fork sees its parent's types and a tenant's types are invisible
to other branches.  The :class:`~heliosd.types.PgType` objects are built per
catalog version (:func:`build_types`, memoized on the immutable Catalog); two
catalog versions with the same definition of a type share one PgType object
(``_SHARED``), so a prepared statement's parameter types stay identical across
unrelated DDL.  They are *not* put in the global type registries: the session
sets :data:`heliosd.types.type_scope` to a :class:`TypeScope` of the catalog
its statement uses, which ``T.by_oid``, ``T.format_type`` and the type-name
resolvers consult after the built-in types.

Values: an enum value is its label (``str``; comparisons, ORDER BY, min/max
use the label's ``enumsortorder``, see ``exec.functions.enums``); a composite
value is a tuple; a domain value is its base type's value, checked (typmod,
CHECK constraints) by the domain's input function and by every coercion to the
domain (``T.make_coercion``); NOT NULL is checked by the table on write.
"""

from __future__ import annotations

import json
import pickle

from .. import errcodes
from .. import types as T
from ..engine import catalog as C
from ..errors import PgError
from . import ddl as D
from .ddl import DdlStatement

# ======================================================================== PgType objects

_SHARED: dict = {}
_SHARED_LIMIT = 20000


def _fingerprint(ut: C.UserType) -> bytes:
    return pickle.dumps((ut.name, ut.namespace, ut.kind, ut.array_oid, ut.owner, list(ut.labels),
                         [(f.name, f.type_oid, f.typmod, f.dropped) for f in ut.fields], ut.relid, ut.base_oid,
                         ut.typmod, ut.not_null, ut.default,
                         [(c.name, c.check, c.validated) for c in ut.checks]), 4)


def _deps(ut: C.UserType) -> list:
    if ut.kind == "c":
        return [f.type_oid for f in ut.fields if not f.dropped]
    if ut.kind == "d":
        return [ut.base_oid]
    return []


def build_types(cat: C.Catalog) -> dict:
    """{oid: PgType} for every user type of ``cat`` and its array type."""
    out: dict = {}
    arrays = {ut.array_oid: ut.oid for ut in cat.user_types.values() if ut.array_oid}
    building: set = set()

    def get(oid):
        # built-in types only: a user type is built here (T.by_oid would consult the scope, i.e. us)
        t = _BUILTIN.get(oid) if oid not in cat.user_types and oid not in arrays else None
        if t is not None:
            return t
        t = out.get(oid)
        if t is not None:
            return t
        if oid in arrays:
            et = get(arrays[oid])
            return et.array if et is not None else None
        ut = cat.user_types.get(oid)
        if ut is None or oid in building:
            return None
        building.add(oid)
        deps = [get(d) for d in _deps(ut)]
        key = (ut.oid, _fingerprint(ut), tuple(id(d) for d in deps))
        t = _SHARED.get(key)
        if t is None:
            t = _build(cat, ut, deps)
            if len(_SHARED) > _SHARED_LIMIT:
                _SHARED.clear()
            _SHARED[key] = (t, deps)  # deps kept alive: their ids are part of the key
        else:
            t = t[0]
        out[ut.oid] = t
        if t.array is not None:
            out[t.array.oid] = t.array
        return t

    for oid in list(cat.user_types):
        get(oid)
    return out


def _no_subqueries(e, what):
    from ..exec import expr as E

    for n in E.walk(e):
        if isinstance(n, E.SubPlan):
            raise PgError(f"cannot use subquery in {what}", errcodes.FEATURE_NOT_SUPPORTED)


C.type_builder = build_types
_BUILTIN = T.core._BY_OID


def _build(cat, ut: C.UserType, deps):
    if ut.kind == "e":
        return T.make_enum_type(ut.oid, ut.name, [(x[0], x[1]) for x in ut.labels], ut.array_oid, ut.namespace,
                                ut.owner, register=False)
    if ut.kind == "c":
        live = [f for f in ut.fields if not f.dropped]
        fields = [(f.name, dt if dt is not None else T.TEXT, f.typmod) for f, dt in zip(live, deps)]
        return T.make_composite_type(ut.oid, ut.name, ut.relid, fields, ut.array_oid, ut.namespace, ut.owner,
                                     register=False)
    base = deps[0] if deps and deps[0] is not None else T.TEXT
    check = _domain_checker(cat, ut, base)
    return T.make_domain_type(ut.oid, ut.name, base, ut.typmod, ut.not_null, ut.array_oid, ut.namespace,
                              ut.owner, default=ut.default, check=check, register=False)


def _schema_name(cat, ns_oid) -> str:
    ns = cat.namespaces.get(ns_oid)
    return ns.name if ns is not None else "public"


def compile_domain_check(cat, ut: C.UserType, base, sql: str, for_ddl: bool = False):
    """f(value) -> True/False/None for one CHECK of a domain (``VALUE`` is the value)."""
    from ..exec.expr import compile_expr
    from .analyze import Analyzer, Env, RangeItem, Scope
    from .parser import parse_sql

    path = ["pg_catalog", _schema_name(cat, ut.namespace), "public"]
    token = T.type_scope.set(TypeScope(cat, lambda: path))
    try:
        an = Analyzer(Env(cat, path, lambda rel: None), f"SELECT {sql}")
        tree = parse_sql(f"SELECT {sql}")
        s = Scope()
        s.add(RangeItem("", ["value"], [base], [ut.typmod]))
        e = an.bool_expr(tree.expressions[0], s, "CHECK")
        _no_subqueries(e, "check constraint")
        f = compile_expr(e)
    finally:
        T.type_scope.reset(token)
    return lambda v, f=f: f((v,))


def _domain_checker(cat, ut: C.UserType, base):
    parent = base.extra.get("check") if base.typtype == "d" and base.extra else None
    if not ut.checks:
        return parent
    compiled = []
    schema = _schema_name(cat, ut.namespace)
    name = ut.name

    def check(v, shown=None):
        # a domain over a domain: the inner CHECKs first, reported with the outer domain's name
        if parent is not None:
            v = parent(v, shown or name)
        if not compiled:
            for con in ut.checks:
                compiled.append((con.name, compile_domain_check(cat, ut, base, con.check)))
        for cname, fn in compiled:
            if fn(v) is False:
                raise PgError(f'value for domain {shown or name} violates check constraint "{cname}"',
                              errcodes.CHECK_VIOLATION, schema=schema, datatype=shown or name,
                              constraint=cname)
        return v

    return check


class TypeScope:
    """What :data:`heliosd.types.type_scope` holds: one catalog's user types, names resolved along
    a search path (``path_fn() -> [schema, ...]``)."""

    __slots__ = ("cat", "path_fn")

    def __init__(self, cat, path_fn):
        self.cat = cat
        self.path_fn = path_fn

    def by_oid(self, oid):
        if not self.cat.user_types:
            return None
        return self.cat.pgtypes().get(oid)

    def by_name(self, name, schema):
        if not self.cat.user_types:
            return None
        hit = self.cat.find_type(name, schema, self.path_fn())
        if hit is None:
            return None
        ut, is_array = hit
        t = self.cat.pgtypes().get(ut.oid)
        if t is None:
            return None
        return t.array if is_array else t

    def qualified_name(self, t) -> str:
        name = quote_ident(t.name)
        hit = self.cat.find_type(t.name, None, self.path_fn())
        if hit is not None and hit[0].oid == t.oid and not hit[1]:
            return name
        return quote_ident(_schema_name(self.cat, t.namespace)) + "." + name


def quote_ident(name: str) -> str:
    from ..engine.table import quote_ident as q

    return q(name)


def domain_default(t) -> str | None:
    """The DEFAULT of a domain (or of a domain under it), SQL text."""
    while t is not None and t.typtype == "d":
        d = t.row.get("typdefault")
        if d is not None:
            return d
        t = t.extra["base"] if t.extra else None
    return None


def domain_not_null(t) -> bool:
    return t.typtype == "d" and bool(t.extra and t.extra.get("not_null"))


# ======================================================================== statements


def analyze_text(an, sql: str) -> DdlStatement:
    from pglast.parser import parse_sql_json

    tree = json.loads(parse_sql_json(sql))["stmts"][0]["stmt"]
    (kind, node), = tree.items()
    raw = sql.encode()
    h = _HANDLERS.get(kind)
    if h is None:
        raise PgError(f"{' '.join(sql.split()[:2]).upper()} ... is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    return h(an, node, raw)


def _strs(lst) -> list[str]:
    return [x["String"]["sval"] for x in lst or []]


def _qualname(names: list[str]) -> tuple:
    """(schema or None, name) of a possibly qualified name (a catalog prefix is ignored)."""
    if len(names) == 1:
        return None, names[0]
    return names[-2], names[-1]


def _display(names: list[str]) -> str:
    return ".".join(names)


def _type_text(tn: dict) -> str:
    """A pglast TypeName as SQL text T.parse_type_name understands."""
    names = _strs(tn.get("names"))
    parts = [n if n == n.lower() and n.replace("_", "a").isalnum() else '"' + n.replace('"', '""') + '"'
             for n in names]
    if len(names) == 2 and names[0] == "pg_catalog":
        parts = [names[1] if names[1] != "char" else '"char"']
    s = ".".join(parts)
    if tn.get("setof"):
        raise PgError("SETOF type not allowed", errcodes.INVALID_OBJECT_DEFINITION)
    mods = []
    for m in tn.get("typmods") or []:
        ac = m.get("A_Const")
        if ac is None or "ival" not in ac:
            raise PgError("type modifiers must be simple constants or identifiers", errcodes.SYNTAX_ERROR)
        mods.append(str(ac["ival"].get("ival", 0)))
    if mods:
        s += "(" + ",".join(mods) + ")"
    s += "[]" * len(tn.get("arrayBounds") or [])
    return s


def _resolve_typename(tn: dict):
    names = _strs(tn.get("names"))
    if names[-1] in ("interval",) and tn.get("typmods"):
        # interval fields/precision: let the full parser handle the text form
        pass
    try:
        return T.parse_type_name(_type_text(tn))
    except PgError as e:
        if e.code == errcodes.UNDEFINED_OBJECT and e.message.startswith("type "):
            shown = _display([n for n in names if n != "pg_catalog"] or names)
            e.message = f'type "{shown}"' + ("[]" if tn.get("arrayBounds") else "") + " does not exist"
            e.args = (e.message,)
        raise


def _creation_ns(ctx, schema):
    return D.creation_namespace(ctx, schema)


def _check_free_name(cat, ns, name):
    if cat.type_name_taken(ns.oid, name):
        raise PgError(f'type "{name}" already exists', errcodes.DUPLICATE_OBJECT)


def _array_oid_name(ctx, name) -> int:
    return ctx.oid()


def _find_type(ctx, names, missing_ok=False, rowtype=None):
    """The user type ``names`` denotes.  ``rowtype`` says what to report when the name is a
    relation's row type instead: 'domain' / 'domain_q' (quoted) / 'enum' / 'alter'."""
    schema, name = _qualname(names)
    cat = ctx.cat
    if schema is not None and cat.namespace(schema) is None:
        raise PgError(f'schema "{schema}" does not exist', errcodes.INVALID_SCHEMA_NAME)
    hit = cat.find_type(name, schema, ctx.search_path)
    if hit is None or hit[1]:
        rel = cat.find_relation(name, schema, ctx.search_path)
        if rel is not None and rel.kind != "i" and rowtype is not None:
            shown = _display(names)
            if rowtype == "domain":
                raise PgError(f"{shown} is not a domain", errcodes.WRONG_OBJECT_TYPE)
            if rowtype == "domain_q":
                raise PgError(f'"{shown}" is not a domain', errcodes.WRONG_OBJECT_TYPE)
            if rowtype == "enum":
                raise PgError(f"{shown} is not an enum", errcodes.WRONG_OBJECT_TYPE)
            raise PgError(f"{shown} is a table's row type", errcodes.WRONG_OBJECT_TYPE,
                          hint="Use ALTER TABLE instead.")
        if missing_ok:
            return None
        raise PgError(f'type "{_display(names)}" does not exist', errcodes.UNDEFINED_OBJECT)
    return hit[0]


def _own(ut: C.UserType) -> C.UserType:
    import copy

    u = copy.copy(ut)
    u.labels = list(ut.labels)
    u.fields = [copy.copy(f) for f in ut.fields]
    u.checks = [copy.copy(c) for c in ut.checks]
    return u


# ------------------------------------------------------------------------ CREATE TYPE AS ENUM


def _enum_label_ok(label: str) -> None:
    if len(label.encode()) > 63:
        raise PgError(f'invalid enum label "{label}"', errcodes.INVALID_NAME,
                      detail="Labels must be 63 bytes or less.")


def create_enum(an, node, raw) -> DdlStatement:
    names = _strs(node["typeName"])
    labels = _strs(node.get("vals"))
    schema, name = _qualname(names)

    def run(ctx):
        cat = ctx.cat
        ns = _creation_ns(ctx, schema)
        _check_free_name(cat, ns, name)
        seen = set()
        for lab in labels:
            _enum_label_ok(lab)
            if lab in seen:
                raise PgError(f'enum label "{lab}" used more than once', errcodes.DUPLICATE_OBJECT)
            seen.add(lab)
        oid = ctx.oid()
        ut = C.UserType(oid, name, ns.oid, "e", array_oid=ctx.oid(), owner=ctx.user_oid,
                        labels=[(lab, float(i + 1), ctx.oid()) for i, lab in enumerate(labels)])
        ctx.write(ut)
        ctx.bump()
        return "CREATE TYPE"

    return DdlStatement("CREATE TYPE", run)


# ------------------------------------------------------------------------ CREATE TYPE AS (...)


def create_composite(an, node, raw) -> DdlStatement:
    tv = node["typevar"]
    schema, name = tv.get("schemaname"), tv["relname"]
    cols = [c["ColumnDef"] for c in node.get("coldeflist") or []]

    def run(ctx):
        cat = ctx.cat
        ns = _creation_ns(ctx, schema)
        _check_free_name(cat, ns, name)
        if cat.relation_name_taken(ns.oid, name):
            raise PgError(f'relation "{name}" already exists', errcodes.DUPLICATE_TABLE)
        fields = []
        seen = set()
        for i, cd in enumerate(cols):
            cname = D.truncate_ident(cd["colname"])
            if cname in seen:
                raise PgError(f'column "{cname}" specified more than once', errcodes.DUPLICATE_COLUMN)
            seen.add(cname)
            t, tm = _resolve_typename(cd["typeName"])
            if t.is_pseudo:
                raise PgError(f"column \"{cname}\" has pseudo-type {T.format_type(t.oid, None)}",
                              errcodes.INVALID_TABLE_DEFINITION)
            fields.append(C.Column(cname, t.oid, tm, attnum=i + 1))
        oid = ctx.oid()
        ut = C.UserType(oid, name, ns.oid, "c", array_oid=ctx.oid(), owner=ctx.user_oid, fields=fields,
                        relid=ctx.oid())
        ctx.write(ut)
        ctx.bump()
        return "CREATE TYPE"

    return DdlStatement("CREATE TYPE", run)


# ------------------------------------------------------------------------ CREATE DOMAIN


def _expr_text(raw: bytes, start: int, end: int | None) -> str:
    s = raw[start:end].decode("utf-8", "replace").strip()
    while s.endswith(";"):
        s = s[:-1].rstrip()
    return s


def _paren_body(text: str) -> str:
    """The text inside the first balanced parentheses of ``text`` (quotes respected)."""
    depth = 0
    start = None
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c in "'\"":
            j = text.find(c, i + 1)
            while j >= 0 and j + 1 < n and text[j + 1] == c:
                j = text.find(c, j + 2)
            i = n if j < 0 else j + 1
            continue
        if c == "(":
            if depth == 0:
                start = i + 1
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and start is not None:
                return text[start:i].strip()
        i += 1
    return text.strip()


def _constraint_texts(raw: bytes, cons: list, end: int | None):
    """[(Constraint dict, its SQL text)] with each text running up to the next constraint."""
    locs = [c["Constraint"].get("location", 0) for c in cons]
    out = []
    for i, c in enumerate(cons):
        nxt = locs[i + 1] if i + 1 < len(locs) else end
        out.append((c["Constraint"], _expr_text(raw, locs[i], nxt)))
    return out


def _default_sql(text: str) -> str:
    # "DEFAULT <expr>"
    t = text.strip()
    if t[:7].upper() == "DEFAULT":
        t = t[7:]
    return t.strip()


def _check_sql(text: str) -> str:
    up = text.upper()
    k = up.find("CHECK")
    return _paren_body(text[k + 5:] if k >= 0 else text)


def _choose_check_name(cat, ns_oid, domain_name, taken) -> str:
    used = set(taken)
    for ut in cat.user_types.values():
        if ut.namespace == ns_oid:
            used.update(c.name for c in ut.checks)
    label = "check"
    n = 0
    while True:
        cand = D.make_object_name(domain_name, None, label)
        if cand not in used and cat.constraints_in_ns(ns_oid, cand) is None:
            return cand
        n += 1
        label = f"check{n}"


def _validate_default(an, ctx, t, typmod, sql):
    from . import resolve as R
    from .analyze import Scope
    from .parser import parse_sql

    tree = parse_sql(f"SELECT {sql}")
    e = an.expr(tree.expressions[0], Scope())
    from ..exec import expr as E

    for n in E.walk(e):
        if isinstance(n, (E.ColRef, E.OuterRef)):
            raise PgError("cannot use column reference in DEFAULT expression", errcodes.FEATURE_NOT_SUPPORTED)
        if isinstance(n, E.SubPlan):
            raise PgError("cannot use subquery in DEFAULT expression", errcodes.FEATURE_NOT_SUPPORTED)
    R.coerce(e, t, typmod, "assignment")


def create_domain(an, node, raw) -> DdlStatement:
    names = _strs(node["domainname"])
    schema, name = _qualname(names)
    tn = node["typeName"]
    cons = _constraint_texts(raw, node.get("constraints") or [], None)

    def run(ctx):
        cat = ctx.cat
        ns = _creation_ns(ctx, schema)
        _check_free_name(cat, ns, name)
        base, typmod = _resolve_typename(tn)
        if base.is_pseudo:
            raise PgError(f'"{T.format_type(base.oid, None)}" is not a valid base type for a domain',
                          errcodes.DATATYPE_MISMATCH)
        not_null = None
        default = None
        checks = []
        taken = []
        oid = ctx.oid()
        ut = C.UserType(oid, name, ns.oid, "d", array_oid=0, owner=ctx.user_oid, base_oid=base.oid,
                        typmod=typmod)
        for c, text in cons:
            ct = c["contype"]
            if ct == "CONSTR_NOTNULL" or ct == "CONSTR_NULL":
                want = ct == "CONSTR_NOTNULL"
                if not_null is not None and not_null != want:
                    raise PgError("conflicting NULL/NOT NULL constraints", errcodes.SYNTAX_ERROR)
                not_null = want
            elif ct == "CONSTR_DEFAULT":
                if default is not None:
                    raise PgError("multiple default expressions", errcodes.SYNTAX_ERROR)
                default = _default_sql(text)
                _validate_default(an, ctx, base, typmod, default)
            elif ct == "CONSTR_CHECK":
                if c.get("is_no_inherit"):
                    raise PgError("check constraints for domains cannot be marked NO INHERIT",
                                  errcodes.SYNTAX_ERROR)
                sql = _check_sql(text)
                cname = c.get("conname") or _choose_check_name(cat, ns.oid, name, taken)
                if cname in taken:
                    raise PgError(f'constraint "{cname}" for domain "{name}" already exists',
                                  errcodes.DUPLICATE_OBJECT)
                compile_domain_check(cat, ut, base, sql)  # validates: boolean, columns, functions
                taken.append(cname)
                checks.append(C.Constraint(ctx.oid(), cname, ns.oid, "c", 0, check=sql,
                                           validated=not c.get("skip_validation")))
            elif ct in ("CONSTR_UNIQUE", "CONSTR_PRIMARY", "CONSTR_FOREIGN", "CONSTR_EXCLUSION"):
                kind = {"CONSTR_UNIQUE": "unique", "CONSTR_PRIMARY": "primary key",
                        "CONSTR_FOREIGN": "foreign key", "CONSTR_EXCLUSION": "exclusion"}[ct]
                raise PgError(f"{kind} constraints not possible for domains", errcodes.SYNTAX_ERROR)
            else:
                raise PgError("constraints of this kind are not supported for domains",
                              errcodes.FEATURE_NOT_SUPPORTED)
        ut.not_null = bool(not_null)
        ut.default = default
        ut.checks = checks
        ut.array_oid = ctx.oid()
        ctx.write(ut)
        ctx.bump()
        return "CREATE DOMAIN"

    return DdlStatement("CREATE DOMAIN", run)


# ------------------------------------------------------------------------ ALTER TYPE ... VALUE


def _f4(x: float) -> float:
    return T.to_float4(x)


def alter_enum(an, node, raw) -> DdlStatement:
    names = _strs(node["typeName"])
    new = node.get("newVal")
    old = node.get("oldVal")
    nbr = node.get("newValNeighbor")
    after = bool(node.get("newValIsAfter"))
    skip = bool(node.get("skipIfNewValExists"))

    def run(ctx):
        ut0 = _find_type(ctx, names, rowtype="enum")
        if ut0.kind != "e":
            raise PgError(f"{_shown(ut0)} is not an enum", errcodes.WRONG_OBJECT_TYPE)
        ut = _own(ut0)
        labels = list(ut.labels)
        have = {x[0] for x in labels}
        if old is not None:  # RENAME VALUE
            if old not in have:
                raise PgError(f'"{old}" is not an existing enum label', errcodes.INVALID_PARAMETER_VALUE)
            if new in have:
                raise PgError(f'enum label "{new}" already exists', errcodes.DUPLICATE_OBJECT)
            _enum_label_ok(new)
            ut.labels = [(new if x[0] == old else x[0],) + tuple(x[1:]) for x in labels]
            # rows store the label itself: stored values of the old label follow the rename
            # (PostgreSQL stores the label's OID, so its rows need no change)
            _rename_label_in_data(ctx, ut, old, new)
        else:
            if new in have:
                if skip:
                    ctx.notice(f'enum label "{new}" already exists, skipping', errcodes.DUPLICATE_OBJECT)
                    return "ALTER TYPE"
                raise PgError(f'enum label "{new}" already exists', errcodes.DUPLICATE_OBJECT)
            _enum_label_ok(new)
            ut.labels = _add_label(labels, new, nbr, after, ctx.oid())
        ctx.write(ut)
        ctx.bump()
        return "ALTER TYPE"

    return DdlStatement("ALTER TYPE", run)


def _label_mapper(cat, t_oid, enum_oid, old, new, seen=None):
    """f(value) -> value with ``old`` replaced by ``new`` for a value of type ``t_oid``, or None when
    values of that type cannot contain the enum."""
    if t_oid == enum_oid:
        return lambda v: new if v == old else v
    seen = seen or set()
    if t_oid in seen:
        return None
    seen = seen | {t_oid}
    ut = cat.user_types.get(t_oid)
    if ut is None:
        owner = next((u for u in cat.user_types.values() if u.array_oid == t_oid), None)
        if owner is None:
            return None
        em = _label_mapper(cat, owner.oid, enum_oid, old, new, seen)
        if em is None:
            return None

        def arr(v):
            return [None if x is None else (arr(x) if x.__class__ is list else em(x)) for x in v]

        return arr
    if ut.kind == "d":
        return _label_mapper(cat, ut.base_oid, enum_oid, old, new, seen)
    if ut.kind == "c":
        live = [f for f in ut.fields if not f.dropped]
        maps = [_label_mapper(cat, f.type_oid, enum_oid, old, new, seen) for f in live]
        if all(m is None for m in maps):
            return None
        return lambda v: tuple(x if x is None or m is None else m(x) for x, m in zip(v, maps))
    return None


def _rename_label_in_data(ctx, ut, old, new):
    cat = ctx.cat
    work = []
    for r in cat.relations.values():
        if r.kind not in ("r", "m", "p"):
            continue
        live = r.live_columns
        maps = [_label_mapper(cat, c.type_oid, ut.oid, old, new) for c in live]
        if any(m is not None for m in maps):
            work.append((r, maps))
    # referenced tables first, so a foreign key over the enum sees the new label in its parent
    referenced = {con.ref_table for con in cat.constraints.values() if con.kind == "f"}
    work.sort(key=lambda w: (w[0].oid not in referenced, w[0].oid))
    # The rename is a bijection on labels: uniqueness and foreign keys still hold, so rows and
    # index entries are rewritten directly (keys change where an enum column is in them).
    txn, bid = ctx.txn, ctx.bid
    for r, maps in work:
        store = ctx.table_store_fn(r, cat)
        for key, row in list(store.scan(txn, bid)):
            new_row = tuple(v if v is None or m is None else m(v) for v, m in zip(row, maps))
            if new_row == row:
                continue
            new_key = store.row_key(new_row) if store.row_key is not None else key
            for info, _v, ik in store._index_entries(row, key):
                txn.put(bid, info.oid, ik, None)
            if new_key != key:
                txn.put(bid, store.oid, key, None)
            txn.put(bid, store.oid, new_key, store.encode_row(new_row))
            for info, _v, ik in store._index_entries(new_row, new_key):
                txn.put(bid, info.oid, ik, new_key)


def _add_label(labels, new, nbr, after, oid):
    """PostgreSQL's AddEnumLabel: float4 sort orders between the neighbours, renumbering when
    they get too close.  ``labels``: [(label, sortorder, oid)] in order."""
    if nbr is None:
        top = labels[-1][1] if labels else 0.0
        return labels + [(new, _f4(top + 1), oid)]
    idx = next((i for i, x in enumerate(labels) if x[0] == nbr), None)
    if idx is None:
        raise PgError(f'"{nbr}" is not an existing enum label', errcodes.INVALID_PARAMETER_VALUE)
    for _attempt in range(2):
        other = idx + 1 if after else idx - 1
        n_o = labels[idx][1]
        if 0 <= other < len(labels):
            o_o = labels[other][1]
            val = _f4(n_o + _f4(_f4(o_o - n_o) / 2))
            if val == n_o or val == o_o:
                labels = [(x[0], float(i + 1), x[2]) for i, x in enumerate(labels)]
                continue
        else:
            val = _f4(n_o + 1) if after else _f4(n_o - 1)
        pos = idx + 1 if after else idx
        return labels[:pos] + [(new, val, oid)] + labels[pos:]
    raise PgError("could not add enum label", errcodes.INTERNAL_ERROR)


# ------------------------------------------------------------------------ RENAME / SET SCHEMA / OWNER


def _object_names(node) -> list[str]:
    obj = node.get("object")
    if isinstance(obj, dict) and "List" in obj:
        return _strs(obj["List"]["items"])
    if isinstance(obj, dict) and "TypeName" in obj:
        return _strs(obj["TypeName"]["names"])
    return []


def _check_kind(ut, names, domain: bool, quoted: bool = False):
    if domain and ut.kind != "d":
        if quoted:
            raise PgError(f'"{_display(names)}" is not a domain', errcodes.WRONG_OBJECT_TYPE)
        raise PgError(f"{_shown(ut)} is not a domain", errcodes.WRONG_OBJECT_TYPE)


def _shown(ut) -> str:
    """format_type_be: the name, schema-qualified when not visible."""
    t = T.by_oid(ut.oid, None)
    return T.format_type(ut.oid, None) if t is not None else ut.name


def rename(an, node, raw) -> DdlStatement:
    rt = node["renameType"]
    names = _object_names(node)
    newname = D.truncate_ident(node["newname"])
    tag = "ALTER DOMAIN" if rt in ("OBJECT_DOMAIN", "OBJECT_DOMCONSTRAINT") else "ALTER TYPE"
    if rt not in ("OBJECT_TYPE", "OBJECT_DOMAIN", "OBJECT_DOMCONSTRAINT"):
        raise PgError(f"{tag} ... RENAME of this kind is not supported", errcodes.FEATURE_NOT_SUPPORTED)

    def run(ctx):
        found = _find_type(ctx, names, missing_ok=bool(node.get("missing_ok")),
                           rowtype="alter" if rt == "OBJECT_TYPE" else "domain")
        if found is None:
            ctx.notice(f'type "{_display(names)}" does not exist, skipping')
            return tag
        ut = _own(found)
        _check_kind(ut, names, rt != "OBJECT_TYPE")
        if rt == "OBJECT_DOMCONSTRAINT":
            sub = node["subname"]
            con = next((c for c in ut.checks if c.name == sub), None)
            if con is None:
                raise PgError(f'constraint "{sub}" for domain "{ut.name}" does not exist',
                              errcodes.UNDEFINED_OBJECT)
            if any(c.name == newname for c in ut.checks):
                raise PgError(f'constraint "{newname}" for domain "{ut.name}" already exists',
                              errcodes.DUPLICATE_OBJECT)
            con.name = newname
        else:
            _check_free_name(ctx.cat, ctx.cat.namespaces[ut.namespace], newname)
            ut.name = newname
        ctx.write(ut)
        ctx.bump()
        return tag

    return DdlStatement(tag, run)


def _alter_target(node):
    """(object type, qualified name, command tag) of ALTER TYPE/DOMAIN ... SET SCHEMA/OWNER TO."""
    ot = node["objectType"]
    return ot, _object_names(node), "ALTER DOMAIN" if ot == "OBJECT_DOMAIN" else "ALTER TYPE"


def set_schema(an, node, raw) -> DdlStatement:
    ot, names, tag = _alter_target(node)
    newschema = node["newschema"]

    def run(ctx):
        ut0 = _find_type(ctx, names, missing_ok=bool(node.get("missing_ok")),
                         rowtype="domain" if ot == "OBJECT_DOMAIN" else "alter")
        if ut0 is None:
            ctx.notice(f'type "{_display(names)}" does not exist, skipping')
            return tag
        _check_kind(ut0, names, ot == "OBJECT_DOMAIN")
        cat = ctx.cat
        ns = cat.namespace(newschema)
        if ns is None:
            raise PgError(f'schema "{newschema}" does not exist', errcodes.INVALID_SCHEMA_NAME)
        if ns.oid == ut0.namespace:
            return tag
        _check_free_name(cat, ns, ut0.name)
        ut = _own(ut0)
        ut.namespace = ns.oid
        ctx.write(ut)
        ctx.bump()
        return tag

    return DdlStatement(tag, run)


def set_owner(an, node, raw) -> DdlStatement:
    ot, names, tag = _alter_target(node)
    spec = node["newowner"]

    def run(ctx):
        ut0 = _find_type(ctx, names, rowtype="domain" if ot == "OBJECT_DOMAIN" else "alter")
        _check_kind(ut0, names, ot == "OBJECT_DOMAIN")
        owner = _role_oid(an, ctx, spec)
        ut = _own(ut0)
        ut.owner = owner
        ctx.write(ut)
        ctx.bump()
        return tag

    return DdlStatement(tag, run)


def _role_oid(an, ctx, spec) -> int:
    rt = spec.get("roletype")
    if rt in ("ROLESPEC_CURRENT_USER", "ROLESPEC_SESSION_USER", "ROLESPEC_CURRENT_ROLE"):
        return ctx.user_oid
    from ..engine import cluster as CL

    name = spec.get("rolename")
    role = CL.get_role_by_name(ctx.txn, name)
    if role is None:
        raise PgError(f'role "{name}" does not exist', errcodes.UNDEFINED_OBJECT)
    return role["oid"]


# ------------------------------------------------------------------------ ALTER DOMAIN


def _domain_columns(cat, oid):
    """(relation, column) of the table columns whose type is the domain."""
    out = []
    for r in cat.relations.values():
        if r.kind not in ("r", "m", "p"):
            continue
        for c in r.live_columns:
            if c.type_oid == oid:
                out.append((r, c))
    return out


def alter_domain(an, node, raw) -> DdlStatement:
    sub = node["subtype"]
    names = _strs(node["typeName"])

    def run(ctx):
        ut0 = _find_type(ctx, names, rowtype="domain")
        _check_kind(ut0, names, True)
        ut = _own(ut0)
        cat = ctx.cat
        base = T.by_oid(ut.base_oid)
        if sub == "T":  # SET/DROP DEFAULT
            d = node.get("def")
            if d is None:
                ut.default = None
            else:
                loc = _first_location(d)
                text = _expr_text(raw, loc, None) if loc is not None else None
                _validate_default(an, ctx, base, ut.typmod, text)
                ut.default = text
        elif sub in ("N", "O"):  # DROP / SET NOT NULL
            if sub == "O" and not ut.not_null:
                for r, c in _domain_columns(cat, ut.oid):
                    store = ctx.table_store_fn(r, cat)
                    pos = store.pos[c.attnum]
                    for _k, row in store.scan(ctx.txn, ctx.bid):
                        if row[pos] is None:
                            raise PgError(f'column "{c.name}" of table "{r.name}" contains null values',
                                          errcodes.NOT_NULL_VIOLATION, schema=_schema_name(cat, r.namespace),
                                          table=r.name, column=c.name)
            ut.not_null = sub == "O"
        elif sub == "C":  # ADD CONSTRAINT
            c = node["def"]["Constraint"]
            if c["contype"] != "CONSTR_CHECK":
                if c["contype"] == "CONSTR_NOTNULL":
                    raise PgError("use ALTER DOMAIN ... SET NOT NULL instead", errcodes.SYNTAX_ERROR)
                raise PgError("constraints of this kind are not supported for domains",
                              errcodes.FEATURE_NOT_SUPPORTED)
            text = _expr_text(raw, c.get("location", 0), None)
            sql = _check_sql(text)
            cname = c.get("conname")
            if cname and any(x.name == cname for x in ut.checks):
                raise PgError(f'constraint "{cname}" for domain "{ut.name}" already exists',
                              errcodes.DUPLICATE_OBJECT)
            cname = cname or _choose_check_name(cat, ut.namespace, ut.name, [])
            fn = compile_domain_check(cat, ut, base, sql)
            valid = not c.get("skip_validation")
            if valid:
                for r, col in _domain_columns(cat, ut.oid):
                    store = ctx.table_store_fn(r, cat)
                    pos = store.pos[col.attnum]
                    for _k, row in store.scan(ctx.txn, ctx.bid):
                        if row[pos] is not None and fn(row[pos]) is False:
                            raise PgError(f'column "{col.name}" of table "{r.name}" contains values that '
                                          f'violate the new constraint', errcodes.CHECK_VIOLATION,
                                          schema=_schema_name(cat, r.namespace), table=r.name, column=col.name)
            ut.checks.append(C.Constraint(ctx.oid(), cname, ut.namespace, "c", 0, check=sql, validated=valid))
        elif sub == "X":  # DROP CONSTRAINT
            cname = node["name"]
            keep = [x for x in ut.checks if x.name != cname]
            if len(keep) == len(ut.checks):
                if node.get("missing_ok"):
                    ctx.notice(f'constraint "{cname}" of domain "{ut.name}" does not exist, skipping')
                    return "ALTER DOMAIN"
                raise PgError(f'constraint "{cname}" of domain "{ut.name}" does not exist',
                              errcodes.UNDEFINED_OBJECT)
            ut.checks = keep
        elif sub == "V":  # VALIDATE CONSTRAINT
            cname = node["name"]
            con = next((x for x in ut.checks if x.name == cname), None)
            if con is None:
                raise PgError(f'constraint "{cname}" of domain "{ut.name}" does not exist',
                              errcodes.UNDEFINED_OBJECT)
            fn = compile_domain_check(cat, ut, base, con.check)
            for r, col in _domain_columns(cat, ut.oid):
                store = ctx.table_store_fn(r, cat)
                pos = store.pos[col.attnum]
                for _k, row in store.scan(ctx.txn, ctx.bid):
                    if row[pos] is not None and fn(row[pos]) is False:
                        raise PgError(f'column "{col.name}" of table "{r.name}" contains values that '
                                      f'violate the new constraint', errcodes.CHECK_VIOLATION)
            con.validated = True
        else:
            raise PgError("ALTER DOMAIN variant not supported", errcodes.FEATURE_NOT_SUPPORTED)
        ctx.write(ut)
        ctx.bump()
        return "ALTER DOMAIN"

    return DdlStatement("ALTER DOMAIN", run)


def _first_location(node):
    best = None
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            loc = x.get("location")
            if isinstance(loc, int) and loc >= 0 and (best is None or loc < best):
                best = loc
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return best


# ------------------------------------------------------------------------ DROP TYPE / DOMAIN


def _dependents(cat, ut: C.UserType) -> list:
    """[(kind, description, object)] of what uses the type (or its array type)."""
    oids = {ut.oid, ut.array_oid}
    out = []
    tname = T.format_type(ut.oid, None) if T.by_oid(ut.oid, None) is not None else ut.name
    for r in sorted(cat.relations.values(), key=lambda r: r.oid):
        for c in r.live_columns:
            if c.type_oid in oids:
                what = {"r": "table", "v": "view", "m": "materialized view"}.get(r.kind, "table")
                if r.kind in ("v", "m", "i", "S"):
                    continue
                out.append(("column", f"column {c.name} of {what} {r.name}", (r, c), c.type_oid))
    for other in sorted(cat.user_types.values(), key=lambda u: u.oid):
        if other.oid == ut.oid:
            continue
        if other.kind == "d" and other.base_oid in oids:
            out.append(("type", f"type {other.name}", other, other.base_oid))
        if other.kind == "c":
            for f in other.fields:
                if not f.dropped and f.type_oid in oids:
                    out.append(("field", f"column {f.name} of composite type {other.name}", (other, f),
                                f.type_oid))
    _ = tname

    def order(d):
        o = d[2]
        if d[0] == "column":
            return (o[0].oid, o[1].attnum)
        if d[0] == "field":
            return (o[0].oid, o[1].attnum)
        return (o.oid, 0)

    out.sort(key=order)
    return out


def drop_types(an, node, raw) -> DdlStatement:
    domain = node["removeType"] == "OBJECT_DOMAIN"
    tag = "DROP DOMAIN" if domain else "DROP TYPE"
    objs = [_strs(o["TypeName"]["names"]) for o in node.get("objects") or []]
    missing_ok = bool(node.get("missing_ok"))
    cascade = node.get("behavior") == "DROP_CASCADE"

    def run(ctx):
        targets = []
        for names in objs:
            ut = _find_type(ctx, names, missing_ok=True)
            if ut is None:
                schema, nm = _qualname(names)
                rel = ctx.cat.find_relation(nm, schema, ctx.search_path) if \
                    schema is None or ctx.cat.namespace(schema) is not None else None
                if rel is not None and rel.kind != "i":
                    if domain:
                        raise PgError(f'"{_display(names)}" is not a domain', errcodes.WRONG_OBJECT_TYPE)
                    what = {"v": "view", "m": "materialized view", "S": "sequence"}.get(rel.kind, "table")
                    raise PgError(f"cannot drop type {_display(names)} because {what} {rel.name} requires it",
                                  errcodes.DEPENDENT_OBJECTS_STILL_EXIST,
                                  hint=f"You can drop {what} {rel.name} instead.")
                schema, _n = _qualname(names)
                if schema is not None and ctx.cat.namespace(schema) is None and not missing_ok:
                    raise PgError(f'schema "{schema}" does not exist', errcodes.INVALID_SCHEMA_NAME)
                if missing_ok:
                    ctx.notice(f'type "{_display(names)}" does not exist, skipping')
                    continue
                raise PgError(f'type "{_display(names)}" does not exist', errcodes.UNDEFINED_OBJECT)
            if domain and ut.kind != "d":
                raise PgError(f'"{_display(names)}" is not a domain', errcodes.WRONG_OBJECT_TYPE)
            targets.append(ut)
        _drop(an, ctx, targets, cascade)
        return tag

    return DdlStatement(tag, run)


def _drop(an, ctx, targets, cascade):
    cat = ctx.cat
    dropping = {ut.oid for ut in targets}
    # PostgreSQL lists what a cascade reaches, transitively
    notes = []
    todo = list(targets)
    cols = []
    fields = []
    seen = set(dropping)
    while todo:
        ut = todo.pop(0)
        for kind, desc, obj, via in _dependents(cat, ut):
            if kind == "type":
                if obj.oid in seen:
                    continue
                seen.add(obj.oid)
                todo.append(obj)
                notes.append(desc)
            elif kind == "column":
                if obj not in cols:
                    cols.append(obj)
                    notes.append(desc)
            elif kind == "field":
                if obj[0].oid in seen:
                    continue
                fields.append(obj)
                notes.append(desc)
    if notes and not cascade:
        first = targets[0]
        tn = first.name
        dets = []
        for ut in targets:
            for _k, desc, _o, via in _dependents(cat, ut):
                vt = ut.name + ("[]" if via == ut.array_oid and via != ut.oid else "")
                dets.append(f"{desc} depends on type {vt}")
        raise PgError(f"cannot drop type {tn} because other objects depend on it",
                      errcodes.DEPENDENT_OBJECTS_STILL_EXIST, detail="\n".join(dets),
                      hint="Use DROP ... CASCADE to drop the dependent objects too.")
    if notes:
        if len(notes) == 1:
            ctx.notice(f"drop cascades to {notes[0]}")
        else:
            ctx.notice(f"drop cascades to {len(notes)} other objects",
                       detail="\n".join(f"drop cascades to {n}" for n in notes))
    for r, c in cols:
        from .alter import _drop_column

        rel = ctx.cat.relations.get(r.oid)
        if rel is not None and rel.column(c.name) is not None:
            _drop_column(an, ctx, rel, c.name, False, True)
            ctx.bump()
    changed: dict = {}
    for ut, f in fields:
        u = changed.get(ut.oid)
        if u is None:
            cur = ctx.cat.user_types.get(ut.oid)
            if cur is None:
                continue
            u = changed[ut.oid] = _own(cur)
        for g in u.fields:
            if g.attnum == f.attnum:
                g.dropped = True
                g.name = f"........pg.dropped.{g.attnum}........"
                g.type_oid = 0
    for u in changed.values():
        ctx.write(u)
    for oid in seen:
        ctx.delete(oid)
    ctx.bump()


def comment(an, node, raw) -> DdlStatement:
    ot = node["objtype"]
    text = node.get("comment") or None
    obj = node["object"]

    def run(ctx):
        if ot == "OBJECT_DOMCONSTRAINT":
            items = obj["List"]["items"]
            names = _strs(items[0]["TypeName"]["names"])
            cname = items[1]["String"]["sval"]
            ut = _own(_find_type(ctx, names, rowtype="domain"))
            _check_kind(ut, names, True)
            con = next((c for c in ut.checks if c.name == cname), None)
            if con is None:
                raise PgError(f'constraint "{cname}" for domain "{ut.name}" does not exist',
                              errcodes.UNDEFINED_OBJECT)
            con.comment = text
        else:
            names = _strs(obj["TypeName"]["names"])
            ut = _own(_find_type(ctx, names, rowtype="domain_q" if ot == "OBJECT_DOMAIN" else None))
            _check_kind(ut, names, ot == "OBJECT_DOMAIN", quoted=True)
            ut.comment = text
        ctx.write(ut)
        ctx.bump()
        return "COMMENT"

    return DdlStatement("COMMENT", run)


_HANDLERS = {
    "CommentStmt": comment,
    "CreateEnumStmt": create_enum,
    "CompositeTypeStmt": create_composite,
    "CreateDomainStmt": create_domain,
    "AlterEnumStmt": alter_enum,
    "RenameStmt": rename,
    "AlterObjectSchemaStmt": set_schema,
    "AlterOwnerStmt": set_owner,
    "AlterDomainStmt": alter_domain,
    "DropStmt": drop_types,
}


# ======================================================================== expressions


def field_select(base, field: str):
    """``(composite).field`` for a value of a user composite type, or None."""
    from ..exec import expr as E

    t = base.type
    tms = t.extra.get("typmods") or []
    for i, (n, ft) in enumerate(t.extra["fields"]):
        if n == field:
            return E.Func(lambda v, i=i: None if v is None else v[i], [base], ft,
                          tms[i] if i < len(tms) else -1, name=field)
    return None


def row_to_composite(e, target, context, position=None):
    """ROW(...) coerced to a composite type: field by field (coerce_record_to_complex)."""
    from ..exec import expr as E
    from . import resolve as R

    fields = target.extra["fields"]
    tms = target.extra.get("typmods") or [-1] * len(fields)
    if len(e.items) != len(fields):
        raise PgError(f"cannot cast type record to {T.format_type(target.oid, None)}", errcodes.CANNOT_COERCE,
                      position=position,
                      detail="Input has too few columns." if len(e.items) < len(fields) else
                      "Input has too many columns.")
    items = []
    for i, (x, (_n, ft), tm) in enumerate(zip(e.items, fields, tms)):
        try:
            items.append(R.coerce(x, ft, tm, "explicit" if context == "explicit" else "implicit"))
        except PgError as err:
            if err.code in (errcodes.DATATYPE_MISMATCH, errcodes.CANNOT_COERCE) and \
                    x.type is not T.UNKNOWN:
                raise PgError(f"cannot cast type record to {T.format_type(target.oid, None)}",
                              errcodes.CANNOT_COERCE, position=position,
                              detail=f"Cannot cast type {R.type_name(x.type)} to {R.type_name(ft)} in "
                                     f"column {i + 1}.") from None
            raise
    return E.RowExpr(items, target, names=[n for n, _t in fields])
