"""A region's indicators for one period as the dashboard shows them, and the periodic
analysis report made of them (PDF with the trend charts, and xlsx): each indicator with its
figure, the movement since the period before, the target and the course, what is off track,
and the areas one level down."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from silvercare.common import periods
from silvercare.common.pdf import html_to_pdf
from silvercare.common.spreadsheets import Sheet, xlsx_bytes
from silvercare.indicators import selectors
from silvercare.indicators.definitions import Indicator, region_level
from silvercare.indicators.trajectory import Course
from silvercare.regions.choices import PREFIX_LENGTH
from silvercare.regions.selectors import region_names

PDF_TEMPLATE = "indicators/report.html"
BEHIND = (Course.OFF_TRACK, Course.AT_RISK)


def shown(ind: Indicator, value: float | None) -> str:
    """A figure as the pages write it: a percentage to one decimal, seconds and counts whole."""
    if value is None:
        return "—"
    if ind.unit == "percent":
        return f"{value:.1f}%"
    if ind.unit == "seconds":
        return _("%(seconds)s s") % {"seconds": f"{value:,.0f}"}
    return f"{value:,.0f}"


def change_shown(ind: Indicator, now: float | None, before: float | None) -> str:
    """The movement since the period before: percentage points for a percentage."""
    if now is None or before is None:
        return "—"
    delta = now - before
    if ind.unit == "percent":
        return _("%(delta)s points") % {"delta": f"{delta:+.1f}"}
    if ind.unit == "seconds":
        return _("%(seconds)s s") % {"seconds": f"{delta:+,.0f}"}
    return f"{delta:+,.0f}"


@dataclass
class View:
    """What the dashboard, its PDF and the analysis report show of one region and period."""

    region: str
    region_name: str
    trail: list[tuple[str, str]]  # the regions above the reader may open, top first
    period: str
    previous: str
    cards: list[selectors.Card]
    previous_values: dict[str, float | None]
    matrix: list[tuple[str, str, list[str]]]  # (code, name, a figure per card)

    @property
    def behind(self) -> list[selectors.Card]:
        return [c for c in self.cards if c.trajectory and c.trajectory.course in BEHIND]


def trail(actor: Any, code: str) -> list[tuple[str, str]]:
    """(code, name) of the region and the regions above it the reader may open."""
    level = region_level(code)
    codes = [code[: PREFIX_LENGTH[lv]].ljust(12, "0") for lv in range(2, level + 1)]
    codes = [c for c in codes if selectors.may_view(actor, c)]
    names = region_names(codes)
    return [(c, names.get(c, c)) for c in codes]


def view(*, actor: Any, region_code: str, period: str) -> View:
    cards = selectors.dashboard(actor=actor, region_code=region_code, period=period)
    previous = periods.previous(period)
    before = selectors.region_values(region_code=region_code, period=previous)
    child_codes = sorted({f.region_code for card in cards for f in card.children})
    names = region_names(child_codes)
    values = {
        (card.indicator.code, f.region_code): f.value for card in cards for f in card.children
    }
    matrix = [
        (
            code,
            names.get(code, code),
            [shown(c.indicator, values.get((c.indicator.code, code))) for c in cards],
        )
        for code in child_codes
    ]
    for card in cards:
        value = card.figure.value if card.figure else None
        card.shown = shown(card.indicator, value)
        card.change = change_shown(card.indicator, value, before.get(card.indicator.code))
        card.trend_shown = [(p, shown(card.indicator, v)) for p, v in card.trend]
        card.chart = trend_svg(card.trend)
    above = trail(actor, region_code)
    return View(
        region=region_code,
        region_name=above[-1][1] if above else region_code,
        trail=above[:-1],
        period=period,
        previous=previous,
        cards=cards,
        previous_values=before,
        matrix=matrix,
    )


def trend_svg(trend: list[tuple[str, float | None]], width: int = 300, height: int = 80) -> str:
    """A small line chart of a trend as inline SVG (for the PDF, which runs no script):
    the points with a value, joined; the lowest and highest value on the left, the first and
    last period below."""
    known = [(i, v) for i, (_p, v) in enumerate(trend) if v is not None]
    if not known:
        return ""
    low = min(v for _i, v in known)
    high = max(v for _i, v in known)
    span = high - low
    left, right, top, bottom = 42, 8, 6, 14
    steps = max(len(trend) - 1, 1)

    def x(i: int) -> float:
        return left + (width - left - right) * i / steps

    def y(v: float) -> float:
        if not span:
            return (top + height - bottom) / 2
        return height - bottom - (height - top - bottom) * (v - low) / span

    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in known)
    dots = "".join(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="1.8"/>' for i, v in known)
    labels = [(high, y(high))] + ([(low, y(low))] if span else [])
    values = "".join(
        f'<text x="{left - 4}" y="{at + 2.5:.1f}" text-anchor="end">{v:,.1f}</text>'
        for v, at in labels
    )
    first, last = escape(trend[0][0]), escape(trend[-1][0])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">'
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" '
        f'stroke="#999" stroke-width="0.5"/>'
        f'<polyline fill="none" stroke="#1d4e89" stroke-width="1.5" points="{points}"/>'
        f'<g fill="#1d4e89">{dots}</g>'
        f'<g font-size="7" fill="#333">{values}'
        f'<text x="{left}" y="{height - 3}">{first}</text>'
        f'<text x="{width - right}" y="{height - 3}" text-anchor="end">{last}</text></g></svg>'
    )


def _printed() -> str:
    return timezone.localtime(timezone.now()).strftime("%Y-%m-%d %H:%M")


def analysis_pdf(report: View) -> bytes:
    """The analysis report of a region and period as a PDF (Noto CJK, charts inline)."""
    html = render_to_string(PDF_TEMPLATE, {"report": report, "printed": _printed()})
    return html_to_pdf(html, identifier=f"silvercare-indicators-{report.region}-{report.period}")


def analysis_xlsx(report: View) -> bytes:
    """The analysis report as a workbook: the indicators with movement, target and course;
    what is off track or at risk; the areas one level down."""

    def target_text(card: selectors.Card) -> str:
        return "; ".join(
            f"{t.symbol} {t.value:g} ({t.year}) {t.document} {t.clause}" for t in card.binding
        )

    def course_text(card: selectors.Card) -> str:
        return card.trajectory.course_label if card.trajectory else ""

    target, course = pgettext("indicators", "Target"), pgettext("indicators", "Course")
    header = [
        _("Indicator"),
        report.period,
        report.previous,
        pgettext("indicators", "Change"),
        target,
        course,
        _("Definition"),
    ]
    rows: list[list[Any]] = [header]
    for card in report.cards:
        value = card.figure.value if card.figure else None
        before = report.previous_values.get(card.indicator.code)
        rows.append(
            [
                card.indicator.name,
                None if value is None else round(value, 2),
                None if before is None else round(before, 2),
                None if value is None or before is None else round(value - before, 2),
                target_text(card),
                course_text(card),
                card.indicator.definition,
            ]
        )
    behind: list[list[Any]] = [
        [
            _("Indicator"),
            _("Figure"),
            pgettext("indicators", "Target"),
            pgettext("indicators", "Course"),
        ]
    ]
    behind += [[c.indicator.name, c.shown, target_text(c), course_text(c)] for c in report.behind]
    areas: list[list[Any]] = [
        [_("Area code"), _("Area")] + [c.indicator.name for c in report.cards]
    ]
    areas += [[code, name, *values] for code, name, values in report.matrix]
    title = f"{report.region_name} {report.period}"
    return xlsx_bytes(
        [
            Sheet(title=_("Indicators"), rows=[[title], *rows]),
            Sheet(title=_("Behind target"), rows=behind),
            Sheet(title=_("By area"), rows=areas),
        ]
    )


def default_month(today: dt.date | None = None) -> str:
    """The month a monthly report is made for: the last complete one."""
    return periods.previous(periods.code_of("month", today or timezone.localdate()))
