"""Endpoints under /api/v1/assistive: classification, catalogue, admissions, an elder's
recommendations (with quotes) and needs, fittings and follow-ups. Region-scoped like every
read; the listed catalogue is public data and readable by anyone holding assistive.view."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import get_language
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.assistive import selectors, services
from silvercare.assistive.models import (
    Admission,
    DeviceType,
    Enterprise,
    Fitting,
    FollowUp,
    Product,
)
from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.no_store import mark_no_store
from silvercare.common.photos import PHOTO_MAX_BYTES
from silvercare.common.request import audit_ctx
from silvercare.common.text import MultilineText, NameText, PlainText

router = Router(tags=["assistive"])

_FEN = Field(None, ge=0, le=100_000_000)


def _view(request: HttpRequest) -> None:
    if not actor_has_perm(request.user, Perm.ASSISTIVE_VIEW):
        raise NotFound()


class DeviceTypeOut(Schema):
    code: str
    level: str
    name_zh: str
    name_en: str
    national_code: str
    who_priority: bool
    province_basic: bool
    attribute_schema: list[dict[str, Any]]


class ProductOut(Schema):
    id: uuid.UUID
    enterprise: str
    brand: str
    model: str
    name: str
    device_type: str
    specifications: dict[str, Any]
    sale_price_fen: int | None
    monthly_rent_fen: int | None
    price_cap_fen: int | None
    rentable: bool
    requires_fitting: bool
    suits_needs: list[str]
    status: str


class ProductIn(Schema):
    enterprise_id: uuid.UUID
    brand: NameText = Field(min_length=1, max_length=60)
    model: NameText = Field(min_length=1, max_length=60)
    name: NameText = Field(min_length=1, max_length=100)
    device_type: PlainText = Field(min_length=2, max_length=12)
    specifications: dict[str, Any] = Field(default_factory=dict)
    description: MultilineText = Field("", max_length=2000)
    sale_price_fen: int | None = _FEN
    monthly_rent_fen: int | None = _FEN
    price_cap_fen: int | None = _FEN
    rentable: bool = False
    requires_fitting: bool = False
    suits_needs: list[PlainText] = Field(default_factory=list, max_length=20)
    suitability_note: PlainText = Field("", max_length=200)


class ProductPageOut(Schema):
    items: list[ProductOut]
    count: int


class ProductQuery(Schema):
    type: str = Field("", max_length=12, pattern=r"^[0-9 \-]*$")
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class StepOut(Schema):
    to_status: str
    from_status: str
    actor: str | None
    reason: str
    at: dt.datetime


class AdmissionOut(Schema):
    id: uuid.UUID
    product_id: uuid.UUID
    status: str
    notice_days: int
    notice_starts: dt.date | None
    notice_ends: dt.date | None
    steps: list[StepOut]
    objections: list[dict[str, Any]]


class ApplyIn(Schema):
    notice_days: int = Field(7, ge=1, le=60)
    note: MultilineText = Field("", max_length=2000)


class StepIn(Schema):
    to: Literal["qualified", "reviewed", "notice", "listed", "rejected"]
    reason: MultilineText = Field("", max_length=2000)


class ObjectionIn(Schema):
    raised_by: NameText = Field(min_length=1, max_length=100)
    text: MultilineText = Field(min_length=1, max_length=2000)


class QuoteOut(Schema):
    id: uuid.UUID
    item_kind: str
    price_fen: int
    elder_pays_fen: int


class RecommendedProductOut(Schema):
    product: ProductOut
    quote: QuoteOut | None


class RecommendationOut(Schema):
    device_type: str
    name: str
    reasons: list[str]
    rules: list[str]
    decision: str | None
    note: str
    products: list[RecommendedProductOut]


class DecisionIn(Schema):
    device_type: PlainText = Field(min_length=2, max_length=12)
    status: Literal["added", "dismissed"]
    note: MultilineText = Field(min_length=1, max_length=2000)


class NeedIn(Schema):
    need: PlainText = Field(min_length=1, max_length=32)
    note: PlainText = Field("", max_length=200)


class FollowUpOut(Schema):
    id: int
    day: int
    due_on: dt.date
    done_on: dt.date | None
    outcome: str
    note: str


class FittingOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    product_id: uuid.UUID
    device_type: str
    consultant: str
    fitted_on: dt.date
    measurements: dict[str, Any]
    adjustments: str
    training_elder: str
    training_family: str
    signed_name: str
    follow_ups: list[FollowUpOut]


class FittingIn(Schema):
    product_id: uuid.UUID
    fitted_on: dt.date
    measurements: dict[str, float] = Field(default_factory=dict)
    adjustments: MultilineText = Field("", max_length=2000)
    training_elder: MultilineText = Field(min_length=1, max_length=2000)
    training_family: MultilineText = Field("", max_length=2000)
    signed_name: NameText = Field(min_length=1, max_length=50)
    signature_confirmed: bool


class FollowUpIn(Schema):
    outcome: Literal["in_use", "adjusted", "not_used", "returned", "unreachable"]
    note: MultilineText = Field("", max_length=2000)


def present_type(t: DeviceType) -> dict[str, Any]:
    return {
        "code": t.code,
        "level": t.level,
        "name_zh": t.name_zh,
        "name_en": t.name_en,
        "national_code": t.national_code,
        "who_priority": t.who_priority,
        "province_basic": t.province_basic,
        "attribute_schema": t.attribute_schema,
    }


def present_product(p: Product) -> dict[str, Any]:
    return {
        "id": p.pk,
        "enterprise": p.enterprise.name,
        "brand": p.brand,
        "model": p.model,
        "name": p.name,
        "device_type": p.device_type.code,
        "specifications": p.specifications,
        "sale_price_fen": p.sale_price_fen,
        "monthly_rent_fen": p.monthly_rent_fen,
        "price_cap_fen": p.price_cap_fen,
        "rentable": p.rentable,
        "requires_fitting": p.requires_fitting,
        "suits_needs": p.suits_needs,
        "status": p.status,
    }


def present_admission(a: Admission) -> dict[str, Any]:
    return {
        "id": a.pk,
        "product_id": a.product_id,
        "status": a.status,
        "notice_days": a.notice_days,
        "notice_starts": a.notice_starts,
        "notice_ends": a.notice_ends,
        "steps": [
            {
                "to_status": s.to_status,
                "from_status": s.from_status,
                "actor": s.actor.get_username() if s.actor else None,
                "reason": s.reason,
                "at": s.at,
            }
            for s in selectors.admission_steps(a)
        ],
        "objections": [
            {"raised_by": o.raised_by, "text": o.text, "at": o.at.isoformat()}
            for o in a.objections.all()
        ],
    }


def present_fitting(f: Fitting) -> dict[str, Any]:
    return {
        "id": f.pk,
        "elder_id": f.elder_id,
        "product_id": f.product_id,
        "device_type": f.device_type.code,
        "consultant": f.consultant.get_username(),
        "fitted_on": f.fitted_on,
        "measurements": f.measurements,
        "adjustments": f.adjustments,
        "training_elder": f.training_elder,
        "training_family": f.training_family,
        "signed_name": f.signed_name,
        "follow_ups": [
            {
                "id": u.pk,
                "day": u.day,
                "due_on": u.due_on,
                "done_on": u.done_on,
                "outcome": u.outcome,
                "note": u.note,
            }
            for u in f.follow_ups.all()
        ],
    }


# --- Catalogue --------------------------------------------------------------------------------


@router.get("/device-types", response=list[DeviceTypeOut], summary="The classification")
def list_device_types(
    request: HttpRequest,
    level: str = Query("", pattern="^(|class|subclass|division)$"),  # type: ignore[type-arg]
) -> list[dict[str, Any]]:
    _view(request)
    return [present_type(t) for t in selectors.device_types(level=level or None)]


@router.get("/products", response=ProductPageOut, summary="Listed products")
def list_products(request: HttpRequest, query: Query[ProductQuery]) -> dict[str, Any]:
    _view(request)
    qs = selectors.product_list(type_code=query.type, q=query.q)
    start = (query.page - 1) * query.page_size
    return {
        "items": [present_product(p) for p in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.get("/products/{product_id}", response=ProductOut, summary="One product")
def get_product(request: HttpRequest, product_id: uuid.UUID) -> dict[str, Any]:
    _view(request)
    return present_product(selectors.product_get_for(actor=request.user, product_id=product_id))


def _enterprise(request: HttpRequest, enterprise_id: uuid.UUID) -> Enterprise:
    if selectors.may_curate(request.user):
        found = Enterprise.objects.filter(pk=enterprise_id).first()
    else:
        found = selectors.enterprises_of(request.user).filter(pk=enterprise_id).first()
    if found is None:
        raise ValidationFailed(
            [FieldError("enterprise_id", "unknown_enterprise", "Unknown enterprise.")]
        )
    return found


def _values(payload: ProductIn) -> services.ProductValues:
    return services.ProductValues(
        brand=payload.brand,
        model=payload.model,
        name=payload.name,
        device_type_code=payload.device_type,
        specifications=payload.specifications,
        description=payload.description,
        sale_price_fen=payload.sale_price_fen,
        monthly_rent_fen=payload.monthly_rent_fen,
        price_cap_fen=payload.price_cap_fen,
        rentable=payload.rentable,
        requires_fitting=payload.requires_fitting,
        suits_needs=list(payload.suits_needs),
        suitability_note=payload.suitability_note,
    )


@router.post("/products", response={201: ProductOut}, summary="Add a product (a draft)")
def create_product(request: HttpRequest, payload: ProductIn) -> Status[dict[str, Any]]:
    _view(request)
    product = services.product_save(
        ctx=audit_ctx(request, "api"),
        enterprise=_enterprise(request, payload.enterprise_id),
        values=_values(payload),
    )
    return Status(201, present_product(product))


@router.put("/products/{product_id}", response=ProductOut, summary="Change a product")
def update_product(
    request: HttpRequest, product_id: uuid.UUID, payload: ProductIn
) -> dict[str, Any]:
    _view(request)
    product = selectors.product_get_for(actor=request.user, product_id=product_id)
    product = services.product_save(
        ctx=audit_ctx(request, "api"),
        enterprise=product.enterprise,
        product=product,
        values=_values(payload),
    )
    return present_product(product)


@router.post(
    "/products/{product_id}/apply",
    response={201: AdmissionOut},
    summary="Apply to list a product (enterprise)",
)
def apply_product(
    request: HttpRequest, product_id: uuid.UUID, payload: ApplyIn
) -> Status[dict[str, Any]]:
    _view(request)
    product = selectors.product_get_for(actor=request.user, product_id=product_id)
    admission = services.admission_apply(
        ctx=audit_ctx(request, "api"),
        product=product,
        notice_days=payload.notice_days,
        note=payload.note,
    )
    return Status(201, present_admission(admission))


# --- Admissions -------------------------------------------------------------------------------


@router.get("/admissions", response=list[AdmissionOut], summary="Admissions you may see")
def list_admissions(
    request: HttpRequest,
    status: str = Query(  # type: ignore[type-arg]
        "", pattern="^(|submitted|qualified|reviewed|notice|listed|rejected)$"
    ),
) -> list[dict[str, Any]]:
    _view(request)
    return [
        present_admission(a)
        for a in selectors.admission_list(actor=request.user, status=status)[:200]
    ]


@router.get("/admissions/{admission_id}", response=AdmissionOut, summary="One admission")
def get_admission(request: HttpRequest, admission_id: uuid.UUID) -> dict[str, Any]:
    return present_admission(
        selectors.admission_get_for(actor=request.user, admission_id=admission_id)
    )


@router.post(
    "/admissions/{admission_id}/steps", response=AdmissionOut, summary="Take an admission step"
)
def admission_step(
    request: HttpRequest, admission_id: uuid.UUID, payload: StepIn
) -> dict[str, Any]:
    admission = selectors.admission_get_for(actor=request.user, admission_id=admission_id)
    admission = services.admission_advance(
        ctx=audit_ctx(request, "api"), admission=admission, to=payload.to, reason=payload.reason
    )
    return present_admission(admission)


@router.post(
    "/admissions/{admission_id}/objections",
    response={201: AdmissionOut},
    summary="Record an objection during the public notice",
)
def admission_objection(
    request: HttpRequest, admission_id: uuid.UUID, payload: ObjectionIn
) -> Status[dict[str, Any]]:
    admission = selectors.admission_get_for(actor=request.user, admission_id=admission_id)
    services.objection_record(
        ctx=audit_ctx(request, "api"),
        admission=admission,
        raised_by=payload.raised_by,
        text=payload.text,
    )
    return Status(201, present_admission(admission))


# --- Elders: recommendations, needs, fittings -------------------------------------------------


def _elder(request: HttpRequest, elder_id: uuid.UUID) -> Any:
    from silvercare.elders.selectors import elder_get_for

    return elder_get_for(actor=request.user, elder_id=elder_id, perm=Perm.ASSISTIVE_VIEW)


@router.get(
    "/elders/{elder_id}/recommendations",
    response=list[RecommendationOut],
    summary="Device types the assessment and declared needs point to, with products",
)
def recommendations(
    request: HttpRequest, response: HttpResponse, elder_id: uuid.UUID, quotes: bool = False
) -> list[dict[str, Any]]:
    """With ``quotes=true`` each product carries a stored subsidies quote (the elder's
    share); that needs subsidies.quote in the elder's area."""
    elder = _elder(request, elder_id)
    language = get_language() or "en"
    may_quote = quotes and actor_has_perm(request.user, Perm.SUBSIDIES_QUOTE, elder.region_id)
    ctx = audit_ctx(request, "api")
    out = []
    for rec in selectors.recommendations_for(elder):
        products = []
        for p in rec.products:
            q = services.product_quote(ctx=ctx, elder=elder, product=p) if may_quote else None
            products.append(
                {
                    "product": present_product(p),
                    "quote": {
                        "id": q.pk,
                        "item_kind": q.item_kind,
                        "price_fen": q.price_fen,
                        "elder_pays_fen": q.elder_pays_fen,
                    }
                    if q is not None
                    else None,
                }
            )
        out.append(
            {
                "device_type": rec.device_type.code,
                "name": rec.device_type.name,
                "reasons": rec.reasons_zh if language.startswith("zh") else rec.reasons_en,
                "rules": rec.rules,
                "decision": rec.decision.status if rec.decision else None,
                "note": rec.decision.note if rec.decision else "",
                "products": products,
            }
        )
    mark_no_store(response)
    return out


