"""API shapes of the home-adaptation capability: one In per operation, one Out per shape."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import NameText, PlainText

AnswerCode = Literal["ok", "hazard", "na"]


class CaseOpenIn(Schema):
    elder_id: uuid.UUID
    assessed_on: dt.date | None = None


class AnswerIn(Schema):
    question: str = Field(min_length=1, max_length=40)
    answer: AnswerCode
    note: PlainText = Field("", max_length=300)


class ChecklistIn(Schema):
    answers: list[AnswerIn] = Field(min_length=1, max_length=100)


class PlanItemIn(Schema):
    code: str = Field("", max_length=8, description="A recommended item (R01–R30), or empty")
    name: NameText = Field("", max_length=100, description="Required for a free item")
    quantity: int = Field(ge=1, le=1000)
    unit_price_fen: int | None = Field(
        None, ge=0, le=100_000_000, description="Defaults to the reference price"
    )
    unit: PlainText = Field("", max_length=16)
    note: PlainText = Field("", max_length=300)


class ContractorAssignIn(Schema):
    contractor_id: uuid.UUID


class ContractorIn(Schema):
    region_code: str = Field(pattern=r"^\d{12}$")
    name: NameText = Field(min_length=1, max_length=100)
    credit_code: str = Field("", max_length=18)
    phone: str = Field("", max_length=20)


class StartWorksIn(Schema):
    started_on: dt.date | None = None


class WorksIn(Schema):
    on: dt.date
    progress: int = Field(ge=0, le=100)
    note: PlainText = Field(min_length=1, max_length=500)


class AcceptIn(Schema):
    checked_item_ids: list[uuid.UUID] = Field(max_length=200)
    signed_by: NameText = Field(min_length=1, max_length=50)
    signer: Literal["elder", "family"]
    accepted_on: dt.date | None = None
    note: PlainText = Field("", max_length=500)
    follow_up_days: int = Field(30, ge=1, le=365)


class FollowUpIn(Schema):
    outcome: Literal["improved", "partly", "problem"]
    visited_on: dt.date | None = None
    note: PlainText = Field("", max_length=500)


class CancelIn(Schema):
    reason: PlainText = Field(min_length=1, max_length=300)


class AnswerOut(Schema):
    question: str
    answer: str
    note: str


class PlanItemOut(Schema):
    id: uuid.UUID
    code: str
    name: str
    basic: bool
    unit: str
    quantity: int
    unit_price_fen: int
    total_fen: int
    note: str


class WorksOut(Schema):
    id: uuid.UUID
    on: dt.date
    progress: int
    note: str


class ContractorOut(Schema):
    id: uuid.UUID
    region_code: str
    name: str
    credit_code: str
    phone: str
    active: bool


class CaseOut(Schema):
    id: uuid.UUID
    number: str
    elder_id: uuid.UUID
    elder_name: str
    region_code: str
    status: str
    assessed_on: dt.date
    checklist_version: str
    total_fen: int
    subsidy_fen: int
    elder_pays_fen: int
    quote_id: uuid.UUID | None
    reservation_ids: list[str]
    contractor: ContractorOut | None
    works_started_on: dt.date | None
    accepted_on: dt.date | None
    signed_by: str
    signer: str
    follow_up_due_on: dt.date | None
    followed_up_on: dt.date | None
    follow_up_outcome: str
    cancel_reason: str


class CaseDetailOut(CaseOut):
    answers: list[AnswerOut]
    items: list[PlanItemOut]
    works: list[WorksOut]
    allowed_actions: list[str]


class CasePageOut(Schema):
    items: list[CaseOut]
    count: int


class QuestionOut(Schema):
    code: str
    area: str
    text: str
    suggests: list[str]


class RecommendedOut(Schema):
    code: str
    group: str
    basic: bool
    name: str
    unit: str
    reference_price_fen: int


class AreaOut(Schema):
    code: str
    name: str


class ChecklistOut(Schema):
    version: str
    source: str
    areas: list[AreaOut]
    questions: list[QuestionOut]
    recommended: list[RecommendedOut]


class CountOut(Schema):
    month: dt.date
    region_code: str
    opened: int
    accepted: int
    households: int
    spend_fen: int
    subsidy_fen: int
