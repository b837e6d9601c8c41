"""Messages to elders' contacts through the alerts app's channels (``alerts.channels``).

The channels take an ``Address`` and a ``Message`` and need no alert: the message's
``alert_id`` carries our reference (``recall:<id>`` or ``lease:<id>``). SMS goes through
the configured gateway; without one (or without a phone) the attempt is kept as
``recorded`` — the text is on file for the operator to read out — rather than lost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from silvercare.alerts.channels import (
    Address,
    DeliveryError,
    Message,
    NoAddressError,
    channel_for,
)
from silvercare.rental.choices import NoticeStatus

SMS = "sms"


@dataclass(frozen=True)
class Attempt:
    channel: str
    recipient: str
    status: str
    detail: str


def contact_addresses(contacts: list[Any]) -> list[Address]:
    """Addresses of contacts who receive messages (their phone decrypted only to hand it
    to the gateway, as the alerts escalation does; the label stays masked)."""
    from silvercare.common import crypto

    return [
        Address(
            label=f"{c.name} {c.phone_masked}"[:100],
            phone=crypto.decrypt(c.phone_enc, purpose="contact.phone"),
        )
        for c in contacts
        if c.can_receive_alerts
    ]


def send(addresses: list[Address], *, ref: str, subject: str, text: str) -> list[Attempt]:
    if not addresses:
        return [Attempt(SMS, "", NoticeStatus.RECORDED, "no contact receives messages")]
    channel = channel_for(SMS)
    message = Message(alert_id=ref, subject=subject, text=text)
    out = []
    for address in addresses:
        try:
            channel.send(address, message)
        except NoAddressError as exc:
            out.append(Attempt(SMS, address.label, NoticeStatus.RECORDED, str(exc)[:200]))
        except DeliveryError as exc:
            detail = str(exc)[:200]
            status = (
                NoticeStatus.RECORDED if detail == "no gateway configured" else NoticeStatus.FAILED
            )
            out.append(Attempt(SMS, address.label, status, detail))
        else:
            out.append(Attempt(SMS, address.label, NoticeStatus.SENT, ""))
    return out
