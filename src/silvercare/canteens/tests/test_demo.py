"""The demo canteens: built through the services on the demo users, registered in the
facility registry, a week of menus, past meals served with their subsidies delivered;
idempotent."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.canteens import demo
from silvercare.canteens.models import Canteen, MealCard, MealOrder, Menu
from silvercare.common.testing import COMMUNITY_A1, COMMUNITY_LUOHU, make_user

from .conftest import new_elder

pytestmark = pytest.mark.django_db


def test_demo_canteens(regions: None, programmes: Any) -> None:
    from silvercare.homecare import services as care

    officer = make_user("civil_affairs", "440300000000", "civil_affairs")
    admin = make_user("care_provider_admin", "440304000000", "care_provider_admin")
    make_user("call_centre", "440300000000", "call_centre")
    make_user("system_admin", "440000000000", "sysadmin")
    provider = care.provider_create(
        ctx=AuditContext(actor=officer), name="福田颐康", region_code="440304000000"
    )
    care.provider_staff_link(ctx=AuditContext(actor=officer), provider=provider, user=admin)
    worker = make_user("community_worker", "440300000000", "demo_worker")
    for i in range(6):
        new_elder(worker, COMMUNITY_A1, name=f"福田{i}", categories=["econ_difficult"])
        new_elder(worker, COMMUNITY_LUOHU, name=f"罗湖{i}")
    result = demo.seed_demo()
    assert result["canteens"] == 3  # the test city has no 福田街道
    assert all(c.facility_id for c in Canteen.objects.all())
    assert Menu.objects.count() >= 3 * 5
    past = MealOrder.objects.filter(day__lt=timezone.localdate())
    assert past.exists() and not past.exclude(status="served").exists()
    assert MealOrder.objects.filter(day__gt=timezone.localdate(), status="placed").exists()
    served = past.filter(canteen__region_id="440304001000").first()
    assert served is not None and served.subsidy_fen == 1000  # 特困 8 + own street 2
    luohu = past.filter(canteen__region_id="440303001000").first()
    assert luohu is not None and luohu.quote_id is not None  # quoted by the canteen
    assert MealCard.objects.count() == 5 + 5  # five elders per street with elders
    assert demo.seed_demo() == {"canteens": 0}
