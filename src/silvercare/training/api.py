"""Training endpoints under /api/v1/training: qualifications (list, record, expiry groups,
workforce counts), courses, sessions, enrolment with a waiting list, attendance, completion,
certificates, and the public certificate check. Region-scoped like every read."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.accounts.selectors import active_user
from silvercare.common.errors import FieldError, NotFound, ValidationFailed
from silvercare.common.no_store import mark_no_store
from silvercare.common.request import audit_ctx
from silvercare.training import selectors, services
from silvercare.training.models import Certificate, Course, CourseSession, Enrolment, Qualification
from silvercare.training.schemas import (
    AttendanceIn,
    CertificateOut,
    CourseIn,
    CourseOut,
    EnrolIn,
    EnrolmentOut,
    ExpiryGroupOut,
    QualificationIn,
    QualificationOut,
    QualificationPageOut,
    SessionIn,
    SessionOut,
    SuggestionOut,
    VerificationOut,
    WithdrawOut,
    WorkforceOut,
)

router = Router(tags=["training"])


def _holder(row: Qualification | Enrolment) -> str:
    return "user" if row.user_id else "contact" if row.contact_id else "none"


def present_qualification(q: Qualification, today: dt.date) -> dict[str, Any]:
    return {
        "id": q.pk,
        "kind": q.kind,
        "level": q.level,
        "number": q.number,
        "issued_by": q.issued_by,
        "valid_from": q.valid_from,
        "valid_until": q.valid_until,
        "holder_name": q.holder_name,
        "holder": _holder(q),
        "region_code": q.region_id,
        "employer": q.employer,
        "revoked": q.revoked_at is not None,
        "valid_today": q.revoked_at is None
        and q.valid_from <= today
        and (q.valid_until is None or q.valid_until >= today),
    }


def present_course(c: Course) -> dict[str, Any]:
    return {
        "id": c.pk,
        "region_code": c.region_id,
        "title": c.title,
        "curriculum": c.curriculum,
        "hours": c.hours,
        "audience": c.audience,
        "leads_to": c.leads_to,
        "leads_to_level": c.leads_to_level,
        "certificate_months": c.certificate_months,
    }


def present_enrolment(e: Enrolment) -> dict[str, Any]:
    certificate = Certificate.objects.filter(enrolment=e).values_list("code", flat=True).first()
    return {
        "id": e.pk,
        "person_name": e.person_name,
        "holder": _holder(e),
        "status": e.status,
        "attended_at": e.attended_at,
        "completed_at": e.completed_at,
        "certificate_code": certificate,
    }


def present_session(s: CourseSession) -> dict[str, Any]:
    return {
        "id": s.pk,
        "course_id": s.course_id,
        "course_title": s.course.title,
        "region_code": s.region_id,
        "place": s.place,
        "starts_at": s.starts_at,
        "ends_at": s.ends_at,
        "trainer": s.trainer,
        "capacity": s.capacity,
        "cancelled": s.cancelled_at is not None,
        "enrolments": [present_enrolment(e) for e in selectors.enrolments_of(s)],
    }


class QualificationQuery(Schema):
    kind: str = Field(
        "", pattern="^(|assessor|at_consultant|caregiver|nurse|rehab_therapist|family_caregiver)$"
    )
    state: str = Field("", pattern="^(|valid|expiring|expired)$")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/qualifications", response=QualificationPageOut, summary="Qualifications in your area")
def list_qualifications(request: HttpRequest, query: Query[QualificationQuery]) -> dict[str, Any]:
    qs = selectors.qualification_list(actor=request.user, kind=query.kind, state=query.state)
    start = (query.page - 1) * query.page_size
    today = timezone.localdate()
    return {
        "items": [present_qualification(q, today) for q in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.post("/qualifications", response={201: QualificationOut}, summary="Record a qualification")
def record_qualification(request: HttpRequest, payload: QualificationIn) -> Status[dict[str, Any]]:
    user = contact = None
    if payload.contact_id is not None:
        from silvercare.elders.selectors import contact_get_for

        try:
            contact = contact_get_for(actor=request.user, contact_id=payload.contact_id)
        except NotFound:
            raise ValidationFailed(
                [FieldError("contact_id", "unknown_contact", _("Unknown contact."))]
            ) from None
    if payload.user_id is not None:
        user = active_user(payload.user_id)
        if user is None:
            raise ValidationFailed([FieldError("user_id", "unknown_user", _("Unknown user."))])
    try:
        qualification = services.qualification_record(
            ctx=audit_ctx(request, "api"),
            kind=payload.kind,
            level=payload.level,
            number=payload.number,
            issued_by=payload.issued_by,
            valid_from=payload.valid_from,
            valid_until=payload.valid_until,
            user=user,
            contact=contact,
            employer=payload.employer,
            employer_email=payload.employer_email,
            evidence=payload.evidence,
        )
    except ValidationFailed as exc:
        # A user outside the actor's areas answers like an unknown one.
        if user is not None and any(e.field == "holder" for e in exc.errors):
            raise ValidationFailed(
                [FieldError("user_id", "unknown_user", _("Unknown user."))]
            ) from None
        raise
    return Status(201, present_qualification(qualification, timezone.localdate()))


@router.get(
    "/qualifications/expiry",
    response=list[ExpiryGroupOut],
    summary="Expiring (next 60 days) or expired qualifications per area and employer",
)
def expiry(
    request: HttpRequest,
    state: str = Query("expiring", pattern="^(expiring|expired)$"),  # type: ignore[type-arg]
) -> list[dict[str, Any]]:
    today = timezone.localdate()
    return [
        {
            "region_code": g.region_code,
            "region_name": g.region_name,
            "employer": g.employer,
            "items": [present_qualification(q, today) for q in g.rows],
        }
        for g in selectors.expiry_groups(actor=request.user, state=state)
    ]


@router.get(
    "/qualifications/{qualification_id}", response=QualificationOut, summary="One qualification"
)
def get_qualification(request: HttpRequest, qualification_id: uuid.UUID) -> dict[str, Any]:
    q = selectors.qualification_get_for(actor=request.user, qualification_id=qualification_id)
    return present_qualification(q, timezone.localdate())


@router.get(
    "/workforce", response=WorkforceOut, summary="Qualified people per street and target progress"
)
def workforce(request: HttpRequest) -> dict[str, Any]:
    if not actor_has_perm(request.user, Perm.TRAINING_STATS):
        raise NotFound()
    return {
        "streets": [
            {"region_code": s.code, "name": s.name, "counts": s.counts}
            for s in selectors.workforce_counts(actor=request.user)
        ],
        "targets": [
            {
                "name": p.target.name,
                "region_code": p.target.region_code,
                "kinds": list(p.target.kinds),
                "target": p.target.target,
                "year": p.target.year,
                "counted": p.counted,
                "whole_region": p.whole_region,
            }
            for p in selectors.workforce_progress(actor=request.user)
        ],
    }


@router.get("/courses", response=list[CourseOut], summary="Courses in your area")
def list_courses(request: HttpRequest) -> list[dict[str, Any]]:
    return [present_course(c) for c in selectors.course_list(actor=request.user)[:500]]


@router.post("/courses", response={201: CourseOut}, summary="Create a course")
def create_course(request: HttpRequest, payload: CourseIn) -> Status[dict[str, Any]]:
    course = services.course_create(ctx=audit_ctx(request, "api"), **payload.dict())
    return Status(201, present_course(course))


@router.get("/courses/{course_id}", response=CourseOut, summary="One course")
def get_course(request: HttpRequest, course_id: uuid.UUID) -> dict[str, Any]:
    return present_course(selectors.course_get_for(actor=request.user, course_id=course_id))


@router.get("/sessions", response=list[SessionOut], summary="Coming sessions in your area")
def list_sessions(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        present_session(s) for s in selectors.session_list(actor=request.user, upcoming=True)[:100]
    ]


@router.post("/sessions", response={201: SessionOut}, summary="Schedule a session")
def schedule_session(request: HttpRequest, payload: SessionIn) -> Status[dict[str, Any]]:
    try:
        course = selectors.course_get_for(actor=request.user, course_id=payload.course_id)
    except NotFound:
        raise ValidationFailed(
            [FieldError("course_id", "unknown_course", _("Unknown course."))]
        ) from None
    data = payload.dict()
    data.pop("course_id")
    session = services.session_schedule(ctx=audit_ctx(request, "api"), course=course, **data)
    return Status(201, present_session(session))


@router.get("/sessions/{session_id}", response=SessionOut, summary="One session with its people")
def get_session(request: HttpRequest, session_id: uuid.UUID) -> Any:
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    return mark_no_store_json(present_session(session))


def mark_no_store_json(data: dict[str, Any]) -> Any:
    from ninja.responses import Response

    return mark_no_store(Response(data))


@router.get(
    "/sessions/{session_id}/suggestions",
    response=list[SuggestionOut],
    summary="Family members suggested for a session",
)
def suggestions(request: HttpRequest, session_id: uuid.UUID) -> list[dict[str, Any]]:
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    if not actor_has_perm(request.user, Perm.TRAINING_MANAGE, session.region_id):
        raise NotFound()
    return [
        s.__dict__ for s in selectors.enrolment_suggestions(actor=request.user, session=session)
    ]


@router.post(
    "/sessions/{session_id}/enrolments",
    response={201: EnrolmentOut},
    summary="Enrol someone (or put them on the waiting list)",
)
def enrol(request: HttpRequest, session_id: uuid.UUID, payload: EnrolIn) -> Status[dict[str, Any]]:
    session = selectors.session_get_for(actor=request.user, session_id=session_id)
    user = contact = None
    if payload.contact_id is not None:
        from silvercare.elders.selectors import contact_get_for

        try:
            contact = contact_get_for(actor=request.user, contact_id=payload.contact_id)
        except NotFound:
            raise ValidationFailed(
                [FieldError("contact_id", "unknown_contact", _("Unknown contact."))]
            ) from None
    if payload.user_id is not None:
        user = active_user(payload.user_id)
        if user is None or not any(
            actor_has_perm(request.user, Perm.TRAINING_MANAGE, g.region_id)
            for g in user.grants.all()
        ):
            raise ValidationFailed([FieldError("user_id", "unknown_user", _("Unknown user."))])
    enrolment = services.enrol(
        ctx=audit_ctx(request, "api"),
        session=session,
        user=user,
        contact=contact,
        waitlist=payload.waitlist,
    )
    return Status(201, present_enrolment(enrolment))


def _enrolment(request: HttpRequest, enrolment_id: uuid.UUID) -> Enrolment:
    return selectors.enrolment_get_for(actor=request.user, enrolment_id=enrolment_id)


@router.post(
    "/enrolments/{enrolment_id}/attendance",
    response=EnrolmentOut,
    summary="Record attendance (refused before the session starts)",
)
def attendance(
    request: HttpRequest, enrolment_id: uuid.UUID, payload: AttendanceIn
) -> dict[str, Any]:
    enrolment = services.attendance_record(
        ctx=audit_ctx(request, "api"),
        enrolment=_enrolment(request, enrolment_id),
        attended=payload.attended,
    )
    return present_enrolment(enrolment)


@router.post("/enrolments/{enrolment_id}/complete", response=EnrolmentOut, summary="Mark completed")
def complete(request: HttpRequest, enrolment_id: uuid.UUID) -> dict[str, Any]:
    enrolment = services.enrolment_complete(
        ctx=audit_ctx(request, "api"), enrolment=_enrolment(request, enrolment_id)
    )
    return present_enrolment(enrolment)


@router.post(
    "/enrolments/{enrolment_id}/withdraw",
    response=WithdrawOut,
    summary="Withdraw (the first on the waiting list gets the place)",
)
def withdraw(request: HttpRequest, enrolment_id: uuid.UUID) -> dict[str, Any]:
    enrolment = _enrolment(request, enrolment_id)
    promoted = services.enrolment_withdraw(ctx=audit_ctx(request, "api"), enrolment=enrolment)
    return {
        "withdrawn": present_enrolment(enrolment),
        "promoted": present_enrolment(promoted) if promoted is not None else None,
    }


@router.post(
    "/enrolments/{enrolment_id}/certificate",
    response={201: CertificateOut},
    summary="Issue the certificate (refused unless completed)",
)
def certificate(request: HttpRequest, enrolment_id: uuid.UUID) -> Status[dict[str, Any]]:
    issued = services.certificate_issue(
        ctx=audit_ctx(request, "api"), enrolment=_enrolment(request, enrolment_id)
    )
    return Status(
        201,
        {
            "id": issued.pk,
            "code": issued.code,
            "holder_name": issued.holder_name,
            "course_title": issued.course_title,
            "completed_on": issued.completed_on,
            "valid_until": issued.valid_until,
        },
    )


@router.get(
    "/certificates/verify",
    response=VerificationOut,
    auth=None,
    summary="Check a certificate's verification code (public; the name masked)",
)
def verify(request: HttpRequest, code: str = Query(..., max_length=20)) -> dict[str, Any]:  # type: ignore[type-arg]
    result = selectors.certificate_verify(code)
    if result is None:
        return {
            "found": False,
            "valid": False,
            "name_masked": "",
            "course": "",
            "completed_on": None,
            "valid_until": None,
        }
    return {"found": True, **result.__dict__}
