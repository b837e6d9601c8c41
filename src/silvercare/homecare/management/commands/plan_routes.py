"""`silvercare plan-routes PROBLEM.json [--time-limit SECONDS] [--seed N]`.

Solves a routing problem in the JSON format of docs/routing.md with the same code as the
platform's planning and prints the plan as JSON. A file that cannot be read or parsed, or a
problem with errors, exits 2 with one message per line on stderr and nothing on stdout.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from silvercare.homecare.routing import RoutingInputError, solve


def plan_routes_cli(
    path: str, out: TextIO, err: TextIO, *, time_limit: float = 5.0, seed: int = 1
) -> int:
    """Run the command; returns the exit status (0 or 2)."""
    if not time_limit > 0:
        err.write("--time-limit must be > 0 seconds\n")
        return 2
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        err.write(f"{path}: cannot read: {exc}\n")
        return 2
    try:
        problem = json.loads(text)
    except json.JSONDecodeError as exc:
        err.write(f"{path}: not JSON: {exc}\n")
        return 2
    try:
        plan = solve(problem, time_limit=time_limit, seed=seed)
    except RoutingInputError as exc:
        for line in exc.errors:
            err.write(f"{path}: {line}\n")
        return 2
    out.write(json.dumps(plan, ensure_ascii=False, indent=2) + "\n")
    return 0


class Command(BaseCommand):
    help = "Plan caregivers' routes for a problem in JSON (docs/routing.md); prints the plan."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("problem", help="problem JSON file (docs/routing.md)")
        parser.add_argument(
            "--time-limit",
            type=float,
            default=5.0,
            help="seconds of search (default 5)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        code = plan_routes_cli(
            options["problem"],
            cast(TextIO, self.stdout),
            cast(TextIO, self.stderr),
            time_limit=options["time_limit"],
            seed=options["seed"],
        )
        if code:
            sys.exit(code)
