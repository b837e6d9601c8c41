"""Reads of the region tree. Regions are public statistical facts: any signed-in user reads them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from silvercare.common.errors import NotFound
from silvercare.regions.choices import code_prefix
from silvercare.regions.models import Region

EARTH_RADIUS_M = 6_371_008.8


def region_get(*, code: str) -> Region:
    try:
        return Region.objects.select_related("parent").get(code=code)
    except Region.DoesNotExist:
        raise NotFound() from None


def region_list(
    *, parent: str | None = None, level: int | None = None, q: str | None = None
) -> QuerySet[Region]:
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(name__contains=q)
    return qs.order_by("code")


def region_ancestors(region: Region) -> list[Region]:
    """From the province down to the region itself, in one query."""
    codes = [code_prefix(region.code, level).ljust(12, "0") for level in range(1, region.level + 1)]
    by_code = Region.objects.in_bulk(codes)
    return [by_code[c] for c in codes if c in by_code]


def regions_under(prefixes: list[str], *, levels: list[int], limit: int) -> list[Region]:
    """Regions of the given levels inside any of ``prefixes`` (the actor's areas), in code
    order, with their parent; one query."""
    if not prefixes:
        return []
    q = Q()
    for prefix in prefixes:
        q |= Q(code__startswith=prefix)
    return list(
        Region.objects.filter(q, level__in=levels).select_related("parent").order_by("code")[:limit]
    )


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def q(self) -> Q:
        """The filter for rows whose ``latitude`` and ``longitude`` lie in the box."""
        return Q(
            latitude__gte=self.min_lat,
            latitude__lte=self.max_lat,
            longitude__gte=self.min_lon,
            longitude__lte=self.max_lon,
        )


def bounding_box(lat: float, lon: float, metres: float) -> BoundingBox:
    """A box that surely contains the circle; callers refine with ``haversine_m``."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    dlon = math.degrees(metres / (EARTH_RADIUS_M * max(math.cos(math.radians(lat)), 1e-6)))
    return BoundingBox(lat - dlat, lat + dlat, lon - dlon, lon + dlon)


def communities_near(*, lat: float, lon: float, metres: float) -> list[tuple[Region, float]]:
    """Communities whose centre lies within ``metres`` of a point, nearest first."""
    box = bounding_box(lat, lon, metres)
    candidates = Region.objects.filter(box.q(), level=5)
    found = []
    for region in candidates:
        assert region.latitude is not None
        assert region.longitude is not None
        distance = haversine_m(lat, lon, region.latitude, region.longitude)
        if distance <= metres:
            found.append((region, distance))
    return sorted(found, key=lambda pair: pair[1])


def community_positions(*, prefix: str) -> list[dict[str, Any]]:
    """The communities (level 5) whose codes start with ``prefix``, in code order: code, name,
    the street's name, and the centre (lat, lon; None where none is recorded). One query."""
    rows = (
        Region.objects.filter(level=5, code__startswith=prefix)
        .order_by("code")
        .values_list("code", "name", "parent__name", "latitude", "longitude")
    )
    return [
        {"code": code, "name": name, "street": street or "", "lat": lat, "lon": lon}
        for code, name, street, lat, lon in rows
    ]


def region_codes(*, level: int, under: str = "") -> list[str]:
    """The codes of the regions at ``level`` whose codes start with ``under``."""
    qs = Region.objects.filter(level=level)
    if under:
        qs = qs.filter(code__startswith=under)
    return list(qs.order_by("code").values_list("code", flat=True))


def region_names(codes: list[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
