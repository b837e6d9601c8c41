"""Every write of the home-adaptation capability: contractors, cases, the checklist, the
plan and its subsidy, the state machine (plan → approve → works → accept → follow up, or
cancel), works entries and photos.

Each service checks ``adaptation.manage`` over the case's area (the elder's community),
validates its input (every problem of a form in one round) and writes its audit row in the
same transaction. The subsidy goes through ``silvercare.subsidies.services``: a quote when
the plan is finished (kind ``service``, item code ``home_adaptation`` — the subsidies app
has no item kind for adaptation), a reservation on approval, committed on acceptance and
released on cancellation."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.adaptation import error_codes as codes
from silvercare.adaptation.checklist import checklist
from silvercare.adaptation.choices import (
    FOLLOW_UP_DAYS,
    SUBSIDY_ITEM_CODE,
    Action,
    Answer,
    Outcome,
    PhotoStage,
    Signer,
    Status,
)
from silvercare.adaptation.models import (
    AdaptationCase,
    ChecklistAnswer,
    Contractor,
    Photo,
    PlanItem,
    WorksEntry,
)
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.photos import photo_errors, photo_kind
from silvercare.common.text import check_text
from silvercare.regions.choices import code_prefix

MAX_QUANTITY = 1000
MAX_UNIT_PRICE_FEN = 100_000_000  # one million yuan per unit: more than any home item

# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    Action.PLAN: ((Status.ASSESSED,), Status.PLANNED),
    Action.APPROVE: ((Status.PLANNED,), Status.APPROVED),
    Action.START_WORKS: ((Status.APPROVED,), Status.IN_WORKS),
    Action.ACCEPT: ((Status.IN_WORKS,), Status.ACCEPTED),
    Action.FOLLOW_UP: ((Status.ACCEPTED,), Status.FOLLOWED_UP),
    Action.CANCEL: (
        (Status.ASSESSED, Status.PLANNED, Status.APPROVED, Status.IN_WORKS),
        Status.CANCELLED,
    ),
}
# Where the checklist and the plan may still change.
EDITABLE = (Status.ASSESSED, Status.PLANNED)


def _denied(message: str) -> DomainError:
    return DomainError(code=codes.PERMISSION_DENIED, status=403, message=message)


def _require(ctx: AuditContext, region_code: str) -> None:
    if not actor_has_perm(ctx.actor, Perm.ADAPTATION_MANAGE, region_code):
        raise _denied(_("You may not manage home adaptation cases in this area."))


def _audit(
    ctx: AuditContext,
    case: AdaptationCase,
    summary: str,
    *,
    action: str = AuditAction.UPDATE,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type="adaptation.case",
        entity_id=str(case.pk),
        region_code=case.region_id,
        summary=f"{case.number} {summary}",
        changes=changes,
    )


def _actor(ctx: AuditContext) -> Any:
    return ctx.actor if getattr(ctx.actor, "pk", None) else None


def _text_errors(values: dict[str, str], *, names: tuple[str, ...] = ()) -> list[FieldError]:
    return [
        error
        for name, value in values.items()
        if (error := check_text(value or "", name, formula=name in names)) is not None
    ]


def _date_error(field: str, day: Any, *, earliest: dt.date | None = None) -> FieldError | None:
    """A date that is not in the future and not before ``earliest``."""
    today = timezone.localdate()
    if not isinstance(day, dt.date) or not 2000 <= day.year <= 2100:
        return FieldError(field, codes.DATE_INVALID, _("Enter a date."))
    if day > today:
        return FieldError(field, codes.DATE_INVALID, _("The date cannot be in the future."))
    if earliest is not None and day < earliest:
        return FieldError(
            field,
            codes.DATE_INVALID,
            _("The date cannot be before %(date)s.") % {"date": earliest.isoformat()},
        )
    return None


def status_label(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def check_transition(case: AdaptationCase, action: str) -> str:
    """The state ``action`` leads to, or a 409 naming the rule: from which states it is
    allowed and what the case is now."""
    sources, target = TRANSITIONS[action]
    if case.status not in sources:
        raise DomainError(
            code=codes.TRANSITION_INVALID,
            status=409,
            message=_(
                "“%(action)s” is not possible: the case is “%(status)s”; it is allowed only "
                "when the case is %(allowed)s."
            )
            % {
                "action": Action(action).label,
                "status": status_label(case.status),
                "allowed": _(" or ").join(f"“{status_label(s)}”" for s in sources),
            },
            extra={"status": case.status, "action": str(action), "allowed_from": list(sources)},
        )
    return target


def _locked(case: AdaptationCase) -> AdaptationCase:
    return AdaptationCase.objects.select_for_update().select_related("elder").get(pk=case.pk)


def _refresh(case: AdaptationCase, locked: AdaptationCase) -> AdaptationCase:
    case.refresh_from_db()
    return locked


def _editable(case: AdaptationCase) -> None:
    if case.status not in EDITABLE:
        raise DomainError(
            code=codes.CASE_CLOSED,
            status=409,
            message=_(
                "The checklist and the plan can change only before approval; the case is "
                "“%(status)s”."
            )
            % {"status": status_label(case.status)},
        )


# --- Contractors ----------------------------------------------------------------------------


def contractor_create(
    *, ctx: AuditContext, region_code: str, name: str, credit_code: str = "", phone: str = ""
) -> Contractor:
    """Record a contractor working in an area (a district, street or community)."""
    from silvercare.regions.models import Region

    name, credit_code, phone = (name or "").strip(), (credit_code or "").strip(), (phone or "")
    errors = _text_errors({"name": name, "phone": phone}, names=("name",))
    if not name:
        errors.append(FieldError("name", "required", _("Enter the contractor's name.")))
    if credit_code and not (
        len(credit_code) == 18 and credit_code.isascii() and credit_code.isalnum()
    ):
        errors.append(
            FieldError(
                "credit_code",
                "credit_code_invalid",
                _("A unified social credit code has 18 letters and digits."),
            )
        )
    if len(phone) > 20 or (
        phone and not all(c.isascii() and (c.isdigit() or c in "-+ ") for c in phone)
    ):
        errors.append(FieldError("phone", "phone_invalid", _("Enter a phone number.")))
    if not Region.objects.filter(code=region_code).exists():
        errors.append(FieldError("region_code", codes.REGION_INVALID, _("Choose an area.")))
    if errors:
        raise ValidationFailed(errors)
    _require(ctx, region_code)
    try:
        with transaction.atomic():
            contractor = Contractor.objects.create(
                region_id=region_code,
                name=name[:100],
                credit_code=credit_code.upper(),
                phone=phone,
                created_by=_actor(ctx),
            )
            audit_record(
                ctx=ctx,
                action=AuditAction.CREATE,
                entity_type="adaptation.contractor",
                entity_id=str(contractor.pk),
                region_code=region_code,
                summary=f"contractor {name}",
            )
    except IntegrityError:
        raise ValidationFailed(
            [FieldError("name", "duplicate", _("This contractor is already on file here."))]
        ) from None
    return contractor


# --- Cases and the checklist ----------------------------------------------------------------


def _new_number(day: dt.date) -> str:
    return f"适改-{day:%Y%m%d}-{secrets.randbelow(10**6):06d}"


def case_open(
    *, ctx: AuditContext, elder: Any, assessed_on: dt.date | None = None
) -> AdaptationCase:
    """Open a case for an elder's home (their community is its area). One open case per
    elder: a second is refused naming the first."""
    _require(ctx, elder.region_id)
    day = assessed_on or timezone.localdate()
    error = _date_error("assessed_on", day)
    if error:
        raise ValidationFailed([error])
    if elder.status != "active":
        raise DomainError(
            code="elder_not_active",
            status=409,
            message=_("Cases are opened only for elders who are active in the registry."),
        )
    existing = (
        AdaptationCase.objects.filter(elder=elder, status__in=list(_open()))
        .values_list("number", flat=True)
        .first()
    )
    if existing:
        raise _already_open(existing)
    try:
        with transaction.atomic():
            case = AdaptationCase.objects.create(
                number=_new_number(day),
                elder=elder,
                region_id=elder.region_id,
                checklist_version=checklist().version,
                assessed_on=day,
                opened_by=_actor(ctx),
            )
            _audit(ctx, case, "open", action=AuditAction.CREATE)
    except IntegrityError:  # a concurrent second case for the elder
        raise _already_open("") from None
    return case


def _open() -> tuple[str, ...]:
    from silvercare.adaptation.choices import OPEN_STATUSES

    return OPEN_STATUSES


def _already_open(number: str) -> DomainError:
    return DomainError(
        code=codes.CASE_ALREADY_OPEN,
        status=409,
        message=_("This elder already has an open home adaptation case %(number)s.")
        % {"number": number},
        extra={"number": number},
    )


@dataclass(frozen=True)
class AnswerIn:
    question: str
    answer: str
    note: str = ""


def checklist_record(
    *, ctx: AuditContext, case: AdaptationCase, answers: list[AnswerIn]
) -> list[ChecklistAnswer]:
    """Record answers (ok / hazard / not applicable, with a note) to checklist questions;
    an answer replaces the earlier one. Every bad answer is reported at once, with the
    question it concerns (``answers.<code>``); nothing is written then."""
    _require(ctx, case.region_id)
    data = checklist()
    errors: list[FieldError] = []
    seen: set[str] = set()
    for row in answers:
        field = f"answers.{row.question}"
        if data.question(row.question) is None:
            errors.append(
                FieldError(
                    field,
                    codes.CHECKLIST_ITEM_UNKNOWN,
                    _("“%(code)s” is not a question of the checklist.") % {"code": row.question},
                )
            )
            continue
        if row.question in seen:
            errors.append(
                FieldError(field, codes.ANSWER_INVALID, _("The question is answered twice."))
            )
        seen.add(row.question)
        if row.answer not in Answer.values:
            errors.append(
                FieldError(field, codes.ANSWER_INVALID, _("Answer safe, hazard or not applicable."))
            )
        if len(row.note or "") > 300:
            errors.append(
                FieldError(field, codes.ANSWER_INVALID, _("The note is at most 300 characters."))
            )
        error = check_text(row.note or "", field)
        if error:
            errors.append(error)
    if not answers:
        errors.append(
            FieldError("answers", codes.ANSWER_INVALID, _("Answer at least one question."))
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked(case)
        _editable(locked)
        saved = []
        for row in answers:
            answer, _created = ChecklistAnswer.objects.update_or_create(
                case=locked,
                question=row.question,
                defaults={"answer": row.answer, "note": (row.note or "").strip()},
            )
            saved.append(answer)
        hazards = sum(1 for row in answers if row.answer == Answer.HAZARD)
        _audit(
            ctx,
            locked,
            f"checklist {len(answers)} answers, {hazards} hazards",
            changes={row.question: row.answer for row in answers},
        )
    case.refresh_from_db()
    return saved


def photo_add(
    *,
    ctx: AuditContext,
    case: AdaptationCase,
    content: bytes,
    stage: str,
    question: str = "",
    works_entry: WorksEntry | None = None,
) -> Photo:
    """Keep a JPEG or PNG photo (at most 3 MB) of a checklist question or a works entry."""
    _require(ctx, case.region_id)
    kind = photo_kind(content)
    errors = photo_errors(content)
    if stage == PhotoStage.CHECKLIST and checklist().question(question) is None:
        errors.append(
            FieldError("question", codes.CHECKLIST_ITEM_UNKNOWN, _("Choose a checklist question."))
        )
    if stage == PhotoStage.WORKS and (works_entry is None or works_entry.case_id != case.pk):
        errors.append(FieldError("works_entry", "required", _("Choose a works entry.")))
    if stage not in PhotoStage.values:
        errors.append(FieldError("stage", "choice_invalid", _("Choose a stage.")))
    if errors or kind is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        photo = Photo.objects.create(
            case=case,
            stage=stage,
            question=question if stage == PhotoStage.CHECKLIST else "",
            works_entry=works_entry if stage == PhotoStage.WORKS else None,
            content_type=kind,
            content=content,
            size=len(content),
            uploaded_by=_actor(ctx),
        )
        _audit(ctx, case, f"photo {stage} {question}".strip(), action=AuditAction.CREATE)
    return photo


# --- The plan and its subsidy ---------------------------------------------------------------


def plan_item_add(
    *,
    ctx: AuditContext,
    case: AdaptationCase,
    quantity: int,
    code: str = "",
    name: str = "",
    unit_price_fen: int | None = None,
    unit: str = "",
    note: str = "",
) -> PlanItem:
    """Add an item to the plan: a recommended one (its name, class and reference price come
    from the list; the price may be overridden) or a free one with a name and a price. A
    planned case is quoted again."""
    _require(ctx, case.region_id)
    name, note, unit = (name or "").strip(), (note or "").strip(), (unit or "").strip()
    errors = _text_errors({"name": name, "note": note, "unit": unit}, names=("name",))
    recommended = checklist().item(code) if code else None
    if code and recommended is None:
        errors.append(
            FieldError("code", codes.ITEM_UNKNOWN, _("Choose an item of the recommended list."))
        )
    if not code and not name:
        errors.append(
            FieldError("name", "required", _("Choose a recommended item or name the item."))
        )
    if len(name) > 100 or len(note) > 300 or len(unit) > 16:
        errors.append(FieldError("name", "too_long", _("The text is too long.")))
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        errors.append(
            FieldError(
                "quantity",
                codes.QUANTITY_INVALID,
                _("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY},
            )
        )
    price = unit_price_fen
    if price is None and recommended is not None:
        price = recommended.reference_price_fen
    if (
        price is None
        or isinstance(price, bool)
        or not isinstance(price, int)
        or not 0 <= price <= MAX_UNIT_PRICE_FEN
    ):
        errors.append(
            FieldError(
                "unit_price_fen",
                codes.PRICE_INVALID,
                _("Enter the unit price in yuan, from 0 to 1,000,000."),
            )
        )
    if errors or price is None:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = _locked(case)
        _editable(locked)
        item = PlanItem.objects.create(
            case=locked,
            code=code,
            name=(name or (recommended.zh if recommended else ""))[:100],
            basic=bool(recommended and recommended.basic),
            unit=(unit or (recommended.unit_zh if recommended else ""))[:16],
            quantity=quantity,
            unit_price_fen=price,
            note=note,
        )
        _audit(
            ctx,
            locked,
            f"plan item {item.name} × {quantity} @ {price} fen",
            action=AuditAction.CREATE,
        )
        _retotal(ctx, locked)
    case.refresh_from_db()
    return item


def plan_item_remove(*, ctx: AuditContext, item: PlanItem) -> None:
    case = item.case
    _require(ctx, case.region_id)
    with transaction.atomic():
        locked = _locked(case)
        _editable(locked)
        if locked.status == Status.PLANNED and locked.items.count() <= 1:
            raise DomainError(
                code=codes.PLAN_EMPTY,
                status=409,
                message=_("A finished plan keeps at least one item; add another first."),
            )
        PlanItem.objects.filter(pk=item.pk).delete()
        _audit(ctx, locked, f"remove plan item {item.name}", action=AuditAction.DELETE)
        _retotal(ctx, locked)
    case.refresh_from_db()


def plan_total(case: AdaptationCase) -> int:
    return sum(i.quantity * i.unit_price_fen for i in case.items.all())


def _retotal(ctx: AuditContext, case: AdaptationCase) -> None:
    """Keep the plan's total; a finished plan is quoted again so its subsidy stays true."""
    case.total_fen = plan_total(case)
    fields = ["total_fen", "updated_at"]
    if case.status == Status.PLANNED:
        _quote(ctx, case)
        fields += ["quote_id", "subsidy_fen", "elder_pays_fen"]
    case.save(update_fields=fields)


