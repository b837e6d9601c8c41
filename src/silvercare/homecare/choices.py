"""Service types, order and visit states, the legal visit transitions, flags, patrol rules."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCode(models.TextChoices):
    """The catalogue of home and community services (助餐, 助行, 助急, 助浴, 助洁, 助医…).
    The code is also the subsidies item code of a visit (item kind ``service``)."""

    MEALS = "meals", _("Meal delivery")
    WALKING = "walking", _("Walking help")
    EMERGENCY = "emergency", _("Emergency help")
    BATHING = "bathing", _("Bathing")
    CLEANING = "cleaning", _("Cleaning")
    MEDICAL = "medical", _("Medical help")
    DAILY_CARE = "daily_care", _("Daily care")
    COMFORT = "comfort", _("Emotional comfort")
    ESCORT = "escort", _("Escort to hospital")
    SHOPPING = "shopping", _("Shopping")
    PATROL = "patrol", _("Patrol visit")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Once")
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class OrderStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class VisitStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    MISSED = "missed", _("Missed")


# The legal moves of a visit; anything else is refused with the reason.
VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    VisitStatus.REQUESTED: frozenset({VisitStatus.ACCEPTED, VisitStatus.CANCELLED}),
    VisitStatus.ACCEPTED: frozenset(
        {VisitStatus.SCHEDULED, VisitStatus.CANCELLED, VisitStatus.MISSED}
    ),
    VisitStatus.SCHEDULED: frozenset(
        {
            VisitStatus.ACCEPTED,  # taken off a plan on re-planning
            VisitStatus.SCHEDULED,
            VisitStatus.IN_PROGRESS,
            VisitStatus.CANCELLED,
            VisitStatus.MISSED,
        }
    ),
    VisitStatus.IN_PROGRESS: frozenset({VisitStatus.COMPLETED}),
    VisitStatus.COMPLETED: frozenset(),
    VisitStatus.CANCELLED: frozenset(),
    VisitStatus.MISSED: frozenset(),
}
OPEN_VISIT_STATES = (
    VisitStatus.REQUESTED,
    VisitStatus.ACCEPTED,
    VisitStatus.SCHEDULED,
    VisitStatus.IN_PROGRESS,
)


class Side(models.TextChoices):
    """Who cancelled or did not turn up."""

    ELDER = "elder", _("The elder's side")
    PROVIDER = "provider", _("The provider's side")


class Flag(models.TextChoices):
    FAR_FROM_HOME = "far_from_home", _("Checked in or out far from the elder's home")
    TOO_SHORT = "too_short", _("Far shorter than the service's duration")
    NO_LOCATION = "no_location", _("No location given")


class TravelMode(models.TextChoices):
    WALKING = "walking", _("Walking")
    EBIKE = "ebike", _("E-bike")


TRAVEL_SPEED_KMH: dict[str, float] = {TravelMode.WALKING: 4.5, TravelMode.EBIKE: 15.0}


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("Being handled")
    CLOSED = "closed", _("Closed")


class FeedbackBy(models.TextChoices):
    ELDER = "elder", _("The elder")
    FAMILY = "family", _("Family")


class PatrolCategory(models.TextChoices):
    """Elder categories that call for regular patrol visits (巡探访)."""

    LIVING_ALONE = "living_alone", _("Living alone")
    EMPTY_NEST = "empty_nest", _("Empty nest")
    DISABLED = "disabled", _("Disabled")
    ECON_DIFFICULT = "econ_difficult", _("Economically difficult")
    ADVANCED_AGE = "advanced_age", _("Advanced age (80+)")


# The elder field behind each patrol category (advanced age is computed from the birth date).
PATROL_CATEGORY_FIELDS = {
    PatrolCategory.LIVING_ALONE: "is_living_alone",
    PatrolCategory.EMPTY_NEST: "is_empty_nest",
    PatrolCategory.DISABLED: "is_disabled",
    PatrolCategory.ECON_DIFFICULT: "is_econ_difficult",
}


class PatrolOutcome(models.TextChoices):
    WELL = "well", _("Well")
    NEEDS_HELP = "needs_help", _("Needs help")


# Check-in tolerance: further from the elder's home than this is flagged (not refused);
# a visit shorter than this share of the service's duration is flagged too.
DEFAULT_TOLERANCE_M = 300
DEFAULT_MIN_DURATION_SHARE = 0.5
