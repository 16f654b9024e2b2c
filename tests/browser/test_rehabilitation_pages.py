"""The rehabilitation pages in the browser: placement, sessions with confidential notes,
activities saved row by row, progress ratings and the trajectory, legal proceedings and what
a parent's custody shows to a child's carers, reintegration, and opening a sealed record."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from rehabilitation import services
from rehabilitation.models import (
    ActivityParticipation,
    AssessmentInstrument,
    CustodyPeriod,
    FollowUpVisit,
    LegalProceeding,
    Placement,
    ProgressRating,
    ReintegrationPlan,
    SealedRecordAccess,
    Session,
)
from repatriation.accounts.roles import Discipline, Role
from repatriation.medical import services as medical
from returnees.models import Relationship, RelativeAtHome
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD
from tests.factories import CentreFactory, PlacementFactory, ReturneeFactory, UserFactory

pytestmark = pytest.mark.browser

NOTES = "Sleeps badly since the transfer; nightmares about the camp."
COURT = "Specialised Inter-district Criminal Court of Astana"
CHARGES = "Art. 257 participation in a terrorist organisation"


# Helpers and fixtures -----------------------------------------------------------------


def _sign_in(page, username):
    sign_in(page, username, PASSWORD)
    page.wait_for_selector("[data-testid=nav]")


def _sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def _open_case(page, pk):
    page.goto(f"/people/{pk}/")
    page.wait_for_selector("[data-testid=status]")


def _submit(page, selector="main form[method=post] button[type=submit]"):
    with page.expect_navigation():
        page.click(selector)


# WCAG contrast of an element's text against the first opaque background behind it.
CONTRAST = """(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lin = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const lum = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  let node = el, bg = [255, 255, 255];
  for (; node && node.nodeType === 1; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length === 3 || c[3] > 0) { bg = c; break; }
  }
  const [hi, lo] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
}"""
# Texts of an SVG drawn partly outside its viewBox (cut off on screen).
CLIPPED = """(svg) => {
  const vb = svg.viewBox.baseVal;
  return [...svg.querySelectorAll("text")].filter((t) => {
    const b = t.getBBox();
    return b.x < vb.x || b.y < vb.y || b.x + b.width > vb.x + vb.width
      || b.y + b.height > vb.y + vb.height;
  }).map((t) => t.textContent);
}"""


def _contrast(locator) -> float:
    return locator.evaluate(CONTRAST)


def _staff(username, discipline, centre):
    user = UserFactory(username=username, role=Role.CENTRE_STAFF, discipline=discipline)
    assign_perm("rehabilitation.work_at_centre", user, centre)
    return user


@pytest.fixture
def centre_staff(world):
    """A psychologist and a theologian on centre A's roster, beside the teacher."""
    centre_a = world["person_a"].placements.get().centre
    return {
        "psychologist": _staff("psychologist_a", Discipline.PSYCHOLOGIST, centre_a),
        "theologian": _staff("theologian_a", Discipline.THEOLOGIAN, centre_a),
        "centre_a": centre_a,
    }


@pytest.fixture
def instrument(db):
    """The standard instrument from the data migration (the live-server tests empty the
    database between tests, so it is made again when gone)."""
    return AssessmentInstrument.objects.get_or_create(
        code="rehabilitation-progress",
        defaults={
            "name": "Rehabilitation progress",
            "domains": [
                {"code": "wellbeing", "label": "Emotional wellbeing"},
                {"code": "social", "label": "Social relations"},
                {"code": "family", "label": "Family relations"},
                {"code": "learning", "label": "Learning and work"},
                {"code": "beliefs", "label": "Understanding of religion"},
                {"code": "trust", "label": "Trust in institutions"},
            ],
            "score_min": 1,
            "score_max": 5,
            "interval_days": 90,
        },
    )[0]


# 1. Placement ----------------------------------------------------------------------------


