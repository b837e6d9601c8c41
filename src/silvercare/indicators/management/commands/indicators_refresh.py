"""`silvercare indicators-refresh [--full] [--period CODE …] [--every SECONDS]`: recompute the
indicator roll-ups (by default the periods containing yesterday and today) and print what was
written; with ``--every`` it goes on doing so (``make run`` starts it hourly)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django import db
from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.common import periods
from silvercare.indicators.models import Refresh
from silvercare.indicators.services import FULL, figures_refresh


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
        parser.add_argument(
            "--every", type=float, default=0, help="go on, recomputing every SECONDS"
        )
        parser.add_argument(
            "--count", type=int, default=0, help="with --every: stop after COUNT runs"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for code in options["period"]:
            try:
                periods.bounds(code)
            except ValueError as error:
                raise CommandError(f"--period: {error}") from None
        kind = Refresh.Kind.FULL if options["full"] else Refresh.Kind.INCREMENTAL
        every, runs = max(0.0, options["every"]), 0
        while True:
            started = time.perf_counter()
            try:
                refresh = figures_refresh(kind=kind, codes=options["period"] or None)
            except db.DatabaseError:
                if not every:
                    raise
                logging.getLogger(__name__).exception("indicator refresh failed")
                db.close_old_connections()
            else:
                self.stdout.write(
                    f"{refresh.kind} refresh: {len(refresh.periods)} periods, "
                    f"{refresh.figures} figures in {time.perf_counter() - started:.1f} s"
                )
            runs += 1
            if not every or runs == options["count"]:
                return
            time.sleep(every)
