"""REST endpoints of the indicators: definitions, targets, and the figures of a region and
month with the areas one level down (region-scoped)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from silvercare.common.errors import NotFound
from silvercare.indicators import selectors, services
from silvercare.indicators.definitions import indicators, targets

router = Router(tags=["indicators"])


class IndicatorOut(Schema):
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    aggregate: str
    definition_zh: str
    definition_en: str


class TargetOut(Schema):
    indicator: str
    region: str
    value: float
    comparison: str
    year: int
    document: str
    clause: str


class FigureOut(Schema):
    indicator: str
    region_code: str
    level: int
    period: str
    numerator: int
    denominator: int | None
    value: float | None
    computed_at: Any


@router.get("/definitions", response=list[IndicatorOut])
def definitions(request: HttpRequest) -> list[Any]:
    if not selectors.may_view(request.user):
        raise NotFound()
    return list(indicators())


@router.get("/targets", response=list[TargetOut])
def target_list(request: HttpRequest) -> list[Any]:
    if not selectors.may_view(request.user):
        raise NotFound()
    return list(targets())


@router.get("/figures", response=list[FigureOut])
def figures(request: HttpRequest, region: str, period: str = "") -> list[Any]:
    """The figures of ``region`` (a 12-digit code in your areas) and of the areas one level
    down, for ``period`` (a day YYYY-MM-DD, month YYYY-MM, quarter YYYYQn or year YYYY; the
    latest computed month when empty)."""
    code = period or selectors.latest_period()
    try:
        services.period_bounds(code)
    except ValueError:
        raise NotFound() from None
    return selectors.figures_for(actor=request.user, region_code=region, period=code)
