"""Versioning: a live version never changes; editing a programme makes the next version,
and a quote made before still explains itself with the version it used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.testing import COMMUNITY_A1
from silvercare.subsidies import selectors, services
from silvercare.subsidies.models import ProgrammeVersion
from silvercare.subsidies.services import Item

from .conftest import new_elder, version_values

pytestmark = pytest.mark.django_db
WALKER = Item(kind="device_rental", code="walker")


def test_an_old_quote_explains_itself_after_the_programme_changes(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    today = timezone.localdate()
    programme = make_programme(
        "rental",
        eligibility_rule='"disabled" in categories',
        amount_rule={"type": "percentage", "percent_bp": 8000, "per": "month"},
        budget_fen=1_000_000,
    )
    v1 = programme.versions.get()
    elder = new_elder(worker, COMMUNITY_A1, categories=["disabled"])
    march = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=today)
    ctx = AuditContext(actor=officer, via="test")

    # The live version refuses changes, and nothing changes.
    with pytest.raises(DomainError) as refused:
        services.version_update(
            ctx=ctx, version=v1, values=version_values(eligibility_rule="age >= 90")
        )
    assert (refused.value.code, refused.value.status) == ("version_immutable", 409)
    v1.refresh_from_db()
    assert v1.eligibility_rule == '"disabled" in categories'

    # Editing makes version 2 (a draft until published); quotes keep using version 1.
    v2 = services.version_create(
        ctx=ctx,
        programme=programme,
        values=version_values(
            eligibility_rule='"disabled" in categories && age >= 90',
            amount_rule={"type": "percentage", "percent_bp": 5000, "per": "month"},
            note="2026 H2: 50 % for 90+",
        ),
    )
    assert (v2.number, v2.status) == (2, "draft")
    still_v1 = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=today)
    assert still_v1.lines.get(position=0).version_id == v1.pk
    services.version_publish(ctx=ctx, version=v2)
    assert ProgrammeVersion.objects.get(pk=v1.pk).status == "superseded"

    december = services.quote(actor=worker, elder=elder, item=WALKER, price_fen=6000, on=today)
    assert december.elder_pays_fen == 6000  # 81 years old: not 90+
    assert december.lines.get(position=0).version_id == v2.pk

    with translation.override("en"):
        old = selectors.quote_present(selectors.quote_get_for(actor=worker, quote_id=march.pk))
    assert old["elder_pays_fen"] == 1200
    assert old["lines"][0]["version_number"] == 1
    assert old["lines"][0]["rule"] == '"disabled" in categories'
    assert old["lines"][0]["why"].startswith("Disabled category; 80 % of the 60 yuan still to pay")


def test_a_later_version_takes_over_from_its_start_date(
    worker: Any, officer: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme(
        "meals",
        item_kinds=["meal"],
        amount_rule={"type": "fixed", "amount_fen": 300, "per": "meal"},
        budget_fen=1_000_000,
        year=2026,
    )
    services.budget_save(
        ctx=AuditContext(actor=officer),
        programme=programme,
        year=2027,
        region_code="440304000000",
        amount_fen=1_000_000,
    )
    ctx = AuditContext(actor=officer)
    v2 = services.version_create(
        ctx=ctx,
        programme=programme,
        values=version_values(
            valid_from=dt.date(2027, 1, 1),
            valid_to=dt.date(2027, 6, 30),
            item_kinds=["meal"],
            amount_rule={"type": "fixed", "amount_fen": 500, "per": "meal"},
        ),
    )
    services.version_publish(ctx=ctx, version=v2)
    elder = new_elder(worker, COMMUNITY_A1)
    meal = Item(kind="meal")

    def pays(on: dt.date) -> int:
        q = services.quote(actor=worker, elder=elder, item=meal, price_fen=1500, on=on)
        return 1500 - q.elder_pays_fen

    assert pays(dt.date(2026, 12, 31)) == 300  # version 1 still applies before 2027
    assert pays(dt.date(2027, 3, 1)) == 500
    assert pays(dt.date(2027, 7, 1)) == 0  # version 2 ended the programme


def test_drafts_can_change_and_bad_values_are_refused(
    officer: Any, make_programme: Callable[..., Any]
) -> None:
    programme = make_programme("draft", publish=False)
    draft = programme.versions.get()
    ctx = AuditContext(actor=officer)
    services.version_update(ctx=ctx, version=draft, values=version_values(stacking_priority=5))
    draft.refresh_from_db()
    assert draft.stacking_priority == 5
    with pytest.raises(ValidationFailed) as bad:
        services.version_update(
            ctx=ctx,
            version=draft,
            values=version_values(
                eligibility_rule="level >=",
                shares=[("futian-finance", 6000), ("yuanling-finance", 5000)],
                amount_rule={"type": "percentage", "percent_bp": 0},
                item_kinds=["rocket"],
            ),
        )
    fields = {(e.field, e.code) for e in bad.value.errors}
    assert fields == {
        ("eligibility_rule", "rule_syntax"),
        ("shares", "funding_shares_not_100"),
        ("amount_rule.percent_bp", "amount_rule_invalid"),
        ("item_kinds", "covered_items_invalid"),
    }
    draft.refresh_from_db()
    assert draft.stacking_priority == 5
    services.version_publish(ctx=ctx, version=draft)
    with pytest.raises(DomainError) as twice:
        services.version_publish(ctx=ctx, version=draft)
    assert twice.value.code == "version_not_draft"
