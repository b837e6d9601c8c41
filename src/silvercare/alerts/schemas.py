from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from silvercare.common.text import PlainText


class AlertOut(Schema):
    id: uuid.UUID
    elder_id: uuid.UUID
    elder_name: str
    region_code: str
    kind: str
    kind_label: str
    severity: str
    severity_label: str
    status: str
    status_label: str
    reason: str
    params: dict[str, Any]
    device_serial: str
    event_count: int
    first_occurred_at: dt.datetime
    last_occurred_at: dt.datetime
    created_at: dt.datetime
    age_seconds: int
    assignee: str | None
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    resolution: str
    resolution_note: str
    latitude: float | None
    longitude: float | None


class AlertPageOut(Schema):
    items: list[AlertOut]
    count: int


class EventOut(Schema):
    type: str
    type_label: str
    at: dt.datetime
    actor: str
    severity: str
    reason: str
    note: str


class AttemptOut(Schema):
    at: dt.datetime
    step: int
    recipient_kind: str
    recipient: str
    channel: str
    outcome: str
    error: str
    latency_ms: int


class AlertDetailOut(AlertOut):
    events: list[EventOut]
    attempts: list[AttemptOut]


class AcknowledgeIn(Schema):
    note: PlainText = Field("", max_length=500)


class AssignIn(Schema):
    assignee_id: int = Field(ge=1, le=2**31 - 1)


class ResolveIn(Schema):
    resolution: Literal["handled", "false_alarm", "referral"]
    note: PlainText = Field(min_length=1, max_length=2000)
