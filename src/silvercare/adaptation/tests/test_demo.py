"""The demo city's home adaptation: the subsidy, contractors and twenty cases in every
state, with counts over several months; running the demo again adds nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from silvercare.adaptation.demo import seed_demo
from silvercare.adaptation.models import AdaptationCase, Contractor
from silvercare.adaptation.selectors import adaptation_counts
from silvercare.subsidies.models import Reservation

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_adaptation_cases(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--elders", "300", stdout=io.StringIO())
    cases = AdaptationCase.objects.all()
    # Twenty in the full demo; a 300-elder city may run short of elders in a street.
    assert 17 <= cases.count() <= 20
    assert set(cases.values_list("status", flat=True)) >= {
        "assessed",
        "planned",
        "approved",
        "in_works",
        "accepted",
        "followed_up",
        "cancelled",
    }
    assert Contractor.objects.count() == 3
    assert cases.filter(region__code__startswith="440303").exists()
    # Approved cases of eligible elders hold their subsidy; accepted ones committed it.
    held = Reservation.objects.filter(item_ref__startswith="adaptation:")
    assert held.filter(status="reserved").exists()
    assert held.filter(status="committed").exists()
    today = timezone.localdate()
    rows = adaptation_counts("4403", today.replace(day=1, month=1, year=today.year - 1), today)
    assert sum(r.opened for r in rows) == cases.count()
    assert sum(r.accepted for r in rows) == cases.filter(accepted_on__isnull=False).count() >= 3
    assert len([r for r in rows if r.opened]) >= 3  # visits spread over several months
    assert seed_demo() == {"cases": 0}
