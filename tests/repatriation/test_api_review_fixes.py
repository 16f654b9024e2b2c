"""What a review of the API found: filters that told which ids exist, family data and
out-of-scope people in related fields, a replay after access was withdrawn, and a 500."""

from datetime import date

import pytest

from repatriation.accounts.roles import Role
from repatriation.accounts.services import api_client_create
from returnees.models import Guardianship, Relationship, RelativeAtHome
from tests.factories import AgreementFactory, ManifestEntryFactory


@pytest.fixture
def family_partner(api_as, world):
    """A partner reading identity, contact and family at centre A and operation X; writes
    family."""
    agreement = AgreementFactory(
        read_field_groups=["identity", "contact", "family"], write_field_groups=["family"]
    )
    agreement.centres.add(world["person_a"].placements.get().centre)
    agreement.operations.add(world["person_on_operation"].manifest_entries.get().operation)
    token = api_client_create(
        actor=None, organisation=agreement.organisation, agreement=agreement, name="Tracing"
    )[1]
    return api_as(token), agreement


@pytest.mark.parametrize("endpoint", ["relatives", "guardianships", "verifications"])
def test_filters_do_not_tell_which_ids_exist(family_partner, world, endpoint):
    caller, _agreement = family_partner
    field = "child" if endpoint == "guardianships" else "returnee"
    hidden = caller.get(f"/api/v1/{endpoint}/", {field: world["person_b"].pk})
    missing = caller.get(f"/api/v1/{endpoint}/", {field: 10**9})
    assert hidden.status_code == missing.status_code == 200
    assert hidden.json()["results"] == missing.json()["results"] == []
    assert caller.get(f"/api/v1/{endpoint}/", {field: "abc"}).status_code == 400


def test_split_reason_is_a_family_field(api_as, partner_token, family_partner, world):
    entry = world["person_on_operation"].manifest_entries.get()
    entry.split_reason = "Mother held in detention"
    entry.save()
    narrow = api_as(partner_token).get(f"/api/v1/manifest-entries/{entry.pk}/").json()
    assert narrow["split_reason"] is None  # identity and education only
    caller, _agreement = family_partner
    wide = caller.get(f"/api/v1/manifest-entries/{entry.pk}/").json()
    assert wide["split_reason"] == "Mother held in detention"


def test_related_people_out_of_scope_are_not_named(family_partner, users, world):
    caller, _agreement = family_partner
    child, outsider = world["person_a"], world["person_b"]
    Relationship.objects.create(person=child, relative=outsider, kind="mother")
    guardianship = Guardianship.objects.create(
        child=child,
        guardian_kind="returnee",
        guardian_returnee=outsider,
        legal_basis="court_order",
        started_on=date(2026, 1, 1),
        created_by=users[Role.CASEWORKER],
    )
    body = caller.get(f"/api/v1/guardianships/{guardianship.pk}/").json()
    assert body["guardian_returnee"] is None
    person = caller.get(f"/api/v1/people/{child.pk}/").json()
    assert outsider.pk not in [r["relative"] for r in person["relationships"]]
    # Inside the scope, the guardian is named.
    ManifestEntryFactory(
        operation=world["person_on_operation"].manifest_entries.get().operation,
        returnee=outsider,
    )
    body = caller.get(f"/api/v1/guardianships/{guardianship.pk}/").json()
    assert body["guardian_returnee"] == outsider.pk


def test_no_replay_once_access_is_withdrawn(family_partner, world):
    caller, agreement = family_partner
    body = {
        "returnee": world["person_a"].pk,
        "full_name": "Гульнара",
        "relationship": "aunt",
        "region": "Aktobe",
    }
    first = caller.post("/api/v1/relatives/", body, Idempotency_Key="k1")
    assert first.status_code == 201, first.json()
    agreement.centres.clear()  # person_a is no longer within the agreement
    again = caller.post("/api/v1/relatives/", body, Idempotency_Key="k1")
    assert again.status_code == 404
    assert "Гульнара" not in again.content.decode()
    assert RelativeAtHome.objects.count() == 1


def test_a_detail_ignores_list_filters(api_as, full_scope_token, world):
    caller = api_as(full_scope_token)
    person = world["person_b"]
    response = caller.get(f"/api/v1/people/{person.pk}/", {"updated_since": "2999-01-01T00:00Z"})
    assert response.status_code == 200


def test_an_opened_sealed_record_reads_through_the_api(client, users, world):
    from django.utils import timezone

    from rehabilitation.services import sealed_record_open

    person = world["person_b"]
    person.status, person.closed_on, person.sealed_at = "closed", date(2024, 1, 1), timezone.now()
    person.save()
    caseworker = users[Role.CASEWORKER]
    client.force_login(caseworker)
    assert client.get(f"/api/v1/people/{person.pk}/").status_code == 404
    assert sealed_record_open(
        actor=caseworker,
        case_number=person.case_number,
        justification="Court request 12/26 about custody of the children",
    )
    assert client.get(f"/api/v1/people/{person.pk}/").status_code == 200


def test_a_key_older_than_a_day_starts_anew(family_partner, world):
    from datetime import timedelta

    from django.utils import timezone

    from repatriation.accounts.models import IdempotencyKey

    caller, _agreement = family_partner
    body = {
        "returnee": world["person_a"].pk,
        "full_name": "A",
        "relationship": "aunt",
        "region": "Aktobe",
    }
    assert caller.post("/api/v1/relatives/", body, Idempotency_Key="old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    other = caller.post("/api/v1/relatives/", {**body, "full_name": "B"}, Idempotency_Key="old")
    assert other.status_code == 201  # not 422: the old key has expired
    assert RelativeAtHome.objects.count() == 2
    again = caller.post("/api/v1/relatives/", {**body, "full_name": "B"}, Idempotency_Key="old")
    assert again["Idempotent-Replayed"] == "true"
    assert RelativeAtHome.objects.count() == 2
