"""Inactivity schedules in Shanghai local time: no motion in the day window, not out of bed
by a time, bed empty at night."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from silvercare.monitoring.rules import compile_rules, evaluate, inactivity, tick
from silvercare.monitoring.rules.errors import RuleConfigError
from silvercare.monitoring.rules.signals import Signal
from silvercare.monitoring.rules.tests.streams import local, reading, roundtrip

NO_BED = {"out_of_bed": None, "bed_empty": None}
CONFIG = inactivity.compile_config(
    {"no_motion": {"hours": 3, "window": ["08:00", "20:00"]}, **NO_BED}, "Asia/Shanghai"
)


class Stream:
    """Readings and ticks in time order against one state, JSON round-tripped each step."""

    def __init__(self, config: inactivity.InactivityConfig) -> None:
        self.config = config
        self.state: dict[str, Any] = {}

    def feed(self, kind: str, when: datetime, **values: Any) -> list[Signal]:
        self.state, signals = inactivity.evaluate(
            self.config, roundtrip(self.state), reading(kind, when, **values)
        )
        return signals

    def tick(self, when: datetime) -> list[Signal]:
        self.state, signals = inactivity.tick(self.config, roundtrip(self.state), when)
        return signals


def test_no_motion_counts_only_time_inside_the_day_window() -> None:
    s = Stream(CONFIG)
    s.feed("motion", local("19:30", day=-1))

    # The night does not count: at 08:30 the elder has been quiet for 13 hours but only
    # 30 minutes of them in the window.
    assert s.tick(local("08:30")) == []
    assert s.tick(local("10:59")) == []
    [signal] = s.tick(local("11:00", seconds=20))
    assert (signal.kind, signal.reason, signal.severity) == ("inactivity", "no_motion", "warning")
    # 11:00 Shanghai is 03:00 UTC: the time zone is applied
    assert signal.occurred_at == datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert signal.params == {
        "hours": 3.0,
        "last_motion": "2026-11-30T11:30:00Z",
        "window": "08:00-20:00",
    }
    assert s.tick(local("12:00")) == []  # once per quiet period


def test_motion_ends_the_condition_and_restarts_the_clock() -> None:
    s = Stream(CONFIG)
    s.feed("motion", local("09:00"))
    assert s.tick(local("11:59")) == []
    assert [x.clears for x in s.tick(local("12:00"))] == [False]
    assert [(x.reason, x.clears) for x in s.feed("door", local("12:40"), open=True)] == [
        ("no_motion", True)
    ]
    assert s.tick(local("15:39")) == []
    assert [x.occurred_at for x in s.tick(local("15:41"))] == [local("15:40").astimezone(UTC)]


def test_only_motion_and_door_readings_are_activity() -> None:
    rules = compile_rules({"inactivity": {"no_motion": {"hours": 3}}, "device": None})
    states: dict[str, Any] = {}
    evaluate(rules, states, reading("motion", local("08:00"), room="kitchen"))
    for minute, (kind, fields) in enumerate(
        [
            ("steps", {"count": 1200}),
            ("heartbeat", {}),
            ("hr", {"bpm": 75}),
            ("bed", {"occupied": False}),
            ("location", {"lat": 22.5, "lon": 114.0}),
        ]
    ):
        evaluate(rules, states, reading(kind, local("09:00", seconds=60 * minute), **fields))
    assert [s.reason for s in tick(rules, states, local("11:00"))] == ["no_motion"]
    evaluate(rules, states, reading("door", local("11:30"), open=False))
    assert tick(rules, states, local("14:29")) == []


def test_quiet_that_ends_with_the_window_does_not_fire_and_a_new_day_fires_again() -> None:
    s = Stream(CONFIG)
    s.feed("motion", local("18:00"))
    assert s.tick(local("20:30")) == []  # the window ended before 3 hours of quiet
    assert s.tick(local("21:30")) == []
    assert len(s.tick(local("11:00", day=1))) == 1
    assert s.tick(local("19:00", day=1)) == []
    # still nothing the next day: a new alert event for the new day
    assert len(s.tick(local("11:05", day=2))) == 1


def test_nothing_fires_before_the_first_motion_reading() -> None:
    s = Stream(CONFIG)
    assert s.tick(local("19:00")) == []
    s.feed("bed", local("19:00"), occupied=False)
    assert s.tick(local("19:59")) == []


WAKE = inactivity.compile_config(
    {"no_motion": None, "bed_empty": None, "out_of_bed": {"by": "09:00", "from": "04:00"}},
    "Asia/Shanghai",
)


def test_still_in_bed_at_nine_fires_once_and_getting_up_clears() -> None:
    s = Stream(WAKE)
    s.feed("bed", local("22:00", day=-1), occupied=True)
    s.feed("bed", local("03:00"), occupied=True)
    assert s.tick(local("08:59")) == []
    [signal] = s.tick(local("09:00", seconds=30))
    assert (signal.reason, signal.severity) == ("not_out_of_bed", "warning")
    assert signal.occurred_at == local("09:00").astimezone(UTC)
    assert signal.params == {"by": "09:00", "in_bed_since": "2026-11-30T14:00:00Z"}
    assert s.tick(local("10:00")) == []
    assert [(x.reason, x.clears) for x in s.feed("bed", local("10:10"), occupied=False)] == [
        ("not_out_of_bed", True)
    ]
    s.feed("bed", local("10:30"), occupied=True)  # a nap
    assert s.tick(local("12:00")) == []


def test_getting_up_early_and_going_back_to_bed_is_not_not_getting_up() -> None:
    s = Stream(WAKE)
    s.feed("bed", local("22:00", day=-1), occupied=True)
    s.feed("bed", local("06:00"), occupied=False)
    s.feed("bed", local("06:20"), occupied=True)
    assert s.tick(local("09:30")) == []
    # ... but leaving the bed only during the night (before 04:00) is not getting up
    s.feed("bed", local("02:00", day=1), occupied=False)
    s.feed("bed", local("02:10", day=1), occupied=True)
    assert len(s.tick(local("09:01", day=1))) == 1


NIGHT = inactivity.compile_config(
    {"no_motion": None, "out_of_bed": None, "bed_empty": {"window": ["23:00", "06:00"]}},
    "Asia/Shanghai",
)


def test_bed_empty_for_more_than_30_minutes_at_night() -> None:
    s = Stream(NIGHT)
    s.feed("bed", local("22:30"), occupied=True)
    s.feed("bed", local("02:00", day=1), occupied=False)
    s.feed("bed", local("02:10", day=1), occupied=False)
    assert s.tick(local("02:29", day=1)) == []
    [signal] = s.tick(local("02:31", day=1))
    assert (signal.reason, signal.severity) == ("bed_empty_at_night", "urgent")
    assert signal.occurred_at == local("02:30", day=1).astimezone(UTC)
    assert signal.params == {"minutes": 30.0, "since": "2026-12-01T18:00:00Z"}
    assert s.tick(local("03:00", day=1)) == []
    assert [x.clears for x in s.feed("bed", local("03:05", day=1), occupied=True)] == [True]


def test_a_short_trip_to_the_bathroom_does_not_fire() -> None:
    s = Stream(NIGHT)
    s.feed("bed", local("23:10"), occupied=True)
    s.feed("bed", local("01:00", day=1), occupied=False)
    s.feed("bed", local("01:20", day=1), occupied=True)
    assert s.tick(local("01:45", day=1)) == []


def test_an_empty_bed_counts_from_the_window_start_and_not_after_its_end() -> None:
    s = Stream(NIGHT)
    s.feed("bed", local("21:00"), occupied=False)  # never came to bed
    assert s.tick(local("23:29")) == []
    assert [x.occurred_at for x in s.tick(local("23:30"))] == [local("23:30").astimezone(UTC)]
    s.feed("bed", local("23:50"), occupied=True)
    s.feed("bed", local("05:50", day=1), occupied=False)  # up early
    assert s.tick(local("06:25", day=1)) == []  # the window ended at 06:00


@pytest.mark.parametrize(
    ("spec", "path"),
    [
        ({"no_motion": {"window": ["08:00"]}}, "inactivity.no_motion.window"),
        ({"no_motion": {"window": ["8:00", "20:00"]}}, "inactivity.no_motion.window[0]"),
        ({"no_motion": {"hours": 13}}, "inactivity.no_motion.hours"),
        ({"out_of_bed": {"by": "03:00"}}, "inactivity.out_of_bed.from"),
        ({"bed_empty": {"minutes": 0}}, "inactivity.bed_empty.minutes"),
        ({"sleep": {}}, "inactivity.sleep"),
    ],
)
def test_bad_schedules_name_the_field(spec: dict[str, Any], path: str) -> None:
    with pytest.raises(RuleConfigError) as caught:
        inactivity.compile_config(spec, "Asia/Shanghai")
    assert caught.value.path == path


def test_an_unknown_time_zone_is_refused() -> None:
    with pytest.raises(RuleConfigError) as caught:
        inactivity.compile_config({}, "Mars/Olympus")
    assert caught.value.path == "timezone"
