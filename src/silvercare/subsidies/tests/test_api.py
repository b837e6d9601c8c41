"""The subsidies API end to end: define a programme, quote, reserve, commit, release;
problem+json for bad input (a bad rule names its line and column), never a 500."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.common.testing import COMMUNITY_A1
from silvercare.subsidies.models import PayerBody, ProgrammeVersion, Reservation

from .conftest import new_elder

pytestmark = pytest.mark.django_db
BASE = "/api/v1/subsidies"


def en(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def programme_body(**overrides: Any) -> dict[str, Any]:
    version = {
        "valid_from": "2026-01-01",
        "eligibility_rule": "level >= 2 || has_disability_certificate",
        "item_kinds": ["device_rental"],
        "amount_rule": {"type": "percentage", "percent_bp": 8000, "cap_fen": 20000, "per": "month"},
        "yearly_limit_fen": 240_000,
        "stacking_priority": 20,
        "shares": [
            {"payer": "futian-finance", "share_bp": 5000},
            {"payer": "yuanling-finance", "share_bp": 5000},
        ],
        **overrides.pop("version", {}),
    }
    return {
        "code": "ft-rental-2027",
        "name": "2027 rental subsidy for disabled elders",
        "region_code": "440304000000",
        "version": version,
        **overrides,
    }


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(f"{BASE}{url}", body, content_type="application/json")


def test_officer_defines_a_programme_and_a_consultant_quotes_and_reserves(
    officer: Any, consultant: Any, worker: Any, payers: dict[str, PayerBody]
) -> None:
    officer_api = en(officer)
    created = post(officer_api, "/programmes", programme_body(publish=True))
    assert created.status_code == 201, created.content
    programme = created.json()
    assert programme["current_version"]["number"] == 1
    assert programme["current_version"]["status"] == "live"
    budget = post(
        officer_api,
        "/budgets",
        {
            "programme_id": programme["id"],
            "year": timezone.localdate().year,
            "region_code": "440304000000",
            "amount_fen": 120_000_000,
        },
    )
    assert budget.status_code == 201 and budget.json()["available_fen"] == 120_000_000

    elder = new_elder(worker, COMMUNITY_A1, categories=["disabled"])
    consultant_api = en(consultant)
    elig = consultant_api.get(
        f"{BASE}/eligibility", {"elder_id": str(elder.pk), "item_kind": "device_rental"}
    )
    assert elig.status_code == 200
    [outcome] = elig.json()
    assert (outcome["eligible"], outcome["facts_used"]["has_disability_certificate"]) == (
        True,
        True,
    )
    quote = post(
        consultant_api,
        "/quotes",
        {
            "elder_id": str(elder.pk),
            "item_kind": "device_rental",
            "item_code": "walker",
            "price_fen": 6000,
        },
    )
    assert quote.status_code == 201, quote.content
    q = quote.json()
    assert [(ln["kind"], ln["amount_fen"]) for ln in q["lines"]] == [
        ("pays", 4800),
        ("elder", 1200),
    ]
    assert q["lines"][0]["why"] == (
        "holds a disability certificate; 80 % of the 60 yuan still to pay; "
        "2,400 of the 2,400 yuan yearly limit left; budget left 1,200,000 yuan"
    )
    assert [p["amount_fen"] for p in q["lines"][0]["payers"]] == [2400, 2400]
    assert consultant_api.get(f"{BASE}/quotes/{q['id']}").json()["lines"] == q["lines"]

    reserved = post(consultant_api, f"/quotes/{q['id']}/reserve", {"units": 12})
    assert reserved.status_code == 201, reserved.content
    [r] = reserved.json()
    assert (r["amount_fen"], r["status"]) == (57_600, "reserved")
    again = post(consultant_api, f"/quotes/{q['id']}/reserve", {})
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    assert again.json()["code"] == "quote_already_reserved"

    released = post(consultant_api, f"/reservations/{r['id']}/release", {"used_fen": 9600})
    assert released.status_code == 200
    assert (released.json()["committed_fen"], released.json()["released_fen"]) == (9600, 48_000)
    [usage] = officer_api.get(f"{BASE}/budgets").json()
    assert (usage["committed_fen"], usage["reserved_fen"], usage["available_fen"]) == (
        9600,
        0,
        120_000_000 - 9600,
    )
    listed = consultant_api.get(f"{BASE}/reservations", {"elder_id": str(elder.pk)}).json()
    assert [x["id"] for x in listed] == [r["id"]]


def test_a_bad_rule_is_refused_with_its_position(
    officer: Any, payers: dict[str, PayerBody]
) -> None:
    api = en(officer)
    bad = post(
        api,
        "/programmes",
        programme_body(version={"eligibility_rule": "level >= 2 && salary < 3000"}),
    )
    assert bad.status_code == 422 and bad["Content-Type"] == "application/problem+json"
    [error] = bad.json()["errors"]
    assert (error["field"], error["code"], error["params"]["line"], error["params"]["column"]) == (
        "eligibility_rule",
        "rule_unknown_fact",
        "1",
        "15",
    )
    assert "salary" in error["message"]
    syntax = post(api, "/rules/validate", {"rule": 'level >= 2 && "disabled" in'})
    assert syntax.status_code == 422
    assert syntax.json()["errors"][0]["params"]["column"] == "26"
    good = post(api, "/rules/validate", {"rule": 'level >= 2 && "disabled" in categories'})
    assert good.json() == {"valid": True, "facts": ["level", "categories"]}
    run = post(
        api,
        "/rules/test-run",
        {"rule": "level >= 2", "facts": {"level": 3, "categories": []}},
    )
    assert run.status_code == 200 and run.json()["passed"] is True


def test_a_live_version_is_not_edited_but_a_new_version_is_made(
    officer: Any, payers: dict[str, PayerBody], worker: Any
) -> None:
    api = en(officer)
    programme = post(api, "/programmes", programme_body(publish=True)).json()
    v1 = programme["current_version"]
    body = programme_body()["version"]
    refused = api.patch(
        f"{BASE}/versions/{v1['id']}",
        {**body, "eligibility_rule": "true"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "version_immutable"
    assert ProgrammeVersion.objects.get(pk=v1["id"]).eligibility_rule == body["eligibility_rule"]
    v2 = post(api, f"/programmes/{programme['id']}/versions", {**body, "note": "v2"})
    assert v2.status_code == 201 and v2.json()["status"] == "draft"
    elder = new_elder(worker, COMMUNITY_A1)
    run = post(
        api, f"/versions/{v2.json()['id']}/test-run", {"elder_id": str(elder.pk), "price_fen": 6000}
    )
    assert run.status_code == 200
    assert (run.json()["passed"], run.json()["amount_fen"]) == (False, 0)
    published = post(api, f"/versions/{v2.json()['id']}/publish", {})
    assert published.json()["status"] == "live"
    detail = api.get(f"{BASE}/programmes/{programme['id']}").json()
    assert [(v["number"], v["status"]) for v in detail["versions"]] == [
        (2, "live"),
        (1, "superseded"),
    ]


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/quotes", {"elder_id": "not-a-uuid", "item_kind": "meal", "price_fen": 1}),
        ("/quotes", {"elder_id": str(uuid.uuid4()), "item_kind": "meal", "price_fen": -5}),
        ("/quotes", {"elder_id": str(uuid.uuid4()), "item_kind": "rocket", "price_fen": 5}),
        ("/quotes", {"elder_id": str(uuid.uuid4()), "item_kind": "meal", "price_fen": 10**15}),
        ("/quotes", {"elder_id": str(uuid.uuid4()), "item_kind": "meal", "price_fen": 5}),
        ("/rules/validate", {"rule": "\x00"}),
        ("/rules/test-run", {"rule": "level >= 2", "facts": {"level": "x"}}),
        ("/rules/test-run", {"rule": "age >", "facts": {}}),
        ("/programmes", {"code": "x"}),
        ("/programmes", programme_body(version={"amount_rule": {"type": "tiered"}})),
        ("/programmes", programme_body(version={"amount_rule": []})),
        ("/programmes", programme_body(version={"valid_to": "2020-01-01"})),
        ("/programmes", programme_body(region_code="999999999999")),
        (
            "/programmes",
            programme_body(version={"shares": [{"payer": "nobody", "share_bp": 10000}]}),
        ),
        ("/budgets", {"programme_id": 99999, "year": 2026, "region_code": "x", "amount_fen": 1}),
        (
            "/payers",
            {"code": "A B", "name": "x", "kind": "ltc_fund", "region_code": "440304000000"},
        ),
        ("/quotes/00000000-0000-0000-0000-000000000000/reserve", {"units": 0}),
        ("/reservations/00000000-0000-0000-0000-000000000000/commit", {}),
        ("/versions/99999999999/publish", {}),
    ],
)
def test_bad_input_gets_a_problem_never_a_500(
    officer: Any, payers: dict[str, PayerBody], url: str, body: Any
) -> None:
    response = post(en(officer), url, body)
    assert 400 <= response.status_code < 500, (url, response.status_code, response.content)
    assert response["Content-Type"] == "application/problem+json"
    assert Reservation.objects.count() == 0


def test_an_officer_of_another_district_sees_no_programme_and_cannot_quote(
    officer: Any, luohu_officer: Any, worker: Any, payers: dict[str, PayerBody]
) -> None:
    programme = post(en(officer), "/programmes", programme_body(publish=True)).json()
    elder = new_elder(worker, COMMUNITY_A1)
    luohu = en(luohu_officer)
    assert luohu.get(f"{BASE}/programmes").json() == {"items": [], "count": 0}
    assert luohu.get(f"{BASE}/programmes/{programme['id']}").status_code == 404
    assert luohu.get(f"{BASE}/budgets").json() == []
    quote = post(
        luohu,
        "/quotes",
        {"elder_id": str(elder.pk), "item_kind": "device_rental", "price_fen": 100},
    )
    assert quote.status_code == 404
    # Nor can they define a programme for Futian.
    other = post(luohu, "/programmes", programme_body(code="sneaky"))
    assert other.status_code == 403
    assert en(officer).get(f"{BASE}/programmes").json()["count"] == 1
