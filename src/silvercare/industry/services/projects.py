"""The key project library (重点项目库) and the enterprise white list (白名单)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.industry import error_codes as codes
from silvercare.industry.choices import ProjectStage, Sector, WhiteListAction
from silvercare.industry.models import (
    Enterprise,
    Project,
    ProjectMilestone,
    ProjectUpdate,
    WhiteListEvent,
)
from silvercare.industry.services._base import audit, require, text_errors
from silvercare.regions.models import Region

MAX_INVESTMENT = Decimal("1000000000")


def _label(ctx: AuditContext) -> str:
    actor = ctx.actor
    if actor is None:
        return "system"
    return str(getattr(actor, "display_name", "") or getattr(actor, "username", actor))[:150]


def _reason(reason: str) -> str:
    errors = text_errors({"reason": reason}, multiline=("reason",))
    text = (reason or "").strip()
    if not text:
        errors.append(FieldError("reason", codes.REASON_REQUIRED, _("Give the reason.")))
    if errors:
        raise ValidationFailed(errors)
    return text[:500]


def whitelist_enter(*, ctx: AuditContext, enterprise: Enterprise, reason: str) -> WhiteListEvent:
    """Put an enterprise on the white list, with the reason (kept in its history)."""
    return _whitelist(ctx, enterprise, reason, WhiteListAction.ENTER)


def whitelist_exit(*, ctx: AuditContext, enterprise: Enterprise, reason: str) -> WhiteListEvent:
    """Take an enterprise off the white list, with the reason (kept in its history)."""
    return _whitelist(ctx, enterprise, reason, WhiteListAction.EXIT)


def _whitelist(
    ctx: AuditContext, enterprise: Enterprise, reason: str, action: str
) -> WhiteListEvent:
    require(ctx, Perm.INDUSTRY_MANAGE, enterprise.region_id)
    text = _reason(reason)
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        entering = action == WhiteListAction.ENTER
        if locked.whitelisted == entering:
            raise DomainError(
                code=codes.WHITELIST_STATE,
                status=409,
                message=_("This enterprise is already on the white list.")
                if entering
                else _("This enterprise is not on the white list."),
            )
        locked.whitelisted = entering
        locked.save(update_fields=["whitelisted", "updated_at"])
        event = WhiteListEvent.objects.create(
            enterprise=locked,
            action=action,
            reason=text,
            actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            actor_label=_label(ctx),
        )
        audit(
            ctx,
            entity="enterprise",
            entity_id=locked.pk,
            region_code=locked.region_id,
            message=gettext_noop("%(name)s: %(action)s (%(reason)s)"),
            params={"name": locked.name, "action": action, "reason": text},
        )
    enterprise.whitelisted = locked.whitelisted
    return event


def _project_values(
    *,
    name: str,
    region_code: str,
    sector: str,
    investment_wan: Any,
    stage: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    description: str,
    errors: list[FieldError],
) -> dict[str, Any]:
    errors += text_errors(
        {"name": name, "description": description},
        multiline=("description",),
    )
    if not (name or "").strip():
        errors.append(FieldError("name", codes.REQUIRED, _("Enter the name.")))
    region = Region.objects.filter(code=(region_code or "").strip()).first()
    if region is None:
        errors.append(FieldError("region", codes.REGION_INVALID, _("Choose an area.")))
    if sector not in Sector.values:
        errors.append(FieldError("sector", codes.CHOICE_INVALID, _("Choose one of the options.")))
    if stage not in ProjectStage.values:
        errors.append(FieldError("stage", codes.CHOICE_INVALID, _("Choose one of the options.")))
    try:
        investment = Decimal(str(investment_wan).strip())
        if not investment.is_finite() or not 0 <= investment <= MAX_INVESTMENT:
            raise InvalidOperation
        investment = investment.quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        investment = Decimal(0)
        errors.append(
            FieldError(
                "investment_wan",
                codes.NUMBER_INVALID,
                _("Enter the investment in 10 000 yuan (a number of at least 0)."),
            )
        )
    if starts_on and ends_on and ends_on < starts_on:
        errors.append(
            FieldError("ends_on", codes.DATE_INVALID, _("Completion cannot come before the start."))
        )
    return {
        "name": (name or "").strip()[:200],
        "region": region,
        "sector": sector,
        "investment_wan": investment,
        "stage": stage,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "description": (description or "").strip()[:5000],
    }


def project_create(
    *,
    ctx: AuditContext,
    name: str,
    region_code: str,
    sector: str,
    investment_wan: Any,
    stage: str = ProjectStage.PLANNED,
    enterprise: Enterprise | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    description: str = "",
    milestones: list[tuple[str, dt.date]] | None = None,
) -> Project:
    """Enter a project in the key project library, with its planned milestones."""
    errors: list[FieldError] = []
    values = _project_values(
        name=name,
        region_code=region_code,
        sector=sector,
        investment_wan=investment_wan,
        stage=stage,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description,
        errors=errors,
    )
    for index, (label, _due) in enumerate(milestones or []):
        errors += text_errors({f"milestones.{index}": label})
    if errors:
        raise ValidationFailed(errors)
    require(ctx, Perm.INDUSTRY_MANAGE, values["region"].code)
    with transaction.atomic():
        project = Project.objects.create(enterprise=enterprise, **values)
        ProjectMilestone.objects.bulk_create(
            [
                ProjectMilestone(project=project, name=label.strip()[:200], due_on=due)
                for label, due in milestones or []
                if label.strip()
            ]
        )
        audit(
            ctx,
            entity="project",
            entity_id=project.pk,
            region_code=project.region_id,
            action=AuditAction.CREATE,
            message=gettext_noop("Key project %(name)s entered in the library"),
            params={"name": project.name},
        )
    return project


def project_progress(
    *,
    ctx: AuditContext,
    project: Project,
    stage: str,
    progress: int,
    note: str = "",
    milestones_done: dict[int, dt.date] | None = None,
) -> ProjectUpdate:
    """Record progress: the stage, the percentage done (never going back) and a note;
    optionally mark milestones done."""
    require(ctx, Perm.INDUSTRY_MANAGE, project.region_id)
    errors = text_errors({"note": note}, multiline=("note",))
    if stage not in ProjectStage.values:
        errors.append(FieldError("stage", codes.CHOICE_INVALID, _("Choose one of the options.")))
    if not 0 <= progress <= 100:
        errors.append(
            FieldError("progress", codes.PROGRESS_INVALID, _("Enter a percentage from 0 to 100."))
        )
    elif progress < project.progress:
        errors.append(
            FieldError(
                "progress",
                codes.PROGRESS_INVALID,
                _("Progress cannot go back from %(progress)s %%.") % {"progress": project.progress},
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        locked.stage = stage
        locked.progress = progress
        locked.save(update_fields=["stage", "progress", "updated_at"])
        for milestone_id, done_on in (milestones_done or {}).items():
            ProjectMilestone.objects.filter(project=locked, pk=milestone_id).update(done_on=done_on)
        update = ProjectUpdate.objects.create(
            project=locked,
            stage=stage,
            progress=progress,
            note=(note or "").strip()[:5000],
            actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            actor_label=_label(ctx),
        )
        audit(
            ctx,
            entity="project",
            entity_id=locked.pk,
            region_code=locked.region_id,
            message=gettext_noop("Key project %(name)s: %(stage)s, %(progress)s per cent"),
            params={"name": locked.name, "stage": stage, "progress": progress},
        )
    project.stage, project.progress = stage, progress
    return update
