"""An operation end to end in a real browser: a caseworker plans it, adds two legs, imports a
manifest (a bad row is reported by row and column and nothing is saved; the corrected file is
applied), records boarding cell by cell with htmx, then departure and arrival of both legs; the
family arrives. A medical officer records a red arrival triage with a clinical note; the
caseworker sees the red badge and count but neither the note nor the assessment itself.
Screenshots kept in tests/browser/screenshots/."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from repatriation.accounts.roles import Role
from repatriation.medical.models import MedicalAssessment, Stage, Triage
from repatriation.operations.models import (
    Boarding,
    ManifestEntry,
    ManifestImport,
    Operation,
)
from returnees.models import CaseStatus
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

OPERATION_PAGE = re.compile(r"/operations/(\d+)/(#.*)?$")
IMPORT_REVIEW = re.compile(r"/operations/\d+/import/\d+/$")
CASE_PAGE = re.compile(r"/people/(\d+)/(#.*)?$")
UNKNOWN_CASE = "KZ-1999-000001"
NOTE = "Shrapnel wound, left leg"


def _local(moment) -> str:
    """A datetime-local input's value, in the server's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _sign_in_and_wait(page, username):
    sign_in(page, username, PASSWORD)
    page.wait_for_selector("[data-testid=nav]")


def _sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def _alerts(page):
    return " ".join(page.locator("main .alert").all_inner_texts())


