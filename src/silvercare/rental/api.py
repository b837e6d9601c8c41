"""Endpoints under /api/v1/rental: rental points, units (history, transitions, cleaning,
repair, incidents), leases (open, return, extend, buy out, bill), the waiting list and
recalls with their orders. Region-scoped like every read; out of scope answers 404."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.request import audit_ctx
from silvercare.rental import selectors, services
from silvercare.rental.models import Incident, Lease, Recall, RepairRecord, Unit, WaitlistEntry
from silvercare.rental.schemas import (
    AllocateIn,
    BillIn,
    BuyOutIn,
    CleaningIn,
    CleaningOut,
    ExtendIn,
    IncidentIn,
    IncidentOut,
    LeaseDetailOut,
    LeaseIn,
    LeaseMonthOut,
    LeasePageOut,
    NotifyOut,
    OrderCloseIn,
    OrderOut,
    PointIn,
    PointOut,
    RecallDetailOut,
    RecallIn,
    RecallOut,
    RepairCloseIn,
    RepairIn,
    RepairOut,
    ReturnIn,
    TransitionIn,
    UnitDetailOut,
    UnitIn,
    UnitOut,
    UnitPageOut,
    WaitIn,
    WaitOut,
)

router = Router(tags=["rental"])


def _unknown(field: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, "unknown", _("Unknown or not in your area."))])


def _elder(request: HttpRequest, elder_id: Any) -> Any:
    from silvercare.elders.selectors import elder_get_for

    try:
        return elder_get_for(actor=request.user, elder_id=elder_id)
    except NotFound:
        raise _unknown("elder_id") from None


def _product(product_id: Any) -> Any:
    from silvercare.assistive.selectors import product_get

    try:
        return product_get(product_id)
    except NotFound:
        raise _unknown("product_id") from None


def _device_type(code: str) -> Any:
    from silvercare.assistive.selectors import device_type_get

    try:
        return device_type_get(code)
    except NotFound:
        raise _unknown("device_type_code") from None


def present_unit(u: Unit) -> dict[str, Any]:
    return {
        "id": u.pk,
        "serial": u.serial,
        "lot": u.lot,
        "product_id": u.product_id,
        "product": str(u.product),
        "point_id": u.point_id,
        "point": u.point.name,
        "region_code": u.region_id,
        "owner": u.owner,
        "state": u.state,
        "location": u.location,
        "condition": u.condition,
        "holder_id": u.holder_id,
        "needs_cleaning": u.needs_cleaning,
        "recall_hold": u.recall_hold,
    }


def present_lease(lease: Lease) -> dict[str, Any]:
    return {
        "id": lease.pk,
        "elder_id": lease.elder_id,
        "elder_name": lease.elder.name,
        "unit_id": lease.unit_id,
        "serial": lease.unit.serial,
        "product": str(lease.unit.product),
        "point_id": lease.point_id,
        "region_code": lease.region_id,
        "status": lease.status,
        "starts_on": lease.starts_on,
        "planned_end_on": lease.planned_end_on,
        "ended_on": lease.ended_on,
        "return_kind": lease.return_kind,
        "monthly_price_fen": lease.monthly_price_fen,
        "elder_monthly_fen": lease.elder_monthly_fen,
        "deposit_fen": lease.deposit_fen,
        "overdue": lease.status == "active" and lease.planned_end_on < timezone.localdate(),
    }


def present_lease_detail(lease: Lease) -> dict[str, Any]:
    return {
        **present_lease(lease),
        "allocation_reason": lease.allocation_reason,
        "months": [
            LeaseMonthOut.model_validate(m, from_attributes=True).model_dump()
            for m in lease.months.all()
        ],
    }


def present_recall(r: Recall) -> dict[str, Any]:
    return {
        "id": r.pk,
        "reference": r.reference,
        "product_id": r.product_id,
        "product": str(r.product),
        "region_code": r.region_id,
        "reason": r.reason,
        "serial_from": r.serial_from,
        "serial_to": r.serial_to,
        "lot": r.lot,
        "swap": r.swap,
        "status": r.status,
        "issued_on": r.issued_on,
        "orders_total": getattr(r, "orders_total", 0),
        "orders_open": getattr(r, "orders_open", 0),
    }


def present_incident(i: Incident) -> dict[str, Any]:
    return {
        "id": i.pk,
        "unit_id": i.unit_id,
        "serial": i.unit.serial,
        "product_id": i.product_id,
        "region_code": i.region_id,
        "kind": i.kind,
        "severity": i.severity,
        "occurred_on": i.occurred_on,
        "description": i.description,
    }


def present_repair(r: RepairRecord) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit_id": r.unit_id,
        "fault": r.fault,
        "parts": r.parts,
        "cost_fen": r.cost_fen,
        "outcome": r.outcome,
        "opened_at": r.opened_at,
        "closed_at": r.closed_at,
    }


def present_wait(e: WaitlistEntry, score: int | None = None, reason: str = "") -> dict[str, Any]:
    return {
        "id": e.pk,
        "elder_id": e.elder_id,
        "elder_name": e.elder.name,
        "device_type_code": e.device_type.code,
        "status": e.status,
        "waiting_since": e.created_at,
        "score": score if score is not None else e.allocation_facts.get("score"),
        "reason": reason or e.allocation_reason,
        "unit_id": e.unit_id,
    }


# --- Points and units -------------------------------------------------------------------


@router.get("/points", response=list[PointOut], summary="Rental points with their stock")
def list_points(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "id": p.pk,
            "name": p.name,
            "kind": p.kind,
            "region_code": p.region_id,
            "operator": p.operator,
            "address": p.address,
            "latitude": p.latitude,
            "longitude": p.longitude,
            "available": p.available,  # type: ignore[attr-defined]
            "stock": p.stock,  # type: ignore[attr-defined]
        }
        for p in selectors.point_list(actor=request.user)[:500]
    ]


@router.post("/points", response={201: PointOut}, summary="Open a rental point")
def create_point(request: HttpRequest, payload: PointIn) -> Status[dict[str, Any]]:
    point = services.point_create(ctx=audit_ctx(request, "api"), **payload.model_dump())
    found = selectors.point_get_for(actor=request.user, point_id=point.pk)
    return Status(
        201,
        {
            **{k: getattr(found, k) for k in ("name", "kind", "operator", "address")},
            "id": found.pk,
            "region_code": found.region_id,
            "latitude": found.latitude,
            "longitude": found.longitude,
            "available": found.available,  # type: ignore[attr-defined]
            "stock": found.stock,  # type: ignore[attr-defined]
        },
    )


class UnitQuery(Schema):
    state: str = Field(
        "", pattern="^(|available|reserved|leased|returned|cleaning|repair|retired|lost)$"
    )
    point_id: int | None = Field(None, ge=1, le=2**62)
    product_id: uuid.UUID | None = None
    serial: str = Field("", max_length=64)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/units", response=UnitPageOut, summary="Units in your area")
def list_units(request: HttpRequest, query: Query[UnitQuery]) -> dict[str, Any]:
    qs = selectors.unit_list(
        actor=request.user,
        state=query.state,
        point_id=query.point_id,
        product_id=query.product_id,
        serial=query.serial,
    )
    start = (query.page - 1) * query.page_size
    return {
        "items": [present_unit(u) for u in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.post("/units", response={201: UnitOut}, summary="Register a unit at a rental point")
def register_unit(request: HttpRequest, payload: UnitIn) -> Status[dict[str, Any]]:
    try:
        point = selectors.point_get_for(
            actor=request.user, point_id=payload.point_id, perm=Perm.RENTAL_OPERATE
        )
    except NotFound:
        raise _unknown("point_id") from None
    unit = services.unit_register(
        ctx=audit_ctx(request, "api"),
        point=point,
        product=_product(payload.product_id),
        serial=payload.serial,
        lot=payload.lot,
        condition=payload.condition,
        acquired_on=payload.acquired_on,
    )
    return Status(201, present_unit(selectors.unit_get_for(actor=request.user, unit_id=unit.pk)))


def _unit_detail(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    unit = selectors.unit_get_for(actor=request.user, unit_id=unit_id)
    return {
        **present_unit(unit),
        "history": [
            {
                "from_state": e.from_state,
                "to_state": e.to_state,
                "actor": e.actor_label,
                "at": e.at,
                "reason": e.reason,
            }
            for e in selectors.unit_history(unit)
        ],
    }


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="A unit with its history")
def get_unit(request: HttpRequest, unit_id: int) -> dict[str, Any]:
    return _unit_detail(request, unit_id)


@router.post("/units/{unit_id}/transitions", response=UnitDetailOut, summary="Move a unit by hand")
def transition_unit(request: HttpRequest, unit_id: int, payload: TransitionIn) -> dict[str, Any]:
    unit = selectors.unit_get_for(actor=request.user, unit_id=unit_id)
    services.unit_transition(
        ctx=audit_ctx(request, "api"), unit=unit, to_state=payload.to_state, reason=payload.reason
    )
    return _unit_detail(request, unit_id)


@router.post(
    "/units/{unit_id}/cleanings",
    response={201: CleaningOut},
    summary="Record a cleaning and disinfection",
)
def clean_unit(request: HttpRequest, unit_id: int, payload: CleaningIn) -> Status[dict[str, Any]]:
    unit = selectors.unit_get_for(actor=request.user, unit_id=unit_id)
    record = services.cleaning_record(
        ctx=audit_ctx(request, "api"),
        unit=unit,
        method=payload.method,
        agent=payload.agent,
        performed_at=payload.performed_at,
        note=payload.note,
    )
    return Status(
        201,
        {
            "id": record.pk,
            "unit_id": unit.pk,
            "method": record.method,
            "agent": record.agent,
            "operator_name": record.operator_name,
            "performed_at": record.performed_at,
            "unit_state": unit.state,
        },
    )


@router.post("/units/{unit_id}/repairs", response={201: RepairOut}, summary="Open a repair")
def open_repair(request: HttpRequest, unit_id: int, payload: RepairIn) -> Status[dict[str, Any]]:
    unit = selectors.unit_get_for(actor=request.user, unit_id=unit_id)
    repair = services.repair_open(ctx=audit_ctx(request, "api"), unit=unit, fault=payload.fault)
    return Status(201, present_repair(repair))


@router.post("/repairs/{repair_id}/close", response=RepairOut, summary="Close a repair")
def close_repair(request: HttpRequest, repair_id: int, payload: RepairCloseIn) -> dict[str, Any]:
    repair = RepairRecord.objects.filter(
        pk=repair_id, unit__in=selectors.unit_list(actor=request.user)
    ).first()
    if repair is None:
        raise NotFound()
    closed = services.repair_close(
        ctx=audit_ctx(request, "api"),
        repair=repair,
        outcome=payload.outcome,
        parts=payload.parts,
        cost_fen=payload.cost_fen,
    )
    return present_repair(closed)


@router.post(
    "/units/{unit_id}/incidents", response={201: IncidentOut}, summary="Report an incident"
)
def report_incident(
    request: HttpRequest, unit_id: int, payload: IncidentIn
) -> Status[dict[str, Any]]:
    unit = selectors.unit_get_for(actor=request.user, unit_id=unit_id)
    incident = services.incident_report(
        ctx=audit_ctx(request, "api"), unit=unit, **payload.model_dump()
    )
    return Status(201, present_incident(incident))


@router.get("/incidents", response=list[IncidentOut], summary="Incident and injury reports")
def list_incidents(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_incident(i) for i in selectors.incident_list(actor=request.user)[:500]]


@router.get("/incidents/{incident_id}", response=IncidentOut, summary="One incident report")
def get_incident(request: HttpRequest, incident_id: uuid.UUID) -> dict[str, Any]:
    return present_incident(selectors.incident_get_for(actor=request.user, incident_id=incident_id))


# --- Leases -----------------------------------------------------------------------------


class LeaseQuery(Schema):
    status: str = Field("", pattern="^(|active|returned|bought_out)$")
    overdue: bool = False
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get(
    "/leases",
    response=LeasePageOut,
    summary="Leases in your area (overdue=true: the operator's list)",
)
def list_leases(request: HttpRequest, query: Query[LeaseQuery]) -> dict[str, Any]:
    qs = selectors.lease_list(
        actor=request.user, status=query.status, overdue=query.overdue, elder_id=query.elder_id
    )
    start = (query.page - 1) * query.page_size
    return {
        "items": [present_lease(x) for x in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.post("/leases", response={201: LeaseDetailOut}, summary="Open a lease")
def open_lease(request: HttpRequest, payload: LeaseIn) -> Status[dict[str, Any]]:
    elder = _elder(request, payload.elder_id)
    unit = point = product = None
    if payload.unit_id is not None:
        try:
            unit = selectors.unit_get_for(
                actor=request.user, unit_id=payload.unit_id, perm=Perm.RENTAL_OPERATE
            )
        except NotFound:
            raise _unknown("unit_id") from None
    else:
        if payload.point_id is None or payload.product_id is None:
            raise ValidationFailed(
                [
                    FieldError(
                        "unit_id",
                        "required",
                        _("Choose a unit, or a product and a rental point."),
                    )
                ]
            )
        try:
            point = selectors.point_get_for(
                actor=request.user, point_id=payload.point_id, perm=Perm.RENTAL_OPERATE
            )
        except NotFound:
            raise _unknown("point_id") from None
        product = _product(payload.product_id)
    lease = services.lease_open(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        unit=unit,
        point=point,
        product=product,
        starts_on=payload.starts_on,
        months=payload.months,
        deposit_fen=payload.deposit_fen,
        monthly_price_fen=payload.monthly_price_fen,
    )
    return Status(
        201, present_lease_detail(selectors.lease_get_for(actor=request.user, lease_id=lease.pk))
    )


@router.get("/leases/{lease_id}", response=LeaseDetailOut, summary="A lease with its statement")
def get_lease(request: HttpRequest, lease_id: uuid.UUID) -> dict[str, Any]:
    return present_lease_detail(selectors.lease_get_for(actor=request.user, lease_id=lease_id))


@router.post("/leases/{lease_id}/return", response=LeaseDetailOut, summary="Return the unit")
def return_lease(request: HttpRequest, lease_id: uuid.UUID, payload: ReturnIn) -> dict[str, Any]:
    lease = selectors.lease_get_for(actor=request.user, lease_id=lease_id)
    services.lease_return(
        ctx=audit_ctx(request, "api"), lease=lease, on=payload.on, condition=payload.condition
    )
    return present_lease_detail(selectors.lease_get_for(actor=request.user, lease_id=lease_id))


@router.post("/leases/{lease_id}/extend", response=LeaseDetailOut, summary="Extend the lease")
def extend_lease(request: HttpRequest, lease_id: uuid.UUID, payload: ExtendIn) -> dict[str, Any]:
    lease = selectors.lease_get_for(actor=request.user, lease_id=lease_id)
    services.lease_extend(ctx=audit_ctx(request, "api"), lease=lease, months=payload.months)
    return present_lease_detail(selectors.lease_get_for(actor=request.user, lease_id=lease_id))


@router.post(
    "/leases/{lease_id}/buy-out", response=LeaseDetailOut, summary="Sell the unit to the elder"
)
def buy_out_lease(request: HttpRequest, lease_id: uuid.UUID, payload: BuyOutIn) -> dict[str, Any]:
    lease = selectors.lease_get_for(actor=request.user, lease_id=lease_id)
    services.lease_buy_out(
        ctx=audit_ctx(request, "api"), lease=lease, price_fen=payload.price_fen, on=payload.on
    )
    return present_lease_detail(selectors.lease_get_for(actor=request.user, lease_id=lease_id))


@router.post("/leases/{lease_id}/bill", response=LeaseMonthOut, summary="Bill a month of the lease")
def bill_lease(request: HttpRequest, lease_id: uuid.UUID, payload: BillIn) -> Any:
    lease = selectors.lease_get_for(actor=request.user, lease_id=lease_id)
    return services.lease_bill_month(ctx=audit_ctx(request, "api"), lease=lease, day=payload.day)


# --- Waiting list -----------------------------------------------------------------------


@router.get("/waitlist", response=list[WaitOut], summary="Who waits, ranked per device type")
def list_waiting(
    request: HttpRequest,
    device_type_code: str = Query("", max_length=8),  # type: ignore[type-arg]
) -> list[dict[str, Any]]:
    if device_type_code:
        device_type = _device_type(device_type_code)
        return [
            present_wait(r.entry, r.score, r.reason)
            for r in services.waitlist_ranked(actor=request.user, device_type_id=device_type.pk)
        ]
    return [present_wait(e) for e in selectors.waitlist_list(actor=request.user)[:500]]


@router.post("/waitlist", response={201: WaitOut}, summary="Put an elder on the waiting list")
def add_waiting(request: HttpRequest, payload: WaitIn) -> Status[dict[str, Any]]:
    entry = services.waitlist_add(
        ctx=audit_ctx(request, "api"),
        elder=_elder(request, payload.elder_id),
        device_type=_device_type(payload.device_type_code),
        note=payload.note,
    )
    return Status(201, present_wait(entry))


@router.post("/waitlist/allocate", response=WaitOut, summary="Allocate the next free unit")
def allocate(request: HttpRequest, payload: AllocateIn) -> dict[str, Any]:
    try:
        point = selectors.point_get_for(
            actor=request.user, point_id=payload.point_id, perm=Perm.RENTAL_OPERATE
        )
    except NotFound:
        raise _unknown("point_id") from None
    entry = services.waitlist_allocate(
        ctx=audit_ctx(request, "api"),
        point=point,
        device_type=_device_type(payload.device_type_code),
    )
    return present_wait(entry)


# --- Recalls ----------------------------------------------------------------------------


@router.get("/recalls", response=list[RecallOut], summary="Recalls in your area")
def list_recalls(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_recall(r) for r in selectors.recall_list(actor=request.user)[:200]]


def _recall_detail(request: HttpRequest, recall_id: int, status: str = "") -> dict[str, Any]:
    recall = selectors.recall_get_for(actor=request.user, recall_id=recall_id)
    orders = selectors.recall_orders(actor=request.user, recall=recall, status=status)
    rows = selectors.recall_affected_rows(actor=request.user, orders=orders[:5000])
    return {
        **present_recall(recall),
        "orders": [{k: v for k, v in r.items() if k != "order"} for r in rows],
    }


@router.post("/recalls", response={201: RecallDetailOut}, summary="Open a recall")
def create_recall(request: HttpRequest, payload: RecallIn) -> Status[dict[str, Any]]:
    recall = services.recall_create(
        ctx=audit_ctx(request, "api"),
        product=_product(payload.product_id),
        region_code=payload.region_code,
        reference=payload.reference,
        reason=payload.reason,
        serial_from=payload.serial_from,
        serial_to=payload.serial_to,
        lot=payload.lot,
        swap=payload.swap,
        issued_on=payload.issued_on,
    )
    return Status(201, _recall_detail(request, recall.pk))


@router.get(
    "/recalls/{recall_id}",
    response=RecallDetailOut,
    summary="A recall: every affected unit, its holder and (masked) address",
)
def get_recall(
    request: HttpRequest,
    recall_id: int,
    status: str = Query("", pattern="^(|open|notified|done|unreachable|closed)$"),  # type: ignore[type-arg]
) -> dict[str, Any]:
    return _recall_detail(request, recall_id, status)


@router.post("/recalls/{recall_id}/notify", response=NotifyOut, summary="Notify the holders")
def notify_recall(request: HttpRequest, recall_id: int) -> dict[str, Any]:
    recall = selectors.recall_get_for(actor=request.user, recall_id=recall_id)
    return {"notices": services.recall_notify(ctx=audit_ctx(request, "api"), recall=recall)}


@router.post(
    "/recall-orders/{recall_order_id}/close",
    response=OrderOut,
    summary="Record what happened to an order",
)
def close_order(
    request: HttpRequest, recall_order_id: int, payload: OrderCloseIn
) -> dict[str, Any]:
    order = selectors.order_get_for(actor=request.user, order_id=recall_order_id)
    services.order_close(
        ctx=audit_ctx(request, "api"), order=order, outcome=payload.outcome, note=payload.note
    )
    fresh = selectors.order_get_for(actor=request.user, order_id=recall_order_id)
    (row,) = selectors.recall_affected_rows(actor=request.user, orders=[fresh])
    return {k: v for k, v in row.items() if k != "order"}
