"""Medication schedules: taken in the window, reminder at the window's end, then the alert."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from silvercare.monitoring.rules import medication
from silvercare.monitoring.rules.tests.streams import local, reading, roundtrip

CONFIG = medication.compile_config(
    {"doses": [{"id": "am", "name": "Metformin", "time": "08:00", "window_min": 30}]},
    "Asia/Shanghai",
)


class Box:
    def __init__(self, config: medication.MedicationConfig = CONFIG) -> None:
        self.config = config
        self.state: dict[str, Any] = {}

    def tick(self, when: datetime) -> list[tuple[str, str, datetime]]:
        self.state, signals = medication.tick(self.config, roundtrip(self.state), when)
        return [(s.kind, s.reason, s.occurred_at) for s in signals]

    def open(self, when: datetime, **fields: Any) -> None:
        self.state, signals = medication.evaluate(
            self.config, roundtrip(self.state), reading("pill_box", when, serial="BOX1", **fields)
        )
        assert signals == []


def utc(when: datetime) -> datetime:
    return when.astimezone(UTC)


def test_a_missed_dose_reminds_at_the_window_end_then_alerts_family() -> None:
    box = Box()
    assert box.tick(local("06:00")) == []
    assert box.tick(local("08:29")) == []
    assert box.tick(local("08:30", seconds=10)) == [
        ("medication_reminder", "dose_due", utc(local("08:30")))
    ]
    assert box.tick(local("08:45")) == []
    assert box.tick(local("09:00")) == [("medication_missed", "dose_missed", utc(local("09:00")))]
    assert box.tick(local("12:00")) == []


def test_the_signals_carry_the_dose() -> None:
    box = Box()
    box.tick(local("06:00"))
    state, [signal] = medication.tick(CONFIG, box.state, local("08:31"))
    assert signal.severity == "info"
    assert signal.params == {
        "dose": "am",
        "name": "Metformin",
        "time": "08:00",
        "window_min": 30,
        "date": "2026-12-01",
    }
    _, [missed] = medication.tick(CONFIG, state, local("09:01"))
    assert (missed.severity, missed.params["dose"]) == ("warning", "am")


def test_opening_the_box_in_the_window_counts_as_taken() -> None:
    box = Box()
    box.tick(local("06:00"))
    box.open(local("07:35"))
    assert box.tick(local("08:31")) == []
    assert box.tick(local("09:30")) == []


def test_opening_before_the_window_or_a_closing_does_not_count() -> None:
    box = Box()
    box.tick(local("06:00"))
    box.open(local("07:20"))
    box.open(local("07:50"), opened=False)
    assert [k for k, _, _ in box.tick(local("08:31"))] == ["medication_reminder"]


def test_opening_after_the_reminder_but_before_the_alert_is_taken_late() -> None:
    box = Box()
    box.tick(local("06:00"))
    assert len(box.tick(local("08:31"))) == 1
    box.open(local("08:50"))
    assert box.tick(local("09:05")) == []


def test_a_late_tick_alerts_without_a_stale_reminder() -> None:
    box = Box()
    box.tick(local("06:00"))
    assert box.tick(local("10:00")) == [("medication_missed", "dose_missed", utc(local("09:00")))]


def test_doses_before_the_schedule_was_first_seen_are_not_alerted() -> None:
    box = Box()
    assert box.tick(local("09:30")) == []
    assert [k for k, _, _ in box.tick(local("08:31", day=1))] == ["medication_reminder"]


def test_a_dose_window_across_midnight_and_several_days() -> None:
    config = medication.compile_config(
        {
            "doses": [{"id": "pm", "time": "23:50", "window_min": 20}, {"time": "12:00"}],
            "alert_after_min": 60,
        },
        "Asia/Shanghai",
    )
    box = Box(config)
    box.tick(local("06:00"))
    box.open(local("11:45"))
    assert box.tick(local("12:45")) == []
    assert box.tick(local("00:10", day=1)) == [
        ("medication_reminder", "dose_due", utc(local("00:10", day=1)))
    ]
    assert box.tick(local("01:10", day=1)) == [
        ("medication_missed", "dose_missed", utc(local("01:10", day=1)))
    ]
    box.open(local("12:05", day=1))
    box.open(local("23:45", day=1))
    assert box.tick(local("02:00", day=2)) == []
    for day in range(2, 6):
        box.open(local("12:05", day=day))
        box.open(local("23:59", day=day))
        assert box.tick(local("02:00", day=day + 1)) == []
    # only the last few days are kept in the state
    assert sorted({key[:10] for key in box.state["doses"]}) == [
        "2026-12-04",
        "2026-12-05",
        "2026-12-06",
    ]


def test_compartments_tell_doses_apart() -> None:
    config = medication.compile_config(
        {
            "doses": [
                {"id": "a", "time": "08:00", "compartment": 1},
                {"id": "b", "time": "08:15", "compartment": 2},
            ]
        },
        "Asia/Shanghai",
    )
    box = Box(config)
    box.tick(local("06:00"))
    box.open(local("07:50"), compartment=2)  # dose b's compartment, in both windows
    assert box.tick(local("08:31")) == [("medication_reminder", "dose_due", utc(local("08:30")))]
    assert box.state["doses"] == {"2026-12-01/a": "r", "2026-12-01/b": "t"}
