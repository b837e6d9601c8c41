"""A sitting is never overbooked under concurrent orders (PostgreSQL: real concurrent
writers; the guarded ``F()`` update and the database check)."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection

from silvercare.audit.services import AuditContext
from silvercare.canteens import services
from silvercare.canteens.models import Menu
from silvercare.common.errors import DomainError

from .conftest import new_elder

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]


def test_16_concurrent_orders_for_4_seats(
    worker: Any, canteen: Any, menu: Any, programmes: Any, day: Any
) -> None:
    elders = [new_elder(worker, name=f"并发{i}") for i in range(16)]
    start = threading.Barrier(len(elders))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def order(elder: Any) -> None:
        try:
            start.wait()
            services.meal_order_place(
                ctx=AuditContext(actor=worker, via="test"),
                elder=elder,
                canteen=canteen,
                day=day,
                meal="lunch",
                mode="dine_in",
            )
            result = "placed"
        except DomainError as exc:
            result = exc.code
        finally:
            connection.close()
        with lock:
            outcomes[result] += 1

    threads = [threading.Thread(target=order, args=(e,)) for e in elders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes == Counter({"placed": 4, "sitting_full": 12})
    menu = Menu.objects.get(pk=menu.pk)
    assert (menu.booked, menu.orders.count()) == (4, 4)
