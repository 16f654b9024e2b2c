"""The benchmark: a separate PostgreSQL database seeded at a given size, pages timed in-process
through the whole middleware stack, with query counts. Figures are printed and written as JSON.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import psycopg2
from django.conf import settings
from django.db import connection, connections, transaction
from django.http import JsonResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path

from repatriation import demo_scale


@dataclass
class Figure:
    scenario: str
    size: int
    median_ms: float
    p95_ms: float
    queries: int
    rows: int
    floor_ratio: float = 0.0
    slowest_sql: str = ""
    statements: list[str] = field(default_factory=list, repr=False)
    seq_scan_on_big_table: bool = False


def floor_view(request):
    """The framework floor: a fixed JSON body through the same middleware."""
    return JsonResponse({"ok": True})


def bench_urlpatterns():
    from repatriation.urls import urlpatterns

    return [path("__floor__", floor_view), *urlpatterns]


def database_prepare(*, name: str, fresh: bool) -> None:
    """Create (or recreate) the bench database on the server DATABASE_URL points to."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("make bench needs PostgreSQL: set DATABASE_URL=postgres://...")
    admin = psycopg2.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"],
        port=db["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and fresh:
            cursor.execute(f'DROP DATABASE "{name}"')
        if fresh or not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    connections.close_all()
    db["NAME"] = name


def database_url() -> str:
    """The bench database's address, for the processes the bench starts (report, web)."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


def audit_events_fill(count: int) -> int:
    """Bulk-insert generated audit events in SQL until the table holds `count`: reads,
    updates, logins and exports by 500 users over people's records, newest last."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 1) FROM returnees_returnee")
        people = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        have = cursor.fetchone()[0]
        missing = max(count - have, 0)
        if missing:
            # Five indexes kept up to date row by row took six minutes for ten million
            # events; built once afterwards, side by side, they take one.
            dropped = demo_scale.secondary_indexes_drop(cursor, ["audit_auditevent"])
            transaction.on_commit(lambda: demo_scale.indexes_build(dropped))
            cursor.execute(
                """
                INSERT INTO audit_auditevent
                    (occurred_at, actor_username, kind, record_type, record_id, changes,
                     detail, ip_address)
                SELECT now() - ((%s - g) * interval '10 seconds'),  -- later ids, later times
                       'user' || (g %% 500),
                       (ARRAY['read','update','login','create','export'])[1 + g %% 5],
                       'returnees.returnee', (1 + g %% %s)::text, '{}'::jsonb, '',
                       '10.0.0.1'::inet
                FROM generate_series(1, %s) AS g
                """,
                [missing, people, missing],
            )
    return missing


def database_settle() -> None:
    """VACUUM ANALYZE after bulk loading: fresh statistics, and a visibility map so that
    index-only scans need not visit the table (what autovacuum does on a live server). The
    tables are vacuumed two at a time, the largest first."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.oid::regclass::text FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = current_schema()
            ORDER BY pg_table_size(c.oid) DESC
            """
        )
        tables = [name for (name,) in cursor.fetchall()]
    demo_scale.statements_side_by_side([f"VACUUM (ANALYZE) {name}" for name in tables])


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def scenarios_run(*, size: int, repeat: int, seed: int = 1, only: str = "") -> list[Figure]:
    from repatriation.accounts.models import User
    from returnees.models import Returnee

    rng = random.Random(seed)
    # Sealed records answer 404 by design: the pages are timed on open ones.
    people_ids = list(
        Returnee.objects.filter(sealed_at__isnull=True)
        .order_by("?")
        .values_list("pk", flat=True)[:repeat]
    )
    sample = Returnee.objects.filter(pk__in=people_ids[:1]).first()
    # A different given name each request: how long a search takes depends on the name (how
    # common it is, its script), so one name would time one point of that spread.
    name_parts = [
        name.split()[0]
        for name in Returnee.objects.filter(pk__in=people_ids).values_list(
            "primary_name", flat=True
        )
    ] or ["Айгерим"]
    logins = {
        u.username: u
        for u in User.objects.filter(
            username__in=["caseworker", "teacher", "psychologist", "legal", "partner", "auditor"]
        )
    }
    residents, activity, accused = _rehabilitation_targets(logins)
    sheet = _attendance_sheet(logins)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {_api_token(logins)}")
    partner_people = [row["id"] for row in api.get("/api/v1/people/").json()["results"]]
    me = logins["caseworker"].pk

    def duplicate_check():
        """Registration of someone already registered: answered with candidates, not saved."""
        person = Returnee.objects.get(pk=rng.choice(people_ids))
        return (
            "/people/register/",
            {
                "mother-full_name": person.name_latin or person.primary_name,
                "mother-sex": person.sex,
                "mother-date_of_birth": person.date_of_birth.isoformat(),
                "mother-claimed_nationality": "KZ",
                "child-TOTAL_FORMS": "0",
                "child-INITIAL_FORMS": "0",
            },
        )

    def as_user(username: str) -> Client:
        if username == "api":
            return api
        client = Client()
        client.force_login(logins[username])
        return client

    plan: list[tuple[str, str, Callable[[], str | tuple[str, dict]], str]] = [
        ("framework floor (bare JSON view)", "caseworker", lambda: "/__floor__", "fixed"),
        ("case list, default", "caseworker", lambda: "/people/", "list"),
        ("case list, status=placed", "caseworker", lambda: "/people/?status=placed", "list"),
        (
            "case list, my cases in verification",
            "caseworker",
            lambda: f"/people/?caseworker={me}&status=verifying",
            "list",
        ),
        (
            "case list, placed girls 12-17",
            "caseworker",
            lambda: "/people/?status=placed&sex=F&age_group=12to17",
            "list",
        ),
        (
            "case list, unaccompanied under 5",
            "caseworker",
            lambda: "/people/?age_group=under5&flags=is_unaccompanied",
            "list",
        ),
        (
            "case list, name search",
            "caseworker",
            lambda: f"/people/?q={rng.choice(name_parts)}",
            "list",
        ),
        (
            "case list, case number",
            "caseworker",
            lambda: f"/people/?q={sample.case_number if sample else 'KZ-2026-000001'}",
            "list",
        ),
        ("case page", "caseworker", lambda: f"/people/{rng.choice(people_ids)}/", "page"),
        ("duplicate check on registration", "caseworker", duplicate_check, "candidates"),
        ("caseworker dashboard", "caseworker", lambda: "/", "page"),
        ("centre staff: my people", "teacher", lambda: "/people/", "list"),
        ("centre staff: my centre", "teacher", lambda: "/rehabilitation/my-centre/", "page"),
        *(
            [
                (
                    "psychologist: case page of a resident",
                    "psychologist",
                    lambda: f"/people/{rng.choice(residents)}/",
                    "page",
                ),
                (
                    "psychologist: progress trajectory",
                    "psychologist",
                    lambda: f"/rehabilitation/people/{rng.choice(residents)}/progress/",
                    "page",
                ),
            ]
            if residents
            else []
        ),
        *(
            [
                (
                    "teacher: activity month",
                    "teacher",
                    lambda: f"/rehabilitation/my-centre/activities/{activity}/",
                    "page",
                )
            ]
            if activity
            else []
        ),
        *(
            [
                (
                    "legal officer: proceedings",
                    "legal",
                    lambda: f"/rehabilitation/people/{rng.choice(accused)}/legal/",
                    "page",
                )
            ]
            if accused
            else []
        ),
        *(
            [
                ("class attendance entry: sheet", "teacher", lambda: sheet[0], "page"),
                ("class attendance entry: save", "teacher", lambda: sheet, "saved"),
            ]
            if sheet
            else []
        ),
        ("partner: people in agreement", "partner", lambda: "/people/", "list"),
        ("partner API: people, 100 per page", "api", lambda: "/api/v1/people/", "api"),
        (
            "partner API: people, next page",
            "api",
            lambda: api.get("/api/v1/people/").json()["next"].split("testserver", 1)[1],
            "api",
        ),
        (
            "partner API: person detail",
            "api",
            lambda: f"/api/v1/people/{rng.choice(partner_people)}/",
            "record",
        ),
        ("auditor: events, newest", "auditor", lambda: "/audit/", "list"),
        ("auditor: events by user", "auditor", lambda: "/audit/?username=user42", "list"),
        (
            "auditor: events of a record",
            "auditor",
            lambda: "/audit/?record_type=returnees.returnee&record_id=4242",
            "list",
        ),
        (
            "auditor: updates on a day",
            "auditor",
            lambda: (
                f"/audit/?kind=update&date_from={time.strftime('%Y-%m-%d')}"
                f"&date_to={time.strftime('%Y-%m-%d')}"
            ),
            "list",
        ),
    ]
    if only:  # the floor stays: every figure is read against it
        plan = plan[:1] + [step for step in plan[1:] if only in step[0]]
    figures: list[Figure] = []
    for scenario, username, url_for, kind in plan:
        client = as_user(username)
        timings, queries, slowest = [], 0, {"time": "0", "sql": ""}
        for attempt in range(repeat + 1):
            target = url_for()
            url, data = target if isinstance(target, tuple) else (target, None)
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.post(url, data) if data else client.get(url)
                elapsed = (time.perf_counter() - start) * 1000
            if attempt == 0:
                continue  # the first request warms caches and the connection
            timings.append(elapsed)
            if response.status_code != (302 if kind == "saved" else 200):
                raise SystemExit(f"{scenario}: {url} answered {response.status_code}")
            queries = max(queries, len(captured.captured_queries))
            statements = [query["sql"] for query in captured.captured_queries]
            for query in captured.captured_queries:
                if float(query["time"]) > float(slowest["time"]):
                    slowest = query
        context = response.context or {}
        page = context.get("page") if hasattr(context, "get") else None
        if kind == "api":
            rows = len(response.json()["results"])
        elif kind == "saved":
            rows = sum(1 for key in data if key.startswith("present-"))
        elif kind == "candidates":
            rows = sum(len(found) for found in context.get("candidates", {}).values())
        elif page:
            rows = len(getattr(page, "people", None) or getattr(page, "events", None) or [])
        else:
            rows = 1 if kind in ("page", "record") else 0
        figures.append(
            Figure(
                scenario,
                size,
                round(statistics.median(timings), 2),
                round(_p95(timings), 2),
                queries,
                rows,
                slowest_sql=slowest["sql"],
                statements=statements,
            )
        )
    floor = figures[0].median_ms or 1
    for figure in figures:
        figure.floor_ratio = round(figure.median_ms / floor, 1)
    return figures


