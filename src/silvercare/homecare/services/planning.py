"""Plan a provider's day with one click, and re-plan it when a caregiver drops out.

The routing problem (docs/routing.md) is built from the day's visits and the provider's
caregivers: certificates valid that day and skills become the caregivers' skills, shifts and
breaks, the home base as start and end, the elder's usual caregiver as the preferred one.
``silvercare.homecare.routing.solve`` does the solving; the plan is stored and written back
onto the visits (caregiver, sequence, arrival, or the reason a visit was left out)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.homecare import error_codes as codes
from silvercare.homecare.choices import TRAVEL_SPEED_KMH, ServiceCode, VisitStatus
from silvercare.homecare.models import Caregiver, DayPlan, Provider, Visit
from silvercare.homecare.reasons import from_solver
from silvercare.homecare.selectors import caregiver_certificates_on
from silvercare.homecare.services._base import audit, field_error, require_provider

PLANNABLE = (VisitStatus.ACCEPTED, VisitStatus.SCHEDULED)
DEFAULT_SPEED_KMH = 15.0


def _caregiver_skills(caregiver: Caregiver, day: dt.date) -> list[str]:
    certs = caregiver_certificates_on(caregiver, day)
    return sorted({*caregiver.skills, *(f"cert:{kind}" for kind in certs)})


def _visit_skills(visit: Visit) -> list[str]:
    st = visit.service_type
    return sorted({*st.skills, *(f"cert:{kind}" for kind in st.certificates)})


def _elder_point(visit: Visit, fallback: tuple[float, float]) -> list[float]:
    elder = visit.elder
    if elder.latitude is None or elder.longitude is None:
        return [fallback[1], fallback[0]]
    return [elder.longitude, elder.latitude]


def _missing_reason(needed: list[str], caregivers: list[dict[str, Any]]) -> str | None:
    """Why no caregiver of the day can do a visit (a reason code, ``reasons.reason_text``)."""
    if not caregivers:
        return "no_caregiver"
    held = [set(c.get("skills", [])) for c in caregivers]
    if any(set(needed) <= skills for skills in held):
        return None
    for need in needed:
        if not any(need in skills for skills in held):
            if need.startswith("cert:"):
                return f"certificate:{need[5:]}"
            return f"skill:{need}"
    return "skills"


def _usual_caregivers(visits: list[Visit], ids: set[str]) -> dict[Any, str]:
    """Per elder: the order's usual caregiver, else who last completed a visit for them."""
    usual: dict[Any, str] = {}
    elder_ids = {v.elder_id for v in visits}
    recent = (
        Visit.objects.filter(
            elder_id__in=elder_ids, status=VisitStatus.COMPLETED, caregiver__isnull=False
        )
        .order_by("elder_id", "-date")
        .values_list("elder_id", "caregiver_id")
    )
    for elder_id, caregiver_id in recent:
        if elder_id not in usual and str(caregiver_id) in ids:
            usual[elder_id] = str(caregiver_id)
    for visit in visits:
        if visit.order.usual_caregiver_id and str(visit.order.usual_caregiver_id) in ids:
            usual[visit.elder_id] = str(visit.order.usual_caregiver_id)
    return usual


