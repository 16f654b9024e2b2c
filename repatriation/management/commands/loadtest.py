from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from repatriation import bench, loadtest


class Command(BaseCommand):
    help = "Load the bench database's pages with wrk through gunicorn (run make bench first)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=100_000)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--connections", type=int, default=16)
        parser.add_argument("--workers", type=int, default=5)
        parser.add_argument("--output", default="", help="JSON file (default bench-results/).")

    def handle(self, *args, size, seconds, connections, workers, output, **options):
        name = f"repatriation_bench_{size}"
        bench.database_prepare(name=name, fresh=False)
        from returnees.models import Returnee

        people = Returnee.objects.count()
        if not people:
            raise CommandError(f"{name} is empty: run make bench SIZE={size} first.")
        figures = loadtest.load_run(seconds=seconds, connections=connections, workers=workers)
        self.stdout.write(
            f"gunicorn, {workers} workers; wrk, {connections} connections, {seconds} s per "
            f"target; {people} people"
        )
        self.stdout.write(loadtest.load_table(figures))
        path = Path(output or settings.BASE_DIR / "bench-results" / f"load-{size}.json")
        bench.results_write(
            path,
            figures,
            {"people": people, "workers": workers, "connections": connections, "seconds": seconds},
        )
        self.stdout.write(f"Written to {path}")
