"""`silvercare assistive-import-products FILE.csv --as USER`: import catalogue rows as drafts.
Every row is checked first; one bad row refuses the whole file, each problem named by row."""

from __future__ import annotations

import csv
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.accounts.models import User
from silvercare.assistive.services import products_import
from silvercare.audit.services import AuditContext


class Command(BaseCommand):
    help = "Import assistive products from a UTF-8 CSV file (as drafts; curators only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--as", dest="username", required=True, help="a curator's username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError("No such active user.")
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.DictReader(handle))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CommandError(f"Cannot read the file: {exc}") from None
        result = products_import(ctx=AuditContext(actor=user, via="cli"), rows=rows)
        if result.errors:
            for error in result.errors:
                self.stderr.write(f"{error.field}: {error.message}")
            raise CommandError("Nothing was imported.")
        self.stdout.write(f"{result.created} products imported as drafts.")
