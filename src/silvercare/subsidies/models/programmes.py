"""Payers, programmes as versioned data, budgets, stored quotes and reservations.

Money is always integer fen (1 yuan = 100 fen) in ``BigIntegerField`` columns; no floats.
A programme's rules live on its versions; a version is immutable once live, and quotes and
reservations point at the version they used, so an old price still explains itself.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from silvercare.accounts.scoping import RegionScopedQuerySet
from silvercare.common.models import TimeStampedModel
from silvercare.subsidies.choices import (
    ItemKind,
    LineKind,
    PayerKind,
    ReservationStatus,
    VersionStatus,
)


class PayerQuerySet(RegionScopedQuerySet["PayerBody"]):
    region_field = "region__code"


class PayerBody(TimeStampedModel):
    """A body that pays: a level of government's finance, a fund, an insurer, a voucher issuer."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=PayerKind.choices)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = PayerQuerySet.as_manager()

    class Meta:
        ordering = ["region_id", "code"]
        verbose_name = _("payer body")
        verbose_name_plural = _("payer bodies")

    def __str__(self) -> str:
        return self.name


class ProgrammeQuerySet(RegionScopedQuerySet["Programme"]):
    region_field = "region__code"


class Programme(TimeStampedModel):
    """A subsidy programme of a region. What it pays for whom lives on its versions."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    description = models.TextField(_("description"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("subsidy programme")
        verbose_name_plural = _("subsidy programmes")

    def __str__(self) -> str:
        return self.name


class VersionQuerySet(RegionScopedQuerySet["ProgrammeVersion"]):
    region_field = "programme__region__code"


class ProgrammeVersion(TimeStampedModel):
    """One version of a programme's rules. Drafts may change; a live version never does
    (only its status moves to superseded when a newer version goes live)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=VersionStatus.choices,
        default=VersionStatus.DRAFT,
        db_index=True,
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # A CEL expression over the facts in ``subsidies.rules.FACTS``.
    eligibility_rule = models.TextField(_("eligibility rule"))
    item_kinds = models.JSONField(_("item kinds"), default=list)
    # Empty list: any item of the kinds above.
    item_codes = models.JSONField(_("item codes"), default=list, blank=True)
    # See ``subsidies.amounts``: percentage with cap, fixed per unit, or tiers of either.
    amount_rule = models.JSONField(_("amount rule"), default=dict)
    yearly_limit_fen = models.BigIntegerField(_("yearly limit per elder"), null=True, blank=True)
    lifetime_limit_fen = models.BigIntegerField(
        _("lifetime limit per elder"), null=True, blank=True
    )
    stacking_priority = models.PositiveSmallIntegerField(_("stacking priority"), default=100)
    # False for insurance funds paying from a pool without a yearly budget row.
    budgeted = models.BooleanField(_("drawn from a yearly budget"), default=True)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    objects = VersionQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "-number"]
        verbose_name = _("programme version")
        verbose_name_plural = _("programme versions")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="programme_version_once"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="programme_version_valid_range",
            ),
            models.CheckConstraint(
                condition=Q(yearly_limit_fen__isnull=True) | Q(yearly_limit_fen__gte=0),
                name="programme_version_yearly_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(lifetime_limit_fen__isnull=True) | Q(lifetime_limit_fen__gte=0),
                name="programme_version_lifetime_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.code} v{self.number}"


class FundingShare(TimeStampedModel):
    """The part of a version's payments one payer funds, in basis points (10000 = 100 %)."""

    version = models.ForeignKey(ProgrammeVersion, on_delete=models.CASCADE, related_name="shares")
    payer = models.ForeignKey(PayerBody, on_delete=models.PROTECT, related_name="+")
    share_bp = models.PositiveIntegerField(_("share (basis points)"))

    class Meta:
        ordering = ["version_id", "-share_bp", "payer_id"]
        verbose_name = _("funding share")
        verbose_name_plural = _("funding shares")
        constraints = [
            models.UniqueConstraint(fields=["version", "payer"], name="funding_share_once"),
            models.CheckConstraint(
                condition=Q(share_bp__gte=1, share_bp__lte=10000), name="funding_share_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payer_id} {self.share_bp / 100:g} %"


class BudgetQuerySet(RegionScopedQuerySet["Budget"]):
    region_field = "region__code"


class Budget(TimeStampedModel):
    """The money a programme may spend in one region in one calendar year. What is reserved,
    committed and spent is summed from the reservations drawn on it (one source of truth)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "-year", "region_id"]
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        constraints = [
            models.UniqueConstraint(fields=["programme", "year", "region"], name="budget_once"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.year} {self.region_id}"


class QuoteQuerySet(RegionScopedQuerySet["Quote"]):
    region_field = "region__code"


class Quote(TimeStampedModel):
    """A price split between payers and the elder, stored with the facts and versions used,
    so it can be shown (in either language) long after the programmes change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    item_kind = models.CharField(_("item kind"), max_length=32, choices=ItemKind.choices)
    item_code = models.CharField(_("item code"), max_length=64, blank=True)
    item_label = models.CharField(_("item"), max_length=200, blank=True)
    price_fen = models.BigIntegerField(_("price (fen)"))
    on = models.DateField(_("date"))
    facts = models.JSONField(default=dict)
    elder_pays_fen = models.BigIntegerField(_("elder pays (fen)"))
    # An old device handed in whose credit this quote uses (a purchase only).
    trade_in = models.ForeignKey(
        "subsidies.TradeIn",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        constraints = [
            models.CheckConstraint(condition=Q(price_fen__gte=0), name="quote_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.item_kind}:{self.item_code} {self.price_fen}"


class QuoteLine(TimeStampedModel):
    """One line of a quote: a programme that pays (split between its payers), a programme
    the elder did not qualify for (with the rule or limit that decided it), or the elder."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LineKind.choices)
    version = models.ForeignKey(
        ProgrammeVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    programme_name = models.CharField(max_length=200, blank=True)
    amount_fen = models.BigIntegerField(default=0)
    # [{"payer_id", "payer_code", "payer_name", "share_bp", "amount_fen"}]
    payer_split = models.JSONField(default=list, blank=True)
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # [{"code": ..., "params": {...}}]: rendered in the reader's language by subsidies.explain
    reasons = models.JSONField(default=list, blank=True)
    facts_used = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["quote_id", "position"]
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        constraints = [
            models.UniqueConstraint(fields=["quote", "position"], name="quote_line_position"),
            models.CheckConstraint(condition=Q(amount_fen__gte=0), name="quote_line_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.programme_name or self.kind} {self.amount_fen}"


class ReservationQuerySet(RegionScopedQuerySet["Reservation"]):
    region_field = "region__code"


class Reservation(TimeStampedModel):
    """Money held for one quote line: against the budget and the elder's limits.

    ``held_fen`` is what currently counts against both: the amount less what was released.
    ``committed_fen`` is the part delivered (the sum of its ``Delivery`` entries); while the
    reservation is open (``reserved``) the rest may still be delivered, and closing it
    (fully delivered, cancelled or returned early) releases whatever was not delivered."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    elder = models.ForeignKey("elders.Elder", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(ProgrammeVersion, on_delete=models.PROTECT, related_name="+")
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, null=True, blank=True, related_name="reservations"
    )
    # Null for money held by other means than a quote (a consumption voucher).
    quote = models.ForeignKey(
        Quote, on_delete=models.PROTECT, null=True, blank=True, related_name="reservations"
    )
    quote_line = models.OneToOneField(
        QuoteLine, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    amount_fen = models.BigIntegerField(_("reserved (fen)"))
    held_fen = models.BigIntegerField()
    committed_fen = models.BigIntegerField(_("committed (fen)"), default=0)
    released_fen = models.BigIntegerField(_("released (fen)"), default=0)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ReservationStatus.choices,
        default=ReservationStatus.RESERVED,
    )
    item_ref = models.CharField(_("item reference"), max_length=100, blank=True)
    # Who delivers (a rental operator, care provider, canteen, merchant): a label or an id
    # of the provider until those capabilities have their own records. Claims group by it.
    provider_ref = models.CharField(_("provider"), max_length=100, blank=True)
    # When a claim last settled deliveries of this reservation (their money became spent).
    settled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = ReservationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(fields=["budget", "status"], name="reservation_budget_status"),
            models.Index(fields=["elder", "programme", "year"], name="reservation_elder_limits"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="reservation_positive"),
            models.CheckConstraint(
                condition=Q(held_fen__gte=0, committed_fen__gte=0, released_fen__gte=0),
                name="reservation_parts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(committed_fen__lte=models.F("amount_fen") - models.F("released_fen")),
                name="reservation_parts_reconcile",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.amount_fen} {self.status}"


class ElderProgrammeLock(TimeStampedModel):
    """One row per (elder, programme), locked while a reservation checks the elder's
    yearly and lifetime limits (see ``subsidies.locks``). Holds no data of its own."""

    elder = models.ForeignKey("elders.Elder", on_delete=models.CASCADE, related_name="+")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["programme_id", "elder_id"]
        constraints = [
            models.UniqueConstraint(fields=["elder", "programme"], name="elder_programme_lock_once")
        ]

    def __str__(self) -> str:
        return f"{self.elder_id}/{self.programme_id}"
