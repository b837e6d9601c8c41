"""The portal's demo: the family account gets a phone, the elder it follows gets her own
account (phone sign-in), and running it twice changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.common.testing import make_user
from silvercare.elders.services import contact_link_account
from silvercare.portal import demo, selectors
from silvercare.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_demo_accounts(elder: Any, worker: Any) -> None:
    make_user("community_worker", "440304001000", "community_worker")
    family = make_user("elder_family", "440304001001", "elder_family")
    contact = elder.contacts.get(name="李丽")
    contact_link_account(
        ctx=AuditContext(actor=worker), elder=elder, contact_id=contact.pk, username="elder_family"
    )
    demo.seed_demo()
    demo.seed_demo()
    own = PortalAccount.objects.get(user__username=demo.ELDER_USERNAME)
    elder.refresh_from_db()
    assert elder.account_id == own.user_id
    assert PortalAccount.objects.count() == 2
    assert selectors.portal_elder_get(user=family, elder_id=elder.pk).may("services")
    assert selectors.portal_elder_get(user=own.user, elder_id=elder.pk).own


def test_portal_account_command(elder: Any) -> None:
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    out = StringIO()
    call_command(
        "portal_account",
        "chen_own",
        phone="13912340001",
        region=elder.region_id,
        elder_id=str(elder.pk),
        stdout=out,
    )
    assert "139****0001" in out.getvalue()
    elder.refresh_from_db()
    assert elder.account == PortalAccount.objects.get(user__username="chen_own").user
    with pytest.raises(CommandError):
        call_command("portal_account", "bad", phone="123", region=elder.region_id)
    with pytest.raises(CommandError):
        call_command(
            "portal_account", "bad", phone="13912340005", region=elder.region_id, elder_id="x"
        )
    assert not PortalAccount.objects.filter(user__username="bad").exists()
