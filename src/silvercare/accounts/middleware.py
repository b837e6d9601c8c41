"""Staff must pass a TOTP second factor when SILVERCARE_REQUIRE_STAFF_2FA is on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from silvercare.accounts.roles import STAFF_ROLES
from silvercare.accounts.scoping import actor_roles

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/", "/api/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and not user.is_verified()  # type: ignore[attr-defined]
            and self._needs_second_factor(request)
        ):
            return redirect(reverse("accounts:otp") + "?" + urlencode({"next": request.path}))
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        """Anyone who enrolled a device must use it; staff must enrol when required."""
        if user_has_device(request.user, confirmed=True):
            return True
        return bool(
            settings.SILVERCARE_REQUIRE_STAFF_2FA and actor_roles(request.user) & STAFF_ROLES
        )
