"""Reading the audit trail, scoped to the regions where the actor may read it."""

from __future__ import annotations

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
