"""The demo city's subsidies: the seeds' programmes with budgets, months of claims (settled,
approved), an issued voucher batch with redemptions, a trade-in — all made through the
subsidies services, every claim reconciling to the fen."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from silvercare.demo.city import DEMO_PASSWORD
from silvercare.subsidies.models import (
    Budget,
    Claim,
    EligibilitySnapshot,
    Programme,
    TradeIn,
    Voucher,
    VoucherRedemption,
)
from silvercare.subsidies.services import claim_reconcile

pytestmark = pytest.mark.django_db


def test_the_demo_city_has_programmes_claims_and_vouchers(
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", "--elders", "1500", stdout=io.StringIO())
    assert set(Programme.objects.values_list("code", flat=True)) == {
        "sz-device-basic",
        "yl-rental",
        "sz-ltc-share",
        "sz-tekun",
        "sz-meals",
        "sz-silver-voucher",
        "sz-home-adaptation",  # the home-adaptation capability's own demo programme
        "yl-meals-street",  # the canteens' own-street meal share
    }
    rental = Programme.objects.get(code="yl-rental")
    assert rental.versions.count() == 2  # next year's terms as a second version
    assert Budget.objects.filter(programme=rental, amount_fen=1_200_000_00).count() == 3
    claims = list(Claim.objects.all())
    statuses = {c.status for c in claims}
    assert statuses == {"settled", "approved"}
    assert {c.month for c in claims if c.status == "settled"} and all(
        claim_reconcile(c) == [] for c in claims
    )
    assert Voucher.objects.count() > 0 and VoucherRedemption.objects.count() == 12
    assert TradeIn.objects.count() == 1
    # Publishing evaluated every programme for the elders (the task runs at once in tests).
    assert EligibilitySnapshot.objects.filter(programme=rental).count() > 0
    assert EligibilitySnapshot.objects.filter(passed=True).exists()
    # Running the demo again adds nothing.
    call_command("demo", "--elders", "1500", stdout=io.StringIO())
    assert Claim.objects.count() == len(claims)

    officer = Client()
    officer.post("/accounts/login/", {"username": "civil_affairs", "password": DEMO_PASSWORD})
    assert officer.get("/subsidies/claims/").status_code == 200
    assert officer.get("/subsidies/budgets/").status_code == 200
    shop = Client()
    shop.post("/accounts/login/", {"username": "enterprise", "password": DEMO_PASSWORD})
    assert shop.get("/subsidies/vouchers/redeem/").status_code == 200
