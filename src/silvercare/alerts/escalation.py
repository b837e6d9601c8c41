"""The durable escalation timer.

An open alert carries its own timer: ``escalation_step`` (last ladder step fired),
``last_notified_at`` and ``next_escalation_at``. ``escalation_run_due(now=...)`` processes
every open alert whose time has come, so a loop (``silvercare escalate``) restarted at any
moment carries on from the database alone, and tests drive it with any clock they like.

Semantics: step *i* fires ``delay_seconds`` after the alert was raised (missed steps fire
together when the loop was down); while nobody acknowledges, the recipients of the latest
step fired are reminded every ``repeat_seconds`` of that step.

The first notification of a new alert does not wait for the loop: on commit of the raise it
is handed to the process's ``Dispatcher`` (an in-process queue and worker threads, started by
``silvercare ingest``) or, in a process without one (web, HTTPS ingest, tests), run at once
on the committing thread. Either way it is ``escalation_process`` on the alert's durable
timer (``next_escalation_at`` = raise time), under the alert's row lock: if the process dies
before the dispatcher gets to it, the due timer is still in the row and the loop sends it;
whoever fires the step first advances ``escalation_step`` in the same transaction as the
attempt rows, so the other finds nothing due (exactly once, except that a process killed
during the channel call, before its commit, has the step sent again by the loop).
"""

from __future__ import annotations

import datetime as dt
import logging
import queue
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from silvercare.alerts.channels import Address, DeliveryError, Message, NoAddressError, channel_for
from silvercare.alerts.choices import AlertStatus, EventType, Outcome, Recipient
from silvercare.alerts.defaults import DEFAULT_LADDERS
from silvercare.alerts.models import Alert, AlertEvent, EscalationStep, NotificationAttempt
from silvercare.alerts.selectors import ladder_steps_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Step:
    position: int
    recipient: str
    channels: list[str]
    delay: dt.timedelta
    repeat: dt.timedelta | None


def _steps(alert: Alert) -> list[_Step]:
    rows: list[EscalationStep] = ladder_steps_for(
        region_code=alert.region_code, severity=alert.severity
    )
    if not rows:  # no ladder row applies: the built-in default, so every alert escalates
        return [
            _Step(
                position=position,
                recipient=recipient,
                channels=list(channels),
                delay=dt.timedelta(seconds=delay),
                repeat=dt.timedelta(seconds=repeat) if repeat else None,
            )
            for position, (recipient, channels, delay, repeat) in enumerate(
                DEFAULT_LADDERS.get(alert.severity, [])
            )
        ]
    return [
        _Step(
            position=s.position,
            recipient=s.recipient,
            channels=list(s.channels),
            delay=dt.timedelta(seconds=s.delay_seconds),
            repeat=dt.timedelta(seconds=s.repeat_seconds) if s.repeat_seconds else None,
        )
        for s in rows
    ]


def recipients_for(alert: Alert, recipient: str) -> list[Address]:
    """Who a ladder step reaches for this alert, most important first."""
    from silvercare.accounts.models import RoleGrant
    from silvercare.accounts.roles import Role
    from silvercare.common import crypto
    from silvercare.elders.models import Contact
    from silvercare.regions.choices import code_prefix

    if recipient == Recipient.FAMILY:
        return [
            Address(
                label=f"{c.name} {c.phone_masked}",
                phone=crypto.decrypt(c.phone_enc, purpose="contact.phone"),
            )
            for c in Contact.objects.filter(elder_id=alert.elder_id, can_receive_alerts=True)
        ]
    if recipient in (Recipient.COMMUNITY_WORKER, Recipient.SUPERVISOR):
        role = (
            Role.COMMUNITY_WORKER if recipient == Recipient.COMMUNITY_WORKER else Role.CALL_CENTRE
        )
        seen: set[int] = set()
        out: list[Address] = []
        grants = RoleGrant.objects.filter(role=role, user__is_active=True).select_related(
            "user", "region"
        )
        for grant in grants.order_by("user_id"):
            prefix = code_prefix(grant.region.code, grant.region.level)
            if grant.user_id in seen or not alert.region_code.startswith(prefix):
                continue
            seen.add(grant.user_id)
            user = grant.user
            out.append(Address(label=user.username, email=user.email, user_id=user.pk))
        return out
    if recipient == Recipient.EMERGENCY:
        phone = getattr(settings, "ALERTS_EMERGENCY_PHONE", "")
        url = getattr(settings, "ALERTS_EMERGENCY_WEBHOOK_URL", "")
        if not phone and not url:
            return []
        return [Address(label=_("Emergency relay"), phone=phone, url=url)]
    return []


