"""`silvercare simulate`: realistic telemetry for N devices over MQTT, HTTPS or straight into
the ingest (``local``), at a given rate, with SOS presses, abnormal vitals, wandering and
offline devices at configurable rates (docs/devices.md, "Simulator")."""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from silvercare.accounts.models import User
from silvercare.audit.services import AuditContext
from silvercare.monitoring import simulator, wire
from silvercare.monitoring.broker import parse_mqtt_url
from silvercare.monitoring.ingest import RawMessage, ingest_batch
from silvercare.monitoring.models import Device


class Command(BaseCommand):
    help = "Publish simulated device telemetry (MQTT, HTTPS or local)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--devices", type=int, default=50)
        parser.add_argument("--rate", type=float, default=50, help="messages per second")
        parser.add_argument("--duration", type=float, default=30, help="seconds")
        parser.add_argument("--transport", choices=["mqtt", "https", "local"], default="local")
        parser.add_argument("--mqtt-url", default="", help="default: MQTT_URL")
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/v1/monitoring/ingest")
        parser.add_argument("--token", default="", help="API token (https transport)")
        parser.add_argument("--setup", action="store_true", help="register SIM-… devices first")
        parser.add_argument("--as-user", default="", help="who registers them (--setup)")
        parser.add_argument("--sos-rate", type=float, default=0.0005)
        parser.add_argument("--abnormal-rate", type=float, default=0.02)
        parser.add_argument("--wander-rate", type=float, default=0.01)
        parser.add_argument("--offline-rate", type=float, default=0.02)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--recordings",
            default="",
            help="replay a labelled folder (fall-eval's format: labels.csv + t,ax,ay,az CSVs "
            "in g) as one wearable's accel stream instead of random telemetry",
        )
        parser.add_argument(
            "--placement",
            choices=["wrist", "waist", "chest"],
            default="",
            help="with --recordings: replay on a bound device worn there",
        )
        parser.add_argument("--device", default="", help="with --recordings: this serial")
        parser.add_argument("--accel-rate", type=int, default=50, help="Hz of the accel batches")
        parser.add_argument(
            "--samples-per-message", type=int, default=50, help="samples per accel batch"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["recordings"]:
            self._replay(options)
            return
        if options["setup"]:
            self._setup(options["devices"], options["as_user"])
        devices = list(
            Device.objects.filter(elder__isnull=False, status="active")
            .order_by("serial")
            .values_list("serial", "type")[: options["devices"]]
        )
        if not devices:
            raise CommandError("No bound devices: register some, or run with --setup --as-user.")
        rates = simulator.Rates(
            sos=options["sos_rate"],
            abnormal=options["abnormal_rate"],
            wander=options["wander_rate"],
            offline=options["offline_rate"],
        )
        rate, total = options["rate"], int(options["rate"] * options["duration"])
        send = self._sender(options)
        seq0 = int(time.time() * 1000)
        sent, began = 0, time.monotonic()
        source = simulator.stream(
            devices,
            count=total,
            start=timezone.now(),
            rate=rate,
            rates=rates,
            seed=options["seed"],
            first_seq=seq0,
        )
        while sent < total:
            second = [next(source) for _ in range(min(int(rate) or 1, total - sent))]
            send(second)
            sent += len(second)
            pause = began + sent / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self.stdout.write(
            f"{sent} messages from {len(devices)} devices in {time.monotonic() - began:.1f} s"
        )

    def _replay(self, options: dict[str, Any]) -> None:
        """Each recording of the folder, back to back, as the accel stream of one bound
        wearable, stamped so that the last sample is now; reports per recording."""
        from silvercare.falldetect.evaluation import EvalSetError, read_labels, read_recording
        from silvercare.falldetect.signal import RecordingError

        placement, serial = options["placement"], options["device"]
        if not placement and not serial:
            raise CommandError("--recordings needs --placement (or --device)")
        if not 1 <= options["accel_rate"] <= 200:
            raise CommandError("--accel-rate must be between 1 and 200 Hz")
        if not 1 <= options["samples_per_message"] <= 400:
            raise CommandError("--samples-per-message must be between 1 and 400")
        devices = Device.objects.filter(elder__isnull=False, status="active")
        devices = devices.filter(serial=serial) if serial else devices.filter(placement=placement)
        device = devices.order_by("serial").first()
        if device is None:
            raise CommandError(
                f"No bound device {serial!r} in service."
                if serial
                else f"No bound device in service is worn on the {placement}: register one "
                f"with that placement, or name one with --device."
            )
        if placement and device.placement != placement:
            raise CommandError(
                f"{device.serial} is worn on the {device.placement}, not {placement}."
            )
        folder = Path(options["recordings"])
        try:
            listing = read_labels(folder)
        except EvalSetError as exc:
            raise CommandError(str(exc)) from exc
        for where, reason in listing.problems:
            self.stderr.write(f"{where}: {reason} (skipped)")
        recordings = []
        for item in listing.files:
            try:
                t, acc = read_recording(folder / item.file)
            except RecordingError as exc:
                self.stderr.write(f"{item.file}: {exc} (skipped)")
                continue
            if len(t) < 2:
                self.stderr.write(f"{item.file}: too few samples (skipped)")
                continue
            recordings.append((item, t, acc))
        if not recordings:
            raise CommandError("No readable recording in the folder.")
        gap = 5.0  # seconds between recordings
        total = sum(float(t[-1] - t[0]) + gap for _i, t, _a in recordings)
        start = timezone.now() - dt.timedelta(seconds=total)
        send = self._sender(options)
        seq = int(time.time() * 1000)
        sent = 0
        for item, t, acc in recordings:
            messages = simulator.recording_messages(
                serial=device.serial,
                t=t,
                acc=acc,
                start=start,
                seq=seq,
                rate_hz=options["accel_rate"],
                per_message=options["samples_per_message"],
            )
            pending = 0
            for first in range(0, len(messages), 10):
                result = send(messages[first : first + 10])
                pending += getattr(result, "counts", {}).get("fall_pending", 0)
            seq += len(messages)
            sent += len(messages)
            start += dt.timedelta(seconds=float(t[-1] - t[0]) + gap)
            found = f", pending falls opened: {pending}" if options["transport"] == "local" else ""
            label = "fall" if item.is_fall else "no fall"
            self.stdout.write(f"{item.file} ({label}): {len(messages)} messages{found}")
        self.stdout.write(
            f"{len(recordings)} recordings replayed as {sent} accel messages from {device.serial}"
        )

    def _sender(self, options: dict[str, Any]) -> Any:
        transport = options["transport"]
        if transport == "local":
            return lambda items: ingest_batch(
                [
                    RawMessage(serial=s, payload=p, topic=t, topic_kind=t.rsplit("/", 1)[1])
                    for s, t, p in items
                ]
            )
        if transport == "https":
            if not options["token"]:
                raise CommandError("--token is required for the https transport")

            def post(items: list[tuple[str, str, bytes]]) -> None:
                body = {"messages": [{"device": s, "message": json.loads(p)} for s, _t, p in items]}
                request = urllib.request.Request(  # noqa: S310  # the URL the operator gave
                    options["url"],
                    data=json.dumps(body).encode(),
                    method="POST",
                    headers={
                        "Content-Type": "application/json",
                        "Authorization": f"Bearer {options['token']}",
                    },
                )
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    response.read()

            return post
        url = options["mqtt_url"] or settings.MQTT_URL
        if not url:
            raise CommandError("--mqtt-url or MQTT_URL is required for the mqtt transport")
        target = parse_mqtt_url(url)
        publisher = wire.RawPublisher(
            target.host,
            target.port,
            client_id=f"simulator-{time.time_ns()}",
            username=target.username,
            password=target.password,
        )

        def publish(items: list[tuple[str, str, bytes]]) -> None:
            publisher.publish_many(
                wire.packets_for([(t, p) for _s, t, p in items], publisher.sent + 1)
            )

        return publish

    def _setup(self, count: int, username: str) -> None:
        from silvercare.accounts.roles import Perm
        from silvercare.elders.choices import ConsentPurpose
        from silvercare.elders.models import Elder
        from silvercare.elders.selectors import elders_with_consent
        from silvercare.monitoring.services import device_bind, device_register

        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError("--setup needs --as-user with a user who manages devices")
        visible = list(
            Elder.objects.visible_to(user, Perm.MONITORING_MANAGE)
            .order_by("id")
            .values_list("id", flat=True)[: count * 4]
        )
        consenting = sorted(
            elders_with_consent(elder_ids=visible, purpose=ConsentPurpose.MONITORING)
        )
        if not consenting:
            raise CommandError("No elder of this user's area has a monitoring consent recorded.")
        ctx = AuditContext(actor=user, via="command")
        types = [
            "watch",
            "band",
            "bed_sensor",
            "door_sensor",
            "bp_monitor",
            "pill_box",
            "sos_button",
        ]
        made = 0
        for n in range(count):
            serial = f"SIM-{n + 1:05d}"
            if Device.objects.filter(serial=serial).exists():
                continue
            elder = Elder.objects.get(pk=consenting[n % len(consenting)])
            issued = device_register(
                ctx=ctx, serial=serial, type=types[n % len(types)], region_code=elder.region_id
            )
            device_bind(ctx=ctx, device=issued.device, elder=elder)
            made += 1
        self.stdout.write(f"{made} simulated devices registered")
