"""The API's isolation matrix: for every endpoint, a client never sees another agreement's
rows (lists) and gets 404 for them (detail), and a client without the record's field group
never receives it. The test fails when an endpoint is missing from the matrix."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from guardian.shortcuts import assign_perm

from rehabilitation import services as rehab
from rehabilitation.api.urls import router as rehabilitation_router
from rehabilitation.models import AssessmentInstrument, Session
from repatriation.accounts.roles import Discipline, FieldGroup, Role
from repatriation.accounts.services import api_client_create
from repatriation.medical.api.urls import router as medical_router
from repatriation.medical.services import assessment_record
from repatriation.operations.api.urls import router as operations_router
from reporting.api.urls import router as reporting_router
from reporting.services import report_request
from returnees.api.urls import router as returnees_router
from returnees.models import Guardianship, Household, RelativeAtHome
from tests.factories import AgreementFactory, ManifestEntryFactory, UserFactory

ROUTERS = (
    returnees_router,
    operations_router,
    medical_router,
    rehabilitation_router,
    reporting_router,
)

ALL_GROUPS = [g.value for g in FieldGroup]


def _psychologist(centre, name):
    user = UserFactory(username=name, role=Role.CENTRE_STAFF, discipline=Discipline.PSYCHOLOGIST)
    assign_perm("rehabilitation.work_at_centre", user, centre)
    return user


def _records(users, person, centre, tag, entry):
    """One record of every kind about `person` at `centre`, and `entry` on a manifest."""
    staff = _psychologist(centre, f"psy_{tag}")
    person.household = Household.objects.create(reference=f"HH-ISO-{tag}")
    person.save()
    relative = RelativeAtHome.objects.create(
        returnee=person, full_name=f"Relative {tag}", relationship="aunt", region="Almaty"
    )
    guardianship = Guardianship.objects.create(
        child=person,
        guardian_kind="relative",
        guardian_relative=relative,
        legal_basis="court_order",
        started_on=date(2026, 2, 1),
        created_by=users[Role.CASEWORKER],
    )
    medical = assessment_record(
        actor=users[Role.MEDICAL_OFFICER],
        returnee=person,
        values={"stage": "arrival", "assessed_on": date(2026, 11, 1), "triage": "green"},
    )
    instrument = AssessmentInstrument.objects.get(code="rehabilitation-progress")
    goal = rehab.plan_goal_add(
        actor=users[Role.CASEWORKER], returnee=person, domain="education", description="School"
    )
    enrolment = rehab.enrolment_add(
        actor=staff,
        returnee=person,
        level="primary",
        institution="School 5",
        started_on=date(2026, 9, 1),
    )
    rehab.attendance_record_class(
        actor=staff, month=date(2026, 10, 1), rows=[(enrolment.pk, 20, 18)], allowed={enrolment.pk}
    )
    session = rehab.session_record(
        actor=staff,
        centre=centre,
        participants=[person],
        kind=Session.Kind.PSYCHOLOGICAL,
        format=Session.Format.INDIVIDUAL,
        status=Session.Status.HELD,
        starts_at=timezone.now() - timedelta(hours=3),
        duration_minutes=50,
        notes=f"confidential {tag}",
    )
    rating = rehab.progress_rating_record(
        actor=staff,
        returnee=person,
        instrument=instrument,
        assessed_on=timezone.localdate(),
        scores=dict.fromkeys(instrument.domain_codes(), 3),
        disengagement="ambivalent",
    )
    proceeding = rehab.legal_proceeding_add(
        actor=users[Role.LEGAL_OFFICER],
        returnee=person,
        values={"status": "trial", "court": "Court", "opened_on": date(2026, 1, 5)},
    )
    reintegration = rehab.reintegration_plan_save(
        actor=users[Role.CASEWORKER],
        returnee=person,
        version=None,
        values={"destination_region": "R", "destination_community": "C", "housing": "own"},
    )
    activity = rehab.activity_add(
        actor=staff,
        centre=centre,
        kind="sports",
        name=f"Football {tag}",
        started_on=date(2026, 9, 1),
    )
    report, _new = report_request(
        actor=users[Role.MINISTRY_OFFICIAL],
        kind="monthly_progress",
        period=date(2026, 1 if tag == "a" else 2, 1),
        audience="ministry",
        language="en",
    )
    return {
        "reports": report.pk,
        "people": person.pk,
        "households": person.household_id,
        "relatives": relative.pk,
        "guardianships": guardianship.pk,
        "verifications": person.verification.pk,
        "operations": entry.operation_id,
        "manifest-entries": entry.pk,
        "medical-assessments": medical.pk,
        "centres": centre.pk,
        "placements": person.placements.get().pk,
        "plans": goal.plan_id,
        "enrolments": enrolment.pk,
        "attendance": enrolment.attendance.get().pk,
        "activities": activity.pk,
        "sessions": session.pk,
        "assessments": rating.pk,
        "legal-proceedings": proceeding.pk,
        "reintegration": reintegration.pk,
    }


# The field group each endpoint's records belong to (None: centre records, by scope only).
MATRIX = {
    "people": FieldGroup.IDENTITY,
    "households": FieldGroup.FAMILY,
    "relatives": FieldGroup.FAMILY,
    "guardianships": FieldGroup.FAMILY,
    "verifications": FieldGroup.VERIFICATION,
    "operations": None,
    "manifest-entries": FieldGroup.IDENTITY,
    "medical-assessments": FieldGroup.MEDICAL,
    "centres": None,
    "placements": FieldGroup.IDENTITY,
    "plans": FieldGroup.PSYCHOSOCIAL,
    "enrolments": FieldGroup.EDUCATION,
    "attendance": FieldGroup.EDUCATION,
    "activities": None,
    "sessions": FieldGroup.PSYCHOSOCIAL,
    "assessments": FieldGroup.PSYCHOSOCIAL,
    "legal-proceedings": FieldGroup.LEGAL,  # and the legal officer's role: no client has it
    "reintegration": FieldGroup.FAMILY,
    "reports": "ministry",  # the ministry's reports: aggregates permission, no partner
}


def test_every_endpoint_is_in_the_matrix():
    registered = {prefix for router in ROUTERS for prefix, _v, _b in router.registry}
    assert registered == set(MATRIX)


@pytest.fixture
def setting(users, world):
    a, b = world["person_a"], world["person_b"]
    centre_a, centre_b = a.placements.get().centre, b.placements.get().centre
    entry_a = world["person_on_operation"].manifest_entries.get()
    entry_b = ManifestEntryFactory(returnee=b)  # on an operation no agreement covers
    records = {
        "a": _records(users, a, centre_a, "a", entry_a),
        "b": _records(users, b, centre_b, "b", entry_b),
    }
    narrow = users[Role.PARTNER_AGENCY].agreementusergrant_set.get().content_object
    wide = AgreementFactory(read_field_groups=ALL_GROUPS)
    wide.centres.add(centre_a)
    wide.operations.add(entry_a.operation)
    tokens = {}
    for name, agreement in (("narrow", narrow), ("wide", wide)):
        tokens[name] = api_client_create(
            actor=None, organisation=agreement.organisation, agreement=agreement, name=name
        )[1]
    return records, {"narrow": narrow, "wide": wide}, tokens


@pytest.mark.parametrize("endpoint", list(MATRIX))
@pytest.mark.parametrize("client_name", ["narrow", "wide"])
def test_isolation(client, setting, endpoint, client_name):
    records, agreements, tokens = setting
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens[client_name]}"}
    group = MATRIX[endpoint]
    granted = group is None or group in agreements[client_name].read_field_groups
    if endpoint in ("legal-proceedings", "reports"):
        granted = False  # the legal officer's or manager's role; the aggregates permission
    listed = client.get(f"/api/v1/{endpoint}/", **auth)
    assert listed.status_code == 200
    ids = {row["id"] for row in listed.json()["results"]}
    assert records["b"][endpoint] not in ids  # another agreement's row: never listed
    assert (records["a"][endpoint] in ids) is granted
    foreign = client.get(f"/api/v1/{endpoint}/{records['b'][endpoint]}/", **auth)
    assert foreign.status_code == 404
    own = client.get(f"/api/v1/{endpoint}/{records['a'][endpoint]}/", **auth)
    assert own.status_code == (200 if granted else 404)
    if endpoint == "sessions" and granted:
        assert own.json()["notes"] is None  # confidential to psychologists on the roster


@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_lists_keep_a_constant_query_count(client, setting, users, world, endpoint):
    """The same number of queries for a list page with one record of each kind at centre A
    as with two (the wide client sees every group there)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PlacementFactory, ReturneeFactory

    tokens = setting[2]
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tokens['wide']}"}
    client.get(f"/api/v1/{endpoint}/", **auth)  # warm: sessions, content types

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/{endpoint}/", **auth)
        assert response.status_code == 200
        return len(queries), len(response.json()["results"])

    before, rows_before = count()
    centre_a = world["person_a"].placements.get().centre
    other = PlacementFactory(centre=centre_a, returnee=ReturneeFactory()).returnee
    _records(users, other, centre_a, "c", ManifestEntryFactory(returnee=other))
    after, rows_after = count()
    assert after == before
    # Records about the new person at centre A: the wide client sees them, so the page grew.
    if endpoint not in (
        "centres",
        "operations",
        "manifest-entries",
        "legal-proceedings",
        "reports",
    ):
        assert rows_after > rows_before
