"""Every page owes the TOTP second factor when the user must have one (see
``accounts.second_factor``). Only signing in and out, the OTP page itself, static files, the
health check and the language switch are exempt; the API refuses such a session on its own
(``common.api.SessionAuth``) with a problem+json answer instead of a redirect."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from silvercare.accounts.second_factor import second_factor_pending

_EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/api/")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def _exempt_paths(self) -> frozenset[str]:
        return frozenset(
            reverse(name) for name in ("accounts:login", "accounts:logout", "accounts:otp")
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.path not in self._exempt_paths
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and second_factor_pending(request.user)
        ):
            return redirect(reverse("accounts:otp") + "?" + urlencode({"next": request.path}))
        return self.get_response(request)
