"""Every write of the training capability: qualifications (recorded, revoked, reminded),
courses, sessions, enrolment with a waiting list, attendance, completion, certificates.

Each service checks the actor's permission over the row's area, validates its input and
writes its audit row in the same transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_manages
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.common.text import check_text
from silvercare.regions.choices import code_prefix
from silvercare.training import error_codes as codes
from silvercare.training import selectors
from silvercare.training.choices import (
    CAREGIVER_LEVELS,
    EXPIRING_DAYS,
    Audience,
    EnrolmentStatus,
    Kind,
    ReminderChannel,
    ReminderRecipient,
    ReminderStage,
)
from silvercare.training.models import (
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    Qualification,
    Reminder,
)

CODE_ALPHABET = "0123456789"  # typed on a phone's number pad, read aloud without ambiguity


def _denied(message: str) -> DomainError:
    return DomainError(code=codes.PERMISSION_DENIED, status=403, message=message)


def _may(ctx: AuditContext, perm: str, region_code: str) -> bool:
    return actor_manages(ctx.actor, region_code) or actor_has_perm(ctx.actor, perm, region_code)


def _audit(
    ctx: AuditContext,
    *,
    entity_id: Any,
    region_code: str,
    summary: str,
    action: str = AuditAction.CREATE,
    changes: dict[str, Any] | None = None,
) -> None:
    audit_record(
        ctx=ctx,
        action=action,
        entity_type="training",
        entity_id=str(entity_id),
        region_code=region_code,
        summary=summary,
        changes=changes,
    )


def _region_exists(code: str) -> bool:
    from silvercare.regions.models import Region

    return Region.objects.filter(code=code).exists()


def _text_errors(values: dict[str, str], *, names: tuple[str, ...] = ()) -> list[FieldError]:
    errors = []
    for name, value in values.items():
        error = check_text(value or "", name, formula=name in names)
        if error is not None:
            errors.append(error)
    return errors


# --- Qualifications -------------------------------------------------------------------------


def _user_region(ctx: AuditContext, user: Any, check_actor: bool) -> str | None:
    """The most specific area among the user's grants that the actor may record in."""
    held: list[str] = [str(grant.region_id) for grant in user.grants.all()]
    if check_actor:
        held = [c for c in held if _may(ctx, Perm.TRAINING_QUALIFICATIONS, c)]
    if not held:
        return None
    return max(held, key=lambda code: (len(code.rstrip("0")), code))


