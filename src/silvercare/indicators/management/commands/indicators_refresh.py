"""`silvercare indicators-refresh [--full] [--period CODE …]`: recompute the indicator
roll-ups (by default the periods containing yesterday and today; run it hourly or daily) and
print what was written."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.indicators.models import Refresh
from silvercare.indicators.services import FULL, figures_refresh, period_bounds


class Command(BaseCommand):
    help = (
        "Recompute the indicator roll-ups: the days, month, quarter and year containing "
        "yesterday and today; everything recent (--full); or --period."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        recent = ", ".join(f"{n} {kind}s" for kind, n in FULL.items())
        parser.add_argument("--full", action="store_true", help=f"the last {recent}")
        parser.add_argument(
            "--period",
            "--month",
            action="append",
            default=[],
            help="a day YYYY-MM-DD, month YYYY-MM, quarter YYYYQn or year YYYY (repeatable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for code in options["period"]:
            try:
                period_bounds(code)
            except ValueError as error:
                raise CommandError(f"--period: {error}") from None
        kind = Refresh.Kind.FULL if options["full"] else Refresh.Kind.INCREMENTAL
        started = time.perf_counter()
        refresh = figures_refresh(kind=kind, codes=options["period"] or None)
        self.stdout.write(
            f"{refresh.kind} refresh: {len(refresh.periods)} periods, {refresh.figures} figures "
            f"in {time.perf_counter() - started:.1f} s"
        )
