"""The embedded default in one command: migrate, demo data, a worker, the web server."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from repatriation.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Run the demo: SQLite, a Celery worker on the filesystem broker, and the web server."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--returnees", type=int, default=600)
        parser.add_argument("--seed", type=int, default=2019)

    def handle(self, *args, addr, port, returnees, seed, **options):
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed_demo", returnees=returnees, seed=seed)
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "repatriation",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "-Q",
                settings.CELERY_TASK_DEFAULT_QUEUE,
            ],
            env=os.environ.copy(),
        )
        self.stdout.write(self.style.SUCCESS(f"\nServing on http://{addr}:{port}/"))
        self.stdout.write("Demo logins (username / role), all with password " + DEMO_PASSWORD)
        for username, role, *_ in DEMO_USERS:
            self.stdout.write(f"  {username:<14} {role.label}")
        self.stdout.flush()
        try:
            call_command("runserver", f"{addr}:{port}", use_reloader=False, skip_checks=True)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
