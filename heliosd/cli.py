"""Command line: ``heliosd serve``, ``heliosd --version``, ``heliosd --help``.

Exit status: 0 after a clean shutdown, 1 when the server cannot start (bad
configuration, port in use, no password and no trust rule), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from .config import PG_VERSION, VERSION, ServerConfig


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        prog="heliosd",
        description="A PostgreSQL-compatible database server with copy-on-write branches.")
    ap.add_argument("--version", action="version", version=f"heliosd {VERSION} (PostgreSQL {PG_VERSION} compatible)")
    sub = ap.add_subparsers(dest="cmd")
    sp = sub.add_parser("serve", help="run the server")
    sp.add_argument("--data", default=None, help="data directory (default ./heliosdata)")
    sp.add_argument("--host", default=None, help="listen address (default 127.0.0.1)")
    sp.add_argument("--port", type=int, default=None, help="TCP port (default 5433)")
    sp.add_argument("--config", default=None, help="TOML configuration file")
    sp.add_argument("--tls-cert", default=None, help="PEM certificate for TLS")
    sp.add_argument("--tls-key", default=None, help="PEM private key for TLS")
    sp.add_argument("--engine", choices=("lmdb", "memory"), default=None,
                    help="storage engine (default lmdb; memory keeps nothing on disk)")
    sp.add_argument("--trust-loopback", action="store_true", default=None,
                    help="let loopback clients in without a password (needed when HELIOS_PASSWORD is unset)")
    sp.add_argument("--metrics-port", type=int, default=None, help="serve Prometheus /metrics on this port")
    sp.add_argument("--unix-socket-dir", default=None,
                    help="also listen on a unix socket DIR/.s.PGSQL.<port> (hba address 'local')")
    sp.add_argument("--retention", type=float, default=None,
                    help="seconds of history kept for AS OF reads (default 3600)")
    sp.add_argument("--max-connections", type=int, default=None, help="maximum client sessions (default 10000)")
    sp.add_argument("--shutdown-timeout", type=float, default=None,
                    help="seconds a graceful shutdown waits for running statements before canceling them (default 30)")
    sp.add_argument("--log-level", default=os.environ.get("HELIOS_LOG_LEVEL"),
                    choices=("debug", "info", "warning", "error"),
                    help="log verbosity (default info; debug logs every connection)")
    args = ap.parse_args(argv)
    if args.cmd != "serve":
        ap.print_help()
        return 2
    from .errors import PgError

    try:
        cfg = ServerConfig.load(args.config, data_dir=args.data, host=args.host, port=args.port,
                                tls_cert=args.tls_cert, tls_key=args.tls_key, engine=args.engine,
                                trust_loopback=args.trust_loopback, metrics_port=args.metrics_port,
                                unix_socket_dir=args.unix_socket_dir,
                                retention_seconds=args.retention, max_connections=args.max_connections,
                                shutdown_timeout=args.shutdown_timeout, log_level=args.log_level)
    except PgError as e:
        print(f"heliosd: {e.message}", file=sys.stderr)
        return 1
    logging.basicConfig(level=getattr(logging, str(cfg.log_level).upper(), logging.INFO),
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not cfg.password and not cfg.trust_loopback and not any(r.method == "trust" for r in cfg.hba):
        print("heliosd: refusing to start: set HELIOS_PASSWORD for the superuser, "
              "or pass --trust-loopback to let loopback clients in without a password", file=sys.stderr)
        return 1
    from .server.main import run

    prof_path = os.environ.get("HELIOS_PROFILE")
    try:
        if prof_path:  # developer aid: cProfile the whole server run
            import cProfile

            cProfile.runctx("run(cfg)", globals(), {"run": run, "cfg": cfg}, prof_path)
        else:
            run(cfg)
    except PgError as e:
        print(f"heliosd: {e.message}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"heliosd: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
