"""Cluster-wide and live-state relations: pg_database, pg_authid, pg_roles,
pg_user, pg_shadow, pg_auth_members, pg_settings, pg_stat_activity,
pg_locks, pg_stat_database.

Roles and databases come from the cluster catalog in the system branch
(:mod:`heliosd.engine.cluster`), read in the statement's transaction.
Passwords (SCRAM verifiers) are shown only to superusers, as PostgreSQL
restricts pg_authid/pg_shadow to them.  pg_settings lists the session's
settings (:mod:`heliosd.config` GUCs with PostgreSQL's metadata);
pg_stat_activity and pg_locks list the server's live sessions
(``cluster.sessions``): a session waiting for a row lock reports
``wait_event_type = 'Lock'`` (what the isolation tester polls).
"""

from __future__ import annotations

import datetime as _dt

from ... import config as CFG
from . import _pgdefs as D
from ._base import acl_text, databases, is_superuser, maker, relation, role_names, roles

_ENCODING_UTF8 = 6


def _ts(t):
    if t is None:
        return None
    if isinstance(t, _dt.datetime):
        return t
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc)


# ----------------------------------------------------------------- databases

_TEMPLATE_ACL = [(0, "c", 10), (10, "CTc", 10)]


def database_acl(d):
    acl = d.get("acl")
    if acl is None and d["name"] in ("template0", "template1") and d["oid"] in (1, 4):
        acl = [(0, "c", d["owner"]), (d["owner"], "CTc", d["owner"])]
    return acl


@relation("pg_database")
def pg_database(ctx):
    mk = maker("pg_database")
    names = role_names(ctx)
    out = []
    for d in databases(ctx):
        out.append(mk(oid=d["oid"], datname=d["name"], datdba=d["owner"], encoding=_ENCODING_UTF8,
                      datlocprovider="c", datistemplate=bool(d.get("is_template")),
                      datallowconn=bool(d.get("allow_conn", True)), datconnlimit=d.get("connlimit", -1),
                      datfrozenxid=716, datminmxid=1, dattablespace=1663, datcollate="C.UTF-8",
                      datctype="C.UTF-8", daticulocale=None, datcollversion=None,
                      datacl=acl_text(database_acl(d), names)))
    return out


# ----------------------------------------------------------------- roles


def _valid_until(r):
    v = r.get("valid_until")
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return _ts(v)
    if isinstance(v, str):
        from ... import types as T

        try:
            return T.TIMESTAMPTZ.text_in(v)
        except Exception:
            return None
    return v


def _config(r):
    c = r.get("config")
    if not c:
        return None
    return [f"{k}={v}" for k, v in c.items()]


@relation("pg_authid")
def pg_authid(ctx):
    mk = maker("pg_authid")
    su = is_superuser(ctx)
    return [mk(oid=r["oid"], rolname=r["name"], rolsuper=bool(r.get("super")), rolinherit=bool(r.get("inherit")),
               rolcreaterole=bool(r.get("createrole")), rolcreatedb=bool(r.get("createdb")),
               rolcanlogin=bool(r.get("login")), rolreplication=bool(r.get("replication")),
               rolbypassrls=bool(r.get("bypassrls")), rolconnlimit=r.get("connlimit", -1),
               rolpassword=r.get("password") if su else None, rolvaliduntil=_valid_until(r))
            for r in roles(ctx)]


@relation("pg_roles")
def pg_roles(ctx):
    mk = maker("pg_roles")
    return [mk(rolname=r["name"], rolsuper=bool(r.get("super")), rolinherit=bool(r.get("inherit")),
               rolcreaterole=bool(r.get("createrole")), rolcreatedb=bool(r.get("createdb")),
               rolcanlogin=bool(r.get("login")), rolreplication=bool(r.get("replication")),
               rolconnlimit=r.get("connlimit", -1), rolpassword="********", rolvaliduntil=_valid_until(r),
               rolbypassrls=bool(r.get("bypassrls")), rolconfig=_config(r), oid=r["oid"])
            for r in roles(ctx)]


