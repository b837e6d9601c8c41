"""Writes of the alerts capability: raise, acknowledge, assign, resolve, ladders.

``alert_raise`` runs inside the caller's transaction (the ingest's batch); the first
notification is handed to its channel when that transaction commits. Escalation state lives in
the alert row, so a restarted ``silvercare escalate`` loop carries on where the last stopped.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from silvercare.alerts import error_codes
from silvercare.alerts.choices import (
    ACTIVE_STATUSES,
    SEVERITY_RANK,
    AlertKind,
    AlertStatus,
    Channel,
    EventType,
    Recipient,
    Resolution,
    Severity,
)
from silvercare.alerts.models import (
    Alert,
    AlertEvent,
    EscalationLadder,
    EscalationStep,
    Referral,
)
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed

log = logging.getLogger(__name__)

SYSTEM = AuditContext(actor=None, via="alerts")


@dataclass(frozen=True, slots=True)
class AlertRaised:
    alert_id: uuid.UUID
    opened: bool


def _label(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return ""
    return str(getattr(actor, "display_name", "") or actor.username)


def _event(
    alert: Alert,
    type_: str,
    *,
    at: dt.datetime,
    actor: Any = None,
    note: str = "",
    severity: str = "",
    reason: str = "",
    params: dict[str, Any] | None = None,
) -> AlertEvent:
    return AlertEvent.objects.create(
        alert=alert,
        type=type_,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        note=note,
        severity=severity,
        reason=reason,
        params=params or {},
    )


def _check_kind_severity(kind: str, severity: str) -> None:
    errors = []
    if kind not in AlertKind.values:
        errors.append(FieldError("kind", error_codes.UNKNOWN_KIND, _("Unknown alert kind.")))
    if severity not in Severity.values:
        errors.append(FieldError("severity", error_codes.UNKNOWN_SEVERITY, _("Unknown severity.")))
    if errors:
        raise ValidationFailed(errors)


def alert_raise(
    *,
    elder_id: uuid.UUID,
    kind: str,
    severity: str,
    occurred_at: dt.datetime,
    reason: str,
    params: dict[str, Any],
    source: str,
    device_serial: str = "",
    ctx: AuditContext | None = None,
    region_code: str | None = None,
) -> AlertRaised:
    """Open an alert, or attach the event to the active alert of the same elder and kind
    (raising its severity if higher). Runs inside the caller's transaction; the escalation
    timer is stored in the row and the first notification is handed over on commit.
    ``region_code``: the elder's community when the caller has just read it."""
    from silvercare.elders.models import Elder

    _check_kind_severity(kind, severity)
    ctx = ctx or SYSTEM
    now = timezone.now()
    # No savepoint of its own (two round trips on the SOS path): an error here aborts the
    # caller's transaction, as it would anyway.
    with transaction.atomic(savepoint=False):
        if region_code is None:  # the caller may know it (the ingest's device lookup)
            region_code = (
                Elder.objects.filter(pk=elder_id).values_list("region_id", flat=True).first()
            )
        if region_code is None:
            raise DomainError(
                code=error_codes.ELDER_UNKNOWN, message=_("Unknown elder."), status=404
            )
        alert = (
            Alert.objects.select_for_update()
            .filter(elder_id=elder_id, kind=kind, status__in=ACTIVE_STATUSES)
            .first()
        )
        if alert is None:
            try:
                with transaction.atomic():
                    alert = Alert.objects.create(
                        elder_id=elder_id,
                        region_code=region_code,
                        kind=kind,
                        severity=severity,
                        severity_rank=SEVERITY_RANK[severity],
                        reason=reason,
                        params=params,
                        source=source,
                        device_serial=device_serial,
                        first_occurred_at=occurred_at,
                        last_occurred_at=occurred_at,
                        next_escalation_at=now,
                    )
            except IntegrityError:
                # Another worker opened it between our look and our insert: attach.
                alert = Alert.objects.select_for_update().get(
                    elder_id=elder_id, kind=kind, status__in=ACTIVE_STATUSES
                )
            else:
                _event(
                    alert,
                    EventType.RAISED,
                    at=occurred_at,
                    severity=severity,
                    reason=reason,
                    params=params,
                    note=device_serial,
                )
                audit_record(
                    ctx=ctx,
                    action=AuditAction.CREATE,
                    entity_type="alert",
                    entity_id=str(alert.pk),
                    region_code=region_code,
                    summary=f"{kind} {severity} {reason}",
                )
                alert_id = alert.pk
                transaction.on_commit(lambda: _first_notification(alert_id))
                return AlertRaised(alert_id=alert.pk, opened=True)
        _attach(
            alert,
            severity=severity,
            occurred_at=occurred_at,
            reason=reason,
            params=params,
            device_serial=device_serial,
            now=now,
        )
        return AlertRaised(alert_id=alert.pk, opened=False)


