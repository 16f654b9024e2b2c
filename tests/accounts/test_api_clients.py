"""API clients: tokens shown once and stored hashed, expiry, revocation, allowed addresses,
throttling with Retry-After, problem details, and an audit event for every call."""

import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from repatriation.accounts.models import ApiClient
from repatriation.accounts.services import api_client_create, api_client_revoke, api_token_hash
from repatriation.audit.models import AuditEvent, AuditKind


@pytest.fixture
def agreement(users):
    return users["partner_agency"].agreementusergrant_set.get().content_object


@pytest.fixture
def issued(agreement):
    return api_client_create(
        actor=None, organisation=agreement.organisation, agreement=agreement, name="UNICEF sync"
    )


def _get(client, token, path="/api/v1/people/", **extra):
    return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def test_command_prints_the_token_alone_on_its_last_line(agreement):
    out = io.StringIO()
    call_command(
        "api_client",
        "create",
        "--organisation",
        agreement.organisation.name,
        "--agreement",
        str(agreement.pk),
        stdout=out,
    )
    token = out.getvalue().strip().splitlines()[-1]
    assert token.startswith("rpk_") and " " not in token
    stored = ApiClient.objects.get()
    assert stored.token_hash == api_token_hash(token)
    assert token not in str(stored.__dict__)  # only the hash is kept


def test_command_refuses_an_agreement_of_another_organisation(users, agreement):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "api_client",
            "create",
            "--organisation",
            users["caseworker"].organisation.name,
            "--agreement",
            str(agreement.pk),
            stdout=io.StringIO(),
        )
    assert not ApiClient.objects.exists()


def test_a_token_works_until_revoked_or_expired(client, issued, world):
    api, token = issued
    response = _get(client, token)
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {
        world["person_a"].pk,
        world["person_on_operation"].pk,
    }
    ApiClient.objects.filter(pk=api.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _get(client, token).status_code == 401
    ApiClient.objects.filter(pk=api.pk).update(expires_at=timezone.now() + timedelta(days=1))
    api_client_revoke(actor=None, client=api)
    response = _get(client, token)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer rpk_x_y", "Bearer a b", "Bearer rpk_ab"])
def test_malformed_and_unknown_tokens_get_401(client, issued, header):
    response = client.get("/api/v1/people/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert set(response.json()) >= {"type", "title", "status", "detail"}


def test_tokens_whose_secret_holds_underscores_work(client, agreement):
    for _ in range(20):  # base64url secrets often contain "_"
        _api, token = api_client_create(
            actor=None, organisation=agreement.organisation, agreement=agreement, name="x"
        )
        assert _get(client, token).status_code == 200


def test_a_tampered_secret_is_refused(client, issued):
    _api, token = issued
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert _get(client, tampered).status_code == 401


def test_allowed_addresses_are_enforced(client, issued, agreement):
    _api, token = issued
    agreement.allowed_addresses = ["10.20.0.0/16"]
    agreement.save()
    assert _get(client, token).status_code == 401  # the test client calls from 127.0.0.1
    assert _get(client, token, REMOTE_ADDR="10.20.3.4").status_code == 200


def test_every_call_is_audited(client, issued, world):
    api, token = issued
    _get(client, token)
    _get(client, token, f"/api/v1/people/{world['person_a'].pk}/")
    events = list(AuditEvent.objects.filter(kind=AuditKind.API_CALL).order_by("id"))
    assert [e.actor_id for e in events] == [api.account_id] * 2
    assert f"client={api.pk}" in events[0].detail and " 200" in events[0].detail
    assert sorted(events[0].changes["records"][1]) == sorted(
        [world["person_a"].pk, world["person_on_operation"].pk]
    )
    assert events[1].record_id == str(world["person_a"].pk)


def test_throttling_answers_429_with_retry_after(client, issued, settings):
    _api, token = issued
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])
    from rest_framework.settings import api_settings

    from repatriation.accounts.api.authentication import ClientRateThrottle

    cache.clear()
    ClientRateThrottle.THROTTLE_RATES = {**rates, "api_client": "3/min"}
    try:
        responses = [_get(client, token) for _ in range(4)]
    finally:
        ClientRateThrottle.THROTTLE_RATES = api_settings.DEFAULT_THROTTLE_RATES
        cache.clear()
    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert int(responses[-1]["Retry-After"]) >= 1
    assert responses[-1].json()["status"] == 429


def test_the_service_account_cannot_sign_in_on_the_pages(client, issued):
    api, _token = issued
    assert not api.account.has_usable_password()


def test_administrators_issue_and_revoke_tokens_in_the_admin(client, users, agreement):
    from django.urls import reverse

    admin_user = users["administrator"]
    client.force_login(admin_user)
    add = reverse("admin:accounts_apiclient_add")
    data = {
        "name": "UNHCR",
        "organisation": agreement.organisation.pk,
        "agreement": agreement.pk,
        "days": "30",
    }
    wrong = client.post(add, {**data, "organisation": admin_user.organisation.pk})
    assert "belongs to another organisation" in wrong.content.decode()
    assert not ApiClient.objects.exists()
    response = client.post(add, data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    token = next(m.split(": ")[-1] for m in shown if "rpk_" in m)
    api = ApiClient.objects.get()
    assert api.token_hash == api_token_hash(token)
    assert _get(client, token).status_code == 200
    client.force_login(admin_user)
    changelist = reverse("admin:accounts_apiclient_changelist")
    client.post(changelist, {"action": "revoke", "_selected_action": [api.pk]})
    client.logout()
    assert _get(client, token).status_code == 401
    client.force_login(users["caseworker"])
    assert client.get(changelist).status_code == 302  # to the admin login: not for them


def _create_full_scope(*extra):
    out = io.StringIO()
    call_command(
        "api_client", "create", "--organisation", "Ministry", "--full-scope", *extra, stdout=out
    )
    return out.getvalue().strip().splitlines()[-1]


def test_full_scope_client_reads_every_person(client, world):
    token = _create_full_scope("--name", "Population registry")
    stored = ApiClient.objects.get()
    assert stored.agreement is None and stored.is_full_scope
    assert list(stored.account.groups.values_list("name", flat=True)) == ["integration"]
    assert not stored.account.has_usable_password()
    ids = {p["id"] for p in _get(client, token).json()["results"]}
    assert {world[name].pk for name in ("person_a", "person_b", "person_unplaced")} <= ids


def test_full_scope_client_keeps_to_its_addresses(client, world):
    token = _create_full_scope("--allowed-address", "10.20.0.0/16")
    assert _get(client, token).status_code == 401  # the test client calls from 127.0.0.1
    assert _get(client, token, REMOTE_ADDR="10.20.5.9").status_code == 200


@pytest.mark.parametrize(
    "extra",
    [("--allowed-address", "not-an-address"), ("--agreement", "1")],
)
def test_full_scope_command_refuses_bad_arguments(world, extra):
    from django.core.management.base import CommandError

    with pytest.raises((CommandError, SystemExit)):
        _create_full_scope(*extra)
    assert not ApiClient.objects.exists()
