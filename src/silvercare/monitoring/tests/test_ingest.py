"""The ingest core: decode+validate, dedup, out-of-order, future, dead letters, consent,
the SOS fast path into alerts, and the per-device flood limit."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.elders.services import consent_record
from silvercare.monitoring import selectors
from silvercare.monitoring.ingest import DeviceRateLimiter, RawMessage, ingest_batch
from silvercare.monitoring.models import DeadLetter, Device, DeviceState, Reading
from silvercare.monitoring.services import device_bind, device_register

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 1, 8, 0, tzinfo=dt.UTC)


def msg(serial: str, kind: str, msg_id: str, at: dt.datetime, **fields: Any) -> RawMessage:
    body = {"kind": kind, "id": msg_id, "ts": at.isoformat(), **fields}
    return RawMessage(serial=serial, payload=json.dumps(body).encode(), ack=msg_id)


def test_readings_are_stored_once_and_acked(watch: Any) -> None:
    device, _ = watch
    batch = [msg("W-0001", "hr", "m1", NOW, bpm=72), msg("W-0001", "spo2", "m2", NOW, percent=97)]
    result = ingest_batch(batch, now=NOW)
    assert result.acks == ["m1", "m2"]
    assert result.counts["accepted"] == 2
    # A redelivery (same ids, even in one batch twice) stores nothing new.
    again = ingest_batch([*batch, batch[0]], now=NOW)
    assert again.counts["duplicate"] == 3 and again.acks == ["m1", "m2", "m1"]
    assert Reading.objects.filter(device_id=device.pk).count() == 2
    reading = Reading.objects.get(msg_id="m1")
    assert reading.value == {"bpm": 72} and reading.elder_id == device.elder_id
    assert selectors.ingest_counters() == {"accepted": 2, "duplicate": 3}


def test_out_of_order_is_stored_but_latest_only_moves_forward(watch: Any) -> None:
    device, _ = watch
    ingest_batch([msg("W-0001", "hr", "late", NOW, bpm=80)], now=NOW)
    older = NOW - dt.timedelta(minutes=5)
    ingest_batch([msg("W-0001", "hr", "early", older, bpm=60)], now=NOW)
    assert sorted(Reading.objects.values_list("msg_id", flat=True)) == ["early", "late"]
    state = DeviceState.objects.get(device=device)
    assert state.latest["hr"]["value"] == {"bpm": 80}
    assert state.last_ts == NOW


def test_future_and_malformed_go_to_dead_letters_and_never_stop_the_batch(watch: Any) -> None:
    batch = [
        msg("W-0001", "hr", "f1", NOW + dt.timedelta(hours=1), bpm=70),
        RawMessage(serial="W-0001", payload=b"{not json", ack="x"),
        msg("W-0001", "hr", "bad", NOW, bpm=999),
        RawMessage(serial="W-0001", payload=b"{" + b" " * 20000 + b"}", ack="big"),
        msg("W-0001", "hr", "ok", NOW + dt.timedelta(seconds=30), bpm=70),  # small drift
        msg("NO-SUCH", "hr", "u1", NOW, bpm=70),
    ]
    result = ingest_batch(batch, now=NOW)
    assert len(result.acks) == 6
    assert list(Reading.objects.values_list("msg_id", flat=True)) == ["ok"]
    reasons = sorted(DeadLetter.objects.values_list("reason", flat=True))
    assert reasons == ["future", "malformed", "malformed", "oversized", "unknown_device"]
    bad = DeadLetter.objects.get(payload__contains='"bad"')
    assert "bpm" in bad.detail
    counters = selectors.ingest_counters()
    assert counters["dead_malformed"] == 2 and counters["dead_future"] == 1


def test_topic_kind_must_match_payload(watch: Any) -> None:
    raw = msg("W-0001", "hr", "t1", NOW, bpm=70)
    ingest_batch([RawMessage(serial=raw.serial, payload=raw.payload, topic_kind="spo2")], now=NOW)
    assert not Reading.objects.exists()
    assert DeadLetter.objects.get().reason == "topic_mismatch"


def test_without_consent_nothing_is_stored_only_counted(watch: Any, worker: Any) -> None:
    device, _ = watch
    consent_record(
        ctx=AuditContext(actor=worker), elder=device.elder, purpose="monitoring", granted=False
    )
    result = ingest_batch(
        [msg("W-0001", "sos", "s1", NOW), msg("W-0001", "hr", "h1", NOW, bpm=70)], now=NOW
    )
    assert result.counts["no_consent"] == 2 and len(result.acks) == 2
    assert not Reading.objects.exists() and not DeadLetter.objects.exists()
    assert DeviceState.objects.get(device=device).latest == {}


def test_unbound_device_stores_nothing(worker: Any) -> None:
    device_register(
        ctx=AuditContext(actor=worker),
        serial="D-9",
        type="door_sensor",
        region_code=testing.COMMUNITY_A1,
    )
    result = ingest_batch([msg("D-9", "door", "d1", NOW, open=True)], now=NOW)
    assert result.counts["unbound"] == 1 and not Reading.objects.exists()


def test_battery_and_last_seen_follow_the_device(watch: Any) -> None:
    device, _ = watch
    ingest_batch([msg("W-0001", "battery", "b1", NOW, percent=14)], now=NOW)
    device = Device.objects.get(pk=device.pk)
    assert device.battery == 14 and device.last_seen == NOW


def test_elders_of_other_people_stay_apart(watch: Any, worker: Any) -> None:
    """Two elders' devices in one batch: each reading goes to its own elder."""
    ctx = AuditContext(actor=worker)
    other = testing.make_elder(worker, name="赵德明")
    consent_record(ctx=ctx, elder=other, purpose="monitoring", granted=True)
    second = device_register(
        ctx=ctx, serial="W-0002", type="band", region_code=testing.COMMUNITY_A1
    ).device
    device_bind(ctx=ctx, device=second, elder=other)
    ingest_batch(
        [msg("W-0001", "hr", "a", NOW, bpm=70), msg("W-0002", "hr", "a", NOW, bpm=90)], now=NOW
    )
    assert dict(Reading.objects.values_list("elder_id", "value")) == {
        watch[0].elder_id: {"bpm": 70},
        other.pk: {"bpm": 90},
    }


