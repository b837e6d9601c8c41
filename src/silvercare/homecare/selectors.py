"""Reads of the home-care capability, region-scoped with ``visible_to``."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.common.errors import NotFound
from silvercare.common.selectors import one_visible
from silvercare.homecare.choices import (
    OPEN_VISIT_STATES,
    ComplaintStatus,
    PatrolCategory,
    VisitStatus,
)
from silvercare.homecare.models import (
    CareBed,
    Caregiver,
    CaregiverCertificate,
    CareOrder,
    Complaint,
    DayPlan,
    PatrolRule,
    PatrolVisit,
    Provider,
    ProviderStaff,
    ServiceType,
    Visit,
)


def linked_provider_id(actor: Any) -> Any:
    """The provider a provider admin is linked to (None when not linked)."""
    if actor is None or getattr(actor, "pk", None) is None:
        return None
    return ProviderStaff.objects.filter(user=actor).values_list("provider_id", flat=True).first()


def _next_month(first: dt.date) -> dt.date:
    if first.year == dt.MAXYEAR and first.month == 12:
        return dt.date.max
    return (first + dt.timedelta(days=32)).replace(day=1)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def service_types(*, active_only: bool = True) -> QuerySet[ServiceType]:
    qs = ServiceType.objects.all()
    return qs.filter(active=True) if active_only else qs


def service_type_by_code(code: str) -> ServiceType:
    found = ServiceType.objects.filter(code=code).first()
    if found is None:
        raise NotFound()
    return found


def _own_provider(qs: QuerySet[Any], actor: Any, field: str = "provider_id") -> QuerySet[Any]:
    """A provider admin or caregiver linked to a provider sees only their provider's rows."""
    linked = linked_provider_id(actor)
    if linked is None:
        caregiver = (
            getattr(actor, "caregiver_profile", None) if getattr(actor, "pk", None) else None
        )
        linked = caregiver.provider_id if caregiver is not None else None
    return qs.filter(**{field: linked}) if linked is not None else qs


def _area_prefix(code: str) -> str:
    """A region code's prefix (a street's first 9 digits, a district's 6…)."""
    stripped = code.rstrip("0")
    for length in (2, 4, 6, 9, 12):
        if len(stripped) <= length:
            return code[:length]
    return code


def _overlaps(code: str, prefix: str) -> bool:
    own = _area_prefix(code)
    return own.startswith(prefix) or prefix.startswith(own)


def provider_list(*, actor: Any) -> QuerySet[Provider]:
    """Providers registered in the actor's areas, and those serving (part of) them: a
    district's provider is visible to the street worker who orders from it."""
    prefixes = actor_prefixes(actor, Perm.CARE_VIEW)
    if not prefixes:
        return Provider.objects.none()
    ids = [
        pk
        for pk, region_id, served in Provider.objects.values_list("id", "region_id", "served")
        if any(_overlaps(code, p) for p in prefixes for code in [region_id, *served])
    ]
    return Provider.objects.filter(pk__in=ids).select_related("region").order_by("name", "id")


def providers_of_registry_enterprise(*, actor: Any, registry_id: Any) -> list[Provider]:
    """The home-care contracts of a registry enterprise the actor sees (its registry page)."""
    return list(provider_list(actor=actor).filter(registry_id=registry_id))


def provider_get_for(*, actor: Any, provider_id: Any) -> Provider:
    return one_visible(provider_list(actor=actor), provider_id)


def providers_serving(*, actor: Any, region_code: str) -> list[Provider]:
    """Active providers whose areas include ``region_code`` (for an order form)."""
    return [
        p for p in Provider.objects.filter(active=True).order_by("name") if p.serves(region_code)
    ]


def provider_of(actor: Any) -> Provider | None:
    linked = linked_provider_id(actor)
    return Provider.objects.filter(pk=linked).first() if linked else None


def caregiver_list(*, actor: Any, provider: Provider | None = None) -> QuerySet[Caregiver]:
    qs = _own_provider(
        Caregiver.objects.visible_to(actor, Perm.CARE_VIEW).select_related("provider"), actor
    ).prefetch_related("certificates")
    return qs.filter(provider=provider) if provider is not None else qs


def caregiver_get_for(*, actor: Any, caregiver_id: Any) -> Caregiver:
    return one_visible(caregiver_list(actor=actor), caregiver_id)


