"""No unit is ever leased twice at once, under real concurrent transactions (PostgreSQL):
100 lease requests for the last 10 units of a product lease each unit exactly once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connections
from django.db.models import Count
from django.utils import timezone

from silvercare.common.errors import DomainError
from silvercare.common.testing import make_elder
from silvercare.rental import services
from silvercare.rental.models import Lease, Unit

# PostgreSQL's max_connections (100) is shared with the other tests running on the
# machine: the 100 requests run on 40 connections at once, all released together.
WORKERS = 40


def _run(requests: list[Any], call: Any) -> tuple[list[Any], list[str], list[BaseException]]:
    start = threading.Barrier(min(WORKERS, len(requests)))
    leases: list[Any] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    first_wave = threading.local()

    def one(item: Any) -> None:
        if not getattr(first_wave, "done", False):
            first_wave.done = True
            start.wait()
        try:
            lease = call(item)
            with lock:
                leases.append(lease)
        except DomainError as exc:
            with lock:
                refused.append(exc.code)
        except BaseException as exc:  # reported below
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(one, requests))
    return leases, refused, errors


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_hundred_requests_for_the_last_ten_units(
    ctx: Any, point: Any, product: Any, make_unit: Any, worker: Any, rental_subsidy: Any
) -> None:
    units = [make_unit() for _ in range(10)]
    elders = [make_elder(worker, name=f"并发{i}") for i in range(100)]
    today = timezone.localdate()

    def lease(elder: Any) -> Any:
        return services.lease_open(
            ctx=ctx, elder=elder, point=point, product=product, starts_on=today, months=1
        )

    leases, refused, errors = _run(elders, lease)
    assert errors == []
    assert len(leases) == 10
    assert refused == ["no_unit_available"] * 90
    per_unit = dict(
        Lease.objects.values_list("unit_id").annotate(n=Count("id")).values_list("unit_id", "n")
    )
    assert per_unit == {u.pk: 1 for u in units}
    assert set(Unit.objects.values_list("state", flat=True)) == {"leased"}
    from silvercare.subsidies.models import Reservation

    assert sorted(Reservation.objects.values_list("amount_fen", flat=True)) == [4000] * 10


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_requests_for_one_unit_lease_it_once(ctx: Any, make_unit: Any, worker: Any) -> None:
    unit = make_unit()
    elders = [make_elder(worker, name=f"同抢{i}") for i in range(30)]
    today = timezone.localdate()

    def lease(elder: Any) -> Any:
        return services.lease_open(ctx=ctx, elder=elder, unit=unit, starts_on=today, months=1)

    leases, refused, errors = _run(elders, lease)
    assert errors == []
    assert len(leases) == 1
    assert refused == ["unit_already_leased"] * 29
    assert Lease.objects.filter(unit=unit).count() == 1
