"""Geofences on crafted GPS tracks: leaving the safe area, entering a danger zone, jitter."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from silvercare.monitoring.rules import geofence
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.geofence import LocalPlane
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.tests.streams import reading, roundtrip

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
HOME = (22.5431, 114.0579)  # lat, lon (Futian, Shenzhen)


def vincenty_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Vincenty's inverse formula on WGS84: the geodesic distance in metres (reference)."""
    a, f = 6378137.0, 1 / 298.257223563
    b = a * (1 - f)
    u1 = math.atan((1 - f) * math.tan(math.radians(lat1)))
    u2 = math.atan((1 - f) * math.tan(math.radians(lat2)))
    big_l = math.radians(lon2 - lon1)
    lam = big_l
    for _ in range(200):
        sin_lam, cos_lam = math.sin(lam), math.cos(lam)
        sin_sigma = math.hypot(
            math.cos(u2) * sin_lam,
            math.cos(u1) * math.sin(u2) - math.sin(u1) * math.cos(u2) * cos_lam,
        )
        cos_sigma = math.sin(u1) * math.sin(u2) + math.cos(u1) * math.cos(u2) * cos_lam
        sigma = math.atan2(sin_sigma, cos_sigma)
        sin_alpha = math.cos(u1) * math.cos(u2) * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha**2
        cos_2sm = cos_sigma - 2 * math.sin(u1) * math.sin(u2) / cos2_alpha
        c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        previous = lam
        lam = big_l + (1 - c) * f * sin_alpha * (
            sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
        )
        if abs(lam - previous) < 1e-13:
            break
    u_sq = cos2_alpha * (a**2 - b**2) / b**2
    big_a = 1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))
    big_b = u_sq / 1024 * (256 + u_sq * (-128 + u_sq * (74 - 47 * u_sq)))
    delta = (
        big_b
        * sin_sigma
        * (
            cos_2sm
            + big_b
            / 4
            * (
                cos_sigma * (-1 + 2 * cos_2sm**2)
                - big_b / 6 * cos_2sm * (-3 + 4 * sin_sigma**2) * (-3 + 4 * cos_2sm**2)
            )
        )
    )
    return b * big_a * (sigma - delta)


def offset(origin: tuple[float, float], east_m: float, north_m: float) -> tuple[float, float]:
    """A point about ``east_m``/``north_m`` metres from ``origin`` (small offsets)."""
    lat, lon = origin
    dlat = north_m / 110_574.0
    dlon = east_m / (111_320.0 * math.cos(math.radians(lat + dlat / 2)))
    return lat + dlat, lon + dlon


@pytest.mark.parametrize("origin", [HOME, (45.80, 126.53), (-33.87, 151.21)])
def test_the_local_plane_matches_the_geodesic_within_centimetres_per_kilometre(
    origin: tuple[float, float],
) -> None:
    plane = LocalPlane(*origin)
    for distance in (50.0, 500.0, 2_000.0, 10_000.0):
        for bearing in range(0, 360, 30):
            b = math.radians(bearing)
            lat, lon = offset(origin, distance * math.sin(b), distance * math.cos(b))
            truth = vincenty_m(origin[0], origin[1], lat, lon)
            x, y = plane.xy(lat, lon)
            assert abs(math.hypot(x, y) - truth) <= 0.02 * truth / 1000 + 1e-6, (distance, bearing)


def run(
    config: geofence.GeofenceConfig,
    track: list[tuple[float, float] | tuple[float, float, float]],
    state: dict[str, Any] | None = None,
) -> list[tuple[int, Signal]]:
    """Feed one fix a minute; return ``(index of the fix, signal)``."""
    state = {} if state is None else state
    out = []
    for i, fix in enumerate(track):
        values: dict[str, Any] = {"lat": fix[0], "lon": fix[1]}
        if len(fix) == 3:
            values["accuracy_m"] = fix[2]
        ts = T0 + timedelta(minutes=i)
        state, signals = geofence.evaluate(config, state, reading("location", ts, **values))
        out += [(i, s) for s in signals]
    return out


def north(metres: float, origin: tuple[float, float] = HOME) -> tuple[float, float]:
    return offset(origin, 0, metres)


HOME_ZONE = {"id": "home", "name": "Home", "lat": HOME[0], "lon": HOME[1], "radius_m": 200}


def test_leaving_a_circular_safe_zone_fires_once_after_two_fixes_beyond_the_band() -> None:
    config = geofence.compile_config({"zones": [HOME_ZONE], "hysteresis_m": 30})
    track = [
        north(0), north(150), north(199),
        north(260),  # one jittery fix outside: not yet
        north(150),  # back inside: the count restarts
        north(260), north(300),  # two in a row beyond 230 m: fires
        north(500), north(215),  # further out; then in the band: still away
        north(100),  # inside once
        north(120),  # inside twice: returned
    ]  # fmt: skip
    found = run(config, track)

    assert [(i, s.reason, s.clears) for i, s in found] == [
        (6, "left_safe_zone", False),
        (10, "left_safe_zone", True),
    ]
    left = found[0][1]
    assert left.kind == "geofence"
    assert left.severity == "urgent"
    assert left.params["zone"] == "home"
    assert left.params["zone_name"] == "Home"
    assert left.params["distance_m"] == pytest.approx(100, abs=2)
    assert left.occurred_at == T0 + timedelta(minutes=6)


