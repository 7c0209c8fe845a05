"""Tables and indexes as keys and values, with constraint enforcement.

Key layout inside a branch
==========================

::

    <table oid> | encode_key(pk values)              -> row (rowcodec)
    <table oid> | encode_key((rowid,))               -> row   (tables without a PK)
    <index oid> | encode_key(index values; desc/nulls) | pk bytes  -> pk bytes

Index entries carry the row's key twice: appended to the index key (so
equal index values from different rows are distinct entries) and as the
value (so a lookup needs no key decoding).  Row ids for tables without a
primary key come from a global allocator, so they never collide across
branches that later see each other's rows (a child never sees a parent's
post-fork rows, but ids stay globally unique anyway).

Invariants
==========

1. For every live row and every index whose predicate the row satisfies,
   exactly one entry exists; none exists for rows that do not satisfy it.
   Every write below maintains this within the same transaction.
2. Uniqueness (primary keys, unique indexes, unique constraints): before an
   entry with values V is written, the transaction holds an exclusive lock
   named (branch, index, V) and has checked, at the *latest* committed state
   plus its own writes, that no other row holds V.  A concurrent inserter of
   V therefore waits for this transaction and then sees its outcome
   (PostgreSQL's behaviour: the second inserter blocks, then fails or goes on).
3. Row writes carry the branch-own version seq they replace (MVCC invariant
   7), after the row lock is held; REPEATABLE READ raises 40001 when the row
   changed after the snapshot.
4. Foreign keys are checked at the latest state under a SHARE lock of the
   referenced row (FOR KEY SHARE), so a concurrent delete of that row waits.

Compiled pieces that need SQL (index expressions, partial-index predicates,
CHECK constraints, defaults) are provided by the caller through a
``compiler`` with ``scalar(sql, rel)`` and ``predicate(sql, rel)`` methods;
this module does not parse SQL.
"""

from __future__ import annotations

from .. import errcodes
from .. import types as T
from ..errors import PgError, SerializationFailure
from ..storage import keycode
from ..storage.locks import EXCLUSIVE, SHARE
from ..storage.mvcc import lkey
from .catalog import Catalog, Relation
from .rowcodec import make_codec


def quote_ident(name: str) -> str:
    from ..exec.deparse import quote_ident as q  # one rule for every identifier heliosd prints

    return q(name)


def format_value(v, type_oid: int) -> str:
    if v is None:
        return "null"
    t = T.by_oid(type_oid)
    try:
        return t.text_out(v)
    except Exception:  # pragma: no cover - never let formatting hide the real error
        return str(v)


def _gen_type(fn, col):
    return getattr(fn, "result_type", None) or col.type


class IndexInfo:
    __slots__ = ("oid", "name", "unique", "primary", "key_fn", "pred", "desc", "nulls_first", "col_names",
                 "key_types", "nulls_not_distinct", "rel", "attnums", "exprs", "constraint_name", "pred_exprs", "constraint")


