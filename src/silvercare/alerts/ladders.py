"""The escalation-ladder page: list the ladders an officer may configure and edit one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_is_national_admin
from silvercare.alerts import selectors, services
from silvercare.alerts.choices import Channel, Recipient, Severity
from silvercare.common.errors import DomainError
from silvercare.common.request import audit_ctx

MAX_STEPS = 6


def may_configure(actor: Any, region_code: str) -> bool:
    """The city-wide default ladders are the national administrator's; a region's ladder
    belongs to whoever may configure alerts there."""
    if not region_code:
        return actor_is_national_admin(actor)
    return actor_is_national_admin(actor) or actor_has_perm(
        actor, Perm.ALERTS_CONFIGURE, region_code
    )


def _minutes(raw: str) -> int | None:
    try:
        value = float(raw or "0")
    except ValueError:
        return None
    return int(value * 60) if 0 <= value <= 7 * 24 * 60 else None


def _steps_from(post: Any) -> tuple[list[services.StepIn], list[str]]:
    steps: list[services.StepIn] = []
    problems: list[str] = []
    for i in range(MAX_STEPS):
        recipient = post.get(f"recipient_{i}", "")
        if not recipient:
            continue
        channels = [c.strip() for c in post.get(f"channels_{i}", "").split(",") if c.strip()]
        delay, repeat = _minutes(post.get(f"delay_{i}", "")), _minutes(post.get(f"repeat_{i}", ""))
        if delay is None or repeat is None:
            problems.append(
                _("Step %(n)s: minutes must be a number from 0 to 10080.") % {"n": i + 1}
            )
            continue
        steps.append(
            services.StepIn(
                recipient=recipient, channels=channels, delay_seconds=delay, repeat_seconds=repeat
            )
        )
    return steps, problems


@login_required
@require_http_methods(["GET", "POST"])
def ladders(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.ALERTS_CONFIGURE) and not actor_is_national_admin(
        request.user
    ):
        raise PermissionDenied
    region_code = request.GET.get("region", "").strip()
    severity = request.GET.get("severity", Severity.CRITICAL)
    if severity not in Severity.values or (region_code and not region_code.isdigit()):
        severity, region_code = Severity.CRITICAL, ""
    region_code = region_code[:12]
    editable = may_configure(request.user, region_code)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        steps, problems = _steps_from(request.POST)
        if problems:
            for problem in problems:
                messages.error(request, problem)
        else:
            try:
                services.ladder_save(
                    ctx=audit_ctx(request),
                    region_code=region_code or None,
                    severity=severity,
                    steps=steps,
                )
            except DomainError as exc:
                for error in exc.errors or []:
                    messages.error(request, f"{error.field}: {error.message}")
                if not exc.errors:
                    messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Escalation ladder saved."))
                return redirect(f"{request.path}?region={region_code}&severity={severity}")
    own = selectors.ladder_exact(region_code=region_code or None, severity=severity)
    effective = own or selectors.ladder_for(region_code=region_code, severity=severity)
    current = list(effective.steps.order_by("position")) if effective else []
    rows = [
        {
            "i": i,
            "recipient": current[i].recipient if i < len(current) else "",
            "channels": ", ".join(current[i].channels) if i < len(current) else "",
            "delay": current[i].delay_seconds / 60 if i < len(current) else "",
            "repeat": current[i].repeat_seconds / 60 if i < len(current) else "",
        }
        for i in range(MAX_STEPS)
    ]
    return render(
        request,
        "alerts/ladders.html",
        {
            "ladders": selectors.ladder_list(actor=request.user),
            "region_code": region_code,
            "severity": severity,
            "severities": Severity.choices,
            "recipients": Recipient.choices,
            "channels": Channel.choices,
            "rows": rows,
            "own": own,
            "inherited": effective is not None and effective != own,
            "editable": editable,
        },
    )
