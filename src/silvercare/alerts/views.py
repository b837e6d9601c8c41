"""Alert pages: the live operator console (with a server-sent event stream), an alert's
page with the elder's context, the actions, and the officer statistics. Thin."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from silvercare.accounts.models import User
from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.alerts import selectors, services
from silvercare.alerts.choices import AlertKind, AlertStatus, Resolution
from silvercare.alerts.models import Alert
from silvercare.alerts.presenters import alert_summary, attempt_row, event_row
from silvercare.alerts.stats import alert_stats
from silvercare.common.errors import DomainError, NotFound
from silvercare.common.no_store import no_store
from silvercare.common.request import audit_ctx

STREAM_SECONDS = 55.0  # then the browser's EventSource reconnects (and resumes by id)
POLL_SECONDS = 0.5
LAG = dt.timedelta(seconds=5)


def _need(request: HttpRequest, perm: str) -> None:
    if not actor_has_perm(request.user, perm):
        raise PermissionDenied


def _get(request: HttpRequest, alert_id: uuid.UUID) -> Alert:
    try:
        return selectors.alert_get_for(actor=request.user, alert_id=alert_id)
    except NotFound:
        from django.http import Http404

        raise Http404 from None


def _rows(request: HttpRequest) -> list[dict[str, Any]]:
    now = timezone.now()
    return [alert_summary(a, now=now) for a in selectors.alert_list(actor=request.user)[:200]]


@login_required
@no_store
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.ALERTS_VIEW)
    return render(
        request,
        "alerts/console.html",
        {
            "alerts": _rows(request),
            "may_handle": actor_has_perm(request.user, Perm.ALERTS_HANDLE),
            "may_stats": actor_has_perm(request.user, Perm.ALERTS_STATS),
            "may_configure": actor_has_perm(request.user, Perm.ALERTS_CONFIGURE),
        },
    )


def _sse(event: str, data: Any, event_id: str = "") -> bytes:
    lines = [f"event: {event}"]
    if event_id:
        lines.append(f"id: {event_id}")
    lines.append("data: " + json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return ("\n".join(lines) + "\n\n").encode()


def _cursor(raw: str) -> dt.datetime | None:
    try:
        # A "+" of the offset arrives as a space when the query string was not encoded.
        value = dt.datetime.fromisoformat(raw.strip().replace(" ", "+"))
    except ValueError:
        return None
    return value if timezone.is_aware(value) else None


def _stream(actor: Any, since: dt.datetime, seconds: float) -> Iterator[bytes]:
    """Poll for changed alerts. A write stamped before the cursor may commit after it (a slow
    transaction), so each poll looks back LAG further and skips versions already sent."""
    yield b"retry: 1000\n\n"
    deadline = time.monotonic() + seconds
    cursor = since
    sent: dict[Any, dt.datetime] = {}
    while True:
        changed = list(
            selectors.alert_changes_since(actor=actor, since=cursor - LAG)
            .select_related("elder", "assignee")
            .order_by("updated_at", "id")[:500]
        )
        now = timezone.now()
        fresh = False
        for alert in changed:
            if sent.get(alert.pk) == alert.updated_at:
                continue
            sent[alert.pk] = alert.updated_at
            cursor = max(cursor, alert.updated_at)
            fresh = True
            yield _sse("alert", alert_summary(alert, now=now), cursor.isoformat())
        if time.monotonic() >= deadline:
            return
        if not fresh:
            yield b": ping\n\n"
        time.sleep(POLL_SECONDS)


@login_required
@no_store
@require_GET
def stream(request: HttpRequest) -> HttpResponseBase:
    """Server-sent events of every visible alert that changes (new, escalated, acknowledged,
    resolved). Without ``Accept: text/event-stream`` it answers the current list as JSON."""
    _need(request, Perm.ALERTS_VIEW)
    if "text/event-stream" not in request.headers.get("Accept", ""):
        return JsonResponse({"items": _rows(request)}, encoder=DjangoJSONEncoder)
    since = (
        _cursor(request.headers.get("Last-Event-ID", ""))
        or _cursor(request.GET.get("since", ""))
        or timezone.now()
    )
    response = StreamingHttpResponse(
        _stream(request.user, since, STREAM_SECONDS), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-store"
    response["X-Accel-Buffering"] = "no"
    return response


def _elder_context(request: HttpRequest, alert: Alert) -> dict[str, Any]:
    """The elder as the operator needs them: level, contacts (dialable when the role may see
    numbers — revealing them is audited like the elder page's reveal)."""
    from silvercare.assessments.selectors import assessment_current_level
    from silvercare.elders import selectors as elders
    from silvercare.elders.presenters import elder_detail
    from silvercare.elders.services import elder_reveal

    try:
        elder = elders.elder_get_for(actor=request.user, elder_id=alert.elder_id)
    except DomainError:
        return {}
    revealed = None
    if elders.elder_can(request.user, elder, Perm.ELDERS_VIEW_PII):
        revealed = elder_reveal(ctx=audit_ctx(request), elder=elder)
    data = elder_detail(elder, revealed, actor=request.user)
    return {
        "elder": data,
        **_health_context(elder),
        "level": assessment_current_level(elder),
        "dialable": revealed is not None,
        "elder_phone": revealed["phone"] if revealed else data["phone"],
    }


def _health_context(elder: Any) -> dict[str, Any]:
    """Conditions and medicines from the elder's health profile (monitoring), if any."""
    from silvercare.monitoring.choices import Condition
    from silvercare.monitoring.selectors import health_profile_of

    profile = health_profile_of(elder)
    names = dict(Condition.choices)
    return {
        "conditions": [str(names.get(c, c)) for c in profile.conditions] if profile else [],
        "medications": list(profile.medications) if profile else [],
        "health_note": profile.note if profile else "",
    }


@login_required
@no_store
@require_GET
def detail(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = _get(request, alert_id)
    may_handle = actor_has_perm(request.user, Perm.ALERTS_HANDLE, alert.region_code)
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "data": alert_summary(alert),
            "events": [event_row(e) for e in selectors.alert_timeline(alert)],
            "attempts": [attempt_row(a) for a in selectors.alert_attempts(alert)],
            "may_handle": may_handle and alert.is_active,
            "is_open": alert.status == AlertStatus.OPEN,
            "handlers": selectors.alert_handlers(actor=request.user, alert=alert)
            if may_handle
            else [],
            "resolutions": Resolution.choices,
            "referral": selectors.referral_of(alert),
            "may_order": actor_has_perm(request.user, Perm.CARE_ORDER, alert.region_code),
            "fall_rate": selectors.fall_alarm_rate(actor=request.user, elder_id=alert.elder_id)
            if alert.kind == AlertKind.FALL
            else None,
            **_elder_context(request, alert),
        },
    )


