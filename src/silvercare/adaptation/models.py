"""Home adaptation (适老化改造) cases: the home hazard checklist, the plan with its items and
subsidy quote, the contractor, works with progress entries and photos, acceptance and the
follow-up visit. Every row belongs to the elder's community (the case's region)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.adaptation.choices import (
    OPEN_STATUSES,
    Answer,
    Outcome,
    PhotoStage,
    Signer,
    Status,
)
from silvercare.common.models import TimeStampedModel


class ContractorQuerySet(RegionScopedQuerySet["Contractor"]):
    region_field = "region__code"


class Contractor(TimeStampedModel):
    """A company (or a registered craftsman) that carries out adaptation works in an area
    (a district or street; it may work on cases anywhere inside it)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    phone = models.CharField(_("business phone"), max_length=20, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ContractorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="adaptation_contractor_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CaseQuerySet(RegionScopedQuerySet["AdaptationCase"]):
    region_field = "region__code"


class AdaptationCase(TimeStampedModel):
    """One elder's home adaptation, from the assessment visit to the follow-up:
    assessed → planned → approved → in works → accepted → followed up (or cancelled)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("case number"), max_length=24, unique=True)
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, related_name="+", verbose_name=_("elder")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ASSESSED, db_index=True
    )
    checklist_version = models.CharField(max_length=32)
    assessed_on = models.DateField(_("home visit"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The plan and its subsidy quote (subsidies: kind "service", code "home_adaptation").
    total_fen = models.BigIntegerField(_("plan total (fen)"), default=0)
    subsidy_fen = models.BigIntegerField(_("subsidy (fen)"), default=0)
    elder_pays_fen = models.BigIntegerField(_("elder pays (fen)"), default=0)
    quote_id = models.UUIDField(null=True, blank=True)
    reservation_ids = models.JSONField(default=list, blank=True)
    planned_at = models.DateTimeField(null=True, blank=True)
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    contractor = models.ForeignKey(
        Contractor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("contractor"),
    )
    works_started_on = models.DateField(_("works started"), null=True, blank=True)
    # Acceptance: every plan item checked, signed by the elder or a family member.
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    signed_by = models.CharField(_("signed by"), max_length=50, blank=True)
    signer = models.CharField(_("signer"), max_length=8, choices=Signer.choices, blank=True)
    acceptance_note = models.CharField(_("acceptance note"), max_length=500, blank=True)
    follow_up_due_on = models.DateField(_("follow-up due"), null=True, blank=True)
    followed_up_on = models.DateField(_("followed up on"), null=True, blank=True)
    follow_up_outcome = models.CharField(
        _("follow-up outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    follow_up_note = models.CharField(_("follow-up note"), max_length=500, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("home adaptation case")
        verbose_name_plural = _("home adaptation cases")
        constraints = [
            models.UniqueConstraint(
                fields=["elder"],
                condition=models.Q(status__in=[s.value for s in OPEN_STATUSES]),
                name="adaptation_one_open_case",
            ),
            models.CheckConstraint(
                condition=models.Q(total_fen__gte=0)
                & models.Q(subsidy_fen__gte=0)
                & models.Q(elder_pays_fen__gte=0),
                name="adaptation_money_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["region", "accepted_on"], name="adaptation_accepted"),
        ]

    def __str__(self) -> str:
        return self.number


class ChecklistAnswer(TimeStampedModel):
    """The answer to one checklist question for one home."""

    case = models.ForeignKey(AdaptationCase, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(_("question"), max_length=40)
    answer = models.CharField(_("answer"), max_length=8, choices=Answer.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["case_id", "id"]
        verbose_name = _("checklist answer")
        verbose_name_plural = _("checklist answers")
        constraints = [
            models.UniqueConstraint(fields=["case", "question"], name="adaptation_answer_once")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"


class PlanItem(TimeStampedModel):
    """One line of the plan: a recommended item (code R01–R30) or a free one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(AdaptationCase, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("recommended item"), max_length=8, blank=True)
    name = models.CharField(_("item"), max_length=100)
    basic = models.BooleanField(_("basic item"), default=False)
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_fen = models.BigIntegerField(_("unit price (fen)"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1) & models.Q(unit_price_fen__gte=0),
                name="adaptation_item_amounts",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def total_fen(self) -> int:
        return self.quantity * self.unit_price_fen


class WorksEntry(TimeStampedModel):
    """A dated progress entry of the works (what was done, how far along)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(AdaptationCase, on_delete=models.CASCADE, related_name="works")
    on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.CharField(_("what was done"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "on", "created_at"]
        verbose_name = _("works entry")
        verbose_name_plural = _("works entries")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="adaptation_progress_percent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.on} {self.progress}%"


class Photo(TimeStampedModel):
    """A photo of a checklist question or a works entry, kept in the database (small JPEG
    or PNG files, served only through the case's scope)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(AdaptationCase, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(_("stage"), max_length=16, choices=PhotoStage.choices)
    question = models.CharField(max_length=40, blank=True)
    works_entry = models.ForeignKey(
        WorksEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    content_type = models.CharField(max_length=32)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["case_id", "created_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return f"{self.stage} {self.question or self.works_entry_id}"
