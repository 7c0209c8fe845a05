"""System relations computed on the fly (pg_catalog, information_schema).

A *virtual relation* is a name, a column list ``[(name, PgType, typmod)]``
and a row function ``rows(ctx) -> iterable of tuples`` evaluated when the
query runs (so it reflects the transaction's view of the catalog: a branch
shows its own schema).  Modules register builders with :func:`register`:

    @register("pg_catalog", "pg_namespace")
    def pg_namespace(session, cat) -> VirtualRelation

The relations themselves live in :mod:`heliosd.engine.pgcatalog` (which
uses PostgreSQL's exact column lists); every pg_catalog/information_schema
relation PostgreSQL 15 has is registered, the ones heliosd has no rows for
being empty.

The analyzer asks :func:`virtual_relation` for unqualified names in
search_path order (pg_catalog first, as PostgreSQL) and for names qualified
with pg_catalog / information_schema.
"""

from __future__ import annotations

from .. import types as T
from ..plan.nodes import VirtualScan

_REGISTRY: dict[tuple[str, str], object] = {}


def register(schema: str, name: str):
    def deco(fn):
        _REGISTRY[(schema, name)] = fn
        return fn

    return deco


class VirtualRelation:
    """Builds a fresh VirtualScan node per use (nodes are owned by one plan)."""

    def __init__(self, name, columns, rows_fn, oid=0):
        self.name = name
        self.columns = columns
        self.rows_fn = rows_fn
        self.oid = oid
        self.kind = "virtual"

    def make_scan(self):
        vs = VirtualScan(self.name, self.columns, self.rows_fn)
        vs.oid = self.oid
        return vs


def virtual_relation(session, cat, schema, name):
    _load()
    if schema is None:
        fn = _REGISTRY.get(("pg_catalog", name))
    else:
        fn = _REGISTRY.get((schema, name))
    if fn is None:
        return None
    return fn(session, cat)


_loaded = [False]


def _load():
    if _loaded[0]:
        return
    _loaded[0] = True
    import importlib
    import pkgutil

    from . import pgcatalog

    for m in pkgutil.iter_modules(pgcatalog.__path__):
        importlib.import_module(f"{pgcatalog.__name__}.{m.name}")
    from .pgcatalog._base import register_empty_relations

    register_empty_relations()


def sequence_relation_scan(rel):
    """SELECT * FROM a_sequence: last_value, log_cnt, is_called."""
    from ..exec import runtime
    from .catalog import sequence_state

    def rows(ctx):
        cur = sequence_state(ctx.txn, ctx.bid, rel.oid)
        last, called = cur if cur is not None else (rel.seq.start, False)
        return [(last, 0 if called else 0, called)]

    _ = runtime
    return VirtualScan(rel.name, [("last_value", T.INT8, -1), ("log_cnt", T.INT8, -1), ("is_called", T.BOOL, -1)],
                       rows)
