"""Fixtures of the alerts tests: an elder of community A1 with a family contact."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def elder(worker: Any) -> Any:
    from silvercare.audit.services import AuditContext
    from silvercare.common import testing
    from silvercare.elders.services import contact_add

    person = testing.make_elder(worker, name="李桂兰")
    contact_add(
        ctx=AuditContext(actor=worker, via="test"),
        elder=person,
        values={"name": "李明", "relationship": "child", "phone": "13912345678", "priority": 1},
    )
    return person
