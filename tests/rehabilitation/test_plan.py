"""The rehabilitation plan: goals by domain, changes with history, the monthly review."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from rehabilitation import services
from rehabilitation.models import PlanEvent
from repatriation.accounts.roles import Role
from returnees.workflow import StaleEdit


def test_goals_change_with_their_history(users, world):
    person = world["person_a"]
    caseworker, staff = users[Role.CASEWORKER], users[Role.CENTRE_STAFF]
    goal = services.plan_goal_add(
        actor=caseworker,
        returnee=person,
        domain="education",
        description="Enrol in grade 3",
        owner=staff,
        target_date=timezone.localdate() + timedelta(days=60),
    )
    services.plan_goal_update(
        actor=staff,
        goal_id=goal.pk,
        version=1,
        values={"status": "achieved"},
        note="Enrolled at school no. 12",
    )
    with pytest.raises(StaleEdit):
        services.plan_goal_update(
            actor=caseworker, goal_id=goal.pk, version=1, values={"status": "dropped"}
        )
    goal.refresh_from_db()
    assert (goal.status, goal.version) == ("achieved", 2)
    events = list(PlanEvent.objects.filter(goal=goal).order_by("id"))
    assert [e.kind for e in events] == ["goal_added", "goal_changed"]
    assert events[1].changes == {"status": ["active", "achieved"]}
    assert events[1].note == "Enrolled at school no. 12"


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"domain": "astrology", "description": "x"}, "domain"),
        ({"domain": "health", "description": "  "}, "description"),
        ({"domain": "health", "description": "x", "target_date": date(2020, 1, 1)}, "target_date"),
    ],
)
def test_bad_goals_are_refused(users, world, values, field):
    with pytest.raises(ValidationError) as error:
        services.plan_goal_add(actor=users[Role.CASEWORKER], returnee=world["person_a"], **values)
    assert field in error.value.error_dict
    assert not PlanEvent.objects.exists()


def test_monthly_review_sets_the_next_one(users, world):
    with pytest.raises(ValidationError):
        services.plan_review_record(
            actor=users[Role.CENTRE_STAFF], returnee=world["person_a"], note=" "
        )
    plan = services.plan_review_record(
        actor=users[Role.CENTRE_STAFF], returnee=world["person_a"], note="Progressing well"
    )
    today = timezone.localdate()
    assert (plan.last_reviewed_on, plan.next_review_on) == (today, today + timedelta(days=30))


def test_plan_page_for_staff_and_caseworkers_only_in_scope(client, users, world):
    url_a = reverse("rehabilitation:plan", args=[world["person_a"].pk])
    url_b = reverse("rehabilitation:plan", args=[world["person_b"].pk])
    client.force_login(users[Role.CENTRE_STAFF])
    response = client.post(
        url_a,
        {"action": "add", "new-domain": "psychosocial", "new-description": "Weekly group sessions"},
    )
    assert response.status_code == 302
    page = client.get(url_a).content.decode()
    assert "Weekly group sessions" in page and 'data-testid="plan-history"' in page
    goal = world["person_a"].plan.goals.get()
    stale = client.post(
        url_a,
        {
            "action": f"goal-{goal.pk}",
            f"goal-{goal.pk}-version": "9",
            f"goal-{goal.pk}-status": "dropped",
        },
    )
    assert "Someone else changed this goal" in stale.content.decode()
    assert client.post(url_a, {"action": "goal-²"}).status_code == 200
    assert client.get(url_b).status_code == 404  # another centre
    for role in (Role.MEDICAL_OFFICER, Role.PARTNER_AGENCY, Role.AUDITOR, "outsider"):
        client.force_login(users[role])
        assert client.get(url_a).status_code == 404
    client.force_login(users[Role.CASEWORKER])
    assert client.get(url_b).status_code == 200


def test_my_centre_page(client, users, world, django_assert_max_num_queries):
    from tests.factories import PlacementFactory, ReturneeFactory

    client.force_login(users[Role.CENTRE_STAFF])
    services.plan_review_record(
        actor=users[Role.CENTRE_STAFF], returnee=world["person_a"], note="Fine"
    )
    body = client.get(reverse("rehabilitation:my_centre")).content.decode()
    assert world["person_a"].case_number in body
    assert world["person_b"].case_number not in body  # another centre
    assert "1 of 50 places taken" in body
    assert 'data-testid="reviews-due"' in body
    centre = world["person_a"].placements.get().centre
    client.get(reverse("rehabilitation:my_centre"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("rehabilitation:my_centre"))
    for _ in range(10):
        PlacementFactory(centre=centre, returnee=ReturneeFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("rehabilitation:my_centre"))
    for role in (Role.CASEWORKER, Role.MINISTRY_OFFICIAL, "outsider"):
        client.force_login(users[role])
        assert client.get(reverse("rehabilitation:my_centre")).status_code == 404


def test_my_centre_pages_its_residents_by_name(client, users, world):
    """Fifty residents at a time, by name; "More residents" goes on after the last shown;
    a bad or foreign `after` starts from the first page."""
    from rehabilitation.selectors.placements import RESIDENTS_PAGE
    from tests.factories import PlacementFactory, ReturneeFactory

    centre = world["person_a"].placements.get().centre
    for i in range(RESIDENTS_PAGE + 4):
        PlacementFactory(centre=centre, returnee=ReturneeFactory(primary_name=f"Resident {i:03d}"))
    client.force_login(users[Role.CENTRE_STAFF])
    url = reverse("rehabilitation:my_centre")
    first = client.get(url).context["centres"][0]
    names = [p.primary_name for p in first.residents]
    assert len(names) == RESIDENTS_PAGE and names == sorted(names)
    assert first.more_after == first.residents[-1].pk
    body = client.get(url).content.decode()
    assert f'href="?after={first.more_after}"' in body
    second = client.get(url, {"after": first.more_after}).context["centres"][0]
    rest = [p.primary_name for p in second.residents]
    assert len(rest) == RESIDENTS_PAGE + 5 - RESIDENTS_PAGE and second.more_after is None
    assert set(rest).isdisjoint(names) and min(rest) > max(names)
    for bad in ("x", "-1", "9" * 30, str(world["person_b"].pk)):  # person_b: another centre
        again = client.get(url, {"after": bad})
        assert again.status_code == 200
        assert [p.pk for p in again.context["centres"][0].residents] == [
            p.pk for p in first.residents
        ]
