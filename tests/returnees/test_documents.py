"""Uploads: PDF, JPEG, PNG by content, at most 20 MB, metadata stripped, downloads audited."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from repatriation.accounts.roles import Role
from repatriation.audit.models import AuditEvent, AuditKind
from returnees import services
from returnees.documents import MAX_BYTES
from returnees.models import Document
from tests.factories import pdf_bytes

PDF = pdf_bytes()


def _image(fmt: str, gps: bool = True) -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "CameraMaker"
        exif.get_ifd(0x8825)[2] = (43.0, 15.0, 0.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def person(world):
    return world["person_a"]


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_images_lose_their_metadata(users, person, fmt, content_type):
    raw = _image(fmt)
    assert Image.open(io.BytesIO(raw)).getexif()  # the upload did carry EXIF
    document = services.document_upload(
        actor=users[Role.CASEWORKER],
        returnee=person,
        title="Photo",
        upload=SimpleUploadedFile("photo.bin", raw),
    )
    assert document.content_type == content_type
    with document.file.open("rb") as stored:
        cleaned = Image.open(io.BytesIO(stored.read()))
        assert dict(cleaned.getexif()) == {}
        assert cleaned.size == (40, 30)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("scan.pdf", b"MZ\x90\x00 this is an executable", "Only PDF, JPEG and PNG"),
        ("photo.jpg", b"<html>not an image</html>", "Only PDF, JPEG and PNG"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "damaged"),
        ("doc.pdf", b"%PDF-1.4 truncated", "incomplete"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_stored(users, person, name, content, message):
    with pytest.raises(ValidationError, match=message):
        services.document_upload(
            actor=users[Role.CASEWORKER],
            returnee=person,
            title="x",
            upload=SimpleUploadedFile(name, content),
        )
    assert not Document.objects.exists()


def test_oversized_file_is_refused(users, person):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError, match="20 MB"):
        services.document_upload(
            actor=users[Role.CASEWORKER], returnee=person, title="x", upload=big
        )


def test_download_passes_the_policy_and_is_audited(client, world):
    caseworker = world["users"][Role.CASEWORKER]
    document = services.document_upload(
        actor=caseworker,
        returnee=world["person_a"],
        title="Birth certificate",
        upload=SimpleUploadedFile("b.pdf", PDF),
    )
    url = reverse("returnees:document", args=[world["person_a"].pk, document.pk])
    client.force_login(caseworker)
    response = client.get(url)
    assert response.status_code == 200
    with document.file.open("rb") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert (
        AuditEvent.objects.filter(kind=AuditKind.DOWNLOAD, record_id=str(document.pk)).count() == 1
    )
    for role in (Role.CENTRE_STAFF, Role.MEDICAL_OFFICER, Role.PARTNER_AGENCY, Role.AUDITOR):
        client.force_login(world["users"][role])
        assert client.get(url).status_code == 404, role
    # A document is reachable only under its own person.
    client.force_login(caseworker)
    other = reverse("returnees:document", args=[world["person_b"].pk, document.pk])
    assert client.get(other).status_code == 404
    assert AuditEvent.objects.filter(kind=AuditKind.DOWNLOAD).count() == 1


def test_files_are_not_under_any_public_url(settings):
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    assert not str(settings.PRIVATE_STORAGE_ROOT).startswith(str(settings.BASE_DIR / "static"))


def _pdf_with_extras() -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.docinfo["/Author"] = "Camp registrar, tent 14"
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
    out = io.BytesIO()
    pdf.save(out)
    # A polyglot: HTML smuggled in after the PDF's end.
    return out.getvalue() + b"\n<html><script>alert(1)</script></html>\n%%EOF\n"


def test_pdfs_are_rewritten_without_metadata_scripts_or_smuggled_bytes(users, person):
    import pikepdf

    document = services.document_upload(
        actor=users[Role.CASEWORKER],
        returnee=person,
        title="Scan",
        upload=SimpleUploadedFile("scan.pdf", _pdf_with_extras()),
    )
    with document.file.open("rb") as stored:
        data = stored.read()
    assert b"<script>" not in data and b"tent 14" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/OpenAction" not in pdf.Root
        assert "/Author" not in pdf.docinfo
        assert len(pdf.pages) == 1


def test_encrypted_pdfs_are_refused(users, person):
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="secret"))
    with pytest.raises(ValidationError, match="Encrypted"):
        services.document_upload(
            actor=users[Role.CASEWORKER],
            returnee=person,
            title="x",
            upload=SimpleUploadedFile("locked.pdf", out.getvalue()),
        )


def test_files_left_by_a_rolled_back_upload_are_swept(users, person, settings):
    import os
    import time

    from django.core.files.storage import default_storage
    from django.db import transaction

    uploaded = []

    def upload_then_fail():
        with transaction.atomic():
            uploaded.append(
                services.document_upload(
                    actor=users[Role.CASEWORKER],
                    returnee=person,
                    title="x",
                    upload=SimpleUploadedFile("a.pdf", PDF),
                )
            )
            raise RuntimeError("the surrounding change failed")

    with pytest.raises(RuntimeError):
        upload_then_fail()
    orphan = uploaded[0]
    kept = services.document_upload(
        actor=users[Role.CASEWORKER],
        returnee=person,
        title="y",
        upload=SimpleUploadedFile("b.pdf", PDF),
    )
    assert default_storage.exists(orphan.file.name)
    old = time.time() - 7 * 3600
    for name in (orphan.file.name, kept.file.name):
        os.utime(default_storage.path(name), (old, old))
    assert services.documents_sweep_orphans() == 1
    assert not default_storage.exists(orphan.file.name)
    assert default_storage.exists(kept.file.name)
    assert services.documents_sweep_orphans() == 0
