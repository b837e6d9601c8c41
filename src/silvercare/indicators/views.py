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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from silvercare.common import periods
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.request import audit_ctx
from silvercare.common.spreadsheets import Sheet, safe_text, xlsx_bytes
from silvercare.indicators import open_data, report, selectors, services
from silvercare.indicators.definitions import indicator, indicators
from silvercare.regions.selectors import region_names


def _where(request: HttpRequest) -> tuple[str, str]:
    """The region and period asked for (defaults: the reader's home area, the latest month
    or the latest period of the ``kind`` asked for); 404 outside the reader's areas or for a
    malformed period."""
    if not selectors.may_view(request.user):
        raise Http404
    region = request.GET.get("region") or selectors.home_region(request.user) or ""
    period = request.GET.get("period") or ""
    if not period:
        kind = request.GET.get("kind") or "month"
        if kind not in periods.KINDS:
            raise Http404
        period = selectors.latest_period(kind)
    try:
        periods.bounds(period)
        return selectors.region_for(request.user, region), period
    except (ValueError, NotFound):
        raise Http404 from None


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_NAMES = {
    "day": gettext_lazy("Day"),
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    region, period = _where(request)
    kind = selectors.period_kind(period)
    shown = report.view(actor=request.user, region_code=region, period=period)
    return render(
        request,
        "indicators/home.html",
        {
            "report": shown,
            "cards": shown.cards,
            "region": region,
            "region_name": shown.region_name,
            "trail": shown.trail,
            "period": period,
            "kind": kind,
            "kinds": [(k, KIND_NAMES[k]) for k in periods.KINDS],
            "periods": selectors.period_choices(kind),
            "matrix": shown.matrix,
            "refresh": selectors.refresh_latest(),
            "may_refresh": selectors.may_recompute(request.user),
        },
    )


@login_required
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The dashboard of a region and period as the analysis report, in PDF."""
    region, period = _where(request)
    shown = report.view(actor=request.user, region_code=region, period=period)
    response = HttpResponse(report.analysis_pdf(shown), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="indicators-{region}-{period}.pdf"'
    return response


@login_required
def report_xlsx(request: HttpRequest) -> HttpResponse:
    """The analysis report of a region and period as a workbook."""
    region, period = _where(request)
    shown = report.view(actor=request.user, region_code=region, period=period)
    response = HttpResponse(report.analysis_xlsx(shown), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="indicators-report-{region}-{period}.xlsx"'
    )
    return response


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
    response = HttpResponse(content, content_type=XLSX)
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
