"""The delivery ledger: what other capabilities report as delivered against a reservation
(``delivery_record``: a month of a lease, a visit, a meal), and the entries that put a
mistake right (``delivery_reverse``, ``delivery_correct``). Entries are never edited.

A recorded delivery moves its amount from reserved to committed; a reservation whose whole
amount is delivered closes as committed. Each entry is split between the version's payers
(``DeliveryShare``, largest remainder, so the parts add up to the fen); the shares become
the lines of the payers' claims. A reversal is the exact negative of its entry, share by
share; a correction is a reversal plus a new entry of the right amount.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.amounts import MAX_FEN, split_between_payers
from silvercare.subsidies.choices import DeliveryKind, ReservationStatus
from silvercare.subsidies.explain import yuan
from silvercare.subsidies.locks import lock_budgets, lock_reservations
from silvercare.subsidies.models import Delivery, DeliveryShare, FundingShare, Reservation
from silvercare.subsidies.services.programmes import require

OPEN = ReservationStatus.RESERVED


def _amount_error(field: str = "amount_fen") -> ValidationFailed:
    return ValidationFailed(
        [FieldError(field, codes.AMOUNT_INVALID, _("Give a whole number of fen greater than 0."))]
    )


def check_amount(amount_fen: Any, field: str = "amount_fen") -> int:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise _amount_error(field)
    if not 0 < amount_fen <= MAX_FEN:
        raise _amount_error(field)
    return amount_fen


def check_delivery_inputs(
    *, delivered_on: dt.date, provider_ref: str = "", item_ref: str = "", note: str = ""
) -> None:
    errors: list[FieldError] = []
    today = timezone.localdate()
    if not isinstance(delivered_on, dt.date) or not dt.date(2000, 1, 1) <= delivered_on <= today:
        errors.append(
            FieldError(
                "delivered_on",
                codes.DELIVERY_DATE_INVALID,
                _("The delivery date is a day between 2000 and today."),
            )
        )
    for name, value in (("provider_ref", provider_ref), ("item_ref", item_ref)):
        if len(value) > 100:
            errors.append(FieldError(name, codes.ITEM_INVALID, _("The text is too long.")))
        elif problem := check_text(value, name):
            errors.append(problem)
    if len(note) > 200:
        errors.append(FieldError("note", codes.ITEM_INVALID, _("The text is too long.")))
    elif problem := check_text(note, "note"):
        errors.append(problem)
    if errors:
        raise ValidationFailed(errors)


def open_part(reservation: Reservation) -> int:
    """What may still be delivered on an open reservation."""
    if reservation.status != OPEN:
        return 0
    return reservation.amount_fen - reservation.released_fen - reservation.committed_fen


def _shares(delivery: Delivery) -> list[DeliveryShare]:
    funding = list(
        FundingShare.objects.filter(version_id=delivery.version_id).order_by("-share_bp", "pk")
    )
    parts = split_between_payers(delivery.amount_fen, [(f.payer_id, f.share_bp) for f in funding])
    return [
        DeliveryShare(delivery=delivery, payer_id=f.payer_id, amount_fen=part)
        for f, part in zip(funding, parts, strict=True)
        if part
    ]


def _entry(
    *,
    ctx: AuditContext,
    reservation: Reservation,
    kind: str,
    amount_fen: int,
    delivered_on: dt.date,
    provider_ref: str,
    item_ref: str = "",
    note: str = "",
    reverses: Delivery | None = None,
) -> Delivery:
    delivery = Delivery.objects.create(
        reservation=reservation,
        elder_id=reservation.elder_id,
        region_id=reservation.region_id,
        programme_id=reservation.programme_id,
        version_id=reservation.version_id,
        budget_id=reservation.budget_id,
        kind=kind,
        reverses=reverses,
        delivered_on=delivered_on,
        amount_fen=amount_fen,
        provider_ref=provider_ref,
        item_ref=item_ref or reservation.item_ref,
        note=note,
        created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )
    if kind == DeliveryKind.REVERSAL:
        assert reverses is not None
        shares = [
            DeliveryShare(delivery=delivery, payer_id=s.payer_id, amount_fen=-s.amount_fen)
            for s in reverses.shares.all()
        ]
    else:
        shares = _shares(delivery)
    DeliveryShare.objects.bulk_create(shares)
    return delivery


def record_locked(
    *,
    ctx: AuditContext,
    reservation: Reservation,
    amount_fen: int,
    delivered_on: dt.date,
    provider_ref: str | None = None,
    item_ref: str = "",
    note: str = "",
    kind: str = DeliveryKind.DELIVERY,
    reverses: Delivery | None = None,
) -> Delivery:
    """Record a delivery on a reservation the caller has locked (with its budget) in the
    current transaction."""
    left = open_part(reservation)
    if reservation.status != OPEN:
        raise DomainError(
            code=codes.RESERVATION_WRONG_STATUS,
            status=409,
            message=_("This reservation is closed: nothing more can be delivered on it."),
        )
    if amount_fen > left:
        raise DomainError(
            code=codes.DELIVERY_EXCEEDS_RESERVATION,
            status=409,
            message=_(
                "Only %(left)s yuan of this reservation are left to deliver, "
                "%(amount)s yuan were reported."
            )
            % {"left": yuan(left), "amount": yuan(amount_fen)},
        )
    delivery = _entry(
        ctx=ctx,
        reservation=reservation,
        kind=kind,
        amount_fen=amount_fen,
        delivered_on=delivered_on,
        provider_ref=reservation.provider_ref if provider_ref is None else provider_ref,
        item_ref=item_ref,
        note=note,
        reverses=reverses,
    )
    reservation.committed_fen += amount_fen
    fields = ["committed_fen", "updated_at"]
    if reservation.committed_fen == reservation.amount_fen - reservation.released_fen:
        reservation.status = ReservationStatus.COMMITTED
        fields.append("status")
    reservation.save(update_fields=fields)
    return delivery


def delivery_record(
    *,
    ctx: AuditContext,
    reservation: Reservation,
    amount_fen: int,
    delivered_on: dt.date,
    provider_ref: str | None = None,
    item_ref: str = "",
    note: str = "",
) -> Delivery:
    """Another capability delivered part of what ``reservation`` holds (a month of a lease,
    a visit, a meal): ``amount_fen`` moves from reserved to committed and becomes claimable
    by the payers. ``provider_ref`` defaults to the reservation's provider."""
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, reservation.region_id)
    amount = check_amount(amount_fen)
    check_delivery_inputs(
        delivered_on=delivered_on,
        provider_ref=provider_ref or "",
        item_ref=item_ref,
        note=note,
    )
    with transaction.atomic():
        lock_budgets([reservation.budget_id] if reservation.budget_id else [])
        locked = lock_reservations([reservation.pk])[reservation.pk]
        delivery = record_locked(
            ctx=ctx,
            reservation=locked,
            amount_fen=amount,
            delivered_on=delivered_on,
            provider_ref=provider_ref,
            item_ref=item_ref,
            note=note,
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.delivery",
            entity_id=str(delivery.pk),
            region_code=locked.region_id,
            summary=f"delivered {amount} fen on {delivered_on} ({delivery.provider_ref})",
        )
    return delivery


