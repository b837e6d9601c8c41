"""API shapes of the home-care capability: one input schema per operation, one output per
shape. Times of day are minutes from midnight; money is integer fen."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import MultilineText, NameText, PlainText

ServiceCodeIn = Literal[
    "meals",
    "walking",
    "emergency",
    "bathing",
    "cleaning",
    "medical",
    "daily_care",
    "comfort",
    "escort",
    "shopping",
    "patrol",
]
SideIn = Literal["elder", "provider"]
Minute = Field(ge=0, le=1440)


class ServiceTypeOut(Schema):
    code: str
    name: str
    duration_min: int
    skills: list[str]
    certificates: list[str]
    price_fen: int
    checklist: list[str]


class ProviderIn(Schema):
    name: NameText = Field(min_length=1, max_length=100)
    region_code: str = Field(pattern=r"^\d{12}$")
    served: list[str] = Field(default_factory=list, max_length=50)
    contract_number: PlainText = Field("", max_length=64)
    contract_from: dt.date | None = None
    contract_until: dt.date | None = None
    phone: PlainText = Field("", max_length=20)
    # The provider's unified social credit code, linking it to the industry registry.
    credit_code: PlainText = Field("", max_length=30)


class PriceOut(Schema):
    service_type: str
    price_fen: int


class ProviderOut(Schema):
    id: uuid.UUID
    name: str
    region_code: str
    served: list[str]
    contract_number: str
    contract_from: dt.date | None
    contract_until: dt.date | None
    active: bool
    prices: list[PriceOut]


class PriceIn(Schema):
    price_fen: int = Field(gt=0, le=10_000_000)


class CertificateIn(Schema):
    kind: Literal[
        "assessor", "at_consultant", "caregiver", "nurse", "rehab_therapist", "family_caregiver"
    ]
    number: PlainText = Field(min_length=1, max_length=64)
    valid_until: dt.date | None = None


class CertificateOut(Schema):
    kind: str
    number: str
    valid_until: dt.date | None
    valid_today: bool


class CaregiverIn(Schema):
    provider_id: uuid.UUID
    name: NameText = Field(min_length=1, max_length=50)
    region_code: str | None = Field(None, pattern=r"^\d{12}$")
    home_lat: float = Field(ge=-90, le=90)
    home_lon: float = Field(ge=-180, le=180)
    skills: list[PlainText] = Field(default_factory=list, max_length=20)
    languages: list[PlainText] = Field(default_factory=list, max_length=10)
    shift_start: int = Field(480, ge=0, le=1440)
    shift_end: int = Field(1020, ge=0, le=1440)
    break_start: int | None = Field(None, ge=0, le=1440)
    break_minutes: int = Field(0, ge=0, le=240)
    travel_mode: Literal["walking", "ebike"] = "ebike"
    max_visits: int = Field(10, ge=1, le=40)
    meal_capacity: int | None = Field(None, ge=1, le=100)
    phone: PlainText = Field("", max_length=20)


class CaregiverOut(Schema):
    id: uuid.UUID
    provider_id: uuid.UUID
    name: str
    region_code: str
    skills: list[str]
    languages: list[str]
    shift_start: int
    shift_end: int
    break_start: int | None
    break_minutes: int
    travel_mode: str
    max_visits: int
    meal_capacity: int | None
    active: bool
    certificates: list[CertificateOut]


class OrderIn(Schema):
    elder_id: uuid.UUID
    service_type: ServiceCodeIn
    provider_id: uuid.UUID
    first_date: dt.date
    window_start: int = Field(ge=0, le=1440)
    window_end: int = Field(ge=0, le=1440)
    recurrence: Literal["once", "daily", "weekly"] = "once"
    last_date: dt.date | None = None
    notes: MultilineText = Field("", max_length=1000)
    # An alert resolved by a referral to home care that this order answers.
    alert_id: uuid.UUID | None = None


class ReasonIn(Schema):
    reason: PlainText = Field(min_length=1, max_length=200)
    side: SideIn = "elder"


class DeclineIn(Schema):
    reason: PlainText = Field(min_length=1, max_length=200)


class VisitBriefOut(Schema):
    id: uuid.UUID
    date: dt.date
    status: str
    caregiver_id: uuid.UUID | None
    planned_arrival: float | None


class OrderOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    region_code: str
    provider_id: uuid.UUID
    service_type: str
    first_date: dt.date
    last_date: dt.date
    window_start: int
    window_end: int
    recurrence: str
    notes: str
    status: str
    status_reason: str
    cancelled_by: str
    price_fen: int
    subsidy_fen: int
    copay_fen: int
    quote_id: uuid.UUID | None
    visits: list[VisitBriefOut]


class VisitOut(Schema):
    id: uuid.UUID
    order_id: uuid.UUID
    elder_id: uuid.UUID
    provider_id: uuid.UUID
    service_type: str
    date: dt.date
    window_start: int
    window_end: int
    duration_min: int
    status: str
    status_reason: str
    side: str
    caregiver_id: uuid.UUID | None
    planned_arrival: float | None
    sequence: int | None
    unassigned_reason: str
    checked_in_at: dt.datetime | None
    check_in_distance_m: float | None
    checked_out_at: dt.datetime | None
    check_out_distance_m: float | None
    actual_minutes: int | None
    checklist_done: list[str]
    notes: str
    flags: list[str]
    held: bool
    delivered_on: dt.date | None


class PlanIn(Schema):
    provider_id: uuid.UUID
    date: dt.date
    time_limit: float = Field(3.0, gt=0, le=30)


class ReplanIn(Schema):
    provider_id: uuid.UUID
    date: dt.date
    absent_caregiver_id: uuid.UUID
    from_minute: int = Field(ge=0, le=1440)
    time_limit: float = Field(3.0, gt=0, le=30)


class StopOut(Schema):
    visit: str
    arrival: float
    start: float


class RouteOut(Schema):
    caregiver: str
    caregiver_name: str
    stops: list[StopOut]


class UnassignedOut(Schema):
    visit: str
    reason: str


class PlanOut(Schema):
    id: uuid.UUID
    provider_id: uuid.UUID
    date: dt.date
    routes: list[RouteOut]
    unassigned: list[UnassignedOut]
    total_travel: float
    replan_from: int | None
    absent_caregiver_id: uuid.UUID | None


class CheckIn(Schema):
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)


class ChecklistIn(Schema):
    done: list[PlainText] = Field(default_factory=list, max_length=30)
    notes: MultilineText = Field("", max_length=2000)


class FeedbackIn(Schema):
    rating: int = Field(ge=1, le=5)
    by: Literal["elder", "family"] = "elder"
    comment: MultilineText = Field("", max_length=1000)


class ComplaintIn(Schema):
    by: Literal["elder", "family"] = "elder"
    text: MultilineText = Field(min_length=1, max_length=2000)


class ComplaintActIn(Schema):
    status: Literal["in_progress", "closed"]
    resolution: MultilineText = Field("", max_length=2000)


class ComplaintOut(Schema):
    id: uuid.UUID
    visit_id: uuid.UUID
    by: str
    text: str
    status: str
    resolution: str
    closed_at: dt.datetime | None


class CareBedIn(Schema):
    elder_id: uuid.UUID
    provider_id: uuid.UUID
    contract_number: PlainText = Field(min_length=1, max_length=64)
    starts_on: dt.date
    ends_on: dt.date | None = None
    visits_per_month: int = Field(ge=1, le=100)
    devices: PlainText = Field("", max_length=200)


class CareBedOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    provider_id: uuid.UUID
    contract_number: str
    starts_on: dt.date
    ends_on: dt.date | None
    visits_per_month: int
    devices: str
    delivered_this_month: int


class PatrolDueOut(Schema):
    elder_id: uuid.UUID
    elder_name: str
    region_code: str
    categories: list[str]
    every_days: int
    last_visited_on: dt.date | None
    due_on: dt.date


class PatrolIn(Schema):
    elder_id: uuid.UUID
    visited_on: dt.date
    outcome: Literal["well", "needs_help"]
    notes: MultilineText = Field("", max_length=1000)
    service_type: ServiceCodeIn | None = None
    provider_id: uuid.UUID | None = None


class PatrolOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    visited_on: dt.date
    outcome: str
    notes: str
    order_id: uuid.UUID | None


class SettlementIn(Schema):
    provider_id: uuid.UUID
    month: dt.date


class SettlementOut(Schema):
    provider_id: uuid.UUID
    month: dt.date
    completed: int
    verified: int
    held: int
    delivered: int
    delivered_fen: int
    copay_fen: int


class ClaimsOut(Schema):
    claims: list[uuid.UUID | int | str]
