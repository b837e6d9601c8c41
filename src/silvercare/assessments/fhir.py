"""A completed GB/T 42195-2022 assessment as a FHIR R4 ``Bundle`` (validated as R4B).

:func:`assessment_to_fhir` returns a ``collection`` Bundle with two entries:

* a ``QuestionnaireResponse`` of the questionnaire
  ``https://silvercare.invalid/fhir/Questionnaire/gbt42195-2022``: one item per answered
  item code (``linkId`` = item code, ``text`` = the item's Chinese title), answered with a
  ``valueCoding`` from the local options CodeSystem (code ``"<item>:<score>"``, display the
  option's Chinese text) that carries the score in the core ``ordinalValue`` extension;
* an ``Observation`` (category ``survey``) of the final level (C.5) with components for the
  total (C.2), the preliminary level (C.3) and the four domain scores (C.1), ``derivedFrom``
  the QuestionnaireResponse, and the C.4 reasons as notes.

Entries have ``urn:uuid:`` full URLs derived from the assessment id, so the same assessment
always gives the same Bundle. The elder and the assessors are referenced as ``Patient/<id>``
and ``Practitioner/<id>`` with a display name; they are not part of the Bundle.

fhir.resources 8.x has no R4 (4.0.1) package: its root package is R5 and ``fhir.resources.R4B``
is FHIR 4.3.0. The resources used here have the same R4 and R4B structure, so the Bundle is
validated with the R4B models.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.utils import timezone

from silvercare.assessments.choices import Status
from silvercare.assessments.instruments import get_instrument
from silvercare.assessments.models import Assessment
from silvercare.assessments.report import base_date

GBT = "gbt42195-2022"
BASE = "https://silvercare.invalid/fhir"
QUESTIONNAIRE = f"{BASE}/Questionnaire/gbt42195-2022"
OPTIONS_SYSTEM = f"{BASE}/CodeSystem/gbt42195-2022-options"
ASSESSMENT_SYSTEM = f"{BASE}/CodeSystem/assessment"
LEVEL_SYSTEM = f"{BASE}/CodeSystem/gbt42195-2022-level"
NUMBER_SYSTEM = f"{BASE}/NamingSystem/assessment-number"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

FINAL_LEVEL_CODE = "gbt42195-2022-final-level"
DOMAIN_LABELS = {
    "self_care": "自理能力得分",
    "basic_motor": "基础运动能力得分",
    "mental": "精神状态得分",
    "perception_social": "感知觉与社会参与得分",
}


def _instant(moment: dt.datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _uuid(assessment: Assessment, kind: str) -> str:
    return str(uuid.uuid5(assessment.id, kind))


def _code(code: str, display: str) -> dict[str, Any]:
    return {
        "coding": [{"system": ASSESSMENT_SYSTEM, "code": code, "display": display}],
        "text": display,
    }


def _level(level: int, name_zh: str) -> dict[str, Any]:
    return {
        "coding": [{"system": LEVEL_SYSTEM, "code": str(level), "display": name_zh}],
        "text": f"{level}级 {name_zh}",
    }


def _practitioner(user: Any) -> dict[str, Any]:
    return {"reference": f"Practitioner/{user.pk}", "type": "Practitioner", "display": str(user)}


def _questionnaire_response(
    assessment: Assessment, subject: dict[str, Any], authored: str
) -> dict[str, Any]:
    instrument = get_instrument(assessment.instrument)
    items = []
    for item in instrument.items:
        score = assessment.items.get(item.code)
        if not isinstance(score, int):
            continue
        option = item.options_for(score)[0]
        items.append(
            {
                "linkId": item.code,
                "text": item.title_zh,
                "answer": [
                    {
                        "valueCoding": {
                            "extension": [{"url": ORDINAL_VALUE, "valueDecimal": score}],
                            "system": OPTIONS_SYSTEM,
                            "code": f"{item.code}:{score}",
                            "display": option.text_zh,
                        },
                    }
                ],
            }
        )
    response: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": _uuid(assessment, "QuestionnaireResponse"),
        "identifier": {"system": NUMBER_SYSTEM, "value": assessment.number},
        "questionnaire": QUESTIONNAIRE,
        "status": "completed",
        "subject": subject,
        "authored": authored,
        "author": _practitioner(assessment.assessor),
        "item": items,
    }
    if assessment.informant_name:
        response["source"] = {"type": "RelatedPerson", "display": assessment.informant_name}
    return response


def _observation(
    assessment: Assessment, subject: dict[str, Any], issued: str, response_url: str
) -> dict[str, Any]:
    result: dict[str, Any] = assessment.result
    components: list[dict[str, Any]] = [
        {"code": _code("gbt42195-2022-total", "老年人能力总得分"), "valueInteger": result["total"]},
        {
            "code": _code("gbt42195-2022-preliminary-level", "老年人能力初步等级"),
            "valueCodeableConcept": _level(
                result["preliminary_level"], result["preliminary_level_name_zh"]
            ),
        },
    ]
    domains: dict[str, int] = result.get("domains", {})
    for key, label in DOMAIN_LABELS.items():
        if key in domains:
            components.append(
                {"code": _code(f"gbt42195-2022-domain-{key}", label), "valueInteger": domains[key]}
            )
    performers = [_practitioner(assessment.assessor)]
    if assessment.second_assessor is not None:
        performers.append(_practitioner(assessment.second_assessor))
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "id": _uuid(assessment, "Observation"),
        "identifier": [{"system": NUMBER_SYSTEM, "value": assessment.number}],
        "status": "final",
        "category": [
            {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey"}]}
        ],
        "code": _code(FINAL_LEVEL_CODE, "老年人能力最终等级"),
        "subject": subject,
        "effectiveDateTime": base_date(assessment).isoformat(),
        "issued": issued,
        "performer": performers,
        "valueCodeableConcept": _level(result["final_level"], result["final_level_name_zh"]),
        "derivedFrom": [{"reference": response_url, "type": "QuestionnaireResponse"}],
        "component": components,
    }
    notes = [reason["text_zh"] for reason in result.get("reasons", []) if reason.get("text_zh")]
    if notes:
        observation["note"] = [{"text": text} for text in notes]
    return observation


def validate_bundle(bundle: dict[str, Any]) -> None:
    """Validate with the fhir.resources R4B models; raises ``pydantic.ValidationError``."""
    from fhir.resources.R4B.bundle import Bundle

    Bundle.model_validate(bundle)


def assessment_to_fhir(assessment: Assessment) -> dict[str, Any]:
    """The completed assessment as a FHIR Bundle (JSON-ready dict, validated).

    Raises:
        ValueError: the assessment is not completed or does not use GB/T 42195-2022.
    """
    if assessment.instrument != GBT:
        raise ValueError(f"assessment {assessment.number} does not use {GBT}")
    if (
        assessment.status != Status.COMPLETED
        or assessment.completed_at is None
        or not assessment.result
    ):
        raise ValueError(
            f"assessment {assessment.number} is not completed (status {assessment.status})"
        )
    elder = assessment.elder
    subject = {"reference": f"Patient/{elder.pk}", "type": "Patient", "display": elder.name}
    completed = _instant(assessment.completed_at)
    response_url = f"urn:uuid:{_uuid(assessment, 'QuestionnaireResponse')}"
    observation_url = f"urn:uuid:{_uuid(assessment, 'Observation')}"
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "id": _uuid(assessment, "Bundle"),
        "identifier": {"system": NUMBER_SYSTEM, "value": assessment.number},
        "type": "collection",
        "timestamp": completed,
        "entry": [
            {
                "fullUrl": response_url,
                "resource": _questionnaire_response(assessment, subject, completed),
            },
            {
                "fullUrl": observation_url,
                "resource": _observation(assessment, subject, completed, response_url),
            },
        ],
    }
    validate_bundle(bundle)
    return bundle
