"""State shared by all sessions of one server process.

The :class:`Cluster` owns the storage core, the catalog cache, the commit
pipeline, the registry of live sessions (for cancel requests, pg_stat_activity,
active sessions per branch, DROP BRANCH/DATABASE safety) and server-wide
counters exported to Prometheus.
"""

from __future__ import annotations

import os
import random
import time

from ..engine import cluster as CL
from ..engine.catalog import CatalogCache
from ..storage.kv import LmdbEngine, MemoryEngine
from ..storage.mvcc import Store


class Cluster:
    def __init__(self, config, engine=None):
        self.config = config
        if engine is None:
            if config.engine == "memory":
                engine = MemoryEngine()
            else:
                engine = LmdbEngine(os.path.join(config.data_dir, "store"))
        self.store = Store(engine, retention_seconds=config.retention_seconds)
        from ..engine.catalog import OBJ_CATVER

        self.store.watched_objects.add(OBJ_CATVER)
        self.catalogs = CatalogCache()
        self.sessions: dict[int, object] = {}  # pid -> Session
        self.start_time = time.time()
        self.next_pid = random.randint(1000, 30000)
        self.sequence_cache: dict = {}
        self.stats = {"xact_commit": 0, "xact_rollback": 0, "queries": 0, "errors": 0}
        self.advisory = {}
        self.listeners: dict[str, set] = {}
        # commits to these system objects change what a branch name or a role's
        # branch access resolves to: they bump store.names_version
        self.store.names_objects |= {(0, CL.OBJ_BRANCH_ACL), (0, CL.OBJ_ROLES), (0, CL.OBJ_MEMBERS)}
        #: (role oid, bid) -> USAGE, for the committed state of names_version _usage_ver
        self._usage: dict = {}
        self._usage_ver = -1
        #: bumped by commits that change roles or memberships (plan caches key on it:
        #: plans are privilege-checked when made, heliosd.session.access)
        self.roles_version = 0
        self._roles_cache: dict = {}
        self._roles_cache_ver = -1
        self.store.on_publish.append(self._on_publish)
        self._bootstrap_if_needed()
        CL.ensure_reverse_indexes(self.store)
        #: temp schema slots in use (heliosd.session.temp) and sessions' running cleanups
        self.temp_slots: set[int] = set()
        self.temp_cleanups: set = set()
        from ..engine.catalog import cleanup_temp_namespaces

        cleanup_temp_namespaces(self.store)  # leftovers of a crash (engine/catalog.py invariant 5)

    _ROLE_OBJECTS = frozenset({(0, CL.OBJ_ROLES), (0, CL.OBJ_MEMBERS)})

    def _on_publish(self, records) -> None:
        for req in records:
            if not self._ROLE_OBJECTS.isdisjoint(req.txn.written_objects):
                self.roles_version += 1
                return

    def roles_cache(self) -> dict:
        """role oid -> (superuser, roles it is a member of), for the committed catalog."""
        if self._roles_cache_ver != self.roles_version:
            self._roles_cache = {}
            self._roles_cache_ver = self.roles_version
        return self._roles_cache

    def _bootstrap_if_needed(self) -> None:
        txn = self.store.begin()
        try:
            su = CL.get_role(txn, CL.BOOTSTRAP_SUPERUSER_OID)
        finally:
            txn.rollback()
        if su is None:
            verifier = None
            if self.config.password:
                from ..server.auth import make_verifier

                verifier = make_verifier(self.config.password)
            CL.bootstrap(self.store, self.config.superuser, verifier)

    def new_pid(self) -> int:
        self.next_pid += 1
        return self.next_pid

    def register(self, session) -> None:
        self.sessions[session.pid] = session

    def unregister(self, session) -> None:
        self.sessions.pop(session.pid, None)

    def usage_cache(self) -> dict:
        """Branch USAGE answers for the committed catalog; emptied whenever branch
        names, grants, roles or memberships change (store.names_version)."""
        v = self.store.names_version
        if v != self._usage_ver:
            self._usage = {}
            self._usage_ver = v
        return self._usage

    def sessions_on_branch(self, bid: int, exclude=None) -> list:
        return [s for s in self.sessions.values() if s is not exclude and s.branch_id == bid]

    def sessions_on_database(self, db_oid: int, exclude=None) -> list:
        return [s for s in self.sessions.values() if s is not exclude and s.db is not None
                and s.db["oid"] == db_oid]
