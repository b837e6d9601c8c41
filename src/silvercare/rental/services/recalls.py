"""Recalls to the doorstep: the affected units of a model (optionally a serial range or a
lot) in an area, a pickup or swap order for each unit at a home and a withdrawal for each
in stock, notices to the holders' contacts, and each order tracked to closure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.regions.models import Region
from silvercare.rental import error_codes as codes
from silvercare.rental.choices import (
    OPEN_ORDER_STATUSES,
    LeaseStatus,
    Location,
    OrderKind,
    OrderStatus,
    RecallStatus,
    UnitState,
)
from silvercare.rental.models import Lease, Notice, Recall, RecallOrder, Unit
from silvercare.rental.services import notify
from silvercare.rental.services._base import audit, require, text_errors


def affected_units(recall: Recall) -> Any:
    """Units of the recalled model in the recall's area (and serial range or lot) that are
    still in someone's custody: everything but lost units and units retired from stock
    (a bought-out unit is retired but still at its holder's home, so it is affected)."""
    from silvercare.regions.choices import code_prefix

    region = recall.region
    qs = (
        Unit.objects.filter(
            product_id=recall.product_id,
            region__code__startswith=code_prefix(region.code, region.level),
        )
        .exclude(state=UnitState.LOST)
        .exclude(Q(state=UnitState.RETIRED) & Q(holder__isnull=True))
    )
    if recall.serial_from:
        qs = qs.filter(serial__gte=recall.serial_from, serial__lte=recall.serial_to)
    if recall.lot:
        qs = qs.filter(lot=recall.lot)
    return qs


def recall_create(
    *,
    ctx: AuditContext,
    product: Any,
    region_code: str,
    reference: str,
    reason: str,
    serial_from: str = "",
    serial_to: str = "",
    lot: str = "",
    swap: bool = False,
    issued_on: dt.date | None = None,
) -> Recall:
    """Open a recall and its orders, in one transaction: every affected unit gets an
    order (pickup or swap at a home, withdrawal in stock) and is held (it cannot go out
    again). Serial ranges compare serial numbers as text (same length and format)."""
    require(ctx, Perm.RENTAL_RECALL, region_code)
    reference, serial_from, serial_to, lot = (
        (reference or "").strip(),
        (serial_from or "").strip(),
        (serial_to or "").strip(),
        (lot or "").strip(),
    )
    errors = text_errors(
        {
            "reference": reference,
            "reason": reason,
            "serial_from": serial_from,
            "serial_to": serial_to,
            "lot": lot,
        },
        multiline=("reason",),
    )
    if not reference:
        errors.append(FieldError("reference", "required", _("Enter the recall reference.")))
    if not (reason or "").strip():
        errors.append(FieldError("reason", "required", _("Give the reason of the recall.")))
    if bool(serial_from) != bool(serial_to) or (serial_from and serial_from > serial_to):
        errors.append(
            FieldError(
                "serial_to",
                codes.SERIAL_RANGE_INVALID,
                _("Give both ends of the serial range, the first not after the last."),
            )
        )
    issued_on = issued_on or timezone.localdate()
    if issued_on > timezone.localdate():
        errors.append(FieldError("issued_on", codes.DATE_INVALID, _("The date is in the future.")))
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        errors.append(FieldError("region_code", codes.REGION_INVALID, _("Choose an area.")))
    if errors or region is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        recall = Recall.objects.create(
            product=product,
            region=region,
            reference=reference[:60],
            reason=reason.strip()[:4000],
            serial_from=serial_from[:64],
            serial_to=serial_to[:64],
            lot=lot[:32],
            swap=swap,
            issued_on=issued_on,
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        units = affected_units(recall).values_list(
            "id", "region_id", "location", "holder_id", "state"
        )
        home_kind = OrderKind.SWAP if swap else OrderKind.PICKUP
        orders = [
            RecallOrder(
                recall=recall,
                unit_id=unit_id,
                region_id=unit_region,
                kind=home_kind if location == Location.HOME else OrderKind.WITHDRAW,
                holder_id=holder_id if location == Location.HOME else None,
                unit_state=state,
            )
            for unit_id, unit_region, location, holder_id, state in units.iterator(chunk_size=5000)
        ]
        RecallOrder.objects.bulk_create(orders, batch_size=2000)
        affected_units(recall).update(recall_hold=True, updated_at=timezone.now())
        audit(
            ctx,
            entity_id=f"recall:{recall.pk}",
            region_code=region_code,
            message=gettext_noop("Recall %(reference)s opened for %(units)s units"),
            params={"reference": reference, "units": len(orders)},
            action=AuditAction.CREATE,
            changes={"product": str(product.pk), "units": len(orders)},
        )
    return recall


def recall_notify(*, ctx: AuditContext, recall: Recall) -> int:
    """Tell the contacts of every holder with an open order (SMS through the alerts
    channels; recorded when no gateway is configured). Returns the notices written."""
    require(ctx, Perm.RENTAL_RECALL, recall.region_id)
    orders = list(
        RecallOrder.objects.filter(
            recall=recall, status=OrderStatus.OPEN, holder__isnull=False
        ).select_related("holder", "unit")
    )
    from silvercare.elders.models import Contact

    contacts: dict[Any, list[Any]] = {}
    for contact in Contact.objects.filter(elder_id__in=[o.holder_id for o in orders]).order_by(
        "priority", "id"
    ):
        contacts.setdefault(contact.elder_id, []).append(contact)
    now = timezone.now()
    notices = []
    for order in orders:
        text = _(
            "Recall %(ref)s: the %(product)s (serial %(serial)s) at %(name)s's home is "
            "recalled. The rental point will contact you to %(action)s it."
        ) % {
            "ref": recall.reference,
            "product": str(recall.product),
            "serial": order.unit.serial,
            "name": order.holder.name if order.holder else "",
            "action": _("swap") if order.kind == OrderKind.SWAP else _("pick up"),
        }
        attempts = notify.send(
            notify.contact_addresses(contacts.get(order.holder_id, [])),
            ref=f"recall:{recall.pk}",
            subject=_("Device recall"),
            text=text,
        )
        notices += [
            Notice(
                order=order,
                channel=a.channel,
                recipient=a.recipient,
                text=text,
                status=a.status,
                detail=a.detail,
                at=now,
            )
            for a in attempts
        ]
    with transaction.atomic():
        Notice.objects.bulk_create(notices, batch_size=2000)
        RecallOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
            status=OrderStatus.NOTIFIED, updated_at=now
        )
        audit(
            ctx,
            entity_id=f"recall:{recall.pk}",
            region_code=recall.region_id,
            message=gettext_noop("%(notices)s notices sent for %(orders)s recall orders"),
            params={"notices": len(notices), "orders": len(orders)},
        )
    return len(notices)


def order_close(
    *, ctx: AuditContext, order: RecallOrder, outcome: str, note: str = ""
) -> RecallOrder:
    """Record what happened to one order: the unit collected (``done``; a leased unit's
    lease ends as an early return), the holder unreachable (stays open), or ``closed``
    (e.g. the unit was already destroyed, with a note). The recall closes with its last
    order."""
    from silvercare.rental.services.leases import lease_return

    require(ctx, Perm.RENTAL_OPERATE, order.region_id)
    errors = text_errors({"note": note})
    if outcome not in (OrderStatus.DONE, OrderStatus.UNREACHABLE, OrderStatus.CLOSED):
        errors.append(FieldError("outcome", "choice_invalid", _("Choose the outcome.")))
    if outcome == OrderStatus.CLOSED and not note.strip():
        errors.append(FieldError("note", "required", _("Say why the order is closed.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = RecallOrder.objects.select_for_update().select_related("recall").get(pk=order.pk)
        if locked.status not in OPEN_ORDER_STATUSES:
            raise DomainError(
                code=codes.ORDER_CLOSED, status=409, message=_("This order is already closed.")
            )
        if outcome == OrderStatus.DONE:
            lease = Lease.objects.filter(unit_id=locked.unit_id, status=LeaseStatus.ACTIVE).first()
            if lease is not None:
                lease_return(ctx=ctx, lease=lease)
        locked.status = outcome
        locked.note = note[:200]
        if outcome != OrderStatus.UNREACHABLE:
            locked.closed_at = timezone.now()
            locked.closed_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        locked.save(update_fields=["status", "note", "closed_at", "closed_by", "updated_at"])
        recall = locked.recall
        if not RecallOrder.objects.filter(recall=recall, status__in=OPEN_ORDER_STATUSES).exists():
            Recall.objects.filter(pk=recall.pk).update(
                status=RecallStatus.CLOSED, closed_at=timezone.now()
            )
        audit(
            ctx,
            entity_id=f"recall-order:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Recall order closed: %(outcome)s"),
            params={"outcome": outcome},
        )
    return locked


def may_close_orders(actor: Any, order: RecallOrder) -> bool:
    return actor_has_perm(actor, Perm.RENTAL_OPERATE, order.region_id)
