"""Turn instrument data and stored answers into what the tablet form and pages show."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

from silvercare.assessments.forms_data import FIELDS
from silvercare.assessments.instruments import (
    APPENDIX_A,
    FieldKind,
    FormField,
    get_instrument,
)
from silvercare.assessments.models import Assessment

GBT = "gbt42195-2022"


def english() -> bool:
    return (get_language() or "").startswith("en")


def steps_for(assessment: Assessment) -> list[dict[str, str]]:
    instrument = get_instrument(assessment.instrument)
    steps = (
        [{"code": "A", "title": "附录A 基本信息" if not english() else "Appendix A"}]
        if assessment.instrument == GBT
        else []
    )
    if instrument.domains:
        steps += [
            {"code": d.code, "title": d.name_en if english() else d.name_zh}
            for d in instrument.domains
        ]
    else:
        steps.append(
            {"code": "items", "title": instrument.name_en if english() else instrument.name_zh}
        )
    return steps


def item_blocks(assessment: Assessment, step: str, errors: dict[str, str]) -> list[dict[str, Any]]:
    instrument = get_instrument(assessment.instrument)
    codes = instrument.domain(step).item_codes if instrument.domains else instrument.item_codes
    blocks = []
    for code in codes:
        item = instrument.item(code)
        chosen = assessment.items.get(code)
        blocks.append(
            {
                "code": code,
                "title": item.title_zh,
                "title_en": item.title_en,
                "description": item.description_zh,
                "note": item.note_zh,
                "error": errors.get(code),
                "options": [
                    {
                        "score": o.score,
                        "text": o.text_zh,
                        "text_en": o.text_en,
                        "checked": chosen == o.score,
                    }
                    for o in sorted(item.options, key=lambda o: -o.score)
                ],
            }
        )
    return blocks


def _field_view(field: FormField, forms: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    value = forms.get(field.code)
    view: dict[str, Any] = {
        "code": field.code,
        "name": field.code,
        "kind": str(field.kind),
        "label": field.label_en if english() else field.label_zh,
        "unit": field.unit,
        "error": errors.get(field.code),
        "value": value if value is not None else "",
        "dom_id": "f-" + field.code.replace(".", "-"),
    }
    if field.kind in (FieldKind.SINGLE_CHOICE, FieldKind.MULTI_CHOICE):
        selected = value if isinstance(value, list) else [value]
        view["options"] = [
            {
                "value": o.value,
                "label": o.label_en if english() else o.label_zh,
                "checked": o.value in selected,
                "icd10": o.icd10 or "",
            }
            for o in field.options
        ]
    if field.kind == FieldKind.GROUP:
        view["children"] = [_field_view(child, forms, errors) for child in field.children]
    if field.kind == FieldKind.TABLE:
        rows = list(value or []) + [{} for _ in range(3)]
        view["columns"] = [
            {"code": c.code, "label": c.label_en if english() else c.label_zh}
            for c in field.children
        ]
        view["rows"] = [
            [
                {
                    "code": c.code,
                    "label": c.label_en if english() else c.label_zh,
                    "value": row.get(c.code, ""),
                    "name": f"{field.code}[{i}]{c.code}",
                }
                for c in field.children
            ]
            for i, row in enumerate(rows[: max(3, len(value or []) + 1)])
        ]
    return view


def appendix_sections(assessment: Assessment, errors: dict[str, str]) -> list[dict[str, Any]]:
    forms = assessment.forms
    return [
        {
            "code": s.code,
            "title": s.title_en if english() else s.title_zh,
            "fields": [_field_view(f, forms, errors) for f in s.fields],
        }
        for s in APPENDIX_A
    ]


def parse_appendix_post(post: Any) -> dict[str, Any]:
    """Read the appendix A step's POST into {field code: value} (empty = clear)."""
    values: dict[str, Any] = {}
    for code, field in FIELDS.items():
        if field.kind == FieldKind.GROUP:
            continue
        if field.kind == FieldKind.MULTI_CHOICE:
            values[code] = post.getlist(code)
        elif field.kind == FieldKind.TABLE:
            rows: dict[int, dict[str, str]] = {}
            bad_index = False
            prefix = f"{code}["
            for key in post:
                if key.startswith(prefix):
                    index, _, column = key[len(prefix) :].partition("]")
                    if not (index.isascii() and index.isdigit() and len(index) <= 3):
                        bad_index = True  # "A.4.2[²]…": refused below, never int()-ed
                    elif post.get(key, "").strip():
                        rows.setdefault(int(index), {})[column] = post[key].strip()
            # A malformed row index makes the table invalid (the service names the field).
            values[code] = {"invalid": True} if bad_index else [rows[i] for i in sorted(rows)]
        else:
            values[code] = post.get(code, "")
    icd = [c.strip() for c in post.get("A.4.1.icd10", "").replace("，", ",").split(",")]
    values["A.4.1.icd10"] = [c for c in icd if c]
    values["A.4.1.psychiatrist"] = post.get("A.4.1.psychiatrist") == "on"
    return values


def domain_rows(assessment: Assessment) -> list[dict[str, Any]]:
    instrument = get_instrument(assessment.instrument)
    domains = assessment.result.get("domains", {})
    return [
        {
            "code": d.code,
            "name": d.name_en if english() else d.name_zh,
            "score": domains.get(d.code),
            "max": instrument.domain_max(d.code),
            "answered": sum(1 for c in d.item_codes if c in assessment.items),
            "items": len(d.item_codes),
        }
        for d in instrument.domains
    ]
