"""Row locks of the subsidies capability, always taken in this order within a transaction:

1. ``Budget`` rows, ordered by primary key (``lock_budgets``);
2. ``ElderProgrammeLock`` rows, ordered by (elder id, programme id)
   (``lock_elder_programmes``; the rows are created on first use);
3. ``TradeIn`` rows (``lock_trade_in``);
4. ``Reservation`` rows, ordered by primary key (``lock_reservations``);
5. ``Voucher`` rows (``lock_voucher``).

Claims are prepared under their payer's row (``lock_payer``) and approved or settled under
the claim's row (``lock_claim``); both are taken ``FOR NO KEY UPDATE``, so recording a
delivery (which inserts rows referring to the payer) never waits for them.

A transaction never takes a lock of an earlier group after one of a later group, so two
reservations can wait for each other but never deadlock. Budget rows serialise everything
that draws on one budget (its reserved + committed + spent can then be summed safely from
the reservations); the elder rows serialise one elder's yearly and lifetime limits, which
may span budgets (several years, several regions) or none (unbudgeted funds).
On SQLite ``select_for_update`` is a no-op: SQLite serialises writers itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from silvercare.subsidies.models import (
    Budget,
    Claim,
    ElderProgrammeLock,
    PayerBody,
    Reservation,
    TradeIn,
    Voucher,
)


def lock_budgets(budget_ids: Iterable[int]) -> dict[int, Budget]:
    ids = sorted(set(budget_ids))
    if not ids:
        return {}
    rows = Budget.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {b.pk: b for b in rows}


def lock_elder_programmes(elder_id: Any, programme_ids: Iterable[int]) -> None:
    lock_elders_programmes([(elder_id, pid) for pid in programme_ids])


def lock_elders_programmes(pairs: Iterable[tuple[Any, int]]) -> None:
    """Lock (elder, programme) rows of several elders (a voucher batch), in the same
    global order as one elder's."""
    wanted = sorted(set(pairs), key=lambda p: (str(p[0]), p[1]))
    if not wanted:
        return
    ElderProgrammeLock.objects.bulk_create(
        [ElderProgrammeLock(elder_id=elder, programme_id=pid) for elder, pid in wanted],
        ignore_conflicts=True,
        batch_size=1000,
    )
    elders = sorted({str(e) for e, _p in wanted})
    programmes = sorted({p for _e, p in wanted})
    for start in range(0, len(elders), 1000):
        list(
            ElderProgrammeLock.objects.select_for_update()
            .filter(elder_id__in=elders[start : start + 1000], programme_id__in=programmes)
            .order_by("elder_id", "programme_id")
            .values_list("pk", flat=True)
        )


def lock_trade_in(trade_in_id: uuid.UUID) -> TradeIn:
    return TradeIn.objects.select_for_update().get(pk=trade_in_id)


def lock_reservations(reservation_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Reservation]:
    ids = sorted(set(reservation_ids))
    rows = Reservation.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    return {r.pk: r for r in rows}


def lock_voucher(voucher_id: uuid.UUID) -> Voucher:
    return Voucher.objects.select_for_update().get(pk=voucher_id)


def lock_payer(payer_id: int) -> PayerBody:
    return PayerBody.objects.select_for_update(no_key=True).get(pk=payer_id)


def lock_claim(claim_id: uuid.UUID) -> Claim:
    return Claim.objects.select_for_update(no_key=True).select_related("payer").get(pk=claim_id)
