"""`silvercare indicators-refresh [--full] [--month YYYY-MM …]`: recompute the indicator
roll-ups (this month by default; run it hourly or daily) and print what was written."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.indicators.models import Refresh
from silvercare.indicators.services import figures_refresh, period_bounds


class Command(BaseCommand):
    help = "Recompute the indicator roll-ups: this month, the last 24 months (--full) or --month."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--full", action="store_true", help="the last 24 months")
        parser.add_argument("--month", action="append", default=[], help="YYYY-MM (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        for month in options["month"]:
            try:
                period_bounds(month)
            except ValueError:
                raise CommandError(f"--month {month!r} is not YYYY-MM") from None
        kind = Refresh.Kind.FULL if options["full"] else Refresh.Kind.INCREMENTAL
        started = time.perf_counter()
        refresh = figures_refresh(kind=kind, periods=options["month"] or None)
        self.stdout.write(
            f"{refresh.kind} refresh: {len(refresh.periods)} months, {refresh.figures} figures "
            f"in {time.perf_counter() - started:.1f} s"
        )
