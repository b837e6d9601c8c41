"""Rental points, physical units with their state history, leases with monthly statements,
the waiting list, cleaning and repair records, incident reports, recalls with their pickup
or swap orders and the notices sent to holders' contacts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.rental.choices import (
    SYSTEM_REASONS,
    CleaningMethod,
    Condition,
    IncidentKind,
    LeaseStatus,
    Location,
    NoticeStatus,
    OrderKind,
    OrderStatus,
    PointKind,
    RecallStatus,
    ReminderStage,
    RepairOutcome,
    ReturnKind,
    Severity,
    UnitState,
    WaitStatus,
)


class RentalPoint(TimeStampedModel):
    """A rental point (租赁点) in a street or community centre, or a warehouse, run by an
    operator for an area; its stock is the units whose home point it is."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=PointKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    operator = models.CharField(_("operator"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    active = models.BooleanField(_("open"), default=True)
    # Its row in the one registry of facilities (industry); warehouses have none.
    facility = models.ForeignKey(
        "industry.Facility",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registry facility"),
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name"]
        verbose_name = _("rental point")
        verbose_name_plural = _("rental points")

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel):
    """One physical item: a serial number of a product, owned by the operator of a rental
    point's area, somewhere (warehouse, rental point, an elder's home), in one state."""

    product = models.ForeignKey(
        "assistive.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    serial = models.CharField(_("serial number"), max_length=64)
    lot = models.CharField(_("lot"), max_length=32, blank=True)
    point = models.ForeignKey(
        RentalPoint, on_delete=models.PROTECT, related_name="units", verbose_name=_("rental point")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    owner = models.CharField(_("owner"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=UnitState.choices, default=UnitState.AVAILABLE
    )
    location = models.CharField(
        _("location"), max_length=12, choices=Location.choices, default=Location.RENTAL_POINT
    )
    holder = models.ForeignKey(
        "elders.Elder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("holder"),
    )
    reserved_for = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    condition = models.CharField(
        _("condition"), max_length=8, choices=Condition.choices, default=Condition.NEW
    )
    needs_cleaning = models.BooleanField(_("needs cleaning"), default=False)
    recall_hold = models.BooleanField(_("held by a recall"), default=False)
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["product_id", "serial"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(fields=["product", "serial"], name="unit_serial_unique"),
            models.CheckConstraint(
                condition=~Q(location="home") | Q(holder__isnull=False),
                name="unit_home_has_holder",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "state"], name="unit_product_state"),
            models.Index(fields=["point", "state"], name="unit_point_state"),
            models.Index(fields=["holder"], name="unit_holder"),
        ]

    def __str__(self) -> str:
        return self.serial


class UnitEvent(models.Model):
    """One transition of a unit: from, to, who, when and why. Never edited."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=10, choices=UnitState.choices, blank=True)
    to_state = models.CharField(max_length=10, choices=UnitState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(db_index=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("unit event")
        verbose_name_plural = _("unit events")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.from_state} → {self.to_state}"

    @property
    def reason_label(self) -> str:
        return str(SYSTEM_REASONS.get(self.reason, self.reason))


class Lease(TimeStampedModel):
    """An elder's lease of one unit. The elder pays ``elder_monthly_fen`` a month; the
    rest of the month's price is held by subsidy reservations (``subsidy_lines``: one per
    paying programme, with its monthly amount) and delivered month by month."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leases")
    point = models.ForeignKey(RentalPoint, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=LeaseStatus.choices, default=LeaseStatus.ACTIVE
    )
    starts_on = models.DateField(_("starts on"))
    planned_end_on = models.DateField(_("planned end"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    return_kind = models.CharField(max_length=8, choices=ReturnKind.choices, blank=True)
    monthly_price_fen = models.PositiveIntegerField(_("monthly price (fen)"))
    elder_monthly_fen = models.PositiveIntegerField(_("elder pays a month (fen)"))
    deposit_fen = models.PositiveIntegerField(_("deposit (fen)"), default=0)
    buyout_price_fen = models.PositiveIntegerField(null=True, blank=True)
    quote_ids = models.JSONField(default=list, blank=True)
    subsidy_lines = models.JSONField(default=list, blank=True)
    allocation_reason = models.CharField(_("allocation reason"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-created_at"]
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        constraints = [
            # No unit is ever leased twice at once: one active lease per unit.
            models.UniqueConstraint(
                fields=["unit"], condition=Q(status="active"), name="lease_one_active_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(planned_end_on__gt=models.F("starts_on")), name="lease_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(elder_monthly_fen__lte=models.F("monthly_price_fen")),
                name="lease_share_within_price",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "planned_end_on"], name="lease_overdue"),
            models.Index(fields=["elder", "status"], name="lease_elder_status"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.elder_id}"


class LeaseMonth(models.Model):
    """A monthly statement line: one month of a lease billed — what the elder owes and
    what each subsidy delivered (recorded in the subsidies ledger)."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="months")
    month = models.DateField()  # the first day of the month
    price_fen = models.PositiveIntegerField()
    elder_fen = models.PositiveIntegerField()
    subsidy_fen = models.PositiveIntegerField()
    delivery_ids = models.JSONField(default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "month"], name="lease_month_unique")
        ]

    def __str__(self) -> str:
        return f"{self.lease_id} {self.month:%Y-%m}"


class LeaseReminder(models.Model):
    """A reminder sent for a lease nearing or past its planned end (each stage once)."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="reminders")
    stage = models.CharField(max_length=10, choices=ReminderStage.choices)
    sent_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=NoticeStatus.choices)
    recipients = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "stage"], name="lease_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.lease_id} {self.stage}"


class WaitlistPolicy(TimeStampedModel):
    """How the waiting list of an area is ordered: points per ability level, for economic
    difficulty and per week waited. The most specific area's policy applies."""

    region = models.OneToOneField("regions.Region", on_delete=models.PROTECT, related_name="+")
    level_points = models.PositiveSmallIntegerField(default=10)
    econ_points = models.PositiveSmallIntegerField(default=15)
    week_points = models.PositiveSmallIntegerField(default=1)

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["region_id"]

    def __str__(self) -> str:
        return str(self.region_id)


class WaitlistEntry(TimeStampedModel):
    """An elder waiting for a unit of a device type."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    device_type = models.ForeignKey(
        "assistive.DeviceType", on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=WaitStatus.choices, default=WaitStatus.WAITING)
    note = models.CharField(_("note"), max_length=200, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    allocated_at = models.DateTimeField(null=True, blank=True)
    allocation_reason = models.CharField(max_length=300, blank=True)
    allocation_facts = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "device_type"],
                condition=Q(status="waiting"),
                name="waitlist_once_per_type",
            )
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} waits for {self.device_type_id}"


class CleaningRecord(models.Model):
    """A cleaning and disinfection of a unit: method, agent, operator, time."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="cleanings")
    method = models.CharField(_("method"), max_length=8, choices=CleaningMethod.choices)
    agent = models.CharField(_("disinfectant"), max_length=100)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    operator_name = models.CharField(_("operator"), max_length=150)
    performed_at = models.DateTimeField(_("performed at"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-performed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.performed_at:%Y-%m-%d}"


class RepairRecord(models.Model):
    """A repair of a unit: fault, parts, cost, outcome."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="repairs")
    fault = models.CharField(_("fault"), max_length=300)
    parts = models.CharField(_("parts"), max_length=300, blank=True)
    cost_fen = models.PositiveIntegerField(_("cost (fen)"), default=0)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=RepairOutcome.choices, default=RepairOutcome.OPEN
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit"], condition=Q(outcome="open"), name="repair_one_open_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.fault}"


class Incident(TimeStampedModel):
    """A product incident or injury report, linked to the unit and its product."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="incidents")
    product = models.ForeignKey("assistive.Product", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    elder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    occurred_on = models.DateField(_("occurred on"))
    description = models.TextField(_("what happened"))
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")

    def __str__(self) -> str:
        return f"{self.kind} {self.occurred_on}"


class Recall(TimeStampedModel):
    """A recall of a product model in an area, optionally of a serial range or a lot."""

    product = models.ForeignKey("assistive.Product", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("recall reference"), max_length=60)
    reason = models.TextField(_("reason"))
    serial_from = models.CharField(_("serial from"), max_length=64, blank=True)
    serial_to = models.CharField(_("serial to"), max_length=64, blank=True)
    lot = models.CharField(_("lot"), max_length=32, blank=True)
    swap = models.BooleanField(_("swap for a replacement"), default=False)
    status = models.CharField(max_length=8, choices=RecallStatus.choices, default=RecallStatus.OPEN)
    issued_on = models.DateField(_("issued on"))
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RegionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("recall")
        verbose_name_plural = _("recalls")

    def __str__(self) -> str:
        return self.reference


class RecallOrderQuerySet(RegionScopedQuerySet["RecallOrder"]):
    region_field = "region__code"


class RecallOrder(TimeStampedModel):
    """One affected unit of a recall: pick it up (or swap it) from the holder's home, or
    withdraw it from stock, tracked to closure."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="orders")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="recall_orders")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=OrderKind.choices)
    holder = models.ForeignKey(
        "elders.Elder", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit_state = models.CharField(max_length=10, choices=UnitState.choices)
    status = models.CharField(max_length=12, choices=OrderStatus.choices, default=OrderStatus.OPEN)
    note = models.CharField(_("note"), max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = RecallOrderQuerySet.as_manager()

    class Meta:
        ordering = ["recall_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["recall", "unit"], name="recall_order_once_per_unit")
        ]
        indexes = [models.Index(fields=["recall", "status"], name="recall_order_status")]

    def __str__(self) -> str:
        return f"{self.recall_id}/{self.unit_id}"


class Notice(models.Model):
    """A message to a holder's contact about a recall order or a lease (one per attempt),
    through the alerts app's channels; ``recorded`` when no channel could carry it."""

    order = models.ForeignKey(
        RecallOrder, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    lease = models.ForeignKey(
        Lease, on_delete=models.CASCADE, null=True, blank=True, related_name="notices"
    )
    channel = models.CharField(max_length=10)
    recipient = models.CharField(max_length=100)  # masked
    text = models.TextField()
    status = models.CharField(max_length=10, choices=NoticeStatus.choices)
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient} {self.status}"
