"""Every rental point opened is a facility of the one registry (industry), visible to the
district's officers; a warehouse is not."""

from __future__ import annotations

from typing import Any

import pytest

from silvercare.common.testing import STREET_A, make_user
from silvercare.industry.selectors import facilities_visible
from silvercare.rental import services

pytestmark = pytest.mark.django_db


def test_rental_point_is_a_registry_facility(ctx: Any) -> None:
    point = services.point_create(
        ctx=ctx,
        name="园岭街道租赁点",
        kind="street",
        region_code=STREET_A,
        operator="园岭康复服务中心",
        latitude=22.55,
        longitude=114.09,
    )
    warehouse = services.point_create(
        ctx=ctx, name="福田仓库", kind="warehouse", region_code=STREET_A, operator="福田辅具"
    )
    assert point.facility is not None and warehouse.facility is None
    officer = make_user("civil_affairs", "440304000000", "rental_registry_officer")
    [facility] = facilities_visible(officer, kind="rental_point")
    assert (facility.pk, facility.name, facility.region_id) == (
        point.facility.pk,
        "园岭街道租赁点",
        STREET_A,
    )
