"""Phone sign-in with a one-time code: right, wrong, expired, reused; rate limits per phone
and per address; nothing tells who has an account; password sign-in still works."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from silvercare.portal import sms
from silvercare.portal.models import LoginCode
from silvercare.portal.tests.conftest import ELDER_PHONE

pytestmark = pytest.mark.django_db


def _ask(client: Client, phone: str, ip: str = "10.0.0.1") -> Any:
    return client.post("/portal/login/", {"step": "phone", "phone": phone}, REMOTE_ADDR=ip)


def _code() -> str:
    match = re.search(r"\b(\d{6})\b", sms.outbox[-1].text)
    assert match
    return match.group(1)


def _enter(client: Client, phone: str, code: str) -> Any:
    return client.post("/portal/login/", {"step": "code", "phone": phone, "code": code})


def test_code_signs_in_once(elder_account: Any) -> None:
    client = Client()
    response = _ask(client, ELDER_PHONE)
    assert response.status_code == 200
    assert len(sms.outbox) == 1 and sms.outbox[0].phone == ELDER_PHONE
    code = _code()
    # Only a keyed hash is stored.
    assert not LoginCode.objects.filter(code_hash__contains=code).exists()
    response = _enter(client, ELDER_PHONE, code)
    assert response.status_code == 302
    home = client.get("/portal/", follow=True)
    assert "陈桂芳" in home.content.decode()
    # The same code again, from a fresh browser: refused, plainly.
    again = _enter(Client(), ELDER_PHONE, code)
    assert again.status_code == 400
    assert "已经用过" in again.content.decode() or "already used" in again.content.decode()


def test_wrong_code_is_refused(elder_account: Any) -> None:
    client = Client()
    _ask(client, ELDER_PHONE)
    right = _code()
    wrong = "000000" if right != "000000" else "111111"
    response = _enter(client, ELDER_PHONE, wrong)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert LoginCode.objects.get().wrong_tries == 1


def test_code_dies_after_five_wrong_tries(elder_account: Any) -> None:
    client = Client()
    _ask(client, ELDER_PHONE)
    right = _code()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        _enter(client, ELDER_PHONE, wrong)
    response = _enter(client, ELDER_PHONE, right)
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_expired_code_is_refused(elder_account: Any) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _ask(client, ELDER_PHONE)
    code = _code()
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        response = _enter(client, ELDER_PHONE, code)
    assert response.status_code == 400
    assert "过期" in response.content.decode() or "expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_rate_limit_per_phone(elder_account: Any) -> None:
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert _ask(client, ELDER_PHONE).status_code == 200
        # Again within the minute: wait.
        assert _ask(client, ELDER_PHONE).status_code == 429
    for minute in range(1, 5):
        with time_machine.travel(start + dt.timedelta(minutes=2 * minute), tick=False):
            assert _ask(client, ELDER_PHONE).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=20), tick=False):
        response = _ask(client, ELDER_PHONE)
    assert response.status_code == 429
    assert len(sms.outbox) == 5


def test_rate_limit_per_address(regions: None) -> None:
    client = Client()
    for i in range(20):
        assert _ask(client, f"1391234{i:04d}", ip="10.9.9.9").status_code == 200
    assert _ask(client, "13912348888", ip="10.9.9.9").status_code == 429
    assert _ask(client, "13912348888", ip="10.9.9.10").status_code == 200


def test_unknown_phone_gets_the_same_answer_and_no_sms(regions: None) -> None:
    response = _ask(Client(), "13700000000")
    assert response.status_code == 200
    assert sms.outbox == []


def test_bad_phone_is_a_field_error(regions: None) -> None:
    response = _ask(Client(), "12345")
    assert response.status_code == 422
    assert "11" in response.content.decode()
    assert LoginCode.objects.count() == 0


def test_password_login_still_works(elder_account: Any) -> None:
    elder_account.set_password("Portal-password-2026")
    elder_account.save()
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": "chen_self", "password": "Portal-password-2026"}
    )
    assert response.status_code == 302
    assert client.get("/portal/", follow=True).status_code == 200
