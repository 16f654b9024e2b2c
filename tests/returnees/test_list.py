"""The case list: filters, sorting, keyset pages; the caseworker's dashboard."""

from datetime import date, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from repatriation.accounts.roles import Role
from tests.factories import ReturneeFactory


@pytest.fixture
def crowd(users):
    today = timezone.localdate()
    people = {
        "toddler": ReturneeFactory(
            date_of_birth=today - timedelta(days=3 * 365),
            sex="M",
            is_orphan=True,
            status="identified",
        ),
        "child": ReturneeFactory(
            date_of_birth=today - timedelta(days=9 * 365),
            sex="F",
            is_unaccompanied=True,
            status="verifying",
        ),
        "teen": ReturneeFactory(
            date_of_birth=today - timedelta(days=15 * 365),
            sex="M",
            status="cleared",
            verification_status="verified",
        ),
        "mother": ReturneeFactory(
            date_of_birth=date(1988, 1, 1),
            sex="F",
            is_pregnant=True,
            assigned_caseworker=users[Role.CASEWORKER],
        ),
    }
    return people


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"age_group": "under5"}, {"toddler"}),
        ({"age_group": "5to11"}, {"child"}),
        ({"age_group": "12to17"}, {"teen"}),
        ({"age_group": "adult"}, {"mother"}),
        ({"sex": "F"}, {"child", "mother"}),
        ({"flags": ["is_orphan"]}, {"toddler"}),
        ({"flags": ["is_unaccompanied", "is_orphan"]}, set()),
        ({"status": "cleared"}, {"teen"}),
        ({"verification": "verified"}, {"teen"}),
        ({"verification": "pending"}, {"toddler", "child", "mother"}),
    ],
)
def test_filters(client, users, crowd, query, expected):
    client.force_login(users[Role.CASEWORKER])
    page = client.get("/people/", query).context["page"]
    assert {name for name, p in crowd.items() if p in page.people} == expected


def test_filter_by_caseworker(client, users, crowd):
    client.force_login(users[Role.CASEWORKER])
    page = client.get("/people/", {"caseworker": users[Role.CASEWORKER].pk}).context["page"]
    assert page.people == [crowd["mother"]]


@pytest.mark.parametrize(
    "sort", ["newest", "case_number", "name", "date_of_birth", "updated", "status"]
)
def test_keyset_pages_cover_everyone_once_in_order(client, users, sort):
    from returnees.selectors import ReturneeFilters, returnee_list

    ReturneeFactory.create_batch(23, primary_name="Same Name")
    user = users[Role.CASEWORKER]
    seen, cursor = [], ""
    while True:
        page = returnee_list(user=user, filters=ReturneeFilters(sort=sort), cursor=cursor, size=5)
        seen += [p.pk for p in page.people]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == len(set(seen)) == 23


def test_next_page_link_works_through_the_page(client, users):
    ReturneeFactory.create_batch(60)
    client.force_login(users[Role.CASEWORKER])
    first = client.get("/people/", {"sort": "name"}).context["page"]
    second = client.get("/people/", {"sort": "name", "cursor": first.next_cursor}).context["page"]
    assert len(first.people) == 50 and len(second.people) == 10
    assert not {p.pk for p in first.people} & {p.pk for p in second.people}


def test_dashboard_panels(client, users, crowd):
    from returnees.models import Guardianship

    client.force_login(users[Role.CASEWORKER])
    context = client.get("/").context
    assert crowd["mother"] in context["my_cases"]
    assert crowd["child"] in context["verifications_waiting"]
    assert set(context["children_without_guardian"]) == {crowd["toddler"], crowd["child"]}
    Guardianship.objects.create(
        child=crowd["toddler"],
        guardian_kind="state",
        state_body="Authority",
        legal_basis="administrative",
        started_on=date(2026, 1, 1),
        created_by=users[Role.CASEWORKER],
    )
    context = client.get("/").context
    assert set(context["children_without_guardian"]) == {crowd["child"]}
    counts = {value: n for _label, value, n in context["status_rows"]}
    assert counts["identified"] == 1 and counts["placed"] == 1


def test_dashboard_query_count_is_constant(client, users, crowd, django_assert_max_num_queries):
    client.force_login(users[Role.CASEWORKER])
    client.get("/")
    with django_assert_max_num_queries(15) as few:
        client.get("/")
    ReturneeFactory.create_batch(
        30,
        is_orphan=True,
        date_of_birth=date(2018, 1, 1),
        assigned_caseworker=users[Role.CASEWORKER],
        status="verifying",
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}})
def test_cached_filter_fields_follow_language_and_values_never_the_search(client, users):
    """The filter fields are rendered once per language and set of values; the search text
    (often a person's name) is never part of what is cached."""
    from django.core.cache import cache

    client.force_login(users[Role.CASEWORKER])
    english = client.get("/people/?status=placed", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'value="placed" selected' in english and "Any" in english
    client.cookies["django_language"] = "ru"
    russian = client.get("/people/?status=placed", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'value="placed" selected' in russian and "Любой" in russian
    client.cookies["django_language"] = "en"
    verifying = client.get("/people/?status=verifying").content.decode()
    assert 'value="verifying" selected' in verifying
    client.get("/people/?q=Zhanargul+Secretname&status=placed")
    assert not any(b"Secretname" in value for value in cache._cache.values())
    assert any(b"people-filters" in key.encode() for key in cache._cache)
