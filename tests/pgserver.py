"""A throwaway PostgreSQL 15 for tests, golden regeneration and benchmarks.

    with PgServer() as pg:            # or: pg = PgServer(); ...; pg.stop()
        conninfo = pg.dsn("postgres")

What it does:

1. ``initdb -A trust -U postgres -E UTF8 --locale=C.UTF-8`` into a fresh
   temporary directory (``HELIOS_PG_TMPDIR`` or the system temp dir).
2. Picks a free TCP port on 127.0.0.1 and a private unix socket directory
   inside the temp dir, appends fast, deterministic settings to
   ``postgresql.conf`` (fsync off, TimeZone UTC, ...), and starts the server
   with ``pg_ctl -w``.
3. ``stop()`` (also run at interpreter exit) stops it with ``pg_ctl -m
   immediate`` and removes the whole temp dir.

PostgreSQL refuses to run as root: when the effective uid is 0, every
PostgreSQL binary is run through ``runuser -u postgres --`` and the temp dir is
chowned to that user. As a normal user the binaries are run directly.

The binaries are looked up in ``HELIOS_PG_BINDIR``, then
``/usr/lib/postgresql/15/bin``, then ``pg_config --bindir``.

Run ``python tests/pgserver.py`` to start one by hand; it prints the DSN and
waits for Ctrl-C.
"""
from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT_BINDIR = "/usr/lib/postgresql/15/bin"
PG_OS_USER = os.environ.get("HELIOS_PG_OS_USER", "postgres")

# Fast and deterministic: a test cluster never needs to survive a crash.
FAST_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "100",
    "shared_buffers": "64MB",
    "autovacuum": "off",
    "jit": "off",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "datestyle": "'iso, mdy'",
    "intervalstyle": "'postgres'",
    "lc_messages": "'C.UTF-8'",
    "listen_addresses": "'127.0.0.1'",
    "logging_collector": "off",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
    "deadlock_timeout": "1s",
}


def find_bindir() -> Path:
    env = os.environ.get("HELIOS_PG_BINDIR")
    if env:
        return Path(env)
    if Path(DEFAULT_BINDIR, "postgres").exists():
        return Path(DEFAULT_BINDIR)
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and Path(out.stdout.strip(), "postgres").exists():
            return Path(out.stdout.strip())
    raise RuntimeError(
        "PostgreSQL 15 binaries not found: set HELIOS_PG_BINDIR or install postgresql-15"
    )


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (racy by nature; callers retry)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


class PgServer:
    """One throwaway PostgreSQL cluster. Attributes: host, port, user, socket_dir."""

    def __init__(self, *, settings: dict[str, str] | None = None, start: bool = True,
                 bindir: str | Path | None = None) -> None:
        self.bindir = Path(bindir) if bindir else find_bindir()
        self.host = "127.0.0.1"
        self.port: int = 0
        self.user = "postgres"
        self.password = ""
        self.settings = dict(FAST_SETTINGS)
        if settings:
            self.settings.update(settings)
        self.as_root = os.geteuid() == 0
        self.tmpdir: Path | None = None
        self.datadir: Path | None = None
        self.socket_dir: Path | None = None
        self.logfile: Path | None = None
        self._running = False
        if start:
            self.start()

    # -- helpers -------------------------------------------------------------

    def _cmd(self, prog: str, *args: str) -> list[str]:
        cmd = [str(self.bindir / prog), *args]
        if self.as_root:
            cmd = ["runuser", "-u", PG_OS_USER, "--", *cmd]
        return cmd

    def _run(self, prog: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
        env.pop("PGDATA", None)
        proc = subprocess.run(self._cmd(prog, *args), capture_output=True, text=True,
                              env=env, cwd=str(self.tmpdir or "/"))
        if check and proc.returncode != 0:
            log = ""
            if self.logfile and self.logfile.exists():
                log = self.logfile.read_text(errors="replace")[-4000:]
            raise RuntimeError(
                f"{prog} {' '.join(args)} failed ({proc.returncode}):\n"
                f"{proc.stdout}\n{proc.stderr}\n{log}"
            )
        return proc

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> "PgServer":
        if self._running:
            return self
        base = os.environ.get("HELIOS_PG_TMPDIR") or None
        self.tmpdir = Path(tempfile.mkdtemp(prefix="helios-pg15-", dir=base))
        self.datadir = self.tmpdir / "data"
        self.socket_dir = self.tmpdir / "sock"
        self.logfile = self.tmpdir / "postgres.log"
        self.socket_dir.mkdir()
        if self.as_root:
            shutil.chown(self.tmpdir, PG_OS_USER)
            shutil.chown(self.socket_dir, PG_OS_USER)
            os.chmod(self.tmpdir, 0o755)
        atexit.register(self.stop)
        self._run("initdb", "-A", "trust", "-U", self.user, "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync", "-D", str(self.datadir))
        last_err: Exception | None = None
        for _attempt in range(5):
            self.port = free_port(self.host)
            self._write_conf()
            try:
                self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile),
                          "-w", "-t", "60", "start")
            except RuntimeError as e:  # port grabbed by someone else meanwhile: retry
                last_err = e
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop",
                          check=False)
                continue
            self._running = True
            return self
        self.stop()
        raise RuntimeError(f"could not start PostgreSQL: {last_err}")

    def _write_conf(self) -> None:
        assert self.datadir and self.socket_dir
        conf = dict(self.settings)
        conf["port"] = str(self.port)
        conf["unix_socket_directories"] = f"'{self.socket_dir}'"
        text = "\n# heliosd tests/pgserver.py\n" + "".join(
            f"{k} = {v}\n" for k, v in conf.items())
        # postgresql.auto.conf is read last, so rewriting it on a retry wins.
        auto = self.datadir / "postgresql.auto.conf"
        auto.write_text("# written by tests/pgserver.py\n" + text)
        if self.as_root:
            shutil.chown(auto, PG_OS_USER)

    def stop(self) -> None:
        if self.tmpdir is None:
            return
        if self._running and self.datadir is not None:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop",
                      check=False)
            self._running = False
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        self.tmpdir = None
        try:
            atexit.unregister(self.stop)
        except Exception:  # pragma: no cover
            pass

    def __enter__(self) -> "PgServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- connecting --------------------------------------------------------------

    def dsn(self, dbname: str = "postgres") -> str:
        return f"host={self.host} port={self.port} user={self.user} dbname={dbname}"

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{dbname}"

    def psql(self, *args: str, dbname: str = "postgres") -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bindir / "psql"), "-X", "-h", self.host, "-p", str(self.port),
             "-U", self.user, "-d", dbname, *args],
            capture_output=True, text=True)

    def __repr__(self) -> str:
        return f"<PgServer {self.host}:{self.port} running={self._running}>"


if __name__ == "__main__":
    with PgServer() as pg:
        print(pg.dsn(), flush=True)
        print(f"psql -h {pg.host} -p {pg.port} -U {pg.user} postgres", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    sys.exit(0)
