"""Recompute the stored ID-number masks in the new format (ADR 0005).

The old mask kept digits 1-4 and 15-18 (``4403**********1234``); with the birth date on the
page that was enough to rebuild the number. The new mask keeps the province and the check
digit only (``44***************4``). The masks are derived data: this migration decrypts each
number (``common.crypto``, the only app code it uses, because only it holds the keys) and
writes the mask again. Reversible: going back writes the old format.

The mask functions are frozen copies here, as migrations must not follow later code changes.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _new_mask(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 3) + value[-1:]


def _old_mask(value: str) -> str:
    if len(value) < 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def _remask(apps: Any, mask: Any) -> None:
    from silvercare.common import crypto

    elder_model = apps.get_model("elders", "Elder")
    batch: list[Any] = []
    for elder in elder_model.objects.only("id", "id_number_enc", "id_number_masked").iterator(
        chunk_size=2000
    ):
        number = crypto.decrypt(elder.id_number_enc, purpose="elder.id_number")
        masked = mask(number)
        if masked != elder.id_number_masked:
            elder.id_number_masked = masked
            batch.append(elder)
        if len(batch) >= 2000:
            elder_model.objects.bulk_update(batch, ["id_number_masked"])
            batch = []
    if batch:
        elder_model.objects.bulk_update(batch, ["id_number_masked"])


def forwards(apps: Any, schema_editor: Any) -> None:
    _remask(apps, _new_mask)


def backwards(apps: Any, schema_editor: Any) -> None:
    _remask(apps, _old_mask)


class Migration(migrations.Migration):
    dependencies = [("elders", "0004_initials_name_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
