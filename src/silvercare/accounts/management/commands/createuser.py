"""`silvercare createuser NAME --role ROLE --region CODE [--password …]`."""

from __future__ import annotations

import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.accounts.roles import Role
from silvercare.accounts.services import user_create
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError


class Command(BaseCommand):
    help = "Create a user holding one role over one region (more grants in the Users page)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", required=True, help="12-digit region code")
        parser.add_argument("--password", help="Prompted for when omitted")
        parser.add_argument("--display-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            user = user_create(
                ctx=AuditContext(actor=None, via="command"),
                username=options["username"],
                password=password,
                display_name=options["display_name"],
                grants=[(options["role"], options["region"])],
                check_actor=False,
            )
        except DomainError as exc:
            details = "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
            raise CommandError(f"{exc.message} {details}") from exc
        self.stdout.write(f"User {user.username} created.")
