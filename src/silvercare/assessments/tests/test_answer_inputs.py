"""Issue 7, point 10: inputs that used to answer 500 — nested or list answers to choice
fields, numbers beyond 1e308, non-decimal digits in the tablet form, control characters in
free-text answers — are a 4xx naming the field (API) or a form error (pages); nothing is
saved."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from silvercare.assessments.models import Assessment
from silvercare.common.testing import COMMUNITY_A1, client_for, make_assessor, make_elder

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


@pytest.fixture
def session(worker: Any) -> dict[str, Any]:
    assessor = make_assessor(username="assessor_inputs")
    elder = make_elder(worker, COMMUNITY_A1, name="评估对象")
    booked = client_for(worker).post(
        "/api/v1/assessments/",
        {
            "elder_id": str(elder.pk),
            "reason": "first",
            "scheduled_for": timezone.localdate().isoformat(),
            "assessor_id": assessor.pk,
        },
        content_type="application/json",
    )
    assert booked.status_code == 201, booked.content
    return {"id": booked.json()["id"], "client": client_for(assessor)}


def put_answers(session: dict[str, Any], body: str) -> Any:
    return session["client"].put(
        f"/api/v1/assessments/{session['id']}/answers", body, content_type="application/json"
    )


BAD_FORMS = [
    ("A.2.2", ["1"]),
    ("A.2.2", {"value": "1"}),
    ("A.2.2", [[1]]),
    ("A.2.2", 3),
    ("A.2.10", [["1"]]),
    ("A.2.10", [{"a": 1}]),
    ("A.2.10", "1"),
    ("A.4.2", [{"A.4.2.1": {"nested": 1}}]),
    ("A.4.2", [{"A.4.2.1": ["a", "b"]}]),
    ("A.4.2", {"rows": []}),
    ("A.4.1.icd10", [["F01"]]),
    ("A.4.1.icd10", ["F٠١"]),
    ("A.2.4", [1]),
    ("A.2.3", ["2020-01-01"]),
    ("A.5.12", "第一行\x00"),
    ("A.5.12", "\x1b[31m"),
]


def test_wrongly_shaped_answers_are_a_422_naming_the_field(session) -> None:  # type: ignore[no-untyped-def]
    before = Assessment.objects.get(pk=session["id"]).forms
    for code, value in BAD_FORMS:
        response = put_answers(session, json.dumps({"forms": {code: value}}))
        assert response.status_code in (400, 422), (code, value, response.content)
        assert response["Content-Type"] == PROBLEM
        if response.status_code == 422:  # (a NUL is refused at the edge with a 400)
            assert [e["field"] for e in response.json()["errors"]] == [code]
    assert Assessment.objects.get(pk=session["id"]).forms == before


def test_numbers_beyond_1e308_are_a_422_naming_the_field(session) -> None:  # type: ignore[no-untyped-def]
    for body, field in [
        ('{"forms": {"A.2.4": 1e999}}', "A.2.4"),
        ('{"forms": {"A.2.5": -1e999}}', "A.2.5"),
        ('{"items": {"B.1.1": 1e999}}', "items.B.1.1"),
        ('{"forms": {"A.4.2": [{"A.4.2.1": 1e999}]}}', "A.4.2"),
    ]:
        response = put_answers(session, body)
        assert response.status_code == 422, response.content
        assert [e["field"] for e in response.json()["errors"]] == [field]
    saved = Assessment.objects.get(pk=session["id"])
    assert saved.items == {} and "A.2.4" not in saved.forms


def test_multi_line_text_answers_keep_line_breaks(session) -> None:  # type: ignore[no-untyped-def]
    response = put_answers(session, json.dumps({"forms": {"A.5.12": "第一行\n第二行\t完"}}))
    assert response.status_code == 200, response.content
    assert Assessment.objects.get(pk=session["id"]).forms["A.5.12"] == "第一行\n第二行\t完"


def test_tablet_form_scores_in_other_digits_are_a_form_error(session) -> None:  # type: ignore[no-untyped-def]
    for raw in ["²", "٣", "３", "-١", "9" * 5000]:
        response = session["client"].post(
            f"/assessments/{session['id']}/step/self_care/", {"B.1.1": raw, "save": "1"}
        )
        assert response.status_code == 422
        assert 'id="step-errors"' in response.content.decode()
    assert Assessment.objects.get(pk=session["id"]).items == {}


def test_tablet_form_table_rows_with_other_digits_are_a_form_error(session) -> None:  # type: ignore[no-untyped-def]
    before = Assessment.objects.get(pk=session["id"]).forms
    for index in ["²", "٣", "１", "99999999999999999999"]:
        response = session["client"].post(
            f"/assessments/{session['id']}/step/A/",
            {f"A.4.2[{index}]A.4.2.1": "阿司匹林", "save": "1"},
        )
        assert response.status_code == 422
        assert 'id="step-errors"' in response.content.decode()
    assert Assessment.objects.get(pk=session["id"]).forms == before
