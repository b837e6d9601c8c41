"""Family care beds (家庭养老床位: contracted visits per month against those delivered) and
patrol visits (巡探访: how often by category, the due list, the outcome — needing help
opens an order)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_manages
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.homecare import error_codes as codes
from silvercare.homecare.choices import PatrolCategory, PatrolOutcome
from silvercare.homecare.models import CareBed, CareOrder, PatrolRule, PatrolVisit, Provider
from silvercare.homecare.services._base import audit, check_texts, denied, field_error, require


def care_bed_create(
    *,
    ctx: AuditContext,
    elder: Any,
    provider: Provider,
    contract_number: str,
    starts_on: dt.date,
    visits_per_month: int,
    ends_on: dt.date | None = None,
    devices: str = "",
) -> CareBed:
    """Set up a family care bed for an elder with a provider (community workers or the
    provider's admin)."""
    if not (
        actor_has_perm(ctx.actor, Perm.CARE_ORDER, elder.region_id)
        or actor_has_perm(ctx.actor, Perm.CARE_PROVIDE, elder.region_id)
    ):
        raise denied()
    check_texts({"contract_number": contract_number, "devices": devices})
    if not contract_number.strip():
        raise field_error("contract_number", codes.TEXT_INVALID, _("Give the contract number."))
    if isinstance(visits_per_month, bool) or not 1 <= visits_per_month <= 100:
        raise field_error(
            "visits_per_month", codes.TEXT_INVALID, _("Give the visits per month (1 to 100).")
        )
    if ends_on is not None and ends_on < starts_on:
        raise field_error("ends_on", codes.DATE_INVALID, _("The contract ends before it starts."))
    if not provider.serves(elder.region_id):
        raise field_error(
            "provider_id",
            codes.PROVIDER_NOT_SERVING,
            _("This provider does not serve the elder's area."),
        )
    with transaction.atomic():
        bed = CareBed.objects.create(
            elder=elder,
            region_id=elder.region_id,
            provider=provider,
            contract_number=contract_number.strip(),
            starts_on=starts_on,
            ends_on=ends_on,
            visits_per_month=visits_per_month,
            devices=devices,
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity="care_bed",
            entity_id=bed.pk,
            region_code=bed.region_id,
            summary=f"care bed {bed.contract_number}: {visits_per_month}/month",
        )
    return bed


def patrol_rule_set(
    *, ctx: AuditContext, region_code: str, category: str, every_days: int
) -> PatrolRule:
    """How often elders of a category in an area are visited (supervisors)."""
    if not (
        actor_manages(ctx.actor, region_code)
        or actor_has_perm(ctx.actor, Perm.CARE_SUPERVISE, region_code)
    ):
        raise denied()
    if category not in PatrolCategory.values:
        raise field_error("category", codes.TEXT_INVALID, _("Choose a category."))
    if isinstance(every_days, bool) or not 1 <= every_days <= 365:
        raise field_error(
            "every_days", codes.TEXT_INVALID, _("Give the days between visits (1 to 365).")
        )
    with transaction.atomic():
        rule, _created = PatrolRule.objects.update_or_create(
            region_id=region_code, category=category, defaults={"every_days": every_days}
        )
        audit(
            ctx,
            entity="patrol_rule",
            entity_id=rule.pk,
            region_code=region_code,
            action=AuditAction.UPDATE,
            summary=f"patrol {category} every {every_days} days",
        )
    return rule


def patrol_record(
    *,
    ctx: AuditContext,
    elder: Any,
    visited_on: dt.date,
    outcome: str,
    notes: str = "",
    service_type: Any = None,
    provider: Provider | None = None,
) -> PatrolVisit:
    """Record a patrol visit; "needs help" with a service and provider opens an order for
    tomorrow (a morning window), linked to the patrol."""
    require(ctx, Perm.CARE_ORDER, elder.region_id)
    if outcome not in PatrolOutcome.values:
        raise field_error("outcome", codes.TEXT_INVALID, _("Choose well or needs help."))
    if visited_on > timezone.localdate():
        raise field_error("visited_on", codes.DATE_INVALID, _("The visit cannot be in the future."))
    check_texts({"notes": notes}, multiline=("notes",))
    needs_order = outcome == PatrolOutcome.NEEDS_HELP
    if needs_order and (service_type is None or provider is None):
        raise field_error(
            "service_type",
            codes.REASON_REQUIRED,
            _("Say which service is needed and from which provider."),
        )
    from silvercare.homecare.services.orders import order_create

    with transaction.atomic():
        order: CareOrder | None = None
        if needs_order:
            order = order_create(
                ctx=ctx,
                elder=elder,
                service_type=service_type,
                provider=provider,  # type: ignore[arg-type]
                first_date=timezone.localdate() + dt.timedelta(days=1),
                window_start=480,
                window_end=max(720, 480 + service_type.duration_min),
                notes=_("From a patrol visit: %(notes)s") % {"notes": notes} if notes else "",
            )
        patrol = PatrolVisit.objects.create(
            elder=elder,
            region_id=elder.region_id,
            visited_on=visited_on,
            outcome=outcome,
            notes=notes,
            order=order,
            visited_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity="patrol",
            entity_id=patrol.pk,
            region_code=elder.region_id,
            summary=f"patrol {outcome}" + (f", order {order.pk}" if order else ""),
        )
    return patrol
