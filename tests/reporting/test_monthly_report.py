"""The monthly progress report: a known population gives known figures, the PDF states them
(read back with pdftotext) in each language, and `/api/v1/reports/` requests, polls and
downloads it for those allowed, and for nobody else."""

import calendar
import hashlib
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from django.utils import timezone

from rehabilitation.models import (
    AssessmentInstrument,
    Centre,
    DisengagementStage,
    Enrolment,
    ProgressRating,
)
from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from reporting import selectors, services
from reporting.models import ReportRun
from returnees.models import Returnee
from tests.factories import PlacementFactory, ReturneeFactory
from tests.reporting.conftest import LAST_MONTH


def _pdf_text(data: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "make test installs poppler-utils"
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


@pytest.fixture
def population(users):
    """23 women (17 renounced, 4 ambivalent, 2 adhere), 9 men (5 renounced, 4 ambivalent),
    3 girls in preschool and 4 boys in primary school, all placed at one centre."""
    rater = users[Role.CENTRE_STAFF]
    instrument = AssessmentInstrument.objects.get(code="rehabilitation-progress")
    assessed_on = LAST_MONTH + timedelta(days=9)
    ratings = []

    def adult(sex, stage):
        person = ReturneeFactory(sex=sex, date_of_birth=date(1990, 5, 5), status="placed")
        PlacementFactory(returnee=person, started_on=LAST_MONTH)
        ratings.append(
            ProgressRating(
                returnee=person,
                instrument=instrument,
                assessed_on=assessed_on,
                rater=rater,
                discipline="psychologist",
                scores=dict.fromkeys(instrument.domain_codes(), 3),
                disengagement=stage,
            )
        )

    for stage, n in (("renounced", 17), ("ambivalent", 4), ("adheres", 2)):
        for _ in range(n):
            adult("F", stage)
    for stage, n in (("renounced", 5), ("ambivalent", 4)):
        for _ in range(n):
            adult("M", stage)
    ProgressRating.objects.bulk_create(ratings)
    for sex, level, born, n in (
        ("F", "preschool", date(2022, 1, 1), 3),
        ("M", "primary", date(2017, 1, 1), 4),
    ):
        for _ in range(n):
            child = ReturneeFactory(sex=sex, date_of_birth=born, status="placed")
            Enrolment.objects.create(
                returnee=child, level=level, institution="School 7", started_on=LAST_MONTH
            )
    return Returnee.objects.all()


def test_the_figures_of_a_known_population(population, db):
    month = selectors.Month(LAST_MONTH)
    people = selectors.people_by_sex_and_age(month, population)
    assert (people["women"], people["men"], people["girls"], people["boys"]) == (23, 9, 3, 4)
    assert people["age_under_5"] == 3 and people["age_5_11"] == 4
    stages = selectors.psychosocial_figures(month, population)["stages"]
    assert stages["F"] == {"renounced": 17, "ambivalent": 4, "adheres": 2}
    assert stages["M"] == {"renounced": 5, "ambivalent": 4, "adheres": 0}
    education = selectors.education_figures(month, population)
    assert education["by_level"] == {"preschool": 3, "primary": 4}


def test_everyone_counted_without_a_join_equals_everyone_through_one(population, db):
    """The ministry's report (everyone) counts records with no condition on people; the same
    people through a condition (the path every other audience takes) give every figure
    the same."""
    month = selectors.Month(LAST_MONTH)
    kwargs = {"centres": Centre.objects.all(), "include_legal": True}
    everyone = selectors.monthly_figures(month, people=Returnee.objects.all(), **kwargs)
    through = selectors.monthly_figures(month, people=Returnee.objects.filter(pk__gt=0), **kwargs)
    assert everyone == through
    assert everyone["people"]["women"] == 23


def test_the_most_worrying_stage_of_a_day_counts(population, users, db):
    woman = Returnee.objects.filter(sex="F", progress_ratings__disengagement="renounced").first()
    first = woman.progress_ratings.get()
    first.pk = None
    first.rater = users[Role.ADMINISTRATOR]  # a second rater, the same day, more worried
    first.disengagement = "adheres"
    first.save()
    stages = selectors.psychosocial_figures(selectors.Month(LAST_MONTH), population)["stages"]
    assert stages["F"]["renounced"] == 16 and stages["F"]["adheres"] == 3


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "en",
            [
                "Monthly progress report",
                "17 of 23 women have renounced",
                "5 of 9 men",
                "Preschool 3",
                "Primary school 4",
                "Women 23",
                "Girls 3",
            ],
        ),
        ("ru", ["Ежемесячный отчёт", "17 из 23 женщин отказались"]),
        ("kk", ["Ай сайынғы есеп", "23 әйелдің 17 идеологиядан"]),
    ],
)
def test_the_pdf_states_the_figures(population, users, tmp_path, language, words):
    run, new = services.report_request(
        actor=users[Role.MINISTRY_OFFICIAL],
        kind="monthly_progress",
        period=LAST_MONTH,
        audience="ministry",
        language=language,
    )
    assert new
    run = services.report_render(run.pk)
    assert run.status == "done" and run.progress == 100
    data = run.pdf.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == run.sha256
    text = _pdf_text(data, tmp_path)
    for word in words:
        assert word in text, (word, text[:500])
    # Published runs are never rendered again.
    assert services.report_render(run.pk).sha256 == run.sha256


