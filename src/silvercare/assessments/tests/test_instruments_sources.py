"""The instrument data, checked character for character against the design notes.

The notes (``shared/design/assessment-instruments.md``) live beside the repository, not in
it. When they cannot be found (set ``SILVERCARE_SHARED_DIR`` to point at ``shared/``) these
tests are skipped; the table-driven tests in ``test_instruments.py`` still run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from silvercare.assessments.instruments import (
    BARTHEL,
    GBT42195,
    LAWTON_IADL,
    LTC2021,
    appendix_a_section,
)
from silvercare.assessments.instruments.types import FormField

NOTES = "design/assessment-instruments.md"


def _find_notes() -> Path | None:
    here = Path(__file__).resolve()
    candidates = (
        [Path(os.environ["SILVERCARE_SHARED_DIR"]) / NOTES]
        if ("SILVERCARE_SHARED_DIR" in os.environ)
        else []
    )
    # <repo>/src/silvercare/assessments/tests/this.py: shared/ sits beside <repo> or in it.
    candidates += [here.parents[5] / "shared" / NOTES, here.parents[4] / "shared" / NOTES]
    return next((path for path in candidates if path.is_file()), None)


NOTES_PATH = _find_notes()
pytestmark = pytest.mark.skipif(NOTES_PATH is None, reason="design notes not found")


def _section(start: str, end: str) -> list[str]:
    assert NOTES_PATH is not None
    text = NOTES_PATH.read_text(encoding="utf-8")
    begin = text.index(start)
    return text[begin : text.index(end, begin)].splitlines()


def _clean(cell: str) -> str:
    """Drop the notes' markdown bold and their remarks "… (S-PY: …)", "… → …"."""
    return cell.replace("**", "").split(" (")[0].split(" → ")[0].strip()


# --- GB/T 42195 ----------------------------------------------------------------------------------

_ITEM_HEAD = re.compile(r"^\*\*(B\.\d\.\d) (.+?)\*\*: ?(.*)$")
_OPTION_ROW = re.compile(r"^\| (\d) \| (.+) \|$")


def _gbt_items_from_notes() -> dict[str, dict[str, object]]:
    common: list[tuple[int, str]] = []
    for line in _section("### 1.3", "### 1.4"):
        match = _OPTION_ROW.match(line)
        if match:
            common.append((int(match.group(1)), _clean(match.group(2))))
    items: dict[str, dict[str, object]] = {}
    current: dict[str, object] | None = None
    for line in _section("### 1.4", "### 1.8"):
        head = _ITEM_HEAD.match(line)
        if head:
            rest = re.sub(r"\s*\(?\*\*max \d\*\*\)?", "", head.group(3)).strip()
            segments = [s.strip() for s in rest.split(". ")]
            description = segments[0].split(" (")[0].rstrip(".") if segments else ""
            if description.startswith("(") or "ommon scale" in description:
                description = ""
            note = next((s.rstrip(".") for s in segments[1:] if s.startswith("注：")), "")
            current = {
                "title": head.group(2),
                "description": description,
                "note": note,
                "options": list(common) if "ommon scale" in rest else [],
            }
            items[head.group(1)] = current
            continue
        row = _OPTION_ROW.match(line)
        if row and current is not None:
            options = current["options"]
            assert isinstance(options, list)
            options.append((int(row.group(1)), _clean(row.group(2))))
    return items


def test_gbt_items_match_the_notes_verbatim() -> None:
    expected = _gbt_items_from_notes()
    assert list(expected) == list(GBT42195.item_codes)
    for code, want in expected.items():
        item = GBT42195.item(code)
        assert item.title_zh == want["title"], code
        assert item.description_zh == want["description"], code
        assert item.note_zh == want["note"], code
        got = [(option.score, option.text_zh) for option in item.options]
        assert got == want["options"], code


def test_gbt_domains_match_the_notes() -> None:
    rows = [
        line for line in _section("### 1.2", "### 1.3") if re.match(r"^\| .+ \(B\.\d\) \|", line)
    ]
    assert len(rows) == 4
    for row, domain in zip(rows, GBT42195.domains, strict=True):
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        name, ref = re.match(r"^(.+) \((B\.\d)\)$", cells[0]).groups()  # type: ignore[union-attr]
        assert (domain.name_zh, domain.source_ref) == (name, ref)
        listed = [entry.split(" ", 1) for entry in cells[1].split(", ")]
        assert [code for code, _ in listed] == list(domain.item_codes)
        assert [GBT42195.item(code).title_zh for code, _ in listed] == [t for _, t in listed]
        assert int(cells[2]) == len(domain.item_codes)
        assert int(cells[3].replace("**", "").split()[0]) == GBT42195.domain_max(domain.code)


