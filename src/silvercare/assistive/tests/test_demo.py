"""The demo city's assistive catalogue: at least 60 products across at least 20 divisions,
admissions in progress, recommendations and fittings for a few elders."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command

from silvercare.assistive.models import (
    Admission,
    AdmissionStatus,
    ElderNeed,
    Fitting,
    Objection,
    Product,
)

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_a_catalogue_and_fittings(
    django_capture_on_commit_callbacks: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only this capability's part of the demo is under test: the capabilities seeded after
    # it are left out so that their own changes do not decide this test.
    for later in ("adaptation", "monitoring", "homecare", "rental"):
        with contextlib.suppress(ImportError, AttributeError):
            monkeypatch.setattr(f"silvercare.{later}.demo.seed_demo", lambda: {})
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--elders", "300", stdout=io.StringIO())
    listed = Product.objects.filter(status="listed")
    assert listed.count() >= 60
    assert listed.values("device_type").distinct().count() >= 20
    statuses = set(Admission.objects.values_list("status", flat=True))
    assert {AdmissionStatus.SUBMITTED, AdmissionStatus.NOTICE, AdmissionStatus.REJECTED} <= statuses
    assert Objection.objects.exists()
    assert Fitting.objects.count() >= 2 and ElderNeed.objects.count() >= 3
    # Running it again adds nothing.
    before = Product.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--elders", "300", stdout=io.StringIO())
    assert Product.objects.count() == before
