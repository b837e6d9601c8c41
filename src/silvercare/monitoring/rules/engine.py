"""The registry: compile an elder's rule configuration once, then run the rules that apply
to each reading (dispatch by reading kind) and the time-driven checks on ``tick``.

    rules = compile_rules(spec, conditions=["J44"])   # cache per elder; recompile on change
    states: dict[str, dict] = load()                  # rule name → JSON state, {} at first
    signals = evaluate(rules, states, reading)        # mutates states in place
    signals += tick(rules, states, now)               # e.g. every 30 s
    save(states)                                      # json.dumps-able

Spec (JSON; every key optional, ``null`` switches a rule off)::

    {"timezone": "Asia/Shanghai",
     "conditions": ["copd"],   # added to ``conditions=`` (the elder's health profile)
     "thresholds": {...overrides merged on the defaults by condition...},
     "geofence": {...}, "inactivity": {...}, "sos": {...}, "device": {...},
     "medication": {...}}
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from silvercare.monitoring.rules import (
    device,
    geofence,
    inactivity,
    medication,
    sos,
    thresholds,
)
from silvercare.monitoring.rules.config import known_keys, section, text
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.reading import Reading
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.timeutil import DEFAULT_TIMEZONE, zone

State = dict[str, Any]
Evaluate = Callable[[Any, State, Reading], tuple[State, list[Signal]]]
Tick = Callable[[Any, State, datetime], tuple[State, list[Signal]]]

#: Rule name → (reading kinds it consumes or None for every kind, has a tick).
RULES: dict[str, tuple[frozenset[str] | None, bool]] = {
    thresholds.NAME: (thresholds.KINDS, False),
    geofence.NAME: (geofence.KINDS, False),
    inactivity.NAME: (inactivity.KINDS, True),
    sos.NAME: (sos.KINDS, False),
    device.NAME: (device.KINDS, True),
    medication.NAME: (medication.KINDS, True),
}


@dataclass(frozen=True, slots=True)
class RuleEntry:
    name: str
    config: Any
    evaluate: Evaluate
    tick: Tick | None


@dataclass(frozen=True, slots=True)
class ElderRules:
    """An elder's compiled rules. ``dispatch`` maps a reading kind to the rules that consume
    it; ``fallback`` serves kinds no rule names (device health watches every kind)."""

    entries: tuple[RuleEntry, ...]
    dispatch: dict[str, tuple[RuleEntry, ...]]
    fallback: tuple[RuleEntry, ...]
    tickers: tuple[RuleEntry, ...]


def compile_rules(
    spec: Mapping[str, Any] | None = None, *, conditions: Iterable[str] = ()
) -> ElderRules:
    """Validate and compile a spec; raises RuleConfigError naming the bad field."""
    spec = spec or {}
    known_keys(
        spec,
        {
            "timezone",
            "conditions",
            "thresholds",
            "geofence",
            "inactivity",
            "sos",
            "device",
            "medication",
        },
        "",
    )
    listed = spec.get("conditions") or []
    if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
        raise RuleConfigError("conditions", "invalid_type", "expected a list of strings")
    conditions = [*conditions, *listed]
    timezone = text(spec, "timezone", "", DEFAULT_TIMEZONE)
    zone(timezone)
    entries: list[RuleEntry] = []

    def on(key: str) -> bool:
        return key not in spec or spec[key] is not None

    if on("thresholds"):
        limits = thresholds.compile_config(conditions, section(spec, "thresholds", ""))
        entries.append(RuleEntry(thresholds.NAME, limits, thresholds.evaluate, None))
    if on("geofence"):
        geo = geofence.compile_config(section(spec, "geofence", ""))
        if geo.safe or geo.danger:
            entries.append(RuleEntry(geofence.NAME, geo, geofence.evaluate, None))
    if on("inactivity"):
        schedule = inactivity.compile_config(section(spec, "inactivity", ""), timezone)
        entries.append(RuleEntry(inactivity.NAME, schedule, inactivity.evaluate, inactivity.tick))
    if on("sos"):
        entries.append(
            RuleEntry(sos.NAME, sos.compile_config(section(spec, "sos", "")), sos.evaluate, None)
        )
    if on("device"):
        health = device.compile_config(section(spec, "device", ""))
        entries.append(RuleEntry(device.NAME, health, device.evaluate, device.tick))
    if on("medication"):
        med = medication.compile_config(section(spec, "medication", ""), timezone)
        if med.doses:
            entries.append(RuleEntry(medication.NAME, med, medication.evaluate, medication.tick))
    everywhere = tuple(e for e in entries if RULES[e.name][0] is None)
    kinds = {k for e in entries if (ks := RULES[e.name][0]) is not None for k in ks}
    dispatch = {
        kind: tuple(e for e in entries if (ks := RULES[e.name][0]) is None or kind in ks)
        for kind in sorted(kinds)
    }
    return ElderRules(
        entries=tuple(entries),
        dispatch=dispatch,
        fallback=everywhere,
        tickers=tuple(e for e in entries if e.tick is not None),
    )


def evaluate(rules: ElderRules, states: dict[str, State], reading: Reading) -> list[Signal]:
    """Run the rules that consume ``reading.kind``; ``states`` (rule name → state) is updated
    in place, a missing rule's state starts empty. Readings must be the elder's, and each
    elder's readings evaluated by one worker at a time (the ingest partitions by elder)."""
    signals: list[Signal] = []
    for entry in rules.dispatch.get(reading.kind, rules.fallback):
        state = states.get(entry.name)
        if state is None:
            state = states[entry.name] = {}
        found = entry.evaluate(entry.config, state, reading)[1]
        if found:
            signals += found
    return signals


def tick(rules: ElderRules, states: dict[str, State], now: datetime) -> list[Signal]:
    """Run the time-driven checks (inactivity, offline devices, missed doses) at ``now``."""
    if now.tzinfo is None:
        raise ValueError("tick needs a timezone-aware now")
    signals: list[Signal] = []
    for entry in rules.tickers:
        assert entry.tick is not None
        state = states.get(entry.name)
        if state is None:
            state = states[entry.name] = {}
        found = entry.tick(entry.config, state, now)[1]
        if found:
            signals += found
    return signals
