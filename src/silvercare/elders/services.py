"""Every write to the elder registry: create, update, contacts, consent, reveal."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.audit.models import AuditAction
from silvercare.audit.selectors import audit_count_recent
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common import crypto, events
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.masking import mask_address, mask_id_number, mask_phone
from silvercare.common.text import check_text
from silvercare.elders import error_codes as codes
from silvercare.elders.choices import ConsentPurpose, Relationship
from silvercare.elders.models import ConsentEvent, Contact, Elder
from silvercare.elders.name_order import name_sort_key
from silvercare.elders.validation import ElderData, check_elder_fields, check_phone
from silvercare.regions.models import Region

CATEGORY_FIELDS = {
    "disabled": "is_disabled",
    "living_alone": "is_living_alone",
    "empty_nest": "is_empty_nest",
    "econ_difficult": "is_econ_difficult",
    "special_fp_family": "is_special_fp_family",
    "rural_left_behind": "is_rural_left_behind",
}
PERSONAL_FIELDS = {"id_number", "phone", "address"}
# Changes other capabilities hear of (events.ELDER_FACTS_CHANGED): e.g. subsidy eligibility.
FACTS_OTHERS_DECIDE_ON = {"categories", "hukou_type", "region_code", "status"}
AUDITED_FIELDS = [
    "name",
    "id_number",
    "phone",
    "address",
    "region_code",
    "latitude",
    "longitude",
    "hukou_type",
    "living_situation",
    "categories",
    "status",
    "status_date",
]


def name_initials(name: str) -> str:
    return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")).lower()


def id_hash(number: str) -> str:
    return crypto.lookup_hash(number, purpose="id_number")


def phone_hash(phone: str) -> str:
    return crypto.lookup_hash(phone.replace("-", ""), purpose="phone") if phone else ""


def elder_plain(elder: Elder) -> ElderData:
    """Decrypt an elder into plain fields. Callers that show the result must audit it."""
    return ElderData(
        name=elder.name,
        id_number=crypto.decrypt(elder.id_number_enc, purpose="elder.id_number"),
        birth_date=elder.birth_date,
        sex=elder.sex,
        phone=crypto.decrypt(elder.phone_enc, purpose="elder.phone"),
        address=crypto.decrypt(elder.address_enc, purpose="elder.address"),
        region_code=elder.region_id,
        latitude=elder.latitude,
        longitude=elder.longitude,
        hukou_type=elder.hukou_type,
        living_situation=elder.living_situation,
        categories={c for c, f in CATEGORY_FIELDS.items() if getattr(elder, f)},
        status=elder.status,
        status_date=elder.status_date,
    )


def _audit_value(key: str, value: Any) -> Any:
    if value is None or value == "":
        return value
    if key == "id_number":
        return mask_id_number(str(value))
    if key == "phone":
        return mask_phone(str(value))
    if key == "address":
        return mask_address(str(value))
    if isinstance(value, set):
        return sorted(value)
    return str(value) if not isinstance(value, (int, float, bool)) else value


def audit_diff(old: ElderData | None, new: ElderData) -> dict[str, list[Any]]:
    before = asdict(old) if old else {}
    after = asdict(new)
    return {
        key: [_audit_value(key, before.get(key)), _audit_value(key, after[key])]
        for key in AUDITED_FIELDS
        if before.get(key) != after[key]
    }


def apply_to_model(elder: Elder, data: ElderData) -> None:
    """Write validated plain data onto an Elder row (encrypting personal fields)."""
    assert data.birth_date is not None
    elder.name = data.name
    elder.name_initials = name_initials(data.name)
    elder.name_sort = name_sort_key(data.name)
    elder.id_number_enc = crypto.encrypt(data.id_number, purpose="elder.id_number")
    elder.id_number_hash = id_hash(data.id_number)
    elder.id_number_masked = mask_id_number(data.id_number)
    elder.birth_date = data.birth_date
    elder.sex = data.sex
    elder.phone_enc = crypto.encrypt(data.phone, purpose="elder.phone")
    elder.phone_hash = phone_hash(data.phone)
    elder.phone_masked = mask_phone(data.phone)
    elder.address_enc = crypto.encrypt(data.address, purpose="elder.address")
    elder.region_id = data.region_code
    elder.latitude = data.latitude
    elder.longitude = data.longitude
    elder.hukou_type = data.hukou_type
    elder.living_situation = data.living_situation
    for category, field_name in CATEGORY_FIELDS.items():
        setattr(elder, field_name, category in data.categories)
    elder.status = data.status
    elder.status_date = data.status_date


def check_region(
    actor: Any, region_code: str, perm: str, field: str = "region_code"
) -> FieldError | None:
    region = Region.objects.filter(code=region_code).only("level").first()
    if region is None:
        return FieldError(
            field,
            codes.REGION_UNKNOWN,
            _("Unknown community code %(code)s.") % {"code": region_code},
        )
    if region.level != 5:
        return FieldError(
            field,
            codes.REGION_NOT_COMMUNITY,
            _("%(code)s is not a community or village.") % {"code": region_code},
        )
    if not actor_has_perm(actor, perm, region_code):
        return FieldError(
            field,
            codes.REGION_OUT_OF_SCOPE,
            _("Community %(code)s is outside your area.") % {"code": region_code},
        )
    return None


def duplicate_error(
    ctx: AuditContext, number: str, *, region_code: str, exclude_pk: Any = None
) -> FieldError | None:
    """The same ID can never be registered twice. Called only for an otherwise valid row
    that the actor may create in ``region_code`` (see ``_validated``), so a user cannot
    probe the registry with incomplete or out-of-scope rows.

    Every hit is audited (``duplicate_hit``) in the region of the existing record, so an
    officer who can see that region sees the attempt. The error points at the existing
    record only when the actor may see it; otherwise it says neither where nor who."""
    qs = Elder.objects.filter(id_number_hash=id_hash(number))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.only("id", "region_id").first()
    if existing is None:
        return None
    visible = actor_has_perm(ctx.actor, Perm.ELDERS_VIEW, existing.region_id)
    with transaction.atomic():
        audit_record(
            ctx=ctx,
            action=AuditAction.DUPLICATE_HIT,
            entity_type="elder",
            entity_id=str(existing.pk),
            region_code=existing.region_id,
            summary=mask_id_number(number),
            changes={
                "id_number": mask_id_number(number),
                "attempted_in": region_code,
                "existing_visible": visible,
            },
        )
    if visible:
        return FieldError(
            "id_number",
            codes.ID_DUPLICATE,
            _("This ID number is already registered (see the existing record)."),
            params={"existing_id": str(existing.pk)},
        )
    return FieldError(
        "id_number",
        codes.ID_DUPLICATE,
        _("This ID number is already registered; contact the civil-affairs office."),
    )


def _require_create(ctx: AuditContext) -> None:
    if not actor_has_perm(ctx.actor, Perm.ELDERS_EDIT):
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("You may not register elders."),
        )


def _validated(ctx: AuditContext, values: dict[str, Any], *, exclude_pk: Any = None) -> ElderData:
    """Fields first, then the right to write in the chosen community, and only for a row
    that passed both, whether the ID number is already registered (no existence oracle)."""
    data, errors = check_elder_fields(values)
    if data.region_code:
        region_error = check_region(ctx.actor, data.region_code, Perm.ELDERS_EDIT)
        if region_error:
            errors.append(region_error)
    if errors:
        raise ValidationFailed(errors)
    dup = duplicate_error(ctx, data.id_number, region_code=data.region_code, exclude_pk=exclude_pk)
    if dup:
        raise ValidationFailed([dup])
    return data


def elder_create(*, ctx: AuditContext, values: dict[str, Any]) -> Elder:
    _require_create(ctx)
    data = _validated(ctx, values)
    elder = Elder(created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None)
    apply_to_model(elder, data)
    with transaction.atomic():
        elder.save()
        _audit(ctx, elder, AuditAction.CREATE, audit_diff(None, data))
    return elder


def elder_update(*, ctx: AuditContext, elder: Elder, changes: dict[str, Any]) -> Elder:
    """Apply a partial change. The actor needs edit rights both where the elder is now and,
    when moving them, where they go."""
    _require_edit(ctx, elder)
    before = elder_plain(elder)
    merged = asdict(before)
    merged.update({k: v for k, v in changes.items() if k in merged or k.startswith("claimed_")})
    data = _validated(ctx, merged, exclude_pk=elder.pk)
    diff = audit_diff(before, data)
    if not diff:
        return elder
    with transaction.atomic():
        locked = Elder.objects.select_for_update().get(pk=elder.pk)
        apply_to_model(locked, data)
        locked.save()
        _audit(ctx, locked, AuditAction.UPDATE, diff)
        changed_facts = sorted(set(diff) & FACTS_OTHERS_DECIDE_ON)
        if changed_facts:
            events.publish_on_commit(
                events.ELDER_FACTS_CHANGED, elder_id=str(locked.pk), fields=changed_facts
            )
    return locked


def elder_reveal(*, ctx: AuditContext, elder: Elder) -> dict[str, Any]:
    """Unmasked personal data of an elder and their contacts; every call is audited."""
    if not actor_has_perm(ctx.actor, Perm.ELDERS_VIEW_PII, elder.region_id):
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("Your role may not see unmasked personal data."),
        )
    plain = elder_plain(elder)
    contacts = [
        {"id": c.pk, "phone": crypto.decrypt(c.phone_enc, purpose="contact.phone")}
        for c in elder.contacts.all()
    ]
    with transaction.atomic():
        _audit(
            ctx,
            elder,
            AuditAction.VIEW_PII,
            {"fields": ["id_number", "phone", "address", "contacts.phone"]},
        )
    return {
        "id_number": plain.id_number,
        "phone": plain.phone,
        "address": plain.address,
        "contacts": contacts,
    }


#: Exact lookups by ID number or phone a user may make per window (counted from the audit
#: trail, so the limit holds across worker processes on SQLite and PostgreSQL alike).
LOOKUP_LIMIT = 30
LOOKUP_WINDOW = dt.timedelta(minutes=10)
LOOKUP_MAX_HITS = 50


def elder_exact_lookup(*, ctx: AuditContext, kind: str, value: str) -> list[uuid.UUID]:
    """The elders whose ID number (``kind="id_number"``) or phone (``"phone"``) is exactly
    ``value``, among those the actor may see unmasked.

    An exact lookup confirms a guess, so it is a personal-data read: only for actors with
    the personal-data right (and only inside the regions where they hold it), limited per
    user, and audited with the masked value and the number of hits."""
    actor = ctx.actor
    prefixes = actor_prefixes(actor, Perm.ELDERS_VIEW_PII)
    if not prefixes:
        raise DomainError(
            code=codes.LOOKUP_NOT_ALLOWED,
            status=403,
            message=_(
                "Searching by ID number or phone needs the right to see personal data; "
                "search by name or pinyin initials instead."
            ),
        )
    since = timezone.now() - LOOKUP_WINDOW
    if audit_count_recent(actor=actor, action=AuditAction.LOOKUP, since=since) >= LOOKUP_LIMIT:
        raise DomainError(
            code=codes.LOOKUP_RATE_LIMITED,
            status=429,
            message=_(
                "You have made %(n)d searches by ID number or phone in the last %(minutes)d "
                "minutes. Wait a few minutes, or search by name."
            )
            % {"n": LOOKUP_LIMIT, "minutes": LOOKUP_WINDOW.seconds // 60},
            extra={"retry_after_seconds": LOOKUP_WINDOW.seconds},
        )
    if kind == "id_number":
        lookup, masked = {"id_number_hash": id_hash(value)}, mask_id_number(value)
    else:
        lookup, masked = {"phone_hash": phone_hash(value)}, mask_phone(value)
    hits = list(
        Elder.objects.visible_to(actor, Perm.ELDERS_VIEW_PII)
        .filter(**lookup)
        .values_list("id", "region_id")[:LOOKUP_MAX_HITS]
    )
    single = len(hits) == 1
    with transaction.atomic():
        audit_record(
            ctx=ctx,
            action=AuditAction.LOOKUP,
            entity_type="elder" if single else "elder_lookup",
            entity_id=str(hits[0][0]) if single else str(getattr(actor, "pk", "")),
            region_code=hits[0][1] if single else prefixes[0],
            summary=masked,
            changes={"kind": kind, "value": masked, "hits": len(hits)},
        )
    return [pk for pk, _region in hits]


def _audit(ctx: AuditContext, elder: Elder, action: str, changes: dict[str, Any]) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type="elder",
        entity_id=str(elder.pk),
        region_code=elder.region_id,
        summary=elder.name,
        changes=changes,
    )


def _require_edit(ctx: AuditContext, elder: Elder) -> None:
    if not actor_has_perm(ctx.actor, Perm.ELDERS_EDIT, elder.region_id):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not change this record.")
        )


def contact_values_check(values: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    errors: list[FieldError] = []
    name = str(values.get("name") or "").strip()
    text_error = check_text(str(values.get("name") or ""), "name", formula=True)
    if text_error:
        errors.append(text_error)
    elif not name or len(name) > 50:
        errors.append(
            FieldError(
                "name", codes.NAME_REQUIRED, _("Enter the contact's name (up to 50 characters).")
            )
        )
    relationship = values.get("relationship") or ""
    if relationship not in Relationship.values:
        errors.append(
            FieldError("relationship", codes.CHOICE_INVALID, _("Choose the relationship."))
        )
    phone = check_phone(str(values.get("phone") or ""), "phone")
    if isinstance(phone, FieldError):
        errors.append(phone)
    elif not phone:
        errors.append(FieldError("phone", codes.PHONE_INVALID, _("A contact needs a phone.")))
    try:
        priority = int(values.get("priority") or 1)
    except (TypeError, ValueError):
        priority = 0
    if not 1 <= priority <= 9:
        errors.append(
            FieldError("priority", codes.CHOICE_INVALID, _("Priority is a number from 1 to 9."))
        )
    clean = {
        "name": name,
        "relationship": relationship,
        "phone": phone if isinstance(phone, str) else "",
        "priority": priority,
        "is_guardian": bool(values.get("is_guardian")),
        "can_receive_alerts": bool(values.get("can_receive_alerts", True)),
    }
    return clean, errors


def contact_build(elder: Elder, clean: dict[str, Any]) -> Contact:
    phone = clean["phone"]
    return Contact(
        elder=elder,
        name=clean["name"],
        relationship=clean["relationship"],
        phone_enc=crypto.encrypt(phone, purpose="contact.phone"),
        phone_hash=phone_hash(phone),
        phone_masked=mask_phone(phone),
        priority=clean["priority"],
        is_guardian=clean["is_guardian"],
        can_receive_alerts=clean["can_receive_alerts"],
    )


def contact_add(*, ctx: AuditContext, elder: Elder, values: dict[str, Any]) -> Contact:
    _require_edit(ctx, elder)
    clean, errors = contact_values_check(values)
    if errors:
        raise ValidationFailed(errors)
    contact = contact_build(elder, clean)
    with transaction.atomic():
        contact.save()
        _audit(
            ctx,
            elder,
            AuditAction.UPDATE,
            {"contacts": [None, f"+ {contact.name} {contact.phone_masked}"]},
        )
    return contact


def contact_remove(*, ctx: AuditContext, elder: Elder, contact_id: int) -> None:
    _require_edit(ctx, elder)
    contact = elder.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound()
    with transaction.atomic():
        contact.delete()
        _audit(
            ctx,
            elder,
            AuditAction.UPDATE,
            {"contacts": [f"- {contact.name} {contact.phone_masked}", None]},
        )


def contact_link_account(
    *, ctx: AuditContext, elder: Elder, contact_id: int, username: str
) -> Contact:
    """Bind a contact to the family member's own account (role ``elder_family``), or unbind
    it with an empty ``username``: the family views show the elder to that account only."""
    from silvercare.accounts.models import RoleGrant, User

    _require_edit(ctx, elder)
    contact = elder.contacts.filter(pk=contact_id).first()
    if contact is None:
        raise NotFound()
    username = username.strip()
    account = None
    if username:
        account = User.objects.filter(username=username, is_active=True).first()
        if (
            account is None
            or not RoleGrant.objects.filter(user=account, role="elder_family").exists()
        ):
            raise ValidationFailed(
                [
                    FieldError(
                        "username",
                        codes.ACCOUNT_NOT_FAMILY,
                        _("Enter the user name of an active family-member account."),
                    )
                ]
            )
    with transaction.atomic():
        old = contact.account.username if contact.account is not None else None
        contact.account = account
        contact.save(update_fields=["account", "updated_at"])
        _audit(
            ctx,
            elder,
            AuditAction.UPDATE,
            {f"contacts.{contact.pk}.account": [old, account.username if account else None]},
        )
    return contact


def consent_record(
    *, ctx: AuditContext, elder: Elder, purpose: str, granted: bool, note: str = ""
) -> ConsentEvent:
    _require_edit(ctx, elder)
    if purpose not in ConsentPurpose.values:
        raise ValidationFailed(
            [FieldError("purpose", codes.CHOICE_INVALID, _("Unknown consent purpose."))]
        )
    with transaction.atomic():
        event = ConsentEvent.objects.create(
            elder=elder, purpose=purpose, granted=granted, recorded_by=ctx.actor, note=note[:200]
        )
        _audit(ctx, elder, AuditAction.UPDATE, {f"consent.{purpose}": [None, granted]})
    return event


# --- Reactions to assessment events (see elders.apps; the assessment app never writes here)


def elder_record_assessment(*, elder_id: str, level: int, assessed_at: Any, due_on: Any) -> None:
    """A completed assessment sets the elder's current level and next due date."""
    with transaction.atomic():
        elder = Elder.objects.select_for_update().filter(pk=elder_id).first()
        if elder is None:
            return
        if elder.ability_assessed_at is None or assessed_at >= elder.ability_assessed_at:
            elder.ability_level = level
            elder.ability_assessed_at = assessed_at
            elder.reassessment_due_on = due_on
            elder.save(
                update_fields=[
                    "ability_level",
                    "ability_assessed_at",
                    "reassessment_due_on",
                    "updated_at",
                ]
            )


