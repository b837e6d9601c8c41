"""Writes of programmes as data: payer bodies, programmes, their versions, budgets.

A version is a draft until published; a live version never changes again ("editing" a live
programme creates the next version), and publishing a version marks the earlier ones
superseded. Which version applies on a date: the highest-numbered published version whose
``valid_from`` is on or before it (and whose ``valid_to``, if any, is not before it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, NotFound, ValidationFailed
from silvercare.common.text import check_text
from silvercare.regions.choices import code_prefix
from silvercare.regions.models import Region
from silvercare.regions.selectors import region_get
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies.amounts import MAX_FEN, amount_rule_errors
from silvercare.subsidies.choices import ItemKind, PayerKind, VersionStatus
from silvercare.subsidies.locks import lock_budgets
from silvercare.subsidies.models import (
    Budget,
    FundingShare,
    PayerBody,
    Programme,
    ProgrammeVersion,
)
from silvercare.subsidies.rules import RuleError, rule_compile

CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")
ITEM_CODE_RE = re.compile(r"^[\w .:/-]{1,64}$")


@dataclass
class VersionValues:
    """Everything a programme version says. Shares name payers by code, in basis points."""

    valid_from: dt.date
    valid_to: dt.date | None = None
    eligibility_rule: str = "true"
    item_kinds: list[str] = field(default_factory=list)
    item_codes: list[str] = field(default_factory=list)
    amount_rule: dict[str, Any] = field(default_factory=dict)
    yearly_limit_fen: int | None = None
    lifetime_limit_fen: int | None = None
    stacking_priority: int = 100
    budgeted: bool = True
    shares: list[tuple[str, int]] = field(default_factory=list)
    note: str = ""


def require(actor: Any, perm: str, region_code: str | None) -> None:
    """403 unless the actor holds ``perm`` over the region."""
    if not actor_has_perm(actor, perm, region_code):
        raise DomainError(
            code=codes.PERMISSION_DENIED,
            status=403,
            message=_("You may not do this for this area."),
        )


def rule_field_errors(text: str, field_name: str = "eligibility_rule") -> list[FieldError]:
    """The rule's problems as field errors carrying the line and column."""
    try:
        rule_compile(text)
    except RuleError as exc:
        return [
            FieldError(field_name, p.code, p.text(), {k: str(v) for k, v in p.params.items()})
            for p in exc.problems
        ]
    return []


def _region(code: str, field_name: str = "region_code") -> Region:
    try:
        return region_get(code=str(code))
    except NotFound:
        raise ValidationFailed(
            [FieldError(field_name, codes.REGION_UNKNOWN, _("Unknown region code."))]
        ) from None


def related_regions(a: Region, b: Region) -> bool:
    """One region contains the other (or they are the same)."""
    return b.code.startswith(a.prefix) or a.code.startswith(b.prefix)


