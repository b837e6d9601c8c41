"""Elder canteens in the browser: a community worker orders tomorrow's lunch for an elder
from the elder page (the subsidy and co-pay with their reasons, the pick-up QR code), and
at lunch time the canteen's admin serves it on a phone by the elder's meal-card number —
once; the same card again is refused with the time it was served."""

# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.audit.services import AuditContext
from silvercare.canteens import services
from silvercare.canteens.models import MealOrder
from silvercare.canteens.tests.conftest import (  # noqa: F401 - fixtures
    admin,
    canteen,
    day,
    elder,
    menu,
    officer,
    programmes,
)
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def patient(page: Page) -> None:
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)


def test_order_a_meal_and_serve_it_at_phone_width(
    page: Page,
    login_as: Any,
    worker: Any,
    admin: Any,
    canteen: Any,
    menu: Any,
    elder: Any,
    programmes: Any,
    day: dt.date,
) -> None:
    card = services.meal_card_issue(ctx=AuditContext(actor=worker), elder=elder)
    page.set_viewport_size(PHONE)
    login_as(worker)
    page.goto(f"/elders/{elder.pk}/")
    expect(page.locator("#meal-card")).to_have_text(card.number)
    page.locator("#meal-order").click()
    page.get_by_label(ui_text("Day")).fill(day.isoformat())
    page.get_by_label(ui_text("How")).select_option("pick_up")
    page.locator("#place-meal").click()
    expect(page.locator("#order-status")).to_contain_text(ui_text("Placed"))
    expect(page.locator("#subsidy")).to_have_text("10")  # 特困 8 yuan + own street 2 yuan
    expect(page.locator("#copay")).to_have_text("5")
    expect(page.locator("#elder-pays")).to_have_text("5")
    expect(page.locator("#pickup-qr svg")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    order = MealOrder.objects.get(elder=elder)
    assert (order.day, order.mode, order.status) == (day, "pick_up", "placed")

    lunch = dt.datetime.combine(day, dt.time(11, 40), tzinfo=timezone.get_current_timezone())
    with time_machine.travel(lunch, tick=True):
        page.context.clear_cookies()
        login_as(admin)
        page.goto(f"/canteens/{canteen.pk}/day/")
        expect(page.locator("#day-orders")).to_contain_text(elder.name)
        box = page.locator("#serve").bounding_box()
        assert box is not None and box["height"] >= 44
        page.get_by_label(ui_text("Card number or QR code")).fill(card.number)
        page.locator("#serve").click()
        expect(page.locator(".messages")).to_contain_text(elder.name)
        expect(page.locator("#day-orders")).to_contain_text(ui_text("Served"))
        page.get_by_label(ui_text("Card number or QR code")).fill(card.number)
        page.locator("#serve").click()
        expect(page.locator(".messages")).to_contain_text("11:4")
        page.get_by_label(ui_text("Card number or QR code")).fill("0000000000")
        page.locator("#serve").click()
        expect(page.locator(".messages")).to_contain_text(
            ui_text("No meal order matches this code. Check the card number or scan again.")
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    order.refresh_from_db()
    assert order.status == "served"


SMALL_TARGETS = """() => {
  const out = [];
  const selector = 'main a[href], main button, main input:not([type=hidden]), main select';
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility()) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let h = r.height;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      for (const l of el.labels || []) h = Math.max(h, l.getBoundingClientRect().height);
    }
    const p = el.closest('p');
    if (el.tagName === 'A' && p && p.textContent.replace(el.textContent, '').trim().length > 1
        && getComputedStyle(el).display === 'inline') continue;
    if (h < 44) out.push(el.outerHTML.slice(0, 80) + ' ' + Math.round(h));
  }
  return out;
}"""


def test_canteen_pages_fit_a_phone_and_pass_axe(
    page: Page,
    login_as: Any,
    worker: Any,
    admin: Any,
    officer: Any,
    canteen: Any,
    menu: Any,
    elder: Any,
    programmes: Any,
    day: dt.date,
) -> None:
    from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]

    from tests.browser.support import axe_blocking, axe_report

    order = services.meal_order_place(
        ctx=AuditContext(actor=worker),
        elder=elder,
        canteen=canteen,
        day=day,
        meal="lunch",
        mode="dine_in",
    )
    axe = Axe()
    page.set_viewport_size(PHONE)
    pages = {
        worker: [f"/canteens/order/{elder.pk}/", f"/elders/{elder.pk}/", "/canteens/"],
        admin: [
            f"/canteens/{canteen.pk}/",
            f"/canteens/{canteen.pk}/menu/?day={day.isoformat()}&meal=lunch",
            f"/canteens/{canteen.pk}/day/?day={day.isoformat()}",
            f"/canteens/orders/{order.pk}/",
        ],
        officer: ["/canteens/new/", f"/canteens/{canteen.pk}/settlement/?month={day.isoformat()}"],
    }
    problems: list[str] = []
    for user, urls in pages.items():
        page.context.clear_cookies()
        login_as(user)
        for url in urls:
            page.goto(url)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                problems.append(f"{url}: {width} px wide")
            problems += [f"{url}: {t}" for t in page.evaluate(SMALL_TARGETS)]
            blocking = axe_blocking(axe.run(page).response["violations"])
            if blocking:
                problems.append(axe_report(url, blocking))
    assert not problems, "\n".join(problems)
