"""Parsing of utility statements that sqlglot does not model (or models
loosely): transaction control, SET/SHOW/RESET/DISCARD, branch statements,
roles, databases, grants, COPY, EXPLAIN, PREPARE/EXECUTE, cursors, LISTEN...

Each parser returns a small dataclass-like :class:`Utility` with a ``kind``
and fields; the session/executor acts on it.  Statements not recognized here
go to sqlglot.
"""

from __future__ import annotations

from .. import errcodes
from ..errors import PgError
from .lexer import tokens


class Utility:
    def __init__(self, kind: str, **fields):
        self.kind = kind
        self.__dict__.update(fields)

    def __repr__(self):  # pragma: no cover
        return f"Utility({self.kind}, {self.__dict__})"


def _interval_time_zone(text: str, fields: str, shown: str) -> str:
    """``SET TIME ZONE INTERVAL '-08:00' HOUR TO MINUTE``: the fixed offset as the POSIX
    zone name PostgreSQL gives it (pg_tzset_offset: ``<-08>+08``)."""
    from .. import types as T

    tm = T.parse_type_name("interval " + fields)[1] if fields else -1
    iv = T.INTERVAL.text_in(text, tm)
    if iv.months != 0:
        raise PgError(f'invalid value for parameter "TimeZone": "INTERVAL \'{text}\'"',
                      errcodes.INVALID_PARAMETER_VALUE, detail="Cannot specify months in time zone interval.")
    if iv.days != 0:
        raise PgError(f'invalid value for parameter "TimeZone": "INTERVAL \'{text}\'"',
                      errcodes.INVALID_PARAMETER_VALUE, detail="Cannot specify days in time zone interval.")
    gmtoffset = -int(iv.micros / 1_000_000)
    a = abs(gmtoffset)
    off = f"{a // 3600:02d}"
    a %= 3600
    if a:
        off += f":{a // 60:02d}"
        a %= 60
        if a:
            off += f":{a:02d}"
    return f"<-{off}>+{off}" if gmtoffset > 0 else f"<+{off}>-{off}"


class _P:
    """Token cursor."""

    def __init__(self, sql: str):
        self.sql = sql
        self.toks = [(k, t, p) for k, t, p in tokens(sql) if k != "semi"]
        self.i = 0

    def peek(self, off=0):
        j = self.i + off
        return self.toks[j] if j < len(self.toks) else (None, None, len(self.sql))

    def word(self, off=0) -> str | None:
        k, t, _ = self.peek(off)
        return t.upper() if k == "word" else None

    def at_end(self) -> bool:
        return self.i >= len(self.toks)

    def next(self):
        t = self.peek()
        self.i += 1
        return t

    def accept(self, *words) -> bool:
        if self.word() in words:
            self.i += 1
            return True
        return False

    def expect(self, *words) -> str:
        w = self.word()
        if w not in words:
            self.error()
        self.i += 1
        return w

    def accept_op(self, op) -> bool:
        k, t, _ = self.peek()
        if k in ("op", "other") and t == op:
            self.i += 1
            return True
        return False

    def error(self):
        k, t, p = self.peek()
        if k is None:
            raise PgError("syntax error at end of input", errcodes.SYNTAX_ERROR, position=len(self.sql) + 1)
        raise PgError(f'syntax error at or near "{t}"', errcodes.SYNTAX_ERROR, position=p + 1)

    def ident(self) -> str:
        k, t, p = self.peek()
        if k == "word":
            self.i += 1
            return t.lower()
        if k == "ident":
            self.i += 1
            return t[1:-1].replace('""', '"')
        self.error()

    def qualified(self) -> tuple[str | None, str]:
        a = self.ident()
        if self.accept_op("."):
            return a, self.ident()
        return None, a

    def rest(self) -> str:
        _k, _t, p = self.peek()
        return self.sql[p:].strip() if not self.at_end() else ""

    def end(self):
        if not self.at_end():
            self.error()

    def string(self) -> str:
        k, t, p = self.peek()
        if k == "str":
            self.i += 1
            return t[1:-1].replace("''", "'")
        if k == "estr":
            self.i += 1
            from .literals import decode_estring

            return decode_estring(t[2:-1])
        if k == "dstr":
            self.i += 1
            tag_end = t.index("$", 1) + 1
            return t[tag_end:-tag_end]
        self.error()

    def value_text(self) -> str:
        """A SET value: identifier, string, number, or keyword."""
        k, t, p = self.peek()
        if k in ("str", "estr", "dstr"):
            return self.string()
        if k == "num":
            self.i += 1
            return t
        if k == "op" and t in ("-", "+"):
            self.i += 1
            k2, t2, _ = self.next()
            return t + t2
        if k == "word":
            self.i += 1
            return t.lower() if t.upper() not in ("ON", "OFF") else t.lower()
        if k == "ident":
            self.i += 1
            return t[1:-1].replace('""', '"')
        self.error()


