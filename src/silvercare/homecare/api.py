"""Home-care endpoints under /api/v1/care: the service catalogue, providers and their
prices, caregivers and certificates, orders (accept, decline, cancel) and visits (cancel,
no-show). Region-scoped like every read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx
from silvercare.homecare import selectors, services
from silvercare.homecare.presenters import (
    present_caregiver,
    present_complaint,
    present_order,
    present_provider,
    present_visit,
)
from silvercare.homecare.reasons import reason_text
from silvercare.homecare.schemas import (
    CareBedIn,
    CareBedOut,
    CaregiverIn,
    CaregiverOut,
    CertificateIn,
    CheckIn,
    ChecklistIn,
    ClaimsOut,
    ComplaintActIn,
    ComplaintIn,
    ComplaintOut,
    DeclineIn,
    FeedbackIn,
    OrderIn,
    OrderOut,
    PatrolDueOut,
    PatrolIn,
    PatrolOut,
    PlanIn,
    PlanOut,
    PriceIn,
    ProviderIn,
    ProviderOut,
    ReasonIn,
    ReplanIn,
    ServiceTypeOut,
    SettlementIn,
    SettlementOut,
    VisitOut,
)

router = Router(tags=["homecare"])


def _unknown(field: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "unknown", _("Unknown or not in your area."))])


def _provider(request: HttpRequest, provider_id: Any, field: str | None = None) -> Any:
    try:
        return selectors.provider_get_for(actor=request.user, provider_id=provider_id)
    except NotFound:
        if field:
            raise _unknown(field) from None
        raise


def _service_type(code: str) -> Any:
    try:
        return selectors.service_type_by_code(code)
    except NotFound:
        raise _unknown("service_type") from None


@router.get("/service-types", response=list[ServiceTypeOut], summary="The service catalogue")
def list_service_types(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": s.code,
            "name": str(s),
            "duration_min": s.duration_min,
            "skills": s.skills,
            "certificates": s.certificates,
            "price_fen": s.price_fen,
            "checklist": s.checklist,
        }
        for s in selectors.service_types()
    ]


@router.get("/providers", response=list[ProviderOut], summary="Providers in your area")
def list_providers(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_provider(p) for p in selectors.provider_list(actor=request.user)[:500]]


@router.post("/providers", response={201: ProviderOut}, summary="Register a provider")
def create_provider(request: HttpRequest, payload: ProviderIn) -> Status[dict[str, Any]]:
    provider = services.provider_create(ctx=audit_ctx(request, "api"), **payload.dict())
    return Status(201, present_provider(provider))


@router.get("/providers/{provider_id}", response=ProviderOut, summary="One provider")
def get_provider(request: HttpRequest, provider_id: uuid.UUID) -> dict[str, Any]:
    return present_provider(_provider(request, provider_id))


@router.put("/providers/{provider_id}/prices/{code}", response=ProviderOut, summary="Set a price")
def set_price(
    request: HttpRequest, provider_id: uuid.UUID, code: str, payload: PriceIn
) -> dict[str, Any]:
    provider = _provider(request, provider_id)
    services.provider_price_set(
        ctx=audit_ctx(request, "api"),
        provider=provider,
        service_type=_service_type(code),
        price_fen=payload.price_fen,
    )
    return present_provider(provider)


@router.get("/caregivers", response=list[CaregiverOut], summary="Caregivers in your area")
def list_caregivers(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_caregiver(c) for c in selectors.caregiver_list(actor=request.user)[:1000]]


@router.post("/caregivers", response={201: CaregiverOut}, summary="Add a caregiver")
def create_caregiver(request: HttpRequest, payload: CaregiverIn) -> Status[dict[str, Any]]:
    data = payload.dict()
    provider = _provider(request, data.pop("provider_id"), "provider_id")
    caregiver = services.caregiver_create(ctx=audit_ctx(request, "api"), provider=provider, **data)
    return Status(201, present_caregiver(caregiver))


@router.get("/caregivers/{caregiver_id}", response=CaregiverOut, summary="One caregiver")
def get_caregiver(request: HttpRequest, caregiver_id: uuid.UUID) -> dict[str, Any]:
    return present_caregiver(
        selectors.caregiver_get_for(actor=request.user, caregiver_id=caregiver_id)
    )


@router.post(
    "/caregivers/{caregiver_id}/certificates",
    response={201: CaregiverOut},
    summary="Record a caregiver's certificate",
)
def add_certificate(
    request: HttpRequest, caregiver_id: uuid.UUID, payload: CertificateIn
) -> Status[dict[str, Any]]:
    caregiver = selectors.caregiver_get_for(actor=request.user, caregiver_id=caregiver_id)
    services.certificate_add(ctx=audit_ctx(request, "api"), caregiver=caregiver, **payload.dict())
    return Status(201, present_caregiver(caregiver))


class OrderQuery(Schema):
    status: str = Field("", pattern="^(|requested|accepted|declined|cancelled)$")
    elder_id: uuid.UUID | None = None


@router.get("/orders", response=list[OrderOut], summary="Care orders in your area")
def list_orders(request: HttpRequest, query: Query[OrderQuery]) -> list[dict[str, Any]]:
    qs = selectors.order_list(actor=request.user, status=query.status, elder_id=query.elder_id)
    return [present_order(o) for o in qs[:200]]


@router.post("/orders", response={201: OrderOut}, summary="Order a service for an elder")
def create_order(request: HttpRequest, payload: OrderIn) -> Status[dict[str, Any]]:
    from silvercare.elders.selectors import elder_get_for

    try:
        elder = elder_get_for(actor=request.user, elder_id=payload.elder_id)
    except NotFound:
        raise _unknown("elder_id") from None
    data = payload.dict()
    for key in ("elder_id", "provider_id", "service_type", "alert_id"):
        data.pop(key)
    referral = None
    if payload.alert_id is not None:
        from silvercare.alerts.selectors import referral_open_for

        try:
            referral = referral_open_for(
                actor=request.user, alert_id=payload.alert_id, elder_id=elder.pk
            )
        except NotFound:
            raise _unknown("alert_id") from None
    order = services.order_create(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        provider=_provider(request, payload.provider_id, "provider_id"),
        service_type=_service_type(payload.service_type),
        referral=referral,
        **data,
    )
    return Status(201, present_order(order))


@router.get("/orders/{order_id}", response=OrderOut, summary="One order with its visits")
def get_order(request: HttpRequest, order_id: uuid.UUID) -> dict[str, Any]:
    return present_order(selectors.order_get_for(actor=request.user, order_id=order_id))


@router.post(
    "/orders/{order_id}/accept", response=OrderOut, summary="Accept (reserves the subsidy)"
)
def accept_order(request: HttpRequest, order_id: uuid.UUID) -> dict[str, Any]:
    order = selectors.order_get_for(actor=request.user, order_id=order_id)
    return present_order(services.order_accept(ctx=audit_ctx(request, "api"), order=order))


@router.post("/orders/{order_id}/decline", response=OrderOut, summary="Decline an order")
def decline_order(request: HttpRequest, order_id: uuid.UUID, payload: DeclineIn) -> dict[str, Any]:
    order = selectors.order_get_for(actor=request.user, order_id=order_id)
    return present_order(
        services.order_decline(ctx=audit_ctx(request, "api"), order=order, reason=payload.reason)
    )


@router.post("/orders/{order_id}/cancel", response=OrderOut, summary="Cancel what is open")
def cancel_order(request: HttpRequest, order_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    order = selectors.order_get_for(actor=request.user, order_id=order_id)
    return present_order(
        services.order_cancel(
            ctx=audit_ctx(request, "api"), order=order, reason=payload.reason, side=payload.side
        )
    )


class VisitQuery(Schema):
    date: dt.date | None = None
    provider_id: uuid.UUID | None = None
    status: str = Field(
        "", pattern="^(|requested|accepted|scheduled|in_progress|completed|cancelled|missed)$"
    )
    flagged: bool = False


@router.get("/visits", response=list[VisitOut], summary="Visits in your area")
def list_visits(request: HttpRequest, query: Query[VisitQuery]) -> list[dict[str, Any]]:
    provider = _provider(request, query.provider_id) if query.provider_id else None
    qs = selectors.visit_list(
        actor=request.user,
        provider=provider,
        date=query.date,
        status=query.status,
        flagged=query.flagged,
    )
    return [present_visit(v) for v in qs[:1000]]


@router.get("/visits/{visit_id}", response=VisitOut, summary="One visit")
def get_visit(request: HttpRequest, visit_id: uuid.UUID) -> dict[str, Any]:
    return present_visit(selectors.visit_get_for(actor=request.user, visit_id=visit_id))


@router.post("/visits/{visit_id}/cancel", response=VisitOut, summary="Cancel one visit")
def cancel_visit(request: HttpRequest, visit_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    return present_visit(
        services.visit_cancel(
            ctx=audit_ctx(request, "api"), visit=visit, reason=payload.reason, side=payload.side
        )
    )


@router.post("/visits/{visit_id}/missed", response=VisitOut, summary="Record a no-show")
def missed_visit(request: HttpRequest, visit_id: uuid.UUID, payload: ReasonIn) -> dict[str, Any]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    return present_visit(
        services.visit_missed(
            ctx=audit_ctx(request, "api"), visit=visit, reason=payload.reason, side=payload.side
        )
    )


# --- Plans ---------------------------------------------------------------------------------


def present_plan(plan: Any) -> dict[str, Any]:
    names = dict(plan.provider.caregivers.values_list("id", "name"))
    return {
        "id": plan.pk,
        "provider_id": plan.provider_id,
        "date": plan.date,
        "routes": [
            {
                "caregiver": str(r["caregiver"]),
                "caregiver_name": names.get(uuid.UUID(str(r["caregiver"])), ""),
                "stops": [
                    {
                        "visit": str(s["visit"]),
                        "arrival": float(s.get("arrival", 0)),
                        "start": float(s.get("start", s.get("arrival", 0))),
                    }
                    for s in r.get("stops", [])
                ],
            }
            for r in plan.routes
        ],
        "unassigned": [
            {"visit": str(u["visit"]), "reason": reason_text(str(u.get("reason", "")))}
            for u in plan.unassigned
        ],
        "total_travel": plan.total_travel,
        "replan_from": plan.replan_from,
        "absent_caregiver_id": plan.absent_id,
    }


@router.post("/plans", response={201: PlanOut}, summary="Plan a provider's day")
def create_plan(request: HttpRequest, payload: PlanIn) -> Status[dict[str, Any]]:
    from silvercare.homecare.services import planning

    provider = _provider(request, payload.provider_id, "provider_id")
    plan = planning.plan_day(
        ctx=audit_ctx(request, "api"),
        provider=provider,
        day=payload.date,
        time_limit=payload.time_limit,
    )
    return Status(201, present_plan(plan))


@router.post(
    "/plans/replan",
    response={201: PlanOut},
    summary="Re-plan a day without a caregiver from a time (done and started visits stay)",
)
def replan(request: HttpRequest, payload: ReplanIn) -> Status[dict[str, Any]]:
    from silvercare.homecare.services import planning

    provider = _provider(request, payload.provider_id, "provider_id")
    try:
        absent = selectors.caregiver_get_for(
            actor=request.user, caregiver_id=payload.absent_caregiver_id
        )
    except NotFound:
        raise _unknown("absent_caregiver_id") from None
    plan = planning.replan_day(
        ctx=audit_ctx(request, "api"),
        provider=provider,
        day=payload.date,
        absent=absent,
        from_minute=payload.from_minute,
        time_limit=payload.time_limit,
    )
    return Status(201, present_plan(plan))


@router.get("/plans/{plan_id}", response=PlanOut, summary="One stored day plan")
def get_plan(request: HttpRequest, plan_id: uuid.UUID) -> dict[str, Any]:
    return present_plan(selectors.plan_get_for(actor=request.user, plan_id=plan_id))


# --- Visits at the home ----------------------------------------------------------------------


@router.post("/visits/{visit_id}/check-in", response=VisitOut, summary="Check in (caregiver)")
def check_in(request: HttpRequest, visit_id: uuid.UUID, payload: CheckIn) -> dict[str, Any]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    return present_visit(
        services.visit_check_in(
            ctx=audit_ctx(request, "api"), visit=visit, lat=payload.lat, lon=payload.lon
        )
    )


class CheckOutIn(CheckIn):
    done: list[str] = Field(default_factory=list, max_length=30)
    notes: str = Field("", max_length=2000)


@router.post("/visits/{visit_id}/check-out", response=VisitOut, summary="Check out (caregiver)")
def check_out(request: HttpRequest, visit_id: uuid.UUID, payload: CheckOutIn) -> dict[str, Any]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    return present_visit(
        services.visit_check_out(
            ctx=audit_ctx(request, "api"),
            visit=visit,
            lat=payload.lat,
            lon=payload.lon,
            done=payload.done,
            notes=payload.notes,
        )
    )


@router.post("/visits/{visit_id}/checklist", response=VisitOut, summary="Tick tasks, notes")
def checklist(request: HttpRequest, visit_id: uuid.UUID, payload: ChecklistIn) -> dict[str, Any]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    return present_visit(
        services.visit_checklist_save(
            ctx=audit_ctx(request, "api"), visit=visit, done=payload.done, notes=payload.notes
        )
    )


@router.post("/visits/{visit_id}/approve", response=VisitOut, summary="Approve a flagged visit")
def approve(request: HttpRequest, visit_id: uuid.UUID) -> dict[str, Any]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    return present_visit(services.visit_flags_approve(ctx=audit_ctx(request, "api"), visit=visit))


@router.post("/visits/{visit_id}/feedback", response={201: VisitOut}, summary="Rate a visit")
def rate(request: HttpRequest, visit_id: uuid.UUID, payload: FeedbackIn) -> Status[dict[str, Any]]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    services.feedback_record(ctx=audit_ctx(request, "api"), visit=visit, **payload.dict())
    return Status(201, present_visit(visit))


@router.post("/visits/{visit_id}/complaints", response={201: ComplaintOut}, summary="Complain")
def complain(
    request: HttpRequest, visit_id: uuid.UUID, payload: ComplaintIn
) -> Status[dict[str, Any]]:
    visit = selectors.visit_get_for(actor=request.user, visit_id=visit_id)
    complaint = services.complaint_open(
        ctx=audit_ctx(request, "api"), visit=visit, by=payload.by, text=payload.text
    )
    return Status(201, present_complaint(complaint))


@router.get("/complaints", response=list[ComplaintOut], summary="Complaints in your area")
def list_complaints(request: HttpRequest, open_only: bool = False) -> list[dict[str, Any]]:
    qs = selectors.complaint_list(actor=request.user, open_only=open_only)
    return [present_complaint(c) for c in qs[:500]]


@router.post(
    "/complaints/{complaint_id}", response=ComplaintOut, summary="Handle or close a complaint"
)
def handle_complaint(
    request: HttpRequest, complaint_id: uuid.UUID, payload: ComplaintActIn
) -> dict[str, Any]:
    complaint = selectors.complaint_get_for(actor=request.user, complaint_id=complaint_id)
    return present_complaint(
        services.complaint_update(
            ctx=audit_ctx(request, "api"),
            complaint=complaint,
            status=payload.status,
            resolution=payload.resolution,
        )
    )


# --- Family care beds, patrol visits ---------------------------------------------------------


def _elder(request: HttpRequest, elder_id: Any) -> Any:
    from silvercare.elders.selectors import elder_get_for

    try:
        return elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise _unknown("elder_id") from None


def present_care_bed(bed: Any, delivered: int) -> dict[str, Any]:
    return {
        "id": bed.pk,
        "elder_id": bed.elder_id,
        "provider_id": bed.provider_id,
        "contract_number": bed.contract_number,
        "starts_on": bed.starts_on,
        "ends_on": bed.ends_on,
        "visits_per_month": bed.visits_per_month,
        "devices": bed.devices,
        "delivered_this_month": delivered,
    }


@router.get("/care-beds", response=list[CareBedOut], summary="Family care beds in your area")
def list_care_beds(request: HttpRequest) -> list[dict[str, Any]]:
    beds = list(selectors.care_bed_list(actor=request.user)[:500])
    delivery = selectors.care_beds_delivery(beds, timezone.localdate())
    return [present_care_bed(b, delivery[b.pk]["delivered"]) for b in beds]


@router.post("/care-beds", response={201: CareBedOut}, summary="Set up a family care bed")
def create_care_bed(request: HttpRequest, payload: CareBedIn) -> Status[dict[str, Any]]:
    from silvercare.homecare.services import community

    data = payload.dict()
    elder = _elder(request, data.pop("elder_id"))
    provider = _provider(request, data.pop("provider_id"), "provider_id")
    bed = community.care_bed_create(
        ctx=audit_ctx(request, "api"), elder=elder, provider=provider, **data
    )
    return Status(201, present_care_bed(bed, 0))


@router.get("/care-beds/{care_bed_id}", response=CareBedOut, summary="One family care bed")
def get_care_bed(request: HttpRequest, care_bed_id: uuid.UUID) -> dict[str, Any]:
    bed = selectors.care_bed_get_for(actor=request.user, care_bed_id=care_bed_id)
    return present_care_bed(
        bed, selectors.care_bed_delivery(bed, timezone.localdate())["delivered"]
    )


@router.get("/patrols/due", response=list[PatrolDueOut], summary="Your patrol due list")
def patrols_due(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "elder_id": d.elder.pk,
            "elder_name": d.elder.name,
            "region_code": d.elder.region_id,
            "categories": d.categories,
            "every_days": d.every_days,
            "last_visited_on": d.last_visited_on,
            "due_on": d.due_on,
        }
        for d in selectors.patrol_due(actor=request.user, on=timezone.localdate())
    ]


@router.post("/patrols", response={201: PatrolOut}, summary="Record a patrol visit")
def record_patrol(request: HttpRequest, payload: PatrolIn) -> Status[dict[str, Any]]:
    from silvercare.homecare.services import community

    elder = _elder(request, payload.elder_id)
    patrol = community.patrol_record(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        visited_on=payload.visited_on,
        outcome=payload.outcome,
        notes=payload.notes,
        service_type=_service_type(payload.service_type) if payload.service_type else None,
        provider=_provider(request, payload.provider_id, "provider_id")
        if payload.provider_id
        else None,
    )
    return Status(
        201,
        {
            "id": patrol.pk,
            "elder_id": patrol.elder_id,
            "visited_on": patrol.visited_on,
            "outcome": patrol.outcome,
            "notes": patrol.notes,
            "order_id": patrol.order_id,
        },
    )


# --- Settlement ------------------------------------------------------------------------------


def _settlement(request: HttpRequest, provider: Any, month: dt.date) -> dict[str, Any]:
    summary = selectors.settlement_summary(actor=request.user, provider=provider, month=month)
    return {
        "provider_id": provider.pk,
        "month": month.replace(day=1),
        "completed": summary["completed"],
        "verified": summary["verified"],
        "held": summary["held"],
        "delivered": summary["delivered"],
        "delivered_fen": summary["subsidy_fen"],
        "copay_fen": summary["copay_fen"],
    }


@router.get("/settlement", response=SettlementOut, summary="A provider's month")
def get_settlement(request: HttpRequest, query: Query[SettlementIn]) -> dict[str, Any]:
    return _settlement(request, _provider(request, query.provider_id), query.month)


@router.post(
    "/settlement/deliver",
    response=SettlementOut,
    summary="Record the month's completed, verified visits as deliveries",
)
def deliver(request: HttpRequest, payload: SettlementIn) -> dict[str, Any]:
    from silvercare.homecare.services import settlement

    provider = _provider(request, payload.provider_id, "provider_id")
    settlement.settlement_deliver(
        ctx=audit_ctx(request, "api"), provider=provider, month=payload.month
    )
    return _settlement(request, provider, payload.month)


@router.post("/settlement/claims", response=ClaimsOut, summary="Prepare the payers' claims")
def claims(request: HttpRequest, payload: SettlementIn) -> dict[str, Any]:
    from silvercare.homecare.services import settlement

    provider = _provider(request, payload.provider_id, "provider_id")
    made = settlement.settlement_claim(
        ctx=audit_ctx(request, "api"), provider=provider, month=payload.month
    )
    return {"claims": [c.pk for c in made]}
