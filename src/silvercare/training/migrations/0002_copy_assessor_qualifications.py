"""Assessor qualifications move from ``assessments`` into the one qualification record.

Every ``AssessorQualification`` row becomes a ``Qualification`` of kind ``assessor`` with the
same number, issuer, dates and creation time (history kept). Its area is the most specific
region of the holder's assessor grants (else any grant; else the national root of the
holder's first grant is unknown, and the row is placed in the first province found). Two rows
with the same issuer and number, which the old table allowed, keep their numbers apart with a
suffix. The reverse copies the assessor rows back."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _region_for(user_id: int, grants: Any, regions: Any) -> str | None:
    rows = list(grants.objects.filter(user_id=user_id).values_list("role", "region_id"))
    assessor = [code for role, code in rows if role == "assessor"]
    pool = assessor or [code for _role, code in rows]
    if pool:
        # The most specific grant: the longest code prefix that is not padding.
        return max(pool, key=lambda code: len(code.rstrip("0")))
    first = regions.objects.order_by("code").values_list("code", flat=True).first()
    return str(first) if first else None


def forward(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("assessments", "AssessorQualification")
    new = apps.get_model("training", "Qualification")
    grants = apps.get_model("accounts", "RoleGrant")
    regions = apps.get_model("regions", "Region")
    users = apps.get_model("accounts", "User")
    taken: set[tuple[str, str]] = set(new.objects.filter(kind="assessor").values_list("issued_by", "number"))
    for row in old.objects.order_by("created_at", "pk"):
        region = _region_for(row.user_id, grants, regions)
        if region is None:
            continue  # no region exists at all: nothing to attach the row to
        number = row.certificate_no
        suffix = 1
        while (row.issued_by, number) in taken:
            suffix += 1
            number = f"{row.certificate_no}-{suffix}"[:64]
        taken.add((row.issued_by, number))
        user = users.objects.get(pk=row.user_id)
        created = new.objects.create(
            kind="assessor",
            number=number,
            issued_by=row.issued_by,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            user_id=row.user_id,
            holder_name=(getattr(user, "display_name", "") or user.username)[:50],
            region_id=region,
            evidence=f"assessments.AssessorQualification #{row.pk}",
        )
        # Keep the original times: the history of when each certificate was recorded.
        new.objects.filter(pk=created.pk).update(created_at=row.created_at, updated_at=row.updated_at)


def backward(apps: Any, schema_editor: Any) -> None:
    old = apps.get_model("assessments", "AssessorQualification")
    new = apps.get_model("training", "Qualification")
    for row in new.objects.filter(kind="assessor", user_id__isnull=False).order_by("created_at"):
        if old.objects.filter(user_id=row.user_id, certificate_no=row.number).exists():
            continue
        copied = old.objects.create(
            user_id=row.user_id,
            certificate_no=row.number,
            issued_by=row.issued_by,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
        )
        old.objects.filter(pk=copied.pk).update(created_at=row.created_at, updated_at=row.updated_at)


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("assessments", "0003_forms_registry_fields_to_registry"),
        ("accounts", "0002_system_admin_grants_no_longer_make_superusers"),
    ]

    operations = [migrations.RunPython(forward, backward)]
