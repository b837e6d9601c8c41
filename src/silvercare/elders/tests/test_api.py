import pytest

from silvercare.common.testing import COMMUNITY_A1, client_for, id_number, make_elder

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def test_create_read_update_through_the_api(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    number = id_number()
    created = client.post(
        "/api/v1/elders/",
        {
            "name": "孙丽娟",
            "id_number": number,
            "region_code": COMMUNITY_A1,
            "phone": "13800001111",
            "hukou_type": "local_urban",
            "living_situation": "spouse",
            "categories": ["empty_nest"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["id_number"] == number[:2] + "*" * 15 + number[-1:]
    assert body["masked"] is True
    assert body["categories"] == ["advanced_age", "empty_nest"]  # born 1945: 80+
    changed = client.patch(
        f"/api/v1/elders/{body['id']}",
        {"living_situation": "alone"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert "living_alone" in changed.json()["categories"]
    revealed = client.get(f"/api/v1/elders/{body['id']}?reveal=true").json()
    assert revealed["id_number"] == number and revealed["masked"] is False


def test_validation_errors_are_problem_json_with_fields(worker) -> None:  # type: ignore[no-untyped-def]
    client = client_for(worker)
    response = client.post(
        "/api/v1/elders/",
        {
            "name": "孙丽娟",
            "id_number": "440304194513011234",
            "region_code": "440303001001",
            "hukou_type": "local_urban",
            "living_situation": "spouse",
            "birth_date": "1945-01-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["code"] == "validation_failed"
    fields = {(e["field"], e["code"]) for e in problem["errors"]}
    assert ("id_number", "id_number_birth_date") in fields
    assert ("region_code", "region_out_of_scope") in fields


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"name": 5}', "application/json"),
        (
            '{"name": "x", "id_number": "1", "region_code": "1", "latitude": "north"}',
            "application/json",
        ),
        ("name=x", "application/x-www-form-urlencoded"),
    ],
)
def test_malformed_input_is_4xx(worker, body: str, content_type: str) -> None:  # type: ignore[no-untyped-def]
    response = client_for(worker).post("/api/v1/elders/", body, content_type=content_type)
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == PROBLEM


def test_out_of_scope_is_404_like_missing(worker, other_worker) -> None:  # type: ignore[no-untyped-def]
    elder = make_elder(worker)
    outsider = client_for(other_worker)
    hidden = outsider.get(f"/api/v1/elders/{elder.pk}")
    missing = outsider.get("/api/v1/elders/00000000-0000-0000-0000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    patched = outsider.patch(
        f"/api/v1/elders/{elder.pk}", {"name": "x"}, content_type="application/json"
    )
    assert patched.status_code == 404
    elder.refresh_from_db()
    assert elder.name != "x"


def test_pagination_and_bounds(worker) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        make_elder(worker)
    client = client_for(worker)
    page = client.get("/api/v1/elders/?page_size=2&page=2").json()
    assert page["count"] == 3 and len(page["items"]) == 1
    assert client.get("/api/v1/elders/?page_size=1000").status_code == 422
    assert client.get("/api/v1/elders/?sort=password").status_code == 422


def test_openapi_document_is_stable(worker) -> None:  # type: ignore[no-untyped-def]
    doc = client_for(worker).get("/api/v1/openapi.json").json()
    assert doc["info"]["title"] == "SilverCare API"
    assert {
        "/api/v1/elders/",
        "/api/v1/elders/{elder_id}",
        "/api/v1/regions/",
        "/api/v1/tokens/",
    } <= set(doc["paths"])


def test_counts_stop_at_the_cap(worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from silvercare.common import pagination

    for _ in range(3):
        make_elder(worker)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    client = client_for(worker)
    body = client.get("/api/v1/elders/").json()
    assert (body["count"], body["count_capped"]) == (2, True)
    assert len(body["items"]) == 3  # the page itself is not cut
    page = client.get("/elders/").content.decode()
    assert 'id="elder-table"' in page and "1,000" in page
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    assert client.get("/api/v1/elders/").json()["count_capped"] is False