def _users(ctx, name, show_password):
    mk = maker(name)
    su = is_superuser(ctx)
    out = []
    for r in roles(ctx):
        if not r.get("login"):
            continue
        pw = (r.get("password") if su else None) if show_password else "********"
        out.append(mk(usename=r["name"], usesysid=r["oid"], usecreatedb=bool(r.get("createdb")),
                      usesuper=bool(r.get("super")), userepl=bool(r.get("replication")),
                      usebypassrls=bool(r.get("bypassrls")), passwd=pw, valuntil=_valid_until(r),
                      useconfig=_config(r)))
    return out


@relation("pg_user")
def pg_user(ctx):
    return _users(ctx, "pg_user", False)


@relation("pg_shadow")
def pg_shadow(ctx):
    return _users(ctx, "pg_shadow", True)


@relation("pg_group")
def pg_group(ctx):
    from .. import cluster as CL

    mem = CL.memberships(ctx.txn)
    out = []
    for r in roles(ctx):
        if r.get("login"):
            continue
        out.append((r["name"], r["oid"], [m for rr, m, _d in mem if rr == r["oid"]]))
    return out


@relation("pg_auth_members")
def pg_auth_members(ctx):
    from .. import cluster as CL

    return [(r, m, d.get("grantor") or 10, bool(d.get("admin"))) for r, m, d in CL.memberships(ctx.txn)]


# ----------------------------------------------------------------- settings


def _setting_row(mk, s, g, source_default):
    name = g.name
    val = s.get_guc(name) if s is not None else g.default
    meta = D.SETTINGS.get(name)
    if meta is not None:
        unit, category, short, extra, context, vartype, mn, mx, enumvals, boot = meta
    else:
        unit = g.unit
        category = g.category
        short, extra = g.short_desc or None, None
        context = {"internal": "internal", "superuser": "superuser", "backend": "backend"}.get(g.context, "user")
        vartype = {"bool": "bool", "int": "integer", "enum": "enum", "real": "real"}.get(g.kind, "string")
        mn = str(int(g.min)) if g.min is not None else None
        mx = str(int(g.max)) if g.max is not None else None
        enumvals = list(g.choices) if g.kind == "enum" else None
        boot = g.default
    if vartype == "bool":
        val = "on" if val in ("on", "true", "1") else "off" if val in ("off", "false", "0") else val
    reset = s.guc_defaults.get(name, g.default) if s is not None else g.default
    changed = s is not None and (name in s.gucs or (s.local_gucs or {}).get(name) is not None)
    if changed:
        source = "session"
    elif s is not None and name in s.guc_defaults and s.guc_defaults[name] != g.default:
        source = "client" if name not in ("is_superuser", "session_authorization", "port") else "override"
    else:
        source = source_default
    return mk(name=name, setting=val, unit=unit, category=category, short_desc=short, extra_desc=extra,
              context=context, vartype=vartype, source=source, min_val=mn, max_val=mx, enumvals=enumvals,
              boot_val=boot if boot is not None else g.default, reset_val=reset, sourcefile=None, sourceline=None,
              pending_restart=False)


@relation("pg_settings")
def pg_settings(ctx):
    mk = maker("pg_settings")
    s = ctx.session
    out = []
    for name in sorted(CFG.GUCS, key=str.lower):
        g = CFG.GUCS[name]
        out.append(_setting_row(mk, s, g, "default"))
    if s is not None:
        for name in sorted(set(s.gucs) | {k for k in s.guc_defaults if "." in k}):
            if "." in name and CFG.find_guc(name) is None:
                out.append(mk(name=name, setting=s.get_guc(name), category="Customized Options",
                              short_desc=None, context="user", vartype="string", source="session",
                              reset_val=s.guc_defaults.get(name, ""), pending_restart=False))
    return sorted(out, key=lambda r: r[0].lower())


# ----------------------------------------------------------------- activity


def _sessions(ctx):
    """The live sessions the viewer may know about.  Tenant isolation: a
    non-superuser (outside pg_read_all_stats / pg_monitor) sees its own
    role's sessions and the sessions on branches of its database it has
    USAGE on; sessions on other tenants' branches are not listed at all, so
    pg_stat_activity, pg_locks and pg_stat_database reveal nothing of them.
    Listed sessions of other roles are masked as PostgreSQL masks them."""
    s = ctx.session
    if s is None:
        return []
    every = sorted(s.cluster.sessions.values(), key=lambda x: x.pid)
    if is_superuser(ctx) or s.role is None:
        return every
    from .. import cluster as CL

    mine = CL.roles_of(ctx.txn, s.role["oid"])
    if mine & {3373, 3375}:  # pg_monitor, pg_read_all_stats
        return every
    out = []
    for o in every:
        orole = o.session_role or o.role or {}
        if o is s or orole.get("oid") in mine:
            out.append(o)
        elif o.db is not None and s.db is not None and o.db["oid"] == s.db["oid"] and o.branch_id is not None \
                and s._branch_usage(ctx.txn, o.branch_id):
            out.append(o)
    return out


