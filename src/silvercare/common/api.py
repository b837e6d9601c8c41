"""The REST API under /api/v1/: authentication, the problem+json error model, routers."""

from __future__ import annotations

import logging
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from silvercare.common.errors import DomainError
from silvercare.common.problems import problem_response

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer sc_…`` — an API token created in the UI, acting as its user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from silvercare.accounts.services import token_authenticate

        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's session cookie (with CSRF on unsafe methods), verified with the second
    factor whenever the user must have one."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from silvercare.accounts.second_factor import (
            SECOND_FACTOR_REQUIRED,
            second_factor_pending,
        )

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if second_factor_pending(user):
            # Signed in with the password only, while a second factor is required: nothing
            # behind the API (reveals, tokens, users) is reachable until the OTP page.
            raise DomainError(
                code=SECOND_FACTOR_REQUIRED,
                status=403,
                message=_("Verify this session with your authenticator code first."),
                extra={"otp_url": reverse("accounts:otp")},
            )
        return user


api = NinjaAPI(
    title="SilverCare API",
    version="1.0.0",
    description="Registry, regions and integration tokens of SilverCare. Errors are "
    "application/problem+json.",
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url=None,
)


def _field_path(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem_response(
        status=exc.status,
        code=exc.code,
        title=str(exc.message),
        errors=[e.as_dict() for e in exc.errors],
        extra=exc.extra,
    )


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {
            "field": _field_path(e.get("loc", ())),
            "code": str(e.get("type", "invalid")),
            "message": str(e.get("msg", "")),
        }
        for e in exc.errors
    ]
    return problem_response(
        status=422, code="validation_failed", title=_("Some fields are not valid."), errors=errors
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        status=401, code="not_authenticated", title=_("Sign in or send a valid API token.")
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem_response(status=exc.status_code, code="http_error", title=str(exc))


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(status=404, code="not_found", title=_("Not found."))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error")
    return problem_response(
        status=500, code="server_error", title=_("Something went wrong on our side.")
    )


def _register() -> None:
    from silvercare.accounts.api import router as tokens_router
    from silvercare.alerts.api import router as alerts_router
    from silvercare.assessments.api import router as assessments_router
    from silvercare.elders.api import router as elders_router
    from silvercare.monitoring.api import router as monitoring_router
    from silvercare.regions.api import router as regions_router
    from silvercare.subsidies.api import router as subsidies_router

    api.add_router("/elders", elders_router)
    api.add_router("/regions", regions_router)
    api.add_router("/tokens", tokens_router)
    api.add_router("/assessments", assessments_router)
    api.add_router("/subsidies", subsidies_router)
    api.add_router("/monitoring", monitoring_router)
    from silvercare.training.api import router as training_router

    api.add_router("/training", training_router)
    api.add_router("/alerts", alerts_router)
    from silvercare.adaptation.api import router as adaptation_router
    from silvercare.assistive.api import router as assistive_router
    from silvercare.homecare.api import router as homecare_router
    from silvercare.rental.api import router as rental_router

    api.add_router("/assistive", assistive_router)
    api.add_router("/rental", rental_router)
    api.add_router("/care", homecare_router)
    api.add_router("/adaptation", adaptation_router)
    from silvercare.canteens.api import router as canteens_router
    from silvercare.industry.api import router as industry_router
    from silvercare.portal.api import router as portal_router
    from silvercare.supervision.api import router as supervision_router

    api.add_router("/industry", industry_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/canteens", canteens_router)
    api.add_router("/portal", portal_router)
    from silvercare.indicators.api import router as indicators_router

    api.add_router("/indicators", indicators_router)


_register()
