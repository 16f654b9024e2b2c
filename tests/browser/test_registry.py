"""The registry end to end in a real browser: a caseworker registers a mother with two children
past a cross-script duplicate warning, verification runs with evidence (GPS stripped from the
upload), "clear" is refused until a verification officer decides, and a stale identity edit is
refused with the conflict shown. Screenshots kept in tests/browser/screenshots/."""

import re
from datetime import date

import pytest
from PIL import Image

from repatriation.accounts.roles import Role
from returnees.models import (
    CaseStatus,
    Document,
    DuplicateDecision,
    EvidenceItem,
    Relationship,
    Returnee,
    VerificationDecision,
)
from tests.browser.conftest import shot, sign_in, track_csp
from tests.conftest import PASSWORD
from tests.factories import ReturneeFactory, UserFactory

pytestmark = pytest.mark.browser

CASE_PAGE = re.compile(r"/people/(\d+)/(#.*)?$")
GPS_IFD = 0x8825
# The existing record's case number, fixed so the warning can be checked for it.
EXISTING_CASE_NUMBER = "KZ-2025-000417"
DIFFERENT_REASON = "Different father's name on the camp list; born in Shymkent, not Taraz."


def _png_with_gps(path):
    """A small real PNG carrying EXIF with a GPS block, as a phone camera would write it."""
    image = Image.new("RGB", (64, 48), (180, 60, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCam"  # Make
    exif[GPS_IFD] = {1: "N", 2: (43.0, 15.0, 30.0), 3: "E", 4: (76.0, 56.0, 0.0)}
    image.save(path, "PNG", exif=exif)
    with Image.open(path) as check:  # the fixture really carries the GPS block
        assert check.getexif().get_ifd(GPS_IFD)
    return path


def _sign_in_and_wait(page, username):
    sign_in(page, username, PASSWORD)
    page.wait_for_selector("[data-testid=nav]")


def _sign_out(page):
    page.click("[data-testid=logout]")
    page.wait_for_url("**/accounts/login/")


def _open_case(page, pk):
    page.goto(f"/people/{pk}/")
    page.wait_for_selector("[data-testid=status]")


def _transition(page, name):
    with page.expect_navigation():
        page.click(f"button[data-transition={name}]")
    page.wait_for_selector("[data-testid=status]")


def _status(page):
    return page.inner_text("[data-testid=status]").strip()


def _alerts(page):
    return " ".join(page.locator("main .alert").all_inner_texts())


@pytest.fixture
def storage(settings, tmp_path):
    """Uploaded files go to a temporary folder, not the project's var/."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }
    return tmp_path / "private"


def test_register_family_verify_clear_and_stale_edit(
    page, browser, live_server, users, storage, tmp_path
):
    existing = ReturneeFactory(
        case_number=EXISTING_CASE_NUMBER,
        primary_name="Айгерим Нурланқызы",
        name_latin="Aigerim Nurlankyzy",
        sex="F",
        date_of_birth=date(1990, 3, 14),
        status=CaseStatus.IDENTIFIED,
    )

    # 1. The caseworker registers a mother and two children; the same name in Latin script
    #    is flagged against the existing Cyrillic record before anything is saved.
    _sign_in_and_wait(page, "caseworker")
    page.click("[data-nav=people]")
    page.wait_for_selector("[data-testid=register]")
    page.click("[data-testid=register]")
    page.wait_for_url("**/people/register/")
    page.fill("#id_mother-full_name", "Aygerim Nurlanqyzy")
    page.check("input[name=mother-sex][value=F]")
    page.fill("#id_mother-date_of_birth", "1990-03-14")
    assert page.input_value("#id_mother-claimed_nationality") == "KZ"
    children = [("Аружан Нурланқызы", "F", "2015-06-02"), ("Юсуф Нурланұлы", "M", "2018-11-20")]
    for index, (name, sex, born) in enumerate(children):
        page.click("[data-testid=add-child]")
        page.wait_for_selector(f"#id_child-{index}-full_name")
        page.fill(f"#id_child-{index}-full_name", name)
        page.select_option(f"#id_child-{index}-sex", sex)
        page.fill(f"#id_child-{index}-date_of_birth", born)
    assert page.input_value("#id_child-TOTAL_FORMS") == "2"
    with page.expect_navigation():
        page.click("[data-testid=save]")
    duplicates = page.wait_for_selector("[data-testid=duplicates]")
    assert Returnee.objects.count() == 1, "nothing is saved before the duplicates are decided"
    warning = duplicates.inner_text()
    assert EXISTING_CASE_NUMBER in warning
    assert "Айгерим Нурланқызы" in warning
    candidate = page.locator(f"[data-candidate='{EXISTING_CASE_NUMBER}']")
    assert candidate.count() == 1
    score = candidate.locator("[data-testid=score]").inner_text()
    assert re.fullmatch(r"\d{1,3}%", score.strip()), score
    assert int(score.strip("% ")) >= 80
    # The children typed before the warning are still there.
    assert page.input_value("#id_child-1-full_name") == "Юсуф Нурланұлы"
    assert page.input_value("#id_mother-date_of_birth") == "1990-03-14"
    shot(page, "register-duplicate-warning")

    page.check(f"#different-{existing.pk}")
    page.fill(f"#reason-{existing.pk}", DIFFERENT_REASON)
    with page.expect_navigation():
        page.click("[data-testid=save]")
    page.wait_for_url(CASE_PAGE)
    mother_pk = int(CASE_PAGE.search(page.url).group(1))
    assert "Registered 3 people." in _alerts(page)
    assert page.inner_text("[data-testid=primary-name]") == "Aygerim Nurlanqyzy"
    assert _status(page) == "Identified"
    family = page.inner_text("[data-testid=relationships]")
    for name, _sex, _born in children:
        assert name in family

    mother = Returnee.objects.get(pk=mother_pk)
    kids = Returnee.objects.filter(
        pk__in=Relationship.objects.filter(person=mother, kind=Relationship.Kind.CHILD).values(
            "relative"
        )
    )
    assert sorted(kid.primary_name for kid in kids) == sorted(name for name, *_ in children)
    assert all(kid.household_id == mother.household_id for kid in kids)
    assert (
        Relationship.objects.filter(
            person__in=kids, relative=mother, kind=Relationship.Kind.MOTHER
        ).count()
        == 2
    )
    assert Returnee.objects.count() == 4
    decision = DuplicateDecision.objects.get(returnee=mother, candidate=existing)
    assert decision.same_person is False
    assert decision.reason == DIFFERENT_REASON
    assert decision.decided_by == users[Role.CASEWORKER]
    assert f"{decision.score}%" == score.strip()
    assert page.csp_errors == []

    # 2. Verification starts; evidence with a photographed document is added, GPS stripped.
    _transition(page, "start_verification")
    assert _status(page) == "Verifying"
    page.click("[data-testid=add-evidence]")
    page.wait_for_url(f"**/people/{mother_pk}/evidence/add/")
    page.select_option("#id_kind", EvidenceItem.Kind.BIRTH_CERTIFICATE)
    page.select_option("#id_confidence", EvidenceItem.Confidence.HIGH)
    page.fill("#id_notes", "Soviet-era birth certificate, photographed at intake")
    page.set_input_files("#id_file", str(_png_with_gps(tmp_path / "certificate.png")))
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.wait_for_url(CASE_PAGE)
    assert "Evidence added." in _alerts(page)
    evidence = page.inner_text("[data-testid=evidence]")
    assert "Birth certificate" in evidence
    assert "Soviet-era birth certificate" in evidence
    item = EvidenceItem.objects.get(verification__returnee=mother)
    stored = Document.objects.get(pk=item.document_id)
    assert stored.content_type == "image/png"
    assert stored.file.path.startswith(str(storage))
    with stored.file.open("rb") as handle, Image.open(handle) as image:
        assert image.size == (64, 48)
        assert dict(image.getexif()) == {}
        assert not image.getexif().get_ifd(GPS_IFD)
        assert "exif" not in image.info
    assert page.csp_errors == []

    # 3. "Clear" before any decision is refused, naming the precondition; nothing changes.
    _transition(page, "clear")
    assert "Nationality has not been verified" in " ".join(
        page.locator("main .alert-danger").all_inner_texts()
    )
    assert _status(page) == "Verifying"
    mother.refresh_from_db()
    assert mother.status == CaseStatus.VERIFYING
    shot(page, "case-clear-refused")
    assert page.csp_errors == []

    # 4. The verification officer decides; then the caseworker clears the case.
    _sign_out(page)
    _sign_in_and_wait(page, "verification_officer")
    _open_case(page, mother_pk)
    assert page.locator("button[data-transition]").count() == 0
    form = page.locator("[data-testid=decision-form]")
    form.locator("input[name=decision][value=verified]").check()
    form.locator("textarea[name=reason]").fill(
        "Birth certificate matches the civil registry record of Taraz, 1990."
    )
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    page.wait_for_url(CASE_PAGE)
    assert "Decision recorded." in _alerts(page)
    assert page.inner_text("[data-testid=decision]") == "Verified"
    mother.refresh_from_db()
    assert mother.verification_status == VerificationDecision.VERIFIED
    assert page.csp_errors == []

    _sign_out(page)
    _sign_in_and_wait(page, "caseworker")
    _open_case(page, mother_pk)
    _transition(page, "clear")
    assert "Status changed." in _alerts(page)
    assert _status(page) == "Cleared"
    mother.refresh_from_db()
    assert mother.status == CaseStatus.CLEARED
    shot(page, "case-cleared")
    assert page.csp_errors == []

    # 5. Two caseworkers edit the same identity at once: the later save is refused.
    UserFactory(username="caseworker2", role=Role.CASEWORKER)
    second_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}
    )
    try:
        other = track_csp(second_context.new_page())
        _sign_in_and_wait(other, "caseworker2")
        for each in (page, other):
            each.goto(f"/people/{mother_pk}/edit/")
            each.wait_for_selector("#id_place_of_birth")
        page.fill("#id_place_of_birth", "Taraz")
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_url(CASE_PAGE)
        assert "Saved." in _alerts(page)
        other.fill("#id_place_of_birth", "Shymkent")
        with other.expect_navigation():
            other.click("main button[type=submit]")
        conflict = other.wait_for_selector("[data-testid=conflict]")
        assert other.url.endswith(f"/people/{mother_pk}/edit/")
        assert "Someone else changed this record" in other.inner_text("main .alert-danger")
        row = conflict.inner_text()
        assert "Place of birth" in row and "Taraz" in row and "Shymkent" in row
        # Only what the other caseworker changed is listed.
        listed = conflict.eval_on_selector_all(
            "tbody tr td:first-child", "cells => cells.map(c => c.textContent.trim())"
        )
        assert listed == ["Place of birth"]
        shot(other, "edit-stale-conflict")
        mother.refresh_from_db()
        assert mother.place_of_birth == "Taraz"
        assert other.csp_errors == []
    finally:
        second_context.close()
    assert page.csp_errors == []
