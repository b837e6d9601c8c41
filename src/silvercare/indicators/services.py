"""Computing the roll-ups. ``figures_refresh`` recomputes whole periods — days, months,
quarters, years — (all indicators, every city, district and street where SilverCare holds
data) and replaces their figures in one transaction per period, recording its progress on a
``Refresh`` row."""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter, defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common import periods
from silvercare.common.errors import DomainError
from silvercare.indicators import error_codes as codes
from silvercare.indicators.definitions import indicators, region_level
from silvercare.indicators.models import Figure, Refresh
from silvercare.indicators.sources import SOURCES, STOCK, Facts, stock_day
from silvercare.regions.choices import PREFIX_LENGTH

logger = logging.getLogger(__name__)

# What a full refresh recomputes, per kind of period (the latest ones up to today).
FULL: dict[periods.Kind, int] = {"month": 24, "quarter": 8, "year": 3, "day": 14}
STORED_LEVELS = (2, 3, 4)  # city, district / county, street / town


def full_periods(today: dt.date | None = None) -> list[str]:
    day = today or timezone.localdate()
    return [p for kind, count in FULL.items() for p in periods.recent(kind, count, day)]


def incremental_periods(today: dt.date | None = None) -> list[str]:
    """The periods a day of new data changes: those containing yesterday and today."""
    day = today or timezone.localdate()
    found: list[str] = []
    for on in (day - dt.timedelta(days=1), day):
        for kind in periods.KINDS:
            code = periods.code_of(kind, on)
            if code not in found:
                found.append(code)
    return found


def operating_prefixes(today: dt.date | None = None) -> tuple[str, ...]:
    """The cities (4-digit prefixes) where SilverCare holds registered elders, facilities or
    enterprises: the roll-ups cover these."""
    from silvercare.elders.selectors import registered_facts
    from silvercare.industry.selectors import enterprise_facts, facility_facts

    until = today or timezone.localdate()
    codes: set[str] = set()
    for facts in (
        registered_facts(until=until),
        facility_facts(until=until),
        enterprise_facts(until=until),
    ):
        codes |= {code[:4] for code in facts}
    return tuple(sorted(codes))


def histogram_median(counts: Counter[int]) -> float | None:
    """The median of the values a histogram {value: how many} describes."""
    total = counts.total()
    if not total:
        return None
    ranks = ((total - 1) // 2, total // 2)  # 0-based ranks of the middle value(s)
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]  # this value holds the ranks below ``seen``
        while len(found) < 2 and ranks[len(found)] < seen:
            found.append(value)
        if len(found) == 2:
            break
    return (found[0] + found[1]) / 2


class FactCache:
    """The facts of each source for one refresh: a stock source is read once per day it
    describes, a flow source once per period."""

    def __init__(self) -> None:
        self._seen: dict[tuple[str, dt.date, dt.date], Facts] = {}

    def get(self, source: str, start: dt.date, end: dt.date, under: tuple[str, ...]) -> Facts:
        if source in STOCK:
            day = stock_day(end)
            key = (source, day, day)
        else:
            key = (source, start, end)
        if key not in self._seen:
            self._seen[key] = SOURCES[source](start, end, under)
        return self._seen[key]


def compute(period: str, under: tuple[str, ...], cache: FactCache | None = None) -> list[Figure]:
    """Every indicator's figures of ``period`` for the cities, districts and streets under
    the prefixes: the facts of each area summed (or, for a median, pooled) into every stored
    level above it."""
    start, end = periods.bounds(period)
    cache = cache or FactCache()
    now = timezone.now()
    figures: list[Figure] = []
    for ind in indicators():
        facts = cache.get(ind.source, start, end, under)
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        samples: dict[str, Counter[int]] = defaultdict(Counter)
        for code, row in facts.items():
            if not code.startswith(under):
                continue
            keys = [
                code[: PREFIX_LENGTH[level]].ljust(12, "0")
                for level in STORED_LEVELS
                if level <= region_level(code)
            ]
            if ind.aggregate == "median":
                if pooled := row.get(ind.numerator):
                    for key in keys:
                        samples[key].update(pooled)
                continue
            numerator = int(row.get(ind.numerator, 0))
            denominator = int(row.get(ind.denominator, 0)) if ind.denominator else 0
            if not numerator and not denominator:
                continue
            for key in keys:
                sums[key][0] += numerator
                sums[key][1] += denominator
        for key, pooled in samples.items():
            sums[key] = [pooled.total(), 0]
        for region_code, (numerator, denominator) in sums.items():
            if ind.aggregate == "median":
                value: float | None = histogram_median(samples[region_code])
            else:
                value = ind.value(numerator, denominator if ind.denominator else None)
            figures.append(
                Figure(
                    indicator=ind.code,
                    region_code=region_code,
                    level=region_level(region_code),
                    period=period,
                    numerator=numerator,
                    denominator=denominator if ind.denominator else None,
                    value=value,
                    computed_at=now,
                )
            )
    return figures


