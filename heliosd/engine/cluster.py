"""Cluster-wide catalog: roles, role membership, databases and branch grants,
stored as MVCC rows in the system branch (0), so they are transactional and
replicated like everything else.

Key layout (system branch)
==========================

::

    OBJ_ROLES        enc_int(oid)            -> marshal(role dict)
    OBJ_ROLE_NAMES   enc_text(name)          -> marshal(oid)
    OBJ_DATABASES    enc_int(oid)            -> marshal(database dict)
    OBJ_DB_NAMES     enc_text(name)          -> marshal(oid)
    OBJ_MEMBERS      enc_int(role)|enc_int(member) -> marshal(dict(admin=bool, grantor=oid))
    OBJ_BRANCH_ACL   enc_int(bid)|enc_int(role)    -> marshal(set of privileges)
    OBJ_MEMBER_OF    enc_int(member)|enc_int(role) -> b"" (reverse index of OBJ_MEMBERS)
    OBJ_ACL_BY_ROLE  enc_int(role)|enc_int(bid)    -> b"" (reverse index of OBJ_BRANCH_ACL)

The reverse indexes keep the questions asked on every connection and every
listing cheap with thousands of tenants: "which roles is R a member of"
(``roles_of``) and "which branches may these roles use" (``usable_branches``)
read a few keys, not every membership or every grant.

A database is a namespace of branches (its oid is the branch namespace);
its root branch is named ``main``.  Branch privileges: ``USAGE`` lets a role
connect to, switch to, read, write (subject to table privileges), list and
time-travel in a branch, and fork from it.  The root branch ``main`` is
usable by every role (PUBLIC) unless revoked from PUBLIC (``root_public``).  Creating branches needs the role
attribute CREATEBRANCH (or SUPERUSER); dropping and renaming need
CREATEBRANCH plus USAGE on the branch, or ownership of it.  A fork starts
with a copy of its parent's grants (grant on the template once, and every
tenant forked afterwards inherits it).
"""

from __future__ import annotations

import marshal
import time

from .. import errcodes
from ..errors import PgError
from ..storage import keycode
from ..storage.mvcc import SYSTEM_BRANCH
from . import catalog as C

OBJ_ROLES = 10
OBJ_ROLE_NAMES = 11
OBJ_DATABASES = 12
OBJ_DB_NAMES = 13
OBJ_MEMBERS = 14
OBJ_BRANCH_ACL = 15
OBJ_MEMBER_OF = 16
OBJ_ACL_BY_ROLE = 17

BOOTSTRAP_SUPERUSER_OID = 10
PG_DATABASE_OWNER_OID = 6171
POSTGRES_DB_OID = 5
TEMPLATE1_OID = 1
TEMPLATE0_OID = 4

ROLE_DEFAULTS = {"super": False, "inherit": True, "createrole": False, "createdb": False, "login": False,
                 "replication": False, "bypassrls": False, "createbranch": False, "connlimit": -1,
                 "password": None, "valid_until": None, "config": None}


def _enc_name(name: str) -> bytes:
    return keycode.enc_text(name)


# ----------------------------------------------------------------- roles


def get_role_by_name(txn, name: str) -> dict | None:
    v = txn.get(SYSTEM_BRANCH, OBJ_ROLE_NAMES, _enc_name(name), latest=True)
    if v is None:
        return None
    return get_role(txn, marshal.loads(v))


def get_role(txn, oid: int) -> dict | None:
    v = txn.get(SYSTEM_BRANCH, OBJ_ROLES, keycode.enc_int(oid), latest=True)
    return marshal.loads(v) if v is not None else None


def list_roles(txn) -> list[dict]:
    return [marshal.loads(v) for _k, v in txn.scan(SYSTEM_BRANCH, OBJ_ROLES, latest=True)]


def put_role(txn, role: dict, old_name: str | None = None) -> None:
    txn.lock(b"role:" + role["name"].encode())
    if old_name is not None and old_name != role["name"]:
        txn.put(SYSTEM_BRANCH, OBJ_ROLE_NAMES, _enc_name(old_name), None)
    txn.put(SYSTEM_BRANCH, OBJ_ROLES, keycode.enc_int(role["oid"]), marshal.dumps(role))
    txn.put(SYSTEM_BRANCH, OBJ_ROLE_NAMES, _enc_name(role["name"]), marshal.dumps(role["oid"]))


