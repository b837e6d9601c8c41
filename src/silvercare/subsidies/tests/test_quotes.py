"""Explained eligibility and quotes on crafted elders: stacking, caps, limits, budgets,
reasons in Chinese and English, and an item no programme covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import COMMUNITY_A1, COMMUNITY_LUOHU, id_number
from silvercare.subsidies import selectors, services
from silvercare.subsidies.services import Item

from .conftest import SHENZHEN, new_elder

pytestmark = pytest.mark.django_db
WALKER = Item(kind="device_rental", code="12 06 03", label="助行器")
RENTAL_RULE = 'level >= 2 || has_disability_certificate || "econ_difficult" in categories'


def today() -> dt.date:
    return timezone.localdate()


@pytest.fixture
def programmes(make_programme: Callable[..., Any], city_officer: Any) -> dict[str, Any]:
    """The issue's example: the LTC fund pays half of the price for levels 2–4, then the
    district's rental subsidy pays 60 % of what is left (up to 200 yuan a month)."""
    ltc = make_programme(
        "sz-ltc-rental",
        name="长护险辅具租赁",
        region=SHENZHEN,
        actor=city_officer,
        eligibility_rule="level != null && level >= 2",
        amount_rule={"type": "percentage", "percent_bp": 5000, "base": "price", "per": "month"},
        stacking_priority=10,
        budgeted=False,
        shares=[("sz-ltc-fund", 10000)],
    )
    rental = make_programme(
        "ft-rental-2026",
        name="福田区残疾老人辅具租赁补贴",
        eligibility_rule=RENTAL_RULE,
        amount_rule={"type": "percentage", "percent_bp": 6000, "cap_fen": 20000, "per": "month"},
        stacking_priority=20,
        budget_fen=120_000_000,
    )
    return {"ltc": ltc, "rental": rental}


def lines(quote: Any) -> list[tuple[str, str, int]]:
    return [(ln.kind, ln.programme_name, ln.amount_fen) for ln in quote.lines.all()]


def test_the_issue_example_splits_60_yuan_into_30_18_and_12(
    worker: Any, programmes: dict[str, Any], assess: Callable[..., Any]
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, categories=["econ_difficult"])
    assess(elder, 3)
    quote = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=today())
    assert lines(quote) == [
        ("pays", "长护险辅具租赁", 3000),
        ("pays", "福田区残疾老人辅具租赁补贴", 1800),
        ("elder", "", 1200),
    ]
    assert quote.elder_pays_fen == 1200
    rental = quote.lines.get(position=1)
    assert [(p["payer_code"], p["amount_fen"]) for p in rental.payer_split] == [
        ("futian-finance", 900),
        ("yuanling-finance", 900),
    ]
    with translation.override("en"):
        why = selectors.quote_present(quote)["lines"][1]["why"]
    assert why == (
        f"level 3 since {today():%Y-%m-%d} assessment; "
        "Economically difficult / extreme poverty category; "
        "60 % of the 30 yuan still to pay; budget left 1,200,000 yuan"
    )
    with translation.override("zh-hans"):
        why_zh = selectors.quote_present(quote)["lines"][1]["why"]
    assert why_zh == (
        f"自 {today():%Y-%m-%d} 评估起为 3 级；经济困难/特困类别；"
        "剩余应付 30 元的 60 %；预算余额 1,200,000 元"
    )


