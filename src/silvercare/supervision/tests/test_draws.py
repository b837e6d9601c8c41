"""Random inspections (双随机一公开): reproducible draws, ratios by credit grade, conflicts of
interest, refusals, verification from the command line and from the published JSON."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from silvercare.audit.services import AuditContext
from silvercare.common.errors import DomainError
from silvercare.common.testing import STREET_A, STREET_B
from silvercare.supervision import draw as algorithm
from silvercare.supervision import services
from silvercare.supervision.models import Inspection, InspectionDraw
from silvercare.supervision.selectors import draw_published_data
from silvercare.supervision.tests.conftest import FUTIAN, SEED, make_enterprise, zh

pytestmark = pytest.mark.django_db


def _targets(n: int, grade: str = "", prefix: str = "t", region: str = STREET_A) -> list[Any]:
    return [
        {"key": f"enterprise:{prefix}{i}", "name": f"{prefix}{i}", "kind": "enterprise",
         "region": region, "grade": grade}
        for i in range(n)
    ]  # fmt: skip


PEOPLE = [{"key": f"user:{i}", "name": f"inspector {i}", "employment": []} for i in range(1, 7)]


def _run(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "seed": SEED,
        "targets": _targets(100),
        "inspectors": PEOPLE,
        "conflicts": [],
        "ratios": {"default_bp": 500, "by_grade": {}},
        "inspectors_per_target": 2,
    }
    return algorithm.run(**(values | overrides))


# --- The algorithm alone ----------------------------------------------------------------


def test_same_seed_and_pools_give_the_same_draw_and_another_seed_another() -> None:
    first, again = _run(), _run()
    assert first == again
    assert len(first["selections"]) == 5
    assert all(len(s["inspectors"]) == 2 for s in first["selections"])
    other = _run(seed="0" * 64)
    assert [s["target"] for s in other["selections"]] != [s["target"] for s in first["selections"]]


def test_candidates_are_ordered_by_sha256_of_seed_and_key() -> None:
    """The documented rule, recomputed independently of the module's helpers."""
    import hashlib

    targets = _targets(40)
    result = _run(targets=targets)
    expected = sorted(
        targets, key=lambda t: hashlib.sha256(f"{SEED}:{t['key']}".encode()).hexdigest()
    )[:2]
    assert [s["target"] for s in result["selections"]] == [t["key"] for t in expected]


def test_ratio_differs_by_credit_grade() -> None:
    targets = _targets(100, "B", "good") + _targets(20, "D", "poor") + _targets(7, "", "new")
    result = _run(targets=targets, ratios={"default_bp": 500, "by_grade": {"D": 1000}})
    strata = {s["stratum"]: (s["pool"], s["taken"]) for s in result["strata"]}
    # Grade B and the ungraded share the default 5 %: ceil(107 × 5 %) = 6; D: 10 % of 20.
    assert strata == {"default": (107, 6), "D": (20, 2)}
    poor = [s for s in result["selections"] if s["target"].startswith("enterprise:poor")]
    assert len(poor) == 2
    assert algorithm.take_count(1, 500) == 1
    assert algorithm.take_count(0, 500) == 0
    assert algorithm.take_count(40, 250) == 1


def test_conflicted_inspectors_are_never_drawn_for_that_target() -> None:
    people = [
        {"key": "user:1", "name": "same street", "employment": ["440304001"]},
        {"key": "user:2", "name": "same district", "employment": ["440304"]},
        {"key": "user:3", "name": "declared", "employment": ["440303"]},
        {"key": "user:4", "name": "other district", "employment": ["440303"]},
        {"key": "user:5", "name": "city", "employment": []},
    ]
    targets = _targets(10)
    conflicts = [["user:3", t["key"], "declared"] for t in targets]
    for seed in ("a" * 64, "b" * 64, "c" * 64):
        result = _run(
            seed=seed,
            targets=targets,
            inspectors=people,
            conflicts=conflicts,
            ratios={"default_bp": 10000, "by_grade": {}},
        )
        for selection in result["selections"]:
            assert sorted(selection["inspectors"]) == ["user:4", "user:5"]


def test_a_target_short_of_inspectors_refuses_the_draw() -> None:
    people = [{"key": "user:1", "name": "only one", "employment": []}]
    with pytest.raises(algorithm.DrawRefusedError) as refused:
        _run(inspectors=people)
    assert refused.value.code == "not_enough_inspectors"


