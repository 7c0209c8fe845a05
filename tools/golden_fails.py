#!/usr/bin/env python3
"""Print each failing statement of golden files with PostgreSQL's expected block
and heliosd's actual block side by side (developer aid).

    tools/golden_fails.py [--port P ...] FILE...   (starts heliosd unless --port)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

import sqlgolden as g  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+")
    ap.add_argument("--port", type=int)
    ap.add_argument("--max-lines", type=int, default=12)
    args = ap.parse_args()
    server = None
    if args.port:
        target = g.Target("127.0.0.1", args.port, "helios", "helios")
    else:
        from heliosserver import HeliosServer

        server = HeliosServer(tempfile.mkdtemp(prefix="helios-fails-") + "/data")
        server.start()
        target = g.Target(server.host, server.port, server.user, server.password)
    try:
        for f in args.files:
            path = Path(f)
            actual = g.run_file(path, target)
            expected = g.out_path(path).read_text()
            eb = g.statement_blocks(expected)
            ab = g.statement_blocks(actual)
            for i, (e, a) in enumerate(zip(eb, ab)):
                if e != a:
                    el = e.splitlines()
                    al = a.splitlines()
                    print(f"=== {path.name} #{i}")
                    print("\n".join("  " + x for x in el[:args.max_lines]))
                    print("  --- heliosd:")
                    print("\n".join("  " + x for x in al[1:args.max_lines]))
    finally:
        if server is not None:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
