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
