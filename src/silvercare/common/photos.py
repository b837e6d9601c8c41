"""Photos people upload (a product, a fitting, a home before and after its adaptation): JPEG
or PNG recognised by their first bytes, at most 3 MB, kept in the database and served only
through the owning record's scope, never sniffed by the browser."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _

from silvercare.common.errors import FieldError

PHOTO_MAX_BYTES = 3 * 1024 * 1024
PHOTO_INVALID = "photo_invalid"
_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


def photo_kind(content: bytes) -> str | None:
    """The content type of a JPEG or PNG image, else None."""
    return next((kind for sig, kind in _SIGNATURES.items() if content.startswith(sig)), None)


def photo_errors(content: bytes, field: str = "photo") -> list[FieldError]:
    """Why ``content`` cannot be kept as a photo (empty when it can)."""
    errors = []
    if photo_kind(content) is None:
        errors.append(FieldError(field, PHOTO_INVALID, _("The photo must be a JPEG or PNG image.")))
    if len(content) > PHOTO_MAX_BYTES:
        errors.append(FieldError(field, PHOTO_INVALID, _("The photo is larger than 3 MB.")))
    return errors


def photo_response(
    content: bytes | memoryview, content_type: str, *, public: bool = False
) -> HttpResponse:
    """The stored bytes as an image response; private photos are never cached."""
    response = HttpResponse(bytes(content), content_type=content_type)
    response["Cache-Control"] = "public, max-age=86400" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
