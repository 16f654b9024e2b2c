"""Settings read the environment through helpers that fail loudly; production passes --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from repatriation.settings import env

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "repatriation.settings.production",
    "SECRET_KEY": "p9Xv2-kLq7#zR4mWt8Yb1Nc6Hj3Gf5Ds0Ae!Ku2Lo9Pi4Uy7Tr",
    "ALLOWED_HOSTS": "cases.example.org",
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def _run(args, extra_env, drop=()):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DJANGO_SETTINGS_MODULE",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            *drop,
        }
    }
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("helper", "value"),
    [
        (env.env_bool, "maybe"),
        (env.env_int, "twelve"),
        (env.env_list, "a,,b"),
        (env.env_database, "nosuchdb://x"),
        (env.env_secret_key, "short"),
    ],
)
def test_bad_values_fail_loudly(monkeypatch, helper, value):
    monkeypatch.setenv("SOME_SETTING", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_SETTING"):
        helper("SOME_SETTING")


def test_missing_required_value_fails(monkeypatch):
    monkeypatch.delenv("SOME_SETTING", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_SETTING is required"):
        env.env_str("SOME_SETTING")


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False), ("Yes", True)])
def test_bool_values(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_SETTING", raw)
    assert env.env_bool("SOME_SETTING") is expected


def test_database_url(monkeypatch):
    monkeypatch.setenv("SOME_SETTING", "postgres://u@db.example:5432/cases")
    config = env.env_database("SOME_SETTING")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "cases"


def test_production_check_deploy_has_no_warning():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    assert "issues" in result.stdout


def test_production_has_no_default_secret():
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _run(["manage.py", "check"], environment, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr


def test_production_turns_two_factor_on():
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.REQUIRE_2FA, settings.SESSION_COOKIE_SECURE, settings.DEBUG)",
        ],
        PRODUCTION_ENV,
        drop=("REQUIRE_2FA", "DEBUG"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]


@pytest.mark.parametrize("missing", ["DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_needs_a_database_and_a_broker(missing):
    environment = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _run(["manage.py", "check"], environment, drop=(missing,))
    assert result.returncode != 0
    assert f"{missing} is required" in result.stderr


@pytest.mark.django_db
def test_pages_never_start_parallel_workers():
    """On PostgreSQL every connection of the application runs with parallel query off: a
    page's statement must not take another core to start workers (see settings/base.py)."""
    from django.db import connection

    if connection.vendor != "postgresql":  # SQLite (the demo) has no such setting to take
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)
        cursor.execute("SHOW repatriation.allow_audit_truncate")  # the test setting kept too
        assert cursor.fetchone() == ("on",)
