"""Operation pages: roles, the import page and its error report, boarding through htmx."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from repatriation.accounts.roles import Role
from repatriation.operations import services
from repatriation.operations.models import ManifestImport

SEE = {Role.CASEWORKER, Role.MEDICAL_OFFICER, Role.PROGRAMME_MANAGER, Role.INTEGRATION}
MANAGE = {Role.CASEWORKER, Role.PROGRAMME_MANAGER}


@pytest.mark.parametrize("role", [*list(Role), "outsider"], ids=str)
def test_who_sees_and_who_manages_operations(client, users, operation, role):
    client.force_login(users[role])
    assert client.get(reverse("operations:list")).status_code == (200 if role in SEE else 404)
    page = client.get(reverse("operations:detail", args=[operation.pk]))
    assert page.status_code == (200 if role in SEE else 404)
    for name in ("operations:leg_add", "operations:manifest_add", "operations:import"):
        expected = 200 if role in MANAGE else 404
        assert client.get(reverse(name, args=[operation.pk])).status_code == expected, name
    assert client.get(reverse("operations:create")).status_code == (200 if role in MANAGE else 404)


def test_import_page_shows_errors_by_row_and_column(client, users, operation, family):
    client.force_login(users[Role.CASEWORKER])
    upload = SimpleUploadedFile(
        "m.csv", f"case_number\n{family[0].case_number}\nKZ-1999-000001\n".encode()
    )
    response = client.post(reverse("operations:import", args=[operation.pk]), {"file": upload})
    record = ManifestImport.objects.get()
    assert response["Location"] == reverse(
        "operations:import_review", args=[operation.pk, record.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-errors"' in page
    assert "No person with this case number." in page and "<td>3</td>" in page
    applied = client.post(response["Location"])
    assert "has errors" in applied.content.decode()
    assert not operation.manifest.exists()


def test_import_then_apply_through_the_page(client, users, operation, family):
    client.force_login(users[Role.CASEWORKER])
    text = "case_number\n" + "\n".join(p.case_number for p in family) + "\n"
    response = client.post(
        reverse("operations:import", args=[operation.pk]),
        {"file": SimpleUploadedFile("m.csv", text.encode())},
    )
    done = client.post(response["Location"], follow=True)
    assert "Imported 3 people." in done.content.decode()
    assert operation.manifest.count() == 3


def test_a_non_manifest_file_is_refused_beside_the_field(client, users, operation):
    client.force_login(users[Role.CASEWORKER])
    response = client.post(
        reverse("operations:import", args=[operation.pk]),
        {"file": SimpleUploadedFile("m.xlsx", b"PK\x03\x04garbage")},
    )
    assert response.status_code == 200
    assert "cannot be read" in response.content.decode()
    assert not ManifestImport.objects.exists()


def test_boarding_through_htmx_returns_the_cell(client, users, operation, family):
    services.manifest_add(actor=users[Role.CASEWORKER], operation=operation, returnees=family)
    boarding = operation.legs.first().boardings.first()
    client.force_login(users[Role.CASEWORKER])
    url = reverse("operations:boarding", args=[operation.pk, boarding.pk])
    response = client.post(url, {"version": 1, "status": "boarded"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="boarding-{boarding.pk}"' in response.content.decode()
    stale = client.post(url, {"version": 1, "status": "no_show"}, HTTP_HX_REQUEST="true")
    assert "Changed by someone else" in stale.content.decode()
    boarding.refresh_from_db()
    assert boarding.status == "boarded"


def test_departure_refusal_is_shown(client, users, operation, family):
    services.manifest_add(actor=users[Role.CASEWORKER], operation=operation, returnees=family)
    leg = operation.legs.first()
    client.force_login(users[Role.CASEWORKER])
    response = client.post(
        reverse("operations:departure", args=[operation.pk, leg.pk]),
        {"at": "2026-11-19T08:00"},
        follow=True,
    )
    assert "Not everyone is accounted for" in response.content.decode()
    bad = client.post(
        reverse("operations:departure", args=[operation.pk, leg.pk]),
        {"at": "yesterday"},
        follow=True,
    )
    assert "Enter the time" in bad.content.decode()


def test_operation_page_query_count_is_constant(
    client, users, operation, family, django_assert_max_num_queries
):
    from tests.factories import ReturneeFactory

    services.manifest_add(actor=users[Role.CASEWORKER], operation=operation, returnees=family)
    client.force_login(users[Role.CASEWORKER])
    url = reverse("operations:detail", args=[operation.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    services.manifest_add(
        actor=users[Role.CASEWORKER],
        operation=operation,
        returnees=[ReturneeFactory(status="cleared") for _ in range(25)],
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
