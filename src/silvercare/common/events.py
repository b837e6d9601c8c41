"""In-process domain events. A service publishes after its transaction commits; apps that
depend on the fact subscribe in their AppConfig.ready(). Handlers take ids and plain values
and call their own app's services, so no app reaches into another's models."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)
Handler = Callable[..., None]
_handlers: dict[str, list[Handler]] = defaultdict(list)

ASSESSMENT_COMPLETED = "assessment.completed"
REASSESSMENT_TRIGGERED = "assessment.reassessment_triggered"
# The registry changed facts other capabilities decide on (categories, hukou, community,
# status); payload: elder_id, fields (the names that changed).
ELDER_FACTS_CHANGED = "elder.facts_changed"
# An enterprise of the one registry (industry) was registered or changed; payload:
# enterprise_id, name, credit_code, sectors.
ENTERPRISE_SAVED = "enterprise.saved"


def subscribe(event: str, handler: Handler) -> None:
    if handler not in _handlers[event]:
        _handlers[event].append(handler)


def publish_on_commit(event: str, **payload: Any) -> None:
    """Deliver ``event`` to every subscriber once the current transaction commits."""

    def deliver() -> None:
        for handler in list(_handlers[event]):
            handler(**payload)

    transaction.on_commit(deliver)
