"""In and Out shapes of /api/v1/supervision (one In per operation, one Out per shape)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import MultilineText, PlainText

_CODE = Field(pattern=r"^\d{12}$")


class WarningIn(Schema):
    title: PlainText = Field(min_length=1, max_length=120)
    pattern: MultilineText = Field(min_length=1, max_length=2000)
    advice: MultilineText = Field(min_length=1, max_length=2000)
    region_code: str = _CODE
    valid_from: dt.date
    valid_to: dt.date


class WithdrawIn(Schema):
    reason: PlainText = Field(min_length=1, max_length=200)


class WarningOut(Schema):
    id: int
    title: str
    pattern: str
    advice: str
    region_code: str
    region_name: str
    valid_from: dt.date
    valid_to: dt.date
    status: str
    withdrawn_reason: str


class SubjectOut(Schema):
    id: int
    kind: str
    name: str
    region_code: str
    enterprise_id: uuid.UUID | None
    user_id: int | None
    score: int | None
    grade: str


class EventOut(Schema):
    id: int
    subject_id: int
    category: str
    occurred_on: dt.date
    source: str
    reference: str
    evidence: str
    inspection_id: int | None


class GradeOut(Schema):
    score: int
    grade: str
    previous_grade: str
    reason: str
    model_version: int | None
    at: dt.datetime


class ListingOut(Schema):
    id: int
    subject_id: int
    subject_name: str
    reason: str
    starts_on: dt.date
    ends_on: dt.date | None
    status: str
    in_force: bool
    appeal_status: str
    appeal_text: str
    appeal_filed_on: dt.date | None
    decision_reason: str


class SubjectDetailOut(SubjectOut):
    events: list[EventOut]
    grades: list[GradeOut]
    listings: list[ListingOut]


class EventIn(Schema):
    """Either ``enterprise_id``, or ``user_id`` with ``kind`` (caregiver, at_consultant,
    rental_operator)."""

    enterprise_id: uuid.UUID | None = None
    user_id: int | None = Field(None, ge=1, le=2**62)
    kind: Literal["caregiver", "at_consultant", "rental_operator"] | None = None
    category: str = Field(min_length=1, max_length=40)
    occurred_on: dt.date
    source: Literal["inspection", "complaint", "penalty", "court", "award", "report", "other"]
    reference: PlainText = Field("", max_length=100)
    evidence: MultilineText = Field(min_length=1, max_length=2000)


class BlacklistIn(Schema):
    reason: MultilineText = Field(min_length=1, max_length=2000)
    starts_on: dt.date
    ends_on: dt.date | None = None


class AppealIn(Schema):
    grounds: MultilineText = Field(min_length=1, max_length=2000)
    filed_on: dt.date | None = None


class DecisionIn(Schema):
    granted: bool
    reason: MultilineText = Field(min_length=1, max_length=2000)


class CategoryIn(Schema):
    code: str = Field(pattern=r"^[a-z0-9_]{1,40}$")
    label: PlainText = Field(min_length=1, max_length=100)
    points: int = Field(ge=-1000, le=1000)


class ThresholdIn(Schema):
    grade: str = Field(pattern=r"^[A-Za-z0-9]{1,4}$")
    min: int | None = Field(None, ge=-10000, le=10000)


class ScoreModelIn(Schema):
    region_code: str = _CODE
    base_score: int = Field(ge=0, le=1000)
    half_life_months: int = Field(0, ge=0, le=120)
    categories: list[CategoryIn] = Field(min_length=1, max_length=50)
    thresholds: list[ThresholdIn] = Field(min_length=1, max_length=10)
    note: PlainText = Field("", max_length=200)


class ScoreModelOut(Schema):
    id: int
    region_code: str
    version: int
    base_score: int
    half_life_months: int
    categories: list[dict[str, object]]
    thresholds: list[dict[str, object]]
    note: str


class DrawIn(Schema):
    title: PlainText = Field(min_length=1, max_length=120)
    region_code: str = _CODE
    kinds: list[str] = Field(min_length=1, max_length=10)
    default_bp: int = Field(ge=0, le=10000, description="Sampling ratio in basis points")
    by_grade: dict[str, int] = Field(
        default_factory=dict, description="Ratio per credit grade in basis points"
    )
    inspectors_per_target: int = Field(2, ge=1, le=5)
    relationship_months: int = Field(12, ge=0, le=60)


class InspectionOut(Schema):
    id: int
    draw_id: int
    position: int
    target_key: str
    target_name: str
    target_kind: str
    grade: str
    region_code: str
    inspector_names: list[str]
    status: str
    outcome: str
    findings: str
    inspected_on: dt.date | None
    correction_deadline: dt.date | None


class DrawOut(Schema):
    id: int
    title: str
    region_code: str
    target_kinds: list[str]
    ratios: dict[str, object]
    inspectors_per_target: int
    relationship_months: int
    algorithm: str
    seed: str
    pools_digest: str
    drawn_at: dt.datetime
    status: str
    targets: int


class DrawDetailOut(DrawOut):
    inspections: list[InspectionOut]


class VerifyOut(Schema):
    match: bool
    problems: list[str]


class ResultIn(Schema):
    outcome: Literal["compliant", "correction", "violation", "not_found"]
    findings: MultilineText = Field(min_length=1, max_length=4000)
    inspected_on: dt.date
    correction_deadline: dt.date | None = None
