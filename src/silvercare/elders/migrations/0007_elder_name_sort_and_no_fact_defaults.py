"""Names sort by pinyin (ADR 0007): the ``name_sort`` column, indexed alone and per community,
replaces ``(region, name)``; on PostgreSQL it uses the "C" collation so its order is the
code-point order SQLite uses. 0008 fills it for existing rows.

Hukou type and living situation lose their defaults: they are chosen on every entry (issue 8).
"""

from django.conf import settings
from django.db import migrations, models


def name_sort_to_c(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE elders_elder ALTER COLUMN name_sort TYPE varchar(500) COLLATE "C"'
        )


class Migration(migrations.Migration):
    dependencies = [
        ("elders", "0006_importbatch_checking"),
        ("regions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="elder",
            options={
                "ordering": ["name_sort", "id"],
                "verbose_name": "elder",
                "verbose_name_plural": "elders",
            },
        ),
        migrations.RemoveIndex(
            model_name="elder",
            name="elder_region_name",
        ),
        migrations.AddField(
            model_name="elder",
            name="name_sort",
            field=models.CharField(blank=True, default="", editable=False, max_length=500),
        ),
        # Before the indexes on it are built (SQLite has no "C" and needs none).
        migrations.RunPython(name_sort_to_c, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="elder",
            name="hukou_type",
            field=models.CharField(
                choices=[
                    ("local_urban", "Local urban hukou"),
                    ("local_rural", "Local rural hukou"),
                    ("non_local", "Non-local hukou"),
                ],
                max_length=16,
                verbose_name="hukou type",
            ),
        ),
        migrations.AlterField(
            model_name="elder",
            name="living_situation",
            field=models.CharField(
                choices=[
                    ("alone", "Lives alone"),
                    ("spouse", "With spouse only"),
                    ("children", "With children"),
                    ("others", "With other relatives or carers"),
                    ("institution", "In a care institution"),
                ],
                max_length=16,
                verbose_name="living situation",
            ),
        ),
        migrations.AddIndex(
            model_name="elder",
            index=models.Index(fields=["region", "name_sort", "id"], name="elder_region_name_sort"),
        ),
        migrations.AddIndex(
            model_name="elder",
            index=models.Index(fields=["name_sort", "id"], name="elder_name_sort"),
        ),
    ]
