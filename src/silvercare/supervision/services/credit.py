"""Credit: subjects, events, score models (versions, as data), grades with their history,
the blacklist and its appeals."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.models import RoleGrant
from silvercare.accounts.roles import Perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.regions.models import Region
from silvercare.supervision import error_codes as codes
from silvercare.supervision import scoring
from silvercare.supervision.choices import (
    INDIVIDUAL_ROLES,
    AppealStatus,
    BlacklistStatus,
    EventSource,
    GradeReason,
    SubjectKind,
)
from silvercare.supervision.models import (
    BlacklistEntry,
    CreditEvent,
    CreditSubject,
    GradeChange,
    ScoreModel,
)
from silvercare.supervision.services._base import audit, require, text_errors


def ancestor_codes(code: str) -> list[str]:
    """The code and the codes of the regions above it, nearest first (statistical codes pad
    the lower levels with zeros)."""
    out = []
    for keep in (12, 9, 6, 4, 2):
        candidate = code[:keep].ljust(12, "0")
        if candidate not in out:
            out.append(candidate)
    return out


def score_model_for(region_code: str) -> ScoreModel | None:
    """The newest version of the nearest region's model, or None (the built-in applies)."""
    found = {
        m.region_id: m
        for m in ScoreModel.objects.filter(region_id__in=ancestor_codes(region_code)).order_by(
            "region_id", "version"
        )
    }
    for code in ancestor_codes(region_code):
        if code in found:
            return found[code]
    return None


def model_data(model: ScoreModel | None) -> dict[str, Any]:
    return model.as_data() if model is not None else scoring.BUILT_IN


# --- Subjects ---------------------------------------------------------------------------


def subject_for_enterprise(enterprise: Any) -> CreditSubject:
    subject, _created = CreditSubject.objects.get_or_create(
        enterprise=enterprise,
        defaults={
            "kind": SubjectKind.ENTERPRISE,
            "name": str(enterprise.name)[:200],
            "region_id": enterprise.region_id,
        },
    )
    return subject


def subject_for_user(user: Any, kind: str) -> CreditSubject:
    """The credit record of a person holding a caregiver, consultant or rental-operator role;
    their area is that role's grant."""
    if kind not in INDIVIDUAL_ROLES:
        raise ValidationFailed([FieldError("kind", codes.SUBJECT_INVALID, _("Choose a kind."))])
    existing = CreditSubject.objects.filter(user=user).first()
    if existing is not None:
        return existing
    grant = RoleGrant.objects.filter(user=user, role=kind).order_by("pk").first()
    if grant is None:
        raise ValidationFailed(
            [
                FieldError(
                    "user_id",
                    codes.SUBJECT_INVALID,
                    _("This person does not hold that role."),
                )
            ]
        )
    name = str(getattr(user, "display_name", "") or user.username)
    subject, _created = CreditSubject.objects.get_or_create(
        user=user, defaults={"kind": kind, "name": name[:200], "region_id": grant.region_id}
    )
    return subject


def individuals_in(prefixes: list[str], kind: str) -> list[Any]:
    """Active people holding ``kind`` in one of the region prefixes (for the subject picker)."""
    if kind not in INDIVIDUAL_ROLES or not prefixes:
        return []
    grants = RoleGrant.objects.filter(role=kind, user__is_active=True).select_related("user")
    users: dict[int, Any] = {}
    for grant in grants:
        if any(grant.region_id.startswith(p) for p in prefixes):
            users.setdefault(grant.user_id, grant.user)
    return sorted(users.values(), key=lambda u: u.username)


# --- Grades -----------------------------------------------------------------------------


def subject_regrade(
    subject: CreditSubject, *, reason: str, on: dt.date | None = None
) -> GradeChange | None:
    """Recompute the subject's score; record a history row when score or grade changed."""
    day = on or timezone.localdate()
    current = CreditSubject.objects.select_for_update().get(pk=subject.pk)
    model = score_model_for(current.region_id)
    events = list(current.events.values_list("category", "occurred_on"))
    result = scoring.score(model_data(model), events, day)
    if current.score == result.score and current.grade == result.grade:
        return None
    change = GradeChange.objects.create(
        subject=current,
        score=result.score,
        grade=result.grade,
        previous_grade=current.grade,
        model=model,
        reason=reason if current.grade else GradeReason.FIRST,
        at=timezone.now(),
    )
    current.score = result.score
    current.grade = result.grade
    current.graded_at = change.at
    current.save(update_fields=["score", "grade", "graded_at", "updated_at"])
    subject.score, subject.grade, subject.graded_at = (
        current.score,
        current.grade,
        current.graded_at,
    )
    return change


