"""A district officer draws a random inspection (双随机一公开) and verifies it; an inspector
records the result on a phone; the officer publishes it and anyone reads it without signing
in, with the seed to re-run the draw."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.common import testing
from silvercare.supervision.models import InspectionDraw
from silvercare.supervision.tests.conftest import FUTIAN, make_enterprise
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser


def test_a_draw_is_made_verified_inspected_and_published(login_as: Any, regions: None) -> None:
    officer = testing.make_user("civil_affairs", FUTIAN, "sv_browser_officer")
    firm = make_enterprise(officer, "园岭颐康养老服务有限公司")
    inspector = testing.make_user("inspector", "440300000000", "sv_browser_insp1")
    testing.make_user("inspector", testing.STREET_B, "sv_browser_insp2")

    page: Page = login_as(officer)
    page.goto("/supervision/draws/")
    page.locator("#new-draw").click()
    page.locator("#id_title").fill("福田区养老企业双随机抽查")
    page.locator("#id_region_code").select_option(FUTIAN)
    page.locator('input[name="kinds"][value="enterprise"]').check()
    page.locator("#id_default_percent").fill("5")
    page.locator("#save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("福田区养老企业双随机抽查")
    expect(page.locator("#inspection-table")).to_contain_text(firm.name)
    draw = InspectionDraw.objects.get()
    expect(page.locator("#draw-seed")).to_have_text(draw.seed)
    page.locator("#verify").click()
    expect(page.locator("#verify-result")).to_contain_text(ui_text("Match"))

    # The city inspector on a phone.
    page.context.clear_cookies()
    page = login_as(inspector)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/supervision/inspections/mine/")
    page.get_by_role("link", name=firm.name).click()
    page.locator("#id_outcome").select_option("correction")
    page.locator("#id_inspected_on").fill(timezone.localdate().isoformat())
    page.locator("#id_findings").fill("灭火器过期两具，护理记录缺页。")
    page.locator("#record-result").click()
    expect(page.locator(".error-summary")).to_contain_text(
        ui_text("Set the date by which the correction is due.")
    )
    page.locator("#id_correction_deadline").fill(timezone.localdate().isoformat())
    page.locator("#record-result").click()
    expect(page.locator("#inspection-outcome")).to_have_text(ui_text("Correction required"))

    page.context.clear_cookies()
    page = login_as(officer)
    page.goto(f"/supervision/draws/{draw.pk}/")
    page.locator("#publish").click()
    expect(page.locator("#inspection-table")).to_contain_text(ui_text("Correction required"))

    # Anyone, signed out.
    page.context.clear_cookies()
    page.goto("/supervision/public/inspections/")
    page.get_by_role("link", name="福田区养老企业双随机抽查").click()
    expect(page.locator("#result-table")).to_contain_text(firm.name)
    expect(page.locator("#result-table")).to_contain_text("灭火器过期两具")
    expect(page.locator("#draw-seed")).to_have_text(draw.seed)
    with page.expect_download() as download:
        page.locator("#download").click()
    assert download.value.suggested_filename == f"draw-{draw.pk}.json"
