"""Inactivity on a schedule, in the elder's local time (default Asia/Shanghai).

- ``no_motion``: no motion for ``hours`` counted only inside the daily ``window``;
- ``out_of_bed``: still in bed at ``by`` without having left it since ``from``;
- ``bed_empty``: the bed empty for more than ``minutes`` inside the night ``window``.

Readings (``motion``, ``door``, ``bed``) update the state and end active conditions; the
conditions themselves are found by :func:`tick`. Exact semantics: docs/monitoring-rules.md.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from silvercare.monitoring.rules.config import known_keys, number, section, severity
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.timeutil import (
    at,
    hhmm,
    iso,
    local_date,
    parse_hhmm,
    utc,
    window_around,
    window_seconds,
    zone,
)

NAME = "inactivity"
KINDS = frozenset({"motion", "door", "bed"})
KIND = "inactivity"

State = dict[str, Any]


@dataclass(frozen=True, slots=True)
class NoMotion:
    seconds: float
    start: time
    end: time
    severity: str


@dataclass(frozen=True, slots=True)
class OutOfBed:
    by: time
    since: time
    severity: str


@dataclass(frozen=True, slots=True)
class BedEmpty:
    seconds: float
    start: time
    end: time
    severity: str


@dataclass(frozen=True, slots=True)
class InactivityConfig:
    tz: ZoneInfo
    no_motion: NoMotion | None
    out_of_bed: OutOfBed | None
    bed_empty: BedEmpty | None


def _window(spec: Mapping[str, Any], path: str, default: tuple[str, str]) -> tuple[time, time]:
    value = spec.get("window", list(default))
    if not isinstance(value, list | tuple) or len(value) != 2:
        raise RuleConfigError(path + "window", "invalid_window", 'expected ["HH:MM", "HH:MM"]')
    start = parse_hhmm(value[0], path + "window[0]")
    end = parse_hhmm(value[1], path + "window[1]")
    if start == end:
        raise RuleConfigError(path + "window", "invalid_window", "the window is empty")
    return start, end


def compile_config(spec: Mapping[str, Any], timezone: str) -> InactivityConfig:
    known_keys(spec, {"no_motion", "out_of_bed", "bed_empty"}, "inactivity.")
    no_motion = out_of_bed = bed_empty = None
    if "no_motion" not in spec or spec["no_motion"] is not None:
        sub = section(spec, "no_motion", "inactivity.")
        p = "inactivity.no_motion."
        known_keys(sub, {"hours", "window", "severity"}, p)
        start, end = _window(sub, p, ("08:00", "20:00"))
        hours = number(sub, "hours", p, 4.0, minimum=0.25, maximum=24)
        if hours * 3600 > window_seconds(start, end):
            raise RuleConfigError(p + "hours", "longer_than_window", "hours exceed the window")
        no_motion = NoMotion(hours * 3600, start, end, severity(sub, "severity", p, "warning"))
    if "out_of_bed" not in spec or spec["out_of_bed"] is not None:
        sub = section(spec, "out_of_bed", "inactivity.")
        p = "inactivity.out_of_bed."
        known_keys(sub, {"by", "from", "severity"}, p)
        by = parse_hhmm(sub.get("by", "09:00"), p + "by")
        since = parse_hhmm(sub.get("from", "04:00"), p + "from")
        if since >= by:
            raise RuleConfigError(p + "from", "invalid_window", "'from' must be before 'by'")
        out_of_bed = OutOfBed(by, since, severity(sub, "severity", p, "warning"))
    if "bed_empty" not in spec or spec["bed_empty"] is not None:
        sub = section(spec, "bed_empty", "inactivity.")
        p = "inactivity.bed_empty."
        known_keys(sub, {"minutes", "window", "severity"}, p)
        start, end = _window(sub, p, ("23:00", "06:00"))
        minutes = number(sub, "minutes", p, 30.0, minimum=1, maximum=720)
        if minutes * 60 > window_seconds(start, end):
            raise RuleConfigError(p + "minutes", "longer_than_window", "minutes exceed the window")
        bed_empty = BedEmpty(minutes * 60, start, end, severity(sub, "severity", p, "urgent"))
    return InactivityConfig(zone(timezone), no_motion, out_of_bed, bed_empty)


def _signal(severity: str, t: float, reason: str, params: dict[str, Any], clears: bool) -> Signal:
    return Signal(KIND, severity, utc(t), reason, params, clears)


def evaluate(
    config: InactivityConfig, state: State, reading: Reading
) -> tuple[State, list[Signal]]:
    """Every ``motion`` and ``door`` reading is activity; ``bed`` readings carry ``occupied``.

    State: ``motion`` (newest activity), ``bed`` = ``[occupied, since, newest]``,
    ``absent_at`` (newest time seen out of bed) and the fired/active markers of each check."""
    t = reading.t
    if reading.kind != "bed":
        if t > state.get("motion", -math.inf):
            state["motion"] = t
        if state.get("nm_on") and config.no_motion is not None:
            state["nm_on"] = False
            return state, [_signal(config.no_motion.severity, t, "no_motion", {}, True)]
        return state, []
    present = reading.values.get("occupied")
    if not isinstance(present, bool):
        return state, []
    bed = state.get("bed")
    if bed is None:
        state["bed"] = [present, t, t]
    elif t <= bed[2]:
        return state, []
    else:
        if bed[0] != present:
            bed[0], bed[1] = present, t
        bed[2] = t
    signals: list[Signal] = []
    if present:
        if state.get("night_on") and config.bed_empty is not None:
            state["night_on"] = False
            signals.append(_signal(config.bed_empty.severity, t, "bed_empty_at_night", {}, True))
    else:
        state["absent_at"] = t
        if state.get("wake_on") and config.out_of_bed is not None:
            state["wake_on"] = False
            signals.append(_signal(config.out_of_bed.severity, t, "not_out_of_bed", {}, True))
    return state, signals


def tick(config: InactivityConfig, state: State, now: datetime) -> tuple[State, list[Signal]]:
    """Find the conditions that have become true by ``now``; each fires once per episode."""
    if not state:
        return state, []
    t = now.timestamp()
    tz = config.tz
    signals: list[Signal] = []
    nm = config.no_motion
    last_motion = state.get("motion")
    if nm is not None and last_motion is not None:
        window = window_around(t, nm.start, nm.end, tz)
        if window is not None:
            quiet = max(last_motion, window[0])
            due = quiet + nm.seconds
            if t >= due and state.get("nm_for") != quiet:
                state["nm_for"] = quiet
                state["nm_on"] = True
                params = {
                    "hours": round(nm.seconds / 3600, 2),
                    "last_motion": iso(last_motion),
                    "window": f"{hhmm(nm.start)}-{hhmm(nm.end)}",
                }
                signals.append(_signal(nm.severity, due, "no_motion", params, False))
    bed = state.get("bed")
    ob = config.out_of_bed
    if ob is not None and bed is not None and bed[0]:
        day = local_date(t, tz)
        by = at(day, ob.by, tz)
        if (
            t >= by
            and state.get("wake_day") != day.isoformat()
            and state.get("absent_at", -math.inf) < at(day, ob.since, tz)
        ):
            state["wake_day"] = day.isoformat()
            state["wake_on"] = True
            params = {"by": hhmm(ob.by), "in_bed_since": iso(bed[1])}
            signals.append(_signal(ob.severity, by, "not_out_of_bed", params, False))
    be = config.bed_empty
    if be is not None and bed is not None and not bed[0]:
        window = window_around(t, be.start, be.end, tz)
        if window is not None:
            empty_since = max(bed[1], window[0])
            due = empty_since + be.seconds
            if t >= due and state.get("night_for") != empty_since:
                state["night_for"] = empty_since
                state["night_on"] = True
                params = {"minutes": round(be.seconds / 60, 1), "since": iso(empty_since)}
                signals.append(_signal(be.severity, due, "bed_empty_at_night", params, False))
    return state, signals
