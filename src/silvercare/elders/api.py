"""Registry endpoints: thin handlers over selectors and services."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Schema, Status
from ninja.params import functions as param
from pydantic import Field

from silvercare.common.no_store import mark_no_store
from silvercare.common.pagination import capped_count
from silvercare.common.request import audit_ctx
from silvercare.elders import selectors, services
from silvercare.elders.presenters import elder_detail, elder_summary
from silvercare.elders.schemas import (
    CategoryCode,
    ConsentIn,
    ContactIn,
    ElderCreateIn,
    ElderDetailOut,
    ElderPageOut,
    ElderUpdateIn,
    SortCode,
    StatusCode,
)

router = Router(tags=["elders"])
MAX_ID = 2**31 - 1


class ElderQuery(Schema):
    q: str = Field("", max_length=50, description="Name prefix, pinyin initials, ID or phone")
    region: str = Field("", max_length=12, pattern=r"^\d{0,12}$")
    category: CategoryCode | None = None
    age_min: int | None = Field(None, ge=0, le=130)
    age_max: int | None = Field(None, ge=0, le=130)
    status: StatusCode | None = None
    sort: SortCode = "name"
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _create_values(payload: ElderCreateIn) -> dict[str, Any]:
    values = payload.dict()
    values["claimed_birth_date"] = values.pop("birth_date")
    values["claimed_sex"] = values.pop("sex")
    return values


@router.get("/", response=ElderPageOut, summary="List and search elders")
def list_elders(request: HttpRequest, query: Query[ElderQuery]) -> dict[str, Any]:
    filters = selectors.ElderFilters(
        q=query.q,
        region=query.region,
        category=query.category or "",
        age_min=query.age_min,
        age_max=query.age_max,
        status=query.status or "",
        sort=query.sort,
    )
    qs = selectors.elder_search(actor=request.user, filters=filters, ctx=audit_ctx(request, "api"))
    start = (query.page - 1) * query.page_size
    items = [elder_summary(e, actor=request.user) for e in qs[start : start + query.page_size]]
    count, capped = capped_count(qs)
    return {
        "items": items,
        "count": count,
        "count_capped": capped,
        "page": query.page,
        "page_size": query.page_size,
    }


@router.post("/", response={201: ElderDetailOut}, summary="Register an elder")
def create_elder(request: HttpRequest, payload: ElderCreateIn) -> Status[dict[str, Any]]:
    elder = services.elder_create(ctx=audit_ctx(request, "api"), values=_create_values(payload))
    return Status(201, elder_detail(elder, actor=request.user))


@router.get("/{elder_id}", response=ElderDetailOut, summary="One elder (masked unless revealed)")
def get_elder(
    request: HttpRequest, response: HttpResponse, elder_id: uuid.UUID, reveal: bool = False
) -> dict[str, Any]:
    elder = selectors.elder_get_for(actor=request.user, elder_id=elder_id)
    revealed = services.elder_reveal(ctx=audit_ctx(request, "api"), elder=elder) if reveal else None
    if revealed is not None:
        mark_no_store(response)
    return elder_detail(elder, revealed, actor=request.user)


@router.patch("/{elder_id}", response=ElderDetailOut, summary="Change an elder's record")
def update_elder(
    request: HttpRequest, elder_id: uuid.UUID, payload: ElderUpdateIn
) -> dict[str, Any]:
    elder = selectors.elder_get_for(actor=request.user, elder_id=elder_id)
    changes = payload.dict(exclude_unset=True)
    if "categories" in changes:
        changes["categories"] = set(changes["categories"] or [])
    elder = services.elder_update(ctx=audit_ctx(request, "api"), elder=elder, changes=changes)
    return elder_detail(elder, actor=request.user)


@router.post("/{elder_id}/contacts", response={201: ElderDetailOut}, summary="Add a contact")
def add_contact(
    request: HttpRequest, elder_id: uuid.UUID, payload: ContactIn
) -> Status[dict[str, Any]]:
    elder = selectors.elder_get_for(actor=request.user, elder_id=elder_id)
    services.contact_add(ctx=audit_ctx(request, "api"), elder=elder, values=payload.dict())
    return Status(201, elder_detail(elder, actor=request.user))


@router.delete(
    "/{elder_id}/contacts/{contact_id}", response={204: None}, summary="Remove a contact"
)
def remove_contact(
    request: HttpRequest, elder_id: uuid.UUID, contact_id: int = param.Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    elder = selectors.elder_get_for(actor=request.user, elder_id=elder_id)
    services.contact_remove(ctx=audit_ctx(request, "api"), elder=elder, contact_id=contact_id)
    return Status(204, None)


@router.post(
    "/{elder_id}/consents", response={201: ElderDetailOut}, summary="Grant or withdraw consent"
)
def record_consent(
    request: HttpRequest, elder_id: uuid.UUID, payload: ConsentIn
) -> Status[dict[str, Any]]:
    elder = selectors.elder_get_for(actor=request.user, elder_id=elder_id)
    services.consent_record(ctx=audit_ctx(request, "api"), elder=elder, **payload.dict())
    return Status(201, elder_detail(elder, actor=request.user))
