"""Utility statements executed by the session: transaction control, settings,
branches, roles, databases, grants, EXPLAIN, PREPARE/EXECUTE, cursors,
LISTEN/NOTIFY."""

from __future__ import annotations

import time

from .. import config as CFG
from .. import errcodes
from .. import types as T
from ..engine import cluster as CL
from ..errors import PgError
from ..sql.analyze import ResultColumn
from ..wire import protocol as P


def _cc(s, tag):
    s.out.append(P.command_complete(tag))


def _rows(s, cols, rows, tag=None):
    s.out.append(s.row_description(cols, []))
    enc = s.row_encoders(cols, [])
    for r in rows:
        s.out.append(P.data_row([None if v is None else f(v) for f, v in zip(enc, r)]))
    _cc(s, tag or f"SELECT {len(rows)}")


def _require_block(s, what):
    pass


#: utilities that take storage locks (branch names, branch write locks): a
#: conflict rolls the statement back, waits like DML does, and re-runs it
_LOCKING = frozenset({"create_branch", "drop_branch", "rename_branch", "alter_branch_owner"})
#: utility statements that take no snapshot (PostgreSQL's PlannedStmtRequiresSnapshot
#: is false for transaction control, SET/SHOW/RESET, LOCK, SET CONSTRAINTS, FETCH,
#: LISTEN/NOTIFY/UNLISTEN, CHECKPOINT): a REPEATABLE READ transaction's snapshot is
#: still open after them.  Every other utility fixes it (Txn.new_statement).
_NO_SNAPSHOT = frozenset({
    "begin", "commit", "rollback", "savepoint", "release", "rollback_to", "set_transaction",
    "set_session_characteristics", "set", "show", "reset", "use_branch", "set_role", "lock",
    "set_constraints", "fetch", "close_cursor", "listen", "unlisten", "notify", "checkpoint",
    "noop", "empty", "deallocate",
})


