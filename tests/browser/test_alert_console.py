"""The live alert console: an SOS raised while the page is open appears by itself, and the
operator acknowledges it from the keyboard."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from silvercare.alerts.models import Alert
from silvercare.alerts.services import alert_raise
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.elders.services import contact_add
from tests.browser.support import ui_text

pytestmark = pytest.mark.browser


def test_console_receives_an_alert_live_and_acknowledges_it(
    login_as: Callable[[Any], Page], worker: Any
) -> None:
    operator = testing.make_user("call_centre", testing.STREET_A, "operator_live")
    elder = testing.make_elder(worker, name="赵春梅")
    contact_add(
        ctx=AuditContext(actor=worker, via="test"),
        elder=elder,
        values={"name": "赵强", "relationship": "child", "phone": "13912345678"},
    )
    page = login_as(operator)
    page.goto("/alerts/")
    expect(page.locator("#alert-table")).to_contain_text(ui_text("No open alerts."))
    expect(page.locator("#alert-table[data-live='1']")).to_have_count(1)

    raised = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="critical",
        occurred_at=dt.datetime.now(dt.UTC),
        reason="sos_pressed",
        params={"lat": 22.5512, "lon": 114.0913},
        source="test",
    )

    row = page.locator(f'#alert-table tr[data-id="{raised.alert_id}"]')
    expect(row).to_contain_text("赵春梅", timeout=5_000)
    expect(row).to_contain_text(ui_text("Critical"))
    expect(page.locator("#announce")).to_contain_text(ui_text("New alert"))

    page.keyboard.press("j")
    expect(row).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("a")
    expect(row.locator(".status")).to_have_text(ui_text("Acknowledged"))
    alert = Alert.objects.get(pk=raised.alert_id)
    assert (alert.status, alert.acknowledged_by_id) == ("acknowledged", operator.pk)

    # Its page: context to act on, with the contact one tap away.
    row.locator("a.open-alert").click()
    expect(page.locator("a[href='tel:13912345678']")).to_be_visible()
