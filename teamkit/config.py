"""Every TEAMKIT_* setting, in one place.

A setting is read from the environment variable of the same name; `create_app(config)`
may override any of them by key (without the prefix), which is what the tests do.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many
from limits.errors import ConfigurationError
from limits.storage import storage_from_string

PREFIX = "TEAMKIT_"


class SettingError(ValueError):
    """A TEAMKIT_* setting holds a value teamkit can't use."""


@dataclass(frozen=True)
class Setting:
    """One TEAMKIT_* setting: its default, how to parse it, and what it does."""

    name: str
    default: Any
    help: str
    parse: Any = str


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def count(low: int, high: int) -> Any:
    """Return a parser of a whole number from `low` to `high`."""

    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("expected a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"expected a number from {low} to {high}")
        return number

    return parse


def _base_url(value: str) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError("expected an address such as https://teamkit.example.com")
    return value.strip().rstrip("/")


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("expected DEBUG, INFO, WARNING, ERROR or CRITICAL")
    return level


def _rate_limit(value: str) -> str:
    try:
        parse_many(value)
    except ValueError:
        raise ValueError("expected limits such as `10 per minute` or `5/minute;50/day`") from None
    return value


def _rate_limit_storage(value: str) -> str:
    try:
        storage_from_string(value)
    except ConfigurationError as error:
        hint = " (install teamkit with its extra: pip install 'teamkit[redis]')"
        raise ValueError(f"{error}{hint if value.startswith('redis') else ''}") from None
    return value


#: The core's settings; each capability declares its own (`Capability.settings`).
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL of the database. Default: SQLite file `instance/teamkit.sqlite3`. "
        "For PostgreSQL: `postgresql+psycopg://user:password@host:5432/dbname`.",
    ),
    Setting(
        "DATABASE_POOL_SIZE",
        8,
        "Database connections each web process keeps open, 1 to 100; `teamkit serve` runs as "
        "many threads (unless `--threads` says otherwise), so no request waits for one.",
        count(1, 100),
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Key that signs sessions, CSRF tokens and invite links. Default: generated once and "
        "kept in `instance/secret_key`. Give every web worker the same value.",
    ),
    Setting(
        "INSTANCE_PATH",
        None,
        "Folder for the SQLite file and the generated secret key. Default: `./instance`.",
    ),
    Setting(
        "BASE_URL",
        "http://127.0.0.1:5000",
        "Public address of the portal, used in invite links and digests. An `https://` "
        "address also marks the session cookie Secure and sends `Strict-Transport-Security` "
        "(one year).",
        _base_url,
    ),
    Setting("LOG_LEVEL", "INFO", "Level of the application and request log.", _log_level),
    Setting(
        "TRUSTED_PROXIES",
        0,
        "Number of reverse proxies in front of teamkit whose X-Forwarded-For/-Proto/-Host "
        "headers to trust (for the client address the log-in limit counts, and https links).",
        count(0, 10),
    ),
    Setting(
        "INVITE_TTL_HOURS",
        168,
        "Hours an invite link stays valid (it can be used once).",
        count(1, 24 * 366),
    ),
    Setting(
        "AUDIT_RETENTION_DAYS",
        365,
        "Days a team's audit log keeps an event; the scheduler deletes older ones.",
        count(1, 36600),
    ),
    Setting(
        "LOGIN_RATE_LIMIT",
        "10 per minute",
        "Log-in attempts allowed per client address (Flask-Limiter notation).",
        _rate_limit,
    ),
    Setting(
        "SIGNUP_RATE_LIMIT",
        "10 per minute",
        "Sign-up attempts allowed per client address (Flask-Limiter notation).",
        _rate_limit,
    ),
    Setting(
        "RATELIMIT_STORAGE_URL",
        "memory://",
        "Where log-in, sign-up and password-reset attempt counts live. `memory://` counts per "
        "process, so each web worker (and each server) lets the whole limit through: with "
        "several, use a shared store such as `redis://host:6379` (install `teamkit[redis]`); "
        "`teamkit serve --workers N` warns at start when they would count apart.",
        _rate_limit_storage,
    ),
    Setting(
        "API_PAGE_SIZE",
        50,
        "Default number of items per page in API lists (a client may ask for up to 200).",
        count(1, 200),
    ),
    Setting(
        "PAGE_CACHE_MB",
        64,
        "Megabytes of memory each web process keeps team pages in, rendered, to serve them "
        "again while nothing they show has changed (every write bumps the team's page "
        "version in its own transaction). `0` renders every page every time.",
        count(0, 4096),
    ),
    Setting(
        "SCHEDULER_TICK_SECONDS",
        60,
        "How often the scheduler looks for due work.",
        count(1, 24 * 3600),
    ),
)


def load_settings(
    overrides: dict[str, Any] | None = None, extra: tuple[Setting, ...] = ()
) -> dict[str, Any]:
    """Return the settings (teamkit's own, then `extra`) from the environment, then
    `overrides`, parsed."""
    overrides = overrides or {}
    values: dict[str, Any] = {}
    for setting in SETTINGS + extra:
        if setting.name in overrides:
            values[setting.name] = overrides[setting.name]
            continue
        raw = os.environ.get(PREFIX + setting.name)
        if raw is None or raw == "":
            values[setting.name] = setting.default
        else:
            try:
                values[setting.name] = setting.parse(raw)
            except ValueError as error:
                raise SettingError(f"{PREFIX}{setting.name}={raw!r}: {error}") from None
    values["INSTANCE_PATH"] = str(Path(values["INSTANCE_PATH"] or "instance").resolve())
    return values


def database_url(settings: dict[str, Any]) -> str:
    """Return the configured database URL, or the default SQLite file."""
    if settings.get("DATABASE_URL"):
        return str(settings["DATABASE_URL"])
    return f"sqlite:///{Path(settings['INSTANCE_PATH']) / 'teamkit.sqlite3'}"


def secret_key(settings: dict[str, Any]) -> str:
    """Return the configured secret key, or one generated and kept in the instance folder."""
    if settings.get("SECRET_KEY"):
        return str(settings["SECRET_KEY"])
    path = Path(settings["INSTANCE_PATH"]) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Two processes may start together: only one creates the file, both read it.
        try:
            with path.open("x") as handle:
                handle.write(secrets.token_urlsafe(48))
            path.chmod(0o600)
        except FileExistsError:
            pass
    return path.read_text().strip()


def is_truthy(value: str | None) -> bool:
    """Tell whether an environment value means yes."""
    return value is not None and _bool(value)
