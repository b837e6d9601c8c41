"""The indicators map: an area's facilities, rental points and canteens, its communities, and
which communities lie outside every 15-minute service circle (docs/indicators.md, "Map").

Each layer comes from its capability's selector in one query; nothing on the map names a
person. Whether a community is served is worked out here from the service points' and the
communities' positions with the regions app's distance helpers.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from silvercare.canteens.selectors import canteen_positions
from silvercare.indicators.definitions import region_prefix
from silvercare.indicators.selectors import region_for
from silvercare.industry.choices import FacilityKind
from silvercare.industry.selectors import facility_positions
from silvercare.regions.selectors import (
    BoundingBox,
    bounding_box,
    community_positions,
    haversine_m,
    region_names,
)
from silvercare.rental.selectors import point_positions

#: Registry facilities that anchor a 15-minute service circle: the community-level places
#: older people walk to for day care, meals, activities and help at home. Institutions
#: (residential care), experience centres (showrooms) and rental points (an errand, not a
#: service nearby) are drawn but anchor no circle. Canteens anchor one too; they and rental
#: points come from their own capabilities, so the registry's rows of those kinds are left
#: off the facilities layer instead of being drawn twice.
SERVICE_KINDS = (FacilityKind.DAY_CARE, FacilityKind.CENTRE, FacilityKind.STATION)
OWN_LAYER_KINDS = (FacilityKind.CANTEEN, FacilityKind.RENTAL_POINT)


@dataclass(frozen=True)
class ServicePoints:
    """Service points sorted by latitude, for nearest-point search."""

    lats: list[float]
    points: list[tuple[float, float]]

    @classmethod
    def of(cls, positions: list[tuple[float, float]]) -> ServicePoints:
        ordered = sorted(positions)
        return cls(lats=[lat for lat, _lon in ordered], points=ordered)

    def within(self, lat: float, lon: float, metres: float) -> bool:
        """Whether a point lies within ``metres`` of (lat, lon): a latitude band from the
        sorted list, the box's longitudes, then the exact distance."""
        box = bounding_box(lat, lon, metres)
        start = bisect.bisect_left(self.lats, box.min_lat)
        end = bisect.bisect_right(self.lats, box.max_lat)
        return any(
            box.min_lon <= p_lon <= box.max_lon and haversine_m(lat, lon, p_lat, p_lon) <= metres
            for p_lat, p_lon in self.points[start:end]
        )

    def nearest_m(self, lat: float, lon: float) -> float | None:
        """The distance to the nearest point (None without points): walks outwards from
        the latitude and stops each way once the latitude difference alone is farther than
        the best distance found."""
        if not self.points:
            return None
        best = float("inf")
        middle = bisect.bisect_left(self.lats, lat)
        for indices in (range(middle, len(self.points)), range(middle - 1, -1, -1)):
            for i in indices:
                p_lat, p_lon = self.points[i]
                if haversine_m(lat, lon, p_lat, lon) > best:
                    break
                best = min(best, haversine_m(lat, lon, p_lat, p_lon))
        return best


def _around(communities: list[dict[str, Any]], metres: float) -> BoundingBox | None:
    """A box holding every service point that may serve one of the communities: their
    extent widened by ``metres`` (``bounding_box`` at its corners)."""
    placed = [(c["lat"], c["lon"]) for c in communities if None not in (c["lat"], c["lon"])]
    if not placed:
        return None
    lats, lons = [lat for lat, _lon in placed], [lon for _lat, lon in placed]
    corners = [
        bounding_box(lat, lon, metres)
        for lat in (min(lats), max(lats))
        for lon in (min(lons), max(lons))
    ]
    return BoundingBox(
        min_lat=min(b.min_lat for b in corners),
        max_lat=max(b.max_lat for b in corners),
        min_lon=min(b.min_lon for b in corners),
        max_lon=max(b.max_lon for b in corners),
    )


def _bounds(layers: list[list[dict[str, Any]]]) -> list[list[float]] | None:
    lats = [row["lat"] for layer in layers for row in layer if row["lat"] is not None]
    lons = [row["lon"] for layer in layers for row in layer if row["lon"] is not None]
    if not lats:
        return None
    return [[min(lats), min(lons)], [max(lats), max(lons)]]


def map_layers(*, actor: Any, region_code: str) -> dict[str, Any]:
    """JSON-ready layers of an area the actor reads the indicators of (``NotFound``
    otherwise): facilities (with whether each anchors a service circle), rental points and
    canteens of the area; its communities, with whether their centre lies within the
    service-circle radius of a service point and how far the nearest one is; the circles of
    service points just beyond the area that serve it (positions only: a community on the
    area's edge is served the same whichever area one looks at); the counts; the bounds.
    Five queries whatever the area's size."""
    code = region_for(actor, region_code)
    prefix = region_prefix(code)
    metres = float(settings.INDICATORS_SERVICE_CIRCLE_M)
    communities = community_positions(prefix=prefix)
    near = _around(communities, metres)
    labels = {kind.value: str(kind.label) for kind in FacilityKind}
    facilities, canteens, beyond = [], [], []
    for row in facility_positions(prefix=prefix, near=near, exclude_kinds=OWN_LAYER_KINDS):
        row["service"] = row["kind"] in SERVICE_KINDS
        if row.pop("region").startswith(prefix):
            row["kind_label"] = labels.get(row["kind"], row["kind"])
            facilities.append(row)
        elif row["service"]:
            beyond.append({"lat": row["lat"], "lon": row["lon"]})
    for row in canteen_positions(prefix=prefix, near=near):
        if row.pop("region").startswith(prefix):
            canteens.append(row)
        else:
            beyond.append({"lat": row["lat"], "lon": row["lon"]})
    rental_points = point_positions(prefix=prefix)
    service = ServicePoints.of(
        [(f["lat"], f["lon"]) for f in facilities if f["service"]]
        + [(c["lat"], c["lon"]) for c in canteens]
        + [(b["lat"], b["lon"]) for b in beyond]
    )
    counts = {"inside": 0, "outside": 0, "unplaced": 0}
    for row in communities:
        if row["lat"] is None or row["lon"] is None:
            row["inside"], row["nearest_m"] = None, None
            counts["unplaced"] += 1
            continue
        row["inside"] = service.within(row["lat"], row["lon"], metres)
        nearest = None if row["inside"] else service.nearest_m(row["lat"], row["lon"])
        row["nearest_m"] = None if nearest is None else round(nearest)
        counts["inside" if row["inside"] else "outside"] += 1
    return {
        "region": {"code": code, "name": region_names([code]).get(code, code)},
        "radius_m": settings.INDICATORS_SERVICE_CIRCLE_M,
        "facilities": facilities,
        "rental_points": rental_points,
        "canteens": canteens,
        "beyond": beyond,
        "communities": communities,
        "counts": counts,
        "bounds": _bounds([communities, facilities, canteens, rental_points]),
    }