def caregiver_of(actor: Any) -> Caregiver | None:
    if getattr(actor, "pk", None) is None:
        return None
    return Caregiver.objects.filter(user=actor, active=True).select_related("provider").first()


def certificate_valid(cert: CaregiverCertificate, on: dt.date) -> bool:
    return cert.valid_until is None or cert.valid_until >= on


def caregiver_certificates_on(caregiver: Caregiver, on: dt.date) -> set[str]:
    """The kinds of certificate the caregiver holds valid on ``on``: their own certificates,
    and, when they have an account, their qualifications in ``training``."""
    kinds = {c.kind for c in caregiver.certificates.all() if certificate_valid(c, on)}
    if caregiver.user_id:
        from silvercare.training.selectors import qualification_valid

        for kind in ("caregiver", "nurse", "rehab_therapist"):
            if kind not in kinds and qualification_valid(caregiver.user, kind, on=on):
                kinds.add(kind)
    return kinds


def order_list(
    *, actor: Any, status: str = "", elder_id: Any = None, provider: Provider | None = None
) -> QuerySet[CareOrder]:
    qs = _own_provider(
        CareOrder.objects.visible_to(actor, Perm.CARE_VIEW).select_related(
            "elder", "service_type", "provider"
        ),
        actor,
    )
    caregiver = caregiver_of(actor)
    if caregiver is not None and linked_provider_id(actor) is None:
        qs = qs.filter(pk__in=Visit.objects.filter(caregiver=caregiver).values("order_id"))
    if status:
        qs = qs.filter(status=status)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    if provider is not None:
        qs = qs.filter(provider=provider)
    return qs.order_by("-created_at", "id")


def order_get_for(*, actor: Any, order_id: Any) -> CareOrder:
    return one_visible(order_list(actor=actor), order_id)


def visit_list(
    *,
    actor: Any,
    provider: Provider | None = None,
    date: dt.date | None = None,
    status: str = "",
    flagged: bool = False,
    elder_id: Any = None,
) -> QuerySet[Visit]:
    qs = _own_provider(
        Visit.objects.visible_to(actor, Perm.CARE_VIEW).select_related(
            "elder", "service_type", "provider", "caregiver", "order"
        ),
        actor,
    )
    caregiver = caregiver_of(actor)
    if caregiver is not None and linked_provider_id(actor) is None:
        qs = qs.filter(caregiver=caregiver)  # a caregiver sees their own visits
    if provider is not None:
        qs = qs.filter(provider=provider)
    if date is not None:
        qs = qs.filter(date=date)
    if status:
        qs = qs.filter(status=status)
    if flagged:
        qs = qs.exclude(flags=[]).filter(flags_approved_at__isnull=True)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("date", "caregiver__name", "sequence", "window_start", "id")


def visit_get_for(*, actor: Any, visit_id: Any) -> Visit:
    return one_visible(visit_list(actor=actor), visit_id)


def visits_of_order(order: CareOrder) -> QuerySet[Visit]:
    return order.visits.select_related("caregiver").order_by("date", "id")


def caregiver_day(caregiver: Caregiver, day: dt.date) -> list[Visit]:
    """The caregiver's visits of a day in planned order."""
    return list(
        Visit.objects.filter(caregiver=caregiver, date=day)
        .exclude(status__in=[VisitStatus.CANCELLED])
        .select_related("elder", "service_type", "order")
        .order_by("sequence", "planned_arrival", "window_start")
    )


def plan_latest(*, actor: Any, provider: Provider, day: dt.date) -> DayPlan | None:
    return (
        DayPlan.objects.visible_to(actor, Perm.CARE_VIEW)
        .filter(provider=provider, date=day)
        .order_by("-created_at")
        .first()
    )


def plan_get_for(*, actor: Any, plan_id: Any) -> DayPlan:
    qs: QuerySet[DayPlan] = _own_provider(
        DayPlan.objects.visible_to(actor, Perm.CARE_VIEW), actor
    ).select_related("provider")
    return one_visible(qs, plan_id)


def complaint_list(*, actor: Any, open_only: bool = False) -> QuerySet[Complaint]:
    qs = _own_provider(
        Complaint.objects.visible_to(actor, Perm.CARE_VIEW).select_related(
            "visit", "visit__elder", "visit__service_type", "visit__provider"
        ),
        actor,
        "visit__provider_id",
    )
    if open_only:
        qs = qs.exclude(status=ComplaintStatus.CLOSED)
    return qs