def test_gbt_levels_match_the_notes() -> None:
    rows = []
    for line in _section("### 1.8", "### 1.9"):
        match = re.match(r"^\| (\d) \| (.+?) \| (\d+)(?:–(\d+))? \|$", line)
        if match:
            low = int(match.group(3))
            high = int(match.group(4)) if match.group(4) else low
            rows.append((int(match.group(1)), match.group(2), low, high))
    got = [(lv.level, lv.name_zh, lv.min_total, lv.max_total) for lv in GBT42195.levels]
    assert got == rows


# --- LTC 2021 ------------------------------------------------------------------------------------


def test_ltc_items_match_the_notes_verbatim() -> None:
    lines = _section("### 3.2", "### 3.3")
    expected: list[tuple[str, list[tuple[int, str]]]] = []
    for line in lines:
        if not line.startswith("| ") or line.startswith(("| Item", "|---")):
            continue
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        if len(cells) == 2:  # C1: "1 进食 | 0 …; 5 …; 10 …"
            title = cells[0].split(" ", 1)[1]
            options = [option.split(" ", 1) for option in cells[1].split("; ")]
            expected.append((title, [(int(score), text) for score, text in options]))
        elif len(cells) == 6:  # C2/C3: "时间定向 | 0 | 1 | 2 | 3 | 4"
            expected.append((cells[0], list(enumerate(cells[1:]))))
    got = [
        (item.title_zh, [(option.score, option.text_zh) for option in item.options])
        for item in LTC2021.items
    ]
    assert got == expected


# --- Barthel and Lawton --------------------------------------------------------------------------


def test_barthel_scores_match_the_notes() -> None:
    rows = [line for line in _section("### 4.1", "### 4.2") if re.match(r"^\| [A-Z][a-z]", line)]
    rows = [row for row in rows if not row.startswith("| Item")]
    assert len(rows) == len(BARTHEL.items)
    for row, item in zip(rows, BARTHEL.items, strict=True):
        cells = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert cells[0].endswith(" " + item.title_zh) or cells[0].endswith(item.title_zh)
        scores = [int(part.split(" ", 1)[0]) for part in cells[1].split(" / ")]
        assert scores == [option.score for option in item.options]
        assert [int(s) for s in cells[2].split("/")] == [s // 5 for s in scores]


def test_lawton_options_match_the_notes() -> None:
    rows = [line for line in _section("## 5.", "## 6.") if re.match(r"^\| [A-H]\. ", line)]
    assert len(rows) == len(LAWTON_IADL.items)
    for row, item in zip(rows, LAWTON_IADL.items, strict=True):
        title, options = [cell.strip() for cell in row.strip("|").split(" | ")]
        assert title[3:] == item.title_en
        parsed = re.findall(r"(.+?) → (\d)(?:; |$)", options)
        got = [(option.text_en, option.score) for option in item.options]
        assert got == [(text, int(score)) for text, score in parsed]


# --- Appendix A ----------------------------------------------------------------------------------


def _option_labels(form_field: FormField) -> list[str]:
    return [f"{o.group_zh}：{o.label_zh}" if o.group_zh else o.label_zh for o in form_field.options]


def test_appendix_a_tables_match_the_notes() -> None:
    lines = _section("### 1.11", "### 1.12")
    checked = 0
    for line in lines:
        match = re.match(r"^\| (A\.[25]\.\d+) \| (.+?) \| (.+) \|$", line)
        if not match:
            continue
        code, label, options = match.groups()
        section = appendix_a_section(code[:3])
        form_field = section.field(code)
        assert label.replace("**", "").startswith(form_field.label_zh), code
        if form_field.options and code not in ("A.5.2", "A.5.6"):
            listed = [_clean(o) for o in options.split(" / ")]
            # Remarks such as "(S-GO also has 其他)" follow the last option.
            assert _option_labels(form_field) == listed, code
        checked += 1
    assert checked == 26  # A.2.1–A.2.14 and A.5.1–A.5.12


def test_appendix_a_lists_match_the_notes() -> None:
    lines = _section("### 1.11", "### 1.12")
    text = "\n".join(lines)
    reason = re.search(r"A\.1\.3 评估原因: (.+)", text)
    relation = re.search(r"A\.3\.2 信息提供者与老年人的关系: (.+)", text)
    assert reason is not None
    assert relation is not None
    assert _option_labels(appendix_a_section("A.1").field("A.1.3")) == reason.group(1).split(" / ")
    assert _option_labels(appendix_a_section("A.3").field("A.3.2")) == relation.group(1).split(
        " / "
    )
    diagnoses = re.search(r"22 coded entries, plus 其他:\n\s+(.+)", text)
    assert diagnoses is not None
    entries = [entry.split(" (")[0] for entry in diagnoses.group(1).split("; ")]
    options = appendix_a_section("A.4").field("A.4.1").options
    # The notes print "骨折（3个月内）M84" but "痴呆 F00～F03": compare without spaces.
    assert [f"{o.label_zh}{o.icd10 or ''}" for o in options] == [
        entry.replace("**", "").replace(" ", "") for entry in entries
    ]
