"""Fixtures for socket-level protocol tests.

* ``raw``: a connected, authenticated :class:`pgmsg.RawConn` to the shared heliosd.
* ``pgraw``: the same against the throwaway PostgreSQL 15 (``pg15``), for comparisons.
* ``hconf``: a second heliosd started with a TOML config: host-based rules
  (trust for ``trusty``, reject for ``banned``, reject for database ``closed``,
  scram for the rest), a small maximum message size and the memory engine.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from heliosserver import HeliosServer  # noqa: E402
from pgmsg import RawConn  # noqa: E402

HCONF_MAX_MESSAGE = 65536


def connect_raw(server, user=None, password=None, database="postgres", **params) -> RawConn:
    c = RawConn(server.host, server.port)
    c.login(user or server.user, database, password if password is not None else server.password, **params)
    return c


@pytest.fixture
def raw(heliosd):
    c = connect_raw(heliosd)
    yield c
    c.close()


@pytest.fixture
def pgraw(pg15):
    c = RawConn(pg15.host, pg15.port)
    c.login(pg15.user, "postgres")
    yield c
    c.close()


@pytest.fixture(scope="session")
def hconf(tmp_path_factory):
    base = tmp_path_factory.mktemp("hconf")
    cfg = base / "heliosd.toml"
    cfg.write_text(f"""
engine = "memory"
max_message_size = {HCONF_MAX_MESSAGE}
shutdown_timeout = 5

[settings]
application_name = "from-config"

[[hba]]
address = "127.0.0.1/32"
user = "trusty"
method = "trust"

[[hba]]
address = "all"
user = "banned"
method = "reject"

[[hba]]
address = "loopback"
database = "closed"
method = "reject"

[[hba]]
address = "all"
method = "scram-sha-256"
""")
    server = HeliosServer(str(base / "data"), extra_args=["--config", str(cfg)])
    server.start()
    import psycopg

    with psycopg.connect(server.dsn(), autocommit=True) as c:
        c.execute("create role trusty login")
        c.execute("create role banned login password 'banned'")
        c.execute("create role scrammy login password 'right'")
        c.execute("create database closed")
        # non-superusers need USAGE on a branch to connect to it
        c.execute("grant usage on branch main to trusty, banned, scrammy")
    yield server
    server.stop()
