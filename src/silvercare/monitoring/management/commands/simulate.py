"""`silvercare simulate`: realistic telemetry for N devices over MQTT, HTTPS or straight into
the ingest (``local``), at a given rate, with SOS presses, abnormal vitals, wandering and
offline devices at configurable rates (docs/devices.md, "Simulator")."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from silvercare.accounts.models import User
from silvercare.audit.services import AuditContext
from silvercare.monitoring import simulator
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

    def handle(self, *args: Any, **options: Any) -> None:
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
        publisher = simulator.RawPublisher(
            target.host,
            target.port,
            client_id=f"simulator-{time.time_ns()}",
            username=target.username,
            password=target.password,
        )

        def publish(items: list[tuple[str, str, bytes]]) -> None:
            publisher.publish_many(
                simulator.packets_for([(t, p) for _s, t, p in items], publisher.sent + 1)
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
