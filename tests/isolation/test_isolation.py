"""Isolation tests: tests/isolation/**/<name>.spec against heliosd, several
sessions interleaved statement by statement (see tests/isorunner.py).

Same modes as tests/golden/test_golden.py: by default the non-pending specs
run against the ``heliosd`` fixture; ``HELIOS_GOLDEN_REGEN=1`` rewrites every
``.out`` from a throwaway PostgreSQL 15; ``HELIOS_GOLDEN_SELFTEST=1`` also
replays every spec (pending included) on PostgreSQL 15 and requires its ``.out``.
"""
from __future__ import annotations

import os

import pytest

import isorunner as iso
import sqlgolden as g

REGEN = os.environ.get("HELIOS_GOLDEN_REGEN") == "1"
SELFTEST = os.environ.get("HELIOS_GOLDEN_SELFTEST") == "1"

ALL_SPECS = iso.spec_files(include_pending=True)
READY_SPECS = iso.spec_files(include_pending=False)


def _ids(files):
    return [str(f.relative_to(iso.ISOLATION_DIR)) for f in files]


def _check(path, server):
    target = g.Target(server.host, server.port, server.user,
                      getattr(server, "password", None) or None)
    actual = iso.run_spec(path, target)
    expected_path = g.out_path(path)
    if REGEN:
        expected_path.write_text(actual)
        return
    assert expected_path.exists(), f"{expected_path} missing: run tools/regen_golden.py {path}"
    expected = expected_path.read_text()
    if actual != expected:
        passed, total, _ = g.compare_blocks(expected, actual)
        diff = g.unified_diff(expected, actual, str(path.relative_to(iso.ISOLATION_DIR)))
        pytest.fail(f"{passed}/{total} steps match\n{diff}", pytrace=False)


if REGEN:
    @pytest.mark.parametrize("path", ALL_SPECS, ids=_ids(ALL_SPECS))
    def test_isolation_regen(path, pg15):
        _check(path, pg15)
else:
    @pytest.mark.parametrize("path", READY_SPECS, ids=_ids(READY_SPECS))
    def test_isolation(path, heliosd):
        _check(path, heliosd)


@pytest.mark.skipif(not SELFTEST or REGEN, reason="set HELIOS_GOLDEN_SELFTEST=1 to check the specs on PostgreSQL 15")
@pytest.mark.parametrize("path", ALL_SPECS, ids=_ids(ALL_SPECS))
def test_isolation_selftest_pg15(path, pg15):
    _check(path, pg15)
