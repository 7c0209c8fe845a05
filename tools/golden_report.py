#!/usr/bin/env python3
"""Run the whole golden corpus (pending included) against a server and report
per-file and total statement pass counts.

    tools/golden_report.py                          # starts heliosd (python -m heliosd serve)
    tools/golden_report.py --host 127.0.0.1 --port 5433 --user helios --password helios
    tools/golden_report.py --pg                     # a throwaway PostgreSQL 15 (sanity: 100%)
    tools/golden_report.py --diff tests/golden/pending/types/types_int.sql

A statement passes when its whole output block (result or error, see
tests/sqlgolden.py) equals PostgreSQL's. Files that fully pass while still
under pending/ are listed as ready to promote (git mv pending/<area>/x.* <area>/).
Isolation specs (tests/isolation) are included unless --no-isolation.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import isorunner as iso  # noqa: E402
import sqlgolden as g  # noqa: E402


def area_of(path: Path) -> str:
    rel = path.relative_to(REPO / "tests")
    parts = [p for p in rel.parts[:-1] if p != "pending"]
    return "/".join(parts)


def run_one(path: Path, target: g.Target) -> str:
    try:
        if path.suffix == ".spec":
            return iso.run_spec(path, target)
        return g.run_file(path, target, timeout=g.STMT_TIMEOUT)
    except Exception as e:  # the server refused the fresh database, died, ...
        return f"RUN FAILED: {type(e).__name__}: {e}\n\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path, help="only these .sql/.spec files")
    ap.add_argument("--host")
    ap.add_argument("--port", type=int)
    ap.add_argument("--user", default="helios")
    ap.add_argument("--password", default="helios")
    ap.add_argument("--pg", action="store_true", help="run against a throwaway PostgreSQL 15")
    ap.add_argument("--no-isolation", action="store_true", help="skip tests/isolation specs")
    ap.add_argument("--diff", action="store_true", help="print a unified diff for each failing file")
    ap.add_argument("--failures", type=int, default=0, metavar="N",
                    help="print the first N failing statements of each file (expected vs actual)")
    ap.add_argument("--json", type=Path, help="also write the per-file counts as JSON here")
    ap.add_argument("--iso-timeout", type=float, default=30, metavar="S",
                    help="isolation safety timeout per statement (default 30s)")
    ap.add_argument("--stmt-timeout", type=float, default=g.STMT_TIMEOUT, metavar="S",
                    help=f"golden per-statement timeout (default {g.STMT_TIMEOUT:g}s)")
    ap.add_argument("-j", "--jobs", type=int, default=1,
                    help="files run in parallel (default 1: one file at a time)")
    args = ap.parse_args(argv)

    iso.SAFETY_TIMEOUT = args.iso_timeout
    g.STMT_TIMEOUT = args.stmt_timeout
    files = [p.resolve() for p in args.files]
    if not files:
        files = g.corpus_files()
        if not args.no_isolation:
            files += iso.spec_files()

    server = None
    if args.host:
        target = g.Target(args.host, args.port or 5432, args.user, args.password)
        label = f"{args.host}:{target.port}"
    elif args.pg:
        from pgserver import PgServer
        server = PgServer()
        target = g.Target(server.host, server.port, server.user)
        label = f"throwaway PostgreSQL 15 ({server.host}:{server.port})"
    else:
        from heliosserver import HeliosServer
        tmp = tempfile.mkdtemp(prefix="helios-report-")
        server = HeliosServer(str(Path(tmp) / "data"))
        try:
            server.start()
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 2
        target = g.Target(server.host, server.port, server.user, server.password)
        label = f"heliosd ({server.host}:{server.port}, log {server.stderr_path})"

    t0 = time.monotonic()
    try:
        with ThreadPoolExecutor(max(1, args.jobs)) as ex:
            outputs = list(ex.map(lambda f: run_one(f, target), files))
    finally:
        if server is not None:
            server.stop()

    rows = []
    by_area: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    promote = []
    print(f"golden report against {label}\n")
    print(f"{'pass':>5} {'total':>5} {'%':>5}  file")
    for f, actual in zip(files, outputs):
        rel = str(f.relative_to(REPO))
        exp_path = g.out_path(f)
        if not exp_path.exists():
            print(f"{'-':>5} {'-':>5} {'':>5}  {rel}  (no .out: run tools/regen_golden.py)")
            continue
        expected = exp_path.read_text()
        passed, total, failing = g.compare_blocks(expected, actual)
        pct = 100.0 * passed / total if total else 100.0
        rows.append({"file": rel, "passed": passed, "total": total})
        a = by_area[area_of(f)]
        a[0] += passed
        a[1] += total
        a[2] += 1
        a[3] += int(passed == total)
        mark = ""
        if passed == total and "pending" in f.relative_to(REPO).parts:
            promote.append(rel)
            mark = "  <- ready to promote"
        print(f"{passed:>5} {total:>5} {pct:>5.1f}  {rel}{mark}")
        if actual.startswith("RUN FAILED"):
            print(f"       {actual.strip()}")
        if args.failures and failing:
            exp_b = g.statement_blocks(expected)
            act_b = g.statement_blocks(actual)
            for i in failing[: args.failures]:
                # the actual block for the same statement: same echo line, else same index
                head = exp_b[i].split("\n", 1)[0]
                same = [b for b in act_b if b.split("\n", 1)[0] == head]
                act = same[0] if len(same) == 1 else ("<no block for this statement>" if not same else act_b[i] if i < len(act_b) else "<missing>")
                print("       --- expected ---")
                print("       " + exp_b[i].replace("\n", "\n       "))
                print("       --- actual ---")
                print("       " + act.replace("\n", "\n       "))
        if args.diff and passed != total:
            sys.stdout.write(g.unified_diff(expected, actual, rel))

    print(f"\n{'pass':>6} {'total':>6} {'%':>5}  {'files ok':>9}  area")
    tp = tt = tf = tok = 0
    for area in sorted(by_area):
        p, t, nf, ok = by_area[area]
        tp, tt, tf, tok = tp + p, tt + t, tf + nf, tok + ok
        print(f"{p:>6} {t:>6} {100.0 * p / t if t else 100:>5.1f}  {ok:>4}/{nf:<4}  {area}")
    print(f"{tp:>6} {tt:>6} {100.0 * tp / tt if tt else 100:>5.1f}  {tok:>4}/{tf:<4}  TOTAL "
          f"({time.monotonic() - t0:.1f}s)")
    if promote:
        print("\nfully passing but still pending:")
        for p in promote:
            print(f"  {p}")
    if args.json:
        args.json.write_text(json.dumps({"target": label, "files": rows,
                                         "passed": tp, "total": tt}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
