"""The indicator dashboards: a region's figures against the policy targets, with the trend,
the course towards each target and the areas one level down; an xlsx export of the table."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.request import audit_ctx
from silvercare.common.spreadsheets import Sheet, safe_text, xlsx_bytes
from silvercare.indicators import open_data, selectors, services
from silvercare.indicators.definitions import Indicator, indicator, indicators, region_level
from silvercare.regions.choices import PREFIX_LENGTH
from silvercare.regions.selectors import region_names


def _where(request: HttpRequest) -> tuple[str, str]:
    """The region and month asked for (defaults: the reader's home area, the latest month);
    404 outside the reader's areas or for a malformed month."""
    if not selectors.may_view(request.user):
        raise Http404
    region = request.GET.get("region") or selectors.home_region(request.user) or ""
    period = request.GET.get("period") or selectors.latest_period()
    try:
        services.period_bounds(period)
        return selectors.region_for(request.user, region), period
    except (ValueError, NotFound):
        raise Http404 from None


def _trail(actor: Any, code: str) -> list[tuple[str, str]]:
    """(code, name) of the region and the regions above it the reader may open."""
    level = region_level(code)
    codes = [code[: PREFIX_LENGTH[lv]].ljust(12, "0") for lv in range(2, level + 1)]
    codes = [c for c in codes if selectors.may_view(actor, c)]
    names = region_names(codes)
    return [(c, names.get(c, c)) for c in codes]


def shown(ind: Indicator, value: float | None) -> str:
    """A figure as the dashboard writes it: a percentage to one decimal, a count whole."""
    if value is None:
        return "—"
    if ind.unit == "percent":
        return f"{value:.1f}%"
    return f"{value:,.0f}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    region, period = _where(request)
    cards = selectors.dashboard(actor=request.user, region_code=region, period=period)
    child_codes = sorted({f.region_code for card in cards for f in card.children})
    names = region_names(child_codes)
    trail = _trail(request.user, region)
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
        card.shown = shown(card.indicator, card.figure.value if card.figure else None)
        card.trend_shown = [(p, shown(card.indicator, v)) for p, v in card.trend]
    return render(
        request,
        "indicators/home.html",
        {
            "cards": cards,
            "region": region,
            "region_name": trail[-1][1] if trail else region,
            "trail": trail[:-1],
            "period": period,
            "periods": services.recent_periods(services.FULL_MONTHS)[::-1],
            "matrix": matrix,
            "refresh": selectors.refresh_latest(),
            "may_refresh": actor_has_perm(request.user, Perm.INDICATORS_MANAGE),
        },
    )


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    try:
        services.refresh_request(ctx=audit_ctx(request), full=True)
        messages.success(request, _("The figures are being recomputed; this page shows how far."))
    except DomainError as error:
        if error.status == 403:
            raise Http404 from None
        messages.error(request, str(error.message))
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("indicators:home")


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    region, period = _where(request)
    figures = selectors.figures_for(actor=request.user, region_code=region, period=period)
    names = region_names(sorted({f.region_code for f in figures}))
    header = [
        _("Indicator"),
        _("Area code"),
        _("Area"),
        _("Month"),
        _("Numerator"),
        _("Denominator"),
        _("Value"),
        _("Unit"),
        _("Computed at"),
    ]
    rows: list[list[Any]] = [header]
    for f in figures:
        ind = indicator(f.indicator)
        rows.append(
            [
                ind.name if ind else f.indicator,
                f.region_code,
                names.get(f.region_code, ""),
                f.period,
                f.numerator,
                f.denominator,
                round(f.value, 2) if f.value is not None else None,
                "%" if ind and ind.unit == "percent" else "",
                f.computed_at.strftime("%Y-%m-%d %H:%M"),
            ]
        )
    content = xlsx_bytes([Sheet(title=period, rows=rows)])
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="indicators-{region}-{period}.xlsx"'
    return response


# --- Open data (no sign-in) ----------------------------------------------------------------


def _open_period(request: HttpRequest, period: str | None) -> str:
    months = open_data.periods()
    chosen = period or request.GET.get("period") or (months[0] if months else "")
    if chosen not in months:
        raise Http404
    return chosen


def open_page(request: HttpRequest) -> HttpResponse:
    months = open_data.periods()
    period = _open_period(request, None) if months else ""
    return render(
        request,
        "indicators/open.html",
        {
            "period": period,
            "periods": months,
            "tables": open_data.tables(period) if period else [],
            "column_names": [
                next(i.name for i in indicators() if i.code == code)
                for code in open_data.NON_PERSONAL
            ],
        },
    )


def open_json(request: HttpRequest, open_period: str) -> HttpResponse:
    period = _open_period(request, open_period)
    data = open_data.as_json(period)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Disposition"] = f'attachment; filename="silvercare-open-{period}.json"'
    return response


def open_csv(request: HttpRequest, open_period: str) -> HttpResponse:
    period = _open_period(request, open_period)
    rows = open_data.as_csv_rows(period)
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(["" if v is None else safe_text(str(v)) for v in row])
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="silvercare-open-{period}.csv"'
    return response
