"""One qualification record: validity on a date, duplicates refused, assessors asked here."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.assessments.selectors import assessors_for
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, STREET_A, client_for, make_elder, make_user
from silvercare.training import services
from silvercare.training.models import Qualification
from silvercare.training.selectors import qualification_valid

pytestmark = pytest.mark.django_db


def _record(actor: Any, **values: Any) -> Qualification:
    data: dict[str, Any] = {
        "kind": "assessor",
        "number": "SZ-PG-1",
        "issued_by": "深圳市民政局",
        "valid_from": dt.date(2025, 1, 1),
        "valid_until": dt.date(2025, 12, 31),
        **values,
    }
    return services.qualification_record(ctx=AuditContext(actor=actor, via="test"), **data)


def test_validity_on_a_date(officer: Any, family: list[Any]) -> None:
    assessor = make_user("assessor", STREET_A, "zhang_assessor")
    held = _record(officer, user=assessor)
    assert not qualification_valid(assessor, "assessor", on=dt.date(2024, 12, 31))
    assert qualification_valid(assessor, "assessor", on=dt.date(2025, 1, 1))
    assert qualification_valid(assessor, "assessor", on=dt.date(2025, 12, 31))
    assert not qualification_valid(assessor, "assessor", on=dt.date(2026, 1, 1))
    assert not qualification_valid(assessor, "nurse", on=dt.date(2025, 6, 1))
    # A family caregiver (an elder's contact) holds qualifications in the same record.
    _record(officer, contact=family[0], kind="family_caregiver", number="JT-1", valid_until=None)
    assert qualification_valid(family[0], "family_caregiver", on=dt.date(2030, 1, 1))
    assert not qualification_valid(family[1], "family_caregiver", on=dt.date(2030, 1, 1))
    services.qualification_revoke(ctx=AuditContext(actor=officer), qualification=held)
    assert not qualification_valid(assessor, "assessor", on=dt.date(2025, 6, 1))


def test_an_expired_assessor_is_not_offered_or_booked(officer: Any, worker: Any) -> None:
    today = timezone.localdate()
    assessor = make_user("assessor", "440304000000", "expiring_assessor")
    _record(
        officer,
        user=assessor,
        valid_from=today - dt.timedelta(days=400),
        valid_until=today + dt.timedelta(days=10),
    )
    assert assessor in assessors_for(region_code=COMMUNITY_A1, on=today)
    later = today + dt.timedelta(days=11)
    assert assessor not in assessors_for(region_code=COMMUNITY_A1, on=later)
    elder = make_elder(worker, COMMUNITY_A1)
    response = client_for(worker).post(
        "/api/v1/assessments/",
        {
            "elder_id": str(elder.pk),
            "reason": "first",
            "scheduled_for": later.isoformat(),
            "assessor_id": assessor.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "assessor_not_qualified"


def test_duplicate_number_is_refused_with_a_reason(officer: Any) -> None:
    first = make_user("caregiver", STREET_A, "cg_one")
    second = make_user("caregiver", STREET_A, "cg_two")
    client = client_for(officer)
    body = {
        "kind": "caregiver",
        "level": 4,
        "number": "YLHL-001",
        "issued_by": "广东省人社厅",
        "valid_from": "2025-01-01",
        "user_id": first.pk,
    }
    created = client.post("/api/v1/training/qualifications", body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = client.post(
        "/api/v1/training/qualifications",
        {**body, "user_id": second.pk},
        content_type="application/json",
    )
    assert again.status_code == 422
    assert again.json()["errors"][0]["code"] == "qualification_number_taken"
    assert Qualification.objects.filter(user=second).count() == 0
    # The same number from another issuing body is a different certificate.
    other = client.post(
        "/api/v1/training/qualifications",
        {**body, "user_id": second.pk, "issued_by": "深圳市人社局"},
        content_type="application/json",
    )
    assert other.status_code == 201
    # The page refuses it on the form, in the page's language, never a 500.
    page = client.post(
        "/training/qualifications/new/",
        {
            "username": "cg_two",
            "kind": "caregiver",
            "level": "4",
            "number": "YLHL-001",
            "issued_by": "广东省人社厅",
            "valid_from": "2025-01-01",
        },
    )
    assert page.status_code == 200
    assert "errorlist" in page.content.decode()


def test_a_caregiver_qualification_needs_its_level(officer: Any) -> None:
    holder = make_user("caregiver", STREET_A, "cg_level")
    response = client_for(officer).post(
        "/api/v1/training/qualifications",
        {"kind": "caregiver", "number": "X-1", "valid_from": "2025-01-01", "user_id": holder.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "level"


def test_a_bad_employer_email_is_refused(officer: Any) -> None:
    holder = make_user("caregiver", STREET_A, "cg_mail")
    response = client_for(officer).post(
        "/api/v1/training/qualifications",
        {
            "kind": "nurse",
            "number": "HS-1",
            "valid_from": "2025-01-01",
            "user_id": holder.pk,
            "employer_email": "not an address",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "employer_email"
    assert not Qualification.objects.filter(number="HS-1").exists()
