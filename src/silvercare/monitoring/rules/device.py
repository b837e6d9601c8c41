"""Device health: offline for too long (from the newest reading's time), battery low.

One state per elder holds every device of the elder that has sent something:
``{"devices": {serial: [last_seen, offline (0/1), battery_low (0/1)]}}``.
Every reading of any kind refreshes ``last_seen``; ``battery`` readings (``percent``) drive
the battery check. A device never heard from is not watched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from silvercare.monitoring.rules.config import known_keys, number, section, severity
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.timeutil import iso, utc

NAME = "device"
KINDS = None  # every kind

State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    offline_after: float  # seconds
    per_device: dict[str, float]  # serial → seconds
    watched: frozenset[str] | None  # serials bound to the elder, None = every serial seen
    battery_low: float
    battery_clear: float
    offline_severity: str
    battery_severity: str


def compile_config(spec: Mapping[str, Any]) -> DeviceConfig:
    p = "device."
    known_keys(
        spec,
        {
            "offline_minutes",
            "per_device_offline_minutes",
            "devices",
            "battery_low_pct",
            "battery_margin_pct",
            "offline_severity",
            "battery_severity",
        },
        p,
    )
    per = section(spec, "per_device_offline_minutes", p)
    per_device = {
        str(serial): number(
            per, serial, f"{p}per_device_offline_minutes.", 0, minimum=1, maximum=100000
        )
        * 60
        for serial in per
    }
    devices = spec.get("devices")
    if devices is not None and (
        not isinstance(devices, list) or not all(isinstance(s, str) for s in devices)
    ):
        raise RuleConfigError(p + "devices", "invalid_type", "expected a list of serials")
    low = number(spec, "battery_low_pct", p, 20.0, minimum=0, maximum=100)
    margin = number(spec, "battery_margin_pct", p, 5.0, minimum=0, maximum=100)
    return DeviceConfig(
        offline_after=number(spec, "offline_minutes", p, 30.0, minimum=1, maximum=100000) * 60,
        per_device=per_device,
        watched=frozenset(devices) if devices is not None else None,
        battery_low=low,
        battery_clear=low + margin,
        offline_severity=severity(spec, "offline_severity", p, "warning"),
        battery_severity=severity(spec, "battery_severity", p, "warning"),
    )


def evaluate(config: DeviceConfig, state: State, reading: Reading) -> tuple[State, list[Signal]]:
    t = reading.t
    serial = reading.device_serial
    devices = state.get("devices")
    if devices is None:
        devices = state["devices"] = {}
    dev = devices.get(serial)
    if dev is None:
        dev = devices[serial] = [t, 0, 0]
    signals: list[Signal] = []
    if t > dev[0]:
        dev[0] = t
        if dev[1]:  # a newer reading ends "offline"; an older (buffered) one does not
            dev[1] = 0
            signals.append(
                Signal(
                    "device_offline",
                    config.offline_severity,
                    utc(t),
                    "device_offline",
                    {"serial": serial},
                    clears=True,
                )
            )
    if reading.kind != "battery":
        return state, signals
    battery = reading.values.get("percent")
    if battery.__class__ in (int, float):
        if not dev[2] and battery < config.battery_low:
            dev[2] = 1
            signals.append(
                Signal(
                    "battery_low",
                    config.battery_severity,
                    utc(t),
                    "battery_below",
                    {"serial": serial, "value": battery, "limit": config.battery_low},
                )
            )
        elif dev[2] and battery >= config.battery_clear:
            dev[2] = 0
            signals.append(
                Signal(
                    "battery_low",
                    config.battery_severity,
                    utc(t),
                    "battery_below",
                    {"serial": serial, "value": battery, "limit": config.battery_low},
                    clears=True,
                )
            )
    return state, signals


def tick(config: DeviceConfig, state: State, now: datetime) -> tuple[State, list[Signal]]:
    devices = state.get("devices")
    if not devices:
        return state, []
    t = now.timestamp()
    signals: list[Signal] = []
    for serial, dev in devices.items():
        if dev[1] or (config.watched is not None and serial not in config.watched):
            continue
        after = config.per_device.get(serial, config.offline_after)
        if t - dev[0] >= after:
            dev[1] = 1
            signals.append(
                Signal(
                    "device_offline",
                    config.offline_severity,
                    utc(dev[0] + after),
                    "device_offline",
                    {
                        "serial": serial,
                        "minutes": round(after / 60),
                        "last_seen": iso(dev[0]),
                    },
                )
            )
    return state, signals
