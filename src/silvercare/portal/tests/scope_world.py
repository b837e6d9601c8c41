"""Records of this capability for tests/test_scope_leak.py: built in street A, they must not
show to a worker of another district on any page or API operation."""

from __future__ import annotations

from typing import Any

from silvercare.audit.services import AuditContext

# URL parameter names (unique across the project) whose records build() creates. The portal's
# pages take the elders app's ``elder_id`` (covered by the registry's own walk) and no id of
# its own.
IDS: tuple[str, ...] = ()
# Text of those records that must never appear in an outsider's responses.
MARKERS: list[str] = ["门户绝密账户"]


def build(worker: Any, elder: Any) -> dict[str, str]:
    """Create the records as worker (a street-A community worker) for elder: the elder's own
    portal account and a call for help raised from the portal."""
    from silvercare.portal import selectors, services

    account = services.portal_account_open(
        ctx=AuditContext(actor=worker, via="test"),
        username="portal_secret",
        display_name="门户绝密账户",
        phone="13912345678",
        region_code=elder.region_id,
        elder=elder,
    )
    pe = selectors.portal_elder_get(user=account.user, elder_id=elder.pk)
    services.help_raise(ctx=AuditContext(actor=account.user, via="test"), pe=pe)
    return {}
