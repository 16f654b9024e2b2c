"""A user who lost their authenticator: an administrator resets their second factor, audited;
they set up a new one at next sign-in. Nobody resets their own, and no page shows a
device's secret."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from repatriation.accounts.roles import Role
from repatriation.accounts.services import two_factor_reset
from repatriation.audit.models import AuditEvent, AuditKind


def _devices(user) -> int:
    return (
        TOTPDevice.objects.filter(user=user).count()
        + StaticDevice.objects.filter(user=user).count()
    )


def _enrolled(user) -> TOTPDevice:
    StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    return TOTPDevice.objects.create(user=user, name="default", confirmed=True)


def _reset_action(client, *users):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [u.pk for u in users]},
        follow=True,
    )


@override_settings(REQUIRE_2FA=True)
def test_an_administrator_resets_a_lost_authenticator(client, users):
    admin, lost = users[Role.ADMINISTRATOR], users[Role.CASEWORKER]
    _enrolled(admin)
    old = _enrolled(lost)
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=admin).persistent_id
    session.save()

    page = _reset_action(client, lost)

    assert page.status_code == 200
    said = f"Two-factor authentication of {lost.get_username()} is reset: they set up a new"
    assert said in page.content.decode()
    assert _devices(lost) == 0 and _devices(admin) == 2
    event = AuditEvent.objects.get(record_id=str(lost.pk), detail="two-factor reset")
    assert event.kind == AuditKind.UPDATE and event.actor_id == admin.pk
    assert event.changes == {"two_factor_devices": [2, 0], "sessions": [0, 0]}
    assert event.ip_address  # the administrator's address, as their other changes carry
    # At the next sign-in the user is sent to set up a new authenticator, with a new key.
    client.force_login(lost)
    response = client.get(reverse("returnees:list"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert "data:image/svg+xml" in client.get(response["Location"]).content.decode()
    fresh = TOTPDevice.objects.get(user=lost)
    assert not fresh.confirmed and fresh.key != old.key


def test_nobody_resets_their_own_second_factor(client, users):
    admin = users[Role.ADMINISTRATOR]
    _enrolled(admin)
    client.force_login(admin)
    page = _reset_action(client, admin)
    assert "You cannot reset your own two-factor authentication." in page.content.decode()
    assert _devices(admin) == 2
    assert not AuditEvent.objects.filter(detail="two-factor reset").exists()
    with pytest.raises(ValidationError):
        two_factor_reset(actor=admin, user=admin)
    assert _devices(admin) == 2


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_no_other_role_resets_anyone(client, users, role):
    target = users[Role.CASEWORKER] if role != Role.CASEWORKER else users[Role.AUDITOR]
    _enrolled(target)
    client.force_login(users[role])
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [target.pk]},
    )
    assert response.status_code in (302, 403)
    assert _devices(target) == 2


def test_no_admin_page_shows_an_authenticators_secret(client, users):
    lost = users[Role.CASEWORKER]
    device = _enrolled(lost)
    client.force_login(users[Role.ADMINISTRATOR])
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").status_code == 404
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_the_reset_signs_the_user_out_everywhere(client, users, settings, engine):
    """A session left on the lost phone (or stolen) must not set up the new authenticator
    without the password: every session of the user ends, read from the cache or not.
    Other users' sessions stay."""
    settings.SESSION_ENGINE = engine
    admin, lost, other = users[Role.ADMINISTRATOR], users[Role.CASEWORKER], users[Role.AUDITOR]
    _enrolled(lost)
    phone, laptop, bystander = Client(), Client(), Client()
    phone.force_login(lost)
    laptop.force_login(lost)
    bystander.force_login(other)
    for session in (phone, laptop):
        assert session.get(reverse("returnees:list")).status_code == 200
    assert two_factor_reset(actor=admin, user=lost) == 2
    for session in (phone, laptop):
        response = session.get(reverse("returnees:list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        # Nor can the old session reach the set-up page and its new key.
        assert session.get(reverse("accounts:two_factor")).status_code == 302
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert bystander.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(record_id=str(lost.pk), detail="two-factor reset")
    assert event.changes["sessions"] == [2, 0]


def test_a_user_without_an_authenticator_is_told_so(client, users):
    client.force_login(users[Role.ADMINISTRATOR])
    page = _reset_action(client, users[Role.AUDITOR])
    assert "No authenticator was set up for auditor" in page.content.decode()
