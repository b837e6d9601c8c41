"""`silvercare ingest`: the MQTT ingest worker (docs/devices.md). Needs MQTT_URL; without a
broker, devices and gateways send over HTTPS (/api/v1/monitoring/ingest)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from silvercare.monitoring import alerting
from silvercare.monitoring.broker import parse_mqtt_url
from silvercare.monitoring.ingest import DeviceRateLimiter
from silvercare.monitoring.partitions import partitions_ensure
from silvercare.monitoring.worker import IngestWorker

BULK_NICENESS = 5


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
        parser.add_argument(
            "--processes",
            type=int,
            default=1,
            metavar="N",
            help="run N bulk worker processes on the shared subscription (client ids "
            "<id>-1 … <id>-N) and one urgent-lane process (<id>-urgent)",
        )
        parser.add_argument(
            "--lanes",
            choices=["both", "bulk", "urgent"],
            default="both",
            help="both (default): the bulk lane and the urgent lane (its own connection and "
            "thread) in this process; bulk or urgent: only that one",
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
        if options["processes"] > 1:
            self._supervise(options)
            return
        # The urgent lane and the notification dispatcher share the interpreter with the
        # bulk lane: a short switch interval lets them have it within ~1 ms, not 5 ms.
        sys.setswitchinterval(0.001)
        if options["lanes"] == "bulk":
            # A bulk-only process yields the CPU to the urgent-lane process when both want
            # it: an SOS never waits for a batch's decoding and rules.
            os.nice(BULK_NICENESS)
        dispatcher = None
        if alerting.alerts_available():  # first notifications off the ingest threads
            from silvercare.alerts.escalation import Dispatcher

            dispatcher = Dispatcher(threads=2).start()
        worker = IngestWorker(
            target,
            client_id=options["client_id"],
            batch_size=max(1, options["batch_size"]),
            window=max(1, options["window_ms"]) / 1000,
            tick_every=options["tick"] or None,
            urgent_lane=options["lanes"] != "bulk",
            bulk_lane=options["lanes"] != "urgent",
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
            if dispatcher is not None:
                dispatcher.stop()
            self.stdout.write(f"stopped after storing {worker.stored} readings")

    def _supervise(self, options: dict[str, Any]) -> None:
        """N child processes (``silvercare ingest`` each), stopped together."""
        children = []
        base = [sys.argv[0], "ingest", "--batch-size", str(options["batch_size"])]
        base += ["--window-ms", str(options["window_ms"])]
        # The urgent lane first, so its share group exists before a bulk worker skips one.
        children.append(
            subprocess.Popen(  # noqa: S603 - our own command
                [*base, "--client-id", f"{options['client_id']}-urgent", "--lanes", "urgent"]
            )
        )
        for n in range(1, options["processes"] + 1):
            argv = [*base, "--client-id", f"{options['client_id']}-{n}", "--lanes", "bulk"]
            if n == 1 and options["tick"]:
                argv += ["--tick", str(options["tick"])]
            children.append(subprocess.Popen(argv))  # noqa: S603 - our own command
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        while not stop.wait(1.0):
            if any(child.poll() is not None for child in children):
                break
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            child.wait(30)
