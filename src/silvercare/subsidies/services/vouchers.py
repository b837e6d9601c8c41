"""Consumption vouchers (银发消费券): batches issued to the elders a programme's rule lets
in, a redemption code handed to each elder, checked and redeemed by merchants.

Each voucher holds its face value as a reservation on the programme's budget, so issuing
never spends past the budget or an elder's limits; a redemption is a delivery in the
ledger (the merchant is its provider), so the payers' monthly claims include it; expiry
releases what was not redeemed. Codes are random (``secrets``, about 59 bits), shown once
when handed out and stored only as a keyed hash; a merchant's check shows the holder's
masked name and the value left, nothing else.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_prefixes
from silvercare.audit.models import AuditAction
from silvercare.audit.selectors import audit_count_recent
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common import crypto
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.masking import mask_name
from silvercare.common.text import check_text, fold_fullwidth
from silvercare.elders.selectors import elder_fact_rows
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.amounts import MAX_FEN
from silvercare.subsidies.choices import (
    EvaluationTrigger,
    ReservationStatus,
    VoucherBatchStatus,
    VoucherStatus,
)
from silvercare.subsidies.explain import yuan
from silvercare.subsidies.facts import fact_getters
from silvercare.subsidies.locks import (
    lock_budgets,
    lock_elders_programmes,
    lock_reservations,
    lock_voucher,
)
from silvercare.subsidies.models import (
    Programme,
    Reservation,
    Voucher,
    VoucherBatch,
    VoucherRedemption,
)
from silvercare.subsidies.services.deliveries import check_amount, record_locked
from silvercare.subsidies.services.eligibility import (
    CHUNK,
    OutcomeCache,
    compiled_rule,
    in_chunks,
)
from silvercare.subsidies.services.programmes import CODE_RE, _region, require
from silvercare.subsidies.services.quotes import budgets_for, versions_applicable

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed
CODE_LENGTH = 12  # 31 ** 12 ≈ 7.9e17 codes (about 59 bits)
CODE_PURPOSE = "voucher.code"
CHECK_LIMIT = 60  # checks and redemptions per merchant per window
CHECK_WINDOW = dt.timedelta(minutes=10)
_CODE_RE = re.compile(rf"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}$")


@dataclass(frozen=True)
class VoucherCheck:
    """All a merchant learns from a code."""

    masked_name: str
    remaining_fen: int
    redeemable: bool
    partial_allowed: bool


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(text: str) -> str:
    """Upper case ASCII without spaces or dashes; "" when it cannot be a code."""
    compact = re.sub(r"[\s\-]", "", fold_fullwidth(str(text))).upper()
    return compact if _CODE_RE.match(compact) else ""


def code_hash(code: str) -> str:
    return crypto.lookup_hash(normalise_code(code), purpose=CODE_PURPOSE)


def _batch_errors(
    *,
    code: str,
    name: str,
    face_value_fen: int,
    valid_from: dt.date,
    expires_on: dt.date,
) -> list[FieldError]:
    errors = [e for e in (check_text(name, "name", formula=True),) if e]
    if not name.strip():
        errors.append(FieldError("name", codes.NAME_REQUIRED, _("Give the batch's name.")))
    if not CODE_RE.match(code):
        errors.append(
            FieldError(
                "code", codes.CODE_INVALID, _("A code is 2–40 lower-case letters, digits, - or _.")
            )
        )
    elif VoucherBatch.objects.filter(code=code).exists():
        errors.append(FieldError("code", codes.CODE_TAKEN, _("This code is already used.")))
    if isinstance(face_value_fen, bool) or not 0 < face_value_fen <= MAX_FEN:
        errors.append(
            FieldError(
                "face_value_fen",
                codes.AMOUNT_INVALID,
                _("Give a whole number of fen greater than 0."),
            )
        )
    if not dt.date(2000, 1, 1) <= valid_from <= dt.date(2100, 12, 31):
        errors.append(
            FieldError(
                "valid_from", codes.VALIDITY_INVALID, _("Give a date between 2000 and 2100.")
            )
        )
    if expires_on < valid_from or expires_on.year > 2100:
        errors.append(
            FieldError(
                "expires_on",
                codes.VALIDITY_INVALID,
                _("The vouchers expire on or after the day they become valid."),
            )
        )
    return errors


def voucher_batch_create(
    *,
    ctx: AuditContext,
    programme: Programme,
    code: str,
    name: str,
    region_code: str,
    face_value_fen: int,
    valid_from: dt.date,
    expires_on: dt.date,
    allow_partial: bool = False,
) -> VoucherBatch:
    """A draft batch of vouchers of ``programme`` for the elders of ``region_code`` (inside
    the programme's area). Issuing it chooses the elders and holds the money."""
    region = _region(region_code)
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, region.code)
    errors = _batch_errors(
        code=code,
        name=name,
        face_value_fen=face_value_fen,
        valid_from=valid_from,
        expires_on=expires_on,
    )
    if not region.code.startswith(programme.region.prefix):
        errors.append(
            FieldError(
                "region_code",
                codes.REGION_OUTSIDE_PROGRAMME,
                _("The batch's area must lie inside the programme's area."),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                batch = VoucherBatch.objects.create(
                    code=code,
                    name=name.strip(),
                    programme=programme,
                    region=region,
                    face_value_fen=face_value_fen,
                    allow_partial=allow_partial,
                    valid_from=valid_from,
                    expires_on=expires_on,
                    created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                )
        except IntegrityError:
            raise ValidationFailed(
                [FieldError("code", codes.CODE_TAKEN, _("This code is already used."))]
            ) from None
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.voucher_batch",
            entity_id=str(batch.pk),
            region_code=region.code,
            summary=f"{code}: {face_value_fen} fen, {valid_from}–{expires_on}",
        )
    return batch


def _eligible_elders(batch: VoucherBatch, version: Any, on: dt.date) -> list[tuple[Any, str]]:
    """(elder id, community) of the active elders of the batch's area the rule lets in."""
    outcomes = OutcomeCache(version, compiled_rule(version))
    getter = fact_getters(outcomes.names, on)
    chosen: list[tuple[Any, str]] = []
    rows = elder_fact_rows(region_prefix=batch.region.prefix)
    for chunk in in_chunks(rows, CHUNK):
        keys = [getter(row) for row in chunk]
        outcomes.resolve(keys)
        chosen += [
            (row[0], row[1]) for row, key in zip(chunk, keys, strict=True) if outcomes.ids[key][1]
        ]
    return chosen


def voucher_batch_issue(*, ctx: AuditContext, batch: VoucherBatch) -> VoucherBatch:
    """Issue a draft batch: one voucher for every active elder of its area whom the
    programme's version valid on the batch's first day lets in, each holding the face
    value on the programme's budget of that year. All or nothing: refused when the budget
    cannot hold them all. Elders whose yearly or lifetime limit would be passed are
    skipped (counted in ``skipped_count``)."""
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, batch.region_id)
    batch = VoucherBatch.objects.select_related("programme__region", "region").get(pk=batch.pk)
    if batch.status != VoucherBatchStatus.DRAFT:
        raise DomainError(
            code=codes.VOUCHER_BATCH_NOT_DRAFT,
            status=409,
            message=_("This batch was already issued."),
        )
    programme = batch.programme
    version = next(
        (
            v
            for v in versions_applicable(batch.region_id, batch.valid_from)
            if v.programme_id == programme.pk
        ),
        None,
    )
    if version is None:
        raise DomainError(
            code=codes.PROGRAMME_NOT_LIVE,
            status=409,
            message=_("No published version of the programme applies on %(date)s in this area.")
            % {"date": batch.valid_from.isoformat()},
        )
    year = batch.valid_from.year
    chosen = _eligible_elders(batch, version, batch.valid_from)
    face = batch.face_value_fen
    budget = None
    with transaction.atomic():
        if version.budgeted:
            found = budgets_for([programme.pk], year, batch.region_id)
            if programme.pk not in found:
                raise DomainError(
                    code=codes.BUDGET_EXCEEDED,
                    status=409,
                    message=_("The programme has no %(year)s budget for this area.")
                    % {"year": year},
                )
            budget = lock_budgets([found[programme.pk][0].pk])[found[programme.pk][0].pk]
        lock_elders_programmes([(elder_id, programme.pk) for elder_id, _r in chosen])
        usage = {
            row["elder_id"]: (row["yearly"], row["lifetime"])
            for row in Reservation.objects.filter(
                programme=programme, elder_id__in=[e for e, _r in chosen]
            )
            .values("elder_id")
            .annotate(
                yearly=Coalesce(Sum("held_fen", filter=Q(year=year)), 0),
                lifetime=Coalesce(Sum("held_fen"), 0),
            )
            .order_by()
        }
        taken: list[tuple[Any, str]] = []
        for elder_id, region_id in chosen:
            yearly, lifetime = usage.get(elder_id, (0, 0))
            if version.yearly_limit_fen is not None and yearly + face > version.yearly_limit_fen:
                continue
            if (
                version.lifetime_limit_fen is not None
                and lifetime + face > version.lifetime_limit_fen
            ):
                continue
            taken.append((elder_id, region_id))
        if budget is not None:
            used = int(budget.reservations.aggregate(s=Coalesce(Sum("held_fen"), 0))["s"])
            needed = face * len(taken)
            if used + needed > budget.amount_fen:
                raise DomainError(
                    code=codes.BUDGET_EXCEEDED,
                    status=409,
                    message=_(
                        "%(n)s vouchers of %(face)s yuan need %(needed)s yuan; the budget has "
                        "%(left)s yuan left."
                    )
                    % {
                        "n": len(taken),
                        "face": yuan(face),
                        "needed": yuan(needed),
                        "left": yuan(max(0, budget.amount_fen - used)),
                    },
                )
        actor = ctx.actor if getattr(ctx.actor, "pk", None) else None
        reservations = [
            Reservation(
                id=uuid.uuid4(),
                elder_id=elder_id,
                region_id=region_id,
                programme=programme,
                version=version,
                budget=budget,
                year=year,
                amount_fen=face,
                held_fen=face,
                item_ref=f"voucher:{batch.code}",
                created_by=actor,
            )
            for elder_id, region_id in taken
        ]
        Reservation.objects.bulk_create(reservations, batch_size=1000)
        Voucher.objects.bulk_create(
            [
                Voucher(
                    batch=batch,
                    elder_id=r.elder_id,
                    region_id=r.region_id,
                    reservation=r,
                    face_value_fen=face,
                    remaining_fen=face,
                )
                for r in reservations
            ],
            batch_size=1000,
        )
        batch.status = VoucherBatchStatus.ISSUED
        batch.version = version
        batch.budget = budget
        batch.issued_count = len(taken)
        batch.skipped_count = len(chosen) - len(taken)
        batch.issued_at = timezone.now()
        batch.save(
            update_fields=[
                "status",
                "version",
                "budget",
                "issued_count",
                "skipped_count",
                "issued_at",
                "updated_at",
            ]
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.voucher_batch",
            entity_id=str(batch.pk),
            region_code=batch.region_id,
            summary=(
                f"{batch.code} issued to {len(taken)} elders ({EvaluationTrigger.VOUCHER}), "
                f"{batch.skipped_count} over their limits"
            ),
        )
    return batch


