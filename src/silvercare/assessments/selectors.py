"""Reads of the assessment capability. ``assessment_current_level`` is the one selector
every other capability uses to learn an elder's ability level."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.assessments.choices import LEVEL_NAMES, Status
from silvercare.assessments.models import Assessment
from silvercare.common.selectors import one_visible
from silvercare.elders.choices import ElderStatus
from silvercare.elders.models import Elder

GBT = "gbt42195-2022"


@dataclass(frozen=True)
class CurrentLevel:
    level: int
    name: str
    assessed_at: dt.datetime
    assessment_id: uuid.UUID
    due_on: dt.date | None


def _completed(elder_id: Any) -> QuerySet[Assessment]:
    return Assessment.objects.filter(
        elder_id=elder_id, status=Status.COMPLETED, instrument=GBT
    ).order_by("-completed_at", "-created_at")


def assessment_current_level(elder: Elder | Any) -> CurrentLevel | None:
    """The final level of the elder's latest completed GB/T 42195 assessment, or None."""
    latest = (
        _completed(getattr(elder, "pk", elder))
        .only("id", "final_level", "completed_at", "next_due_on")
        .first()
    )
    if latest is None or latest.final_level is None or latest.completed_at is None:
        return None
    return CurrentLevel(
        level=latest.final_level,
        name=str(LEVEL_NAMES[latest.final_level]),
        assessed_at=latest.completed_at,
        assessment_id=latest.pk,
        due_on=latest.next_due_on,
    )


@dataclass(frozen=True)
class LatestAnswers:
    assessment_id: uuid.UUID
    completed_at: dt.datetime
    items: dict[str, int]
    forms: dict[str, Any]


def assessment_latest_answers(elder: Elder | Any) -> LatestAnswers | None:
    """The item scores and appendix A answers of the elder's latest completed GB/T 42195
    assessment (read by the assistive capability's selection rules), or None."""
    latest = (
        _completed(getattr(elder, "pk", elder)).only("id", "completed_at", "items", "forms").first()
    )
    if latest is None or latest.completed_at is None:
        return None
    return LatestAnswers(
        assessment_id=latest.pk,
        completed_at=latest.completed_at,
        items=dict(latest.items or {}),
        forms=dict(latest.forms or {}),
    )


def assessment_level_history(elder: Elder) -> list[dict[str, Any]]:
    return [
        {
            "date": timezone.localdate(a.completed_at).isoformat() if a.completed_at else None,
            "level": a.final_level,
            "preliminary": a.preliminary_level,
            "total": a.total,
            "id": str(a.pk),
            "number": a.number,
        }
        for a in _completed(elder.pk).order_by("completed_at")
    ]


def assessment_list(
    *, actor: Any, elder_id: Any = None, status: str | None = None, mine: bool = False
) -> QuerySet[Assessment]:
    qs = Assessment.objects.visible_to(actor, Perm.ASSESSMENTS_VIEW).select_related(
        "elder", "assessor", "region"
    )
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    if status:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(Q(assessor=actor) | Q(second_assessor=actor))
    return qs.order_by("-scheduled_for", "-created_at")


def assessment_get_for(*, actor: Any, assessment_id: Any) -> Assessment:
    return one_visible(
        assessment_list(actor=actor).select_related(
            "second_assessor", "booked_by", "corrects", "elder__region"
        ),
        assessment_id,
    )


def assessment_due(
    *, actor: Any, within_days: int = 30, region: str = "", include_never: bool = False
) -> QuerySet[Elder]:
    """Active elders whose reassessment falls due within ``within_days`` (overdue first).
    With ``include_never`` elders never assessed are listed too (due at once)."""
    horizon = timezone.localdate() + dt.timedelta(days=within_days)
    qs = (
        Elder.objects.visible_to(actor, Perm.ASSESSMENTS_VIEW)
        .filter(status=ElderStatus.ACTIVE)
        .select_related("region")
    )
    due = Q(reassessment_due_on__lte=horizon)
    if include_never:
        due |= Q(ability_level__isnull=True)
    qs = qs.filter(due)
    if region:
        qs = qs.filter(region__code__startswith=region)
    return qs.order_by("reassessment_due_on", "name")


