"""Every read of the supervision capability, scoped to the actor (``visible_to``); out of
scope is the same ``NotFound`` as missing. The public page reads only published draws."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from silvercare.accounts.roles import Perm, Role
from silvercare.accounts.scoping import actor_grants, actor_has_perm, actor_prefixes, scope_q
from silvercare.common.selectors import one_visible
from silvercare.supervision import draw as algorithm
from silvercare.supervision.choices import (
    AppealStatus,
    BlacklistStatus,
    DrawStatus,
    WarningStatus,
)
from silvercare.supervision.models import (
    BlacklistEntry,
    CreditEvent,
    CreditSubject,
    FraudWarning,
    GradeChange,
    Inspection,
    InspectionDraw,
    ScoreModel,
)
from silvercare.supervision.services.credit import ancestor_codes


def _parse_int(value: str) -> int:
    number = int(value) if value.isascii() and value.isdigit() else -1
    if not 1 <= number < 2**62:
        raise ValueError(value)
    return number


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    return one_visible(queryset, pk, parse=_parse_int)


def _above(actor: Any, perm: str) -> list[str]:
    """Codes of the regions above the actor's grants for ``perm`` (city, province)."""
    codes: set[str] = set()
    for prefix in actor_prefixes(actor, perm):
        codes.update(ancestor_codes(prefix.ljust(12, "0")))
    return sorted(codes)


# --- Fraud warnings ---------------------------------------------------------------------


def warnings_for_region(*, region_code: str, on: dt.date) -> list[FraudWarning]:
    """Current (published, valid on ``on``) warnings of the region and the regions above it,
    newest first. For the home page, the elder and family portal."""
    return list(
        FraudWarning.objects.filter(
            region_id__in=ancestor_codes(region_code),
            status=WarningStatus.PUBLISHED,
            valid_from__lte=on,
            valid_to__gte=on,
        )
        .select_related("region")
        .order_by("-valid_from", "-pk")
    )


def warnings_for_worker(*, user: Any, on: dt.date) -> list[FraudWarning]:
    """Current warnings of the areas where the user is a community worker."""
    seen: dict[int, FraudWarning] = {}
    for role, prefix in actor_grants(user):
        if role != Role.COMMUNITY_WORKER:
            continue
        for warning in warnings_for_region(region_code=prefix.ljust(12, "0"), on=on):
            seen.setdefault(warning.pk, warning)
    return sorted(seen.values(), key=lambda w: (w.valid_from, w.pk), reverse=True)


def warning_list(*, actor: Any, current_on: dt.date | None = None) -> QuerySet[FraudWarning]:
    """Warnings of the actor's areas and of the regions above them."""
    qs = FraudWarning.objects.filter(
        scope_q(actor, Perm.SUPERVISION_VIEW, "region__code")
        | Q(region_id__in=_above(actor, Perm.SUPERVISION_VIEW))
    ).select_related("region")
    if current_on is not None:
        qs = qs.filter(
            status=WarningStatus.PUBLISHED, valid_from__lte=current_on, valid_to__gte=current_on
        )
    return qs


def warning_get_for(*, actor: Any, warning_id: Any) -> FraudWarning:
    return _get(warning_list(actor=actor), warning_id)  # type: ignore[no-any-return]


# --- Credit -----------------------------------------------------------------------------


def subject_list(
    *, actor: Any, kind: str = "", grade: str = "", q: str = ""
) -> QuerySet[CreditSubject]:
    qs = CreditSubject.objects.visible_to(actor, Perm.SUPERVISION_VIEW).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    if grade:
        qs = qs.filter(grade=grade)
    if q:
        qs = qs.filter(name__icontains=q)
    return qs.order_by("name", "pk")


def subject_get_for(*, actor: Any, subject_id: Any) -> CreditSubject:
    return _get(subject_list(actor=actor), subject_id)  # type: ignore[no-any-return]


def subject_events(subject: CreditSubject) -> QuerySet[CreditEvent]:
    return subject.events.select_related("recorded_by").order_by("-occurred_on", "-pk")


def subject_grades(subject: CreditSubject) -> QuerySet[GradeChange]:
    return subject.grades.select_related("model").order_by("-at", "-pk")


