"""Smoke, gas and water-leak sensors: an alarm opens one critical home-alarm alert for the
elder, through the batch path and through the MQTT urgent lane alike."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.monitoring.ingest import RawMessage, ingest_batch, ingest_urgent
from silvercare.monitoring.services import device_bind, device_register

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def _sensor(worker: Any, elder: Any, serial: str, type_: str) -> None:
    ctx = AuditContext(actor=worker, via="test")
    issued = device_register(ctx=ctx, serial=serial, type=type_, region_code=testing.COMMUNITY_A1)
    device_bind(ctx=ctx, device=issued.device, elder=elder)


def _msg(
    serial: str, kind: str, msg_id: str, at: dt.datetime, *, topic: bool = False, **fields: Any
) -> RawMessage:
    body = {"kind": kind, "id": msg_id, "ts": at.isoformat(), **fields}
    return RawMessage(
        serial=serial,
        payload=json.dumps(body).encode(),
        ack=msg_id,
        topic=f"silvercare/v1/{serial}/{kind}" if topic else "",
    )


def test_smoke_alarm_opens_a_critical_home_alarm_and_gas_joins_it(worker: Any, elder: Any) -> None:
    from silvercare.alerts.models import Alert

    _sensor(worker, elder, "SMK-1", "smoke_sensor")
    _sensor(worker, elder, "GAS-1", "gas_sensor")

    quiet = ingest_batch([_msg("SMK-1", "smoke", "m1", NOW, alarm=False)], now=NOW)
    assert quiet.alerts == 0 and not Alert.objects.exists()

    ingest_batch([_msg("SMK-1", "smoke", "m2", NOW + dt.timedelta(seconds=5), alarm=True)], now=NOW)
    ingest_batch([_msg("GAS-1", "gas", "g1", NOW + dt.timedelta(seconds=9), alarm=True)], now=NOW)

    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.elder_id) == ("environment", "critical", elder.pk)
    assert alert.reason == "smoke"
    assert alert.event_count == 2
    assert str(alert.get_kind_display())


@pytest.mark.django_db(transaction=True)
def test_water_leak_through_the_urgent_lane_alerts_once_even_when_redelivered(
    worker: Any, elder: Any
) -> None:
    from silvercare.alerts.models import Alert

    _sensor(worker, elder, "WL-1", "water_leak_sensor")
    leak = _msg("WL-1", "water_leak", "w1", NOW, topic=True, alarm=True)

    first, _ = ingest_urgent(leak, now=NOW)
    again, _ = ingest_urgent(leak, now=NOW)

    assert first.alerts == 1 and again.alerts == 0
    alert = Alert.objects.get()
    assert (alert.kind, alert.reason) == ("environment", "water_leak")
