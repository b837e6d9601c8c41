"""/api/v1/alerts: list, detail, acknowledge, assign, resolve — scoped."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from silvercare.alerts.models import Alert
from silvercare.alerts.services import alert_raise
from silvercare.common import testing

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(elder: Any) -> Alert:
    raised = alert_raise(
        elder_id=elder.pk,
        kind="vital_sign",
        severity="warning",
        occurred_at=T0,
        reason="spo2_below",
        params={"value": 88, "limit": 90},
        source="test",
    )
    return Alert.objects.get(pk=raised.alert_id)


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_list_detail_and_the_whole_lifecycle(worker: Any, alert: Alert) -> None:
    client = testing.client_for(worker)
    listed = client.get("/api/v1/alerts/").json()
    assert listed["count"] == 1
    assert listed["items"][0]["params"] == {"value": 88, "limit": 90}
    detail = client.get(f"/api/v1/alerts/{alert.pk}").json()
    assert [e["type"] for e in detail["events"]] == ["raised"]

    acked = _post(client, f"/api/v1/alerts/{alert.pk}/acknowledge", {"note": "在看"})
    assert acked.status_code == 200
    assert acked.json()["status"] == "acknowledged"
    assigned = _post(client, f"/api/v1/alerts/{alert.pk}/assign", {"assignee_id": worker.pk})
    assert (assigned.json()["status"], assigned.json()["assignee"]) == ("in_progress", "worker_a")
    missing_note = _post(client, f"/api/v1/alerts/{alert.pk}/resolve", {"resolution": "handled"})
    assert missing_note.status_code == 422
    assert missing_note["Content-Type"].startswith("application/problem+json")
    done = _post(
        client,
        f"/api/v1/alerts/{alert.pk}/resolve",
        {"resolution": "false_alarm", "note": "传感器松脱"},
    )
    assert done.json()["status"] == "false_alarm"
    assert client.get("/api/v1/alerts/").json()["count"] == 0
    assert client.get("/api/v1/alerts/?status=closed").json()["count"] == 1
    conflict = _post(client, f"/api/v1/alerts/{alert.pk}/acknowledge", {})
    assert conflict.status_code == 409


def test_other_region_gets_404_and_changes_nothing(other_worker: Any, alert: Alert) -> None:
    client = testing.client_for(other_worker)
    assert client.get("/api/v1/alerts/").json()["count"] == 0
    assert client.get(f"/api/v1/alerts/{alert.pk}").status_code == 404
    for action, body in (
        ("acknowledge", {}),
        ("assign", {"assignee_id": other_worker.pk}),
        ("resolve", {"resolution": "handled", "note": "x"}),
    ):
        assert _post(client, f"/api/v1/alerts/{alert.pk}/{action}", body).status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == "open"


def test_viewer_without_handle_right_is_refused(regions: None, alert: Alert) -> None:
    officer = testing.make_user("civil_affairs", "440304000000", "officer")
    client = testing.client_for(officer)
    assert client.get(f"/api/v1/alerts/{alert.pk}").status_code == 200
    assert _post(client, f"/api/v1/alerts/{alert.pk}/acknowledge", {}).status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == "open"