def create_role(txn, name: str, oid: int | None = None, **attrs) -> dict:
    txn.lock(b"role:" + name.encode())
    if get_role_by_name(txn, name) is not None:
        raise PgError(f'role "{name}" already exists', errcodes.DUPLICATE_OBJECT)
    role = dict(ROLE_DEFAULTS)
    role.update(attrs)
    role["name"] = name
    role["oid"] = oid if oid is not None else txn.store.allocate_oid()
    put_role(txn, role)
    return role


def drop_role(txn, role: dict) -> None:
    txn.put(SYSTEM_BRANCH, OBJ_ROLES, keycode.enc_int(role["oid"]), None)
    txn.put(SYSTEM_BRANCH, OBJ_ROLE_NAMES, _enc_name(role["name"]), None)
    for k, v in list(txn.scan(SYSTEM_BRANCH, OBJ_MEMBERS, latest=True)):
        r, m = keycode.decode_key(k, ["int", "int"])
        if r == role["oid"] or m == role["oid"]:
            txn.put(SYSTEM_BRANCH, OBJ_MEMBERS, k, None)
            txn.put(SYSTEM_BRANCH, OBJ_MEMBER_OF, keycode.encode_key((m, r)), None)
    for bid in list(_prefix_ints(txn, OBJ_ACL_BY_ROLE, role["oid"])):
        set_branch_grant(txn, bid, role["oid"], set())


def _prefix_ints(txn, obj: int, first: int):
    """Second ints of the keys enc_int(first)|enc_int(x) of a reverse index."""
    prefix = keycode.enc_int(first)
    for k, _v in txn.scan(SYSTEM_BRANCH, obj, prefix, keycode.prefix_successor(prefix), latest=True):
        yield keycode.decode_key(k, ["int", "int"])[1]


def grant_membership(txn, role_oid: int, member_oid: int, admin: bool, grantor: int) -> None:
    txn.put(SYSTEM_BRANCH, OBJ_MEMBERS, keycode.encode_key((role_oid, member_oid)),
            marshal.dumps({"admin": admin, "grantor": grantor}))
    txn.put(SYSTEM_BRANCH, OBJ_MEMBER_OF, keycode.encode_key((member_oid, role_oid)), b"")


def revoke_membership(txn, role_oid: int, member_oid: int) -> bool:
    k = keycode.encode_key((role_oid, member_oid))
    if txn.get(SYSTEM_BRANCH, OBJ_MEMBERS, k, latest=True) is None:
        return False
    txn.put(SYSTEM_BRANCH, OBJ_MEMBERS, k, None)
    txn.put(SYSTEM_BRANCH, OBJ_MEMBER_OF, keycode.encode_key((member_oid, role_oid)), None)
    return True


def memberships(txn) -> list[tuple[int, int, dict]]:
    out = []
    for k, v in txn.scan(SYSTEM_BRANCH, OBJ_MEMBERS, latest=True):
        r, m = keycode.decode_key(k, ["int", "int"])
        out.append((r, m, marshal.loads(v)))
    return out


def roles_of(txn, oid: int) -> set[int]:
    """The role and every role it is (transitively) a member of (reads the
    reverse index: cost grows with the role's own memberships only)."""
    out = {oid}
    todo = [oid]
    while todo:
        m = todo.pop()
        for r in _prefix_ints(txn, OBJ_MEMBER_OF, m):
            if r not in out:
                out.add(r)
                todo.append(r)
    return out


# ----------------------------------------------------------------- databases


def get_database_by_name(txn, name: str) -> dict | None:
    v = txn.get(SYSTEM_BRANCH, OBJ_DB_NAMES, _enc_name(name), latest=True)
    if v is None:
        return None
    return get_database(txn, marshal.loads(v))


