"""Every write of the assistive capability: catalogue (products, imports), admission steps,
declared needs, recommendation decisions, fittings and their follow-ups. Keyword-only, an
``AuditContext`` first, an audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.assistive import error_codes as codes
from silvercare.assistive.models import (
    Admission,
    AdmissionStatus,
    AdmissionStep,
    DeviceType,
    DeviceTypeLevel,
    ElderNeed,
    Enterprise,
    Fitting,
    FittingStatus,
    FollowUp,
    ListingStatus,
    Objection,
    Photo,
    Product,
    RecommendationDecision,
    RecommendationStatus,
)
from silvercare.assistive.rules import need_labels
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.photos import photo_errors, photo_kind
from silvercare.common.text import check_text

FOLLOW_UP_DAYS = (7, 30)
FOLLOW_UP_OUTCOMES = ("in_use", "adjusted", "not_used", "returned", "unreachable")
MAX_NOTICE_DAYS = 60
MAX_PRICE_FEN = 100_000_000  # one million yuan: anything above is a typing error


def _denied(message: str | None = None) -> DomainError:
    return DomainError(
        code=codes.PERMISSION_DENIED,
        status=403,
        message=message or _("You may not do this."),
    )


def _audit(
    ctx: AuditContext,
    *,
    entity_type: str,
    entity_id: Any,
    summary: str,
    region_code: str = "",
    action: str = AuditAction.CREATE,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        region_code=region_code,
        summary=summary,
        changes=changes,
    )


def _text(errors: list[FieldError], name: str, value: Any, *, required: bool, limit: int) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.append(FieldError(name, codes.FIELD_REQUIRED, _("This field is required.")))
    elif len(text) > limit:
        errors.append(
            FieldError(
                name,
                codes.SPEC_INVALID,
                _("At most %(n)s characters.") % {"n": limit},
                {"max": str(limit)},
            )
        )
    else:
        problem = check_text(text, name, multiline=limit > 200, formula=limit <= 200)
        if problem is not None:
            errors.append(problem)
    return text


def may_curate(actor: Any) -> bool:
    return actor_has_perm(actor, Perm.ASSISTIVE_CURATE)


def is_member(actor: Any, enterprise: Enterprise) -> bool:
    from silvercare.assistive.selectors import enterprises_of

    return enterprises_of(actor).filter(pk=enterprise.pk).exists()


def supplier_sync(
    *, enterprise_id: Any, name: str, credit_code: str, sectors: list[str], **_: Any
) -> None:
    """Keep the supplier profile of a registry enterprise (``events.ENTERPRISE_SAVED``): one
    in the assistive-devices sub-sector gets a profile, found by its link, else among unlinked
    ones (suppliers that predate the registry) by credit code, or by name when they have no
    code, else new; a
    linked profile follows the registry's name and code. Others are left alone."""
    with transaction.atomic():
        profile = Enterprise.objects.select_for_update().filter(registry_id=enterprise_id).first()
        if profile is None:
            if "assistive" not in sectors:
                return
            unlinked = Enterprise.objects.select_for_update().filter(registry__isnull=True)
            profile = (
                unlinked.filter(credit_code=credit_code).first()
                or unlinked.filter(name=name, credit_code="").first()
                or Enterprise(name=name)
            )
            profile.registry_id = enterprise_id
        if Enterprise.objects.filter(name=name).exclude(pk=profile.pk).exists():
            # Another supplier has the name: a profile keeps its own, a new one adds its code.
            name = f"{name[:80]}（{credit_code}）" if profile._state.adding else profile.name
        profile.name, profile.credit_code = name[:100], credit_code
        profile.save()


# --- Specifications ---------------------------------------------------------------------------