class TableStore:
    """Row and index operations for one relation (per catalog version)."""

    def __init__(self, rel: Relation, cat: Catalog, compiler):
        self.rel = rel
        self.oid = rel.oid
        self.cat = cat
        self.compiler = compiler
        self.live = rel.live_columns
        self.ncols = len(self.live)
        self.pos = {c.attnum: i for i, c in enumerate(self.live)}  # attnum -> logical position
        self.codec = make_codec(rel.columns)
        self.encode_row = self.codec.encode
        self.decode_row = self.codec.decode
        self.indexes: list[IndexInfo] = []
        self.pk: IndexInfo | None = None
        for irel in cat.indexes_of.get(rel.oid, []):
            info = self._index_info(irel)
            if info.primary:
                self.pk = info
            self.indexes.append(info)
        if self.pk is not None:
            cols = [self.pos[a] for a in self.pk.attnums]
            desc = self.pk.desc
            nf = self.pk.nulls_first
            if len(cols) == 1 and not desc[0]:
                c0 = cols[0]
                ev = keycode.encode_value
                self.row_key = lambda r: ev(r[c0])
            else:
                ek = keycode.encode_key
                self.row_key = lambda r: ek([r[c] for c in cols], desc, nf)
        else:
            self.row_key = None  # rowid tables: keys are allocated
        self.not_null = [(i, c) for i, c in enumerate(self.live) if c.not_null]
        # columns of a NOT NULL domain (heliosd.sql.ddl_types): checked like PostgreSQL's CoerceToDomain
        self.domain_not_null = [(i, t) for i, t in ((i, T.by_oid(c.type_oid, None)) for i, c in enumerate(self.live))
                                if t is not None and t.typtype == "d" and t.extra and t.extra.get("not_null")]
        self.checks = []
        self.fks = []
        for con in cat.constraints_of.get(rel.oid, []):
            if con.kind == "c" and con.check:
                self.checks.append((con, compiler.predicate_check(con.check, rel)))
            elif con.kind == "f":
                self.fks.append(con)
        self.referenced_by = cat.referencing.get(rel.oid, [])
        self._key_decoders = None
        # stored generated columns: recomputed from the row on every write
        self.generated = []
        for i, c in enumerate(self.live):
            if c.generated == "s" and c.default:
                fn, _t = compiler.scalar(c.default, rel)
                self.generated.append((i, fn, c))

    def _index_info(self, irel: Relation) -> IndexInfo:
        idx = irel.index
        info = IndexInfo()
        info.oid = irel.oid
        info.name = irel.name
        info.rel = irel
        info.unique = idx.unique
        info.primary = idx.primary
        info.nulls_not_distinct = idx.nulls_not_distinct
        info.desc = [k.desc for k in idx.keys]
        info.nulls_first = [k.effective_nulls_first for k in idx.keys]
        info.attnums = [k.attnum for k in idx.keys]
        info.exprs = [k.expr for k in idx.keys]
        con = self.cat.constraints.get(idx.constraint) if idx.constraint else None
        info.constraint_name = con.name if con else irel.name
        info.constraint = con
        info.pred_exprs = None
        names = []
        types = []
        fns = []
        for k in idx.keys:
            if k.attnum:
                p = self.pos[k.attnum]
                col = self.live[p]
                names.append(quote_ident(col.name))
                types.append(col.type_oid)
                fns.append(p)
            else:
                f, typ = self.compiler.scalar(k.expr, self.rel)
                try:
                    names.append(self.compiler.text(k.expr, self.rel))
                except Exception:
                    names.append(k.expr)
                types.append(typ.oid)
                fns.append(f)
        info.col_names = names
        info.key_types = types
        if all(isinstance(f, int) for f in fns):
            if len(fns) == 1:
                p0 = fns[0]
                info.key_fn = lambda r: (r[p0],)
            else:
                info.key_fn = lambda r: tuple(r[p] for p in fns)
        else:
            info.key_fn = lambda r: tuple(r[f] if isinstance(f, int) else f(r) for f in fns)
        info.pred = self.compiler.predicate(idx.predicate, self.rel) if idx.predicate else None
        return info

    # ------------------------------------------------------------- reads
    def get(self, txn, bid: int, key: bytes, latest: bool = False, snapshot=None):
        v = txn.get(bid, self.oid, key, snapshot=snapshot, latest=latest)
        return None if v is None else self.decode_row(v)

    def scan(self, txn, bid: int, lo: bytes = b"", hi: bytes | None = None, reverse: bool = False,
             snapshot=None):
        dec = self.decode_row
        for k, v in txn.scan(bid, self.oid, lo, hi, reverse, snapshot=snapshot):
            yield k, dec(v)

    def index_scan(self, txn, bid: int, index_oid: int, lo: bytes, hi: bytes | None, reverse=False,
                   snapshot=None, latest=False):
        """Yield (row key, row) for index entries in [lo, hi)."""
        dec = self.decode_row
        get = txn.get
        oid = self.oid
        for _ik, pk in txn.scan(bid, index_oid, lo, hi, reverse, snapshot=snapshot, latest=latest):
            v = get(bid, oid, pk, snapshot=snapshot, latest=latest)
            if v is not None:
                yield pk, dec(v)

    # ------------------------------------------------------------- error helpers
    def _failing_row(self, row) -> str:
        return "Failing row contains (" + ", ".join(
            format_value(v, c.type_oid) for v, c in zip(row, self.live)) + ")."

    def _key_detail(self, info: IndexInfo, vals) -> str:
        return "Key ({})=({})".format(", ".join(info.col_names),
                                      ", ".join(format_value(v, t) for v, t in zip(vals, info.key_types)))

    # ------------------------------------------------------------- constraint checks
    def check_row(self, row, ctx=None) -> None:
        rel = self.rel
        for i, col in self.not_null:
            if row[i] is None:
                raise PgError(
                    f'null value in column "{col.name}" of relation "{rel.name}" violates not-null constraint',
                    errcodes.NOT_NULL_VIOLATION, detail=self._failing_row(row),
                    schema=self._schema(), table=rel.name, column=col.name)
        for i, t in self.domain_not_null:
            if row[i] is None:
                ns = self.cat.namespaces.get(t.namespace)
                raise PgError(f"domain {t.name} does not allow null values", errcodes.NOT_NULL_VIOLATION,
                              schema=ns.name if ns else None, datatype=t.name)
        for con, fn in self.checks:
            if fn(row) is False:
                raise PgError(
                    f'new row for relation "{rel.name}" violates check constraint "{con.name}"',
                    errcodes.CHECK_VIOLATION, detail=self._failing_row(row),
                    schema=self._schema(), table=rel.name, constraint=con.name)

    def _schema(self) -> str:
        ns = self.cat.namespaces.get(self.rel.namespace)
        return ns.name if ns else "public"

    def _index_entries(self, row, key: bytes):
        """(info, values, entry key) for every index entry the row needs."""
        out = []
        ek = keycode.encode_key
        for info in self.indexes:
            if info.primary:
                continue
            if info.pred is not None and info.pred(row) is not True:
                continue
            vals = info.key_fn(row)
            out.append((info, vals, ek(vals, info.desc, info.nulls_first) + key))
        return out

    def _check_unique(self, txn, bid: int, info: IndexInfo, vals, key: bytes, ctx=None, others=()) -> None:
        if not info.nulls_not_distinct and any(v is None for v in vals):
            return
        prefix = keycode.encode_key(vals, info.desc, info.nulls_first)
        txn.lock(lkey(bid, info.oid, prefix), EXCLUSIVE)
        con = info.constraint
        if con is not None and con.deferrable and ctx is not None:
            # DEFERRABLE unique constraints are checked at statement end (or commit)
            ctx.queue_fk_check(("unique", self.oid, info.oid, tuple(vals)), con)
            return
        for _ik, other in txn.scan(bid, info.oid, prefix, keycode.prefix_successor(prefix), latest=True):
            if other != key:
                # the entry may be stale only if its row is gone; entries are
                # always written together with rows, so it is a real duplicate
                raise PgError(
                    f'duplicate key value violates unique constraint "{info.constraint_name}"',
                    errcodes.UNIQUE_VIOLATION, detail=self._key_detail(info, vals) + " already exists.",
                    schema=self._schema(), table=self.rel.name, constraint=info.constraint_name)

    def _lock_row(self, txn, bid: int, key: bytes, mode=EXCLUSIVE) -> None:
        txn.lock(lkey(bid, self.oid, key), mode)

    def _base_for_write(self, txn, bid: int, key: bytes) -> int:
        seq = txn.own_seq(bid, self.oid, key)
        if txn.repeatable and seq > txn.snapshot and lkey(bid, self.oid, key) not in txn.writes:
            raise SerializationFailure()
        return seq

    # ------------------------------------------------------------- writes
    def new_key(self, txn, row) -> bytes:
        if self.row_key is not None:
            return self.row_key(row)
        return keycode.enc_int(txn.store.allocate_rowid())

    def apply_generated(self, row):
        from .. import types as T

        r = list(row)
        for i, fn, col in self.generated:
            v = fn(tuple(r))
            r[i] = v if v is None else T.coerce(v, _gen_type(fn, col), col.type, col.typmod, "assignment")
        return tuple(r)

    def insert(self, txn, bid: int, row, ctx=None, key: bytes | None = None) -> bytes:
        """Insert a checked row; returns its key.  Raises 23505 on duplicates."""
        if self.generated:
            row = self.apply_generated(row)
        self.check_row(row, ctx)
        if key is None:
            key = self.new_key(txn, row)
        if self.pk is not None:
            self._lock_row(txn, bid, key)
            if txn.get(bid, self.oid, key, latest=True) is not None:
                vals = self.pk.key_fn(row)
                raise PgError(
                    f'duplicate key value violates unique constraint "{self.pk.constraint_name}"',
                    errcodes.UNIQUE_VIOLATION, detail=self._key_detail(self.pk, vals) + " already exists.",
                    schema=self._schema(), table=self.rel.name, constraint=self.pk.constraint_name)
        entries = self._index_entries(row, key)
        for info, vals, _ek in entries:
            if info.unique:
                self._check_unique(txn, bid, info, vals, key, ctx)
        base = self._base_for_write(txn, bid, key) if self.pk is not None else 0
        txn.put(bid, self.oid, key, self.encode_row(row), base=base)
        for _info, _vals, ik in entries:
            txn.put(bid, _info.oid, ik, key)
        if self.fks:
            self._check_fks(txn, bid, row, None, ctx)
        return key

    def update(self, txn, bid: int, key: bytes, old, new, ctx=None) -> bytes:
        """Replace a row (the caller locked it and re-checked it).  Returns the new key."""
        if self.generated:
            new = self.apply_generated(new)
        self.check_row(new, ctx)
        new_key = key
        if self.row_key is not None:
            new_key = self.row_key(new)
        old_entries = {e[2]: e for e in self._index_entries(old, key)}
        new_entries = self._index_entries(new, new_key)
        if new_key != key:
            # primary key changed: a delete plus an insert of a new key
            self._lock_row(txn, bid, new_key)
            if txn.get(bid, self.oid, new_key, latest=True) is not None:
                vals = self.pk.key_fn(new)
                raise PgError(
                    f'duplicate key value violates unique constraint "{self.pk.constraint_name}"',
                    errcodes.UNIQUE_VIOLATION, detail=self._key_detail(self.pk, vals) + " already exists.",
                    schema=self._schema(), table=self.rel.name, constraint=self.pk.constraint_name)
        for info, vals, ik in new_entries:
            if info.unique and ik not in old_entries:
                con = info.constraint
                if con is not None and con.deferrable and ctx is not None:
                    self._check_unique(txn, bid, info, vals, new_key, ctx)
                else:
                    self._check_unique_update(txn, bid, info, vals, new_key, key)
        base = self._base_for_write(txn, bid, key)
        if new_key != key:
            txn.put(bid, self.oid, key, None, base=base)
            nbase = self._base_for_write(txn, bid, new_key)
            txn.put(bid, self.oid, new_key, self.encode_row(new), base=nbase)
        else:
            txn.put(bid, self.oid, key, self.encode_row(new), base=base)
        new_keys = {e[2] for e in new_entries}
        for ik, (info, _v, _k) in old_entries.items():
            if ik not in new_keys:
                txn.put(bid, info.oid, ik, None)
        for info, _vals, ik in new_entries:
            if ik not in old_entries:
                txn.put(bid, info.oid, ik, new_key)
        if self.referenced_by and ctx is not None:
            ctx.on_parent_update(self, bid, key, old, new)
        if self.fks:
            self._check_fks(txn, bid, new, old, ctx)
        return new_key

    def _check_unique_update(self, txn, bid, info, vals, new_key, old_key):
        if not info.nulls_not_distinct and any(v is None for v in vals):
            return
        prefix = keycode.encode_key(vals, info.desc, info.nulls_first)
        txn.lock(lkey(bid, info.oid, prefix), EXCLUSIVE)
        for _ik, other in txn.scan(bid, info.oid, prefix, keycode.prefix_successor(prefix), latest=True):
            if other != new_key and other != old_key:
                raise PgError(
                    f'duplicate key value violates unique constraint "{info.constraint_name}"',
                    errcodes.UNIQUE_VIOLATION, detail=self._key_detail(info, vals) + " already exists.",
                    schema=self._schema(), table=self.rel.name, constraint=info.constraint_name)

    def delete(self, txn, bid: int, key: bytes, old, ctx=None) -> None:
        base = self._base_for_write(txn, bid, key)
        txn.put(bid, self.oid, key, None, base=base)
        for info, _vals, ik in self._index_entries(old, key):
            txn.put(bid, info.oid, ik, None)
        if self.referenced_by and ctx is not None:
            ctx.on_parent_delete(self, bid, key, old)

    def lock_row(self, txn, bid: int, key: bytes, mode=EXCLUSIVE, nowait=False) -> None:
        txn.lock(lkey(bid, self.oid, key), mode, nowait)

    def try_lock_row(self, txn, bid: int, key: bytes, mode=EXCLUSIVE) -> bool:
        return txn.try_lock(lkey(bid, self.oid, key), mode)

    # ------------------------------------------------------------- foreign keys
    def _check_fks(self, txn, bid, row, old, ctx) -> None:
        """Queue the referencing-side checks (PostgreSQL runs them as AFTER
        triggers: at the end of the statement, or at COMMIT when deferred)."""
        for con in self.fks:
            vals = tuple(row[self.pos[a]] for a in con.columns)
            if any(v is None for v in vals):
                continue  # MATCH SIMPLE: any NULL satisfies
            if old is not None and tuple(old[self.pos[a]] for a in con.columns) == vals:
                continue
            if ctx is None:
                raise PgError("foreign key check needs an execution context", errcodes.INTERNAL_ERROR)
            ctx.queue_fk_check(("child", self.oid, con.oid, vals), con)

    def run_unique_check(self, txn, bid, index_oid, vals) -> None:
        """Deferred uniqueness: at most one live row may hold vals."""
        info = next((i for i in self.indexes if i.oid == index_oid), None)
        if info is None:
            return
        prefix = keycode.encode_key(list(vals), info.desc, info.nulls_first)
        holders = set()
        for _ik, pk in txn.scan(bid, info.oid, prefix, keycode.prefix_successor(prefix), latest=True):
            if txn.get(bid, self.oid, pk, latest=True) is not None:
                holders.add(pk)
        if len(holders) > 1:
            raise PgError(
                f'duplicate key value violates unique constraint "{info.constraint_name}"',
                errcodes.UNIQUE_VIOLATION, detail=self._key_detail(info, vals) + " already exists.",
                schema=self._schema(), table=self.rel.name, constraint=info.constraint_name)

    def run_child_check(self, txn, bid, con, vals, ctx) -> None:
        parent = ctx.table_store(con.ref_table)
        if not parent.find_by_columns(txn, bid, con.ref_columns, vals, lock=SHARE):
                ref = parent.rel
                cols = ", ".join(quote_ident(self.live[self.pos[a]].name) for a in con.columns)
                shown = ", ".join(format_value(v, self.live[self.pos[a]].type_oid)
                                  for v, a in zip(vals, con.columns))
                raise PgError(
                    f'insert or update on table "{self.rel.name}" violates foreign key constraint "{con.name}"',
                    errcodes.FOREIGN_KEY_VIOLATION,
                    detail=f'Key ({cols})=({shown}) is not present in table "{ref.name}".',
                    schema=self._schema(), table=self.rel.name, constraint=con.name)

    def find_by_columns(self, txn, bid, attnums, vals, lock=None, latest=True):
        """Find live rows whose columns equal vals: [(key, row)].  Uses the PK or a
        unique/secondary index whose leading columns are exactly ``attnums``,
        else scans."""
        attnums = list(attnums)
        if self.pk is not None and sorted(self.pk.attnums) == sorted(attnums):
            order = [vals[attnums.index(a)] for a in self.pk.attnums]
            key = keycode.encode_key(order, self.pk.desc, self.pk.nulls_first)
            if lock is not None:
                txn.lock(lkey(bid, self.oid, key), lock)
            row = self.get(txn, bid, key, latest=latest)
            return [(key, row)] if row is not None else []
        for info in self.indexes:
            if info.pred is not None or any(a == 0 for a in info.attnums):
                continue
            n = len(attnums)
            if sorted(info.attnums[:n]) == sorted(attnums):
                order = [vals[attnums.index(a)] for a in info.attnums[:n]]
                prefix = keycode.encode_key(order, info.desc[:n], info.nulls_first[:n])
                out = []
                for key, row in self.index_scan(txn, bid, info.oid, prefix, keycode.prefix_successor(prefix),
                                                latest=latest):
                    out.append((key, row))
                if lock is not None:
                    for key, _row in out:
                        txn.lock(lkey(bid, self.oid, key), lock)
                return out
        positions = [self.pos[a] for a in attnums]
        out = []
        for k, v in txn.scan(bid, self.oid, latest=latest):
            row = self.decode_row(v)
            if all(row[p] == x for p, x in zip(positions, vals)):
                out.append((k, row))
        if lock is not None:
            for key, _row in out:
                txn.lock(lkey(bid, self.oid, key), lock)
        return out
