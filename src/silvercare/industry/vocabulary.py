"""How the industry services' audit rows read on the audit page (``audit.vocabulary``)."""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silvercare.audit.vocabulary import Vocabulary
from silvercare.industry.choices import (
    FacilityKind,
    ProjectStage,
    ReportStep,
    Tier,
    WhiteListAction,
)

_PAGES = {
    "enterprise": "industry:enterprise",
    "facility": "industry:facility",
    "report": "industry:report",
    "project": "industry:project",
}
_STAGES = {"due": _("Due soon"), "overdue": _("Overdue")}


def _url(entity_id: str) -> str:
    kind, _sep, pk = entity_id.partition(":")
    name = _PAGES.get(kind)
    if name is None:
        return ""
    try:
        return reverse(name, args=[uuid.UUID(pk)])
    except ValueError:
        return ""


VOCABULARY = Vocabulary(
    record=_("Industry statistics"),
    fields={"name": _("Name"), "region": _("Area"), "beds": _("Beds")},
    codes={
        "kind": FacilityKind.choices,
        "tier": Tier.choices,
        "action": WhiteListAction.choices,
        "step": ReportStep.choices,
        "stage": [*ProjectStage.choices, *_STAGES.items()],
    },
    url=_url,
    identifiers=frozenset({"credit_code", "period"}),
)
