"""The unit state machine: every legal and every illegal transition, through the service an
operator uses; refusals name the rule and change nothing."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from silvercare.common.errors import DomainError
from silvercare.rental import services
from silvercare.rental.choices import UnitState
from silvercare.rental.models import Unit, UnitEvent

S = UnitState
# Written out independently of choices.TRANSITIONS: the rule as the issue states it.
LEGAL = {
    (S.AVAILABLE, S.RESERVED),
    (S.AVAILABLE, S.REPAIR),
    (S.AVAILABLE, S.RETIRED),
    (S.AVAILABLE, S.LOST),
    (S.RESERVED, S.LEASED),
    (S.RESERVED, S.AVAILABLE),
    (S.RESERVED, S.LOST),
    (S.LEASED, S.RETURNED),
    (S.LEASED, S.RETIRED),
    (S.LEASED, S.LOST),
    (S.RETURNED, S.CLEANING),
    (S.RETURNED, S.REPAIR),
    (S.RETURNED, S.RETIRED),
    (S.RETURNED, S.LOST),
    (S.CLEANING, S.AVAILABLE),
    (S.CLEANING, S.REPAIR),
    (S.CLEANING, S.RETIRED),
    (S.CLEANING, S.LOST),
    (S.REPAIR, S.CLEANING),
    (S.REPAIR, S.AVAILABLE),
    (S.REPAIR, S.RETIRED),
    (S.REPAIR, S.LOST),
    (S.LOST, S.RETURNED),
}
ALL_PAIRS = list(itertools.product(S.values, S.values))
# Reserving and leasing happen only through a lease (tested in test_leases.py).
LEASE_TARGETS = {S.RESERVED, S.LEASED}


@pytest.mark.parametrize(("from_state", "to_state"), ALL_PAIRS)
def test_the_table_allows_exactly_the_legal_moves(from_state: str, to_state: str) -> None:
    assert services.transition_allowed(from_state, to_state) == ((from_state, to_state) in LEGAL)


@pytest.mark.parametrize("from_state", S.values)
def test_operator_moves_from(ctx: Any, make_unit: Any, elder: Any, from_state: str) -> None:
    """From each state, every target an operator may ask for: the legal ones move the unit
    and record who, when and why; the illegal ones are refused and change nothing."""
    for to_state in [t for t in S.values if t not in LEASE_TARGETS]:
        unit = make_unit()
        Unit.objects.filter(pk=unit.pk).update(
            state=from_state,
            holder=elder if from_state == S.LEASED else None,
            location="home" if from_state == S.LEASED else "rental_point",
        )
        unit.refresh_from_db()
        events = UnitEvent.objects.filter(unit=unit).count()
        if (from_state, to_state) in LEGAL:
            moved = services.unit_transition(ctx=ctx, unit=unit, to_state=to_state, reason="test")
            assert moved.state == to_state, (from_state, to_state)
            last = UnitEvent.objects.filter(unit=unit).order_by("-id").first()
            assert last is not None
            assert (last.from_state, last.to_state, last.actor_label, last.reason) == (
                from_state,
                to_state,
                "rental_op_a",
                "test",
            )
        else:
            with pytest.raises(DomainError) as raised:
                services.unit_transition(ctx=ctx, unit=unit, to_state=to_state, reason="test")
            assert raised.value.code == "transition_illegal", (from_state, to_state)
            assert raised.value.extra["allowed"] == sorted(t for f, t in LEGAL if f == from_state)
            unit.refresh_from_db()
            assert unit.state == from_state
            assert UnitEvent.objects.filter(unit=unit).count() == events


@pytest.mark.parametrize("to_state", [S.RESERVED, S.LEASED])
def test_reserving_or_leasing_by_hand_is_refused(ctx: Any, make_unit: Any, to_state: str) -> None:
    unit = make_unit()
    if to_state == S.LEASED:
        Unit.objects.filter(pk=unit.pk).update(state=S.RESERVED)
        unit.refresh_from_db()
    with pytest.raises(DomainError) as raised:
        services.unit_transition(ctx=ctx, unit=unit, to_state=to_state)
    assert raised.value.code == "transition_illegal"


def test_message_names_the_rule(ctx: Any, make_unit: Any) -> None:
    from django.utils import translation

    unit = make_unit()
    with translation.override("en"), pytest.raises(DomainError) as raised:
        services.unit_transition(ctx=ctx, unit=unit, to_state=S.RETURNED)
    with translation.override("en"):
        message = str(raised.value.message)
    assert "Available" in message
    assert "Returned" in message
    assert "Reserved" in message  # what the rule allows instead


def test_another_areas_operator_may_not_move_units(make_unit: Any, regions: None) -> None:
    from silvercare.audit.services import AuditContext
    from silvercare.common.testing import STREET_LUOHU, make_user

    unit = make_unit()
    other = make_user("rental_operator", STREET_LUOHU)
    with pytest.raises(DomainError) as raised:
        services.unit_transition(
            ctx=AuditContext(actor=other), unit=unit, to_state=S.REPAIR, reason="x"
        )
    assert raised.value.status == 403
    unit.refresh_from_db()
    assert unit.state == S.AVAILABLE