def _attach(
    alert: Alert,
    *,
    severity: str,
    occurred_at: dt.datetime,
    reason: str,
    params: dict[str, Any],
    device_serial: str,
    now: dt.datetime,
) -> None:
    fields = ["event_count", "last_occurred_at", "updated_at"]
    alert.event_count += 1
    alert.last_occurred_at = max(alert.last_occurred_at, occurred_at)
    raised = SEVERITY_RANK[severity] > alert.severity_rank
    if raised:
        alert.severity = severity
        alert.severity_rank = SEVERITY_RANK[severity]
        alert.reason = reason
        alert.params = params
        fields += ["severity", "severity_rank", "reason", "params"]
        if alert.status == AlertStatus.OPEN:
            # Look at the ladder of the new severity now.
            alert.next_escalation_at = now
            fields.append("next_escalation_at")
    alert.save(update_fields=fields)
    _event(
        alert,
        EventType.ATTACHED,
        at=occurred_at,
        severity=severity,
        reason=reason,
        params=params,
        note=device_serial,
    )
    if raised and alert.status == AlertStatus.OPEN:
        alert_id = alert.pk
        transaction.on_commit(lambda: _first_notification(alert_id))


def _first_notification(alert_id: uuid.UUID) -> None:
    """On commit of a raise: hand the alert's due ladder steps to the process's notification
    dispatcher (``escalation.Dispatcher``), or run them now where there is none. Never
    raises into the committing caller; the loop retries what this misses."""
    from silvercare.alerts.escalation import first_notification

    first_notification(alert_id)


# --- the operator's actions -------------------------------------------------------------


def _locked(alert_id: Any) -> Alert:
    return Alert.objects.select_for_update().get(pk=alert_id)


def _wrong_status(alert: Alert) -> DomainError:
    return DomainError(
        code=error_codes.WRONG_STATUS,
        message=_("This alert is already %(status)s.") % {"status": alert.get_status_display()},
        status=409,
    )


def _audit(ctx: AuditContext, alert: Alert, summary: str, changes: dict[str, Any]) -> None:
    audit_record(
        ctx=ctx,
        action=AuditAction.UPDATE,
        entity_type="alert",
        entity_id=str(alert.pk),
        region_code=alert.region_code,
        summary=summary,
        changes=changes,
    )


def alert_acknowledge(*, ctx: AuditContext, alert: Alert, note: str = "") -> Alert:
    """A person has seen the alert: escalation and reminders stop."""
    with transaction.atomic():
        alert = _locked(alert.pk)
        if alert.status != AlertStatus.OPEN:
            raise _wrong_status(alert)
        now = timezone.now()
        alert.status = AlertStatus.ACKNOWLEDGED
        alert.acknowledged_at = now
        alert.acknowledged_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        alert.next_escalation_at = None
        alert.save(
            update_fields=[
                "status",
                "acknowledged_at",
                "acknowledged_by",
                "next_escalation_at",
                "updated_at",
            ]
        )
        _event(alert, EventType.ACKNOWLEDGED, at=now, actor=ctx.actor, note=note.strip())
        _audit(ctx, alert, "acknowledged", {"status": [AlertStatus.OPEN, alert.status]})
    return alert


def alert_assign(*, ctx: AuditContext, alert: Alert, assignee: Any) -> Alert:
    """Give the alert to a handler (who must be able to handle alerts in its community):
    an open alert counts as acknowledged, and the alert is now in progress."""
    from silvercare.accounts.roles import Perm
    from silvercare.accounts.scoping import actor_has_perm

    with transaction.atomic():
        alert = _locked(alert.pk)
        if alert.status not in ACTIVE_STATUSES:
            raise _wrong_status(alert)
        if assignee is None or not actor_has_perm(assignee, Perm.ALERTS_HANDLE, alert.region_code):
            raise ValidationFailed(
                [
                    FieldError(
                        "assignee",
                        error_codes.ASSIGNEE_INVALID,
                        _("This person cannot handle alerts in the elder's community."),
                    )
                ]
            )
        now = timezone.now()
        before = alert.status
        if alert.status == AlertStatus.OPEN:
            alert.acknowledged_at = now
            alert.acknowledged_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
            _event(alert, EventType.ACKNOWLEDGED, at=now, actor=ctx.actor)
        alert.status = AlertStatus.IN_PROGRESS
        alert.assignee = assignee
        alert.next_escalation_at = None
        alert.save(
            update_fields=[
                "status",
                "assignee",
                "acknowledged_at",
                "acknowledged_by",
                "next_escalation_at",
                "updated_at",
            ]
        )
        _event(alert, EventType.ASSIGNED, at=now, actor=ctx.actor, note=_label(assignee))
        _audit(
            ctx,
            alert,
            f"assigned to {assignee.username}",
            {"status": [before, alert.status], "assignee": assignee.username},
        )
    return alert


def alert_add_note(*, ctx: AuditContext, alert: Alert, note: str) -> AlertEvent:
    note = note.strip()
    if not note:
        raise ValidationFailed([FieldError("note", error_codes.NOTE_REQUIRED, _("Write a note."))])
    with transaction.atomic():
        event = _event(alert, EventType.NOTE, at=timezone.now(), actor=ctx.actor, note=note)
        _audit(ctx, alert, "note", {})
    return event