def _submit(page, selector="main form button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


def _csv(path, case_numbers):
    path.write_text(
        "case_number,notes\n" + "".join(f"{number},wave 6\n" for number in case_numbers),
        encoding="utf-8",
    )
    return path


def _import(page, operation_pk, csv_path):
    page.goto(f"/operations/{operation_pk}/")
    page.click("[data-testid=import]")
    page.wait_for_url(f"**/operations/{operation_pk}/import/")
    page.set_input_files("input[name=file]", str(csv_path))
    _submit(page)
    page.wait_for_url(IMPORT_REVIEW)


def _add_leg(page, origin, destination, mode, departs, arrives, **extra):
    page.click("text=Add a leg")
    page.wait_for_url("**/legs/add/")
    page.select_option("#id_origin", str(origin.pk))
    page.select_option("#id_destination", str(destination.pk))
    page.select_option("#id_mode", mode)
    page.fill("#id_carrier", extra.get("carrier", ""))
    page.fill("#id_flight_number", extra.get("flight_number", ""))
    page.fill("#id_scheduled_departure", _local(departs))
    page.fill("#id_scheduled_arrival", _local(arrives))
    if extra.get("arrives_home"):
        page.check("#id_arrives_home")
    _submit(page)
    page.wait_for_url(OPERATION_PAGE)
    assert "Leg added." in _alerts(page)


def _board_everyone(page, leg):
    """Per cell: choose "boarded", Save; htmx swaps only that cell, the page stays."""
    url = page.url
    page.evaluate("window.__samePage = true")
    for boarding in Boarding.objects.filter(leg=leg).order_by("pk"):
        cell = f"#boarding-{boarding.pk}"
        page.select_option(f"{cell} select[data-boarding]", Boarding.Status.BOARDED)
        with page.expect_response(lambda r, pk=boarding.pk: r.url.endswith(f"/boarding/{pk}/")):
            page.click(f"{cell} button[type=submit]")
        # The swapped-in cell carries the next version: the save went through.
        page.wait_for_selector(
            f"{cell} input[name=version][value='{boarding.version + 1}']", state="attached"
        )
        assert page.input_value(f"{cell} select[data-boarding]") == Boarding.Status.BOARDED
        assert page.locator(f"{cell} [role=alert]").count() == 0
    assert page.url == url, "htmx swaps the cell in place; no navigation"
    assert page.evaluate("window.__samePage === true"), "the page was not reloaded"
    assert set(Boarding.objects.filter(leg=leg).values_list("status", flat=True)) == {
        Boarding.Status.BOARDED
    }


def _leg_event(page, sequence, action, moment):
    row = f"tr[data-leg='{sequence}']"
    page.fill(f"{row} input[name=at]", _local(moment))
    _submit(page, f"{row} button[data-action={action}]")
    page.wait_for_url(OPERATION_PAGE)
    expected = "Departure recorded." if action == "depart" else "Arrival recorded."
    assert expected in _alerts(page), _alerts(page)


def test_plan_import_board_fly_home_and_triage(page, users, places, family, tmp_path):
    mother, son, daughter = family
    now = timezone.now().replace(second=0, microsecond=0)
    scheduled = now - timedelta(hours=12)
    leg1_departed, leg1_arrived = now - timedelta(hours=10), now - timedelta(hours=7)
    leg2_departed, leg2_arrived = now - timedelta(hours=5), now - timedelta(hours=1)

    # 1. The caseworker plans the operation and its two legs through the forms.
    _sign_in_and_wait(page, "caseworker")
    page.goto("/operations/")
    page.click("[data-testid=new-operation]")
    page.wait_for_url("**/operations/new/")
    page.fill("#id_code", "op-2026-12")
    page.fill("#id_name", "Wave 6")
    assert page.input_value("#id_origin_country") == "SY"
    page.fill("#id_planned_departure", timezone.localdate(scheduled).isoformat())
    page.fill("#id_planned_return", timezone.localdate(now).isoformat())
    page.check(f"input[name=camps][value='{places['camp'].pk}']")
    _submit(page)
    page.wait_for_url(OPERATION_PAGE)
    assert "Operation created." in _alerts(page)
    operation = Operation.objects.get(code="OP-2026-12")
    assert page.url.endswith(f"/operations/{operation.pk}/")
    assert list(operation.camps.all()) == [places["camp"]]
    assert "OP-2026-12 · Wave 6" in page.inner_text("h1")

    _add_leg(
        page, places["camp"], places["transit"], "road", scheduled, scheduled + timedelta(hours=6)
    )
    _add_leg(
        page,
        places["transit"],
        places["home"],
        "air",
        scheduled + timedelta(hours=8),
        scheduled + timedelta(hours=13),
        carrier="Air Astana",
        flight_number="kc 7001",
        arrives_home=True,
    )
    leg1, leg2 = operation.legs.order_by("sequence")
    assert (leg1.origin, leg1.destination, leg1.arrives_home) == (
        places["camp"],
        places["transit"],
        False,
    )
    assert (leg2.destination, leg2.flight_number, leg2.arrives_home) == (
        places["home"],
        "KC 7001",
        True,
    )
    legs_table = page.inner_text("#legs")
    assert "al-Hol → Qamishli" in legs_table
    assert "Qamishli → Almaty International" in legs_table
    assert "KC 7001" in legs_table

    # A manifest with an unknown case number: the row and column are named, nothing saved.
    bad = _csv(
        tmp_path / "manifest.csv",
        [mother.case_number, UNKNOWN_CASE, son.case_number, daughter.case_number],
    )
    _import(page, operation.pk, bad)
    report = page.wait_for_selector("[data-testid=import-errors]")
    assert "Nothing was imported" in report.inner_text()
    problems = page.eval_on_selector_all(
        "[data-testid=import-errors] tbody tr",
        "rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()))",
    )
    assert problems == [["3", "case_number", "No person with this case number."]]
    assert page.locator("[data-testid=apply-import]").count() == 0
    shot(page, "operation-import-errors")
    assert not ManifestEntry.objects.filter(operation=operation).exists()
    page.goto(f"/operations/{operation.pk}/")
    assert "Nobody on the manifest yet." in page.inner_text("[data-testid=manifest]")
    assert page.locator("[data-testid=manifest] tr[data-case]").count() == 0
    assert page.inner_text("[data-testid=count-planned]") == "0"

    # The corrected file is checked, then applied: the whole family is on the manifest.
    good = _csv(tmp_path / "manifest-corrected.csv", [p.case_number for p in family])
    _import(page, operation.pk, good)
    assert page.locator("[data-testid=import-errors]").count() == 0
    assert "3 rows checked. 3 matched." in page.inner_text("main")
    _submit(page, "[data-testid=apply-import]")
    page.wait_for_url(OPERATION_PAGE)
    assert "Imported 3 people." in _alerts(page)
    cases = page.eval_on_selector_all(
        "[data-testid=manifest] tr[data-case]", "rows => rows.map(r => r.dataset.case)"
    )
    assert sorted(cases) == sorted(p.case_number for p in family)
    assert page.inner_text("[data-testid=count-planned]") == "3"
    imports = ManifestImport.objects.filter(operation=operation).order_by("pk")
    assert list(imports.values_list("status", flat=True)) == [
        ManifestImport.Status.CHECKED,
        ManifestImport.Status.APPLIED,
    ]
    assert page.csp_errors == []

    # 2. Boarding, departure and arrival, leg by leg.
    _board_everyone(page, leg1)
    page.reload()
    assert page.inner_text("[data-testid=count-boarded]") == "3"
    _leg_event(page, 1, "depart", leg1_departed)
    for person in family:
        person.refresh_from_db()
        assert person.status == CaseStatus.IN_TRANSIT
    # Leg 1's boarding list is closed: read-only badges; only leg 2's selects are left.
    for boarding in Boarding.objects.filter(leg=leg1):
        assert page.inner_text(f"#boarding-{boarding.pk}") == "Boarded"
    assert page.locator("select[data-boarding]").count() == 3
    _leg_event(page, 1, "arrive", leg1_arrived)
    _board_everyone(page, leg2)
    _leg_event(page, 2, "depart", leg2_departed)
    _leg_event(page, 2, "arrive", leg2_arrived)

    for leg, departed, arrived in (
        (leg1, leg1_departed, leg1_arrived),
        (leg2, leg2_departed, leg2_arrived),
    ):
        leg.refresh_from_db()
        assert (leg.actual_departure, leg.actual_arrival) == (departed, arrived)
    assert page.inner_text("[data-testid=count-arrived]") == "3"
    assert page.inner_text("[data-testid=count-boarded]") == "3"
    statuses = page.eval_on_selector_all(
        "[data-testid=manifest] tr[data-case] td:nth-child(4)",
        "cells => cells.map(c => c.textContent.trim())",
    )
    assert statuses == ["Arrived"] * 3
    assert "Admission to the adaptation facility" in page.inner_text("#admission")
    for person in family:
        person.refresh_from_db()
        assert person.status == CaseStatus.ARRIVED
    operation.refresh_from_db()
    assert operation.status == Operation.Status.COMPLETED
    assert page.inner_text("[data-testid=count-red]") == "Red: 0"
    shot(page, "operation-arrived")
    assert page.csp_errors == []
    _sign_out(page)

    # 3. The medical officer records the mother's arrival assessment: red, shrapnel.
    _sign_in_and_wait(page, "medical_officer")
    page.goto(f"/people/{mother.pk}/")
    page.wait_for_selector("[data-testid=triage]")
    assert "not assessed" in page.inner_text("[data-testid=triage]")
    page.click("[data-testid=add-assessment]")
    page.wait_for_url(f"**/medical/people/{mother.pk}/add/")
    page.select_option("#id_stage", Stage.ARRIVAL)
    page.fill("#id_assessed_on", timezone.localdate().isoformat())
    page.select_option("#id_triage", Triage.RED)
    page.check("input[name=conditions][value=shrapnel]")
    page.fill("#id_notes", NOTE)
    _submit(page)
    page.wait_for_url(CASE_PAGE)
    assert "Assessment recorded." in _alerts(page)
    assessment = MedicalAssessment.objects.get(returnee=mother)
    assert (assessment.stage, assessment.triage, assessment.conditions, assessment.notes) == (
        Stage.ARRIVAL,
        Triage.RED,
        ["shrapnel"],
        NOTE,
    )
    assert assessment.assessor == users[Role.MEDICAL_OFFICER]
    assert page.locator("[data-testid=triage] .triage-red").inner_text() == "Red"
    with page.expect_navigation():
        page.click("[data-testid=assessments] a")
    page.wait_for_url(f"**/medical/people/{mother.pk}/{assessment.pk}/")
    details = page.inner_text("[data-testid=medical-details]")
    assert NOTE in details
    assert "Shrapnel" in details
    assert page.locator("h1 .triage-red").count() == 1
    shot(page, "medical-assessment-detail")
    assert page.csp_errors == []
    _sign_out(page)

    # 4. The caseworker sees the red badge and the count, never the note or the assessment.
    _sign_in_and_wait(page, "caseworker")
    page.goto(f"/people/{mother.pk}/")
    page.wait_for_selector("#medical [data-testid=triage]")
    assert page.locator("#medical [data-testid=triage] .triage-red").inner_text() == "Red"
    assert page.locator("#medical [data-testid=assessments]").count() == 0
    assert page.locator("[data-testid=add-assessment]").count() == 0
    body = page.inner_text("body")
    assert NOTE not in body
    assert "Shrapnel" not in body
    assert f"/medical/people/{mother.pk}/{assessment.pk}/" not in page.content()
    page.locator("#medical").scroll_into_view_if_needed()
    shot(page, "operation-caseworker-health")

    page.goto(f"/operations/{operation.pk}/")
    page.wait_for_selector("[data-testid=manifest]")
    assert page.inner_text("[data-testid=count-red]") == "Red: 1"
    assert page.locator(f"tr[data-case='{mother.case_number}'] .triage-red").count() == 1
    assert NOTE not in page.inner_text("body")

    response = page.goto(f"/medical/people/{mother.pk}/{assessment.pk}/")
    assert response.status == 404
    assert NOTE not in page.inner_text("body")
    assert page.csp_errors == []
