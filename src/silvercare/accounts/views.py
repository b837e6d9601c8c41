"""Sign-in (with the TOTP second factor), home per role, API tokens and user admin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from silvercare.accounts import selectors, services
from silvercare.accounts.forms import GrantForm, OtpForm, TokenForm, UserCreateForm
from silvercare.accounts.role_homes import home_sections
from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.common.errors import DomainError
from silvercare.common.forms import apply_errors
from silvercare.common.home_panels import panels_for
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_status_counts


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    stats: dict[str, Any] = {}
    if actor_has_perm(user, Perm.ELDERS_VIEW):
        stats["elders_by_status"] = elder_status_counts(actor=user)
        stats["elders_total"] = sum(stats["elders_by_status"].values())
    held = list(selectors.grant_list(user=user))
    grants = [
        {"role": grant.get_role_display(), "region": grant.region.name, "code": grant.region_id}
        for grant in held
    ]
    sections = home_sections(user, {grant.role for grant in held})
    return render(
        request,
        "accounts/home.html",
        {"stats": stats, "grants": grants, "sections": sections, "panels": panels_for(request)},
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def otp(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code; a user with no device first enrols one here."""
    user = request.user
    confirmed = user_has_device(user, confirmed=True)
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if confirmed
        else TOTPDevice.objects.get_or_create(
            user=user, confirmed=False, defaults={"name": "default"}
        )[0]
    )
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", _("That code is not right. Try the newest code."))
    context = {"form": form, "enrolling": not confirmed, "next": _safe_next(request)}
    if not confirmed:
        context["secret"] = _b32(device.bin_key)
        context["config_url"] = device.config_url
    return render(request, "accounts/otp.html", context)


def _b32(key: bytes) -> str:
    import base64

    return base64.b32encode(key).decode().rstrip("=")


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created_secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, created_secret = services.token_create(
                ctx=audit_ctx(request),
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data["expires_at"],
            )
            form = TokenForm()
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.token_list(actor=request.user),
            "created_secret": created_secret,
            "may_create": actor_has_perm(request.user, Perm.TOKENS_OWN),
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        services.token_revoke(ctx=audit_ctx(request), token_id=token_id)
        messages.success(request, _("The token was revoked."))
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounts:tokens")


@login_required
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.USERS_MANAGE):
        return render(request, "404.html", status=404)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_create(
                ctx=audit_ctx(request),
                username=data["username"],
                password=data["password"],
                display_name=data["display_name"],
                grants=[(data["role"], data["region_code"])],
            )
            messages.success(request, _("User %(name)s was created.") % {"name": data["username"]})
            return redirect("accounts:users")
        except DomainError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "accounts/users.html",
        {
            "form": form,
            "users": selectors.user_list(actor=request.user)[:500],
            "grant_form": GrantForm(),
            "scopes": actor_prefixes(request.user, Perm.USERS_MANAGE),
        },
    )


@login_required
@require_POST
def user_grant(request: HttpRequest, user_id: int) -> HttpResponse:
    if not actor_has_perm(request.user, Perm.USERS_MANAGE):
        return render(request, "404.html", status=404)
    try:
        target = selectors.user_get_for(actor=request.user, user_id=user_id)
    except DomainError:
        return render(request, "404.html", status=404)
    form = GrantForm(request.POST)
    if form.is_valid():
        try:
            services.grant_add(
                ctx=audit_ctx(request),
                user=target,
                role=form.cleaned_data["role"],
                region_code=form.cleaned_data["region_code"],
            )
            messages.success(request, _("The role was granted."))
        except DomainError as exc:
            messages.error(
                request, "; ".join(str(e.message) for e in exc.errors) or str(exc.message)
            )
    else:
        messages.error(request, _("Choose a role and a 12-digit region code."))
    return redirect("accounts:users")
