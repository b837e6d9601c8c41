"""`silvercare indicators-report --as-user NAME [--region CODE] [--period CODE] [--out DIR]`:
write a region's periodic analysis report (PDF and xlsx) as that user may read it — by
default the user's home area and the last complete month; schedule it monthly after the
roll-ups are refreshed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.common import periods
from silvercare.common.errors import NotFound
from silvercare.indicators import report, selectors


class Command(BaseCommand):
    help = "Write a region's indicator analysis report (PDF and xlsx) for a period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-user", required=True, help="whose areas the report may read")
        parser.add_argument("--region", default="", help="12-digit code (default: home area)")
        parser.add_argument("--period", default="", help="default: the last complete month")
        parser.add_argument("--out", default=".", help="folder to write into")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None or not user.is_active:
            raise CommandError(f"--as-user: no active user {options['as_user']!r}")
        region = options["region"] or selectors.home_region(user) or ""
        period = options["period"] or report.default_month()
        if periods.kind_of(period) is None:
            raise CommandError(f"--period {period!r} names no day, month, quarter or year")
        try:
            shown = report.view(actor=user, region_code=region, period=period)
        except NotFound:
            raise CommandError(f"--region {region!r} is not an area this user reads") from None
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        for suffix, content in (
            ("pdf", report.analysis_pdf(shown)),
            ("xlsx", report.analysis_xlsx(shown)),
        ):
            path = out / f"indicators-report-{region}-{period}.{suffix}"
            path.write_bytes(content)
            self.stdout.write(str(path))