def test_caseworker_places_a_person_leaving_adaptation(page, world):
    users = world["users"]
    today = timezone.localdate()
    centre_b = world["person_b"].placements.get().centre
    centre_b.region = "Shymkent"
    centre_b.save()
    facility = CentreFactory(name="Adaptation facility", capacity=30)
    person = PlacementFactory(
        centre=facility,
        kind="adaptation",
        started_on=today - timedelta(days=28),
        returnee=ReturneeFactory(primary_name="Мадина Сейткали", status="adaptation"),
    ).returnee
    RelativeAtHome.objects.create(
        returnee=person, full_name="Гульнар", relationship="mother", region="Shymkent"
    )
    medical.assessment_record(
        actor=users[Role.MEDICAL_OFFICER],
        returnee=person,
        values={"stage": "arrival", "assessed_on": today - timedelta(days=27), "triage": "green"},
    )

    _sign_in(page, "caseworker")
    _open_case(page, person.pk)
    with page.expect_navigation():
        page.click("[data-testid=placement]")
    suggestions = page.locator("[data-testid=suggestions] > li")
    # Centres A and B; never the adaptation facility the person is leaving.
    assert suggestions.count() == 2
    assert facility.name not in page.inner_text("[data-testid=suggestions]")
    top = suggestions.first.inner_text()
    assert "Centre B" in top
    assert "relatives at home in Shymkent" in top
    assert "free places" in top
    shot(page, "placement-suggestions")

    _submit(page)  # nothing filled in
    page.wait_for_selector(".invalid-feedback")
    for field in ("centre", "started_on", "reason"):
        assert page.locator(f"#id_{field}_errors").is_visible()
    assert not Placement.objects.filter(centre=centre_b, returnee=person).exists()
    person.refresh_from_db()
    assert person.status == "adaptation"
    shot(page, "placement-errors")

    page.select_option("#id_centre", label="Centre B")
    page.select_option("#id_kind", "residential")
    page.fill("#id_started_on", today.isoformat())
    page.fill("#id_reason", "Adaptation month completed")
    _submit(page)
    page.wait_for_selector("[data-testid=status]")
    assert "Placement recorded." in page.inner_text("main")
    assert page.inner_text("[data-testid=status]").strip() == "Placed"
    assert "Centre B (Residential)" in page.inner_text("#identity")
    person.refresh_from_db()
    assert person.status == "placed"
    assert person.placements.get(ended_on__isnull=True).centre == centre_b
    assert person.placements.get(kind="adaptation").ended_on == today
    shot(page, "placement-done")
    assert page.csp_errors == []


# 2. Sessions -----------------------------------------------------------------------------


def _session_start():
    """A few minutes ago, but today (the My centre list is of today's sessions)."""
    now = timezone.localtime().replace(second=0, microsecond=0)
    return max(now - timedelta(minutes=5), now.replace(hour=0, minute=0))


