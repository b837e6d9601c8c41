"""The elder spreadsheet format: template, reading with row-level errors, and export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook

from silvercare.common.errors import FieldError
from silvercare.common.spreadsheets import Sheet, xlsx_bytes
from silvercare.elders import error_codes as codes
from silvercare.elders.choices import HukouType, LivingSituation, Relationship, Sex
from silvercare.elders.validation import REQUIRED_CHOICES


@dataclass(frozen=True)
class Column:
    key: str
    header_zh: str
    header_en: str
    required: bool = False


YES = {"是", "yes", "y", "true", "1", "√", "✓"}
NO = {"否", "no", "n", "false", "0", ""}

COLUMNS = [
    Column("name", "姓名", "Name", True),
    Column("id_number", "身份证号", "ID number", True),
    Column("region_code", "社区代码", "Community code", True),
    Column("phone", "联系电话", "Phone"),
    Column("address", "住址", "Address"),
    Column("birth_date", "出生日期", "Birth date"),
    Column("sex", "性别", "Sex"),
    Column("hukou_type", "户籍类型", "Hukou type"),
    Column("living_situation", "居住情况", "Living situation"),
    Column("disabled", "失能或残疾", "Disabled"),
    Column("empty_nest", "空巢", "Empty nest"),
    Column("econ_difficult", "经济困难或特困", "Economically difficult"),
    Column("special_fp_family", "计划生育特殊家庭", "Special family-planning family"),
    Column("rural_left_behind", "农村留守", "Rural left-behind"),
    Column("latitude", "纬度", "Latitude"),
    Column("longitude", "经度", "Longitude"),
    Column("contact_name", "紧急联系人", "Emergency contact"),
    Column("contact_relationship", "联系人关系", "Contact relationship"),
    Column("contact_phone", "联系人电话", "Contact phone"),
]
CATEGORY_COLUMNS = [
    "disabled",
    "empty_nest",
    "econ_difficult",
    "special_fp_family",
    "rural_left_behind",
]

# Spreadsheet cells may hold the Chinese label, the English label or the code.
HUKOU_WORDS = {
    "本地城镇": HukouType.LOCAL_URBAN,
    "本地农村": HukouType.LOCAL_RURAL,
    "外地": HukouType.NON_LOCAL,
}
LIVING_WORDS = {
    "独居": LivingSituation.ALONE,
    "仅与配偶": LivingSituation.SPOUSE,
    "与配偶": LivingSituation.SPOUSE,
    "与子女": LivingSituation.CHILDREN,
    "与其他亲属或照护者": LivingSituation.OTHERS,
    "养老机构": LivingSituation.INSTITUTION,
}
SEX_WORDS = {
    "男": Sex.MALE,
    "女": Sex.FEMALE,
    "m": Sex.MALE,
    "f": Sex.FEMALE,
    "male": Sex.MALE,
    "female": Sex.FEMALE,
}
RELATIONSHIP_WORDS = {
    "配偶": "spouse",
    "子女": "child",
    "儿子": "child",
    "女儿": "child",
    "孙子女": "grandchild",
    "兄弟姐妹": "sibling",
    "其他亲属": "other_relative",
    "邻居": "neighbour",
    "照护者": "carer",
    "社区工作者": "community",
    "其他": "other",
}


@dataclass
class RowProblem:
    row: int
    column: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


def header_for(key: str) -> str:
    return next(c.header_zh for c in COLUMNS if c.key == key)


def template_bytes() -> bytes:
    allowed = {
        "hukou_type": " / ".join(HUKOU_WORDS),
        "living_situation": " / ".join(LIVING_WORDS),
        "sex": "男 / 女",
        "contact_relationship": " / ".join(RELATIONSHIP_WORDS),
        **dict.fromkeys(CATEGORY_COLUMNS, "是 / 否"),
        "birth_date": "YYYY-MM-DD（可空，填写则须与身份证一致）",
        "region_code": "12位社区代码",
    }
    examples = {
        "name": "张三",
        "id_number": "11010519491231002X",
        "region_code": "440304001001",
        "phone": "13800138000",
        "hukou_type": "本地城镇",
        "living_situation": "独居",
        "empty_nest": "是",
        "contact_name": "张小明",
        "contact_relationship": "子女",
        "contact_phone": "13900139000",
    }
    notes: list[list[str]] = [
        ["第一张表每行一位老年人，表头勿改。", "One elder per row; keep the header row."],
        [],
        ["列 Column", "必填 Required", "可填写 Allowed values", "示例 Example"],
    ]
    for c in COLUMNS:
        notes.append(
            [
                f"{c.header_zh} {c.header_en}",
                "是" if c.required or c.key in REQUIRED_CHOICES else "",
                allowed.get(c.key, ""),
                examples.get(c.key, ""),
            ]
        )
    return xlsx_bytes(
        [Sheet(_("Elders"), [[c.header_zh for c in COLUMNS]]), Sheet(_("Notes"), notes)]
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def _choice(raw: str, words: Mapping[str, str], codes_allowed: list[str]) -> str | None:
    if raw in words:
        return words[raw]
    if raw.lower() in words:
        return words[raw.lower()]
    if raw in codes_allowed:
        return raw
    return None


def _file_problem(message: str) -> list[RowProblem]:
    return [RowProblem(1, "", codes.FILE_INVALID, message)]


def read_rows(
    fileobj: IO[bytes], *, max_rows: int | None = None
) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    """Read the first sheet into (row number, {key: text}) pairs. Structural problems (not
    an xlsx, damaged, no sheet, missing required headers, more than ``max_rows`` rows) come
    back as problems on row 1 and no rows. The XML is parsed by defusedxml (openpyxl uses it
    when it is installed, and it is a dependency), so entity declarations are refused."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception:
        return [], _file_problem(_("This file is not an .xlsx spreadsheet."))
    try:
        return _read_sheet(wb, max_rows)
    except Exception:
        # Read-only workbooks parse lazily: a truncated or malformed sheet (or one whose
        # XML declares entities) fails here, not in load_workbook.
        return [], _file_problem(
            _("The spreadsheet is damaged or uses features that cannot be read; save it again.")
        )
    finally:
        wb.close()


