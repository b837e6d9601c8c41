"""What every home-care service shares: permission checks, the provider link, audit rows,
text checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from silvercare.accounts.scoping import actor_has_perm, actor_manages
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text
from silvercare.homecare import error_codes as codes
from silvercare.homecare.models import Provider
from silvercare.homecare.selectors import linked_provider_id


def denied(message: str | None = None) -> DomainError:
    return DomainError(
        code=codes.PERMISSION_DENIED,
        status=403,
        message=message or _("You may not do this for this area."),
    )


def require(ctx: AuditContext, perm: str, region_code: str) -> None:
    if not actor_has_perm(ctx.actor, perm, region_code):
        raise denied()


def require_provider(ctx: AuditContext, perm: str, provider: Provider) -> None:
    """The actor holds ``perm`` over the provider's area and, if linked to a provider, it is
    this one (a provider admin works for their own provider only)."""
    if actor_manages(ctx.actor, provider.region_id):
        return
    require(ctx, perm, provider.region_id)
    linked = linked_provider_id(ctx.actor)
    if linked is not None and linked != provider.pk:
        raise denied(_("You work for another provider."))


def audit(
    ctx: AuditContext,
    *,
    entity: str,
    entity_id: Any,
    region_code: str,
    summary: str,
    action: str = AuditAction.CREATE,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type=f"homecare.{entity}",
        entity_id=str(entity_id),
        region_code=region_code,
        summary=summary,
        changes=changes,
    )


def check_texts(values: dict[str, str], *, multiline: tuple[str, ...] = ()) -> None:
    errors: list[FieldError] = []
    for name, value in values.items():
        error = check_text(value or "", name, multiline=name in multiline)
        if error is not None:
            errors.append(error)
    if errors:
        raise ValidationFailed(errors)


def field_error(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, code, message)])


def minute_label(minute: float | int | None) -> str:
    if minute is None:
        return ""
    whole = round(minute)
    return f"{whole // 60:02d}:{whole % 60:02d}"
