"""Leases: open (a chosen unit, or the first free one of a product at a rental point),
monthly statements recorded to the subsidies ledger, extension, return (early, on time or
late), buy-out, and reminders for leases nearing or past their planned end.

The elder pays only their share: at opening, ``subsidies.quote`` splits a month's rent
(item ``device_rental``, code = the device type's code) and ``subsidies.reserve`` holds the
subsidies' part for every month of the lease; each billed month records a delivery of
each paying line; a return bills what was used and releases the rest."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.assistive.selectors import fitting_on_file
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.rental import error_codes as codes
from silvercare.rental.choices import (
    MAX_MONTHS,
    Condition,
    LeaseStatus,
    Location,
    ReturnKind,
    UnitState,
)
from silvercare.rental.locks import lock_first_available, lock_lease, lock_unit
from silvercare.rental.models import Lease, LeaseMonth, RentalPoint, Unit, WaitlistEntry
from silvercare.rental.services._base import audit, require
from silvercare.rental.services.units import move

MAX_FEN = 100_000_000


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_months(months: Any) -> int:
    if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationFailed(
            [
                FieldError(
                    "months",
                    codes.MONTHS_INVALID,
                    _("Give between 1 and %(max)s months.") % {"max": MAX_MONTHS},
                )
            ]
        )
    return months


def _fen(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FEN:
        raise ValidationFailed(
            [FieldError(name, codes.AMOUNT_INVALID, _("Give a whole number of fen."))]
        )
    return value


def _gate_product(elder: Any, product: Any) -> None:
    """A sale-only product is not leased; one that needs professional fitting is leased
    only to an elder with a fitting on file."""
    if not product.rentable:
        raise DomainError(
            code=codes.NOT_RENTABLE,
            status=409,
            message=_("This product is sold only, not rented."),
        )
    if product.requires_fitting and not fitting_on_file(elder_id=elder.pk, product_id=product.pk):
        raise DomainError(
            code=codes.FITTING_REQUIRED,
            status=409,
            message=_(
                "This product requires professional fitting: it cannot be leased to this "
                "elder until a fitting is on file."
            ),
        )


def _subsidy(
    ctx: AuditContext,
    *,
    elder: Any,
    product: Any,
    price_fen: int,
    on: dt.date,
    months: int,
    ref: str,
    provider: str,
    first: dt.date,
) -> tuple[str, int, list[dict[str, Any]]]:
    """Quote one month's rent and hold the subsidies' part for ``months`` months, the
    lease's months from ``first`` (each line pays only for those months)."""
    from silvercare.subsidies import services as subsidies

    quote = subsidies.quote(
        actor=ctx.actor,
        elder=elder,
        item=subsidies.Item(
            kind="device_rental",
            code=product.device_type.code,
            label=f"{product.brand} {product.model}"[:200],
            ref=ref,
        ),
        price_fen=price_fen,
        on=on,
        ctx=ctx,
    )
    reservations = subsidies.reserve(
        ctx=ctx, quote=quote, units=months, item_ref=ref[:100], provider_ref=provider[:100]
    )
    lines = [
        {
            "reservation_id": str(r.pk),
            "monthly_fen": int(r.amount_fen) // months,
            "programme_id": r.programme_id,
            "from": first.isoformat(),
            "until": add_months(first, months).isoformat(),
        }
        for r in reservations
    ]
    return str(quote.pk), int(quote.elder_pays_fen), lines


