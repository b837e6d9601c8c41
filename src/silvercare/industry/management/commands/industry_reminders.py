"""`silvercare industry-reminders`: record a reminder for every enterprise or facility that
has not filed a report whose deadline is within 7 days ("due") or has passed ("overdue");
each filer, period and stage once, so it is safe to run daily. The enterprise's members see
the reminders on the industry home page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.audit.services import AuditContext
from silvercare.industry.services import reports_remind


class Command(BaseCommand):
    help = "Record reminders of statistical reports due within 7 days or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="the day to count from (YYYY-MM-DD); today by default")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options.get("on"):
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on must be a date, YYYY-MM-DD") from None
        counts = reports_remind(ctx=AuditContext(actor=None, via="command"), on=on)
        self.stdout.write(
            f"{counts['due']} due and {counts['overdue']} overdue reminders recorded."
        )
