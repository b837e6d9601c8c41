"""Assessment endpoints: book, answer, score, sign, complete, read, report, FHIR."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.params import functions as param
from pydantic import Field

from silvercare.accounts.models import User
from silvercare.accounts.roles import Perm
from silvercare.accounts.selectors import active_user_holding
from silvercare.assessments import selectors, services
from silvercare.assessments.instruments import ScoringError, score_record
from silvercare.assessments.models import Assessment
from silvercare.assessments.schemas import (
    AnswersIn,
    AssessmentOut,
    AssessmentPageOut,
    BookIn,
    CancelIn,
    CurrentLevelOut,
    DueOut,
    ScoreIn,
    SignIn,
    StatsOut,
    TriggerIn,
)
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.no_store import mark_no_store
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_get_for

router = Router(tags=["assessments"])


def present(a: Assessment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "number": a.number,
        "elder_id": a.elder_id,
        "elder_name": a.elder.name,
        "region_code": a.region_id,
        "instrument": a.instrument,
        "reason": a.reason,
        "status": a.status,
        "scheduled_for": a.scheduled_for,
        "place": a.place,
        "assessor": str(a.assessor),
        "second_assessor": str(a.second_assessor) if a.second_assessor_id else None,
        "requires_two_assessors": a.requires_two_assessors,
        "items": a.items,
        "forms": a.forms,
        "result": a.result,
        "rules": a.rules,
        "total": a.total,
        "preliminary_level": a.preliminary_level,
        "final_level": a.final_level,
        "informant_name": a.informant_name,
        "assessor_signed_at": a.assessor_signed_at,
        "second_assessor_signed_at": a.second_assessor_signed_at,
        "informant_signed_at": a.informant_signed_at,
        "completed_at": a.completed_at,
        "next_due_on": a.next_due_on,
        "corrects_id": a.corrects_id,
        "correction_reason": a.correction_reason,
    }


class ListQuery(Schema):
    elder_id: uuid.UUID | None = None
    status: str | None = Field(None, pattern="^(booked|in_progress|review|completed|cancelled)$")
    mine: bool = False
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _user(user_id: int | None, field: str, region_code: str) -> User | None:
    """An assessor of the area by id. Anyone else answers exactly like a missing id, so a
    booking never names or confirms a user outside the elder's area."""
    if user_id is None:
        return None
    user = active_user_holding(
        user_id=user_id, perm=Perm.ASSESSMENTS_PERFORM, region_code=region_code
    )
    if user is None:
        raise ValidationFailed([FieldError(field, "unknown_user", _("Unknown user."))])
    return user


def _get(request: HttpRequest, assessment_id: uuid.UUID) -> Assessment:
    return selectors.assessment_get_for(actor=request.user, assessment_id=assessment_id)


@router.get("/", response=AssessmentPageOut, summary="Assessments in your area")
def list_assessments(request: HttpRequest, query: Query[ListQuery]) -> dict[str, Any]:
    qs = selectors.assessment_list(
        actor=request.user, elder_id=query.elder_id, status=query.status, mine=query.mine
    )
    start = (query.page - 1) * query.page_size
    return {"items": [present(a) for a in qs[start : start + query.page_size]], "count": qs.count()}


@router.post("/", response={201: AssessmentOut}, summary="Book an assessment")
def book(request: HttpRequest, payload: BookIn) -> Status[dict[str, Any]]:
    elder = elder_get_for(actor=request.user, elder_id=payload.elder_id)
    corrects = None
    if payload.corrects_id:
        try:
            corrects = selectors.assessment_get_for(
                actor=request.user, assessment_id=payload.corrects_id
            )
        except NotFound:
            raise ValidationFailed(
                [FieldError("corrects_id", "corrects_invalid", _("Unknown assessment."))]
            ) from None
    assessor = _user(payload.assessor_id, "assessor_id", elder.region_id)
    assessment = services.assessment_book(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        reason=payload.reason,
        scheduled_for=payload.scheduled_for,
        assessor=assessor,
        second_assessor=_user(payload.second_assessor_id, "second_assessor_id", elder.region_id),
        place=payload.place,
        instrument=payload.instrument,
        reason_note=payload.reason_note,
        corrects=corrects,
        correction_reason=payload.correction_reason,
    )
    return Status(201, present(assessment))


@router.post(
    "/score", summary="Score a record without saving (the same scorer as `silvercare assess-score`)"
)
def score(request: HttpRequest, payload: ScoreIn) -> dict[str, Any]:
    record = {k: v for k, v in payload.dict().items() if v is not None}
    try:
        return score_record(record)
    except ScoringError as exc:
        raise services.scoring_error_as_validation(exc) from exc