def test_a_programme_the_elder_misses_shows_the_rule_that_failed(
    worker: Any, programmes: dict[str, Any], assess: Callable[..., Any]
) -> None:
    elder = new_elder(worker, COMMUNITY_A1)
    assess(elder, 1)
    outcomes = services.check_eligibility(actor=worker, elder=elder, item=WALKER, on=today())
    assert [(o.programme.code, o.eligible, o.decided_by) for o in outcomes] == [
        ("sz-ltc-rental", False, "rule"),
        ("ft-rental-2026", False, "rule"),
    ]
    assert outcomes[1].facts_used == {
        "level": 1,
        "level_assessed_on": today().isoformat(),
        "has_disability_certificate": False,
        "categories": ["advanced_age"],
    }
    quote = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=today())
    with translation.override("en"):
        shown = selectors.quote_present(quote)
    assert shown["elder_pays_fen"] == 6000
    assert [ln["why"] for ln in shown["not_eligible"]] == [
        f"rule “level != null && level >= 2” is not met; level 1 since {today():%Y-%m-%d} "
        "assessment",
        f"rule “{RENTAL_RULE}” is not met; level 1 since {today():%Y-%m-%d} assessment; "
        "no disability certificate; not in the Economically difficult / extreme poverty "
        "category",
    ]


def test_never_assessed_elder_fails_a_level_rule_saying_the_level_is_unknown(
    worker: Any, make_programme: Callable[..., Any]
) -> None:
    make_programme("level-only", eligibility_rule="level >= 2", budget_fen=10_000)
    elder = new_elder(worker, COMMUNITY_A1)
    with translation.override("en"):
        quote = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=today())
        why = selectors.quote_present(quote)["not_eligible"][0]["why"]
    assert why == (
        "rule “level >= 2” cannot be decided: level not known for this elder; "
        "no completed ability assessment"
    )


def test_an_item_no_programme_covers_is_full_price(worker: Any, programmes: dict[str, Any]) -> None:
    elder = new_elder(worker, COMMUNITY_A1, categories=["disabled"])
    meal = Item(kind="meal", code="lunch")
    quote = services.quote(actor=worker, elder=elder, item=meal, price_fen=1500, on=today())
    with translation.override("en"):
        shown = selectors.quote_present(quote)
    assert [(ln["kind"], ln["amount_fen"], ln["why"]) for ln in shown["lines"]] == [
        ("elder", 1500, "no programme covers this")
    ]
    # Covered kinds but another item code: the same.
    make_elder_codes = services.check_eligibility(
        actor=worker, elder=elder, item=Item(kind="device_purchase"), on=today()
    )
    assert make_elder_codes == []


def test_caps_fixed_amounts_and_tiers(worker: Any, make_programme: Callable[..., Any]) -> None:
    make_programme(
        "capped",
        amount_rule={"type": "percentage", "percent_bp": 8000, "cap_fen": 20000, "per": "month"},
        budget_fen=10_000_000,
        stacking_priority=1,
    )
    make_programme(
        "meal-tiers",
        item_kinds=["device_rental", "meal"],
        amount_rule={
            "type": "tiered",
            "by": "category",
            "tiers": [
                {"match": "econ_difficult", "rule": {"type": "fixed", "amount_fen": 1000}},
                {
                    "match": ["advanced_age", "disabled"],
                    "rule": {"type": "fixed", "amount_fen": 500},
                },
            ],
        },
        budget_fen=10_000_000,
        stacking_priority=2,
    )
    poor = new_elder(worker, COMMUNITY_A1, categories=["econ_difficult", "disabled"])
    plain = new_elder(worker, COMMUNITY_A1, birth_date=dt.date(1960, 1, 1))
    quote = services.quote(actor=worker, elder=poor, item=WALKER, price_fen=50_000, on=today())
    # 80 % of 500 yuan is 400, capped at 200; the tier for 经济困难 pays a fixed 10 yuan.
    assert lines(quote) == [
        ("pays", "capped", 20000),
        ("pays", "meal-tiers", 1000),
        ("elder", "", 29000),
    ]
    with translation.override("en"):
        why = selectors.quote_present(quote)["lines"][0]["why"]
    assert "capped at 200 yuan per month" in why
    plain_id = id_number(dt.date(1960, 1, 1))
    plain = new_elder(worker, COMMUNITY_A1, id_number=plain_id)
    quote = services.quote(actor=worker, elder=plain, item=WALKER, price_fen=1000, on=today())
    # No tier matches: the tiered programme pays nothing and says why.
    assert lines(quote) == [
        ("pays", "capped", 800),
        ("not_eligible", "meal-tiers", 0),
        ("elder", "", 200),
    ]
    with translation.override("en"):
        why = selectors.quote_present(quote)["lines"][1]["why"]
    assert why.endswith("no tier for this elder's categories")


