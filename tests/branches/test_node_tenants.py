"""Acceptance (a): the tenant workflow from node-postgres (node_tenants.js):
provision tenants (CREATE BRANCH ... FROM template_v47, USE BRANCH, INSERT and
UPDATE with $n parameters including ``settings || $1::jsonb``), query through
per-tenant pools connected with ``options=-c helios.branch=tenant``, and
deprovision with DROP BRANCH."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
NODE_MODULES = HERE.parent / "node" / "node_modules"
NODE = shutil.which("node")


@pytest.mark.skipif(NODE is None, reason="node is not installed (make system-deps)")
def test_node_postgres_tenants(heliosd, saas):
    if not (NODE_MODULES / "pg").is_dir():
        pytest.fail("tests/node/node_modules/pg is missing: run `make node-deps`")
    db = saas("br_node")
    env = dict(os.environ, PGHOST=heliosd.host, PGPORT=str(heliosd.port), PGUSER=heliosd.user,
               PGPASSWORD=heliosd.password, SAASDB=db, TENANTS="6", NODE_PATH=str(NODE_MODULES))
    r = subprocess.run([NODE, str(HERE / "node_tenants.js")], cwd=str(HERE), env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr + r.stdout
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["ok"] and out["tenants"] == 6
