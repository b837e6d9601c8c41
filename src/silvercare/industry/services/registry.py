"""Enterprises (with their tiers and members) and facilities of the one registry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common import events
from silvercare.common.errors import FieldError, ValidationFailed
from silvercare.common.text import fold_fullwidth
from silvercare.industry import error_codes as codes
from silvercare.industry.choices import FacilityKind, Ownership, Sector, SizeClass, Tier
from silvercare.industry.models import Enterprise, EnterpriseTier, Facility, IndustryCategory
from silvercare.industry.services._base import (
    audit,
    denied,
    require,
    text_errors,
)
from silvercare.regions.models import Region

MAX_BEDS = 100_000


def credit_code_check(value: str, field: str = "credit_code") -> tuple[str, FieldError | None]:
    """The compact code and, when it is not a valid unified social credit code, the error."""
    code = uscc.compact(fold_fullwidth(value or "")).upper()
    if not code:
        return code, FieldError(field, codes.REQUIRED, _("Enter the unified social credit code."))
    try:
        uscc.validate(code)
    except InvalidChecksum:
        return code, FieldError(
            field,
            codes.CREDIT_CODE_INVALID,
            _("The check character of this unified social credit code is wrong: check the code."),
        )
    except ValidationError:
        return code, FieldError(
            field,
            codes.CREDIT_CODE_INVALID,
            _("A unified social credit code has 18 digits and capital letters."),
        )
    return code, None


def seed_data_restore() -> bool:
    """Put the shipped classification and report forms (migration 0003's rows) back when the
    classification is empty, as it is in a test database after a transactional or live-server
    test's flush; existing rows are never touched. Returns whether anything was written."""
    import importlib

    from django.apps import apps

    if IndustryCategory.objects.exists():
        return False
    importlib.import_module("silvercare.industry.migrations.0003_seed_data").load(apps, None)
    return True


def _region(code: str, errors: list[FieldError], field: str = "region") -> Region | None:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        errors.append(FieldError(field, codes.REGION_INVALID, _("Choose an area.")))
    return region


def _choice(value: str, choices: Any, field: str, errors: list[FieldError]) -> str:
    if value not in choices.values:
        errors.append(FieldError(field, codes.CHOICE_INVALID, _("Choose one of the options.")))
    return value


def _category(code: str, errors: list[FieldError]) -> IndustryCategory | None:
    if not code:
        return None
    found = IndustryCategory.objects.filter(code=code.strip()).first()
    if found is None:
        errors.append(
            FieldError("category", codes.CATEGORY_INVALID, _("Choose a category of the list."))
        )
    return found


def _sectors(values: list[str], errors: list[FieldError]) -> list[str]:
    unknown = [v for v in values if v not in Sector.values]
    if unknown:
        errors.append(
            FieldError("sectors", codes.SECTOR_INVALID, _("Choose sub-sectors of the list."))
        )
    return sorted(set(values) & set(Sector.values))


def _enterprise_values(
    *,
    name: str,
    region_code: str,
    address: str,
    size_class: str,
    above_designated_size: bool,
    category_code: str,
    sectors: list[str],
    errors: list[FieldError],
) -> dict[str, Any]:
    errors += text_errors({"name": name, "address": address}, formula=("name", "address"))
    if not (name or "").strip():
        errors.append(FieldError("name", codes.REQUIRED, _("Enter the name.")))
    return {
        "name": (name or "").strip()[:200],
        "region": _region(region_code, errors),
        "address": (address or "").strip()[:200],
        "size_class": _choice(size_class, SizeClass, "size_class", errors),
        "above_designated_size": bool(above_designated_size),
        "category": _category(category_code, errors),
        "sectors": _sectors(list(sectors or []), errors),
    }


def enterprise_register(
    *,
    ctx: AuditContext,
    credit_code: str,
    name: str,
    region_code: str,
    address: str = "",
    size_class: str = SizeClass.SMALL,
    above_designated_size: bool = False,
    category_code: str = "",
    sectors: list[str] | None = None,
) -> Enterprise:
    """Register an enterprise. An officer with industry.manage over the area registers any;
    an enterprise user (industry.report) registers their own and becomes its member."""
    errors: list[FieldError] = []
    code, code_error = credit_code_check(credit_code)
    if code_error:
        errors.append(code_error)
    values = _enterprise_values(
        name=name,
        region_code=region_code,
        address=address,
        size_class=size_class,
        above_designated_size=above_designated_size,
        category_code=category_code,
        sectors=sectors or [],
        errors=errors,
    )
    if errors:
        raise ValidationFailed(errors)
    region: Region = values["region"]
    as_officer = actor_has_perm(ctx.actor, Perm.INDUSTRY_MANAGE, region.code)
    if not as_officer and not actor_has_perm(ctx.actor, Perm.INDUSTRY_REPORT, region.code):
        raise denied()
    if Enterprise.objects.filter(credit_code=code).exists():
        raise _code_taken()
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(credit_code=code, **values)
            if not as_officer:
                enterprise.members.add(ctx.actor)
            audit(
                ctx,
                entity="enterprise",
                entity_id=enterprise.pk,
                region_code=region.code,
                action=AuditAction.CREATE,
                message=gettext_noop("Enterprise %(name)s (%(credit_code)s) registered"),
                params={"name": enterprise.name, "credit_code": code},
            )
            _publish(enterprise)
    except IntegrityError:
        raise _code_taken() from None
    return enterprise


def _code_taken() -> ValidationFailed:
    return ValidationFailed(
        [
            FieldError(
                "credit_code",
                codes.CREDIT_CODE_TAKEN,
                _("An enterprise with this credit code is already registered."),
            )
        ]
    )


def enterprise_update(
    *,
    ctx: AuditContext,
    enterprise: Enterprise,
    name: str,
    region_code: str,
    address: str = "",
    size_class: str = SizeClass.SMALL,
    above_designated_size: bool = False,
    category_code: str = "",
    sectors: list[str] | None = None,
) -> Enterprise:
    """Change an enterprise's details (its credit code is its identity and stays)."""
    errors: list[FieldError] = []
    values = _enterprise_values(
        name=name,
        region_code=region_code,
        address=address,
        size_class=size_class,
        above_designated_size=above_designated_size,
        category_code=category_code,
        sectors=sectors or [],
        errors=errors,
    )
    if errors:
        raise ValidationFailed(errors)
    region: Region = values["region"]
    if not _is_member(ctx, enterprise):
        require(ctx, Perm.INDUSTRY_MANAGE, enterprise.region_id)
        require(ctx, Perm.INDUSTRY_MANAGE, region.code)
    with transaction.atomic():
        locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        changes = {
            key: [str(getattr(locked, key)), str(value)]
            for key, value in values.items()
            if getattr(locked, key) != value
        }
        for key, value in values.items():
            setattr(locked, key, value)
        locked.save()
        audit(
            ctx,
            entity="enterprise",
            entity_id=locked.pk,
            region_code=region.code,
            message=gettext_noop("Enterprise %(name)s changed"),
            params={"name": locked.name},
            changes=changes,
        )
        _publish(locked)
    return locked


def _publish(enterprise: Enterprise) -> None:
    """Tell the capabilities that keep a profile of registry enterprises (assistive's
    suppliers) what the registry now says."""
    events.publish_on_commit(
        events.ENTERPRISE_SAVED,
        enterprise_id=enterprise.pk,
        name=enterprise.name,
        credit_code=enterprise.credit_code,
        sectors=list(enterprise.sectors or []),
    )


def _is_member(ctx: AuditContext, enterprise: Enterprise) -> bool:
    return bool(
        getattr(ctx.actor, "pk", None)
        and actor_has_perm(ctx.actor, Perm.INDUSTRY_REPORT)
        and enterprise.members.filter(pk=ctx.actor.pk).exists()
    )


def enterprise_member_add(*, ctx: AuditContext, enterprise: Enterprise, user: Any) -> None:
    """Give a user (an enterprise user's account) access to this enterprise."""
    require(ctx, Perm.INDUSTRY_MANAGE, enterprise.region_id)
    with transaction.atomic():
        enterprise.members.add(user)
        audit(
            ctx,
            entity="enterprise",
            entity_id=enterprise.pk,
            region_code=enterprise.region_id,
            message=gettext_noop("%(user)s may now act for %(name)s"),
            params={"user": str(getattr(user, "username", user)), "name": enterprise.name},
        )


def tier_grant(
    *,
    ctx: AuditContext,
    enterprise: Enterprise,
    tier: str,
    granted_on: dt.date,
    expires_on: dt.date | None = None,
    issuer: str = "",
) -> EnterpriseTier:
    """Record a recognition (专精特新, 小巨人 …) of an enterprise."""
    require(ctx, Perm.INDUSTRY_MANAGE, enterprise.region_id)
    errors: list[FieldError] = text_errors({"issuer": issuer}, formula=("issuer",))
    _choice(tier, Tier, "tier", errors)
    if expires_on is not None and expires_on <= granted_on:
        errors.append(
            FieldError(
                "expires_on",
                codes.TIER_EXPIRY_INVALID,
                _("The expiry date must come after the date granted."),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row, _created = EnterpriseTier.objects.update_or_create(
            enterprise=enterprise,
            tier=tier,
            granted_on=granted_on,
            defaults={"expires_on": expires_on, "issuer": issuer.strip()[:100]},
        )
        audit(
            ctx,
            entity="enterprise",
            entity_id=enterprise.pk,
            region_code=enterprise.region_id,
            message=gettext_noop("%(name)s: %(tier)s granted on %(granted_on)s"),
            params={"name": enterprise.name, "tier": tier, "granted_on": granted_on.isoformat()},
        )
    return row


def _facility_values(
    *,
    kind: str,
    name: str,
    region_code: str,
    address: str,
    latitude: float | None,
    longitude: float | None,
    ownership: str,
    beds: int,
    nursing_beds: int,
    medical_care: bool,
    capacity: int | None,
    opened_on: dt.date | None,
    errors: list[FieldError],
) -> dict[str, Any]:
    errors += text_errors({"name": name, "address": address}, formula=("name", "address"))
    if not (name or "").strip():
        errors.append(FieldError("name", codes.REQUIRED, _("Enter the name.")))
    _choice(kind, FacilityKind, "kind", errors)
    _choice(ownership, Ownership, "ownership", errors)
    for field, value in (("beds", beds), ("nursing_beds", nursing_beds), ("capacity", capacity)):
        if value is not None and not 0 <= value <= MAX_BEDS:
            errors.append(
                FieldError(field, codes.NUMBER_INVALID, _("Enter a number from 0 to 100000."))
            )
    if nursing_beds > beds >= 0:
        errors.append(
            FieldError(
                "nursing_beds",
                codes.BEDS_EXCEED,
                _("Nursing beds cannot be more than beds (%(beds)s).") % {"beds": beds},
            )
        )
    if latitude is not None and not -90 <= latitude <= 90:
        errors.append(FieldError("latitude", codes.NUMBER_INVALID, _("Enter a latitude.")))
    if longitude is not None and not -180 <= longitude <= 180:
        errors.append(FieldError("longitude", codes.NUMBER_INVALID, _("Enter a longitude.")))
    return {
        "kind": kind,
        "name": (name or "").strip()[:200],
        "region": _region(region_code, errors),
        "address": (address or "").strip()[:200],
        "latitude": latitude,
        "longitude": longitude,
        "ownership": ownership,
        "beds": beds,
        "nursing_beds": nursing_beds,
        "medical_care": bool(medical_care),
        "capacity": capacity,
        "opened_on": opened_on,
    }


def facility_register(
    *,
    ctx: AuditContext,
    kind: str,
    name: str,
    region_code: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    operator: Enterprise | None = None,
    ownership: str = Ownership.PRIVATE,
    beds: int = 0,
    nursing_beds: int = 0,
    medical_care: bool = False,
    capacity: int | None = None,
    opened_on: dt.date | None = None,
    perm: str = Perm.INDUSTRY_MANAGE,
) -> Facility:
    """Enter a facility in the registry. Another capability registering its own facility (a
    canteen, a rental point) passes the permission its own page requires as ``perm``; the
    actor must hold it over the facility's area. Joins the caller's transaction."""
    errors: list[FieldError] = []
    values = _facility_values(
        kind=kind,
        name=name,
        region_code=region_code,
        address=address,
        latitude=latitude,
        longitude=longitude,
        ownership=ownership,
        beds=beds,
        nursing_beds=nursing_beds,
        medical_care=medical_care,
        capacity=capacity,
        opened_on=opened_on,
        errors=errors,
    )
    if errors:
        raise ValidationFailed(errors)
    region: Region = values["region"]
    require(ctx, perm, region.code)
    with transaction.atomic():
        facility = Facility.objects.create(operator=operator, **values)
        audit(
            ctx,
            entity="facility",
            entity_id=facility.pk,
            region_code=region.code,
            action=AuditAction.CREATE,
            message=gettext_noop("Facility %(name)s (%(kind)s) registered"),
            params={"name": facility.name, "kind": kind},
        )
    return facility


def facility_update(
    *,
    ctx: AuditContext,
    facility: Facility,
    name: str,
    region_code: str,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    ownership: str = Ownership.PRIVATE,
    beds: int = 0,
    nursing_beds: int = 0,
    medical_care: bool = False,
    capacity: int | None = None,
    opened_on: dt.date | None = None,
    active: bool = True,
    perm: str = Perm.INDUSTRY_MANAGE,
) -> Facility:
    """Change a facility's details (its kind stays)."""
    errors: list[FieldError] = []
    values = _facility_values(
        kind=facility.kind,
        name=name,
        region_code=region_code,
        address=address,
        latitude=latitude,
        longitude=longitude,
        ownership=ownership,
        beds=beds,
        nursing_beds=nursing_beds,
        medical_care=medical_care,
        capacity=capacity,
        opened_on=opened_on,
        errors=errors,
    )
    if errors:
        raise ValidationFailed(errors)
    require(ctx, perm, facility.region_id)
    require(ctx, perm, values["region"].code)
    values["active"] = bool(active)
    with transaction.atomic():
        locked = Facility.objects.select_for_update().get(pk=facility.pk)
        changes = {
            key: [str(getattr(locked, key)), str(value)]
            for key, value in values.items()
            if getattr(locked, key) != value
        }
        for key, value in values.items():
            setattr(locked, key, value)
        locked.save()
        audit(
            ctx,
            entity="facility",
            entity_id=locked.pk,
            region_code=locked.region_id,
            message=gettext_noop("Facility %(name)s changed"),
            params={"name": locked.name},
            changes=changes,
        )
    return locked