def _reverse_locked(
    *, ctx: AuditContext, reservation: Reservation, delivery: Delivery, note: str
) -> Delivery:
    if delivery.kind == DeliveryKind.REVERSAL or delivery.followed_by.exists():
        raise DomainError(
            code=codes.DELIVERY_ALREADY_REVERSED,
            status=409,
            message=_("This entry was already reversed or corrected."),
        )
    try:
        with transaction.atomic():
            reversal = _entry(
                ctx=ctx,
                reservation=reservation,
                kind=DeliveryKind.REVERSAL,
                amount_fen=-delivery.amount_fen,
                delivered_on=timezone.localdate(),
                provider_ref=delivery.provider_ref,
                item_ref=delivery.item_ref,
                note=note,
                reverses=delivery,
            )
    except IntegrityError:  # reversed at the same moment by someone else
        raise DomainError(
            code=codes.DELIVERY_ALREADY_REVERSED,
            status=409,
            message=_("This entry was already reversed or corrected."),
        ) from None
    reservation.committed_fen -= delivery.amount_fen
    fields = ["committed_fen", "updated_at"]
    if reservation.status != OPEN:
        # A closed reservation holds only what was delivered: the rest goes back.
        reservation.released_fen += delivery.amount_fen
        reservation.held_fen -= delivery.amount_fen
        fields += ["released_fen", "held_fen"]
        if reservation.committed_fen == 0:
            reservation.status = ReservationStatus.RELEASED
            fields.append("status")
    reservation.save(update_fields=fields)
    return reversal


