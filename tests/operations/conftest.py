from datetime import date, timedelta

import pytest
from django.utils import timezone

from repatriation.accounts.roles import Role
from repatriation.operations import services


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
