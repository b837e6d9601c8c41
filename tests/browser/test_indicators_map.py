"""The city's civil-affairs officer opens the service map from the indicator dashboard on a
phone: Leaflet draws the service points with their circles and the communities inside and
outside them on a plain background, the table lists the communities outside every circle,
and nothing is fetched from any other host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Page, Request, expect

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.industry import services as industry
from tests.browser.support import axe_blocking, axe_report, ui_text

pytestmark = pytest.mark.browser

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
OVERFLOW_JS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_officer_sees_the_service_circles_and_the_communities_outside_them(
    login_as: Any, page: Page, regions: None
) -> None:
    officer = testing.make_user("civil_affairs", "440300000000", "indicators_map_browser")
    ctx = AuditContext(actor=officer, via="test")
    # A day-care centre at the first community of street A (the second is 700 m away); an
    # institution, which anchors no circle, beside the community of street B (1.5 km).
    industry.facility_register(
        ctx=ctx,
        kind="day_care",
        name="华富日间照料中心",
        region_code=testing.COMMUNITY_A1,
        latitude=22.551,
        longitude=114.091,
    )
    industry.facility_register(
        ctx=ctx,
        kind="institution",
        name="南园颐养院",
        region_code=testing.STREET_B,
        latitude=22.5412,
        longitude=114.0812,
        beds=80,
    )
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    console_errors: list[str] = []
    page.on(
        "console", lambda message: message.type == "error" and console_errors.append(message.text)
    )
    login_as(officer)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/indicators/")
    page.locator("#map-link").click()

    expect(page.locator("h1")).to_contain_text("深圳市")
    expect(page.locator("#map[data-drawn=true]")).to_be_visible()
    expect(page.locator("#map path.map-circle")).to_have_count(1)
    expect(page.locator("#map path.map-service")).to_have_count(1)
    expect(page.locator("#map path.map-other")).to_have_count(1)
    expect(page.locator("#map path.map-inside")).to_have_count(2)  # 华富, 莲花
    expect(page.locator("#map path.map-outside")).to_have_count(2)  # 滨河, 桂木
    expect(page.locator("#map .leaflet-tile")).to_have_count(0)  # no base map configured
    expect(page.locator("#count-inside")).to_have_text("2")
    expect(page.locator("#count-outside")).to_have_text("2")
    outside = page.locator("#outside tbody")
    expect(outside.locator("tr")).to_have_count(2)
    expect(outside).to_contain_text("滨河社区")
    expect(outside).to_contain_text("桂木社区")
    expect(outside).not_to_contain_text("华富社区")

    # A community's tooltip names it as text.
    page.locator("#map path.map-outside").first.dispatch_event("mouseover")
    expect(page.locator("#map .leaflet-tooltip")).to_contain_text(
        ui_text("Outside every service circle")
    )

    # Tap targets on the phone: the zoom buttons are 44 × 44 px, titled in the page's language;
    # the page does not scroll sideways.
    zoom_in = page.locator("#map .leaflet-control-zoom-in")
    expect(zoom_in).to_have_attribute("title", ui_text("Zoom in"))
    box = zoom_in.bounding_box()
    assert box is not None and box["width"] >= 44 and box["height"] >= 44
    back = page.locator("#back-to-indicators").bounding_box()
    assert back is not None and back["height"] >= 44
    assert page.evaluate(OVERFLOW_JS) <= 0
    zoom_in.click()

    blocking = axe_blocking(Axe().run(page).response["violations"])
    assert not blocking, axe_report("/indicators/map/", blocking)
    foreign = {urlsplit(url).hostname for url in requested} - LOCAL_HOSTS - {None}
    assert not foreign, f"requests to other hosts: {sorted(foreign)}"
    assert any("/static/vendor/leaflet/dist/leaflet.js" in url for url in requested)
    assert not console_errors, console_errors  # e.g. a Content-Security-Policy refusal
