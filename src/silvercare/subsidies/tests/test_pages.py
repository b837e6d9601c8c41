"""The subsidy pages: define a programme with the rule editor, check and test-run it,
publish it, set a budget, quote from the elder page and reserve; scoped by district."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from silvercare.common.testing import COMMUNITY_A1
from silvercare.subsidies.models import PayerBody, Programme, ProgrammeVersion, Reservation

from .conftest import new_elder

pytestmark = pytest.mark.django_db


def en(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "ft-rental-2027",
        "name": "Rental subsidy for disabled elders",
        "region_code": "440304000000",
        "valid_from": f"{timezone.localdate().year}-01-01",
        "eligibility_rule": 'level >= 2 || "disabled" in categories',
        "item_kinds": ["device_rental"],
        "amount_type": "percentage",
        "percent": "80",
        "base": "remaining",
        "cap_yuan": "200",
        "per": "month",
        "stacking_priority": "20",
        "budgeted": "on",
        "payer_1": "futian-finance",
        "share_1": "50",
        "payer_2": "yuanling-finance",
        "share_2": "50",
        **overrides,
    }


def test_define_check_test_run_publish_and_budget(
    officer: Any, payers: dict[str, PayerBody], worker: Any
) -> None:
    client = en(officer)
    assert 'href="/subsidies/"' in client.get("/").content.decode()
    page = client.get("/subsidies/programmes/new/")
    assert page.status_code == 200 and "Check the rule" in page.content.decode()

    check = client.post("/subsidies/rules/check/", {"eligibility_rule": "level >= 2 && wage"})
    assert 'data-line="1" data-column="15"' in check.content.decode()
    assert "Unknown fact “wage”" in check.content.decode()
    ok = client.post("/subsidies/rules/check/", {"eligibility_rule": "level >= 2"})
    assert "The rule is valid." in ok.content.decode()

    bad = client.post("/subsidies/programmes/new/", form_data(eligibility_rule="level >="))
    assert bad.status_code == 422
    assert "The rule does not parse at line 1, column 7." in bad.content.decode()
    assert not Programme.objects.exists()

    saved = client.post("/subsidies/programmes/new/", form_data())
    programme = Programme.objects.get()
    assert (
        saved.status_code == 302 and saved["Location"] == f"/subsidies/programmes/{programme.pk}/"
    )
    version = programme.versions.get()
    assert (version.status, version.amount_rule) == (
        "draft",
        {
            "type": "percentage",
            "percent_bp": 8000,
            "per": "month",
            "base": "remaining",
            "cap_fen": 20000,
        },
    )
    detail = client.get(saved["Location"]).content.decode()
    assert (
        "Publish v1" in detail and "level &gt;= 2 || &quot;disabled&quot; in categories" in detail
    )

    elder = new_elder(worker, COMMUNITY_A1, categories=["disabled"])
    run = client.post(
        f"/subsidies/versions/{version.pk}/test-run/",
        {"elder_id": str(elder.pk), "price_yuan": "60"},
        HTTP_HX_REQUEST="true",
    )
    body = run.content.decode()
    assert run.status_code == 200 and "<html" not in body
    assert "Eligible" in body and "Disabled category" in body and "Would pay 48 yuan" in body
    sample = client.post(
        f"/subsidies/versions/{version.pk}/test-run/", {"level": "1", "price_yuan": "60"}
    )
    assert "Not eligible" in sample.content.decode()

    client.post(f"/subsidies/versions/{version.pk}/publish/")
    assert ProgrammeVersion.objects.get(pk=version.pk).status == "live"
    # Editing the live programme leads to a new draft version, never to version 1.
    edit = client.get(f"/subsidies/versions/{version.pk}/edit/")
    assert edit["Location"] == f"/subsidies/programmes/{programme.pk}/versions/new/"
    client.post(
        f"/subsidies/programmes/{programme.pk}/versions/new/",
        form_data(percent="60", note="lower rate"),
    )
    assert list(programme.versions.values_list("number", "status")) == [
        (2, "draft"),
        (1, "live"),
    ]

    budget = client.post(
        "/subsidies/budgets/",
        {
            "programme": programme.pk,
            "year": timezone.localdate().year,
            "region_code": "440304000000",
            "amount_yuan": "1200000",
        },
    )
    assert budget.status_code == 302
    budgets = client.get("/subsidies/budgets/").content.decode()
    assert "1,200,000" in budgets and "<meter" in budgets


def test_quote_from_the_elder_page_and_reserve(
    officer: Any, worker: Any, make_programme: Any
) -> None:
    make_programme(
        "rental",
        name="Rental subsidy",
        eligibility_rule='"disabled" in categories',
        budget_fen=1_000_000,
    )
    elder = new_elder(worker, COMMUNITY_A1, categories=["disabled"])
    client = en(worker)
    elder_page = client.get(f"/elders/{elder.pk}/").content.decode()
    assert f'href="/subsidies/quote/{elder.pk}/"' in elder_page and "Subsidy quote" in elder_page
    made = client.post(
        f"/subsidies/quote/{elder.pk}/",
        {
            "item_kind": "device_rental",
            "item_code": "walker",
            "item_label": "Walker",
            "price_yuan": "60",
            "on": timezone.localdate().isoformat(),
        },
    )
    assert made.status_code == 302
    page = client.get(made["Location"]).content.decode()
    assert '<span translate="no">Walker</span>: list price 60 yuan' in page
    assert "Rental subsidy" in page and "48" in page and 'id="elder-pays">12<' in page
    assert "Disabled category; 80 % of the 60 yuan still to pay; budget left 10,000 yuan" in page
    client.post(made["Location"] + "reserve/", {"units": "3"})
    assert Reservation.objects.get().amount_fen == 3 * 4800
    bad = client.post(f"/subsidies/quote/{elder.pk}/", {"item_kind": "meal", "price_yuan": "-1"})
    assert bad.status_code == 422


def test_a_district_officer_sees_only_their_programmes(
    officer: Any, luohu_officer: Any, make_programme: Any, worker: Any
) -> None:
    programme = make_programme("futian-only", name="福田专项", budget_fen=100)
    futian = en(officer).get("/subsidies/").content.decode()
    luohu_client = en(luohu_officer)
    luohu = luohu_client.get("/subsidies/").content.decode()
    assert "福田专项" in futian and "福田专项" not in luohu
    assert luohu_client.get(f"/subsidies/programmes/{programme.pk}/").status_code == 404
    assert "福田专项" not in luohu_client.get("/subsidies/budgets/").content.decode()
    elder = new_elder(worker, COMMUNITY_A1)
    assert luohu_client.get(f"/subsidies/quote/{elder.pk}/").status_code == 404
    # An assessor (no subsidy rights) gets no link and no page.
    from silvercare.common.testing import make_assessor

    assessor = en(make_assessor(username="no_subsidies"))
    assert "Subsidy quote" not in assessor.get(f"/elders/{elder.pk}/").content.decode()
    assert assessor.get("/subsidies/").status_code == 404