@relation("pg_stat_activity", memo=None)
def pg_stat_activity(ctx):
    mk = maker("pg_stat_activity")
    me = ctx.session
    su = is_superuser(ctx)
    out = []
    for s in _sessions(ctx):
        role = s.session_role or s.role or {}
        db = s.db or {}
        visible = su or s is me or (me is not None and me.role and role.get("oid") == me.role.get("oid"))
        waiting = bool(getattr(s, "waiting", False))
        state = s.state if s is not me else "active"
        txn_start = _ts(s.txn_start) if s.txn is not None else None
        out.append(mk(datid=db.get("oid"), datname=db.get("name"), pid=s.pid, leader_pid=None,
                      usesysid=role.get("oid"), usename=role.get("name"),
                      application_name=s.application_name or "",
                      client_addr=(s.client_addr if visible else None), client_hostname=None,
                      client_port=(getattr(s, "client_port", None) or (-1 if s.client_addr is None else None))
                      if visible else None,
                      backend_start=_ts(s.backend_start) if visible else None,
                      xact_start=txn_start if visible else None,
                      query_start=_ts(s.query_start) if visible else None,
                      state_change=_ts(getattr(s, "state_change", None) or s.query_start) if visible else None,
                      wait_event_type=("Lock" if waiting else ("Client" if state.startswith("idle") else None))
                      if visible else None,
                      wait_event=(("advisory" if getattr(s, "advisory_waiting", None) else "transactionid")
                                  if waiting else ("ClientRead" if state.startswith("idle") else None))
                      if visible else None,
                      state=state if visible else None, backend_xid=None, backend_xmin=None, query_id=None,
                      query=(s.query_text or "") if visible else "<insufficient privilege>",
                      backend_type="client backend"))
    return out


@relation("pg_locks", memo=None)
def pg_locks(ctx):
    """Granted and awaited row locks of the sessions, plus every transaction's
    own transactionid lock (how PostgreSQL shows row-lock waits)."""
    mk = maker("pg_locks")
    sess = _sessions(ctx)
    by_txid = {s.txn.txid: s for s in sess if s.txn is not None}
    out = []
    me = ctx.session
    locks = me.store.locks if me is not None else None
    for s in sess:
        if s.txn is None:
            continue
        db = (s.db or {}).get("oid")
        out.append(mk(locktype="virtualxid", virtualxid=f"{s.pid % 1000}/{s.txn.txid}",
                      virtualtransaction=f"{s.pid % 1000}/{s.txn.txid}", pid=s.pid, mode="ExclusiveLock",
                      granted=True, fastpath=True))
        out.append(mk(locktype="transactionid", transactionid=s.txn.txid & 0xFFFFFFFF,
                      virtualtransaction=f"{s.pid % 1000}/{s.txn.txid}", pid=s.pid, mode="ExclusiveLock",
                      granted=True, fastpath=False))
        _ = db
    if locks is not None:
        for txid, w in list(locks._waiting.items()):
            s = by_txid.get(txid)
            if s is None or w.granted:
                continue
            holders = locks.holders(w.name)
            for htx in holders:
                if htx == txid:
                    continue
                out.append(mk(locktype="transactionid", transactionid=htx & 0xFFFFFFFF,
                              virtualtransaction=f"{s.pid % 1000}/{txid}", pid=s.pid,
                              mode="ShareLock", granted=False, fastpath=False))
                break
    waits = {}
    for s in sess:
        w = getattr(s, "advisory_waiting", None)
        if w is not None and getattr(s, "waiting", False):
            waits.setdefault(w[0], []).append((s.pid, w[1]))
    shown = {s.pid for s in sess}
    for key, info in list(getattr(me.cluster, "advisory", {}).items()) if me is not None else ():
        if not (isinstance(key, tuple) and len(key) >= 4 and isinstance(info, dict)):
            continue
        db, kind, a, b = key[:4]
        if not any(pid in shown for pid in info.get("holders", {})):
            continue  # advisory locks of sessions the viewer may not see (other tenants' branches)
        if kind == "i8":
            classid, objid, sub = (a >> 32) & 0xFFFFFFFF, a & 0xFFFFFFFF, 1
        else:
            classid, objid, sub = a & 0xFFFFFFFF, b & 0xFFFFFFFF, 2
        for pid, c in info.get("holders", {}).items():
            for shared in (False, True):
                if (c.get("s") or c.get("xs")) if shared else (c.get("x") or c.get("xx")):
                    out.append(mk(locktype="advisory", database=db, classid=classid, objid=objid, objsubid=sub,
                                  virtualtransaction=f"{pid % 1000}/0", pid=pid,
                                  mode="ShareLock" if shared else "ExclusiveLock", granted=True, fastpath=False))
        for pid, shared in waits.get(key, ()):
            out.append(mk(locktype="advisory", database=db, classid=classid, objid=objid, objsubid=sub,
                          virtualtransaction=f"{pid % 1000}/0", pid=pid,
                          mode="ShareLock" if shared else "ExclusiveLock", granted=False, fastpath=False))
    return out


