"""The per-branch catalog: schemas, tables, columns, indexes, constraints,
sequences and views, stored as ordinary MVCC rows inside the branch.

Because the catalog lives in the branch, a fork inherits its parent's schema
for free and a tenant can be migrated independently: DDL in a branch writes
that branch's catalog rows only.

Key layout (object ids inside every branch)
===========================================

::

    OBJ_CATALOG   enc_int(oid)  -> pickle(Namespace | Relation | Constraint)
    OBJ_CATVER    b""           -> u64 token (globally unique; changed by every DDL)
    OBJ_SEQVALS   enc_int(oid)  -> marshal((last_value, is_called))  sequences
    <table oid>   row keys      -> rows       (see heliosd.engine.table)
    <index oid>   index keys    -> pk bytes

and in the system branch (0), cluster-wide: roles, databases, branch grants
(see :mod:`heliosd.engine.cluster`).

Invariants
==========

1. Every DDL statement that changes a branch's catalog writes a fresh token
   (allocated from the global OID counter) to OBJ_CATVER in that branch, in
   the same transaction.  Hence a token names exactly one catalog content,
   forever; a :class:`Catalog` built for a token is immutable and may be
   shared by every branch whose catalog version is that token (all tenants
   forked from a template share one Catalog object and its plan cache
   until their schema diverges).
2. OIDs come from the global allocator and are never reused, so an object
   keeps its OID across sessions, restarts and forks.
3. Table and index data live under the object id = the relation's OID.
   Dropping a relation deletes its catalog row; its data is removed in the
   same transaction (small) or left to vacuum (see ``truncate_object``).

Temporary objects
=================

A session's temporary tables, views, sequences and indexes are ordinary
catalog rows of the branch the session is on when it creates them, in the
namespace ``pg_temp_N`` (N = the session's temp slot, the smallest slot no
live session holds, as PostgreSQL's backend ids); their data are ordinary rows
too, so transactions, savepoints, indexes, constraints, TRUNCATE and ALTER
work on them unchanged.  Isolation comes from name resolution, from the
lifecycle below and from forks, not from storage:

4. Only the owning session resolves ``pg_temp_N``: the session puts it first
   in its relation search path (or where ``pg_temp`` stands explicitly),
   ``pg_temp.x`` means its own schema, and any other ``pg_temp_M`` name is
   refused with 0A000 by :meth:`Catalog.find_relation` (the ContextVar
   :data:`temp_scope` says which temp schema the running statement owns).
   Other sessions see the rows only in pg_class/pg_namespace, as PostgreSQL.
5. The transaction that creates ``pg_temp_N`` in a branch also records
   ``(branch, namespace oid)`` in the system branch (``OBJ_TEMP_REGISTRY``).
   A session's end drops its temp namespaces in every branch it made one in
   (:func:`drop_temp_namespace`) and deletes the record in one transaction;
   the slot is freed only then.  At server start every recorded namespace is
   dropped (:func:`cleanup_temp_namespaces`): a crash or kill never leaves
   temp objects behind, and a slot is never handed out while leftovers of its
   previous owner exist (a leftover found anyway is emptied before reuse).
6. CREATE BRANCH removes every ``pg_temp_*`` namespace and its objects from
   the fork's catalog in the forking transaction (:func:`strip_temp_objects`),
   so a fork never shows the parent's sessions' temp objects, and a session in
   the fork that gets the same slot starts empty.  Their rows stay unreachable
   in the shared ancestor level (OIDs are never reused) until the parent's
   owner drops them and vacuum can reclaim the level.
"""

from __future__ import annotations

import contextvars
import marshal
import pickle
import struct
from dataclasses import dataclass, field

from .. import errcodes
from .. import types as T
from ..errors import PgError
from ..storage import keycode

OBJ_CATALOG = 3
OBJ_CATVER = 4
OBJ_SEQVALS = 5