def test_fixes_in_the_hysteresis_band_never_count_as_outside() -> None:
    config = geofence.compile_config({"zones": [HOME_ZONE], "hysteresis_m": 30})

    assert run(config, [north(d) for d in (205, 220, 229, 210, 228, 225, 222)]) == []


def test_inaccurate_fixes_are_ignored() -> None:
    config = geofence.compile_config({"zones": [HOME_ZONE], "max_accuracy_m": 50})
    far = north(2000)

    assert run(config, [(*far, 80.0), (*far, 120.0), (*far, 60.0)]) == []
    assert [i for i, _ in run(config, [(*far, 40.0), (*far, 10.0)])] == [1]


def test_malformed_fixes_are_ignored_not_counted() -> None:
    config = geofence.compile_config({"zones": [HOME_ZONE]})
    state: dict[str, Any] = {}
    far = north(2000)
    for i, values in enumerate(
        [
            {"lat": far[0], "lon": far[1]},
            {"lat": float("nan"), "lon": far[1]},
            {"lat": "22.6", "lon": far[1]},
            {"lat": far[0], "lon": 190.0},
            {"lat": far[0]},
            {"lat": far[0], "lon": far[1], "accuracy_m": float("nan")},
        ]
    ):
        state, signals = geofence.evaluate(
            config, state, reading("location", T0 + timedelta(minutes=i), **values)
        )
        assert signals == []
    assert state["safe"] == [0, 1]


def test_a_polygon_safe_zone_and_the_union_of_safe_zones() -> None:
    # Home is a 200 m circle; the daughter's block, 1 km north, a square of about 200 m.
    block = [offset(HOME, e, n) for e, n in ((-100, 900), (100, 900), (100, 1100), (-100, 1100))]
    zones = [
        HOME_ZONE,
        {"id": "daughter", "type": "safe", "polygon": [[lon, lat] for lat, lon in block]},
    ]
    config = geofence.compile_config({"zones": zones, "hysteresis_m": 20, "min_fixes": 2})
    track = [north(0), north(950), north(1000), north(1050), north(990)]

    # jumps straight from one safe zone into the other: never "left"
    assert run(config, track) == []
    walk = [north(0), north(400), north(600), north(800), north(950), north(1000)]
    found = run(config, walk)
    assert [(i, s.clears) for i, s in found] == [(2, False), (5, True)]
    # nearest safe zone at fix 2 (600 m north): the block, 300 m away
    assert found[0][1].params["zone"] == "daughter"
    assert found[0][1].params["distance_m"] == pytest.approx(300, abs=3)


def test_entering_a_danger_zone_and_leaving_it() -> None:
    river = [offset(HOME, e, n) for e, n in ((-1000, 500), (1000, 500), (1000, 560), (-1000, 560))]
    config = geofence.compile_config(
        {
            "zones": [{"id": "river", "type": "danger", "polygon": [[x, y] for y, x in river]}],
            "min_fixes": 2,
            "hysteresis_m": 25,
            "danger_severity": "critical",
        }
    )
    track = [
        north(300), north(480),  # outside, then in the band
        north(520), north(400),  # one fix in the river, then well out: the count restarts
        north(510), north(530),  # two in a row: fires
        north(570), north(400), north(300),  # band, then twice beyond it: cleared
    ]  # fmt: skip
    found = run(config, track)

    assert [(i, s.reason, s.severity, s.clears) for i, s in found] == [
        (5, "entered_danger_zone", "critical", False),
        (8, "entered_danger_zone", "critical", True),
    ]
    assert found[0][1].params["zone"] == "river"


def test_geofence_state_is_json_and_survives_a_round_trip() -> None:
    config = geofence.compile_config({"zones": [HOME_ZONE]})
    state: dict[str, Any] = {}
    run(config, [north(600)], state)
    state = roundtrip(state)
    state, signals = geofence.evaluate(
        config,
        state,
        reading("location", T0 + timedelta(minutes=5), lat=north(600)[0], lon=HOME[1]),
    )
    assert [s.reason for s in signals] == ["left_safe_zone"]


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"zones": [{"lat": 22.5, "lon": 114.0}]}, "geofence.zones[0]"),
        ({"zones": [{"lat": 22.5, "lon": 114.0, "radius_m": 0}]}, "geofence.zones[0].radius_m"),
        ({"zones": [{"lat": 95, "lon": 114.0, "radius_m": 10}]}, "geofence.zones[0].lat"),
        (
            {
                "zones": [
                    {"polygon": [[114.0, 22.5], [114.01, 22.51], [114.0, 22.51], [114.01, 22.5]]}
                ]
            },
            "geofence.zones[0].polygon",
        ),
        ({"zones": [{"polygon": [[114.0, 22.5], [114.01, 22.51]]}]}, "geofence.zones[0].polygon"),
        (
            {"zones": [{"polygon": [[114.0, 22.5], [200, 22.5], [114, 23]]}]},
            "geofence.zones[0].polygon[1]",
        ),
        ({"zones": [HOME_ZONE, HOME_ZONE]}, "geofence.zones"),
        ({"zones": [{**HOME_ZONE, "type": "forbidden"}]}, "geofence.zones[0].type"),
    ],
)
def test_bad_zones_name_the_field(spec: dict[str, Any], path: str) -> None:
    with pytest.raises(RuleConfigError) as caught:
        geofence.compile_config(spec)
    assert caught.value.path == path
