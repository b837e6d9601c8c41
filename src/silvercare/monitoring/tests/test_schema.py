"""Message schema v1: the documented example of every kind decodes; bad messages are
refused with the field that is wrong."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from silvercare.monitoring import schema

DOC = Path(__file__).resolve().parents[4] / "docs" / "devices.md"


def _examples() -> list[bytes]:
    block = re.search(r"```json example\n(.*?)```", DOC.read_text(), re.S)
    assert block, "docs/devices.md lost its examples"
    return [line.encode() for line in block.group(1).splitlines() if line.strip()]


def test_docs_have_a_valid_example_for_every_kind() -> None:
    kinds = [schema.kind_of(schema.decode(example)) for example in _examples()]
    assert sorted(kinds) == sorted(schema.KINDS)


def test_decoded_values_keep_units_and_drop_the_envelope() -> None:
    message = schema.decode(
        b'{"kind":"bp","id":"x","ts":"2026-12-01T08:00:00+08:00","systolic":150,"diastolic":92}'
    )
    assert schema.value_of(message) == {"systolic": 150, "diastolic": 92}
    assert message.ts == dt.datetime(2026, 12, 1, 0, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("payload", "reason", "where"),
    [
        (b'{"kind":"hr","id":"x","ts":"2026-12-01T08:00:00","bpm":70}', "malformed", "ts"),
        (b'{"kind":"hr","id":"x","ts":"2026-12-01T08:00:00Z","bpm":700}', "malformed", "bpm"),
        (b'{"kind":"hr","id":"","ts":"2026-12-01T08:00:00Z","bpm":70}', "malformed", "id"),
        (b'{"kind":"hr","id":"x","ts":"2026-12-01T08:00:00Z","bpm":70,"x":1}', "malformed", "x"),
        (b'{"kind":"toaster","id":"x","ts":"2026-12-01T08:00:00Z"}', "malformed", "kind"),
        (b'{"id":"x","ts":"2026-12-01T08:00:00Z"}', "malformed", "kind"),
        (b"[1,2]", "malformed", ""),
        (b"\xff\xfe", "malformed", ""),
        (b'{"kind":"door","id":"x","ts":"2026-12-01T08:00:00Z","open":"yes"}', "malformed", "open"),
        (
            b'{"kind":"accel","id":"x","ts":"2026-12-01T08:00:00Z","rate_hz":50,"samples":[[1,2]]}',
            "malformed",
            "samples",
        ),
        (b'{"kind":"hr"' + b" " * schema.MAX_MESSAGE_BYTES + b"}", "oversized", ""),
    ],
)
def test_bad_messages_are_refused_with_a_reason(payload: bytes, reason: str, where: str) -> None:
    with pytest.raises(schema.InvalidMessageError) as exc:
        schema.decode(payload)
    assert exc.value.reason == reason
    assert where in exc.value.detail
