"""Home and community care: the service catalogue, providers with their prices and staff,
caregivers with certificates and shifts, orders and their visits, day plans, feedback and
complaints, family care beds and patrol visits."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.homecare.choices import (
    DEFAULT_TOLERANCE_M,
    ComplaintStatus,
    FeedbackBy,
    OrderStatus,
    PatrolCategory,
    PatrolOutcome,
    Recurrence,
    ServiceCode,
    Side,
    TravelMode,
    VisitStatus,
)
from silvercare.training.choices import Kind as CertificateKind


class ServiceType(TimeStampedModel):
    """One service of the catalogue (seeded by a data migration): how long a visit takes,
    the skills and certificates a caregiver needs, the list price and the task checklist."""

    code = models.CharField(_("code"), max_length=24, choices=ServiceCode.choices, unique=True)
    duration_min = models.PositiveSmallIntegerField(_("duration (minutes)"))
    skills = models.JSONField(_("skills"), default=list, blank=True)
    certificates = models.JSONField(_("certificates"), default=list, blank=True)
    price_fen = models.PositiveIntegerField(_("list price (fen)"))
    checklist = models.JSONField(_("task checklist"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")

    def __str__(self) -> str:
        return str(self.get_code_display())


class ProviderQuerySet(RegionScopedQuerySet["Provider"]):
    region_field = "region__code"


class Provider(TimeStampedModel):
    """A care provider under contract: its home area, the areas it serves, its prices."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    served = models.JSONField(_("areas served"), default=list, blank=True)
    contract_number = models.CharField(_("contract"), max_length=64, blank=True)
    contract_from = models.DateField(_("contract from"), null=True, blank=True)
    contract_until = models.DateField(_("contract until"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    checkin_tolerance_m = models.PositiveIntegerField(
        _("check-in tolerance (metres)"), default=DEFAULT_TOLERANCE_M
    )
    active = models.BooleanField(_("active"), default=True)
    # The provider's enterprise in the one registry (industry), by its credit code.
    registry = models.ForeignKey(
        "industry.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registry enterprise"),
    )

    objects = ProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")

    def __str__(self) -> str:
        return self.name

    def serves(self, region_code: str) -> bool:
        return any(region_code.startswith(code.rstrip("0") or code) for code in self.served) or (
            not self.served and region_code.startswith(self.region_id.rstrip("0"))
        )


class ProviderPrice(TimeStampedModel):
    """The provider's price for one service type (the catalogue price when absent)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="prices")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    price_fen = models.PositiveIntegerField(_("price (fen)"))

    class Meta:
        ordering = ["provider", "service_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_type"], name="homecare_price_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.service_type}: {self.price_fen}"


class ProviderStaff(TimeStampedModel):
    """A provider admin's link to their provider."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_provider_link"
    )

    class Meta:
        ordering = ["provider", "user"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.provider}"


class CaregiverQuerySet(RegionScopedQuerySet["Caregiver"]):
    region_field = "region__code"


