"""Records of this capability for tests/test_scope_leak.py: the roll-ups computed over every
other capability's street-A records must not show to a worker of another district."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from silvercare.common import periods
from silvercare.common.testing import STREET_A

IDS: tuple[str, ...] = ()  # nothing here is a record of one area: open data is public
# Filled by build(): the street's and the district's figures as the dashboard writes them.
MARKERS: list[str] = []
# Pages and API calls that name a foreign area outright.
PROBES = (
    "/indicators/?region=440304000000",
    f"/indicators/?region={STREET_A}",
    "/indicators/indicators.xlsx?region=440304000000",
    "/api/v1/indicators/figures?region=440304000000",
    "/api/v1/indicators/analysis?region=440304000000",
    f"/api/v1/indicators/map?region={STREET_A}",
    "/indicators/report.pdf?region=440304000000",
    f"/indicators/report.xlsx?region={STREET_A}",
    "/indicators/map/?region=440304000000",
    f"/indicators/map/?region={STREET_A}",
)


def build(worker: Any, elder: Any) -> dict[str, str]:
    """Compute this month's figures once the other worlds exist (it runs last), and keep
    the street A and Futian beds figures as markers."""
    from silvercare.indicators.models import Figure
    from silvercare.indicators.services import figures_refresh

    figures_refresh()
    MARKERS.clear()
    for figure in Figure.objects.filter(
        indicator="nursing_bed_share", region_code__in=[STREET_A, "440304000000"]
    ):
        MARKERS.append(f"{figure.numerator} / {figure.denominator}")
    assert MARKERS, "the industry world's institution should give street A a figure"
    # The open-data downloads are named by month (public: not checked as foreign).
    return {"open_period": periods.code_of("month", timezone.localdate())}
