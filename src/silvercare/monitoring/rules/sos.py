"""Calls for help: SOS presses, the device-side fall flag and the home alarms.

Every ``sos`` reading is a Signal (the alerts app attaches it to the elder's open SOS alert):
urgent, or critical when it brings the presses within ``repeat_window_s`` to
``repeat_count`` or more (a reading may carry several ``presses``). A ``fall_flag`` reading
(the device's own detector) is a ``fall`` Signal; ``fall_cancel`` (the wearer cancelled it on
the device) is the clearing ``fall`` Signal. Nothing here waits for time: SOS is never
delayed, and a late (out-of-order) press still fires. A ``smoke``, ``gas`` or ``water_leak``
reading whose ``alarm`` is true is an ``environment`` Signal (critical by default; the reason is
the sensor kind); the same sensor reporting ``alarm: false`` clears it.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from silvercare.monitoring.rules.config import integer, known_keys, number, severity
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.timeutil import utc

NAME = "sos"
HOME_ALARMS = frozenset({"smoke", "gas", "water_leak"})
KINDS = frozenset({"sos", "fall_flag", "fall_cancel"}) | HOME_ALARMS

State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class SosConfig:
    repeat_count: int
    repeat_window: float
    severity: str
    repeat_severity: str
    fall_severity: str
    environment_severity: str


def compile_config(spec: Mapping[str, Any]) -> SosConfig:
    p = "sos."
    known_keys(
        spec,
        {
            "repeat_count",
            "repeat_window_s",
            "severity",
            "repeat_severity",
            "fall_severity",
            "environment_severity",
        },
        p,
    )
    return SosConfig(
        repeat_count=integer(spec, "repeat_count", p, 3, minimum=2, maximum=20),
        repeat_window=number(spec, "repeat_window_s", p, 60.0, minimum=1, maximum=3600),
        severity=severity(spec, "severity", p, "urgent"),
        repeat_severity=severity(spec, "repeat_severity", p, "critical"),
        fall_severity=severity(spec, "fall_severity", p, "critical"),
        environment_severity=severity(spec, "environment_severity", p, "critical"),
    )


def _where(values: Mapping[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    for key in ("lat", "lon", "accuracy_m"):
        if key in values:
            params[key] = values[key]
    return params


def evaluate(config: SosConfig, state: State, reading: Reading) -> tuple[State, list[Signal]]:
    """State: ``{"presses": [times of the presses within the repeat window, sorted]}``."""
    t = reading.t
    values = reading.values
    kind = reading.kind
    if kind == "fall_flag" or kind == "fall_cancel":
        params = _where(values, {"serial": reading.device_serial})
        for key in ("confidence", "ref"):
            if key in values:
                params[key] = values[key]
        return state, [
            Signal(
                "fall",
                config.fall_severity,
                utc(t),
                "fall_detected",
                params,
                clears=kind == "fall_cancel",
            )
        ]
    if kind in HOME_ALARMS:
        return state, [
            Signal(
                "environment",
                config.environment_severity,
                utc(t),
                kind,
                {"serial": reading.device_serial},
                clears=values.get("alarm") is not True,
            )
        ]
    if kind != "sos":
        return state, []
    given = values.get("presses", 1)
    n = given if given.__class__ is int and 1 <= given <= 100 else 1
    presses: list[float] = state.get("presses", [])
    newest = max(presses[-1], t) if presses else t
    presses = [p for p in presses if p > newest - config.repeat_window]
    for _ in range(n):
        bisect.insort(presses, t)
    state["presses"] = presses
    count = sum(1 for p in presses if t - config.repeat_window < p <= t)
    repeated = count >= config.repeat_count
    params = _where(
        values,
        {"serial": reading.device_serial, "presses": count, "window_s": config.repeat_window},
    )
    return state, [
        Signal(
            "sos",
            config.repeat_severity if repeated else config.severity,
            utc(t),
            "sos_repeated" if repeated else "sos_pressed",
            params,
        )
    ]