def test_psychologist_records_a_session_whose_notes_the_teacher_cannot_read(
    page, world, centre_staff
):
    person = world["person_a"]
    _sign_in(page, "psychologist_a")
    _open_case(page, person.pk)
    with page.expect_navigation():
        page.click("[data-testid=session-add]")
    assert page.url.endswith(f"/rehabilitation/my-centre/sessions/new/?person={person.pk}")
    # The link ticks the person and makes the session individual.
    ticked = page.locator("input[name=participants]:checked")
    assert ticked.count() == 1
    assert ticked.get_attribute("value") == str(person.pk)
    assert page.is_checked("input[name=format][value=individual]")
    page.select_option("#id_kind", "psychological")
    page.select_option("#id_status", "held")
    page.fill("#id_starts_at", _session_start().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_duration_minutes", "50")
    page.fill("#id_topic", "Weekly individual session")
    page.fill("#id_notes", NOTES)
    shot(page, "session-form")

    page.check("input[name=format][value=group]")  # a group of one
    _submit(page)
    page.wait_for_selector("#id_participants_errors")
    assert "at least two participants" in page.inner_text("#id_participants_errors")
    assert not Session.objects.exists()
    assert page.input_value("#id_notes") == NOTES  # nothing to type again
    shot(page, "session-rejected")

    page.check("input[name=format][value=individual]")
    _submit(page)
    page.wait_for_url("**/rehabilitation/sessions/*/")
    session = Session.objects.get()
    assert page.url.endswith(f"/rehabilitation/sessions/{session.pk}/")
    assert "Session recorded." in page.inner_text("main")
    assert session.notes == NOTES
    assert session.facilitator.username == "psychologist_a"
    assert list(session.participants.all()) == [person]
    # The psychologist reads (and may edit) the notes.
    assert page.input_value("#id_notes") == NOTES
    facts = page.inner_text("[data-testid=session-facts]")
    assert person.case_number in facts
    assert "Weekly individual session" in facts
    shot(page, "session-psychologist")
    assert page.csp_errors == []

    page.click("[data-nav=centre]")
    today = page.inner_text("[data-testid=sessions-today]")
    assert "Psychological" in today
    assert person.primary_name in today
    shot(page, "my-centre-session-today")

    _sign_out(page)
    _sign_in(page, "centre_staff")  # the teacher
    response = page.goto(f"/rehabilitation/sessions/{session.pk}/")
    assert response.status == 200
    facts = page.inner_text("[data-testid=session-facts]")
    assert "Held" in facts
    assert person.case_number in facts
    assert "psychologist_a" in facts
    assert "confidential" in page.inner_text("[data-testid=notes-confidential]")
    assert NOTES not in page.content()
    assert page.locator("#id_notes").count() == 0
    shot(page, "session-teacher")

    _open_case(page, person.pk)
    sessions = page.inner_text("[data-testid=sessions]")
    assert "Psychological" in sessions
    assert "confidential" in sessions
    assert NOTES not in page.content()
    assert page.csp_errors == []


# 3. Activities ---------------------------------------------------------------------------


def test_activity_month_saves_each_row_without_reloading(page, world):
    person = world["person_a"]
    _sign_in(page, "centre_staff")
    page.click("[data-nav=centre]")
    with page.expect_navigation():
        page.click("[data-testid=activities-link]")
    page.select_option("#id_centre", label="Centre A")
    page.select_option("#id_kind", "sports")
    page.fill("#id_name", "Football")
    page.fill("#id_started_on", (timezone.localdate() - timedelta(days=60)).isoformat())
    shot(page, "activities")
    _submit(page)
    page.wait_for_selector("[data-testid=participation-sheet]")
    assert "Activity added." in page.inner_text("main")

    # The month sheet, opened with the month picker.
    month = f"{timezone.localdate():%Y-%m}"
    page.fill("#month", month)
    with page.expect_navigation():
        page.click("form[method=get] button[type=submit]")
    row = f"#participation-{person.pk}"
    page.wait_for_selector(row)
    assert person.case_number in page.inner_text(row)

    url = page.url
    page.evaluate("window.__sameDocument = true")
    history = page.evaluate("history.length")
    page.fill(f"{row} input[name=times]", "7")
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row} [role=status]")
    assert page.inner_text(f"{row} [role=status]") == "Saved."
    assert page.url == url
    assert page.evaluate("window.__sameDocument") is True  # no page load happened
    assert page.evaluate("history.length") == history
    saved = ActivityParticipation.objects.get()
    assert (saved.returnee, saved.times, saved.month) == (
        person,
        7,
        timezone.localdate().replace(day=1),
    )
    assert page.input_value(f"{row} input[name=times]") == "7"
    shot(page, "activity-row-saved")

    page.fill(f"{row} input[name=times]", "99")
    page.click(f"{row} button[type=submit]")
    page.wait_for_selector(f"{row} [role=alert]")
    assert "62" in page.inner_text(f"{row} [role=alert]")
    assert page.locator(f"{row} [role=status]").count() == 0
    assert page.get_attribute(f"{row} input[name=times]", "aria-invalid") == "true"
    assert page.input_value(f"{row} input[name=times]") == "99"
    assert page.url == url
    assert page.evaluate("window.__sameDocument") is True
    assert ActivityParticipation.objects.count() == 1
    assert ActivityParticipation.objects.get().times == 7
    shot(page, "activity-row-rejected")
    assert page.csp_errors == []


# 4. Progress ratings ---------------------------------------------------------------------


def _scores(instrument, *values):
    return dict(zip(instrument.domain_codes(), values, strict=True))