PG_CATALOG_NS = 11
PUBLIC_NS = 2200
INFORMATION_SCHEMA_NS = 13183
PG_TOAST_NS = 99
BOOTSTRAP_SUPERUSER = 10

#: system branch object: enc_int(bid) + enc_int(namespace oid) -> marshal((bid, ns oid, slot)) (invariant 5)
OBJ_TEMP_REGISTRY = 30

TEMP_NS_PREFIX = "pg_temp_"

#: the temp schema name (``pg_temp_N``) of the session running the statement, or None
temp_scope: contextvars.ContextVar = contextvars.ContextVar("helios_temp_scope", default=None)


def is_temp_ns_name(name: str) -> bool:
    return name.startswith(TEMP_NS_PREFIX) and name[len(TEMP_NS_PREFIX):].isdigit()


def other_temp_error() -> PgError:
    return PgError("cannot access temporary tables of other sessions", errcodes.FEATURE_NOT_SUPPORTED)


@dataclass
class Column:
    name: str
    type_oid: int
    typmod: int = -1
    not_null: bool = False
    default: str | None = None  # SQL text of the default expression
    attnum: int = 0  # 1-based physical position; never reused
    identity: str = ""  # '' | 'a' (ALWAYS) | 'd' (BY DEFAULT)
    generated: str = ""  # '' | 's' (stored generated column)
    dropped: bool = False
    has_missing: bool = False  # ADD COLUMN ... DEFAULT const without rewrite
    missing: object = None
    comment: str | None = None
    collation: int = 0

    @property
    def type(self):
        return T.by_oid(self.type_oid)


@dataclass
class IndexKey:
    attnum: int = 0  # 0 when expression
    expr: str | None = None  # SQL text for expression keys
    desc: bool = False
    nulls_first: bool | None = None  # None = default for the direction
    opclass: str | None = None
    collation: str | None = None

    @property
    def effective_nulls_first(self) -> bool:
        return self.desc if self.nulls_first is None else self.nulls_first


@dataclass
class IndexDef:
    table: int
    keys: list[IndexKey]
    unique: bool = False
    primary: bool = False
    predicate: str | None = None
    constraint: int | None = None
    nulls_not_distinct: bool = False
    method: str = "btree"
    include: list[int] = field(default_factory=list)
    valid: bool = True


@dataclass
class SequenceDef:
    type_oid: int = 20
    start: int = 1
    increment: int = 1
    min: int = 1
    max: int = 9223372036854775807
    cache: int = 1
    cycle: bool = False
    owned_by: tuple | None = None  # (table oid, attnum)


@dataclass
class Namespace:
    oid: int
    name: str
    owner: int = BOOTSTRAP_SUPERUSER
    comment: str | None = None
    acl: list | None = None
    kind = "n"


@dataclass
class Relation:
    oid: int
    name: str
    namespace: int
    kind: str  # 'r' table, 'v' view, 'S' sequence, 'i' index, 'm' matview
    owner: int = BOOTSTRAP_SUPERUSER
    columns: list[Column] = field(default_factory=list)
    pk: int | None = None  # oid of the primary key index
    view_sql: str | None = None
    index: IndexDef | None = None
    seq: SequenceDef | None = None
    comment: str | None = None
    persistence: str = "p"
    options: list | None = None
    acl: list | None = None
    check_option: str | None = None

    @property
    def live_columns(self) -> list[Column]:
        return [c for c in self.columns if not c.dropped]

    def column(self, name: str) -> Column | None:
        for c in self.columns:
            if not c.dropped and c.name == name:
                return c
        return None

    def column_by_attnum(self, attnum: int) -> Column | None:
        for c in self.columns:
            if c.attnum == attnum:
                return c
        return None


@dataclass
class Constraint:
    oid: int
    name: str
    namespace: int
    kind: str  # 'p' primary, 'u' unique, 'c' check, 'f' foreign key
    table: int
    columns: list[int] = field(default_factory=list)  # attnums
    check: str | None = None  # SQL text
    index: int | None = None
    ref_table: int | None = None
    ref_columns: list[int] = field(default_factory=list)
    on_update: str = "a"  # a=no action r=restrict c=cascade n=set null d=set default
    on_delete: str = "a"
    match: str = "s"
    deferrable: bool = False
    deferred: bool = False
    validated: bool = True
    no_inherit: bool = False
    comment: str | None = None


