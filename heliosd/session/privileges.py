"""GRANT / REVOKE on tables, views, sequences, schemas and databases.

Privileges are recorded as ACLs on the objects themselves, as PostgreSQL
does: ``Relation.acl`` and ``Namespace.acl`` in the branch catalog (so a
branch carries its own grants and a fork inherits them, like the rest of
its schema), ``acl`` in the database record of the cluster catalog.  An ACL
is a list of ``(grantee oid (0 = PUBLIC), privilege letters, grantor oid,
grant-option letters)`` using PostgreSQL's letters (``arwdDxt`` for
tables, ``rwU`` for sequences, ``UC`` for schemas, ``CTc`` for
databases); a NULL ACL is the type's default (see
:mod:`heliosd.engine.pgcatalog.acl`).  They show as ``aclitem[]`` text in
relacl / nspacl / datacl and drive the has_*_privilege() functions and
information_schema's privilege views.

Rules kept from PostgreSQL: only the owner (a member of the owning role)
or a superuser may grant or revoke (the grantor recorded is the owner);
privileges must fit the object type (42601/0LP01 otherwise); ``ALL
[PRIVILEGES]`` means every privilege of the type; REVOKE removes the
privileges and their grant options.  Not supported: column-level
privileges (refused with 0A000 rather than silently widened), functions,
types, languages and large objects (accepted as no-ops: heliosd has no
user-defined ones).
"""

from __future__ import annotations

import copy

from .. import errcodes
from ..engine import catalog as C
from ..engine import cluster as CL
from ..engine.pgcatalog._base import ALL_PRIVS, PRIV_LETTERS
from ..errors import PgError

_KIND_WORD = {"r": "table", "p": "table", "v": "table", "m": "table", "f": "foreign table", "S": "sequence"}
_OBJ_ALLOWED = {
    "TABLE": "arwdDxt",
    "SEQUENCE": "rwU",
    "SCHEMA": "UC",
    "DATABASE": "CTc",
}


def _split_privs(text: str) -> list[str]:
    out = []
    depth = 0
    cur = []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def _letters(privs_text: str, objtype: str, kind_letters: str) -> str:
    items = _split_privs(privs_text)
    words = [" ".join(i.upper().split()) for i in items]
    if words in (["ALL"], ["ALL PRIVILEGES"]):
        return kind_letters
    out = ""
    for w in words:
        if "(" in w:
            raise PgError("column privileges are not supported", errcodes.FEATURE_NOT_SUPPORTED)
        letter = PRIV_LETTERS.get(w)
        if letter is None:
            raise PgError(f'unrecognized privilege type "{w.lower()}"', errcodes.SYNTAX_ERROR)
        if letter not in _OBJ_ALLOWED.get(objtype, kind_letters):
            what = objtype.lower()
            raise PgError(f"invalid privilege type {w} for {what}", errcodes.INVALID_GRANT_OPERATION)
        if letter not in out:
            out += letter
    return out


def _grantee_oids(txn, grantees) -> list[int]:
    out = []
    for g in grantees:
        if g == "public":
            out.append(0)
            continue
        r = CL.get_role_by_name(txn, g)
        if r is None:
            raise PgError(f'role "{g}" does not exist', errcodes.UNDEFINED_OBJECT)
        out.append(r["oid"])
    return out


def _check_owner(s, txn, owner: int, what: str, name: str) -> None:
    if s.role.get("super"):
        return
    if owner in CL.roles_of(txn, s.role["oid"]):
        return
    raise PgError(f"permission denied for {what} {name}", errcodes.INSUFFICIENT_PRIVILEGE)


def apply_acl(acl, default, owner: int, grantees: list[int], letters: str, revoke: bool, with_grant: bool):
    """A new ACL list (PostgreSQL's merge_acl_with_grant): entries keep their order."""
    cur = [list(e) + ([""] if len(e) < 4 else []) for e in (acl if acl is not None else default)]
    for g in grantees:
        ent = next((e for e in cur if e[0] == g and e[2] == owner), None)
        if revoke:
            if ent is None:
                continue
            ent[1] = "".join(ch for ch in ent[1] if ch not in letters)
            ent[3] = "".join(ch for ch in ent[3] if ch not in letters)
            if not ent[1]:
                cur.remove(ent)
        else:
            if ent is None:
                ent = [g, "", owner, ""]
                cur.append(ent)
            ent[1] = "".join(ch for ch in "arwdDxtXUCTcsA" if ch in ent[1] or ch in letters)
            if with_grant:
                ent[3] = "".join(ch for ch in "arwdDxtXUCTcsA" if ch in ent[3] or ch in letters)
    return [tuple(e) for e in cur]


