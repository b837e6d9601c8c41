"""In and Out shapes of /api/v1/industry (one In per operation, one Out per shape)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import MultilineText, PlainText

RegionCode = Field(pattern=r"^\d{12}$")
SizeCode = Literal["large", "medium", "small", "micro"]
SectorCode = Literal[
    "assistive",
    "smart",
    "food",
    "apparel",
    "daily",
    "health",
    "care",
    "adaptation",
    "culture",
    "finance",
]
TierCode = Literal[
    "specialised",
    "little_giant",
    "champion",
    "chain_leader",
    "leading",
    "gazelle",
    "unicorn",
    "high_tech",
]
KindCode = Literal[
    "institution", "day_care", "station", "centre", "canteen", "rental_point", "experience"
]
OwnershipCode = Literal["public", "public_private", "private"]
StageCode = Literal["planned", "approved", "construction", "operating", "stopped"]


class CategoryOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


class EnterpriseIn(Schema):
    credit_code: str = Field(min_length=1, max_length=40)
    name: PlainText = Field(min_length=1, max_length=200)
    region_code: str = RegionCode
    address: PlainText = Field("", max_length=200)
    size_class: SizeCode = "small"
    above_designated_size: bool = False
    category_code: str = Field("", max_length=4, pattern=r"^\d{0,4}$")
    sectors: list[SectorCode] = Field(default_factory=list, max_length=10)


class EnterpriseUpdateIn(Schema):
    name: PlainText = Field(min_length=1, max_length=200)
    region_code: str = RegionCode
    address: PlainText = Field("", max_length=200)
    size_class: SizeCode = "small"
    above_designated_size: bool = False
    category_code: str = Field("", max_length=4, pattern=r"^\d{0,4}$")
    sectors: list[SectorCode] = Field(default_factory=list, max_length=10)


class TierIn(Schema):
    tier: TierCode
    granted_on: dt.date
    expires_on: dt.date | None = None
    issuer: PlainText = Field("", max_length=100)


class TierOut(Schema):
    tier: str
    granted_on: dt.date
    expires_on: dt.date | None
    issuer: str
    current: bool


class EnterpriseOut(Schema):
    id: uuid.UUID
    credit_code: str
    name: str
    region_code: str
    region_name: str
    address: str
    size_class: str
    above_designated_size: bool
    category_code: str | None
    sectors: list[str]
    whitelisted: bool
    active: bool


class WhiteListIn(Schema):
    action: Literal["enter", "exit"]
    reason: MultilineText = Field(min_length=1, max_length=500)


class WhiteListEventOut(Schema):
    enterprise_id: uuid.UUID
    enterprise: str
    action: str
    reason: str
    actor: str
    at: dt.datetime


class EnterpriseDetailOut(EnterpriseOut):
    tiers: list[TierOut]
    whitelist_history: list[WhiteListEventOut]
    facility_ids: list[uuid.UUID]


class EnterprisePageOut(Schema):
    items: list[EnterpriseOut]
    count: int


class FacilityIn(Schema):
    kind: KindCode
    name: PlainText = Field(min_length=1, max_length=200)
    region_code: str = RegionCode
    address: PlainText = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    operator_id: uuid.UUID | None = None
    ownership: OwnershipCode = "private"
    beds: int = Field(0, ge=0, le=100_000)
    nursing_beds: int = Field(0, ge=0, le=100_000)
    medical_care: bool = False
    capacity: int | None = Field(None, ge=0, le=100_000)
    opened_on: dt.date | None = None


class FacilityUpdateIn(Schema):
    name: PlainText = Field(min_length=1, max_length=200)
    region_code: str = RegionCode
    address: PlainText = Field("", max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    ownership: OwnershipCode = "private"
    beds: int = Field(0, ge=0, le=100_000)
    nursing_beds: int = Field(0, ge=0, le=100_000)
    medical_care: bool = False
    capacity: int | None = Field(None, ge=0, le=100_000)
    opened_on: dt.date | None = None
    active: bool = True


class FacilityOut(Schema):
    id: uuid.UUID
    kind: str
    name: str
    region_code: str
    region_name: str
    address: str
    latitude: float | None
    longitude: float | None
    operator_id: uuid.UUID | None
    operator: str
    ownership: str
    beds: int
    nursing_beds: int
    medical_care: bool
    capacity: int | None
    opened_on: dt.date | None
    active: bool


class FacilityPageOut(Schema):
    items: list[FacilityOut]
    count: int


class FormFieldOut(Schema):
    code: str
    label: str
    unit: str
    type: str
    required: bool
    min: Decimal | None
    max: Decimal | None


class FormRuleOut(Schema):
    code: str
    expression: str
    fields: list[str]
    message: str


class FormOut(Schema):
    code: str
    name: str
    filer: str
    facility_kinds: list[str]
    frequency: str
    deadline_days: int
    fields: list[FormFieldOut]
    rules: list[FormRuleOut]


class ReportIn(Schema):
    form: str = Field(min_length=1, max_length=40)
    period: str = Field(min_length=4, max_length=8)
    enterprise_id: uuid.UUID | None = None
    facility_id: uuid.UUID | None = None
    values: dict[str, Any] = Field(default_factory=dict, max_length=100)
    submit: bool = False


class ReasonIn(Schema):
    reason: MultilineText = Field(min_length=1, max_length=500)


class ReportStepOut(Schema):
    step: str
    status: str
    reason: str
    actor: str
    at: dt.datetime


class ReportOut(Schema):
    id: uuid.UUID
    form: str
    period: str
    deadline: dt.date
    enterprise_id: uuid.UUID | None
    facility_id: uuid.UUID | None
    filer: str
    region_code: str
    status: str
    locked: bool
    values: dict[str, Any]
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    return_reason: str


class ReportDetailOut(ReportOut):
    history: list[ReportStepOut]


class ReportPageOut(Schema):
    items: list[ReportOut]
    count: int


class ComplianceRowOut(Schema):
    filer_id: str
    filer_name: str
    region_code: str
    region_name: str
    kind: str
    report_id: str


class ComplianceRegionOut(Schema):
    region_code: str
    region_name: str
    missing: int
    late: int


class ComplianceOut(Schema):
    form: str
    period: str
    deadline: dt.date
    by_region: list[ComplianceRegionOut]
    rows: list[ComplianceRowOut]


class MilestoneIn(Schema):
    name: PlainText = Field(min_length=1, max_length=200)
    due_on: dt.date


class ProjectIn(Schema):
    name: PlainText = Field(min_length=1, max_length=200)
    region_code: str = RegionCode
    enterprise_id: uuid.UUID | None = None
    sector: SectorCode
    investment_wan: Decimal = Field(ge=0, le=1_000_000_000, decimal_places=2)
    stage: StageCode = "planned"
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    description: MultilineText = Field("", max_length=5000)
    milestones: list[MilestoneIn] = Field(default_factory=list, max_length=50)


class ProgressIn(Schema):
    stage: StageCode
    progress: int = Field(ge=0, le=100)
    note: MultilineText = Field("", max_length=5000)
    milestones_done: list[int] = Field(default_factory=list, max_length=50)
    done_on: dt.date | None = None


class MilestoneOut(Schema):
    id: int
    name: str
    due_on: dt.date
    done_on: dt.date | None


class ProgressOut(Schema):
    stage: str
    progress: int
    note: str
    actor: str
    at: dt.datetime


class ProjectOut(Schema):
    id: uuid.UUID
    name: str
    region_code: str
    region_name: str
    enterprise_id: uuid.UUID | None
    enterprise: str
    sector: str
    investment_wan: Decimal
    stage: str
    progress: int
    starts_on: dt.date | None
    ends_on: dt.date | None
    description: str


class ProjectDetailOut(ProjectOut):
    milestones: list[MilestoneOut]
    updates: list[ProgressOut]


class ProjectPageOut(Schema):
    items: list[ProjectOut]
    count: int