@dataclass
class UserType:
    """A user-defined type (CREATE TYPE ... AS ENUM / AS (...), CREATE DOMAIN).

    ``kind``: 'e' enum, 'c' composite, 'd' domain.  Enum labels are
    ``[(label, sortorder, pg_enum oid)]`` in sort order (sortorder is PostgreSQL's float
    enumsortorder: ADD VALUE BEFORE/AFTER takes a value between neighbours, so
    existing labels keep theirs).  A composite's ``fields`` are Columns and
    ``relid`` its pg_class OID (relkind 'c').  A domain has ``base_oid``/
    ``typmod``, ``not_null``, ``default`` (SQL text) and ``checks``: Constraint
    objects (kind 'c', ``table`` = 0) with SQL text over ``VALUE``.
    The PgType objects are built per catalog by :mod:`heliosd.sql.ddl_types`.
    """

    oid: int
    name: str
    namespace: int
    kind: str
    array_oid: int = 0
    owner: int = BOOTSTRAP_SUPERUSER
    labels: list = field(default_factory=list)
    fields: list = field(default_factory=list)
    relid: int = 0
    base_oid: int = 0
    typmod: int = -1
    not_null: bool = False
    default: str | None = None
    checks: list = field(default_factory=list)
    comment: str | None = None
    acl: list | None = None


#: Set by heliosd.sql.ddl_types: ``(catalog) -> {oid: PgType}`` for the catalog's user types.
type_builder = None


