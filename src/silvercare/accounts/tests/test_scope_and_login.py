import pytest
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm, actor_prefixes
from silvercare.accounts.services import grant_add
from silvercare.audit.services import AuditContext
from silvercare.common.testing import (
    COMMUNITY_A1,
    COMMUNITY_B1,
    COMMUNITY_LUOHU,
    PASSWORD,
    STREET_A,
    make_elder,
    make_user,
)
from silvercare.elders.models import Elder

pytestmark = pytest.mark.django_db


def test_prefixes_collapse_and_follow_roles(regions: None) -> None:
    user = make_user("community_worker", STREET_A)
    grant_add(
        ctx=AuditContext(actor=None),
        user=user,
        role="community_worker",
        region_code=COMMUNITY_A1,
        check_actor=False,
    )
    grant_add(
        ctx=AuditContext(actor=None),
        user=user,
        role="caregiver",
        region_code="440303000000",
        check_actor=False,
    )
    assert actor_prefixes(user, Perm.ELDERS_EDIT) == ["440304001"]
    assert actor_prefixes(user, Perm.ELDERS_VIEW) == ["440303", "440304001"]
    assert actor_has_perm(user, Perm.ELDERS_EDIT, COMMUNITY_A1)
    assert not actor_has_perm(user, Perm.ELDERS_EDIT, COMMUNITY_LUOHU)


def test_visible_to_filters_by_prefix(regions: None) -> None:
    worker = make_user("community_worker", STREET_A)
    district = make_user("civil_affairs", "440304000000")
    luohu = make_user("community_worker", "440303001000")
    a = make_elder(worker, COMMUNITY_A1)
    b = make_elder(district, COMMUNITY_B1)
    c = make_elder(luohu, COMMUNITY_LUOHU)
    assert set(Elder.objects.visible_to(worker, Perm.ELDERS_VIEW)) == {a}
    assert set(Elder.objects.visible_to(district, Perm.ELDERS_VIEW)) == {a, b}
    assert set(Elder.objects.visible_to(luohu, Perm.ELDERS_VIEW)) == {c}
    nobody = make_user("enterprise", "440300000000")
    assert not Elder.objects.visible_to(nobody, Perm.ELDERS_VIEW).exists()


def test_argon2_hashes_passwords_outside_the_test_settings(regions: None) -> None:
    from django.conf import settings

    assert settings.PASSWORD_HASHERS[-2].endswith("Argon2PasswordHasher")
    user = make_user("caregiver", STREET_A)
    assert "$" in user.password and PASSWORD not in user.password


def test_lockout_after_repeated_failures(regions: None) -> None:
    make_user("caregiver", STREET_A, username="carol")
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "carol", "password": "wrong"})
    assert response.status_code in (403, 429)
    # Even the right password is refused while locked.
    locked = client.post("/accounts/login/", {"username": "carol", "password": PASSWORD})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_login_works_with_right_password(regions: None) -> None:
    make_user("caregiver", STREET_A, username="dave")
    client = Client()
    response = client.post("/accounts/login/", {"username": "dave", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@override_settings(SILVERCARE_REQUIRE_STAFF_2FA=True)
def test_staff_must_enrol_and_use_totp(regions: None) -> None:
    make_user("community_worker", STREET_A, username="erin")
    client = Client()
    client.post("/accounts/login/", {"username": "erin", "password": PASSWORD})
    page = client.get("/elders/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/otp/")
    enrol = client.get(page["Location"])
    assert enrol.status_code == 200
    device = TOTPDevice.objects.get(user__username="erin")
    assert not device.confirmed
    wrong = client.post("/accounts/otp/?next=/elders/", {"token": "000000"})
    assert wrong.status_code == 200
    assert 'class="errorlist"' in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a failure
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = client.post("/accounts/otp/", {"token": code, "next": "/elders/"})
    assert done.status_code == 302
    assert done["Location"] == "/elders/"
    assert client.get("/elders/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_api_token_lifecycle(regions: None) -> None:
    user = make_user("community_worker", STREET_A)
    make_elder(user, COMMUNITY_A1, name="令牌可见")
    session = Client()
    session.force_login(user)
    created = session.post("/api/v1/tokens/", {"name": "gateway"}, content_type="application/json")
    assert created.status_code == 201
    secret = created.json()["token"]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = api.get("/api/v1/elders/")
    assert listed.status_code == 200
    assert [e["name"] for e in listed.json()["items"]] == ["令牌可见"]
    from silvercare.accounts.models import ApiToken

    stored = ApiToken.objects.get()
    assert secret not in stored.token_hash and stored.token_hash != secret
    assert session.delete(f"/api/v1/tokens/{stored.pk}").status_code == 204
    refused = api.get("/api/v1/elders/")
    assert refused.status_code == 401
    assert refused["Content-Type"] == "application/problem+json"


def test_token_of_another_user_cannot_be_revoked(regions: None) -> None:
    owner = make_user("community_worker", STREET_A)
    other = make_user("community_worker", STREET_A)
    client = Client()
    client.force_login(owner)
    token_id = client.post(
        "/api/v1/tokens/", {"name": "x"}, content_type="application/json"
    ).json()["id"]
    intruder = Client()
    intruder.force_login(other)
    assert intruder.delete(f"/api/v1/tokens/{token_id}").status_code == 404
    assert client.get("/api/v1/tokens/").json()[0]["revoked_at"] is None


def test_elder_family_role_cannot_create_tokens(regions: None) -> None:
    family = make_user("elder_family", COMMUNITY_A1)
    client = Client()
    client.force_login(family)
    response = client.post("/api/v1/tokens/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
