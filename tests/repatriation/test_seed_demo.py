"""seed_demo: deterministic, realistic, every status, families and orphans, idempotent."""

import re

import pytest
from django.core.management import call_command

from rehabilitation.models import Placement
from repatriation.accounts.models import User
from repatriation.accounts.roles import Role
from repatriation.demo import DEMO_PASSWORD, DEMO_USERS
from returnees.models import CaseStatus, Relationship, Returnee

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
KAZAKH_LETTERS = re.compile(r"[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
ARABIC = re.compile(r"[\u0600-\u06FF]")


def _snapshot():
    return list(
        Returnee.objects.order_by("case_number").values_list(
            "case_number", "primary_name", "sex", "date_of_birth", "status"
        )
    )


@pytest.fixture
def seeded(db):
    call_command("seed_demo", returnees=400, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return _snapshot()


def test_every_status_and_realistic_people(seeded):
    assert len(seeded) == 400
    assert {row[4] for row in seeded} == set(CaseStatus.values)
    names = [row[1] for row in seeded]
    assert any(CYRILLIC.search(n) for n in names)
    assert any(KAZAKH_LETTERS.search(n) for n in names)
    assert any(ARABIC.search(n) for n in names)
    assert Returnee.objects.filter(is_orphan=True, is_unaccompanied=True).exists()
    assert len({row[0] for row in seeded}) == 400
    assert all(re.fullmatch(r"KZ-20\d\d-\d{6}", row[0]) for row in seeded)


def test_mothers_with_several_children(seeded):
    from django.db.models import Count

    mothers = (
        Relationship.objects.filter(kind=Relationship.Kind.CHILD)
        .values("person")
        .annotate(children=Count("id"))
        .filter(children__gte=3)
    )
    assert mothers.exists()
    for link in Relationship.objects.filter(kind=Relationship.Kind.MOTHER).select_related(
        "person", "relative"
    )[:200]:
        assert link.relative.sex == "F"
        assert link.relative.date_of_birth < link.person.date_of_birth
        assert link.person.household_id == link.relative.household_id


def test_waves_with_legs_boarding_and_medical_checks(seeded):
    from repatriation.medical.models import MedicalAssessment
    from repatriation.operations.models import Boarding, Operation

    assert Operation.objects.filter(status="completed").count() >= 4
    active = Operation.objects.get(status="active")
    assert active.legs.count() == 2
    assert active.legs.filter(actual_departure__isnull=False, actual_arrival__isnull=True).exists()
    in_transit = Returnee.objects.filter(status="in_transit")
    assert in_transit.exists()
    assert all(p.manifest_entries.filter(operation=active).exists() for p in in_transit)
    assert Boarding.objects.filter(status="boarded").exists()
    arrived = Returnee.objects.filter(status__in=["arrived", "adaptation", "placed"])
    assert MedicalAssessment.objects.filter(returnee__in=arrived, stage="arrival").exists()
    assert MedicalAssessment.objects.filter(triage="red").exists()


def test_placed_people_have_one_active_placement(seeded):
    placed = Returnee.objects.filter(status__in=["placed", "adaptation"])
    assert placed.exists()
    assert Placement.objects.filter(ended_on__isnull=True).count() == placed.count()


def test_deterministic_and_idempotent(seeded, django_db_blocker):
    call_command("seed_demo", returnees=400, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == seeded
    assert User.objects.filter(username__in=[u for u, *_ in DEMO_USERS]).count() == len(DEMO_USERS)
    # The same seed into an empty registry gives the same people.
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "operations_boarding",
            "medical_medicalassessment",
            "operations_manifestentry",
            "rehabilitation_placement",
            "rehabilitation_plangoal",
            "rehabilitation_rehabilitationplan",
            "returnees_guardianshipvisit",
            "returnees_guardianship",
            "returnees_relativeathome",
            "returnees_evidenceitem",
            "returnees_nationalityverification",
            "returnees_caseevent",
            "returnees_intakeassessment",
            "returnees_returneename",
            "returnees_relationship",
            "returnees_duplicatedecision",
            "returnees_document",
            "returnees_returnee",
            "returnees_household",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    call_command("seed_demo", returnees=400, seed=7, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _snapshot() == seeded


def test_one_demo_user_per_role_can_sign_in(seeded, client):
    roles = {role for _, role, *_ in DEMO_USERS}
    assert roles == set(Role)
    for username, role, *_ in DEMO_USERS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert list(user.groups.values_list("name", flat=True)) == [role.value]
