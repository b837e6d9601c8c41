"""What the home-care pages share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404, HttpRequest

from silvercare.accounts.scoping import actor_has_perm


def need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def parse_date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def hhmm(minute: Any) -> str:
    if minute is None:
        return ""
    whole = round(float(minute))
    return f"{whole // 60:02d}:{whole % 60:02d}"
