"""Reads of the alerts capability, scoped to the actor's regions."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from silvercare.accounts.roles import Perm
from silvercare.alerts.choices import ACTIVE_STATUSES, AlertStatus
from silvercare.alerts.models import (
    Alert,
    AlertEvent,
    EscalationLadder,
    EscalationStep,
    NotificationAttempt,
    Referral,
)
from silvercare.common.errors import NotFound


def ladder_for(*, region_code: str, severity: str) -> EscalationLadder | None:
    """The ladder of the longest region prefix covering ``region_code``, else the default."""
    from silvercare.regions.choices import code_prefix

    best: EscalationLadder | None = None
    best_len = -1
    for ladder in EscalationLadder.objects.filter(severity=severity).select_related("region"):
        if ladder.region is None:
            length = 0
        else:
            prefix = code_prefix(ladder.region.code, ladder.region.level)
            if not region_code.startswith(prefix):
                continue
            length = len(prefix) or 1
        if length > best_len:
            best, best_len = ladder, length
    return best


def ladder_exact(*, region_code: str | None, severity: str) -> EscalationLadder | None:
    """The ladder of exactly this region (None: the default) and severity, if any."""
    return EscalationLadder.objects.filter(region_id=region_code, severity=severity).first()


def ladder_steps_for(*, region_code: str, severity: str) -> list[EscalationStep]:
    ladder = ladder_for(region_code=region_code, severity=severity)
    if ladder is None:
        return []
    return list(ladder.steps.order_by("position"))


def ladder_list(*, actor: Any) -> QuerySet[EscalationLadder]:
    """Default ladders and those of regions the actor may configure."""
    from silvercare.accounts.scoping import scope_q

    return (
        EscalationLadder.objects.filter(
            Q(region__isnull=True) | scope_q(actor, Perm.ALERTS_CONFIGURE, "region__code")
        )
        .select_related("region")
        .prefetch_related("steps")
    )


@dataclass(frozen=True)
class AlertFilters:
    status: str = "active"  # "active", "closed", "all" or one status
    kind: str = ""
    severity: str = ""
    elder_id: Any = None


def alert_list(*, actor: Any, filters: AlertFilters | None = None) -> QuerySet[Alert]:
    filters = filters or AlertFilters()
    qs = Alert.objects.visible_to(actor, Perm.ALERTS_VIEW).select_related("elder", "assignee")
    if filters.status == "active":
        qs = qs.filter(status__in=ACTIVE_STATUSES)
    elif filters.status == "closed":
        qs = qs.exclude(status__in=ACTIVE_STATUSES)
    elif filters.status in AlertStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.elder_id:
        qs = qs.filter(elder_id=filters.elder_id)
    return qs.order_by("-severity_rank", "created_at", "id")


def alert_get_for(*, actor: Any, alert_id: Any, perm: str = Perm.ALERTS_VIEW) -> Alert:
    try:
        return (
            Alert.objects.visible_to(actor, perm)
            .select_related("elder", "assignee", "acknowledged_by", "resolved_by")
            .get(pk=alert_id)
        )
    except (Alert.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    except Exception as exc:  # malformed UUIDs raise ValidationError on some backends
        from django.core.exceptions import ValidationError

        if isinstance(exc, ValidationError):
            raise NotFound() from exc
        raise


def referral_of(alert: Alert) -> Referral | None:
    """The referral to home care that closed ``alert``, if any (the alert is already in scope)."""
    return Referral.objects.filter(alert_id=alert.pk).first()


def referrals_open(*, actor: Any) -> QuerySet[Referral]:
    """Alerts resolved by a referral to home care that no care order answers yet, in the
    regions where ``actor`` may order care."""
    return (
        Referral.objects.visible_to(actor, Perm.CARE_ORDER)
        .filter(order_id__isnull=True)
        .select_related("alert", "elder")
        .order_by("created_at")
    )


def referral_open_for(*, actor: Any, alert_id: Any, elder_id: Any) -> Referral:
    """The open referral of ``alert_id`` for this elder, or NotFound (malformed, answered,
    another elder's or out of the actor's scope alike)."""
    try:
        key = uuid.UUID(str(alert_id))
    except (ValueError, TypeError):
        raise NotFound() from None
    found = referrals_open(actor=actor).filter(elder_id=elder_id, alert_id=key).first()
    if found is None:
        raise NotFound()
    return found


def alert_timeline(alert: Alert) -> list[AlertEvent]:
    return list(alert.events.select_related("actor").order_by("at", "id"))


def alert_attempts(alert: Alert) -> list[NotificationAttempt]:
    return list(alert.attempts.order_by("at", "id"))


def alert_changes_since(*, actor: Any, since: dt.datetime) -> QuerySet[Alert]:
    """Visible alerts changed after ``since`` (for the live console's stream)."""
    return Alert.objects.visible_to(actor, Perm.ALERTS_VIEW).filter(updated_at__gt=since)


def alert_handlers(*, actor: Any, alert: Alert) -> list[Any]:
    """People the alert can be assigned to: handlers whose grant covers its community."""
    from silvercare.accounts.models import RoleGrant
    from silvercare.accounts.roles import ROLE_PERMISSIONS
    from silvercare.regions.choices import code_prefix

    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.ALERTS_HANDLE in perms]
    users: dict[int, Any] = {}
    for grant in RoleGrant.objects.filter(role__in=roles, user__is_active=True).select_related(
        "user", "region"
    ):
        if alert.region_code.startswith(code_prefix(grant.region.code, grant.region.level)):
            users.setdefault(grant.user_id, grant.user)
    return sorted(users.values(), key=lambda u: u.username)


