#!/usr/bin/env python3
"""(Re)generate golden .out files from a throwaway PostgreSQL 15.

    tools/regen_golden.py                      # every golden .sql and isolation .spec
    tools/regen_golden.py tests/golden/pending/types/types_int.sql ...
    tools/regen_golden.py --check              # rerun on PG, report files whose .out differs

The expected output is always PostgreSQL's: review the diff of the .out files
like code. See tests/sqlgolden.py (golden format) and tests/isorunner.py
(isolation specs).
"""
from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import isorunner as iso  # noqa: E402
import sqlgolden as g  # noqa: E402
from pgserver import PgServer  # noqa: E402


def run_one(path: Path, target: g.Target) -> str:
    if path.suffix == ".spec":
        return iso.run_spec(path, target)
    return g.run_file(path, target)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help=".sql / .spec files (default: all)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if any .out differs from PostgreSQL's output")
    ap.add_argument("-j", "--jobs", type=int, default=4, help="files run in parallel (default 4)")
    args = ap.parse_args(argv)

    files = [p.resolve() for p in args.files] or (g.corpus_files() + iso.spec_files())
    for f in files:
        if f.suffix not in (".sql", ".spec") or not f.exists():
            ap.error(f"not a .sql/.spec file: {f}")

    t0 = time.monotonic()
    with PgServer() as pg:
        target = g.Target(pg.host, pg.port, pg.user)
        with ThreadPoolExecutor(max(1, args.jobs)) as ex:
            outputs = list(ex.map(lambda f: run_one(f, target), files))
    changed = 0
    total_stmts = 0
    for f, out in zip(files, outputs):
        rel = f.relative_to(REPO)
        dest = g.out_path(f)
        old = dest.read_text() if dest.exists() else None
        total_stmts += g.count_statements(out)
        if old == out:
            continue
        changed += 1
        if args.check:
            print(f"DIFFERS {rel}")
            if old is not None:
                sys.stdout.write(g.unified_diff(old, out, str(rel)))
        else:
            dest.write_text(out)
            print(f"{'wrote' if old is None else 'updated'} {dest.relative_to(REPO)}")
    verb = "differ" if args.check else "changed"
    print(f"{len(files)} files, {total_stmts} statement blocks, {changed} {verb} "
          f"({time.monotonic() - t0:.1f}s)")
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
