"""Issue 7, point 1: the second factor guards every door, not only the registry pages.

A session that signed in with the password alone, while its user must use a second factor
(staff with SILVERCARE_REQUIRE_STAFF_2FA, or anyone who enrolled a device), reaches nothing
but the OTP page: no reveal through the API, no API token, no new user.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from silvercare.accounts.models import ApiToken, User
from silvercare.audit.models import AuditAction, AuditEvent
from silvercare.common.testing import (
    COMMUNITY_A1,
    PASSWORD,
    STREET_A,
    id_number,
    make_elder,
    make_user,
)

pytestmark = pytest.mark.django_db
ID_NUMBER = id_number(seq=321)


def signed_in(user: User) -> Client:
    """A session after the password step only."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def verify(client: Client, user: User) -> None:
    """Pass the OTP page (enrolling a device first when the user has none)."""
    assert client.get("/accounts/otp/").status_code == 200
    device = TOTPDevice.objects.get(user=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    done = client.post("/accounts/otp/", {"token": f"{code:06d}", "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"


def assert_second_factor_problem(response: Any) -> None:
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "second_factor_required"
    assert body["otp_url"] == "/accounts/otp/"


def assert_sent_to_otp(response: Any) -> None:
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/otp/")


@pytest.fixture
def worker_and_elder(regions: None) -> tuple[User, Any]:
    worker = make_user("community_worker", STREET_A, "two_factor_worker")
    elder = make_elder(worker, COMMUNITY_A1, id_number=ID_NUMBER)
    return worker, elder


@override_settings(SILVERCARE_REQUIRE_STAFF_2FA=True)
def test_unverified_session_cannot_reveal_through_the_api(worker_and_elder: Any) -> None:
    worker, elder = worker_and_elder
    client = signed_in(worker)
    response = client.get(f"/api/v1/elders/{elder.pk}?reveal=true")
    assert_second_factor_problem(response)
    assert ID_NUMBER not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_PII).exists()
    # Reading without reveal is refused too: the whole API waits for the second factor.
    assert_second_factor_problem(client.get("/api/v1/elders/"))

    verify(client, worker)
    revealed = client.get(f"/api/v1/elders/{elder.pk}?reveal=true")
    assert revealed.status_code == 200
    assert revealed.json()["id_number"] == ID_NUMBER
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PII).count() == 1


@override_settings(SILVERCARE_REQUIRE_STAFF_2FA=True)
def test_unverified_session_cannot_create_tokens_by_page_or_api(worker_and_elder: Any) -> None:
    worker, _elder = worker_and_elder
    client = signed_in(worker)
    by_api = client.post("/api/v1/tokens/", {"name": "sneaky"}, content_type="application/json")
    assert_second_factor_problem(by_api)
    assert_sent_to_otp(client.get("/accounts/tokens/"))
    assert_sent_to_otp(client.post("/accounts/tokens/", {"name": "sneaky"}))
    assert not ApiToken.objects.exists()

    verify(client, worker)
    created = client.post("/api/v1/tokens/", {"name": "gateway"}, content_type="application/json")
    assert created.status_code == 201
    page = client.post("/accounts/tokens/", {"name": "second"})
    assert page.status_code == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["gateway", "second"]
    # The bearer token made from the verified session works on its own, without a session.
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {created.json()['token']}")
    assert bearer.get("/api/v1/elders/").status_code == 200


@override_settings(SILVERCARE_REQUIRE_STAFF_2FA=True)
def test_unverified_system_admin_cannot_create_users(regions: None) -> None:
    admin = make_user("system_admin", STREET_A, "two_factor_admin")
    client = signed_in(admin)
    new_user = {
        "username": "created_unverified",
        "display_name": "",
        "password": "Another-password-2026",
        "role": "caregiver",
        "region_code": COMMUNITY_A1,
    }
    assert_sent_to_otp(client.post("/accounts/users/", new_user))
    assert_sent_to_otp(client.get("/accounts/users/"))
    assert_sent_to_otp(client.get("/admin/"))
    assert not User.objects.filter(username="created_unverified").exists()

    verify(client, admin)
    assert client.post("/accounts/users/", new_user).status_code == 302
    assert User.objects.filter(username="created_unverified").exists()


def test_an_enrolled_device_is_required_even_without_the_staff_setting(
    worker_and_elder: Any,
) -> None:
    worker, elder = worker_and_elder
    TOTPDevice.objects.create(user=worker, name="phone", confirmed=True)
    client = signed_in(worker)
    assert_second_factor_problem(client.get(f"/api/v1/elders/{elder.pk}?reveal=true"))
    assert_sent_to_otp(client.get("/accounts/tokens/"))
    verify(client, worker)
    assert client.get(f"/api/v1/elders/{elder.pk}?reveal=true").status_code == 200


@override_settings(SILVERCARE_REQUIRE_STAFF_2FA=True)
def test_only_sign_in_sign_out_and_the_otp_page_stay_open(worker_and_elder: Any) -> None:
    worker, _elder = worker_and_elder
    client = signed_in(worker)
    assert client.get("/accounts/otp/").status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    for path in ("/", "/accounts/tokens/", "/accounts/users/", "/elders/", "/audit/"):
        assert_sent_to_otp(client.get(path))
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


@override_settings(SILVERCARE_REQUIRE_STAFF_2FA=True)
def test_a_family_member_without_a_device_needs_no_second_factor(regions: None) -> None:
    family = make_user("elder_family", STREET_A, "family_member")
    client = signed_in(family)
    assert client.get("/api/v1/tokens/").status_code == 200
    assert client.get("/").status_code == 200