@router.post(
    "/elders/{elder_id}/recommendations/decisions",
    response={201: dict[str, Any]},
    summary="Add or dismiss a device type, with a note",
)
def decide(
    request: HttpRequest, elder_id: uuid.UUID, payload: DecisionIn
) -> Status[dict[str, Any]]:
    elder = _elder(request, elder_id)
    try:
        device_type = selectors.device_type_get(payload.device_type)
    except NotFound:
        raise ValidationFailed(
            [FieldError("device_type", "device_type_unknown", "Unknown device type.")]
        ) from None
    decision = services.recommendation_decide(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        device_type=device_type,
        status=payload.status,
        note=payload.note,
    )
    return Status(201, {"id": str(decision.pk), "status": decision.status})


@router.post("/elders/{elder_id}/needs", response={201: dict[str, Any]}, summary="Declare a need")
def declare_need(
    request: HttpRequest, elder_id: uuid.UUID, payload: NeedIn
) -> Status[dict[str, Any]]:
    elder = _elder(request, elder_id)
    need = services.need_declare(
        ctx=audit_ctx(request, "api"), elder=elder, need=payload.need, note=payload.note
    )
    return Status(201, {"id": str(need.pk), "need": need.need})


@router.get("/elders/{elder_id}/fittings", response=list[FittingOut], summary="Fittings")
def elder_fittings(request: HttpRequest, elder_id: uuid.UUID) -> list[dict[str, Any]]:
    elder = _elder(request, elder_id)
    return [present_fitting(f) for f in selectors.fitting_list(actor=request.user, elder=elder)]