def _quote(ctx: AuditContext, case: AdaptationCase) -> None:
    """Quote the whole plan as one service (kind ``service``, code ``home_adaptation``)."""
    from silvercare.subsidies import services as subsidies

    quote = subsidies.quote(
        actor=ctx.actor,
        ctx=ctx,
        elder=case.elder,
        item=subsidies.Item(
            kind="service",
            code=SUBSIDY_ITEM_CODE,
            label=f"居家适老化改造 {case.number}",
            ref=f"adaptation:{case.pk}",
        ),
        price_fen=case.total_fen,
        on=timezone.localdate(),
    )
    case.quote_id = quote.pk
    case.elder_pays_fen = quote.elder_pays_fen
    case.subsidy_fen = case.total_fen - quote.elder_pays_fen


def case_plan(*, ctx: AuditContext, case: AdaptationCase) -> AdaptationCase:
    """assessed → planned: every checklist question answered, at least one plan item; the
    plan is quoted through the subsidies app (the quote is kept with its reasons)."""
    _require(ctx, case.region_id)
    with transaction.atomic():
        locked = _locked(case)
        target = check_transition(locked, Action.PLAN)
        answered = set(locked.answers.values_list("question", flat=True))
        missing = [q for q in checklist().questions if q.code not in answered]
        errors = []
        if missing:
            errors.append(
                FieldError(
                    "checklist",
                    codes.CHECKLIST_INCOMPLETE,
                    _("Answer every checklist question first: %(count)s left (%(first)s…).")
                    % {"count": len(missing), "first": missing[0].text},
                    params={"missing": ",".join(q.code for q in missing)},
                )
            )
        if not locked.items.exists():
            errors.append(
                FieldError("items", codes.PLAN_EMPTY, _("Add at least one item to the plan."))
            )
        if errors:
            raise ValidationFailed(errors, message=_("The plan cannot be finished yet."))
        locked.total_fen = plan_total(locked)
        _quote(ctx, locked)
        locked.status = target
        locked.planned_at = timezone.now()
        locked.planned_by = _actor(ctx)
        locked.save()
        _audit(
            ctx,
            locked,
            f"plan: total {locked.total_fen} fen, subsidy {locked.subsidy_fen} fen",
            changes={"status": [Status.ASSESSED, target], "quote_id": str(locked.quote_id)},
        )
    return _refresh(case, locked)


