"""The catalogue of assistive products (device types by ISO 9999 / GB/T 16432 and products from
enterprises), its admission workflow, needs-based recommendations and fittings (验配)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel


class DeviceTypeLevel(models.TextChoices):
    CLASS = "class", _("class")
    SUBCLASS = "subclass", _("subclass")
    DIVISION = "division", _("division")


class DeviceType(models.Model):
    """One node of the ISO 9999 (= GB/T 16432-2016) classification: a class (``12``), a
    subclass (``12 06``) or a division (``12 06 06``). The national catalogue 2023 renumbers
    the classes 01–12 but keeps the subclass and division digits, so both codes are stored.
    Loaded from ``assistive/data/classification.json``, never typed in code."""

    code = models.CharField(_("ISO 9999 code"), max_length=8, unique=True)
    iso_class = models.CharField(_("class"), max_length=2)
    iso_subclass = models.CharField(_("subclass"), max_length=2, blank=True)
    iso_division = models.CharField(_("division"), max_length=2, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=DeviceTypeLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    national_code = models.CharField(_("national catalogue 2023 number"), max_length=12, blank=True)
    who_priority = models.BooleanField(_("WHO priority assistive product"), default=False)
    province_basic = models.BooleanField(_("province basic catalogue"), default=False)
    # Typed specifications a product of this type carries: a list of
    # {"key", "type": "int"|"decimal"|"text"|"bool"|"choice", "unit", "min", "max",
    #  "choices", "required", "label_en", "label_zh"}.
    attribute_schema = models.JSONField(_("specifications"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("device type")
        verbose_name_plural = _("device types")

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_zh if (get_language() or "").startswith("zh") else self.name_en

    @property
    def slug(self) -> str:
        return self.code.replace(" ", "")


class WhoPriorityItem(models.Model):
    """One row of the WHO Priority Assistive Products List (2016, 50 items) with its mapping
    to an ISO 9999 code; ``mapping_certain`` is false where the transcription is a best guess."""

    number = models.PositiveSmallIntegerField(unique=True)
    name_en = models.CharField(max_length=150)
    name_zh = models.CharField(max_length=100)
    iso_code = models.CharField(max_length=8, blank=True)
    mapping_certain = models.BooleanField(default=True)
    device_type = models.ForeignKey(
        DeviceType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name_en}"


class Enterprise(TimeStampedModel):
    """A manufacturer or supplier that lists products: the assistive profile (device licence,
    phone) of an enterprise of the one registry (``industry.Enterprise``), whose name and
    credit code it follows and whose members act for it. Its users hold assistive.apply."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    registry = models.OneToOneField(
        "industry.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registry enterprise"),
    )
    name = models.CharField(_("enterprise"), max_length=100, unique=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    licence = models.CharField(_("medical device licence"), max_length=60, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PENDING = "pending", _("applying")
    LISTED = "listed", _("listed")
    REJECTED = "rejected", _("rejected")
    DELISTED = "delisted", _("delisted")


class Product(TimeStampedModel):
    """A product model from an enterprise. Specifications are validated against the device
    type's ``attribute_schema``; money is in integer fen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="products", verbose_name=_("enterprise")
    )
    brand = models.CharField(_("brand"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    name = models.CharField(_("product name"), max_length=100)
    device_type = models.ForeignKey(
        DeviceType, on_delete=models.PROTECT, related_name="products", verbose_name=_("type")
    )
    specifications = models.JSONField(_("specifications"), default=dict, blank=True)
    description = models.TextField(_("description"), blank=True)
    sale_price_fen = models.PositiveIntegerField(_("sale price (fen)"), null=True, blank=True)
    monthly_rent_fen = models.PositiveIntegerField(
        _("reference monthly rent (fen)"), null=True, blank=True
    )
    price_cap_fen = models.PositiveIntegerField(_("price cap (fen)"), null=True, blank=True)
    rentable = models.BooleanField(_("rentable"), default=False)
    requires_fitting = models.BooleanField(_("requires professional fitting"), default=False)
    # Suitability: the declared needs this product suits and those it must not be used for.
    suits_needs = models.JSONField(_("suits"), default=list, blank=True)
    contraindications = models.JSONField(_("not for"), default=list, blank=True)
    suitability_note = models.CharField(_("suitability"), max_length=200, blank=True)
    status = models.CharField(
        _("listing status"),
        max_length=10,
        choices=ListingStatus.choices,
        default=ListingStatus.DRAFT,
        db_index=True,
    )
    listed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device_type__code", "brand", "model"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "brand", "model"], name="product_model_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(price_cap_fen__isnull=True)
                | models.Q(sale_price_fen__isnull=True)
                | models.Q(sale_price_fen__lte=models.F("price_cap_fen")),
                name="product_price_within_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.brand} {self.model}"

    @property
    def sale_only(self) -> bool:
        return not self.rentable


class AdmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    QUALIFIED = "qualified", _("qualification checked")
    REVIEWED = "reviewed", _("expert review passed")
    NOTICE = "notice", _("public notice")
    LISTED = "listed", _("listed")
    REJECTED = "rejected", _("rejected")


class Admission(TimeStampedModel):
    """An enterprise's application to list one product."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="admissions")
    status = models.CharField(
        _("status"), max_length=10, choices=AdmissionStatus.choices, db_index=True
    )
    notice_days = models.PositiveSmallIntegerField(_("notice days"), default=7)
    notice_starts = models.DateField(null=True, blank=True)
    notice_ends = models.DateField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("admission")
        verbose_name_plural = _("admissions")


class AdmissionStep(models.Model):
    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, choices=AdmissionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Objection(models.Model):
    admission = models.ForeignKey(Admission, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.CharField(_("raised by"), max_length=100)
    text = models.TextField(_("objection"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.raised_by


class ElderNeed(TimeStampedModel):
    """A need declared for an elder (bed-bound, hearing loss…) that the rules read."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    need = models.CharField(_("need"), max_length=32)
    note = models.CharField(_("note"), max_length=200, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["need"]


class RecommendationStatus(models.TextChoices):
    ADDED = "added", _("added")
    DISMISSED = "dismissed", _("dismissed")


class RecommendationDecision(TimeStampedModel):
    """A consultant's decision on a device type for an elder: add it (beyond the rules) or
    dismiss a rule's suggestion, with a note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    device_type = models.ForeignKey(DeviceType, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RecommendationStatus.choices)
    note = models.TextField(_("note"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]


class FittingStatus(models.TextChoices):
    COMPLETED = "completed", _("completed")
    CANCELLED = "cancelled", _("cancelled")


class Fitting(TimeStampedModel):
    """A professional fitting (验配): who fitted which product to whom, measurements,
    adjustments, training given and the elder's (or family's) signature."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="fittings")
    device_type = models.ForeignKey(DeviceType, on_delete=models.PROTECT, related_name="+")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=FittingStatus.choices)
    fitted_on = models.DateField(_("fitted on"))
    measurements = models.JSONField(_("measurements"), default=dict, blank=True)
    adjustments = models.TextField(_("adjustments"), blank=True)
    training_elder = models.TextField(_("training given to the elder"))
    training_family = models.TextField(_("training given to the family"), blank=True)
    signed_name = models.CharField(_("signed by"), max_length=50)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-fitted_on", "-created_at"]
        verbose_name = _("fitting")
        verbose_name_plural = _("fittings")
        indexes = [models.Index(fields=["elder", "product"], name="fitting_elder_product")]


class Photo(TimeStampedModel):
    """A photo of a product (public once the product is listed) or of a fitting (personal:
    served only in the fitting's scope), kept in the database (``common.photos``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    fitting = models.ForeignKey(
        Fitting, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    content_type = models.CharField(max_length=32)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(product__isnull=True) ^ models.Q(fitting__isnull=True),
                name="assistive_photo_of_one_record",
            )
        ]

    def __str__(self) -> str:
        return f"photo of {self.product_id or self.fitting_id}"


class FollowUp(models.Model):
    fitting = models.ForeignKey(Fitting, on_delete=models.CASCADE, related_name="follow_ups")
    day = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        constraints = [
            models.UniqueConstraint(fields=["fitting", "day"], name="followup_day_unique")
        ]

    def __str__(self) -> str:
        return f"{self.fitting_id} +{self.day}"