@relation("pg_stat_database", memo=None)
def pg_stat_database(ctx):
    mk = maker("pg_stat_database")
    s = ctx.session
    stats = s.cluster.stats if s is not None else {}
    sess = _sessions(ctx)
    out = [mk(datid=0, datname=None, numbackends=0, xact_commit=0, xact_rollback=0, blks_read=0, blks_hit=0,
              tup_returned=0, tup_fetched=0, tup_inserted=0, tup_updated=0, tup_deleted=0, conflicts=0,
              temp_files=0, temp_bytes=0, deadlocks=0, checksum_failures=None, blk_read_time=0.0,
              blk_write_time=0.0, session_time=0.0, active_time=0.0, idle_in_transaction_time=0.0, sessions=0,
              sessions_abandoned=0, sessions_fatal=0, sessions_killed=0)]
    for d in databases(ctx):
        n = sum(1 for x in sess if x.db is not None and x.db["oid"] == d["oid"])
        mine = s is not None and s.db is not None and s.db["oid"] == d["oid"]
        out.append(mk(datid=d["oid"], datname=d["name"], numbackends=n,
                      xact_commit=stats.get("xact_commit", 0) if mine else 0,
                      xact_rollback=stats.get("xact_rollback", 0) if mine else 0, blks_read=0, blks_hit=0,
                      tup_returned=0, tup_fetched=0, tup_inserted=0, tup_updated=0, tup_deleted=0, conflicts=0,
                      temp_files=0, temp_bytes=0, deadlocks=0, checksum_failures=None, blk_read_time=0.0,
                      blk_write_time=0.0, session_time=0.0, active_time=0.0, idle_in_transaction_time=0.0,
                      sessions=n, sessions_abandoned=0, sessions_fatal=0, sessions_killed=0))
    return out


@relation("pg_cursors", memo=None)
def pg_cursors(ctx):
    """The session's open cursors (DECLARE)."""
    mk = maker("pg_cursors")
    me = ctx.session
    out = []
    for c in (getattr(me, "cursors", None) or {}).values():
        out.append(mk(name=c.name, statement=getattr(c, "statement", c.query), is_holdable=bool(c.hold),
                      is_binary=bool(c.binary), is_scrollable=bool(c.scroll), creation_time=_ts(c.created)))
    return out


@relation("pg_prepared_statements", memo=None)
def pg_prepared_statements(ctx):
    """The session's named prepared statements (SQL PREPARE and protocol-level Parse)."""
    mk = maker("pg_prepared_statements")
    me = ctx.session
    info = getattr(me, "__dict__", {}).get("prepared_info", {})
    out = []
    for name, p in (getattr(me, "prepared", None) or {}).items():
        if not name:
            continue
        text, at, from_sql = info.get(name, (p.sql, None, False))
        out.append(mk(name=name, statement=text, prepare_time=_ts(at) if at else None,
                      parameter_types=[t.oid for t in (p.param_types or [])], from_sql=from_sql,
                      generic_plans=0, custom_plans=0))
    return out
