"""Operations: manifest rules, boarding, departure and arrival move people, admission."""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from rehabilitation.models import Placement
from repatriation.accounts.roles import Role
from repatriation.operations import services
from repatriation.operations.models import Boarding, Operation
from returnees.models import CaseEvent
from returnees.workflow import StaleEdit
from tests.factories import CentreFactory, ReturneeFactory


def _board_everyone(actor, operation, leg, status="boarded"):
    for boarding in leg.boardings.all():
        services.boarding_record(
            actor=actor, boarding_id=boarding.pk, version=boarding.version, status=status
        )


def _travel(actor, operation, now):
    """Board everyone, depart and arrive, leg by leg, in the past; yields each leg after."""
    for leg in operation.legs.order_by("sequence"):
        _board_everyone(actor, operation, leg)
        services.departure_record(
            actor=actor, leg_id=leg.pk, departed_at=now - timedelta(hours=40 - 10 * leg.sequence)
        )
        services.arrival_record(
            actor=actor, leg_id=leg.pk, arrived_at=now - timedelta(hours=35 - 10 * leg.sequence)
        )
        yield leg


def test_only_cleared_people_and_whole_families(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    verifying = ReturneeFactory(status="verifying")
    with pytest.raises(ValidationError, match="not cleared for return"):
        services.manifest_add(actor=caseworker, operation=operation, returnees=[verifying])
    with pytest.raises(ValidationError, match="The family would be split"):
        services.manifest_add(actor=caseworker, operation=operation, returnees=family[:2])
    assert not operation.manifest.exists()
    services.manifest_add(
        actor=caseworker,
        operation=operation,
        returnees=family[:2],
        split_reason="The daughter is in hospital in Hasakah.",
    )
    assert operation.manifest.count() == 2
    # Each person is expected on every leg.
    assert Boarding.objects.filter(entry__operation=operation).count() == 4


def test_nobody_on_two_active_operations(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    other = services.operation_create(
        actor=caseworker, code="OP-2027-01", name="Wave 7", origin_country="SY"
    )
    with pytest.raises(ValidationError, match="already on operation OP-2026-12"):
        services.manifest_add(actor=caseworker, operation=other, returnees=family)
    with pytest.raises(ValidationError, match="already on this manifest"):
        services.manifest_add(actor=caseworker, operation=operation, returnees=family)


def test_departure_waits_until_everyone_is_accounted_for(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    first, second = operation.legs.order_by("sequence")
    with pytest.raises(ValidationError, match="Not everyone is accounted for"):
        services.departure_record(
            actor=caseworker, leg_id=first.pk, departed_at=timezone.now() - timedelta(hours=40)
        )
    boardings = list(first.boardings.order_by("entry__returnee__date_of_birth"))
    with pytest.raises(ValidationError, match="Say why"):
        services.boarding_record(
            actor=caseworker, boarding_id=boardings[2].pk, version=1, status="left_behind"
        )
    services.boarding_record(
        actor=caseworker,
        boarding_id=boardings[2].pk,
        version=1,
        status="left_behind",
        reason="Fever; stays with the ICRC clinic",
    )
    for boarding in boardings[:2]:
        services.boarding_record(
            actor=caseworker, boarding_id=boarding.pk, version=1, status="boarded"
        )
    services.departure_record(
        actor=caseworker, leg_id=first.pk, departed_at=timezone.now() - timedelta(hours=40)
    )
    statuses = {
        p.pk: p.status for p in type(family[0]).objects.filter(pk__in=[p.pk for p in family])
    }
    left_behind = boardings[2].entry.returnee
    assert statuses[left_behind.pk] == "cleared"
    assert sorted(statuses.values()) == ["cleared", "in_transit", "in_transit"]
    # Whoever missed the first leg is left behind on the next.
    assert second.boardings.get(entry__returnee=left_behind).status == "left_behind"
    operation.refresh_from_db()
    assert operation.status == Operation.Status.ACTIVE


def test_arrival_home_moves_the_boarded_to_arrived(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    first, second = operation.legs.order_by("sequence")
    now = timezone.now()
    _board_everyone(caseworker, operation, first)
    services.departure_record(
        actor=caseworker, leg_id=first.pk, departed_at=now - timedelta(hours=40)
    )
    with pytest.raises(ValidationError, match="before the departure"):
        services.arrival_record(
            actor=caseworker, leg_id=first.pk, arrived_at=now - timedelta(hours=41)
        )
    with pytest.raises(ValidationError, match="earlier leg has not arrived"):
        services.departure_record(
            actor=caseworker, leg_id=second.pk, departed_at=now - timedelta(hours=30)
        )
    services.arrival_record(actor=caseworker, leg_id=first.pk, arrived_at=now - timedelta(hours=35))
    _board_everyone(caseworker, operation, second)
    services.departure_record(
        actor=caseworker, leg_id=second.pk, departed_at=now - timedelta(hours=30)
    )
    with pytest.raises(ValidationError, match="in the future"):
        services.arrival_record(
            actor=caseworker, leg_id=second.pk, arrived_at=now + timedelta(hours=3)
        )
    services.arrival_record(
        actor=caseworker, leg_id=second.pk, arrived_at=now - timedelta(hours=25)
    )
    for person in family:
        person.refresh_from_db()
        assert person.status == "arrived"
        assert list(
            CaseEvent.objects.filter(returnee=person, kind="transition").values_list(
                "transition", flat=True
            )
        ) == ["arrive", "depart"]
    operation.refresh_from_db()
    assert operation.status == Operation.Status.COMPLETED


def test_admission_opens_the_adaptation_placement(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    list(_travel(caseworker, operation, timezone.now()))
    facility = CentreFactory(name="Adaptation facility, Almaty")
    mother = family[0]
    mother.refresh_from_db()
    placement = services.admission_record(
        actor=caseworker, returnee=mother, centre=facility, admitted_on=date.today()
    )
    mother.refresh_from_db()
    assert mother.status == "adaptation"
    assert (placement.kind, placement.centre, placement.ended_on) == (
        Placement.Kind.ADAPTATION,
        facility,
        None,
    )
    with pytest.raises(ValidationError):
        services.admission_record(
            actor=caseworker, returnee=mother, centre=facility, admitted_on=date.today()
        )


def test_stale_boarding_is_refused(users, operation, family):
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    boarding = operation.legs.first().boardings.first()
    services.boarding_record(actor=caseworker, boarding_id=boarding.pk, version=1, status="boarded")
    with pytest.raises(StaleEdit):
        services.boarding_record(
            actor=caseworker, boarding_id=boarding.pk, version=1, status="no_show"
        )
    boarding.refresh_from_db()
    assert boarding.status == "boarded"


def test_legs_need_sane_times_and_places(users, operation, places):
    now = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.leg_add(
            actor=users[Role.CASEWORKER],
            operation=operation,
            origin=places["home"],
            destination=places["home"],
            mode="air",
            scheduled_departure=now,
            scheduled_arrival=now - timedelta(hours=1),
        )
    assert {"scheduled_arrival", "destination"} <= set(error.value.error_dict)


@pytest.mark.django_db(transaction=True)
def test_two_officers_recording_boarding_at_once_lose_nothing(users, places):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    caseworker = users[Role.CASEWORKER]
    op = services.operation_create(
        actor=caseworker, code="OP-RACE", name="Race", origin_country="SY"
    )
    start = timezone.now()
    leg = services.leg_add(
        actor=caseworker,
        operation=op,
        origin=places["camp"],
        destination=places["home"],
        mode="air",
        scheduled_departure=start,
        scheduled_arrival=start + timedelta(hours=5),
        arrives_home=True,
    )
    people = [ReturneeFactory(status="cleared") for _ in range(20)]
    services.manifest_add(actor=caseworker, operation=op, returnees=people)
    boardings = list(leg.boardings.all())
    errors = []

    def record(chunk):
        try:
            for b in chunk:
                services.boarding_record(
                    actor=caseworker, boarding_id=b.pk, version=1, status="boarded"
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(boardings[i::2],)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert leg.boardings.filter(status="boarded").count() == 20


def test_custody_hand_over_and_arrival_checklist(users, operation, family):
    from repatriation.medical import services as medical
    from repatriation.medical.selectors import arrival_checklist

    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    now = timezone.now()
    for leg in _travel(caseworker, operation, now):
        services.custody_handover_add(
            actor=caseworker,
            leg=leg,
            handed_over_by="SDF liaison",
            received_by="KZ consular team",
            people_count=3,
            occurred_at=now - timedelta(hours=34 - 10 * leg.sequence),
        )
    with pytest.raises(ValidationError, match="in the future"):
        services.custody_handover_add(
            actor=caseworker,
            leg=leg,
            handed_over_by="a",
            received_by="b",
            people_count=3,
            occurred_at=now + timedelta(days=1),
        )
    assert leg.handovers.count() == 1
    medical.assessment_record(
        actor=users[Role.MEDICAL_OFFICER],
        returnee=family[0],
        values={
            "stage": "arrival",
            "assessed_on": date.today(),
            "triage": "red",
            "operation": operation,
        },
    )
    checklist = arrival_checklist(operation=operation, user=caseworker)
    assert set(checklist["without_arrival_assessment"]) == set(family[1:])
    assert checklist["red"] == [family[0]]
