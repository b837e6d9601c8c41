"""Subsidy endpoints: programmes and their versions, rule checks and test-runs, payers,
budgets with usage, eligibility (and stored entitlements), quotes and reservations; the
delivery ledger and claims (``api.ledger``), vouchers and trade-ins (``api.vouchers``).
Thin handlers over selectors and services; errors are problem+json like everywhere."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from pydantic import Field

from silvercare.accounts.roles import Perm
from silvercare.common.errors import DomainError, ValidationFailed
from silvercare.common.request import audit_ctx
from silvercare.elders.selectors import elder_get_for
from silvercare.subsidies import error_codes as codes
from silvercare.subsidies import selectors, services
from silvercare.subsidies.presenters import (
    budget_present,
    entitlement_present,
    outcome_present,
    programme_present,
    reservation_present,
    test_run_present,
    version_present,
)
from silvercare.subsidies.rules import rule_compile
from silvercare.subsidies.schemas import (
    BudgetIn,
    BudgetMonthOut,
    BudgetOut,
    CommitIn,
    EligibilityQuery,
    EntitlementOut,
    EvaluationOut,
    OutcomeOut,
    PayerIn,
    PayerOut,
    ProgrammeCreateIn,
    ProgrammeOut,
    ProgrammePageOut,
    QuoteIn,
    QuoteOut,
    ReleaseIn,
    ReservationOut,
    ReserveIn,
    RuleCheckOut,
    RuleIn,
    RuleTestIn,
    TestRunOut,
    VersionCreateIn,
    VersionEligibilityOut,
    VersionIn,
    VersionOut,
    VersionTestIn,
)

router = Router(tags=["subsidies"])


class ProgrammeQuery(Schema):
    q: str = Field("", max_length=50)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class BudgetQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    programme_id: int | None = Field(None, ge=1, le=2**31 - 1)


class YearQuery(Schema):
    year: int = Field(ge=2000, le=2100)


class EntitlementQuery(Schema):
    elder_id: uuid.UUID


class ReservationQuery(Schema):
    elder_id: uuid.UUID | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _values(payload: VersionIn) -> services.VersionValues:
    return services.VersionValues(
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        eligibility_rule=payload.eligibility_rule,
        item_kinds=list(payload.item_kinds),
        item_codes=list(payload.item_codes),
        amount_rule=payload.amount_rule,
        yearly_limit_fen=payload.yearly_limit_fen,
        lifetime_limit_fen=payload.lifetime_limit_fen,
        stacking_priority=payload.stacking_priority,
        budgeted=payload.budgeted,
        shares=[(s.payer, s.share_bp) for s in payload.shares],
        note=payload.note,
    )


def _programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    return programme_present(
        selectors.programme_get_for(actor=request.user, programme_id=programme_id)
    )


@router.get("/programmes", response=ProgrammePageOut, summary="Programmes of your areas")
def list_programmes(request: HttpRequest, query: Query[ProgrammeQuery]) -> dict[str, Any]:
    qs = selectors.programme_list(actor=request.user, q=query.q)
    start = (query.page - 1) * query.page_size
    return {
        "items": [programme_present(p) for p in qs[start : start + query.page_size]],
        "count": qs.count(),
    }


@router.post("/programmes", response={201: ProgrammeOut}, summary="Define a programme")
def create_programme(request: HttpRequest, payload: ProgrammeCreateIn) -> Status[dict[str, Any]]:
    ctx = audit_ctx(request, "api")
    programme = services.programme_create(
        ctx=ctx,
        code=payload.code,
        name=payload.name,
        region_code=payload.region_code,
        description=payload.description,
        version=_values(payload.version),
    )
    if payload.publish:
        services.version_publish(ctx=ctx, version=programme.versions.get())
    return Status(201, _programme(request, programme.pk))


@router.get("/programmes/{programme_id}", response=ProgrammeOut, summary="One programme")
def get_programme(request: HttpRequest, programme_id: int) -> dict[str, Any]:
    return _programme(request, programme_id)


@router.post(
    "/programmes/{programme_id}/versions",
    response={201: VersionOut},
    summary="Next version of a programme (a live version never changes)",
)
def create_version(
    request: HttpRequest, programme_id: int, payload: VersionCreateIn
) -> Status[dict[str, Any]]:
    programme = selectors.programme_get_for(actor=request.user, programme_id=programme_id)
    ctx = audit_ctx(request, "api")
    version = services.version_create(ctx=ctx, programme=programme, values=_values(payload))
    if payload.publish:
        version = services.version_publish(ctx=ctx, version=version)
    return Status(201, version_present(version))


@router.patch("/versions/{version_id}", response=VersionOut, summary="Change a draft version")
def update_version(request: HttpRequest, version_id: int, payload: VersionIn) -> dict[str, Any]:
    version = selectors.version_get_for(actor=request.user, version_id=version_id)
    version = services.version_update(
        ctx=audit_ctx(request, "api"), version=version, values=_values(payload)
    )
    return version_present(version)


@router.post("/versions/{version_id}/publish", response=VersionOut, summary="Publish a draft")
def publish_version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.version_get_for(actor=request.user, version_id=version_id)
    return version_present(services.version_publish(ctx=audit_ctx(request, "api"), version=version))


@router.post(
    "/versions/{version_id}/test-run",
    response=TestRunOut,
    summary="Run a version on a sample elder (by id, or typed-in facts)",
)
def test_run_version(
    request: HttpRequest, version_id: int, payload: VersionTestIn
) -> dict[str, Any]:
    version = selectors.version_get_for(actor=request.user, version_id=version_id)
    elder = (
        elder_get_for(actor=request.user, elder_id=payload.elder_id) if payload.elder_id else None
    )
    run = services.version_test_run(
        actor=request.user,
        version=version,
        elder=elder,
        facts=payload.facts,
        price_fen=payload.price_fen,
        on=payload.on,
    )
    return test_run_present(run)


@router.post(
    "/versions/{version_id}/evaluate",
    response=EvaluationOut,
    summary="Evaluate a published version for every elder of its area, reasons stored",
)
def evaluate_version(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.version_get_for(actor=request.user, version_id=version_id)
    if version.status == "draft":
        raise DomainError(
            code=codes.VERSION_DRAFT,
            status=409,
            message=_("A draft is test-run, not evaluated for every elder: publish it first."),
        )
    summary = services.eligibility_evaluate_version(ctx=audit_ctx(request, "api"), version=version)
    return asdict(summary)


@router.get(
    "/versions/{version_id}/eligibility",
    response=VersionEligibilityOut,
    summary="How many elders of your areas the version lets in, and why",
)
def version_eligibility(request: HttpRequest, version_id: int) -> dict[str, Any]:
    version = selectors.version_get_for(actor=request.user, version_id=version_id)
    return selectors.version_eligibility(actor=request.user, version=version)


@router.get(
    "/entitlements",
    response=list[EntitlementOut],
    summary="An elder's active entitlements: each live programme, passed or not, and why",
)
def entitlements(request: HttpRequest, query: Query[EntitlementQuery]) -> list[dict[str, Any]]:
    elder = elder_get_for(actor=request.user, elder_id=query.elder_id)
    return [
        entitlement_present(s) for s in selectors.entitlements_of(actor=request.user, elder=elder)
    ]


@router.post(
    "/rules/validate",
    response=RuleCheckOut,
    summary="Check a rule: 422 with the line and column of each problem",
)
def validate_rule(request: HttpRequest, payload: RuleIn) -> dict[str, Any]:
    errors = services.rule_field_errors(payload.rule, "rule")
    if errors:
        raise ValidationFailed(errors)
    return {"valid": True, "facts": list(rule_compile(payload.rule).facts)}


@router.post("/rules/test-run", response=TestRunOut, summary="Run a rule on a sample elder")
def test_run_rule(request: HttpRequest, payload: RuleTestIn) -> dict[str, Any]:
    if payload.elder_id:
        from silvercare.subsidies.facts import elder_facts

        elder = elder_get_for(actor=request.user, elder_id=payload.elder_id)
        services.require(request.user, Perm.SUBSIDIES_QUOTE, elder.region_id)
        facts: Any = elder_facts(elder, payload.on or timezone.localdate())
    else:
        facts = payload.facts or {}
    return test_run_present(services.rule_test_run(rule_text=payload.rule, facts=facts))


@router.get("/payers", response=list[PayerOut], summary="Payer bodies a programme may name")
def list_payers(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"id": p.pk, "code": p.code, "name": p.name, "kind": p.kind, "region_code": p.region_id}
        for p in selectors.payer_list(actor=request.user)[:500]
    ]


@router.post("/payers", response={201: PayerOut}, summary="Add a payer body")
def create_payer(request: HttpRequest, payload: PayerIn) -> Status[dict[str, Any]]:
    p = services.payer_create(ctx=audit_ctx(request, "api"), **payload.dict())
    return Status(
        201,
        {"id": p.pk, "code": p.code, "name": p.name, "kind": p.kind, "region_code": p.region_id},
    )


@router.get(
    "/budgets",
    response=list[BudgetOut],
    summary="Budgets with what is reserved, committed and spent",
)
def list_budgets(request: HttpRequest, query: Query[BudgetQuery]) -> list[dict[str, Any]]:
    usage = selectors.budget_usage(
        actor=request.user, year=query.year, programme_id=query.programme_id
    )
    return [budget_present(u) for u in usage[:500]]


@router.get(
    "/budgets/months",
    response=list[BudgetMonthOut],
    summary="Per month of a year: delivered and settled, over your budgets",
)
def budget_months(request: HttpRequest, query: Query[YearQuery]) -> list[dict[str, Any]]:
    services.require(request.user, Perm.SUBSIDIES_VIEW, None)
    return selectors.budget_months(actor=request.user, year=query.year)


@router.post("/budgets", response={201: BudgetOut}, summary="Set a programme's yearly budget")
def save_budget(request: HttpRequest, payload: BudgetIn) -> Status[dict[str, Any]]:
    programme = selectors.programme_get_for(actor=request.user, programme_id=payload.programme_id)
    budget = services.budget_save(
        ctx=audit_ctx(request, "api"),
        programme=programme,
        year=payload.year,
        region_code=payload.region_code,
        amount_fen=payload.amount_fen,
    )
    [usage] = [
        u
        for u in selectors.budget_usage(
            actor=request.user, year=budget.year, programme_id=programme.pk
        )
        if u.budget.pk == budget.pk
    ]
    return Status(201, budget_present(usage))


@router.get(
    "/eligibility",
    response=list[OutcomeOut],
    summary="Every programme covering an item, passed or failed, with the deciding rule",
)
def eligibility(request: HttpRequest, query: Query[EligibilityQuery]) -> list[dict[str, Any]]:
    elder = elder_get_for(actor=request.user, elder_id=query.elder_id)
    outcomes = services.check_eligibility(
        actor=request.user,
        elder=elder,
        item=services.Item(kind=query.item_kind, code=query.item_code),
        on=query.on or timezone.localdate(),
    )
    return [outcome_present(o) for o in outcomes]


def _quote(request: HttpRequest, quote_id: Any) -> dict[str, Any]:
    return selectors.quote_present(selectors.quote_get_for(actor=request.user, quote_id=quote_id))


@router.post("/quotes", response={201: QuoteOut}, summary="Quote a price: who pays what, and why")
def create_quote(request: HttpRequest, payload: QuoteIn) -> Status[dict[str, Any]]:
    elder = elder_get_for(actor=request.user, elder_id=payload.elder_id)
    trade_in = (
        selectors.tradein_get_for(actor=request.user, trade_in_id=payload.trade_in_id)
        if payload.trade_in_id
        else None
    )
    quote = services.quote(
        actor=request.user,
        elder=elder,
        item=services.Item(
            kind=payload.item_kind, code=payload.item_code, label=payload.item_label
        ),
        price_fen=payload.price_fen,
        on=payload.on or timezone.localdate(),
        ctx=audit_ctx(request, "api"),
        trade_in=trade_in,
    )
    return Status(201, _quote(request, quote.pk))


@router.get("/quotes/{quote_id}", response=QuoteOut, summary="A stored quote, explained")
def get_quote(request: HttpRequest, quote_id: uuid.UUID) -> dict[str, Any]:
    return _quote(request, quote_id)


@router.post(
    "/quotes/{quote_id}/reserve",
    response={201: list[ReservationOut]},
    summary="Reserve a quote's amounts against budgets and limits (all or nothing)",
)
def reserve_quote(
    request: HttpRequest, quote_id: uuid.UUID, payload: ReserveIn
) -> Status[list[dict[str, Any]]]:
    quote = selectors.quote_get_for(actor=request.user, quote_id=quote_id)
    made = services.reserve(
        ctx=audit_ctx(request, "api"),
        quote=quote,
        units=payload.units,
        item_ref=payload.item_ref,
        provider_ref=payload.provider_ref,
    )
    ids = [r.pk for r in made]
    rows = selectors.reservation_list(actor=request.user).filter(pk__in=ids)
    return Status(201, [reservation_present(r) for r in rows])


@router.get("/reservations", response=list[ReservationOut], summary="Reservations")
def list_reservations(request: HttpRequest, query: Query[ReservationQuery]) -> list[dict[str, Any]]:
    qs = selectors.reservation_list(actor=request.user, elder_id=query.elder_id)
    start = (query.page - 1) * query.page_size
    return [reservation_present(r) for r in qs[start : start + query.page_size]]


@router.post(
    "/reservations/{reservation_id}/commit",
    response=ReservationOut,
    summary="Delivered: commit all or part, the rest goes back",
)
def commit_reservation(
    request: HttpRequest, reservation_id: uuid.UUID, payload: CommitIn
) -> dict[str, Any]:
    r = selectors.reservation_get_for(actor=request.user, reservation_id=reservation_id)
    services.commit(ctx=audit_ctx(request, "api"), reservation=r, amount_fen=payload.amount_fen)
    return reservation_present(
        selectors.reservation_get_for(actor=request.user, reservation_id=reservation_id)
    )


@router.post(
    "/reservations/{reservation_id}/release",
    response=ReservationOut,
    summary="Cancelled or returned early: release what was not used",
)
def release_reservation(
    request: HttpRequest, reservation_id: uuid.UUID, payload: ReleaseIn
) -> dict[str, Any]:
    r = selectors.reservation_get_for(actor=request.user, reservation_id=reservation_id)
    services.release(ctx=audit_ctx(request, "api"), reservation=r, used_fen=payload.used_fen)
    return reservation_present(
        selectors.reservation_get_for(actor=request.user, reservation_id=reservation_id)
    )


def _register_sub_routers() -> None:
    from silvercare.subsidies.api.ledger import router as ledger_router
    from silvercare.subsidies.api.vouchers import router as vouchers_router

    router.add_router("", ledger_router)
    router.add_router("", vouchers_router)


_register_sub_routers()