def test_psychologist_rates_progress_and_sees_the_trajectory(page, world, centre_staff, instrument):
    person = world["person_a"]
    today = timezone.localdate()
    # An earlier assessment, so that the chart draws lines.
    services.progress_rating_record(
        actor=centre_staff["psychologist"],
        returnee=person,
        instrument=instrument,
        assessed_on=today - timedelta(days=90),
        scores=_scores(instrument, 2, 2, 3, 1, 2, 1),
        disengagement="adheres",
    )

    _sign_in(page, "psychologist_a")
    _open_case(page, person.pk)
    with page.expect_navigation():
        page.click("[data-testid=rate-link]")
    assert page.input_value("#id_assessed_on") == today.isoformat()
    codes = instrument.domain_codes()
    mine = [4, 3, 4, 2, 3, 3]
    for code, score in zip(codes[:-1], mine, strict=False):  # the last domain left unscored
        page.select_option(f"#id_score_{code}", str(score))
    page.check("input[name=disengagement][value=ambivalent]")
    page.fill("#id_comment", "Talks more openly in the group.")
    _submit(page)
    page.wait_for_selector(f"#id_score_{codes[-1]}_errors")
    assert ProgressRating.objects.count() == 1  # only the earlier one
    assert page.input_value(f"#id_score_{codes[0]}") == "4"
    shot(page, "rating-refused")

    page.select_option(f"#id_score_{codes[-1]}", str(mine[-1]))
    _submit(page)
    page.wait_for_selector("[data-testid=latest-assessment]")
    assert "Assessment recorded." in page.inner_text("main")
    latest = page.inner_text("[data-testid=latest-assessment]")
    assert "(2 in all)" in latest
    assert "Ambivalent" in latest
    rating = ProgressRating.objects.get(assessed_on=today)
    assert rating.rater.username == "psychologist_a"
    assert rating.disengagement == "ambivalent"
    assert rating.scores == _scores(instrument, *mine)
    stage_contrast = {
        "case page": _contrast(page.locator("[data-testid=latest-assessment] .badge"))
    }
    shot(page, "case-progress")

    # A theologian rates the same day: one point with two raters.
    _sign_out(page)
    _sign_in(page, "theologian_a")
    page.goto(f"/rehabilitation/people/{person.pk}/rate/")
    for code, score in zip(codes, [5, 4, 4, 3, 4, 4], strict=True):
        page.select_option(f"#id_score_{code}", str(score))
    page.check("input[name=disengagement][value=renounced]")
    _submit(page)
    page.wait_for_selector("[data-testid=latest-assessment]")
    latest = page.inner_text("[data-testid=latest-assessment]")
    assert "(2 in all)" in latest  # still two dates
    assert "Ambivalent" in latest  # the most worrying stage given that day
    assert ProgressRating.objects.filter(assessed_on=today).count() == 2

    with page.expect_navigation():
        page.click("[data-testid=trajectory-link]")
    chart = page.locator("[data-testid=trajectory-chart] svg[role=img]")
    assert chart.count() == 1
    assert chart.locator("polyline").count() == len(codes)
    assert chart.locator("circle").count() == 2 * len(codes)
    rows = page.locator("[data-testid=trajectory] tbody tr")
    assert rows.count() == 2
    assert "Adheres" in rows.nth(0).inner_text()
    newest = rows.nth(1).inner_text()
    assert "psychologist_a (ambivalent)" in newest
    assert "theologian_a (renounced)" in newest
    assert "Emotional wellbeing 4.5" in newest
    assert "Learning and work 2.5" in newest
    for i in range(rows.count()):
        stage_contrast[f"trajectory row {i + 1}"] = _contrast(rows.nth(i).locator(".badge"))
    clipped = chart.evaluate(CLIPPED)
    shot(page, "trajectory")
    assert page.csp_errors == []
    # Checked last, so that the whole flow above runs whatever they find: the stage badges
    # must be readable, and no label of the chart may be cut off at its edge.
    illegible = {where: ratio for where, ratio in stage_contrast.items() if ratio < 3}
    assert (illegible, clipped) == ({}, [])


# 5. Legal proceedings --------------------------------------------------------------------


