"""API shapes of the subsidies capability: one input per operation, one output per shape.
Money is integer fen everywhere."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import MultilineText, NameText, PlainText
from silvercare.subsidies.amounts import MAX_FEN

ItemKindCode = Literal["device_rental", "device_purchase", "service", "meal"]
PayerKindCode = Literal[
    "city_finance",
    "district_finance",
    "street_finance",
    "ltc_fund",
    "disability_federation",
    "medical_insurance",
    "work_injury_insurance",
    "commercial_insurer",
    "voucher_issuer",
]


class PayerIn(Schema):
    code: PlainText = Field(max_length=40)
    name: NameText = Field(max_length=100)
    kind: PayerKindCode
    region_code: PlainText = Field(max_length=12)


class PayerOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    region_code: str


class ShareIn(Schema):
    payer: PlainText = Field(max_length=40, description="Payer code")
    share_bp: int = Field(ge=1, le=10000, description="Basis points: 5000 = 50 %")


class ShareOut(Schema):
    payer: str
    payer_name: str
    share_bp: int


class VersionIn(Schema):
    valid_from: dt.date
    valid_to: dt.date | None = None
    eligibility_rule: MultilineText = Field(
        max_length=2000, description="CEL expression over the facts (see docs/subsidies.md)"
    )
    item_kinds: list[ItemKindCode] = Field(min_length=1, max_length=4)
    item_codes: list[PlainText] = Field(default_factory=list, max_length=200)
    amount_rule: dict[str, Any] = Field(description="See docs/subsidies.md: amount rules")
    yearly_limit_fen: int | None = Field(None, ge=0, le=MAX_FEN)
    lifetime_limit_fen: int | None = Field(None, ge=0, le=MAX_FEN)
    stacking_priority: int = Field(100, ge=0, le=1000, description="Lower pays first")
    budgeted: bool = True
    shares: list[ShareIn] = Field(min_length=1, max_length=10)
    note: PlainText = Field("", max_length=200)


class VersionCreateIn(VersionIn):
    publish: bool = False


class ProgrammeCreateIn(Schema):
    code: PlainText = Field(max_length=40)
    name: NameText = Field(max_length=200)
    region_code: PlainText = Field(max_length=12)
    description: MultilineText = Field("", max_length=2000)
    version: VersionIn
    publish: bool = False


class VersionOut(Schema):
    id: int
    programme_id: int
    number: int
    status: str
    valid_from: dt.date
    valid_to: dt.date | None
    eligibility_rule: str
    item_kinds: list[str]
    item_codes: list[str]
    amount_rule: dict[str, Any]
    yearly_limit_fen: int | None
    lifetime_limit_fen: int | None
    stacking_priority: int
    budgeted: bool
    shares: list[ShareOut]
    note: str
    published_at: dt.datetime | None


class ProgrammeOut(Schema):
    id: int
    code: str
    name: str
    region_code: str
    region_name: str
    description: str
    current_version: VersionOut | None
    versions: list[VersionOut]


class ProgrammePageOut(Schema):
    items: list[ProgrammeOut]
    count: int


class RuleIn(Schema):
    rule: str = Field(max_length=4000)


class RuleCheckOut(Schema):
    valid: bool
    facts: list[str] = Field(description="The facts the rule names")


class RuleTestIn(Schema):
    rule: str = Field(max_length=4000)
    facts: dict[str, Any] | None = None
    elder_id: uuid.UUID | None = None
    on: dt.date | None = None


class VersionTestIn(Schema):
    facts: dict[str, Any] | None = None
    elder_id: uuid.UUID | None = None
    price_fen: int | None = Field(None, ge=0, le=MAX_FEN)
    on: dt.date | None = None


class TestRunOut(Schema):
    passed: bool
    facts: dict[str, Any]
    facts_used: dict[str, Any]
    why: str
    amount_fen: int | None = None
    amount_why: str = ""


class EligibilityQuery(Schema):
    elder_id: uuid.UUID
    item_kind: ItemKindCode
    item_code: str = Field("", max_length=64)
    on: dt.date | None = None


class OutcomeOut(Schema):
    programme_id: int
    programme_code: str
    programme_name: str
    version_id: int
    version_number: int
    eligible: bool
    decided_by: str = Field(description="rule, yearly_limit or lifetime_limit")
    rule: str
    facts_used: dict[str, Any]
    why: str


class QuoteIn(Schema):
    elder_id: uuid.UUID
    item_kind: ItemKindCode
    item_code: PlainText = Field("", max_length=64)
    item_label: PlainText = Field("", max_length=200)
    price_fen: int = Field(ge=0, le=MAX_FEN, description="Price of one unit, in fen")
    on: dt.date | None = None
    trade_in_id: uuid.UUID | None = Field(
        None, description="A trade-in of the elder whose credit pays toward this purchase"
    )


class PayerPartOut(Schema):
    payer_id: int
    payer_code: str
    payer_name: str
    share_bp: int
    amount_fen: int


class QuoteLineOut(Schema):
    position: int
    kind: str = Field(description="pays, not_eligible, trade_in or elder")
    programme_id: int | None
    programme_code: str
    programme_name: str
    version_id: int | None
    version_number: int | None
    rule: str
    amount_fen: int
    payers: list[PayerPartOut]
    why: str
    facts_used: dict[str, Any]


class QuoteOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    item_kind: str
    item_code: str
    item_label: str
    price_fen: int
    on: dt.date
    elder_pays_fen: int
    created_at: dt.datetime
    reserved: bool
    trade_in_id: uuid.UUID | None = None
    lines: list[QuoteLineOut]


class ReserveIn(Schema):
    units: int = Field(1, ge=1, le=120, description="e.g. months of a lease")
    item_ref: PlainText = Field("", max_length=100)
    provider_ref: PlainText = Field(
        "", max_length=100, description="Who delivers (claims are made per provider)"
    )


class CommitIn(Schema):
    amount_fen: int | None = Field(None, ge=0, le=MAX_FEN, description="Default: all of it")


class ReleaseIn(Schema):
    used_fen: int | None = Field(
        None,
        ge=0,
        le=MAX_FEN,
        description="What was used in all; default: what was recorded as delivered so far",
    )


class ReservationOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    programme_id: int
    programme_code: str
    version_id: int
    budget_id: int | None
    quote_id: uuid.UUID | None = Field(description="None for a voucher's reservation")
    year: int
    amount_fen: int
    held_fen: int
    committed_fen: int
    released_fen: int
    status: str
    item_ref: str
    provider_ref: str
    settled_at: dt.datetime | None
    created_at: dt.datetime


class BudgetIn(Schema):
    programme_id: int = Field(ge=1, le=2**31 - 1)
    year: int = Field(ge=2000, le=2100)
    region_code: PlainText = Field(max_length=12)
    amount_fen: int = Field(ge=0, le=MAX_FEN)


class BudgetOut(Schema):
    id: int
    programme_id: int
    programme_code: str
    programme_name: str
    year: int
    region_code: str
    region_name: str
    amount_fen: int
    reserved_fen: int
    committed_fen: int
    spent_fen: int
    available_fen: int


class BudgetMonthOut(Schema):
    month: str = Field(description="YYYY-MM")
    delivered_fen: int
    settled_fen: int


# --- Deliveries and claims ------------------------------------------------------------------


class DeliveryIn(Schema):
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    delivered_on: dt.date
    provider_ref: PlainText | None = Field(
        None, max_length=100, description="Default: the reservation's provider"
    )
    item_ref: PlainText = Field("", max_length=100)
    note: PlainText = Field("", max_length=200)


class ReverseIn(Schema):
    note: PlainText = Field("", max_length=200)


class CorrectIn(Schema):
    amount_fen: int = Field(ge=1, le=MAX_FEN, description="The right amount")
    note: PlainText = Field("", max_length=200)


class DeliveryOut(Schema):
    id: uuid.UUID
    reservation_id: uuid.UUID
    elder_id: uuid.UUID
    programme_id: int
    programme_code: str
    version_id: int
    kind: str = Field(description="delivery, reversal or correction")
    reverses_id: uuid.UUID | None
    delivered_on: dt.date
    amount_fen: int
    provider_ref: str
    item_ref: str
    note: str
    created_at: dt.datetime


class ClaimPrepareIn(Schema):
    payer_code: PlainText = Field(max_length=40)
    month: dt.date = Field(description="Any day of the month claimed")
    provider_ref: PlainText | None = Field(None, max_length=100)


class ClaimApproveIn(Schema):
    total_fen: int = Field(
        ge=-MAX_FEN, le=MAX_FEN, description="The total the approver was shown, in fen"
    )


class ClaimRejectIn(Schema):
    reason: PlainText = Field(min_length=1, max_length=200)


class ClaimSettleIn(Schema):
    payment_reference: PlainText = Field("", max_length=100)


class ClaimOut(Schema):
    id: uuid.UUID
    number: str
    payer_id: int
    payer_code: str
    payer_name: str
    region_code: str
    provider_ref: str
    month: dt.date
    sequence: int
    status: str = Field(description="prepared, approved, rejected or settled")
    total_fen: int
    line_count: int
    prepared_by: str
    approved_by: str
    approved_at: dt.datetime | None
    settled_by: str
    settled_at: dt.datetime | None
    payment_reference: str
    note: str


class ClaimPageOut(Schema):
    items: list[ClaimOut]
    count: int


class ClaimLineOut(Schema):
    delivery_id: uuid.UUID
    reservation_id: uuid.UUID
    elder_id: uuid.UUID
    programme_code: str
    version_number: int
    kind: str
    delivered_on: dt.date
    item_ref: str
    delivery_fen: int = Field(description="The whole entry, all payers")
    amount_fen: int = Field(description="This payer's part")


class ClaimDetailOut(ClaimOut):
    lines: list[ClaimLineOut]
    reconciles: bool
    problems: list[str]


# --- Vouchers and trade-ins -----------------------------------------------------------------


class VoucherBatchIn(Schema):
    programme_id: int = Field(ge=1, le=2**31 - 1)
    code: PlainText = Field(max_length=40)
    name: NameText = Field(max_length=200)
    region_code: PlainText = Field(max_length=12)
    face_value_fen: int = Field(ge=1, le=MAX_FEN)
    allow_partial: bool = False
    valid_from: dt.date
    expires_on: dt.date
    issue: bool = Field(False, description="Issue at once to the eligible elders")


class VoucherBatchOut(Schema):
    id: int
    code: str
    name: str
    programme_id: int
    programme_code: str
    version_id: int | None
    region_code: str
    face_value_fen: int
    allow_partial: bool
    valid_from: dt.date
    expires_on: dt.date
    status: str
    issued_count: int
    skipped_count: int
    issued_at: dt.datetime | None


class ExpiredOut(Schema):
    closed: int


class VoucherOut(Schema):
    id: uuid.UUID
    batch_id: int
    elder_id: uuid.UUID
    face_value_fen: int
    remaining_fen: int
    status: str
    has_code: bool
    code_issued_at: dt.datetime | None
    expires_on: dt.date


class VoucherCodeOut(Schema):
    code: str = Field(description="Shown once: only its keyed hash is kept")


class VoucherCodeIn(Schema):
    code: str = Field(max_length=40)


class VoucherCheckOut(Schema):
    masked_name: str
    remaining_fen: int
    redeemable: bool
    partial_allowed: bool


class VoucherRedeemIn(Schema):
    code: str = Field(max_length=40)
    amount_fen: int = Field(ge=1, le=MAX_FEN)
    merchant_ref: NameText = Field(max_length=100, description="The shop")


class RedemptionOut(Schema):
    amount_fen: int
    remaining_fen: int
    merchant_ref: str
    delivered_on: dt.date


class TradeInIn(Schema):
    elder_id: uuid.UUID
    device_type: PlainText = Field(max_length=64)
    brand: NameText = Field(max_length=100)
    serial: PlainText = Field(max_length=100)
    credit_fen: int = Field(ge=1, le=MAX_FEN)
    received_on: dt.date
    note: PlainText = Field("", max_length=200)


class TradeInOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    device_type: str
    brand: str
    serial: str
    credit_fen: int
    received_on: dt.date
    status: str
    used_by_quote_id: uuid.UUID | None
    note: str


# --- Stored eligibility ---------------------------------------------------------------------


class EntitlementOut(Schema):
    programme_id: int
    programme_code: str
    programme_name: str
    version_id: int
    version_number: int
    passed: bool
    why: str
    facts_used: dict[str, Any]
    trigger: str
    evaluated_at: dt.datetime
    changed_at: dt.datetime


class EvaluationOut(Schema):
    version_id: int
    on: dt.date
    elders: int
    eligible: int
    cases: int = Field(description="Distinct combinations of the facts the rule reads")
    seconds: float


class OutcomeCountOut(Schema):
    passed: bool
    elders: int
    why: str


class VersionEligibilityOut(Schema):
    elders: int
    eligible: int
    evaluated_at: dt.datetime | None
    outcomes: list[OutcomeCountOut]
