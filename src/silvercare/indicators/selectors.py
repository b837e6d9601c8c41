"""Reads of the roll-ups for the dashboards and the API, scoped to the reader's areas."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common import periods
from silvercare.common.errors import NotFound
from silvercare.indicators.definitions import (
    Indicator,
    Target,
    indicators,
    region_level,
    region_prefix,
    targets_for,
)
from silvercare.indicators.models import Figure, Refresh
from silvercare.indicators.services import FULL
from silvercare.indicators.trajectory import Trajectory, assess
from silvercare.regions.choices import PREFIX_LENGTH, RegionLevel
from silvercare.regions.selectors import region_codes

TREND = {"day": 14, "month": 12, "quarter": 8, "year": 3}


def may_view(actor: Any, region_code: str | None = None) -> bool:
    return actor_has_perm(actor, Perm.INDICATORS_VIEW, region_code)


def may_recompute(actor: Any) -> bool:
    """A recomputation rewrites the figures of every area: only an officer who manages the
    indicators of a whole city (or a province) may ask for one, not a district's or a
    street's."""
    city = PREFIX_LENGTH[RegionLevel.CITY]
    return any(len(p) <= city for p in actor_prefixes(actor, Perm.INDICATORS_MANAGE))


def home_region(actor: Any) -> str | None:
    """The area a reader's dashboard opens on: their widest grant (for a grant wider than a
    city, the first city with figures, else its first city); None without the permission."""
    prefixes = actor_prefixes(actor, Perm.INDICATORS_VIEW)
    if not prefixes:
        return None
    widest = min(prefixes, key=len)
    if len(widest) >= 4:
        return widest.ljust(12, "0")
    first = Figure.objects.filter(level=2, region_code__startswith=widest).order_by("region_code")
    found = first.values_list("region_code", flat=True).first()
    return found or next(iter(region_codes(level=2, under=widest)), None)


def region_for(actor: Any, region_code: str) -> str:
    """The region, when the actor reads its indicators; NotFound otherwise (no hint that an
    area outside one's grants exists)."""
    code = (region_code or "").strip()
    if len(code) != 12 or not (code.isascii() and code.isdigit()) or not may_view(actor, code):
        raise NotFound()
    return code


@dataclass
class Card:
    indicator: Indicator
    figure: Figure | None
    trend: list[tuple[str, float | None]]
    binding: list[Target]
    references: list[Target]
    trajectory: Trajectory | None
    children: list[Figure] = field(default_factory=list)
    # As the page writes them (set by the view).
    shown: str = ""
    change: str = ""
    chart: str = ""
    trend_shown: list[tuple[str, str]] = field(default_factory=list)


def period_kind(period: str) -> periods.Kind:
    """The kind of a period code; ValueError when it names none."""
    kind = periods.kind_of(period)
    if kind is None:
        raise ValueError(f"{period!r} names no period")
    return kind


def latest_period(kind: periods.Kind = "month") -> str:
    """The latest period of this kind with figures (this one when there are none)."""
    today = timezone.localdate()
    recent = periods.recent(kind, FULL[kind], today)
    found = (
        Figure.objects.filter(period__in=recent)
        .order_by("-period")
        .values_list("period", flat=True)
        .first()
    )
    return found or recent[-1]


def period_choices(kind: periods.Kind) -> list[str]:
    """The periods of this kind a dashboard offers, newest first."""
    return periods.recent(kind, FULL[kind], timezone.localdate())[::-1]


def dashboard(*, actor: Any, region_code: str, period: str) -> list[Card]:
    """One card per indicator for the region and period (a day, month, quarter or year): the
    figure, its trend over the periods of the same kind before it, the targets that bind the
    region (and those elsewhere), the course towards the first binding target, and the
    figures of the areas one level down (the drill-down)."""
    code = region_for(actor, region_code)
    kind = period_kind(period)
    trend_periods = periods.recent(kind, TREND[kind], periods.bounds(period)[0])
    # The course towards a target is judged on the months up to the period's end.
    last_day = periods.bounds(period)[1] - dt.timedelta(days=1)
    months = periods.recent("month", TREND["month"], min(last_day, timezone.localdate()))
    rows = Figure.objects.filter(region_code=code, period__in={*trend_periods, *months})
    by_key = {(f.indicator, f.period): f for f in rows}
    level = region_level(code)
    children = Figure.objects.filter(
        level=level + 1, period=period, region_code__startswith=region_prefix(code)
    ).order_by("region_code")
    children_of: dict[str, list[Figure]] = {}
    for child in children:
        children_of.setdefault(child.indicator, []).append(child)
    cards = []
    for ind in indicators():
        trend = [
            (p, by_key[(ind.code, p)].value if (ind.code, p) in by_key else None)
            for p in trend_periods
        ]
        binding, references = targets_for(ind.code, code)
        trajectory = None
        if binding:
            target = binding[0]
            points = []
            for p in months:
                month = by_key.get((ind.code, p))
                if month is not None and month.value is not None:
                    points.append((periods.bounds(p)[0], month.value))
            trajectory = assess(
                points, target=target.value, year=target.year, comparison=target.comparison
            )
        cards.append(
            Card(
                indicator=ind,
                figure=by_key.get((ind.code, period)),
                trend=trend,
                binding=binding,
                references=references,
                trajectory=trajectory,
                children=children_of.get(ind.code, []),
            )
        )
    return cards


def region_values(*, region_code: str, period: str) -> dict[str, float | None]:
    """Each indicator's figure of the region and period (the caller checked the region)."""
    return dict(
        Figure.objects.filter(region_code=region_code, period=period).values_list(
            "indicator", "value"
        )
    )


def figures_for(*, actor: Any, region_code: str, period: str) -> list[Figure]:
    """The region's figures and those one level down, for the month (API and exports)."""
    code = region_for(actor, region_code)
    periods.bounds(period)
    return list(
        Figure.objects.filter(
            period=period,
            region_code__startswith=region_prefix(code),
            level__in=[region_level(code), region_level(code) + 1],
        ).order_by("level", "region_code", "indicator")
    )


def refresh_latest() -> Refresh | None:
    return Refresh.objects.order_by("-created_at").first()
