"""Packaging files stay consistent with the CLI and the configuration loader."""
from __future__ import annotations

import configparser

from heliosd.config import ServerConfig
from heliosserver import REPO_ROOT


def test_example_config_loads():
    cfg = ServerConfig.load(str(REPO_ROOT / "deploy" / "heliosd.toml.example"))
    assert cfg.hba and cfg.hba[-1].method == "reject"
    assert cfg.settings["idle_in_transaction_session_timeout"] == "10min"


def test_systemd_unit_is_hardened():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str
    unit.read(REPO_ROOT / "deploy" / "heliosd.service")
    svc = unit["Service"]
    for key, value in (("NoNewPrivileges", "yes"), ("ProtectSystem", "strict"), ("PrivateTmp", "yes"),
                       ("ProtectHome", "yes"), ("KillSignal", "SIGTERM")):
        assert svc[key] == value, key
    assert "/var/lib/heliosd" in svc["ReadWritePaths"]
    assert "heliosd serve" in svc["ExecStart"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_dockerfile_runs_the_server_unprivileged():
    text = (REPO_ROOT / "Dockerfile").read_text()
    assert "USER heliosd" in text and "EXPOSE 5433" in text
    assert '"heliosd", "serve"' in text and "--host" in text


def test_ci_entry_point_runs_make_test():
    assert "make test" in (REPO_ROOT / ".ci" / "run").read_text()
    mk = (REPO_ROOT / "Makefile").read_text()
    for target in ("serve:", "test:", "system-deps:", "node-deps:", "bench-protocol:"):
        assert target in mk
