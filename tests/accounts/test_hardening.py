"""Fixes from review: the admin without superusers, own roles, 2FA gaps, client address."""

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from repatriation.accounts.client_ip import client_ip
from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from tests.conftest import PASSWORD


def test_superuser_flag_keeps_a_user_out_of_the_admin(client, users):
    admin = users[Role.ADMINISTRATOR]
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse("admin:index")).status_code == 302


def test_roles_are_not_edited_in_the_admin(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    assert client.get("/admin/auth/group/").status_code == 404


def test_administrator_cannot_change_their_own_roles(client, users):
    admin = users[Role.ADMINISTRATOR]
    client.force_login(admin)
    page = client.get(reverse("admin:accounts_user_change", args=[admin.pk]))
    assert page.status_code == 200
    assert 'name="groups"' not in page.content.decode()
    other = users[Role.CASEWORKER]
    page = client.get(reverse("admin:accounts_user_change", args=[other.pk]))
    assert 'name="groups"' in page.content.decode()


def test_admin_password_reset_is_audited(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    target = users[Role.AUDITOR]
    new = "another-long-passphrase-3"
    response = client.post(
        f"/admin/accounts/user/{target.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditKind.UPDATE, record_id=str(target.pk))
    assert event.changes == {"password": ["***", "***"]}
    assert client.get("/admin/password_change/")["Location"] == reverse("accounts:password_change")


@override_settings(REQUIRE_2FA=True)
def test_password_cannot_be_changed_before_the_second_factor(client, users):
    client.force_login(users[Role.CASEWORKER])
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "x-new-passphrase-9",
            "new_password2": "x-new-passphrase-9",
        },
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    users[Role.CASEWORKER].refresh_from_db()
    assert users[Role.CASEWORKER].check_password(PASSWORD)


@override_settings(REQUIRE_2FA=True)
def test_two_factor_next_keeps_the_whole_query(client, users):
    client.force_login(users[Role.CASEWORKER])
    response = client.get("/people/?status=placed&sex=F")
    assert response["Location"].endswith("?next=%2Fpeople%2F%3Fstatus%3Dplaced%26sex%3DF")


@override_settings(REQUIRE_2FA=True)
def test_two_factor_events_are_audited(client, users):
    user = users[Role.CASEWORKER]
    client.force_login(user)
    client.get(reverse("accounts:two_factor"))
    client.post(reverse("accounts:two_factor"), {"token": "000000"})
    device = TOTPDevice.objects.get(user=user)
    device.throttle_reset()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("accounts:two_factor"), {"token": f"{totp.token():06d}"})
    details = list(AuditEvent.objects.order_by("id").values_list("kind", "detail"))
    assert (AuditKind.LOGIN_FAILED, "wrong two-factor code") in details
    assert (AuditKind.GRANT, "two-factor device enrolled") in details
    assert (AuditKind.LOGIN, "two-factor passed") in details


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "10.0.0.9", "1.2.3.4", "10.0.0.9"),
        (1, "10.0.0.9", "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        (2, "10.0.0.9", "6.6.6.6, 1.2.3.4, 10.0.0.8", "1.2.3.4"),
        (1, "10.0.0.9", "", "10.0.0.9"),
        (1, "10.0.0.9", "not-an-address", None),
    ],
)
def test_client_address_behind_proxies(settings, proxies, remote, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_lockout_uses_the_forwarded_client_behind_a_proxy(client, users, settings):
    settings.PROXY_COUNT = 1
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": "caseworker", "password": "wrong-one-1"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    # Another client behind the same proxy is not locked out.
    response = client.post(
        "/accounts/login/",
        {"username": "caseworker", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.8",
    )
    assert response.status_code == 302


def test_partner_field_groups_are_per_person(world):
    from datetime import date

    from guardian.shortcuts import assign_perm

    from repatriation import policy
    from repatriation.accounts.roles import FieldGroup
    from tests.factories import AgreementFactory, OperationFactory

    partner = world["users"][Role.PARTNER_AGENCY]
    other_operation = OperationFactory()
    wider = AgreementFactory(
        read_field_groups=["identity", "contact"],
        valid_from=date(2024, 1, 1),
        valid_until=date(2030, 1, 1),
    )
    wider.operations.add(other_operation)
    assign_perm("accounts.use_agreement", partner, wider)
    partner = type(partner).objects.get(pk=partner.pk)
    assert FieldGroup.CONTACT not in policy.field_groups_for(partner, world["person_a"])
    assert FieldGroup.EDUCATION in policy.field_groups_for(partner, world["person_a"])


def test_partner_without_identity_sees_no_person_pages(client, world):
    from repatriation.accounts.models import DataSharingAgreement

    DataSharingAgreement.objects.update(read_field_groups=["education"])
    client.force_login(world["users"][Role.PARTNER_AGENCY])
    assert client.get(reverse("returnees:detail", args=[world["person_a"].pk])).status_code == 404
    assert client.get(reverse("returnees:list")).status_code == 404


def test_relatives_outside_scope_are_not_named(client, world):
    from returnees.models import Relationship

    Relationship.objects.create(
        person=world["person_a"], relative=world["person_b"], kind="sibling"
    )
    client.force_login(world["users"][Role.CENTRE_STAFF])
    body = client.get(reverse("returnees:detail", args=[world["person_a"].pk])).content.decode()
    assert world["person_b"].case_number not in body
    assert world["person_b"].primary_name not in body
    client.force_login(world["users"][Role.CASEWORKER])
    body = client.get(reverse("returnees:detail", args=[world["person_a"].pk])).content.decode()
    assert world["person_b"].case_number in body
