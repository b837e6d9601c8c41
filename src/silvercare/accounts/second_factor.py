"""Who must pass the TOTP second factor, decided in one place for the pages and the API.

Anyone who enrolled a device must use it; staff roles must enrol one when
``SILVERCARE_REQUIRE_STAFF_2FA`` is on. A session that signed in with the password alone is
"pending" until the OTP page verifies it: the pages redirect it there and the API's session
authentication refuses it. Bearer tokens are created from a verified session and act on their
own.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_otp import user_has_device

from silvercare.accounts.roles import STAFF_ROLES
from silvercare.accounts.scoping import actor_roles

SECOND_FACTOR_REQUIRED = "second_factor_required"


def second_factor_required(user: Any) -> bool:
    """True when ``user`` may act only from a session verified with a second factor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user_has_device(user, confirmed=True):
        return True
    return bool(settings.SILVERCARE_REQUIRE_STAFF_2FA and actor_roles(user) & STAFF_ROLES)


def second_factor_pending(user: Any) -> bool:
    """True for a signed-in session that still owes its second factor."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    is_verified = getattr(user, "is_verified", None)
    verified = bool(is_verified()) if callable(is_verified) else False
    return not verified and second_factor_required(user)
