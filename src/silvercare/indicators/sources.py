"""Where each indicator's facts come from: every source reads a capability through its
selectors and returns counts per area code (no person is named), for one month.

A source is ``(start, end, under) -> {area code: {fact: count}}`` over the month [start, end)
for the areas whose codes start with one of ``under``'s prefixes (other areas may be returned
too and are ignored); stock
facts (beds, registered elders) are taken as of the month's last day, or today for the
current month."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils import timezone

from silvercare.regions.choices import PREFIX_LENGTH

Facts = dict[str, dict[str, int]]
Source = Callable[[dt.date, dt.date, tuple[str, ...]], Facts]


def _until(end: dt.date) -> dt.date:
    return min(end - dt.timedelta(days=1), timezone.localdate())


def facilities(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.industry.selectors import facility_facts

    return facility_facts(until=_until(end))


def enterprises(start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
    from silvercare.industry.selectors import enterprise_facts

    return enterprise_facts(until=_until(end))


def _coverage(kind_key: str, level: int, unit: str, end: dt.date, under: tuple[str, ...]) -> Facts:
    """One row per region at ``level``: itself (``unit`` = 1) and whether a facility counted
    by ``kind_key`` lies in it."""
    from silvercare.industry.selectors import facility_facts
    from silvercare.regions.selectors import region_codes

    length = PREFIX_LENGTH[level]
    with_one = {
        code[:length]
        for code, facts in facility_facts(until=_until(end)).items()
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

    until = _until(end)
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


SOURCES: dict[str, Source] = {
    "facilities": facilities,
    "enterprises": enterprises,
    "street_coverage": street_coverage,
    "community_coverage": community_coverage,
    "assessments": assessments,
    "alerts": alerts,
}
