"""Health thresholds with a duration and hysteresis, per metric, direction and severity.

A *limit* ``spo2 / below / urgent = {limit: 90, duration_s: 120, margin: 2}`` reads
"SpO2 < 90 for 2 minutes is urgent; it ends once SpO2 ≥ 92". Each limit runs its own
three-phase machine (normal → pending → active) over the readings of its metric; see
docs/monitoring-rules.md for the exact semantics.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from silvercare.monitoring.rules.config import known_keys, number
from silvercare.monitoring.rules.defaults import METRICS, thresholds_for
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import SEVERITIES, Signal
from silvercare.monitoring.rules.timeutil import iso, utc

NAME = "thresholds"
KIND = "vital_sign"

#: Reading kind → (field, metric) pairs: the message schema v1 (monitoring/schema.py).
FIELD_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    "hr": (("bpm", "heart_rate"),),
    "spo2": (("percent", "spo2"),),
    "bp": (("systolic", "bp_systolic"), ("diastolic", "bp_diastolic"), ("pulse", "heart_rate")),
    "glucose": (("mmol_l", "glucose"),),
    "temperature": (("celsius", "temperature"),),
    "bed": (("hr", "heart_rate"),),
}
KINDS = frozenset(FIELD_METRICS)

NORMAL, PENDING, ACTIVE = 0, 1, 2
MIN_GAP_S = 60.0

State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Limit:
    key: str  # state key, "spo2.below.urgent"
    metric: str
    below: bool
    limit: float
    clear_at: float  # limit + margin (below) or limit - margin (above)
    duration: float  # seconds
    max_gap: float  # seconds between two readings before the duration restarts
    severity: str
    reason: str  # "spo2_below"
    unit: str


@dataclass(frozen=True, slots=True)
class ThresholdConfig:
    by_metric: dict[str, tuple[Limit, ...]]


def compile_config(
    conditions: Iterable[str] = (), overrides: Mapping[str, Any] | None = None
) -> ThresholdConfig:
    data = thresholds_for(conditions, overrides)
    by_metric: dict[str, tuple[Limit, ...]] = {}
    for metric, directions in data.items():
        path = f"thresholds.{metric}"
        if metric not in METRICS:
            raise RuleConfigError(path, "unknown_metric", f"unknown metric {metric!r}")
        if not isinstance(directions, Mapping):
            raise RuleConfigError(path, "invalid_type", "expected an object")
        limits: list[Limit] = []
        for direction, levels in directions.items():
            dpath = f"{path}.{direction}"
            if direction not in ("below", "above"):
                raise RuleConfigError(dpath, "invalid_direction", "expected 'below' or 'above'")
            if not isinstance(levels, Mapping):
                raise RuleConfigError(dpath, "invalid_type", "expected an object")
            for severity, spec in levels.items():
                lpath = f"{dpath}.{severity}"
                if severity not in SEVERITIES:
                    raise RuleConfigError(lpath, "invalid_severity", "unknown severity")
                if not isinstance(spec, Mapping):
                    raise RuleConfigError(lpath, "invalid_type", "expected an object")
                known_keys(spec, {"limit", "duration_s", "margin", "max_gap_s"}, lpath + ".")
                if "limit" not in spec:
                    raise RuleConfigError(f"{lpath}.limit", "required", "a limit is required")
                limit = number(spec, "limit", lpath + ".", 0.0, minimum=-1000, maximum=1000)
                duration = number(spec, "duration_s", lpath + ".", 0.0, minimum=0, maximum=86400)
                margin = number(spec, "margin", lpath + ".", 0.0, minimum=0, maximum=1000)
                max_gap = number(
                    spec,
                    "max_gap_s",
                    lpath + ".",
                    max(duration, MIN_GAP_S),
                    minimum=1,
                    maximum=86400,
                )
                below = direction == "below"
                limits.append(
                    Limit(
                        key=f"{metric}.{direction}.{severity}",
                        metric=metric,
                        below=below,
                        limit=limit,
                        clear_at=limit + margin if below else limit - margin,
                        duration=duration,
                        max_gap=max_gap,
                        severity=severity,
                        reason=f"{metric}_{direction}",
                        unit=METRICS[metric],
                    )
                )
        if limits:
            by_metric[metric] = tuple(limits)
    return ThresholdConfig(by_metric=by_metric)


def _minutes(seconds: float) -> float | int:
    minutes = seconds / 60
    return int(minutes) if minutes == int(minutes) else round(minutes, 1)


def _fire(lim: Limit, value: float, since: float, t: float) -> Signal:
    return Signal(
        kind=KIND,
        severity=lim.severity,
        occurred_at=utc(t),
        reason=lim.reason,
        params={
            "metric": lim.metric,
            "value": value,
            "limit": lim.limit,
            "unit": lim.unit,
            "duration_s": lim.duration,
            "minutes": _minutes(lim.duration),
            "since": iso(since),
        },
    )


def _clear(lim: Limit, value: float, t: float) -> Signal:
    return Signal(
        kind=KIND,
        severity=lim.severity,
        occurred_at=utc(t),
        reason=lim.reason,
        params={
            "metric": lim.metric,
            "value": value,
            "limit": lim.limit,
            "unit": lim.unit,
            "clear_at": lim.clear_at,
        },
        clears=True,
    )


def evaluate(config: ThresholdConfig, state: State, reading: Reading) -> tuple[State, list[Signal]]:
    """Feed one reading to every limit of the metrics it carries (:data:`FIELD_METRICS`).

    Per-limit state is ``[phase, since, last]`` (phase 0 normal, 1 pending, 2 active; ``since``
    is when the current run of breaching readings began; ``last`` the newest reading's time).
    Readings not newer than ``last`` are ignored for that limit.
    """
    signals: list[Signal] = []
    t = reading.t
    by_metric = config.by_metric
    values = reading.values
    for field, metric in FIELD_METRICS.get(reading.kind, ()):
        value = values.get(field)
        limits = by_metric.get(metric)
        if limits is None or value.__class__ not in (int, float) or value != value:
            continue  # absent, not watched, not a number (None, bool, str) or NaN
        for lim in limits:
            st = state.get(lim.key)
            if st is None:
                st = state[lim.key] = [NORMAL, t, t]
            elif t <= st[2]:
                continue
            phase = st[0]
            if phase == ACTIVE:
                st[2] = t
                if (value >= lim.clear_at) if lim.below else (value <= lim.clear_at):
                    st[0] = NORMAL
                    signals.append(_clear(lim, value, t))
                continue
            if (value < lim.limit) if lim.below else (value > lim.limit):
                if phase == NORMAL or t - st[2] > lim.max_gap:
                    st[1] = t
                st[2] = t
                if t - st[1] >= lim.duration:
                    st[0] = ACTIVE
                    signals.append(_fire(lim, value, st[1], t))
                else:
                    st[0] = PENDING
            else:
                st[0] = NORMAL
                st[2] = t
    return state, signals
