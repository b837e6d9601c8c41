"""Issue 7, point 13: the login lockout has a ceiling per IP address across usernames, on top
of the lockout of one username from one address."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from silvercare.common.testing import PASSWORD, STREET_A, make_user

pytestmark = pytest.mark.django_db


def fail(client: Client, username: str, times: int) -> list[int]:
    return [
        client.post("/accounts/login/", {"username": username, "password": "wrong"}).status_code
        for _ in range(times)
    ]


def signs_in(client: Client, username: str) -> bool:
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    return response.status_code == 302 and "_auth_user_id" in client.session


@override_settings(AXES_FAILURE_LIMIT=5, SILVERCARE_LOGIN_IP_FAILURE_LIMIT=8)
def test_one_address_guessing_across_usernames_is_locked_out(regions: None) -> None:
    make_user("caregiver", STREET_A, username="victim")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    # Two guesses each against four usernames: no single username reaches its limit of 5.
    statuses = [
        status for name in ("ann", "bob", "cai", "dan") for status in fail(attacker, name, 2)
    ]
    assert statuses[:7] == [200] * 7  # the form again each time until the ceiling
    # The address has reached its ceiling: even a right password is refused from it...
    refused = attacker.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
    assert refused.status_code in (403, 429)
    assert "_auth_user_id" not in attacker.session
    # ...while the same person signs in from their own address.
    assert signs_in(Client(REMOTE_ADDR="198.51.100.20"), "victim")


@override_settings(AXES_FAILURE_LIMIT=5, SILVERCARE_LOGIN_IP_FAILURE_LIMIT=8)
def test_below_the_ceiling_other_users_of_the_address_still_sign_in(regions: None) -> None:
    make_user("caregiver", STREET_A, username="office_colleague")
    office = Client(REMOTE_ADDR="192.0.2.10")
    assert fail(office, "typo_user", 4) + fail(office, "other_typo", 3) == [200] * 7
    assert signs_in(office, "office_colleague")


def test_the_default_ceiling_is_above_the_per_username_limit() -> None:
    from django.conf import settings

    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.SILVERCARE_LOGIN_IP_FAILURE_LIMIT > settings.AXES_FAILURE_LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
