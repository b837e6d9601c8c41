"""Writes to the region tree."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.regions.choices import PREFIX_LENGTH
from silvercare.regions.models import Region

DIVISIONS_CSV = Path(__file__).parent / "data" / "divisions.csv"


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    level: int
    parent_code: str | None
    latitude: float | None = None
    longitude: float | None = None


def _check_row(row: RegionRow, known: set[str]) -> None:
    errors: list[FieldError] = []
    if len(row.code) != 12 or not row.code.isdigit():
        errors.append(FieldError("code", "invalid_code", "A region code has 12 digits."))
    if row.level not in PREFIX_LENGTH:
        errors.append(FieldError("level", "invalid_level", "Level is 1 to 5."))
    elif row.code[PREFIX_LENGTH[row.level] :].strip("0"):
        errors.append(FieldError("code", "code_level_mismatch", "Code does not fit its level."))
    if row.parent_code is not None:
        if row.parent_code not in known:
            errors.append(FieldError("parent_code", "unknown_parent", "Unknown parent region."))
        elif not row.code.startswith(row.parent_code[: PREFIX_LENGTH.get(row.level - 1, 0)]):
            errors.append(FieldError("parent_code", "parent_mismatch", "Not inside the parent."))
    elif row.level != 1:
        errors.append(FieldError("parent_code", "parent_required", "Only provinces lack a parent."))
    if errors:
        raise ValidationFailed(errors)


def regions_upsert(*, rows: list[RegionRow], is_demo: bool = False) -> int:
    """Create or update regions (parents before children). Returns how many were written."""
    with transaction.atomic():
        known = set(Region.objects.values_list("code", flat=True))
        existing = Region.objects.in_bulk([r.code for r in rows])
        to_create: list[Region] = []
        to_update: list[Region] = []
        for row in sorted(rows, key=lambda r: (r.level, r.code)):
            _check_row(row, known)
            known.add(row.code)
            region = existing.get(row.code)
            if region is None:
                to_create.append(
                    Region(
                        code=row.code,
                        name=row.name,
                        level=row.level,
                        parent_id=row.parent_code,
                        latitude=row.latitude,
                        longitude=row.longitude,
                        is_demo=is_demo,
                    )
                )
            else:
                region.name, region.level, region.parent_id = row.name, row.level, row.parent_code
                if row.latitude is not None:
                    region.latitude, region.longitude = row.latitude, row.longitude
                to_update.append(region)
        Region.objects.bulk_create(to_create, batch_size=500)
        Region.objects.bulk_update(
            to_update, ["name", "level", "parent", "latitude", "longitude"], batch_size=500
        )
    return len(to_create) + len(to_update)


def regions_load_divisions() -> int:
    """Load the shipped real divisions (Guangdong and Shanghai, province to county)."""
    with DIVISIONS_CSV.open(encoding="utf-8") as fh:
        rows = [
            RegionRow(
                code=r["code"],
                name=r["name"],
                level=int(r["level"]),
                parent_code=r["parent_code"] or None,
            )
            for r in csv.DictReader(fh)
        ]
    if not rows:
        raise DomainError(code="no_divisions", message="The divisions file is empty.")
    return regions_upsert(rows=rows)
