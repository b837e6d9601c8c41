"""A caregiver's visit at the elder's home: check-in and check-out with the browser's
position (the distance from the home is recorded; far from home or far too short is
flagged for a supervisor, never refused), the task checklist, notes and a photo; the
supervisor's approval of a flagged visit; ratings and complaints by the elder or family."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.homecare import error_codes as codes
from silvercare.homecare.choices import (
    DEFAULT_MIN_DURATION_SHARE,
    ComplaintStatus,
    FeedbackBy,
    Flag,
    VisitStatus,
)
from silvercare.homecare.models import Complaint, Feedback, Visit
from silvercare.homecare.selectors import caregiver_of, haversine_m
from silvercare.homecare.services._base import (
    audit,
    check_texts,
    denied,
    field_error,
    require,
    require_provider,
)
from silvercare.homecare.services.orders import check_transition

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


def _own(ctx: AuditContext, visit: Visit) -> Visit:
    """The visit locked, if it is the acting caregiver's own."""
    require(ctx, Perm.CARE_VISIT, visit.region_id)
    caregiver = caregiver_of(ctx.actor)
    locked = Visit.objects.select_for_update().select_related("elder", "provider").get(pk=visit.pk)
    if caregiver is None or locked.caregiver_id != caregiver.pk:
        raise DomainError(
            code=codes.NOT_YOUR_VISIT, status=403, message=_("This visit is not on your route.")
        )
    return locked


def _distance(visit: Visit, lat: float | None, lon: float | None) -> float | None:
    if lat is None or lon is None:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise field_error("lat", codes.LOCATION_INVALID, _("Give a valid position."))
    elder = visit.elder
    if elder.latitude is None or elder.longitude is None:
        return None
    return round(haversine_m(lat, lon, elder.latitude, elder.longitude), 1)


def _flag_location(visit: Visit, distance: float | None, lat: float | None) -> None:
    flags = set(visit.flags)
    if lat is None:
        flags.add(Flag.NO_LOCATION)
    elif distance is not None and distance > visit.provider.checkin_tolerance_m:
        flags.add(Flag.FAR_FROM_HOME)
    visit.flags = sorted(str(f) for f in flags)


def visit_check_in(
    *,
    ctx: AuditContext,
    visit: Visit,
    lat: float | None,
    lon: float | None,
    at: dt.datetime | None = None,
) -> Visit:
    with transaction.atomic():
        locked = _own(ctx, visit)
        now = at or timezone.now()
        if locked.date != timezone.localtime(now).date():
            raise DomainError(
                code=codes.DATE_INVALID,
                status=409,
                message=_("This visit is planned for %(date)s, not today.")
                % {"date": locked.date.isoformat()},
            )
        check_transition(locked, VisitStatus.IN_PROGRESS)
        distance = _distance(locked, lat, lon)
        locked.status = VisitStatus.IN_PROGRESS
        locked.checked_in_at = now
        locked.check_in_distance_m = distance
        _flag_location(locked, distance, lat)
        locked.save()
        audit(
            ctx,
            entity="visit",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"check-in at {distance} m",
        )
    return locked


def visit_check_out(
    *,
    ctx: AuditContext,
    visit: Visit,
    lat: float | None,
    lon: float | None,
    done: list[str] | None = None,
    notes: str | None = None,
    at: dt.datetime | None = None,
) -> Visit:
    with transaction.atomic():
        locked = _own(ctx, visit)
        check_transition(locked, VisitStatus.COMPLETED)
        now = at or timezone.now()
        distance = _distance(locked, lat, lon)
        if done is not None:
            _set_checklist(locked, done)
        if notes is not None:
            check_texts({"notes": notes}, multiline=("notes",))
            locked.notes = notes
        assert locked.checked_in_at is not None
        seconds = max(0.0, (now - locked.checked_in_at).total_seconds())
        locked.actual_minutes = int(seconds // 60)
        locked.status = VisitStatus.COMPLETED
        locked.checked_out_at = now
        locked.check_out_distance_m = distance
        _flag_location(locked, distance, lat)
        if locked.actual_minutes < locked.duration_min * DEFAULT_MIN_DURATION_SHARE:
            locked.flags = sorted({*locked.flags, str(Flag.TOO_SHORT)})
        locked.save()
        audit(
            ctx,
            entity="visit",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=(
                f"check-out at {distance} m after {locked.actual_minutes} min, flags {locked.flags}"
            ),
        )
    return locked


def _set_checklist(visit: Visit, done: list[str]) -> None:
    allowed = set(visit.service_type.checklist)
    unknown = [item for item in done if item not in allowed]
    if unknown:
        raise field_error(
            "done",
            codes.TEXT_INVALID,
            _("Not a task of this service: %(task)s") % {"task": unknown[0]},
        )
    visit.checklist_done = [item for item in visit.service_type.checklist if item in set(done)]


def visit_checklist_save(
    *, ctx: AuditContext, visit: Visit, done: list[str], notes: str = ""
) -> Visit:
    """Tick tasks and write notes while the visit is under way."""
    with transaction.atomic():
        locked = _own(ctx, visit)
        if locked.status != VisitStatus.IN_PROGRESS:
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("Tasks are ticked while the visit is under way (check in first)."),
            )
        check_texts({"notes": notes}, multiline=("notes",))
        _set_checklist(locked, done)
        locked.notes = notes
        locked.save()
        audit(
            ctx,
            entity="visit",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"checklist {len(locked.checklist_done)} done",
        )
    return locked


