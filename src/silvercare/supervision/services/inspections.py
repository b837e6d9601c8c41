"""Random inspections (双随机一公开): draws over the registry's pools, conflicts of interest,
results recorded by the inspectors, publication."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop

from silvercare.accounts.models import RoleGrant
from silvercare.accounts.roles import Perm, Role
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.regions.choices import code_prefix
from silvercare.regions.models import Region
from silvercare.supervision import draw as algorithm
from silvercare.supervision import error_codes as codes
from silvercare.supervision.choices import (
    OUTCOME_CATEGORY,
    DrawStatus,
    EventSource,
    GradeReason,
    InspectionStatus,
    Outcome,
)
from silvercare.supervision.models import (
    ConflictDeclaration,
    CreditEvent,
    CreditSubject,
    Inspection,
    InspectionDraw,
)
from silvercare.supervision.services._base import audit, require, text_errors
from silvercare.supervision.services.credit import (
    model_data,
    score_model_for,
    subject_for_enterprise,
    subject_regrade,
)

ENTERPRISE = "enterprise"
DRAW_LEVELS = (2, 3, 4)


def target_kinds() -> list[str]:
    from silvercare.industry.choices import FacilityKind

    return [ENTERPRISE, *FacilityKind.values]


def _key(kind: str, pk: Any) -> str:
    return f"{ENTERPRISE if kind == ENTERPRISE else 'facility'}:{pk}"


def employment_prefixes(grant_region: Region) -> tuple[str, ...]:
    """Where an inspector is employed, from their inspector grant: the district, street or
    community the grant names. A city- or province-wide grant ties them to no locality."""
    if grant_region.level < 3:
        return ()
    return (code_prefix(grant_region.code, grant_region.level),)


def inspector_pool(region: Region) -> list[dict[str, Any]]:
    """Active users holding the inspector role over or inside the region, with the prefixes
    of their employment."""
    prefix = region.prefix
    people: dict[int, dict[str, Any]] = {}
    grants = RoleGrant.objects.filter(role=Role.INSPECTOR, user__is_active=True).select_related(
        "user", "region"
    )
    for grant in grants:
        own = code_prefix(grant.region.code, grant.region.level)
        if not (own.startswith(prefix) or prefix.startswith(own)):
            continue
        entry = people.setdefault(
            grant.user_id,
            {
                "key": f"user:{grant.user_id}",
                "name": str(grant.user.display_name or grant.user.username),
                "employment": [],
            },
        )
        for p in employment_prefixes(grant.region):
            if p not in entry["employment"]:
                entry["employment"].append(p)
    for entry in people.values():
        entry["employment"].sort()
    return sorted(people.values(), key=lambda e: e["key"])


def target_pool(actor: Any, region: Region, kinds: list[str]) -> list[dict[str, Any]]:
    """The registry's active targets of the kinds in the region, with their credit grade (a
    facility carries its operator's grade)."""
    from silvercare.industry import selectors as industry

    found = industry.inspection_targets(region_code=region.code, kinds=kinds)
    facility_ids = [t.id for t in found if t.kind != ENTERPRISE]
    operators: dict[str, str] = {
        str(pk): (str(operator) if operator else "")
        for pk, operator in industry.facilities_visible(actor, perm=Perm.INDUSTRY_VIEW)
        .filter(pk__in=facility_ids)
        .values_list("pk", "operator_id")
    }
    enterprise_ids = {t.id for t in found if t.kind == ENTERPRISE} | {
        v for v in operators.values() if v
    }
    grades = {
        str(e): g
        for e, g in CreditSubject.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", "grade"
        )
    }
    out = []
    for t in found:
        owner = t.id if t.kind == ENTERPRISE else operators.get(t.id, "")
        out.append(
            {
                "key": _key(t.kind, t.id),
                "name": t.name,
                "kind": t.kind,
                "region": t.region_code,
                "grade": grades.get(owner, "") if owner else "",
            }
        )
    return sorted(out, key=lambda t: t["key"])


