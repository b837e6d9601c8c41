"""The reading the rules consume: plain values, decoded and validated by the ingest."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Reading:
    """One message from one device, as the rules see it.

    ``ts`` must be timezone-aware (the device's measurement time); ``t`` is the same instant
    as POSIX seconds, computed once here so no rule converts it again. ``values`` holds the
    kind's fields (see the package docstring); the rules only read it.
    """

    device_serial: str
    elder_id: str | uuid.UUID  # not read by the rules; carried for the caller
    kind: str
    ts: datetime
    values: dict[str, Any]
    t: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.ts.tzinfo is None:
            raise ValueError("Reading.ts must be timezone-aware")
        object.__setattr__(self, "t", self.ts.timestamp())
