"""Elder canteens (长者饭堂): canteens linked to the city's facility registry, their dishes
and daily menus (one per sitting, with its capacity), elders' meal cards, and meal orders
for dine-in, pick-up or delivery with their subsidy split."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet, scope_q
from silvercare.canteens.choices import Meal, Mode, OrderStatus, PlacedBy
from silvercare.common.models import TimeStampedModel


def street_of(region_code: str) -> str:
    """The street (level 4) code of a region code: its first nine digits."""
    return region_code[:9].ljust(12, "0")


class CanteenQuerySet(RegionScopedQuerySet["Canteen"]):
    region_field = "region__code"


class Canteen(TimeStampedModel):
    """An elder canteen: where it is, how many meals a sitting can serve, who runs it, the
    days and meals it opens; its row in the facility registry (``industry.Facility``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("meals per sitting"))
    provider = models.ForeignKey(
        "homecare.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("care provider"),
    )
    operator_name = models.CharField(_("operator"), max_length=100, blank=True)
    open_days = models.JSONField(_("opening days"), default=list, blank=True)
    meals = models.JSONField(_("meals"), default=list, blank=True)
    cutoff_min = models.PositiveIntegerField(
        _("order and cancel until (minutes before the sitting)"), default=120
    )
    facility = models.OneToOneField(
        "industry.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="canteen",
        verbose_name=_("registry entry"),
    )
    active = models.BooleanField(_("active"), default=True)

    objects = CanteenQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "name", "id"]
        verbose_name = _("elder canteen")
        verbose_name_plural = _("elder canteens")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="canteens_capacity_pos")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def operator_label(self) -> str:
        return self.provider.name if self.provider_id and self.provider else self.operator_name

    @property
    def street(self) -> str:
        return street_of(self.region_id)


class DishQuerySet(RegionScopedQuerySet["Dish"]):
    region_field = "canteen__region__code"


class Dish(TimeStampedModel):
    """A dish a canteen cooks, tagged for diets (soft, low salt, diabetic…)."""

    canteen = models.ForeignKey(Canteen, on_delete=models.CASCADE, related_name="dishes")
    name = models.CharField(_("name"), max_length=60)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)

    objects = DishQuerySet.as_manager()

    class Meta:
        ordering = ["canteen", "name", "id"]
        verbose_name = _("dish")
        verbose_name_plural = _("dishes")
        constraints = [
            models.UniqueConstraint(fields=["canteen", "name"], name="canteens_dish_unique")
        ]

    def __str__(self) -> str:
        return self.name


class MenuQuerySet(RegionScopedQuerySet["Menu"]):
    region_field = "canteen__region__code"


class Menu(TimeStampedModel):
    """One sitting of a canteen (a day's lunch or dinner): its dishes, the price of the
    meal, how many meals it can serve and how many are booked (never more: a database
    check and a guarded ``F()`` update)."""

    canteen = models.ForeignKey(Canteen, on_delete=models.CASCADE, related_name="menus")
    day = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=8, choices=Meal.choices)
    dishes = models.ManyToManyField(Dish, related_name="menus", blank=True)
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    capacity = models.PositiveIntegerField(_("meals"))
    booked = models.PositiveIntegerField(_("booked"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = MenuQuerySet.as_manager()

    class Meta:
        ordering = ["canteen", "day", "meal"]
        verbose_name = _("menu")
        verbose_name_plural = _("menus")
        constraints = [
            models.UniqueConstraint(
                fields=["canteen", "day", "meal"], name="canteens_menu_one_per_sitting"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="canteens_menu_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.canteen} {self.day:%Y-%m-%d} {self.get_meal_display()}"

    @property
    def left(self) -> int:
        return max(0, self.capacity - self.booked)


class MealCardQuerySet(RegionScopedQuerySet["MealCard"]):
    region_field = "elder__region__code"


class MealCard(TimeStampedModel):
    """An elder's meal card: the number shown at the counter to pick up a meal. Issuing a
    new card replaces the number (the old one stops working)."""

    elder = models.OneToOneField("elders.Elder", on_delete=models.CASCADE, related_name="meal_card")
    number = models.CharField(_("card number"), max_length=16, unique=True)

    objects = MealCardQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name = _("meal card")
        verbose_name_plural = _("meal cards")

    def __str__(self) -> str:
        return self.number


class MealOrderQuerySet(RegionScopedQuerySet["MealOrder"]):
    def visible_to(self, actor: Any, perm: str) -> MealOrderQuerySet:
        """Seen from the elder's area (their workers) and from the canteen's (its staff)."""
        return self.filter(
            scope_q(actor, perm, "region__code") | scope_q(actor, perm, "canteen__region__code")
        )


class MealOrder(TimeStampedModel):
    """One meal for one elder at one sitting: how it is taken, its price split (subsidy
    and co-pay from a ``subsidies`` quote, reserved on ordering), the pick-up token behind
    its QR code, and when it was served or cancelled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("area")
    )
    canteen = models.ForeignKey(Canteen, on_delete=models.PROTECT, related_name="orders")
    menu = models.ForeignKey(Menu, on_delete=models.PROTECT, related_name="orders")
    day = models.DateField(_("day"))
    meal = models.CharField(_("meal"), max_length=8, choices=Meal.choices)
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.PLACED
    )
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    subsidy_fen = models.PositiveIntegerField(_("subsidy (fen)"), default=0)
    copay_fen = models.PositiveIntegerField(_("co-pay (fen)"), default=0)
    quote = models.ForeignKey(
        "subsidies.Quote", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reservation_ids = models.JSONField(default=list, blank=True)
    nonce = models.CharField(max_length=32, unique=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    placed_by = models.CharField(
        _("placed by"), max_length=8, choices=PlacedBy.choices, default=PlacedBy.STAFF
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason"), max_length=200, blank=True)

    objects = MealOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "meal", "canteen", "created_at"]
        verbose_name = _("meal order")
        verbose_name_plural = _("meal orders")
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "menu"],
                condition=~Q(status="cancelled"),
                name="canteens_one_meal_per_sitting",
            )
        ]
        indexes = [models.Index(fields=["canteen", "day", "meal"], name="canteens_order_sitting")]

    def __str__(self) -> str:
        return f"{self.canteen} {self.day:%Y-%m-%d} {self.get_meal_display()}"
