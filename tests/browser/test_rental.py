"""A rental operator issues a walker from the nearest rental point, takes it back, records
its cleaning and disinfection, and the unit is available again — on a phone-sized screen."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.rental import services
from silvercare.rental.models import Lease, Unit
from silvercare.rental.tests.conftest import make_product
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser


def test_an_operator_leases_takes_back_and_cleans_a_unit(
    login_as: Any, worker: Any, regions: None
) -> None:
    operator = testing.make_user("rental_operator", testing.STREET_A, "rental_op_browser")
    ctx = AuditContext(actor=operator, via="test")
    product = make_product()
    point = services.point_create(
        ctx=ctx,
        name="园岭街道租赁点",
        kind="street",
        region_code=testing.STREET_A,
        operator="园岭康复服务中心",
        latitude=22.552,
        longitude=114.092,
    )
    services.unit_register(ctx=ctx, point=point, product=product, serial="YL-0001")
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="李桂兰")

    page: Page = login_as(operator)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/elders/{elder.pk}/")
    page.get_by_role("link", name=ui_text("Lease a device")).click()
    expect(page.locator("#nearest")).to_contain_text("园岭街道租赁点")
    page.locator("#id_product").select_option(str(product.pk))
    page.locator("#id_point").select_option(str(point.pk))
    page.locator("#id_starts_on").fill(timezone.localdate().isoformat())
    page.locator("#id_months").fill("3")
    page.locator("#issue").click()
    expect(page.locator("#lease-serial")).to_have_text("YL-0001")
    assert Lease.objects.get().status == "active"

    page.locator("#return-unit").click()
    expect(page.locator("#unit-state")).to_have_text(ui_text("Returned"))
    page.locator("#id_clean-method").select_option("wipe")
    page.locator("#id_clean-agent").fill("含氯消毒液 500mg/L")
    page.locator("#record-cleaning").click()
    expect(page.locator("#unit-state")).to_have_text(ui_text("Available"))
    unit = Unit.objects.get()
    assert (unit.state, unit.needs_cleaning) == ("available", False)
    expect(page.locator("#history-table")).to_contain_text("rental_op_browser")
