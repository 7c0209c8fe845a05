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
"""

from __future__ import annotations

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
        return self.ns_by_name.get(name)

    def relation(self, oid: int) -> Relation | None:
        return self.relations.get(oid)

    def find_relation(self, name: str, schema: str | None, search_path: list[str],
                      kinds: str | None = None) -> Relation | None:
        if schema is not None:
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