def _active_or_refuse(voucher: Voucher, today: dt.date) -> None:
    batch = voucher.batch
    if voucher.status == VoucherStatus.USED or voucher.remaining_fen == 0:
        raise DomainError(
            code=codes.VOUCHER_USED, status=409, message=_("This voucher was already used.")
        )
    if voucher.status == VoucherStatus.EXPIRED or today > batch.expires_on:
        raise DomainError(
            code=codes.VOUCHER_EXPIRED,
            status=409,
            message=_("This voucher expired on %(date)s.") % {"date": batch.expires_on},
        )
    if today < batch.valid_from:
        raise DomainError(
            code=codes.VOUCHER_NOT_YET_VALID,
            status=409,
            message=_("This voucher can be used from %(date)s.") % {"date": batch.valid_from},
        )


def voucher_code_issue(*, ctx: AuditContext, voucher: Voucher) -> str:
    """A new redemption code for the voucher, returned once (to print or tell the elder);
    any earlier code stops working. Only the keyed hash is kept."""
    require(ctx.actor, Perm.SUBSIDIES_QUOTE, voucher.region_id)
    with transaction.atomic():
        locked = Voucher.objects.select_for_update().select_related("batch").get(pk=voucher.pk)
        _active_or_refuse(locked, timezone.localdate())
        for _attempt in range(5):
            code = new_code()
            try:
                with transaction.atomic():
                    locked.code_hash = code_hash(code)
                    locked.code_issued_at = timezone.now()
                    locked.save(update_fields=["code_hash", "code_issued_at", "updated_at"])
                break
            except IntegrityError:  # pragma: no cover - a collision of 59-bit codes
                continue
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.voucher",
            entity_id=str(locked.pk),
            region_code=locked.region_id,
            summary="redemption code handed out",
        )
    return code


