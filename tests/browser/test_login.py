"""Signing in through the real form."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from playwright.sync_api import Page, expect

from silvercare.accounts.roles import Role
from tests.browser.support import DEFAULT_LANGUAGE, sign_in, submit_login, ui_text

pytestmark = pytest.mark.browser


def _invalid_login_message() -> str:
    with translation.override(DEFAULT_LANGUAGE):
        username = get_user_model()._meta.get_field("username").verbose_name
        return str(AuthenticationForm.error_messages["invalid_login"]) % {"username": username}


def test_wrong_password_then_right_one_shows_the_role(page: Page, worker: Any) -> None:
    submit_login(page, worker.username, "not-the-password")

    expect(page.get_by_role("main").locator(".errorlist")).to_have_text(_invalid_login_message())
    expect(page).to_have_url("/accounts/login/")
    expect(page.locator("#id_username")).to_have_value(worker.username)
    expect(page.locator("#id_password")).to_have_value("")  # never echoed back

    sign_in(page, worker.username)

    roles = page.get_by_role("region", name=ui_text("Your roles"))
    with translation.override(DEFAULT_LANGUAGE):
        role_label = str(Role.COMMUNITY_WORKER.label)
    expect(roles.get_by_role("listitem")).to_have_count(1)
    expect(roles.get_by_role("listitem")).to_contain_text(role_label)
    expect(page.get_by_role("main").locator(".errorlist")).to_have_count(0)
