"""A community worker schedules a family-caregiver course in the community centre, enrols
people and records attendance, on a phone-sized screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.common import testing
from silvercare.training.models import Enrolment
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser


def test_a_worker_schedules_a_course_and_records_attendance(worker_page: Page, worker: Any) -> None:
    page = worker_page
    testing.make_user("caregiver", testing.STREET_A, "daughter_li")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/training/")
    page.get_by_role("link", name=ui_text("New course")).first.click()
    page.locator("#id_title").fill("居家转移与防跌倒")
    page.locator("#id_audience").select_option("family")
    page.locator("#id_region_code").select_option(testing.STREET_A)
    page.locator("#id_hours").fill("12")
    page.locator("#id_leads_to").select_option("family_caregiver")
    page.locator("#save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("居家转移与防跌倒")

    page.locator("#schedule").click()
    now = timezone.localtime()
    start = now - dt.timedelta(hours=1)
    page.locator("#id_region_code").select_option(testing.COMMUNITY_A1)
    page.locator("#id_place").fill("华富社区党群服务中心")
    page.locator("#id_starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
    # An end before the start is refused on the form, with the reason.
    page.locator("#id_ends_at").fill((start - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#id_trainer").fill("刘芳")
    page.locator("#id_capacity").fill("1")
    page.locator("#save").click()
    expect(page.locator(".error-summary")).to_contain_text(
        ui_text("The session must end after it starts.")
    )
    page.locator("#id_ends_at").fill((now + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.locator("#save").click()
    expect(page.locator("#places")).to_contain_text("0 / 1")

    page.locator("#id_username").fill("daughter_li")
    page.get_by_role("button", name=ui_text("Enrol"), exact=True).click()
    expect(page.locator("#enrolled-table")).to_contain_text("daughter_li")
    expect(page.locator("#places")).to_contain_text("1 / 1")

    page.get_by_role(
        "button", name=ui_text("Record that %(name)s attended", name="daughter_li")
    ).click()
    expect(page.locator("#enrolled-table")).to_contain_text(ui_text("yes"))
    assert Enrolment.objects.get(person_name="daughter_li").attended_at is not None
    # The freshly scheduled course shows in the list of coming sessions.
    page.goto("/training/courses/")
    expect(page.locator("body")).to_contain_text("华富社区党群服务中心")