def _locked_for(delivery: Delivery) -> Reservation:
    lock_budgets([delivery.budget_id] if delivery.budget_id else [])
    return lock_reservations([delivery.reservation_id])[delivery.reservation_id]


def delivery_reverse(*, ctx: AuditContext, delivery: Delivery, note: str = "") -> Delivery:
    """Cancel a ledger entry with its exact negative (the entry itself, settled or not, is
    never changed; the payers' next claims carry the reversal). What it had committed goes
    back to the reservation: to be delivered again if it is still open, else to the budget
    and the elder's limits."""
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, delivery.region_id)
    check_delivery_inputs(delivered_on=timezone.localdate(), note=note)
    with transaction.atomic():
        reservation = _locked_for(delivery)
        reversal = _reverse_locked(ctx=ctx, reservation=reservation, delivery=delivery, note=note)
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.delivery",
            entity_id=str(reversal.pk),
            region_code=delivery.region_id,
            summary=f"reversed {delivery.pk}: {reversal.amount_fen} fen",
            changes={"reverses": [None, str(delivery.pk)]},
        )
    return reversal


def delivery_correct(
    *, ctx: AuditContext, delivery: Delivery, amount_fen: int, note: str = ""
) -> tuple[Delivery, Delivery]:
    """Put a wrong amount right: a reversal of ``delivery`` and a correction entry of
    ``amount_fen`` (same day, provider and item). On a closed reservation a correction may
    lower the amount, not raise it (a larger amount needs a new reservation)."""
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, delivery.region_id)
    amount = check_amount(amount_fen)
    check_delivery_inputs(delivered_on=timezone.localdate(), note=note)
    with transaction.atomic():
        reservation = _locked_for(delivery)
        was_open = reservation.status == OPEN
        if not was_open and amount > delivery.amount_fen:
            raise DomainError(
                code=codes.DELIVERY_EXCEEDS_RESERVATION,
                status=409,
                message=_(
                    "This reservation is closed: a correction may lower the amount "
                    "(%(amount)s yuan) but not raise it."
                )
                % {"amount": yuan(delivery.amount_fen)},
            )
        reversal = _reverse_locked(ctx=ctx, reservation=reservation, delivery=delivery, note=note)
        if not was_open:
            # Take back from what the reversal released (never more than it released).
            reservation.released_fen -= amount
            reservation.held_fen += amount
            reservation.status = ReservationStatus.RESERVED
        correction = record_locked(
            ctx=ctx,
            reservation=reservation,
            amount_fen=amount,
            delivered_on=delivery.delivered_on,
            provider_ref=delivery.provider_ref,
            item_ref=delivery.item_ref,
            note=note,
            kind=DeliveryKind.CORRECTION,
            reverses=delivery,
        )
        if not was_open:
            reservation.status = (
                ReservationStatus.COMMITTED
                if reservation.committed_fen
                else ReservationStatus.RELEASED
            )
            reservation.save(update_fields=["released_fen", "held_fen", "status", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.delivery",
            entity_id=str(correction.pk),
            region_code=delivery.region_id,
            summary=f"corrected {delivery.pk}: {delivery.amount_fen} -> {amount} fen",
            changes={"amount_fen": [delivery.amount_fen, amount]},
        )
    return reversal, correction