class Caregiver(TimeStampedModel):
    """A caregiver of a provider: skills, languages, shift and break, home base."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="caregivers")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    name = models.CharField(_("name"), max_length=50)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="caregiver_profile",
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    languages = models.JSONField(_("languages and dialects"), default=list, blank=True)
    shift_start = models.PositiveSmallIntegerField(_("shift starts (minute of day)"), default=480)
    shift_end = models.PositiveSmallIntegerField(_("shift ends (minute of day)"), default=1020)
    break_start = models.PositiveSmallIntegerField(_("break from"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    home_lat = models.FloatField(_("home base latitude"))
    home_lon = models.FloatField(_("home base longitude"))
    travel_mode = models.CharField(
        _("travel"), max_length=8, choices=TravelMode.choices, default=TravelMode.EBIKE
    )
    max_visits = models.PositiveSmallIntegerField(_("most visits a day"), default=10)
    # Meals carried on one round (a delivery box); empty: this caregiver carries no limit.
    meal_capacity = models.PositiveSmallIntegerField(
        _("meals carried on a round"), null=True, blank=True
    )
    active = models.BooleanField(_("active"), default=True)

    objects = CaregiverQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("caregiver")
        verbose_name_plural = _("caregivers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shift_end__gt=models.F("shift_start")),
                name="homecare_caregiver_shift_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CaregiverCertificate(TimeStampedModel):
    """A certificate a caregiver holds (type, number, expiry): an expired one stops matching."""

    caregiver = models.ForeignKey(Caregiver, on_delete=models.CASCADE, related_name="certificates")
    kind = models.CharField(_("certificate"), max_length=24, choices=CertificateKind.choices)
    number = models.CharField(_("number"), max_length=64)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        ordering = ["caregiver", "kind", "valid_until"]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class OrderQuerySet(RegionScopedQuerySet["CareOrder"]):
    region_field = "region__code"


class CareOrder(TimeStampedModel):
    """An order of a service for an elder, once or recurring; its occurrences are visits.
    The price split (subsidy and co-pay with their reasons) is a subsidies quote."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="orders")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))
    window_start = models.PositiveSmallIntegerField(_("from (minute of day)"))
    window_end = models.PositiveSmallIntegerField(_("until (minute of day)"))
    recurrence = models.CharField(
        _("repeats"), max_length=8, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.REQUESTED
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    cancelled_by = models.CharField(max_length=8, choices=Side.choices, blank=True)
    price_fen = models.PositiveIntegerField(_("price per visit (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("subsidy per visit (fen)"), default=0)
    copay_fen = models.PositiveIntegerField(_("co-pay per visit (fen)"), default=0)
    quote = models.ForeignKey(
        "subsidies.Quote", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reservation_ids = models.JSONField(default=list, blank=True)
    usual_caregiver = models.ForeignKey(
        Caregiver, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    care_bed = models.ForeignKey(
        "homecare.CareBed", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = OrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("care order")
        verbose_name_plural = _("care orders")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_end__gt=models.F("window_start")),
                name="homecare_order_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(last_date__gte=models.F("first_date")),
                name="homecare_order_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_type} {self.first_date}"


class VisitQuerySet(RegionScopedQuerySet["Visit"]):
    region_field = "region__code"


class Visit(TimeStampedModel):
    """One occurrence of an order: planned (caregiver, arrival), checked in and out with
    the distance from the elder's home, the checklist, flags for supervisors."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.ForeignKey(CareOrder, on_delete=models.CASCADE, related_name="visits")
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="visits")
    service_type = models.ForeignKey(ServiceType, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    window_start = models.PositiveSmallIntegerField()
    window_end = models.PositiveSmallIntegerField()
    duration_min = models.PositiveSmallIntegerField()
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.REQUESTED
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    side = models.CharField(max_length=8, choices=Side.choices, blank=True)
    caregiver = models.ForeignKey(
        Caregiver, on_delete=models.SET_NULL, null=True, blank=True, related_name="visits"
    )
    planned_arrival = models.FloatField(null=True, blank=True)
    sequence = models.PositiveSmallIntegerField(null=True, blank=True)
    unassigned_reason = models.CharField(max_length=200, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    check_in_distance_m = models.FloatField(null=True, blank=True)
    checked_out_at = models.DateTimeField(null=True, blank=True)
    check_out_distance_m = models.FloatField(null=True, blank=True)
    actual_minutes = models.PositiveIntegerField(null=True, blank=True)
    checklist_done = models.JSONField(default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    photo = models.BinaryField(null=True, blank=True, editable=False)
    photo_type = models.CharField(max_length=32, blank=True)
    flags = models.JSONField(default=list, blank=True)
    flags_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    flags_approved_at = models.DateTimeField(null=True, blank=True)
    delivered_on = models.DateField(null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["date", "window_start", "id"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [models.Index(fields=["provider", "date"], name="homecare_visit_day")]

    def __str__(self) -> str:
        return f"{self.service_type} {self.date}"

    @property
    def held(self) -> bool:
        """Flagged and not yet approved by a supervisor: kept out of settlement."""
        return bool(self.flags) and self.flags_approved_at is None


class PlanQuerySet(RegionScopedQuerySet["DayPlan"]):
    region_field = "region__code"


class DayPlan(TimeStampedModel):
    """A provider's day as the solver planned it (the last plan of a day is the one in force);
    a re-plan records from when and without whom."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="plans")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    routes = models.JSONField(default=list)
    unassigned = models.JSONField(default=list)
    total_travel = models.FloatField(default=0)
    replan_from = models.PositiveSmallIntegerField(null=True, blank=True)
    absent = models.ForeignKey(
        Caregiver, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("day plan")
        verbose_name_plural = _("day plans")

    def __str__(self) -> str:
        return f"{self.provider} {self.date}"


class Feedback(TimeStampedModel):
    """A rating of a visit by the elder or family (recorded by a worker or a family account)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="feedback")
    rating = models.PositiveSmallIntegerField(_("rating"))
    by = models.CharField(_("from"), max_length=8, choices=FeedbackBy.choices)
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="homecare_rating_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.rating}"


class ComplaintQuerySet(RegionScopedQuerySet["Complaint"]):
    region_field = "region__code"


class Complaint(TimeStampedModel):
    """A complaint about a visit, tracked to closure."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="complaints")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    by = models.CharField(_("from"), max_length=8, choices=FeedbackBy.choices)
    text = models.TextField(_("complaint"))
    status = models.CharField(
        _("status"), max_length=12, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return f"{self.visit_id}: {self.status}"


class CareBedQuerySet(RegionScopedQuerySet["CareBed"]):
    region_field = "region__code"


class CareBed(TimeStampedModel):
    """A family care bed (家庭养老床位): the elder's home set up with devices, a package of
    visits per month, under a contract with a provider."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="care_beds")
    contract_number = models.CharField(_("contract"), max_length=64)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    visits_per_month = models.PositiveSmallIntegerField(_("visits per month"))
    devices = models.CharField(_("devices installed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = CareBedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("family care bed")
        verbose_name_plural = _("family care beds")

    def __str__(self) -> str:
        return self.contract_number


class PatrolRule(TimeStampedModel):
    """How often elders of a category in an area are visited (days between visits)."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=PatrolCategory.choices)
    every_days = models.PositiveSmallIntegerField(_("every (days)"))

    class Meta:
        ordering = ["region", "category"]
        constraints = [
            models.UniqueConstraint(fields=["region", "category"], name="homecare_patrol_rule"),
            models.CheckConstraint(
                condition=models.Q(every_days__gte=1), name="homecare_patrol_every_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.category}: {self.every_days}"


class PatrolQuerySet(RegionScopedQuerySet["PatrolVisit"]):
    region_field = "region__code"


class PatrolVisit(TimeStampedModel):
    """A patrol visit made: the outcome, and the order it opened when help was needed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("visited on"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=PatrolOutcome.choices)
    notes = models.TextField(_("notes"), blank=True)
    order = models.ForeignKey(
        CareOrder, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    visited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PatrolQuerySet.as_manager()

    class Meta:
        ordering = ["-visited_on", "-created_at"]
        verbose_name = _("patrol visit")
        verbose_name_plural = _("patrol visits")

    def __str__(self) -> str:
        return f"{self.elder_id} {self.visited_on}"