ISOLATION = {("SERIALIZABLE",): "serializable", ("REPEATABLE", "READ"): "repeatable read",
             ("READ", "COMMITTED"): "read committed", ("READ", "UNCOMMITTED"): "read uncommitted"}


def _txn_modes(p: _P) -> dict:
    modes = {}
    while not p.at_end():
        if p.accept("ISOLATION"):
            p.expect("LEVEL")
            if p.accept("SERIALIZABLE"):
                modes["isolation"] = "serializable"
            elif p.accept("REPEATABLE"):
                p.expect("READ")
                modes["isolation"] = "repeatable read"
            elif p.accept("READ"):
                w = p.expect("COMMITTED", "UNCOMMITTED")
                modes["isolation"] = "read committed" if w == "COMMITTED" else "read uncommitted"
            else:
                p.error()
        elif p.accept("READ"):
            w = p.expect("ONLY", "WRITE")
            modes["read_only"] = w == "ONLY"
        elif p.accept("NOT"):
            p.expect("DEFERRABLE")
            modes["deferrable"] = False
        elif p.accept("DEFERRABLE"):
            modes["deferrable"] = True
        else:
            p.error()
        p.accept_op(",")
    return modes


def _set_values(p: _P) -> list[str] | None:
    if p.accept("DEFAULT"):
        return None
    vals = [p.value_text()]
    while p.accept_op(","):
        vals.append(p.value_text())
    return vals


def parse_utility(sql: str) -> Utility | None:
    p = _P(sql)
    w = p.word()
    if w is None:
        return None
    w1 = p.word(1)
    try:
        fn = _DISPATCH.get(w)
        if fn is None:
            return None
        return fn(p, w1)
    except PgError:
        raise


def _begin(p: _P, w1):
    p.next()
    p.accept("WORK", "TRANSACTION")
    return Utility("begin", modes=_txn_modes(p), tag="BEGIN")


def _start(p: _P, w1):
    if w1 != "TRANSACTION":
        return None
    p.next()
    p.next()
    return Utility("begin", modes=_txn_modes(p), tag="START TRANSACTION")


def _commit(p: _P, w1):
    p.next()
    p.accept("WORK", "TRANSACTION")
    chain = False
    if p.accept("AND"):
        chain = not p.accept("NO")
        p.expect("CHAIN")
    p.end()
    return Utility("commit", chain=chain)


def _prepare(p: _P, w1):
    if w1 == "TRANSACTION":
        raise PgError("prepared transactions are disabled", errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE,
                      hint='Set max_prepared_transactions to a nonzero value.')
    p.next()
    name = p.ident()
    types = []
    if p.accept_op("("):
        depth = 1
        start = p.peek()[2]
        while depth:
            k, t, pos = p.next()
            if k is None:
                p.error()
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
                if depth == 0:
                    end = pos
        types = [x.strip() for x in _split_commas(p.sql[start:end])]
    p.expect("AS")
    return Utility("prepare", name=name, types=types, query=p.rest())


def _split_commas(s: str) -> list[str]:
    out, depth, cur = [], 0, []
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        out.append("".join(cur))
    return out


