"""Shared pytest fixtures (the helpers themselves live in silvercare.common.testing)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def regions(db: None) -> None:
    from silvercare.common import testing

    testing.build_regions()
    # Rows a data migration ships are gone after a transactional test's flush; put back
    # the ones a capability cannot work without.
    from silvercare.assistive.classification import load_classification
    from silvercare.assistive.models import DeviceType
    from silvercare.homecare.services.catalogue import service_types_restore
    from silvercare.industry.services import seed_data_restore

    service_types_restore()
    seed_data_restore()
    if not DeviceType.objects.exists():
        load_classification()


@pytest.fixture
def worker(regions: None) -> Any:
    """A community worker of street A (Futian)."""
    from silvercare.common import testing

    return testing.make_user("community_worker", testing.STREET_A, "worker_a")


@pytest.fixture
def other_worker(regions: None) -> Any:
    """A community worker of the Luohu street: must never see street A's people."""
    from silvercare.common import testing

    return testing.make_user("community_worker", testing.STREET_LUOHU, "worker_luohu")
