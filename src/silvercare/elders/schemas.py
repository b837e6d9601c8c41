"""API shapes of the registry: one input schema per operation, one output per shape."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from ninja import Schema
from pydantic import Field

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
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=32)
    region_code: str = Field(max_length=12)
    phone: str = Field("", max_length=32)
    address: str = Field("", max_length=200)
    birth_date: dt.date | None = None
    sex: Literal["M", "F"] | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    hukou_type: HukouCode = "local_urban"
    living_situation: LivingCode = "spouse"
    categories: list[StoredCategory] = Field(default_factory=list, max_length=10)


class ElderUpdateIn(Schema):
    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=32)
    region_code: str | None = Field(None, max_length=12)
    phone: str | None = Field(None, max_length=32)
    address: str | None = Field(None, max_length=200)
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
    birth_date: dt.date
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
    latitude: float | None
    longitude: float | None
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
    name: str = Field(max_length=50)
    relationship: RelationshipCode
    phone: str = Field(max_length=32)
    priority: int = Field(1, ge=1, le=9)
    is_guardian: bool = False
    can_receive_alerts: bool = True


class ConsentIn(Schema):
    purpose: PurposeCode
    granted: bool
    note: str = Field("", max_length=200)