def _version_errors(values: VersionValues, region: Region) -> tuple[list[FieldError], list[Any]]:
    """Problems of the values, and the resolved (payer, basis points) pairs."""
    errors = rule_field_errors(values.eligibility_rule)
    if values.valid_to is not None and values.valid_to < values.valid_from:
        errors.append(
            FieldError(
                "valid_to", codes.VALIDITY_INVALID, _("The end date is before the start date.")
            )
        )
    kinds = values.item_kinds
    if not kinds or any(k not in ItemKind.values for k in kinds) or len(set(kinds)) != len(kinds):
        errors.append(
            FieldError(
                "item_kinds",
                codes.ITEMS_INVALID,
                _("Choose what the programme covers: %(kinds)s.")
                % {"kinds": ", ".join(ItemKind.values)},
            )
        )
    if len(values.item_codes) > 200 or not all(
        isinstance(c, str) and ITEM_CODE_RE.match(c) for c in values.item_codes
    ):
        errors.append(
            FieldError(
                "item_codes",
                codes.ITEMS_INVALID,
                _("Item codes are up to 200 codes of letters, digits, spaces, . : / - or _."),
            )
        )
    errors += amount_rule_errors(values.amount_rule)
    for name in ("yearly_limit_fen", "lifetime_limit_fen"):
        limit = getattr(values, name)
        if limit is not None and not 0 <= limit <= MAX_FEN:
            errors.append(
                FieldError(name, codes.LIMIT_INVALID, _("Give a whole number of fen, 0 or more."))
            )
    if not 0 <= values.stacking_priority <= 1000:
        errors.append(
            FieldError(
                "stacking_priority", codes.LIMIT_INVALID, _("The priority is between 0 and 1000.")
            )
        )
    text_error = check_text(values.note, "note")
    if text_error:
        errors.append(text_error)
    resolved: list[Any] = []
    by_code = PayerBody.objects.select_related("region").in_bulk(
        [c for c, _bp in values.shares], field_name="code"
    )
    seen: set[str] = set()
    for i, (payer_code, bp) in enumerate(values.shares):
        payer = by_code.get(payer_code)
        if payer is None or payer_code in seen:
            errors.append(FieldError(f"shares.{i}.payer", codes.PAYER_UNKNOWN, _("Unknown payer.")))
            continue
        seen.add(payer_code)
        if not related_regions(payer.region, region):
            errors.append(
                FieldError(
                    f"shares.{i}.payer",
                    codes.PAYER_OUTSIDE_REGION,
                    _("This payer belongs to another area than the programme."),
                )
            )
        resolved.append((payer, bp))
    bps = [bp for _c, bp in values.shares]
    if not bps or any(not 1 <= bp <= 10000 for bp in bps) or sum(bps) != 10000:
        errors.append(
            FieldError(
                "shares",
                codes.SHARES_NOT_100,
                _("The funding shares must add up to 100 %% (now %(total)s %%).")
                % {"total": f"{sum(bps) / 100:g}"},
            )
        )
    return errors, resolved


def _write_version(version: ProgrammeVersion, values: VersionValues, shares: list[Any]) -> None:
    for name in (
        "valid_from",
        "valid_to",
        "eligibility_rule",
        "item_kinds",
        "item_codes",
        "amount_rule",
        "yearly_limit_fen",
        "lifetime_limit_fen",
        "stacking_priority",
        "budgeted",
        "note",
    ):
        setattr(version, name, getattr(values, name))
    version.save()
    version.shares.all().delete()
    FundingShare.objects.bulk_create(
        [FundingShare(version=version, payer=payer, share_bp=bp) for payer, bp in shares]
    )


def version_values_of(version: ProgrammeVersion) -> VersionValues:
    """The values of an existing version (to start the next one from)."""
    return VersionValues(
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        eligibility_rule=version.eligibility_rule,
        item_kinds=list(version.item_kinds),
        item_codes=list(version.item_codes),
        amount_rule=dict(version.amount_rule),
        yearly_limit_fen=version.yearly_limit_fen,
        lifetime_limit_fen=version.lifetime_limit_fen,
        stacking_priority=version.stacking_priority,
        budgeted=version.budgeted,
        shares=[(s.payer.code, s.share_bp) for s in version.shares.select_related("payer")],
        note="",
    )


def _code_taken() -> ValidationFailed:
    return ValidationFailed([FieldError("code", codes.CODE_TAKEN, _("This code is already used."))])