def test_asking_twice_gives_the_same_run(users, db):
    ask = {
        "actor": users[Role.MINISTRY_OFFICIAL],
        "kind": "monthly_progress",
        "period": LAST_MONTH,
        "audience": "ministry",
        "language": "en",
    }
    first, new = services.report_request(**ask)
    again, new_again = services.report_request(**ask)
    assert new and not new_again and first.pk == again.pk
    assert ReportRun.objects.count() == 1


@pytest.fixture
def ministry(api_as, full_scope_token):
    return api_as(full_scope_token)


def test_the_api_requests_polls_and_downloads(ministry, users, db):
    body = {
        "kind": "monthly_progress",
        "month": LAST_MONTH.strftime("%Y-%m"),
        "audience": "ministry",
        "language": "en",
    }
    created = ministry.post("/api/v1/reports/", body)
    assert created.status_code == 201, created.json()
    run_id = created.json()["id"]
    assert created.json()["status"] == "queued" and created.json()["pdf"] is None
    assert ministry.post("/api/v1/reports/", body).status_code == 200
    url = f"/api/v1/reports/{run_id}/pdf/"
    assert ministry.get(url).status_code == 409  # not ready yet
    services.report_render(run_id)
    polled = ministry.get(f"/api/v1/reports/{run_id}/").json()
    assert polled["status"] == "done" and polled["pdf"].endswith(url)
    download = ministry.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(kind=AuditKind.DOWNLOAD, record_id=str(run_id)).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": timezone.localdate().strftime("%Y-%m")}, "month"),
        ({"audience": "everyone"}, "audience"),
        ({"audience": "partner"}, "agreement"),
        ({"audience": "centre", "centre": 10**6}, "centre"),
        ({"language": "de"}, "language"),
        ({"kind": "weekly"}, "kind"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_bad_requests_are_named(ministry, db, change, field):
    body = {
        "kind": "monthly_progress",
        "month": LAST_MONTH.strftime("%Y-%m"),
        "audience": "ministry",
        "language": "en",
        **change,
    }
    response = ministry.post("/api/v1/reports/", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ReportRun.objects.exists()


def test_partners_neither_request_nor_see_the_ministrys_report(ask, api_as, partner_token, users):
    run = ask()
    services.report_render(run.pk)
    partner = api_as(partner_token)
    assert partner.get("/api/v1/reports/").json()["results"] == []
    assert partner.get(f"/api/v1/reports/{run.pk}/").status_code == 404
    assert partner.get(f"/api/v1/reports/{run.pk}/pdf/").status_code == 404
    body = {
        "kind": "monthly_progress",
        "month": LAST_MONTH.strftime("%Y-%m"),
        "audience": "ministry",
        "language": "en",
    }
    assert partner.post("/api/v1/reports/", body).status_code == 403


def test_a_partners_report_counts_its_scope_suppressed(ask, users, world, population, tmp_path):
    """The partner's agreement: centre A and operation X, identity and education. Its report
    has no health, verification, psychosocial or legal section, and prints small counts as
    <5."""
    agreement = users[Role.PARTNER_AGENCY].agreementusergrant_set.get().content_object
    run = ask("partner", actor=users[Role.PARTNER_AGENCY], agreement=agreement)
    run = services.report_render(run.pk)
    assert run.status == "done", run.error
    text = _pdf_text(run.pdf.open("rb").read(), tmp_path)
    assert agreement.organisation.name in text
    assert "<5" in text and "numbers from 1 to 4 print as" in text
    for absent in ("Health", "Nationality verification", "Psychosocial", "Legal proceedings"):
        assert absent not in text, absent
    assert "Education and activities" in text
    # person_a alone is placed at centre A: one woman, printed <5, never 1.
    assert "Women <5" in text and "Women 1 " not in text


def test_a_centres_report_is_its_residents(ask, users, world, population, tmp_path):
    centre = world["person_a"].placements.get().centre
    run = ask("centre", centre=centre)
    run = services.report_render(run.pk)
    text = _pdf_text(run.pdf.open("rb").read(), tmp_path)
    assert centre.name in text and "Psychosocial support" in text
    assert "Health" not in text and "Legal proceedings" not in text


def test_who_asks_for_and_sees_which_report(ask, api_as, partner_token, users, world):
    from repatriation import policy
    from tests.factories import AgreementFactory

    own = users[Role.PARTNER_AGENCY].agreementusergrant_set.get().content_object
    other = AgreementFactory()
    partner = api_as(partner_token)
    body = {
        "kind": "monthly_progress",
        "month": LAST_MONTH.strftime("%Y-%m"),
        "audience": "partner",
        "language": "ru",
    }
    assert partner.post("/api/v1/reports/", {**body, "agreement": own.pk}).status_code == 201
    assert partner.post("/api/v1/reports/", {**body, "agreement": other.pk}).status_code == 403
    # An agreement that does not exist reads the same to a partner.
    assert partner.post("/api/v1/reports/", {**body, "agreement": 10**6}).status_code == 403
    centre = world["person_a"].placements.get().centre
    centre_body = {**body, "audience": "centre", "centre": centre.pk}
    assert partner.post("/api/v1/reports/", centre_body).status_code == 403
    listed = partner.get("/api/v1/reports/").json()["results"]
    assert [(r["audience"], r["agreement"]) for r in listed] == [("partner", own.pk)]
    staff = users[Role.CENTRE_STAFF]  # on centre A's roster
    assert policy.may_request_report(staff, "centre", centre=centre)
    assert not policy.may_request_report(staff, "ministry")
    run = ask("centre", actor=staff, centre=centre)
    assert list(policy.report_runs_visible_to(staff)) == [run]
    assert run not in policy.report_runs_visible_to(users[Role.PARTNER_AGENCY])
    assert run in policy.report_runs_visible_to(users[Role.MINISTRY_OFFICIAL])


def test_the_monthly_schedule_covers_every_audience(users, world):
    today = timezone.localdate().replace(day=1)
    runs = services.reports_create_monthly(today=today)
    scopes = {r.scope_key for r in runs}
    assert "ministry" in scopes
    assert any(s.startswith("partner:") for s in scopes)
    assert any(s.startswith("centre:") for s in scopes)
    assert len(runs) == len(scopes) * 3  # three languages each


def _rating(person, instrument, day: date, stage: str, rater) -> ProgressRating:
    """A psychologist's rating of `person` on `day` with only a stage of disengagement."""
    return ProgressRating.objects.create(
        returnee=person,
        instrument=instrument,
        assessed_on=day,
        rater=rater,
        discipline="psychologist",
        scores={},
        disengagement=stage,
    )


def test_the_trend_takes_each_months_latest_assessment(users, db):
    from reporting.selectors import stages_at

    rater = users[Role.CENTRE_STAFF]
    instrument = AssessmentInstrument.objects.get(code="rehabilitation-progress")
    woman = ReturneeFactory(sex="F", date_of_birth=date(1990, 1, 1))
    for day, stage in ((date(2026, 6, 10), "adheres"), (date(2026, 8, 3), "renounced")):
        _rating(woman, instrument, day, stage, rater)
    points = [date(2026, 5, 31), date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)]
    found = stages_at(Returnee.objects.all(), points)
    assert [at.get(woman.pk) for at in found] == [None, "adheres", "adheres", "renounced"]


def test_stage_counts_in_sql_equal_the_per_person_walk(users, db):
    """stage_counts_at (one SQL query) counts exactly what stages_at finds person by person,
    including several raters on one day (the most worrying stands) and people never rated."""
    from reporting.selectors import stage_counts_at, stages_at

    rater, other = users[Role.CENTRE_STAFF], users[Role.ADMINISTRATOR]
    instrument = AssessmentInstrument.objects.get(code="rehabilitation-progress")
    people = [
        ReturneeFactory(sex=sex, date_of_birth=date(1985 + i, 1, 1))
        for i, sex in enumerate("FFMFM")
    ]
    plan = [
        (0, date(2026, 3, 2), "adheres", rater),
        (0, date(2026, 5, 20), "renounced", rater),
        (1, date(2026, 4, 30), "ambivalent", rater),
        (1, date(2026, 4, 30), "adheres", other),  # same day, worse stage wins
        (2, date(2026, 1, 15), "renounced", rater),
        (3, date(2026, 6, 30), "ambivalent", rater),  # on a point's own day
        # Spans over before the first point count nowhere; the one still open everywhere.
        (2, date(2025, 11, 3), "adheres", rater),
        (4, date(2025, 10, 1), "ambivalent", rater),
        (4, date(2025, 12, 1), "adheres", rater),
    ]
    for index, day, stage, who in plan:
        _rating(people[index], instrument, day, stage, who)
    points = [date(2026, m, calendar.monthrange(2026, m)[1]) for m in range(1, 8)]
    chosen = Returnee.objects.filter(pk__in=[p.pk for p in people])
    sex_of = {p.pk: p.sex for p in people}

    def walk():
        walked = []
        for stages in stages_at(chosen, points):
            counts = {s: dict.fromkeys(DisengagementStage.values, 0) for s in ("F", "M")}
            for person, stage in stages.items():
                counts[sex_of[person]][stage] += 1
            walked.append(counts)
        return walked

    walked = walk()
    outsider = ReturneeFactory(sex="F", date_of_birth=date(1980, 1, 1))
    _rating(outsider, instrument, date(2026, 2, 1), "renounced", rater)  # rated, not chosen
    assert stage_counts_at(chosen, points) == walked
    assert walked[3]["F"]["adheres"] == 2 and walked[5]["F"]["ambivalent"] == 1
    assert walked[0]["M"] == {"renounced": 1, "ambivalent": 0, "adheres": 1}
    # A rating recorded later splits a span: the counts follow at once.
    _rating(people[4], instrument, date(2026, 3, 10), "renounced", rater)
    assert walk() != walked
    assert stage_counts_at(chosen, points) == walk()
