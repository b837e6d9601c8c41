"""Endpoints under /api/v1/adaptation: the checklist, cases (open, list, detail), checklist
answers, plan items, contractors, the transitions of the state machine, works entries and
the counts per region and month. Region-scoped like every read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.adaptation import selectors, services
from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.models import AdaptationCase
from silvercare.adaptation.presenters import allowed_actions, present_case, present_contractor
from silvercare.adaptation.schemas import (
    AcceptIn,
    CancelIn,
    CaseDetailOut,
    CaseOpenIn,
    CasePageOut,
    ChecklistIn,
    ChecklistOut,
    ContractorAssignIn,
    ContractorIn,
    ContractorOut,
    CountOut,
    FollowUpIn,
    PlanItemIn,
    PlanItemOut,
    StartWorksIn,
    WorksIn,
    WorksOut,
)
from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx

router = Router(tags=["adaptation"])


def _detail(request: HttpRequest, case: AdaptationCase) -> dict[str, Any]:
    return {
        **present_case(request.user, case),
        "answers": [
            {"question": a.question, "answer": a.answer, "note": a.note}
            for a in selectors.answers_of(case)
        ],
        "items": [_item(i) for i in selectors.items_of(case)],
        "works": [
            {"id": w.pk, "on": w.on, "progress": w.progress, "note": w.note}
            for w in selectors.works_of(case)
        ],
        "allowed_actions": allowed_actions(case),
    }


def _item(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "code": i.code,
        "name": i.name,
        "basic": i.basic,
        "unit": i.unit,
        "quantity": i.quantity,
        "unit_price_fen": i.unit_price_fen,
        "total_fen": i.total_fen,
        "note": i.note,
    }


def _case(request: HttpRequest, case_id: uuid.UUID) -> AdaptationCase:
    return selectors.case_get_for(actor=request.user, case_id=case_id)


@router.get("/checklist", response=ChecklistOut, summary="The home hazard checklist and items")
def get_checklist(request: HttpRequest) -> dict[str, Any]:
    data = checklist()
    return {
        "version": data.version,
        "source": data.source,
        "areas": [{"code": a.code, "name": a.name} for a in data.areas],
        "questions": [
            {"code": q.code, "area": q.area, "text": q.text, "suggests": list(q.suggests)}
            for q in data.questions
        ],
        "recommended": [
            {
                "code": r.code,
                "group": r.group,
                "basic": r.basic,
                "name": r.name,
                "unit": r.unit,
                "reference_price_fen": r.reference_price_fen,
            }
            for r in data.recommended
        ],
    }


class CaseQuery(Schema):
    status: str = Field(
        "",
        pattern="^(|open|assessed|planned|approved|in_works|accepted|followed_up|cancelled)$",
    )
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/cases", response=CasePageOut, summary="Home adaptation cases in your area")
def list_cases(request: HttpRequest, query: Query[CaseQuery]) -> dict[str, Any]:
    qs = selectors.case_list(actor=request.user, status=query.status, elder_id=query.elder_id)
    start = (query.page - 1) * query.page_size
    return {
        "items": [present_case(request.user, c) for c in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.post("/cases", response={201: CaseDetailOut}, summary="Open a case for an elder's home")
def open_case(request: HttpRequest, payload: CaseOpenIn) -> Status[dict[str, Any]]:
    from silvercare.elders.selectors import elder_get_for

    try:
        elder = elder_get_for(
            actor=request.user, elder_id=payload.elder_id, perm=Perm.ADAPTATION_MANAGE
        )
    except NotFound:
        raise ValidationFailed(
            [FieldError("elder_id", "unknown_elder", _("Unknown elder."))]
        ) from None
    case = services.case_open(
        ctx=audit_ctx(request, "api"), elder=elder, assessed_on=payload.assessed_on
    )
    return Status(201, _detail(request, _case(request, case.pk)))


@router.get("/cases/{adaptation_case_id}", response=CaseDetailOut, summary="One case")
def get_case(request: HttpRequest, adaptation_case_id: uuid.UUID) -> dict[str, Any]:
    return _detail(request, _case(request, adaptation_case_id))


@router.put(
    "/cases/{adaptation_case_id}/checklist",
    response=CaseDetailOut,
    summary="Answer checklist questions (ok, hazard, na)",
)
def answer_checklist(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: ChecklistIn
) -> dict[str, Any]:
    case = _case(request, adaptation_case_id)
    services.checklist_record(
        ctx=audit_ctx(request, "api"),
        case=case,
        answers=[services.AnswerIn(a.question, a.answer, a.note) for a in payload.answers],
    )
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/items",
    response={201: PlanItemOut},
    summary="Add a plan item (recommended or free)",
)
def add_item(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: PlanItemIn
) -> Status[dict[str, Any]]:
    item = services.plan_item_add(
        ctx=audit_ctx(request, "api"), case=_case(request, adaptation_case_id), **payload.dict()
    )
    return Status(201, _item(item))


@router.delete(
    "/cases/{adaptation_case_id}/items/{adaptation_item_id}",
    response={204: None},
    summary="Remove a plan item",
)
def remove_item(
    request: HttpRequest, adaptation_case_id: uuid.UUID, adaptation_item_id: uuid.UUID
) -> Status[None]:
    item = selectors.plan_item_get_for(actor=request.user, item_id=adaptation_item_id)
    if item.case_id != adaptation_case_id:
        raise NotFound()
    services.plan_item_remove(ctx=audit_ctx(request, "api"), item=item)
    return Status(204, None)


@router.post(
    "/cases/{adaptation_case_id}/contractor",
    response=CaseDetailOut,
    summary="Choose the contractor",
)
def assign_contractor(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: ContractorAssignIn
) -> dict[str, Any]:
    case = _case(request, adaptation_case_id)
    try:
        contractor = selectors.contractor_get_for(
            actor=request.user, contractor_id=payload.contractor_id
        )
    except NotFound:
        raise ValidationFailed(
            [FieldError("contractor_id", "unknown_contractor", _("Unknown contractor."))]
        ) from None
    services.contractor_assign(ctx=audit_ctx(request, "api"), case=case, contractor=contractor)
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/plan",
    response=CaseDetailOut,
    summary="assessed → planned (checklist complete, items, subsidy quote)",
)
def plan(request: HttpRequest, adaptation_case_id: uuid.UUID) -> dict[str, Any]:
    services.case_plan(ctx=audit_ctx(request, "api"), case=_case(request, adaptation_case_id))
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/approve",
    response=CaseDetailOut,
    summary="planned → approved (the subsidy is reserved)",
)
def approve(request: HttpRequest, adaptation_case_id: uuid.UUID) -> dict[str, Any]:
    services.case_approve(ctx=audit_ctx(request, "api"), case=_case(request, adaptation_case_id))
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/start-works",
    response=CaseDetailOut,
    summary="approved → in works (a contractor is required)",
)
def start_works(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: StartWorksIn
) -> dict[str, Any]:
    services.works_start(
        ctx=audit_ctx(request, "api"),
        case=_case(request, adaptation_case_id),
        started_on=payload.started_on,
    )
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/works",
    response={201: WorksOut},
    summary="Record progress of the works",
)
def record_works(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: WorksIn
) -> Status[dict[str, Any]]:
    entry = services.works_record(
        ctx=audit_ctx(request, "api"), case=_case(request, adaptation_case_id), **payload.dict()
    )
    return Status(
        201, {"id": entry.pk, "on": entry.on, "progress": entry.progress, "note": entry.note}
    )


@router.post(
    "/cases/{adaptation_case_id}/accept",
    response=CaseDetailOut,
    summary="in works → accepted (every item checked, signed; the subsidy is committed)",
)
def accept(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: AcceptIn
) -> dict[str, Any]:
    services.case_accept(
        ctx=audit_ctx(request, "api"), case=_case(request, adaptation_case_id), **payload.dict()
    )
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/follow-up",
    response=CaseDetailOut,
    summary="accepted → followed up (on or after the due date)",
)
def follow_up(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: FollowUpIn
) -> dict[str, Any]:
    services.case_follow_up(
        ctx=audit_ctx(request, "api"), case=_case(request, adaptation_case_id), **payload.dict()
    )
    return _detail(request, _case(request, adaptation_case_id))


@router.post(
    "/cases/{adaptation_case_id}/cancel",
    response=CaseDetailOut,
    summary="Cancel before acceptance (a reserved subsidy is released)",
)
def cancel(
    request: HttpRequest, adaptation_case_id: uuid.UUID, payload: CancelIn
) -> dict[str, Any]:
    services.case_cancel(
        ctx=audit_ctx(request, "api"),
        case=_case(request, adaptation_case_id),
        reason=payload.reason,
    )
    return _detail(request, _case(request, adaptation_case_id))


@router.get("/contractors", response=list[ContractorOut], summary="Contractors in your area")
def list_contractors(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        present_contractor(c) or {} for c in selectors.contractor_list(actor=request.user)[:500]
    ]


@router.post("/contractors", response={201: ContractorOut}, summary="Record a contractor")
def create_contractor(request: HttpRequest, payload: ContractorIn) -> Status[dict[str, Any]]:
    contractor = services.contractor_create(ctx=audit_ctx(request, "api"), **payload.dict())
    return Status(201, present_contractor(contractor) or {})


class CountQuery(Schema):
    region: str = Field("", pattern=r"^(|\d{2,12})$")
    month_from: dt.date
    month_to: dt.date
    group_digits: int | None = Field(None, ge=2, le=12)


@router.get(
    "/counts",
    response=list[CountOut],
    summary="Cases opened, accepted, households adapted and spend per month (and area)",
)
def counts(request: HttpRequest, query: Query[CountQuery]) -> list[dict[str, Any]]:
    prefix = scoped_prefix(request.user, query.region)
    if not all(2000 <= d.year <= 2100 for d in (query.month_from, query.month_to)) or (
        query.month_to.year * 12 + query.month_to.month
    ) - (query.month_from.year * 12 + query.month_from.month) not in range(0, 60):
        raise ValidationFailed(
            [
                FieldError(
                    "month_to",
                    "range_invalid",
                    _("Choose up to 60 months, the end not before the start."),
                )
            ]
        )
    return [
        row.__dict__
        for row in selectors.adaptation_counts(
            prefix, query.month_from, query.month_to, group_digits=query.group_digits
        )
    ]


def scoped_prefix(actor: Any, region: str) -> str:
    """The prefix to count: the requested one if inside the actor's scope, else their
    (single) own; an area outside their scope is NotFound."""
    prefixes = actor_prefixes(actor, Perm.ADAPTATION_VIEW)
    if not prefixes:
        raise NotFound()
    if not region:
        return prefixes[0]
    if len(region) == 12:
        from silvercare.regions.choices import code_prefix
        from silvercare.regions.models import Region

        found = Region.objects.filter(code=region).first()
        if found is None:
            raise NotFound()
        region = code_prefix(found.code, found.level)
    if any(region.startswith(p) for p in prefixes):
        return region
    raise NotFound()
