"""Alert endpoints: list, detail, acknowledge, assign, resolve — scoped to the caller."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from silvercare.accounts.models import User
from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.alerts import error_codes, selectors, services
from silvercare.alerts.models import Alert
from silvercare.alerts.presenters import alert_summary, attempt_row, event_row
from silvercare.alerts.schemas import (
    AcknowledgeIn,
    AlertDetailOut,
    AlertPageOut,
    AssignIn,
    ResolveIn,
)
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.request import audit_ctx

router = Router(tags=["alerts"])


class ListQuery(Schema):
    status: str = Field(
        "active", pattern="^(active|closed|all|open|acknowledged|in_progress|resolved|false_alarm)$"
    )
    kind: str = Field("", pattern="^[a-z_]{0,24}$")
    severity: str = Field("", pattern="^(|info|warning|urgent|critical)$")
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _handleable(request: HttpRequest, alert_id: uuid.UUID) -> Alert:
    alert = selectors.alert_get_for(actor=request.user, alert_id=alert_id)
    if not actor_has_perm(request.user, Perm.ALERTS_HANDLE, alert.region_code):
        raise DomainError(
            code="permission_denied", status=403, message=_("Your role may not handle alerts.")
        )
    return alert


def _detail(alert: Alert) -> dict[str, Any]:
    return {
        **alert_summary(alert),
        "events": [event_row(e) for e in selectors.alert_timeline(alert)],
        "attempts": [attempt_row(a) for a in selectors.alert_attempts(alert)],
    }


@router.get("/", response=AlertPageOut, summary="Alerts in your area, most severe first")
def list_alerts(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    qs = selectors.alert_list(
        actor=request.user,
        filters=selectors.AlertFilters(
            status=query.status, kind=query.kind, severity=query.severity, elder_id=query.elder_id
        ),
    )
    start = (query.page - 1) * query.page_size
    return {
        "items": [alert_summary(a) for a in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.get("/{alert_id}", response=AlertDetailOut, summary="An alert with its timeline")
def detail(request: HttpRequest, alert_id: uuid.UUID) -> dict[str, Any]:
    return _detail(selectors.alert_get_for(actor=request.user, alert_id=alert_id))


@router.post("/{alert_id}/acknowledge", response=AlertDetailOut, summary="Acknowledge")
def acknowledge(
    request: HttpRequest, alert_id: uuid.UUID, payload: AcknowledgeIn
) -> dict[str, Any]:
    alert = services.alert_acknowledge(
        ctx=audit_ctx(request, "api"), alert=_handleable(request, alert_id), note=payload.note
    )
    return _detail(selectors.alert_get_for(actor=request.user, alert_id=alert.pk))


@router.post("/{alert_id}/assign", response=AlertDetailOut, summary="Assign to a handler")
def assign(request: HttpRequest, alert_id: uuid.UUID, payload: AssignIn) -> dict[str, Any]:
    alert = _handleable(request, alert_id)
    assignee = User.objects.filter(pk=payload.assignee_id, is_active=True).first()
    if assignee is None or not actor_has_perm(assignee, Perm.ALERTS_HANDLE, alert.region_code):
        raise ValidationFailed(
            [FieldError("assignee_id", error_codes.ASSIGNEE_INVALID, _("Unknown user."))]
        )
    services.alert_assign(ctx=audit_ctx(request, "api"), alert=alert, assignee=assignee)
    return _detail(selectors.alert_get_for(actor=request.user, alert_id=alert.pk))


@router.post("/{alert_id}/resolve", response=AlertDetailOut, summary="Resolve with a note")
def resolve(request: HttpRequest, alert_id: uuid.UUID, payload: ResolveIn) -> dict[str, Any]:
    alert = services.alert_resolve(
        ctx=audit_ctx(request, "api"),
        alert=_handleable(request, alert_id),
        resolution=payload.resolution,
        note=payload.note,
    )
    return _detail(selectors.alert_get_for(actor=request.user, alert_id=alert.pk))


class StatsQuery(Schema):
    days: int = Field(30, ge=1, le=366)
    level: str = Field("community", pattern="^(community|street|district)$")


class StatsOut(Schema):
    region_code: str = Field(description='"" for the total over every region shown')
    region_name: str
    total: int
    acknowledged: int
    ack_p50_seconds: float | None
    ack_p90_seconds: float | None
    false_alarms: int
    closed: int
    false_alarm_share: float | None


@router.get(
    "/stats/",
    response=list[StatsOut],
    summary="Time to acknowledge and false-alarm share by region (officers)",
)
def alert_statistics(request: HttpRequest, query: Query[StatsQuery]) -> list[dict[str, Any]]:
    import dataclasses
    import datetime as dt

    from django.utils import timezone

    from silvercare.alerts.stats import alert_stats

    if not actor_has_perm(request.user, Perm.ALERTS_STATS):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not see alert statistics.")
        )
    rows = alert_stats(
        actor=request.user,
        since=timezone.now() - dt.timedelta(days=query.days),
        level=query.level,
        with_total=True,
    )
    return [{**dataclasses.asdict(r), "false_alarm_share": r.false_alarm_share} for r in rows]
