"""Simplified Chinese by default; the language selector switches to English."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_playwright.pytest_playwright import CreateContextCallback

from tests.browser.support import chinese_catalogue, has_cjk, sign_in, ui_text

pytestmark = pytest.mark.browser

NAV_ITEMS = ["Home", "Elders", "Import", "Audit trail", "API tokens"]


def _nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name=ui_text("Main", page_language(page)))


def page_language(page: Page) -> str:
    lang = page.locator("html").get_attribute("lang") or ""
    return "en" if lang == "en" else "zh-hans"


@pytest.mark.browser_context_args(locale="fr-FR")
def test_chinese_is_the_default_for_other_browser_languages(page: Page) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    # Django's own strings are translated already: the password label is Chinese.
    password_label = page.locator("label[for=id_password]")
    expect(password_label).to_contain_text(ui_text("Password"))
    assert has_cjk(password_label.inner_text())


def test_switch_to_english_with_the_language_selector(
    new_context: CreateContextCallback, worker: Any
) -> None:
    # Scripts off: the selector's own Switch button must work (app.js only adds auto-submit).
    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, worker.username)
    page.goto("/elders/?q=wxy")

    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    assert chinese_catalogue().exists(), "SilverCare's Chinese catalogue is missing"
    nav = _nav(page)
    for item in NAV_ITEMS:
        chinese = ui_text(item)
        assert chinese != item, f"no Chinese translation for {item!r}"
        expect(nav.get_by_role("link", name=chinese, exact=True)).to_be_visible()
        expect(nav.get_by_role("link", name=item, exact=True)).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text("Elders"))
    expect(page.locator("#language-select")).to_have_value("zh-hans")

    page.get_by_role("combobox", name=ui_text("Language")).select_option("en")
    page.get_by_role("button", name=ui_text("Switch"), exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url("/elders/?q=wxy")  # back on the same page, same search
    expect(page.locator("#language-select")).to_have_value("en")
    nav = _nav(page)
    for item in NAV_ITEMS:
        expect(nav.get_by_role("link", name=item, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Elders")
    expect(page.get_by_role("textbox", name="Name, pinyin initials, ID or phone")).to_have_value(
        "wxy"
    )
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice sticks
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {worker.username}")
    expect(page.get_by_role("region", name="Your roles")).to_contain_text(
        "Street / community worker"
    )

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.locator("label[for=id_password]")).to_contain_text("Password")