def _api_token(logins) -> str:
    """A fresh API client under the demo partner's agreement (the token exists only here)."""
    from repatriation.accounts.models import DataSharingAgreement
    from repatriation.accounts.services import api_client_create

    agreement = DataSharingAgreement.objects.filter(
        agreementusergrant__user=logins["partner"]
    ).first()
    return api_client_create(
        actor=None, organisation=agreement.organisation, agreement=agreement, name="bench"
    )[1]


def _attendance_sheet(logins) -> tuple[str, dict] | None:
    """The teacher's largest class, last month: the sheet's address and a full save of it."""
    from datetime import timedelta

    from django.utils import timezone

    from rehabilitation import selectors

    if "teacher" not in logins:
        return None
    teacher = logins["teacher"]
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    best = None
    for value, _label in selectors.class_choices(user=teacher)[:40]:
        institution, _sep, grade = value.partition("|")
        roster = selectors.class_roster(
            user=teacher, institution=institution, grade=grade, month=month.replace(day=1)
        )
        if best is None or len(roster) > len(best[1]):
            best = (value, roster)
    if not best or not best[1]:
        return None
    url = "/rehabilitation/my-centre/attendance/?" + urlencode(
        {"klass": best[0], "month": month.strftime("%Y-%m")}
    )
    data = {}
    for enrolment, recorded in best[1]:
        data[f"expected-{enrolment.pk}"] = str(recorded.days_expected if recorded else 20)
        data[f"present-{enrolment.pk}"] = str(recorded.days_present if recorded else 18)
    return url, data


