"""Geofences: leaving the safe area, entering a danger zone (防走失).

Zones are circles (centre + radius in metres) or polygons (a lon/lat ring). Each zone gets
its own local metric plane centred on its reference point (the circle's centre, the
polygon's first vertex): WGS84 radii of curvature at that latitude, mid-latitude scaling of
longitude. Within 10 km of the reference the plane distorts distances by less than a few
centimetres per kilometre (test_geofence checks against Vincenty's geodesic), far below GPS
error. Circles are tested analytically in that plane (exact, no polygonised circle); polygons
with shapely 2 prepared geometries, the hysteresis band as a prepared buffer.

Safe zones form one union (inside any of them is safe); danger zones are watched one by one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.lib import intersects_xy as _intersects_xy

from silvercare.monitoring.rules.config import integer, known_keys, number, severity, text
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.timeutil import utc

NAME = "geofence"
KINDS = frozenset({"location"})
KIND = "geofence"

_A = 6378137.0  # WGS84 semi-major axis, metres
_F = 1 / 298.257223563
_E2 = _F * (2 - _F)

State = dict[str, Any]
_NUMBERS = (int, float)


class LocalPlane:
    """Lon/lat → metres east/north of a reference point (see the module docstring)."""

    __slots__ = ("lat0", "lon0", "m0", "n0")

    def __init__(self, lat: float, lon: float) -> None:
        self.lat0 = math.radians(lat)
        self.lon0 = math.radians(lon)
        w = 1 - _E2 * math.sin(self.lat0) ** 2
        self.m0 = _A * (1 - _E2) / w**1.5  # meridional radius of curvature
        self.n0 = _A / math.sqrt(w)  # prime-vertical radius of curvature

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        dlat = math.radians(lat) - self.lat0
        dlon = math.radians(lon) - self.lon0
        if dlon > math.pi:
            dlon -= 2 * math.pi
        elif dlon < -math.pi:
            dlon += 2 * math.pi
        return self.n0 * math.cos(self.lat0 + dlat / 2) * dlon, self.m0 * dlat


@dataclass(frozen=True, slots=True)
class Zone:
    id: str
    name: str
    safe: bool
    plane: LocalPlane
    radius: float  # metres, circles only (0 for polygons)
    polygon: Any  # prepared shapely Polygon in the local plane, or None for circles
    band: Any  # prepared polygon buffered by the hysteresis distance, or None
    box: tuple[float, float, float, float]  # the band's bounds (west, south, east, north)
    hysteresis: float

    def position(self, lat: float, lon: float) -> int:
        """-1 inside the zone, 0 in the hysteresis band just outside it, 1 beyond the band."""
        x, y = self.plane.xy(lat, lon)
        if self.polygon is None:
            d = math.hypot(x, y) - self.radius
            return -1 if d <= 0 else (0 if d <= self.hysteresis else 1)
        west, south, east, north = self.box
        if x < west or x > east or y < south or y > north:
            return 1  # outside the band's bounding box: no GEOS call
        # shapely.intersects_xy minus its Python wrapper (array coercion, re-preparing):
        # the geometries are prepared once in compile_config. The edge counts as inside.
        if _intersects_xy(self.polygon, x, y):
            return -1
        return 0 if _intersects_xy(self.band, x, y) else 1

    def distance(self, lat: float, lon: float) -> float:
        """Metres from the zone's edge (0 inside); only computed for a Signal's params."""
        x, y = self.plane.xy(lat, lon)
        if self.polygon is None:
            return max(0.0, math.hypot(x, y) - self.radius)
        return float(shapely.distance(self.polygon, shapely.Point(x, y)))


@dataclass(frozen=True, slots=True)
class GeofenceConfig:
    safe: tuple[Zone, ...]
    danger: tuple[Zone, ...]
    min_fixes: int
    max_accuracy_m: float
    safe_severity: str
    danger_severity: str


def _latlon(value: object, path: str) -> tuple[float, float]:
    if (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    ):
        lon, lat = float(value[0]), float(value[1])
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            return lat, lon
    raise RuleConfigError(path, "invalid_point", "expected [lon, lat] in degrees")


def _zone(spec: Mapping[str, Any], index: int, default_hysteresis: float) -> Zone:
    path = f"geofence.zones[{index}]."
    if not isinstance(spec, Mapping):
        raise RuleConfigError(path[:-1], "invalid_type", "expected an object")
    known_keys(
        spec,
        {"id", "name", "type", "lat", "lon", "radius_m", "polygon", "hysteresis_m"},
        path,
    )
    zone_id = text(spec, "id", path, f"zone{index}") or f"zone{index}"
    name = text(spec, "name", path)
    kind = spec.get("type", "safe")
    if kind not in ("safe", "danger"):
        raise RuleConfigError(path + "type", "invalid_zone_type", "expected 'safe' or 'danger'")
    hysteresis = number(spec, "hysteresis_m", path, default_hysteresis, minimum=0, maximum=5000)
    if "polygon" in spec:
        ring = spec["polygon"]
        if not isinstance(ring, Sequence) or isinstance(ring, str) or len(ring) < 3:
            raise RuleConfigError(path + "polygon", "invalid_polygon", "expected ≥ 3 [lon, lat]")
        if len(ring) > 1000:
            raise RuleConfigError(path + "polygon", "invalid_polygon", "at most 1000 vertices")
        points = [_latlon(p, f"{path}polygon[{i}]") for i, p in enumerate(ring)]
        plane = LocalPlane(*points[0])
        polygon = shapely.Polygon([plane.xy(lat, lon) for lat, lon in points])
        if not polygon.is_valid or polygon.area <= 0:
            raise RuleConfigError(
                path + "polygon", "invalid_polygon", "the ring crosses itself or is empty"
            )
        band = polygon.buffer(hysteresis, quad_segs=16) if hysteresis > 0 else polygon
        shapely.prepare(polygon)
        shapely.prepare(band)
        box = tuple(float(v) for v in band.bounds)
        return Zone(
            zone_id,
            name,
            kind == "safe",
            plane,
            0.0,
            polygon,
            band,
            (box[0], box[1], box[2], box[3]),
            hysteresis,
        )
    if "lat" not in spec or "lon" not in spec or "radius_m" not in spec:
        raise RuleConfigError(
            path[:-1], "invalid_zone", "a zone is a polygon or lat + lon + radius_m"
        )
    lat = number(spec, "lat", path, 0.0, minimum=-90, maximum=90)
    lon = number(spec, "lon", path, 0.0, minimum=-180, maximum=180)
    radius = number(spec, "radius_m", path, 0.0, minimum=1, maximum=50000)
    edge = radius + hysteresis
    return Zone(
        zone_id,
        name,
        kind == "safe",
        LocalPlane(lat, lon),
        radius,
        None,
        None,
        (-edge, -edge, edge, edge),
        hysteresis,
    )


def compile_config(spec: Mapping[str, Any]) -> GeofenceConfig:
    known_keys(
        spec,
        {
            "zones",
            "min_fixes",
            "hysteresis_m",
            "max_accuracy_m",
            "safe_severity",
            "danger_severity",
        },
        "geofence.",
    )
    zones_spec = spec.get("zones", [])
    if not isinstance(zones_spec, Sequence) or isinstance(zones_spec, str):
        raise RuleConfigError("geofence.zones", "invalid_type", "expected a list")
    if len(zones_spec) > 50:
        raise RuleConfigError("geofence.zones", "too_many", "at most 50 zones")
    hysteresis = number(spec, "hysteresis_m", "geofence.", 30.0, minimum=0, maximum=5000)
    zones = [_zone(z, i, hysteresis) for i, z in enumerate(zones_spec)]
    ids = [z.id for z in zones]
    if len(set(ids)) != len(ids):
        raise RuleConfigError("geofence.zones", "duplicate_zone", "zone ids must be unique")
    return GeofenceConfig(
        safe=tuple(z for z in zones if z.safe),
        danger=tuple(z for z in zones if not z.safe),
        min_fixes=integer(spec, "min_fixes", "geofence.", 2, minimum=1, maximum=20),
        max_accuracy_m=number(spec, "max_accuracy_m", "geofence.", 100.0, minimum=1, maximum=1e5),
        safe_severity=severity(spec, "safe_severity", "geofence.", "urgent"),
        danger_severity=severity(spec, "danger_severity", "geofence.", "urgent"),
    )


def _step(track: list[int], bad: bool, good: bool, min_fixes: int) -> int:
    """Advance one zone tracker ``[alerted, count]``; returns +1 (alert), -1 (clear) or 0."""
    if not track[0]:
        if bad:
            track[1] += 1
            if track[1] >= min_fixes:
                track[0], track[1] = 1, 0
                return 1
        elif good:
            track[1] = 0
    elif good:
        track[1] += 1
        if track[1] >= min_fixes:
            track[0], track[1] = 0, 0
            return -1
    elif bad:
        track[1] = 0
    return 0


def evaluate(config: GeofenceConfig, state: State, reading: Reading) -> tuple[State, list[Signal]]:
    """Feed one ``location`` fix (values ``lat``, ``lon``, optional ``accuracy_m``).

    State: ``{"t": newest fix, "safe": [alerted, count], "danger": {zone id: [alerted, count]}}``.
    """
    values = reading.values
    lat = values.get("lat")
    lon = values.get("lon")
    if lat.__class__ not in _NUMBERS or lon.__class__ not in _NUMBERS:
        return state, []
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):  # also refuses NaN
        return state, []
    accuracy = values.get("accuracy_m")
    if accuracy is not None and (
        accuracy.__class__ not in _NUMBERS or not accuracy <= config.max_accuracy_m
    ):
        return state, []
    t = reading.t
    if t <= state.get("t", -math.inf):
        return state, []
    state["t"] = t
    signals: list[Signal] = []
    if config.safe:
        inside = False
        beyond = True
        for zone in config.safe:
            where = zone.position(lat, lon)
            if where < 0:
                inside, beyond = True, False
                break
            if where == 0:
                beyond = False
        track = state.get("safe")
        if track is None:
            track = state["safe"] = [0, 0]
        change = _step(track, beyond, inside, config.min_fixes)
        if change:
            nearest = min(config.safe, key=lambda z: z.distance(lat, lon))
            signals.append(
                Signal(
                    kind=KIND,
                    severity=config.safe_severity,
                    occurred_at=utc(t),
                    reason="left_safe_zone",
                    params={
                        "zone": nearest.id,
                        "zone_name": nearest.name,
                        "distance_m": round(nearest.distance(lat, lon)),
                        "lat": lat,
                        "lon": lon,
                    },
                    clears=change < 0,
                )
            )
    if config.danger:
        tracks = state.get("danger")
        if tracks is None:
            tracks = state["danger"] = {}
        for zone in config.danger:
            where = zone.position(lat, lon)
            track = tracks.get(zone.id)
            if track is None:
                track = tracks[zone.id] = [0, 0]
            change = _step(track, where < 0, where > 0, config.min_fixes)
            if change:
                signals.append(
                    Signal(
                        kind=KIND,
                        severity=config.danger_severity,
                        occurred_at=utc(t),
                        reason="entered_danger_zone",
                        params={"zone": zone.id, "zone_name": zone.name, "lat": lat, "lon": lon},
                        clears=change < 0,
                    )
                )
    return state, signals
