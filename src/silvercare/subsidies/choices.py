"""Choices of the subsidies capability."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PayerKind(models.TextChoices):
    CITY_FINANCE = "city_finance", _("City finance")
    DISTRICT_FINANCE = "district_finance", _("District finance")
    STREET_FINANCE = "street_finance", _("Street finance")
    LTC_FUND = "ltc_fund", _("Long-term-care insurance fund")
    DISABILITY_FEDERATION = "disability_federation", _("Disabled persons' federation")
    MEDICAL_INSURANCE = "medical_insurance", _("Medical insurance")
    WORK_INJURY_INSURANCE = "work_injury_insurance", _("Work-injury insurance")
    COMMERCIAL_INSURER = "commercial_insurer", _("Commercial insurer")
    VOUCHER_ISSUER = "voucher_issuer", _("Consumption-voucher issuer")


class ItemKind(models.TextChoices):
    DEVICE_RENTAL = "device_rental", _("Device rental")
    DEVICE_PURCHASE = "device_purchase", _("Device purchase")
    SERVICE = "service", _("Service")
    MEAL = "meal", _("Meal")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    SUPERSEDED = "superseded", _("Superseded")


class ReservationStatus(models.TextChoices):
    RESERVED = "reserved", _("Reserved")
    COMMITTED = "committed", _("Committed")
    RELEASED = "released", _("Released")


class LineKind(models.TextChoices):
    PAYS = "pays", _("Programme pays")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    TRADE_IN = "trade_in", _("Trade-in credit")
    ELDER = "elder", _("Elder pays")


class AmountType(models.TextChoices):
    PERCENTAGE = "percentage", _("Percentage with a cap")
    FIXED = "fixed", _("Fixed amount")
    TIERED = "tiered", _("Tiered by level or category")


class Per(models.TextChoices):
    MONTH = "month", _("month")
    VISIT = "visit", _("visit")
    MEAL = "meal", _("meal")
    ITEM = "item", _("item")


class DeliveryKind(models.TextChoices):
    DELIVERY = "delivery", _("Delivery")
    REVERSAL = "reversal", _("Reversal")
    CORRECTION = "correction", _("Correction")


class ClaimStatus(models.TextChoices):
    PREPARED = "prepared", _("Prepared")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SETTLED = "settled", _("Settled")


class VoucherBatchStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")


class VoucherStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    USED = "used", _("Used")
    EXPIRED = "expired", _("Expired")


class TradeInStatus(models.TextChoices):
    AVAILABLE = "available", _("Credit available")
    USED = "used", _("Credit used")


class EvaluationTrigger(models.TextChoices):
    PUBLISH = "publish", _("Programme published")
    ASSESSMENT = "assessment", _("Assessment completed")
    ELDER_CHANGE = "elder_change", _("Registry record changed")
    MANUAL = "manual", _("Evaluated on request")
    VOUCHER = "voucher", _("Voucher batch issued")
