"""alert_raise: the contract the ingest calls (open one alert, attach further events)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from silvercare.alerts.choices import AlertStatus, EventType
from silvercare.alerts.models import Alert
from silvercare.alerts.services import alert_raise
from silvercare.audit.models import AuditEvent
from silvercare.common.errors import ValidationFailed

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _raise(elder: Any, kind: str = "sos", severity: str = "urgent", **kw: Any) -> Any:
    return alert_raise(
        elder_id=elder.pk,
        kind=kind,
        severity=severity,
        occurred_at=kw.pop("occurred_at", T0),
        reason=kw.pop("reason", "sos_pressed"),
        params=kw.pop("params", {"presses": 1}),
        source="test",
        device_serial="W-1",
        **kw,
    )


@pytest.mark.django_db(transaction=True)
def test_first_event_opens_an_alert_in_the_elders_community(elder: Any) -> None:
    raised = _raise(elder)
    assert raised.opened is True
    alert = Alert.objects.get(pk=raised.alert_id)
    assert (alert.kind, alert.severity, alert.status) == ("sos", "urgent", AlertStatus.OPEN)
    assert alert.region_code == elder.region_id
    first = alert.events.first()
    assert first is not None and first.type == EventType.RAISED
    assert AuditEvent.objects.filter(entity_type="alert", entity_id=str(alert.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_further_events_attach_and_raise_the_severity(elder: Any) -> None:
    first = _raise(elder)
    second = _raise(
        elder,
        severity="critical",
        occurred_at=T0 + dt.timedelta(seconds=20),
        reason="sos_repeated",
        params={"presses": 3},
    )
    third = _raise(elder, severity="warning", occurred_at=T0 + dt.timedelta(seconds=30))
    assert second == type(second)(alert_id=first.alert_id, opened=False)
    assert third.alert_id == first.alert_id
    alert = Alert.objects.get(pk=first.alert_id)
    assert (alert.severity, alert.event_count, alert.reason) == ("critical", 3, "sos_repeated")
    assert alert.last_occurred_at == T0 + dt.timedelta(seconds=30)
    assert Alert.objects.count() == 1
    # Another kind is another alert.
    assert _raise(elder, kind="fall").opened is True


@pytest.mark.django_db(transaction=True)
def test_rolled_back_caller_leaves_no_alert(elder: Any) -> None:
    def failing_batch() -> None:
        with transaction.atomic():
            _raise(elder)
            raise RuntimeError("ingest batch failed")

    with pytest.raises(RuntimeError):
        failing_batch()
    assert Alert.objects.count() == 0


@pytest.mark.django_db
def test_the_database_refuses_a_second_active_alert(elder: Any) -> None:
    raised = _raise(elder)
    alert = Alert.objects.get(pk=raised.alert_id)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(
            elder_id=elder.pk,
            region_code=alert.region_code,
            kind="sos",
            severity="urgent",
            status=AlertStatus.ACKNOWLEDGED,
            first_occurred_at=T0,
            last_occurred_at=T0,
        )


@pytest.mark.django_db
def test_unknown_kind_or_severity_is_refused(elder: Any) -> None:
    with pytest.raises(ValidationFailed):
        _raise(elder, kind="earthquake")
    with pytest.raises(ValidationFailed):
        _raise(elder, severity="apocalyptic")
    assert Alert.objects.count() == 0


@pytest.mark.django_db
def test_the_indicators_count_whole_seconds_to_acknowledge_exactly(elder: Any) -> None:
    """An alert acknowledged 59 s after it was raised counts as 59 s, whatever its
    microseconds (SQLite's julian-day arithmetic once made this one 58.99999, i.e. 58)."""
    from silvercare.alerts.selectors import acknowledgement_facts

    raised = dt.datetime(2026, 12, 2, 10, 0, 0, 39880, tzinfo=dt.UTC)
    alert_id = _raise(elder, occurred_at=raised).alert_id
    Alert.objects.filter(pk=alert_id).update(acknowledged_at=raised + dt.timedelta(seconds=59))
    facts = acknowledgement_facts(
        start=raised - dt.timedelta(hours=1), end=raised + dt.timedelta(hours=1)
    )
    assert facts[elder.region_id]["ack_seconds"] == {59: 1}
    assert facts[elder.region_id]["acknowledged_in_time"] == 1
