"""The new pages cost the same number of queries however many records they show."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rehabilitation import services
from rehabilitation.models import AssessmentInstrument, Session
from tests.factories import PlacementFactory, ReturneeFactory


def _session(staff, people, hours_ago=2):
    return services.session_record(
        actor=staff["psychologist"],
        centre=staff["centre_a"],
        participants=people,
        kind=Session.Kind.PSYCHOLOGICAL,
        format=Session.Format.GROUP if len(people) > 1 else Session.Format.INDIVIDUAL,
        status=Session.Status.HELD,
        starts_at=timezone.now() - timedelta(hours=hours_ago),
        duration_minutes=45,
        notes="n",
    )


def _rate(staff, person, days_ago, rater="psychologist"):
    instrument = AssessmentInstrument.objects.get(code="rehabilitation-progress")
    services.progress_rating_record(
        actor=staff[rater],
        returnee=person,
        instrument=instrument,
        assessed_on=timezone.localdate() - timedelta(days=days_ago),
        scores=dict.fromkeys(instrument.domain_codes(), 3),
        disengagement="ambivalent",
    )


def _residents(staff, n):
    return [
        PlacementFactory(centre=staff["centre_a"], returnee=ReturneeFactory()).returnee
        for _ in range(n)
    ]


def _constant(client, url, grow, django_assert_max_num_queries, ceiling):
    client.get(url)
    with django_assert_max_num_queries(ceiling) as few:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_case_page(client, staff, world, django_assert_max_num_queries):
    person = world["person_a"]
    _session(staff, [person])
    _rate(staff, person, 30)
    client.force_login(staff["psychologist"])

    def grow():
        others = _residents(staff, 3)
        for i in range(5):
            _session(staff, [person, *others], hours_ago=3 + i)
        for days in (60, 90, 120):
            _rate(staff, person, days)
            _rate(staff, person, days, rater="theologian")

    url = reverse("returnees:detail", args=[person.pk])
    _constant(client, url, grow, django_assert_max_num_queries, 60)


def test_my_centre_with_todays_sessions(client, staff, world, django_assert_max_num_queries):
    _session(staff, [world["person_a"]], hours_ago=0)
    client.force_login(staff["teacher"])

    def grow():
        people = _residents(staff, 6)
        for i in range(3):
            _session(staff, people[i * 2 : i * 2 + 2], hours_ago=0)

    _constant(client, reverse("rehabilitation:my_centre"), grow, django_assert_max_num_queries, 30)


def test_activity_sheet(client, staff, world, django_assert_max_num_queries):
    activity = services.activity_add(
        actor=staff["teacher"],
        centre=staff["centre_a"],
        kind="arts",
        name="Drawing",
        started_on=date(2026, 1, 1),
    )
    client.force_login(staff["teacher"])
    url = reverse("rehabilitation:activity", args=[activity.pk]) + "?month=2026-10"

    def grow():
        for person in _residents(staff, 8):
            services.activity_participation_record(
                actor=staff["teacher"],
                activity=activity,
                returnee=person,
                month=date(2026, 10, 1),
                times=3,
            )

    _constant(client, url, grow, django_assert_max_num_queries, 20)


@pytest.mark.parametrize("page", ["trajectory", "legal"])
def test_person_pages(client, users, staff, world, page, django_assert_max_num_queries):
    from repatriation.accounts.roles import Role

    person = world["person_a"]
    if page == "trajectory":
        client.force_login(staff["psychologist"])
        _rate(staff, person, 10)

        def grow():
            for days in (40, 70, 100, 130):
                _rate(staff, person, days)
                _rate(staff, person, days, rater="theologian")

    else:
        officer = users[Role.LEGAL_OFFICER]
        client.force_login(officer)

        def add(opened):
            proceeding = services.legal_proceeding_add(
                actor=officer,
                returnee=person,
                values={"status": "trial", "court": "Court", "opened_on": opened},
            )
            services.custody_period_add(
                actor=officer,
                proceeding=proceeding,
                kind="pre_trial",
                started_on=opened,
                ended_on=opened + timedelta(days=30),
            )

        add(date(2026, 1, 1))

        def grow():
            add(date(2025, 1, 1))
            add(date(2024, 1, 1))

    url = reverse(f"rehabilitation:{page}", args=[person.pk])
    _constant(client, url, grow, django_assert_max_num_queries, 30)
