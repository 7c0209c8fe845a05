"""node-postgres (pg) against heliosd: drives tests/node/pg_test.js with node."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

NODE_DIR = Path(__file__).resolve().parent.parent / "node"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed (make system-deps)")
def test_node_postgres(heliosd):
    if not (NODE_DIR / "node_modules" / "pg").is_dir():
        pytest.fail("tests/node/node_modules/pg is missing: run `make node-deps`")
    env = dict(os.environ, PGHOST=heliosd.host, PGPORT=str(heliosd.port), PGUSER=heliosd.user,
               PGPASSWORD=heliosd.password, PGDATABASE="postgres")
    r = subprocess.run([NODE, "pg_test.js"], cwd=str(NODE_DIR), env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr + r.stdout
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["client"] == "ok" and 1 <= out["pool"]["connections"] <= 5