def alert_resolve(*, ctx: AuditContext, alert: Alert, resolution: str, note: str) -> Alert:
    """Close the alert as handled, false alarm, or by a referral to home care. A note is
    required; a referral is recorded for the home-care capability."""
    note = note.strip()
    errors = []
    if resolution not in Resolution.values:
        errors.append(
            FieldError(
                "resolution", error_codes.UNKNOWN_RESOLUTION, _("Choose how it was resolved.")
            )
        )
    if not note:
        errors.append(
            FieldError(
                "note", error_codes.NOTE_REQUIRED, _("Write what was done before resolving.")
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        alert = _locked(alert.pk)
        if alert.status not in ACTIVE_STATUSES:
            raise _wrong_status(alert)
        now = timezone.now()
        before = alert.status
        actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
        if alert.acknowledged_at is None:
            alert.acknowledged_at = now
            alert.acknowledged_by = actor
        alert.status = (
            AlertStatus.FALSE_ALARM
            if resolution == Resolution.FALSE_ALARM
            else AlertStatus.RESOLVED
        )
        alert.resolution = resolution
        alert.resolution_note = note
        alert.resolved_at = now
        alert.resolved_by = actor
        alert.next_escalation_at = None
        alert.save()
        _event(alert, EventType.RESOLVED, at=now, actor=ctx.actor, note=note)
        if resolution == Resolution.REFERRAL:
            Referral.objects.create(
                alert=alert,
                elder_id=alert.elder_id,
                region_code=alert.region_code,
                note=note,
                created_by=actor,
            )
        _audit(
            ctx,
            alert,
            f"resolved: {resolution}",
            {"status": [before, alert.status], "resolution": resolution},
        )
    return alert


def referral_answer(*, ctx: AuditContext, referral: Referral, elder_id: Any, order_id: Any) -> None:
    """Record that care order ``order_id`` answers ``referral`` (called by the home-care
    capability inside the transaction that places the order). A referral is answered once."""
    with transaction.atomic():
        answered = Referral.objects.filter(
            pk=referral.pk, elder_id=elder_id, order_id__isnull=True
        ).update(order_id=order_id, ordered_at=timezone.now())
        if not answered:
            raise DomainError(
                code=error_codes.REFERRAL_ANSWERED,
                message=_("This referral already has a care order."),
                status=409,
            )
        alert = Alert.objects.get(pk=referral.alert_id)
        _event(
            alert,
            EventType.NOTE,
            at=timezone.now(),
            actor=ctx.actor,
            note=str(_("Care order placed.")),
        )
        _audit(ctx, alert, "referral answered by a care order", {"order": str(order_id)})


# --- ladders -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StepIn:
    recipient: str
    channels: list[str]
    delay_seconds: int
    repeat_seconds: int


def ladder_save(
    *,
    ctx: AuditContext,
    region_code: str | None,
    severity: str,
    steps: list[StepIn],
    name: str = "",
) -> EscalationLadder:
    """Create or replace the ladder of one region (None: the default) and severity."""
    errors: list[FieldError] = []
    if severity not in Severity.values:
        errors.append(FieldError("severity", error_codes.UNKNOWN_SEVERITY, _("Unknown severity.")))
    if not steps:
        errors.append(FieldError("steps", error_codes.LADDER_INVALID, _("Add at least one step.")))
    last = -1
    for i, step in enumerate(steps):
        where = f"steps.{i}"
        if step.recipient not in Recipient.values:
            errors.append(
                FieldError(
                    f"{where}.recipient", error_codes.LADDER_INVALID, _("Unknown recipient.")
                )
            )
        if not step.channels or any(c not in Channel.values for c in step.channels):
            errors.append(
                FieldError(
                    f"{where}.channels", error_codes.LADDER_INVALID, _("Choose known channels.")
                )
            )
        if step.delay_seconds < 0 or step.repeat_seconds < 0:
            errors.append(
                FieldError(
                    f"{where}.delay_seconds", error_codes.LADDER_INVALID, _("No negative times.")
                )
            )
        elif step.delay_seconds < last:
            errors.append(
                FieldError(
                    f"{where}.delay_seconds",
                    error_codes.LADDER_INVALID,
                    _("Each step must come no earlier than the one before."),
                )
            )
        last = step.delay_seconds
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        ladder, _created = EscalationLadder.objects.update_or_create(
            region_id=region_code, severity=severity, defaults={"name": name}
        )
        ladder.steps.all().delete()
        EscalationStep.objects.bulk_create(
            [
                EscalationStep(
                    ladder=ladder,
                    position=i,
                    recipient=s.recipient,
                    channels=list(s.channels),
                    delay_seconds=s.delay_seconds,
                    repeat_seconds=s.repeat_seconds,
                )
                for i, s in enumerate(steps)
            ]
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="escalation_ladder",
            entity_id=str(ladder.pk),
            region_code=region_code or "",
            summary=f"ladder {region_code or '*'} {severity}: {len(steps)} steps",
            changes={"steps": [s.recipient for s in steps]},
        )
    return ladder
