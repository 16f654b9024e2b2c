"""Writes outside the registry: an education partner enrols pupils and records attendance
under its agreement's writable group; placements keep to capacity and family unity; medical
assessments and relatives need their groups; every refusal names its field and saves nothing."""

from datetime import date

import pytest
from django.utils import timezone

from rehabilitation.models import Enrolment, MonthlyAttendance, Placement
from repatriation.accounts.roles import Role
from repatriation.medical.models import MedicalAssessment
from returnees.models import RelativeAtHome
from tests.factories import CentreFactory, PlacementFactory


@pytest.fixture
def partner(api_as, partner_token):
    """Reads identity and education at centre A; writes education."""
    return api_as(partner_token)


def _enrol(caller, person, **extra):
    body = {
        "returnee": person.pk,
        "level": "primary",
        "institution": "School 12",
        "grade": "3",
        "started_on": "2026-09-01",
        **extra,
    }
    return caller.post("/api/v1/enrolments/", body)


def test_an_education_partner_enrols_and_records_attendance(partner, world):
    enrolled = _enrol(partner, world["person_a"])
    assert enrolled.status_code == 201, enrolled.json()
    enrolment = Enrolment.objects.get(pk=enrolled.json()["id"])
    assert enrolment.institution == "School 12"
    month = {"enrolment": enrolment.pk, "month": "2026-10-01", "days_expected": 21}
    recorded = partner.post("/api/v1/attendance/", {**month, "days_present": 19})
    assert recorded.status_code == 201, recorded.json()
    assert MonthlyAttendance.objects.get(enrolment=enrolment).days_present == 19
    too_many = partner.post(
        "/api/v1/attendance/", {**month, "month": "2026-09-01", "days_present": 25}
    )
    assert too_many.status_code == 400
    assert MonthlyAttendance.objects.get(enrolment=enrolment).days_present == 19
    not_first = partner.post(
        "/api/v1/attendance/", {**month, "month": "2026-10-05", "days_present": 3}
    )
    assert not_first.status_code == 400 and "month" in not_first.json()["errors"]


def test_enrolment_changes_need_the_etag(partner, world):
    enrolment_id = _enrol(partner, world["person_a"]).json()["id"]
    url = f"/api/v1/enrolments/{enrolment_id}/"
    etag = partner.get(url)["ETag"]
    assert partner.patch(url, {"grade": "4"}).status_code == 428
    changed = partner.patch(url, {"grade": "4"}, If_Match=etag)
    assert changed.status_code == 200
    assert partner.patch(url, {"grade": "5"}, If_Match=etag).status_code == 412
    refused = partner.patch(url, {"institution": "Other"}, If_Match=changed["ETag"])
    assert refused.status_code == 400 and "institution" in refused.json()["errors"]
    ended_early = partner.patch(url, {"ended_on": "2020-01-01"}, If_Match=changed["ETag"])
    assert ended_early.status_code == 400 and "ended_on" in ended_early.json()["errors"]
    assert Enrolment.objects.get(pk=enrolment_id).grade == "4"


def test_no_writes_outside_the_agreement(partner, world):
    count = Enrolment.objects.count()
    outside = _enrol(partner, world["person_b"])  # centre B: not in the agreement
    assert outside.status_code == 400
    assert outside.json()["errors"]["returnee"] == ["There is no such person."]
    medical = partner.post(
        "/api/v1/medical-assessments/",
        {"returnee": world["person_a"].pk, "stage": "arrival", "assessed_on": "2026-11-01"},
    )
    assert medical.status_code == 400  # the medical group: not readable, so nobody there
    assert Enrolment.objects.count() == count
    assert not MedicalAssessment.objects.exists()


def test_read_only_endpoints_refuse_writes(partner, world):
    assert partner.post("/api/v1/centres/", {}).status_code == 405
    assert partner.post("/api/v1/sessions/", {}).status_code == 405


