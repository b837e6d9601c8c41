"""Month-end settlement: every completed, verified visit (not flagged, or flagged and
approved by a supervisor) is recorded as a delivery on its order's subsidy reservations;
the payers' claims are then prepared per provider through ``subsidies.claim_prepare``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.homecare import error_codes as codes
from silvercare.homecare.models import Provider, Visit
from silvercare.homecare.selectors import month_visits
from silvercare.homecare.services._base import audit, require, require_provider
from silvercare.homecare.services.orders import provider_ref


@dataclass
class DeliveryResult:
    delivered: int = 0
    amount_fen: int = 0
    held: int = 0
    skipped: list[str] = field(default_factory=list)


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def settlement_deliver(*, ctx: AuditContext, provider: Provider, month: dt.date) -> DeliveryResult:
    """Record the month's completed and verified visits as deliveries (each once); flagged
    visits not yet approved are held."""
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.selectors import reservation_get_for

    require_provider(ctx, Perm.CARE_PROVIDE, provider)
    result = DeliveryResult()
    today = timezone.localdate()
    with transaction.atomic():
        for visit in month_visits(provider=provider, month=month).filter(status="completed"):
            if visit.delivered_on is not None:
                continue
            if visit.held:
                result.held += 1
                continue
            if visit.date > today:
                continue
            for reservation_id in visit.order.reservation_ids:
                reservation = reservation_get_for(actor=ctx.actor, reservation_id=reservation_id)
                left = reservation.amount_fen - reservation.committed_fen - reservation.released_fen
                per_visit = reservation.quote_line.amount_fen if reservation.quote_line else 0
                amount = min(per_visit, left)
                if reservation.status != "reserved" or amount <= 0:
                    result.skipped.append(str(visit.pk))
                    continue
                subsidies.delivery_record(
                    ctx=ctx,
                    reservation=reservation,
                    amount_fen=amount,
                    delivered_on=visit.date,
                    provider_ref=provider_ref(provider),
                    item_ref=f"care-visit:{visit.pk}",
                )
                result.amount_fen += amount
            Visit.objects.filter(pk=visit.pk).update(delivered_on=today, updated_at=timezone.now())
            result.delivered += 1
        audit(
            ctx,
            entity="provider",
            entity_id=provider.pk,
            region_code=provider.region_id,
            action=AuditAction.UPDATE,
            summary=f"settlement {month:%Y-%m}: {result.delivered} delivered "
            f"({result.amount_fen} fen), {result.held} held",
        )
    return result


def settlement_claim(*, ctx: AuditContext, provider: Provider, month: dt.date) -> list[Any]:
    """Prepare the month's claims of every payer with deliveries of this provider
    (civil-affairs officers: ``subsidies.manage``)."""
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.selectors import payer_list

    require(ctx, Perm.CARE_SUPERVISE, provider.region_id)
    claims: list[Any] = []
    ref = provider_ref(provider)
    for payer in payer_list(actor=ctx.actor):
        try:
            claims += subsidies.claim_prepare(
                ctx=ctx, payer=payer, month=month_first(month), provider_ref=ref
            )
        except DomainError as exc:
            if exc.code in ("nothing_to_claim", "permission_denied"):
                continue
            raise
    if not claims:
        raise DomainError(
            code=codes.NOTHING_TO_PLAN,
            status=409,
            message=_(
                "Nothing delivered by this provider up to the end of this month is left to claim."
            ),
        )
    return claims