def _rollback(p: _P, w1):
    p.next()
    p.accept("WORK", "TRANSACTION")
    if p.accept("TO"):
        p.accept("SAVEPOINT")
        name = p.ident()
        p.end()
        return Utility("rollback_to", name=name)
    if p.word() == "PREPARED":
        raise PgError("prepared transactions are disabled", errcodes.OBJECT_NOT_IN_PREREQUISITE_STATE)
    chain = False
    if p.accept("AND"):
        chain = not p.accept("NO")
        p.expect("CHAIN")
    p.end()
    return Utility("rollback", chain=chain)


def _savepoint(p: _P, w1):
    p.next()
    name = p.ident()
    p.end()
    return Utility("savepoint", name=name)


def _release(p: _P, w1):
    p.next()
    p.accept("SAVEPOINT")
    name = p.ident()
    p.end()
    return Utility("release", name=name)


def _set(p: _P, w1):
    p.next()
    local = False
    if p.accept("LOCAL"):
        local = True
    else:
        p.accept("SESSION")
        if p.word() == "CHARACTERISTICS":
            p.next()
            p.expect("AS")
            p.expect("TRANSACTION")
            return Utility("set_session_characteristics", modes=_txn_modes(p))
        if p.word() == "AUTHORIZATION":
            p.next()
            if p.accept("DEFAULT"):
                return Utility("set_role", role=None, session=True)
            return Utility("set_role", role=p.value_text(), session=True)
    if p.word() == "CONSTRAINTS":
        p.next()
        names = None
        if not p.accept("ALL"):
            names = [p.qualified()[1]]
            while p.accept_op(","):
                names.append(p.qualified()[1])
        mode = p.expect("DEFERRED", "IMMEDIATE").lower()
        p.end()
        return Utility("set_constraints", names=names, mode=mode)
    if p.word() == "TRANSACTION":
        p.next()
        if p.accept("SNAPSHOT"):
            raise PgError("SET TRANSACTION SNAPSHOT is not supported", errcodes.FEATURE_NOT_SUPPORTED)
        return Utility("set_transaction", modes=_txn_modes(p))
    if p.word() == "ROLE":
        p.next()
        if p.accept("NONE"):
            return Utility("set_role", role=None, session=False)
        return Utility("set_role", role=p.value_text(), session=False)
    if p.word() == "TIME" and p.word(1) == "ZONE":
        p.next()
        p.next()
        if p.accept("LOCAL", "DEFAULT"):
            vals = None
        elif p.word() == "INTERVAL":
            p.next()
            start = p.peek()[2]
            text = p.string()
            fields = p.rest()
            vals = [_interval_time_zone(text, fields, p.sql[start:].strip().rstrip(";").strip())]
            p.i = len(p.toks)
        else:
            vals = [p.value_text()]
        return Utility("set", name="timezone", values=vals, local=local)
    if p.word() == "NAMES":
        p.next()
        vals = _set_values(p)
        return Utility("set", name="client_encoding", values=vals, local=local)
    if p.word() == "SCHEMA":
        p.next()
        return Utility("set", name="search_path", values=[p.value_text()], local=local)
    name = _guc_name(p)
    if not (p.accept("TO") or p.accept_op("=")):
        p.error()
    vals = _set_values(p)
    p.end()
    return Utility("set", name=name, values=vals, local=local)


def _guc_name(p: _P) -> str:
    name = p.ident()
    while p.accept_op("."):
        name += "." + p.ident()
    return name


def _show(p: _P, w1):
    p.next()
    if p.word() == "ALL":
        p.next()
        return Utility("show", name="all")
    if p.word() == "TIME" and p.word(1) == "ZONE":
        p.next()
        p.next()
        return Utility("show", name="timezone")
    if p.word() == "TRANSACTION" and p.word(1) == "ISOLATION":
        p.next()
        p.next()
        p.expect("LEVEL")
        return Utility("show", name="transaction_isolation")
    if p.word() == "SESSION" and p.word(1) == "AUTHORIZATION":
        p.next()
        p.next()
        return Utility("show", name="session_authorization")
    name = _guc_name(p)
    p.end()
    return Utility("show", name=name)