def qualification_record(
    *,
    ctx: AuditContext,
    kind: str,
    number: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    issued_by: str = "",
    level: int | None = None,
    user: Any = None,
    contact: Any = None,
    region_code: str | None = None,
    employer: str = "",
    employer_email: str = "",
    evidence: str = "",
    certificate: Certificate | None = None,
    check_actor: bool = True,
) -> Qualification:
    """Record a qualification held by a staff ``user`` or by an elder's ``contact``.

    The area is the contact's elder's community, or for a user ``region_code`` (else the
    most specific of the user's grants the actor may record in). The number is unique per
    kind and issuing body: a duplicate is refused with a reason."""
    number = (number or "").strip()
    issued_by = (issued_by or "").strip()
    errors = _text_errors(
        {"number": number, "issued_by": issued_by, "employer": employer, "evidence": evidence}
    )
    if kind not in Kind.values:
        errors.append(FieldError("kind", "choice_invalid", _("Choose a qualification.")))
    if not number:
        errors.append(FieldError("number", "required", _("Enter the certificate number.")))
    if (user is None) == (contact is None):
        errors.append(
            FieldError(
                "holder", codes.HOLDER_REQUIRED, _("Name one holder: a staff member or a contact.")
            )
        )
    if valid_until is not None and valid_until < valid_from:
        errors.append(
            FieldError(
                "valid_until", codes.DATE_INVALID, _("The end date is before the start date.")
            )
        )
    if employer_email:
        try:
            validate_email(employer_email)
        except ValidationError:
            errors.append(
                FieldError("employer_email", "email_invalid", _("Enter a valid email address."))
            )
    if level is not None and (kind != Kind.CAREGIVER or level not in CAREGIVER_LEVELS):
        errors.append(
            FieldError(
                "level",
                codes.LEVEL_INVALID,
                _("Only caregiver qualifications have a level, from 5 (beginner) to 1."),
            )
        )
    if kind == Kind.CAREGIVER and level is None:
        errors.append(FieldError("level", codes.LEVEL_INVALID, _("Choose the caregiver level.")))
    if errors:
        raise ValidationFailed(errors)
    if contact is not None:
        region = contact.elder.region_id
        holder_name = contact.name
    else:
        region = region_code or _user_region(ctx, user, check_actor)
        holder_name = (getattr(user, "display_name", "") or user.username)[:50]
    if not region or not _region_exists(region):
        raise ValidationFailed(
            [
                FieldError(
                    "holder",
                    codes.HOLDER_OUT_OF_SCOPE,
                    _("This person holds no role in an area you may record qualifications for."),
                )
            ]
        )
    if check_actor and not _may(ctx, Perm.TRAINING_QUALIFICATIONS, region):
        raise _denied(_("You may not record qualifications in this area."))
    if selectors.qualification_number_taken(kind=kind, issued_by=issued_by, number=number):
        raise ValidationFailed([_duplicate_error()])
    try:
        with transaction.atomic():
            qualification = Qualification.objects.create(
                kind=kind,
                level=level,
                number=number[:64],
                issued_by=issued_by[:100],
                valid_from=valid_from,
                valid_until=valid_until,
                user=user,
                contact=contact,
                holder_name=holder_name,
                region_id=region,
                employer=employer[:100],
                employer_email=employer_email[:254],
                evidence=evidence[:200],
                certificate=certificate,
                recorded_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
            )
            if user is not None:
                # On the holder's account, as assessor certificates always were.
                audit_record(
                    ctx=ctx,
                    action=AuditAction.CREATE,
                    entity_type="user",
                    entity_id=str(user.pk),
                    region_code=region,
                    summary=f"qualification {number}",
                )
            else:
                _audit(
                    ctx,
                    entity_id=qualification.pk,
                    region_code=region,
                    summary=f"qualification {number}",
                )
    except IntegrityError:  # a concurrent duplicate
        raise ValidationFailed([_duplicate_error()]) from None
    return qualification


def _duplicate_error() -> FieldError:
    return FieldError(
        "number",
        codes.DUPLICATE_NUMBER,
        _("This issuing body's certificate number is already on file for this qualification."),
    )


