"""Notification channels behind one interface.

Every channel takes an ``Address`` and a ``Message`` and either returns (handed over) or
raises ``DeliveryError``/``NoAddressError``. SMS and voice go through one configurable HTTP
gateway (``ALERTS_GATEWAY_URL``: POST JSON ``{"channel", "to", "text", "alert_id"}``, any
2xx is success); e-mail through Django's mail; webhooks POST the alert as JSON; the console
channel records the notification for the live operator console, which always shows open
alerts.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail

from silvercare.alerts.choices import Channel


class DeliveryError(Exception):
    """The channel could not hand the message over."""


class NoAddressError(DeliveryError):
    """The recipient has no address for this channel."""


@dataclass(frozen=True, slots=True)
class Address:
    label: str  # masked, for the record
    phone: str = ""
    email: str = ""
    user_id: int | None = None
    url: str = ""


@dataclass(frozen=True, slots=True)
class Message:
    alert_id: str
    subject: str
    text: str
    payload: dict[str, Any] = field(default_factory=dict)


class NotificationChannel(Protocol):
    name: str

    def send(self, address: Address, message: Message) -> None: ...


def _timeout() -> float:
    return float(getattr(settings, "ALERTS_GATEWAY_TIMEOUT", 3.0))


def _post_json(url: str, body: dict[str, Any]) -> None:
    if not url.startswith(("http://", "https://")):
        raise DeliveryError("not an http(s) URL")
    data = json.dumps(body, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=_timeout()) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise DeliveryError(str(getattr(exc, "reason", exc))[:200]) from exc
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")


class ConsoleChannel:
    """In-app: the live console lists every open alert; a user address is enough."""

    name: str = Channel.CONSOLE.value

    def send(self, address: Address, message: Message) -> None:
        if address.user_id is None:
            raise NoAddressError("no user")


class GatewayChannel:
    """SMS or voice through the configured HTTP gateway."""

    def __init__(self, name: str) -> None:
        self.name = name

    def send(self, address: Address, message: Message) -> None:
        url = getattr(settings, "ALERTS_GATEWAY_URL", "")
        if not address.phone:
            raise NoAddressError("no phone")
        if not url:
            raise DeliveryError("no gateway configured")
        _post_json(
            url,
            {
                "channel": self.name,
                "to": address.phone,
                "text": message.text,
                "alert_id": message.alert_id,
            },
        )


class EmailChannel:
    name: str = Channel.EMAIL.value

    def send(self, address: Address, message: Message) -> None:
        if not address.email:
            raise NoAddressError("no e-mail")
        try:
            send_mail(
                message.subject,
                message.text,
                None,
                [address.email],
                fail_silently=False,
            )
        except Exception as exc:  # any backend error is a failed attempt, not a crash
            raise DeliveryError(str(exc)[:200]) from exc


class WebhookChannel:
    name: str = Channel.WEBHOOK.value

    def send(self, address: Address, message: Message) -> None:
        url = address.url or getattr(settings, "ALERTS_WEBHOOK_URL", "")
        if not url:
            raise NoAddressError("no webhook")
        _post_json(url, {"alert_id": message.alert_id, "text": message.text, **message.payload})


def channel_for(name: str) -> NotificationChannel:
    if name == Channel.CONSOLE:
        return ConsoleChannel()
    if name in (Channel.SMS, Channel.VOICE):
        return GatewayChannel(name)
    if name == Channel.EMAIL:
        return EmailChannel()
    if name == Channel.WEBHOOK:
        return WebhookChannel()
    raise KeyError(name)
