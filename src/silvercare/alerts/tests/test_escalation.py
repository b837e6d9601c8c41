"""Escalation along the ladder with a controllable clock, reminders until acknowledged, a
restart in the middle of the ladder, and channels falling through — through a real local
HTTP gateway."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from silvercare.alerts import escalation
from silvercare.alerts.choices import EventType, Outcome
from silvercare.alerts.models import Alert, NotificationAttempt
from silvercare.alerts.services import alert_acknowledge, alert_raise
from silvercare.alerts.tests.gateway import gateway
from silvercare.audit.services import AuditContext
from silvercare.common import testing

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def at(seconds: int) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def _attempts(alert_id: Any) -> list[tuple[int, str, str, str]]:
    return [
        (a.step, a.recipient_kind, a.channel, a.outcome)
        for a in NotificationAttempt.objects.filter(alert_id=alert_id).order_by("id")
    ]


def _events(alert_id: Any) -> list[str]:
    return [e.type for e in Alert.objects.get(pk=alert_id).events.order_by("at", "id")]


@pytest.fixture
def supervisor(regions: None) -> Any:
    user = testing.make_user("call_centre", testing.STREET_A, "operator_a")
    user.email = "operator@example.org"
    user.save(update_fields=["email"])
    return user


def _raise_critical(elder: Any, capture: Callable[..., Any]) -> Any:
    with time_machine.travel(T0, tick=False), capture(execute=True):
        return alert_raise(
            elder_id=elder.pk,
            kind="sos",
            severity="critical",
            occurred_at=T0,
            reason="sos_pressed",
            params={"lat": 22.55, "lon": 114.09},
            source="test",
        )


@pytest.mark.django_db
def test_ladder_escalates_reminds_survives_a_restart_and_stops_on_acknowledge(
    elder: Any,
    worker: Any,
    supervisor: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with gateway() as gw:
        settings.ALERTS_GATEWAY_URL = gw.url
        settings.ALERTS_EMERGENCY_WEBHOOK_URL = gw.url + "/relay"
        raised = _raise_critical(elder, django_capture_on_commit_callbacks)

        # On commit, without the loop: the family got an SMS.
        assert gw.to("sms") == ["13912345678"]
        assert _attempts(raised.alert_id) == [(0, "family", "sms", Outcome.SENT)]
        assert Alert.objects.get(pk=raised.alert_id).next_escalation_at == at(120)

        # Nothing due before the next step.
        assert escalation.escalation_run_due(now=at(119)) == 0
        assert len(gw.received) == 1

        # 2 min: the community worker (no e-mail on file → falls through to the console).
        assert escalation.escalation_run_due(now=at(120)) == 1
        assert _attempts(raised.alert_id)[1:] == [
            (1, "community_worker", "email", Outcome.SKIPPED),
            (1, "community_worker", "console", Outcome.SENT),
        ]

        # --- restart: a new loop process knows only what is in the database. ---
        call_command("escalate", "--once", "--now", at(240).isoformat())
        # 4 min: nobody acknowledged, the community worker is reminded.
        assert _events(raised.alert_id)[-1] == EventType.REMINDED
        call_command("escalate", "--once", "--now", at(300).isoformat())
        # 5 min: the call-centre supervisor, by console first.
        assert _attempts(raised.alert_id)[-1] == (2, "supervisor", "console", Outcome.SENT)
        # Running the same moment twice does nothing more (idempotent).
        call_command("escalate", "--once", "--now", at(300).isoformat())
        assert _events(raised.alert_id).count(EventType.ESCALATED) == 2

        # 10 min: the emergency relay (no phone → voice skipped, webhook delivered).
        assert escalation.escalation_run_due(now=at(600)) == 1
        assert [r["path"] for r in gw.received][-1] == "/relay"
        assert _attempts(raised.alert_id)[-2:] == [
            (3, "emergency", "voice", Outcome.SKIPPED),
            (3, "emergency", "webhook", Outcome.SENT),
        ]
        # The last step keeps reminding every 5 minutes until someone acknowledges.
        assert escalation.escalation_run_due(now=at(900)) == 1
        assert escalation.escalation_run_due(now=at(1200)) == 1
        assert _events(raised.alert_id)[-2:] == [EventType.REMINDED, EventType.REMINDED]

        alert_acknowledge(
            ctx=AuditContext(actor=supervisor, via="test"),
            alert=Alert.objects.get(pk=raised.alert_id),
        )
        before = len(gw.received)
        assert escalation.escalation_run_due(now=at(100_000)) == 0
        assert len(gw.received) == before
        assert Alert.objects.get(pk=raised.alert_id).next_escalation_at is None


@pytest.mark.django_db
def test_a_failed_channel_falls_through_to_the_next(
    elder: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with gateway() as gw:
        settings.ALERTS_GATEWAY_URL = gw.url
        gw.fail_channels = {"sms"}
        raised = _raise_critical(elder, django_capture_on_commit_callbacks)
        assert gw.to("voice") == ["13912345678"]
    attempts = NotificationAttempt.objects.filter(alert_id=raised.alert_id).order_by("id")
    assert [(a.channel, a.outcome, a.error) for a in attempts] == [
        ("sms", Outcome.FAILED, "HTTP 503"),
        ("voice", Outcome.SENT, ""),
    ]
    # The number is recorded masked, never in full.
    assert all("13912345678" not in a.recipient for a in attempts)


@pytest.mark.django_db
def test_unreachable_gateway_is_recorded_not_raised(
    elder: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ALERTS_GATEWAY_URL = "http://127.0.0.1:9/"  # discard port: connection refused
    raised = _raise_critical(elder, django_capture_on_commit_callbacks)
    outcomes = [
        (a.channel, a.outcome) for a in NotificationAttempt.objects.filter(alert_id=raised.alert_id)
    ]
    assert outcomes == [("sms", Outcome.FAILED), ("voice", Outcome.FAILED)]
    # The step still counts as done; the reminder will try again.
    assert Alert.objects.get(pk=raised.alert_id).next_escalation_at == at(120)


@pytest.mark.django_db
def test_email_channel_uses_djangos_mail(
    elder: Any, worker: Any, django_capture_on_commit_callbacks: Any
) -> None:
    worker.email = "worker@example.org"
    worker.save(update_fields=["email"])
    raised = _raise_critical(elder, django_capture_on_commit_callbacks)
    escalation.escalation_run_due(now=at(120))
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    assert _attempts(raised.alert_id)[-1] == (1, "community_worker", "email", Outcome.SENT)
