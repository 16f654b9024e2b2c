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
    else:
        data = _reencode_image(data, content_type)
    digest = hashlib.sha256(data).hexdigest()
    return ContentFile(data, name=f"{digest[:16]}.{EXTENSIONS[content_type]}"), content_type, digest
