"""Consumption vouchers (batches, issue, codes, the merchant's check and redemption,
expiry) and trade-ins. A merchant's check answers the masked holder name and the value
left, nothing else."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_get_for
from silvercare.subsidies import selectors, services
from silvercare.subsidies.presenters import (
    tradein_present,
    voucher_batch_present,
    voucher_present,
)
from silvercare.subsidies.schemas import (
    ExpiredOut,
    RedemptionOut,
    TradeInIn,
    TradeInOut,
    VoucherBatchIn,
    VoucherBatchOut,
    VoucherCheckOut,
    VoucherCodeIn,
    VoucherCodeOut,
    VoucherOut,
    VoucherRedeemIn,
)

router = Router(tags=["subsidies"])


class VoucherQuery(Schema):
    voucher_batch_id: int | None = Field(None, ge=1, le=2**31 - 1)
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class TradeInQuery(Schema):
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _batch(request: HttpRequest, batch_id: Any) -> dict[str, Any]:
    return voucher_batch_present(
        selectors.voucher_batch_get_for(actor=request.user, batch_id=batch_id)
    )


@router.get("/voucher-batches", response=list[VoucherBatchOut], summary="Voucher batches")
def list_batches(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        voucher_batch_present(b) for b in selectors.voucher_batch_list(actor=request.user)[:500]
    ]


@router.post(
    "/voucher-batches",
    response={201: VoucherBatchOut},
    summary="A batch of vouchers of a programme for an area (issue: at once)",
)
def create_batch(request: HttpRequest, payload: VoucherBatchIn) -> Status[dict[str, Any]]:
    programme = selectors.programme_get_for(actor=request.user, programme_id=payload.programme_id)
    ctx = audit_ctx(request, "api")
    batch = services.voucher_batch_create(
        ctx=ctx,
        programme=programme,
        code=payload.code,
        name=payload.name,
        region_code=payload.region_code,
        face_value_fen=payload.face_value_fen,
        valid_from=payload.valid_from,
        expires_on=payload.expires_on,
        allow_partial=payload.allow_partial,
    )
    if payload.issue:
        services.voucher_batch_issue(ctx=ctx, batch=batch)
    return Status(201, _batch(request, batch.pk))


@router.get("/voucher-batches/{voucher_batch_id}", response=VoucherBatchOut, summary="A batch")
def get_batch(request: HttpRequest, voucher_batch_id: int) -> dict[str, Any]:
    return _batch(request, voucher_batch_id)


@router.post(
    "/voucher-batches/{voucher_batch_id}/issue",
    response=VoucherBatchOut,
    summary="Issue a draft batch to the elders the programme's rule lets in",
)
def issue_batch(request: HttpRequest, voucher_batch_id: int) -> dict[str, Any]:
    batch = selectors.voucher_batch_get_for(actor=request.user, batch_id=voucher_batch_id)
    services.voucher_batch_issue(ctx=audit_ctx(request, "api"), batch=batch)
    return _batch(request, voucher_batch_id)


@router.post(
    "/voucher-batches/{voucher_batch_id}/expire",
    response=ExpiredOut,
    summary="Close expired vouchers: what they did not redeem goes back to the budget",
)
def expire_batch(request: HttpRequest, voucher_batch_id: int) -> dict[str, int]:
    batch = selectors.voucher_batch_get_for(actor=request.user, batch_id=voucher_batch_id)
    return {"closed": services.vouchers_expire(ctx=audit_ctx(request, "api"), batch=batch)}


@router.get("/vouchers", response=list[VoucherOut], summary="Vouchers of your areas")
def list_vouchers(request: HttpRequest, query: Query[VoucherQuery]) -> list[dict[str, Any]]:
    qs = selectors.voucher_list(
        actor=request.user, batch_id=query.voucher_batch_id, elder_id=query.elder_id
    )
    start = (query.page - 1) * query.page_size
    return [voucher_present(v) for v in qs[start : start + query.page_size]]


@router.get("/vouchers/{voucher_id}", response=VoucherOut, summary="A voucher (never its code)")
def get_voucher(request: HttpRequest, voucher_id: uuid.UUID) -> dict[str, Any]:
    return voucher_present(selectors.voucher_get_for(actor=request.user, voucher_id=voucher_id))


@router.post(
    "/vouchers/{voucher_id}/code",
    response=VoucherCodeOut,
    summary="Hand out a new redemption code (shown once; an earlier code stops working)",
)
def voucher_code(request: HttpRequest, voucher_id: uuid.UUID) -> dict[str, str]:
    voucher = selectors.voucher_get_for(actor=request.user, voucher_id=voucher_id)
    return {"code": services.voucher_code_issue(ctx=audit_ctx(request, "api"), voucher=voucher)}


@router.post(
    "/voucher-checks",
    response=VoucherCheckOut,
    summary="A merchant checks a code: the holder's masked name and the value left",
)
def check_voucher(request: HttpRequest, payload: VoucherCodeIn) -> Any:
    return services.voucher_check(ctx=audit_ctx(request, "api"), code=payload.code)


@router.post(
    "/voucher-redemptions",
    response={201: RedemptionOut},
    summary="A merchant redeems (part of) a voucher toward a purchase",
)
def redeem_voucher(request: HttpRequest, payload: VoucherRedeemIn) -> Status[dict[str, Any]]:
    redemption = services.voucher_redeem(
        ctx=audit_ctx(request, "api"),
        code=payload.code,
        amount_fen=payload.amount_fen,
        merchant_ref=payload.merchant_ref,
    )
    return Status(
        201,
        {
            "amount_fen": redemption.amount_fen,
            "remaining_fen": redemption.voucher.remaining_fen,
            "merchant_ref": redemption.merchant_ref,
            "delivered_on": timezone.localdate(redemption.created_at),
        },
    )


@router.get("/trade-ins", response=list[TradeInOut], summary="Old devices handed in")
def list_trade_ins(request: HttpRequest, query: Query[TradeInQuery]) -> list[dict[str, Any]]:
    qs = selectors.tradein_list(actor=request.user, elder_id=query.elder_id)
    start = (query.page - 1) * query.page_size
    return [tradein_present(t) for t in qs[start : start + query.page_size]]


@router.post(
    "/trade-ins",
    response={201: TradeInOut},
    summary="Record an old device handed in and the credit it gives toward a purchase",
)
def record_trade_in(request: HttpRequest, payload: TradeInIn) -> Status[dict[str, Any]]:
    elder = elder_get_for(actor=request.user, elder_id=payload.elder_id)
    trade_in = services.tradein_record(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        device_type=payload.device_type,
        brand=payload.brand,
        serial=payload.serial,
        credit_fen=payload.credit_fen,
        received_on=payload.received_on,
        note=payload.note,
    )
    return Status(201, tradein_present(trade_in))


@router.get("/trade-ins/{trade_in_id}", response=TradeInOut, summary="One trade-in")
def get_trade_in(request: HttpRequest, trade_in_id: uuid.UUID) -> dict[str, Any]:
    return tradein_present(selectors.tradein_get_for(actor=request.user, trade_in_id=trade_in_id))
