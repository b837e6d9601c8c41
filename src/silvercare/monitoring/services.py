"""Every write to the device registry: register, bind, unbind, rotate the credential.

Telemetry itself is written by ``monitoring.ingest`` (the hot path, in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text
from silvercare.elders.models import Elder
from silvercare.monitoring import credentials
from silvercare.monitoring import error_codes as codes
from silvercare.monitoring.choices import WEARABLE_TYPES, DeviceStatus, DeviceType, Placement
from silvercare.monitoring.models import (
    Device,
    DeviceBinding,
    DeviceState,
    ElderRuleConfig,
    HealthProfile,
    RuleState,
)
from silvercare.monitoring.rules import RuleConfigError, compile_rules
from silvercare.regions.models import Region


@dataclass(frozen=True)
class Issued:
    """A device with its secret, shown this once and never again."""

    device: Device
    secret: str


def _require_manage(ctx: AuditContext, region_code: str) -> None:
    if not actor_has_perm(ctx.actor, Perm.MONITORING_MANAGE, region_code):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not manage these devices.")
        )


def _audit(ctx: AuditContext, device: Device, action: str, changes: dict[str, Any]) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type="device",
        entity_id=str(device.pk),
        region_code=device.region_id,
        summary=device.serial,
        changes=changes,
    )


def _check_text_field(errors: list[FieldError], name: str, value: str, limit: int) -> str:
    problem = check_text(value, name, formula=True)
    if problem:
        errors.append(problem)
    elif len(value) > limit:
        errors.append(FieldError(name, "too_long", _("At most %(n)s characters.") % {"n": limit}))
    return value.strip()


def device_register(
    *,
    ctx: AuditContext,
    serial: str,
    type: str,
    region_code: str,
    model_name: str = "",
    firmware: str = "",
    placement: str = Placement.NONE,
) -> Issued:
    """Register a device in a region the actor manages; returns it with its new secret."""
    errors: list[FieldError] = []
    serial = serial.strip()
    if not credentials.SERIAL_RE.match(serial):
        errors.append(
            FieldError(
                "serial",
                codes.SERIAL_INVALID,
                _(
                    "3 to 64 letters, digits, hyphens or underscores, "
                    "starting with a letter or digit."
                ),
            )
        )
    if type not in DeviceType.values:
        errors.append(FieldError("type", codes.CHOICE_INVALID, _("Choose a device type.")))
    if placement not in Placement.values:
        errors.append(FieldError("placement", codes.CHOICE_INVALID, _("Choose a placement.")))
    elif placement != Placement.NONE and type not in WEARABLE_TYPES:
        errors.append(
            FieldError(
                "placement",
                codes.PLACEMENT_NOT_WEARABLE,
                _("Only watches, wristbands and pendants are worn."),
            )
        )
    model_name = _check_text_field(errors, "model_name", model_name, 100)
    firmware = _check_text_field(errors, "firmware", firmware, 50)
    region = Region.objects.filter(pk=region_code).first()
    if region is None or not actor_has_perm(ctx.actor, Perm.MONITORING_MANAGE, region.code):
        errors.append(
            FieldError(
                "region_code",
                codes.REGION_OUT_OF_SCOPE,
                _("Choose a region where you manage devices."),
            )
        )
    if not errors and Device.objects.filter(serial=serial).exists():
        errors.append(
            FieldError("serial", codes.SERIAL_DUPLICATE, _("This serial number is registered."))
        )
    if errors:
        raise ValidationFailed(errors)
    assert region is not None
    secret = credentials.new_secret()
    secret_hash, mqtt_hash = credentials.hash_pair(secret)
    try:
        with transaction.atomic():
            device = Device.objects.create(
                serial=serial,
                type=type,
                model_name=model_name,
                firmware=firmware,
                placement=placement,
                region=region,
                secret_hash=secret_hash,
                mqtt_hash=mqtt_hash,
                credential_rotated_at=timezone.now(),
                registered_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            )
            DeviceState.objects.create(device=device)
            _audit(
                ctx,
                device,
                AuditAction.CREATE,
                {"serial": [None, serial], "type": [None, type], "region": [None, region.code]},
            )
    except IntegrityError:
        raise ValidationFailed(
            [FieldError("serial", codes.SERIAL_DUPLICATE, _("This serial number is registered."))]
        ) from None
    return Issued(device=device, secret=secret)


def device_rotate_credential(*, ctx: AuditContext, device: Device) -> Issued:
    """A new secret for the device; the old one stops working (after the broker's password
    file is written again, ``silvercare mqtt-passwd``)."""
    _require_manage(ctx, device.region_id)
    secret = credentials.new_secret()
    secret_hash, mqtt_hash = credentials.hash_pair(secret)
    with transaction.atomic():
        now = timezone.now()
        Device.objects.filter(pk=device.pk).update(
            secret_hash=secret_hash, mqtt_hash=mqtt_hash, credential_rotated_at=now, updated_at=now
        )
        device.secret_hash, device.mqtt_hash, device.credential_rotated_at = (
            secret_hash,
            mqtt_hash,
            now,
        )
        _audit(ctx, device, AuditAction.UPDATE, {"credential": ["…", "rotated"]})
    return Issued(device=device, secret=secret)


def device_bind(*, ctx: AuditContext, device: Device, elder: Elder) -> DeviceBinding:
    """Bind the device to an elder; the device moves to the elder's community."""
    _require_manage(ctx, device.region_id)
    _require_manage(ctx, elder.region_id)
    if device.status != DeviceStatus.ACTIVE:
        raise DomainError(code=codes.DEVICE_RETIRED, message=_("This device is retired."))
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        if locked.elder_id is not None:
            raise DomainError(
                code=codes.ALREADY_BOUND,
                status=409,
                message=_("This device is bound to someone. Unbind it first."),
            )
        now = timezone.now()
        binding = DeviceBinding.objects.create(
            device=locked, elder=elder, bound_from=now, bound_by=_user(ctx)
        )
        old_region = locked.region_id
        Device.objects.filter(pk=device.pk).update(
            elder=elder, region_id=elder.region_id, updated_at=now
        )
        device.elder, device.region_id = elder, elder.region_id
        _audit(
            ctx,
            device,
            AuditAction.UPDATE,
            {"elder": [None, str(elder.pk)], "region": [old_region, elder.region_id]},
        )
    return binding


