"""Orders: eligibility and co-pay through subsidies, the subsidy reserved on acceptance,
the lifecycle with its refusals, cancellations and no-shows on both sides."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import COMMUNITY_A1, client_for, make_elder
from silvercare.homecare import services
from silvercare.homecare.models import CareOrder, Visit

pytestmark = pytest.mark.django_db


def _order(worker: Any, elder: Any, provider: Any, bathing: Any, day: dt.date, **kw: Any) -> Any:
    return services.order_create(
        ctx=AuditContext(actor=worker),
        elder=elder,
        service_type=bathing,
        provider=provider,
        first_date=day,
        window_start=540,
        window_end=660,
        **kw,
    )


def test_weekly_bath_for_an_eligible_elder_shows_subsidy_and_copay_with_reasons(
    worker: Any, elder: Any, provider: Any, bathing: Any, subsidy: Any, tomorrow: dt.date
) -> None:
    client = client_for(worker)
    response = client.post(
        f"/care/orders/new/{elder.pk}/",
        {
            "service_type": "bathing",
            "provider": str(provider.pk),
            "first_date": tomorrow.isoformat(),
            "window_start": "09:00",
            "window_end": "11:00",
            "recurrence": "weekly",
            "last_date": (tomorrow + dt.timedelta(days=27)).isoformat(),
            "notes": "怕冷，水温调高",
        },
    )
    assert response.status_code == 302
    order = CareOrder.objects.get()
    assert order.visits.count() == 4  # four weekly baths
    assert (order.price_fen, order.subsidy_fen, order.copay_fen) == (8000, 6400, 1600)
    page = client.get(response["Location"]).content.decode()
    assert "福田居家服务补贴" in page  # the programme that pays, from the quote component
    assert 'id="elder-pays"' in page
    assert '<dd id="copay">16</dd>' in page  # the co-pay in yuan


def test_an_ineligible_elder_pays_the_full_price_and_sees_why(
    worker: Any, provider: Any, bathing: Any, subsidy: Any, tomorrow: dt.date
) -> None:
    other = make_elder(worker, COMMUNITY_A1, name="赵大爷")
    order = _order(worker, other, provider, bathing, tomorrow)
    assert (order.subsidy_fen, order.copay_fen) == (0, 8000)
    page = client_for(worker).get(f"/care/orders/{order.pk}/").content.decode()
    assert "福田居家服务补贴" in page  # listed under the programmes that do not pay


def test_acceptance_reserves_the_subsidy_for_every_visit(
    worker: Any,
    elder: Any,
    provider: Any,
    bathing: Any,
    subsidy: Any,
    admin: Any,
    tomorrow: dt.date,
) -> None:
    from silvercare.subsidies.models import Reservation

    order = _order(
        worker,
        elder,
        provider,
        bathing,
        tomorrow,
        recurrence="weekly",
        last_date=tomorrow + dt.timedelta(days=14),
    )
    response = client_for(admin).post(f"/api/v1/care/orders/{order.pk}/accept")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    [reservation] = Reservation.objects.all()
    assert reservation.amount_fen == 6400 * 3
    assert set(order.visits.values_list("status", flat=True)) == {"accepted"}
    # Accepting twice is refused with the reason.
    again = client_for(admin).post(f"/api/v1/care/orders/{order.pk}/accept")
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_transition"


def test_a_full_budget_refuses_acceptance_and_nothing_changes(
    worker: Any,
    elder: Any,
    provider: Any,
    bathing: Any,
    subsidy: Any,
    admin: Any,
    tomorrow: dt.date,
) -> None:
    order = _order(
        worker,
        elder,
        provider,
        bathing,
        tomorrow,
        recurrence="daily",
        last_date=tomorrow + dt.timedelta(days=19),
    )  # 20 × 64 yuan > the 1,000-yuan budget
    with pytest.raises(DomainError) as caught:
        services.order_accept(ctx=AuditContext(actor=admin), order=order)
    assert caught.value.code == "budget_exceeded"
    order.refresh_from_db()
    assert order.status == "requested"
    assert set(order.visits.values_list("status", flat=True)) == {"requested"}


def test_cancellation_releases_the_subsidy_and_records_the_side(
    worker: Any,
    elder: Any,
    provider: Any,
    bathing: Any,
    subsidy: Any,
    admin: Any,
    tomorrow: dt.date,
) -> None:
    from silvercare.subsidies.models import Reservation

    order = _order(worker, elder, provider, bathing, tomorrow)
    services.order_accept(ctx=AuditContext(actor=admin), order=order)
    response = client_for(worker).post(
        f"/api/v1/care/orders/{order.pk}/cancel",
        {"reason": "老人住院", "side": "elder"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["cancelled_by"] == "elder"
    visit = order.visits.get()
    assert (visit.status, visit.side, visit.status_reason) == ("cancelled", "elder", "老人住院")
    assert Reservation.objects.get().status == "released"


def test_provider_declines_and_no_show_recorded_on_the_provider_side(
    worker: Any,
    elder: Any,
    provider: Any,
    bathing: Any,
    subsidy: Any,
    admin: Any,
    tomorrow: dt.date,
) -> None:
    first = _order(worker, elder, provider, bathing, tomorrow)
    services.order_decline(ctx=AuditContext(actor=admin), order=first, reason="人手不足")
    assert first.visits.get().side == "provider"
    second = _order(worker, elder, provider, bathing, tomorrow)
    services.order_accept(ctx=AuditContext(actor=admin), order=second)
    visit = second.visits.get()
    missed = services.visit_missed(
        ctx=AuditContext(actor=admin), visit=visit, reason="护理员未到", side="provider"
    )
    assert (missed.status, missed.side) == ("missed", "provider")


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("requested", "in_progress"),
        ("completed", "cancelled"),
        ("cancelled", "scheduled"),
        ("accepted", "completed"),
    ],
)
def test_illegal_transitions_are_refused_with_the_reason(start: str, target: str) -> None:
    visit = Visit(status=start)
    with pytest.raises(DomainError) as caught:
        services.check_transition(visit, target)
    assert caught.value.code == "illegal_transition"
    assert caught.value.status == 409


def test_a_completed_visit_cannot_be_cancelled_through_the_api(
    worker: Any, elder: Any, provider: Any, bathing: Any, tomorrow: dt.date
) -> None:
    order = _order(worker, elder, provider, bathing, tomorrow)
    visit = order.visits.get()
    Visit.objects.filter(pk=visit.pk).update(status="completed")
    response = client_for(worker).post(
        f"/api/v1/care/visits/{visit.pk}/cancel",
        {"reason": "x", "side": "elder"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    visit.refresh_from_db()
    assert visit.status == "completed"


def test_order_input_is_checked(
    worker: Any, elder: Any, provider: Any, bathing: Any, tomorrow: dt.date
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.order_create(
            ctx=AuditContext(actor=worker),
            elder=elder,
            service_type=bathing,
            provider=provider,
            first_date=tomorrow,
            window_start=600,
            window_end=630,
        )
    assert caught.value.errors[0].field == "window_end"  # shorter than a 60-minute bath
    response = client_for(worker).post(
        "/api/v1/care/orders",
        {
            "elder_id": str(elder.pk),
            "service_type": "bathing",
            "provider_id": str(provider.pk),
            "first_date": "2020-01-01",
            "window_start": 540,
            "window_end": 660,
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert CareOrder.objects.count() == 0


def test_outsiders_cannot_order_or_see_orders(
    worker: Any, other_worker: Any, elder: Any, provider: Any, bathing: Any, tomorrow: dt.date
) -> None:
    order = _order(worker, elder, provider, bathing, tomorrow)
    outsider = client_for(other_worker)
    assert outsider.get(f"/care/orders/{order.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/care/orders/{order.pk}").status_code == 404
    assert outsider.get("/api/v1/care/orders").json() == []
    assert outsider.get(f"/care/orders/new/{elder.pk}/").status_code == 404