def _reset(p: _P, w1):
    p.next()
    if p.accept("ALL"):
        return Utility("reset", name="all")
    if p.word() == "TIME" and p.word(1) == "ZONE":
        return Utility("reset", name="timezone")
    if p.word() == "ROLE":
        return Utility("set_role", role=None, session=False)
    if p.word() == "SESSION" and p.word(1) == "AUTHORIZATION":
        return Utility("set_role", role=None, session=True)
    name = _guc_name(p)
    p.end()
    return Utility("reset", name=name)


def _discard(p: _P, w1):
    p.next()
    what = p.expect("ALL", "PLANS", "SEQUENCES", "TEMP", "TEMPORARY")
    p.end()
    return Utility("discard", what=what)


def _use(p: _P, w1):
    if w1 != "BRANCH":
        return None
    p.next()
    p.next()
    name = p.ident()
    p.end()
    return Utility("use_branch", name=name)


def _create(p: _P, w1):
    if w1 == "BRANCH":
        p.next()
        p.next()
        ine = False
        if p.accept("IF"):
            p.expect("NOT")
            p.expect("EXISTS")
            ine = True
        name = p.ident()
        parent = None
        as_of = None
        if p.accept("FROM"):
            parent = p.ident()
        if p.accept("AS"):
            p.expect("OF")
            as_of = _as_of_spec(p)
        p.end()
        return Utility("create_branch", name=name, parent=parent, as_of=as_of, if_not_exists=ine)
    if w1 in ("ROLE", "USER", "GROUP"):
        p.next()
        p.next()
        ine = False
        name = p.ident() if p.word() != "IF" else None
        opts = _role_options(p)
        return Utility("create_role", name=name, options=opts, login=(w1 == "USER"))
    if w1 == "DATABASE":
        p.next()
        p.next()
        name = p.ident()
        opts = {}
        p.accept("WITH")
        while not p.at_end():
            key = p.ident().lower()
            p.accept_op("=")
            if p.accept("DEFAULT"):
                val = None
            else:
                val = p.value_text()
            opts[key] = val
        return Utility("create_database", name=name, options=opts)
    if w1 == "EXTENSION":
        p.next()
        p.next()
        ine = False
        if p.accept("IF"):
            p.expect("NOT")
            p.expect("EXISTS")
            ine = True
        return Utility("create_extension", name=p.ident(), if_not_exists=ine)
    return None


def _as_of_spec(p: _P):
    if p.accept("TIMESTAMP"):
        return ("timestamp", p.string())
    if p.accept("SEQ", "LSN", "SEQUENCE"):
        k, t, _ = p.next()
        if k == "num":
            return ("seq", int(t))
        if k == "str":
            return ("seq", int(t[1:-1]))
        p.error()
    return ("timestamp", p.string())


def _role_options(p: _P) -> dict:
    opts = {}
    p.accept("WITH")
    while not p.at_end():
        w = p.word()
        if w is None:
            p.error()
        p.next()
        if w in ("SUPERUSER", "NOSUPERUSER", "CREATEDB", "NOCREATEDB", "CREATEROLE", "NOCREATEROLE",
                 "LOGIN", "NOLOGIN", "INHERIT", "NOINHERIT", "REPLICATION", "NOREPLICATION",
                 "BYPASSRLS", "NOBYPASSRLS", "CREATEBRANCH", "NOCREATEBRANCH"):
            neg = w.startswith("NO") and w not in ("NOINHERIT",) or w == "NOINHERIT"
            base = w[2:] if neg else w
            opts[base.lower()] = not neg
        elif w == "PASSWORD":
            if p.accept("NULL"):
                opts["password"] = None
            else:
                opts["password"] = p.string()
        elif w == "ENCRYPTED":
            p.expect("PASSWORD")
            opts["password"] = p.string()
        elif w == "CONNECTION":
            p.expect("LIMIT")
            k, t, _ = p.next()
            if t == "-":
                k, t, _ = p.next()
                t = "-" + t
            opts["connlimit"] = int(t)
        elif w == "VALID":
            p.expect("UNTIL")
            opts["valid_until"] = p.string()
        elif w in ("IN", "ROLE", "ADMIN", "USER"):
            if w == "IN":
                p.expect("ROLE", "GROUP")
            names = [p.ident()]
            while p.accept_op(","):
                names.append(p.ident())
            opts["in_role" if w == "IN" else w.lower()] = names
        else:
            p.i -= 1
            p.error()
    return opts


