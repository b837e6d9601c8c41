"""An alert resolved by a referral to home care waits on the home-care page until somebody
places a care order from it; the order answers it once, and the alert's page links to it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from silvercare.alerts.models import Referral
from silvercare.alerts.services import alert_raise
from silvercare.common.testing import COMMUNITY_A1, STREET_A, client_for, make_elder, make_user
from silvercare.homecare.models import CareOrder

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(regions: None) -> Any:
    return make_user("call_centre", STREET_A, "care_operator")


@pytest.fixture
def referred(elder: Any, operator: Any) -> Any:
    raised = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="critical",
        occurred_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC),
        reason="sos_pressed",
        params={},
        source="test",
    )
    response = client_for(operator).post(
        f"/alerts/{raised.alert_id}/resolve/",
        {"resolution": "referral", "note": "独居，需要每周助浴"},
    )
    # The operator, who may order care, goes straight to the order form for this elder.
    assert response.status_code == 302
    assert response["Location"] == f"/care/orders/new/{elder.pk}/?alert={raised.alert_id}"
    return raised


def _order(client: Any, url: str, provider: Any, tomorrow: dt.date) -> Any:
    return client.post(
        url,
        {
            "service_type": "bathing",
            "provider": str(provider.pk),
            "first_date": tomorrow.isoformat(),
            "window_start": "09:00",
            "window_end": "11:00",
            "recurrence": "once",
            "notes": "独居，需要每周助浴",
        },
    )


def test_a_referral_becomes_a_care_order_once(
    operator: Any, worker: Any, elder: Any, provider: Any, referred: Any, tomorrow: dt.date
) -> None:
    url = f"/care/orders/new/{elder.pk}/?alert={referred.alert_id}"
    # Waiting on the home-care page of the street's worker, with the operator's note.
    home = client_for(worker).get("/care/").content.decode()
    assert f"?alert={referred.alert_id}" in home and "独居，需要每周助浴" in home
    client = client_for(operator)
    form = client.get(url).content.decode()
    assert 'id="referral"' in form and "独居，需要每周助浴" in form  # the note is prefilled
    response = _order(client, url, provider, tomorrow)
    assert response.status_code == 302
    order = CareOrder.objects.get()
    referral = Referral.objects.get(alert_id=referred.alert_id)
    assert referral.order_id == order.pk and referral.ordered_at is not None
    # The alert's page links to the order; the referral no longer waits.
    alert_page = client.get(f"/alerts/{referred.alert_id}/").content.decode()
    assert f"/care/orders/{order.pk}/" in alert_page
    assert f"?alert={referred.alert_id}" not in client_for(worker).get("/care/").content.decode()
    # Answered once: the same link now answers 404 and places nothing.
    assert client.get(url).status_code == 404
    assert _order(client, url, provider, tomorrow).status_code == 404
    assert CareOrder.objects.count() == 1


def test_a_referral_is_not_reachable_for_another_elder_or_from_another_district(
    worker: Any, elder: Any, provider: Any, referred: Any, tomorrow: dt.date
) -> None:
    neighbour = make_elder(worker, COMMUNITY_A1, name="邻居老人")
    client = client_for(worker)
    assert (
        client.get(f"/care/orders/new/{neighbour.pk}/?alert={referred.alert_id}").status_code == 404
    )
    assert client.get(f"/care/orders/new/{elder.pk}/?alert=not-a-uuid").status_code == 404
    outsider = make_user("community_worker", "440303000000", "luohu_care_worker")
    assert "独居" not in client_for(outsider).get("/care/").content.decode()
    assert Referral.objects.get(alert_id=referred.alert_id).order_id is None


def test_the_api_places_an_order_answering_a_referral(
    operator: Any, elder: Any, provider: Any, referred: Any, tomorrow: dt.date
) -> None:
    client = client_for(operator)
    body = {
        "elder_id": str(elder.pk),
        "service_type": "bathing",
        "provider_id": str(provider.pk),
        "first_date": tomorrow.isoformat(),
        "window_start": 540,
        "window_end": 660,
        "alert_id": str(referred.alert_id),
    }
    created = client.post("/api/v1/care/orders", body, content_type="application/json")
    assert created.status_code == 201
    assert Referral.objects.get(alert_id=referred.alert_id).order_id is not None
    again = client.post("/api/v1/care/orders", body, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "alert_id"
    assert CareOrder.objects.count() == 1
