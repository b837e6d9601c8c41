"""`silvercare monitoring-tick [--every SECONDS]`: the time-driven rule checks (inactivity,
offline devices, missed doses) when no ingest worker runs them (`silvercare ingest --tick`),
e.g. in a deployment with HTTPS ingest only. Once, or every SECONDS until stopped."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from silvercare.monitoring.evaluation import rules_tick


class Command(BaseCommand):
    help = "Run the time-driven monitoring rules (once, or every --every seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            outcome = rules_tick(now=timezone.now())
            self.stdout.write(f"{len(outcome.signals)} signals, {outcome.alerts} alerts")
            if not options["every"]:
                return
            time.sleep(options["every"])
