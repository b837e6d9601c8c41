"""Reads of the home-adaptation capability, scoped with ``visible_to`` (out of scope is
``NotFound``, the same as missing), and the counts per region and month that the
indicators read (``adaptation_counts``)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncMonth

from silvercare.accounts.roles import Perm
from silvercare.adaptation.checklist import Question, checklist
from silvercare.adaptation.choices import OPEN_STATUSES, Status
from silvercare.adaptation.models import (
    AdaptationCase,
    ChecklistAnswer,
    Contractor,
    Photo,
    PlanItem,
    WorksEntry,
)
from silvercare.common.errors import NotFound
from silvercare.regions.choices import PREFIX_LENGTH


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


def case_list(
    *, actor: Any, status: str = "", elder_id: Any = None, region_prefix: str = ""
) -> QuerySet[AdaptationCase]:
    qs = AdaptationCase.objects.visible_to(actor, Perm.ADAPTATION_VIEW).select_related(
        "elder", "region", "contractor"
    )
    if status == "open":
        qs = qs.filter(status__in=[s.value for s in OPEN_STATUSES])
    elif status:
        qs = qs.filter(status=status)
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    return qs.order_by("-created_at", "id")


def case_get_for(*, actor: Any, case_id: Any) -> AdaptationCase:
    found = case_list(actor=actor).filter(pk=_uuid(case_id)).first()
    if found is None:
        raise NotFound()
    return found


def plan_item_get_for(*, actor: Any, item_id: Any) -> PlanItem:
    found = (
        PlanItem.objects.filter(pk=_uuid(item_id))
        .filter(case__in=case_list(actor=actor).values("pk"))
        .select_related("case", "case__elder")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def photo_get_for(*, actor: Any, photo_id: Any) -> Photo:
    found = (
        Photo.objects.filter(pk=_uuid(photo_id))
        .filter(case__in=case_list(actor=actor).values("pk"))
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def contractor_list(*, actor: Any, case: AdaptationCase | None = None) -> QuerySet[Contractor]:
    """Contractors the actor may see; for a case, the active ones working in its area."""
    qs = Contractor.objects.visible_to(actor, Perm.ADAPTATION_VIEW).select_related("region")
    if case is not None:
        code = case.region_id
        prefixes = {code[:n] for n in set(PREFIX_LENGTH.values())}
        ids = [
            c.pk
            for c in qs.filter(active=True)
            if any(c.region.code[: PREFIX_LENGTH[c.region.level]] == p for p in prefixes)
        ]
        qs = qs.filter(pk__in=ids)
    return qs.order_by("name", "id")


def contractor_get_for(*, actor: Any, contractor_id: Any) -> Contractor:
    found = contractor_list(actor=actor).filter(pk=_uuid(contractor_id)).first()
    if found is None:
        raise NotFound()
    return found


@dataclass
class ChecklistRow:
    question: Question
    answer: str = ""
    note: str = ""
    photos: list[Photo] = field(default_factory=list)


@dataclass
class ChecklistArea:
    code: str
    name: str
    rows: list[ChecklistRow]


def checklist_rows(case: AdaptationCase) -> list[ChecklistArea]:
    """The checklist by area with the case's answers and photos (photo bytes not loaded)."""
    answers = {a.question: a for a in ChecklistAnswer.objects.filter(case=case)}
    photos: dict[str, list[Photo]] = {}
    for photo in Photo.objects.filter(case=case, stage="checklist").defer("content"):
        photos.setdefault(photo.question, []).append(photo)
    data = checklist()
    areas = []
    for area in data.areas:
        rows = []
        for q in data.questions:
            if q.area != area.code:
                continue
            found = answers.get(q.code)
            rows.append(
                ChecklistRow(
                    question=q,
                    answer=found.answer if found else "",
                    note=found.note if found else "",
                    photos=photos.get(q.code, []),
                )
            )
        areas.append(ChecklistArea(area.code, area.name, rows))
    return areas


def answers_of(case: AdaptationCase) -> list[ChecklistAnswer]:
    return list(ChecklistAnswer.objects.filter(case=case).order_by("question"))


def items_of(case: AdaptationCase) -> list[PlanItem]:
    return list(PlanItem.objects.filter(case=case).order_by("created_at", "id"))


def works_of(case: AdaptationCase) -> list[WorksEntry]:
    entries = list(WorksEntry.objects.filter(case=case).order_by("on", "created_at"))
    photos: dict[Any, list[Photo]] = {}
    for photo in Photo.objects.filter(case=case, stage="works").defer("content"):
        photos.setdefault(photo.works_entry_id, []).append(photo)
    for entry in entries:
        entry.photo_list = photos.get(entry.pk, [])  # type: ignore[attr-defined]
    return entries