def elder_bring_reassessment_forward(*, elder_id: str, due_on: Any) -> None:
    """An event (discharge, confirmed fall, request) makes the next assessment due sooner."""
    Elder.objects.filter(pk=elder_id).filter(
        models.Q(reassessment_due_on__isnull=True) | models.Q(reassessment_due_on__gt=due_on)
    ).update(reassessment_due_on=due_on)


# --- The elder's own choices, from the portal -----------------------------------------------
# The portal proves that ``ctx.actor`` is the elder's own account (or, for linking, that the
# family member's account holds the contact's phone) before calling these.


def consent_record_by_elder(
    *, ctx: AuditContext, elder: Elder, purpose: str, granted: bool
) -> ConsentEvent:
    """The elder gives or withdraws a consent themself. Giving a consent in force, or
    withdrawing one already withdrawn (or never given), changes nothing and says so."""
    if purpose not in ConsentPurpose.values:
        raise ValidationFailed(
            [FieldError("purpose", codes.CHOICE_INVALID, _("Unknown consent purpose."))]
        )
    with transaction.atomic():
        Elder.objects.select_for_update().filter(pk=elder.pk).first()
        current = (
            ConsentEvent.objects.filter(elder=elder, purpose=purpose)
            .order_by("-recorded_at", "-id")
            .values_list("granted", flat=True)
            .first()
        )
        if bool(current) == granted:
            raise DomainError(
                code=codes.CONSENT_UNCHANGED,
                status=409,
                message=(
                    _("You have already given this consent.")
                    if granted
                    else _("This consent is already withdrawn: nothing to withdraw.")
                ),
            )
        event = ConsentEvent.objects.create(
            elder=elder, purpose=purpose, granted=granted, recorded_by=ctx.actor, note="portal"
        )
        _audit(ctx, elder, AuditAction.UPDATE, {f"consent.{purpose}": [current, granted]})
    return event


