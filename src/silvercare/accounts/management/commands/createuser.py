"""`silvercare createuser NAME --role ROLE --region CODE [--password …]`, or
`silvercare createuser NAME --superuser` for the national back-office operator."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.accounts.roles import Role
from silvercare.accounts.services import user_create
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a user holding one role over one region (more grants in the Users page), or "
        "with --superuser the national back-office operator, who sees every region in /admin/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=Role.values)
        parser.add_argument("--region", help="12-digit region code")
        parser.add_argument(
            "--superuser",
            action="store_true",
            help="National back-office superuser (every region, no grant needed); only "
            "this command makes one, a grant never does",
        )
        parser.add_argument("--password", help="Prompted for when omitted")
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        role, region = options["role"], options["region"]
        if bool(role) != bool(region):
            raise CommandError("--role and --region go together.")
        if not role and not options["superuser"]:
            raise CommandError("Give --role and --region, or --superuser.")
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = user_create(
                ctx=AuditContext(actor=None, via="command"),
                username=options["username"],
                password=password,
                display_name=options["display_name"],
                grants=[(role, region)] if role else [],
                check_actor=False,
                superuser=options["superuser"],
            )
        except DomainError as exc:
            details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
            raise CommandError(f"{exc.message} {details}") from exc
        kind = " (national superuser)" if user.is_superuser else ""
        self.stdout.write(f"User {user.username} created{kind}.")
