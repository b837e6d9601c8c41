"""Supervision: fraud warnings for a region, credit records (events, score models as data,
grades with their history, the blacklist with appeals) and random inspections (draws with
their recorded seed and pools, the inspections they assign and their results)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.supervision.choices import (
    AppealStatus,
    BlacklistStatus,
    DrawStatus,
    EventSource,
    GradeReason,
    InspectionStatus,
    Outcome,
    SubjectKind,
    WarningStatus,
)


def _region(verbose: str | None = None) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=verbose or _("area"),
    )


class FraudWarning(TimeStampedModel):
    """A warning about a scam aimed at older people (防诈骗预警), published for a district or
    a street for a period; shown to the community workers there until it ends or is
    withdrawn."""

    title = models.CharField(_("title"), max_length=120)
    pattern = models.TextField(_("how the scam works"), max_length=2000)
    advice = models.TextField(_("how to protect oneself"), max_length=2000)
    region = _region()
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    status = models.CharField(
        _("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.PUBLISHED
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "-pk"]
        verbose_name = _("fraud warning")
        verbose_name_plural = _("fraud warnings")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gte=models.F("valid_from")), name="warning_dates_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ScoreModel(TimeStampedModel):
    """One version of a region's credit score model, stored as data: base score, points per
    event category, an optional half-life of events, grade thresholds. The newest version of
    the nearest region applies; publishing a version re-grades the subjects under it."""

    region = _region()
    version = models.PositiveIntegerField(_("version"))
    base_score = models.IntegerField(_("base score"))
    half_life_months = models.PositiveSmallIntegerField(_("half-life in months"), default=0)
    categories = models.JSONField(_("event categories"), default=list)
    thresholds = models.JSONField(_("grade thresholds"), default=list)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "-version"]
        verbose_name = _("score model")
        verbose_name_plural = _("score models")
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="score_model_version")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} v{self.version}"

    def as_data(self) -> dict[str, object]:
        return {
            "base_score": self.base_score,
            "half_life_months": self.half_life_months,
            "categories": self.categories,
            "thresholds": self.thresholds,
        }


class CreditSubject(TimeStampedModel):
    """Whom a credit record is about: an enterprise of the industry registry, or a person
    holding a caregiver, consultant or rental-operator role; with the current grade."""

    kind = models.CharField(_("kind"), max_length=16, choices=SubjectKind.choices)
    enterprise = models.OneToOneField(
        "industry.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    region = _region()
    score = models.IntegerField(_("score"), null=True, blank=True)
    grade = models.CharField(_("grade"), max_length=4, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("credit subject")
        verbose_name_plural = _("credit subjects")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(enterprise__isnull=False) & Q(user__isnull=True) & Q(kind="enterprise")
                )
                | (Q(enterprise__isnull=True) & Q(user__isnull=False) & ~Q(kind="enterprise")),
                name="credit_subject_one_party",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CreditEvent(TimeStampedModel):
    """One positive or negative fact on a subject's credit, with its source and evidence.
    Never edited; the points it carries come from the score model of the day."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="events")
    region = _region()
    category = models.CharField(_("category"), max_length=40)
    occurred_on = models.DateField(_("date"))
    source = models.CharField(_("source"), max_length=12, choices=EventSource.choices)
    reference = models.CharField(_("document number"), max_length=100, blank=True)
    evidence = models.TextField(_("evidence"), max_length=2000)
    inspection = models.ForeignKey(
        "supervision.Inspection",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_events",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")

    def __str__(self) -> str:
        return f"{self.subject} {self.category} {self.occurred_on}"


class GradeChange(models.Model):
    """A subject's score and grade after a recomputation that changed them. Never edited."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.CASCADE, related_name="grades")
    score = models.IntegerField()
    grade = models.CharField(max_length=4)
    previous_grade = models.CharField(max_length=4, blank=True)
    model = models.ForeignKey(ScoreModel, on_delete=models.PROTECT, null=True, related_name="+")
    reason = models.CharField(max_length=16, choices=GradeReason.choices)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject_id} {self.grade} {self.at:%Y-%m-%d}"


class BlacklistEntry(TimeStampedModel):
    """A subject on the blacklist (失信名单) for a period, with its appeal if one is filed."""

    subject = models.ForeignKey(CreditSubject, on_delete=models.PROTECT, related_name="listings")
    region = _region()
    reason = models.TextField(_("reason"), max_length=2000)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        max_length=8, choices=BlacklistStatus.choices, default=BlacklistStatus.LISTED
    )
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    appeal_status = models.CharField(
        _("appeal"), max_length=8, choices=AppealStatus.choices, blank=True, default=""
    )
    appeal_text = models.TextField(_("grounds of appeal"), max_length=2000, blank=True)
    appeal_filed_on = models.DateField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=2000, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="blacklist_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} {self.starts_on}"


class ConflictDeclaration(TimeStampedModel):
    """A relationship an inspector declared with an enterprise (former employer, relative):
    the draw never sends them there."""

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    enterprise = models.ForeignKey(
        "industry.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    facility = models.ForeignKey(
        "industry.Facility", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = _region()
    reason = models.CharField(_("relationship"), max_length=200)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) ^ Q(facility__isnull=False),
                name="conflict_one_target",
            )
        ]

    def __str__(self) -> str:
        return self.reason


class InspectionDraw(TimeStampedModel):
    """A random draw of targets and inspectors: what was asked (kinds, ratios), the seed, the
    pools as they were (snapshot and its digest), the algorithm and the result."""

    title = models.CharField(_("title"), max_length=120)
    region = _region()
    target_kinds = models.JSONField(_("kinds of target"), default=list)
    ratios = models.JSONField(_("sampling ratios"), default=dict)
    inspectors_per_target = models.PositiveSmallIntegerField(default=2)
    relationship_months = models.PositiveSmallIntegerField(default=12)
    seed = models.CharField(max_length=64)
    algorithm = models.CharField(max_length=16)
    pools = models.JSONField(default=dict)
    pools_digest = models.CharField(max_length=64)
    result = models.JSONField(default=dict)
    drawn_at = models.DateTimeField(db_index=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DrawStatus.choices, default=DrawStatus.DRAWN)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        verbose_name = _("inspection draw")
        verbose_name_plural = _("inspection draws")

    def __str__(self) -> str:
        return self.title


class Inspection(TimeStampedModel):
    """One drawn target to inspect, its inspectors and, once recorded, the result."""

    draw = models.ForeignKey(InspectionDraw, on_delete=models.CASCADE, related_name="inspections")
    position = models.PositiveSmallIntegerField()
    target_key = models.CharField(max_length=64)
    target_name = models.CharField(max_length=200)
    target_kind = models.CharField(max_length=40)
    grade = models.CharField(max_length=4, blank=True)
    enterprise = models.ForeignKey(
        "industry.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    facility = models.ForeignKey(
        "industry.Facility", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = _region()
    inspectors = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    inspector_names = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.ASSIGNED
    )
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    findings = models.TextField(_("findings"), max_length=4000, blank=True)
    correction_deadline = models.DateField(_("correct by"), null=True, blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["draw_id", "position"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="inspection_position"),
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False) ^ Q(facility__isnull=False),
                name="inspection_one_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.draw_id}/{self.position} {self.target_name}"
