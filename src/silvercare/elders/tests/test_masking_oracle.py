"""Masks that cannot be undone (ADR 0005): what a role without the personal-data right sees
does not add up to the ID number, the exact position is not shown, and an exact lookup by ID
number or phone is a personal-data read — only with that right, audited, rate-limited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client

from silvercare.audit.models import AuditEvent
from silvercare.common.testing import (
    COMMUNITY_A1,
    STREET_A,
    client_for,
    id_number,
    make_elder,
    make_user,
)
from silvercare.elders.models import Elder
from silvercare.elders.services import LOOKUP_LIMIT

pytestmark = pytest.mark.django_db
BIRTH = dt.date(1944, 7, 19)
PROBLEM = "application/problem+json"


@pytest.fixture
def person(worker: Any) -> dict[str, Any]:
    number = id_number(BIRTH, male=False, seq=123)
    elder = make_elder(
        worker,
        COMMUNITY_A1,
        name="郑淑芬",
        id_number=number,
        phone="13712345678",
        latitude=22.551234,
        longitude=114.091876,
    )
    return {"elder": elder, "number": number, "caregiver": make_user("caregiver", STREET_A)}


def _visible_text(response: Any) -> str:
    return str(response.content.decode())


def test_caregiver_sees_nothing_that_rebuilds_the_id_number(person: dict[str, Any]) -> None:
    number, elder = person["number"], person["elder"]
    client = client_for(person["caregiver"])
    page = _visible_text(client.get(f"/elders/{elder.pk}/"))
    listing = _visible_text(client.get("/elders/?q=郑"))
    api = client.get(f"/api/v1/elders/{elder.pk}").json()
    api_list = client.get("/api/v1/elders/?q=郑").json()["items"][0]
    birth_digits = number[6:14]  # 19440719
    sequence = number[14:17]
    for text in (page, listing, str(api), str(api_list)):
        assert number not in text
        assert birth_digits not in text and BIRTH.isoformat() not in text
        assert number[:4] + "*" not in text  # the county is hidden too
        assert "*" + sequence not in text and sequence + number[17] not in text
    # The mask keeps the province and the check digit; the birth year and age are shown.
    assert api["id_number"] == number[:2] + "*" * 15 + number[17]
    assert api["birth_date"] is None and api["birth_year"] == 1944
    assert api_list["birth_date"] is None and api_list["birth_year"] == 1944
    assert "1944" in page
    # Six decimals locate the door: such roles get about a kilometre.
    assert api["latitude"] == 22.55 and api["longitude"] == 114.09
    assert api["location_exact"] is False
    assert "22.551234" not in page and "114.091876" not in page


def test_personal_data_right_sees_exact_birth_date_and_position(
    worker: Any, person: dict[str, Any]
) -> None:
    client = client_for(worker)
    api = client.get(f"/api/v1/elders/{person['elder'].pk}").json()
    assert api["birth_date"] == BIRTH.isoformat()
    assert api["latitude"] == 22.551234 and api["location_exact"] is True
    page = _visible_text(client.get(f"/elders/{person['elder'].pk}/"))
    assert "1944-07-19" in page and "22.551234" in page
    # Still masked until the audited reveal.
    assert person["number"] not in page


def test_service_circle_distances_do_not_locate_the_door(
    worker: Any, person: dict[str, Any]
) -> None:
    url = "/api/v1/regions/service-circle?lat=22.551234&lon=114.091876&metres=3000"
    exact = client_for(worker).get(url).json()["elders"][0]["distance_m"]
    coarse = client_for(person["caregiver"]).get(url).json()["elders"][0]["distance_m"]
    assert exact == 0.0
    assert coarse > 100  # measured to the rounded position, not the door


def test_exact_lookup_needs_the_personal_data_right(person: dict[str, Any]) -> None:
    client = client_for(person["caregiver"])
    for q in (person["number"], "13712345678"):
        page = client.get("/elders/", {"q": q})
        assert page.status_code == 403
        body = page.content.decode()
        assert 'id="search-error"' in body and "郑淑芬" not in body
        api = client.get("/api/v1/elders/", {"q": q})
        assert api.status_code == 403 and api["Content-Type"] == PROBLEM
        assert api.json()["code"] == "lookup_not_allowed"
    # Not an oracle: a wrong guess and a right guess answer the same.
    other = id_number(BIRTH, male=False, seq=124)
    assert (
        client.get("/api/v1/elders/", {"q": other}).json()
        == client.get("/api/v1/elders/", {"q": person["number"]}).json()
    )
    assert not AuditEvent.objects.filter(action="lookup").exists()


def test_exact_lookup_is_audited_with_the_masked_value_and_hits(
    worker: Any, person: dict[str, Any]
) -> None:
    client = client_for(worker)
    found = client.get("/api/v1/elders/", {"q": person["number"]}).json()
    assert [e["name"] for e in found["items"]] == ["郑淑芬"]
    missed = client.get("/api/v1/elders/", {"q": "13700000000"}).json()
    assert missed["items"] == []
    rows = list(AuditEvent.objects.filter(action="lookup").order_by("id"))
    assert [r.changes["hits"] for r in rows] == [1, 0]
    assert rows[0].actor == worker and rows[0].via == "api"
    assert rows[0].changes["value"] == person["elder"].id_number_masked
    assert rows[0].entity_id == str(person["elder"].pk)
    assert rows[1].changes == {"kind": "phone", "value": "137****0000", "hits": 0}
    assert person["number"] not in str(rows[0].changes) + rows[0].summary
    # Searching by name is not a lookup.
    client.get("/api/v1/elders/", {"q": "郑"})
    assert AuditEvent.objects.filter(action="lookup").count() == 2


def test_exact_lookups_are_rate_limited_per_user(worker: Any, person: dict[str, Any]) -> None:
    client = client_for(worker)
    for _ in range(LOOKUP_LIMIT):
        assert client.get("/api/v1/elders/", {"q": person["number"]}).status_code == 200
    refused = client.get("/api/v1/elders/", {"q": person["number"]})
    assert refused.status_code == 429 and refused["Content-Type"] == PROBLEM
    assert refused.json()["code"] == "lookup_rate_limited"
    page = client.get("/elders/", {"q": "13712345678"})
    assert page.status_code == 429
    assert 'id="search-error"' in page.content.decode()
    assert "郑淑芬" not in page.content.decode().split('id="results"')[1]
    # Refused lookups are not counted again, and other users keep their own allowance.
    assert AuditEvent.objects.filter(action="lookup").count() == LOOKUP_LIMIT
    colleague = make_user("community_worker", STREET_A)
    assert client_for(colleague).get("/api/v1/elders/", {"q": person["number"]}).status_code == 200
    # The window passes: lookups are allowed again.
    AuditEvent.objects.filter(action="lookup", actor=worker).update(
        at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    assert client.get("/api/v1/elders/", {"q": person["number"]}).status_code == 200


def test_htmx_search_shows_the_refusal_in_the_fragment(person: dict[str, Any]) -> None:
    client: Client = client_for(person["caregiver"])
    fragment = client.get("/elders/", {"q": person["number"]}, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200  # htmx swaps only 2xx answers
    assert 'id="search-error"' in fragment.content.decode()


def test_data_migration_rewrites_the_stored_masks(person: dict[str, Any]) -> None:
    from importlib import import_module

    migration = import_module(
        "silvercare.elders.migrations.0005_remask_id_numbers_province_and_check_digit"
    )
    number = person["number"]
    old = number[:4] + "*" * 10 + number[-4:]
    Elder.objects.filter(pk=person["elder"].pk).update(id_number_masked=old)
    migration.forwards(django_apps, None)
    assert Elder.objects.get(pk=person["elder"].pk).id_number_masked == (
        number[:2] + "*" * 15 + number[-1]
    )
    migration.backwards(django_apps, None)
    assert Elder.objects.get(pk=person["elder"].pk).id_number_masked == old
