"""The industry registries: the statistical classification, enterprises with their tiers and
members, and the one registry of service institutions and facilities (养老机构, 日间照料中心,
嵌入式服务站, 综合中心, 长者饭堂, 租赁点, 适老生活体验中心) that other capabilities link to."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.roles import ROLE_PERMISSIONS, Role
from silvercare.accounts.scoping import RegionScopedQuerySet, actor_grants
from silvercare.common.models import TimeStampedModel
from silvercare.industry.choices import (
    FacilityKind,
    Filer,
    Frequency,
    Ownership,
    ProjectStage,
    ReportStatus,
    ReportStep,
    Sector,
    SizeClass,
    Tier,
    WhiteListAction,
)

#: Roles that reach only the enterprises they are members of (and what those operate),
#: whatever the region of their grant.
MEMBER_ROLES = frozenset({Role.ENTERPRISE, Role.CARE_PROVIDER_ADMIN, Role.RENTAL_OPERATOR})


def officer_prefixes(actor: Any, perm: str) -> list[str]:
    """Region prefixes in which the actor holds ``perm`` through a role that is not confined
    to its own enterprise (officers, community workers, inspectors, administrators)."""
    prefixes = sorted(
        {
            prefix
            for role, prefix in actor_grants(actor)
            if role not in MEMBER_ROLES and perm in ROLE_PERMISSIONS[role]
        }
    )
    collapsed: list[str] = []
    for prefix in prefixes:
        if not any(prefix.startswith(outer) for outer in collapsed):
            collapsed.append(prefix)
    return collapsed


def member_reach(actor: Any, perm: str) -> bool:
    """True when the actor holds ``perm`` through a member-confined role."""
    return any(
        role in MEMBER_ROLES and perm in ROLE_PERMISSIONS[role] for role, _ in actor_grants(actor)
    )


def _prefix_q(prefixes: list[str], field: str) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


class IndustryCategory(models.Model):
    """A class of the eldercare industry statistical classification (养老产业统计分类 2020):
    大类 (2 digits), 中类 (3) and 小类 (4), shipped as data (``industry/data``)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry category")
        verbose_name_plural = _("industry categories")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="industry_category_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EnterpriseQuerySet(RegionScopedQuerySet["Enterprise"]):
    def visible_to(self, actor: Any, perm: str) -> EnterpriseQuerySet:
        q = _prefix_q(officer_prefixes(actor, perm), "region__code")
        if member_reach(actor, perm):
            q |= Q(pk__in=Enterprise.objects.filter(members=actor).values("pk"))
        return self.filter(q)


