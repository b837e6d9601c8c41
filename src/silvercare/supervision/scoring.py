"""Credit score arithmetic: a score model (stored as data) applied to a subject's events.

score = base + Σ points(category) × decay(age), rounded half up to a whole point, where
decay(age) = 0.5 ** (age_days / (half_life_months × 30.4375)) when the model has a half-life,
else 1. The grade is the first threshold (highest minimum first) the score reaches; the last
threshold has no minimum and catches the rest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

DAYS_PER_MONTH = 30.4375

# The model that applies while a region has published none of its own (version 0). Its
# category labels are data in the city's language, like those of a model a region publishes.
BUILT_IN: dict[str, Any] = {
    "base_score": 80,
    "half_life_months": 0,
    "categories": [
        {"code": "award", "label": "获得表彰奖励", "points": 5},
        {"code": "good_inspection", "label": "检查未发现问题", "points": 3},
        {"code": "complaint_upheld", "label": "投诉经核实属实", "points": -5},
        {"code": "correction_ordered", "label": "责令限期整改", "points": -8},
        {"code": "penalty", "label": "受到行政处罚", "points": -20},
        {"code": "fraud", "label": "骗取补贴或虚报", "points": -40},
    ],
    "thresholds": [
        {"grade": "A", "min": 90},
        {"grade": "B", "min": 75},
        {"grade": "C", "min": 60},
        {"grade": "D", "min": None},
    ],
}


@dataclass(frozen=True)
class Scored:
    score: int
    grade: str


def category_points(model: dict[str, Any]) -> dict[str, int]:
    return {c["code"]: int(c["points"]) for c in model["categories"]}


def decay(model: dict[str, Any], occurred_on: dt.date, on: dt.date) -> Decimal:
    half_life = int(model.get("half_life_months") or 0)
    if half_life <= 0:
        return Decimal(1)
    age_days = max((on - occurred_on).days, 0)
    return Decimal(repr(0.5 ** (age_days / (half_life * DAYS_PER_MONTH))))


def grade_for(model: dict[str, Any], score: int) -> str:
    for threshold in model["thresholds"]:
        if threshold["min"] is None or score >= int(threshold["min"]):
            return str(threshold["grade"])
    return str(model["thresholds"][-1]["grade"])


def score(model: dict[str, Any], events: Iterable[tuple[str, dt.date]], on: dt.date) -> Scored:
    """Apply ``model`` to (category, occurred_on) pairs as of ``on``; unknown categories and
    events after ``on`` count nothing."""
    points = category_points(model)
    total = Decimal(int(model["base_score"]))
    for category, occurred_on in events:
        if occurred_on > on or category not in points:
            continue
        total += points[category] * decay(model, occurred_on, on)
    whole = int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return Scored(whole, grade_for(model, whole))


def model_errors(model: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) pairs of a score model's data; empty when it is usable."""
    problems: list[tuple[str, str]] = []
    categories = model.get("categories") or []
    if not categories:
        problems.append(("categories", "empty"))
    codes = [c.get("code") for c in categories]
    if len(set(codes)) != len(codes):
        problems.append(("categories", "duplicate"))
    thresholds = model.get("thresholds") or []
    if not thresholds or thresholds[-1].get("min") is not None:
        problems.append(("thresholds", "no_catch_all"))
    minimums = [t.get("min") for t in thresholds[:-1]]
    if any(m is None for m in minimums) or minimums != sorted(minimums, reverse=True):
        problems.append(("thresholds", "not_descending"))
    grades = [t.get("grade") for t in thresholds]
    if len(set(grades)) != len(grades):
        problems.append(("thresholds", "duplicate"))
    return problems
