"""Training pages: courses and sessions (enrol, waiting list, attendance, completion,
certificates), qualifications, expiry lists with reminders, the workforce page, and the
public certificate check."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from silvercare.accounts.models import User
from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.forms import apply_errors
from silvercare.common.no_store import no_store
from silvercare.common.pagination import paginate, query_without_page
from silvercare.common.request import audit_ctx
from silvercare.regions.choices import code_prefix
from silvercare.regions.selectors import regions_under
from silvercare.training import selectors, services
from silvercare.training.choices import CAREGIVER_LEVELS, EnrolmentStatus, Kind
from silvercare.training.forms import (
    CourseForm,
    QualificationForm,
    SessionForm,
    StaffEnrolForm,
    VerifyForm,
)
from silvercare.training.models import CourseSession, Enrolment


def _need(request: HttpRequest, perm: str, region_code: str | None = None) -> None:
    if not actor_has_perm(request.user, perm, region_code):
        raise Http404


def _region_choices(request: HttpRequest, perm: str) -> list[tuple[str, str]]:
    regions = regions_under(actor_prefixes(request.user, perm), levels=[2, 3, 4, 5], limit=400)
    return [
        (r.code, r.name if r.level < 5 or r.parent is None else f"{r.parent.name} · {r.name}")
        for r in regions
    ]


def _session(request: HttpRequest, session_id: uuid.UUID) -> CourseSession:
    try:
        return selectors.session_get_for(actor=request.user, session_id=session_id)
    except NotFound:
        raise Http404 from None


def _enrolment(request: HttpRequest, enrolment_id: uuid.UUID) -> Enrolment:
    try:
        return selectors.enrolment_get_for(actor=request.user, enrolment_id=enrolment_id)
    except NotFound:
        raise Http404 from None


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    may_view = actor_has_perm(user, Perm.TRAINING_VIEW)
    return render(
        request,
        "training/home.html",
        {
            "may_view": may_view,
            "may_manage": actor_has_perm(user, Perm.TRAINING_MANAGE),
            "may_qualify": actor_has_perm(user, Perm.TRAINING_QUALIFICATIONS),
            "may_stats": actor_has_perm(user, Perm.TRAINING_STATS),
            "sessions": list(selectors.session_list(actor=user, upcoming=True)[:5])
            if may_view
            else [],
            "expiring": selectors.qualification_list(actor=user, state="expiring").count()
            if may_view
            else 0,
            "mine": list(selectors.qualifications_of(user)[:10]),
            "reminders": list(selectors.reminders_for(user)[:5]),
            "kinds": dict(Kind.choices),
            "today": timezone.localdate(),
        },
    )


# --- Courses and sessions -------------------------------------------------------------------


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_VIEW)
    return render(
        request,
        "training/courses.html",
        {
            "page": paginate(request, selectors.course_list(actor=request.user)),
            "query": query_without_page(request),
            "sessions": selectors.session_list(actor=request.user, upcoming=True)[:50],
            "may_manage": actor_has_perm(request.user, Perm.TRAINING_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def course_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_MANAGE)
    form = CourseForm(
        request.POST or None,
        regions=_region_choices(request, Perm.TRAINING_MANAGE),
        initial={"audience": "family", "hours": 12},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(ctx=audit_ctx(request), **data)
            messages.success(request, _("The course was created."))
            return redirect("training:course", course_id=course.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(request, "training/form.html", {"form": form, "title": _("New course")})


@login_required
def course_detail(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    try:
        course = selectors.course_get_for(actor=request.user, course_id=course_id)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "training/course.html",
        {
            "course": course,
            "sessions": selectors.session_list(actor=request.user, course=course),
            "may_manage": actor_has_perm(request.user, Perm.TRAINING_MANAGE),
            "levels": CAREGIVER_LEVELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest, course_id: uuid.UUID) -> HttpResponse:
    _need(request, Perm.TRAINING_MANAGE)
    try:
        course = selectors.course_get_for(actor=request.user, course_id=course_id)
    except NotFound:
        raise Http404 from None
    stem = code_prefix(course.region.code, course.region.level)
    regions = [
        (code, name)
        for code, name in _region_choices(request, Perm.TRAINING_MANAGE)
        if code.startswith(stem)
    ]
    form = SessionForm(request.POST or None, regions=regions, initial={"capacity": 20})
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_schedule(
                ctx=audit_ctx(request), course=course, **form.cleaned_data
            )
            messages.success(request, _("The session was scheduled."))
            return redirect("training:session", session_id=session.pk)
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "training/form.html",
        {"form": form, "title": _("Schedule a session of “%(title)s”") % {"title": course.title}},
    )


@login_required
@no_store
def session_detail(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, session_id)
    may_manage = actor_has_perm(request.user, Perm.TRAINING_MANAGE, session.region_id)
    rows = list(selectors.enrolments_of(session))
    enrolled = [r for r in rows if r.status == EnrolmentStatus.ENROLLED]
    waiting = [r for r in rows if r.status == EnrolmentStatus.WAITING]
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "enrolled": enrolled,
            "waiting": waiting,
            "withdrawn": [r for r in rows if r.status == EnrolmentStatus.WITHDRAWN],
            "full": len(enrolled) >= session.capacity,
            "started": timezone.now() >= session.starts_at,
            "may_manage": may_manage,
            "suggestions": selectors.enrolment_suggestions(actor=request.user, session=session)
            if may_manage and session.cancelled_at is None
            else [],
            "staff_form": StaffEnrolForm(),
        },
    )


@login_required
@require_POST
def enrol(request: HttpRequest, session_id: uuid.UUID) -> HttpResponse:
    session = _session(request, session_id)
    _need(request, Perm.TRAINING_MANAGE, session.region_id)
    waitlist = request.POST.get("waitlist") == "1"
    ctx = audit_ctx(request)
    try:
        if request.POST.get("contact_id"):
            from silvercare.elders.selectors import contact_get_for

            try:
                contact = contact_get_for(actor=request.user, contact_id=request.POST["contact_id"])
            except NotFound:
                raise Http404 from None
            done = services.enrol(ctx=ctx, session=session, contact=contact, waitlist=waitlist)
        else:
            form = StaffEnrolForm(request.POST)
            user = (
                User.objects.filter(username=form.cleaned_data["username"], is_active=True).first()
                if form.is_valid()
                else None
            )
            if user is None or not any(
                actor_has_perm(request.user, Perm.TRAINING_MANAGE, g.region_id)
                for g in user.grants.all()
            ):
                messages.error(
                    request, _("No staff member with that user name works in your area.")
                )
                return redirect("training:session", session_id=session.pk)
            done = services.enrol(ctx=ctx, session=session, user=user, waitlist=waitlist)
        if done.status == EnrolmentStatus.WAITING:
            messages.success(
                request, _("%(name)s is on the waiting list.") % {"name": done.person_name}
            )
        else:
            messages.success(request, _("%(name)s is enrolled.") % {"name": done.person_name})
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("training:session", session_id=session.pk)


@login_required
@require_POST
def enrolment_act(request: HttpRequest, enrolment_id: uuid.UUID, action: str) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    session = enrolment.session
    _need(request, Perm.TRAINING_MANAGE, session.region_id)
    ctx = audit_ctx(request)
    try:
        if action == "attend":
            services.attendance_record(ctx=ctx, enrolment=enrolment)
            messages.success(
                request, _("Attendance recorded: %(name)s.") % {"name": enrolment.person_name}
            )
        elif action == "absent":
            services.attendance_record(ctx=ctx, enrolment=enrolment, attended=False)
            messages.success(
                request, _("Attendance removed: %(name)s.") % {"name": enrolment.person_name}
            )
        elif action == "complete":
            services.enrolment_complete(ctx=ctx, enrolment=enrolment)
            messages.success(
                request, _("%(name)s completed the course.") % {"name": enrolment.person_name}
            )
        elif action == "certificate":
            certificate = services.certificate_issue(ctx=ctx, enrolment=enrolment)
            messages.success(
                request,
                _("Certificate issued. Verification code: %(code)s") % {"code": certificate.code},
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("training:session", session_id=session.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, enrolment_id: uuid.UUID) -> HttpResponse:
    enrolment = _enrolment(request, enrolment_id)
    session = enrolment.session
    _need(request, Perm.TRAINING_MANAGE, session.region_id)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            promoted = services.enrolment_withdraw(ctx=audit_ctx(request), enrolment=enrolment)
            messages.success(request, _("%(name)s withdrew.") % {"name": enrolment.person_name})
            if promoted is not None:
                messages.success(
                    request,
                    _("%(name)s moved from the waiting list to the freed place.")
                    % {"name": promoted.person_name},
                )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("training:session", session_id=session.pk)
    return render(request, "training/withdraw.html", {"e": enrolment, "session": session})


@login_required
def certificate_pdf(request: HttpRequest, certificate_id: uuid.UUID) -> HttpResponse:
    from silvercare.training.certificates import certificate_pdf as render_pdf

    try:
        certificate = selectors.certificate_get_for(
            actor=request.user, certificate_id=certificate_id
        )
    except NotFound:
        raise Http404 from None
    response = HttpResponse(render_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{certificate.code}.pdf"'
    return response


# --- Qualifications -------------------------------------------------------------------------


@login_required
@no_store
def qualification_list(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_VIEW)
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    state = request.GET.get("state", "")
    state = state if state in ("valid", "expiring", "expired") else ""
    qs = selectors.qualification_list(actor=request.user, kind=kind, state=state)
    return render(
        request,
        "training/qualifications.html",
        {
            "page": paginate(request, qs, 50),
            "query": query_without_page(request),
            "kinds": Kind.choices,
            "kind": kind,
            "state": state,
            "today": timezone.localdate(),
            "levels": CAREGIVER_LEVELS,
            "may_qualify": actor_has_perm(request.user, Perm.TRAINING_QUALIFICATIONS),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def qualification_new(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_QUALIFICATIONS)
    form = QualificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        user = User.objects.filter(username=data.pop("username"), is_active=True).first()
        if user is None:
            form.add_error("username", _("No staff member with that user name works in your area."))
        else:
            try:
                services.qualification_record(ctx=audit_ctx(request), user=user, **data)
                messages.success(request, _("The qualification was recorded."))
                return redirect("training:qualifications")
            except DomainError as exc:
                if exc.code == "permission_denied" or any(e.field == "holder" for e in exc.errors):
                    form.add_error(
                        "username", _("No staff member with that user name works in your area.")
                    )
                else:
                    apply_errors(form, exc)
    return render(
        request, "training/form.html", {"form": form, "title": _("Record a qualification")}
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "training/mine.html",
        {
            "rows": selectors.qualifications_of(request.user),
            "reminders": selectors.reminders_for(request.user)[:20],
            "today": timezone.localdate(),
            "levels": CAREGIVER_LEVELS,
        },
    )


@login_required
@no_store
def expiry(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_VIEW)
    return render(
        request,
        "training/expiry.html",
        {
            "expiring": selectors.expiry_groups(actor=request.user, state="expiring"),
            "expired": selectors.expiry_groups(actor=request.user, state="expired"),
            "today": timezone.localdate(),
            "levels": CAREGIVER_LEVELS,
            "may_remind": actor_has_perm(request.user, Perm.TRAINING_QUALIFICATIONS),
        },
    )


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_QUALIFICATIONS)
    sent = services.reminders_send()
    messages.success(request, _("Reminders recorded: %(count)s.") % {"count": sent})
    return redirect("training:expiry")


@login_required
def workforce(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.TRAINING_STATS)
    return render(
        request,
        "training/workforce.html",
        {
            "streets": selectors.workforce_counts(actor=request.user),
            "targets": selectors.workforce_progress(actor=request.user),
            "kinds": [(k.value, k.label) for k in selectors.WORKFORCE_KINDS],
        },
    )


# --- Public -----------------------------------------------------------------------------------


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone may check a certificate's code: the answer shows only the masked name, the
    course, the date and whether it is valid."""
    form = VerifyForm(request.GET or None)
    result: Any = None
    checked = False
    if request.GET and form.is_valid():
        checked = True
        result = selectors.certificate_verify(form.cleaned_data["code"])
    return render(
        request,
        "training/verify.html",
        {"form": form, "result": result, "checked": checked},
    )
