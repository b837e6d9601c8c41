"""Month-end settlement: verified visits become deliveries on the subsidy reservations and
the payer's claim adds up to them; a flagged visit is held until a supervisor approves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.testing import client_for
from silvercare.homecare import selectors, services
from silvercare.homecare.models import Visit

pytestmark = pytest.mark.django_db
HOME = (22.551, 114.091)


def _done_visits(
    worker: Any, elder: Any, provider: Any, bathing: Any, admin: Any, carer: Any, user: Any
) -> list[Visit]:
    """Two baths today, accepted (subsidy reserved), both done by 李梅: the first at the
    home, the second checked in 1 km away (flagged)."""
    visits = []
    for _ in range(2):
        order = services.order_create(
            ctx=AuditContext(actor=worker),
            elder=elder,
            service_type=bathing,
            provider=provider,
            first_date=timezone.localdate(),
            window_start=0,
            window_end=1440,
        )
        services.order_accept(ctx=AuditContext(actor=admin), order=order)
        Visit.objects.filter(order=order).update(status="scheduled", caregiver=carer)
        visits.append(order.visits.get())
    ctx = AuditContext(actor=user)
    later = timezone.now() + dt.timedelta(minutes=60)
    for visit, lat in zip(visits, (HOME[0], HOME[0] + 0.009), strict=True):
        services.visit_check_in(ctx=ctx, visit=visit, lat=lat, lon=HOME[1])
        services.visit_check_out(ctx=ctx, visit=visit, lat=HOME[0], lon=HOME[1], at=later)
    return [Visit.objects.get(pk=v.pk) for v in visits]


def test_settlement_totals_hold_flagged_visits_until_approved(
    worker: Any,
    elder: Any,
    provider: Any,
    bathing: Any,
    subsidy: Any,
    admin: Any,
    caregivers: list[Any],
    caregiver_user: Any,
    officer: Any,
) -> None:
    from silvercare.subsidies.models import Claim

    good, flagged = _done_visits(
        worker, elder, provider, bathing, admin, caregivers[0], caregiver_user
    )
    assert (good.held, flagged.held) == (False, True)
    month = timezone.localdate().replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)

    def facts() -> dict[str, int]:
        return selectors.visit_facts(start=month, end=next_month)[elder.region_id]

    assert facts() == {"completed": 2, "verified": 1}  # what the indicators count
    api = client_for(admin)
    body = {"provider_id": str(provider.pk), "month": month.isoformat()}
    first = api.post("/api/v1/care/settlement/deliver", body, content_type="application/json")
    assert first.status_code == 200, first.content
    assert first.json() | {"provider_id": None} == {
        "provider_id": None,
        "month": month.isoformat(),
        "completed": 2,
        "verified": 1,
        "held": 1,
        "delivered": 1,
        "delivered_fen": 6400,
        "copay_fen": 1600,
    }
    # Recording again delivers nothing twice.
    api.post("/api/v1/care/settlement/deliver", body, content_type="application/json")
    officer_api = client_for(officer)
    claimed = officer_api.post(
        "/api/v1/care/settlement/claims", body, content_type="application/json"
    )
    assert claimed.status_code == 200, claimed.content
    [claim] = Claim.objects.all()
    assert claim.total_fen == 6400  # the held visit is not claimed
    # The supervisor approves the flagged visit: it is delivered and joins the claim.
    services.visit_flags_approve(ctx=AuditContext(actor=officer), visit=flagged)
    assert facts() == {"completed": 2, "verified": 2}
    api.post("/api/v1/care/settlement/deliver", body, content_type="application/json")
    officer_api.post("/api/v1/care/settlement/claims", body, content_type="application/json")
    claim.refresh_from_db()
    assert claim.total_fen == 12800
    # The spreadsheet of the month.
    sheet = api.get(f"/care/providers/{provider.pk}/settlement.xlsx?month={month.isoformat()}")
    assert sheet.status_code == 200
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")


def test_settlement_is_not_for_outsiders(provider: Any, other_worker: Any) -> None:
    client = client_for(other_worker)
    assert client.get(f"/care/providers/{provider.pk}/settlement/").status_code == 404
    response = client.post(
        "/api/v1/care/settlement/deliver",
        {"provider_id": str(provider.pk), "month": "2026-12-01"},
        content_type="application/json",
    )
    assert response.status_code == 422  # an unknown provider, whether or not it exists
