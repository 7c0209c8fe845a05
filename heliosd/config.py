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


HBA_METHODS = ("scram-sha-256", "trust", "reject")


@dataclass
class HbaRule:
    """One host-based authentication rule; the first rule that matches a
    connection decides its method: 'scram-sha-256' | 'trust' | 'reject'
    ('md5' and 'password' are accepted as synonyms of scram-sha-256, as
    PostgreSQL does for roles that have SCRAM verifiers).

    address: 'all', 'local' (unix socket), 'loopback'/'localhost', 'samehost'
    (not supported: use a CIDR), an IP address or a CIDR (10.0.0.0/8, ::1/128).
    user / database: 'all' or a comma-separated list of names.
    """

    address: str = "all"
    user: str = "all"
    database: str = "all"
    method: str = "scram-sha-256"

    def __post_init__(self):
        import ipaddress

        m = str(self.method).lower()
        if m in ("md5", "password", "scram"):
            m = "scram-sha-256"
        if m not in HBA_METHODS:
            raise PgError(f'invalid authentication method "{self.method}" in hba rule '
                          f'(use one of {", ".join(HBA_METHODS)})', errcodes.CONFIG_FILE_ERROR)
        self.method = m
        a = str(self.address).strip()
        if a not in ("all", "local", "loopback", "localhost"):
            try:
                ipaddress.ip_network(a, strict=False)
            except ValueError:
                raise PgError(f'invalid address "{a}" in hba rule', errcodes.CONFIG_FILE_ERROR) from None
        self.address = a

    def matches(self, peer_ip: str | None, user: str, database: str) -> bool:
        import ipaddress

        if self.user != "all" and user not in [u.strip() for u in self.user.split(",")]:
            return False
        if self.database != "all" and database not in [d.strip() for d in self.database.split(",")]:
            return False
        a = self.address
        if a == "all":
            return True
        if peer_ip is None:  # unix socket
            return a == "local"
        try:
            ip = ipaddress.ip_address(peer_ip)
        except ValueError:
            return False
        if a in ("loopback", "localhost"):
            return ip.is_loopback or (getattr(ip, "ipv4_mapped", None) is not None and ip.ipv4_mapped.is_loopback)
        if a == "local":
            return False
        net = ipaddress.ip_network(a, strict=False)
        if ip.version != net.version and getattr(ip, "ipv4_mapped", None) is not None:
            ip = ip.ipv4_mapped
        return ip in net


_CONFIG_ALIASES = {"data": "data_dir", "listen": "host", "listen_addresses": "host", "ssl_cert_file": "tls_cert",
                   "ssl_key_file": "tls_key", "ssl_ca_file": "tls_ca", "retention": "retention_seconds"}