def contractor_assign(
    *, ctx: AuditContext, case: AdaptationCase, contractor: Contractor
) -> AdaptationCase:
    """Choose the contractor (before the works start); it must work in the case's area."""
    _require(ctx, case.region_id)
    prefix = code_prefix(contractor.region.code, contractor.region.level)
    if not contractor.active or not case.region_id.startswith(prefix):
        raise ValidationFailed(
            [
                FieldError(
                    "contractor_id",
                    codes.CONTRACTOR_OUT_OF_AREA,
                    _("This contractor does not work in the elder's area."),
                )
            ]
        )
    with transaction.atomic():
        locked = _locked(case)
        if locked.status not in (*EDITABLE, Status.APPROVED):
            raise DomainError(
                code=codes.CASE_CLOSED,
                status=409,
                message=_("The contractor can change only until the works start."),
            )
        locked.contractor = contractor
        locked.save(update_fields=["contractor", "updated_at"])
        _audit(ctx, locked, f"contractor {contractor.name}")
    return _refresh(case, locked)


def case_approve(*, ctx: AuditContext, case: AdaptationCase) -> AdaptationCase:
    """planned → approved, by someone other than who finished the plan; the quote's
    subsidy is reserved (all or nothing: a budget that no longer covers it refuses)."""
    from silvercare.subsidies import selectors as subsidy_selectors
    from silvercare.subsidies import services as subsidies

    _require(ctx, case.region_id)
    with transaction.atomic():
        locked = _locked(case)
        target = check_transition(locked, Action.APPROVE)
        actor = _actor(ctx)
        if actor is not None and locked.planned_by_id == actor.pk:
            raise DomainError(
                code=codes.APPROVER_IS_PLANNER,
                status=409,
                message=_(
                    "Whoever finished the plan cannot approve it: another officer or worker "
                    "approves."
                ),
            )
        reservations = []
        if locked.quote_id is not None and locked.subsidy_fen > 0:
            quote = subsidy_selectors.quote_get_for(actor=ctx.actor, quote_id=locked.quote_id)
            reservations = subsidies.reserve(
                ctx=ctx,
                quote=quote,
                item_ref=f"adaptation:{locked.pk}",
                provider_ref=locked.contractor.name[:100] if locked.contractor else "",
            )
        locked.reservation_ids = [str(r.pk) for r in reservations]
        locked.status = target
        locked.approved_at = timezone.now()
        locked.approved_by = actor
        locked.save()
        _audit(
            ctx,
            locked,
            f"approve: {len(reservations)} reservations",
            changes={"status": [Status.PLANNED, target]},
        )
    return _refresh(case, locked)


