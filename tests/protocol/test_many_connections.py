"""1,000 concurrent idle connections: held, the server still answers, RSS per connection reported."""
from __future__ import annotations

import asyncio
import resource
import time

import psycopg

from heliosserver import HeliosServer
from pgmsg import parse_backend, query, startup

N = 1000


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def _open(host, port, user):
    r, w = await asyncio.open_connection(host, port)
    w.write(startup({"user": user, "database": "postgres"}))
    buf = b""
    while True:
        chunk = await r.read(65536)
        if not chunk:
            raise RuntimeError("closed during startup")
        buf += chunk
        msgs, _ = parse_backend(buf)
        if any(t == "E" for t, _ in msgs):
            raise RuntimeError(msgs)
        if any(t == "Z" for t, _ in msgs):
            return r, w


async def _query(r, w, sql):
    w.write(query(sql))
    buf = b""
    while True:
        buf += await r.read(65536)
        msgs, _ = parse_backend(buf)
        if any(t == "Z" for t, _ in msgs):
            return msgs


def test_thousand_idle_connections(tmp_path, capsys):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < N + 200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, N + 1000), hard))
    server = HeliosServer(str(tmp_path / "data"), extra_args=["--engine", "memory", "--trust-loopback"])
    server.start()
    try:
        pid = server.proc.pid
        with psycopg.connect(server.dsn()) as c:  # warm up code paths before measuring
            c.execute("select 1")
        time.sleep(0.2)
        before = rss_kb(pid)

        async def main():
            conns = []
            t0 = time.monotonic()
            for i in range(0, N, 100):
                conns += await asyncio.gather(*[_open(server.host, server.port, server.user) for _ in range(100)])
            opened = time.monotonic() - t0
            assert len(conns) == N
            # every connection is alive: a few answer a query; a new client is served
            for r, w in conns[:: N // 10]:
                msgs = await _query(r, w, "select 1")
                assert [t for t, _ in msgs] == ["T", "D", "C", "Z"]
            t1 = time.monotonic()
            with psycopg.connect(server.dsn()) as c:
                assert c.execute("select count(*) from pg_stat_activity").fetchone()[0] >= N
            fresh = time.monotonic() - t1
            after = rss_kb(pid)
            for _, w in conns:
                w.write(b"X\x00\x00\x00\x04")
                w.close()
            return opened, fresh, after

        opened, fresh, after = asyncio.run(main())
        per_conn = (after - before) / N
        with capsys.disabled():
            print(f"\n[1000 connections] opened in {opened:.2f}s; new connection + query while held: "
                  f"{fresh * 1000:.0f} ms; RSS {before} kB -> {after} kB = {per_conn:.1f} kB per idle connection")
        assert per_conn < 400, per_conn
        assert fresh < 5
        # the server survives the mass disconnect
        time.sleep(0.5)
        with psycopg.connect(server.dsn()) as c:
            assert c.execute("select 1").fetchone() == (1,)
    finally:
        server.stop()
