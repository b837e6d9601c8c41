from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from silvercare.common.errors import NotFound
from silvercare.regions import selectors


@login_required
def region_browse(request: HttpRequest, code: str | None = None) -> HttpResponse:
    try:
        region = selectors.region_get(code=code) if code else None
    except NotFound:
        raise Http404 from None
    children = selectors.region_list(
        parent=region.code if region else None, level=None if region else 1
    )
    return render(
        request,
        "regions/browse.html",
        {
            "region": region,
            "children": children,
            "ancestors": selectors.region_ancestors(region) if region else [],
        },
    )
