"""Query budgets: every API list and record, and every list page, costs a fixed number of
queries, the same for a page of ten rows as for a page of fifty (an N+1 would grow with the
page). Measured on the demo world; the benchmark measures the same at a million people."""

from importlib import import_module

import pytest
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from zeal import zeal_ignore

from repatriation import policy
from repatriation.accounts.models import Organisation, User
from repatriation.accounts.services import api_client_create
from repatriation.demo import demo_seed
from returnees.models import CaseStatus

pytestmark = pytest.mark.django_db

ROUTERS = (
    "returnees.api.urls",
    "repatriation.operations.api.urls",
    "repatriation.medical.api.urls",
    "rehabilitation.api.urls",
    "reporting.api.urls",
)
API_LIST_BUDGET = 10  # authentication, throttle, scope, page, audit: at most ten in all
API_RECORD_BUDGET = 10
# Pages: (demo login, address, budget). Lists first, then the pages that list things.
PAGES = [
    ("caseworker", "/people/", 10),
    ("caseworker", "/people/?status=placed&sex=F&age_group=12to17", 10),
    ("caseworker", "/people/?q=Айгерим", 12),
    ("caseworker", "/", 8),
    ("caseworker", "/operations/", 10),
    ("teacher", "/people/", 10),
    ("teacher", "/rehabilitation/my-centre/", 9),
    ("psychologist", "/rehabilitation/my-centre/", 9),
    ("teacher", "/rehabilitation/my-centre/activities/", 10),
    ("teacher", "/rehabilitation/my-centre/attendance/", 10),
    ("partner", "/people/", 12),
    ("auditor", "/audit/", 10),
    ("ministry", "/dashboard/reports/", 12),
    ("ministry", "/dashboard/", 12),
]


def _queries(client, path, **extra) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, **extra)
    return len(captured.captured_queries), response


@pytest.fixture
def demo_world():
    with zeal_ignore():  # the generator, a one-off batch, is not what is measured here
        demo_seed(returnees=150, seed=11)
    ministry = Organisation.objects.get_or_create(name="Budget test registry")[0]
    return api_client_create(actor=None, organisation=ministry, agreement=None, name="budget")[1]


def test_every_api_list_and_record_has_a_constant_budget(demo_world):
    client = Client(HTTP_AUTHORIZATION=f"Bearer {demo_world}")
    over, checked = [], 0
    for module in ROUTERS:
        for prefix, _viewset, _basename in import_module(module).router.registry:
            path = f"/api/v1/{prefix}/"
            client.get(path)  # warm caches of the first call
            few, small = _queries(client, path, data={"page_size": 10})
            many, large = _queries(client, path, data={"page_size": 50})
            assert small.status_code == large.status_code == 200, (path, large.content[:300])
            rows = large.json()["results"]
            checked += 1
            if many > API_LIST_BUDGET or (len(rows) > 10 and many != few):
                over.append(f"{path}: {few} queries for 10 rows, {many} for {len(rows)}")
            if rows:
                count, record = _queries(client, f"{path}{rows[-1]['id']}/")
                assert record.status_code == 200, (path, record.content[:300])
                if count > API_RECORD_BUDGET:
                    over.append(f"{path}{{id}}/: {count} queries")
    assert checked >= 19
    assert not over, "over budget:\n" + "\n".join(over)


def _on_postgresql():
    if connection.vendor != "postgresql":
        # Pages read their small lists in one round trip there (fetch_together).
        pytest.fail("the budgets are PostgreSQL's, and the suite runs on PostgreSQL")


def test_every_list_page_has_a_budget(demo_world):
    _on_postgresql()
    over = []
    for username, path, budget in PAGES:
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(path)
        count, response = _queries(client, path)
        assert response.status_code == 200, (username, path, response.status_code)
        if count > budget:
            over.append(f"{username} {path}: {count} queries (budget {budget})")
    assert not over, "over budget:\n" + "\n".join(over)


CASE_PAGE_BUDGET = 10  # session, user, permissions, scope and person, audit, the rest together
DEMO_LOGINS = (
    "admin",
    "caseworker",
    "verifier",
    "medic",
    "teacher",
    "psychologist",
    "theologian",
    "legal",
    "manager",
    "partner",
)


def test_the_case_page_has_a_budget_for_every_role_and_status(demo_world):
    """The person's own records, sections and named relatives are read together: the count
    does not grow with what a person has, nor with what the role sees."""
    _on_postgresql()
    over, opened = [], 0
    for username in DEMO_LOGINS:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        people = policy.returnees_visible_to(user)
        for status in CaseStatus.values:
            # The person of this status with the most related records the role can see.
            pk = (
                people.filter(status=status)
                .annotate(n=Count("events", distinct=True) + Count("names", distinct=True))
                .order_by("-n")
                .values_list("pk", flat=True)
                .first()
            )
            if pk is None:
                continue
            client.get(f"/people/{pk}/")
            count, response = _queries(client, f"/people/{pk}/")
            assert response.status_code == 200, (username, status, response.status_code)
            opened += 1
            if count > CASE_PAGE_BUDGET:
                over.append(f"{username} {status} person {pk}: {count} queries")
    assert opened >= 40
    assert not over, "over budget:\n" + "\n".join(over)
