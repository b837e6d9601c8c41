"""Every read of the industry capability, scoped to the actor (``visible_to``); out of scope
is the same ``NotFound`` as missing. ``inspection_targets`` is the plain-data reader the
supervision draws use."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.common.errors import NotFound
from silvercare.common.selectors import one_visible
from silvercare.industry.choices import FacilityKind, Filer, ReportStatus
from silvercare.industry.models import (
    Enterprise,
    Facility,
    IndustryCategory,
    Project,
    Report,
    ReportForm,
    ReportHistory,
    ReportPeriod,
    ReportReminder,
    WhiteListEvent,
    officer_prefixes,
)
from silvercare.regions.models import Region

if TYPE_CHECKING:
    from silvercare.regions.selectors import BoundingBox

#: ``kinds`` value of ``inspection_targets`` that selects enterprises rather than facilities.
ENTERPRISE_KIND = "enterprise"


def enterprises_visible(actor: Any, perm: str = Perm.INDUSTRY_VIEW) -> QuerySet[Enterprise]:
    """Enterprises the actor may read: officers by region, enterprise users only their own."""
    return Enterprise.objects.visible_to(actor, perm).select_related("region", "category")


def enterprise_get_for(*, actor: Any, id: Any, perm: str = Perm.INDUSTRY_VIEW) -> Enterprise:
    return one_visible(enterprises_visible(actor, perm), id)


def enterprises_of_member(actor: Any) -> QuerySet[Enterprise]:
    """The enterprises the actor belongs to (for enterprise users' own pages)."""
    if not getattr(actor, "is_authenticated", False):
        return Enterprise.objects.none()
    return Enterprise.objects.filter(members=actor).select_related("region", "category")


def enterprise_by_credit_code(code: str) -> Enterprise | None:
    """The registry enterprise with this (compact) credit code: the national identifier
    other capabilities link their rows by."""
    return Enterprise.objects.filter(credit_code=code).first()


def enterprise_search(
    *,
    actor: Any,
    q: str = "",
    region: str = "",
    category: str = "",
    sector: str = "",
    tier: str = "",
    size_class: str = "",
    above_size: bool | None = None,
    whitelisted: bool | None = None,
) -> QuerySet[Enterprise]:
    qs = enterprises_visible(actor)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(credit_code__iexact=q.upper()))
    if region:
        qs = qs.filter(region__code__startswith=_prefix_of(region))
    if category:
        qs = qs.filter(category__code__startswith=category)
    if sector:
        qs = qs.filter(sectors__contains=[sector]) if _json_contains() else _sector_py(qs, sector)
    if tier:
        qs = qs.filter(tiers__tier=tier).distinct()
    if size_class:
        qs = qs.filter(size_class=size_class)
    if above_size is not None:
        qs = qs.filter(above_designated_size=above_size)
    if whitelisted is not None:
        qs = qs.filter(whitelisted=whitelisted)
    return qs.order_by("name", "pk")


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def _sector_py(qs: QuerySet[Enterprise], sector: str) -> QuerySet[Enterprise]:
    # SQLite has no JSON containment lookup: a quoted-value match on the stored list.
    return qs.filter(sectors__icontains=f'"{sector}"')


def _prefix_of(region_code: str) -> str:
    region = Region.objects.filter(code=region_code).first()
    return region.prefix if region is not None else region_code


def facilities_visible(
    actor: Any, kind: str | None = None, perm: str = Perm.INDUSTRY_VIEW
) -> QuerySet[Facility]:
    qs = Facility.objects.visible_to(actor, perm).select_related("region", "operator")
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def facility_get_for(*, actor: Any, id: Any, perm: str = Perm.INDUSTRY_VIEW) -> Facility:
    return one_visible(facilities_visible(actor, perm=perm), id)


def facility_search(
    *,
    actor: Any,
    q: str = "",
    kind: str = "",
    region: str = "",
    ownership: str = "",
    medical_care: bool | None = None,
    operator: str = "",
) -> QuerySet[Facility]:
    qs = facilities_visible(actor, kind or None)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(address__icontains=q))
    if region:
        qs = qs.filter(region__code__startswith=_prefix_of(region))
    if ownership:
        qs = qs.filter(ownership=ownership)
    if medical_care is not None:
        qs = qs.filter(medical_care=medical_care)
    if operator:
        qs = qs.filter(operator__pk=operator)
    return qs.order_by("region_id", "kind", "name", "pk")


def facility_counts(actor: Any) -> dict[str, int]:
    rows = facilities_visible(actor).values("kind").annotate(n=Count("pk"))
    return {row["kind"]: row["n"] for row in rows}


