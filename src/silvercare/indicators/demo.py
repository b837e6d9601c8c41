"""Demo indicators: the roll-ups of the last 24 months, computed once the other capabilities
have seeded the demo city (a dashboard with trends from the first sign-in)."""

from __future__ import annotations

from silvercare.indicators.models import Refresh
from silvercare.indicators.services import figures_refresh


def seed_demo() -> dict[str, int]:
    refresh = figures_refresh(kind=Refresh.Kind.FULL)
    return {"figures": refresh.figures}
