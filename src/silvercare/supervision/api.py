"""Endpoints under /api/v1/supervision: fraud warnings, credit (subjects, events, score models,
blacklist and appeals), random-inspection draws (create, verify, publish) and inspectors'
results. Region-scoped like every read; out of scope answers 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx
from silvercare.supervision import error_codes as codes
from silvercare.supervision import selectors, services
from silvercare.supervision.models import (
    BlacklistEntry,
    CreditEvent,
    CreditSubject,
    FraudWarning,
    Inspection,
    InspectionDraw,
    ScoreModel,
)
from silvercare.supervision.schemas import (
    AppealIn,
    BlacklistIn,
    DecisionIn,
    DrawDetailOut,
    DrawIn,
    DrawOut,
    EventIn,
    EventOut,
    InspectionOut,
    ListingOut,
    ResultIn,
    ScoreModelIn,
    ScoreModelOut,
    SubjectDetailOut,
    SubjectOut,
    VerifyOut,
    WarningIn,
    WarningOut,
    WithdrawIn,
)
from silvercare.supervision.services.credit import individuals_in

router = Router(tags=["supervision"])


def _denied() -> DomainError:
    return DomainError(
        code=codes.PERMISSION_DENIED, status=403, message=_("You may not do this for this area.")
    )


def _need(request: HttpRequest, perm: str) -> None:
    if not actor_has_perm(request.user, perm):
        raise _denied()


def present_warning(w: FraudWarning) -> dict[str, Any]:
    return {
        "id": w.pk,
        "title": w.title,
        "pattern": w.pattern,
        "advice": w.advice,
        "region_code": w.region_id,
        "region_name": w.region.name,
        "valid_from": w.valid_from,
        "valid_to": w.valid_to,
        "status": w.status,
        "withdrawn_reason": w.withdrawn_reason,
    }


def present_subject(s: CreditSubject) -> dict[str, Any]:
    return {
        "id": s.pk,
        "kind": s.kind,
        "name": s.name,
        "region_code": s.region_id,
        "enterprise_id": s.enterprise_id,
        "user_id": s.user_id,
        "score": s.score,
        "grade": s.grade,
    }


def present_event(e: CreditEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "subject_id": e.subject_id,
        "category": e.category,
        "occurred_on": e.occurred_on,
        "source": e.source,
        "reference": e.reference,
        "evidence": e.evidence,
        "inspection_id": e.inspection_id,
    }


def present_listing(entry: BlacklistEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "subject_id": entry.subject_id,
        "subject_name": entry.subject.name,
        "reason": entry.reason,
        "starts_on": entry.starts_on,
        "ends_on": entry.ends_on,
        "status": entry.status,
        "in_force": selectors.listing_active(entry, timezone.localdate()),
        "appeal_status": entry.appeal_status,
        "appeal_text": entry.appeal_text,
        "appeal_filed_on": entry.appeal_filed_on,
        "decision_reason": entry.decision_reason,
    }


def present_model(m: ScoreModel) -> dict[str, Any]:
    return {
        "id": m.pk,
        "region_code": m.region_id,
        "version": m.version,
        "base_score": m.base_score,
        "half_life_months": m.half_life_months,
        "categories": m.categories,
        "thresholds": m.thresholds,
        "note": m.note,
    }


def present_inspection(i: Inspection) -> dict[str, Any]:
    return {
        "id": i.pk,
        "draw_id": i.draw_id,
        "position": i.position,
        "target_key": i.target_key,
        "target_name": i.target_name,
        "target_kind": i.target_kind,
        "grade": i.grade,
        "region_code": i.region_id,
        "inspector_names": i.inspector_names,
        "status": i.status,
        "outcome": i.outcome,
        "findings": i.findings,
        "inspected_on": i.inspected_on,
        "correction_deadline": i.correction_deadline,
    }


def present_draw(d: InspectionDraw) -> dict[str, Any]:
    return {
        "id": d.pk,
        "title": d.title,
        "region_code": d.region_id,
        "target_kinds": d.target_kinds,
        "ratios": d.ratios,
        "inspectors_per_target": d.inspectors_per_target,
        "relationship_months": d.relationship_months,
        "algorithm": d.algorithm,
        "seed": d.seed,
        "pools_digest": d.pools_digest,
        "drawn_at": d.drawn_at,
        "status": d.status,
        "targets": len((d.result or {}).get("selections", [])),
    }


def _draw_detail(d: InspectionDraw) -> dict[str, Any]:
    return {
        **present_draw(d),
        "inspections": [present_inspection(i) for i in selectors.draw_inspections(d)],
    }


# --- Fraud warnings ---------------------------------------------------------------------


class WarningQuery(Schema):
    current: bool = False


@router.get("/warnings", response=list[WarningOut], summary="Fraud warnings of your area")
def list_warnings(request: HttpRequest, query: Query[WarningQuery]) -> list[dict[str, Any]]:
    on = timezone.localdate() if query.current else None
    return [
        present_warning(w) for w in selectors.warning_list(actor=request.user, current_on=on)[:500]
    ]


@router.post("/warnings", response={201: WarningOut}, summary="Publish a fraud warning")
def publish_warning(request: HttpRequest, payload: WarningIn) -> Status[dict[str, Any]]:
    made = services.warning_publish(ctx=audit_ctx(request, "api"), **payload.model_dump())
    return Status(201, present_warning(made))


@router.get("/warnings/{sv_warning_id}", response=WarningOut, summary="A fraud warning")
def get_warning(request: HttpRequest, sv_warning_id: int) -> dict[str, Any]:
    return present_warning(selectors.warning_get_for(actor=request.user, warning_id=sv_warning_id))


@router.post(
    "/warnings/{sv_warning_id}/withdraw", response=WarningOut, summary="Withdraw a warning"
)
def withdraw_warning(
    request: HttpRequest, sv_warning_id: int, payload: WithdrawIn
) -> dict[str, Any]:
    found = selectors.warning_get_for(actor=request.user, warning_id=sv_warning_id)
    done = services.warning_withdraw(
        ctx=audit_ctx(request, "api"), warning=found, reason=payload.reason
    )
    return present_warning(done)


# --- Credit -----------------------------------------------------------------------------


class SubjectQuery(Schema):
    kind: str = Field("", pattern="^(|enterprise|caregiver|at_consultant|rental_operator)$")
    grade: str = Field("", max_length=4)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/credit/subjects", response=list[SubjectOut], summary="Credit records of your area")
def list_subjects(request: HttpRequest, query: Query[SubjectQuery]) -> list[dict[str, Any]]:
    qs = selectors.subject_list(actor=request.user, kind=query.kind, grade=query.grade)
    start = (query.page - 1) * query.page_size
    return [present_subject(s) for s in qs[start : start + query.page_size]]


def _subject_detail(request: HttpRequest, subject_id: Any) -> dict[str, Any]:
    found = selectors.subject_get_for(actor=request.user, subject_id=subject_id)
    return {
        **present_subject(found),
        "events": [present_event(e) for e in selectors.subject_events(found)[:500]],
        "grades": [
            {
                "score": g.score,
                "grade": g.grade,
                "previous_grade": g.previous_grade,
                "reason": g.reason,
                "model_version": g.model.version if g.model else None,
                "at": g.at,
            }
            for g in selectors.subject_grades(found)[:200]
        ],
        "listings": [
            present_listing(entry) for entry in found.listings.select_related("subject").all()
        ],
    }


@router.get(
    "/credit/subjects/{sv_subject_id}",
    response=SubjectDetailOut,
    summary="A credit record with its events, grade history and listings",
)
def get_subject(request: HttpRequest, sv_subject_id: int) -> dict[str, Any]:
    return _subject_detail(request, sv_subject_id)


def _unknown(field: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "unknown", _("Unknown or not in your area."))])


@router.post("/credit/events", response={201: EventOut}, summary="Record a credit event")
def record_event(request: HttpRequest, payload: EventIn) -> Status[dict[str, Any]]:
    from silvercare.industry.selectors import enterprise_get_for

    _need(request, Perm.SUPERVISION_MANAGE)
    if payload.enterprise_id is not None:
        try:
            enterprise = enterprise_get_for(
                actor=request.user, id=payload.enterprise_id, perm=Perm.SUPERVISION_MANAGE
            )
        except NotFound:
            raise _unknown("enterprise_id") from None
        subject = services.subject_for_enterprise(enterprise)
    elif payload.user_id is not None and payload.kind is not None:
        prefixes = actor_prefixes(request.user, Perm.SUPERVISION_MANAGE)
        people = [p for p in individuals_in(prefixes, payload.kind) if p.pk == payload.user_id]
        if not people:
            raise _unknown("user_id")
        subject = services.subject_for_user(people[0], payload.kind)
    else:
        raise ValidationFailed(
            [
                FieldError(
                    "enterprise_id",
                    codes.SUBJECT_INVALID,
                    _("Give an enterprise, or a person with their kind."),
                )
            ]
        )
    event = services.credit_event_record(
        ctx=audit_ctx(request, "api"),
        subject=subject,
        category=payload.category,
        occurred_on=payload.occurred_on,
        source=payload.source,
        evidence=payload.evidence,
        reference=payload.reference,
    )
    return Status(201, present_event(event))


@router.get("/credit/score-models", response=list[ScoreModelOut], summary="Score models")
def list_models(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_model(m) for m in selectors.score_models(actor=request.user)[:200]]


@router.post(
    "/credit/score-models",
    response={201: ScoreModelOut},
    summary="Publish a new version of a score model (re-grades the area)",
)
def publish_model(request: HttpRequest, payload: ScoreModelIn) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    made = services.score_model_publish(ctx=audit_ctx(request, "api"), **data)
    return Status(201, present_model(made))


class ListingQuery(Schema):
    state: str = Field("", pattern="^(|listed|appeal)$")


@router.get("/blacklist", response=list[ListingOut], summary="The blacklist of your area")
def list_blacklist(request: HttpRequest, query: Query[ListingQuery]) -> list[dict[str, Any]]:
    return [
        present_listing(e)
        for e in selectors.blacklist_list(actor=request.user, state=query.state)[:500]
    ]


@router.post(
    "/credit/subjects/{sv_subject_id}/blacklist",
    response={201: ListingOut},
    summary="Put a subject on the blacklist",
)
def add_listing(
    request: HttpRequest, sv_subject_id: int, payload: BlacklistIn
) -> Status[dict[str, Any]]:
    found = selectors.subject_get_for(actor=request.user, subject_id=sv_subject_id)
    entry = services.blacklist_add(
        ctx=audit_ctx(request, "api"), subject=found, **payload.model_dump()
    )
    return Status(201, present_listing(entry))


@router.post("/blacklist/{sv_listing_id}/appeal", response=ListingOut, summary="Record an appeal")
def file_appeal(request: HttpRequest, sv_listing_id: int, payload: AppealIn) -> dict[str, Any]:
    entry = selectors.blacklist_get_for(actor=request.user, entry_id=sv_listing_id)
    done = services.appeal_file(ctx=audit_ctx(request, "api"), entry=entry, **payload.model_dump())
    return present_listing(done)


@router.post("/blacklist/{sv_listing_id}/decision", response=ListingOut, summary="Decide an appeal")
def decide_appeal(request: HttpRequest, sv_listing_id: int, payload: DecisionIn) -> dict[str, Any]:
    entry = selectors.blacklist_get_for(actor=request.user, entry_id=sv_listing_id)
    done = services.appeal_decide(
        ctx=audit_ctx(request, "api"), entry=entry, granted=payload.granted, reason=payload.reason
    )
    return present_listing(done)


# --- Draws and inspections --------------------------------------------------------------


@router.get("/draws", response=list[DrawOut], summary="Random-inspection draws of your area")
def list_draws(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_draw(d) for d in selectors.draw_list(actor=request.user)[:200]]


@router.post(
    "/draws",
    response={201: DrawDetailOut},
    summary="Draw targets and inspectors (seed and pools recorded)",
)
def create_draw(request: HttpRequest, payload: DrawIn) -> Status[dict[str, Any]]:
    made = services.draw_create(ctx=audit_ctx(request, "api"), **payload.model_dump())
    return Status(201, _draw_detail(made))


@router.get("/draws/{sv_draw_id}", response=DrawDetailOut, summary="A draw with its inspections")
def get_draw(request: HttpRequest, sv_draw_id: int) -> dict[str, Any]:
    return _draw_detail(selectors.draw_get_for(actor=request.user, draw_id=sv_draw_id))


@router.get(
    "/draws/{sv_draw_id}/verify",
    response=VerifyOut,
    summary="Re-run a draw from its stored seed and pools",
)
def verify_draw(request: HttpRequest, sv_draw_id: int) -> dict[str, Any]:
    found = selectors.draw_get_for(actor=request.user, draw_id=sv_draw_id)
    problems = services.draw_problems(found)
    return {"match": not problems, "problems": problems}


@router.get("/draws/{sv_draw_id}/data", summary="The draw's seed, pools and result (JSON)")
def draw_data(request: HttpRequest, sv_draw_id: int) -> dict[str, Any]:
    found = selectors.draw_get_for(actor=request.user, draw_id=sv_draw_id)
    return selectors.draw_published_data(found)


@router.post("/draws/{sv_draw_id}/publish", response=DrawOut, summary="Publish a draw's results")
def publish_draw(request: HttpRequest, sv_draw_id: int) -> dict[str, Any]:
    found = selectors.draw_get_for(actor=request.user, draw_id=sv_draw_id)
    return present_draw(services.draw_publish(ctx=audit_ctx(request, "api"), draw=found))


@router.get("/inspections/mine", response=list[InspectionOut], summary="Inspections assigned to me")
def list_my_inspections(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_inspection(i) for i in selectors.my_inspections(actor=request.user)[:500]]


@router.post(
    "/inspections/{sv_inspection_id}/result",
    response=InspectionOut,
    summary="Record the result of an inspection assigned to me",
)
def record_result(request: HttpRequest, sv_inspection_id: int, payload: ResultIn) -> dict[str, Any]:
    found = selectors.inspection_get_for(actor=request.user, inspection_id=sv_inspection_id)
    done = services.inspection_record(
        ctx=audit_ctx(request, "api"), inspection=found, **payload.model_dump()
    )
    return present_inspection(done)
