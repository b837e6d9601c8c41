"""Consumption vouchers (银发消费券) and trade-ins (以旧换新).

A voucher batch of a programme is issued to the elders its rule lets in; each voucher holds
its face value as a reservation on the programme's budget, is bound to its elder (never
transferred), redeemed once (or in parts, if the batch allows) with a random code that is
stored only as a keyed hash, and expires. A redemption is a delivery in the ledger, so the
merchant's redemptions reach the payers' monthly claims like any other delivery.

A trade-in records an old device handed in (type, brand, serial) and the credit it gives
toward one new purchase; a quote may use the credit, and reserving that quote uses it up.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.subsidies.choices import TradeInStatus, VoucherBatchStatus, VoucherStatus
from silvercare.subsidies.models.ledger import Delivery
from silvercare.subsidies.models.programmes import (
    Budget,
    Programme,
    ProgrammeVersion,
    Quote,
    Reservation,
)


class VoucherBatchQuerySet(RegionScopedQuerySet["VoucherBatch"]):
    region_field = "region__code"


class VoucherBatch(TimeStampedModel):
    """Vouchers of one face value for the eligible elders of an area."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="voucher_batches"
    )
    # The version whose rule chose the elders (set when issued).
    version = models.ForeignKey(
        ProgrammeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    face_value_fen = models.BigIntegerField(_("face value (fen)"))
    allow_partial = models.BooleanField(_("may be redeemed in parts"), default=False)
    valid_from = models.DateField(_("valid from"))
    expires_on = models.DateField(_("expires on"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VoucherBatchStatus.choices,
        default=VoucherBatchStatus.DRAFT,
    )
    issued_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = VoucherBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-valid_from", "code"]
        verbose_name = _("voucher batch")
        verbose_name_plural = _("voucher batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(face_value_fen__gt=0), name="voucher_batch_value_positive"
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gte=models.F("valid_from")),
                name="voucher_batch_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VoucherQuerySet(RegionScopedQuerySet["Voucher"]):
    region_field = "region__code"


class Voucher(TimeStampedModel):
    """One elder's voucher. ``code_hash`` is the keyed hash of the redemption code (null
    until the code is handed out; a new code replaces the old one)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.ForeignKey(VoucherBatch, on_delete=models.PROTECT, related_name="vouchers")
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    reservation = models.OneToOneField(
        Reservation, on_delete=models.PROTECT, related_name="voucher"
    )
    face_value_fen = models.BigIntegerField(_("face value (fen)"))
    remaining_fen = models.BigIntegerField(_("remaining (fen)"))
    status = models.CharField(
        _("status"), max_length=16, choices=VoucherStatus.choices, default=VoucherStatus.ACTIVE
    )
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    code_issued_at = models.DateTimeField(null=True, blank=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        ordering = ["batch_id", "created_at", "id"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.UniqueConstraint(fields=["batch", "elder"], name="voucher_once_per_elder"),
            models.CheckConstraint(
                condition=Q(remaining_fen__gte=0, remaining_fen__lte=models.F("face_value_fen")),
                name="voucher_remaining_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.elder_id}"


class VoucherRedemption(TimeStampedModel):
    """A merchant took (part of) a voucher; the ledger entry is ``delivery``."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="redemptions")
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    merchant_ref = models.CharField(_("merchant"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["voucher_id", "created_at"]
        verbose_name = _("voucher redemption")
        verbose_name_plural = _("voucher redemptions")
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="redemption_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_id} {self.amount_fen}"


class TradeInQuerySet(RegionScopedQuerySet["TradeIn"]):
    region_field = "region__code"


class TradeIn(TimeStampedModel):
    """An old device an elder handed in, and the credit it gives toward one new purchase.
    A device (type, brand, serial) is handed in once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    device_type = models.CharField(_("device type"), max_length=64)
    brand = models.CharField(_("brand"), max_length=100)
    serial = models.CharField(_("serial number"), max_length=100)
    # Upper case, without spaces or dashes: what makes two records the same device.
    identity_key = models.CharField(max_length=300, unique=True)
    credit_fen = models.BigIntegerField(_("credit (fen)"))
    received_on = models.DateField(_("received on"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=TradeInStatus.choices,
        default=TradeInStatus.AVAILABLE,
    )
    used_by_quote = models.OneToOneField(
        Quote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = TradeInQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("trade-in")
        verbose_name_plural = _("trade-ins")
        constraints = [
            models.CheckConstraint(condition=Q(credit_fen__gt=0), name="trade_in_credit_positive"),
            models.CheckConstraint(
                condition=Q(status=TradeInStatus.AVAILABLE, used_by_quote__isnull=True)
                | Q(status=TradeInStatus.USED, used_by_quote__isnull=False),
                name="trade_in_used_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.device_type} {self.brand} {self.serial}"
