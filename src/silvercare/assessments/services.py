"""Every write of the assessment capability: booking, answering, scoring, signing,
completing, cancelling, correcting, reassessment triggers and policy (assessor
qualifications are recorded and asked in ``training``)."""

from __future__ import annotations

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_manages
from silvercare.assessments import error_codes as codes
from silvercare.assessments.choices import Reason, Status, TriggerReason
from silvercare.assessments.forms_data import check_forms, scorer_fields, split_registry
from silvercare.assessments.instruments import (
    LTC_QUOTED_GRADING,
    LevelChangeRules,
    ScoringError,
    get_instrument,
    instrument_codes,
    score_record,
)
from silvercare.assessments.instruments.appendix_a import CONTACT_REF, REGISTRY_FIELDS
from silvercare.assessments.models import (
    Assessment,
    AssessmentPolicy,
    ReassessmentTrigger,
)
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common import events
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.elders.choices import ElderStatus
from silvercare.elders.models import Elder
from silvercare.regions.choices import PREFIX_LENGTH

GBT = "gbt42195-2022"


@dataclass(frozen=True)
class PolicyValues:
    reassessment_months: int = 12
    requires_two_assessors: bool = False
    ltc_grading_confirmed: bool = False
    rules: LevelChangeRules = field(default_factory=LevelChangeRules)
    source_region: str | None = None


def policy_for(region_code: str) -> PolicyValues:
    """The most specific policy on the way from the province down to ``region_code``."""
    ancestors = [region_code[:n].ljust(12, "0") for n in PREFIX_LENGTH.values()]
    policies = {p.region_id: p for p in AssessmentPolicy.objects.filter(region_id__in=ancestors)}
    for code in reversed(ancestors):
        policy = policies.get(code)
        if policy is not None:
            return PolicyValues(
                reassessment_months=policy.reassessment_months,
                requires_two_assessors=policy.requires_two_assessors,
                ltc_grading_confirmed=policy.ltc_grading_confirmed,
                rules=LevelChangeRules(
                    coma_level=policy.coma_level,
                    stack_raises=policy.stack_raises,
                    risk_event_threshold=policy.risk_event_threshold,
                    risk_event_counting=policy.risk_event_counting,  # type: ignore[arg-type]
                ),
                source_region=code,
            )
    return PolicyValues()


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def is_qualified(user: Any, on: dt.date) -> bool:
    from silvercare.training.selectors import qualification_valid

    return qualification_valid(user, "assessor", on=on)


def _check_assessor(user: Any, elder: Elder, on: dt.date, field: str) -> FieldError | None:
    if user is None:
        return None
    if not actor_has_perm(user, Perm.ASSESSMENTS_PERFORM, elder.region_id):
        return FieldError(
            field,
            codes.NOT_ASSESSOR,
            _("%(name)s is not an assessor for this elder's area.") % {"name": user},
        )
    if not is_qualified(user, on):
        return FieldError(
            field,
            codes.NOT_QUALIFIED,
            _("%(name)s has no assessor qualification valid on %(day)s.")
            % {"name": user, "day": on},
        )
    return None


def _audit(
    ctx: AuditContext,
    assessment: Assessment,
    action: str,
    summary: str,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type="assessment",
        entity_id=str(assessment.pk),
        region_code=assessment.region_id,
        summary=summary,
        changes=changes,
    )


def _locked(assessment: Assessment, *allowed: str) -> Assessment:
    """Re-read under a row lock and refuse a change in the wrong state."""
    current = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if current.status == Status.COMPLETED:
        raise DomainError(
            code=codes.ASSESSMENT_COMPLETED,
            status=409,
            message=_(
                "A completed assessment cannot change; book a "
                "correction that references it instead."
            ),
        )
    if current.status not in allowed:
        raise DomainError(
            code=codes.WRONG_STATUS,
            status=409,
            message=_("This step is not possible while the assessment is “%(status)s”.")
            % {"status": current.get_status_display()},
        )
    return current


def _require_performer(ctx: AuditContext, assessment: Assessment) -> None:
    actor_id = getattr(ctx.actor, "pk", None)
    if actor_id not in (assessment.assessor_id, assessment.second_assessor_id):
        raise DomainError(
            code=codes.NOT_ASSESSOR,
            status=403,
            message=_("Only the assessors of this assessment may do this."),
        )
    error = _check_assessor(ctx.actor, assessment.elder, timezone.localdate(), "assessor")
    if error:
        raise DomainError(code=error.code, status=403, message=error.message)


