"""Pages: plan a provider's day with one click, see each route (sequence, arrival times, a
chart of the routes on plain coordinates) and every visit left out with its reason, and
re-plan when a caregiver drops out."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.roles import Perm
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.request import audit_ctx
from silvercare.homecare import selectors
from silvercare.homecare.forms import PlanForm, ReplanForm, minutes
from silvercare.homecare.models import DayPlan, Provider, Visit
from silvercare.homecare.reasons import reason_text
from silvercare.homecare.services import planning
from silvercare.homecare.views._common import hhmm, need, parse_date


def _provider(request: HttpRequest, provider_id: uuid.UUID) -> Provider:
    try:
        provider = selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    except NotFound:
        raise Http404 from None
    need(request, Perm.CARE_PROVIDE, provider.region_id)
    return provider


def plan_context(request: HttpRequest, plan: DayPlan | None, visits: list[Visit]) -> dict[str, Any]:
    """Routes with their stops (elder, service, arrival) and the chart's data: points are
    the elders' positions as the viewer may see them (rounded without the personal-data
    right)."""
    from silvercare.elders.selectors import elder_position_for

    by_id = {str(v.pk): v for v in visits}
    caregivers = {str(c.pk): c for c in selectors.caregiver_list(actor=request.user)}
    routes: list[dict[str, Any]] = []
    series: list[dict[str, Any]] = []
    placed = 0
    for route in plan.routes if plan else []:
        carer = caregivers.get(str(route["caregiver"]))
        stops, points = [], []
        if carer is not None:
            points.append({"x": carer.home_lon, "y": carer.home_lat, "label": _("Home base")})
        for stop in route.get("stops", []):
            visit = by_id.get(str(stop["visit"]))
            if visit is None:
                continue
            stops.append(
                {
                    "visit": visit,
                    "arrival": hhmm(stop.get("arrival")),
                    "start": hhmm(stop.get("start")),
                }
            )
            where = elder_position_for(request.user, visit.elder)
            if where is not None:
                points.append(
                    {
                        "x": where[1],
                        "y": where[0],
                        "label": f"{hhmm(stop.get('start'))} {visit.service_type}",
                    }
                )
        if carer is not None and len(points) > 1:
            points.append({"x": carer.home_lon, "y": carer.home_lat, "label": _("Home base")})
        name = carer.name if carer else str(route["caregiver"])
        routes.append({"caregiver": carer, "name": name, "stops": stops})
        placed += len(stops)
        if stops:
            series.append({"name": name, "points": points})
    unassigned = []
    for row in plan.unassigned if plan else []:
        visit = by_id.get(str(row["visit"]))
        if visit is not None:
            unassigned.append({"visit": visit, "reason": reason_text(str(row.get("reason", "")))})
    return {
        "routes": routes,
        "unassigned": unassigned,
        "chart": {"series": series},
        "placed": placed,
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan(request: HttpRequest, provider_id: uuid.UUID) -> HttpResponse:
    provider = _provider(request, provider_id)
    day = parse_date(request.GET.get("date"), timezone.localdate() + dt.timedelta(days=1))
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            day = form.cleaned_data["date"]
            try:
                stored = planning.plan_day(ctx=audit_ctx(request), provider=provider, day=day)
                messages.success(
                    request,
                    _("The day was planned: %(n)d visit(s) could not be placed.")
                    % {"n": len(stored.unassigned)},
                )
            except DomainError as exc:
                messages.error(request, str(exc.message))
        url = reverse("homecare:plan", kwargs={"provider_id": provider.pk})
        return redirect(f"{url}?date={day.isoformat()}")
    current = selectors.plan_latest(actor=request.user, provider=provider, day=day)
    visits = list(
        selectors.visit_list(actor=request.user, provider=provider, date=day).select_related(
            "elder__region"
        )
    )
    caregivers = list(selectors.caregiver_list(actor=request.user, provider=provider))
    context = plan_context(request, current, visits)
    return render(
        request,
        "homecare/plan.html",
        {
            "provider": provider,
            "day": day,
            "plan": current,
            "visits": visits,
            "open_count": sum(1 for v in visits if v.status in planning.PLANNABLE),
            "form": PlanForm(initial={"date": day}),
            "replan_form": ReplanForm(
                caregivers=[(str(c.pk), c.name) for c in caregivers],
                initial={"from_time": timezone.localtime().strftime("%H:%M")},
            ),
            **context,
        },
    )


@login_required
@require_POST
def replan(request: HttpRequest, provider_id: uuid.UUID) -> HttpResponse:
    provider = _provider(request, provider_id)
    day = parse_date(request.POST.get("date"), timezone.localdate())
    caregivers = list(selectors.caregiver_list(actor=request.user, provider=provider))
    form = ReplanForm(request.POST, caregivers=[(str(c.pk), c.name) for c in caregivers])
    if form.is_valid():
        absent = next(c for c in caregivers if str(c.pk) == form.cleaned_data["caregiver"])
        try:
            stored = planning.replan_day(
                ctx=audit_ctx(request),
                provider=provider,
                day=day,
                absent=absent,
                from_minute=minutes(form.cleaned_data["from_time"]),
            )
            messages.success(
                request,
                _("Re-planned without %(name)s: %(n)d visit(s) could not be placed.")
                % {"name": absent.name, "n": len(stored.unassigned)},
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
    else:
        messages.error(request, _("Choose the caregiver and the time."))
    url = reverse("homecare:plan", kwargs={"provider_id": provider.pk})
    return redirect(f"{url}?date={day.isoformat()}")