def _read_sheet(
    wb: Any, max_rows: int | None
) -> tuple[list[tuple[int, dict[str, str]]], list[RowProblem]]:
    if not wb.worksheets:
        return [], _file_problem(_("The spreadsheet has no sheet."))
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_header = {c.header_zh: c.key for c in COLUMNS} | {
        c.header_en.lower(): c.key for c in COLUMNS
    }
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        text = _cell_text(cell)
        key = by_header.get(text) or by_header.get(text.lower())
        if key and key not in positions:
            positions[key] = index
    missing = [c for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        return [], [
            RowProblem(
                1,
                c.header_zh,
                codes.HEADER_MISSING,
                _("The column “%(col)s” is missing.") % {"col": c.header_zh},
            )
            for c in missing
        ]
    out: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=2):
        values = {
            key: _cell_text(row[pos]) if pos < len(row) else "" for key, pos in positions.items()
        }
        if any(values.values()):
            if max_rows is not None and len(out) >= max_rows:
                return [], [
                    RowProblem(
                        1,
                        "",
                        codes.TOO_MANY_ROWS,
                        _(
                            "The file has more than %(max)d rows. Split it into files of at "
                            "most %(max)d rows each."
                        )
                        % {"max": max_rows},
                    )
                ]
            out.append((number, values))
    return out, []


def row_to_values(row: dict[str, str]) -> tuple[dict[str, Any], list[FieldError]]:
    """Turn spreadsheet text into the values the registry validator takes."""
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        "name": row.get("name", ""),
        "id_number": row.get("id_number", ""),
        "region_code": row.get("region_code", ""),
        "phone": row.get("phone", ""),
        "address": row.get("address", ""),
        "latitude": row.get("latitude") or None,
        "longitude": row.get("longitude") or None,
    }
    for key, words, enum in (
        ("hukou_type", HUKOU_WORDS, HukouType),
        ("living_situation", LIVING_WORDS, LivingSituation),
    ):
        raw = row.get(key, "")
        if raw:
            choice = _choice(raw, words, list(enum.values))
            if choice is None:
                errors.append(
                    FieldError(
                        key,
                        codes.CHOICE_INVALID,
                        _("“%(value)s” is not one of: %(allowed)s")
                        % {"value": raw, "allowed": " / ".join(words)},
                    )
                )
            values[key] = choice
    if row.get("sex"):
        sex = _choice(row["sex"], SEX_WORDS, list(Sex.values))
        if sex is None:
            errors.append(FieldError("sex", codes.CHOICE_INVALID, _("Sex is 男 or 女.")))
        values["claimed_sex"] = sex
    if row.get("birth_date"):
        try:
            values["claimed_birth_date"] = dt.date.fromisoformat(row["birth_date"][:10])
        except ValueError:
            errors.append(
                FieldError("birth_date", codes.DATE_INVALID, _("Write dates as YYYY-MM-DD."))
            )
    categories = set()
    for key in CATEGORY_COLUMNS:
        raw = row.get(key, "").lower()
        if raw in YES:
            categories.add(key)
        elif raw not in NO:
            errors.append(FieldError(key, codes.BOOLEAN_INVALID, _("Write 是 or 否.")))
    values["categories"] = categories
    if any(row.get(k) for k in ("contact_name", "contact_relationship", "contact_phone")):
        rel_raw = row.get("contact_relationship", "")
        values["contact"] = {
            "name": row.get("contact_name", ""),
            "relationship": _choice(rel_raw, RELATIONSHIP_WORDS, list(Relationship.values))
            or rel_raw,
            "phone": row.get("contact_phone", ""),
            "priority": 1,
            "can_receive_alerts": True,
        }
    return values, errors


EXPORT_COLUMNS = [
    "name",
    "id_number",
    "sex",
    "birth_date",
    "age",
    "phone",
    "address",
    "region_code",
    "region_name",
    "hukou_type",
    "living_situation",
    "categories",
    "status",
]
EXPORT_HEADERS_ZH = [
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "年龄",
    "联系电话",
    "住址",
    "社区代码",
    "社区",
    "户籍类型",
    "居住情况",
    "类别",
    "状态",
]


def export_bytes(rows: list[list[Any]]) -> bytes:
    return xlsx_bytes([Sheet(_("Elders"), [EXPORT_HEADERS_ZH, *rows])])
