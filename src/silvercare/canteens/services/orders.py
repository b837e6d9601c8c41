"""Meal orders: placing one (staff or family) against the sitting's capacity with its
subsidy quoted and reserved, cancelling before the cut-off (the reservation released),
and serving at the counter by meal-card number or the order's QR token (the subsidy
consumed)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.canteens import error_codes as codes
from silvercare.canteens.choices import (
    OTHER_STREET,
    OWN_STREET,
    SITTING_START,
    Meal,
    Mode,
    OrderStatus,
    PlacedBy,
)
from silvercare.canteens.models import Canteen, MealCard, MealOrder, Menu, street_of
from silvercare.canteens.services._base import (
    audit,
    check_texts,
    denied,
    field_error,
    provider_ref,
    require_run,
)
from silvercare.common.errors import DomainError
from silvercare.common.text import fold_fullwidth

_SIGNER_SALT = "silvercare.canteens.pickup"


def pickup_token(order: MealOrder) -> str:
    """The order's pick-up code behind its QR: the order id and its random nonce, signed
    with the site's secret (unguessable, and a forged or altered one is refused)."""
    return signing.Signer(salt=_SIGNER_SALT).sign(f"{order.pk}.{order.nonce}")


def cutoff(canteen: Canteen, day: dt.date, meal: str) -> dt.datetime:
    """Ordering and cancelling close this many minutes before the sitting starts."""
    start = SITTING_START[meal] - canteen.cutoff_min
    midnight = dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())
    return midnight + dt.timedelta(minutes=start)


def meal_item_code(canteen: Canteen, elder: Any) -> str:
    """The item code the meal is quoted with: whether the canteen is in the elder's own
    street. A programme covering only ``meal-own-street`` (a street's own share) pays
    nothing for a meal eaten elsewhere; which programmes do so is their data."""
    return OWN_STREET if street_of(elder.region_id) == canteen.street else OTHER_STREET


def _is_family(actor: Any, elder: Any) -> bool:
    """The portal user is the elder (their own account) or one of their contacts
    (``elders.selectors.account_acts_for``)."""
    from silvercare.elders.selectors import account_acts_for

    if not actor_has_perm(actor, Perm.PORTAL_USE):
        return False
    return account_acts_for(user=actor, elder_id=elder.pk)


def _quote(ctx: AuditContext, order: MealOrder, canteen: Canteen) -> Any:
    """Quote the meal through ``subsidies`` and hold the subsidy (one meal)."""
    from silvercare.subsidies import services as subsidies

    quote = subsidies.quote(
        actor=ctx.actor,
        elder=order.elder,
        item=subsidies.Item(
            kind="meal",
            code=meal_item_code(canteen, order.elder),
            label=f"{canteen.name[:60]} {order.get_meal_display()}",
            ref=f"meal-order:{order.pk}",
        ),
        price_fen=order.price_fen,
        on=order.day,
        ctx=ctx,
    )
    lines = list(quote.lines.all())
    order.quote = quote
    order.subsidy_fen = sum(line.amount_fen for line in lines if line.kind == "pays")
    order.copay_fen = sum(line.amount_fen for line in lines if line.kind == "elder")
    reservations = subsidies.reserve(
        ctx=ctx,
        quote=quote,
        units=1,
        item_ref=f"meal-order:{order.pk}",
        provider_ref=provider_ref(canteen),
    )
    order.reservation_ids = [str(r.pk) for r in reservations]
    return quote


