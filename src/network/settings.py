"""One frozen settings object, read from the environment.

Every option is a ``NETWORK_*`` variable. A bad value raises :class:`SettingsError`
whose message names the variable, so start-up can stop with one clear line.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ("Settings", "SettingsError", "get_settings")

_SQLITE_SCHEMES = ("sqlite",)
_POSTGRES_SCHEMES = ("postgres", "postgresql")
_REDIS_SCHEMES = ("redis", "rediss", "unix")
_ENVS = ("dev", "prod")
DEFAULT_DATABASE_URL = "sqlite:///./var/network.sqlite3"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
_DEV_SECRET_SEED = b"specialistnatet-dev-only"

Getter = Callable[[str], "str | None"]


class SettingsError(ValueError):
    """A configuration value is missing or invalid; the message names the variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


DEFAULT_SMTP_FROM = "Specialistnätet <no-reply@specialistnatet.invalid>"


@dataclass(frozen=True, slots=True)
class Settings:
    """The whole configuration of one process."""

    env: str = "dev"
    database_url: str = DEFAULT_DATABASE_URL  # the app serves with this one
    # The owner of the schema (migrations, bulk loads, backups); None: database_url.
    database_owner_url: str | None = field(default=None, repr=False)
    redis_url: str | None = None
    secret_key: str = field(default="", repr=False)
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    log_json: bool = False
    data_dir: Path | None = None
    sqlite_timeout: float = 30.0
    pg_pool_min: int = 1
    pg_pool_max: int = 10
    settlement_hourly_rate: int = 1000  # SEK an hour, for settlements between municipalities
    followup_interval: int = 60  # seconds between follow-up passes (0: none in this process)
    retention_days: int = 730  # closed consultations are purged after this
    smtp_url: str | None = field(default=None, repr=False)  # smtp:// or smtps://, optional
    smtp_from: str = DEFAULT_SMTP_FROM
    public_url: str = "http://127.0.0.1:8000"  # where links in e-mail point
    rate_limit_signin: int = 10
    rate_limit_writes: int = 300
    # Proxies whose X-Forwarded-For is believed (IP networks, normalised); none by default.
    trusted_proxies: tuple[str, ...] = ()
    lock_seconds: int = 30  # a Redis lock's life without renewal (a killed holder's lock frees)
    # How long before a conference session its people are reminded (hours).
    conference_reminder_hours: int = 24

    @property
    def is_dev(self) -> bool:
        return self.env == "dev"

    @property
    def database_kind(self) -> str:
        """``"sqlite"`` or ``"postgres"``."""
        scheme = urlsplit(self.database_url).scheme
        return "sqlite" if scheme in _SQLITE_SCHEMES else "postgres"

    @property
    def owner_url(self) -> str:
        """The URL that migrations, reference loads, seeding, backups and restores use:
        ``NETWORK_DATABASE_OWNER_URL``, else the serving ``NETWORK_DATABASE_URL``."""
        return self.database_owner_url or self.database_url

    @property
    def sqlite_path(self) -> Path:
        """The SQLite file of a ``sqlite:///relative`` or ``sqlite:////absolute`` URL."""
        return Path(self.database_url.split(":///", 1)[1])

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value is not None and value.strip() != "" else None

        mode = (get("NETWORK_ENV") or "dev").lower()
        if mode not in _ENVS:
            raise SettingsError("NETWORK_ENV", f"unknown value {mode!r} (use dev or prod)")

        database_url = get("NETWORK_DATABASE_URL") or DEFAULT_DATABASE_URL
        _check_database_url(database_url)
        owner_url = get("NETWORK_DATABASE_OWNER_URL")
        if owner_url is not None:
            _check_owner_url(owner_url, database_url)

        redis_url = get("NETWORK_REDIS_URL")
        if redis_url is not None:
            scheme = urlsplit(redis_url).scheme
            if scheme not in _REDIS_SCHEMES:
                raise SettingsError(
                    "NETWORK_REDIS_URL",
                    f"unknown scheme {scheme!r} (use redis://host:port/db or rediss://)",
                )

        secret = get("NETWORK_SECRET_KEY")
        if secret is None:
            if mode == "prod":
                raise SettingsError("NETWORK_SECRET_KEY", "must be set when NETWORK_ENV=prod")
            secret = hashlib.sha256(_DEV_SECRET_SEED).hexdigest()
        elif len(secret) < 32:
            raise SettingsError("NETWORK_SECRET_KEY", "must be at least 32 characters long")

        data_dir_value = get("NETWORK_DATA_DIR")
        data_dir = Path(data_dir_value) if data_dir_value else None
        if data_dir is not None and not data_dir.is_dir():
            raise SettingsError("NETWORK_DATA_DIR", f"{data_dir} is not a directory")

        log_level = (get("NETWORK_LOG_LEVEL") or "INFO").upper()
        if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(
                "NETWORK_LOG_LEVEL", f"unknown level {log_level!r} (DEBUG, INFO, WARNING, ERROR)"
            )

        return cls(
            env=mode,
            database_url=database_url,
            database_owner_url=owner_url,
            redis_url=redis_url,
            secret_key=secret,
            host=get("NETWORK_HOST") or DEFAULT_HOST,
            port=_int(get, "NETWORK_PORT", DEFAULT_PORT, 1, 65535),
            log_level=log_level,
            log_json=_bool(get, "NETWORK_LOG_JSON", default=mode == "prod"),
            data_dir=data_dir,
            sqlite_timeout=float(_int(get, "NETWORK_SQLITE_TIMEOUT", 30, 1, 600)),
            pg_pool_min=_int(get, "NETWORK_PG_POOL_MIN", 1, 1, 100),
            pg_pool_max=_int(get, "NETWORK_PG_POOL_MAX", 10, 1, 500),
            settlement_hourly_rate=_int(get, "NETWORK_SETTLEMENT_HOURLY_RATE", 1000, 0, 100_000),
            followup_interval=_int(get, "NETWORK_FOLLOWUP_INTERVAL", 60, 0, 86_400),
            retention_days=_int(get, "NETWORK_RETENTION_DAYS", 730, 30, 3650),
            smtp_url=_smtp_url(get("NETWORK_SMTP_URL")),
            smtp_from=get("NETWORK_SMTP_FROM") or DEFAULT_SMTP_FROM,
            public_url=_public_url(get("NETWORK_PUBLIC_URL")),
            rate_limit_signin=_int(get, "NETWORK_RATE_LIMIT_SIGNIN", 10, 1, 1_000_000),
            rate_limit_writes=_int(get, "NETWORK_RATE_LIMIT_WRITES", 300, 1, 1_000_000),
            trusted_proxies=_networks(get, "NETWORK_TRUSTED_PROXIES"),
            lock_seconds=_int(get, "NETWORK_LOCK_SECONDS", 30, 2, 3600),
            conference_reminder_hours=_int(get, "NETWORK_CONFERENCE_REMINDER_HOURS", 24, 1, 336),
        )


