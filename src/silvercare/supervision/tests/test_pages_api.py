"""Pages and API of supervision: an inspector records results on their own inspections, the
results become credit events, the officer publishes them and anyone reads them without
signing in; a district officer sees only their district's records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import STREET_LUOHU, client_for
from silvercare.supervision import draw as algorithm
from silvercare.supervision import services
from silvercare.supervision.models import CreditSubject, Inspection, InspectionDraw
from silvercare.supervision.tests.conftest import FUTIAN, LUOHU, SEED, make_enterprise, zh

pytestmark = pytest.mark.django_db


@pytest.fixture
def draw(ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any]) -> Any:
    return services.draw_create(
        ctx=ctx,
        title="福田区2026年第二季度双随机抽查",
        region_code=FUTIAN,
        kinds=["enterprise"],
        default_bp=2000,
        seed=SEED,
    )


def _record_all(draw: Any, outcome: str = "compliant") -> None:
    for inspection in draw.inspections.all():
        services.inspection_record(
            ctx=AuditContext(actor=inspection.inspectors.first()),
            inspection=inspection,
            outcome=outcome,
            findings="消防通道畅通，台账齐全。",
            inspected_on=timezone.localdate(),
        )


def test_an_inspector_records_a_result_on_the_phone_page(draw: Any) -> None:
    inspection = draw.inspections.order_by("position").first()
    inspector = inspection.inspectors.first()
    client = client_for(inspector)
    mine = client.get("/supervision/inspections/mine/").content.decode()
    assert inspection.target_name in mine
    response = client.post(
        f"/supervision/inspections/{inspection.pk}/",
        {
            "outcome": "correction",
            "inspected_on": timezone.localdate().isoformat(),
            "findings": "灭火器过期两具。",
            "correction_deadline": "",
        },
    )
    assert response.status_code == 200
    assert zh("Set the date by which the correction is due.") in response.content.decode()
    deadline = timezone.localdate().replace(day=28)
    if deadline < timezone.localdate():
        deadline = timezone.localdate()
    response = client.post(
        f"/supervision/inspections/{inspection.pk}/",
        {
            "outcome": "correction",
            "inspected_on": timezone.localdate().isoformat(),
            "findings": "灭火器过期两具。",
            "correction_deadline": deadline.isoformat(),
        },
    )
    assert response.status_code == 302
    inspection.refresh_from_db()
    assert (inspection.status, inspection.outcome, inspection.correction_deadline) == (
        "done",
        "correction",
        deadline,
    )
    # The outcome is a credit event of the enterprise: 80 − 8 under the built-in model.
    subject = CreditSubject.objects.get(enterprise=inspection.enterprise)
    assert (subject.score, subject.grade) == (72, "C")
    assert subject.events.get().inspection == inspection


def test_an_inspector_not_assigned_cannot_record(draw: Any, inspectors: dict[str, Any]) -> None:
    inspection = draw.inspections.order_by("position").first()
    assigned = set(inspection.inspectors.values_list("pk", flat=True))
    stranger = next(u for u in inspectors.values() if u.pk not in assigned)
    client = client_for(stranger)
    response = client.post(
        f"/supervision/inspections/{inspection.pk}/",
        {"outcome": "compliant", "inspected_on": timezone.localdate().isoformat(), "findings": "x"},
    )
    assert response.status_code == 404
    api = client.post(
        f"/api/v1/supervision/inspections/{inspection.pk}/result",
        {"outcome": "compliant", "inspected_on": timezone.localdate().isoformat(), "findings": "x"},
        content_type="application/json",
    )
    assert api.status_code in (403, 404)
    inspection.refresh_from_db()
    assert inspection.status == "assigned"


def test_the_public_page_needs_no_login_and_shows_only_published_results(
    ctx: AuditContext, draw: Any
) -> None:
    anonymous = Client()
    assert anonymous.get(f"/supervision/public/inspections/{draw.pk}/").status_code == 404
    assert draw.title not in anonymous.get("/supervision/public/inspections/").content.decode()
    refused = client_for(ctx.actor).post(f"/supervision/draws/{draw.pk}/publish/", follow=True)
    assert zh("Some inspections of this draw have no result yet.") in refused.content.decode()

    _record_all(draw)
    services.draw_publish(ctx=ctx, draw=draw)
    listing = anonymous.get("/supervision/public/inspections/")
    assert listing.status_code == 200
    assert draw.title in listing.content.decode()
    page = anonymous.get(f"/supervision/public/inspections/{draw.pk}/").content.decode()
    assert SEED in page
    for inspection in draw.inspections.all():
        assert inspection.target_name in page
        for name in inspection.inspector_names:
            assert name in page
    assert "消防通道畅通" in page
    download = anonymous.get(f"/supervision/public/inspections/{draw.pk}/draw.json")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="draw-{draw.pk}.json"'
    assert algorithm.verify_published(json.loads(download.content)) == []


def test_verify_on_the_draw_page(ctx: AuditContext, draw: Any) -> None:
    html = client_for(ctx.actor).get(f"/supervision/draws/{draw.pk}/?verify=1").content.decode()
    assert 'id="verify-result"' in html
    assert zh("re-running the draw gives the same targets and inspectors.") in html


def test_a_draw_made_on_the_page_over_an_empty_pool_says_why(
    officer: Any, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    response = client_for(officer).post(
        "/supervision/draws/new/",
        {
            "title": "抽查养老机构",
            "region_code": FUTIAN,
            "kinds": ["institution"],
            "default_percent": "5",
            "grade_d_percent": "10",
            "inspectors_per_target": "2",
            "relationship_months": "12",
        },
    )
    assert response.status_code == 200
    assert (
        zh(
            "There are no active enterprises or facilities of these kinds in this area: "
            "there is nothing to draw from."
        )
        in response.content.decode()
    )
    assert not InspectionDraw.objects.exists()
    response = client_for(officer).post(
        "/supervision/draws/new/",
        {
            "title": "抽查企业",
            "region_code": FUTIAN,
            "kinds": ["enterprise"],
            "default_percent": "5",
            "grade_d_percent": "10",
            "inspectors_per_target": "2",
            "relationship_months": "12",
        },
    )
    made = InspectionDraw.objects.get()
    assert response["Location"] == f"/supervision/draws/{made.pk}/"
    assert made.ratios == {"default_bp": 500, "by_grade": {"D": 1000}}


def test_a_district_officer_sees_only_their_district(
    draw: Any, luohu_officer: Any, officer: Any, regions: None
) -> None:
    luohu_ctx = AuditContext(actor=luohu_officer)
    luohu_firm = make_enterprise(luohu_officer, "罗湖康养公司", STREET_LUOHU)
    subject = services.subject_for_enterprise(luohu_firm)
    services.credit_event_record(
        ctx=luohu_ctx,
        subject=subject,
        category="award",
        occurred_on=timezone.localdate(),
        source="award",
        evidence="罗湖表彰",
    )
    futian_subject = services.subject_for_enterprise(draw.inspections.first().enterprise)
    services.credit_event_record(
        ctx=AuditContext(actor=officer),
        subject=futian_subject,
        category="award",
        occurred_on=timezone.localdate(),
        source="award",
        evidence="福田表彰",
    )
    luohu = client_for(luohu_officer)
    assert luohu.get(f"/supervision/draws/{draw.pk}/").status_code == 404
    assert luohu.get(f"/supervision/draws/{draw.pk}/draw.json").status_code == 404
    assert luohu.get(f"/api/v1/supervision/draws/{draw.pk}").status_code == 404
    assert luohu.get(f"/api/v1/supervision/draws/{draw.pk}/verify").status_code == 404
    assert luohu.get("/api/v1/supervision/draws").json() == []
    assert luohu.get(f"/supervision/credit/{futian_subject.pk}/").status_code == 404
    assert luohu.get(f"/api/v1/supervision/credit/subjects/{futian_subject.pk}").status_code == 404
    names = [s["name"] for s in luohu.get("/api/v1/supervision/credit/subjects").json()]
    assert names == ["罗湖康养公司"]
    assert "福田表彰" not in luohu.get("/supervision/credit/").content.decode()
    inspection = draw.inspections.first()
    assert luohu.get(f"/supervision/inspections/{inspection.pk}/").status_code == 404

    futian = client_for(officer)
    assert futian.get(f"/supervision/draws/{draw.pk}/").status_code == 200
    assert [d["id"] for d in futian.get("/api/v1/supervision/draws").json()] == [draw.pk]
    detail = futian.get(f"/api/v1/supervision/credit/subjects/{futian_subject.pk}").json()
    assert [e["evidence"] for e in detail["events"]] == ["福田表彰"]
    assert futian.get(f"/supervision/credit/{subject.pk}/").status_code == 404


def test_the_api_draws_verifies_and_refuses_an_empty_pool(
    officer: Any, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    client = client_for(officer)
    body = {
        "title": "API 抽查",
        "region_code": FUTIAN,
        "kinds": ["enterprise"],
        "default_bp": 2000,
        "by_grade": {"D": 5000},
    }
    made = client.post("/api/v1/supervision/draws", body, content_type="application/json")
    assert made.status_code == 201, made.content
    detail = made.json()
    assert len(detail["inspections"]) == 2
    assert all(len(i["inspector_names"]) == 2 for i in detail["inspections"])
    verify = client.get(f"/api/v1/supervision/draws/{detail['id']}/verify").json()
    assert verify == {"match": True, "problems": []}
    empty = client.post(
        "/api/v1/supervision/draws", body | {"region_code": LUOHU}, content_type="application/json"
    )
    assert empty.status_code == 403  # not the Futian officer's district
    empty = client.post(
        "/api/v1/supervision/draws", body | {"kinds": ["canteen"]}, content_type="application/json"
    )
    assert empty.status_code == 422
    assert empty.json()["code"] == "draw_empty_pool"
    assert InspectionDraw.objects.count() == 1


def test_credit_api_records_events_and_blacklists(
    officer: Any, enterprises: list[Any], worker: Any
) -> None:
    client = client_for(officer)
    firm = enterprises[0]
    made = client.post(
        "/api/v1/supervision/credit/events",
        {
            "enterprise_id": str(firm.pk),
            "category": "fraud",
            "occurred_on": timezone.localdate().isoformat(),
            "source": "penalty",
            "evidence": "虚报服务次数骗取补贴",
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    subject_id = made.json()["subject_id"]
    detail = client.get(f"/api/v1/supervision/credit/subjects/{subject_id}").json()
    assert (detail["score"], detail["grade"]) == (40, "D")
    assert detail["grades"][0]["reason"] == "first"
    listed = client.post(
        f"/api/v1/supervision/credit/subjects/{subject_id}/blacklist",
        {"reason": "骗取补贴", "starts_on": timezone.localdate().isoformat()},
        content_type="application/json",
    )
    assert listed.status_code == 201
    entry_id = listed.json()["id"]
    appeal = client.post(
        f"/api/v1/supervision/blacklist/{entry_id}/appeal",
        {"grounds": "已退回补贴"},
        content_type="application/json",
    )
    assert appeal.json()["appeal_status"] == "filed"
    decided = client.post(
        f"/api/v1/supervision/blacklist/{entry_id}/decision",
        {"granted": False, "reason": "证据确凿"},
        content_type="application/json",
    )
    assert decided.json()["appeal_status"] == "upheld"
    assert decided.json()["in_force"] is True
    # A community worker reads but may not record.
    refused = client_for(worker).post(
        "/api/v1/supervision/credit/events",
        {
            "enterprise_id": str(firm.pk),
            "category": "award",
            "occurred_on": timezone.localdate().isoformat(),
            "source": "award",
            "evidence": "x",
        },
        content_type="application/json",
    )
    assert refused.status_code == 403
    unknown = client.post(
        "/api/v1/supervision/credit/events",
        {
            "category": "award",
            "occurred_on": timezone.localdate().isoformat(),
            "source": "award",
            "evidence": "x",
        },
        content_type="application/json",
    )
    assert unknown.status_code == 422


def test_officer_pages_render(ctx: AuditContext, draw: Any, officer: Any) -> None:
    _record_all(draw, "violation")
    subject = CreditSubject.objects.first()
    assert subject is not None
    entry = services.blacklist_add(
        ctx=ctx, subject=subject, reason="严重违规", starts_on=timezone.localdate(), ends_on=None
    )
    client = client_for(officer)
    for url in (
        "/supervision/",
        "/supervision/warnings/",
        "/supervision/credit/",
        "/supervision/credit/events/new/",
        f"/supervision/credit/{subject.pk}/",
        "/supervision/credit/models/",
        "/supervision/blacklist/",
        f"/supervision/blacklist/{entry.pk}/",
        "/supervision/draws/",
        "/supervision/draws/new/",
        f"/supervision/draws/{draw.pk}/",
        f"/supervision/inspections/{Inspection.objects.first().pk}/",  # type: ignore[union-attr]
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/supervision/blacklist/{entry.pk}/",
        {"form": "appeal", "appeal-grounds": "整改完毕", "appeal-filed_on": "2026-01-05"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/supervision/blacklist/{entry.pk}/",
        {"form": "decide", "decide-decision": "granted", "decide-reason": "整改到位"},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.status, entry.appeal_status) == ("lifted", "granted")