def suggested_items(case: AdaptationCase) -> list[str]:
    """Codes of recommended items the hazards found point to (in list order)."""
    hazards = set(
        ChecklistAnswer.objects.filter(case=case, answer="hazard").values_list(
            "question", flat=True
        )
    )
    codes: list[str] = []
    for q in checklist().questions:
        if q.code in hazards:
            codes += [c for c in q.suggests if c not in codes]
    return codes


def quote_for(*, actor: Any, case: AdaptationCase) -> dict[str, Any] | None:
    """The plan's stored subsidy quote, presented with its reasons, when the actor may see
    subsidy quotes (others see the totals kept on the case)."""
    if case.quote_id is None:
        return None
    from silvercare.subsidies import selectors as subsidies

    try:
        quote = subsidies.quote_get_for(actor=actor, quote_id=case.quote_id)
    except NotFound:
        return None
    return subsidies.quote_present(quote)


# --- Counts for officers and the indicators -------------------------------------------------


@dataclass(frozen=True)
class AdaptationCount:
    """Cases of one area and month: opened (by the date of the home visit), accepted (by
    acceptance date), households adapted (distinct elders accepted), spend (plan totals of
    accepted cases) and the subsidy part of it, in fen."""

    month: dt.date
    region_code: str
    opened: int = 0
    accepted: int = 0
    households: int = 0
    spend_fen: int = 0
    subsidy_fen: int = 0


def _month(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def adaptation_counts(
    region_prefix: str,
    month_from: dt.date,
    month_to: dt.date,
    *,
    group_digits: int | None = None,
) -> list[AdaptationCount]:
    """Counts per month from ``month_from``'s month to ``month_to``'s (inclusive) for every
    case whose area code starts with ``region_prefix`` (not scoped by user: callers pass a
    prefix the reader may see). ``group_digits`` (e.g. 9 for streets) splits the rows by
    that many leading digits of the area code (padded to 12); otherwise one row per month
    with ``region_code`` the prefix padded to 12. Months with nothing are included."""
    start, end = _month(month_from), _next_month(_month(month_to))
    base = AdaptationCase.objects.filter(region__code__startswith=region_prefix)
    key: Any = Substr("region_id", 1, group_digits) if group_digits else None

    def grouped(
        qs: QuerySet[AdaptationCase], month_field: str, **aggs: Any
    ) -> list[dict[str, Any]]:
        qs = qs.annotate(m=TruncMonth(month_field))
        fields = ["m"]
        if key is not None:
            qs = qs.annotate(g=key)
            fields.append("g")
        return list(qs.values(*fields).annotate(**aggs).order_by())

    opened = grouped(
        base.filter(assessed_on__gte=start, assessed_on__lt=end), "assessed_on", n=Count("id")
    )
    accepted = grouped(
        base.filter(accepted_on__gte=start, accepted_on__lt=end),
        "accepted_on",
        n=Count("id"),
        households=Count("elder", distinct=True),
        spend=Sum("total_fen"),
        subsidy=Sum("subsidy_fen"),
    )
    rows: dict[tuple[dt.date, str], dict[str, int]] = {}

    def _key(row: dict[str, Any]) -> tuple[dt.date, str]:
        month = row["m"]
        if isinstance(month, dt.datetime):
            from django.utils import timezone

            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        code = (row.get("g") or region_prefix).ljust(12, "0")
        return _month(month), code

    for row in opened:
        rows.setdefault(_key(row), {})["opened"] = row["n"]
    for row in accepted:
        slot = rows.setdefault(_key(row), {})
        slot.update(
            accepted=row["n"],
            households=row["households"],
            spend_fen=row["spend"] or 0,
            subsidy_fen=row["subsidy"] or 0,
        )
    month = start
    codes = sorted({code for _m, code in rows}) or [region_prefix.ljust(12, "0")]
    if group_digits is None:
        codes = [region_prefix.ljust(12, "0")]
    result = []
    while month < end:
        for code in codes:
            values = rows.get((month, code), {})
            result.append(AdaptationCount(month=month, region_code=code, **values))
        month = _next_month(month)
    return result


def status_counts(*, actor: Any) -> dict[str, int]:
    qs = AdaptationCase.objects.visible_to(actor, Perm.ADAPTATION_VIEW)
    counted = {row["status"]: row["n"] for row in qs.values("status").annotate(n=Count("id"))}
    return {s.value: counted.get(s.value, 0) for s in Status}


def follow_ups_due(*, actor: Any, on: dt.date) -> QuerySet[AdaptationCase]:
    return case_list(actor=actor, status=Status.ACCEPTED).filter(Q(follow_up_due_on__lte=on))


def adapted_facts(*, until: dt.date) -> dict[str, dict[str, int]]:
    """Per community: the households (elders) whose adaptation was accepted by ``until``,
    each once, for the indicators (counts only)."""
    rows = (
        AdaptationCase.objects.filter(accepted_on__lte=until)
        .values("region_id")
        .annotate(n=Count("elder_id", distinct=True))
    )
    return {r["region_id"]: {"households": r["n"]} for r in rows}
