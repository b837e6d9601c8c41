"""A system-administrator grant used to make its holder a Django superuser; now it makes them
staff only, scoped to their regions. Superusers made that way become plain staff; a national
superuser is made again with ``silvercare createuser NAME --superuser``."""

from django.db import migrations


def demote(apps, schema_editor):  # type: ignore[no-untyped-def]
    User = apps.get_model("accounts", "User")
    User.objects.filter(is_superuser=True, grants__role="system_admin").update(
        is_superuser=False, is_staff=True
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(demote, migrations.RunPython.noop)]
