"""The server-side fall detector in the ingest: a wearable's accelerometer stream → a pending
fall and a "press to cancel" command → a critical fall alert unless the wearer cancels in
time; ADL gives nothing; a device without a placement is not analysed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from silvercare.alerts.models import Alert
from silvercare.audit.services import AuditContext
from silvercare.common import testing
from silvercare.common.testing import client_for
from silvercare.falldetect import synthetic
from silvercare.monitoring.evaluation import rules_tick
from silvercare.monitoring.falls import FALL_CHECK
from silvercare.monitoring.ingest import RawMessage, ingest_batch
from silvercare.monitoring.models import FallStreamState, PendingFall, Reading
from silvercare.monitoring.services import device_bind, device_register
from silvercare.monitoring.simulator import recording_messages

pytestmark = pytest.mark.django_db
# Recent, so the falls count in the pages' "last 30 days".
START = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)
FALL_AT = 20.0  # seconds into the recording


def _recording(fall: bool, seconds: float = 40.0) -> tuple[Any, Any]:
    signal = synthetic.fall(at_s=FALL_AT, seed=3) if fall else synthetic.walking(seed=4)
    return synthetic.sample(signal, 100, seconds)


def _stream(
    serial: str, fall: bool = True, seq: int = 0, start: dt.datetime = START
) -> list[RawMessage]:
    t, acc = _recording(fall)
    return [
        RawMessage(serial=s, payload=p, topic=topic, topic_kind="accel", ack=n)
        for n, (s, topic, p) in enumerate(
            recording_messages(serial=serial, t=t, acc=acc, start=start, seq=seq)
        )
    ]


def _send(messages: list[RawMessage], per_batch: int = 4) -> list[tuple[str, Any]]:
    """Ingest as the worker would (a few messages a batch, each batch at its last sample's
    time); returns the device commands decided."""
    commands: list[tuple[str, Any]] = []
    for first in range(0, len(messages), per_batch):
        batch = messages[first : first + per_batch]
        last = json.loads(batch[-1].payload)["ts"]
        now = dt.datetime.fromisoformat(last) + dt.timedelta(seconds=1)
        commands += ingest_batch(batch, now=now).commands
    return commands


def _cancel(serial: str, at: dt.datetime, ref: str | None = None) -> None:
    body: dict[str, Any] = {"kind": "fall_cancel", "id": f"c{at.timestamp()}", "ts": at.isoformat()}
    if ref:
        body["ref"] = ref
    ingest_batch([RawMessage(serial=serial, payload=json.dumps(body).encode())], now=at)


def _fall_alerts() -> list[Alert]:
    return list(Alert.objects.filter(kind="fall"))


def test_a_fall_not_cancelled_raises_one_critical_alert_after_the_window(watch: Any) -> None:
    device, _ = watch
    commands = _send(_stream("W-0001"))

    pending = PendingFall.objects.get()
    assert pending.state == "pending" and pending.device_id == device.pk
    assert abs((pending.detected_at - START).total_seconds() - FALL_AT) < 0.5
    # The wearer is asked, once, on the fall_check command.
    assert [(serial, signal.kind) for serial, signal in commands] == [("W-0001", FALL_CHECK)]
    assert commands[0][1].params["ref"] == str(pending.pk)
    assert commands[0][1].params["confirm_s"] == 30

    # Nothing before the window ends …
    rules_tick(now=pending.due_at - dt.timedelta(seconds=1))
    assert _fall_alerts() == []
    # … one critical fall alert after it, and only one however often the tick runs.
    rules_tick(now=pending.due_at + dt.timedelta(seconds=1))
    rules_tick(now=pending.due_at + dt.timedelta(seconds=5))
    [alert] = _fall_alerts()
    assert alert.severity == "critical" and alert.device_serial == "W-0001"
    assert alert.elder_id == device.elder_id and alert.reason == "fall_not_cancelled"
    pending.refresh_from_db()
    assert pending.state == "raised" and pending.alert_id == alert.pk
    # A cancel after the window is recorded but does not undo the alert.
    _cancel("W-0001", pending.due_at + dt.timedelta(seconds=10))
    pending.refresh_from_db()
    assert pending.state == "raised" and pending.late_cancel_at is not None
    assert Alert.objects.get(pk=alert.pk).is_active


def test_the_tick_command_takes_the_time_to_evaluate_at(watch: Any) -> None:
    _send(_stream("W-0001"))
    pending = PendingFall.objects.get()
    call_command("monitoring_tick", now=(pending.due_at + dt.timedelta(seconds=1)).isoformat())
    assert len(_fall_alerts()) == 1


def test_a_cancel_inside_the_window_means_no_alert(watch: Any) -> None:
    commands = _send(_stream("W-0001"))
    pending = PendingFall.objects.get()

    _cancel("W-0001", pending.due_at - dt.timedelta(seconds=5), ref=commands[0][1].params["ref"])
    rules_tick(now=pending.due_at + dt.timedelta(minutes=5))

    assert _fall_alerts() == []
    pending.refresh_from_db()
    assert pending.state == "cancelled" and pending.cancelled_at is not None


@override_settings(SILVERCARE_FALL_CONFIRM_SECONDS=60)
def test_the_window_is_configurable(watch: Any) -> None:
    _send(_stream("W-0001"))
    pending = PendingFall.objects.get()
    # Batches are ingested one second after their last sample: the window starts then.
    assert 60 <= (pending.due_at - pending.detected_at).total_seconds() <= 64
    rules_tick(now=pending.detected_at + dt.timedelta(seconds=40))
    assert _fall_alerts() == []


def test_walking_gives_no_pending_fall(watch: Any) -> None:
    commands = _send(_stream("W-0001", fall=False))
    assert PendingFall.objects.count() == 0 and commands == []
    # The stream was analysed (its tail is kept between messages) and the readings stored.
    assert FallStreamState.objects.filter(placement="wrist").count() == 1
    assert Reading.objects.filter(kind="accel").count() == len(_stream("W-0001", fall=False))


def test_the_tail_survives_between_batches_one_message_at_a_time(watch: Any) -> None:
    """One message per batch (as after a worker restart between every message): the window
    that straddles many messages is still assembled from the stored tail."""
    _send(_stream("W-0001"), per_batch=1)
    assert PendingFall.objects.count() == 1


def test_a_waist_clip_uses_the_waist_detector_batched_with_the_watch(
    worker: Any, elder: Any, watch: Any
) -> None:
    ctx = AuditContext(actor=worker, via="test")
    clip = device_register(
        ctx=ctx,
        serial="P-0001",
        type="pendant",
        region_code=testing.COMMUNITY_A1,
        placement="waist",
    )
    device_bind(ctx=ctx, device=clip.device, elder=elder)
    both = [m for pair in zip(_stream("W-0001"), _stream("P-0001"), strict=True) for m in pair]

    commands = _send(both, per_batch=8)

    assert sorted(serial for serial, _signal in commands) == ["P-0001", "W-0001"]
    assert sorted(PendingFall.objects.values_list("placement", flat=True)) == ["waist", "wrist"]


def test_a_device_without_placement_is_not_analysed(worker: Any, elder: Any) -> None:
    ctx = AuditContext(actor=worker, via="test")
    band = device_register(
        ctx=ctx, serial="B-0001", type="band", region_code=testing.COMMUNITY_A1
    ).device
    device_bind(ctx=ctx, device=band, elder=elder)

    commands = _send(_stream("B-0001"))

    assert commands == [] and PendingFall.objects.count() == 0
    assert FallStreamState.objects.count() == 0  # the detector never ran
    assert Reading.objects.filter(kind="accel", device_id=band.pk).exists()


def test_device_fall_flags_are_still_accepted_directly(watch: Any) -> None:
    body = {"kind": "fall_flag", "id": "f1", "ts": START.isoformat(), "confidence": 0.9}
    ingest_batch([RawMessage(serial="W-0001", payload=json.dumps(body).encode())], now=START)
    [alert] = _fall_alerts()
    assert alert.reason in {"fall_detected", "device_fall_flag"}
    assert PendingFall.objects.count() == 0


def _fall_alert_after_window(start: dt.datetime, seq: int) -> Alert:
    _send(_stream("W-0001", seq=seq, start=start))
    pending = PendingFall.objects.get(state="pending")
    rules_tick(now=pending.due_at + dt.timedelta(seconds=1))
    return Alert.objects.get(pk=PendingFall.objects.get(pk=pending.pk).alert_id)


def test_false_alarms_show_as_a_rate_per_device_and_per_elder(worker: Any, watch: Any) -> None:
    device, _ = watch
    operator = client_for(testing.make_user("call_centre", testing.STREET_A, "operator_a"))
    first = _fall_alert_after_window(START, 0)
    # The operator finds the wearer fine: a false alarm.
    operator.post(f"/alerts/{first.pk}/resolve/", {"resolution": "false_alarm", "note": "没事"})
    second = _fall_alert_after_window(START + dt.timedelta(minutes=10), 1000)
    # Also a fall the wearer cancelled in time: not an alert, not a false alarm.
    _send(_stream("W-0001", seq=2000, start=START + dt.timedelta(minutes=20)))
    _cancel("W-0001", PendingFall.objects.get(state="pending").due_at - dt.timedelta(seconds=1))

    device_page = client_for(worker).get(f"/monitoring/devices/{device.pk}/")
    falls = device_page.context["falls"]
    assert (falls["detected"], falls["cancelled"]) == (3, 1)
    assert (falls["rate"].falls, falls["rate"].false_alarms) == (2, 1)
    html = device_page.content.decode()
    assert '<dd class="false-alarm-rate">50%</dd>' in html
    assert '<dd class="falls-cancelled">1</dd>' in html

    # The elder's side: on the fall alert's page and in the elder's alert history.
    detail = operator.get(f"/alerts/{second.pk}/").content.decode()
    assert '<dd class="false-alarm-count">1</dd>' in detail
    assert '<dd class="false-alarm-rate">50%</dd>' in detail
    history = operator.get(f"/alerts/history/?elder={device.elder_id}").content.decode()
    assert '<dd class="fall-count">2</dd>' in history


def test_the_fall_summary_is_in_chinese(worker: Any, watch: Any) -> None:
    """(Reads the compiled catalogue: ``silvercare compilemessages -l zh_Hans`` first.)"""
    device, _ = watch
    page = client_for(worker).get(
        f"/monitoring/devices/{device.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    html = page.content.decode()
    assert "最近 30 天的跌倒" in html and "误报率" in html


def _write_recordings(folder: Any) -> None:
    """fall-eval's folder format: labels.csv and t,ax,ay,az CSVs in g."""
    rows = ["file,is_fall"]
    for name, fall in (("walk.csv", False), ("fall.csv", True)):
        t, acc = _recording(fall)
        lines = ["t,ax,ay,az"] + [
            f"{ti:.4f},{a[0]:.4f},{a[1]:.4f},{a[2]:.4f}" for ti, a in zip(t, acc, strict=True)
        ]
        (folder / name).write_text("\n".join(lines) + "\n")
        rows.append(f"{name},{int(fall)}")
    (folder / "broken.csv").write_text("time,x\n0,1\n")
    rows.append("broken.csv,0")
    (folder / "labels.csv").write_text("\n".join(rows) + "\n")


