"""PostgreSQL only: sort and prefix-match elder names with the "C" collation, so the
``elder_name`` index serves both ``LIKE '王%'`` and ``ORDER BY name`` (bench/registry.py:
name-prefix search p95 2.4 s → 35 ms at 1M elders). SQLite has no "C" collation to name and
needs none. Field changes to ``name`` must re-apply this."""

from django.db import migrations


def to_c(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE elders_elder ALTER COLUMN name TYPE varchar(50) COLLATE "C"'
        )


def to_default(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE elders_elder ALTER COLUMN name TYPE varchar(50) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("elders", "0002_elder_ability_level")]
    operations = [migrations.RunPython(to_c, to_default)]