def conflicts_for(
    targets: list[dict[str, Any]], inspectors: list[dict[str, Any]], *, months: int, now: Any
) -> list[list[str]]:
    """[inspector, target, why] for declared relationships and inspections of the same
    target by the same inspector in the last ``months`` months."""
    target_keys = {t["key"] for t in targets}
    inspector_ids = [int(i["key"].split(":")[1]) for i in inspectors]
    pairs: set[tuple[str, str, str]] = set()
    for d in ConflictDeclaration.objects.filter(inspector_id__in=inspector_ids):
        key = _key(ENTERPRISE, d.enterprise_id) if d.enterprise_id else f"facility:{d.facility_id}"
        if key in target_keys:
            pairs.add((f"user:{d.inspector_id}", key, "declared"))
    since = now - dt.timedelta(days=round(months * 30.4375))
    recent = Inspection.objects.filter(
        draw__drawn_at__gte=since, target_key__in=target_keys
    ).prefetch_related("inspectors")
    for inspection in recent:
        for person in inspection.inspectors.all():
            if person.pk in inspector_ids:
                pairs.add((f"user:{person.pk}", inspection.target_key, "recent"))
    return [list(p) for p in sorted(pairs)]


_REFUSALS = {
    "empty_target_pool": (
        codes.DRAW_EMPTY_POOL,
        _lazy(
            "There are no active enterprises or facilities of these kinds in this area: "
            "there is nothing to draw from."
        ),
    ),
    "empty_inspector_pool": (
        codes.DRAW_NO_INSPECTORS,
        _lazy("There are no inspectors for this area: nobody to draw."),
    ),
    "nothing_selected": (
        codes.DRAW_NOTHING_SELECTED,
        _lazy("With these ratios no target would be drawn."),
    ),
}


def _refusal(refused: algorithm.DrawRefusedError) -> DomainError:
    if refused.code == "not_enough_inspectors":
        return DomainError(
            code=codes.DRAW_NOT_ENOUGH_INSPECTORS,
            status=422,
            message=_(
                "%(target)s has only %(eligible)s inspectors without a conflict of interest; "
                "%(needed)s are needed."
            )
            % refused.params,
        )
    code, message = _REFUSALS[refused.code]
    return DomainError(code=code, status=422, message=str(message))


