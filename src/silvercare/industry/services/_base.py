"""What every industry service shares: permission checks, the audit row, text checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError
from silvercare.common.text import check_text
from silvercare.industry import error_codes as codes
from silvercare.industry.models import Enterprise, officer_prefixes


def denied() -> DomainError:
    return DomainError(
        code=codes.PERMISSION_DENIED,
        status=403,
        message=_("You may not do this for this area."),
    )


def require(ctx: AuditContext, perm: str, region_code: str) -> None:
    """403 unless the actor holds ``perm`` over the area."""
    if not actor_has_perm(ctx.actor, perm, region_code):
        raise denied()


def require_officer(ctx: AuditContext, perm: str, region_code: str) -> None:
    """403 unless the actor holds ``perm`` over the area through an officer's role."""
    if not any(region_code.startswith(p) for p in officer_prefixes(ctx.actor, perm)):
        raise denied()


def require_member_or_officer(ctx: AuditContext, perm: str, enterprise: Enterprise) -> None:
    """The actor files for this enterprise: a member holding ``perm``, or an officer with
    ``perm`` over its area (the system administrator filing on paper's behalf)."""
    if any(enterprise.region_id.startswith(p) for p in officer_prefixes(ctx.actor, perm)):
        return
    if actor_has_perm(ctx.actor, perm) and enterprise.members.filter(pk=ctx.actor.pk).exists():
        return
    raise denied()


def audit(
    ctx: AuditContext,
    *,
    entity: str,
    entity_id: Any,
    region_code: str,
    message: str,
    params: dict[str, Any] | None = None,
    action: str = AuditAction.UPDATE,
    changes: dict[str, Any] | None = None,
) -> None:
    """One audit row of entity type ``industry.<entity>`` with id ``<entity>:<id>``;
    ``message`` is marked with ``gettext_noop`` (the audit page translates it with the
    vocabulary registered in ``industry.apps``)."""
    audit_record(
        ctx=ctx,
        action=action,
        entity_type=f"industry.{entity}",
        entity_id=f"{entity}:{entity_id}",
        region_code=region_code,
        message=message,
        params=params,
        changes=changes,
    )


def text_errors(
    values: dict[str, str], *, multiline: tuple[str, ...] = (), formula: tuple[str, ...] = ()
) -> list[FieldError]:
    errors = []
    for name, value in values.items():
        error = check_text(value or "", name, multiline=name in multiline, formula=name in formula)
        if error is not None:
            errors.append(error)
    return errors
