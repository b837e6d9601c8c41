"""Money held for a quote: reserve (atomic, never past a budget or an elder's limits),
commit what was delivered, release what was not (cancellation, early return).

Locks follow ``subsidies.locks``: budgets, then the elder's programme rows, then the
reservations. Under the locks the sums of ``held_fen`` are exact, so two concurrent
reservations cannot both take the last of a budget.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.amounts import MAX_FEN
from silvercare.subsidies.choices import LineKind, ReservationStatus, TradeInStatus
from silvercare.subsidies.explain import yuan
from silvercare.subsidies.locks import (
    lock_budgets,
    lock_elder_programmes,
    lock_reservations,
    lock_trade_in,
)
from silvercare.subsidies.models import Quote, QuoteLine, Reservation
from silvercare.subsidies.services.deliveries import record_locked
from silvercare.subsidies.services.programmes import require

MAX_UNITS = 120


def _held(**filters: Any) -> int:
    return int(Reservation.objects.filter(**filters).aggregate(s=Coalesce(Sum("held_fen"), 0))["s"])


def reserve(
    *,
    ctx: AuditContext,
    quote: Quote,
    units: int = 1,
    item_ref: str = "",
    provider_ref: str = "",
) -> list[Reservation]:
    """Hold the amounts of every paying line of ``quote`` (times ``units``: e.g. months of
    a lease) against their budgets and the elder's yearly and lifetime limits, all or
    nothing. A quote whose programmes pay nothing reserves nothing (an empty list).
    ``provider_ref`` names who will deliver (their claims are made per provider). A quote
    with a trade-in credit uses the credit up (one unit: a purchase)."""
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, quote.region_id)
    if isinstance(units, bool) or not 1 <= units <= MAX_UNITS:
        raise ValidationFailed(
            [
                FieldError(
                    "units",
                    codes.AMOUNT_INVALID,
                    _("Give between 1 and %(max)s units.") % {"max": MAX_UNITS},
                )
            ]
        )
    errors = [
        FieldError(name, codes.ITEM_INVALID, _("The text is too long."))
        for name, value in (("item_ref", item_ref), ("provider_ref", provider_ref))
        if len(value) > 100
    ]
    errors += [e for e in (check_text(provider_ref, "provider_ref"),) if e]
    if quote.trade_in_id is not None and units != 1:
        errors.append(
            FieldError(
                "units", codes.TRADE_IN_INVALID, _("A trade-in credit pays toward one purchase.")
            )
        )
    if errors:
        raise ValidationFailed(errors)
    lines = list(
        QuoteLine.objects.filter(quote=quote, kind=LineKind.PAYS, amount_fen__gt=0)
        .select_related("version__programme")
        .order_by("position")
    )
    if not lines and quote.trade_in_id is None:
        return []
    year = quote.on.year
    with transaction.atomic():
        budgets = lock_budgets(line.budget_id for line in lines if line.budget_id)
        lock_elder_programmes(quote.elder_id, (line.version.programme_id for line in lines))  # type: ignore[union-attr]
        if quote.trade_in_id is not None:
            _use_trade_in(quote)
        if Reservation.objects.filter(quote=quote).exists():
            raise DomainError(
                code=codes.QUOTE_ALREADY_RESERVED,
                status=409,
                message=_("This quote is already reserved."),
            )
        made: list[Reservation] = []
        for line in lines:
            version = line.version
            assert version is not None
            amount = line.amount_fen * units
            name = line.programme_name
            if line.budget_id:
                budget = budgets[line.budget_id]
                used = _held(budget_id=budget.pk)
                if used + amount > budget.amount_fen:
                    raise DomainError(
                        code=codes.BUDGET_EXCEEDED,
                        status=409,
                        message=_(
                            "%(programme)s: the budget has %(left)s yuan left, "
                            "%(amount)s yuan are needed."
                        )
                        % {
                            "programme": name,
                            "left": yuan(max(0, budget.amount_fen - used)),
                            "amount": yuan(amount),
                        },
                    )
            programme_id = version.programme_id
            for code, limit, filters in (
                (
                    codes.YEARLY_LIMIT_EXCEEDED,
                    version.yearly_limit_fen,
                    {"year": year},
                ),
                (codes.LIFETIME_LIMIT_EXCEEDED, version.lifetime_limit_fen, {}),
            ):
                if limit is None:
                    continue
                used = _held(elder_id=quote.elder_id, programme_id=programme_id, **filters)
                if used + amount > limit:
                    raise DomainError(
                        code=code,
                        status=409,
                        message=_(
                            "%(programme)s: the elder's limit of %(limit)s yuan has "
                            "%(left)s yuan left, %(amount)s yuan are needed."
                        )
                        % {
                            "programme": name,
                            "limit": yuan(limit),
                            "left": yuan(max(0, limit - used)),
                            "amount": yuan(amount),
                        },
                    )
            made.append(
                Reservation.objects.create(
                    elder_id=quote.elder_id,
                    region_id=quote.region_id,
                    programme_id=programme_id,
                    version=version,
                    budget_id=line.budget_id,
                    quote=quote,
                    quote_line=line,
                    year=year,
                    amount_fen=amount,
                    held_fen=amount,
                    item_ref=item_ref,
                    provider_ref=provider_ref,
                    created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                )
            )
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.reservation",
            entity_id=str(quote.pk),
            region_code=quote.region_id,
            summary=f"reserved {sum(r.amount_fen for r in made)} fen in {len(made)} lines",
        )
    return made


def _use_trade_in(quote: Quote) -> None:
    """Under the locks: the quote's trade-in credit is used up by this reservation."""
    assert quote.trade_in_id is not None
    trade_in = lock_trade_in(quote.trade_in_id)
    if trade_in.status != TradeInStatus.AVAILABLE:
        if trade_in.used_by_quote_id == quote.pk:
            raise DomainError(
                code=codes.QUOTE_ALREADY_RESERVED,
                status=409,
                message=_("This quote is already reserved."),
            )
        raise DomainError(
            code=codes.TRADE_IN_USED,
            status=409,
            message=_("The credit of this trade-in was already used for another purchase."),
        )
    trade_in.status = TradeInStatus.USED
    trade_in.used_by_quote = quote
    trade_in.used_at = timezone.now()
    trade_in.save(update_fields=["status", "used_by_quote", "used_at", "updated_at"])


