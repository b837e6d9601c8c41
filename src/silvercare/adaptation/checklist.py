"""The home hazard checklist and the recommended items, loaded from ``data/checklist.json``
(data, not code: see its ``source`` note). Texts come in Chinese and English; ``text()``
picks the reader's language."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import get_language

DATA = Path(__file__).parent / "data" / "checklist.json"


def _english() -> bool:
    return (get_language() or "").startswith("en")


@dataclass(frozen=True)
class Area:
    code: str
    zh: str
    en: str

    @property
    def name(self) -> str:
        return self.en if _english() else self.zh


@dataclass(frozen=True)
class Question:
    code: str
    area: str
    zh: str
    en: str
    suggests: tuple[str, ...]

    @property
    def text(self) -> str:
        return self.en if _english() else self.zh


@dataclass(frozen=True)
class Recommended:
    code: str
    group: str
    basic: bool
    zh: str
    en: str
    unit_zh: str
    unit_en: str
    reference_price_fen: int

    @property
    def name(self) -> str:
        return self.en if _english() else self.zh

    @property
    def unit(self) -> str:
        return self.unit_en if _english() else self.unit_zh


@dataclass(frozen=True)
class Checklist:
    version: str
    source_en: str
    source_zh: str
    areas: tuple[Area, ...]
    questions: tuple[Question, ...]
    recommended: tuple[Recommended, ...]

    @property
    def source(self) -> str:
        return self.source_en if _english() or not self.source_zh else self.source_zh

    def question(self, code: str) -> Question | None:
        return next((q for q in self.questions if q.code == code), None)

    def item(self, code: str) -> Recommended | None:
        return next((r for r in self.recommended if r.code == code), None)

    @property
    def codes(self) -> list[str]:
        return [q.code for q in self.questions]


def parse(raw: dict[str, Any]) -> Checklist:
    """Build the checklist from its JSON; a question naming an unknown area or item, or a
    duplicate code, is a ValueError (the data test loads the shipped file)."""
    areas = tuple(Area(a["code"], a["zh"], a["en"]) for a in raw["areas"])
    recommended = tuple(
        Recommended(
            code=r["code"],
            group=r["group"],
            basic=r["class"] == "basic",
            zh=r["zh"],
            en=r["en"],
            unit_zh=r["unit_zh"],
            unit_en=r["unit_en"],
            reference_price_fen=int(r["reference_price_fen"]),
        )
        for r in raw["recommended"]
    )
    questions = tuple(
        Question(q["code"], q["area"], q["zh"], q["en"], tuple(q.get("suggests", ())))
        for q in raw["items"]
    )
    area_codes = {a.code for a in areas}
    item_codes = {r.code for r in recommended}
    for q in questions:
        if q.area not in area_codes:
            raise ValueError(f"question {q.code}: unknown area {q.area}")
        unknown = set(q.suggests) - item_codes
        if unknown:
            raise ValueError(f"question {q.code}: unknown items {sorted(unknown)}")
    for label, codes in (
        ("question", [q.code for q in questions]),
        ("item", [r.code for r in recommended]),
    ):
        if len(codes) != len(set(codes)):
            raise ValueError(f"duplicate {label} code")
    for r in recommended:
        if r.reference_price_fen < 0:
            raise ValueError(f"item {r.code}: negative price")
    return Checklist(
        str(raw["version"]),
        str(raw["source"]),
        str(raw.get("source_zh", "")),
        areas,
        questions,
        recommended,
    )


@cache
def checklist() -> Checklist:
    return parse(json.loads(DATA.read_text(encoding="utf-8")))
