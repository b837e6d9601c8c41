"""Credit: the score model's arithmetic, grades with their history (recomputed when an event
is recorded or the model changes), the blacklist and its appeals, and grades feeding draws."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import STREET_A, make_user
from silvercare.supervision import scoring, services
from silvercare.supervision.models import BlacklistEntry, CreditEvent, GradeChange
from silvercare.supervision.tests.conftest import FUTIAN, SEED, make_enterprise

pytestmark = pytest.mark.django_db

MODEL: dict[str, Any] = {
    "base_score": 80,
    "half_life_months": 0,
    "categories": [
        {"code": "award", "label": "Award", "points": 5},
        {"code": "penalty", "label": "Penalty", "points": -20},
    ],
    "thresholds": [
        {"grade": "A", "min": 90},
        {"grade": "B", "min": 75},
        {"grade": "C", "min": 60},
        {"grade": "D", "min": None},
    ],
}
TODAY = dt.date(2026, 6, 1)


def test_score_is_base_plus_points_and_the_grade_the_first_threshold_reached() -> None:
    assert scoring.score(MODEL, [], TODAY) == scoring.Scored(80, "B")
    events = [("award", dt.date(2026, 1, 1))] * 2
    assert scoring.score(MODEL, events, TODAY) == scoring.Scored(90, "A")
    events = [("penalty", dt.date(2026, 1, 1)), ("award", dt.date(2026, 2, 1))]
    assert scoring.score(MODEL, events, TODAY) == scoring.Scored(65, "C")
    events = [("penalty", dt.date(2026, 1, 1))] * 2
    assert scoring.score(MODEL, events, TODAY) == scoring.Scored(40, "D")
    # Unknown categories and events after the day count nothing.
    assert scoring.score(MODEL, [("unknown", TODAY), ("award", dt.date(2026, 7, 1))], TODAY) == (
        scoring.Scored(80, "B")
    )


def test_a_half_life_halves_an_event_after_that_many_months() -> None:
    model = MODEL | {"half_life_months": 12}
    one_year = TODAY - dt.timedelta(days=round(12 * scoring.DAYS_PER_MONTH))
    # -20 × 0.5 = -10 → 70; rounding half up on the whole point.
    assert scoring.score(model, [("penalty", one_year)], TODAY) == scoring.Scored(70, "C")
    assert scoring.score(model, [("penalty", TODAY)], TODAY) == scoring.Scored(60, "C")


def test_model_errors_name_each_problem() -> None:
    bad = {
        "categories": [{"code": "a"}, {"code": "a"}],
        "thresholds": [{"grade": "B", "min": 60}, {"grade": "A", "min": 90}, {"grade": "D"}],
    }
    bad["thresholds"][-1]["min"] = 10
    assert set(scoring.model_errors(bad)) == {
        ("categories", "duplicate"),
        ("thresholds", "no_catch_all"),
        ("thresholds", "not_descending"),
    }
    assert scoring.model_errors(MODEL) == []


@pytest.fixture
def subject(officer: Any) -> Any:
    return services.subject_for_enterprise(make_enterprise(officer, "园岭养老院"))


def test_events_regrade_the_subject_and_keep_a_history(ctx: AuditContext, subject: Any) -> None:
    services.score_model_publish(ctx=ctx, region_code=FUTIAN, **MODEL)
    today = timezone.localdate()
    services.credit_event_record(
        ctx=ctx,
        subject=subject,
        category="penalty",
        occurred_on=today,
        source="penalty",
        evidence="超范围经营，福民罚字〔2026〕12号",
        reference="福民罚字〔2026〕12号",
    )
    subject.refresh_from_db()
    assert (subject.score, subject.grade) == (60, "C")
    services.credit_event_record(
        ctx=ctx,
        subject=subject,
        category="penalty",
        occurred_on=today,
        source="complaint",
        evidence="投诉属实",
    )
    subject.refresh_from_db()
    assert (subject.score, subject.grade) == (40, "D")
    history = list(GradeChange.objects.filter(subject=subject).order_by("at", "pk"))
    # Graded first when the model was published (base score), then at each event.
    assert [(g.previous_grade, g.grade, g.score, g.reason) for g in history] == [
        ("", "B", 80, "first"),
        ("B", "C", 60, "event_added"),
        ("C", "D", 40, "event_added"),
    ]

    # A new model version re-grades everyone under it, recorded as a model change.
    softer = MODEL | {
        "categories": [
            {"code": "award", "label": "Award", "points": 5},
            {"code": "penalty", "label": "Penalty", "points": -10},
        ]
    }
    model = services.score_model_publish(ctx=ctx, region_code=FUTIAN, **softer)
    assert model.version == 2
    subject.refresh_from_db()
    assert (subject.score, subject.grade) == (60, "C")
    last = GradeChange.objects.filter(subject=subject).order_by("-at", "-pk").first()
    assert last is not None
    assert (last.previous_grade, last.grade, last.reason, last.model) == (
        "D",
        "C",
        "model_changed",
        model,
    )


def test_bad_events_are_refused_per_field_and_nothing_saved(
    ctx: AuditContext, subject: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        services.credit_event_record(
            ctx=ctx,
            subject=subject,
            category="made_up",
            occurred_on=timezone.localdate() + dt.timedelta(days=3),
            source="rumour",
            evidence="  ",
        )
    assert {e.field for e in refused.value.errors} == {
        "category",
        "occurred_on",
        "source",
        "evidence",
    }
    assert not CreditEvent.objects.exists()


def test_an_individual_has_a_record_in_the_area_of_their_role(
    ctx: AuditContext, regions: None
) -> None:
    caregiver = make_user("caregiver", STREET_A, "cg_wang")
    subject = services.subject_for_user(caregiver, "caregiver")
    assert (subject.kind, subject.region_id, subject.name) == ("caregiver", STREET_A, "cg_wang")
    services.credit_event_record(
        ctx=ctx,
        subject=subject,
        category="award",
        occurred_on=timezone.localdate(),
        source="award",
        evidence="区优秀护理员",
    )
    subject.refresh_from_db()
    assert subject.grade == "B"  # the built-in model: 80 + 5
    with pytest.raises(DomainError):
        services.subject_for_user(make_user("assessor", STREET_A), "caregiver")


def test_blacklist_with_appeal_granted_lifts_the_listing(ctx: AuditContext, subject: Any) -> None:
    today = timezone.localdate()
    entry = services.blacklist_add(
        ctx=ctx,
        subject=subject,
        reason="骗取补贴",
        starts_on=today,
        ends_on=today + dt.timedelta(days=365),
    )
    with pytest.raises(DomainError) as twice:
        services.blacklist_add(
            ctx=ctx, subject=subject, reason="again", starts_on=today, ends_on=None
        )
    assert twice.value.code == "blacklist_already_active"
    with pytest.raises(DomainError) as undecided:
        services.appeal_decide(ctx=ctx, entry=entry, granted=True, reason="?")
    assert undecided.value.code == "appeal_not_filed"

    entry = services.appeal_file(ctx=ctx, entry=entry, grounds="补贴已全额退回，系会计失误")
    with pytest.raises(DomainError) as again:
        services.appeal_file(ctx=ctx, entry=entry, grounds="再次申诉")
    assert again.value.code == "appeal_already_filed"
    entry = services.appeal_decide(ctx=ctx, entry=entry, granted=True, reason="经复核，情节轻微")
    assert (entry.status, entry.appeal_status, entry.decision_reason) == (
        "lifted",
        "granted",
        "经复核，情节轻微",
    )
    # Lifted: the subject may be listed again for something new.
    services.blacklist_add(
        ctx=ctx, subject=subject, reason="新的违规", starts_on=today, ends_on=None
    )
    assert BlacklistEntry.objects.filter(subject=subject).count() == 2


def test_an_appeal_rejected_keeps_the_listing(ctx: AuditContext, subject: Any) -> None:
    today = timezone.localdate()
    entry = services.blacklist_add(
        ctx=ctx, subject=subject, reason="骗取补贴", starts_on=today, ends_on=None
    )
    entry = services.appeal_file(ctx=ctx, entry=entry, grounds="不服")
    entry = services.appeal_decide(ctx=ctx, entry=entry, granted=False, reason="证据确凿")
    assert (entry.status, entry.appeal_status) == ("listed", "upheld")
    with pytest.raises(DomainError) as bad_dates:
        services.blacklist_add(
            ctx=ctx,
            subject=services.subject_for_user(make_user("caregiver", STREET_A), "caregiver"),
            reason="x",
            starts_on=today,
            ends_on=today - dt.timedelta(days=1),
        )
    assert [e.field for e in bad_dates.value.errors] == ["ends_on"]


def test_another_district_may_not_record_credit_here(luohu_officer: Any, subject: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.credit_event_record(
            ctx=AuditContext(actor=luohu_officer),
            subject=subject,
            category="award",
            occurred_on=timezone.localdate(),
            source="award",
            evidence="x",
        )
    assert refused.value.status == 403
    assert not CreditEvent.objects.exists()


def test_a_poor_grade_puts_the_enterprise_in_the_higher_ratio_stratum(
    ctx: AuditContext, officer: Any, inspectors: dict[str, Any]
) -> None:
    poor = make_enterprise(officer, "问题机构")
    others = [make_enterprise(officer, f"机构{n}") for n in range(30)]
    services.score_model_publish(ctx=ctx, region_code=FUTIAN, **MODEL)
    for _ in range(2):
        services.credit_event_record(
            ctx=ctx,
            subject=services.subject_for_enterprise(poor),
            category="penalty",
            occurred_on=timezone.localdate(),
            source="penalty",
            evidence="处罚",
        )
    draw = services.draw_create(
        ctx=ctx,
        title="抽查",
        region_code=FUTIAN,
        kinds=["enterprise"],
        default_bp=500,
        by_grade={"D": 10000},
        seed=SEED,
    )
    strata = {s["stratum"]: (s["pool"], s["taken"]) for s in draw.result["strata"]}
    assert strata == {"default": (len(others), 2), "D": (1, 1)}
    assert f"enterprise:{poor.pk}" in [s["target"] for s in draw.result["selections"]]