def assessment_book(
    *,
    ctx: AuditContext,
    elder: Elder,
    reason: str,
    scheduled_for: dt.date,
    assessor: Any,
    second_assessor: Any = None,
    place: str = "",
    instrument: str = GBT,
    reason_note: str = "",
    corrects: Assessment | None = None,
    correction_reason: str = "",
) -> Assessment:
    if not actor_has_perm(ctx.actor, Perm.ASSESSMENTS_BOOK, elder.region_id):
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("You may not book assessments for this elder."),
        )
    errors: list[FieldError] = []
    if elder.status != ElderStatus.ACTIVE:
        errors.append(
            FieldError("elder", codes.ELDER_NOT_ACTIVE, _("Only active elders are assessed."))
        )
    if reason not in Reason.values:
        errors.append(FieldError("reason", "choice_invalid", _("Choose a reason.")))
    if instrument not in instrument_codes():
        errors.append(
            FieldError(
                "instrument",
                "unknown_instrument",
                _("Unknown instrument %(code)s.") % {"code": instrument},
            )
        )
    if assessor is None:
        errors.append(FieldError("assessor", codes.NOT_ASSESSOR, _("Choose the assessor.")))
    for role_field, user in (("assessor", assessor), ("second_assessor", second_assessor)):
        if user is not None and not actor_has_perm(user, Perm.ASSESSMENTS_PERFORM, elder.region_id):
            # Answered like a missing user: nobody outside the elder's area is named.
            errors.append(FieldError(role_field, "unknown_user", _("Unknown user.")))
            continue
        error = _check_assessor(user, elder, scheduled_for, role_field)
        if error:
            errors.append(error)
    if second_assessor is not None and second_assessor == assessor:
        errors.append(
            FieldError(
                "second_assessor",
                codes.SAME_ASSESSOR,
                _("The second assessor must be another person."),
            )
        )
    if corrects is not None:
        if corrects.elder_id != elder.pk or corrects.status != Status.COMPLETED:
            errors.append(
                FieldError(
                    "corrects",
                    codes.CORRECTS_INVALID,
                    _("Only a completed assessment of the same elder can be corrected."),
                )
            )
        if not correction_reason.strip():
            errors.append(
                FieldError(
                    "correction_reason",
                    codes.CORRECTION_REASON_REQUIRED,
                    _("Say why the earlier assessment is corrected."),
                )
            )
    if errors:
        raise ValidationFailed(errors)
    policy = policy_for(elder.region_id)
    with transaction.atomic():
        assessment = Assessment.objects.create(
            number=f"{scheduled_for:%Y%m%d}-{elder.region_id[6:]}-{uuid.uuid4().hex[:6]}",
            elder=elder,
            region_id=elder.region_id,
            instrument=instrument,
            reason=reason,
            reason_note=reason_note[:200],
            scheduled_for=scheduled_for,
            place=place[:100],
            booked_by=ctx.actor,
            assessor=assessor,
            second_assessor=second_assessor,
            requires_two_assessors=policy.requires_two_assessors and instrument == GBT,
            corrects=corrects,
            correction_reason=correction_reason[:200],
            forms={"A.1.3": reason, "A.1.2": scheduled_for.isoformat()}
            if instrument == GBT
            else {},
        )
        _audit(
            ctx,
            assessment,
            AuditAction.CREATE,
            f"booked {assessment.number}",
            {
                "elder": str(elder.pk),
                "assessor": str(assessor),
                "corrects": str(corrects.pk) if corrects else None,
            },
        )
    return assessment


def _check_items(instrument_code: str, items: Any) -> tuple[dict[str, int], list[FieldError]]:
    instrument = get_instrument(instrument_code)
    errors: list[FieldError] = []
    clean: dict[str, int] = {}
    if not isinstance(items, dict):
        return {}, [FieldError("items", "invalid_field", _("Items must be an object."))]
    for code, score in items.items():
        try:
            item = instrument.item(code)
        except KeyError:
            errors.append(
                FieldError(
                    code,
                    "unknown_item",
                    _("%(code)s is not an item of this instrument.") % {"code": code},
                )
            )
            continue
        if score is None:
            continue
        if (
            isinstance(score, bool)
            or not isinstance(score, int)
            or score not in item.allowed_scores
        ):
            allowed = ", ".join(str(s) for s in sorted(item.allowed_scores))
            errors.append(
                FieldError(
                    code,
                    "invalid_score",
                    _("Score %(score)s is not an option of %(code)s (allowed: %(allowed)s).")
                    % {"score": score, "code": code, "allowed": allowed},
                )
            )
            continue
        clean[code] = score
    return clean, errors