def test_flood_from_one_device_does_not_starve_others() -> None:
    limiter = DeviceRateLimiter(rate=1.0, burst=5)
    flood = [limiter.allow("FLOOD", now=0.0) for _ in range(100)]
    assert flood.count(True) == 5
    assert all(limiter.allow(f"QUIET-{i}", now=0.0) for i in range(50))
    assert limiter.allow("FLOOD", now=2.0)  # refilled at its own rate


@pytest.mark.django_db(transaction=True)
def test_sos_opens_one_alert_even_when_redelivered(watch: Any) -> None:
    from silvercare.alerts.models import Alert

    device, _ = watch
    sos = msg("W-0001", "sos", "s1", NOW)
    first = ingest_batch([sos, msg("W-0001", "hr", "h1", NOW, bpm=70)], now=NOW)
    assert first.alerts == 1
    again = ingest_batch([sos], now=NOW)
    assert again.alerts == 0 and again.counts["duplicate"] == 1
    alert = Alert.objects.get()
    assert (alert.kind, alert.severity, alert.elder_id) == ("sos", "urgent", device.elder_id)
    assert Reading.objects.filter(kind="sos").count() == 1


@pytest.mark.django_db(transaction=True)
def test_device_fall_flag_opens_a_fall_alert(watch: Any) -> None:
    from silvercare.alerts.models import Alert

    ingest_batch([msg("W-0001", "fall_flag", "f1", NOW, confidence=0.9)], now=NOW)
    assert list(Alert.objects.values_list("kind", flat=True)) == ["fall"]


def test_a_large_batch_keeps_odd_ids_and_the_newest_state_of_each_kind(watch: Any) -> None:
    """Past 20 messages the ids and readings go by COPY on PostgreSQL: a backslash in an id
    survives it, a redelivery is still dropped, and within one batch the newest reading of
    a kind wins whatever the order it came in."""
    device, _ = watch
    batch = [
        msg("W-0001", "steps", f"s\\{n}", NOW - dt.timedelta(seconds=n), count=n) for n in range(30)
    ]
    batch += [msg("W-0001", "battery", "b-new", NOW, percent=40)]
    batch += [msg("W-0001", "battery", "b-old", NOW - dt.timedelta(minutes=1), percent=90)]
    assert ingest_batch(batch, now=NOW).counts["accepted"] == 32
    assert Reading.objects.get(msg_id="s\\7").value == {"count": 7}
    again = ingest_batch(batch, now=NOW)
    assert again.counts["duplicate"] == 32 and Reading.objects.count() == 32
    state = DeviceState.objects.get(device=device)
    assert state.latest["steps"]["value"] == {"count": 0}  # the newest, sent first
    assert state.latest["battery"]["value"] == {"percent": 40}
    device.refresh_from_db()
    assert device.battery == 40 and state.last_ts == NOW
