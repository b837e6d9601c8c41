"""The waiting list per device type and its priority.

Priority (documented in docs/rental.md) = ability level × ``level_points`` + (economic
difficulty ? ``econ_points`` : 0) + whole weeks waited × ``week_points``; ties go to who
waited longer. The weights are data per area (``WaitlistPolicy``; the most specific area
above the elder's community wins; without one: 10, 15 and 1). Every allocation stores its
reason (the score and how it was made up) and the facts used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.regions.choices import code_prefix
from silvercare.rental import error_codes as codes
from silvercare.rental.choices import UnitState, WaitStatus
from silvercare.rental.models import RentalPoint, Unit, WaitlistEntry, WaitlistPolicy
from silvercare.rental.services._base import audit, require, text_errors
from silvercare.rental.services.units import move

DEFAULT_WEIGHTS = (10, 15, 1)


@dataclass(frozen=True)
class Ranked:
    entry: WaitlistEntry
    score: int
    level: int | None
    econ_difficult: bool
    weeks: int
    reason: str


def _weights(region_code: str) -> tuple[int, int, int]:
    ancestors = [region_code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]
    policies = {p.region_id: p for p in WaitlistPolicy.objects.filter(region_id__in=ancestors)}
    for code in reversed(ancestors):
        if code in policies:
            p = policies[code]
            return p.level_points, p.econ_points, p.week_points
    return DEFAULT_WEIGHTS


def rank(entry: WaitlistEntry, now: Any = None) -> Ranked:
    from silvercare.assessments.selectors import assessment_current_level

    now = now or timezone.now()
    level_points, econ_points, week_points = _weights(entry.region_id)
    current = assessment_current_level(entry.elder)
    level = current.level if current is not None else None
    econ = bool(entry.elder.is_econ_difficult)
    weeks = max((now - entry.created_at).days // 7, 0)
    score = (level or 0) * level_points + (econ_points if econ else 0) + weeks * week_points
    reason = _(
        "priority %(score)s = level %(level)s × %(lp)s + economic difficulty %(econ)s + "
        "%(weeks)s weeks waited × %(wp)s"
    ) % {
        "score": score,
        "level": level if level is not None else "—",
        "lp": level_points,
        "econ": econ_points if econ else 0,
        "weeks": weeks,
        "wp": week_points,
    }
    return Ranked(entry, score, level, econ, weeks, reason)


def waitlist_add(
    *, ctx: AuditContext, elder: Any, device_type: Any, note: str = ""
) -> WaitlistEntry:
    require(ctx, Perm.RENTAL_OPERATE, elder.region_id)
    errors = text_errors({"note": note})
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.create(
                elder=elder,
                device_type=device_type,
                region_id=elder.region_id,
                note=note[:200],
                created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            )
            audit(
                ctx,
                entity_id=f"wait:{entry.pk}",
                region_code=elder.region_id,
                message=gettext_noop("Waiting for %(device_type)s"),
                params={"device_type": device_type.code},
                action=AuditAction.CREATE,
            )
    except IntegrityError:
        raise DomainError(
            code=codes.ALREADY_WAITING,
            status=409,
            message=_("This elder is already waiting for this device type."),
        ) from None
    return entry


def waitlist_ranked(*, actor: Any, device_type_id: Any, region_prefix: str = "") -> list[Ranked]:
    qs = (
        WaitlistEntry.objects.visible_to(actor, Perm.RENTAL_VIEW)
        .filter(device_type_id=device_type_id, status=WaitStatus.WAITING)
        .select_related("elder", "device_type")
    )
    if region_prefix:
        qs = qs.filter(region__code__startswith=region_prefix)
    ranked = [rank(e) for e in qs]
    return sorted(ranked, key=lambda r: (-r.score, r.entry.created_at))


def waitlist_allocate(*, ctx: AuditContext, point: RentalPoint, device_type: Any) -> WaitlistEntry:
    """Give the next free unit of the type at ``point`` to the first elder of the area's
    waiting list: the unit is reserved for them and the reason is stored."""
    require(ctx, Perm.RENTAL_OPERATE, point.region_id)
    prefix = code_prefix(point.region_id, point.region.level)
    ranked = waitlist_ranked(actor=ctx.actor, device_type_id=device_type.pk, region_prefix=prefix)
    if not ranked:
        raise DomainError(
            code=codes.NOTHING_WAITING,
            status=409,
            message=_("Nobody of this area is waiting for this device type."),
        )
    first = ranked[0]
    with transaction.atomic():
        unit = (
            Unit.objects.select_for_update(skip_locked=True)
            .filter(
                point=point,
                product__device_type=device_type,
                state=UnitState.AVAILABLE,
                needs_cleaning=False,
                recall_hold=False,
                product__rentable=True,
            )
            .order_by("id")
            .first()
        )
        if unit is None:
            raise DomainError(
                code=codes.NO_UNIT_AVAILABLE,
                status=409,
                message=_("No unit of this type is available at this rental point."),
            )
        entry = WaitlistEntry.objects.select_for_update().get(pk=first.entry.pk)
        if entry.status != WaitStatus.WAITING:
            raise DomainError(
                code=codes.NOTHING_WAITING, status=409, message=_("The entry was just allocated.")
            )
        move(ctx, unit, UnitState.RESERVED, "waitlist")
        unit.reserved_for = entry.elder
        unit.save(update_fields=["state", "reserved_for", "updated_at"])
        entry.status = WaitStatus.ALLOCATED
        entry.unit = unit
        entry.allocated_at = timezone.now()
        entry.allocation_reason = first.reason[:300]
        entry.allocation_facts = {
            "score": first.score,
            "level": first.level,
            "econ_difficult": first.econ_difficult,
            "weeks": first.weeks,
            "candidates": len(ranked),
        }
        entry.save(
            update_fields=[
                "status",
                "unit",
                "allocated_at",
                "allocation_reason",
                "allocation_facts",
                "updated_at",
            ]
        )
        audit(
            ctx,
            entity_id=f"wait:{entry.pk}",
            region_code=entry.region_id,
            message=gettext_noop("Unit %(serial)s allocated: %(reason)s"),
            params={"serial": unit.serial, "reason": first.reason},
        )
    return entry


def waitlist_cancel(*, ctx: AuditContext, entry: WaitlistEntry) -> WaitlistEntry:
    require(ctx, Perm.RENTAL_OPERATE, entry.region_id)
    with transaction.atomic():
        locked = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != WaitStatus.WAITING:
            raise ValidationFailed(
                [FieldError("entry", codes.NOTHING_WAITING, _("This entry is no longer waiting."))]
            )
        locked.status = WaitStatus.CANCELLED
        locked.save(update_fields=["status", "updated_at"])
        audit(
            ctx,
            entity_id=f"wait:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Waiting cancelled"),
        )
    return locked
