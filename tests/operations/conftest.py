from datetime import date, timedelta

import pytest
from django.utils import timezone

from repatriation.accounts.roles import Role
from repatriation.operations import services
from repatriation.operations.models import Location
from returnees.models import Household, Relationship
from tests.factories import ReturneeFactory


@pytest.fixture
def places(db):
    return {
        "camp": Location.objects.create(name="al-Hol", kind="camp", country="SY"),
        "transit": Location.objects.create(name="Qamishli", kind="airport", country="SY"),
        "home": Location.objects.create(name="Almaty International", kind="airport", country="KZ"),
    }


@pytest.fixture
def operation(users, places):
    caseworker = users[Role.CASEWORKER]
    op = services.operation_create(
        actor=caseworker,
        code="OP-2026-12",
        name="Wave 6",
        origin_country="SY",
        planned_departure=date(2026, 12, 1),
    )
    start = timezone.now() - timedelta(days=2)
    services.leg_add(
        actor=caseworker,
        operation=op,
        origin=places["camp"],
        destination=places["transit"],
        mode="road",
        scheduled_departure=start,
        scheduled_arrival=start + timedelta(hours=6),
    )
    services.leg_add(
        actor=caseworker,
        operation=op,
        origin=places["transit"],
        destination=places["home"],
        mode="air",
        carrier="Air Astana",
        flight_number="kc 7001",
        scheduled_departure=start + timedelta(hours=8),
        scheduled_arrival=start + timedelta(hours=13),
        arrives_home=True,
    )
    return op


@pytest.fixture
def family(db):
    """A cleared mother and two cleared children in one household."""
    household = Household.objects.create(reference="HH-OPS-1")
    mother = ReturneeFactory(
        primary_name="Сауле Оспанова",
        name_latin="Saule Ospanova",
        date_of_birth=date(1988, 2, 2),
        status="cleared",
        verification_status="verified",
        household=household,
    )
    children = [
        ReturneeFactory(
            primary_name=name,
            name_latin=latin,
            sex=sex,
            date_of_birth=dob,
            status="cleared",
            verification_status="verified",
            household=household,
        )
        for name, latin, sex, dob in [
            ("Юсуф", "Yusuf", "M", date(2016, 3, 3)),
            ("عائشة", "Aisha", "F", date(2019, 4, 4)),
        ]
    ]
    for child in children:
        Relationship.objects.create(person=child, relative=mother, kind="mother")
        Relationship.objects.create(person=mother, relative=child, kind="child")
    return [mother, *children]
