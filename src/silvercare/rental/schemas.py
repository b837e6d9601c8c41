"""In and Out shapes of /api/v1/rental (one In per operation, one Out per shape)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import MultilineText, PlainText

StateCode = Literal[
    "available", "reserved", "leased", "returned", "cleaning", "repair", "retired", "lost"
]
_ID = Field(ge=1, le=2**62)


class PointIn(Schema):
    name: PlainText = Field(min_length=1, max_length=100)
    kind: Literal["street", "community", "warehouse"]
    region_code: str = Field(pattern=r"^\d{12}$")
    operator: PlainText = Field(min_length=1, max_length=100)
    address: PlainText = Field("", max_length=200)
    phone: PlainText = Field("", max_length=30)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)


class PointOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    operator: str
    address: str
    latitude: float | None
    longitude: float | None
    available: int
    stock: int


class UnitIn(Schema):
    point_id: int = _ID
    product_id: uuid.UUID
    serial: PlainText = Field(min_length=1, max_length=64)
    lot: PlainText = Field("", max_length=32)
    condition: Literal["new", "good", "fair", "damaged"] = "new"
    acquired_on: dt.date | None = None


class UnitEventOut(Schema):
    from_state: str
    to_state: str
    actor: str
    at: dt.datetime
    reason: str


class UnitOut(Schema):
    id: int
    serial: str
    lot: str
    product_id: uuid.UUID
    product: str
    point_id: int
    point: str
    region_code: str
    owner: str
    state: str
    location: str
    condition: str
    holder_id: uuid.UUID | None
    needs_cleaning: bool
    recall_hold: bool


class UnitDetailOut(UnitOut):
    history: list[UnitEventOut]


class UnitPageOut(Schema):
    items: list[UnitOut]
    count: int


class TransitionIn(Schema):
    to_state: StateCode
    reason: PlainText = Field("", max_length=200)


class CleaningIn(Schema):
    method: Literal["wipe", "spray", "steam", "soak", "uv"]
    agent: PlainText = Field(min_length=1, max_length=100)
    performed_at: dt.datetime | None = None
    note: PlainText = Field("", max_length=200)


class CleaningOut(Schema):
    id: int
    unit_id: int
    method: str
    agent: str
    operator_name: str
    performed_at: dt.datetime
    unit_state: str


class RepairIn(Schema):
    fault: PlainText = Field(min_length=1, max_length=300)


class RepairCloseIn(Schema):
    outcome: Literal["repaired", "unrepairable"]
    parts: PlainText = Field("", max_length=300)
    cost_fen: int = Field(0, ge=0, le=100_000_000)


class RepairOut(Schema):
    id: int
    unit_id: int
    fault: str
    parts: str
    cost_fen: int
    outcome: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None


class IncidentIn(Schema):
    kind: Literal["malfunction", "incident", "injury"]
    severity: Literal["minor", "serious", "critical"]
    occurred_on: dt.date
    description: MultilineText = Field(min_length=1, max_length=4000)


class IncidentOut(Schema):
    id: uuid.UUID
    unit_id: int
    serial: str
    product_id: uuid.UUID
    region_code: str
    kind: str
    severity: str
    occurred_on: dt.date
    description: str


class LeaseIn(Schema):
    elder_id: uuid.UUID
    unit_id: int | None = Field(None, ge=1, le=2**62)
    point_id: int | None = Field(None, ge=1, le=2**62)
    product_id: uuid.UUID | None = None
    starts_on: dt.date
    months: int = Field(ge=1, le=36)
    deposit_fen: int = Field(0, ge=0, le=100_000_000)
    monthly_price_fen: int | None = Field(None, ge=0, le=100_000_000)


class LeaseMonthOut(Schema):
    month: dt.date
    price_fen: int
    elder_fen: int
    subsidy_fen: int


class LeaseOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    elder_name: str
    unit_id: int
    serial: str
    product: str
    point_id: int
    region_code: str
    status: str
    starts_on: dt.date
    planned_end_on: dt.date
    ended_on: dt.date | None
    return_kind: str
    monthly_price_fen: int
    elder_monthly_fen: int
    deposit_fen: int
    overdue: bool


class LeaseDetailOut(LeaseOut):
    months: list[LeaseMonthOut]
    allocation_reason: str


class LeasePageOut(Schema):
    items: list[LeaseOut]
    count: int


class ReturnIn(Schema):
    on: dt.date | None = None
    condition: Literal["new", "good", "fair", "damaged"] = "good"


class ExtendIn(Schema):
    months: int = Field(ge=1, le=36)


class BuyOutIn(Schema):
    price_fen: int = Field(ge=0, le=100_000_000)
    on: dt.date | None = None


class BillIn(Schema):
    day: dt.date


class WaitIn(Schema):
    elder_id: uuid.UUID
    device_type_code: PlainText = Field(min_length=1, max_length=8)
    note: PlainText = Field("", max_length=200)


class AllocateIn(Schema):
    point_id: int = _ID
    device_type_code: PlainText = Field(min_length=1, max_length=8)


class WaitOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    elder_name: str
    device_type_code: str
    status: str
    waiting_since: dt.datetime
    score: int | None
    reason: str
    unit_id: int | None


class RecallIn(Schema):
    product_id: uuid.UUID
    region_code: str = Field(pattern=r"^\d{12}$")
    reference: PlainText = Field(min_length=1, max_length=60)
    reason: MultilineText = Field(min_length=1, max_length=4000)
    serial_from: PlainText = Field("", max_length=64)
    serial_to: PlainText = Field("", max_length=64)
    lot: PlainText = Field("", max_length=32)
    swap: bool = False
    issued_on: dt.date | None = None


class RecallOut(Schema):
    id: int
    reference: str
    product_id: uuid.UUID
    product: str
    region_code: str
    reason: str
    serial_from: str
    serial_to: str
    lot: str
    swap: bool
    status: str
    issued_on: dt.date
    orders_total: int
    orders_open: int


class OrderOut(Schema):
    id: int
    unit_id: int
    serial: str
    lot: str
    unit_state: str
    kind: str
    status: str
    point: str
    holder_id: uuid.UUID | None
    holder_name: str
    address: str
    closed_at: dt.datetime | None


class RecallDetailOut(RecallOut):
    orders: list[OrderOut]


class OrderCloseIn(Schema):
    outcome: Literal["done", "unreachable", "closed"]
    note: PlainText = Field("", max_length=200)


class NotifyOut(Schema):
    notices: int