def _rehabilitation_targets(logins) -> tuple[list[int], int | None, list[int]]:
    """Residents of the psychologist's centres, an activity of the teacher's, and people
    with legal proceedings: what the rehabilitation scenarios open."""
    from rehabilitation.models import Activity, LegalProceeding, Placement
    from repatriation import policy

    residents, activity = [], None
    if "psychologist" in logins:
        residents = list(
            Placement.objects.filter(
                ended_on__isnull=True,
                centre__in=policy.user_centres(logins["psychologist"]),
                returnee__sealed_at__isnull=True,
            ).values_list("returnee_id", flat=True)[:200]
        )
    if "teacher" in logins:
        activity = (
            Activity.objects.filter(centre__in=policy.user_centres(logins["teacher"]))
            .values_list("pk", flat=True)
            .first()
        )
    accused = list(
        LegalProceeding.objects.filter(returnee__sealed_at__isnull=True).values_list(
            "returnee_id", flat=True
        )[:200]
    )
    return residents, activity, accused


BIG_TABLES = (
    "returnees_returnee",
    "audit_auditevent",
    "rehabilitation_placement",
    "rehabilitation_session",
    "rehabilitation_session_participants",
    "rehabilitation_progressrating",
    "rehabilitation_ratingday",
    "rehabilitation_activityparticipation",
    "rehabilitation_enrolment",
    "rehabilitation_monthlyattendance",
    "rehabilitation_plangoal",
    "rehabilitation_planevent",
    "returnees_returneename",
    "returnees_relationship",
    "returnees_caseevent",
    "operations_manifestentry",
    "medical_medicalassessment",
)


