"""Issue 8, point 1: on a phone the header is one compact bar with a menu button (which works
with and without JavaScript), and the first elder of a search shows on the first screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from silvercare.common import testing
from tests.browser.support import sign_in, ui_text

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1366, "height": 900}


def test_the_phone_header_is_one_bar_and_the_first_elder_is_on_the_first_screen(
    page: Page, worker: Any
) -> None:
    for n in range(30):
        testing.make_elder(worker, name="王秀英" if n == 0 else f"李{'建国志强明华'[n % 6]}")
    page.set_viewport_size(PHONE)
    sign_in(page, worker.username)
    page.goto("/elders/?q=王秀英")

    header = page.get_by_role("banner").bounding_box()
    assert header is not None and header["height"] <= 64, header
    nav = page.get_by_role("navigation", name=ui_text("Main"))
    expect(nav).to_be_hidden()
    first = page.locator("#elder-table tbody tr").first.get_by_role("link", name="王秀英")
    box = first.bounding_box()
    assert box is not None and box["y"] + box["height"] <= PHONE["height"], box
    assert box["width"] >= 44 and box["height"] >= 44, box
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], width


def test_the_menu_button_opens_and_closes_the_navigation(page: Page, worker: Any) -> None:
    page.set_viewport_size(PHONE)
    sign_in(page, worker.username)
    button = page.get_by_role("button", name=ui_text("Menu"))
    nav = page.get_by_role("navigation", name=ui_text("Main"))
    expect(button).to_have_attribute("aria-expanded", "false")

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name=ui_text("Elders"), exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Enter")  # the keyboard opens it too
    nav.get_by_role("link", name=ui_text("Elders"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text("Elders"))

    page.set_viewport_size(DESKTOP)  # a wide screen shows the navigation, no button
    expect(button).to_be_hidden()
    expect(nav.get_by_role("link", name=ui_text("Elders"), exact=True)).to_be_visible()


def test_the_menu_works_without_javascript(browser: Browser, base_url: str, worker: Any) -> None:
    context = browser.new_context(
        base_url=base_url, locale="zh-CN", viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    sign_in(page, worker.username)
    nav = page.get_by_role("navigation", name=ui_text("Main"))
    expect(nav).to_be_hidden()
    toggle = page.get_by_role("checkbox", name=ui_text("Menu"))
    toggle.focus()
    page.keyboard.press("Space")
    expect(nav.get_by_role("link", name=ui_text("Elders"), exact=True)).to_be_visible()
    page.locator("label[for=menu-toggle]").click()  # the label, as a finger taps it
    expect(nav).to_be_hidden()
    context.close()