def validate_specifications(
    device_type: DeviceType, values: Any, *, prefix: str = "specifications"
) -> tuple[dict[str, Any], list[FieldError]]:
    """Check ``values`` against the type's schema: every key known, every required one
    given, numbers in range, choices among the allowed ones. Returns clean values."""
    errors: list[FieldError] = []
    if not isinstance(values, dict):
        return {}, [FieldError(prefix, codes.SPEC_INVALID, _("Specifications must be an object."))]
    schema = {a["key"]: a for a in device_type.attribute_schema}
    clean: dict[str, Any] = {}
    for key in values:
        if key not in schema:
            errors.append(
                FieldError(
                    f"{prefix}.{key}",
                    codes.SPEC_UNKNOWN,
                    _("“%(key)s” is not a specification of this device type.") % {"key": key},
                    {"key": str(key)[:40]},
                )
            )
    for key, spec in schema.items():
        raw = values.get(key)
        name = f"{prefix}.{key}"
        if raw is None or raw == "":
            if spec.get("required"):
                errors.append(
                    FieldError(
                        name,
                        codes.SPEC_REQUIRED,
                        _("%(label)s is required for this device type.")
                        % {"label": spec["label_en"]},
                        {"key": key},
                    )
                )
            continue
        kind = spec["type"]
        value: Any
        try:
            if kind == "int":
                if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
                    raise ValueError
                value = int(str(raw).strip())
            elif kind == "decimal":
                if isinstance(raw, bool):
                    raise ValueError
                number = Decimal(str(raw).strip())
                if not number.is_finite():
                    raise ValueError
                value = float(number)
            elif kind == "bool":
                if isinstance(raw, bool):
                    value = raw
                elif str(raw).strip().lower() in {"1", "true", "yes", "是"}:
                    value = True
                elif str(raw).strip().lower() in {"0", "false", "no", "否"}:
                    value = False
                else:
                    raise ValueError
            elif kind == "choice":
                value = str(raw).strip()
                if value not in spec.get("choices", []):
                    raise ValueError
            else:
                value = str(raw).strip()[:100]
        except (ValueError, InvalidOperation):
            errors.append(
                FieldError(
                    name,
                    codes.SPEC_INVALID,
                    _("%(label)s: “%(value)s” is not a valid value.")
                    % {"label": spec["label_en"], "value": str(raw)[:40]},
                    {"key": key},
                )
            )
            continue
        if kind in {"int", "decimal"} and (
            ("min" in spec and value < spec["min"]) or ("max" in spec and value > spec["max"])
        ):
            errors.append(
                FieldError(
                    name,
                    codes.SPEC_INVALID,
                    _("%(label)s must be between %(min)s and %(max)s.")
                    % {"label": spec["label_en"], "min": spec.get("min"), "max": spec.get("max")},
                    {"key": key, "min": str(spec.get("min")), "max": str(spec.get("max"))},
                )
            )
            continue
        clean[key] = value
    return clean, errors


# --- Products ---------------------------------------------------------------------------------


@dataclass
class ProductValues:
    brand: str
    model: str
    name: str
    device_type_code: str
    specifications: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    sale_price_fen: int | None = None
    monthly_rent_fen: int | None = None
    price_cap_fen: int | None = None
    rentable: bool = False
    requires_fitting: bool = False
    suits_needs: list[str] = field(default_factory=list)
    contraindications: list[str] = field(default_factory=list)
    suitability_note: str = ""
    # A JPEG or PNG photo uploaded with the product (``common.photos``).
    photo: bytes | None = None


