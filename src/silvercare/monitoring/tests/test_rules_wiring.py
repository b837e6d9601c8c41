"""The ingest runs the rule engine on stored readings: a sustained low SpO2 opens a vital-sign
alert, a single low reading does not; a geofence from the elder's configuration fires;
rule state survives between batches; SOS still alerts with the SOS rule switched off."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from silvercare.monitoring.evaluation import rules_tick
from silvercare.monitoring.ingest import RawMessage, ingest_batch
from silvercare.monitoring.models import ElderRuleConfig, RuleState

pytestmark = pytest.mark.django_db(transaction=True)
T0 = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def _msg(msg_id: str, kind: str, at: dt.datetime, **fields: Any) -> RawMessage:
    body = {"kind": kind, "id": msg_id, "ts": at.isoformat(), **fields}
    return RawMessage(serial="W-0001", payload=json.dumps(body).encode())


def _alerts() -> list[tuple[str, str]]:
    from silvercare.alerts.models import Alert

    return list(Alert.objects.order_by("created_at").values_list("kind", "severity"))


def test_low_spo2_for_two_minutes_opens_one_alert_across_batches(watch: Any) -> None:
    now = T0 + dt.timedelta(minutes=10)
    ingest_batch([_msg("s0", "spo2", T0, percent=88)], now=now)
    assert _alerts() == []  # one low reading is not yet two minutes
    ingest_batch(
        [_msg(f"s{i}", "spo2", T0 + dt.timedelta(seconds=30 * i), percent=88) for i in (1, 2, 3)],
        now=now,
    )
    assert _alerts() == []
    ingest_batch([_msg("s4", "spo2", T0 + dt.timedelta(seconds=125), percent=88)], now=now)
    assert _alerts() == [("vital_sign", "urgent")]
    assert RuleState.objects.get(elder_id=watch[0].elder_id).states["thresholds"]


def test_leaving_the_safe_zone_from_the_elders_configuration(watch: Any) -> None:
    ElderRuleConfig.objects.create(
        elder=watch[0].elder,
        spec={
            "geofence": {
                "zones": [
                    {"name": "家", "type": "safe", "lat": 22.55, "lon": 114.09, "radius_m": 300}
                ]
            }
        },
    )
    now = T0 + dt.timedelta(hours=1)
    ingest_batch([_msg("l1", "location", T0, lat=22.55, lon=114.09)], now=now)
    far = [
        _msg(f"l{i}", "location", T0 + dt.timedelta(minutes=i), lat=22.60, lon=114.20)
        for i in range(2, 8)
    ]
    ingest_batch(far, now=now)
    assert [kind for kind, _severity in _alerts()] == ["geofence"]


def test_sos_alerts_even_with_the_sos_rule_off(watch: Any) -> None:
    ElderRuleConfig.objects.create(elder=watch[0].elder, spec={"sos": None})
    result = ingest_batch([_msg("sos", "sos", T0)], now=T0)
    assert result.alerts == 1 and _alerts() == [("sos", "urgent")]


def test_repeated_presses_raise_the_severity(watch: Any) -> None:
    ingest_batch(
        [_msg(f"p{i}", "sos", T0 + dt.timedelta(seconds=5 * i)) for i in range(3)],
        now=T0 + dt.timedelta(minutes=1),
    )
    assert _alerts() == [("sos", "critical")]


def test_tick_finds_an_offline_device(watch: Any) -> None:
    ingest_batch([_msg("h", "hr", T0, bpm=70)], now=T0)
    outcome = rules_tick(now=T0 + dt.timedelta(days=2))
    assert any(signal.kind == "device_offline" for _e, _s, signal in outcome.signals)
    assert any(kind == "device_offline" for kind, _ in _alerts())