def qualification_revoke(*, ctx: AuditContext, qualification: Qualification) -> Qualification:
    if not _may(ctx, Perm.TRAINING_QUALIFICATIONS, qualification.region_id):
        raise _denied(_("You may not change qualifications in this area."))
    with transaction.atomic():
        Qualification.objects.filter(pk=qualification.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        _audit(
            ctx,
            entity_id=qualification.pk,
            region_code=qualification.region_id,
            summary=f"revoke {qualification.number}",
            action=AuditAction.UPDATE,
        )
    qualification.refresh_from_db()
    return qualification


# --- Reminders ------------------------------------------------------------------------------


def reminders_send(*, on: dt.date | None = None) -> int:
    """Remind the holders and employers of qualifications that expire within 60 days or
    expired in the last 60: an in-app reminder for a staff holder (and an email when they
    have an address), an email to the employer when one is on file, else an in-app note on
    the area's expiry list. Each (stage, recipient, channel) once. Returns how many."""
    day = on or timezone.localdate()
    horizon = day + dt.timedelta(days=EXPIRING_DAYS)
    past = day - dt.timedelta(days=EXPIRING_DAYS)
    rows = Qualification.objects.filter(
        revoked_at__isnull=True, valid_until__gte=past, valid_until__lte=horizon
    ).select_related("user")
    sent = 0
    for qualification in rows.iterator():
        assert qualification.valid_until is not None
        stage = ReminderStage.EXPIRED if qualification.valid_until < day else ReminderStage.EXPIRING
        planned: list[tuple[str, str, Any, str]] = []
        holder = qualification.user
        if holder is not None:
            planned.append((ReminderRecipient.HOLDER, ReminderChannel.IN_APP, holder, ""))
            if holder.email:
                planned.append(
                    (ReminderRecipient.HOLDER, ReminderChannel.EMAIL, holder, holder.email)
                )
        else:
            planned.append((ReminderRecipient.HOLDER, ReminderChannel.IN_APP, None, ""))
        if qualification.employer_email:
            planned.append(
                (
                    ReminderRecipient.EMPLOYER,
                    ReminderChannel.EMAIL,
                    None,
                    qualification.employer_email,
                )
            )
        elif qualification.employer:
            planned.append((ReminderRecipient.EMPLOYER, ReminderChannel.IN_APP, None, ""))
        for recipient, channel, user, address in planned:
            with transaction.atomic():
                _reminder, created = Reminder.objects.get_or_create(
                    qualification=qualification,
                    stage=stage,
                    recipient=recipient,
                    channel=channel,
                    defaults={"user": user, "address": address},
                )
                if created and channel == ReminderChannel.EMAIL:
                    transaction.on_commit(_mailer(qualification, address, stage))
            sent += int(created)
    return sent


def _mailer(qualification: Qualification, address: str, stage: str) -> Callable[[], None]:
    return lambda: _email(qualification, address, stage)


def _email(qualification: Qualification, address: str, stage: str) -> None:
    kind = Kind(qualification.kind).label
    until = qualification.valid_until.isoformat() if qualification.valid_until else ""
    if stage == ReminderStage.EXPIRED:
        subject = _("A qualification has expired")
        body = _("%(holder)s's %(kind)s certificate %(number)s expired on %(until)s.")
    else:
        subject = _("A qualification expires soon")
        body = _("%(holder)s's %(kind)s certificate %(number)s expires on %(until)s.")
    values = {
        "holder": qualification.holder_name,
        "kind": kind,
        "number": qualification.number,
        "until": until,
    }
    send_mail(str(subject), str(body) % values, None, [address], fail_silently=True)


# --- Courses and sessions -------------------------------------------------------------------


def course_create(
    *,
    ctx: AuditContext,
    region_code: str,
    title: str,
    hours: Decimal,
    audience: str,
    curriculum: str = "",
    leads_to: str = "",
    leads_to_level: int | None = None,
    certificate_months: int | None = None,
) -> Course:
    title = (title or "").strip()
    errors = _text_errors({"title": title}, names=("title",))
    error = check_text(curriculum or "", "curriculum", multiline=True)
    if error:
        errors.append(error)
    if not title:
        errors.append(FieldError("title", "required", _("Enter the course title.")))
    if hours is None or hours <= 0 or hours > 2000:
        errors.append(
            FieldError(
                "hours", "hours_invalid", _("Enter the hours, more than 0 and at most 2000.")
            )
        )
    if audience not in Audience.values:
        errors.append(FieldError("audience", "choice_invalid", _("Choose who the course is for.")))
    if leads_to and leads_to not in Kind.values:
        errors.append(FieldError("leads_to", "choice_invalid", _("Choose a qualification.")))
    if leads_to == Kind.CAREGIVER and leads_to_level not in CAREGIVER_LEVELS:
        errors.append(
            FieldError("leads_to_level", codes.LEVEL_INVALID, _("Choose the caregiver level."))
        )
    if certificate_months is not None and not 1 <= certificate_months <= 240:
        errors.append(
            FieldError(
                "certificate_months",
                "months_invalid",
                _("Enter from 1 to 240 months, or leave empty."),
            )
        )
    if not _region_exists(region_code):
        errors.append(FieldError("region_code", codes.REGION_INVALID, _("Choose an area.")))
    if errors:
        raise ValidationFailed(errors)
    if not _may(ctx, Perm.TRAINING_MANAGE, region_code):
        raise _denied(_("You may not organise courses in this area."))
    with transaction.atomic():
        course = Course.objects.create(
            region_id=region_code,
            title=title[:100],
            curriculum=curriculum,
            hours=hours,
            audience=audience,
            leads_to=leads_to,
            leads_to_level=leads_to_level if leads_to == Kind.CAREGIVER else None,
            certificate_months=certificate_months,
            created_by=ctx.actor,
        )
        _audit(ctx, entity_id=course.pk, region_code=region_code, summary=f"course {title}")
    return course


def session_schedule(
    *,
    ctx: AuditContext,
    course: Course,
    region_code: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    trainer: str,
    capacity: int,
) -> CourseSession:
    place, trainer = (place or "").strip(), (trainer or "").strip()
    start, end = _aware(starts_at), _aware(ends_at)
    errors = _text_errors({"place": place, "trainer": trainer}, names=("place", "trainer"))
    if not place:
        errors.append(FieldError("place", "required", _("Enter the place.")))
    if not trainer:
        errors.append(FieldError("trainer", "required", _("Enter the trainer's name.")))
    if capacity is None or not 1 <= capacity <= 500:
        errors.append(
            FieldError("capacity", codes.CAPACITY_INVALID, _("Enter from 1 to 500 places."))
        )
    if start is None or end is None or end <= start:
        errors.append(
            FieldError("ends_at", codes.TIME_INVALID, _("The session must end after it starts."))
        )
    if not _region_exists(region_code) or not region_code.startswith(
        code_prefix(course.region.code, course.region.level)
    ):
        errors.append(
            FieldError(
                "region_code", codes.REGION_INVALID, _("Choose an area inside the course's area.")
            )
        )
    if errors or start is None or end is None:
        raise ValidationFailed(errors)
    if not _may(ctx, Perm.TRAINING_MANAGE, region_code):
        raise _denied(_("You may not schedule sessions in this area."))
    with transaction.atomic():
        session = CourseSession.objects.create(
            course=course,
            region_id=region_code,
            place=place[:100],
            starts_at=start,
            ends_at=end,
            trainer=trainer[:50],
            capacity=capacity,
            created_by=ctx.actor,
        )
        _audit(
            ctx,
            entity_id=session.pk,
            region_code=region_code,
            summary=f"session {course.title} {timezone.localtime(start):%Y-%m-%d %H:%M}",
        )
    return session


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """A time in a plausible range, with a time zone (a naive one is local time); None for
    anything else (the caller refuses it)."""
    if moment is None or not 2000 <= moment.year <= 2100:
        return None
    if timezone.is_naive(moment):
        return timezone.make_aware(moment)
    return moment


def _require_manage(ctx: AuditContext, session: CourseSession) -> None:
    if not _may(ctx, Perm.TRAINING_MANAGE, session.region_id):
        raise _denied(_("You may not run this session."))


def enrol(
    *,
    ctx: AuditContext,
    session: CourseSession,
    user: Any = None,
    contact: Any = None,
    waitlist: bool = False,
) -> Enrolment:
    """Enrol a staff ``user`` or an elder's ``contact``. A full session refuses, with the
    number of places, unless ``waitlist``: then the person joins the waiting list."""
    _require_manage(ctx, session)
    if (user is None) == (contact is None):
        raise ValidationFailed(
            [FieldError("person", codes.HOLDER_REQUIRED, _("Choose one person to enrol."))]
        )
    if session.cancelled_at is not None:
        raise DomainError(
            code=codes.SESSION_CANCELLED, status=409, message=_("This session was cancelled.")
        )
    person = contact if contact is not None else user
    name = contact.name if contact is not None else (user.display_name or user.username)
    with transaction.atomic():
        locked = CourseSession.objects.select_for_update().get(pk=session.pk)
        if (
            Enrolment.objects.filter(selectors.holder_q(person), session=locked)
            .exclude(status=EnrolmentStatus.WITHDRAWN)
            .exists()
        ):
            raise DomainError(
                code=codes.ALREADY_ENROLLED,
                status=409,
                message=_("%(name)s is already on this session.") % {"name": name},
            )
        full = selectors.enrolled_count(locked) >= locked.capacity
        if full and not waitlist:
            raise DomainError(
                code=codes.SESSION_FULL,
                status=409,
                message=_(
                    "The session is full (%(capacity)s places). Put %(name)s on the waiting "
                    "list instead."
                )
                % {"capacity": locked.capacity, "name": name},
            )
        enrolment = Enrolment.objects.create(
            session=locked,
            user=user,
            contact=contact,
            person_name=name[:50],
            status=EnrolmentStatus.WAITING if full else EnrolmentStatus.ENROLLED,
            created_by=ctx.actor,
        )
        _audit(
            ctx,
            entity_id=enrolment.pk,
            region_code=locked.region_id,
            summary=f"{'waitlist' if full else 'enrol'} {name}",
        )
    return enrolment


def enrolment_withdraw(*, ctx: AuditContext, enrolment: Enrolment) -> Enrolment | None:
    """Withdraw someone; a place they free goes to the first on the waiting list, who is
    returned (else None)."""
    session = enrolment.session
    _require_manage(ctx, session)
    with transaction.atomic():
        CourseSession.objects.select_for_update().get(pk=session.pk)
        current = Enrolment.objects.get(pk=enrolment.pk)
        if current.status == EnrolmentStatus.WITHDRAWN:
            raise DomainError(
                code=codes.NOT_ENROLLED, status=409, message=_("This person has already withdrawn.")
            )
        if current.attended_at is not None:
            raise DomainError(
                code=codes.NOT_ENROLLED,
                status=409,
                message=_("This person has attended and can no longer withdraw."),
            )
        freed = current.status == EnrolmentStatus.ENROLLED
        current.status = EnrolmentStatus.WITHDRAWN
        current.withdrawn_at = timezone.now()
        current.save(update_fields=["status", "withdrawn_at", "updated_at"])
        _audit(
            ctx,
            entity_id=current.pk,
            region_code=session.region_id,
            summary=f"withdraw {current.person_name}",
            action=AuditAction.UPDATE,
        )
        promoted = None
        if freed and selectors.enrolled_count(session) < session.capacity:
            promoted = (
                Enrolment.objects.filter(session=session, status=EnrolmentStatus.WAITING)
                .order_by("created_at", "id")
                .first()
            )
            if promoted is not None:
                promoted.status = EnrolmentStatus.ENROLLED
                promoted.save(update_fields=["status", "updated_at"])
                _audit(
                    ctx,
                    entity_id=promoted.pk,
                    region_code=session.region_id,
                    summary=f"promote {promoted.person_name}",
                    action=AuditAction.UPDATE,
                )
    enrolment.refresh_from_db()
    return promoted


def attendance_record(
    *, ctx: AuditContext, enrolment: Enrolment, attended: bool = True
) -> Enrolment:
    """Record that an enrolled person attended (or undo it). Refused before the session
    starts, and for anyone not enrolled (waiting, withdrawn)."""
    session = enrolment.session
    _require_manage(ctx, session)
    now = timezone.now()
    if now < session.starts_at:
        raise DomainError(
            code=codes.SESSION_NOT_STARTED,
            status=409,
            message=_("The session has not started yet (it starts at %(start)s).")
            % {"start": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M")},
        )
    with transaction.atomic():
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status != EnrolmentStatus.ENROLLED:
            raise DomainError(
                code=codes.NOT_ENROLLED,
                status=409,
                message=_("Only people with a place on the session can attend."),
            )
        if not attended and current.completed_at is not None:
            raise DomainError(
                code=codes.NOT_ATTENDED,
                status=409,
                message=_("This person has completed the course; attendance stays."),
            )
        current.attended_at = now if attended else None
        current.save(update_fields=["attended_at", "updated_at"])
        _audit(
            ctx,
            entity_id=current.pk,
            region_code=session.region_id,
            summary=f"{'attend' if attended else 'absent'} {current.person_name}",
            action=AuditAction.UPDATE,
        )
    return current


def enrolment_complete(*, ctx: AuditContext, enrolment: Enrolment) -> Enrolment:
    """Mark the course completed for someone who attended."""
    session = enrolment.session
    _require_manage(ctx, session)
    with transaction.atomic():
        current = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if current.status != EnrolmentStatus.ENROLLED or current.attended_at is None:
            raise DomainError(
                code=codes.NOT_ATTENDED,
                status=409,
                message=_("Record attendance first: only people who attended can complete."),
            )
        if current.completed_at is None:
            current.completed_at = timezone.now()
            current.save(update_fields=["completed_at", "updated_at"])
            _audit(
                ctx,
                entity_id=current.pk,
                region_code=session.region_id,
                summary=f"complete {current.person_name}",
                action=AuditAction.UPDATE,
            )
    return current


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def certificate_issue(*, ctx: AuditContext, enrolment: Enrolment) -> Certificate:
    """The completion certificate (once per enrolment), with a verification code; when the
    course leads to a qualification, that qualification is recorded for the person too."""
    session = enrolment.session
    course = session.course
    _require_manage(ctx, session)
    existing = Certificate.objects.filter(enrolment=enrolment).first()
    if existing is not None:
        return existing
    current = Enrolment.objects.get(pk=enrolment.pk)
    if current.completed_at is None or current.status != EnrolmentStatus.ENROLLED:
        raise DomainError(
            code=codes.NOT_COMPLETED,
            status=409,
            message=_("%(name)s has not completed the course: no certificate.")
            % {"name": current.person_name},
        )
    completed_on = timezone.localdate(current.completed_at)
    valid_until = None
    if course.certificate_months:
        from silvercare.assessments.services import add_months

        valid_until = add_months(completed_on, course.certificate_months) - dt.timedelta(days=1)
    with transaction.atomic():
        certificate = Certificate.objects.create(
            enrolment=current,
            code=_new_code(),
            holder_name=current.person_name,
            course_title=course.title,
            hours=course.hours,
            completed_on=completed_on,
            valid_until=valid_until,
            region_id=session.region_id,
            issued_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        _audit(
            ctx,
            entity_id=certificate.pk,
            region_code=session.region_id,
            summary=f"certificate {certificate.code}",
        )
        if course.leads_to and (current.user_id or current.contact_id):
            qualification_record(
                ctx=ctx,
                kind=course.leads_to,
                level=course.leads_to_level,
                number=certificate.code,
                issued_by=course.region.name if course.region_id else "",
                valid_from=completed_on,
                valid_until=valid_until,
                user=current.user,
                contact=current.contact,
                region_code=None if current.contact_id else session.region_id,
                evidence=course.title,
                certificate=certificate,
                check_actor=False,
            )
    return certificate


def session_cancel(*, ctx: AuditContext, session: CourseSession) -> CourseSession:
    _require_manage(ctx, session)
    with transaction.atomic():
        CourseSession.objects.filter(pk=session.pk, cancelled_at__isnull=True).update(
            cancelled_at=timezone.now()
        )
        _audit(
            ctx,
            entity_id=session.pk,
            region_code=session.region_id,
            summary=f"cancel {session.course.title}",
            action=AuditAction.UPDATE,
        )
    session.refresh_from_db()
    return session
