"""Reads of the subsidies capability, scoped to the actor with ``visible_to``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.common.errors import NotFound
from silvercare.common.selectors import one_visible
from silvercare.subsidies.choices import ClaimStatus, DeliveryKind, LineKind, VersionStatus
from silvercare.subsidies.explain import reason_text, reasons_text
from silvercare.subsidies.models import (
    Budget,
    Claim,
    Delivery,
    DeliveryShare,
    EligibilitySnapshot,
    PayerBody,
    Programme,
    ProgrammeVersion,
    Quote,
    QuoteLine,
    Reservation,
    TradeIn,
    Voucher,
    VoucherBatch,
)


def _pk(value: Any) -> int:
    if isinstance(value, bool) or not str(value).isdecimal() or not 1 <= int(str(value)) < 2**31:
        raise NotFound()
    return int(str(value))


def programme_list(*, actor: Any, q: str = "") -> QuerySet[Programme]:
    qs = (
        Programme.objects.visible_to(actor, Perm.SUBSIDIES_VIEW)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=ProgrammeVersion.objects.order_by("-number").prefetch_related(
                    "shares__payer"
                ),
            )
        )
    )
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q.lower()))
    return qs.order_by("code")


def programme_get_for(*, actor: Any, programme_id: Any) -> Programme:
    return one_visible(programme_list(actor=actor), programme_id, parse=_pk)


def version_get_for(*, actor: Any, version_id: Any) -> ProgrammeVersion:
    return one_visible(
        (
            ProgrammeVersion.objects.visible_to(actor, Perm.SUBSIDIES_VIEW)
            .select_related("programme__region")
            .prefetch_related("shares__payer")
        ),
        version_id,
        parse=_pk,
    )


def versions_of(programme: Programme) -> list[ProgrammeVersion]:
    """Newest first (uses the prefetch of ``programme_list``)."""
    return sorted(programme.versions.all(), key=lambda v: -v.number)


def version_current(programme: Programme) -> ProgrammeVersion | None:
    """The newest published version (live), if any."""
    return next((v for v in versions_of(programme) if v.status == VersionStatus.LIVE), None)


def version_draft(programme: Programme) -> ProgrammeVersion | None:
    return next((v for v in versions_of(programme) if v.status == VersionStatus.DRAFT), None)


def payer_list(*, actor: Any) -> QuerySet[PayerBody]:
    """Payers a programme of the actor's areas may name: those inside the actor's areas and
    those of the regions above them (a city fund pays into a district's programme)."""
    above: set[str] = set()
    for prefix in actor_prefixes(actor, Perm.SUBSIDIES_VIEW):
        for n in (2, 4, 6, 9, 12):
            if n <= len(prefix):
                above.add(prefix[:n].ljust(12, "0"))
    return (
        PayerBody.objects.filter(
            Q(pk__in=PayerBody.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).values("pk"))
            | Q(region_id__in=above)
        )
        .select_related("region")
        .order_by("region_id", "code")
    )


@dataclass(frozen=True)
class BudgetUsage:
    budget: Budget
    amount_fen: int
    reserved_fen: int
    committed_fen: int
    spent_fen: int

    @property
    def available_fen(self) -> int:
        return self.amount_fen - self.reserved_fen - self.committed_fen - self.spent_fen

    @property
    def used_percent(self) -> float:
        if not self.amount_fen:
            return 0.0
        return round(100 * (self.amount_fen - self.available_fen) / self.amount_fen, 1)


def budget_usage(
    *, actor: Any, year: int | None = None, programme_id: int | None = None
) -> list[BudgetUsage]:
    """Budgets of the actor's areas with what is reserved (held, not yet delivered),
    committed (delivered, not yet settled) and spent (settled by a payer's claim)."""
    qs = (
        Budget.objects.visible_to(actor, Perm.SUBSIDIES_VIEW)
        .select_related("programme", "region")
        .annotate(
            reserved=Coalesce(
                Sum(F("reservations__held_fen") - F("reservations__committed_fen")), 0
            ),
            delivered=Coalesce(Sum("reservations__committed_fen"), 0),
        )
        .order_by("-year", "programme__code", "region_id")
    )
    if year:
        qs = qs.filter(year=year)
    if programme_id:
        qs = qs.filter(programme_id=programme_id)
    budgets = list(qs)
    spent = dict(
        DeliveryShare.objects.filter(
            delivery__budget_id__in=[b.pk for b in budgets], claim__status=ClaimStatus.SETTLED
        )
        .values("delivery__budget_id")
        .annotate(s=Sum("amount_fen"))
        .values_list("delivery__budget_id", "s")
        .order_by()
    )
    return [
        BudgetUsage(
            budget=b,
            amount_fen=b.amount_fen,
            reserved_fen=b.reserved,
            committed_fen=b.delivered - spent.get(b.pk, 0),
            spent_fen=spent.get(b.pk, 0),
        )
        for b in budgets
    ]


