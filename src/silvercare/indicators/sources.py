"""Where each indicator's facts come from: every source reads a capability through its
selectors and returns facts per area code (no person is named) for one period.

A source is ``(start, end, under) -> {area code: {fact: value}}`` over the period
[start, end) for the areas whose codes start with one of ``under``'s prefixes (other areas
may be returned too and are ignored). A value is a count, or for a median a histogram
{value: count}.
*Stock* sources (beds, registered elders, units on lease) describe the period's last day, or
today for the current period, and depend on nothing else (``STOCK``): a refresh computes them
once per day it needs. *Flow* sources (alerts, visits, meals, reports) count what happened in
the period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from silvercare.regions.choices import PREFIX_LENGTH

Facts = dict[str, dict[str, Any]]
Source = Callable[[dt.date, dt.date, tuple[str, ...]], Facts]


def stock_day(end: dt.date) -> dt.date:
    return min(end - dt.timedelta(days=1), timezone.localdate())


def facilities(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.industry.selectors import facility_facts

    return facility_facts(until=stock_day(end))


def enterprises(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.industry.selectors import enterprise_facts

    return enterprise_facts(until=stock_day(end))


def _coverage(kind_key: str, level: int, unit: str, end: dt.date, under: tuple[str, ...]) -> Facts:
    """One row per region at ``level``: itself (``unit`` = 1) and whether a facility counted
    by ``kind_key`` lies in it."""
    from silvercare.industry.selectors import facility_facts
    from silvercare.regions.selectors import region_codes

    length = PREFIX_LENGTH[level]
    with_one = {
        code[:length]
        for code, facts in facility_facts(until=stock_day(end)).items()
        if facts.get(kind_key)
    }
    return {
        code: {unit: 1, "covered": int(code[:length] in with_one)}
        for prefix in under
        for code in region_codes(level=level, under=prefix)
    }


def street_coverage(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    return _coverage("centres", 4, "streets", end, under)


def community_coverage(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    return _coverage("day_cares", 5, "communities", end, under)


def assessments(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.assessments.selectors import assessed_facts
    from silvercare.elders.selectors import registered_facts

    until = stock_day(end)
    facts = registered_facts(until=until)
    for code, row in assessed_facts(until=until).items():
        facts.setdefault(code, {}).update(row)
    return facts


def alerts(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.alerts.selectors import acknowledgement_facts

    zone = timezone.get_current_timezone()
    return acknowledgement_facts(
        start=dt.datetime.combine(start, dt.time(), tzinfo=zone),
        end=dt.datetime.combine(end, dt.time(), tzinfo=zone),
    )


def disabled_fitted(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.assistive.selectors import fitted_elder_ids
    from silvercare.elders.selectors import disabled_facts

    until = stock_day(end)
    return disabled_facts(until=until, with_ids=fitted_elder_ids(until=until))


def adaptation(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.adaptation.selectors import adapted_facts

    return adapted_facts(until=stock_day(end))


def leases(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.rental.selectors import lease_facts

    return lease_facts(until=stock_day(end))


def visits(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.homecare.selectors import visit_facts

    return visit_facts(start=start, end=end)


def meals(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.canteens.selectors import meal_facts

    return meal_facts(start=start, end=end)


def reports(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.industry.selectors import report_facts

    return report_facts(start=start, end=end)


SOURCES: dict[str, Source] = {
    "facilities": facilities,
    "enterprises": enterprises,
    "street_coverage": street_coverage,
    "community_coverage": community_coverage,
    "assessments": assessments,
    "alerts": alerts,
    "disabled_fitted": disabled_fitted,
    "adaptation": adaptation,
    "leases": leases,
    "visits": visits,
    "meals": meals,
    "reports": reports,
}
STOCK = frozenset(
    {
        "facilities",
        "enterprises",
        "street_coverage",
        "community_coverage",
        "assessments",
        "disabled_fitted",
        "adaptation",
        "leases",
    }
)
