"""`silvercare escalate`: the escalation loop. Stateless: every pass reads the due alerts
from the database, so it can be killed and restarted at any moment."""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django import db
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from silvercare.alerts.escalation import escalation_run_due, next_due

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Escalate and remind open alerts whose ladder step is due (runs until stopped)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="One pass, then exit.")
        parser.add_argument(
            "--now", default="", help="ISO time to use instead of the clock (with --once)."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Longest sleep between passes (s)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        fixed: dt.datetime | None = None
        if options["now"]:
            try:
                fixed = dt.datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now: not an ISO time: {options['now']}") from exc
            if timezone.is_naive(fixed):
                raise CommandError("--now needs a time zone offset")
        if options["once"]:
            done = escalation_run_due(now=fixed or timezone.now())
            self.stdout.write(f"{done} alert(s) escalated or reminded")
            return
        interval = max(0.05, float(options["interval"]))
        while True:
            try:
                escalation_run_due(now=timezone.now())
                due = next_due(now=timezone.now())
            except DatabaseError:  # the database went away: reconnect on the next pass
                log.exception("escalation pass failed")
                db.close_old_connections()
                db.connection.close()
                time.sleep(interval)
                continue
            wait = interval if due is None else (due - timezone.now()).total_seconds()
            time.sleep(min(interval, max(0.05, wait)))
