"""The load test: gunicorn with five workers on the bench database, wrk on loopback with 16
connections for 60 seconds per target, the framework floor measured in the same run.

wrk (Debian's package) is the load generator: a C program, so that on a two-core machine the
client takes as little as possible of what the server needs.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from django.conf import settings
from django.test import Client
from django.test.utils import override_settings

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


@dataclass
class LoadFigure:
    target: str
    path: str
    requests_per_second: float
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    floor_ratio: float = 0.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def wrk_parse(target: str, path: str, output: str) -> LoadFigure:
    """The figures of one wrk run (its --latency report); non-2xx/3xx answers, socket errors
    and timeouts all count as errors."""
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    ):
        errors += sum(int(n) for n in found.groups())
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)
    return LoadFigure(target, path, round(rate, 1), total, errors, _ms(p50), _ms(p99))


def _credentials() -> tuple[str, str]:
    """A caseworker's session cookie and a partner API token, made in this database."""
    from repatriation import bench
    from repatriation.accounts.models import User

    logins = {u.username: u for u in User.objects.filter(username__in=["caseworker", "partner"])}
    client = Client()
    client.force_login(logins["caseworker"])
    return client.cookies[settings.SESSION_COOKIE_NAME].value, bench._api_token(logins)


def load_run(*, seconds: int, connections: int, workers: int) -> list[LoadFigure]:
    wrk = shutil.which("wrk")
    if not wrk:
        raise SystemExit("The load test needs wrk: apt-get install wrk (make system-deps does).")
    from repatriation import bench

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "repatriation.settings.bench",
        "DATABASE_URL": bench.database_url(),
        "CACHE_URL": os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/7"),
        "API_RATE": "1000000/min",  # the throttle is not what is measured
    }
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": env["CACHE_URL"],
            }
        }
    ):
        session, token = _credentials()
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and gunicorn
        [
            sys.executable,
            "-m",
            "gunicorn",
            "repatriation.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=settings.BASE_DIR,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    targets = [
        ("framework floor", "/__floor__", {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}),
        ("case list", "/people/", {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"}),
        ("API people list", "/api/v1/people/", {"Authorization": f"Bearer {token}"}),
    ]
    try:
        _wait_until_up(base, server)
        figures = []
        for name, path, headers in targets:

            def wrk_for(duration: int, path=path, headers=headers) -> list[str]:
                command = [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
                for header, value in headers.items():
                    command += ["-H", f"{header}: {value}"]
                return [*command, base + path]

            # Warm every worker's caches and connections first; then measure.
            subprocess.run(wrk_for(3), capture_output=True)  # noqa: S603 - wrk, our arguments
            out = subprocess.run(  # noqa: S603 - wrk with our arguments
                wrk_for(seconds), capture_output=True, text=True, check=True
            ).stdout
            figures.append(wrk_parse(name, path, out))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    floor = figures[0].requests_per_second or 1
    for figure in figures:
        figure.floor_ratio = round(figure.requests_per_second / floor, 2)
    return figures


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    import urllib.request

    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within a minute")


def load_table(figures: list[LoadFigure]) -> str:
    from repatriation.bench import text_table

    columns = [
        ("target", "<18"),
        ("req/s", ">8.1f"),
        ("requests", ">9"),
        ("errors", ">7"),
        ("p50 ms", ">8.2f"),
        ("p99 ms", ">8.2f"),
        ("x floor", ">8.2f"),
    ]
    rows = [
        [
            f.target,
            f.requests_per_second,
            f.requests,
            f.errors,
            f.p50_ms,
            f.p99_ms,
            f.floor_ratio,
        ]
        for f in figures
    ]
    return text_table(columns, rows)
