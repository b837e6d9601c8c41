"""Reading the audit trail, scoped to the regions where the actor may read it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditEvent


def audit_list(
    *,
    actor: Any,
    entity_type: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.visible_to(actor, Perm.AUDIT_VIEW)
    if entity_type:
        qs = qs.filter(entity_type=entity_type)
    if entity_id:
        qs = qs.filter(entity_id=entity_id)
    if action:
        qs = qs.filter(action=action)
    return qs.order_by("-at", "-id")


def audit_count_recent(*, actor: Any, action: str, since: dt.datetime) -> int:
    """How many rows of ``action`` the actor caused since ``since`` (per-user rate limits:
    the count is read from the database, so it holds across processes and servers)."""
    if getattr(actor, "pk", None) is None:
        return 0
    return AuditEvent.objects.filter(actor_id=actor.pk, action=action, at__gte=since).count()


def reads_of_elder(*, elder_id: str, limit: int = 200) -> QuerySet[AuditEvent]:
    """Who read or exported the elder's unmasked personal data, newest first, NOT scoped:
    for the elder's own view of their data (the portal checks the reader is the elder or a
    linked family member)."""
    return (
        AuditEvent.objects.filter(
            entity_type="elder",
            entity_id=str(elder_id),
            action__in=["view_pii", "export", "lookup"],
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