def _public_url(url: str | None) -> str:
    if url is None:
        return "http://127.0.0.1:8000"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError("NETWORK_PUBLIC_URL", "must be http(s)://host[:port] of the app")
    return url.rstrip("/")


def _networks(get: Getter, name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or CIDR ranges, e.g. ``10.0.0.5, 10.1.0.0/16``."""
    found: list[str] = []
    for item in filter(None, (part.strip() for part in (get(name) or "").split(","))):
        try:
            found.append(str(ipaddress.ip_network(item)))
        except ValueError:
            try:
                meant = ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise SettingsError(
                    name, f"{item!r} is not an IP address or CIDR range (e.g. 10.1.0.0/16)"
                ) from None
            raise SettingsError(
                name, f"{item!r} has host bits set (did you mean {meant}?)"
            ) from None
    return tuple(found)


def _smtp_url(url: str | None) -> str | None:
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise SettingsError(
            "NETWORK_SMTP_URL",
            f"unknown scheme {parts.scheme!r} (use smtp://host:port or smtps://user:pass@host)",
        )
    if not parts.hostname:
        raise SettingsError("NETWORK_SMTP_URL", "names no host")
    return url


def _check_database_url(url: str, variable: str = "NETWORK_DATABASE_URL") -> None:
    parts = urlsplit(url)
    if parts.scheme in _SQLITE_SCHEMES:
        if ":///" not in url or url.split(":///", 1)[1] in ("", ":memory:"):
            raise SettingsError(
                variable,
                "a SQLite URL needs a file path, e.g. sqlite:///./var/network.sqlite3",
            )
        return
    if parts.scheme in _POSTGRES_SCHEMES:
        if not parts.hostname and "host=" not in (parts.query or ""):
            raise SettingsError(variable, "a PostgreSQL URL needs a host")
        return
    raise SettingsError(
        variable,
        f"unknown scheme {parts.scheme!r} (use sqlite:///path or postgresql://host/db)",
    )


def _check_owner_url(owner_url: str, database_url: str) -> None:
    """The owner URL is PostgreSQL's only (SQLite has no roles), for the same database."""
    name = "NETWORK_DATABASE_OWNER_URL"
    if urlsplit(owner_url).scheme not in _POSTGRES_SCHEMES:
        raise SettingsError(name, "must be a postgresql:// URL (the owner of the schema)")
    _check_database_url(owner_url, name)
    if urlsplit(database_url).scheme not in _POSTGRES_SCHEMES:
        raise SettingsError(name, "is for PostgreSQL only; NETWORK_DATABASE_URL is not PostgreSQL")
    owner_db = urlsplit(owner_url).path.lstrip("/")
    serving_db = urlsplit(database_url).path.lstrip("/")
    if owner_db != serving_db:
        raise SettingsError(
            name,
            f"names database {owner_db!r}, NETWORK_DATABASE_URL names {serving_db!r}",
        )


def _int(get: Getter, name: str, default: int, low: int, high: int) -> int:
    value = get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(name, f"not an integer: {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(name, f"must be between {low} and {high}, got {number}")
    return number


def _bool(get: Getter, name: str, *, default: bool) -> bool:
    value = get(name)
    if value is None:
        return default
    lowered = str(value).lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(name, f"not a boolean: {value!r} (use true or false)")


_cached: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    global _cached
    if _cached is None:
        _cached = Settings.from_env()
    return _cached
