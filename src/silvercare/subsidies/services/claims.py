"""Monthly claims: what each payer owes for the deliveries of a month, per provider.

``claim_prepare`` gathers a payer's ledger shares not yet claimed, delivered up to the end
of the month, into one claim per provider (reversals and corrections of earlier months
come with them, as negative and positive lines). The paying body approves a claim
(``claim_approve``, with the total it saw: the lines must add up to it to the fen, and not
by the person who prepared it), or rejects it (its lines go back to be claimed again after
correction). ``claim_settle`` records the payment: the claim and its lines are final, and
the money they carry moves from committed to spent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.choices import ClaimStatus
from silvercare.subsidies.explain import yuan
from silvercare.subsidies.locks import lock_claim, lock_payer
from silvercare.subsidies.models import Claim, Delivery, DeliveryShare, PayerBody, Reservation
from silvercare.subsidies.services.programmes import require


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _check_month(month: Any) -> dt.date:
    today = timezone.localdate()
    if not isinstance(month, dt.date) or not dt.date(2000, 1, 1) <= month <= today:
        raise ValidationFailed(
            [
                FieldError(
                    "month",
                    codes.MONTH_INVALID,
                    _("Choose a month between 2000 and this month."),
                )
            ]
        )
    return month_start(month)


def _number(payer: PayerBody, provider_ref: str, month: dt.date, sequence: int) -> str:
    provider = provider_ref or "-"
    return f"{month:%Y%m}-{payer.code}-{provider}-{sequence}"[:120]


def _recount(claim: Claim) -> None:
    totals = claim.lines.aggregate(total=Coalesce(Sum("amount_fen"), 0), n=Count("id"))
    claim.total_fen = int(totals["total"])
    claim.line_count = int(totals["n"])


def claim_prepare(
    *, ctx: AuditContext, payer: PayerBody, month: dt.date, provider_ref: str | None = None
) -> list[Claim]:
    """One claim per provider for ``payer``'s unclaimed shares delivered up to the end of
    ``month`` (only ``provider_ref``'s when given). A claim of that month still awaiting
    approval takes the new lines; otherwise a new claim (the next sequence) is made.
    Refused when there is nothing to claim."""
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, payer.region_id)
    first = _check_month(month)
    if provider_ref is not None and (problem := check_text(provider_ref, "provider_ref")):
        raise ValidationFailed([problem])
    end = next_month(first)
    made: list[Claim] = []
    with transaction.atomic():
        lock_payer(payer.pk)
        pending = DeliveryShare.objects.filter(
            payer=payer, claim__isnull=True, delivery__delivered_on__lt=end
        )
        if provider_ref is not None:
            pending = pending.filter(delivery__provider_ref=provider_ref)
        providers = sorted(set(pending.values_list("delivery__provider_ref", flat=True)))
        if not providers:
            raise DomainError(
                code=codes.NOTHING_TO_CLAIM,
                status=409,
                message=_("Nothing delivered up to the end of this month is left to claim."),
            )
        actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
        for provider in providers:
            claim = Claim.objects.filter(
                payer=payer, provider_ref=provider, month=first, status=ClaimStatus.PREPARED
            ).first()
            if claim is None:
                sequence = (
                    Claim.objects.filter(payer=payer, provider_ref=provider, month=first).aggregate(
                        n=Max("sequence")
                    )["n"]
                    or 0
                ) + 1
                claim = Claim.objects.create(
                    number=_number(payer, provider, first, sequence),
                    payer=payer,
                    region_id=payer.region_id,
                    provider_ref=provider,
                    month=first,
                    sequence=sequence,
                    prepared_by=actor,
                )
            pending.filter(delivery__provider_ref=provider).update(claim=claim)
            _recount(claim)
            claim.prepared_by = actor
            claim.save(update_fields=["total_fen", "line_count", "prepared_by", "updated_at"])
            audit_record(
                ctx=ctx,
                action=AuditAction.CREATE,
                entity_type="subsidies.claim",
                entity_id=str(claim.pk),
                region_code=payer.region_id,
                summary=f"{claim.number}: {claim.line_count} lines, {claim.total_fen} fen",
            )
            made.append(claim)
    return made


def claim_reconcile(claim: Claim) -> list[str]:
    """What does not add up, as sentences (empty when the claim reconciles to the fen):
    the lines must sum to the claim's total, and every entry in the claim must be split
    between its payers exactly (its shares sum to the entry's amount)."""
    problems: list[str] = []
    lines_total = int(claim.lines.aggregate(s=Coalesce(Sum("amount_fen"), 0))["s"])
    if lines_total != claim.total_fen:
        problems.append(
            _("The lines add up to %(lines)s yuan, the claim says %(total)s yuan.")
            % {"lines": yuan(lines_total), "total": yuan(claim.total_fen)}
        )
    split = (
        Delivery.objects.filter(pk__in=claim.lines.values("delivery_id"))
        .annotate(parts=Coalesce(Sum("shares__amount_fen"), 0))
        .exclude(parts=F("amount_fen"))
        .count()
    )
    if split:
        problems.append(
            _("%(n)s entries are not split between their payers to the fen.") % {"n": split}
        )
    return problems


def _refuse_unreconciled(claim: Claim) -> None:
    problems = claim_reconcile(claim)
    if problems:
        raise DomainError(
            code=codes.CLAIM_TOTALS_MISMATCH,
            status=409,
            message=" ".join(problems),
        )


def _wrong_status(claim: Claim) -> DomainError:
    return DomainError(
        code=codes.CLAIM_WRONG_STATUS,
        status=409,
        message=_("This claim is %(status)s: that cannot be done now.")
        % {"status": claim.get_status_display()},
    )


def claim_approve(*, ctx: AuditContext, claim: Claim, total_fen: int) -> Claim:
    """The paying body approves the claim for the total it was shown. Refused when the
    lines do not add up to that total to the fen, and for the person who prepared it."""
    require(ctx.actor, Perm.SUBSIDIES_APPROVE, claim.region_id)
    if isinstance(total_fen, bool) or not isinstance(total_fen, int):
        raise ValidationFailed(
            [FieldError("total_fen", codes.AMOUNT_INVALID, _("Give the total in whole fen."))]
        )
    with transaction.atomic():
        locked = lock_claim(claim.pk)
        if locked.status != ClaimStatus.PREPARED:
            raise _wrong_status(locked)
        if locked.prepared_by_id is not None and locked.prepared_by_id == getattr(
            ctx.actor, "pk", None
        ):
            raise DomainError(
                code=codes.CLAIM_SAME_PERSON,
                status=403,
                message=_("A claim is approved by someone other than the person who prepared it."),
            )
        _refuse_unreconciled(locked)
        if total_fen != locked.total_fen:
            raise DomainError(
                code=codes.CLAIM_TOTALS_MISMATCH,
                status=409,
                message=_(
                    "The claim's lines add up to %(lines)s yuan, not the %(total)s yuan "
                    "approved: reload the claim and check it again."
                )
                % {"lines": yuan(locked.total_fen), "total": yuan(total_fen)},
            )
        locked.status = ClaimStatus.APPROVED
        locked.approved_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        locked.approved_at = timezone.now()
        locked.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.claim",
            entity_id=str(locked.pk),
            region_code=locked.region_id,
            summary=f"{locked.number} approved: {locked.total_fen} fen",
            changes={"status": [ClaimStatus.PREPARED, ClaimStatus.APPROVED]},
        )
    return locked


def claim_reject(*, ctx: AuditContext, claim: Claim, reason: str) -> Claim:
    """The paying body refuses the claim: its lines become unclaimed again (to be put
    right with reversals or corrections and claimed anew); the claim keeps its totals."""
    require(ctx.actor, Perm.SUBSIDIES_APPROVE, claim.region_id)
    reason = reason.strip()
    problem = check_text(reason, "reason")
    if problem or not reason or len(reason) > 200:
        raise ValidationFailed(
            [problem or FieldError("reason", codes.NAME_REQUIRED, _("Say why (200 characters)."))]
        )
    with transaction.atomic():
        locked = lock_claim(claim.pk)
        if locked.status not in (ClaimStatus.PREPARED, ClaimStatus.APPROVED):
            raise _wrong_status(locked)
        before = locked.status
        locked.lines.update(claim=None)
        locked.status = ClaimStatus.REJECTED
        locked.note = reason
        locked.save(update_fields=["status", "note", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.claim",
            entity_id=str(locked.pk),
            region_code=locked.region_id,
            summary=f"{locked.number} rejected: {reason}",
            changes={"status": [before, ClaimStatus.REJECTED]},
        )
    return locked


def claim_settle(*, ctx: AuditContext, claim: Claim, payment_reference: str = "") -> Claim:
    """The payer paid an approved claim: it is settled (final), and the reservations of
    its lines record the settlement (their committed money is now spent)."""
    require(ctx.actor, Perm.SUBSIDIES_APPROVE, claim.region_id)
    reference = payment_reference.strip()
    problem = check_text(reference, "payment_reference")
    if problem or len(reference) > 100:
        raise ValidationFailed(
            [
                problem
                or FieldError("payment_reference", codes.ITEM_INVALID, _("The text is too long."))
            ]
        )
    with transaction.atomic():
        locked = lock_claim(claim.pk)
        if locked.status != ClaimStatus.APPROVED:
            raise _wrong_status(locked)
        _refuse_unreconciled(locked)
        now = timezone.now()
        locked.status = ClaimStatus.SETTLED
        locked.settled_at = now
        locked.settled_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        locked.payment_reference = reference
        locked.save(
            update_fields=[
                "status",
                "settled_at",
                "settled_by",
                "payment_reference",
                "updated_at",
            ]
        )
        Reservation.objects.filter(
            pk__in=Delivery.objects.filter(shares__claim=locked).values("reservation_id")
        ).update(settled_at=now)
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.claim",
            entity_id=str(locked.pk),
            region_code=locked.region_id,
            summary=f"{locked.number} settled: {locked.total_fen} fen {reference}",
            changes={"status": [ClaimStatus.APPROVED, ClaimStatus.SETTLED]},
        )
    return locked
