"""Pages of the home-care capability (thin: selectors read, services write)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.alerts.selectors import referrals_open
from silvercare.homecare import selectors
from silvercare.homecare.views._common import need


@login_required
def home(request: HttpRequest) -> HttpResponse:
    need(request, Perm.CARE_VIEW)
    user = request.user
    return render(
        request,
        "homecare/home.html",
        {
            "may_order": actor_has_perm(user, Perm.CARE_ORDER),
            "may_provide": actor_has_perm(user, Perm.CARE_PROVIDE),
            "may_supervise": actor_has_perm(user, Perm.CARE_SUPERVISE),
            "caregiver": selectors.caregiver_of(user),
            "provider": selectors.provider_of(user),
            "orders": list(selectors.order_list(actor=user, status="requested")[:10]),
            "flagged": selectors.flagged_count(actor=user),
            "referrals": list(referrals_open(actor=user)[:20]),
            "today": timezone.localdate(),
        },
    )


def elder_panel(request: HttpRequest, elder: Any) -> dict[str, Any] | None:
    """The elder page's home-care section: open orders and recent visits."""
    user = request.user
    if not actor_has_perm(user, Perm.CARE_VIEW, elder.region_id):
        return None
    return {
        "elder": elder,
        "may_order": actor_has_perm(user, Perm.CARE_ORDER, elder.region_id),
        **selectors.elder_panel(actor=user, elder=elder),
    }
