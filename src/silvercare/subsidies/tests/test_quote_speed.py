"""quote() keeps the published programme versions in memory (``subsidies.catalogue``): a
kept list is never served once the rows it was built from change — by a publish, by a
queryset ``update()`` that leaves ``updated_at`` alone under a frozen clock, by a renamed
payer or programme, or by a rollback — and a quote stays within its statement budget."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1
from silvercare.subsidies import services
from silvercare.subsidies.models import (
    PayerBody,
    Programme,
    ProgrammeVersion,
    Quote,
    QuoteLine,
)
from silvercare.subsidies.services import Item

from .conftest import new_elder, version_values

pytestmark = pytest.mark.django_db
WALKER = Item(kind="device_rental", code="walker")
FROZEN = dt.datetime(2026, 6, 15, 2, tzinfo=dt.UTC)
# What loading the versions and their shares through the ORM reads (the digest that keys
# the kept list names the tables too, but not these quoted columns).
LOADS = ('"subsidies_programmeversion"."eligibility_rule"', '"subsidies_fundingshare"."share_bp"')


def paying(quote: Quote) -> list[tuple[int | None, int, list[str]]]:
    """(version, amount, payer names) of each paying line."""
    return [
        (line.version_id, line.amount_fen, [p["payer_name"] for p in line.payer_split])
        for line in quote.lines.filter(kind="pays")
    ]


def test_a_kept_version_list_is_never_served_after_the_rows_change(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    ctx = AuditContext(actor=officer, via="test")
    # The clock stands still: nothing below changes a timestamp a cache could key on.
    with time_machine.travel(FROZEN, tick=False):
        on = timezone.localdate()
        programme = make_programme(
            "rental",
            amount_rule={"type": "percentage", "percent_bp": 8000, "per": "month"},
            budgeted=False,
            shares=[("futian-finance", 10000)],
        )
        v1 = programme.versions.get()
        elder = new_elder(worker, COMMUNITY_A1)

        def quote() -> Quote:
            return services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=on)

        assert paying(quote()) == [(v1.pk, 4800, ["福田区财政"])]
        with CaptureQueriesContext(connection) as second:
            again = quote()
        assert paying(again) == [(v1.pk, 4800, ["福田区财政"])]
        assert not [q["sql"] for q in second if any(load in q["sql"] for load in LOADS)]

        # A new version published at the same instant takes over at once.
        v2 = services.version_create(
            ctx=ctx,
            programme=programme,
            values=version_values(
                amount_rule={"type": "percentage", "percent_bp": 5000, "per": "month"},
                budgeted=False,
                shares=[("futian-finance", 10000)],
            ),
        )
        services.version_publish(ctx=ctx, version=v2, evaluate_elders=False)
        assert paying(quote()) == [(v2.pk, 3000, ["福田区财政"])]

        # Ended by a data fix that leaves updated_at alone: nothing pays any more.
        ProgrammeVersion.objects.filter(pk=v2.pk).update(valid_to=on - dt.timedelta(days=1))
        ended = quote()
        assert (paying(ended), ended.elder_pays_fen) == ([], 6000)
        ProgrammeVersion.objects.filter(pk=v2.pk).update(valid_to=None)
        assert paying(quote()) == [(v2.pk, 3000, ["福田区财政"])]

        # A payer renamed the same way: the split names the new name.
        PayerBody.objects.filter(code="futian-finance").update(name="福田区财政局")
        assert paying(quote()) == [(v2.pk, 3000, ["福田区财政局"])]
        # And a renamed programme: the line carries the new name.
        Programme.objects.filter(pk=programme.pk).update(name="福田区辅具租赁补贴")
        assert quote().lines.get(kind="pays").programme_name == "福田区辅具租赁补贴"

        # A version published, used, then rolled back is never served afterwards.
        with transaction.atomic():
            v3 = services.version_create(
                ctx=ctx,
                programme=programme,
                values=version_values(
                    amount_rule={"type": "percentage", "percent_bp": 2000, "per": "month"},
                    budgeted=False,
                    shares=[("futian-finance", 10000)],
                ),
            )
            services.version_publish(ctx=ctx, version=v3, evaluate_elders=False)
            assert paying(quote()) == [(v3.pk, 1200, ["福田区财政局"])]
            transaction.set_rollback(True)
        assert not ProgrammeVersion.objects.filter(pk=v3.pk).exists()
        assert paying(quote()) == [(v2.pk, 3000, ["福田区财政局"])]


def test_a_quote_reads_no_programme_rows_when_unchanged_and_stays_within_8_statements(
    worker: Any,
    assess: Callable[[Any, int], Any],
    make_programme: Callable[..., Any],
    django_assert_max_num_queries: Callable[..., Any],
) -> None:
    """The longest path: a level read from the assessment, a programme with a yearly
    limit (the elder's usage is read) and a budget (what is left is read), a second
    programme, then the quote, its lines and the audit row in one transaction."""
    make_programme(
        "ltc",
        eligibility_rule="level != null && level >= 2",
        amount_rule={"type": "percentage", "percent_bp": 5000, "per": "month"},
        stacking_priority=10,
        budgeted=False,
    )
    make_programme(
        "rental",
        eligibility_rule="level >= 2",
        amount_rule={"type": "percentage", "percent_bp": 6000, "cap_fen": 20000, "per": "month"},
        stacking_priority=20,
        yearly_limit_fen=240_000,
        budget_fen=1_000_000,
    )
    elder = new_elder(worker, COMMUNITY_A1)
    assess(elder, 2)
    on = timezone.localdate()
    services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=on)
    audits = AuditEvent.objects.filter(entity_type="subsidies.quote").count()

    # The assessment's level; the digest of the kept versions with the elder's usage; the
    # budget; savepoint, quote, lines, audit row, release (BEGIN/COMMIT outside a test).
    with django_assert_max_num_queries(8) as captured:
        quote = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=on)
    assert not [q["sql"] for q in captured if any(load in q["sql"] for load in LOADS)]
    assert [(ln.kind, ln.programme_name, ln.amount_fen) for ln in quote.lines.all()] == [
        ("pays", "ltc", 3000),
        ("pays", "rental", 1800),
        ("elder", "", 1200),
    ]
    assert QuoteLine.objects.filter(quote=quote).count() == 3
    assert AuditEvent.objects.filter(entity_type="subsidies.quote").count() == audits + 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_publish_committed_by_another_connection_is_used_at_once(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    """Another process (here: another connection, which never touches this process's kept
    list) publishes a version; the very next quote here uses it."""
    on = timezone.localdate()
    programme = make_programme(
        "rental",
        amount_rule={"type": "percentage", "percent_bp": 8000, "per": "month"},
        budgeted=False,
        shares=[("futian-finance", 10000)],
    )
    elder = new_elder(worker, COMMUNITY_A1)

    def quote() -> Quote:
        return services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=on)

    assert paying(quote())[0][1] == 4800
    published: list[int] = []

    def publish_elsewhere() -> None:
        try:
            ctx = AuditContext(actor=officer, via="test")
            v2 = services.version_create(
                ctx=ctx,
                programme=programme,
                values=version_values(
                    amount_rule={"type": "percentage", "percent_bp": 5000, "per": "month"},
                    budgeted=False,
                    shares=[("futian-finance", 10000)],
                ),
            )
            services.version_publish(ctx=ctx, version=v2, evaluate_elders=False)
            published.append(v2.pk)
        finally:
            connection.close()

    other = threading.Thread(target=publish_elsewhere)
    other.start()
    other.join(timeout=60)
    assert paying(quote()) == [(published[0], 3000, ["福田区财政"])]