def budget_months(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """Per month of ``year`` over the actor's budgets: what was delivered (net of
    reversals, by delivery date) and what was settled (by the month claimed)."""
    budgets = Budget.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).filter(year=year)
    delivered = dict(
        Delivery.objects.filter(budget__in=budgets)
        .annotate(m=TruncMonth("delivered_on"))
        .values("m")
        .annotate(s=Sum("amount_fen"))
        .values_list("m", "s")
        .order_by()
    )
    settled = dict(
        DeliveryShare.objects.filter(
            delivery__budget__in=budgets, claim__status=ClaimStatus.SETTLED
        )
        .values("claim__month")
        .annotate(s=Sum("amount_fen"))
        .values_list("claim__month", "s")
        .order_by()
    )

    def month_key(value: Any) -> tuple[int, int]:
        return (value.year, value.month)

    delivered_by = {month_key(k): v for k, v in delivered.items() if k is not None}
    settled_by = {month_key(k): v for k, v in settled.items() if k is not None}
    return [
        {
            "month": f"{year}-{m:02d}",
            "delivered_fen": int(delivered_by.get((year, m), 0)),
            "settled_fen": int(settled_by.get((year, m), 0)),
        }
        for m in range(1, 13)
    ]


def quote_get_for(*, actor: Any, quote_id: Any) -> Quote:
    return one_visible(
        (
            Quote.objects.visible_to(actor, Perm.SUBSIDIES_VIEW)
            .select_related("elder", "region")
            .prefetch_related(
                Prefetch("lines", queryset=QuoteLine.objects.select_related("version__programme"))
            )
        ),
        quote_id,
    )


def quote_present(quote: Quote) -> dict[str, Any]:
    """A stored quote with every reason rendered in the active language."""
    lines = []
    for line in quote.lines.all():
        version = line.version
        lines.append(
            {
                "position": line.position,
                "kind": line.kind,
                "pays": line.kind == LineKind.PAYS,
                "programme_name": line.programme_name,
                "programme_code": version.programme.code if version else "",
                "programme_id": version.programme_id if version else None,
                "version_id": line.version_id,
                "version_number": version.number if version else None,
                "rule": version.eligibility_rule if version else "",
                "amount_fen": line.amount_fen,
                "payers": line.payer_split,
                "why": reasons_text(line.reasons),
                "reasons": [reason_text(r) for r in line.reasons],
                "facts_used": line.facts_used,
            }
        )
    return {
        "id": quote.pk,
        "elder_id": quote.elder_id,
        "region_code": quote.region_id,
        "item_kind": quote.item_kind,
        "item_code": quote.item_code,
        "item_label": quote.item_label,
        "price_fen": quote.price_fen,
        "on": quote.on,
        "elder_pays_fen": quote.elder_pays_fen,
        "facts": quote.facts,
        "created_at": quote.created_at,
        "lines": lines,
        "paying": [line for line in lines if line["pays"]],
        "trade_in": next((line for line in lines if line["kind"] == LineKind.TRADE_IN), None),
        "trade_in_id": quote.trade_in_id,
        "not_eligible": [line for line in lines if line["kind"] == LineKind.NOT_ELIGIBLE],
        "reserved": quote.reservations.exists()
        or TradeIn.objects.filter(used_by_quote=quote).exists(),
    }


def reservation_list(*, actor: Any, elder_id: Any = None) -> QuerySet[Reservation]:
    qs = Reservation.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).select_related(
        "programme", "version"
    )
    if elder_id is not None:
        qs = qs.filter(elder_id=elder_id)
    return qs.order_by("-created_at", "id")


def reservation_get_for(*, actor: Any, reservation_id: Any) -> Reservation:
    return one_visible(reservation_list(actor=actor), reservation_id)