def works_start(
    *, ctx: AuditContext, case: AdaptationCase, started_on: dt.date | None = None
) -> AdaptationCase:
    """approved → in works: a contractor must be chosen."""
    _require(ctx, case.region_id)
    day = started_on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(case)
        target = check_transition(locked, Action.START_WORKS)
        errors = []
        if locked.contractor_id is None:
            errors.append(
                FieldError(
                    "contractor_id",
                    codes.CONTRACTOR_REQUIRED,
                    _("Choose the contractor before the works start."),
                )
            )
        error = _date_error("started_on", day, earliest=locked.assessed_on)
        if error:
            errors.append(error)
        if errors:
            raise ValidationFailed(errors)
        locked.status = target
        locked.works_started_on = day
        locked.save()
        _audit(ctx, locked, f"works start {day}", changes={"status": [Status.APPROVED, target]})
    return _refresh(case, locked)


def works_record(
    *, ctx: AuditContext, case: AdaptationCase, on: dt.date, progress: int, note: str
) -> WorksEntry:
    """A dated progress entry while the works are under way."""
    _require(ctx, case.region_id)
    note = (note or "").strip()
    errors = _text_errors({"note": note})
    if not note:
        errors.append(FieldError("note", "required", _("Say what was done.")))
    if len(note) > 500:
        errors.append(FieldError("note", "too_long", _("The text is too long.")))
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        errors.append(
            FieldError("progress", codes.PROGRESS_INVALID, _("Enter the progress from 0 to 100 %."))
        )
    with transaction.atomic():
        locked = _locked(case)
        if locked.status != Status.IN_WORKS:
            raise DomainError(
                code=codes.TRANSITION_INVALID,
                status=409,
                message=_("Progress is recorded only while the works are under way."),
            )
        error = _date_error("on", on, earliest=locked.works_started_on)
        if error:
            errors.append(error)
        if errors:
            raise ValidationFailed(errors)
        entry = WorksEntry.objects.create(
            case=locked, on=on, progress=progress, note=note, recorded_by=_actor(ctx)
        )
        _audit(ctx, locked, f"works {on} {progress}%", action=AuditAction.CREATE)
    return entry


