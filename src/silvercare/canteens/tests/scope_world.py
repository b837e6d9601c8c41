"""Records of this capability for tests/test_scope_leak.py: built in street A, they must not
show to a worker of another district on any page or API operation."""

from __future__ import annotations

import datetime as dt
from typing import Any

# URL parameter names (unique across the project) whose records build() creates.
IDS: tuple[str, ...] = ("canteen_id", "meal_order_id")
# Text of those records that must never appear in an outsider's responses.
MARKERS: list[str] = ["绝密长者饭堂", "绝密清蒸鱼", "绝密餐单备注", "绝密送餐备注"]


def build(worker: Any, elder: Any) -> dict[str, str]:
    """Create the records as worker (a street-A community worker) for elder: a canteen of
    street A with a dish and tomorrow's menu, a meal card and a meal order."""
    from django.utils import timezone

    from silvercare.audit.services import AuditContext
    from silvercare.canteens import services
    from silvercare.common.testing import make_user

    officer = make_user("civil_affairs", "440304000000", "scope_canteen_officer")
    admin = make_user("care_provider_admin", "440304000000", "scope_canteen_admin")
    canteen = services.canteen_create(
        ctx=AuditContext(actor=officer),
        name="绝密长者饭堂",
        region_code="440304001000",
        capacity=20,
        operator_name="绝密餐饮公司",
        latitude=22.551,
        longitude=114.091,
    )
    actx = AuditContext(actor=admin)
    dish = services.dish_create(ctx=actx, canteen=canteen, name="绝密清蒸鱼", tags=["soft"])
    day = timezone.localdate() + dt.timedelta(days=1)
    services.menu_save(
        ctx=actx,
        canteen=canteen,
        day=day,
        meal="lunch",
        price_fen=1500,
        dishes=[dish],
        note="绝密餐单备注",
    )
    services.meal_card_issue(ctx=AuditContext(actor=worker), elder=elder)
    order = services.meal_order_place(
        ctx=AuditContext(actor=worker),
        elder=elder,
        canteen=canteen,
        day=day,
        meal="lunch",
        mode="delivery",
        note="绝密送餐备注",
    )
    return {"canteen_id": str(canteen.pk), "meal_order_id": str(order.pk)}
