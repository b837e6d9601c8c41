"""Month-end settlement of a canteen: served meals were recorded as deliveries when they
were served; the payers' claims for the month are prepared per payer through
``subsidies.claim_prepare`` (the canteen is the claim's provider)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.services import AuditContext
from silvercare.canteens import error_codes as codes
from silvercare.canteens.models import Canteen
from silvercare.canteens.services._base import provider_ref, require
from silvercare.common.errors import DomainError


def month_first(day: dt.date) -> dt.date:
    return day.replace(day=1)


def settlement_claim(*, ctx: AuditContext, canteen: Canteen, month: dt.date) -> list[Any]:
    """Prepare the month's claims of every payer with served meals of this canteen
    (``care.supervise`` and, in ``subsidies``, ``subsidies.manage`` over the payer)."""
    from silvercare.subsidies import services as subsidies
    from silvercare.subsidies.selectors import payer_list

    require(ctx, Perm.CARE_SUPERVISE, canteen.region_id)
    claims: list[Any] = []
    ref = provider_ref(canteen)
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
            code=codes.NOTHING_TO_CLAIM,
            status=409,
            message=_(
                "No served meal of this canteen up to the end of this month is left to claim."
            ),
        )
    return claims