def figures_refresh(
    *,
    kind: str = Refresh.Kind.INCREMENTAL,
    codes: list[str] | None = None,
    refresh: Refresh | None = None,
) -> Refresh:
    """Recompute the periods ``codes`` (an incremental refresh: those containing yesterday
    and today; a full one: ``FULL``), replacing each period's figures in one transaction,
    and record the run's progress period by period on ``refresh`` (a new row when none is
    given)."""
    if codes is None:
        codes = full_periods() if kind == Refresh.Kind.FULL else incremental_periods()
    for period in codes:
        periods.bounds(period)
    if refresh is None:
        refresh = Refresh.objects.create(kind=kind, periods=codes)
    Refresh.objects.filter(pk=refresh.pk).update(
        state=Refresh.State.RUNNING, periods=codes, done_periods=0, figures=0
    )
    written = 0
    cache = FactCache()
    try:
        under = operating_prefixes()
        for done, period in enumerate(codes, start=1):
            figures = compute(period, under, cache) if under else []
            with transaction.atomic():
                Figure.objects.filter(period=period).delete()
                Figure.objects.bulk_create(figures, batch_size=2000)
            written += len(figures)
            Refresh.objects.filter(pk=refresh.pk).update(done_periods=done, figures=written)
    except Exception as error:
        logger.exception("indicator refresh %s failed", refresh.pk)
        Refresh.objects.filter(pk=refresh.pk).update(
            state=Refresh.State.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    Refresh.objects.filter(pk=refresh.pk).update(
        state=Refresh.State.DONE, finished_at=timezone.now()
    )
    refresh.refresh_from_db()
    return refresh


def refresh_request(*, ctx: AuditContext, full: bool = True) -> Refresh:
    """An officer asks for the roll-ups to be recomputed now (in the background); one at a
    time."""
    from silvercare.indicators.selectors import may_recompute

    if not may_recompute(ctx.actor):
        raise DomainError(
            code=codes.PERMISSION_DENIED,
            status=403,
            message=_("You may not do this for this area."),
        )
    busy = Refresh.objects.filter(state__in=[Refresh.State.QUEUED, Refresh.State.RUNNING])
    if busy.filter(created_at__gte=timezone.now() - dt.timedelta(hours=1)).exists():
        raise DomainError(
            code=codes.REFRESH_RUNNING,
            status=409,
            message=_("A refresh is already under way; its progress is shown below."),
        )
    kind = Refresh.Kind.FULL if full else Refresh.Kind.INCREMENTAL
    with transaction.atomic():
        refresh = Refresh.objects.create(
            kind=kind,
            periods=full_periods() if full else incremental_periods(),
            requested_by=ctx.actor if getattr(ctx.actor, "pk", None) else None,
        )
        audit_record(
            ctx=ctx,
            entity_type="indicators.refresh",
            entity_id=f"refresh:{refresh.pk}",
            action=AuditAction.CREATE,
            message=gettext_noop("Indicator refresh requested (%(kind)s)"),
            params={"kind": kind},
        )

        def enqueue() -> None:
            from silvercare.indicators.tasks import run_refresh

            run_refresh.enqueue(str(refresh.pk))

        transaction.on_commit(enqueue)
    return refresh
