"""Every read of the assistive capability, scoped to the actor; and the questions other
capabilities ask: ``product_get(product_id)`` and ``fitting_on_file(elder_id=, product_id=)``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.assistive.models import (
    Admission,
    AdmissionStatus,
    AdmissionStep,
    DeviceType,
    ElderNeed,
    Enterprise,
    Fitting,
    FittingStatus,
    FollowUp,
    ListingStatus,
    Photo,
    Product,
    RecommendationDecision,
    RecommendationStatus,
)
from silvercare.assistive.rules import evaluate
from silvercare.common.errors import NotFound
from silvercare.common.selectors import one_visible


def product_get(product_id: Any) -> Product:
    """The product (any listing status); ``NotFound`` when there is none."""
    try:
        return Product.objects.select_related("device_type", "enterprise").get(pk=product_id)
    except (Product.DoesNotExist, DjangoValidationError, ValueError):
        raise NotFound() from None


def fitting_on_file(*, elder_id: Any, product_id: Any) -> bool:
    """Whether a completed fitting exists for this elder and this product, or for another
    product of the same device type (a fitting is of the device type to the person)."""
    try:
        product = Product.objects.only("device_type_id").get(pk=product_id)
    except (Product.DoesNotExist, DjangoValidationError, ValueError):
        return False
    try:
        return (
            Fitting.objects.filter(elder_id=elder_id, status=FittingStatus.COMPLETED)
            .filter(Q(product_id=product.pk) | Q(device_type_id=product.device_type_id))
            .exists()
        )
    except (DjangoValidationError, ValueError):
        return False


# --- Catalogue --------------------------------------------------------------------------------


def device_types(*, level: str | None = None) -> QuerySet[DeviceType]:
    qs = DeviceType.objects.all()
    if level:
        qs = qs.filter(level=level)
    return qs


def device_type_get(code: str) -> DeviceType:
    digits = "".join(ch for ch in str(code)[:12] if ch.isdigit())
    if len(digits) not in (2, 4, 6):
        raise NotFound()
    found = DeviceType.objects.filter(
        code=" ".join(digits[i : i + 2] for i in range(0, len(digits), 2))
    ).first()
    if found is None:
        raise NotFound()
    return found


def device_type_tree() -> list[dict[str, Any]]:
    """Classes with their subclasses and divisions, and the number of listed products
    (a parent counts its divisions' products)."""
    counts: dict[str, int] = {}
    for code, n in (
        Product.objects.filter(status=ListingStatus.LISTED)
        .values_list("device_type__code")
        .annotate(n=Count("id"))
        .values_list("device_type__code", "n")
    ):
        parts = code.split()
        for depth in range(1, len(parts) + 1):
            key = " ".join(parts[:depth])
            counts[key] = counts.get(key, 0) + n
    index: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for node in DeviceType.objects.order_by("code"):
        entry: dict[str, Any] = {"type": node, "children": [], "listed": counts.get(node.code, 0)}
        index[node.code] = entry
        parent = " ".join(node.code.split()[:-1])
        if parent in index:
            index[parent]["children"].append(entry)
        else:
            roots.append(entry)
    return roots


def may_curate(actor: Any) -> bool:
    return actor_has_perm(actor, Perm.ASSISTIVE_CURATE)


def enterprises_of(actor: Any) -> QuerySet[Enterprise]:
    """The suppliers the actor acts for: as a member of the registry enterprise (industry),
    or as a member of a supplier not yet linked to the registry."""
    from silvercare.industry.selectors import enterprises_of_member

    if getattr(actor, "pk", None) is None or not actor_has_perm(actor, Perm.ASSISTIVE_APPLY):
        return Enterprise.objects.none()
    registry_ids = enterprises_of_member(actor).values("pk")
    return Enterprise.objects.filter(Q(members=actor) | Q(registry__in=registry_ids)).distinct()


def products_of_registry_enterprise(actor: Any, registry_id: Any) -> QuerySet[Product]:
    """The products a registry enterprise lists in the catalogue (for its registry page):
    the listed ones, and its drafts and applications for its own members and curators."""
    return product_list(actor=actor, include_unlisted=True).filter(
        enterprise__registry_id=registry_id
    )


def product_list(
    *,
    actor: Any = None,
    type_code: str = "",
    q: str = "",
    rentable: bool | None = None,
    include_unlisted: bool = False,
) -> QuerySet[Product]:
    """Listed products (the public catalogue); curators and the product's own enterprise
    also see drafts and products under admission when ``include_unlisted``."""
    qs = Product.objects.select_related("device_type", "enterprise")
    if include_unlisted and may_curate(actor):
        pass
    elif include_unlisted:
        qs = qs.filter(Q(status=ListingStatus.LISTED) | Q(enterprise__in=enterprises_of(actor)))
    else:
        qs = qs.filter(status=ListingStatus.LISTED)
    code = " ".join(type_code.replace("-", " ").split())
    if code:
        qs = qs.filter(device_type__code__startswith=code)
    if q:
        qs = qs.filter(
            Q(brand__icontains=q)
            | Q(model__icontains=q)
            | Q(name__icontains=q)
            | Q(device_type__name_zh__icontains=q)
            | Q(device_type__name_en__icontains=q)
        )
    if rentable is not None:
        qs = qs.filter(rentable=rentable)
    return qs.order_by("device_type__code", "brand", "model")


def product_get_for(*, actor: Any, product_id: Any) -> Product:
    return one_visible(product_list(actor=actor, include_unlisted=True), product_id)


def spec_rows(product: Product, language: str = "en") -> list[tuple[str, str]]:
    """(label, value with unit) of the product's specifications, in schema order."""
    rows = []
    for spec in product.device_type.attribute_schema:
        if spec["key"] not in product.specifications:
            continue
        value = product.specifications[spec["key"]]
        if isinstance(value, bool):
            text = (
                ("是" if value else "否")
                if language.startswith("zh")
                else ("yes" if value else "no")
            )
        else:
            text = f"{value} {spec.get('unit', '')}".strip()
        rows.append((spec["label_zh"] if language.startswith("zh") else spec["label_en"], text))
    return rows


OPEN_COLUMNS = (
    "id",
    "enterprise",
    "brand",
    "model",
    "name",
    "iso_code",
    "national_code",
    "type_zh",
    "type_en",
    "who_priority",
    "province_basic",
    "sale_price_fen",
    "monthly_rent_fen",
    "price_cap_fen",
    "rentable",
    "requires_fitting",
    "specifications",
    "listed_at",
)


def open_products() -> list[dict[str, Any]]:
    """The listed catalogue as open data (no personal data in it)."""
    out = []
    for p in product_list().order_by("device_type__code", "brand", "model", "id"):
        t = p.device_type
        out.append(
            {
                "id": str(p.pk),
                "enterprise": p.enterprise.name,
                "brand": p.brand,
                "model": p.model,
                "name": p.name,
                "iso_code": t.code,
                "national_code": t.national_code,
                "type_zh": t.name_zh,
                "type_en": t.name_en,
                "who_priority": t.who_priority,
                "province_basic": t.province_basic,
                "sale_price_fen": p.sale_price_fen,
                "monthly_rent_fen": p.monthly_rent_fen,
                "price_cap_fen": p.price_cap_fen,
                "rentable": p.rentable,
                "requires_fitting": p.requires_fitting,
                "specifications": p.specifications,
                "listed_at": p.listed_at.isoformat() if p.listed_at else None,
            }
        )
    return out


# --- Admission --------------------------------------------------------------------------------


def admission_list(*, actor: Any, status: str = "") -> QuerySet[Admission]:
    """Curators see every admission; an enterprise its own; others none."""
    qs = Admission.objects.select_related("product", "product__enterprise", "product__device_type")
    if not may_curate(actor):
        qs = qs.filter(product__enterprise__in=enterprises_of(actor))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def admission_get_for(*, actor: Any, admission_id: Any) -> Admission:
    return one_visible(admission_list(actor=actor), admission_id)


def admission_steps(admission: Admission) -> QuerySet[AdmissionStep]:
    return admission.steps.select_related("actor").order_by("at", "id")


def admissions_in_notice(on: dt.date | None = None) -> QuerySet[Admission]:
    """Products in their public notice period (public: anyone may object)."""
    day = on or timezone.localdate()
    return (
        admission_list(actor=None)
        .model.objects.filter(status=AdmissionStatus.NOTICE, notice_ends__gte=day)
        .select_related("product", "product__enterprise", "product__device_type")
    )


# --- Recommendations --------------------------------------------------------------------------


@dataclass
class Recommendation:
    device_type: DeviceType
    reasons_zh: list[str] = field(default_factory=list)
    reasons_en: list[str] = field(default_factory=list)
    rules: list[str] = field(default_factory=list)
    decision: RecommendationDecision | None = None
    products: list[Product] = field(default_factory=list)

    @property
    def dismissed(self) -> bool:
        return self.decision is not None and self.decision.status == RecommendationStatus.DISMISSED

    @property
    def added(self) -> bool:
        return self.decision is not None and self.decision.status == RecommendationStatus.ADDED

    def reason(self, language: str) -> str:
        zh = language.startswith("zh")
        parts = self.reasons_zh if zh else self.reasons_en
        return "; ".join(parts)


def needs_of(elder: Any) -> QuerySet[ElderNeed]:
    return ElderNeed.objects.filter(elder=elder, withdrawn_at__isnull=True).order_by("need")


def choose_products(
    device_type: DeviceType, limit: int = 3, needs: set[str] | frozenset[str] = frozenset()
) -> list[Product]:
    """At least two products of different price (and so usually function) where the
    catalogue has them: the cheapest, the dearest and one between. A product whose
    suitability rules name one of the elder's needs as "not for" is left out."""
    listed = [
        p
        for p in Product.objects.filter(device_type=device_type, status=ListingStatus.LISTED)
        .select_related("enterprise", "device_type")
        .order_by("sale_price_fen", "monthly_rent_fen", "brand", "model")
        if not needs & set(p.contraindications or [])
    ]

    def price(p: Product) -> int:
        return int(p.sale_price_fen or (p.monthly_rent_fen or 0) * 12)

    listed.sort(key=lambda p: (price(p), p.brand, p.model))
    if len(listed) <= limit:
        return listed
    picks = [listed[0], listed[len(listed) // 2], listed[-1]]
    return [p for i, p in enumerate(picks) if p not in picks[:i]][:limit]


def recommendations_for(elder: Any) -> list[Recommendation]:
    """The device types the rules point to from the elder's latest assessment answers and
    declared needs, each with its reasons; plus types a consultant added; a dismissed type
    stays in the list marked dismissed (with the note)."""
    from silvercare.assessments.selectors import assessment_latest_answers

    answers = assessment_latest_answers(elder)
    items = answers.items if answers else {}
    forms = answers.forms if answers else {}
    needs = set(needs_of(elder).values_list("need", flat=True))
    by_code: dict[str, Recommendation] = {}
    matches = evaluate(items, forms, needs)
    wanted = {code for m in matches for code in m.type_codes}
    decisions = list(
        RecommendationDecision.objects.filter(
            elder=elder, superseded_at__isnull=True
        ).select_related("device_type", "decided_by")
    )
    wanted |= {d.device_type.code for d in decisions}
    types = {t.code: t for t in DeviceType.objects.filter(code__in=wanted)}
    for match in matches:
        names_zh = " 或 ".join(types[c].name_zh for c in match.type_codes if c in types)
        names_en = " or ".join(types[c].name_en for c in match.type_codes if c in types)
        for code in match.type_codes:
            if code not in types:
                continue
            rec = by_code.setdefault(code, Recommendation(device_type=types[code]))
            rec.rules.append(match.rule)
            rec.reasons_zh.append(f"{'; '.join(match.reasons_zh)} → {names_zh}")
            rec.reasons_en.append(f"{'; '.join(match.reasons_en)} → {names_en}")
    for decision in decisions:
        rec = by_code.setdefault(
            decision.device_type.code, Recommendation(device_type=decision.device_type)
        )
        rec.decision = decision
    out = sorted(by_code.values(), key=lambda r: (r.dismissed, r.device_type.code))
    for rec in out:
        if not rec.dismissed:
            rec.products = choose_products(rec.device_type, needs=needs)
    return out


# --- Fittings ---------------------------------------------------------------------------------


def fitting_list(*, actor: Any, elder: Any = None) -> QuerySet[Fitting]:
    qs = Fitting.objects.visible_to(actor, Perm.ASSISTIVE_VIEW).select_related(
        "product", "product__enterprise", "device_type", "consultant", "elder"
    )
    if elder is not None:
        qs = qs.filter(elder=elder)
    return qs.order_by("-fitted_on", "-created_at")


def fitting_get_for(*, actor: Any, fitting_id: Any) -> Fitting:
    return one_visible(fitting_list(actor=actor), fitting_id)


def photo_get_for(*, actor: Any, photo_id: Any) -> tuple[Photo, bool]:
    """A photo and whether it is public (a listed product's). A product's photo follows the
    product's visibility, a fitting's the fitting's scope; NotFound otherwise."""
    photo = one_visible(Photo.objects.select_related("product"), photo_id)
    if photo.product is not None:
        if photo.product.status == ListingStatus.LISTED:
            return photo, True
        product_get_for(actor=actor, product_id=photo.product_id)
        return photo, False
    fitting_get_for(actor=actor, fitting_id=photo.fitting_id)
    return photo, False


def photo_ids(*, product: Product | None = None, fitting: Fitting | None = None) -> list[Any]:
    """The ids of a product's or a fitting's photos, oldest first."""
    qs = Photo.objects.filter(product=product) if product else Photo.objects.filter(fitting=fitting)
    return list(qs.values_list("pk", flat=True))


def follow_ups_due(*, actor: Any, on: dt.date | None = None) -> QuerySet[FollowUp]:
    day = on or timezone.localdate()
    return (
        FollowUp.objects.filter(
            fitting__in=fitting_list(actor=actor), done_on__isnull=True, due_on__lte=day
        )
        .select_related("fitting", "fitting__elder", "fitting__product")
        .order_by("due_on")
    )


def fitted_elder_ids(*, until: dt.date) -> QuerySet[Fitting, Any]:
    """The elders with a completed fitting on or before ``until`` (a subquery of elder ids,
    for the indicators)."""
    return Fitting.objects.filter(status=FittingStatus.COMPLETED, fitted_on__lte=until).values(
        "elder_id"
    )
