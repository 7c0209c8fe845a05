"""Time travel at the edge of the retention window (a private server started
with --retention 2): AS OF inside the window reads the past, a point beyond
it fails with 72000 snapshot_too_old, and vacuum may then reclaim history."""
from __future__ import annotations

import time

import pytest

from heliosserver import HeliosServer

from .util import connect, pg_error


@pytest.fixture(scope="module")
def short(tmp_path_factory):
    base = tmp_path_factory.mktemp("retention")
    server = HeliosServer(str(base / "data"), extra_args=["--retention", "2"])
    server.start()
    yield server
    server.stop()


def q(c, sql, args=None):
    cur = c.cursor()
    cur.execute(sql, args)
    return cur.fetchall() if cur.description else None


def test_window(short):
    c = connect(short, "postgres")
    q(c, "CREATE BRANCH rt FROM main")
    q(c, "USE BRANCH rt")
    q(c, "CREATE TABLE t (id int PRIMARY KEY, v text)")
    q(c, "INSERT INTO t VALUES (1, 'old')")
    time.sleep(0.1)
    t_old = q(c, "SELECT clock_timestamp()::text")[0][0]
    time.sleep(0.1)
    q(c, "UPDATE t SET v = 'new'")
    assert q(c, f"SELECT v FROM t AS OF TIMESTAMP '{t_old}'") == [("old",)]
    time.sleep(2.5)
    code, msg = pg_error(lambda: q(c, f"SELECT v FROM t AS OF TIMESTAMP '{t_old}'"))
    assert code == "72000" and "retention window (2 seconds)" in msg
    q(c, "SET helios.as_of = %s", (t_old,))
    assert pg_error(lambda: q(c, "SELECT v FROM t"))[0] == "72000"
    q(c, "RESET helios.as_of")
    assert pg_error(lambda: q(c, f"CREATE BRANCH rt_past FROM rt AS OF TIMESTAMP '{t_old}'"))[0] == "72000"
    assert q(c, "SELECT v FROM t") == [("new",)]
    c.close()
