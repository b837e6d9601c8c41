"""Home care in the browser: a caregiver's day on a phone (the route, check-in and
check-out with the phone's position, the checklist), and a provider admin planning
tomorrow with one click (routes with arrival times, the chart, what could not be placed)."""

# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.utils import timezone, translation
from playwright.sync_api import Page, expect

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, make_elder
from silvercare.homecare import services
from silvercare.homecare.models import ServiceType, Visit
from silvercare.homecare.reasons import reason_text
from silvercare.homecare.tests.conftest import (  # noqa: F401 - fixtures
    actx,
    admin,
    bathing,
    caregiver_user,
    caregivers,
    officer,
    provider,
    tomorrow,
)
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


@pytest.fixture(autouse=True)
def service_catalogue(transactional_db: None) -> None:
    """The live server's database is emptied between tests, the seeded catalogue with it."""
    from django.apps import apps

    seed = importlib.import_module("silvercare.homecare.migrations.0002_seed_service_types").seed
    seed(apps, None)


@pytest.fixture(autouse=True)
def patient(page: Page) -> None:
    """A busy shared machine: give pages longer than the default ten seconds."""
    page.set_default_timeout(30_000)
    page.set_default_navigation_timeout(60_000)


def _order(worker: Any, admin: Any, provider: Any, code: str, day: dt.date, **values: Any) -> Any:
    person = make_elder(worker, COMMUNITY_A1, **values)
    order = services.order_create(
        ctx=AuditContext(actor=worker),
        elder=person,
        service_type=ServiceType.objects.get(code=code),
        provider=provider,
        first_date=day,
        window_start=480,
        window_end=1200,
    )
    services.order_accept(ctx=AuditContext(actor=admin), order=order)
    return order


def test_a_caregivers_day_on_a_phone(
    page: Page,
    login_as: Any,
    worker: Any,
    admin: Any,
    provider: Any,
    caregivers: list[Any],
    caregiver_user: Any,
) -> None:
    order = _order(
        worker,
        admin,
        provider,
        "bathing",
        timezone.localdate(),
        name="孙阿婆",
        latitude=22.551,
        longitude=114.091,
    )
    Visit.objects.filter(order=order).update(
        status="scheduled", caregiver=caregivers[0], sequence=1, planned_arrival=600
    )
    page.set_viewport_size(PHONE)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 22.5512, "longitude": 114.0911})
    login_as(caregiver_user)
    page.goto("/care/today/")
    route = page.locator("#my-route")
    expect(route).to_contain_text("孙阿婆")
    expect(route).to_contain_text("10:00")
    route.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("孙阿婆")
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The position is taken by the page's script: click once it has loaded (a click before
    # that submits without a position, and the visit is rightly flagged "no location").
    page.wait_for_load_state("load")
    page.locator("#check-in").click()
    expect(page.locator("#visit-status")).to_have_text(ui_text("In progress"))
    expect(page.locator("#check-in-distance")).to_contain_text(" m")
    page.get_by_label("调节水温").check()
    page.get_by_label("协助洗浴").check()
    page.locator("#notes").fill("皮肤完好")
    page.wait_for_load_state("load")
    page.locator("#check-out").click()
    expect(page.locator("#visit-status")).to_have_text(ui_text("Completed"))
    visit = Visit.objects.get(order=order)
    assert visit.status == "completed"
    assert visit.check_in_distance_m is not None and visit.check_in_distance_m < 50
    assert visit.checklist_done == ["调节水温", "协助洗浴"]
    assert "far_from_home" not in visit.flags  # at the home; only far too short is flagged
    assert visit.flags == ["too_short"]


def test_an_admin_plans_tomorrow_with_one_click(
    page: Page,
    login_as: Any,
    worker: Any,
    admin: Any,
    provider: Any,
    caregivers: list[Any],
    tomorrow: dt.date,
) -> None:
    for n, lat in enumerate((22.551, 22.553, 22.556)):
        _order(
            worker,
            admin,
            provider,
            "cleaning",
            tomorrow,
            name=f"老人{n}",
            latitude=lat,
            longitude=114.092,
        )
    _order(
        worker,
        admin,
        provider,
        "escort",
        tomorrow,
        name="陪诊老人",
        latitude=22.55,
        longitude=114.09,
    )
    login_as(admin)
    page.goto(f"/care/providers/{provider.pk}/plan/?date={tomorrow.isoformat()}")
    page.locator("#plan-day").click()
    expect(page.locator("#plan-summary")).to_be_visible()
    expect(page.locator("#route-chart canvas")).to_have_count(1)
    expect(page.locator("table.route").first).to_contain_text(":")
    unassigned = page.locator("#unassigned")
    expect(unassigned).to_contain_text("陪诊老人")
    with translation.override("zh-hans"):
        expect(unassigned).to_contain_text(reason_text("skill:escort"))
    assert Visit.objects.filter(date=tomorrow, status="scheduled").count() == 3
