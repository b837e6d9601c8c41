"""The registry: dispatch by reading kind, per-rule JSON state, ticks, configuration errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from silvercare.monitoring.rules import RuleConfigError, compile_rules, evaluate, tick
from silvercare.monitoring.rules.signals import ALERT_KINDS, DEVICE_KINDS, SEVERITIES
from silvercare.monitoring.rules.tests.streams import SHANGHAI, local, reading, roundtrip


def hhmm(when: datetime) -> str:
    return when.astimezone(SHANGHAI).strftime("%H:%M")


SPEC: dict[str, Any] = {
    "geofence": {"zones": [{"id": "home", "lat": 22.5431, "lon": 114.0579, "radius_m": 200}]},
    "medication": {"doses": [{"time": "08:00"}]},
    "device": {"offline_minutes": 60},
}


def test_each_reading_reaches_only_the_rules_of_its_kind() -> None:
    rules = compile_rules(SPEC, conditions=["J44"])
    states: dict[str, dict[str, Any]] = {}

    assert evaluate(rules, states, reading("spo2", local("08:00"), percent=89)) == []
    assert sorted(states) == ["device", "thresholds"]
    quiet = evaluate(rules, states, reading("smoke", local("08:01"), serial="SMK1", alarm=False))
    assert [(s.kind, s.clears) for s in quiet] == [("environment", True)]
    assert sorted(states) == ["device", "sos", "thresholds"]  # home alarms are calls for help
    fire = evaluate(rules, states, reading("smoke", local("08:02"), serial="SMK1", alarm=True))
    assert [(s.kind, s.severity, s.reason, s.clears) for s in fire] == [
        ("environment", "critical", "smoke", False)
    ]
    assert sorted(states["device"]["devices"]) == ["SMK1", "W1"]


def test_a_day_of_readings_and_ticks_through_the_engine() -> None:
    rules = compile_rules(SPEC, conditions=["copd"])
    states: dict[str, dict[str, Any]] = {}
    seen: list[tuple[str, str, bool, str]] = []

    def feed(kind: str, when: datetime, **values: Any) -> None:
        nonlocal states
        states = roundtrip(states)
        found = evaluate(rules, states, reading(kind, when, **values))
        seen.extend((s.kind, s.reason, s.clears, hhmm(s.occurred_at)) for s in found)

    def at(when: datetime) -> None:
        nonlocal states
        states = roundtrip(states)
        found = tick(rules, states, when)
        seen.extend((s.kind, s.reason, s.clears, hhmm(s.occurred_at)) for s in found)

    at(local("06:00"))
    feed("motion", local("06:30"), serial="PIR1")
    for minute in range(0, 5):
        feed("spo2", local("07:00", seconds=60 * minute), percent=87)
    feed("sos", local("07:10"))
    at(local("08:31"))
    feed("location", local("09:00"), lat=22.56, lon=114.0579)
    feed("location", local("09:01"), lat=22.56, lon=114.0579)
    at(local("09:01"))
    at(local("10:00"))
    feed("spo2", local("10:05"), percent=95)

    assert seen == [
        ("vital_sign", "spo2_below", False, "07:02"),  # COPD: < 88 for 2 minutes
        ("sos", "sos_pressed", False, "07:10"),
        ("device_offline", "device_offline", False, "07:30"),  # PIR1, silent since 06:30
        ("device_offline", "device_offline", False, "08:10"),  # W1, silent since 07:10
        ("medication_reminder", "dose_due", False, "08:30"),
        ("device_offline", "device_offline", True, "09:00"),  # W1 speaks again
        ("geofence", "left_safe_zone", False, "09:01"),  # second fix 1.9 km away
        ("medication_missed", "dose_missed", False, "09:00"),
        ("vital_sign", "spo2_below", True, "10:05"),
    ]
    json.dumps(states)


def test_rules_switched_off_or_without_data_stay_silent() -> None:
    rules = compile_rules({"sos": None, "thresholds": None, "device": None})
    states: dict[str, dict[str, Any]] = {}

    assert evaluate(rules, states, reading("sos", local("08:00"))) == []
    assert evaluate(rules, states, reading("spo2", local("08:00"), percent=50)) == []
    assert [e.name for e in rules.entries] == ["inactivity"]  # no zones, no doses
    assert tick(rules, states, local("19:00")) == []


def test_every_signal_uses_a_known_kind_and_severity() -> None:
    rules = compile_rules(SPEC)
    states: dict[str, dict[str, Any]] = {}
    signals = []
    for kind, values in [
        ("hr", {"bpm": 30}),
        ("bp", {"systolic": 200, "diastolic": 100}),
        ("glucose", {"mmol_l": 2.5}),
        ("temperature", {"celsius": 40.0}),
        ("sos", {"presses": 1}),
        ("fall_flag", {}),
        ("location", {"lat": 23.0, "lon": 114.0}),
        ("location", {"lat": 23.0, "lon": 114.0}),
        ("battery", {"percent": 5}),
    ]:
        signals += evaluate(
            rules, states, reading(kind, local("08:00", seconds=len(signals)), **values)
        )
    signals += tick(rules, states, local("12:00"))

    assert {s.kind for s in signals} <= ALERT_KINDS | DEVICE_KINDS
    assert {s.severity for s in signals} <= set(SEVERITIES)
    assert all(s.occurred_at.utcoffset() is not None for s in signals)
    json.dumps([s.params for s in signals])
    assert len(signals) >= 10


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"geofences": {}}, "geofences"),
        ({"timezone": "Nowhere/City"}, "timezone"),
        ({"sos": {"repeat_count": 1}}, "sos.repeat_count"),
        ({"device": {"battery_low_pct": 120}}, "device.battery_low_pct"),
        ({"medication": {"doses": [{"time": "25:00"}]}}, "medication.doses[0].time"),
        ({"medication": {"doses": [{"time": "08:00"}, {"time": "08:00"}]}}, "medication.doses"),
        ({"geofence": []}, "geofence"),
    ],
)
def test_bad_specs_name_the_field(spec: dict[str, Any], path: str) -> None:
    with pytest.raises(RuleConfigError) as caught:
        compile_rules(spec)
    assert caught.value.path == path


def test_a_reading_must_have_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        reading("sos", datetime(2026, 12, 1, 8, 0))  # noqa: DTZ001


def test_tick_needs_an_aware_now() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        tick(compile_rules({}), {}, datetime(2026, 12, 1, 8, 0))  # noqa: DTZ001


def test_signals_are_in_utc() -> None:
    rules = compile_rules({})
    [signal] = evaluate(rules, {}, reading("sos", local("08:00")))
    assert signal.occurred_at == datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
