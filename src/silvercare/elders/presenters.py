"""Turn elders into the dicts the API and pages show, masked unless revealed.

What a viewer sees depends on the personal-data right (``elders.view_pii``) where the elder
lives (ADR 0005): without it, the birth year instead of the date and coordinates rounded to
about a kilometre; with it, the exact values. The ID number, phone and address stay masked
for everyone until an audited reveal. Callers pass the viewing ``actor``; without one the
presenter shows the coarse form.
"""

from __future__ import annotations

from typing import Any

from silvercare.common import crypto
from silvercare.common.masking import birth_year, mask_address
from silvercare.elders.choices import ConsentPurpose
from silvercare.elders.models import Elder
from silvercare.elders.selectors import (
    elder_age,
    elder_consents,
    elder_position_for,
    elder_sees_personal,
)
from silvercare.elders.services import CATEGORY_FIELDS


def elder_categories(elder: Elder) -> list[str]:
    cats = [c for c, f in CATEGORY_FIELDS.items() if getattr(elder, f)]
    if elder_age(elder) >= 80:
        cats.insert(0, "advanced_age")
    return cats


def elder_summary(elder: Elder, *, actor: Any = None) -> dict[str, Any]:
    personal = elder_sees_personal(actor, elder)
    return {
        "id": elder.pk,
        "name": elder.name,
        "sex": elder.sex,
        "birth_date": elder.birth_date if personal else None,
        "birth_year": birth_year(elder.birth_date),
        "age": elder_age(elder),
        "id_number": elder.id_number_masked,
        "phone": elder.phone_masked,
        "region_code": elder.region_id,
        "region_name": elder.region.name,
        "hukou_type": elder.hukou_type,
        "living_situation": elder.living_situation,
        "categories": elder_categories(elder),
        "status": elder.status,
        "status_date": elder.status_date,
        "masked": True,
    }


def elder_detail(
    elder: Elder, revealed: dict[str, Any] | None = None, *, actor: Any = None
) -> dict[str, Any]:
    out = elder_summary(elder, actor=actor)
    contact_phones = {c["id"]: c["phone"] for c in (revealed or {}).get("contacts", [])}
    position = elder_position_for(actor, elder)
    out.update(
        address=revealed["address"]
        if revealed
        else mask_address(crypto.decrypt(elder.address_enc, purpose="elder.address")),
        latitude=position[0] if position else None,
        longitude=position[1] if position else None,
        location_exact=position is not None and position == (elder.latitude, elder.longitude),
        contacts=[
            {
                "id": c.pk,
                "name": c.name,
                "relationship": c.relationship,
                "relationship_label": c.get_relationship_display(),
                "phone": contact_phones.get(c.pk, c.phone_masked),
                "priority": c.priority,
                "is_guardian": c.is_guardian,
                "can_receive_alerts": c.can_receive_alerts,
            }
            for c in elder.contacts.all()
        ],
        consents=[
            {
                "purpose": purpose,
                "purpose_label": ConsentPurpose(purpose).label,
                "granted": event.granted if event else False,
                "recorded_at": event.recorded_at if event else None,
            }
            for purpose, event in elder_consents(elder).items()
        ],
        created_at=elder.created_at,
        updated_at=elder.updated_at,
    )
    if revealed:
        out.update(id_number=revealed["id_number"], phone=revealed["phone"], masked=False)
    return out


def elder_address_masked(elder: Elder) -> str:
    """The elder's address as every list shows it (masked; the full address only through
    the audited ``elders.services.elder_reveal``)."""
    return mask_address(crypto.decrypt(elder.address_enc, purpose="elder.address"))
