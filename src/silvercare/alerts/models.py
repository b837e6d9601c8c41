"""Alerts, their timelines, escalation ladders, notification attempts and referrals."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.alerts.choices import (
    ACTIVE_STATUSES,
    AlertKind,
    AlertStatus,
    Channel,
    EventType,
    Outcome,
    Recipient,
    Resolution,
    Severity,
)
from silvercare.common.models import TimeStampedModel


class AlertQuerySet(RegionScopedQuerySet["Alert"]):
    region_field = "region_code"

    def active(self) -> AlertQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)


class Alert(TimeStampedModel):
    """Something about an elder that a person must look at, from open to resolved.

    At most one alert per elder and kind is active (open, acknowledged or in progress): later
    events of the same kind attach to it. ``region_code`` copies the elder's community at
    raise time, for scope. The escalation timer is durable: ``escalation_step`` is the index
    of the last ladder step fired (-1 none) and ``next_escalation_at`` when the loop must look
    at the alert again (null: nothing to do, e.g. acknowledged).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="+", verbose_name=_("elder")
    )
    region_code = models.CharField(_("community"), max_length=12, db_index=True)
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=AlertStatus.choices, default=AlertStatus.OPEN
    )
    reason = models.CharField(_("reason"), max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    source = models.CharField(_("source"), max_length=32, blank=True)
    device_serial = models.CharField(_("device"), max_length=64, blank=True)
    first_occurred_at = models.DateTimeField(_("first occurred"))
    last_occurred_at = models.DateTimeField(_("last occurred"))
    event_count = models.PositiveIntegerField(default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignee"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution = models.CharField(
        _("resolution"), max_length=16, choices=Resolution.choices, blank=True
    )
    resolution_note = models.TextField(_("resolution note"), blank=True)
    escalation_step = models.SmallIntegerField(default=-1)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-severity_rank", "created_at", "id"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "kind"],
                condition=Q(status__in=list(ACTIVE_STATUSES)),
                name="alert_one_active_per_elder_kind",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "region_code"], name="alert_status_region"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.severity} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class AlertEvent(models.Model):
    """One entry of an alert's timeline. Append-only."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(_("event"), max_length=16, choices=EventType.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, blank=True)
    reason = models.CharField(max_length=64, blank=True)
    params = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["alert_id", "at", "id"]
        verbose_name = _("alert event")
        verbose_name_plural = _("alert events")

    def __str__(self) -> str:
        return f"{self.type} {self.at:%Y-%m-%d %H:%M:%S}"


class EscalationLadder(TimeStampedModel):
    """The escalation policy for alerts of one severity in one region (and its sub-regions).

    The ladder of the longest region prefix covering the elder's community wins; a ladder
    without region is the city-wide default.
    """

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["region_id", "severity"]
        verbose_name = _("escalation ladder")
        verbose_name_plural = _("escalation ladders")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "severity"], name="ladder_one_per_region_severity"
            ),
            models.UniqueConstraint(
                fields=["severity"],
                condition=Q(region__isnull=True),
                name="ladder_one_default_per_severity",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.region_id or '*'} {self.severity}"


class EscalationStep(models.Model):
    """One rung: who to notify, through which channels (tried in order, a failed one falls
    through to the next), how long after the alert was raised, and how often to remind
    while nobody acknowledges."""

    ladder = models.ForeignKey(EscalationLadder, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("order"))
    recipient = models.CharField(_("recipient"), max_length=20, choices=Recipient.choices)
    channels = models.JSONField(_("channels"), default=list)
    delay_seconds = models.PositiveIntegerField(_("delay (seconds after raise)"), default=0)
    repeat_seconds = models.PositiveIntegerField(_("remind every (seconds, 0 = never)"), default=0)

    class Meta:
        ordering = ["ladder_id", "position"]
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        constraints = [
            models.UniqueConstraint(fields=["ladder", "position"], name="step_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.recipient} +{self.delay_seconds}s"


class NotificationAttempt(models.Model):
    """One try to reach one recipient through one channel, with its outcome."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="attempts")
    at = models.DateTimeField(_("at"), db_index=True)
    step = models.SmallIntegerField(default=0)
    recipient_kind = models.CharField(max_length=20, choices=Recipient.choices)
    recipient = models.CharField(_("recipient"), max_length=120)  # masked
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    error = models.CharField(_("error"), max_length=255, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["alert_id", "at", "id"]
        verbose_name = _("notification attempt")
        verbose_name_plural = _("notification attempts")

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient} {self.outcome}"


class ReferralQuerySet(RegionScopedQuerySet["Referral"]):
    region_field = "region_code"


class Referral(TimeStampedModel):
    """A referral to home care recorded when an alert is resolved: it waits on the home-care
    pages until somebody places a care order from it (``order_id``, set when the home-care
    capability announces the order)."""

    alert = models.OneToOneField(Alert, on_delete=models.CASCADE, related_name="referral")
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region_code = models.CharField(max_length=12, db_index=True)
    note = models.TextField(_("note"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    order_id = models.UUIDField(_("care order"), null=True, blank=True)
    ordered_at = models.DateTimeField(_("ordered at"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("home-care referral")
        verbose_name_plural = _("home-care referrals")

    def __str__(self) -> str:
        return f"referral {self.alert_id}"