def case_accept(
    *,
    ctx: AuditContext,
    case: AdaptationCase,
    checked_item_ids: list[Any],
    signed_by: str,
    signer: str,
    accepted_on: dt.date | None = None,
    note: str = "",
    follow_up_days: int = FOLLOW_UP_DAYS,
) -> AdaptationCase:
    """in works → accepted: every plan item checked as done, signed (a typed name) by the
    elder or a family member; the reserved subsidy is committed as delivered and the
    follow-up visit falls due ``follow_up_days`` later."""
    from silvercare.subsidies import selectors as subsidy_selectors
    from silvercare.subsidies import services as subsidies

    _require(ctx, case.region_id)
    day = accepted_on or timezone.localdate()
    signed_by, note = (signed_by or "").strip(), (note or "").strip()
    errors = _text_errors({"signed_by": signed_by, "note": note}, names=("signed_by",))
    if not signed_by or len(signed_by) > 50:
        errors.append(
            FieldError("signed_by", "required", _("Type the name of who signs the acceptance."))
        )
    if signer not in Signer.values:
        errors.append(
            FieldError("signer", "choice_invalid", _("Say whether the elder or family signs."))
        )
    if len(note) > 500:
        errors.append(FieldError("note", "too_long", _("The text is too long.")))
    if (
        isinstance(follow_up_days, bool)
        or not isinstance(follow_up_days, int)
        or not 1 <= follow_up_days <= 365
    ):
        errors.append(
            FieldError("follow_up_days", "days_invalid", _("The follow-up is 1 to 365 days later."))
        )
    with transaction.atomic():
        locked = _locked(case)
        target = check_transition(locked, Action.ACCEPT)
        error = _date_error("accepted_on", day, earliest=locked.works_started_on)
        if error:
            errors.append(error)
        checked = {str(i) for i in checked_item_ids}
        unchecked = [i for i in locked.items.all() if str(i.pk) not in checked]
        if unchecked:
            errors.append(
                FieldError(
                    "checked_item_ids",
                    codes.ITEMS_NOT_CHECKED,
                    _("Check every plan item as done before acceptance; not checked: %(items)s.")
                    % {"items": "、".join(i.name for i in unchecked)},
                )
            )
        if errors:
            raise ValidationFailed(errors)
        for reservation_id in locked.reservation_ids:
            reservation = subsidy_selectors.reservation_get_for(
                actor=ctx.actor, reservation_id=reservation_id
            )
            if reservation.status == "reserved":
                subsidies.commit(ctx=ctx, reservation=reservation)
        locked.status = target
        locked.accepted_on = day
        locked.signed_by = signed_by
        locked.signer = signer
        locked.acceptance_note = note
        locked.follow_up_due_on = day + dt.timedelta(days=follow_up_days)
        locked.save()
        _audit(
            ctx,
            locked,
            f"accept {day}, signed by {signer}",
            changes={"status": [Status.IN_WORKS, target]},
        )
    return _refresh(case, locked)


