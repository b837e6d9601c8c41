"""Records of this capability for tests/test_scope_leak.py: built in street A, they must not
show to a worker of another district on any page or API operation."""

from __future__ import annotations

from typing import Any

# URL parameter names (unique across the project) whose records build() creates.
IDS: tuple[str, ...] = ()
# Text of those records that must never appear in an outsider's responses.
MARKERS: list[str] = []


def build(worker: Any, elder: Any) -> dict[str, str]:
    """Create the records as worker (a street-A community worker) for elder."""
    return {}
