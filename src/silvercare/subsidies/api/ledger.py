"""Deliveries (the ledger other capabilities report to) and the payers' monthly claims:
prepare, approve, reject, settle. Scoped like every endpoint: a claim belongs to its
payer's area, a delivery to its elder's."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.common.errors import NotFound
from silvercare.common.request import audit_ctx
from silvercare.subsidies import selectors, services
from silvercare.subsidies.models import PayerBody
from silvercare.subsidies.presenters import claim_line_present, claim_present, delivery_present
from silvercare.subsidies.schemas import (
    ClaimApproveIn,
    ClaimDetailOut,
    ClaimOut,
    ClaimPageOut,
    ClaimPrepareIn,
    ClaimRejectIn,
    ClaimSettleIn,
    CorrectIn,
    DeliveryIn,
    DeliveryOut,
    ReverseIn,
)

router = Router(tags=["subsidies"])


class DeliveryQuery(Schema):
    reservation_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class ClaimQuery(Schema):
    status: str = Field("", max_length=16, pattern=r"^(|prepared|approved|rejected|settled)$")
    month: dt.date | None = Field(None, description="Any day of the month")
    payer_id: int | None = Field(None, ge=1, le=2**31 - 1)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _delivery(request: HttpRequest, delivery_id: Any) -> dict[str, Any]:
    return delivery_present(selectors.delivery_get_for(actor=request.user, delivery_id=delivery_id))


@router.get("/deliveries", response=list[DeliveryOut], summary="Ledger entries")
def list_deliveries(request: HttpRequest, query: Query[DeliveryQuery]) -> list[dict[str, Any]]:
    qs = selectors.delivery_list(actor=request.user, reservation_id=query.reservation_id)
    start = (query.page - 1) * query.page_size
    return [delivery_present(d) for d in qs[start : start + query.page_size]]


@router.get("/deliveries/{delivery_id}", response=DeliveryOut, summary="One ledger entry")
def get_delivery(request: HttpRequest, delivery_id: uuid.UUID) -> dict[str, Any]:
    return _delivery(request, delivery_id)


@router.post(
    "/reservations/{reservation_id}/deliveries",
    response={201: DeliveryOut},
    summary="Report a delivery (a month of a lease, a visit, a meal): reserved becomes committed",
)
def record_delivery(
    request: HttpRequest, reservation_id: uuid.UUID, payload: DeliveryIn
) -> Status[dict[str, Any]]:
    reservation = selectors.reservation_get_for(actor=request.user, reservation_id=reservation_id)
    delivery = services.delivery_record(
        ctx=audit_ctx(request, "api"),
        reservation=reservation,
        amount_fen=payload.amount_fen,
        delivered_on=payload.delivered_on,
        provider_ref=payload.provider_ref,
        item_ref=payload.item_ref,
        note=payload.note,
    )
    return Status(201, _delivery(request, delivery.pk))


@router.post(
    "/deliveries/{delivery_id}/reverse",
    response={201: DeliveryOut},
    summary="Reverse an entry with its exact negative (settled entries are never edited)",
)
def reverse_delivery(
    request: HttpRequest, delivery_id: uuid.UUID, payload: ReverseIn
) -> Status[dict[str, Any]]:
    delivery = selectors.delivery_get_for(actor=request.user, delivery_id=delivery_id)
    reversal = services.delivery_reverse(
        ctx=audit_ctx(request, "api"), delivery=delivery, note=payload.note
    )
    return Status(201, _delivery(request, reversal.pk))


@router.post(
    "/deliveries/{delivery_id}/correct",
    response={201: list[DeliveryOut]},
    summary="Correct an entry's amount: a reversal and a correction entry",
)
def correct_delivery(
    request: HttpRequest, delivery_id: uuid.UUID, payload: CorrectIn
) -> Status[list[dict[str, Any]]]:
    delivery = selectors.delivery_get_for(actor=request.user, delivery_id=delivery_id)
    made = services.delivery_correct(
        ctx=audit_ctx(request, "api"),
        delivery=delivery,
        amount_fen=payload.amount_fen,
        note=payload.note,
    )
    return Status(201, [_delivery(request, d.pk) for d in made])


@router.get("/claims", response=ClaimPageOut, summary="Claims of the paying bodies of your areas")
def list_claims(request: HttpRequest, query: Query[ClaimQuery]) -> dict[str, Any]:
    qs = selectors.claim_list(
        actor=request.user,
        status=query.status,
        month=query.month.replace(day=1) if query.month else None,
        payer_id=query.payer_id,
    )
    start = (query.page - 1) * query.page_size
    return {
        "items": [claim_present(c) for c in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.post(
    "/claims",
    response={201: list[ClaimOut]},
    summary="Prepare a payer's claims of a month, one per provider",
)
def prepare_claims(request: HttpRequest, payload: ClaimPrepareIn) -> Status[list[dict[str, Any]]]:
    payer: PayerBody | None = (
        selectors.payer_list(actor=request.user).filter(code=payload.payer_code).first()
    )
    if payer is None:
        raise NotFound()
    claims = services.claim_prepare(
        ctx=audit_ctx(request, "api"),
        payer=payer,
        month=payload.month,
        provider_ref=payload.provider_ref,
    )
    return Status(
        201,
        [claim_present(selectors.claim_get_for(actor=request.user, claim_id=c.pk)) for c in claims],
    )


def _detail(request: HttpRequest, claim_id: Any) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.user, claim_id=claim_id)
    problems = services.claim_reconcile(claim)
    return {
        **claim_present(claim),
        "lines": [claim_line_present(line) for line in selectors.claim_lines(claim)[:5000]],
        "reconciles": not problems,
        "problems": problems,
    }


@router.get("/claims/{claim_id}", response=ClaimDetailOut, summary="A claim with its lines")
def get_claim(request: HttpRequest, claim_id: uuid.UUID) -> dict[str, Any]:
    return _detail(request, claim_id)


@router.post(
    "/claims/{claim_id}/approve",
    response=ClaimOut,
    summary="The paying body approves the claim for the total it saw (to the fen)",
)
def approve_claim(
    request: HttpRequest, claim_id: uuid.UUID, payload: ClaimApproveIn
) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.user, claim_id=claim_id)
    services.claim_approve(ctx=audit_ctx(request, "api"), claim=claim, total_fen=payload.total_fen)
    return claim_present(selectors.claim_get_for(actor=request.user, claim_id=claim_id))


@router.post("/claims/{claim_id}/reject", response=ClaimOut, summary="Refuse a claim")
def reject_claim(
    request: HttpRequest, claim_id: uuid.UUID, payload: ClaimRejectIn
) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.user, claim_id=claim_id)
    services.claim_reject(ctx=audit_ctx(request, "api"), claim=claim, reason=payload.reason)
    return claim_present(selectors.claim_get_for(actor=request.user, claim_id=claim_id))


@router.post(
    "/claims/{claim_id}/settle",
    response=ClaimOut,
    summary="Record the payment of an approved claim: committed becomes spent",
)
def settle_claim(
    request: HttpRequest, claim_id: uuid.UUID, payload: ClaimSettleIn
) -> dict[str, Any]:
    claim = selectors.claim_get_for(actor=request.user, claim_id=claim_id)
    services.claim_settle(
        ctx=audit_ctx(request, "api"), claim=claim, payment_reference=payload.payment_reference
    )
    return claim_present(selectors.claim_get_for(actor=request.user, claim_id=claim_id))
