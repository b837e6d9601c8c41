"""`silvercare assess-score FILE.json`: score records with no database at all.

FILE.json holds one record or a list; the result is printed in the same shape and order.
A bad record (unknown/missing item, a score no option carries, wrong instrument) exits 2
with a message naming the record index and the item; nothing is printed as a result."""

from __future__ import annotations

import sys
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from silvercare.assessments.instruments import LevelChangeRules, assess_score_cli


class Command(BaseCommand):
    help = "Score assessment records from a JSON file (the same scorer as the form and API)."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSON file: one record or a list of records")
        parser.add_argument(
            "--stack-raises",
            action="store_true",
            help="Let the C.4 'raise one level' rules add up (default: +1 at most)",
        )
        parser.add_argument(
            "--risk-event-threshold",
            type=int,
            default=2,
            help="Care-risk events in 30 days that raise the level (default 2)",
        )
        parser.add_argument(
            "--coma-level",
            type=int,
            default=4,
            choices=range(5),
            help="Level for an elder in a coma (default 4, per C.4)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rules = LevelChangeRules(
            stack_raises=options["stack_raises"],
            risk_event_threshold=options["risk_event_threshold"],
            coma_level=options["coma_level"],
        )
        code = assess_score_cli(
            options["file"], cast(TextIO, self.stdout), cast(TextIO, self.stderr), rules=rules
        )
        if code:
            sys.exit(code)