def complaint_get_for(*, actor: Any, complaint_id: Any) -> Complaint:
    return one_visible(complaint_list(actor=actor), complaint_id)


def care_bed_list(*, actor: Any) -> QuerySet[CareBed]:
    return _own_provider(
        CareBed.objects.visible_to(actor, Perm.CARE_VIEW).select_related("elder", "provider"),
        actor,
    )


def care_bed_get_for(*, actor: Any, care_bed_id: Any) -> CareBed:
    return one_visible(care_bed_list(actor=actor), care_bed_id)


def care_bed_delivery(bed: CareBed, month: dt.date) -> dict[str, int]:
    """Contracted against delivered (completed) visits of the bed in ``month``."""
    return care_beds_delivery([bed], month)[bed.pk]


def care_beds_delivery(beds: list[CareBed], month: dt.date) -> dict[Any, dict[str, int]]:
    """``care_bed_delivery`` for many beds in one query."""
    first = month.replace(day=1)
    counts = (
        Visit.objects.filter(order__care_bed__in=beds, date__gte=first, date__lt=_next_month(first))
        .values("order__care_bed")
        .annotate(
            done=Count("pk", filter=Q(status=VisitStatus.COMPLETED)),
            open=Count("pk", filter=Q(status__in=OPEN_VISIT_STATES)),
        )
    )
    found: dict[Any, tuple[int, int]] = {
        row["order__care_bed"]: (row["done"], row["open"]) for row in counts
    }
    return {
        bed.pk: {
            "contracted": bed.visits_per_month,
            "delivered": found.get(bed.pk, (0, 0))[0],
            "open": found.get(bed.pk, (0, 0))[1],
        }
        for bed in beds
    }


def patrol_list(*, actor: Any, elder_id: Any = None) -> QuerySet[PatrolVisit]:
    qs = PatrolVisit.objects.visible_to(actor, Perm.CARE_VIEW).select_related("elder")
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs


def elder_panel(*, actor: Any, elder: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "orders": list(
            order_list(actor=actor, elder_id=elder.pk).filter(status__in=["requested", "accepted"])[
                :10
            ]
        ),
        "visits": list(
            visit_list(actor=actor, elder_id=elder.pk)
            .filter(date__lte=today)
            .order_by("-date", "-window_start")[:10]
        ),
    }


def flagged_count(*, actor: Any) -> int:
    return visit_list(actor=actor, flagged=True).count()


