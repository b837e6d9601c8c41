"""`silvercare monitoring-retention --keep-days N`: raw readings older than N days become
daily summaries (count, min / max / mean per numeric field) and are deleted."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from silvercare.monitoring.retention import retention_run


class Command(BaseCommand):
    help = "Summarise readings older than --keep-days by day, then delete them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--keep-days", type=int, default=90)

    def handle(self, *args: Any, **options: Any) -> None:
        result = retention_run(keep_days=options["keep_days"])
        self.stdout.write(
            f"{result.summarised} readings summarised into {result.days} daily rows, "
            f"{result.deleted} deleted, {result.partitions_dropped} partitions dropped"
        )