def _message(alert: Alert) -> Message:
    from silvercare.elders.models import Elder

    with translation.override(settings.LANGUAGE_CODE):
        elder_name = Elder.objects.filter(pk=alert.elder_id).values_list("name", flat=True).first()
        subject = _("%(severity)s alert: %(kind)s") % {
            "severity": alert.get_severity_display(),
            "kind": alert.get_kind_display(),
        }
        text = _("%(subject)s for %(name)s since %(time)s. Please respond.") % {
            "subject": subject,
            "name": elder_name or "",
            "time": alert.first_occurred_at.astimezone().strftime("%H:%M"),
        }
    return Message(
        alert_id=str(alert.pk),
        subject=subject,
        text=text,
        payload={
            "kind": alert.kind,
            "severity": alert.severity,
            "reason": alert.reason,
            "region_code": alert.region_code,
            "params": alert.params,
        },
    )


def _mask(label: str) -> str:
    return label[:120]


def notify(alert: Alert, step: _Step, *, now: dt.datetime) -> int:
    """Reach every recipient of the step, each through the first channel that works.
    Every attempt is recorded. Returns how many recipients were reached."""
    message = _message(alert)
    reached = 0
    attempts: list[NotificationAttempt] = []
    for address in recipients_for(alert, step.recipient):
        for name in step.channels:
            started = time.perf_counter()
            outcome, error = Outcome.SENT, ""
            try:
                channel_for(name).send(address, message)
            except NoAddressError as exc:
                outcome, error = Outcome.SKIPPED, str(exc)
            except DeliveryError as exc:
                outcome, error = Outcome.FAILED, str(exc)[:255]
            attempts.append(
                NotificationAttempt(
                    alert=alert,
                    at=now,
                    step=step.position,
                    recipient_kind=step.recipient,
                    recipient=_mask(address.label),
                    channel=name,
                    outcome=outcome,
                    error=error,
                    latency_ms=int((time.perf_counter() - started) * 1000),
                )
            )
            if outcome == Outcome.SENT:
                reached += 1
                break
    NotificationAttempt.objects.bulk_create(attempts)
    return reached


def escalation_process(*, alert_id: uuid.UUID, now: dt.datetime) -> bool:
    """Fire what is due for one alert; returns whether anything was due."""
    with transaction.atomic():
        qs = Alert.objects.filter(pk=alert_id, status=AlertStatus.OPEN, next_escalation_at__lte=now)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        alert = qs.first()
        if alert is None:
            return False
        steps = _steps(alert)
        base = alert.created_at
        fired: list[tuple[str, _Step]] = []
        while alert.escalation_step + 1 < len(steps):
            nxt = steps[alert.escalation_step + 1]
            if base + nxt.delay > now:
                break
            alert.escalation_step += 1
            fired.append((EventType.NOTIFIED if nxt.position == 0 else EventType.ESCALATED, nxt))
        current = steps[min(alert.escalation_step, len(steps) - 1)] if steps else None
        if (
            not fired
            and current is not None
            and alert.escalation_step >= 0
            and current.repeat is not None
            and (alert.last_notified_at is None or alert.last_notified_at + current.repeat <= now)
        ):
            fired.append((EventType.REMINDED, current))
        for type_, step in fired:
            reached = notify(alert, step, now=now)
            AlertEvent.objects.create(
                alert=alert,
                type=type_,
                at=now,
                params={"step": step.position, "recipient": step.recipient, "reached": reached},
                note=str(Recipient(step.recipient).label),
            )
        if fired:
            alert.last_notified_at = now
        candidates: list[dt.datetime] = []
        if alert.escalation_step + 1 < len(steps):
            candidates.append(base + steps[alert.escalation_step + 1].delay)
        if current is not None and current.repeat is not None and alert.last_notified_at:
            candidates.append(alert.last_notified_at + current.repeat)
        alert.next_escalation_at = min(candidates) if candidates else None
        alert.save(
            update_fields=[
                "escalation_step",
                "last_notified_at",
                "next_escalation_at",
                "updated_at",
            ]
        )
        return bool(fired)


