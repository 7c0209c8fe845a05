"""Server configuration and the settings (GUCs) a session can SHOW and SET.

Leaf module.  Two things live here:

- :class:`ServerConfig`: what ``heliosd serve`` was started with (command line
  flags, optionally a TOML file): data directory, listen address, TLS files,
  host-based authentication rules, limits.
- :data:`GUCS`: the run-time settings PostgreSQL clients expect, with their
  defaults, the values SHOW prints, which are reported to the client in
  ParameterStatus, and how values are validated.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

from . import errcodes
from .errors import PgError

VERSION = "0.1.0"
PG_VERSION = "15.18"
PG_VERSION_NUM = "150018"
VERSION_STRING = (
    f"PostgreSQL {PG_VERSION} (heliosd {VERSION}) on x86_64-pc-linux-gnu, "
    "compiled by CPython, 64-bit"
)


@dataclass
class HbaRule:
    """host-based rule: first match wins; method 'scram-sha-256' | 'trust' | 'reject'."""

    address: str = "all"  # 'all', 'local', 'loopback', or a CIDR
    user: str = "all"
    database: str = "all"
    method: str = "scram-sha-256"

    def matches(self, peer_ip: str | None, user: str, database: str) -> bool:
        import ipaddress

        if self.user not in ("all", user) and user not in self.user.split(","):
            return False
        if self.database not in ("all", database) and database not in self.database.split(","):
            return False
        a = self.address
        if a == "all":
            return True
        if peer_ip is None:  # unix socket
            return a in ("local",)
        try:
            ip = ipaddress.ip_address(peer_ip)
        except ValueError:
            return False
        if a in ("loopback", "localhost"):
            return ip.is_loopback
        if a == "local":
            return False
        try:
            return ip in ipaddress.ip_network(a, strict=False)
        except ValueError:
            return False


@dataclass
class ServerConfig:
    data_dir: str = "./heliosdata"
    host: str = "127.0.0.1"
    port: int = 5433
    engine: str = "lmdb"
    tls_cert: str | None = None
    tls_key: str | None = None
    hba: list[HbaRule] = field(default_factory=list)
    trust_loopback: bool = False
    max_connections: int = 10000
    max_message_size: int = 1 << 30
    metrics_port: int | None = None
    retention_seconds: float = 3600.0
    superuser: str = "helios"
    password: str | None = None
    log_level: str = "info"
    settings: dict = field(default_factory=dict)  # GUC defaults override

    @classmethod
    def load(cls, path: str | None, **overrides) -> "ServerConfig":
        cfg = cls()
        if path:
            with open(path, "rb") as f:
                data = tomllib.load(f)
            for k, v in data.items():
                if k == "hba":
                    cfg.hba = [HbaRule(**r) for r in v]
                elif k == "settings":
                    cfg.settings = dict(v)
                elif hasattr(cfg, k):
                    setattr(cfg, k, v)
                else:
                    raise PgError(f'unrecognized configuration parameter "{k}" in {path}',
                                  errcodes.CONFIG_FILE_ERROR)
        for k, v in overrides.items():
            if v is not None:
                setattr(cfg, k, v)
        cfg.superuser = os.environ.get("HELIOS_SUPERUSER", cfg.superuser) or "helios"
        if cfg.password is None:
            cfg.password = os.environ.get("HELIOS_PASSWORD") or None
        if not cfg.hba:
            if cfg.trust_loopback:
                cfg.hba.append(HbaRule("loopback", "all", "all", "trust"))
                cfg.hba.append(HbaRule("local", "all", "all", "trust"))
            cfg.hba.append(HbaRule("all", "all", "all", "scram-sha-256"))
        return cfg


# --------------------------------------------------------------------- GUCs


@dataclass
class Guc:
    name: str
    default: str
    report: bool = False  # sent in ParameterStatus
    kind: str = "string"  # string | bool | int | enum | real
    choices: tuple = ()
    unit: str | None = None
    context: str = "user"  # user | superuser | internal (read-only) | backend
    short_desc: str = ""
    category: str = "Client Connection Defaults"
    min: float | None = None
    max: float | None = None

    def normalize(self, value: str) -> str:
        v = value
        if self.kind == "bool":
            lv = v.strip().lower()
            if lv in ("on", "true", "yes", "1", "t", "y"):
                return "on"
            if lv in ("off", "false", "no", "0", "f", "n"):
                return "off"
            raise PgError(f'parameter "{self.name}" requires a Boolean value', errcodes.INVALID_PARAMETER_VALUE)
        if self.kind == "int":
            s = v.strip()
            try:
                n = int(s)
            except ValueError:
                n = _parse_unit(self, s)
            if (self.min is not None and n < self.min) or (self.max is not None and n > self.max):
                raise PgError(
                    f'{n} is outside the valid range for parameter "{self.name}" ({int(self.min)} .. {int(self.max)})',
                    errcodes.INVALID_PARAMETER_VALUE)
            return str(n)
        if self.kind == "real":
            try:
                return repr(float(v))
            except ValueError:
                raise PgError(f'parameter "{self.name}" requires a numeric value',
                              errcodes.INVALID_PARAMETER_VALUE) from None
        if self.kind == "enum":
            lv = v.strip().lower()
            for c in self.choices:
                if c.lower() == lv:
                    return c
            raise PgError(f'invalid value for parameter "{self.name}": "{v}"', errcodes.INVALID_PARAMETER_VALUE,
                          hint="Available values: " + ", ".join(self.choices) + ".")
        return v


_UNITS_MS = {"us": 0.001, "ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}
_UNITS_KB = {"B": 1 / 1024, "kB": 1, "MB": 1024, "GB": 1024 * 1024, "TB": 1024 * 1024 * 1024}


def _parse_unit(g: Guc, s: str) -> int:
    import re

    m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*", s)
    if not m:
        raise PgError(f'invalid value for parameter "{g.name}": "{s}"', errcodes.INVALID_PARAMETER_VALUE)
    num, unit = float(m.group(1)), m.group(2)
    if g.unit == "ms" and unit in _UNITS_MS:
        return int(num * _UNITS_MS[unit])
    if g.unit == "s" and unit in _UNITS_MS:
        return int(num * _UNITS_MS[unit] / 1000)
    if g.unit == "kB" and unit in _UNITS_KB:
        return int(num * _UNITS_KB[unit])
    raise PgError(f'invalid value for parameter "{g.name}": "{s}"', errcodes.INVALID_PARAMETER_VALUE,
                  hint='Valid units for this parameter are "us", "ms", "s", "min", "h", and "d".'
                  if g.unit in ("ms", "s") else None)


def _g(*a, **k) -> Guc:
    return Guc(*a, **k)


GUCS: dict[str, Guc] = {g.name: g for g in [
    _g("server_version", PG_VERSION, report=True, context="internal", category="Preset Options"),
    _g("server_version_num", PG_VERSION_NUM, context="internal", category="Preset Options"),
    _g("server_encoding", "UTF8", report=True, context="internal", category="Preset Options"),
    _g("client_encoding", "UTF8", report=True, kind="enum", choices=("UTF8", "SQL_ASCII", "UNICODE")),
    _g("DateStyle", "ISO, MDY", report=True),
    _g("IntervalStyle", "postgres", report=True, kind="enum",
       choices=("postgres", "postgres_verbose", "sql_standard", "iso_8601")),
    _g("TimeZone", "UTC", report=True),
    _g("integer_datetimes", "on", report=True, kind="bool", context="internal", category="Preset Options"),
    _g("standard_conforming_strings", "on", report=True, kind="bool"),
    _g("application_name", "", report=True),
    _g("is_superuser", "off", report=True, kind="bool", context="internal", category="Preset Options"),
    _g("session_authorization", "", report=True, context="internal"),
    _g("default_transaction_read_only", "off", report=True, kind="bool"),
    _g("in_hot_standby", "off", report=True, kind="bool", context="internal", category="Preset Options"),
    _g("default_transaction_isolation", "read committed", kind="enum",
       choices=("serializable", "repeatable read", "read committed", "read uncommitted")),
    _g("transaction_isolation", "read committed", kind="enum",
       choices=("serializable", "repeatable read", "read committed", "read uncommitted")),
    _g("transaction_read_only", "off", kind="bool"),
    _g("default_transaction_deferrable", "off", kind="bool"),
    _g("transaction_deferrable", "off", kind="bool"),
    _g("search_path", '"$user", public'),
    _g("statement_timeout", "0", kind="int", unit="ms", min=0, max=2147483647),
    _g("lock_timeout", "0", kind="int", unit="ms", min=0, max=2147483647),
    _g("idle_in_transaction_session_timeout", "0", kind="int", unit="ms", min=0, max=2147483647),
    _g("idle_session_timeout", "0", kind="int", unit="ms", min=0, max=2147483647),
    _g("deadlock_timeout", "1000", kind="int", unit="ms", min=1, max=2147483647),
    _g("synchronous_commit", "on", kind="enum", choices=("local", "remote_write", "remote_apply", "on", "off")),
    _g("extra_float_digits", "1", kind="int", min=-15, max=3),
    _g("bytea_output", "hex", kind="enum", choices=("escape", "hex")),
    _g("client_min_messages", "notice", kind="enum",
       choices=("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error")),
    _g("lc_messages", "C.UTF-8"),
    _g("lc_monetary", "C.UTF-8"),
    _g("lc_numeric", "C.UTF-8"),
    _g("lc_time", "C.UTF-8"),
    _g("lc_collate", "C.UTF-8", context="internal"),
    _g("lc_ctype", "C.UTF-8", context="internal"),
    _g("max_identifier_length", "63", kind="int", context="internal"),
    _g("max_connections", "10000", kind="int", context="internal"),
    _g("block_size", "8192", kind="int", context="internal"),
    _g("work_mem", "4096", kind="int", unit="kB", min=64, max=2147483647),
    _g("maintenance_work_mem", "65536", kind="int", unit="kB", min=1024, max=2147483647),
    _g("enable_seqscan", "on", kind="bool"),
    _g("enable_indexscan", "on", kind="bool"),
    _g("enable_hashjoin", "on", kind="bool"),
    _g("enable_nestloop", "on", kind="bool"),
    _g("enable_mergejoin", "on", kind="bool"),
    _g("jit", "off", kind="bool"),
    _g("row_security", "on", kind="bool"),
    _g("check_function_bodies", "on", kind="bool"),
    _g("default_tablespace", ""),
    _g("temp_tablespaces", ""),
    _g("default_with_oids", "off", kind="bool"),
    _g("escape_string_warning", "on", kind="bool"),
    _g("xmloption", "content", kind="enum", choices=("content", "document")),
    _g("password_encryption", "scram-sha-256", kind="enum", choices=("md5", "scram-sha-256")),
    _g("timezone_abbreviations", "Default"),
    _g("log_statement", "none", kind="enum", choices=("none", "ddl", "mod", "all")),
    _g("log_min_duration_statement", "-1", kind="int", unit="ms", min=-1, max=2147483647),
    _g("session_replication_role", "origin", kind="enum", choices=("origin", "replica", "local")),
    _g("array_nulls", "on", kind="bool"),
    _g("backslash_quote", "safe_encoding", kind="enum", choices=("safe_encoding", "on", "off")),
    _g("quote_all_identifiers", "off", kind="bool"),
    _g("server_encoding_num", "6", context="internal"),
    _g("data_directory_mode", "0700", context="internal"),
    _g("wal_level", "replica", context="internal"),
    _g("max_wal_senders", "10", kind="int", context="internal"),
    _g("ssl", "off", kind="bool", context="internal"),
    _g("port", "5433", kind="int", context="internal"),
    _g("listen_addresses", "127.0.0.1", context="internal"),
    _g("shared_buffers", "16384", kind="int", unit="kB", context="internal"),
    _g("effective_cache_size", "524288", kind="int", unit="kB"),
    _g("random_page_cost", "4.0", kind="real"),
    _g("seq_page_cost", "1.0", kind="real"),
    _g("cpu_tuple_cost", "0.01", kind="real"),
    _g("geqo", "on", kind="bool"),
    _g("constraint_exclusion", "partition", kind="enum", choices=("partition", "on", "off")),
    _g("cursor_tuple_fraction", "0.1", kind="real"),
    _g("vacuum_freeze_min_age", "50000000", kind="int"),
    _g("track_activities", "on", kind="bool"),
    _g("track_counts", "on", kind="bool"),
    _g("helios.branch", "main", category="heliosd"),
    _g("helios.as_of", "", category="heliosd"),
    _g("helios.retention", "3600", kind="int", unit="s", min=0, max=2147483647, context="internal",
       category="heliosd"),
]}

GUC_LOWER = {k.lower(): g for k, g in GUCS.items()}


def find_guc(name: str) -> Guc | None:
    return GUC_LOWER.get(name.lower())
