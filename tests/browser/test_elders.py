"""Finding elders and registering one, as a community worker would."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from silvercare.audit.models import AuditAction, AuditEvent
from silvercare.common import testing
from silvercare.common.masking import mask_id_number
from silvercare.elders.models import Elder
from tests.browser.support import ui_ntext, ui_text

pytestmark = pytest.mark.browser


def _search(page: Page, query: str) -> None:
    box = page.get_by_label(ui_text("Name, pinyin initials, ID or phone"))
    box.fill(query)
    # htmx swaps the results in place: mark the current table to know when it is replaced.
    page.locator("#elder-table").evaluate("table => table.setAttribute('data-stale', '')")
    page.get_by_role("button", name=ui_text("Search"), exact=True).click()
    expect(page.locator("#elder-table:not([data-stale])")).to_be_visible()


def _expect_results(page: Page, names: list[str]) -> None:
    """The results table lists exactly these names (in any order) and says how many."""
    results = page.locator("#results")
    expect(
        results.get_by_text(
            ui_ntext("%(counter)s elder found", "%(counter)s elders found", len(names))
        )
    ).to_be_visible()
    rows = page.locator("#elder-table tbody tr")
    expect(rows).to_have_count(len(names) or 1)
    if not names:
        expect(rows).to_have_text(ui_text("No elder matches."))
        return
    links = rows.locator("td:first-child a")
    assert sorted(links.all_inner_texts()) == sorted(names)


def test_search_by_name_prefix_and_pinyin_initials_stays_in_my_street(
    worker_page: Page, worker: Any, other_worker: Any
) -> None:
    page = worker_page
    testing.make_elder(worker, testing.COMMUNITY_A1, name="王秀英", id_number=testing.id_number())
    testing.make_elder(worker, testing.COMMUNITY_A2, name="王建华", id_number=testing.id_number())
    testing.make_elder(worker, testing.COMMUNITY_A1, name="李建国", id_number=testing.id_number())
    # Same name, same initials, but in Luohu: the Futian worker must never see this person.
    testing.make_elder(
        other_worker,
        testing.COMMUNITY_LUOHU,
        name="王秀英",
        id_number=testing.id_number(place="440303"),
    )

    page.get_by_role("navigation").get_by_role("link", name=ui_text("Elders"), exact=True).click()
    _expect_results(page, ["王秀英", "王建华", "李建国"])
    expect(page.locator("#elder-table")).not_to_contain_text("桂木社区")

    _search(page, "王")
    _expect_results(page, ["王秀英", "王建华"])
    expect(page).to_have_url(re.compile(r"[?&]q=%E7%8E%8B"))  # the search can be bookmarked

    _search(page, "wxy")
    _expect_results(page, ["王秀英"])
    expect(page.locator("#elder-table")).to_contain_text("华富社区")
    expect(page.locator("#elder-table")).not_to_contain_text("桂木社区")

    _search(page, "LJG")
    _expect_results(page, ["李建国"])

    _search(page, "zz")
    _expect_results(page, [])

    # The Luohu record is not reachable by its address either.
    luohu = Elder.objects.get(region_id=testing.COMMUNITY_LUOHU)
    page.goto(f"/elders/{luohu.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text("Not found"))
    expect(page.get_by_role("main")).not_to_contain_text("王秀英")


def test_register_with_a_bad_id_then_correct_it_and_reveal(worker_page: Page, worker: Any) -> None:
    page = worker_page
    good_id = testing.id_number(dt.date(1948, 5, 20), male=False)
    bad_id = good_id[:17] + ("1" if good_id[17] != "1" else "2")
    before = Elder.objects.count()

    page.get_by_role("link", name=ui_text("Register an elder")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text("Register an elder"))
    page.get_by_role("textbox", name=ui_text("Name"), exact=True).fill("张桂兰")
    id_box = page.get_by_role("textbox", name=ui_text("ID card number"), exact=True)
    id_box.fill(bad_id)
    page.get_by_role("textbox", name=ui_text("Phone"), exact=True).fill("13912345678")
    page.get_by_role("combobox", name=ui_text("Community"), exact=True).select_option(
        testing.COMMUNITY_A2
    )
    # Facts that decide services start empty and must be chosen (issue 8).
    page.get_by_role("combobox", name=ui_text("Hukou type"), exact=True).select_option(
        "local_urban"
    )
    page.get_by_role("combobox", name=ui_text("Living situation"), exact=True).select_option(
        "spouse"
    )
    page.get_by_role("button", name=ui_text("Save")).click()

    message = ui_text("The check digit of the ID number is wrong; please re-check it.")
    expect(page.locator("#form-errors")).to_have_text(
        ui_text("Please correct the fields marked below.")
    )
    # The summary takes the focus and links to the field (issue 8).
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    summary.get_by_role("link").click()
    expect(id_box).to_be_focused()
    id_field = page.locator(".field", has=id_box)
    expect(id_field.locator(".errorlist")).to_have_text(message)
    expect(id_box).to_have_attribute("aria-invalid", "true")
    expect(id_box).to_have_accessible_description(re.compile(re.escape(message)))
    expect(id_box).to_have_value(bad_id)
    expect(page.get_by_role("textbox", name=ui_text("Name"), exact=True)).to_have_value(
        "张桂兰"
    )  # nothing to retype
    # Only the ID is wrong: no other field is marked.
    expect(page.locator(".field.has-error")).to_have_count(1)
    assert Elder.objects.count() == before

    id_box.fill(good_id)
    page.get_by_role("button", name=ui_text("Save")).click()

    expect(page).to_have_url(re.compile(r"/elders/[0-9a-f-]{36}/$"))
    elder = Elder.objects.get(name="张桂兰")
    expect(page).to_have_url(f"/elders/{elder.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("张桂兰")
    expect(page.get_by_role("status").first).to_contain_text(
        ui_text("%(name)s was registered.", name="张桂兰")
    )
    masked = mask_id_number(good_id)
    assert masked == good_id[:2] + "*" * 15 + good_id[-1:]
    expect(page.locator("#id-number")).to_have_text(masked)
    expect(page.locator("#phone")).to_have_text("139****5678")
    expect(page.locator("body")).not_to_contain_text(good_id)
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_PII).exists()

    page.get_by_role("button", name=ui_text("Show full personal data (this is recorded)")).click()

    expect(page.locator("#id-number")).to_have_text(good_id)
    expect(page.locator("#phone")).to_have_text("13912345678")
    expect(page.locator("#personal").get_by_role("status")).to_have_text(
        ui_text("Full personal data is shown; this view was recorded in the audit trail.")
    )
    views = AuditEvent.objects.filter(
        action="view_pii", entity_type="elder", entity_id=str(elder.pk), actor=worker
    )
    assert views.count() == 1
    assert Elder.objects.count() == before + 1