def _alter(p: _P, w1):
    if w1 == "BRANCH":
        p.next()
        p.next()
        name = p.ident()
        if p.accept("RENAME"):
            p.expect("TO")
            new = p.ident()
            p.end()
            return Utility("rename_branch", name=name, new=new)
        if p.accept("OWNER"):
            p.expect("TO")
            return Utility("alter_branch_owner", name=name, owner=p.ident())
        p.error()
    if w1 in ("ROLE", "USER", "GROUP"):
        p.next()
        p.next()
        name = p.ident() if p.word() not in ("CURRENT_USER", "SESSION_USER") else p.next()[1].lower()
        if p.accept("RENAME"):
            p.expect("TO")
            return Utility("rename_role", name=name, new=p.ident())
        if p.word() == "SET":
            p.next()
            gname = _guc_name(p)
            if not (p.accept("TO") or p.accept_op("=")):
                p.error()
            return Utility("alter_role_set", name=name, guc=gname, values=_set_values(p))
        if p.word() == "RESET":
            p.next()
            return Utility("alter_role_set", name=name, guc=_guc_name(p), values=None)
        return Utility("alter_role", name=name, options=_role_options(p))
    if w1 == "DATABASE":
        p.next()
        p.next()
        name = p.ident()
        if p.accept("RENAME"):
            p.expect("TO")
            return Utility("rename_database", name=name, new=p.ident())
        return Utility("alter_database", name=name, rest=p.rest())
    if w1 == "SYSTEM":
        raise PgError("ALTER SYSTEM is not supported", errcodes.FEATURE_NOT_SUPPORTED)
    return None


def _drop(p: _P, w1):
    if w1 == "BRANCH":
        p.next()
        p.next()
        ie = False
        if p.accept("IF"):
            p.expect("EXISTS")
            ie = True
        name = p.ident()
        force = False
        if p.accept_op("("):
            p.expect("FORCE")
            force = True
            if not p.accept_op(")"):
                p.error()
        elif p.accept("WITH"):
            p.accept_op("(")
            p.expect("FORCE")
            force = True
            p.accept_op(")")
        p.end()
        return Utility("drop_branch", name=name, if_exists=ie, force=force)
    if w1 in ("ROLE", "USER", "GROUP"):
        p.next()
        p.next()
        ie = False
        if p.accept("IF"):
            p.expect("EXISTS")
            ie = True
        names = [p.ident()]
        while p.accept_op(","):
            names.append(p.ident())
        p.end()
        return Utility("drop_role", names=names, if_exists=ie)
    if w1 == "DATABASE":
        p.next()
        p.next()
        ie = False
        if p.accept("IF"):
            p.expect("EXISTS")
            ie = True
        name = p.ident()
        force = False
        if p.accept("WITH") or p.peek()[1] == "(":
            p.accept_op("(")
            p.expect("FORCE")
            force = True
            p.accept_op(")")
        p.end()
        return Utility("drop_database", name=name, if_exists=ie, force=force)
    if w1 == "EXTENSION":
        return Utility("noop", tag="DROP EXTENSION")
    if w1 == "OWNED":
        return Utility("noop", tag="DROP OWNED")
    return None