def credit_event_record(
    *,
    ctx: AuditContext,
    subject: CreditSubject,
    category: str,
    occurred_on: dt.date,
    source: str,
    evidence: str,
    reference: str = "",
    inspection: Any = None,
) -> CreditEvent:
    require(ctx, Perm.SUPERVISION_MANAGE, subject.region_id)
    model = model_data(score_model_for(subject.region_id))
    errors = text_errors(
        {"evidence": evidence, "reference": reference},
        multiline=("evidence",),
        required=("evidence",),
    )
    if category not in scoring.category_points(model):
        errors.append(
            FieldError("category", codes.CATEGORY_UNKNOWN, _("Choose a category of the model."))
        )
    if source not in EventSource.values:
        errors.append(FieldError("source", "choice_invalid", _("Choose a source.")))
    if occurred_on > timezone.localdate():
        errors.append(FieldError("occurred_on", codes.DATES_INVALID, _("This date is to come.")))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        event = CreditEvent.objects.create(
            subject=subject,
            region_id=subject.region_id,
            category=category,
            occurred_on=occurred_on,
            source=source,
            evidence=evidence.strip()[:2000],
            reference=reference.strip()[:100],
            inspection=inspection,
            recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        change = subject_regrade(subject, reason=GradeReason.EVENT_ADDED)
        audit(
            ctx,
            entity_id=f"credit_event:{event.pk}",
            region_code=subject.region_id,
            message=gettext_noop("Credit event %(category)s recorded for %(name)s"),
            params={"category": category, "name": subject.name},
            action=AuditAction.CREATE,
            changes={"grade": [change.previous_grade, change.grade]} if change else None,
        )
    return event


def score_model_publish(
    *,
    ctx: AuditContext,
    region_code: str,
    base_score: int,
    half_life_months: int,
    categories: list[dict[str, Any]],
    thresholds: list[dict[str, Any]],
    note: str = "",
) -> ScoreModel:
    """A new version of the region's model; every subject under the region is re-graded."""
    region = Region.objects.filter(code=region_code, level__in=(1, 2, 3)).first()
    if region is None:
        raise ValidationFailed(
            [FieldError("region_code", codes.REGION_INVALID, _("Choose a city or district."))]
        )
    require(ctx, Perm.SUPERVISION_MANAGE, region.code)
    errors = text_errors({"note": note})
    for index, category in enumerate(categories):
        errors += text_errors(
            {f"categories.{index}.{key}": str(category[key]) for key in ("code", "label")}
        )
    data = {
        "base_score": base_score,
        "half_life_months": half_life_months,
        "categories": [
            {"code": c["code"].strip(), "label": c["label"].strip(), "points": int(c["points"])}
            for c in categories
        ],
        "thresholds": [
            {"grade": t["grade"].strip(), "min": None if t["min"] is None else int(t["min"])}
            for t in thresholds
        ],
    }
    messages = {
        "empty": _("List at least one category."),
        "duplicate": _("Each code and grade may appear once."),
        "no_catch_all": _("The last grade has no minimum: it catches every lower score."),
        "not_descending": _("List the grades from the highest minimum down."),
    }
    for field, problem in scoring.model_errors(data):
        errors.append(FieldError(field, codes.MODEL_INVALID, messages[problem]))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        latest = ScoreModel.objects.filter(region=region).aggregate(v=Max("version"))["v"] or 0
        model = ScoreModel.objects.create(
            region=region,
            version=latest + 1,
            base_score=base_score,
            half_life_months=half_life_months,
            categories=data["categories"],
            thresholds=data["thresholds"],
            note=note.strip()[:200],
            created_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        changed = 0
        for subject in CreditSubject.objects.filter(region__code__startswith=region.prefix):
            if subject_regrade(subject, reason=GradeReason.MODEL_CHANGED) is not None:
                changed += 1
        audit(
            ctx,
            entity_id=f"score_model:{model.pk}",
            region_code=region.code,
            message=gettext_noop(
                "Score model version %(version)s published; %(changed)s grades changed"
            ),
            params={"version": model.version, "changed": changed},
            action=AuditAction.CREATE,
        )
    return model


# --- Blacklist and appeals --------------------------------------------------------------


def _active_listing(subject: CreditSubject, on: dt.date) -> BlacklistEntry | None:
    for entry in subject.listings.filter(status=BlacklistStatus.LISTED):
        if entry.ends_on is None or entry.ends_on >= on:
            return entry
    return None


def blacklist_add(
    *,
    ctx: AuditContext,
    subject: CreditSubject,
    reason: str,
    starts_on: dt.date,
    ends_on: dt.date | None,
) -> BlacklistEntry:
    require(ctx, Perm.SUPERVISION_MANAGE, subject.region_id)
    errors = text_errors({"reason": reason}, multiline=("reason",), required=("reason",))
    if ends_on is not None and ends_on < starts_on:
        errors.append(
            FieldError("ends_on", codes.DATES_INVALID, _("The end comes before the start."))
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        CreditSubject.objects.select_for_update().get(pk=subject.pk)
        if _active_listing(subject, starts_on) is not None:
            raise DomainError(
                code=codes.BLACKLIST_ACTIVE,
                status=409,
                message=_("This subject is already on the blacklist."),
            )
        entry = BlacklistEntry.objects.create(
            subject=subject,
            region_id=subject.region_id,
            reason=reason.strip()[:2000],
            starts_on=starts_on,
            ends_on=ends_on,
            listed_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity_id=f"blacklist:{entry.pk}",
            region_code=subject.region_id,
            message=gettext_noop("%(name)s put on the blacklist"),
            params={"name": subject.name},
            action=AuditAction.CREATE,
        )
    return entry


def appeal_file(
    *, ctx: AuditContext, entry: BlacklistEntry, grounds: str, filed_on: dt.date | None = None
) -> BlacklistEntry:
    """Record the appeal the listed subject filed (on paper or by mail)."""
    require(ctx, Perm.SUPERVISION_MANAGE, entry.region_id)
    errors = text_errors({"grounds": grounds}, multiline=("grounds",), required=("grounds",))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.status != BlacklistStatus.LISTED:
            raise DomainError(
                code=codes.BLACKLIST_LIFTED, status=409, message=_("This listing was lifted.")
            )
        if locked.appeal_status:
            raise DomainError(
                code=codes.APPEAL_EXISTS,
                status=409,
                message=_("An appeal has already been filed against this listing."),
            )
        locked.appeal_status = AppealStatus.FILED
        locked.appeal_text = grounds.strip()[:2000]
        locked.appeal_filed_on = filed_on or timezone.localdate()
        locked.save(update_fields=["appeal_status", "appeal_text", "appeal_filed_on", "updated_at"])
        audit(
            ctx,
            entity_id=f"blacklist:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Appeal filed against the blacklisting of %(name)s"),
            params={"name": locked.subject.name},
        )
    return locked


def appeal_decide(
    *, ctx: AuditContext, entry: BlacklistEntry, granted: bool, reason: str
) -> BlacklistEntry:
    """Decide a filed appeal with a reason; granting it lifts the listing."""
    require(ctx, Perm.SUPERVISION_MANAGE, entry.region_id)
    errors = text_errors({"reason": reason}, multiline=("reason",), required=("reason",))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = BlacklistEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.appeal_status != AppealStatus.FILED:
            raise DomainError(
                code=codes.APPEAL_NONE,
                status=409,
                message=_("There is no undecided appeal against this listing."),
            )
        locked.appeal_status = AppealStatus.GRANTED if granted else AppealStatus.UPHELD
        locked.decision_reason = reason.strip()[:2000]
        locked.decided_at = timezone.now()
        locked.decided_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        if granted:
            locked.status = BlacklistStatus.LIFTED
        locked.save()
        audit(
            ctx,
            entity_id=f"blacklist:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Appeal against the blacklisting of %(name)s: %(decision)s"),
            params={"name": locked.subject.name, "decision": locked.appeal_status},
            changes={"reason": locked.decision_reason},
        )
    return locked