def build_problem(
    *,
    provider: Provider,
    day: dt.date,
    visits: list[Visit],
    caregivers: list[Caregiver],
    start_times: dict[str, float] | None = None,
    start_points: dict[str, list[float]] | None = None,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The routing problem, and the visits left out before solving with their reasons."""
    speeds = {str(c.pk): TRAVEL_SPEED_KMH.get(c.travel_mode, DEFAULT_SPEED_KMH) for c in caregivers}
    rows: list[dict[str, Any]] = []
    for c in caregivers:
        key = str(c.pk)
        home = [c.home_lon, c.home_lat]
        row: dict[str, Any] = {
            "id": key,
            "start": (start_points or {}).get(key, home),
            "end": home,
            "shift": [c.shift_start, c.shift_end],
            "skills": _caregiver_skills(c, day),
            "max_visits": c.max_visits,
            "speed_kmh": speeds[key],
        }
        if c.meal_capacity is not None:
            # A meal round: the box holds this many meals (every meal delivery loads one).
            row["capacity"] = c.meal_capacity
        if start_times and key in start_times:
            row["start_time"] = min(max(start_times[key], c.shift_start), c.shift_end)
        if c.break_start is not None and c.break_minutes:
            row["breaks"] = [
                {
                    "window": [
                        c.break_start,
                        min(c.shift_end, c.break_start + c.break_minutes + 60),
                    ],
                    "duration": c.break_minutes,
                }
            ]
        rows.append(row)
    ids = {r["id"] for r in rows}
    usual = _usual_caregivers(visits, ids)
    centre = (provider.region.latitude or 22.55, provider.region.longitude or 114.09)
    problem_visits: list[dict[str, Any]] = []
    left_out: list[dict[str, str]] = []
    for v in visits:
        needed = _visit_skills(v)
        reason = _missing_reason(needed, rows)
        if reason is not None:
            left_out.append({"visit": str(v.pk), "reason": reason})
            continue
        item: dict[str, Any] = {
            "id": str(v.pk),
            "location": _elder_point(v, centre),
            "window": [v.window_start, v.window_end],
            "duration": v.duration_min,
        }
        if needed:
            item["skills"] = needed
        if v.service_type.code == ServiceCode.MEALS:
            item["demand"] = 1
        if v.elder_id in usual:
            item["preferred_caregiver"] = usual[v.elder_id]
        problem_visits.append(item)
    problem = {
        "distance": {"kind": "haversine", "speed_kmh": DEFAULT_SPEED_KMH},
        "caregivers": rows,
        "visits": problem_visits,
    }
    return problem, left_out


def _solve(problem: dict[str, Any], time_limit: float) -> dict[str, Any]:
    try:
        from silvercare.homecare import routing
    except ImportError:  # pragma: no cover - the routing package ships with the app
        raise DomainError(
            code=codes.ROUTING_UNAVAILABLE,
            status=503,
            message=_("Route planning is not available."),
        ) from None
    if not problem["visits"]:
        return {"routes": [], "unassigned": [], "total_travel": 0.0}
    try:
        return routing.solve(problem, time_limit=time_limit)
    except routing.RoutingInputError as exc:
        raise DomainError(
            code=codes.NOTHING_TO_PLAN,
            status=422,
            message=_("The day cannot be planned: %(errors)s") % {"errors": "; ".join(exc.errors)},
        ) from None


def _write(
    ctx: AuditContext,
    *,
    provider: Provider,
    day: dt.date,
    plan: dict[str, Any],
    left_out: list[dict[str, str]],
    visits: list[Visit],
    replan_from: int | None = None,
    absent: Caregiver | None = None,
) -> DayPlan:
    by_id = {str(v.pk): v for v in visits}
    now = timezone.now()
    touched: list[Visit] = []
    for route in plan.get("routes", []):
        for index, stop in enumerate(route.get("stops", []), start=1):
            visit = by_id.get(str(stop["visit"]))
            if visit is None:
                continue
            visit.caregiver_id = route["caregiver"]
            visit.sequence = index
            visit.planned_arrival = float(stop.get("start", stop.get("arrival", 0)))
            visit.unassigned_reason = ""
            visit.status = VisitStatus.SCHEDULED
            visit.updated_at = now
            touched.append(visit)
    unassigned = [
        *left_out,
        *(
            {
                "visit": str(row["visit"]),
                "reason": from_solver(str(row.get("reason", ""))),
                "detail": str(row.get("reason", "")),
            }
            for row in plan.get("unassigned", [])
        ),
    ]
    for row in unassigned:
        visit = by_id.get(str(row["visit"]))
        if visit is None:
            continue
        visit.caregiver_id = None
        visit.sequence = None
        visit.planned_arrival = None
        visit.unassigned_reason = str(row.get("reason", ""))[:200]
        visit.status = VisitStatus.ACCEPTED
        visit.updated_at = now
        touched.append(visit)
    Visit.objects.bulk_update(
        touched,
        ["caregiver", "sequence", "planned_arrival", "unassigned_reason", "status", "updated_at"],
    )
    stored = DayPlan.objects.create(
        provider=provider,
        region_id=provider.region_id,
        date=day,
        routes=plan.get("routes", []),
        unassigned=unassigned,
        total_travel=float(plan.get("total_travel", 0.0)),
        replan_from=replan_from,
        absent=absent,
        created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )
    audit(
        ctx,
        entity="plan",
        entity_id=stored.pk,
        region_code=provider.region_id,
        summary=(
            f"{'re-planned' if replan_from is not None else 'planned'} {day}: "
            f"{len(touched) - len(unassigned)} placed, {len(unassigned)} unassigned"
        ),
    )
    return stored


def _day_visits(provider: Provider, day: dt.date) -> list[Visit]:
    return list(
        Visit.objects.filter(provider=provider, date=day, status__in=PLANNABLE)
        .select_related("elder", "service_type", "order")
        .order_by("window_start", "id")
    )


def _working(provider: Provider) -> list[Caregiver]:
    return list(
        Caregiver.objects.filter(provider=provider, active=True).prefetch_related("certificates")
    )


def plan_day(
    *, ctx: AuditContext, provider: Provider, day: dt.date, time_limit: float = 3.0
) -> DayPlan:
    """Plan every accepted or scheduled visit of the day for the provider's caregivers."""
    require_provider(ctx, Perm.CARE_PROVIDE, provider)
    if day < timezone.localdate():
        raise field_error("date", codes.DATE_INVALID, _("A past day cannot be planned."))
    visits = _day_visits(provider, day)
    caregivers = _working(provider)
    problem, left_out = build_problem(
        provider=provider, day=day, visits=visits, caregivers=caregivers
    )
    plan = _solve(problem, time_limit)
    with transaction.atomic():
        return _write(ctx, provider=provider, day=day, plan=plan, left_out=left_out, visits=visits)


def replan_day(
    *,
    ctx: AuditContext,
    provider: Provider,
    day: dt.date,
    absent: Caregiver,
    from_minute: int,
    time_limit: float = 3.0,
) -> DayPlan:
    """``absent`` cannot work from ``from_minute``: plan again what is not yet started.
    Visits done or under way stay where they are; every other caregiver continues from
    where they are (their last started visit) at ``from_minute`` at the earliest."""
    require_provider(ctx, Perm.CARE_PROVIDE, provider)
    if absent.provider_id != provider.pk:
        raise field_error(
            "absent_caregiver_id", codes.CAREGIVER_INVALID, _("Not a caregiver of this provider.")
        )
    if not 0 <= from_minute <= 1440:
        raise field_error("from_minute", codes.TIME_INVALID, _("Give a time of day."))
    caregivers = [c for c in _working(provider) if c.pk != absent.pk]
    started = list(
        Visit.objects.filter(
            provider=provider,
            date=day,
            status__in=[VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED],
            caregiver__isnull=False,
        ).select_related("elder")
    )
    start_times: dict[str, float] = {}
    start_points: dict[str, list[float]] = {}
    for visit in sorted(started, key=lambda v: v.planned_arrival or 0):
        key = str(visit.caregiver_id)
        begun = visit.planned_arrival or visit.window_start
        if visit.checked_in_at is not None:
            local = timezone.localtime(visit.checked_in_at)
            begun = local.hour * 60 + local.minute
        finish = begun + visit.duration_min if visit.status == VisitStatus.IN_PROGRESS else begun
        if visit.checked_out_at is not None:
            local = timezone.localtime(visit.checked_out_at)
            finish = local.hour * 60 + local.minute
        start_times[key] = max(start_times.get(key, 0.0), float(finish))
        if visit.elder.latitude is not None and visit.elder.longitude is not None:
            start_points[key] = [visit.elder.longitude, visit.elder.latitude]
    for c in caregivers:
        key = str(c.pk)
        start_times[key] = max(start_times.get(key, 0.0), float(from_minute))
    visits = _day_visits(provider, day)
    problem, left_out = build_problem(
        provider=provider,
        day=day,
        visits=visits,
        caregivers=caregivers,
        start_times=start_times,
        start_points=start_points,
    )
    plan = _solve(problem, time_limit)
    with transaction.atomic():
        return _write(
            ctx,
            provider=provider,
            day=day,
            plan=plan,
            left_out=left_out,
            visits=visits,
            replan_from=from_minute,
            absent=absent,
        )
