"""One helper decides whether a view answers with a full page or an htmx fragment."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Full page normally; only ``fragment`` when htmx asks (and the page names one)."""
    chosen = fragment if fragment and is_htmx(request) else template
    return render(request, chosen, context, status=status)
