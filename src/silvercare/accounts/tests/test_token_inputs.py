"""Issue 7, points 6 and 10 for API tokens: an expiry without a time zone is a 422 naming
the field (it used to be a 500), and a token name refuses control characters."""

from __future__ import annotations

import pytest

from silvercare.accounts.models import ApiToken
from silvercare.common.testing import client_for

pytestmark = pytest.mark.django_db


def test_a_naive_expiry_is_a_422_naming_the_field(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    naive = client.post(
        "/api/v1/tokens/",
        {"name": "nightly", "expires_at": "2031-01-01T08:00:00"},
        content_type="application/json",
    )
    assert naive.status_code == 422
    assert naive["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in naive.json()["errors"]] == ["expires_at"]
    assert not ApiToken.objects.exists()
    aware = client.post(
        "/api/v1/tokens/",
        {"name": "nightly", "expires_at": "2031-01-01T08:00:00+08:00"},
        content_type="application/json",
    )
    assert aware.status_code == 201, aware.content
    assert ApiToken.objects.get().expires_at.isoformat() == "2031-01-01T00:00:00+00:00"


def test_a_token_name_refuses_control_characters(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    response = client.post(
        "/api/v1/tokens/", {"name": "night\x1bly"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("name", "text_control_characters")
    ]
    page = client.post("/accounts/tokens/", {"name": "night\x07ly"})
    assert page.status_code in (200, 422)
    assert not ApiToken.objects.exists()
