"""`silvercare inspection-draw`: verify a random-inspection draw, or make one.

    silvercare inspection-draw --verify DRAW_ID
    silvercare inspection-draw --verify-file draw-12.json
    silvercare inspection-draw --as USER --region CODE --kinds enterprise,rental_point \\
        --ratio 5 [--grade-ratio D=10 ...] [--title T] [--inspectors 2] [--months 12]

``--verify`` re-runs the stored draw from its seed and pools (and checks the pools' digest
against the audit trail and the inspections against the result): prints MATCH and exits 0,
or MISMATCH with the reasons and exits 1. ``--verify-file`` does the same for a downloaded
JSON with no database. Bad input exits 2 with a message on stderr.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.supervision import draw as algorithm


def _bp(text: str) -> int:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None
    return int(value * 100)


class Command(BaseCommand):
    help = "Verify a random-inspection draw from its seed and pools, or make a draw."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--verify", type=int, metavar="DRAW_ID")
        parser.add_argument("--verify-file", metavar="PATH")
        parser.add_argument("--as", dest="username", metavar="USER")
        parser.add_argument("--region", metavar="CODE")
        parser.add_argument("--kinds", default="enterprise")
        parser.add_argument("--ratio", default="5", help="sampling ratio in percent")
        parser.add_argument("--grade-ratio", action="append", default=[], metavar="GRADE=PERCENT")
        parser.add_argument("--title", default="")
        parser.add_argument("--inspectors", type=int, default=2)
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", default=None)

    def _fail(self, message: str) -> None:
        self.stderr.write(message)
        raise SystemExit(2)

    def _report(self, label: str, problems: list[str]) -> None:
        if problems:
            self.stdout.write(f"MISMATCH {label}: " + "; ".join(problems))
            raise SystemExit(1)
        self.stdout.write(f"MATCH {label}")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["verify_file"]:
            try:
                data = json.loads(Path(options["verify_file"]).read_text(encoding="utf-8"))
                problems = algorithm.verify_published(data)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                self._fail(f"{options['verify_file']}: cannot verify: {exc}")
                return
            self._report(options["verify_file"], problems)
            return
        if options["verify"] is not None:
            from silvercare.supervision.models import InspectionDraw
            from silvercare.supervision.services import draw_problems

            found = InspectionDraw.objects.filter(pk=options["verify"]).first()
            if found is None:
                self._fail(f"no draw {options['verify']}")
                return
            self._report(f"draw {found.pk}", draw_problems(found))
            return
        self._create(options)

    def _create(self, options: dict[str, Any]) -> None:
        from django.contrib.auth import get_user_model

        from silvercare.supervision.services import draw_create

        if not options["username"] or not options["region"]:
            self._fail("give --verify DRAW_ID, or --as USER and --region CODE to make a draw")
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            self._fail(f"no user {options['username']}")
        try:
            default_bp = _bp(options["ratio"])
            by_grade = {}
            for item in options["grade_ratio"]:
                grade, _sep, percent = item.partition("=")
                by_grade[grade.strip()] = _bp(percent)
        except ValueError as exc:
            self._fail(f"not a percentage: {exc}")
            return
        try:
            made = draw_create(
                ctx=AuditContext(actor=user, via="cli"),
                title=options["title"] or f"Random inspection {options['region']}",
                region_code=options["region"],
                kinds=[k.strip() for k in options["kinds"].split(",") if k.strip()],
                default_bp=default_bp,
                by_grade=by_grade,
                inspectors_per_target=options["inspectors"],
                relationship_months=options["months"],
                seed=options["seed"],
            )
        except DomainError as exc:
            details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
            self._fail(f"{exc.code}: {exc.message}" + (f" ({details})" if details else ""))
            return
        self.stdout.write(
            f"draw {made.pk}: {len(made.result['selections'])} targets, seed {made.seed}"
        )
