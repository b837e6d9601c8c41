"""The demo city's home care: providers, about 150 caregivers, a week of orders, today
planned (the demo caregiver has a route), care beds and patrol rules; idempotent."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from silvercare.homecare.models import CareBed, Caregiver, CareOrder, PatrolRule, Provider, Visit

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_home_care(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--elders", "600", stdout=io.StringIO())
    assert Provider.objects.count() == 4
    assert Caregiver.objects.count() == 150
    assert CareOrder.objects.filter(status="accepted").count() >= 20
    assert CareBed.objects.exists() and PatrolRule.objects.count() == 3
    demo_carer = Caregiver.objects.get(user__username="caregiver")
    assert Visit.objects.filter(
        caregiver=demo_carer, date=timezone.localdate(), status="scheduled"
    ).exists()
    before = CareOrder.objects.count()
    call_command("demo", "--elders", "600", stdout=io.StringIO())
    assert CareOrder.objects.count() == before