def _money(errors: list[FieldError], name: str, value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        value = "x"
    try:
        fen = int(str(value).strip())
    except ValueError:
        fen = -1
    if fen < 0 or fen > MAX_PRICE_FEN:
        errors.append(
            FieldError(name, codes.PRICE_INVALID, _("Enter an amount in fen between 0 and 10^8."))
        )
        return None
    return fen


def check_product(
    values: ProductValues, *, prefix: str = ""
) -> tuple[dict[str, Any], list[FieldError]]:
    """The clean fields of a product, or the field errors (named ``prefix`` + field)."""
    errors: list[FieldError] = []
    sub: list[FieldError] = []
    clean: dict[str, Any] = {
        "brand": _text(sub, "brand", values.brand, required=True, limit=60),
        "model": _text(sub, "model", values.model, required=True, limit=60),
        "name": _text(sub, "name", values.name, required=True, limit=100),
        "description": _text(sub, "description", values.description, required=False, limit=2000),
        "suitability_note": _text(
            sub, "suitability_note", values.suitability_note, required=False, limit=200
        ),
    }
    if values.photo is not None:
        sub.extend(photo_errors(values.photo))
    code = " ".join(str(values.device_type_code or "").split())
    device_type = DeviceType.objects.filter(code=code).first()
    if device_type is None:
        sub.append(
            FieldError(
                "device_type",
                codes.TYPE_UNKNOWN,
                _("“%(code)s” is not a device type of the classification.") % {"code": code[:20]},
            )
        )
    elif device_type.level != DeviceTypeLevel.DIVISION:
        sub.append(
            FieldError(
                "device_type",
                codes.TYPE_NOT_DIVISION,
                _("Choose a division (three-level code such as 12 06 06), not a class."),
            )
        )
    else:
        clean["device_type"] = device_type
        specs, spec_errors = validate_specifications(device_type, values.specifications)
        clean["specifications"] = specs
        sub += spec_errors
    sale = _money(sub, "sale_price_fen", values.sale_price_fen)
    rent = _money(sub, "monthly_rent_fen", values.monthly_rent_fen)
    cap = _money(sub, "price_cap_fen", values.price_cap_fen)
    if sale is not None and cap is not None and sale > cap:
        sub.append(
            FieldError(
                "sale_price_fen",
                codes.PRICE_OVER_CAP,
                _("The sale price is above the price cap."),
            )
        )
    if values.rentable and not rent:
        sub.append(
            FieldError(
                "monthly_rent_fen",
                codes.RENT_REQUIRED,
                _("A rentable product needs a reference monthly rent."),
            )
        )
    if not values.rentable and sale is None:
        sub.append(
            FieldError(
                "sale_price_fen",
                codes.PRICE_INVALID,
                _("A product for sale only needs a sale price."),
            )
        )
    known = need_labels()
    for name in ("suits_needs", "contraindications"):
        listed = [str(n) for n in (getattr(values, name) or [])]
        unknown = [n for n in listed if n not in known]
        if unknown:
            sub.append(
                FieldError(
                    name,
                    codes.NEED_UNKNOWN,
                    _("Unknown need: %(need)s") % {"need": unknown[0][:30]},
                )
            )
        clean[name] = listed
    clean.update(
        sale_price_fen=sale,
        monthly_rent_fen=rent,
        price_cap_fen=cap,
        rentable=bool(values.rentable),
        requires_fitting=bool(values.requires_fitting),
    )
    for error in sub:
        errors.append(FieldError(prefix + error.field, error.code, error.message, error.params))
    return clean, errors


def product_save(
    *,
    ctx: AuditContext,
    enterprise: Enterprise,
    values: ProductValues,
    product: Product | None = None,
) -> Product:
    """Create a product (a draft until admitted) or change one. Curators change any product;
    an enterprise's members change their own drafts and rejected products."""
    if not may_curate(ctx.actor):
        if not is_member(ctx.actor, enterprise):
            raise _denied()
        if product is not None and product.status not in {
            ListingStatus.DRAFT,
            ListingStatus.REJECTED,
        }:
            raise DomainError(
                code=codes.ILLEGAL_STEP,
                status=409,
                message=_("A product under admission or listed is changed by the curators."),
            )
    clean, errors = check_product(values)
    if errors:
        raise ValidationFailed(errors)
    duplicate = Product.objects.filter(
        enterprise=enterprise, brand=clean["brand"], model=clean["model"]
    )
    if product is not None:
        duplicate = duplicate.exclude(pk=product.pk)
    if duplicate.exists():
        raise ValidationFailed(
            [
                FieldError(
                    "model", codes.DUPLICATE_MODEL, _("This enterprise already lists this model.")
                )
            ]
        )
    with transaction.atomic():
        if product is None:
            product = Product.objects.create(enterprise=enterprise, **clean)
            action = AuditAction.CREATE
        else:
            for key, value in clean.items():
                setattr(product, key, value)
            product.save()
            action = AuditAction.UPDATE
        if values.photo is not None:
            _keep_photo(ctx, values.photo, product=product)
        _audit(
            ctx,
            entity_type="assistive.product",
            entity_id=product.pk,
            action=action,
            summary=f"{product.brand} {product.model} ({product.device_type.code})",
        )
    return product


@dataclass
class ImportResult:
    created: int
    errors: list[FieldError]


IMPORT_COLUMNS = (
    "enterprise",
    "brand",
    "model",
    "name",
    "device_type",
    "sale_price_fen",
    "monthly_rent_fen",
    "price_cap_fen",
    "rentable",
    "requires_fitting",
    "specifications",
)


def _yes(value: Any) -> bool:
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "是"}


