"""The seeds' workforce targets, as data (editable in the back office): Guangdong 15,000
trained elderly-care practitioners, Shanghai 5,000 assistive-technology consultants."""

from __future__ import annotations

from typing import Any

from django.db import migrations

TARGETS = [
    {
        "region_code": "440000000000",
        "name": "广东省养老服务人员培训",
        "kinds": ["caregiver", "nurse", "rehab_therapist", "assessor", "at_consultant"],
        "target": 15000,
        "year": 2027,
        "source": "广东省政策目标：到2027年培训养老服务从业人员1.5万人",
    },
    {
        "region_code": "310000000000",
        "name": "上海市康复辅助器具适配咨询师",
        "kinds": ["at_consultant"],
        "target": 5000,
        "year": 2027,
        "source": "上海市政策目标：培养康复辅助器具适配咨询师5000名",
    },
]


def forward(apps: Any, schema_editor: Any) -> None:
    target = apps.get_model("training", "WorkforceTarget")
    for row in TARGETS:
        target.objects.get_or_create(region_code=row["region_code"], name=row["name"], defaults=row)


def backward(apps: Any, schema_editor: Any) -> None:
    target = apps.get_model("training", "WorkforceTarget")
    for row in TARGETS:
        target.objects.filter(region_code=row["region_code"], name=row["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [("training", "0002_copy_assessor_qualifications")]

    operations = [migrations.RunPython(forward, backward)]
