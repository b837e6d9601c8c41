"""Needs-based selection: rules (data) read the latest assessment answers and declared needs
and name the device types with their reasons; the page shows products of different price
with the elder's share from the subsidies quote; consultants add or dismiss with a note."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from silvercare.assistive import services
from silvercare.assistive.models import DeviceType
from silvercare.assistive.selectors import recommendations_for
from silvercare.assistive.tests.conftest import ctx
from silvercare.audit.models import AuditEvent
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import client_for

FUTIAN = "440304000000"


def codes(elder: Any) -> dict[str, list[str]]:
    return {r.device_type.code: r.reasons_zh for r in recommendations_for(elder)}


def test_walking_with_falls_points_to_a_quad_cane_or_a_walking_frame(
    elder: Any, assess: Any
) -> None:
    assess(elder, {"B.2.3": 2}, {"A.2.14.1": "once"})
    found = codes(elder)
    reason = "B.2.3 平地行走 2 分; 近 30 天跌倒 → 多脚手杖（三脚、四脚） 或 框式助行器"
    assert found["12 03 16"] == [reason]
    assert found["12 06 03"] == [reason]
    # The same walking score without a fall does not point to them.
    assert "12 06 06" not in found


def test_without_a_fall_the_rule_does_not_apply(elder: Any, assess: Any) -> None:
    assess(elder, {"B.2.3": 2})
    assert not {"12 03 16", "12 06 03"} & set(codes(elder))


def test_reasons_follow_the_reader_s_language(elder: Any, assess: Any) -> None:
    assess(elder, {"B.2.1": 0, "B.2.3": 0})
    recs = {r.device_type.code: r for r in recommendations_for(elder)}
    bed = recs["18 12 10"]
    assert bed.reason("zh-hans").startswith("B.2.1 床上体位转移 0 分 → ")
    assert bed.reason("en").startswith("B.2.1 changing position in bed 0 points → ")
    assert "12 22 18" in recs  # cannot walk: an attendant-controlled wheelchair
    # The pressure-relief mattress is named by two rules, each reason kept.
    assert len(recs["04 33 06"].reasons_en) == 1


def test_declared_needs_count_without_an_assessment(elder: Any, consultant: Any) -> None:
    assert codes(elder) == {}
    services.need_declare(ctx=ctx(consultant), elder=elder, need="hearing_loss", note="自述")
    found = codes(elder)
    assert found["22 06 15"] == ["听力下降 → 耳背式助听器 或 耳内式助听器"]
    with pytest.raises(ValidationFailed):
        services.need_declare(ctx=ctx(consultant), elder=elder, need="flying")


def test_a_consultant_dismisses_and_adds_with_a_note(
    elder: Any, consultant: Any, worker: Any
) -> None:
    services.need_declare(ctx=ctx(consultant), elder=elder, need="low_vision")
    magnifier = DeviceType.objects.get(code="22 03 09")
    with pytest.raises(ValidationFailed):
        services.recommendation_decide(
            ctx=ctx(consultant), elder=elder, device_type=magnifier, status="dismissed", note=""
        )
    services.recommendation_decide(
        ctx=ctx(consultant),
        elder=elder,
        device_type=magnifier,
        status="dismissed",
        note="已有家属购买的放大镜",
    )
    recs = {r.device_type.code: r for r in recommendations_for(elder)}
    assert recs["22 03 09"].dismissed and recs["22 03 09"].decision.note == "已有家属购买的放大镜"
    assert recs["22 03 09"].products == []
    rollator = DeviceType.objects.get(code="12 06 06")
    services.recommendation_decide(
        ctx=ctx(consultant), elder=elder, device_type=rollator, status="added", note="外出购物用"
    )
    recs = {r.device_type.code: r for r in recommendations_for(elder)}
    assert recs["12 06 06"].added and recs["12 06 06"].reasons_zh == []
    assert AuditEvent.objects.filter(entity_type="assistive.recommendation").count() == 2
    with pytest.raises(DomainError) as denied:
        services.recommendation_decide(
            ctx=ctx(worker), elder=elder, device_type=rollator, status="dismissed", note="x"
        )
    assert denied.value.status == 403


@pytest.fixture
def programme(regions: None) -> Any:
    from silvercare.audit.services import AuditContext
    from silvercare.common.testing import make_user
    from silvercare.subsidies import services as subsidies

    officer = make_user("civil_affairs", FUTIAN, "subsidy_officer")
    c = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=c, code="futian-finance", name="福田区财政", kind="district_finance", region_code=FUTIAN
    )
    programme = subsidies.programme_create(
        ctx=c,
        code="at-devices",
        name="辅具适配补贴",
        region_code=FUTIAN,
        version=subsidies.VersionValues(
            valid_from=dt.date(2026, 1, 1),
            eligibility_rule="true",
            item_kinds=["device_rental", "device_purchase"],
            amount_rule={"type": "percentage", "percent_bp": 8000, "per": "item"},
            shares=[("futian-finance", 10000)],
            budgeted=False,
        ),
    )
    subsidies.version_publish(ctx=c, version=programme.versions.get())
    return programme


def test_the_page_shows_products_of_different_price_with_the_elder_s_share(
    elder: Any, assess: Any, consultant: Any, make_listed: Any, programme: Any
) -> None:
    from silvercare.subsidies.models import Quote

    spec = {"height_min_cm": 70, "height_max_cm": 90, "max_user_weight_kg": 100}
    make_listed(
        model="QC-1",
        name="四脚手杖",
        device_type_code="12 03 16",
        specifications=spec,
        sale_price_fen=8_000,
        monthly_rent_fen=None,
        rentable=False,
        price_cap_fen=None,
    )
    make_listed(
        model="QC-2",
        name="带灯四脚手杖",
        device_type_code="12 03 16",
        specifications=spec,
        sale_price_fen=16_000,
        monthly_rent_fen=None,
        rentable=False,
        price_cap_fen=None,
    )
    assess(elder, {"B.2.3": 3}, {"A.2.14.1": "twice"})
    response = client_for(consultant).get(f"/assistive/elders/{elder.pk}/recommendations/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "B.2.3 平地行走 3 分; 近 30 天跌倒" in body
    assert "QC-1" in body and "QC-2" in body
    quotes = Quote.objects.filter(elder=elder, item_code="12 03 16").order_by("price_fen")
    assert [(q.item_kind, q.price_fen, q.elder_pays_fen) for q in quotes] == [
        ("device_purchase", 8_000, 1_600),
        ("device_purchase", 16_000, 3_200),
    ]
    from silvercare.subsidies.templatetags.subsidies import yuan

    # The elder's share, in yuan, beside each product.
    assert f"<strong>{yuan(1_600)}</strong>" in body and f"<strong>{yuan(3_200)}</strong>" in body
    # The API gives the same, with quotes on request.
    api = client_for(consultant).get(
        f"/api/v1/assistive/elders/{elder.pk}/recommendations?quotes=true"
    )
    assert api.status_code == 200
    cane = next(r for r in api.json() if r["device_type"] == "12 03 16")
    assert sorted(p["quote"]["elder_pays_fen"] for p in cane["products"]) == [1_600, 3_200]


def test_the_elder_page_shows_the_panel(elder: Any, consultant: Any) -> None:
    services.need_declare(ctx=ctx(consultant), elder=elder, need="bed_bound")
    page = client_for(consultant).get(f"/elders/{elder.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'id="assistive-panel"' in body and "18 12 10" in body


def test_a_product_not_for_a_declared_need_is_not_offered(
    elder: Any, consultant: Any, make_listed: Any
) -> None:
    mattress = {"length_cm": 190, "width_cm": 90, "principle": "foam"}
    foam = make_listed(
        model="M-1", name="海绵床垫", device_type_code="04 33 06", specifications=mattress
    )
    make_listed(
        model="M-2",
        name="气垫床垫",
        device_type_code="04 33 06",
        specifications={**mattress, "principle": "air_alternating"},
        contraindications=["bed_bound"],
    )
    services.need_declare(ctx=ctx(consultant), elder=elder, need="pressure_sore_risk")
    offered = {r.device_type.code: r.products for r in recommendations_for(elder)}
    assert len(offered["04 33 06"]) == 2
    services.need_declare(ctx=ctx(consultant), elder=elder, need="bed_bound")
    offered = {r.device_type.code: r.products for r in recommendations_for(elder)}
    assert offered["04 33 06"] == [foam]
