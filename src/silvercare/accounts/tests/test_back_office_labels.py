"""Issue 8, point 3: the back office names its sections in Chinese, third-party apps too."""

from __future__ import annotations

import pytest
from django.test import Client

from silvercare.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_back_office_index_speaks_chinese() -> None:
    admin = User.objects.create_superuser("root", password="Test-password-2026")
    client = Client()
    client.force_login(admin)
    html = client.get("/admin/").content.decode()

    for shown in ("登录锁定", "双重验证（身份验证器）", "后台任务", "银龄关爱后台", "登录尝试"):
        assert shown in html, shown
    for raw in ("Axes", "AXES", "Otp_Totp", "OTP_TOTP", "Django 站点管理员", "TOTP devices"):
        assert raw not in html, raw
    for english in ("Tasks Database Backend", "Access attempts", "Model name", "Add link"):
        assert english not in html, english
