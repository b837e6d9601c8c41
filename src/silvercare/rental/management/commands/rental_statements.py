"""`silvercare rental-statements --as USER`: bill every begun, unbilled month of the active
leases USER (a rental operator) operates, recording each month's subsidy deliveries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.audit.services import AuditContext
from silvercare.rental.services import leases_bill_due


class Command(BaseCommand):
    help = "Bill the begun months of active leases (monthly statements and subsidy deliveries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="username", required=True, help="a rental operator")
        parser.add_argument("--on", help="bill months begun by this day (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        from silvercare.accounts.models import User

        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("no such active user")
        on = None
        if options.get("on"):
            try:
                on = dt.date.fromisoformat(options["on"])
            except ValueError:
                raise CommandError("--on must be a date, YYYY-MM-DD") from None
        billed = leases_bill_due(ctx=AuditContext(actor=user, via="command"), on=on)
        self.stdout.write(f"{billed} lease months billed.")