def _find(ctx: AuditContext, code: str) -> Voucher:
    """The voucher of ``code`` in the merchant's areas; every look-up counts toward the
    merchant's limit and is audited (so guessing codes is slow and visible)."""
    actor = ctx.actor
    since = timezone.now() - CHECK_WINDOW
    if audit_count_recent(actor=actor, action=AuditAction.LOOKUP, since=since) >= CHECK_LIMIT:
        raise DomainError(
            code=codes.VOUCHER_CHECKS_LIMIT,
            status=429,
            message=_("Too many voucher checks: wait ten minutes."),
        )
    compact = normalise_code(code)
    voucher = (
        Voucher.objects.select_related("batch", "elder").filter(code_hash=code_hash(code)).first()
        if compact
        else None
    )
    prefixes = actor_prefixes(actor, Perm.SUBSIDIES_REDEEM)
    if voucher is not None and not any(voucher.region_id.startswith(p) for p in prefixes):
        voucher = None
    with transaction.atomic():
        audit_record(
            ctx=ctx,
            action=AuditAction.LOOKUP,
            entity_type="subsidies.voucher",
            entity_id=str(voucher.pk) if voucher else "-",
            region_code=voucher.region_id if voucher else "",
            summary="voucher code checked" if voucher else "unknown voucher code",
        )
    if voucher is None:
        raise DomainError(
            code=codes.VOUCHER_INVALID,
            status=404,
            message=_("No voucher of your area has this code."),
        )
    return voucher


