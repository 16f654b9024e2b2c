"""Uploaded files: checked by content, never by name; image metadata (GPS) stripped."""

import hashlib
import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

MAX_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel scan is ample for any identity document
_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


def sniff(head: bytes) -> str | None:
    for signature, content_type in _SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    return None


def _reencode_image(data: bytes, content_type: str) -> bytes:
    """Decode and re-encode the pixels only: EXIF, GPS and other metadata do not survive."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as probe:
            # The size is in the header: refuse huge images before decoding a pixel.
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large to process."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            clean = Image.frombytes(image.mode, image.size, image.tobytes())
            if image.mode == "P":
                clean.putpalette(image.getpalette())
            out = io.BytesIO()
            if content_type == "image/jpeg":
                if clean.mode not in ("L", "RGB", "CMYK"):
                    clean = clean.convert("RGB")
                clean.save(out, "JPEG", quality=92)
            else:
                clean.save(out, "PNG")
            return out.getvalue()
    except Image.DecompressionBombError as exc:
        raise ValidationError(_("The image is too large to process.")) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(_("The image file is damaged or not really an image.")) from exc


# Entries of a PDF that carry metadata or make a reader act on its own.
_PDF_ROOT_DROP = ("/Metadata", "/OpenAction", "/AA", "/AcroForm")
_PDF_NAMES_DROP = ("/JavaScript", "/EmbeddedFiles")


def _rewrite_pdf(data: bytes) -> bytes:
    """Re-write the PDF from its parsed objects (qpdf through pikepdf): document metadata,
    scripts, automatic actions and embedded files are dropped, and bytes that are not part of
    the PDF (a polyglot's other half) do not survive."""
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted:
                raise ValidationError(_("Encrypted PDF files are not accepted."))
            for key in _PDF_ROOT_DROP:
                if key in pdf.Root:
                    del pdf.Root[key]
            names = pdf.Root.get("/Names")
            if names is not None:
                for key in _PDF_NAMES_DROP:
                    if key in names:
                        del names[key]
            for page in pdf.pages:
                if "/AA" in page.obj:
                    del page.obj["/AA"]
                for annotation in page.obj.get("/Annots", []):
                    action = annotation.get("/A")
                    if action is not None and action.get("/S") in ("/JavaScript", "/Launch"):
                        del annotation["/A"]
            pdf.docinfo = pdf.make_indirect(pikepdf.Dictionary())
            out = io.BytesIO()
            pdf.save(out, fix_metadata_version=False)
            return out.getvalue()
    except pikepdf.PasswordError as exc:
        raise ValidationError(_("Encrypted PDF files are not accepted.")) from exc
    except pikepdf.PdfError as exc:
        raise ValidationError(_("The PDF file is incomplete or damaged.")) from exc


def document_prepare(upload) -> tuple[ContentFile, str, str]:
    """Validate an upload; return clean content, its content type and SHA-256.

    PDF, JPEG and PNG only, recognised by their first bytes, at most 20 MB.
    """
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    if upload.size == 0:
        raise ValidationError(_("The file is empty."))
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than 20 MB."))
    content_type = sniff(data[:16])
    if content_type is None:
        raise ValidationError(
            _("Only PDF, JPEG and PNG files are accepted; this file is none of them.")
        )
    if content_type == "application/pdf":
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("The PDF file is incomplete or damaged."))
        data = _rewrite_pdf(data)
    else:
        data = _reencode_image(data, content_type)
    digest = hashlib.sha256(data).hexdigest()
    return ContentFile(data, name=f"{digest[:16]}.{EXTENSIONS[content_type]}"), content_type, digest