def test_a_payer_split_always_adds_up_to_the_fen(
    worker: Any, make_programme: Callable[..., Any]
) -> None:
    make_programme(
        "thirds",
        amount_rule={"type": "percentage", "percent_bp": 10000, "per": "month"},
        shares=[("futian-finance", 3333), ("yuanling-finance", 6667)],
        budget_fen=10_000_000,
    )
    elder = new_elder(worker, COMMUNITY_A1)
    for price in (1, 2, 7, 100, 9999, 12345):
        quote = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=price, on=today())
        line = quote.lines.get(position=0)
        assert sum(p["amount_fen"] for p in line.payer_split) == line.amount_fen == price


def test_budget_left_limits_the_amount_and_an_exhausted_budget_pays_nothing(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(
        "tight",
        amount_rule={"type": "percentage", "percent_bp": 10000, "per": "month"},
        budget_fen=5000,
    )
    elder = new_elder(worker, COMMUNITY_A1)
    first = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=3000, on=today())
    services.reserve(ctx=AuditContext(actor=worker), quote=first)
    second = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=3000, on=today())
    assert lines(second) == [("pays", "tight", 2000), ("elder", "", 1000)]
    services.reserve(ctx=AuditContext(actor=worker), quote=second)
    third = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=3000, on=today())
    assert lines(third) == [("pays", "tight", 0), ("elder", "", 3000)]
    with translation.override("en"):
        assert selectors.quote_present(third)["lines"][0]["why"].endswith(
            f"the {today().year} budget is used up"
        )
    [usage] = selectors.budget_usage(actor=officer, programme_id=programme.pk)
    assert (usage.amount_fen, usage.reserved_fen, usage.available_fen) == (5000, 5000, 0)


def test_yearly_limit_caps_then_stops_a_programme(
    worker: Any, make_programme: Callable[..., Any]
) -> None:
    make_programme(
        "yearly",
        amount_rule={"type": "percentage", "percent_bp": 10000, "per": "month"},
        yearly_limit_fen=2500,
        budget_fen=10_000_000,
    )
    elder = new_elder(worker, COMMUNITY_A1)
    ctx = AuditContext(actor=worker)
    services.reserve(
        ctx=ctx,
        quote=services.quote(actor=worker, elder=elder, item=WALKER, price_fen=2000, on=today()),
    )
    capped = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=2000, on=today())
    assert lines(capped) == [("pays", "yearly", 500), ("elder", "", 1500)]
    services.reserve(ctx=ctx, quote=capped)
    [outcome] = services.check_eligibility(actor=worker, elder=elder, item=WALKER, on=today())
    assert (outcome.eligible, outcome.decided_by) == (False, "yearly_limit")


def test_programmes_of_another_district_do_not_apply(
    worker: Any, other_worker: Any, programmes: dict[str, Any], assess: Callable[..., Any]
) -> None:
    luohu_elder = new_elder(other_worker, COMMUNITY_LUOHU, categories=["disabled"])
    outcomes = services.check_eligibility(
        actor=other_worker, elder=luohu_elder, item=WALKER, on=today()
    )
    # The city's LTC programme applies in Luohu; Futian's rental subsidy does not.
    assert [o.programme.code for o in outcomes] == ["sz-ltc-rental"]


def test_a_role_without_the_quote_right_is_refused(
    regions: None, worker: Any, programmes: dict[str, Any]
) -> None:
    from silvercare.common.testing import make_user

    assessor = make_user("assessor", "440304000000")
    elder = new_elder(worker, COMMUNITY_A1)
    with pytest.raises(DomainError) as refused:
        services.quote(actor=assessor, elder=elder, item=WALKER, price_fen=100, on=today())
    assert refused.value.status == 403
