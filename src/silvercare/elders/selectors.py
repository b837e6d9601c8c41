"""Every read of the elder registry, scoped to the actor."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import NotFound
from silvercare.elders.choices import ADVANCED_AGE_YEARS, Category
from silvercare.elders.models import ConsentEvent, Elder
from silvercare.elders.services import CATEGORY_FIELDS, id_hash, phone_hash
from silvercare.elders.validation import normalise_phone
from silvercare.regions.selectors import bounding_box, haversine_m

SORTS = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "created": ("created_at", "id"),
    "-created": ("-created_at", "-id"),
    "region": ("region_id", "name", "id"),
}
ID_RE = re.compile(r"^\d{17}[\dXx]$")
PHONE_LIKE = re.compile(r"^[\d\-+ ]{7,}$")
ASCII_INITIALS = re.compile(r"^[a-zA-Z]{1,10}$")


@dataclass
class ElderFilters:
    q: str = ""
    region: str = ""
    category: str = ""
    age_min: int | None = None
    age_max: int | None = None
    status: str = ""
    sort: str = "name"


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def elder_search(*, actor: Any, filters: ElderFilters) -> QuerySet[Elder]:
    qs = Elder.objects.visible_to(actor, Perm.ELDERS_VIEW).select_related("region")
    q = filters.q.strip()
    if q:
        compact = q.replace(" ", "")
        if ID_RE.match(compact):
            qs = qs.filter(id_number_hash=id_hash(compact.upper()))
        elif PHONE_LIKE.match(q) and sum(ch.isdigit() for ch in q) >= 7:
            qs = qs.filter(phone_hash=phone_hash(normalise_phone(q)))
        elif ASCII_INITIALS.match(q):
            # A range, not LIKE, and ordered by the (name_initials, name, id) index: PostgreSQL
            # then reads only the matching slice instead of walking all names in order.
            low = q.lower()
            qs = qs.filter(
                name_initials__gte=low, name_initials__lt=low[:-1] + chr(ord(low[-1]) + 1)
            )
            if filters.sort == "name":
                return _filtered(qs, filters).order_by("name_initials", "name", "id")
        else:
            qs = qs.filter(name__startswith=q)
    return _filtered(qs, filters).order_by(*SORTS.get(filters.sort, SORTS["name"]))


def _filtered(qs: QuerySet[Elder], filters: ElderFilters) -> QuerySet[Elder]:
    if len(filters.region) == 12:
        qs = qs.filter(region_id=filters.region)  # one community: equality uses the index
    elif filters.region:
        qs = qs.filter(region__code__startswith=filters.region)
    if filters.category == Category.ADVANCED_AGE:
        qs = qs.filter(birth_date__lte=_years_ago(timezone.localdate(), ADVANCED_AGE_YEARS))
    elif filters.category in CATEGORY_FIELDS:
        qs = qs.filter(**{CATEGORY_FIELDS[filters.category]: True})
    today = timezone.localdate()
    if filters.age_min is not None:
        qs = qs.filter(birth_date__lte=_years_ago(today, filters.age_min))
    if filters.age_max is not None:
        qs = qs.filter(birth_date__gt=_years_ago(today, filters.age_max + 1))
    if filters.status:
        qs = qs.filter(status=filters.status)
    return qs


def elder_status_counts(*, actor: Any) -> dict[str, int]:
    """Elders visible to the actor, counted by status (home page)."""
    rows = (
        Elder.objects.visible_to(actor, Perm.ELDERS_VIEW)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["status"]: row["n"] for row in rows}


def elder_get_for(*, actor: Any, elder_id: Any, perm: str = Perm.ELDERS_VIEW) -> Elder:
    """The elder, if the actor may see them; otherwise the same NotFound as a missing one."""
    try:
        pk = uuid.UUID(str(elder_id))
    except ValueError:
        raise NotFound() from None
    elder = Elder.objects.visible_to(actor, perm).select_related("region").filter(pk=pk).first()
    if elder is None:
        raise NotFound()
    return elder


def elder_consents(elder: Elder) -> dict[str, ConsentEvent | None]:
    """The consent in force per purpose (latest event), from one query."""
    current: dict[str, ConsentEvent | None] = {}
    for event in elder.consent_events.order_by("purpose", "-recorded_at", "-id"):
        current.setdefault(event.purpose, event)
    return current


def elder_can(actor: Any, elder: Elder, perm: str) -> bool:
    return actor_has_perm(actor, perm, elder.region_id)


def elders_near(*, actor: Any, lat: float, lon: float, metres: float) -> list[tuple[Elder, float]]:
    """Elders visible to the actor within walking distance of a point (the service circle)."""
    box = bounding_box(lat, lon, metres)
    candidates = (
        Elder.objects.visible_to(actor, Perm.ELDERS_VIEW)
        .filter(
            Q(
                latitude__gte=box.min_lat,
                latitude__lte=box.max_lat,
                longitude__gte=box.min_lon,
                longitude__lte=box.max_lon,
            )
        )
        .select_related("region")
    )
    found = []
    for elder in candidates:
        assert elder.latitude is not None
        assert elder.longitude is not None
        distance = haversine_m(lat, lon, elder.latitude, elder.longitude)
        if distance <= metres:
            found.append((elder, distance))
    return sorted(found, key=lambda pair: pair[1])


def elder_age(elder: Elder, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    born = elder.birth_date
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
