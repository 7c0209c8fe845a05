"""Shared pytest fixtures.

* ``pg15``: a throwaway PostgreSQL 15 (tests/pgserver.py), one per session.
* ``heliosd``: the real heliosd server started as a subprocess, one per session:
  ``python -m heliosd serve --data TMP --host 127.0.0.1 --port P`` with
  HELIOS_SUPERUSER=helios / HELIOS_PASSWORD=helios. Tests that use it are
  skipped only while ``heliosd`` has no ``__main__`` module (i.e. before the
  server exists); once it does, a server that fails to start is an error.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
if str(TESTS_DIR) not in sys.path:  # helpers (pgserver, sqlgolden, ...) import as top-level modules
    sys.path.insert(0, str(TESTS_DIR))

from heliosserver import HeliosServer, heliosd_runnable  # noqa: E402

if os.environ.get("CI"):
    # CI replays the same examples on every run (a red CI then always names a real, reproducible
    # bug); local runs keep exploring new random examples and find new ones.
    from hypothesis import settings as _hsettings

    _hsettings.register_profile("ci", derandomize=True, database=None)
    _hsettings.load_profile("ci")
from pgserver import PgServer  # noqa: E402


@pytest.fixture(scope="session")
def pg15():
    """A throwaway PostgreSQL 15: .host .port .user .dsn(dbname) .stop()."""
    server = PgServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def heliosd(tmp_path_factory):
    """The real heliosd server: .host .port .user .password .dsn(dbname)."""
    if not heliosd_runnable():
        pytest.skip("heliosd has no __main__ yet (python -m heliosd serve unavailable)")
    base = tmp_path_factory.mktemp("heliosd")
    server = HeliosServer(str(base / "data"))
    try:
        server.start()
    except RuntimeError as e:
        server.stop()
        pytest.fail(str(e), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
        if os.environ.get("HELIOS_KEEP_LOGS"):
            print(f"heliosd log: {server.stderr_path}")