class Catalog:
    """An immutable view of one catalog version (token)."""

    def __init__(self, token: int, objects: list):
        self.token = token
        self.namespaces: dict[int, Namespace] = {}
        self.ns_by_name: dict[str, Namespace] = {}
        self.relations: dict[int, Relation] = {}
        self.rel_by_name: dict[tuple[int, str], Relation] = {}
        self.constraints: dict[int, Constraint] = {}
        self.constraints_of: dict[int, list[Constraint]] = {}
        self.indexes_of: dict[int, list[Relation]] = {}
        self.referencing: dict[int, list[Constraint]] = {}  # table -> FKs pointing at it
        self.sequences_owned: dict[tuple[int, int], Relation] = {}
        self.user_types: dict[int, UserType] = {}
        self.type_by_name: dict[tuple[int, str], UserType] = {}
        self.domain_constraints: dict[int, tuple] = {}  # CHECK oid -> (Constraint, domain UserType)
        self._pgtypes = None
        self.cache: dict = {}  # per-catalog memo (plans, table stores), safe because immutable
        for o in objects:
            if isinstance(o, Namespace):
                self.namespaces[o.oid] = o
                self.ns_by_name[o.name] = o
            elif isinstance(o, Relation):
                self.relations[o.oid] = o
                self.rel_by_name[(o.namespace, o.name)] = o
            elif isinstance(o, Constraint):
                self.constraints[o.oid] = o
            elif isinstance(o, UserType):
                self.user_types[o.oid] = o
                self.type_by_name[(o.namespace, o.name)] = o
                for con in o.checks:
                    self.domain_constraints[con.oid] = (con, o)
        for ns in _builtin_namespaces():
            if ns.oid not in self.namespaces:
                self.namespaces[ns.oid] = ns
                self.ns_by_name[ns.name] = ns
        for r in self.relations.values():
            if r.kind == "i" and r.index is not None:
                self.indexes_of.setdefault(r.index.table, []).append(r)
            if r.kind == "S" and r.seq is not None and r.seq.owned_by:
                self.sequences_owned[tuple(r.seq.owned_by)] = r
        for lst in self.indexes_of.values():
            lst.sort(key=lambda r: r.oid)
        for c in self.constraints.values():
            self.constraints_of.setdefault(c.table, []).append(c)
            if c.kind == "f" and c.ref_table is not None:
                self.referencing.setdefault(c.ref_table, []).append(c)
        for lst in self.constraints_of.values():
            lst.sort(key=lambda c: c.oid)

    # ------------------------------------------------------------- lookups
    def namespace(self, name: str) -> Namespace | None:
        if name == "pg_temp":  # the running session's own temp schema (LookupExplicitNamespace)
            mine = temp_scope.get()
            return self.ns_by_name.get(mine) if mine is not None else None
        return self.ns_by_name.get(name)

    def relation(self, oid: int) -> Relation | None:
        return self.relations.get(oid)

    def find_relation(self, name: str, schema: str | None, search_path: list[str],
                      kinds: str | None = None) -> Relation | None:
        if schema is not None:
            if schema.startswith("pg_temp"):
                mine = temp_scope.get()
                if schema == "pg_temp":
                    if mine is None:
                        return None
                    schema = mine
                elif schema != mine and is_temp_ns_name(schema) and schema in self.ns_by_name:
                    raise other_temp_error()
            ns = self.ns_by_name.get(schema)
            if ns is None:
                return None  # PostgreSQL: relation "s.t" does not exist
            r = self.rel_by_name.get((ns.oid, name))
            return r if r is not None and (kinds is None or r.kind in kinds) else None
        for sname in search_path:
            ns = self.ns_by_name.get(sname)
            if ns is None:
                continue
            r = self.rel_by_name.get((ns.oid, name))
            if r is not None and (kinds is None or r.kind in kinds):
                return r
        return None

    def constraint_by_name(self, table: int, name: str) -> Constraint | None:
        for c in self.constraints_of.get(table, ()):
            if c.name == name:
                return c
        return None

    def constraints_in_ns(self, ns: int, name: str) -> Constraint | None:
        for c in self.constraints.values():
            if c.namespace == ns and c.name == name:
                return c
        return None

    def relation_name_taken(self, ns: int, name: str) -> bool:
        return (ns, name) in self.rel_by_name

    # ------------------------------------------------------------- user-defined types
    def pgtypes(self) -> dict:
        """{oid: PgType} for this catalog's user types (their array types included)."""
        m = self._pgtypes
        if m is None:
            self._pgtypes = {}  # while building: a lookup from inside finds nothing instead of recursing
            try:
                m = type_builder(self) if type_builder is not None and self.user_types else {}
            finally:
                self._pgtypes = None
            self._pgtypes = m
        return m

    def find_type(self, name: str, schema: str | None, search_path) -> UserType | None:
        """A user type (or its array type, ``_name``) by name: (UserType, is_array) or None."""
        spaces = [schema] if schema is not None else list(search_path)
        for sname in spaces:
            ns = self.ns_by_name.get(sname)
            if ns is None:
                continue
            ut = self.type_by_name.get((ns.oid, name))
            if ut is not None:
                return ut, False
            if name.startswith("_"):
                ut = self.type_by_name.get((ns.oid, name[1:]))
                if ut is not None:
                    return ut, True
        return None

    def type_name_taken(self, ns: int, name: str) -> bool:
        """A pg_type name in use in ``ns``: user types, their arrays, relations' row types."""
        if (ns, name) in self.type_by_name:
            return True
        r = self.rel_by_name.get((ns, name))
        if r is not None and r.kind != "i":
            return True
        return name.startswith("_") and (ns, name[1:]) in self.type_by_name


def _builtin_namespaces() -> list[Namespace]:
    return [
        Namespace(PG_CATALOG_NS, "pg_catalog", comment="system catalog schema"),
        Namespace(INFORMATION_SCHEMA_NS, "information_schema"),
        Namespace(PG_TOAST_NS, "pg_toast", comment="reserved schema for TOAST tables"),
    ]


# ----------------------------------------------------------------- storage