def test_simulate_replays_recordings_as_a_wearables_stream(tmp_path: Any, watch: Any) -> None:
    import io

    _write_recordings(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "simulate",
        "--recordings",
        str(tmp_path),
        "--placement",
        "wrist",
        "--transport",
        "local",
        stdout=out,
        stderr=err,
    )

    text = out.getvalue()
    assert "walk.csv (no fall): 41 messages, pending falls opened: 0" in text
    assert "fall.csv (fall): 41 messages, pending falls opened: 1" in text
    assert "2 recordings replayed as 82 accel messages from W-0001" in text
    assert "broken.csv: missing column(s)" in err.getvalue()
    pending = PendingFall.objects.get()
    assert pending.device.serial == "W-0001" and pending.state == "pending"
    assert Reading.objects.filter(kind="accel").count() == 82


def test_simulate_replay_needs_a_device_worn_there(tmp_path: Any, watch: Any) -> None:
    from django.core.management import CommandError

    _write_recordings(tmp_path)
    with pytest.raises(CommandError, match="worn on the waist"):
        call_command("simulate", "--recordings", str(tmp_path), "--placement", "waist")
    with pytest.raises(CommandError, match=r"labels\.csv"):
        call_command("simulate", "--recordings", str(tmp_path / "nowhere"), "--placement", "wrist")


