"""Medication schedules: a pill box "opened" event in a dose's window counts as taken.

Each dose ``{"id": "morning", "time": "08:00", "window_min": 30}`` occurs every day at
``time`` ± ``window_min`` local time. Not taken by the window's end: a ``medication_reminder``
Signal (for the elder's device). Still not taken ``alert_after_min`` later: a
``medication_missed`` Signal (an alert for the family). An opening up to that second deadline
still counts (taken late, no alert). Exact semantics: docs/monitoring-rules.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from silvercare.monitoring.rules.config import integer, known_keys, number, severity, text
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.timeutil import at, hhmm, local_date, parse_hhmm, utc, zone

NAME = "medication"
KINDS = frozenset({"pill_box"})

TAKEN, REMINDED, MISSED = "t", "r", "m"
KEEP_DAYS = 3

State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Dose:
    id: str
    name: str
    time: time
    window: float  # seconds either side of ``time``
    compartment: int | None  # the pill box compartment holding this dose, if it has several


@dataclass(frozen=True, slots=True)
class MedicationConfig:
    tz: ZoneInfo
    doses: tuple[Dose, ...]
    alert_after: float  # seconds after the window's end
    severity: str


def compile_config(spec: Mapping[str, Any], timezone: str) -> MedicationConfig:
    p = "medication."
    known_keys(spec, {"doses", "alert_after_min", "severity"}, p)
    raw = spec.get("doses", [])
    if not isinstance(raw, Sequence) or isinstance(raw, str) or len(raw) > 24:
        raise RuleConfigError(p + "doses", "invalid_type", "expected a list of ≤ 24 doses")
    doses: list[Dose] = []
    for i, item in enumerate(raw):
        dp = f"{p}doses[{i}]."
        if not isinstance(item, Mapping):
            raise RuleConfigError(dp[:-1], "invalid_type", "expected an object")
        known_keys(item, {"id", "name", "time", "window_min", "compartment"}, dp)
        clock = parse_hhmm(item.get("time"), dp + "time")
        compartment = (
            integer(item, "compartment", dp, 1, minimum=1, maximum=64)
            if item.get("compartment") is not None
            else None
        )
        doses.append(
            Dose(
                id=text(item, "id", dp, hhmm(clock)) or hhmm(clock),
                name=text(item, "name", dp),
                time=clock,
                window=number(item, "window_min", dp, 30.0, minimum=1, maximum=180) * 60,
                compartment=compartment,
            )
        )
    if len({d.id for d in doses}) != len(doses):
        raise RuleConfigError(p + "doses", "duplicate_dose", "dose ids must be unique")
    doses.sort(key=lambda d: d.time)
    return MedicationConfig(
        tz=zone(timezone),
        doses=tuple(doses),
        alert_after=number(spec, "alert_after_min", p, 30.0, minimum=0, maximum=720) * 60,
        severity=severity(spec, "severity", p, "warning"),
    )


def _occurrences(
    config: MedicationConfig, t: float
) -> list[tuple[str, Dose, date, float, float, float]]:
    """Dose occurrences of the local day of ``t`` and the day before, in time order:
    ``(key, dose, day, window start, window end, alert due)``."""
    today = local_date(t, config.tz)
    found = []
    for day in (today - timedelta(days=1), today):
        for dose in config.doses:
            centre = at(day, dose.time, config.tz)
            end = centre + dose.window
            found.append(
                (
                    f"{day.isoformat()}/{dose.id}",
                    dose,
                    day,
                    centre - dose.window,
                    end,
                    end + config.alert_after,
                )
            )
    return found


def _params(dose: Dose, day: date) -> dict[str, Any]:
    return {
        "dose": dose.id,
        "name": dose.name,
        "time": hhmm(dose.time),
        "window_min": round(dose.window / 60),
        "date": day.isoformat(),
    }


def evaluate(
    config: MedicationConfig, state: State, reading: Reading
) -> tuple[State, list[Signal]]:
    """A ``pill_box`` reading with ``opened`` (default true) marks as taken the earliest open
    occurrence whose window (up to its alert deadline) contains it, among the doses of its
    ``compartment`` when both the dose and the reading name one.
    State: ``{"since": t, "doses": {key: status}}``."""
    values = reading.values
    if values.get("opened", True) is not True:
        return state, []
    compartment = values.get("compartment")
    t = reading.t
    state.setdefault("since", t)
    doses: dict[str, str] = state.setdefault("doses", {})
    for key, dose, _day, start, _end, due in _occurrences(config, t):
        if None not in (dose.compartment, compartment) and dose.compartment != compartment:
            continue
        if start <= t <= due and doses.get(key) not in (TAKEN, MISSED):
            doses[key] = TAKEN
            break
    return state, []


def tick(config: MedicationConfig, state: State, now: datetime) -> tuple[State, list[Signal]]:
    """Remind at a window's end, alert ``alert_after`` later, once each, for the occurrences
    of today and yesterday whose window began after the schedule was first seen."""
    t = now.timestamp()
    since = state.setdefault("since", t)
    doses: dict[str, str] = state.setdefault("doses", {})
    signals: list[Signal] = []
    for key, dose, day, start, end, due in _occurrences(config, t):
        if start < since or t < end:
            continue
        status = doses.get(key)
        if status in (TAKEN, MISSED):
            continue
        if t >= due:
            doses[key] = MISSED
            signals.append(
                Signal(
                    "medication_missed",
                    config.severity,
                    utc(due),
                    "dose_missed",
                    _params(dose, day),
                )
            )
        elif status != REMINDED:
            doses[key] = REMINDED
            signals.append(
                Signal("medication_reminder", "info", utc(end), "dose_due", _params(dose, day))
            )
    oldest = (local_date(t, config.tz) - timedelta(days=KEEP_DAYS)).isoformat()
    for key in [k for k in doses if k[:10] < oldest]:
        del doses[key]
    return state, signals
