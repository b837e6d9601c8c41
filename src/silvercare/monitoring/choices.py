from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceType(models.TextChoices):
    WATCH = "watch", _("Smart watch")
    BAND = "band", _("Wristband")
    PENDANT = "pendant", _("Pendant")
    SOS_BUTTON = "sos_button", _("SOS button")
    SOS_CARD = "sos_card", _("SOS card")
    BP_MONITOR = "bp_monitor", _("Blood-pressure monitor")
    GLUCOMETER = "glucometer", _("Glucometer")
    PULSE_OXIMETER = "pulse_oximeter", _("Pulse oximeter")
    THERMOMETER = "thermometer", _("Thermometer")
    BED_SENSOR = "bed_sensor", _("Bed or sleep sensor")
    DOOR_SENSOR = "door_sensor", _("Door sensor")
    MOTION_SENSOR = "motion_sensor", _("Motion (PIR) sensor")
    SMOKE_SENSOR = "smoke_sensor", _("Smoke sensor")
    GAS_SENSOR = "gas_sensor", _("Gas sensor")
    WATER_LEAK_SENSOR = "water_leak_sensor", _("Water-leak sensor")
    PILL_BOX = "pill_box", _("Smart pill box")
    GATEWAY = "gateway", _("Home gateway")


WEARABLE_TYPES = frozenset({DeviceType.WATCH, DeviceType.BAND, DeviceType.PENDANT})


class Placement(models.TextChoices):
    NONE = "none", _("Not worn")
    WRIST = "wrist", _("Wrist")
    WAIST = "waist", _("Waist")
    CHEST = "chest", _("Chest")


class PendingFallState(models.TextChoices):
    PENDING = "pending", _("Waiting for the wearer")
    CANCELLED = "cancelled", _("Cancelled by the wearer")
    RAISED = "raised", _("Alert raised")


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", _("In service")
    RETIRED = "retired", _("Retired")


class DeadLetterReason(models.TextChoices):
    MALFORMED = "malformed", _("Malformed message")
    OVERSIZED = "oversized", _("Message too large")
    UNKNOWN_DEVICE = "unknown_device", _("Unknown device")
    FUTURE = "future", _("Time too far in the future")
    TOPIC_MISMATCH = "topic_mismatch", _("Kind differs from the topic")
    PROCESSING_ERROR = "processing_error", _("Could not be processed")


class Condition(models.TextChoices):
    """Conditions recorded in an elder's health profile. ``copd``, ``hypertension`` and
    ``diabetes`` change the default health thresholds (``rules.defaults``)."""

    HYPERTENSION = "hypertension", _("Hypertension")
    DIABETES = "diabetes", _("Diabetes")
    COPD = "copd", _("COPD")
    HEART_DISEASE = "heart_disease", _("Heart disease")
    DEMENTIA = "dementia", _("Dementia")
    STROKE = "stroke", _("After a stroke")
    PARKINSONS = "parkinsons", _("Parkinson's disease")
    KIDNEY_DISEASE = "kidney_disease", _("Chronic kidney disease")


class ZoneType(models.TextChoices):
    SAFE = "safe", _("Safe zone")
    DANGER = "danger", _("Danger zone")
