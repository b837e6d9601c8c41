"""Retention keeps daily summaries of old readings and deletes the raw rows; running it
again (or after a late reading) merges, never double counts."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.management import call_command

from silvercare.monitoring.ingest import RawMessage, ingest_batch
from silvercare.monitoring.models import MessageSeen, Reading, ReadingDaily

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 6, 30, 4, 0, tzinfo=dt.UTC)  # 12:00 in Shanghai
OLD = dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC)  # 1 May, 10:00 in Shanghai


def _hr(msg_id: str, at: dt.datetime, bpm: int) -> RawMessage:
    body = {"kind": "hr", "id": msg_id, "ts": at.isoformat(), "bpm": bpm}
    return RawMessage(serial="W-0001", payload=json.dumps(body).encode())


def test_old_readings_become_daily_summaries(watch: Any, time_machine: Any) -> None:
    time_machine.move_to(NOW)
    ingest_batch(
        [_hr("a", OLD, 60), _hr("b", OLD + dt.timedelta(hours=1), 90), _hr("c", NOW, 70)],
        now=NOW,
    )
    call_command("monitoring_retention", "--keep-days", "30", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Reading.objects.values_list("msg_id", flat=True)) == ["c"]
    day = ReadingDaily.objects.get()
    assert (day.kind, day.day, day.count) == ("hr", dt.date(2026, 5, 1), 2)
    assert day.stats["bpm"] == {"min": 60, "max": 90, "mean": 75.0, "n": 2}
    assert day.elder_id == watch[0].elder_id
    assert not MessageSeen.objects.filter(msg_id__in=["a", "b"]).exists()
    # A late reading for the same old day is merged into the summary on the next run.
    ingest_batch([_hr("d", OLD + dt.timedelta(hours=2), 105)], now=NOW)
    call_command("monitoring_retention", "--keep-days", "30", stdout=open("/dev/null", "w"))  # noqa: SIM115
    day.refresh_from_db()
    assert day.count == 3
    assert day.stats["bpm"] == {"min": 60, "max": 105, "mean": 85.0, "n": 3}


@pytest.mark.postgres_only
def test_partitions_take_over_rows_of_the_default_partition(watch: Any) -> None:
    """On PostgreSQL: readings of a month without a partition land in the default one;
    making that month's partition moves them in, and retention drops emptied months."""
    from django.db import connection

    from silvercare.monitoring.partitions import partitions_drop_before, partitions_ensure

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    ingest_batch([_hr("p1", OLD, 61)], now=NOW)
    assert partitions_ensure(today=OLD.date(), months_ahead=0) == ["monitoring_reading_202605"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM monitoring_reading_202605")
        assert cursor.fetchone() == (1,)
        cursor.execute("SELECT count(*) FROM monitoring_reading_default")
        assert cursor.fetchone() == (0,)
    assert Reading.objects.get().msg_id == "p1"
    Reading.objects.all().delete()
    assert "monitoring_reading_202605" in partitions_drop_before(dt.date(2026, 6, 1))
