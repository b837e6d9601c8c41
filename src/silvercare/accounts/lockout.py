"""The login lockout: django-axes' database handler with a per-address ceiling on top.

Axes locks a (username, IP address) pair after ``AXES_FAILURE_LIMIT`` failures. That alone lets
one address try a few passwords against every username; so an address is also locked, for
every username, once its failures across all usernames reach
``SILVERCARE_LOGIN_IP_FAILURE_LIMIT`` within the same cool-off window. A successful sign-in
resets only the signed-in user's own failures, never the address's ceiling.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def _address_failures(request: HttpRequest) -> int:
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    total = attempts.aggregate(total=Sum("failures_since_start"))["total"]
    return int(total or 0)


class AddressCeilingHandler(AxesDatabaseHandler):  # type: ignore[misc]
    """Failures of the (username, address) pair, or the lockout limit itself once the
    address as a whole has reached its ceiling."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if _address_failures(request) >= settings.SILVERCARE_LOGIN_IP_FAILURE_LIMIT:
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures
