"""The classification as data: ``data/classification.csv`` (ISO 9999 / GB/T 16432 classes,
subclasses and divisions with the national catalogue 2023 numbers), ``data/who_priority.csv``
(the WHO Priority Assistive Products List) and ``data/attributes.json`` (typed specifications
per type). Loaded by migration 0002 and by ``silvercare assistive-load-classification``."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def attribute_table() -> dict[str, list[dict[str, Any]]]:
    table: dict[str, list[dict[str, Any]]] = json.loads(
        (DATA / "attributes.json").read_text(encoding="utf-8")
    )
    return {k: v for k, v in table.items() if not k.startswith("_")}


def attribute_schema_for(code: str) -> list[dict[str, Any]]:
    """The specification schema of the longest code prefix with an entry ("" = default)."""
    table = attribute_table()
    best = max((key for key in table if code.startswith(key)), key=len, default="")
    return list(table.get(best, []))


def level_of(code: str) -> str:
    return {1: "class", 2: "subclass", 3: "division"}[len(code.split())]


def load_classification(device_type_model: Any = None, who_model: Any = None) -> dict[str, int]:
    """Create or update every row; idempotent. Returns counts."""
    if device_type_model is None or who_model is None:
        from silvercare.assistive.models import DeviceType, WhoPriorityItem

        device_type_model, who_model = DeviceType, WhoPriorityItem
    rows = sorted(_rows("classification.csv"), key=lambda r: r["iso_code"])
    who = _rows("who_priority.csv")
    who_codes = {r["iso_code"] for r in who}
    by_code: dict[str, Any] = {}
    for row in rows:
        code = row["iso_code"].strip()
        parts = code.split()
        parent = by_code.get(" ".join(parts[:-1])) if len(parts) > 1 else None
        note = "" if row["code_certain"] == "1" else "code to verify against GB/T 16432"
        obj, _ = device_type_model.objects.update_or_create(
            code=code,
            defaults={
                "iso_class": parts[0],
                "iso_subclass": parts[1] if len(parts) > 1 else "",
                "iso_division": parts[2] if len(parts) > 2 else "",
                "level": level_of(code),
                "parent": parent,
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "national_code": row["national_code"],
                "province_basic": row["province_basic"] == "1",
                "who_priority": code in who_codes,
                "attribute_schema": attribute_schema_for(code) if len(parts) == 3 else [],
                "note": note,
            },
        )
        by_code[code] = obj
    for row in who:
        who_model.objects.update_or_create(
            number=int(row["number"]),
            defaults={
                "name_en": row["name_en"],
                "name_zh": row["name_zh"],
                "iso_code": row["iso_code"],
                "mapping_certain": row["mapping_certain"] == "1",
                "device_type": by_code.get(row["iso_code"]),
            },
        )
    return {"device_types": len(rows), "who_priority": len(who)}
