"""Each role signs in through the real form and sees its own navigation; screenshots kept."""

import base64

import pytest
from django_otp.oath import TOTP

from repatriation.accounts.roles import Role
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD
from tests.repatriation.test_pages import NAV

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_each_role_signs_in_and_sees_its_navigation(page, world, role):
    sign_in(page, role.value, PASSWORD)
    page.wait_for_selector("[data-testid=nav]")
    keys = page.eval_on_selector_all("[data-nav]", "links => links.map(a => a.dataset.nav)")
    assert set(keys) == NAV[role]
    assert str(role.label) in page.inner_text("[data-testid=who]")
    shot(page, f"home-{role.value}")
    assert page.csp_errors == []
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def test_caseworker_browses_people_in_their_scripts(page, world):
    sign_in(page, "caseworker", PASSWORD)
    page.click("[data-nav=people]")
    page.wait_for_selector("table")
    text = page.inner_text("table")
    assert "عائشة" in text
    assert "Динара Ахметова" in text
    page.click(f"text={world['person_a'].case_number}")
    page.wait_for_selector("[data-section=family]")
    shot(page, "person-caseworker")
    assert page.csp_errors == []


def test_centre_staff_gets_not_found_outside_their_centre(page, world):
    sign_in(page, "centre_staff", PASSWORD)
    page.wait_for_selector("[data-testid=nav]")
    response = page.goto(f"/people/{world['person_b'].pk}/")
    assert response.status == 404
    assert "Not found" in page.inner_text("main")


def test_language_switch_to_kazakh_and_russian(page, world):
    sign_in(page, "caseworker", PASSWORD)
    page.wait_for_selector("[data-testid=nav]")
    with page.expect_navigation():
        page.select_option("#language", "kk")
    assert page.get_attribute("html", "lang") == "kk"
    assert "Адамдар" in page.inner_text("[data-testid=nav]")
    shot(page, "home-caseworker-kk")
    with page.expect_navigation():
        page.select_option("#language", "ru")
    assert "Люди" in page.inner_text("[data-testid=nav]")
    assert page.csp_errors == []


def test_wrong_password_is_refused_beside_the_form(page, world):
    sign_in(page, "caseworker", "not-the-password-1")
    assert "Please enter a correct username and password" in page.inner_text(".alert-danger")
    shot(page, "login-refused")


def test_two_factor_enrolment_in_the_browser(page, world, settings):
    settings.REQUIRE_2FA = True
    sign_in(page, "caseworker", PASSWORD)
    page.wait_for_selector("[data-testid=totp-secret]")
    assert page.is_visible("img.qr-code")
    shot(page, "two-factor-setup")
    secret = page.inner_text("[data-testid=totp-secret]")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{TOTP(key).token():06d}")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-nav=people]")
    page.click("[data-nav=people]")
    page.wait_for_selector("table")
    assert page.csp_errors == []


def test_administrator_resets_a_lost_authenticator_in_the_browser(page, world, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from repatriation.accounts.models import User

    lost = User.objects.get(username="caseworker")
    TOTPDevice.objects.create(user=lost, name="default", confirmed=True)
    sign_in(page, "administrator", PASSWORD)
    page.wait_for_selector("[data-testid=nav]")
    page.goto("/admin/accounts/user/")
    page.check(f"input[name=_selected_action][value='{lost.pk}']")
    page.select_option("select[name=action]", "reset_two_factor")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist .success")
    assert "Two-factor authentication of caseworker is reset" in page.inner_text(".messagelist")
    shot(page, "admin-two-factor-reset")
    assert not TOTPDevice.objects.filter(user=lost).exists()
    assert page.csp_errors == []
    # The caseworker, signing in, is asked to set up a new authenticator.
    settings.REQUIRE_2FA = True
    page.context.clear_cookies()
    sign_in(page, "caseworker", PASSWORD)
    page.wait_for_selector("[data-testid=totp-secret]")
    assert page.is_visible("img.qr-code")
