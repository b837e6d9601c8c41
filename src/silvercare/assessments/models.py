"""Assessment sessions, regional assessment policy, reassessment triggers (assessor
qualifications live in ``training``). The scoring itself lives in ``instruments`` (pure
data + one scorer)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.assessments.choices import Reason, Status, TriggerReason
from silvercare.common.models import TimeStampedModel


class AssessmentPolicy(TimeStampedModel):
    """Assessment rules of a region (the most specific region above an elder applies).

    The C.4 level-change options are recorded on every assessment that used them."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="+")
    reassessment_months = models.PositiveSmallIntegerField(
        _("routine interval (months)"), default=12
    )
    requires_two_assessors = models.BooleanField(_("two assessors required"), default=False)
    coma_level = models.PositiveSmallIntegerField(default=4)
    stack_raises = models.BooleanField(_("level raises add up"), default=False)
    risk_event_threshold = models.PositiveSmallIntegerField(default=2)
    risk_event_counting = models.CharField(
        max_length=8, default="sum", choices=[("sum", "sum"), ("per_type", "per_type")]
    )
    # The LTC 2021 domain cut-offs and 0–5 matrix are NOT verified against the national
    # notice: a region switches the commonly quoted table on only after confirming it.
    ltc_grading_confirmed = models.BooleanField(
        _("apply the commonly quoted LTC 2021 grading (regional setting to be confirmed)"),
        default=False,
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["region_id"]
        verbose_name = _("assessment policy")
        verbose_name_plural = _("assessment policies")
        constraints = [
            models.CheckConstraint(condition=models.Q(coma_level__lte=4), name="policy_coma_le4"),
            models.CheckConstraint(
                condition=models.Q(reassessment_months__gte=1), name="policy_interval_ge1"
            ),
        ]

    def __str__(self) -> str:
        return f"policy {self.region_id}"


class AssessmentQuerySet(RegionScopedQuerySet["Assessment"]):
    region_field = "region__code"


class Assessment(TimeStampedModel):
    """One assessment of one elder with one instrument, from booking to completion.
    A completed assessment never changes; a correction is a new one that ``corrects`` it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("assessment number"), max_length=32, unique=True)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="assessments")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    instrument = models.CharField(_("instrument"), max_length=32, default="gbt42195-2022")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    reason_note = models.CharField(_("reason note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.BOOKED, db_index=True
    )
    place = models.CharField(_("place"), max_length=100, blank=True)
    scheduled_for = models.DateField(_("date"))
    base_date = models.DateField(_("reference date"), null=True, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessments_performed",
        verbose_name=_("assessor"),
    )
    second_assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("second assessor"),
    )
    requires_two_assessors = models.BooleanField(default=False)
    # Answers: item code -> score; appendix A form values by field code.
    items = models.JSONField(default=dict, blank=True)
    forms = models.JSONField(default=dict, blank=True)
    # The scorer's output and the rule configuration it used.
    result = models.JSONField(default=dict, blank=True)
    rules = models.JSONField(default=dict, blank=True)
    total = models.PositiveSmallIntegerField(null=True, blank=True)
    preliminary_level = models.PositiveSmallIntegerField(null=True, blank=True)
    final_level = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    informant_name = models.CharField(_("informant"), max_length=50, blank=True)
    assessor_signed_at = models.DateTimeField(null=True, blank=True)
    second_assessor_signed_at = models.DateTimeField(null=True, blank=True)
    informant_signed_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_due_on = models.DateField(null=True, blank=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    correction_reason = models.CharField(_("reason for correction"), max_length=200, blank=True)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-created_at"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["elder", "status", "-completed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(final_level__isnull=True) | models.Q(final_level__lte=4),
                name="assessment_level_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="completed") | models.Q(completed_at__isnull=False),
                name="assessment_completed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.status})"


class ReassessmentTrigger(TimeStampedModel):
    """An event that brings the next assessment forward (discharge, fall, request)."""

    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.CASCADE, related_name="reassessment_triggers"
    )
    reason = models.CharField(_("reason"), max_length=32, choices=TriggerReason.choices)
    due_on = models.DateField(_("due on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_by = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on"]
        verbose_name = _("reassessment trigger")
        verbose_name_plural = _("reassessment triggers")

    def __str__(self) -> str:
        return f"{self.reason} → {self.due_on}"
