"""How the canteens' audit rows read on the audit page (``audit.vocabulary``)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from silvercare.audit.vocabulary import Vocabulary
from silvercare.canteens.choices import DishTag, Meal, Mode


def _page(name: str) -> Callable[[str], str]:
    def url(entity_id: str) -> str:
        try:
            return reverse(name, args=[uuid.UUID(entity_id)])
        except ValueError:
            return ""

    return url


VOCABULARY = Vocabulary(
    record=_("Elder canteens"),
    fields={"name": _("Name"), "capacity": _("Capacity")},
    codes={"meal": Meal.choices, "mode": Mode.choices, "tags": DishTag.choices},
)
# entity type → its vocabulary (the record's page where it has one).
VOCABULARIES = {
    "canteens": VOCABULARY,
    "canteens.canteen": replace(VOCABULARY, url=_page("canteens:canteen")),
    "canteens.order": replace(VOCABULARY, url=_page("canteens:order")),
    "canteens.card": replace(VOCABULARY, url=_page("elders:detail")),
}