def products_import(*, ctx: AuditContext, rows: list[dict[str, Any]]) -> ImportResult:
    """Import catalogue rows (curators). Every row is checked; a single bad row refuses the
    whole file and every problem is reported with its row number (``row 3: model``), so
    nothing is half-written. ``specifications`` is a JSON object (text) or a dict."""
    import json

    if not may_curate(ctx.actor):
        raise _denied()
    errors: list[FieldError] = []
    pending: list[tuple[Enterprise | None, str, dict[str, Any]]] = []
    seen: set[tuple[str, str, str]] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        prefix = f"row {number}: "
        if not isinstance(row, dict):
            errors.append(FieldError(f"row {number}", codes.IMPORT_INVALID, _("Not a row.")))
            continue
        specs: Any = row.get("specifications") or {}
        if isinstance(specs, str):
            try:
                specs = json.loads(specs)
            except ValueError:
                errors.append(
                    FieldError(
                        prefix + "specifications",
                        codes.SPEC_INVALID,
                        _("Specifications must be a JSON object."),
                    )
                )
                continue
        values = ProductValues(
            brand=str(row.get("brand") or ""),
            model=str(row.get("model") or ""),
            name=str(row.get("name") or ""),
            device_type_code=str(row.get("device_type") or ""),
            specifications=specs,
            sale_price_fen=row.get("sale_price_fen"),
            monthly_rent_fen=row.get("monthly_rent_fen"),
            price_cap_fen=row.get("price_cap_fen"),
            rentable=_yes(row.get("rentable")),
            requires_fitting=_yes(row.get("requires_fitting")),
        )
        clean, row_errors = check_product(values, prefix=prefix)
        ent_name = str(row.get("enterprise") or "").strip()
        enterprise = Enterprise.objects.filter(name=ent_name).first()
        if not ent_name or len(ent_name) > 100:
            row_errors.append(
                FieldError(prefix + "enterprise", codes.FIELD_REQUIRED, _("Name the enterprise."))
            )
        key = (ent_name, clean.get("brand", ""), clean.get("model", ""))
        if key in seen or (
            enterprise is not None
            and Product.objects.filter(enterprise=enterprise, brand=key[1], model=key[2]).exists()
        ):
            row_errors.append(
                FieldError(
                    prefix + "model",
                    codes.DUPLICATE_MODEL,
                    _("This enterprise already lists this model."),
                )
            )
        seen.add(key)
        errors += row_errors
        if not row_errors:
            pending.append((enterprise, ent_name, clean))
    if errors or not pending:
        if not errors:
            errors.append(FieldError("file", codes.IMPORT_INVALID, _("The file has no rows.")))
        return ImportResult(created=0, errors=errors)
    with transaction.atomic():
        for enterprise, ent_name, clean in pending:
            if enterprise is None:
                enterprise, _created = Enterprise.objects.get_or_create(name=ent_name)
            product = Product.objects.create(enterprise=enterprise, **clean)
            _audit(
                ctx,
                entity_type="assistive.product",
                entity_id=product.pk,
                action=AuditAction.IMPORT,
                summary=f"{product.brand} {product.model}",
            )
    return ImportResult(created=len(pending), errors=[])


# --- Admission --------------------------------------------------------------------------------

# (from, to) → who may take the step: "curate" (curators) or "apply" (the enterprise).
STEPS: dict[tuple[str, str], str] = {
    (AdmissionStatus.SUBMITTED, AdmissionStatus.QUALIFIED): "curate",
    (AdmissionStatus.SUBMITTED, AdmissionStatus.REJECTED): "curate",
    (AdmissionStatus.QUALIFIED, AdmissionStatus.REVIEWED): "curate",
    (AdmissionStatus.QUALIFIED, AdmissionStatus.REJECTED): "curate",
    (AdmissionStatus.REVIEWED, AdmissionStatus.NOTICE): "curate",
    (AdmissionStatus.REVIEWED, AdmissionStatus.REJECTED): "curate",
    (AdmissionStatus.NOTICE, AdmissionStatus.LISTED): "curate",
    (AdmissionStatus.NOTICE, AdmissionStatus.REJECTED): "curate",
}