def _uuid(value: Any) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound() from None


# --- The delivery ledger and claims -------------------------------------------------------


def delivery_list(
    *, actor: Any, reservation_id: Any = None, claim: Claim | None = None
) -> QuerySet[Delivery]:
    qs = Delivery.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).select_related(
        "programme", "reservation"
    )
    if reservation_id is not None:
        qs = qs.filter(reservation_id=_uuid(reservation_id))
    if claim is not None:
        qs = qs.filter(shares__claim=claim).distinct()
    return qs.order_by("-delivered_on", "-created_at", "id")


def delivery_get_for(*, actor: Any, delivery_id: Any) -> Delivery:
    return one_visible(delivery_list(actor=actor), delivery_id)


def claim_list(
    *,
    actor: Any,
    status: str = "",
    month: Any = None,
    payer_id: int | None = None,
) -> QuerySet[Claim]:
    """Claims of the paying bodies of the actor's areas, newest month first."""
    qs = Claim.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).select_related(
        "payer", "prepared_by", "approved_by", "settled_by"
    )
    if status:
        qs = qs.filter(status=status)
    if month is not None:
        qs = qs.filter(month=month)
    if payer_id:
        qs = qs.filter(payer_id=payer_id)
    return qs.order_by("-month", "payer__code", "provider_ref", "sequence")


def claim_get_for(*, actor: Any, claim_id: Any) -> Claim:
    return one_visible(claim_list(actor=actor), claim_id)


def claim_lines(claim: Claim) -> QuerySet[DeliveryShare]:
    """The claim's lines with what the spreadsheet and pages show of each."""
    return claim.lines.select_related(
        "delivery__elder", "delivery__programme", "delivery__version", "delivery__reservation"
    ).order_by("delivery__delivered_on", "delivery__created_at", "pk")


def claim_by_programme(claim: Claim) -> list[dict[str, Any]]:
    """Totals of a claim per programme and kind of entry (the PDF summary)."""
    rows = (
        claim.lines.values(
            "delivery__programme__code",
            "delivery__programme__name",
            "delivery__version__number",
            "delivery__kind",
        )
        .annotate(n=Count("id"), total=Sum("amount_fen"))
        .order_by("delivery__programme__code", "delivery__version__number", "delivery__kind")
    )
    return [
        {
            "programme_code": r["delivery__programme__code"],
            "programme_name": r["delivery__programme__name"],
            "version": r["delivery__version__number"],
            "kind": r["delivery__kind"],
            "kind_label": str(DeliveryKind(r["delivery__kind"]).label),
            "lines": r["n"],
            "total_fen": int(r["total"]),
        }
        for r in rows
    ]


def claimable(*, actor: Any) -> list[dict[str, Any]]:
    """Payers whose claims the actor prepares (payers of their areas) with lines not yet
    claimed: how many and how much."""
    rows = (
        DeliveryShare.objects.filter(
            claim__isnull=True,
            payer__in=PayerBody.objects.visible_to(actor, Perm.SUBSIDIES_MANAGE),
        )
        .values("payer_id", "payer__code", "payer__name")
        .annotate(n=Count("id"), total=Sum("amount_fen"))
        .order_by("payer__code")
    )
    return [
        {
            "payer_id": r["payer_id"],
            "payer_code": r["payer__code"],
            "payer_name": r["payer__name"],
            "lines": r["n"],
            "total_fen": int(r["total"]),
        }
        for r in rows
    ]


# --- Vouchers and trade-ins ----------------------------------------------------------------


def voucher_batch_list(*, actor: Any) -> QuerySet[VoucherBatch]:
    return (
        VoucherBatch.objects.visible_to(actor, Perm.SUBSIDIES_VIEW)
        .select_related("programme", "region")
        .order_by("-valid_from", "code")
    )


def voucher_batch_get_for(*, actor: Any, batch_id: Any) -> VoucherBatch:
    return one_visible(voucher_batch_list(actor=actor), batch_id, parse=_pk)


def voucher_batch_counts(batch: VoucherBatch) -> dict[str, int]:
    rows = batch.vouchers.values("status").annotate(n=Count("id"), left=Sum("remaining_fen"))
    counts = {r["status"]: r["n"] for r in rows}
    redeemed = batch.vouchers.aggregate(s=Coalesce(Sum("redemptions__amount_fen"), 0))["s"]
    return {
        "active": counts.get("active", 0),
        "used": counts.get("used", 0),
        "expired": counts.get("expired", 0),
        "with_code": batch.vouchers.filter(code_hash__isnull=False).count(),
        "redeemed_fen": int(redeemed),
    }