def visit_photo_attach(
    *, ctx: AuditContext, visit: Visit, content: bytes, content_type: str
) -> Visit:
    if content_type not in PHOTO_TYPES:
        raise field_error("photo", codes.TEXT_INVALID, _("Send a JPEG, PNG or WebP photo."))
    if not content or len(content) > MAX_PHOTO_BYTES:
        raise field_error("photo", codes.TEXT_INVALID, _("The photo must be under 5 MB."))
    with transaction.atomic():
        locked = _own(ctx, visit)
        if locked.status not in (VisitStatus.IN_PROGRESS, VisitStatus.COMPLETED):
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("Check in before adding a photo."),
            )
        locked.photo = content
        locked.photo_type = content_type
        locked.save(update_fields=["photo", "photo_type", "updated_at"])
        audit(
            ctx,
            entity="visit",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"photo {len(content)} bytes",
        )
    return locked


def visit_flags_approve(*, ctx: AuditContext, visit: Visit, note: str = "") -> Visit:
    """A supervisor looked at a flagged visit and lets it count (it can then be settled)."""
    require_provider(ctx, Perm.CARE_SUPERVISE, visit.provider)
    with transaction.atomic():
        locked = Visit.objects.select_for_update().get(pk=visit.pk)
        if not locked.flags or locked.flags_approved_at is not None:
            raise DomainError(
                code=codes.NOT_FLAGGED, status=409, message=_("This visit waits for no approval.")
            )
        if locked.status != VisitStatus.COMPLETED:
            raise DomainError(
                code=codes.ILLEGAL_TRANSITION,
                status=409,
                message=_("Only a completed visit is approved."),
            )
        check_texts({"note": note})
        locked.flags_approved_at = timezone.now()
        locked.flags_approved_by = ctx.actor if getattr(ctx.actor, "pk", None) else None
        locked.save()
        audit(
            ctx,
            entity="visit",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"flags {locked.flags} approved {note[:80]}",
        )
    return locked


def _may_record_feedback(ctx: AuditContext, visit: Visit) -> None:
    """A community worker (or the call centre) records for the elder or family; the elder's
    own account or a family account linked to the elder records its own."""
    if actor_has_perm(ctx.actor, Perm.CARE_ORDER, visit.region_id):
        return
    from silvercare.elders.selectors import account_acts_for

    if not account_acts_for(user=ctx.actor, elder_id=visit.elder_id):
        raise denied()


def feedback_record(
    *, ctx: AuditContext, visit: Visit, rating: int, by: str, comment: str = ""
) -> Feedback:
    _may_record_feedback(ctx, visit)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise field_error("rating", codes.RATING_INVALID, _("Rate from 1 to 5."))
    if by not in FeedbackBy.values:
        raise field_error("by", codes.TEXT_INVALID, _("Say who gave the rating."))
    if visit.status != VisitStatus.COMPLETED:
        raise DomainError(
            code=codes.ILLEGAL_TRANSITION, status=409, message=_("Only a completed visit is rated.")
        )
    check_texts({"comment": comment}, multiline=("comment",))
    with transaction.atomic():
        row = Feedback.objects.create(
            visit=visit,
            rating=rating,
            by=by,
            comment=comment,
            recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity="visit",
            entity_id=visit.pk,
            region_code=visit.region_id,
            summary=f"rated {rating} by {by}",
        )
    return row


def complaint_open(*, ctx: AuditContext, visit: Visit, by: str, text: str) -> Complaint:
    _may_record_feedback(ctx, visit)
    if by not in FeedbackBy.values:
        raise field_error("by", codes.TEXT_INVALID, _("Say who complains."))
    check_texts({"text": text}, multiline=("text",))
    if not text.strip():
        raise field_error("text", codes.TEXT_INVALID, _("Say what went wrong."))
    with transaction.atomic():
        complaint = Complaint.objects.create(
            visit=visit,
            region_id=visit.region_id,
            by=by,
            text=text.strip(),
            recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit(
            ctx,
            entity="complaint",
            entity_id=complaint.pk,
            region_code=visit.region_id,
            summary=f"complaint on visit {visit.pk}",
        )
    return complaint


def complaint_update(
    *, ctx: AuditContext, complaint: Complaint, status: str, resolution: str = ""
) -> Complaint:
    """Take a complaint in hand or close it with its resolution (provider admins and
    supervisors); a closed complaint stays closed."""
    if not (
        actor_has_perm(ctx.actor, Perm.CARE_SUPERVISE, complaint.region_id)
        or actor_has_perm(ctx.actor, Perm.CARE_PROVIDE, complaint.region_id)
    ):
        raise denied()
    if status not in (ComplaintStatus.IN_PROGRESS, ComplaintStatus.CLOSED):
        raise field_error("status", codes.TEXT_INVALID, _("Choose being handled or closed."))
    check_texts({"resolution": resolution}, multiline=("resolution",))
    if status == ComplaintStatus.CLOSED and not resolution.strip():
        raise field_error("resolution", codes.REASON_REQUIRED, _("Say how it was resolved."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status == ComplaintStatus.CLOSED:
            raise DomainError(
                code=codes.ALREADY_CLOSED, status=409, message=_("This complaint is closed.")
            )
        locked.status = status
        if resolution:
            locked.resolution = resolution.strip()
        if status == ComplaintStatus.CLOSED:
            locked.closed_at = timezone.now()
        locked.save()
        audit(
            ctx,
            entity="complaint",
            entity_id=locked.pk,
            region_code=locked.region_id,
            action=AuditAction.UPDATE,
            summary=f"complaint {status}",
        )
    return locked