def get_database(txn, oid: int) -> dict | None:
    v = txn.get(SYSTEM_BRANCH, OBJ_DATABASES, keycode.enc_int(oid), latest=True)
    return marshal.loads(v) if v is not None else None


def list_databases(txn) -> list[dict]:
    return [marshal.loads(v) for _k, v in txn.scan(SYSTEM_BRANCH, OBJ_DATABASES, latest=True)]


def put_database(txn, db: dict, old_name: str | None = None) -> None:
    if old_name is not None and old_name != db["name"]:
        txn.put(SYSTEM_BRANCH, OBJ_DB_NAMES, _enc_name(old_name), None)
    txn.put(SYSTEM_BRANCH, OBJ_DATABASES, keycode.enc_int(db["oid"]), marshal.dumps(db))
    txn.put(SYSTEM_BRANCH, OBJ_DB_NAMES, _enc_name(db["name"]), marshal.dumps(db["oid"]))


def create_database(txn, name: str, owner: int, oid: int | None = None, template: dict | None = None,
                    allow_conn: bool = True, is_template: bool = False) -> dict:
    txn.lock(b"db:" + name.encode())
    if get_database_by_name(txn, name) is not None:
        raise PgError(f'database "{name}" already exists', errcodes.DUPLICATE_DATABASE)
    oid = oid if oid is not None else txn.store.allocate_oid()
    if template is not None:
        # O(1): the new database's main branch is a fork of the template's main
        parent = txn.branch_id(template["oid"], "main")
        bid = txn.create_branch(oid, "main", parent, meta={"owner": owner})
        C.strip_temp_objects(txn, bid)  # sessions' temp tables of the template stay behind
    else:
        bid = txn.create_branch(oid, "main", None, meta={"owner": owner})
        C.init_database_catalog(txn, bid)
    db = {"oid": oid, "name": name, "owner": owner, "root": bid, "allow_conn": allow_conn,
          "is_template": is_template, "connlimit": -1, "created": time.time(), "comment": None,
          "acl": None}
    put_database(txn, db)
    return db


def drop_database(txn, db: dict) -> None:
    txn.put(SYSTEM_BRANCH, OBJ_DATABASES, keycode.enc_int(db["oid"]), None)
    txn.put(SYSTEM_BRANCH, OBJ_DB_NAMES, _enc_name(db["name"]), None)
    for rec in txn.list_branches(db["oid"]):
        txn.drop_branch(db["oid"], rec["name"])


# ----------------------------------------------------------------- branch grants


def branch_grants(txn, bid: int) -> dict[int, set]:
    prefix = keycode.enc_int(bid)
    out = {}
    for k, v in txn.scan(SYSTEM_BRANCH, OBJ_BRANCH_ACL, prefix, keycode.prefix_successor(prefix), latest=True):
        _b, r = keycode.decode_key(k, ["int", "int"])
        out[r] = set(marshal.loads(v))
    return out


def set_branch_grant(txn, bid: int, role_oid: int, privs: set) -> None:
    k = keycode.encode_key((bid, role_oid))
    txn.put(SYSTEM_BRANCH, OBJ_BRANCH_ACL, k, marshal.dumps(sorted(privs)) if privs else None)
    txn.put(SYSTEM_BRANCH, OBJ_ACL_BY_ROLE, keycode.encode_key((role_oid, bid)), b"" if privs else None)


def has_branch_usage(txn, role: dict, bid: int, roles: set | None = None) -> bool:
    """Whether ``role`` may use branch ``bid``: superuser, owner (or member of
    the owning role), or USAGE granted to one of its roles or to PUBLIC."""
    if role.get("super"):
        return True
    if roles is None:
        roles = roles_of(txn, role["oid"])
    rec = txn.branch_record(bid)
    if rec is None or rec.get("dropped") is not None:
        return False
    if rec.get("owner") in roles or root_public(rec):
        return True
    for r in (0, *roles):
        v = txn.get(SYSTEM_BRANCH, OBJ_BRANCH_ACL, keycode.encode_key((bid, r)), latest=True)
        if v is not None and ("USAGE" in marshal.loads(v)):
            return True
    return False


