"""The indicators map: which communities lie inside a 15-minute service circle, on known
positions; the layers confined to the area; the page confined to the reader's areas."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.canteens import services as canteens
from silvercare.common.errors import NotFound
from silvercare.common.testing import (
    COMMUNITY_A1,
    STREET_A,
    STREET_LUOHU,
    client_for,
    make_elder,
    make_user,
)
from silvercare.config.settings import map_tile_source
from silvercare.indicators.maps import ServicePoints, map_layers
from silvercare.industry import services as industry
from silvercare.regions.selectors import EARTH_RADIUS_M
from silvercare.regions.services import RegionRow, regions_upsert
from silvercare.rental import services as rental

pytestmark = pytest.mark.django_db

CITY, FUTIAN, LUOHU = "440300000000", "440304000000", "440303000000"
STREET = "440304009000"  # a street of Futian of this test's own, with known positions
NEAR, FAR, BY_CLOSED, BY_CANTEEN, EDGE, NOWHERE = (f"4403040090{n:02d}" for n in range(1, 7))
P = (22.60, 114.05)  # the open day-care centre
Q = (22.63, 114.05)  # a closed day-care, one not open yet, an institution, a rental point
R = (22.60, 114.00)  # the canteen
M_PER_DEGREE = EARTH_RADIUS_M * math.pi / 180


def north(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / M_PER_DEGREE, point[1]


def east(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0], point[1] + metres / (M_PER_DEGREE * math.cos(math.radians(point[0])))


def embedded(response: Any, element_id: str) -> Any:
    """The JSON a page embeds with ``json_script``."""
    start = f'<script id="{element_id}" type="application/json">'
    return json.loads(response.content.decode().split(start)[1].split("</script>")[0])


def ctx(user: Any) -> AuditContext:
    return AuditContext(actor=user, via="test")


@pytest.fixture
def officer(regions: None) -> Any:
    return make_user("civil_affairs", CITY, "map_city_officer")


@pytest.fixture
def area(officer: Any) -> dict[str, Any]:
    """A street whose communities lie 500 m and 3 km from a day-care centre, beside only
    closed or not-yet-open service points, an institution and a rental point, 800 m from a
    canteen, 300 m from a day-care centre across the border in Luohu, and one with no centre
    recorded."""
    edge = (22.66, 114.05)
    rows = [RegionRow(STREET, "测试街道", 4, FUTIAN, *P)]
    for code, name, where in (
        (NEAR, "近社区", north(P, 500)),
        (FAR, "远社区", east(P, 3000)),
        (BY_CLOSED, "停办旁社区", east(Q, -300)),
        (BY_CANTEEN, "饭堂旁社区", north(R, -800)),
        (EDGE, "边界社区", edge),
    ):
        rows.append(RegionRow(code, name, 5, STREET, *where))
    rows.append(RegionRow(NOWHERE, "无坐标社区", 5, STREET))
    regions_upsert(rows=rows, is_demo=True)

    as_officer = ctx(officer)

    def facility(kind: str, name: str, at: tuple[float, float], **values: Any) -> Any:
        return industry.facility_register(
            ctx=as_officer,
            kind=kind,
            name=name,
            region_code=values.pop("region_code", STREET),
            latitude=at[0],
            longitude=at[1],
            **values,
        )

    facility("day_care", "测试日间照料中心", P)
    closed = facility("day_care", "已停办日间照料中心", Q)
    industry.facility_update(
        ctx=as_officer,
        facility=closed,
        name=closed.name,
        region_code=STREET,
        latitude=Q[0],
        longitude=Q[1],
        active=False,
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    facility("station", "明日开业服务站", Q, opened_on=tomorrow)
    facility("institution", "测试颐养院", Q, beds=50)
    facility("day_care", "罗湖日间照料中心", north(edge, 300), region_code=STREET_LUOHU)
    facility("centre", "园岭长者服务中心", (22.55, 114.09), region_code=STREET_A)
    canteens.canteen_create(
        ctx=as_officer,
        name="测试长者饭堂",
        region_code=STREET,
        capacity=30,
        operator_name="测试餐饮公司",
        latitude=R[0],
        longitude=R[1],
    )
    operator = make_user("rental_operator", CITY, "map_rental_operator")
    rental.point_create(
        ctx=ctx(operator),
        name="测试租赁点",
        kind="street",
        region_code=STREET,
        operator="测试运营",
        latitude=Q[0],
        longitude=Q[1],
    )
    rental.point_create(
        ctx=ctx(operator),
        name="测试仓库",
        kind="warehouse",
        region_code=STREET,
        operator="测试运营",
        latitude=P[0],
        longitude=P[1],
    )
    return {"officer": officer}


def test_communities_within_the_radius_of_an_open_service_point_are_inside(
    area: dict[str, Any], django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(5):
        layers = map_layers(actor=area["officer"], region_code=STREET)
    by_code = {c["code"]: c for c in layers["communities"]}
    assert by_code[NEAR]["inside"] is True  # 500 m from the day-care centre
    assert by_code[BY_CANTEEN]["inside"] is True  # 800 m from the canteen
    assert by_code[EDGE]["inside"] is True  # 300 m from Luohu's day-care centre
    # 3 km away; beside a closed and a not-yet-open service point, an institution and a
    # rental point only: outside, with the distance to the nearest open service point.
    assert by_code[FAR]["inside"] is False
    assert abs(by_code[FAR]["nearest_m"] - 3000) <= 2
    assert by_code[BY_CLOSED]["inside"] is False
    assert by_code[NOWHERE]["inside"] is None
    assert layers["counts"] == {"inside": 3, "outside": 2, "unplaced": 1}
    assert layers["radius_m"] == settings.INDICATORS_SERVICE_CIRCLE_M == 1000
    assert layers["region"] == {"code": STREET, "name": "测试街道"}


def test_the_layers_hold_the_areas_open_places_and_nothing_else(area: dict[str, Any]) -> None:
    layers = map_layers(actor=area["officer"], region_code=STREET)
    facilities = {f["name"]: f for f in layers["facilities"]}
    # Closed and not-yet-open facilities, other areas' facilities and the canteen's and the
    # rental point's own registry rows (drawn on their own layers) are not listed.
    assert sorted(facilities) == ["测试日间照料中心", "测试颐养院"]
    assert facilities["测试日间照料中心"]["service"] is True
    assert facilities["测试颐养院"]["service"] is False
    assert [c["name"] for c in layers["canteens"]] == ["测试长者饭堂"]
    assert [p["name"] for p in layers["rental_points"]] == ["测试租赁点"]  # not the warehouse
    # Luohu's day-care centre serves the edge community: its circle, without its name.
    assert layers["beyond"] == [{"lat": pytest.approx(22.66 + 300 / M_PER_DEGREE), "lon": 114.05}]
    assert layers["bounds"] == [
        [pytest.approx(north(R, -800)[0]), R[1]],
        [pytest.approx(22.66), pytest.approx(east(P, 3000)[1])],
    ]
    text = json.dumps(layers, ensure_ascii=False)
    assert "罗湖日间照料中心" not in text and "园岭长者服务中心" not in text
    assert "测试运营" not in text and "测试餐饮公司" not in text  # no operators


def test_a_circle_counts_only_within_its_radius_and_nearest_walks_both_ways() -> None:
    points = ServicePoints.of([P, R, Q])
    assert points.within(*north(P, 999), 1000) is True
    assert points.within(*north(P, 1001), 1000) is False
    assert points.within(*east(P, 999), 1000) is True
    assert points.within(*east(P, 1001), 1000) is False
    assert points.nearest_m(*north(Q, 10)) == pytest.approx(10, abs=0.01)
    assert points.nearest_m(*north(R, -10)) == pytest.approx(10, abs=0.01)
    assert ServicePoints.of([]).nearest_m(*P) is None
    assert ServicePoints.of([]).within(*P, 1000) is False


def test_the_map_is_read_only_inside_the_readers_areas(area: dict[str, Any]) -> None:
    futian = make_user("civil_affairs", FUTIAN, "map_futian_officer")
    with pytest.raises(NotFound):
        map_layers(actor=futian, region_code=LUOHU)
    with pytest.raises(NotFound):
        map_layers(actor=futian, region_code="4403")


def test_the_map_page_for_the_city_officer_and_404_elsewhere(area: dict[str, Any]) -> None:
    elder = make_elder(area["officer"], COMMUNITY_A1, name="地图上无名")
    page = client_for(area["officer"]).get(reverse("indicators:map"), {"region": STREET})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="map-layers"' in body and 'id="map-config"' in body
    assert "远社区" in body and "停办旁社区" in body  # in the table of those outside
    assert 'id="count-outside">2<' in body and 'id="count-inside">3<' in body
    assert "3.0 km" in body
    assert "<script>" not in body  # data through json_script, code from static files
    city = client_for(area["officer"]).get(reverse("indicators:map"))
    assert city.status_code == 200 and elder.name not in city.content.decode()

    futian = client_for(make_user("civil_affairs", FUTIAN, "map_futian_reader"))
    assert futian.get(reverse("indicators:map"), {"region": STREET}).status_code == 200
    assert futian.get(reverse("indicators:map"), {"region": LUOHU}).status_code == 404
    assert futian.get(reverse("indicators:map"), {"region": CITY}).status_code == 404
    for malformed in ("4403", "44030400900x", "４４０３０４００９０００", "440304009000 1"):
        assert futian.get(reverse("indicators:map"), {"region": malformed}).status_code == 404
    signed_out = client_for(area["officer"])
    signed_out.logout()
    assert signed_out.get(reverse("indicators:map"), {"region": STREET}).status_code == 302


def test_the_dashboard_links_to_the_map(area: dict[str, Any]) -> None:
    body = client_for(area["officer"]).get(reverse("indicators:home")).content.decode()
    assert f"{reverse('indicators:map')}?region={CITY}" in body


def test_tiles_only_when_configured_and_only_this_page_may_load_them(
    area: dict[str, Any],
) -> None:
    client = client_for(area["officer"])
    plain = client.get(reverse("indicators:map"), {"region": STREET})
    assert "tile.example" not in plain["Content-Security-Policy"]
    assert embedded(plain, "map-config")["tiles"] == ""
    tiles = "https://{s}.tile.example/{z}/{x}/{y}.png"
    with override_settings(
        INDICATORS_MAP_TILES=tiles, INDICATORS_MAP_TILE_SOURCE=map_tile_source(tiles)
    ):
        page = client.get(reverse("indicators:map"), {"region": STREET})
        home = client.get(reverse("indicators:home"))
    img_src = next(
        d for d in page["Content-Security-Policy"].split(";") if d.strip().startswith("img-src")
    )
    assert img_src.split() == ["img-src", "'self'", "data:", "https://*.tile.example"]
    assert "script-src 'self';" in page["Content-Security-Policy"] + ";"
    assert "tile.example" not in home["Content-Security-Policy"]


def test_a_tile_template_is_checked_when_the_settings_load() -> None:
    from django.core.exceptions import ImproperlyConfigured

    assert map_tile_source("") == ""
    assert map_tile_source("/tiles/{z}/{x}/{y}.png") == ""
    assert map_tile_source("https://tile.example:8443/{z}/{x}/{y}.png") == (
        "https://tile.example:8443"
    )
    for bad in (
        "https://tile.example/tiles.png",
        "javascript:alert(1)//{z}/{x}/{y}",
        "https://tile.example; script-src */{z}/{x}/{y}",
        "//tile.example/{z}/{x}/{y}.png",
    ):
        with pytest.raises(ImproperlyConfigured):
            map_tile_source(bad)
