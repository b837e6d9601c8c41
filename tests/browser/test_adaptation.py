"""A community worker opens a home adaptation case from the elder's page, fills in the
hazard checklist with two hazards, plans the suggested items and a free one, and finishes
the plan: the subsidy quote shows who pays what and why. On a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.models import AdaptationCase
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser
HAZARDS = ("bath_toilet_bars", "floor_slip")


def _programme() -> None:
    """Futian's home-adaptation subsidy: 80 % for economically difficult elders."""
    from silvercare.subsidies import services as subsidies

    officer = testing.make_user("civil_affairs", "440304000000", "adaptation_browser_officer")
    ctx = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=ctx,
        code="ft-fin",
        name="福田区财政局",
        kind="district_finance",
        region_code="440304000000",
    )
    programme = subsidies.programme_create(
        ctx=ctx,
        code="ft-adaptation",
        name="福田区居家适老化改造补贴",
        region_code="440304000000",
        version=subsidies.VersionValues(
            valid_from=dt.date(2020, 1, 1),
            eligibility_rule='"econ_difficult" in categories',
            item_kinds=["service"],
            item_codes=["home_adaptation"],
            amount_rule={"type": "percentage", "percent_bp": 8000},
            budgeted=False,
            shares=[("ft-fin", 10000)],
        ),
    )
    subsidies.version_publish(ctx=ctx, version=programme.versions.get())


def test_a_worker_opens_a_case_fills_the_checklist_and_plans(
    page: Page, login_as: Callable[[Any], Page], worker: Any
) -> None:
    page.set_default_timeout(30_000)  # a shared, busy machine: slow is not broken here
    login_as(worker)
    _programme()
    elder = testing.make_elder(
        worker, testing.COMMUNITY_A1, name="陈淑芬", categories=["econ_difficult"]
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/elders/{elder.pk}/")
    page.locator("#adaptation-open").click()
    page.locator("#id_assessed_on").fill(timezone.localdate().isoformat())
    page.locator("#open-case").click()
    expect(page.locator("#case-status")).to_have_text(ui_text("Home assessed"))

    # Finishing the plan before the checklist is refused with the reason.
    page.locator("#do-plan").click()
    expect(page.locator("#case-errors")).to_contain_text(
        ui_text("Add at least one item to the plan.")
    )

    for question in checklist().questions:
        answer = "hazard" if question.code in HAZARDS else "ok"
        page.locator(f'input[name="q_{question.code}"][value="{answer}"]').check()
    page.locator("#n_floor_slip").fill("卫生间瓷砖湿滑")
    page.locator("#save-checklist").click()
    expect(page.locator("#suggested")).to_contain_text("R13")
    expect(page.locator("#suggested")).to_contain_text("R01")

    page.locator("#add-item summary").click()
    page.locator("#id_code").select_option("R13")
    page.locator("#id_quantity").fill("2")
    page.locator("#add-item-button").click()
    expect(page.locator("#plan-table")).to_contain_text("安装扶手（如厕洗浴）")
    page.locator("#add-item summary").click()
    page.locator("#id_name").fill("淋浴区防滑垫")
    page.locator("#id_quantity").fill("2")
    page.locator("#id_unit_price").fill("45.50")
    page.locator("#add-item-button").click()
    expect(page.locator("#items-total")).to_have_text("491.00")

    page.locator("#do-plan").click()
    expect(page.locator("#case-status")).to_have_text(ui_text("Planned"))
    # The subsidies quote component: 80 % of 491 yuan, the elder pays 98.20 yuan.
    expect(page.locator("#elder-pays")).to_have_text("98.20")
    expect(page.locator(".quote")).to_contain_text("福田区居家适老化改造补贴")
    case = AdaptationCase.objects.get(elder=elder)
    assert (case.status, case.total_fen, case.subsidy_fen) == ("planned", 49_100, 39_280)
    assert case.answers.filter(answer="hazard").count() == 2