def device_unbind(*, ctx: AuditContext, device: Device) -> DeviceBinding:
    """Close the device's binding; its readings stay with the elder they were taken for."""
    _require_manage(ctx, device.region_id)
    with transaction.atomic():
        locked = Device.objects.select_for_update().get(pk=device.pk)
        binding = DeviceBinding.objects.filter(device=locked, bound_to__isnull=True).first()
        if locked.elder_id is None or binding is None:
            raise DomainError(
                code=codes.NOT_BOUND, status=409, message=_("This device is not bound.")
            )
        now = timezone.now()
        binding.bound_to = now
        binding.save(update_fields=["bound_to"])
        Device.objects.filter(pk=device.pk).update(elder=None, updated_at=now)
        _audit(ctx, device, AuditAction.UPDATE, {"elder": [str(locked.elder_id), None]})
        device.elder = None
    return binding


def _user(ctx: AuditContext) -> Any:
    return ctx.actor if getattr(ctx.actor, "pk", None) else None


# --- Health profile and per-elder rule configuration ----------------------------------------

#: The sections of an elder's rule configuration a person edits (``monitoring.rules``).
RULE_SECTIONS = ("thresholds", "geofence", "inactivity", "sos", "device", "medication")
MAX_MEDICATIONS = 30


def _require_manage_elder(ctx: AuditContext, elder: Elder) -> None:
    if not actor_has_perm(ctx.actor, Perm.MONITORING_MANAGE, elder.region_id):
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("You may not change the monitoring of this person."),
        )


def _audit_elder(ctx: AuditContext, elder: Elder, entity: str, changes: dict[str, Any]) -> None:
    audit_record(
        ctx=ctx,
        action=AuditAction.UPDATE,
        entity_type=entity,
        entity_id=str(elder.pk),
        region_code=elder.region_id,
        summary=entity,
        changes=changes,
    )


