"""`silvercare fall-eval DIR --placement wrist|waist|chest [--details]`: evaluate a shipped fall
detector on a labelled folder of recordings (no database). See ``silvercare.falldetect.cli``."""

from __future__ import annotations

import sys
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from silvercare.falldetect.cli import fall_eval
from silvercare.falldetect.detector import PLACEMENTS


class Command(BaseCommand):
    help = (
        "Evaluate the shipped fall detector on DIR (labels.csv with file,is_fall and one "
        "t,ax,ay,az CSV in g per recording): sensitivity, specificity and false alarms per "
        "hour per recording, beside the 2.5 g peak-threshold baseline."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dir", help="folder with labels.csv and the recordings")
        parser.add_argument(
            "--placement",
            required=True,
            choices=PLACEMENTS,
            help="where the sensor was worn: chooses the detector",
        )
        parser.add_argument(
            "--details", action="store_true", help="print every recording's decision"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = fall_eval(
            options["dir"],
            options["placement"],
            cast(TextIO, self.stdout),
            cast(TextIO, self.stderr),
            details=options["details"],
        )
        if code:
            sys.exit(code)
