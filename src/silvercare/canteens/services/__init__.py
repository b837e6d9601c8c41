"""Writes of the elder-canteen capability, split by sub-domain. The portal calls
``meal_order_place`` and ``meal_order_cancel`` for family members."""

from silvercare.canteens.services.catalogue import (
    canteen_create,
    canteen_update,
    dish_create,
    meal_card_issue,
    menu_save,
)
from silvercare.canteens.services.orders import (
    cutoff,
    meal_item_code,
    meal_order_cancel,
    meal_order_place,
    meal_serve,
    pickup_token,
)
from silvercare.canteens.services.settlement import month_first, settlement_claim

__all__ = [
    "canteen_create",
    "canteen_update",
    "cutoff",
    "dish_create",
    "meal_card_issue",
    "meal_item_code",
    "meal_order_cancel",
    "meal_order_place",
    "meal_serve",
    "menu_save",
    "month_first",
    "pickup_token",
    "settlement_claim",
]
