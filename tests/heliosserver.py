"""Start the real heliosd server as a subprocess (used by tests/conftest.py and tools/).

    server = HeliosServer(datadir).start()   # python -m heliosd serve --data ... --host ... --port ...
    ...
    server.stop()                            # SIGTERM, then SIGKILL after a grace period

The superuser is HELIOS_SUPERUSER=helios / HELIOS_PASSWORD=helios. start() waits
until a TCP connect plus ``SELECT 1`` through psycopg succeeds (default 30 s,
HELIOS_START_TIMEOUT) and raises RuntimeError with the server's output otherwise.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from pgserver import free_port

TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent

HELIOS_USER = "helios"
HELIOS_PASSWORD = "helios"
HELIOS_START_TIMEOUT = float(os.environ.get("HELIOS_START_TIMEOUT", "30"))


def heliosd_runnable() -> bool:
    """True once ``python -m heliosd`` can work (the package has a __main__)."""
    if (REPO_ROOT / "heliosd" / "__main__.py").exists():
        return True
    try:
        return importlib.util.find_spec("heliosd.__main__") is not None
    except Exception:  # heliosd itself fails to import: nothing to run
        return False


class HeliosServer:
    """A running heliosd subprocess."""

    def __init__(self, datadir: str, host: str = "127.0.0.1", port: int | None = None,
                 user: str = HELIOS_USER, password: str = HELIOS_PASSWORD,
                 extra_args: list[str] | None = None, env: dict | None = None) -> None:
        self.datadir = datadir
        self.host = host
        self.port = port or free_port(host)
        self.user = user
        self.password = password
        self.extra_args = extra_args or []
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.stderr_path = Path(datadir).with_name(Path(datadir).name + ".stderr.log")
        self._stderr = None

    def dsn(self, dbname: str = "postgres") -> str:
        return (f"host={self.host} port={self.port} user={self.user} "
                f"password={self.password} dbname={dbname}")

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{dbname}"

    def stderr_text(self, limit: int = 20000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-limit:]
        except OSError:
            return ""

    def start(self, timeout: float = HELIOS_START_TIMEOUT) -> "HeliosServer":
        import psycopg

        cmd = [sys.executable, "-m", "heliosd", "serve", "--data", self.datadir,
               "--host", self.host, "--port", str(self.port), *self.extra_args]
        env = dict(os.environ, HELIOS_SUPERUSER=self.user, HELIOS_PASSWORD=self.password)
        env.update(self.extra_env)
        pp = env.get("PYTHONPATH")
        env["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + pp if pp else "")
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(cmd, cwd=str(REPO_ROOT), env=env,
                                     stdin=subprocess.DEVNULL, stdout=self._stderr,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        last_err: Exception | str = "never tried"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"heliosd exited with code {self.proc.returncode} during startup:\n"
                    f"{self.stderr_text()}")
            try:
                with socket.create_connection((self.host, self.port), timeout=1):
                    pass
                with psycopg.connect(self.dsn(), connect_timeout=5, autocommit=True) as c:
                    if c.execute("SELECT 1").fetchone() == (1,):
                        return self
            except Exception as e:  # not up yet
                last_err = e
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(
            f"heliosd did not answer SELECT 1 within {timeout}s (last error: {last_err}):\n"
            f"{self.stderr_text()}")

    def stop(self, timeout: float = 15) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
