"""`silvercare mqtt-passwd FILE [--acl FILE]`: Mosquitto's password (and ACL) file from the
device registry. The ingest's own user comes from MQTT_URL (or --ingest-user and the
MQTT_INGEST_PASSWORD environment variable)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from silvercare.monitoring.broker import acl_text, parse_mqtt_url, password_lines, write_private


class Command(BaseCommand):
    help = "Write Mosquitto's password file (and ACL file) from the device registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="password file to write (mosquitto password_file)")
        parser.add_argument("--acl", default="", help="ACL file to write (mosquitto acl_file)")
        parser.add_argument("--ingest-user", default="", help="user name of the ingest worker")

    def handle(self, *args: Any, **options: Any) -> None:
        user, password = options["ingest_user"], os.environ.get("MQTT_INGEST_PASSWORD", "")
        if settings.MQTT_URL:
            try:
                target = parse_mqtt_url(settings.MQTT_URL)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            user = user or target.username
            password = password or target.password
        if not user or not password:
            self.stderr.write(
                "no ingest user (set MQTT_URL or --ingest-user and MQTT_INGEST_PASSWORD)"
            )
        lines = password_lines(ingest_user=user, ingest_password=password)
        write_private(Path(options["file"]), "\n".join(lines) + "\n")
        if options["acl"]:
            write_private(Path(options["acl"]), acl_text(ingest_user=user))
        self.stdout.write(f"{len(lines)} users written to {options['file']}")
