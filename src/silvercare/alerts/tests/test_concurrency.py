"""Two ingest workers raising the same elder's SOS at the same moment make one alert."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction

from silvercare.alerts.models import Alert
from silvercare.alerts.services import alert_raise

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_attach_to_one_alert(elder: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs real concurrent transactions (PostgreSQL)")
    start = threading.Barrier(4)
    results: list[bool] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            with transaction.atomic():
                results.append(
                    alert_raise(
                        elder_id=elder.pk,
                        kind="sos",
                        severity="urgent",
                        occurred_at=T0,
                        reason="sos_pressed",
                        params={},
                        source="test",
                    ).opened
                )
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False, False, False, True]
    alert = Alert.objects.get()
    assert alert.event_count == 4