def voucher_check(*, ctx: AuditContext, code: str) -> VoucherCheck:
    """What a merchant sees for a code: the holder's masked name (to compare with the
    person in front of them; vouchers are not transferable) and the value left."""
    require(ctx.actor, Perm.SUBSIDIES_REDEEM, None)
    voucher = _find(ctx, code)
    try:
        _active_or_refuse(voucher, timezone.localdate())
        redeemable = True
    except DomainError:
        redeemable = False
    return VoucherCheck(
        masked_name=mask_name(voucher.elder.name),
        remaining_fen=voucher.remaining_fen if redeemable else 0,
        redeemable=redeemable,
        partial_allowed=voucher.batch.allow_partial,
    )


def voucher_redeem(
    *, ctx: AuditContext, code: str, amount_fen: int, merchant_ref: str
) -> VoucherRedemption:
    """A merchant takes ``amount_fen`` of the voucher toward a purchase. Without partial
    redemption the voucher is used up by this one redemption (what the purchase did not
    need goes back to the budget); with it, the value left stays for later purchases.
    Two merchants presenting the same code at once: one succeeds, the other is told the
    voucher was used (the voucher's row is locked)."""
    require(ctx.actor, Perm.SUBSIDIES_REDEEM, None)
    amount = check_amount(amount_fen)
    merchant = merchant_ref.strip()
    problem = check_text(merchant, "merchant_ref", formula=True)
    if problem or not merchant or len(merchant) > 100:
        raise ValidationFailed(
            [
                problem
                or FieldError(
                    "merchant_ref", codes.NAME_REQUIRED, _("Name the shop (100 characters).")
                )
            ]
        )
    found = _find(ctx, code)
    today = timezone.localdate()
    with transaction.atomic():
        reservation = found.reservation
        lock_budgets([reservation.budget_id] if reservation.budget_id else [])
        reservation = lock_reservations([reservation.pk])[reservation.pk]
        voucher = lock_voucher(found.pk)
        voucher.batch = found.batch
        _active_or_refuse(voucher, today)
        if amount > voucher.remaining_fen:
            raise ValidationFailed(
                [
                    FieldError(
                        "amount_fen",
                        codes.AMOUNT_INVALID,
                        _("The voucher has %(left)s yuan left.")
                        % {"left": yuan(voucher.remaining_fen)},
                    )
                ]
            )
        delivery = record_locked(
            ctx=ctx,
            reservation=reservation,
            amount_fen=amount,
            delivered_on=today,
            provider_ref=merchant,
            item_ref=f"voucher:{voucher.batch.code}",
        )
        voucher.remaining_fen -= amount
        if not voucher.batch.allow_partial or voucher.remaining_fen == 0:
            voucher.status = VoucherStatus.USED
            voucher.remaining_fen = 0
            if reservation.status == ReservationStatus.RESERVED:
                reservation.released_fen = reservation.amount_fen - reservation.committed_fen
                reservation.held_fen = reservation.committed_fen
                reservation.status = ReservationStatus.COMMITTED
                reservation.save(update_fields=["released_fen", "held_fen", "status", "updated_at"])
        voucher.save(update_fields=["remaining_fen", "status", "updated_at"])
        redemption = VoucherRedemption.objects.create(
            voucher=voucher,
            delivery=delivery,
            amount_fen=amount,
            merchant_ref=merchant,
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.voucher",
            entity_id=str(voucher.pk),
            region_code=voucher.region_id,
            summary=f"redeemed {amount} fen at {merchant}; {voucher.remaining_fen} fen left",
        )
    return redemption