def _step(ctx: AuditContext, admission: Admission, to: str, reason: str) -> None:
    AdmissionStep.objects.create(
        admission=admission,
        from_status=admission.status if admission.pk and admission.status != to else "",
        to_status=to,
        actor=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        reason=reason,
    )


def admission_apply(
    *, ctx: AuditContext, product: Product, notice_days: int = 7, note: str = ""
) -> Admission:
    """An enterprise applies to list its product (draft or rejected)."""
    if not is_member(ctx.actor, product.enterprise):
        raise _denied(_("Only a member of the product's enterprise may apply."))
    if product.status not in {ListingStatus.DRAFT, ListingStatus.REJECTED}:
        raise DomainError(
            code=codes.ALREADY_APPLYING,
            status=409,
            message=_("This product is already under admission or listed."),
        )
    if not 1 <= int(notice_days) <= MAX_NOTICE_DAYS:
        raise ValidationFailed(
            [
                FieldError(
                    "notice_days",
                    codes.NOTICE_DAYS_INVALID,
                    _("The notice period is 1 to %(n)s days.") % {"n": MAX_NOTICE_DAYS},
                )
            ]
        )
    errors: list[FieldError] = []
    note = _text(errors, "note", note, required=False, limit=2000)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        admission = Admission.objects.create(
            product=product,
            status=AdmissionStatus.SUBMITTED,
            notice_days=int(notice_days),
            applied_by=ctx.actor,
        )
        _step(ctx, admission, AdmissionStatus.SUBMITTED, note)
        product.status = ListingStatus.PENDING
        product.save(update_fields=["status", "updated_at"])
        _audit(
            ctx,
            entity_type="assistive.admission",
            entity_id=admission.pk,
            summary=f"apply {product.brand} {product.model}",
        )
    return admission


def admission_advance(
    *, ctx: AuditContext, admission: Admission, to: str, reason: str, on: dt.date | None = None
) -> Admission:
    """Take one step of the admission. Illegal steps are refused naming the rule; a
    rejection and a listing after objections need a reason; listing waits for the end of the
    notice period."""
    today = on or timezone.localdate()
    with transaction.atomic():
        admission = (
            Admission.objects.select_for_update().select_related("product").get(pk=admission.pk)
        )
        who = STEPS.get((admission.status, to))
        if who is None:
            raise DomainError(
                code=codes.ILLEGAL_STEP,
                status=409,
                message=_("An admission that is “%(from)s” cannot become “%(to)s”.")
                % {
                    "from": AdmissionStatus(admission.status).label,
                    "to": AdmissionStatus(to).label
                    if to in AdmissionStatus.values
                    else str(to)[:20],
                },
            )
        if not may_curate(ctx.actor):
            raise _denied(_("Only catalogue curators decide admissions."))
        errors: list[FieldError] = []
        reason = _text(errors, "reason", reason, required=False, limit=2000)
        if errors:
            raise ValidationFailed(errors)
        needs_reason = to == AdmissionStatus.REJECTED or (
            to == AdmissionStatus.LISTED and admission.objections.exists()
        )
        if needs_reason and not reason:
            raise ValidationFailed(
                [
                    FieldError(
                        "reason",
                        codes.REASON_REQUIRED,
                        _("Give the reason (a rejection, or listing despite objections)."),
                    )
                ]
            )
        if to == AdmissionStatus.LISTED and admission.notice_ends and today < admission.notice_ends:
            raise DomainError(
                code=codes.NOTICE_NOT_OVER,
                status=409,
                message=_("The public notice period runs until %(day)s.")
                % {"day": admission.notice_ends.isoformat()},
            )
        previous = admission.status
        _step(ctx, admission, to, reason)
        admission.status = to
        if to == AdmissionStatus.NOTICE:
            admission.notice_starts = today
            admission.notice_ends = today + dt.timedelta(days=admission.notice_days)
        admission.save()
        product = admission.product
        if to == AdmissionStatus.LISTED:
            product.status = ListingStatus.LISTED
            product.listed_at = timezone.now()
        elif to == AdmissionStatus.REJECTED:
            product.status = ListingStatus.REJECTED
        product.save()
        _audit(
            ctx,
            entity_type="assistive.admission",
            entity_id=admission.pk,
            action=AuditAction.UPDATE,
            summary=f"{previous} → {to}",
            changes={"status": [previous, to], "reason": reason[:200]},
        )
    return admission


