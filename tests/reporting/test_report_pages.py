"""The reports page: officials ask for a month's report, watch it (htmx row), download it;
a programme manager signs it off; nobody else reaches any of it. The monthly schedule."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from reporting import services
from reporting.models import ReportRun
from tests.reporting.conftest import LAST_MONTH


def _ask(client):
    return client.post(
        reverse("reporting:reports"), {"month": LAST_MONTH.strftime("%Y-%m"), "language": "kk"}
    )


@pytest.mark.parametrize("role", [*Role, "outsider"], ids=str)
def test_who_reaches_the_reports_page(client, users, role):
    client.force_login(users[role])
    asks = role in (Role.MINISTRY_OFFICIAL, Role.PROGRAMME_MANAGER, Role.INTEGRATION)
    sees_own = role in (Role.PARTNER_AGENCY, Role.CENTRE_STAFF)
    page = client.get(reverse("reporting:reports"))
    assert page.status_code == (200 if asks or sees_own else 404)
    if sees_own:
        assert "Make the report" not in page.content.decode()
        assert _ask(client).status_code == 404 and not ReportRun.objects.exists()


def test_an_official_asks_watches_and_downloads(client, users):
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    assert _ask(client).status_code == 302
    run = ReportRun.objects.get()
    assert (run.language, run.period, run.audience) == ("kk", LAST_MONTH, "ministry")
    assert _ask(client).status_code == 302 and ReportRun.objects.count() == 1
    row = client.get(reverse("reporting:report_row", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in row and "<progress" in row
    assert client.get(reverse("reporting:report_pdf", args=[run.pk])).status_code == 404
    services.report_render(run.pk)
    row = client.get(reverse("reporting:report_row", args=[run.pk])).content.decode()
    assert "hx-trigger" not in row and "Download PDF" in row
    download = client.get(reverse("reporting:report_pdf", args=[run.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert AuditEvent.objects.filter(kind=AuditKind.DOWNLOAD, record_id=str(run.pk)).exists()
    assert "Sign off" not in client.get(reverse("reporting:reports")).content.decode()
    sign = client.post(reverse("reporting:report_sign_off", args=[run.pk]))
    assert sign.status_code == 404  # officials do not sign off
    assert ReportRun.objects.get().signed_off_at is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"month": timezone.localdate().strftime("%Y-%m"), "language": "en"}, "month"),
        ({"month": "2019-13", "language": "en"}, "month"),
        ({"month": LAST_MONTH.strftime("%Y-%m"), "language": "de"}, "language"),
        ({}, "month"),
    ],
)
def test_bad_requests_change_nothing(client, users, data, field):
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    response = client.post(reverse("reporting:reports"), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not ReportRun.objects.exists()


def test_a_programme_manager_signs_off_a_published_report(ask, client, users):
    manager = users[Role.PROGRAMME_MANAGER]
    run = ask(actor=manager)
    client.force_login(manager)
    client.post(reverse("reporting:report_sign_off", args=[run.pk]))
    assert ReportRun.objects.get().signed_off_at is None  # not published yet
    services.report_render(run.pk)
    assert "Sign off" in client.get(reverse("reporting:reports")).content.decode()
    client.post(reverse("reporting:report_sign_off", args=[run.pk]))
    run.refresh_from_db()
    assert run.signed_off_by == manager and run.signed_off_at is not None


@pytest.mark.parametrize("role", [Role.PARTNER_AGENCY, Role.CENTRE_STAFF, Role.AUDITOR])
def test_others_get_404_for_a_report(ask, client, users, role):
    run = ask()
    services.report_render(run.pk)
    client.force_login(users[role])
    for name in ("reporting:report_row", "reporting:report_pdf"):
        assert client.get(reverse(name, args=[run.pk])).status_code == 404


def test_the_first_of_the_month_makes_last_months_reports(db):
    first_of_this_month = timezone.localdate().replace(day=1)
    runs = services.reports_create_monthly(today=first_of_this_month)
    assert sorted((r.period, r.language, r.audience) for r in runs) == [
        (LAST_MONTH, "en", "ministry"),
        (LAST_MONTH, "kk", "ministry"),
        (LAST_MONTH, "ru", "ministry"),
    ]
    again = services.reports_create_monthly(today=first_of_this_month)
    assert {r.pk for r in again} == {r.pk for r in runs}
    entry = settings.CELERY_BEAT_SCHEDULE["reports-create-monthly"]
    assert entry["task"] == "reporting.tasks.reports_create_monthly"
    assert entry["schedule"].day_of_month == {1}


def test_the_dashboard_states_what_the_report_states(ask, client, users, tmp_path):
    """The same month on the dashboard and in the PDF: the same people, the same sentence."""
    import subprocess

    from tests.factories import ReturneeFactory

    for sex in ("F", "F", "M"):
        ReturneeFactory(sex=sex, status="placed")
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    page = client.get(reverse("reporting:dashboard"), {"month": LAST_MONTH.strftime("%Y-%m")})
    body = " ".join(page.content.decode().split())
    assert 'data-figure="people">3<' in body
    assert '<td>Women</td><td class="text-end">2</td>' in body
    assert "0 of 0 women have renounced." in body
    run = ask()
    path = tmp_path / "report.pdf"
    path.write_bytes(services.report_render(run.pk).pdf.open("rb").read())
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "Women 2" in text and "Men 1" in text
    assert "0 of 0 women have renounced." in text


def test_a_bad_month_on_the_dashboard_shows_this_month(client, users):
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    page = client.get(reverse("reporting:dashboard"), {"month": "1999-01"})
    assert page.status_code == 200
    assert "There is no such month here" in page.content.decode()


def test_the_tables_download_as_csv_and_xlsx_as_printed(ask, client, users, world):
    """The same figures as the PDF; a centre named like a formula cannot run as one."""
    import csv
    import io

    from openpyxl import load_workbook

    from tests.factories import CentreFactory

    CentreFactory(name='=HYPERLINK("http://evil.example","x")')
    run = ask()
    services.report_render(run.pk)
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    response = client.get(reverse("reporting:report_csv", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Figure", "Column", "Value"]
    assert ["People in the programme", "people in the programme", "People", "4"] in rows
    names = {row[1] for row in rows if row[0] == "Centres"}
    assert '\'=HYPERLINK("http://evil.example","x")' in names
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    book = client.get(reverse("reporting:report_xlsx", args=[run.pk]))
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == rows[0]
    assert all(not str(v).startswith("=") for row in values for v in row if v is not None)
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT, record_id=str(run.pk)).count() == 2
    client.force_login(users[Role.PARTNER_AGENCY])
    assert client.get(reverse("reporting:report_csv", args=[run.pk])).status_code == 404


def test_a_partners_tables_are_suppressed_as_its_pdf(ask, client, users, world):
    import csv
    import io

    agreement = users[Role.PARTNER_AGENCY].agreementusergrant_set.get().content_object
    run = ask("partner", actor=users[Role.PARTNER_AGENCY], agreement=agreement)
    services.report_render(run.pk)
    client.force_login(users[Role.PARTNER_AGENCY])
    response = client.get(reverse("reporting:report_csv", args=[run.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    women = next(row for row in rows if row[1] == "Women" and row[0] == "People in the programme")
    assert women[3] == "<5"
    assert not any(row[0] == "Legal proceedings" for row in rows)


def test_stalled_runs_are_handed_to_a_worker_again(users, monkeypatch):
    """A run a killed worker left running is rendered again; one that is only young is not.
    (The broker call is recorded here; test_report_worker runs the real thing.)"""
    from reporting import tasks

    sent = []
    monkeypatch.setattr(tasks.report_render, "delay", sent.append)
    ask = {
        "actor": users[Role.MINISTRY_OFFICIAL],
        "kind": "monthly_progress",
        "period": LAST_MONTH,
        "audience": "ministry",
    }
    stalled, _new = services.report_request(**ask, language="en")
    young, _new = services.report_request(**ask, language="ru")
    ReportRun.objects.filter(pk=stalled.pk).update(
        status="running", created_at=timezone.now() - timedelta(hours=2)
    )
    assert services.report_runs_resume() == [stalled.pk]
    assert sent == [stalled.pk]
    services.report_render(stalled.pk)  # what the worker then does
    assert ReportRun.objects.get(pk=stalled.pk).status == "done"
    assert services.report_runs_resume() == []
    assert young.pk not in sent


def test_the_api_gives_the_tables_as_printed(ask, api_as, full_scope_token, users):
    run = ask()
    ministry = api_as(full_scope_token)
    assert ministry.get(f"/api/v1/reports/{run.pk}/tables/").status_code == 409
    services.report_render(run.pk)
    body = ministry.get(f"/api/v1/reports/{run.pk}/tables/").json()
    assert body["header"] == ["Section", "Figure", "Column", "Value"]
    assert ["People in the programme", "Women", "People", "0"] in body["rows"]
