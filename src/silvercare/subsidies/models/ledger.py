"""The delivery ledger and the claims made from it.

A ``Delivery`` is an entry of what was delivered against a reservation (a month of a lease,
a visit, a meal, a voucher redemption); it is never changed once written. A mistake is put
right with new entries: a ``reversal`` (the negative of an entry) and, when the right
amount is not zero, a ``correction``. Each entry is split between the payers of the
programme version into ``DeliveryShare`` rows, which become the lines of the payers'
monthly ``Claim``. A settled claim and its lines are never edited again.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.subsidies.choices import ClaimStatus, DeliveryKind
from silvercare.subsidies.models.programmes import (
    Budget,
    PayerBody,
    Programme,
    ProgrammeVersion,
    Reservation,
)


class DeliveryQuerySet(RegionScopedQuerySet["Delivery"]):
    region_field = "region__code"


class Delivery(TimeStampedModel):
    """One ledger entry of a reservation: positive for a delivery or a correction, negative
    for a reversal. ``reverses`` names the entry a reversal cancels or a correction
    replaces."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reservation = models.ForeignKey(
        Reservation, on_delete=models.PROTECT, related_name="deliveries"
    )
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DeliveryKind.choices)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="followed_by"
    )
    delivered_on = models.DateField(_("delivered on"))
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    provider_ref = models.CharField(_("provider"), max_length=100, blank=True)
    item_ref = models.CharField(_("item reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["delivered_on", "created_at", "id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["reservation", "created_at"], name="delivery_reservation"),
            models.Index(fields=["budget", "kind"], name="delivery_budget"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind=DeliveryKind.REVERSAL, amount_fen__lt=0, reverses__isnull=False)
                    | Q(kind=DeliveryKind.DELIVERY, amount_fen__gt=0, reverses__isnull=True)
                    | Q(kind=DeliveryKind.CORRECTION, amount_fen__gt=0, reverses__isnull=False)
                ),
                name="delivery_sign_follows_kind",
            ),
            # An entry is reversed at most once, and corrected at most once.
            models.UniqueConstraint(
                fields=["reverses", "kind"],
                condition=Q(reverses__isnull=False),
                name="delivery_reversed_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount_fen} {self.delivered_on}"


class ClaimQuerySet(RegionScopedQuerySet["Claim"]):
    region_field = "region__code"


class Claim(TimeStampedModel):
    """What one payer owes (or, with reversals, is owed) for one month's deliveries of one
    provider: prepared by an officer, approved by the paying body, then settled."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("number"), max_length=120, unique=True)
    payer = models.ForeignKey(PayerBody, on_delete=models.PROTECT, related_name="claims")
    # The payer's region: who may see, approve and settle the claim.
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    provider_ref = models.CharField(_("provider"), max_length=100, blank=True)
    month = models.DateField(_("month"))  # the first day of the month claimed
    sequence = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ClaimStatus.choices,
        default=ClaimStatus.PREPARED,
        db_index=True,
    )
    total_fen = models.BigIntegerField(_("total (fen)"), default=0)
    line_count = models.PositiveIntegerField(default=0)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "payer_id", "provider_ref", "sequence"]
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        constraints = [
            models.UniqueConstraint(
                fields=["payer", "provider_ref", "month", "sequence"], name="claim_once"
            ),
            models.CheckConstraint(
                condition=Q(status=ClaimStatus.SETTLED, settled_at__isnull=False)
                | ~Q(status=ClaimStatus.SETTLED),
                name="claim_settled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class DeliveryShare(TimeStampedModel):
    """One payer's part of one ledger entry; a line of that payer's claim once claimed."""

    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="shares")
    payer = models.ForeignKey(PayerBody, on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    claim = models.ForeignKey(
        Claim, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )

    class Meta:
        ordering = ["delivery_id", "payer_id"]
        verbose_name = _("claim line")
        verbose_name_plural = _("claim lines")
        indexes = [models.Index(fields=["payer", "claim"], name="share_payer_claim")]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "payer"], name="share_once_per_payer"),
        ]

    def __str__(self) -> str:
        return f"{self.payer_id} {self.amount_fen}"
