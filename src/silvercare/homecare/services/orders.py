"""Orders for an elder (once, daily or weekly: the occurrences are visits), their price split
through ``subsidies`` (quote on ordering, reservation on acceptance), and the lifecycle
requested → accepted → scheduled → in progress → completed / cancelled / missed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.homecare import error_codes as codes
from silvercare.homecare.choices import (
    OPEN_VISIT_STATES,
    VISIT_TRANSITIONS,
    OrderStatus,
    Recurrence,
    Side,
    VisitStatus,
)
from silvercare.homecare.models import CareBed, CareOrder, Provider, ServiceType, Visit
from silvercare.homecare.services._base import (
    audit,
    check_texts,
    denied,
    field_error,
    require,
    require_provider,
)

MAX_OCCURRENCES = 92


def provider_ref(provider: Provider) -> str:
    """How claims name the provider (``subsidies`` claims are made per provider)."""
    return f"{provider.name} [{str(provider.pk)[:8]}]"


def price_for(provider: Provider, service_type: ServiceType) -> int:
    row = provider.prices.filter(service_type=service_type).first()
    return row.price_fen if row else service_type.price_fen


def occurrences(first: dt.date, last: dt.date, recurrence: str) -> list[dt.date]:
    if recurrence == Recurrence.ONCE:
        return [first]
    step = dt.timedelta(days=1 if recurrence == Recurrence.DAILY else 7)
    days, day = [], first
    while day <= last:
        days.append(day)
        day += step
    return days


def _quote(actor: Any, order: CareOrder) -> Any:
    """A subsidies quote for one visit: the subsidy and the co-pay with their reasons."""
    from silvercare.subsidies import services as subsidies

    quote = subsidies.quote(
        actor=actor,
        elder=order.elder,
        item=subsidies.Item(
            kind="service",
            code=order.service_type.code,
            label=str(order.service_type),
            ref=f"care-order:{order.pk}",
        ),
        price_fen=order.price_fen,
        on=order.first_date,
    )
    lines = list(quote.lines.all())
    order.quote = quote
    order.subsidy_fen = sum(line.amount_fen for line in lines if line.kind == "pays")
    order.copay_fen = sum(line.amount_fen for line in lines if line.kind == "elder")
    return quote


def order_create(
    *,
    ctx: AuditContext,
    elder: Any,
    service_type: ServiceType,
    provider: Provider,
    first_date: dt.date,
    window_start: int,
    window_end: int,
    recurrence: str = Recurrence.ONCE,
    last_date: dt.date | None = None,
    notes: str = "",
    care_bed: CareBed | None = None,
    usual_caregiver: Any = None,
    referral: Any = None,
) -> CareOrder:
    """Order a service for an elder (community workers, provider admins, the call centre).
    ``elder`` comes from ``elders.selectors.elder_get_for``. Priced and quoted at once when
    the actor may quote subsidies; otherwise on acceptance. ``referral`` (from
    ``alerts.selectors.referral_open_for``) is an alert resolved by a referral to home care:
    the order answers it in the same transaction."""
    require(ctx, Perm.CARE_ORDER, elder.region_id)
    return _order_new(
        ctx=ctx,
        elder=elder,
        service_type=service_type,
        provider=provider,
        first_date=first_date,
        window_start=window_start,
        window_end=window_end,
        recurrence=recurrence,
        last_date=last_date,
        notes=notes,
        care_bed=care_bed,
        usual_caregiver=usual_caregiver,
        referral=referral,
    )


def order_request_for_elder(
    *,
    ctx: AuditContext,
    elder: Any,
    service_type: ServiceType,
    provider: Provider,
    first_date: dt.date,
    window_start: int,
    window_end: int,
    recurrence: str = Recurrence.ONCE,
    last_date: dt.date | None = None,
    notes: str = "",
) -> CareOrder:
    """The elder, or a family member acting for them, requests a service from the portal.
    No ``care.order``: the account must be one the registry says acts for the elder
    (``elders.selectors.account_acts_for``; the portal also checks the elder's consent for
    a family member). The order is ``requested``, checked like any order (provider serving
    the elder's area, window, dates) and quoted when the provider accepts it."""
    from silvercare.elders.selectors import account_acts_for

    if not actor_has_perm(ctx.actor, Perm.PORTAL_USE) or not account_acts_for(
        user=ctx.actor, elder_id=elder.pk
    ):
        raise denied()
    return _order_new(
        ctx=ctx,
        elder=elder,
        service_type=service_type,
        provider=provider,
        first_date=first_date,
        window_start=window_start,
        window_end=window_end,
        recurrence=recurrence,
        last_date=last_date,
        notes=notes,
    )


def _order_new(
    *,
    ctx: AuditContext,
    elder: Any,
    service_type: ServiceType,
    provider: Provider,
    first_date: dt.date,
    window_start: int,
    window_end: int,
    recurrence: str = Recurrence.ONCE,
    last_date: dt.date | None = None,
    notes: str = "",
    care_bed: CareBed | None = None,
    usual_caregiver: Any = None,
    referral: Any = None,
) -> CareOrder:
    check_texts({"notes": notes}, multiline=("notes",))
    if recurrence not in Recurrence.values:
        raise field_error(
            "recurrence", codes.RECURRENCE_INVALID, _("Choose once, daily or weekly.")
        )
    for name, value in (("window_start", window_start), ("window_end", window_end)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1440:
            raise field_error(name, codes.WINDOW_INVALID, _("Give a time of day."))
    if window_end <= window_start:
        raise field_error(
            "window_end", codes.WINDOW_INVALID, _("The window ends before it starts.")
        )
    if window_end - window_start < service_type.duration_min:
        raise field_error(
            "window_end",
            codes.WINDOW_INVALID,
            _("The window is shorter than the service (%(minutes)d minutes).")
            % {"minutes": service_type.duration_min},
        )
    today = timezone.localdate()
    if first_date < today:
        raise field_error(
            "first_date", codes.DATE_INVALID, _("The first visit cannot be in the past.")
        )
    last = first_date if recurrence == Recurrence.ONCE else (last_date or first_date)
    if last < first_date:
        raise field_error("last_date", codes.DATE_INVALID, _("The last date is before the first."))
    days = occurrences(first_date, last, recurrence)
    if len(days) > MAX_OCCURRENCES or (last - first_date).days > 366:
        raise field_error(
            "last_date",
            codes.RECURRENCE_INVALID,
            _("At most %(n)d visits per order.") % {"n": MAX_OCCURRENCES},
        )
    if not provider.active or not provider.serves(elder.region_id):
        raise field_error(
            "provider",
            codes.PROVIDER_NOT_SERVING,
            _("This provider does not serve the elder's area."),
        )
    if usual_caregiver is not None and usual_caregiver.provider_id != provider.pk:
        raise field_error(
            "usual_caregiver", codes.CAREGIVER_INVALID, _("Not a caregiver of this provider.")
        )
    if not service_type.active:
        raise field_error(
            "service_type", codes.SERVICE_NOT_OFFERED, _("This service is not offered.")
        )
    with transaction.atomic():
        order = CareOrder(
            elder=elder,
            region_id=elder.region_id,
            provider=provider,
            service_type=service_type,
            first_date=first_date,
            last_date=last,
            window_start=window_start,
            window_end=window_end,
            recurrence=recurrence,
            notes=notes,
            price_fen=price_for(provider, service_type),
            care_bed=care_bed,
            usual_caregiver=usual_caregiver,
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        order.copay_fen = order.price_fen
        if actor_has_perm(ctx.actor, Perm.SUBSIDIES_QUOTE, elder.region_id):
            _quote(ctx.actor, order)
        order.save()
        Visit.objects.bulk_create(
            [
                Visit(
                    order=order,
                    elder=elder,
                    region_id=elder.region_id,
                    provider=provider,
                    service_type=service_type,
                    date=day,
                    window_start=window_start,
                    window_end=window_end,
                    duration_min=service_type.duration_min,
                )
                for day in days
            ]
        )
        audit(
            ctx,
            entity="order",
            entity_id=order.pk,
            region_code=order.region_id,
            summary=f"order {service_type.code} x{len(days)} from {first_date}",
        )
        if referral is not None:
            from silvercare.alerts.services import referral_answer

            referral_answer(ctx=ctx, referral=referral, elder_id=elder.pk, order_id=order.pk)
    return order


def _lock(order: CareOrder) -> CareOrder:
    return (
        CareOrder.objects.select_for_update()
        .select_related("elder", "service_type", "provider")
        .get(pk=order.pk)
    )


def order_accept(*, ctx: AuditContext, order: CareOrder) -> CareOrder:
    """The provider accepts: the subsidy is reserved for every visit (all or nothing; a full
    budget or a reached limit refuses with its reason) and the visits become accepted."""
    from silvercare.subsidies import services as subsidies

    require_provider(ctx, Perm.CARE_PROVIDE, order.provider)
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.REQUESTED:
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("Only a requested order can be accepted; this one is %(status)s.")
                % {"status": locked.get_status_display()},
            )
        visits = list(locked.visits.filter(status=VisitStatus.REQUESTED))
        if locked.quote is None:
            _quote(ctx.actor, locked)
        quote = locked.quote
        assert quote is not None
        reservations = subsidies.reserve(
            ctx=ctx,
            quote=quote,
            units=max(1, len(visits)),
            item_ref=f"care-order:{locked.pk}",
            provider_ref=provider_ref(locked.provider),
        )
        locked.reservation_ids = [str(r.pk) for r in reservations]
        locked.status = OrderStatus.ACCEPTED
        locked.save()
        Visit.objects.filter(pk__in=[v.pk for v in visits]).update(
            status=VisitStatus.ACCEPTED, updated_at=timezone.now()
        )
        audit(
            ctx,
            entity="order",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"accepted, {len(reservations)} reservation(s)",
        )
    return locked


def _release(ctx: AuditContext, order: CareOrder) -> None:
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.selectors import reservation_get_for

    for reservation_id in order.reservation_ids:
        reservation = reservation_get_for(actor=ctx.actor, reservation_id=reservation_id)
        if reservation.status == "reserved":
            subsidies.release(ctx=ctx, reservation=reservation)


def order_decline(*, ctx: AuditContext, order: CareOrder, reason: str) -> CareOrder:
    require_provider(ctx, Perm.CARE_PROVIDE, order.provider)
    return _close(ctx, order, OrderStatus.DECLINED, reason, Side.PROVIDER)


def order_cancel(*, ctx: AuditContext, order: CareOrder, reason: str, side: str) -> CareOrder:
    """Cancel what is still open of an order, on the elder's or the provider's side; done
    visits stay, the subsidy held for the rest is released."""
    if not (
        actor_has_perm(ctx.actor, Perm.CARE_ORDER, order.region_id)
        or actor_has_perm(ctx.actor, Perm.CARE_PROVIDE, order.region_id)
    ):
        raise DomainError(
            code=codes.PERMISSION_DENIED,
            status=403,
            message=_("You may not do this for this area."),
        )
    return _close(ctx, order, OrderStatus.CANCELLED, reason, side)


def _close(ctx: AuditContext, order: CareOrder, status: str, reason: str, side: str) -> CareOrder:
    if side not in Side.values:
        raise field_error("side", codes.SIDE_INVALID, _("Say whose side cancelled."))
    check_texts({"reason": reason})
    if not reason.strip():
        raise field_error("reason", codes.REASON_REQUIRED, _("Give the reason."))
    with transaction.atomic():
        locked = _lock(order)
        allowed = (
            {OrderStatus.REQUESTED}
            if status == OrderStatus.DECLINED
            else {
                OrderStatus.REQUESTED,
                OrderStatus.ACCEPTED,
            }
        )
        if locked.status not in allowed:
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("This order is %(status)s and cannot change any more.")
                % {"status": locked.get_status_display()},
            )
        if locked.reservation_ids:
            if not actor_has_perm(ctx.actor, Perm.SUBSIDIES_QUOTE, locked.region_id):
                raise DomainError(
                    code=codes.PERMISSION_DENIED,
                    status=403,
                    message=_(
                        "A subsidy is held for this order: the community worker or the "
                        "provider cancels it."
                    ),
                )
            in_progress = locked.visits.filter(status=VisitStatus.IN_PROGRESS).exists()
            if not in_progress:
                _release(ctx, locked)
        locked.status = status
        locked.status_reason = reason.strip()[:200]
        locked.cancelled_by = side
        locked.save()
        locked.visits.filter(
            status__in=[VisitStatus.REQUESTED, VisitStatus.ACCEPTED, VisitStatus.SCHEDULED]
        ).update(
            status=VisitStatus.CANCELLED,
            status_reason=reason.strip()[:200],
            side=side,
            updated_at=timezone.now(),
        )
        audit(
            ctx,
            entity="order",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"{status} by {side}: {reason[:80]}",
        )
    return locked


def check_transition(visit: Visit, target: str) -> None:
    """Refuse an illegal move with a reason a person can act on."""
    if target not in VISIT_TRANSITIONS.get(visit.status, frozenset()):
        raise DomainError(
            code=codes.ILLEGAL_TRANSITION,
            status=409,
            message=_("A visit that is %(current)s cannot become %(target)s.")
            % {
                "current": VisitStatus(visit.status).label,
                "target": VisitStatus(target).label,
            },
        )


def visit_cancel(*, ctx: AuditContext, visit: Visit, reason: str, side: str) -> Visit:
    """Cancel one occurrence (the elder away, the provider short of staff)."""
    if not (
        actor_has_perm(ctx.actor, Perm.CARE_ORDER, visit.region_id)
        or actor_has_perm(ctx.actor, Perm.CARE_PROVIDE, visit.region_id)
    ):
        raise DomainError(
            code=codes.PERMISSION_DENIED,
            status=403,
            message=_("You may not do this for this area."),
        )
    return _end_visit(ctx, visit, VisitStatus.CANCELLED, reason, side)


def visit_missed(*, ctx: AuditContext, visit: Visit, reason: str, side: str) -> Visit:
    """A no-show: nobody at home (elder's side) or no caregiver came (provider's side)."""
    require_provider(ctx, Perm.CARE_PROVIDE, visit.provider)
    return _end_visit(ctx, visit, VisitStatus.MISSED, reason, side)


def _end_visit(ctx: AuditContext, visit: Visit, target: str, reason: str, side: str) -> Visit:
    if side not in Side.values:
        raise field_error("side", codes.SIDE_INVALID, _("Say whose side cancelled."))
    check_texts({"reason": reason})
    if not reason.strip():
        raise field_error("reason", codes.REASON_REQUIRED, _("Give the reason."))
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        check_transition(locked, target)
        locked.status = target
        locked.status_reason = reason.strip()[:200]
        locked.side = side
        locked.save()
        audit(
            ctx,
            entity="visit",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"{target} by {side}: {reason[:80]}",
        )
    return locked


def open_states() -> tuple[str, ...]:
    return tuple(str(s) for s in OPEN_VISIT_STATES)
