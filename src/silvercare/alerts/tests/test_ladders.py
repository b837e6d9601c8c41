"""Ladders as data per region and severity, edited on a page by officers who may."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from silvercare.alerts.escalation import escalation_run_due
from silvercare.alerts.models import Alert, EscalationLadder, NotificationAttempt
from silvercare.alerts.selectors import ladder_for
from silvercare.alerts.services import alert_raise
from silvercare.common import testing

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _form(**rows: Any) -> dict[str, str]:
    data = {}
    for i, (recipient, channels, delay, repeat) in enumerate(rows["steps"]):
        data.update(
            {
                f"recipient_{i}": recipient,
                f"channels_{i}": channels,
                f"delay_{i}": str(delay),
                f"repeat_{i}": str(repeat),
            }
        )
    return data


def test_the_seeded_defaults_are_the_built_in_ladders() -> None:
    """Migration 0002 seeds (a frozen copy of) the built-in ladders, one per severity."""
    import importlib

    from silvercare.alerts.defaults import DEFAULT_LADDERS

    seeded = importlib.import_module("silvercare.alerts.migrations.0002_default_ladders")
    assert seeded.DEFAULTS == DEFAULT_LADDERS
    assert sorted(DEFAULT_LADDERS) == ["critical", "info", "urgent", "warning"]


def test_with_no_ladder_rows_an_alert_still_escalates(elder: Any, time_machine: Any) -> None:
    EscalationLadder.objects.all().delete()
    time_machine.move_to(T0, tick=False)
    raised = alert_raise(
        elder_id=elder.pk,
        kind="sos",
        severity="info",
        occurred_at=T0,
        reason="sos_pressed",
        params={},
        source="test",
    )
    escalation_run_due(now=T0 + dt.timedelta(seconds=1))
    attempts = NotificationAttempt.objects.filter(alert_id=raised.alert_id)
    assert [a.channel for a in attempts] == ["console"]


def test_officer_sets_a_district_ladder_that_wins_over_the_default(
    elder: Any, time_machine: Any
) -> None:
    officer = testing.make_user("civil_affairs", "440304000000", "officer")
    client = testing.client_for(officer)
    url = "/alerts/ladders/?region=440304000000&severity=warning"
    assert client.get(url).status_code == 200
    response = client.post(
        url, _form(steps=[("community_worker", "console", 0, 5), ("supervisor", "console", 10, 0)])
    )
    assert response.status_code == 302
    ladder = ladder_for(region_code=elder.region_id, severity="warning")
    assert ladder is not None and ladder.region_id == "440304000000"
    assert [(s.recipient, s.delay_seconds, s.repeat_seconds) for s in ladder.steps.all()] == [
        ("community_worker", 0, 300),
        ("supervisor", 600, 0),
    ]
    # An alert in that district now follows it: the worker first, not the family.
    time_machine.move_to(T0, tick=False)
    raised = alert_raise(
        elder_id=elder.pk,
        kind="inactivity",
        severity="warning",
        occurred_at=T0,
        reason="no_motion",
        params={"hours": 6},
        source="test",
    )
    escalation_run_due(now=T0)
    kinds = set(
        NotificationAttempt.objects.filter(alert_id=raised.alert_id).values_list(
            "recipient_kind", flat=True
        )
    )
    assert kinds == {"community_worker"}
    assert Alert.objects.get(pk=raised.alert_id).next_escalation_at == T0 + dt.timedelta(minutes=5)


def test_bad_ladders_are_refused_and_outsiders_cannot_edit(regions: None) -> None:
    officer = testing.make_user("civil_affairs", "440304000000", "officer")
    client = testing.client_for(officer)
    url = "/alerts/ladders/?region=440304000000&severity=urgent"
    client.post(url, _form(steps=[("family", "pigeon", 0, 0)]))
    client.post(url, _form(steps=[("family", "sms", 10, 0), ("supervisor", "console", 5, 0)]))
    client.post(url, _form(steps=[("family", "sms", "soon", 0)]))
    assert not EscalationLadder.objects.filter(region_id="440304000000").exists()
    # Luohu is not the officer's; the city-wide default is the national administrator's.
    assert (
        client.post(
            "/alerts/ladders/?region=440303000000&severity=urgent",
            _form(steps=[("family", "sms", 0, 0)]),
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/alerts/ladders/?severity=urgent", _form(steps=[("family", "sms", 0, 0)])
        ).status_code
        == 403
    )
    worker = testing.make_user("community_worker", testing.STREET_A, "w")
    assert testing.client_for(worker).get("/alerts/ladders/").status_code == 403
