"""Regenerate heliosd/engine/pgcatalog/_pgdefs.py: PostgreSQL 15's catalog shapes and built-in rows.

Usage: .venv/bin/python tools/gen_pgcatalog_data.py [--dsn DSN] [--bki PATH]

Two sources:

* ``postgres.bki`` (default /usr/share/postgresql/15/postgres.bki): the rows of the
  built-in objects heliosd mirrors (pg_proc, pg_operator, pg_am, pg_opclass,
  pg_opfamily, pg_collation, pg_language, pg_range, pg_tablespace, some descriptions).
* a PostgreSQL 15 server (a throwaway one from tests/pgserver.py unless --dsn is
  given): the exact column list (name, type, typmod) of every relation in
  pg_catalog and information_schema -- tables *and* views -- with information_schema
  domains replaced by their base type and typmod (what PostgreSQL sends in
  RowDescription), plus pg_settings metadata for the settings heliosd knows.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "heliosd", "engine", "pgcatalog", "_pgdefs.py")

BKI_TABLES = ("pg_proc", "pg_operator", "pg_am", "pg_opclass", "pg_opfamily", "pg_collation", "pg_language",
              "pg_range", "pg_tablespace", "pg_namespace", "pg_description", "pg_aggregate", "pg_type", "pg_cast")
# descriptions kept: namespaces, access methods, languages, types, tablespaces, collations
DESC_CLASSES = {2615, 2601, 2612, 1247, 1213, 3456}


def _tokens(line: str) -> list:
    out = []
    i = 0
    n = len(line)
    while i < n:
        c = line[i]
        if c.isspace():
            i += 1
            continue
        if c == "'":
            j = i + 1
            buf = []
            while j < n:
                if line[j] == "'" and j + 1 < n and line[j + 1] == "'":
                    buf.append("'")
                    j += 2
                    continue
                if line[j] == "\\" and j + 1 < n:
                    buf.append(line[j + 1])
                    j += 2
                    continue
                if line[j] == "'":
                    break
                buf.append(line[j])
                j += 1
            out.append(("q", "".join(buf)))
            i = j + 1
            continue
        j = i
        while j < n and not line[j].isspace():
            j += 1
        out.append(("w", line[i:j]))
        i = j
    return out


def _parse_array(s: str) -> list:
    s = s.strip()
    assert s.startswith("{") and s.endswith("}"), s
    body = s[1:-1]
    if not body:
        return []
    out = []
    cur = []
    inq = False
    i = 0
    while i < len(body):
        ch = body[i]
        if inq:
            if ch == "\\":
                cur.append(body[i + 1])
                i += 2
                continue
            if ch == '"':
                inq = False
            else:
                cur.append(ch)
        elif ch == '"':
            inq = True
        elif ch == ",":
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


def _convert(typ: str, tok):
    kind, v = tok
    if kind == "w" and v == "_null_":
        return None
    if typ in ("oid", "int2", "int4", "int8", "regproc", "xid"):
        if v == "-":
            return 0
        try:
            return int(v)
        except ValueError:
            return ("regproc", v)
    if typ in ("float4", "float8"):
        return float(v)
    if typ == "bool":
        return v == "t"
    if typ in ("oidvector", "int2vector"):
        return [int(x) for x in v.split()] if v.strip() else []
    if typ in ("_oid", "_int2", "_float4"):
        return [float(x) if typ == "_float4" else int(x) for x in _parse_array(v)]
    if typ in ("_char", "_text", "_name"):
        return _parse_array(v)
    if typ == "_aclitem":
        return None
    return v


def parse_bki(path: str):
    tables = {}
    cur = None
    cols = None
    with open(path) as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("create "):
            parts = line.split()
            name, oid = parts[1], int(parts[2])
            rowtype = int(parts[parts.index("rowtype_oid") + 1]) if "rowtype_oid" in parts else 0
            shared = "shared_relation" in parts
            cols = []
            i += 1
            assert lines[i].strip() == "("
            i += 1
            while lines[i].strip() != ")":
                m = re.match(r"\s*(\w+) = (\w+)", lines[i])
                cols.append((m.group(1), m.group(2)))
                i += 1
            cur = tables[name] = {"oid": oid, "rowtype": rowtype, "shared": shared, "cols": cols, "rows": []}
        elif line.startswith("insert ") and cur is not None:
            toks = _tokens(line[len("insert ( "):line.rindex(")")])
            assert len(toks) == len(cols), (line, len(toks), len(cols))
            cur["rows"].append(tuple(_convert(t, tok) for (_c, t), tok in zip(cols, toks)))
        elif line.startswith("close "):
            cur = None
        i += 1
    return tables


def resolve_regprocs(tables):
    """bki writes some regproc fields by name: turn them into oids."""
    by_name = {}
    for r in tables["pg_proc"]["rows"]:
        by_name.setdefault(r[1], r[0])
    for t in tables.values():
        for ri, r in enumerate(t["rows"]):
            if any(isinstance(v, tuple) for v in r):
                t["rows"][ri] = tuple(by_name.get(v[1], 0) if isinstance(v, tuple) else v for v in r)


def server_defs(dsn):
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as c:
        rels = c.execute("""
            SELECT n.nspname, c.relname, c.oid::int, c.relkind::text, a.attname::text,
                   CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END::int,
                   CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,
                   a.attnotnull
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 JOIN pg_type t ON t.oid = a.atttypid
            WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm')
            ORDER BY 1, 2, a.attnum""").fetchall()
        classes = c.execute("""
            SELECT n.nspname, c.relname, c.oid::int, c.relkind::text, c.reltype::int, c.relnatts::int,
                   c.relisshared, c.relhasindex
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v', 'm')
            ORDER BY 1, 2""").fetchall()
        settings = c.execute("""
            SELECT name, unit, category, short_desc, extra_desc, context, vartype, min_val, max_val,
                   enumvals, boot_val
            FROM pg_settings ORDER BY name""").fetchall()
        colls = c.execute("""
            SELECT oid::int, collname::text, collnamespace::int, collowner::int, collprovider::text,
                   collisdeterministic, collencoding, collcollate, collctype, colliculocale, collversion
            FROM pg_collation WHERE collprovider IN ('d', 'c') ORDER BY oid""").fetchall()
        keywords = c.execute("SELECT word, catcode::text, barelabel, catdesc, baredesc FROM pg_get_keywords()"
                             ).fetchall()
    return rels, classes, settings, colls, keywords


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dsn")
    ap.add_argument("--bki", default="/usr/share/postgresql/15/postgres.bki")
    args = ap.parse_args()
    tables = parse_bki(args.bki)
    resolve_regprocs(tables)
    server = None
    dsn = args.dsn
    if dsn is None:
        sys.path.insert(0, os.path.join(REPO, "tests"))
        from pgserver import PgServer

        server = PgServer()
        dsn = server.dsn("postgres")
    try:
        rels, classes, settings, colls, keywords = server_defs(dsn)
    finally:
        if server is not None:
            server.stop()
    relations = {}
    notnull = {}
    for nsp, rel, oid, kind, att, typ, typmod, nn in rels:
        relations.setdefault((nsp, rel), (oid, kind, []))[2].append((att, typ, typmod))
        if nn:
            notnull.setdefault((nsp, rel), []).append(att)
    sys.path.insert(0, REPO)
    from heliosd import config as CFG

    known = {k.lower() for k in CFG.GUCS}
    settings = [s for s in settings if s[0].lower() in known]
    with open(OUT, "w") as f:
        f.write('"""PostgreSQL 15 catalog shapes and built-in rows (see heliosd.engine.pgcatalog).\n\n'
                "Generated by tools/gen_pgcatalog_data.py from postgres.bki and a reference\n"
                'PostgreSQL 15 server; do not edit by hand.\n"""\n\n')
        f.write("# (schema, relname) -> (oid, relkind, [(attname, type oid, typmod)]); domains -> base type\n")
        f.write("RELATIONS = {\n")
        for k, v in relations.items():
            f.write(f"    {k!r}: {v!r},\n")
        f.write("}\n\n")
        f.write("# (schema, relname) -> NOT NULL columns (system catalogs)\n")
        f.write("NOT_NULL = {\n" + "".join(f"    {k!r}: {tuple(v)!r},\n" for k, v in notnull.items()) + "}\n\n")
        f.write("# (schema, relname, oid, relkind, reltype, relnatts, relisshared, relhasindex)\n")
        f.write("CLASSES = (\n" + "".join(f"    {tuple(r)!r},\n" for r in classes) + ")\n\n")
        for name in BKI_TABLES:
            t = tables[name]
            rows = t["rows"]
            if name == "pg_description":
                rows = [r for r in rows if r[1] in DESC_CLASSES]
            if name == "pg_proc":
                # prosrc repeats proname for most internal functions: store None then
                rows = [r[:25] + ((None if r[25] == r[1] else r[25]),) + r[26:] for r in rows]
            var = name.upper()[3:] if name.startswith("pg_") else name.upper()
            f.write(f"{var}_COLUMNS = {tuple(c for c, _t in t['cols'])!r}\n")
            f.write(f"{var}_ROWS = (\n" + "".join(f"    {r!r},\n" for r in rows) + ")\n\n")
        f.write("# bki catalogs: name -> (oid, rowtype oid, shared)\n")
        f.write("BKI_CATALOGS = {\n" + "".join(
            f"    {n!r}: ({t['oid']}, {t['rowtype']}, {t['shared']}),\n" for n, t in tables.items()) + "}\n\n")
        f.write("# pg_settings metadata: name -> (unit, category, short_desc, extra_desc, context, vartype,\n"
                "#                                 min_val, max_val, enumvals, boot_val)\n")
        f.write("SETTINGS = {\n" + "".join(f"    {s[0]!r}: {tuple(s[1:])!r},\n" for s in settings) + "}\n\n")
        f.write("# pg_collation rows of an initdb --locale=C.UTF-8 cluster (libc/default providers)\n")
        f.write("COLLATIONS = (\n" + "".join(f"    {tuple(r)!r},\n" for r in colls) + ")\n\n")
        f.write("# pg_get_keywords(): (word, catcode, barelabel, catdesc, baredesc)\n")
        f.write("KEYWORDS = (\n" + "".join(f"    {tuple(r)!r},\n" for r in keywords) + ")\n")
    print(f"wrote {OUT}: {len(relations)} relations, {len(tables['pg_proc']['rows'])} procs, "
          f"{len(settings)} settings")


if __name__ == "__main__":
    main()
