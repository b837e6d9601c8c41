"""Fraud warnings (防诈骗预警): publish for a district or street, withdraw."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.regions.models import Region
from silvercare.supervision import error_codes as codes
from silvercare.supervision.choices import WarningStatus
from silvercare.supervision.models import FraudWarning
from silvercare.supervision.services._base import audit, require, text_errors

# A warning is for a district (3) or a street (4), or a whole city (2).
WARNING_LEVELS = (2, 3, 4)


def warning_publish(
    *,
    ctx: AuditContext,
    title: str,
    pattern: str,
    advice: str,
    region_code: str,
    valid_from: dt.date,
    valid_to: dt.date,
) -> FraudWarning:
    region = Region.objects.filter(code=region_code, level__in=WARNING_LEVELS).first()
    if region is None:
        raise ValidationFailed(
            [
                FieldError(
                    "region_code", codes.REGION_INVALID, _("Choose a city, district or street.")
                )
            ]
        )
    require(ctx, Perm.SUPERVISION_WARN, region.code)
    errors = text_errors(
        {"title": title, "pattern": pattern, "advice": advice},
        multiline=("pattern", "advice"),
        required=("title", "pattern", "advice"),
    )
    if valid_to < valid_from:
        errors.append(
            FieldError("valid_to", codes.DATES_INVALID, _("The end comes before the start."))
        )
    if (valid_to - valid_from).days > 366:
        errors.append(
            FieldError("valid_to", codes.DATES_INVALID, _("A warning runs for a year at most."))
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        warning = FraudWarning.objects.create(
            title=title.strip()[:120],
            pattern=pattern.strip()[:2000],
            advice=advice.strip()[:2000],
            region=region,
            valid_from=valid_from,
            valid_to=valid_to,
            published_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity_id=f"warning:{warning.pk}",
            region_code=region.code,
            message=gettext_noop("Fraud warning published: %(title)s"),
            params={"title": warning.title},
            action=AuditAction.CREATE,
        )
    return warning


def warning_withdraw(*, ctx: AuditContext, warning: FraudWarning, reason: str) -> FraudWarning:
    require(ctx, Perm.SUPERVISION_WARN, warning.region_id)
    errors = text_errors({"reason": reason}, required=("reason",))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = FraudWarning.objects.select_for_update().get(pk=warning.pk)
        if locked.status == WarningStatus.WITHDRAWN:
            raise DomainError(
                code=codes.WARNING_WITHDRAWN,
                status=409,
                message=_("This warning has already been withdrawn."),
            )
        locked.status = WarningStatus.WITHDRAWN
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_reason = reason.strip()[:200]
        locked.save(update_fields=["status", "withdrawn_at", "withdrawn_reason", "updated_at"])
        audit(
            ctx,
            entity_id=f"warning:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Fraud warning withdrawn: %(title)s"),
            params={"title": locked.title},
            changes={"reason": locked.withdrawn_reason},
        )
    return locked
