"""Stored eligibility: a published programme is evaluated for every elder of its area with
the reasons kept; a completed assessment or a registry change re-evaluates the elder's
active entitlements through the domain events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone, translation

from silvercare.audit.models import AuditEvent
from silvercare.audit.services import AuditContext
from silvercare.common.testing import COMMUNITY_A1, COMMUNITY_LUOHU, make_user
from silvercare.elders.selectors import elder_fact_rows
from silvercare.elders.services import elder_update
from silvercare.subsidies import selectors, services
from silvercare.subsidies.explain import reasons_text as _reasons_text
from silvercare.subsidies.facts import elder_facts, fact_getters
from silvercare.subsidies.models import EligibilityOutcome, EligibilitySnapshot
from silvercare.subsidies.presenters import entitlement_present
from silvercare.subsidies.rules import FACTS

from .conftest import new_elder

pytestmark = pytest.mark.django_db
RULE = "level >= 2 || has_disability_certificate"


def reasons_text(reasons: list[Any]) -> str:
    with translation.override("en"):
        return _reasons_text(reasons)


def snapshot(elder: Any, programme: Any) -> EligibilitySnapshot:
    return EligibilitySnapshot.objects.select_related("outcome").get(
        elder=elder, programme=programme
    )


def test_publishing_evaluates_every_elder_of_the_area_with_reasons(
    worker: Any,
    officer: Any,
    make_programme: Callable[..., Any],
    assess: Callable[[Any, int], Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    assessed = new_elder(worker, COMMUNITY_A1)
    assess(assessed, 3)
    certified = new_elder(worker, COMMUNITY_A1, categories=["disabled"])
    neither = [new_elder(worker, COMMUNITY_A1) for _ in range(3)]
    luohu = new_elder(make_user("community_worker", "440303001000"), COMMUNITY_LUOHU)
    with django_capture_on_commit_callbacks(execute=True):
        programme = make_programme("rental", eligibility_rule=RULE)
    version = programme.versions.get()

    assert snapshot(assessed, programme).passed
    assert snapshot(certified, programme).passed
    assert not any(snapshot(e, programme).passed for e in neither)
    assert not EligibilitySnapshot.objects.filter(elder=luohu).exists()  # not its area
    # One outcome per distinct case: the three elders with the same facts share one.
    assert len({snapshot(e, programme).outcome_id for e in neither}) == 1
    today = timezone.localdate().isoformat()
    # The outcome's reasons are shared; the elder's assessment date is on the snapshot.
    with translation.override("en"):
        why = entitlement_present(snapshot(assessed, programme))["why"]
    assert f"level 3 since {today} assessment" in why
    failed = reasons_text(snapshot(neither[0], programme).outcome.reasons)
    assert f"rule “{RULE}” cannot be decided: level not known" in failed

    summary = selectors.version_eligibility(actor=officer, version=version)
    assert (summary["elders"], summary["eligible"]) == (5, 2)
    assert summary["outcomes"][0]["elders"] == 3  # the commonest reason first
    # Re-evaluating on request replaces the rows; nothing changed, so neither did changed_at.
    before = snapshot(assessed, programme).changed_at
    result = services.eligibility_evaluate_version(ctx=AuditContext(actor=officer), version=version)
    assert (result.elders, result.eligible, result.cases) == (5, 2, 3)
    assert snapshot(assessed, programme).changed_at == before
    assert EligibilityOutcome.objects.filter(version=version).count() == 3


def test_a_completed_assessment_re_evaluates_active_entitlements(
    worker: Any,
    make_programme: Callable[..., Any],
    assess: Callable[[Any, int], Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    elder = new_elder(worker, COMMUNITY_A1)
    with django_capture_on_commit_callbacks(execute=True):
        programme = make_programme("ltc", eligibility_rule="level != null && level >= 2")
    assert not snapshot(elder, programme).passed
    assess(elder, 2)  # the fixture runs the completion's on-commit events
    gained = snapshot(elder, programme)
    assert gained.passed and gained.trigger == "assessment"
    assert AuditEvent.objects.filter(
        entity_id=str(elder.pk), summary__contains="ltc v1: eligible (assessment)"
    ).exists()
    [active] = selectors.entitlements_of(actor=worker, elder=elder)
    assert active.passed and active.version.programme_id == programme.pk


def test_a_category_change_in_the_registry_re_evaluates(
    worker: Any,
    make_programme: Callable[..., Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    elder = new_elder(worker, COMMUNITY_A1, categories=["econ_difficult"])
    with django_capture_on_commit_callbacks(execute=True):
        programme = make_programme("tekun", eligibility_rule='"econ_difficult" in categories')
    assert snapshot(elder, programme).passed
    with django_capture_on_commit_callbacks(execute=True):
        elder_update(ctx=AuditContext(actor=worker), elder=elder, changes={"categories": []})
    lost = snapshot(elder, programme)
    assert (lost.passed, lost.trigger) == (False, "elder_change")
    assert "not in the Economically difficult" in reasons_text(lost.outcome.reasons)
    # A change the rules do not read (the phone) publishes nothing.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        elder_update(ctx=AuditContext(actor=worker), elder=elder, changes={"phone": "13900000001"})
    assert callbacks == []


def test_bulk_fact_values_are_the_quotes_facts(
    worker: Any, assess: Callable[[Any, int], Any]
) -> None:
    elders = [
        new_elder(worker, COMMUNITY_A1, categories=["disabled", "living_alone"]),
        new_elder(worker, COMMUNITY_A1, hukou_type="non_local"),
    ]
    assess(elders[1], 3)
    on = timezone.localdate()
    names = list(FACTS)
    getter = fact_getters(names, on)
    rows = {row[0]: row for row in elder_fact_rows(region_prefix="440304")}
    for elder in elders:
        expected = elder_facts(elder, on)
        values = dict(zip(names, getter(rows[elder.pk]), strict=True))
        values["categories"] = list(values["categories"])
        assert values == expected


def test_entitlements_and_evaluation_through_the_api(
    worker: Any,
    officer: Any,
    make_programme: Callable[..., Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    from django.test import Client

    elder = new_elder(worker, COMMUNITY_A1, categories=["econ_difficult"])
    programme = make_programme("tekun", eligibility_rule='"econ_difficult" in categories')
    version = programme.versions.get()
    draft = make_programme("draft-one", publish=False).versions.get()
    api = Client(HTTP_ACCEPT_LANGUAGE="en")
    api.force_login(officer)
    base = "/api/v1/subsidies"
    assert api.get(f"{base}/entitlements", {"elder_id": str(elder.pk)}).json() == []
    ran = api.post(f"{base}/versions/{version.pk}/evaluate")
    assert ran.status_code == 200 and (ran.json()["elders"], ran.json()["eligible"]) == (1, 1)
    assert api.post(f"{base}/versions/{draft.pk}/evaluate").json()["code"] == "version_draft"
    [entitled] = api.get(f"{base}/entitlements", {"elder_id": str(elder.pk)}).json()
    assert entitled["passed"] and "Economically difficult" in entitled["why"]
    summary = api.get(f"{base}/versions/{version.pk}/eligibility").json()
    assert (summary["elders"], summary["eligible"]) == (1, 1)
    # Running it needs the right to manage the programme's area: a consultant of the
    # district sees the version but may not evaluate it.
    consultant = Client()
    consultant.force_login(make_user("at_consultant", "440304000000", "futian_eval"))
    assert consultant.get(f"{base}/versions/{version.pk}/eligibility").status_code == 200
    assert consultant.post(f"{base}/versions/{version.pk}/evaluate").status_code == 403
    luohu = Client()
    luohu.force_login(make_user("civil_affairs", "440303000000", "luohu_eval"))
    assert luohu.get(f"{base}/entitlements", {"elder_id": str(elder.pk)}).status_code == 404
    assert luohu.get(f"{base}/versions/{version.pk}/eligibility").status_code == 404
