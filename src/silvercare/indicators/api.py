"""REST endpoints of the indicators: definitions, targets, the figures of a region and period
with the areas one level down, the analysis report, the service map's layers and the
recomputation (all region-scoped)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from silvercare.common import periods
from silvercare.common.errors import NotFound
from silvercare.common.request import audit_ctx
from silvercare.indicators import report, selectors, services
from silvercare.indicators.definitions import indicators, targets
from silvercare.indicators.maps import map_layers

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


def _where(request: HttpRequest, region: str, period: str) -> tuple[str, str]:
    """The region (in the reader's areas) and period (the latest month when empty) asked
    for; NotFound otherwise."""
    when = period or selectors.latest_period()
    if periods.kind_of(when) is None:
        raise NotFound()
    return selectors.region_for(request.user, region), when


@router.get("/figures", response=list[FigureOut])
def figures(request: HttpRequest, region: str, period: str = "") -> list[Any]:
    """The figures of ``region`` (a 12-digit code in your areas) and of the areas one level
    down, for ``period`` (a day YYYY-MM-DD, month YYYY-MM, quarter YYYYQn or year YYYY; the
    latest computed month when empty)."""
    code, when = _where(request, region, period)
    return selectors.figures_for(actor=request.user, region_code=code, period=when)


class AnalysisLineOut(Schema):
    indicator: str
    unit: str
    value: float | None
    previous: float | None
    numerator: int | None
    denominator: int | None
    targets: list[TargetOut]
    course: str | None
    projected: float | None


class AnalysisOut(Schema):
    region: str
    region_name: str
    period: str
    previous: str
    behind: list[str]
    lines: list[AnalysisLineOut]


class RefreshOut(Schema):
    id: Any
    kind: str
    state: str
    periods: list[str]
    done_periods: int
    figures: int
    created_at: Any
    finished_at: Any | None
    error: str


@router.get("/analysis", response=AnalysisOut, summary="The analysis report of a region")
def analysis(request: HttpRequest, region: str, period: str = "") -> dict[str, Any]:
    """What the analysis report says of ``region`` for ``period`` (any day, month YYYY-MM,
    quarter YYYYQn or year YYYY; the latest month when empty): each indicator with the period
    before, the binding targets and the course; the codes of those off track or at risk."""
    code, when = _where(request, region, period)
    shown = report.view(actor=request.user, region_code=code, period=when)
    return {
        "region": shown.region,
        "region_name": shown.region_name,
        "period": shown.period,
        "previous": shown.previous,
        "behind": [c.indicator.code for c in shown.behind],
        "lines": [
            {
                "indicator": c.indicator.code,
                "unit": c.indicator.unit,
                "value": c.figure.value if c.figure else None,
                "previous": shown.previous_values.get(c.indicator.code),
                "numerator": c.figure.numerator if c.figure else None,
                "denominator": c.figure.denominator if c.figure else None,
                "targets": c.binding,
                "course": c.trajectory.course if c.trajectory else None,
                "projected": c.trajectory.projected if c.trajectory else None,
            }
            for c in shown.cards
        ],
    }


@router.get("/map", summary="The service map's layers of a region")
def service_map(request: HttpRequest, region: str) -> dict[str, Any]:
    """Facilities, rental points, canteens and communities of ``region`` with whether each
    community lies inside a 15-minute service circle (places and names only, no person)."""
    return map_layers(actor=request.user, region_code=region)


@router.get("/refresh", response=RefreshOut | None, summary="The latest recomputation")
def refresh_latest(request: HttpRequest) -> Any:
    if not selectors.may_view(request.user):
        raise NotFound()
    return selectors.refresh_latest()


@router.post("/refresh", response={202: RefreshOut}, summary="Recompute the roll-ups now")
def refresh_start(request: HttpRequest, full: bool = True) -> Status[Any]:
    """Queue a recomputation (``indicators.manage``): everything recent, or with
    ``full=false`` the periods of yesterday and today; its progress at ``GET /refresh``."""
    return Status(202, services.refresh_request(ctx=audit_ctx(request, "api"), full=full))
