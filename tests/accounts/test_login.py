"""Sign-in: Argon2, password rules, lockout without a hint, 2FA, idle timeout, logout."""

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_argon2_is_the_production_hasher():
    from repatriation.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        assert make_password("a long passphrase here").startswith("argon2$")


def test_login_page_renders_with_labels(client, db):
    body = client.get(LOGIN).content.decode()
    assert '<label class="form-label" for="id_username">' in body
    assert '<label class="form-label" for="id_password">' in body


def test_login_success_and_failure_are_audited(client, users):
    response = _login(client, "caseworker", PASSWORD)
    assert response.status_code == 302
    assert (
        AuditEvent.objects.filter(kind=AuditKind.LOGIN, actor=users[Role.CASEWORKER]).count() == 1
    )
    client.logout()
    response = _login(client, "caseworker", "wrong-password-123")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    failed = AuditEvent.objects.get(kind=AuditKind.LOGIN_FAILED)
    assert failed.actor is None
    assert failed.actor_username == "caseworker"
    assert "wrong-password" not in str(failed.changes) + failed.detail


@pytest.mark.parametrize("username", ["caseworker", "nobody-by-this-name"])
def test_lockout_after_five_failures_gives_no_hint(client, users, username):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, username, "wrong-password-123").status_code == 200
    # The fifth failure locks the pair out.
    assert _login(client, username, "wrong-password-123").status_code == 429
    locked = _login(client, username, PASSWORD if username == "caseworker" else "x")
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # The right password does not get through during the cool-off either.
    if username == "caseworker":
        assert "_auth_user_id" not in client.session
    # The same username from another address is not locked.
    if username == "caseworker":
        assert _login(client, username, PASSWORD, ip="10.0.0.2").status_code == 302


def test_lockout_response_is_identical_for_existing_and_unknown_usernames(client, users):
    bodies = []
    for username in ("caseworker", "nobody-by-this-name"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, username, "wrong-password-123")
        response = _login(client, username, "wrong-password-123")
        bodies.append((response.status_code, response.content.decode().replace(username, "U")))
    assert bodies[0][0] == bodies[1][0] == 429
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(bodies[0][1]) == strip(bodies[1][1])


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Sh0rt-pass", "too short"),
        ("password1234", "too common"),
        ("83749201938475", "entirely numeric"),
    ],
)
def test_weak_new_passwords_are_refused(client, users, password, message):
    user = users[Role.CASEWORKER]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_is_audited_without_the_password(client, users):
    user = users[Role.CASEWORKER]
    client.force_login(user)
    new = "a-much-better-passphrase-42"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)
    event = AuditEvent.objects.get(kind=AuditKind.UPDATE, record_id=str(user.pk))
    assert event.changes == {"password": ["***", "***"]}


def test_logout_ends_the_session_server_side(client, users):
    _login(client, "caseworker", PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert AuditEvent.objects.filter(kind=AuditKind.LOGOUT).count() == 1


def test_logout_by_get_is_refused(client, users):
    client.force_login(users[Role.CASEWORKER])
    assert client.get(reverse("accounts:logout")).status_code == 405


def test_idle_session_expires(client, users):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(users[Role.CASEWORKER])
    assert client.get(reverse("home")).status_code == 200
    # A request pushes expiry 30 minutes ahead (at most once a minute); an idle one expires.
    session = Session.objects.get(session_key=client.session.session_key)
    assert (session.expire_date - timezone.now()).total_seconds() > 29 * 60
    Session.objects.filter(pk=session.pk).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    cache.clear()  # the session engine reads through the cache; the database decides here
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_activity_pushes_expiry_at_most_once_a_minute(client, users):
    client.force_login(users[Role.CASEWORKER])
    client.get(reverse("home"))
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date == first  # not written again
    session = client.session
    session["_touched"] -= settings.SESSION_TOUCH_SECONDS  # a minute later
    session.save()
    saved = Session.objects.get(session_key=key).expire_date
    client.get(reverse("home"))
    assert Session.objects.get(session_key=key).expire_date > saved


@override_settings(REQUIRE_2FA=True)
def test_two_factor_set_up_then_required(client, users):
    user = users[Role.CASEWORKER]
    client.force_login(user)
    response = client.get(reverse("returnees:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    page = client.get(response["Location"])
    assert "data:image/svg+xml" in page.content.decode()  # QR code, served inline
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # A wrong code is refused beside the field and changes nothing.
    bad = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert "not valid" in bad.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.post(reverse("accounts:two_factor"), {"token": "12ab"}).status_code == 200
    # A wrong code throttles further tries for a moment.
    assert (
        "Too many wrong codes"
        in client.post(reverse("accounts:two_factor"), {"token": "111111"}).content.decode()
    )
    device.throttle_reset()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    ok = client.post(
        reverse("accounts:two_factor"),
        {"token": f"{totp.token():06d}", "next": reverse("returnees:list")},
    )
    assert ok.status_code == 302
    assert ok["Location"] == reverse("returnees:list")
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("returnees:list")).status_code == 200


@override_settings(REQUIRE_2FA=True)
def test_two_factor_not_required_for_aggregate_only_roles(client, users):
    client.force_login(users[Role.MINISTRY_OFFICIAL])
    assert client.get(reverse("reporting:dashboard")).status_code == 200


@override_settings(REQUIRE_2FA=True)
@pytest.mark.parametrize("role", [r for r in Role if r != Role.MINISTRY_OFFICIAL])
def test_two_factor_required_for_every_role_with_personal_data(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor"))


@override_settings(REQUIRE_2FA=True)
def test_two_factor_next_cannot_leave_the_site(client, users):
    user = users[Role.CASEWORKER]
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="d", confirmed=True)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post(
        reverse("accounts:two_factor"),
        {"token": f"{totp.token():06d}", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")