def catalog_token(txn, bid: int) -> int:
    v = txn.get(bid, OBJ_CATVER, b"")
    return struct.unpack(">Q", v)[0] if v else 0


def load_objects(txn, bid: int) -> list:
    return [pickle.loads(v) for _k, v in txn.scan(bid, OBJ_CATALOG)]


class CatalogCache:
    """token -> Catalog, shared by all sessions and branches (bounded, LRU).

    A transaction that changed a branch's catalog (uncommitted DDL) gets
    private Catalog objects kept on the transaction, never shared."""

    def __init__(self, limit: int = 2000):
        self._by_token: dict[int, Catalog] = {}
        self.limit = limit

    def get(self, txn, bid: int) -> Catalog:
        from ..storage.mvcc import lkey

        token = catalog_token(txn, bid)
        if lkey(bid, OBJ_CATVER, b"") in txn.writes:
            priv = txn.__dict__.setdefault("private_catalogs", {})
            cat = priv.get((bid, token))
            if cat is None:
                cat = priv[(bid, token)] = Catalog(token, load_objects(txn, bid))
            return cat
        by = self._by_token
        cat = by.get(token)
        if cat is not None:
            by[token] = by.pop(token)
            return cat
        cat = Catalog(token, load_objects(txn, bid))
        by[token] = cat
        if len(by) > self.limit:
            by.pop(next(iter(by)))
        return cat


def write_object(txn, bid: int, obj) -> None:
    txn.put(bid, OBJ_CATALOG, keycode.enc_int(obj.oid), pickle.dumps(obj, 5))


def delete_object(txn, bid: int, oid: int) -> None:
    txn.delete(bid, OBJ_CATALOG, keycode.enc_int(oid))


def bump_token(txn, bid: int) -> int:
    token = txn.store.allocate_oid()
    txn.put(bid, OBJ_CATVER, b"", struct.pack(">Q", token))
    return token


def init_database_catalog(txn, bid: int) -> None:
    """A new database's root branch: the public schema, as initdb makes it."""
    write_object(txn, bid, Namespace(PUBLIC_NS, "public", owner=6171,
                                     comment="standard public schema"))
    bump_token(txn, bid)


# ----------------------------------------------------------------- sequences


def read_sequence(txn, bid: int, oid: int, latest: bool = True):
    v = txn.get(bid, OBJ_SEQVALS, keycode.enc_int(oid), latest=latest)
    return marshal.loads(v) if v is not None else None


#: Set by heliosd.exec.functions.sequences: ``(bid, oid) -> (last_value, is_called, stored row)`` from the
#: in-memory sequence cache, or None.  nextval stores a reservation ahead of the values it hands out.
sequence_peek = None


def sequence_state(txn, bid: int, oid: int):
    """(last_value, is_called) of a sequence as sessions see it: the cache while it matches storage."""
    cur = read_sequence(txn, bid, oid)
    if sequence_peek is not None and cur is not None:
        p = sequence_peek(bid, oid)
        if p is not None and p[2] is not None and tuple(cur) == tuple(p[2]):
            return p[0], p[1]
    return cur


def write_sequence(txn, bid: int, oid: int, last_value: int, is_called: bool) -> None:
    txn.put(bid, OBJ_SEQVALS, keycode.enc_int(oid), marshal.dumps((last_value, is_called)))


# ----------------------------------------------------------------- temporary objects (invariants 4-6)


def temp_registry_key(bid: int, ns_oid: int) -> bytes:
    return keycode.enc_int(bid) + keycode.enc_int(ns_oid)


def register_temp_namespace(txn, bid: int, ns_oid: int, slot: int) -> None:
    from ..storage.mvcc import SYSTEM_BRANCH

    txn.put(SYSTEM_BRANCH, OBJ_TEMP_REGISTRY, temp_registry_key(bid, ns_oid), marshal.dumps((bid, ns_oid, slot)))


