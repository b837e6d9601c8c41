"""Helpers tests share: a small region tree, users with grants, valid ID numbers, elders."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.test import Client
from stdnum.cn import ric

from silvercare.accounts.models import User
from silvercare.accounts.services import user_create
from silvercare.audit.services import AuditContext
from silvercare.elders.models import Elder
from silvercare.elders.services import elder_create
from silvercare.regions.services import RegionRow, regions_load_divisions, regions_upsert

# Two streets in Futian, one in Luohu; two communities each.
STREET_A = "440304001000"
STREET_B = "440304002000"
STREET_LUOHU = "440303001000"
COMMUNITY_A1, COMMUNITY_A2 = "440304001001", "440304001002"
COMMUNITY_B1 = "440304002001"
COMMUNITY_LUOHU = "440303001001"
PASSWORD = "Test-password-2026"
_seq = itertools.count(1)


def build_regions() -> None:
    regions_load_divisions()
    regions_upsert(
        rows=[
            RegionRow(STREET_A, "园岭街道", 4, "440304000000", 22.55, 114.09),
            RegionRow(STREET_B, "南园街道", 4, "440304000000", 22.54, 114.08),
            RegionRow(STREET_LUOHU, "桂园街道", 4, "440303000000", 22.55, 114.11),
            RegionRow(COMMUNITY_A1, "华富社区", 5, STREET_A, 22.551, 114.091),
            RegionRow(COMMUNITY_A2, "莲花社区", 5, STREET_A, 22.556, 114.095),
            RegionRow(COMMUNITY_B1, "滨河社区", 5, STREET_B, 22.541, 114.081),
            RegionRow(COMMUNITY_LUOHU, "桂木社区", 5, STREET_LUOHU, 22.551, 114.111),
        ],
        is_demo=True,
    )


def make_user(role: str, region: str, username: str | None = None) -> User:
    name = username or f"{role}-{region}-{next(_seq)}"
    return user_create(
        ctx=AuditContext(actor=None, via="test"),
        username=name,
        password=PASSWORD,
        grants=[(role, region)],
        check_actor=False,
    )


def make_assessor(region: str = "440304000000", username: str | None = None) -> User:
    """An assessor over ``region`` (Futian by default) with a certificate valid since 2020."""
    from silvercare.training.services import qualification_record

    user = make_user("assessor", region, username)
    qualification_record(
        ctx=AuditContext(actor=None, via="test"),
        kind="assessor",
        user=user,
        number=f"PG-{user.pk}",
        valid_from=dt.date(2020, 1, 1),
        check_actor=False,
    )
    return user


def id_number(
    birth: dt.date = dt.date(1945, 3, 8),
    *,
    male: bool = True,
    place: str = "440304",
    seq: int | None = None,
) -> str:
    n = next(_seq) if seq is None else seq
    order = (n % 499) * 2 + (1 if male else 0)
    body = f"{place}{birth:%Y%m%d}{order:03d}"
    return body + ric.calc_check_digit(body + "0")


def wrong_check_digit(number: str) -> str:
    """The same ID number with a check digit that is certainly wrong."""
    digits = "0123456789X"
    return number[:-1] + digits[(digits.index(number[-1]) + 1) % len(digits)]


def make_elder(actor: Any, region: str = COMMUNITY_A1, **values: Any) -> Elder:
    data = {
        "name": "王秀英",
        "id_number": id_number(),
        "phone": "13800138000",
        "address": "福田区园岭街道1栋101",
        "region_code": region,
        # Facts that decide services have no default (issue 8): tests state them too.
        "hukou_type": "local_urban",
        "living_situation": "spouse",
        **values,
    }
    return elder_create(ctx=AuditContext(actor=actor, via="test"), values=data)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
