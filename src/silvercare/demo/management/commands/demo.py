"""`silvercare demo`: build (or top up) the deterministic demo city and print the logins."""

from __future__ import annotations

from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandParser
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from silvercare.demo.city import DEMO_NAMES, DEMO_PASSWORD, DEMO_USERS
from silvercare.demo.services import demo_build, demo_name_people
from silvercare.elders.models import Elder


class Command(BaseCommand):
    help = "Build the demo city (Shenzhen): regions, one user per role, 10,000 elders."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--elders", type=int, default=10_000)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the registry already holds elders.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        console = Console(file=cast(IO[str], self.stdout))
        if options["if_empty"] and Elder.objects.exists():
            console.print("Registry not empty: demo city left as it is.")
            demo_name_people()
        else:
            with Progress(console=console, transient=True) as bar:
                task = bar.add_task("Building the demo city", total=None)

                def report(stage: str, done: int, total: int) -> None:
                    bar.update(task, description=f"demo: {stage}", completed=done, total=total)

                result = demo_build(elders=options["elders"], progress=report)
            console.print(
                f"Demo city ready: {result['elders_created']} elders created, "
                f"{result['users_created']} users created, "
                f"{result['assessments_created']} assessments created."
            )
        table = Table(title=f"Demo logins (password for all: {DEMO_PASSWORD})")
        table.add_column("username")
        table.add_column("role")
        table.add_column("region")
        table.add_column("name")
        for username, role, region in DEMO_USERS:
            table.add_row(username, role, region, DEMO_NAMES[username])
        console.print(table)