@router.post("/elders/{elder_id}/fittings", response={201: FittingOut}, summary="Record a fitting")
def record_fitting(
    request: HttpRequest, elder_id: uuid.UUID, payload: FittingIn
) -> Status[dict[str, Any]]:
    elder = _elder(request, elder_id)
    fitting = services.fitting_record(
        ctx=audit_ctx(request, "api"),
        elder=elder,
        values=services.FittingValues(
            product_id=payload.product_id,
            fitted_on=payload.fitted_on,
            measurements=dict(payload.measurements),
            adjustments=payload.adjustments,
            training_elder=payload.training_elder,
            training_family=payload.training_family,
            signed_name=payload.signed_name,
            signature_confirmed=payload.signature_confirmed,
        ),
    )
    return Status(201, present_fitting(fitting))


class PhotoOut(Schema):
    id: uuid.UUID
    url: str


def _photo(
    request: HttpRequest,
    upload: UploadedFile,
    *,
    product: Any = None,
    fitting: Any = None,
) -> Status[dict[str, Any]]:
    photo = services.photo_add(
        ctx=audit_ctx(request, "api"),
        content=upload.read(PHOTO_MAX_BYTES + 1),
        product=product,
        fitting=fitting,
    )
    return Status(201, {"id": photo.pk, "url": reverse("assistive:photo", args=[photo.pk])})