def escalation_run_due(*, now: dt.datetime, limit: int = 200) -> int:
    """Process every open alert whose timer is due at ``now``; returns how many fired."""
    ids = list(
        Alert.objects.filter(status=AlertStatus.OPEN, next_escalation_at__lte=now)
        .order_by("next_escalation_at")
        .values_list("pk", flat=True)[:limit]
    )
    done = 0
    for alert_id in ids:
        try:
            if escalation_process(alert_id=alert_id, now=now):
                done += 1
        except Exception:  # one bad alert must not stop the loop
            log.exception("escalation of alert %s failed", alert_id)
    return done


def next_due(*, now: dt.datetime) -> dt.datetime | None:
    value: Any = (
        Alert.objects.filter(status=AlertStatus.OPEN, next_escalation_at__isnull=False)
        .order_by("next_escalation_at")
        .values_list("next_escalation_at", flat=True)
        .first()
    )
    return value if value is None else max(value, now)


# --- the first notification, off the committing thread ---------------------------------------

_STOP = object()


class Dispatcher:
    """Hands first notifications to their channels on worker threads (each with its own
    database connection), so the thread that committed the alert (the ingest's urgent lane)
    goes straight back to work. ``submit`` only enqueues; durability is the alert's timer."""

    def __init__(self, *, threads: int = 2) -> None:
        self.inbox: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.threads = [
            threading.Thread(target=self._work, name=f"alerts-dispatch-{n}", daemon=True)
            for n in range(max(1, threads))
        ]
        self.handled = 0

    def start(self) -> Dispatcher:
        global _dispatcher
        for thread in self.threads:
            thread.start()
        _dispatcher = self
        return self

    def stop(self, timeout: float = 10.0) -> None:
        global _dispatcher
        if _dispatcher is self:
            _dispatcher = None
        for _thread in self.threads:
            self.inbox.put(_STOP)
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout)

    def submit(self, alert_id: uuid.UUID) -> None:
        self.inbox.put(alert_id)

    def _work(self) -> None:
        try:
            while True:
                alert_id = self.inbox.get()
                if alert_id is _STOP:
                    return
                close_old_connections()  # this thread's own connection, never a caller's
                run_first_notification(alert_id)
                self.handled += 1
        finally:
            connection.close()


_dispatcher: Dispatcher | None = None


def run_first_notification(alert_id: uuid.UUID) -> None:
    """Fire what is due for a just-raised alert now. Never raises: what fails here is still
    due in the alert's row, and the loop retries it."""
    try:
        escalation_process(alert_id=alert_id, now=timezone.now())
    except Exception:
        log.exception("first notification of alert %s failed", alert_id)


def first_notification(alert_id: uuid.UUID) -> None:
    """On commit of a raise: to the running dispatcher, else at once on this thread."""
    dispatcher = _dispatcher
    if dispatcher is not None:
        dispatcher.submit(alert_id)
    else:
        run_first_notification(alert_id)