def objection_record(
    *, ctx: AuditContext, admission: Admission, raised_by: str, text: str
) -> Objection:
    """Record an objection received during the public notice period."""
    if not may_curate(ctx.actor):
        raise _denied()
    if admission.status != AdmissionStatus.NOTICE:
        raise DomainError(
            code=codes.ILLEGAL_STEP,
            status=409,
            message=_("Objections are recorded during the public notice period only."),
        )
    errors: list[FieldError] = []
    raised_by = _text(errors, "raised_by", raised_by, required=True, limit=100)
    text = _text(errors, "text", text, required=True, limit=2000)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        objection = Objection.objects.create(
            admission=admission, raised_by=raised_by, text=text, recorded_by=ctx.actor
        )
        _audit(
            ctx,
            entity_type="assistive.admission",
            entity_id=admission.pk,
            action=AuditAction.UPDATE,
            summary=f"objection by {raised_by}",
        )
    return objection


# --- Needs and recommendation decisions ------------------------------------------------------


def _require_consult(ctx: AuditContext, elder: Any) -> None:
    if not actor_has_perm(ctx.actor, Perm.ASSISTIVE_CONSULT, elder.region_id):
        raise _denied()


def need_declare(*, ctx: AuditContext, elder: Any, need: str, note: str = "") -> ElderNeed:
    _require_consult(ctx, elder)
    if need not in need_labels():
        raise ValidationFailed([FieldError("need", codes.NEED_UNKNOWN, _("Unknown need."))])
    errors: list[FieldError] = []
    note = _text(errors, "note", note, required=False, limit=200)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        existing = ElderNeed.objects.filter(elder=elder, need=need, withdrawn_at__isnull=True)
        if existing.exists():
            return existing.get()
        row = ElderNeed.objects.create(
            elder=elder, region_id=elder.region_id, need=need, note=note, declared_by=ctx.actor
        )
        _audit(
            ctx,
            entity_type="assistive.need",
            entity_id=row.pk,
            region_code=elder.region_id,
            summary=f"need {need}",
        )
    return row


def need_withdraw(*, ctx: AuditContext, need: ElderNeed) -> None:
    if not actor_has_perm(ctx.actor, Perm.ASSISTIVE_CONSULT, need.region_id):
        raise _denied()
    with transaction.atomic():
        need.withdrawn_at = timezone.now()
        need.save(update_fields=["withdrawn_at", "updated_at"])
        _audit(
            ctx,
            entity_type="assistive.need",
            entity_id=need.pk,
            region_code=need.region_id,
            action=AuditAction.DELETE,
            summary=f"need {need.need} withdrawn",
        )


def recommendation_decide(
    *, ctx: AuditContext, elder: Any, device_type: DeviceType, status: str, note: str
) -> RecommendationDecision:
    """A consultant adds a device type to the elder's recommendations or dismisses one,
    with a note; the latest decision per type counts."""
    _require_consult(ctx, elder)
    errors: list[FieldError] = []
    if status not in RecommendationStatus.values:
        errors.append(FieldError("status", codes.SPEC_INVALID, _("Choose add or dismiss.")))
    note = _text(errors, "note", note, required=True, limit=2000)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        RecommendationDecision.objects.filter(
            elder=elder, device_type=device_type, superseded_at__isnull=True
        ).update(superseded_at=timezone.now())
        decision = RecommendationDecision.objects.create(
            elder=elder,
            region_id=elder.region_id,
            device_type=device_type,
            status=status,
            note=note,
            decided_by=ctx.actor,
        )
        _audit(
            ctx,
            entity_type="assistive.recommendation",
            entity_id=decision.pk,
            region_code=elder.region_id,
            summary=f"{status} {device_type.code}",
            changes={"note": note[:200]},
        )
    return decision


# --- Fittings ---------------------------------------------------------------------------------


