"""`silvercare ingest`: the MQTT ingest worker (docs/devices.md). Needs MQTT_URL; without a
broker, devices and gateways send over HTTPS (/api/v1/monitoring/ingest)."""

from __future__ import annotations

import signal
import socket
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from silvercare.monitoring.broker import parse_mqtt_url
from silvercare.monitoring.ingest import DeviceRateLimiter
from silvercare.monitoring.partitions import partitions_ensure
from silvercare.monitoring.worker import IngestWorker


class Command(BaseCommand):
    help = "Ingest device telemetry from the MQTT broker (MQTT_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--client-id",
            default=f"silvercare-ingest-{socket.gethostname()}",
            help="stable MQTT client id of this worker (distinct per worker: the broker keeps "
            "its session and unacknowledged messages under it)",
        )
        parser.add_argument("--batch-size", type=int, default=settings.SILVERCARE_INGEST_BATCH_SIZE)
        parser.add_argument(
            "--window-ms", type=int, default=settings.SILVERCARE_INGEST_BATCH_WINDOW_MS
        )
        parser.add_argument(
            "--tick",
            type=float,
            default=0,
            metavar="SECONDS",
            help="also run the time-driven rule checks every SECONDS (in one worker only)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.MQTT_URL:
            raise CommandError(
                "MQTT_URL is not set: there is no broker to read from. Devices and gateways "
                "can send over HTTPS to /api/v1/monitoring/ingest."
            )
        try:
            target = parse_mqtt_url(settings.MQTT_URL)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        partitions_ensure(today=timezone.localdate())
        worker = IngestWorker(
            target,
            client_id=options["client_id"],
            batch_size=max(1, options["batch_size"]),
            window=max(1, options["window_ms"]) / 1000,
            tick_every=options["tick"] or None,
            limiter=DeviceRateLimiter(
                rate=settings.SILVERCARE_INGEST_DEVICE_RATE,
                burst=settings.SILVERCARE_INGEST_DEVICE_BURST,
            ),
        )
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        worker.start()
        self.stdout.write(f"ingesting from {target.host}:{target.port} as {options['client_id']}")
        try:
            worker.run(stop)
        finally:
            worker.stop()
            self.stdout.write(f"stopped after storing {worker.stored} readings")
