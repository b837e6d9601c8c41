"""`silvercare rental-reminders`: remind the contacts of elders whose lease ends within 7
days or has passed its planned end (each stage once per lease; safe to run daily). The
operators' list of overdue leases is the Leases page with "past the planned end"."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.audit.services import AuditContext
from silvercare.rental.services import leases_remind


class Command(BaseCommand):
    help = "Send the reminders of leases ending within 7 days or overdue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--on", help="the day to count from (YYYY-MM-DD); today by default")

    def handle(self, *args: Any, **options: Any) -> None:
        on = None
        if options.get("on"):
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on must be a date, YYYY-MM-DD") from None
        counts = leases_remind(ctx=AuditContext(actor=None, via="command"), on=on)
        self.stdout.write(
            f"{counts['due_soon']} due-soon and {counts['overdue']} overdue reminders recorded."
        )
