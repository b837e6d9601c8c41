"""The first notification leaves the committing thread: the dispatcher hands it to the SMS
gateway; when the process dies before the dispatcher gets to it, the escalation loop sends
it from the alert's durable timer — exactly once either way."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import OperationalError, connections, transaction
from django.utils import timezone

from silvercare.alerts import escalation
from silvercare.alerts.choices import EventType, Outcome
from silvercare.alerts.models import Alert, NotificationAttempt
from silvercare.alerts.services import alert_raise
from silvercare.alerts.tests.gateway import Gateway, gateway

pytestmark = pytest.mark.django_db(transaction=True)


def _until(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return True
        except OperationalError:  # SQLite: the dispatcher thread holds the write lock
            pass
        time.sleep(0.02)
    return False


@pytest.fixture
def sms(settings: Any) -> Iterator[Gateway]:
    with gateway() as gw:
        settings.ALERTS_GATEWAY_URL = gw.url
        yield gw


def _raise_sos(elder: Any) -> Any:
    """As the ingest does: inside a transaction, the hand-over happens at its commit."""
    with transaction.atomic():
        raised = alert_raise(
            elder_id=elder.pk,
            kind="sos",
            severity="critical",
            occurred_at=timezone.now(),
            reason="sos_pressed",
            params={},
            source="device",
        )
    return raised


def _sms_attempts(alert_id: Any) -> list[tuple[int, str, str]]:
    return [
        (a.step, a.channel, a.outcome)
        for a in NotificationAttempt.objects.filter(alert_id=alert_id).order_by("id")
    ]


def test_dispatcher_texts_the_family_off_the_committing_thread(elder: Any, sms: Gateway) -> None:
    dispatcher = escalation.Dispatcher(threads=1)
    gate = __import__("threading").Event()
    real = escalation.run_first_notification

    def held(alert_id: Any) -> None:  # the dispatcher waits until the raise has returned
        gate.wait(5)
        real(alert_id)

    escalation.run_first_notification = held  # type: ignore[assignment]
    dispatcher.start()
    try:
        raised = _raise_sos(elder)
        # The raise returned with nothing sent yet: the channel call is not on this thread.
        assert sms.to("sms") == []
        gate.set()
        assert _until(lambda: _sms_attempts(raised.alert_id) == [(0, "sms", Outcome.SENT)])
        assert sms.to("sms") == ["13912345678"]
        # The loop, running at the same moment or later, finds nothing due: no second text.
        assert escalation.escalation_run_due(now=timezone.now()) == 0
        assert sms.to("sms") == ["13912345678"]
        events = list(Alert.objects.get(pk=raised.alert_id).events.values_list("type", flat=True))
        assert events.count(EventType.NOTIFIED) == 1
    finally:
        escalation.run_first_notification = real  # type: ignore[assignment]
        dispatcher.stop()
        connections.close_all()


def test_loop_sends_what_a_killed_dispatcher_never_did_exactly_once(
    elder: Any, sms: Gateway
) -> None:
    # A dispatcher whose threads never run: the process was killed after the commit.
    dead = escalation.Dispatcher(threads=1)
    escalation._dispatcher = dead
    try:
        raised = _raise_sos(elder)
    finally:
        escalation._dispatcher = None
    assert not dead.inbox.empty()  # it was handed over...
    assert _sms_attempts(raised.alert_id) == []  # ...and never sent
    assert sms.to("sms") == []

    # `silvercare escalate` after the restart: the timer in the row is due.
    assert escalation.escalation_run_due(now=timezone.now()) == 1
    assert _sms_attempts(raised.alert_id) == [(0, "sms", Outcome.SENT)]
    assert escalation.escalation_run_due(now=timezone.now()) == 0
    # Had the old dispatcher come back to life, it would find nothing due either.
    escalation.run_first_notification(dead.inbox.get_nowait())
    assert sms.to("sms") == ["13912345678"]
    assert _sms_attempts(raised.alert_id) == [(0, "sms", Outcome.SENT)]
