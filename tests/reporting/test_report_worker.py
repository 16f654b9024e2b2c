"""The monthly report made for real: requested through the API by an official, rendered by a
real worker process on the configured broker (Redis in CI), downloaded through the API and the
page as a PDF that states the figures; a partner can download it from neither."""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse

from repatriation.accounts.roles import Role
from reporting import services
from reporting.models import ReportRun
from tests.conftest import worker_start, worker_stop
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


def _pool_children(worker: subprocess.Popen) -> list[int]:
    """The worker's pool processes (Linux: the kernel lists a process's children)."""
    children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
    return [int(pid) for pid in children]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_render_killed_mid_way_is_made_again_by_the_worker(users, tmp_path):
    """The process rendering a report is killed (as the kernel's out-of-memory killer
    would): the worker hands the message back (late acknowledgement, rejected on a lost
    worker), a new pool process renders the run from the start, and the PDF is whole."""
    for _ in range(3):
        ReturneeFactory(sex="F", status="placed")
    worker = worker_start("--pool=prefork", "--concurrency=1")
    try:
        run, _new = services.report_request(
            actor=users[Role.MINISTRY_OFFICIAL],
            kind="monthly_progress",
            period=LAST_MONTH,
            audience="ministry",
            language="en",
        )
        deadline = time.monotonic() + 120
        running = ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING)
        while (first_start := running.values_list("started_at", flat=True).first()) is None:
            assert worker.poll() is None, worker.communicate()[0]
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.01)
        [rendering] = _pool_children(worker)
        os.kill(rendering, signal.SIGKILL)
        run.refresh_from_db()
        # Killed mid-render (the render takes about a second; a run already made would fail
        # here, never pass unseen), or already started again by the next pool process.
        assert run.status == ReportRun.Status.RUNNING and not run.pdf
        while ReportRun.objects.get(pk=run.pk).status != ReportRun.Status.DONE:
            assert worker.poll() is None, worker.communicate()[0]
            assert time.monotonic() < deadline, "the run was not made again"
            time.sleep(0.2)
    finally:
        printed = worker_stop(worker)
    run.refresh_from_db()
    # Made by a second start (the first, killed, never finished), by another process.
    assert run.started_at > first_start
    assert "WorkerLostError" in printed
    pdf = run.pdf.read()
    assert hashlib.sha256(pdf).hexdigest() == run.sha256
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "Monthly progress report" in text
    assert "Women 3" in text
