"""`/api/v1/centres/`: a partner sees the centres of its agreement; staff their own."""

from repatriation.accounts.services import api_client_create


def test_centres_by_caller(client, users, world):
    centre_a = world["person_a"].placements.get().centre
    centre_b = world["person_b"].placements.get().centre
    agreement = users["partner_agency"].agreementusergrant_set.get().content_object
    _api, token = api_client_create(
        actor=None, organisation=agreement.organisation, agreement=agreement, name="NGO"
    )
    seen = client.get("/api/v1/centres/", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert [c["id"] for c in seen["results"]] == [centre_a.pk]
    response = client.get(f"/api/v1/centres/{centre_b.pk}/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 404
    client.force_login(users["caseworker"])
    ids = {c["id"] for c in client.get("/api/v1/centres/").json()["results"]}
    assert {centre_a.pk, centre_b.pk} <= ids
    client.force_login(users["centre_staff"])
    assert [c["id"] for c in client.get("/api/v1/centres/").json()["results"]] == [centre_a.pk]
    for role in ("ministry_official", "auditor", "outsider"):
        client.force_login(users[role])
        assert client.get("/api/v1/centres/").json()["results"] == []
    client.logout()
    assert client.get("/api/v1/centres/").status_code == 401
