"""The elder's page shows her vouchers with what is left, and each subsidy programme that
applies to her with whether she qualifies and why, in her language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import client_for, make_user
from silvercare.subsidies import services as subsidies
from silvercare.subsidies.selectors import entitlements_held_by

pytestmark = pytest.mark.django_db
FUTIAN = "440304000000"


def test_the_elder_sees_her_vouchers_and_why_she_qualifies(
    elder: Any, elder_account: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    officer = make_user("civil_affairs", FUTIAN, "portal_money_officer")
    ctx = AuditContext(actor=officer, via="test")
    today = timezone.localdate()
    subsidies.payer_create(
        ctx=ctx, code="ft-finance", name="福田区财政", kind="district_finance", region_code=FUTIAN
    )
    with django_capture_on_commit_callbacks(execute=True):
        programme = subsidies.programme_create(
            ctx=ctx,
            code="ft-silver",
            name="福田银发消费补贴",
            region_code=FUTIAN,
            version=subsidies.VersionValues(
                valid_from=dt.date(2020, 1, 1),
                eligibility_rule="age >= 60",
                item_kinds=["service"],
                amount_rule={"type": "fixed", "amount_fen": 10_000, "per": "item"},
                shares=[("ft-finance", 10_000)],
            ),
        )
        subsidies.version_publish(ctx=ctx, version=programme.versions.get())
    subsidies.budget_save(
        ctx=ctx, programme=programme, year=today.year, region_code=FUTIAN, amount_fen=100_000
    )
    batch = subsidies.voucher_batch_create(
        ctx=ctx,
        programme=programme,
        code="ft-silver-now",
        name="银发消费券（本月）",
        region_code=FUTIAN,
        face_value_fen=10_000,
        valid_from=today.replace(day=1),
        expires_on=today + dt.timedelta(days=30),
    )
    with django_capture_on_commit_callbacks(execute=True):
        subsidies.voucher_batch_issue(ctx=ctx, batch=batch)

    body = unescape(client_for(elder_account).get(f"/portal/elders/{elder.pk}/").content.decode())
    assert "银发消费券（本月）" in body and "100.00" in body
    [entitlement] = entitlements_held_by(elder=elder)
    assert entitlement["passed"] and entitlement["reasons"]
    assert "福田银发消费补贴" in body and f"原因： {entitlement['reasons']}" in body
    assert "还没有消费券或补贴" not in body
