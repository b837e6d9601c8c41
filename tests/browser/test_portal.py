"""Issue 16: the elder and family portal in 长辈模式 at phone width (390 px) meets the MIIT 2021
ageing-friendly rules and WCAG 2.1 AA on every page: body text ≥ 18 px, line height ≥ 1.3,
main headings and actions ≥ 30 px, tap targets ≥ 60 × 60 px, axe-core with no serious or
critical violation, and no loss at 200 % zoom (a 195 px wide viewport). The elder signs in
with her phone and a one-time code read from the SMS outbox, and switches elder mode on with
the one button (remembered for her next visit)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe  # type: ignore[import-untyped]
from playwright.sync_api import Page, ViewportSize, expect

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.elders.services import consent_record, contact_add
from silvercare.portal import services, sms
from tests.browser.support import axe_blocking, axe_report, submit_login, ui_text

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 390, "height": 844}
ZOOMED: ViewportSize = {"width": 195, "height": 422}  # 390 px at 200 % zoom
ELDER_PHONE = "13912340001"

MEASURE = (Path(__file__).parent / "portal_measure.js").read_text(encoding="utf-8")


@pytest.fixture
def elder(worker: Any) -> Any:
    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="陈桂芳", phone=ELDER_PHONE)
    ctx = AuditContext(actor=worker, via="test")
    contact_add(
        ctx=ctx,
        elder=elder,
        values={"name": "李丽", "relationship": "child", "phone": "13912340002"},
    )
    consent_record(ctx=ctx, elder=elder, purpose="data_sharing", granted=True)
    consent_record(ctx=ctx, elder=elder, purpose="monitoring", granted=True)
    services.portal_account_open(
        ctx=ctx,
        username="chen_self",
        display_name="陈桂芳",
        phone=ELDER_PHONE,
        region_code=testing.COMMUNITY_A1,
        elder=elder,
    )
    return elder


def _check(page: Page, where: str, axe: Axe) -> list[str]:
    page.wait_for_load_state("load")
    problems = [f"{where}: {p}" for p in page.evaluate(MEASURE)]
    blocking = axe_blocking(axe.run(page).response["violations"])
    if blocking:
        problems.append(axe_report(where, blocking))
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:  # type: ignore[index]
        problems.append(f"{where}: scrolls sideways ({width} px)")
    return problems


def test_every_portal_page_meets_the_elder_mode_rules(page: Page, elder: Any) -> None:
    lease = _walker_lease(elder)
    sms.outbox.clear()
    page.set_viewport_size(PHONE)
    axe = Axe()
    problems: list[str] = []

    page.goto("/portal/login/")
    problems += _check(page, "login", axe)
    page.get_by_label(ui_text("Mobile number")).fill(ELDER_PHONE)
    page.get_by_role("button", name=ui_text("Send me a code")).click()
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text)
    assert code is not None
    problems += _check(page, "login code", axe)
    page.get_by_label(ui_text("Code from the text message")).fill(code.group(1))
    page.get_by_role("button", name=ui_text("Sign in")).click()
    expect(page).to_have_url(re.compile(f"/portal/elders/{elder.pk}/$"))

    # The one visible switch, reachable by keyboard; remembered on the account.
    switch = page.get_by_role("button", name=ui_text("Elder mode: off (tap to turn on)"))
    switch.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".portal.elder-mode")).to_have_count(1)
    expect(page.get_by_role("button", name=ui_text("Read this page aloud"))).to_be_visible()

    pages = {
        "home": f"/portal/elders/{elder.pk}/",
        "help": f"/portal/elders/{elder.pk}/help/",
        "my data": f"/portal/elders/{elder.pk}/data/",
        "book care": f"/portal/elders/{elder.pk}/care/",
        "report a fault": f"/portal/elders/{elder.pk}/leases/{lease.pk}/fault/",
    }
    for where, url in pages.items():
        page.goto(url)
        problems += _check(page, where, axe)
    # The help button: a confirm page (no pop-up), then the answer.
    page.goto(pages["help"])
    page.get_by_role("button", name=ui_text("Yes, call for help now")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ui_text("Help is on its way"))
    problems += _check(page, "help sent", axe)

    page.set_viewport_size(ZOOMED)
    for where, url in pages.items():
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > ZOOMED["width"]:
            problems.append(f"{where} at 200 %: scrolls sideways ({width} px)")
    assert not problems, "\n".join(problems)


def test_the_family_pages_meet_the_elder_mode_rules(page: Page, elder: Any, worker: Any) -> None:
    """A daughter following two elders: the list of her elders, an elder's page, the meal
    order page and the data page, in elder mode at phone width."""
    import datetime as dt

    from django.utils import timezone

    from silvercare.canteens import services as canteens
    from silvercare.elders.services import contact_link_account

    daughter = testing.make_user("elder_family", testing.COMMUNITY_A1, "li_li")
    ctx = AuditContext(actor=worker, via="test")
    second = testing.make_elder(worker, testing.COMMUNITY_A1, name="李建国", phone="13912340009")
    contact_add(
        ctx=ctx,
        elder=second,
        values={"name": "李丽", "relationship": "child", "phone": "13912340002"},
    )
    for followed in (elder, second):
        contact = followed.contacts.get(name="李丽")
        contact_link_account(
            ctx=ctx, elder=followed, contact_id=contact.pk, username=daughter.username
        )
    officer = testing.make_user("civil_affairs", "440304000000", "canteen_officer")
    admin = testing.make_user("care_provider_admin", "440304000000", "canteen_admin")
    canteen = canteens.canteen_create(
        ctx=AuditContext(actor=officer, via="test"),
        name="园岭长者饭堂",
        region_code=testing.STREET_A,
        capacity=4,
        address="园岭三街12号",
        operator_name="福田颐康餐饮",
        meals=["lunch"],
    )
    actx = AuditContext(actor=admin, via="test")
    dish = canteens.dish_create(ctx=actx, canteen=canteen, name="南瓜粥", tags=["soft"])
    canteens.menu_save(
        ctx=actx,
        canteen=canteen,
        day=timezone.localdate() + dt.timedelta(days=1),
        meal="lunch",
        price_fen=1500,
        dishes=[dish],
    )
    visit = _completed_visit(worker, elder)
    page.set_viewport_size(PHONE)
    submit_login(page, daughter.username, testing.PASSWORD)
    page.goto("/portal/")
    page.get_by_role("button", name=ui_text("Elder mode: off (tap to turn on)")).click()
    expect(page.locator(".portal.elder-mode")).to_have_count(1)
    axe = Axe()
    problems = _check(page, "family home", axe)
    for where, url in {
        "family elder": f"/portal/elders/{elder.pk}/",
        "meals": f"/portal/elders/{elder.pk}/meals/",
        "family data": f"/portal/elders/{elder.pk}/data/",
        "rate a visit": f"/portal/elders/{elder.pk}/visits/{visit.pk}/rate/",
    }.items():
        page.goto(url)
        problems += _check(page, where, axe)
    page.goto(f"/portal/elders/{elder.pk}/meals/")
    page.get_by_role("button", name=ui_text("Order this meal")).first.click()
    expect(page.get_by_text(ui_text("The meal is ordered."))).to_be_visible()
    problems += _check(page, "meal ordered", axe)
    assert not problems, "\n".join(problems)


def _walker_lease(elder: Any) -> Any:
    """A rollator the elder holds from her street's rental point."""
    from django.utils import timezone

    from silvercare.rental import services as rental
    from silvercare.rental.tests.conftest import make_product

    operator = testing.make_user("rental_operator", testing.STREET_A, "portal_rental_op")
    ctx = AuditContext(actor=operator, via="test")
    point = rental.point_create(
        ctx=ctx,
        name="园岭街道租赁点",
        kind="street",
        region_code=testing.STREET_A,
        operator="园岭康复服务中心",
        address="园岭街道百花二路1号",
    )
    unit = rental.unit_register(ctx=ctx, point=point, product=make_product(), serial="SN-P-0002")
    return rental.lease_open(
        ctx=ctx, elder=elder, unit=unit, starts_on=timezone.localdate(), months=3
    )


def _completed_visit(worker: Any, elder: Any) -> Any:
    """A bath visit of today, done (as the caregiver's day would leave it)."""
    from silvercare.homecare import services as homecare
    from silvercare.homecare.models import ServiceType, Visit

    officer = testing.make_user("civil_affairs", "440304000000", "care_officer")
    provider = homecare.provider_create(
        ctx=AuditContext(actor=officer),
        name="福田颐康居家服务中心",
        region_code="440304000000",
        served=[testing.STREET_A],
        contract_number="FT-HC-2026-01",
    )
    admin = testing.make_user("care_provider_admin", "440304000000", "care_admin")
    homecare.provider_staff_link(ctx=AuditContext(actor=officer), provider=provider, user=admin)
    from django.utils import timezone

    order = homecare.order_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        service_type=ServiceType.objects.get(code="bathing"),
        provider=provider,
        first_date=timezone.localdate(),
        window_start=0,
        window_end=1440,
    )
    homecare.order_accept(ctx=AuditContext(actor=admin), order=order)
    Visit.objects.filter(order=order).update(status="completed")
    return order.visits.get()