def test_the_worker_publishes_the_fall_check_on_its_own_topic(watch: Any) -> None:
    from silvercare.monitoring.broker import MqttTarget
    from silvercare.monitoring.worker import IngestWorker

    class Client:
        def __init__(self) -> None:
            self.published: list[tuple[str, dict[str, Any]]] = []

        def publish(self, topic: str, body: str, qos: int) -> None:
            self.published.append((topic, json.loads(body)))

    commands = _send(_stream("W-0001"))
    worker = IngestWorker(
        MqttTarget(host="127.0.0.1", port=1, username="", password="", tls=False), client_id="t"
    )
    worker.client = Client()  # type: ignore[assignment]
    worker._send_commands(commands)

    [(topic, body)] = worker.client.published  # type: ignore[attr-defined]
    assert topic == "silvercare/v1/W-0001/cmd/fall_check"
    assert body["kind"] == "fall_check" and body["reason"] == "fall_detected"
    assert body["params"]["ref"] == str(PendingFall.objects.get().pk)


@override_settings(SILVERCARE_FALL_CONFIRM_SECONDS=3600)  # however slow the machine
def test_a_device_on_https_gets_the_press_to_cancel_prompt_in_the_answer(watch: Any) -> None:
    import base64

    from django.test import Client

    _device, secret = watch
    auth = base64.b64encode(f"W-0001:{secret}".encode()).decode()
    start = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(seconds=45)

    def post(messages: list[bytes]) -> Any:
        body = {"messages": [{"message": json.loads(m)} for m in messages]}
        return Client().post(
            "/api/v1/monitoring/ingest",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Basic {auth}",
        )

    answers = [post([m.payload]) for m in _stream("W-0001", start=start)]
    assert all(a.status_code == 200 for a in answers), answers[-1].content
    pending = PendingFall.objects.get()
    prompts = [c for a in answers for c in a.json()["commands"]]
    assert prompts, "no fall_check prompt in any answer"
    assert prompts[0]["device"] == "W-0001" and prompts[0]["kind"] == FALL_CHECK
    assert prompts[0]["reason"] == "fall_detected"
    assert prompts[0]["params"]["ref"] == str(pending.pk)
    assert prompts[0]["params"]["confirm_s"] == 3600
    # Before the fall, nothing to show; after the wearer's cancel, the prompt is gone.
    assert answers[0].json()["commands"] == []
    cancel = {"kind": "fall_cancel", "id": "c1", "ts": dt.datetime.now(dt.UTC).isoformat()}
    answer = post([json.dumps({**cancel, "ref": str(pending.pk)}).encode()])
    assert answer.json()["commands"] == []
    pending.refresh_from_db()
    assert pending.state == "cancelled"