def vouchers_expire(*, ctx: AuditContext, batch: VoucherBatch, on: dt.date | None = None) -> int:
    """Close the batch's vouchers that expired before ``on`` (today): what they did not
    redeem goes back to the budget and the elders' limits. Returns how many closed."""
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, batch.region_id)
    today = on or timezone.localdate()
    if batch.expires_on >= today:
        return 0
    with transaction.atomic():
        lock_budgets([batch.budget_id] if batch.budget_id else [])
        ids = list(
            Voucher.objects.filter(batch=batch, status=VoucherStatus.ACTIVE).values_list(
                "reservation_id", flat=True
            )
        )
        for start in range(0, len(ids), 1000):
            part = ids[start : start + 1000]
            lock_reservations(part)
            Reservation.objects.filter(pk__in=part, status=ReservationStatus.RESERVED).update(
                released_fen=F("amount_fen") - F("committed_fen"),
                held_fen=F("committed_fen"),
                status=Case(
                    When(committed_fen__gt=0, then=Value(ReservationStatus.COMMITTED)),
                    default=Value(ReservationStatus.RELEASED),
                ),
                updated_at=timezone.now(),
            )
        closed = Voucher.objects.filter(batch=batch, status=VoucherStatus.ACTIVE).update(
            status=VoucherStatus.EXPIRED, updated_at=timezone.now()
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.voucher_batch",
            entity_id=str(batch.pk),
            region_code=batch.region_id,
            summary=f"{batch.code}: {closed} expired vouchers closed",
        )
    return closed
