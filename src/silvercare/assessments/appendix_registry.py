"""Appendix A fields the registry already holds (A.1.1, A.2.1–A.2.3, A.2.8, A.3.3–A.3.4).

They are prefilled from the registry and never stored with the assessment: the ID number
and the contact's phone are personal data kept only encrypted in the registry, shown masked
by role and in full only through the registry's audited reveal. A value the assessor
changes is offered back to the registry through ``elders.services`` (audited there), and
only by someone who may edit the registry; the assessment keeps at most a reference to the
chosen registry contact (``A.3.contact``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from silvercare.accounts.roles import Perm
from silvercare.assessments import error_codes as codes
from silvercare.assessments.forms_data import FIELDS
from silvercare.assessments.instruments.appendix_a import CONTACT_REF, REGISTRY_FIELDS
from silvercare.assessments.models import Assessment
from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, FieldError, ValidationFailed
from silvercare.elders import services as elder_services
from silvercare.elders.presenters import elder_detail
from silvercare.elders.selectors import elder_can, elder_contact_find, elder_id_number_is

SEX_FROM_FORM = {"male": "M", "female": "F"}
#: A.3.2 (the informant's relationship) as the registry's contact relationship.
RELATIONSHIP_FROM_FORM = {
    "spouse": "spouse",
    "child": "child",
    "other_relative": "other_relative",
    "hired_carer": "carer",
    "committee_staff": "community",
}
#: Where the registry's own field errors show on the form.
FORM_CODE_OF = {"name": "A.2.1", "id_number": "A.2.8", "phone": "A.3.4", "relationship": "A.3.2"}


@dataclass
class RegistryPlan:
    """What a save does with the registry-held fields, checked before anything is written."""

    contact_ref: int | None = None
    clear_contact: bool = False
    elder_changes: dict[str, Any] = field(default_factory=dict)
    new_contact: dict[str, Any] | None = None
    errors: list[FieldError] = field(default_factory=list)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _differs(code: str, may_update: bool, update_registry: bool) -> FieldError | None:
    if may_update and update_registry:
        return None
    if may_update:
        message = _(
            "The registry holds a different value. Tick “Update the registry” to change it "
            "there, or keep the registered value."
        )
    else:
        message = _(
            "The registry holds a different value. Only staff who may edit the registry can "
            "correct it: ask the street or community worker."
        )
    return FieldError(code, codes.REGISTRY_DIFFERS, message)


def registry_plan(
    *,
    ctx: AuditContext,
    assessment: Assessment,
    values: dict[str, Any],
    update_registry: bool = False,
    informant_relationship: str | None = None,
) -> RegistryPlan:
    """Compare the registry-held values a form or API call sent with the registry. Equal,
    empty and masked values change nothing; a different value is a registry change."""
    elder = assessment.elder
    may_update = elder_can(ctx.actor, elder, Perm.ELDERS_EDIT)
    plan = RegistryPlan()

    def refuse(code: str, message: str, code_: str = codes.REGISTRY_DIFFERS) -> None:
        plan.errors.append(FieldError(code, code_, message))

    number = _text(values.get("A.1.1"))
    if number and number != assessment.number:
        refuse(
            "A.1.1",
            _("The assessment number is given by the system (%(number)s).")
            % {"number": assessment.number},
        )
    name = _text(values.get("A.2.1"))
    if name and name != elder.name:
        error = _differs("A.2.1", may_update, update_registry)
        if error:
            plan.errors.append(error)
        else:
            plan.elder_changes["name"] = name
    derived = _("Sex and birth date follow from the ID number: correct the ID number instead.")
    sex = values.get("A.2.2")
    if sex not in (None, "") and SEX_FROM_FORM.get(str(sex)) != elder.sex:
        refuse("A.2.2", derived)
    birth = values.get("A.2.3")
    if birth not in (None, ""):
        try:
            same = dt.date.fromisoformat(str(birth)) == elder.birth_date
        except ValueError:
            same = False
        if not same:
            refuse("A.2.3", derived)
    id_number = _text(values.get("A.2.8")).replace(" ", "").upper()
    if id_number and "*" not in id_number and not elder_id_number_is(elder, id_number):
        error = _differs("A.2.8", may_update, update_registry)
        if error:
            plan.errors.append(error)
        else:
            plan.elder_changes["id_number"] = id_number

    if CONTACT_REF in values:
        chosen = values[CONTACT_REF]
        if chosen in (None, ""):
            plan.clear_contact = True
        else:
            contact = elder_contact_find(elder, contact_id=chosen)
            if contact is None:
                refuse(
                    "A.3.3",
                    _("Choose one of the elder's registered contacts."),
                    codes.CONTACT_NOT_REGISTERED,
                )
            else:
                plan.contact_ref = contact.pk
    contact_name = _text(values.get("A.3.3"))
    phone = _text(values.get("A.3.4"))
    if phone and "*" not in phone:
        contact = elder_contact_find(elder, phone=phone)
        if contact is not None:
            plan.contact_ref = contact.pk
        elif may_update and update_registry:
            relationship = RELATIONSHIP_FROM_FORM.get(informant_relationship or "", "other")
            clean, errors = elder_services.contact_values_check(
                {"name": contact_name, "relationship": relationship, "phone": phone}
            )
            plan.errors += [_on_form(e) for e in errors]
            plan.new_contact = clean
        else:
            refuse(
                "A.3.4",
                _(
                    "This phone is not among the elder's registered contacts. Choose a "
                    "registered contact, or have the contact added to the registry first."
                ),
                codes.CONTACT_NOT_REGISTERED,
            )
    elif contact_name and "*" not in contact_name:
        contact = elder_contact_find(elder, name=contact_name)
        if contact is not None:
            plan.contact_ref = contact.pk
        else:
            refuse(
                "A.3.3",
                _("No registered contact has this name; give the contact's phone as well."),
                codes.CONTACT_NOT_REGISTERED,
            )
    return plan


def _on_form(error: FieldError) -> FieldError:
    mapped = FORM_CODE_OF.get(error.field, "A.3.3" if error.field == "name" else error.field)
    return FieldError(mapped, error.code, error.message, error.params)


def registry_apply(*, ctx: AuditContext, assessment: Assessment, plan: RegistryPlan) -> list[str]:
    """Write the planned registry changes through the registry's audited services (each in
    its own transaction, so a refused duplicate ID is audited even when the save fails).
    Returns the registry fields changed; the new contact's id lands in ``plan``."""
    elder = assessment.elder
    changed: list[str] = []
    try:
        if plan.elder_changes:
            elder_services.elder_update(ctx=ctx, elder=elder, changes=plan.elder_changes)
            changed += sorted(plan.elder_changes)
        if plan.new_contact is not None:
            contact = elder_services.contact_add(ctx=ctx, elder=elder, values=plan.new_contact)
            plan.contact_ref = contact.pk
            changed.append("contacts")
    except ValidationFailed as exc:
        raise ValidationFailed([_on_form(e) for e in exc.errors]) from exc
    except DomainError as exc:
        code = "A.2.8" if "id_number" in plan.elder_changes else "A.2.1"
        raise ValidationFailed([FieldError(code, exc.code, exc.message)]) from exc
    return changed


