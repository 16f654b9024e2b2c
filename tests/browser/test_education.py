"""Centre staff enrol a resident and fill in a class's month in the browser."""

import pytest

from rehabilitation.models import MonthlyAttendance
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_centre_staff_enrol_and_record_class_attendance(page, world):
    person = world["person_a"]
    sign_in(page, "centre_staff", PASSWORD)
    page.wait_for_selector("[data-testid=nav]")
    page.goto(f"/people/{person.pk}/")
    page.click("[data-testid=enrol-link]")
    page.select_option("#id_level", index=1)
    page.fill("#id_institution", "School No. 12, Almaty")
    page.fill("#id_grade", "3B")
    page.fill("#id_started_on", "2026-09-01")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-section=family]")

    page.click("[data-nav=centre]")
    page.click("[data-testid=attendance-link]")
    page.select_option("#id_klass", label="School No. 12, Almaty — 3B")
    page.fill("#id_month", "2026-10")
    page.click("form[method=get] button[type=submit]")
    page.wait_for_selector("[data-testid=attendance-sheet]")
    assert person.case_number in page.inner_text("[data-testid=attendance-sheet]")
    page.fill(f"[name=expected-{person.enrolments.get().pk}]", "21")
    page.fill(f"[name=present-{person.enrolments.get().pk}]", "25")
    page.click("[data-testid=save-attendance]")
    page.wait_for_selector(".alert-danger")
    assert "between 0 and the school days" in page.inner_text("main")
    assert page.input_value(f"[name=present-{person.enrolments.get().pk}]") == "25"
    assert not MonthlyAttendance.objects.exists()
    shot(page, "attendance-rejected")

    page.fill(f"[name=present-{person.enrolments.get().pk}]", "19")
    page.click("[data-testid=save-attendance]")
    page.wait_for_selector(".alert-success")
    shot(page, "attendance-saved")
    saved = MonthlyAttendance.objects.get()
    assert (saved.days_expected, saved.days_present) == (21, 19)
    assert page.csp_errors == []
