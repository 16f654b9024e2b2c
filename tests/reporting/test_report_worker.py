"""The monthly report made for real: requested through the API by an official, rendered by a
real worker process on the configured broker (Redis in CI), downloaded through the API and the
page as a PDF that states the figures; a partner can download it from neither."""

import subprocess
import time

import pytest
from django.urls import reverse

from repatriation.accounts.roles import Role
from reporting.models import ReportRun
from tests.factories import ReturneeFactory
from tests.reporting.conftest import LAST_MONTH


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_official_gets_the_report_from_a_real_worker(worker, client, users, tmp_path):
    for _ in range(3):
        ReturneeFactory(sex="F", status="placed")
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    body = {
        "kind": "monthly_progress",
        "month": LAST_MONTH.strftime("%Y-%m"),
        "audience": "ministry",
        "language": "en",
    }
    created = client.post("/api/v1/reports/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    run_id = created.json()["id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = ReportRun.objects.get(pk=run_id).status
        if status in ("done", "failed"):
            break
        assert worker.poll() is None, worker.communicate()[0]
        time.sleep(0.5)
    run = ReportRun.objects.get(pk=run_id)
    assert run.status == "done", run.error
    download = client.get(f"/api/v1/reports/{run_id}/pdf/")
    assert download.status_code == 200
    path = tmp_path / "report.pdf"
    path.write_bytes(b"".join(download.streaming_content))
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "Monthly progress report" in text
    assert "Women 3" in text  # the three women placed above
    page = client.get(reverse("reporting:report_pdf", args=[run_id]))  # through the page
    assert page.status_code == 200
    assert b"".join(page.streaming_content) == path.read_bytes()
    client.force_login(users[Role.PARTNER_AGENCY])
    assert client.get(f"/api/v1/reports/{run_id}/pdf/").status_code == 404
    assert client.get(reverse("reporting:report_pdf", args=[run_id])).status_code == 404