def _grant(p: _P, w1, revoke=False):
    p.next()
    grant_option_for = False
    if revoke and p.word() == "GRANT" and p.word(1) == "OPTION":
        p.next()
        p.next()
        p.expect("FOR")
        grant_option_for = True
    # privileges
    privs = []
    start = p.i
    while not p.at_end() and p.word() != "ON" and p.word() not in ("TO", "FROM"):
        privs.append(p.next()[1].upper())
    if p.accept("ON"):
        objtype = "TABLE"
        if p.word() in ("TABLE", "BRANCH", "SCHEMA", "DATABASE", "SEQUENCE", "FUNCTION", "ALL", "LANGUAGE",
                        "TYPE", "DOMAIN", "FOREIGN", "LARGE", "TABLESPACE", "PROCEDURE", "ROUTINE"):
            objtype = p.next()[1].upper()
            if objtype == "ALL":
                what = p.next()[1].upper()
                p.expect("IN")
                p.expect("SCHEMA")
                objtype = "ALL " + what
        objects = []
        while True:
            k, t, pos = p.peek()
            if k is None:
                p.error()
            if p.word() in ("TO", "FROM"):
                break
            start_pos = pos
            depth = 0
            while not p.at_end():
                k, t, pos = p.peek()
                if depth == 0 and (t == "," or p.word() in ("TO", "FROM")):
                    break
                if t == "(":
                    depth += 1
                elif t == ")":
                    depth -= 1
                p.next()
            objects.append(p.sql[start_pos:p.peek()[2]].strip())
            if not p.accept_op(","):
                break
        p.expect("FROM" if revoke else "TO")
        grantees = [_grantee(p)]
        while p.accept_op(","):
            grantees.append(_grantee(p))
        with_grant = False
        if not revoke and p.accept("WITH"):
            p.expect("GRANT")
            p.expect("OPTION")
            with_grant = True
        cascade = p.accept("CASCADE")
        p.accept("RESTRICT")
        p.accept("GRANTED")
        return Utility("revoke" if revoke else "grant", privileges=" ".join(privs), objtype=objtype,
                       objects=objects, grantees=grantees, with_grant=with_grant, cascade=cascade)
    # role membership: GRANT r1 TO r2
    p.i = start
    roles = [p.ident()]
    while p.accept_op(","):
        roles.append(p.ident())
    p.expect("FROM" if revoke else "TO")
    grantees = [_grantee(p)]
    while p.accept_op(","):
        grantees.append(_grantee(p))
    return Utility("revoke_role" if revoke else "grant_role", roles=roles, grantees=grantees)


def _grantee(p: _P) -> str:
    p.accept("GROUP")
    if p.word() == "PUBLIC":
        p.next()
        return "public"
    return p.ident()


def _revoke(p: _P, w1):
    return _grant(p, w1, revoke=True)


def _explain(p: _P, w1):
    p.next()
    opts = {}
    if p.accept_op("("):
        while True:
            name = p.ident().lower()
            val = True
            if not (p.peek()[1] in (",", ")")):
                v = p.value_text().lower()
                val = v not in ("false", "off", "0")
                if name == "format":
                    val = v
            opts[name] = val
            if p.accept_op(")"):
                break
            if not p.accept_op(","):
                p.error()
    else:
        while p.word() in ("ANALYZE", "ANALYSE", "VERBOSE"):
            w = p.next()[1].lower()
            opts["analyze" if w.startswith("analy") else w] = True
    return Utility("explain", options=opts, query=p.rest(), offset=p.peek()[2])


def _execute(p: _P, w1):
    p.next()
    name = p.ident()
    args = []
    if p.accept_op("("):
        k, t, start = p.peek()
        depth = 1
        end = start
        while depth:
            k, t, pos = p.next()
            if k is None:
                p.error()
            if t == "(":
                depth += 1
            elif t == ")":
                depth -= 1
                end = pos
        args = _split_commas(p.sql[start:end])
    return Utility("execute", name=name, args=[a.strip() for a in args])


def _deallocate(p: _P, w1):
    p.next()
    p.accept("PREPARE")
    if p.accept("ALL"):
        return Utility("deallocate", name=None)
    return Utility("deallocate", name=p.ident())


def _listen(p: _P, w1):
    w = p.next()[1].upper()
    if w == "UNLISTEN":
        if p.accept_op("*"):
            return Utility("unlisten", channel=None)
        return Utility("unlisten", channel=p.ident())
    return Utility("listen", channel=p.ident())


def _notify(p: _P, w1):
    p.next()
    ch = p.ident()
    payload = ""
    if p.accept_op(","):
        payload = p.string()
    return Utility("notify", channel=ch, payload=payload)


def _simple(kind, tag=None):
    def f(p: _P, w1):
        return Utility(kind, tag=tag, rest=p.rest())

    return f


def _abort(p: _P, w1):
    p.next()
    p.accept("WORK", "TRANSACTION")
    p.end()
    return Utility("rollback", chain=False)


