"""Health check, security headers, language switching, navigation by role."""

import pytest
from django.urls import reverse

from repatriation.accounts.roles import Role


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_when_the_broker_is_down(client, db, monkeypatch):
    from kombu import Connection

    from repatriation.celery import app

    # A real connection attempt to a port where nothing listens.
    monkeypatch.setattr(app, "connection_for_write", lambda: Connection("redis://127.0.0.1:1/0"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "degraded", "database": "ok", "broker": "down"}


def test_healthz_refuses_post(client, db):
    assert client.post("/healthz").status_code == 405


def test_content_security_policy_forbids_inline_script_and_other_hosts(client, db):
    policy = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "http" not in policy


def test_templates_have_no_inline_script_or_style_and_no_foreign_host():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    for path in root.rglob("*.html"):
        text = path.read_text()
        for forbidden in ("<script>", "<style", " style=", 'src="http', 'href="http'):
            assert forbidden not in text, (path, forbidden)


@pytest.mark.parametrize(
    ("language", "word"), [("ru", "Люди"), ("kk", "Адамдар"), ("en", "People")]
)
def test_language_switch(client, users, language, word):
    client.force_login(users[Role.CASEWORKER])
    response = client.post(reverse("set_language"), {"language": language, "next": "/"})
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert f'<html lang="{language}">' in body
    assert word in body


NAV = {
    Role.ADMINISTRATOR: {"home", "people", "admin"},
    Role.CASEWORKER: {"home", "people", "operations"},
    Role.VERIFICATION_OFFICER: {"home", "people"},
    Role.MEDICAL_OFFICER: {"home", "people", "operations", "medical"},
    Role.CENTRE_STAFF: {"home", "people", "centre"},
    Role.LEGAL_OFFICER: {"home", "people"},
    Role.PROGRAMME_MANAGER: {"home", "people", "operations", "dashboard"},
    Role.MINISTRY_OFFICIAL: {"home", "dashboard"},
    Role.PARTNER_AGENCY: {"home", "people"},
    Role.AUDITOR: {"home", "audit"},
    Role.INTEGRATION: {"home", "people", "operations", "dashboard"},
}


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_navigation_by_role(client, users, role):
    import re

    client.force_login(users[role])
    body = client.get(reverse("home")).content.decode()
    assert set(re.findall(r'data-nav="([a-z]+)"', body)) == NAV[role]


def test_dashboard_shows_aggregates_only(client, world):
    client.force_login(world["users"][Role.MINISTRY_OFFICIAL])
    body = client.get(reverse("reporting:dashboard")).content.decode()
    assert 'data-testid="total">4<' in body
    for person in ("person_a", "person_b", "person_unplaced"):
        assert world[person].case_number not in body
        assert world[person].primary_name not in body


@pytest.mark.parametrize(
    "query", [{"status": "bogus"}, {"cursor": "forged"}, {"q": "x" * 500}, {"flags": "nope"}]
)
def test_people_list_bad_query_is_a_clear_error(client, world, query):
    client.force_login(world["users"][Role.CASEWORKER])
    response = client.get(reverse("returnees:list"), query)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["page"] is None


def test_people_list_filters_and_search(client, world):
    client.force_login(world["users"][Role.CASEWORKER])
    body = client.get(reverse("returnees:list"), {"status": "verifying"}).content.decode()
    assert world["person_unplaced"].case_number in body
    assert world["person_a"].case_number not in body
    body = client.get(reverse("returnees:list"), {"q": "Aisha"}).content.decode()
    assert world["person_unplaced"].case_number in body
    body = client.get(
        reverse("returnees:list"), {"q": world["person_b"].case_number}
    ).content.decode()
    assert world["person_b"].case_number in body
    assert world["person_a"].case_number not in body


def test_people_list_query_count_is_constant(client, world, django_assert_max_num_queries):
    from tests.factories import ReturneeFactory

    client.force_login(world["users"][Role.CASEWORKER])
    client.get(reverse("returnees:list"))
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("returnees:list"))
    ReturneeFactory.create_batch(80)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("returnees:list"))


def test_person_page_query_count_is_constant(client, world, django_assert_max_num_queries):
    from returnees.models import Relationship
    from tests.factories import ReturneeFactory

    client.force_login(world["users"][Role.CASEWORKER])
    mother = world["person_a"]
    url = reverse("returnees:detail", args=[mother.pk])
    Relationship.objects.create(person=mother, relative=world["person_b"], kind="sibling")
    client.get(url)
    with django_assert_max_num_queries(35) as few:
        client.get(url)
    for child in ReturneeFactory.create_batch(6):
        Relationship.objects.create(person=mother, relative=child, kind="child")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
