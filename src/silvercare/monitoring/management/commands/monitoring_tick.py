"""`silvercare monitoring-tick [--every SECONDS] [--now ISO-TIME]`: the time-driven rule checks
(inactivity, offline devices, missed doses) and the detected falls whose cancel window has
ended, when no ingest worker runs them (`silvercare ingest --tick`), e.g. in a deployment with
HTTPS ingest only. Once, or every SECONDS until stopped. ``--now`` (once only) evaluates at a
given time, for replays and tests."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from silvercare.monitoring.evaluation import rules_tick


def _aware(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now must be an ISO 8601 time, not {text!r}") from None
    if value.tzinfo is None:
        raise CommandError("--now needs a UTC offset (e.g. 2026-01-01T08:00:00+08:00)")
    return value


class Command(BaseCommand):
    help = "Run the time-driven monitoring rules (once, or every --every seconds)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--every", type=float, default=0)
        parser.add_argument("--now", default="", help="evaluate at this time (once)")

    def handle(self, *args: Any, **options: Any) -> None:
        fixed = _aware(options["now"]) if options["now"] else None
        if fixed is not None and options["every"]:
            raise CommandError("--now and --every cannot be combined")
        while True:
            outcome = rules_tick(now=fixed or timezone.now())
            self.stdout.write(f"{len(outcome.signals)} signals, {outcome.alerts} alerts")
            if not options["every"]:
                return
            time.sleep(options["every"])
