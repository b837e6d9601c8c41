"""Runs the rule engine (``monitoring.rules``) inside the ingest's transactions.

Per batch: the elders' compiled rules (cached per process until their configuration
changes), their rule states locked in elder order, every fresh reading evaluated in time
order, the states written back. Signals of an alert kind open or update alerts
(``alerting.raise_alert``) in the same transaction; ``medication_reminder`` signals become
commands to the elder's device, published by the MQTT worker after commit.
``rules_tick`` runs the time-driven checks (inactivity, offline devices, missed doses)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import msgspec
from django.db import transaction
from django.utils import timezone

from silvercare.monitoring import alerting, bulk
from silvercare.monitoring.models import Device, ElderRuleConfig, RuleState
from silvercare.monitoring.models import Reading as StoredReading
from silvercare.monitoring.rules import (
    ALERT_KINDS,
    ElderRules,
    Reading,
    RuleConfigError,
    Signal,
    compile_rules,
    evaluate,
    sos,
    tick,
)

logger = logging.getLogger(__name__)
_DEFAULT: ElderRules | None = None
_compiled: dict[uuid.UUID, tuple[dt.datetime, ElderRules]] = {}


@dataclass(frozen=True, slots=True)
class Input:
    """One fresh reading for the rules."""

    elder_id: uuid.UUID
    serial: str
    kind: str
    ts: dt.datetime
    values: dict[str, Any]
    # Stored and alerted by the urgent lane already: its SOS/fall signals are not acted on
    # again (the rule state still moves).
    alerted: bool = False


# The alert kinds the urgent lane raises itself (``urgent_signals``).
URGENT_ALERT_KINDS = frozenset({"sos", "fall", "environment"})


@dataclass
class Outcome:
    alerts: int = 0
    signals: list[tuple[uuid.UUID, str, Signal]] = field(default_factory=list)
    commands: list[tuple[str, Signal]] = field(default_factory=list)  # (device serial, …)


def _default_rules() -> ElderRules:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = compile_rules({})
    return _DEFAULT


def rules_for(elder_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, ElderRules]:
    """Compiled rules per elder (defaults without a configuration or with a broken one)."""
    ids = set(elder_ids)
    out = dict.fromkeys(ids, _default_rules())
    for elder_id, spec, updated_at in ElderRuleConfig.objects.filter(elder_id__in=ids).values_list(
        "elder_id", "spec", "updated_at"
    ):
        cached = _compiled.get(elder_id)
        if cached is not None and cached[0] == updated_at:
            out[elder_id] = cached[1]
            continue
        try:
            compiled = compile_rules(spec if isinstance(spec, dict) else {})
        except RuleConfigError as exc:
            logger.error("rules of elder %s are invalid (%s): defaults used", elder_id, exc)
            compiled = _default_rules()
        _compiled[elder_id] = (updated_at, compiled)
        out[elder_id] = compiled
    return out


def _locked_states(elder_ids: set[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The elders' rule states (rule name → state), created if missing, locked in elder
    order."""

    def locked(ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        return {
            elder_id: msgspec.json.decode(text)
            for elder_id, text in RuleState.objects.select_for_update()
            .filter(elder_id__in=ids)
            .order_by("elder_id")
            .values_list("elder_id", bulk.json_text("states"))
        }

    states = locked(sorted(elder_ids))
    missing = sorted(elder_ids - states.keys())
    if missing:
        RuleState.objects.bulk_create(
            [RuleState(elder_id=e, states={}) for e in missing], ignore_conflicts=True
        )
        states.update(locked(missing))
    return states


def evaluate_readings(inputs: list[Input]) -> Outcome:
    """Within the caller's transaction: evaluate and act on the signals."""
    outcome = Outcome()
    if not inputs:
        return outcome
    elder_ids = {i.elder_id for i in inputs}
    rules = rules_for(elder_ids)
    states = _locked_states(elder_ids)
    for item in sorted(inputs, key=lambda i: i.ts):
        reading = Reading(
            device_serial=item.serial,
            elder_id=item.elder_id,
            kind=item.kind,
            ts=item.ts,
            values=item.values,
        )
        for signal in evaluate(rules[item.elder_id], states[item.elder_id], reading):
            if item.alerted and signal.kind in URGENT_ALERT_KINDS:
                outcome.signals.append((item.elder_id, item.serial, signal))
                continue
            _act(outcome, item.elder_id, item.serial, signal)
    now = timezone.now()
    bulk.update_rows(
        RuleState,
        "elder_id",
        ["states", "updated_at"],
        [(elder_states, now, elder_id) for elder_id, elder_states in states.items()],
    )
    return outcome


def urgent_signals(
    *,
    elder_id: uuid.UUID,
    serial: str,
    kind: str,
    ts: dt.datetime,
    values: dict[str, Any],
    device_id: uuid.UUID,
    msg_id: str,
) -> list[Signal]:
    """The SOS rule (``rules.sos``) on one urgent reading, without the elder's rule-state
    row (which the bulk lane holds locked while it ingests a batch): its only state, the
    presses within the repeat window, is read from the elder's stored SOS readings. Returns
    the non-clearing signals of an alert kind (empty when the elder's SOS rule is off)."""
    if kind not in sos.KINDS:
        return []
    rules = rules_for([elder_id])[elder_id]
    entry = next((e for e in rules.dispatch.get(kind, ()) if e.name == sos.NAME), None)
    if entry is None:
        return []
    state: dict[str, Any] = {}
    if kind == "sos":
        window = dt.timedelta(seconds=entry.config.repeat_window)
        presses: list[float] = []
        for at, value in (
            StoredReading.objects.filter(
                elder_id=elder_id, kind="sos", ts__gt=ts - window, ts__lte=ts + window
            )
            .exclude(device_id=device_id, msg_id=msg_id)
            .values_list("ts", "value")
        ):
            n = value.get("presses", 1) if isinstance(value, dict) else 1
            presses += [at.timestamp()] * (n if isinstance(n, int) and 1 <= n <= 100 else 1)
        state["presses"] = sorted(presses)
    reading = Reading(device_serial=serial, elder_id=elder_id, kind=kind, ts=ts, values=values)
    return [
        s
        for s in entry.evaluate(entry.config, state, reading)[1]
        if s.kind in ALERT_KINDS and not s.clears
    ]


def act_alert(
    elder_id: uuid.UUID, serial: str, signal: Signal, *, region_code: str | None = None
) -> int:
    """Raise (or attach to) the alert of a signal; 1 when the alerts app took it."""
    raised = alerting.raise_alert(
        region_code=region_code,
        elder_id=elder_id,
        kind=signal.kind,
        severity=signal.severity,
        occurred_at=signal.occurred_at,
        reason=signal.reason,
        params=signal.params,
        device_serial=serial,
    )
    return int(raised is not None)


def _act(outcome: Outcome, elder_id: uuid.UUID, serial: str, signal: Signal) -> None:
    outcome.signals.append((elder_id, serial, signal))
    if signal.kind in ALERT_KINDS and not signal.clears:
        raised = alerting.raise_alert(
            elder_id=elder_id,
            kind=signal.kind,
            severity=signal.severity,
            occurred_at=signal.occurred_at,
            reason=signal.reason,
            params=signal.params,
            device_serial=serial,
        )
        if raised is not None:
            outcome.alerts += 1
    elif signal.kind == "medication_reminder" and serial:
        outcome.commands.append((serial, signal))


def rules_tick(*, now: dt.datetime, chunk: int = 500) -> Outcome:
    """The time-driven checks for every elder with rule state, a chunk per transaction.
    Run by one process (``silvercare ingest --tick`` or ``silvercare monitoring-tick``).
    First the detected falls whose cancel window has ended raise their alerts."""
    from silvercare.monitoring.falls import falls_tick

    outcome = Outcome(alerts=falls_tick(now=now).alerts)
    last: uuid.UUID | None = None
    while True:
        with transaction.atomic():
            qs = RuleState.objects.select_for_update().order_by("elder_id")
            if last is not None:
                qs = qs.filter(elder_id__gt=last)
            batch = list(qs[:chunk])
            if not batch:
                return outcome
            last = batch[-1].elder_id
            rules = rules_for(s.elder_id for s in batch)
            serials = _device_serials({s.elder_id for s in batch})
            for state in batch:
                for signal in tick(rules[state.elder_id], state.states, now):
                    serial = str(signal.params.get("serial", "")) or serials.get(state.elder_id, "")
                    _act(outcome, state.elder_id, serial, signal)
            bulk.update_rows(
                RuleState,
                "elder_id",
                ["states", "updated_at"],
                [(s.states, timezone.now(), s.elder_id) for s in batch],
            )


def _device_serials(elder_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    """One device serial per elder (reminders go to a wearable or pill box of theirs)."""
    out: dict[uuid.UUID, str] = {}
    for elder_id, serial in (
        Device.objects.filter(elder_id__in=elder_ids)
        .order_by("serial")
        .values_list("elder_id", "serial")
    ):
        if elder_id is not None:
            out.setdefault(elder_id, serial)
    return out