def case_follow_up(
    *,
    ctx: AuditContext,
    case: AdaptationCase,
    outcome: str,
    visited_on: dt.date | None = None,
    note: str = "",
) -> AdaptationCase:
    """accepted → followed up: the visit on or after its due date, with the outcome."""
    _require(ctx, case.region_id)
    day = visited_on or timezone.localdate()
    note = (note or "").strip()
    errors = _text_errors({"note": note})
    if outcome not in Outcome.values:
        errors.append(FieldError("outcome", "choice_invalid", _("Choose the outcome.")))
    if outcome == Outcome.PROBLEM and not note:
        errors.append(FieldError("note", "required", _("Describe the problem.")))
    if len(note) > 500:
        errors.append(FieldError("note", "too_long", _("The text is too long.")))
    with transaction.atomic():
        locked = _locked(case)
        target = check_transition(locked, Action.FOLLOW_UP)
        error = _date_error("visited_on", day, earliest=locked.accepted_on)
        if error:
            errors.append(error)
        elif locked.follow_up_due_on and day < locked.follow_up_due_on:
            errors.append(
                FieldError(
                    "visited_on",
                    codes.FOLLOW_UP_TOO_EARLY,
                    _("The follow-up visit is due on %(date)s, not before.")
                    % {"date": locked.follow_up_due_on.isoformat()},
                )
            )
        if errors:
            raise ValidationFailed(errors)
        locked.status = target
        locked.followed_up_on = day
        locked.follow_up_outcome = outcome
        locked.follow_up_note = note
        locked.save()
        _audit(
            ctx,
            locked,
            f"follow-up {day}: {outcome}",
            changes={"status": [Status.ACCEPTED, target]},
        )
    return _refresh(case, locked)