def lease_open(
    *,
    ctx: AuditContext,
    elder: Any,
    starts_on: dt.date,
    months: int,
    unit: Unit | None = None,
    point: RentalPoint | None = None,
    product: Any = None,
    deposit_fen: int = 0,
    monthly_price_fen: int | None = None,
    allocation_reason: str = "",
) -> Lease:
    """Lease a unit to an elder: ``unit`` itself, or the first free unit of ``product`` at
    ``point``. The unit is locked (``SELECT … FOR UPDATE``; free units others hold are
    skipped) and a partial unique index allows one active lease per unit, so no unit is
    ever leased twice at once. ``elder`` comes from ``elders.selectors`` (visible)."""
    if unit is None and (point is None or product is None):
        raise ValidationFailed(
            [FieldError("unit", "required", _("Choose a unit, or a product and a rental point."))]
        )
    point = point or unit.point  # type: ignore[union-attr]
    product = product or unit.product  # type: ignore[union-attr]
    require(ctx, Perm.RENTAL_OPERATE, point.region_id)
    months = _check_months(months)
    deposit_fen = _fen("deposit_fen", deposit_fen)
    price = monthly_price_fen if monthly_price_fen is not None else product.monthly_rent_fen
    if price is None:
        raise ValidationFailed(
            [FieldError("monthly_price_fen", codes.AMOUNT_INVALID, _("Give the monthly rent."))]
        )
    price = _fen("monthly_price_fen", price)
    today = timezone.localdate()
    if not today - dt.timedelta(days=31) <= starts_on <= today + dt.timedelta(days=31):
        raise ValidationFailed(
            [
                FieldError(
                    "starts_on",
                    codes.DATE_INVALID,
                    _("A lease starts within a month of today."),
                )
            ]
        )
    _gate_product(elder, product)
    planned_end = add_months(starts_on, months)
    with transaction.atomic():
        if unit is not None:
            locked = lock_unit(unit.pk)
            if locked.state == UnitState.RESERVED and locked.reserved_for_id not in (
                None,
                elder.pk,
            ):
                raise DomainError(
                    code=codes.UNIT_RESERVED_FOR_OTHER,
                    status=409,
                    message=_("This unit is reserved for another elder."),
                )
            if locked.state not in (UnitState.AVAILABLE, UnitState.RESERVED):
                if locked.state == UnitState.LEASED:
                    raise DomainError(
                        code=codes.UNIT_ALREADY_LEASED,
                        status=409,
                        message=_("This unit is already leased."),
                    )
                raise DomainError(
                    code=codes.UNIT_NOT_AVAILABLE,
                    status=409,
                    message=_("This unit is not available (it is “%(state)s”).")
                    % {"state": str(UnitState(locked.state).label)},
                )
        else:
            found = lock_first_available(point_id=point.pk, product_id=product.pk)
            if found is None:
                raise DomainError(
                    code=codes.NO_UNIT_AVAILABLE,
                    status=409,
                    message=_("No unit of this product is available at this rental point."),
                )
            locked = found
        lease = Lease(
            elder=elder,
            unit=locked,
            point=point,
            region_id=point.region_id,
            starts_on=starts_on,
            planned_end_on=planned_end,
            monthly_price_fen=price,
            elder_monthly_fen=price,
            deposit_fen=deposit_fen,
            allocation_reason=allocation_reason[:300],
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        quote_id, elder_pays, lines = _subsidy(
            ctx,
            elder=elder,
            product=product,
            price_fen=price,
            on=starts_on,
            months=months,
            ref=f"lease:{lease.pk}",
            provider=f"rental:{point.pk}",
            first=starts_on,
        )
        lease.elder_monthly_fen = elder_pays
        lease.quote_ids = [quote_id]
        lease.subsidy_lines = lines
        if locked.state == UnitState.AVAILABLE:
            move(ctx, locked, UnitState.RESERVED, "lease")
        move(ctx, locked, UnitState.LEASED, "lease")
        try:
            with transaction.atomic():
                lease.save(force_insert=True)
        except IntegrityError:
            raise DomainError(
                code=codes.UNIT_ALREADY_LEASED,
                status=409,
                message=_("This unit is already leased."),
            ) from None
        locked.location = Location.HOME
        locked.holder = elder
        locked.reserved_for = None
        locked.save(update_fields=["state", "location", "holder", "reserved_for", "updated_at"])
        waiting = WaitlistEntry.objects.filter(
            elder=elder, device_type_id=product.device_type_id, status="waiting"
        ).first()
        if waiting is not None:
            waiting.status = "allocated"
            waiting.unit = locked
            waiting.allocated_at = timezone.now()
            if not waiting.allocation_reason:
                waiting.allocation_reason = allocation_reason[:300] or _("Leased directly")
            waiting.save(
                update_fields=["status", "unit", "allocated_at", "allocation_reason", "updated_at"]
            )
        audit(
            ctx,
            entity_id=f"lease:{lease.pk}",
            region_code=point.region_id,
            message=gettext_noop("Lease of unit %(serial)s opened"),
            params={"serial": locked.serial},
            action=AuditAction.CREATE,
            changes={
                "elder": str(elder.pk),
                "months": months,
                "price_fen": price,
                "elder_fen": elder_pays,
            },
        )
    return lease


def _reservation(ctx: AuditContext, reservation_id: str) -> Any:
    from silvercare.subsidies.selectors import reservation_get_for

    return reservation_get_for(actor=ctx.actor, reservation_id=reservation_id)


def lease_periods(lease: Lease, until: dt.date | None = None) -> list[dt.date]:
    """The first days of the lease's months (a month of a lease runs from its start date
    to the same day of the next month) that began on or before ``until``; a lease billed
    month by month bills each of them once."""
    out: list[dt.date] = []
    k = 0
    while True:
        start = add_months(lease.starts_on, k)
        if start >= lease.planned_end_on or (until is not None and start > until):
            return out
        out.append(start)
        k += 1


def _period_of(lease: Lease, day: dt.date) -> dt.date | None:
    for start in reversed(lease_periods(lease)):
        if start <= day:
            return start
    return None


def _bill(ctx: AuditContext, lease: Lease, period: dt.date) -> LeaseMonth:
    """Under the lease's lock: one month's statement and the subsidies' deliveries."""
    from silvercare.subsidies import services as subsidies

    if LeaseMonth.objects.filter(lease=lease, month=period).exists():
        raise DomainError(
            code=codes.MONTH_ALREADY_BILLED,
            status=409,
            message=_("This month of the lease is already billed."),
        )
    delivered_on = min(add_months(period, 1) - dt.timedelta(days=1), timezone.localdate())
    deliveries = []
    subsidy = 0
    for line in lease.subsidy_lines:
        if not line["from"] <= period.isoformat() < line["until"]:
            continue
        reservation = _reservation(ctx, line["reservation_id"])
        if reservation.status != "reserved":
            continue
        left = (
            int(reservation.amount_fen)
            - int(reservation.released_fen)
            - int(reservation.committed_fen)
        )
        amount = min(int(line["monthly_fen"]), left)
        if amount <= 0:
            continue
        delivery = subsidies.delivery_record(
            ctx=ctx,
            reservation=reservation,
            amount_fen=amount,
            delivered_on=delivered_on,
            item_ref=f"lease:{lease.pk}:{period:%Y-%m-%d}",
        )
        deliveries.append(str(delivery.pk))
        subsidy += amount
    return LeaseMonth.objects.create(
        lease=lease,
        month=period,
        price_fen=lease.monthly_price_fen,
        elder_fen=lease.monthly_price_fen - subsidy,
        subsidy_fen=subsidy,
        delivery_ids=deliveries,
    )


def lease_bill_month(*, ctx: AuditContext, lease: Lease, day: dt.date) -> LeaseMonth:
    """Bill the month of the lease that ``day`` falls in: the statement line, and a
    delivery of each subsidy. Months after a return are not billed."""
    require(ctx, Perm.RENTAL_OPERATE, lease.region_id)
    if day > timezone.localdate():
        raise ValidationFailed(
            [FieldError("day", codes.DATE_INVALID, _("The date is in the future."))]
        )
    with transaction.atomic():
        locked = lock_lease(lease.pk)
        period = _period_of(locked, day)
        if period is None or (locked.ended_on is not None and period > locked.ended_on):
            raise DomainError(
                code=codes.MONTH_NOT_LEASED,
                status=409,
                message=_("The lease does not run in this month: billing stops on return."),
            )
        row = _bill(ctx, locked, period)
        audit(
            ctx,
            entity_id=f"lease:{lease.pk}",
            region_code=lease.region_id,
            message=gettext_noop("Month from %(period)s billed"),
            params={"period": str(period)},
        )
    return row


def _bill_outstanding(ctx: AuditContext, lease: Lease, until: dt.date) -> int:
    billed = set(LeaseMonth.objects.filter(lease=lease).values_list("month", flat=True))
    count = 0
    for period in lease_periods(lease, until):
        if period not in billed:
            _bill(ctx, lease, period)
            count += 1
    return count


def leases_bill_due(*, ctx: AuditContext, on: dt.date | None = None) -> int:
    """Bill every begun, unbilled month of the active leases the actor operates (the
    monthly statements; run daily or monthly by ``silvercare rental-statements``)."""
    on = on or timezone.localdate()
    count = 0
    for lease in Lease.objects.visible_to(ctx.actor, Perm.RENTAL_OPERATE).filter(
        status=LeaseStatus.ACTIVE
    ):
        with transaction.atomic():
            locked = lock_lease(lease.pk)
            count += _bill_outstanding(ctx, locked, on)
    return count


def _release_all(ctx: AuditContext, lease: Lease) -> None:
    from silvercare.subsidies import services as subsidies

    for line in lease.subsidy_lines:
        reservation = _reservation(ctx, line["reservation_id"])
        if reservation.status == "reserved":
            subsidies.release(ctx=ctx, reservation=reservation)


def _end_checks(lease: Lease, on: dt.date) -> None:
    if lease.status != LeaseStatus.ACTIVE:
        raise DomainError(
            code=codes.LEASE_NOT_ACTIVE, status=409, message=_("This lease has already ended.")
        )
    if on < lease.starts_on or on > timezone.localdate():
        raise ValidationFailed(
            [
                FieldError(
                    "on",
                    codes.DATE_INVALID,
                    _("The date must be between the start of the lease and today."),
                )
            ]
        )


def lease_return(
    *,
    ctx: AuditContext,
    lease: Lease,
    on: dt.date | None = None,
    condition: str = Condition.GOOD,
) -> Lease:
    """The unit comes back: the months up to the return are billed, the subsidies'
    remaining holds are released (billing stops), and the unit is "returned" — it must be
    cleaned and disinfected before it can go out again."""
    require(ctx, Perm.RENTAL_OPERATE, lease.region_id)
    on = on or timezone.localdate()
    if condition not in Condition.values:
        raise ValidationFailed(
            [FieldError("condition", "choice_invalid", _("Choose a condition."))]
        )
    with transaction.atomic():
        locked = lock_lease(lease.pk)
        _end_checks(locked, on)
        unit = lock_unit(locked.unit_id)
        locked.ended_on = on
        last_day = locked.planned_end_on - dt.timedelta(days=1)
        if on < last_day:
            locked.return_kind = ReturnKind.EARLY
        elif on > locked.planned_end_on:
            locked.return_kind = ReturnKind.LATE
        else:
            locked.return_kind = ReturnKind.ON_TIME
        _bill_outstanding(ctx, locked, on)
        _release_all(ctx, locked)
        locked.status = LeaseStatus.RETURNED
        locked.save(update_fields=["ended_on", "return_kind", "status", "updated_at"])
        move(ctx, unit, UnitState.RETURNED, "lease_returned")
        unit.location = Location.RENTAL_POINT
        unit.holder = None
        unit.needs_cleaning = True
        unit.condition = condition
        unit.save(
            update_fields=[
                "state",
                "location",
                "holder",
                "needs_cleaning",
                "condition",
                "updated_at",
            ]
        )
        audit(
            ctx,
            entity_id=f"lease:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Lease ended: %(return_kind)s"),
            params={"return_kind": locked.return_kind},
            changes={"ended_on": str(on)},
        )
    return locked


