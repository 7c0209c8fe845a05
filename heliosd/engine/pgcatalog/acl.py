"""Privilege checks for the has_*_privilege() family and pg_has_role().

Decisions follow PostgreSQL's aclchk.c: a superuser has every privilege; an
object's owner (or a member of the owning role) has all of its privileges;
otherwise the object's ACL decides, with PUBLIC (grantee 0) entries applying
to everyone.  ACLs are lists of ``(grantee, privilege letters, grantor,
grant-option letters)`` recorded on the catalog objects by GRANT/REVOKE
(:mod:`heliosd.session.privileges`); a NULL ACL means the type's default:
owner only for tables, sequences and schemas (plus USAGE for PUBLIC on
``public``, ``pg_catalog`` and ``information_schema``), PUBLIC
CONNECT/TEMPORARY for databases, PUBLIC EXECUTE for functions.
"""

from __future__ import annotations

from ... import errcodes
from ...errors import PgError
from .. import catalog as C
from .. import cluster as CL
from . import _base as B

_NAMES = {
    "table": {"SELECT": "r", "INSERT": "a", "UPDATE": "w", "DELETE": "d", "TRUNCATE": "D", "REFERENCES": "x",
              "TRIGGER": "t"},
    "column": {"SELECT": "r", "INSERT": "a", "UPDATE": "w", "REFERENCES": "x"},
    "sequence": {"USAGE": "U", "SELECT": "r", "UPDATE": "w"},
    "schema": {"USAGE": "U", "CREATE": "C"},
    "database": {"CREATE": "C", "CONNECT": "c", "TEMPORARY": "T", "TEMP": "T"},
    "function": {"EXECUTE": "X"},
    "language": {"USAGE": "U"},
    "tablespace": {"CREATE": "C"},
    "type": {"USAGE": "U"},
    "foreign_data_wrapper": {"USAGE": "U"},
    "server": {"USAGE": "U"},
}


def parse_privs(kind: str, text: str) -> list[tuple[str, bool]]:
    """'SELECT, UPDATE WITH GRANT OPTION' -> [(letter, grant option wanted)]."""
    table = _NAMES["table" if kind == "any_column" else kind]
    out = []
    for part in text.split(","):
        p = " ".join(part.strip().upper().split())
        if not p:
            continue
        go = False
        if p.endswith(" WITH GRANT OPTION"):
            go = True
            p = p[: -len(" WITH GRANT OPTION")].strip()
        letter = table.get(p)
        if letter is None:
            raise PgError(f'unrecognized privilege type: "{part.strip()}"', errcodes.INVALID_PARAMETER_VALUE)
        out.append((letter, go))
    return out


def _role_oid(ctx, who):
    if isinstance(who, int):
        return who
    r = CL.get_role_by_name(ctx.txn, who)
    if r is None:
        raise PgError(f'role "{who}" does not exist', errcodes.UNDEFINED_OBJECT)
    return r["oid"]


def _is_super(ctx, role_oid) -> bool:
    r = CL.get_role(ctx.txn, role_oid)
    return bool(r and r.get("super"))


def check_acl(ctx, role_oid: int, owner: int, acl, wanted: list[tuple[str, bool]]) -> bool:
    if _is_super(ctx, role_oid):
        return True
    mine = CL.roles_of(ctx.txn, role_oid)
    if owner in mine:
        return True
    for letter, go in wanted:
        for ent in acl or ():
            grantee, privs = ent[0], ent[1]
            gopts = ent[3] if len(ent) > 3 else ""
            if grantee != 0 and grantee not in mine:
                continue
            if letter in privs and (not go or letter in gopts):
                return True
    return False


def has_privilege(ctx, kind: str, args):
    args = list(args)
    if kind == "column":
        if len(args) == 3:
            who, obj, col, priv = None, args[0], args[1], args[2]
        else:
            who, obj, col, priv = args
    else:
        if len(args) == 2:
            who, obj, priv = None, args[0], args[1]
        else:
            who, obj, priv = args
    role = ctx.session.role["oid"] if who is None else _role_oid(ctx, who)
    wanted = parse_privs(kind, priv)
    cat = ctx.catalog
    if kind in ("table", "sequence", "column", "any_column"):
        from ...exec.functions.pgcatalog_names import lookup_relation

        oid = obj if isinstance(obj, int) else lookup_relation(obj)
        rel = cat.relations.get(oid)
        if rel is None:
            _n, by_oid = _sysrels()
            if oid in by_oid:
                return all(letter == "r" for letter, _g in wanted) or _is_super(ctx, role)
            return None
        if kind == "sequence" and rel.kind != "S":
            raise PgError(f'"{rel.name}" is not a sequence', errcodes.WRONG_OBJECT_TYPE)
        if kind == "column":
            if isinstance(col, str):
                if rel.column(col) is None:
                    raise PgError(f'column "{col}" of relation "{rel.name}" does not exist',
                                  errcodes.UNDEFINED_COLUMN)
            elif rel.column_by_attnum(col) is None:
                return None
        return check_acl(ctx, role, rel.owner, rel.acl, wanted)
    if kind == "schema":
        if isinstance(obj, int):
            ns = cat.namespaces.get(obj)
            if ns is None:
                return None
        else:
            ns = cat.namespace(obj)
            if ns is None:
                raise PgError(f'schema "{obj}" does not exist', errcodes.UNDEFINED_SCHEMA)
        from .relations import namespace_acl

        return check_acl(ctx, role, ns.owner, namespace_acl(ns), wanted)
    if kind == "database":
        db = CL.get_database(ctx.txn, obj) if isinstance(obj, int) else CL.get_database_by_name(ctx.txn, obj)
        if db is None:
            if isinstance(obj, int):
                return None
            raise PgError(f'database "{obj}" does not exist', errcodes.UNDEFINED_DATABASE)
        acl = db.get("acl")
        if acl is None:
            acl = B.default_acl("d", db["owner"])
        return check_acl(ctx, role, db["owner"], acl, wanted)
    if kind == "function":
        if not isinstance(obj, int):
            from ...exec.functions.pgcatalog_names import lookup_proc

            lookup_proc(obj, with_args=True)
        return True
    return True


_sys = {}


def _sysrels():
    if not _sys:
        from ...exec.functions.pgcatalog_names import _system_relations

        _sys["v"] = _system_relations()
    return _sys["v"]


def pg_has_role(ctx, args):
    args = list(args)
    if len(args) == 2:
        who, role, mode = None, args[0], args[1]
    else:
        who, role, mode = args
    me = ctx.session.role["oid"] if who is None else _role_oid(ctx, who)
    target = _role_oid(ctx, role)
    m = " ".join(mode.upper().split())
    if m not in ("MEMBER", "USAGE", "MEMBER WITH ADMIN OPTION", "USAGE WITH ADMIN OPTION",
                 "MEMBER WITH GRANT OPTION", "USAGE WITH GRANT OPTION"):
        raise PgError(f'unrecognized privilege type: "{mode}"', errcodes.INVALID_PARAMETER_VALUE)
    if _is_super(ctx, me):
        return True
    if "ADMIN" in m or "GRANT" in m:
        if me == target:
            return False
        for r, mem, d in CL.memberships(ctx.txn):
            if r == target and mem == me and d.get("admin"):
                return True
        return False
    return target in CL.roles_of(ctx.txn, me)


_ = C