def consultant_qualified(actor: Any, on: dt.date | None = None) -> bool:
    """The fitting gate: a valid AT-consultant qualification on file (training)."""
    from silvercare.training.choices import Kind
    from silvercare.training.selectors import qualification_valid

    return qualification_valid(actor, Kind.AT_CONSULTANT, on=on)


@dataclass
class FittingValues:
    product_id: Any
    fitted_on: dt.date | None
    training_elder: str
    signed_name: str
    signature_confirmed: bool
    measurements: dict[str, Any] = field(default_factory=dict)
    adjustments: str = ""
    training_family: str = ""
    photo: bytes | None = None


def fitting_record(*, ctx: AuditContext, elder: Any, values: FittingValues) -> Fitting:
    """Record a completed fitting; the consultant needs assistive.consult in the elder's
    area and a valid AT-consultant qualification. Follow-ups are scheduled at 7 and 30 days."""
    from silvercare.assistive.selectors import product_get

    _require_consult(ctx, elder)
    today = timezone.localdate()
    if not consultant_qualified(ctx.actor, today):
        raise DomainError(
            code=codes.NOT_QUALIFIED,
            status=403,
            message=_(
                "A fitting is recorded by a consultant with a valid assistive-technology "
                "consultant qualification on file."
            ),
        )
    errors: list[FieldError] = []
    product: Product | None = None
    try:
        product = product_get(values.product_id)
    except DomainError:
        errors.append(FieldError("product", codes.PRODUCT_NOT_LISTED, _("Choose a product.")))
    if product is not None and product.status != ListingStatus.LISTED:
        errors.append(
            FieldError("product", codes.PRODUCT_NOT_LISTED, _("This product is not listed."))
        )
    fitted_on = values.fitted_on
    if fitted_on is None or fitted_on > today or fitted_on < today - dt.timedelta(days=90):
        errors.append(
            FieldError(
                "fitted_on",
                codes.DATE_INVALID,
                _("The fitting date is today or within the last 90 days."),
            )
        )
    training_elder = _text(
        errors, "training_elder", values.training_elder, required=True, limit=2000
    )
    training_family = _text(
        errors, "training_family", values.training_family, required=False, limit=2000
    )
    adjustments = _text(errors, "adjustments", values.adjustments, required=False, limit=2000)
    signed_name = _text(errors, "signed_name", values.signed_name, required=True, limit=50)
    if not values.signature_confirmed:
        errors.append(
            FieldError(
                "signature_confirmed",
                codes.SIGNATURE_REQUIRED,
                _("The elder or a family member confirms the fitting and training."),
            )
        )
    measurements: dict[str, Any] = {}
    if not isinstance(values.measurements, dict) or len(values.measurements) > 20:
        errors.append(
            FieldError("measurements", codes.MEASUREMENT_INVALID, _("Measurements not valid."))
        )
    else:
        for key, raw in values.measurements.items():
            name = str(key).strip()[:40]
            if raw in (None, ""):
                continue
            try:
                number = Decimal(str(raw).strip())
                if not number.is_finite() or not 0 < number < 1000:
                    raise ValueError
            except (ValueError, InvalidOperation):
                errors.append(
                    FieldError(
                        f"measurements.{name}",
                        codes.MEASUREMENT_INVALID,
                        _("A measurement is a number between 0 and 1000."),
                    )
                )
                continue
            measurements[name] = float(number)
    if values.photo is not None:
        errors.extend(photo_errors(values.photo))
    if errors or product is None or fitted_on is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        fitting = Fitting.objects.create(
            elder=elder,
            region_id=elder.region_id,
            product=product,
            device_type=product.device_type,
            consultant=ctx.actor,
            status=FittingStatus.COMPLETED,
            fitted_on=fitted_on,
            measurements=measurements,
            adjustments=adjustments,
            training_elder=training_elder,
            training_family=training_family,
            signed_name=signed_name,
        )
        if values.photo is not None:
            _keep_photo(ctx, values.photo, fitting=fitting)
        FollowUp.objects.bulk_create(
            [
                FollowUp(fitting=fitting, day=day, due_on=fitted_on + dt.timedelta(days=day))
                for day in FOLLOW_UP_DAYS
            ]
        )
        _audit(
            ctx,
            entity_type="assistive.fitting",
            entity_id=fitting.pk,
            region_code=elder.region_id,
            summary=f"fitting {product.brand} {product.model}",
        )
    return fitting


