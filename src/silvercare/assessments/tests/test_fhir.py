"""The FHIR Bundle of a completed assessment built through the real services."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from silvercare.assessments import services
from silvercare.assessments.fhir import (
    ASSESSMENT_SYSTEM,
    FINAL_LEVEL_CODE,
    OPTIONS_SYSTEM,
    ORDINAL_VALUE,
    QUESTIONNAIRE,
    assessment_to_fhir,
    validate_bundle,
)
from silvercare.assessments.instruments import get_instrument
from silvercare.assessments.models import Assessment
from silvercare.audit.services import AuditContext
from silvercare.common.testing import id_number, make_assessor, make_elder

GBT = "gbt42195-2022"
LOWERED = {"B.1.3": 2, "B.2.4": 1, "B.3.4": 1, "B.4.4": 0}
FORMS = {"A.4.1": ["F00-F03"], "A.5.11": "no", "A.2.14.1": "once", "A.2.14.2": "once"}


def answers() -> dict[str, int]:
    return {item.code: LOWERED.get(item.code, item.max_score) for item in get_instrument(GBT).items}


@pytest.fixture
def people(worker: Any) -> dict[str, Any]:
    assessor = make_assessor()
    elder = make_elder(worker, name="陈桂兰", id_number=id_number(dt.date(1940, 2, 2), seq=77))
    return {"worker": worker, "assessor": assessor, "elder": elder}


def book(people: dict[str, Any]) -> Assessment:
    return services.assessment_book(
        ctx=AuditContext(actor=people["worker"], via="test"),
        elder=people["elder"],
        reason="first",
        scheduled_for=timezone.localdate(),
        assessor=people["assessor"],
    )


def scored(people: dict[str, Any]) -> Assessment:
    as_assessor = AuditContext(actor=people["assessor"], via="test")
    assessment = services.assessment_save_answers(
        ctx=as_assessor, assessment=book(people), items=answers(), forms=FORMS
    )
    return services.assessment_submit(ctx=as_assessor, assessment=assessment)


@pytest.fixture
def completed(
    people: dict[str, Any], django_capture_on_commit_callbacks: Callable[..., Any]
) -> Assessment:
    as_assessor = AuditContext(actor=people["assessor"], via="test")
    assessment = services.assessment_sign(
        ctx=as_assessor, assessment=scored(people), informant_name="陈小红"
    )
    with django_capture_on_commit_callbacks(execute=True):
        assessment = services.assessment_complete(ctx=as_assessor, assessment=assessment)
    return Assessment.objects.get(pk=assessment.pk)


def entry(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    (found,) = [e for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type]
    return found


def references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


def test_bundle_validates_with_fhir_resources(completed: Assessment) -> None:
    bundle = assessment_to_fhir(completed)

    model = Bundle.model_validate(json.loads(json.dumps(bundle, ensure_ascii=False)))
    assert model.type == "collection"
    assert [e.resource.get_resource_type() for e in model.entry] == [
        "QuestionnaireResponse",
        "Observation",
    ]
    assert bundle["resourceType"] == "Bundle"
    assert assessment_to_fhir(completed) == bundle  # reproducible


def test_observation_carries_the_result(completed: Assessment) -> None:
    result = completed.result
    observation = entry(assessment_to_fhir(completed), "Observation")["resource"]

    assert observation["status"] == "final"
    assert observation["category"][0]["coding"][0]["code"] == "survey"
    assert observation["code"]["coding"][0] == {
        "system": ASSESSMENT_SYSTEM,
        "code": FINAL_LEVEL_CODE,
        "display": "老年人能力最终等级",
    }
    level = observation["valueCodeableConcept"]["coding"][0]
    assert level["code"] == str(completed.final_level) == "2"
    assert level["display"] == result["final_level_name_zh"]
    assert observation["subject"] == {
        "reference": f"Patient/{completed.elder_id}",
        "type": "Patient",
        "display": "陈桂兰",
    }
    assert observation["effectiveDateTime"] == completed.scheduled_for.isoformat()
    components = {c["code"]["coding"][0]["code"]: c for c in observation["component"]}
    assert components["gbt42195-2022-total"]["valueInteger"] == completed.total == 80
    assert (
        components["gbt42195-2022-preliminary-level"]["valueCodeableConcept"]["coding"][0]["code"]
        == "1"
    )
    for key, score in result["domains"].items():
        assert components[f"gbt42195-2022-domain-{key}"]["valueInteger"] == score
    assert [n["text"] for n in observation["note"]] == [r["text_zh"] for r in result["reasons"]]


def test_questionnaire_response_has_every_answer(completed: Assessment) -> None:
    instrument = get_instrument(GBT)
    response = entry(assessment_to_fhir(completed), "QuestionnaireResponse")["resource"]

    assert response["status"] == "completed"
    assert response["questionnaire"] == QUESTIONNAIRE
    assert response["subject"]["reference"] == f"Patient/{completed.elder_id}"
    assert response["author"]["reference"] == f"Practitioner/{completed.assessor_id}"
    assert response["source"]["display"] == "陈小红"
    assert completed.completed_at is not None
    assert dt.datetime.fromisoformat(response["authored"]) == completed.completed_at.replace(
        microsecond=0
    )
    assert len(response["item"]) == 26
    assert [i["linkId"] for i in response["item"]] == list(instrument.item_codes)
    for item in response["item"]:
        (answer,) = item["answer"]
        coding = answer["valueCoding"]
        score = completed.items[item["linkId"]]
        definition = instrument.item(item["linkId"])
        assert item["text"] == definition.title_zh
        assert coding["system"] == OPTIONS_SYSTEM
        assert coding["code"] == f"{item['linkId']}:{score}"
        assert coding["display"] == definition.options_for(score)[0].text_zh
        assert coding["extension"] == [{"url": ORDINAL_VALUE, "valueDecimal": score}]


def test_references_resolve_within_the_bundle(completed: Assessment) -> None:
    bundle = assessment_to_fhir(completed)
    full_urls = {e["fullUrl"] for e in bundle["entry"]}

    for e in bundle["entry"]:
        assert e["fullUrl"] == f"urn:uuid:{e['resource']['id']}"
    internal = [r for r in references(bundle) if r.startswith("urn:")]
    assert internal
    assert set(internal) <= full_urls
    observation = entry(bundle, "Observation")["resource"]
    assert observation["derivedFrom"] == [
        {
            "reference": entry(bundle, "QuestionnaireResponse")["fullUrl"],
            "type": "QuestionnaireResponse",
        }
    ]
    # Everything else points at the registry's own Patient and Practitioner resources.
    assert {r.split("/")[0] for r in references(bundle) if not r.startswith("urn:")} == {
        "Patient",
        "Practitioner",
    }


@pytest.mark.parametrize(
    "spoil",
    [
        lambda obs: obs["component"][0].update(valueInteger="eighty"),
        lambda obs: obs.update(valueString="2"),  # a second value[x]
        lambda obs: obs.pop("status"),
        lambda obs: obs.update(effectiveDateTime="2026-13-01"),
    ],
)
def test_validation_reaches_into_the_entries(
    completed: Assessment, spoil: Callable[[dict[str, Any]], Any]
) -> None:
    # fhir.resources checks structure, types and formats inside the entries (not the
    # required value-set bindings such as the status codes).
    bundle = copy.deepcopy(assessment_to_fhir(completed))
    spoil(entry(bundle, "Observation")["resource"])

    with pytest.raises(ValidationError):
        validate_bundle(bundle)


def test_incomplete_assessment_raises(people: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="not completed"):
        assessment_to_fhir(book(people))
    with pytest.raises(ValueError, match="not completed"):
        assessment_to_fhir(scored(people))
