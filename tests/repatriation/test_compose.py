"""docker-compose.yml is for production and is not run here: check that it names real things."""

import importlib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def _resolve(dotted: str):
    module_name, _, attribute = dotted.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


def test_the_stack_is_complete():
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(SERVICES)
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert "healthcheck" in SERVICES[name], name
        assert SERVICES[name]["healthcheck"]["test"], name
    assert {"postgres-data", "redis-data", "private-files"} <= set(COMPOSE["volumes"])
    assert any("postgres-data" in v for v in SERVICES["postgres"]["volumes"])


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate"])
def test_app_services_name_real_modules(name):
    service = SERVICES[name]
    settings_module = service["environment"]["DJANGO_SETTINGS_MODULE"]
    assert importlib.util.find_spec(settings_module) is not None
    command = service["command"]
    if command[0] == "gunicorn":
        assert callable(_resolve(command[1]))
    elif command[0] == "celery":
        app = _resolve(command[command.index("-A") + 1] + ":celery_app")
        assert app.main == "repatriation"
        if "--scheduler" in command:
            assert _resolve(command[command.index("--scheduler") + 1])
    else:
        assert command[:2] == ["python", "manage.py"]
        from django.core.management import get_commands

        assert command[2] in get_commands()


def test_app_services_use_the_database_and_broker_services():
    env = SERVICES["web"]["environment"]
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:")
    assert (ROOT / "Dockerfile").exists()