@router.get("/due", response=list[DueOut], summary="Elders due for reassessment")
def due(
    request: HttpRequest,
    within_days: int = param.Query(30, ge=0, le=3650),
    region: str = param.Query("", pattern=r"^\d{0,12}$"),
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "elder_id": e.pk,
            "name": e.name,
            "region_code": e.region_id,
            "level": e.ability_level,
            "due_on": e.reassessment_due_on,
            "overdue": bool(e.reassessment_due_on and e.reassessment_due_on < today),
        }
        for e in selectors.assessment_due(
            actor=request.user, within_days=within_days, region=region
        )[:1000]
    ]


@router.get("/stats", response=StatsOut, summary="Counts by level, region and period")
def stats(
    request: HttpRequest,
    region: str = param.Query("", pattern=r"^\d{0,12}$"),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    result = selectors.assessment_stats(actor=request.user, region=region, start=start, end=end)
    if not result:
        raise NotFound()
    return result


@router.get(
    "/elders/{elder_id}/level",
    response=CurrentLevelOut,
    summary="An elder's current ability level and history",
)
def current_level(request: HttpRequest, elder_id: uuid.UUID) -> dict[str, Any]:
    elder = elder_get_for(actor=request.user, elder_id=elder_id)
    level = selectors.assessment_current_level(elder)
    return {
        "elder_id": elder.pk,
        "level": level.level if level else None,
        "name": level.name if level else None,
        "assessed_at": level.assessed_at if level else None,
        "due_on": elder.reassessment_due_on,
        "history": selectors.assessment_level_history(elder),
    }


@router.post(
    "/elders/{elder_id}/triggers",
    response={201: DueOut},
    summary="Bring an elder's reassessment forward",
)
def add_trigger(
    request: HttpRequest, elder_id: uuid.UUID, payload: TriggerIn
) -> Status[dict[str, Any]]:
    elder = elder_get_for(actor=request.user, elder_id=elder_id)
    trigger = services.trigger_add(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        reason=payload.reason,
        due_on=payload.due_on,
        note=payload.note,
    )
    elder.refresh_from_db()
    return Status(
        201,
        {
            "elder_id": elder.pk,
            "name": elder.name,
            "region_code": elder.region_id,
            "level": elder.ability_level,
            "due_on": elder.reassessment_due_on or trigger.due_on,
            "overdue": False,
        },
    )


@router.get("/{assessment_id}", response=AssessmentOut, summary="One assessment")
def get_assessment(request: HttpRequest, assessment_id: uuid.UUID) -> dict[str, Any]:
    return present(_get(request, assessment_id))


@router.put(
    "/{assessment_id}/answers",
    response=AssessmentOut,
    summary="Save answers (any subset; null clears an item)",
)
def save_answers(
    request: HttpRequest, assessment_id: uuid.UUID, payload: AnswersIn
) -> dict[str, Any]:
    assessment = services.assessment_save_answers(
        ctx=audit_ctx(request, "api"),
        assessment=_get(request, assessment_id),
        items=payload.items,
        forms=payload.forms,
    )
    return present(selectors.assessment_get_for(actor=request.user, assessment_id=assessment.pk))


def _step(request: HttpRequest, assessment_id: uuid.UUID, action: Any, **kw: Any) -> dict[str, Any]:
    assessment = action(
        ctx=audit_ctx(request, "api"), assessment=_get(request, assessment_id), **kw
    )
    return present(selectors.assessment_get_for(actor=request.user, assessment_id=assessment.pk))


@router.post(
    "/{assessment_id}/submit", response=AssessmentOut, summary="Score the answers (moves to review)"
)
def submit(request: HttpRequest, assessment_id: uuid.UUID) -> dict[str, Any]:
    return _step(request, assessment_id, services.assessment_submit)


@router.post("/{assessment_id}/sign", response=AssessmentOut, summary="Sign as assessor")
def sign(request: HttpRequest, assessment_id: uuid.UUID, payload: SignIn) -> dict[str, Any]:
    return _step(
        request, assessment_id, services.assessment_sign, informant_name=payload.informant_name
    )


@router.post(
    "/{assessment_id}/complete", response=AssessmentOut, summary="Complete (immutable afterwards)"
)
def complete(request: HttpRequest, assessment_id: uuid.UUID) -> dict[str, Any]:
    return _step(request, assessment_id, services.assessment_complete)


@router.post("/{assessment_id}/cancel", response=AssessmentOut, summary="Cancel")
def cancel(request: HttpRequest, assessment_id: uuid.UUID, payload: CancelIn) -> dict[str, Any]:
    return _step(request, assessment_id, services.assessment_cancel, note=payload.note)


@router.get(
    "/{assessment_id}/fhir",
    summary="FHIR R4 Bundle (QuestionnaireResponse + Observation) of a completed assessment",
)
def fhir(request: HttpRequest, assessment_id: uuid.UUID) -> HttpResponse:
    from silvercare.assessments.fhir import assessment_to_fhir

    assessment = _get(request, assessment_id)
    if assessment.status != "completed":
        raise DomainError(
            code="assessment_wrong_status",
            status=409,
            message=_("Only completed assessments are exported."),
        )
    return mark_no_store(
        JsonResponse(assessment_to_fhir(assessment), content_type="application/fhir+json")
    )
