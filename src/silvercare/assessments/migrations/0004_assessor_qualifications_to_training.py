"""Assessor qualifications now live in ``training.Qualification`` (copied with their history
by ``training.0002``); the old table goes. Reversing recreates it and ``training.0002``'s
reverse copies the rows back."""

from __future__ import annotations

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_forms_registry_fields_to_registry"),
        ("training", "0002_copy_assessor_qualifications"),
    ]

    operations = [migrations.DeleteModel(name="AssessorQualification")]
