"""How the supervision services' audit rows read on the audit page (``audit.vocabulary``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silvercare.audit.vocabulary import Vocabulary
from silvercare.supervision.choices import AppealStatus, Outcome

_PAGES = {
    "warning": "supervision:warning",
    "draw": "supervision:draw",
    "blacklist": "supervision:listing",
    "inspection": "supervision:inspection",
}


def _url(entity_id: str) -> str:
    kind, _sep, pk = entity_id.partition(":")
    if kind == "score_model":
        return reverse("supervision:score_models")
    name = _PAGES.get(kind)
    if name is None or not pk.isdigit():
        return ""
    return reverse(name, args=[int(pk)])


VOCABULARY = Vocabulary(
    record=_("Supervision"),
    fields={
        "reason": _("Reason"),
        "grade": _("Grade"),
        "seed": _("Seed"),
        "pools_digest": _("Digest of the pools"),
        "result_digest": _("Digest of the result"),
        "algorithm": _("Algorithm"),
    },
    codes={"outcome": Outcome.choices, "decision": AppealStatus.choices},
    url=_url,
    identifiers=frozenset({"category", "seed", "pools_digest", "result_digest", "algorithm"}),
)