@router.post(
    "/products/{product_id}/photos",
    response={201: PhotoOut},
    summary="Add a photo to a product (JPEG or PNG, at most 3 MB)",
)
def add_product_photo(
    request: HttpRequest, product_id: uuid.UUID, photo: File[UploadedFile]
) -> Status[dict[str, Any]]:
    _view(request)
    product = selectors.product_get_for(actor=request.user, product_id=product_id)
    return _photo(request, photo, product=product)


@router.post(
    "/fittings/{fitting_id}/photos",
    response={201: PhotoOut},
    summary="Add a photo to a fitting (JPEG or PNG, at most 3 MB)",
)
def add_fitting_photo(
    request: HttpRequest, fitting_id: uuid.UUID, photo: File[UploadedFile]
) -> Status[dict[str, Any]]:
    fitting = selectors.fitting_get_for(actor=request.user, fitting_id=fitting_id)
    return _photo(request, photo, fitting=fitting)


@router.get("/fittings/{fitting_id}", response=FittingOut, summary="One fitting")
def get_fitting(request: HttpRequest, fitting_id: uuid.UUID) -> dict[str, Any]:
    return present_fitting(selectors.fitting_get_for(actor=request.user, fitting_id=fitting_id))


@router.post(
    "/fittings/{fitting_id}/follow-ups/{day}",
    response=FittingOut,
    summary="Record the outcome of a follow-up (day 7 or 30)",
)
def record_follow_up(
    request: HttpRequest, fitting_id: uuid.UUID, day: int, payload: FollowUpIn
) -> dict[str, Any]:
    fitting = selectors.fitting_get_for(actor=request.user, fitting_id=fitting_id)
    follow_up = (
        FollowUp.objects.filter(fitting=fitting, day=day).first()
        if day in services.FOLLOW_UP_DAYS
        else None
    )
    if follow_up is None:
        raise NotFound()
    services.followup_record(
        ctx=audit_ctx(request, "api"),
        follow_up=follow_up,
        outcome=payload.outcome,
        note=payload.note,
    )
    return present_fitting(fitting)
