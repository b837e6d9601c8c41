from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from silvercare.assistive.classification import load_classification

    load_classification(apps.get_model("assistive", "DeviceType"), apps.get_model("assistive", "WhoPriorityItem"))


class Migration(migrations.Migration):
    dependencies = [("assistive", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