@dataclass
class ServerConfig:
    """What ``heliosd serve`` runs with.  Sources, later wins: defaults, the
    TOML file (``--config``), environment (HELIOS_SUPERUSER, HELIOS_PASSWORD),
    command-line flags.  Example TOML::

        data_dir = "/var/lib/heliosd"
        host = "0.0.0.0"
        port = 5433
        max_connections = 2000
        [tls]
        cert = "/etc/heliosd/server.crt"
        key = "/etc/heliosd/server.key"
        [settings]               # GUC defaults for every session
        statement_timeout = "30s"
        [[hba]]                  # first match wins; no rule matching -> reject
        address = "127.0.0.1/32"
        method = "trust"
        [[hba]]
        address = "0.0.0.0/0"
        user = "all"
        database = "all"
        method = "scram-sha-256"
    """

    data_dir: str = "./heliosdata"
    host: str = "127.0.0.1"
    port: int = 5433
    engine: str = "lmdb"
    tls_cert: str | None = None
    tls_key: str | None = None
    tls_ca: str | None = None
    hba: list[HbaRule] = field(default_factory=list)
    trust_loopback: bool = False
    max_connections: int = 10000
    max_message_size: int = (1 << 30) - 1
    authentication_timeout: float = 60.0
    shutdown_timeout: float = 30.0
    metrics_port: int | None = None
    unix_socket_dir: str | None = None  # also listen on DIR/.s.PGSQL.<port> (psql "host=DIR")
    retention_seconds: float = 3600.0
    superuser: str = "helios"
    password: str | None = None
    log_level: str = "info"
    settings: dict = field(default_factory=dict)  # GUC defaults override

    @classmethod
    def load(cls, path: str | None, **overrides) -> "ServerConfig":
        cfg = cls()
        if path:
            try:
                with open(path, "rb") as f:
                    data = tomllib.load(f)
            except OSError as e:
                raise PgError(f'could not open configuration file "{path}": {e.strerror}',
                              errcodes.CONFIG_FILE_ERROR) from None
            except tomllib.TOMLDecodeError as e:
                raise PgError(f'syntax error in configuration file "{path}": {e}', errcodes.CONFIG_FILE_ERROR) from None
            cfg._apply(data, path)
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
        elif cfg.trust_loopback and overrides.get("trust_loopback"):
            cfg.hba.insert(0, HbaRule("loopback", "all", "all", "trust"))
        if cfg.engine not in ("lmdb", "memory"):
            raise PgError(f'invalid engine "{cfg.engine}" (lmdb or memory)', errcodes.CONFIG_FILE_ERROR)
        if bool(cfg.tls_cert) != bool(cfg.tls_key):
            raise PgError("TLS needs both a certificate and a key", errcodes.CONFIG_FILE_ERROR)
        return cfg

    def _apply(self, data: dict, path: str) -> None:
        import dataclasses

        types = {f.name: f.type for f in dataclasses.fields(self)}
        for k, v in data.items():
            k = _CONFIG_ALIASES.get(k, k)
            if k == "hba":
                if not isinstance(v, list) or not all(isinstance(r, dict) for r in v):
                    raise PgError(f"hba in {path} must be an array of tables ([[hba]])", errcodes.CONFIG_FILE_ERROR)
                try:
                    self.hba = [HbaRule(**{kk: str(vv) for kk, vv in r.items()}) for r in v]
                except TypeError as e:
                    raise PgError(f"invalid hba rule in {path}: {e}", errcodes.CONFIG_FILE_ERROR) from None
            elif k == "settings":
                self.settings = {kk: str(vv) if not isinstance(vv, bool) else ("on" if vv else "off")
                                 for kk, vv in dict(v).items()}
            elif k == "tls" and isinstance(v, dict):
                for kk, vv in v.items():
                    if kk not in ("cert", "key", "ca"):
                        raise PgError(f'unrecognized configuration parameter "tls.{kk}" in {path}',
                                      errcodes.CONFIG_FILE_ERROR)
                    setattr(self, "tls_" + kk, str(vv))
            elif k in types:
                t = str(types[k])
                try:
                    if t.startswith("int") and not isinstance(v, bool):
                        v = int(v)
                    elif t.startswith("float"):
                        v = float(v)
                    elif t.startswith("bool") and not isinstance(v, bool):
                        raise ValueError("expected true or false")
                except (TypeError, ValueError) as e:
                    raise PgError(f'invalid value for "{k}" in {path}: {e}', errcodes.CONFIG_FILE_ERROR) from None
                setattr(self, k, v)
            else:
                raise PgError(f'unrecognized configuration parameter "{k}" in {path}', errcodes.CONFIG_FILE_ERROR)


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
                    f'{n}{" " + self.unit if self.unit else ""} is outside the valid range for parameter '
                    f'"{self.name}" ({int(self.min)} .. {int(self.max)})',
                    errcodes.INVALID_PARAMETER_VALUE)
            return str(n)
        if self.kind == "real":
            try:
                return repr(float(v))
            except ValueError:
                raise PgError(f'parameter "{self.name}" requires a numeric value',
                              errcodes.INVALID_PARAMETER_VALUE) from None
        if self.kind == "encoding":
            # PostgreSQL's clean_encoding_name: case and punctuation do not
            # matter ('utf-8', "'UTF8'", "unicode", "latin1"); heliosd.wire.encodings

            from .wire import encodings

            canon = encodings.canonical(v)
            if canon is None:
                raise PgError(f'invalid value for parameter "{self.name}": "{v}"',
                              errcodes.INVALID_PARAMETER_VALUE)
            if not encodings.supported(canon):
                raise PgError(f'invalid value for parameter "{self.name}": "{v}"',
                              errcodes.INVALID_PARAMETER_VALUE,
                              detail=f"Conversion between {canon} and UTF8 is not supported.")
            return canon
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
    _g("client_encoding", "UTF8", report=True, kind="encoding"),
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
    _g("default_table_access_method", "heap"),
    _g("synchronize_seqscans", "on", kind="bool"),
    _g("default_toast_compression", "pglz", kind="enum", choices=("pglz", "lz4")),
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