async def run_utility(s, u, text, multi, portal=None):
    h = _HANDLERS.get(u.kind)
    if h is None:
        raise PgError(f"{u.kind} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    txn = s.txn
    if (txn is not None and txn.snapshot_provisional and txn.repeatable and u.kind not in _NO_SNAPSHOT
            and u.kind != "create_branch"):  # forks after waiting for the parent's writers
        txn.new_statement()
    if u.kind not in _LOCKING or s.txn is None:
        await h(s, u, text, multi)
        return
    from ..exec.context import ExecContext
    from ..storage.locks import WouldBlock

    txn = s.txn
    sp = txn.savepoint()
    where = (s.branch_id, s.branch_name)
    while True:
        try:
            await h(s, u, text, multi)
            return
        except WouldBlock as wb:
            txn.rollback_to(sp)
            if (s.branch_id, s.branch_name) != where:
                s._switch_branch(*where)
            st = int(s.get_guc("statement_timeout"))
            ctx = ExecContext(txn, s.branch_id, None, None, session=s)
            if st > 0:
                ctx.deadline = time.monotonic() + st / 1000.0
            await s._wait_lock(wb.waiter, ctx)
            txn.new_statement()


# ----------------------------------------------------------------- transactions


async def _begin(s, u, text, multi):
    tag = getattr(u, "tag", "BEGIN")
    if s.txn is not None and not s.txn_implicit:
        s.notice("there is already a transaction in progress", "25001", severity="WARNING")
        if u.modes:
            s._set_txn_modes(u.modes)
        _cc(s, tag)
        return
    if s.txn is None:
        s._begin_txn(implicit=False)
    else:
        s.txn_implicit = False
    if u.modes:
        s._set_txn_modes(u.modes, begin=True)
    _cc(s, tag)


async def _set_constraints(s, u, text, multi):
    if s.txn is None or s.txn_implicit:
        s.notice("SET CONSTRAINTS can only be used in transaction blocks", "25P01", severity="WARNING")
        _cc(s, "SET CONSTRAINTS")
        return
    s.constraints_mode = u.mode
    if u.mode == "immediate":
        # pending deferred checks fire now (PostgreSQL: at SET CONSTRAINTS ... IMMEDIATE)
        s.txn.new_statement()
        s._run_deferred_checks()
    _cc(s, "SET CONSTRAINTS")


async def _commit(s, u, text, multi):
    if s.txn is None or (s.txn_implicit and not multi):
        if s.txn is not None:
            await s._commit_txn()
        s.notice("there is no transaction in progress", "25P01", severity="WARNING")
        _cc(s, "COMMIT")
        return
    if s.txn_implicit:
        s.notice("there is no transaction in progress", "25P01", severity="WARNING")
    if s.txn_state == "E":
        s._rollback_txn()
        _cc(s, "ROLLBACK")
        return
    chain_modes = None
    if u.chain:
        chain_modes = {"isolation": s.txn.isolation, "read_only": s.txn.read_only,
                       "deferrable": getattr(s.txn, "deferrable", False)}
    await s._commit_txn()
    if chain_modes:
        s._begin_txn(implicit=False)
        s._set_txn_modes(chain_modes)
    _cc(s, "COMMIT")


async def _rollback(s, u, text, multi):
    if s.txn is None or s.txn_implicit:
        # outside a block, and inside the implicit block of a multi-statement
        # query, PostgreSQL warns (and rolls the implicit block back)
        if s.txn is not None:
            s._rollback_txn()
        s.notice("there is no transaction in progress", "25P01", severity="WARNING")
        _cc(s, "ROLLBACK")
        return
    chain_modes = None
    if u.chain:
        chain_modes = {"isolation": s.txn.isolation, "read_only": s.txn.read_only,
                       "deferrable": getattr(s.txn, "deferrable", False)}
    s._rollback_txn()
    if chain_modes:
        s._begin_txn(implicit=False)
        s._set_txn_modes(chain_modes)
    _cc(s, "ROLLBACK")


def _need_block(s, what):
    if s.txn is None or s.txn_implicit:
        raise PgError(f"{what} can only be used in transaction blocks", errcodes.NO_ACTIVE_SQL_TRANSACTION)


async def _savepoint(s, u, text, multi):
    _need_block(s, "SAVEPOINT")
    s.savepoints.append((u.name, s.txn.savepoint(), dict(s.local_gucs or {}), dict(s.gucs), s.branch_id,
                         s.branch_name))
    _cc(s, "SAVEPOINT")


def _find_sp(s, name):
    for i in range(len(s.savepoints) - 1, -1, -1):
        if s.savepoints[i][0] == name:
            return i
    raise PgError(f'savepoint "{name}" does not exist', errcodes.S_E_INVALID_SPECIFICATION
                  if hasattr(errcodes, "S_E_INVALID_SPECIFICATION") else "3B001")


async def _release(s, u, text, multi):
    _need_block(s, "RELEASE SAVEPOINT")
    i = _find_sp(s, u.name)
    del s.savepoints[i:]
    _cc(s, "RELEASE")


async def _rollback_to(s, u, text, multi):
    _need_block(s, "ROLLBACK TO SAVEPOINT")
    i = _find_sp(s, u.name)
    name, sp, local, gucs, bid, bname = s.savepoints[i]
    del s.savepoints[i + 1:]
    s.txn.rollback_to(sp)
    s.local_gucs = dict(local)
    s.gucs = dict(gucs)
    s._settings_gen += 1
    if (bid, bname) != (s.branch_id, s.branch_name):
        s._switch_branch(bid, bname)
    s._tz = None
    s.txn_state = "T"
    _cc(s, "ROLLBACK")


async def _set_transaction(s, u, text, multi):
    if s.txn is None or s.txn_implicit:
        s.notice("SET TRANSACTION can only be used in transaction blocks", "25P01", severity="WARNING")
    else:
        s._set_txn_modes(u.modes)
    _cc(s, "SET")


async def _set_session_chars(s, u, text, multi):
    m = u.modes
    if "isolation" in m:
        s.set_guc("default_transaction_isolation", m["isolation"])
    if "read_only" in m:
        s.set_guc("default_transaction_read_only", "on" if m["read_only"] else "off")
    if "deferrable" in m:
        s.set_guc("default_transaction_deferrable", "on" if m["deferrable"] else "off")
    _cc(s, "SET")


# ----------------------------------------------------------------- settings


async def _set(s, u, text, multi):
    name = u.name
    vals = u.values
    value = None if vals is None else ", ".join(vals) if name.lower() != "search_path" else \
        ", ".join(_quote_path_item(v) for v in vals)
    if name.lower() == "timezone" and vals is not None and len(vals) == 1:
        value = vals[0]
    s.set_guc(name, value, local=u.local)
    _cc(s, "SET")


def _quote_path_item(v):
    if v == "$user":
        return '"$user"'
    if v.islower() and v.replace("_", "a").isalnum():
        return v
    return '"' + v.replace('"', '""') + '"'


async def _show(s, u, text, multi):
    name = u.name
    if name == "all":
        rows = []
        for k, g in sorted(CFG.GUCS.items(), key=lambda x: x[0].lower()):
            rows.append((k, _show_value(s, k), g.short_desc))
        cols = [ResultColumn("name", T.TEXT), ResultColumn("setting", T.TEXT), ResultColumn("description", T.TEXT)]
        _rows(s, cols, rows, "SHOW")
        return
    g = CFG.find_guc(name)
    label = g.name if g is not None else name
    if g is None and "." not in name:
        raise PgError(f'unrecognized configuration parameter "{name}"', errcodes.UNDEFINED_OBJECT)
    if g is None:
        try:
            v = s.get_guc(name)
        except PgError:
            raise PgError(f'unrecognized configuration parameter "{name}"', errcodes.UNDEFINED_OBJECT) from None
    else:
        v = _show_value(s, g.name)
    _rows(s, [ResultColumn(label.lower() if g is None else g.name, T.TEXT)], [(v,)], "SHOW")


def _show_value(s, k):
    g = CFG.GUCS.get(k)
    v = s.get_guc(k)
    if g is not None and g.unit and v.lstrip("-").isdigit():
        n = int(v)
        if g.unit == "ms":
            if n == 0 or n == -1:
                return str(n)
            for div, suf in ((86400000, "d"), (3600000, "h"), (60000, "min"), (1000, "s")):
                if n % div == 0:
                    return f"{n // div}{suf}"
            return f"{n}ms"
        if g.unit == "s":
            for div, suf in ((86400, "d"), (3600, "h"), (60, "min")):
                if n and n % div == 0:
                    return f"{n // div}{suf}"
            return f"{n}s"
        if g.unit == "kB":
            for div, suf in ((1024 * 1024, "GB"), (1024, "MB")):
                if n and n % div == 0:
                    return f"{n // div}{suf}"
            return f"{n}kB"
    return v


async def _reset(s, u, text, multi):
    if u.name == "all":
        _reset_all(s)
    else:
        s.set_guc(u.name, None)
    _cc(s, "RESET")


def _reset_all(s):
    for k in list(s.gucs):
        if k == "helios.branch":
            continue
        s.set_guc(k, None) if CFG.find_guc(k) is not None else s.gucs.pop(k, None)
    # RESET ALL puts the session back on its startup branch (poolers rely on it)
    if s.branch_name != s.startup_branch:
        try:
            s.use_branch(s.startup_branch)
        except PgError:
            pass


async def _discard(s, u, text, multi):
    if u.what == "ALL":
        if s.txn is not None and (not s.txn_implicit or multi):
            raise PgError("DISCARD ALL cannot run inside a transaction block", errcodes.ACTIVE_SQL_TRANSACTION)
        _reset_all(s)
        s.prepared.clear()
        s.portals.clear()
        s.cursors.clear()
        s.currvals.clear()
        s.lastval = None
        for ch in list(s.listening):
            s.cluster.listeners.get(ch, set()).discard(s)
        s.listening.clear()
        if s.advisory_locks:
            from ..exec.functions import advisory

            advisory.release(s, xact_only=False)
    if u.what in ("ALL", "TEMP", "TEMPORARY") and s.temp_branches:
        from . import temp as _temp

        own = s.txn is None
        txn = s.txn or s.store.begin()
        try:
            _temp.discard(s, txn)
            if own:
                await s.store.commit(txn)
        except BaseException:
            if own and txn.active:
                txn.rollback()
            raise
    if u.what == "PLANS":
        pass
    elif u.what == "SEQUENCES":
        s.currvals.clear()
        s.lastval = None
    _cc(s, f"DISCARD {u.what if u.what != 'TEMPORARY' else 'TEMP'}")


# ----------------------------------------------------------------- branches


def _can_manage_branches(s, txn, bid=None) -> bool:
    """CREATE BRANCH needs SUPERUSER or CREATEBRANCH (plus USAGE on the parent,
    checked by name resolution).  DROP / RENAME / GRANT on a branch need
    SUPERUSER, ownership (membership in the owning role), or CREATEBRANCH
    together with USAGE on it."""
    r = s.role
    if r.get("super"):
        return True
    if bid is not None:
        rec = txn.branch_record(bid)
        if rec is not None and rec.get("owner") in CL.roles_of(txn, r["oid"]):
            return True
    if not r.get("createbranch"):
        return False
    return bid is None or s._branch_usage(txn, bid, "")


def _session_branch(s) -> int:
    if s.branch_id is None:
        raise s._branch_error or PgError("the session has no branch", errcodes.UNDEFINED_OBJECT)
    return s.branch_id


async def _create_branch(s, u, text, multi):
    txn = s.txn
    # without FROM: the session's current branch (by id: the branch it is on,
    # even if its name was meanwhile given to another one)
    parent = s.resolve_branch(txn, u.parent) if u.parent is not None else _session_branch(s)
    if not _can_manage_branches(s, txn):
        raise PgError("permission denied to create branch", errcodes.INSUFFICIENT_PRIVILEGE,
                      hint="Only roles with the CREATEBRANCH attribute may create branches.")
    _validate_branch_name(u.name)
    if txn.branch_id(s.db["oid"], u.name) is not None:
        if u.if_not_exists:
            s.notice(f'branch "{u.name}" already exists, skipping', "42710")
            _cc(s, "CREATE BRANCH")
            return
    fork_seq = None
    if u.as_of is not None:
        from ..exec.context import ExecContext

        ctx = ExecContext(txn, parent, None, None, session=s)
        saved = s.branch_id
        s.branch_id = parent
        try:
            fork_seq = s.resolve_as_of(u.as_of, ctx)
        finally:
            s.branch_id = saved
    if fork_seq is None:
        # the branch write lock of the parent (session.branch_write_lock): wait for its
        # open writers, fork at a snapshot taken after they ended, keep its writers
        # out until this transaction ends (a branch-and-swap cannot be starved)
        from ..storage.locks import EXCLUSIVE
        from .session import branch_write_lock

        txn.lock(branch_write_lock(parent), EXCLUSIVE)
        if not txn.repeatable or txn.snapshot_provisional:
            txn.new_statement()
    bid = txn.create_branch(s.db["oid"], u.name, parent, fork_seq, meta={"owner": s.role["oid"]})
    CL.copy_branch_grants(txn, parent, bid)
    # sessions' temporary objects never travel into a fork (engine/catalog.py, invariant 6)
    from ..engine.catalog import strip_temp_objects

    strip_temp_objects(txn, bid)
    _cc(s, "CREATE BRANCH")


def _validate_branch_name(name):
    if not name or len(name.encode()) > 63:
        raise PgError(f'invalid branch name "{name}"', errcodes.INVALID_NAME,
                      detail="Branch names are 1 to 63 bytes long.")


async def _use_branch(s, u, text, multi):
    s.use_branch(u.name)
    _cc(s, "USE BRANCH")


#: seconds DROP BRANCH waits for other sessions to leave the branch (PostgreSQL's
#: DROP DATABASE waits up to 5 s for backends that are exiting)
DROP_WAIT = 2.0


def sessions_using_branch(s, txn, bid: int) -> list:
    """Other sessions of this database that use branch ``bid`` now: inside a
    transaction, the branch they run on (or resolved earlier in it); idle,
    the branch their name resolves to, since they re-resolve it at their
    next transaction (so pooled sessions of a tenant whose branch was just
    swapped do not hold the retired branch)."""
    ns = s.db["oid"]
    out = []
    names: dict = {}
    for o in list(s.cluster.sessions.values()):
        if o is s or o.db is None or o.db["oid"] != ns:
            continue
        if o.txn is not None:
            if o.branch_id == bid or bid in getattr(o.txn, "_pins", ()):
                out.append(o)
            continue
        name = o.branch_name
        if name not in names:
            names[name] = txn.branch_id(ns, name) if name is not None else None
        if names[name] == bid:
            out.append(o)
    return out


async def _drop_branch(s, u, text, multi):
    txn = s.txn
    bid = txn.branch_id(s.db["oid"], u.name)
    if bid is None or not s._branch_usage(txn, bid, u.name):
        if u.if_exists:
            s.notice(f'branch "{u.name}" does not exist, skipping', "00000")
            _cc(s, "DROP BRANCH")
            return
        raise PgError(f'branch "{u.name}" does not exist', errcodes.UNDEFINED_OBJECT)
    if txn.branch_record(bid).get("parent") is None or u.name == "main":
        raise PgError(f'cannot drop the root branch "{u.name}" of a database', errcodes.OBJECT_IN_USE,
                      hint="Use DROP DATABASE to remove the database.")
    if not _can_manage_branches(s, txn, bid):
        raise PgError(f'permission denied to drop branch "{u.name}"', errcodes.INSUFFICIENT_PRIVILEGE)
    if s.branch_id == bid:
        raise PgError("cannot drop the currently open branch", errcodes.OBJECT_IN_USE,
                      hint="Switch to another branch with USE BRANCH first.")
    others = sessions_using_branch(s, txn, bid)
    if others and not u.force:
        # like DROP DATABASE, give sessions that are disconnecting a moment to go
        import asyncio

        deadline = time.monotonic() + DROP_WAIT
        while others and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            others = sessions_using_branch(s, txn, bid)
    if others:
        if not u.force:
            raise PgError(f'branch "{u.name}" is being accessed by other users', errcodes.OBJECT_IN_USE,
                          detail=f"There {'is' if len(others) == 1 else 'are'} {len(others)} other "
                                 f"session{'' if len(others) == 1 else 's'} using the branch.",
                          hint="Use DROP BRANCH ... (FORCE) to terminate them.")
        if any(o.role.get("super") for o in others) and not s.role.get("super"):
            raise PgError("must be a superuser to terminate superuser process", errcodes.INSUFFICIENT_PRIVILEGE)
        for o in others:
            term = getattr(o, "terminate", None)
            if term is not None:
                term("terminating connection due to branch drop")
    txn.drop_branch(s.db["oid"], u.name)
    _cc(s, "DROP BRANCH")


async def _rename_branch(s, u, text, multi):
    txn = s.txn
    bid = s.resolve_branch(txn, u.name)
    if txn.branch_record(bid).get("parent") is None or u.name == "main":
        raise PgError(f'cannot rename the root branch "{u.name}" of a database', errcodes.OBJECT_IN_USE)
    if not _can_manage_branches(s, txn, bid):
        raise PgError(f'permission denied to rename branch "{u.name}"', errcodes.INSUFFICIENT_PRIVILEGE)
    _validate_branch_name(u.new)
    if u.new != u.name and txn.branch_id(s.db["oid"], u.new) is not None:
        raise PgError(f'branch "{u.new}" already exists', errcodes.DUPLICATE_OBJECT)
    # writers of the branch finish first; writers arriving meanwhile wait, then
    # fail 40001 (their transaction resolved the old name): session.branch_write_lock
    from ..storage.locks import EXCLUSIVE
    from .session import branch_write_lock

    txn.lock(branch_write_lock(bid), EXCLUSIVE)
    txn.rename_branch(s.db["oid"], u.name, u.new)
    if s.branch_id == bid:
        # the renaming session stays on its branch, under the new name
        s.branch_name = u.new
    _cc(s, "ALTER BRANCH")


async def _alter_branch_owner(s, u, text, multi):
    txn = s.txn
    bid = s.resolve_branch(txn, u.name)
    r = CL.get_role_by_name(txn, u.owner)
    if r is None:
        raise PgError(f'role "{u.owner}" does not exist', errcodes.UNDEFINED_OBJECT)
    rec = txn.branch_record(bid)
    if not s.role.get("super"):
        mine = CL.roles_of(txn, s.role["oid"])
        if rec.get("owner") not in mine:
            raise PgError(f"must be owner of branch {u.name}", errcodes.INSUFFICIENT_PRIVILEGE)
        if r["oid"] not in mine:
            raise PgError(f'must be able to SET ROLE "{u.owner}"', errcodes.INSUFFICIENT_PRIVILEGE)
    txn.update_branch_record(bid, dict(rec, owner=r["oid"]))
    _cc(s, "ALTER BRANCH")


# ----------------------------------------------------------------- roles


def _need_createrole(s):
    if not (s.role.get("super") or s.role.get("createrole")):
        raise PgError("permission denied to create role", errcodes.INSUFFICIENT_PRIVILEGE)


def _role_attrs(opts, s):
    from ..server.auth import make_verifier

    attrs = {}
    for k, v in opts.items():
        if k == "password":
            attrs["password"] = make_verifier(v) if v is not None else None
        elif k == "superuser":
            attrs["super"] = v
        elif k in ("login", "createdb", "createrole", "inherit", "replication", "bypassrls", "createbranch",
                   "connlimit", "valid_until"):
            attrs[k] = v
    if attrs.get("super") and not s.role.get("super"):
        raise PgError("must be superuser to create superusers", errcodes.INSUFFICIENT_PRIVILEGE)
    return attrs


async def _create_role(s, u, text, multi):
    _need_createrole(s)
    attrs = _role_attrs(u.options, s)
    if u.login and "login" not in attrs:
        attrs["login"] = True
    if u.name.startswith("pg_"):
        raise PgError(f'role name "{u.name}" is reserved', errcodes.RESERVED_NAME,
                      detail='Role names starting with "pg_" are reserved.')
    role = CL.create_role(s.txn, u.name, **attrs)
    for rname in u.options.get("in_role", []) or []:
        r = CL.get_role_by_name(s.txn, rname)
        if r is None:
            raise PgError(f'role "{rname}" does not exist', errcodes.UNDEFINED_OBJECT)
        CL.grant_membership(s.txn, r["oid"], role["oid"], False, s.role["oid"])
    _cc(s, "CREATE ROLE")


async def _alter_role(s, u, text, multi):
    txn = s.txn
    name = s.role["name"] if u.name in ("current_user", "session_user") else u.name
    role = CL.get_role_by_name(txn, name)
    if role is None:
        raise PgError(f'role "{name}" does not exist', errcodes.UNDEFINED_OBJECT)
    only_password = set(u.options) <= {"password"}
    if not (s.role.get("super") or s.role.get("createrole") or (only_password and role["oid"] == s.role["oid"])):
        raise PgError("permission denied", errcodes.INSUFFICIENT_PRIVILEGE)
    if role.get("super") and not s.role.get("super"):
        raise PgError("must be superuser to alter superuser roles", errcodes.INSUFFICIENT_PRIVILEGE)
    role.update(_role_attrs(u.options, s))
    CL.put_role(txn, role)
    _cc(s, "ALTER ROLE")


async def _alter_role_set(s, u, text, multi):
    txn = s.txn
    role = CL.get_role_by_name(txn, u.name)
    if role is None:
        raise PgError(f'role "{u.name}" does not exist', errcodes.UNDEFINED_OBJECT)
    cfg = dict(role.get("config") or {})
    if u.values is None:
        cfg.pop(u.guc, None)
    else:
        cfg[u.guc] = ", ".join(u.values)
    role["config"] = cfg
    CL.put_role(txn, role)
    _cc(s, "ALTER ROLE")


async def _rename_role(s, u, text, multi):
    _need_createrole(s)
    txn = s.txn
    role = CL.get_role_by_name(txn, u.name)
    if role is None:
        raise PgError(f'role "{u.name}" does not exist', errcodes.UNDEFINED_OBJECT)
    if CL.get_role_by_name(txn, u.new) is not None:
        raise PgError(f'role "{u.new}" already exists', errcodes.DUPLICATE_OBJECT)
    if role["oid"] == s.session_role["oid"]:
        raise PgError("session user cannot be renamed", errcodes.FEATURE_NOT_SUPPORTED)
    old = role["name"]
    role["name"] = u.new
    CL.put_role(txn, role, old_name=old)
    s.notice("MD5 password cleared because of role rename") if False else None
    _cc(s, "ALTER ROLE")


async def _drop_role(s, u, text, multi):
    _need_createrole(s)
    txn = s.txn
    for name in u.names:
        role = CL.get_role_by_name(txn, name)
        if role is None:
            if u.if_exists:
                s.notice(f'role "{name}" does not exist, skipping', "00000")
                continue
            raise PgError(f'role "{name}" does not exist', errcodes.UNDEFINED_OBJECT)
        if role["oid"] == s.session_role["oid"] or role["oid"] == s.role["oid"]:
            raise PgError("current user cannot be dropped", errcodes.OBJECT_IN_USE)
        if role["oid"] == CL.BOOTSTRAP_SUPERUSER_OID:
            raise PgError(f'cannot drop role {name} because it is required by the database system',
                          errcodes.DEPENDENT_OBJECTS_STILL_EXIST)
        if role.get("super") and not s.role.get("super"):
            raise PgError("must be superuser to drop superusers", errcodes.INSUFFICIENT_PRIVILEGE)
        CL.drop_role(txn, role)
    _cc(s, "DROP ROLE")


async def _grant_role(s, u, text, multi, revoke=False):
    txn = s.txn
    for rname in u.roles:
        role = CL.get_role_by_name(txn, rname)
        if role is None:
            raise PgError(f'role "{rname}" does not exist', errcodes.UNDEFINED_OBJECT)
        if not (s.role.get("super") or s.role.get("createrole")):
            raise PgError(f'must have admin option on role "{rname}"', errcodes.INSUFFICIENT_PRIVILEGE)
        for g in u.grantees:
            grantee = CL.get_role_by_name(txn, g)
            if grantee is None:
                raise PgError(f'role "{g}" does not exist', errcodes.UNDEFINED_OBJECT)
            if revoke:
                CL.revoke_membership(txn, role["oid"], grantee["oid"])
            else:
                if role["oid"] in CL.roles_of(txn, grantee["oid"]) - {grantee["oid"]}:
                    s.notice(f'role "{g}" is already a member of role "{rname}"', "00000")
                if grantee["oid"] in CL.roles_of(txn, role["oid"]):
                    raise PgError(f'role "{rname}" is a member of role "{g}"', errcodes.INVALID_GRANT_OPERATION)
                CL.grant_membership(txn, role["oid"], grantee["oid"], False, s.role["oid"])
    _cc(s, "REVOKE ROLE" if revoke else "GRANT ROLE")


async def _revoke_role(s, u, text, multi):
    await _grant_role(s, u, text, multi, revoke=True)


async def _grant(s, u, text, multi, revoke=False):
    txn = s.txn
    if u.objtype == "BRANCH":
        privs = set(p.strip().upper() for p in u.privileges.replace(",", " ").split() if p.strip())
        if "PRIVILEGES" in privs:
            privs.discard("PRIVILEGES")
        if "ALL" in privs:
            privs = {"USAGE"}
        bad = privs - {"USAGE"}
        if bad:
            raise PgError(f"invalid privilege type {sorted(bad)[0]} for branch", errcodes.INVALID_GRANT_OPERATION)
        for obj in u.objects:
            name = obj.strip().strip('"') if obj.strip().startswith('"') else obj.strip().lower()
            bid = s.resolve_branch(txn, name)
            # as GRANT on any object in PostgreSQL: the owner (or a superuser) decides
            rec = txn.branch_record(bid)
            if not s.role.get("super") and rec.get("owner") not in CL.roles_of(txn, s.role["oid"]):
                raise PgError(f"permission denied for branch {name}", errcodes.INSUFFICIENT_PRIVILEGE)
            grants = CL.branch_grants(txn, bid)
            for g in u.grantees:
                if g == "public" and rec.get("name") == "main":
                    # the root branch's implicit PUBLIC usage (CL.root_public): a flag, not a grant
                    rec = dict(rec, public_usage=not revoke)
                    txn.update_branch_record(bid, rec)
                    continue
                if g == "public":
                    oid = 0
                else:
                    r = CL.get_role_by_name(txn, g)
                    if r is None:
                        raise PgError(f'role "{g}" does not exist', errcodes.UNDEFINED_OBJECT)
                    oid = r["oid"]
                cur = set(grants.get(oid, set()))
                if revoke:
                    cur -= privs
                else:
                    cur |= privs
                CL.set_branch_grant(txn, bid, oid, cur)
        _cc(s, "REVOKE" if revoke else "GRANT")
        return
    # table/schema/database privileges: recorded as ACLs on the objects
    from . import privileges as PR

    PR.grant_objects(s, u, revoke)
    _cc(s, "REVOKE" if revoke else "GRANT")


async def _revoke(s, u, text, multi):
    await _grant(s, u, text, multi, revoke=True)


# ----------------------------------------------------------------- databases


async def _create_database(s, u, text, multi):
    if s.txn is not None and (not s.txn_implicit or multi):
        raise PgError("CREATE DATABASE cannot run inside a transaction block", errcodes.ACTIVE_SQL_TRANSACTION)
    if not (s.role.get("super") or s.role.get("createdb")):
        raise PgError("permission denied to create database", errcodes.INSUFFICIENT_PRIVILEGE)
    txn = s.txn
    tname = u.options.get("template") or "template1"
    tmpl = CL.get_database_by_name(txn, tname)
    if tmpl is None:
        raise PgError(f'template database "{tname}" does not exist', errcodes.INVALID_CATALOG_NAME)
    if not tmpl.get("is_template") and not s.role.get("super") and tmpl["owner"] != s.role["oid"]:
        raise PgError(f'permission denied to copy database "{tname}"', errcodes.INSUFFICIENT_PRIVILEGE)
    others = s.cluster.sessions_on_database(tmpl["oid"], exclude=s)
    if others:
        raise PgError(f'source database "{tname}" is being accessed by other users', errcodes.OBJECT_IN_USE,
                      detail=f"There {'is' if len(others) == 1 else 'are'} {len(others)} other "
                             f"session{'' if len(others) == 1 else 's'} using the database.")
    owner = s.role["oid"]
    if u.options.get("owner"):
        r = CL.get_role_by_name(txn, u.options["owner"])
        if r is None:
            raise PgError(f'role "{u.options["owner"]}" does not exist', errcodes.UNDEFINED_OBJECT)
        owner = r["oid"]
    CL.create_database(txn, u.name, owner, template=tmpl)
    _cc(s, "CREATE DATABASE")


async def _drop_database(s, u, text, multi):
    if s.txn is not None and (not s.txn_implicit or multi):
        raise PgError("DROP DATABASE cannot run inside a transaction block", errcodes.ACTIVE_SQL_TRANSACTION)
    txn = s.txn
    db = CL.get_database_by_name(txn, u.name)
    if db is None:
        if u.if_exists:
            s.notice(f'database "{u.name}" does not exist, skipping', "00000")
            _cc(s, "DROP DATABASE")
            return
        raise PgError(f'database "{u.name}" does not exist', errcodes.INVALID_CATALOG_NAME)
    if db["oid"] == s.db["oid"]:
        raise PgError("cannot drop the currently open database", errcodes.OBJECT_IN_USE)
    if not (s.role.get("super") or db["owner"] == s.role["oid"]):
        raise PgError(f"must be owner of database {u.name}", errcodes.INSUFFICIENT_PRIVILEGE)
    if db.get("is_template") and u.name in ("template0", "template1"):
        raise PgError("cannot drop a template database", errcodes.WRONG_OBJECT_TYPE)
    others = s.cluster.sessions_on_database(db["oid"], exclude=s)
    if others:
        if not u.force:
            raise PgError(f'database "{u.name}" is being accessed by other users', errcodes.OBJECT_IN_USE,
                          detail=f"There {'is' if len(others) == 1 else 'are'} {len(others)} other "
                                 f"session{'' if len(others) == 1 else 's'} using the database.")
        for o in others:
            o.terminate("terminating connection due to administrator command")
    CL.drop_database(txn, db)
    _cc(s, "DROP DATABASE")


async def _rename_database(s, u, text, multi):
    txn = s.txn
    db = CL.get_database_by_name(txn, u.name)
    if db is None:
        raise PgError(f'database "{u.name}" does not exist', errcodes.INVALID_CATALOG_NAME)
    if CL.get_database_by_name(txn, u.new) is not None:
        raise PgError(f'database "{u.new}" already exists', errcodes.DUPLICATE_DATABASE)
    if db["oid"] == s.db["oid"]:
        raise PgError("current database cannot be renamed", errcodes.FEATURE_NOT_SUPPORTED)
    old = db["name"]
    db["name"] = u.new
    CL.put_database(txn, db, old_name=old)
    _cc(s, "ALTER DATABASE")


async def _alter_database(s, u, text, multi):
    _cc(s, "ALTER DATABASE")


# ----------------------------------------------------------------- misc


async def _noop(s, u, text, multi):
    _cc(s, u.tag)


async def _checkpoint(s, u, text, multi):
    if not s.role.get("super"):
        raise PgError("must be superuser or have privileges of pg_checkpoint to do CHECKPOINT",
                      errcodes.INSUFFICIENT_PRIVILEGE)
    _cc(s, "CHECKPOINT")


async def _vacuum(s, u, text, multi):
    if s.txn is not None and (not s.txn_implicit or multi):
        raise PgError("VACUUM cannot run inside a transaction block", errcodes.ACTIVE_SQL_TRANSACTION)
    _cc(s, "VACUUM")


async def _analyze(s, u, text, multi):
    _cc(s, "ANALYZE")


async def _create_extension(s, u, text, multi):
    if u.name in ("plpgsql",):
        if u.if_not_exists:
            s.notice(f'extension "{u.name}" already exists, skipping', "42710")
            _cc(s, "CREATE EXTENSION")
            return
        raise PgError(f'extension "{u.name}" already exists', errcodes.DUPLICATE_OBJECT)
    raise PgError(f'extension "{u.name}" is not available', errcodes.UNDEFINED_FILE,
                  detail=f'Could not open extension control file for "{u.name}".',
                  hint="The extension must first be installed on the system where PostgreSQL is running.")


def _chan(s, channel):
    """Channels are scoped to a database and branch: tenants never hear each other."""
    return (s.db["oid"], s.branch_id, channel)


async def _listen(s, u, text, multi):
    key = _chan(s, u.channel)
    s.listening.add(key)
    s.cluster.listeners.setdefault(key, set()).add(s)
    _cc(s, "LISTEN")


async def _unlisten(s, u, text, multi):
    keys = [k for k in s.listening if u.channel is None or k[2] == u.channel]
    for k in keys:
        s.listening.discard(k)
        s.cluster.listeners.get(k, set()).discard(s)
    _cc(s, "UNLISTEN")


async def _notify(s, u, text, multi):
    if len(u.payload.encode()) >= 8000:
        raise PgError("payload string too long", errcodes.INVALID_PARAMETER_VALUE)
    # queued on the session: delivered when the transaction (explicit or the
    # implicit one of this message) commits, dropped on rollback
    pending = s.__dict__.setdefault("pending_notifies", [])
    item = (_chan(s, u.channel), u.payload)
    if item not in pending:  # PostgreSQL folds duplicates within a transaction
        pending.append(item)
    _cc(s, "NOTIFY")


def deliver_notifies(s):
    pending = s.__dict__.pop("pending_notifies", None) or []
    for key, payload in pending:
        for other in list(s.cluster.listeners.get(key, ())):
            other.deliver_notification(s.pid, key[2], payload)


async def _explain(s, u, text, multi):
    from . import explain as EX

    await EX.run_explain(s, u)


async def _prepare_stmt(s, u, text, multi):
    from ..sql.types_sql import parse_type_text

    if u.name in s.prepared:
        raise PgError(f'prepared statement "{u.name}" already exists', errcodes.DUPLICATE_PREPARED_STATEMENT)
    types = [parse_type_text(t)[0] for t in u.types]
    p = s.prepare(u.query, types)
    p.__class__  # noqa: B018
    s.prepared[u.name] = p
    # pg_prepared_statements shows the query string the PREPARE came in
    s.__dict__.setdefault("prepared_info", {})[u.name] = (s.query_text or text, time.time(), True)
    s.__dict__.setdefault("sql_prepared", set()).add(u.name)
    _cc(s, "PREPARE")


async def _execute_stmt(s, u, text, multi):
    from ..exec.expr import eval_const
    from ..sql import resolve as R
    from ..sql.analyze import Analyzer, Scope
    from ..sql.parser import parse_sql

    p = s.prepared.get(u.name)
    if p is None:
        raise PgError(f'prepared statement "{u.name}" does not exist', errcodes.INVALID_SQL_STATEMENT_NAME)
    p2 = s.revalidate(p)
    if p2 is not p:
        s.prepared[u.name] = p = p2
    if len(u.args) != len(p.param_types):
        raise PgError(f"wrong number of parameters for prepared statement \"{u.name}\"", errcodes.SYNTAX_ERROR,
                      detail=f"Expected {len(p.param_types)} parameters but got {len(u.args)}.")
    params = []
    an = Analyzer(s.env_for(s.catalog()))
    for a, t in zip(u.args, p.param_types):
        e = an.expr(parse_sql(f"SELECT {a}").expressions[0], Scope())
        params.append(eval_const(R.coerce(e, t, -1, "assignment")))
    from .session import Portal

    # through the extended protocol, the Bind's result formats apply (Describe described it)
    portal = Portal("", p, params, list(getattr(s, "portal_formats", None) or []))
    await s.run_portal(portal, 0, describe=True)


async def _deallocate(s, u, text, multi):
    if u.name is None:
        s.prepared.clear()
    else:
        if u.name not in s.prepared:
            raise PgError(f'prepared statement "{u.name}" does not exist', errcodes.INVALID_SQL_STATEMENT_NAME)
        del s.prepared[u.name]
    _cc(s, "DEALLOCATE ALL" if u.name is None else "DEALLOCATE")


async def _copy(s, u, text, multi):
    from . import copy as CP

    await CP.run_copy(s, u.sql)


async def _comment(s, u, text, multi):
    p = s.prepare(u.sql, [])
    await s._run_ddl(p)


async def _lock(s, u, text, multi):
    """LOCK TABLE: a per-relation lock in the lock manager (waits, lock_timeout, NOWAIT and
    deadlock detection as for row locks), held to the end of the transaction.  PostgreSQL's
    eight modes are folded to two: SHARE UPDATE EXCLUSIVE and weaker ones share, SHARE and
    stronger ones exclude each other (SHARE/SHARE pairs therefore wait, which PostgreSQL
    would let through).  Only LOCK TABLE takes these locks: DML does not wait for them."""
    import json

    from ..exec.context import ExecContext
    from ..sql.analyze import Analyzer
    from ..sql.parser import _pg_parse_json
    from ..errors import LockNotAvailable
    from ..storage.locks import EXCLUSIVE, SHARE, WouldBlock
    from ..storage.mvcc import lkey

    _need_block(s, "LOCK TABLE")
    stmt = json.loads(_pg_parse_json(text))["stmts"][0]["stmt"]["LockStmt"]
    mode = EXCLUSIVE if stmt.get("mode", 8) >= 5 else SHARE
    nowait = bool(stmt.get("nowait"))
    an = Analyzer(s.env_for(s.catalog()))
    rels = []
    for item in stmt.get("relations", []):
        rv = item["RangeVar"]
        rel = an.lookup_relation(rv["relname"], rv.get("schemaname"))
        if getattr(rel, "kind", "r") not in ("r", "v", "p") and not hasattr(rel, "columns"):
            raise PgError(f'"{rv["relname"]}" is not a table or view', errcodes.WRONG_OBJECT_TYPE)
        rels.append((getattr(rel, "oid", 0), rv["relname"]))
    for oid, relname in rels:
        if not oid:
            continue  # catalog relations: nothing to lock
        name = lkey(s.branch_id, 0, b"table-lock:%d" % oid)
        while True:
            try:
                s.txn.lock(name, mode, nowait=nowait)
                break
            except LockNotAvailable:
                raise PgError(f'could not obtain lock on relation "{relname}"',
                              errcodes.LOCK_NOT_AVAILABLE) from None
            except WouldBlock as wb:
                await s._wait_lock(wb.waiter, ExecContext(s.txn, s.branch_id, None, None, session=s))
    _cc(s, "LOCK TABLE")


async def _set_role(s, u, text, multi):
    txn = s.txn
    if u.role is None or u.role == "none" or u.role == "default":
        s.role = s.session_role if not u.session else s.session_role
    else:
        r = CL.get_role_by_name(txn, u.role)
        if r is None:
            raise PgError(f'role "{u.role}" does not exist', errcodes.UNDEFINED_OBJECT)
        if not s.session_role.get("super") and r["oid"] not in CL.roles_of(txn, s.session_role["oid"]):
            raise PgError(f'permission denied to set role "{u.role}"', errcodes.INSUFFICIENT_PRIVILEGE)
        s.role = r
    s.out.append(P.parameter_status("is_superuser", "on" if s.role.get("super") else "off"))
    if u.session:
        s.out.append(P.parameter_status("session_authorization", s.role["name"]))
    _cc(s, "SET")


async def _declare(s, u, text, multi):
    from . import cursors as CU

    await CU.declare(s, u, multi, s.query_text or text)


async def _fetch(s, u, text, multi):
    from . import cursors as CU

    await CU.fetch(s, u)


async def _close_cursor(s, u, text, multi):
    from . import cursors as CU

    await CU.close(s, u)


async def _empty(s, u, text, multi):
    s.out.append(P.EMPTY_QUERY)


_HANDLERS = {
    "begin": _begin, "commit": _commit, "rollback": _rollback, "savepoint": _savepoint, "release": _release,
    "rollback_to": _rollback_to, "set_transaction": _set_transaction,
    "set_session_characteristics": _set_session_chars, "set": _set, "show": _show, "reset": _reset,
    "discard": _discard, "create_branch": _create_branch, "use_branch": _use_branch, "drop_branch": _drop_branch,
    "rename_branch": _rename_branch, "alter_branch_owner": _alter_branch_owner, "create_role": _create_role, "alter_role": _alter_role,
    "alter_role_set": _alter_role_set, "rename_role": _rename_role, "drop_role": _drop_role,
    "grant_role": _grant_role, "revoke_role": _revoke_role, "grant": _grant, "revoke": _revoke,
    "create_database": _create_database, "drop_database": _drop_database, "rename_database": _rename_database,
    "alter_database": _alter_database, "noop": _noop, "checkpoint": _checkpoint, "vacuum": _vacuum,
    "analyze": _analyze, "create_extension": _create_extension, "listen": _listen, "unlisten": _unlisten,
    "notify": _notify, "explain": _explain, "prepare": _prepare_stmt, "execute": _execute_stmt,
    "deallocate": _deallocate, "copy": _copy, "comment": _comment, "lock": _lock, "set_role": _set_role,
    "declare": _declare, "fetch": _fetch, "close_cursor": _close_cursor, "empty": _empty,
    "set_constraints": _set_constraints,
}

_ = time
