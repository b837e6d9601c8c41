"""Defining a subsidy programme and seeing a quote, as a district officer and a consultant
would: the rule editor checks the rule in place, the programme is published with a budget,
and the quote for a disabled elder splits a walker's rent with a "why" for each line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.subsidies import services
from tests.browser.support import sign_in, ui_text

pytestmark = pytest.mark.browser
FUTIAN = "440304000000"


@pytest.fixture
def officer(regions: None) -> Any:
    """A Futian civil-affairs officer, with the district's and the street's finance."""
    user = testing.make_user("civil_affairs", FUTIAN, "futian_officer")
    ctx = AuditContext(actor=user, via="test")
    services.payer_create(
        ctx=ctx,
        code="futian-finance",
        name="福田区财政",
        kind="district_finance",
        region_code=FUTIAN,
    )
    services.payer_create(
        ctx=ctx,
        code="yuanling-finance",
        name="园岭街道财政",
        kind="street_finance",
        region_code=testing.STREET_A,
    )
    return user


def _pick(page: Page, label: str, value: str) -> None:
    page.get_by_role("combobox", name=ui_text(label), exact=True).select_option(value)


def test_an_officer_defines_a_programme_and_a_consultant_sees_the_quote(
    page: Page, officer: Any, worker: Any
) -> None:
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="张桂芳", categories=["disabled"])
    sign_in(page, officer.username)
    page.get_by_role("navigation").get_by_role("link", name=ui_text("Subsidies")).click()
    page.get_by_role("link", name=ui_text("New programme")).click()

    page.locator("#id_code").fill("ft-rental-2027")
    page.locator("#id_name").fill("福田区残疾老人辅具租赁补贴")
    _pick(page, "Area", FUTIAN)
    page.get_by_label(ui_text("Valid from")).fill(f"{timezone.localdate().year}-01-01")
    rule = page.get_by_label(ui_text("Eligibility rule"))
    # A rule naming a fact that does not exist is caught in place, with its position.
    rule.fill("level >= 2 || certificate")
    page.get_by_role("button", name=ui_text("Check the rule")).click()
    expect(page.locator("#rule-check")).to_contain_text("certificate")
    expect(page.locator("#rule-check")).to_contain_text("15")
    rule.fill("level >= 2 || has_disability_certificate")
    page.get_by_role("button", name=ui_text("Check the rule")).click()
    expect(page.locator("#rule-check")).to_contain_text("has_disability_certificate")
    page.get_by_label(ui_text("Device rental")).check()
    _pick(page, "Amount", "percentage")
    page.get_by_role("spinbutton", name=ui_text("Percentage"), exact=True).fill("80")
    page.get_by_label(ui_text("Cap per unit (yuan)")).fill("200")
    _pick(page, "Unit", "month")
    for n, payer in ((1, "futian-finance"), (2, "yuanling-finance")):
        page.get_by_role("combobox", name=ui_text("Payer %(n)s", n=n), exact=True).select_option(
            payer
        )
        page.get_by_label(ui_text("Share %(n)s (%%)", n=n)).fill("50")
    page.get_by_role("button", name=ui_text("Save as draft")).click()

    expect(page).to_have_url(re.compile(r"/subsidies/programmes/\d+/$"))
    page.get_by_role("button", name=ui_text("Publish v%(n)s", n=1)).click()
    expect(page.locator(".messages")).to_contain_text(ui_text("Version %(n)s is live.", n=1))

    page.goto("/subsidies/budgets/")
    page.get_by_role("combobox", name=ui_text("Programme"), exact=True).select_option(
        label="福田区残疾老人辅具租赁补贴"
    )
    page.get_by_label(ui_text("Area code")).fill(FUTIAN)
    page.get_by_label(ui_text("Amount (yuan)")).fill("1200000")
    page.get_by_role("button", name=ui_text("Save the budget")).click()
    expect(page.locator(".budget-table")).to_contain_text("1,200,000")
    expect(page.locator("#budget-chart canvas")).to_have_count(1)  # the usage chart drew

    # The street's consultant quotes a walker's monthly rent from the elder's page.
    consultant = testing.make_user("at_consultant", FUTIAN, "futian_consultant")
    page.context.clear_cookies()
    sign_in(page, consultant.username)
    page.goto(f"/elders/{elder.pk}/")
    page.get_by_role("link", name=ui_text("Subsidy quote")).click()
    _pick(page, "Item kind", "device_rental")
    page.get_by_label(ui_text("Item code")).fill("walker")
    page.get_by_role("textbox", name=ui_text("Item"), exact=True).fill("助行器")
    page.get_by_label(ui_text("Price of one unit (yuan)")).fill("60")
    page.get_by_role("button", name=ui_text("Quote"), exact=True).click()

    quote = page.locator(".quote")
    expect(quote.get_by_role("heading")).to_contain_text("60")
    expect(page.locator("#elder-pays")).to_have_text("12")
    paying = quote.locator("tr.pays")
    expect(paying).to_have_count(1)
    expect(paying).to_contain_text("福田区残疾老人辅具租赁补贴")
    expect(paying).to_contain_text("48")
    expect(paying).to_contain_text("福田区财政 24")
    expect(paying).to_contain_text("园岭街道财政 24")
    # The why-line names what decided it: the certificate and the budget left.
    expect(paying).to_contain_text(ui_text("holds a disability certificate"))
    expect(paying).to_contain_text(ui_text("budget left %(amount)s yuan", amount="1,200,000"))
