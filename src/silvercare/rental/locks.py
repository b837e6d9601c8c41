"""Row locks of the rental capability, always taken in this order: lease, then unit, then
the subsidies' own locks (budgets, reservations) inside their services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from silvercare.common.errors import NotFound
from silvercare.rental.choices import UnitState
from silvercare.rental.models import Lease, Unit


def lock_lease(lease_id: Any) -> Lease:
    found = Lease.objects.select_for_update().filter(pk=lease_id).first()
    if found is None:
        raise NotFound()
    return found


def lock_unit(unit_id: Any) -> Unit:
    found = Unit.objects.select_for_update().select_related("product").filter(pk=unit_id).first()
    if found is None:
        raise NotFound()
    return found


def lock_first_available(*, point_id: int, product_id: Any) -> Unit | None:
    """The first unit of the product at the point that may go out now, locked; units
    another transaction holds are skipped (``SKIP LOCKED``), so concurrent requests for
    the last units each get a different one or none."""
    qs: QuerySet[Unit] = (
        Unit.objects.select_for_update(skip_locked=True)
        .filter(
            point_id=point_id,
            product_id=product_id,
            state=UnitState.AVAILABLE,
            needs_cleaning=False,
            recall_hold=False,
            reserved_for__isnull=True,
        )
        .order_by("id")
    )
    return qs.first()
