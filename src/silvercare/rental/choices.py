"""Unit states and the one table of legal transitions, locations, lease and recall states."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitState(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    LEASED = "leased", _("Leased")
    RETURNED = "returned", _("Returned")
    CLEANING = "cleaning", _("Being cleaned")
    REPAIR = "repair", _("In repair")
    RETIRED = "retired", _("Retired")
    LOST = "lost", _("Lost")


S = UnitState

#: Every legal move of a unit. Anything else is refused with ``transition_illegal``.
#: available → reserved → leased → returned → cleaning → (repair) → available; a unit can
#: be retired or lost from most states; a lost unit that turns up comes back as returned
#: (it must be cleaned before it goes out again); a bought-out unit is retired while leased.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.AVAILABLE: frozenset({S.RESERVED, S.REPAIR, S.RETIRED, S.LOST}),
    S.RESERVED: frozenset({S.LEASED, S.AVAILABLE, S.LOST}),
    S.LEASED: frozenset({S.RETURNED, S.RETIRED, S.LOST}),
    S.RETURNED: frozenset({S.CLEANING, S.REPAIR, S.RETIRED, S.LOST}),
    S.CLEANING: frozenset({S.AVAILABLE, S.REPAIR, S.RETIRED, S.LOST}),
    S.REPAIR: frozenset({S.CLEANING, S.AVAILABLE, S.RETIRED, S.LOST}),
    S.RETIRED: frozenset(),
    S.LOST: frozenset({S.RETURNED}),
}

#: States an operator may move a unit into by hand (the others belong to lease services).
MANUAL_TARGETS = frozenset({S.CLEANING, S.REPAIR, S.AVAILABLE, S.RETIRED, S.LOST, S.RETURNED})


class Location(models.TextChoices):
    WAREHOUSE = "warehouse", _("Warehouse")
    RENTAL_POINT = "rental_point", _("Rental point")
    HOME = "home", _("Elder's home")


class Condition(models.TextChoices):
    NEW = "new", _("New")
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    DAMAGED = "damaged", _("Damaged")


class PointKind(models.TextChoices):
    STREET = "street", _("Street service centre")
    COMMUNITY = "community", _("Community centre")
    WAREHOUSE = "warehouse", _("Warehouse")


class LeaseStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETURNED = "returned", _("Returned")
    BOUGHT_OUT = "bought_out", _("Bought out")


class ReturnKind(models.TextChoices):
    ON_TIME = "on_time", _("On time")
    EARLY = "early", _("Early")
    LATE = "late", _("Late")


class CleaningMethod(models.TextChoices):
    WIPE = "wipe", _("Wipe-down disinfection")
    SPRAY = "spray", _("Spray disinfection")
    STEAM = "steam", _("Steam")
    SOAK = "soak", _("Immersion")
    UV = "uv", _("Ultraviolet")


class RepairOutcome(models.TextChoices):
    OPEN = "open", _("In progress")
    REPAIRED = "repaired", _("Repaired")
    UNREPAIRABLE = "unrepairable", _("Cannot be repaired")


class IncidentKind(models.TextChoices):
    MALFUNCTION = "malfunction", _("Malfunction")
    INCIDENT = "incident", _("Incident without injury")
    INJURY = "injury", _("Injury")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


class WaitStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    ALLOCATED = "allocated", _("Unit allocated")
    CANCELLED = "cancelled", _("Cancelled")


class RecallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class OrderKind(models.TextChoices):
    PICKUP = "pickup", _("Pick up")
    SWAP = "swap", _("Swap")
    WITHDRAW = "withdraw", _("Withdraw from stock")


class OrderStatus(models.TextChoices):
    OPEN = "open", _("Open")
    NOTIFIED = "notified", _("Holder notified")
    DONE = "done", _("Unit collected")
    UNREACHABLE = "unreachable", _("Holder unreachable")
    CLOSED = "closed", _("Closed")


OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.NOTIFIED, OrderStatus.UNREACHABLE)


class NoticeStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    RECORDED = "recorded", _("Recorded (no channel)")


class ReminderStage(models.TextChoices):
    DUE_SOON = "due_soon", _("Due within 7 days")
    OVERDUE = "overdue", _("Overdue")


#: Reasons the services record on a unit's events, shown translated (an operator's own
#: reason is free text and shown as written).
SYSTEM_REASONS = {
    "registered": _("Registered in stock"),
    "lease": _("Lease opened"),
    "lease_returned": _("Lease returned"),
    "cleaning_recorded": _("Cleaning recorded"),
    "cleaned": _("Cleaned and disinfected"),
    "repaired": _("Repaired"),
    "unrepairable": _("Cannot be repaired"),
    "bought_out": _("Bought out by the elder"),
    "waitlist": _("Allocated from the waiting list"),
}

DUE_SOON_DAYS = 7
MAX_MONTHS = 36
