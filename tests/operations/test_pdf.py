"""The printable manifest of a leg: real PDF, names in their scripts, fetches nothing foreign."""

import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from repatriation.medical import services as medical
from repatriation.operations import services
from repatriation.pdf import BASE_URL, StaticOnlyFetcher


def _text(pdf: bytes, tmp_path) -> str:
    assert shutil.which("pdftotext"), "make test installs poppler-utils"
    path = tmp_path / "manifest.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_manifest_pdf_states_the_people_of_the_leg(
    client, users, operation, family, tmp_path, monkeypatch
):
    fetched = set()
    original = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.add(url.split("/static/", 1)[-1])
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    caseworker = users[Role.CASEWORKER]
    services.manifest_add(actor=caseworker, operation=operation, returnees=family)
    medical.assessment_record(
        actor=users[Role.MEDICAL_OFFICER],
        returnee=family[0],
        values={"stage": "pre_departure", "assessed_on": date(2026, 11, 10), "triage": "red"},
    )
    leg = operation.legs.get(sequence=2)
    client.force_login(caseworker)
    response = client.get(reverse("operations:leg_pdf", args=[operation.pk, leg.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content, tmp_path)
    assert "OP-2026-12" in text and "Leg 2" in text and "Almaty International" in text
    for person in family:
        assert person.case_number in text
    assert "Сауле Оспанова" in text and "Saule Ospanova" in text
    assert "عائشة" in text.replace("\u202b", "").replace("\u202c", "")
    assert "RED" in text and "HH-OPS-1" in text and "3 people" in text
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT, record_id=str(leg.pk)).count() == 1
    # The shipped fonts are embedded, whatever fonts the machine has.
    path = tmp_path / "fonts.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "Noto-Sans" in fonts and "Noto-Sans-Arabic" in fonts
    assert {
        "css/pdf-manifest.css",
        "fonts/NotoSans-Regular.ttf",
        "fonts/NotoSansArabic-Regular.ttf",
    } <= fetched


@pytest.mark.parametrize(
    "role", [Role.CENTRE_STAFF, Role.PARTNER_AGENCY, Role.AUDITOR, Role.MINISTRY_OFFICIAL]
)
def test_others_cannot_print_a_manifest(client, users, operation, role):
    client.force_login(users[role])
    leg = operation.legs.first()
    assert client.get(reverse("operations:leg_pdf", args=[operation.pk, leg.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        f"{BASE_URL}etc/passwd",
        f"{BASE_URL}static/../settings.py",
        f"{BASE_URL}static/fonts/missing.ttf",
    ],
)
def test_pdf_fetches_only_the_projects_static_files(url):
    with pytest.raises(ValueError, match=r"Refused|No static file"):
        StaticOnlyFetcher().fetch(url)


def test_pdf_fetcher_serves_the_shipped_fonts():
    result = StaticOnlyFetcher().fetch(f"{BASE_URL}static/fonts/NotoSansArabic-Regular.ttf")
    assert len(result.read()) > 10_000
