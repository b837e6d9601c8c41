"""How the rental services' audit rows read on the audit page (``audit.vocabulary``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silvercare.audit.vocabulary import Vocabulary
from silvercare.rental.choices import (
    CleaningMethod,
    IncidentKind,
    OrderStatus,
    ReminderStage,
    RepairOutcome,
    ReturnKind,
    UnitState,
)

_PAGES = {"lease": "rental:lease", "unit": "rental:unit", "recall": "rental:recall"}


def _url(entity_id: str) -> str:
    kind, _sep, pk = entity_id.partition(":")
    name = _PAGES.get(kind)
    if name is None or not pk:
        return ""
    if kind != "lease" and not pk.isdigit():
        return ""
    return reverse(name, args=[pk])


def _device_type(code: str) -> str | None:
    from silvercare.assistive.selectors import device_type_get
    from silvercare.common.errors import NotFound

    try:
        return f"{device_type_get(code).name_zh} ({code})"
    except NotFound:
        return None


VOCABULARY = Vocabulary(
    record=_("Device rental"),
    fields={
        "elder": _("Elder"),
        "months": _("Months"),
        "price_fen": _("Price"),
        "elder_fen": _("The elder pays"),
        "ended_on": _("Ended on"),
        "planned_end_on": _("Planned end"),
        "product": _("Product"),
        "units": _("Units"),
        "state": _("State"),
        "reason": _("Reason"),
    },
    codes={
        "state": UnitState.choices,
        "to_state": UnitState.choices,
        "return_kind": ReturnKind.choices,
        "method": CleaningMethod.choices,
        "outcome": [*OrderStatus.choices, *RepairOutcome.choices],
        "kind": IncidentKind.choices,
        "stage": ReminderStage.choices,
        "device_type": _device_type,
    },
    url=_url,
    identifiers=frozenset({"serial", "reference"}),
)
