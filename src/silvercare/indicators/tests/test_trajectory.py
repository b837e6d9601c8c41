"""The course towards a target, from monthly figures, and the targets read from the data."""

from __future__ import annotations

import datetime as dt

from silvercare.indicators.definitions import indicators, targets, targets_for
from silvercare.indicators.trajectory import Course, assess


def months(
    values: list[float], start: dt.date = dt.date(2026, 1, 1)
) -> list[tuple[dt.date, float]]:
    return [
        (dt.date(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, 1), v)
        for i, v in enumerate(values)
    ]


def test_a_line_rising_one_point_a_month_reaches_74_in_time() -> None:
    # 50 in January 2026, +1 a month: 73 by December 2027's start, 73.97 at its end.
    course = assess(months([50 + i for i in range(12)]), target=73, year=2027)
    assert course.course == Course.ON_TRACK
    assert course.projected is not None and abs(course.projected - 73.97) < 0.01


def test_a_line_that_falls_short_is_at_risk_or_off_track() -> None:
    rising = months([50 + i for i in range(12)])
    assert assess(rising, target=80, year=2027).course == Course.AT_RISK  # 74.0 ≥ 80 − 8
    assert assess(rising, target=95, year=2027).course == Course.OFF_TRACK
    falling = months([60 - i for i in range(6)])
    assert assess(falling, target=69, year=2027).course == Course.OFF_TRACK


def test_a_target_met_now_is_achieved_and_one_figure_says_nothing() -> None:
    assert assess(months([40, 75]), target=74, year=2027).course == Course.ACHIEVED
    assert assess(months([40]), target=74, year=2027).course == Course.UNKNOWN
    assert assess([], target=74, year=2027).course == Course.UNKNOWN
    # For a ceiling, lower is better.
    assert assess(months([12, 10]), target=10, year=2027, comparison="<=").course == (
        Course.ACHIEVED
    )


def test_only_the_last_twelve_months_set_the_line() -> None:
    # High figures long ago, then a steady climb from 50 in August 2026: the climb decides
    # (66.97 at the end of 2027), where a line through all of them would fall.
    values = [90.0] * 7 + [50 + i for i in range(12)]
    assert assess(months(values), target=66, year=2027).course == Course.ON_TRACK
    assert assess(months(values), target=68, year=2027).course == Course.AT_RISK


def test_targets_cite_their_clause_and_bind_their_city() -> None:
    codes = {i.code for i in indicators()}
    assert all(t.indicator in codes and t.document and t.clause for t in targets())
    binding, elsewhere = targets_for("nursing_bed_share", "440703001000")  # a Jiangmen street
    assert [t.value for t in binding] == [69] and not elsewhere
    binding, elsewhere = targets_for("nursing_bed_share", "440304000000")  # Futian, Shenzhen
    assert not binding and [t.region_name for t in elsewhere] == ["江门市"]


def test_the_median_of_a_histogram_is_the_median_of_its_values() -> None:
    import random
    import statistics
    from collections import Counter

    from silvercare.indicators.services import histogram_median

    assert histogram_median(Counter()) is None
    assert histogram_median(Counter({30: 1, 59: 1, 61: 1})) == 59
    assert histogram_median(Counter({10: 2, 40: 2})) == 25
    rng = random.Random(7)
    for _ in range(500):
        values = [rng.randint(0, 30) for _ in range(rng.randint(1, 20))]
        assert histogram_median(Counter(values)) == statistics.median(values), values