def meal_order_place(
    *,
    ctx: AuditContext,
    elder: Any,
    canteen: Canteen,
    day: dt.date,
    meal: str,
    mode: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> MealOrder:
    """Order one meal for an elder at a canteen's sitting (``day`` and ``meal``), to dine
    in, pick up or have delivered. Placed by staff holding ``care.order`` over the elder's
    area (community workers, the call centre, provider admins), or by a family member
    whose account is the elder's contact (the portal; it checks consent first).

    ``elder`` comes from ``elders.selectors.elder_get_for`` (or the portal's own family
    look-up) and ``canteen`` from ``canteens.selectors.canteen_get_for`` /
    ``canteens_near``. Refused with a clear reason when the canteen is closed that day,
    there is no menu, the cut-off has passed, the sitting is full (never overbooked, even
    under concurrent orders) or the elder already has a meal at that sitting.

    Staff orders are quoted through ``subsidies`` at once (subsidy and co-pay with their
    reasons on ``order.quote``) and the subsidy is reserved; a family's order is quoted
    and reserved by the canteen when it is served. ``now`` is the moment of ordering
    (default: now; the demo replays past days)."""
    moment = now or timezone.now()
    family = False
    if not actor_has_perm(ctx.actor, Perm.CARE_ORDER, elder.region_id):
        if not _is_family(ctx.actor, elder):
            raise denied()
        family = True
    check_texts({"note": note})
    if len(note) > 200:
        raise field_error("note", codes.INVALID, _("The text is too long."))
    if mode not in Mode.values:
        raise field_error("mode", codes.INVALID, _("Choose dine in, pick up or delivery."))
    if meal not in Meal.values:
        raise field_error("meal", codes.INVALID, _("Choose lunch or dinner."))
    canteen = Canteen.objects.get(pk=canteen.pk)  # as it is now (closed since?)
    if not canteen.active or meal not in canteen.meals or day.weekday() not in canteen.open_days:
        raise field_error("day", codes.CLOSED, _("The canteen does not serve this meal that day."))
    if moment >= cutoff(canteen, day, meal):
        raise field_error(
            "day",
            codes.CUTOFF_PASSED,
            _("Orders for this meal closed at %(time)s.")
            % {"time": timezone.localtime(cutoff(canteen, day, meal)).strftime("%Y-%m-%d %H:%M")},
        )
    menu = Menu.objects.filter(canteen=canteen, day=day, meal=meal).first()
    if menu is None:
        raise field_error("day", codes.NO_MENU, _("There is no menu for this meal yet."))
    may_quote = not family and actor_has_perm(ctx.actor, Perm.SUBSIDIES_QUOTE, elder.region_id)
    try:
        with transaction.atomic():
            # Take a seat first: one guarded UPDATE, so concurrent orders cannot overbook.
            taken = Menu.objects.filter(pk=menu.pk, booked__lt=F("capacity")).update(
                booked=F("booked") + 1, updated_at=timezone.now()
            )
            if not taken:
                raise DomainError(
                    code=codes.FULL,
                    status=409,
                    message=_("This sitting is full (%(n)d meals).") % {"n": menu.capacity},
                )
            order = MealOrder(
                elder=elder,
                region_id=elder.region_id,
                canteen=canteen,
                menu=menu,
                day=day,
                meal=meal,
                mode=mode,
                price_fen=menu.price_fen,
                copay_fen=menu.price_fen,
                nonce=secrets.token_hex(16),
                note=note.strip(),
                placed_by=PlacedBy.FAMILY if family else PlacedBy.STAFF,
                created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            )
            with transaction.atomic():
                order.save()
            if may_quote:
                _quote(ctx, order, canteen)
                order.save()
            audit(
                ctx,
                entity="order",
                entity_id=order.pk,
                region_code=order.region_id,
                message=(
                    gettext_noop("%(meal)s of %(day)s ordered by family, %(mode)s at %(canteen)s")
                    if family
                    else gettext_noop("%(meal)s of %(day)s ordered, %(mode)s at %(canteen)s")
                ),
                params={
                    "meal": meal,
                    "day": f"{day:%Y-%m-%d}",
                    "mode": mode,
                    "canteen": canteen.name,
                },
            )
    except IntegrityError:
        raise DomainError(
            code=codes.ALREADY_ORDERED,
            status=409,
            message=_("The elder already has a meal at this sitting."),
        ) from None
    return order


def _lock(order: MealOrder) -> MealOrder:
    return (
        MealOrder.objects.select_for_update()
        .select_related("elder", "canteen", "menu")
        .get(pk=order.pk)
    )


def _release(ctx: AuditContext, order: MealOrder) -> None:
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.selectors import reservation_get_for

    for reservation_id in order.reservation_ids:
        reservation = reservation_get_for(actor=ctx.actor, reservation_id=reservation_id)
        if reservation.status == "reserved":
            subsidies.release(ctx=ctx, reservation=reservation)


def meal_order_cancel(*, ctx: AuditContext, order: MealOrder, reason: str = "") -> MealOrder:
    """Cancel a placed meal before the cut-off: the seat is freed and the subsidy held for
    it released. Staff (``care.order`` over the elder's area, or the canteen's staff) or
    the family member who may order for the elder."""
    if not (
        actor_has_perm(ctx.actor, Perm.CARE_ORDER, order.region_id)
        or actor_has_perm(ctx.actor, Perm.CARE_PROVIDE, order.canteen.region_id)
        or _is_family(ctx.actor, order.elder)
    ):
        raise denied()
    check_texts({"reason": reason})
    with transaction.atomic():
        locked = _lock(order)
        if locked.status != OrderStatus.PLACED:
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("This meal is %(status)s and cannot be cancelled.")
                % {"status": locked.get_status_display()},
            )
        closes = cutoff(locked.canteen, locked.day, locked.meal)
        if timezone.now() >= closes:
            raise DomainError(
                code=codes.CUTOFF_PASSED,
                status=409,
                message=_("Cancelling closed at %(time)s.")
                % {"time": timezone.localtime(closes).strftime("%Y-%m-%d %H:%M")},
            )
        if locked.reservation_ids:
            if not actor_has_perm(ctx.actor, Perm.SUBSIDIES_QUOTE, locked.region_id):
                raise DomainError(
                    code=codes.SUBSIDY_HELD,
                    status=403,
                    message=_(
                        "A subsidy is held for this meal: the community worker or the "
                        "canteen cancels it."
                    ),
                )
            _release(ctx, locked)
        locked.status = OrderStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason.strip()[:200]
        locked.save()
        Menu.objects.filter(pk=locked.menu_id, booked__gt=0).update(
            booked=F("booked") - 1, updated_at=timezone.now()
        )
        audit(
            ctx,
            entity="order",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            message=gettext_noop("Meal cancelled: %(reason)s"),
            params={"reason": reason[:80]},
        )
    return locked


