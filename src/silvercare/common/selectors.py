"""Reads every app needs the same way."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from silvercare.common.errors import NotFound

M = TypeVar("M", bound=Model)


def one_visible(queryset: QuerySet[M], pk: Any, *, parse: Callable[[str], Any] = uuid.UUID) -> M:
    """The one row of an already scoped ``queryset`` with primary key ``pk``, or ``NotFound``.

    A malformed id and a row outside the actor's scope answer the same ``NotFound``, so the
    answer never says whether a record exists elsewhere."""
    try:
        key = parse(str(pk))
    except (ValueError, TypeError, OverflowError):
        raise NotFound() from None
    found = queryset.filter(pk=key).first()
    if found is None:
        raise NotFound()
    return found