def voucher_list(*, actor: Any, batch_id: Any = None, elder_id: Any = None) -> QuerySet[Voucher]:
    qs = Voucher.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).select_related("batch", "elder")
    if batch_id is not None:
        qs = qs.filter(batch_id=_pk(batch_id))
    if elder_id is not None:
        qs = qs.filter(elder_id=_uuid(elder_id))
    return qs.order_by("batch_id", "created_at", "id")


def voucher_get_for(*, actor: Any, voucher_id: Any) -> Voucher:
    return one_visible(voucher_list(actor=actor), voucher_id)


def tradein_list(*, actor: Any, elder_id: Any = None) -> QuerySet[TradeIn]:
    qs = TradeIn.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).select_related("elder")
    if elder_id is not None:
        qs = qs.filter(elder_id=_uuid(elder_id))
    return qs.order_by("-received_on", "-created_at")


def tradein_get_for(*, actor: Any, trade_in_id: Any) -> TradeIn:
    return one_visible(tradein_list(actor=actor), trade_in_id)


# --- Stored eligibility --------------------------------------------------------------------


def entitlements_of(*, actor: Any, elder: Any, active_only: bool = True) -> list[Any]:
    """The elder's stored verdicts with the outcome that explains each. Active (the
    default): those of the versions that apply today in the elder's area — their active
    entitlements are the ones that passed; otherwise every version evaluated."""
    from silvercare.subsidies.services.quotes import versions_applicable

    qs = (
        EligibilitySnapshot.objects.visible_to(actor, Perm.SUBSIDIES_VIEW)
        .filter(elder_id=elder.pk)
        .select_related("programme", "version", "outcome")
        .order_by("-passed", "programme__code", "-version__number")
    )
    if active_only:
        today = timezone.localdate()
        qs = qs.filter(version__in=[v.pk for v in versions_applicable(elder.region_id, today)])
    return list(qs)


def version_eligibility(*, actor: Any, version: ProgrammeVersion) -> dict[str, Any]:
    """How many elders of the actor's areas the version lets in, and the most common
    reasons (one row per stored outcome, largest first)."""
    qs = EligibilitySnapshot.objects.visible_to(actor, Perm.SUBSIDIES_VIEW).filter(version=version)
    totals = qs.aggregate(
        elders=Count("id"),
        eligible=Count("id", filter=Q(passed=True)),
    )
    last = qs.order_by("-evaluated_at").values_list("evaluated_at", flat=True).first()
    top = (
        qs.values("outcome_id", "outcome__passed", "outcome__reasons")
        .annotate(n=Count("id"))
        .order_by("-n")[:8]
    )
    return {
        "elders": totals["elders"],
        "eligible": totals["eligible"],
        "evaluated_at": last,
        "outcomes": [
            {
                "passed": r["outcome__passed"],
                "elders": r["n"],
                "why": reasons_text(r["outcome__reasons"] or []),
            }
            for r in top
        ],
    }


def vouchers_held_by(*, elder_id: Any) -> list[Voucher]:
    """The elder's vouchers, active first, NOT scoped: for callers that have checked the
    reader's access to this elder another way (the elder and family portal)."""
    return list(
        Voucher.objects.filter(elder_id=_uuid(elder_id))
        .select_related("batch")
        .order_by("status", "-created_at", "id")[:50]
    )


def entitlements_held_by(*, elder: Any) -> list[dict[str, Any]]:
    """The programmes that apply to the elder today, each with whether they qualify and
    the reasons in the reader's language, NOT scoped (the elder and family portal)."""
    from silvercare.subsidies.services.quotes import versions_applicable

    today = timezone.localdate()
    rows = (
        EligibilitySnapshot.objects.filter(elder_id=elder.pk)
        .filter(version__in=[v.pk for v in versions_applicable(elder.region_id, today)])
        .select_related("programme", "outcome")
        .order_by("-passed", "programme__code")
    )
    return [
        {
            "programme": row.programme.name,
            "passed": row.passed,
            "reasons": reasons_text(row.outcome.reasons if row.outcome else []),
        }
        for row in rows
    ]