def assessment_save_answers(
    *,
    ctx: AuditContext,
    assessment: Assessment,
    items: dict[str, Any] | None = None,
    forms: dict[str, Any] | None = None,
    update_registry: bool = False,
) -> Assessment:
    """Save progress (any subset of items and form fields). Answering after scoring takes
    the assessment back to "in progress" and clears the result and signatures.

    Appendix A fields the registry holds (name, ID number, contact's phone …) are never
    stored here: equal values change nothing, different ones go to the registry through its
    audited services when ``update_registry`` is set and the actor may edit the registry
    (see ``appendix_registry``); the audit row lists each answer's old and new value."""
    from silvercare.assessments.appendix_registry import registry_apply, registry_plan

    _require_performer(ctx, assessment)
    stored_forms, registry_values = split_registry(forms or {})
    clean_items, errors = _check_items(assessment.instrument, items or {})
    clean_forms, form_errors = check_forms(stored_forms)
    errors += form_errors
    plan = registry_plan(
        ctx=ctx,
        assessment=assessment,
        values=registry_values,
        update_registry=update_registry,
        informant_relationship=clean_forms.get("A.3.2") or assessment.forms.get("A.3.2"),
    )
    errors += plan.errors
    if errors:
        raise ValidationFailed(errors)
    registry_changed = registry_apply(ctx=ctx, assessment=assessment, plan=plan)
    with transaction.atomic():
        current = _locked(assessment, Status.BOOKED, Status.IN_PROGRESS, Status.REVIEW)
        before_items, before_forms = dict(current.items), dict(current.forms)
        cleared = {k for k, v in (items or {}).items() if v is None}
        current.items = {
            k: v for k, v in {**current.items, **clean_items}.items() if k not in cleared
        }
        current.forms = {**current.forms, **clean_forms}
        for code, value in stored_forms.items():
            if value in (None, "", []):
                current.forms.pop(code, None)
        for code in REGISTRY_FIELDS:  # copies written before the registry held them
            current.forms.pop(code, None)
        if plan.contact_ref is not None:
            current.forms[CONTACT_REF] = plan.contact_ref
        elif plan.clear_contact:
            current.forms.pop(CONTACT_REF, None)
        current.status = Status.IN_PROGRESS
        current.result, current.rules = {}, {}
        current.total = current.preliminary_level = current.final_level = None
        current.assessor_signed_at = current.second_assessor_signed_at = None
        current.informant_signed_at = None
        current.save()
        changes: dict[str, Any] = {
            "items": _diff(before_items, current.items),
            "forms": _diff(before_forms, current.forms),
        }
        if registry_changed:
            changes["registry"] = registry_changed
        _audit(ctx, current, AuditAction.UPDATE, "answers saved", changes)
    return current


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{key: [old, new]} for every key whose value changed (None for absent)."""
    return {
        key: [before.get(key), after.get(key)]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def scoring_record(assessment: Assessment) -> dict[str, Any]:
    record: dict[str, Any] = {"instrument": assessment.instrument, "items": assessment.items}
    if assessment.instrument == GBT:
        record.update(scorer_fields(assessment.forms))
    return record


def assessment_submit(*, ctx: AuditContext, assessment: Assessment) -> Assessment:
    """Score with the region's rules: the result, its reasons and the rules are stored."""
    _require_performer(ctx, assessment)
    with transaction.atomic():
        current = _locked(assessment, Status.IN_PROGRESS)
        policy = policy_for(current.region_id)
        try:
            result = score_record(
                scoring_record(current),
                rules=policy.rules,
                ltc_grading=LTC_QUOTED_GRADING if policy.ltc_grading_confirmed else None,
            )
        except ScoringError as exc:
            raise scoring_error_as_validation(exc) from exc
        current.result = result
        current.rules = {
            **policy.rules.to_dict(),
            "reassessment_months": policy.reassessment_months,
            "policy_region": policy.source_region,
        }
        current.total = result.get("total")
        current.preliminary_level = result.get("preliminary_level")
        current.final_level = result.get("final_level")
        current.status = Status.REVIEW
        current.save()
        _audit(
            ctx,
            current,
            AuditAction.UPDATE,
            "scored",
            {"total": current.total, "final_level": current.final_level},
        )
    return current


def scoring_error_as_validation(error: ScoringError) -> ValidationFailed:
    """The scorer's error, in the user's language, with its own code and item."""
    from django.utils.translation import get_language

    message = error.message_en if (get_language() or "").startswith("en") else error.message_zh
    return ValidationFailed([FieldError(error.item or "items", error.code, message)])


def assessment_sign(
    *, ctx: AuditContext, assessment: Assessment, informant_name: str | None = None
) -> Assessment:
    """The acting assessor signs; the informant's name records their signature."""
    _require_performer(ctx, assessment)
    with transaction.atomic():
        current = _locked(assessment, Status.REVIEW)
        now = timezone.now()
        if ctx.actor.pk == current.assessor_id:
            current.assessor_signed_at = now
        else:
            current.second_assessor_signed_at = now
        if informant_name is not None and informant_name.strip():
            current.informant_name = informant_name.strip()[:50]
            current.informant_signed_at = now
        current.save()
        _audit(ctx, current, AuditAction.UPDATE, "signed", {"by": str(ctx.actor)})
    return current


