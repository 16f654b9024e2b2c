"""Medical assessments: details for medical officers only, reads audited, queue and checklist."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from repatriation.medical import services
from repatriation.medical.models import MedicalAssessment
from repatriation.medical.selectors import medical_queue, triage_of

VALUES = {
    "stage": "arrival",
    "assessed_on": date(2026, 11, 10),
    "triage": "red",
    "muac_mm": 110,
    "conditions": ["malnutrition"],
    "notes": "Severe wasting; refer.",
    "follow_up_due": date(2026, 11, 12),
}


@pytest.fixture
def assessment(world):
    return services.assessment_record(
        actor=world["users"][Role.MEDICAL_OFFICER], returnee=world["person_a"], values=dict(VALUES)
    )


def test_acute_malnutrition_flags():
    assert MedicalAssessment(muac_mm=110).acute_malnutrition == "severe"
    assert MedicalAssessment(muac_mm=120).acute_malnutrition == "moderate"
    assert MedicalAssessment(muac_mm=140).acute_malnutrition == ""


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"assessed_on": date.today() + timedelta(days=2)}, "assessed_on"),
        ({"follow_up_due": date(2026, 1, 1)}, "follow_up_due"),
        ({"systolic": 80, "diastolic": 90}, "diastolic"),
        ({"conditions": ["werewolf"]}, "conditions"),
        ({"muac_mm": 5}, "muac_mm"),
    ],
)
def test_bad_assessments_are_refused(world, change, field):
    with pytest.raises(ValidationError) as error:
        services.assessment_record(
            actor=world["users"][Role.MEDICAL_OFFICER],
            returnee=world["person_a"],
            values={**VALUES, **change},
        )
    assert field in error.value.error_dict
    assert not MedicalAssessment.objects.exists()


def test_audit_records_the_fact_not_the_clinical_details(assessment):
    event = AuditEvent.objects.get(kind=AuditKind.CREATE, record_type="medical.medicalassessment")
    assert event.changes == {"stage": [None, "arrival"], "triage": [None, "red"]}
    assert "wasting" not in str(event.changes)


def test_caseworker_sees_triage_not_details(client, world, assessment):
    person = world["person_a"]
    client.force_login(world["users"][Role.CASEWORKER])
    body = client.get(reverse("returnees:detail", args=[person.pk])).content.decode()
    assert 'data-testid="triage"' in body and "triage-red" in body
    assert "wasting" not in body and 'data-testid="assessments"' not in body
    detail = reverse("medical:detail", args=[person.pk, assessment.pk])
    assert client.get(detail).status_code == 404
    assert not AuditEvent.objects.filter(
        kind=AuditKind.READ, record_type="medical.medicalassessment"
    ).exists()


def test_medical_officer_reads_details_and_each_read_is_audited(client, world, assessment):
    person = world["person_a"]
    client.force_login(world["users"][Role.MEDICAL_OFFICER])
    detail = reverse("medical:detail", args=[person.pk, assessment.pk])
    for _ in range(2):
        body = client.get(detail).content.decode()
        assert "Severe wasting" in body and "severe acute malnutrition" in body
    assert AuditEvent.objects.filter(kind=AuditKind.READ, record_id=str(assessment.pk)).count() == 2
    other = reverse("medical:detail", args=[world["person_b"].pk, assessment.pk])
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r != Role.MEDICAL_OFFICER])
def test_nobody_else_records_or_reads_medical_details(client, world, assessment, role):
    client.force_login(world["users"][role])
    person = world["person_a"]
    assert client.get(reverse("medical:add", args=[person.pk])).status_code == 404
    assert client.get(reverse("medical:detail", args=[person.pk, assessment.pk])).status_code == 404
    assert client.get(reverse("medical:queue")).status_code == 404


def test_recording_through_the_page(client, world):
    person = world["person_a"]
    client.force_login(world["users"][Role.MEDICAL_OFFICER])
    response = client.post(
        reverse("medical:add", args=[person.pk]),
        {
            "stage": "arrival",
            "assessed_on": "2026-11-10",
            "triage": "yellow",
            "temperature_c": "38.5",
            "conditions": ["infectious"],
        },
    )
    assert response.status_code == 302
    assert triage_of([person])[person.pk].triage == "yellow"
    bad = client.post(
        reverse("medical:add", args=[person.pk]),
        {"stage": "arrival", "assessed_on": "2026-11-10", "triage": "purple"},
    )
    assert bad.status_code == 200
    assert MedicalAssessment.objects.count() == 1


def test_queue_lists_missing_arrival_assessments_and_follow_ups(world, assessment):
    person_b = world["person_b"]
    person_b.status = "arrived"
    person_b.save()
    queue = medical_queue(user=world["users"][Role.MEDICAL_OFFICER], horizon_days=3650)
    assert person_b in queue["arrival"]
    assert world["person_a"] not in queue["arrival"]
    assert [a.pk for a in queue["follow_up"]] == [assessment.pk]


def test_transit_assessments_belong_to_the_latest_wave(world, operation_x):
    from tests.factories import ManifestEntryFactory

    person = world["person_a"]
    ManifestEntryFactory(operation=operation_x, returnee=person)
    recorded = services.assessment_record(
        actor=world["users"][Role.MEDICAL_OFFICER], returnee=person, values={**VALUES}
    )
    assert recorded.operation == operation_x
    assert recorded.condition_labels == ["Malnutrition"]
