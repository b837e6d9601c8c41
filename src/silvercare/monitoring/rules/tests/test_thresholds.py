"""Health thresholds on crafted streams: duration, hysteresis, gaps, defaults by condition."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from silvercare.monitoring.rules import thresholds
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.tests.streams import reading, roundtrip

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def run(
    config: thresholds.ThresholdConfig,
    stream: list[tuple[float, dict[str, Any]]],
    state: dict[str, Any] | None = None,
) -> list[tuple[float, Signal]]:
    """Feed ``(seconds after T0, values)``; return ``(seconds, signal)`` for every signal."""
    state = {} if state is None else state
    out = []
    for seconds, values in stream:
        kind, fields = as_message(values)
        state, signals = thresholds.evaluate(
            config, state, reading(kind, T0 + timedelta(seconds=seconds), **fields)
        )
        out += [(seconds, s) for s in signals]
    return out


SOURCES = {
    "heart_rate": ("hr", "bpm"),
    "spo2": ("spo2", "percent"),
    "bp_systolic": ("bp", "systolic"),
    "bp_diastolic": ("bp", "diastolic"),
    "glucose": ("glucose", "mmol_l"),
    "temperature": ("temperature", "celsius"),
}


def as_message(values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """``{"spo2": 89}`` → ``("spo2", {"percent": 89})``: the schema v1 message carrying it."""
    kinds = {SOURCES[metric][0] for metric in values}
    assert len(kinds) == 1, values
    return kinds.pop(), {SOURCES[metric][1]: value for metric, value in values.items()}


def spo2(*pairs: tuple[float, float]) -> list[tuple[float, dict[str, Any]]]:
    return [(t, {"spo2": v}) for t, v in pairs]


BASE = thresholds.compile_config()


def test_spo2_below_90_fires_only_after_two_minutes_of_readings_all_below() -> None:
    found = run(BASE, spo2((0, 89), (30, 89), (60, 88), (90, 89), (119, 89), (120, 89), (150, 89)))

    assert [(t, s.reason, s.severity, s.clears) for t, s in found] == [
        (120, "spo2_below", "urgent", False)
    ]
    signal = found[0][1]
    assert signal.kind == "vital_sign"
    assert signal.occurred_at == T0 + timedelta(seconds=120)
    assert signal.params == {
        "metric": "spo2",
        "value": 89,
        "limit": 90.0,
        "unit": "%",
        "duration_s": 120.0,
        "minutes": 2,
        "since": "2026-12-01T02:00:00Z",
    }


def test_one_reading_at_or_above_the_limit_restarts_the_duration() -> None:
    found = run(BASE, spo2((0, 89), (60, 89), (90, 90), (100, 89), (200, 89), (220, 89)))

    assert [(t, s.reason) for t, s in found] == [(220, "spo2_below")]


def test_a_reading_hovering_at_the_limit_does_not_flap() -> None:
    stream = spo2(
        (0, 89), (60, 89), (120, 89),  # fires
        (180, 90), (240, 89.5), (300, 91), (360, 89), (420, 91.9),  # inside the band: quiet
        (480, 92),  # limit + margin: clears
        (540, 91), (600, 89.9), (660, 90),  # normal; pending once, not long enough
        (720, 89), (780, 89), (840, 89),  # two more minutes below: fires again
    )  # fmt: skip
    found = run(BASE, stream)

    assert [(t, s.clears) for t, s in found if s.severity == "urgent"] == [
        (120, False),
        (480, True),
        (840, False),
    ]
    cleared = found[1][1]
    assert cleared.params["clear_at"] == 92.0
    assert cleared.reason == "spo2_below"


def test_a_gap_longer_than_the_duration_restarts_the_timer() -> None:
    # Readings 0 s and 150 s apart: 150 s without data is more than the 2-minute duration.
    found = run(BASE, spo2((0, 89), (150, 89), (210, 89), (269, 89), (270, 89)))

    assert [t for t, _ in found] == [270]


def test_readings_older_than_the_newest_are_ignored() -> None:
    found = run(BASE, spo2((0, 89), (120, 95), (60, 89), (130, 89), (250, 89)))

    assert [t for t, _ in found] == [250]


def test_several_levels_of_one_metric_fire_independently() -> None:
    # SpO2 84: critical after 60 s (< 85), urgent after 120 s (< 90).
    found = run(BASE, spo2((0, 84), (30, 84), (60, 84), (90, 84), (120, 84)))

    assert [(t, s.severity) for t, s in found] == [(60, "critical"), (120, "urgent")]


def test_single_measurements_fire_at_once_and_one_reading_may_carry_several_metrics() -> None:
    state: dict[str, Any] = {}
    state, signals = thresholds.evaluate(
        BASE, state, reading("bp", T0, systolic=185, diastolic=125, pulse=150)
    )

    assert sorted((s.reason, s.severity) for s in signals) == [
        ("bp_diastolic_above", "urgent"),
        ("bp_diastolic_above", "warning"),
        ("bp_systolic_above", "urgent"),
        ("bp_systolic_above", "warning"),
    ]
    # the cuff's pulse feeds heart_rate (> 140 for 2 minutes), as does a bed sensor's hr
    assert state["heart_rate.above.urgent"][0] == thresholds.PENDING
    _, signals = thresholds.evaluate(
        BASE, state, reading("bed", T0 + timedelta(seconds=120), occupied=True, hr=150)
    )
    assert [(s.reason, s.params["value"]) for s in signals] == [("heart_rate_above", 150)]


def test_other_kinds_and_fields_are_not_vitals() -> None:
    state: dict[str, Any] = {}
    for kind, fields in [("steps", {"count": 20}), ("battery", {"percent": 5}), ("spo2", {})]:
        assert thresholds.evaluate(BASE, state, reading(kind, T0, **fields))[1] == []
    assert state == {}


@pytest.mark.parametrize("condition", ["copd", "COPD", "J44", "J44.1"])
def test_copd_lowers_the_spo2_limit_to_88(condition: str) -> None:
    copd = thresholds.compile_config([condition])
    stream = spo2(*((t, 89) for t in range(0, 301, 30)))

    assert run(copd, stream) == []
    assert [t for t, _ in run(BASE, stream)] == [120]
    assert [t for t, _ in run(copd, spo2((0, 87), (60, 87), (120, 87)))] == [120]


def test_hypertension_raises_the_blood_pressure_warning_but_not_the_crisis_level() -> None:
    hypertension = thresholds.compile_config(["I10-I15"])

    def severities(config: thresholds.ThresholdConfig, value: int) -> list[str]:
        return sorted(s.severity for _, s in run(config, [(0, {"bp_systolic": value})]))

    assert severities(BASE, 165) == ["warning"]
    assert severities(hypertension, 165) == []
    assert severities(hypertension, 175) == ["warning"]
    assert severities(hypertension, 185) == ["urgent", "warning"]


def test_diabetes_has_its_own_glucose_limits() -> None:
    diabetes = thresholds.compile_config(["E11"])

    def fired(config: thresholds.ThresholdConfig, value: float) -> list[tuple[str, str]]:
        return sorted((s.reason, s.severity) for _, s in run(config, [(0, {"glucose": value})]))

    assert fired(BASE, 12.0) == [("glucose_above", "warning")]
    assert fired(diabetes, 12.0) == []
    assert fired(diabetes, 17.0) == [("glucose_above", "urgent"), ("glucose_above", "warning")]
    assert fired(diabetes, 3.5) == [("glucose_below", "urgent")]


def test_elder_overrides_merge_on_top_and_none_removes_a_level() -> None:
    config = thresholds.compile_config(
        ["copd"],
        {"spo2": {"below": {"urgent": {"limit": 92}, "critical": None}}},
    )
    found = run(config, spo2((0, 84), (60, 84), (120, 84)))

    # the limit is the elder's, the duration (2 min) still the default, the critical level gone
    assert [(t, s.severity, s.params["limit"]) for t, s in found] == [(120, "urgent", 92.0)]


def test_state_survives_a_json_round_trip_mid_episode() -> None:
    state: dict[str, Any] = {}
    run(BASE, spo2((0, 89), (60, 89)), state)
    state = roundtrip(state)

    assert [t for t, _ in run(BASE, spo2((120, 89)), state)] == [120]
    state = roundtrip(state)
    assert run(BASE, spo2((180, 91)), state) == []
    assert [s.clears for _, s in run(BASE, spo2((240, 93)), state)] == [True]


def test_non_numeric_and_nan_values_are_ignored() -> None:
    assert run(BASE, [(0, {"spo2": "89"}), (1, {"heart_rate": None}), (2, {"glucose": True})]) == []
    # NaN neither fires nor breaks a run of breaching readings
    assert [t for t, _ in run(BASE, spo2((0, 89), (60, float("nan")), (120, 89)))] == [120]


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"pulse": {"above": {"warning": {"limit": 1}}}}, "thresholds.pulse"),
        ({"spo2": {"under": {}}}, "thresholds.spo2.under"),
        ({"spo2": {"below": {"severe": {"limit": 80}}}}, "thresholds.spo2.below.severe"),
        ({"spo2": {"below": {"urgent": {"limit": "90"}}}}, "thresholds.spo2.below.urgent.limit"),
        ({"spo2": {"below": {"warning": {"margin": 1}}}}, "thresholds.spo2.below.warning.limit"),
        (
            {"spo2": {"below": {"urgent": {"duration_s": -1}}}},
            "thresholds.spo2.below.urgent.duration_s",
        ),
    ],
)
def test_bad_overrides_name_the_field(overrides: dict[str, Any], path: str) -> None:
    with pytest.raises(RuleConfigError) as caught:
        thresholds.compile_config([], overrides)
    assert caught.value.path == path
