import pytest
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_database_and_migrations() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "migrations": "ok"}}


@pytest.mark.django_db
def test_nul_characters_are_refused_not_crashing() -> None:
    response = Client().get("/api/v1/regions/?q=%00abc")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
