"""The reports page in Chromium: an official asks for a report and sees it published without
reloading (htmx polls the row), then downloads it."""

import pytest

from reporting import services
from reporting.models import ReportRun
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_an_official_watches_a_report_being_made(page, users):
    sign_in(page, "ministry_official", PASSWORD)
    page.goto("/dashboard/")
    page.click("text=Monthly reports")
    page.select_option("#id_language", "ru")
    page.click("button:has-text('Make the report')")
    page.wait_for_selector("progress.report-progress")
    shot(page, "reports-queued")
    run = ReportRun.objects.get()
    services.report_render(run.pk)  # what the worker does; the page is not reloaded
    page.wait_for_selector(f"#report-{run.pk} a:has-text('Download PDF')", timeout=10000)
    with page.expect_download() as download:
        page.click(f"#report-{run.pk} a:has-text('Download PDF')")
    assert download.value.suggested_filename.endswith("-ministry-ru.pdf")
    assert page.csp_errors == []
    shot(page, "reports-published")


def test_the_dashboard_renders_its_figures_and_charts(page, users, world):
    sign_in(page, "ministry_official", PASSWORD)
    page.goto("/dashboard/")
    page.wait_for_selector("[data-figure=people]")
    assert page.locator("[data-figure=people]").inner_text() == "4"
    assert page.locator("figure svg text").count() >= 10  # the trend's axes
    assert page.locator("table").count() >= 4
    page.select_option("#id_month", index=1)
    page.click("button:has-text('Show')")
    page.wait_for_selector("[data-figure=people]")
    assert page.csp_errors == []
    shot(page, "dashboard")
