"""Typed readers for settings that come from the environment; they fail loudly on bad values."""

from __future__ import annotations

import os


class ConfigError(ValueError):
    """An environment variable holds a value that cannot be used."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return a string variable, or the default; raise if neither exists."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ConfigError(f"{name} is required but not set")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean variable; only 1/0, true/false, yes/no, on/off are accepted."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int) -> int:
    """Return an integer variable."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not an integer") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list variable, empty items dropped."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# How long a SQLite writer waits for the write lock before "database is locked". Python's default
# (5 s) was exceeded by 50 concurrent API writers; write transactions are short, so a long wait only
# happens under a burst, and a slow answer beats an error.
SQLITE_BUSY_TIMEOUT_SECONDS = 20


def database_config(url: str, base_dir: str) -> dict[str, object]:
    """Turn DATABASE_URL into a Django DATABASES entry; only sqlite and postgres are supported."""
    import dj_database_url

    if not (url.startswith("sqlite:") or url.startswith(("postgres://", "postgresql://", "pgsql://"))):
        raise ConfigError(f"DATABASE_URL={url!r}: only sqlite:/// and postgres:// URLs are supported")
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except Exception as exc:  # dj_database_url raises several types for malformed URLs
        raise ConfigError(f"DATABASE_URL={url!r} cannot be parsed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = str(config.get("NAME") or "")
        if not name or name == ":memory:":
            raise ConfigError("DATABASE_URL for SQLite needs a file path, e.g. sqlite:///var/funeng.sqlite3")
        if not os.path.isabs(name):
            config["NAME"] = os.path.join(base_dir, name)
        # WAL lets the dev server read while a bulk import writes; IMMEDIATE avoids
        # "database is locked" when a read transaction upgrades to a write (that error skips the
        # busy handler); the busy timeout lets a writer queue behind others instead of failing.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
        }
        config["CONN_MAX_AGE"] = 0
    return config