def day_counts(*, actor: Any, provider: Provider, day: dt.date) -> dict[str, int]:
    rows = (
        Visit.objects.visible_to(actor, Perm.CARE_VIEW)
        .filter(provider=provider, date=day)
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


def open_complaints_q() -> Q:
    return ~Q(status=ComplaintStatus.CLOSED)


def month_visits(*, provider: Provider, month: dt.date) -> QuerySet[Visit]:
    """The provider's visits of a calendar month (settlement; the caller checks rights)."""
    first = month.replace(day=1)
    end = _next_month(first)
    return (
        Visit.objects.filter(provider=provider, date__gte=first, date__lt=end)
        .select_related("elder", "service_type", "caregiver", "order")
        .order_by("date", "id")
    )


def settlement_summary(*, actor: Any, provider: Provider, month: dt.date) -> dict[str, Any]:
    visits = list(
        _own_provider(Visit.objects.visible_to(actor, Perm.CARE_VIEW), actor)
        .filter(pk__in=month_visits(provider=provider, month=month).values("pk"))
        .select_related("elder", "service_type", "caregiver", "order")
    )
    done = [v for v in visits if v.status == VisitStatus.COMPLETED]
    return {
        "visits": visits,
        "completed": len(done),
        "held": sum(1 for v in done if v.held),
        "verified": sum(1 for v in done if not v.held),
        "delivered": sum(1 for v in done if v.delivered_on is not None),
        "subsidy_fen": sum(v.order.subsidy_fen for v in done if not v.held),
        "copay_fen": sum(v.order.copay_fen for v in done if not v.held),
        "price_fen": sum(v.order.price_fen for v in done if not v.held),
    }


@dataclass
class PatrolDue:
    elder: Any
    categories: list[str]
    every_days: int
    last_visited_on: dt.date | None
    due_on: dt.date

    @property
    def category_labels(self) -> list[str]:
        return [str(PatrolCategory(c).label) for c in self.categories]


def patrol_due(*, actor: Any, on: dt.date, limit: int = 500) -> list[PatrolDue]:
    """The worker's due list: elders of their areas in a category with a patrol rule (the
    most specific area's rule for that category wins), whose last patrol is older than the
    rule's days (or who were never visited), the most overdue first."""
    from silvercare.elders.selectors import ElderFilters, elder_search

    rules = list(PatrolRule.objects.all())
    if not rules:
        return []
    # The most specific rule per (area, category).
    best: dict[tuple[str, str], PatrolRule] = {}
    for rule in sorted(rules, key=lambda r: len(r.region_id.rstrip("0"))):
        best[(rule.region_id, rule.category)] = rule
    wanted: dict[Any, tuple[Any, dict[str, int]]] = {}
    for rule in best.values():
        prefix = rule.region_id.rstrip("0")
        qs = elder_search(
            actor=actor,
            filters=ElderFilters(region=prefix, category=rule.category, status="active"),
        ).filter(pk__in=_scoped_elder_ids(actor))[: limit * 4]
        for elder in qs:
            _e, cats = wanted.setdefault(elder.pk, (elder, {}))
            cats[rule.category] = rule.every_days  # most specific last: it wins
    if not wanted:
        return []
    last = dict(
        PatrolVisit.objects.filter(elder_id__in=list(wanted))
        .values_list("elder_id")
        .annotate(last=Max("visited_on"))
        .values_list("elder_id", "last")
    )
    due: list[PatrolDue] = []
    for elder_id, (elder, cats) in wanted.items():
        every = min(cats.values())
        seen = last.get(elder_id)
        due_on = (seen + dt.timedelta(days=every)) if seen else on
        if due_on <= on:
            due.append(PatrolDue(elder, sorted(cats), every, seen, due_on))
    return sorted(due, key=lambda d: (d.due_on, d.elder.region_id, d.elder.name))[:limit]


def _scoped_elder_ids(actor: Any) -> Any:
    """Elders the actor orders care for (a community worker's own areas)."""
    from silvercare.elders.selectors import ElderFilters, elder_search

    prefixes = actor_prefixes(actor, Perm.CARE_ORDER)
    qs = elder_search(actor=actor, filters=ElderFilters())
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(region__code__startswith=prefix)
    return qs.filter(q).values("pk")


def visits_of_elder(*, elder_id: Any, limit: int = 20) -> dict[str, list[Visit]]:
    """An elder's upcoming (today on, not ended) and past visits, NOT scoped: for callers
    that have checked the reader's access to this elder another way (the elder and family
    portal: the elder's own account, or a linked family member with consent)."""
    today = timezone.localdate()
    qs = Visit.objects.filter(elder_id=elder_id).select_related(
        "service_type", "provider", "caregiver"
    )
    upcoming = (
        qs.filter(date__gte=today)
        .exclude(status__in=["completed", "cancelled", "missed"])
        .order_by("date", "window_start", "id")[:limit]
    )
    past = qs.filter(date__lte=today, status="completed").order_by("-date", "-window_start")[:limit]
    return {"upcoming": list(upcoming), "past": list(past)}


def visit_of_elder(*, elder_id: Any, visit_id: Any) -> Visit:
    """One visit of the elder (NOT scoped, see ``visits_of_elder``); NotFound otherwise."""
    return one_visible(
        Visit.objects.filter(elder_id=elder_id).select_related("service_type", "caregiver"),
        visit_id,
    )


def orders_of_elder(*, elder_id: Any, limit: int = 20) -> list[CareOrder]:
    """An elder's orders, newest first, NOT scoped (see ``visits_of_elder``): for the
    portal, which checked that the reader acts for the elder."""
    return list(
        CareOrder.objects.filter(elder_id=elder_id)
        .select_related("service_type", "provider")
        .order_by("-created_at", "id")[:limit]
    )


def visit_facts(*, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Per community: the visits of [start, end) completed, and of those the verified ones —
    not held by an unapproved flag, i.e. what settlement pays — for the indicators."""
    held = ~Q(flags=[]) & Q(flags_approved_at__isnull=True)
    rows = (
        Visit.objects.filter(status=VisitStatus.COMPLETED, date__gte=start, date__lt=end)
        .values("region_id")
        .annotate(n=Count("id"), verified=Count("id", filter=~held))
    )
    return {r["region_id"]: {"completed": r["n"], "verified": r["verified"]} for r in rows}
