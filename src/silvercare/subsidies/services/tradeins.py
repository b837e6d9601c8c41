"""Trade-in (以旧换新): an old device an elder hands in, recorded with its identity (type,
brand, serial), gives a credit toward one new purchase. A device is handed in once; the
credit is used by the quote whose reservation takes it (``services.reserve``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text, fold_fullwidth
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.amounts import MAX_FEN
from silvercare.subsidies.models import TradeIn
from silvercare.subsidies.services.programmes import ITEM_CODE_RE, require

if TYPE_CHECKING:
    from silvercare.elders.models import Elder

SERIAL_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_-]{0,99}$")


def identity_key(device_type: str, brand: str, serial: str) -> str:
    """What makes two records the same device: case, spaces and dashes do not count."""
    brand_key = re.sub(r"\s+", "", fold_fullwidth(brand)).casefold()
    serial_key = re.sub(r"[\s\-_./]", "", fold_fullwidth(serial)).upper()
    return f"{device_type.strip().lower()}|{brand_key}|{serial_key}"


def tradein_record(
    *,
    ctx: AuditContext,
    elder: Elder,
    device_type: str,
    brand: str,
    serial: str,
    credit_fen: int,
    received_on: dt.date,
    note: str = "",
) -> TradeIn:
    """Record an old device handed in and the credit it gives (refused when the same
    device was handed in before)."""
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, elder.region_id)
    device_type = device_type.strip()
    brand = brand.strip()
    serial = fold_fullwidth(serial.strip())
    errors: list[FieldError] = []
    if not ITEM_CODE_RE.match(device_type):
        errors.append(
            FieldError("device_type", codes.ITEM_INVALID, _("Give the device type's code."))
        )
    if not brand or len(brand) > 100:
        errors.append(
            FieldError("brand", codes.NAME_REQUIRED, _("Give the brand (100 characters)."))
        )
    elif problem := check_text(brand, "brand", formula=True):
        errors.append(problem)
    if not SERIAL_RE.match(serial):
        errors.append(
            FieldError(
                "serial",
                codes.TRADE_IN_INVALID,
                _("The serial number is letters, digits, spaces, . / _ or - (100 at most)."),
            )
        )
    if isinstance(credit_fen, bool) or not isinstance(credit_fen, int):
        credit_fen = 0
    if not 0 < credit_fen <= MAX_FEN:
        errors.append(
            FieldError(
                "credit_fen", codes.AMOUNT_INVALID, _("Give a whole number of fen greater than 0.")
            )
        )
    if not dt.date(2000, 1, 1) <= received_on <= timezone.localdate():
        errors.append(
            FieldError(
                "received_on",
                codes.DELIVERY_DATE_INVALID,
                _("The day the device was handed in is between 2000 and today."),
            )
        )
    if len(note) > 200:
        errors.append(FieldError("note", codes.ITEM_INVALID, _("The text is too long.")))
    elif problem := check_text(note, "note"):
        errors.append(problem)
    if errors:
        raise ValidationFailed(errors)
    key = identity_key(device_type, brand, serial)
    with transaction.atomic():
        try:
            with transaction.atomic():
                trade_in = TradeIn.objects.create(
                    elder=elder,
                    region_id=elder.region_id,
                    device_type=device_type,
                    brand=brand,
                    serial=serial,
                    identity_key=key,
                    credit_fen=credit_fen,
                    received_on=received_on,
                    note=note,
                    created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                )
        except IntegrityError:
            raise DomainError(
                code=codes.TRADE_IN_DUPLICATE,
                status=409,
                message=_("This device (type, brand and serial number) was already handed in."),
            ) from None
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.trade_in",
            entity_id=str(trade_in.pk),
            region_code=elder.region_id,
            summary=f"{device_type} {brand} {serial}: credit {credit_fen} fen",
        )
    return trade_in
