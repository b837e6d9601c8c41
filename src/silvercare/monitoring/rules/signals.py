"""The Signal a rule emits: the shared contract between rules, ingest and alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

# Alert kinds (values of alerts' AlertKind) plus the device-bound reminder.
ALERT_KINDS: frozenset[str] = frozenset(
    {
        "sos",
        "fall",
        "vital_sign",
        "geofence",
        "inactivity",
        "device_offline",
        "battery_low",
        "medication_missed",
        "environment",
    }
)
DEVICE_KINDS: frozenset[str] = frozenset({"medication_reminder"})
SEVERITIES: tuple[str, ...] = ("info", "warning", "urgent", "critical")


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str  # AlertKind value: "sos", "fall", "vital_sign", "geofence", "inactivity",
    # "device_offline", "battery_low", "medication_missed"; or
    # "medication_reminder" (goes to the device, not an alert)
    severity: str  # "info" | "warning" | "urgent" | "critical"
    occurred_at: datetime  # aware, UTC
    reason: str  # machine code e.g. "spo2_below", "left_safe_zone"
    params: dict[str, Any]  # values for the human message: {"value": 88, "limit": 90, "minutes": 2}
    clears: bool = False  # True: the condition ended (hysteresis passed) - alerts may note it
