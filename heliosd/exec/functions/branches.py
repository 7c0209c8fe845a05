"""helios_branches(): the branches of the current database the role may use.

A set-returning function usable like any table (WHERE, ORDER BY, LIKE,
joins).  Branches the current role has no USAGE on are not listed at all
(tenant isolation: a tenant cannot even learn other tenants' branch names).

Columns: branch_name, parent_name, created_at, fork_seq, fork_time,
own_rows, own_bytes, inherited_bytes, active_sessions, is_current, owner.
``own_*`` count the branch's own live rows and their key+value bytes;
``inherited_bytes`` is the own bytes of its ancestors up to the root (what it
shares instead of copying).
"""

from __future__ import annotations

import datetime as _dt

from ... import types as T
from .. import runtime
from . import register

_COLUMNS = [("branch_name", T.TEXT), ("parent_name", T.TEXT), ("created_at", T.TIMESTAMPTZ),
            ("fork_seq", T.INT8), ("fork_time", T.TIMESTAMPTZ), ("own_rows", T.INT8), ("own_bytes", T.INT8),
            ("inherited_bytes", T.INT8), ("active_sessions", T.INT4), ("is_current", T.BOOL), ("owner", T.NAME)]


def _ts(t):
    if t is None:
        return None
    return _dt.datetime.fromtimestamp(t, _dt.timezone.utc)


def helios_branches():
    s = runtime.state.session
    ctx = runtime.state.ctx
    txn = ctx.txn if ctx is not None and ctx.txn is not None else s.txn
    store = s.store
    from ...engine import cluster as CL

    recs = txn.list_branches(s.db["oid"])
    all_recs = {r["id"]: r for r in recs}
    roles = {}
    out = []
    active = {}
    for other in s.cluster.sessions.values():
        if other.db is not None and other.db["oid"] == s.db["oid"]:
            active[other.branch_id] = active.get(other.branch_id, 0) + 1
    for rec in sorted(recs, key=lambda r: r["name"]):
        bid = rec["id"]
        if not s._branch_usage(txn, bid, rec["name"]):
            continue
        parent = rec.get("parent")
        prec = all_recs.get(parent)
        if prec is None and parent is not None:
            prec = txn.branch_record(parent)
        pname = None
        if prec is not None and prec.get("dropped") is None and prec.get("ns") == s.db["oid"] and \
                s._branch_usage(txn, parent, prec["name"]):
            pname = prec["name"]
        rows, nbytes = store.stats.get(bid, (0, 0))
        inherited = 0
        info = store.branches.get(bid) or txn.local_branches.get(bid)
        if info is not None:
            for anc, _cap in store.chain(bid, txn.local_branches)[1:]:
                inherited += store.stats.get(anc, (0, 0))[1]
        owner_oid = rec.get("owner")
        if owner_oid not in roles:
            r = CL.get_role(txn, owner_oid) if owner_oid is not None else None
            roles[owner_oid] = r["name"] if r else None
        fork_seq = rec.get("fork_seq") if parent is not None else None
        fork_time = store.commit_time(fork_seq) if fork_seq else None
        out.append((rec["name"], pname, _ts(rec.get("created_at")), fork_seq, _ts(fork_time), rows, nbytes,
                    inherited, active.get(bid, 0), bid == s.branch_id, roles[owner_oid]))
    return out


_fn = register("helios_branches", [], T.RECORD, helios_branches, strict=False, volatility="v", retset=True,
               description="branches of the current database visible to the current role")
_fn.out_columns = _COLUMNS
