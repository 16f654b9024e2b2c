"""Writes to `/api/v1/people/`: ETag and If-Match (428, 412), only the fields sent are saved,
fields outside the writable groups refused by name, registration with duplicate checks and
Idempotency-Key, and workflow steps under the case page's rules."""

from datetime import date

import pytest

from repatriation.audit.models import AuditEvent, AuditKind
from returnees.models import Household, Relationship, Returnee


@pytest.fixture
def ministry(api_as, full_scope_token):
    return api_as(full_scope_token)


@pytest.fixture
def partner(api_as, partner_token):
    return api_as(partner_token)


def _url(person):
    return f"/api/v1/people/{person.pk}/"


NEW_PERSON = {
    "full_name": "Зарина Касымова",
    "sex": "F",
    "date_of_birth": "2015-06-01",
    "claimed_nationality": "KZ",
    "is_unaccompanied": True,
}


def test_every_record_has_an_etag_of_its_version(ministry, world):
    response = ministry.get(_url(world["person_b"]))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'


def test_patch_needs_if_match(ministry, world):
    person = world["person_b"]
    response = ministry.patch(_url(person), {"place_of_birth": "Raqqa"})
    assert response.status_code == 428
    assert response["Content-Type"] == "application/problem+json"
    assert (
        ministry.patch(_url(person), {"place_of_birth": "Raqqa"}, If_Match="*").status_code == 428
    )
    person.refresh_from_db()
    assert person.place_of_birth == "" and person.version == 1


def test_a_stale_etag_gets_412_and_changes_nothing(ministry, world):
    person = world["person_b"]
    first = ministry.patch(_url(person), {"place_of_birth": "Raqqa"}, If_Match='"1"')
    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    stale = ministry.patch(_url(person), {"place_of_birth": "Mosul"}, If_Match='"1"')
    assert stale.status_code == 412
    person.refresh_from_db()
    assert person.place_of_birth == "Raqqa" and person.version == 2


def test_only_the_fields_sent_are_saved_and_audited(ministry, world):
    person = world["person_b"]
    before = Returnee.objects.get(pk=person.pk)
    response = ministry.patch(_url(person), {"phone": "+7 701 000 00 01"}, If_Match='"1"')
    assert response.status_code == 200
    assert response.json()["phone"] == "+7 701 000 00 01"
    after = Returnee.objects.get(pk=person.pk)
    assert after.phone == "+7 701 000 00 01"
    for name in ("sex", "date_of_birth", "place_of_birth", "is_orphan", "claimed_nationality"):
        assert getattr(after, name) == getattr(before, name)
    event = AuditEvent.objects.filter(kind=AuditKind.UPDATE, record_id=str(person.pk)).get()
    assert set(event.changes) == {"phone"}


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"case_number": "KZ-1"}, "case_number", "read-only"),
        ({"shoe_size": 38}, "shoe_size", "no such field"),
        ({"is_pregnant": True}, "is_pregnant", "medical field group"),  # not granted
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "future"),
        ({"sex": "X"}, "sex", "valid choice"),
        ({"phone": "call me"}, "phone", "Digits"),
        ({"claimed_nationality": "kz"}, "claimed_nationality", "Two capital letters"),
    ],
)
def test_bad_fields_are_named_and_nothing_changes(ministry, world, body, field, words):
    person = world["person_b"]
    response = ministry.patch(_url(person), body, If_Match='"1"')
    assert response.status_code == 400, response.json()
    assert words.lower() in " ".join(response.json()["errors"][field]).lower()
    person.refresh_from_db()
    assert person.version == 1


def test_not_json_objects_are_refused(ministry, world):
    response = ministry.patch(_url(world["person_b"]), [1, 2], If_Match='"1"')
    assert response.status_code == 400
    response = ministry.patch(_url(world["person_b"]), "{not json", If_Match='"1"')
    assert response.status_code == 400


def test_put_must_send_every_writable_field(ministry, world):
    person = world["person_b"]
    response = ministry.put(_url(person), {"phone": "+7 701 000 00 02"}, If_Match='"1"')
    assert response.status_code == 400
    assert "sex" in response.json()["errors"]
    full = {
        "sex": "F",
        "date_of_birth": "1990-03-14",
        "date_of_birth_estimated": False,
        "place_of_birth": "Aktobe",
        "claimed_nationality": "KZ",
        "is_unaccompanied": False,
        "is_separated": False,
        "is_orphan": False,
        "phone": "+7 701 000 00 02",
    }
    response = ministry.put(_url(person), full, If_Match='"1"')
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    assert person.place_of_birth == "Aktobe"


def test_a_partner_cannot_write_groups_its_agreement_does_not(partner, world):
    person = world["person_a"]  # in the agreement: reads identity and education
    response = partner.patch(_url(person), {"place_of_birth": "Raqqa"}, If_Match='"1"')
    assert response.status_code == 400
    assert "identity field group" in response.json()["errors"]["place_of_birth"][0]
    assert partner.patch(_url(world["person_b"]), {}, If_Match='"1"').status_code == 404


