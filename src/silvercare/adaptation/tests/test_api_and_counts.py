"""The API (a case through its steps, problem+json answers for bad input and illegal
steps, scope), the pages, and the counts per region and month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from silvercare.adaptation import services
from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.selectors import adaptation_counts, adapted_facts
from silvercare.audit.services import AuditContext
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_B1,
    STREET_B,
    client_for,
    make_elder,
    make_user,
)

from .conftest import answer_all

pytestmark = pytest.mark.django_db
API = "/api/v1/adaptation"


def _all_answers(hazards: tuple[str, ...] = ()) -> list[dict[str, str]]:
    return [
        {"question": q.code, "answer": "hazard" if q.code in hazards else "ok"}
        for q in checklist().questions
    ]


def test_a_case_through_the_api(
    worker: Any, officer: Any, elder: Any, programme: Any, contractor: Any
) -> None:
    client = client_for(worker)
    opened = client.post(
        f"{API}/cases", {"elder_id": str(elder.pk)}, content_type="application/json"
    )
    assert opened.status_code == 201, opened.content
    case_id = opened.json()["id"]
    assert opened.json()["allowed_actions"] == ["plan", "cancel"]
    early = client.post(f"{API}/cases/{case_id}/plan")
    assert early.status_code == 422
    assert early["Content-Type"] == "application/problem+json"
    assert {e["code"] for e in early.json()["errors"]} == {"checklist_incomplete", "plan_empty"}
    answered = client.put(
        f"{API}/cases/{case_id}/checklist",
        {"answers": _all_answers(("bath_shower",))},
        content_type="application/json",
    )
    assert answered.status_code == 200
    assert len(answered.json()["answers"]) == len(checklist().questions)
    item = client.post(
        f"{API}/cases/{case_id}/items",
        {"code": "R17", "quantity": 1},
        content_type="application/json",
    )
    assert item.status_code == 201
    assert item.json()["total_fen"] == 20_000
    free = client.post(
        f"{API}/cases/{case_id}/items",
        {"name": "淋浴区防滑垫", "quantity": 2, "unit_price_fen": 4_550},
        content_type="application/json",
    )
    assert free.json()["total_fen"] == 9_100
    chosen = client.post(
        f"{API}/cases/{case_id}/contractor",
        {"contractor_id": str(contractor.pk)},
        content_type="application/json",
    )
    assert chosen.json()["contractor"]["name"] == contractor.name
    planned = client.post(f"{API}/cases/{case_id}/plan").json()
    assert planned["status"] == "planned"
    assert (planned["total_fen"], planned["subsidy_fen"], planned["elder_pays_fen"]) == (
        29_100,
        23_280,
        5_820,
    )
    own = client.post(f"{API}/cases/{case_id}/approve")
    assert own.status_code == 409
    assert own.json()["code"] == "approver_is_planner"
    approved = client_for(officer).post(f"{API}/cases/{case_id}/approve")
    assert approved.json()["status"] == "approved"
    assert len(approved.json()["reservation_ids"]) == 1
    illegal = client.post(
        f"{API}/cases/{case_id}/accept",
        {"checked_item_ids": [], "signed_by": "陈淑芬", "signer": "elder"},
        content_type="application/json",
    )
    assert illegal.status_code == 409
    assert illegal["Content-Type"] == "application/problem+json"
    body = illegal.json()
    assert body["code"] == "transition_invalid"
    assert body["allowed_from"] == ["in_works"]
    assert body["status"] == "approved"
    started = client.post(f"{API}/cases/{case_id}/start-works", {}, content_type="application/json")
    assert started.json()["status"] == "in_works"
    works = client.post(
        f"{API}/cases/{case_id}/works",
        {"on": timezone.localdate().isoformat(), "progress": 100, "note": "淋浴椅已配置"},
        content_type="application/json",
    )
    assert works.status_code == 201
    items = [i["id"] for i in started.json()["items"]]
    accepted = client.post(
        f"{API}/cases/{case_id}/accept",
        {"checked_item_ids": items, "signed_by": "陈淑芬", "signer": "elder"},
        content_type="application/json",
    )
    assert accepted.json()["status"] == "accepted", accepted.content


def test_bad_input_gets_problem_responses(worker: Any, elder: Any, other_worker: Any) -> None:
    client = client_for(worker)
    unknown = client.post(
        f"{API}/cases",
        {"elder_id": "00000000-0000-0000-0000-000000000000"},
        content_type="application/json",
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "elder_id"
    case = services.case_open(ctx=AuditContext(actor=worker), elder=elder)
    bad = client.put(
        f"{API}/cases/{case.pk}/checklist",
        {"answers": [{"question": "floor_slip", "answer": "perhaps"}]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    unknown_q = client.put(
        f"{API}/cases/{case.pk}/checklist",
        {"answers": [{"question": "moat", "answer": "ok"}]},
        content_type="application/json",
    )
    assert unknown_q.status_code == 422
    assert unknown_q.json()["errors"][0]["field"] == "answers.moat"
    negative = client.post(
        f"{API}/cases/{case.pk}/items",
        {"code": "R01", "quantity": 1, "unit_price_fen": -5},
        content_type="application/json",
    )
    assert negative.status_code == 422
    assert case.items.count() == 0
    # Another district's worker: the case does not exist for them.
    outsider = client_for(other_worker)
    assert outsider.get(f"{API}/cases/{case.pk}").status_code == 404
    assert outsider.post(f"{API}/cases/{case.pk}/plan").status_code == 404
    assert outsider.get(f"{API}/cases").json()["count"] == 0
    assert outsider.get(f"/adaptation/cases/{case.pk}/").status_code == 404
    # An inspector sees the case, masked, and may not change it.
    inspector = client_for(make_user("inspector", "440304000000", "adaptation_inspector"))
    seen = inspector.get(f"{API}/cases/{case.pk}").json()
    assert seen["elder_name"] == "陈*芬"
    refused = inspector.post(f"{API}/cases/{case.pk}/plan")
    assert refused.status_code == 403


def _accept(worker: Any, officer: Any, elder: Any, contractor: Any) -> Any:
    ctx = AuditContext(actor=worker)
    case = services.case_open(ctx=ctx, elder=elder)
    answer_all(ctx, case, hazards=("floor_slip",))
    services.plan_item_add(ctx=ctx, case=case, code="R01", quantity=5)
    services.contractor_assign(ctx=ctx, case=case, contractor=contractor)
    case = services.case_plan(ctx=ctx, case=case)
    case = services.case_approve(ctx=AuditContext(actor=officer), case=case)
    case = services.works_start(ctx=ctx, case=case)
    return services.case_accept(
        ctx=ctx,
        case=case,
        checked_item_ids=[i.pk for i in case.items.all()],
        signed_by="家属",
        signer="family",
    )


def test_counts_per_region_and_month(
    worker: Any, officer: Any, elder: Any, programme: Any, contractor: Any, other_worker: Any
) -> None:
    worker_b = make_user("community_worker", STREET_B, "worker_b_adaptation")
    _accept(worker, officer, elder, contractor)
    second = make_elder(worker, COMMUNITY_A1, name="周桂英")
    services.case_open(ctx=AuditContext(actor=worker), elder=second)  # opened, not accepted
    elder_b = make_elder(worker_b, COMMUNITY_B1, name="吴建华", categories=["econ_difficult"])
    contractor_b = services.contractor_create(
        ctx=AuditContext(actor=worker_b), region_code=STREET_B, name="南园适老化服务部"
    )
    _accept(worker_b, officer, elder_b, contractor_b)
    today = timezone.localdate()
    month = dt.date(today.year, today.month, 1)
    [futian] = adaptation_counts("440304", today, today)
    assert (futian.month, futian.region_code) == (month, "440304000000")
    assert (futian.opened, futian.accepted, futian.households) == (3, 2, 2)
    assert futian.spend_fen == 2 * 5 * 8_000
    assert futian.subsidy_fen == 2 * 32_000
    by_street = {
        r.region_code: r for r in adaptation_counts("440304", today, today, group_digits=9)
    }
    assert {c: (r.opened, r.accepted) for c, r in by_street.items()} == {
        "440304001000": (2, 1),
        "440304002000": (1, 1),
    }
    # Earlier months are there, with nothing in them.
    last = month - dt.timedelta(days=1)
    rows = adaptation_counts("440304", last, today)
    assert [(r.month, r.opened) for r in rows] == [
        (dt.date(last.year, last.month, 1), 0),
        (month, 3),
    ]
    assert adaptation_counts("440303", today, today)[0].opened == 0
    # The indicators' cumulative households: one per accepted case's home, none before.
    adapted = adapted_facts(until=today)
    assert {code: f["households"] for code, f in adapted.items()} == {
        elder.region_id: 1,
        elder_b.region_id: 1,
    }
    assert adapted_facts(until=today - dt.timedelta(days=1)) == {}
    # The officers' page and the API, each inside the reader's scope.
    page = client_for(officer).get("/adaptation/counts/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "园岭街道" in html and "南园街道" in html
    assert 'id="total-accepted">2<' in html
    api = client_for(officer).get(
        f"{API}/counts?region=440304&month_from={today}&month_to={today}&group_digits=9"
    )
    assert [r["accepted"] for r in api.json()] == [1, 1]
    assert (
        client_for(other_worker)
        .get(f"{API}/counts?region=440304&month_from={today}&month_to={today}")
        .status_code
        == 404
    )
    assert "园岭街道" not in client_for(other_worker).get("/adaptation/counts/").content.decode()


def test_pages_of_a_case(
    worker: Any, officer: Any, planned_case: Callable[..., Any], elder: Any
) -> None:
    case = planned_case("planned")
    client = client_for(worker)
    page = client.get(f"/adaptation/cases/{case.pk}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "防滑处理" in html and "安装扶手（如厕洗浴）" in html
    assert 'id="elder-pays"' in html  # the subsidies quote component
    assert "福田区特殊困难老年人居家适老化改造补贴" in html
    elder_page = client.get(f"/elders/{elder.pk}/").content.decode()
    assert case.number in elder_page
    illegal = client.post(f"/adaptation/cases/{case.pk}/do/accept/", {"signed_by": "x"})
    assert illegal.status_code == 422
    assert "is not possible" in illegal.content.decode() or "不能" in illegal.content.decode()
    case.refresh_from_db()
    assert case.status == "planned"
    listed = client.get("/adaptation/?status=planned").content.decode()
    assert case.number in listed
