"""The console, the stream, an alert's page and its actions — through HTTP."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from silvercare.alerts import views
from silvercare.alerts.choices import AlertStatus
from silvercare.alerts.models import Alert, Referral
from silvercare.alerts.services import alert_raise
from silvercare.audit.models import AuditEvent
from silvercare.common import testing

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(regions: None) -> Any:
    return testing.make_user("call_centre", testing.STREET_A, "operator_a")


@pytest.fixture
def alert(elder: Any) -> Alert:
    raised = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="critical",
        occurred_at=T0,
        reason="sos_pressed",
        params={"lat": 22.5512, "lon": 114.0913},
        source="test",
    )
    return Alert.objects.get(pk=raised.alert_id)


def test_console_lists_open_alerts_most_severe_first(
    operator: Any, elder: Any, alert: Alert
) -> None:
    alert_raise(
        elder_id=elder.pk,
        kind="battery_low",
        severity="info",
        occurred_at=T0,
        reason="battery_low",
        params={},
        source="test",
    )
    page = testing.client_for(operator).get("/alerts/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "李桂兰" in body
    assert body.index('data-rank="critical"') < body.index('data-rank="info"')


def test_console_is_refused_without_the_alert_right(regions: None) -> None:
    assessor = testing.make_assessor()
    assert testing.client_for(assessor).get("/alerts/").status_code == 403


def test_stream_sends_alerts_raised_after_the_page_opened(
    operator: Any, elder: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "STREAM_SECONDS", 0.0)
    client = testing.client_for(operator)
    since = "2026-01-01T00:00:00+00:00"
    alert_raise(
        elder_id=elder.pk,
        kind="fall",
        severity="urgent",
        occurred_at=T0,
        reason="fall_flag",
        params={},
        source="test",
    )
    response = client.get(f"/alerts/stream/?since={since}", HTTP_ACCEPT="text/event-stream")
    assert response["Content-Type"] == "text/event-stream"
    text = b"".join(response.streaming_content).decode()
    events = [json.loads(line[6:]) for line in text.splitlines() if line.startswith("data: ")]
    assert [(e["kind"], e["elder_name"]) for e in events] == [("fall", "李桂兰")]
    # Without the event-stream header, the same URL answers the list as JSON.
    snapshot = client.get("/alerts/stream/").json()
    assert [i["kind"] for i in snapshot["items"]] == ["fall"]


def test_alert_page_shows_context_dials_contacts_and_audits_the_reveal(
    operator: Any, alert: Alert
) -> None:
    before = AuditEvent.objects.filter(action="view_pii").count()
    body = testing.client_for(operator).get(f"/alerts/{alert.pk}/").content.decode()
    assert 'href="tel:13912345678"' in body
    assert "22.55120" in body and "114.09130" in body
    assert AuditEvent.objects.filter(action="view_pii").count() == before + 1


def test_acknowledge_assign_resolve_with_referral(operator: Any, alert: Alert) -> None:
    client = testing.client_for(operator)
    assert client.post(f"/alerts/{alert.pk}/acknowledge/").status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, operator)
    assert alert.next_escalation_at is None
    # Twice is refused clearly, not a 500.
    again = client.post(f"/alerts/{alert.pk}/acknowledge/", HTTP_ACCEPT="application/json")
    assert again.status_code == 409
    client.post(f"/alerts/{alert.pk}/assign/", {"assignee": "me"})
    alert.refresh_from_db()
    assert (alert.status, alert.assignee) == (AlertStatus.IN_PROGRESS, operator)
    # A resolution needs a note.
    empty = client.post(
        f"/alerts/{alert.pk}/resolve/",
        {"resolution": "referral", "note": " "},
        HTTP_ACCEPT="application/json",
    )
    assert empty.status_code == 422
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.IN_PROGRESS
    client.post(f"/alerts/{alert.pk}/resolve/", {"resolution": "referral", "note": "需要上门照护"})
    alert.refresh_from_db()
    assert (alert.status, alert.resolution_note) == (AlertStatus.RESOLVED, "需要上门照护")
    assert Referral.objects.get(alert=alert).note == "需要上门照护"
    types = [e.type for e in alert.events.all()]
    assert types[-3:] == ["acknowledged", "assigned", "resolved"]
    # Resolved: a new SOS opens a new alert.
    again_raised = alert_raise(
        elder_id=alert.elder_id,
        kind="sos",
        severity="urgent",
        occurred_at=T0,
        reason="sos_pressed",
        params={},
        source="test",
    )
    assert again_raised.opened is True


def test_assigning_someone_outside_the_community_is_refused(
    operator: Any, alert: Alert, other_worker: Any
) -> None:
    response = testing.client_for(operator).post(
        f"/alerts/{alert.pk}/assign/",
        {"assignee": str(other_worker.pk)},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 422
    assert Alert.objects.get(pk=alert.pk).assignee is None


def test_other_region_sees_nothing_and_cannot_act(other_worker: Any, alert: Alert) -> None:
    client = testing.client_for(other_worker)
    assert client.get(f"/alerts/{alert.pk}/").status_code == 404
    assert client.post(f"/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert "李桂兰" not in client.get("/alerts/").content.decode()
    assert Alert.objects.get(pk=alert.pk).status == AlertStatus.OPEN


def test_officer_statistics(regions: None, operator: Any, alert: Alert) -> None:
    from silvercare.alerts.services import alert_acknowledge, alert_resolve
    from silvercare.audit.services import AuditContext

    ctx = AuditContext(actor=operator, via="test")
    alert_acknowledge(ctx=ctx, alert=alert)
    alert_resolve(ctx=ctx, alert=alert, resolution="false_alarm", note="误按")
    officer = testing.make_user("civil_affairs", "440304000000", "officer")
    page = testing.client_for(officer).get("/alerts/stats/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "华富社区" in body and "100% (1/1)" in body
    assert testing.client_for(operator).get("/alerts/stats/").status_code == 403


def test_console_and_api_list_cost_the_same_queries_for_one_or_many_alerts(
    operator: Any, worker: Any, elder: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = testing.client_for(operator)

    def cost(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="urgent",
        occurred_at=T0,
        reason="sos_pressed",
        params={},
        source="test",
    )
    one = (cost("/alerts/"), cost("/api/v1/alerts/"))
    for i in range(4):
        other = testing.make_elder(worker, name=f"老人{i}", id_number=testing.id_number())
        alert_raise(
            elder_id=other.pk,
            kind="fall",
            severity="critical",
            occurred_at=T0,
            reason="fall_flag",
            params={},
            source="test",
        )
    assert (cost("/alerts/"), cost("/api/v1/alerts/")) == one


def test_history_of_one_elder_includes_closed_alerts_and_is_linked_from_the_elder_page(
    operator: Any, worker: Any, elder: Any, alert: Alert
) -> None:
    from silvercare.alerts.services import alert_resolve
    from silvercare.audit.services import AuditContext

    alert_resolve(
        ctx=AuditContext(actor=operator, via="test"),
        alert=alert,
        resolution="handled",
        note="已上门",
    )
    other = testing.make_elder(worker, name="周大山", id_number=testing.id_number())
    alert_raise(
        elder_id=other.pk,
        kind="fall",
        severity="urgent",
        occurred_at=T0,
        reason="fall_flag",
        params={},
        source="test",
    )
    client = testing.client_for(operator)
    body = client.get(f"/alerts/history/?elder={elder.pk}").content.decode()
    assert "李桂兰" in body and "周大山" not in body
    assert f"/alerts/{alert.pk}/" in body
    assert client.get("/alerts/history/?elder=not-a-uuid").status_code == 200
    elder_page = testing.client_for(worker).get(f"/elders/{elder.pk}/").content.decode()
    assert f"/alerts/history/?elder={elder.pk}" in elder_page
