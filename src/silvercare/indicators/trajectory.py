"""Whether an indicator is on course for its target: a straight line through its recent monthly
figures (least squares), projected to the end of the target year."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

# A projection within this share of the target (of the target's size) is "at risk".
AT_RISK_MARGIN = 0.10
RECENT_MONTHS = 12


class Course(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")
    UNKNOWN = "unknown", _("Too little data")


@dataclass(frozen=True)
class Trajectory:
    course: str
    projected: float | None  # the figure the line reaches at the end of the target year

    @property
    def course_label(self) -> str:
        return str(Course(self.course).label)


def _months(day: dt.date) -> float:
    return day.year * 12 + day.month - 1 + (day.day - 1) / 31


def assess(
    points: Sequence[tuple[dt.date, float]],
    *,
    target: float,
    year: int,
    comparison: str = ">=",
) -> Trajectory:
    """The course of monthly figures (date, value), oldest first, towards ``target`` by the
    end of ``year``. The latest figure meeting the target is achieved; otherwise the line
    through the last twelve figures decides; fewer than two figures say nothing."""
    if not points:
        return Trajectory(Course.UNKNOWN, None)

    def meets(value: float) -> bool:
        return value >= target if comparison == ">=" else value <= target

    latest = points[-1][1]
    if meets(latest):
        return Trajectory(Course.ACHIEVED, latest)
    recent = list(points)[-RECENT_MONTHS:]
    if len(recent) < 2 or len({d for d, _ in recent}) < 2:
        return Trajectory(Course.UNKNOWN, None)
    slope, intercept = statistics.linear_regression(
        [_months(d) for d, _ in recent], [v for _, v in recent]
    )
    projected = slope * _months(dt.date(year, 12, 31)) + intercept
    if meets(projected):
        return Trajectory(Course.ON_TRACK, projected)
    margin = AT_RISK_MARGIN * abs(target)
    near = projected >= target - margin if comparison == ">=" else projected <= target + margin
    return Trajectory(Course.AT_RISK if near else Course.OFF_TRACK, projected)