class Enterprise(TimeStampedModel):
    """A company of the silver economy, identified by its unified social credit code."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    size_class = models.CharField(
        _("size"), max_length=8, choices=SizeClass.choices, default=SizeClass.SMALL
    )
    above_designated_size = models.BooleanField(_("above designated size (规上)"), default=False)
    category = models.ForeignKey(
        IndustryCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("industry category"),
    )
    sectors = models.JSONField(_("sub-sectors"), default=list, blank=True)
    whitelisted = models.BooleanField(_("on the white list"), default=False)
    active = models.BooleanField(_("active"), default=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="industry_enterprises"
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [models.Index(fields=["region", "name"], name="industry_ent_region_name")]

    def __str__(self) -> str:
        return self.name


class EnterpriseTier(TimeStampedModel):
    """A recognition (专精特新, 小巨人, 单项冠军 …) held by an enterprise from a date, often
    until an expiry date."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="tiers", verbose_name=_("enterprise")
    )
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    granted_on = models.DateField(_("granted on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    issuer = models.CharField(_("issued by"), max_length=100, blank=True)

    class Meta:
        ordering = ["enterprise_id", "tier", "-granted_on"]
        verbose_name = _("enterprise tier")
        verbose_name_plural = _("enterprise tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "tier", "granted_on"], name="industry_tier_unique"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("granted_on")),
                name="industry_tier_expiry_after_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_tier_display()}"


class FacilityQuerySet(RegionScopedQuerySet["Facility"]):
    def visible_to(self, actor: Any, perm: str) -> FacilityQuerySet:
        q = _prefix_q(officer_prefixes(actor, perm), "region__code")
        if member_reach(actor, perm):
            q |= Q(operator__in=Enterprise.objects.filter(members=actor).values("pk"))
        return self.filter(q)


class Facility(TimeStampedModel):
    """A service institution or facility in the one registry: eldercare institutions with
    their beds, day-care centres, community stations, street centres, canteens, rental points
    and experience centres. Other capabilities link their own rows to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=FacilityKind.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    operator = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="facilities",
        verbose_name=_("operator"),
    )
    ownership = models.CharField(
        _("ownership"), max_length=16, choices=Ownership.choices, default=Ownership.PRIVATE
    )
    beds = models.PositiveIntegerField(_("beds"), default=0)
    nursing_beds = models.PositiveIntegerField(_("nursing beds"), default=0)
    medical_care = models.BooleanField(_("medical care"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = FacilityQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "kind", "name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.CheckConstraint(
                condition=Q(nursing_beds__lte=F("beds")),
                name="industry_facility_nursing_beds_le_beds",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="industry_facility_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="industry_facility_longitude_range",
            ),
        ]
        indexes = [models.Index(fields=["kind", "region"], name="industry_fac_kind_region")]

    def __str__(self) -> str:
        return self.name


class WhiteListEvent(TimeStampedModel):
    """An enterprise entering or leaving the white list (白名单), with the reason."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="whitelist_events"
    )
    action = models.CharField(_("action"), max_length=8, choices=WhiteListAction.choices)
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["enterprise_id", "-created_at", "-pk"]
        verbose_name = _("white-list event")
        verbose_name_plural = _("white-list events")

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.get_action_display()}"


class ReportForm(TimeStampedModel):
    """A statistical report form defined as data: its fields (code, bilingual label, unit,
    type, bounds) and its cross-field rules (CEL expressions over the field codes), who files
    it and how often."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    filer = models.CharField(_("filed by"), max_length=12, choices=Filer.choices)
    facility_kinds = models.JSONField(_("facility kinds"), default=list, blank=True)
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    deadline_days = models.PositiveSmallIntegerField(_("days after the period to file"), default=15)
    fields = models.JSONField(_("fields"), default=list)
    rules = models.JSONField(_("rules"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")

    def __str__(self) -> str:
        return self.name


class ReportPeriod(TimeStampedModel):
    """One period of a form (2026Q1, 2026-03, 2026) with its filing deadline."""

    form = models.ForeignKey(ReportForm, on_delete=models.PROTECT, related_name="periods")
    code = models.CharField(_("period"), max_length=8)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deadline = models.DateField(_("deadline"))

    class Meta:
        ordering = ["form_id", "-starts_on"]
        verbose_name = _("report period")
        verbose_name_plural = _("report periods")
        constraints = [
            models.UniqueConstraint(fields=["form", "code"], name="industry_period_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")) & Q(deadline__gte=F("ends_on")),
                name="industry_period_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.code}"


class ReportQuerySet(RegionScopedQuerySet["Report"]):
    def visible_to(self, actor: Any, perm: str) -> ReportQuerySet:
        q = _prefix_q(officer_prefixes(actor, perm), "region__code")
        if member_reach(actor, perm):
            mine = Enterprise.objects.filter(members=actor).values("pk")
            q |= Q(enterprise__in=mine) | Q(facility__operator__in=mine)
        return self.filter(q)


class Report(TimeStampedModel):
    """One filer's report for one period: the figures, the state of approval, and whether it
    is locked (approved by the city; an unlock is a recorded step)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    period = models.ForeignKey(ReportPeriod, on_delete=models.PROTECT, related_name="reports")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    values = models.JSONField(_("figures"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    return_reason = models.CharField(_("reason returned"), max_length=500, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period__starts_on", "region_id", "pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=True, facility__isnull=False)
                | Q(enterprise__isnull=False, facility__isnull=True),
                name="industry_report_one_filer",
            ),
            models.UniqueConstraint(
                fields=["period", "enterprise"],
                condition=Q(enterprise__isnull=False),
                name="industry_report_enterprise_once",
            ),
            models.UniqueConstraint(
                fields=["period", "facility"],
                condition=Q(facility__isnull=False),
                name="industry_report_facility_once",
            ),
            models.CheckConstraint(
                condition=Q(locked=False) | Q(status=ReportStatus.APPROVED),
                name="industry_report_locked_is_approved",
            ),
        ]
        indexes = [models.Index(fields=["status", "region"], name="industry_report_status")]

    def __str__(self) -> str:
        return f"{self.period} · {self.enterprise or self.facility}"

    @property
    def filer(self) -> Enterprise | Facility:
        filer = self.enterprise or self.facility
        assert filer is not None
        return filer


class ReportHistory(models.Model):
    """One step of a report: saved, submitted, approved, returned (with the reason),
    unlocked (with the reason)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="history")
    step = models.CharField(_("step"), max_length=20, choices=ReportStep.choices)
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["report_id", "at", "pk"]
        verbose_name = _("report step")
        verbose_name_plural = _("report steps")

    def __str__(self) -> str:
        return f"{self.report_id} {self.step}"


class ReportReminder(TimeStampedModel):
    """A reminder recorded for a filer that has not filed a period nearing or past its
    deadline; one per filer, period and stage, so a second run sends nothing twice."""

    period = models.ForeignKey(ReportPeriod, on_delete=models.CASCADE, related_name="reminders")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=8)
    recipients = models.JSONField(default=list, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("report reminder")
        verbose_name_plural = _("report reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "enterprise", "stage"],
                condition=Q(enterprise__isnull=False),
                name="industry_reminder_enterprise_once",
            ),
            models.UniqueConstraint(
                fields=["period", "facility", "stage"],
                condition=Q(facility__isnull=False),
                name="industry_reminder_facility_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.stage}"


class ProjectQuerySet(RegionScopedQuerySet["Project"]):
    def visible_to(self, actor: Any, perm: str) -> ProjectQuerySet:
        q = _prefix_q(officer_prefixes(actor, perm), "region__code")
        if member_reach(actor, perm):
            q |= Q(enterprise__in=Enterprise.objects.filter(members=actor).values("pk"))
        return self.filter(q)


class Project(TimeStampedModel):
    """A project of the key project library (重点项目库): investment in 10 000 yuan, stage,
    progress, region, sector."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, null=True, blank=True, related_name="projects"
    )
    sector = models.CharField(_("sub-sector"), max_length=12, choices=Sector.choices)
    investment_wan = models.DecimalField(
        _("investment (10 000 yuan)"), max_digits=14, decimal_places=2
    )
    stage = models.CharField(
        _("stage"), max_length=14, choices=ProjectStage.choices, default=ProjectStage.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress, per cent"), default=0)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("planned completion"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["-investment_wan", "name"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="industry_progress_le_100"),
            models.CheckConstraint(
                condition=Q(investment_wan__gte=0), name="industry_investment_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProjectMilestone(TimeStampedModel):
    """A milestone of a key project, planned on a date and done on another."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "due_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.name


class ProjectUpdate(TimeStampedModel):
    """A progress update of a key project: stage and percentage at a date, with a note."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    stage = models.CharField(_("stage"), max_length=14, choices=ProjectStage.choices)
    progress = models.PositiveSmallIntegerField(_("progress, per cent"))
    note = models.TextField(_("note"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["project_id", "-created_at", "-pk"]
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")

    def __str__(self) -> str:
        return f"{self.project} {self.progress}%"