def test_inspectors_are_spread_before_any_gets_a_second_target() -> None:
    result = _run(ratios={"default_bp": 300, "by_grade": {}})
    assert len(result["selections"]) == 3
    drawn = [k for s in result["selections"] for k in s["inspectors"]]
    assert sorted(drawn) == [p["key"] for p in PEOPLE]


# --- Draws through the service ----------------------------------------------------------


def test_a_draw_records_seed_pools_and_assignments_without_conflicts(
    ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    draw = services.draw_create(
        ctx=ctx,
        title="福田区养老机构双随机抽查",
        region_code=FUTIAN,
        kinds=["enterprise"],
        default_bp=2000,
        seed=SEED,
    )
    assert draw.algorithm == "sc-draw-1"
    assert draw.seed == SEED
    assert len(draw.pools["targets"]) == 10
    # The Luohu inspector is outside the draw's area; the others are in the pool.
    assert {i["name"] for i in draw.pools["inspectors"]} == {
        "insp_a",
        "insp_b",
        "insp_futian",
        "insp_city1",
        "insp_city2",
    }
    inspections = list(Inspection.objects.filter(draw=draw).order_by("position"))
    assert len(inspections) == 2
    allowed = {inspectors[k].pk for k in ("street_b", "city1", "city2")}
    for inspection in inspections:
        drawn = {u.pk for u in inspection.inspectors.all()}
        assert len(drawn) == 2
        assert drawn <= allowed  # street A's and the district's inspectors are employed there
    assert services.draw_problems(draw) == []


def test_the_same_seed_over_the_same_registry_gives_the_same_draw(
    ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    values: dict[str, Any] = {
        "title": "抽查",
        "region_code": FUTIAN,
        "kinds": ["enterprise"],
        "default_bp": 3000,
        "seed": SEED,
        "relationship_months": 0,
    }
    first = services.draw_create(ctx=ctx, **values)
    second = services.draw_create(ctx=ctx, **values)
    assert first.pools == second.pools
    assert first.result == second.result


def test_recent_inspections_and_declared_relationships_exclude_inspectors(
    ctx: AuditContext, inspectors: dict[str, Any], officer: Any
) -> None:
    target = make_enterprise(officer, "长者之家", STREET_A)
    services.conflict_declare(
        ctx=AuditContext(actor=inspectors["city1"]), enterprise=target, reason="前雇主"
    )
    values: dict[str, Any] = {
        "title": "抽查",
        "region_code": FUTIAN,
        "kinds": ["enterprise"],
        "default_bp": 10000,
        "inspectors_per_target": 1,
    }
    first = services.draw_create(ctx=ctx, seed=SEED, **values)
    key = f"enterprise:{target.pk}"
    assert [inspectors["city1"].pk, key, "declared"] in [
        [int(c[0].split(":")[1]), c[1], c[2]] for c in first.pools["conflicts"]
    ]
    once = first.inspections.get().inspectors.get()
    assert once.pk in {inspectors["street_b"].pk, inspectors["city2"].pk}
    second = services.draw_create(ctx=ctx, seed="1" * 64, **values)
    assert [f"user:{once.pk}", key, "recent"] in second.pools["conflicts"]
    again = second.inspections.get().inspectors.get()
    assert again.pk not in {once.pk, inspectors["city1"].pk}


def test_a_draw_over_an_empty_pool_is_refused_and_nothing_saved(
    ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    with pytest.raises(DomainError) as refused:
        services.draw_create(
            ctx=ctx, title="空", region_code=FUTIAN, kinds=["institution"], default_bp=500
        )
    assert refused.value.code == "draw_empty_pool"
    assert str(refused.value.message) in {
        zh(
            "There are no active enterprises or facilities of these kinds in this area: "
            "there is nothing to draw from."
        ),
        "There are no active enterprises or facilities of these kinds in this area: "
        "there is nothing to draw from.",
    }
    assert not InspectionDraw.objects.exists()


def test_a_draw_with_too_few_clean_inspectors_is_refused(
    ctx: AuditContext, officer: Any, regions: None
) -> None:
    from silvercare.common.testing import make_user

    make_enterprise(officer, "长者之家", STREET_A)
    make_user("inspector", STREET_A, "only_local")
    make_user("inspector", STREET_B, "one_other")
    with pytest.raises(DomainError) as refused:
        services.draw_create(
            ctx=ctx, title="抽查", region_code=FUTIAN, kinds=["enterprise"], default_bp=500
        )
    assert refused.value.code == "draw_not_enough_inspectors"
    assert "长者之家" in str(refused.value.message)
    assert not InspectionDraw.objects.exists()


def test_bad_draw_input_is_refused_per_field(ctx: AuditContext, regions: None) -> None:
    with pytest.raises(DomainError) as refused:
        services.draw_create(
            ctx=ctx,
            title="",
            region_code="440304999999",
            kinds=["spaceship"],
            default_bp=20000,
            by_grade={"": 100},
            inspectors_per_target=0,
            seed="not hex",
        )
    fields = {e.field for e in refused.value.errors}
    assert fields == {
        "region_code",
        "title",
        "kinds",
        "ratios",
        "inspectors_per_target",
        "seed",
    }


def test_another_districts_officer_may_not_draw_here(
    luohu_officer: Any, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    with pytest.raises(DomainError) as refused:
        services.draw_create(
            ctx=AuditContext(actor=luohu_officer),
            title="抽查",
            region_code=FUTIAN,
            kinds=["enterprise"],
            default_bp=500,
        )
    assert refused.value.status == 403


# --- Verification -----------------------------------------------------------------------


def _verify(draw_id: int) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("inspection_draw", verify=draw_id, stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_verify_passes_and_a_tampered_pool_fails(
    ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    draw = services.draw_create(
        ctx=ctx, title="抽查", region_code=FUTIAN, kinds=["enterprise"], default_bp=2000
    )
    status, out = _verify(draw.pk)
    assert (status, out.strip()) == (0, f"MATCH draw {draw.pk}")

    # Someone removes a target the draw picked from the stored pool (and fixes the digest).
    pools = dict(draw.pools)
    picked = draw.result["selections"][0]["target"]
    pools["targets"] = [t for t in pools["targets"] if t["key"] != picked]
    InspectionDraw.objects.filter(pk=draw.pk).update(
        pools=pools, pools_digest=algorithm.digest(pools)
    )
    status, out = _verify(draw.pk)
    assert status == 1
    assert "MISMATCH" in out
    assert "different targets or inspectors" in out
    assert "digest in the audit trail" in out


def test_a_renamed_target_in_the_pool_fails_on_its_digest(
    ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    draw = services.draw_create(
        ctx=ctx, title="抽查", region_code=FUTIAN, kinds=["enterprise"], default_bp=2000
    )
    pools = json.loads(json.dumps(draw.pools))
    pools["targets"][-1]["name"] = "改过的名字"
    InspectionDraw.objects.filter(pk=draw.pk).update(pools=pools)
    status, out = _verify(draw.pk)
    assert status == 1
    assert "do not match their recorded digest" in out


def test_the_published_json_re_runs_with_the_standalone_module(
    ctx: AuditContext, inspectors: dict[str, Any], enterprises: list[Any], tmp_path: Any
) -> None:
    draw = services.draw_create(
        ctx=ctx, title="抽查", region_code=FUTIAN, kinds=["enterprise"], default_bp=2000
    )
    data = json.loads(json.dumps(draw_published_data(draw)))
    assert algorithm.verify_published(data) == []
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = io.StringIO()
    call_command("inspection_draw", verify_file=str(path), stdout=out)
    assert out.getvalue().startswith("MATCH")
    data["pools"]["inspectors"].pop()
    assert algorithm.verify_published(data)


def test_a_draw_can_be_made_from_the_command_line(
    officer: Any, inspectors: dict[str, Any], enterprises: list[Any]
) -> None:
    out = io.StringIO()
    call_command(
        "inspection_draw",
        username=officer.username,
        region=FUTIAN,
        kinds="enterprise",
        ratio="10",
        grade_ratio=["D=20"],
        seed=SEED,
        stdout=out,
    )
    draw = InspectionDraw.objects.get()
    assert out.getvalue().startswith(f"draw {draw.pk}: 1 targets")
    assert draw.ratios == {"default_bp": 1000, "by_grade": {"D": 2000}}
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "inspection_draw",
            username=officer.username,
            region=FUTIAN,
            kinds="institution",
            stderr=err,
        )
    assert exit_.value.code == 2
    assert "draw_empty_pool" in err.getvalue()
