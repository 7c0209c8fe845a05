"""Table privileges: the check PostgreSQL's ExecCheckRTPerms makes, at plan time.

The analyzer notes every relation a statement uses and what it needs
(``Analyzer.require``: r SELECT for a read, a/w/d INSERT/UPDATE/DELETE for a
DML target, plus SELECT when DML reads its target's columns in WHERE, SET,
RETURNING, FROM/USING or ON CONFLICT DO UPDATE).  :func:`check` decides,
for the current role, with PostgreSQL's rules and messages:

- a superuser passes; the owner of a relation (a member of the owning role)
  has every privilege on it; otherwise the relation's ACL decides
  (``Relation.acl``, recorded by GRANT/REVOKE in :mod:`.privileges`; NULL is
  owner-only), PUBLIC entries applying to everyone;
- tables read inside a view are checked with the view owner's rights;
- the relation's schema needs USAGE (``permission denied for schema s``);
- failure: 42501 ``permission denied for table t`` (view, sequence,
  materialized view: their own word).

Checks run when a statement is analyzed.  Plans are cached per catalog
version (GRANT/REVOKE on a table or schema write a new one), user and
``access_key`` (the role and a counter bumped by commits that change roles
or memberships), so a cached plan has passed exactly the check that would
run now, and a cache hit costs nothing.  Not checked: column privileges
(GRANT refuses them), sequence privileges for nextval/setval, function
EXECUTE, DDL ownership.
"""

from __future__ import annotations

from .. import errcodes
from ..engine import cluster as CL
from ..errors import PgError

_WORD = {"r": "table", "p": "table", "f": "foreign table", "v": "view", "m": "materialized view", "S": "sequence"}
_SYSTEM_SCHEMAS = ("pg_catalog", "information_schema")


def _acl_allows(acl, roles: set, letters: str) -> bool:
    have = ""
    for ent in acl or ():
        if ent[0] == 0 or ent[0] in roles:
            have += ent[1]
    return all(ch in have for ch in letters)


def check(session, txn, cat, reqs) -> None:
    """Raise 42501 if the current role lacks a privilege ``reqs`` need."""
    role = session.role
    if not reqs or role is None or role.get("super"):
        return
    cache = session.cluster.roles_cache()
    mine = cache.get(role["oid"])
    if mine is None:
        mine = cache[role["oid"]] = (False, CL.roles_of(txn, role["oid"]))
    seen = set()
    for rel, letters, as_role in reqs:
        key = (rel.oid, letters, as_role)
        if key in seen:
            continue
        seen.add(key)
        if as_role is None:
            is_super, roles = mine
        else:
            ent = cache.get(as_role)
            if ent is None:
                r = CL.get_role(txn, as_role)
                ent = cache[as_role] = (bool(r and r.get("super")), CL.roles_of(txn, as_role))
            is_super, roles = ent
        if is_super:
            continue
        ns = cat.namespaces.get(rel.namespace) if hasattr(cat, "namespaces") else None
        if ns is not None and ns.name not in _SYSTEM_SCHEMAS and ns.owner not in roles:
            from ..engine.pgcatalog.relations import namespace_acl

            nacl = namespace_acl(ns)
            if nacl is None or not _acl_allows(nacl, roles, "U"):
                raise PgError(f"permission denied for schema {ns.name}", errcodes.INSUFFICIENT_PRIVILEGE)
        if rel.owner in roles:
            continue
        if not _acl_allows(rel.acl, roles, letters):
            raise PgError(f"permission denied for {_WORD.get(rel.kind, 'table')} {rel.name}",
                          errcodes.INSUFFICIENT_PRIVILEGE)


def checker(session, txn, cat):
    """The callable the analyzer's Env carries (``Env.check_access``)."""
    return lambda reqs: check(session, txn, cat, reqs)
