"""SOS presses and the device's fall flag."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from silvercare.monitoring.rules import sos
from silvercare.monitoring.rules.tests.streams import reading, roundtrip

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
CONFIG = sos.compile_config({})


def presses(*seconds: float) -> list[tuple[str, str, int]]:
    state: dict[str, Any] = {}
    out = []
    for s in seconds:
        state, signals = sos.evaluate(
            CONFIG, roundtrip(state), reading("sos", T0 + timedelta(seconds=s), lat=22.5, lon=114.0)
        )
        out += [(x.severity, x.reason, x.params["presses"]) for x in signals]
    return out


def test_one_press_is_urgent_and_carries_the_location() -> None:
    _, [signal] = sos.evaluate(CONFIG, {}, reading("sos", T0, lat=22.5, lon=114.0, accuracy_m=8))

    assert (signal.kind, signal.severity, signal.reason) == ("sos", "urgent", "sos_pressed")
    assert signal.occurred_at == T0
    assert signal.params == {
        "serial": "W1",
        "presses": 1,
        "window_s": 60.0,
        "lat": 22.5,
        "lon": 114.0,
        "accuracy_m": 8,
    }


def test_three_presses_within_a_minute_are_critical() -> None:
    assert presses(0, 20, 40, 50) == [
        ("urgent", "sos_pressed", 1),
        ("urgent", "sos_pressed", 2),
        ("critical", "sos_repeated", 3),
        ("critical", "sos_repeated", 4),
    ]


def test_presses_spread_over_more_than_the_window_stay_urgent() -> None:
    assert [sev for sev, _, _ in presses(0, 40, 80, 120)] == ["urgent"] * 4


def test_a_late_press_still_fires_and_counts_where_it_belongs() -> None:
    # arrives after a press 30 s newer: still a signal, and its own window holds 2 presses
    assert presses(30, 0, 45) == [
        ("urgent", "sos_pressed", 1),
        ("urgent", "sos_pressed", 1),
        ("critical", "sos_repeated", 3),
    ]


def test_one_message_with_three_presses_is_critical() -> None:
    _, [signal] = sos.evaluate(CONFIG, {}, reading("sos", T0, presses=3))

    assert (signal.severity, signal.reason, signal.params["presses"]) == (
        "critical",
        "sos_repeated",
        3,
    )


def test_the_device_fall_flag_is_a_critical_fall_signal_and_cancel_clears_it() -> None:
    _, [signal] = sos.evaluate(CONFIG, {}, reading("fall_flag", T0, confidence=0.93))

    assert (signal.kind, signal.severity, signal.reason) == ("fall", "critical", "fall_detected")
    assert signal.params == {"serial": "W1", "confidence": 0.93}
    assert not signal.clears
    _, [cancel] = sos.evaluate(CONFIG, {}, reading("fall_cancel", T0, ref="m-17"))
    assert (cancel.kind, cancel.reason, cancel.clears) == ("fall", "fall_detected", True)
    assert cancel.params == {"serial": "W1", "ref": "m-17"}
