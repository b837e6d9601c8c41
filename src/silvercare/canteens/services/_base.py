"""What every canteen service shares: permission checks, audit rows, text checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_manages
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.canteens import error_codes as codes
from silvercare.canteens.models import Canteen
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text


def denied(message: str | None = None) -> DomainError:
    return DomainError(
        code=codes.PERMISSION_DENIED,
        status=403,
        message=message or _("You may not do this for this area."),
    )


def require(ctx: AuditContext, perm: str, region_code: str) -> None:
    if not (actor_has_perm(ctx.actor, perm, region_code) or actor_manages(ctx.actor, region_code)):
        raise denied()


def may_run(actor: Any, canteen: Canteen) -> bool:
    """The actor runs this canteen: ``care.provide`` over its area and, when linked to a
    care provider, the canteen is that provider's (a provider admin runs their own)."""
    if actor_manages(actor, canteen.region_id):
        return True
    if not actor_has_perm(actor, Perm.CARE_PROVIDE, canteen.region_id):
        return False
    from silvercare.homecare.selectors import linked_provider_id

    linked = linked_provider_id(actor)
    return linked is None or linked == canteen.provider_id


def require_run(ctx: AuditContext, canteen: Canteen) -> None:
    if not may_run(ctx.actor, canteen):
        raise denied(_("Only the canteen's own staff may do this."))


def provider_ref(canteen: Canteen) -> str:
    """How subsidy claims name the canteen (``subsidies`` claims are made per provider)."""
    return f"{canteen.name[:80]} [{str(canteen.pk)[:8]}]"


def audit(
    ctx: AuditContext,
    *,
    entity: str,
    entity_id: Any,
    region_code: str,
    message: str,
    params: dict[str, Any] | None = None,
    action: str = AuditAction.CREATE,
) -> None:
    """One audit row: ``message`` is a ``gettext_noop`` text over ``params``, read through
    ``canteens.vocabulary``."""
    audit_record(
        ctx=ctx,
        action=action,
        entity_type=f"canteens.{entity}",
        entity_id=str(entity_id),
        region_code=region_code,
        message=message,
        params=params or {},
    )


def check_texts(values: dict[str, str], *, names: tuple[str, ...] = ()) -> None:
    errors = [
        error
        for name, value in values.items()
        if (error := check_text(value or "", name, formula=name in names)) is not None
    ]
    if errors:
        raise ValidationFailed(errors)


def field_error(field: str, code: str, message: str) -> ValidationFailed:
    return ValidationFailed([FieldError(field, code, message)])
