"""What every supervision service shares: permission checks, the audit row, text checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError
from silvercare.common.text import check_text
from silvercare.supervision import error_codes as codes


def require(ctx: AuditContext, perm: str, region_code: str) -> None:
    """403 unless the actor holds ``perm`` over the area."""
    if not actor_has_perm(ctx.actor, perm, region_code):
        raise DomainError(
            code=codes.PERMISSION_DENIED,
            status=403,
            message=_("You may not do this for this area."),
        )


def audit(
    ctx: AuditContext,
    *,
    entity_id: Any,
    region_code: str,
    message: str,
    params: dict[str, Any] | None = None,
    action: str = AuditAction.UPDATE,
    changes: dict[str, Any] | None = None,
) -> None:
    """One audit row; ``message`` is marked with ``gettext_noop`` (the audit page translates
    it with the vocabulary registered in ``supervision.apps``)."""
    audit_record(
        ctx=ctx,
        action=action,
        entity_type="supervision",
        entity_id=str(entity_id),
        region_code=region_code,
        message=message,
        params=params,
        changes=changes,
    )


def text_errors(
    values: dict[str, str], *, multiline: tuple[str, ...] = (), required: tuple[str, ...] = ()
) -> list[FieldError]:
    errors = []
    for name, value in values.items():
        error = check_text(value or "", name, multiline=name in multiline)
        if error is not None:
            errors.append(error)
        elif name in required and not (value or "").strip():
            errors.append(FieldError(name, "required", _("This field is required.")))
    return errors