def test_legal_officer_records_a_proceeding_and_custody_that_carers_see_only_as_a_fact(page, world):
    mother = world["person_a"]
    centre_a = mother.placements.get().centre
    child = PlacementFactory(
        centre=centre_a,
        returnee=ReturneeFactory(
            primary_name="Али Ахметов",
            name_latin="Ali Akhmetov",
            sex="M",
            date_of_birth=date(2018, 5, 5),
        ),
    ).returnee
    Relationship.objects.create(person=child, relative=mother, kind="mother")
    Relationship.objects.create(person=mother, relative=child, kind="child")
    today = timezone.localdate()

    _sign_in(page, "legal_officer")
    _open_case(page, mother.pk)
    assert "0 proceedings recorded." in page.inner_text("[data-testid=legal-count]")
    with page.expect_navigation():
        page.click("[data-testid=legal-link]")
    page.wait_for_selector("[data-testid=no-proceedings]")
    _submit(page)  # nothing filled in
    page.wait_for_selector(".invalid-feedback")
    assert page.locator("#id_court_errors").is_visible()
    assert not LegalProceeding.objects.exists()

    page.select_option("#id_status", "charged")
    page.fill("#id_court", COURT)
    page.fill("#id_reference", "1-234/2026")
    page.fill("#id_opened_on", (today - timedelta(days=60)).isoformat())
    page.fill("#id_charges", CHARGES)
    page.fill("#id_lawyer", "A. Serikbayeva")
    _submit(page)
    page.wait_for_selector("[data-testid=proceeding]")
    proceeding = page.locator("[data-testid=proceeding]")
    assert COURT in proceeding.inner_text()
    assert "terrorist organisation" in proceeding.inner_text()
    assert "None recorded." in page.inner_text("[data-testid=custody]")
    saved = LegalProceeding.objects.get()
    assert (saved.returnee, saved.status, saved.court) == (mother, "charged", COURT)

    with page.expect_navigation():
        page.click("[data-testid=proceeding] >> text=Record custody")
    page.select_option("#id_custody-kind", "pre_trial")
    page.fill("#id_custody-started_on", (today - timedelta(days=20)).isoformat())
    _submit(page)
    page.wait_for_selector("[data-testid=proceeding]")
    custody = page.inner_text("[data-testid=custody]")
    assert "Pre-trial detention" in custody
    assert "ongoing" in custody
    period = CustodyPeriod.objects.get()
    assert (period.proceeding, period.ended_on) == (saved, None)
    shot(page, "legal-proceeding")
    assert page.csp_errors == []

    _sign_out(page)
    _sign_in(page, "centre_staff")  # the teacher
    response = page.goto(f"/rehabilitation/people/{mother.pk}/legal/")
    assert response.status == 404
    _open_case(page, mother.pk)
    assert page.locator("#legal").count() == 0
    assert page.locator("[data-testid=legal-link]").count() == 0
    assert COURT not in page.content()

    _open_case(page, child.pk)
    notice = page.inner_text("[data-testid=caregiver-unavailable]")
    assert "Caregiver unavailable" in notice
    content = page.content()
    for detail in (COURT, "Art. 257", "terrorist", "1-234/2026", "Pre-trial", "Serikbayeva"):
        assert detail not in content
    shot(page, "child-caregiver-unavailable")

    page.click("[data-nav=centre]")
    residents = page.locator("[data-testid=residents] li", has_text=child.case_number)
    assert residents.locator("[data-testid=caregiver-unavailable]").count() == 1
    assert COURT not in page.content()
    assert page.csp_errors == []


# 6. Reintegration ------------------------------------------------------------------------


def test_caseworker_plans_reintegration_and_records_a_follow_up_visit(page, world):
    person = world["person_a"]
    today = timezone.localdate()
    _sign_in(page, "caseworker")
    _open_case(page, person.pk)
    assert "No reintegration plan yet." in page.inner_text("#reintegration")
    with page.expect_navigation():
        page.click("[data-testid=reintegration-link]")

    _submit(page, "[data-testid=save-plan]")  # nothing filled in
    page.wait_for_selector(".invalid-feedback")
    for field in ("destination_region", "destination_community", "housing"):
        assert page.locator(f"#id_plan-{field}_errors").is_visible()
    assert not ReintegrationPlan.objects.exists()
    shot(page, "reintegration-plan-errors")

    page.fill("#id_plan-destination_region", "Shymkent")
    page.fill("#id_plan-destination_community", "Karatau district")
    page.select_option("#id_plan-housing", "relatives")
    page.fill("#id_plan-livelihood", "Sewing course at the district college")
    page.check("#id_plan-id_card_restored")
    page.check("#id_plan-iin_restored")
    _submit(page, "[data-testid=save-plan]")
    page.wait_for_selector(".alert-success")
    assert "Reintegration plan saved." in page.inner_text("main")
    plan = ReintegrationPlan.objects.get()
    assert (plan.returnee, plan.destination_community, plan.housing) == (
        person,
        "Karatau district",
        "relatives",
    )
    assert plan.id_card_restored and plan.iin_restored and not plan.passport_restored
    assert page.input_value("#id_plan-destination_community") == "Karatau district"

    # Visits start with reintegration: move the case on through the workflow.
    _open_case(page, person.pk)
    summary = page.inner_text("[data-testid=reintegration-summary]")
    assert "Karatau district, Shymkent" in summary
    with page.expect_navigation():
        page.click("button[data-transition=start_reintegration]")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=status]").strip() == "Reintegration"
    person.refresh_from_db()
    assert person.status == "reintegration"

    with page.expect_navigation():
        page.click("[data-testid=reintegration-link]")
    page.fill("#id_visit-visited_on", today.isoformat())
    page.fill("#id_visit-findings", "Living with her mother; the children go to school.")
    page.select_option("#id_visit-risk_level", "low")
    page.fill("#id_visit-next_visit_on", (today + timedelta(days=30)).isoformat())
    _submit(page, "[data-testid=save-visit]")
    page.wait_for_selector(".alert-success")
    assert "Follow-up visit recorded." in page.inner_text("main")
    visits = page.inner_text("[data-testid=visits]")
    assert "Living with her mother" in visits
    assert "caseworker" in visits
    visit = FollowUpVisit.objects.get()
    assert (visit.returnee, visit.risk_level, visit.visited_on) == (person, "low", today)
    risk_contrast = _contrast(page.locator("[data-testid=visits] .badge"))
    shot(page, "reintegration")
    assert page.csp_errors == []

    _open_case(page, person.pk)
    assert "Last follow-up visit" in page.inner_text("#reintegration")
    assert page.csp_errors == []
    # Checked last, so that the whole flow above runs: the risk badge must be readable.
    assert risk_contrast >= 3, f"risk badge text contrast {risk_contrast}:1"


