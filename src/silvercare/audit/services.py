"""Writing audit records. Called inside the caller's transaction so the record and the
change it describes commit or roll back together."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from silvercare.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditContext:
    """Where an action came from: the acting user plus request facts."""

    actor: Any
    ip_address: str | None = None
    via: str = "web"


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "username", actor))


def english(message: str, params: dict[str, Any]) -> str:
    """The message with its parameters, untranslated (a broken message shows as is)."""
    try:
        return message % params
    except (KeyError, ValueError, TypeError):
        return message


def audit_record(
    *,
    ctx: AuditContext,
    action: str,
    entity_type: str,
    entity_id: str,
    region_code: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    message: str = "",
    params: dict[str, Any] | None = None,
) -> AuditEvent:
    """Write one audit row. ``message`` is an English message id marked with
    ``gettext_noop`` and ``params`` its named values: the audit page shows it in the reader's
    language (``audit.vocabulary``), and ``summary`` defaults to its English text."""
    actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
    if message and not summary:
        summary = english(message, params or {})
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=_label(ctx.actor),
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        region_code=region_code,
        summary=summary[:255],
        changes=changes or {},
        message=message,
        params=params or {},
        ip_address=ctx.ip_address,
        via=ctx.via,
    )


def audit_record_many(*, ctx: AuditContext, events: list[dict[str, Any]]) -> None:
    """Bulk form for imports: one row per affected record, one INSERT per batch."""
    actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                actor=actor,
                actor_label=_label(ctx.actor),
                ip_address=ctx.ip_address,
                via=ctx.via,
                **event,
            )
            for event in events
        ],
        batch_size=500,
    )
