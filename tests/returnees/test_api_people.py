"""`/api/v1/people/`: the agreement's people only, its field groups only, cursor pages,
search across scripts, `updated_since`, problem details for bad input."""

import pytest
from django.utils import timezone

from repatriation.accounts.services import api_client_create
from tests.factories import PlacementFactory, ReturneeFactory


@pytest.fixture
def token(users):
    agreement = users["partner_agency"].agreementusergrant_set.get().content_object
    return api_client_create(
        actor=None, organisation=agreement.organisation, agreement=agreement, name="NGO"
    )[1]


@pytest.fixture
def api(client, token):
    def get(path, **params):
        return client.get(path, params, HTTP_AUTHORIZATION=f"Bearer {token}")

    return get


def test_records_outside_the_agreement_answer_404(api, world):
    assert api(f"/api/v1/people/{world['person_a'].pk}/").status_code == 200
    for name in ("person_b", "person_unplaced"):
        response = api(f"/api/v1/people/{world[name].pk}/")
        assert response.status_code == 404
        assert response.json()["title"] == "Not found"
    assert api("/api/v1/people/abc/").status_code == 404


def test_only_the_agreements_field_groups_are_sent(api, world):
    body = api(f"/api/v1/people/{world['person_a'].pk}/").json()
    assert body["case_number"] == world["person_a"].case_number
    assert body["names"][0]["full_name"]
    for absent in ("phone", "relationships", "household", "verification_status", "is_pregnant"):
        assert absent not in body


def test_signed_in_staff_get_their_own_field_groups(client, users, world):
    client.force_login(users["caseworker"])
    body = client.get(f"/api/v1/people/{world['person_b'].pk}/").json()
    assert {"phone", "relationships", "verification_status"} <= set(body)
    assert "is_pregnant" not in body  # medical


def test_search_across_scripts_stays_in_scope(api, world):
    found = api("/api/v1/people/", search="Dinara Akhmetova").json()["results"]
    assert [p["id"] for p in found] == [world["person_a"].pk]
    assert api("/api/v1/people/", search="Анна Петрова").json()["results"] == []  # centre B


def test_cursor_pages_and_filters(api, world):
    centre = world["person_a"].placements.get().centre
    for _ in range(3):
        PlacementFactory(centre=centre, returnee=ReturneeFactory())
    seen, url, params = [], "/api/v1/people/", {"page_size": "2"}
    while url:
        body = api(url, **params).json()
        seen += [p["id"] for p in body["results"]]
        url, params = body["next"], {}
    assert len(seen) == len(set(seen)) == 5
    assert seen == sorted(seen)
    placed = api("/api/v1/people/", status="in_transit").json()["results"]
    assert [p["id"] for p in placed] == [world["person_on_operation"].pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"updated_since": "2026-11-01T00:00"}, "updated_since"),  # no offset
        ({"status": "happy"}, "status"),
        ({"born_after": "1990-13-01"}, "born_after"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"ordering": "primary_name"}, "ordering"),
    ],
)
def test_bad_query_strings_get_problem_details(api, world, params, field):
    response = api("/api/v1/people/", **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_newest_first(api, world):
    ids = [p["id"] for p in api("/api/v1/people/", ordering="-id").json()["results"]]
    assert ids == sorted(ids, reverse=True) and len(ids) == 2


def test_updated_since_returns_only_changes(api, world):
    from returnees.models import Returnee

    later = timezone.now()
    Returnee.objects.filter(pk=world["person_a"].pk).update(updated_at=timezone.now())
    body = api("/api/v1/people/", updated_since=later.isoformat()).json()
    assert [p["id"] for p in body["results"]] == [world["person_a"].pk]


def test_list_query_count_is_constant(api, world, django_assert_max_num_queries):
    api("/api/v1/people/")
    with django_assert_max_num_queries(20) as few:
        api("/api/v1/people/")
    centre = world["person_a"].placements.get().centre
    for _ in range(10):
        PlacementFactory(centre=centre, returnee=ReturneeFactory())
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api("/api/v1/people/").json()["results"]) == 12


def test_the_schema_and_the_offline_docs(client, users):
    client.force_login(users["caseworker"])
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/people/{id}/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "drf_spectacular_sidecar/swagger-ui-dist" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()


def test_the_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/centres/" in target.read_text()
    assert "bearerToken" in target.read_text()


def test_written_out_representation_equals_drfs(users, world):
    """The person serializer writes its fields out by hand for speed; for people with
    aliases, households, relatives and every field group it says exactly what DRF's
    generic fields say (names in the order the page gives them: primary first)."""
    from django.db.models import Prefetch

    from repatriation.accounts.roles import FieldGroup
    from returnees.api.serializers import PersonSerializer
    from returnees.models import Household, Relationship, Returnee, ReturneeName
    from returnees.selectors import names_attach
    from returnees.services import name_add, parent_link

    mother = world["person_a"]
    mother.household = Household.objects.create(reference="HH-API-1")
    mother.save(update_fields=["household"])
    child = ReturneeFactory(
        household=mother.household, date_of_birth=mother.date_of_birth.replace(year=2016)
    )
    name_add(actor=None, returnee=mother, full_name="Umm Ali", kind=ReturneeName.Kind.KUNYA)
    name_add(actor=None, returnee=child, full_name="علي", kind=ReturneeName.Kind.OTHER_ALIAS)
    parent_link(actor=None, child=child, parent=mother)
    people = list(
        Returnee.objects.filter(pk__in=[mother.pk, child.pk, world["person_b"].pk])
        .select_related("household")
        .prefetch_related(
            Prefetch("names", queryset=ReturneeName.objects.order_by("-is_primary", "id")),
            Prefetch("relationships", queryset=Relationship.objects.order_by("id")),
        )
    )
    names_attach(people)
    every = frozenset(FieldGroup)
    for groups in (every, frozenset({FieldGroup.IDENTITY}), frozenset()):
        serializer = PersonSerializer(context={"field_groups": lambda p, g=groups: g})
        for person in people:
            fast = serializer.to_representation(person)
            assert fast == serializer.generic_representation(person)
            if groups == every:
                assert len(fast) == 22 and fast["names"]
    full = PersonSerializer(context={"field_groups": lambda p: every})
    shown = {p.pk: full.to_representation(p) for p in people}
    assert [n["full_name"] for n in shown[mother.pk]["names"]][-1] == "Umm Ali"
    assert shown[mother.pk]["household"] == shown[child.pk]["household"] == "HH-API-1"
    assert shown[child.pk]["relationships"] == [{"kind": "mother", "relative": mother.pk}]