def draw_create(
    *,
    ctx: AuditContext,
    title: str,
    region_code: str,
    kinds: list[str],
    default_bp: int,
    by_grade: dict[str, int] | None = None,
    inspectors_per_target: int = 2,
    relationship_months: int = 12,
    seed: str | None = None,
    now: dt.datetime | None = None,
) -> InspectionDraw:
    """Draw targets and inspectors; the seed, pools, ratios and algorithm are recorded with
    the result so anyone can re-run it. A draw the pools cannot give is refused. ``now`` is
    for the demo's past draws (and tests); it also dates the recent-relationship window."""
    region = Region.objects.filter(code=region_code, level__in=DRAW_LEVELS).first()
    errors: list[FieldError] = []
    if region is None:
        errors.append(
            FieldError("region_code", codes.REGION_INVALID, _("Choose a city, district or street."))
        )
    else:
        require(ctx, Perm.SUPERVISION_MANAGE, region.code)
    errors += text_errors({"title": title}, required=("title",))
    allowed = target_kinds()
    if not kinds or any(k not in allowed for k in kinds):
        errors.append(FieldError("kinds", codes.KINDS_INVALID, _("Choose the kinds of target.")))
    grade_ratios = {str(g).strip(): int(bp) for g, bp in (by_grade or {}).items()}
    for bp in (default_bp, *grade_ratios.values()):
        if not 0 <= bp <= 10000:
            errors.append(
                FieldError("ratios", codes.RATIO_INVALID, _("A ratio is between 0 and 100 %."))
            )
            break
    if any(not g or len(g) > 4 or not g.isalnum() for g in grade_ratios):
        errors.append(FieldError("ratios", codes.RATIO_INVALID, _("Name each grade.")))
    if not 1 <= inspectors_per_target <= 5:
        errors.append(
            FieldError(
                "inspectors_per_target",
                codes.RATIO_INVALID,
                _("Between one and five inspectors per target."),
            )
        )
    if not 0 <= relationship_months <= 60:
        errors.append(
            FieldError("relationship_months", codes.RATIO_INVALID, _("Between 0 and 60 months."))
        )
    if seed is not None and not (
        16 <= len(seed) <= 64 and all(ch in "0123456789abcdef" for ch in seed)
    ):
        errors.append(
            FieldError("seed", codes.RATIO_INVALID, _("A seed is 16 to 64 lowercase hex digits."))
        )
    if errors:
        raise ValidationFailed(errors)
    assert region is not None
    now = now or timezone.now()
    chosen_kinds = sorted(set(kinds))
    targets = target_pool(ctx.actor, region, chosen_kinds)
    inspectors = inspector_pool(region)
    pools: dict[str, Any] = {
        "targets": targets,
        "inspectors": inspectors,
        "conflicts": conflicts_for(targets, inspectors, months=relationship_months, now=now),
    }
    ratios = {"default_bp": int(default_bp), "by_grade": grade_ratios}
    the_seed = seed or secrets.token_hex(32)
    try:
        result = algorithm.run(
            seed=the_seed,
            targets=pools["targets"],
            inspectors=pools["inspectors"],
            conflicts=pools["conflicts"],
            ratios=ratios,
            inspectors_per_target=inspectors_per_target,
        )
    except algorithm.DrawRefusedError as refused:
        raise _refusal(refused) from None
    names = {i["key"]: i["name"] for i in inspectors}
    by_key = {t["key"]: t for t in targets}
    with transaction.atomic():
        made = InspectionDraw.objects.create(
            title=title.strip()[:120],
            region=region,
            target_kinds=chosen_kinds,
            ratios=ratios,
            inspectors_per_target=inspectors_per_target,
            relationship_months=relationship_months,
            seed=the_seed,
            algorithm=algorithm.ALGORITHM,
            pools=pools,
            pools_digest=algorithm.digest(pools),
            result=result,
            drawn_at=now,
            drawn_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        for position, selection in enumerate(result["selections"], start=1):
            target = by_key[selection["target"]]
            kind, pk = selection["target"].split(":", 1)
            inspection = Inspection.objects.create(
                draw=made,
                position=position,
                target_key=selection["target"],
                target_name=target["name"][:200],
                target_kind=target["kind"],
                grade=target["grade"],
                enterprise_id=pk if kind == ENTERPRISE else None,
                facility_id=pk if kind != ENTERPRISE else None,
                region_id=target["region"],
                inspector_names=[names[k] for k in selection["inspectors"]],
            )
            inspection.inspectors.set([int(k.split(":")[1]) for k in selection["inspectors"]])
        audit(
            ctx,
            entity_id=f"draw:{made.pk}",
            region_code=region.code,
            message=gettext_noop("Inspection draw made: %(title)s, %(targets)s targets"),
            params={"title": made.title, "targets": len(result["selections"])},
            action=AuditAction.CREATE,
            changes={
                "seed": the_seed,
                "pools_digest": made.pools_digest,
                "result_digest": algorithm.digest(result),
                "algorithm": algorithm.ALGORITHM,
            },
        )
    return made


def inspection_record(
    *,
    ctx: AuditContext,
    inspection: Inspection,
    outcome: str,
    findings: str,
    inspected_on: dt.date,
    correction_deadline: dt.date | None = None,
) -> Inspection:
    """An assigned inspector records the result; a graded outcome becomes a credit event of
    the target's enterprise (its operator, for a facility)."""
    actor = ctx.actor
    if (
        not actor_has_perm(actor, Perm.SUPERVISION_INSPECT)
        or not inspection.inspectors.filter(pk=getattr(actor, "pk", 0) or 0).exists()
    ):
        raise DomainError(
            code=codes.NOT_YOUR_INSPECTION,
            status=403,
            message=_("Only an inspector assigned to this inspection records its result."),
        )
    errors = text_errors({"findings": findings}, multiline=("findings",), required=("findings",))
    if outcome not in Outcome.values:
        errors.append(FieldError("outcome", "choice_invalid", _("Choose an outcome.")))
    today = timezone.localdate()
    if inspected_on > today or inspected_on < inspection.draw.drawn_at.date():
        errors.append(
            FieldError(
                "inspected_on",
                codes.DATES_INVALID,
                _("The inspection date lies between the draw and today."),
            )
        )
    if outcome == Outcome.CORRECTION and correction_deadline is None:
        errors.append(
            FieldError(
                "correction_deadline",
                codes.DEADLINE_REQUIRED,
                _("Set the date by which the correction is due."),
            )
        )
    if correction_deadline is not None and correction_deadline < inspected_on:
        errors.append(
            FieldError(
                "correction_deadline",
                codes.DATES_INVALID,
                _("The deadline comes before the inspection."),
            )
        )
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if locked.status == InspectionStatus.DONE:
            raise DomainError(
                code=codes.INSPECTION_DONE,
                status=409,
                message=_("The result of this inspection has already been recorded."),
            )
        locked.status = InspectionStatus.DONE
        locked.outcome = outcome
        locked.findings = findings.strip()[:4000]
        locked.inspected_on = inspected_on
        locked.correction_deadline = correction_deadline if outcome == "correction" else None
        locked.recorded_by = actor if getattr(actor, "pk", None) else None
        locked.save()
        _credit_from(locked, ctx)
        audit(
            ctx,
            entity_id=f"inspection:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Inspection result for %(target)s: %(outcome)s"),
            params={"target": locked.target_name, "outcome": outcome},
        )
    return locked


