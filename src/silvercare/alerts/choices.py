"""Alert kinds, severities, statuses, timeline events, ladder recipients and channels."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    SOS = "sos", _("SOS call")
    FALL = "fall", _("Fall")
    VITAL_SIGN = "vital_sign", _("Vital sign")
    GEOFENCE = "geofence", _("Left the safe zone")
    INACTIVITY = "inactivity", _("Inactivity")
    DEVICE_OFFLINE = "device_offline", _("Device offline")
    BATTERY_LOW = "battery_low", _("Battery low")
    MEDICATION_MISSED = "medication_missed", _("Missed medication")
    ENVIRONMENT = "environment", _("Home alarm (smoke, gas, water)")


class Severity(models.TextChoices):
    INFO = "info", _("Info")
    WARNING = "warning", _("Warning")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


SEVERITY_RANK: dict[str, int] = {
    Severity.INFO: 1,
    Severity.WARNING: 2,
    Severity.URGENT: 3,
    Severity.CRITICAL: 4,
}


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    FALSE_ALARM = "false_alarm", _("False alarm")


# Statuses in which an alert is still "open" for the one-per-elder-and-kind rule.
ACTIVE_STATUSES: tuple[str, ...] = (
    AlertStatus.OPEN,
    AlertStatus.ACKNOWLEDGED,
    AlertStatus.IN_PROGRESS,
)
CLOSED_STATUSES: tuple[str, ...] = (AlertStatus.RESOLVED, AlertStatus.FALSE_ALARM)


class EventType(models.TextChoices):
    RAISED = "raised", _("Raised")
    ATTACHED = "attached", _("Further event")
    ESCALATED = "escalated", _("Escalated")
    REMINDED = "reminded", _("Reminder sent")
    NOTIFIED = "notified", _("Notified")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSIGNED = "assigned", _("Assigned")
    NOTE = "note", _("Note")
    RESOLVED = "resolved", _("Resolved")


class Resolution(models.TextChoices):
    HANDLED = "handled", _("Handled")
    FALSE_ALARM = "false_alarm", _("False alarm")
    REFERRAL = "referral", _("Referred to home care")


class Recipient(models.TextChoices):
    FAMILY = "family", _("Family contacts")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    SUPERVISOR = "supervisor", _("Call-centre supervisor")
    EMERGENCY = "emergency", _("Emergency relay")


class Channel(models.TextChoices):
    CONSOLE = "console", _("Console")
    SMS = "sms", _("SMS")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("Email")
    WEBHOOK = "webhook", _("Webhook")


class Outcome(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("No address")