def _end(p: _P, w1):
    p.next()
    p.accept("WORK", "TRANSACTION")
    p.end()
    return Utility("commit", chain=False)


def _copy(p: _P, w1):
    return Utility("copy", sql=p.sql)


def _declare(p: _P, w1):
    p.next()
    name = p.ident()
    opts = []
    while p.word() not in ("CURSOR", None):
        opts.append(p.next()[1].upper())
    p.expect("CURSOR")
    hold = False
    if p.accept("WITH"):
        p.expect("HOLD")
        hold = True
    elif p.accept("WITHOUT"):
        p.expect("HOLD")
    p.expect("FOR")
    return Utility("declare", name=name, options=opts, hold=hold, query=p.rest())


def _signed_int(p: _P):
    """An optionally signed integer, or None if the next token is not one."""
    k, t, _ = p.peek()
    sign = 1
    if k == "op" and t in ("-", "+"):
        k2, t2, _ = p.peek(1)
        if k2 != "num" or not t2.isdigit():
            return None
        p.next()
        sign = -1 if t == "-" else 1
        k, t = k2, t2
    if k == "num" and t.isdigit():
        p.next()
        return sign * int(t)
    return None


def _fetch(p: _P, w1):
    kw = p.next()[1].upper()
    direction = "next"
    count = 1
    w = p.word()
    if w in ("NEXT", "PRIOR", "FIRST", "LAST"):
        p.next()
        direction = w.lower()
    elif w == "ALL":
        p.next()
        direction = "forward"
        count = None
    elif w in ("FORWARD", "BACKWARD"):
        p.next()
        direction = w.lower()
        if p.accept("ALL"):
            count = None
        else:
            n = _signed_int(p)
            if n is not None:
                count = n
    elif w in ("ABSOLUTE", "RELATIVE"):
        p.next()
        direction = w.lower()
        count = _signed_int(p)
        if count is None:
            p.error()
    else:
        n = _signed_int(p)
        if n is not None:
            direction = "forward"
            count = n
    p.accept("FROM", "IN")
    name = p.ident()
    return Utility("fetch", name=name, direction=direction, count=count, move=(kw == "MOVE"))


def _close(p: _P, w1):
    p.next()
    if p.accept("ALL"):
        return Utility("close_cursor", name=None)
    return Utility("close_cursor", name=p.ident())


def _comment(p: _P, w1):
    if w1 != "ON":
        return None
    return Utility("comment", sql=p.sql)


def _lock(p: _P, w1):
    p.next()
    p.accept("TABLE")
    return Utility("lock", rest=p.rest())


def _do(p: _P, w1):
    raise PgError("DO blocks are not supported", errcodes.FEATURE_NOT_SUPPORTED)


_DISPATCH = {
    "BEGIN": _begin, "START": _start, "COMMIT": _commit, "END": _end, "ROLLBACK": _rollback,
    "ABORT": _abort, "SAVEPOINT": _savepoint, "RELEASE": _release, "SET": _set, "SHOW": _show,
    "RESET": _reset, "DISCARD": _discard, "USE": _use, "CREATE": _create, "ALTER": _alter,
    "DROP": _drop, "GRANT": _grant, "REVOKE": _revoke, "EXPLAIN": _explain, "PREPARE": _prepare,
    "EXECUTE": _execute, "DEALLOCATE": _deallocate, "LISTEN": _listen, "UNLISTEN": _listen,
    "NOTIFY": _notify, "COPY": _copy, "DECLARE": _declare, "FETCH": _fetch, "MOVE": _fetch,
    "CLOSE": _close, "LOCK": _lock, "DO": _do,
    "CHECKPOINT": _simple("checkpoint", "CHECKPOINT"), "VACUUM": _simple("vacuum", "VACUUM"),
    "ANALYZE": _simple("analyze", "ANALYZE"), "ANALYSE": _simple("analyze", "ANALYZE"),
    "REINDEX": _simple("noop", "REINDEX"), "CLUSTER": _simple("noop", "CLUSTER"),
    "LOAD": _simple("noop", "LOAD"),
}