def assessment_complete(*, ctx: AuditContext, assessment: Assessment) -> Assessment:
    _require_performer(ctx, assessment)
    with transaction.atomic():
        current = _locked(assessment, Status.REVIEW)
        missing: list[FieldError] = []
        if current.assessor_signed_at is None:
            missing.append(
                FieldError("assessor", codes.SIGNATURE_MISSING, _("The assessor has not signed."))
            )
        if current.requires_two_assessors:
            if current.second_assessor_id is None:
                missing.append(
                    FieldError(
                        "second_assessor",
                        codes.SECOND_ASSESSOR_REQUIRED,
                        _("This area requires two assessors."),
                    )
                )
            elif current.second_assessor_signed_at is None:
                missing.append(
                    FieldError(
                        "second_assessor",
                        codes.SIGNATURE_MISSING,
                        _("The second assessor has not signed."),
                    )
                )
        if current.informant_signed_at is None:
            missing.append(
                FieldError(
                    "informant_name",
                    codes.SIGNATURE_MISSING,
                    _("Record the informant who confirmed the answers."),
                )
            )
        if missing:
            raise ValidationFailed(missing)
        now = timezone.now()
        months = int(current.rules.get("reassessment_months", 12))
        current.status = Status.COMPLETED
        current.completed_at = now
        current.next_due_on = add_months(timezone.localdate(now), months)
        current.save()
        ReassessmentTrigger.objects.filter(
            elder_id=current.elder_id, resolved_by__isnull=True
        ).update(resolved_by=current)
        _audit(
            ctx,
            current,
            AuditAction.UPDATE,
            f"completed: level {current.final_level}",
            {"status": ["review", "completed"], "final_level": current.final_level},
        )
        if current.instrument == GBT and current.final_level is not None:
            events.publish_on_commit(
                events.ASSESSMENT_COMPLETED,
                elder_id=str(current.elder_id),
                level=current.final_level,
                assessed_at=now,
                due_on=current.next_due_on,
            )
    return current


def assessment_cancel(*, ctx: AuditContext, assessment: Assessment, note: str = "") -> Assessment:
    if not actor_has_perm(ctx.actor, Perm.ASSESSMENTS_BOOK, assessment.region_id):
        raise DomainError(
            code="permission_denied", status=403, message=_("You may not cancel this assessment.")
        )
    with transaction.atomic():
        current = _locked(assessment, Status.BOOKED, Status.IN_PROGRESS, Status.REVIEW)
        current.status = Status.CANCELLED
        current.reason_note = (current.reason_note + " " + note).strip()[:200]
        current.save()
        _audit(ctx, current, AuditAction.UPDATE, "cancelled", {"note": note})
    return current


def trigger_add(
    *, ctx: AuditContext, elder: Elder, reason: str, due_on: dt.date | None = None, note: str = ""
) -> ReassessmentTrigger:
    """An event that brings the next assessment forward (due at once by default)."""
    if not actor_has_perm(ctx.actor, Perm.ASSESSMENTS_BOOK, elder.region_id):
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("You may not request reassessments for this elder."),
        )
    if reason not in TriggerReason.values:
        raise ValidationFailed([FieldError("reason", "choice_invalid", _("Choose a reason."))])
    due = due_on or timezone.localdate()
    with transaction.atomic():
        trigger = ReassessmentTrigger.objects.create(
            elder=elder, reason=reason, due_on=due, note=note[:200], created_by=ctx.actor
        )
        audit_record(
            ctx=ctx,
            action=AuditAction.CREATE,
            entity_type="elder",
            entity_id=str(elder.pk),
            region_code=elder.region_id,
            summary=f"reassessment requested: {reason}",
            changes={"reassessment_due_on": [None, due.isoformat()]},
        )
        events.publish_on_commit(events.REASSESSMENT_TRIGGERED, elder_id=str(elder.pk), due_on=due)
    return trigger


def policy_save(*, ctx: AuditContext, policy: AssessmentPolicy, changed: list[str]) -> None:
    """Save a region's assessment policy (from the back office) and audit what changed."""
    if not actor_manages(ctx.actor, policy.region_id):
        raise DomainError(
            code="permission_denied",
            status=403,
            message=_("You may not change this region's assessment rules."),
        )
    with transaction.atomic():
        policy.save()
        audit_record(
            ctx=ctx,
            action=AuditAction.UPDATE,
            entity_type="assessment_policy",
            entity_id=str(policy.pk),
            region_code=policy.region_id,
            summary=f"assessment policy {policy.region_id}",
            changes={name: [None, str(getattr(policy, name))] for name in changed},
        )
