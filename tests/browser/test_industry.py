"""An enterprise user files the quarterly statistics report of their own enterprise on a
phone-sized screen: the form refuses export revenue above revenue on the spot, on its field;
corrected, the report is submitted, and the district officer approves it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.industry import services
from silvercare.industry.models import Report
from silvercare.industry.tests.conftest import credit_code
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser


def test_an_enterprise_files_its_report_and_the_district_approves(
    login_as: Any, page: Page, regions: None
) -> None:
    officer = testing.make_user("civil_affairs", "440304000000", "industry_district_browser")
    member = testing.make_user("enterprise", "440300000000", "industry_member_browser")
    ctx = AuditContext(actor=officer, via="test")
    enterprise = services.enterprise_register(
        ctx=ctx,
        credit_code=credit_code(321),
        name="园岭智慧养老科技有限公司",
        region_code=testing.STREET_A,
        category_code="07",
        sectors=["smart"],
    )
    services.enterprise_member_add(ctx=ctx, enterprise=enterprise, user=member)

    login_as(member)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/industry/")
    page.locator("#my-enterprises").get_by_role("link", name=enterprise.name).click()
    page.locator("a.file-report").first.click()
    page.locator("#id_revenue").fill("800")
    page.locator("#id_export_revenue").fill("900")
    page.locator("#id_silver_revenue").fill("500")
    page.locator("#id_employees").fill("35")
    page.locator("#submit-report").click()
    expect(page.locator("#id_export_revenue_error")).to_contain_text(
        "出口收入不能大于营业收入" if ui_text("Filed by") != "Filed by" else "Export revenue"
    )
    assert Report.objects.count() == 0

    page.locator("#id_export_revenue").fill("120")
    page.locator("#submit-report").click()
    expect(page.locator("#report-status")).to_contain_text(ui_text("Submitted"))
    report = Report.objects.get()
    assert (report.status, report.values["export_revenue"]) == ("submitted", 120.0)

    page.context.clear_cookies()
    login_as(officer)
    page.goto("/industry/reports/approvals/")
    page.locator(".report-table a").first.click()
    page.locator("#approve-report").click()
    expect(page.locator("#report-status")).to_contain_text(ui_text("Approved by the district"))
    expect(page.locator("#report-history")).to_contain_text("industry_district_browser")
    report.refresh_from_db()
    assert report.status == "district_approved"