def root_public(rec: dict) -> bool:
    """The root branch ``main`` is the database itself: every role may use it,
    as PUBLIC may CONNECT to a PostgreSQL database by default, unless
    ``REVOKE USAGE ON BRANCH main FROM PUBLIC`` turned that off.  This implicit
    grant is not a stored grant, so forks of main never inherit it."""
    return rec.get("name") == "main" and rec.get("public_usage", True)


def usable_branches(txn, roles: set) -> set[int]:
    """Branch ids on which one of ``roles`` or PUBLIC holds USAGE (owners aside)."""
    out = set()
    for r in (0, *roles):
        out.update(_prefix_ints(txn, OBJ_ACL_BY_ROLE, r))
    return out


def copy_branch_grants(txn, src: int, dst: int) -> None:
    for role, privs in branch_grants(txn, src).items():
        set_branch_grant(txn, dst, role, privs)


def ensure_reverse_indexes(store) -> None:
    """Build OBJ_MEMBER_OF / OBJ_ACL_BY_ROLE for a data directory written before
    they existed (one pass at startup; a no-op once they are there)."""
    txn = store.begin()
    try:
        first_mem = next(iter(txn.scan(SYSTEM_BRANCH, OBJ_MEMBERS, latest=True)), None)
        first_acl = next(iter(txn.scan(SYSTEM_BRANCH, OBJ_BRANCH_ACL, latest=True)), None)
        need_mem = first_mem is not None and next(iter(txn.scan(SYSTEM_BRANCH, OBJ_MEMBER_OF, latest=True)),
                                                   None) is None
        need_acl = first_acl is not None and next(iter(txn.scan(SYSTEM_BRANCH, OBJ_ACL_BY_ROLE, latest=True)),
                                                   None) is None
        if not (need_mem or need_acl):
            return
        if need_mem:
            for r, m, _d in memberships(txn):
                txn.put(SYSTEM_BRANCH, OBJ_MEMBER_OF, keycode.encode_key((m, r)), b"")
        if need_acl:
            for k, _v in list(txn.scan(SYSTEM_BRANCH, OBJ_BRANCH_ACL, latest=True)):
                b, r = keycode.decode_key(k, ["int", "int"])
                txn.put(SYSTEM_BRANCH, OBJ_ACL_BY_ROLE, keycode.encode_key((r, b)), b"")
        store.commit_sync(txn)
        txn = None
    finally:
        if txn is not None:
            txn.rollback()


# ----------------------------------------------------------------- bootstrap


def bootstrap(store, superuser: str, password_verifier: str | None) -> None:
    """Initialize a fresh data directory (like initdb)."""
    txn = store.begin()
    create_role(txn, superuser, oid=BOOTSTRAP_SUPERUSER_OID, super=True, inherit=True, createrole=True,
                createdb=True, login=True, replication=True, bypassrls=True, createbranch=True,
                password=password_verifier)
    create_role(txn, "pg_database_owner", oid=PG_DATABASE_OWNER_OID)
    for name, oid in (("pg_read_all_data", 6181), ("pg_write_all_data", 6182), ("pg_monitor", 3373),
                      ("pg_read_all_settings", 3374), ("pg_read_all_stats", 3375), ("pg_stat_scan_tables", 3377),
                      ("pg_read_server_files", 4569), ("pg_write_server_files", 4570),
                      ("pg_execute_server_program", 4571), ("pg_signal_backend", 4200),
                      ("pg_checkpoint", 4544)):
        create_role(txn, name, oid=oid)
    t1 = create_database(txn, "template1", BOOTSTRAP_SUPERUSER_OID, oid=TEMPLATE1_OID, is_template=True)
    store.commit_sync(txn)
    # forks see their parent's committed state: fork after template1 exists
    txn = store.begin()
    create_database(txn, "template0", BOOTSTRAP_SUPERUSER_OID, oid=TEMPLATE0_OID, template=t1,
                    allow_conn=False, is_template=True)
    create_database(txn, "postgres", BOOTSTRAP_SUPERUSER_OID, oid=POSTGRES_DB_OID, template=t1)
    store.commit_sync(txn)