# --- what the form shows --------------------------------------------------------------------


def _english() -> bool:
    return (get_language() or "").startswith("en")


def registry_view(
    *,
    actor: Any,
    assessment: Assessment,
    revealed: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The registry-held fields as the form shows them to ``actor``: masked by role, in
    full only after an audited reveal (``revealed`` from ``elders.services.elder_reveal``)."""
    errors = errors or {}
    elder = assessment.elder
    data = elder_detail(elder, revealed, actor=actor)
    may_update = elder_can(actor, elder, Perm.ELDERS_EDIT)
    may_reveal = elder_can(actor, elder, Perm.ELDERS_VIEW_PII) and data["masked"]
    chosen_id = assessment.forms.get(CONTACT_REF)
    contacts = data["contacts"]
    if chosen_id is None and contacts:
        chosen_id = contacts[0]["id"]
    chosen = next((c for c in contacts if c["id"] == chosen_id), None)
    sex_option = next(
        (o for o in FIELDS["A.2.2"].options if SEX_FROM_FORM.get(o.value) == elder.sex), None
    )
    sex_label = (sex_option.label_en if _english() else sex_option.label_zh) if sex_option else ""

    def field_(code: str, display: Any, **extra: Any) -> dict[str, Any]:
        return {"kind": "registry", "display": display, "error": errors.get(code), **extra}

    views: dict[str, dict[str, Any]] = {
        "A.1.1": field_("A.1.1", assessment.number),
        "A.2.1": field_(
            "A.2.1",
            elder.name,
            input={"name": "A.2.1", "value": elder.name, "label": _("Corrected name")}
            if may_update
            else None,
        ),
        "A.2.2": field_("A.2.2", sex_label, note=_("from the ID number")),
        "A.2.3": field_(
            "A.2.3",
            data["birth_date"].isoformat() if data["birth_date"] else data["birth_year"],
            note=_("from the ID number")
            if data["birth_date"]
            else _("year only: your role does not see the birth date"),
        ),
        "A.2.8": field_(
            "A.2.8",
            data["id_number"],
            reveal=may_reveal,
            input={"name": "A.2.8", "value": "", "label": _("Corrected ID number")}
            if may_update
            else None,
        ),
        "A.3.3": {
            "kind": "registry_contact",
            "error": errors.get("A.3.3") or errors.get(CONTACT_REF),
            "select_name": CONTACT_REF,
            "choices": [
                {
                    "id": c["id"],
                    "label": f"{c['name']} · {c['relationship_label']} · {c['phone']}",
                    "selected": c["id"] == chosen_id,
                }
                for c in contacts
            ],
            "input": {"name": "A.3.3", "value": "", "label": _("Or a new contact's name")}
            if may_update
            else None,
        },
        "A.3.4": field_(
            "A.3.4",
            chosen["phone"] if chosen else "",
            reveal=may_reveal and chosen is not None,
            input={"name": "A.3.4", "value": "", "label": _("New contact's phone")}
            if may_update
            else None,
        ),
    }
    assert set(views) == set(REGISTRY_FIELDS)
    return {
        "fields": views,
        "may_update": may_update,
        "masked": data["masked"],
        "elder_id": elder.pk,
    }


def with_registry(sections: list[dict[str, Any]], registry: dict[str, Any]) -> list[dict[str, Any]]:
    """The appendix sections with each registry-held field's view replaced by the registry's."""
    views = registry["fields"]
    for section in sections:
        for view in section["fields"]:
            if view.get("code") in views:
                view.update(views[view["code"]])
    return sections