def contact_link_account_by_elder(
    *, ctx: AuditContext, elder: Elder, contact: Contact, account: Any
) -> Contact:
    """The elder lets one of their registered contacts follow them from that contact's own
    family-member account (the portal found the account by the contact's phone, which the
    account proved with a one-time code)."""
    if contact.elder_id != elder.pk:
        raise NotFound()
    with transaction.atomic():
        old = contact.account.username if contact.account is not None else None
        contact.account = account
        contact.save(update_fields=["account", "updated_at"])
        _audit(
            ctx,
            elder,
            AuditAction.UPDATE,
            {f"contacts.{contact.pk}.account": [old, account.username if account else None]},
        )
    return contact


def elder_account_set(*, ctx: AuditContext, elder: Elder, account: Any) -> Elder:
    """Make ``account`` the elder's own sign-in (or clear it with None). For the operator's
    console command and the demo, which proved who the account belongs to. An account is
    the own account of one elder at most."""
    with transaction.atomic():
        locked = Elder.objects.select_for_update().get(pk=elder.pk)
        if (
            account is not None
            and Elder.objects.filter(account_id=account.pk).exclude(pk=locked.pk).exists()
        ):
            raise DomainError(
                code=codes.ACCOUNT_TAKEN,
                status=409,
                message=_("This account is already another elder's own account."),
            )
        old = locked.account.username if locked.account is not None else None
        locked.account = account
        locked.save(update_fields=["account", "updated_at"])
        _audit(
            ctx,
            locked,
            AuditAction.UPDATE,
            {"account": [old, account.username if account is not None else None]},
        )
    elder.account = account
    return locked