def _unknown_code() -> DomainError:
    return DomainError(
        code=codes.CODE_UNKNOWN,
        status=404,
        message=_("No meal order matches this code. Check the card number or scan again."),
    )


def _from_token(code: str) -> MealOrder:
    try:
        value = signing.Signer(salt=_SIGNER_SALT).unsign(code)
    except signing.BadSignature:
        raise _unknown_code() from None
    order_id, _sep, nonce = value.partition(".")
    order = (
        MealOrder.objects.select_related("elder", "canteen")
        .filter(pk=order_id, nonce=nonce)
        .first()
    )
    if order is None:
        raise _unknown_code()
    return order


def _from_card(code: str, canteen: Canteen, day: dt.date, meal: str | None) -> MealOrder:
    card = MealCard.objects.filter(number=code).select_related("elder").first()
    if card is None:
        raise _unknown_code()
    orders = list(
        MealOrder.objects.select_related("elder", "canteen")
        .filter(elder=card.elder, day=day)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("status", "meal")
    )
    here = [o for o in orders if o.canteen_id == canteen.pk and (meal is None or o.meal == meal)]
    placed = [o for o in here if o.status == OrderStatus.PLACED]
    if placed:
        return placed[0]
    if here:
        return here[0]  # served already: refused below with the time
    if orders:
        raise DomainError(
            code=codes.WRONG_CANTEEN,
            status=409,
            message=_("This elder's meal today is at %(canteen)s.")
            % {"canteen": orders[0].canteen.name},
        )
    raise DomainError(
        code=codes.CODE_UNKNOWN,
        status=404,
        message=_("This card has no meal ordered here today."),
    )


def meal_serve(
    *,
    ctx: AuditContext,
    canteen: Canteen,
    code: str,
    day: dt.date | None = None,
    meal: str | None = None,
    now: dt.datetime | None = None,
) -> MealOrder:
    """Serve a meal at the counter (the canteen's staff): ``code`` is the elder's meal-card
    number or the order's QR token. The order becomes served once; a wrong code, another
    canteen's or another day's order, or one served already is refused with its reason.
    The subsidy held for the meal is recorded as delivered (a family's unquoted order is
    quoted and reserved first). ``now`` is the moment of serving (default: now; the demo
    replays past days) and ``day`` its date."""
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.selectors import reservation_get_for

    require_run(ctx, canteen)
    moment = now or timezone.now()
    today = day or timezone.localtime(moment).date()
    text = fold_fullwidth((code or "").strip())
    if not text or len(text) > 200:
        raise field_error("code", codes.REQUIRED, _("Enter the card number or scan the QR code."))
    if text.isascii() and text.isdigit():
        found = _from_card(text, canteen, today, meal)
    else:
        found = _from_token(text)
    if found.canteen_id != canteen.pk:
        raise DomainError(
            code=codes.WRONG_CANTEEN,
            status=409,
            message=_("This order is for %(canteen)s.") % {"canteen": found.canteen.name},
        )
    with transaction.atomic():
        order = _lock(found)
        if order.status == OrderStatus.SERVED:
            assert order.served_at is not None
            raise DomainError(
                code=codes.ALREADY_SERVED,
                status=409,
                message=_("This meal was served already, at %(time)s.")
                % {"time": timezone.localtime(order.served_at).strftime("%H:%M")},
            )
        if order.status != OrderStatus.PLACED:
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("This order was cancelled."),
            )
        if order.day != today:
            raise DomainError(
                code=codes.WRONG_DAY,
                status=409,
                message=_("This order is for %(day)s.") % {"day": f"{order.day:%Y-%m-%d}"},
            )
        if order.quote_id is None and actor_has_perm(
            ctx.actor, Perm.SUBSIDIES_QUOTE, order.region_id
        ):
            _quote(ctx, order, canteen)
        for reservation_id in order.reservation_ids:
            reservation = reservation_get_for(actor=ctx.actor, reservation_id=reservation_id)
            left = reservation.amount_fen - reservation.committed_fen - reservation.released_fen
            if reservation.status == "reserved" and left > 0:
                subsidies.delivery_record(
                    ctx=ctx,
                    reservation=reservation,
                    amount_fen=left,
                    delivered_on=order.day,
                    provider_ref=provider_ref(canteen),
                    item_ref=f"meal-order:{order.pk}",
                )
        order.status = OrderStatus.SERVED
        order.served_at = moment
        order.served_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        order.save()
        audit(
            ctx,
            entity="order",
            entity_id=order.pk,
            region_code=order.region_id,
            action=AuditAction.UPDATE,
            message=gettext_noop("Meal served at %(canteen)s"),
            params={"canteen": canteen.name},
        )
    return order
