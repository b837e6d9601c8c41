"""`silvercare simulate`: registers devices for consenting elders and feeds the ingest."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from silvercare.monitoring.models import Device, Reading

pytestmark = pytest.mark.django_db


def test_simulate_locally_registers_devices_and_stores_readings(elder: Any, worker: Any) -> None:
    out = io.StringIO()
    call_command(
        "simulate",
        "--setup",
        "--as-user",
        worker.username,
        "--devices",
        "3",
        "--rate",
        "60",
        "--duration",
        "0.5",
        "--transport",
        "local",
        "--offline-rate",
        "0",
        stdout=out,
    )
    assert Device.objects.filter(serial__startswith="SIM-", elder=elder).count() == 3
    assert Reading.objects.count() == 30
    assert "30 messages from 3 devices" in out.getvalue()


def test_simulate_without_consenting_elders_says_why(worker: Any) -> None:
    with pytest.raises(CommandError, match="consent"):
        call_command("simulate", "--setup", "--as-user", worker.username, "--devices", "1")
