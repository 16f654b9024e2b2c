"""The embedded default end to end: SQLite, migrate, demo data, a worker on the filesystem
broker, a page served; and a second start that adds nothing."""

import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "DJANGO_SETTINGS_MODULE",
            "CELERY_QUEUE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    env.update({"DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "repatriation.settings.local"})
    return env


def _manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class Demo:
    def __init__(self, data_dir: Path):
        self.env = _env(data_dir)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(data_dir / f"rundemo-{self.port}.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "rundemo", "--port", str(self.port), "--returnees", "80"],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    self.health = json.load(response)
                    return
            except OSError:
                time.sleep(0.5)
        raise AssertionError("demo did not start:\n" + self.output())

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        os.killpg(self.process.pid, signal.SIGINT)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()


def _sign_in(base: str, username: str, password: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token}
    ).encode()
    request = urllib.request.Request(
        base + "/accounts/login/", data=data, headers={"Referer": base + "/accounts/login/"}
    )
    opener.open(request)
    return opener


@pytest.mark.slow
def test_demo_end_to_end_twice(tmp_path):
    from repatriation.demo import DEMO_PASSWORD, DEMO_USERS

    demo = Demo(tmp_path)
    try:
        assert demo.health == {"status": "ok", "database": "ok", "broker": "ok"}
        output = demo.output()
        for username, *_ in DEMO_USERS:
            assert username in output
        assert (tmp_path / "db.sqlite3").exists()
        for username, *_ in DEMO_USERS:
            opener = _sign_in(demo.base, username, DEMO_PASSWORD)
            home = opener.open(demo.base + "/").read().decode()
            assert "Sign out" in home, username
        people = _sign_in(demo.base, "caseworker", DEMO_PASSWORD).open(demo.base + "/people/")
        body = people.read().decode()
        assert re.search(r"KZ-20\d\d-\d{6}", body)
        # A task sent from another process is run by the demo's worker.
        _manage(
            demo.env,
            "shell",
            "-v",
            "0",
            "-c",
            "from django.contrib.sessions.models import Session; from django.utils import timezone;"
            "import datetime; Session.objects.create(session_key='e'*32, session_data='e30=',"
            "expire_date=timezone.now()-datetime.timedelta(days=1));"
            "from repatriation.accounts.tasks import sessions_clear_expired;"
            "sessions_clear_expired.delay()",
        )
        deadline = time.monotonic() + 60
        remaining = "1"
        while time.monotonic() < deadline and remaining.strip() != "0":
            remaining = _manage(
                demo.env,
                "shell",
                "-v",
                "0",
                "-c",
                "from django.contrib.sessions.models import Session;"
                "print(Session.objects.filter(session_key='e'*32).count())",
            )
            time.sleep(1)
        assert remaining.strip() == "0", demo.output()
        count = _manage(
            demo.env,
            "shell",
            "-v",
            "0",
            "-c",
            "from returnees.models import Returnee; print(Returnee.objects.count())",
        )
    finally:
        demo.stop()

    again = Demo(tmp_path)
    try:
        assert "People already present" in again.output()
        recount = _manage(
            again.env,
            "shell",
            "-v",
            "0",
            "-c",
            "from returnees.models import Returnee; print(Returnee.objects.count())",
        )
        assert recount == count
        assert int(count) == 80
    finally:
        again.stop()
