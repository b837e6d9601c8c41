import pytest
from django.test import Client

from silvercare.common.testing import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_LUOHU, make_user
from silvercare.regions.models import Region
from silvercare.regions.selectors import communities_near, haversine_m, region_ancestors
from silvercare.regions.services import RegionRow, regions_upsert

pytestmark = pytest.mark.django_db


def test_shipped_divisions_cover_guangdong_and_shanghai(regions: None) -> None:
    names = dict(Region.objects.filter(level__lte=2).values_list("code", "name"))
    assert names["440000000000"] == "广东省"
    assert names["440300000000"] == "深圳市"
    assert names["441900000000"] == "东莞市"
    assert names["440700000000"] == "江门市"
    assert names["310000000000"] == "上海市"
    assert Region.objects.filter(level=2, parent_id="440000000000").count() == 21
    assert Region.objects.filter(level=3, code__startswith="31").count() == 16
    assert Region.objects.get(code="440304000000").name == "福田区"
    # Every region's parent is one level up and contains it.
    for region in Region.objects.exclude(parent=None).select_related("parent"):
        assert region.parent is not None
        assert region.parent.level == region.level - 1
        assert region.code.startswith(region.parent.prefix)


def test_ancestors_from_province_down(regions: None) -> None:
    chain = region_ancestors(Region.objects.get(code=COMMUNITY_A1))
    assert [r.level for r in chain] == [1, 2, 3, 4, 5]
    assert chain[1].name == "深圳市"


def test_region_outside_parent_is_rejected(regions: None) -> None:
    from silvercare.common.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as info:
        regions_upsert(rows=[RegionRow("440305001000", "错街道", 4, "440304000000")])
    assert info.value.errors[0].code == "parent_mismatch"


def test_service_circle_finds_nearby_communities(regions: None) -> None:
    # COMMUNITY_A1 centre is (22.551, 114.091); A2 is ~660 m away; Luohu ~2 km away.
    found = communities_near(lat=22.551, lon=114.091, metres=1000)
    codes = [r.code for r, _ in found]
    assert codes[0] == COMMUNITY_A1
    assert COMMUNITY_A2 in codes
    assert COMMUNITY_LUOHU not in codes
    assert 600 < haversine_m(22.551, 114.091, 22.556, 114.095) < 700


def test_service_circle_api_scopes_elders(regions: None) -> None:
    from silvercare.common.testing import client_for, make_elder

    worker = make_user("community_worker", "440304001000")
    luohu = make_user("community_worker", "440303001000")
    make_elder(worker, latitude=22.5512, longitude=114.0912, name="近处")
    make_elder(luohu, region=COMMUNITY_LUOHU, latitude=22.5513, longitude=114.0913, name="别区")
    body = (
        client_for(worker)
        .get("/api/v1/regions/service-circle?lat=22.551&lon=114.091&metres=500")
        .json()
    )
    assert [e["name"] for e in body["elders"]] == ["近处"]
    assert body["communities"][0]["code"] == COMMUNITY_A1


def test_regions_api_lists_children(regions: None) -> None:
    user = make_user("caregiver", "440304001000")
    client = Client()
    client.force_login(user)
    body = client.get("/api/v1/regions/?parent=440300000000").json()
    assert "福田区" in [r["name"] for r in body]
    assert client.get("/api/v1/regions/999999999999").status_code == 404
