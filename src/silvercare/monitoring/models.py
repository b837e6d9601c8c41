"""Devices, their bindings to elders, and what they report (docs/devices.md).

Readings are a time-series table: on PostgreSQL partitioned by month on ``ts`` with a BRIN
index (migration 0002); on SQLite a plain table. Because a partitioned table's unique keys
must contain the partition key, redeliveries are dropped through ``MessageSeen``, a plain
table with one row per (device, message id)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.monitoring.choices import (
    DeadLetterReason,
    DeviceStatus,
    DeviceType,
    PendingFallState,
    Placement,
)


class DeviceQuerySet(RegionScopedQuerySet["Device"]):
    region_field = "region__code"


class Device(TimeStampedModel):
    """A registered device. Its region is the bound elder's community (the registering
    worker's area while unbound). The secret is never stored: ``secret_hash`` is a Django
    password hash (HTTPS ingest), ``mqtt_hash`` the same secret in Mosquitto's
    PBKDF2-SHA512 ``$7$`` form, written to the broker's password file."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    type = models.CharField(_("type"), max_length=24, choices=DeviceType.choices)
    model_name = models.CharField(_("model"), max_length=100, blank=True)
    firmware = models.CharField(_("firmware"), max_length=50, blank=True)
    placement = models.CharField(
        _("placement"), max_length=8, choices=Placement.choices, default=Placement.NONE
    )
    status = models.CharField(
        _("status"), max_length=8, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    elder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("elder"),
    )
    battery = models.PositiveSmallIntegerField(_("battery (%)"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    secret_hash = models.CharField(max_length=200)
    mqtt_hash = models.CharField(max_length=200)
    credential_rotated_at = models.DateTimeField()
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["serial"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [models.Index(fields=["region", "serial"], name="device_region_serial")]

    def __str__(self) -> str:
        return f"{self.serial} ({self.type})"


class DeviceBinding(models.Model):
    """One period during which a device belonged to an elder; ``bound_to`` is open while it
    lasts. History is never edited: unbinding closes the period."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="bindings")
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    bound_from = models.DateTimeField(_("from"))
    bound_to = models.DateTimeField(_("to"), null=True, blank=True)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["device_id", "-bound_from", "-id"]
        verbose_name = _("device binding")
        verbose_name_plural = _("device bindings")
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(bound_to__isnull=True),
                name="device_one_open_binding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.device_id} → {self.elder_id}"


class MessageSeen(models.Model):
    """A message id already stored for a device: redeliveries are dropped against it.
    Written only by the ingest, for a device it has just looked up: no database foreign key
    and no index of its own on the device (the unique constraint leads with it), which
    spares a check and an index entry per message."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, db_constraint=False, db_index=False, related_name="+"
    )
    msg_id = models.CharField(max_length=64)
    ts = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["device", "msg_id"], name="message_seen_once")
        ]

    def __str__(self) -> str:
        return f"{self.device_id}/{self.msg_id}"


