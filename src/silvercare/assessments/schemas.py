from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import NameText, PlainText

ReasonCode = Literal["first", "routine", "immediate", "review", "other"]
TriggerCode = Literal["hospital_discharge", "fall_confirmed", "request", "other"]


class BookIn(Schema):
    elder_id: uuid.UUID
    reason: ReasonCode
    scheduled_for: dt.date
    assessor_id: int = Field(ge=1, le=2**31 - 1)
    second_assessor_id: int | None = Field(None, ge=1, le=2**31 - 1)
    place: PlainText = Field("", max_length=100)
    instrument: Literal["gbt42195-2022", "barthel", "lawton-iadl", "ltc-2021"] = "gbt42195-2022"
    reason_note: PlainText = Field("", max_length=200)
    corrects_id: uuid.UUID | None = None
    correction_reason: PlainText = Field("", max_length=200)


class AnswersIn(Schema):
    items: dict[str, int | None] = Field(default_factory=dict, max_length=60)
    forms: dict[str, Any] = Field(default_factory=dict, max_length=120)


class SignIn(Schema):
    informant_name: NameText | None = Field(None, max_length=50)


class CancelIn(Schema):
    note: PlainText = Field("", max_length=200)


class ScoreIn(Schema):
    """A record exactly as `silvercare assess-score` reads it."""

    instrument: PlainText = Field(max_length=32)
    items: dict[str, Any] = Field(max_length=60)
    coma: Any = None
    diagnoses: Any = None
    diagnosed_by_psychiatrist: Any = None
    risk_events_30d: Any = None


class TriggerIn(Schema):
    reason: TriggerCode
    due_on: dt.date | None = None
    note: PlainText = Field("", max_length=200)


class AssessmentOut(Schema):
    id: uuid.UUID
    number: str
    elder_id: uuid.UUID
    elder_name: str
    region_code: str
    instrument: str
    reason: str
    status: str
    scheduled_for: dt.date
    place: str
    assessor: str
    second_assessor: str | None
    requires_two_assessors: bool
    items: dict[str, int]
    forms: dict[str, Any]
    result: dict[str, Any]
    rules: dict[str, Any]
    total: int | None
    preliminary_level: int | None
    final_level: int | None
    informant_name: str
    assessor_signed_at: dt.datetime | None
    second_assessor_signed_at: dt.datetime | None
    informant_signed_at: dt.datetime | None
    completed_at: dt.datetime | None
    next_due_on: dt.date | None
    corrects_id: uuid.UUID | None
    correction_reason: str


class AssessmentPageOut(Schema):
    items: list[AssessmentOut]
    count: int


class CurrentLevelOut(Schema):
    elder_id: uuid.UUID
    level: int | None
    name: str | None
    assessed_at: dt.datetime | None
    due_on: dt.date | None
    history: list[dict[str, Any]]


class DueOut(Schema):
    elder_id: uuid.UUID
    name: str
    region_code: str
    level: int | None
    due_on: dt.date | None
    overdue: bool


class StatsOut(Schema):
    assessments_by_level: dict[int, int]
    assessments: int
    elders_assessed: int
    active_elders: int
    elders_with_level: int
    share_level_2_plus: float | None
    reassessment_coverage: float | None
    overdue: int
