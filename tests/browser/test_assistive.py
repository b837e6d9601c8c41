"""An assistive-technology consultant opens an elder (a fall last month, walking 2 points),
follows the elder page's panel to the recommendations — each device type with its reason and
two products of different price with the elder's share from the subsidies quote — and
records a fitting of the cheaper quad cane; the follow-ups at 7 and 30 days are scheduled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from silvercare.assistive import services
from silvercare.assistive.classification import load_classification
from silvercare.assistive.models import Admission, Enterprise, Fitting, Product
from silvercare.assistive.selectors import fitting_on_file
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.subsidies.templatetags.subsidies import yuan
from tests.browser.support import sign_in, ui_text

pytestmark = pytest.mark.browser
FUTIAN = "440304000000"
CANE = {"height_min_cm": 72, "height_max_cm": 95, "max_user_weight_kg": 100}


def _catalogue() -> list[Product]:
    load_classification()  # the live server's database is flushed between tests
    curator = AuditContext(actor=testing.make_user("civil_affairs", FUTIAN, "at_browser_cur"))
    enterprise = Enterprise.objects.create(name="广东安步康复科技有限公司")
    made = []
    for model, name, fen in (
        ("AB-Q4", "四脚手杖（小底座）", 12_000),
        ("KF-T3", "三脚站立手杖", 26_000),
    ):
        product = services.product_save(
            ctx=curator,
            enterprise=enterprise,
            values=services.ProductValues(
                brand="安步",
                model=model,
                name=name,
                device_type_code="12 03 16",
                specifications=CANE,
                sale_price_fen=fen,
            ),
        )
        product.status, product.listed_at = "listed", timezone.now()
        product.save()
        Admission.objects.create(product=product, status="listed")
        made.append(product)
    return made


def _programme() -> None:
    """Futian's device subsidy: 80 % of a purchase."""
    from silvercare.subsidies import services as subsidies

    officer = testing.make_user("civil_affairs", FUTIAN, "at_browser_officer")
    ctx = AuditContext(actor=officer, via="test")
    subsidies.payer_create(
        ctx=ctx, code="ft-fin", name="福田区财政局", kind="district_finance", region_code=FUTIAN
    )
    programme = subsidies.programme_create(
        ctx=ctx,
        code="ft-devices",
        name="福田区辅具适配补贴",
        region_code=FUTIAN,
        version=subsidies.VersionValues(
            valid_from=dt.date(2020, 1, 1),
            item_kinds=["device_purchase", "device_rental"],
            amount_rule={"type": "percentage", "percent_bp": 8000, "per": "item"},
            budgeted=False,
            shares=[("ft-fin", 10000)],
        ),
    )
    subsidies.version_publish(ctx=ctx, version=programme.versions.get())


def _assessed_elder(worker: Any, capture: Callable[..., Any]) -> Any:
    from silvercare.assessments import services as assessments
    from silvercare.assessments.instruments import get_instrument

    elder = testing.make_elder(worker, testing.COMMUNITY_A1, name="陈桂兰")
    assessor = testing.make_assessor(username="at_browser_assessor")
    actx = AuditContext(actor=assessor, via="test")
    items = {item.code: item.max_score for item in get_instrument("gbt42195-2022").items}
    items["B.2.3"] = 2
    assessment = assessments.assessment_book(
        ctx=AuditContext(actor=worker, via="test"),
        elder=elder,
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=assessor,
    )
    assessment = assessments.assessment_save_answers(
        ctx=actx,
        assessment=assessment,
        items=items,
        forms={"A.5.11": "no", "A.2.14.1": "once", "A.2.14.2": "none"},
    )
    assessment = assessments.assessment_submit(ctx=actx, assessment=assessment)
    assessment = assessments.assessment_sign(ctx=actx, assessment=assessment, informant_name="女儿")
    with capture(execute=True):
        assessments.assessment_complete(ctx=actx, assessment=assessment)
    return elder


def test_a_consultant_sees_recommendations_with_quotes_and_records_a_fitting(
    page: Page,
    worker: Any,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    cheap, dear = _catalogue()
    _programme()
    elder = _assessed_elder(worker, django_capture_on_commit_callbacks)
    consultant = testing.make_user("at_consultant", FUTIAN, "at_browser_consultant")
    from silvercare.training.services import qualification_record

    qualification_record(
        ctx=AuditContext(actor=None, via="test"),
        kind="at_consultant",
        user=consultant,
        number="深辅字2025第0099号",
        valid_from=dt.date(2025, 1, 1),
        check_actor=False,
    )
    # The recommendation page quotes every product offered: allow a slow shared machine.
    page.set_default_timeout(30_000)
    sign_in(page, consultant.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/elders/{elder.pk}/")
    panel = page.locator("#assistive-panel")
    expect(panel).to_contain_text("12 03 16")
    panel.locator("#assistive-recommendations").click()

    section = page.locator("#rec-120316")
    expect(section).to_contain_text(
        "B.2.3 平地行走 2 分; 近 30 天跌倒 → 多脚手杖（三脚、四脚） 或 框式助行器"
    )
    rows = section.locator("table.products > tbody > tr")
    expect(rows).to_have_count(2)
    # Each product with the elder's own share: 20 % of its price.
    expect(rows.nth(0)).to_contain_text("AB-Q4")
    expect(rows.nth(0).locator(".elder-share > strong")).to_have_text(yuan(2_400))
    expect(rows.nth(1)).to_contain_text("KF-T3")
    expect(rows.nth(1).locator(".elder-share > strong")).to_have_text(yuan(5_200))

    rows.nth(0).get_by_role("link", name=ui_text("Record a fitting")).click()
    expect(page.locator("#id_product")).to_have_value(str(cheap.pk))
    page.locator("#id_m_height_cm").fill("156")
    page.locator("#id_m_wrist_height_cm").fill("78")
    page.locator("#id_adjustments").fill("手杖高度调至 78 cm")
    page.locator("#id_training_elder").fill("起身、转身和上下台阶练习")
    page.locator("#id_training_family").fill("女儿学会检查橡胶脚垫")
    page.locator("#id_signed_name").fill("陈桂兰")
    # Without the confirmation the fitting is refused, with the reason.
    page.locator("#save-fitting").click()
    expect(page.locator(".error-summary")).to_contain_text(
        ui_text("The elder or a family member confirms the fitting and training.")
    )
    page.locator("#id_signature_confirmed").check()
    page.locator("#save-fitting").click()
    expect(page.locator("#fitting-facts")).to_contain_text("起身、转身和上下台阶练习")
    today = timezone.localdate()
    expect(page.locator("#follow-ups")).to_contain_text(
        (today + dt.timedelta(days=7)).strftime("%Y-%m-%d")
    )
    expect(page.locator("#follow-ups")).to_contain_text(
        (today + dt.timedelta(days=30)).strftime("%Y-%m-%d")
    )
    fitting = Fitting.objects.get(elder=elder)
    assert fitting.measurements == {"height_cm": 156.0, "wrist_height_cm": 78.0}
    assert fitting_on_file(elder_id=elder.pk, product_id=dear.pk)  # same device type
