"""API shapes of the elder canteens: one input schema per operation, one output per shape.
Money is integer fen."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import NameText, PlainText

MealIn = Literal["lunch", "dinner"]
ModeIn = Literal["dine_in", "pick_up", "delivery"]
TagIn = Literal["soft", "low_salt", "diabetic", "halal", "vegetarian", "minced"]


def _lunch() -> list[MealIn]:
    return ["lunch"]


class CanteenIn(Schema):
    name: NameText = Field(min_length=1, max_length=100)
    region_code: str = Field(pattern=r"^\d{12}$")
    capacity: int = Field(ge=1, le=2000)
    address: NameText = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    provider_id: uuid.UUID | None = None
    operator_name: NameText = Field("", max_length=100)
    open_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6], max_length=7)
    meals: list[MealIn] = Field(default_factory=_lunch, min_length=1, max_length=2)
    cutoff_min: int = Field(120, ge=0, le=1440)


class CanteenUpdateIn(Schema):
    name: NameText = Field(min_length=1, max_length=100)
    capacity: int = Field(ge=1, le=2000)
    address: NameText = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    operator_name: NameText = Field("", max_length=100)
    open_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6], max_length=7)
    meals: list[MealIn] = Field(default_factory=_lunch, min_length=1, max_length=2)
    cutoff_min: int = Field(120, ge=0, le=1440)
    active: bool = True


class CanteenOut(Schema):
    id: uuid.UUID
    name: str
    region_code: str
    address: str
    latitude: float | None
    longitude: float | None
    capacity: int
    operator: str
    provider_id: uuid.UUID | None
    open_days: list[int]
    meals: list[str]
    cutoff_min: int
    facility_id: uuid.UUID | None
    active: bool


class DishIn(Schema):
    name: NameText = Field(min_length=1, max_length=60)
    tags: list[TagIn] = Field(default_factory=list, max_length=6)


class DishOut(Schema):
    id: int
    name: str
    tags: list[str]


class MenuIn(Schema):
    day: dt.date
    meal: MealIn
    price_fen: int = Field(ge=0, le=10000)
    dish_ids: list[int] = Field(min_length=1, max_length=30)
    capacity: int | None = Field(None, ge=1, le=2000)
    note: PlainText = Field("", max_length=200)


class MenuOut(Schema):
    id: int
    canteen_id: uuid.UUID
    day: dt.date
    meal: str
    price_fen: int
    capacity: int
    booked: int
    note: str
    dishes: list[DishOut]


class MealOrderIn(Schema):
    elder_id: uuid.UUID
    canteen_id: uuid.UUID
    day: dt.date
    meal: MealIn
    mode: ModeIn
    note: PlainText = Field("", max_length=200)


class MealOrderOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    canteen_id: uuid.UUID
    canteen: str
    day: dt.date
    meal: str
    mode: str
    status: str
    price_fen: int
    subsidy_fen: int
    copay_fen: int
    quote_id: uuid.UUID | None
    placed_by: str
    served_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    note: str


class CancelIn(Schema):
    reason: PlainText = Field("", max_length=200)


class ServeIn(Schema):
    code: str = Field(min_length=1, max_length=200)
    meal: MealIn | None = None


class MealCardIn(Schema):
    elder_id: uuid.UUID


class MealCardOut(Schema):
    elder_id: uuid.UUID
    number: str


class PayerTotalOut(Schema):
    code: str
    name: str
    amount_fen: int


class SettlementOut(Schema):
    canteen_id: uuid.UUID
    month: dt.date
    served: int
    price_fen: int
    subsidy_fen: int
    copay_fen: int
    payers: list[PayerTotalOut]


class SettlementIn(Schema):
    month: dt.date


class ClaimOut(Schema):
    id: uuid.UUID
    payer: str
    month: dt.date
    total_fen: int
    status: str
