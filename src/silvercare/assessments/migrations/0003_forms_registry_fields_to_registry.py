"""Take the registry-held appendix A fields out of the assessments' stored form data.

Until now A.2.8 (the ID number) and A.3.4 (the contact's phone) sat in plain text in
``Assessment.forms``, with copies of the name, sex, birth date and assessment number. They
are now shown from the registry (encrypted, masked by role, revealed with an audit row) and
never stored with the assessment. This migration removes the copies; a contact phone that
matches one of the elder's registered contacts (by the keyed hash, through ``common.crypto``,
the only app code used because only it holds the key) is kept as a reference to that contact
(``A.3.contact``). Reverse: nothing to restore (the registry holds the values).

The field codes are frozen here, as migrations must not follow later code changes.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import migrations

REGISTRY_CODES = ("A.1.1", "A.2.1", "A.2.2", "A.2.3", "A.2.8", "A.3.3", "A.3.4")
CONTACT_REF = "A.3.contact"


def _phone_hash(raw: str) -> str:
    from silvercare.common import crypto

    phone = re.sub(r"[\s()（）]", "", raw or "").replace("+86", "").replace("-", "")
    return crypto.lookup_hash(phone, purpose="phone") if phone else ""


def forwards(apps: Any, schema_editor: Any) -> None:
    assessment_model = apps.get_model("assessments", "Assessment")
    contact_model = apps.get_model("elders", "Contact")
    for assessment in assessment_model.objects.only("id", "elder_id", "forms").iterator(
        chunk_size=500
    ):
        forms = dict(assessment.forms or {})
        if not any(code in forms for code in REGISTRY_CODES):
            continue
        phone = forms.get("A.3.4")
        if isinstance(phone, str) and phone.strip() and CONTACT_REF not in forms:
            contact = (
                contact_model.objects.filter(
                    elder_id=assessment.elder_id, phone_hash=_phone_hash(phone)
                )
                .only("id")
                .first()
            )
            if contact is not None:
                forms[CONTACT_REF] = contact.pk
        for code in REGISTRY_CODES:
            forms.pop(code, None)
        assessment_model.objects.filter(pk=assessment.pk).update(forms=forms)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_policy_ltc_grading"),
        ("elders", "0005_remask_id_numbers_province_and_check_digit"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
