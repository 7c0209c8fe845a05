"""psql describe commands run against PostgreSQL 15 (recorded) and heliosd (compared).

Shared by ``tools/record_catalog_expected.py`` (writes expected/*.out from a
throwaway PostgreSQL 15) and ``test_psql_describe.py`` (runs the same
commands against heliosd).  Only owner names are normalized: the bootstrap
superuser is ``postgres`` in PostgreSQL and ``helios`` in the heliosd
fixture, which also changes column widths, so aligned tables are compared
cell by cell (whitespace inside a cell collapsed).  ``\\l`` and ``\\du``
list cluster-wide objects that other tests sharing the server create, so
their rows are restricted to the databases / role the expected output has.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXPECTED = HERE / "expected"
SCHEMA = HERE / "saas_schema.sql"
DBNAME = "catalog_saas"

# (file stem, psql command)
COMMANDS = [
    ("l", r"\l"),
    ("dt", r"\dt"),
    ("d", r"\d"),
    ("d_tasks", r"\d tasks"),
    ("dplus_tasks", r"\d+ tasks"),
    ("di", r"\di"),
    ("dn", r"\dn"),
    ("du", r"\du"),
    ("df", r"\df"),
    ("dv", r"\dv"),
    ("ds", r"\ds"),
    ("d_projects", r"\d projects"),
    ("d_team_members", r"\d team_members"),
    ("d_time_entries", r"\d time_entries"),
    ("d_open_tasks", r"\d open_tasks"),
    ("dplus_open_tasks", r"\d+ open_tasks"),
    ("d_invoice_seq", r"\d invoice_seq"),
    ("d_tasks_id_seq", r"\d tasks_id_seq"),
    ("d_tasks_pkey", r"\d tasks_pkey"),
    ("d_idx_tasks_assignee", r"\d idx_tasks_assignee"),
    ("dT", r"\dT"),
    ("dx", r"\dx"),
    ("db", r"\db"),
    ("dp", r"\dp"),
    ("dnplus", r"\dn+"),
]

# rows of these commands are restricted to the names the expected output lists
FILTERED = {"l", "du"}


def psql_bin() -> str:
    for d in (os.environ.get("HELIOS_PG_BINDIR"), "/usr/lib/postgresql/15/bin"):
        if d and Path(d, "psql").exists():
            return str(Path(d, "psql"))
    return "psql"


def run_psql(host, port, user, password, dbname, command, timeout=60) -> str:
    env = dict(os.environ, PGPASSWORD=password or "", PGCONNECT_TIMEOUT="10", LC_ALL="C.UTF-8",
               PGTZ="UTC", PAGER="")
    env.pop("PGSERVICE", None)
    p = subprocess.run([psql_bin(), "-X", "-h", host, "-p", str(port), "-U", user, "-d", dbname, "-c", command],
                       capture_output=True, text=True, env=env, timeout=timeout)
    return p.stdout + p.stderr


def run_psql_file(host, port, user, password, dbname, path, timeout=120) -> str:
    env = dict(os.environ, PGPASSWORD=password or "", LC_ALL="C.UTF-8", PGTZ="UTC")
    p = subprocess.run([psql_bin(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", str(port), "-U", user,
                        "-d", dbname, "-f", str(path)], capture_output=True, text=True, env=env, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"loading {path} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout + p.stderr


def _is_rule(line: str) -> bool:
    s = line.strip()
    return bool(s) and set(s) <= {"-", "+"}


def normalize(text: str, owner: str | None = None) -> list[str]:
    """Aligned psql output -> comparable lines (owner renamed to postgres)."""
    out = []
    for line in text.splitlines():
        if owner and owner != "postgres":
            line = re.sub(rf"\b{re.escape(owner)}\b", "postgres", line)
        if _is_rule(line):
            out.append("---")
        elif "|" in line:
            # a cell's continuation mark "+" sits after padding that depends on the widest value
            cells = [re.sub(r" \+$", "+", " ".join(c.split())) for c in line.split("|")]
            out.append(" | ".join(cells).strip())
        else:
            # footers ("    \"tasks_pkey\" PRIMARY KEY, ...") keep their indent; centered titles do not
            out.append(line.rstrip() if re.match(r"    \S", line) else line.strip())
    while out and out[-1] == "":
        out.pop()
    return out


def restrict_rows(lines: list[str], keep: set[str]) -> list[str]:
    """Keep table rows whose first cell is in ``keep`` (and their continuation
    rows), and fix the "(N rows)" footer."""
    out = []
    in_body = False
    keeping = True
    n = 0
    for line in lines:
        if line == "---":
            in_body = True
            out.append(line)
            continue
        if in_body and " | " in line:
            first = line.split(" | ")[0].strip()
            if first:
                keeping = first in keep
                if keeping:
                    n += 1
            if keeping:
                out.append(line)
            continue
        m = re.fullmatch(r"\((\d+) rows?\)", line)
        if m:
            out.append(f"({n} row{'s' if n != 1 else ''})")
            in_body = False
            continue
        out.append(line)
    return out


def first_cells(lines: list[str]) -> set[str]:
    keep = set()
    in_body = False
    for line in lines:
        if line == "---":
            in_body = True
            continue
        if in_body and " | " in line:
            c = line.split(" | ")[0].strip()
            if c:
                keep.add(c)
    return keep