def payer_create(
    *, ctx: AuditContext, code: str, name: str, kind: str, region_code: str
) -> PayerBody:
    region = _region(region_code)
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, region.code)
    errors = [e for e in (check_text(name, "name", formula=True),) if e]
    if not CODE_RE.match(code):
        errors.append(
            FieldError(
                "code",
                codes.CODE_INVALID,
                _("A code is 2–40 lower-case letters, digits, - or _."),
            )
        )
    elif PayerBody.objects.filter(code=code).exists():
        errors.append(FieldError("code", codes.CODE_TAKEN, _("This code is already used.")))
    if kind not in PayerKind.values:
        errors.append(FieldError("kind", codes.PAYER_UNKNOWN, _("Unknown kind of payer.")))
    if not name.strip():
        errors.append(FieldError("name", codes.NAME_REQUIRED, _("Give the payer's name.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                payer = PayerBody.objects.create(
                    code=code, name=name.strip(), kind=kind, region=region
                )
        except IntegrityError:
            raise _code_taken() from None
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.payer",
            entity_id=str(payer.pk),
            region_code=region.code,
            summary=f"{code} {kind}",
        )
    return payer


def programme_create(
    *,
    ctx: AuditContext,
    code: str,
    name: str,
    region_code: str,
    version: VersionValues,
    description: str = "",
) -> Programme:
    """A programme with its first version, as a draft to test-run and publish."""
    region = _region(region_code)
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, region.code)
    errors = [
        e
        for e in (
            check_text(name, "name", formula=True),
            check_text(description, "description", multiline=True),
        )
        if e
    ]
    if not name.strip():
        errors.append(FieldError("name", codes.NAME_REQUIRED, _("Give the programme's name.")))
    if not CODE_RE.match(code):
        errors.append(
            FieldError(
                "code", codes.CODE_INVALID, _("A code is 2–40 lower-case letters, digits, - or _.")
            )
        )
    elif Programme.objects.filter(code=code).exists():
        errors.append(FieldError("code", codes.CODE_TAKEN, _("This code is already used.")))
    version_errors, shares = _version_errors(version, region)
    errors += version_errors
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        try:
            with transaction.atomic():
                programme = Programme.objects.create(
                    code=code,
                    name=name.strip(),
                    region=region,
                    description=description,
                    created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                )
        except IntegrityError:
            raise _code_taken() from None
        first = ProgrammeVersion(programme=programme, number=1, created_by=programme.created_by)
        _write_version(first, version, shares)
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.programme",
            entity_id=str(programme.pk),
            region_code=region.code,
            summary=f"{code} v1",
            changes={"eligibility_rule": [None, version.eligibility_rule]},
        )
    return programme


def _locked_programme(programme: Programme) -> Programme:
    return Programme.objects.select_for_update().select_related("region").get(pk=programme.pk)


def version_create(
    *, ctx: AuditContext, programme: Programme, values: VersionValues
) -> ProgrammeVersion:
    """The next version of a programme, as a draft (a live version is never edited)."""
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, programme.region_id)
    errors, shares = _version_errors(values, programme.region)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked_programme(programme)
        number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ProgrammeVersion(
            programme=locked,
            number=number,
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        _write_version(version, values, shares)
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="subsidies.version",
            entity_id=str(version.pk),
            region_code=locked.region_id,
            summary=f"{locked.code} v{number}",
            changes={"eligibility_rule": [None, values.eligibility_rule]},
        )
    return version


def version_update(
    *, ctx: AuditContext, version: ProgrammeVersion, values: VersionValues
) -> ProgrammeVersion:
    """Change a draft. A live or superseded version refuses: make a new version instead."""
    programme = version.programme
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, programme.region_id)
    with transaction.atomic():
        _locked_programme(programme)
        version = ProgrammeVersion.objects.select_related("programme").get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise DomainError(
                code=codes.VERSION_IMMUTABLE,
                status=409,
                message=_(
                    "A published version never changes, so old quotes keep their meaning: "
                    "create a new version instead."
                ),
            )
        errors, shares = _version_errors(values, programme.region)
        if errors:
            raise ValidationFailed(errors)
        before = version.eligibility_rule
        _write_version(version, values, shares)
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.version",
            entity_id=str(version.pk),
            region_code=programme.region_id,
            summary=f"{programme.code} v{version.number}",
            changes={"eligibility_rule": [before, values.eligibility_rule]},
        )
    return version


