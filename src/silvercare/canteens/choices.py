"""Choices of the elder-canteen capability (长者饭堂)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Meal(models.TextChoices):
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


# When a sitting starts (minutes from midnight); ordering and cancelling close
# ``Canteen.cutoff_min`` minutes before it.
SITTING_START: dict[str, int] = {Meal.LUNCH: 11 * 60 + 30, Meal.DINNER: 17 * 60}


class Mode(models.TextChoices):
    DINE_IN = "dine_in", _("Dine in")
    PICK_UP = "pick_up", _("Pick up")
    DELIVERY = "delivery", _("Delivery")


class DishTag(models.TextChoices):
    SOFT = "soft", _("Soft")
    LOW_SALT = "low_salt", _("Low salt")
    DIABETIC = "diabetic", _("Low sugar (diabetic)")
    HALAL = "halal", _("Halal")
    VEGETARIAN = "vegetarian", _("Vegetarian")
    MINCED = "minced", _("Minced")


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    SERVED = "served", _("Served")
    CANCELLED = "cancelled", _("Cancelled")


class PlacedBy(models.TextChoices):
    STAFF = "staff", _("Staff")
    FAMILY = "family", _("Family")


WEEKDAYS = (
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
)

# The item codes a meal is quoted with (``subsidies`` programme versions cover meals by
# kind and, when they list item codes, only these): a street's own top-up lists
# ``OWN_STREET`` only, so a meal eaten outside the elder's street loses that share.
OWN_STREET = "meal-own-street"
OTHER_STREET = "meal-other-street"
