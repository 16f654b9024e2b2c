import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.test.utils import override_settings, setup_test_environment

from repatriation import bench


class Command(BaseCommand):
    help = "Seed a separate PostgreSQL database at SIZE people and time the pages."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=100_000)
        parser.add_argument(
            "--audit-events", type=int, default=None, help="Default: ten per person."
        )
        parser.add_argument("--repeat", type=int, default=30)
        parser.add_argument("--fresh", action="store_true", help="Drop and reseed the database.")
        parser.add_argument(
            "--seed-only", action="store_true", help="Prepare the database, measure nothing."
        )
        parser.add_argument("--output", default="", help="JSON file (default bench-results/).")
        parser.add_argument(
            "--only",
            default="",
            help="Time only the scenarios whose name contains this text (no report, export or "
            "JSON file): for checking one change.",
        )

    def handle(self, *args, size, audit_events, repeat, fresh, seed_only, output, only, **options):
        name = f"repatriation_bench_{size}"
        bench.database_prepare(name=name, fresh=fresh)
        call_command("migrate", verbosity=0, interactive=False)
        from returnees.models import Returnee

        started = time.perf_counter()
        if not Returnee.objects.exists():
            call_command("seed_demo", returnees=size, seed=2019, stdout=self.stdout)
        audit_events = audit_events if audit_events is not None else 10 * size
        seeded = bench.audit_events_fill(audit_events)
        if seeded:
            bench.database_settle()
        seed_seconds = round(time.perf_counter() - started, 1)
        self.stdout.write(
            f"Database {name}: {Returnee.objects.count()} people, "
            f"{seeded} audit events added, set-up {seed_seconds} s"
        )
        if seed_only:
            return
        # As in a web worker (repatriation/wsgi.py): start-up objects out of the collector.
        import gc

        gc.collect()
        gc.freeze()
        # Instrument template rendering so each response carries its context (rows shown).
        setup_test_environment()
        with override_settings(
            ROOT_URLCONF="repatriation.bench_urls", DEBUG=False, ALLOWED_HOSTS=["testserver"]
        ):
            figures = bench.scenarios_run(size=size, repeat=repeat, only=only)
            imported = (
                bench.manifest_import_scenario(size=size, repeat=5)
                if not only or only in "manifest import"
                else None
            )
            if imported is not None:
                imported.floor_ratio = round(imported.median_ms / figures[0].median_ms, 1)
                figures.append(imported)
        plans = bench.explain_slowest(figures)
        self.stdout.write(bench.table(figures))
        if only:
            for figure in figures:
                self.stdout.write(f"\n-- {figure.scenario}\n" + "\n".join(figure.statements))
            return
        report = bench.monthly_report_scenario(repeat=3)
        self.stdout.write(
            "ministry monthly report ({people} people, {centres} centres): figures "
            "{figures_ms} ms, PDF {pdf_ms} ms, whole {total_ms} ms, {queries} queries, "
            "worker peak {peak_mb} MB, {pdf_kb} KB".format(**report)
        )
        exported = bench.audit_export_scenario(rows=min(1_000_000, audit_events))
        self.stdout.write(
            "auditor's CSV export: {rows} events in {seconds} s, {mb_written} MB written, "
            "peak Python memory {peak_python_mb} MB".format(**exported)
        )
        path = Path(output or settings.BASE_DIR / "bench-results" / f"bench-{size}.json")
        bench.results_write(
            path,
            figures,
            {
                "audit_events": audit_events,
                "repeat": repeat,
                "setup_seconds": seed_seconds,
                "explain": plans,
                "monthly_report": report,
                "audit_export": exported,
            },
        )
        self.stdout.write(f"Written to {path}")