def version_publish(
    *, ctx: AuditContext, version: ProgrammeVersion, evaluate_elders: bool = True
) -> ProgrammeVersion:
    """Make a draft live; earlier published versions become superseded (they still apply
    to dates before this version's start and explain the quotes made with them). Once
    committed, a background task evaluates the version for every elder of its area
    (``evaluate_elders=False`` leaves that to the caller)."""
    programme = version.programme
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, programme.region_id)
    with transaction.atomic():
        _locked_programme(programme)
        version = ProgrammeVersion.objects.select_related("programme__region").get(pk=version.pk)
        if version.status != VersionStatus.DRAFT:
            raise DomainError(
                code=codes.VERSION_NOT_DRAFT,
                status=409,
                message=_("Only a draft can be published."),
            )
        errors = rule_field_errors(version.eligibility_rule) + amount_rule_errors(
            version.amount_rule
        )
        if errors:
            raise ValidationFailed(errors)
        ProgrammeVersion.objects.filter(
            programme_id=programme.pk, status=VersionStatus.LIVE
        ).update(status=VersionStatus.SUPERSEDED, updated_at=timezone.now())
        version.status = VersionStatus.LIVE
        version.published_at = timezone.now()
        version.published_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        version.save(update_fields=["status", "published_at", "published_by", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="subsidies.version",
            entity_id=str(version.pk),
            region_code=programme.region_id,
            summary=f"{programme.code} v{version.number} published",
        )
        if evaluate_elders:
            from silvercare.subsidies.tasks import evaluate_version

            pk = version.pk
            transaction.on_commit(lambda: evaluate_version.enqueue(pk))
    return version


def budget_save(
    *, ctx: AuditContext, programme: Programme, year: int, region_code: str, amount_fen: int
) -> Budget:
    """Set a programme's budget for a year in a region (inside the programme's region).
    Lowering it below what is already reserved, committed or spent is refused."""
    region = _region(region_code)
    require(ctx.actor, Perm.SUBSIDIES_MANAGE, region.code)
    errors = []
    if not region.code.startswith(code_prefix(programme.region.code, programme.region.level)):
        errors.append(
            FieldError(
                "region_code",
                codes.REGION_OUTSIDE_PROGRAMME,
                _("A budget's area must lie inside the programme's area."),
            )
        )
    if not 2000 <= year <= 2100:
        errors.append(FieldError("year", codes.AMOUNT_INVALID, _("Give a year.")))
    if isinstance(amount_fen, bool) or not 0 <= amount_fen <= MAX_FEN:
        errors.append(
            FieldError(
                "amount_fen", codes.AMOUNT_INVALID, _("Give a whole number of fen, 0 or more.")
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        existing = Budget.objects.filter(programme=programme, year=year, region=region).first()
        if existing is None:
            try:
                with transaction.atomic():
                    budget = Budget.objects.create(
                        programme=programme,
                        year=year,
                        region=region,
                        amount_fen=amount_fen,
                        created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
                    )
            except IntegrityError:  # created at the same moment by someone else
                raise DomainError(
                    code=codes.BUDGET_EXISTS,
                    status=409,
                    message=_("This budget was just created by someone else: reload the page."),
                ) from None
            before = None
        else:
            budget = lock_budgets([existing.pk])[existing.pk]
            used = budget.reservations.aggregate(s=Sum("held_fen"))["s"] or 0
            if amount_fen < used:
                raise ValidationFailed(
                    [
                        FieldError(
                            "amount_fen",
                            codes.BUDGET_EXCEEDED,
                            _(
                                "%(amount)s yuan are already reserved, committed or spent: "
                                "the budget cannot be lower."
                            )
                            % {"amount": f"{used / 100:,.2f}"},
                        )
                    ]
                )
            before = budget.amount_fen
            budget.amount_fen = amount_fen
            budget.save(update_fields=["amount_fen", "updated_at"])
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE if before is None else AuditAction.UPDATE,
            entity_type="subsidies.budget",
            entity_id=str(budget.pk),
            region_code=region.code,
            summary=f"{programme.code} {year} {region.code}",
            changes={"amount_fen": [before, amount_fen]},
        )
    return budget