def _keep_photo(
    ctx: AuditContext,
    content: bytes,
    *,
    product: Product | None = None,
    fitting: Fitting | None = None,
) -> Photo:
    return Photo.objects.create(
        product=product,
        fitting=fitting,
        content_type=photo_kind(content) or "",
        content=content,
        size=len(content),
        uploaded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )


def photo_add(
    *,
    ctx: AuditContext,
    content: bytes,
    product: Product | None = None,
    fitting: Fitting | None = None,
) -> Photo:
    """Add a JPEG or PNG photo to a product (its enterprise's members while it is a draft or
    rejected, or a curator) or to a fitting (a consultant of the elder's area)."""
    if product is not None and fitting is None:
        editable = product.status in {ListingStatus.DRAFT, ListingStatus.REJECTED}
        allowed = may_curate(ctx.actor) or (editable and is_member(ctx.actor, product.enterprise))
        entity_type, entity_id, region_code = "assistive.product", product.pk, ""
    elif fitting is not None and product is None:
        allowed = actor_has_perm(ctx.actor, Perm.ASSISTIVE_CONSULT, fitting.region_id)
        entity_type, entity_id, region_code = "assistive.fitting", fitting.pk, fitting.region_id
    else:
        raise ValueError("a photo belongs to one product or one fitting")
    if not allowed:
        raise _denied()
    errors = photo_errors(content)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        photo = _keep_photo(ctx, content, product=product, fitting=fitting)
        _audit(
            ctx,
            entity_type=entity_type,
            entity_id=entity_id,
            region_code=region_code,
            summary="photo added",
        )
    return photo


def followup_record(
    *,
    ctx: AuditContext,
    follow_up: FollowUp,
    outcome: str,
    note: str = "",
    on: dt.date | None = None,
) -> FollowUp:
    fitting = follow_up.fitting
    if not actor_has_perm(ctx.actor, Perm.ASSISTIVE_CONSULT, fitting.region_id):
        raise _denied()
    if follow_up.done_on is not None:
        raise DomainError(
            code=codes.FOLLOWUP_DONE, status=409, message=_("This follow-up is already recorded.")
        )
    errors: list[FieldError] = []
    if outcome not in FOLLOW_UP_OUTCOMES:
        errors.append(FieldError("outcome", codes.OUTCOME_INVALID, _("Choose an outcome.")))
    note = _text(errors, "note", note, required=False, limit=2000)
    day = on or timezone.localdate()
    if day < fitting.fitted_on or day > timezone.localdate():
        errors.append(
            FieldError("done_on", codes.DATE_INVALID, _("The date is between fitting and today."))
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        follow_up.done_on = day
        follow_up.outcome = outcome
        follow_up.note = note
        follow_up.recorded_by = ctx.actor
        follow_up.save()
        _audit(
            ctx,
            entity_type="assistive.fitting",
            entity_id=fitting.pk,
            region_code=fitting.region_id,
            action=AuditAction.UPDATE,
            summary=f"follow-up day {follow_up.day}: {outcome}",
        )
    return follow_up


# --- Quotes -----------------------------------------------------------------------------------


def product_quote(
    *, ctx: AuditContext, elder: Any, product: Product, on: dt.date | None = None
) -> Any:
    """The subsidies quote of one product for the elder: a month's rent when rentable
    (``device_rental``), else the sale price (``device_purchase``); item code = the device
    type's code. None when the product has no price for that kind."""
    from silvercare.subsidies.services import Item, quote

    kind, price = (
        ("device_rental", product.monthly_rent_fen)
        if product.rentable
        else ("device_purchase", product.sale_price_fen)
    )
    if not price:
        return None
    return quote(
        actor=ctx.actor,
        elder=elder,
        item=Item(
            kind=kind,
            code=product.device_type.code,
            label=f"{product.brand} {product.model}"[:200],
            ref=f"assistive-product:{product.pk}",
        ),
        price_fen=int(price),
        on=on or timezone.localdate(),
        ctx=ctx,
    )
