"""`silvercare qualification-reminders`: remind the holders and employers of qualifications
that expire within 60 days or have expired (each stage once; safe to run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.training.services import reminders_send


class Command(BaseCommand):
    help = "Record and send the reminders of expiring and expired qualifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="the day to count from (YYYY-MM-DD); today by default")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options.get("on"):
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on must be a date, YYYY-MM-DD") from None
        sent = reminders_send(on=on)
        self.stdout.write(f"{sent} reminders recorded.")
