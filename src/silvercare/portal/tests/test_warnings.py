"""A scam warning published for the elder's district shows on their portal page, with the
words "Scam warning" (not colour alone); one for another district does not."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import client_for, make_user
from silvercare.supervision.services import warning_publish

pytestmark = pytest.mark.django_db


def test_district_warning_shows(elder: Any, elder_account: Any) -> None:
    officer = make_user("civil_affairs", "440300000000", "warn_officer")
    today = timezone.localdate()
    for region, title in (
        ("440304000000", "冒充医保局电话诈骗"),
        ("440303000000", "罗湖保健品骗局"),
    ):
        warning_publish(
            ctx=AuditContext(actor=officer, via="test"),
            title=title,
            pattern="自称医保局工作人员，说医保卡被冻结，要求转账。",
            advice="挂断电话，打社区电话核实，不转账。",
            region_code=region,
            valid_from=today,
            valid_to=today + dt.timedelta(days=30),
        )
    body = client_for(elder_account).get(f"/portal/elders/{elder.pk}/").content.decode()
    assert "冒充医保局电话诈骗" in body
    assert "罗湖保健品骗局" not in body
    assert "防骗提醒" in body or "Scam warning" in body