def event_list(*, actor: Any) -> QuerySet[CreditEvent]:
    return CreditEvent.objects.visible_to(actor, Perm.SUPERVISION_VIEW).select_related("subject")


def score_models(*, actor: Any) -> QuerySet[ScoreModel]:
    """Models of the actor's areas and of the regions above them (which apply to them)."""
    return ScoreModel.objects.filter(
        scope_q(actor, Perm.SUPERVISION_VIEW, "region__code")
        | Q(region_id__in=_above(actor, Perm.SUPERVISION_VIEW))
    ).select_related("region")


def score_model_get_for(*, actor: Any, model_id: Any) -> ScoreModel:
    return _get(score_models(actor=actor), model_id)  # type: ignore[no-any-return]


def blacklist_list(*, actor: Any, state: str = "") -> QuerySet[BlacklistEntry]:
    qs = BlacklistEntry.objects.visible_to(actor, Perm.SUPERVISION_VIEW).select_related(
        "subject", "region"
    )
    if state == "listed":
        qs = qs.filter(status=BlacklistStatus.LISTED)
    elif state == "appeal":
        qs = qs.filter(appeal_status=AppealStatus.FILED)
    return qs


def blacklist_get_for(*, actor: Any, entry_id: Any) -> BlacklistEntry:
    return _get(blacklist_list(actor=actor), entry_id)  # type: ignore[no-any-return]


def listing_active(entry: BlacklistEntry, on: dt.date) -> bool:
    return (
        entry.status == BlacklistStatus.LISTED
        and entry.starts_on <= on
        and (entry.ends_on is None or entry.ends_on >= on)
    )


# --- Draws and inspections --------------------------------------------------------------


def draw_list(*, actor: Any) -> QuerySet[InspectionDraw]:
    return InspectionDraw.objects.visible_to(actor, Perm.SUPERVISION_VIEW).select_related(
        "region", "drawn_by"
    )


def draw_get_for(*, actor: Any, draw_id: Any) -> InspectionDraw:
    return _get(draw_list(actor=actor), draw_id)  # type: ignore[no-any-return]


def draw_inspections(draw: InspectionDraw) -> QuerySet[Inspection]:
    return draw.inspections.select_related("region").order_by("position")


def my_inspections(*, actor: Any) -> QuerySet[Inspection]:
    """The inspections the actor is assigned to (wherever the target is)."""
    if not actor_has_perm(actor, Perm.SUPERVISION_INSPECT):
        return Inspection.objects.none()
    return (
        Inspection.objects.filter(inspectors=actor)
        .select_related("draw", "region")
        .order_by("status", "draw__drawn_at", "position")
    )


def inspection_get_for(*, actor: Any, inspection_id: Any) -> Inspection:
    """An inspection of the actor's areas, or one the actor is assigned to."""
    visible = Inspection.objects.visible_to(actor, Perm.SUPERVISION_VIEW).values("pk")
    mine = my_inspections(actor=actor).values("pk")
    qs = Inspection.objects.filter(Q(pk__in=visible) | Q(pk__in=mine)).select_related(
        "draw", "region"
    )
    return _get(qs, inspection_id)  # type: ignore[no-any-return]


def public_draws() -> QuerySet[InspectionDraw]:
    """Draws whose results are published, for everyone (no sign-in)."""
    return InspectionDraw.objects.filter(status=DrawStatus.PUBLISHED).select_related("region")


def public_draw_get(draw_id: Any) -> InspectionDraw:
    return _get(public_draws(), draw_id)  # type: ignore[no-any-return]


def draw_published_data(draw: InspectionDraw) -> dict[str, Any]:
    """What the public page offers for download: everything needed to re-run the draw."""
    return {
        "draw_id": draw.pk,
        "title": draw.title,
        "region": draw.region_id,
        "drawn_at": draw.drawn_at.isoformat(),
        "algorithm": draw.algorithm,
        "seed": draw.seed,
        "target_kinds": draw.target_kinds,
        "ratios": draw.ratios,
        "inspectors_per_target": draw.inspectors_per_target,
        "relationship_months": draw.relationship_months,
        "pools": draw.pools,
        "pools_digest": draw.pools_digest,
        "result": draw.result,
        "result_digest": algorithm.digest(draw.result),
    }