def _relations(s, cat, objects, objtype):
    from ..exec.functions.pgcatalog_names import split_qualified

    path = s.search_path()
    out = []
    if objtype.startswith("ALL "):
        what = objtype.split()[1]
        kinds = {"TABLES": "rvmpf", "SEQUENCES": "S"}.get(what)
        for obj in objects:
            parts = split_qualified(obj)
            ns = cat.namespace(parts[-1])
            if ns is None:
                raise PgError(f'schema "{parts[-1]}" does not exist', errcodes.UNDEFINED_SCHEMA)
            if kinds is None:
                continue
            out.extend(r for r in sorted(cat.relations.values(), key=lambda r: r.oid)
                       if r.namespace == ns.oid and r.kind in kinds)
        return out
    for obj in objects:
        parts = split_qualified(obj)
        name = parts[-1]
        schema = parts[-2] if len(parts) > 1 else None
        rel = cat.find_relation(name, schema, path, "rvmpfS")
        if rel is None:
            full = f"{schema}.{name}" if schema else name
            raise PgError(f'relation "{full}" does not exist', errcodes.UNDEFINED_TABLE)
        if objtype == "SEQUENCE" and rel.kind != "S":
            raise PgError(f'"{rel.name}" is not a sequence', errcodes.WRONG_OBJECT_TYPE)
        out.append(rel)
    return out


def grant_objects(s, u, revoke: bool) -> None:
    txn = s.txn
    objtype = u.objtype
    grantees = _grantee_oids(txn, u.grantees)
    with_grant = bool(getattr(u, "with_grant", False))
    if objtype in ("TABLE", "SEQUENCE", "ALL TABLES", "ALL SEQUENCES", "ALL FUNCTIONS", "ALL PROCEDURES",
                   "ALL ROUTINES"):
        cat = s.catalog(txn)
        rels = _relations(s, cat, u.objects, objtype)
        changed = False
        for rel in rels:
            kind_letters = ALL_PRIVS.get(rel.kind, "arwdDxt")
            otype = "SEQUENCE" if rel.kind == "S" and objtype in ("SEQUENCE", "ALL SEQUENCES") else objtype
            otype = "SEQUENCE" if otype == "ALL SEQUENCES" else ("TABLE" if otype == "ALL TABLES" else otype)
            if rel.kind == "S" and otype == "TABLE":
                letters = _letters(u.privileges, "TABLE", "arwdDxt")
                bad = "".join(ch for ch in letters if ch not in "rwU")
                if bad and _split_privs(u.privileges) not in (["ALL"], ["ALL PRIVILEGES"]):
                    s.notice(f'sequence "{rel.name}" only supports USAGE, SELECT, and UPDATE privileges', "01007",
                             severity="WARNING")
                letters = "".join(ch for ch in letters if ch in "rwU") or ""
                if _split_privs(u.privileges) in (["ALL"], ["ALL PRIVILEGES"]):
                    letters = "rwU"
            else:
                letters = _letters(u.privileges, otype, kind_letters)
            _check_owner(s, txn, rel.owner, "sequence" if rel.kind == "S" else "table", rel.name)
            default = [(rel.owner, kind_letters, rel.owner, "")]
            new = copy.copy(rel)
            new.acl = apply_acl(rel.acl, default, rel.owner, grantees, letters, revoke, with_grant)
            C.write_object(txn, s.branch_id, new)
            changed = True
        if changed:
            C.bump_token(txn, s.branch_id)
        return
    if objtype == "SCHEMA":
        from ..exec.functions.pgcatalog_names import split_qualified
        from ..engine.pgcatalog.relations import namespace_acl

        cat = s.catalog(txn)
        for obj in u.objects:
            name = split_qualified(obj)[-1]
            ns = cat.namespace(name)
            if ns is None:
                raise PgError(f'schema "{name}" does not exist', errcodes.UNDEFINED_SCHEMA)
            letters = _letters(u.privileges, "SCHEMA", "UC")
            _check_owner(s, txn, ns.owner, "schema", ns.name)
            default = namespace_acl(ns) or [(ns.owner, "UC", ns.owner, "")]
            new = copy.copy(ns)
            new.acl = apply_acl(ns.acl, default, ns.owner, grantees, letters, revoke, with_grant)
            C.write_object(txn, s.branch_id, new)
        C.bump_token(txn, s.branch_id)
        return
    if objtype == "DATABASE":
        from ..engine.pgcatalog._base import default_acl
        from ..engine.pgcatalog.system import database_acl
        from ..exec.functions.pgcatalog_names import split_qualified

        for obj in u.objects:
            name = split_qualified(obj)[-1]
            db = CL.get_database_by_name(txn, name)
            if db is None:
                raise PgError(f'database "{name}" does not exist', errcodes.UNDEFINED_DATABASE)
            letters = _letters(u.privileges, "DATABASE", "CTc")
            _check_owner(s, txn, db["owner"], "database", name)
            default = database_acl(db) or default_acl("d", db["owner"])
            db = dict(db)
            db["acl"] = apply_acl(db.get("acl"), default, db["owner"], grantees, letters, revoke, with_grant)
            CL.put_database(txn, db)
        return
    if objtype in ("FUNCTION", "PROCEDURE", "ROUTINE", "LANGUAGE", "TYPE", "DOMAIN", "LARGE", "TABLESPACE",
                   "FOREIGN"):
        return
    raise PgError(f"GRANT on {objtype.lower()} is not supported", errcodes.FEATURE_NOT_SUPPORTED)
