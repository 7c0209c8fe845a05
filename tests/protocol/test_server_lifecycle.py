"""The server as a program: CLI, configuration, first start, TLS, graceful shutdown."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from heliosserver import REPO_ROOT, HeliosServer
from pgmsg import RawConn, query, ssl_request, startup

PSQL = shutil.which("psql")


def heliosd_cmd(*args, env=None, timeout=20):
    e = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    e.pop("HELIOS_PASSWORD", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "heliosd", *args], cwd=str(REPO_ROOT), env=e,
                          capture_output=True, text=True, timeout=timeout)


def test_version_and_help():
    r = heliosd_cmd("--version")
    assert r.returncode == 0 and r.stdout.startswith("heliosd ") and "PostgreSQL 15" in r.stdout
    r = heliosd_cmd("--help")
    assert r.returncode == 0 and "serve" in r.stdout
    r = heliosd_cmd("serve", "--help")
    assert r.returncode == 0
    for flag in ("--data", "--host", "--port", "--config", "--tls-cert", "--tls-key", "--trust-loopback"):
        assert flag in r.stdout
    r = heliosd_cmd()
    assert r.returncode == 2


def test_refuses_to_start_without_password(tmp_path):
    r = heliosd_cmd("serve", "--data", str(tmp_path / "d"), "--port", "1")
    assert r.returncode == 1 and "HELIOS_PASSWORD" in r.stderr


@pytest.mark.parametrize("content,message", [
    ("port = 'not a number'", "invalid value"),
    ("no_such_option = 1", "unrecognized configuration parameter"),
    ("[[hba]]\naddress = '10.0.0.0/8'\nmethod = 'kerberos'", "invalid authentication method"),
    ("[[hba]]\naddress = 'not-an-address'\nmethod = 'trust'", "invalid address"),
    ("this is = = not toml", "syntax error"),
])
def test_bad_config_files(tmp_path, content, message):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    r = heliosd_cmd("serve", "--config", str(cfg), env={"HELIOS_PASSWORD": "x"})
    assert r.returncode == 1 and message in r.stderr, r.stderr


def test_port_in_use_is_reported(tmp_path):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    port = s.getsockname()[1]
    try:
        r = heliosd_cmd("serve", "--data", str(tmp_path / "d"), "--port", str(port), "--engine", "memory",
                        env={"HELIOS_PASSWORD": "x"})
        assert r.returncode == 1 and "address already in use" in (r.stderr + r.stdout)
    finally:
        s.close()


def test_fresh_data_dir_is_initialized(heliosd):
    with psycopg.connect(heliosd.dsn()) as c:
        dbs = {r[0] for r in c.execute("select datname from pg_database")}
        assert {"postgres", "template0", "template1"} <= dbs
        assert c.execute("select rolsuper from pg_roles where rolname = current_user").fetchone() == (True,)
        assert c.execute("select version()").fetchone()[0].startswith("PostgreSQL 15.")
        assert c.execute("show server_version").fetchone()[0].startswith("15.")


# ------------------------------------------------------------------ TLS


def _make_cert(directory: Path):
    key, cert = directory / "server.key", directory / "server.crt"
    if shutil.which("openssl"):
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                        "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                       check=True, capture_output=True)
    else:  # pragma: no cover - the cryptography package as a fallback
        pytest.importorskip("cryptography")
        import datetime
        import ipaddress

        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.x509.oid import NameOID

        k = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = datetime.datetime.now(datetime.timezone.utc)
        c = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(k.public_key())
             .serial_number(x509.random_serial_number()).not_valid_before(now)
             .not_valid_after(now + datetime.timedelta(days=2))
             .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                            critical=False)
             .sign(k, hashes.SHA256()))
        key.write_bytes(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()))
        cert.write_bytes(c.public_bytes(serialization.Encoding.PEM))
    key.chmod(0o600)
    return cert, key


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("tls")
    cert, key = _make_cert(base)
    server = HeliosServer(str(base / "data"), extra_args=["--engine", "memory", "--tls-cert", str(cert),
                                                          "--tls-key", str(key)])
    server.cert = cert
    server.start()
    yield server
    server.stop()


def test_tls_with_psycopg(tls_server):
    with psycopg.connect(tls_server.dsn() + " sslmode=require") as c:
        assert c.pgconn.ssl_in_use
        assert c.execute("select 1").fetchone() == (1,)
        assert c.execute("show ssl").fetchone() == ("on",)
    with psycopg.connect(tls_server.dsn() + f" sslmode=verify-full sslrootcert={tls_server.cert}") as c:
        assert c.pgconn.ssl_in_use
    # plain connections still work when TLS is available
    with psycopg.connect(tls_server.dsn() + " sslmode=disable") as c:
        assert not c.pgconn.ssl_in_use


@pytest.mark.skipif(PSQL is None, reason="psql not installed")
def test_tls_with_psql(tls_server):
    env = dict(os.environ, PGPASSWORD=tls_server.password)
    r = subprocess.run([PSQL, "-X", "-At", f"host={tls_server.host} port={tls_server.port} user={tls_server.user} "
                        "dbname=postgres sslmode=require", "-c", "select 40 + 2", "-c", "\\conninfo"],
                       env=env, capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "42"
    assert "SSL connection" in r.stdout


def test_ssl_request_refused_without_tls(heliosd):
    with pytest.raises(psycopg.OperationalError, match="does not support SSL"):
        psycopg.connect(heliosd.dsn() + " sslmode=require")


def test_unencrypted_data_after_ssl_request(tls_server):
    s = socket.create_connection((tls_server.host, tls_server.port), timeout=5)
    s.sendall(ssl_request() + startup({"user": "x"}))
    assert s.recv(1) == b"S"
    assert s.recv(100).startswith(b"E")  # the FATAL, then EOF
    s.close()


# ------------------------------------------------------------------ shutdown


def test_sigterm_graceful_shutdown(tmp_path):
    """SIGTERM: idle sessions are told and closed, a statement in flight finishes
    and its commit is acknowledged and durable; open transactions roll back."""
    server = HeliosServer(str(tmp_path / "data"), extra_args=["--shutdown-timeout", "20"])
    server.start()
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as c:
            c.execute("create table sd (i int)")
        idle = psycopg.connect(server.dsn(), autocommit=True)
        open_txn = psycopg.connect(server.dsn())
        open_txn.execute("insert into sd values (-1)")
        busy = psycopg.connect(server.dsn(), autocommit=True)
        result = {}

        def work():
            try:
                busy.execute("insert into sd select g from generate_series(1, 200000) g")
                result["ok"] = busy.pgconn.ssl_in_use is not None
            except Exception as e:  # pragma: no cover - reported below
                result["error"] = e

        t = threading.Thread(target=work)
        t.start()
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        t.join(60)
        assert result.get("ok"), result
        server.proc.wait(30)
        assert server.proc.returncode == 0
        log = server.stderr_text()
        assert "shutting down" in log and "database system is shut down" in log
        with pytest.raises(psycopg.OperationalError):
            idle.execute("select 1")
        for c in (idle, open_txn, busy):
            c.close()
    finally:
        server.stop()
    server2 = HeliosServer(str(tmp_path / "data"), port=server.port)
    server2.start()
    try:
        with psycopg.connect(server2.dsn()) as c:
            assert c.execute("select count(*), min(i) from sd").fetchone() == (200000, 1)
    finally:
        server2.stop()


def test_new_connections_refused_while_stopping(tmp_path):
    server = HeliosServer(str(tmp_path / "data"), extra_args=["--engine", "memory", "--shutdown-timeout", "3"])
    server.start()
    try:
        busy = RawConn(server.host, server.port)
        busy.login(server.user, "postgres", server.password)
        busy.send(query("select count(*) from generate_series(1, 100000000)"))
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(0.3)
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.dsn(), connect_timeout=3)
        # the long statement is canceled after shutdown_timeout, the session told why
        msgs = busy.recv_until(lambda m: m[0] == "EOF", timeout=30)
        from pgmsg import error_fields

        codes = [error_fields(p)["C"] for t, p in msgs if t == "E"]
        assert codes and codes[0] in ("57014", "57P01")
        server.proc.wait(30)
        assert server.proc.returncode == 0
    finally:
        server.stop()


def test_statement_logging(tmp_path):
    server = HeliosServer(str(tmp_path / "data"), extra_args=["--engine", "memory", "--log-level", "debug"])
    server.start()
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as c:
            c.execute("set log_min_duration_statement = 0")
            c.execute("select 'logged-duration-1'")
            c.execute("set log_min_duration_statement = -1; set log_statement = 'all'")
            c.execute("select 'logged-statement-2'")
            c.execute("select %s::text", ("logged-extended-3",))
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.dsn().replace(f"password={server.password}", "password=wrong"))
    finally:
        server.stop()
    log = server.stderr_text()
    assert "duration:" in log and "logged-duration-1" in log
    assert "statement: select 'logged-statement-2'" in log
    assert "password authentication failed" in log
    assert "connection authorized" in log and "disconnection" in log


def test_unix_socket_and_metrics(tmp_path):
    import urllib.request

    from pgserver import free_port

    sock_dir = tmp_path / "sock"
    sock_dir.mkdir()
    mport = free_port()
    server = HeliosServer(str(tmp_path / "data"), extra_args=["--engine", "memory", "--unix-socket-dir",
                                                              str(sock_dir), "--metrics-port", str(mport)])
    server.start()
    try:
        # unix socket: hba address 'local' (scram by default here)
        with psycopg.connect(f"host={sock_dir} port={server.port} user={server.user} password={server.password} "
                             "dbname=postgres") as c:
            assert c.execute("select inet_client_addr() is null, 1").fetchone()[1] == 1
            assert c.pgconn.host.decode() == str(sock_dir)
        if PSQL:
            env = dict(os.environ, PGPASSWORD=server.password)
            r = subprocess.run([PSQL, "-X", "-At", "-h", str(sock_dir), "-p", str(server.port), "-U", server.user,
                                "-d", "postgres", "-c", "select 'via unix'"], env=env, capture_output=True,
                               text=True, timeout=30)
            assert r.stdout.strip() == "via unix", r.stderr
        with psycopg.connect(server.dsn()) as c:
            c.execute("select 1")
            body = urllib.request.urlopen(f"http://127.0.0.1:{mport}/metrics", timeout=5).read().decode()
        assert "heliosd_up 1.0" in body and "heliosd_connections" in body
        assert 'heliosd_sessions{state="idle"}' in body and "heliosd_xact_commit_total" in body
        assert urllib.request.urlopen(f"http://127.0.0.1:{mport}/health", timeout=5).read() == b"ok\n"
    finally:
        server.stop()
    assert not (sock_dir / f".s.PGSQL.{server.port}").exists()
