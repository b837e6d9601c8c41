"""Device health: offline for N minutes, battery low with hysteresis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from silvercare.monitoring.rules import device
from silvercare.monitoring.rules.tests.streams import reading, roundtrip

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_device_silent_for_30_minutes_is_offline_once_until_it_speaks_again() -> None:
    config = device.compile_config({})
    state, _ = device.evaluate(config, {}, reading("hr", at(0), bpm=70))
    state, _ = device.evaluate(config, state, reading("heartbeat", at(5)))
    state = roundtrip(state)

    assert device.tick(config, state, at(34))[1] == []
    state, [signal] = device.tick(config, state, at(36))
    assert (signal.kind, signal.reason, signal.severity) == (
        "device_offline",
        "device_offline",
        "warning",
    )
    assert signal.occurred_at == at(35)
    assert signal.params == {"serial": "W1", "minutes": 30, "last_seen": "2026-12-01T02:05:00Z"}
    assert device.tick(config, roundtrip(state), at(90))[1] == []
    # a buffered old reading does not bring it back; a new one does
    assert device.evaluate(config, state, reading("hr", at(3), bpm=70))[1] == []
    state, [back] = device.evaluate(config, state, reading("location", at(91), lat=1, lon=2))
    assert (back.reason, back.clears) == ("device_offline", True)


def test_offline_limits_per_device_and_only_bound_devices() -> None:
    config = device.compile_config(
        {"per_device_offline_minutes": {"CARD1": 24 * 60}, "devices": ["W1", "CARD1"]}
    )
    state: dict[str, Any] = {}
    for serial in ("W1", "CARD1", "OLD9"):
        state, _ = device.evaluate(config, state, reading("heartbeat", at(0), serial=serial))

    state, signals = device.tick(config, state, at(120))
    assert [s.params["serial"] for s in signals] == ["W1"]
    state, signals = device.tick(config, state, at(24 * 60))
    assert [s.params["serial"] for s in signals] == ["CARD1"]


def test_battery_low_fires_below_20_and_clears_only_at_25() -> None:
    config = device.compile_config({})
    state: dict[str, Any] = {}
    found = []
    for i, level in enumerate([50, 21, 19, 18, 21, 19, 24, 25, 22, 19]):
        state, signals = device.evaluate(config, state, reading("battery", at(i), percent=level))
        found += [(level, s.reason, s.clears) for s in signals]

    assert found == [
        (19, "battery_below", False),
        (25, "battery_below", True),
        (19, "battery_below", False),
    ]
