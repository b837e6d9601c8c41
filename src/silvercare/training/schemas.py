from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import MultilineText, NameText, PlainText

KindCode = Literal[
    "assessor", "at_consultant", "caregiver", "nurse", "rehab_therapist", "family_caregiver"
]
_ID = Field(None, ge=1, le=2**31 - 1)


class QualificationIn(Schema):
    kind: KindCode
    level: int | None = Field(None, ge=1, le=5)
    number: PlainText = Field(min_length=1, max_length=64)
    issued_by: PlainText = Field("", max_length=100)
    valid_from: dt.date
    valid_until: dt.date | None = None
    user_id: int | None = _ID
    contact_id: int | None = _ID
    employer: PlainText = Field("", max_length=100)
    employer_email: PlainText = Field("", max_length=254)
    evidence: PlainText = Field("", max_length=200)


class QualificationOut(Schema):
    id: uuid.UUID
    kind: str
    level: int | None
    number: str
    issued_by: str
    valid_from: dt.date
    valid_until: dt.date | None
    holder_name: str
    holder: Literal["user", "contact", "none"]
    region_code: str
    employer: str
    revoked: bool
    valid_today: bool


class QualificationPageOut(Schema):
    items: list[QualificationOut]
    count: int


class ExpiryGroupOut(Schema):
    region_code: str
    region_name: str
    employer: str
    items: list[QualificationOut]


class StreetCountOut(Schema):
    region_code: str
    name: str
    counts: dict[str, int]


class TargetOut(Schema):
    name: str
    region_code: str
    kinds: list[str]
    target: int
    year: int
    counted: int
    whole_region: bool


class WorkforceOut(Schema):
    streets: list[StreetCountOut]
    targets: list[TargetOut]


class CourseIn(Schema):
    region_code: str = Field(pattern=r"^[0-9]{12}$")
    title: NameText = Field(min_length=1, max_length=100)
    hours: Decimal = Field(gt=0, le=2000, max_digits=5, decimal_places=1)
    audience: Literal["family", "staff"]
    curriculum: MultilineText = Field("", max_length=4000)
    leads_to: KindCode | Literal[""] = ""
    leads_to_level: int | None = Field(None, ge=1, le=5)
    certificate_months: int | None = Field(None, ge=1, le=240)


class CourseOut(Schema):
    id: uuid.UUID
    region_code: str
    title: str
    curriculum: str
    hours: Decimal
    audience: str
    leads_to: str
    leads_to_level: int | None
    certificate_months: int | None


class SessionIn(Schema):
    course_id: uuid.UUID
    region_code: str = Field(pattern=r"^[0-9]{12}$")
    place: NameText = Field(min_length=1, max_length=100)
    starts_at: dt.datetime
    ends_at: dt.datetime
    trainer: NameText = Field(min_length=1, max_length=50)
    capacity: int = Field(ge=1, le=500)


class EnrolmentOut(Schema):
    id: uuid.UUID
    person_name: str
    holder: Literal["user", "contact", "none"]
    status: str
    attended_at: dt.datetime | None
    completed_at: dt.datetime | None
    certificate_code: str | None


class SessionOut(Schema):
    id: uuid.UUID
    course_id: uuid.UUID
    course_title: str
    region_code: str
    place: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    trainer: str
    capacity: int
    cancelled: bool
    enrolments: list[EnrolmentOut]


class SuggestionOut(Schema):
    contact_id: int
    name: str
    relationship: str
    phone_masked: str
    elder_name: str
    level: int
    assessed_on: dt.date | None


class EnrolIn(Schema):
    contact_id: int | None = _ID
    user_id: int | None = _ID
    waitlist: bool = False


class AttendanceIn(Schema):
    attended: bool = True


class WithdrawOut(Schema):
    withdrawn: EnrolmentOut
    promoted: EnrolmentOut | None


class CertificateOut(Schema):
    id: uuid.UUID
    code: str
    holder_name: str
    course_title: str
    completed_on: dt.date
    valid_until: dt.date | None


class VerificationOut(Schema):
    found: bool
    valid: bool
    name_masked: str
    course: str
    completed_on: dt.date | None
    valid_until: dt.date | None