class Reading(models.Model):
    """One stored message (time series). ``value`` holds the kind's fields; ``elder_id`` is
    the elder the device was bound to when it arrived. No database foreign keys: on
    PostgreSQL this table is partitioned by month and written in bulk."""

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(
        Device, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    elder_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=24)
    ts = models.DateTimeField(_("time"))
    received_at = models.DateTimeField()
    msg_id = models.CharField(max_length=64)
    value = models.JSONField(default=dict)

    class Meta:
        ordering = ["-ts", "-id"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        indexes = [
            models.Index(fields=["device", "-ts"], name="reading_device_ts"),
            models.Index(fields=["elder_id", "kind", "-ts"], name="reading_elder_kind_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.ts:%Y-%m-%d %H:%M:%S}"


class DeviceState(models.Model):
    """The latest reading of each kind of a device: ``latest`` maps kind → {"ts", "value"}.
    A reading older than the stored one of its kind (out of order) never replaces it."""

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, primary_key=True, related_name="state"
    )
    latest = models.JSONField(default=dict)
    last_ts = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["device_id"]
        verbose_name = _("device state")
        verbose_name_plural = _("device states")

    def __str__(self) -> str:
        return f"state of {self.device_id}"


class DeadLetter(models.Model):
    """A message that could not be stored, with the reason. Never holds the data of an
    elder without consent (those are only counted)."""

    received_at = models.DateTimeField(db_index=True)
    serial = models.CharField(max_length=64, blank=True)
    topic = models.CharField(max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=16, choices=DeadLetterReason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    payload = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M:%S} {self.reason} {self.serial}"


class IngestCounter(models.Model):
    """Running totals of the ingest by outcome (accepted, duplicate, no_consent, …)."""

    name = models.CharField(max_length=32, primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class ReadingDaily(models.Model):
    """What the retention command keeps of a day's readings once the raw rows go: per
    device, kind and day the count and, for every numeric field, min / max / mean
    (``stats`` = {"bpm": {"min": 58, "max": 120, "mean": 74.2}})."""

    device = models.ForeignKey(
        Device, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    elder_id = models.UUIDField(null=True, blank=True)
    kind = models.CharField(max_length=24)
    day = models.DateField()
    count = models.PositiveIntegerField()
    stats = models.JSONField(default=dict)

    class Meta:
        ordering = ["device_id", "kind", "day"]
        verbose_name = _("daily summary")
        verbose_name_plural = _("daily summaries")
        constraints = [
            models.UniqueConstraint(fields=["device", "kind", "day"], name="reading_daily_once")
        ]
        indexes = [models.Index(fields=["elder_id", "kind", "day"], name="reading_daily_elder")]

    def __str__(self) -> str:
        return f"{self.device_id} {self.kind} {self.day}"


class ElderRuleConfig(TimeStampedModel):
    """An elder's rule configuration (``monitoring.rules`` spec: thresholds, geofences,
    inactivity schedule, SOS, device health, medication). No row: the defaults."""

    elder = models.OneToOneField(
        "elders.Elder", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    spec = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["elder_id"]
        verbose_name = _("rule configuration")
        verbose_name_plural = _("rule configurations")

    def __str__(self) -> str:
        return f"rules of {self.elder_id}"


class RuleState(models.Model):
    """The rules' memory for one elder (rule name → JSON state), written by the ingest in
    the transaction of the readings that changed it, locked per elder while evaluated."""

    elder_id = models.UUIDField(primary_key=True)
    states = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["elder_id"]

    def __str__(self) -> str:
        return f"rule state of {self.elder_id}"


class FallStreamState(models.Model):
    """The fall detector's memory for one wearable (``monitoring.falls``): the tail of raw
    accelerometer samples a window still needs (``samples``: float64 rows ``t, x, y, z`` with
    ``t`` in Unix seconds and acceleration in g) and the stream's bookkeeping (``meta``).
    Written in the ingest's transaction, so a restarted worker carries on mid-window."""

    device = models.OneToOneField(
        Device, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    placement = models.CharField(max_length=8)
    samples = models.BinaryField(default=b"")
    meta = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["device_id"]

    def __str__(self) -> str:
        return f"fall stream of {self.device_id}"


class PendingFall(models.Model):
    """A fall found by the server-side detector, waiting ``due_at`` for the wearer to cancel
    it on the device (``fall_cancel``) before ``silvercare monitoring-tick`` raises a fall
    alert. ``late_cancel_at`` records a cancel that came after the window (it undoes nothing);
    ``alert_id`` is the alert raised (the alerts app's id, no foreign key across apps)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    placement = models.CharField(_("placement"), max_length=8)
    score = models.FloatField(_("score"))
    detected_at = models.DateTimeField(_("detected at"))
    due_at = models.DateTimeField(_("cancel window ends"))
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=PendingFallState.choices,
        default=PendingFallState.PENDING,
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    late_cancel_at = models.DateTimeField(_("late cancel at"), null=True, blank=True)
    raised_at = models.DateTimeField(_("alert raised at"), null=True, blank=True)
    alert_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-detected_at", "id"]
        verbose_name = _("detected fall")
        verbose_name_plural = _("detected falls")
        indexes = [
            models.Index(fields=["state", "due_at"], name="pending_fall_due"),
            models.Index(fields=["device", "-detected_at"], name="pending_fall_device"),
        ]

    def __str__(self) -> str:
        return f"fall {self.state} {self.device_id} {self.detected_at:%Y-%m-%d %H:%M:%S}"


class HealthProfile(TimeStampedModel):
    """What operators and the rules need to know of an elder's health: conditions (the
    thresholds' defaults by condition, ``rules.defaults``) and the medicines taken (shown on
    an alert). No row: nothing recorded. The conditions are mirrored into the elder's
    ``ElderRuleConfig.spec["conditions"]`` so the ingest compiles them without a query."""

    elder = models.OneToOneField(
        "elders.Elder", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    medications = models.JSONField(_("medications"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["elder_id"]
        verbose_name = _("health profile")
        verbose_name_plural = _("health profiles")

    def __str__(self) -> str:
        return f"health of {self.elder_id}"
