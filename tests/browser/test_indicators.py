"""The city's civil-affairs officer opens the indicator dashboard on a phone, sees the
nursing-bed share beside the target that binds elsewhere, drills down from the city to Futian
and on to a street, switches to the quarter, and downloads the table and the analysis
report."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.audit.services import AuditContext
from silvercare.common import periods, testing
from silvercare.indicators.services import figures_refresh
from silvercare.industry import services as industry
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser


def test_the_officer_drills_down_from_the_city_to_a_street(
    login_as: Any, page: Page, regions: None
) -> None:
    officer = testing.make_user("civil_affairs", "440300000000", "indicators_city_browser")
    ctx = AuditContext(actor=officer, via="test")
    for street, beds, nursing in ((testing.STREET_A, 100, 60), (testing.STREET_B, 50, 20)):
        industry.facility_register(
            ctx=ctx,
            kind="institution",
            name=f"颐养院{street[-4:]}",
            region_code=street,
            beds=beds,
            nursing_beds=nursing,
        )
    figures_refresh()

    login_as(officer)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/indicators/")
    card = page.locator("#ind-nursing_bed_share")
    expect(card.locator(".value")).to_contain_text("53.3%")  # 80 of 150 beds in Shenzhen
    expect(card).to_contain_text("江门市")  # the target that binds elsewhere, as a reference

    page.locator("#areas").get_by_role("link", name="福田区").click()
    expect(page.locator("h1")).to_contain_text("福田区")
    expect(page.locator("#trail")).to_contain_text("深圳市")
    page.locator("#areas").get_by_role("link", name="园岭街道").click()
    expect(page.locator("#ind-nursing_bed_share .value")).to_contain_text("60.0%")

    with page.expect_download() as download:
        page.locator("#export").click()
    assert download.value.suggested_filename.startswith("indicators-440304001000-")

    # The same street by quarter: the figure is the quarter's, the report is the quarter's.
    quarter = periods.code_of("quarter", timezone.localdate())
    page.locator("#kinds").get_by_role("link", name=ui_text("Quarter")).click()
    expect(page.locator("#period")).to_have_value(quarter)
    expect(page.locator("#ind-nursing_bed_share .value")).to_contain_text("60.0%")
    with page.expect_download() as report:
        page.locator("#report-pdf").click()
    assert report.value.suggested_filename == f"indicators-440304001000-{quarter}.pdf"
    with open(report.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    expect(page.locator("#refresh-status")).not_to_contain_text(
        ui_text("The figures have not been computed yet.")
    )
