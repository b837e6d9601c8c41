"""Shapes of alerts for pages, the API and the live stream."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from silvercare.alerts.models import Alert, AlertEvent, NotificationAttempt


def _num(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number else None  # NaN is not a coordinate


def alert_position(alert: Alert) -> tuple[float, float] | None:
    """The alert's location when its params carry one (lat/lon from the device)."""
    params = alert.params if isinstance(alert.params, dict) else {}
    lat, lon = _num(params.get("lat")), _num(params.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def alert_summary(alert: Alert, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    position = alert_position(alert)
    return {
        "id": alert.pk,
        "elder_id": alert.elder_id,
        "elder_name": alert.elder.name,
        "region_code": alert.region_code,
        "kind": alert.kind,
        "kind_label": str(alert.get_kind_display()),
        "severity": alert.severity,
        "severity_label": str(alert.get_severity_display()),
        "status": alert.status,
        "status_label": str(alert.get_status_display()),
        "reason": alert.reason,
        "params": alert.params if isinstance(alert.params, dict) else {},
        "device_serial": alert.device_serial,
        "event_count": alert.event_count,
        "first_occurred_at": alert.first_occurred_at,
        "last_occurred_at": alert.last_occurred_at,
        "created_at": alert.created_at,
        "age_seconds": max(0, int((now - alert.created_at).total_seconds())),
        "assignee": (alert.assignee.display_name or alert.assignee.username)
        if alert.assignee_id and alert.assignee
        else None,
        "acknowledged_at": alert.acknowledged_at,
        "resolved_at": alert.resolved_at,
        "resolution": alert.resolution,
        "resolution_note": alert.resolution_note,
        "latitude": position[0] if position else None,
        "longitude": position[1] if position else None,
    }


def event_row(event: AlertEvent) -> dict[str, Any]:
    return {
        "type": event.type,
        "type_label": str(event.get_type_display()),
        "at": event.at,
        "actor": event.actor_label,
        "severity": event.severity,
        "reason": event.reason,
        "note": event.note,
    }


def attempt_row(attempt: NotificationAttempt) -> dict[str, Any]:
    return {
        "at": attempt.at,
        "step": attempt.step,
        "recipient_kind": attempt.recipient_kind,
        "recipient_kind_label": str(attempt.get_recipient_kind_display()),
        "recipient": attempt.recipient,
        "channel": attempt.channel,
        "channel_label": str(attempt.get_channel_display()),
        "outcome": attempt.outcome,
        "outcome_label": str(attempt.get_outcome_display()),
        "error": attempt.error,
        "latency_ms": attempt.latency_ms,
    }
