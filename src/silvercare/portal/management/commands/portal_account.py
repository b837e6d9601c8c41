"""`silvercare portal-account USERNAME --phone 139… --region CODE [--elder-id UUID]`: open a
portal account (role ``elder_family``) that signs in with that mobile number and a one-time
code; ``--elder-id`` makes it the elder's own account (their registry record)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.portal import services


class Command(BaseCommand):
    help = (
        "Open an elder's or a family member's portal account that signs in by phone and a "
        "one-time code. A family member sees an elder only once a community worker or the "
        "elder links them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--phone", required=True, help="11-digit mobile number")
        parser.add_argument("--region", required=True, help="12-digit community code")
        parser.add_argument("--display-name", default="")
        parser.add_argument("--elder-id", default="", help="the elder's own registry record")

    def handle(self, *args: Any, **options: Any) -> None:
        from silvercare.elders.selectors import elder_by_id_unscoped

        elder = None
        if options["elder_id"]:
            elder = elder_by_id_unscoped(options["elder_id"])
            if elder is None:
                raise CommandError("No elder has that id.")
            if elder.region_id != options["region"]:
                raise CommandError("--region must be the elder's community.")
        try:
            account = services.portal_account_open(
                ctx=AuditContext(actor=None, via="command"),
                username=options["username"],
                display_name=options["display_name"],
                phone=options["phone"],
                region_code=options["region"],
                elder=elder,
            )
        except DomainError as exc:
            messages = "; ".join(str(e.message) for e in exc.errors) or str(exc.message)
            raise CommandError(messages) from None
        self.stdout.write(f"Portal account {account.user.username} ({account.phone_masked}).")
