"""Computing the roll-ups. ``figures_refresh`` recomputes whole months (all indicators, every
city, district and street where SilverCare holds data) and replaces their figures in one
transaction per month, recording its progress on a ``Refresh`` row."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from silvercare.accounts.roles import Perm
from silvercare.accounts.scoping import actor_has_perm
from silvercare.audit.models import AuditAction
from silvercare.audit.services import AuditContext, audit_record
from silvercare.common.errors import DomainError
from silvercare.indicators import error_codes as codes
from silvercare.indicators.definitions import indicators, region_level
from silvercare.indicators.models import Figure, Refresh
from silvercare.indicators.sources import SOURCES, Facts
from silvercare.regions.choices import PREFIX_LENGTH

logger = logging.getLogger(__name__)

FULL_MONTHS = 24
STORED_LEVELS = (2, 3, 4)  # city, district / county, street / town


def period_of(day: dt.date) -> str:
    return f"{day:%Y-%m}"


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """[first day, first day of the next month) of ``YYYY-MM``; ValueError when malformed."""
    if not isinstance(period, str) or not re.fullmatch(r"\d{4}-\d{2}", period):
        raise ValueError(f"{period!r} is not YYYY-MM")
    start = dt.date(int(period[:4]), int(period[5:]), 1)
    end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return start, end


def recent_periods(months: int, today: dt.date | None = None) -> list[str]:
    """The last ``months`` months up to this one, oldest first."""
    day = (today or timezone.localdate()).replace(day=1)
    out = []
    for _month in range(months):
        out.append(period_of(day))
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


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


def compute(period: str, under: tuple[str, ...]) -> list[Figure]:
    """Every indicator's figures of ``period`` for the cities, districts and streets under
    the prefixes: the facts of each area summed into every stored level above it."""
    start, end = period_bounds(period)
    now = timezone.now()
    facts_of: dict[str, Facts] = {}
    figures: list[Figure] = []
    for ind in indicators():
        if ind.source not in facts_of:
            facts_of[ind.source] = SOURCES[ind.source](start, end, under)
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for code, row in facts_of[ind.source].items():
            if not code.startswith(under):
                continue
            numerator = int(row.get(ind.numerator, 0))
            denominator = int(row.get(ind.denominator, 0)) if ind.denominator else 0
            if not numerator and not denominator:
                continue
            own = region_level(code)
            for level in STORED_LEVELS:
                if level <= own:
                    total = sums[code[: PREFIX_LENGTH[level]].ljust(12, "0")]
                    total[0] += numerator
                    total[1] += denominator
        for region_code, (numerator, denominator) in sums.items():
            figures.append(
                Figure(
                    indicator=ind.code,
                    region_code=region_code,
                    level=region_level(region_code),
                    period=period,
                    numerator=numerator,
                    denominator=denominator if ind.denominator else None,
                    value=ind.value(numerator, denominator if ind.denominator else None),
                    computed_at=now,
                )
            )
    return figures


def figures_refresh(
    *,
    kind: str = Refresh.Kind.INCREMENTAL,
    periods: list[str] | None = None,
    refresh: Refresh | None = None,
) -> Refresh:
    """Recompute ``periods`` (an incremental refresh: this month; a full one: the last
    ``FULL_MONTHS``), replacing each month's figures in one transaction, and record the run's
    progress month by month on ``refresh`` (a new row when none is given)."""
    if periods is None:
        periods = recent_periods(FULL_MONTHS if kind == Refresh.Kind.FULL else 1)
    for period in periods:
        period_bounds(period)
    if refresh is None:
        refresh = Refresh.objects.create(kind=kind, periods=periods)
    Refresh.objects.filter(pk=refresh.pk).update(
        state=Refresh.State.RUNNING, periods=periods, done_periods=0, figures=0
    )
    written = 0
    try:
        under = operating_prefixes()
        for done, period in enumerate(periods, start=1):
            figures = compute(period, under) if under else []
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
    if not actor_has_perm(ctx.actor, Perm.INDICATORS_MANAGE):
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
    periods = recent_periods(FULL_MONTHS if full else 1)
    with transaction.atomic():
        refresh = Refresh.objects.create(
            kind=kind,
            periods=periods,
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