def explain_slowest(figures: list[Figure]) -> dict[str, str]:
    """EXPLAIN every query of each scenario's last request; flag a sequential scan of a large
    table in any of them. The plan kept is the one with that scan, else the slowest query's."""
    plans = {}
    with connection.cursor() as cursor:
        for figure in figures:
            chosen = ""
            for sql in dict.fromkeys(figure.statements or [figure.slowest_sql]):
                if not sql.lstrip().upper().startswith(("SELECT", "(SELECT", "WITH")):
                    continue
                cursor.execute("EXPLAIN " + sql)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                if any(f"Seq Scan on {table} " in plan + " " for table in BIG_TABLES):
                    figure.seq_scan_on_big_table = True
                    chosen = plan
                    break
                if sql == figure.slowest_sql:
                    chosen = plan
            if chosen:
                plans[figure.scenario] = chosen
    return plans


def text_table(columns: list[tuple[str, str]], rows: list[list]) -> str:
    """A fixed-width table: each column a title and a format spec ("<36", ">10.2f"); the
    title takes the spec's alignment and width."""
    title_specs = [re.match(r"[<>^]?\d*", spec).group(0) for _title, spec in columns]
    head = " ".join(
        f"{title:{spec}}" for (title, _spec), spec in zip(columns, title_specs, strict=True)
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        lines.append(
            " ".join(f"{value:{spec}}" for value, (_t, spec) in zip(row, columns, strict=True))
        )
    return "\n".join(lines)


def table(figures: list[Figure]) -> str:
    columns = [
        ("scenario", "<36"),
        ("size", ">8"),
        ("median ms", ">10.2f"),
        ("p95 ms", ">9.2f"),
        ("queries", ">8"),
        ("rows", ">5"),
        ("x floor", ">8.1f"),
        ("seq scan", ">9"),
    ]
    rows = [
        [
            f.scenario,
            f.size,
            f.median_ms,
            f.p95_ms,
            f.queries,
            f.rows,
            f.floor_ratio,
            "YES" if f.seq_scan_on_big_table else "no",
        ]
        for f in figures
    ]
    return text_table(columns, rows)


def results_write(path: Path, figures: list, extra: dict) -> None:
    """Figures (of the bench or the load test) and what else the run knows, as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{k: v for k, v in asdict(f).items() if k != "statements"} for f in figures]
    path.write_text(json.dumps({"figures": rows, **extra}, ensure_ascii=False, indent=2))


def manifest_import_scenario(*, size: int, repeat: int, rows: int = 500) -> Figure | None:
    """Check and apply a manifest of `rows` people (four in five by case number, the rest by
    name and date of birth), each time onto a new operation, cancelled afterwards so that the
    people are free for the next run."""
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile

    from repatriation.accounts.models import User
    from repatriation.operations import services
    from repatriation.operations.models import ManifestEntry, Operation
    from returnees.models import CaseStatus, Returnee

    actor = User.objects.get(username="caseworker")
    busy = ManifestEntry.objects.filter(operation__status__in=Operation.ACTIVE_STATUSES)
    free = list(
        Returnee.objects.filter(status=CaseStatus.CLEARED)
        .exclude(pk__in=busy.values("returnee"))
        .order_by("pk")[: rows * repeat]
    )
    if len(free) < rows:
        return None
    timings, queries = [], 0
    for attempt in range(min(repeat, len(free) // rows)):
        chunk = free[attempt * rows : (attempt + 1) * rows]
        lines = ["case_number,name,date_of_birth"]
        for index, person in enumerate(chunk):
            # Every fifth by name and date of birth, where that identifies one person (a
            # manifest's rows do); at a million people some pairs recur.
            if (
                index % 5 == 4
                and Returnee.objects.filter(
                    name_latin=person.name_latin, date_of_birth=person.date_of_birth
                ).count()
                == 1
            ):
                lines.append(f",{person.name_latin},{person.date_of_birth.isoformat()}")
            else:
                lines.append(f"{person.case_number},,")
        upload = SimpleUploadedFile("bench.csv", "\n".join(lines).encode())
        operation = Operation.objects.create(
            code=f"BENCH-{uuid.uuid4().hex[:8]}", name="Benchmark", origin_country="SY"
        )
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            record, result = services.manifest_import_check(
                actor=actor, operation=operation, upload=upload
            )
            intended = {index + 2: person.pk for index, person in enumerate(chunk)}
            choices = {row.row: intended[row.row] for row in result.ambiguous}
            if not result.errors:
                services.manifest_import_apply(
                    actor=actor,
                    manifest_import_id=record.pk,
                    choices=choices,
                    split_reason="benchmark",
                )
            timings.append((time.perf_counter() - start) * 1000)
        if result.errors:
            raise SystemExit(f"manifest import: {result.errors[:3]}")
        queries = max(queries, len(captured.captured_queries))
        operation.status = Operation.Status.CANCELLED
        operation.save(update_fields=["status"])
    return Figure(
        f"manifest import, {rows} rows",
        size,
        round(statistics.median(timings), 2),
        round(_p95(timings), 2),
        queries,
        rows,
    )


def _peak_rss_kb() -> int:
    """This program's peak resident memory. Linux's `ru_maxrss` keeps the high-water mark
    of the process before `exec`, that is of the parent it was forked from: a bench process
    of 300 MB made every report look like 300 MB. `VmHWM` belongs to this program alone."""
    import resource

    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def report_measure_child() -> None:
    """In a fresh process (what a worker is): last month's ministry report, figures then PDF;
    prints one JSON line with the times, the queries and the process's peak memory."""
    import json
    from datetime import timedelta

    from django.utils import timezone, translation

    from rehabilitation.models import Centre
    from repatriation.pdf import render_pdf
    from reporting import selectors
    from reporting.presentation import report_sections
    from returnees.models import Returnee

    month = selectors.Month.of(timezone.localdate().replace(day=1) - timedelta(days=1))
    queries = _count_queries_on_every_connection()
    start = time.perf_counter()
    figures = selectors.monthly_figures(
        month, people=Returnee.objects.all(), centres=Centre.objects.all(), include_legal=True
    )
    figures_ms = (time.perf_counter() - start) * 1000
    query_count = len(queries)
    start = time.perf_counter()
    with translation.override("ru"):
        pdf = render_pdf(
            "reporting/pdf/monthly.html",
            {
                "run": type("Run", (), {"language": "ru"})(),
                "month": month,
                "figures": figures,
                "sections": report_sections(figures),
                "audience_name": "Ministry",
                "printed": timezone.now(),
            },
        )
    pdf_ms = (time.perf_counter() - start) * 1000
    print(
        json.dumps(
            {
                "figures_ms": round(figures_ms, 1),
                "pdf_ms": round(pdf_ms, 1),
                "queries": query_count,
                "peak_mb": round(_peak_rss_kb() / 1024, 1),
                "pdf_kb": round(len(pdf) / 1024, 1),
                "centres": Centre.objects.count(),
                "people": Returnee.objects.count(),
            }
        )
    )


def _count_queries_on_every_connection() -> list[str]:
    """The SQL of every query from now on, on this thread's connection and on those the
    figures open beside it (repatriation.concurrent_reads)."""
    from django.db.backends.signals import connection_created

    seen: list[str] = []

    def count(execute, sql, params, many, context):
        seen.append(sql)  # list.append is atomic: the threads share the list safely
        return execute(sql, params, many, context)

    def on_new(sender, connection, **kwargs):
        connection.execute_wrappers.append(count)

    connection.ensure_connection()  # so that only the connections opened later are new
    connection.execute_wrappers.append(count)
    connection_created.connect(on_new, weak=False)
    return seen


def monthly_report_scenario(*, repeat: int = 3) -> dict:
    """The ministry's monthly report, made `repeat` times in fresh processes: medians of
    the figures' time, the PDF's time and the whole, the queries, and the peak memory."""
    import json
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "repatriation.settings.bench",
        "DATABASE_URL": database_url(),
    }
    code = (
        "import django; django.setup(); "
        "from repatriation import bench; bench.report_measure_child()"
    )
    runs = []
    for _ in range(repeat):
        out = subprocess.run(  # noqa: S603 - our own interpreter and code
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    median = statistics.median
    return {
        "figures_ms": median(r["figures_ms"] for r in runs),
        "pdf_ms": median(r["pdf_ms"] for r in runs),
        "total_ms": round(median(r["figures_ms"] + r["pdf_ms"] for r in runs), 1),
        "queries": max(r["queries"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "pdf_kb": runs[-1]["pdf_kb"],
        "centres": runs[-1]["centres"],
        "people": runs[-1]["people"],
    }


def audit_export_scenario(*, rows: int = 1_000_000) -> dict:
    """The auditor's CSV export of the newest `rows` events (a date filter, as an auditor
    would set it), streamed to nowhere: time, rows, bytes and the peak of Python memory."""
    import tracemalloc
    from datetime import timedelta

    from django.utils import timezone

    from repatriation.accounts.models import User
    from repatriation.audit import exports
    from repatriation.audit.selectors import AuditFilters, audit_event_rows

    auditor = User.objects.get(username="auditor")
    # Generated events are ten seconds apart (audit_events_fill).
    since = (timezone.now() - timedelta(seconds=10 * rows)).date() + timedelta(days=1)
    tracemalloc.start()
    start = time.perf_counter()
    written = lines = 0
    for chunk in exports.csv_chunks(
        audit_event_rows(user=auditor, filters=AuditFilters(date_from=since))
    ):
        written += len(chunk)
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - start
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "rows": lines - 1,
        "seconds": round(seconds, 1),
        "mb_written": round(written / 2**20, 1),
        "peak_python_mb": round(peak / 2**20, 1),
    }