# 7. Sealing ------------------------------------------------------------------------------


def test_a_sealed_case_is_hidden_until_opened_with_a_justification(page, world):
    sealed = ReturneeFactory(
        primary_name="Зарина Сеитова",
        name_latin="Zarina Seitova",
        status="closed",
        closure_reason="reintegrated",
        closed_on=date(2025, 6, 1),
        sealed_at=timezone.now() - timedelta(days=30),
    )
    _sign_in(page, "caseworker")
    page.click("[data-nav=people]")
    page.wait_for_selector("[data-testid=people]")
    listed = page.inner_text("[data-testid=people]")
    assert world["person_a"].case_number in listed
    assert sealed.case_number not in listed
    page.goto(f"/people/?q={world['person_a'].case_number}")  # search works ...
    assert world["person_a"].case_number in page.inner_text("[data-testid=people]")
    for query in (sealed.case_number, "Zarina Seitova", "Зарина"):  # ... but not for this one
        page.goto(f"/people/?q={query}")
        page.wait_for_selector("main form")
        assert sealed.case_number not in page.inner_text("main")
        assert "Seitova" not in page.inner_text("main")
    response = page.goto(f"/people/{sealed.pk}/")
    assert response.status == 404

    page.goto("/rehabilitation/sealed/")
    page.fill("#id_case_number", sealed.case_number)
    page.fill("#id_justification", "Court asked")
    _submit(page, "[data-testid=break-glass]")
    page.wait_for_selector("#id_justification_errors")
    assert "at least 20 characters" in page.inner_text("#id_justification_errors")
    assert not SealedRecordAccess.objects.exists()
    shot(page, "sealed-justification-refused")

    justification = "Court order 2-77/2026 asks for the reintegration history."
    messages = []
    for wrong in ("KZ-2019-123456", world["person_a"].case_number):  # none; not sealed
        page.fill("#id_case_number", wrong)
        page.fill("#id_justification", justification)
        _submit(page, "[data-testid=break-glass]")
        page.wait_for_selector("#id_case_number_errors")
        messages.append(page.inner_text("#id_case_number_errors"))
    assert messages[0] == messages[1]
    assert "No sealed record" in messages[0]
    assert not SealedRecordAccess.objects.exists()
    shot(page, "sealed-not-found")

    page.fill("#id_case_number", sealed.case_number.lower())
    page.fill("#id_justification", justification)
    _submit(page, "[data-testid=break-glass]")
    page.wait_for_selector("[data-testid=sealed-banner]")
    assert page.url.endswith(f"/people/{sealed.pk}/")
    banner = page.inner_text("[data-testid=sealed-banner]")
    assert "This record is sealed." in banner
    assert "You opened it with a recorded justification" in banner
    assert page.inner_text("[data-testid=case-number]") == sealed.case_number
    access = SealedRecordAccess.objects.get()
    assert (access.returnee, access.user.username) == (sealed, "caseworker")
    assert access.justification == justification
    shot(page, "sealed-opened")
    assert page.csp_errors == []