FALL_RATE_DAYS = 30


@dataclass(frozen=True)
class FallAlarmRate:
    """Fall alerts of a device or an elder over the last ``days`` days, and how many of them
    an operator resolved as a false alarm."""

    falls: int
    false_alarms: int
    days: int = FALL_RATE_DAYS

    @property
    def rate(self) -> float | None:
        """False alarms per fall alert (None without any fall alert)."""
        return self.false_alarms / self.falls if self.falls else None

    @property
    def rate_percent(self) -> str:
        return "—" if self.rate is None else f"{self.rate:.0%}"


def fall_alarm_rate(
    *,
    actor: Any,
    elder_id: Any = None,
    device_serial: str = "",
    perm: str = Perm.ALERTS_VIEW,
    now: dt.datetime | None = None,
    days: int = FALL_RATE_DAYS,
) -> FallAlarmRate:
    """The false-alarm rate of the fall alerts (opened in the last ``days`` days) of one
    elder or of one device (the alert's first device), among the alerts ``actor`` may see
    with ``perm``. Device flags and the server-side detector both count."""
    from django.db.models import Count
    from django.utils import timezone

    from silvercare.alerts.choices import AlertKind

    if elder_id is None and not device_serial:
        raise ValueError("fall_alarm_rate needs an elder or a device")
    since = (now or timezone.now()) - dt.timedelta(days=days)
    qs = Alert.objects.visible_to(actor, perm).filter(
        kind=AlertKind.FALL, first_occurred_at__gte=since
    )
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    if device_serial:
        qs = qs.filter(device_serial=device_serial)
    counts = qs.aggregate(
        falls=Count("id"), false_alarms=Count("id", filter=Q(status=AlertStatus.FALSE_ALARM))
    )
    return FallAlarmRate(falls=counts["falls"], false_alarms=counts["false_alarms"], days=days)


def alerts_of_elder(*, elder_id: Any, limit: int = 20) -> list[Alert]:
    """An elder's latest alerts, newest first, NOT scoped: for callers that have checked
    the reader's access to this elder another way (the family view: the account is the
    elder's contact and the elder consents to monitoring)."""
    return list(
        Alert.objects.filter(elder_id=elder_id)
        .select_related("elder")
        .order_by("-created_at", "id")[:limit]
    )


def acknowledgement_facts(
    *, start: dt.datetime, end: dt.datetime, within_s: int = 60
) -> dict[str, dict[str, Any]]:
    """Per community: alerts first raised in [start, end), how many were acknowledged within
    ``within_s`` seconds, and how long the acknowledged ones took as a histogram of whole
    seconds (``ack_seconds``: {seconds: alerts}, which adds up across areas and periods, for
    the median), for the indicators; no elder is named. Two grouped queries."""
    from django.db import connection
    from django.db.models import Count, F
    from django.db.models.expressions import RawSQL

    raised = Alert.objects.filter(first_occurred_at__gte=start, first_occurred_at__lt=end)
    in_time = Q(acknowledged_at__lte=F("first_occurred_at") + dt.timedelta(seconds=within_s))
    facts: dict[str, dict[str, Any]] = {
        row["region_code"]: {
            "alerts": row["n"],
            "acknowledged_in_time": row["in_time"],
            "ack_seconds": {},
        }
        for row in raised.values("region_code").annotate(
            n=Count("id"), in_time=Count("id", filter=in_time)
        )
    }
    if connection.vendor == "postgresql":
        took = "floor(extract(epoch from acknowledged_at - first_occurred_at))::int"
    else:  # SQLite stores ISO text: julian days, whose float error (~50 µs) could turn 59 s
        # into 58.99999: rounded to whole milliseconds first, then whole seconds.
        took = (
            "CAST(ROUND((julianday(acknowledged_at) - julianday(first_occurred_at)) * 86400000)"
            " AS INT) / 1000"
        )
    histogram = (
        raised.filter(acknowledged_at__isnull=False)
        .annotate(took=RawSQL(took, ()))  # noqa: S611 - a fixed expression, no input in it
        .values("region_code", "took")
        .annotate(n=Count("id"))
    )
    for row in histogram:
        seconds = max(0, int(row["took"]))
        bins = facts[row["region_code"]]["ack_seconds"]
        bins[seconds] = bins.get(seconds, 0) + row["n"]
    return facts
