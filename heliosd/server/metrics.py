"""Prometheus metrics over HTTP (``heliosd serve --metrics-port P``).

A tiny HTTP/1.0 responder on the server's own event loop (no thread): every
``GET /metrics`` renders the current values in the Prometheus text format
with ``prometheus_client``; ``GET /health`` answers ``ok``.  Anything else is
404.  The endpoint reads counters the server and sessions keep anyway, so it
costs nothing between scrapes.
"""

from __future__ import annotations

import asyncio
import logging
import time

log = logging.getLogger("heliosd.metrics")


def _collector(server):
    from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

    class Collector:
        def collect(self):
            cl = server.cluster
            st = cl.stats
            yield GaugeMetricFamily("heliosd_up", "1 while the server runs", value=1)
            yield GaugeMetricFamily("heliosd_uptime_seconds", "seconds since start", value=time.time() - cl.start_time)
            yield GaugeMetricFamily("heliosd_connections", "open client sockets", value=len(server.connections))
            states = GaugeMetricFamily("heliosd_sessions", "sessions by state", labels=["state"])
            counts: dict = {}
            for s in list(cl.sessions.values()):
                counts[s.state] = counts.get(s.state, 0) + 1
            for state in ("active", "idle", "idle in transaction", "idle in transaction (aborted)"):
                counts.setdefault(state, 0)
            for state, n in sorted(counts.items()):
                states.add_metric([state], n)
            yield states
            yield CounterMetricFamily("heliosd_xact_commit", "committed transactions", value=st.get("xact_commit", 0))
            yield CounterMetricFamily("heliosd_xact_rollback", "rolled back transactions",
                                      value=st.get("xact_rollback", 0))
            yield CounterMetricFamily("heliosd_errors", "errors sent to clients", value=st.get("errors", 0))
            p = server.pipeline
            if p is not None:
                yield CounterMetricFamily("heliosd_commit_batches", "commit pipeline batches (group commits)",
                                          value=getattr(p, "batches", 0))
                yield CounterMetricFamily("heliosd_commits", "commits written by the pipeline",
                                          value=getattr(p, "commits", 0))
            store = cl.store
            yield GaugeMetricFamily("heliosd_commit_seq", "latest commit sequence number",
                                    value=getattr(store, "latest", 0))
            yield GaugeMetricFamily("heliosd_branches", "branches known to the store",
                                    value=len(getattr(store, "branches", {}) or {}))

    return Collector()


def render(server) -> bytes:
    from prometheus_client import CollectorRegistry, generate_latest

    reg = CollectorRegistry(auto_describe=False)
    reg.register(_collector(server))
    return generate_latest(reg)


async def _handle(server, reader, writer):
    try:
        line = await asyncio.wait_for(reader.readline(), 5)
        while True:  # drain the headers
            h = await asyncio.wait_for(reader.readline(), 5)
            if h in (b"\r\n", b"\n", b""):
                break
        parts = line.decode("latin-1").split()
        path = parts[1] if len(parts) >= 2 else ""
        if parts[:1] == ["GET"] and path.split("?")[0] == "/metrics":
            body, ctype, status = render(server), "text/plain; version=0.0.4; charset=utf-8", "200 OK"
        elif parts[:1] == ["GET"] and path == "/health":
            body, ctype, status = b"ok\n", "text/plain", "200 OK"
        else:
            body, ctype, status = b"not found\n", "text/plain", "404 Not Found"
        writer.write(f"HTTP/1.0 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                     f"Connection: close\r\n\r\n".encode() + body)
        await writer.drain()
    except (asyncio.TimeoutError, ConnectionError, UnicodeDecodeError):
        pass
    except Exception:  # never take the server down for a scrape
        log.exception("metrics request failed")
    finally:
        writer.close()


async def start_metrics(server, host, port):
    """Start serving; the asyncio server is closed with the others by Server.stop."""
    srv = await asyncio.start_server(lambda r, w: _handle(server, r, w), host, port)
    server._servers.append(srv)
    log.info("metrics on http://%s:%s/metrics", host, port)
    return srv
