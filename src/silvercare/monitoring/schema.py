"""Device message schema v1 (docs/devices.md): one JSON object per message, tagged by
``kind``, decoded and validated in one step by msgspec.

Every message carries ``id`` (unique per device: redeliveries with the same id are dropped)
and ``ts`` (RFC 3339 with a UTC offset, the time of the measurement). Units are fixed per
field (bpm, %, mmHg, mmol/L, °C, degrees WGS-84, m/s²)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

import msgspec

SCHEMA_VERSION = "v1"
MAX_MESSAGE_BYTES = 16 * 1024  # accel batches included; the broker's message_size_limit too

MsgId = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
Percent = Annotated[int, msgspec.Meta(ge=0, le=100)]
Short = Annotated[str, msgspec.Meta(max_length=50, pattern=r"^[^\x00-\x1f\x7f]*$")]


class Base(msgspec.Struct, tag_field="kind", forbid_unknown_fields=True):
    id: MsgId
    ts: dt.datetime


class HeartRate(Base, tag="hr"):
    bpm: Annotated[int, msgspec.Meta(ge=20, le=250)]


class SpO2(Base, tag="spo2"):
    percent: Annotated[int, msgspec.Meta(ge=50, le=100)]


class BloodPressure(Base, tag="bp"):
    systolic: Annotated[int, msgspec.Meta(ge=50, le=260)]
    diastolic: Annotated[int, msgspec.Meta(ge=30, le=200)]
    pulse: Annotated[int, msgspec.Meta(ge=20, le=250)] | None = None


class Glucose(Base, tag="glucose"):
    mmol_l: Annotated[float, msgspec.Meta(ge=0.5, le=40)]
    context: Literal["fasting", "postprandial", "random"] = "random"


class Temperature(Base, tag="temperature"):
    celsius: Annotated[float, msgspec.Meta(ge=30, le=45)]


class Location(Base, tag="location"):
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    accuracy_m: Annotated[float, msgspec.Meta(ge=0, le=100_000)] | None = None


class Steps(Base, tag="steps"):
    count: Annotated[int, msgspec.Meta(ge=0, le=200_000)]  # today's total


class AccelBatch(Base, tag="accel"):
    rate_hz: Annotated[int, msgspec.Meta(ge=1, le=200)]
    samples: Annotated[
        list[Annotated[list[float], msgspec.Meta(min_length=3, max_length=3)]],
        msgspec.Meta(min_length=1, max_length=400),
    ]  # [x, y, z] in m/s², the first at ts


class Sos(Base, tag="sos"):
    presses: Annotated[int, msgspec.Meta(ge=1, le=20)] = 1


class FallFlag(Base, tag="fall_flag"):
    confidence: Annotated[float, msgspec.Meta(ge=0, le=1)] | None = None


class FallCancel(Base, tag="fall_cancel"):
    ref: MsgId | None = None  # the id of the fall_flag the wearer cancelled


class Motion(Base, tag="motion"):
    room: Short = ""


class Door(Base, tag="door"):
    open: bool


class Bed(Base, tag="bed"):
    occupied: bool
    hr: Annotated[int, msgspec.Meta(ge=20, le=250)] | None = None
    rr: Annotated[int, msgspec.Meta(ge=2, le=80)] | None = None  # breaths per minute


class Smoke(Base, tag="smoke"):
    alarm: bool


class Gas(Base, tag="gas"):
    alarm: bool
    ppm: Annotated[float, msgspec.Meta(ge=0, le=1_000_000)] | None = None


class WaterLeak(Base, tag="water_leak"):
    alarm: bool


class PillBox(Base, tag="pill_box"):
    opened: bool = True
    compartment: Annotated[int, msgspec.Meta(ge=1, le=64)] | None = None


class Battery(Base, tag="battery"):
    percent: Percent


class Heartbeat(Base, tag="heartbeat"):
    rssi: Annotated[int, msgspec.Meta(ge=-150, le=0)] | None = None
    firmware: Short | None = None


Message = (
    HeartRate
    | SpO2
    | BloodPressure
    | Glucose
    | Temperature
    | Location
    | Steps
    | AccelBatch
    | Sos
    | FallFlag
    | FallCancel
    | Motion
    | Door
    | Bed
    | Smoke
    | Gas
    | WaterLeak
    | PillBox
    | Battery
    | Heartbeat
)
KINDS: tuple[str, ...] = tuple(str(cls.__struct_config__.tag) for cls in Message.__args__)
URGENT_KINDS = frozenset({"sos", "fall_flag", "smoke", "gas", "water_leak"})

_decoder = msgspec.json.Decoder(Message)


class InvalidMessageError(ValueError):
    """The payload is not a valid v1 message; ``reason`` is a DeadLetterReason value."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def decode(payload: bytes) -> Message:
    """Decode and validate one message (size, JSON, kind, fields, aware ``ts``)."""
    if len(payload) > MAX_MESSAGE_BYTES:
        raise InvalidMessageError("oversized", f"{len(payload)} bytes > {MAX_MESSAGE_BYTES}")
    try:
        message = _decoder.decode(payload)
    except msgspec.ValidationError as exc:
        raise InvalidMessageError("malformed", str(exc)[:300]) from None
    except msgspec.DecodeError as exc:
        raise InvalidMessageError("malformed", str(exc)[:300]) from None
    if message.ts.tzinfo is None:
        raise InvalidMessageError("malformed", "ts needs a UTC offset - at `$.ts`")
    return message


def kind_of(message: Message) -> str:
    return str(message.__struct_config__.tag)


def value_of(message: Message) -> dict[str, object]:
    """The kind's own fields (not id, ts or kind), as stored in ``Reading.value``."""
    out = msgspec.to_builtins(message)
    assert isinstance(out, dict)
    for key in ("id", "ts", "kind"):
        out.pop(key, None)
    return {k: v for k, v in out.items() if v is not None}


def encode(message: Message) -> bytes:
    return msgspec.json.encode(message)