def assessment_stats(
    *, actor: Any, region: str = "", start: dt.date | None = None, end: dt.date | None = None
) -> dict[str, Any]:
    """Counts for the indicators capability: assessments completed in the period by final
    level, elders assessed, the share with level ≥ 2, and reassessment coverage (active
    elders whose assessment is not overdue)."""
    if not actor_has_perm(actor, Perm.ASSESSMENTS_STATS):
        return {}
    done = Assessment.objects.visible_to(actor, Perm.ASSESSMENTS_STATS).filter(
        status=Status.COMPLETED, instrument=GBT
    )
    elders = Elder.objects.visible_to(actor, Perm.ASSESSMENTS_STATS).filter(
        status=ElderStatus.ACTIVE
    )
    if region:
        done = done.filter(region__code__startswith=region)
        elders = elders.filter(region__code__startswith=region)
    if start:
        done = done.filter(completed_at__date__gte=start)
    if end:
        done = done.filter(completed_at__date__lte=end)
    by_level = {
        row["final_level"]: row["n"]
        for row in done.values("final_level").annotate(n=Count("id")).order_by()
    }
    assessed = done.values("elder_id").distinct().count()
    today = timezone.localdate()
    active = elders.count()
    current = elders.filter(ability_level__isnull=False)
    covered = current.filter(reassessment_due_on__gte=today).count()
    severe = current.filter(ability_level__gte=2).count()
    with_level = current.count()
    return {
        "assessments_by_level": {level: by_level.get(level, 0) for level in range(5)},
        "assessments": sum(by_level.values()),
        "elders_assessed": assessed,
        "active_elders": active,
        "elders_with_level": with_level,
        "share_level_2_plus": round(severe / with_level, 4) if with_level else None,
        "reassessment_coverage": round(covered / active, 4) if active else None,
        "overdue": current.filter(reassessment_due_on__lt=today).count(),
    }


def assessors_for(*, region_code: str, on: dt.date) -> list[Any]:
    """Qualified assessors whose grants cover ``region_code`` (for booking forms); the
    qualification is asked of ``training``."""
    from silvercare.accounts.models import User
    from silvercare.regions.choices import PREFIX_LENGTH
    from silvercare.training.selectors import qualified_user_ids

    prefixes = [region_code[:n] for n in PREFIX_LENGTH.values()]
    ancestors = [p.ljust(12, "0") for p in prefixes]
    qualified = qualified_user_ids("assessor", on=on)
    return list(
        User.objects.filter(
            is_active=True,
            pk__in=qualified,
            grants__role="assessor",
            grants__region_id__in=ancestors,
        )
        .distinct()
        .order_by("username")
    )


def elders_recently_assessed(
    *, actor: Any, since: dt.date, min_level: int, region_prefix: str = ""
) -> dict[Any, tuple[int, dt.date | None]]:
    """Elder id -> (final level, completion date) of the elders the actor sees whose GB/T
    42195 assessment completed since ``since`` is their latest and is at ``min_level`` or
    above (e.g. whose families a caregiver course is for)."""
    qs = (
        Assessment.objects.visible_to(actor, Perm.ASSESSMENTS_VIEW)
        .filter(status=Status.COMPLETED, instrument=GBT, completed_at__date__gte=since)
        .order_by("elder_id", "-completed_at")
    )
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    latest: dict[Any, tuple[int, dt.date | None]] = {}
    for elder_id, level, completed_at in qs.values_list("elder_id", "final_level", "completed_at")[
        :5000
    ]:
        if elder_id in latest or level is None:
            latest.setdefault(elder_id, (-1, None))
            continue
        latest[elder_id] = (level, timezone.localdate(completed_at) if completed_at else None)
    return {k: v for k, v in latest.items() if v[0] >= min_level}


def assessed_facts(*, until: dt.date, days: int = 365) -> dict[str, dict[str, int]]:
    """Per community: the elders whose GB/T 42195 assessment completed in the ``days`` up to
    ``until`` (each elder once, where the assessment was made), for the indicators."""
    since = until - dt.timedelta(days=days)
    rows = (
        Assessment.objects.filter(
            status=Status.COMPLETED,
            instrument=GBT,
            completed_at__date__gt=since,
            completed_at__date__lte=until,
        )
        .values("region_id")
        .annotate(n=Count("elder_id", distinct=True))
    )
    return {r["region_id"]: {"assessed": r["n"]} for r in rows}