def lease_extend(*, ctx: AuditContext, lease: Lease, months: int) -> Lease:
    """Extend the planned end by ``months``; the subsidies are quoted and held again for
    the added months."""
    require(ctx, Perm.RENTAL_OPERATE, lease.region_id)
    months = _check_months(months)
    with transaction.atomic():
        locked = lock_lease(lease.pk)
        if locked.status != LeaseStatus.ACTIVE:
            raise DomainError(
                code=codes.LEASE_NOT_ACTIVE, status=409, message=_("This lease has already ended.")
            )
        unit = Unit.objects.select_related("product__device_type").get(pk=locked.unit_id)
        quote_id, _elder_pays, lines = _subsidy(
            ctx,
            elder=locked.elder,
            product=unit.product,
            price_fen=locked.monthly_price_fen,
            on=timezone.localdate(),
            months=months,
            ref=f"lease:{locked.pk}",
            provider=f"rental:{locked.point_id}",
            first=locked.planned_end_on,
        )
        old_end = locked.planned_end_on
        locked.planned_end_on = add_months(old_end, months)
        locked.quote_ids = [*locked.quote_ids, quote_id]
        locked.subsidy_lines = [*locked.subsidy_lines, *lines]
        locked.save(update_fields=["planned_end_on", "quote_ids", "subsidy_lines", "updated_at"])
        audit(
            ctx,
            entity_id=f"lease:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Lease extended by %(months)s months"),
            params={"months": months},
            changes={"planned_end_on": [str(old_end), str(locked.planned_end_on)]},
        )
    return locked


def lease_buy_out(
    *, ctx: AuditContext, lease: Lease, price_fen: int, on: dt.date | None = None
) -> Lease:
    """The elder buys the unit: the lease ends (months used billed, holds released) and
    the unit leaves the rental stock (retired, still at the elder's home)."""
    require(ctx, Perm.RENTAL_OPERATE, lease.region_id)
    price_fen = _fen("price_fen", price_fen)
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = lock_lease(lease.pk)
        _end_checks(locked, on)
        unit = lock_unit(locked.unit_id)
        locked.ended_on = on
        _bill_outstanding(ctx, locked, on)
        _release_all(ctx, locked)
        locked.status = LeaseStatus.BOUGHT_OUT
        locked.buyout_price_fen = price_fen
        locked.save(update_fields=["ended_on", "status", "buyout_price_fen", "updated_at"])
        move(ctx, unit, UnitState.RETIRED, "bought_out")
        unit.save(update_fields=["state", "updated_at"])
        audit(
            ctx,
            entity_id=f"lease:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Unit bought out for %(price_fen)s"),
            params={"price_fen": price_fen},
        )
    return locked