def case_cancel(*, ctx: AuditContext, case: AdaptationCase, reason: str) -> AdaptationCase:
    """Cancel a case before acceptance, with a reason; a reserved subsidy is released."""
    from silvercare.subsidies import selectors as subsidy_selectors
    from silvercare.subsidies import services as subsidies

    _require(ctx, case.region_id)
    reason = (reason or "").strip()
    errors = _text_errors({"reason": reason})
    if not reason or len(reason) > 300:
        errors.append(
            FieldError(
                "reason", codes.REASON_REQUIRED, _("Give the reason (up to 300 characters).")
            )
        )
    with transaction.atomic():
        locked = _locked(case)
        previous = locked.status
        target = check_transition(locked, Action.CANCEL)
        if errors:
            raise ValidationFailed(errors)
        for reservation_id in locked.reservation_ids:
            reservation = subsidy_selectors.reservation_get_for(
                actor=ctx.actor, reservation_id=reservation_id
            )
            if reservation.status == "reserved":
                subsidies.release(ctx=ctx, reservation=reservation)
        locked.status = target
        locked.cancelled_at = timezone.now()
        locked.cancel_reason = reason
        locked.save()
        _audit(ctx, locked, f"cancel: {reason}", changes={"status": [previous, target]})
    return _refresh(case, locked)
