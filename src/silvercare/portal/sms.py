"""The SMS gateway: ``SILVERCARE_SMS_BACKEND`` names a class with ``send(phone, text)``.

``ConsoleBackend`` (development and tests) prints the message and keeps it in ``outbox``,
where tests read the code. A real gateway is a class of the same shape in a deployment's own
module, named by the setting; an unknown name fails at the first send, loudly."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


outbox: list[SmsMessage] = []


class SmsBackend(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class ConsoleBackend:
    """Prints each message to standard output and appends it to ``outbox``."""

    def send(self, phone: str, text: str) -> None:
        outbox.append(SmsMessage(phone=phone, text=text))
        sys.stdout.write(f"[SMS to {phone}] {text}\n")


def sms_send(phone: str, text: str) -> None:
    backend: SmsBackend = import_string(settings.SILVERCARE_SMS_BACKEND)()
    backend.send(phone, text)
