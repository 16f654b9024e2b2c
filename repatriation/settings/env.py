"""Typed readers for the environment that fail loudly on a bad value.

A misspelt boolean or a missing secret must stop the process at start-up, not
surface later as a silently insecure default.
"""

import os
from collections.abc import Callable

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_MISSING = object()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _read(name: str, default, parse: Callable):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        if default is _MISSING:
            raise ImproperlyConfigured(f"Environment variable {name} is required.")
        return default
    try:
        return parse(raw)
    except (TypeError, ValueError) as exc:
        raise ImproperlyConfigured(
            f"Environment variable {name}={raw!r} is invalid: {exc}"
        ) from exc


def env_str(name: str, default=_MISSING) -> str:
    return _read(name, default, str)


def env_bool(name: str, default=_MISSING) -> bool:
    def parse(raw: str) -> bool:
        value = raw.strip().lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        raise ValueError("expected one of 1/0, true/false, yes/no, on/off")

    return _read(name, default, parse)


def env_int(name: str, default=_MISSING) -> int:
    return _read(name, default, int)


def env_list(name: str, default=_MISSING) -> list[str]:
    def parse(raw: str) -> list[str]:
        items = [item.strip() for item in raw.split(",")]
        if any(not item for item in items):
            raise ValueError("empty item in comma-separated list")
        return items

    return _read(name, default, parse)


def env_database(name: str, default=_MISSING) -> dict:
    def parse(raw: str) -> dict:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
        if not config.get("ENGINE"):
            raise ValueError("unknown database scheme")
        return config

    value = _read(name, default, parse)
    return parse(value) if isinstance(value, str) else value


def env_secret_key(name: str, default=_MISSING) -> str:
    def parse(raw: str) -> str:
        if len(raw) < 50 or len(set(raw)) < 5:
            raise ValueError("must be at least 50 characters with at least 5 distinct ones")
        return raw

    return _read(name, default, parse)