def _close(
    *, ctx: AuditContext, reservation: Reservation, used_fen: int | None, action: str
) -> Reservation:
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, reservation.region_id)
    if used_fen is not None and (
        isinstance(used_fen, bool) or not isinstance(used_fen, int) or not 0 <= used_fen <= MAX_FEN
    ):
        raise ValidationFailed(
            [FieldError("amount_fen", codes.AMOUNT_INVALID, _("Give a whole number of fen."))]
        )
    with transaction.atomic():
        lock_budgets([reservation.budget_id] if reservation.budget_id else [])
        locked = lock_reservations([reservation.pk])[reservation.pk]
        if locked.status != ReservationStatus.RESERVED:
            raise DomainError(
                code=codes.RESERVATION_WRONG_STATUS,
                status=409,
                message=_("Only a reservation still held can be committed or released."),
            )
        used = locked.committed_fen if used_fen is None else used_fen
        if used > locked.amount_fen - locked.released_fen:
            raise ValidationFailed(
                [
                    FieldError(
                        "amount_fen",
                        codes.AMOUNT_INVALID,
                        _("At most the reserved %(amount)s yuan.")
                        % {"amount": yuan(locked.amount_fen - locked.released_fen)},
                    )
                ]
            )
        if used < locked.committed_fen:
            raise ValidationFailed(
                [
                    FieldError(
                        "amount_fen",
                        codes.DELIVERED_MORE_THAN_USED,
                        _(
                            "%(delivered)s yuan are already recorded as delivered: reverse "
                            "those deliveries first if they were not used."
                        )
                        % {"delivered": yuan(locked.committed_fen)},
                    )
                ]
            )
        if used > locked.committed_fen:
            record_locked(
                ctx=ctx,
                reservation=locked,
                amount_fen=used - locked.committed_fen,
                delivered_on=timezone.localdate(),
                note=action,
            )
        locked.released_fen = locked.amount_fen - locked.committed_fen
        locked.held_fen = locked.committed_fen
        locked.status = (
            ReservationStatus.COMMITTED if locked.committed_fen else ReservationStatus.RELEASED
        )
        locked.save(update_fields=["released_fen", "held_fen", "status", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.reservation",
            entity_id=str(locked.pk),
            region_code=locked.region_id,
            summary=(
                f"{action}: committed {locked.committed_fen}, released {locked.released_fen} fen"
            ),
        )
    return locked


def commit(
    *, ctx: AuditContext, reservation: Reservation, amount_fen: int | None = None
) -> Reservation:
    """The service was delivered in full: ``amount_fen`` (by default everything still held)
    is committed (recorded as a delivery today for what was not recorded yet) and the rest
    goes back to the budget and the elder's limits. The reservation closes."""
    used = reservation.amount_fen - reservation.released_fen if amount_fen is None else amount_fen
    return _close(ctx=ctx, reservation=reservation, used_fen=used, action="commit")


def release(
    *, ctx: AuditContext, reservation: Reservation, used_fen: int | None = None
) -> Reservation:
    """Cancellation or early return: the reservation closes. What was used stays committed
    — by default what was recorded as delivered so far; a larger ``used_fen`` records the
    difference as delivered today — and everything not used goes back to the budget and
    the elder's limits."""
    return _close(ctx=ctx, reservation=reservation, used_fen=used_fen, action="release")
