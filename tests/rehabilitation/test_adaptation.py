"""The adaptation month: a 30-day clock, a checklist, overdue items on the dashboard."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabilitation.selectors import adaptation_overdue, adaptation_status
from repatriation.accounts.roles import Role
from repatriation.medical import services as medical
from returnees import services as registry
from tests.factories import CentreFactory, PlacementFactory, ReturneeFactory


@pytest.fixture
def adapting(users):
    facility = CentreFactory(name="Adaptation facility", capacity=30)
    today = timezone.localdate()
    late = ReturneeFactory(status="adaptation", primary_name="Поздняя Адаптация")
    fresh = ReturneeFactory(status="adaptation", primary_name="Ранняя Адаптация")
    PlacementFactory(
        returnee=late, centre=facility, kind="adaptation", started_on=today - timedelta(days=40)
    )
    PlacementFactory(
        returnee=fresh, centre=facility, kind="adaptation", started_on=today - timedelta(days=3)
    )
    return late, fresh


def test_the_checklist_fills_as_the_work_is_done(users, adapting):
    late, _fresh = adapting
    status = adaptation_status(people=[late])[0]
    assert status.day == 41 and status.overdue
    assert len(status.missing) == 4
    medical.assessment_record(
        actor=users[Role.MEDICAL_OFFICER],
        returnee=late,
        values={
            "stage": "arrival",
            "assessed_on": timezone.localdate(),
            "triage": "green",
            "mental_health_score": 6,
        },
    )
    registry.intake_record(
        actor=users[Role.CASEWORKER],
        returnee=late,
        values={"education_level": "secondary", "languages": "Kazakh", "risk_level": "low"},
    )
    registry.relative_add(
        actor=users[Role.CASEWORKER],
        returnee=late,
        full_name="Айжан",
        relationship="sister",
        region="Almaty",
    )
    status = adaptation_status(people=[late])[0]
    assert status.missing == []
    assert not status.overdue


def test_only_overdue_people_reach_the_dashboard(client, users, adapting):
    late, fresh = adapting
    assert [s.returnee for s in adaptation_overdue(user=users[Role.CASEWORKER])] == [late]
    assert adaptation_overdue(user=users[Role.CENTRE_STAFF]) == []  # not their centre
    client.force_login(users[Role.CASEWORKER])
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="adaptation-overdue"' in body
    assert late.case_number in body and fresh.case_number not in body
    page = client.get(reverse("returnees:detail", args=[fresh.pk])).content.decode()
    assert 'data-testid="adaptation-checklist"' in page and "Day 4 of 30" in page


def test_checklist_queries_do_not_grow_with_people(users, adapting, django_assert_max_num_queries):
    facility = CentreFactory(name="Second facility", capacity=100)
    people = [ReturneeFactory(status="adaptation") for _ in range(15)]
    for person in people:
        PlacementFactory(
            returnee=person,
            centre=facility,
            kind="adaptation",
            started_on=timezone.localdate() - timedelta(days=35),
        )
    with django_assert_max_num_queries(8):
        statuses = adaptation_status(people=[*adapting, *people])
    assert len(statuses) == 17
