"""Load the statistical classification and the report forms shipped in ``industry/data``
(see ``industry/data/SOURCE.md``). Re-running is harmless (``update_or_create``)."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    category = apps.get_model("industry", "IndustryCategory")
    rows = json.loads((DATA / "categories.json").read_text(encoding="utf-8"))
    for row in sorted(rows, key=lambda r: r["level"]):
        category.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": row["level"], "parent_id": row["parent"]},
        )
    form = apps.get_model("industry", "ReportForm")
    for spec in json.loads((DATA / "forms.json").read_text(encoding="utf-8")):
        form.objects.update_or_create(
            code=spec["code"],
            defaults={key: value for key, value in spec.items() if key != "code"},
        )


def unload(apps, schema_editor):
    apps.get_model("industry", "ReportForm").objects.filter(periods__isnull=True).delete()
    category = apps.get_model("industry", "IndustryCategory")
    for level in (3, 2, 1):
        category.objects.filter(level=level, enterprises__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("industry", "0002_reports_projects")]

    operations = [migrations.RunPython(load, unload)]
