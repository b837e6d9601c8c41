"""API shapes of the registry: one input schema per operation, one output per shape."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import NameText, PlainText

CategoryCode = Literal[
    "advanced_age",
    "disabled",
    "living_alone",
    "empty_nest",
    "econ_difficult",
    "special_fp_family",
    "rural_left_behind",
]
StoredCategory = Literal[
    "disabled",
    "living_alone",
    "empty_nest",
    "econ_difficult",
    "special_fp_family",
    "rural_left_behind",
]
HukouCode = Literal["local_urban", "local_rural", "non_local"]
LivingCode = Literal["alone", "spouse", "children", "others", "institution"]
StatusCode = Literal["active", "moved_out", "deceased"]
SortCode = Literal["name", "-name", "age", "-age", "created", "-created", "region"]
RelationshipCode = Literal[
    "spouse",
    "child",
    "grandchild",
    "sibling",
    "other_relative",
    "neighbour",
    "carer",
    "community",
    "other",
]
PurposeCode = Literal["monitoring", "data_sharing", "photos"]


class ElderCreateIn(Schema):
    name: NameText = Field(max_length=50)
    id_number: PlainText = Field(max_length=32)
    region_code: PlainText = Field(max_length=12)
    phone: PlainText = Field("", max_length=32)
    address: NameText = Field("", max_length=200)
    birth_date: dt.date | None = None
    sex: Literal["M", "F"] | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    # Facts that decide services: no default, the caller states them (issue 8).
    hukou_type: HukouCode
    living_situation: LivingCode
    categories: list[StoredCategory] = Field(default_factory=list, max_length=10)


class ElderUpdateIn(Schema):
    name: NameText | None = Field(None, max_length=50)
    id_number: PlainText | None = Field(None, max_length=32)
    region_code: PlainText | None = Field(None, max_length=12)
    phone: PlainText | None = Field(None, max_length=32)
    address: NameText | None = Field(None, max_length=200)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    hukou_type: HukouCode | None = None
    living_situation: LivingCode | None = None
    categories: list[StoredCategory] | None = Field(None, max_length=10)
    status: StatusCode | None = None
    status_date: dt.date | None = None


class ElderOut(Schema):
    id: uuid.UUID
    name: str
    sex: str
    birth_date: dt.date | None = Field(
        description="Only for readers with the personal-data right in the elder's area"
    )
    birth_year: int
    age: int
    id_number: str
    phone: str
    region_code: str
    region_name: str
    hukou_type: str
    living_situation: str
    categories: list[str]
    status: str
    status_date: dt.date | None
    masked: bool


class ContactOut(Schema):
    id: int
    name: str
    relationship: str
    phone: str
    priority: int
    is_guardian: bool
    can_receive_alerts: bool


class ConsentOut(Schema):
    purpose: str
    granted: bool
    recorded_at: dt.datetime | None


class ElderDetailOut(ElderOut):
    address: str
    latitude: float | None = Field(
        description="Exact with the personal-data right, otherwise rounded to 0.01° (~1 km)"
    )
    longitude: float | None
    location_exact: bool
    contacts: list[ContactOut]
    consents: list[ConsentOut]
    created_at: dt.datetime
    updated_at: dt.datetime


class ElderPageOut(Schema):
    items: list[ElderOut]
    count: int = Field(description="Matching elders, counted up to 1,000")
    count_capped: bool = Field(description="True when more than 1,000 match: refine the search")
    page: int
    page_size: int


class ContactIn(Schema):
    name: NameText = Field(max_length=50)
    relationship: RelationshipCode
    phone: PlainText = Field(max_length=32)
    priority: int = Field(1, ge=1, le=9)
    is_guardian: bool = False
    can_receive_alerts: bool = True


class ConsentIn(Schema):
    purpose: PurposeCode
    granted: bool
    note: PlainText = Field("", max_length=200)
