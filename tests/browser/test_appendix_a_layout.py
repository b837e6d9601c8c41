"""Appendix A on a tablet (820 px) and a phone (390 px): the medication table (A.4.2) stays
inside the screen, every medicine can be typed in, and the save button can be tapped. The
fields the registry holds are prefilled, masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.assessments.models import Assessment
from silvercare.assessments.services import assessment_book
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from tests.browser.support import sign_in, ui_text

pytestmark = pytest.mark.browser


@pytest.fixture
def booked(worker: Any) -> tuple[Assessment, Any]:
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="秦淑华")
    assessor = testing.make_assessor(username="assessor_layout")
    assessment = assessment_book(
        ctx=AuditContext(actor=worker),
        elder=elder,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )
    return assessment, assessor


@pytest.mark.parametrize("width", [820, 390])
def test_medication_table_fits_and_saves(
    page: Page, booked: tuple[Assessment, Any], width: int
) -> None:
    assessment, assessor = booked
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, assessor.username)
    page.goto(f"/assessments/{assessment.pk}/step/A/")
    expect(page.locator("#f-A-2-1-value")).to_have_text("秦淑华")  # prefilled
    expect(page.locator("#f-A-2-8-value")).to_contain_text(assessment.elder.id_number_masked)

    table = page.locator("table.appendix-table")
    box = table.bounding_box()
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (width, box)
    # Every cell is a usable input inside the screen (on a phone each row is a card).
    cells = table.locator("input")
    for i in range(cells.count()):
        cell = cells.nth(i).bounding_box()
        assert cell is not None
        assert cell["x"] >= 0 and cell["x"] + cell["width"] <= width + 0.5, (width, i, cell)
        assert cell["width"] >= 120, (width, i, cell)
    cells.first.fill("阿司匹林")
    table.locator("input").nth(2).fill("100 mg")

    save = page.get_by_role("button", name=ui_text("Save"), exact=True)
    save_box = save.bounding_box()
    assert save_box is not None and save_box["x"] + save_box["width"] <= width + 0.5
    assert save_box["height"] >= 44
    save.click()
    expect(page.locator("main .messages")).to_contain_text(ui_text("Saved."))
    rows = Assessment.objects.get(pk=assessment.pk).forms["A.4.2"]
    assert rows == [{"A.4.2.1": "阿司匹林", "A.4.2.3": "100 mg"}]
