from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from silvercare.elders.selectors import elders_near
from silvercare.regions import selectors
from silvercare.regions.models import Region

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None = Field(None, alias="parent_id")
    latitude: float | None
    longitude: float | None


class RegionQuery(Schema):
    parent: str | None = Field(None, pattern=r"^\d{12}$")
    level: int | None = Field(None, ge=1, le=5)
    q: str | None = Field(None, max_length=30)


class CircleQuery(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    metres: float = Field(settings.SILVERCARE_SERVICE_CIRCLE_METRES, gt=0, le=20_000)


class NearbyCommunity(Schema):
    code: str
    name: str
    distance_m: float


class NearbyElder(Schema):
    id: str
    name: str
    region_code: str
    distance_m: float


class CircleOut(Schema):
    metres: float
    communities: list[NearbyCommunity]
    elders: list[NearbyElder]
    elder_count: int


@router.get("/", response=list[RegionOut], summary="Regions (filter by parent, level, name)")
def list_regions(request: HttpRequest, query: Query[RegionQuery]) -> list[Region]:
    return list(selectors.region_list(parent=query.parent, level=query.level, q=query.q)[:2000])


@router.get(
    "/service-circle",
    response=CircleOut,
    summary="What lies within walking distance of a point (the 15-minute circle)",
)
def service_circle(request: HttpRequest, query: Query[CircleQuery]) -> dict[str, Any]:
    communities = selectors.communities_near(lat=query.lat, lon=query.lon, metres=query.metres)
    elders = elders_near(actor=request.user, lat=query.lat, lon=query.lon, metres=query.metres)
    return {
        "metres": query.metres,
        "communities": [
            {"code": r.code, "name": r.name, "distance_m": round(d, 1)} for r, d in communities
        ],
        "elders": [
            {"id": str(e.pk), "name": e.name, "region_code": e.region_id, "distance_m": round(d, 1)}
            for e, d in elders[:500]
        ],
        "elder_count": len(elders),
    }


@router.get("/{code}", response=RegionOut, summary="One region")
def get_region(request: HttpRequest, code: str) -> Region:
    return selectors.region_get(code=code)
