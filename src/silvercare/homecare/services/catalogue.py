"""Providers (areas served, contract, prices, their admins), caregivers and certificates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_manages
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import ValidationFailed
from silvercare.homecare import error_codes as codes
from silvercare.homecare.choices import TravelMode
from silvercare.homecare.models import (
    Caregiver,
    CaregiverCertificate,
    Provider,
    ProviderPrice,
    ProviderStaff,
    ServiceType,
)
from silvercare.homecare.services._base import (
    audit,
    check_texts,
    denied,
    field_error,
    require_provider,
)
from silvercare.training.choices import Kind as CertificateKind

MAX_PRICE_FEN = 10_000_000


def _region_exists(code: str) -> bool:
    from silvercare.regions.models import Region

    return Region.objects.filter(code=code).exists()


def _registry_enterprise(credit_code: str) -> Any:
    """The id of the registry enterprise with this unified social credit code; a field error
    when the code is malformed or nobody registered it."""
    from silvercare.industry.selectors import enterprise_by_credit_code
    from silvercare.industry.services import credit_code_check

    code, problem = credit_code_check(credit_code)
    if problem is not None:
        raise ValidationFailed([problem])
    found = enterprise_by_credit_code(code)
    if found is None:
        raise field_error(
            "credit_code",
            codes.REGISTRY_UNKNOWN,
            _("No enterprise with this credit code is in the registry: register it there first."),
        )
    return found.pk


def provider_create(
    *,
    ctx: AuditContext,
    name: str,
    region_code: str,
    served: list[str] | None = None,
    contract_number: str = "",
    contract_from: dt.date | None = None,
    contract_until: dt.date | None = None,
    phone: str = "",
    credit_code: str = "",
) -> Provider:
    """Register a provider (civil-affairs supervisors or system administrators of the area).
    A ``credit_code`` links it to its enterprise in the one registry (industry), which must
    be registered there first."""
    if not (
        actor_manages(ctx.actor, region_code)
        or actor_has_perm(ctx.actor, Perm.CARE_SUPERVISE, region_code)
    ):
        raise denied()
    check_texts({"name": name, "contract_number": contract_number, "phone": phone})
    if not name.strip():
        raise field_error("name", codes.TEXT_INVALID, _("Give the provider's name."))
    areas = served or [region_code]
    for code in [region_code, *areas]:
        if not _region_exists(code):
            raise field_error("region_code", codes.TEXT_INVALID, _("Unknown area code."))
    if contract_from and contract_until and contract_until < contract_from:
        raise field_error(
            "contract_until", codes.DATE_INVALID, _("The contract ends before it starts.")
        )
    registry_id = _registry_enterprise(credit_code) if credit_code.strip() else None
    with transaction.atomic():
        provider = Provider.objects.create(
            registry_id=registry_id,
            name=name.strip(),
            region_id=region_code,
            served=areas,
            contract_number=contract_number,
            contract_from=contract_from,
            contract_until=contract_until,
            phone=phone,
        )
        audit(
            ctx,
            entity="provider",
            entity_id=provider.pk,
            region_code=region_code,
            summary=f"provider {provider.name}",
        )
    return provider


def provider_price_set(
    *, ctx: AuditContext, provider: Provider, service_type: ServiceType, price_fen: int
) -> ProviderPrice:
    require_provider(ctx, Perm.CARE_PROVIDE, provider)
    if (
        isinstance(price_fen, bool)
        or not isinstance(price_fen, int)
        or not 0 < price_fen <= MAX_PRICE_FEN
    ):
        raise field_error(
            "price_fen", codes.PRICE_INVALID, _("Give the price as a whole number of fen.")
        )
    with transaction.atomic():
        row, _created = ProviderPrice.objects.update_or_create(
            provider=provider, service_type=service_type, defaults={"price_fen": price_fen}
        )
        audit(
            ctx,
            entity="provider",
            entity_id=provider.pk,
            region_code=provider.region_id,
            action=AuditAction.UPDATE,
            summary=f"price {service_type.code} {price_fen} fen",
        )
    return row


def provider_staff_link(*, ctx: AuditContext, provider: Provider, user: Any) -> ProviderStaff:
    """Link a provider admin to their provider (the supervisors of the area do this)."""
    if not (
        actor_manages(ctx.actor, provider.region_id)
        or actor_has_perm(ctx.actor, Perm.CARE_SUPERVISE, provider.region_id)
    ):
        raise denied()
    with transaction.atomic():
        link, _created = ProviderStaff.objects.update_or_create(
            user=user, defaults={"provider": provider}
        )
        audit(
            ctx,
            entity="provider",
            entity_id=provider.pk,
            region_code=provider.region_id,
            action=AuditAction.UPDATE,
            summary=f"admin {user}",
        )
    return link


def _check_minute(name: str, value: int | None) -> None:
    if value is not None and (isinstance(value, bool) or not 0 <= value <= 1440):
        raise field_error(name, codes.TIME_INVALID, _("Give a time of day."))


def caregiver_create(
    *,
    ctx: AuditContext,
    provider: Provider,
    name: str,
    region_code: str | None = None,
    home_lat: float,
    home_lon: float,
    skills: list[str] | None = None,
    languages: list[str] | None = None,
    shift_start: int = 480,
    shift_end: int = 1020,
    break_start: int | None = None,
    break_minutes: int = 0,
    travel_mode: str = TravelMode.EBIKE,
    max_visits: int = 10,
    meal_capacity: int | None = None,
    phone: str = "",
    user: Any = None,
) -> Caregiver:
    require_provider(ctx, Perm.CARE_PROVIDE, provider)
    region = region_code or provider.region_id
    check_texts({"name": name, "phone": phone})
    if not name.strip():
        raise field_error("name", codes.TEXT_INVALID, _("Give the caregiver's name."))
    if not region.startswith(provider.region_id.rstrip("0")) or not _region_exists(region):
        raise field_error(
            "region_code",
            codes.TEXT_INVALID,
            _("The caregiver's area must be within the provider's."),
        )
    for field_name, value in (
        ("shift_start", shift_start),
        ("shift_end", shift_end),
        ("break_start", break_start),
    ):
        _check_minute(field_name, value)
    if shift_end <= shift_start:
        raise field_error("shift_end", codes.TIME_INVALID, _("The shift ends before it starts."))
    if break_start is not None and not shift_start <= break_start <= shift_end - break_minutes:
        raise field_error(
            "break_start", codes.TIME_INVALID, _("The break must lie within the shift.")
        )
    if not (-90 <= home_lat <= 90 and -180 <= home_lon <= 180):
        raise field_error("home_lat", codes.LOCATION_INVALID, _("Give a valid position."))
    if travel_mode not in TravelMode.values:
        raise field_error("travel_mode", codes.TEXT_INVALID, _("Choose walking or e-bike."))
    if meal_capacity is not None and not 1 <= meal_capacity <= 100:
        raise field_error("meal_capacity", codes.TEXT_INVALID, _("A round carries 1 to 100 meals."))
    with transaction.atomic():
        caregiver = Caregiver.objects.create(
            provider=provider,
            region_id=region,
            name=name.strip(),
            user=user,
            phone=phone,
            skills=sorted(set(skills or [])),
            languages=list(languages or []),
            shift_start=shift_start,
            shift_end=shift_end,
            break_start=break_start,
            break_minutes=break_minutes if break_start is not None else 0,
            home_lat=home_lat,
            home_lon=home_lon,
            travel_mode=travel_mode,
            max_visits=max_visits,
            meal_capacity=meal_capacity,
        )
        audit(
            ctx,
            entity="caregiver",
            entity_id=caregiver.pk,
            region_code=region,
            summary=f"caregiver {caregiver.name}",
        )
    return caregiver


def certificate_add(
    *,
    ctx: AuditContext,
    caregiver: Caregiver,
    kind: str,
    number: str,
    valid_until: dt.date | None = None,
) -> CaregiverCertificate:
    require_provider(ctx, Perm.CARE_PROVIDE, caregiver.provider)
    if kind not in CertificateKind.values:
        raise field_error("kind", codes.TEXT_INVALID, _("Choose a kind of certificate."))
    check_texts({"number": number})
    if not number.strip():
        raise field_error("number", codes.TEXT_INVALID, _("Give the certificate number."))
    with transaction.atomic():
        cert = CaregiverCertificate.objects.create(
            caregiver=caregiver, kind=kind, number=number.strip(), valid_until=valid_until
        )
        audit(
            ctx,
            entity="caregiver",
            entity_id=caregiver.pk,
            region_code=caregiver.region_id,
            action=AuditAction.UPDATE,
            summary=f"certificate {kind} {number}",
        )
    return cert


def service_types_restore() -> int:
    """Put the shipped service catalogue (migration 0002's rows) back when the table is empty,
    as it is in a test database after a live-server test's flush; an existing catalogue is
    never touched. Returns how many types were written."""
    import importlib

    from django.apps import apps

    from silvercare.homecare.models import ServiceType

    if ServiceType.objects.exists():
        return 0
    migration = importlib.import_module("silvercare.homecare.migrations.0002_seed_service_types")
    migration.seed(apps, None)
    return ServiceType.objects.count()
