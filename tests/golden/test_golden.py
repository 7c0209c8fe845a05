"""Golden SQL tests: every tests/golden/<area>/<name>.sql against heliosd.

The expected ``.out`` files are PostgreSQL 15's output (see tests/sqlgolden.py
for the formats). Modes:

* default: each non-pending file runs against the ``heliosd`` fixture and must
  reproduce its ``.out`` exactly (a unified diff is shown otherwise).
  Files under tests/golden/pending/ are not run: heliosd does not pass them yet
  (``tools/golden_report.py`` measures them; promote a file by moving it from
  pending/<area>/ to <area>/).
* ``HELIOS_GOLDEN_REGEN=1``: (re)write the ``.out`` of every file, pending
  included, from a throwaway PostgreSQL 15 (same as tools/regen_golden.py).
* ``HELIOS_GOLDEN_SELFTEST=1``: additionally run every file, pending included,
  against a throwaway PostgreSQL 15 and require the ``.out`` to be reproduced
  (checks the runner and the corpus' determinism).
"""
from __future__ import annotations

import os

import pytest

import sqlgolden as g

REGEN = os.environ.get("HELIOS_GOLDEN_REGEN") == "1"
SELFTEST = os.environ.get("HELIOS_GOLDEN_SELFTEST") == "1"


def _ids(files):
    return [str(f.relative_to(g.GOLDEN_DIR)) for f in files]


ALL_FILES = g.corpus_files(include_pending=True)
READY_FILES = g.corpus_files(include_pending=False)


def _target(server) -> g.Target:
    return g.Target(server.host, server.port, server.user, getattr(server, "password", None) or None)


def _check(path, server):
    expected_path = g.out_path(path)
    actual = g.run_file(path, _target(server))
    if REGEN:
        expected_path.write_text(actual)
        return
    assert expected_path.exists(), f"{expected_path} missing: run tools/regen_golden.py {path}"
    expected = expected_path.read_text()
    if actual != expected:
        passed, total, failing = g.compare_blocks(expected, actual)
        diff = g.unified_diff(expected, actual, str(path.relative_to(g.GOLDEN_DIR)))
        pytest.fail(f"{passed}/{total} statements match\n{diff}", pytrace=False)


if REGEN:
    @pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
    def test_golden_regen(path, pg15):
        _check(path, pg15)
else:
    @pytest.mark.parametrize("path", READY_FILES, ids=_ids(READY_FILES))
    def test_golden(path, heliosd):
        _check(path, heliosd)


@pytest.mark.skipif(not SELFTEST or REGEN, reason="set HELIOS_GOLDEN_SELFTEST=1 to check the corpus on PostgreSQL 15")
@pytest.mark.parametrize("path", ALL_FILES, ids=_ids(ALL_FILES))
def test_golden_selftest_pg15(path, pg15):
    _check(path, pg15)