def _temp_objects(objects, ns_oids: set) -> list:
    """Catalog objects that belong to the namespaces: relations, their constraints, types."""
    rel_oids = {o.oid for o in objects if isinstance(o, Relation) and o.namespace in ns_oids}
    out = []
    for o in objects:
        if isinstance(o, Namespace):
            if o.oid in ns_oids:
                out.append(o)
        elif isinstance(o, (Relation, UserType)):
            if o.namespace in ns_oids:
                out.append(o)
        elif isinstance(o, Constraint):
            if o.namespace in ns_oids or o.table in rel_oids:
                out.append(o)
    return out


def _delete_temp_objects(txn, bid: int, doomed: list, delete_data: bool) -> None:
    for o in doomed:
        delete_object(txn, bid, o.oid)
        if isinstance(o, Relation):
            if o.kind == "S":
                txn.delete(bid, OBJ_SEQVALS, keycode.enc_int(o.oid))
            elif delete_data and o.kind in ("r", "i", "m"):
                for k, _v in list(txn.scan(bid, o.oid, latest=True)):
                    txn.delete(bid, o.oid, k)
    if doomed:
        bump_token(txn, bid)


def drop_temp_namespace(txn, bid: int, ns_name: str, ns_oid: int | None = None) -> list:
    """Drop a temp namespace with every object in it and its data, in branch ``bid``
    (a session's end, a leftover found by a new owner, server start).  Returns the dropped
    objects.  Also forgets the registry record (invariant 5)."""
    from ..storage.mvcc import SYSTEM_BRANCH

    objects = load_objects(txn, bid)
    ns_oids = {o.oid for o in objects if isinstance(o, Namespace) and o.name == ns_name}
    if ns_oid is not None:
        ns_oids.add(ns_oid)
    doomed = _temp_objects(objects, ns_oids)
    _delete_temp_objects(txn, bid, doomed, True)
    for oid in ns_oids:
        k = temp_registry_key(bid, oid)
        if txn.get(SYSTEM_BRANCH, OBJ_TEMP_REGISTRY, k, latest=True) is not None:
            txn.delete(SYSTEM_BRANCH, OBJ_TEMP_REGISTRY, k)
    return doomed


def strip_temp_objects(txn, bid: int) -> int:
    """A new fork: remove every temp namespace and its objects from its catalog (invariant 6).
    The data rows stay in the ancestor level, unreachable."""
    objects = load_objects(txn, bid)
    ns_oids = {o.oid for o in objects if isinstance(o, Namespace) and is_temp_ns_name(o.name)}
    if not ns_oids:
        return 0
    doomed = _temp_objects(objects, ns_oids)
    _delete_temp_objects(txn, bid, doomed, False)
    return len(doomed)


def temp_registry(txn) -> list[tuple[int, int, int]]:
    """[(bid, namespace oid, slot)] of every recorded temp namespace."""
    from ..storage.mvcc import SYSTEM_BRANCH

    out = []
    for _k, v in txn.scan(SYSTEM_BRANCH, OBJ_TEMP_REGISTRY, latest=True):
        out.append(tuple(marshal.loads(v)))
    return out


def cleanup_temp_namespaces(store) -> int:
    """Server start: drop every recorded temp namespace (leftovers of a crash or kill)."""
    from ..storage.mvcc import SYSTEM_BRANCH

    txn = store.begin()
    n = 0
    try:
        for bid, nsoid, slot in temp_registry(txn):
            info = store.branches.get(bid)
            if info is not None and not getattr(info, "dropped", False):
                try:
                    drop_temp_namespace(txn, bid, f"{TEMP_NS_PREFIX}{slot}", nsoid)
                    n += 1
                    continue
                except Exception:  # a branch that is gone: only the record remains
                    pass
            txn.delete(SYSTEM_BRANCH, OBJ_TEMP_REGISTRY, temp_registry_key(bid, nsoid))
        if txn.writes:
            store.commit_sync(txn)
        else:
            txn.rollback()
    except BaseException:
        if txn.active:
            txn.rollback()
        raise
    return n