def health_profile_save(
    *,
    ctx: AuditContext,
    elder: Elder,
    conditions: list[str],
    medications: list[str],
    note: str = "",
) -> HealthProfile:
    """Record the elder's conditions and medicines. The conditions also go into the rule
    configuration (``spec["conditions"]``), so the thresholds' defaults by condition apply
    from the next reading on."""
    from silvercare.monitoring.choices import Condition

    _require_manage_elder(ctx, elder)
    errors: list[FieldError] = []
    clean_conditions = [c for c in Condition.values if c in set(conditions)]
    unknown = [c for c in conditions if c not in Condition.values]
    if unknown:
        errors.append(
            FieldError("conditions", codes.CONDITION_UNKNOWN, _("Choose conditions from the list."))
        )
    clean_meds: list[str] = []
    for index, raw in enumerate(medications):
        item = str(raw).strip()
        if not item:
            continue
        problem = check_text(item, "medications", formula=True)
        if problem or len(item) > 100:
            errors.append(
                FieldError(
                    "medications",
                    codes.MEDICATIONS_INVALID,
                    _("Line %(n)s: one medicine per line, at most 100 characters.")
                    % {"n": index + 1},
                )
            )
            break
        clean_meds.append(item)
    if len(clean_meds) > MAX_MEDICATIONS:
        errors.append(
            FieldError(
                "medications",
                codes.MEDICATIONS_INVALID,
                _("At most %(n)s medicines.") % {"n": MAX_MEDICATIONS},
            )
        )
    note = _check_text_field(errors, "note", note, 500)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        profile = HealthProfile.objects.select_for_update().filter(elder=elder).first()
        before = (
            {"conditions": profile.conditions, "medications": profile.medications}
            if profile
            else {"conditions": [], "medications": []}
        )
        if profile is None:
            profile = HealthProfile(elder=elder)
        profile.conditions = clean_conditions
        profile.medications = clean_meds
        profile.note = note
        profile.updated_by = _user(ctx)
        profile.save()
        config, _created = ElderRuleConfig.objects.select_for_update().get_or_create(elder=elder)
        spec = dict(config.spec) if isinstance(config.spec, dict) else {}
        if clean_conditions:
            spec["conditions"] = clean_conditions
        else:
            spec.pop("conditions", None)
        config.spec = spec
        config.save()
        _audit_elder(
            ctx,
            elder,
            "health_profile",
            {
                key: [before[key], value]
                for key, value in (("conditions", clean_conditions), ("medications", clean_meds))
                if before[key] != value
            },
        )
    return profile


_RULE_ERROR_TEXT = {
    "out_of_range": gettext_lazy("This value is out of range."),
    "invalid_number": gettext_lazy("Enter a number."),
    "invalid_integer": gettext_lazy("Enter a whole number."),
    "invalid_time": gettext_lazy("Enter a time as HH:MM."),
    "invalid_window": gettext_lazy("The window is not valid."),
    "longer_than_window": gettext_lazy("The duration is longer than the window."),
    "invalid_polygon": gettext_lazy(
        "The polygon needs at least 3 points (longitude,latitude) and may not cross itself."
    ),
    "invalid_point": gettext_lazy("Each point is longitude,latitude."),
    "invalid_zone": gettext_lazy("A zone is a polygon, or a centre and a radius."),
    "duplicate_zone": gettext_lazy("Two zones have the same name."),
    "duplicate_dose": gettext_lazy("Two doses have the same name and time."),
    "too_many": gettext_lazy("Too many entries."),
}


def rule_error(exc: RuleConfigError) -> FieldError:
    """A rule-compiler error as a field error (the path names the field)."""
    text = _RULE_ERROR_TEXT.get(exc.code)
    message = str(text) if text else _("Not valid: %(detail)s") % {"detail": exc.message}
    return FieldError(exc.path, exc.code, message)


def rule_section_set(
    *, ctx: AuditContext, elder: Elder, section: str, value: Any
) -> ElderRuleConfig:
    """Replace one section of the elder's rule configuration: an object replaces it, ``{}``
    restores the defaults, ``None`` switches the rule off. The whole configuration is
    compiled first (a bad value is a field error naming its path). A changed section
    resets that rule's state, so a new medication schedule starts afresh."""
    _require_manage_elder(ctx, elder)
    if section not in RULE_SECTIONS:
        raise ValidationFailed(
            [FieldError("section", codes.RULE_SECTION_UNKNOWN, _("Unknown rule section."))]
        )
    if value is not None and not isinstance(value, dict):
        raise ValidationFailed(
            [FieldError(section, codes.RULE_INVALID, _("Expected an object or null."))]
        )
    with transaction.atomic():
        config, _created = ElderRuleConfig.objects.select_for_update().get_or_create(elder=elder)
        spec = dict(config.spec) if isinstance(config.spec, dict) else {}
        before = spec.get(section, {})
        if value == {}:
            spec.pop(section, None)
        else:
            spec[section] = value
        try:
            compile_rules(spec)
        except RuleConfigError as exc:
            raise ValidationFailed([rule_error(exc)]) from None
        after = spec.get(section, {})
        if before == after:
            return config
        config.spec = spec
        config.save()
        state = RuleState.objects.select_for_update().filter(elder_id=elder.pk).first()
        if state is not None and section in state.states:
            state.states.pop(section)
            state.save(update_fields=["states", "updated_at"])
        _audit_elder(ctx, elder, "rule_config", {section: [before, after]})
    return config