def test_medical_officers_record_assessments_with_clinical_checks(client, users, world):
    client.force_login(users[Role.MEDICAL_OFFICER])
    body = {
        "returnee": world["person_a"].pk,
        "stage": "arrival",
        "assessed_on": "2026-11-01",
        "triage": "yellow",
        "systolic": 120,
        "diastolic": 80,
    }
    ok = client.post("/api/v1/medical-assessments/", body, content_type="application/json")
    assert ok.status_code == 201, ok.json()
    bad = client.post(
        "/api/v1/medical-assessments/",
        {**body, "diastolic": 130},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "diastolic" in bad.json()["errors"]
    assert MedicalAssessment.objects.count() == 1


def test_relatives_need_the_family_group(api_as, world, full_scope_token, partner):
    ministry = api_as(full_scope_token)
    body = {
        "returnee": world["person_b"].pk,
        "full_name": "Гульнара Петрова",
        "relationship": "grandmother",
        "region": "Aktobe",
        "contact": "+7 701 111 22 33",
    }
    added = ministry.post("/api/v1/relatives/", body)
    assert added.status_code == 201, added.json()
    assert RelativeAtHome.objects.get().contact == "+7 701 111 22 33"
    # The partner's agreement covers person_a but grants no family group.
    refused = partner.post("/api/v1/relatives/", {**body, "returnee": world["person_a"].pk})
    assert refused.status_code == 400
    assert RelativeAtHome.objects.count() == 1


def test_placements_keep_capacity_and_family_unity(client, users, family):
    client.force_login(users[Role.CASEWORKER])
    mother, son, daughter = family
    old = CentreFactory(name="Old centre", capacity=10)
    for person in family:
        person.status = "placed"
        person.save()
        PlacementFactory(returnee=person, centre=old, started_on=date(2026, 1, 10))
    small = CentreFactory(name="Small centre", capacity=1)
    body = {
        "returnee": mother.pk,
        "family": [son.pk, daughter.pk],
        "centre": small.pk,
        "kind": "residential",
        "started_on": timezone.localdate().isoformat(),
        "reason": "Closer to relatives",
    }

    def place(data):
        return client.post("/api/v1/placements/", data, content_type="application/json")

    full = place(body)
    assert full.status_code == 400
    assert "free places" in " ".join(full.json()["errors"]["non_field_errors"])
    big = CentreFactory(name="Big centre", capacity=20)
    apart = place({**body, "centre": big.pk, "family": [son.pk]})
    assert apart.status_code == 400
    assert "family would be apart" in " ".join(apart.json()["errors"]["non_field_errors"])
    assert Placement.objects.filter(centre__in=[small, big]).count() == 0
    together = place({**body, "centre": big.pk})
    assert together.status_code == 201, together.json()
    assert together.json()["returnee"] == mother.pk
    assert Placement.objects.filter(centre=big, ended_on__isnull=True).count() == 3


def test_partners_do_not_place_people(partner, world):
    centre = CentreFactory()
    response = partner.post(
        "/api/v1/placements/",
        {
            "returnee": world["person_a"].pk,
            "centre": centre.pk,
            "kind": "residential",
            "started_on": "2026-11-01",
            "reason": "x",
        },
    )
    assert response.status_code == 403
    assert not Placement.objects.filter(centre=centre).exists()


def test_a_recorded_month_is_corrected_only_with_its_etag(partner, world):
    """A second POST for a month already recorded does not overwrite it unseen: 409 without
    If-Match, 412 with a stale ETag, 200 with the current one; a refusal changes nothing."""
    enrolment_id = _enrol(partner, world["person_a"]).json()["id"]
    month = {"enrolment": enrolment_id, "month": "2026-10-01", "days_expected": 21}
    first = partner.post("/api/v1/attendance/", {**month, "days_present": 19})
    assert first.status_code == 201
    etag = first["ETag"]
    assert partner.get(f"/api/v1/attendance/{first.json()['id']}/")["ETag"] == etag

    def days_present():
        return MonthlyAttendance.objects.get(enrolment_id=enrolment_id).days_present

    unseen = partner.post("/api/v1/attendance/", {**month, "days_present": 5})
    assert unseen.status_code == 409 and "If-Match" in unseen.json()["detail"]
    assert (
        partner.post("/api/v1/attendance/", {**month, "days_present": 5}, If_Match="*").status_code
        == 409
    )
    assert days_present() == 19
    corrected = partner.post("/api/v1/attendance/", {**month, "days_present": 18}, If_Match=etag)
    assert corrected.status_code == 200, corrected.json()
    assert days_present() == 18 and MonthlyAttendance.objects.count() == 1
    stale = partner.post("/api/v1/attendance/", {**month, "days_present": 2}, If_Match=etag)
    assert stale.status_code == 412
    assert days_present() == 18
    # Another month is a new record, If-Match or not.
    other = partner.post(
        "/api/v1/attendance/", {**month, "month": "2026-09-01", "days_present": 20}
    )
    assert other.status_code == 201
