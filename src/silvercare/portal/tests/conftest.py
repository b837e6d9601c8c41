"""Fixtures of the portal tests: an elder of community A1 with two contacts, the elder's own
portal account, a family member linked by the community worker, and an unrelated elder."""

from __future__ import annotations

from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, make_elder, make_user
from silvercare.elders.services import consent_record, contact_add, contact_link_account
from silvercare.portal import services, sms

ELDER_PHONE = "13912340001"
DAUGHTER_PHONE = "13912340002"
SON_PHONE = "13912340003"


@pytest.fixture(autouse=True)
def _empty_outbox() -> None:
    sms.outbox.clear()


@pytest.fixture
def worker(regions: None) -> Any:
    return make_user("community_worker", "440304001000", "worker_a")


@pytest.fixture
def elder(worker: Any) -> Any:
    elder = make_elder(worker, COMMUNITY_A1, name="陈桂芳", phone=ELDER_PHONE)
    ctx = AuditContext(actor=worker, via="test")
    for name, phone in (("李丽", DAUGHTER_PHONE), ("李强", SON_PHONE)):
        contact_add(
            ctx=ctx, elder=elder, values={"name": name, "relationship": "child", "phone": phone}
        )
    consent_record(ctx=ctx, elder=elder, purpose="data_sharing", granted=True)
    return elder


@pytest.fixture
def other_elder(worker: Any) -> Any:
    return make_elder(worker, COMMUNITY_A1, name="赵秘密", phone="13912349999")


@pytest.fixture
def elder_account(elder: Any) -> Any:
    return services.portal_account_open(
        ctx=AuditContext(actor=None, via="test"),
        username="chen_self",
        display_name="陈桂芳",
        phone=ELDER_PHONE,
        region_code=COMMUNITY_A1,
        elder=elder,
    ).user


@pytest.fixture
def daughter(elder: Any, worker: Any) -> Any:
    user = services.portal_account_open(
        ctx=AuditContext(actor=None, via="test"),
        username="li_li",
        display_name="李丽",
        phone=DAUGHTER_PHONE,
        region_code=COMMUNITY_A1,
    ).user
    contact = elder.contacts.get(name="李丽")
    contact_link_account(
        ctx=AuditContext(actor=worker, via="test"),
        elder=elder,
        contact_id=contact.pk,
        username=user.username,
    )
    return user


@pytest.fixture
def son(elder: Any) -> Any:
    """Has an account with the son contact's phone, but nobody linked it yet."""
    return services.portal_account_open(
        ctx=AuditContext(actor=None, via="test"),
        username="li_qiang",
        display_name="李强",
        phone=SON_PHONE,
        region_code=COMMUNITY_A1,
    ).user
