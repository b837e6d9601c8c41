from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.params import functions as param
from pydantic import AwareDatetime, Field

from silvercare.accounts import selectors, services
from silvercare.accounts.models import ApiToken
from silvercare.common.request import audit_ctx
from silvercare.common.text import PlainText

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreateIn(Schema):
    name: PlainText = Field(min_length=1, max_length=64)
    # With a time zone (…Z or …+08:00): a naive time is a 422 on this field, not a guess.
    expires_at: AwareDatetime | None = None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret; shown this once and never again.")


@router.get("/", response=list[TokenOut], summary="Your API tokens")
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.token_list(actor=request.user))


@router.post("/", response={201: TokenCreatedOut}, summary="Create an API token")
def create_token(request: HttpRequest, payload: TokenCreateIn) -> Status[dict[str, Any]]:
    token, raw = services.token_create(
        ctx=audit_ctx(request, "api"), name=payload.name, expires_at=payload.expires_at
    )
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/{token_id}", response={204: None}, summary="Revoke an API token")
def revoke_token(
    request: HttpRequest, token_id: int = param.Path(..., ge=1, le=2**31 - 1)
) -> Status[None]:
    services.token_revoke(ctx=audit_ctx(request, "api"), token_id=token_id)
    return Status(204, None)