def test_a_partner_with_a_writable_group_writes_exactly_it(api_as, users, world):
    from repatriation.accounts.services import api_client_create
    from tests.factories import AgreementFactory

    agreement = AgreementFactory(
        read_field_groups=["identity", "contact", "family"], write_field_groups=["contact"]
    )
    agreement.centres.add(world["person_a"].placements.get().centre)
    caller = api_as(
        api_client_create(
            actor=None, organisation=agreement.organisation, agreement=agreement, name="Tracing"
        )[1]
    )
    person = world["person_a"]
    ok = caller.patch(_url(person), {"phone": "+7 777 123 45 67"}, If_Match='"1"')
    assert ok.status_code == 200
    refused = caller.patch(_url(person), {"is_orphan": True}, If_Match='"2"')
    assert refused.status_code == 400
    assert "family field group" in refused.json()["errors"]["is_orphan"][0]


def test_registration_with_an_idempotency_key(ministry, db):
    count = Returnee.objects.count()
    first = ministry.post("/api/v1/people/", NEW_PERSON, Idempotency_Key="reg-001")
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["case_number"].startswith("KZ-")
    assert body["is_unaccompanied"] is True
    assert first["Location"].endswith(f"/api/v1/people/{body['id']}/")
    assert first["ETag"] == '"1"'
    again = ministry.post("/api/v1/people/", NEW_PERSON, Idempotency_Key="reg-001")
    assert again.status_code == 201
    assert again.json() == body
    assert again["Idempotent-Replayed"] == "true"
    other = ministry.post(
        "/api/v1/people/", {**NEW_PERSON, "full_name": "Другое Имя"}, Idempotency_Key="reg-001"
    )
    assert other.status_code == 422
    assert Returnee.objects.count() == count + 1


def test_a_failed_request_does_not_use_up_its_key(ministry, db):
    bad = ministry.post("/api/v1/people/", {**NEW_PERSON, "sex": "X"}, Idempotency_Key="k-2")
    assert bad.status_code == 400
    good = ministry.post("/api/v1/people/", {**NEW_PERSON, "sex": "F"}, Idempotency_Key="k-2")
    assert good.status_code == 201


def test_a_possible_duplicate_needs_checking_first(ministry, world):
    existing = world["person_a"]  # Dinara Akhmetova
    body = {
        "full_name": existing.primary_name,
        "sex": existing.sex,
        "date_of_birth": existing.date_of_birth.isoformat(),
    }
    count = Returnee.objects.count()
    response = ministry.post("/api/v1/people/", body)
    assert response.status_code == 409
    assert existing.pk in [d["id"] for d in response.json()["errors"]["duplicates"]]
    assert Returnee.objects.count() == count
    checked = ministry.post("/api/v1/people/", {**body, "not_duplicate_of": [existing.pk]})
    assert checked.status_code == 201
    new = Returnee.objects.get(pk=checked.json()["id"])
    assert new.duplicate_decisions.filter(candidate=existing, same_person=False).exists()


def test_a_child_registered_with_the_mother_joins_her_household(ministry, world):
    mother = world["person_b"]
    mother.household = Household.objects.create(reference="HH-API-1")
    mother.save()
    response = ministry.post(
        "/api/v1/people/", {**NEW_PERSON, "full_name": "Айша Петрова", "mother": mother.pk}
    )
    assert response.status_code == 201, response.json()
    child = Returnee.objects.get(pk=response.json()["id"])
    assert child.household_id == mother.household_id
    assert Relationship.objects.filter(person=child, relative=mother, kind="mother").exists()
    unknown = ministry.post("/api/v1/people/", {**NEW_PERSON, "mother": 10**9})
    assert unknown.status_code == 400 and "mother" in unknown.json()["errors"]


def test_bad_registrations_are_named_and_register_nobody(ministry, db):
    count = Returnee.objects.count()
    for body, field in [
        ({**NEW_PERSON, "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({**NEW_PERSON, "full_name": ""}, "full_name"),
        ({k: v for k, v in NEW_PERSON.items() if k != "sex"}, "sex"),
        ({**NEW_PERSON, "id": 5}, "id"),
    ]:
        response = ministry.post("/api/v1/people/", body)
        assert response.status_code == 400, body
        assert field in response.json()["errors"], response.json()
    assert Returnee.objects.count() == count


def test_partners_do_not_register_people(partner, db):
    response = partner.post("/api/v1/people/", NEW_PERSON)
    assert response.status_code == 403


def test_workflow_steps_follow_the_case_rules(client, users, world):
    client.force_login(users["caseworker"])
    person = world["person_unplaced"]  # verifying, verification pending
    url = f"/api/v1/people/{person.pk}/transitions/"

    def step(body, etag):
        return client.post(url, body, content_type="application/json", HTTP_IF_MATCH=etag)

    assert step({"transition": "clear"}, "").status_code == 428
    refused = step({"transition": "clear"}, '"1"')
    assert refused.status_code == 409
    assert "verif" in " ".join(refused.json()["errors"]["transition"]).lower()
    assert step({"transition": "fly"}, '"1"').status_code == 400
    closed = step(
        {"transition": "close", "reason": "Moved abroad", "closure_reason": "other"}, '"1"'
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["status"] == "closed"
    assert closed["ETag"] == '"2"'
    person.refresh_from_db()
    assert person.status == "closed" and person.closed_on == date.today()


def test_full_scope_reads_everyone_but_not_the_professions_records(ministry, world):
    for name in ("person_a", "person_b", "person_unplaced", "person_on_operation"):
        assert ministry.get(_url(world[name])).status_code == 200
    body = ministry.get(_url(world["person_b"])).json()
    assert "phone" in body and "is_pregnant" not in body
    assert ministry.get("/api/v1/medical-assessments/").json()["results"] == []