def _credit_from(inspection: Inspection, ctx: AuditContext) -> None:
    enterprise = inspection.enterprise
    if enterprise is None and inspection.facility is not None:
        enterprise = inspection.facility.operator
    category = OUTCOME_CATEGORY.get(inspection.outcome)
    if enterprise is None or category is None:
        return
    subject = subject_for_enterprise(enterprise)
    model = model_data(score_model_for(subject.region_id))
    if category not in {c["code"] for c in model["categories"]}:
        return
    assert inspection.inspected_on is not None
    CreditEvent.objects.create(
        subject=subject,
        region_id=subject.region_id,
        category=category,
        occurred_on=inspection.inspected_on,
        source=EventSource.INSPECTION,
        reference=f"{inspection.draw_id}/{inspection.position}",
        evidence=inspection.findings,
        inspection=inspection,
        recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
    )
    subject_regrade(subject, reason=GradeReason.EVENT_ADDED)


def draw_publish(*, ctx: AuditContext, draw: InspectionDraw) -> InspectionDraw:
    """Publish the draw and its results on the public page, once every result is in."""
    require(ctx, Perm.SUPERVISION_MANAGE, draw.region_id)
    with transaction.atomic():
        locked = InspectionDraw.objects.select_for_update().get(pk=draw.pk)
        if locked.status == DrawStatus.PUBLISHED:
            raise DomainError(
                code=codes.DRAW_PUBLISHED, status=409, message=_("This draw is already public.")
            )
        if locked.inspections.exclude(status=InspectionStatus.DONE).exists():
            raise DomainError(
                code=codes.DRAW_OPEN_INSPECTIONS,
                status=409,
                message=_("Some inspections of this draw have no result yet."),
            )
        locked.status = DrawStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at", "updated_at"])
        audit(
            ctx,
            entity_id=f"draw:{locked.pk}",
            region_code=locked.region_id,
            message=gettext_noop("Inspection results published: %(title)s"),
            params={"title": locked.title},
        )
    return locked


def conflict_declare(
    *, ctx: AuditContext, enterprise: Any = None, facility: Any = None, reason: str
) -> ConflictDeclaration:
    """An inspector declares a relationship with an enterprise or facility; draws skip it."""
    if not actor_has_perm(ctx.actor, Perm.SUPERVISION_INSPECT):
        raise DomainError(
            code=codes.PERMISSION_DENIED, status=403, message=_("Only inspectors declare this.")
        )
    errors = text_errors({"reason": reason}, required=("reason",))
    if (enterprise is None) == (facility is None):
        errors.append(
            FieldError("target", codes.SUBJECT_INVALID, _("Choose an enterprise or a facility."))
        )
    if errors:
        raise ValidationFailed(errors)
    target = enterprise or facility
    with transaction.atomic():
        declaration = ConflictDeclaration.objects.create(
            inspector=ctx.actor,
            enterprise=enterprise,
            facility=facility,
            region_id=target.region_id,
            reason=reason.strip()[:200],
        )
        audit(
            ctx,
            entity_id=f"conflict:{declaration.pk}",
            region_code=target.region_id,
            message=gettext_noop("Conflict of interest declared with %(target)s"),
            params={"target": target.name},
            action=AuditAction.CREATE,
        )
    return declaration


def draw_problems(draw: InspectionDraw) -> list[str]:
    """Re-run the draw from its stored seed and pools: what does not match (empty = match).
    Also checks the pools against the digest written to the audit trail at draw time and the
    inspections against the result."""
    from silvercare.audit.models import AuditEvent
    from silvercare.supervision.selectors import draw_published_data

    problems = algorithm.verify_published(draw_published_data(draw))
    logged = (
        AuditEvent.objects.filter(entity_type="supervision", entity_id=f"draw:{draw.pk}")
        .order_by("pk")
        .first()
    )
    if logged is None or (logged.changes or {}).get("pools_digest") != algorithm.digest(draw.pools):
        problems.append("the pools do not match the digest in the audit trail")
    assigned = [
        {"target": i.target_key, "inspectors": sorted(f"user:{u.pk}" for u in i.inspectors.all())}
        for i in draw.inspections.prefetch_related("inspectors").order_by("position")
    ]
    expected = [
        {"target": s["target"], "inspectors": sorted(s["inspectors"])}
        for s in (draw.result or {}).get("selections", [])
    ]
    if assigned != expected:
        problems.append("the recorded inspections differ from the draw's result")
    return problems
