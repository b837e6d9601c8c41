"""Models of the subsidies capability, by sub-domain: programmes, budgets, quotes and
reservations (``programmes``); the delivery ledger and claims (``ledger``); vouchers and
trade-ins (``vouchers``); stored eligibility (``eligibility``)."""

from silvercare.subsidies.models.eligibility import EligibilityOutcome, EligibilitySnapshot
from silvercare.subsidies.models.ledger import Claim, Delivery, DeliveryShare
from silvercare.subsidies.models.programmes import (
    Budget,
    ElderProgrammeLock,
    FundingShare,
    PayerBody,
    Programme,
    ProgrammeVersion,
    Quote,
    QuoteLine,
    Reservation,
)
from silvercare.subsidies.models.vouchers import TradeIn, Voucher, VoucherBatch, VoucherRedemption

__all__ = [
    "Budget",
    "Claim",
    "Delivery",
    "DeliveryShare",
    "ElderProgrammeLock",
    "EligibilityOutcome",
    "EligibilitySnapshot",
    "FundingShare",
    "PayerBody",
    "Programme",
    "ProgrammeVersion",
    "Quote",
    "QuoteLine",
    "Reservation",
    "TradeIn",
    "Voucher",
    "VoucherBatch",
    "VoucherRedemption",
]
