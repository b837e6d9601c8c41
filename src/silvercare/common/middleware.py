"""Input hygiene at the edge: NUL characters are never valid in any SilverCare field and
PostgreSQL refuses them, so they are rejected with a 400 before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from silvercare.common.problems import problem_response


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return problem_response(
                status=400,
                code="invalid_characters",
                title=_("The request contains a NUL character."),
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            return False  # uploaded files are binary; their fields are checked by the forms
        if content_type.startswith("application/x-www-form-urlencoded"):
            return "%00" in request.body.decode("latin-1")
        # The API parses every other body as JSON whatever its declared type (text/plain
        # included), so every other body is checked as JSON.
        body = request.body
        return b"\\u0000" in body or b"\x00" in body