def facility_positions(
    *,
    prefix: str,
    near: BoundingBox | None = None,
    exclude_kinds: Iterable[str] = (),
    on: dt.date | None = None,
) -> list[dict[str, Any]]:
    """Plain data for maps: the facilities open on ``on`` (active, opened by then or with no
    opening date) with a position, in the areas whose codes start with ``prefix`` or inside
    the box ``near`` — name, kind, area code, lat, lon; nothing about operators, addresses
    or people. Not scoped to an actor: the caller has checked that the reader may see the
    area (the indicators map does with ``indicators.selectors.region_for``). One query."""
    day = on or timezone.localdate()
    where = Q(region__code__startswith=prefix)
    if near is not None:
        where |= near.q()
    rows = (
        Facility.objects.filter(
            where,
            Q(opened_on__lte=day) | Q(opened_on__isnull=True),
            active=True,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .exclude(kind__in=list(exclude_kinds))
        .order_by("region_id", "kind", "name", "pk")
        .values_list("name", "kind", "region_id", "latitude", "longitude")
    )
    return [
        {"name": n, "kind": k, "region": r, "lat": lat, "lon": lon} for n, k, r, lat, lon in rows
    ]


def categories() -> QuerySet[IndustryCategory]:
    return IndustryCategory.objects.all().order_by("code")


@dataclass(frozen=True)
class InspectionTarget:
    """One possible target of a random inspection, as plain data."""

    id: str
    name: str
    region_code: str
    kind: str


def inspection_targets(
    *, region_code: str, kinds: Iterable[str] = (ENTERPRISE_KIND,)
) -> list[InspectionTarget]:
    """Active enterprises (kind ``"enterprise"``) and facilities of the given kinds in the
    region (a 12-digit code or a code prefix), in a stable order so a draw is reproducible."""
    prefix = _prefix_of(region_code)
    wanted = set(kinds)
    out: list[InspectionTarget] = []
    if ENTERPRISE_KIND in wanted:
        rows = (
            Enterprise.objects.filter(active=True, region__code__startswith=prefix)
            .order_by("pk")
            .values_list("pk", "name", "region_id")
        )
        out += [InspectionTarget(str(pk), name, code, ENTERPRISE_KIND) for pk, name, code in rows]
    facility_kinds = sorted(wanted & set(FacilityKind.values))
    if facility_kinds:
        frows = (
            Facility.objects.filter(
                active=True, kind__in=facility_kinds, region__code__startswith=prefix
            )
            .order_by("pk")
            .values_list("pk", "name", "region_id", "kind")
        )
        out += [InspectionTarget(str(pk), name, code, kind) for pk, name, code, kind in frows]
    return sorted(out, key=lambda t: (t.kind, t.id))


# --- Reports ---------------------------------------------------------------------------------


def forms_active() -> QuerySet[ReportForm]:
    return ReportForm.objects.filter(active=True).order_by("code")


def form_get(code: Any) -> ReportForm:
    found = ReportForm.objects.filter(code=str(code)[:40], active=True).first()
    if found is None:
        raise NotFound()
    return found


def reports_visible(actor: Any, perm: str = Perm.INDUSTRY_VIEW) -> QuerySet[Report]:
    return Report.objects.visible_to(actor, perm).select_related(
        "period__form", "enterprise", "facility", "region"
    )


def report_get_for(*, actor: Any, id: Any, perm: str = Perm.INDUSTRY_VIEW) -> Report:
    return one_visible(reports_visible(actor, perm), id)


def report_search(
    *,
    actor: Any,
    form: str = "",
    period: str = "",
    status: str = "",
    region: str = "",
    enterprise: str = "",
    facility: str = "",
) -> QuerySet[Report]:
    qs = reports_visible(actor)
    if form:
        qs = qs.filter(period__form__code=form)
    if period:
        qs = qs.filter(period__code=period.upper())
    if status:
        qs = qs.filter(status=status)
    if region:
        qs = qs.filter(region__code__startswith=_prefix_of(region))
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if facility:
        qs = qs.filter(facility_id=facility)
    return qs.order_by("-period__starts_on", "region_id", "pk")


def report_history(report: Report) -> QuerySet[ReportHistory]:
    return report.history.order_by("at", "pk")


def report_for_filer(
    *, form: ReportForm, period_code: str, filer: Enterprise | Facility
) -> Report | None:
    """The report of a filer for a period (callers have scoped the filer already)."""
    key = "enterprise" if isinstance(filer, Enterprise) else "facility"
    return (
        Report.objects.filter(period__form=form, period__code=period_code.upper(), **{key: filer})
        .select_related("period__form")
        .first()
    )


def approval_queue(actor: Any) -> QuerySet[Report]:
    """Reports waiting for this actor's approval: submitted ones in a district the actor
    approves for, district-approved ones where the actor approves for the city."""
    prefixes = actor_prefixes(actor, Perm.INDUSTRY_APPROVE)
    q = Q(pk__in=[])
    for prefix in prefixes:
        if len(prefix) == 6:
            q |= Q(status=ReportStatus.SUBMITTED, region__code__startswith=prefix)
        elif len(prefix) <= 4:
            q |= Q(status=ReportStatus.DISTRICT_APPROVED, region__code__startswith=prefix)
    return (
        Report.objects.filter(q)
        .select_related("period__form", "enterprise", "facility", "region")
        .order_by("submitted_at", "pk")
    )


def periods_of(form: ReportForm) -> QuerySet[ReportPeriod]:
    return form.periods.order_by("-starts_on")


@dataclass(frozen=True)
class ComplianceRow:
    """One filer that owes a period's report and has not filed it (missing) or filed it
    after the deadline (late)."""

    filer_id: str
    filer_name: str
    region_code: str
    region_name: str
    kind: str  # "missing" or "late"
    report_id: str


def compliance(*, actor: Any, period: ReportPeriod, region: str = "") -> list[ComplianceRow]:
    """Late and missing reports of a period among the filers the actor sees, by region."""
    form = period.form
    reports = {
        (r.enterprise_id or r.facility_id): r
        for r in Report.objects.filter(period=period).only(
            "pk", "enterprise_id", "facility_id", "status", "submitted_at"
        )
    }
    deadline_end = dt.datetime.combine(
        period.deadline + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    if form.filer == Filer.ENTERPRISE:
        filers: Any = enterprises_visible(actor).filter(active=True)
    else:
        filers = facilities_visible(actor).filter(active=True)
        if form.facility_kinds:
            filers = filers.filter(kind__in=form.facility_kinds)
    if region:
        filers = filers.filter(region__code__startswith=_prefix_of(region))
    today = timezone.localdate()
    out = []
    for filer in filers.order_by("region_id", "name"):
        report = reports.get(filer.pk)
        filed = report is not None and report.status not in (
            ReportStatus.DRAFT,
            ReportStatus.RETURNED,
        )
        if not filed:
            if today <= period.ends_on:
                continue
            kind = "missing"
        elif report is not None and report.submitted_at and report.submitted_at >= deadline_end:
            kind = "late"
        else:
            continue
        out.append(
            ComplianceRow(
                filer_id=str(filer.pk),
                filer_name=filer.name,
                region_code=filer.region_id,
                region_name=filer.region.name,
                kind=kind,
                report_id=str(report.pk) if report is not None else "",
            )
        )
    return out


def compliance_by_region(rows: list[ComplianceRow]) -> list[dict[str, Any]]:
    """Counts of late and missing reports per district (the first six digits)."""
    counts: dict[str, dict[str, Any]] = {}
    for row in rows:
        code = row.region_code[:6] + "000000"
        entry = counts.setdefault(code, {"region_code": code, "missing": 0, "late": 0})
        entry[row.kind] += 1
    names = dict(Region.objects.filter(code__in=counts).values_list("code", "name"))
    for code, entry in counts.items():
        entry["region_name"] = names.get(code, code)
    return sorted(counts.values(), key=lambda e: e["region_code"])


def reminders_for(actor: Any) -> QuerySet[ReportReminder]:
    """Reminders addressed to the enterprises the actor belongs to."""
    mine = enterprises_of_member(actor).values("pk")
    return (
        ReportReminder.objects.filter(Q(enterprise__in=mine) | Q(facility__operator__in=mine))
        .select_related("period__form", "enterprise", "facility")
        .order_by("-created_at")
    )


# --- Projects and the white list --------------------------------------------------------------


def projects_visible(actor: Any, perm: str = Perm.INDUSTRY_VIEW) -> QuerySet[Project]:
    return Project.objects.visible_to(actor, perm).select_related("region", "enterprise")


def project_get_for(*, actor: Any, id: Any, perm: str = Perm.INDUSTRY_VIEW) -> Project:
    return one_visible(projects_visible(actor, perm), id)


def project_search(
    *, actor: Any, q: str = "", region: str = "", sector: str = "", stage: str = ""
) -> QuerySet[Project]:
    qs = projects_visible(actor)
    if q:
        qs = qs.filter(name__icontains=q)
    if region:
        qs = qs.filter(region__code__startswith=_prefix_of(region))
    if sector:
        qs = qs.filter(sector=sector)
    if stage:
        qs = qs.filter(stage=stage)
    return qs.order_by("-investment_wan", "name", "pk")


def whitelist_history(enterprise: Enterprise) -> QuerySet[WhiteListEvent]:
    return enterprise.whitelist_events.order_by("-created_at", "-pk")


def whitelist_events_visible(actor: Any) -> QuerySet[WhiteListEvent]:
    return (
        WhiteListEvent.objects.filter(enterprise__in=enterprises_visible(actor).values("pk"))
        .select_related("enterprise")
        .order_by("-created_at", "-pk")
    )


def is_officer(actor: Any, perm: str = Perm.INDUSTRY_VIEW) -> bool:
    return bool(officer_prefixes(actor, perm))


def may_view(actor: Any) -> bool:
    """Whether the actor reads the industry pages at all (officers and enterprise users)."""
    from silvercare.accounts.scoping import actor_has_perm

    return actor_has_perm(actor, Perm.INDUSTRY_VIEW)


def period_get(*, form: ReportForm, code: str) -> ReportPeriod:
    found = ReportPeriod.objects.filter(form=form, code=code.strip().upper()[:8]).first()
    if found is None:
        raise NotFound()
    return found


def facility_facts(*, until: dt.date) -> dict[str, dict[str, int]]:
    """Non-personal facts of the facilities open on ``until`` per area code (the facility's
    region), for the indicators: institutions with their beds and nursing beds (all and
    public), institutions with medical care, street centres, day-care centres, experience
    centres. A facility without an opening date counts from its registration."""
    from django.db.models import Sum

    opened = Q(opened_on__lte=until) | Q(opened_on__isnull=True, created_at__date__lte=until)
    rows = (
        Facility.objects.filter(opened, active=True)
        .values("region_id", "kind", "ownership", "medical_care")
        .annotate(n=Count("id"), beds=Sum("beds"), nursing=Sum("nursing_beds"))
    )
    facts: dict[str, dict[str, int]] = {}
    for row in rows:
        out = facts.setdefault(row["region_id"], {})

        def add(key: str, value: int, out: dict[str, int] = out) -> None:
            out[key] = out.get(key, 0) + int(value or 0)

        add(f"{row['kind']}s", row["n"])
        if row["kind"] == FacilityKind.INSTITUTION:
            add("institution_beds", row["beds"])
            add("institution_nursing_beds", row["nursing"])
            if row["medical_care"]:
                add("institutions_medical", row["n"])
            if row["ownership"] == "public":
                add("public_institution_beds", row["beds"])
                add("public_institution_nursing_beds", row["nursing"])
    return facts


def enterprise_facts(*, until: dt.date) -> dict[str, dict[str, int]]:
    """Registered enterprises and those above designated size (规上) per area code, as
    registered by ``until``."""
    rows = (
        Enterprise.objects.filter(created_at__date__lte=until)
        .values("region_id")
        .annotate(n=Count("id"), above=Count("id", filter=Q(above_designated_size=True)))
    )
    return {r["region_id"]: {"enterprises": r["n"], "above_size": r["above"]} for r in rows}


def report_facts(*, start: dt.date, end: dt.date) -> dict[str, dict[str, int]]:
    """Per area code (the filer's): for every report period whose deadline fell in
    [start, end) and has passed, the reports due — one per filer active now that the form
    asks — and those filed by the deadline, for the indicators."""
    zone = timezone.get_current_timezone()
    facts: dict[str, dict[str, int]] = {}

    def add(region: str, key: str, n: int) -> None:
        out = facts.setdefault(region, {"reports_due": 0, "reports_on_time": 0})
        out[key] += n

    today = timezone.localdate()
    periods = ReportPeriod.objects.filter(
        deadline__gte=start, deadline__lt=min(end, today)
    ).select_related("form")
    for period in periods:
        form = period.form
        filers: Any
        if form.filer == Filer.ENTERPRISE:
            filers, link = Enterprise.objects.filter(active=True), "enterprise__in"
        else:
            filers = Facility.objects.filter(active=True)
            if form.facility_kinds:
                filers = filers.filter(kind__in=form.facility_kinds)
            link = "facility__in"
        for row in filers.values("region_id").annotate(n=Count("id")):
            add(row["region_id"], "reports_due", row["n"])
        deadline_end = dt.datetime.combine(
            period.deadline + dt.timedelta(days=1), dt.time.min, tzinfo=zone
        )
        on_time = (
            Report.objects.filter(period=period, submitted_at__lt=deadline_end, **{link: filers})
            .exclude(status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED])
            .values("region_id")
            .annotate(n=Count("id"))
        )
        for row in on_time:
            add(row["region_id"], "reports_on_time", row["n"])
    return facts
