"""Shared pytest fixtures (the helpers themselves live in silvercare.common.testing)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def regions(db: None) -> None:
    from silvercare.common import testing

    testing.build_regions()


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