def _act(request: HttpRequest, alert_id: uuid.UUID) -> Alert:
    alert = _get(request, alert_id)
    if not actor_has_perm(request.user, Perm.ALERTS_HANDLE, alert.region_code):
        raise PermissionDenied
    return alert


def _done(request: HttpRequest, alert: Alert, text: str) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(alert_summary(alert), encoder=DjangoJSONEncoder)
    messages.success(request, text)
    return redirect("alerts:detail", alert_id=alert.pk)


def _failed(request: HttpRequest, alert: Alert, exc: DomainError) -> HttpResponse:
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "code": exc.code,
                "detail": str(exc.message),
                "errors": [e.as_dict() for e in exc.errors],
            },
            status=exc.status,
        )
    for error in exc.errors or []:
        messages.error(request, str(error.message))
    if not exc.errors:
        messages.error(request, str(exc.message))
    return redirect("alerts:detail", alert_id=alert.pk)


@login_required
@require_POST
def acknowledge(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = _act(request, alert_id)
    try:
        alert = services.alert_acknowledge(
            ctx=audit_ctx(request), alert=alert, note=request.POST.get("note", "")[:500]
        )
    except DomainError as exc:
        return _failed(request, alert, exc)
    return _done(request, alert, _("Alert acknowledged."))


@login_required
@require_POST
def assign(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = _act(request, alert_id)
    raw = request.POST.get("assignee", "")
    assignee = (
        request.user
        if raw == "me"
        else User.objects.filter(pk=int(raw), is_active=True).first()
        if raw.isdigit() and len(raw) < 10
        else None
    )
    try:
        alert = services.alert_assign(ctx=audit_ctx(request), alert=alert, assignee=assignee)
    except DomainError as exc:
        return _failed(request, alert, exc)
    return _done(request, alert, _("Alert assigned."))


@login_required
@require_POST
def resolve(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = _act(request, alert_id)
    try:
        alert = services.alert_resolve(
            ctx=audit_ctx(request),
            alert=alert,
            resolution=request.POST.get("resolution", ""),
            note=request.POST.get("note", "")[:2000],
        )
    except DomainError as exc:
        return _failed(request, alert, exc)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if (
        alert.resolution == Resolution.REFERRAL
        and not wants_json
        and actor_has_perm(request.user, Perm.CARE_ORDER, alert.region_code)
    ):
        messages.success(request, _("Alert resolved. Now place the care order."))
        url = reverse("homecare:order_new", kwargs={"elder_id": alert.elder_id})
        return redirect(f"{url}?alert={alert.pk}")
    return _done(request, alert, _("Alert resolved."))


@login_required
@require_POST
def note(request: HttpRequest, alert_id: uuid.UUID) -> HttpResponse:
    alert = _act(request, alert_id)
    try:
        services.alert_add_note(
            ctx=audit_ctx(request), alert=alert, note=request.POST.get("note", "")[:2000]
        )
    except DomainError as exc:
        return _failed(request, alert, exc)
    return _done(request, alert, _("Note added."))


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    _need(request, Perm.ALERTS_STATS)
    try:
        days = min(max(int(request.GET.get("days", "30")), 1), 366)
    except ValueError:
        days = 30
    level = request.GET.get("level", "community")
    if level not in ("community", "street", "district"):
        level = "community"
    rows = alert_stats(
        actor=request.user,
        since=timezone.now() - dt.timedelta(days=days),
        level=level,
        with_total=True,
    )
    return render(
        request,
        "alerts/stats.html",
        {
            "rows": [r for r in rows if r.region_code],
            "total": next((r for r in rows if not r.region_code), None),
            "days": days,
            "level": level,
            "levels": [
                ("community", _("Community")),
                ("street", _("Street")),
                ("district", _("District")),
            ],
        },
    )


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    """Every visible alert, newest first, optionally of one elder (linked from the elder's
    page)."""
    from silvercare.common.pagination import paginate, query_without_page

    _need(request, Perm.ALERTS_VIEW)
    try:
        elder_id = uuid.UUID(request.GET.get("elder", "")) if request.GET.get("elder") else None
    except ValueError:
        elder_id = None
    qs = selectors.alert_list(
        actor=request.user, filters=selectors.AlertFilters(status="all", elder_id=elder_id)
    ).order_by("-created_at", "id")
    page = paginate(request, qs)
    return render(
        request,
        "alerts/history.html",
        {
            "page": page,
            "rows": [alert_summary(a) for a in page.object_list],
            "query": query_without_page(request),
            "elder_id": elder_id,
            "fall_rate": selectors.fall_alarm_rate(actor=request.user, elder_id=elder_id)
            if elder_id
            else None,
        },
    )
