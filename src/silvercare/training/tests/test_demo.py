"""The demo city's training data: courses, sessions with attendance, certificates and a
waiting list, and qualifications across the streets, some about to expire."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from silvercare.accounts.models import User
from silvercare.training.models import Certificate, Course, Enrolment, Qualification
from silvercare.training.selectors import qualification_valid

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_courses_and_qualifications(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--elders", "300", stdout=io.StringIO())
    today = timezone.localdate()
    assert Course.objects.count() == 3
    assert Certificate.objects.count() == 4
    assert Enrolment.objects.filter(status="waiting").count() == 2
    assert qualification_valid(User.objects.get(username="assessor"), "assessor")
    soon = Qualification.objects.filter(
        valid_until__gte=today, valid_until__lte=today + dt.timedelta(days=60)
    )
    assert soon.count() >= 3
    assert Qualification.objects.filter(valid_until__lt=today).exists()
    streets = {code[:9] for code in Qualification.objects.values_list("region_id", flat=True)}
    assert len(streets) >= 10
    # Running it again adds nothing.
    before = Qualification.objects.count()
    call_command("demo", "--elders", "300", stdout=io.StringIO())
    assert Qualification.objects.count() == before
