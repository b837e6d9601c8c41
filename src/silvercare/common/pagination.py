from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

COUNT_CAP = 1000


def capped_count(qs: QuerySet[Any], cap: int | None = None) -> tuple[int, bool]:
    """Count at most ``cap`` rows: (count, True) means "more than cap". Counting a million
    scoped rows exactly costs more than the page itself, and nobody pages that far."""
    cap = COUNT_CAP if cap is None else cap
    found = qs.order_by()[: cap + 1].count()
    return min(found, cap), found > cap


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Pages through at most COUNT_CAP rows; ``capped`` says there are more."""

    capped = False

    @cached_property
    def count(self) -> int:
        total, self.capped = capped_count(self.object_list)  # type: ignore[arg-type]
        return total


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int = 25) -> Page[Any]:
    paginator = CappedPaginator(qs, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
