"""API input and output shapes of devices (django-ninja)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from ninja import Schema
from pydantic import Field


class DeviceCreateIn(Schema):
    serial: str = Field(max_length=64)
    type: str = Field(max_length=24)
    region_code: str = Field(max_length=12, pattern=r"^\d{12}$")
    model_name: str = Field("", max_length=100)
    firmware: str = Field("", max_length=50)
    placement: str = Field("none", max_length=8)


class DeviceBindIn(Schema):
    elder_id: uuid.UUID


class BindingOut(Schema):
    elder_id: uuid.UUID
    bound_from: dt.datetime
    bound_to: dt.datetime | None


class DeviceOut(Schema):
    id: uuid.UUID
    serial: str
    type: str
    model_name: str
    firmware: str
    placement: str
    status: str
    region_code: str
    elder_id: uuid.UUID | None
    battery: int | None
    last_seen: dt.datetime | None


class DeviceDetailOut(DeviceOut):
    latest: dict[str, Any]
    bindings: list[BindingOut]


class DeviceIssuedOut(DeviceOut):
    secret: str = Field(description="Shown once: store it in the device now.")


class DevicePageOut(Schema):
    items: list[DeviceOut]
    count: int
    page: int
    page_size: int


class ReadingOut(Schema):
    kind: str
    ts: dt.datetime
    received_at: dt.datetime
    msg_id: str
    value: dict[str, Any]


class IngestOut(Schema):
    received: int
    accepted: int
    duplicate: int
    refused: int
    dead_lettered: int
    commands: list[dict[str, Any]] = Field(
        default_factory=list,
        description="Open fall_check prompts of the batch's devices: the bodies of the MQTT "
        "cmd/fall_check command, with the device serial",
    )


class HealthIn(Schema):
    conditions: list[str] = Field(default_factory=list, max_length=20)
    medications: list[str] = Field(default_factory=list, max_length=50)
    note: str = Field("", max_length=500)


class HealthOut(Schema):
    elder_id: uuid.UUID
    conditions: list[str]
    medications: list[str]
    note: str


class RuleSectionIn(Schema):
    value: dict[str, Any] | None = Field(
        description="The section's new value; {} restores the defaults, null switches it off"
    )


class RulesOut(Schema):
    elder_id: uuid.UUID
    spec: dict[str, Any]
    thresholds: list[dict[str, Any]]


class LatestOut(Schema):
    kind: str
    ts: dt.datetime
    value: dict[str, Any]
    serial: str


class ElderMonitoringOut(Schema):
    elder_id: uuid.UUID
    latest: list[LatestOut]
    series: dict[str, Any]
    alerts: list[dict[str, Any]]


class FamilyElderOut(Schema):
    elder_id: uuid.UUID
    name: str
    consented: bool
